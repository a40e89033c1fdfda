# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: the data shaping of the ``migrate`` role.

The role's YAML holds the sequence of its phases; what it decides and reports from the data is
here (the filters of ``plugins/filter/migrate.py`` call it). No API call, and of Ansible only
``ansible.module_utils`` (the argument spec validator):

* ``inputs``: the role's variables typed by its own argument spec, as Ansible types module
  arguments (``-e migrate_prune=false`` is False), or the errors naming each variable;
* ``endpoints``: before any read, the endpoint of each side, whether both are one project, which
  sides to read, and the connection errors, each naming its side;
* ``sides``: after the export lookup (``on_error=return``), what each side holds, and every error
  that stops the copy in its validate phase;
* ``progress``: the one plain-words line each phase prints;
* ``loaded``: whether the load tasks wrote anything, and the destination as this run read it;
* ``report``: ``report.json`` and the summary lines, from the registered results by kind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.contentstack.personalize.plugins.module_utils.client import resolve_base_url
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.migrate_stack import check_lines

SIDES = ("source", "destination")
LOAD_KINDS = ("attributes", "events", "audiences", "experiences", "versions")
PRUNE_KINDS = ("experiences", "audiences", "attributes", "events")
VERSION_CHANGES = ("created", "updated", "activated", "paused", "resumed", "deleted")
RESULT_PREFIX = "_migrate_result_"
NO_CALLS = {"calls": 0, "retries": 0, "throttled": 0}
ROLE_PREFIX = "migrate_"
# Read by playbooks/migrate.yml (its hosts line), not by the role.
PLAYBOOK_VARS = ("migrate_hosts",)


# -- inputs ---------------------------------------------------------------------------------
def _without_nones(value):
    """A typed mapping without the options left out (the validator fills them with None)."""
    if isinstance(value, dict):
        return dict((k, _without_nones(v)) for k, v in value.items() if v is not None)
    return value


def _unknown_keys(spec, typed, given):
    """``<var>: unknown key(s) ...; the valid keys are ...`` for each given mapping variable whose
    spec lists its options (one level: the role's mappings are not nested deeper)."""
    errors = []
    for name in sorted(given):
        options, value = (spec.get(name) or {}).get("options"), typed.get(name)
        if not options or not isinstance(value, dict):
            continue
        unknown = sorted(k for k in value if k not in options)
        if unknown:
            errors.append("%s: unknown key(s) %s; the valid keys are %s" % (
                name, ", ".join(repr(k) for k in unknown), ", ".join(sorted(options))))
    return errors


def typed(values, spec, prefix=""):
    """``values`` (variables by name) typed as Ansible types module arguments with ``spec`` (an
    argument spec's ``options``): bool strings as boolean(), a comma-separated string to a list,
    a JSON or key=value string to a mapping, defaults filled in. Only the names ``spec`` declares
    are taken. Returns (the typed values by name without ``prefix``, the errors, each naming the
    variable)."""
    given = dict((k, v) for k, v in (values or {}).items() if k in spec)
    result = ArgumentSpecValidator(spec).validate(given)
    checked = result.validated_parameters
    errors = [str(e) for e in result.errors if not isinstance(e, UnsupportedError)]
    errors += _unknown_keys(spec, checked, given)
    out = dict((name[len(prefix):] if prefix and name.startswith(prefix) else name, _without_nones(value))
               for name, value in checked.items())
    return out, errors


def folder_problem(path, name):
    """Why the folder ``path`` (the variable ``name``) cannot be made or written: None when it can
    (or when ``path`` is empty: no folder wanted)."""
    if not path:
        return None
    path = os.path.abspath(path)
    if os.path.exists(path):
        if not os.path.isdir(path):
            return "%s: %s exists and is not a folder" % (name, path)
        if not os.access(path, os.W_OK | os.X_OK):
            return "%s: the folder %s is not writable" % (name, path)
        return None
    parent = os.path.dirname(path)
    while parent != os.path.dirname(parent) and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return "%s: %s cannot be made: %s is a file, not a folder" % (name, path, parent)
    if not os.access(parent, os.W_OK | os.X_OK):
        return "%s: %s cannot be made: the folder %s is not writable" % (name, path, parent)
    return None


def _limit_errors(limits):
    return ["migrate_limits.%s must be a positive integer, got %r" % (key, value)
            for key, value in sorted(limits.items())
            if isinstance(value, bool) or not isinstance(value, int) or value < 1]


def inputs(values, spec):
    """The role's variables (``migrate_*`` by name) typed by its argument spec (the ``options``
    of meta/argument_specs.yml), by name without the prefix: ``prune``, ``source``... ``errors``
    lists what is wrong, each naming the variable: a value Ansible cannot convert, an unknown
    variable, an unknown key or a limit that is not a positive integer, a report folder that
    cannot be made or written."""
    out, errors = typed(values, spec, ROLE_PREFIX)
    unknown = sorted(k for k in values or {} if k.startswith(ROLE_PREFIX) and k not in spec and k not in PLAYBOOK_VARS)
    if unknown:
        errors.append("unknown variable(s) %s: the role's variables are %s" % (", ".join(unknown), ", ".join(sorted(spec))))
    out["limits"] = out.get("limits") or {}
    if isinstance(out["limits"], dict):
        errors += _limit_errors(out["limits"])
    report_dir = out.get("report_dir") or ""
    out["report_dir"] = report_dir
    problem = folder_problem(report_dir, "migrate_report_dir") if isinstance(report_dir, str) else None
    if problem:
        errors.append(problem)
    out["errors"] = errors
    return out


def endpoint(connection):
    """``<base url> project <uid>`` of a connection mapping; raises PersonalizeError."""
    url = resolve_base_url(connection.get("region") or None, connection.get("api_url") or None,
                           bool(connection.get("allow_http")))
    return "%s project %s" % (url.rstrip("/"), str(connection.get("project_uid") or "").strip())


def project_uid(connection):
    """A connection's project uid as compared (case and spaces aside); '' when none."""
    return str((connection or {}).get("project_uid") or "").strip().lower()


def endpoints(source, destination, found=None):
    """Both sides before any read. ``found`` is the registered result of looking the destination
    project up by name (skipped when it is given by uid).

    Returns ``source`` and ``destination`` (endpoints, None when invalid), ``same_project`` (one
    project uid on both sides, whatever the URLs), ``source_uid``, ``destination_missing`` (a
    project still to be created), ``errors`` and ``read`` (the sides to read: none when a
    connection is invalid, the source alone when the destination cannot or
    need not be read), and ``found_calls`` (what looking the project up cost)."""
    found = found or {}
    out = {"errors": [], "same_project": False, "found_calls": found.get("api_calls") or dict(NO_CALLS),
           "destination_missing": not found.get("failed") and not found.get("skipped") and found.get("uid", "") is None}
    for side, connection in zip(SIDES, (source, destination)):
        try:
            out[side] = endpoint(connection)
        except PersonalizeError as exc:
            out[side] = None
            out["errors"].append("invalid connection settings of the %s: %s" % (side, exc))
    if found.get("failed"):
        out["errors"].append("cannot find the destination project: %s" % found.get("msg"))
    # Project uids are unique across regions and organizations: one uid on both sides is one
    # project, however its URLs are written (127.0.0.1 or localhost, a region or its URL).
    uids = [project_uid(c) for c in (source, destination)]
    out["source_uid"] = uids[0]
    out["same_project"] = bool(uids[0]) and uids[0] == uids[1]
    if any(out[side] is None for side in SIDES):
        out["read"] = []
    elif out["same_project"] or found.get("failed") or out["destination_missing"]:
        out["read"] = ["source"]
    else:
        out["read"] = list(SIDES)
    return out


def sides(reads, ends):
    """What each side holds after extract. ``reads`` is the export lookup's answer for the sides
    ``ends["read"]`` names, in that order (``{error, label}`` for a side that could not be read).

    Returns ``source`` and ``destination`` (raw exports, None when not read: the destination
    is None when it is still to be created), ``errors``, ``refusal`` (the message that stops the
    copy in validate, None when both sides are usable) and ``calls`` (what reading each cost)."""
    out = {"source": None, "destination": None, "errors": list(ends["errors"]),
           "calls": {"source": dict(NO_CALLS), "destination": dict(ends["found_calls"])}}
    for side, read in zip(ends["read"], reads or []):
        if "error" in read and "attributes" not in read:
            out["errors"].append("cannot read the %s: %s" % (side, str(read["error"]).rstrip(".")))
            continue
        out[side] = read
        out["calls"][side] = read.get("api_calls") or dict(NO_CALLS)
    if ends["same_project"]:
        out["refusal"] = ("The destination is the source project (project uid %s on both sides, whatever their URLs): "
                          "refusing to copy a project onto itself. Nothing was written." % ends["source_uid"])
    elif out["errors"]:
        out["refusal"] = "The copy cannot start: %s. Nothing was written." % "; ".join(e.rstrip(".") for e in out["errors"])
    else:
        out["refusal"] = None
    return out


# -- progress lines -----------------------------------------------------------------------
def _count(raw, kind):
    return len([i for i in raw.get(kind) or [] if i.get("__type") != "PRESET"])


def _extract_line(extracted, project_name=None):
    source, dest = extracted["source"], extracted["destination"]
    said = ["source has %s" % ", ".join("%d %s" % (_count(source, k), k) for k in LOAD_KINDS[:4])
            if source is not None else "source unreadable"]
    if dest is not None:
        said.append("destination has %d experiences" % _count(dest, "experiences"))
    elif project_name and not extracted["errors"]:
        said.append("destination project %r does not exist yet" % project_name)
    else:
        said.append("destination not read")
    return "extract: " + "; ".join(said)


def _validate_line(plan, activation="mirror"):
    counts = plan.get("counts") or {}
    return "validate: plan ok, %s, %d skipped, activation %s" % (
        ", ".join("%d %s" % (counts.get(k, 0), k) for k in LOAD_KINDS[:4]), len(plan.get("skipped") or []), activation)


def _notes_lines(plan):
    return list(plan.get("notes") or []) + ["skipped: %s" % s for s in plan.get("skipped") or []]


def _project_lines(plan, project_name=None, activation="mirror"):
    """What check mode predicts for a destination project still to be created."""
    def names(kind, field):
        return ", ".join(str(i.get(field)) for i in plan.get(kind) or [])
    return ["check mode: project '%s' would be created, then everything in it:" % project_name,
            "attributes would be created: %s" % names("attributes", "key"),
            "events would be created: %s" % names("events", "key"),
            "audiences would be created: %s" % names("audiences", "name"),
            "experiences would be created: %s" % names("experiences", "name"),
            "versions would be written and statuses set (%s): %s" % (activation, names("versions", "experience")),
            "priority would be set: %s" % " > ".join(plan.get("priority") or [])]


def version_changes(versions_result):
    """Counts of each version change (created, updated, activated, paused, resumed, deleted) in a
    personalize_version result (its records' ``version_changes``, predicted in check mode)."""
    counts = dict((change, 0) for change in VERSION_CHANGES)
    for record in (versions_result or {}).get("results") or []:
        for change in record.get("version_changes") or []:
            counts[change["change"]] = counts.get(change["change"], 0) + 1
    return counts


def _versions_line(versions_result, activation="mirror"):
    counts = version_changes(versions_result)
    records = (versions_result or {}).get("results") or []
    return "versions and activation (%s): %s; %d activated, %d paused, %d resumed; %d experiences' versions changed" % (
        activation, versions_result.get("msg", "nothing to do"), counts["activated"], counts["paused"], counts["resumed"],
        len([r for r in records if r.get("changed")]))


def _prune_line(plan, priority_result=None, prune=False):
    priority = "set" if (priority_result or {}).get("changed") else "unchanged"
    planned = sum(len(items) for items in (plan.get("prune") or {}).values())
    return "priority: %s; prune: %s" % (priority, ("%d to delete" % planned) if prune else "off")


PROGRESS = {"extract": _extract_line, "validate": _validate_line, "notes": _notes_lines,
            "project": _project_lines, "versions": _versions_line, "prune": _prune_line, "stack": check_lines}


def progress(value, phase, **kwargs):
    """The plain-words progress of one phase of the copy (see PROGRESS for the phases)."""
    if phase not in PROGRESS:
        raise PersonalizeError("unknown phase %r: one of %s" % (phase, ", ".join(sorted(PROGRESS))))
    return PROGRESS[phase](value, **kwargs)


# -- after the load tasks -----------------------------------------------------------------
def _load_results(results):
    """The registered results of the role's write tasks, by kind: ``project``, the load kinds,
    ``priority`` and ``prune_<kind>`` (each registered as ``_migrate_result_<kind>``, the prefix
    optional here); a skipped task gives an empty mapping."""
    return dict((name[len(RESULT_PREFIX):] if name.startswith(RESULT_PREFIX) else name,
                 value if isinstance(value, dict) and not value.get("skipped") else {})
                for name, value in (results or {}).items())


def loaded(results, destination=None):
    """``wrote`` (any write task changed something) and ``destination``: when nothing was
    written, the destination as this run read it (the lists of extract, the versions the
    versions task read), so verify need not read it again; None when it must."""
    results = _load_results(results)
    wrote = any(r.get("changed") for r in results.values())
    if wrote or destination is None:
        return {"wrote": wrote, "destination": None}
    as_read = dict(destination)
    as_read["versions"] = [r.get("object") for r in results.get("versions", {}).get("results") or []]
    as_read["api_calls"] = dict(NO_CALLS)
    return {"wrote": wrote, "destination": as_read}


def _sum_calls(calls):
    return dict((key, sum(int((c or {}).get(key) or 0) for c in calls)) for key in NO_CALLS)


def _destination_project(results, uid, project_name=None):
    """A destination given by name: its name, uid and what the project task did; else its uid."""
    project = results.get("project") or {}
    if not project_name or "action" not in project:
        return {"uid": uid, "action": "none"}
    return {"name": project_name, "uid": project.get("uid"), "action": project.get("action")}


def _words(summary):
    """{"created": 10, "unchanged": 2} as "10 created, 2 unchanged"; "nothing" when empty."""
    return ", ".join("%d %s" % (n, word) for word, n in sorted((summary or {}).items())) or "nothing"


def report(results, plan, context):
    """``report`` (the content of report.json) and ``summary`` (its lines in plain words).

    ``results`` are the write tasks' registered results by kind (see _load_results); ``plan`` is
    the copy's plan; ``context`` holds ``endpoints``, ``calls`` (extract's reads, by side),
    ``verify_calls`` (verify's re-read, None when none), ``problems`` (verify's differences, None
    in check mode), ``check_mode``, ``activation``, ``prune``, ``started`` (a timestamp),
    ``destination_uid`` and ``project_name`` (a destination given by name)."""
    results = _load_results(results)
    versions = results.get("versions", {})
    dest_calls = [context["calls"]["destination"]] + [r["api_calls"] for r in results.values() if r.get("api_calls")]
    if context.get("verify_calls"):
        dest_calls.append(context["verify_calls"])
    problems = context.get("problems")
    out = {
        "source": context["endpoints"]["source"],
        "destination": context["endpoints"]["destination"],
        "destination_project": _destination_project(results, context.get("destination_uid"), context.get("project_name")),
        "check_mode": bool(context.get("check_mode")),
        "activation": context.get("activation"),
        "kinds": dict((kind, results.get(kind, {}).get("summary") or {}) for kind in LOAD_KINDS),
        "activations": [step for r in versions.get("results") or [] for step in r.get("steps") or []],
        "version_changes": version_changes(versions),
        "priority_changed": bool(results.get("priority", {}).get("changed")),
        "calls": {"source": context["calls"]["source"], "destination": _sum_calls(dest_calls)},
        "pruned": (plan.get("prune") or {}) if context.get("prune") else {},
        "included_as_dependencies": list(plan.get("notes") or []),
        "skipped": list(plan.get("skipped") or []),
        "verify": "skipped in check mode" if context.get("check_mode") else (problems or "ok"),
        "seconds": round(time.time() - float(context.get("started") or time.time()), 2),
    }
    if context.get("stack"):
        out["stack"] = context["stack"]
    return {"report": out, "summary": _summary(out)}


def _summary(out):
    kinds, calls, changes = out["kinds"], out["calls"], out["version_changes"]
    both = [calls["source"], calls["destination"]]
    return [
        "copy %s -> %s%s" % (out["source"], out["destination"], " (check mode: nothing written)" if out["check_mode"] else ""),
        "attributes: %s; events: %s" % (_words(kinds["attributes"]), _words(kinds["events"])),
        "audiences: %s; experiences: %s" % (_words(kinds["audiences"]), _words(kinds["experiences"])),
        "versions: %s; %d activated, %d paused, %d resumed (%d version calls)" % (
            _words(kinds["versions"]), changes["activated"], changes["paused"], changes["resumed"], len(out["activations"])),
        "API calls: destination %d, source %d (%d retries, %d throttled)" % (
            calls["destination"]["calls"], calls["source"].get("calls", 0),
            sum(c.get("retries", 0) for c in both), sum(c.get("throttled", 0) for c in both)),
        "skipped: %d; verify: %s; %s s" % (len(out["skipped"]), out["verify"] if isinstance(out["verify"], str) else "FAILED",
                                           out["seconds"]),
    ] + _stack_summary(out.get("stack"))


def _stack_summary(stack):
    """The stack phase's summary line, when it ran."""
    if not stack:
        return []
    evs, calls = stack["entry_variants"], stack["cma_calls"]
    return ["stack: %d variant groups linked; entry variants: %d created, %d updated, %d unchanged, %d skipped; "
            "stack phase calls: destination %d, source %d" % (
                stack["groups_linked"], evs["created"], evs["updated"], evs["unchanged"], evs["skipped"],
                calls.get("destination", {}).get("calls", 0), calls.get("source", {}).get("calls", 0))]
