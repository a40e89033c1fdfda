"""Each kind's declaration: normalize (input), export (raw -> portable), body (portable -> API),
complete (what a create makes), read-only objects and the project kind's refusals."""

import pytest

from fakes import by

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeInputError,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.export import RawProject
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import (
    ATTRIBUTE,
    AUDIENCE,
    BY_PLURAL,
    EMPTY_DEFINITION,
    EVENT,
    EXPERIENCE,
    KINDS,
    LOAD_ORDER,
    PROJECT,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import Indexes


@pytest.fixture
def idx(source_raw):
    return Indexes(**dict((k, source_raw[k]) for k in BY_PLURAL))


def test_identity_and_load_order_have_one_home():
    assert dict((p, k.identity) for p, k in BY_PLURAL.items()) == {
        "attributes": "key", "events": "key", "audiences": "name", "experiences": "name"}
    assert tuple(BY_PLURAL) == LOAD_ORDER[:4]
    assert LOAD_ORDER[4:] == ("versions", "priority")
    assert KINDS["project"] is PROJECT and "projects" not in BY_PLURAL
    # The name indexes take their identity from the kinds.
    assert [(i.kind, i.identity) for i in Indexes().all()] == [(k.name, k.identity) for k in BY_PLURAL.values()]


def test_attribute_export_body_complete(source_raw, idx):
    raw = by(source_raw["attributes"], "key", "loyalty_tier")
    assert ATTRIBUTE.export(raw, idx) == {"key": "loyalty_tier", "name": "Loyalty Tier",
                                          "description": raw["description"]}
    assert ATTRIBUTE.export({"key": "bare"}, idx) == {"key": "bare", "name": "bare", "description": ""}
    assert ATTRIBUTE.complete({"key": "tier"}) == {"key": "tier", "name": "tier", "description": ""}
    assert ATTRIBUTE.body({"key": "tier", "description": None, "uid": "x"}, idx, "a") == {
        "key": "tier", "name": "tier", "description": ""}


@pytest.mark.parametrize("item, message", [
    ({"name": "x"}, "key is required"),
    ({"key": "  "}, "key must not be empty"),
    ({"key": 5}, "key must be a string, got int"),
    ({"key": "k", "description": ["x"]}, "description must be a string, got list"),
])
def test_attribute_normalize_refuses_bad_items(item, message):
    with pytest.raises(PersonalizeInputError, match=message):
        ATTRIBUTE.normalize(item, None, "attribute")


def test_normalize_keeps_only_the_fields_given():
    assert ATTRIBUTE.normalize({"key": "k", "state": "present"}, None, "a") == {"key": "k"}
    # A field no kind declares is no longer dropped silently (issue 18): it is refused by name.
    with pytest.raises(PersonalizeInputError, match="a: unknown field.s. junk"):
        ATTRIBUTE.normalize({"key": "k", "state": "present", "junk": 1}, None, "a")
    assert EVENT.normalize({"key": "k", "name": "K"}, None, "e") == {"key": "k", "name": "K"}


def test_read_only_objects(source_raw):
    preset = by(source_raw["attributes"], "key", "COUNTRY")
    lytics = by(source_raw["audiences"], "name", "High Propensity Buyers (Lytics)")
    assert "preset" in ATTRIBUTE.readonly_reason(preset)
    assert ATTRIBUTE.readonly_reason(by(source_raw["attributes"], "key", "age_band")) is None
    assert EVENT.readonly_reason({"__type": "PRESET"}) is None
    assert "Lytics" in AUDIENCE.readonly_reason(lytics)
    assert AUDIENCE.readonly_reason(source_raw["audiences"][0]) is None
    assert EXPERIENCE.readonly_reason(source_raw["experiences"][0]) is None


def test_audience_export_names_attributes_by_key_and_marks_lytics(source_raw, idx):
    raw = by(source_raw["audiences"], "name", "Gold & Platinum Members")
    out = AUDIENCE.export(raw, idx)
    assert [r["attribute"]["ref"] for r in out["definition"]["rules"]] == ["loyalty_tier", "loyalty_tier"]
    lytics = AUDIENCE.export(by(source_raw["audiences"], "name", "High Propensity Buyers (Lytics)"), idx)
    assert lytics["read_only"] is True and lytics["source"] == "LYTICS" and "definition" not in lytics
    assert AUDIENCE.export({"name": "none"}, idx)["definition"] == EMPTY_DEFINITION
    dangling = dict(raw, definition={"rules": [{"attribute": {"__type": "CustomAttributeReference", "ref": "f" * 24},
                                                "attributeMatchCondition": "X"}]})
    with pytest.raises(PersonalizeInputError, match="custom attribute uid f+, which does not exist"):
        AUDIENCE.export(dangling, idx)


def test_audience_normalize_and_body_round_trip(source_raw, idx):
    raw = by(source_raw["audiences"], "name", "Gold & Platinum Members")
    portable = AUDIENCE.export(raw, idx)
    body = AUDIENCE.body(portable, idx, "audience")
    assert body["definition"] == raw["definition"] and body["name"] == raw["name"]
    assert AUDIENCE.body({"name": "empty"}, idx, "a") == {"name": "empty", "description": "",
                                                          "definition": EMPTY_DEFINITION}
    assert AUDIENCE.normalize({"name": "n"}, idx, "a") == {"name": "n"}
    assert AUDIENCE.complete({"name": "n"}) == {"name": "n", "description": "", "definition": EMPTY_DEFINITION}


@pytest.mark.parametrize("item, message", [
    ({"name": "L", "source": "lytics"}, "Lytics audiences are read-only"),
    ({"name": "L", "read_only": True}, "Lytics audiences are read-only"),
    ({"name": "L", "definition": []}, "definition must be a mapping"),
])
def test_audience_normalize_refusals(item, message, idx):
    with pytest.raises(PersonalizeInputError, match=message):
        AUDIENCE.normalize(item, idx, "audience")


def test_experience_kind(source_raw, idx):
    raw = by(source_raw["experiences"], "name", "Summer Sale Banner")
    out = EXPERIENCE.export(raw, idx)
    assert out == {"name": raw["name"], "type": "segmented", "description": raw["description"], "tags": raw["tags"]}
    ab = EXPERIENCE.export(by(source_raw["experiences"], "name", "Checkout Button Color Test"), idx)
    assert ab["type"] == "ab_test" and ab["tags"] == []
    assert EXPERIENCE.normalize({"name": "X", "type": "AB_TEST", "tags": ["a"]}, idx, "e") == {
        "name": "X", "type": "ab_test", "tags": ["a"]}
    assert EXPERIENCE.body({"name": "X", "type": "ab_test"}, idx, "e") == {
        "name": "X", "description": "", "__type": "AB_TEST", "tags": []}
    assert EXPERIENCE.complete({"name": "X"}) == {"name": "X", "type": "segmented", "description": "", "tags": []}
    assert EXPERIENCE.immutable == ("type",)


@pytest.mark.parametrize("item, message", [
    ({"name": "X", "type": "split"}, "type must be one of ab_test, segmented"),
    ({"name": "X", "tags": "a"}, "tags must be a list of strings"),
    ({"name": "X", "tags": [1]}, "tags must be a list of strings"),
])
def test_experience_normalize_refusals(item, message):
    with pytest.raises(PersonalizeInputError, match=message):
        EXPERIENCE.normalize(item, None, "experience")


def test_project_kind_export_body_normalize():
    raw = {"uid": "p1", "name": "Shop", "description": None, "connectedStackApiKey": "blt1"}
    assert PROJECT.export(raw, None) == {"name": "Shop", "description": "", "connected_stack_api_key": "blt1"}
    assert PROJECT.body({"name": "Shop", "connected_stack_api_key": "blt1"}, None, "p") == {
        "name": "Shop", "description": "", "connectedStackApiKey": "blt1"}
    assert PROJECT.body({"name": "Shop"}, None, "p") == {"name": "Shop", "description": ""}
    assert PROJECT.normalize({"name": "Shop", "connected_stack_api_key": ""}, None, "p") == {
        "name": "Shop", "connected_stack_api_key": None}


def test_project_is_never_updated_a_description_warns_a_stack_refuses():
    before = {"name": "Shop", "description": "old", "connected_stack_api_key": None}
    after, fields, warnings = PROJECT.settle_update("project 'Shop'", before, dict(before, description="new"),
                                                    ["description"])
    assert after == before and fields == [] and "left as it is" in warnings[0]
    with pytest.raises(PersonalizeInputError, match="is not connected to a stack, but the task asks for stack blt9"):
        PROJECT.settle_update("p", before, dict(before, connected_stack_api_key="blt9"), ["connected_stack_api_key"])
    assert ATTRIBUTE.settle_update("a", {}, {"key": "k"}, ["name"]) == ({"key": "k"}, ["name"], [])


class _Listings:
    def __init__(self, projects, client=None):
        self.projects = projects
        self.client = client

    def raw(self, plural):
        return self.projects

    def refresh(self, plural):
        return self.projects


class _Org:
    organization_uid = "blt-org"


def _api_error(status, code, method="POST"):
    return PersonalizeApiError(method, "/projects", status, code or "refused")


def test_project_create_refusals_are_explained():
    listings = _Listings([{"uid": "p1", "name": "Shop"}, {"uid": "p2", "name": "shop "}], _Org())
    limit = PROJECT.create_refused(_api_error(400, "personalize.PROJECTS.LIMIT_EXCEEDED"), "New", listings)
    assert "reached its limit of projects (2 exist" in str(limit)
    raced = PROJECT.create_refused(_api_error(409, "personalize.PROJECTS.DUPLICATE_NAME"), "Shop", listings)
    assert "created by someone else (uid p1)" in str(raced)
    alike = PROJECT.create_refused(_api_error(409, "personalize.PROJECTS.DUPLICATE_NAME"), "SHOP", listings)
    assert "similar: 'Shop', 'shop '" in str(alike)
    assert PROJECT.create_refused(_api_error(500, "OTHER"), "x", listings) is None
    assert ATTRIBUTE.create_refused(_api_error(500, "OTHER"), "x", listings) is None


@pytest.mark.parametrize("status, method, hint", [
    (401, "GET", "management tokens are refused"),
    (403, "GET", "cannot reach organization blt-org"),
    (403, "POST", "needs the personalize:manage scope"),
])
def test_project_errors_name_the_token_problem(status, method, hint):
    assert hint in PROJECT.explain(_api_error(status, "", method), "Shop", "blt-org")
    assert PROJECT.explain(_api_error(500, "", method), "Shop", "o").startswith("project 'Shop': ")


def test_raw_project_reads_a_raw_export_without_calls(source_raw):
    project = RawProject(source_raw)
    assert project.versions("missing") == [] and project.priority() == source_raw["priority"]["priorityOrder"]
    assert project.indexes("attributes") is project.indexes()
    with pytest.raises(PersonalizeInputError, match="the raw export has no projects"):
        project.raw("projects")
