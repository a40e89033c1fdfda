"""Bad input fails clearly (names the field and the item) and writes nothing (emulator log)."""

import json
import urllib.request

from conftest import DEST
from modhelp import assert_ok, dest, failing, play, task


def api_post(emu, path, body):
    """A direct API call (outside the collection) to set up what the modules refuse to create."""
    req = urllib.request.Request(emu.url + path, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "x-project-uid": DEST["project_uid"],
        "authorization": "Bearer " + DEST["oauth_token"]})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def rule(attribute, value="x"):
    return {"attribute": attribute, "attributeMatchCondition": "STRING_EQUALS",
            "attributeMatchOptions": {"__type": "StringMatchOptions", "value": value}}


SEG = {"experience": "Seg", "status": "active"}
AB = {"experience": "AB", "status": "active"}

# name -> (module, args, [fragments the message must contain])
CASES = {
    "wrong type bool": ("personalize_attribute", {"key": "k1", "prune": "perhaps"}, ["prune", "bool"]),
    "wrong type in item": ("personalize_attribute", {"items": [{"key": "ok"}, {"key": "k2", "name": 5}]},
                           ["attribute 'k2'", "name", "must be a string, got int"]),
    "wrong type traffic": ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": "fifty"}, {"name": "B", "trafficDistribution": 50}]),
        ["variant 'A'", "trafficDistribution"]),
    "unknown experience type": ("personalize_experience", {"name": "E", "type": "multivariate"},
                                ["type", "multivariate", "ab_test"]),
    "unknown version status": ("personalize_version", dict(SEG, status="running", variants=[{"name": "V"}]),
                               ["status", "running"]),
    "unknown combination type": ("personalize_audience", {"name": "Aud X", "definition": {
        "combinationType": "XOR", "rules": [rule({"preset": "COUNTRY"})]}},
        ["audience 'Aud X'", "combinationType", "XOR"]),
    "unknown item state": ("personalize_event", {"items": [{"key": "e1", "state": "gone"}]},
                           ["event 'e1'", "state", "gone"]),
    "rule unknown attribute": ("personalize_audience", {"name": "Aud Y", "definition": {
        "combinationType": "AND", "rules": [rule({"key": "no_such_attribute"})]}},
        ["audience 'Aud Y'", "definition.rules[0].attribute", "no_such_attribute"]),
    "variant unknown audience": ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Known"]}, {"name": "V2", "audiences": ["Nobody here"]}]),
        ["experience 'Seg'", "variant 'V2'", "audiences", "Nobody here"]),
    "traffic not 100": ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": 60}, {"name": "B", "trafficDistribution": 30}]),
        ["experience 'AB'", "trafficDistribution", "90", "100"]),
    "metric unknown event": ("personalize_version", dict(AB, variants=[
        {"name": "A", "trafficDistribution": 50}, {"name": "B", "trafficDistribution": 50}],
        metrics=[{"name": "M", "event": "no_such_event"}]),
        ["experience 'AB'", "metrics[0]", "no_such_event"]),
    "empty variants": ("personalize_version", dict(SEG, variants=[]), ["experience 'Seg'", "variants", "non-empty"]),
    "duplicate key in items": ("personalize_attribute", {"items": [{"key": "dup"}, {"key": "other"}, {"key": "dup"}]},
                               ["attribute 'dup'", "twice", "0", "2"]),
    "duplicate name in items": ("personalize_audience", {"items": [
        {"name": "Twice", "definition": {"rules": [rule({"preset": "COUNTRY"})]}},
        {"name": "Twice", "state": "absent"}]}, ["audience 'Twice'", "twice"]),
    "preset attribute": ("personalize_attribute", {"key": "COUNTRY", "name": "Country"},
                         ["attribute 'COUNTRY'", "preset"]),
    "preset attribute absent": ("personalize_attribute", {"key": "DEVICE_TYPE", "state": "absent"},
                                ["attribute 'DEVICE_TYPE'", "preset"]),
    "ambiguous audience": ("personalize_audience", {"name": "Same name", "description": "x"},
                           ["audience 'Same name'", "ambiguous"]),
    "ambiguous audience absent": ("personalize_audience", {"name": "Same name", "state": "absent"},
                                  ["audience 'Same name'", "ambiguous"]),
    "variant ambiguous audience": ("personalize_version", dict(SEG, variants=[
        {"name": "V1", "audiences": ["Same name"]}]),
        ["experience 'Seg'", "variant 'V1'", "audiences", "audience 'Same name' is ambiguous"]),
    "both forms": ("personalize_attribute", {"key": "k", "items": [{"key": "k"}]}, ["key", "items"]),
    "missing identity": ("personalize_event", {"name": "no key"}, ["key", "items"]),
}


def test_bad_input_fails_clearly_with_zero_writes(emulator, ansible_playbook):
    # Two audiences with one name, made directly through the API (which does not forbid it).
    same = [api_post(emulator, "/audiences", {"name": "Same name", "description": "copy %d" % i, "definition": {
        "__type": "RuleCombination", "combinationType": "AND", "rules": []}})["uid"] for i in (1, 2)]
    setup = [
        task("known audience", "personalize_audience", {"name": "Known", "definition": {
            "rules": [rule({"preset": "COUNTRY"}, "CA")]}}),
        task("segmented", "personalize_experience", {"name": "Seg", "type": "segmented"}),
        task("ab test", "personalize_experience", {"name": "AB", "type": "ab_test"}),
    ]
    tasks = setup + [failing(name, module, args) for name, (module, args, _) in CASES.items()]
    # Negative control for module_defaults: the same module in a play without the group's
    # defaults has no connection at all (the runner clears CONTENTSTACK_* from the environment).
    bare = {"name": "no defaults", "hosts": "localhost", "gather_facts": False,
            "tasks": [failing("without module_defaults", "personalize_attribute", {"key": "k"})]}
    run = ansible_playbook([play(emulator, tasks), bare])
    assert run.rc == 0, run.stdout + run.stderr
    assert run.task("without module_defaults")["status"] == "failed"
    assert "no credentials" in run.result("without module_defaults")["msg"]
    assert run.requests("without module_defaults", emulator.log()) == []
    assert_ok(run, *[t["name"] for t in setup])
    log = emulator.log()
    before = dest(emulator)
    problems = []
    for name, (module, args, fragments) in CASES.items():
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
    assert not problems, "\n".join(problems)
    # The ambiguity messages list the uids of both audiences.
    for name in ("ambiguous audience", "ambiguous audience absent", "variant ambiguous audience"):
        msg = run.result(name)["msg"]
        assert all(uid in msg for uid in same), (name, msg)
    # Nothing of the failing tasks reached the project.
    assert sorted(a["name"] for a in before["audiences"]) == ["Known", "Same name", "Same name"]
    assert before["attributes"] == [] and before["events"] == []
