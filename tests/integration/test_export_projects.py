"""The export lookup's ``projects`` form: several projects read at once, each at its own
organization's rate, one mapping each; errors of all of them reported together, labelled."""

import json

from conftest import DEST, NOBODY_TOKEN, SOURCE

EXPORT = "contentstack.personalize.personalize_export"


def play(tmp_path, projects):
    return {
        "name": "read two projects at once", "hosts": "localhost", "gather_facts": False,
        "tasks": [{"name": "export", "ansible.builtin.copy": {
            "dest": str(tmp_path / "out.json"),
            "content": "{{ query('%s', 'all', portable=false, stats=true, projects=%s) | to_json }}"
                       % (EXPORT, json.dumps(projects))}}],
    }


def conns(emu, source_token=SOURCE["authtoken"], dest_token=DEST["oauth_token"]):
    return [
        {"label": "the source", "api_url": emu.url, "project_uid": SOURCE["project_uid"], "authtoken": source_token,
         "organization_uid": SOURCE["org"], "allow_http": True, "rate_limit": 10},
        {"label": "the destination", "api_url": emu.url, "project_uid": DEST["project_uid"],
         "oauth_token": dest_token, "organization_uid": DEST["org"], "allow_http": True, "rate_limit": 10},
    ]


def test_two_organizations_are_read_at_the_same_time(emulator, ansible_playbook, tmp_path):
    emulator.configure(rate_limit=10)
    mark = emulator.mark()
    run = ansible_playbook(play(tmp_path, conns(emulator)))
    assert run.rc == 0, run.stdout[-3000:]
    source, dest = json.loads((tmp_path / "out.json").read_text())
    assert [e["name"] for e in source["experiences"]] and dest["experiences"] == []
    log = emulator.log(mark)
    by_project = dict((p, [e["ts"] for e in log if e["project"] == p])
                      for p in (SOURCE["project_uid"], DEST["project_uid"]))
    assert source["api_calls"]["calls"] == len(by_project[SOURCE["project_uid"]]) > 10
    # The empty destination: its four lists, and no priority read (no experience: nothing to order).
    assert dest["api_calls"]["calls"] == len(by_project[DEST["project_uid"]]) == 4
    # the destination's reads happened while the source was still being read
    assert min(by_project[DEST["project_uid"]]) < max(by_project[SOURCE["project_uid"]])
    assert [e for e in log if e["status"] == 429] == []


def test_errors_of_every_project_are_reported_together_with_their_labels(emulator, ansible_playbook, tmp_path):
    mark = emulator.mark()
    run = ansible_playbook(play(tmp_path, conns(emulator, source_token=NOBODY_TOKEN, dest_token="csoa-not-a-token")))
    assert run.rc != 0
    message = run.tasks[-1]["result"]["msg"]
    assert "the source: GET /" in message and "403" in message, message
    assert "the destination: GET /" in message and "401" in message, message
    assert NOBODY_TOKEN not in run.stdout + run.stderr and "csoa-not-a-token" not in run.stdout + run.stderr
    assert [e for e in emulator.log(mark) if e["method"] != "GET"] == []


def test_on_error_return_gives_each_unreadable_project_as_data(emulator, ansible_playbook, tmp_path):
    """on_error=return: the lookup does not fail; a project it cannot read is {error, label} in its
    place, and the projects it can read come back as usual."""
    projects = conns(emulator, dest_token="csoa-not-a-token")
    projects.append(dict((k, v) for k, v in projects[0].items() if k != "label"))
    projects[2]["authtoken"] = NOBODY_TOKEN
    spec = play(tmp_path, projects)
    spec["tasks"][0]["ansible.builtin.copy"]["content"] = spec["tasks"][0]["ansible.builtin.copy"]["content"].replace(
        "stats=true,", "stats=true, on_error='return',")
    mark = emulator.mark()
    run = ansible_playbook(spec)
    assert run.rc == 0, run.stdout[-3000:]
    source, dest, third = json.loads((tmp_path / "out.json").read_text())
    assert [e["name"] for e in source["experiences"]] and source["api_calls"]["calls"] > 10
    assert dest["label"] == "the destination" and sorted(dest) == ["error", "label"], dest
    assert dest["error"].startswith("GET /") and "401" in dest["error"], dest
    assert third["label"] == "project 3" and "403" in third["error"], third
    assert NOBODY_TOKEN not in run.stdout + run.stderr and "csoa-not-a-token" not in run.stdout + run.stderr
    assert [e for e in emulator.log(mark) if e["method"] != "GET"] == []


def test_on_error_return_needs_projects(emulator, ansible_playbook, tmp_path):
    spec = {"name": "one project", "hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "export", "ansible.builtin.debug": {
            "msg": "{{ query('%s', 'events', on_error='return', api_url='%s', allow_http=true) }}" % (EXPORT, emulator.url)}}]}
    run = ansible_playbook(spec)
    assert run.rc != 0
    assert "on_error=return needs projects" in run.tasks[-1]["result"]["msg"]
