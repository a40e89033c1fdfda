"""Invalid requests: each answers 4xx with a message (or errors key) naming the field."""

import copy

import pytest

from emu_api import Api

X1 = "6650a1b2c3d4e5f6a4000001"        # SEGMENTED, ARCHIVED + ACTIVE + DRAFT
X3 = "6650a1b2c3d4e5f6a4000003"        # AB_TEST, ACTIVE only
X4 = "6650a1b2c3d4e5f6a4000004"        # SEGMENTED, DRAFT only
X4_DRAFT = "6650a1b2c3d4e5f6a5040001"
A_TIER = "6650a1b2c3d4e5f6a1000001"    # loyalty_tier, used by audiences
AUD1 = "6650a1b2c3d4e5f6a2000001"      # used by experiences
AUD10 = "6650a1b2c3d4e5f6a2000010"     # unused
EV_CHECKOUT = "6650a1b2c3d4e5f6a3000002"  # used by metrics
LYTICS = "5d3c1a9e7b2f4e6a8c0d1b3f5a7e9c2d"

RULE = {"__type": "Rule", "attribute": {"__type": "PresetAttributeReference", "ref": "COUNTRY"},
        "attributeMatchCondition": "STRING_EQUALS",
        "attributeMatchOptions": {"__type": "StringMatchOptions", "value": "US"}}


def aud(**rule_changes):
    rule = copy.deepcopy(RULE)
    for k, v in rule_changes.items():
        if v is DROP:
            rule.pop(k)
        else:
            rule[k] = v
    return {"name": "A", "definition": {"combinationType": "AND", "rules": [rule]}}


DROP = object()
SEG = {"__type": "SegmentedVariant", "name": "v", "audiences": [AUD1], "audienceCombinationType": "OR"}
AB = {"__type": "ABTestVariant", "name": "a", "trafficDistribution": 50}


def seg(**changes):
    v = dict(SEG, **changes)
    return {"status": "DRAFT", "variants": [v]}


def abv(t1=50, t2=50, **extra):
    return dict({"status": "DRAFT", "variants": [dict(AB, trafficDistribution=t1),
                                                 dict(AB, name="b", trafficDistribution=t2)]}, **extra)


V_X4 = "/experiences/%s/versions/%s" % (X4, X4_DRAFT)
V_X3 = "/experiences/%s/versions" % X3

# (id, method, path, body or raw bytes, status, field that must be named)
CASES = [
    ("malformed-json", "POST", "/attributes", b'{"key": ', 400, "body"),
    ("body-not-object", "POST", "/attributes", [1, 2], 400, "body"),
    ("attr-missing-key", "POST", "/attributes", {"name": "n"}, 400, "key"),
    ("attr-key-wrong-type", "POST", "/attributes", {"key": 12, "name": "n"}, 400, "key"),
    ("attr-missing-name", "POST", "/attributes", {"key": "k"}, 400, "name"),
    ("attr-description-type", "POST", "/attributes", {"key": "k", "name": "n", "description": 5}, 400, "description"),
    ("attr-duplicate-key", "POST", "/attributes", {"key": "loyalty_tier", "name": "n"}, 400, "key"),
    ("attr-preset-key", "POST", "/attributes", {"key": "COUNTRY", "name": "n"}, 400, "key"),
    ("attr-type-preset", "POST", "/attributes", {"key": "k", "name": "n", "__type": "PRESET"}, 400, "__type"),
    ("attr-bad-uid", "PUT", "/attributes/xyz", {"key": "k", "name": "n"}, 400, "uid"),
    ("attr-referenced", "DELETE", "/attributes/" + A_TIER, None, 400, "uid"),
    ("event-missing-key", "POST", "/events", {"description": "d"}, 400, "key"),
    ("event-duplicate-key", "POST", "/events", {"key": "add_to_cart"}, 400, "key"),
    ("event-name-type", "POST", "/events", {"key": "k", "name": ["x"]}, 400, "name"),
    ("event-referenced", "DELETE", "/events/" + EV_CHECKOUT, None, 400, "uid"),
    ("aud-missing-definition", "POST", "/audiences", {"name": "A"}, 400, "definition"),
    ("aud-missing-name", "POST", "/audiences", {"definition": {"combinationType": "AND", "rules": []}}, 400, "name"),
    ("aud-combination-enum", "POST", "/audiences", {"name": "A", "definition": {"combinationType": "XOR", "rules": []}}, 400, "combinationType"),
    ("aud-rules-not-array", "POST", "/audiences", {"name": "A", "definition": {"combinationType": "AND", "rules": {}}}, 400, "rules"),
    ("aud-condition-enum", "POST", "/audiences", aud(attributeMatchCondition="EQUALS_ISH"), 400, "attributeMatchCondition"),
    ("aud-reference-type", "POST", "/audiences", aud(attribute={"__type": "Mystery", "ref": "COUNTRY"}), 400, "attribute.__type"),
    ("aud-unknown-preset", "POST", "/audiences", aud(attribute={"__type": "PresetAttributeReference", "ref": "PLANET"}), 400, "attribute.ref"),
    ("aud-unknown-custom", "POST", "/audiences", aud(attribute={"__type": "CustomAttributeReference", "ref": "0" * 24}), 400, "attribute.ref"),
    ("aud-custom-not-objectid", "POST", "/audiences", aud(attribute={"__type": "CustomAttributeReference", "ref": "loyalty_tier"}), 400, "attribute.ref"),
    ("aud-options-missing", "POST", "/audiences", aud(attributeMatchOptions=DROP), 400, "attributeMatchOptions"),
    ("aud-options-type", "POST", "/audiences", aud(attributeMatchOptions={"__type": "NumberMatchOptions", "value": 3}), 400, "attributeMatchOptions.__type"),
    ("aud-options-value-type", "POST", "/audiences", aud(attributeMatchOptions={"__type": "StringMatchOptions", "value": 3}), 400,
     "attributeMatchOptions.value"),
    ("aud-invert-type", "POST", "/audiences", aud(invertCondition="yes"), 400, "invertCondition"),
    ("aud-create-lytics", "POST", "/audiences", {"name": "L", "source": "lytics", "slug": "s"}, 400, "source"),
    ("aud-delete-lytics", "DELETE", "/audiences/" + LYTICS, None, 400, "uid"),
    ("aud-referenced", "DELETE", "/audiences/" + AUD1, None, 400, "uid"),
    ("exp-type-enum", "POST", "/experiences", {"name": "E", "__type": "BANNER"}, 400, "__type"),
    ("exp-type-missing", "POST", "/experiences", {"name": "E"}, 400, "__type"),
    ("exp-missing-name", "POST", "/experiences", {"__type": "SEGMENTED"}, 400, "name"),
    ("exp-tags-type", "POST", "/experiences", {"name": "E", "__type": "AB_TEST", "tags": "x"}, 400, "tags"),
    ("exp-change-type", "PUT", "/experiences/" + X1, {"name": "E", "__type": "AB_TEST"}, 400, "__type"),
    ("exp-unknown", "GET", "/experiences/" + "f" * 24, None, 404, "uid"),
    ("ver-post-active", "POST", "/experiences/%s/versions" % X3, dict(abv(), status="ACTIVE"), 400, "status"),
    ("ver-status-enum", "PUT", V_X4, dict(seg(), status="LIVE"), 400, "status"),
    ("ver-status-missing", "PUT", V_X4, {"variants": [SEG]}, 400, "status"),
    ("ver-variants-missing", "PUT", V_X4, {"status": "DRAFT"}, 400, "variants"),
    ("ver-variants-empty", "PUT", V_X4, {"status": "DRAFT", "variants": []}, 400, "variants"),
    ("ver-variant-type", "PUT", V_X4, {"status": "DRAFT", "variants": [AB]}, 400, "variants[0].__type"),
    ("ver-variant-name", "PUT", V_X4, seg(name=None), 400, "variants[0].name"),
    ("ver-seg-no-audiences", "PUT", V_X4, seg(audiences=[]), 400, "variants[0].audiences"),
    ("ver-seg-combination-enum", "PUT", V_X4, seg(audienceCombinationType="XOR"), 400, "variants[0].audienceCombinationType"),
    ("ver-seg-unknown-audience", "PUT", V_X4, seg(audiences=["a" * 24]), 400, "variants[0].audiences"),
    ("ver-seg-lytics-in-audiences", "PUT", V_X4, seg(audiences=[LYTICS]), 400, "variants[0].audiences"),
    ("ver-seg-normal-in-lytics", "PUT", V_X4, seg(audiences=[], lyticsAudiences=[AUD10]), 400, "variants[0].lyticsAudiences"),
    ("ver-seg-metrics", "PUT", V_X4, dict(seg(), metrics=[{"name": "m", "event": EV_CHECKOUT}]), 400, "metrics"),
    ("ver-shortuid-leading-zero", "PUT", V_X4, seg(shortUid="01"), 400, "variants[0].shortUid"),
    ("ver-shortuid-duplicate", "PUT", V_X4, {"status": "DRAFT", "variants": [dict(SEG, shortUid="7"), dict(SEG, shortUid="7")]}, 400, "variants[1].shortUid"),
    ("ver-ab-sum", "POST", V_X3, abv(50, 40), 400, "variants"),
    ("ver-ab-not-integer", "POST", V_X3, abv(49.5, 50.5), 400, "variants[0].trafficDistribution"),
    ("ver-ab-metric-event", "POST", V_X3, abv(metrics=[{"__type": "Primary", "name": "m", "event": "b" * 24}]), 400, "metrics[0].event"),
    ("ver-ab-metric-type", "POST", V_X3, abv(metrics=[{"__type": "Tertiary", "name": "m", "event": EV_CHECKOUT}]), 400, "metrics[0].__type"),
    ("ver-ab-targeting", "POST", V_X3, abv(targeting={"audience": {"audiences": ["c" * 24]}}), 400, "targeting.audience.audiences"),
    ("prio-not-array", "PUT", "/experiences-priority", {"priorityOrder": "x"}, 400, "priorityOrder"),
    ("prio-missing", "PUT", "/experiences-priority", {"priorityOrder": [X1]}, 400, "priorityOrder"),
    ("prio-unknown", "PUT", "/experiences-priority", {"priorityOrder": ["d" * 24]}, 400, "priorityOrder"),
]


@pytest.mark.parametrize("name,method,path,body,status,field", CASES, ids=[c[0] for c in CASES])
def test_invalid_request(api, name, method, path, body, status, field):
    if isinstance(body, bytes):
        r = api.request(method, path, raw=body)
    else:
        r = api.request(method, path, body)
    assert r.status_code == status, r.text
    data = r.json()
    assert isinstance(data.get("message"), str) and data["message"]
    named = field in data["message"] or any(field in k for k in data.get("errors", {}))
    assert named, (field, data)
    for msgs in data.get("errors", {}).values():
        assert isinstance(msgs, list) and all(isinstance(m, str) and m for m in msgs)


def test_invalid_case_count():
    assert len({c[0] for c in CASES}) >= 25


def test_project_and_org_header_errors(emu):
    api = Api(emu.url, project=None)
    r = api.get("/projects")
    assert r.status_code == 400 and "organization_uid" in r.json()["message"]
    r = Api(emu.url, project=None, org="blt5e1ec7ed0000a001").post("/projects", {"description": "x"})
    assert r.status_code == 400 and "name" in r.json()["errors"]


def test_business_codes(api):
    r = api.post("/attributes", {"key": "loyalty_tier", "name": "x"})
    assert r.json()["message"] == "personalize.ATTRIBUTES.DUPLICATE_KEY"
    r = api.post("/events", {"key": "add_to_cart"})
    assert r.json()["message"] == "personalize.EVENTS.DUPLICATE_KEY"
    assert api.delete("/attributes/" + A_TIER).json()["message"] == "personalize.ATTRIBUTES.REFERENCED"
    assert api.delete("/audiences/" + AUD1).json()["message"] == "personalize.AUDIENCES.REFERENCED"
    assert api.delete("/events/" + EV_CHECKOUT).json()["message"] == "personalize.EVENTS.REFERENCED"
    # an unused audience can go
    assert api.delete("/audiences/" + AUD10).status_code == 204


def test_unknown_fields_ignored(api):
    x = api.ok("POST", "/experiences", {"name": "E", "__type": "SEGMENTED", "bogus": {"a": 1},
                                        "variants": [1, 2, 3]})
    assert "bogus" not in x


def test_limits_configurable(emu, api):
    emu.configure(limits={"attributes": 11, "events": 5, "audiences": 11, "experiences": 6,
                          "rules_per_audience": 2, "variants_per_experience": 2})
    assert api.post("/attributes", {"key": "k11", "name": "n"}).status_code == 201
    r = api.post("/attributes", {"key": "k12", "name": "n"})
    assert r.status_code == 400 and r.json()["message"] == "personalize.ATTRIBUTES.LIMIT_EXCEEDED"
    r = api.post("/events", {"key": "e6"})
    assert r.status_code == 400 and r.json()["message"] == "personalize.EVENTS.LIMIT_EXCEEDED"
    r = api.post("/audiences", aud())
    assert r.status_code == 400 and r.json()["message"] == "personalize.AUDIENCES.LIMIT_EXCEEDED"
    r = api.post("/experiences", {"name": "E", "__type": "SEGMENTED"})
    assert r.status_code == 400 and r.json()["message"] == "personalize.EXPERIENCES.LIMIT_EXCEEDED"
    # rule count counts Rule leaves, nested ones included
    three = {"name": "A", "definition": {"combinationType": "OR", "rules": [
        RULE, {"combinationType": "AND", "rules": [RULE, RULE]}]}}
    api.delete("/audiences/" + AUD10)
    r = api.post("/audiences", three)
    assert r.status_code == 400 and r.json()["message"] == "personalize.AUDIENCES.RULE_COUNT_EXCEEDED"
    assert "definition" in r.json()["errors"]
    r = api.put(V_X4, {"status": "DRAFT", "variants": [SEG, SEG, SEG]})
    assert r.status_code == 400 and r.json()["message"].endswith("LIMIT_EXCEEDED")
    assert "variants" in r.json()["errors"]
    # default: 20 variants per experience
    emu.configure(limits={"variants_per_experience": 20})
    assert api.put(V_X4, {"status": "DRAFT", "variants": [SEG] * 20}).status_code == 200
    assert api.put(V_X4, {"status": "DRAFT", "variants": [SEG] * 21}).status_code == 400


def test_a_body_over_the_size_limit_is_answered_413_and_logged(api, emu):
    big = {"name": "Big", "description": "x" * (1024 * 1024), "definition": {
        "__type": "RuleCombination", "combinationType": "AND", "rules": []}}
    r = api.post("/audiences", big)
    assert r.status_code == 413, r.text
    assert r.json()["message"] == "request entity too large"
    assert [(e["method"], e["status"]) for e in emu.log()][-1] == ("POST", 413)
    assert "Big" not in [a["name"] for a in api.get("/audiences").json()]
