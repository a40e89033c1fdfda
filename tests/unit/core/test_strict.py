"""Strict portable input (issue 18): types, unknown fields, documented shapes, bounds and limits,
all checked without a server, and version errors that name the experience and the variant."""

import pytest

from fakes import by, listing_client

from ansible_collections.contentstack.personalize.plugins.module_utils import validate
from ansible_collections.contentstack.personalize.plugins.module_utils import versions as vers
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeInputError,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import ATTRIBUTE, AUDIENCE, EXPERIENCE
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import Indexes
from ansible_collections.contentstack.personalize.plugins.module_utils.runner import run_module

LYTICS = "High Propensity Buyers (Lytics)"


@pytest.fixture
def idx(source_raw):
    return Indexes(source_raw["attributes"], source_raw["events"], source_raw["audiences"], source_raw["experiences"])


def rule(attribute, **extra):
    return dict({"attribute": attribute, "attributeMatchCondition": "STRING_EQUALS",
                 "attributeMatchOptions": {"__type": "StringMatchOptions", "value": "x"}}, **extra)


def audience(*rules):
    return {"name": "A", "definition": {"rules": list(rules)}}


@pytest.mark.parametrize("given, expected", [
    (True, True), (False, False), ("false", False), ("False", False), ("no", False), ("off", False), ("0", False),
    ("n", False), ("true", True), ("YES", True), ("on", True), ("1", True), ("t", True), (1, True), (0, False)])
def test_booleans_and_ansibles_boolean_strings(given, expected):
    assert validate.boolean(given, "x", "f") is expected


@pytest.mark.parametrize("given", ["perhaps", "", 2, 0.5, [True], {"a": 1}, None])
def test_anything_else_is_not_a_boolean(given):
    with pytest.raises(PersonalizeInputError, match="x: f must be a boolean"):
        validate.boolean(given, "x", "f")


def test_invert_condition_false_as_a_string_is_false(idx):
    norm = AUDIENCE.normalize(audience(rule({"preset": "COUNTRY"}, invertCondition="false")), idx, "audience 'A'")
    assert norm["definition"]["rules"][0]["invertCondition"] is False
    norm = AUDIENCE.normalize(audience(rule({"preset": "COUNTRY"}, invertCondition="yes")), idx, "audience 'A'")
    assert norm["definition"]["rules"][0]["invertCondition"] is True


@pytest.mark.parametrize("bad, message", [
    (rule({"preset": "COUNTRY"}, invertCondition="perhaps"), r"rules\[1\]: invertCondition must be a boolean"),
    (rule({"key": ["a", "b"]}), r"rules\[1\].attribute.key must be a non-empty string \(an attribute key\), got list"),
    (rule({"custom": {"k": 1}}), r"attribute.custom must be a non-empty string"),
    (rule({"preset": "COUNTY"}), r"unknown preset attribute 'COUNTY' \(the presets: COUNTRY"),
    (rule({"__type": "PresetAttributeReference", "ref": "X", "extra": 1}), r"attribute: unknown field.s. extra"),
    (rule({"__type": "SomeReference", "ref": "X"}), r"attribute.__type: must be one of"),
    (rule({"__type": "LyticsAttributeReference", "ref": "X"}), r"unknown Lytics attribute 'X'"),
    (rule({"preset": "COUNTRY"}, colour="red"), r"rules\[1\]: unknown field.s. colour"),
    (rule({"preset": "COUNTRY"}, attributeMatchOptions={"__type": "StringMatchOptions", "value": 5}),
     r"attributeMatchOptions: value must be a string, got int"),
    (rule({"preset": "COUNTRY"}, attributeMatchOptions={"__type": "NumberMatchOptions", "value": True}),
     r"attributeMatchOptions.value: must be a number for NumberMatchOptions, got bool"),
    (rule({"preset": "COUNTRY"}, attributeMatchOptions={"__type": "FlowStateMatchOptions", "flowId": "f"}),
     r"flowState must be a string, got NoneType"),
    (rule({"preset": "COUNTRY"}, attributeMatchOptions={"value": "x", "values": ["y"]}), r"unknown field.s. values"),
    (rule({"preset": "COUNTRY"}, attributeMatchOptions="x"), r"attributeMatchOptions must be a mapping, got str"),
    (rule({"preset": "COUNTRY"}, __type="Leaf"), r"rules\[1\].__type: must be Rule or RuleCombination"),
    ({"combinationType": "AND", "rules": [], "negate": True}, r"definition.rules\[1\]: unknown field.s. negate"),
])
def test_rule_trees_have_the_documented_shape(idx, bad, message):
    with pytest.raises(PersonalizeInputError, match=message):
        AUDIENCE.normalize(audience(rule({"preset": "COUNTRY"}), bad), idx, "audience 'A'")


def test_rules_per_audience(idx, monkeypatch):
    many = audience(*[rule({"preset": "COUNTRY"}) for _pos in range(51)])
    with pytest.raises(PersonalizeInputError, match="51 rules, over the limit of 50"):
        AUDIENCE.normalize(many, idx, "audience 'A'")
    idx.limits = validate.limits({"rules_per_audience": 100})
    assert len(AUDIENCE.normalize(many, idx, "audience 'A'")["definition"]["rules"]) == 51


@pytest.mark.parametrize("given, message", [
    ([1], "must be a mapping"), ({"widgets": 5}, "unknown limit 'widgets'"), ({"audiences": -1}, "non-negative"),
    ({"audiences": True}, "non-negative"), ("not a mapping", "must be a mapping")])
def test_bad_limits_are_refused(given, message):
    with pytest.raises(PersonalizeInputError, match=message):
        validate.limits(given)


@pytest.mark.parametrize("item, message", [
    ({"key": "k", "descripton": "x"}, r"attribute 'k': unknown field.s. descripton \(known: description, key"),
    ({"key": "k\x00"}, r"key holds the control character U\+0000 at position 1"),
    ({"key": "k", "name": "tab\there"}, r"name holds the control character U\+0009"),
    ({"key": "k" * 256}, r"key is 256 characters long, over the limit of 255"),
    ({"key": "k", "description": "d" * 10001}, r"description is 10001 characters long, over the limit of 10000"),
    ({"key": "   "}, r"key must not be empty"),
])
def test_attribute_fields(item, message):
    with pytest.raises(PersonalizeInputError, match=message):
        ATTRIBUTE.normalize(item, None, "attribute 'k'")


def test_descriptions_may_hold_newlines_and_tabs():
    assert ATTRIBUTE.normalize({"key": "k", "description": "one\n\ttwo"}, None, "a")["description"] == "one\n\ttwo"


def test_experience_fields(idx):
    with pytest.raises(PersonalizeInputError, match=r"tags\[1\] holds the control character"):
        EXPERIENCE.normalize({"name": "E", "tags": ["ok", "b\x1fad"]}, idx, "experience 'E'")
    with pytest.raises(PersonalizeInputError, match="type must be a string, got list"):
        EXPERIENCE.normalize({"name": "E", "type": ["ab_test"]}, idx, "experience 'E'")
    with pytest.raises(PersonalizeInputError, match=r"unknown field.s. variants"):
        EXPERIENCE.normalize({"name": "E", "variants": []}, idx, "experience 'E'")


AB = [{"name": "A", "trafficDistribution": 50}, {"name": "B", "trafficDistribution": 50}]


@pytest.mark.parametrize("spec, exp_type, message", [
    ({"variants": AB, "metrics": [{"name": "M1", "event": "add_to_cart"}, {"name": "M2", "event": "nope"}]}, "ab_test",
     r"2 primary metrics \(e: versions\[0\]: metrics\[0\] \(metric 'M1'\); .*metric 'M2'"),
    ({"variants": AB, "metrics": [{"event": "add_to_cart", "__type": "Tertiary"}]}, "ab_test", "Primary or Secondary"),
    ({"variants": AB, "metrics": [{"event": "add_to_cart", "weight": 2}]}, "ab_test", r"unknown field.s. weight"),
    ({"variants": AB, "metrics": [{"event": "add_to_cart", "name": "M\x00"}]}, "ab_test", "control character"),
    ({"variants": AB, "targeting": {"audience": {"audiences": [LYTICS]}}}, "ab_test",
     r"targeting.audience.audiences names audience .*, which is a Lytics audience"),
    ({"variants": AB, "targeting": {"audience": {"audiences": [], "combination": "OR"}}}, "ab_test",
     r"targeting.audience: unknown field.s. combination"),
    ({"variants": AB, "variant_split": {"x": 1}}, "ab_test", "variant_split must be a string, got dict"),
    ({"variants": [{"name": "V", "audiences": [LYTICS]}]}, "segmented",
     r"variant 'V': audiences names audience .*, which is a Lytics audience; Lytics audiences go in lyticsAudiences"),
    ({"variants": [{"name": "V", "lyticsAudiences": ["Lapsed Customers"]}]}, "segmented",
     r"lyticsAudiences names audience 'Lapsed Customers', which is not a Lytics audience"),
    ({"variants": [{"name": "V", "audiences": ["0123456789abcdef0123456789abcdef"]}]}, "segmented",
     r"a Lytics audience uid; Lytics audiences go in lyticsAudiences"),
    ({"variants": [{"name": "V\x07", "audiences": ["Lapsed Customers"]}]}, "segmented", "control character U\\+0007"),
    ({"variants": [{"name": "V%d" % i, "audiences": ["Lapsed Customers"]} for i in range(21)]}, "segmented",
     "21 variants exceed the limit of 20"),
])
def test_bad_version_specs(idx, spec, exp_type, message):
    with pytest.raises(PersonalizeInputError, match=message):
        vers.normalize_spec(spec, exp_type, idx, "e: versions[0]")


def test_a_lytics_audience_in_its_place_and_a_secondary_metric_are_fine(idx):
    seg = vers.normalize_spec({"variants": [{"name": "V", "lyticsAudiences": [LYTICS]}]}, "segmented", idx, "e")
    assert seg["variants"][0]["lyticsAudiences"] == [LYTICS]
    ab = vers.normalize_spec({"variants": AB, "metrics": [{"name": "M1", "event": "add_to_cart"}, {
        "name": "M2", "event": "product_view", "__type": "Secondary"}]}, "ab_test", idx, "e")
    assert [m["__type"] for m in ab["metrics"]] == ["Primary", "Secondary"]


def test_the_count_limit_is_checked_before_the_first_write(source_raw, monkeypatch):
    client = listing_client(source_raw)
    have = len([a for a in source_raw["attributes"] if a.get("__type") != "PRESET"])
    items = [{"key": "extra_%d" % i} for i in range(101 - have)]
    failed = run_module("personalize_attribute", {"items": items}, client=client)
    assert failed["failed"] and client.writes() == []
    assert "would create %d, leaving 101 in the project (%d exist now)" % (len(items), have) in failed["msg"]
    assert "the limits option" in failed["msg"] and "migrate_limits" in failed["msg"]
    # Deleting in the same task makes room; a plan with a higher limit says so with the limits option.
    pruned = run_module("personalize_attribute", {"items": items, "prune": True}, check_mode=True, client=client)
    assert not pruned.get("failed"), pruned
    assert not run_module("personalize_attribute", {"items": items, "limits": {"attributes": 1000}},
                          check_mode=True, client=client).get("failed")


def test_a_refused_version_call_names_the_experience_and_the_variant(source_raw):
    entry = by(source_raw["versions"], "name", "Newsletter Signup Prompt")
    path = "/experiences/%s/versions/%s" % (entry["experience"], entry["versions"][0]["uid"])
    refusal = PersonalizeApiError("PUT", path, 400, "personalize.EXPERIENCES.VERSIONS.VALIDATION_ERROR",
                                  errors={"variants[1].audiences": ["must not be empty"]})
    client = listing_client(source_raw, answers={("PUT", path): refusal})
    variants = [{"name": "First visit prompt", "audiences": ["First-Time Visitors"]},
                {"name": "Second", "audiences": ["Lapsed Customers"]}]
    failed = run_module("personalize_version", {"experience": "Newsletter Signup Prompt", "variants": variants},
                        client=client)
    assert failed["failed"]
    assert failed["msg"].startswith("experience 'Newsletter Signup Prompt': write the desired content into the draft")
    assert "variants[1] (variant 'Second')" in failed["msg"] and "0 version call(s)" in failed["msg"]


def test_an_unknown_uid_in_a_version_read_from_the_project_names_experience_and_variant(source_raw):
    exp = by(source_raw["experiences"], "name", "Summer Sale Banner")
    raw = {"status": "PAUSED", "variants": [{"name": "Sale", "audiences": ["6650a1b2c3d4e5f6ffffffff"]}]}
    idx = Indexes(source_raw["attributes"], source_raw["events"], source_raw["audiences"], [exp])
    with pytest.raises(PersonalizeInputError, match="experience 'Summer Sale Banner', paused version: variant 'Sale' "
                                                    "references audience uid 6650a1b2c3d4e5f6ffffffff"):
        vers.export_version(raw, "segmented", idx, "experience 'Summer Sale Banner'")


def test_a_413_answer_is_a_clean_error_naming_the_item(source_raw):
    too_large = PersonalizeApiError("POST", "/audiences", 413, "request entity too large")
    client = listing_client(source_raw, answers={("POST", "/audiences"): too_large})
    failed = run_module("personalize_audience", {"items": [{"name": "Big", "description": "x" * 9000}]}, client=client)
    assert failed["failed"] and failed["msg"].startswith("audience 'Big': POST /audiences returned 413: request entity too large")
