"""Tokens never leak: a demo-like copy at -vvvv with --diff, copies that fail on a request, and an
export, scanned for every seed token in stdout, stderr, report.json, uid-map.json and the
exported files. The source is read with its read-only token and never written. With OAuth refresh
(issue 14), the scan also covers the refresh token, the client secret and every token the emulator
issued during the runs.
"""

import json
import pathlib
import urllib.request

import pytest

from emulator.harness import DEST_ORG, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN
from reliability.copyrun import (
    DEST_PROJECT, DEST_TOKEN, EXPORT, MIGRATE, SECRETS, SOURCE_PROJECT, SOURCE_RO_TOKEN, SOURCE_TOKEN, Pair,
    copy_vars, run_playbook,
)


def scan(texts, more=()):
    """{(token, where): count} for every secret (and every one of ``more``) found anywhere."""
    hits = {}
    for where, text in texts.items():
        for token in SECRETS + tuple(more):
            if token in text:
                hits[(token[:8] + "...", where)] = text.count(token)
    return hits


def files(folder):
    folder = pathlib.Path(folder)
    return dict((str(p.relative_to(folder)), p.read_text()) for p in sorted(folder.rglob("*")) if p.is_file())


def test_no_token_anywhere_at_vvvv_with_diff_even_when_requests_fail(tmp_path):
    texts = {}
    with Pair(tmp_path, rate_limit=0) as pair:
        # 1. the demo's copy, at -vvvv with --diff: it succeeds
        report = tmp_path / "report"
        variables = copy_vars(pair, report)
        ok = run_playbook(tmp_path / "ok", MIGRATE, variables, args=("-vvvv", "--diff"))
        assert ok.rc == 0, ok.stdout[-3000:]
        # the verbose output names both projects (the connection is there; its tokens must not be)
        assert SOURCE_PROJECT in ok.stdout and DEST_PROJECT in ok.stdout
        assert "'no_log: true' was specified" in ok.stdout, "the connection settings task is censored"
        texts.update({"copy stdout": ok.stdout, "copy stderr": ok.stderr})
        for name, text in files(report).items():
            texts["copy " + name] = text
        assert {"report.json", "uid-map.json"} <= set(files(report))

        # 2. the export playbook with the source's manage token, at -vvvv
        exported = tmp_path / "exported"
        export = run_playbook(tmp_path / "export", EXPORT, {
            "personalize_api_url": pair.source.url, "personalize_project_uid": SOURCE_PROJECT,
            "personalize_authtoken": SOURCE_TOKEN, "personalize_export_dir": str(exported)}, args=("-vvvv",))
        assert export.rc == 0, export.stdout[-3000:]
        assert len(files(exported)) == 7
        texts.update({"export stdout": export.stdout, "export stderr": export.stderr})
        for name, text in files(exported).items():
            texts["export " + name] = text

        # 3. a copy whose writes are refused by the API (the destination allows 3 audiences)
        pair.dest.reset()
        pair.dest.configure(limits={"audiences": 3})
        report3 = tmp_path / "report-limit"
        refused = run_playbook(tmp_path / "limit", MIGRATE, copy_vars(pair, report3), args=("-vvvv", "--diff"))
        assert refused.rc != 0
        assert "LIMIT_EXCEEDED" in refused.stdout, refused.stdout[-3000:]
        assert "POST /audiences returned 400" in refused.failure(), refused.failure()
        texts.update({"refused stdout": refused.stdout, "refused stderr": refused.stderr})
        texts.update(dict(("refused " + k, v) for k, v in files(report3).items()) if report3.exists() else {})

        # 4. a copy whose destination read fails: the destination token sent to the other region,
        #    which does not know it (401), after a burst of 429s on the source
        pair.source.configure(faults={"seed": 5, "burst_429": 3})
        variables = copy_vars(pair, tmp_path / "report-401")
        variables["migrate_destination"]["api_url"] = pair.source.url
        unknown = run_playbook(tmp_path / "unknown", MIGRATE, variables, args=("-vvvv", "--diff"))
        assert unknown.rc != 0
        assert "cannot read the destination" in unknown.failure() and "401" in unknown.failure(), unknown.failure()
        texts.update({"401 stdout": unknown.stdout, "401 stderr": unknown.stderr})

        assert pair.source_writes() == [], "the source is only read"
        assert [e for e in pair.dest.writes() if e["project"] != DEST_PROJECT] == []

    # The runs really used the tokens (a scan of nothing would prove nothing) ...
    assert SOURCE_RO_TOKEN in (tmp_path / "ok" / "run-vars.json").read_text()
    assert DEST_TOKEN in (tmp_path / "ok" / "run-vars.json").read_text()
    assert SOURCE_TOKEN in (tmp_path / "export" / "run-vars.json").read_text()
    assert sum(len(t) for t in texts.values()) > 100000, "-vvvv output was scanned"
    # ... and none of them appears anywhere a user or a CI log would see it.
    assert scan(texts) == {}


def test_a_write_to_the_source_fails_every_pair_based_test(tmp_path):
    """Negative control for the check in copyrun.Pair.__exit__ that every fault, kill, secrets and
    role-row test (and the long-form script) passes through: a source write does not go unseen."""
    with pytest.raises(AssertionError, match=r"the source project was written: \[\('POST', '/events', 201\)\]"):
        with Pair(tmp_path, rate_limit=0) as pair:
            req = urllib.request.Request(pair.source.url + "/events", data=json.dumps({"key": "x"}).encode(),
                                         method="POST", headers={"authtoken": SOURCE_TOKEN,
                                                                 "x-project-uid": SOURCE_PROJECT})
            urllib.request.urlopen(req, timeout=10).read()


def test_no_token_in_a_copy_with_the_stack_phase_at_vvvv(tmp_path):
    """The stack phase's CMA calls (reads, the wait, links, entry variants, verify's re-read) at -vvvv
    with --diff, and a stack read that fails (an unknown branch): no token anywhere."""
    from stackhelp import with_stacks

    texts = {}
    with Pair(tmp_path, rate_limit=0) as pair:
        report = tmp_path / "report"
        variables = with_stacks(pair, "connected", copy_vars(pair, report, migrate_entry_variants=True, migrate_entry_uid_map=str(
            pathlib.Path(__file__).resolve().parents[1] / "emulator" / "seeds" / "retail-entry-uid-map.json")))
        ok = run_playbook(tmp_path / "stack", MIGRATE, variables, args=("-vvvv", "--diff"))
        assert ok.rc == 0, ok.stdout[-3000:]
        assert [e for e in pair.dest.log() if e.get("api") == "cma" and e["method"] == "PUT"], "the CMA was written"
        texts.update({"stack stdout": ok.stdout, "stack stderr": ok.stderr})
        texts.update(("stack " + k, v) for k, v in files(report).items())
        variables["migrate_destination"]["branch"] = "nosuch"
        bad = run_playbook(tmp_path / "branch", MIGRATE, variables, args=("-vvvv",))
        assert bad.rc != 0 and "cannot read the destination stack" in bad.failure(), bad.failure()
        texts.update({"branch stdout": bad.stdout, "branch stderr": bad.stderr})
    assert DEST_TOKEN in (tmp_path / "stack" / "run-vars.json").read_text()
    assert scan(texts) == {}


def issued(emu):
    """Every access and refresh token the emulator's token endpoint has issued."""
    state = emu.state()
    access = [t for t, rec in state["tokens"].items() if rec.get("kind") == "oauth-issued"]
    refresh = [t for t in state["oauth"]["refresh"] if t != OAUTH_REFRESH_TOKEN]
    return access + refresh


def test_no_oauth_secret_anywhere_at_vvvv_with_diff(tmp_path):
    """A copy whose destination refreshes its 2-second tokens, at -vvvv with --diff; its re-run from the
    stored pair; an export with the same credential; a copy whose refresh token is dead. None of the
    refresh token, the client secret or any issued access or refresh token appears anywhere."""
    texts = {}
    env = {"TMPDIR": str(tmp_path / "private")}
    with Pair(tmp_path, rate_limit=0) as pair:
        pair.dest.configure(token_lifetime=2)
        oauth = {"api_url": pair.dest.url, "project_uid": DEST_PROJECT, "organization_uid": DEST_ORG,
                 "oauth_refresh_token": OAUTH_REFRESH_TOKEN, "oauth_client_id": OAUTH_CLIENT_ID,
                 "oauth_client_secret": OAUTH_CLIENT_SECRET, "oauth_token_url": pair.dest.url + "/token"}
        variables = copy_vars(pair, tmp_path / "report")
        variables["migrate_destination"] = oauth
        for name in ("first", "again"):
            run = run_playbook(tmp_path / name, MIGRATE, variables, args=("-vvvv", "--diff"), env=env)
            assert run.rc == 0, run.failure() or run.stdout[-3000:]
            texts.update({name + " stdout": run.stdout, name + " stderr": run.stderr})
            texts.update((name + " " + k, v) for k, v in files(tmp_path / "report").items())
        exported = tmp_path / "exported"
        export_vars = dict(("personalize_" + k, v) for k, v in oauth.items())
        export_vars["personalize_export_dir"] = str(exported)
        export = run_playbook(tmp_path / "export", EXPORT, export_vars, args=("-vvvv",), env=env)
        assert export.rc == 0, export.failure() or export.stdout[-3000:]
        texts.update({"export stdout": export.stdout, "export stderr": export.stderr})
        texts.update(("export " + k, v) for k, v in files(exported).items())
        variables["migrate_destination"] = dict(oauth, oauth_refresh_token="csrt-dead-5555555555555555")
        dead = run_playbook(tmp_path / "dead", MIGRATE, variables, args=("-vvvv", "--diff"), env=env)
        assert dead.rc != 0 and "invalid_grant" in dead.failure(), dead.failure()
        texts.update({"dead stdout": dead.stdout, "dead stderr": dead.stderr})
        tokens = issued(pair.dest)
    assert len(tokens) >= 6, "the runs refreshed several times (and the scan looks for every token issued)"
    assert OAUTH_REFRESH_TOKEN in (tmp_path / "first" / "run-vars.json").read_text()
    assert sum(len(t) for t in texts.values()) > 100000, "-vvvv output was scanned"
    assert scan(texts, tokens + ["csrt-dead-5555555555555555"]) == {}
