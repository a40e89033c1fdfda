# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one comparison of portable objects (keys and names, no uids, no server-managed fields).

The engine asks it what an update changes, the copy's verify what the destination holds
differently from the plan. A difference names its kind, its item, its field and both values::

    {"kind": "audience", "item": "Gold", "field": "description", "expected": "a", "actual": "b"}

``field`` is None for a whole object: missing (``actual`` None) or not expected (``expected`` None).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def diff_fields(before, after, fields):
    """The fields (among ``fields``, in their order) whose values differ."""
    before, after = before or {}, after or {}
    return [f for f in fields if before.get(f) != after.get(f)]


def difference(kind, item, field, expected, actual):
    return {"kind": kind, "item": item, "field": field, "expected": expected, "actual": actual}


def differences(kind, item, expected, actual, fields=None):
    """One difference per differing field of two objects; ``fields`` None: every field either has."""
    expected, actual = expected or {}, actual or {}
    if fields is None:
        fields = sorted(set(expected) | set(actual))
    return [difference(kind, item, f, expected.get(f), actual.get(f)) for f in diff_fields(expected, actual, fields)]


def compare_items(kind, identity, expected, actual, extra=False):
    """Differences between two lists of objects of one kind, matched by their ``identity`` field:
    each expected object missing or differing in ``actual``, in the expected order; with ``extra``,
    then each object of ``actual`` that is not expected, by identity."""
    have = dict((i[identity], i) for i in actual)
    out = []
    for item in expected:
        name = item[identity]
        if name not in have:
            out.append(difference(kind, name, None, item, None))
        else:
            out.extend(differences(kind, name, item, have[name]))
    if extra:
        wanted = set(i[identity] for i in expected)
        out.extend(difference(kind, name, None, None, have[name]) for name in sorted(set(have) - wanted))
    return out
