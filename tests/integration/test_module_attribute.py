"""personalize_attribute through real ansible-playbook runs against the emulator."""

from modhelp import assert_no_writes, assert_ok, dest, play, task, write_calls


def test_attribute_lifecycle(emulator, ansible_playbook):
    m = "personalize_attribute"
    tasks = [
        task("check create", m, {"key": "loyalty_tier", "name": "Loyalty tier"}, check_mode=True),
        task("create", m, {"key": "loyalty_tier", "name": "Loyalty tier", "description": "tiers"}),
        task("re-apply", m, {"key": "loyalty_tier", "name": "Loyalty tier", "description": "tiers"}),
        task("re-apply only key", m, {"key": "loyalty_tier"}),
        task("check change", m, {"key": "loyalty_tier", "name": "Loyalty level"}, check_mode=True, diff=True),
        task("change", m, {"key": "loyalty_tier", "name": "Loyalty level"}, diff=True),
        task("check absent", m, {"key": "loyalty_tier", "state": "absent"}, check_mode=True),
        task("absent", m, {"key": "loyalty_tier", "state": "absent"}, diff=True),
        task("absent again", m, {"key": "loyalty_tier", "state": "absent"}),
    ]
    run = ansible_playbook(play(emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    assert_ok(run, *[t["name"] for t in tasks])
    res = run.result

    # --check on the empty project: predicts the object, writes nothing, reads something.
    assert res("check create")["changed"] is True
    assert res("check create")["action"] == "create"
    assert res("check create")["attribute"] == {"key": "loyalty_tier", "name": "Loyalty tier", "description": ""}
    assert res("check create")["uid"] is None
    assert "diff" not in res("check create")
    assert run.requests("check create", log), "check mode should read the project"
    assert_no_writes(run, log, "check create")

    assert res("create")["changed"] is True
    assert write_calls(run, "create", log) == [("POST", "/attributes", 201)]
    uid = res("create")["uid"]
    assert uid and len(uid) == 24
    assert "diff" not in res("create"), "a diff is returned only when asked for"

    for name in ("re-apply", "re-apply only key"):
        assert res(name)["changed"] is False, name
        assert res(name)["uid"] == uid
    assert_no_writes(run, log, "re-apply", "re-apply only key")

    for name in ("check change", "change"):
        diff = res(name)["diff"]
        assert diff["before"] == {"key": "loyalty_tier", "name": "Loyalty tier", "description": "tiers"}, name
        assert diff["after"] == {"key": "loyalty_tier", "name": "Loyalty level", "description": "tiers"}, name
        assert res(name)["changed"] is True
    assert res("change")["changed_fields"] == ["name"]
    assert_no_writes(run, log, "check change")
    assert write_calls(run, "change", log) == [("PUT", "/attributes/" + uid, 200)]

    assert res("check absent")["changed"] is True
    assert_no_writes(run, log, "check absent")
    assert res("absent")["changed"] is True
    assert res("absent")["diff"]["after"] == {}
    assert res("absent")["diff"]["before"]["name"] == "Loyalty level"
    assert write_calls(run, "absent", log) == [("DELETE", "/attributes/" + uid, 204)]
    assert res("absent again")["changed"] is False
    assert_no_writes(run, log, "absent again")
    assert dest(emulator)["attributes"] == []


def test_attribute_items_form_and_cli_check(emulator, ansible_playbook):
    """The list form, under the CLI's --check and --diff (not task keywords)."""
    m = "personalize_attribute"
    items = [{"key": "a1", "name": "A one"}, {"key": "a2"}]
    tasks = [task("items", m, {"items": items})]
    checked = ansible_playbook(play(emulator, tasks), check=True, diff=True)
    assert checked.rc == 0, checked.stdout + checked.stderr
    r = checked.result("items")
    assert r["changed"] is True and r["summary"] == {"created": 2}
    assert [d["after"]["key"] for d in r["diff"]] == ["a1", "a2"]
    assert emulator.writes() == []
    assert dest(emulator)["attributes"] == []

    applied = ansible_playbook(play(emulator, tasks + [task("items again", m, {"items": items})]))
    assert applied.rc == 0, applied.stdout + applied.stderr
    log = emulator.log()
    assert applied.result("items")["summary"] == {"created": 2}
    assert len(applied.writes("items", log)) == 2
    assert applied.result("items again")["changed"] is False
    assert applied.result("items again")["summary"] == {"unchanged": 2}
    assert_no_writes(applied, log, "items again")
    assert sorted((a["key"], a["name"]) for a in dest(emulator)["attributes"]) == [("a1", "A one"), ("a2", "a2")]
