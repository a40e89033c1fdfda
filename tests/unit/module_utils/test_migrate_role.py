"""The migrate role's data shaping (module_utils/migrate_role.py): pure functions, no emulator."""

from ansible_collections.contentstack.personalize.plugins.module_utils import migrate_role

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
        {"changed": True, "steps": ["write draft", "activate"], "object": {"experience": "e0", "versions": []},
         "version_changes": [{"change": c, "version": "v"} for c in changes]},
        {"changed": False, "steps": [], "object": {"experience": "e1", "versions": []}}]}


def test_versions_progress_counts_version_changes():
    line = migrate_role.progress(versions_result("updated", "activated"), "versions", activation="mirror")
    assert line == ("versions and activation (mirror): 2 versions: 2 updated; 1 activated, 0 paused, 0 resumed; "
                    "1 experiences' versions changed")


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
                                     "included_as_dependencies", "skipped", "verify", "seconds"])
    assert report["destination_project"] == {"uid": DST["project_uid"], "action": "none"}
    assert report["kinds"]["attributes"] == {"created": 2} and report["kinds"]["events"] == {}
    assert report["version_changes"] == {"created": 1, "updated": 0, "activated": 1, "paused": 1, "resumed": 0, "deleted": 0}
    assert report["activations"] == ["write draft", "activate"] and report["priority_changed"]
    assert report["calls"]["destination"] == {"calls": 20, "retries": 4, "throttled": 0}
    assert report["verify"] == "ok" and report["pruned"] == plan["prune"]
    assert out["summary"][1] == "attributes: 2 created; events: nothing"
    assert out["summary"][4] == "API calls: destination 20, source 5 (5 retries, 0 throttled)"
    check = migrate_role.report(results, plan, dict(context, check_mode=True, problems=None, prune=False))["report"]
    assert check["verify"] == "skipped in check mode" and check["pruned"] == {}


def test_report_of_a_destination_given_by_name():
    results = {"_migrate_result_project": {"changed": True, "action": "create", "uid": "6650a1b2c3d4e5f602000009"}}
    context = {"endpoints": migrate_role.endpoints(SRC, DST), "calls": {"source": CALLS, "destination": CALLS},
               "problems": ["experience 'E' differs"], "project_name": "EU", "destination_uid": "6650a1b2c3d4e5f602000009"}
    report = migrate_role.report(results, {}, context)["report"]
    assert report["destination_project"] == {"name": "EU", "uid": "6650a1b2c3d4e5f602000009", "action": "create"}
    assert report["verify"] == ["experience 'E' differs"]
