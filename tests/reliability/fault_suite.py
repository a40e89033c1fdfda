#!/usr/bin/env python
"""The long form of the reliability suite (issue 7): seeded fault runs and kill points.

    .venv/bin/python tests/reliability/fault_suite.py --seeds 20            # fault runs
    .venv/bin/python tests/reliability/fault_suite.py --seeds 0 --kills all # kill points only
    .venv/bin/python tests/reliability/fault_suite.py --seeds 20 --kills all --json out/reliability.json

Each fault run copies the retail project between two emulators (two regions) with faults injected
on both sides (tests/reliability/copyrun.py FAULTS, drawn from the seed), re-runs until the copy
succeeds (at most --max-runs runs), then compares the two projects' raw states independently.
Prints one line per seed and "N/N converged" (exit 0), or the failures (exit 1).
Each kill point SIGKILLs the copy's process group at one point of its phases, checks that
report.json and uid-map.json are absent or valid JSON, re-runs, and compares the same way.
"""

import argparse
import json
import pathlib
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reliability.copyrun import FAULTS, KILL_POINTS, KILL_BY_NAME, kill_run, run_seed  # noqa: E402


def fmt_faults(faults):
    return ", ".join("%s %d" % item for item in sorted(faults.items())) or "none"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20, help="number of fault seeds (1..N); 0 = none")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--max-runs", type=int, default=5, help="runs per seed before giving up")
    ap.add_argument("--kills", default="", help="'all', or comma-separated kill point names (%s)"
                    % ", ".join(k[0] for k in KILL_POINTS))
    ap.add_argument("--json", help="write every result to this file")
    ap.add_argument("--keep", action="store_true", help="keep the work folders (printed)")
    args = ap.parse_args(argv)

    results = {"faults": FAULTS, "seeds": [], "kills": []}
    work = pathlib.Path(tempfile.mkdtemp(prefix="personalize-reliability-"))
    started = time.monotonic()
    failed = False

    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    if seeds:
        print("fault mix: %s" % json.dumps(FAULTS, sort_keys=True), flush=True)
    for seed in seeds:
        res = run_seed(seed, work / ("seed-%02d" % seed), max_runs=args.max_runs)
        results["seeds"].append(res)
        print("seed %2d: %s in %d run(s) %s, %4d requests, %3d answers retried, %2d lost POSTs adopted, "
              "%2d lost PUT/DELETE re-sent, source writes %d, %.0f s; faults: %s" % (
                  seed, "converged" if res["converged"] else "FAILED", res["runs"], res["rcs"], res["requests"],
                  res["answers_retried"], res["lost_posts_adopted"], res["lost_writes_resent"],
                  res["source_writes"], res["seconds"], fmt_faults(res["faults"])), flush=True)
        for failure in res["failures"]:
            print("    run failed: %s" % failure, flush=True)
        for problem in res["problems"]:
            print("    PROBLEM: %s" % problem, flush=True)
    if seeds:
        ok = [r for r in results["seeds"] if r["converged"]]
        first = [r for r in results["seeds"] if r["converged"] and r["runs"] == 1]
        print("%d/%d converged (%d/%d on the first run; runs needed: %s)" % (
            len(ok), len(seeds), len(first), len(seeds),
            ", ".join("%d" % r["runs"] for r in results["seeds"])), flush=True)
        failed = failed or len(ok) != len(seeds)

    names = [k[0] for k in KILL_POINTS] if args.kills == "all" else [n for n in args.kills.split(",") if n]
    for name in names:
        if name not in KILL_BY_NAME:
            ap.error("unknown kill point %r" % name)
        res = kill_run(name, work / ("kill-%s" % name))
        results["kills"].append(res)
        print("kill %-22s (%-15s): %s; %2d destination writes before the kill, report files after kill: %s, "
              "re-runs %s, %.0f s" % (
                  name, res["phase"], "converged" if res["converged"] else "FAILED",
                  res["dest_writes_before_kill"], "ok" if res["report_after_kill"] is True else res["report_after_kill"],
                  res["rcs"], res["seconds"]), flush=True)
        if not res["killed"]:
            print("    PROBLEM: the run ended before the kill point", flush=True)
        for failure in res["failures"]:
            print("    re-run failed: %s" % failure, flush=True)
        for problem in res["problems"]:
            print("    PROBLEM: %s" % problem, flush=True)
    if names:
        ok = [r for r in results["kills"] if r["converged"]]
        print("%d/%d kill points converged" % (len(ok), len(names)), flush=True)
        failed = failed or len(ok) != len(names)

    source_writes = sum(r["source_writes"] for r in results["seeds"] + results["kills"])
    if seeds or names:
        print("source writes across the suite: %d" % source_writes, flush=True)
        failed = failed or source_writes != 0
    results["seconds"] = round(time.monotonic() - started, 1)
    print("total %.0f s" % results["seconds"])
    if args.json:
        pathlib.Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    if args.keep:
        print("work folders: %s" % work)
    else:
        import shutil
        shutil.rmtree(str(work), ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
