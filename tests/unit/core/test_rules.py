"""Audience rule trees: what makes two audiences equal, and the walkers over the rules."""

import pytest

from fakes import by

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import AUDIENCE
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import (
    Indexes,
    count_rules,
    custom_refs,
    map_definition,
    rules_of,
    uses_lytics_attributes,
    walk_rules,
)

TIER_UID = "6650a1b2c3d4e5f6a1000001"
VALUE_UID = "6650a1b2c3d4e5f6a1000002"
ATTRIBUTES = [{"uid": TIER_UID, "key": "loyalty_tier"}, {"uid": VALUE_UID, "key": "lifetime_value"},
              {"uid": "6650a1b2c3d4e5f6f0000001", "key": "COUNTRY", "__type": "PRESET"}]


def idx():
    return Indexes(attributes=ATTRIBUTES)


def normal(definition):
    """The definition as the audience module compares it."""
    return AUDIENCE.normalize({"name": "A", "definition": definition}, idx(), "audience 'A'")["definition"]


def rule(attribute, condition="STRING_EQUALS", **extra):
    return dict({"attribute": attribute, "attributeMatchCondition": condition}, **extra)


FULL_TIER = {"__type": "Rule", "attribute": {"__type": "CustomAttributeReference", "ref": "loyalty_tier"},
             "attributeMatchCondition": "STRING_EQUALS", "invertCondition": False}


def test_defaults_the_server_fills_in_are_filled_in():
    assert normal({"rules": [rule({"key": "loyalty_tier"})]}) == {
        "__type": "RuleCombination", "combinationType": "AND", "rules": [FULL_TIER]}


def test_the_full_form_and_every_shorthand_mean_the_same():
    full = {"__type": "RuleCombination", "combinationType": "AND", "rules": [dict(FULL_TIER)]}
    for attribute in ({"key": "loyalty_tier"}, {"custom": "loyalty_tier"},
                      {"__type": "CustomAttributeReference", "ref": "loyalty_tier"}):
        assert normal({"combinationType": "AND", "rules": [rule(attribute)]}) == full
    preset = normal({"rules": [rule({"preset": "COUNTRY"})]})["rules"][0]["attribute"]
    assert preset == {"__type": "PresetAttributeReference", "ref": "COUNTRY"}


def test_a_reference_by_uid_and_one_by_key_are_equal():
    assert normal({"rules": [rule({"key": TIER_UID})]}) == normal({"rules": [rule({"key": "loyalty_tier"})]})


def test_invert_condition_defaults_to_false_and_is_a_boolean():
    plain = normal({"rules": [rule({"key": "loyalty_tier"})]})
    assert normal({"rules": [rule({"key": "loyalty_tier"}, invertCondition=False)]}) == plain
    inverted = normal({"rules": [rule({"key": "loyalty_tier"}, invertCondition=1)]})
    assert inverted != plain and inverted["rules"][0]["invertCondition"] is True


def test_match_options_are_kept_and_make_a_difference():
    gold = normal({"rules": [rule({"key": "loyalty_tier"}, attributeMatchOptions={"value": "gold"})]})
    silver = normal({"rules": [rule({"key": "loyalty_tier"}, attributeMatchOptions={"value": "silver"})]})
    assert gold["rules"][0]["attributeMatchOptions"] == {"value": "gold"} and gold != silver


def test_nested_combinations_are_normalised_at_every_level_and_order_counts():
    tree = {"combinationType": "OR", "rules": [
        rule({"key": "loyalty_tier"}),
        {"rules": [rule({"key": "lifetime_value"}, "NUMBER_GREATER_THAN"), rule({"preset": "COUNTRY"})]}]}
    out = normal(tree)
    inner = out["rules"][1]
    assert inner["__type"] == "RuleCombination" and inner["combinationType"] == "AND"
    assert [r["invertCondition"] for r in inner["rules"]] == [False, False]
    swapped = dict(tree, rules=list(reversed(tree["rules"])))
    assert normal(swapped) != out
    assert normal(dict(tree, combinationType="AND")) != out


def test_an_exported_audience_equals_the_same_audience_given_by_keys(source_raw):
    raw = by(source_raw["audiences"], "name", "High-Value Shoppers")
    full = Indexes(attributes=source_raw["attributes"])
    exported = AUDIENCE.export(raw, full)
    given = AUDIENCE.normalize(exported, full, "audience")
    assert given["definition"] == exported["definition"]
    refs = custom_refs(exported["definition"])
    assert refs and all(not r.startswith("6650") for r in refs)


@pytest.mark.parametrize("definition, message", [
    ([], "definition must be a mapping"),
    (rule({"key": "loyalty_tier"}), "must be a RuleCombination"),
    ({"combinationType": "XOR", "rules": []}, "combinationType: must be AND or OR"),
    ({"rules": "x"}, "rules: must be a list"),
    ({"rules": ["x"]}, r"rules\[0\]: a rule must be a mapping"),
    ({"rules": [{"attributeMatchCondition": "X"}]}, "a Rule needs attribute"),
    ({"rules": [rule({"key": "loyalty_tier"}, None)]}, "attributeMatchCondition: required string"),
    ({"rules": [rule("loyalty_tier")]}, "attribute must be a mapping"),
    ({"rules": [rule({"key": "loyalty_tier", "name": "x"})]}, "attribute must be"),
    ({"rules": [rule({"__type": "CustomAttributeReference", "ref": ""})]}, "attribute.ref must be a non-empty string"),
    ({"rules": [rule({"key": "nope"})]}, "unknown custom attribute 'nope'"),
    ({"rules": [{"rules": [rule({"key": "nope"})]}]}, r"definition.rules\[0\].rules\[0\].attribute: unknown"),
])
def test_bad_trees_are_refused_with_the_path_of_the_bad_node(definition, message):
    with pytest.raises(PersonalizeInputError, match=message):
        normal(definition)


def test_map_definition_of_none_is_none():
    assert map_definition(None, "a", lambda ref, at: ref) is None


def test_walk_rules_hands_each_leaf_with_its_path_and_rebuilds_the_tree():
    seen = []
    tree = {"rules": [FULL_TIER, {"combinationType": "OR", "rules": [FULL_TIER]}]}
    out = walk_rules(tree, "a", lambda leaf, path: seen.append(path) or "leaf")
    assert seen == ["definition.rules[0]", "definition.rules[1].rules[0]"]
    assert out["rules"][0] == "leaf" and out["rules"][1]["rules"] == ["leaf"]


def test_rules_of_count_and_references(source_raw):
    lytics = dict(FULL_TIER, attribute={"__type": "LyticsAttributeReference", "ref": "score"})
    tree = {"__type": "RuleCombination", "rules": [FULL_TIER, {"rules": [lytics, dict(FULL_TIER)]}]}
    assert len(rules_of(tree)) == 3 and count_rules(tree) == 3
    assert custom_refs(tree) == ["loyalty_tier", "loyalty_tier"]
    assert uses_lytics_attributes(tree) and not uses_lytics_attributes({"rules": [FULL_TIER]})
    assert count_rules(None) == 0 and count_rules({}) == 0 and custom_refs(None) == []
    assert count_rules(FULL_TIER) == 1   # a lone rule counts as one
    raw = by(source_raw["audiences"], "name", "Young Adults in Europe")
    assert count_rules(raw["definition"]) == 4
