# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: one run at a time per destination project, on one machine.

Two copies into one destination at once make duplicate audiences and experiences (the API does not
keep their names unique). The copy role therefore takes a lock per destination before it reads it
and gives it back after verify. The lock is a small JSON file in the per-user private directory of
the rate limiter (``ratelimit.default_directory()``, mode 0700), named by the sha256 of the
destination (never a token), mode 0600. It names its owner:

* ``pid`` and ``start``: the ansible-playbook process (the controller, not the task's worker, which
  lives for one task only) and that process's start time (``/proc/<pid>/stat``), so that a pid
  reused by another process after a kill does not pass for the owner;
* ``owner``: the run's label (the inventory host), so that two hosts of one playbook exclude each
  other too; ``host``, ``since`` (epoch seconds) and ``destination`` (for the messages).

A lock whose owner process is gone (a killed run) is stale: the next ``acquire`` replaces it. Every
read-and-replace happens under ``fcntl.flock`` of a guard file, so two runs never both win.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import socket
import time

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.local_files import write_atomically
from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import default_directory, safe_directory

# The options of personalize_lock besides the connection options (its module file and action plugin).
LOCK_OPTIONS = dict(state=dict(type="str", choices=["present", "absent"], default="present"),
                    owner=dict(type="str", required=True), project_name=dict(type="str"))

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None


def process_start(pid):
    """The start time of a process (clock ticks since boot, as text), None when it cannot be read."""
    try:
        with open("/proc/%d/stat" % int(pid)) as handle:
            stat = handle.read()
    except (IOError, OSError, ValueError):
        return None
    # The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def alive(pid, start=None):
    """Whether process ``pid`` runs and, when ``start`` is known, is the process that started then."""
    try:
        os.kill(int(pid), 0)
    except (OSError, ValueError, TypeError) as exc:
        return getattr(exc, "errno", None) == 1  # EPERM: it exists, it is someone else's
    return start is None or process_start(pid) in (None, start)


def controller():
    """(pid, start) of the process that owns a run: the parent of this task's worker process."""
    pid = os.getppid()
    return pid, process_start(pid)


def lock_path(destination, directory=None):
    digest = hashlib.sha256(("copy-lock " + destination).encode("utf-8")).hexdigest()
    return os.path.join(directory or default_directory(), digest + ".lock")


def describe(holder):
    """'run <owner> (ansible-playbook pid N on H) since <UTC time>' for messages and task names."""
    since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(holder.get("since") or 0)))
    return "run %s (ansible-playbook pid %s on %s) since %s" % (
        holder.get("owner"), holder.get("pid"), holder.get("host"), since)


def _read(path):
    try:
        with open(path) as handle:
            holder = json.load(handle)
    except (IOError, OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _write(path, holder):
    write_atomically(path, json.dumps(holder), 0o600)


def _same_owner(holder, me):
    return all(holder.get(k) == me[k] for k in ("pid", "start", "owner", "host"))


class _Guard:
    """flock of ``<lock>.guard`` for one read-and-replace."""

    def __init__(self, path):
        self.path = path + ".guard"
        self.fd = None

    def __enter__(self):
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        self.fd = os.open(self.path, flags, 0o600)
        if fcntl is not None:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        os.close(self.fd)  # closing releases the flock


def _usable(path):
    if not safe_directory(os.path.dirname(path)):
        raise PersonalizeError("cannot lock the destination: %s is not a private directory of this user"
                               % os.path.dirname(path))


def acquire(destination, owner, directory=None, me=None):
    """Take the lock of ``destination`` for ``owner``. ``me`` is the controller's ``(pid, start)``.

    Returns ``acquired``, ``holder`` (the lock's content: this run's when acquired, else the other
    run's), ``path`` and ``replaced`` (the stale holder replaced, None when there was none)."""
    path = lock_path(destination, directory)
    _usable(path)
    pid, start = me or controller()
    mine = {"pid": pid, "start": start, "owner": owner, "host": socket.gethostname(),
            "since": time.time(), "destination": destination}
    with _Guard(path):
        holder = _read(path)
        if holder is not None and _same_owner(holder, mine):
            return {"acquired": True, "holder": holder, "path": path, "replaced": None}
        if holder is not None and holder.get("host") == mine["host"] and alive(holder.get("pid"), holder.get("start")):
            return {"acquired": False, "holder": holder, "path": path, "replaced": None}
        _write(path, mine)
    return {"acquired": True, "holder": mine, "path": path, "replaced": holder}


def release(destination, owner, directory=None, me=None):
    """Give the lock back if this run holds it; returns whether a lock file was removed."""
    path = lock_path(destination, directory)
    _usable(path)
    pid, start = me or controller()
    mine = {"pid": pid, "start": start, "owner": owner, "host": socket.gethostname()}
    with _Guard(path):
        holder = _read(path)
        if holder is None or not _same_owner(holder, mine):
            return False
        os.unlink(path)
    return True


def refusal(destination, result):
    """The message of a run that may not wait (``migrate_lock_wait: 0``) or waited in vain."""
    return ("The destination %s is being written by another run on this machine: %s holds its lock (%s). "
            "Nothing was written. Wait for that run to end, or set migrate_lock_wait to wait for it; "
            "a lock whose run was killed is replaced on its own."
            % (destination, describe(result["holder"]), result["path"]))
