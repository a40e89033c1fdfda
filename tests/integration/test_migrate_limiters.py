"""The copy role under each of the emulator's readings of "10 requests per second per organization".

The reference does not say how the API counts its rate, so the copy runs against each reading the
emulator has (tests/emulator/limiters.py: token bucket, sliding one-second window, fixed wall-clock
window), with 20 ms of arrival jitter and a Retry-After mix of seconds, dates and none: a cross-
organization copy of the retail project (benchmark S) and its re-run. Whatever the server answers 429
is retried: no task fails, verify passes, the re-run writes nothing, and every 429 in the emulator's
log is one the client counted.
"""

import json

import pytest

from conftest import DEST, ROOT, SOURCE, WRITE_METHODS
from emulator.harness import Emulator

MIGRATE = str(ROOT / "playbooks" / "migrate.yml")
LIMITER = {"jitter_ms": 20, "retry_after": {"seconds": 1, "date": 1, "none": 1}}


def side(emu, which):
    if which == "source":
        return {"api_url": emu.url, "project_uid": SOURCE["project_uid"], "authtoken": SOURCE["authtoken"],
                "organization_uid": SOURCE["org"], "rate_limit": 10}
    return {"api_url": emu.url, "project_uid": DEST["project_uid"], "oauth_token": DEST["oauth_token"],
            "organization_uid": DEST["org"], "rate_limit": 10}


def throttled(report):
    return sum(report["calls"][s]["throttled"] for s in ("source", "destination"))


@pytest.mark.parametrize("algorithm", ["token_bucket", "sliding_window", "fixed_window"])
def test_a_cross_organization_copy_and_its_rerun_under_each_limiter(tmp_path, ansible_playbook, algorithm):
    limiter = dict(LIMITER, algorithm=algorithm)
    with Emulator(seeds=["retail", "empty-dest"], rate_limit=10, limiter=limiter, tmp_path=tmp_path / "emu") as emu:
        assert emu.state()["config"]["limiter"]["algorithm"] == algorithm
        extra = {"migrate_source": side(emu, "source"), "migrate_destination": side(emu, "destination"),
                 "migrate_allow_skips": True, "migrate_report_dir": str(tmp_path / "report")}
        for phase in ("first", "rerun"):
            mark = emu.mark()
            run = ansible_playbook(MIGRATE, extra_vars=extra)
            assert run.rc == 0, "%s: %s" % (phase, run.stdout[-4000:] + run.stderr[-2000:])
            assert not [t["name"] for t in run.tasks if t["status"] == "failed"], phase
            report = json.loads((tmp_path / "report" / "report.json").read_text())
            assert report["verify"] == "ok", phase
            log = emu.log(mark)
            # every answer 429 was counted by the client (and retried: no task failed)
            assert throttled(report) == len([e for e in log if e["status"] == 429]), phase
            writes = [e for e in log if e["method"] in WRITE_METHODS]
            assert all(e["project"] == DEST["project_uid"] for e in writes), phase
            if phase == "first":
                assert writes and report["kinds"]["experiences"].get("created")
            else:
                assert writes == [] and "changed=0" in run.stdout
