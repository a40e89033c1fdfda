"""The copy role keeps each whole project it read in a fact as compact JSON text (migrate_sides,
migrate_as_text): the filters that read a raw export take it as text or as a mapping, alike."""

import copy

from ansible_collections.contentstack.personalize.plugins.filter.migrate import FilterModule
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
