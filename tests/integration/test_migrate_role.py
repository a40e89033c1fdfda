"""The copy role (contentstack.personalize.migrate), end to end against the emulator.

Every test drives real ansible-playbook runs of playbooks/migrate.yml: a small wrapper playbook
imports it unchanged and, when a test needs it, adds a second play that exports both projects with
the lookup (portable form) and prints the registered uid map. That export is this file's own,
independent comparison; it does not use the role's verify (migrate_compare).
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import COLLROOT, DEST, NOBODY_TOKEN, ROOT, SOURCE, WRITE_METHODS
from reliability.copyrun import end_group

MIGRATE = str(ROOT / "playbooks" / "migrate.yml")
EXPORT = "contentstack.personalize.personalize_export"
LYTICS_AUDIENCE = "High Propensity Buyers (Lytics)"
KINDS = {"attributes": "key", "events": "key", "audiences": "name", "experiences": "name"}


def connection(emu, side, **override):
    if side == "source":
        conn = {"api_url": emu.url, "project_uid": SOURCE["project_uid"], "authtoken": SOURCE["authtoken"],
                "organization_uid": SOURCE["org"], "allow_http": True}
    else:
        conn = {"api_url": emu.url, "project_uid": DEST["project_uid"], "oauth_token": DEST["oauth_token"],
                "organization_uid": DEST["org"], "allow_http": True}
    conn.update(override)
    return conn


def copy_vars(emu, tmp_path, **extra):
    out = {"migrate_source": connection(emu, "source"), "migrate_destination": connection(emu, "dest"),
           "migrate_allow_skips": True, "migrate_report_dir": str(tmp_path / "report")}
    out.update(extra)
    return out


def wrapper(tmp_path, export=False):
    """playbooks/migrate.yml as is, then (optionally) the test's own export of both projects."""
    plays = [{"import_playbook": MIGRATE}]
    if export:
        plays.append({
            "name": "independent export (the test's, not the role's verify)",
            "hosts": "localhost", "gather_facts": False, "connection": "local",
            "tasks": [
                {"name": "show the uid map", "ansible.builtin.debug": {"var": "personalize_uid_map"}},
                {"name": "export both projects", "ansible.builtin.copy": {
                    "dest": str(tmp_path / "exports.json"),
                    "content": "{{ {'source': query('%s', 'all', portable=true, **migrate_source) | first,"
                               " 'dest': query('%s', 'all', portable=true, **migrate_destination) | first}"
                               " | to_json }}" % (EXPORT, EXPORT)}},
            ],
        })
    return plays


def role_tasks(run, prefix="contentstack.personalize."):
    """The records of the role's load tasks (modules of this collection; extract only reads, in
    check mode, when it looks a destination project up by name; the destination's lock is local, and
    the typing of the role's variables reads nothing)."""
    local = ("personalize_export", "personalize_lock", "personalize_migrate_inputs")
    return [t for t in run.tasks if t["action"].startswith(prefix)
            and t["action"] not in [prefix + name for name in local]
            and "Extract | " not in t["name"]]


def task_ending(run, suffix):
    matches = [t for t in run.tasks if t["name"].endswith(suffix)]
    assert matches, "no task ending %r in %s" % (suffix, [t["name"] for t in run.tasks])
    return matches[-1]


def failed_task(run):
    """The task that ended the run (a read error in extract is rescued, and reported by validate)."""
    failed = [t for t in run.tasks if t["status"] == "failed"]
    assert failed, run.stdout[-3000:]
    return failed[-1]


def writes(emu, since, project=None):
    return [e for e in emu.log(since) if e["method"] in WRITE_METHODS
            and (project is None or e["project"] == project)]


def without(export, audiences=(), experiences=()):
    """A portable export minus the named audiences/experiences (what a copy skips)."""
    out = dict(export)
    out["audiences"] = [a for a in export["audiences"] if a["name"] not in audiences]
    out["experiences"] = [e for e in export["experiences"] if e["name"] not in experiences]
    out["versions"] = [v for v in export["versions"] if v["experience"] not in experiences]
    out["priority"] = [p for p in export["priority"] if p not in experiences]
    return out


def assert_refs_resolve(project):
    """Every reference inside a raw project of emu.state() names a uid of that same project."""
    attrs = set(a["uid"] for a in project["attributes"])
    auds = set(a["uid"] for a in project["audiences"])
    events = set(e["uid"] for e in project["events"])
    exps = set(e["uid"] for e in project["experiences"])

    def walk(definition):
        if not definition:
            return
        for rule in definition.get("rules") or []:
            walk(rule)
        attr = definition.get("attribute") or {}
        if attr.get("__type") == "CustomAttributeReference":
            assert attr["ref"] in attrs, "audience rule refers to unknown attribute %s" % attr["ref"]

    for aud in project["audiences"]:
        walk(aud.get("definition"))
    checked = 0
    for exp_uid, versions in project["versions"].items():
        assert exp_uid in exps
        for version in versions:
            for variant in version.get("variants") or []:
                for ref in (variant.get("audiences") or []) + (variant.get("lyticsAudiences") or []):
                    assert ref in auds, "variant %r refers to unknown audience %s" % (variant.get("name"), ref)
                    checked += 1
            for metric in version.get("metrics") or []:
                assert metric["event"] in events, "metric refers to unknown event %s" % metric["event"]
                checked += 1
            targeting = ((version.get("targeting") or {}).get("audience") or {}).get("audiences") or []
            for ref in targeting:
                assert ref in auds
                checked += 1
    order = project["priorityOrder"]
    order = order if isinstance(order, list) else [order]
    assert set(order) == exps, "priority %s does not list exactly the experiences %s" % (order, exps)
    return checked


def names(project, kind):
    return sorted(i[KINDS[kind]] for i in project[kind] if i.get("__type") != "PRESET")


def assert_no_duplicates(project):
    for kind in KINDS:
        got = names(project, kind)
        assert len(got) == len(set(got)), "duplicate %s in the destination: %s" % (kind, got)
    for exp_uid, versions in project["versions"].items():
        live = [v for v in versions if v["status"] in ("ACTIVE", "PAUSED")]
        drafts = [v for v in versions if v["status"] == "DRAFT"]
        assert len(live) <= 1 and len(drafts) <= 1, (exp_uid, [v["status"] for v in versions])


# ----------------------------------------------------------------------------- 1 + 2
def test_full_copy_then_rerun_is_a_noop(emulator, ansible_playbook, tmp_path):
    emu = emulator
    variables = copy_vars(emu, tmp_path)
    mark = emu.mark()
    run = ansible_playbook(wrapper(tmp_path, export=True), extra_vars=variables)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert not writes(emu, mark, SOURCE["project_uid"]), "the source is only read"

    # the role's own verify passed ...
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["verify"] == "ok"
    assert any(LYTICS_AUDIENCE in line for line in report["skipped"])

    # ... and so does this test's independent comparison of the two portable exports
    exports = json.loads((tmp_path / "exports.json").read_text())
    src, dst = exports["source"], exports["dest"]
    assert LYTICS_AUDIENCE in [a["name"] for a in src["audiences"]]
    expected = without(src, audiences=[LYTICS_AUDIENCE])
    for kind in list(KINDS) + ["versions", "priority"]:
        assert dst[kind] == expected[kind], kind

    # every reference of the destination points into the destination
    state = emu.state()["projects"]
    dest_raw, source_raw = state[DEST["project_uid"]], state[SOURCE["project_uid"]]
    assert assert_refs_resolve(dest_raw) > 10
    assert_no_duplicates(dest_raw)
    # New experiences come with one empty draft: the versions phase does not list their versions.
    task = task_ending(run, "Load | versions and activation")
    during = [e for e in emu.log(mark) if task["start"] <= e["ts"] <= task["end"]]
    assert [e for e in during if e["method"] == "GET" and e["path"].endswith("/versions")] == []
    assert len([e for e in during if e["method"] in WRITE_METHODS]) >= len(dest_raw["experiences"])

    # the uid map: a registered fact (printed by the wrapper) equal to uid-map.json, complete
    fact = run.result("show the uid map")["personalize_uid_map"]
    assert fact == json.loads((tmp_path / "report" / "uid-map.json").read_text())
    for kind in KINDS:
        dest_by_ident = dict((i[KINDS[kind]], i["uid"]) for i in dest_raw[kind])
        for item in source_raw[kind]:
            if item.get("__type") == "PRESET" or item.get("name") == LYTICS_AUDIENCE:
                continue
            assert fact[kind].get(item["uid"]) == dest_by_ident[item[KINDS[kind]]], (kind, item[KINDS[kind]])
    dest_versions = set(v["uid"] for vs in dest_raw["versions"].values() for v in vs)
    for exp_uid, versions in source_raw["versions"].items():
        for v in versions:
            if v["status"] in ("ACTIVE", "PAUSED", "DRAFT"):
                assert fact["versions"].get(v["uid"]) in dest_versions, (exp_uid, v["status"])
    for exp in source_raw["experiences"]:  # variant shortUids (live and draft) are kept, gaps included
        short = set(str(x["shortUid"]) for v in source_raw["versions"][exp["uid"]]
                    if v["status"] in ("ACTIVE", "PAUSED", "DRAFT") for x in v["variants"])
        assert fact["variants"][exp["uid"]] == dict((s, s) for s in short), exp["name"]

    # 2. the second run changes nothing: no write at all, and no load task runs: each one's plan
    # (its module's, against the destination as extract read it) finds nothing to write, which the
    # validate progress says; the report still counts every item, unchanged.
    mark = emu.mark()
    again = ansible_playbook(MIGRATE, extra_vars=variables)
    assert again.rc == 0, again.stdout[-4000:]
    assert writes(emu, mark) == []
    assert [t["action"] for t in role_tasks(again)] == ["contentstack.personalize.personalize_report"]
    assert not [t["name"] for t in again.tasks if " : Load | " in t["name"] or " : Priority | " in t["name"]]
    said = task_ending(again, "Validate | progress")["result"]["msg"]
    assert any(line.startswith("load: nothing to write") for line in said), said
    assert [t["name"] for t in again.tasks if t["result"].get("changed")] == []
    assert "changed=0" in again.stdout
    # Reads: each destination list and each experience's versions once; verify reads nothing
    # again when nothing was written.
    dest_gets = [e["path"] for e in emu.log(mark) if e["project"] == DEST["project_uid"]]
    for exp in dest_raw["experiences"]:
        assert dest_gets.count("/experiences/%s/versions" % exp["uid"]) == 1, exp["name"]
    # ... and each kind's list once: extract lists them, the load tasks share that listing.
    for path in ("/attributes", "/events", "/audiences", "/experiences", "/experiences-priority"):
        assert dest_gets.count(path) == 1, (path, dest_gets.count(path))
    # The report counts the calls; they match the emulator's log.
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["calls"]["destination"]["calls"] == len(dest_gets)
    source_calls = [e for e in emu.log(mark) if e["project"] == SOURCE["project_uid"]]
    assert report["calls"]["source"]["calls"] == len(source_calls)
    assert report["kinds"]["experiences"] == {"unchanged": len(dest_raw["experiences"])}
    assert report["kinds"]["versions"] == {"unchanged": len(dest_raw["experiences"])}
    assert report["verify"] == "ok" and report["priority_changed"] is False
    assert json.loads((tmp_path / "report" / "uid-map.json").read_text()) == fact


def test_the_role_twice_in_one_play_reports_each_copy_on_its_own(emulator, ansible_playbook, tmp_path):
    """include_role twice for one host (as a loop over projects would): the second copy, which has
    nothing to write and runs no load task, reports its own results, not the first copy's registered ones."""
    emu = emulator
    base = copy_vars(emu, tmp_path)
    play = {"hosts": "localhost", "gather_facts": False, "connection": "local",
            "vars": {"ansible_python_interpreter": sys.executable}, "tasks": [
                {"name": "copy %d" % n, "ansible.builtin.include_role": {"name": "contentstack.personalize.migrate"},
                 "vars": dict(base, migrate_report_dir=str(tmp_path / ("report%d" % n)))} for n in (1, 2)]}
    mark = emu.mark()
    run = ansible_playbook(play)
    assert run.rc == 0, run.stdout[-4000:]
    first, second = [json.loads((tmp_path / ("report%d" % n) / "report.json").read_text()) for n in (1, 2)]
    source_raw = emu.state()["projects"][SOURCE["project_uid"]]
    attributes = len([a for a in source_raw["attributes"] if a.get("__type") != "PRESET"])
    assert first["kinds"]["attributes"] == {"created": attributes} and first["priority_changed"] is True
    assert second["kinds"]["attributes"] == {"unchanged": attributes} and second["priority_changed"] is False
    assert second["verify"] == "ok" and second["version_changes"] == dict.fromkeys(second["version_changes"], 0)
    # every write is the first copy's (its report counts each of them); the second one starts with its
    # forget task, which this time had the first copy's results to forget
    starts = [t for t in run.tasks if t["name"].endswith("Validate | forget an earlier copy's results in this play")]
    assert [t["status"] for t in starts] == ["skipped", "ok"], starts
    made = writes(emu, mark)
    assert len(made) == sum(first["kinds"][k].get("created", 0) for k in ("attributes", "events", "audiences", "experiences")) \
        + len(first["activations"]) + 1
    assert [e for e in made if e["ts"] >= starts[1]["start"]] == []
    # the second copy's destination calls are extract's reads: verify read nothing again
    second_calls = [e for e in emu.log(mark) if e["ts"] >= starts[1]["start"] and e["project"] == DEST["project_uid"]]
    assert second["calls"]["destination"]["calls"] == len(second_calls)


# ----------------------------------------------------------------------------- 3
def test_check_mode_on_empty_destination_writes_nothing_and_lists_everything(emulator, ansible_playbook, tmp_path):
    emu = emulator
    mark = emu.mark()
    run = ansible_playbook(MIGRATE, check=True, extra_vars=copy_vars(emu, tmp_path))
    assert run.rc == 0, run.stdout[-4000:]
    assert writes(emu, mark) == []
    source_raw = emu.state()["projects"][SOURCE["project_uid"]]
    for kind, task in (("attributes", "Load | attributes"), ("events", "Load | events"),
                       ("audiences", "Load | audiences (rules remapped to destination attribute uids)"),
                       ("experiences", "Load | experiences")):
        result = task_ending(run, task)["result"]
        want = set(i[KINDS[kind]] for i in source_raw[kind] if i.get("__type") != "PRESET"
                   and i.get("name") != LYTICS_AUDIENCE)
        assert result["changed"] is True
        assert result["summary"] == {"created": len(want)}, (kind, result["summary"])
        assert set(r[KINDS[kind]] for r in result["results"]) == want, kind
    versions = task_ending(run, "Load | versions and activation")["result"]
    assert len(versions["results"]) == len(source_raw["experiences"])
    assert all(r["steps"] for r in versions["results"])
    assert not (tmp_path / "report" / "report.json").exists()


# ----------------------------------------------------------------------------- 4
def _version_write(entry):
    return entry["method"] in ("POST", "PUT") and "/versions" in entry["path"]


def test_interrupted_copy_resumes_to_the_exact_result(emulator, ansible_playbook, tmp_path):
    emu = emulator
    variables = copy_vars(emu, tmp_path)
    # Every request 50 ms slower, so that the versions phase lasts long enough to be interrupted.
    emu.configure(faults={"latency": 1.0, "latency_seconds": 0.05})
    workdir = tmp_path / "killed"
    workdir.mkdir()
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))
    env.update({"ANSIBLE_COLLECTIONS_PATH": str(COLLROOT), "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_LOCAL_TEMP": str(workdir / "tmp"), "ANSIBLE_HOME": str(workdir / "home")})
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,",
           "-e", "ansible_python_interpreter=%s" % sys.executable, "-e", json.dumps(variables), MIGRATE]
    proc = subprocess.Popen(cmd, cwd=str(workdir), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not any(_version_write(e) for e in emu.log()):
            assert proc.poll() is None, "the run ended before its versions phase"
            assert time.monotonic() < deadline, "no versions write within 60 s"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)  # the whole run, workers included
    finally:
        end_group(proc)
    time.sleep(0.3)  # let a request already in flight land
    log = emu.log()
    assert not any(e["path"].startswith("/experiences-priority") and e["method"] == "PUT" for e in log), \
        "killed too late: the run reached the priority phase"
    emu.configure(faults={"latency": 0.0})

    run = ansible_playbook(wrapper(tmp_path, export=True), extra_vars=variables)
    assert run.rc == 0, run.stdout[-4000:]
    exports = json.loads((tmp_path / "exports.json").read_text())
    expected = without(exports["source"], audiences=[LYTICS_AUDIENCE])
    for kind in list(KINDS) + ["versions", "priority"]:
        assert exports["dest"][kind] == expected[kind], kind
    dest_raw = emu.state()["projects"][DEST["project_uid"]]
    assert_no_duplicates(dest_raw)
    assert_refs_resolve(dest_raw)


# ----------------------------------------------------------------------------- 5
def _api(emu, method, path, body=None):
    import urllib.request
    req = urllib.request.Request(emu.url + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"authorization": "Bearer " + DEST["oauth_token"],
                                          "x-project-uid": DEST["project_uid"],
                                          "organization_uid": DEST["org"],
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def test_partial_copy_brings_dependencies_then_prune(emulator, ansible_playbook, tmp_path):
    emu = emulator
    variables = copy_vars(emu, tmp_path, migrate_include=["Summer Sale Banner"])
    run = ansible_playbook(MIGRATE, extra_vars=variables)
    assert run.rc == 0, run.stdout[-4000:]
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["verify"] == "ok"
    dest_raw = emu.state()["projects"][DEST["project_uid"]]
    assert names(dest_raw, "experiences") == ["Summer Sale Banner"]
    copied = [(kind, n) for kind in ("attributes", "events", "audiences") for n in names(dest_raw, kind)]
    assert copied, "the experience's dependencies came along"
    # one report line per dependency, naming it
    notes = report["included_as_dependencies"]
    assert len(notes) == len(copied), notes
    for kind, name in copied:
        assert len([n for n in notes if n.startswith("%s %r included because" % (kind[:-1], name))]) == 1, (kind, name)
    assert_refs_resolve(dest_raw)

    # destination objects the source (as selected) does not have
    _api(emu, "POST", "/events", {"key": "stale_event", "name": "Stale"})
    _api(emu, "POST", "/attributes", {"key": "stale_attr", "name": "Stale attribute"})
    variables["migrate_prune"] = True
    mark = emu.mark()
    check = ansible_playbook(MIGRATE, check=True, extra_vars=variables)
    assert check.rc == 0, check.stdout[-4000:]
    assert writes(emu, mark) == []
    would = task_ending(check, "Prune | events the source does not have")["result"]
    assert would["changed"] and would["summary"] == {"deleted": 1}
    assert [r["key"] for r in would["results"]] == ["stale_event"]
    would = task_ending(check, "Prune | attributes the source does not have")["result"]
    assert [r["key"] for r in would["results"]] == ["stale_attr"]
    assert "stale_event" in names(emu.state()["projects"][DEST["project_uid"]], "events")

    run = ansible_playbook(MIGRATE, extra_vars=variables)
    assert run.rc == 0, run.stdout[-4000:]
    after = emu.state()["projects"][DEST["project_uid"]]
    assert "stale_event" not in names(after, "events") and "stale_attr" not in names(after, "attributes")
    assert [(k, n) for k in ("attributes", "events", "audiences") for n in names(after, k)] == copied
    assert json.loads((tmp_path / "report" / "report.json").read_text())["verify"] == "ok"


# ----------------------------------------------------------------------------- 6
BAD_INPUTS = [
    ("excluded-dependency", {"migrate_exclude": ["Gold & Platinum Members"]}, "Validate |",
     "is excluded, but experience"),
    ("source-is-destination", {"migrate_destination": "SOURCE"}, "Validate |", "onto itself"),
    ("lytics-without-allow-skips", {"migrate_allow_skips": False}, "Validate |", "Lytics"),
    ("source-401", {"migrate_source": {"authtoken": "csat-not-a-token"}}, "Validate |", "401"),
    ("source-403", {"migrate_source": {"authtoken": NOBODY_TOKEN}}, "Validate |", "403"),
    ("destination-401", {"migrate_destination": {"oauth_token": "csoa-not-a-token"}}, "Validate |", "401"),
    ("destination-403", {"migrate_destination": {"oauth_token": "", "authtoken": NOBODY_TOKEN}}, "Validate |", "403"),
]


# Every problem stops the run in the validate phase, before the first load task. A refused
# token shows when the sides are read (extract); extract keeps the error for validate.
@pytest.mark.parametrize("case", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_fails_before_any_write(emulator, ansible_playbook, tmp_path, case):
    _case_id, change, phase, words = case
    emu = emulator
    variables = copy_vars(emu, tmp_path)
    for key, value in change.items():
        if value == "SOURCE":
            variables[key] = dict(variables["migrate_source"])
        elif isinstance(value, dict):
            variables[key] = dict(variables[key], **value)
        else:
            variables[key] = value
    mark = emu.mark()
    run = ansible_playbook(MIGRATE, extra_vars=variables)
    assert run.rc != 0
    assert writes(emu, mark) == []
    failed = failed_task(run)
    assert phase in failed["name"], failed["name"]
    assert words in json.dumps(failed["result"]), failed["result"]
    assert role_tasks(run) == [], "no load task ran"


def test_dangling_audience_reference_in_the_source_fails_in_validate(emulator, ansible_playbook, tmp_path):
    """A source variant that names an audience the source does not have: the copy cannot map it,
    so it stops in validate, names the reference, and writes nothing."""
    seeds = ROOT / "tests" / "emulator" / "seeds"
    retail = json.loads((seeds / "retail.json").read_text())
    dest = json.loads((seeds / "empty-dest.json").read_text())
    ghost = "6650a1b2c3d4e5f6a2ffffff"
    experience = retail["projects"][0]["experiences"][0]
    live = [v for v in experience["versions"] if v["status"] == "ACTIVE"][0]
    live["variants"][0]["audiences"] = [ghost]
    emulator.reset({"seeds": [retail, dest]})
    mark = emulator.mark()
    run = ansible_playbook(MIGRATE, extra_vars=copy_vars(emulator, tmp_path))
    assert run.rc != 0
    assert writes(emulator, mark) == []
    failed = failed_task(run)
    assert "Validate |" in failed["name"], failed["name"]
    message = failed["result"]["msg"]
    assert failed["name"].endswith("stop on any problem, before anything is written"), failed["name"]
    assert message.startswith("The copy cannot start: the source cannot be copied as it is:"), message
    assert ghost in message, message


def test_source_version_the_api_would_refuse_fails_in_validate(emulator, ansible_playbook, tmp_path):
    """Two variants of one name in a source version (the emulator stores it; the versions module
    refuses it): validate runs the same version checks on the whole plan, so nothing is written."""
    seeds = ROOT / "tests" / "emulator" / "seeds"
    retail = json.loads((seeds / "retail.json").read_text())
    dest = json.loads((seeds / "empty-dest.json").read_text())
    experience = retail["projects"][0]["experiences"][0]
    live = [v for v in experience["versions"] if v["status"] == "ACTIVE"][0]
    live["variants"][1]["name"] = live["variants"][0]["name"]
    emulator.reset({"seeds": [retail, dest]})
    mark = emulator.mark()
    run = ansible_playbook(MIGRATE, extra_vars=copy_vars(emulator, tmp_path))
    assert run.rc != 0
    assert writes(emulator, mark) == []
    failed = failed_task(run)
    assert failed["name"].endswith("Validate | stop on any problem, before anything is written"), failed["name"]
    assert "experience %r" % experience["name"] in failed["result"]["msg"]
    assert "variant %r appears twice" % live["variants"][0]["name"] in failed["result"]["msg"]


def test_activation_draft_then_all(emulator, ansible_playbook, tmp_path):
    """draft: everything arrives as drafts for review, nothing is live; all: then every
    experience's latest content goes live. Each run verifies; the source is only read."""
    emu = emulator
    state = emu.state()["projects"]
    source_experiences = dict((e["name"], e["uid"]) for e in state[SOURCE["project_uid"]]["experiences"])

    def statuses():
        dest_raw = emu.state()["projects"][DEST["project_uid"]]
        by_uid = dict((e["uid"], e["name"]) for e in dest_raw["experiences"])
        return dict((by_uid[uid], sorted(v["status"] for v in versions))
                    for uid, versions in dest_raw["versions"].items())

    mark = emu.mark()
    run = ansible_playbook(MIGRATE, extra_vars=copy_vars(emu, tmp_path, migrate_activation="draft"))
    assert run.rc == 0, run.stdout[-4000:]
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["verify"] == "ok" and report["activation"] == "draft"
    drafted = statuses()
    assert drafted and all(s == ["DRAFT"] for s in drafted.values()), drafted
    assert set(drafted) <= set(source_experiences)

    run = ansible_playbook(MIGRATE, extra_vars=copy_vars(emu, tmp_path, migrate_activation="all"))
    assert run.rc == 0, run.stdout[-4000:]
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["verify"] == "ok" and report["activation"] == "all"
    live = statuses()
    assert set(live) == set(drafted)
    assert all(s.count("ACTIVE") == 1 and "PAUSED" not in s and "DRAFT" not in s for s in live.values()), live
    assert not writes(emu, mark, SOURCE["project_uid"])
