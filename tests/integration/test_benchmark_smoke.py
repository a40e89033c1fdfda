"""Smoke test of the benchmark script: `benchmarks/run.py --quick` (S size, unlimited emulator,
a first copy then a no-change re-run). Behaviour only: timings are printed, never checked."""

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOKENS = ("csat-src-6f1d0c9a7b3e4d2f", "csat-src-ro-2b8e4f6a1c3d5e7f", "csoa-dst-9c7a5e3b1d2f4a6c")


def test_quick_benchmark_copies_then_rerun_writes_nothing(tmp_path):
    out = tmp_path / "bench"
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=600)
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
    # Minimal writes of the first copy = what the retail seed needs (10 attributes, 5 events,
    # 10 audiences, 6 experiences, 8 version calls, 1 priority PUT); none on the re-run.
    assert first["minimal"]["writes"] == 40
    assert rerun["minimal"]["writes"] == 0

    table = (out / "latest.md").read_text()
    assert "| S " in table and "unlimited" in table
    for text in (table, (out / "latest.json").read_text(), proc.stdout, proc.stderr):
        assert not any(token in text for token in TOKENS)
