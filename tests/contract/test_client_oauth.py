"""OAuth refresh: the emulator's token endpoint, and PersonalizeClient refreshing against it.

By default the emulator rotates refresh tokens (the one spent dies, and the access token it had
issued with it); it plays the other readings of the reference too (``TOKEN_MODES``: the refresh
token kept or omitted from the answer, the old access token left alive), and the client is tested
against each. An expired or revoked access token gets a 401 "The provided access token is invalid
or expired"; the request log names every token by an id, so the tests can say which token each
request used without a token in the log."""

import json
import threading
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
    DEST_PROJECT, DEST_TOKEN, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, SOURCE_TOKEN, TOKEN_MODES, Emulator,
    token_mode_id,
)
from test_client import Stub


@pytest.fixture
def short(tmp_path):
    """An emulator whose access tokens live 2 s."""
    with Emulator(seeds=["empty-dest"], rate_limit=0, token_lifetime=2, tmp_path=tmp_path / "emu") as emu:
        yield emu


@pytest.fixture(params=TOKEN_MODES, ids=token_mode_id)
def moded(request, tmp_path):
    """An emulator whose access tokens live 2 s, in each of the token endpoint's modes (``emu.mode``)."""
    with Emulator(seeds=["empty-dest"], rate_limit=0, token_lifetime=2, tmp_path=tmp_path / "emu", **request.param) as emu:
        emu.mode = request.param
        yield emu


def api_calls(emu):
    """The log's entries of API calls (the token endpoint's left out)."""
    return [e for e in emu.log() if e.get("api") != "oauth"]


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


def test_the_token_endpoint_plays_each_mode(moded):
    rotate, revoke = moded.mode["token_rotation"] == "rotate", moded.mode["revoke_old_access"]
    status, first = refresh(moded, OAUTH_REFRESH_TOKEN)
    assert status == 200
    answered = first.get("refresh_token")
    assert {"rotate": answered not in (None, OAUTH_REFRESH_TOKEN), "keep": answered == OAUTH_REFRESH_TOKEN,
            "omit": "refresh_token" not in first}[moded.mode["token_rotation"]], sorted(first)
    again = refresh(moded, OAUTH_REFRESH_TOKEN)
    assert again[0] == (400 if rotate else 200), "the refresh token spent dies only under rotate"
    if rotate:
        status, second = refresh(moded, first["refresh_token"])
        assert status == 200
    else:
        second = again[1]
    assert get(moded, second["access_token"])[0] == 200
    status, body = get(moded, first["access_token"])
    assert status == (401 if revoke else 200), "the old access token dies with the refresh only with revoke_old_access"
    calls = moded.token_calls()
    assert [(e["refresh"], e["reused"], e["status"], e.get("revoked_access")) for e in calls] == (
        [("seed-dest", False, 200, None), ("seed-dest", True, 400, None), ("refresh-1", False, 200, "access-1" if revoke else None)]
        if rotate else [("seed-dest", False, 200, None), ("seed-dest", True, 200, "access-1" if revoke else None)])
    assert [e.get("issued_refresh") for e in calls if e["status"] == 200] == (["refresh-1", "refresh-2"] if rotate else [None, None])
    assert [(e["access"], e["access_dead"]) for e in api_calls(moded)] == [("access-2", False), ("access-1", revoke)]
    config = moded._admin("GET", "/_emulator/config")
    assert (config["token_rotation"], config["revoke_old_access"]) == (moded.mode["token_rotation"], revoke)


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
def spent_as_the_mode_says(emu):
    """Every refresh answered, each spending the newest refresh token: a new one per refresh under rotate
    (none spent twice), the configured one every time under keep and omit."""
    calls = emu.token_calls()
    assert calls and [e for e in calls if e["status"] != 200] == [], calls
    if emu.mode["token_rotation"] == "rotate":
        assert [e["refresh"] for e in calls] == ["seed-dest"] + ["refresh-%d" % n for n in range(1, len(calls))]
    else:
        assert [e["refresh"] for e in calls] == ["seed-dest"] * len(calls)
    return calls


def test_the_client_refreshes_before_expiry_and_never_sends_a_dead_token(moded, tmp_path):
    c = client(moded, tmp_path)
    for _request in range(8):
        c.get("/attributes")
        time.sleep(0.5)
    assert c.stats["refreshes"] >= 2 and c.stats["calls"] == 8
    assert [e for e in api_calls(moded) if e["access_dead"] or e["status"] != 200] == []
    assert len(spent_as_the_mode_says(moded)) == c.stats["refreshes"]


def test_a_401_for_an_expired_token_refreshes_and_resends_even_a_post(moded, tmp_path):
    c = client(moded, tmp_path)
    c.get("/attributes")
    c._oauth.clock = lambda: 0.0  # this process cannot see the expiry coming: only the 401 tells it
    time.sleep(2.1)
    made = c.post("/attributes", {"key": "after_expiry", "name": "After expiry"})
    assert made["key"] == "after_expiry"
    posts = [(e["status"], e["access"]) for e in api_calls(moded) if e["method"] == "POST"]
    assert posts == [(401, "access-1"), (201, "access-2")]
    assert c.stats["refreshes"] == 2 and c.stats["retries"] == 0
    assert len(spent_as_the_mode_says(moded)) == 2
    assert [a["key"] for a in moded.state()["projects"][DEST_PROJECT]["attributes"]] == ["after_expiry"]


def test_a_second_client_follows_the_pair_the_first_refreshed(moded, tmp_path):
    first, second = client(moded, tmp_path), client(moded, tmp_path)
    first.get("/attributes")
    second.get("/attributes")
    assert "refreshes" not in second.stats, "the stored pair is used"
    first._oauth.expired(first._oauth.current())  # first refreshes (access-1 dies, with revoke_old_access)
    second.get("/events")
    assert [(e["path"], e["access"], e["status"]) for e in api_calls(moded)] == [
        ("/attributes", "access-1", 200), ("/attributes", "access-1", 200), ("/events", "access-2", 200)]
    assert len(spent_as_the_mode_says(moded)) == 2 and "refreshes" not in second.stats


def test_clients_sharing_the_store_refresh_once_per_expiry(moded, tmp_path):
    """Three processes' worth of clients (one TokenSource each, one store) across two expiries."""
    clients = [client(moded, tmp_path) for _n in range(3)]
    errors = []

    def work(c):
        try:
            for _request in range(7):
                c.get("/attributes")
                time.sleep(0.5)
        except Exception as exc:  # reported below, with the log
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    calls = spent_as_the_mode_says(moded)
    assert len(calls) == sum(c.stats.get("refreshes", 0) for c in clients)
    assert 2 <= len(calls) <= 3, "one refresh per expiry for all of them, not one each: %s" % calls
    api = api_calls(moded)
    dead = [e for e in api if e["access_dead"]]
    assert all(e["status"] == 401 for e in dead) and len(dead) <= len(clients) * len(calls), dead
    for e in dead:  # each dead token's 401 is the documented once per client: then the request is re-sent
        assert len([d for d in dead if d["access"] == e["access"]]) <= len(clients)
    assert len([e for e in api if e["status"] == 200]) == 3 * 7


# --------------------------------------------------------------------------- faults of the token endpoint
def faulted(emu, tmp_path, faults, **kw):
    """A client whose back-off waits are recorded (not slept), against ``emu`` with token ``faults``."""
    emu.configure(faults=faults)
    c = client(emu, tmp_path, **kw)
    c.waits = []
    c.sleep = c.waits.append
    return c


@pytest.mark.parametrize("fault", ["token_503", "token_429"])
def test_a_token_endpoint_that_did_not_process_is_asked_again_with_the_back_off(short, tmp_path, fault):
    c = faulted(short, tmp_path, {fault: 2})
    assert len(c.get("/attributes")) == 8
    calls = short.token_calls()
    assert [(e["fault"], e["status"], e.get("issued_access")) for e in calls] == [
        (fault, int(fault[-3:]), None), (fault, int(fault[-3:]), None), (None, 200, "access-1")]
    if fault == "token_429":
        assert c.waits == [1.0, 1.0], "Retry-After honoured"
    else:
        assert len(c.waits) == 2 and all(0 <= w <= c.backoff_base * 2 for w in c.waits)
    assert [(e["access"], e["status"]) for e in api_calls(short)] == [("access-1", 200)]


def test_a_token_endpoint_busy_past_max_retries_is_an_error_that_says_so(short, tmp_path):
    c = faulted(short, tmp_path, {"token_503": 3}, max_retries=2)
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/attributes")
    assert "busy or unavailable (gave up after 3 attempts)" in str(err.value) and err.value.status == 503
    assert len(short.token_calls()) == 3 and api_calls(short) == []


def test_a_500_of_the_token_endpoint_is_sent_again_once(short, tmp_path):
    c = faulted(short, tmp_path, {"token_500": 1})
    c.get("/attributes")
    assert [(e["fault"], e["status"]) for e in short.token_calls()] == [("token_500", 500), (None, 200)]
    assert len(c.waits) == 1
    c = faulted(short, tmp_path / "again", {"token_500": 3})
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/attributes")
    assert err.value.status == 500 and "it answered 500, then it answered 500" in str(err.value)
    assert "may have been rotated by an answer that was lost" in str(err.value)
    assert len(short.token_calls()) == 2 + 2, "sent again once, not more"


@pytest.mark.parametrize("mode", TOKEN_MODES, ids=token_mode_id)
def test_a_refresh_whose_answer_was_lost(tmp_path, mode):
    """The endpoint processes the refresh, then the connection is reset. Sent again: under rotate the
    refresh token spent is dead, and the error says the lost answer most likely rotated it; where the
    endpoint keeps it, the second send gets a pair and the run goes on."""
    with Emulator(seeds=["empty-dest"], rate_limit=0, tmp_path=tmp_path / "emu", **mode) as emu:
        emu.mode = mode
        c = faulted(emu, tmp_path, {"token_lost": 1})

        def calls():
            return [(e["fault"], e["status"], e.get("answered"), e["refresh"], e.get("issued_access"))
                    for e in emu.token_calls()]

        if mode["token_rotation"] == "rotate":
            with pytest.raises(PersonalizeApiError) as err:
                c.get("/attributes")
            text = str(err.value) + repr(err.value)
            assert "rotated by the answer that was lost" in text and "set oauth_refresh_token" in text, text
            assert "invalid_grant" in text and "no answer" in text
            assert not any(t in text for t in c._oauth.secrets()), "no token in the error"
            assert calls() == [("token_lost", None, 200, "seed-dest", "access-1"), (None, 400, None, "seed-dest", None)]
            assert api_calls(emu) == []
        else:
            assert len(c.get("/attributes")) == 8
            assert calls() == [("token_lost", None, 200, "seed-dest", "access-1"), (None, 200, None, "seed-dest", "access-2")]
            assert [(e["access"], e["status"]) for e in api_calls(emu)] == [("access-2", 200)]
            revoked = [e.get("revoked_access") for e in emu.token_calls()]
            assert revoked == [None, "access-1" if mode["revoke_old_access"] else None]
        assert len(c.waits) == 1


def test_two_lost_answers_are_an_error_that_says_the_token_may_be_rotated(tmp_path):
    with Emulator(seeds=["empty-dest"], rate_limit=0, tmp_path=tmp_path / "emu", token_rotation="keep") as emu:
        c = faulted(emu, tmp_path, {"token_lost": 2})
        with pytest.raises(PersonalizeApiError) as err:
            c.get("/attributes")
        text = str(err.value)
        assert err.value.status is None and "may have been rotated by an answer that was lost" in text, text
        assert "if the next run's refresh is refused (invalid_grant), set oauth_refresh_token" in text
        assert not any(t in text for t in c._oauth.secrets())
        assert len(emu.token_calls()) == 2
        assert len(c.get("/attributes")) == 8, "under keep the refresh token still works: a retry succeeds"


def test_the_client_keeps_to_the_rate_when_401s_count_against_it(tmp_path):
    """With auth_counts_in_limit the emulator counts a refused (401) request in the rate limit; the
    client's re-send after the 401 is paced like any attempt, so no 429 comes and no one-second window
    holds more than the rate, 401s included."""
    with Emulator(seeds=["empty-dest"], rate_limit=5, token_lifetime=1.5, tmp_path=tmp_path / "emu", auth_counts_in_limit=True,
                  limiter={"algorithm": "sliding_window"}) as emu:
        assert emu._admin("GET", "/_emulator/config")["auth_counts_in_limit"] is True
        c = client(emu, tmp_path, rate_limit=5)
        c._oauth.clock = lambda: 0.0  # the client cannot see expiries coming: each one costs a 401
        for _request in range(20):
            c.get("/attributes")
        api = api_calls(emu)
    refused = [e for e in api if e["status"] == 401]
    assert len(refused) >= 2 and all(e["arrival"] is not None for e in refused), "the 401s were counted"
    assert [e for e in api if e["status"] == 429] == [] and c.stats["throttled"] == 0
    arrivals = sorted(e["arrival"] for e in api)
    assert max(sum(1 for t in arrivals if a <= t < a + 1.0) for a in arrivals) <= 5
    assert len([e for e in api if e["status"] == 200]) == 20 and c.stats["refreshes"] == len(refused) + 1


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
