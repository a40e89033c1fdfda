"""personalize_variant_group through real ansible-playbook runs against the emulator's CMA side.

The source project (retail) is connected to the retail-stack seed, whose groups are already linked;
the destination project (empty-dest) to dest-stack, where groups appear only after Personalize's
background job (``cms_delay``). Writes are read from the emulator's request log and state."""

import pytest

from conftest import DEST, SOURCE
from modhelp import GROUP, assert_no_writes, assert_ok, failing, task, write_calls

STACK = "blt8f2e6d4c0a9b7e53"
DEST_STACK = "blt3c9d1e7f5a2b4c68"
HERO = "Homepage Hero by Loyalty"
SUMMER = "Summer Sale Banner"
M = "personalize_variant_group"
FQ = "contentstack.personalize."


def stack_emulator_in(tmp_path):
    """An emulator with both projects and both stacks, unlimited (a context manager)."""
    from emulator.harness import Emulator

    return Emulator(seeds=["retail", "empty-dest", "retail-stack", "dest-stack"], rate_limit=0, tmp_path=tmp_path / "emu")


@pytest.fixture
def stack_emulator(tmp_path):
    with stack_emulator_in(tmp_path) as emu:
        yield emu


def stack_play(emu, tasks, side="source"):
    """One play: the side's connection for every module, and its stack for the stack-side modules."""
    conn = {"api_url": emu.url, "rate_limit": 0}
    if side == "source":
        conn.update(project_uid=SOURCE["project_uid"], authtoken=SOURCE["authtoken"])
        stack = STACK
    else:
        conn.update(project_uid=DEST["project_uid"], oauth_token=DEST["oauth_token"])
        stack = DEST_STACK
    per_module = {"cma_url": emu.url, "stack_api_key": stack}
    return {"name": "stack side", "hosts": "localhost", "gather_facts": False,
            "module_defaults": {GROUP: conn, FQ + M: per_module, FQ + "personalize_entry_variant": per_module},
            "tasks": tasks}


def links(emu, experience_name, stack=STACK):
    groups = emu.state()["stacks"][stack]["groups"].values()
    return [[c["uid"] for c in g["content_types"]] for g in groups if g["name"] == experience_name][0]


def cma_requests(run, name, log):
    return [(e["method"], e["path"].split("/")[2]) for e in run.requests(name, log) if e.get("api") == "cma"]


def test_check_apply_reapply_diff_exact_absent(stack_emulator, ansible_playbook):
    emu = stack_emulator
    tasks = [
        task("check link", M, {"experience": HERO, "content_types": ["banner"]}, check_mode=True),
        task("link", M, {"experience": HERO, "content_types": ["banner"]}),
        task("re-link", M, {"experience": HERO, "content_types": ["home_page", "banner"]}),
        task("diff", M, {"experience": HERO, "content_types": ["checkout_page"]}, diff=True),
        task("exact", M, {"experience": HERO, "content_types": ["checkout_page"], "exact": True}),
        task("absent", M, {"experience": HERO, "content_types": ["checkout_page", "blog_post"], "state": "absent"}),
        task("absent again", M, {"experience": HERO, "content_types": ["checkout_page"], "state": "absent"}),
        task("list", M, {"variant_groups": [
            {"experience": HERO, "content_types": ["home_page"]},
            {"experience": SUMMER, "content_types": ["banner", "home_page"], "exact": True},
            {"experience": "Checkout Button Color Test", "content_types": ["banner"]}]}),
    ]
    run = ansible_playbook(stack_play(emu, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    assert_ok(run, *[t["name"] for t in tasks])
    log, res = emu.log(), run.result
    uid = res("link")["uid"]

    assert res("check link")["changed"] is True and res("check link")["linked"] == ["banner"]
    assert res("check link")["variant_group"] == {"content_types": ["home_page", "banner"]}
    assert "would be linked banner" in res("check link")["msg"] and res("check link")["pending"] is False
    assert_no_writes(run, log, "check link")

    assert write_calls(run, "link", log) == [("PUT", "/v3/variant_groups/" + uid, 200)]
    assert res("link")["variant_group"] == {"content_types": ["home_page", "banner"]}
    assert res("re-link")["changed"] is False and "diff" not in res("re-link")
    assert_no_writes(run, log, "re-link", "absent again")
    # One experiences list, one content types list, one filtered group read: nothing per content type.
    assert cma_requests(run, "re-link", log) == [("GET", "content_types"), ("GET", "variant_groups")]
    assert res("re-link")["api_calls"]["cma_calls"] == 2 and res("re-link")["api_calls"]["calls"] == 3

    assert res("diff")["diff"]["before"] == {"content_types": ["home_page", "banner"]}
    assert res("diff")["diff"]["after"] == {"content_types": ["home_page", "banner", "checkout_page"]}
    assert res("exact")["unlinked"] == ["home_page", "banner"] and res("exact")["linked"] == []
    assert res("absent")["unlinked"] == ["checkout_page"] and res("absent again")["changed"] is False
    assert len(run.writes("absent", log)) == 1

    assert res("list")["summary"] == {"updated": 2, "unchanged": 1}
    assert [r["experience"] for r in res("list")["results"]] == [HERO, SUMMER, "Checkout Button Color Test"]
    assert [method for method, _kind in cma_requests(run, "list", log)].count("GET") == 2
    assert links(emu, HERO) == ["home_page"] and links(emu, SUMMER) == ["banner", "home_page"]
    assert links(emu, "Checkout Button Color Test") == ["checkout_page", "banner"]


def test_a_merging_server_ends_with_the_same_links(stack_emulator, ansible_playbook):
    stack_emulator.configure(cma_group_put="merge")
    tasks = [
        task("exact", M, {"experience": SUMMER, "content_types": ["checkout_page"], "exact": True}),
        task("absent", M, {"experience": SUMMER, "content_types": ["checkout_page"], "state": "absent"}),
        task("again", M, {"experience": SUMMER, "content_types": [], "exact": True}),
    ]
    run = ansible_playbook(stack_play(stack_emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    assert run.result("exact")["variant_group"] == {"content_types": ["checkout_page"]}
    assert run.result("again")["changed"] is False
    assert links(stack_emulator, SUMMER) == []


def test_waits_for_a_late_group_and_times_out_naming_the_experience(stack_emulator, ansible_playbook):
    """The destination's groups appear 5 s after a version with variants is written."""
    emu = stack_emulator
    emu.configure(cms_delay=5)
    ab = {"status": "draft", "variants": [{"name": "Control", "trafficDistribution": 50},
                                          {"name": "Green", "trafficDistribution": 50}]}
    tasks = [
        task("experiences", "personalize_experience", {"items": [
            {"name": "Hero EU", "type": "ab_test"}, {"name": "Late EU", "type": "ab_test"}]}),
        task("versions", "personalize_version", {"items": [dict(ab, experience="Hero EU"), dict(ab, experience="Late EU")]}),
        task("check pending", M, {"experience": "Late EU", "content_types": ["banner"]}, check_mode=True),
        failing("timeout", M, {"experience": "Late EU", "content_types": ["banner"], "wait_timeout": 1}),
        task("wait", M, {"variant_groups": [{"experience": "Hero EU", "content_types": ["home_page"]},
                                            {"experience": "Late EU", "content_types": ["banner"]}], "wait_timeout": 30}),
        task("again", M, {"experience": "Late EU", "content_types": ["banner"], "wait_timeout": 0}),
    ]
    run = ansible_playbook(stack_play(emu, tasks, side="destination"))
    assert run.rc == 0, run.stdout + run.stderr
    log, res = emu.log(), run.result

    check = res("check pending")
    assert check["pending"] is True and check["changed"] is True and check["linked"] == ["banner"]
    assert "not created yet" in check["msg"] and check["uid"] is None

    assert run.task("timeout")["status"] == "failed"
    assert "'Late EU'" in res("timeout")["msg"] and "1 s" in res("timeout")["msg"], res("timeout")["msg"]
    assert_no_writes(run, log, "check pending", "timeout")

    wait = run.task("wait")
    assert wait["status"] == "ok" and wait["end"] - wait["start"] >= 1.0
    polls = [e for e in run.requests("wait", log) if e["path"] == "/experiences"]
    assert 1 <= len(polls) <= 8, polls
    assert [w["path"].split("/")[2] for w in run.writes("wait", log)] == ["variant_groups"] * 2
    assert links(emu, "Hero EU", DEST_STACK) == ["home_page"] and links(emu, "Late EU", DEST_STACK) == ["banner"]
    assert res("again")["changed"] is False
    assert_no_writes(run, log, "again")


def test_bad_input_is_refused_before_any_write(stack_emulator, ansible_playbook):
    tasks = [
        failing("unknown type", M, {"variant_groups": [
            {"experience": HERO, "content_types": ["banner"]}, {"experience": SUMMER, "content_types": ["nope"]}]}),
        failing("unknown experience", M, {"variant_groups": [
            {"experience": HERO, "content_types": ["banner"]}, {"experience": "Nobody", "content_types": ["banner"]}]}),
        failing("exact absent", M, {"experience": HERO, "content_types": ["banner"], "exact": True, "state": "absent"}),
        failing("no stack", M, {"experience": HERO, "content_types": ["banner"], "stack_api_key": ""}),
        failing("another organization's stack", M, {
            "experience": HERO, "content_types": ["banner"], "stack_api_key": DEST_STACK}),
    ]
    run = ansible_playbook(stack_play(stack_emulator, tasks))
    log, res = stack_emulator.log(), run.result
    assert_no_writes(run, log, *[t["name"] for t in tasks])
    assert "variant_groups[1]" in res("unknown type")["msg"] and "'nope'" in res("unknown type")["msg"]
    assert "'Nobody'" in res("unknown experience")["msg"] and "variant_groups[1]" in res("unknown experience")["msg"]
    assert "exact" in res("exact absent")["msg"]
    assert "stack_api_key" in res("no stack")["msg"]
    assert "412" in res("another organization's stack")["msg"]
    assert all(run.task(t["name"])["status"] == "failed" for t in tasks)


def test_no_token_in_the_output_at_vvvv_with_diff_even_when_cma_calls_fail(stack_emulator, ansible_playbook):
    stack_emulator.configure(faults={"seed": 7, "error_503": 0.3, "error_502": 0.2})
    tasks = [
        task("link", M, {"experience": HERO, "content_types": ["banner"], "max_retries": 20}),
        task("entry variant", "personalize_entry_variant", {
            "content_type": "banner", "entry": "blt5ce0000000000011", "experience": SUMMER, "variant": "Campaign banner",
            "fields": {"message": "x"}, "max_retries": 20}),
        failing("refused", M, {"experience": HERO, "content_types": ["banner"], "stack_api_key": DEST_STACK}),
        failing("gave up", "personalize_entry_variant", {
            "content_type": "banner", "entry": "blt5ce0000000000011", "experience": SUMMER, "variant": "Campaign banner",
            "fields": {"message": "y"}, "max_retries": 0}),
    ]
    run = ansible_playbook(stack_play(stack_emulator, tasks), diff=True, verbosity=4)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert_ok(run, "link", "entry variant")
    assert run.task("refused")["status"] == "failed"
    retried = [e for e in stack_emulator.log() if e.get("api") == "cma" and e["fault"]]
    assert retried, "the faults reached CMA calls"
    text = run.stdout + run.stderr + str(run.tasks)
    assert SOURCE["authtoken"] not in text and SOURCE["authtoken"][:12] not in text
