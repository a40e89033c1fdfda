"""personalize_project's arguments, run through its main() in-process (``patch_module_args``)
against the emulator: the argspec, the organization scope, and the environment fallbacks."""

import json
import os

import pytest

from conftest import DEST, SOURCE
from test_module_args import run_main, writes

from ansible_collections.contentstack.personalize.plugins.module_utils.specs import module_spec

M = "personalize_project"


@pytest.fixture
def org_conn(emulator, monkeypatch):
    for var in list(os.environ):
        if var.startswith("CONTENTSTACK_"):
            monkeypatch.delenv(var)
    return {"api_url": emulator.url, "organization_uid": DEST["org"], "oauth_token": DEST["oauth_token"],
            "rate_limit": 0}


def dest_org_projects(emu):
    return sorted(p["project"]["name"] for p in emu.state()["projects"].values()
                  if p["project"]["organizationUid"] == DEST["org"])


def test_argspec_shape():
    spec = module_spec(M)
    own = dict((k, v) for k, v in spec["argument_spec"].items()
               if k in ("name", "description", "connected_stack_api_key", "state"))
    assert own == {
        "name": {"type": "str", "required": True},
        "description": {"type": "str"},
        "connected_stack_api_key": {"type": "str", "no_log": False},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    # One project per task: no list form, so no items/prune and no exclusivity rules about them.
    assert "items" not in spec["argument_spec"] and "prune" not in spec["argument_spec"]
    assert "mutually_exclusive" not in spec and "required_one_of" not in spec
    # The connection options are the shared ones (project_uid included: accepted, then ignored).
    assert {"organization_uid", "project_uid", "authtoken", "oauth_token"} <= set(spec["argument_spec"])


@pytest.mark.parametrize("args,fragments", [
    ({}, ["missing required arguments", "name"]),
    ({"name": "P", "state": "gone"}, ["state", "present, absent", "gone"]),
    ({"name": "P", "items": [{"name": "P"}]}, ["Unsupported parameters", "items"]),
    ({"name": "P", "prune": True}, ["Unsupported parameters", "prune"]),
    ({"name": "P", "project": "x"}, ["Unsupported parameters", "project"]),
])
def test_argument_errors_before_any_request(emulator, org_conn, capsys, args, fragments):
    mark = emulator.mark()
    failed, out = run_main(M, dict(org_conn, **args), capsys)
    assert failed, out
    for fragment in fragments:
        assert fragment in out["msg"], (fragment, out["msg"])
    assert emulator.log(since=mark) == []


def test_create_idempotent_and_absent_via_ansible_module(emulator, org_conn, capsys):
    # A project_uid meant for the other modules (even one that is not a uid) is ignored.
    args = dict(org_conn, name="Second", description="d", connected_stack_api_key="blt0123456789abcdef",
                project_uid="not-a-project-uid")
    failed, out = run_main(M, dict(args, _ansible_check_mode=True), capsys)
    assert not failed and out["changed"] is True and out["action"] == "create" and out["uid"] is None, out
    assert emulator.writes() == []

    mark = emulator.mark()
    failed, out = run_main(M, args, capsys)
    assert not failed and out["changed"] is True, out
    assert writes(emulator, mark) == [("POST", "/projects")]
    assert [(e["org"], e["project"]) for e in emulator.log(since=mark)] == [(DEST["org"], None)] * 2
    assert "diff" not in out
    state = emulator.state()["projects"][out["uid"]]["project"]
    assert (state["name"], state["description"], state["connectedStackApiKey"]) == (
        "Second", "d", "blt0123456789abcdef")

    mark = emulator.mark()
    failed, again = run_main(M, dict(args, _ansible_diff=True), capsys)
    assert not failed and again["changed"] is False and again["uid"] == out["uid"], again
    assert again["diff"]["before"] == again["diff"]["after"] == out["project"]
    assert writes(emulator, mark) == []
    assert DEST["oauth_token"] not in json.dumps(again)

    failed, gone = run_main(M, dict(org_conn, name="Second", state="absent"), capsys)
    assert not failed and gone["changed"] is True
    assert dest_org_projects(emulator) == ["Acme Retail Web Shop EU"]


def test_organization_from_environment(emulator, org_conn, capsys, monkeypatch):
    monkeypatch.setenv("CONTENTSTACK_ORGANIZATION_UID", DEST["org"])
    monkeypatch.setenv("CONTENTSTACK_PROJECT_UID", "also-not-a-uid")
    args = dict(org_conn, name="From env")
    del args["organization_uid"]
    failed, out = run_main(M, args, capsys)
    assert not failed and out["changed"] is True, out
    assert "From env" in dest_org_projects(emulator)


def test_missing_organization_is_a_clear_error_before_any_request(emulator, org_conn, capsys):
    args = dict(org_conn, name="P")
    del args["organization_uid"]
    mark = emulator.mark()
    failed, out = run_main(M, args, capsys)
    assert failed and "needs organization_uid" in out["msg"] and "CONTENTSTACK_ORGANIZATION_UID" in out["msg"]
    assert emulator.log(since=mark) == []


def test_existing_project_of_another_org_is_not_seen(emulator, org_conn, capsys):
    """The name is unique per organization: the source org's project name is free in the destination."""
    source_name = emulator.state()["projects"][SOURCE["project_uid"]]["project"]["name"]
    failed, out = run_main(M, dict(org_conn, name=source_name, _ansible_check_mode=True), capsys)
    assert not failed and out["action"] == "create", out
