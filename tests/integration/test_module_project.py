"""personalize_project (organization scoped) through real ansible-playbook runs against the emulator.

Every claim is checked against the emulator's request log and state. The play's module_defaults
set a project_uid that is not a uid at all: the project module must ignore it (it never sends
x-project-uid), where any project-scoped module would refuse it.
"""

import pytest

from conftest import DEST, NOBODY_TOKEN, SOURCE
from modhelp import GROUP, assert_no_writes, assert_ok, failing, task, write_calls

from ansible_collections.contentstack.personalize.plugins.module_utils.client import PersonalizeClient
from ansible_collections.contentstack.personalize.plugins.module_utils.engine import Engine, ProjectListings
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError

M = "personalize_project"
FRESH_ORG = "blt5e1ec7ed0000c003"
FRESH_TOKEN = "csat-fresh-3d5f7a9c1e2b4d6f"
FRESH_RO_TOKEN = "csat-fresh-ro-8e6c4a2f0d1b3c5e"
TWIN_ORG = "blt5e1ec7ed0000d004"
TWIN_UIDS = ["6650a1b2c3d4e5f604000001", "6650a1b2c3d4e5f604000002"]
STACK = "blt1a2b3c4d5e6f7a8b"

SEED = {
    "organizations": [{"uid": FRESH_ORG, "name": "Fresh org (no projects)"},
                      {"uid": TWIN_ORG, "name": "Org with two projects of one name"}],
    "tokens": [
        {"token": FRESH_TOKEN, "kind": "authtoken", "organizations": [FRESH_ORG, TWIN_ORG],
         "scopes": ["personalize:read", "personalize:manage"], "user": {"uid": "blt7a1b2c3d4e5f6c01", "name": "Fay"}},
        {"token": FRESH_RO_TOKEN, "kind": "authtoken", "organizations": [FRESH_ORG],
         "scopes": ["personalize:read"], "user": {"uid": "blt7a1b2c3d4e5f6c02", "name": "Rob"}},
    ],
    # The API refuses a second project of one name; a listing could still show two (older data).
    "projects": [{"uid": uid, "name": "Twin", "description": "", "organizationUid": TWIN_ORG}
                 for uid in TWIN_UIDS],
}


@pytest.fixture
def emu(tmp_path):
    from emulator.harness import Emulator

    with Emulator(seeds=["retail", "empty-dest", SEED], rate_limit=0, tmp_path=tmp_path / "emu") as emulator:
        yield emulator


def play(emu, tasks, org=FRESH_ORG, token=FRESH_TOKEN):
    return {
        "name": "projects",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {GROUP: {
            "api_url": emu.url,
            "organization_uid": org,
            "authtoken": token,
            "project_uid": "not-a-project-uid",
            "rate_limit": 0,
        }},
        "tasks": tasks,
    }


def projects_of(emu, org):
    return dict((p["project"]["name"], p["project"]) for p in emu.state()["projects"].values()
                if p["project"]["organizationUid"] == org)


def test_project_lifecycle_check_apply_reapply_absent(emu, ansible_playbook):
    want = {"name": "Web Shop", "description": "the shop", "connected_stack_api_key": STACK}
    tasks = [
        task("check create", M, want, check_mode=True, diff=True),
        task("create", M, want, diff=True, register="created"),
        task("re-apply", M, want),
        task("re-apply in check mode", M, want, check_mode=True),
        task("name only", M, {"name": "Web Shop"}),
        # A project-scoped module, on the uid this module returned.
        task("attribute in the new project", "personalize_attribute",
             {"key": "tier", "project_uid": "{{ created.uid }}"}),
    ]
    run = ansible_playbook(play(emu, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    assert_ok(run, *[t["name"] for t in tasks])
    log = emu.log()
    res = run.result

    check = res("check create")
    assert check["changed"] is True and check["action"] == "create" and check["uid"] is None
    assert check["project"] == want
    assert check["msg"] == "project 'Web Shop' would be created"
    assert check["diff"]["before"] == {} and check["diff"]["after"] == want
    assert_no_writes(run, log, "check create")
    # Organization scoped: every call carries the organization and names no project.
    reads = run.requests("check create", log)
    assert [(e["method"], e["path"], e["org"], e["project"]) for e in reads] == [
        ("GET", "/projects", FRESH_ORG, None)]

    created = res("create")
    assert write_calls(run, "create", log) == [("POST", "/projects", 201)]
    assert created["changed"] is True and created["msg"] == "project 'Web Shop' created"
    assert created["project"] == want == check["project"], "check mode predicted what the server stored"
    stored = projects_of(emu, FRESH_ORG)["Web Shop"]
    assert created["uid"] == stored["uid"]
    assert stored["connectedStackApiKey"] == STACK and stored["description"] == "the shop"
    assert created["object"]["connectedStackApiKey"] == STACK
    assert check["api_calls"]["calls"] == 1 and created["api_calls"]["calls"] == 2
    assert created["diff"]["before"] == {} and created["diff"]["after"] == want

    for name in ("re-apply", "re-apply in check mode", "name only"):
        assert res(name)["changed"] is False and res(name)["action"] == "none", name
        assert res(name)["uid"] == created["uid"] and res(name)["project"] == want, name
        assert not res(name).get("warnings"), name
    assert_no_writes(run, log, "re-apply", "re-apply in check mode", "name only")

    assert write_calls(run, "attribute in the new project", log) == [("POST", "/attributes", 201)]
    assert [a["key"] for a in emu.state()["projects"][created["uid"]]["attributes"]] == ["tier"]

    tasks = [
        task("absent", M, {"name": "Web Shop", "state": "absent"}, diff=True),
        task("absent again", M, {"name": "Web Shop", "state": "absent"}),
    ]
    run = ansible_playbook(play(emu, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    assert_ok(run, "absent", "absent again")
    log = emu.log()
    res = run.result
    gone = res("absent")
    assert write_calls(run, "absent", log) == [("DELETE", "/projects/" + created["uid"], 204)]
    assert gone["changed"] is True and gone["project"] == want and gone["msg"] == "project 'Web Shop' deleted"
    assert gone["diff"]["before"] == want and gone["diff"]["after"] == {}
    assert res("absent again")["changed"] is False and res("absent again")["project"] is None
    assert_no_writes(run, log, "absent again")
    assert projects_of(emu, FRESH_ORG) == {}


def test_an_existing_project_is_never_updated(emu, ansible_playbook):
    """No PUT /projects in the API reference: a different description warns, a different stack fails."""
    tasks = [
        task("create", M, {"name": "Shop", "description": "old", "connected_stack_api_key": STACK}),
        task("other description", M, {"name": "Shop", "description": "new"}, diff=True),
        failing("other stack", M, {"name": "Shop", "connected_stack_api_key": "bltffffffffffffffff"}),
        failing("no stack", M, {"name": "Shop", "connected_stack_api_key": ""}),
        task("same stack", M, {"name": "Shop", "connected_stack_api_key": STACK}),
    ]
    run = ansible_playbook(play(emu, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log = emu.log()
    res = run.result
    assert_no_writes(run, log, "other description", "other stack", "no stack", "same stack")

    warned = res("other description")
    assert warned["changed"] is False and warned["action"] == "none"
    assert warned["project"]["description"] == "old"
    assert warned["diff"]["before"] == warned["diff"]["after"]
    assert len(warned["warnings"]) == 1
    for words in ("'old'", "'new'", "no call to update a project"):
        assert words in warned["warnings"][0], warned["warnings"]

    for name, asked in (("other stack", "stack bltffffffffffffffff"), ("no stack", "no stack")):
        assert run.task(name)["status"] == "failed"
        msg = res(name)["msg"]
        for words in ("project 'Shop'", "is connected to stack " + STACK, "asks for " + asked,
                      "connected_stack_api_key"):
            assert words in msg, (words, msg)
    assert res("same stack")["changed"] is False
    stored = projects_of(emu, FRESH_ORG)["Shop"]
    assert (stored["description"], stored["connectedStackApiKey"]) == ("old", STACK)


def test_fourth_project_over_the_limit_of_three(emu, ansible_playbook):
    tasks = [task("create %d" % n, M, {"name": "P%d" % n}) for n in (1, 2, 3)] + [
        task("check fourth", M, {"name": "P4"}, check_mode=True),
        failing("fourth", M, {"name": "P4"}),
    ]
    run = ansible_playbook(play(emu, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log = emu.log()
    assert_ok(run, "create 1", "create 2", "create 3", "check fourth")
    check = run.result("check fourth")
    assert check["changed"] is True and check["action"] == "create"
    assert any("already has 3 projects" in w and "P4" in w for w in check["warnings"]), check
    assert_no_writes(run, log, "check fourth")

    assert run.task("fourth")["status"] == "failed"
    assert write_calls(run, "fourth", log) == [("POST", "/projects", 400)]
    msg = run.result("fourth")["msg"]
    for words in ("project 'P4' cannot be created", FRESH_ORG, "limit", "3 exist",
                  "personalize.PROJECTS.LIMIT_EXCEEDED", "at most 3 projects"):
        assert words in msg, (words, msg)
    assert sorted(projects_of(emu, FRESH_ORG)) == ["P1", "P2", "P3"]


def test_limit_counts_per_organization(emu, ansible_playbook):
    """The destination org already has one project: two more fit, a third does not; other orgs are untouched."""
    tasks = [task("second", M, {"name": "Second"}), task("third", M, {"name": "Third"}),
             failing("fourth", M, {"name": "Fourth"})]
    run = ansible_playbook(play(emu, tasks, org=DEST["org"], token=DEST["oauth_token"]))
    assert run.rc == 0, run.stdout + run.stderr
    assert_ok(run, "second", "third")
    assert "3 exist" in run.result("fourth")["msg"]
    assert len(projects_of(emu, DEST["org"])) == 3 and projects_of(emu, FRESH_ORG) == {}


def test_duplicate_name_race_is_a_clear_error(emu):
    """Another client creates the project between this task's listing and its create: the API answers
    DUPLICATE_NAME, and the error says what happened and writes nothing more (same engine as the module)."""
    def client():
        return PersonalizeClient(api_url=emu.url, organization_uid=FRESH_ORG, authtoken=FRESH_TOKEN, rate_limit=0)

    engine = Engine(ProjectListings(client()))
    changes = engine.plan("project", [{"name": "Raced", "description": "mine"}])
    assert [c.action for c in changes] == ["create"]
    other = client().post("/projects", {"name": "Raced", "description": "theirs"})
    mark = emu.mark()
    with pytest.raises(PersonalizeInputError) as err:
        engine.apply(changes)
    msg = str(err.value)
    for words in ("project 'Raced'", "created by someone else", other["uid"], FRESH_ORG,
                  "personalize.PROJECTS.DUPLICATE_NAME", "Nothing was written"):
        assert words in msg, (words, msg)
    assert [(e["method"], e["path"], e["status"]) for e in emu.log(since=mark)] == [
        ("POST", "/projects", 400), ("GET", "/projects", 200)]
    assert projects_of(emu, FRESH_ORG)["Raced"]["description"] == "theirs"


def test_two_projects_of_one_name_are_ambiguous(emu, ansible_playbook):
    tasks = [failing("twin", M, {"name": "Twin"}), failing("twin absent", M, {"name": "Twin", "state": "absent"})]
    run = ansible_playbook(play(emu, tasks, org=TWIN_ORG))
    assert run.rc == 0, run.stdout + run.stderr
    log = emu.log()
    for name in ("twin", "twin absent"):
        assert run.task(name)["status"] == "failed"
        msg = run.result(name)["msg"]
        for words in ("project 'Twin' is ambiguous", "2 objects in the organization") + tuple(TWIN_UIDS):
            assert words in msg, (words, msg)
    assert_no_writes(run, log, "twin", "twin absent")
    assert sorted(uid for uid, p in emu.state()["projects"].items()
                  if p["project"]["organizationUid"] == TWIN_ORG) == TWIN_UIDS


def test_wrong_organization_or_token_is_clear(emu, ansible_playbook):
    cases = {
        # name: (organization, token, check_mode, status, words)
        "other org": (SOURCE["org"], FRESH_TOKEN, False, 403,
                      ["GET /projects returned 403", "cannot reach organization " + SOURCE["org"], "organization_uid"]),
        "no org token": (FRESH_ORG, NOBODY_TOKEN, False, 403, ["403", "cannot reach organization " + FRESH_ORG]),
        "bad token": (FRESH_ORG, "csat-wrong-0000000000000000", False, 401,
                      ["GET /projects returned 401", "not allowed", "token is missing, expired or not accepted"]),
        "read-only create": (FRESH_ORG, FRESH_RO_TOKEN, False, 403,
                             ["POST /projects returned 403", "personalize:manage",
                              "may read the projects of organization " + FRESH_ORG]),
    }
    plays = []
    for name, (org, token, check, _status, _words) in cases.items():
        p = play(emu, [failing(name, M, {"name": "Denied"})], org=org, token=token)
        p["name"] = name
        plays.append(p)
    # A read-only token may still look: check mode only lists.
    plays.append(play(emu, [task("read-only check", M, {"name": "Denied"}, check_mode=True)], token=FRESH_RO_TOKEN))
    run = ansible_playbook(plays)
    assert run.rc == 0, run.stdout + run.stderr
    log = emu.log()
    for name, (org, token, _check, status, words) in cases.items():
        assert run.task(name)["status"] == "failed", name
        msg = run.result(name)["msg"]
        assert msg.startswith("project 'Denied': "), msg
        for w in words:
            assert w in msg, (name, w, msg)
        assert token not in run.stdout + run.stderr + msg
        assert [e["status"] for e in run.requests(name, log)][-1] == status, name
    assert run.result("read-only check")["changed"] is True
    assert_no_writes(run, log, "read-only check")
    assert projects_of(emu, FRESH_ORG) == {}


def test_organization_uid_is_required(emu, ansible_playbook):
    p = play(emu, [failing("no org", M, {"name": "X"})])
    del p["module_defaults"][GROUP]["organization_uid"]
    run = ansible_playbook(p)
    assert run.rc == 0, run.stdout + run.stderr
    assert "needs organization_uid" in run.result("no org")["msg"]
    assert run.requests("no org", emu.log()) == []
