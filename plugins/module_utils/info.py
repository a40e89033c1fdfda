# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: the personalize_info executor.

The export lookup's read (``export.read``: one list call per kind, one versions call per
experience) as a module result, for ``register``. Nothing here reads the API itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils import export


def execute(listings, task):
    """personalize_info: the project's kinds asked for, raw or portable; never a change."""
    params = task.params
    terms = params.get("kinds") or ["all"]
    project = export.read(listings, terms, portable=params.get("portable", True),
                          with_versions=params.get("versions", True))
    counts = ["%d %s" % (len(project[t]), t) for t in export.terms_of(terms, params.get("versions", True))
              if t != "priority"]
    return {"changed": False, "project": project,
            "msg": "read %s" % (", ".join(counts) or "the priority order")}
