"""The copy role's variables given as -e strings (as ansible-playbook gets them from a command line)
behave exactly as the same values typed in YAML: one test per variable.

Most tests compare two check-mode runs between two emulators (the plan shows in what the tasks
would do: what would be pruned, selected, skipped); the report folder needs a real run. The
conversion itself is unit-tested in tests/unit/core/test_migrate_inputs.py."""

import json
import urllib.request

from reliability.copyrun import (
    DEST_ORG, DEST_PROJECT, DEST_TOKEN, EXPORT, LYTICS_AUDIENCE, MIGRATE, SOURCE_PROJECT, SOURCE_RO_TOKEN, Pair, copy_vars, run_playbook,
)

# What a run shows of its plan: each role task's status and, for a progress line, its message; for
# a module task, what it did or would do, item by item. Timings and the summary (which holds them)
# are left out.
MODULE_FIELDS = ("changed", "summary", "msg")


def observed(run):
    out = []
    for record in run.tasks:
        name, result = record["name"].split(" : ", 1)[-1], record["result"]
        if name.startswith(("Report |", "Gathering")):
            continue
        seen = {"status": record["status"]}
        if record["status"] == "failed" or name.endswith("progress") or "report what comes along" in name:
            seen["msg"] = result.get("msg")
        elif "results" in result and isinstance(result.get("results"), list):
            seen.update((k, result.get(k)) for k in MODULE_FIELDS)
            seen["items"] = [r.get("key") or r.get("name") or r.get("experience") for r in result["results"] if isinstance(r, dict)]
        out.append((name, seen))
    return out


def both_ways(tmp_path, typed, strings, check=True, prepare=None):
    """Two runs between fresh emulators: the variables ``typed`` as YAML values (in the -e @file),
    then ``strings`` as -e key=value arguments. Returns both runs."""
    runs = []
    for way, extra, args in (("typed", typed, []), ("strings", {}, [a for s in strings for a in ("-e", s)])):
        with Pair(tmp_path / way, rate_limit=0) as pair:
            if prepare:
                prepare(pair)
            mark = pair.dest.mark()
            variables = copy_vars(pair, tmp_path / way / "report", **extra)
            run = run_playbook(tmp_path / way, MIGRATE, variables, args=(["--check"] if check else []) + args)
            assert "Traceback" not in run.stdout + run.stderr
            if check:
                assert pair.dest.writes(mark) == [], "check mode writes nothing"
            runs.append(run)
    return runs


def assert_same(runs):
    typed, strings = (observed(r) for r in runs)
    assert typed == strings
    assert runs[0].rc == runs[1].rc
    return typed


def task(seen, start):
    matches = [s for name, s in seen if name.startswith(start)]
    assert matches, start
    return matches[0]


def stale_event(pair):
    req = urllib.request.Request(pair.dest.url + "/events", method="POST", data=json.dumps({
        "key": "stale_event", "name": "Stale"}).encode(), headers={
        "authorization": "Bearer " + DEST_TOKEN, "x-project-uid": DEST_PROJECT, "organization_uid": DEST_ORG,
        "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def test_prune_false_as_a_string_prunes_nothing(tmp_path):
    seen = assert_same(both_ways(tmp_path / "off", {"migrate_prune": False}, ["migrate_prune=false"], prepare=stale_event))
    assert task(seen, "Prune | what the source does not have")["status"] == "skipped"
    assert not [name for name, s in seen if name.startswith("Prune | events")], "no prune task runs"
    assert "prune: off" in task(seen, "Prune | priority and prune | progress")["msg"]
    assert not [name for name, s in seen if name.startswith("Prune |") and s.get("changed")]


def test_prune_true_as_a_string_would_prune(tmp_path):
    seen = assert_same(both_ways(tmp_path / "on", {"migrate_prune": True}, ["migrate_prune=yes"], prepare=stale_event))
    would = task(seen, "Prune | events")
    assert would["changed"] and would["items"] == ["stale_event"]


def test_allow_skips_false_as_a_string_refuses_the_lytics_audience(tmp_path):
    runs = both_ways(tmp_path, {"migrate_allow_skips": False}, ["migrate_allow_skips=false"])
    seen = assert_same(runs)
    assert runs[1].rc != 0
    refused = task(seen, "Validate | stop on any problem")
    assert refused["status"] == "failed" and LYTICS_AUDIENCE in refused["msg"]


def test_include_as_a_string_is_one_pattern(tmp_path):
    seen = assert_same(both_ways(tmp_path, {"migrate_include": ["Checkout*"]}, ["migrate_include=Checkout*"]))
    assert "1 experiences" in task(seen, "Validate | progress")["msg"][0]
    assert task(seen, "Load | experiences")["items"] == ["Checkout Button Color Test"]


def test_exclude_as_a_string_is_one_pattern(tmp_path):
    seen = assert_same(both_ways(tmp_path, {"migrate_exclude": ["Homepage*"]}, ["migrate_exclude=Homepage*"]))
    experiences = task(seen, "Load | experiences")["items"]
    assert len(experiences) == 5 and "Homepage Hero by Loyalty" not in experiences


def test_limits_as_a_key_value_string(tmp_path):
    runs = both_ways(tmp_path, {"migrate_limits": {"audiences": 5}}, ["migrate_limits=audiences=5"])
    seen = assert_same(runs)
    assert "10 audiences would exceed the destination's limit of 5" in task(seen, "Validate | stop on any problem")["msg"]


def test_activation_as_a_string(tmp_path):
    seen = assert_same(both_ways(tmp_path, {"migrate_activation": "draft"}, ["migrate_activation=draft"]))
    assert "activation draft" in task(seen, "Validate | progress")["msg"][0]


def test_source_and_destination_as_json_strings(tmp_path):
    def compact(value):
        return json.dumps(value, separators=(",", ":"))

    runs = []
    for way in ("typed", "strings"):
        with Pair(tmp_path / way, rate_limit=0) as pair:
            variables = copy_vars(pair, tmp_path / way / "report")
            variables["migrate_source"]["validate_certs"] = False
            variables["migrate_destination"]["timeout"] = 20
            args = ["--check"]
            if way == "strings":
                source = dict(variables.pop("migrate_source"), validate_certs="false")
                destination = dict(variables.pop("migrate_destination"), timeout="20")
                args += ["-e", "migrate_source=" + compact(source), "-e", "migrate_destination=" + compact(destination)]
            run = run_playbook(tmp_path / way, MIGRATE, variables, args=args)
            assert run.rc == 0, run.failure()
            assert pair.dest.writes() == [] and pair.source.writes() == []
            assert len([e for e in pair.dest.log() if e["method"] == "GET"]) > 0, "the destination was read"
            runs.append(run)
    seen = assert_same(runs)
    assert task(seen, "Load | experiences")["summary"] == {"created": 6}


def test_report_dir_as_a_string_with_a_tilde(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with Pair(tmp_path / "run", rate_limit=0) as pair:
        variables = copy_vars(pair, tmp_path / "unused", migrate_include=["Checkout*"])
        del variables["migrate_report_dir"]
        run = run_playbook(tmp_path / "run", MIGRATE, variables, args=["-e", "migrate_report_dir=~/reports"],
                           env={"HOME": str(home)})
        assert run.rc == 0, run.failure()
    report = json.loads((home / "reports" / "report.json").read_text())
    assert report["verify"] == "ok"
    assert (home / "reports" / "uid-map.json").exists()
    assert not (tmp_path / "run" / "~").exists(), "the tilde is expanded as for a path argument"


def test_export_refuses_a_file_as_its_folder_before_reading(tmp_path):
    afile = tmp_path / "not-a-folder"
    afile.write_text("keep me\n")
    with Pair(tmp_path / "emu", rate_limit=0) as pair:
        run = run_playbook(tmp_path, EXPORT, {"personalize_api_url": pair.source.url, "personalize_project_uid": SOURCE_PROJECT,
                                              "personalize_authtoken": SOURCE_RO_TOKEN},
                           args=["-e", "personalize_export_dir=%s" % afile])
        assert run.rc != 0
        assert "personalize_export_dir: %s exists and is not a folder" % afile in run.failure()
        assert pair.source.log() == [], "nothing is read"
    assert afile.read_text() == "keep me\n"
