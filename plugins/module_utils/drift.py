# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: drift, what a project holds that its desired state does not
(``playbooks/drift.yml``, behind the filters of ``plugins/filter/drift.py``).

The desired state is a folder written by export.yml (its files as the ``personalize_folder`` lookup
reads them) or another project, planned as the copy role plans it (``migrate.build_plan``: the same
selection, dependencies and activation mode). The live project is the export lookup's raw read of it.

Nothing here talks to the API. The comparison is the one apply and the copy use: each desired item
goes through the engine's plan against the live listings (``Engine.plan`` in check mode: the same
normalisation, defaults and comparison of the fields the kind declares), each experience's versions
through ``versions.plan`` (a variant given without a shortUid takes the live one, as a write would),
so that a project just applied or copied shows no drift: server-managed fields, uids, defaults the
server fills in and orders the API does not keep never count. A difference is::

    {"kind": "audience", "item": "Gold", "field": "definition", "desired": "tier = \\"gold\\"", "live": "..."}

``field`` is None for an item on one side only; version differences also say which ``version``
(``live`` or ``draft``). Audience rules are given in a compact text form (``rule_text``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sys

from ansible_collections.contentstack.personalize.plugins.module_utils import versions as vers
from ansible_collections.contentstack.personalize.plugins.module_utils.engine import Engine
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.folder import offline_listings, split_audiences
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import BY_PLURAL
from ansible_collections.contentstack.personalize.plugins.module_utils.migrate import build_plan, in_selection
from ansible_collections.contentstack.personalize.plugins.module_utils.validate import DEFAULT_LIMITS

ITEM_KINDS = ("attributes", "events", "audiences", "experiences")
SLOTS = ("live", "draft")
# Drift is no limit check: a project over a limit still has its differences reported.
NO_LIMITS = dict((name, sys.maxsize) for name in DEFAULT_LIMITS)
OPERATORS = {"STRING_EQUALS": "=", "NUMBER_EQUAL_TO": "=", "NUMBER_GREATER_THAN": ">", "NUMBER_LESS_THAN": "<",
             "CONTAINS_SUBSTRING": "contains", "IS_TRUE": "is true", "IS_FALSE": "is false",
             "HAS_ANY_VALUE": "has any value", "IS_MEMBER_OF": "is member of", "BEFORE_TIME": "before",
             "AFTER_TIME": "after", "BETWEEN_TIME": "between", "JSON_MATCH": "matches"}
REF_PREFIX = {"PresetAttributeReference": "preset.", "LyticsAttributeReference": "lytics."}


# ---------------------------------------------------------------------------------------------
# The text form of a rule tree
# ---------------------------------------------------------------------------------------------
def _option_text(options):
    if not options:
        return ""
    rest = dict((k, v) for k, v in options.items() if k != "__type")
    if list(rest) == ["value"]:
        return " " + json.dumps(rest["value"], sort_keys=True)
    return " {%s}" % ", ".join("%s: %s" % (k, json.dumps(rest[k], sort_keys=True)) for k in sorted(rest))


def _rule_text(rule):
    attribute = rule.get("attribute") or {}
    name = REF_PREFIX.get(attribute.get("__type"), "") + str(attribute.get("ref"))
    cond = rule.get("attributeMatchCondition")
    text = "%s %s%s" % (name, OPERATORS.get(cond, str(cond).lower().replace("_", " ")),
                        _option_text(rule.get("attributeMatchOptions")))
    return "NOT (%s)" % text if rule.get("invertCondition") else text


def rule_text(node, top=True):
    """A rule tree (the portable, normalised form) in one line:
    ``lifetime_value > 1000 AND (cart_value > 150 OR preset.COUNTRY = "US")``."""
    if not isinstance(node, dict):
        return str(node)
    if node.get("__type") != "RuleCombination" and "rules" not in node:
        return _rule_text(node)
    rules = node.get("rules") or []
    if not rules:
        return "(no rules: everyone)"
    text = (" %s " % node.get("combinationType", "AND")).join(rule_text(r, top=False) for r in rules)
    return text if top or len(rules) == 1 else "(%s)" % text


def _readable(kind, value):
    """An audience (or its definition) with its rule tree as text; anything else as it is."""
    if kind == "audience" and isinstance(value, dict) and isinstance(value.get("definition"), dict):
        return dict(value, definition=rule_text(value["definition"]))
    return value


def difference(kind, item, field, desired, live, version=None):
    out = {"kind": kind, "item": item, "field": field, "desired": desired, "live": live}
    if field == "definition":
        out["desired"], out["live"] = rule_text(desired), rule_text(live)
    else:
        out["desired"], out["live"] = _readable(kind, desired), _readable(kind, live)
    if version is not None:
        out["version"] = version
    return out


# ---------------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------------
class _Live:
    """The live project: its listings (offline, over the raw read) and its portable form."""

    def __init__(self, raw):
        self.listings = offline_listings(raw)
        self.listings.limits = dict(NO_LIMITS)
        self.portable = portable_from_raw(raw)
        self.engine = Engine(self.listings, check_mode=True)
        self.idx = self.listings.indexes(*ITEM_KINDS)
        self.versions = dict((v["experience"], list(vers.live_and_draft(v["versions"]))) for v in self.portable["versions"])

    def own(self, kind):
        """The live items of a kind that a project manages (read-only Lytics audiences aside)."""
        return [i for i in self.portable[kind] if not i.get("read_only")]


def _item_differences(live, kind, items, selected):
    """(differences, names of the items the live project lacks or holds as another type) of one kind."""
    spec = BY_PLURAL[kind]
    # replace: a type changed by hand is a difference to report, not a refused update.
    changes = live.engine.plan(spec.name, [dict(i, replace=True) for i in items])
    out, absent = [], set()
    for change in changes:
        if change.action == "create":
            getattr(live.idx, kind).plan(change.ident)   # later kinds may reference it, as in check mode
            out.append(difference(spec.name, change.ident, None, change.after, None))
        for field in change.fields if change.action in ("update", "replace") else ():
            out.append(difference(spec.name, change.ident, field, change.after.get(field), change.before.get(field)))
        if change.action in ("create", "replace"):
            absent.add(change.ident)
    wanted = set(i.get(spec.identity) for i in items)
    out.extend(difference(spec.name, i[spec.identity], None, None, i) for i in live.own(kind)
               if i[spec.identity] not in wanted and selected(i[spec.identity]))
    return out, absent


def read_only_notes(desired, live_raw):
    """Lytics audiences are synced from Lytics, never written by apply or a copy: not drift. The ones
    on one side only are notes."""
    have = set(i["name"] for i in portable_from_raw(live_raw, ["audiences"])["audiences"] if i.get("read_only"))
    want = set(i.get("name") for i in desired)
    return (["read-only (Lytics) audience %r is in the folder, not in the project" % n for n in sorted(want - have)]
            + ["read-only (Lytics) audience %r is in the project, not in the folder" % n for n in sorted(have - want)])


def _variant_differences(name, slot, want, have):
    out = []
    wanted = dict((v["name"], v) for v in want.get("variants") or [])
    held = dict((v["name"], v) for v in have.get("variants") or [])
    for variant in [v["name"] for v in want.get("variants") or []] + sorted(set(held) - set(wanted)):
        if variant not in held or variant not in wanted:
            out.append(difference("version", name, "variants[%s]" % variant, wanted.get(variant), held.get(variant), slot))
            continue
        for field in sorted(set(wanted[variant]) | set(held[variant])):
            if (wanted[variant].get(field) or None) != (held[variant].get(field) or None):
                out.append(difference("version", name, "variants[%s].%s" % (variant, field),
                                      wanted[variant].get(field), held[variant].get(field), slot))
    return out


def _version_pair(name, slot, want, have):
    """The differences of one version, desired and live (either may be None)."""
    if want is None or have is None:
        return [difference("version", name, None, want, have, slot)]
    out = []
    if want["status"] != have["status"]:
        out.append(difference("version", name, "status", want["status"], have["status"], slot))
    out.extend(_variant_differences(name, slot, want, have))
    mine, theirs = vers.content(want), vers.content(have)
    out.extend(difference("version", name, field, mine[field], theirs[field], slot)
               for field in ("metrics", "targeting", "variant_split") if mine[field] != theirs[field])
    return out


def _pairs(wanted, held):
    """Desired and live versions paired by slot (live with live, draft with draft); then a version
    left alone on each side with the same content is one version whose status changed (a draft
    activated by hand, say)."""
    pairs = [[slot, w, h] for slot, w, h in zip(SLOTS, wanted, held) if w is not None or h is not None]
    alone_w = [p for p in pairs if p[2] is None]
    alone_h = [p for p in pairs if p[1] is None]
    for pw in alone_w:
        for ph in alone_h:
            if ph[2] is not None and vers.content(pw[1]) == vers.content(ph[2]):
                pw[2], ph[2] = ph[2], None
                break
    return [p for p in pairs if p[1] is not None or p[2] is not None]


def _versions_differences(live, entries, absent, activation):
    out = []
    types = dict((e["name"], e["type"]) for e in live.portable["experiences"])
    for entry in entries:
        name = entry.get("experience")
        if name in absent or name not in types:
            continue     # the experience itself is reported
        where = "experience %r" % name
        desired = [vers.normalize_spec(s, types[name], live.idx, "%s: versions[%d]" % (where, i))
                   for i, s in enumerate(entry.get("versions") or [])]
        raw = live.listings.versions(live.idx.experiences.uid_of(name))
        after = vers.plan(where, types[name], raw, desired, live.idx)[2]
        # The desired versions as a write would leave them (shortUids taken from the live variants).
        wanted = [a if d is not None else None for a, d in zip(vers.live_and_draft(after), vers.live_and_draft(desired))]
        held = list(live.versions.get(name) or (None, None))
        if activation == "draft":
            wanted[0] = held[0] = None
        for slot, want, have in _pairs(wanted, held):
            out.extend(_version_pair(name, slot, want, have))
    return out


def _priority_differences(live, order, absent):
    have = [n for n in live.portable["priority"] if n not in absent]
    common = set(order) & set(have)
    desired, held = [n for n in order if n in common], [n for n in have if n in common]
    return [difference("priority", "experience priority order", "order", desired, held)] if desired != held else []


def compare(desired, live_raw, selected=None, activation="mirror"):
    """The differences between ``desired`` (items per kind, ``versions`` and ``priority``; read-only
    audiences are not compared) and a raw read of the live project.

    ``selected(name)`` says whether an item only the live project has counts (the copy's patterns);
    ``activation`` is the copy's mode (``draft``: only the drafts are compared)."""
    selected = selected or (lambda name: True)
    live = _Live(live_raw)
    out, absent = [], set()
    for kind in ITEM_KINDS:
        found, missing = _item_differences(live, kind, desired.get(kind) or [], selected)
        out.extend(found)
        if kind == "experiences":
            absent = missing
    out.extend(_versions_differences(live, desired.get("versions") or [], absent, activation))
    out.extend(_priority_differences(live, desired.get("priority") or [], absent))
    return out


def folder_drift(files, live_raw):
    """Drift of a project from a folder (the ``personalize_folder`` lookup's read of its files, without
    a project: its Lytics audiences are split from the others here, as apply splits them)."""
    desired = dict(files)
    desired["audiences"], read_only = split_audiences(files.get("audiences") or [])
    return {"differences": compare(desired, live_raw), "notes": read_only_notes(read_only, live_raw)}


def project_drift(source_raw, live_raw, activation="mirror", include=None, exclude=None):
    """Drift of a project from another one, as the copy role would plan it (Lytics audiences and what
    uses them are skipped, as a copy skips them; the copy's refusals are notes)."""
    plan = build_plan(source_raw, live_raw, activation, include, exclude, allow_skips=True)
    if "attributes" not in plan:
        raise PersonalizeInputError("; ".join(plan["errors"]))
    include, exclude = list(include or ["*"]), list(exclude or [])

    def chosen(name):
        return in_selection(name, include, exclude)

    return {"differences": compare(plan, live_raw, chosen, activation),
            "notes": list(plan["errors"]) + ["skipped: %s" % s for s in plan["skipped"]]}


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------
def _counts(differences):
    counts = {}
    for diff in differences:
        counts[diff["kind"]] = counts.get(diff["kind"], 0) + 1
    return counts


def summary(result):
    """The one line of a project in the play output."""
    where = "project %s against %s" % (result["project"], result["against"])
    if result.get("error"):
        return "drift: %s: not compared: %s" % (where, result["error"])
    diffs = result["differences"]
    if not diffs:
        return "drift: %s: no drift" % where
    return "drift: %s: %d difference(s) (%s)" % (
        where, len(diffs), ", ".join("%s %d" % (k, n) for k, n in sorted(_counts(diffs).items())))


def value_text(value, field=None):
    """One table cell: a value in plain words on one line (a priority order as ``a > b``)."""
    if value is None:
        return "(absent)"
    if isinstance(value, dict):
        text = "; ".join("%s: %s" % (k, value_text(v)) for k, v in sorted(value.items()) if v not in (None, "", []))
    elif isinstance(value, list):
        text = (" > " if field == "order" else ", ").join(value_text(v) for v in value) or "(none)"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value)
    return " ".join(text.replace("|", "\\|").split())


def _row(project, diff):
    field = diff["field"] if diff["field"] is not None else "(whole item)"
    if diff.get("version"):
        field = "%s version: %s" % (diff["version"], diff["field"] if diff["field"] is not None else "(whole version)")
    cells = [value_text(c) for c in (project, diff["kind"], diff["item"], field)]
    cells += [value_text(diff["desired"], diff["field"]), value_text(diff["live"], diff["field"])]
    return "| %s |" % " | ".join(cells)


def markdown(results):
    """drift.md: a line per project, then a table with one row per drifted field."""
    lines = ["# Drift report", ""] + ["- %s" % summary(r) for r in results]
    rows = [_row(r["project"], d) for r in results for d in r.get("differences") or []]
    notes = ["- %s: %s" % (r["project"], n) for r in results for n in r.get("notes") or []]
    if rows:
        lines += ["", "| project | kind | item | field | desired | live |", "|---|---|---|---|---|---|"] + rows
    if notes:
        lines += ["", "Notes:", ""] + notes
    return "\n".join(lines) + "\n"


def report(results):
    """``json`` (drift.json: per project uid its differences), ``markdown`` (drift.md), ``lines``
    (a summary line per project), ``drifted`` and ``failed`` (project uids)."""
    results = sorted(results, key=lambda r: str(r.get("project")))
    return {
        "json": dict((r["project"], r.get("differences") or []) for r in results if not r.get("error")),
        "markdown": markdown(results),
        "lines": [summary(r) for r in results],
        "drifted": [r["project"] for r in results if r.get("differences")],
        "failed": [r["project"] for r in results if r.get("error")],
    }
