"""Drift (module_utils/drift.py): a live project (raw fixture) against its folder or another project,
the text form of rule trees, and the report files. No server."""

import copy
import json

import pytest

from fakes import by, fixture

from ansible_collections.contentstack.personalize.plugins.module_utils import drift
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw

HOMEPAGE = "Homepage Hero by Loyalty"
NEWSLETTER = "Newsletter Signup Prompt"
LYTICS = "High Propensity Buyers (Lytics)"


@pytest.fixture
def live():
    return fixture("retail_raw.json")


@pytest.fixture
def folder(live):
    """The live project as export.yml writes it, as the folder lookup reads it back (files only)."""
    return portable_from_raw(live)


def raw_versions(live, name):
    return by(live["versions"], "name", name)["versions"]


# ------------------------------------------------------------------------------ rule text
def test_rule_text_is_one_readable_line():
    def rule(ref, cond, value=None, kind="CustomAttributeReference", invert=False):
        out = {"__type": "Rule", "attribute": {"__type": kind, "ref": ref}, "attributeMatchCondition": cond,
               "invertCondition": invert}
        if value is not None:
            out["attributeMatchOptions"] = {"__type": "StringMatchOptions", "value": value}
        return out

    tree = {"__type": "RuleCombination", "combinationType": "AND", "rules": [
        rule("lifetime_value", "NUMBER_GREATER_THAN", 1000),
        {"__type": "RuleCombination", "combinationType": "OR", "rules": [
            rule("COUNTRY", "STRING_EQUALS", "US", kind="PresetAttributeReference"),
            rule("REFERRER", "HAS_ANY_VALUE", kind="PresetAttributeReference", invert=True),
            rule("tier", "IS_IN_FLOW_STATE")]}]}
    assert drift.rule_text(tree) == ('lifetime_value > 1000 AND (preset.COUNTRY = "US" OR NOT (preset.REFERRER has any value)'
                                     ' OR tier is in flow state)')
    assert drift.rule_text({"__type": "RuleCombination", "combinationType": "AND", "rules": []}) == "(no rules: everyone)"
    flow = rule("x", "IS_IN_FLOW_STATE")
    flow["attributeMatchOptions"] = {"__type": "FlowStateMatchOptions", "flowId": "f1", "flowState": "done"}
    assert drift.rule_text(flow) == 'x is in flow state {flowId: "f1", flowState: "done"}'


# ------------------------------------------------------------------------------ no noise
def test_a_project_against_its_own_folder_or_itself_shows_no_drift(live, folder):
    assert drift.folder_drift(folder, live) == {"differences": [], "notes": []}
    out = drift.project_drift(live, live)
    assert out["differences"] == []
    assert out["notes"] == ["skipped: audience %r: Lytics audiences cannot be created through the API" % LYTICS]


def test_what_the_server_fills_in_or_does_not_keep_is_no_drift(live, folder):
    # a hand-written folder: defaults left out, shorthand references, no shortUids, other orders
    for attr in folder["attributes"]:
        del attr["description"]
    gold = by(folder["audiences"], "name", "Gold & Platinum Members")
    for node in gold["definition"]["rules"]:
        node["attribute"] = {"key": node["attribute"]["ref"]}
        del node["invertCondition"]
    for entry in folder["versions"]:
        for spec in entry["versions"]:
            for variant in spec["variants"]:
                variant.pop("shortUid", None)
    folder["audiences"].reverse()
    folder["attributes"].reverse()
    # the server's own fields and uids in the live project
    for aud in live["audiences"]:
        aud.update(createdAt="2026-01-01T00:00:00Z", updatedBy="blt0", uid=aud["uid"])
    assert drift.folder_drift(folder, live)["differences"] == []


# ------------------------------------------------------------------------------ each kind of drift
def test_each_change_is_one_difference_with_both_values(live, folder):
    by(live["attributes"], "key", "loyalty_tier")["name"] = "Tier"
    high = by(live["audiences"], "name", "High-Value Shoppers")
    high["definition"]["rules"][1]["rules"][0]["attributeMatchOptions"]["value"] = 200
    extra = copy.deepcopy(high)
    extra.update(uid="6650a1b2c3d4e5f6a20000ff", name="Made by hand")
    live["audiences"].append(extra)
    diffs = drift.folder_drift(folder, live)["differences"]
    assert diffs[0] == {"kind": "attribute", "item": "loyalty_tier", "field": "name", "desired": "Loyalty Tier", "live": "Tier"}
    assert diffs[1] == {"kind": "audience", "item": "High-Value Shoppers", "field": "definition",
                        "desired": "lifetime_value > 1000 AND (cart_value > 150 OR visits_count > 20)",
                        "live": "lifetime_value > 1000 AND (cart_value > 200 OR visits_count > 20)"}
    assert diffs[2]["item"] == "Made by hand" and diffs[2]["field"] is None and diffs[2]["desired"] is None
    assert diffs[2]["live"]["definition"].startswith("lifetime_value > 1000")
    assert len(diffs) == 3


def test_a_deleted_experience_is_one_difference_not_its_versions_or_priority(live, folder):
    uid = by(live["experiences"], "name", NEWSLETTER)["uid"]
    live["experiences"] = [e for e in live["experiences"] if e["uid"] != uid]
    live["versions"] = [v for v in live["versions"] if v["experience"] != uid]
    live["priority"]["priorityOrder"].remove(uid)
    diffs = drift.folder_drift(folder, live)["differences"]
    assert [(d["kind"], d["item"], d["field"], d["live"]) for d in diffs] == [("experience", NEWSLETTER, None, None)]


def test_version_status_drift_paused_and_activated_by_hand(live, folder):
    for version in raw_versions(live, "Checkout Button Color Test"):
        version["status"] = "PAUSED"
    # the draft-only experience activated by hand: the same content, now live
    raw_versions(live, NEWSLETTER)[0]["status"] = "ACTIVE"
    diffs = drift.folder_drift(folder, live)["differences"]
    assert diffs == [
        {"kind": "version", "item": "Checkout Button Color Test", "version": "live", "field": "status",
         "desired": "active", "live": "paused"},
        {"kind": "version", "item": NEWSLETTER, "version": "draft", "field": "status", "desired": "draft", "live": "active"}]


def test_variant_changes_name_the_variant_and_its_field(live, folder):
    live_version = [v for v in raw_versions(live, "Free Shipping Threshold Test") if v["status"] == "ACTIVE"][0]
    live_version["variants"][0]["trafficDistribution"] += 1
    live_version["variants"][1]["trafficDistribution"] -= 1
    homepage = by(folder["versions"], "experience", HOMEPAGE)["versions"]
    homepage[1]["variants"].pop()     # the folder's draft has one variant fewer than the live draft
    diffs = drift.folder_drift(folder, live)["differences"]
    first = live_version["variants"][0]
    assert diffs[0]["item"] == "Free Shipping Threshold Test" and diffs[0]["version"] == "live"
    assert diffs[0]["field"] == "variants[%s].trafficDistribution" % first["name"]
    assert (diffs[0]["desired"], diffs[0]["live"]) == (first["trafficDistribution"] - 1, first["trafficDistribution"])
    gone = raw_versions(live, HOMEPAGE)[2]["variants"][-1]["name"]
    assert diffs[2] == {"kind": "version", "item": HOMEPAGE, "version": "draft", "field": "variants[%s]" % gone,
                        "desired": None, "live": diffs[2]["live"]}
    assert diffs[2]["live"]["name"] == gone
    assert len(diffs) == 3


def test_priority_drift_among_the_experiences_both_sides_have(live, folder):
    order = live["priority"]["priorityOrder"]
    order[0], order[1] = order[1], order[0]
    diffs = drift.folder_drift(folder, live)["differences"]
    assert [(d["kind"], d["field"]) for d in diffs] == [("priority", "order")]
    assert diffs[0]["desired"][:2] == diffs[0]["live"][1::-1]


def test_project_drift_follows_the_copy_selection_and_activation(live):
    dest = copy.deepcopy(live)
    by(dest["attributes"], "key", "age_band")["description"] = "changed"
    extra = dict(by(dest["attributes"], "key", "age_band"), uid="6650a1b2c3d4e5f6a10000ff", key="hand_made")
    dest["attributes"].append(extra)
    diffs = drift.project_drift(live, dest)["differences"]
    assert [(d["item"], d["field"]) for d in diffs] == [("age_band", "description"), ("hand_made", None)]
    # a pattern that leaves both out: neither counts
    assert drift.project_drift(live, dest, exclude=["age_band", "hand_made", "Category Picks*", "Young*"])["differences"] == []
    # activation draft: only drafts count, and a copy in draft mode leaves every experience a draft
    out = drift.project_drift(live, live, activation="draft")["differences"]
    assert set(d["item"] for d in out) == set(e["name"] for e in live["experiences"]) - set([HOMEPAGE, NEWSLETTER])
    assert all(d["version"] == "draft" and d["field"] is None and d["live"] is None for d in out)


def test_a_source_that_cannot_be_planned_is_an_error(live):
    live["attributes"].remove(by(live["attributes"], "key", "loyalty_tier"))   # an audience names its uid
    with pytest.raises(PersonalizeInputError, match="source cannot be copied"):
        drift.project_drift(live, live)


def test_lytics_audiences_on_one_side_are_notes_not_drift(live, folder):
    folder["audiences"] = [a for a in folder["audiences"] if a["name"] != LYTICS]
    out = drift.folder_drift(folder, live)
    assert out["differences"] == []
    assert out["notes"] == ["read-only (Lytics) audience %r is in the project, not in the folder" % LYTICS]


# ------------------------------------------------------------------------------ the report
def test_report_json_markdown_and_lines(live, folder):
    by(live["attributes"], "key", "loyalty_tier")["name"] = "Tier | Gold"
    order = live["priority"]["priorityOrder"]
    order[0], order[1] = order[1], order[0]
    first = dict(drift.folder_drift(folder, live), project="p1", against="folder ./f")
    clean = dict(drift.folder_drift(portable_from_raw(fixture("retail_raw.json")), fixture("retail_raw.json")),
                 project="p0", against="folder ./f")
    broken = {"project": "p2", "against": "folder ./f", "error": "401"}
    out = drift.report([first, clean, broken])
    assert out["json"] == {"p0": [], "p1": first["differences"]}
    json.dumps(out["json"])
    assert out["drifted"] == ["p1"] and out["failed"] == ["p2"]
    assert out["lines"] == ["drift: project p0 against folder ./f: no drift",
                            "drift: project p1 against folder ./f: 2 difference(s) (attribute 1, priority 1)",
                            "drift: project p2 against folder ./f: not compared: 401"]
    rows = [line for line in out["markdown"].splitlines() if line.startswith("| p1 |")]
    assert rows[0] == "| p1 | attribute | loyalty_tier | name | Loyalty Tier | Tier \\| Gold |"
    assert rows[1].startswith("| p1 | priority | experience priority order | order | Checkout Button Color Test > %s > " % HOMEPAGE)
    assert len(rows) == 2


def test_value_text_of_whole_items_and_versions():
    assert drift.value_text(None) == "(absent)"
    assert drift.value_text({"name": "A", "description": "", "tags": ["x", "y"]}) == "name: A; tags: x, y"
    assert drift.value_text({"status": "draft", "variants": [{"name": "V", "audiences": ["Gold"]}]}) == \
        "status: draft; variants: audiences: Gold; name: V"
    assert drift.value_text("two\nlines") == "two lines"
