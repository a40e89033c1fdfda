# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cross-process request pacing for the Personalize Management API (FOR INTERNAL COLLECTION USE ONLY).

The reference says "10 requests per second per organization", shared by every client of that
organization. A server may count that with a token bucket, a sliding one-second window or a fixed
window aligned to the second. The one rule that all three accept is the strictest: **no more than
``rate`` requests arrive in any one-second window**. ``SharedRateLimiter`` keeps to it, across
processes (Ansible forks a process per task and per host), as the server will count it:

* A request may arrive at the server any time between its send and its answer. The limiter keeps
  the latest arrival bound of each recent request, ``end``: open while it is on its way (it may
  arrive any time), then the answer's time. That bound holds whatever the network's delay, its
  jitter or the server's load; the margin it costs is the round trip, and only when the budget is
  used to the full by parallel workers (a window then lasts a second plus one answer's time).
* A request may be sent at ``t`` only if fewer than ``capacity`` requests have ``end > t - window``.
  Then no one-second window at the server ever holds more than ``capacity`` arrivals (whichever
  request arrives last in it was sent after all the others, which could only arrive after
  ``t - window``). Budget left unused during a pause between tasks is there again at once, as it
  is at the server: ten requests may go at once after a quiet second.
* Adaptive, for the budget that others share: a 429 lowers the key's rate by one request per window
  (x 0.9 at 10 per second), at most once per rate (a 429 of a request sent before the last decrease
  does not count again); the rate recovers by one request per window every ``capacity`` windows
  (10 s at 10 per second) while no 429 comes. A 429 pauses the key for every process: for its
  Retry-After, or for one window when it has none.

State per key lives in a small file in a per-user directory, ``<tempdir>/contentstack-personalize-<uid>/``,
mode 0700, named by the sha256 of the key (no uid, host or credential in file names or contents),
read and written under ``fcntl.flock``; the sleep happens outside the lock. Where a shared file
cannot be used (no ``fcntl``, an unsafe directory), pacing falls back to this process alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import math
import os
import random
import stat
import tempfile
import threading
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None
    HAS_FCNTL = False

# The reference's window: a rate is "per second".
WINDOW = 1.0
# The arrival bound of a request still on its way (or waiting for its slot): later than any window.
_OPEN = 120.0
# State further in the future than this is treated as garbage (clock jump, corrupt file).
_MAX_AHEAD = 600.0
# Ties at the server's window edge: send a millisecond after the edge, not on it.
_EDGE = 0.001
_MAX_FILE = 65536


def default_directory():
    """The per-user directory that holds the schedule files."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return os.path.join(tempfile.gettempdir(), "contentstack-personalize-%s" % uid)


def safe_directory(path):
    """Create ``path`` (0700) and check it is a real directory owned by this user."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    if info.st_mode & 0o022:
        # Somebody else could swap our files: tighten it if we can, else give up sharing.
        try:
            os.chmod(path, 0o700)
        except OSError:
            return False
    return True


class PaceState:
    """One key's shared state: the adaptive rate, the pause, the recent requests' arrival bounds.

    ``rate`` is the rate in force since ``changed``: it recovers linearly from there to ``limit``.
    ``ends`` maps a request id to its latest possible arrival time.
    """

    def __init__(self, limit, rate=None, changed=0.0, paused_until=0.0, ends=None):
        self.limit = limit
        self.rate = limit if rate is None else rate
        self.changed = changed
        self.paused_until = paused_until
        self.ends = dict(ends or {})

    def answered(self, ident, now):
        """The answer of ``ident`` is back at ``now``: it reached the server by then."""
        if ident in self.ends:
            self.ends[ident] = now

    @staticmethod
    def capacity_of(rate):
        """Requests per window at ``rate``, and the window: at least one second, longer below 1/s."""
        capacity = max(1, int(math.floor(rate * WINDOW + 1e-9)))
        return capacity, max(WINDOW, capacity / rate)

    def recovery(self):
        """Requests per second regained per second: one request per window every ``capacity`` windows."""
        capacity, window = self.capacity_of(self.limit)
        return 1.0 / (window * capacity * window)

    def rate_at(self, now):
        if self.rate >= self.limit:
            return self.limit
        return min(self.limit, self.rate + self.recovery() * max(0.0, now - self.changed))

    def next_slot(self, now):
        """The earliest send time at or after ``now`` that keeps every window within capacity, or
        None while a window's worth of requests is still on its way (wait for an answer)."""
        capacity, window = self.capacity_of(self.rate_at(now))
        start = max(now, self.paused_until)
        ends = sorted(self.ends.values(), reverse=True)
        if len(ends) < capacity:
            return start
        if ends[capacity - 1] > now + _OPEN / 2:
            return None
        return max(start, ends[capacity - 1] + window + _EDGE)

    def prune(self, now):
        """Forget requests that no window from now on can count (and any far-future garbage)."""
        _capacity, window = self.capacity_of(min(self.rate_at(now), self.limit))
        keep = dict((k, v) for k, v in self.ends.items() if now - 2 * window - 1.0 < v < now + _MAX_AHEAD)
        if len(keep) > 4 * self.capacity_of(self.limit)[0] + 16:
            newest = sorted(keep.items(), key=lambda kv: kv[1], reverse=True)[:4 * self.capacity_of(self.limit)[0] + 16]
            keep = dict(newest)
        self.ends = keep
        if not now - _MAX_AHEAD < self.paused_until < now + _MAX_AHEAD:
            self.paused_until = 0.0
        if not now - _MAX_AHEAD < self.changed <= now + 1.0:
            self.rate, self.changed = self.limit, 0.0

    def lower(self, now, sent):
        """A 429 of a request sent at ``sent``: one request per window less, once per rate."""
        if sent < self.changed:
            return False
        current = self.rate_at(now)
        capacity, _window = self.capacity_of(self.limit)
        floor = min(self.limit, 1.0 / WINDOW)
        self.rate = max(floor, current * (1.0 - 1.0 / capacity)) if capacity > 1 else max(floor, current / 2.0)
        self.changed = now
        return True

    def dump(self):
        lines = ["%.6f %.6f %.6f" % (self.rate, self.changed, self.paused_until)]
        lines += ["%s %.6f" % (k, v) for k, v in sorted(self.ends.items(), key=lambda kv: kv[1])]
        return ("\n".join(lines) + "\n").encode("ascii")

    @classmethod
    def load(cls, raw, limit):
        """Parse a file's content; anything unreadable gives a fresh state."""
        try:
            lines = raw.decode("ascii").split("\n")
            rate, changed, paused = (float(x) for x in lines[0].split())
            ends = {}
            for line in lines[1:]:
                if line.strip():
                    key, value = line.split()
                    ends[key] = float(value)
        except (UnicodeDecodeError, ValueError, IndexError):
            return cls(limit)
        if not 0 < rate <= limit or any(math.isnan(x) for x in (rate, changed, paused)):
            return cls(limit)
        return cls(limit, rate, changed, paused, ends)


class Ticket:
    """One paced request: its id in the shared state, when it was sent."""

    def __init__(self, ident, slot):
        self.id = ident
        self.slot = slot
        self.sent = slot


class SharedRateLimiter:
    """Pace calls to at most ``rate`` per window across all processes that share ``key``.

    ``rate`` of 0 or None switches pacing off. ``sleep`` and ``clock`` are attributes so tests
    can replace them.
    """

    def __init__(self, key, rate, directory=None):
        self.key = key
        self.rate = float(rate) if rate else 0.0
        self.sleep = time.sleep
        self.clock = time.time
        self.waited = 0.0
        self._local_lock = threading.Lock()
        self._local = None
        self._random = random.Random()
        self.path = None
        if self.rate > 0 and HAS_FCNTL:
            directory = directory or default_directory()
            if safe_directory(directory):
                digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
                self.path = os.path.join(directory, digest + ".pace")

    @property
    def enabled(self):
        return self.rate > 0

    @property
    def shared(self):
        """True when the state is shared with other processes through the lock file."""
        return self.path is not None

    def _update(self, step):
        """``step(state, now) -> result`` on the key's state, read and written back under the lock."""
        try:
            return self._update_shared(step)
        except OSError:
            # The shared file failed us (disk full, removed directory...): pace locally.
            self.path = None
            return self._update_shared(step)

    def _update_shared(self, step):
        if self.path is None:
            with self._local_lock:
                if self._local is None:
                    self._local = PaceState(self.rate)
                now = self.clock()
                self._local.prune(now)
                return step(self._local, now)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                state = PaceState.load(os.read(fd, _MAX_FILE), self.rate)
                now = self.clock()
                state.prune(now)
                result = step(state, now)
                data = state.dump()
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, data)
                os.ftruncate(fd, len(data))
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        return result

    def reserve(self):
        """Take the next free slot in the shared state (without waiting): a Ticket; None when a
        window's worth of requests is on its way (ask again after an answer)."""
        ident = "%x" % self._random.getrandbits(48)

        def step(state, now):
            slot = state.next_slot(now)
            if slot is None:
                return None
            state.ends[ident] = slot + _OPEN
            return Ticket(ident, slot)
        return self._update(step)

    def acquire(self):
        """Wait for, and use, the next free slot. Returns the Ticket to give to ``release``
        (None when pacing is off)."""
        if not self.enabled:
            return None
        ticket = self.reserve()
        while ticket is None:
            # Every slot of the window is taken by requests on their way: poll at half an interval.
            self.waited += 0.5 / self.rate
            self.sleep(0.5 / self.rate)
            ticket = self.reserve()
        delay = ticket.slot - self.clock()
        if delay > 0:
            self.waited += delay
            self.sleep(delay)
        ticket.sent = max(ticket.slot, self.clock())
        return ticket

    def release(self, ticket):
        """The answer is back (or the attempt failed): the request arrived by now at the latest."""
        if ticket is None:
            return
        self._update(lambda state, now: state.answered(ticket.id, now))

    def throttled(self, ticket, retry_after=None):
        """A 429: lower the key's rate (once per rate) and pause the key for everybody.

        The pause is ``retry_after`` seconds, or one window when the answer gave none. Returns it."""
        pause = WINDOW if retry_after is None else max(0.0, float(retry_after))
        if not self.enabled:
            return pause

        def step(state, now):
            if ticket is not None:
                state.ends.pop(ticket.id, None)  # refused: the server did not count it
                state.lower(now, ticket.sent)
            state.paused_until = max(state.paused_until, now + pause)
        self._update(step)
        return pause

    def defer(self, seconds):
        """Pause the key so that nobody starts a request for ``seconds``."""
        if not self.enabled or not seconds or seconds <= 0:
            return

        def step(state, now):
            state.paused_until = max(state.paused_until, now + float(seconds))
        self._update(step)

    def current_rate(self):
        """The key's rate now (lowered after a 429, recovering towards ``rate``)."""
        if not self.enabled:
            return 0.0
        return self._update(lambda state, now: state.rate_at(now))
