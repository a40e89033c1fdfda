# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: the personalize_report executor, the copy role's report files.

``uid-map.json`` and ``report.json`` in the report folder, each ``to_nice_json(indent=2)`` and a
newline as the role's ``ansible.builtin.copy`` task wrote them, mode 0600; the folder, when missing,
is made mode 0700 (an existing folder keeps its mode). The report is the run's log (it carries the
time taken): writing it is not a change of anything the copy manages, so only the folder and the uid
map count as a change and a no-change re-run still reports ``changed=0``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

from ansible_collections.contentstack.personalize.plugins.module_utils import local_files
from ansible_collections.contentstack.personalize.plugins.module_utils.options import CONNECTION_ARGSPEC

FOLDER_MODE = 0o700
FILE_MODE = 0o600
OPTIONS = dict(path=dict(type="path", required=True), uid_map=dict(type="dict", default={}),
               report=dict(type="dict", required=True))


def argument_spec():
    """The module's options and the connection's (taken so that the action group's module_defaults apply, not used)."""
    return dict(copy.deepcopy(CONNECTION_ARGSPEC), **copy.deepcopy(OPTIONS))


def to_json(data):
    """``data`` as ``to_nice_json(indent=2)`` writes it, and a newline."""
    return json.dumps(data, indent=2, sort_keys=True, separators=(",", ": ")) + "\n"


def write(params, check_mode=False, diff=False):
    """The module's result: the two files written (nothing in check mode), and their diffs when asked."""
    folder = os.path.abspath(params["path"])
    texts = [("uid-map.json", to_json(params["uid_map"])), ("report.json", to_json(params["report"]))]
    changes = local_files.write_folder(folder, texts, FOLDER_MODE, FILE_MODE, check_mode=check_mode, fix_folder_mode=False)
    names = [c["name"] for c in changes["files"]]
    result = {"changed": bool(changes["folders"]) or "uid-map.json" in names, "path": folder, "files": names,
              "msg": "%s %s in %s" % ("would write" if check_mode else "wrote", ", ".join(names) or "nothing", folder)}
    if diff:
        result["diff"] = [local_files.diff_of(c) for c in changes["files"] if c["write"]]
    return result
