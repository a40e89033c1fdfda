"""personalize_report (module_utils/report_files.py): the copy's report files as the role's copy task wrote them."""

import os
import stat

import pytest
from ansible.plugins.filter.core import to_nice_json

from ansible_collections.contentstack.personalize.plugins.module_utils import report_files
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError

UID_MAP = {"attributes": {"a1": "b1"}, "experiences": {u"Zoë": "x"}}
REPORT = {"summary": ["copied 3 attributes"], "seconds": 1.5, "kinds": {"attributes": {"created": 3}}, "ok": True}


def mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_the_files_are_to_nice_json_with_a_newline(tmp_path):
    folder = tmp_path / "reports" / "shop"
    result = report_files.write({"path": str(folder), "uid_map": UID_MAP, "report": REPORT})
    assert result["changed"] is True and result["files"] == ["uid-map.json", "report.json"] and "diff" not in result
    assert (folder / "uid-map.json").read_text() == to_nice_json(UID_MAP, indent=2) + "\n"
    assert (folder / "report.json").read_text() == to_nice_json(REPORT, indent=2) + "\n"
    assert [mode(folder / n) for n in ("uid-map.json", "report.json")] == [0o600, 0o600]
    assert mode(folder) == mode(folder.parent) == 0o700


def test_only_a_new_folder_or_uid_map_is_a_change(tmp_path):
    params = {"path": str(tmp_path / "r"), "uid_map": UID_MAP, "report": REPORT}
    report_files.write(params)
    again = report_files.write(dict(params, report=dict(REPORT, seconds=2.5)), diff=True)
    assert again["changed"] is False and again["files"] == ["report.json"]
    assert [d["before_header"] for d in again["diff"]] == [str(tmp_path / "r" / "report.json")]
    changed = report_files.write(dict(params, uid_map={"attributes": {}}))
    assert changed["changed"] is True and changed["files"] == ["uid-map.json", "report.json"]


def test_an_existing_folder_keeps_its_mode_and_check_mode_writes_nothing(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    os.chmod(str(folder), 0o750)
    check = report_files.write({"path": str(folder), "uid_map": {}, "report": REPORT}, check_mode=True)
    assert check["changed"] is True and check["msg"].startswith("would write") and os.listdir(str(folder)) == []
    report_files.write({"path": str(folder), "uid_map": {}, "report": REPORT})
    assert mode(folder) == 0o750


def test_a_file_in_the_way(tmp_path):
    (tmp_path / "r").write_text("x")
    with pytest.raises(PersonalizeError, match="is not a folder"):
        report_files.write({"path": str(tmp_path / "r"), "uid_map": {}, "report": REPORT})
