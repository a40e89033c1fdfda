"""personalize_export_folder: the project's folder in one task, through real ansible-playbook runs.

Its files are byte for byte (and mode for mode) what export.yml wrote before it had this module: a
file task and seven ansible.builtin.copy tasks of ``to_nice_yaml(indent=2, sort_keys=True)`` over the
export lookup, which the first test runs beside it. Check mode predicts and writes nothing, a diff
is returned only when asked for, and the request log shows reads only.
"""

import os
import stat

from conftest import DEST, SOURCE, WRITE_METHODS
from modhelp import GROUP, play, task

FILES = ["project.yml", "attributes.yml", "events.yml", "audiences.yml", "experiences.yml", "versions.yml", "priority.yml"]
KINDS = ["attributes", "events", "audiences", "experiences", "versions", "priority"]
WRITE = "Write the folder"


def source_play(emu, tasks):
    out = play(emu, tasks, project_uid=SOURCE["project_uid"])
    out["module_defaults"][GROUP] = {"api_url": emu.url, "project_uid": SOURCE["project_uid"],
                                     "authtoken": SOURCE["authtoken"], "rate_limit": 0}
    out["vars"] = {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    return out


def copy_tasks(folder):
    """The tasks export.yml had before this module (connection from the CONTENTSTACK_* environment)."""
    project = "{{ query('contentstack.personalize.personalize_export', 'all') | first }}"
    return [
        {"name": "Read", "ansible.builtin.set_fact": {"_project": project}},
        {"name": "Folder", "ansible.builtin.file": {"path": folder, "state": "directory", "mode": "0755"}},
        {"name": "project.yml", "ansible.builtin.copy": {
            "dest": folder + "/project.yml", "mode": "0644",
            "content": "{{ {'schema_version': _project.schema_version, 'kinds': %s} | to_nice_yaml(indent=2, sort_keys=True) }}" % KINDS}},
        {"name": "kinds", "ansible.builtin.copy": {
            "dest": folder + "/{{ item }}.yml", "mode": "0644",
            "content": "{{ {item: _project[item]} | to_nice_yaml(indent=2, sort_keys=True) }}"}, "loop": KINDS},
    ]


def snapshot(folder):
    return dict((name, (open(os.path.join(folder, name), "rb").read(), stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode)))
                for name in sorted(os.listdir(folder)))


def env_of(emu, project_uid, token):
    key = "CONTENTSTACK_AUTHTOKEN" if token == SOURCE["authtoken"] else "CONTENTSTACK_OAUTH_TOKEN"
    return {"CONTENTSTACK_PERSONALIZE_URL": emu.url, "CONTENTSTACK_PROJECT_UID": project_uid, key: token,
            "CONTENTSTACK_RATE_LIMIT": "0"}


def test_the_files_are_those_the_copy_tasks_wrote(emulator, ansible_playbook, tmp_path):
    for name, project_uid, token in (("source", SOURCE["project_uid"], SOURCE["authtoken"]),
                                     ("empty", DEST["project_uid"], DEST["oauth_token"])):
        old, new = str(tmp_path / name / "old"), str(tmp_path / name / "new" / "deeper")
        p = {"hosts": "localhost", "gather_facts": False, "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
             "tasks": copy_tasks(old) + [task(WRITE, "personalize_export_folder", {"path": new})]}
        mark = emulator.mark()
        run = ansible_playbook(p, env=env_of(emulator, project_uid, token))
        assert run.rc == 0, run.stdout + run.stderr
        assert [e for e in emulator.log(since=mark) if e["method"] in WRITE_METHODS] == []
        assert sorted(os.listdir(new)) == sorted(FILES)
        assert snapshot(new) == snapshot(old), name
        for folder in (new, os.path.dirname(new)):
            assert stat.S_IMODE(os.stat(folder).st_mode) == 0o755
        result = run.result(WRITE)
        assert result["changed"] is True and result["files"] == FILES and result["path"] == new
        assert "diff" not in result, "no diff unless asked for"
    # The empty project: no experience, so no priority call (its order is known), and the file as ever.
    assert open(os.path.join(new, "priority.yml")).read() == "priority: []\n"


def test_reads_only_and_an_unchanged_project_reports_ok(emulator, ansible_playbook, tmp_path):
    folder = str(tmp_path / "retail")
    tasks = [task(WRITE, "personalize_export_folder", {"path": folder})]
    mark = emulator.mark()
    first = ansible_playbook(source_play(emulator, tasks))
    assert first.rc == 0, first.stdout + first.stderr
    log = emulator.log(since=mark)
    experiences = len(emulator.state()["projects"][SOURCE["project_uid"]]["experiences"])
    assert all(e["method"] == "GET" for e in log)
    # One list call per kind, one versions call per experience, the priority order: nothing twice.
    assert len(log) == len(set((e["method"], e["path"]) for e in log)) == 4 + experiences + 1
    assert first.result(WRITE)["api_calls"]["calls"] == len(log)
    before = snapshot(folder)
    again = ansible_playbook(source_play(emulator, tasks), diff=True)
    assert again.rc == 0, again.stdout + again.stderr
    result = again.result(WRITE)
    assert result["changed"] is False and result["files"] == [] and result.get("diff") == []
    assert snapshot(folder) == before


def test_check_mode_predicts_and_diff_shows_each_changed_file(emulator, ansible_playbook, tmp_path):
    folder = tmp_path / "retail"
    tasks = [task(WRITE, "personalize_export_folder", {"path": str(folder)})]
    assert ansible_playbook(source_play(emulator, tasks)).rc == 0
    good = snapshot(str(folder))
    (folder / "events.yml").write_text("events: []\n")
    os.chmod(str(folder / "attributes.yml"), 0o600)
    (folder / "notes.txt").write_text("mine\n")
    changed = snapshot(str(folder))

    check = ansible_playbook(source_play(emulator, tasks), check=True, diff=True)
    assert check.rc == 0, check.stdout + check.stderr
    result = check.result(WRITE)
    assert result["changed"] is True and result["files"] == ["attributes.yml", "events.yml"]
    assert result["msg"].startswith("would write")
    # A diff for the content change only; the mode change has no text to show.
    assert [(d["before_header"], d["before"]) for d in result["diff"]] == [(str(folder / "events.yml"), "events: []\n")]
    assert result["diff"][0]["after"] == good["events.yml"][0].decode()
    assert snapshot(str(folder)) == changed, "check mode writes nothing"

    real = ansible_playbook(source_play(emulator, tasks))
    assert real.rc == 0 and real.result(WRITE)["files"] == ["attributes.yml", "events.yml"]
    assert "diff" not in real.result(WRITE)
    after = snapshot(str(folder))
    assert after.pop("notes.txt") == (b"mine\n", changed["notes.txt"][1]), "other files are left alone"
    assert after == good


def test_a_file_where_the_folder_should_be_is_refused(emulator, ansible_playbook, tmp_path):
    (tmp_path / "taken").write_text("x")
    tasks = [dict(task(WRITE, "personalize_export_folder", {"path": str(tmp_path / "taken" / "retail")}), ignore_errors=True)]
    mark = emulator.mark()
    run = ansible_playbook(source_play(emulator, tasks))
    record = run.task(WRITE)
    assert record["status"] == "failed", record
    assert "%s is not a folder" % (tmp_path / "taken") in record["result"]["msg"]
    assert emulator.log(since=mark) == [], "refused before the project is read"
    assert SOURCE["authtoken"] not in run.stdout
