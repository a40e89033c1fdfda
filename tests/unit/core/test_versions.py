"""Versions beyond tests/unit/module_utils/test_versions_plan.py: the fixture's real versions,
the remaining spec checks and the paths of the state machine that file leaves out."""

import pytest

from fakes import by

from ansible_collections.contentstack.personalize.plugins.module_utils import versions as vers
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import BY_PLURAL
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import Indexes

HOMEPAGE = "Homepage Hero by Loyalty"


@pytest.fixture
def idx(source_raw):
    return Indexes(**dict((k, source_raw[k]) for k in BY_PLURAL))


def raw_versions(source_raw, name):
    return by(source_raw["versions"], "name", name)["versions"]


def live_draft_pairs(raw_list, exp_type, idx, where=None):
    """(live, draft) as (raw, portable) pairs, as the version plan sees them."""
    return tuple((raw, vers.export_version(raw, exp_type, idx, where) if raw else None)
                 for raw in vers.live_and_draft(raw_list))


def test_export_then_body_gives_back_the_raw_version(source_raw, idx):
    for name, exp_type in ((HOMEPAGE, "segmented"), ("Checkout Button Color Test", "ab_test")):
        for raw in [v for v in raw_versions(source_raw, name) if v["status"] != "ARCHIVED"]:
            spec = vers.export_version(raw, exp_type, idx, "experience %r" % name)
            assert vers.normalize_spec(spec, exp_type, idx, "x") == spec
            body = vers.version_body(spec, exp_type, idx)
            assert body["status"] == raw["status"]
            assert [v["audiences"] for v in body["variants"] if "audiences" in v] == \
                [v["audiences"] for v in raw["variants"] if "audiences" in v]


def test_a_dangling_reference_names_the_experience_and_version(source_raw, idx):
    raw = dict(raw_versions(source_raw, HOMEPAGE)[1])
    raw["variants"] = [dict(raw["variants"][0], audiences=["f" * 24])]
    with pytest.raises(PersonalizeInputError, match="experience 'H', active version: variant 'Members hero' references "
                                                    "audience uid f+, which does not exist in the project"):
        vers.export_version(raw, "segmented", idx, "experience 'H'")
    with pytest.raises(PersonalizeInputError, match="^a version: variant 'n' references audience uid"):
        vers.export_version(dict(raw, status=None, variants=[{"name": "n", "audiences": ["f" * 24]}]), "segmented", idx)


def test_variant_split_and_lytics_audiences_are_carried(idx):
    ab = vers.normalize_spec({"variants": [{"name": "A", "trafficDistribution": 100}], "variant_split": 3},
                             "ab_test", idx, "t")
    assert ab["variant_split"] == "3" and ab["metrics"] == [] and "targeting" not in ab
    body = vers.version_body(ab, "ab_test", idx)
    assert body["variantSplit"] == "3"
    assert vers.export_version(dict(body, uid="v"), "ab_test", idx) == ab
    lytics = "High Propensity Buyers (Lytics)"
    seg = vers.normalize_spec({"variants": [{"name": "L", "lyticsAudiences": [lytics]}]}, "segmented", idx, "t")
    assert seg["variants"][0] == {"name": "L", "audiences": [], "lyticsAudiences": [lytics],
                                  "audienceCombinationType": "OR"}
    raw = dict(vers.version_body(seg, "segmented", idx), uid="v")
    assert vers.export_version(raw, "segmented", idx)["variants"][0]["lyticsAudiences"] == [lytics]


@pytest.mark.parametrize("spec, exp_type, message", [
    ("x", "segmented", "a version must be a mapping"),
    ({"variants": [], "colour": 1}, "segmented", r"unknown version field\(s\) colour"),
    ({"variants": [{"name": "n"}] * 21}, "segmented", "21 variants exceed the limit of 20"),
    ({"variants": ["x"]}, "segmented", r"variants\[0\] must be a mapping"),
    ({"variants": [{"name": " "}]}, "segmented", "name is required"),
    ({"variants": [{"name": "a", "shortUid": "1", "audiences": ["Lapsed Customers"]},
                   {"name": "b", "shortUid": "1", "audiences": ["Lapsed Customers"]}]}, "segmented", "shortUid 1 is used twice"),
    ({"variants": [{"name": "a", "audiences": "Lapsed Customers"}]}, "segmented", "audiences must be a list"),
    ({"variants": [{"name": "a", "audiences": ["Lapsed Customers"], "audienceCombinationType": "XOR"}]}, "segmented",
     "audienceCombinationType must be AND or OR"),
    ({"variants": [{"name": "a", "audiences": ["Lapsed Customers"], "trafficDistribution": 5}]}, "segmented",
     r"unknown field\(s\) trafficDistribution for a segmented variant"),
    ({"variants": [{"name": "a", "trafficDistribution": 100}], "metrics": "x"}, "ab_test", "metrics must be a list"),
    ({"variants": [{"name": "a", "trafficDistribution": 100}], "metrics": [{}]}, "ab_test", "needs an event"),
    ({"variants": [{"name": "a", "trafficDistribution": 100}], "targeting": "x"}, "ab_test", "targeting must be a mapping"),
    ({"variants": [{"name": "a", "trafficDistribution": 100}], "targeting": {"audience": "x"}}, "ab_test",
     "targeting.audience must be a mapping"),
    ({"variants": [{"name": "a", "trafficDistribution": 100}],
      "targeting": {"audience": {"audiences": ["Lapsed Customers"], "audienceCombinationType": "X"}}}, "ab_test",
     "targeting.audience.audienceCombinationType must be AND or OR"),
    ({"variants": [{"name": "a", "trafficDistribution": True}]}, "ab_test", "integer percentage"),
])
def test_more_bad_versions(idx, spec, exp_type, message):
    with pytest.raises(PersonalizeInputError, match=message):
        vers.normalize_spec(spec, exp_type, idx, "experience 'E'")


def test_an_ambiguous_audience_name_is_an_error_where_the_version_names_it(source_raw):
    source_raw["audiences"].append(dict(source_raw["audiences"][4], uid="6650a1b2c3d4e5f6a20000ff"))
    idx = Indexes(audiences=source_raw["audiences"])
    with pytest.raises(PersonalizeInputError, match="variant 'a': audiences: audience 'Lapsed Customers' is ambiguous"):
        vers.normalize_spec({"variants": [{"name": "a", "audiences": ["Lapsed Customers"]}]}, "segmented", idx, "e")


def test_the_fixture_experiences_plan_no_call_when_desired_as_they_are(source_raw, idx):
    for entry in source_raw["versions"]:
        exp_type = "ab_test" if "Test" in entry["name"] else "segmented"
        (live_raw, live), (draft_raw, draft) = live_draft_pairs(entry["versions"], exp_type, idx, entry["name"])
        desired = [v for v in (live, draft) if v]
        steps, before, after = vers.plan(entry["name"], exp_type, entry["versions"], desired, idx, exact=True)
        assert steps == [] and before == after == desired


def test_a_paused_live_version_is_resumed_and_a_draft_updated_in_place(source_raw, idx):
    current = raw_versions(source_raw, "Summer Sale Banner")
    live = live_draft_pairs(current, "segmented", idx)[0][1]
    steps = vers.plan("s", "segmented", current, [dict(live, status="active")], idx)[0]
    assert [(s.op, s.body["status"], s.why) for s in steps] == [("put", "ACTIVE", "resume the live version")]
    homepage = raw_versions(source_raw, HOMEPAGE)
    (live_raw, live), (draft_raw, draft) = live_draft_pairs(homepage, "segmented", idx)
    assert live_raw["status"] == "ACTIVE"
    fewer = dict(draft, variants=draft["variants"][:2])
    steps = vers.plan("h", "segmented", homepage, [live, fewer], idx)[0]
    assert [(s.op, s.version, s.why) for s in steps] == [("put", draft_raw["uid"], "update the draft")]
    new_live = dict(live, variants=live["variants"][:1])
    steps = vers.plan("h", "segmented", homepage, [dict(new_live, status="paused")], idx)[0]
    assert [(s.op, s.version, s.body["status"]) for s in steps] == [
        ("put", draft_raw["uid"], "ACTIVE"), ("put", draft_raw["uid"], "PAUSED")]
    with pytest.raises(PersonalizeInputError, match="at most one live"):
        vers.plan("h", "segmented", homepage, [live, live], idx)


def test_short_uids_a_new_draft_gets_from_the_server_are_kept():
    body = {"variants": [{"name": "A"}, {"name": "B", "shortUid": "4"}]}
    created = {"variants": [{"name": "A", "shortUid": 9}, {"name": "B", "shortUid": "2"}]}
    carried = vers.carry_short_uids(body, created)["variants"]
    assert carried == [{"name": "A", "shortUid": "9"}, {"name": "B", "shortUid": "4"}]
    assert vers.carry_short_uids(body, None) == body
    assert vers.content(None) is None
    assert vers.content({"status": "active", "variants": [1], "metrics": []}) == vers.content(
        {"status": "draft", "variants": [1]})
