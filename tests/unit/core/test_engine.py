"""Engine.plan and Engine.apply over a fake client: what is created, updated, left, deleted."""

import pytest

from fakes import FakeClient, by, listing_client

from ansible_collections.contentstack.personalize.plugins.module_utils.engine import (
    Engine,
    ProjectListings,
    post_or_adopt,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeInputError,
    PersonalizeResponseLost,
)


def engine(raw_export, check_mode=False, **kw):
    client = listing_client(raw_export, **kw)
    return Engine(ProjectListings(client), check_mode=check_mode), client


def actions(changes):
    return [(c.ident, c.action, c.fields) for c in changes]


def test_create_update_unchanged_and_delete(source_raw):
    eng, client = engine(source_raw)
    tier = by(source_raw["attributes"], "key", "loyalty_tier")
    changes = eng.plan("attribute", [
        {"key": "new_one"},
        {"key": "loyalty_tier", "description": "changed"},
        {"key": "lifetime_value", "name": "Lifetime Value"},
        {"key": "cart_value", "state": "absent"},
        {"key": "never_was", "state": "absent"},
    ])
    assert actions(changes) == [
        ("new_one", "create", ["description", "key", "name"]),
        ("loyalty_tier", "update", ["description"]),
        ("lifetime_value", "none", []),
        ("cart_value", "delete", []),
        ("never_was", "none", []),
    ]
    update = changes[1]
    assert update.before["description"] == tier["description"] and update.after["description"] == "changed"
    assert update.uid == tier["uid"] and changes[0].after == {"key": "new_one", "name": "new_one", "description": ""}
    assert changes[1].result() == {"kind": "attribute", "key": "loyalty_tier", "action": "update", "changed": True,
                                   "uid": tier["uid"], "changed_fields": ["description"]}
    assert not changes[2].changed and changes[3].changed
    assert client.calls == [("GET", "/attributes")]   # one listing, nothing written by a plan


def test_prune_deletes_what_is_not_named_but_never_a_preset(source_raw):
    eng = engine(source_raw)[0]
    changes = eng.plan("attribute", [{"key": "loyalty_tier"}], prune=True)
    deleted = sorted(c.ident for c in changes if c.action == "delete")
    assert "loyalty_tier" not in deleted and "COUNTRY" not in deleted and len(deleted) == 9


def test_an_audience_compares_by_meaning_not_by_form(source_raw):
    eng = engine(source_raw)[0]
    raw = by(source_raw["audiences"], "name", "Gold & Platinum Members")
    same = {"name": raw["name"], "definition": {"combinationType": "OR", "rules": [
        {"attribute": {"key": "loyalty_tier"}, "attributeMatchCondition": "STRING_EQUALS",
         "attributeMatchOptions": {"__type": "StringMatchOptions", "value": v}} for v in ("gold", "platinum")]}}
    assert actions(eng.plan("audience", [same])) == [(raw["name"], "none", [])]
    inverted = {"name": raw["name"], "definition": dict(same["definition"], rules=[
        dict(same["definition"]["rules"][0], invertCondition=True), same["definition"]["rules"][1]])}
    assert actions(eng.plan("audience", [inverted])) == [(raw["name"], "update", ["definition"])]


def test_ambiguity_is_an_error_that_names_the_uids(source_raw):
    source_raw["audiences"].append(dict(source_raw["audiences"][0], uid="6650a1b2c3d4e5f6a20000ff"))
    eng = engine(source_raw)[0]
    with pytest.raises(PersonalizeInputError, match=r"is ambiguous: 2 objects in the project have this name \(uids "
                                                    r"6650a1b2c3d4e5f6a2000001, 6650a1b2c3d4e5f6a20000ff\)"):
        eng.plan("audience", [{"name": source_raw["audiences"][0]["name"]}])


@pytest.mark.parametrize("kind, item, message", [
    ("attribute", {"key": "COUNTRY"}, "preset attributes are built in and read-only"),
    ("audience", {"name": "High Propensity Buyers (Lytics)", "description": "x"}, "cannot be managed: Lytics"),
])
def test_read_only_objects_cannot_be_managed(source_raw, kind, item, message):
    with pytest.raises(PersonalizeInputError, match=message):
        engine(source_raw)[0].plan(kind, [item])


def test_an_experience_type_is_immutable_unless_replace(source_raw):
    eng = engine(source_raw)[0]
    with pytest.raises(PersonalizeInputError, match="type cannot change after creation .'segmented' -> 'ab_test'.; "
                                                    "set replace: true"):
        eng.plan("experience", [{"name": "Summer Sale Banner", "type": "ab_test"}])
    changes = eng.plan("experience", [{"name": "Summer Sale Banner", "type": "ab_test", "replace": True}])
    assert actions(changes) == [("Summer Sale Banner", "replace", ["type"])]


@pytest.mark.parametrize("items, message", [
    (["x"], r"attributes\[0\]: must be a mapping"),
    ([{"key": "a", "state": "gone"}], "state must be present or absent, got 'gone'"),
    ([{"key": "a"}, {"key": "a"}], r"appears twice in the input \(items 0 and 1\)"),
    ([{"state": "absent"}], "key is required"),
])
def test_bad_input_fails_before_anything_is_listed_or_written(source_raw, items, message):
    eng, client = engine(source_raw)
    with pytest.raises(PersonalizeInputError, match=message):
        eng.plan("attribute", items)
    assert client.writes() == []


def test_apply_writes_creates_updates_then_deletes_and_rechecks_from_the_answer(source_raw):
    tier = by(source_raw["attributes"], "key", "loyalty_tier")
    eng, client = engine(source_raw, answers={
        # the server answers the update with what it already had: no change after all
        ("PUT", "/attributes/" + tier["uid"]): tier,
        # and stores a created object's name differently than sent
        ("POST", "/attributes"): lambda body: dict(body, uid="6650a1b2c3d4e5f6a10000aa", name="Stored"),
    })
    changes = eng.plan("attribute", [{"key": "cart_value", "state": "absent"}, {"key": "loyalty_tier", "description": "x"},
                                     {"key": "fresh", "name": "Fresh"}])
    eng.apply(changes)
    assert client.writes() == [("PUT", "/attributes/" + tier["uid"]), ("POST", "/attributes"),
                               ("DELETE", "/attributes/6650a1b2c3d4e5f6a1000003")]
    assert changes[1].action == "none" and "nothing changed" in changes[1].warnings[0]
    assert changes[2].uid == "6650a1b2c3d4e5f6a10000aa" and "stored name differently" in changes[2].warnings[0]
    assert [a["key"] for a in eng.project.raw("attributes")].count("fresh") == 1   # the listing stays true
    assert "cart_value" not in [a["key"] for a in eng.project.raw("attributes")]


def test_check_mode_predicts_and_writes_nothing(source_raw):
    eng, client = engine(source_raw, check_mode=True)
    changes = eng.apply(eng.plan("attribute", [{"key": "fresh"}, {"key": "loyalty_tier", "description": "x"},
                                               {"key": "cart_value", "state": "absent"}]))
    assert [c.action for c in changes] == ["create", "update", "delete"] and client.writes() == []
    assert changes[0].uid is None
    # a reference to the planned attribute resolves to a readable placeholder
    assert eng.project.indexes("attributes").attributes.uid_of("fresh") == "<planned attribute fresh>"
    assert eng.apply([]) == []


def test_replace_deletes_then_creates(source_raw):
    eng, client = engine(source_raw)
    exp = by(source_raw["experiences"], "name", "Summer Sale Banner")
    eng.apply(eng.plan("experience", [{"name": exp["name"], "type": "ab_test", "replace": True}]))
    assert client.writes() == [("DELETE", "/experiences/" + exp["uid"]), ("POST", "/experiences")]


def test_an_api_refusal_names_the_item_and_what_was_written_before(source_raw):
    eng, client = engine(source_raw, answers={("POST", "/attributes"): PersonalizeApiError("POST", "/attributes", 422, "bad")})
    changes = eng.plan("attribute", [{"key": "loyalty_tier", "description": "x"}, {"key": "fresh"}])
    with pytest.raises(PersonalizeApiError, match=r"attribute 'fresh': POST /attributes returned 422: bad "
                                                  r"\(1 change\(s\) of this task were written before it\)"):
        eng.apply(changes)
    assert client.writes()[0][0] == "PUT"


def test_a_delete_of_what_is_already_gone_is_done(source_raw):
    uid = by(source_raw["events"], "key", "add_to_cart")["uid"]
    eng = engine(source_raw, answers={("DELETE", "/events/" + uid): PersonalizeApiError("DELETE", "/e", 404, "gone")})[0]
    eng.apply(eng.plan("event", [{"key": "add_to_cart", "state": "absent"}]))
    eng = engine(source_raw, answers={("DELETE", "/events/" + uid): PersonalizeApiError("DELETE", "/e", 500, "no")})[0]
    with pytest.raises(PersonalizeApiError, match="500"):
        eng.apply(eng.plan("event", [{"key": "add_to_cart", "state": "absent"}]))


def test_a_lost_post_is_adopted_never_sent_twice():
    client = FakeClient(answers={("POST", "/events"): PersonalizeResponseLost("POST", "/events", 504, "lost")})
    found = iter([None, {"uid": "e1", "key": "k"}])
    assert post_or_adopt(client, "/events", {"key": "k"}, lambda: next(found)) == {"uid": "e1", "key": "k"}
    assert client.writes() == [("POST", "/events"), ("POST", "/events")] and client.slept == [0.5, 1.0]
    with pytest.raises(PersonalizeResponseLost):
        post_or_adopt(client, "/events", {"key": "k"}, lambda: None)


def test_a_lost_create_through_the_engine_adopts_what_the_listing_shows(source_raw):
    eng, client = engine(source_raw, answers={("POST", "/events"): PersonalizeResponseLost("POST", "/events", 502, "x")})
    changes = eng.plan("event", [{"key": "fresh"}])
    # the lost POST did create it: the re-read finds it
    client.responses["/events"] = source_raw["events"] + [{"uid": "6650a1b2c3d4e5f6a30000aa", "key": "fresh"}]
    eng.apply(changes)
    assert changes[0].uid == "6650a1b2c3d4e5f6a30000aa" and client.writes() == [("POST", "/events")]


class _Cache:
    def __init__(self, data=None):
        self.data = data or {}
        self.saved = []

    def load(self):
        return self.data

    def save(self, data):
        self.saved.append(data)


def test_listings_list_each_kind_once_and_share_through_a_cache(source_raw):
    client = listing_client(source_raw)
    cache = _Cache({"lists": {"events": [{"uid": "e", "key": "cached"}], "bad": "x"}, "versions": {"x": []}})
    listings = ProjectListings(client, cache)
    assert listings.raw("events") == [{"uid": "e", "key": "cached"}] and client.calls == []
    listings.raw("attributes")
    listings.raw("attributes")
    listings.indexes("attributes", "events")
    assert client.calls == [("GET", "/attributes")]
    listings.save()
    assert set(cache.saved[0]["lists"]) == {"events", "attributes"} and cache.saved[0]["versions"] == {"x": []}
    ProjectListings(client, cache, save=False).save()
    assert len(cache.saved) == 1
    assert listings.refresh("events") == source_raw["events"]
    assert listings.indexes().events.uid_of("add_to_cart") is not None


def test_listings_versions_and_priority(source_raw):
    client = listing_client(source_raw)
    listings = ProjectListings(client)
    exp = source_raw["versions"][0]
    assert listings.versions(exp["experience"]) == exp["versions"]
    listings.versions(exp["experience"])
    listings.set_versions(exp["experience"], [])
    assert listings.versions(exp["experience"]) == []
    assert listings.priority() == source_raw["priority"]["priorityOrder"]
    client.responses["/experiences-priority"] = ["b", "a"]   # an answer given as a bare list
    assert ProjectListings(client).priority() == ["b", "a"]
    listings.set_priority(["z"])
    assert listings.priority() == ["z"]
    listings.indexes("experiences")
    listings.forget("experiences", exp["experience"])
    assert listings.indexes().experiences.ident_of(exp["experience"]) is None
