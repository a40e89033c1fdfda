"""Smoke test of the benchmark script: `benchmarks/run.py --quick` (S size, unlimited emulator,
a first copy then a no-change re-run), and the fan-out's layout (one organization holding the ten
sources and the ten destinations). Behaviour only: timings are printed, never checked."""

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
TOKENS = ("csat-src-6f1d0c9a7b3e4d2f", "csat-src-ro-2b8e4f6a1c3d5e7f", "csoa-dst-9c7a5e3b1d2f4a6c")


def test_quick_benchmark_copies_then_rerun_writes_nothing(tmp_path):
    out = tmp_path / "bench"
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    result = json.loads((out / "latest.json").read_text())
    rows = dict((r["phase"], r) for r in result["rows"])
    assert sorted(rows) == ["first", "rerun"]
    assert all((r["size"], r["mode"]) == ("S", "unlimited") for r in rows.values())
    first, rerun = rows["first"], rows["rerun"]
    assert first["rc"] == 0 and rerun["rc"] == 0

    # The first copy wrote the retail project into the destination; nothing was written to the source.
    assert first["calls"]["destination"]["writes"] > 0
    assert first["calls"]["source"]["writes"] == 0
    assert first["reports"]["bench01"]["verify"] == "ok"
    # The re-run found everything in place: reads only, on both sides.
    assert rerun["calls"]["destination"]["writes"] == 0
    assert rerun["calls"]["source"]["writes"] == 0
    assert rerun["reports"]["bench01"]["verify"] == "ok"

    for row in (first, rerun):
        # The call columns come from the emulators' logs and the minimal-call formula.
        assert row["calls"]["source"]["reads"] > 0 and row["calls"]["destination"]["reads"] > 0
        assert row["minimal"]["source"] > 0 and row["minimal"]["destination"] > 0
        assert row["calls_over_minimal"] is not None
        assert row["resources"] == sum(v for k, v in row["resources_by_kind"].items() if k != "total")
        assert row["throttled"] == 0
        assert row["peak_pss_mb"] > 0 and row["memory_samples"] > 0
        assert row["breakdown"]["tasks"], "the timeline callback recorded no task"
    # The formula counts no call the copy can do without, and no copy beats it: the role makes
    # the minimal calls, plus (today) the priority GET of the empty destination, which an empty
    # project does not need (it has no order to read).
    assert first["minimal"]["per_host"][0]["destination"]["extract_priority"] == 0
    for row in (first, rerun):
        for side in ("source", "destination"):
            assert row["minimal"][side] <= row["calls"][side]["total"] <= row["minimal"][side] + 1
    assert rerun["minimal"]["per_host"][0]["destination"]["verify_reads"] == 0
    # Every call is placed in the task that made it.
    assert first["breakdown"]["controller"]["calls_not_placed"] == 0
    versions_task = next(t for t in first["breakdown"]["tasks"]
                         if "Load | versions and activation" in t["task"] and "progress" not in t["task"])
    assert "GET" not in versions_task["calls"].get("destination", {}), "versions read for new experiences"
    # Minimal writes of the first copy = what the retail seed needs (10 attributes, 5 events,
    # 10 audiences, 6 experiences, 8 version calls, 1 priority PUT); none on the re-run.
    assert first["minimal"]["writes"] == 40
    assert rerun["minimal"]["writes"] == 0

    table = (out / "latest.md").read_text()
    assert "| S " in table and "unlimited" in table
    for text in (table, (out / "latest.json").read_text(), proc.stdout, proc.stderr):
        assert not any(token in text for token in TOKENS)


def test_fanout_layout_is_one_organization_with_a_report_folder_per_host(tmp_path):
    import run  # benchmarks/run.py

    bench = run.Bench("fanout", "unlimited", tmp_path)
    src, dst = bench.emulators()
    assert src is dst, "the fan-out's sources and destinations share one emulator"
    with src:
        projects = src.state()["projects"]
        inventory = json.loads(bench.inventory(src, dst).read_text())
    hosts = inventory["bench"]["hosts"]
    assert len(hosts) == 10
    orgs = set()
    for host in hosts.values():
        s, d = host["migrate_source"], host["migrate_destination"]
        assert s["project_uid"] != d["project_uid"]
        assert s["api_url"] == d["api_url"]
        for side in (s, d):
            orgs.add(side["organization_uid"])
            orgs.add(projects[side["project_uid"]]["project"]["organizationUid"])
    assert len(orgs) == 1, "every project of the fan-out is in one organization"
    assert len(set(p["project"]["organizationUid"] for p in projects.values())) == 1
    assert len(projects) == 20
    dirs = [h["migrate_report_dir"] for h in hosts.values()]
    assert len(set(dirs)) == len(dirs), "each host writes its reports to its own folder"


def test_limiter_table_runs_s_under_a_sliding_window(tmp_path):
    """The limiter dimension, one non-default limiter: S under a sliding one-second window with 20 ms
    of arrival jitter and a Retry-After mix: no 429, verified, the table's columns."""
    out = tmp_path / "bench"
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--limiters", "sliding_window",
                           "--cases", "S", "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads((out / "limiters-latest.json").read_text())
    assert [(r["limiter"], r["case"], r["phase"]) for r in result["rows"]] == [
        ("sliding_window", "S", "first"), ("sliding_window", "S", "rerun")]
    for row in result["rows"]:
        assert row["rc"] == 0 and row["throttled"] == 0
        assert row["reports"]["bench01"]["verify"] == "ok"
        assert row["floor_s"] > 0 and row["wall_over_floor"] > 0
    assert result["goals"][0]["met"] is True  # no 429 in the solo runs
    table = (out / "limiters-latest.md").read_text()
    assert "| limiter | case | phase | calls | 429 answers | wall s | floor s | wall/floor |" in table
    assert not any(token in table + proc.stdout for token in TOKENS)


def test_cross_organization_layout_is_one_host_without_organization_uid(tmp_path):
    import run  # benchmarks/run.py

    bench = run.LimiterBench("fixed_window", "cross", tmp_path)
    src, dst = bench.emulators()
    assert src is dst, "both organizations on one host"
    with src:
        config = src.state()["config"]["limiter"]
        assert config["algorithm"] == "fixed_window" and config["jitter_ms"] == 20
        orgs = set(p["project"]["organizationUid"] for p in src.state()["projects"].values())
        inventory = json.loads(bench.inventory(src, dst).read_text())
    assert len(orgs) == 2
    (host,) = inventory["bench"]["hosts"].values()
    assert "organization_uid" not in host["migrate_source"] and "organization_uid" not in host["migrate_destination"]
    assert host["migrate_source"]["api_url"] == host["migrate_destination"]["api_url"]
