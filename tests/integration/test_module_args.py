"""Module argument handling, running each module's main() in-process through AnsibleModule
(``patch_module_args``) against the emulator: the module files work as plain modules too."""

import importlib
import json
import os
import subprocess
import sys

import pytest
from ansible.module_utils.testing import patch_module_args

from conftest import COLLROOT, DEST, ROOT
from module_docs import module_doc
from ansible_collections.contentstack.personalize.plugins.module_utils.specs import module_spec

FIVE = ("personalize_attribute", "personalize_event", "personalize_audience",
        "personalize_experience", "personalize_version")
# Modules whose documented options are checked against the argspec, and rendered as text.
DOCUMENTED = FIVE + ("personalize_project", "personalize_variant_group", "personalize_entry_variant")


def run_main(name, args, capsys):
    """Run a module's main() with ``args``; gives (failed, result) from what it printed."""
    module = importlib.import_module("ansible_collections.contentstack.personalize.plugins.modules." + name)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            module.main()
    result = json.loads(capsys.readouterr().out)
    assert (exc.value.code != 0) == bool(result.get("failed")), result
    return bool(result.get("failed")), result


@pytest.fixture
def conn(emulator, monkeypatch):
    for var in list(os.environ):
        if var.startswith("CONTENTSTACK_"):
            monkeypatch.delenv(var)
    return {"api_url": emulator.url, "project_uid": DEST["project_uid"], "oauth_token": DEST["oauth_token"],
            "rate_limit": 0}


def writes(emu, since):
    return [(e["method"], e["path"]) for e in emu.writes(since=since)]


def test_attribute_create_then_idempotent_via_ansible_module(emulator, conn, capsys):
    args = dict(conn, key="loyalty_tier", name="Loyalty tier")
    failed, out = run_main("personalize_attribute", dict(args, _ansible_check_mode=True), capsys)
    assert not failed and out["changed"] is True and out["action"] == "create"
    assert emulator.writes() == []

    mark = emulator.mark()
    failed, out = run_main("personalize_attribute", args, capsys)
    assert not failed and out["changed"] is True
    assert writes(emulator, mark) == [("POST", "/attributes")]
    assert "diff" not in out

    mark = emulator.mark()
    failed, again = run_main("personalize_attribute", dict(args, _ansible_diff=True), capsys)
    assert not failed and again["changed"] is False and again["uid"] == out["uid"]
    assert writes(emulator, mark) == []
    # The token never appears in what the module prints.
    assert DEST["oauth_token"] not in json.dumps(again)


def test_experience_and_version_via_ansible_module(emulator, conn, capsys):
    run_main("personalize_audience", dict(conn, name="Everyone CA", definition={"rules": [{
        "attribute": {"preset": "COUNTRY"}, "attributeMatchCondition": "STRING_EQUALS",
        "attributeMatchOptions": {"__type": "StringMatchOptions", "value": "CA"}}]}), capsys)
    failed, exp = run_main("personalize_experience", dict(conn, name="Hero", type="segmented"), capsys)
    assert not failed and exp["changed"]
    version = dict(conn, experience="Hero", status="active",
                   variants=[{"name": "Canada", "audiences": ["Everyone CA"]}])
    failed, out = run_main("personalize_version", version, capsys)
    assert not failed and out["changed"] is True, out
    mark = emulator.mark()
    failed, out = run_main("personalize_version", version, capsys)
    assert not failed and out["changed"] is False, out
    assert writes(emulator, mark) == []
    state = emulator.state()["projects"][DEST["project_uid"]]
    assert [v["status"] for v in state["versions"][exp["uid"]]] == ["ACTIVE"]


def test_connection_from_environment(emulator, conn, capsys, monkeypatch):
    """env fallbacks fill in the connection options a task leaves out."""
    monkeypatch.setenv("CONTENTSTACK_PERSONALIZE_URL", emulator.url)
    monkeypatch.setenv("CONTENTSTACK_PROJECT_UID", DEST["project_uid"])
    monkeypatch.setenv("CONTENTSTACK_OAUTH_TOKEN", DEST["oauth_token"])
    monkeypatch.setenv("CONTENTSTACK_RATE_LIMIT", "0")
    failed, out = run_main("personalize_event", {"key": "checkout"}, capsys)
    assert not failed and out["changed"] is True, out
    assert [e["key"] for e in emulator.state()["projects"][DEST["project_uid"]]["events"]] == ["checkout"]


@pytest.mark.parametrize("name,args,fragments", [
    ("personalize_attribute", {"key": "a", "items": [{"key": "a"}]}, ["mutually exclusive", "key|items"]),
    ("personalize_attribute", {}, ["one of the following is required", "key, items"]),
    ("personalize_audience", {"name": "a", "state": "gone"}, ["state", "present, absent", "gone"]),
    ("personalize_experience", {"name": "e", "type": "multivariate"}, ["type", "segmented, ab_test"]),
    ("personalize_version", {"experience": "e", "status": "live"}, ["status", "draft, active, paused"]),
    ("personalize_version", {"experience": "e", "variants": "not a list of dicts"}, ["variants"]),
    ("personalize_event", {"key": "e", "prune": "maybe"}, ["prune", "bool"]),
    ("personalize_event", {"key": "e", "timeout": "soon"}, ["timeout", "int"]),
    ("personalize_attribute", {"key": "a", "bogus": 1}, ["Unsupported parameters", "bogus"]),
])
def test_argument_errors(emulator, conn, capsys, name, args, fragments):
    mark = emulator.mark()
    failed, out = run_main(name, dict(conn, **args), capsys)
    assert failed, out
    for fragment in fragments:
        assert fragment in out["msg"], (fragment, out["msg"])
    assert emulator.log(since=mark) == [], "argument errors are caught before any request"


def test_both_tokens_are_refused_and_not_echoed(emulator, conn, capsys):
    secret = "csat-secret-do-not-print-1234"
    failed, out = run_main("personalize_attribute", dict(conn, key="a", authtoken=secret), capsys)
    assert failed and "authtoken" in out["msg"] and "oauth_token" in out["msg"] and "exclusive" in out["msg"]
    assert secret not in json.dumps(out)


def test_missing_connection_is_a_clear_error(capsys, monkeypatch):
    for var in list(os.environ):
        if var.startswith("CONTENTSTACK_"):
            monkeypatch.delenv(var)
    failed, out = run_main("personalize_attribute", {"key": "a", "api_url": "http://127.0.0.1:9"}, capsys)
    assert failed
    assert "token" in out["msg"] or "project" in out["msg"], out["msg"]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_documented_options_match_the_argspec(name):
    options = module_doc(name)["options"]
    spec = module_spec(name)["argument_spec"]
    assert sorted(options) == sorted(spec)
    for option, value in spec.items():
        documented = options[option]
        assert documented.get("type", "str") == value.get("type", "str"), option
        assert documented.get("default") == value.get("default"), option
        assert documented.get("choices") == value.get("choices"), option
        assert documented.get("elements") == value.get("elements"), option
        assert bool(documented.get("required")) == bool(value.get("required")), option


def test_ansible_doc_renders_every_module():
    modules = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py"))
    assert set(FIVE) <= set(modules)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLROOT), ANSIBLE_NOCOLOR="1")
    ansible_doc = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    names = ["contentstack.personalize." + m for m in modules]
    proc = subprocess.run([ansible_doc, "--json"] + names, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
    docs = json.loads(proc.stdout)
    for fqcn in names:
        assert fqcn in docs, (fqcn, sorted(docs))
        doc = docs[fqcn]["doc"]
        assert doc["short_description"] and doc["options"], fqcn
        assert docs[fqcn]["examples"] and docs[fqcn]["return"], fqcn
        # Connection options come from the shared fragment.
        assert "oauth_token" in doc["options"] and doc["options"]["oauth_token"].get("no_log") is not False
    # The plain-text form (what a user reads) works for each of them.
    for name in DOCUMENTED:
        proc = subprocess.run([ansible_doc, "contentstack.personalize." + name], capture_output=True, text=True,
                              env=env, timeout=120, check=False)
        assert proc.returncode == 0 and name in proc.stdout and "EXAMPLES" in proc.stdout, proc.stderr
