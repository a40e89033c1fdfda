"""The copy's stack phase, planned without a server: links, entry variants, checks, maps, verify."""

import copy
import json

from ansible_collections.contentstack.personalize.plugins.module_utils import migrate_stack as ms

HERO, SALE, OTHER = "Homepage Hero", "Summer Sale", "Left out"
SRC_KEY, DST_KEY = "bltsource", "bltdest"


def raw_experience(uid, name, cms=None):
    return {"uid": uid, "name": name, "_cms": cms or {}}


def versions(uid, name, variants):
    return {"experience": uid, "name": name, "versions": [
        {"uid": uid + "v", "status": "ACTIVE", "variants": [{"shortUid": s, "name": n} for s, n in variants]}]}


def source_raw():
    return {
        "experiences": [
            raw_experience("e1", HERO, {"variantGroup": "csg1", "variants": {"0": "csv10", "2": "csv12"}}),
            raw_experience("e2", SALE, {"variantGroup": {"uid": "csg2"}, "variants": {"0": "csv20"}}),
            raw_experience("e3", OTHER, {"variantGroup": "csg3", "variants": {"0": "csv30"}}),
        ],
        "versions": [versions("e1", HERO, [("0", "Members"), ("2", "Big spenders")]),
                     versions("e2", SALE, [("0", "Everyone")]), versions("e3", OTHER, [("0", "X")])],
    }


def dest_raw(ready=True):
    cms = {"variantGroup": "dsg1", "variants": {"0": "dsv10", "2": "dsv12"}} if ready else {}
    return {"experiences": [raw_experience("d1", HERO, cms)],
            "versions": [versions("d1", HERO, [("0", "Members"), ("2", "Big spenders")])]}


def stack(key, groups=(), entries=None, variants=(), connected=None, found=True, cts=("home", "banner", "blog")):
    return {"stack": {"api_key": key, "name": key, "org_uid": "org", "master_locale": "en-us"},
            "project": {"uid": "p", "found": found, "connected_stack_api_key": connected},
            "locales": ["en-us", "fr-fr"], "content_types": list(cts), "groups": list(groups),
            "entries": entries or {}, "entry_variants": list(variants), "api_calls": {"calls": 3, "retries": 0, "throttled": 0}}


def ev(ct, entry, locale, variant, fields):
    return {"content_type": ct, "entry": entry, "locale": locale, "variant": variant, "fields": fields,
            "change_set": sorted(fields)}


def src_stack():
    return stack(SRC_KEY, groups=[
        {"uid": "csg1", "experience_uid": "e1", "content_types": ["home"]},
        {"uid": "csg2", "experience_uid": "e2", "content_types": ["banner", "home"]},
        {"uid": "csg3", "experience_uid": "e3", "content_types": ["blog"]},
    ], entries={"home": ["h1"], "banner": ["b1"]}, variants=[
        ev("home", "h1", "en-us", "csv10", {"title": "Members"}),
        ev("home", "h1", "fr-fr", "csv10", {"title": "[fr] Members"}),
        ev("home", "h1", "en-us", "csv12", {"title": "Big"}),
        ev("banner", "b1", "en-us", "csv20", {"text": "Sale"}),
        ev("blog", "x1", "en-us", "csv30", {"text": "left out"}),
    ])


def dst_stack(**kwargs):
    args = dict(groups=[{"uid": "dsg1", "experience_uid": "d1", "content_types": []}],
                entries={"home": ["H1"], "banner": ["B1"]}, connected=DST_KEY)
    args.update(kwargs)
    return stack(DST_KEY, **args)


PLAN = {"experiences": [{"name": HERO}, {"name": SALE}],
        "versions": [{"experience": HERO, "versions": [{"variants": [{"shortUid": "0"}, {"shortUid": "2"}]}]},
                     {"experience": SALE, "versions": [{"variants": [{"shortUid": "0"}]}]}]}
UID_MAP = {"h1": "H1", "b1": "B1"}


def opts(**kwargs):
    out = {"content_types": True, "entry_variants": True, "locales": None, "entry_uid_map": UID_MAP,
           "allow_skips": False, "prune": False, "destination_missing": False}
    out.update(kwargs)
    return out


def build(src=None, dst=None, sstack=None, dstack=None, **kwargs):
    return ms.build(PLAN, src or source_raw(), dst if dst is not None else dest_raw(), sstack or src_stack(),
                    dstack or dst_stack(), opts(**kwargs))


def test_links_follow_the_source_groups_of_the_chosen_experiences():
    plan = build()
    assert plan["errors"] == []
    assert plan["links"] == [{"experience": HERO, "content_types": ["home"], "state": "present", "exact": False},
                             {"experience": SALE, "content_types": ["banner", "home"], "state": "present", "exact": False}]
    assert plan["link_changes"] == [{"experience": HERO, "add": ["home"], "remove": [], "group": "exists"},
                                    {"experience": SALE, "add": ["banner", "home"], "remove": [], "group": "pending"}]


def test_prune_makes_the_links_exact_and_removes_the_others():
    dstack = dst_stack(groups=[{"uid": "dsg1", "experience_uid": "d1", "content_types": ["home", "blog"]}])
    plan = build(dstack=dstack, prune=True)
    assert plan["links"][0]["exact"] is True
    assert plan["link_changes"][0] == {"experience": HERO, "add": [], "remove": ["blog"], "group": "exists"}


def test_entry_variants_are_mapped_by_entry_uid_and_named_by_experience_and_variant():
    plan = build()
    assert plan["locales"] == ["en-us"]   # the source's master locale by default
    assert [(i["content_type"], i["entry"], i["locale"], i["experience"], i["variant"]) for i in plan["entry_variants"]] == [
        ("home", "H1", "en-us", HERO, "Members"), ("home", "H1", "en-us", HERO, "Big spenders"),
        ("banner", "B1", "en-us", SALE, "Everyone")]
    assert plan["entry_variants"][0]["fields"] == {"title": "Members"} and plan["entry_variants"][0]["change_set"] == ["title"]
    assert plan["left_out"] == 1   # the variant of the experience the copy leaves out
    assert plan["counts"]["entry_variants"] == {"create": 3, "update": 0, "unchanged": 0}


def test_both_locales_and_the_left_out_experience():
    plan = build(locales=["en-us", "fr-fr"])
    assert [i["locale"] for i in plan["entry_variants"]].count("fr-fr") == 1
    assert build(locales=["fr-fr"])["left_out"] == 0


def test_existing_entry_variants_are_unchanged_or_updated():
    dstack = dst_stack(variants=[ev("home", "H1", "en-us", "dsv10", {"title": "Members"}),
                                 ev("home", "H1", "en-us", "dsv12", {"title": "old"})])
    plan = build(dstack=dstack)
    changes = plan["entry_variant_changes"]
    assert changes["unchanged"] == ["home/H1 en-us: %s / Members" % HERO]
    assert changes["update"] == ["home/H1 en-us: %s / Big spenders" % HERO]
    assert changes["create"] == ["banner/B1 en-us: %s / Everyone" % SALE]


def test_a_change_set_in_another_order_is_unchanged():
    item = {"fields": {"a": 1, "b": 2}, "change_set": ["a", "b"]}
    assert ms.entry_variant_change(item, {"fields": {"b": 2, "a": 1}, "change_set": ["b", "a"]}) == "unchanged"
    assert ms.entry_variant_change(item, {"fields": {"a": 1}, "change_set": ["a"]}) == "update"
    assert ms.entry_variant_change(item, None) == "create"


def test_an_entry_without_destination_is_an_error_or_a_reported_skip():
    errors = build(entry_uid_map={})["errors"]
    assert len(errors) == 3
    assert errors[0] == ("entry h1 of content type home has variants (en-us, experience %r) but the destination stack "
                         "has no entry h1" % HERO)
    plan = build(entry_uid_map={"h1": "H1"}, allow_skips=True)
    assert plan["errors"] == [] and len(plan["skipped"]) == 1 and "entry b1 of content type banner" in plan["skipped"][0]
    assert len(plan["entry_variants"]) == 2


def test_the_destination_must_be_connected_to_the_destination_stack():
    assert build(dstack=dst_stack(connected="bltother"))["errors"] == [
        "the destination project p is connected to another stack (bltother), not to the destination stack %s" % DST_KEY]
    assert "is connected to no stack" in build(dstack=dst_stack(connected=None))["errors"][0]
    assert "is not among the projects" in build(dstack=dst_stack(found=False))["errors"][0]
    # A project still to be created is created connected to the stack.
    assert build(dst={}, dstack=dst_stack(connected=None), destination_missing=True)["errors"] == []


def test_a_linked_content_type_missing_in_the_destination_stack():
    errors = build(dstack=dst_stack(cts=("home", "blog")))["errors"]
    assert errors == ["experience %r: content type(s) banner linked in the source stack are missing in the destination "
                      "stack %s" % (SALE, DST_KEY)]


def test_an_unknown_locale_names_the_stack():
    errors = build(locales=["de-de"])["errors"]
    assert errors[0].startswith("migrate_locales: locale(s) de-de not in the source stack %s" % SRC_KEY)


def test_a_destination_still_to_be_created_plans_everything():
    plan = build(dst={}, dstack=dst_stack(groups=[], connected=None), destination_missing=True)
    assert [c["group"] for c in plan["link_changes"]] == ["pending", "pending"]
    assert plan["counts"]["entry_variants"]["create"] == 3


def test_settings(tmp_path):
    both = {"source": {"stack_api_key": SRC_KEY}, "destination": {"stack_api_key": DST_KEY}}
    got = ms.settings(dict(both), ("source", "destination"))
    assert got["on"] and got["content_types"] is True and got["entry_variants"] is False and got["errors"] == []
    got = ms.settings({"source": {}, "destination": {}, "entry_variants": True}, ("source", "destination"))
    assert not got["on"] and got["content_types"] is False
    assert got["errors"] == ["migrate_entry_variants needs a stack on both sides: give stack_api_key in migrate_source and "
                             "migrate_destination (missing in migrate_source and migrate_destination)"]
    path = tmp_path / "uid-mapping.json"
    path.write_text(json.dumps(["not", "an", "object"]))
    got = ms.settings(dict(both, entry_uid_map=str(path)), ("source", "destination"))
    assert got["errors"] == ["migrate_entry_uid_map: %s must be a JSON object of strings {source entry uid: destination "
                             "entry uid}, got list" % path]
    path.write_text("{not json")
    assert "is not JSON" in ms.settings(dict(both, entry_uid_map=str(path)), ("source", "destination"))["errors"][0]
    path.write_text(json.dumps(UID_MAP))
    assert ms.settings(dict(both, entry_uid_map=str(path)), ("source", "destination"))["entry_uid_map"] == UID_MAP


def test_pending_names_the_experiences_without_group_or_variants():
    wanted = ms.wanted_short_uids(PLAN)
    assert wanted == {HERO: ["0", "2"], SALE: ["0"]}
    assert ms.pending(dest_raw()["experiences"], wanted) == [SALE]
    assert ms.pending(dest_raw(ready=False)["experiences"], wanted) == [HERO, SALE]
    half = dest_raw()
    half["experiences"][0]["_cms"]["variants"].pop("2")
    assert ms.pending(half["experiences"], {HERO: ["0", "2"]}) == [HERO]


def test_maps_join_on_shortuid_checked_by_name():
    got = ms.maps(source_raw(), dest_raw())
    assert got == {"variant_groups": {"csg1": "dsg1"}, "cms_variants": {"csv10": "dsv10", "csv12": "dsv12"}, "mismatches": []}
    renamed = dest_raw()
    renamed["versions"][0]["versions"][0]["variants"][1]["name"] = "Someone else"
    got = ms.maps(source_raw(), renamed)
    assert got["cms_variants"] == {"csv10": "dsv10"} and "variant 2 is 'Big spenders' in the source" in got["mismatches"][0]


def test_compare_after_the_writes():
    plan = build()
    dstack = dst_stack(groups=[{"uid": "dsg1", "experience_uid": "d1", "content_types": ["home"]}],
                       variants=[ev("home", "H1", "en-us", "dsv10", {"title": "Members"})])
    problems = ms.compare(plan, dest_raw(), dstack)
    assert problems == ["experience %r has no variant group in the destination stack" % SALE,
                        "entry variant home/H1 en-us: %s / Big spenders is missing" % HERO,
                        "entry variant banner/B1 en-us: %s / Everyone is missing" % SALE]


def test_report_counts_from_results_or_the_plan():
    plan = build()
    section = ms.report(plan, calls={"source": [{"calls": 4}], "destination": [{"calls": 2}, {"calls": 3, "retries": 1}]},
                        check_mode=True)
    assert section["groups_linked"] == 2 and section["entry_variants"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    assert section["cma_calls"]["destination"] == {"calls": 5, "cma_calls": 0, "retries": 1, "throttled": 0, "refreshes": 0}
    section = ms.report(plan, {"results": [{"changed": True}, {"changed": False}]},
                        {"summary": {"created": 2, "unchanged": 1}})
    assert section["groups_linked"] == 1 and section["entry_variants"]["created"] == 2


def test_off_is_empty():
    assert ms.off()["links"] == [] and ms.off()["counts"]["entry_variants"]["create"] == 0
    assert copy.deepcopy(ms.off()) == ms.off()


def test_what_the_lookup_reads_of_each_side():
    settings = {"entry_variants": True, "locales": None, "entry_uid_map": UID_MAP}
    assert ms.reads(settings) == {"entry_variants": True}
    dest = ms.reads(settings, src_stack())
    assert dest["content_types"] == ["banner", "blog", "home"] and dest["locales"] == ["en-us"]
    assert dest["entries"] == {"home": ["H1"], "banner": ["B1"], "blog": ["x1"]}


def test_with_plan_adds_the_stack_errors_skips_and_what_to_wait_for():
    settings = dict(opts(entry_uid_map={"h1": "H1"}, allow_skips=True), on=True, errors=[])
    plan = ms.with_plan(dict(PLAN, errors=[], skipped=[]), source_raw(), dest_raw(), src_stack(), dst_stack(), settings)
    assert plan["errors"] == [] and plan["skipped"][0].startswith("entry variant of entry b1")
    assert plan["stack"]["wait_for"] == {HERO: ["0", "2"], SALE: ["0"]} and plan["stack"]["pending"] == [SALE]
    failed = ms.with_plan(dict(PLAN, errors=[]), source_raw(), dest_raw(), {"error": "401.", "label": "x"}, dst_stack(), settings)
    assert failed["errors"] == ["cannot read the source stack: 401"]
    off = ms.with_plan(dict(PLAN, errors=[]), source_raw(), dest_raw(), None, None, {"on": False, "errors": ["e"]})
    assert off["errors"] == ["e"] and off["stack"]["on"] is False


def test_result_maps_and_verifies_only_in_a_real_run():
    plan = build()
    plan["on"] = True
    got = ms.result(plan, source_raw(), dest_raw(), dst_stack(), check_mode=False)
    assert got["cms_variants"] == {"csv10": "dsv10", "csv12": "dsv12"} and got["problems"]
    assert got["report"]["groups_linked"] == 2 and set(got["uid_map"]) == {"variant_groups", "cms_variants"}
    assert ms.result(plan, source_raw(), None, None, check_mode=True)["problems"] == []


def test_check_mode_lists_links_and_entry_variants_also_for_pending_groups():
    lines = ms.check_lines(build())
    assert lines[0] == "would link the variant group of %r: link home" % HERO
    assert lines[1] == "would link the variant group of %r (once Personalize has made it): link banner, home" % SALE
    assert lines[2] == "would create entry variant home/H1 en-us: %s / Members" % HERO
    assert lines[-1] == "stack: 2 variant groups to link, entry variants 3 to create, 0 to update, 0 unchanged, 0 skipped"


def test_the_write_tasks_get_only_what_changes():
    dstack = dst_stack(groups=[{"uid": "dsg1", "experience_uid": "d1", "content_types": ["home"]}],
                       variants=[ev("home", "H1", "en-us", "dsv10", {"title": "Members"})])
    plan = build(dstack=dstack)
    assert [i["experience"] for i in plan["links"]] == [HERO, SALE]
    assert [i["experience"] for i in plan["link_writes"]] == [SALE]
    assert [i["variant"] for i in plan["entry_variant_writes"]] == ["Big spenders", "Everyone"]
