# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of playbooks/drift.yml: the drift of a project, and the report of every project (no API calls)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils import drift
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.plugin_utils.filters import guard


@guard
def drift_compare(live_raw, folder=None, source=None, project=None, against=None, activation="mirror",
                  include=None, exclude=None):
    """The drift of one project (a raw read of it) from a folder's files or from a source project (a raw
    read of it), with its summary line; see module_utils/drift.py."""
    if (folder is None) == (source is None):
        raise PersonalizeInputError("drift_compare: give exactly one of folder and source")
    if folder is not None:
        out = drift.folder_drift(folder, live_raw)
    else:
        out = drift.project_drift(source, live_raw, activation, include, exclude)
    out.update(project=project, against=against)
    out["summary"] = drift.summary(out)
    return out


@guard
def drift_report(results):
    """drift.json (per project uid its differences), drift.md, the summary lines, the drifted projects."""
    return drift.report(results)


class FilterModule(object):
    def filters(self):
        return {"drift_compare": drift_compare, "drift_report": drift_report}
