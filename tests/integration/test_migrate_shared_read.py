"""copy_to_projects.yml fanning one source out to three destinations reads the source once.

The hosts of one ansible-playbook run that copy the same source with the same credential share one
read of it (migrate_share_source_read, default true): the emulator's log holds one copy's minimal
source reads (benchmarks/minimal.py), every destination verifies, and the reports' source calls
add up to that count, the hosts that reused the read saying so. With the option off, each host
reads the source. A re-run writes nothing and reports changed=0.
"""

import json
import sys

import yaml

from conftest import DEST, ROOT, SOURCE, WRITE_METHODS
from test_migrate_fanout import create_project

sys.path.insert(0, str(ROOT / "benchmarks"))
import minimal  # noqa: E402  benchmarks/minimal.py: the fewest calls a copy can make

COPY = str(ROOT / "playbooks" / "copy_to_projects.yml")
REUSED = "read by another host of this run"


def fan_out(emu, ansible_playbook, tmp_path, destinations, name, **more):
    """One run of copy_to_projects.yml onto ``destinations``; (run, emulator log, reports by host)."""
    hosts = dict(("shop%d" % n, {"personalize_project_uid": uid, "personalize_organization_uid": DEST["org"],
                                 "personalize_api_url": emu.url, "personalize_oauth_token": DEST["oauth_token"],
                                 "personalize_allow_http": True})
                 for n, uid in enumerate(destinations))
    inventory = tmp_path / ("%s.yml" % name)
    inventory.write_text(yaml.safe_dump({"shops": {"hosts": hosts}}))
    variables = dict({"migrate_source": {"api_url": emu.url, "project_uid": SOURCE["project_uid"], "organization_uid": SOURCE["org"],
                                         "authtoken": SOURCE["readonly_authtoken"], "allow_http": True},
                      "migrate_allow_skips": True, "personalize_report_root": str(tmp_path / name)}, **more)
    mark = emu.mark()
    run = ansible_playbook(COPY, args=["-i", str(inventory), "-f", str(len(destinations)),
                                       "-e", "personalize_hosts=shops", "-e", json.dumps(variables)])
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    reports = dict((host, json.loads((tmp_path / name / host / "report.json").read_text())) for host in hosts)
    return run, emu.log(mark), reports


def source_log(log):
    return [e for e in log if e["project"] == SOURCE["project_uid"]]


def test_one_read_of_the_source_for_every_destination_of_a_run(emulator, ansible_playbook, tmp_path):
    emu = emulator
    destinations = [DEST["project_uid"], create_project(emu, "Shop EU"), create_project(emu, "Shop AU")]
    one_read = minimal.minimal_calls(emu.state()["projects"][SOURCE["project_uid"]], {})["source"]["total"]

    run, log, reports = fan_out(emu, ansible_playbook, tmp_path, destinations, "shared")
    # One set of source reads for the three copies, none a write.
    assert len(source_log(log)) == one_read, [(e["method"], e["path"]) for e in source_log(log)]
    assert [e for e in source_log(log) if e["method"] in WRITE_METHODS] == []
    state = emu.state()["projects"]
    for uid in destinations:
        assert len(state[uid]["experiences"]) == len(state[SOURCE["project_uid"]]["experiences"])
    assert all(report["verify"] == "ok" for report in reports.values()), reports
    # The reports do not lie: their source calls add up to the one read, and the two hosts that
    # reused it report 0 calls and say whose read they used.
    assert sum(report["calls"]["source"]["calls"] for report in reports.values()) == one_read
    reused = [host for host, report in reports.items() if report["source_read"] == REUSED]
    assert len(reused) == 2 and all(reports[host]["calls"]["source"]["calls"] == 0 for host in reused)
    assert "source 0 (%s)" % REUSED in run.stdout

    # A re-run writes nothing, changes nothing, and reads the source once again.
    mark = emu.mark()
    rerun, log, reports = fan_out(emu, ansible_playbook, tmp_path, destinations, "shared")
    assert emu.writes(mark) == []
    assert "changed=0" in rerun.stdout and "changed=1" not in rerun.stdout, [t["name"] for t in rerun.tasks if t["result"].get("changed")]
    assert len(source_log(log)) == one_read
    assert all(report["verify"] == "ok" for report in reports.values())


def test_each_host_reads_the_source_when_sharing_is_off(emulator, ansible_playbook, tmp_path):
    emu = emulator
    destinations = [DEST["project_uid"], create_project(emu, "Shop EU"), create_project(emu, "Shop AU")]
    one_read = minimal.minimal_calls(emu.state()["projects"][SOURCE["project_uid"]], {})["source"]["total"]

    _run, log, reports = fan_out(emu, ansible_playbook, tmp_path, destinations, "own", migrate_share_source_read=False)
    assert len(source_log(log)) == 3 * one_read
    for report in reports.values():
        assert report["verify"] == "ok"
        assert report["calls"]["source"]["calls"] == one_read
        assert report["source_read"] == "read by this host"
