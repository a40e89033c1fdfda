"""personalize_audience through a real ansible-playbook run against the emulator."""

from modhelp import assert_no_writes, assert_ok, dest, play, task, write_calls


def rule(key, value, preset=False):
    return {
        "attribute": {"preset": key} if preset else {"key": key},
        "attributeMatchCondition": "STRING_EQUALS",
        "attributeMatchOptions": {"__type": "StringMatchOptions", "value": value},
    }


def test_audience_lifecycle(emulator, ansible_playbook):
    m = "personalize_audience"
    gold = {"combinationType": "OR", "rules": [rule("loyalty_tier", "gold"), rule("COUNTRY", "CA", preset=True)]}
    platinum = {"combinationType": "OR", "rules": [rule("loyalty_tier", "platinum"), rule("COUNTRY", "CA", preset=True)]}
    args = {"name": "Gold members", "description": "tier gold", "definition": gold}
    tasks = [
        task("attribute", "personalize_attribute", {"key": "loyalty_tier"}),
        task("check create", m, args, check_mode=True),
        task("create", m, args),
        task("re-apply", m, args),
        task("re-apply api form", m, {"name": "Gold members", "definition": {
            "__type": "RuleCombination", "combinationType": "OR", "rules": [
                dict(rule("loyalty_tier", "gold"), __type="Rule", invertCondition=False,
                     attribute={"__type": "CustomAttributeReference", "ref": "loyalty_tier"}),
                dict(rule("COUNTRY", "CA"), attribute={"__type": "PresetAttributeReference", "ref": "COUNTRY"})]}}),
        task("change", m, dict(args, definition=platinum), diff=True),
        task("re-apply change", m, dict(args, definition=platinum)),
        task("absent", m, {"name": "Gold members", "state": "absent"}),
        task("absent again", m, {"name": "Gold members", "state": "absent"}),
    ]
    run = ansible_playbook(play(emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    assert_ok(run, *[t["name"] for t in tasks])
    res = run.result
    attr_uid = res("attribute")["uid"]

    predicted = res("check create")["audience"]
    assert res("check create")["changed"] is True
    assert predicted["definition"]["rules"][0]["attribute"] == {"__type": "CustomAttributeReference", "ref": "loyalty_tier"}
    assert_no_writes(run, log, "check create")

    assert write_calls(run, "create", log) == [("POST", "/audiences", 201)]
    uid = res("create")["uid"]
    assert res("create")["audience"] == predicted, "check mode predicted what the server stored"

    for name in ("re-apply", "re-apply api form", "re-apply change"):
        assert res(name)["changed"] is False, name
    assert_no_writes(run, log, "re-apply", "re-apply api form", "re-apply change")

    diff = res("change")["diff"]
    assert diff["before"]["definition"]["rules"][0]["attributeMatchOptions"]["value"] == "gold"
    assert diff["after"]["definition"]["rules"][0]["attributeMatchOptions"]["value"] == "platinum"
    assert diff["before"]["definition"]["rules"][1] == diff["after"]["definition"]["rules"][1]
    assert res("change")["changed_fields"] == ["definition"]
    assert write_calls(run, "change", log) == [("PUT", "/audiences/" + uid, 200)]

    assert write_calls(run, "absent", log) == [("DELETE", "/audiences/" + uid, 204)]
    assert res("absent again")["changed"] is False
    assert_no_writes(run, log, "absent again")
    state = dest(emulator)
    assert state["audiences"] == []
    assert [a["uid"] for a in state["attributes"]] == [attr_uid]


def test_audience_stored_with_uids(emulator, ansible_playbook):
    """The rule written to the API references the attribute by uid, the preset by constant."""
    m = "personalize_audience"
    definition = {"combinationType": "AND", "rules": [rule("loyalty_tier", "gold"), rule("COUNTRY", "CA", preset=True)]}
    run = ansible_playbook(play(emulator, [
        task("attribute", "personalize_attribute", {"key": "loyalty_tier"}),
        task("create", m, {"name": "Gold", "definition": definition}),
    ]))
    assert run.rc == 0, run.stdout + run.stderr
    [audience] = dest(emulator)["audiences"]
    refs = [r["attribute"] for r in audience["definition"]["rules"]]
    assert refs == [{"__type": "CustomAttributeReference", "ref": run.result("attribute")["uid"]},
                    {"__type": "PresetAttributeReference", "ref": "COUNTRY"}]
