"""The copy's stack phase against its minimal CMA calls (``python benchmarks/run.py --stack``).

One emulator holds the retail source project and its stack, and the empty destination project and
its stack (the entries have other uids; retail-entry-uid-map.json maps them). The role copies with
``migrate_entry_variants`` in both locales: a first copy, then a no-change re-run. The CMA calls made
(the emulator's request log, ``api: cma``) are set against the minimum, computed from the stacks'
state before each run:

reads, per side, once in extract:
    1 ``GET /v3/stacks`` + one page of each list per 100 items (the client's page size, the CMA's
    maximum): locales, content types, variant groups; the source's entries of every content type its
    groups are linked to, and their entry variants per entry and locale copied; the destination's
    entries of those content types, and the entry variants of the entries the source's map to.
writes:
    1 PUT per destination group whose links change, 1 PUT per entry variant that changes.
verify:
    after a write, one re-read of the destination's side as in extract (the state after).
"""

import json
import math
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from emulator.harness import DEST_PROJECT, DEST_TOKEN, Emulator, SOURCE_PROJECT, SOURCE_RO_TOKEN  # noqa: E402

SOURCE_STACK, DEST_STACK = "blt8f2e6d4c0a9b7e53", "blt3c9d1e7f5a2b4c68"
LOCALES = ("en-us", "fr-fr")
PAGE = 100
ENTRY_MAP = ROOT / "tests" / "emulator" / "seeds" / "retail-entry-uid-map.json"


def pages(n):
    return max(1, int(math.ceil(n / float(PAGE))))


def _lists(stack, cts, entries_of, locales):
    """The list calls of one side's read: the stack, its lists, the entries of ``cts`` and the entry
    variants of ``entries_of(ct, entry uids)`` in ``locales``."""
    calls = 1 + pages(len(stack["locales"])) + pages(len(stack["content_types"])) + pages(len(stack["groups"]))
    for ct in cts:
        entries = list((stack["entries"].get(ct) or {}).keys())
        calls += pages(len(entries))
        for entry in entries_of(ct, entries):
            for locale in locales:
                calls += pages(len(((stack["entry_variants"].get(ct) or {}).get(entry) or {}).get(locale) or {}))
    return calls


def linked(stack):
    return sorted(set(c["uid"] for g in stack["groups"].values() for c in g.get("content_types") or []))


def reads(source, dest, entry_map):
    """(source reads, destination reads) of extract, from the two stacks' state."""
    cts = linked(source)
    targets = {}
    for ct, entries in source["entry_variants"].items():
        for entry, by_locale in entries.items():
            if any(by_locale.get(loc) for loc in LOCALES):
                targets.setdefault(ct, set()).add(entry_map.get(entry, entry))
    src = _lists(source, cts, lambda ct, entries: entries, LOCALES)
    dst = _lists(dest, [ct for ct in cts if ct in dest["content_types"]],
                 lambda ct, entries: [e for e in entries if e in targets.get(ct, ())], LOCALES)
    return src, dst


def writes_needed(source, before, after):
    """PUTs: the destination groups whose links differ before and after, the entry variants that differ."""
    def links(stack):
        return dict((g["name"], sorted(c["uid"] for c in g.get("content_types") or [])) for g in stack["groups"].values())

    def variants(stack):
        out = {}
        for ct, entries in stack["entry_variants"].items():
            for entry, by_locale in entries.items():
                for locale, by_uid in by_locale.items():
                    for uid, ev in by_uid.items():
                        out[(ct, entry, locale, uid)] = dict((k, v) for k, v in ev.items() if k not in (
                            "_version", "created_at", "updated_at", "created_by", "updated_by", "_variant"))
        return out
    old, new = links(before), links(after)
    groups = len([n for n in new if new[n] and old.get(n) != new[n]])
    old_v, new_v = variants(before), variants(after)
    return groups + len([k for k in new_v if old_v.get(k) != new_v[k]])


def playbook(workdir, variables):
    vars_file = workdir / "vars.json"
    vars_file.write_text(json.dumps(variables))
    inventory = workdir / "inventory.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    env = {"ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".venv" / "collections"), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_LOCAL_TEMP": str(workdir / "tmp"), "ANSIBLE_HOME": str(workdir / "home"), "PATH": "/usr/bin:/bin"}
    cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory),
           str(ROOT / "playbooks" / "migrate.yml"), "-e", "@" + str(vars_file)]
    started = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(workdir), timeout=1800, check=False)
    return proc.returncode, time.time() - started, proc.stdout


def run_stack(rate_limit=0):
    """Rows of the stack phase: first copy and re-run, CMA calls made against the minimum."""
    entry_map = json.loads(ENTRY_MAP.read_text())
    rows = []
    with tempfile.TemporaryDirectory(prefix="personalize-bench-stack-") as tmp, \
            Emulator(seeds=["retail", "retail-stack", "empty-dest", "dest-stack"], rate_limit=rate_limit,
                     tmp_path=pathlib.Path(tmp) / "emu") as emu:
        base = {"api_url": emu.url, "cma_url": emu.url, "rate_limit": rate_limit}
        variables = {
            "migrate_source": dict(base, project_uid=SOURCE_PROJECT, authtoken=SOURCE_RO_TOKEN, stack_api_key=SOURCE_STACK),
            "migrate_destination": dict(base, project_uid=DEST_PROJECT, oauth_token=DEST_TOKEN, stack_api_key=DEST_STACK),
            "migrate_allow_skips": True, "migrate_entry_variants": True, "migrate_locales": list(LOCALES),
            "migrate_entry_uid_map": str(ENTRY_MAP), "migrate_report_dir": str(pathlib.Path(tmp) / "report"),
        }
        for phase in ("first", "rerun"):
            state = emu.state()["stacks"]
            source, before = state[SOURCE_STACK], state[DEST_STACK]
            mark = emu.mark()
            workdir = pathlib.Path(tmp) / phase
            workdir.mkdir()
            rc, seconds, _out = playbook(workdir, variables)
            after = emu.state()["stacks"][DEST_STACK]
            cma = [e for e in emu.log(mark) if e.get("api") == "cma"]
            src_reads, dst_reads = reads(source, before, entry_map)
            puts = writes_needed(source, before, after)
            verify = reads(source, after, entry_map)[1] if puts else 0
            made = {"source": len([e for e in cma if e.get("stack") == SOURCE_STACK]),
                    "destination": len([e for e in cma if e.get("stack") == DEST_STACK])}
            minimum = {"source": src_reads, "destination": dst_reads + puts + verify}
            rows.append({"phase": phase, "rc": rc, "wall_s": round(seconds, 1), "calls": made, "minimal": minimum,
                         "writes": len([e for e in cma if e["method"] in ("PUT", "DELETE", "POST")]), "minimal_writes": puts,
                         "ratio": round(float(sum(made.values())) / max(1, sum(minimum.values())), 3)})
    return rows


def stack_table(rows):
    lines = ["| stack phase | CMA calls src/dst | minimal src/dst | calls/min | CMA writes (minimal) | wall s | rc |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| %s | %d/%d | %d/%d | %.3f | %d (%d) | %.1f | %d |" % (
            r["phase"], r["calls"]["source"], r["calls"]["destination"], r["minimal"]["source"],
            r["minimal"]["destination"], r["ratio"], r["writes"], r["minimal_writes"], r["wall_s"], r["rc"]))
    return "\n".join(lines)


def stack_main(out_dir):
    """The stack section of the benchmark: prints its table, writes stack-latest.json; 0 when both runs
    succeeded, the re-run wrote nothing and the calls are within 1.05 x the minimum."""
    rows = run_stack()
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "stack-latest.json").write_text(json.dumps({"rows": rows}, indent=1))
    print(stack_table(rows))
    ok = all(r["rc"] == 0 and r["ratio"] <= 1.05 for r in rows) and rows[-1]["writes"] == 0
    print("- stack phase: CMA calls <= 1.05 x minimal, re-run 0 writes: %s" % ("met" if ok else "NOT MET"))
    return 0 if ok else 1
