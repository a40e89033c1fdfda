# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's filter and lookup plugins, loaded into the process that imports this module.

ansible-playbook forks a worker process for every task of every host, and ansible's collection
loader compiles a collection's Python source on every import (it keeps no bytecode). A filter or
lookup of this collection that ansible-playbook's own process never loaded is therefore imported
and compiled again in every task that uses it, with what it imports (``requests`` among them):
0.1-0.4 s of CPU per task, more than most tasks' own work (docs/performance.md, "After the load runs only with work").

Before it queues a task, the strategy loads the task's action plugin class in ansible-playbook's
own process. Every action plugin of this collection imports this module, which loads the
collection's filters and lookups there: from the first task of this collection on, each worker
inherits them loaded (the plugin loader takes a module already in ``sys.modules``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import pkgutil

PACKAGES = ("filter", "lookup")
_PREFIX = "ansible_collections.contentstack.personalize.plugins."


def preload():
    """Import every filter and lookup module of the collection; one that cannot load is left to the
    task that uses it, which reports the error where it belongs. Gives the names loaded."""
    loaded = []
    for package in PACKAGES:
        try:
            path = importlib.import_module(_PREFIX + package).__path__
        except ImportError:
            continue
        for info in pkgutil.iter_modules(path):
            try:
                importlib.import_module(_PREFIX + package + "." + info.name)
            except Exception:  # pylint: disable=broad-except
                continue
            loaded.append(package + "." + info.name)
    return loaded


LOADED = preload()
