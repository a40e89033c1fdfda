"""Every endpoint of the emulator, happy paths and auth."""

import re
import time

from emu_api import Api
from emulator.harness import (DEST_ORG, DEST_PROJECT, DEST_TOKEN, NOBODY_TOKEN, SOURCE_ORG,
                              SOURCE_PROJECT, SOURCE_RO_TOKEN, SOURCE_TOKEN)

HEX24 = re.compile(r"^[0-9a-f]{24}$")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
SERVER_FIELDS = ("_id", "uid", "createdAt", "updatedAt", "createdBy", "updatedBy",
                 "createdByUserName", "updatedByUserName")
PRESETS = ["COUNTRY", "REGION", "CITY", "DEVICE_TYPE", "OPERATING_SYSTEM", "QUERY_PARAMETERS",
           "REFERRER", "DATE_AND_TIME"]
X1 = "6650a1b2c3d4e5f6a4000001"
LYTICS = "5d3c1a9e7b2f4e6a8c0d1b3f5a7e9c2d"


def assert_server_fields(obj, project=SOURCE_PROJECT):
    for f in SERVER_FIELDS:
        assert f in obj, f
    assert obj["_id"] == obj["uid"]
    assert TS.match(obj["createdAt"]) and TS.match(obj["updatedAt"])
    if project:
        assert obj["project"] == project


# ------------------------------------------------------------------ auth and routing

def test_missing_and_unknown_token_401(emu):
    for api in (Api(emu.url, token=None), Api(emu.url, token="csat-bogus")):
        r = api.get("/attributes")
        assert r.status_code == 401
        assert r.json() == {"message": "You're not allowed in here unless you're logged in."}


def test_bearer_and_authtoken_both_work(emu):
    assert Api(emu.url, bearer=True).get("/events").status_code == 200
    assert Api(emu.url, token=DEST_TOKEN, project=DEST_PROJECT).get("/events").json() == []


def test_403_for_other_org_and_for_read_only_writes(emu):
    r = Api(emu.url, token=NOBODY_TOKEN).get("/attributes")
    assert r.status_code == 403 and r.json()["message"] == "Forbidden"
    r = Api(emu.url, token=DEST_TOKEN).get("/attributes")  # dest token, source project
    assert r.status_code == 403
    ro = Api(emu.url, token=SOURCE_RO_TOKEN)
    assert ro.get("/attributes").status_code == 200
    r = ro.post("/events", {"key": "x"})
    assert r.status_code == 403 and "personalize:manage" in r.json()["details"]
    r = Api(emu.url, token=SOURCE_TOKEN, project=None, org=DEST_ORG).get("/projects")
    assert r.status_code == 403 and r.json()["message"] == "Forbidden"


def test_project_header_checks(emu):
    api = Api(emu.url, project=None)
    r = api.get("/attributes")
    assert r.status_code == 400 and "x-project-uid" in r.json()["message"]
    r = api.get("/attributes", headers={"x-project-uid": "nothex"})
    assert r.status_code == 400 and "x-project-uid" in r.json()["errors"]
    r = api.get("/attributes", headers={"x-project-uid": "0" * 24})
    assert r.status_code == 404 and r.json()["message"] == "personalize.PROJECTS.NOT_FOUND"


def test_unknown_route_404(api):
    r = api.get("/x")
    assert r.status_code == 404 and r.json() == {"message": "Cannot GET /x"}
    r = api.get("/experiences/%s/versions/%s" % (X1, "6650a1b2c3d4e5f6a5010001"))
    assert r.status_code == 404 and r.json()["message"].startswith("Cannot GET /experiences/")
    assert api.request("PATCH", "/attributes").status_code == 404


# ------------------------------------------------------------------ projects

def test_projects_list_filter_create_update_delete(emu):
    src = Api(emu.url, project=None, org=SOURCE_ORG)
    lst = src.ok("GET", "/projects")
    assert [p["uid"] for p in lst] == [SOURCE_PROJECT]
    p = lst[0]
    assert p["organizationUid"] == SOURCE_ORG and p["audienceCount"] == 11
    assert p["activeExperienceCount"] == 4 and p["connectedStackApiKey"] == "blt8f2e6d4c0a9b7e53"
    assert_server_fields(p, project=None)
    assert src.ok("GET", "/projects?connectedStackApiKey=blt8f2e6d4c0a9b7e53")[0]["uid"] == SOURCE_PROJECT
    assert src.ok("GET", "/projects?connectedStackApiKey=bltnope") == []

    dst = Api(emu.url, token=DEST_TOKEN, project=None, org=DEST_ORG, bearer=True)
    created = dst.ok("POST", "/projects", {"name": "Second", "description": "d",
                                           "connectedStackApiKey": "bltstack2"})
    assert HEX24.match(created["uid"]) and created["organizationUid"] == DEST_ORG
    assert created["audienceCount"] == 0
    # every project starts with the presets
    pa = Api(emu.url, token=DEST_TOKEN, project=created["uid"]).ok("GET", "/attributes")
    assert [a["key"] for a in pa] == PRESETS
    upd = dst.ok("PUT", "/projects/" + created["uid"], {"name": "Second (renamed)", "description": ""})
    assert upd["name"] == "Second (renamed)" and upd["connectedStackApiKey"] is None
    r = dst.post("/projects", {"name": "Acme Retail Web Shop EU"})
    assert r.status_code == 400 and r.json()["message"] == "personalize.PROJECTS.DUPLICATE_NAME"
    dst.ok("POST", "/projects", {"name": "Third"})
    r = dst.post("/projects", {"name": "Fourth"})
    assert r.status_code == 400 and r.json()["message"] == "personalize.PROJECTS.LIMIT_EXCEEDED"
    r = dst.delete("/projects/" + created["uid"])
    assert r.status_code == 204 and r.content == b""
    assert created["uid"] not in [x["uid"] for x in dst.ok("GET", "/projects")]
    assert dst.delete("/projects/" + created["uid"]).status_code == 404


# ------------------------------------------------------------------ attributes

def test_attributes_crud_and_presets(api):
    attrs = api.ok("GET", "/attributes")
    presets = [a for a in attrs if a["__type"] == "PRESET"]
    assert [a["key"] for a in presets] == PRESETS
    custom = [a for a in attrs if a["__type"] == "CUSTOM"]
    assert len(custom) == 10 and all(HEX24.match(a["uid"]) for a in custom)
    a = api.ok("POST", "/attributes", {"key": "shoe_size", "name": "Shoe Size", "extra": 1})
    assert a["__type"] == "CUSTOM" and a["description"] == "" and "extra" not in a
    assert_server_fields(a)
    b = api.ok("PUT", "/attributes/" + a["uid"], {"key": "shoe_size_eu", "name": "Shoe size (EU)",
                                                  "description": "EU sizes"})
    assert b["key"] == "shoe_size_eu" and b["createdAt"] == a["createdAt"]
    assert api.delete("/attributes/" + a["uid"]).status_code == 204
    assert a["uid"] not in [x["uid"] for x in api.ok("GET", "/attributes")]
    assert api.delete("/attributes/" + a["uid"]).status_code == 404
    r = api.delete("/attributes/" + presets[0]["uid"])
    assert r.status_code == 400 and r.json()["message"] == "personalize.ATTRIBUTES.PRESET_READ_ONLY"


# ------------------------------------------------------------------ events

def test_events_crud_name_defaults_to_key(api):
    evs = api.ok("GET", "/events")
    assert {e["key"]: e["name"] for e in evs}["newsletter_signup"] == "newsletter_signup"
    e = api.ok("POST", "/events", {"key": "wishlist_add", "description": "d"})
    assert e["name"] == "wishlist_add"
    assert_server_fields(e)
    e2 = api.ok("PUT", "/events/" + e["uid"], {"key": "wishlist_add", "name": "Wishlist", "description": ""})
    assert e2["name"] == "Wishlist"
    assert api.delete("/events/" + e["uid"]).status_code == 204


# ------------------------------------------------------------------ audiences

def test_audiences_crud_normalized_and_lytics(api):
    auds = api.ok("GET", "/audiences")
    lytics = [a for a in auds if a.get("source") == "LYTICS"]
    assert len(auds) == 11 and len(lytics) == 1
    assert lytics[0]["uid"] == LYTICS and lytics[0]["slug"] and "definition" not in lytics[0]
    body = {"name": "Tablet users", "definition": {"combinationType": "OR", "rules": [
        {"attribute": {"__type": "PresetAttributeReference", "ref": "DEVICE_TYPE"},
         "attributeMatchCondition": "STRING_EQUALS",
         "attributeMatchOptions": {"__type": "StringMatchOptions", "value": "TABLET"}},
        {"combinationType": "AND", "rules": []}]}}
    a = api.ok("POST", "/audiences", body)
    d = a["definition"]
    assert d["__type"] == "RuleCombination"
    assert d["rules"][0]["__type"] == "Rule" and d["rules"][0]["invertCondition"] is False
    assert d["rules"][1]["__type"] == "RuleCombination"
    assert_server_fields(a)
    # names are not unique
    assert api.post("/audiences", body).status_code == 201
    upd = api.ok("PUT", "/audiences/" + a["uid"], dict(body, name="Tablets", description="t"))
    assert upd["name"] == "Tablets" and upd["definition"] == d
    assert api.delete("/audiences/" + a["uid"]).status_code == 204
    for method in ("PUT", "DELETE"):
        r = api.request(method, "/audiences/" + LYTICS, body if method == "PUT" else None)
        assert r.status_code == 400 and r.json()["message"] == "personalize.AUDIENCES.LYTICS_READ_ONLY"


# ------------------------------------------------------------------ experiences

def test_experiences_list_get_create_update_delete(api):
    exps = api.ok("GET", "/experiences")
    assert len(exps) == 6
    by = {x["name"]: x for x in exps}
    assert by["Summer Sale Banner"]["status"] == "PAUSED"
    assert by["Newsletter Signup Prompt"]["status"] == "DRAFT"
    hero = api.ok("GET", "/experiences/" + X1)
    assert hero["status"] == "ACTIVE" and hero["latestVersion"] == "6650a1b2c3d4e5f6a5010003"
    assert hero["_cms"]["variantGroup"].startswith("cs")
    assert set(hero["_cms"]["variants"]) == {"0", "1", "2", "3", "4"}
    assert "6650a1b2c3d4e5f6a2000005" in hero["referredAudiences"]
    assert "variants" not in hero

    x = api.ok("POST", "/experiences", {"name": "New", "__type": "SEGMENTED", "_cms": {"x": 1},
                                        "status": "ACTIVE", "uid": "ignored", "latestVersion": "zz"})
    assert HEX24.match(x["uid"]) and x["status"] == "DRAFT" and x["_cms"] == {}
    assert HEX24.match(x["latestVersion"]) and x["shortUid"] == "g"
    assert_server_fields(x)
    versions = api.ok("GET", "/experiences/%s/versions" % x["uid"])
    assert len(versions) == 1 and versions[0]["uid"] == x["latestVersion"]
    assert versions[0]["status"] == "DRAFT" and versions[0]["variants"] == []
    assert api.ok("GET", "/experiences-priority")["priorityOrder"][-1] == x["uid"]
    upd = api.ok("PUT", "/experiences/" + x["uid"], {"name": "Renamed", "description": "d",
                                                     "__type": "SEGMENTED", "tags": ["t"]})
    assert upd["name"] == "Renamed" and upd["tags"] == ["t"]
    assert api.delete("/experiences/" + x["uid"]).status_code == 204
    assert api.get("/experiences/" + x["uid"]).status_code == 404
    assert x["uid"] not in api.ok("GET", "/experiences-priority")["priorityOrder"]
    # an ACTIVE experience can be deleted
    assert api.delete("/experiences/" + X1).status_code == 204


def test_priority_get_put(api):
    order = api.ok("GET", "/experiences-priority")["priorityOrder"]
    assert len(order) == 6 and order[0] == "6650a1b2c3d4e5f6a4000003"
    new = list(reversed(order))
    assert api.ok("PUT", "/experiences-priority", {"priorityOrder": new}) == {"priorityOrder": new}
    assert api.ok("GET", "/experiences-priority")["priorityOrder"] == new
    r = api.put("/experiences-priority", {"priorityOrder": new[:-1]})
    assert r.status_code == 400 and "MISSING_EXPERIENCES" in r.json()["message"]


def test_versions_list_newest_first(api):
    vs = api.ok("GET", "/experiences/%s/versions" % X1)
    assert [v["status"] for v in vs] == ["DRAFT", "ACTIVE", "ARCHIVED"]
    assert [[x["shortUid"] for x in v["variants"]] for v in vs] == [["0", "2", "3", "4"], ["0", "2", "3"], ["0", "1"]]
    for v in vs:
        assert_server_fields(v)
        assert v["experienceUid"] == X1


def test_analytics(api):
    r = api.get("/experiences/%s/analytics/summary?version=6650a1b2c3d4e5f6a5010002" % X1)
    assert r.status_code == 200
    s = r.json()
    assert s["versionUid"] == "6650a1b2c3d4e5f6a5010002" and len(s["variants"]) == 3
    assert s["impressions"] == sum(v["impressions"] for v in s["variants"])
    ts = api.ok("GET", "/experiences/%s/analytics/time-series?version=6650a1b2c3d4e5f6a5010002" % X1)
    assert len(ts["series"]) == 7
    r = api.get("/experiences/%s/analytics/summary?version=6650a1b2c3d4e5f6a5010003" % X1)
    assert r.status_code == 404 and r.json()["message"].endswith("SUMMARY_NOT_FOUND")
    r = api.get("/experiences/%s/analytics/time-series?version=6650a1b2c3d4e5f6a5010003" % X1)
    assert r.status_code == 404 and r.json()["message"].endswith("TIME_SERIES_ANALYTICS_NOT_FOUND")


def test_geolocation_needs_only_auth(emu):
    api = Api(emu.url, project=None)
    countries = api.ok("GET", "/geolocation/countries")
    assert {"code": "US", "name": "United States"} in countries
    assert all(r["country"] == "US" for r in api.ok("GET", "/geolocation/regions?country=US"))
    assert [c["name"] for c in api.ok("GET", "/geolocation/cities?query=berl")] == ["Berlin"]
    assert Api(emu.url, token=None).get("/geolocation/cities").status_code == 401


def test_seed_content_is_valid_api_input(api):
    """Every seed audience and version passes the API's own validation when re-sent."""
    for a in api.ok("GET", "/audiences"):
        if a.get("source"):
            continue
        r = api.post("/audiences", {"name": a["name"], "definition": a["definition"]})
        assert r.status_code == 201, r.text
        assert r.json()["definition"] == a["definition"]
    for x in api.ok("GET", "/experiences"):
        for v in api.ok("GET", "/experiences/%s/versions" % x["uid"]):
            nx = api.ok("POST", "/experiences", {"name": x["name"], "__type": x["__type"]})
            body = {k: v[k] for k in ("variants", "metrics", "targeting")}
            out = api.ok("PUT", "/experiences/%s/versions/%s" % (nx["uid"], nx["latestVersion"]),
                         dict(body, status="ACTIVE"))
            assert out["variants"] == v["variants"]
            assert api.delete("/experiences/" + nx["uid"]).status_code == 204


def test_timestamps_move_on_update(api):
    a = api.ok("POST", "/attributes", {"key": "k1", "name": "K1"})
    time.sleep(0.01)
    b = api.ok("PUT", "/attributes/" + a["uid"], {"key": "k1", "name": "K2"})
    assert b["updatedAt"] > a["updatedAt"] and b["createdAt"] == a["createdAt"]
