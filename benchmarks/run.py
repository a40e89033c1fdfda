#!/usr/bin/env python
"""Benchmark of the copy role (playbooks/migrate.yml) against the local emulator.

For each work size and mode it starts the emulator(s), runs ansible-playbook twice (a first copy,
then a no-change re-run) and measures, per run: API calls per side from the emulators' request
logs (total, reads, writes, 429s) against the minimal calls (benchmarks/minimal.py), wall time
against the floor (all minimal calls / rate: a single copy reads its whole source before its
first write, and the fan-out's calls all share one organization), the re-run against its GETs /
rate, peak memory of the ansible-playbook process tree (sum of PSS, and the largest single RSS),
CPU time of the tree, and the role's exit status. It prints a table and writes it, with a
per-task breakdown, as JSON.

Sizes:  S       the retail seed project (it has a Lytics audience: migrate_allow_skips is on),
                copied from one region's organization to another's (two emulators)
        L       a generated project: 50 attributes, 30 events, 300 audiences, 100 experiences,
                250 versions (benchmarks/generate.py); two emulators, limits raised
        fanout  ten clones of the retail project copied at once to ten empty projects, all twenty
                projects in ONE organization of one emulator (its project limit raised), so every
                call shares that organization's rate (an inventory of ten hosts, forks=10)
Modes:  rate10     emulators enforce 10 requests/s per organization, the client paces at 10/s
        unlimited  no limit anywhere: what is left is the controller's own overhead

    python benchmarks/run.py --breakdown           # everything (about 8 minutes)
    python benchmarks/run.py --sizes L --modes rate10
    python benchmarks/run.py --quick               # S, unlimited (the smoke test in make test)
    python benchmarks/run.py --stack               # the stack phase's CMA calls (benchmarks/stack.py)

Exit status: 0 when every ansible-playbook run succeeded and every re-run wrote nothing.
Timings are measurements, never checked: machines are noisy.
"""

import argparse
import collections
import datetime
import json
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

from emulator.harness import (  # noqa: E402
    DEST_ORG, DEST_TOKEN, Emulator, NOBODY_TOKEN, SOURCE_ORG, SOURCE_RO_TOKEN, SOURCE_TOKEN,
)
import generate  # noqa: E402
import minimal  # noqa: E402
from procmem import TreeSampler  # noqa: E402

SIZES = ("S", "L", "fanout")
MODES = {"rate10": 10, "unlimited": 0}
PHASES = ("first", "rerun")
FANOUT_HOSTS = 10
L_PROJECT = "6650a1b2c3d4e5f60100004c"
# Emulator and plan limits for L (the defaults allow 100 audiences per project).
RAISED_LIMITS = {"attributes": 1000, "events": 1000, "audiences": 1000, "experiences": 1000}
WRITE_METHODS = ("POST", "PUT", "DELETE")
SECRETS = (SOURCE_TOKEN, SOURCE_RO_TOKEN, DEST_TOKEN, NOBODY_TOKEN)
UID_RE = re.compile(r"/[0-9a-f]{24}(?=/|$)|/[0-9a-f]{32}(?=/|$)")


# ------------------------------------------------------------------------------- scenarios
def scenario(size):
    """{sources, dest_uids, role_vars, forks, limits, one_org}. ``one_org``: the source and
    destination projects all live in one organization of one emulator (the fan-out), so every call
    shares that organization's rate; otherwise two emulators act as two regions, one organization
    each."""
    if size == "S":
        return {"sources": [generate.retail_project()], "dest_uids": [generate.dest_project_uid(0)],
                "role_vars": {"migrate_allow_skips": True}, "forks": 1, "limits": None, "one_org": False}
    if size == "L":
        project = generate.generate_project(L_PROJECT, "Benchmark L", seed=1, **generate.SIZES["L"])
        return {"sources": [project], "dest_uids": [generate.dest_project_uid(0)],
                "role_vars": {"migrate_limits": RAISED_LIMITS}, "forks": 1, "limits": RAISED_LIMITS,
                "one_org": False}
    if size == "fanout":
        return {"sources": [generate.retail_project(i) for i in range(FANOUT_HOSTS)],
                "dest_uids": [generate.dest_project_uid(i) for i in range(FANOUT_HOSTS)],
                "role_vars": {"migrate_allow_skips": True}, "forks": FANOUT_HOSTS,
                # 10 sources + 10 destinations in one organization (the emulator's default is 3).
                "limits": {"projects_per_organization": 2 * FANOUT_HOSTS + 5}, "one_org": True}
    raise ValueError(size)


def venv_python():
    candidate = ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def collections_root():
    root = ROOT / ".venv" / "collections"
    link = root / "ansible_collections" / "contentstack" / "personalize"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(ROOT)
    return root


def redact(text):
    for secret in SECRETS:
        text = text.replace(secret, "********")
    return text


# ------------------------------------------------------------------------------- log analysis
def path_pattern(path):
    return UID_RE.sub("/{uid}", path.split("?", 1)[0])


def count_calls(entries):
    c = {"total": len(entries), "reads": 0, "writes": 0, "throttled": 0, "errors": 0}
    for e in entries:
        if e.get("status") == 429:
            c["throttled"] += 1
        elif e.get("status") is None or e["status"] >= 400:
            c["errors"] += 1
        if e["method"] == "GET":
            c["reads"] += 1
        elif e["method"] in WRITE_METHODS:
            c["writes"] += 1
    return c


def read_timeline(path):
    """[{task, host, start, end, status}] per host and task, in order of start, from the
    bench_timeline callback (its per-host starts; the play-level task start when a task had none)."""
    runs, open_runs, task_starts = [], {}, {}
    if not path.exists():
        return runs
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        if rec["event"] == "start":
            task_starts.setdefault(rec["uuid"], rec["ts"])
        elif rec["event"] == "host_start":
            item = {"task": rec["task"], "uuid": rec["uuid"], "host": rec["host"], "start": rec["ts"],
                    "end": None, "status": None}
            runs.append(item)
            open_runs[(rec["uuid"], rec["host"])] = item
        elif rec["event"] == "end":
            item = open_runs.pop((rec["uuid"], rec["host"]), None)
            if item is None:  # no per-host start (e.g. a task Ansible ran without a worker)
                item = {"task": rec["task"], "uuid": rec["uuid"], "host": rec["host"],
                        "start": task_starts.get(rec["uuid"], rec["ts"]), "end": None, "status": None}
                runs.append(item)
            item["end"], item["status"] = rec["ts"], rec["status"]
    for item in runs:
        if item["end"] is None:
            item["end"] = item["start"]
    runs.sort(key=lambda r: r["start"])
    return runs


def breakdown(runs, logs, host_of_project, started, ended):
    """Per task (in the role's order): the hosts that ran it, the span from the first host's start
    to the last host's end, the sum of per-host seconds, the gap before it on each host, the calls
    per side and method. A call belongs to the first task of its host (found by the call's project)
    that ended at or after it: a task's end is recorded after its last call, and a host's next
    task starts only after that. Also the calls per method and path pattern, per side."""
    order, rows = [], {}
    per_host = collections.defaultdict(list)
    for r in runs:
        per_host[r["host"]].append(r)
        if r["uuid"] not in rows:
            order.append(r["uuid"])
            rows[r["uuid"]] = {"task": r["task"], "hosts": 0, "first_start": r["start"], "last_end": r["end"],
                               "host_seconds": 0.0, "gap_before": 0.0, "statuses": {}, "calls": {}}
        row = rows[r["uuid"]]
        row["hosts"] += 1
        row["first_start"] = min(row["first_start"], r["start"])
        row["last_end"] = max(row["last_end"], r["end"])
        row["host_seconds"] += r["end"] - r["start"]
        row["statuses"][r["status"]] = row["statuses"].get(r["status"], 0) + 1
    gaps = 0.0
    for host, items in per_host.items():
        for i, r in enumerate(items):
            if i:
                gap = max(0.0, r["start"] - items[i - 1]["end"])
                rows[r["uuid"]]["gap_before"] += gap
                gaps += gap
    paths, unplaced = {}, 0
    for side, entries in logs.items():
        paths[side] = collections.Counter()
        for e in entries:
            paths[side]["%s %s" % (e["method"], path_pattern(e["path"]))] += 1
            items = per_host.get(host_of_project.get(e.get("project")), [])
            hit = next((r for r in items if r["end"] >= e["ts"]), None)
            if hit is None:
                unplaced += 1
                continue
            calls = rows[hit["uuid"]]["calls"].setdefault(side, {})
            calls[e["method"]] = calls.get(e["method"], 0) + 1
    out = []
    for uuid in order:
        row = rows[uuid]
        out.append({"task": row["task"], "hosts": row["hosts"],
                    "span": round(row["last_end"] - row["first_start"], 3),
                    "seconds": round(row["host_seconds"], 3), "gap_before": round(row["gap_before"], 3),
                    "statuses": row["statuses"], "calls": row["calls"]})
    first = min((r["start"] for r in runs), default=started)
    last = max((r["end"] for r in runs), default=ended)
    controller = {
        "startup": round(first - started, 3),
        "shutdown": round(ended - last, 3),
        # Sums over hosts of per-host task time: with several hosts they overlap and exceed wall time.
        "host_seconds_in_tasks": round(sum(r["seconds"] for r in out), 3),
        "host_seconds_between_tasks": round(gaps, 3),
        # Tasks that made no API call: templating, planning, comparing, writing the report.
        "tasks_without_calls": round(sum(r["seconds"] for r in out if not r["calls"]), 3),
        "tasks_with_calls": round(sum(r["seconds"] for r in out if r["calls"]), 3),
        "calls_not_placed": unplaced,
    }
    return {"tasks": out, "paths": dict((k, dict(v.most_common())) for k, v in paths.items()),
            "controller": controller}


# ------------------------------------------------------------------------------- one size/mode
class Bench:
    def __init__(self, size, mode, workdir, keep_logs=None):
        self.size = size
        self.mode = mode
        self.rate = MODES[mode]
        self.workdir = workdir
        self.keep_logs = keep_logs
        sc = scenario(size)
        self.sources, self.dest_uids, self.role_vars = sc["sources"], sc["dest_uids"], sc["role_vars"]
        self.forks, self.limits, self.one_org = sc["forks"], sc["limits"], sc["one_org"]
        self.hosts = ["bench%02d" % (i + 1) for i in range(len(self.sources))]
        self.source_org = SOURCE_ORG
        self.dest_org = SOURCE_ORG if self.one_org else DEST_ORG
        self.host_of_project = {}
        for host, project, dest_uid in zip(self.hosts, self.sources, self.dest_uids):
            self.host_of_project[project["uid"]] = host
            self.host_of_project[dest_uid] = host

    def inventory(self, src, dst):
        python = venv_python()
        hosts = {}
        for host, project, dest_uid in zip(self.hosts, self.sources, self.dest_uids):
            if self.one_org:  # the destination projects are in the source's organization
                dest_cred = {"authtoken": SOURCE_TOKEN}
            else:
                dest_cred = {"oauth_token": DEST_TOKEN}
            hosts[host] = {
                "ansible_connection": "local",
                "ansible_python_interpreter": python,
                "migrate_source": {"api_url": src.url, "project_uid": project["uid"], "authtoken": SOURCE_TOKEN,
                                   "organization_uid": self.source_org, "rate_limit": self.rate},
                "migrate_destination": dict(dest_cred, api_url=dst.url, project_uid=dest_uid,
                                            organization_uid=self.dest_org, rate_limit=self.rate),
                # Each host its own folder: fan-out copies must not overwrite each other's reports.
                "migrate_report_dir": str(self.workdir / "reports" / host),
            }
        dirs = [h["migrate_report_dir"] for h in hosts.values()]
        assert len(set(dirs)) == len(dirs), "two hosts share a report folder"
        data = {"bench": {"hosts": hosts, "vars": self.role_vars}}
        path = self.workdir / "inventory.yml"
        path.write_text(json.dumps(data, indent=1))  # JSON is YAML
        return path

    def states(self, src, dst):
        s, d = src.state()["projects"], dst.state()["projects"]
        return [(s[p["uid"]], d[u]) for p, u in zip(self.sources, self.dest_uids)]

    def emulators(self):
        """(source emulator, destination emulator): one and the same for the one-organization layout."""
        big = len(self.sources) > 3
        if self.one_org:
            seed = generate.one_org_seed(self.sources, len(self.dest_uids),
                                         project_limit=self.limits["projects_per_organization"])
            emu = Emulator(seeds=[seed], rate_limit=self.rate, limits=self.limits, region="aws-na",
                           tmp_path=self.workdir / "emu")
            return emu, emu
        seed_src = generate.source_seed(self.sources, project_limit=20 if big else None)
        seed_dst = generate.dest_seed(len(self.dest_uids), project_limit=20 if big else None)
        return (Emulator(seeds=[seed_src], rate_limit=self.rate, limits=self.limits, region="aws-na",
                         tmp_path=self.workdir / "emu"),
                Emulator(seeds=[seed_dst], rate_limit=self.rate, limits=self.limits, region="aws-eu",
                         tmp_path=self.workdir / "emu"))

    def run(self):
        playbook = (ROOT / "playbooks" / "migrate.yml").read_text()
        if "migrate_hosts" not in playbook:
            raise SystemExit("playbooks/migrate.yml no longer takes migrate_hosts; the benchmark's inventory "
                             "(hosts bench01...) needs it")
        src, dst = self.emulators()
        results = []
        try:
            src.start()
            dst.start()
            inventory = self.inventory(src, dst)
            for phase in PHASES:
                results.append(self.phase(phase, src, dst, inventory))
        finally:
            dst.stop()
            src.stop()
        return results

    def split_logs(self, src, dst, marks):
        """{"source": [...], "destination": [...]}: by project uid, else by emulator."""
        source_uids = set(p["uid"] for p in self.sources)
        dest_uids = set(self.dest_uids)
        out = {"source": [], "destination": []}
        emus = [(src, marks[0], "source")]
        if dst is not src:
            emus.append((dst, marks[1], "destination"))
        for emu, mark, default in emus:
            for e in emu.log(since=mark):
                side = ("source" if e.get("project") in source_uids else
                        "destination" if e.get("project") in dest_uids else
                        "destination" if src is dst else default)
                out[side].append(e)
        return out

    def phase(self, phase, src, dst, inventory):
        pairs = self.states(src, dst)
        mins = [minimal.minimal_calls(s, d) for s, d in pairs]
        resources = [minimal.resources_managed(s) for s, _dest in pairs]
        marks = (src.mark(), dst.mark())
        run_dir = self.workdir / phase
        run_dir.mkdir()
        timeline = run_dir / "timeline.jsonl"
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(collections_root()),
            "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timeline",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": str(run_dir / "ansible-tmp"),
            "ANSIBLE_HOME": str(self.workdir / "ansible-home"),
            # The client's shared rate-limit schedule (and the role's listing cache) live under the
            # temp dir: keep them private to this benchmark.
            "TMPDIR": str(self.workdir / "tmp"),
            "BENCH_TIMELINE": str(timeline),
        })
        (self.workdir / "tmp").mkdir(exist_ok=True)
        cmd = [str(pathlib.Path(venv_python()).parent / "ansible-playbook"), "-i", str(inventory),
               str(ROOT / "playbooks" / "migrate.yml"), "-e", "migrate_hosts=bench", "-f", str(self.forks)]
        out_path = run_dir / "ansible.out"
        with open(out_path, "w") as out:
            started = time.time()
            t0 = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, cwd=str(run_dir))
            with TreeSampler(proc.pid) as mem:
                _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.monotonic() - t0
            ended = time.time()
        proc.returncode = os.waitstatus_to_exitcode(status)
        rc = proc.returncode

        logs = self.split_logs(src, dst, marks)
        calls = dict((side, count_calls(entries)) for side, entries in logs.items())
        min_src = sum(m["source"]["total"] for m in mins)
        min_dst = sum(m["destination"]["total"] for m in mins)
        min_reads = {"source": sum(m["source"]["reads"] for m in mins),
                     "destination": sum(m["destination"]["reads"] for m in mins)}
        min_writes = sum(m["destination"]["writes"] for m in mins)
        n_resources = sum(r["total"] for r in resources)
        made = calls["source"]["total"] + calls["destination"]["total"]
        reads_made = calls["source"]["reads"] + calls["destination"]["reads"]
        # Per organization: calls made (from the log's org, else the side's) and minimal calls.
        orgs = collections.OrderedDict()
        for side, org, minimum in (("source", self.source_org, min_src), ("destination", self.dest_org, min_dst)):
            label = "the one org" if self.one_org else "%s org" % side
            o = orgs.setdefault(label, {"uid": org, "calls": 0, "minimal": 0})
            o["minimal"] += minimum
            o["calls"] += len(logs[side])
        row = {
            "size": self.size, "mode": self.mode, "phase": phase, "hosts": len(self.hosts), "forks": self.forks,
            "organizations": len(orgs),
            "rc": rc, "wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "resources": n_resources,
            "resources_by_kind": dict((k, sum(r[k] for r in resources)) for k in resources[0]),
            "calls": calls,
            "minimal": {"source": min_src, "destination": min_dst, "writes": min_writes, "reads": min_reads,
                        "per_host": mins},
            "calls_over_minimal": round(made / float(min_src + min_dst), 3) if (min_src + min_dst) else None,
            "throttled": calls["source"]["throttled"] + calls["destination"]["throttled"],
            "peak_pss_mb": mem.peak_pss_mb, "peak_rss_mb": mem.peak_rss_mb,
            "peak_processes": mem.peak_processes, "memory_samples": mem.samples,
            "ms_per_resource": round(1000.0 * wall / n_resources, 1) if n_resources else None,
        }
        if self.rate:
            rate = float(self.rate)
            # The floor: minimal calls / rate. A single copy reads its whole source before
            # its first write (validate before any write), so its writes follow its reads even
            # though the two sides use two organizations' budgets; the fan-out's calls all share
            # one organization's budget. Either way: all minimal calls / rate. (The copy role reads
            # the source and the destination at once, so a re-run, which only reads, can beat it.)
            row["floor_s"] = round((min_src + min_dst) / rate, 2)
            row["wall_over_floor"] = round(wall / row["floor_s"], 3) if row["floor_s"] else None
            # Re-run goal: the GETs the run made (both sides) / rate; and the minimal reads / rate.
            row["reads_made"] = reads_made
            row["read_floor_s"] = round(reads_made / rate, 2)
            row["wall_over_read_floor"] = round(wall / row["read_floor_s"], 3) if reads_made else None
            min_read_total = min_reads["source"] + min_reads["destination"]
            row["min_read_floor_s"] = round(min_read_total / rate, 2)
            row["wall_over_min_read_floor"] = round(wall / row["min_read_floor_s"], 3) if min_read_total else None
            # Information only: each organization on its own (its minimal calls / rate): the two
            # organizations' reads overlap (extract reads both sides at once), their writes cannot
            # overlap the source's reads (nothing is written before everything is read).
            for o in orgs.values():
                o["floor_s"] = round(o["minimal"] / rate, 2)
                o["made_s"] = round(o["calls"] / rate, 2)
            row["busiest_org_floor_s"] = max(o["floor_s"] for o in orgs.values())
        row["per_org"] = orgs
        runs = read_timeline(timeline)
        row["breakdown"] = breakdown(runs, logs, self.host_of_project, started, ended)
        row["reports"] = self.reports()
        if rc != 0:
            row["ansible_tail"] = redact("\n".join(out_path.read_text(errors="replace").splitlines()[-40:]))
        if self.keep_logs:
            dest = self.keep_logs / ("%s-%s-%s" % (self.size, self.mode, phase))
            dest.mkdir(parents=True, exist_ok=True)
            for side, entries in logs.items():
                (dest / ("%s-requests.jsonl" % side)).write_text("".join(json.dumps(e) + "\n" for e in entries))
            shutil.copy(str(timeline), str(dest / "timeline.jsonl")) if timeline.exists() else None
            (dest / "ansible.out").write_text(redact(out_path.read_text(errors="replace")))
        return row

    def reports(self):
        out = {}
        for host in self.hosts:
            path = self.workdir / "reports" / host / "report.json"
            if not path.exists():
                out[host] = None
                continue
            data = json.loads(path.read_text())
            out[host] = {"verify": data.get("verify"), "kinds": data.get("kinds"),
                         "skipped": len(data.get("skipped") or []), "seconds": data.get("seconds")}
        return out


# ------------------------------------------------------------------------------- the limiter dimension
# Every server reading of "10 requests per second per organization", each case of issue 13, with
# 20 ms of arrival jitter: the client must keep to the limit as the server counts it.
LIMITERS = ("token_bucket", "sliding_window", "fixed_window")
LIMITER_CASES = ("S", "L", "fanout", "cross", "compete")
JITTER_MS = 20
COMPETING = 3.0


class LimiterBench(Bench):
    """One limiter and case, at 10 req/s. ``cross``: the L copy between two organizations of ONE
    emulator (one host) with no organization_uid on either side (the client keys its budget by
    credential). ``compete``: L while another client of each organization sends 3 req/s."""

    def __init__(self, limiter, case, workdir, keep_logs=None):
        super(LimiterBench, self).__init__("L" if case in ("cross", "compete") else case, "rate10", workdir,
                                           keep_logs=keep_logs)
        self.case, self.limiter_name = case, limiter
        self.limiter = {"algorithm": limiter, "jitter_ms": JITTER_MS,
                        "retry_after": {"seconds": 1, "date": 1, "none": 1}}
        if case == "compete":
            self.limiter["competing"] = COMPETING

    def emulators(self):
        if self.case == "cross":
            seeds = [generate.source_seed(self.sources), generate.dest_seed(len(self.dest_uids))]
            emu = Emulator(seeds=seeds, rate_limit=self.rate, limits=self.limits, region="aws-na",
                           tmp_path=self.workdir / "emu", limiter=self.limiter)
            return emu, emu
        src, dst = super(LimiterBench, self).emulators()
        for emu in set((src, dst)):
            emu.limiter = self.limiter
        return src, dst

    def inventory(self, src, dst):
        path = super(LimiterBench, self).inventory(src, dst)
        if self.case == "cross":
            data = json.loads(path.read_text())
            for host in data["bench"]["hosts"].values():
                host["migrate_source"].pop("organization_uid")
                host["migrate_destination"].pop("organization_uid")
            path.write_text(json.dumps(data, indent=1))
        return path

    def phase(self, phase, src, dst, inventory):
        row = super(LimiterBench, self).phase(phase, src, dst, inventory)
        row.update(limiter=self.limiter_name, case=self.case)
        made = row["calls"]["source"]["total"] + row["calls"]["destination"]["total"]
        budget = self.rate - (COMPETING if self.case == "compete" else 0.0)
        minimal_calls = row["minimal"]["source"] + row["minimal"]["destination"]
        # The floor: the minimal calls (verify's read-back included) at the budget left to us.
        row["budget"] = budget
        row["floor_s"] = round(minimal_calls / budget, 2)
        if phase == "rerun":  # a re-run reads: its floor is its reads at the budget
            row["floor_s"] = round(row["reads_made"] / budget, 2)
        if self.case == "cross":  # the two organizations' reads overlap: the busier one's reads
            busier = max(row["calls"][side]["reads"] for side in ("source", "destination"))
            row["busier_read_floor_s"] = round(busier / budget, 2)
            if phase == "rerun":
                row["floor_s"] = row["busier_read_floor_s"]
        if self.case == "compete":
            row["calls_floor_s"] = round(made / budget, 2)
        row["wall_over_floor"] = round(row["wall_s"] / row["floor_s"], 3) if row["floor_s"] else None
        return row


def run_limiters(limiters, cases, keep=None):
    rows = []
    for limiter in limiters:
        for case in cases:
            with tempfile.TemporaryDirectory(prefix="personalize-bench-") as tmp:
                print("running %s / %s ..." % (limiter, case), file=sys.stderr, flush=True)
                for row in LimiterBench(limiter, case, pathlib.Path(tmp), keep_logs=keep).run():
                    print("  %s: rc %d, %.1f s, 429s %d" % (row["phase"], row["rc"], row["wall_s"], row["throttled"]),
                          file=sys.stderr, flush=True)
                    rows.append(row)
    return rows


def limiter_table(rows):
    """One row per limiter, case and phase. "in calls s": the time of the tasks that made calls (one
    copy: the pacing's own share of the wall, against the floor); "controller s": the other tasks'
    time, which no pacing can shorten. Both "-" for the fan-out, whose hosts overlap."""
    lines = ["| limiter | case | phase | calls | 429 answers | wall s | floor s | wall/floor | in calls s | in calls/floor "
             "| controller s | rc | verify |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        made = r["calls"]["source"]["total"] + r["calls"]["destination"]["total"]
        verify = ",".join(sorted(set(str((v or {}).get("verify")) for v in r["reports"].values())))
        split = (r.get("breakdown") or {}).get("controller") or {}
        if r.get("hosts", 1) == 1 and split and r["floor_s"]:
            shares = "%.1f | %.2f | %.1f" % (split["tasks_with_calls"], split["tasks_with_calls"] / r["floor_s"],
                                             split["tasks_without_calls"])
        else:
            shares = "- | - | -"
        lines.append("| %s | %s | %s | %d | %d | %.1f | %.1f | %.2f | %s | %d | %s |" % (
            r["limiter"], r["case"], r["phase"], made, r["throttled"], r["wall_s"], r["floor_s"],
            r["wall_over_floor"] or 0, shares, r["rc"], verify))
    return "\n".join(lines)


def limiter_goals(rows):
    """Issue 13's "Must show", per limiter: met, NOT MET, or not run."""
    out = []

    def add(goal, found, check):
        met = None if not found else all(check(r) for r in found)
        measured = ["%s %s %s: %.2f x, %d 429s" % (r["limiter"], r["case"], r["phase"], r["wall_over_floor"] or 0,
                                                   r["throttled"]) for r in found]
        out.append({"goal": goal, "met": met, "limit": "", "measured": "; ".join(measured)})

    def rows_of(case, phase=None):
        return [r for r in rows if r["case"] == case and phase in (None, r["phase"])]

    add("no 429 in the solo runs (S, L, fanout, cross), %d ms jitter" % JITTER_MS,
        [r for r in rows if r["case"] in ("S", "L", "fanout", "cross")], lambda r: r["throttled"] == 0)
    add("L first copy <= 1.10 x floor", rows_of("L", "first"), lambda r: r["wall_over_floor"] <= 1.10)
    add("L re-run <= 1.10 x its read floor", rows_of("L", "rerun"), lambda r: r["wall_over_floor"] <= 1.10)
    add("fan-out <= 1.15 x the organization's floor", rows_of("fanout", "first"), lambda r: r["wall_over_floor"] <= 1.15)
    add("cross-organization re-run (no organization_uid) <= 1.25 x the busier organization's read floor",
        rows_of("cross", "rerun"), lambda r: r["wall_over_floor"] <= 1.25)

    def compete_ok(r):
        made = r["calls"]["source"]["total"] + r["calls"]["destination"]["total"]
        verified = all((v or {}).get("verify") == "ok" for v in r["reports"].values())
        return r["rc"] == 0 and verified and r["throttled"] <= 0.05 * made and r["wall_s"] <= 1.25 * r["calls_floor_s"]
    add("L with a competing %g req/s: verifies, 429s <= 5 %% of calls, wall <= 1.25 x calls / %g"
        % (COMPETING, 10 - COMPETING), rows_of("compete", "first"), compete_ok)
    return out


def limiter_main(args, out_dir, stamp, keep):
    limiters = [x.strip() for x in args.limiters.split(",") if x.strip()]
    cases = [x.strip() for x in args.cases.split(",") if x.strip()]
    for name, known, given in (("limiter", LIMITERS, limiters), ("case", LIMITER_CASES, cases)):
        bad = [g for g in given if g not in known]
        if bad:
            raise SystemExit("unknown %s %r (known: %s)" % (name, bad[0], ", ".join(known)))
    info = machine()
    rows = run_limiters(limiters, cases, keep)
    try:
        info["loadavg_at_end"] = os.getloadavg()
    except OSError:
        pass
    result = {"machine": info, "command": " ".join(["python", "benchmarks/run.py"] + sys.argv[1:]),
              "finished": datetime.datetime.now().isoformat(timespec="seconds"), "rows": rows,
              "goals": limiter_goals(rows)}
    text = limiter_table(rows) + "\n\n" + goals_text(result["goals"])
    (out_dir / ("limiters-%s.json" % stamp)).write_text(json.dumps(result, indent=1))
    (out_dir / "limiters-latest.json").write_text(json.dumps(result, indent=1))
    (out_dir / "limiters-latest.md").write_text(text + "\n")
    print(text)
    print("\nload average: start %s, end %s" % (info.get("loadavg_at_start"), info.get("loadavg_at_end")))
    return 1 if any(r["rc"] != 0 for r in rows) else 0


# ------------------------------------------------------------------------------- goals, table
def goals(rows):
    def find(size, mode, phase):
        return next((r for r in rows if (r["size"], r["mode"], r["phase"]) == (size, mode, phase)), None)

    out = []

    def add(name, row, value, limit, met, note=""):
        out.append({"goal": name, "measured": value, "limit": limit,
                    "met": None if row is None else bool(met), "note": note})

    r = find("L", "rate10", "first")
    add("L first copy at 10 req/s: wall <= 1.10 x floor (minimal calls / rate), 0 failures from 429", r,
        r and "%.2f x (%.1f s / %.1f s), %d 429s, rc %d" % (
            r["wall_over_floor"], r["wall_s"], r["floor_s"], r["throttled"], r["rc"]),
        "1.10", r and r["wall_over_floor"] <= 1.10 and r["rc"] == 0)
    r = find("L", "rate10", "rerun")
    writes = r and r["calls"]["destination"]["writes"] + r["calls"]["source"]["writes"]
    add("L no-change re-run: 0 writes, wall <= 1.10 x (read calls made / rate)", r,
        r and "%d writes, %.2f x (%.1f s / (%d GETs / 10 = %.1f s)); %.2f x the minimal reads (%.1f s)" % (
            writes, r["wall_over_read_floor"], r["wall_s"], r["reads_made"], r["read_floor_s"],
            r["wall_over_min_read_floor"], r["min_read_floor_s"]),
        "0 writes, 1.10", r and writes == 0 and r["wall_over_read_floor"] <= 1.10 and r["rc"] == 0)
    for phase in PHASES:
        r = find("L", "unlimited", phase)
        add("unlimited, L %s: controller overhead <= 15 ms per resource" % phase, r,
            r and "%.1f ms (%.1f s / %d resources)" % (r["ms_per_resource"], r["wall_s"], r["resources"]),
            "15 ms", r and r["ms_per_resource"] <= 15)
    r = find("fanout", "rate10", "first")
    failed = r and sum(1 for rep in r["reports"].values() if not rep or rep.get("verify") != "ok")
    add("fan-out of 10 projects in one org at 10 req/s: total <= 1.15 x org floor, no run fails on 429", r,
        r and "%.2f x (%.1f s / %.1f s), %d 429s, rc %d, %d of %d copies without a verified report" % (
            r["wall_over_floor"], r["wall_s"], r["floor_s"], r["throttled"], r["rc"], failed, r["hosts"]),
        "1.15", r and r["wall_over_floor"] <= 1.15 and r["rc"] == 0 and not failed)
    mem = [r for r in rows if r["size"] == "L"]
    peak = max([r["peak_pss_mb"] for r in mem] or [0])
    add("peak memory of the whole run <= 200 MB for L (PSS of the process tree)", mem[0] if mem else None,
        "%.1f MB" % peak if mem else None, "200 MB", peak <= 200)
    for phase, label in (("first", "first copy"), ("rerun", "re-run")):
        r = find("L", "rate10", phase) or find("L", "unlimited", phase)
        made = r and r["calls"]["source"]["total"] + r["calls"]["destination"]["total"]
        add("calls made <= 1.05 x minimal calls for L (%s)" % label, r,
            r and "%.3f x (%d / %d)" % (
                r["calls_over_minimal"], made, r["minimal"]["source"] + r["minimal"]["destination"]),
            "1.05", r and r["calls_over_minimal"] <= 1.05)
    return out


COLUMNS = [
    ("size", "size"), ("mode", "mode"), ("phase", "phase"), ("resources", "resources"),
    ("calls", "calls src/dst"), ("minimal", "minimal src/dst"), ("cmin", "calls/min"),
    ("writes", "writes"), ("429", "429s"), ("wall", "wall s"), ("floor", "floor s"),
    ("ratio", "wall/floor"), ("ms", "ms/resource"), ("cpu", "CPU s"), ("pss", "peak PSS MB"),
    ("rss", "max RSS MB"), ("rc", "rc"),
]


def table(rows):
    lines = []
    header = [c[1] for c in COLUMNS]
    body = []
    for r in rows:
        c = r["calls"]
        cells = {
            "size": r["size"], "mode": r["mode"], "phase": r["phase"], "resources": str(r["resources"]),
            "calls": "%d/%d" % (c["source"]["total"], c["destination"]["total"]),
            "minimal": "%d/%d" % (r["minimal"]["source"], r["minimal"]["destination"]),
            "cmin": "%.2f" % r["calls_over_minimal"] if r["calls_over_minimal"] else "-",
            "writes": str(c["destination"]["writes"] + c["source"]["writes"]),
            "429": str(r["throttled"]), "wall": "%.1f" % r["wall_s"],
            "floor": "%.1f" % r["floor_s"] if "floor_s" in r else "-",
            "ratio": "%.2f" % r["wall_over_floor"] if r.get("wall_over_floor") else "-",
            "ms": "%.1f" % r["ms_per_resource"] if r["ms_per_resource"] is not None else "-",
            "cpu": "%.1f" % r["cpu_s"], "pss": "%.0f" % r["peak_pss_mb"], "rss": "%.0f" % r["peak_rss_mb"],
            "rc": str(r["rc"]),
        }
        body.append([cells[c[0]] for c in COLUMNS])
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(header)]
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for b in body:
        lines.append("| " + " | ".join(v.ljust(w) for v, w in zip(b, widths)) + " |")
    return "\n".join(lines)


def floors_table(rows):
    """The rate-limited runs against their floors: the issue's floor (all minimal calls / rate),
    the GETs made / rate and the minimal reads / rate (the re-run goal), and, for information
    only, each organization on its own."""
    lines = ["| size | phase | wall s | floor s | wall/floor | GETs made | GETs/rate s | wall/(GETs/rate) "
             "| minimal reads/rate s | wall/(min reads/rate) | per organization (information): calls made/minimal, "
             "minimal/rate |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "floor_s" not in r:
            continue
        orgs = "; ".join("%s %d/%d, %.1f s" % (label, o["calls"], o["minimal"], o["floor_s"])
                         for label, o in r["per_org"].items())
        if len(r["per_org"]) > 1:
            orgs += "; wall/busiest %.2f" % (r["wall_s"] / r["busiest_org_floor_s"])
        lines.append("| %s | %s | %.1f | %.1f | %.2f | %d | %.1f | %s | %.1f | %s | %s |" % (
            r["size"], r["phase"], r["wall_s"], r["floor_s"], r["wall_over_floor"], r["reads_made"],
            r["read_floor_s"], "%.2f" % r["wall_over_read_floor"] if r["wall_over_read_floor"] else "-",
            r["min_read_floor_s"], "%.2f" % r["wall_over_min_read_floor"] if r["wall_over_min_read_floor"] else "-",
            orgs))
    return "\n".join(lines) if len(lines) > 2 else ""


def goals_text(items):
    out = []
    for g in items:
        state = "not run" if g["met"] is None else ("met" if g["met"] else "NOT MET")
        out.append("- %s: %s (%s; limit %s)" % (g["goal"], state, g["measured"] or "-", g["limit"]))
    return "\n".join(out)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        ansible = subprocess.run([str(pathlib.Path(venv_python()).parent / "ansible-playbook"), "--version"],
                                 capture_output=True, text=True, timeout=60, check=False).stdout.splitlines()[0]
    except Exception:  # pragma: no cover - informational only
        ansible = "unknown"
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=str(ROOT), check=False).stdout.strip()
    # Others' uncommitted changes to the code under test, if any (the run measures the working tree).
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "plugins", "roles", "playbooks"],
                           capture_output=True, text=True, cwd=str(ROOT), check=False).stdout.split("\n")
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "ansible": ansible,
            "kernel": platform.release(), "loadavg_at_start": load, "commit": commit,
            "uncommitted": [line[3:] for line in dirty if line.strip()]}


# ------------------------------------------------------------------------------- scale: an inventory of projects
# 50 projects in 5 organizations of one emulator, listed by the inventory plugin
# contentstack.personalize.projects: (a) export.yml over every host, forks 25; (b) copy_to_projects.yml, one
# source (the retail project) onto the 40 empty projects of the other 4 organizations, forks 20. The floor of
# each is the busiest organization's minimal calls / 10 per second (its calls cannot go faster, the other
# organizations' run beside them); peak memory is the PSS of the whole ansible-playbook process tree.
SCALE_ORGS = 5
SCALE_PER_ORG = 10
SCALE_RATE = 10
# The other projects of the source's organization: mid-size, so that exporting them takes time.
SCALE_PROJECT_SIZE = {"attributes": 20, "events": 10, "audiences": 40, "experiences": 40, "versions": 80}
SCALE_FORKS = {"export": 25, "copy": 20}


def scale_orgs():
    """[(organization uid, token)]: the retail source's organization first, then four more."""
    return [(SOURCE_ORG, SOURCE_TOKEN)] + [("blt5ca1e0000000%04d" % n, "csat-scale-%016d" % n) for n in range(2, SCALE_ORGS + 1)]


def scale_seed():
    """One seed: the retail project and 9 generated ones in the first organization, 10 empty projects in
    each of the others (their destinations), every organization with its own token and a raised project limit."""
    base = generate.source_seed([generate.retail_project()], project_limit=2 * SCALE_PER_ORG)
    seed = {"organizations": base["organizations"], "tokens": base["tokens"], "projects": base["projects"]}
    for n in range(1, SCALE_PER_ORG):
        uid = "6650a1b2c3d4e5f6%08x" % (0x5ca1e000 + n)
        seed["projects"].append(generate.generate_project(uid, "Brand %02d" % n, organization_uid=SOURCE_ORG, seed=n,
                                                          **SCALE_PROJECT_SIZE))
    for org, token in scale_orgs()[1:]:
        seed["organizations"].append({"uid": org, "name": "Scale %s" % org[-4:], "projectLimit": 2 * SCALE_PER_ORG})
        seed["tokens"].append({"token": token, "kind": "authtoken", "organizations": [org],
                               "scopes": ["personalize:read", "personalize:manage"],
                               "user": {"uid": "blt7a1b2c3d%08d" % int(org[-4:]), "name": "Scale user"}})
        for n in range(SCALE_PER_ORG):
            seed["projects"].append({"uid": "6650a1b2c3d4e5f6%04d%04x" % (int(org[-4:]), n), "name": "Shop %s %02d" % (org[-4:], n),
                                     "description": "", "organizationUid": org})
    return seed


def scale_inventory(workdir, emu):
    """The plugin's configuration (its tokens list the projects) and one group_vars file per organization
    (the token the plays use), as docs/inventory.md."""
    inv = workdir / "inventory"
    (inv / "group_vars").mkdir(parents=True)
    orgs = [{"organization_uid": org, "api_url": emu.url, "region": "aws-na", "rate_limit": SCALE_RATE, "authtoken": token}
            for org, token in scale_orgs()]
    config = inv / "scale.personalize_projects.yml"
    config.write_text(json.dumps({"plugin": "contentstack.personalize.projects", "strict": True, "organizations": orgs}))
    for org, token in scale_orgs():
        (inv / "group_vars" / ("personalize_org_%s.yml" % org)).write_text(json.dumps({"personalize_authtoken": token}))
    (inv / "group_vars" / "all.yml").write_text(json.dumps({"ansible_python_interpreter": venv_python()}))
    return config


def scale_minimal(states, job, source_uid, shared_source=True):
    """Minimal calls per organization uid of job ``export`` (every project read once) or ``copy`` (the
    retail source onto every empty project of the other organizations), each with the inventory's listing.
    ``shared_source``: the copies of one run read the source once (the role's migrate_share_source_read,
    on by default), else once per destination."""
    per_org = dict((org, 1) for org, _token in scale_orgs())  # GET /projects by the plugin
    source = states[source_uid]
    source_reads = []
    for uid, state in states.items():
        org = state["project"]["organizationUid"]
        if job == "export":
            per_org[org] += minimal.minimal_calls(state, {})["source"]["total"]
        elif org != SOURCE_ORG:
            calls = minimal.minimal_calls(source, state)
            source_reads.append(calls["source"]["total"])
            per_org[org] += calls["destination"]["total"]
    if source_reads:
        per_org[SOURCE_ORG] += max(source_reads) if shared_source else sum(source_reads)
    return per_org


def scale_job(job, workdir, emu, config):
    """One ansible-playbook run of ``job`` over the inventory; its row."""
    source_uid = generate.retail_project()["uid"]
    states = emu.state()["projects"]
    per_org_min = scale_minimal(states, job, source_uid)
    run_dir = workdir / job
    run_dir.mkdir()
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))
    env.update({"ANSIBLE_COLLECTIONS_PATH": str(collections_root()), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_LOCAL_TEMP": str(run_dir / "ansible-tmp"), "ANSIBLE_HOME": str(workdir / "ansible-home"),
                "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1", "TMPDIR": str(workdir / "tmp"),
                # Task start and end per host (names and times only): the per-task table of --breakdown.
                "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"), "ANSIBLE_CALLBACKS_ENABLED": "bench_timeline",
                "BENCH_TIMELINE": str(run_dir / "timeline.jsonl")})
    (workdir / "tmp").mkdir(exist_ok=True)
    cmd = [str(pathlib.Path(venv_python()).parent / "ansible-playbook"), "-i", str(config), "-f", str(SCALE_FORKS[job])]
    if job == "export":
        cmd += [str(ROOT / "playbooks" / "export.yml"), "-e", "personalize_hosts=personalize_projects",
                "-e", json.dumps({"personalize_export_dir": str(run_dir / "exports") + "/{{ inventory_hostname }}"})]
    else:
        source = {"migrate_source": {"api_url": emu.url, "project_uid": source_uid, "organization_uid": SOURCE_ORG,
                                     "authtoken": SOURCE_RO_TOKEN, "rate_limit": SCALE_RATE},
                  "migrate_allow_skips": True, "personalize_report_root": str(run_dir / "reports"),
                  # Every project but the source organization's, in the plugin's order (round-robin across the
                  # organizations); a union of the four organization groups would list them group by group.
                  "personalize_hosts": "personalize_projects:!personalize_org_" + SOURCE_ORG}
        (run_dir / "source.json").write_text(json.dumps(source))
        cmd += [str(ROOT / "playbooks" / "copy_to_projects.yml"), "-e", "@" + str(run_dir / "source.json")]
    mark = emu.mark()
    with open(run_dir / "ansible.out", "w") as out:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=str(run_dir))
        with TreeSampler(proc.pid) as mem:
            _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
    rc = os.waitstatus_to_exitcode(status)
    log = emu.log(since=mark)
    per_org = dict((org, {"calls": 0, "minimal": minimum, "floor_s": round(minimum / float(SCALE_RATE), 2)})
                   for org, minimum in per_org_min.items())
    for e in log:
        if e.get("org") in per_org:
            per_org[e["org"]]["calls"] += 1
    busiest = max(per_org.values(), key=lambda o: o["floor_s"])
    if job == "export":
        done = sum(1 for p in (run_dir / "exports").iterdir() if (p / "project.yml").exists()) if (run_dir / "exports").exists() else 0
        hosts = len(states)
    else:
        reports = list((run_dir / "reports").glob("*/report.json")) if (run_dir / "reports").exists() else []
        done = sum(1 for p in reports if json.loads(p.read_text()).get("verify") == "ok")
        hosts = len(states) - SCALE_PER_ORG
    counted = count_calls(log)
    row = {"job": job, "hosts": hosts, "done": done, "forks": SCALE_FORKS[job], "organizations": len(per_org), "rc": rc,
           "wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "calls": counted,
           "minimal": sum(per_org_min.values()), "per_org": per_org, "busiest_org_floor_s": busiest["floor_s"],
           "wall_over_busiest_floor": round(wall / busiest["floor_s"], 3),
           # Information: the controller's CPU time spread over every core, a floor of its own on a small machine.
           "cpu_over_cores_s": round((usage.ru_utime + usage.ru_stime) / float(os.cpu_count() or 1), 2),
           # The main process alone: one core at most, whatever the forks (it queues every task and takes every result).
           "main_cpu_s": round(mem.root_cpu_s, 2),
           "peak_pss_mb": mem.peak_pss_mb, "peak_rss_mb": mem.peak_rss_mb, "peak_processes": mem.peak_processes,
           "tasks": scale_tasks(read_timeline(run_dir / "timeline.jsonl"))}
    if rc != 0:
        row["ansible_tail"] = redact("\n".join((run_dir / "ansible.out").read_text(errors="replace").splitlines()[-40:]))
    return row


def scale_tasks(runs):
    """Per task, in order of first start: how many hosts ran it and their seconds in it (the sum over hosts
    of end - start: on a busy controller that is mostly waiting for a core), and per host on average."""
    order, rows = [], {}
    for r in runs:
        if r["uuid"] not in rows:
            order.append(r["uuid"])
            rows[r["uuid"]] = {"task": r["task"], "hosts": 0, "host_seconds": 0.0}
        rows[r["uuid"]]["hosts"] += 1
        rows[r["uuid"]]["host_seconds"] += r["end"] - r["start"]
    return [dict(rows[u], host_seconds=round(rows[u]["host_seconds"], 2),
                 per_host=round(rows[u]["host_seconds"] / rows[u]["hosts"], 3)) for u in order]


def run_scale(workdir, jobs=("export", "copy")):
    """(a) the export, then (b) the copy (or the ``jobs`` named), against one emulator holding the 5 organizations."""
    emu = Emulator(seeds=[scale_seed()], rate_limit=SCALE_RATE, limits={"projects_per_organization": 2 * SCALE_PER_ORG},
                   region="aws-na", tmp_path=workdir / "emu")
    try:
        emu.start()
        config = scale_inventory(workdir, emu)
        return [scale_job(job, workdir, emu, config) for job in jobs]
    finally:
        emu.stop()


def scale_table(rows):
    lines = ["| job | hosts | done | orgs | forks | calls | minimal | calls/min | writes | 429s | wall s | busiest org floor s "
             "| wall/busiest floor | CPU s | CPU s/cores | main process CPU s | peak PSS MB | max RSS MB | processes | rc |", "|" + "---|" * 20]
    for r in rows:
        lines.append("| %s | %d | %d | %d | %d | %d | %d | %.2f | %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %s | %.0f | %.0f | %d | %d |" % (
            r["job"], r["hosts"], r["done"], r["organizations"], r["forks"], r["calls"]["total"], r["minimal"],
            r["calls"]["total"] / float(r["minimal"]), r["calls"]["writes"], r["calls"]["throttled"], r["wall_s"],
            r["busiest_org_floor_s"], r["wall_over_busiest_floor"], r["cpu_s"], r["cpu_over_cores_s"],
            "%.1f" % r["main_cpu_s"] if "main_cpu_s" in r else "-", r["peak_pss_mb"], r["peak_rss_mb"], r["peak_processes"], r["rc"]))
    return "\n".join(lines)


def main_scale(out_dir, jobs=("export", "copy"), show_tasks=False):
    """--scale: the inventory jobs (a) and (b), their table and JSON (out/benchmarks/scale-latest.*)."""
    info = machine()
    with tempfile.TemporaryDirectory(prefix="personalize-scale-") as tmp:
        rows = run_scale(pathlib.Path(tmp), jobs)
    try:
        info["loadavg_at_end"] = os.getloadavg()
    except OSError:
        pass
    text = scale_table(rows) + "\n\nload average at the start %s, at the end %s (%s cores)" % (
        _loadavg(info.get("loadavg_at_start")), _loadavg(info.get("loadavg_at_end")), info.get("nproc"))
    (out_dir / "scale-latest.json").write_text(json.dumps({"machine": info, "rows": rows}, indent=1))
    (out_dir / "scale-latest.md").write_text(text + "\n")
    print(text)
    for r in rows if show_tasks else []:
        print("\n%s: %d tasks run, %d host-task runs" % (r["job"], len(r["tasks"]), sum(t["hosts"] for t in r["tasks"])))
        for t in r["tasks"]:
            print("  %8.2f s  %6.3f s/host  x%-3d %s" % (t["host_seconds"], t["per_host"], t["hosts"], t["task"][:90]))
    bad = [r for r in rows if r["rc"] != 0 or r["done"] != r["hosts"]]
    return 1 if bad else 0


def _loadavg(value):
    return " / ".join("%.2f" % v for v in value) if value else "unknown"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma list of %s" % ", ".join(SIZES))
    parser.add_argument("--modes", default=",".join(MODES), help="comma list of %s" % ", ".join(MODES))
    parser.add_argument("--quick", action="store_true", help="S only, unlimited (smoke test)")
    parser.add_argument("--out", default=str(ROOT / "out" / "benchmarks"), help="folder for the JSON and table")
    parser.add_argument("--keep-logs", action="store_true",
                        help="also keep the request logs, timelines and ansible output (tokens redacted)")
    parser.add_argument("--breakdown", action="store_true", help="print calls and seconds per task")
    parser.add_argument("--render", metavar="JSON", help="print the tables of an earlier results file and exit")
    parser.add_argument("--stack", action="store_true", help="only the stack phase's CMA calls against their minimum "
                        "(benchmarks/stack.py)")
    parser.add_argument("--scale", action="store_true", help="only the inventory scale jobs: 50 projects in 5 organizations")
    parser.add_argument("--oauth", action="store_true", help="only the OAuth refresh runs: L and the fan-out with 10 s tokens "
                        "(benchmarks/oauth_bench.py; --sizes picks among L, fanout)")
    parser.add_argument("--scale-jobs", default="export,copy", help="with --scale: comma list of export, copy")
    parser.add_argument("--limiters", help="the limiter table instead: comma list of %s" % ", ".join(LIMITERS))
    parser.add_argument("--cases", default=",".join(LIMITER_CASES),
                        help="with --limiters: comma list of %s" % ", ".join(LIMITER_CASES))
    args = parser.parse_args(argv)
    if args.stack:
        import stack  # pylint: disable=import-outside-toplevel
        return stack.stack_main(args.out)
    if args.scale:
        pathlib.Path(args.out).mkdir(parents=True, exist_ok=True)
        jobs = [j.strip() for j in args.scale_jobs.split(",") if j.strip()]
        if not jobs or any(j not in SCALE_FORKS for j in jobs):
            parser.error("--scale-jobs: a comma list of %s" % ", ".join(SCALE_FORKS))
        return main_scale(pathlib.Path(args.out), jobs, show_tasks=args.breakdown)
    if args.oauth:
        import oauth_bench  # pylint: disable=import-outside-toplevel
        picked = tuple(s for s in args.sizes.split(",") if s in ("L", "fanout")) or ("L", "fanout")
        return oauth_bench.main(args.out, Bench, picked)
    if args.render:
        data = json.loads(pathlib.Path(args.render).read_text())
        if data["rows"] and "limiter" in data["rows"][0]:  # a --limiters results file
            print(limiter_table(data["rows"]) + "\n\n" + goals_text(limiter_goals(data["rows"])))
            return 0
        floors = floors_table(data["rows"])
        print(table(data["rows"]) + "\n\n" + (floors + "\n\n" if floors else "") + goals_text(data["goals"]))
        return 0
    sizes = ["S"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    modes = ["unlimited"] if args.quick else [m.strip() for m in args.modes.split(",") if m.strip()]
    for s in sizes:
        if s not in SIZES:
            parser.error("unknown size %r" % s)
    for m in modes:
        if m not in MODES:
            parser.error("unknown mode %r" % m)

    out_dir = pathlib.Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    keep = out_dir / ("logs-" + stamp) if args.keep_logs else None
    if args.limiters:
        return limiter_main(args, out_dir, stamp, keep)
    info = machine()
    rows = []
    for size in sizes:
        for mode in modes:
            with tempfile.TemporaryDirectory(prefix="personalize-bench-") as tmp:
                print("running %s / %s ..." % (size, mode), file=sys.stderr, flush=True)
                got = Bench(size, mode, pathlib.Path(tmp), keep_logs=keep).run()
                for row in got:
                    print("  %s: rc %d, %.1f s, calls %d/%d, writes %d, 429s %d" % (
                        row["phase"], row["rc"], row["wall_s"], row["calls"]["source"]["total"],
                        row["calls"]["destination"]["total"], row["calls"]["destination"]["writes"],
                        row["throttled"]), file=sys.stderr, flush=True)
                rows.extend(got)
    result = {"machine": info, "command": " ".join(["python", "benchmarks/run.py"] + list(argv or sys.argv[1:])),
              "finished": datetime.datetime.now().isoformat(timespec="seconds"), "rows": rows,
              "goals": goals(rows)}
    try:
        info["loadavg_at_end"] = os.getloadavg()
    except OSError:
        pass
    text = table(rows)
    (out_dir / ("results-%s.json" % stamp)).write_text(json.dumps(result, indent=1))
    (out_dir / "latest.json").write_text(json.dumps(result, indent=1))
    floors = floors_table(rows)
    (out_dir / "latest.md").write_text(text + "\n\n" + (floors + "\n\n" if floors else "")
                                       + goals_text(result["goals"]) + "\n")
    print(text)
    print()
    if floors:
        print(floors)
        print()
    print(goals_text(result["goals"]))
    if args.breakdown:
        for r in rows:
            print("\n%s / %s / %s: controller %s" % (r["size"], r["mode"], r["phase"], r["breakdown"]["controller"]))
            for t in r["breakdown"]["tasks"]:
                print("  %7.2f s %7.2f span (+%.2f) x%-2d %-66s %s" % (
                    t["seconds"], t["span"], t["gap_before"], t["hosts"], t["task"][:66],
                    json.dumps(t["calls"], sort_keys=True)))
    print("\nresults: %s" % (out_dir / ("results-%s.json" % stamp)))
    bad = [r for r in rows if r["rc"] != 0 or (r["phase"] == "rerun" and
                                               r["calls"]["destination"]["writes"] + r["calls"]["source"]["writes"])]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
