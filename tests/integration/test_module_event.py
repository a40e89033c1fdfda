"""personalize_event through a real ansible-playbook run against the emulator."""

from modhelp import assert_no_writes, assert_ok, dest, play, task, write_calls


def test_event_lifecycle(emulator, ansible_playbook):
    m = "personalize_event"
    tasks = [
        task("check create", m, {"key": "add_to_cart", "description": "cart adds"}, check_mode=True),
        task("create", m, {"key": "add_to_cart", "description": "cart adds"}),
        task("re-apply", m, {"key": "add_to_cart", "description": "cart adds"}),
        task("change", m, {"key": "add_to_cart", "name": "Add to cart", "description": "cart adds"}, diff=True),
        task("re-apply change", m, {"key": "add_to_cart", "name": "Add to cart"}),
        task("absent", m, {"key": "add_to_cart", "state": "absent"}),
        task("absent again", m, {"key": "add_to_cart", "state": "absent"}),
    ]
    run = ansible_playbook(play(emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    assert_ok(run, *[t["name"] for t in tasks])
    res = run.result

    assert res("check create")["changed"] is True
    # name defaults to the key (decision 6), predicted the same way the server stores it.
    assert res("check create")["event"] == {"key": "add_to_cart", "name": "add_to_cart", "description": "cart adds"}
    assert_no_writes(run, log, "check create")

    assert write_calls(run, "create", log) == [("POST", "/events", 201)]
    uid = res("create")["uid"]
    assert res("create")["event"] == res("check create")["event"], "check mode predicted what the server stored"

    assert res("re-apply")["changed"] is False
    diff = res("change")["diff"]
    assert diff["before"] == {"key": "add_to_cart", "name": "add_to_cart", "description": "cart adds"}
    assert diff["after"] == {"key": "add_to_cart", "name": "Add to cart", "description": "cart adds"}
    assert write_calls(run, "change", log) == [("PUT", "/events/" + uid, 200)]
    assert res("re-apply change")["changed"] is False
    assert_no_writes(run, log, "re-apply", "re-apply change")

    assert write_calls(run, "absent", log) == [("DELETE", "/events/" + uid, 204)]
    assert res("absent again")["changed"] is False
    assert_no_writes(run, log, "absent again")
    assert dest(emulator)["events"] == []
