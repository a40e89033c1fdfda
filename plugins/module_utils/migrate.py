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

from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import (
    Indexes,
    count_rules,
    walk_custom_refs,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.versions import normalize_spec

ACTIVATIONS = ("mirror", "draft", "all")
DEFAULT_LIMITS = {"attributes": 100, "events": 100, "audiences": 100, "experiences": 100,
                  "rules_per_audience": 50, "variants_per_experience": 20}
IDENTITY = {"attributes": "key", "events": "key", "audiences": "name", "experiences": "name"}


def _match(name, patterns):
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


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


def _lytics_attribute_refs(definition):
    if not definition:
        return False
    if "rules" in definition:
        return any(_lytics_attribute_refs(r) for r in definition["rules"])
    return definition.get("attribute", {}).get("__type") == "LyticsAttributeReference"


def _desired_versions(entry, activation):
    live = [v for v in entry["versions"] if v["status"] in ("active", "paused")]
    draft = [v for v in entry["versions"] if v["status"] == "draft"]
    if activation == "mirror":
        return copy.deepcopy(entry["versions"])
    latest = (draft or live)[-1:]
    if not latest:
        return []
    status = "draft" if activation == "draft" else "active"
    return [dict(copy.deepcopy(latest[0]), status=status)]


def _refused(error):
    """A plan that only carries its error (the validate phase reports it and stops)."""
    return {"errors": [error], "notes": [], "skipped": []}


def build_plan(source_raw, dest_raw, activation="mirror", include=None, exclude=None,
               allow_skips=False, prune=False, limits=None):
    if activation not in ACTIVATIONS:
        return _refused("migrate_activation must be one of %s, got %r" % (", ".join(ACTIVATIONS), activation))
    try:
        src = portable_from_raw(source_raw)
    except PersonalizeInputError as exc:
        return _refused("the source cannot be copied as it is: %s" % exc)
    try:
        dst = portable_from_raw(dest_raw)
    except PersonalizeInputError as exc:
        return _refused("the destination cannot be read as a project: %s" % exc)
    include = list(include or ["*"])
    exclude = list(exclude or [])
    lim = dict(DEFAULT_LIMITS, **(limits or {}))
    errors, notes, skipped = [], [], []

    items = dict((kind, dict((i[IDENTITY[kind]], i) for i in src[kind])) for kind in IDENTITY)
    versions = dict((v["experience"], v) for v in src["versions"])

    # 1. what the patterns select
    chosen = dict((kind, set(n for n in items[kind] if _match(n, include) and not _match(n, exclude)))
                  for kind in IDENTITY)

    def need(kind, name, why):
        if name in chosen[kind]:
            return
        if name not in items[kind]:
            errors.append("%s %r is needed by %s but does not exist in the source" % (kind[:-1], name, why))
            return
        if _match(name, exclude):
            errors.append("%s %r is excluded, but %s needs it" % (kind[:-1], name, why))
            return
        chosen[kind].add(name)
        notes.append("%s %r included because %s needs it" % (kind[:-1], name, why))

    # 2. dependencies come along: experiences -> audiences/events, audiences -> attributes
    for name in sorted(chosen["experiences"]):
        audiences, events = _deps_of_versions(versions.get(name, {"versions": []}))
        for aud in sorted(audiences):
            need("audiences", aud, "experience %r" % name)
        for event in sorted(events):
            need("events", event, "experience %r" % name)
    for name in sorted(chosen["audiences"]):
        for key in sorted(set(walk_custom_refs(items["audiences"][name].get("definition")))):
            need("attributes", key, "audience %r" % name)

    # 3. what the API cannot create: Lytics audiences and everything that depends on them
    lytics = set(n for n in chosen["audiences"]
                 if items["audiences"][n].get("read_only") or _lytics_attribute_refs(items["audiences"][n].get("definition")))
    for name in sorted(lytics):
        skipped.append("audience %r: Lytics audiences cannot be created through the API" % name)
        chosen["audiences"].discard(name)
    for name in sorted(chosen["experiences"]):
        audiences = _deps_of_versions(versions.get(name, {"versions": []}))[0]
        bad = sorted(audiences & lytics)
        if bad:
            skipped.append("experience %r: its variants or targeting use Lytics audience(s) %s"
                           % (name, ", ".join(repr(b) for b in bad)))
            chosen["experiences"].discard(name)
    if skipped and not allow_skips:
        errors.extend("cannot copy %s (set migrate_allow_skips to copy the rest and report these)" % s
                      for s in skipped)

    # 4. limits, counting what stays in the destination
    for kind in IDENTITY:
        staying = set(chosen[kind])
        if not prune:
            staying |= set(i[IDENTITY[kind]] for i in dst[kind] if not i.get("read_only"))
        if len(staying) > lim[kind]:
            errors.append("%d %s would exceed the destination's limit of %d" % (len(staying), kind, lim[kind]))
    for name in sorted(chosen["audiences"]):
        rules = count_rules(items["audiences"][name].get("definition"))
        if rules > lim["rules_per_audience"]:
            errors.append("audience %r has %d rules, over the limit of %d" % (name, rules, lim["rules_per_audience"]))
    for name in sorted(chosen["experiences"]):
        for spec in versions.get(name, {"versions": []})["versions"]:
            if len(spec["variants"]) > lim["variants_per_experience"]:
                errors.append("experience %r has %d variants, over the limit of %d"
                              % (name, len(spec["variants"]), lim["variants_per_experience"]))

    plan = {"errors": errors, "notes": notes, "skipped": skipped, "activation": activation}
    for kind in IDENTITY:
        plan[kind] = [items[kind][n] for n in sorted(chosen[kind])]
    plan["versions"] = []
    for name in sorted(chosen["experiences"]):
        entry = versions.get(name, {"experience": name, "versions": []})
        plan["versions"].append({"experience": name, "versions": _desired_versions(entry, activation)})
    # Version content the API (or the versions module) would refuse fails here, before any write:
    # the same checks as personalize_version, with names resolved in the source.
    idx = Indexes(**dict((k, source_raw.get(k) or []) for k in ("attributes", "events", "audiences", "experiences")))
    for entry in plan["versions"]:
        exp_type = items["experiences"][entry["experience"]].get("type", "segmented")
        for pos, spec in enumerate(entry["versions"]):
            try:
                normalize_spec(spec, exp_type, idx, "experience %r: versions[%d]" % (entry["experience"], pos))
            except PersonalizeInputError as exc:
                errors.append("cannot copy %s" % exc)
    plan["priority"] = [n for n in src["priority"] if n in chosen["experiences"]]
    # With prune, what the destination has beyond the plan goes, as module items (state absent).
    plan["prune"] = dict((kind, [{IDENTITY[kind]: n, "state": "absent"} for n in sorted(
        i[IDENTITY[kind]] for i in dst[kind] if not i.get("read_only") and i[IDENTITY[kind]] not in chosen[kind])]
        if prune else []) for kind in IDENTITY)
    plan["counts"] = dict((k, len(plan[k])) for k in list(IDENTITY) + ["versions"])
    return plan


def compare(expected, actual, activation="mirror", prune=False):
    # ``expected``: a plan (its items per kind, versions and priority are what the destination
    # must hold afterwards), or any mapping with those keys.
    """Differences between the project the plan expects and a portable export of the destination."""
    problems = []
    for kind, ident in sorted(IDENTITY.items()):
        have = dict((i[ident], i) for i in actual.get(kind) or [] if not i.get("read_only"))
        for item in expected.get(kind) or []:
            name = item[ident]
            if name not in have:
                problems.append("%s %r is missing in the destination" % (kind[:-1], name))
            elif have[name] != item:
                fields = sorted(f for f in set(item) | set(have[name]) if item.get(f) != have[name].get(f))
                problems.append("%s %r differs in %s" % (kind[:-1], name, ", ".join(fields)))
        if prune:
            extra = sorted(set(have) - set(i[ident] for i in expected.get(kind) or []))
            problems.extend("%s %r should have been deleted" % (kind[:-1], n) for n in extra)
    have = dict((v["experience"], v["versions"]) for v in actual.get("versions") or [])
    for entry in expected.get("versions") or []:
        got = have.get(entry["experience"], [])
        if activation == "draft":
            got = [v for v in got if v["status"] == "draft"]
        if got != entry["versions"]:
            problems.append("versions of experience %r differ: expected %s, found %s" % (
                entry["experience"], [v["status"] for v in entry["versions"]], [v["status"] for v in got]))
    order = [n for n in actual.get("priority") or [] if n in set(expected.get("priority") or [])]
    if order != list(expected.get("priority") or []):
        problems.append("experience priority order differs: expected %s, found %s" % (expected.get("priority"), order))
    return problems


def uid_map(source_raw, dest_raw):
    """Source uid -> destination uid per kind, by key or name; variant shortUids per experience."""
    out = {}
    for kind, ident in IDENTITY.items():
        dest = {}
        for raw in dest_raw.get(kind) or []:
            dest.setdefault(raw.get(ident), raw.get("uid"))
        out[kind] = dict((raw["uid"], dest[raw.get(ident)]) for raw in source_raw.get(kind) or []
                         if raw.get(ident) in dest and raw.get("__type") != "PRESET")
    dest_versions = dict((v["name"], v["versions"]) for v in dest_raw.get("versions") or [])
    out["versions"] = {}
    out["variants"] = {}
    for entry in source_raw.get("versions") or []:
        theirs = dest_versions.get(entry["name"])
        if theirs is None:
            continue
        for status_group in (("ACTIVE", "PAUSED"), ("DRAFT",)):
            mine = [v for v in entry["versions"] if v.get("status") in status_group]
            match = [v for v in theirs if v.get("status") in status_group]
            if mine and match:
                out["versions"][mine[0]["uid"]] = match[0]["uid"]
                by_name = dict((x.get("name"), x.get("shortUid")) for x in match[0].get("variants") or [])
                variants = out["variants"].setdefault(entry["experience"], {})
                for variant in mine[0].get("variants") or []:
                    if variant.get("name") in by_name:
                        variants[str(variant.get("shortUid"))] = by_name[variant["name"]]
    return out
