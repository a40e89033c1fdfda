"""The execution environment definition and the collection's declared Python dependencies.

No container runtime here: ansible-builder renders the build context (``create``), and the
dependency introspection script it puts in every image runs against the collection installed from
its tarball, which is what happens inside an image build.
"""

import ast
import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
EE_FILE = ROOT / "execution-environment.yml"
META_EE = ROOT / "meta" / "execution-environment.yml"
STDLIB = set(sys.stdlib_module_names)
# Imported by the plugins but not theirs to declare.
PROVIDED = {
    "urllib3": "installed with requests (client.py imports its exception types)",
    "yaml": "PyYAML, installed with ansible-core (folder.py reads an export folder on the controller)",
}


def load(path):
    return yaml.safe_load(path.read_text())


def tool(name):
    path = BIN / name
    if not path.exists():
        pytest.fail("%s is not installed in this environment; run `make setup` (requirements-dev.txt)" % name)
    return str(path)


def requirement_names(path):
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0].lower())
    return names


def third_party_imports():
    """Top-level modules the shipped plugins import, other than the stdlib, ansible and ourselves."""
    found = {}
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in STDLIB and top not in ("ansible", "ansible_collections", "__future__"):
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_definition_is_v3_and_points_at_existing_files():
    ee = load(EE_FILE)
    assert ee["version"] == 3
    deps = ee["dependencies"]
    assert (EE_FILE.parent / deps["python"]).is_file(), deps["python"]
    assert deps["ansible_core"]["package_pip"] == "ansible-core==2.19.14"
    assert deps["ansible_runner"]["package_pip"].startswith("ansible-runner==")
    assert ee["images"]["base_image"]["name"]


def test_definition_installs_this_versions_tarball():
    version = load(ROOT / "galaxy.yml")["version"]
    tarball = "contentstack-personalize-%s.tar.gz" % version
    ee = load(EE_FILE)
    assert [(c["name"], c["type"]) for c in ee["dependencies"]["galaxy"]["collections"]] == [
        ("collections/" + tarball, "file")]
    assert ee["additional_build_files"] == [{"src": "out/build/" + tarball, "dest": "collections"}]


def test_collection_metadata_declares_what_the_plugins_import():
    meta = load(META_EE)
    assert meta["version"] == 1
    python_file = ROOT / meta["dependencies"]["python"]
    assert python_file.is_file()
    declared = requirement_names(python_file)
    imports = set(third_party_imports()) - set(PROVIDED)
    assert imports == {"requests", "jmespath"}, third_party_imports()
    assert imports <= declared, (imports, declared)
    # requirements.txt and meta/execution-environment.yml ship in the tarball (not build_ignored).
    ignored = load(ROOT / "galaxy.yml")["build_ignore"]
    assert "requirements.txt" not in ignored and "meta" not in ignored


def test_builder_renders_the_context_and_introspection_finds_the_dependencies(tmp_path):
    # The EE file and what it references, in a scratch directory with a freshly built tarball.
    for name in ("execution-environment.yml", "requirements.txt"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    subprocess.run([tool("ansible-galaxy"), "collection", "build", str(ROOT), "--output-path",
                    str(tmp_path / "out" / "build")], check=True, capture_output=True, cwd=str(tmp_path))
    proc = subprocess.run([tool("ansible-builder"), "create", "-f", "execution-environment.yml", "-c", "context"],
                          capture_output=True, text=True, cwd=str(tmp_path), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    context = tmp_path / "context"
    version = load(ROOT / "galaxy.yml")["version"]
    assert (context / "_build" / "collections" / ("contentstack-personalize-%s.tar.gz" % version)).is_file()
    assert (context / "_build" / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    build_file = next(p for p in (context / "Containerfile", context / "Dockerfile") if p.exists())
    text = build_file.read_text()
    assert "ansible-galaxy collection install" in text and "-r requirements.yml" in text
    assert "ansible-core==2.19.14" in text

    # What an image build does next: install the collection and introspect its dependencies.
    installed = tmp_path / "installed"
    # Only the scratch path: with the checkout on PYTHONPATH ansible-galaxy finds it "already installed".
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed))
    env.pop("PYTHONPATH", None)
    subprocess.run([tool("ansible-galaxy"), "collection", "install", "--offline", "-p", str(installed),
                    str(context / "_build" / "collections" / ("contentstack-personalize-%s.tar.gz" % version))],
                   check=True, capture_output=True, cwd=str(tmp_path), env=env)
    assert (installed / "ansible_collections" / "contentstack" / "personalize" / "meta" / "execution-environment.yml").is_file()
    out = tmp_path / "pip.txt"
    subprocess.run([sys.executable, str(context / "_build" / "scripts" / "introspect.py"), "introspect",
                    str(installed), "--write-pip", str(out)], check=True, capture_output=True)
    lines = [line.split("#")[0].strip() for line in out.read_text().splitlines() if line.strip()]
    assert set(lines) == {"requests", "jmespath"}, lines  # unpinned; ansible-core is left to the image
    runtime = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    assert sorted(runtime) == sorted(lines)
