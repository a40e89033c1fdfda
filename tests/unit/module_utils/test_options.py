"""Connection options: argspec, env fallbacks, doc fragment agreement, client builders."""

import copy
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
    "oauth_refresh_token": ("str", None, "CONTENTSTACK_OAUTH_REFRESH_TOKEN"),
    "oauth_client_id": ("str", None, "CONTENTSTACK_OAUTH_CLIENT_ID"),
    "oauth_client_secret": ("str", None, "CONTENTSTACK_OAUTH_CLIENT_SECRET"),
    "oauth_redirect_uri": ("str", None, "CONTENTSTACK_OAUTH_REDIRECT_URI"),
    "oauth_token_url": ("str", None, "CONTENTSTACK_OAUTH_TOKEN_URL"),
    "validate_certs": ("bool", True, "CONTENTSTACK_VALIDATE_CERTS"),
    "timeout": ("int", 30, None),
    "rate_limit": ("float", 10, "CONTENTSTACK_RATE_LIMIT"),
    "max_retries": ("int", 6, None),
    "allow_http": ("bool", False, None),
    "limits": ("dict", None, "CONTENTSTACK_PERSONALIZE_LIMITS"),
    "listing_cache": ("str", None, None),
}
# Options of a task that do not say where or as whom a call goes (no variable, not a role side's input).
TASK_OPTIONS = ("limits", "listing_cache")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("CONTENTSTACK_"):
            monkeypatch.delenv(name)


def validate(params, **kw):
    """What a module's argspec does with the connection options (specs.module_spec merges them the same way)."""
    spec = copy.deepcopy(options.CONNECTION_ARGSPEC)
    spec.update(kw)
    return ArgumentSpecValidator(spec).validate(params)


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
    assert no_log == ["authtoken", "oauth_client_secret", "oauth_refresh_token", "oauth_token"]
    said_not = sorted(n for n, s in options.CONNECTION_ARGSPEC.items() if s.get("no_log") is False)
    assert said_not == ["oauth_token_url"]


def test_doc_fragment_matches_argspec():
    assert set(DOC) == set(EXPECTED)
    for name, (typ, default, _env) in EXPECTED.items():
        assert DOC[name]["type"] == typ, name
        assert DOC[name].get("default") == default, name
        assert DOC[name]["description"], name


def test_plugin_fragment_adds_only_env_and_vars():
    """Descriptions, types and defaults are written once, in DOCUMENTATION; plugins extend both."""
    assert set(PLUGIN_DOC) <= set(EXPECTED)
    for name, entry in PLUGIN_DOC.items():
        assert set(entry) <= {"env", "vars"}, name


def test_module_fragment_names_each_env_var():
    for name, (_typ, _default, env) in EXPECTED.items():
        if env:
            assert "E(%s)" % env in " ".join(DOC[name]["description"]), name


def test_plugin_fragment_reads_env_and_vars():
    for name, (_typ, _default, env) in EXPECTED.items():
        entry = PLUGIN_DOC.get(name, {})
        envs = [e["name"] for e in entry.get("env", [])]
        assert envs == ([env] if env else []), name
        # One variable scheme: personalize_<option>; listing_cache and limits are task options, with no variable.
        assert [v["name"] for v in entry.get("vars", [])] == ([] if name in TASK_OPTIONS else ["personalize_" + name]), name


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


def test_both_tokens_are_rejected_by_the_client():
    """Exclusivity is the client's check (specs.py says why), so a token from the environment and
    one from the task are refused too, with a message that holds neither."""
    result = validate({"authtoken": TOKEN, "oauth_token": "csoa-x-123456"})
    assert result.error_messages == []
    with pytest.raises(PersonalizeError) as err:
        options.client_from_module_params(result.validated_parameters)
    assert "mutually exclusive" in str(err.value) and TOKEN not in str(err.value)


def test_client_from_module_params_ignores_module_options():
    p = validate({"authtoken": TOKEN, "name": "x"}, name={"type": "str"}).validated_parameters
    assert isinstance(options.client_from_module_params(p), PersonalizeClient)


def test_client_from_module_params_refuses_a_bad_configuration_without_the_token():
    p = validate({"authtoken": TOKEN, "region": "atlantis"}).validated_parameters
    with pytest.raises(PersonalizeError) as err:
        options.client_from_module_params(p)
    assert "unknown region" in str(err.value) and TOKEN not in str(err.value)
    good = validate({"authtoken": TOKEN}).validated_parameters
    assert options.client_from_module_params(good).base_url == REGIONS["aws-na"]


# --------------------------------------------------------------------------- complete mappings (the role)
def test_complete_connection_fills_every_client_option_and_drops_the_rest():
    got = options.complete_connection({"api_url": "http://127.0.0.1:9", "oauth_token": TOKEN, "max_retries": 0,
                                       "project_name": "p", "region": None, "listing_cache": "k"})
    assert set(got) == set(EXPECTED) - set(TASK_OPTIONS)
    assert (got["api_url"], got["oauth_token"], got["max_retries"]) == ("http://127.0.0.1:9", TOKEN, 0)
    # left out (or null): the default, or "" so that no fallback applies
    assert (got["region"], got["authtoken"], got["project_uid"]) == ("", "", "")
    assert (got["validate_certs"], got["allow_http"], got["timeout"], got["rate_limit"]) == (True, False, 30, 10)


def test_a_complete_mapping_lets_no_environment_variable_in(monkeypatch):
    monkeypatch.setenv("CONTENTSTACK_AUTHTOKEN", "csat-from-the-env-123456")
    monkeypatch.setenv("CONTENTSTACK_PROJECT_UID", PROJECT)
    monkeypatch.setenv("CONTENTSTACK_RATE_LIMIT", "0.5")
    p = validate(options.complete_connection({"oauth_token": TOKEN})).validated_parameters
    assert (p["authtoken"], p["project_uid"], p["rate_limit"]) == ("", "", 10)
    client = options.client_from_module_params(p)
    assert client.project_uid is None and client.base_url == REGIONS["aws-na"]


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
    for name, (typ, default, env) in EXPECTED.items():
        assert name in opts, name
        assert (opts[name]["type"], opts[name].get("default")) == (typ, default), name
        assert opts[name]["description"] == DOC[name]["description"], name
        assert [v["name"] for v in opts[name].get("vars", [])] == ([] if name in TASK_OPTIONS else ["personalize_" + name]), name
        if env:
            assert [e["name"] for e in opts[name]["env"]] == [env]


def test_client_from_params_ignores_unknown_keys_and_none():
    c = options.client_from_module_params({
        "region": "eu", "api_url": None, "project_uid": PROJECT, "authtoken": TOKEN, "oauth_token": None,
        "organization_uid": "blt1", "validate_certs": None, "timeout": None, "rate_limit": 0,
        "max_retries": 2, "allow_http": None, "name": "module's own option", "state": "present"})
    assert c.base_url == REGIONS["aws-eu"]
    assert (c.timeout, c.max_retries, c.validate_certs, c.rate_limit) == (30, 2, True, 0)
    assert c.rate_limit_key == "eu-personalize-api.contentstack.com|blt1"
