"""Version state machine (decision 9/13) and variant shortUid rules (decision 10)."""

X1 = "6650a1b2c3d4e5f6a4000001"        # ARCHIVED(0,1) + ACTIVE(0,2,3) + DRAFT(0,2,3,4)
X1_ARCHIVED, X1_ACTIVE, X1_DRAFT = ("6650a1b2c3d4e5f6a501000%d" % i for i in (1, 2, 3))
X2 = "6650a1b2c3d4e5f6a4000002"        # PAUSED only
X2_PAUSED = "6650a1b2c3d4e5f6a5020001"
X3 = "6650a1b2c3d4e5f6a4000003"        # AB_TEST ACTIVE
X3_ACTIVE = "6650a1b2c3d4e5f6a5030001"
AUD1, AUD2 = "6650a1b2c3d4e5f6a2000001", "6650a1b2c3d4e5f6a2000002"
LYTICS = "5d3c1a9e7b2f4e6a8c0d1b3f5a7e9c2d"
P = "personalize.EXPERIENCES.VERSIONS."


def seg(name, auds=(AUD1,), short=None, lytics=()):
    v = {"__type": "SegmentedVariant", "name": name, "audiences": list(auds),
         "lyticsAudiences": list(lytics), "audienceCombinationType": "OR"}
    if short is not None:
        v["shortUid"] = short
    return v


def vpath(x, v=None):
    return "/experiences/%s/versions" % x + ("/" + v if v else "")


def versions(api, x):
    return api.ok("GET", vpath(x))


def by_uid(api, x):
    return {v["uid"]: v for v in versions(api, x)}


def new_experience(api, kind="SEGMENTED"):
    return api.ok("POST", "/experiences", {"name": "E", "__type": kind})


def status_only(v, status):
    return {"status": status, "variants": v["variants"], "metrics": v["metrics"],
            "targeting": v["targeting"]}


def test_draft_edit_and_activate_archives_previous(api):
    # edit the draft
    d = api.ok("PUT", vpath(X1, X1_DRAFT), {"status": "DRAFT", "variants": [
        seg("Members hero", short="0"), seg("Win-back", [AUD2], short="4")]})
    assert [v["shortUid"] for v in d["variants"]] == ["0", "4"] and d["status"] == "DRAFT"
    # activate it: the previous ACTIVE becomes ARCHIVED
    a = api.ok("PUT", vpath(X1, X1_DRAFT), dict(status_only(d, "ACTIVE")))
    assert a["status"] == "ACTIVE"
    vs = by_uid(api, X1)
    assert vs[X1_ACTIVE]["status"] == "ARCHIVED" and vs[X1_DRAFT]["status"] == "ACTIVE"
    assert vs[X1_ARCHIVED]["status"] == "ARCHIVED"
    assert sum(v["status"] in ("ACTIVE", "PAUSED") for v in vs.values()) == 1
    x = api.ok("GET", "/experiences/" + X1)
    assert x["status"] == "ACTIVE" and x["latestVersion"] == X1_DRAFT


def test_activate_archives_a_paused_version(api):
    new = api.ok("POST", vpath(X2), {"status": "DRAFT", "variants": [seg("Only", short="0")]})
    api.ok("PUT", vpath(X2, new["uid"]), status_only(new, "ACTIVE"))
    vs = by_uid(api, X2)
    assert vs[X2_PAUSED]["status"] == "ARCHIVED" and vs[new["uid"]]["status"] == "ACTIVE"


def test_second_draft_refused(api):
    r = api.post(vpath(X1), {"status": "DRAFT", "variants": [seg("x")]})
    assert r.status_code == 400
    assert r.json()["message"] == P + "CANNOT_CREATE_VERSION_AS_DRAFT_ALREADY_EXISTS"
    x = new_experience(api)
    r = api.post(vpath(x["uid"]), {"status": "DRAFT", "variants": []})
    assert r.json()["message"] == P + "CANNOT_CREATE_VERSION_AS_DRAFT_ALREADY_EXISTS"


def test_new_draft_allowed_while_live(api):
    v = api.ok("POST", vpath(X2), {"variants": [seg("New", short="1")]})
    assert v["status"] == "DRAFT"
    assert versions(api, X2)[0]["uid"] == v["uid"]  # newest first
    assert api.ok("GET", "/experiences/" + X2)["latestVersion"] == v["uid"]


def test_locked_edit_refused_status_only_allowed(api):
    active = by_uid(api, X1)[X1_ACTIVE]
    changed = status_only(active, "ACTIVE")
    changed["variants"] = [dict(changed["variants"][0], name="Renamed")] + changed["variants"][1:]
    r = api.put(vpath(X1, X1_ACTIVE), changed)
    assert r.status_code == 400 and r.json()["message"] == P + "CANNOT_UPDATE_LOCKED_VERSION"
    # same content without shortUids is a change too
    stripped = status_only(active, "PAUSED")
    stripped["variants"] = [{k: v for k, v in var.items() if k != "shortUid"} for var in active["variants"]]
    r = api.put(vpath(X1, X1_ACTIVE), stripped)
    assert r.json()["message"] == P + "CANNOT_UPDATE_LOCKED_VERSION"
    # status-only PUT resending the variants as they are
    same = api.ok("PUT", vpath(X1, X1_ACTIVE), status_only(active, "ACTIVE"))
    assert same["variants"] == active["variants"]
    # A/B locked version: metrics and targeting are part of the content
    ab = by_uid(api, X3)[X3_ACTIVE]
    r = api.put(vpath(X3, X3_ACTIVE), {"status": "PAUSED", "variants": ab["variants"]})
    assert r.json()["message"] == P + "CANNOT_UPDATE_LOCKED_VERSION"
    assert api.ok("PUT", vpath(X3, X3_ACTIVE), status_only(ab, "PAUSED"))["status"] == "PAUSED"


def test_active_paused_round_trip(api):
    active = by_uid(api, X1)[X1_ACTIVE]
    p = api.ok("PUT", vpath(X1, X1_ACTIVE), status_only(active, "PAUSED"))
    assert p["status"] == "PAUSED"
    assert api.ok("GET", "/experiences/" + X1)["status"] == "PAUSED"
    a = api.ok("PUT", vpath(X1, X1_ACTIVE), status_only(active, "ACTIVE"))
    assert a["status"] == "ACTIVE"
    assert by_uid(api, X1)[X1_DRAFT]["status"] == "DRAFT"  # the draft is untouched


def test_draft_to_paused_refused_and_nothing_back_to_draft(api):
    draft = by_uid(api, X1)[X1_DRAFT]
    r = api.put(vpath(X1, X1_DRAFT), status_only(draft, "PAUSED"))
    assert r.status_code == 400 and r.json()["message"] == P + "CANNOT_PAUSE_DRAFT_VERSION"
    active = by_uid(api, X1)[X1_ACTIVE]
    r = api.put(vpath(X1, X1_ACTIVE), status_only(active, "DRAFT"))
    assert r.status_code == 400 and r.json()["message"] == P + "CANNOT_MARK_VERSION_AS_DRAFT"
    paused = by_uid(api, X2)[X2_PAUSED]
    r = api.put(vpath(X2, X2_PAUSED), status_only(paused, "DRAFT"))
    assert r.json()["message"] == P + "CANNOT_MARK_VERSION_AS_DRAFT"
    archived = by_uid(api, X1)[X1_ARCHIVED]
    for status in ("DRAFT", "ACTIVE"):
        r = api.put(vpath(X1, X1_ARCHIVED), status_only(archived, status))
        assert r.status_code == 400 and r.json()["message"] == P + "CANNOT_UPDATE_ARCHIVED_VERSION"
    r = api.put(vpath(X1, X1_DRAFT), status_only(draft, "ARCHIVED"))
    assert r.status_code == 400 and "status" in r.json()["errors"]


def test_deletes(api):
    r = api.delete(vpath(X1, X1_ACTIVE))
    assert r.status_code == 400 and r.json()["message"] == P + "CANNOT_DELETE_ACTIVE_VERSION"
    assert api.delete(vpath(X1, X1_ARCHIVED)).status_code == 204
    assert api.delete(vpath(X1, X1_DRAFT)).status_code == 204
    assert [v["uid"] for v in versions(api, X1)] == [X1_ACTIVE]
    x = new_experience(api)
    r = api.delete(vpath(x["uid"], x["latestVersion"]))
    assert r.status_code == 400 and r.json()["message"] == P + "CANNOT_DELETE_ONLY_DRAFT"
    r = api.delete(vpath(X2, X2_PAUSED))  # only version, paused
    assert r.status_code == 400 and r.json()["message"].startswith(P + "CANNOT_DELETE_ONLY")
    assert api.delete(vpath(X1, "e" * 24)).status_code == 404


def test_paused_version_can_be_deleted_when_not_last(api):
    d = api.ok("POST", vpath(X2), {"variants": [seg("n")]})
    assert api.delete(vpath(X2, X2_PAUSED)).status_code == 204
    assert api.ok("GET", "/experiences/" + X2)["status"] == "DRAFT"
    assert [v["uid"] for v in versions(api, X2)] == [d["uid"]]


def test_activation_enables_analytics(api):
    x = new_experience(api)
    path = "/experiences/%s/analytics/summary?version=%s" % (x["uid"], x["latestVersion"])
    assert api.get(path).status_code == 404
    api.ok("PUT", vpath(x["uid"], x["latestVersion"]), {"status": "ACTIVE", "variants": [seg("a")]})
    assert api.get(path).status_code == 200


# ------------------------------------------------------------------ shortUids

def test_shortuids_assigned_in_order_from_zero(api):
    x = new_experience(api)
    v = api.ok("PUT", vpath(x["uid"], x["latestVersion"]),
               {"status": "DRAFT", "variants": [seg("a"), seg("b"), seg("c")]})
    assert [s["shortUid"] for s in v["variants"]] == ["0", "1", "2"]
    # a PUT without shortUids renumbers past the counter: old numbers are never reused
    v = api.ok("PUT", vpath(x["uid"], x["latestVersion"]), {"status": "DRAFT", "variants": [seg("a"), seg("b")]})
    assert [s["shortUid"] for s in v["variants"]] == ["3", "4"]


def test_given_shortuids_kept_gaps_and_counter_moves_past(api):
    x = new_experience(api)
    v = api.ok("PUT", vpath(x["uid"], x["latestVersion"]), {"status": "DRAFT", "variants": [
        seg("a", short="0"), seg("b", short="2"), seg("c", short="3")]})
    assert [s["shortUid"] for s in v["variants"]] == ["0", "2", "3"]  # gap kept
    v = api.ok("PUT", vpath(x["uid"], x["latestVersion"]), status_only(v, "ACTIVE"))
    d = api.ok("POST", vpath(x["uid"]), {"status": "DRAFT", "variants": [
        seg("a", short="0"), seg("b", short="2"), seg("c", short="3"), seg("new")]})
    assert [s["shortUid"] for s in d["variants"]] == ["0", "2", "3", "4"]
    d = api.ok("PUT", vpath(x["uid"], d["uid"]), {"status": "DRAFT", "variants": [
        seg("a", short="0"), seg("big", short="12"), seg("next")]})
    assert [s["shortUid"] for s in d["variants"]] == ["0", "12", "13"]
    # the experience counter is shared across versions: 1 was never handed out and stays unused
    d = api.ok("PUT", vpath(x["uid"], d["uid"]), {"status": "DRAFT", "variants": [seg("again")]})
    assert d["variants"][0]["shortUid"] == "14"


def test_seed_counter_continues_past_history(api):
    draft = by_uid(api, X1)[X1_DRAFT]
    variants = draft["variants"] + [seg("Another")]
    v = api.ok("PUT", vpath(X1, X1_DRAFT), {"status": "DRAFT", "variants": variants})
    assert [s["shortUid"] for s in v["variants"]] == ["0", "2", "3", "4", "5"]


def test_lytics_audiences_only_in_lytics_list(api):
    x = new_experience(api)
    v = api.ok("PUT", vpath(x["uid"], x["latestVersion"]),
               {"status": "DRAFT", "variants": [seg("L", auds=(), lytics=(LYTICS,))]})
    assert v["variants"][0]["lyticsAudiences"] == [LYTICS]
    assert api.ok("GET", "/experiences/" + x["uid"])["referredLyticsAudiences"] == [LYTICS]


def test_ab_test_versions(api):
    x = new_experience(api, "AB_TEST")
    body = {"status": "ACTIVE", "variants": [
        {"__type": "ABTestVariant", "name": "A", "trafficDistribution": 70},
        {"__type": "ABTestVariant", "name": "B", "trafficDistribution": 30.0}],
        "metrics": [{"name": "Orders", "event": "6650a1b2c3d4e5f6a3000002"}],
        "targeting": {"audience": {"audiences": [AUD1]}}, "variantSplit": "CUSTOM"}
    v = api.ok("PUT", vpath(x["uid"], x["latestVersion"]), body)
    assert v["variants"][1]["trafficDistribution"] == 30
    assert v["metrics"] == [{"__type": "Primary", "name": "Orders", "event": "6650a1b2c3d4e5f6a3000002"}]
    assert v["targeting"] == {"audience": {"audiences": [AUD1], "audienceCombinationType": "OR"}}
    assert v["variantSplit"] == "CUSTOM"
    # status-only PUT with the content as read back
    p = dict(status_only(v, "PAUSED"), variantSplit="CUSTOM")
    assert api.ok("PUT", vpath(x["uid"], v["uid"]), p)["status"] == "PAUSED"
