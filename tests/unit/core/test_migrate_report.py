"""The copy report's sections (migrate_role.report): a section brings its report part, its summary line
and what it cost beyond the write tasks' results; the stack phase is one such section and nothing more."""

from ansible_collections.contentstack.personalize.plugins.module_utils import migrate_role
from ansible_collections.contentstack.personalize.plugins.module_utils import migrate_stack as ms

SRC = {"api_url": "http://127.0.0.1:9", "project_uid": "6650a1b2c3d4e5f601000001", "allow_http": True}
DST = {"region": "aws-eu", "project_uid": "6650a1b2c3d4e5f602000001"}
CALLS = {"calls": 5, "retries": 1, "throttled": 0}
RESULTS = {"_migrate_result_attributes": {"changed": True, "summary": {"created": 2}, "api_calls": CALLS}}


def context(**extra):
    out = {"endpoints": migrate_role.endpoints(SRC, DST), "calls": {"source": CALLS, "destination": CALLS},
           "problems": [], "started": 0, "report_dir": ""}
    out.update(extra)
    return out


def stack_plan():
    """A stack phase's plan: two links, entry variants to create and one unchanged."""
    plan = ms.off()
    plan.update(on=True, link_changes=[{"experience": "Hero", "group": "g1", "add": ["home"], "remove": []},
                                       {"experience": "Sale", "group": "g2", "add": ["banner"], "remove": []}],
                entry_variant_changes={"create": ["a", "b"], "update": [], "unchanged": ["c"]}, locales=["en-us"])
    return plan


def test_a_section_brings_its_report_line_and_calls():
    section = {"report": {"widgets": 3}, "line": "widgets: 3 copied",
               "calls": {"source": [{"calls": 2}], "destination": [{"calls": 4, "throttled": 1}, {}]}}
    out = migrate_role.report(RESULTS, {}, context(sections={"widgets": section}))
    report, summary = out["report"], out["summary"]
    assert report["widgets"] == {"widgets": 3}
    assert report["calls"]["source"] == {"calls": 7, "retries": 1, "throttled": 0}
    # extract's reads, the attributes task's and the section's
    assert report["calls"]["destination"] == {"calls": 14, "retries": 2, "throttled": 1}
    # the section's line comes after the versions, before the call counts
    at = summary.index("widgets: 3 copied")
    assert summary[at + 1].startswith("API calls: destination 14, source 7 (3 retries, 1 throttled)")
    assert summary[at - 1].startswith("versions: ")


def test_a_section_without_a_line_is_said_from_its_counts_and_one_that_did_not_run_is_left_out():
    sections = {"extra": {"report": {"links": {"made": 2}, "pages": {"read": 1, "skipped": 3}}}, "stack": None}
    out = migrate_role.report(RESULTS, {}, context(sections=sections))
    assert "extra: links 2 made; pages 1 read, 3 skipped" in out["summary"]
    assert "stack" not in out["report"] and not any(line.startswith("stack") for line in out["summary"])
    plain = migrate_role.report(RESULTS, {}, context())
    # the same lines otherwise (the time taken aside)
    assert [line for line in out["summary"] if not line.startswith(("extra", "skipped:"))] == [
        line for line in plain["summary"] if not line.startswith("skipped:")]
    assert plain["report"]["calls"] == out["report"]["calls"]


def test_sections_keep_their_order_in_the_summary():
    sections = {"b": {"report": {}, "line": "b line"}, "a": {"report": {}, "line": "a line"}}
    summary = migrate_role.report(RESULTS, {}, context(sections=sections))["summary"]
    assert summary.index("b line") + 1 == summary.index("a line")


def test_the_stack_phase_is_a_section_of_its_own_making():
    reads = {"source": [{"calls": 3, "cma_calls": 3}], "destination": [{"calls": 2, "cma_calls": 2}, {}, {}]}
    links = {"changed": True, "results": [{"changed": True}, {"changed": True}], "api_calls": {"calls": 4, "cma_calls": 4}}
    variants = {"changed": True, "summary": {"created": 2}, "api_calls": {"calls": 2, "cma_calls": 2, "retries": 1}}
    got = ms.result(stack_plan(), None, None, None, links=links, entry_variants=variants, reads=reads)
    section = got["section"]
    assert section["report"] == got["report"] and section["calls"] == reads
    # the section's CMA calls are the reads and the modules' calls; the report adds only the reads (the
    # modules' results are among the write tasks' results)
    assert got["report"]["cma_calls"]["destination"] == {"calls": 8, "cma_calls": 8, "retries": 1, "throttled": 0, "refreshes": 0}
    assert section["line"] == ("stack: 2 variant groups linked; entry variants: 2 created, 0 updated, 1 unchanged, 0 skipped; "
                               "stack phase calls: destination 8, source 3")
    results = dict(RESULTS, _migrate_result_variant_groups=links, _migrate_result_entry_variants=variants)
    out = migrate_role.report(results, {}, context(sections={"stack": section}))
    assert out["report"]["stack"] == got["report"]
    assert section["line"] in out["summary"]
    assert out["report"]["calls"]["source"]["calls"] == 5 + 3
    assert out["report"]["calls"]["destination"]["calls"] == 5 + 5 + 4 + 2 + 2


def test_a_stack_phase_that_is_off_gives_no_section():
    got = ms.result(ms.off(), None, None, None, reads={"source": [{}], "destination": [{}]})
    assert got["section"] is None and got["report"] is None
    out = migrate_role.report(RESULTS, {}, context(sections={"stack": got["section"]}))
    assert "stack" not in out["report"]


def test_a_copy_that_reused_another_hosts_read_of_the_source_says_so():
    ends = migrate_role.endpoints(SRC, DST)
    none = {"calls": 0, "retries": 0, "throttled": 0}
    source = {"attributes": [], "api_calls": none, "shared_read": "reused"}
    extracted = migrate_role.sides([source, {"attributes": [], "api_calls": CALLS}], ends)
    assert extracted["source_read"] == "read by another host of this run"
    out = migrate_role.report({}, {}, context(calls=extracted["calls"], source_read=extracted["source_read"]))
    assert out["report"]["calls"]["source"] == none
    assert out["report"]["source_read"] == "read by another host of this run"
    assert "API calls: destination 5, source 0 (read by another host of this run) (1 retries, 0 throttled)" in out["summary"]
    # The host that read it, and a copy that does not share (no marker), say nothing more on the calls line.
    for marker, said in (("read", "read by this host, shared with the run's other hosts"), (None, "read by this host")):
        extracted = migrate_role.sides([dict(source, api_calls=CALLS, shared_read=marker), {"attributes": []}], ends)
        out = migrate_role.report({}, {}, context(calls=extracted["calls"], source_read=extracted["source_read"]))
        assert out["report"]["source_read"] == said
        assert out["report"]["calls"]["source"] == CALLS
        assert any(line.startswith("API calls: destination 0, source 5 (1 retries") for line in out["summary"])


def test_a_load_task_the_plan_found_nothing_for_is_reported_as_its_module_would_report_it():
    plan = {"attributes": [{"key": "a"}, {"key": "b"}], "events": [], "audiences": [{"name": "x"}], "experiences": [],
            "versions": [{"experience": "e1"}, {"experience": "e2"}], "priority": ["e1", "e2"],
            "pending": {"attributes": False, "events": False, "audiences": True, "experiences": False,
                        "versions": False, "priority": False}}
    results = {"_migrate_result_attributes": {"skipped": True, "changed": False},
               "_migrate_result_audiences": {"changed": True, "summary": {"created": 1}, "msg": "1 audiences: 1 created"}}
    out = migrate_role.report(results, plan, context())["report"]
    assert out["kinds"]["attributes"] == {"unchanged": 2}
    assert out["kinds"]["events"] == {} and out["kinds"]["audiences"] == {"created": 1}
    assert out["kinds"]["versions"] == {"unchanged": 2} and out["version_changes"]["created"] == 0
    assert out["priority_changed"] is False
    # the progress lines say it too, in the module's words
    both = {"attributes": results["_migrate_result_attributes"], "audiences": results["_migrate_result_audiences"]}
    line = migrate_role.progress(plan, "load", results=both)
    assert line == ("attributes and audiences: 2 attributes: 2 unchanged (nothing to write: the task did not run); "
                    "1 audiences: 1 created")
    assert migrate_role.progress(plan, "load", results={"versions": {"skipped": True}}, activation="mirror") == (
        "versions and activation (mirror): 2 unchanged; 0 experiences' versions changed")
    # a task skipped for another reason (the plan gives it work) is not made up
    plan["pending"]["attributes"] = True
    assert migrate_role.report(results, plan, context())["report"]["kinds"]["attributes"] == {}


def test_the_validate_progress_says_when_nothing_is_to_be_written():
    plan = {"counts": {"attributes": 1}, "notes": ["audience 'x' comes along"], "skipped": [], "load_work": False}
    lines = migrate_role.progress(plan, "validate", activation="mirror")
    assert lines[0].startswith("validate: plan ok, 1 attributes") and lines[1] == "audience 'x' comes along"
    assert lines[2].startswith("load: nothing to write")
    assert not any(line.startswith("load:") for line in migrate_role.progress(dict(plan, load_work=True), "validate"))
