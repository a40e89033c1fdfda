"""Helpers shared by the module integration tests (test_module_*.py, test_version_lifecycle.py).

Every assertion about writes reads the emulator's request log (sliced per task by the capture
callback's timestamps) or the emulator's state, never the module's own claims.
"""

from conftest import DEST

GROUP = "group/contentstack.personalize.personalize"
FQ = "contentstack.personalize."


def play(emu, tasks, project_uid=None):
    """One play on localhost; the connection is set once through the action group's defaults."""
    return {
        "name": "modules",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {GROUP: {
            "api_url": emu.url,
            "project_uid": project_uid or DEST["project_uid"],
            "oauth_token": DEST["oauth_token"],
            "rate_limit": 0,
        }},
        "tasks": tasks,
    }


def task(name, module, args, **extra):
    out = {"name": name, FQ + module: args}
    out.update(extra)
    return out


def failing(name, module, args, **extra):
    """A task expected to fail; the play goes on."""
    return task(name, module, args, ignore_errors=True, **extra)


def dest(emu):
    """The destination project's state in the emulator."""
    return emu.state()["projects"][DEST["project_uid"]]


def assert_ok(run, *names):
    for name in names:
        rec = run.task(name)
        assert rec["status"] == "ok", (name, rec["result"])


def assert_no_writes(run, log, *names):
    for name in names:
        assert run.writes(name, log) == [], (name, run.writes(name, log))


def write_calls(run, name, log):
    return [(e["method"], e["path"], e["status"]) for e in run.writes(name, log)]
