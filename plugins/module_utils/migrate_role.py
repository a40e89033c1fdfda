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
import re
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.contentstack.personalize.plugins.module_utils.client import STATS_FROM_START, resolve_base_url
from ansible_collections.contentstack.personalize.plugins.module_utils.compare import compare_items
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.migrate_stack import check_lines
from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import BY_PLURAL
from ansible_collections.contentstack.personalize.plugins.module_utils.options import CONNECTION_ARGSPEC
from ansible_collections.contentstack.personalize.plugins.module_utils.results import names_line

SIDES = ("source", "destination")
LOAD_KINDS = ("attributes", "events", "audiences", "experiences", "versions")
PRUNE_KINDS = ("experiences", "audiences", "attributes", "events")
VERSION_CHANGES = ("created", "updated", "activated", "paused", "resumed", "deleted")
RESULT_PREFIX = "_migrate_result_"
NO_CALLS = dict.fromkeys(STATS_FROM_START, 0)
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
    # Relative to the directory ansible-playbook runs in (the default is ./migrate-report), made
    # absolute here, so that every task and the summary name the same folder.
    out["report_dir"] = report_dir = os.path.abspath(report_dir) if isinstance(report_dir, str) and report_dir else report_dir
    problem = folder_problem(report_dir, "migrate_report_dir") if isinstance(report_dir, str) else None
    if problem:
        errors.append(problem)
    out["errors"] = errors
    return out


def load_argument_specs(path):
    """The content of an argument spec file (a role's meta/argument_specs.yml), read with PyYAML's C
    loader when it has one; raises PersonalizeError for a file that cannot be read or is not YAML."""
    try:
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise PersonalizeError("reading %s needs the Python library PyYAML (it comes with ansible-core)" % path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path) as handle:
            return yaml.load(handle, Loader=loader)  # nosec: a safe loader
    except (IOError, OSError) as exc:
        raise PersonalizeError("cannot read the argument spec %s: %s" % (path, exc.strerror or exc))
    except yaml.YAMLError as exc:
        raise PersonalizeError("the argument spec %s is not YAML: %s" % (path, exc))


def spec_options(spec):
    """The ``options`` of an argument spec file's ``main`` entry point, or ``spec`` as given (the options
    themselves); raises PersonalizeError for anything else."""
    if isinstance(spec, dict) and "argument_specs" in spec:
        spec = spec["argument_specs"]["main"]["options"]
    if not isinstance(spec, dict):
        raise PersonalizeError("an argument spec must be a mapping of options, got %s" % type(spec).__name__)
    return spec


def inputs_argument_spec():
    """personalize_migrate_inputs's options, and the connection options it accepts (and does not use)."""
    return dict(CONNECTION_ARGSPEC, variables={"type": "dict", "required": True},
                argument_specs={"type": "path", "required": True})


def typed_inputs(params):
    """personalize_migrate_inputs: ``{inputs}``, the variables typed by the spec file, or ``{failed, msg}``,
    the refusal naming every variable that cannot be used."""
    try:
        typed_in = inputs(params["variables"] or {}, spec_options(load_argument_specs(params["argument_specs"])))
    except PersonalizeError as exc:
        return {"failed": True, "changed": False, "msg": cannot_start([str(exc)], nothing="read or written")}
    if typed_in["errors"]:
        return {"failed": True, "changed": False, "msg": cannot_start(typed_in["errors"], nothing="read or written")}
    return {"changed": False, "inputs": typed_in}


def endpoint(connection):
    """``<base url> project <uid>`` of a connection mapping; raises PersonalizeError."""
    url = resolve_base_url(connection.get("region") or None, connection.get("api_url") or None,
                           bool(connection.get("allow_http")))
    return "%s project %s" % (url.rstrip("/"), str(connection.get("project_uid") or "").strip())


def project_uid(connection):
    """A connection's project uid as compared (case and spaces aside); '' when none."""
    return str((connection or {}).get("project_uid") or "").strip().lower()


_ENV_HINT = re.compile(r" \(or CONTENTSTACK_[A-Z_]+\)")
_OPTION = re.compile(r"\b(give|needs|or|with) (authtoken|oauth_token|project_uid|organization_uid|oauth_refresh_token|oauth_client_id|"
                     r"oauth_token_url)\b")


def side_text(side, error):
    """An error of one side's connection in the role's words: each side is complete
    (options.complete_connection), so the environment is never read, and the client's "(or
    CONTENTSTACK_X)" hints give way to the role variable's keys, such as migrate_source.authtoken."""
    return _OPTION.sub(r"\1 migrate_%s.\2" % side, _ENV_HINT.sub("", str(error)))


def endpoints(source, destination, found=None):
    """Both sides before any read. ``found`` is the registered result of looking the destination
    project up by name (skipped when it is given by uid).

    Returns ``source`` and ``destination`` (endpoints, None when invalid), ``same_project`` (one
    project uid on both sides, whatever the URLs), ``source_uid``, ``destination_missing`` (a
    project still to be created), ``errors`` and ``read`` (the sides to read: none when a
    connection is invalid, the source alone when the destination cannot or
    need not be read), and ``found_calls`` (what looking the project up cost)."""
    found = found or {}
    # The look-up task does not fail (failed_when: false): a failed look-up is a result without a uid.
    failed = bool(found.get("failed") or (found.get("msg") and not found.get("skipped") and "uid" not in found))
    out = {"errors": [], "same_project": False, "found_calls": found.get("api_calls") or dict(NO_CALLS),
           "destination_missing": not failed and not found.get("skipped") and found.get("uid", "") is None}
    for side, connection in zip(SIDES, (source, destination)):
        try:
            out[side] = endpoint(connection)
        except PersonalizeError as exc:
            out[side] = None
            out["errors"].append("invalid connection settings of the %s: %s" % (side, side_text(side, exc)))
    if failed:
        out["errors"].append("cannot find the destination project: %s" % side_text("destination", found.get("msg")))
    # Project uids are unique across regions and organizations: one uid on both sides is one
    # project, however its URLs are written (127.0.0.1 or localhost, a region or its URL).
    uids = [project_uid(c) for c in (source, destination)]
    out["source_uid"] = uids[0]
    out["same_project"] = bool(uids[0]) and uids[0] == uids[1]
    if any(out[side] is None for side in SIDES):
        out["read"] = []
    elif out["same_project"] or failed or out["destination_missing"]:
        out["read"] = ["source"]
    else:
        out["read"] = list(SIDES)
    return out


# Whose read of the source a copy uses, by the export lookup's ``shared_read`` marker (None: not shared,
# migrate_share_source_read false): report.json's ``source_read``, and the summary's calls line.
SOURCE_READS = {None: "read by this host", "read": "read by this host, shared with the run's other hosts",
                "reused": "read by another host of this run"}


def sides(reads, ends):
    """What each side holds after extract. ``reads`` is the export lookup's answer for the sides
    ``ends["read"]`` names, in that order (``{error, label}`` for a side that could not be read).

    Returns ``source`` and ``destination`` (raw exports, None when not read: the destination
    is None when it is still to be created), ``errors``, ``refusal`` (the message that stops the
    copy in validate, None when both sides are usable), ``calls`` (what reading each cost) and
    ``source_read`` (SOURCE_READS: whose read of the source this host uses)."""
    out = {"source": None, "destination": None, "errors": list(ends["errors"]), "unreadable": [], "source_read": None,
           "calls": {"source": dict(NO_CALLS), "destination": dict(ends["found_calls"])}}
    for side, read in zip(ends["read"], reads or []):
        if "error" in read and "attributes" not in read:
            out["errors"].append("cannot read the %s: %s" % (side, side_text(side, read["error"]).rstrip(".")))
            out["unreadable"].append(side)
            continue
        out[side] = read
        out["calls"][side] = read.get("api_calls") or dict(NO_CALLS)
        if side == "source":
            out["source_read"] = SOURCE_READS.get(read.get("shared_read"), SOURCE_READS[None])
    if ends["same_project"]:
        out["refusal"] = ("The destination is the source project (project uid %s on both sides, whatever their URLs): "
                          "refusing to copy a project onto itself. Nothing was written." % ends["source_uid"])
    elif out["errors"]:
        out["refusal"] = cannot_start(out["errors"])
    else:
        out["refusal"] = None
    return out


def cannot_start(errors, nothing="written"):
    """The message that stops the copy before any write, naming every problem; ``nothing``: what was not
    done yet (``read or written`` for the role's variables, checked before the first read)."""
    return "The copy cannot start: %s. Nothing was %s." % ("; ".join(e.rstrip(".") for e in errors), nothing)


# -- progress lines -----------------------------------------------------------------------
def _count(raw, kind):
    return len([i for i in raw.get(kind) or [] if i.get("__type") != "PRESET"])


def _extract_line(extracted, project_name=None):
    source, dest = extracted["source"], extracted["destination"]
    unreadable = extracted.get("unreadable") or []
    said = ["source has %s" % ", ".join("%d %s" % (_count(source, k), k) for k in LOAD_KINDS[:4])
            if source is not None else "source %s" % ("unreadable" if "source" in unreadable else "not read")]
    if dest is not None:
        said.append("destination has %d experiences" % _count(dest, "experiences"))
    elif project_name and not extracted["errors"]:
        said.append("destination project %r does not exist yet" % project_name)
    else:
        said.append("destination %s" % ("unreadable" if "destination" in unreadable else "not read"))
    return "extract: " + "; ".join(said)


def _validate_lines(plan, activation="mirror", show_plan=False, **plan_options):
    """The plan in one line; then what comes along, what cannot be copied, whether anything is to be
    written, and with ``show_plan`` (check mode, or a prune that deletes) the plan item by item."""
    counts = plan.get("counts") or {}
    lines = ["validate: plan ok, %s, %d skipped, activation %s" % (
        ", ".join("%d %s" % (counts.get(k, 0), k) for k in LOAD_KINDS[:4]), len(plan.get("skipped") or []), activation)]
    lines += _notes_lines(plan)
    if not plan.get("load_work", True):
        lines.append("load: nothing to write, every load task's plan finds the destination as the copy needs it")
    if show_plan:
        lines += _plan_lines(plan, activation=activation, **plan_options)
    return lines


def _notes_lines(plan):
    return list(plan.get("notes") or []) + ["skipped: %s" % s for s in plan.get("skipped") or []]


def _project_lines(plan, project_name=None, activation="mirror"):
    """What check mode predicts for a destination project still to be created: the plan into an empty project."""
    return (["check mode: project '%s' would be created, then everything in it:" % project_name]
            + _plan_lines(plan, None, check_mode=True, activation=activation)[1:]
            + ["  priority would be set: %s" % " > ".join(plan.get("priority") or [])])


def _plan_changes(plan, dst, kind):
    """(to create, to update) of one kind: the names of the plan's items missing in or differing
    from the destination (its portable form), by the comparison verify makes."""
    create, update = [], []
    for diff in compare_items(BY_PLURAL[kind].name, BY_PLURAL[kind].identity, plan.get(kind) or [],
                              [i for i in dst.get(kind) or [] if not i.get("read_only")]):
        names = create if diff["field"] is None else update
        if diff["item"] not in names:
            names.append(diff["item"])
    return create, update


def _plan_lines(plan, destination=None, prune=False, check_mode=False, activation="mirror"):
    """The plan as a person reads it, before anything is written: per kind the names the copy would
    create, update and delete (the first ten of each, and how many more), like a terraform plan."""
    dst = portable_from_raw(destination) if destination is not None else {}
    lines, unchanged = [], []
    for kind in LOAD_KINDS[:4]:
        create, update = _plan_changes(plan, dst, kind)
        delete = [i[BY_PLURAL[kind].identity] for i in (plan.get("prune") or {}).get(kind) or []] if prune else []
        for verb, names in (("create", create), ("update", update), ("delete", delete)):
            if names:
                lines.append("  %s to %s (%d): %s" % (kind, verb, len(names), names_line(names)))
        same = len(plan.get(kind) or []) - len(create) - len(update)
        if same:
            unchanged.append("%d %s" % (same, kind))
    have = dict((v["experience"], v["versions"]) for v in dst.get("versions") or [])
    written = [e["experience"] for e in plan.get("versions") or []
               if [v for v in have.get(e["experience"], []) if activation != "draft" or v["status"] == "draft"] != e["versions"]]
    if written:
        lines.append("  versions to write and set live (%d experiences, activation %s): %s"
                     % (len(written), activation, names_line(written)))
    if unchanged:
        lines.append("  unchanged: %s" % ", ".join(unchanged))
    head = "plan (check mode: nothing is written)" if check_mode else "plan (prune deletes what the source does not have)"
    return [head + (":" if lines else ": nothing to change")] + lines


def version_changes(versions_result):
    """Counts of each version change (created, updated, activated, paused, resumed, deleted) in a
    personalize_version result (its records' ``version_changes``, predicted in check mode)."""
    counts = dict((change, 0) for change in VERSION_CHANGES)
    for record in (versions_result or {}).get("results") or []:
        for change in record.get("version_changes") or []:
            counts[change["change"]] = counts.get(change["change"], 0) + 1
    return counts


def _versions_line(versions_result, activation="mirror"):
    records = (versions_result or {}).get("results") or []
    return "versions and activation (%s): %s; %d experiences' versions changed" % (
        activation, _words(_versions_summary(versions_result), VERSION_CHANGES + ("unchanged",)),
        len([r for r in records if r.get("changed")]))


def _load_line(plan, results, activation="mirror"):
    """The progress of one or two load tasks (``results``: their registered results by kind, in
    order); a task the plan found nothing for did not run, and says so."""
    done = _load_results(results, plan)
    if list(results) == ["versions"]:
        return _versions_line(done["versions"], activation)
    return "%s: %s" % (" and ".join(results), "; ".join(done[kind].get("msg") or "nothing to do" for kind in results))


def _prune_line(plan, priority_result=None, prune=False):
    priority = "set" if (priority_result or {}).get("changed") else "unchanged"
    planned = sum(len(items) for items in (plan.get("prune") or {}).values())
    return "priority: %s; prune: %s" % (priority, ("%d to delete" % planned) if prune else "off")


PROGRESS = {"refusal": lambda plan: cannot_start(plan.get("errors") or []), "extract": _extract_line,
            "validate": _validate_lines, "notes": _notes_lines, "plan": _plan_lines, "project": _project_lines,
            "versions": _versions_line, "load": _load_line, "prune": _prune_line, "stack": check_lines}


def progress(value, phase, **kwargs):
    """The plain-words progress of one phase of the copy (see PROGRESS for the phases)."""
    if phase not in PROGRESS:
        raise PersonalizeError("unknown phase %r: one of %s" % (phase, ", ".join(sorted(PROGRESS))))
    return PROGRESS[phase](value, **kwargs)


# -- after the load tasks -----------------------------------------------------------------
def _load_results(results, plan=None):
    """The registered results of the role's write tasks, by kind: ``project``, the load kinds,
    ``priority`` and ``prune_<kind>`` (each registered as ``_migrate_result_<kind>``, the prefix
    optional here); a skipped task gives an empty mapping, except a load task that did not run
    because the ``plan`` found it nothing to write (its ``pending``): it gives what its module
    would have said, every item unchanged."""
    out = dict((name[len(RESULT_PREFIX):] if name.startswith(RESULT_PREFIX) else name,
                value if isinstance(value, dict) and not value.get("skipped") else {})
               for name, value in (results or {}).items())
    for kind, work in ((plan or {}).get("pending") or {}).items():
        if not work and not out.get(kind):
            out[kind] = _nothing_written(kind, len(plan.get(kind) or []))
    return out


def _nothing_written(kind, count):
    """The result of a load task with nothing to write, in its module's words (results.shape)."""
    if kind == "priority":
        return {"changed": False, "msg": "experience priority unchanged"}
    label = "version" if kind == "versions" else BY_PLURAL[kind].name
    summary = {"unchanged": count} if count else {}
    return {"changed": False, "summary": summary, "results": [],
            "msg": ("%d %ss: %d unchanged (nothing to write: the task did not run)" % (count, label, count)) if count
            else "nothing to do"}


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
    """The counts summed; ``refreshes`` (OAuth) is there when one of them had a refresh."""
    keys = tuple(NO_CALLS) + tuple(key for key in ("refreshes",) if any((c or {}).get(key) for c in calls))
    return dict((key, sum(int((c or {}).get(key) or 0) for c in calls)) for key in keys)


def _destination_project(results, uid, project_name=None):
    """A destination given by name: its name, uid and what the project task did; else its uid."""
    project = results.get("project") or {}
    if not project_name or "action" not in project:
        return {"uid": uid, "action": "none"}
    return {"name": project_name, "uid": project.get("uid"), "action": project.get("action")}


def _words(summary, order=None):
    """{"created": 10, "unchanged": 2} as "10 created, 2 unchanged" (in ``order``, else sorted, zeros
    left out); "nothing to do" when empty."""
    words = [w for w in (order or sorted(summary or {})) if (summary or {}).get(w)]
    return ", ".join("%d %s" % (summary[w], w) for w in words) or "nothing to do"


def _activations(versions_result):
    """Each version call of the versions task with its experience: what it did, to which version, why."""
    return [{"experience": r.get("experience"), "change": change.get("change"), "version": change.get("version"),
             "step": why}
            for r in (versions_result or {}).get("results") or []
            for change, why in zip(r.get("version_changes") or [], r.get("steps") or [])]


def _versions_summary(versions_result):
    """The versions in plain counts: each version change, and the experiences left unchanged."""
    out = dict((c, n) for c, n in version_changes(versions_result).items() if n)
    unchanged = ((versions_result or {}).get("summary") or {}).get("unchanged")
    if unchanged:
        out["unchanged"] = unchanged
    return out


def _sections(context):
    """The sections of the context that ran (a section given as None did not), by name."""
    return dict((name, section) for name, section in (context.get("sections") or {}).items() if section is not None)


def _section_calls(sections, side):
    """What the sections cost on one side beyond the write tasks' results: their ``calls`` lists."""
    return [calls for section in sections.values() for calls in (section.get("calls") or {}).get(side) or []]


def report(results, plan, context):
    """``report`` (the content of report.json) and ``summary`` (its lines in plain words).

    ``results`` are the write tasks' registered results by kind (see _load_results); ``plan`` is
    the copy's plan; ``context`` holds ``endpoints``, ``calls`` (extract's reads, by side), ``source_read`` (sides()),
    ``verify_calls`` (verify's re-read, None when none), ``problems`` (verify's differences, None
    in check mode), ``check_mode``, ``activation``, ``prune``, ``started`` (a timestamp),
    ``destination_uid``, ``project_name`` (a destination given by name), ``report_dir`` (where the
    files go, empty for none) and ``sections``: the other parts of the copy (the stack phase's), by
    name, each None when it did not run, else a mapping of

    * ``report``: kept in report.json under the section's name;
    * ``line``: its summary line (without it, ``name: label counts; ...`` of a ``{label: counts}`` report);
    * ``calls``: what it cost that no write task's result holds, ``{side: [api_calls]}``, added to
      the sides' totals."""
    results = _load_results(results, plan)
    sections = _sections(context)
    versions = results.get("versions", {})
    dest_calls = [context["calls"]["destination"]] + [r["api_calls"] for r in results.values() if r.get("api_calls")]
    if context.get("verify_calls"):
        dest_calls.append(context["verify_calls"])
    dest_calls.extend(_section_calls(sections, "destination"))
    source_calls = [context["calls"]["source"]] + _section_calls(sections, "source")
    problems = context.get("problems")
    kinds = dict((kind, results.get(kind, {}).get("summary") or {}) for kind in LOAD_KINDS)
    kinds["versions"] = _versions_summary(versions)
    out = {
        "source": context["endpoints"]["source"],
        "destination": context["endpoints"]["destination"],
        "destination_project": _destination_project(results, context.get("destination_uid"), context.get("project_name")),
        "check_mode": bool(context.get("check_mode")),
        "activation": context.get("activation"),
        "kinds": kinds,
        "activations": _activations(versions),
        "version_changes": version_changes(versions),
        "priority_changed": bool(results.get("priority", {}).get("changed")),
        "calls": {"source": _sum_calls(source_calls), "destination": _sum_calls(dest_calls)},
        "source_read": context.get("source_read"),
        "pruned": (plan.get("prune") or {}) if context.get("prune") else {},
        "included_as_dependencies": list(plan.get("notes") or []),
        "skipped": list(plan.get("skipped") or []),
        "verify": "skipped in check mode" if context.get("check_mode") else (problems or "ok"),
        "seconds": round(time.time() - float(context.get("started") or time.time()), 2),
        "report_dir": None if context.get("check_mode") else (context.get("report_dir") or None),
    }
    out.update((name, section.get("report")) for name, section in sections.items())
    lines = [section.get("line") or _section_line(name, section.get("report")) for name, section in sections.items()]
    return {"report": out, "summary": _summary(out, lines)}


def _summary(out, section_lines=()):
    kinds, calls = out["kinds"], out["calls"]
    both = [calls["source"], calls["destination"]]
    lines = ["copy %s -> %s%s" % (out["source"], out["destination"], " (check mode: nothing written)" if out["check_mode"] else "")]
    lines += ["%s: %s" % (kind, _words(kinds[kind])) for kind in LOAD_KINDS[:4]]
    lines.append("versions: %s (%d version calls)" % (
        _words(kinds["versions"], VERSION_CHANGES + ("unchanged",)), len(out["activations"])))
    for change in ("activated", "paused", "resumed"):
        names = [a["experience"] for a in out["activations"] if a["change"] == change]
        if names:
            lines.append("  %s: %s" % (change, names_line(names)))
    lines += list(section_lines)
    refreshes = sum(c.get("refreshes", 0) for c in both)
    reused = " (%s)" % SOURCE_READS["reused"] if out.get("source_read") == SOURCE_READS["reused"] else ""
    lines.append("API calls: destination %d, source %d%s (%d retries, %d throttled%s)" % (
        calls["destination"]["calls"], calls["source"].get("calls", 0), reused,
        sum(c.get("retries", 0) for c in both), sum(c.get("throttled", 0) for c in both),
        ", %d OAuth refreshes" % refreshes if refreshes else ""))
    lines.append("skipped: %d; verify: %s; %s s" % (len(out["skipped"]), out["verify"] if isinstance(out["verify"], str) else "FAILED",
                                                    out["seconds"]))
    lines.append("report: %s" % (os.path.join(out["report_dir"], "report.json") if out["report_dir"]
                                 else "not written in check mode" if out["check_mode"] else "not written (migrate_report_dir is empty)"))
    return lines


def _section_line(name, value):
    """A section's summary line: ``name: label counts; ...``."""
    if isinstance(value, dict):
        return "%s: %s" % (name, "; ".join("%s %s" % (label, _words(counts)) for label, counts in sorted(value.items())))
    return "%s: %s" % (name, value)
