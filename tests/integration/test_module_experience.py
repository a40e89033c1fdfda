"""personalize_experience through a real ansible-playbook run against the emulator."""

from modhelp import assert_no_writes, assert_ok, dest, failing, play, task, write_calls


def test_experience_lifecycle(emulator, ansible_playbook):
    m = "personalize_experience"
    args = {"name": "Homepage hero", "type": "segmented", "description": "hero"}
    tasks = [
        task("check create", m, args, check_mode=True),
        task("create", m, args),
        task("re-apply", m, args),
        task("re-apply name only", m, {"name": "Homepage hero"}),
        task("change", m, dict(args, description="hero by tier"), diff=True),
        failing("change type", m, dict(args, type="ab_test")),
        task("check absent", m, {"name": "Homepage hero", "state": "absent"}, check_mode=True),
        task("absent", m, {"name": "Homepage hero", "state": "absent"}),
        task("absent again", m, {"name": "Homepage hero", "state": "absent"}),
    ]
    run = ansible_playbook(play(emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    assert_ok(run, *[t["name"] for t in tasks if t["name"] != "change type"])
    res = run.result

    assert res("check create")["changed"] is True
    assert res("check create")["experience"] == {"name": "Homepage hero", "type": "segmented", "description": "hero",
                                                 "tags": []}
    assert_no_writes(run, log, "check create", "check absent")

    assert write_calls(run, "create", log) == [("POST", "/experiences", 201)]
    uid = res("create")["uid"]
    assert res("create")["experience"] == res("check create")["experience"]

    for name in ("re-apply", "re-apply name only"):
        assert res(name)["changed"] is False, name
    assert_no_writes(run, log, "re-apply", "re-apply name only")

    diff = res("change")["diff"]
    assert diff["before"] == {"name": "Homepage hero", "type": "segmented", "description": "hero", "tags": []}
    assert diff["after"] == {"name": "Homepage hero", "type": "segmented", "description": "hero by tier", "tags": []}
    assert write_calls(run, "change", log) == [("PUT", "/experiences/" + uid, 200)]

    assert run.task("change type")["status"] == "failed"
    msg = res("change type")["msg"]
    assert "experience 'Homepage hero'" in msg and "type" in msg and "replace" in msg, msg
    assert_no_writes(run, log, "change type")

    assert res("check absent")["changed"] is True
    assert write_calls(run, "absent", log) == [("DELETE", "/experiences/" + uid, 204)]
    assert res("absent again")["changed"] is False
    assert_no_writes(run, log, "absent again")
    assert dest(emulator)["experiences"] == []


def test_experience_replace_changes_type(emulator, ansible_playbook):
    m = "personalize_experience"
    run = ansible_playbook(play(emulator, [
        task("create", m, {"name": "Test", "type": "segmented"}),
        task("replace", m, {"name": "Test", "type": "ab_test", "replace": True}),
        task("replace again", m, {"name": "Test", "type": "ab_test", "replace": True}),
    ]))
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    assert [w[0] for w in write_calls(run, "replace", log)] == ["DELETE", "POST"]
    assert run.result("replace again")["changed"] is False
    assert_no_writes(run, log, "replace again")
    [exp] = dest(emulator)["experiences"]
    assert exp["__type"] == "AB_TEST" and exp["uid"] == run.result("replace")["uid"]


def test_experience_tags_are_set_kept_on_other_updates_and_changed(emulator, ansible_playbook):
    """The API replaces experience-level fields on PUT: an update that does not name the tags
    keeps them (the module sends the current ones), and giving tags changes only them."""
    m = "personalize_experience"
    run = ansible_playbook(play(emulator, [
        task("create", m, {"name": "Sale", "tags": ["seasonal", "banner"]}),
        task("re-apply", m, {"name": "Sale", "tags": ["seasonal", "banner"]}),
        task("describe", m, {"name": "Sale", "description": "summer"}),
        task("retag", m, {"name": "Sale", "tags": ["seasonal"]}),
        failing("bad tags", m, {"items": [{"name": "Sale", "tags": [{"x": 1}]}]}),
    ]))
    log = emulator.log()
    [exp] = dest(emulator)["experiences"]
    assert run.result("create")["experience"]["tags"] == ["seasonal", "banner"]
    assert run.result("re-apply")["changed"] is False
    assert_no_writes(run, log, "re-apply")
    assert run.result("describe")["experience"] == {"name": "Sale", "type": "segmented", "description": "summer",
                                                    "tags": ["seasonal", "banner"]}
    assert run.result("retag")["changed"] is True
    assert exp["tags"] == ["seasonal"] and exp["description"] == "summer"
    assert run.task("bad tags")["status"] == "failed"
    assert "experience 'Sale': tags must be a list of strings" in run.result("bad tags")["msg"]
    assert_no_writes(run, log, "bad tags")
