"""The inventory plugin's pure parts: an organization entry completed from the environment, the
region of a connection, name patterns, host names, variables and groups, the cache check."""

import pytest
import yaml

from ansible_collections.contentstack.personalize.plugins.inventory.projects import DOCUMENTATION
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError, PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.inventory import (
    ENTRY_OPTIONS,
    HOST_VARS,
    entry_connection,
    hosts_of,
    interleaved,
    organization_listing,
    region_of,
    same_organizations,
    selected,
)

ORG = "blt5e1ec7ed0000a001"
ENV = {"CONTENTSTACK_AUTHTOKEN": "env-token", "CONTENTSTACK_PERSONALIZE_URL": "http://127.0.0.1:9",
       "CONTENTSTACK_ORGANIZATION_UID": "bltenvorg", "CONTENTSTACK_VALIDATE_CERTS": "no"}


def test_entry_options_are_the_connection_options_without_the_project():
    assert "project_uid" not in ENTRY_OPTIONS
    assert {"organization_uid", "region", "api_url", "authtoken", "oauth_token", "allow_http", "validate_certs"} <= set(ENTRY_OPTIONS)


def test_an_option_left_out_comes_from_the_environment():
    conn = entry_connection({}, 0, ENV)
    assert conn["authtoken"] == "env-token"
    assert conn["api_url"] == "http://127.0.0.1:9"
    assert conn["organization_uid"] == "bltenvorg"
    assert conn["validate_certs"] is False
    assert conn["project_uid"] is None


def test_the_environment_never_completes_half_of_a_pair():
    conn = entry_connection({"organization_uid": ORG, "oauth_token": "mine", "region": "eu"}, 0, ENV)
    assert conn["authtoken"] is None and conn["oauth_token"] == "mine"
    assert conn["api_url"] is None and conn["region"] == "eu"
    assert conn["organization_uid"] == ORG


def test_an_entry_is_checked():
    with pytest.raises(PersonalizeInputError, match=r"organizations\[1\]: unknown option\(s\) project_uid"):
        entry_connection({"organization_uid": ORG, "project_uid": "x"}, 1, {})
    with pytest.raises(PersonalizeInputError, match=r"organizations\[0\]: organization_uid is required"):
        entry_connection({"authtoken": "t"}, 0, {})
    with pytest.raises(PersonalizeInputError, match="organization %s: allow_http must be a boolean" % ORG):
        entry_connection({"organization_uid": ORG, "allow_http": "perhaps"}, 0, {})
    with pytest.raises(PersonalizeInputError, match="must be a mapping"):
        entry_connection("blt1", 0, {})


@pytest.mark.parametrize("conn, expected", [
    ({"region": "eu"}, ("https://eu-personalize-api.contentstack.com", "aws-eu")),
    ({}, ("https://personalize-api.contentstack.com", "aws-na")),
    ({"api_url": "https://gcp-eu-personalize-api.contentstack.com/"}, ("https://gcp-eu-personalize-api.contentstack.com", "gcp-eu")),
    ({"api_url": "http://127.0.0.1:8787", "region": "AZURE-NA"}, ("http://127.0.0.1:8787", "azure-na")),
    ({"api_url": "http://localhost:1"}, ("http://localhost:1", None)),
])
def test_region_of(conn, expected):
    assert region_of(conn) == expected


def test_region_of_refuses_an_unknown_region_even_beside_a_url():
    with pytest.raises(PersonalizeError, match="unknown region 'mars'"):
        region_of({"api_url": "http://127.0.0.1:1", "region": "mars"})


def test_name_patterns():
    assert selected("Shop EU", [], [])
    assert selected("Shop EU", ["Shop *"], [])
    assert not selected("shop EU", ["Shop *"], [])
    assert not selected("Shop EU", ["Shop *"], ["* EU"])
    assert not selected("Shop EU", [], ["Shop EU"])


def _listing():
    raw_a = [{"uid": "a2", "name": "Web", "connectedStackApiKey": "bltstack"}, {"uid": "a1", "name": "App"}]
    raw_b = [{"uid": "b1", "name": "Web EU", "connectedStackApiKey": ""}]
    return [organization_listing({"organization_uid": "orgA"}, "https://personalize-api.contentstack.com", "aws-na", raw_a),
            organization_listing({"organization_uid": "org-b"}, "http://127.0.0.1:1", None, raw_b)]


def test_hosts_vars_and_groups():
    hosts = hosts_of(_listing())
    assert [h for h, _v, _g in hosts] == ["App", "Web", "Web EU"]
    _host, hostvars, groups = hosts[1]
    assert sorted(hostvars) == sorted(HOST_VARS)
    assert hostvars == {"personalize_project_uid": "a2", "personalize_project_name": "Web", "personalize_organization_uid": "orgA",
                        "personalize_api_url": "https://personalize-api.contentstack.com", "personalize_region": "aws-na",
                        "personalize_connected_stack_api_key": "bltstack"}
    assert groups == ["personalize_projects", "personalize_org_orgA", "personalize_region_aws_na"]
    assert hosts[2][1]["personalize_connected_stack_api_key"] is None
    assert hosts[2][2][1:] == ["personalize_org_org_b", "personalize_region_custom"]
    assert [h for h, _v, _g in hosts_of(_listing(), "uid", ["Web*"], ["* EU"])] == ["a2"]


def test_hosts_are_interleaved_across_organizations():
    def listing(org, *names):
        return organization_listing({"organization_uid": org}, "https://personalize-api.contentstack.com", "aws-na",
                                    [{"uid": org + n, "name": org + " " + n} for n in names])
    hosts = interleaved(hosts_of([listing("a", "1", "2", "3"), listing("b", "1"), listing("c", "1", "2")]))
    assert [h for h, _v, _g in hosts] == ["a 1", "b 1", "c 1", "a 2", "c 2", "a 3"]
    assert [v["personalize_organization_uid"] for _h, v, _g in hosts] == ["a", "b", "c", "a", "c", "a"]
    assert interleaved([]) == []


def test_one_name_in_two_organizations_is_an_error_naming_both():
    listing = _listing()
    listing[1]["projects"][0]["name"] = "Web"
    with pytest.raises(PersonalizeInputError, match=r"'Web' \(uid a2\) of organization orgA and project 'Web' \(uid b1\) of organization org-b"):
        hosts_of(listing)
    assert len(hosts_of(listing, "uid")) == 3


def test_the_listing_holds_no_token():
    listing = organization_listing({"organization_uid": "o", "authtoken": "secret-token"}, "u", None,
                                   [{"uid": "p", "name": "n", "owner": "secret-token"}])
    assert "secret-token" not in repr(listing)


def test_the_cache_is_used_only_for_the_same_organizations():
    cached = _listing()
    conns = [{"organization_uid": "orgA", "region": "na"}, {"organization_uid": "org-b", "api_url": "http://127.0.0.1:1/"}]
    assert same_organizations(cached, conns)
    assert not same_organizations(cached, conns[:1])
    assert not same_organizations(cached, [conns[0], dict(conns[1], api_url="http://127.0.0.1:2")])
    assert not same_organizations({"not": "a list"}, conns)
    assert not same_organizations(cached, [conns[0], dict(conns[1], region="mars", api_url=None)])


def test_the_plugin_documents_every_option_an_entry_takes():
    documented = yaml.safe_load(DOCUMENTATION)["options"]["organizations"]["suboptions"]
    assert sorted(documented) == sorted(ENTRY_OPTIONS)
