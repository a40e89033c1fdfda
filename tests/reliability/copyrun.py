"""Run the copy role against two emulators (two regions) with faults or kills, and judge the result.

Everything here judges by the emulators' own state (``GET /_emulator/state``) and request logs,
never by what the role reports. ``canonical`` converts a project's raw state to a uid-free form
with its own code (no collection code), so the comparison is independent of the role's verify
and of the collection's export.

    from reliability.copyrun import run_seed, kill_run, KILL_POINTS
    stats = run_seed(7, workdir)          # faults, re-run until rc 0, compare
    stats = kill_run(KILL_POINTS[3], workdir)   # SIGKILL at a point, re-run, compare
"""

import collections
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
COLLROOT = ROOT / ".venv" / "collections"
MIGRATE = ROOT / "playbooks" / "migrate.yml"
EXPORT = ROOT / "playbooks" / "export.yml"
CAPTURE_PLUGINS = TESTS / "integration" / "callback_plugins"

if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
if str(COLLROOT) not in sys.path:
    sys.path.insert(0, str(COLLROOT))

from emulator.harness import (  # noqa: E402
    DEST_ORG, DEST_PROJECT, DEST_TOKEN, Emulator, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, SOURCE_ORG, SOURCE_PROJECT,
    SOURCE_RO_TOKEN, SOURCE_TOKEN,
)

WRITE_METHODS = ("POST", "PUT", "DELETE")
# The seed's one audience no API can create (decision 14); the copy skips it (migrate_allow_skips).
LYTICS_AUDIENCE = "High Propensity Buyers (Lytics)"
SECRETS = (SOURCE_TOKEN, SOURCE_RO_TOKEN, DEST_TOKEN, OAUTH_REFRESH_TOKEN, OAUTH_CLIENT_SECRET)

# The fault mix of issue 7: 500/502/503 together at 10 %, connection resets at 5 %, latency spikes,
# a burst of 429s at the start, "write applied, response lost" at 5 %. The seed makes a run
# reproducible: the emulator draws every fault from random.Random(seed).
FAULTS = {"error_500": 0.034, "error_502": 0.033, "error_503": 0.033, "reset": 0.05,
          "latency": 0.05, "latency_seconds": 1.0, "lost_write": 0.05, "burst_429": 4}


def fault_config(seed, side):
    """The fault set of one side for one seed (the two sides draw from different seeds)."""
    return dict(FAULTS, seed=seed * 2 + (0 if side == "source" else 1))


# ----------------------------------------------------------------------------- emulators
class Pair:
    """Two emulator processes acting as two regions: aws-na holds the retail source project,
    aws-eu the empty destination project of another organization (like make demo)."""

    def __init__(self, workdir, faults_seed=None, rate_limit=10, source_faults=None, dest_faults=None):
        self.workdir = pathlib.Path(workdir)
        if faults_seed is not None:
            source_faults = source_faults or fault_config(faults_seed, "source")
            dest_faults = dest_faults or fault_config(faults_seed, "dest")
        self.source = Emulator(seeds=["retail"], region="aws-na", rate_limit=rate_limit,
                               faults=source_faults, tmp_path=self.workdir / "emu-na")
        self.dest = Emulator(seeds=["empty-dest"], region="aws-eu", rate_limit=rate_limit,
                             faults=dest_faults, tmp_path=self.workdir / "emu-eu")

    def __enter__(self):
        self.source.start()
        try:
            self.dest.start()
        except BaseException:
            self.source.stop()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        # The one place that states it for every test and script using a Pair: the source is
        # read with its read-only token and never written, whatever happened in the run.
        try:
            written = self.source_writes()
        finally:
            try:
                self.dest.stop()
            finally:
                self.source.stop()
        if written and exc_type is None:
            raise AssertionError("the source project was written: %s"
                                 % [(e["method"], e["path"], e["status"]) for e in written])

    def source_writes(self):
        return [e for e in self.source.log() if e["method"] in WRITE_METHODS]

    def states(self):
        return (self.source.state()["projects"][SOURCE_PROJECT],
                self.dest.state()["projects"][DEST_PROJECT])


def connection(emu, side, **override):
    """Role connection settings; the source uses the READ-ONLY token (the role only reads it)."""
    if side == "source":
        conn = {"api_url": emu.url, "project_uid": SOURCE_PROJECT, "authtoken": SOURCE_RO_TOKEN,
                "organization_uid": SOURCE_ORG}
    else:
        conn = {"api_url": emu.url, "project_uid": DEST_PROJECT, "oauth_token": DEST_TOKEN,
                "organization_uid": DEST_ORG}
    conn.update(override)
    return conn


def copy_vars(pair, report_dir, **extra):
    out = {"migrate_source": connection(pair.source, "source"),
           "migrate_destination": connection(pair.dest, "dest"),
           "migrate_allow_skips": True, "migrate_report_dir": str(report_dir)}
    out.update(extra)
    return out


# ----------------------------------------------------------------------------- ansible-playbook
def _environ(workdir, capture=None, env=None):
    environ = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))
    environ.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLROOT),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-tmp"),
        "ANSIBLE_HOME": str(workdir / "ansible-home"),
        "PYTHONUNBUFFERED": "1",
    })
    if capture is not None:
        environ.update({"ANSIBLE_CALLBACK_PLUGINS": str(CAPTURE_PLUGINS), "ANSIBLE_CALLBACKS_ENABLED": "capture",
                        "CAPTURE_FILE": str(capture)})
    environ.update(env or {})
    return environ


def write_vars(workdir, variables, name="copy-vars.json"):
    """Variables go through a 0600 file (-e @file), so no token is on a command line."""
    path = pathlib.Path(workdir) / name
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(variables, handle)
    return path


class Run:
    def __init__(self, rc, stdout, stderr, tasks, seconds):
        self.rc, self.stdout, self.stderr, self.tasks, self.seconds = rc, stdout, stderr, tasks, seconds

    def failed_tasks(self):
        return [t for t in self.tasks if t["status"] == "failed"]

    def failure(self):
        """'<task name>: <message>' of the failed task that stopped the run, or ''."""
        failed = self.failed_tasks()
        if not failed:
            return ""
        result = failed[-1]["result"]
        msg = result.get("msg") or ""
        if not msg and result.get("results"):
            msg = "; ".join(str(r.get("msg")) for r in result["results"] if r.get("failed"))
        return "%s: %s" % (failed[-1]["name"], " ".join(str(msg).split())[:400])


def command(playbook, vars_file, args=()):
    return [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,",
            "-e", "ansible_python_interpreter=%s" % sys.executable, "-e", "@%s" % vars_file,
            str(playbook)] + list(args)


def run_playbook(workdir, playbook, variables, args=(), env=None, timeout=900, name="run"):
    """One ansible-playbook run (its own capture file); returns a Run."""
    workdir = pathlib.Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    vars_file = write_vars(workdir, variables, name + "-vars.json")
    capture = workdir / (name + "-capture.json")
    start = time.monotonic()
    proc = subprocess.run(command(playbook, vars_file, args), capture_output=True, text=True,
                          env=_environ(workdir, capture, env), cwd=str(workdir), timeout=timeout, check=False)
    tasks = json.loads(capture.read_text()) if capture.exists() else []
    return Run(proc.returncode, proc.stdout, proc.stderr, tasks, time.monotonic() - start)


# ----------------------------------------------------------------------------- independent comparison
def canonical(project, skip_audiences=()):
    """A project's raw emulator state -> (uid-free form, dangling references).

    Attributes and events by key, audiences and experiences by name, every reference by the
    target's key or name; server-managed fields (uids, dates, authors, counters, _cms) left out.
    Versions: the live one and the draft of each experience (archived ones are history, see
    docs/export.md). Own code on purpose: it shares nothing with the collection.
    """
    dangling = []
    attrs = dict((a["uid"], a["key"]) for a in project["attributes"])
    auds = dict((a["uid"], a["name"]) for a in project["audiences"])
    events = dict((e["uid"], e["key"]) for e in project["events"])
    exps = dict((x["uid"], x["name"]) for x in project["experiences"])

    def ref(table, uid, what, where):
        if uid not in table:
            dangling.append("%s references %s uid %s, which the project does not have" % (where, what, uid))
            return "<dangling %s>" % uid
        return table[uid]

    def rules(node, where):
        node = dict(node)
        if "rules" in node:
            node["rules"] = [rules(r, where) for r in node["rules"]]
        attribute = node.get("attribute")
        if isinstance(attribute, dict) and attribute.get("__type") == "CustomAttributeReference":
            node["attribute"] = {"__type": "CustomAttributeReference",
                                 "key": ref(attrs, attribute.get("ref"), "attribute", where)}
        return node

    out = {
        "attributes": sorted((a["key"], a.get("name"), a.get("description") or "") for a in project["attributes"]),
        "events": sorted((e["key"], e.get("name"), e.get("description") or "") for e in project["events"]),
        "audiences": [],
        "experiences": sorted((x["name"], x["__type"], x.get("description") or "") for x in project["experiences"]),
        "versions": {},
        "priority": [],
    }
    for aud in sorted(project["audiences"], key=lambda a: a["name"]):
        if aud["name"] in skip_audiences:
            continue
        where = "audience %r" % aud["name"]
        out["audiences"].append((aud["name"], aud.get("description") or "",
                                 json.dumps(rules(aud.get("definition") or {}, where), sort_keys=True),
                                 str(aud.get("source") or "").upper()))
    for exp_uid, versions in project["versions"].items():
        name = ref(exps, exp_uid, "experience", "the versions list")
        current = []
        for status_group in (("ACTIVE", "PAUSED"), ("DRAFT",)):
            for version in [v for v in versions if v["status"] in status_group][:1]:
                where = "experience %r %s version" % (name, version["status"])
                variants = []
                for variant in version.get("variants") or []:
                    variants.append({
                        "name": variant.get("name"), "shortUid": str(variant.get("shortUid")),
                        "__type": variant.get("__type"),
                        "audiences": [ref(auds, u, "audience", where) for u in variant.get("audiences") or []],
                        "lyticsAudiences": [ref(auds, u, "audience", where) for u in variant.get("lyticsAudiences") or []],
                        "audienceCombinationType": variant.get("audienceCombinationType"),
                        "trafficDistribution": variant.get("trafficDistribution"),
                    })
                targeting = ((version.get("targeting") or {}).get("audience") or {})
                current.append({
                    "status": version["status"],
                    "variants": variants,
                    "metrics": [{"__type": m.get("__type"), "name": m.get("name"),
                                 "event": ref(events, m.get("event"), "event", where)}
                                for m in version.get("metrics") or []],
                    "targeting": {"audiences": [ref(auds, u, "audience", where) for u in targeting.get("audiences") or []],
                                  "audienceCombinationType": targeting.get("audienceCombinationType")}
                    if targeting.get("audiences") else {},
                    "variantSplit": version.get("variantSplit"),
                })
        out["versions"][name] = current
    order = project["priorityOrder"]
    out["priority"] = [ref(exps, uid, "experience", "the priority order") for uid in order]
    if sorted(order) != sorted(exps):
        dangling.append("the priority order %s does not list exactly the experiences %s" % (order, sorted(exps)))
    return out, dangling


def duplicates(project):
    """Duplicate keys/names per kind, and experiences with more than one draft or live version."""
    problems = []
    for kind, ident in (("attributes", "key"), ("events", "key"), ("audiences", "name"), ("experiences", "name")):
        counts = collections.Counter(i[ident] for i in project[kind])
        problems.extend("%s %r exists %d times" % (kind[:-1], n, c) for n, c in sorted(counts.items()) if c > 1)
    names = dict((x["uid"], x["name"]) for x in project["experiences"])
    for exp_uid, versions in sorted(project["versions"].items()):
        live = [v for v in versions if v["status"] in ("ACTIVE", "PAUSED")]
        drafts = [v for v in versions if v["status"] == "DRAFT"]
        if len(live) > 1 or len(drafts) > 1:
            problems.append("experience %r has %d live and %d draft versions"
                            % (names.get(exp_uid, exp_uid), len(live), len(drafts)))
    return problems


def judge(source_project, dest_project):
    """Every way the destination differs from a faithful copy of the source: [] when it is one."""
    src, src_dangling = canonical(source_project, skip_audiences=(LYTICS_AUDIENCE,))
    dst, dangling = canonical(dest_project)
    problems = ["source: " + d for d in src_dangling] + ["destination: " + d for d in dangling]
    problems += duplicates(dest_project)
    for kind in ("attributes", "events", "audiences", "experiences", "priority"):
        if src[kind] != dst[kind]:
            missing = [i for i in src[kind] if i not in dst[kind]]
            extra = [i for i in dst[kind] if i not in src[kind]]
            problems.append("%s differ: missing %s, unexpected %s%s" % (
                kind, [i if isinstance(i, str) else i[0] for i in missing],
                [i if isinstance(i, str) else i[0] for i in extra],
                "" if missing or extra else " (order: %s vs %s)" % (dst[kind], src[kind])))
    for name in sorted(set(src["versions"]) | set(dst["versions"])):
        if src["versions"].get(name) != dst["versions"].get(name):
            problems.append("versions of experience %r differ: source %s, destination %s" % (
                name, [v["status"] for v in src["versions"].get(name, [])],
                [v["status"] for v in dst["versions"].get(name, [])]))
    return problems


# ----------------------------------------------------------------------------- log statistics
def log_stats(pair):
    """What the emulators saw: requests, faults injected by kind, 429s, lost writes by method."""
    stats = {"requests": 0, "faults": collections.Counter(), "answers_retried": 0,
             "lost_posts_adopted": 0, "lost_writes_resent": 0, "source_writes": 0}
    for side, emu in (("source", pair.source), ("dest", pair.dest)):
        for entry in emu.log():
            stats["requests"] += 1
            if entry["fault"]:
                stats["faults"][entry["fault"]] += 1
            elif entry["status"] == 429:
                stats["faults"]["rate_limit_429"] += 1
            # Every answer the client had to retry or recover from (429, 5xx, reset).
            if entry["status"] is None or entry["status"] == 429 or entry["status"] >= 500:
                stats["answers_retried"] += 1
            if entry["fault"] == "lost":
                if entry["method"] == "POST":
                    stats["lost_posts_adopted"] += 1
                else:
                    stats["lost_writes_resent"] += 1
            if side == "source" and entry["method"] in WRITE_METHODS:
                stats["source_writes"] += 1
    stats["faults"] = dict(sorted(stats["faults"].items()))
    return stats


# ----------------------------------------------------------------------------- the fault suite
def run_seed(seed, workdir, max_runs=5, faults=True):
    """Copy with faults injected (seeded), re-run until rc 0 (at most ``max_runs``), then judge.

    Returns a dict: seed, converged, runs, rcs, failures (first failed task per failed run),
    problems (from ``judge``), requests, faults, answers_retried, lost_posts_adopted,
    lost_writes_resent, source_writes, seconds.
    """
    workdir = pathlib.Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    out = {"seed": seed, "runs": 0, "rcs": [], "failures": []}
    with Pair(workdir, faults_seed=seed if faults else None) as pair:
        variables = copy_vars(pair, workdir / "report")
        for n in range(1, max_runs + 1):
            run = run_playbook(workdir, MIGRATE, variables, name="run%d" % n)
            out["runs"] = n
            out["rcs"].append(run.rc)
            if run.rc == 0:
                break
            out["failures"].append(run.failure() or (run.stdout + run.stderr)[-400:])
        source_project, dest_project = pair.states()
        out["problems"] = judge(source_project, dest_project)
        out.update(log_stats(pair))
        out["report_ok"] = report_files_ok(workdir / "report")
    out["converged"] = out["rcs"][-1] == 0 and not out["problems"] and out["source_writes"] == 0
    out["seconds"] = round(time.monotonic() - started, 1)
    return out


def report_files_ok(report_dir):
    """report.json and uid-map.json are each absent or complete JSON (never truncated)."""
    problems = []
    for name in ("report.json", "uid-map.json"):
        path = pathlib.Path(report_dir) / name
        if path.exists():
            try:
                json.loads(path.read_text())
            except ValueError as exc:
                problems.append("%s is not valid JSON: %s" % (name, exc))
    return problems or True


# ----------------------------------------------------------------------------- the kill test
def _count(entries, method=None, path_start=None, path_has=None):
    return len([e for e in entries if (method is None or e["method"] == method)
                and (path_start is None or e["path"].startswith(path_start))
                and (path_has is None or path_has in e["path"])
                and e["status"] is not None and e["status"] < 400])


# name -> (phase, trigger(pair, stdout_text) -> bool). Triggers count successful requests in the
# emulators' logs (deterministic: the role's requests come in a fixed order), except the last,
# which fires once uid-map.json is written, while report.json is being written.
KILL_POINTS = [
    ("extract-source-reads", "Extract", lambda p, out: _count(p.source.log(), "GET") >= 3),
    ("attributes-1", "Load | attributes", lambda p, out: _count(p.dest.log(), "POST", "/attributes") >= 1),
    ("events-2", "Load | events", lambda p, out: _count(p.dest.log(), "POST", "/events") >= 2),
    ("audiences-1", "Load | audiences", lambda p, out: _count(p.dest.log(), "POST", "/audiences") >= 1),
    ("audiences-7", "Load | audiences", lambda p, out: _count(p.dest.log(), "POST", "/audiences") >= 7),
    ("experiences-3", "Load | experiences", lambda p, out: _count(p.dest.log(), "POST", "/experiences") >= 3
     and _count(p.dest.log(), path_has="/versions") == 0),
    ("versions-1", "Load | versions and activation",
     lambda p, out: _count([e for e in p.dest.log() if e["method"] != "GET"], path_has="/versions") >= 1),
    ("versions-5", "Load | versions and activation",
     lambda p, out: _count([e for e in p.dest.log() if e["method"] != "GET"], path_has="/versions") >= 5),
    ("priority", "Priority", lambda p, out: _count(p.dest.log(), "PUT", "/experiences-priority") >= 1),
    ("report-write", "Report", lambda p, out: (p.workdir / "report" / "uid-map.json").exists()),
]
KILL_BY_NAME = dict((k[0], k) for k in KILL_POINTS)


def end_group(proc, timeout=10):
    """Make sure a run started with start_new_session=True is over: SIGKILL its whole process
    group (ansible-playbook and its forked workers) if it still runs, then reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=timeout)


def kill_run(point, workdir, max_reruns=3):
    """SIGKILL the copy's whole process group at ``point``, check the report files, re-run, judge.

    Returns a dict: point, phase, killed (the trigger fired before the run ended), dest_writes_before_kill,
    report_after_kill (True or problems), reruns, rcs, problems, source_writes, seconds.
    """
    name, phase, trigger = point if isinstance(point, tuple) else KILL_BY_NAME[point]
    workdir = pathlib.Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    out = {"point": name, "phase": phase}
    with Pair(workdir) as pair:
        variables = copy_vars(pair, workdir / "report")
        vars_file = write_vars(workdir, variables, "kill-vars.json")
        proc = subprocess.Popen(command(MIGRATE, vars_file), cwd=str(workdir), env=_environ(workdir),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        chunks = []
        reader = threading.Thread(target=lambda: [chunks.append(line) for line in proc.stdout], daemon=True)
        reader.start()
        killed = False
        try:
            deadline = time.monotonic() + 300
            while proc.poll() is None and time.monotonic() < deadline:
                if trigger(pair, "".join(chunks)):
                    os.killpg(proc.pid, signal.SIGKILL)  # the whole run, forked workers included
                    killed = True
                    break
                time.sleep(0.005)
        finally:
            end_group(proc, timeout=30)
            reader.join(timeout=10)
        time.sleep(0.3)  # a request already in flight lands
        out["killed"] = killed
        out["dest_writes_before_kill"] = len(pair.dest.writes())
        out["report_after_kill"] = report_files_ok(workdir / "report")
        out["report_files_after_kill"] = sorted(os.listdir(str(workdir / "report"))) \
            if (workdir / "report").is_dir() else []
        out["rcs"] = []
        out["failures"] = []
        for n in range(1, max_reruns + 1):
            run = run_playbook(workdir, MIGRATE, variables, name="rerun%d" % n)
            out["rcs"].append(run.rc)
            if run.rc == 0:
                break
            out["failures"].append(run.failure() or (run.stdout + run.stderr)[-400:])
        out["reruns"] = len(out["rcs"])
        source_project, dest_project = pair.states()
        out["problems"] = judge(source_project, dest_project)
        out["report_after_rerun"] = report_files_ok(workdir / "report")
        out["source_writes"] = len(pair.source_writes())
    out["converged"] = (killed and out["rcs"][-1] == 0 and not out["problems"] and out["source_writes"] == 0
                        and out["report_after_kill"] is True and out["report_after_rerun"] is True)
    out["seconds"] = round(time.monotonic() - started, 1)
    return out
