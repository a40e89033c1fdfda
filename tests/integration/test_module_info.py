"""personalize_info against the emulator: the export lookup's read as a registered result, the same
data and calls as the lookup, in check mode too, never a write."""

from conftest import SOURCE
from modhelp import GROUP, task

LOOKUP = "contentstack.personalize.personalize_export"


def test_info_gives_what_the_lookup_gives(emulator, ansible_playbook):
    conn = {"api_url": emulator.url, "project_uid": SOURCE["project_uid"], "authtoken": SOURCE["authtoken"],
            "rate_limit": 0}
    lookup_args = ", ".join("%s=%r" % kv for kv in sorted(conn.items()))
    play = {"name": "info", "hosts": "localhost", "gather_facts": False,
            "module_defaults": {GROUP: conn},
            "tasks": [
                task("info", "personalize_info", {}),
                task("info raw", "personalize_info", {"kinds": ["audiences"], "portable": False}, check_mode=True),
                {"name": "lookup", "ansible.builtin.set_fact": {
                    "exported": "{{ lookup('%s', 'all', %s) }}" % (LOOKUP, lookup_args)}},
            ]}
    run = ansible_playbook(play)
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    info = run.result("info")
    assert info["changed"] is False
    assert info["project"] == run.result("lookup")["ansible_facts"]["exported"]
    assert [a["name"] for a in info["project"]["audiences"]][:1] == ["Canadian Desktop Referrals"]
    # the lookup and the module read alike: the same calls, GETs only
    info_calls = [(e["method"], e["path"]) for e in run.requests("info", log)]
    assert sorted(info_calls) == sorted((e["method"], e["path"]) for e in run.requests("lookup", log))
    assert info["api_calls"]["calls"] == len(info_calls)
    raw = run.result("info raw")["project"]
    assert sorted(raw) == ["audiences"] and all("uid" in a for a in raw["audiences"])
    assert emulator.writes() == []
