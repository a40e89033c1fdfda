"""The emulator's Content Management API side: stacks, groups, entry variants, the background job,
both link forms, pagination, refusals, auth, branch, rate limit and the request log."""

import json
import os
import time

import pytest

from emu_api import Api
from emulator.cma import CMA_CONFIG
from emulator.harness import (DEST_ORG, DEST_PROJECT, DEST_TOKEN, NOBODY_TOKEN, SEEDS_DIR, SOURCE_ORG,
                              SOURCE_PROJECT, SOURCE_RO_TOKEN, SOURCE_TOKEN, Emulator)

SEEDS = ["retail", "empty-dest", "retail-stack", "dest-stack"]
STACK = "blt8f2e6d4c0a9b7e53"
DEST_STACK = "blt3c9d1e7f5a2b4c68"
STAGING_STACK = "blt6b2d8f0e4c1a3e95"
HERO = "6650a1b2c3d4e5f6a4000001"
SUMMER = "6650a1b2c3d4e5f6a4000002"
HOME = "blt5ce0000000000000"         # the home_page entry
BLOG = "blt5ce0000000000060"         # the blog_post entry (blog_post is linked to no group)
EV = "/v3/content_types/home_page/entries/%s/variants" % HOME


class Cma(Api):
    """Api with the CMA headers: api_key (and branch), no x-project-uid."""

    def __init__(self, url, token=SOURCE_TOKEN, stack=STACK, branch=None, bearer=False):
        super().__init__(url, token=token, project=None, bearer=bearer)
        if stack:
            self.headers["api_key"] = stack
        if branch:
            self.headers["branch"] = branch


@pytest.fixture
def emu(emu):
    """The contract tests' emulator with the stack seeds, and the CMA options at their defaults."""
    emu.configure(**CMA_CONFIG)
    emu.reset({"seeds": SEEDS})
    yield emu
    emu.configure(**CMA_CONFIG)


@pytest.fixture
def cma(emu):
    return Cma(emu.url)


def error(r, status, code=None):
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) <= {"error_message", "error_code", "errors"} and body["error_message"], body
    if code is not None:
        assert body["error_code"] == code, body
    return body


def groups_by_experience(cma):
    return {g["personalize_metadata"]["experience_uid"]: g
            for g in cma.ok("GET", "/v3/variant_groups?include_variant_info=true&limit=100")["variant_groups"]}


# ------------------------------------------------------------------ reads

def test_stack_locales_content_types_and_entries(cma):
    stack = cma.ok("GET", "/v3/stacks")["stack"]
    assert stack["api_key"] == STACK and stack["org_uid"] == SOURCE_ORG and stack["master_locale"] == "en-us"
    locales = cma.ok("GET", "/v3/locales")["locales"]
    assert [(x["code"], x["master"]) for x in locales] == [("en-us", True), ("fr-fr", False)]
    cts = cma.ok("GET", "/v3/content_types?include_count=true")
    assert cts["count"] == 7 and len(cts["content_types"]) == 7
    home = cma.ok("GET", "/v3/content_types/home_page")["content_type"]
    assert [f["uid"] for f in home["schema"]] == ["title", "url", "hero_headline", "hero_subline", "cta_label"]
    banners = cma.ok("GET", "/v3/content_types/banner/entries?locale=fr-fr")["entries"]
    assert [e["title"] for e in banners] == ["[fr] Summer sale banner", "[fr] Site-wide banner"]
    assert all(e["locale"] == "fr-fr" for e in banners)
    entry = cma.ok("GET", "/v3/content_types/home_page/entries/" + HOME)["entry"]
    assert entry["uid"] == HOME and entry["locale"] == "en-us" and entry["_version"] == 1
    error(cma.get("/v3/content_types/nope"), 404, 118)
    error(cma.get("/v3/content_types/nope/entries"), 404, 118)
    error(cma.get("/v3/content_types/home_page/entries/blt0000000000000000"), 404, 141)
    error(cma.get("/v3/content_types/home_page/entries?locale=xx-yy"), 422)
    error(cma.get("/v3/nothing/here"), 404)


def test_variant_groups_variants_and_cms_of_experiences(cma, api):
    listed = cma.ok("GET", "/v3/variant_groups?include_count=true")
    assert listed["count"] == 6 and "variants" not in listed["variant_groups"][0]
    by = groups_by_experience(cma)
    hero = by[HERO]
    assert hero["name"] == "Homepage Hero by Loyalty" and hero["uid"].startswith("cs")
    assert hero["content_types"] == [{"uid": "home_page", "status": "linked"}]
    assert hero["personalize_metadata"] == {"experience_uid": HERO, "experience_short_uid": "a",
                                            "project_uid": SOURCE_PROJECT, "status": "linked"}
    assert {v["personalize_metadata"]["variant_short_uid"]: v["name"] for v in hero["variants"]} == {
        "0": "Members hero", "1": "Big spender hero (old)", "2": "Big spender hero", "3": "Subscriber hero", "4": "Win-back hero"}
    for x in api.ok("GET", "/experiences"):
        g = by[x["uid"]]
        assert x["_cms"]["variantGroup"] == g["uid"]
        assert x["_cms"]["variants"] == {v["personalize_metadata"]["variant_short_uid"]: v["uid"] for v in g["variants"]}
    one = cma.ok("GET", "/v3/variant_groups?experience_uid=" + SUMMER)["variant_groups"]
    assert [g["uid"] for g in one] == [by[SUMMER]["uid"]]
    linked_home = cma.ok("GET", "/v3/variant_groups?content_type=home_page")["variant_groups"]
    assert sorted(g["uid"] for g in linked_home) == sorted([by[HERO]["uid"], by[SUMMER]["uid"]])
    got = cma.ok("GET", "/v3/variant_groups/%s?include_variant_info=true" % hero["uid"])["variant_group"]
    assert got == hero
    vs = cma.ok("GET", "/v3/variant_groups/%s/variants?include_count=true" % hero["uid"])
    assert vs["count"] == 5 and vs["variants"] == hero["variants"]
    v0 = hero["variants"][0]
    assert cma.ok("GET", "/v3/variant_groups/%s/variants/%s" % (hero["uid"], v0["uid"]))["variant"] == v0
    error(cma.get("/v3/variant_groups/csnope"), 404)
    error(cma.get("/v3/variant_groups/%s/variants/csnope" % hero["uid"]), 404)


def test_seeded_entry_variants_in_two_locales(cma):
    hero = groups_by_experience(cma)[HERO]
    by_short = {v["personalize_metadata"]["variant_short_uid"]: v["uid"] for v in hero["variants"]}
    for loc, prefix in (("en-us", ""), ("fr-fr", "[fr] ")):
        listed = cma.ok("GET", EV + "?locale=%s&include_count=true" % loc)
        # the hero's newest version has variants 0, 2, 3, 4; the summer sale's 0, 1 also vary the home page
        assert listed["count"] == 6
        mine = {e["_variant"]["_uid"]: e for e in listed["entries"]}
        assert set(by_short[s] for s in ("0", "2", "3", "4")) <= set(mine)
        ev = mine[by_short["0"]]
        assert ev["uid"] == HOME and ev["locale"] == loc and ev["_version"] == 1
        assert ev["_variant"]["_change_set"] == ["cta_label", "hero_headline", "title"]
        assert ev["_variant"]["_base_entry_version"] == 1
        assert ev["hero_headline"] == prefix + "Members hero: hero_headline for Home"
        assert "url" not in ev
        one = cma.ok("GET", EV + "/%s?locale=%s" % (by_short["0"], loc))["entry"]
        assert one == ev


def test_entry_uid_map_and_destination_stack(emu):
    with open(os.path.join(SEEDS_DIR, "retail-entry-uid-map.json")) as fh:
        mapping = json.load(fh)
    src, dst = Cma(emu.url), Cma(emu.url, token=DEST_TOKEN, stack=DEST_STACK, bearer=True)
    assert dst.ok("GET", "/v3/stacks")["stack"]["org_uid"] == DEST_ORG
    assert dst.ok("GET", "/v3/variant_groups")["variant_groups"] == []
    seen = 0
    for ct in src.ok("GET", "/v3/content_types")["content_types"]:
        for e in src.ok("GET", "/v3/content_types/%s/entries" % ct["uid"])["entries"]:
            other = dst.ok("GET", "/v3/content_types/%s/entries/%s" % (ct["uid"], mapping[e["uid"]]))["entry"]
            assert other["uid"] != e["uid"] and other["title"] == e["title"]
            seen += 1
    assert seen == len(mapping) == 9
    staging = Cma(emu.url, token=DEST_TOKEN, stack=STAGING_STACK)
    assert "shipping_notice" not in [c["uid"] for c in staging.ok("GET", "/v3/content_types")["content_types"]]


# ------------------------------------------------------------------ entry variant writes and refusals

def test_entry_variant_put_update_delete_and_log(emu, cma):
    v4 = {v["personalize_metadata"]["variant_short_uid"]: v["uid"] for v in groups_by_experience(cma)[HERO]["variants"]}["1"]
    m = emu.mark()
    body = {"entry": {"hero_headline": "Old hero", "_variant": {"_change_set": ["hero_headline"]}}}
    r = cma.put(EV + "/%s?locale=fr-fr" % v4, body)
    assert r.status_code == 201, r.text
    ev = r.json()["entry"]
    assert r.json()["notice"] and ev["_version"] == 1 and ev["locale"] == "fr-fr" and ev["title"] == "[fr] Home"
    assert ev["_variant"] == {"_uid": v4, "_change_set": ["hero_headline"], "_base_entry_version": 1}
    r = cma.put(EV + "/" + v4 + "?locale=fr-fr", {"entry": {"cta_label": "Go", "uid": HOME, "locale": "fr-fr"}})
    assert r.status_code == 200, r.text
    ev = r.json()["entry"]
    assert ev["_version"] == 2 and ev["cta_label"] == "Go" and "hero_headline" not in ev
    assert ev["_variant"]["_change_set"] == ["cta_label"]
    assert cma.ok("GET", EV + "/%s?locale=fr-fr" % v4)["entry"] == ev
    assert cma.get(EV + "/%s" % v4).status_code == 404  # en-us has none
    assert "notice" in cma.ok("DELETE", EV + "/%s?locale=fr-fr" % v4, status=200)
    error(cma.get(EV + "/%s?locale=fr-fr" % v4), 404)
    error(cma.delete(EV + "/%s?locale=fr-fr" % v4), 404)
    log = emu.log(since=m)
    assert [(e["method"], e["status"]) for e in log] == [
        ("PUT", 201), ("PUT", 200), ("GET", 200), ("GET", 404), ("DELETE", 200), ("GET", 404), ("DELETE", 404)]
    assert all(e["api"] == "cma" and e["stack"] == STACK and e["branch"] == "main" and e["org"] == SOURCE_ORG for e in log)
    assert log[0]["path"] == EV + "/" + v4 and log[0]["query"] == "locale=fr-fr" and log[0]["project"] is None
    assert len(emu.writes(since=m)) == 4
    emu.reset({"seeds": SEEDS})
    assert cma.get(EV + "/%s?locale=fr-fr" % v4).status_code == 404


def test_entry_variant_refusals(emu, cma):
    by = groups_by_experience(cma)
    hero0 = by[HERO]["variants"][0]["uid"]
    blog = "/v3/content_types/blog_post/entries/%s/variants/%s" % (BLOG, hero0)
    m = emu.mark()
    body = error(cma.put(blog, {"entry": {"body": "x"}}), 422, 412)
    assert "not linked" in body["error_message"] and "content_type_uid" in body["errors"]
    emu.configure(cma_unlinked_status=412)
    error(cma.put(blog, {"entry": {"body": "x"}}), 412)
    error(cma.put(EV + "/csunknownvariant0", {"entry": {"hero_headline": "x"}}), 422)
    body = error(cma.put(EV + "/" + hero0, {"entry": {"hero_headline": "x", "colour": "red"}}), 422)
    assert "colour" in body["error_message"] and "colour" in body["errors"]
    body = error(cma.put(EV + "/" + hero0, {"entry": {"hero_headline": "x", "_variant": {"_change_set": ["nope"]}}}), 422)
    assert "nope" in body["errors"]
    error(cma.put(EV + "/" + hero0, {"hero_headline": "x"}), 422)
    error(cma.put(EV + "/" + hero0, raw="[1]"), 422)
    error(cma.put(EV + "/" + hero0, raw="{not json"), 400)
    error(cma.put("/v3/content_types/nope/entries/%s/variants/%s" % (HOME, hero0), {"entry": {}}), 404, 118)
    error(cma.put("/v3/content_types/home_page/entries/blt0000000000000000/variants/" + hero0, {"entry": {}}), 404, 141)
    error(cma.put(EV + "/%s?locale=xx-yy" % hero0, {"entry": {"hero_headline": "x"}}), 422)
    assert all(e["status"] >= 400 for e in emu.log(since=m))
    # nothing was stored
    assert cma.ok("GET", EV + "?include_count=true")["count"] == 6


# ------------------------------------------------------------------ linking content types, both forms

def test_link_form_variants_put_merges_linked_and_unlinked(cma):
    g = groups_by_experience(cma)[SUMMER]
    path = "/v3/variant_groups/%s/variants" % g["uid"]
    out = cma.ok("PUT", path, {"uid": g["uid"], "branches": ["main"],
                               "content_types": [{"uid": "blog_post", "status": "linked"}, {"uid": "banner", "status": "unlinked"}]})
    assert out["variant_group"]["content_types"] == [{"uid": "home_page", "status": "linked"}, {"uid": "blog_post", "status": "linked"}]
    assert cma.ok("GET", "/v3/variant_groups/" + g["uid"])["variant_group"]["content_types"] == out["variant_group"]["content_types"]
    # now an entry variant on blog_post for a summer-sale variant is accepted
    v = g["variants"][0]["uid"]
    assert cma.put("/v3/content_types/blog_post/entries/%s/variants/%s" % (BLOG, v), {"entry": {"body": "sale!"}}).status_code == 201
    error(cma.put(path, {"content_types": [{"uid": "blog_post"}]}), 422)            # status required in this form
    error(cma.put(path, {"content_types": ["blog_post"]}), 422)                     # objects, not strings
    error(cma.put(path, {"content_types": [{"uid": "nope", "status": "linked"}]}), 422, 118)
    error(cma.put(path, {"uid": "csother", "content_types": []}), 422)
    error(cma.put(path, {}), 422)
    error(cma.put("/v3/variant_groups/csnope/variants", {"content_types": []}), 404)


@pytest.mark.parametrize("mode", ["replace", "merge"])
def test_link_form_whole_group_put_replace_or_merge(emu, cma, mode):
    if mode != CMA_CONFIG["cma_group_put"]:
        emu.configure(cma_group_put=mode)
    g = groups_by_experience(cma)[SUMMER]
    g.pop("variants")
    body = dict(g, content_types=[{"uid": "blog_post", "status": "linked"}, {"uid": "banner", "status": "unlinked"}])
    out = cma.ok("PUT", "/v3/variant_groups/" + g["uid"], body)["variant_group"]
    want = ["blog_post"] if mode == "replace" else ["home_page", "blog_post"]
    assert [c["uid"] for c in out["content_types"]] == want
    assert all(c["status"] == "linked" for c in out["content_types"])
    assert out["name"] == g["name"] and out["updated_at"] >= g["updated_at"]
    error(cma.put("/v3/variant_groups/" + g["uid"], {"variant_group": body}), 422)  # unwrapped only
    error(cma.put("/v3/variant_groups/" + g["uid"], dict(body, content_types=["banner"])), 422)
    error(cma.put("/v3/variant_groups/" + g["uid"], dict(body, name="Renamed")), 422)
    # a body without content_types changes no link
    assert cma.ok("PUT", "/v3/variant_groups/" + g["uid"], {"uid": g["uid"]})["variant_group"]["content_types"] == out["content_types"]


# ------------------------------------------------------------------ the background job

def _ab_experience(api, name, variants):
    x = api.ok("POST", "/experiences", {"name": name, "__type": "AB_TEST"})
    share = 100 // len(variants)
    body = {"status": "DRAFT", "variants": [
        {"__type": "ABTestVariant", "name": n, "trafficDistribution": share + (100 - share * len(variants) if i == 0 else 0)}
        for i, n in enumerate(variants)]}
    return x, api.ok("PUT", "/experiences/%s/versions/%s" % (x["uid"], x["latestVersion"]), body)


def test_background_job_after_a_delay(emu, cma, api):
    emu.configure(cms_delay=0.6)
    x, v = _ab_experience(api, "Late test", ["A", "B"])
    start = time.monotonic()
    assert api.ok("GET", "/experiences/" + x["uid"])["_cms"] == {}
    assert cma.ok("GET", "/v3/variant_groups?experience_uid=" + x["uid"])["variant_groups"] == []
    assert emu.state()["cms_jobs"][0]["experience"] == x["uid"]
    while not api.ok("GET", "/experiences/" + x["uid"])["_cms"]:
        assert time.monotonic() - start < 3
        time.sleep(0.05)
    assert time.monotonic() - start >= 0.55
    cms = api.ok("GET", "/experiences/" + x["uid"])["_cms"]
    assert set(cms["variants"]) == {"0", "1"} and all(u.startswith("cs") for u in [cms["variantGroup"]] + list(cms["variants"].values()))
    assert [e["_cms"] for e in api.ok("GET", "/experiences") if e["uid"] == x["uid"]] == [cms]
    [g] = cma.ok("GET", "/v3/variant_groups?include_variant_info=true&experience_uid=" + x["uid"])["variant_groups"]
    assert g["uid"] == cms["variantGroup"] and g["name"] == "Late test" and g["content_types"] == []
    assert {v["uid"]: v["name"] for v in g["variants"]} == {cms["variants"]["0"]: "A", cms["variants"]["1"]: "B"}
    # a later version's new variant gets its CMS variant after the delay too; meanwhile _cms is incomplete
    api.ok("PUT", "/experiences/%s/versions/%s" % (x["uid"], v["uid"]), dict(v, status="ACTIVE"))
    new = api.ok("POST", "/experiences/%s/versions" % x["uid"], {"status": "DRAFT", "variants": [
        {"__type": "ABTestVariant", "name": n, "trafficDistribution": t, "shortUid": s}
        for n, t, s in (("A", 40, "0"), ("B", 30, "1"), ("C", 30, None))]})
    assert new["variants"][2]["shortUid"] == "2"
    assert set(api.ok("GET", "/experiences/" + x["uid"])["_cms"]["variants"]) == {"0", "1"}
    time.sleep(0.7)
    assert set(api.ok("GET", "/experiences/" + x["uid"])["_cms"]["variants"]) == {"0", "1", "2"}
    assert len(cma.ok("GET", "/v3/variant_groups/%s/variants" % g["uid"])["variants"]) == 3
    # a long delay holds the job; lowering the delay releases it
    emu.configure(cms_delay=60)
    y = _ab_experience(api, "Very late test", ["A"])[0]
    time.sleep(0.1)
    assert api.ok("GET", "/experiences/" + y["uid"])["_cms"] == {}
    emu.configure(cms_delay=0)
    assert set(api.ok("GET", "/experiences/" + y["uid"])["_cms"]["variants"]) == {"0"}
    assert emu.state()["cms_jobs"] == []


def test_background_job_at_once_absent_pending_and_destination(emu, api):
    dest_api = Api(emu.url, token=DEST_TOKEN, project=DEST_PROJECT, bearer=True)
    emu.configure(cms_pending="absent")
    x = dest_api.ok("POST", "/experiences", {"name": "Copied test", "__type": "AB_TEST"})
    assert "_cms" not in x and "_cms" not in dest_api.ok("GET", "/experiences/" + x["uid"])
    dest_api.ok("PUT", "/experiences/%s/versions/%s" % (x["uid"], x["latestVersion"]), {"status": "DRAFT", "variants": [
        {"__type": "ABTestVariant", "name": "A", "trafficDistribution": 100}]})
    cms = dest_api.ok("GET", "/experiences/" + x["uid"])["_cms"]  # cms_delay 0: at once
    dst = Cma(emu.url, token=DEST_TOKEN, stack=DEST_STACK)
    [g] = dst.ok("GET", "/v3/variant_groups")["variant_groups"]
    assert g["uid"] == cms["variantGroup"] and g["personalize_metadata"]["project_uid"] == DEST_PROJECT
    # the source stack knows nothing of it; the source project's experiences keep their _cms
    assert Cma(emu.url).ok("GET", "/v3/variant_groups?include_count=true")["count"] == 6
    assert api.ok("GET", "/experiences")[0]["_cms"]["variantGroup"].startswith("cs")


def test_connecting_a_project_runs_the_job(emu):
    org_api = Api(emu.url, token=DEST_TOKEN, project=None, org=DEST_ORG)
    p = org_api.ok("POST", "/projects", {"name": "Unconnected"})
    papi = Api(emu.url, token=DEST_TOKEN, project=p["uid"])
    x = papi.ok("POST", "/experiences", {"name": "Lonely", "__type": "AB_TEST"})
    papi.ok("PUT", "/experiences/%s/versions/%s" % (x["uid"], x["latestVersion"]), {"status": "DRAFT", "variants": [
        {"__type": "ABTestVariant", "name": "A", "trafficDistribution": 100}]})
    assert papi.ok("GET", "/experiences/" + x["uid"])["_cms"] == {}
    org_api.ok("PUT", "/projects/" + p["uid"], {"name": "Unconnected", "connectedStackApiKey": STAGING_STACK})
    assert papi.ok("GET", "/experiences/" + x["uid"])["_cms"]["variants"]
    assert [g["name"] for g in Cma(emu.url, token=DEST_TOKEN, stack=STAGING_STACK).ok("GET", "/v3/variant_groups")["variant_groups"]] == ["Lonely"]


# ------------------------------------------------------------------ pagination

def _all(cma, path, key, limit):
    items, skip = [], 0
    while True:
        page = cma.ok("GET", "%s%sskip=%d&limit=%d&include_count=true" % (path, "&" if "?" in path else "?", skip, limit))
        items += page[key]
        skip += limit
        if skip >= page["count"]:
            return items, page["count"]


def test_strict_pagination_with_the_bulk_seed(emu):
    emu.reset({"seeds": SEEDS + ["cma-bulk"]})
    bulk = Cma(emu.url, stack="blt9b01c2d3e4f5a601")
    first = bulk.ok("GET", "/v3/content_types")
    assert len(first["content_types"]) == 30 and "count" not in first          # the default page size
    assert len(bulk.ok("GET", "/v3/content_types?limit=1000")["content_types"]) == 100  # cut to the maximum
    cts, count = _all(bulk, "/v3/content_types", "content_types", 100)
    assert count == 105 and len({c["uid"] for c in cts}) == 105
    ents, count = _all(bulk, "/v3/content_types/bulk_ct_000/entries", "entries", 100)
    assert count == 110 and len({e["uid"] for e in ents}) == 110
    evs, count = _all(bulk, "/v3/content_types/bulk_ct_000/entries/%s/variants" % ents[0]["uid"], "entries", 100)
    assert count == 120 and len({e["_variant"]["_uid"] for e in evs}) == 120
    de, count = _all(bulk, "/v3/content_types/bulk_ct_000/entries/%s/variants?locale=de-de" % ents[20]["uid"], "entries", 7)
    assert count == 1 and de[0]["locale"] == "de-de"
    groups, count = _all(bulk, "/v3/variant_groups", "variant_groups", 4)
    assert count == 6 and len(groups) == 6 and all(len(g["content_types"]) == 105 for g in groups)
    vs, count = _all(bulk, "/v3/variant_groups/%s/variants" % groups[0]["uid"], "variants", 7)
    assert count == 20 and len({v["uid"] for v in vs}) == 20
    assert bulk.ok("GET", "/v3/content_types?skip=200")["content_types"] == []
    for bad in ("limit=0", "limit=x", "skip=-1"):
        error(bulk.get("/v3/content_types?" + bad), 422)
    emu.configure(cma_page_size=5, cma_max_limit=10)
    assert len(bulk.ok("GET", "/v3/locales?include_count=true")["locales"]) == 2
    assert len(bulk.ok("GET", "/v3/content_types")["content_types"]) == 5
    assert len(bulk.ok("GET", "/v3/content_types?limit=100")["content_types"]) == 10
    dest = Cma(emu.url, token=DEST_TOKEN, stack="blt9b01c2d3e4f5a602")
    assert dest.ok("GET", "/v3/content_types/bulk_ct_000/entries?include_count=true")["count"] == 110


# ------------------------------------------------------------------ auth, branch, rate limit, config

def test_auth_api_key_permissions_and_branch(emu, cma):
    m = emu.mark()
    error(Cma(emu.url, token=None).get("/v3/content_types"), 401, 105)
    error(Cma(emu.url, token="csat-unknown").get("/v3/content_types"), 401, 105)
    assert Cma(emu.url, bearer=True).get("/v3/content_types").status_code == 200
    error(Cma(emu.url, stack=None).get("/v3/content_types"), 412, 109)
    error(Cma(emu.url, stack="bltunknown").get("/v3/content_types"), 412, 109)
    error(Cma(emu.url, token=NOBODY_TOKEN).get("/v3/content_types"), 412, 109)
    error(Cma(emu.url, token=DEST_TOKEN).get("/v3/content_types"), 412, 109)    # a stack of another organization
    ro = Cma(emu.url, token=SOURCE_RO_TOKEN)
    assert ro.get("/v3/variant_groups").status_code == 200
    hero0 = groups_by_experience(cma)[HERO]["variants"][0]["uid"]
    error(ro.put(EV + "/" + hero0, {"entry": {"hero_headline": "x"}}), 403)
    assert Cma(emu.url, branch="develop").get("/v3/variant_groups").status_code == 200
    body = error(Cma(emu.url, branch="nope").get("/v3/variant_groups"), 422, 903)
    assert "nope" in body["error_message"] and "branch" in body["errors"]
    error(Cma(emu.url, token=DEST_TOKEN, stack=DEST_STACK, branch="develop").get("/v3/content_types"), 422)
    log = emu.log(since=m)
    assert all(e["api"] == "cma" for e in log)
    assert [e["branch"] for e in log if e["status"] == 422][0] == "nope"
    assert log[0]["status"] == 401 and log[0]["org"] is None


def test_rate_limit_shared_with_personalize_or_own(emu, cma, api):
    emu.configure(rate_limit=3)
    assert [api.get("/events").status_code for _n in range(3)] == [200] * 3
    r = cma.get("/v3/content_types")
    error(r, 429)
    assert emu.log()[-1]["api"] == "cma" and emu.log()[-1]["org"] == SOURCE_ORG
    # another organization's stack has its own bucket
    assert Cma(emu.url, token=DEST_TOKEN, stack=DEST_STACK).get("/v3/content_types").status_code == 200
    emu.configure(rate_limit=3, cma_rate_limit=2)
    assert [api.get("/events").status_code for _n in range(3)] == [200] * 3
    assert [cma.get("/v3/content_types").status_code for _n in range(3)] == [200, 200, 429]
    assert emu.state()["config"]["cma_rate_limit"] == 2


def test_cma_calls_reach_the_limiter_and_are_logged_like_personalize_ones(emu, cma, api):
    """Every CMA entry that reached the limiter has its ``arrival`` (one refused before it, None), delayed by
    the jitter as a Personalize one is; with its own bucket, the CMA budget is counted in arrival order too."""
    emu.configure(rate_limit=100, limiter={"jitter_ms": 40})
    try:
        mark = emu.mark()
        for _n in range(5):
            assert cma.get("/v3/content_types").status_code == 200
            assert api.get("/events").status_code == 200
        Cma(emu.url, token="nope").get("/v3/content_types")
        log = emu.log(since=mark)
        cma_log = [e for e in log if e.get("api") == "cma" and e["status"] == 200]
        assert len(cma_log) == 5 and all(e["ts"] <= e["arrival"] for e in log if e["status"] == 200)
        delays = [e["arrival"] - e["ts"] for e in cma_log]
        assert max(delays) > 0.005  # five draws from 0-40 ms: at least one above 5 ms
        assert log[-1]["api"] == "cma" and log[-1]["status"] == 401 and log[-1]["arrival"] is None
        emu.configure(rate_limit=100, cma_rate_limit=2, limiter={"jitter_ms": 0})
        mark = emu.mark()
        codes = [cma.get("/v3/content_types").status_code for _n in range(3)]
        log = emu.log(since=mark)
        assert codes == [200, 200, 429]
        # the refused one reached the limiter too: its arrival is after the accepted ones'
        arrivals = [e["arrival"] for e in log]
        assert all(a is not None for a in arrivals) and arrivals == sorted(arrivals)
    finally:
        emu.configure(limiter={"jitter_ms": 0}, cma_rate_limit=None)


def test_config_validation_and_command_line_options(emu, tmp_path):
    for bad in ({"cms_delay": -1}, {"cma_group_put": "patch"}, {"cma_unlinked_status": 400}, {"cma_page_size": 0},
                {"cms_pending": "none"}, {"cma_rate_limit": "x"}):
        with pytest.raises(Exception):
            emu.configure(**bad)
    assert emu.state()["config"]["cma_group_put"] == "replace"
    with Emulator(seeds=SEEDS, tmp_path=tmp_path, cms_delay=30, cma={"cma_page_size": 2, "cma_group_put": "merge"}) as other:
        cfg = other.state()["config"]
        assert (cfg["cms_delay"], cfg["cma_page_size"], cfg["cma_group_put"]) == (30, 2, "merge")
        assert len(Cma(other.url).ok("GET", "/v3/content_types")["content_types"]) == 2
        # seeded experiences have their groups at once, whatever the delay
        assert len(Api(other.url).ok("GET", "/experiences/" + HERO)["_cms"]["variants"]) == 5


def test_faults_and_persistence(emu, cma, tmp_path):
    v1 = {v["personalize_metadata"]["variant_short_uid"]: v["uid"] for v in groups_by_experience(cma)[HERO]["variants"]}["1"]
    path = EV + "/" + v1
    emu.configure(faults={"seed": 1, "error_503": 1.0})
    error(cma.put(path, {"entry": {"cta_label": "x"}}), 503)
    emu.configure(faults={"lost_write": 1.0})
    error(cma.put(path, {"entry": {"cta_label": "lost but applied"}}), 502)
    emu.configure(faults={})
    assert cma.ok("GET", path)["entry"]["cta_label"] == "lost but applied"
    assert [e["fault"] for e in emu.log()[-3:]] == ["503", "lost", None]
    state = tmp_path / "state.json"
    with Emulator(seeds=SEEDS, tmp_path=tmp_path, state_path=state) as other:
        Cma(other.url).ok("PUT", path, {"entry": {"cta_label": "kept"}}, status=201)
        other.restart()
        assert Cma(other.url).ok("GET", path)["entry"]["cta_label"] == "kept"
        assert len(other.state()["stacks"]) == 3
