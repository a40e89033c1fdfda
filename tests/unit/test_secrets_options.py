"""Secrets and transport defaults, in one place (issue 7):

- every option whose name says it holds a secret (token, password, secret) is ``no_log``, in the
  connection argspec, every module's argspec (suboptions included) and the copy role's
  meta/argument_specs.yml; a name ending in ``_url`` (``oauth_token_url``) is an address, not a
  secret: it says ``no_log: false``, so that an error shows it;
- ``validate_certs`` is true by default everywhere a user can set it;
- a plain-http ``api_url`` to a non-loopback host is refused unless ``allow_http`` is set, and
  ``allow_http`` is false by default.
"""

import inspect
import pathlib

import pytest
import yaml

from ansible_collections.contentstack.personalize.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.contentstack.personalize.plugins.module_utils import client as client_mod
from ansible_collections.contentstack.personalize.plugins.module_utils import options, specs
from ansible_collections.contentstack.personalize.plugins.module_utils.client import (
    PersonalizeClient,
    resolve_base_url,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLE_SPECS = ROOT / "roles" / "migrate" / "meta" / "argument_specs.yml"
SECRET_WORDS = ("token", "password", "secret")


def is_secret(leaf):
    """Whether an option's own name says it holds a secret: a secret word, and not an address."""
    leaf = leaf.lower()
    return any(word in leaf for word in SECRET_WORDS) and not leaf.endswith("_url")


def walk(argspec, path=""):
    """(dotted name, spec) for every option of an argspec, suboptions included."""
    for name, spec in sorted(argspec.items()):
        yield path + name, spec
        for sub in ("options", "suboptions"):
            if isinstance(spec.get(sub), dict):
                yield from walk(spec[sub], path + name + ".")


def module_argspecs():
    for module in sorted(specs.MODULES):
        yield module, specs.module_spec(module)["argument_spec"]


def role_argspecs():
    data = yaml.safe_load(ROLE_SPECS.read_text())
    for entry, spec in data["argument_specs"].items():
        yield "role migrate (%s)" % entry, spec["options"]


def all_argspecs():
    yield "connection", options.CONNECTION_ARGSPEC
    yield from module_argspecs()
    yield from role_argspecs()


def test_every_secret_option_is_no_log():
    secrets, problems = [], []
    for where, argspec in all_argspecs():
        for name, spec in walk(argspec):
            if is_secret(name.rsplit(".", 1)[-1]):
                secrets.append("%s: %s" % (where, name))
                if spec.get("no_log") is not True:
                    problems.append("%s: %s is not no_log" % (where, name))
    assert problems == []
    # Positive control: the walk does reach them (connection, 7 modules, both sides of the role).
    assert "connection: authtoken" in secrets and "connection: oauth_token" in secrets
    assert "personalize_version: oauth_token" in secrets
    assert "role migrate (main): migrate_source.authtoken" in secrets
    assert "role migrate (main): migrate_destination.oauth_token" in secrets
    assert len(secrets) >= 2 + 2 * len(specs.MODULES) + 4


def test_options_that_are_not_secret_are_not_hidden():
    # no_log on a non-secret would hide useful output (and Ansible warns for names like "key").
    for where, argspec in all_argspecs():
        for name, spec in walk(argspec):
            if spec.get("no_log") and not is_secret(name.rsplit(".", 1)[-1]):
                pytest.fail("%s: %s is no_log but holds no secret" % (where, name))


def test_a_url_is_not_a_secret_and_says_so():
    # validate-modules asks a name with "token" or "key" to state no_log: these say false.
    found = []
    for where, argspec in all_argspecs():
        for name, spec in walk(argspec):
            leaf = name.rsplit(".", 1)[-1]
            if leaf in ("oauth_token_url", "stack_api_key"):
                found.append("%s: %s" % (where, name))
                assert spec.get("no_log", "unsaid") is False, (where, name)
    assert "connection: oauth_token_url" in found and "personalize_entry_variant: stack_api_key" in found
    assert "role migrate (main): migrate_destination.oauth_token_url" in found
    assert not is_secret("oauth_token_url") and is_secret("oauth_refresh_token")


def test_validate_certs_is_true_by_default_everywhere():
    found = []
    for where, argspec in all_argspecs():
        for name, spec in walk(argspec):
            if name.rsplit(".", 1)[-1] == "validate_certs":
                found.append(where)
                assert spec.get("default") is True, (where, name, spec)
                assert spec.get("type") == "bool", (where, name)
    assert len(found) >= 1 + len(specs.MODULES) + 2
    assert client_mod.DEFAULTS["validate_certs"] is True
    assert inspect.signature(PersonalizeClient).parameters["validate_certs"].default is True
    assert PersonalizeClient(authtoken="csat-x-123456", rate_limit=0).validate_certs is True
    assert PersonalizeClient(authtoken="csat-x-123456", rate_limit=0, validate_certs=None).validate_certs is True
    # what the role fills in for a side that leaves it out
    assert options.complete_connection({})["validate_certs"] is True
    # Plugins take the default from DOCUMENTATION too: PLUGINS adds only env and vars.
    assert yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]["validate_certs"]["default"] is True
    assert "default" not in yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]["validate_certs"]


def test_allow_http_is_false_by_default_everywhere():
    for where, argspec in all_argspecs():
        for name, spec in walk(argspec):
            if name.rsplit(".", 1)[-1] == "allow_http":
                assert spec.get("default") is False, (where, name)
    assert client_mod.DEFAULTS["allow_http"] is False
    assert inspect.signature(PersonalizeClient).parameters["allow_http"].default is False
    assert options.complete_connection({})["allow_http"] is False


@pytest.mark.parametrize("url", [
    "http://personalize-api.contentstack.com",
    "http://eu-personalize-api.contentstack.com:8080/",
    "http://10.1.2.3",
    "http://192.168.0.10:8787",
    "HTTP://personalize.example.com",
    "http://[2001:db8::1]:8080",
    "http://localhost.example.com",
])
def test_plain_http_to_a_non_loopback_host_is_refused_unless_allowed(url):
    with pytest.raises(PersonalizeError) as err:
        resolve_base_url(api_url=url)
    assert "allow_http" in str(err.value) and "unencrypted" in str(err.value)
    with pytest.raises(PersonalizeError):
        PersonalizeClient(api_url=url, authtoken="csat-x-123456", rate_limit=0)
    # explicitly allowed: accepted
    assert resolve_base_url(api_url=url, allow_http=True).startswith("http://")
    assert PersonalizeClient(api_url=url, authtoken="csat-x-123456", rate_limit=0, allow_http=True).base_url


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8787", "http://127.9.9.9", "http://localhost:8787", "http://[::1]:8787",
    "https://personalize-api.contentstack.com", "https://10.1.2.3:8443",
])
def test_https_and_loopback_http_need_no_permission(url):
    assert resolve_base_url(api_url=url).split("://")[0] in ("http", "https")


def test_refusals_never_echo_a_token():
    token = "csat-secret-refusal-0123456789"
    for kwargs in ({"api_url": "http://personalize.example.com"}, {"region": "mars"},
                   {"api_url": "https://x.example.com", "project_uid": "nothex"},
                   {"api_url": "https://x.example.com", "oauth_token": "csoa-other-0123456789"}):
        with pytest.raises(PersonalizeError) as err:
            PersonalizeClient(authtoken=token, rate_limit=0, **kwargs)
        assert token not in str(err.value) and "csoa-other-0123456789" not in str(err.value)
