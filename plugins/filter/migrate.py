# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the migrate role: it plans, checks, verifies, maps and reports with them (no API calls)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.contentstack.personalize.plugins.module_utils import migrate, migrate_role, migrate_stack
from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.options import complete_connection
from ansible_collections.contentstack.personalize.plugins.plugin_utils.filters import as_stored, as_text, guard, picking, plain, project_fact, stored


# The plan's item lists (one per load kind): the role keeps them in its plan fact as JSON text.
PLAN_TEXT = migrate_role.LOAD_KINDS
# The progress phases that read a plan's item lists (the prune line reads only its prune lists).
PLAN_PHASES = ("validate", "notes", "plan", "project", "load")


@picking
def migrate_plan(source_raw, dest_raw, activation="mirror", include=None, exclude=None,
                 allow_skips=False, prune=False, limits=None, repair_duplicates=False):
    """The validated load plan of a copy (see module_utils/migrate.py); ``dest_raw`` None for a
    destination that does not exist yet. The raw exports are facts: mappings taken as stored, or the
    JSON text the role keeps them as (``project_fact``)."""
    options = plain([activation, include, exclude, allow_skips, prune, limits, repair_duplicates])
    return migrate.build_plan(project_fact(source_raw, "the source"), project_fact(dest_raw, "the destination"), *options)


@picking
def migrate_compare(expected, actual_raw, activation="mirror", prune=False):
    """Differences between the planned project and a raw export of the destination (both facts: taken as stored;
    the export may be its JSON text, the plan's item lists too)."""
    actual = project_fact(actual_raw, "the destination")
    return migrate.compare(plan_fact(expected), portable_from_raw(actual), plain(activation), plain(prune))


@picking
def migrate_uid_map(source_raw, dest_raw, source_project=None, destination_project=None):
    """Source uid -> destination uid per kind, and variant shortUids per experience; with both
    project uids, ``projects`` maps the source project to the destination project. The two projects
    are facts: taken as stored, or decoded from the JSON text the role keeps them as (``project_fact``), which costs
    less than reading their fields one by one."""
    out = plain(migrate.uid_map(project_fact(source_raw, "the source"), project_fact(dest_raw, "the destination")))
    source_project, destination_project = plain(source_project), plain(destination_project)
    if source_project and destination_project:
        out["projects"] = {source_project: destination_project}
    return out


@guard
def to_portable(raw_export):
    """A raw export (the lookup with portable=false) in the portable form, without API calls."""
    return portable_from_raw(raw_export)


@guard
def migrate_inputs(variables, argument_specs):
    """The role's variables typed by its argument spec (``argument_specs`` is the content of
    meta/argument_specs.yml, or the ``options`` of one entry point), by name without the
    ``migrate_`` prefix, and ``errors`` naming each variable (see module_utils/migrate_role.py)."""
    return migrate_role.inputs(variables, migrate_role.spec_options(argument_specs))


@guard
def typed_vars(variables, spec, folders=None):
    """Playbook variables typed as Ansible types module arguments with ``spec`` (an argument
    spec's options), and ``errors`` naming each variable; ``folders`` names the variables that
    must be folders this run can make or write, made absolute from the working directory (a
    relative folder means the same wherever the playbook lives: a collection's playbooks live in
    the installed collection)."""
    out, errors = migrate_role.typed(variables, migrate_role.spec_options(spec))
    for name in folders or []:
        if isinstance(out.get(name), str) and out[name]:
            out[name] = os.path.abspath(out[name])
            errors.append(migrate_role.folder_problem(out[name], name))
    out["errors"] = [e for e in errors if e]
    return out


@guard
def migrate_endpoints(source, destination, found=None):
    """Both sides' endpoints, whether they are one project, which to read, and the errors, each
    naming its side (see module_utils/migrate_role.py)."""
    return migrate_role.endpoints(source, destination, found)


@picking
def migrate_sides(reads, endpoints):
    """What each side holds after the export lookup, and the message that stops the copy, if any; each
    side's raw export as compact JSON text (``as_text``: the fact is set and read back at a fraction of
    the cost of a structured one)."""
    # The lookup's answer as it gave it (no copy: each side becomes text here, the rest is small).
    data = stored(reads)
    out = migrate_role.sides(data if data is not None else plain(reads), plain(endpoints))
    out.update((side, as_text(out[side])) for side in migrate_role.SIDES)
    return out


@guard
def migrate_as_text(raw_export):
    """A raw export (or any data) as the compact JSON text the copy role keeps whole projects in."""
    return as_text(raw_export)


@picking
def migrate_progress(value, phase, **kwargs):
    """The plain-words progress of one phase of the copy (it reads only counts and names of
    ``value``, which may be a whole raw export: no need to copy it first)."""
    # ``results`` (the load phase's registered results) is read like ``value``, only the fields it needs.
    # A raw export may be the JSON text the role keeps it as: the extract's sides, validate's destination.
    kwargs = dict((k, v if k == "results" else project_fact(v) if k == "destination" else plain(v)) for k, v in kwargs.items())
    phase = plain(phase)
    if phase == "extract" and value is not None:
        value = dict(value, **dict((side, project_fact(value.get(side), "the " + side)) for side in migrate_role.SIDES))
    elif phase in PLAN_PHASES:
        value = plan_fact(value)
    return plain(migrate_role.progress(value, phase, **kwargs))


@picking
def migrate_loaded(results, destination=None):
    """Whether the write tasks wrote anything, and the destination as this run read it."""
    return migrate_role.loaded(results, destination)


@picking
def migrate_report(results, plan, **context):
    """report.json and the summary lines, from the write tasks' results by kind."""
    return plain(migrate_role.report(results, plan_fact(plan), plain(context)))


@guard
def migrate_stack_settings(inputs):
    """The stack phase's settings from the typed role inputs: on or off, what it copies, the entry uid
    map loaded, and the errors naming each variable (see module_utils/migrate_stack.py)."""
    return migrate_stack.settings(inputs, migrate_role.SIDES)


@guard
def migrate_stack_side(side, label, settings, source_stack=None):
    """A side's complete connection with its stack options (``_migrate_in.source`` or ``.destination``)
    and what the personalize_stack lookup is to read of it: the source's groups, entries and entry
    variants; of the destination, given ``source_stack``, the content types linked in the source and
    the variants of the mapped entries."""
    out = complete_connection(side, extras=("stack",))
    out.update(migrate_stack.reads(settings, source_stack), label=label)
    return out


@picking
def migrate_stack_plan(plan, source_raw, dest_raw, source_stack, dest_stack, settings, allow_skips=False, prune=False,
                       destination_missing=False):
    """The Personalize plan with its stack phase under ``stack`` (links, entry variants, their changes,
    what to wait for), the stack's errors and skips added to the plan's (see module_utils/migrate_stack.py).
    The two projects are made plain only when the stack phase is on: without it they are not read.
    The plan's item lists come back as JSON text (``as_text``): the role keeps its plan so, and every
    filter that takes a plan reads them back (``plan_fact``)."""
    settings = plain(settings)
    on = bool(settings.get("on"))
    out = plain(migrate_stack.with_plan(plan_fact(plan), _when(on, source_raw), _when(on, dest_raw), _when(on, source_stack),
                                        _when(on, dest_stack), dict(settings, allow_skips=plain(allow_skips),
                                                                    prune=plain(prune),
                                                                    destination_missing=plain(destination_missing))))
    out.update((kind, as_text(out[kind])) for kind in PLAN_TEXT if isinstance(out.get(kind), list))
    return out


def plan_fact(plan):
    """A plan as the filters read it: taken as stored, its item lists decoded when kept as JSON text (the
    role's plan fact, see ``migrate_stack_plan``)."""
    out = as_stored(plan)
    if isinstance(out, dict):
        out.update((kind, project_fact(out[kind], "the plan's " + kind, kind=list)) for kind in PLAN_TEXT if isinstance(out.get(kind), str))
    return out


def _when(on, value):
    """``value`` (a fact: taken as stored, a raw export's JSON text decoded) when the stack phase is on, else
    None: a phase that is off reads neither project."""
    return project_fact(value, "a fact of the copy") if on else None


@picking
def migrate_stack_result(plan, source_raw=None, dest_raw=None, dest_stack=None, links=None, entry_variants=None, reads=None,
                         check_mode=False):
    """After the stack phase: ``variant_groups`` and ``cms_variants`` (source uid -> destination uid),
    ``problems`` (verify's lines of the stack side; none in check mode), ``report`` (the ``stack``
    part of report.json) and ``section`` (that part as a section of migrate_report: with its summary
    line and the lookups' ``reads``)."""
    stack = plain(plan.get("stack") or migrate_stack.off())
    on = bool(stack.get("on"))
    return plain(migrate_stack.result(stack, _when(on, source_raw), _when(on, dest_raw), _when(on, dest_stack),
                                      links, entry_variants, plain(reads), bool(check_mode)))


class FilterModule(object):
    def filters(self):
        return {
            "migrate_plan": migrate_plan,
            "migrate_compare": migrate_compare,
            "migrate_uid_map": migrate_uid_map,
            "to_portable": to_portable,
            "migrate_inputs": migrate_inputs,
            "typed_vars": typed_vars,
            "migrate_endpoints": migrate_endpoints,
            "migrate_sides": migrate_sides,
            "migrate_as_text": migrate_as_text,
            "migrate_progress": migrate_progress,
            "migrate_loaded": migrate_loaded,
            "migrate_report": migrate_report,
            "migrate_stack_settings": migrate_stack_settings,
            "migrate_stack_side": migrate_stack_side,
            "migrate_stack_plan": migrate_stack_plan,
            "migrate_stack_result": migrate_stack_result,
        }
