"""Fixtures shared by every test: the emulator, and a runner for real ansible-playbook runs."""

import json
import os
import pathlib
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
COLLROOT = ROOT / ".venv" / "collections"
LINK = COLLROOT / "ansible_collections" / "contentstack" / "personalize"

# The checkout is the installed collection (the Makefile does the same; this covers a bare pytest).
if not LINK.exists():
    LINK.parent.mkdir(parents=True, exist_ok=True)
    LINK.symlink_to(ROOT)
if str(COLLROOT) not in sys.path:
    sys.path.insert(0, str(COLLROOT))

SOURCE = {
    "org": "blt5e1ec7ed0000a001",
    "project_uid": "6650a1b2c3d4e5f601000001",
    "authtoken": "csat-src-6f1d0c9a7b3e4d2f",
    "readonly_authtoken": "csat-src-ro-2b8e4f6a1c3d5e7f",
}
DEST = {
    "org": "blt5e1ec7ed0000b002",
    "project_uid": "6650a1b2c3d4e5f602000001",
    "oauth_token": "csoa-dst-9c7a5e3b1d2f4a6c",
}
NOBODY_TOKEN = "csat-nobody-0a0a0a0a0a0a0a0a"
WRITE_METHODS = ("POST", "PUT", "DELETE")


@pytest.fixture
def emulator(tmp_path):
    """A fresh emulator holding the retail source project and the empty destination, unlimited."""
    from emulator.harness import Emulator

    with Emulator(seeds=["retail", "empty-dest"], rate_limit=0, tmp_path=tmp_path / "emu") as emu:
        yield emu


class PlaybookRun:
    def __init__(self, proc, records):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.tasks = records

    def task(self, name):
        matches = [t for t in self.tasks if t["name"] == name]
        assert matches, "no task named %r in %s" % (name, [t["name"] for t in self.tasks])
        return matches[-1]

    def result(self, name):
        return self.task(name)["result"]

    def requests(self, name, log):
        """Emulator log entries made while the named task ran."""
        task = self.task(name)
        return [e for e in log if task["start"] <= e["ts"] <= task["end"]]

    def writes(self, name, log):
        return [e for e in self.requests(name, log) if e["method"] in WRITE_METHODS and e.get("api") != "oauth"]


@pytest.fixture
def ansible_playbook(tmp_path):
    """Run a real ansible-playbook against localhost with this collection; returns a PlaybookRun."""
    counter = {"n": 0}

    def run(playbook, check=False, diff=False, extra_vars=None, env=None, args=(), verbosity=0):
        counter["n"] += 1
        workdir = tmp_path / ("run%d" % counter["n"])
        workdir.mkdir()
        if isinstance(playbook, (list, dict)):
            path = workdir / "playbook.yml"
            path.write_text(yaml.safe_dump(playbook if isinstance(playbook, list) else [playbook], sort_keys=False))
        else:
            path = pathlib.Path(playbook)
        inventory = workdir / "inventory.ini"
        inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
        capture = workdir / "capture.json"
        environ = dict(os.environ)
        environ.update({
            "ANSIBLE_COLLECTIONS_PATH": str(COLLROOT),
            "ANSIBLE_CALLBACK_PLUGINS": str(ROOT / "tests" / "integration" / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "capture",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": str(workdir / "tmp"),
            "ANSIBLE_HOME": str(workdir / "ansible-home"),
            "CAPTURE_FILE": str(capture),
        })
        for name in list(environ):
            if name.startswith("CONTENTSTACK_"):
                del environ[name]
        environ.update(env or {})
        cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(inventory), str(path)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        cmd += list(args)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=environ, cwd=str(workdir), timeout=900, check=False)
        records = json.loads(capture.read_text()) if capture.exists() else []
        return PlaybookRun(proc, records)

    return run
