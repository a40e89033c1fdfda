"""What a failed copy prints first names the real cause (issue 19).

Each run fails before any write; the first error line of its output (the first line that starts
with "fatal:" or "[ERROR]") must name the side that failed and the reason the API or the
controller gave, with nothing failing before it (no "...ignoring"), and no CONTENTSTACK_* hint
where the role never reads the environment.
"""

import pytest

from conftest import DEST, NOBODY_TOKEN, ROOT, SOURCE, WRITE_METHODS

MIGRATE = str(ROOT / "playbooks" / "migrate.yml")
HOST = "personalize-api-that-does-not-exist.invalid"


def first_error(run):
    lines = [line for line in (run.stdout + "\n" + run.stderr).splitlines() if line.startswith(("fatal:", "[ERROR]"))]
    assert lines, run.stdout[-3000:]
    return lines[0]


def copy_vars(emu, tmp_path, source=None, destination=None):
    src = {"api_url": emu.url, "project_uid": SOURCE["project_uid"], "authtoken": SOURCE["authtoken"],
           "organization_uid": SOURCE["org"]}
    dst = {"api_url": emu.url, "project_uid": DEST["project_uid"], "oauth_token": DEST["oauth_token"],
           "organization_uid": DEST["org"]}
    src.update(source or {})
    dst.update(destination or {})
    return {"migrate_source": dict((k, v) for k, v in src.items() if v is not None),
            "migrate_destination": dict((k, v) for k, v in dst.items() if v is not None),
            "migrate_allow_skips": True, "migrate_report_dir": str(tmp_path / "report")}


CASES = {
    "source 403": ({"authtoken": NOBODY_TOKEN}, None,
                   ["The copy cannot start: cannot read the source: GET /attributes returned 403: Forbidden: "
                    "this token has no access to organization"], "extract: source unreadable; destination has"),
    "destination 401": (None, {"oauth_token": "csoa-not-a-token"},
                        ["The copy cannot start: cannot read the destination: GET /attributes returned 401"],
                        "; destination unreadable"),
    "destination without credentials": (None, {"oauth_token": None},
                                        ["cannot read the destination: no credentials: give migrate_destination.authtoken "
                                         "or migrate_destination.oauth_token"], "; destination unreadable"),
    "destination host unknown": (None, {"api_url": "https://%s" % HOST},
                                 ["cannot read the destination: GET /attributes failed: cannot resolve the host %s (DNS)" % HOST],
                                 "; destination unreadable"),
    "destination by name, token of no organization": (
        None, {"project_uid": None, "project_name": "Acme EU", "oauth_token": None, "authtoken": NOBODY_TOKEN},
        ["The copy cannot start: cannot find the destination project: project 'Acme EU': GET /projects returned 403: "
         "Forbidden: this token has no access to organization"], "; destination not read"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_first_error_line_names_the_real_cause(case, emulator, ansible_playbook, tmp_path):
    source, destination, words, extract = CASES[case]
    run = ansible_playbook(MIGRATE, extra_vars=copy_vars(emulator, tmp_path, source, destination))
    assert run.rc != 0
    line = first_error(run)
    for word in words:
        assert word in line, (word, line)
    assert "CONTENTSTACK_" not in line and "...ignoring" not in run.stdout
    assert "gave up after" not in line
    assert extract in run.stdout
    assert [e for e in emulator.log() if e["method"] in WRITE_METHODS] == []
