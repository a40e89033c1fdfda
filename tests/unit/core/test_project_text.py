"""The copy role keeps each whole project it read in a fact as compact JSON text (migrate_sides,
migrate_as_text): the filters that read a raw export take it as text or as a mapping, alike."""

import copy

from ansible_collections.contentstack.personalize.plugins.filter.migrate import FilterModule
from ansible_collections.contentstack.personalize.plugins.module_utils import migrate_role
from ansible_collections.contentstack.personalize.plugins.plugin_utils.filters import project_fact

FILTERS = FilterModule().filters()
ENDS = {"read": ["source", "destination"], "errors": [], "found_calls": {}, "same_project": False, "source_uid": "s"}


def sides_of(source_raw, dest_raw):
    source, dest = dict(copy.deepcopy(source_raw), api_calls={"total": 105}), copy.deepcopy(dest_raw)
    return source, dest, FILTERS["migrate_sides"]([source, dest], ENDS)


def test_the_sides_are_kept_as_text_with_their_calls_and_refusal_as_data(source_raw, dest_raw):
    source, dest, sides = sides_of(source_raw, dest_raw)
    assert sides["refusal"] is None and sides["calls"]["source"] == {"total": 105}
    assert isinstance(sides["source"], str) and isinstance(sides["destination"], str)
    assert project_fact(sides["source"]) == source and project_fact(sides["destination"]) == dest
    assert FILTERS["migrate_as_text"](dest) == sides["destination"] and FILTERS["migrate_as_text"](None) is None


def test_a_side_not_read_stays_null():
    out = FILTERS["migrate_sides"]([{"attributes": [], "api_calls": {}}], dict(ENDS, read=["source"]))
    assert out["destination"] is None and isinstance(out["source"], str)


def test_plan_compare_uid_map_and_progress_read_text_as_they_read_a_mapping(source_raw, dest_raw):
    source, dest, sides = sides_of(source_raw, dest_raw)
    plan = FILTERS["migrate_plan"](sides["source"], sides["destination"], allow_skips=True)
    assert plan == FILTERS["migrate_plan"](source, dest, allow_skips=True)
    assert plan["errors"] == [] and plan["attributes"]
    assert FILTERS["migrate_compare"](plan, sides["destination"]) == FILTERS["migrate_compare"](plan, dest)
    assert FILTERS["migrate_compare"](plan, sides["destination"])  # the destination differs from the plan
    assert FILTERS["migrate_uid_map"](sides["source"], sides["destination"]) == FILTERS["migrate_uid_map"](source, dest)
    extract = FILTERS["migrate_progress"](sides, "extract")
    assert extract == FILTERS["migrate_progress"](dict(sides, source=source, destination=dest), "extract")
    assert "source has" in extract
    shown = FILTERS["migrate_progress"](plan, "validate", show_plan=True, destination=sides["destination"], check_mode=True)
    assert shown == FILTERS["migrate_progress"](plan, "validate", show_plan=True, destination=dest, check_mode=True)


def test_the_role_plan_keeps_its_item_lists_as_text_and_every_plan_filter_reads_them(source_raw, dest_raw, monkeypatch):
    monkeypatch.setattr(migrate_role.time, "time", lambda: 1796234460.0)  # the report says how long the copy took
    source, dest, sides = sides_of(source_raw, dest_raw)
    plan = FILTERS["migrate_plan"](sides["source"], sides["destination"], allow_skips=True)
    kept = FILTERS["migrate_stack_plan"](plan, sides["source"], sides["destination"], None, None, {"on": False},
                                         allow_skips=True)
    assert all(isinstance(kept[kind], str) for kind in ("attributes", "events", "audiences", "experiences", "versions"))
    assert isinstance(kept["priority"], list) and isinstance(kept["pending"], dict) and kept["stack"]["on"] is False
    kinds = ("attributes", "events", "audiences", "experiences", "versions")
    listed = dict(kept, **dict((kind, project_fact(kept[kind], kind=list)) for kind in kinds))
    assert listed["audiences"] == plan["audiences"] and listed["versions"] == plan["versions"]
    for phase, kwargs in (("validate", {"show_plan": True, "destination": dest, "check_mode": True}),
                          ("load", {"results": {"attributes": {}, "events": {}}}), ("notes", {}), ("prune", {})):
        assert FILTERS["migrate_progress"](kept, phase, **kwargs) == FILTERS["migrate_progress"](listed, phase, **kwargs), phase
    assert FILTERS["migrate_compare"](kept, dest) == FILTERS["migrate_compare"](listed, dest)
    calls = {"total": 0, "reads": 0, "writes": 0}
    ends = migrate_role.endpoints({"api_url": "https://a.example", "project_uid": "s"}, {"api_url": "https://b.example", "project_uid": "d"})
    context = {"endpoints": ends, "calls": {"source": calls, "destination": calls}, "problems": [], "started": 0, "report_dir": "",
               "check_mode": True}
    assert FILTERS["migrate_report"]({}, kept, **context) == FILTERS["migrate_report"]({}, listed, **context)
    # a plan kept so goes through migrate_stack_plan again unchanged
    assert FILTERS["migrate_stack_plan"](kept, sides["source"], sides["destination"], None, None, {"on": False},
                                         allow_skips=True) == kept


def test_an_item_list_that_is_not_a_json_list_is_an_error_naming_it(source_raw, dest_raw):
    import pytest
    from ansible.errors import AnsibleFilterError
    _source, _dest, sides = sides_of(source_raw, dest_raw)
    plan = FILTERS["migrate_plan"](sides["source"], sides["destination"], allow_skips=True)
    with pytest.raises(AnsibleFilterError) as err:
        FILTERS["migrate_compare"](dict(plan, audiences='{"not": "a list"}'), sides["destination"])
    assert "the plan's audiences must be a list or its JSON text, got JSON dict" in str(err.value)
