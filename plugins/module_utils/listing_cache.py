# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Listings shared between the tasks of one run (the ``listing_cache`` option).

Ansible runs each task in a fresh worker process, so the listings one task has made (and kept
true after its own writes) are lost when it ends, and the next task lists the same kinds again.
Given a ``listing_cache`` key, a task reads the project's listings from a file and writes them
back when it ends: a sequence of tasks that are the only writers of the project (the copy role)
lists each kind once. The file:

* lives in the per-user directory of the rate limiter (``<tempdir>/contentstack-personalize-<uid>``,
  mode 0700, owner checked), under ``listings/``, mode 0600;
* is named by the sha256 of the key, the base URL and the project uid (no uid or host in names);
* holds only what the API listed (no token, no header), and is replaced atomically;
* is removed by any later save once it is a day old, so abandoned runs leave nothing for long.

Anything wrong with the file (missing, corrupt, unsafe directory) means "not cached": the task
lists from the API, as without the option.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import time

from ansible_collections.contentstack.personalize.plugins.module_utils.local_files import write_atomically
from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import (
    safe_directory,
    default_directory,
)

MAX_AGE = 24 * 3600.0


def write_private_json(path, data, prefix):
    """Replace ``path`` with ``data`` as JSON, mode 0600, atomically (``local_files.write_atomically``);
    False when it cannot. Also the OAuth token store's (oauth.py)."""
    try:
        write_atomically(path, json.dumps(data, separators=(",", ":")), 0o600, prefix=prefix)
    except OSError:
        return False
    return True


def prune(directory, max_age=MAX_AGE):
    """Remove the files of ``directory`` last written more than ``max_age`` seconds ago (abandoned runs')."""
    now = time.time()
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        path = os.path.join(directory, name)
        try:
            if now - os.stat(path).st_mtime > max_age:
                os.unlink(path)
        except OSError:
            pass


class ListingCache:
    """One project's listings under one key; ``load()`` gives a dict, ``save(data)`` writes it."""

    def __init__(self, key, base_url, project_uid, directory=None):
        self.directory = os.path.join(directory or default_directory(), "listings")
        digest = hashlib.sha256(("%s|%s|%s" % (key, base_url, project_uid)).encode("utf-8")).hexdigest()
        self.path = os.path.join(self.directory, digest + ".json")

    def load(self):
        try:
            with open(self.path, "r") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, data):
        """Write atomically (a temporary file, then a rename). Returns False when it cannot."""
        if not safe_directory(os.path.dirname(self.directory)) or not safe_directory(self.directory):
            return False
        prune(self.directory)
        return write_private_json(self.path, data, ".listing-")
