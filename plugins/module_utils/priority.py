# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Experience priority: the plan (the full order the API takes) and its one write.

The API holds one list of every experience of the project, highest priority first, and takes it
whole (``PUT /experiences-priority``). The experiences a task names come first, in its order; the
others follow in their current relative order.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils import results


def execute(listings, task):
    """personalize_priority: plan, write when it changes (not in check mode), shape the result."""
    idx = listings.indexes("experiences")
    current, wanted, missing = plan(idx.experiences, listings.priority(), task.params["order"], task.check_mode)
    changed = wanted != current
    if changed and not task.check_mode:
        wanted = write(listings, idx.experiences, wanted)
    return results.priority(current, wanted, changed, missing, task.check_mode, task.diff)


def plan(experiences, current_uids, order, check_mode):
    """(current names, wanted names, names in ``order`` that do not exist) from the experiences'
    index and the current priority (uids). Unknown names are an error, except in check mode,
    which assumes an earlier task creates them."""
    if len(set(order)) != len(order):
        raise PersonalizeInputError("order: names an experience twice")
    names = [experiences.ident_of(uid) for uid in current_uids]
    known = set(experiences.by_ident)
    missing = [n for n in order if n not in known]
    if missing and not check_mode:
        raise PersonalizeInputError("order: unknown experience(s) %s" % ", ".join(repr(n) for n in missing))
    for name in order:
        experiences.uid_of(name)  # ambiguity is an error
    rest = [n for n in names if n is not None and n not in order]
    rest += sorted(n for n in known if n not in order and n not in rest)
    return names, list(order) + rest, missing


def write(listings, experiences, wanted):
    """Send the order; gives it (names) as the server stored it, and keeps the listing true."""
    body = {"priorityOrder": [experiences.uid_of(n) for n in wanted]}
    answer = listings.client.put("/experiences-priority", body)
    # The order the server answers with, when it answers with one.
    stored = (answer.get("priorityOrder") if isinstance(answer, dict) else None) or body["priorityOrder"]
    listings.set_priority(stored)
    return [experiences.ident_of(uid) for uid in stored]
