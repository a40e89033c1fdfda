"""Kill test, quick form: SIGKILL the copy's whole process group mid-run, then re-run.

The long form runs all ten points of tests/reliability/copyrun.KILL_POINTS (extract, attributes,
events, audiences twice, experiences, versions twice, priority, the report write):
    .venv/bin/python tests/reliability/fault_suite.py --seeds 0 --kills all
Here two of them: mid-audiences (test_migrate_role.py already kills mid-versions) and while the
report files are being written. After the kill, report.json and uid-map.json are absent or valid
JSON; one re-run converges to an exact copy (independent comparison of the emulators' states);
the source (read-only token) is never written.
"""

import pytest

from reliability.copyrun import kill_run

QUICK_POINTS = ("audiences-7", "report-write")


@pytest.mark.parametrize("point", QUICK_POINTS)
def test_killed_copy_resumes_to_an_exact_copy(point, tmp_path):
    res = kill_run(point, tmp_path)
    detail = dict((k, res[k]) for k in ("rcs", "failures", "problems", "dest_writes_before_kill",
                                        "report_after_kill", "report_files_after_kill"))
    assert res["killed"], "the run ended before the kill point %s" % point
    assert res["report_after_kill"] is True, detail
    assert res["report_after_rerun"] is True, detail
    assert res["rcs"] == [0], detail
    assert res["problems"] == [], detail
    assert res["source_writes"] == 0, detail
    if point == "report-write":
        # killed between the two files: the uid map is complete, the report not there yet
        assert "uid-map.json" in res["report_files_after_kill"], detail
    if point == "audiences-7":
        # killed mid-load: some of the copy was written, not all of it
        assert 7 <= res["dest_writes_before_kill"] < 30, detail
