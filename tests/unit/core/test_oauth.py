"""The OAuth token source (module_utils/oauth.py) with a fake token endpoint and a fake clock.

No server: the transport is a function that rotates refresh tokens as the real endpoint does (the
one spent dies), so a test sees at once when a refresh token would be spent twice."""

import os
import stat
import threading

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils import oauth
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError

URL = "https://eu-developerhub-api.contentstack.com/token"
CLIENT = "app-client-1"
SEED = "rt-seed-0000"


ROTATIONS = ("rotate", "keep", "omit")


class Endpoint:
    """A token endpoint: ``lifetime`` seconds per access token. ``rotation`` as the emulator's
    ``token_rotation``: ``rotate`` (refresh tokens single-use, each answer a new one), ``keep`` (the
    answer repeats the one spent, still valid), ``omit`` (the answer has none; the one spent stays valid)."""

    def __init__(self, lifetime=3600, seed=SEED, rotation="rotate"):
        self.alive = {seed}
        self.spent = []
        self.forms = []
        self.n = 0
        self.lifetime = lifetime
        self.rotation = rotation
        self.lock = threading.Lock()

    def __call__(self, url, form):
        with self.lock:
            assert url == URL
            self.forms.append(dict(form))
            token = form["refresh_token"]
            self.spent.append(token)
            if form["client_id"] != CLIENT:
                return 401, {"error": "invalid_client"}
            if token not in self.alive:
                return 400, {"error": "invalid_grant", "error_description": "token %s is dead" % token}
            self.n += 1
            answer = {"access_token": "at-%d" % self.n, "expires_in": self.lifetime}
            if self.rotation == "rotate":
                self.alive.discard(token)
                self.alive.add("rt-%d" % self.n)
                answer["refresh_token"] = "rt-%d" % self.n
            elif self.rotation == "keep":
                answer["refresh_token"] = token
            return 200, answer


def spent_chain(rotation, refreshes):
    """The refresh tokens a source spends in ``refreshes`` refreshes: each answer's under rotate, else the seed."""
    if rotation == "rotate":
        return [SEED] + ["rt-%d" % n for n in range(1, refreshes)]
    return [SEED] * refreshes


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def source(tmp_path, endpoint, clock=None, refresh_token=SEED, **kw):
    return oauth.TokenSource(URL, kw.pop("client_id", CLIENT), refresh_token, directory=str(tmp_path),
                             transport=endpoint, clock=clock or Clock(), **kw)


def test_the_first_call_refreshes_and_the_pair_is_kept_private(tmp_path):
    endpoint = Endpoint()
    src = source(tmp_path, endpoint, client_secret="shh-secret", redirect_uri="https://app.example/cb")
    assert src.current() == "at-1" and src.current() == "at-1"
    assert endpoint.forms == [{"grant_type": "refresh_token", "refresh_token": SEED, "client_id": CLIENT,
                               "client_secret": "shh-secret", "redirect_uri": "https://app.example/cb"}]
    assert src.refreshes == 1
    folder = tmp_path / "oauth"
    assert stat.S_IMODE(os.stat(str(folder)).st_mode) == 0o700
    pair = folder / (oauth.digest(URL, CLIENT, SEED) + ".json")
    assert stat.S_IMODE(pair.stat().st_mode) == 0o600
    for path in folder.iterdir():  # no token in any name
        assert not any(t in path.name for t in (SEED, "at-1", "rt-1", CLIENT, "shh-secret"))
    assert set(src.secrets()) >= {SEED, "at-1", "rt-1", "shh-secret"}


def test_a_configured_access_token_is_used_first(tmp_path):
    endpoint = Endpoint()
    src = source(tmp_path, endpoint, access_token="at-given")
    assert src.current() == "at-given" and endpoint.forms == []


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_refreshed_before_use_within_a_minute_of_expiry(tmp_path, rotation):
    clock = Clock()
    endpoint = Endpoint(lifetime=3600, rotation=rotation)
    src = source(tmp_path, endpoint, clock)
    assert src.current() == "at-1"
    clock.now += 3600 - 61
    assert src.current() == "at-1"
    clock.now += 2
    assert src.current() == "at-2"
    clock.now += 3600
    assert src.current() == "at-3"
    assert endpoint.spent == spent_chain(rotation, 3)


def test_a_short_lifetime_refreshes_at_a_fifth_before_its_end():
    assert oauth.early(3600) == 60 and oauth.early(10) == 2.0 and oauth.early(None) == 60
    assert oauth.usable({"access_token": "a", "expires_at": 110, "lifetime": 10}, 107.9)
    assert not oauth.usable({"access_token": "a", "expires_at": 110, "lifetime": 10}, 108.1)


def test_a_refused_token_adopts_the_newer_stored_pair_without_refreshing(tmp_path):
    endpoint, clock = Endpoint(), Clock()
    first, second = source(tmp_path, endpoint, clock), source(tmp_path, endpoint, clock)
    assert first.current() == "at-1"
    assert second.current() == "at-1", "the second process finds the stored pair"
    assert first.expired("at-1") == ("at-2", True)
    # the second process was refused with at-1 too: it takes at-2 from the store, no refresh
    assert second.expired("at-1") == ("at-2", False)
    assert endpoint.spent == [SEED, "rt-1"] and second.refreshes == 0


def test_a_pair_written_by_another_process_is_followed_before_each_request(tmp_path):
    endpoint, clock = Endpoint(), Clock()
    first, second = source(tmp_path, endpoint, clock), source(tmp_path, endpoint, clock)
    assert first.current() == second.current() == "at-1"
    first.expired("at-1")
    assert second.current() == "at-2"


def test_newest_takes_a_pair_another_process_wrote_without_refreshing(tmp_path):
    endpoint, clock = Endpoint(), Clock()
    first, second = source(tmp_path, endpoint, clock), source(tmp_path, endpoint, clock)
    assert first.current() == second.current() == "at-1"
    assert second.newest("at-1") == "at-1"
    first.expired("at-1")
    assert second.newest("at-1") == "at-2" and second.refreshes == 0 and endpoint.spent == [SEED, "rt-1"]


def test_a_rerun_with_the_rotated_away_configured_token_starts_from_the_stored_pair(tmp_path):
    endpoint, clock = Endpoint(lifetime=100), Clock()
    assert source(tmp_path, endpoint, clock).current() == "at-1"
    clock.now += 1000  # the next day's run: the stored access token has expired
    again = source(tmp_path, endpoint, clock)  # configured with SEED, which is dead now
    assert again.current() == "at-2"
    assert endpoint.spent == [SEED, "rt-1"], "the stored refresh token is spent, not the dead configured one"


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_threads_of_one_process_and_many_sources_refresh_once(tmp_path, rotation):
    endpoint, clock = Endpoint(rotation=rotation), Clock()
    sources = [source(tmp_path, endpoint, clock) for _source in range(8)]
    got = []
    threads = [threading.Thread(target=lambda s=s: got.append(s.current())) for s in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == ["at-1"] * 8 and endpoint.spent == [SEED]
    got = []
    threads = [threading.Thread(target=lambda s=s: got.append(s.expired("at-1")[0])) for s in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == ["at-2"] * 8 and endpoint.spent == spent_chain(rotation, 2), "one refresh for all"


def test_the_identity_is_stable_across_refreshes_and_holds_no_token(tmp_path):
    src = source(tmp_path, Endpoint())
    before = src.identity()
    src.current()
    src.expired("at-1")
    assert src.identity() == before
    assert SEED not in before and "at-" not in before and URL in before and CLIENT in before


@pytest.mark.parametrize("client_id, refresh_token, words", [
    (CLIENT, "rt-dead", ["invalid_grant", "refresh token is dead or was rotated", "oauth_refresh_token",
                         "CONTENTSTACK_OAUTH_REFRESH_TOKEN"]),
    ("not-the-app", SEED, ["invalid_client", "oauth_client_id", "oauth_client_secret"]),
])
def test_refusals_name_the_option_and_no_secret(tmp_path, client_id, refresh_token, words):
    src = source(tmp_path, Endpoint(), refresh_token=refresh_token, client_id=client_id, client_secret="shh-secret")
    with pytest.raises(PersonalizeApiError) as info:
        src.current()
    text = str(info.value)
    assert all(w in text for w in words), text
    assert refresh_token not in text and "shh-secret" not in text and client_id not in text
    assert info.value.method == "POST" and info.value.path == URL


def test_an_answer_without_an_access_token_is_an_error(tmp_path):
    src = source(tmp_path, lambda url, form: (200, {"token_type": "Bearer"}))
    with pytest.raises(Exception, match="without an access_token"):
        src.current()


def test_without_a_safe_directory_the_pair_stays_in_the_process(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    endpoint = Endpoint()
    src = oauth.TokenSource(URL, CLIENT, SEED, directory=str(blocker), transport=endpoint, clock=Clock())
    assert not src.store.shared
    assert src.current() == "at-1" and src.expired("at-1") == ("at-2", True)
    assert endpoint.spent == [SEED, "rt-1"], "the in-process pair's refresh token is spent next"


def test_says_expired_reads_the_apis_words():
    assert oauth.says_expired('{"error_message": "The provided access token is invalid or expired"}')
    assert not oauth.says_expired('{"message": "You\'re not allowed in here unless you\'re logged in."}')
