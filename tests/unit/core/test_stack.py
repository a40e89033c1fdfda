"""The stack side's pure parts (module_utils/stack.py): _cms, the link plan and the group PUT body,
the entry variant compare and body, the bounded wait, and Stack's reads on a fake client.

Fixture: tests/unit/fixtures/retail_stack_raw.json, answers of the emulator's retail-stack seed."""

import copy
import os
import stat
import tempfile
import types

import pytest

from fakes import fixture

from ansible_collections.contentstack.personalize.plugins.module_utils import stack, stack_writes
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError, PersonalizeError


@pytest.fixture
def raw():
    return fixture("retail_stack_raw.json")


# ------------------------------------------------------------------ _cms
def test_cms_of_reads_a_uid_string_or_an_object(raw):
    hero = raw["experiences"][0]
    group, variants = stack.cms_of(hero)
    assert group == hero["_cms"]["variantGroup"] and variants["0"].startswith("cs")
    hero["_cms"]["variantGroup"] = {"uid": group, "name": "x"}
    assert stack.cms_of(hero)[0] == group


@pytest.mark.parametrize("cms", [None, {}, {"variantGroup": "cs1"}, {"variantGroup": "cs1", "variants": {}},
                                 {"variants": {"0": "cs2"}}, {"variantGroup": {"name": "no uid"}, "variants": {"0": "cs2"}}])
def test_an_experience_without_its_group_is_not_ready(cms):
    experience = {"uid": "x"} if cms is None else {"uid": "x", "_cms": cms}
    assert not stack.cms_ready(experience)


def test_ready_can_ask_for_given_short_uids():
    x = {"_cms": {"variantGroup": "cs1", "variants": {"0": "cs2", "2": "cs3"}}}
    assert stack.cms_ready(x) and stack.cms_ready(x, [0, "2"]) and not stack.cms_ready(x, ["1"])


# ------------------------------------------------------------------ links
@pytest.mark.parametrize("current,wanted,state,exact,new,changed", [
    (["a"], ["b"], "present", False, ["a", "b"], True),
    (["a", "b"], ["b"], "present", False, ["a", "b"], False),
    (["a", "b"], ["b", "c"], "present", True, ["b", "c"], True),
    (["b", "a"], ["a", "b"], "present", True, ["b", "a"], False),
    ([], [], "present", True, [], False),
    (["a"], [], "present", True, [], True),
    (["a", "b"], ["a", "z"], "absent", False, ["b"], True),
    (["a"], ["z"], "absent", False, ["a"], False),
    ([], ["a", "a"], "present", False, ["a"], True),
])
def test_link_plan(current, wanted, state, exact, new, changed):
    assert stack.link_plan(current, wanted, state, exact) == (new, changed)


def test_linked_types_reads_objects_strings_and_skips_unlinked():
    group = {"content_types": [{"uid": "a", "status": "linked"}, "b", {"uid": "c", "status": "unlinked"}, {"uid": "d"}]}
    assert stack.linked_types(group) == ["a", "b", "d"]


def emulate_put(group, body, mode):
    """What the emulator does with link form 2 (tests/emulator/cma.py put_group), replace or merge."""
    current = [] if mode == "replace" else stack.linked_types(group)
    for item in body["content_types"]:
        if item["status"] == "linked" and item["uid"] not in current:
            current.append(item["uid"])
        elif item["status"] == "unlinked" and item["uid"] in current:
            current.remove(item["uid"])
    return current


@pytest.mark.parametrize("mode", ["replace", "merge"])
@pytest.mark.parametrize("new", [["home_page"], ["banner", "checkout_page"], []])
def test_the_group_put_gives_the_plan_whether_the_server_replaces_or_merges(raw, mode, new):
    group = raw["variant_groups"][1]
    assert len(stack.linked_types(group)) == 2
    body = stack.group_put_body(group, new)
    assert "variants" not in body and body["name"] == group["name"] and body["uid"] == group["uid"]
    assert sorted(emulate_put(group, body, mode)) == sorted(new)


# ------------------------------------------------------------------ entry variants
def test_entry_variant_state_leaves_system_keys_out(raw):
    with_title, without_title = raw["entry_variants"][0], raw["entry_variants"][1]
    state = stack.entry_variant_state(with_title)
    assert state["change_set"] == ["cta_label", "hero_headline", "title"]
    assert sorted(state["fields"]) == ["cta_label", "hero_headline", "title"]
    # The server shows the base entry's title on a variant that does not change it.
    assert sorted(stack.entry_variant_state(without_title)["fields"]) == ["cta_label", "hero_headline"]
    assert stack.entry_variant_state(None) is None


def test_entry_variant_compare(raw):
    current = stack.entry_variant_state(raw["entry_variants"][1])
    same = stack.wanted_entry_variant(current["fields"])
    assert same["change_set"] == sorted(current["fields"]) and not stack.entry_variant_changed(current, same)
    assert not stack.entry_variant_changed(current, stack.wanted_entry_variant(current["fields"], ["hero_headline", "cta_label"]))
    assert stack.entry_variant_changed(current, stack.wanted_entry_variant(current["fields"], ["cta_label"]))
    assert stack.entry_variant_changed(current, stack.wanted_entry_variant(dict(current["fields"], cta_label="Go")))
    assert stack.entry_variant_changed(None, same)


def test_entry_variant_body_and_unknown_fields(raw):
    wanted = stack.wanted_entry_variant({"hero_headline": "Hi", "nope": 1}, ["hero_headline", "nope", "other.sub"])
    assert stack.entry_variant_body(wanted) == {"entry": {"hero_headline": "Hi", "nope": 1, "_variant": {
        "_change_set": ["hero_headline", "nope", "other.sub"]}}}
    assert stack.unknown_fields(raw["content_type"], wanted) == ["nope", "other.sub"]
    assert stack.schema_fields(raw["content_type"])[:2] == ["title", "url"]


# ------------------------------------------------------------------ the wait
class Clock:
    def __init__(self):
        self.now = 0.0
        self.pauses = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


class Lister:
    """GET /experiences answering from a script of listings (the last repeats)."""

    def __init__(self, *listings):
        self.listings = list(listings)
        self.calls = 0

    def get(self, path):
        assert path == "/experiences"
        self.calls += 1
        return copy.deepcopy(self.listings.pop(0) if len(self.listings) > 1 else self.listings[0])


def pending(raw):
    xs = copy.deepcopy(raw["experiences"])
    for x in xs:
        x["_cms"] = {}
    return xs


def test_the_wait_reads_one_listing_per_tick_and_the_interval_grows(raw):
    clock, seen = Clock(), []
    client = Lister(pending(raw), pending(raw), pending(raw), raw["experiences"])
    uids = [x["uid"] for x in raw["experiences"]]
    got = stack.wait_for_cms(client, uids, 60, progress=lambda names, waited: seen.append((names, waited)),
                             sleep=clock.sleep, clock=clock)
    assert set(got) == set(uids) and client.calls == 4
    assert clock.pauses == [1.0, 1.5, 2.25]
    assert seen[0] == ([x["name"] for x in raw["experiences"]], 0.0)


def test_the_wait_costs_nothing_when_the_listing_given_is_enough(raw):
    client = Lister([])
    assert stack.wait_for_cms(client, [raw["experiences"][0]["uid"]], 10, experiences=raw["experiences"])
    assert client.calls == 0


def test_the_wait_is_bounded_and_names_the_missing_experiences(raw):
    clock = Clock()
    late = pending(raw)
    late[0]["_cms"] = raw["experiences"][0]["_cms"]
    client = Lister(late)
    with pytest.raises(PersonalizeError) as err:
        stack.wait_for_cms(client, [x["uid"] for x in raw["experiences"]], 5, sleep=clock.sleep, clock=clock,
                           max_interval=2)
    text = str(err.value)
    assert raw["experiences"][1]["name"] in text and raw["experiences"][0]["name"] not in text and "5 s" in text
    assert clock.now == 5 and max(clock.pauses) <= 2


# ------------------------------------------------------------------ Stack on a fake client
class FakeCma:
    """client.cma / client.cma_list answering from the fixture, recording every call."""

    stack_api_key, branch, cma_base_url = "blt8f2e6d4c0a9b7e53", "main", "https://api.contentstack.io"

    def __init__(self, raw, put_answer=None):
        self.raw, self.calls, self.put_answer = raw, [], put_answer

    def cma_list(self, path, key, api_key=None, branch=None, query=None):
        self.calls.append(("LIST", path, tuple(sorted((query or {}).items()))))
        return copy.deepcopy({"variant_groups": self.raw["variant_groups"], "content_types": [self.raw["content_type"]],
                              "entries": self.raw["entry_variants"], "locales": self.raw["locales"]}[key])

    def cma(self, method, path, api_key=None, branch=None, body=None, query=None):
        self.calls.append((method, path, tuple(sorted((query or {}).items()))))
        if method == "GET" and path == "/v3/stacks":
            return {"stack": self.raw["stack"]}
        if method == "GET" and path == "/v3/variant_groups":
            return {"variant_groups": [g for g in self.raw["variant_groups"]
                                       if g["personalize_metadata"]["experience_uid"] == query["experience_uid"]]}
        if method == "PUT":
            return self.put_answer(body) if self.put_answer else {"entry": dict(body["entry"], _variant=dict(
                body["entry"]["_variant"], _uid=path.rsplit("/", 1)[1]))}
        raise AssertionError((method, path))


def test_each_list_is_read_once(raw):
    client = FakeCma(raw)
    s = stack.Stack(client)
    assert s.master_locale() == "en-us" and s.content_type("home_page")["uid"] == "home_page"
    assert s.content_type("nope") is None
    s.content_types()
    s.locales()
    s.master_locale()
    assert len(s.groups_by_experience()) == 2 and len(s.groups()) == 2
    assert [c[1] for c in client.calls] == ["/v3/stacks", "/v3/content_types", "/v3/locales", "/v3/variant_groups"]


def test_group_of_one_experience_is_one_filtered_call_or_the_full_list(raw):
    hero = raw["experiences"][0]
    client = FakeCma(raw)
    s = stack.Stack(client)
    assert s.group_of(hero)["uid"] == hero["_cms"]["variantGroup"]
    assert client.calls == [("GET", "/v3/variant_groups", (("experience_uid", hero["uid"]), ("include_variant_info", "true")))]
    s.groups()
    assert s.group_of(hero)["uid"] == hero["_cms"]["variantGroup"] and len(client.calls) == 2
    assert s.group_of({"uid": "nobody"}) is None
    assert s.variants(s.group_of(hero)) == raw["variant_groups"][0]["variants"]


def test_put_links_checks_the_answer_and_keeps_the_list_true(raw):
    def answer(body):
        return {"variant_group": dict(body, content_types=[c for c in body["content_types"] if c["status"] == "linked"])}
    s = stack.Stack(FakeCma(raw, answer))
    group = s.groups()[1]
    stored = s.put_links(group, ["banner"])
    assert stack.linked_types(stored) == ["banner"] and stored["variants"] == group["variants"]
    assert stack.linked_types(s.groups()[1]) == ["banner"]
    stubborn = stack.Stack(FakeCma(raw, lambda body: {"variant_group": dict(body, content_types=group["content_types"])}))
    with pytest.raises(PersonalizeApiError) as err:
        stubborn.put_links(stubborn.groups()[1], ["banner"])
    assert "not banner" in str(err.value)


def test_put_entry_variant_keeps_the_list_true(raw):
    s = stack.Stack(FakeCma(raw))
    before = s.entry_variants("home_page", "blt5ce0000000000000", "en-us")
    vuid = sorted(before)[0]
    wanted = stack.wanted_entry_variant({"hero_headline": "New"})
    s.put_entry_variant("home_page", "blt5ce0000000000000", "en-us", vuid, wanted)
    after = s.entry_variants("home_page", "blt5ce0000000000000", "en-us")
    assert stack.entry_variant_state(after[vuid]) == wanted and len(after) == len(before)


# ------------------------------------------------------------------ Stack with listing_cache
@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The listing cache's per-user directory under tmp_path."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _read_all(s):
    s.master_locale()
    s.locales()
    s.content_types()
    s.groups()
    return s.entry_variants("home_page", "blt5ce0000000000000", "en-us")


def test_the_listing_cache_round_trip(raw, private_tmp):
    first = stack.Stack(FakeCma(dict(raw, stack=dict(raw["stack"], extra_setting="not kept"))), listing_cache="run 1")
    before = _read_all(first)
    first.save()
    (listing_dir,) = [d for d in private_tmp.iterdir() if d.name.startswith("contentstack-personalize-")]
    (name,) = os.listdir(str(listing_dir / "listings"))
    assert stat.S_IMODE(os.stat(str(listing_dir / "listings" / name)).st_mode) == 0o600
    assert FakeCma.stack_api_key not in name
    # the same key and stack: every list from the cache, no call; only the stack keys read are kept
    client = FakeCma(raw)
    second = stack.Stack(client, listing_cache="run 1")
    assert _read_all(second) == before and client.calls == []
    assert sorted(second.info()) == sorted(k for k in stack.STACK_KEYS if k in raw["stack"])
    assert second.restored("groups") and second.restored(("entry_variants", "home_page", "blt5ce0000000000000", "en-us"))
    # kept true after a write, and left so for the next task
    vuid = sorted(before)[0]
    wanted = stack.wanted_entry_variant({"hero_headline": "Cached"})
    second.put_entry_variant("home_page", "blt5ce0000000000000", "en-us", vuid, wanted)
    second.save()
    third = stack.Stack(FakeCma(raw), listing_cache="run 1")
    assert stack.entry_variant_state(third.entry_variants("home_page", "blt5ce0000000000000", "en-us")[vuid]) == wanted
    # another key, branch or stack: not cached
    for other in (stack.Stack(FakeCma(raw), listing_cache="run 2"), stack.Stack(FakeCma(raw), branch="dev", listing_cache="run 1"),
                  stack.Stack(FakeCma(raw), api_key="blt0000000000000000", listing_cache="run 1")):
        assert not other.restored("groups")


def test_check_mode_and_no_key_leave_no_cache(raw, private_tmp):
    for s in (stack.Stack(FakeCma(raw), listing_cache="run 1", save=False), stack.Stack(FakeCma(raw))):
        _read_all(s)
        s.save()
    assert not list(private_tmp.rglob("*.json"))
    assert not stack.Stack(FakeCma(raw), listing_cache="run 1").restored("groups")


def test_cached_groups_are_read_again_for_a_cms_variant_made_since(raw, private_tmp):
    old = copy.deepcopy(raw)
    old["variant_groups"][0]["variants"] = old["variant_groups"][0]["variants"][:1]
    early = stack.Stack(FakeCma(old), listing_cache="run 1")
    early.groups()
    early.save()
    client = FakeCma(raw)
    s = stack.Stack(client, listing_cache="run 1")
    listings = types.SimpleNamespace(indexes=lambda *kinds: types.SimpleNamespace(experiences=None))
    found = stack_writes.Experiences(listings, s, types.SimpleNamespace(check_mode=False, params={}))
    hero = raw["experiences"][0]
    found._groups[hero["uid"]] = s.group_of(hero)
    assert len(s.variants(found._groups[hero["uid"]])) == 1 and client.calls == []
    assert found.refresh() and not found.refresh()
    assert s.variants(found._groups[hero["uid"]]) == raw["variant_groups"][0]["variants"]
    assert [c[1] for c in client.calls] == ["/v3/variant_groups"]
