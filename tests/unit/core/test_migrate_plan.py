"""The copy plan: selection, dependencies, Lytics skips, limits, version checks, prune."""

import copy

import pytest

from fakes import by

from ansible_collections.contentstack.personalize.plugins.module_utils.migrate import build_plan

LYTICS_UID = "5d3c1a9e7b2f4e6a8c0d1b3f5a7e9c2d"
LYTICS = "High Propensity Buyers (Lytics)"
HOMEPAGE = "Homepage Hero by Loyalty"
SUMMER = "Summer Sale Banner"
SKIP_HINT = "(set migrate_allow_skips to copy the rest and report these)"


def names(plan, kind):
    ident = "key" if kind in ("attributes", "events") else "name"
    return [i[ident] for i in plan[kind]]


def use_lytics_in(raw, experience):
    """Make one variant of an experience target the Lytics audience."""
    entry = by(raw["versions"], "name", experience)
    entry["versions"][0]["variants"][0]["lyticsAudiences"] = [LYTICS_UID]


def test_everything_but_the_lytics_audience_is_copied_when_skips_are_allowed(source_raw):
    plan = build_plan(source_raw, None, allow_skips=True)
    assert plan["errors"] == [] and plan["notes"] == []
    assert plan["skipped"] == ["audience %r: Lytics audiences cannot be created through the API" % LYTICS]
    assert plan["counts"] == {"attributes": 10, "events": 5, "audiences": 10, "experiences": 6, "versions": 6}
    assert LYTICS not in names(plan, "audiences") and "COUNTRY" not in names(plan, "attributes")
    assert names(plan, "attributes") == sorted(names(plan, "attributes"))
    assert plan["priority"][0] == "Checkout Button Color Test" and len(plan["priority"]) == 6
    assert plan["prune"] == {"attributes": [], "events": [], "audiences": [], "experiences": []}
    homepage = by(plan["versions"], "experience", HOMEPAGE)["versions"]
    assert [v["status"] for v in homepage] == ["active", "draft"]   # mirror: live and draft, no archive


def test_a_skip_is_an_error_unless_allowed(source_raw):
    plan = build_plan(source_raw, None)
    assert plan["errors"] == ["cannot copy audience %r: Lytics audiences cannot be created through the API %s"
                              % (LYTICS, SKIP_HINT)]


def test_an_experience_using_a_lytics_audience_is_skipped_with_it(source_raw):
    use_lytics_in(source_raw, SUMMER)
    plan = build_plan(source_raw, None, allow_skips=True)
    assert plan["skipped"][1] == "experience %r: its variants or targeting use Lytics audience(s) %r" % (SUMMER, LYTICS)
    assert SUMMER not in names(plan, "experiences") and SUMMER not in plan["priority"]
    assert SUMMER not in [v["experience"] for v in plan["versions"]]
    assert len(build_plan(source_raw, None)["errors"]) == 2


def test_an_audience_with_a_lytics_attribute_is_skipped(source_raw):
    audience = by(source_raw["audiences"], "name", "US Mobile Shoppers")
    audience["definition"]["rules"][0]["attribute"] = {"__type": "LyticsAttributeReference", "ref": "score"}
    plan = build_plan(source_raw, None, include=["US Mobile*"], allow_skips=True)
    assert plan["audiences"] == [] and "'US Mobile Shoppers': Lytics" in plan["skipped"][0]


def test_selection_by_include_and_exclude_brings_dependencies_along(source_raw):
    plan = build_plan(source_raw, None, include=[HOMEPAGE], exclude=["*Lytics*"])
    assert plan["errors"] == []
    assert names(plan, "experiences") == [HOMEPAGE]
    assert names(plan, "audiences") == ["Gold & Platinum Members", "High-Value Shoppers", "Lapsed Customers",
                                        "Newsletter Subscribers"]
    assert "audience 'Gold & Platinum Members' included because experience %r needs it" % HOMEPAGE in plan["notes"]
    assert "attribute 'loyalty_tier' included because audience 'Gold & Platinum Members' needs it" in plan["notes"]
    assert names(plan, "events") == [] and plan["priority"] == [HOMEPAGE]


def test_an_ab_test_brings_its_metric_events_and_targeting_audiences(source_raw):
    plan = build_plan(source_raw, None, include=["Checkout Button Color Test"])
    assert names(plan, "events") == ["add_to_cart", "checkout_completed"]
    assert names(plan, "audiences") == ["US Mobile Shoppers"]


def test_an_excluded_dependency_is_an_error(source_raw):
    plan = build_plan(source_raw, None, include=[HOMEPAGE], exclude=["Gold*"])
    assert plan["errors"] == ["audience 'Gold & Platinum Members' is excluded, but experience %r needs it" % HOMEPAGE]
    plan = build_plan(source_raw, None, include=[HOMEPAGE], exclude=["loyalty*"])
    assert plan["errors"] == ["attribute 'loyalty_tier' is excluded, but audience 'Gold & Platinum Members' needs it"]


def test_limits_count_what_stays_in_the_destination(source_raw, dest_raw):
    plan = build_plan(source_raw, dest_raw, allow_skips=True,
                      limits={"attributes": 10, "audiences": 3, "rules_per_audience": 3, "variants_per_experience": 3})
    assert ("11 attributes would exceed the destination's limit of 10 (10 from the source, 1 more of the "
            "destination's own); if the destination's plan allows 11, set migrate_limits: {attributes: 11} "
            "(the defaults are the documented plan defaults)") in plan["errors"]   # + legacy_score
    assert any(e.startswith("10 audiences would exceed the destination's limit of 3 (10 from the source, 0 more")
               and "migrate_limits: {audiences: 10}" in e for e in plan["errors"])
    assert "audience 'Young Adults in Europe' has 4 rules, over the limit of 3" in plan["errors"]
    assert "experience %r has 4 variants, over the limit of 3" % HOMEPAGE in plan["errors"]
    pruned = build_plan(source_raw, dest_raw, allow_skips=True, prune=True, limits={"attributes": 10})
    assert pruned["errors"] == []


def test_prune_deletes_what_the_destination_has_beyond_the_plan(source_raw, dest_raw):
    plan = build_plan(source_raw, dest_raw, include=[HOMEPAGE], prune=True)
    assert plan["prune"]["attributes"] == [{"key": "legacy_score", "state": "absent"}]
    # the destination's read-only Lytics audience is not the copy's to delete
    assert plan["prune"]["audiences"] == [] and plan["prune"]["experiences"] == []
    assert build_plan(source_raw, dest_raw, include=[HOMEPAGE])["prune"]["attributes"] == []


def test_a_missing_destination_plans_like_an_empty_one(source_raw):
    empty = dict((k, []) for k in ("attributes", "events", "audiences", "experiences", "versions"))
    empty["priority"] = {"priorityOrder": []}
    for kw in ({}, {"prune": True, "allow_skips": True}, {"limits": {"attributes": 1}}):
        assert build_plan(source_raw, None, **kw) == build_plan(source_raw, empty, **kw)


@pytest.mark.parametrize("activation, expected", [
    ("mirror", {HOMEPAGE: ["active", "draft"], SUMMER: ["paused"], "Newsletter Signup Prompt": ["draft"]}),
    ("draft", {HOMEPAGE: ["draft"], SUMMER: ["draft"], "Newsletter Signup Prompt": ["draft"]}),
    ("all", {HOMEPAGE: ["active"], SUMMER: ["active"], "Newsletter Signup Prompt": ["active"]}),
])
def test_activation_chooses_the_versions(source_raw, activation, expected):
    plan = build_plan(source_raw, None, activation=activation, allow_skips=True)
    got = dict((v["experience"], [s["status"] for s in v["versions"]]) for v in plan["versions"])
    assert dict((k, got[k]) for k in expected) == expected
    if activation != "mirror":
        # the latest content: the draft when there is one
        homepage = by(plan["versions"], "experience", HOMEPAGE)["versions"][0]
        assert "Win-back hero" in [v["name"] for v in homepage["variants"]]


def test_an_experience_without_versions_plans_none(source_raw):
    by(source_raw["versions"], "name", SUMMER)["versions"] = []
    plan = build_plan(source_raw, None, activation="all", include=[SUMMER])
    assert plan["versions"] == [{"experience": SUMMER, "versions": []}]


def test_version_content_the_api_would_refuse_fails_the_plan(source_raw):
    variants = by(source_raw["versions"], "name", "Checkout Button Color Test")["versions"][0]["variants"]
    variants[0]["trafficDistribution"] = 10
    plan = build_plan(source_raw, None, allow_skips=True)
    assert plan["errors"] == ["cannot copy experience 'Checkout Button Color Test': versions[0]: "
                              "trafficDistribution of the variants sums to 60, not 100"]


def test_refusals(source_raw, dest_raw):
    assert build_plan(source_raw, None, activation="live")["errors"] == [
        "migrate_activation must be one of mirror, draft, all, got 'live'"]
    broken = dict(source_raw, audiences=[])
    assert build_plan(broken, None)["errors"][0].startswith(
        "the source cannot be copied as it is: experience 'Category Picks for Young Europeans'")
    dest_raw["audiences"] = []
    refused = build_plan(source_raw, dest_raw)
    assert refused["errors"][0].startswith("the destination cannot be read as a project: ")
    assert refused == {"errors": refused["errors"], "notes": [], "skipped": []}


# -- what each load task has to do, and what verify would find if nothing were written ------------------
def copied(source_raw):
    """A destination that already holds the copy (the source's own raw export: the modules' plans and
    verify match by key and name, never by uid)."""
    return copy.deepcopy(source_raw)


def test_a_complete_copy_gives_no_load_task_work_and_no_difference(source_raw):
    plan = build_plan(source_raw, copied(source_raw), allow_skips=True)
    assert plan["pending"] == dict.fromkeys(("attributes", "events", "audiences", "experiences", "versions", "priority"), False)
    assert plan["load_work"] is False and plan["differences"] == []


def test_only_the_task_whose_module_would_write_has_work(source_raw):
    dest = copied(source_raw)
    by(dest["audiences"], "name", "US Mobile Shoppers")["description"] = "edited by hand"
    plan = build_plan(source_raw, dest, allow_skips=True)
    assert [k for k, work in plan["pending"].items() if work] == ["audiences"]
    assert plan["differences"] == ["audience 'US Mobile Shoppers' differs in description"]
    assert plan["load_work"] is True


def test_priority_has_work_by_the_priority_modules_rule(source_raw):
    dest = copied(source_raw)
    order = dest["priority"]["priorityOrder"]
    dest["priority"]["priorityOrder"] = order[1:] + order[:1]
    plan = build_plan(source_raw, dest, allow_skips=True)
    assert [k for k, work in plan["pending"].items() if work] == ["priority"]
    # An experience of the destination's own, outside the copy, ranked first: verify (which compares the
    # copied experiences' order) sees no difference, but the module puts the named ones first, so it has work.
    dest = copied(source_raw)
    extra = dict(dest["experiences"][0], uid="6650a1b2c3d4e5f6ffff0001", name="Destination's own")
    dest["experiences"].append(extra)
    dest["priority"]["priorityOrder"] = [extra["uid"]] + dest["priority"]["priorityOrder"]
    plan = build_plan(source_raw, dest, allow_skips=True)
    assert plan["differences"] == [] and plan["pending"]["priority"] is True


def test_a_changed_live_version_gives_the_versions_task_work(source_raw):
    dest = copied(source_raw)
    entry = by(dest["versions"], "name", HOMEPAGE)
    live = [v for v in entry["versions"] if v["status"] == "ACTIVE"][0]
    live["variants"][0]["name"] = "Renamed by hand"
    plan = build_plan(source_raw, dest, allow_skips=True)
    assert [k for k, work in plan["pending"].items() if work] == ["versions"]
    assert [d for d in plan["differences"] if HOMEPAGE in d]


def test_an_empty_or_different_destination_gives_every_task_work(source_raw, dest_raw):
    plan = build_plan(source_raw, dest_raw, allow_skips=True)
    assert all(plan["pending"].values())
    empty = build_plan(source_raw, None, allow_skips=True)
    assert all(empty["pending"].values()) and len(empty["differences"]) > 0


def test_twins_in_the_destination_stop_the_copy_unless_repair_is_asked_for(source_raw):
    dest = copied(source_raw)
    twin = dict(by(dest["audiences"], "name", "US Mobile Shoppers"), uid="6650a1b2c3d4e5f6ffff0002")
    dest["audiences"].append(twin)
    plan = build_plan(source_raw, dest, allow_skips=True)
    assert len(plan["errors"]) == 1 and "'US Mobile Shoppers' is ambiguous: 2 objects" in plan["errors"][0]
    assert "Set migrate_repair_duplicates: true" in plan["errors"][0] and "would delete %s" % twin["uid"] in plan["errors"][0]
    repaired = build_plan(source_raw, dest, allow_skips=True, repair_duplicates=True)
    assert repaired["errors"] == []
    assert [r["delete"] for r in repaired["duplicates"]["repairs"]] == [[twin["uid"]]]
    # identical twins: once the repair has deleted the extra one, the destination holds the copy
    assert repaired["pending"]["audiences"] is False and repaired["load_work"] is False
    # twins that differ cannot be repaired: the copy stops, naming them, even with repair asked for
    twin["description"] = "not the same"
    refused = build_plan(source_raw, dest, allow_skips=True, repair_duplicates=True)
    assert "They cannot be repaired" in refused["errors"][0] and "differ in description" in refused["errors"][0]
