"""OAuth tokens that outlive a run (issue 14): modules and the copy role given a refresh token and a
client id instead of an access token, against an emulator whose access tokens live a few seconds.

Judged by the emulator's log, which names every token by an id: every refresh is answered (under
rotation, the default, spending a refresh token twice would be refused), and after an access token
died (revoked by a refresh, or expired), at most one request per process (the 401 that told it)
still carries it. The module play and the lookup run against every mode of the token endpoint (``TOKEN_MODES``).
Each test gives its runs a private TMPDIR, where the client keeps the newest token pair."""

import json

import pytest
import yaml

from conftest import DEST, ROOT, SOURCE
from emulator.harness import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, TOKEN_MODES, Emulator, token_mode_id
from modhelp import GROUP, task
from reliability.copyrun import MIGRATE, Pair, copy_vars, run_playbook
from test_migrate_fanout import create_project

LIFETIME = 3


def oauth_connection(emu, **extra):
    """A destination connection with a refresh token and no access token: the first call refreshes."""
    return dict({"api_url": emu.url, "project_uid": DEST["project_uid"], "organization_uid": DEST["org"],
                 "oauth_refresh_token": OAUTH_REFRESH_TOKEN, "oauth_client_id": OAUTH_CLIENT_ID,
                 "oauth_client_secret": OAUTH_CLIENT_SECRET, "oauth_token_url": emu.url + "/token"}, **extra)


def token_checks(emu, processes):
    """What the log must show: every refresh answered (none spending a dead refresh token), and no more
    than ``processes`` requests with an access token after it died (revoked or expired: one 401 each)."""
    calls = emu.token_calls()
    assert calls, "the runs refreshed"
    assert [e for e in calls if e["status"] != 200] == [], calls
    config = emu._admin("GET", "/_emulator/config")
    if config["token_rotation"] == "rotate":
        assert [e for e in calls if e.get("reused")] == [], calls
    issued = [t for t in emu.state()["tokens"].values() if t.get("kind") == "oauth-issued"]
    died = dict((t["id"], min(t["expires_at"], t["revoked_at"] or t["expires_at"])) for t in issued)
    api = [e for e in emu.log() if e.get("api") != "oauth"]
    late = [e for e in api if e.get("access") in died and e["ts"] >= died[e["access"]]]
    for access in died:
        assert len([e for e in late if e["access"] == access]) <= processes, (access, late)
    assert all(e["status"] == 401 for e in late if e["access_dead"]), "a dead token is always refused"
    return {"refreshes": len(calls), "late": len(late), "requests": len(api)}


@pytest.mark.parametrize("mode", TOKEN_MODES, ids=token_mode_id)
def test_a_module_play_outlives_its_access_token(tmp_path, ansible_playbook, mode):
    with Emulator(seeds=["retail", "empty-dest"], rate_limit=0, token_lifetime=LIFETIME, tmp_path=tmp_path / "emu",
                  **mode) as emu:
        conn = oauth_connection(emu, rate_limit=0)
        tasks = [task("attribute %d" % n, "personalize_attribute", {"key": "tier_%d" % n, "name": "Tier %d" % n})
                 for n in range(3)]
        tasks.insert(2, {"name": "wait past the token's lifetime", "ansible.builtin.pause": {"seconds": LIFETIME + 1}})
        tasks.append(task("event", "personalize_event", {"key": "after_expiry"}))
        play = {"name": "oauth", "hosts": "localhost", "gather_facts": False, "module_defaults": {GROUP: conn},
                "tasks": tasks}
        run = ansible_playbook(play, env={"TMPDIR": str(tmp_path / "private")})
        assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
        state = emu.state()["projects"][DEST["project_uid"]]
        assert sorted(a["key"] for a in state["attributes"]) == ["tier_0", "tier_1", "tier_2"]
        assert [e["key"] for e in state["events"]] == ["after_expiry"]
        checks = token_checks(emu, processes=4)
        assert checks["refreshes"] >= 2, "the pause outlived the first token"
        after_pause = run.result("attribute 2")["api_calls"]
        assert after_pause.get("refreshes") == 1, "the task after the pause refreshed its expired token: %s" % after_pause
        assert OAUTH_REFRESH_TOKEN not in run.stdout + run.stderr and OAUTH_CLIENT_SECRET not in run.stdout


LOOKUP = "contentstack.personalize.personalize_export"


@pytest.mark.parametrize("mode", TOKEN_MODES, ids=token_mode_id)
def test_the_lookup_refreshes_for_its_threads(tmp_path, ansible_playbook, mode):
    """The lookup reading one project twice at once (two threads, a client each, one credential), before
    and after the access token's lifetime."""
    with Emulator(seeds=["empty-dest"], rate_limit=0, token_lifetime=LIFETIME, tmp_path=tmp_path / "emu", **mode) as emu:
        conn = oauth_connection(emu, rate_limit=0)
        conn.pop("organization_uid")
        projects = [dict(conn, label="a"), dict(conn, label="b")]
        read = {"ansible.builtin.set_fact": {"value": "{{ query('%s', 'all', portable=false, projects=%s) }}" % (
            LOOKUP, json.dumps(projects))}}
        play = {"name": "oauth lookup", "hosts": "localhost", "gather_facts": False, "connection": "local",
                "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
                "tasks": [dict(read, name="before"), {"name": "wait past the token's lifetime",
                                                      "ansible.builtin.pause": {"seconds": LIFETIME + 1}},
                          dict(read, name="after")]}
        run = ansible_playbook([play], env={"TMPDIR": str(tmp_path / "private")})
        assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
        for name in ("before", "after"):
            value = run.result(name)["ansible_facts"]["value"]
            assert len(value) == 2 and all(len(item["attributes"]) == 8 for item in value), value
        checks = token_checks(emu, processes=2)
        assert checks["refreshes"] == 2, "one refresh per token lifetime for both threads: %s" % emu.token_calls()
        assert OAUTH_REFRESH_TOKEN not in run.stdout + run.stderr and OAUTH_CLIENT_SECRET not in run.stdout


def test_the_copy_role_refreshes_and_a_rerun_starts_from_the_stored_pair(tmp_path):
    with Pair(tmp_path, rate_limit=0) as pair:
        pair.dest.configure(token_lifetime=LIFETIME)
        variables = copy_vars(pair, tmp_path / "report")
        variables["migrate_destination"] = oauth_connection(pair.dest)
        env = {"TMPDIR": str(tmp_path / "private")}
        first = run_playbook(tmp_path / "first", MIGRATE, variables, env=env)
        assert first.rc == 0, first.failure() or first.stdout[-3000:]
        report = json.loads((tmp_path / "report" / "report.json").read_text())
        assert report["verify"] == "ok"
        assert report["calls"]["destination"].get("refreshes", 0) >= 2, report["calls"]
        assert "OAuth refreshes)" in first.stdout
        writes = len(pair.dest.writes())
        assert writes > 0
        # The configured refresh token was rotated away by the first run: the re-run finds the newest pair.
        seed_uses = [e for e in pair.dest.token_calls() if e.get("refresh") == "seed-dest"]
        assert len(seed_uses) == 1
        again = run_playbook(tmp_path / "again", MIGRATE, variables, env=env)
        assert again.rc == 0, again.failure() or again.stdout[-3000:]
        assert len(pair.dest.writes()) == writes, "the re-run writes nothing"
        assert [e for e in pair.dest.token_calls() if e.get("refresh") == "seed-dest"] == seed_uses
        assert [e for e in pair.dest.log() if e["status"] == 401 and not e.get("access_dead")] == []
        token_checks(pair.dest, processes=1)


def test_a_fan_out_with_forks_spends_each_refresh_token_once(tmp_path, ansible_playbook):
    copies = 4
    with Emulator(seeds=["retail", "empty-dest"], rate_limit=0, token_lifetime=LIFETIME, tmp_path=tmp_path / "emu",
                  limits={"projects_per_organization": copies + 2}) as emu:
        destinations = [DEST["project_uid"]] + [create_project(emu, "OAuth copy %d" % n) for n in range(1, copies)]
        source = {"api_url": emu.url, "project_uid": SOURCE["project_uid"], "authtoken": SOURCE["readonly_authtoken"],
                  "organization_uid": SOURCE["org"]}
        hosts = dict(("copy%d" % n, {
            "ansible_connection": "local", "migrate_source": source,
            "migrate_destination": oauth_connection(emu, project_uid=project),
            "migrate_report_dir": str(tmp_path / "reports" / ("copy%d" % n))}) for n, project in enumerate(destinations))
        inventory = tmp_path / "pairs.yml"
        inventory.write_text(yaml.safe_dump({"copies": {"hosts": hosts, "vars": {"migrate_allow_skips": True}}}))
        run = ansible_playbook(str(ROOT / "playbooks" / "migrate.yml"), env={"TMPDIR": str(tmp_path / "private")},
                               args=["-i", str(inventory), "-f", str(copies), "-e", "migrate_hosts=copies"])
        assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
        for n in range(copies):
            report = json.loads((tmp_path / "reports" / ("copy%d" % n) / "report.json").read_text())
            assert report["verify"] == "ok", report
        checks = token_checks(emu, processes=copies)
        assert checks["refreshes"] >= 2
