"""The export: one list call per kind, the portable form (no uids, sorted), and the raw form."""

import pytest

from fakes import by, listing_client

from ansible_collections.contentstack.personalize.plugins.module_utils.engine import ProjectListings
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.export import (
    export_project,
    portable_from_raw,
    terms_of,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import LOAD_ORDER


def test_terms_follow_the_load_order_and_all_means_every_kind():
    assert terms_of(["all"]) == list(LOAD_ORDER)
    assert terms_of(["audiences", "attributes", "audiences"]) == ["audiences", "attributes"]
    with pytest.raises(PersonalizeInputError, match="unknown kind 'projects': use one of attributes, events, "
                                                    "audiences, experiences, versions, priority, or all"):
        terms_of(["projects"])


def test_the_portable_export_lists_each_kind_once(source_raw):
    client = listing_client(source_raw)
    out = export_project(ProjectListings(client), ["all"])
    assert out["schema_version"] == 1
    gets = [path for method, path in client.calls]
    assert gets[:4] == ["/attributes", "/audiences", "/events", "/experiences"]
    assert sorted(gets[4:-1]) == sorted("/experiences/%s/versions" % e["uid"] for e in source_raw["experiences"])
    assert gets[-1] == "/experiences-priority" and len(gets) == len(set(gets))
    assert [a["key"] for a in out["attributes"]] == sorted(a["key"] for a in out["attributes"])
    assert "COUNTRY" not in [a["key"] for a in out["attributes"]]
    assert "uid" not in out["audiences"][0] and "createdAt" not in out["attributes"][0]
    assert out["priority"][0] == "Checkout Button Color Test"
    assert [v["experience"] for v in out["versions"]] == sorted(e["name"] for e in source_raw["experiences"])


def test_the_portable_export_equals_the_conversion_of_a_raw_one(source_raw):
    raw = export_project(ProjectListings(listing_client(source_raw)), ["all"], portable=False)
    assert raw["priority"] == source_raw["priority"]
    assert raw["attributes"] == source_raw["attributes"]
    homepage = by(raw["versions"], "name", "Homepage Hero by Loyalty")
    assert len(homepage["versions"]) == 3   # the raw form keeps the archive
    assert portable_from_raw(raw) == export_project(ProjectListings(listing_client(source_raw)), ["all"])


def test_only_the_kinds_asked_and_what_they_refer_to_are_listed(source_raw):
    client = listing_client(source_raw)
    out = export_project(ProjectListings(client), ["audiences"])
    assert sorted(out) == ["audiences", "schema_version"]
    assert [path for method, path in client.calls] == ["/attributes", "/audiences"]
    assert sorted(portable_from_raw({"events": source_raw["events"]})) == ["events", "schema_version"]


def test_versions_are_the_live_then_the_draft(source_raw):
    out = portable_from_raw(source_raw)
    homepage = by(out["versions"], "experience", "Homepage Hero by Loyalty")["versions"]
    assert [v["status"] for v in homepage] == ["active", "draft"]
    ab = by(out["versions"], "experience", "Checkout Button Color Test")["versions"][0]
    assert ab["metrics"][0] == {"__type": "Primary", "name": "Orders", "event": "checkout_completed"}
    assert ab["targeting"] == {"audience": {"audiences": ["US Mobile Shoppers"], "audienceCombinationType": "OR"}}


def test_a_dangling_priority_entry_is_an_error(source_raw):
    source_raw["priority"]["priorityOrder"].append("6650a1b2c3d4e5f6a40000ff")
    with pytest.raises(PersonalizeInputError, match="priority order names experience uid 6650a1b2c3d4e5f6a40000ff"):
        portable_from_raw(source_raw)
