"""Fan-out: several source -> destination pairs as inventory hosts, copied in parallel with forks.

Three copies of the retail project into three projects of one destination organization run at
once (-f 3) against an emulator that enforces 10 requests per second per organization. The
client's limiter is shared between the forks through a file, so together they stay under the
organization's limit: the emulator answers no 429, and every copy verifies.
"""

import json
import urllib.request

import pytest
import yaml

from conftest import DEST, ROOT, SOURCE, WRITE_METHODS

MIGRATE = str(ROOT / "playbooks" / "migrate.yml")


def create_project(emu, name):
    request = urllib.request.Request(
        emu.url + "/projects", data=json.dumps({"name": name}).encode(), method="POST",
        headers={"authorization": "Bearer " + DEST["oauth_token"], "organization_uid": DEST["org"],
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())["uid"]


# Asserts that three copies overlap in time: beside another xdist worker's ansible-playbook runs,
# one copy's start can lag enough to finish its writes before the others begin.
@pytest.mark.alone
def test_three_copies_in_parallel_share_the_organization_rate_limit(emulator, ansible_playbook, tmp_path):
    emu = emulator
    destinations = [DEST["project_uid"], create_project(emu, "Shop EU"), create_project(emu, "Shop AU")]
    emu.configure(rate_limit=10)
    source = {"api_url": emu.url, "project_uid": SOURCE["project_uid"],
              "authtoken": SOURCE["readonly_authtoken"], "organization_uid": SOURCE["org"], "allow_http": True}
    hosts = {}
    for n, project in enumerate(destinations):
        hosts["copy%d" % n] = {
            "ansible_connection": "local",
            "migrate_source": source,
            "migrate_destination": {"api_url": emu.url, "project_uid": project, "oauth_token": DEST["oauth_token"],
                                    "organization_uid": DEST["org"], "allow_http": True},
            "migrate_report_dir": str(tmp_path / "reports" / ("copy%d" % n)),
        }
    inventory = tmp_path / "pairs.yml"
    inventory.write_text(yaml.safe_dump({"copies": {"hosts": hosts, "vars": {"migrate_allow_skips": True}}}))

    mark = emu.mark()
    run = ansible_playbook(MIGRATE, args=["-i", str(inventory), "-f", "3", "-e", "migrate_hosts=copies"])
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    log = emu.log(mark)

    # No request was refused for the rate: the forks paced themselves together.
    assert [e for e in log if e["status"] == 429] == []
    # They did run at the same time: each copy's writes overlap the others'.
    spans = []
    for project in destinations:
        stamps = [e["ts"] for e in log if e["project"] == project and e["method"] in WRITE_METHODS]
        assert stamps, project
        spans.append((min(stamps), max(stamps)))
    assert max(start for start, _end in spans) < min(end for _start, end in spans), spans
    # Every copy verified, and is complete in the emulator's state; the source was only read.
    state = emu.state()["projects"]
    for n, project in enumerate(destinations):
        report = json.loads((tmp_path / "reports" / ("copy%d" % n) / "report.json").read_text())
        assert report["verify"] == "ok", report
        assert len(state[project]["experiences"]) == len(state[SOURCE["project_uid"]]["experiences"])
    assert [e for e in log if e["project"] == SOURCE["project_uid"] and e["method"] in WRITE_METHODS] == []
    # The destination organization's calls, counted per whole second, stayed within its budget
    # (10 per second, plus the bucket's initial burst in the first second).
    per_second = {}
    for e in log:
        if e["org"] == DEST["org"]:
            per_second[int(e["ts"])] = per_second.get(int(e["ts"]), 0) + 1
    assert max(per_second.values()) <= 20, per_second
