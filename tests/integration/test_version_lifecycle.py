"""personalize_version: draft -> active -> edit -> paused -> active, each step idempotent.

Measured from the emulator's request log (per task) and its stored versions.
"""

from modhelp import assert_no_writes, assert_ok, dest, play, task, write_calls

M = "personalize_version"
EXP = "Homepage hero"


def variants(*pairs):
    return [{"name": name, "audiences": list(auds)} for name, auds in pairs]


V1 = variants(("Gold", ["Gold members"]), ("Silver", ["Silver members"]))
V2 = variants(("Gold", ["Gold members"]), ("Silver", ["Silver members", "New visitors"]),
              ("Newcomers", ["New visitors"]))


def setup_tasks():
    return [
        task("attribute", "personalize_attribute", {"key": "loyalty_tier"}),
        task("audiences", "personalize_audience", {"items": [
            {"name": n, "definition": {"combinationType": "AND", "rules": [{
                "attribute": {"key": "loyalty_tier"}, "attributeMatchCondition": "STRING_EQUALS",
                "attributeMatchOptions": {"__type": "StringMatchOptions", "value": v}}]}}
            for n, v in (("Gold members", "gold"), ("Silver members", "silver"), ("New visitors", "none"))]}),
        task("experience", "personalize_experience", {"name": EXP, "type": "segmented"}),
    ]


def versions_of(emu, exp_uid):
    state = dest(emu)
    return state["versions"][exp_uid]


def test_version_lifecycle(emulator, ansible_playbook):
    steps = [
        ("draft", {"status": "draft", "variants": V1}),
        ("check activate", {"status": "active", "variants": V1}),
        ("activate", {"status": "active", "variants": V1}),
        ("check edit", {"status": "active", "variants": V2}),
        ("edit", {"status": "active", "variants": V2}),
        ("pause", {"status": "paused", "variants": V2}),
        ("resume", {"status": "active", "variants": V2}),
    ]
    tasks = setup_tasks()
    for name, args in steps:
        args = dict(args, experience=EXP)
        if name.startswith("check "):
            tasks.append(task(name, M, args, check_mode=True, diff=True))
            continue
        tasks.append(task(name, M, args, diff=True))
        tasks.append(task(name + " again", M, args))
    run = ansible_playbook(play(emulator, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    assert_ok(run, *[t["name"] for t in tasks])
    res = run.result
    exp_uid = res("experience")["uid"]
    path = "/experiences/%s/versions" % exp_uid

    # Every step re-run writes nothing and reports no change.
    for name, _args in steps:
        if not name.startswith("check "):
            assert res(name)["changed"] is True, name
            assert res(name + " again")["changed"] is False, (name, res(name + " again"))
            assert_no_writes(run, log, name + " again")

    # draft: the experience's auto-created empty draft is filled in, nothing else.
    writes = write_calls(run, "draft", log)
    assert len(writes) == 1 and writes[0][0] == "PUT" and writes[0][1].startswith(path + "/"), writes
    draft_uid = writes[0][1].rsplit("/", 1)[1]
    assert res("draft")["version_changes"] == [{"change": "updated", "version": draft_uid}]

    # check mode predicts activation of that draft and writes nothing.
    assert res("check activate")["changed"] is True
    assert res("check activate")["diff"]["after"]["versions"][0]["status"] == "active"
    assert_no_writes(run, log, "check activate", "check edit")

    # activate: the same draft goes ACTIVE with one PUT.
    assert write_calls(run, "activate", log) == [("PUT", "%s/%s" % (path, draft_uid), 200)]
    for name in ("check activate", "activate"):
        assert res(name)["version_changes"] == [{"change": "activated", "version": draft_uid}], name
    short = res("activate")["short_uids"]
    assert sorted(short) == ["Gold", "Silver"]

    # edit: a locked ACTIVE version -> a new draft is created, then activated; old one archived.
    writes = write_calls(run, "edit", log)
    assert [w[0] for w in writes] == ["POST", "PUT"], writes
    assert writes[0][1] == path
    new_uid = writes[1][1].rsplit("/", 1)[1]
    assert res("edit")["version_changes"] == [{"change": "created", "version": new_uid},
                                              {"change": "activated", "version": new_uid}]
    # check mode does not know the uid of a draft it would create
    assert res("check edit")["version_changes"] == [{"change": "created", "version": None},
                                                    {"change": "activated", "version": None}]
    diff = res("edit")["diff"]
    assert [v["name"] for v in diff["before"]["versions"][0]["variants"]] == ["Gold", "Silver"]
    assert [v["name"] for v in diff["after"]["versions"][0]["variants"]] == ["Gold", "Silver", "Newcomers"]
    assert diff["after"]["versions"][0]["variants"][1]["audiences"] == ["Silver members", "New visitors"]
    predicted = res("check edit")["diff"]["after"]["versions"][0]["variants"]
    assert [v["name"] for v in predicted] == ["Gold", "Silver", "Newcomers"]
    new_short = res("edit")["short_uids"]
    assert new_short["Gold"] == short["Gold"] and new_short["Silver"] == short["Silver"]
    assert new_short["Newcomers"] not in (short["Gold"], short["Silver"])
    # The new variant keeps the one number the draft's POST handed out (the next after 0, 1):
    # the activating PUT must resend it, not let the server renumber it (CMS entry variants
    # are keyed by shortUid).
    assert sorted(short.values()) == ["0", "1"] and new_short["Newcomers"] == "2", new_short

    # pause and resume: status-only PUTs on the live version.
    for name, status in (("pause", "PAUSED"), ("resume", "ACTIVE")):
        writes = write_calls(run, name, log)
        assert len(writes) == 1 and writes[0][0] == "PUT", (name, writes)
        change = {"pause": "paused", "resume": "resumed"}[name]
        assert res(name)["version_changes"] == [{"change": change, "version": new_uid}], name
        assert res(name + " again")["version_changes"] == []

    # The emulator's own record: the first version archived, the second live, shortUids kept.
    stored = versions_of(emulator, exp_uid)
    by_uid = dict((v["uid"], v) for v in stored)
    assert by_uid[draft_uid]["status"] == "ARCHIVED"
    live = [v for v in stored if v["status"] in ("ACTIVE", "PAUSED")]
    assert len(live) == 1 and live[0]["status"] == "ACTIVE"
    assert dict((v["name"], v["shortUid"]) for v in live[0]["variants"]) == new_short
    assert [v for v in stored if v["status"] == "DRAFT"] == []
    aud_uids = dict((a["name"], a["uid"]) for a in dest(emulator)["audiences"])
    silver = [v for v in live[0]["variants"] if v["name"] == "Silver"][0]
    assert silver["audiences"] == [aud_uids["Silver members"], aud_uids["New visitors"]]


def test_ab_test_version(emulator, ansible_playbook):
    """An A/B test: traffic, metrics by event key; idempotent; --check run writes nothing."""
    ab = {"experience": "Checkout test", "status": "active",
          "variants": [{"name": "Control", "trafficDistribution": 50}, {"name": "Green", "trafficDistribution": 50}],
          "metrics": [{"name": "Checkouts", "event": "checkout_completed"}]}
    base = [
        task("event", "personalize_event", {"key": "checkout_completed"}),
        task("experience", "personalize_experience", {"name": "Checkout test", "type": "ab_test"}),
        task("version", M, ab),
    ]
    checked = ansible_playbook(play(emulator, base), check=True)
    assert checked.rc == 0, checked.stdout + checked.stderr
    assert checked.result("version")["changed"] is True
    assert emulator.writes() == []

    run = ansible_playbook(play(emulator, base + [task("version again", M, ab)]))
    assert run.rc == 0, run.stdout + run.stderr
    log = emulator.log()
    assert [w[0] for w in write_calls(run, "version", log)] == ["PUT"]
    assert run.result("version again")["changed"] is False
    assert_no_writes(run, log, "version again")
    exp_uid = run.result("experience")["uid"]
    [active] = [v for v in versions_of(emulator, exp_uid) if v["status"] == "ACTIVE"]
    assert [m["event"] for m in active["metrics"]] == [run.result("event")["uid"]]
    assert [v["trafficDistribution"] for v in active["variants"]] == [50, 50]
