# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: one read of a project shared by the hosts of one run.

A playbook that copies one source onto many destinations (``copy_to_projects.yml``: one host per
destination) would read the whole source once per host, every read on the source organization's
budget. With a shared read (the export lookup's ``shared`` key of a ``projects`` entry), the first
host of the run reads the project and leaves the export in a file; the others of the same run wait
for it and load it, with no API call.

* The file is ``<private dir>/shared/<sha256>.json``, mode 0600, in the per-user directory of the
  rate limiter (``ratelimit.default_directory()``, 0700, owner checked). The sha256 is of the run
  (the ansible-playbook process and its start time, ``run_lock.controller()``), the base URL, the
  project uid, the client's ``credential_identity()`` (another credential never gets what it might
  not be allowed to read) and what is read (kinds, form, versions). Names hold no uid, host or token;
  the file holds only the export.
* The first reader holds an ``fcntl.flock`` of ``<sha256>.lock`` while it reads and writes the file
  (atomically); the others block on it, at most ``WAIT`` seconds, then read for themselves.
* Only a successful read is shared: after a failed one, the next waiter reads for itself (and gets
  its own error). A later run has another key, so it never loads this run's file; files a day old
  are removed by the next write (``listing_cache.prune``).
* Anything wrong (an unsafe directory, a corrupt file, no flock) means "read from the API": the
  cache never fails a read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import time

from ansible_collections.contentstack.personalize.plugins.module_utils.listing_cache import prune, write_private_json
from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import default_directory, safe_directory
from ansible_collections.contentstack.personalize.plugins.module_utils.run_lock import controller

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

# Seconds a host waits for another host's read of the same project before it reads for itself.
WAIT = 600.0
POLL = 0.05

READ = "read"      # this host read the project through the API (and shared it when it could)
REUSED = "reused"  # another host of this run read it: this host sent no call


def key_of(client, what, run=None):
    """The sha256 naming one project's shared read: the run, where, as whom, and ``what`` is read."""
    pid, start = run or controller()
    text = json.dumps(["shared-read", str(pid), str(start), client.base_url, client.project_uid,
                       client.credential_identity(), what], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load(path):
    try:
        with open(path, "r") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _locked(path, wait):
    """An open descriptor of ``path`` holding its exclusive flock, or None (unsafe, or ``wait`` passed)."""
    if fcntl is None:
        return None
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        return None
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError:
            if time.monotonic() >= deadline:
                os.close(fd)
                return None
            time.sleep(POLL)


def read_once(client, what, read, directory=None, run=None, wait=WAIT):
    """``(data, READ or REUSED)``: ``read()`` (the export of ``client``'s project), or what another
    host of this run got from it. ``what`` names what ``read`` reads (JSON-able), ``run`` is the
    controller's ``(pid, start)``. An error of ``read()`` is raised, and nothing is shared."""
    base = directory or default_directory()
    folder = os.path.join(base, "shared")
    if not safe_directory(base) or not safe_directory(folder):
        return read(), READ
    digest = key_of(client, what, run)
    path = os.path.join(folder, digest + ".json")
    data = _load(path)
    if data is not None:
        return data, REUSED
    fd = _locked(os.path.join(folder, digest + ".lock"), wait)
    if fd is None:
        return read(), READ
    try:
        data = _load(path)  # the holder we waited for has written it
        if data is not None:
            return data, REUSED
        data = read()
        prune(folder)
        write_private_json(path, data, ".shared-")
        return data, READ
    finally:
        os.close(fd)  # closing releases the flock
