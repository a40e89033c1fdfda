"""The one compare of portable objects, the copy's verify built on it, and the uid map."""

import copy

from fakes import by

from ansible_collections.contentstack.personalize.plugins.module_utils.compare import (
    compare_items,
    diff_fields,
    differences,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.versions import live_and_draft
from ansible_collections.contentstack.personalize.plugins.module_utils.migrate import build_plan, compare, uid_map

HOMEPAGE = "Homepage Hero by Loyalty"


def test_diff_fields_only_among_the_fields_given_in_their_order():
    before = {"key": "k", "name": "A", "description": "x", "uid": "1"}
    after = {"key": "k", "name": "B", "description": None, "uid": "2"}
    assert diff_fields(before, after, ("key", "name", "description")) == ["name", "description"]
    assert diff_fields(None, {"key": "k"}, ("key",)) == ["key"] and diff_fields(None, None, ("key",)) == []


def test_differences_name_kind_item_field_and_both_values():
    assert differences("audience", "Gold", {"name": "Gold", "description": "a", "x": 1},
                       {"name": "Gold", "description": "b"}) == [
        {"kind": "audience", "item": "Gold", "field": "description", "expected": "a", "actual": "b"},
        {"kind": "audience", "item": "Gold", "field": "x", "expected": 1, "actual": None}]
    assert differences("audience", "Gold", {"a": 1}, {"a": 2, "b": 3}, fields=["a"]) == [
        {"kind": "audience", "item": "Gold", "field": "a", "expected": 1, "actual": 2}]


def test_compare_items_missing_differing_and_extra():
    expected = [{"key": "b", "name": "B"}, {"key": "a", "name": "A"}, {"key": "c", "name": "C"}]
    actual = [{"key": "a", "name": "A"}, {"key": "c", "name": "see"}, {"key": "z", "name": "Z"}]
    assert compare_items("attribute", "key", expected, actual) == [
        {"kind": "attribute", "item": "b", "field": None, "expected": expected[0], "actual": None},
        {"kind": "attribute", "item": "c", "field": "name", "expected": "C", "actual": "see"}]
    extra = compare_items("attribute", "key", expected, actual, extra=True)[-1]
    assert extra == {"kind": "attribute", "item": "z", "field": None, "expected": None, "actual": actual[2]}


def test_a_destination_equal_to_the_plan_has_no_differences(source_raw):
    plan = build_plan(source_raw, None, allow_skips=True)
    assert compare(plan, portable_from_raw(source_raw), prune=True) == []


def test_verify_lines_for_each_kind_of_difference(source_raw, dest_raw):
    plan = build_plan(source_raw, dest_raw, include=[HOMEPAGE], prune=True)
    actual = portable_from_raw(dest_raw)
    gold = by(actual["audiences"], "name", "Gold & Platinum Members")
    gold["definition"] = copy.deepcopy(by(plan["audiences"], "name", "High-Value Shoppers")["definition"])
    problems = compare(plan, actual, prune=True)
    # kinds in name order, items in plan order: the missing attributes come first
    assert problems[0] == "attribute 'cart_value' is missing in the destination"
    assert "attribute 'loyalty_tier' is missing in the destination" not in problems
    assert "attribute 'legacy_score' should have been deleted" in problems
    assert "audience 'Gold & Platinum Members' differs in definition, description" in problems
    # the destination's Lytics audience is read-only: never missing, never extra
    assert not [p for p in problems if "Lytics" in p]
    assert "versions of experience %r differ: expected ['active', 'draft'], found ['active', 'draft']" % HOMEPAGE \
        in problems
    assert "should have been deleted" not in " ".join(compare(plan, actual))


def test_verify_of_versions_and_priority(source_raw):
    actual = portable_from_raw(source_raw)
    plan = build_plan(source_raw, None, allow_skips=True, activation="draft")
    problems = compare(plan, actual, activation="draft")
    # activation draft: only the destination's drafts count (the homepage's draft is the plan's)
    assert not [p for p in problems if HOMEPAGE in p]
    assert "versions of experience 'Summer Sale Banner' differ: expected ['draft'], found []" in problems
    actual["priority"] = list(reversed(actual["priority"])) + ["Not planned"]
    last = compare(build_plan(source_raw, None, allow_skips=True), actual)[-1]
    assert last.startswith("experience priority order differs: expected ['Checkout Button Color Test', ")
    assert last.endswith("found ['Newsletter Signup Prompt', 'Category Picks for Young Europeans', "
                         "'Summer Sale Banner', 'Free Shipping Threshold Test', 'Homepage Hero by Loyalty', "
                         "'Checkout Button Color Test']")


def test_live_and_draft_choose_one_of_each_in_any_order_and_case():
    archived, active, draft = {"status": "ARCHIVED"}, {"status": "ACTIVE", "n": 1}, {"status": "DRAFT"}
    assert live_and_draft([draft, archived, active]) == (active, draft)
    assert live_and_draft([{"status": "PAUSED"}]) == ({"status": "PAUSED"}, None)
    assert live_and_draft([archived]) == (None, None) and live_and_draft(None) == (None, None)
    assert live_and_draft([active, {"status": "ACTIVE", "n": 2}])[0] is active   # the first wins
    assert live_and_draft([{"status": "draft"}, {"status": "paused"}]) == ({"status": "paused"}, {"status": "draft"})


def test_uid_map_maps_by_key_or_name_and_variants_by_name(source_raw, dest_raw):
    out = uid_map(source_raw, dest_raw)
    assert out["attributes"] == {"6650a1b2c3d4e5f6a1000001": "6650a1b2c3d4b5f6a1000001"}   # no preset
    assert out["audiences"] == {"6650a1b2c3d4e5f6a2000001": "6650a1b2c3d4b5f6a2000001",
                                "5d3c1a9e7b2f4e6a8c0d1b3f5a7e9c2d": "5d3c1a9e7b2f4e6a8c0d1b3f5a7e9c2d"}
    assert out["events"] == {} and out["experiences"] == {"6650a1b2c3d4e5f6a4000001": "6650a1b2c3d4b5f6a4000001"}
    # live with live, draft with draft; the archived version maps to nothing
    assert out["versions"] == {"6650a1b2c3d4e5f6a5010002": "6650a1b2c3d4b5f6a5010002",
                               "6650a1b2c3d4e5f6a5010003": "6650a1b2c3d4b5f6a5010003"}
    # variants by name: the destination numbered "Win-back hero" 7, not 4
    assert out["variants"] == {"6650a1b2c3d4e5f6a4000001": {"0": "0", "4": "7"}}


def test_uid_map_of_an_empty_destination_is_empty(source_raw):
    out = uid_map(source_raw, {})
    assert out == {"attributes": {}, "events": {}, "audiences": {}, "experiences": {}, "versions": {}, "variants": {}}
