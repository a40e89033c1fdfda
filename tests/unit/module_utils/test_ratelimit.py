"""SharedRateLimiter: the schedule file, spacing, sharing between instances and processes."""

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
    """A clock that only moves when somebody sleeps."""

    def __init__(self, start=1000.0):
        self.now = start
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))


def fake(limiter, clock=None):
    clock = clock or FakeTime()
    limiter.clock = clock.clock
    limiter.sleep = clock.sleep
    return clock


def test_rate_zero_or_none_is_off(tmp_path):
    for rate in (0, None, 0.0):
        lim = SharedRateLimiter("host|org", rate, directory=str(tmp_path))
        clock = fake(lim)
        assert not lim.enabled
        assert [lim.acquire() for _i in range(5)] == [0.0] * 5
        assert clock.slept == []
    assert os.listdir(tmp_path) == []


def test_slots_are_spaced_by_one_over_rate(tmp_path):
    lim = SharedRateLimiter("host|org", 10, directory=str(tmp_path), burst=1)
    clock = fake(lim)
    for _i in range(4):
        lim.acquire()
    assert clock.slept == [0.1, 0.2, 0.3]
    assert lim.waited == pytest.approx(0.6)


def test_default_burst_is_half_a_second_of_the_rate(tmp_path):
    assert SharedRateLimiter("k", 10, directory=str(tmp_path)).burst == 5
    assert SharedRateLimiter("k", 1, directory=str(tmp_path)).burst == 1
    assert SharedRateLimiter("k", 3, directory=str(tmp_path), burst=0).burst == 1


def test_burst_requests_go_at_once_then_the_rate_holds(tmp_path):
    lim = SharedRateLimiter("k", 10, directory=str(tmp_path), burst=5)
    clock = fake(lim)
    for _i in range(8):
        lim.acquire()
    # five at once, then one every 0.1 s (the clock does not move: the sleeps are offsets)
    assert clock.slept == [0.1, 0.2, 0.3]


def test_idle_time_is_banked_up_to_the_burst_only(tmp_path):
    lim = SharedRateLimiter("k", 10, directory=str(tmp_path), burst=3)
    clock = fake(lim)
    for _i in range(3):
        lim.acquire()
    clock.now += 0.15  # a short pause (between two tasks): banks one slot and a half
    lim.acquire()
    lim.acquire()
    assert clock.slept == [0.05]
    clock.now += 5.0  # a long pause banks no more than the burst
    for _i in range(4):
        lim.acquire()
    assert clock.slept == [0.05, 0.1]


def test_over_any_long_run_the_rate_is_kept(tmp_path):
    lim = SharedRateLimiter("k", 10, directory=str(tmp_path), burst=5)
    clock = fake(lim)
    for _i in range(100):
        lim.acquire()
    # 100 requests: the first 5 at once, then 95 more at 0.1 s intervals
    assert max(clock.slept) == pytest.approx(9.5)


def test_file_is_named_by_sha256_of_key_private_and_holds_next_slot(tmp_path):
    d = tmp_path / "dir"
    lim = SharedRateLimiter("personalize-api.contentstack.com|blt123", 4, directory=str(d))
    clock = fake(lim)
    lim.acquire()
    name = hashlib.sha256(b"personalize-api.contentstack.com|blt123").hexdigest() + ".slot"
    path = d / name
    assert lim.path == str(path) and lim.shared
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert float(path.read_text()) == pytest.approx(clock.now + 0.25)  # the schedule after one call
    assert "blt123" not in os.listdir(d)[0]


def test_default_directory_is_per_user_under_tempdir():
    import tempfile
    d = ratelimit.default_directory()
    assert os.path.dirname(d) == tempfile.gettempdir()
    assert os.path.basename(d) == "contentstack-personalize-%d" % os.getuid()


def test_two_instances_with_one_key_share_the_schedule(tmp_path):
    clock = FakeTime()
    a = SharedRateLimiter("h|org", 10, directory=str(tmp_path), burst=1)
    b = SharedRateLimiter("h|org", 10, directory=str(tmp_path), burst=1)
    other = SharedRateLimiter("h|other-org", 10, directory=str(tmp_path), burst=1)
    for lim in (a, b, other):
        fake(lim, clock)
    a.acquire()
    b.acquire()
    a.acquire()
    other.acquire()  # another organization has its own budget
    assert clock.slept == [0.1, 0.2]


def test_defer_pushes_everybody_back(tmp_path):
    clock = FakeTime()
    a = SharedRateLimiter("h|org", 10, directory=str(tmp_path))
    b = SharedRateLimiter("h|org", 10, directory=str(tmp_path))
    fake(a, clock)
    fake(b, clock)
    a.defer(2.0)
    b.acquire()
    assert clock.slept == [pytest.approx(2.0)]


@pytest.mark.parametrize("content", [b"garbage", b"", b"\xff\xfe", b"%f" % (10 ** 12)])
def test_corrupt_or_far_future_file_is_ignored(tmp_path, content):
    lim = SharedRateLimiter("k", 10, directory=str(tmp_path))
    clock = fake(lim)
    with open(lim.path, "wb") as fh:
        fh.write(content)
    assert lim.acquire() == 0.0
    assert clock.slept == []


def test_unsafe_directory_falls_back_to_local_pacing(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    lim = SharedRateLimiter("k", 10, directory=str(link), burst=1)
    assert not lim.shared
    clock = fake(lim)
    lim.acquire()
    lim.acquire()
    assert clock.slept == [0.1]
    assert os.listdir(real) == []


def test_removed_directory_falls_back_instead_of_failing(tmp_path):
    d = tmp_path / "gone"
    lim = SharedRateLimiter("k", 10, directory=str(d), burst=1)
    clock = fake(lim)
    os.rmdir(d)
    lim.acquire()
    lim.acquire()
    assert not lim.shared
    assert clock.slept == [0.1]


WORKER = textwrap.dedent("""
    import sys, time
    from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import SharedRateLimiter
    directory, start, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    lim = SharedRateLimiter("proc-test", 50, directory=directory, burst=1)
    time.sleep(max(0.0, start - time.time()))
    for _ in range(count):
        # acquire(), printing the slot this process was given (wall-clock wake-ups are noisy)
        now = lim.clock()
        slot = lim._take(now)
        lim.sleep(max(0.0, slot - now))
        print("%.6f" % slot)
""")


def test_separate_processes_share_one_budget(tmp_path):
    """Three processes x 10 acquires at 50/s: the 30 slots they get are 1/50 s apart, none shared."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    start = time.time() + 0.8
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), repr(start), "10"],
                              stdout=subprocess.PIPE, text=True, env=env) for _i in range(3)]
    stamps = []
    for p in procs:
        out, _err = p.communicate(timeout=30)
        assert p.returncode == 0
        stamps += [float(x) for x in out.split()]
    stamps.sort()
    assert len(stamps) == 30
    assert stamps[-1] - stamps[0] >= 29 / 50.0 - 0.02
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    # no two processes ever got the same slot: every slot is one interval after the previous one
    assert min(gaps) >= 1 / 50.0 - 1e-5
