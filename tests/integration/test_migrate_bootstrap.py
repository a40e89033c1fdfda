"""Bootstrap: the copy role given a destination organization and project name, not a project uid.

The project does not exist yet. Check mode predicts it and the whole copy with no write; the real
run creates the project (after validate, before the first load task) and copies into it; a second
run changes nothing.
"""

import json

from conftest import DEST, ROOT, SOURCE, WRITE_METHODS

MIGRATE = str(ROOT / "playbooks" / "migrate.yml")
NAME = "Acme Retail EU (bootstrap)"


def variables(emu, tmp_path):
    return {
        "migrate_source": {"api_url": emu.url, "project_uid": SOURCE["project_uid"],
                           "authtoken": SOURCE["readonly_authtoken"], "organization_uid": SOURCE["org"],
                           "allow_http": True},
        "migrate_destination": {"api_url": emu.url, "organization_uid": DEST["org"], "project_name": NAME,
                                "project_description": "made by the copy role", "oauth_token": DEST["oauth_token"],
                                "allow_http": True},
        "migrate_allow_skips": True,
        "migrate_report_dir": str(tmp_path / "report"),
    }


def writes(log):
    return [e for e in log if e["method"] in WRITE_METHODS]


def projects_named(emu, name):
    return [p["project"] for p in emu.state()["projects"].values() if p["project"]["name"] == name]


def test_copy_into_a_project_that_does_not_exist_yet(emulator, ansible_playbook, tmp_path):
    emu = emulator
    extra = variables(emu, tmp_path)

    # 1. check mode: nothing written, the project and everything in it predicted
    mark = emu.mark()
    check = ansible_playbook(MIGRATE, check=True, extra_vars=extra)
    assert check.rc == 0, check.stdout[-4000:]
    assert writes(emu.log(mark)) == []
    assert projects_named(emu, NAME) == []
    assert "check mode: project '%s' would be created, then everything in it" % NAME in check.stdout
    assert "Homepage Hero by Loyalty" in check.stdout

    # 2. the real run creates the project, then copies into it
    mark = emu.mark()
    run = ansible_playbook(MIGRATE, extra_vars=extra)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    log = emu.log(mark)
    created = projects_named(emu, NAME)
    assert len(created) == 1
    uid = created[0]["uid"]
    assert created[0]["description"] == "made by the copy role"
    posts = [e for e in log if e["method"] == "POST" and e["path"] == "/projects"]
    assert len(posts) == 1 and posts[0]["org"] == DEST["org"]
    # nothing written before the project existed, and every other write went into it
    first_write = writes(log)[0]
    assert first_write["path"] == "/projects"
    assert all(e["project"] == uid for e in writes(log)[1:])
    assert writes([e for e in log if e["project"] == SOURCE["project_uid"]]) == []
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["verify"] == "ok"
    assert report["destination_project"] == {"name": NAME, "uid": uid, "action": "create"}
    uid_map = json.loads((tmp_path / "report" / "uid-map.json").read_text())
    assert uid_map["projects"] == {SOURCE["project_uid"]: uid}
    state = emu.state()["projects"]
    source_names = sorted(e["name"] for e in state[SOURCE["project_uid"]]["experiences"])
    assert sorted(e["name"] for e in state[uid]["experiences"]) == source_names

    # 3. a second run finds the project by name and changes nothing
    mark = emu.mark()
    again = ansible_playbook(MIGRATE, extra_vars=extra)
    assert again.rc == 0, again.stdout[-4000:]
    assert writes(emu.log(mark)) == []
    assert "changed=0" in again.stdout
    assert len(projects_named(emu, NAME)) == 1
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["destination_project"] == {"name": NAME, "uid": uid, "action": "none"}


def test_project_name_without_organization_is_refused_before_any_request(emulator, ansible_playbook, tmp_path):
    extra = variables(emulator, tmp_path)
    del extra["migrate_destination"]["organization_uid"]
    mark = emulator.mark()
    run = ansible_playbook(MIGRATE, extra_vars=extra)
    assert run.rc != 0
    assert emulator.log(mark) == []
    assert "organization_uid" in run.stdout and "project_name" in run.stdout
