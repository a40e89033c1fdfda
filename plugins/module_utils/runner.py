# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module does, in one function, so a module file and its action plugin share it.

``run_module(name, params, check_mode, diff)`` takes validated parameters and gives the result
dict; it raises nothing for expected failures: they come back as ``failed`` with a message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeError,
    PersonalizeInputError,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.engine import Engine, ProjectListings, post_or_adopt
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import KINDS
from ansible_collections.contentstack.personalize.plugins.module_utils.listing_cache import ListingCache
from ansible_collections.contentstack.personalize.plugins.module_utils.options import (
    CONNECTION_ARGSPEC,
    client_from_module_params,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.specs import (
    KIND_OF_MODULE,
    identity_of,
    module_spec,
)
from ansible_collections.contentstack.personalize.plugins.module_utils import versions as vers

_NOT_ITEM_FIELDS = ("items", "prune", "exact", "created_experiences")


def single_item(module_name, params):
    """The one resource the single form describes: the module's own options that were given."""
    own = set(module_spec(module_name)["argument_spec"]) - set(CONNECTION_ARGSPEC)
    item = {}
    for field in sorted(own - set(_NOT_ITEM_FIELDS)):
        if params.get(field) is not None:
            item[field] = params[field]
    if item.get("state") == "present":
        del item["state"]
    if module_name == "personalize_experience" and not item.get("replace"):
        item.pop("replace", None)
    return item


def run_module(module_name, params, check_mode=False, diff=False, client=None):
    kind_name = KIND_OF_MODULE[module_name]
    if kind_name == "project":
        return run_project(params, check_mode, diff, client)
    many = params.get("items") is not None
    items = params["items"] if many else [single_item(module_name, params)]
    try:
        client = client or client_from_module_params(params)
        project = project_of(client, params, check_mode)
        if kind_name == "priority":
            result = run_priority(project, params["order"], check_mode, diff)
        else:
            if kind_name == "version":
                out = run_versions(project, items, check_mode, exact=params.get("exact", False),
                                   created=params.get("created_experiences") or [])
            else:
                out = run_kind(project, kind_name, items, check_mode, prune=params.get("prune", False))
            result = shape_result(kind_name, identity_of(module_name), out, many, check_mode, diff)
    except PersonalizeError as exc:
        return {"failed": True, "changed": False, "msg": str(exc)}
    project.save()
    return _with_calls(result, client)


def project_of(client, params, check_mode=False):
    """The cached view of the project; with ``listing_cache``, the one the run's earlier tasks left.
    Check mode reads the cache but never writes its predictions into it."""
    key = params.get("listing_cache")
    cache = ListingCache(key, client.base_url, client.project_uid) if key else None
    return ProjectListings(client, cache=cache, save=not check_mode)


def _with_calls(result, client):
    """Every result says what it cost: HTTP requests sent, re-sends, and 429 answers."""
    result["api_calls"] = dict(client.stats)
    return result


# -- attributes, events, audiences, experiences ------------------------------------------------
def run_kind(project, kind_name, items, check_mode, prune=False):
    engine = Engine(project, check_mode=check_mode)
    idx = project.indexes()
    idx.set_lenient(check_mode)
    changes = engine.plan(kind_name, items, prune=prune)
    engine.apply(changes)
    warnings = idx.warnings()
    records = []
    for change in changes:
        warnings.extend(change.warnings)
        record = change.result()
        record["before"] = change.before
        record["after"] = change.after
        record["object"] = change.raw if change.action != "delete" else None
        records.append(record)
    return {"records": records, "warnings": warnings}


# -- projects (organization scoped) --------------------------------------------------------
def run_project(params, check_mode, diff, client=None):
    """personalize_project: the same engine, for the project kind of one organization.

    ``project_uid`` is dropped: /projects calls never send ``x-project-uid``, and a value set for
    the other modules (module_defaults, environment) must not break this one."""
    kind = KINDS["project"]
    name = params.get("name")
    try:
        client = client or client_from_module_params(dict(params, project_uid=None))
        if not client.organization_uid:
            raise PersonalizeError("personalize_project needs organization_uid (or CONTENTSTACK_ORGANIZATION_UID): "
                                   "projects belong to an organization")
        project = ProjectListings(client)
        out = run_kind(project, "project", [single_item("personalize_project", params)], check_mode)
    except PersonalizeApiError as exc:
        return {"failed": True, "changed": False,
                "msg": kind.explain(exc, name, getattr(client, "organization_uid", None))}
    except PersonalizeError as exc:
        return {"failed": True, "changed": False, "msg": str(exc)}
    existing = len(project.raw(kind.plural))
    if check_mode and out["records"][0]["action"] == "create" and existing >= kind.default_limit:
        out["warnings"].append(
            "organization %s already has %d projects and the default limit is %d, so creating %s may be "
            "refused" % (client.organization_uid, existing, kind.default_limit, kind.item_label(name)))
    return _with_calls(shape_result("project", "name", out, False, check_mode, diff), client)


# -- priority ------------------------------------------------------------------------------
def run_priority(project, order, check_mode, diff):
    """Experiences in ``order`` first (highest priority first), the others after them in their
    current relative order; the API takes the full list of the project's experiences."""
    idx = project.indexes("experiences")
    if len(set(order)) != len(order):
        raise PersonalizeInputError("order: names an experience twice")
    current = project.priority()
    names = [idx.experiences.ident_of(uid) for uid in current]
    known = set(idx.experiences.by_ident)
    missing = [n for n in order if n not in known]
    if missing and not check_mode:
        raise PersonalizeInputError("order: unknown experience(s) %s" % ", ".join(repr(n) for n in missing))
    for name in order:
        idx.experiences.uid_of(name)  # ambiguity is an error
    rest = [n for n in names if n is not None and n not in order]
    rest += sorted(n for n in known if n not in order and n not in rest)
    wanted = list(order) + rest
    changed = wanted != names
    if changed and not check_mode:
        body = {"priorityOrder": [idx.experiences.uid_of(n) for n in wanted]}
        answer = project.client.put("/experiences-priority", body)
        # The order the server answers with, when it answers with one.
        stored = (answer.get("priorityOrder") if isinstance(answer, dict) else None) or body["priorityOrder"]
        project.set_priority(stored)
        wanted = [idx.experiences.ident_of(uid) for uid in stored]
    result = {"changed": changed, "order": wanted,
              "msg": "experience priority %s" % (("would be set" if check_mode else "set") if changed else "unchanged")}
    if missing:
        result["warnings"] = ["experience %r does not exist; check mode assumes an earlier task creates it" % n
                              for n in missing]
    if diff:
        result["diff"] = {"before": {"order": names}, "after": {"order": wanted},
                          "before_header": "experience priority (before)", "after_header": "experience priority (after)"}
    return result


# -- versions ------------------------------------------------------------------------------
def _version_specs(item, where):
    if item.get("versions") is not None:
        if not isinstance(item["versions"], list):
            raise PersonalizeInputError("%s: versions must be a list" % where)
        extra = sorted(set(item) - {"experience", "versions", "type"})
        if extra:
            raise PersonalizeInputError("%s: give either versions or status/variants, not both (%s)" % (where, ", ".join(extra)))
        return [v for v in item["versions"] if str(v.get("status", "")).lower() != "archived"]
    spec = dict((k, item[k]) for k in vers.SPEC_FIELDS if item.get(k) is not None)
    spec.setdefault("status", "active")
    return [spec]


def _guess_type(specs):
    for spec in specs:
        for variant in spec.get("variants") or []:
            if isinstance(variant, dict) and "trafficDistribution" in variant:
                return "ab_test"
    return "segmented"


def run_versions(project, items, check_mode, exact=False, created=()):
    """``created``: names of experiences an earlier task has just created. Their only version is
    the empty draft the API made with them (``latestVersion``), so their versions are not listed."""
    idx = project.indexes("audiences", "events", "experiences")
    for name in created:
        exp_raw = idx.experiences.by_ident.get(name)
        if exp_raw and isinstance(exp_raw.get("latestVersion"), str) and exp_raw.get("uid"):
            project.set_versions(exp_raw["uid"], [
                {"uid": exp_raw["latestVersion"], "status": "DRAFT", "variants": []}])
    idx.set_lenient(check_mode)
    plans = []
    seen = set()
    # Validate and plan everything before the first write.
    for pos, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("experience"), str):
            raise PersonalizeInputError("versions item %d: experience (the experience name) is required" % pos)
        name = item["experience"]
        where = "experience %r" % name
        if name in seen:
            raise PersonalizeInputError("%s appears twice in the input" % where)
        seen.add(name)
        uid = idx.experiences.uid_of(name)
        exp_raw = idx.experiences.by_ident.get(name)
        specs = _version_specs(item, where)
        if exp_raw is None:
            if not check_mode:
                raise PersonalizeInputError("%s does not exist in the project; create it first with "
                                    "contentstack.personalize.personalize_experience" % where)
            idx.experiences.assumed.add(name)
            exp_type = str(item.get("type") or _guess_type(specs)).lower()
            raw_versions = [{"uid": "<planned draft of %s>" % name, "status": "DRAFT", "variants": []}]
            uid = None
        else:
            exp_type = KINDS["experience"].export(exp_raw, idx)["type"]
            raw_versions = project.versions(uid)
        desired = [vers.normalize_spec(s, exp_type, idx, "%s: versions[%d]" % (where, i)) for i, s in enumerate(specs)]
        steps, before, after = vers.plan(where, exp_type, raw_versions, desired, idx, exact=exact)
        plans.append((name, uid, exp_type, steps, before, after))
    records = []
    for name, uid, exp_type, steps, before, after in plans:
        final = {} if check_mode else _execute_steps(project, uid, steps)
        # The project's versions of this experience, kept true by _execute_steps.
        current = _live_and_draft(project.versions(uid)) if uid else []
        if not check_mode:
            after = [vers.export_version(raw, exp_type, idx) for raw in current]
        records.append({
            "kind": "version", "experience": name, "uid": uid,
            # The raw view, in the export lookup's raw shape: the live version, then the draft.
            "object": {"experience": uid, "name": name, "versions": current},
            "action": "update" if steps else "none", "changed": bool(steps),
            "steps": [s.describe() for s in steps],
            "before": before, "after": after,
            "version_uids": dict((v.get("status", "").lower(), v.get("uid")) for v in final.values()),
            "short_uids": dict((v["name"], v.get("shortUid")) for spec in after for v in spec["variants"]),
        })
    return {"records": records, "warnings": idx.warnings()}


def _execute_steps(project, exp_uid, steps):
    """Run version calls in order; returns {version uid: raw} of the versions written."""
    client = project.client
    path = "/experiences/%s/versions" % exp_uid
    written = {}
    new_uid = None
    for step in steps:
        if step.op == "post":
            def find_draft():
                # A POST is planned only when there is no draft: a draft now is the lost POST's.
                fresh = list(client.get(path) or [])
                project.set_versions(exp_uid, fresh)
                drafts = [v for v in fresh if v.get("status") == "DRAFT"]
                return drafts[0] if drafts else None

            raw = post_or_adopt(client, path, step.body, find_draft)
            new_uid = raw["uid"]
            written[new_uid] = raw
        elif step.op == "put":
            target = new_uid if step.version == "new" else step.version
            body = step.body
            if step.version == "new":
                body = vers.carry_short_uids(body, written[new_uid])
            raw = client.put("%s/%s" % (path, target), body)
            written[target] = raw or dict(body, uid=target)
        elif step.op == "delete":
            client.delete("%s/%s" % (path, step.version))
            written.pop(step.version, None)
            written[step.version] = {"uid": step.version, "status": "DELETED"}
    if steps:
        current = dict((v["uid"], v) for v in project.versions(exp_uid))
        for uid, raw in written.items():
            if raw.get("status") == "DELETED":
                current.pop(uid, None)
            else:
                current[uid] = raw
        # Activating archives the previous live version.
        live = [u for u, v in written.items() if v.get("status") in vers.LIVE]
        if live:
            for uid, raw in current.items():
                if uid not in live and raw.get("status") in vers.LIVE:
                    current[uid] = dict(raw, status="ARCHIVED")
        project.set_versions(exp_uid, list(current.values()))
    return written


def _live_and_draft(versions):
    live = [v for v in versions if v.get("status") in vers.LIVE]
    draft = [v for v in versions if v.get("status") == "DRAFT"]
    return live[:1] + draft[:1]


# -- results -------------------------------------------------------------------------------
_PAST = {"create": "created", "update": "updated", "delete": "deleted", "replace": "replaced", "none": "unchanged"}


def shape_result(kind_name, identity, out, many, check_mode, diff):
    records = out["records"]
    changed = any(r["changed"] for r in records)
    result = {"changed": changed}
    if out.get("warnings"):
        result["warnings"] = out["warnings"]
    would = "would be " if check_mode else ""
    if many:
        summary = {}
        for r in records:
            summary[_PAST[r["action"]]] = summary.get(_PAST[r["action"]], 0) + 1
        result["summary"] = summary
        result["results"] = [_public(r) for r in records]
        plural = kind_name + "s"
        result["msg"] = "%d %s: %s" % (len(records), plural, ", ".join(
            "%d %s%s" % (n, would if word != "unchanged" else "", word) for word, n in sorted(summary.items()))
            if records else "nothing to do")
        if diff:
            result["diff"] = [_diff(kind_name, r) for r in records if r["changed"]]
    else:
        r = records[0]
        result.update(_public(r))
        label = "%s %r" % (kind_name, r.get(identity))
        if kind_name == "version":
            result["msg"] = "%s of experience %r: %s" % (
                "versions", r["experience"], "; ".join(r["steps"]) if r["steps"] else "unchanged")
            if check_mode and r["steps"]:
                result["msg"] += " (check mode: nothing written)"
        else:
            result["msg"] = "%s %s%s" % (label, would if r["action"] != "none" else "", _PAST[r["action"]])
        if diff:
            result["diff"] = _diff(kind_name, r)
    return result


def _public(record):
    out = dict((k, v) for k, v in record.items() if k not in ("before", "after"))
    out[record["kind"]] = record["after"] if record["after"] is not None else record["before"]
    return out


def _diff(kind_name, record):
    ident = record.get("key") or record.get("name") or record.get("experience")
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


__all__ = ["run_module", "KINDS"]


def module_main(module, module_name):
    """The body of every module's main(): run, then exit or fail with a readable message."""
    from ansible_collections.contentstack.personalize.plugins.module_utils import client as client_mod
    if not getattr(client_mod, "HAS_REQUESTS", True):
        from ansible.module_utils.basic import missing_required_lib
        module.fail_json(msg=missing_required_lib("requests"),
                         exception=getattr(client_mod, "REQUESTS_IMPORT_ERROR", None))
    result = run_module(module_name, module.params, check_mode=module.check_mode, diff=module._diff)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
