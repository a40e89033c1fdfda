"""OAuth refresh: the emulator's token endpoint, and PersonalizeClient refreshing against it.

The emulator rotates refresh tokens (the one spent dies, and the access token it had issued with
it) and answers an expired or replaced access token with a 401 "The provided access token is
invalid or expired"; its request log names every token by an id, so the tests can say which token
each request used without a token in the log."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils.client import (
    TOKEN_URLS,
    PersonalizeClient,
    resolve_token_url,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError, PersonalizeError
from emulator.harness import (
    DEST_PROJECT, DEST_TOKEN, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, SOURCE_TOKEN, Emulator,
)
from test_client import Stub


@pytest.fixture
def short(tmp_path):
    """An emulator whose access tokens live 2 s."""
    with Emulator(seeds=["empty-dest"], rate_limit=0, token_lifetime=2, tmp_path=tmp_path / "emu") as emu:
        yield emu


def refresh(emu, refresh_token, client_id=OAUTH_CLIENT_ID, secret=OAUTH_CLIENT_SECRET, **extra):
    form = dict({"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}, **extra)
    if secret:
        form["client_secret"] = secret
    req = urllib.request.Request(emu.url + "/token", data=urllib.parse.urlencode(form).encode(), method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def get(emu, token, path="/attributes"):
    req = urllib.request.Request(emu.url + path, headers={"authorization": "Bearer " + token, "x-project-uid": DEST_PROJECT})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def client(emu, tmp_path, **kw):
    args = dict(api_url=emu.url, project_uid=DEST_PROJECT, oauth_refresh_token=OAUTH_REFRESH_TOKEN,
                oauth_client_id=OAUTH_CLIENT_ID, oauth_client_secret=OAUTH_CLIENT_SECRET,
                oauth_token_url=emu.url + "/token", rate_limit=0, ratelimit_directory=str(tmp_path / "private"))
    args.update(kw)
    return PersonalizeClient(**args)


# --------------------------------------------------------------------------- the emulator's endpoint
def test_the_token_endpoint_rotates_and_the_old_tokens_die(short):
    status, first = refresh(short, OAUTH_REFRESH_TOKEN)
    assert status == 200 and first["token_type"] == "Bearer" and first["expires_in"] == 2
    assert first["organization_uid"] == "blt5e1ec7ed0000b002" and first["user_uid"]
    assert get(short, first["access_token"])[0] == 200
    assert refresh(short, OAUTH_REFRESH_TOKEN) == (400, {
        "error": "invalid_grant", "error_description": "the refresh token is invalid, expired or revoked"})
    status, second = refresh(short, first["refresh_token"])
    assert status == 200
    status, body = get(short, first["access_token"])
    assert (status, body["message"]) == (401, "The provided access token is invalid or expired"), "replaced"
    assert get(short, second["access_token"])[0] == 200
    time.sleep(2.1)
    assert get(short, second["access_token"])[0] == 401, "expired"
    log = short.token_calls()
    assert [(e["refresh"], e["reused"], e.get("issued_access"), e.get("revoked_access")) for e in log] == [
        ("seed-dest", False, "access-1", None), ("seed-dest", True, None, None), ("refresh-1", False, "access-2", "access-1")]
    api = [e for e in short.log() if e.get("api") != "oauth"]
    assert [(e["access"], e["access_dead"], e["status"]) for e in api] == [
        ("access-1", False, 200), ("access-1", True, 401), ("access-2", False, 200), ("access-2", True, 401)]
    with open(short.log_path) as handle:
        text = handle.read()
    assert first["access_token"] not in text and OAUTH_REFRESH_TOKEN not in text, "the log names tokens by id only"
    assert short.writes() == [], "a refresh is not a write"


def test_the_token_endpoint_refuses_a_wrong_client_secret_or_app(short):
    assert refresh(short, OAUTH_REFRESH_TOKEN, secret="wrong")[1]["error"] == "invalid_client"
    assert refresh(short, OAUTH_REFRESH_TOKEN, client_id="nobody-app")[0] == 401
    assert refresh(short, OAUTH_REFRESH_TOKEN, grant_type="password")[1]["error"] == "unsupported_grant_type"
    assert refresh(short, OAUTH_REFRESH_TOKEN)[0] == 200, "refusals spend nothing"


def test_the_lifetime_is_configured_at_run_time(short):
    assert short.configure(token_lifetime=30)["token_lifetime"] == 30
    assert refresh(short, OAUTH_REFRESH_TOKEN)[1]["expires_in"] == 30
    with pytest.raises(Exception, match="token_lifetime"):
        short.configure(token_lifetime=0)


def test_the_cma_says_expired_too(tmp_path):
    with Emulator(seeds=["empty-dest", "dest-stack"], rate_limit=0, token_lifetime=1, tmp_path=tmp_path / "emu") as emu:
        _status, pair = refresh(emu, OAUTH_REFRESH_TOKEN)
        time.sleep(1.1)
        req = urllib.request.Request(emu.url + "/v3/content_types", headers={
            "authorization": "Bearer " + pair["access_token"], "api_key": "blt3c9d1e7f5a2b4c68"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 401 and "invalid or expired" in json.loads(err.value.read())["error_message"]


# --------------------------------------------------------------------------- the client
def test_the_client_refreshes_before_expiry_and_never_sends_a_dead_token(short, tmp_path):
    c = client(short, tmp_path)
    for _request in range(8):
        c.get("/attributes")
        time.sleep(0.5)
    assert c.stats["refreshes"] >= 2 and c.stats["calls"] == 8
    api = [e for e in short.log() if e.get("api") != "oauth"]
    assert [e for e in api if e["access_dead"] or e["status"] != 200] == []
    assert [e for e in short.token_calls() if e["reused"]] == []


def test_a_401_for_an_expired_token_refreshes_and_resends_even_a_post(short, tmp_path):
    c = client(short, tmp_path)
    c.get("/attributes")
    c._oauth.clock = lambda: 0.0  # this process cannot see the expiry coming: only the 401 tells it
    time.sleep(2.1)
    made = c.post("/attributes", {"key": "after_expiry", "name": "After expiry"})
    assert made["key"] == "after_expiry"
    posts = [(e["status"], e["access"]) for e in short.log() if e["method"] == "POST" and e.get("api") != "oauth"]
    assert posts == [(401, "access-1"), (201, "access-2")]
    assert c.stats["refreshes"] == 2 and c.stats["retries"] == 0
    assert [a["key"] for a in short.state()["projects"][DEST_PROJECT]["attributes"]] == ["after_expiry"]


def test_a_second_client_follows_the_pair_the_first_refreshed(short, tmp_path):
    first, second = client(short, tmp_path), client(short, tmp_path)
    first.get("/attributes")
    second.get("/attributes")
    assert "refreshes" not in second.stats, "the stored pair is used"
    first._oauth.expired(first._oauth.current())  # first refreshes (access-1 dies)
    second.get("/events")
    entries = [e for e in short.log() if e.get("api") != "oauth"]
    assert [(e["path"], e["access"], e["status"]) for e in entries] == [
        ("/attributes", "access-1", 200), ("/attributes", "access-1", 200), ("/events", "access-2", 200)]
    assert [e for e in short.token_calls() if e["reused"]] == []


def test_a_rerun_with_the_rotated_away_token_succeeds_from_the_stored_pair(short, tmp_path):
    client(short, tmp_path).get("/attributes")
    time.sleep(2.1)
    assert refresh(short, OAUTH_REFRESH_TOKEN)[1]["error"] == "invalid_grant", "the configured token is dead"
    again = client(short, tmp_path)
    assert len(again.get("/attributes")) == 8, "the presets, read with the stored pair's token"
    assert [e["refresh"] for e in short.token_calls() if e.get("issued_access")] == ["seed-dest", "refresh-1"]


def test_a_dead_refresh_token_or_a_wrong_client_fails_clearly_before_any_request(short, tmp_path):
    with pytest.raises(PersonalizeApiError) as err:
        client(short, tmp_path, oauth_refresh_token="csrt-dead-1234567890").get("/attributes")
    assert "invalid_grant" in str(err.value) and "set oauth_refresh_token (or CONTENTSTACK_OAUTH_REFRESH_TOKEN)" in str(err.value)
    assert "csrt-dead-1234567890" not in str(err.value)
    with pytest.raises(PersonalizeApiError) as err:
        client(short, tmp_path, oauth_client_secret="wrong-secret-123").get("/attributes")
    assert "invalid_client" in str(err.value) and "oauth_client_secret" in str(err.value)
    assert "wrong-secret-123" not in str(err.value) and OAUTH_CLIENT_ID not in str(err.value)
    assert [e for e in short.log() if e.get("api") != "oauth"] == []


def test_a_401_after_a_fresh_refresh_is_not_retried_in_a_loop(tmp_path):
    api = Stub([(401, {"error_message": "The provided access token is invalid or expired"})])
    tokens = Stub([(200, {"access_token": "csoa-new-%d" % n, "refresh_token": "csrt-new-%d" % n, "expires_in": 3600})
                   for n in range(1, 9)])
    try:
        c = PersonalizeClient(api_url=api.url, project_uid=DEST_PROJECT, oauth_refresh_token="csrt-first-0000",
                              oauth_client_id="app-1", oauth_token_url=tokens.url + "/token", rate_limit=0,
                              ratelimit_directory=str(tmp_path / "private"))
        with pytest.raises(PersonalizeApiError) as err:
            c.post("/attributes", {"key": "k"})
        text = str(err.value)
        assert "401" in text and "fresh OAuth refresh was refused as well" in text
        assert len(tokens.requests) == 2 and len(api.requests) == 2, "one refresh and one re-send, then the error"
        assert not any(t in text for t in ("csoa-new", "csrt-new", "csrt-first"))
    finally:
        api.close()
        tokens.close()


def test_every_token_the_source_held_is_redacted(tmp_path):
    echo = Stub([(400, {"message": "bad"})])
    tokens = Stub([(200, {"access_token": "csoa-issued-55555", "refresh_token": "csrt-issued-66666", "expires_in": 3600})])
    try:
        c = PersonalizeClient(api_url=echo.url, project_uid=DEST_PROJECT, oauth_refresh_token="csrt-conf-77777",
                              oauth_client_id="app-88888", oauth_client_secret="secret-99999",
                              oauth_token_url=tokens.url + "/token", rate_limit=0, max_retries=0,
                              ratelimit_directory=str(tmp_path / "private"))
        echo.script[:] = [(400, {"message": "csoa-issued-55555 csrt-issued-66666 csrt-conf-77777 secret-99999 app-88888"})]
        with pytest.raises(PersonalizeApiError) as err:
            c.get("/attributes")
        text = str(err.value) + repr(err.value) + json.dumps(err.value.body)
        assert not any(t in text for t in ("55555", "66666", "77777", "99999", "88888")), text
        assert echo.requests[-1]["headers"]["authorization"] == "Bearer csoa-issued-55555"
        assert tokens.requests[0]["body"].decode().count("grant_type=refresh_token") == 1
    finally:
        echo.close()
        tokens.close()


# --------------------------------------------------------------------------- construction
@pytest.mark.parametrize("kw, words", [
    ({"authtoken": SOURCE_TOKEN}, ["oauth_refresh_token cannot be used with authtoken"]),
    ({"oauth_client_id": None}, ["oauth_refresh_token needs oauth_client_id", "CONTENTSTACK_OAUTH_CLIENT_ID"]),
    ({"oauth_refresh_token": None, "oauth_token": DEST_TOKEN, "oauth_token_url": None},
     ["oauth_client_id and oauth_client_secret are used only with oauth_refresh_token"]),
    ({"oauth_token_url": None}, ["needs oauth_token_url", "CONTENTSTACK_OAUTH_TOKEN_URL"]),
    ({"oauth_token_url": "http://token.example.com/token"}, ["oauth_token_url", "plain http"]),
])
def test_bad_combinations_are_refused_at_construction(tmp_path, kw, words):
    args = dict(api_url="http://127.0.0.1:9", project_uid=DEST_PROJECT, oauth_refresh_token=OAUTH_REFRESH_TOKEN,
                oauth_client_id=OAUTH_CLIENT_ID, oauth_client_secret=OAUTH_CLIENT_SECRET,
                oauth_token_url="http://127.0.0.1:9/token", ratelimit_directory=str(tmp_path))
    args.update(kw)
    with pytest.raises(PersonalizeError) as err:
        PersonalizeClient(**args)
    assert all(w in str(err.value) for w in words), str(err.value)
    assert OAUTH_REFRESH_TOKEN not in str(err.value) and OAUTH_CLIENT_SECRET not in str(err.value)


def test_the_token_url_comes_from_the_region():
    assert resolve_token_url("eu") == "https://eu-developerhub-api.contentstack.com/token"
    assert resolve_token_url(None) == "https://developerhub-api.contentstack.com/token"
    assert resolve_token_url("gcp-eu") == "https://gcp-eu-developerhub-api.contentstack.com/token"
    assert resolve_token_url("aws-eu", api_url="http://127.0.0.1:1") == TOKEN_URLS["aws-eu"]
    assert len(TOKEN_URLS) == 7


def test_the_limiter_key_stays_while_the_token_changes(short, tmp_path):
    c = client(short, tmp_path)
    key = c.rate_limit_key
    c.get("/attributes")
    c._oauth.expired(c._oauth.current())
    assert c._budget_key() == key
    assert OAUTH_REFRESH_TOKEN not in key and c._oauth.secrets() and not any(t in key for t in c._oauth.secrets())
