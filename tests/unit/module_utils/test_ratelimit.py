"""SharedRateLimiter: the state file, the window rule, sharing between instances and processes.
(Against the server algorithms, on a simulated clock: tests/unit/core/test_pacing.py.)"""

import hashlib
import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils import ratelimit
from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import SharedRateLimiter


class FakeTime:
    """A clock that moves only when somebody sleeps (or a test moves it)."""

    def __init__(self, start=1000.0):
        self.now = start
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        self.now += seconds


def fake(limiter, clock=None):
    clock = clock or FakeTime()
    limiter.clock = clock.clock
    limiter.sleep = clock.sleep
    return clock


def call(lim, clock, answer=0.005):
    """One request: wait for the slot, the answer comes ``answer`` seconds later."""
    ticket = lim.acquire()
    clock.now += answer
    lim.release(ticket)
    return ticket


def test_rate_zero_or_none_is_off(tmp_path):
    for rate in (0, None, 0.0):
        lim = SharedRateLimiter("host|org", rate, directory=str(tmp_path))
        clock = fake(lim)
        assert not lim.enabled
        assert [lim.acquire() for _i in range(5)] == [None] * 5
        assert clock.slept == []
    assert os.listdir(tmp_path) == []


def test_a_window_of_requests_at_once_then_a_window_after_the_first_answer(tmp_path):
    lim = SharedRateLimiter("host|org", 10, directory=str(tmp_path))
    clock = fake(lim)
    for _i in range(10):
        call(lim, clock)
    assert clock.slept == []  # an idle key has its whole window's budget
    call(lim, clock)
    # the first answer came 5 ms after its send: one window (and a millisecond) after that
    assert clock.now - 0.005 == pytest.approx(1000.0 + 0.005 + 1.0 + 0.001)


def test_over_any_long_run_the_rate_is_kept(tmp_path):
    lim = SharedRateLimiter("k", 10, directory=str(tmp_path))
    clock = fake(lim)
    sends = [call(lim, clock).sent for _i in range(100)]
    assert sends[-1] - sends[0] >= 9.0
    assert all(b - a >= 1.0 for a, b in zip(sends, sends[10:]))


def test_a_slow_answer_counts_until_its_answer(tmp_path):
    lim = SharedRateLimiter("k", 2, directory=str(tmp_path))
    clock = fake(lim)
    call(lim, clock, answer=0.002)
    call(lim, clock, answer=2.0)  # it may have reached the server just before its answer
    answered = clock.now
    assert lim.reserve().slot == pytest.approx(answered)  # the first one's window is over
    assert lim.reserve().slot == pytest.approx(answered + 1.001)  # the slow one's window, not its send's


def test_file_is_named_by_sha256_of_key_private(tmp_path):
    d = tmp_path / "dir"
    lim = SharedRateLimiter("personalize-api.contentstack.com|blt123", 4, directory=str(d))
    clock = fake(lim)
    call(lim, clock)
    name = hashlib.sha256(b"personalize-api.contentstack.com|blt123").hexdigest() + ".pace"
    path = d / name
    assert lim.path == str(path) and lim.shared
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "blt123" not in os.listdir(d)[0] and "blt123" not in path.read_text()


def test_default_directory_is_per_user_under_tempdir():
    import tempfile
    d = ratelimit.default_directory()
    assert os.path.dirname(d) == tempfile.gettempdir()
    assert os.path.basename(d) == "contentstack-personalize-%d" % os.getuid()


def test_two_instances_with_one_key_share_the_budget(tmp_path):
    clock = FakeTime()
    a = SharedRateLimiter("h|org", 2, directory=str(tmp_path))
    b = SharedRateLimiter("h|org", 2, directory=str(tmp_path))
    other = SharedRateLimiter("h|other-org", 2, directory=str(tmp_path))
    for lim in (a, b, other):
        fake(lim, clock)
    call(a, clock)
    call(b, clock)
    call(other, clock)  # another organization has its own budget
    assert clock.slept == []
    call(a, clock)  # the third of h|org waits for the window
    assert clock.slept == [pytest.approx(1.0 + 0.001 - 0.01)]


def test_defer_pushes_everybody_back(tmp_path):
    clock = FakeTime()
    a = SharedRateLimiter("h|org", 10, directory=str(tmp_path))
    b = SharedRateLimiter("h|org", 10, directory=str(tmp_path))
    fake(a, clock)
    fake(b, clock)
    a.defer(2.0)
    b.acquire()
    assert clock.slept == [pytest.approx(2.0)]


@pytest.mark.parametrize("content", [b"garbage", b"", b"\xff\xfe", b"%f 0 0 0" % (10 ** 12),
                                     b"5 0 %f 0\n" % (10 ** 12), b"5 0 0 0\nx 1e12\n"])
def test_corrupt_or_far_future_file_is_ignored(tmp_path, content):
    lim = SharedRateLimiter("k", 10, directory=str(tmp_path))
    clock = fake(lim)
    with open(lim.path, "wb") as fh:
        fh.write(content)
    assert lim.acquire() is not None
    assert clock.slept == []


def test_unsafe_directory_falls_back_to_local_pacing(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    lim = SharedRateLimiter("k", 1, directory=str(link))
    assert not lim.shared
    clock = fake(lim)
    call(lim, clock)
    call(lim, clock)
    assert clock.slept == [pytest.approx(1.001)]  # a window after the first answer
    assert os.listdir(real) == []


def test_removed_directory_falls_back_instead_of_failing(tmp_path):
    d = tmp_path / "gone"
    lim = SharedRateLimiter("k", 1, directory=str(d))
    clock = fake(lim)
    os.rmdir(d)
    call(lim, clock)
    call(lim, clock)
    assert not lim.shared
    assert clock.slept == [pytest.approx(1.001)]  # a window after the first answer


WORKER = textwrap.dedent("""
    import sys, time
    from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import SharedRateLimiter
    directory, start, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    lim = SharedRateLimiter("proc-test", 10, directory=directory)
    time.sleep(max(0.0, start - time.time()))
    for _ in range(count):
        # each process prints the slot it was given and when its (instant) answer came back
        ticket = lim.acquire()
        answered = time.time()
        lim.release(ticket)
        print("%.6f %.6f" % (ticket.slot, answered))
""")


def test_separate_processes_share_one_budget(tmp_path):
    """Three processes x 10 requests at 10/s: whatever the machine's load, no 11 slots fall within one
    window of an earlier answer (the rule the server's window needs)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    start = time.time() + 0.8
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), repr(start), "10"],
                              stdout=subprocess.PIPE, text=True, env=env) for _i in range(3)]
    pairs = []
    for p in procs:
        out, _err = p.communicate(timeout=30)
        assert p.returncode == 0
        pairs += [tuple(float(x) for x in line.split()) for line in out.splitlines()]
    assert len(pairs) == 30
    slots = sorted(s for s, _answer in pairs)
    # 30 requests with 10 per window: at least two windows between the first and the last slot
    assert slots[-1] - slots[0] >= 2.0
    for slot, _answer in pairs:
        # the requests whose answers may fall within the window before this slot, this one included
        within = [s for s, answer in pairs if s <= slot and answer > slot - 1.0]
        assert len(within) <= 10
