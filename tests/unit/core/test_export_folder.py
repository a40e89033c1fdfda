"""The export folder (module_utils/export_folder.py) and the export's priority read, over a fake client.

The texts are Ansible's ``to_nice_yaml(indent=2, sort_keys=True)`` of what export.yml wrote, and the
priority order of a project with fewer than two experiences is known without a call.
"""

import os
import stat

import pytest
from ansible.plugins.filter.core import to_nice_yaml

from fakes import listing_client

from ansible_collections.contentstack.personalize.plugins.module_utils import export, export_folder, local_files
from ansible_collections.contentstack.personalize.plugins.module_utils.engine import ProjectListings
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.folder import FILES
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import LOAD_ORDER
from ansible_collections.contentstack.personalize.plugins.module_utils.runner import run_module


def test_the_texts_are_ansible_s_to_nice_yaml(source_raw):
    project = export.portable_from_raw(source_raw)
    # A value of every shape the dumper meets: unicode, a multi-line string, a long line, a tuple.
    project["attributes"][0]["description"] = u"Zoë's tier\nsecond line " + "x" * 120
    project["events"][0]["name"] = ("a", "b")
    texts = export_folder.texts(project)
    assert sorted(texts) == sorted(FILES)
    assert texts["project.yml"] == to_nice_yaml({"schema_version": 1, "kinds": list(LOAD_ORDER)}, indent=2, sort_keys=True)
    for kind in LOAD_ORDER:
        assert texts[kind + ".yml"] == to_nice_yaml({kind: project[kind]}, indent=2, sort_keys=True), kind


def params(path):
    return {"path": str(path)}


def modes(folder):
    return dict((n, stat.S_IMODE(os.stat(os.path.join(folder, n)).st_mode)) for n in os.listdir(folder))


def test_write_then_nothing_to_write(source_raw, tmp_path):
    folder = tmp_path / "a" / "b"
    first = run_module("personalize_export_folder", params(folder), client=listing_client(source_raw))
    assert first["changed"] is True and first["files"] == FILES and "diff" not in first
    assert modes(str(folder)) == dict((n, 0o644) for n in FILES)
    assert stat.S_IMODE(os.stat(str(tmp_path / "a")).st_mode) == 0o755
    client = listing_client(source_raw)
    second = run_module("personalize_export_folder", params(folder), diff=True, client=client)
    assert second["changed"] is False and second["files"] == [] and second["diff"] == []
    assert client.writes() == []


def test_check_mode_writes_nothing_and_diff_names_each_file(source_raw, tmp_path):
    folder = tmp_path / "out"
    result = run_module("personalize_export_folder", params(folder), check_mode=True, diff=True,
                        client=listing_client(source_raw))
    assert result["changed"] is True and result["files"] == FILES and not folder.exists()
    assert [d["before_header"] for d in result["diff"]] == [str(folder / n) for n in FILES]
    assert all(d["before"] == "" for d in result["diff"])


def test_the_folder_s_mode_is_set(source_raw, tmp_path):
    folder = tmp_path / "out"
    run_module("personalize_export_folder", params(folder), client=listing_client(source_raw))
    os.chmod(str(folder), 0o700)
    result = run_module("personalize_export_folder", params(folder), client=listing_client(source_raw))
    assert result["changed"] is True and result["files"] == []
    assert stat.S_IMODE(os.stat(str(folder)).st_mode) == 0o755


@pytest.mark.parametrize("where", ["file", "parent"])
def test_a_file_in_the_way_is_an_error(source_raw, tmp_path, where):
    (tmp_path / "taken").write_text("x")
    path = tmp_path / "taken" if where == "file" else tmp_path / "taken" / "out"
    client = listing_client(source_raw)
    result = run_module("personalize_export_folder", params(path), client=client)
    assert result["failed"] and "%s is not a folder" % (tmp_path / "taken") in result["msg"]
    assert client.calls == [], "refused before the project is read"


def test_a_folder_where_a_file_goes_is_an_error(source_raw, tmp_path):
    (tmp_path / "out" / "events.yml").mkdir(parents=True)
    with pytest.raises(PersonalizeError):
        local_files.plan_folder(str(tmp_path / "out"), sorted(export_folder.texts(export.portable_from_raw(source_raw)).items()),
                                0o755, 0o644)


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_experiences_have_a_known_order_and_no_priority_call(source_raw, count):
    raw = dict(source_raw, experiences=source_raw["experiences"][:count],
               versions=[v for v in source_raw["versions"] if v["experience"] in set(e["uid"] for e in source_raw["experiences"][:count])])
    raw["priority"] = {"priorityOrder": [e["uid"] for e in raw["experiences"]]}
    client = listing_client(raw)
    listings = ProjectListings(client)
    data = export.read(listings, ["all"])
    assert ("GET", "/experiences-priority") not in client.calls
    assert data == export.portable_from_raw(raw), "the same export as with the order read"
    assert listings.priority() == raw["priority"]["priorityOrder"] and ("GET", "/experiences-priority") not in client.calls


def test_two_experiences_or_more_read_the_order(source_raw):
    client = listing_client(source_raw)
    export.read(ProjectListings(client), ["priority"])
    assert client.calls.count(("GET", "/experiences-priority")) == 1
