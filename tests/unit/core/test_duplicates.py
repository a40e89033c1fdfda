"""Twins (duplicate names) in a destination, as two copies at once leave them: what
module_utils/duplicates.py repairs (identical, unreferenced) and what it only reports."""

import copy
import json

from ansible_collections.contentstack.personalize.plugins.module_utils import duplicates
from ansible_collections.contentstack.personalize.plugins.module_utils.export import RawProject


def with_twins(raw):
    """The retail export plus a second copy of one experience and of the audience its versions use,
    the copy's versions pointing at the copy's audience (as the second of two runs makes them)."""
    entry = [v for v in raw["versions"] if any(duplicates.audiences_used(x) for x in v["versions"])][0]
    audience_uid = sorted(set().union(*[duplicates.audiences_used(x) for x in entry["versions"]]))[0]
    audience = [a for a in raw["audiences"] if a["uid"] == audience_uid][0]
    exp = [x for x in raw["experiences"] if x["uid"] == entry["experience"]][0]
    twin_aud = dict(copy.deepcopy(audience), uid="6650a1b2c3d4e5f6a9000001")
    twin_exp = dict(copy.deepcopy(exp), uid="6650a1b2c3d4e5f6a9000002")
    versions = json.loads(json.dumps(entry["versions"]).replace(audience_uid, twin_aud["uid"]))
    raw["audiences"].append(twin_aud)
    raw["experiences"].append(twin_exp)
    raw["versions"].append({"experience": twin_exp["uid"], "name": exp["name"], "versions": versions})
    raw["priority"]["priorityOrder"].append(twin_exp["uid"])
    return raw, exp, audience, twin_exp, twin_aud


def test_identical_twins_lose_the_unreferenced_copy_experiences_first(source_raw):
    raw, exp, audience, twin_exp, twin_aud = with_twins(source_raw)
    found = duplicates.plan(RawProject(raw))
    assert found["unresolved"] == []
    assert [(d["kind"], d["name"]) for d in found["duplicates"]] == [("experience", exp["name"]), ("audience", audience["name"])]
    by_kind = dict((r["kind"], r) for r in found["repairs"])
    assert by_kind["experience"]["keep"] == exp["uid"] and by_kind["experience"]["delete"] == [twin_exp["uid"]]
    assert "priority" in by_kind["experience"]["why"]
    # Once the twin experience goes, its audience is referenced by nothing; the original is kept.
    assert by_kind["audience"]["keep"] == audience["uid"] and by_kind["audience"]["delete"] == [twin_aud["uid"]]
    lines = duplicates.lines(found, check_mode=True)
    assert lines[0].startswith("experience %r: would delete %s" % (exp["name"], twin_exp["uid"]))


def test_twins_that_differ_are_reported_never_guessed(source_raw):
    raw, _exp, audience, _twin_exp, twin_aud = with_twins(source_raw)
    twin_aud["description"] = "edited by hand"
    found = duplicates.plan(RawProject(raw))
    assert [r["kind"] for r in found["repairs"]] == ["experience"]
    assert len(found["unresolved"]) == 1
    line = found["unresolved"][0]
    assert "audience %r" % audience["name"] in line and "differ in description" in line and twin_aud["uid"] in line


def test_twins_each_referenced_are_reported(source_raw):
    """Two experiences of different names, each using its own copy of an audience: both copies stay."""
    raw, _exp, audience, twin_exp, _twin_aud = with_twins(source_raw)
    twin_exp["name"] = "Another experience"
    raw["versions"][-1]["name"] = "Another experience"
    found = duplicates.plan(RawProject(raw))
    assert found["repairs"] == []
    assert found["unresolved"] == ["audience %r: 2 identical objects have this name and each is referenced (uids %s, %s)"
                                   % (audience["name"], audience["uid"], _twin_aud["uid"])]


def test_no_twins_nothing_to_do(source_raw):
    found = duplicates.plan(RawProject(source_raw))
    assert found == {"duplicates": [], "repairs": [], "unresolved": []}
