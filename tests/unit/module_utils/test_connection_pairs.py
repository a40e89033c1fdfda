"""options.PAIRS: region or api_url, authtoken or OAuth (an access token, or a refresh token with its
app's settings). Where one side of a pair is given, the other side comes from nothing less direct:
in the export lookup a keyword beats the personalize_* variables (and a variable the environment), in
the inventory an organization entry beats the environment. Each side's choice is then checked by the
client it builds, which refuses an authtoken beside an OAuth refresh."""

from ansible_collections.contentstack.personalize.plugins.lookup.personalize_export import VARIABLES, _pairs_decided
from ansible_collections.contentstack.personalize.plugins.module_utils import options
from ansible_collections.contentstack.personalize.plugins.module_utils.client import PersonalizeClient
from ansible_collections.contentstack.personalize.plugins.module_utils.inventory import entry_connection

ORG = "blt5e1ec7ed0000a001"
URL = "http://127.0.0.1:9"
REFRESH = {"oauth_refresh_token": "csrt-kw-0123456789", "oauth_client_id": "csapp-kw-0123", "oauth_token_url": URL + "/token"}


def resolved(direct, variables, environ=None):
    """What the lookup's get_option gives for each client option: a keyword (after _pairs_decided), else
    its personalize_* variable, else its environment variable (as Ansible's plugin options do)."""
    decided = _pairs_decided(direct, variables)
    out = {}
    for name in options.CLIENT_OPTIONS:
        value = decided.get(name)
        if value is None:
            value = variables.get(VARIABLES[name])
        if value is None:
            value = (environ or {}).get(options.BY_NAME[name].env)
        out[name] = value
    return out


def client_of(values, directory):
    """The client the lookup builds from these values (no call is made); its files go in ``directory``."""
    return PersonalizeClient(rate_limit=0, ratelimit_directory=str(directory),
                             **dict((k, v) for k, v in values.items() if v not in (None, "") and k != "rate_limit"))


def test_the_oauth_side_is_every_oauth_option():
    assert options.PAIRS[1] == (("authtoken",), options.OAUTH_OPTIONS)
    assert set(options.OAUTH_OPTIONS) == {"oauth_token", "oauth_refresh_token", "oauth_client_id", "oauth_client_secret",
                                          "oauth_redirect_uri", "oauth_token_url"}
    assert options.other_side("oauth_client_secret") == ("authtoken",)
    assert options.other_side("authtoken") == options.OAUTH_OPTIONS
    assert options.other_side("api_url") == ("region",) and options.other_side("timeout") == ()


def test_a_keyword_refresh_token_beats_an_authtoken_variable(tmp_path):
    variables = {"personalize_authtoken": "csat-var-0123456789", "personalize_api_url": URL}
    got = resolved(dict(REFRESH), variables, {"CONTENTSTACK_AUTHTOKEN": "csat-env-0123456789"})
    assert got["authtoken"] == "" and got["oauth_refresh_token"] == REFRESH["oauth_refresh_token"]
    client = client_of(got, tmp_path)  # no "cannot be used with authtoken"
    assert client._oauth is not None and client._oauth.client_id == REFRESH["oauth_client_id"]


def test_a_keyword_authtoken_beats_the_oauth_variables(tmp_path):
    variables = dict(("personalize_" + k, v) for k, v in REFRESH.items())
    variables.update(personalize_api_url=URL, personalize_oauth_client_secret="cssec-var-0123")
    got = resolved({"authtoken": "csat-kw-0123456789"}, variables, {"CONTENTSTACK_OAUTH_TOKEN": "csoa-env-0123456789"})
    assert got["authtoken"] == "csat-kw-0123456789"
    assert all(got[name] == "" for name in options.OAUTH_OPTIONS)
    client = client_of(got, tmp_path)
    assert client._oauth is None and client._auth_header == ("authtoken", "csat-kw-0123456789")


def test_the_given_side_still_takes_its_other_options_from_the_variables(tmp_path):
    variables = {"personalize_authtoken": "csat-var-0123456789", "personalize_api_url": URL,
                 "personalize_oauth_client_id": "csapp-var-0123", "personalize_oauth_token_url": URL + "/token"}
    got = resolved({"oauth_refresh_token": REFRESH["oauth_refresh_token"]}, variables)
    assert got["authtoken"] == ""
    assert got["oauth_client_id"] == "csapp-var-0123" and got["oauth_token_url"] == URL + "/token"
    assert client_of(got, tmp_path)._oauth.client_id == "csapp-var-0123"


def test_both_sides_at_one_level_stay_for_the_client_to_refuse():
    direct = dict(REFRESH, authtoken="csat-kw-0123456789")
    assert _pairs_decided(direct, {}) == direct


def test_an_entry_s_refresh_token_takes_no_authtoken_from_the_environment():
    environ = {"CONTENTSTACK_AUTHTOKEN": "csat-env-0123456789", "CONTENTSTACK_OAUTH_CLIENT_ID": "csapp-env-0123"}
    conn = entry_connection({"organization_uid": ORG, "api_url": URL, "oauth_refresh_token": "csrt-entry-0123",
                             "oauth_token_url": URL + "/token"}, 0, environ)
    assert conn["authtoken"] is None and conn["oauth_client_id"] == "csapp-env-0123"
    environ = {"CONTENTSTACK_OAUTH_REFRESH_TOKEN": "csrt-env-0123", "CONTENTSTACK_OAUTH_CLIENT_ID": "csapp-env-0123"}
    conn = entry_connection({"organization_uid": ORG, "authtoken": "csat-entry-0123456789"}, 0, environ)
    assert conn["authtoken"] == "csat-entry-0123456789"
    assert conn["oauth_refresh_token"] is None and conn["oauth_client_id"] is None
