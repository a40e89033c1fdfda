"""Valid inputs of the strict portable types, handled correctly through a real ansible-playbook run
(the refusals are rows of test_bad_input_table.py): Ansible's boolean strings are converted, not
read as truthy, so ``invertCondition: "false"`` stores an audience that is not inverted."""

from modhelp import assert_ok, dest, play, task


def rule(invert):
    return {"attribute": {"preset": "COUNTRY"}, "attributeMatchCondition": "STRING_EQUALS",
            "attributeMatchOptions": {"__type": "StringMatchOptions", "value": "CA"}, "invertCondition": invert}


def test_boolean_strings_are_converted_not_truthy(emulator, ansible_playbook):
    tasks = [
        task("string false", "personalize_audience", {"items": [
            {"name": "Not inverted", "definition": {"rules": [rule("false")]}},
            {"name": "Inverted", "definition": {"rules": [rule("yes")]}}]}),
        task("again with booleans", "personalize_audience", {"items": [
            {"name": "Not inverted", "definition": {"rules": [rule(False)]}},
            {"name": "Inverted", "definition": {"rules": [rule(True)]}}]}),
        task("experience", "personalize_experience", {"name": "E", "type": "segmented"}),
        task("replace given as a string", "personalize_experience", {"items": [
            {"name": "E", "type": "segmented", "replace": "no"}]}),
    ]
    run = ansible_playbook(play(emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    assert_ok(run, *[t["name"] for t in tasks])
    stored = dict((a["name"], a["definition"]["rules"][0]["invertCondition"]) for a in dest(emulator)["audiences"])
    assert stored == {"Not inverted": False, "Inverted": True}
    assert run.result("string false")["changed"]
    assert not run.result("again with booleans")["changed"], "the strings meant exactly these booleans"
    assert not run.result("replace given as a string")["changed"]
