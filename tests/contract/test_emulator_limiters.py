"""The emulator's limiters: token bucket, sliding window, fixed window; per organization or for the
whole server; competing load; arrival jitter; the Retry-After mix. The algorithms run on a given
clock (no sleeping, no dependence on machine load); the HTTP tests check the options reach them."""

import email.utils
import time

import pytest

from emu_api import Api
from emulator.harness import DEST_PROJECT, DEST_TOKEN, SOURCE_ORG, Emulator, EmulatorError
from emulator.limiters import RateLimiter

DEFAULT_LIMITER = {"algorithm": "token_bucket", "scope": "organization", "competing": 0, "jitter_ms": 0,
                   "retry_after": {"seconds": 1, "none": 1}}


def accepted(limiter, times, key="org"):
    return [limiter.take(key, now=t) is None for t in times]


@pytest.fixture
def limited(emu):
    yield emu
    emu.configure(rate_limit=0, limiter=DEFAULT_LIMITER)


# ------------------------------------------------------------------ the algorithms, on a given clock
def test_token_bucket_lets_a_burst_of_rate_then_refills_at_the_rate():
    lim = RateLimiter(10)
    assert accepted(lim, [100.0] * 11) == [True] * 10 + [False]
    assert lim.take("org", now=100.05) == pytest.approx(0.05)  # half a token there
    assert accepted(lim, [100.1, 100.1]) == [True, False]
    assert accepted(lim, [100.1], key="other") == [True]  # another organization's own bucket


def test_sliding_window_counts_any_one_second_window():
    lim = RateLimiter(10, algorithm="sliding_window")
    assert accepted(lim, [100.0 + 0.05 * i for i in range(10)]) == [True] * 10
    # 0.2 s later the bucket would have 2 tokens; the window still holds ten requests
    assert lim.take("org", now=100.65) == pytest.approx(0.35)
    assert accepted(lim, [100.99, 101.0, 101.001, 101.05]) == [False, True, False, True]


def test_fixed_window_resets_at_each_whole_second():
    lim = RateLimiter(10, algorithm="fixed_window")
    assert accepted(lim, [100.9] * 10 + [100.95]) == [True] * 10 + [False]
    assert lim.take("org", now=100.95) == pytest.approx(0.05)
    # ten more right after the boundary: 20 in 0.2 s, which a sliding window would refuse
    assert accepted(lim, [101.0] * 10 + [101.1]) == [True] * 10 + [False]


@pytest.mark.parametrize("algorithm", ["token_bucket", "sliding_window", "fixed_window"])
def test_server_scope_shares_one_budget_between_organizations(algorithm):
    lim = RateLimiter(4, algorithm=algorithm, scope="server")
    assert [lim.take(k, now=100.25) is None for k in ("a", "b", "a", "b", "c")] == [True] * 4 + [False]


@pytest.mark.parametrize("algorithm", ["token_bucket", "sliding_window", "fixed_window"])
def test_competing_load_takes_its_share_of_the_budget(algorithm):
    lim = RateLimiter(10, algorithm=algorithm, competing=3)
    assert lim.take("org", now=100.0) is None  # first use: the competitor starts now too
    # Ours one every 50 ms for 12 s: after the first second, 7 per second are left for us.
    times = [100.0 + 0.05 * i for i in range(1, 241)]
    ok = [t for t, good in zip(times, accepted(lim, times)) if good and t >= 102.0]
    assert 68 <= len(ok) <= 72


@pytest.mark.parametrize("algorithm", ["token_bucket", "sliding_window", "fixed_window"])
def test_a_refused_request_is_not_counted(algorithm):
    lim = RateLimiter(2, algorithm=algorithm)
    assert accepted(lim, [100.0, 100.0, 100.0, 100.0]) == [True, True, False, False]
    assert accepted(lim, [101.0, 101.0, 101.0]) == [True, True, False]


# ------------------------------------------------------------------ over HTTP
def test_limiter_config_round_trip_and_bad_values(limited):
    view = limited.configure(limiter={"algorithm": "sliding_window", "scope": "server", "competing": 2,
                                      "jitter_ms": 5, "retry_after": {"date": 1, "seconds": 2}})
    assert view["limiter"] == {"algorithm": "sliding_window", "scope": "server", "competing": 2.0,
                               "jitter_ms": 5.0, "retry_after": {"seconds": 2, "date": 1}}
    for bad in ({"algorithm": "leaky"}, {"scope": "project"}, {"competing": -1}, {"jitter_ms": "5"},
                {"retry_after": {"sometimes": 1}}, {"retry_after": {"none": 0}}, {"burst": 3}):
        with pytest.raises(EmulatorError) as err:
            limited.configure(limiter=bad)
        assert "400" in str(err.value) and "limiter" in str(err.value)


def test_sliding_window_over_http_refuses_what_the_bucket_would_let_through(limited, api):
    limited.configure(rate_limit=5, limiter={"algorithm": "sliding_window", "retry_after": {"seconds": 1}})
    codes = [api.get("/events").status_code for _i in range(6)]
    assert codes == [200] * 5 + [429]
    time.sleep(0.3)  # a bucket would have a token again; the window has not moved past the five
    r = api.get("/events")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 1


def test_retry_after_mix_seconds_date_none(limited, api):
    limited.configure(rate_limit=1, limiter={"algorithm": "fixed_window",
                                             "retry_after": {"seconds": 1, "date": 1, "none": 1}})
    api.get("/events")
    headers = []
    for _i in range(3):
        r = api.get("/events")
        if r.status_code == 429:
            headers.append(r.headers.get("Retry-After"))
    if len(headers) < 3:  # the second turned over between two requests: one more round
        pytest.skip("a second boundary fell between the requests")
    seconds, date, none = headers
    assert int(seconds) >= 1
    assert email.utils.parsedate_to_datetime(date).timestamp() >= time.time()
    assert none is None


def test_server_scope_over_http_and_the_arrival_in_the_log(limited, api):
    limited.configure(rate_limit=3, limiter={"algorithm": "sliding_window", "scope": "server"})
    other = Api(limited.url, token=DEST_TOKEN, project=DEST_PROJECT)
    mark = limited.mark()
    codes = [api.get("/events").status_code, other.get("/events").status_code,
             api.get("/events").status_code, other.get("/events").status_code]
    assert codes == [200, 200, 200, 429]
    log = limited.log(mark)
    assert all(e["ts"] <= e["arrival"] for e in log)
    assert log[0]["org"] == SOURCE_ORG


def test_jitter_delays_the_arrival_at_the_limiter(limited, api):
    limited.configure(rate_limit=100, limiter={"jitter_ms": 40})
    mark = limited.mark()
    for _i in range(10):
        assert api.get("/events").status_code == 200
    delays = [e["arrival"] - e["ts"] for e in limited.log(mark)]
    assert all(0 <= d for d in delays)
    assert max(delays) > 0.005  # ten draws from 0-40 ms: at least one above 5 ms


def test_limiter_from_the_command_line(tmp_path):
    with Emulator(seeds=["retail"], rate_limit=2, tmp_path=tmp_path,
                  limiter={"algorithm": "fixed_window", "competing": 1}) as emu:
        assert emu.state()["config"]["limiter"]["algorithm"] == "fixed_window"
        assert emu.state()["config"]["limiter"]["competing"] == 1.0
