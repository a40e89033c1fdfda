"""Connection options: argspec, env fallbacks, doc fragment agreement, client builders."""

import json
import os
import subprocess
import sys

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.contentstack.personalize.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.contentstack.personalize.plugins.module_utils import options
from ansible_collections.contentstack.personalize.plugins.module_utils.client import (
    REGIONS,
    PersonalizeClient,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PROJECT = "6650a1b2c3d4e5f601000001"
TOKEN = "csat-opt-test-token-123456"

DOC = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
PLUGIN_DOC = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]

EXPECTED = {
    # name: (type, default, env)
    "region": ("str", None, "CONTENTSTACK_REGION"),
    "api_url": ("str", None, "CONTENTSTACK_PERSONALIZE_URL"),
    "project_uid": ("str", None, "CONTENTSTACK_PROJECT_UID"),
    "organization_uid": ("str", None, "CONTENTSTACK_ORGANIZATION_UID"),
    "authtoken": ("str", None, "CONTENTSTACK_AUTHTOKEN"),
    "oauth_token": ("str", None, "CONTENTSTACK_OAUTH_TOKEN"),
    "validate_certs": ("bool", True, "CONTENTSTACK_VALIDATE_CERTS"),
    "timeout": ("int", 30, None),
    "rate_limit": ("float", 10, "CONTENTSTACK_RATE_LIMIT"),
    "max_retries": ("int", 6, None),
    "allow_http": ("bool", False, None),
    "listing_cache": ("str", None, None),
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("CONTENTSTACK_"):
            monkeypatch.delenv(name)


def validate(params, **kw):
    result = ArgumentSpecValidator(options.connection_argspec(**kw),
                                   mutually_exclusive=options.CONNECTION_MUTUALLY_EXCLUSIVE).validate(params)
    return result


# --------------------------------------------------------------------------- one definition
def test_argspec_has_exactly_the_expected_options():
    assert set(options.CONNECTION_ARGSPEC) == set(EXPECTED)
    for name, (typ, default, env) in EXPECTED.items():
        spec = options.CONNECTION_ARGSPEC[name]
        assert spec["type"] == typ, name
        assert spec.get("default") == default, name
        fallback = spec.get("fallback")
        assert (fallback[1][0] if fallback else None) == env, name


def test_secrets_are_no_log():
    no_log = sorted(n for n, s in options.CONNECTION_ARGSPEC.items() if s.get("no_log"))
    assert no_log == ["authtoken", "oauth_token"]


def test_mutually_exclusive():
    assert options.CONNECTION_MUTUALLY_EXCLUSIVE == [["authtoken", "oauth_token"]]


@pytest.mark.parametrize("doc", [DOC, PLUGIN_DOC], ids=["modules", "plugins"])
def test_doc_fragment_matches_argspec(doc):
    assert set(doc) == set(EXPECTED)
    for name, (typ, default, _env) in EXPECTED.items():
        assert doc[name]["type"] == typ, name
        assert doc[name].get("default") == default, name
        assert doc[name]["description"], name


def test_module_fragment_names_each_env_var():
    for name, (_typ, _default, env) in EXPECTED.items():
        if env:
            assert "E(%s)" % env in " ".join(DOC[name]["description"]), name


def test_plugin_fragment_reads_env_and_vars():
    for name, (_typ, _default, env) in EXPECTED.items():
        entry = PLUGIN_DOC[name]
        envs = [e["name"] for e in entry.get("env", [])]
        assert envs == ([env] if env else []), name
        assert [v["name"] for v in entry["vars"]] == ["contentstack_" + (
            "personalize_url" if name == "api_url" else name)], name


def test_connection_argspec_returns_a_copy():
    spec = options.connection_argspec(name={"type": "str", "required": True})
    spec["region"]["default"] = "eu"
    assert "name" in spec and "name" not in options.CONNECTION_ARGSPEC
    assert "default" not in options.CONNECTION_ARGSPEC["region"]


# --------------------------------------------------------------------------- validation + env
def test_env_fallbacks_apply(monkeypatch):
    monkeypatch.setenv("CONTENTSTACK_REGION", "eu")
    monkeypatch.setenv("CONTENTSTACK_PROJECT_UID", PROJECT)
    monkeypatch.setenv("CONTENTSTACK_ORGANIZATION_UID", "blt1")
    monkeypatch.setenv("CONTENTSTACK_AUTHTOKEN", TOKEN)
    monkeypatch.setenv("CONTENTSTACK_VALIDATE_CERTS", "no")
    monkeypatch.setenv("CONTENTSTACK_RATE_LIMIT", "2.5")
    result = validate({})
    assert result.error_messages == []
    p = result.validated_parameters
    assert (p["region"], p["project_uid"], p["organization_uid"], p["authtoken"]) == ("eu", PROJECT, "blt1", TOKEN)
    assert p["validate_certs"] is False and p["rate_limit"] == 2.5
    assert (p["timeout"], p["max_retries"], p["allow_http"]) == (30, 6, False)
    assert TOKEN in result._no_log_values
    client = options.client_from_module_params(p)
    assert client.base_url == REGIONS["aws-eu"] and client.validate_certs is False
    assert client.rate_limit_key.endswith("|blt1")


def test_task_value_wins_over_env(monkeypatch):
    monkeypatch.setenv("CONTENTSTACK_PERSONALIZE_URL", "https://from-env.example.com")
    p = validate({"api_url": "http://127.0.0.1:9", "authtoken": TOKEN}).validated_parameters
    assert options.client_from_module_params(p).base_url == "http://127.0.0.1:9"


def test_both_tokens_are_rejected_by_the_argspec():
    result = validate({"authtoken": TOKEN, "oauth_token": "csoa-x-123456"})
    assert any("mutually exclusive" in m for m in result.error_messages)


def test_client_from_module_params_ignores_module_options():
    p = validate({"authtoken": TOKEN, "name": "x"}, name={"type": "str"}).validated_parameters
    assert isinstance(options.client_from_module_params(p), PersonalizeClient)


def test_connection_params_picks_only_connection_options():
    got = options.connection_params({"authtoken": TOKEN, "name": "n", "state": "present"})
    assert set(got) == set(EXPECTED) and got["authtoken"] == TOKEN


class FakeModule:
    def __init__(self, params):
        self.params = params

    def fail_json(self, **kw):
        raise RuntimeError(kw["msg"])


def test_client_from_module_fails_the_module_cleanly():
    p = validate({"authtoken": TOKEN, "region": "atlantis"}).validated_parameters
    with pytest.raises(RuntimeError) as err:
        options.client_from_module(FakeModule(p))
    assert "unknown region" in str(err.value) and TOKEN not in str(err.value)
    good = validate({"authtoken": TOKEN}).validated_parameters
    assert options.client_from_module(FakeModule(good)).base_url == REGIONS["aws-na"]


# --------------------------------------------------------------------------- plugins
def test_client_from_plugin_uses_get_option_and_tolerates_missing_options():
    values = {"region": "gcp-eu", "authtoken": TOKEN, "project_uid": PROJECT, "timeout": 5}

    def get_option(name):
        if name in ("max_retries", "allow_http"):
            raise KeyError(name)  # what AnsiblePlugin.get_option does for an undefined option
        return values.get(name)

    client = options.client_from_plugin(get_option)
    assert client.base_url == REGIONS["gcp-eu"]
    assert (client.timeout, client.max_retries, client.project_uid) == (5, 6, PROJECT)


def test_client_from_plugin_propagates_bad_options():
    with pytest.raises(PersonalizeError) as err:
        options.client_from_plugin({"authtoken": TOKEN, "oauth_token": "csoa-y-123456"}.get)
    assert "mutually exclusive" in str(err.value)
    assert TOKEN not in str(err.value)


def ansible_doc(plugin_type, name):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".venv", "collections"),
               ANSIBLE_NOCOLOR="1")
    exe = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    proc = subprocess.run([exe, "-t", plugin_type, "--json", name], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)[name]["doc"]["options"]


def test_ansible_loads_the_plugin_fragment_for_the_lookup():
    opts = ansible_doc("lookup", "contentstack.personalize.personalize_export")
    for name, (_typ, _default, env) in EXPECTED.items():
        assert name in opts, name
        assert [v["name"] for v in opts[name].get("vars", [])], name
        if env:
            assert [e["name"] for e in opts[name]["env"]] == [env]
