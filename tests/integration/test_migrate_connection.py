"""Each side of the copy role is its own, complete connection (options.complete_connection).

The role's module tasks run under ``module_defaults: group/...: "{{ _migrate_dst | combine(...) }}"``,
one templated mapping. These runs show that it really applies: a destination's ``max_retries``
reaches the destination's module tasks, the source's does not, and a ``CONTENTSTACK_*`` token in
the environment does not get into a side that leaves it out.

The first HTTP request of a run whose destination is given by name is the destination's project
lookup (a module task, in check mode); the emulator answers exactly that one with a 429.
"""

from conftest import DEST, NOBODY_TOKEN, ROOT, SOURCE, WRITE_METHODS

MIGRATE = str(ROOT / "playbooks" / "migrate.yml")
NAME = "Acme Retail EU (connection)"


def variables(emu, tmp_path, source=None, destination=None):
    src = {"api_url": emu.url, "project_uid": SOURCE["project_uid"], "authtoken": SOURCE["readonly_authtoken"],
           "organization_uid": SOURCE["org"], "allow_http": True}
    dst = {"api_url": emu.url, "organization_uid": DEST["org"], "project_name": NAME,
           "oauth_token": DEST["oauth_token"], "allow_http": True}
    src.update(source or {})
    dst.update(destination or {})
    return {"migrate_source": src, "migrate_destination": dst, "migrate_allow_skips": True,
            "migrate_report_dir": str(tmp_path / "report")}


def project_lookup(run):
    """The role's first destination module task: find the destination project by name."""
    found = [t for t in run.tasks if t["action"] == "contentstack.personalize.personalize_project"]
    assert found, [t["name"] for t in run.tasks]
    return found[0]


def test_max_retries_of_the_destination_reaches_its_module_tasks(emulator, ansible_playbook, tmp_path):
    emulator.configure(faults={"burst_429": 1})
    mark = emulator.mark()
    run = ansible_playbook(MIGRATE, check=True, extra_vars=variables(emulator, tmp_path, destination={"max_retries": 0}))
    assert run.rc != 0
    task = project_lookup(run)
    # The look-up's failure is data for validate (failed_when: false, no "...ignoring" print): no uid, its message.
    assert "uid" not in task["result"], task
    assert "429" in task["result"]["msg"], task["result"]
    assert "cannot find the destination project" in run.stdout
    assert [e for e in emulator.log(mark) if e["method"] in WRITE_METHODS] == []


def test_the_source_and_the_environment_do_not_reach_the_destination(emulator, ansible_playbook, tmp_path):
    emulator.configure(faults={"burst_429": 1})
    # The source gives max_retries=0 and the environment a token: neither may reach the destination,
    # which gives an oauth_token and leaves authtoken and max_retries out.
    run = ansible_playbook(MIGRATE, check=True, extra_vars=variables(emulator, tmp_path, source={"max_retries": 0}),
                           env={"CONTENTSTACK_AUTHTOKEN": NOBODY_TOKEN})
    assert run.rc == 0, run.stdout[-4000:]
    task = project_lookup(run)
    assert task["status"] == "ok", task
    assert task["result"]["api_calls"]["throttled"] == 1 and task["result"]["api_calls"]["retries"] == 1, task["result"]
    assert "check mode: project '%s' would be created" % NAME in run.stdout
    assert NOBODY_TOKEN not in run.stdout + run.stderr
