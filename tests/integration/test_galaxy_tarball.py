"""The collection as users get it: `ansible-galaxy collection build`, install, run.

The tarball is built from a copy of the checkout (tools/export_tree.sh) into which the kinds of
local clutter build_ignore must leave out are planted: a virtualenv, build output, emulator state,
caches, benchmark and tool scripts, changelog fragments, a migrate report. It is installed with
ansible-galaxy into an empty collections path, and a playbook runs a module and the lookup from
there, with ANSIBLE_COLLECTIONS_PATH naming that path only (not the checkout's symlink, and no
PYTHONPATH). The emulator's request log and state say what happened.
"""

import json
import os
import pathlib
import subprocess
import sys
import tarfile

import yaml

from conftest import DEST, ROOT

BIN = pathlib.Path(sys.executable).parent
GROUP = "group/contentstack.personalize.personalize"
NAME = "contentstack-personalize-%s.tar.gz" % yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]

# Clutter a developer's checkout may hold; none of it may reach the tarball.
PLANTED = [
    ".venv/lib/python3.11/site-packages/requests/__init__.py",
    "out/demo/report.json",
    "out/build/contentstack-personalize-0.0.1.tar.gz",
    "tests/emulator/state.json",
    "tests/output/junit.xml",
    "benchmarks/results.json",
    "tools/scratch.py",
    "changelogs/fragments/unreleased-change.yml",
    "changelogs/.plugin-cache.yaml",
    "playbooks/migrate-report/report.json",
    "playbooks/migrate-report/uid-map.json",
    "plugins/module_utils/__pycache__/client.cpython-311.pyc",
    ".pytest_cache/v/cache/nodeids",
    ".cache/contentstack-personalize-ratelimit",
]
FORBIDDEN_PREFIXES = (".venv/", "out/", "tests/", "benchmarks/", "tools/", "changelogs/fragments/",
                      "playbooks/migrate-report/", ".pytest_cache/", ".cache/", ".git/", ".ci/")
FORBIDDEN_NAMES = {"Makefile", "requirements-test.txt", "requirements-dev.txt", "pytest.ini",
                   "changelogs/.plugin-cache.yaml", ".gitignore", ".ansible-lint"}
REQUIRED = {"MANIFEST.json", "FILES.json", "README.md", "COPYING", "CHANGELOG.rst", "requirements.txt",
            "docs/user-guide.md", "docs/docsite/links.yml",
            "meta/runtime.yml", "meta/execution-environment.yml", "changelogs/changelog.yaml",
            "plugins/modules/personalize_attribute.py", "plugins/action/personalize_attribute.py",
            "plugins/lookup/personalize_export.py", "plugins/module_utils/client.py",
            "plugins/doc_fragments/connection.py", "plugins/filter/migrate.py", "plugins/filter/migrate_plan.yml",
            "plugins/plugin_utils/action.py", "roles/migrate/tasks/main.yml", "playbooks/migrate.yml"}


def clean_env(collections_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path))
    env.pop("PYTHONPATH", None)  # the checkout's collection root would shadow the installed copy
    return env


def build_tarball(tmp_path):
    src = tmp_path / "src"
    subprocess.run([str(ROOT / "tools" / "export_tree.sh"), str(src)], check=True)
    for rel in PLANTED:
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("planted\n")
    dist = tmp_path / "dist"
    proc = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", str(src), "--output-path", str(dist)],
                          capture_output=True, text=True, check=False, env=clean_env(tmp_path / "none"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dist / NAME


def test_tarball_members(tmp_path):
    tarball = build_tarball(tmp_path)
    with tarfile.open(tarball) as tar:
        files = set(m.name for m in tar.getmembers() if m.isfile())
    assert REQUIRED <= files, sorted(REQUIRED - files)
    leaked = sorted(f for f in files if f.startswith(FORBIDDEN_PREFIXES) or f in FORBIDDEN_NAMES
                    or "__pycache__" in f or f.endswith((".pyc", ".tar.gz")) or "planted" in f)
    assert leaked == [], leaked
    # Nothing planted got in under another name either.
    with tarfile.open(tarball) as tar:
        planted = [m.name for m in tar.getmembers() if m.isfile() and tar.extractfile(m).read() == b"planted\n"]
    assert planted == []
    manifest = json.loads(tarfile.open(tarball).extractfile("MANIFEST.json").read())
    assert manifest["collection_info"]["namespace"] == "contentstack"
    assert manifest["collection_info"]["name"] == "personalize"


def test_installed_tarball_runs_a_module_and_the_lookup(tmp_path, emulator, ansible_playbook):
    tarball = build_tarball(tmp_path)
    colls = tmp_path / "collections"
    proc = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--offline", "-p", str(colls),
                           str(tarball)], capture_output=True, text=True, check=False, env=clean_env(colls))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    installed = colls / "ansible_collections" / "contentstack" / "personalize"
    assert (installed / "MANIFEST.json").is_file() and not installed.is_symlink()
    assert not (installed / "tests").exists()

    # ansible-doc resolves the module to the installed copy.
    doc = subprocess.run([str(BIN / "ansible-doc"), "contentstack.personalize.personalize_attribute"],
                         capture_output=True, text=True, check=False, env=clean_env(colls))
    assert doc.returncode == 0, doc.stderr
    assert str(installed / "plugins" / "modules" / "personalize_attribute.py") in doc.stdout

    connection = {"api_url": emulator.url, "project_uid": DEST["project_uid"],
                  "oauth_token": DEST["oauth_token"], "rate_limit": 0}
    lookup = ("{{ lookup('contentstack.personalize.personalize_export', 'attributes', wantlist=True, "
              "api_url='%(api_url)s', project_uid='%(project_uid)s', oauth_token='%(oauth_token)s', rate_limit=0) }}"
              % connection)
    playbook = {
        "name": "from the installed tarball",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {GROUP: connection},
        "tasks": [
            {"name": "create", "contentstack.personalize.personalize_attribute": {
                "key": "tarball_tier", "name": "Tarball tier", "description": "installed from the tarball"}},
            {"name": "export", "ansible.builtin.set_fact": {"exported": lookup}},
        ],
    }
    env = {"ANSIBLE_COLLECTIONS_PATH": str(colls), "PYTHONPATH": ""}
    mark = emulator.mark()
    run = ansible_playbook(playbook, env=env)
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log(since=mark)

    # The module: one create, seen by the API, and a readable message.
    assert [(e["method"], e["path"], e["status"]) for e in run.writes("create", log)] == [("POST", "/attributes", 201)]
    result = run.result("create")
    assert result["changed"] is True
    assert result["msg"] == "attribute 'tarball_tier' created"
    stored = [a for a in emulator.state()["projects"][DEST["project_uid"]]["attributes"] if a.get("key") == "tarball_tier"]
    assert [(a["name"], a["description"]) for a in stored] == [("Tarball tier", "installed from the tarball")]
    assert result["uid"] == stored[0]["uid"]

    # The lookup: reads only, and returns the attribute in the portable form.
    reads = run.requests("export", log)
    assert reads and all(e["method"] == "GET" for e in reads)
    assert ("GET", "/attributes") in [(e["method"], e["path"]) for e in reads]
    exported = run.result("export")["ansible_facts"]["exported"]
    assert {"key": "tarball_tier", "name": "Tarball tier", "description": "installed from the tarball"} in exported

    # Negative control: the same play with an empty collections path cannot find the collection.
    run = ansible_playbook(playbook, env={"ANSIBLE_COLLECTIONS_PATH": str(tmp_path / "empty"), "PYTHONPATH": ""})
    assert run.rc != 0
    assert "could not resolve" in run.stderr and "contentstack.personalize" in run.stderr
