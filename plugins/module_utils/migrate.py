# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The copy role's plan: what to load into the destination, validated before any write.

Input: raw exports of the source and of the destination (one list call per kind each, plus the
versions), the role's options. Output: the items for each load phase (portable model, exactly what
the modules take), the project the destination must equal afterwards (for verify), and report
lines. Nothing here talks to the API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import fnmatch

from ansible_collections.contentstack.personalize.plugins.module_utils.compare import compare_items
from ansible_collections.contentstack.personalize.plugins.module_utils.export import RawProject, portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import BY_PLURAL, LOAD_ORDER
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import (
    Indexes,
    count_rules,
    custom_refs,
    uses_lytics_attributes,
)
from ansible_collections.contentstack.personalize.plugins.module_utils import duplicates, priority, validate
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError, PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.versions import live_and_draft, normalize_spec

ACTIVATIONS = ("mirror", "draft", "all")
# The kinds a copy loads item by item (versions and priority follow the experiences), in load order.
ITEM_KINDS = tuple(BY_PLURAL)


def _identity(kind):
    return BY_PLURAL[kind].identity


def matches(name, patterns):
    """Whether ``name`` matches any of the shell-style ``patterns`` (case-sensitive)."""
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def in_selection(name, include, exclude):
    """Whether the copy's ``include`` and ``exclude`` patterns (``migrate_include``/``migrate_exclude``) take ``name``."""
    return matches(name, include) and not matches(name, exclude)


def _deps_of_versions(entry):
    audiences, events = set(), set()
    for spec in entry["versions"]:
        for variant in spec["variants"]:
            audiences.update(variant.get("audiences") or [])
            audiences.update(variant.get("lyticsAudiences") or [])
        for metric in spec.get("metrics") or []:
            events.add(metric["event"])
        audiences.update(((spec.get("targeting") or {}).get("audience") or {}).get("audiences") or [])
    return audiences, events


def _desired_versions(entry, activation):
    if activation == "mirror":
        return copy.deepcopy(entry["versions"])
    live, draft = live_and_draft(entry["versions"])
    latest = draft or live
    if latest is None:
        return []
    status = "draft" if activation == "draft" else "active"
    return [dict(copy.deepcopy(latest), status=status)]


def _refused(error):
    """A plan that only carries its error (the validate phase reports it and stops)."""
    return {"errors": [error], "notes": [], "skipped": []}


class _Selection:
    """What a copy takes from the source: the items the patterns select, the dependencies they
    bring along, less what the API cannot create; with the errors, notes and skips found."""

    def __init__(self, src, include, exclude):
        self.items = dict((kind, dict((i[_identity(kind)], i) for i in src[kind])) for kind in ITEM_KINDS)
        self.versions = dict((v["experience"], v) for v in src["versions"])
        self.exclude = list(exclude or [])
        include = list(include or ["*"])
        self.chosen = dict((kind, set(n for n in self.items[kind] if in_selection(n, include, self.exclude)))
                           for kind in ITEM_KINDS)
        self.errors, self.notes, self.skipped = [], [], []

    def versions_of(self, experience):
        return self.versions.get(experience, {"experience": experience, "versions": []})

    def need(self, kind, name, why):
        # Every reference names an item of the source: the export refused any other.
        if name in self.chosen[kind]:
            return
        if matches(name, self.exclude):
            self.errors.append("%s %r is excluded, but %s needs it" % (kind[:-1], name, why))
        else:
            self.chosen[kind].add(name)
            self.notes.append("%s %r included because %s needs it" % (kind[:-1], name, why))

    def add_dependencies(self):
        """Experiences bring their audiences and events, then audiences their attributes."""
        for name in sorted(self.chosen["experiences"]):
            audiences, events = _deps_of_versions(self.versions_of(name))
            for aud in sorted(audiences):
                self.need("audiences", aud, "experience %r" % name)
            for event in sorted(events):
                self.need("events", event, "experience %r" % name)
        for name in sorted(self.chosen["audiences"]):
            for key in sorted(set(custom_refs(self.items["audiences"][name].get("definition")))):
                self.need("attributes", key, "audience %r" % name)

    def skip_lytics(self, allow_skips):
        """What the API cannot create: Lytics audiences and the experiences that use them."""
        audiences = self.items["audiences"]
        lytics = set(n for n in self.chosen["audiences"]
                     if audiences[n].get("read_only") or uses_lytics_attributes(audiences[n].get("definition")))
        for name in sorted(lytics):
            self.skipped.append("audience %r: Lytics audiences cannot be created through the API" % name)
            self.chosen["audiences"].discard(name)
        for name in sorted(self.chosen["experiences"]):
            bad = sorted(_deps_of_versions(self.versions_of(name))[0] & lytics)
            if bad:
                self.skipped.append("experience %r: its variants or targeting use Lytics audience(s) %s"
                                    % (name, ", ".join(repr(b) for b in bad)))
                self.chosen["experiences"].discard(name)
        if self.skipped and not allow_skips:
            self.errors.extend("cannot copy %s (set migrate_allow_skips to copy the rest and report these)" % s
                               for s in self.skipped)


def _kept(dst, kind):
    """The identities of the destination's own items of a kind (read-only ones are not the copy's)."""
    return set(i[_identity(kind)] for i in dst.get(kind) or [] if not i.get("read_only"))


def _limit_errors(sel, dst, lim, prune):
    """The limits, counting what stays in the destination (all of it, without prune)."""
    errors = []
    for kind in ITEM_KINDS:
        staying = set(sel.chosen[kind]) | (set() if prune else _kept(dst, kind))
        if len(staying) > lim[kind]:
            errors.append("%d %s would exceed the destination's limit of %d (%d from the source, %d more of the "
                          "destination's own); if the destination's plan allows %d, set migrate_limits: {%s: %d} "
                          "(the defaults are the documented plan defaults)"
                          % (len(staying), kind, lim[kind], len(sel.chosen[kind]), len(staying - set(sel.chosen[kind])),
                             len(staying), kind, len(staying)))
    for name in sorted(sel.chosen["audiences"]):
        rules = count_rules(sel.items["audiences"][name].get("definition"))
        if rules > lim["rules_per_audience"]:
            errors.append("audience %r has %d rules, over the limit of %d" % (name, rules, lim["rules_per_audience"]))
    for name in sorted(sel.chosen["experiences"]):
        for spec in sel.versions_of(name)["versions"]:
            if len(spec["variants"]) > lim["variants_per_experience"]:
                errors.append("experience %r has %d variants, over the limit of %d"
                              % (name, len(spec["variants"]), lim["variants_per_experience"]))
    return errors


def _version_errors(sel, plan_versions, source_raw, lim):
    """Version content the API (or the versions module) would refuse, before any write: the same
    checks as personalize_version, with names resolved in the source."""
    idx = Indexes(limits=lim, **dict((k, source_raw.get(k) or []) for k in ITEM_KINDS))
    errors = []
    for entry in plan_versions:
        exp_type = sel.items["experiences"][entry["experience"]].get("type", "segmented")
        for pos, spec in enumerate(entry["versions"]):
            try:
                normalize_spec(spec, exp_type, idx, "experience %r: versions[%d]" % (entry["experience"], pos))
            except PersonalizeInputError as exc:
                errors.append("cannot copy %s" % exc)
    return errors


def _prune_items(sel, dst, prune):
    """With prune, what the destination has beyond the plan goes, as module items (state absent)."""
    return dict((kind, [{_identity(kind): n, "state": "absent"} for n in sorted(_kept(dst, kind) - sel.chosen[kind])]
                 if prune else []) for kind in ITEM_KINDS)


def _read(source_raw, dest_raw):
    """(source, destination, error) in the portable form; a destination of None is an empty project."""
    try:
        src = portable_from_raw(source_raw)
    except PersonalizeInputError as exc:
        return None, None, "the source cannot be copied as it is: %s" % exc
    try:
        dst = portable_from_raw(dict((t, []) for t in LOAD_ORDER) if dest_raw is None else dest_raw)
    except PersonalizeInputError as exc:
        return None, None, "the destination cannot be read as a project: %s" % exc
    return src, dst, None


def build_plan(source_raw, dest_raw=None, activation="mirror", include=None, exclude=None,
               allow_skips=False, prune=False, limits=None, repair_duplicates=False):
    """The validated load plan of a copy; ``dest_raw`` None for a destination not created yet."""
    if activation not in ACTIVATIONS:
        return _refused("migrate_activation must be one of %s, got %r" % (", ".join(ACTIVATIONS), activation))
    src, dst, error = _read(source_raw, dest_raw)
    if error:
        return _refused(error)
    sel = _Selection(src, include, exclude)
    sel.add_dependencies()
    sel.skip_lytics(allow_skips)
    lim = validate.limits(limits)
    errors = sel.errors + _limit_errors(sel, dst, lim, prune)
    plan = {"errors": errors, "notes": sel.notes, "skipped": sel.skipped, "activation": activation}
    for kind in ITEM_KINDS:
        plan[kind] = [sel.items[kind][n] for n in sorted(sel.chosen[kind])]
    plan["versions"] = [{"experience": name, "versions": _desired_versions(sel.versions_of(name), activation)}
                        for name in sorted(sel.chosen["experiences"])]
    errors.extend(_version_errors(sel, plan["versions"], source_raw, lim))
    plan["priority"] = [n for n in src["priority"] if n in sel.chosen["experiences"]]
    plan["prune"] = _prune_items(sel, dst, prune)
    # The destination's lists as the modules' plans read a project (one index for every check below).
    project = RawProject(dest_raw) if dest_raw is not None else None
    plan["duplicates"] = _duplicates(project, repair_duplicates, errors)
    plan["counts"] = dict((k, len(plan[k])) for k in ITEM_KINDS + ("versions",))
    plan["exact"] = exact_versions(activation)
    if not errors:
        # Verify's comparison, made on the destination as read: what it would find if nothing were written.
        by_task = _by_task(plan, dst, activation, prune)
        plan["differences"] = _lines(by_task)
        plan["pending"] = pending(plan, project, by_task)
        # Whether load.yml has anything to do: a load task with work, or something to prune.
        plan["load_work"] = any(plan["pending"].values()) or any(plan["prune"].values())
    return plan


def _duplicates(project, repair, errors):
    """The destination's twins (``duplicates.outcome``, found in the lists extract read: no call) and,
    in ``errors``, the line that stops the copy when they cannot be repaired or repair is not asked for."""
    found = duplicates.plan(project) if project is not None else {"duplicates": [], "repairs": [], "unresolved": []}
    out = duplicates.outcome(found)
    if out["duplicates"] and (not repair or out["unresolved"]):
        errors.append("%s. %s" % ("; ".join(out["ambiguous"]), (
            "They cannot be repaired: %s; rename or delete them by hand" % "; ".join(out["unresolved"]) if out["unresolved"] else
            "Set migrate_repair_duplicates: true to delete the identical twins nothing references (%s); "
            "run it with --check first to see the repairs" % "; ".join(out["lines"]))))
    return out


def exact_versions(activation):
    """Whether the versions task makes each experience hold exactly the planned versions (its ``exact``)."""
    return activation == "mirror"


def pending(plan, project, by_task):
    """Whether each load task has work: ``{kind: bool}`` for the item kinds, ``versions`` and
    ``priority``. ``by_task`` is verify's comparison of the plan with the destination as read
    (``_by_task``); ``project`` that destination's lists (a RawProject; None: a project still to be
    created, where every task with items has work). An item kind or the versions have
    work when verify finds them missing or different (an equal portable object is one its module
    leaves alone, or re-runs would write); the priority task when its module would reorder: it puts
    the copied experiences first, above the destination's own, which verify does not compare."""
    if project is None:
        return dict((kind, bool(plan[kind])) for kind in ITEM_KINDS + ("versions", "priority"))
    out = dict((kind, bool(by_task[kind]["load"])) for kind in ITEM_KINDS + ("versions",))
    out["priority"] = bool(plan["priority"]) and _reorders(project, plan["priority"])
    return out


def _reorders(project, order):
    """Whether personalize_priority, given ``order``, would write the project's priority order."""
    try:
        current, wanted, missing = priority.plan(project.indexes().experiences, project.priority(), order, check_mode=False)
    except PersonalizeError:
        return True  # an order its module cannot plan yet (an experience still to be created): it has work
    return bool(missing) or wanted != current


def _item_problems(kind, expected, actual, prune):
    """The verify lines of one kind: ``load`` (missing, differing: the fields of one item in one
    line), the load task's to write, and ``prune`` (extra, with prune), prune's to delete."""
    label, out, line_of = kind[:-1], {"load": [], "prune": []}, {}
    problems = out["load"]
    for diff in compare_items(BY_PLURAL[kind].name, _identity(kind), expected.get(kind) or [],
                              [i for i in actual.get(kind) or [] if not i.get("read_only")], extra=prune):
        if diff["field"] is None and diff["actual"] is None:
            problems.append("%s %r is missing in the destination" % (label, diff["item"]))
        elif diff["field"] is None:
            out["prune"].append("%s %r should have been deleted" % (label, diff["item"]))
        elif diff["item"] in line_of:
            problems[line_of[diff["item"]]] += ", " + diff["field"]
        else:
            line_of[diff["item"]] = len(problems)
            problems.append("%s %r differs in %s" % (label, diff["item"], diff["field"]))
    return out


def _by_task(expected, actual, activation="mirror", prune=False):
    """Verify's lines by the task that makes them right: per item kind ``{load, prune}``, then
    ``versions`` and ``priority`` (``{load}``)."""
    out = dict((kind, _item_problems(kind, expected, actual, prune)) for kind in ITEM_KINDS)
    have = dict((v["experience"], v["versions"]) for v in actual.get("versions") or [])
    out["versions"] = {"load": []}
    for entry in expected.get("versions") or []:
        got = have.get(entry["experience"], [])
        if activation == "draft":
            got = [v for v in got if v["status"] == "draft"]
        if got != entry["versions"]:
            out["versions"]["load"].append("versions of experience %r differ: expected %s, found %s" % (
                entry["experience"], [v["status"] for v in entry["versions"]], [v["status"] for v in got]))
    order = [n for n in actual.get("priority") or [] if n in set(expected.get("priority") or [])]
    out["priority"] = {"load": [] if order == list(expected.get("priority") or []) else [
        "experience priority order differs: expected %s, found %s" % (expected.get("priority"), order)]}
    return out


def _lines(by_task):
    """The lines of ``_by_task`` in verify's order: the item kinds alphabetically (each kind's missing and
    differing objects, then its extra ones), the versions, the priority."""
    return [line for kind in sorted(ITEM_KINDS) for part in ("load", "prune") for line in by_task[kind][part]] \
        + by_task["versions"]["load"] + by_task["priority"]["load"]


def compare(expected, actual, activation="mirror", prune=False):
    """Differences between the project the plan expects and a portable export of the destination.

    ``expected``: a plan (its items per kind, versions and priority are what the destination must
    hold afterwards), or any mapping with those keys."""
    return _lines(_by_task(expected, actual, activation, prune))


def _version_pairs(mine, theirs):
    """(source version, destination version) pairs: live with live, draft with draft."""
    return [(m, t) for m, t in zip(live_and_draft(mine), live_and_draft(theirs)) if m is not None and t is not None]


def uid_map(source_raw, dest_raw):
    """Source uid -> destination uid per kind, by key or name; variant shortUids per experience."""
    out = {}
    for kind in ITEM_KINDS:
        ident, dest = _identity(kind), {}
        for raw in dest_raw.get(kind) or []:
            dest.setdefault(raw.get(ident), raw.get("uid"))
        out[kind] = dict((raw["uid"], dest[raw.get(ident)]) for raw in source_raw.get(kind) or []
                         if raw.get(ident) in dest and raw.get("__type") != "PRESET")
    dest_versions = dict((v["name"], v["versions"]) for v in dest_raw.get("versions") or [])
    out["versions"] = {}
    out["variants"] = {}
    for entry in source_raw.get("versions") or []:
        for mine, match in _version_pairs(entry["versions"], dest_versions.get(entry["name"])):
            out["versions"][mine["uid"]] = match["uid"]
            by_name = dict((x.get("name"), x.get("shortUid")) for x in match.get("variants") or [])
            variants = out["variants"].setdefault(entry["experience"], {})
            for variant in mine.get("variants") or []:
                if variant.get("name") in by_name:
                    variants[str(variant.get("shortUid"))] = by_name[variant["name"]]
    return out
