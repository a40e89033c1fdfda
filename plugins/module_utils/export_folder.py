# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: the personalize_export_folder executor.

A project's portable export (``export.read``, the lookup's one read) written as the folder that
``apply.yml`` and the ``personalize_folder`` lookup read (``folder.FILES``): ``project.yml`` and one
file per kind. The text of each file is what ``export.yml`` wrote with ``to_nice_yaml(indent=2,
sort_keys=True)`` (the same dumper and settings), so a folder written before and one written now are
byte-identical; the modes are those the playbook set (folders 0755, files 0644). A file is written
only when its bytes or its mode differ, atomically (``local_files``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.common.yaml import yaml_dump

from ansible_collections.contentstack.personalize.plugins.module_utils import export, local_files
from ansible_collections.contentstack.personalize.plugins.module_utils.folder import FILES
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import LOAD_ORDER

FOLDER_MODE = 0o755
FILE_MODE = 0o644


def to_yaml(data):
    """``data`` as Ansible's ``to_nice_yaml(indent=2, sort_keys=True)`` writes it: the same safe dumper
    (libyaml's when present, any mapping or sequence as one) and the same settings."""
    return yaml_dump(data, indent=2, allow_unicode=True, default_flow_style=False, sort_keys=True)


def texts(project):
    """{file name: text} of the folder of a portable export (the mapping of the term ``all``)."""
    out = {"project.yml": to_yaml({"schema_version": project["schema_version"], "kinds": list(LOAD_ORDER)})}
    for kind in LOAD_ORDER:
        out["%s.yml" % kind] = to_yaml({kind: project[kind]})
    return out


def execute(listings, task):
    """personalize_export_folder: read the project (export.read, every kind), then write the files that
    differ (nothing in check mode); per-file diffs only with --diff."""
    folder = os.path.abspath(task.params["path"])
    local_files.missing_folders(folder)  # a file in the way is refused before the project is read
    wanted = texts(export.read(listings, ["all"]))
    changes = local_files.write_folder(folder, [(name, wanted[name]) for name in FILES], FOLDER_MODE, FILE_MODE,
                                       check_mode=task.check_mode)
    names = [item["name"] for item in changes["files"]]
    changed = bool(names or changes["folders"] or changes["folder_chmod"])
    would = "would write" if task.check_mode else "wrote"
    if names:
        msg = "%s %s in %s" % (would, ", ".join(names), folder)
    elif changed:
        fixed = "would make or fix" if task.check_mode else "made or fixed"
        msg = "%s the folder %s; its %d files are unchanged" % (fixed, folder, len(FILES))
    else:
        msg = "the %d files of %s are unchanged" % (len(FILES), folder)
    result = {"changed": changed, "path": folder, "files": names, "msg": msg}
    if task.diff:
        result["diff"] = [local_files.diff_of(item) for item in changes["files"] if item["write"]]
    return result
