# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a version is written: the personalize_version executor.

``versions.plan`` gives, per experience, the version calls (``Step``); this module validates and
plans every item before the first write, sends the calls in order, keeps the listing of the
experience's versions true after them, and gives one record per experience with ``steps`` (in
words) and ``version_changes`` (what each call did to which version).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

from ansible_collections.contentstack.personalize.plugins.module_utils.engine import post_or_adopt
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError, PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import KINDS
from ansible_collections.contentstack.personalize.plugins.module_utils import results
from ansible_collections.contentstack.personalize.plugins.module_utils import versions as vers

# The versions of an experience are named by the experience's name.
IDENTITY = "experience"


def execute(listings, task):
    """personalize_version: plan every item, then write, then shape the result."""
    idx = listings.indexes("audiences", "events", "experiences")
    idx.set_lenient(task.check_mode)
    seen = set()
    plans = [_plan_item(listings, idx, item, pos, seen, task) for pos, item in enumerate(task.items)]
    records = [_record(listings, idx, plan, task.check_mode) for plan in plans]
    return results.shape(task, {"records": records, "warnings": idx.warnings()}, results.versions_message)


# The planned calls for one experience.
_Plan = namedtuple("_Plan", "name uid exp_type steps before after")


def _plan_item(listings, idx, item, pos, seen, task):
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
        if not task.check_mode:
            raise PersonalizeInputError("%s does not exist in the project; create it first with "
                                        "contentstack.personalize.personalize_experience" % where)
        idx.experiences.assumed.add(name)
        exp_type = str(item.get("type") or _guess_type(specs)).lower()
        raw_versions = [{"uid": "<planned draft of %s>" % name, "status": "DRAFT", "variants": []}]
        uid = None
    else:
        exp_type = KINDS["experience"].export(exp_raw, idx)["type"]
        raw_versions = listings.versions(uid)
    exact = task.params.get("exact", False)
    if specs is None:
        # The status alone: the live content as it is (a draft is never deleted by a pause).
        desired, exact = vers.status_only(where, item.get("status"), raw_versions, exp_type, idx), False
    else:
        desired = [vers.normalize_spec(s, exp_type, idx, "%s: versions[%d]" % (where, i)) for i, s in enumerate(specs)]
    steps, before, after = vers.plan(where, exp_type, raw_versions, desired, idx, exact=exact)
    return _Plan(name, uid, exp_type, steps, before, after)


def _version_specs(item, where):
    if item.get("versions") is not None:
        if not isinstance(item["versions"], list):
            raise PersonalizeInputError("%s: versions must be a list" % where)
        extra = sorted(set(item) - {"experience", "versions", "type"})
        if extra:
            raise PersonalizeInputError("%s: give either versions or status/variants, not both (%s)" % (where, ", ".join(extra)))
        return [v for v in item["versions"] if str(v.get("status", "")).lower() != "archived"]
    spec = dict((k, item[k]) for k in vers.SPEC_FIELDS if item.get(k) is not None)
    if set(spec) <= {"status"}:
        return None  # no content given: the status applies to what the experience holds
    spec.setdefault("status", "active")
    return [spec]


def _guess_type(specs):
    for spec in specs or []:
        for variant in spec.get("variants") or []:
            if isinstance(variant, dict) and "trafficDistribution" in variant:
                return "ab_test"
    return "segmented"


def _record(listings, idx, plan, check_mode):
    """Write one experience's planned calls (unless in check mode) and give its record."""
    if check_mode:
        written = {}
        changes = [{"change": s.change, "version": None if s.op == "post" or s.version == "new" else s.version}
                   for s in plan.steps]
    else:
        written, changes = write(listings, plan.uid, plan.steps, "experience %r" % plan.name)
    # The project's versions of this experience, kept true by write().
    current = [v for v in vers.live_and_draft(listings.versions(plan.uid)) if v] if plan.uid else []
    after = plan.after if check_mode else [vers.export_version(raw, plan.exp_type, idx, "experience %r" % plan.name)
                                           for raw in current]
    return {
        "kind": "version", IDENTITY: plan.name, "uid": plan.uid,
        # The raw view, in the export lookup's raw shape: the live version, then the draft.
        "object": {"experience": plan.uid, "name": plan.name, "versions": current},
        "action": "update" if plan.steps else "none", "changed": bool(plan.steps),
        "steps": [s.why for s in plan.steps],
        "version_changes": changes,
        "before": plan.before, "after": after,
        "version_uids": dict((v.get("status", "").lower(), v.get("uid")) for v in written.values()),
        "short_uids": dict((v["name"], v.get("shortUid")) for spec in after for v in spec["variants"]),
    }


def write(listings, exp_uid, steps, where=None):
    """Send an experience's planned version calls in order.

    Returns ``(written, changes)``: {version uid: raw} of the versions written, and one
    {"change", "version"} per call, in order. After the calls the listing of the experience's
    versions says what they left; when a call fails, the listing forgets them, so that the next
    reader (a later task with the same listing_cache) lists them again.
    """
    writer = _Writer(listings, exp_uid)
    try:
        for step in steps:
            try:
                writer.send(step)
            except PersonalizeApiError as exc:
                if where:
                    exc.args = (refused(where, step, exc, len(writer.changes)),)
                raise
    except BaseException:
        listings.forget_versions(exp_uid)
        raise
    if steps:
        writer.settle()
    return writer.written, writer.changes


def refused(where, step, exc, done):
    """The text of a version call the API refused: the experience, the call's purpose, the variants
    by name where the API names them by position, and how many calls of the experience were made."""
    variants = [v.get("name") for v in (step.body or {}).get("variants") or []]

    def named(match):
        pos = int(match.group(1))
        return "%s (variant %r)" % (match.group(0), variants[pos]) if pos < len(variants) else match.group(0)

    return "%s: %s: %s (%d version call(s) of this experience were made before it)" % (
        where, step.why, re.sub(r"variants\[(\d+)\]", named, str(exc)), done)


class _Writer:
    """The calls of one experience's plan, and what they wrote."""

    def __init__(self, listings, exp_uid):
        self.listings = listings
        self.client = listings.client
        self.exp_uid = exp_uid
        self.path = "/experiences/%s/versions" % exp_uid
        self.written = {}
        self.changes = []
        self.new_uid = None

    def send(self, step):
        if step.op == "post":
            raw = post_or_adopt(self.client, self.path, step.body, self._find_draft)
            uid = self.new_uid = raw["uid"]
        elif step.op == "put":
            uid, body = step.version, step.body
            if step.version == "new":
                uid, body = self.new_uid, vers.carry_short_uids(body, self.written[self.new_uid])
            raw = self.client.put("%s/%s" % (self.path, uid), body) or dict(body, uid=uid)
        else:
            uid = step.version
            self.client.delete("%s/%s" % (self.path, uid))
            self.written.pop(uid, None)
            raw = {"uid": uid, "status": "DELETED"}
        self.written[uid] = raw
        self.changes.append({"change": step.change, "version": uid})

    def _find_draft(self):
        # A POST is planned only when there is no draft: a draft now is the lost POST's.
        fresh = list(self.client.get(self.path) or [])
        self.listings.set_versions(self.exp_uid, fresh)
        return vers.live_and_draft(fresh)[1]

    def settle(self):
        """Make the listing of the experience's versions what the calls left."""
        current = dict((v["uid"], v) for v in self.listings.versions(self.exp_uid))
        for uid, raw in self.written.items():
            if raw.get("status") == "DELETED":
                current.pop(uid, None)
            else:
                current[uid] = raw
        # Activating archives the previous live version.
        live = [u for u, v in self.written.items() if v.get("status") in vers.LIVE]
        if live:
            for uid, raw in current.items():
                if uid not in live and raw.get("status") in vers.LIVE:
                    current[uid] = dict(raw, status="ARCHIVED")
        self.listings.set_versions(self.exp_uid, list(current.values()))
