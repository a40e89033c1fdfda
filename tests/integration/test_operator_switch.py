"""The operator's switch: personalize_version with only a status pauses, resumes or activates what an
experience holds, by its name, without restating its content.

Measured from the emulator's request log (per task) and its stored versions. The emulator refuses a
PUT on a live version whose variants, metrics or targeting differ from the stored ones
(CANNOT_UPDATE_LOCKED_VERSION), so a PUT answered 200 on the live version's own uid carried the
live content unchanged; the stored version is compared field by field as well.
"""

from conftest import SOURCE
from modhelp import GROUP, assert_no_writes, assert_ok, task, write_calls

M = "personalize_version"
AB = "Checkout Button Color Test"        # retail seed: ACTIVE, with metrics and targeting
PAUSED = "Summer Sale Banner"            # retail seed: PAUSED
DRAFT_ONLY = "Newsletter Signup Prompt"  # retail seed: one DRAFT with variants, never activated


def source_play(emu, tasks):
    return {"name": "operator", "hosts": "localhost", "gather_facts": False,
            "module_defaults": {GROUP: {"api_url": emu.url, "project_uid": SOURCE["project_uid"],
                                        "authtoken": SOURCE["authtoken"], "rate_limit": 0}},
            "tasks": tasks}


def stored(emu, name):
    project = emu.state()["projects"][SOURCE["project_uid"]]
    [exp] = [e for e in project["experiences"] if e["name"] == name]
    return exp["uid"], dict((v["uid"], v) for v in project["versions"][exp["uid"]])


def content(version):
    return dict((k, version.get(k)) for k in ("variants", "metrics", "targeting", "variantSplit"))


def test_pause_and_resume_by_name_keep_the_live_version(emulator, ansible_playbook):
    exp_uid, before = stored(emulator, AB)
    [live_uid] = [u for u, v in before.items() if v["status"] == "ACTIVE"]
    steps = [("pause", "paused"), ("resume", "active")]
    tasks = []
    for name, status in steps:
        args = {"experience": AB, "status": status}
        tasks += [task("check " + name, M, args, check_mode=True, diff=True),
                  task(name, M, args, diff=True), task(name + " again", M, args)]
    run = ansible_playbook(source_play(emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    assert_ok(run, *[t["name"] for t in tasks])
    log = emulator.log()
    res = run.result
    path = "/experiences/%s/versions/%s" % (exp_uid, live_uid)
    for name, status in steps:
        change = {"pause": "paused", "resume": "resumed"}[name]
        assert write_calls(run, name, log) == [("PUT", path, 200)], name
        assert res(name)["version_changes"] == [{"change": change, "version": live_uid}], name
        # check mode predicts the same call and writes nothing; the diff shows only the status move
        assert res("check " + name)["changed"] is True
        assert res("check " + name)["version_changes"] == [{"change": change, "version": live_uid}]
        for shown in (res("check " + name)["diff"], res(name)["diff"]):
            old, new = shown["before"]["versions"][0], shown["after"]["versions"][0]
            assert new["status"] == status and old["status"] != status
            assert dict(old, status=None) == dict(new, status=None)
        assert res(name + " again")["changed"] is False
        assert_no_writes(run, log, "check " + name, name + " again")
    # The same version, its variants (shortUids), metrics and targeting as they were; no new version.
    _uid, after = stored(emulator, AB)
    assert sorted(after) == sorted(before)
    assert content(after[live_uid]) == content(before[live_uid]) and after[live_uid]["status"] == "ACTIVE"
    assert after[live_uid]["metrics"] and after[live_uid]["targeting"]["audience"]["audiences"]


def test_resume_a_paused_and_activate_a_draft_by_name(emulator, ansible_playbook):
    paused_uid, paused_before = stored(emulator, PAUSED)
    draft_exp, draft_before = stored(emulator, DRAFT_ONLY)
    tasks = [task("resume", M, {"items": [{"experience": PAUSED, "status": "active"},
                                          {"experience": DRAFT_ONLY, "status": "active"}]}),
             task("again", M, {"items": [{"experience": PAUSED, "status": "active"},
                                         {"experience": DRAFT_ONLY, "status": "active"}]})]
    run = ansible_playbook(source_play(emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    [(vuid, _v)] = paused_before.items()
    [(duid, _d)] = draft_before.items()
    assert sorted(write_calls(run, "resume", log)) == sorted([
        ("PUT", "/experiences/%s/versions/%s" % (paused_uid, vuid), 200),
        ("PUT", "/experiences/%s/versions/%s" % (draft_exp, duid), 200)])
    assert [r["version_changes"][0]["change"] for r in run.result("resume")["results"]] == ["resumed", "activated"]
    assert_no_writes(run, log, "again")
    for exp, before in ((PAUSED, paused_before), (DRAFT_ONLY, draft_before)):
        _uid, after = stored(emulator, exp)
        [(uid, version)] = after.items()
        assert version["status"] == "ACTIVE" and content(version) == content(before[uid])


def test_status_alone_refuses_what_it_cannot_do_before_any_write(emulator, ansible_playbook):
    run = ansible_playbook(source_play(emulator, [
        task("pause a draft", M, {"items": [{"experience": PAUSED, "status": "active"},
                                            {"experience": DRAFT_ONLY, "status": "paused"}]}, ignore_errors=True)]))
    rec = run.task("pause a draft")
    assert rec["status"] == "failed"
    assert "experience 'Newsletter Signup Prompt' has no live version to pause" in rec["result"]["msg"]
    assert emulator.writes() == []
