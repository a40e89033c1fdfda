"""The migrate role's data shaping (module_utils/migrate_role.py): pure functions, no emulator."""

import json
import pathlib

from ansible_collections.contentstack.personalize.plugins.module_utils import migrate_role

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"

SRC = {"api_url": "http://127.0.0.1:9", "project_uid": "6650a1b2c3d4e5f601000001", "allow_http": True}
DST = {"region": "aws-eu", "project_uid": "6650a1b2c3d4e5f602000001"}
SKIPPED = {"changed": False, "skipped": True}
CALLS = {"calls": 5, "retries": 1, "throttled": 0}


def raw(experiences=0, calls=None):
    out = {"attributes": [{"uid": "p", "__type": "PRESET"}, {"uid": "a", "key": "tier"}], "events": [], "audiences": [],
           "experiences": [{"uid": "e%d" % n, "name": "E%d" % n} for n in range(experiences)], "versions": [],
           "priority": {"priorityOrder": []}}
    if calls:
        out["api_calls"] = calls
    return out


def test_endpoints_of_two_projects_read_both():
    ends = migrate_role.endpoints(SRC, DST, SKIPPED)
    assert ends["source"] == "http://127.0.0.1:9 project 6650a1b2c3d4e5f601000001"
    assert ends["destination"].endswith("project 6650a1b2c3d4e5f602000001")
    assert ends["read"] == ["source", "destination"] and ends["errors"] == []
    assert not ends["same_project"] and not ends["destination_missing"]


def test_endpoints_name_the_side_whose_settings_are_invalid_and_read_nothing():
    ends = migrate_role.endpoints(SRC, dict(DST, region="mars"))
    assert ends["destination"] is None and ends["read"] == []
    assert len(ends["errors"]) == 1 and ends["errors"][0].startswith("invalid connection settings of the destination: ")
    assert "mars" in ends["errors"][0]


def test_endpoints_same_project_reads_only_the_source():
    ends = migrate_role.endpoints(SRC, dict(SRC))
    assert ends["same_project"] and ends["read"] == ["source"]


def test_endpoints_destination_by_name_missing_or_not_found():
    missing = migrate_role.endpoints(SRC, DST, {"changed": False, "uid": None, "api_calls": CALLS})
    assert missing["destination_missing"] and missing["read"] == ["source"] and missing["found_calls"] == CALLS
    failed = migrate_role.endpoints(SRC, DST, {"failed": True, "msg": "GET /projects returned 401: no"})
    assert failed["errors"] == ["cannot find the destination project: GET /projects returned 401: no"]
    assert failed["read"] == ["source"] and not failed["destination_missing"]


def test_sides_keep_read_errors_as_data_naming_the_side():
    ends = migrate_role.endpoints(SRC, DST)
    out = migrate_role.sides([raw(calls=CALLS), {"error": "GET /events returned 403: Forbidden.", "label": "destination"}], ends)
    assert out["source"]["api_calls"] == CALLS and out["destination"] is None
    assert out["errors"] == ["cannot read the destination: GET /events returned 403: Forbidden"]
    assert out["refusal"] == ("The copy cannot start: cannot read the destination: GET /events returned 403: Forbidden. "
                              "Nothing was written.")


def test_sides_refuse_a_project_onto_itself_and_pass_two_good_reads():
    same = migrate_role.endpoints(SRC, dict(SRC))
    assert "refusing to copy a project onto itself" in migrate_role.sides([raw()], same)["refusal"]
    ok = migrate_role.sides([raw(1), raw(2, calls=CALLS)], migrate_role.endpoints(SRC, DST))
    assert ok["refusal"] is None and ok["calls"]["destination"] == CALLS
    assert migrate_role.progress(ok, "extract") == ("extract: source has 1 attributes, 0 events, 0 audiences, "
                                                    "1 experiences; destination has 2 experiences")


def versions_result(*changes):
    return {"changed": True, "msg": "2 versions: 2 updated", "results": [
        {"experience": "e0", "changed": True, "steps": ["write draft", "activate"], "object": {"experience": "e0", "versions": []},
         "version_changes": [{"change": c, "version": "v"} for c in changes]},
        {"changed": False, "steps": [], "object": {"experience": "e1", "versions": []}}]}


def test_versions_progress_counts_version_changes():
    line = migrate_role.progress(versions_result("updated", "activated"), "versions", activation="mirror")
    assert line == "versions and activation (mirror): 1 updated, 1 activated; 1 experiences' versions changed"


def test_loaded_takes_the_destination_as_read_when_nothing_was_written():
    results = {"_migrate_result_attributes": {"changed": False}, "_migrate_result_priority": SKIPPED,
               "_migrate_result_versions": dict(versions_result(), changed=False)}
    out = migrate_role.loaded(results, raw(2, calls=CALLS))
    assert not out["wrote"]
    assert out["destination"]["versions"] == [{"experience": "e0", "versions": []}, {"experience": "e1", "versions": []}]
    assert out["destination"]["api_calls"] == migrate_role.NO_CALLS
    assert migrate_role.loaded(dict(results, _migrate_result_events={"changed": True}), raw()) == {"wrote": True, "destination": None}


def test_report_keeps_its_keys_counts_calls_and_says_it_in_words():
    results = {"_migrate_result_project": SKIPPED,
               "_migrate_result_attributes": {"changed": True, "summary": {"created": 2}, "api_calls": CALLS},
               "_migrate_result_versions": versions_result("created", "activated", "paused"),
               "_migrate_result_priority": {"changed": True, "api_calls": CALLS}}
    plan = {"notes": ["audience 'A' included because ..."], "skipped": ["audience 'L' (Lytics)"],
            "prune": {"events": [{"key": "old", "state": "absent"}]}}
    context = {"endpoints": migrate_role.endpoints(SRC, DST), "calls": {"source": CALLS, "destination": CALLS},
               "verify_calls": CALLS, "problems": [], "check_mode": False, "activation": "mirror", "prune": True,
               "started": 0, "destination_uid": DST["project_uid"]}
    out = migrate_role.report(results, plan, context)
    report = out["report"]
    assert sorted(report) == sorted(["source", "destination", "destination_project", "check_mode", "activation", "kinds",
                                     "activations", "version_changes", "priority_changed", "calls", "pruned",
                                     "included_as_dependencies", "skipped", "verify", "seconds", "report_dir", "source_read"])
    assert report["destination_project"] == {"uid": DST["project_uid"], "action": "none"}
    assert report["kinds"]["attributes"] == {"created": 2} and report["kinds"]["events"] == {}
    assert report["version_changes"] == {"created": 1, "updated": 0, "activated": 1, "paused": 1, "resumed": 0, "deleted": 0}
    assert report["activations"] == [
        {"experience": "e0", "change": "created", "version": "v", "step": "write draft"},
        {"experience": "e0", "change": "activated", "version": "v", "step": "activate"}] and report["priority_changed"]
    assert report["calls"]["destination"] == {"calls": 20, "retries": 4, "throttled": 0}
    assert report["verify"] == "ok" and report["pruned"] == plan["prune"]
    assert out["summary"][1:3] == ["attributes: 2 created", "events: nothing to do"]
    check = migrate_role.report(results, plan, dict(context, check_mode=True, problems=None, prune=False))["report"]
    assert check["verify"] == "skipped in check mode" and check["pruned"] == {}
    # the stack phase's lookups' reads count in the sides' totals
    stack_calls = {"source": [{"calls": 3}], "destination": [{"calls": 5, "retries": 1}, {}]}
    with_stack = migrate_role.report(results, plan, dict(context, sections={"stack": {"report": {}, "calls": stack_calls}}))["report"]
    assert with_stack["calls"]["destination"] == {"calls": 25, "retries": 5, "throttled": 0}
    assert with_stack["calls"]["source"]["calls"] == CALLS["calls"] + 3


def test_report_of_a_destination_given_by_name():
    results = {"_migrate_result_project": {"changed": True, "action": "create", "uid": "6650a1b2c3d4e5f602000009"}}
    context = {"endpoints": migrate_role.endpoints(SRC, DST), "calls": {"source": CALLS, "destination": CALLS},
               "problems": ["experience 'E' differs"], "project_name": "EU", "destination_uid": "6650a1b2c3d4e5f602000009"}
    report = migrate_role.report(results, {}, context)["report"]
    assert report["destination_project"] == {"name": "EU", "uid": "6650a1b2c3d4e5f602000009", "action": "create"}
    assert report["verify"] == ["experience 'E' differs"]


# -- output a person reads (issue 19) -----------------------------------------------------------
def test_the_extract_line_names_the_side_that_could_not_be_read():
    ends = migrate_role.endpoints(SRC, DST)
    dst_failed = migrate_role.sides([raw(calls=CALLS), {"error": "GET /events returned 403: Forbidden", "label": "d"}], ends)
    assert migrate_role.progress(dst_failed, "extract").endswith("; destination unreadable")
    src_failed = migrate_role.sides([{"error": "GET /events returned 401: no", "label": "s"}, raw(2)], ends)
    assert migrate_role.progress(src_failed, "extract") == "extract: source unreadable; destination has 2 experiences"
    bad = migrate_role.sides([], migrate_role.endpoints(SRC, dict(DST, region="mars")))
    assert migrate_role.progress(bad, "extract") == "extract: source not read; destination not read"


def test_side_errors_name_the_role_variable_not_the_environment():
    out = migrate_role.sides([raw(), {"error": "no credentials: give authtoken (or CONTENTSTACK_AUTHTOKEN) or oauth_token "
                                               "(or CONTENTSTACK_OAUTH_TOKEN)", "label": "destination"}],
                             migrate_role.endpoints(SRC, DST))
    assert out["errors"] == ["cannot read the destination: no credentials: give migrate_destination.authtoken "
                             "or migrate_destination.oauth_token"]
    assert "CONTENTSTACK_" not in out["refusal"]


def test_the_summary_is_plain_words_with_each_activation_named_and_the_report_path(tmp_path):
    versions = {"changed": True, "summary": {"updated": 2, "unchanged": 1}, "results": [
        {"experience": "Hero", "changed": True, "steps": ["create a draft", "activate the new draft"],
         "version_changes": [{"change": "created", "version": "v1"}, {"change": "activated", "version": "v1"}]},
        {"experience": "Sale", "changed": True, "steps": ["write and activate", "pause it"],
         "version_changes": [{"change": "activated", "version": "v2"}, {"change": "paused", "version": "v2"}]}]}
    results = {"_migrate_result_attributes": {"changed": True, "summary": {"created": 10}},
               "_migrate_result_versions": versions}
    context = {"endpoints": migrate_role.endpoints(SRC, DST), "calls": {"source": CALLS, "destination": CALLS},
               "problems": [], "started": 0, "report_dir": str(tmp_path),
               "sections": {"stack": {"report": {"variant groups": {"linked": 2}}}}}
    out = migrate_role.report(results, {}, context)
    summary = out["summary"]
    assert "attributes: 10 created" in summary and not any("{" in line for line in summary)
    assert "versions: 1 created, 2 activated, 1 paused, 1 unchanged (4 version calls)" in summary
    assert "  activated: Hero, Sale" in summary and "  paused: Sale" in summary
    assert "stack: variant groups 2 linked" in summary and out["report"]["stack"] == {"variant groups": {"linked": 2}}
    assert summary[-1] == "report: %s" % (tmp_path / "report.json")
    assert out["report"]["kinds"]["versions"] == {"created": 1, "activated": 2, "paused": 1, "unchanged": 1}
    assert [(a["experience"], a["change"]) for a in out["report"]["activations"]] == [
        ("Hero", "created"), ("Hero", "activated"), ("Sale", "activated"), ("Sale", "paused")]
    check = migrate_role.report(results, {}, dict(context, check_mode=True, problems=None))
    assert check["summary"][-1] == "report: not written in check mode" and check["report"]["report_dir"] is None


def test_the_plan_lists_names_per_kind_bounded():
    from ansible_collections.contentstack.personalize.plugins.module_utils import migrate
    source, dest = (json.loads((FIXTURES / name).read_text()) for name in ("retail_raw.json", "dest_raw.json"))
    plan = migrate.build_plan(source, dest, allow_skips=True, prune=True)
    lines = migrate_role.progress(plan, "plan", destination=dest, prune=True, check_mode=True)
    assert lines[0] == "plan (check mode: nothing is written):"
    assert "  attributes to delete (1): legacy_score" in lines
    assert "  audiences to update (1): Gold & Platinum Members" in lines
    created = [line for line in lines if line.startswith("  audiences to create (9): ")][0]
    assert "Canadian Desktop Referrals" in created
    assert lines[-1] == "  unchanged: 1 attributes, 1 experiences"
    empty = migrate.build_plan(source, None, allow_skips=True)
    many = migrate_role.progress(empty, "plan", destination=None, check_mode=True)
    line = [x for x in many if x.startswith("  attributes to create (10): ")][0]
    assert line.count(", ") == 9 and "more" not in line
    twenty = [{"key": "k%02d" % n, "name": "K", "description": ""} for n in range(20)]
    bounded = migrate_role.progress(dict(empty, attributes=twenty), "plan", check_mode=True)
    assert "  attributes to create (20): k00, k01, k02, k03, k04, k05, k06, k07, k08, k09 and 10 more" in bounded


def test_the_report_folder_is_absolute_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = {"migrate_report_dir": {"type": "path"}}
    assert migrate_role.inputs({"migrate_report_dir": "migrate-report"}, spec)["report_dir"] == str(tmp_path / "migrate-report")
    assert migrate_role.inputs({"migrate_report_dir": ""}, spec)["report_dir"] == ""
