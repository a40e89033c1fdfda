# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: the copy role's stack phase, planned before any write.

Input: the Personalize plan (module_utils/migrate.py), the raw exports of both projects (their
experiences carry ``_cms``: the group and the CMS variant uid of each variant shortUid), and one
*stack read* per side, as the ``personalize_stack`` lookup returns it::

    {"stack": {api_key, name, org_uid, master_locale}, "branch": "main",
     "project": {uid, found, connected_stack_api_key},       # the project's connection as listed
     "locales": [code, ...], "content_types": [uid, ...],
     "groups": [{uid, name, experience_uid, content_types: [uid, ...]}],   # the linked ones
     "entries": {content type uid: [entry uid, ...]},                      # the content types read
     "entry_variants": [{content_type, entry, locale, variant, fields, change_set}],
     "api_calls": {calls, retries, throttled, cma_calls, refreshes}}      # client.CALL_COUNTS

Output: the links per destination experience and the entry variants, both in the modules' form
(experience and variant by name, never a CMS uid), what each would change, the errors of the
validate phase, and after the writes the maps and the verify lines. Nothing here talks to an API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.contentstack.personalize.plugins.module_utils.client import CALL_COUNTS
from ansible_collections.contentstack.personalize.plugins.module_utils.stack import cms_of, cms_ready, entry_variant_changed
from ansible_collections.contentstack.personalize.plugins.module_utils.versions import live_and_draft

ENTRY_VARIANT_CHANGES = ("create", "update", "unchanged")


# -- what the raw Personalize exports say about the CMS side --------------------------------
def variant_names(raw_export):
    """{experience uid: {variant shortUid: variant name}} from a raw export's versions: the live and
    draft versions first, then the archived ones for shortUids only they hold."""
    out = {}
    for entry in raw_export.get("versions") or []:
        names = out.setdefault(entry.get("experience"), {})
        versions = entry.get("versions") or []
        current = [v for v in live_and_draft(versions) if v is not None]
        for version in current + [v for v in versions if v not in current]:
            for variant in version.get("variants") or []:
                names.setdefault(str(variant.get("shortUid")), variant.get("name"))
    return out


def _by_name(raw_export):
    return dict((e.get("name"), e) for e in raw_export.get("experiences") or [])


def _groups_by_experience(stack):
    return dict((g.get("experience_uid"), g) for g in (stack or {}).get("groups") or [] if g.get("experience_uid"))


def _group_of(experience, stack):
    """The stack's group of a raw experience (by ``_cms.variantGroup``, else by the group's
    experience uid), or None while Personalize has not made it."""
    uid = cms_of(experience)[0]
    groups = (stack or {}).get("groups") or []
    return next((g for g in groups if uid and g.get("uid") == uid), None) or _groups_by_experience(stack).get(experience.get("uid"))


# -- inputs -------------------------------------------------------------------------------
def entry_uid_map(path):
    """(the map, None) from the file ``path`` (the CLI's mapper/entries/uid-mapping.json: a JSON
    object of {source entry uid: destination entry uid}), or (None, the error naming the file);
    ({}, None) without a path (entries keep their uids)."""
    if not path:
        return {}, None
    what = "migrate_entry_uid_map: %s" % path
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (IOError, OSError) as exc:
        return None, "%s cannot be read: %s" % (what, exc.strerror or exc)
    except ValueError as exc:
        return None, "%s is not JSON: %s" % (what, exc)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return None, "%s must be a JSON object of strings {source entry uid: destination entry uid}, got %s" % (
            what, type(data).__name__ if not isinstance(data, dict) else "an object whose values are not all strings")
    return data, None


def settings(inputs, sides):
    """The stack phase's settings from the typed role inputs (``_migrate_in``): ``on`` (both sides
    name a stack), ``content_types``, ``entry_variants``, ``locales`` (None: the source's master
    locale), ``timeout``, ``entry_uid_map`` (loaded) and ``errors``."""
    keys = [str((inputs.get(side) or {}).get("stack_api_key") or "").strip() for side in sides]
    on = all(keys)
    out = {"on": on, "content_types": inputs.get("content_types"), "entry_variants": bool(inputs.get("entry_variants")),
           "locales": inputs.get("locales") or None, "timeout": inputs.get("cms_timeout") or 120, "errors": []}
    if out["content_types"] is None:
        out["content_types"] = on
    if not on:
        for name in ("content_types", "entry_variants"):
            if out[name]:
                out["errors"].append("migrate_%s needs a stack on both sides: give stack_api_key in migrate_source and "
                                     "migrate_destination (missing in %s)" % (name, " and ".join(
                                         "migrate_" + s for s, k in zip(sides, keys) if not k)))
        out["content_types"] = out["entry_variants"] = False
    out["entry_uid_map"], error = entry_uid_map(inputs.get("entry_uid_map"))
    if error:
        out["errors"].append(error)
    return out


# -- the plan -----------------------------------------------------------------------------
def _connection_errors(dst_stack, destination_missing):
    """The destination project must be connected to the destination stack (a project to create is
    created connected to it)."""
    if destination_missing:
        return []
    project, api_key = dst_stack.get("project") or {}, (dst_stack.get("stack") or {}).get("api_key")
    connected = project.get("connected_stack_api_key")
    if not project.get("found"):
        org = (dst_stack.get("stack") or {}).get("org_uid")
        return ["the destination project %s is not among the projects of the stack's organization %s, so it is not "
                "connected to the destination stack %s" % (project.get("uid"), org, api_key)]
    if not connected:
        return ["the destination project %s is connected to no stack, not to the destination stack %s (a project's stack "
                "is set when it is created; connect it in the Personalize UI)" % (project.get("uid"), api_key)]
    if connected != api_key:
        return ["the destination project %s is connected to another stack (%s), not to the destination stack %s"
                % (project.get("uid"), connected, api_key)]
    return []


def _links(chosen, src_raw, dst_raw, src_stack, dst_stack, exact):
    """One item per chosen experience whose source group is linked to content types, and what it would change."""
    items, changes, errors = [], [], []
    have = set(dst_stack.get("content_types") or [])
    dst_exps = _by_name(dst_raw or {})
    for name in chosen:
        exp = _by_name(src_raw).get(name)
        group = _group_of(exp, src_stack) if exp else None
        wanted = list((group or {}).get("content_types") or [])
        missing = [ct for ct in wanted if ct not in have]
        if missing:
            errors.append("experience %r: content type(s) %s linked in the source stack are missing in the destination stack %s"
                          % (name, ", ".join(missing), (dst_stack.get("stack") or {}).get("api_key")))
            continue
        current = _group_of(dst_exps[name], dst_stack) if name in dst_exps else None
        linked = set((current or {}).get("content_types") or [])
        add = [ct for ct in wanted if ct not in linked]
        remove = sorted(linked - set(wanted)) if exact else []
        if wanted or remove:
            items.append({"experience": name, "content_types": wanted, "state": "present", "exact": bool(exact)})
        if add or remove:
            changes.append({"experience": name, "add": add, "remove": remove, "group": "exists" if current else "pending"})
    return items, changes, errors


def _source_variant(src_raw, names):
    """{source CMS variant uid: (experience name, shortUid, variant name)}."""
    out = {}
    for exp in src_raw.get("experiences") or []:
        for short, cms_uid in cms_of(exp)[1].items():
            out[cms_uid] = (exp.get("name"), short, names.get(exp.get("uid"), {}).get(short))
    return out


def _dest_entry(record, uid_map, dst_stack):
    """The destination entry uid of a source entry variant, or None when the destination stack has none."""
    target = uid_map.get(record["entry"], record["entry"])
    return target if target in set((dst_stack.get("entries") or {}).get(record["content_type"]) or []) else None


def _dest_cms_uid(dst_raw, experience, short):
    exp = _by_name(dst_raw or {}).get(experience)
    return cms_of(exp)[1].get(short) if exp else None


def _existing_variant(dst_stack, ct, entry, locale, cms_uid):
    for record in dst_stack.get("entry_variants") or []:
        if (record.get("content_type"), record.get("entry"), record.get("locale"), record.get("variant")) == (ct, entry, locale, cms_uid):
            return record
    return None


def entry_variant_change(item, existing):
    """create, update or unchanged: an entry variant is unchanged when its fields and change set are
    the source's (the change set in any order)."""
    if existing is None:
        return "create"
    return "update" if entry_variant_changed(existing, item) else "unchanged"


def _label(item):
    return "%s/%s %s: %s / %s" % (item["content_type"], item["entry"], item["locale"], item["experience"], item["variant"])


def _entry_variants(chosen, src_raw, dst_raw, src_stack, dst_stack, opts):
    """The entry variants to write (module items), their changes, the errors and the skips."""
    out = {"items": [], "writes": [], "changes": dict((c, []) for c in ENTRY_VARIANT_CHANGES), "errors": [], "skipped": [],
           "left_out": 0}
    source = _source_variant(src_raw, variant_names(src_raw))
    locales = opts["locales"]
    for record in src_stack.get("entry_variants") or []:
        if record.get("locale") not in locales:
            continue
        experience, short, variant = source.get(record.get("variant"), (None, None, None))
        if experience is None:
            out["errors"].append("entry %s of content type %s (%s) has a variant on CMS variant %s, which no source experience "
                                 "has" % (record["entry"], record["content_type"], record["locale"], record.get("variant")))
            continue
        if experience not in chosen:
            out["left_out"] += 1
            continue
        target = _dest_entry(record, opts["entry_uid_map"], dst_stack)
        if target is None:
            why = ("entry %s of content type %s has variants (%s, experience %r) but the destination stack has no entry %s"
                   % (record["entry"], record["content_type"], record["locale"], experience,
                      opts["entry_uid_map"].get(record["entry"], record["entry"])))
            (out["skipped"] if opts["allow_skips"] else out["errors"]).append(why)
            continue
        item = {"content_type": record["content_type"], "entry": target, "locale": record["locale"],
                "experience": experience, "variant": variant, "fields": dict(record.get("fields") or {}),
                "change_set": list(record.get("change_set") or sorted(record.get("fields") or {}))}
        cms_uid = _dest_cms_uid(dst_raw, experience, short)
        existing = _existing_variant(dst_stack, item["content_type"], target, item["locale"], cms_uid) if cms_uid else None
        change = entry_variant_change(item, existing)
        out["items"].append(item)
        out["changes"][change].append(_label(item))
        if change != "unchanged":
            out["writes"].append(item)
    return out


def _locale_errors(locales, src_stack, dst_stack):
    errors = []
    for side, stack in (("source", src_stack), ("destination", dst_stack)):
        have = set(stack.get("locales") or [])
        missing = [code for code in locales if code not in have]
        if missing:
            errors.append("migrate_locales: locale(s) %s not in the %s stack %s (it has %s)" % (
                ", ".join(missing), side, (stack.get("stack") or {}).get("api_key"), ", ".join(sorted(have)) or "none"))
    return errors


def build(plan, src_raw, dst_raw, src_stack, dst_stack, opts):
    """The stack phase's plan. ``plan`` is the Personalize plan (its experiences are the chosen
    ones); ``dst_raw`` None for a destination project still to be created; ``opts`` holds
    ``content_types``, ``entry_variants``, ``locales`` (None: the source's master locale),
    ``entry_uid_map``, ``allow_skips``, ``prune`` (links not in the source are removed) and
    ``destination_missing``.

    Returns ``links`` (personalize_variant_group items), ``link_changes``, ``entry_variants``
    (personalize_entry_variant items), ``entry_variant_changes`` (labels by create, update,
    unchanged), ``link_writes`` and ``entry_variant_writes`` (the items that change: what the
    write tasks get, so that a no-change run sends the modules nothing to read again), ``locales``,
    ``errors``, ``skipped`` and ``counts``."""
    chosen = [e.get("name") for e in plan.get("experiences") or []]
    locales = list(opts.get("locales") or [(src_stack.get("stack") or {}).get("master_locale")])
    errors = _connection_errors(dst_stack, opts.get("destination_missing")) + _locale_errors(locales, src_stack, dst_stack)
    out = {"links": [], "link_changes": [], "link_writes": [], "entry_variants": [], "entry_variant_writes": [],
           "skipped": [], "locales": locales,
           "entry_variant_changes": dict((c, []) for c in ENTRY_VARIANT_CHANGES), "left_out": 0}
    if opts.get("content_types"):
        out["links"], out["link_changes"], link_errors = _links(chosen, src_raw, dst_raw, src_stack, dst_stack, opts.get("prune"))
        changing = set(c["experience"] for c in out["link_changes"])
        out["link_writes"] = [i for i in out["links"] if i["experience"] in changing]
        errors += link_errors
    if opts.get("entry_variants"):
        found = _entry_variants(set(chosen), src_raw, dst_raw, src_stack, dst_stack, dict(opts, locales=locales))
        out["entry_variants"], out["entry_variant_changes"] = found["items"], found["changes"]
        out["entry_variant_writes"] = found["writes"]
        out["skipped"], out["left_out"] = found["skipped"], found["left_out"]
        errors += found["errors"]
    out["errors"] = errors
    out["counts"] = {"links": len(out["link_changes"]), "entry_variants": dict(
        (c, len(out["entry_variant_changes"][c])) for c in ENTRY_VARIANT_CHANGES), "skipped": len(out["skipped"])}
    return out


def off():
    """The plan of a copy without a stack phase."""
    return {"links": [], "link_changes": [], "link_writes": [], "entry_variants": [], "entry_variant_writes": [], "skipped": [],
            "locales": [], "errors": [], "left_out": 0,
            "wait_for": {}, "pending": [], "on": False, "entry_variant_changes": dict((c, []) for c in ENTRY_VARIANT_CHANGES),
            "counts": {"links": 0, "entry_variants": dict((c, 0) for c in ENTRY_VARIANT_CHANGES), "skipped": 0}}


# -- the wait -------------------------------------------------------------------------------
def wanted_short_uids(plan):
    """{experience name: the variant shortUids its planned versions have}."""
    out = {}
    for entry in plan.get("versions") or []:
        out[entry["experience"]] = sorted(set(str(v.get("shortUid")) for spec in entry.get("versions") or []
                                              for v in spec.get("variants") or [] if v.get("shortUid") is not None))
    return out


def pending(experiences, wanted):
    """The names of the experiences (raw, of the destination) whose group or CMS variants
    Personalize has not made yet; ``wanted`` maps a name to the shortUids it must have (an
    experience without variants gets no group, so it is never waited for)."""
    by_name = dict((e.get("name"), e) for e in experiences or [])
    return [name for name in sorted(wanted) if wanted[name] and not cms_ready(by_name.get(name), wanted[name])]


# -- after the writes ---------------------------------------------------------------------
def maps(src_raw, dst_raw):
    """``variant_groups`` {source group uid: destination group uid} and ``cms_variants`` {source CMS
    variant uid: destination CMS variant uid} (the CLI's variants-uid-mapping.json shape), joined on
    the experience's name and the variant's shortUid, checked by the variant's name; and
    ``mismatches``, the variants whose names differ (left out of the map)."""
    src_names, dst_names = variant_names(src_raw), variant_names(dst_raw)
    dst_by_name = _by_name(dst_raw)
    out = {"variant_groups": {}, "cms_variants": {}, "mismatches": []}
    for exp in src_raw.get("experiences") or []:
        other = dst_by_name.get(exp.get("name"))
        if other is None:
            continue
        (group, variants), (other_group, other_variants) = cms_of(exp), cms_of(other)
        if group and other_group:
            out["variant_groups"][group] = other_group
        for short, cms_uid in sorted(variants.items()):
            if short not in other_variants:
                continue
            mine, theirs = src_names.get(exp.get("uid"), {}).get(short), dst_names.get(other.get("uid"), {}).get(short)
            if mine != theirs:
                out["mismatches"].append("experience %r variant %s is %r in the source and %r in the destination"
                                         % (exp.get("name"), short, mine, theirs))
                continue
            out["cms_variants"][cms_uid] = other_variants[short]
    return out


def compare(stack_plan, dst_raw, dst_stack):
    """The verify lines of the stack side: a group not linked as planned, an entry variant missing or
    different on its destination entry and CMS variant."""
    problems = []
    exps = _by_name(dst_raw)
    for link in stack_plan.get("links") or []:
        group = _group_of(exps[link["experience"]], dst_stack) if link["experience"] in exps else None
        linked = set((group or {}).get("content_types") or [])
        missing = [ct for ct in link["content_types"] if ct not in linked]
        extra = sorted(linked - set(link["content_types"])) if link.get("exact") else []
        if group is None:
            problems.append("experience %r has no variant group in the destination stack" % link["experience"])
        elif missing or extra:
            problems.append("the variant group of experience %r is not linked as planned: %s" % (link["experience"], "; ".join(
                part for part in ("missing %s" % ", ".join(missing) if missing else "", "extra %s" % ", ".join(extra) if extra else "")
                if part)))
    names = variant_names(dst_raw)
    for item in stack_plan.get("entry_variants") or []:
        exp = exps.get(item["experience"]) or {}
        shorts = [s for s, n in names.get(exp.get("uid"), {}).items() if n == item["variant"]]
        cms_uid = cms_of(exp)[1].get(shorts[0]) if shorts else None
        existing = _existing_variant(dst_stack, item["content_type"], item["entry"], item["locale"], cms_uid) if cms_uid else None
        change = entry_variant_change(item, existing)
        if change != "unchanged":
            problems.append("entry variant %s is %s" % (_label(item), "missing" if change == "create" else "different"))
    return problems


def _summed(calls):
    return dict((key, sum(int((c or {}).get(key) or 0) for c in calls)) for key in CALL_COUNTS)


def report(stack_plan, links_result=None, variants_result=None, calls=None, check_mode=False):
    """The ``stack`` section of report.json: groups linked, entry variants created / updated /
    unchanged / skipped, and the CMA calls by side. Counts come from the modules' results; in
    check mode (or when a module did not run) from the plan."""
    words = ("created", "updated", "unchanged")
    counts = dict((word, len(stack_plan["entry_variant_changes"][c])) for c, word in zip(ENTRY_VARIANT_CHANGES, words))
    summary = (variants_result or {}).get("summary")
    if summary and not check_mode:
        # The module got only what the plan found to change; the plan's unchanged ones count too.
        counts = dict((word, int(summary.get(word) or 0) + (counts["unchanged"] if word == "unchanged" else 0)) for word in words)
    linked = len(stack_plan.get("link_changes") or [])
    if links_result and not check_mode and "results" in links_result:
        linked = len([r for r in links_result["results"] if r.get("changed")])
    return {
        "groups_linked": linked,
        "links": [dict(c) for c in stack_plan.get("link_changes") or []],
        "entry_variants": dict(counts, skipped=len(stack_plan.get("skipped") or [])),
        "skipped": list(stack_plan.get("skipped") or []),
        "locales": list(stack_plan.get("locales") or []),
        "cma_calls": dict((side, _summed(c)) for side, c in sorted((calls or {}).items())),
    }


# -- the role's steps -----------------------------------------------------------------------
def linked_content_types(stack):
    """The content types linked to any group of a stack read, sorted."""
    return sorted(set(ct for g in (stack or {}).get("groups") or [] for ct in g.get("content_types") or []))


def reads(settings, source_stack=None):
    """What the personalize_stack lookup reads of a side: of the source (``source_stack`` None) the
    entries of its linked content types and their variants; of the destination the content types
    linked in the source and the variants of the entries the source's map to."""
    out = {"entry_variants": bool(settings.get("entry_variants"))}
    if settings.get("locales"):
        out["locales"] = list(settings["locales"])
    if source_stack is None:
        return out
    uid_map = settings.get("entry_uid_map") or {}
    out["content_types"] = linked_content_types(source_stack)
    out["locales"] = out.get("locales") or [(source_stack.get("stack") or {}).get("master_locale")]
    entries = {}
    for record in source_stack.get("entry_variants") or []:
        target = uid_map.get(record["entry"], record["entry"])
        if target not in entries.setdefault(record["content_type"], []):
            entries[record["content_type"]].append(target)
    out["entries"] = entries
    return out


def _read_errors(src_stack, dst_stack):
    return ["cannot read the %s stack: %s" % (side, str(stack["error"]).rstrip("."))
            for side, stack in (("source", src_stack), ("destination", dst_stack)) if "error" in (stack or {})]


def with_plan(plan, src_raw, dst_raw, src_stack, dst_stack, opts):
    """The Personalize plan with the stack phase's plan under ``stack`` (``build``'s, plus
    ``wait_for``: {experience name: the shortUids whose CMS variants the stack phase needs}), its
    errors and skips added to the plan's; ``opts`` is ``settings``' output with ``allow_skips``,
    ``prune`` and ``destination_missing``."""
    out = dict(plan)
    errors = list(opts.get("errors") or [])
    stack = off()
    if opts.get("on"):
        errors += _read_errors(src_stack, dst_stack)
        if not errors:
            stack = build(plan, src_raw, dst_raw, src_stack, dst_stack, opts)
            errors += stack["errors"]
            needed = set(i["experience"] for i in stack["links"] + stack["entry_variants"])
            stack["wait_for"] = dict((n, s) for n, s in wanted_short_uids(plan).items() if n in needed)
            stack["pending"] = pending((dst_raw or {}).get("experiences") or [], stack["wait_for"])
    stack["on"] = bool(opts.get("on"))
    out["errors"] = list(plan.get("errors") or []) + errors
    out["skipped"] = list(plan.get("skipped") or []) + ["entry variant of %s" % s for s in stack["skipped"]]
    out["stack"] = stack
    return out


def summary_line(section):
    """The stack phase's line in the copy's summary, from its ``report`` section."""
    evs, calls = section["entry_variants"], section["cma_calls"]
    return ("stack: %d variant groups linked; entry variants: %d created, %d updated, %d unchanged, %d skipped; "
            "stack phase calls: destination %d, source %d" % (
                section["groups_linked"], evs["created"], evs["updated"], evs["unchanged"], evs["skipped"],
                calls.get("destination", {}).get("calls", 0), calls.get("source", {}).get("calls", 0)))


def result(stack_plan, src_raw, dst_raw, dst_stack, links=None, entry_variants=None, reads=None, check_mode=False):
    """After the stack phase: ``variant_groups``, ``cms_variants``, ``uid_map`` (both, for
    personalize_uid_map; empty when the phase is off), ``problems``, ``report`` (None when off) and
    ``section``, the copy report's ``stack`` section (None when off): its ``report``, summary ``line``
    and ``calls``, the lookups' ``reads`` by side (``{side: [api_calls]}``; the two modules' calls are
    in their own results, which the report counts already). ``links`` and ``entry_variants`` are the
    modules' registered results; their ``api_calls`` count in the section's CMA calls."""
    out = {"variant_groups": {}, "cms_variants": {}, "problems": [], "report": None, "section": None}
    if not check_mode and stack_plan.get("on") and src_raw is not None and dst_raw is not None:
        found = maps(src_raw, dst_raw)
        out["variant_groups"], out["cms_variants"] = found["variant_groups"], found["cms_variants"]
        if dst_stack is not None:
            out["problems"] = compare(stack_plan, dst_raw, dst_stack)
    out["uid_map"] = dict((k, out[k]) for k in ("variant_groups", "cms_variants")) if stack_plan.get("on") else {}
    if stack_plan.get("on"):
        reads = dict((side, list(calls or [])) for side, calls in (reads or {}).items())
        modules = [(r or {}).get("api_calls") or {} for r in (links, entry_variants)]
        calls = dict(reads, destination=reads.get("destination", []) + modules)
        out["report"] = report(stack_plan, links, entry_variants, calls, check_mode)
        out["section"] = {"report": out["report"], "line": summary_line(out["report"]), "calls": reads}
    return out


def check_lines(stack_plan):
    """What check mode says the stack phase would do: each link and each entry variant to write,
    also for the experiences whose groups Personalize has not made yet."""
    lines = []
    for change in stack_plan.get("link_changes") or []:
        lines.append("would link the variant group of %r%s: %s" % (
            change["experience"], " (once Personalize has made it)" if change["group"] == "pending" else "",
            "; ".join(part for part in ("link %s" % ", ".join(change["add"]) if change["add"] else "",
                                        "unlink %s" % ", ".join(change["remove"]) if change["remove"] else "") if part)))
    changes = stack_plan.get("entry_variant_changes") or {}
    for word, change in (("create", "create"), ("update", "update")):
        lines.extend("would %s entry variant %s" % (word, label) for label in changes.get(change) or [])
    lines.append("stack: %d variant groups to link, entry variants %d to create, %d to update, %d unchanged, %d skipped" % (
        len(stack_plan.get("link_changes") or []), len(changes.get("create") or []), len(changes.get("update") or []),
        len(changes.get("unchanged") or []), len(stack_plan.get("skipped") or [])))
    return lines
