# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a module task returns, shaped in one place from what its executor did.

An executor gives ``records`` (one per item: ``kind``, the identity, ``action``, ``changed``,
``uid``, ``before`` and ``after`` in the portable form, and what else the kind adds) and
``warnings``. The single form returns its one record's fields; the list form returns
``results`` and a ``summary``; ``diff`` only when asked for; ``api_calls`` always.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

_PAST = {"create": "created", "update": "updated", "delete": "deleted", "replace": "replaced", "none": "unchanged"}


def names_line(names, limit=10):
    """Names for a person to read: the first ``limit`` of them, then how many more."""
    names = [str(n) for n in names]
    more = len(names) - limit
    return ", ".join(names[:limit]) + (" and %d more" % more if more > 0 else "")


def with_calls(result, client):
    """Every result says what it cost: HTTP requests sent, re-sends, and 429 answers."""
    result["api_calls"] = dict(client.stats)
    return result


def item_message(kind_name, identity, record, check_mode):
    """The single form's sentence, such as "attribute 'tier' would be created"."""
    would = "would be " if check_mode and record["action"] != "none" else ""
    return "%s %r %s%s" % (kind_name, record.get(identity), would, _PAST[record["action"]])


def versions_message(kind_name, identity, record, check_mode):
    """The single form's sentence for an experience's versions: the steps done, or planned."""
    msg = "versions of experience %r: %s" % (record[identity], "; ".join(record["steps"]) or "unchanged")
    if check_mode and record["steps"]:
        msg += " (check mode: nothing written)"
    return msg


def shape(task, out, message=item_message):
    """The result of a task from its executor's ``out`` (records and warnings)."""
    records = out["records"]
    result = {"changed": any(r["changed"] for r in records)}
    if out.get("warnings"):
        result["warnings"] = out["warnings"]
    if task.many:
        summary = {}
        for r in records:
            summary[_PAST[r["action"]]] = summary.get(_PAST[r["action"]], 0) + 1
        would = "would be " if task.check_mode else ""
        result["summary"] = summary
        result["results"] = [_public(r) for r in records]
        result["msg"] = "%d %ss: %s" % (len(records), task.kind, ", ".join(
            "%d %s%s" % (n, would if word != "unchanged" else "", word) for word, n in sorted(summary.items()))
            if records else "nothing to do")
        if task.diff:
            result["diff"] = [_diff(task.kind, r.get(task.identity), r) for r in records if r["changed"]]
    else:
        record = records[0]
        result.update(_public(record))
        result["msg"] = message(task.kind, task.identity, record, task.check_mode)
        if task.diff:
            result["diff"] = _diff(task.kind, record.get(task.identity), record)
    return result


def priority(before, after, changed, missing, check_mode, diff):
    """personalize_priority's result: the order (experience names, highest first) as it is now."""
    result = {"changed": changed, "order": after,
              "msg": "experience priority %s" % (("would be set" if check_mode else "set") if changed else "unchanged")}
    if missing:
        result["warnings"] = ["check mode assumes that earlier tasks create %d experience(s) the project does not have "
                              "yet: %s" % (len(missing), names_line(repr(n) for n in missing))]
    if diff:
        result["diff"] = {"before": {"order": before}, "after": {"order": after},
                          "before_header": "experience priority (before)", "after_header": "experience priority (after)"}
    return result


def _public(record):
    out = dict((k, v) for k, v in record.items() if k not in ("before", "after"))
    out[record["kind"]] = record["after"] if record["after"] is not None else record["before"]
    return out


def _diff(kind_name, ident, record):
    out = {
        "before_header": "%s %s (before)" % (kind_name, ident),
        "after_header": "%s %s (after)" % (kind_name, ident),
    }
    for side in ("before", "after"):
        value = record[side]
        if value is None:
            value = {}
        elif isinstance(value, list):
            value = {"versions": value}
        out[side] = value
    return out
