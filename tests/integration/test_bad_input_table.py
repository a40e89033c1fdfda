"""Bad input, one table: every row is refused with a message naming the item and the field, and
nothing is written (the request log of every emulator has no POST, PUT or DELETE from it).

Surfaces: the modules (one playbook, one failing task per row), the export lookup (one playbook,
one failing set_fact per row), apply.yml with a broken file folder, and the copy role through
playbooks/migrate.yml between two emulators (one ansible-playbook run per row). docs/reliability.md
lists the messages users may meet; this table is where they are checked.

Each row: (id, surface, input, [fragments the message must contain], phase). ``phase`` is, for
role rows, the start of the failing task's name ("Validate |" for problems found in the plan
or in reading either side; "arg spec" for the role's argument validation); None otherwise.
"""

import json
import os
import urllib.request

import pytest

from conftest import DEST, ROOT, SOURCE, WRITE_METHODS
from emulator.harness import NOBODY_TOKEN
from modhelp import assert_ok, dest, failing, play, task
from reliability.copyrun import MIGRATE, Pair, copy_vars, run_playbook

LOOKUP = "contentstack.personalize.personalize_export"
BAD_TOKEN = "csat-not-a-token-0000"
HEX_UNKNOWN = "6650a1b2c3d4e5f6ffffffff"


def rule(attribute, value="x"):
    return {"attribute": attribute, "attributeMatchCondition": "STRING_EQUALS",
            "attributeMatchOptions": {"__type": "StringMatchOptions", "value": value}}


SEG = {"experience": "Seg", "status": "active"}
AB = {"experience": "AB", "status": "active"}
AB_OK = [{"name": "A", "trafficDistribution": 50}, {"name": "B", "trafficDistribution": 50}]

# ----------------------------------------------------------------------------- the table
TABLE = [
    # --- modules: wrong types and unknown enum values
    ("wrong type bool", "module", ("personalize_attribute", {"key": "k1", "prune": "perhaps"}), ["prune", "bool"], None),
    ("wrong type in item", "module", ("personalize_attribute", {"items": [{"key": "ok"}, {"key": "k2", "name": 5}]}),
     ["attribute 'k2'", "name", "must be a string, got int"], None),
    ("wrong type traffic", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": "fifty"}, {"name": "B", "trafficDistribution": 50}])),
        ["variant 'A'", "trafficDistribution"], None),
    ("wrong type timeout", "module", ("personalize_event", {"key": "e1", "timeout": "soon"}), ["timeout", "int"], None),
    ("wrong type definition", "module", ("personalize_audience", {"name": "Aud D", "definition": ["AND"]}),
     ["definition", "dict"], None),
    ("unknown experience type", "module", ("personalize_experience", {"name": "E", "type": "multivariate"}),
     ["type", "multivariate", "ab_test"], None),
    ("unknown experience type in item", "module", ("personalize_experience", {"items": [{"name": "E2", "type": "mvt"}]}),
     ["experience 'E2'", "type", "mvt"], None),
    ("unknown version status", "module", ("personalize_version", dict(SEG, status="running", variants=[{"name": "V"}])),
     ["status", "running"], None),
    ("unknown combination type", "module", ("personalize_audience", {"name": "Aud X", "definition": {
        "combinationType": "XOR", "rules": [rule({"preset": "COUNTRY"})]}}),
        ["audience 'Aud X'", "combinationType", "XOR"], None),
    ("unknown variant combination", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Known"], "audienceCombinationType": "XOR"}])),
        ["experience 'Seg'", "variant 'V1'", "audienceCombinationType", "XOR"], None),
    ("unknown item state", "module", ("personalize_event", {"items": [{"key": "e1", "state": "gone"}]}),
     ["event 'e1'", "state", "gone"], None),
    ("unknown state", "module", ("personalize_attribute", {"key": "k3", "state": "gone"}), ["state", "gone", "present"], None),
    ("unknown version field", "module", ("personalize_version", {"experience": "AB", "versions": [
        {"status": "active", "variants": AB_OK, "colour": "red"}]}),
        ["experience 'AB'", "unknown version field", "colour"], None),
    # --- modules: references and structure
    ("rule unknown attribute", "module", ("personalize_audience", {"name": "Aud Y", "definition": {
        "combinationType": "AND", "rules": [rule({"key": "no_such_attribute"})]}}),
        ["audience 'Aud Y'", "definition.rules[0].attribute", "no_such_attribute"], None),
    ("variant unknown audience", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Known"]}, {"name": "V2", "audiences": ["Nobody here"]}])),
        ["experience 'Seg'", "variant 'V2'", "audiences", "Nobody here"], None),
    ("targeting unknown audience", "module", ("personalize_version", dict(AB, variants=AB_OK, targeting={
        "audience": {"audiences": ["Nobody here"]}})),
        ["experience 'AB'", "targeting.audience.audiences", "Nobody here"], None),
    ("metric unknown event", "module", ("personalize_version", dict(
        AB, variants=AB_OK, metrics=[{"name": "M", "event": "no_such_event"}])),
     ["experience 'AB'", "metrics[0]", "no_such_event"], None),
    ("traffic not 100", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": 60}, {"name": "B", "trafficDistribution": 30}])),
        ["experience 'AB'", "trafficDistribution", "90", "100"], None),
    ("empty variants", "module", ("personalize_version", dict(SEG, variants=[])),
     ["experience 'Seg'", "variants", "non-empty"], None),
    ("segmented variant without audience", "module", ("personalize_version", dict(SEG, variants=[{"name": "Lonely"}])),
     ["experience 'Seg'", "variant 'Lonely'", "at least one audience"], None),
    ("duplicate variant name", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": 50}, {"name": "A", "trafficDistribution": 50}])),
        ["experience 'AB'", "variant 'A'", "twice"], None),
    ("bad variant shortUid", "module", ("personalize_version", dict(AB, variants=[
        {"name": "A", "shortUid": "01", "trafficDistribution": 50}, {"name": "B", "trafficDistribution": 50}])),
        ["experience 'AB'", "variant 'A'", "shortUid", "01"], None),
    ("metrics on segmented", "module", ("personalize_version", dict(
        SEG, variants=[{"name": "V", "audiences": ["Known"]}], metrics=[{"event": "x"}])),
     ["experience 'Seg'", "metrics", "A/B"], None),
    ("two live versions", "module", ("personalize_version", {"experience": "AB", "versions": [
        {"status": "active", "variants": AB_OK}, {"status": "paused", "variants": AB_OK}]}),
        ["experience 'AB'", "at most one live"], None),
    ("version of unknown experience", "module", ("personalize_version", {"experience": "Ghost", "variants": AB_OK}),
     ["experience 'Ghost'", "does not exist"], None),
    ("experience type change", "module", ("personalize_experience", {"name": "Seg", "type": "ab_test"}),
     ["experience 'Seg'", "type cannot change", "replace"], None),
    ("duplicate key in items", "module", ("personalize_attribute", {
        "items": [{"key": "dup"}, {"key": "other"}, {"key": "dup"}]}),
     ["attribute 'dup'", "twice", "0", "2"], None),
    ("duplicate name in items", "module", ("personalize_audience", {"items": [
        {"name": "Twice", "definition": {"rules": [rule({"preset": "COUNTRY"})]}}, {"name": "Twice", "state": "absent"}]}),
        ["audience 'Twice'", "twice"], None),
    ("duplicate experience in version items", "module", ("personalize_version", {"items": [
        dict(AB, variants=AB_OK), dict(AB, variants=AB_OK)]}), ["experience 'AB'", "twice"], None),
    ("preset attribute", "module", ("personalize_attribute", {"key": "COUNTRY", "name": "Country"}),
     ["attribute 'COUNTRY'", "preset"], None),
    ("preset attribute absent", "module", ("personalize_attribute", {"key": "DEVICE_TYPE", "state": "absent"}),
     ["attribute 'DEVICE_TYPE'", "preset"], None),
    ("ambiguous audience", "module", ("personalize_audience", {"name": "Same name", "description": "x"}),
     ["audience 'Same name'", "ambiguous"], None),
    ("ambiguous audience absent", "module", ("personalize_audience", {"name": "Same name", "state": "absent"}),
     ["audience 'Same name'", "ambiguous"], None),
    ("variant ambiguous audience", "module", ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Same name"]}])),
        ["experience 'Seg'", "variant 'V1'", "audiences", "audience 'Same name' is ambiguous"], None),
    ("priority unknown experience", "module", ("personalize_priority", {"order": ["AB", "Ghost"]}),
     ["order", "Ghost"], None),
    ("priority names twice", "module", ("personalize_priority", {"order": ["AB", "AB"]}), ["order", "twice"], None),
    ("both forms", "module", ("personalize_attribute", {"key": "k", "items": [{"key": "k"}]}), ["key", "items"], None),
    ("missing identity", "module", ("personalize_event", {"name": "no key"}), ["key", "items"], None),
    # --- modules: connection
    ("module unknown region", "module", ("personalize_attribute", {"key": "k4", "api_url": "", "region": "mars"}),
     ["unknown region 'mars'", "aws-eu"], None),
    ("module malformed url", "module", ("personalize_attribute", {"key": "k4", "api_url": "personalize-api.contentstack.com"}),
     ["api_url", "not a valid URL", "https://"], None),
    ("module plain http to a remote host", "module", ("personalize_attribute", {
        "key": "k4", "api_url": "http://personalize.example.com"}), ["api_url", "plain http", "allow_http"], None),
    ("module both tokens", "module", ("personalize_attribute", {"key": "k4", "authtoken": BAD_TOKEN}),
     ["authtoken and oauth_token", "exactly one"], None),
    ("module no token", "module", ("personalize_attribute", {"key": "k4", "oauth_token": ""}), ["no credentials"], None),
    ("module bad project uid", "module", ("personalize_attribute", {"key": "k4", "project_uid": "retail-eu"}),
     ["project_uid", "24-character hexadecimal", "retail-eu"], None),
    ("module unknown project", "module", ("personalize_attribute", {"key": "k4", "project_uid": HEX_UNKNOWN}),
     ["GET /attributes returned 404", "PROJECTS.NOT_FOUND"], None),
    ("module 401", "module", ("personalize_attribute", {"key": "k4", "oauth_token": BAD_TOKEN}),
     ["GET /attributes returned 401"], None),
    ("module 403", "module", ("personalize_attribute", {"key": "k4", "oauth_token": NOBODY_TOKEN}),
     ["GET /attributes returned 403", "Forbidden"], None),
    # --- the export lookup
    ("lookup invalid jmespath", "lookup", ("attributes", {"query": "[?key == 'x'"}),
     ["personalize_export", "invalid JMESPath query", "[?key == 'x'"], None),
    ("lookup unknown kind", "lookup", ("widgets", {}), ["unknown kind 'widgets'", "all"], None),
    ("lookup term not a string", "lookup", (5, {}), ["a term must be a kind name", "5"], None),
    ("lookup no term", "lookup", ([], {}), ["give at least one term", "all"], None),
    ("lookup unknown region", "lookup", ("events", {"api_url": None, "region": "mars"}), ["unknown region 'mars'"], None),
    ("lookup malformed url", "lookup", ("events", {"api_url": "ftp://emulator"}), ["api_url", "not a valid URL"], None),
    ("lookup plain http to a remote host", "lookup", ("events", {"api_url": "http://personalize.example.com"}),
     ["plain http", "allow_http"], None),
    ("lookup both tokens", "lookup", ("events", {"oauth_token": BAD_TOKEN}), ["mutually exclusive"], None),
    ("lookup no token", "lookup", ("events", {"authtoken": ""}), ["no credentials"], None),
    ("lookup bad project uid", "lookup", ("events", {"project_uid": "6650a1b2"}),
     ["project_uid", "24-character hexadecimal", "6650a1b2"], None),
    ("lookup 401", "lookup", ("events", {"authtoken": BAD_TOKEN}), ["GET /events returned 401"], None),
    ("lookup 403", "lookup", ("events", {"authtoken": NOBODY_TOKEN}), ["GET /events returned 403", "Forbidden"], None),
    # --- apply.yml: a file folder with a missing or corrupt YAML file
    ("apply missing file", "apply", ("remove", "audiences.yml"), ["missing file(s)", "audiences.yml", "nothing was written"],
     None),
    ("apply corrupt file", "apply", ("write", "experiences.yml", "experiences:\n  - name: [unclosed\n"),
     ["experiences.yml is not valid YAML", "nothing was written"], None),
    ("apply wrong shape", "apply", ("write", "events.yml", "- key: add_to_cart\n"),
     ["events.yml is not a file written by export.yml", "nothing was written"], None),
    # --- the copy role (playbooks/migrate.yml, two emulators as two regions)
    ("role source is destination", "role", {"migrate_destination": "SOURCE"},
     ["refusing to copy a project onto itself", "Nothing was written"], "Validate |"),
    ("role lytics without allow_skips", "role", {"migrate_allow_skips": False},
     ["High Propensity Buyers (Lytics)", "Lytics", "migrate_allow_skips"], "Validate |"),
    ("role excluded dependency", "role", {"migrate_exclude": ["Gold & Platinum Members"]},
     ["audience 'Gold & Platinum Members' is excluded", "experience"], "Validate |"),
    ("role missing audience reference", "role", {"_source_seed": "dangling-audience"},
     ["the source cannot be copied", "experience 'Summer Sale Banner', paused version: variant",
      "references audience uid", "does not exist"], "Validate |"),
    ("role source 401", "role", {"migrate_source": {"authtoken": BAD_TOKEN}},
     ["cannot read the source", "401"], "Validate |"),
    ("role source 403", "role", {"migrate_source": {"authtoken": NOBODY_TOKEN}},
     ["cannot read the source", "403"], "Validate |"),
    ("role destination 401", "role", {"migrate_destination": {"oauth_token": BAD_TOKEN}},
     ["cannot read the destination", "401"], "Validate |"),
    ("role destination 403", "role", {"migrate_destination": {"oauth_token": NOBODY_TOKEN}},
     ["cannot read the destination", "403"], "Validate |"),
    ("role over-limit destination", "role", {"migrate_limits": {"audiences": 5}},
     ["10 audiences would exceed the destination's limit of 5"], "Validate |"),
    ("role destination both tokens", "role", {"migrate_destination": {"authtoken": BAD_TOKEN}},
     ["cannot read the destination", "mutually exclusive"], "Validate |"),
    ("role source bad project uid", "role", {"migrate_source": {"project_uid": "retail"}},
     ["cannot read the source", "project_uid", "retail"], "Validate |"),
    ("role destination unknown region", "role", {"migrate_destination": {"api_url": "", "region": "mars"}},
     ["invalid connection settings of the destination", "unknown region 'mars'"], "Validate |"),
    ("role destination plain http", "role", {"migrate_destination": {"api_url": "http://personalize.example.com"}},
     ["invalid connection settings of the destination", "plain http", "allow_http"], "Validate |"),
    ("role unknown activation", "role", {"migrate_activation": "sometimes"},
     ["migrate_activation", "sometimes", "mirror"], "arg spec"),
    ("role wrong type", "role", {"migrate_prune": "perhaps"}, ["migrate_prune", "bool"], "arg spec"),
    ("role missing project uid", "role", {"migrate_destination": {"project_uid": None}},
     ["project_uid", "migrate_destination"], "arg spec"),
]

# --- two runs at once (lock): another run of this machine holds the destination's lock
ROWS_lock = [
    ("role destination locked, no wait", "role", {"migrate_lock_wait": 0, "_lock": "held"},
     ["is being written by another run", "run another-pipeline", "since", ".lock", "migrate_lock_wait",
      "Nothing was written"], "Extract |"),
]


def hold_lock(destination):
    """Hold the destination's lock as a live run would (this test process is its owner)."""
    from ansible_collections.contentstack.personalize.plugins.module_utils import run_lock
    from ansible_collections.contentstack.personalize.plugins.module_utils.migrate_role import endpoint
    me = (os.getpid(), run_lock.process_start(os.getpid()))
    run_lock.acquire(endpoint(destination), "another-pipeline", me=me)
    return lambda: run_lock.release(endpoint(destination), "another-pipeline", me=me)


TABLE += ROWS_lock

BY_SURFACE = dict((s, [r for r in TABLE if r[1] == s]) for s in ("module", "lookup", "apply", "role"))


def test_the_table_is_the_single_list_of_bad_inputs():
    ids = [r[0] for r in TABLE]
    assert len(ids) == len(set(ids)), "row ids are unique"
    assert len(TABLE) >= 40
    assert all(BY_SURFACE[s] for s in BY_SURFACE), "every surface has rows"
    assert all(r[3] for r in TABLE), "every row names what its message must say"


# ----------------------------------------------------------------------------- modules
def api_post(emu, path, body):
    """A direct API call (outside the collection) to set up what the modules refuse to create."""
    req = urllib.request.Request(emu.url + path, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "x-project-uid": DEST["project_uid"],
        "authorization": "Bearer " + DEST["oauth_token"]})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def problems_of(run, log, rows, fail_words=None):
    problems = []
    for name, _surface, _input, fragments, _phase in rows:
        rec = run.task(name)
        msg = rec["result"].get("msg", "")
        if rec["status"] != "failed":
            problems.append("%s: did not fail: %s" % (name, rec["result"]))
            continue
        missing = [f for f in fragments if f not in msg]
        if missing:
            problems.append("%s: message lacks %s: %s" % (name, missing, msg))
        if run.writes(name, log):
            problems.append("%s: wrote %s" % (name, run.writes(name, log)))
    return problems


def test_module_rows(emulator, ansible_playbook):
    # Two audiences with one name, made directly through the API (which does not forbid it).
    same = [api_post(emulator, "/audiences", {"name": "Same name", "description": "copy %d" % i, "definition": {
        "__type": "RuleCombination", "combinationType": "AND", "rules": []}})["uid"] for i in (1, 2)]
    setup = [
        task("known audience", "personalize_audience", {"name": "Known", "definition": {
            "rules": [rule({"preset": "COUNTRY"}, "CA")]}}),
        task("segmented", "personalize_experience", {"name": "Seg", "type": "segmented"}),
        task("ab test", "personalize_experience", {"name": "AB", "type": "ab_test"}),
    ]
    rows = BY_SURFACE["module"]
    tasks = setup + [failing(name, module, args) for name, _surface, (module, args), _words, _phase in rows]
    # Negative control for module_defaults: the same module in a play without the group's
    # defaults has no connection at all (the runner clears CONTENTSTACK_* from the environment).
    bare = {"name": "no defaults", "hosts": "localhost", "gather_facts": False,
            "tasks": [failing("without module_defaults", "personalize_attribute", {"key": "k"})]}
    mark = emulator.mark()
    run = ansible_playbook([play(emulator, tasks), bare])
    assert run.rc == 0, run.stdout + run.stderr
    assert run.task("without module_defaults")["status"] == "failed"
    assert "no credentials" in run.result("without module_defaults")["msg"]
    assert run.requests("without module_defaults", emulator.log()) == []
    assert_ok(run, *[t["name"] for t in setup])
    log = emulator.log()
    problems = problems_of(run, log, rows)
    assert not problems, "\n".join(problems)
    # The ambiguity messages list the uids of both audiences.
    for name in ("ambiguous audience", "ambiguous audience absent", "variant ambiguous audience"):
        msg = run.result(name)["msg"]
        assert all(uid in msg for uid in same), (name, msg)
    # In the whole run, the only writes are the setup's three creations; the source is untouched.
    writes = [e for e in emulator.log(mark) if e["method"] in WRITE_METHODS]
    assert [(e["method"], e["path"]) for e in writes] == [
        ("POST", "/audiences"), ("POST", "/experiences"), ("POST", "/experiences")], writes
    assert not [e for e in emulator.log() if e["project"] == SOURCE["project_uid"]]
    after = dest(emulator)
    assert sorted(a["name"] for a in after["audiences"]) == ["Known", "Same name", "Same name"]
    assert after["attributes"] == [] and after["events"] == []
    assert sorted(x["name"] for x in after["experiences"]) == ["AB", "Seg"]


# ----------------------------------------------------------------------------- the lookup
def test_lookup_rows(emulator, ansible_playbook):
    rows = BY_SURFACE["lookup"]
    tasks = []
    for name, _surface, (term, options), _words, _phase in rows:
        conn = {"api_url": emulator.url, "project_uid": SOURCE["project_uid"], "authtoken": SOURCE["authtoken"],
                "rate_limit": 0}
        conn.update(options)
        kwargs = ", ".join("%s=%s" % (k, json.dumps(v)) for k, v in sorted(conn.items()) if v is not None)
        tasks.append({"name": name, "ansible.builtin.set_fact": {
            "value": "{{ query('%s', %s, %s) }}" % (LOOKUP, json.dumps(term), kwargs)}, "ignore_errors": True})
    playbook = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
                 "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
    run = ansible_playbook(playbook)
    assert run.rc == 0, run.stdout + run.stderr
    problems = problems_of(run, emulator.log(), rows)
    assert not problems, "\n".join(problems)
    assert emulator.writes() == []
    assert BAD_TOKEN not in run.stdout + run.stderr and NOBODY_TOKEN not in run.stdout + run.stderr


# ----------------------------------------------------------------------------- apply.yml
KINDS = ("attributes", "events", "audiences", "experiences", "versions", "priority")


@pytest.mark.parametrize("row", BY_SURFACE["apply"], ids=[r[0] for r in BY_SURFACE["apply"]])
def test_apply_rows(emulator, ansible_playbook, tmp_path, row):
    name, _surface, change, fragments, _phase = row
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "project.yml").write_text("schema_version: 1\nkinds: [%s]\n" % ", ".join(KINDS))
    (folder / "attributes.yml").write_text("attributes:\n- key: from_file\n  name: From a file\n  description: ''\n")
    for kind in KINDS[1:]:
        (folder / ("%s.yml" % kind)).write_text("%s: []\n" % kind)
    if change[0] == "remove":
        (folder / change[1]).unlink()
    else:
        (folder / change[1]).write_text(change[2])
    run = ansible_playbook(str(ROOT / "playbooks" / "apply.yml"), extra_vars={
        "personalize_api_url": emulator.url, "personalize_project_uid": DEST["project_uid"],
        "personalize_oauth_token": DEST["oauth_token"], "personalize_rate_limit": 0,
        "personalize_export_dir": str(folder)})
    assert run.rc != 0
    failed = [t for t in run.tasks if t["status"] == "failed"]
    assert failed, run.stdout
    text = json.dumps(failed[-1]["result"])  # the task that stopped the run
    assert all(f in text for f in fragments), (fragments, text)
    assert emulator.log() == [], "nothing is even read from the API before the files are checked"


# ----------------------------------------------------------------------------- the copy role
def dangling_seed():
    """The retail seed with one variant naming an audience uid the project does not have (the
    seed loader does not validate; the API would refuse to create it)."""
    seed = json.loads((ROOT / "tests" / "emulator" / "seeds" / "retail.json").read_text())
    project = seed["projects"][0]
    exp = [x for x in project["experiences"] if x["name"] == "Summer Sale Banner"][0]
    exp["versions"][-1]["variants"][0]["audiences"] = [HEX_UNKNOWN]
    return seed


@pytest.mark.parametrize("row", BY_SURFACE["role"], ids=[r[0] for r in BY_SURFACE["role"]])
def test_role_rows(tmp_path, row):
    name, _surface, change, fragments, phase = row
    with Pair(tmp_path, rate_limit=0) as pair:
        if change.get("_source_seed") == "dangling-audience":
            pair.source.reset(dangling_seed())
        variables = copy_vars(pair, tmp_path / "report")
        release = hold_lock(variables["migrate_destination"]) if change.get("_lock") == "held" else None
        for key, value in change.items():
            if key.startswith("_"):
                continue
            if value == "SOURCE":
                variables[key] = dict(variables["migrate_source"])
            elif key in ("migrate_source", "migrate_destination"):
                variables[key] = dict(variables[key], **value)
                variables[key] = dict((k, v) for k, v in variables[key].items() if v is not None)
            else:
                variables[key] = value
        run = run_playbook(tmp_path, MIGRATE, variables)
        if release:
            release()
        assert run.rc != 0, run.stdout[-3000:]
        assert pair.source.writes() == [] and pair.dest.writes() == [], "no write, on either side"
        failed = run.failed_tasks()
        assert failed, run.stdout[-3000:]
        stopped = failed[-1]  # the task that stopped the run (a rescued read failed before it)
        task_name = stopped["name"].split(" : ", 1)[-1]
        if phase == "arg spec":
            assert task_name.startswith("Validating arguments against arg spec"), task_name
        else:
            assert task_name.startswith(phase), task_name
        text = json.dumps(stopped["result"])
        assert all(f in text for f in fragments), (fragments, stopped["result"].get("msg"))
        assert not (tmp_path / "report" / "report.json").exists()
        for token in (BAD_TOKEN, NOBODY_TOKEN):
            assert token not in run.stdout + run.stderr


def test_an_item_the_api_refuses_is_named_with_what_was_written_before_it(emulator, ansible_playbook):
    """Match conditions are the API's to check (the reference calls its list incomplete), so an
    unknown one reaches the API: the error names the audience, the call and the API's field, and
    says how many changes of the task had been written before it."""
    items = [{"name": "Aud fine", "definition": {"combinationType": "AND", "rules": [rule({"preset": "COUNTRY"})]}},
             {"name": "Aud Z", "definition": {"combinationType": "AND", "rules": [
                 dict(rule({"preset": "COUNTRY"}), attributeMatchCondition="SOUNDS_LIKE")]}}]
    run = ansible_playbook(play(emulator, [task("refused", "personalize_audience", {"items": items})]))
    assert run.rc != 0
    message = run.result("refused")["msg"]
    assert message.startswith("audience 'Aud Z': POST /audiences returned 400"), message
    assert "attributeMatchCondition" in message and "1 change(s) of this task were written before it" in message
    names = [a["name"] for a in dest(emulator)["audiences"]]
    assert "Aud fine" in names and "Aud Z" not in names
