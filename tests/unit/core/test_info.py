"""personalize_info: the export lookup's read as a module result, over a fake client."""

from fakes import listing_client

from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.runner import run_module


def params(**given):
    return dict({"kinds": ["all"], "portable": True, "versions": True}, **given)


def test_the_whole_project_portable_is_the_export_and_reads_only(source_raw):
    client = listing_client(source_raw)
    result = run_module("personalize_info", params(), check_mode=True, client=client)
    assert result["changed"] is False and client.writes() == []
    assert result["project"] == portable_from_raw(source_raw)
    assert result["msg"].startswith("read 10 attributes, 5 events, 11 audiences, 6 experiences, 6 versions")
    # one list call per kind, one versions call per experience, the priority order: nothing twice
    assert len(client.calls) == len(set(client.calls)) == 4 + len(source_raw["experiences"]) + 1


def test_some_kinds_raw_without_versions(source_raw):
    client = listing_client(source_raw)
    result = run_module("personalize_info", params(kinds=["attributes", "experiences"], portable=False, versions=False),
                        client=client)
    assert sorted(result["project"]) == ["attributes", "experiences", "versions"]
    assert result["project"]["attributes"] == source_raw["attributes"] and result["project"]["versions"] == []
    assert sorted(c[1] for c in client.calls) == ["/attributes", "/experiences"]


def test_versions_cannot_be_asked_for_and_left_out(source_raw):
    client = listing_client(source_raw)
    result = run_module("personalize_info", params(kinds=["versions"], versions=False), client=client)
    assert result["failed"] and "the term 'versions' cannot be read with versions=false" in result["msg"]
    assert client.calls == []
