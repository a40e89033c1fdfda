"""The client's limiter against each server algorithm, on a simulated clock (no sleeping).

Several limiter instances on one key and one directory stand for several processes (the file is
real, the clock is not). The server is the emulator's limiter (tests/emulator/limiters.py): a token
bucket, a sliding one-second window or a fixed window, with arrival jitter and a competing load.
"""

import heapq
import os
import random
import sys

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import (
    PaceState, SharedRateLimiter,
)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from emulator.limiters import ALGORITHMS, RateLimiter  # noqa: E402

START = 1000.0


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


def simulate(tmp_path, algorithm, processes=1, seconds=30.0, jitter=0.020, competing=0.0, rate=10,
             pauses=None, seed=1):
    """Each process sends its next request as soon as its previous answer is back (and the limiter
    lets it). ``pauses``: {process: (at, seconds)}, a pause between tasks. Returns the arrivals of
    accepted requests and the count of 429 answers."""
    clock, rng = Clock(), random.Random(seed)
    server = RateLimiter(rate, algorithm=algorithm, competing=competing, clock=clock)
    limiters = []
    for _i in range(processes):
        lim = SharedRateLimiter("host|org", rate, directory=str(tmp_path))
        lim.clock = clock
        limiters.append(lim)
    events = [(START, i, "ready", None) for i in range(processes)]
    heapq.heapify(events)
    accepted, refused, paused = [], 0, dict(pauses or {})
    while events:
        at, who, what, ticket = heapq.heappop(events)
        clock.now = at
        lim = limiters[who]
        if at >= START + seconds:
            continue
        if what == "ready":
            pause = paused.get(who)
            if pause and at >= START + pause[0]:
                del paused[who]
                heapq.heappush(events, (at + pause[1], who, "ready", None))
                continue
            ticket = lim.reserve()
            if ticket is None:  # a window's worth on its way: acquire() polls at half an interval
                heapq.heappush(events, (at + 0.5 / rate, who, "ready", None))
                continue
            heapq.heappush(events, (max(at, ticket.slot), who, "send", ticket))
        elif what == "send":
            ticket.sent = at
            arrival = at + rng.uniform(0, jitter)
            clock.now = arrival
            wait = server.take("org")
            outcome = "ok" if wait is None else "429"
            if wait is None:
                accepted.append(arrival)
            heapq.heappush(events, (arrival + rng.uniform(0.002, 0.030), who, outcome, ticket))
        else:
            lim.release(ticket)
            if what == "429":
                refused += 1
                heapq.heappush(events, (at + lim.throttled(ticket, None), who, "ready", None))
            else:
                heapq.heappush(events, (at, who, "ready", None))
    return accepted, refused


def busiest_window(arrivals, window=1.0):
    arrivals = sorted(arrivals)
    best, j = 0, 0
    for i, t in enumerate(arrivals):
        while arrivals[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


@pytest.mark.parametrize("processes", [1, 4, 10, 20])
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_no_429_and_near_the_rate_under_each_server_algorithm(tmp_path, algorithm, processes):
    accepted, refused = simulate(tmp_path, algorithm, processes=processes)
    assert refused == 0
    assert busiest_window(accepted) <= 10
    # 30 s at 10 per second: the arrivals' windows cost the answer's time, a few percent at most
    assert len(accepted) >= 0.95 * 300


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_a_pause_between_tasks_keeps_the_budget(tmp_path, algorithm):
    """After a pause the whole window's budget goes at once, as the server allows it."""
    paused, refused = simulate(tmp_path, algorithm, processes=2, seconds=12.0, pauses={0: (5.0, 3.0), 1: (5.0, 3.0)})
    assert refused == 0
    after = [t for t in paused if START + 8.0 <= t < START + 8.5]
    assert len(after) >= 8  # not spread at 1/rate after the pause


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_competing_load_few_429_and_most_of_the_budget_left(tmp_path, algorithm):
    accepted, refused = simulate(tmp_path, algorithm, processes=3, seconds=60.0, competing=3.0)
    assert refused <= 0.05 * len(accepted)
    # 7 per second are left: the client gets most of it, after the first second's full budget
    assert len(accepted) >= 0.8 * 7 * 60


def test_a_429_lowers_the_rate_once_for_all_processes_and_it_recovers_slowly(tmp_path):
    clock = Clock()
    a, b = (SharedRateLimiter("h|org", 10, directory=str(tmp_path)) for _i in range(2))
    a.clock = b.clock = clock
    ta, tb = a.reserve(), b.reserve()
    clock.now += 0.01
    assert a.throttled(ta, None) == 1.0  # no Retry-After: one window
    assert b.throttled(tb, 2.0) == 2.0   # another worker's 429 from the same moment
    assert a.current_rate() == pytest.approx(9.0)  # lowered once, not twice
    # the key is paused for everybody until the longer of the two pauses, once
    assert b.reserve().slot == pytest.approx(clock.now + 2.0)
    clock.now += 5.0
    assert a.current_rate() == pytest.approx(9.5)  # one request per window every 10 windows
    clock.now += 60.0
    assert a.current_rate() == 10.0


def test_several_429_in_a_row_lower_the_rate_multiplicatively(tmp_path):
    clock = Clock()
    lim = SharedRateLimiter("h|org", 10, directory=str(tmp_path))
    lim.clock = clock
    for _i in range(3):
        ticket = lim.reserve()
        ticket.sent = clock.now = clock.now + 0.001
        lim.throttled(ticket, 0)
    assert lim.current_rate() == pytest.approx(10 * 0.9 ** 3, abs=0.01)


def test_capacity_and_window_below_one_request_per_second():
    assert PaceState.capacity_of(10) == (10, 1.0)
    assert PaceState.capacity_of(7.5) == (7, 1.0)
    assert PaceState.capacity_of(0.5) == (1, 2.0)


def test_an_unanswered_request_counts_in_every_window(tmp_path):
    clock = Clock()
    lim = SharedRateLimiter("h|org", 2, directory=str(tmp_path))
    lim.clock = clock
    first = lim.reserve()
    lim.release(lim.reserve())
    clock.now += 5.0  # the first is still on its way: it may arrive in any window
    second = lim.reserve()
    assert second.slot == pytest.approx(clock.now)
    assert lim.reserve() is None  # two on their way: no slot until an answer
    lim.release(first)
    assert lim.reserve().slot == pytest.approx(clock.now + 1.001)
    lim.release(second)


def test_file_holds_no_key_and_survives_garbage(tmp_path):
    lim = SharedRateLimiter("host.example|bltsecretorg", 10, directory=str(tmp_path))
    lim.release(lim.acquire())
    (name,) = os.listdir(str(tmp_path))
    content = (tmp_path / name).read_text()
    assert "bltsecretorg" not in name + content and "host.example" not in name + content
    (tmp_path / name).write_text("garbage\n1 2\n")
    assert lim.reserve().slot <= lim.clock() + 0.01
