# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cross-process request pacing for the Personalize Management API.

The API allows a fixed number of requests per second per organization, shared by every client of
that organization. Ansible runs modules in separate processes (forks, parallel playbooks), so an
in-memory limiter is not enough. ``SharedRateLimiter`` keeps one schedule per key in a small file:

* the file lives in a per-user directory, ``<tempdir>/contentstack-personalize-<uid>/``, mode 0700;
* its name is the sha256 of the key (host + organization), so no uid or host leaks into file names;
* it holds one number, the schedule's theoretical arrival time (epoch seconds) of a generic cell
  rate algorithm: ``acquire()`` takes the next slot under ``fcntl.flock``, writes the schedule
  back and then sleeps until the slot. One lock, one read and one write per request, and the
  sleep happens outside the lock.

Requests are spaced by ``1/rate``. Budget left unused while nobody calls (the pause between two
Ansible tasks, say) is kept for up to ``burst`` requests sent at once, by default half a second
of the rate (5 at 10 per second). That keeps a run with many short tasks at the rate instead of
losing each pause, and stays well inside a server's token bucket of one second (the emulator's;
decision 5 of the API reference).

Where a shared file cannot be used (no ``fcntl``, an unsafe directory), pacing falls back to
this process alone, which is still correct for a single process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
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

# A slot further in the future than this is treated as garbage (clock jump, corrupt file).
_MAX_AHEAD = 600.0


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


class SharedRateLimiter:
    """Pace calls to at most ``rate`` per second across all processes that share ``key``.

    ``rate`` of 0 or None switches pacing off. ``sleep`` and ``clock`` are attributes so tests
    can replace them.
    """

    def __init__(self, key, rate, directory=None, burst=None):
        self.key = key
        self.rate = float(rate) if rate else 0.0
        self.interval = 1.0 / self.rate if self.rate > 0 else 0.0
        if burst is None:
            burst = int(self.rate // 2)
        self.burst = max(1, int(burst))
        # How far the schedule may lag behind the clock: the banked requests.
        self.tolerance = (self.burst - 1) * self.interval
        self.sleep = time.sleep
        self.clock = time.time
        self.waited = 0.0
        self._local_lock = threading.Lock()
        self._local_next = 0.0
        self.path = None
        if self.interval and HAS_FCNTL:
            directory = directory or default_directory()
            if safe_directory(directory):
                digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
                self.path = os.path.join(directory, digest + ".slot")

    @property
    def enabled(self):
        return self.interval > 0

    @property
    def shared(self):
        """True when the schedule is shared with other processes through the lock file."""
        return self.path is not None

    def _update(self, now, step):
        """Read the schedule, ``step(stored) -> (result, new stored)``, write it back; locked."""
        if self.path is None:
            with self._local_lock:
                result, self._local_next = step(self._local_next)
            return result
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                raw = os.read(fd, 64)
                try:
                    stored = float(raw.decode("ascii").strip() or 0.0)
                except (UnicodeDecodeError, ValueError):
                    stored = 0.0
                if stored > now + _MAX_AHEAD:
                    stored = 0.0
                result, stored = step(stored)
                data = ("%.6f" % stored).encode("ascii")
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, data)
                os.ftruncate(fd, len(data))
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        return result

    def _take(self, now):
        """Reserve the next slot; returns the slot time."""
        def step(stored):
            slot = max(now, stored - self.tolerance)
            return slot, max(stored, slot) + self.interval
        return self._update(now, step)

    def acquire(self):
        """Wait for, and use, the next free slot. Returns the seconds slept."""
        if not self.interval:
            return 0.0
        now = self.clock()
        try:
            slot = self._take(now)
        except OSError:
            # The shared file failed us (disk full, removed directory...): pace locally.
            self.path = None
            slot = self._take(now)
        delay = slot - now
        if delay > 0:
            self.waited += delay
            self.sleep(delay)
            return delay
        return 0.0

    def defer(self, seconds):
        """Push the shared schedule so that nobody starts a request for ``seconds`` (after a 429)."""
        if not self.interval or not seconds or seconds <= 0:
            return
        now = self.clock()

        # Nobody's next slot may come before now + seconds, banked requests included.
        def step(stored):
            return None, max(stored, now + float(seconds) + self.tolerance)
        try:
            self._update(now, step)
        except OSError:
            self.path = None
            self._update(now, step)
