"""The version state machine, on its own: which calls for which current and desired versions."""

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils.portable import Indexes
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils import versions as vers

AUD = [{"uid": "a" * 24, "name": "Gold"}, {"uid": "b" * 24, "name": "Silver"}]
EVENTS = [{"uid": "e" * 24, "key": "checkout"}]


def idx():
    return Indexes(audiences=AUD, events=EVENTS)


def seg(status, *variants):
    return vers.normalize_spec({"status": status, "variants": list(variants)}, "segmented", idx(), "t")


def raw(uid, status, *variants):
    return {"uid": uid, "status": status, "variants": [
        dict(v, __type="SegmentedVariant", audiences=[{"Gold": "a" * 24, "Silver": "b" * 24}[a] for a in v["audiences"]])
        for v in variants]}


GOLD = {"name": "Gold", "audiences": ["Gold"], "shortUid": "0", "audienceCombinationType": "OR"}
SILVER = {"name": "Silver", "audiences": ["Silver"], "shortUid": "2", "audienceCombinationType": "OR"}


def ops(steps):
    return [(s.op, s.version, s.body and s.body["status"]) for s in steps]


def test_fresh_experience_activates_the_auto_draft_in_one_call():
    steps, before, after = vers.plan("x", "segmented", [raw("d1", "DRAFT")], [seg("active", GOLD)], idx())
    assert ops(steps) == [("put", "d1", "ACTIVE")]
    assert after[0]["status"] == "active"


def test_equal_live_content_is_a_no_op_and_status_change_resends_variants():
    current = [raw("v1", "ACTIVE", GOLD)]
    assert vers.plan("x", "segmented", current, [seg("active", GOLD)], idx())[0] == []
    steps = vers.plan("x", "segmented", current, [seg("paused", GOLD)], idx())[0]
    assert ops(steps) == [("put", "v1", "PAUSED")]
    assert steps[0].body["variants"][0]["shortUid"] == "0"


def test_locked_live_gets_a_new_draft_then_activation_keeping_short_uids_by_name():
    current = [raw("v1", "ACTIVE", GOLD)]
    gold_without_id = {"name": "Gold", "audiences": ["Gold"]}
    steps, _before, after = vers.plan("x", "segmented", current, [seg("active", gold_without_id, {"name": "Silver", "audiences": ["Silver"]})], idx())
    assert ops(steps) == [("post", None, "DRAFT"), ("put", "new", "ACTIVE")]
    sent = steps[0].body["variants"]
    assert sent[0]["shortUid"] == "0" and "shortUid" not in sent[1]


def test_paused_target_activates_then_pauses():
    steps = vers.plan("x", "segmented", [raw("d1", "DRAFT")], [seg("paused", GOLD)], idx())[0]
    assert ops(steps) == [("put", "d1", "ACTIVE"), ("put", "d1", "PAUSED")]


def test_live_and_draft_together():
    current = [raw("v1", "ACTIVE", GOLD)]
    steps = vers.plan("x", "segmented", current, [seg("active", GOLD), seg("draft", GOLD, SILVER)], idx())[0]
    assert ops(steps) == [("post", None, "DRAFT")]


def test_exact_deletes_an_undesired_draft_but_never_the_only_version():
    current = [raw("v1", "ACTIVE", GOLD), raw("d1", "DRAFT", SILVER)]
    steps = vers.plan("x", "segmented", current, [seg("active", GOLD)], idx(), exact=True)[0]
    assert ops(steps) == [("delete", "d1", None)]
    with pytest.raises(PersonalizeInputError, match="only version"):
        vers.plan("x", "segmented", [raw("d1", "DRAFT", SILVER)], [], idx(), exact=True)


def changes(steps):
    return [s.change for s in steps]


@pytest.mark.parametrize("current, desired, expected", [
    ([raw("d1", "DRAFT")], [("active", GOLD)], ["activated"]),
    ([raw("d1", "DRAFT")], [("paused", GOLD)], ["activated", "paused"]),
    ([raw("v1", "ACTIVE", GOLD)], [("paused", GOLD)], ["paused"]),
    ([raw("v1", "PAUSED", GOLD)], [("active", GOLD)], ["resumed"]),
    ([raw("v1", "ACTIVE", GOLD)], [("active", SILVER)], ["created", "activated"]),
    ([raw("v1", "ACTIVE", GOLD)], [("active", GOLD), ("draft", SILVER)], ["created"]),
    ([raw("v1", "ACTIVE", GOLD), raw("d1", "DRAFT", GOLD)], [("active", GOLD), ("draft", SILVER)], ["updated"]),
    ([raw("v1", "ACTIVE", GOLD)], [("active", GOLD)], []),
])
def test_each_step_says_what_it_does_to_its_version(current, desired, expected):
    steps = vers.plan("x", "segmented", current, [seg(status, variant) for status, variant in desired], idx())[0]
    assert changes(steps) == expected
    assert set(changes(steps)) <= set(vers.CHANGES)


def test_an_undesired_draft_deleted_is_a_deleted_change():
    current = [raw("v1", "ACTIVE", GOLD), raw("d1", "DRAFT", SILVER)]
    steps = vers.plan("x", "segmented", current, [seg("active", GOLD)], idx(), exact=True)[0]
    assert [(s.change, s.version) for s in steps] == [("deleted", "d1")]


def test_live_and_draft_chooses_one_of_each_in_any_order():
    paused, draft, archived = raw("p", "PAUSED", GOLD), raw("d", "DRAFT", GOLD), raw("a", "ARCHIVED", GOLD)
    assert vers.live_and_draft([archived, draft, paused]) == (paused, draft)
    assert vers.live_and_draft([archived, raw("v", "ACTIVE", GOLD)])[1] is None
    assert vers.live_and_draft([draft]) == (None, draft)
    assert vers.live_and_draft([]) == (None, None)


@pytest.mark.parametrize("spec, message", [
    ({"status": "active", "variants": []}, "variants must be a non-empty list"),
    ({"status": "live", "variants": [GOLD]}, "status must be draft, active or paused"),
    ({"status": "active", "variants": [{"name": "G", "audiences": ["Nope"]}]}, "unknown audience 'Nope'"),
    ({"status": "active", "variants": [{"name": "G", "audiences": []}]}, "needs at least one audience"),
    ({"status": "active", "variants": [GOLD, dict(GOLD, shortUid="5")]}, "appears twice"),
    ({"status": "active", "variants": [dict(GOLD, shortUid="01")]}, "decimal string"),
    ({"status": "active", "variants": [GOLD], "metrics": [{"event": "checkout"}]}, "belongs to A/B tests"),
])
def test_bad_segmented_versions_name_the_field(spec, message):
    with pytest.raises(PersonalizeInputError, match=message):
        vers.normalize_spec(spec, "segmented", idx(), "experience 'Hero'")


@pytest.mark.parametrize("spec, message", [
    ({"variants": [{"name": "A", "trafficDistribution": 60}, {"name": "B", "trafficDistribution": 30}]}, "sums to 90"),
    ({"variants": [{"name": "A", "trafficDistribution": "50"}]}, "integer percentage"),
    ({"variants": [{"name": "A", "trafficDistribution": 100}], "metrics": [{"event": "nope"}]}, "unknown event 'nope'"),
])
def test_bad_ab_versions_name_the_field(spec, message):
    with pytest.raises(PersonalizeInputError, match=message):
        vers.normalize_spec(spec, "ab_test", idx(), "experience 'Test'")


def test_ab_export_and_body_round_trip_through_uids():
    spec = vers.normalize_spec({"status": "active", "variants": [
        {"name": "A", "trafficDistribution": 50, "shortUid": "0"}, {"name": "B", "trafficDistribution": 50, "shortUid": "1"}],
        "metrics": [{"name": "Checkouts", "event": "checkout"}],
        "targeting": {"audience": {"audiences": ["Gold"]}}}, "ab_test", idx(), "t")
    body = vers.version_body(spec, "ab_test", idx())
    assert body["metrics"][0]["event"] == "e" * 24
    assert body["targeting"]["audience"]["audiences"] == ["a" * 24]
    assert vers.export_version(dict(body, uid="v"), "ab_test", idx()) == spec


# The operator's switch: a status alone acts on what the experience holds.
def test_status_alone_pauses_and_resumes_the_live_content_with_one_put():
    ab_raw = {"uid": "v1", "status": "ACTIVE", "variantSplit": "7",
              "variants": [{"name": "A", "shortUid": "0", "trafficDistribution": 40},
                           {"name": "B", "shortUid": "1", "trafficDistribution": 60}],
              "metrics": [{"__type": "Primary", "name": "Checkouts", "event": "e" * 24}],
              "targeting": {"audience": {"audiences": ["a" * 24], "audienceCombinationType": "OR"}}}
    current = [ab_raw, raw("d1", "DRAFT", SILVER)]
    desired = vers.status_only("x", "paused", current, "ab_test", idx())
    steps, before, after = vers.plan("x", "ab_test", current, desired, idx())
    assert ops(steps) == [("put", "v1", "PAUSED")] and steps[0].change == "paused"
    body = dict(steps[0].body)
    assert body.pop("status") == "PAUSED"
    assert body == dict((k, ab_raw[k]) for k in ("variants", "metrics", "targeting", "variantSplit")) | {
        "variants": [dict(v, __type="ABTestVariant") for v in ab_raw["variants"]]}
    assert [v["status"] for v in after] == ["paused", "draft"] and after[1] == before[1]
    paused = [dict(ab_raw, status="PAUSED"), current[1]]
    assert vers.plan("x", "ab_test", paused, vers.status_only("x", "paused", paused, "ab_test", idx()), idx())[0] == []
    resume = vers.plan("x", "ab_test", paused, vers.status_only("x", "active", paused, "ab_test", idx()), idx())[0]
    assert ops(resume) == [("put", "v1", "ACTIVE")] and resume[0].change == "resumed"


def test_status_alone_activates_a_draft_as_it_is_when_nothing_is_live():
    current = [raw("d1", "DRAFT", GOLD)]
    steps = vers.plan("x", "segmented", current, vers.status_only("x", "active", current, "segmented", idx()), idx())[0]
    assert ops(steps) == [("put", "d1", "ACTIVE")] and steps[0].change == "activated"
    assert steps[0].body["variants"][0]["audiences"] == ["a" * 24]


@pytest.mark.parametrize("current, status, message", [
    ([raw("d1", "DRAFT", GOLD)], "paused", "experience 'X' has no live version to pause"),
    ([raw("d1", "DRAFT")], "active", "no live version to resume and no draft with variants to activate"),
    ([raw("v1", "ACTIVE", GOLD)], "draft", "status draft needs variants"),
    ([raw("v1", "ACTIVE", GOLD)], None, "give status"),
    ([raw("v1", "ACTIVE", GOLD)], "running", "status must be draft, active or paused"),
])
def test_status_alone_refuses_what_it_cannot_do(current, status, message):
    with pytest.raises(PersonalizeInputError, match=message):
        vers.status_only("experience 'X'", status, current, "segmented", idx())
