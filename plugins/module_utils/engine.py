# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource engine: find -> compare -> plan -> write (or only predict, in check mode).

The same code runs in check mode and for real; check mode only skips the HTTP writes and keeps
the predicted objects. Comparisons happen in the portable model (keys and names, server-managed
fields left out), so ``changed`` means a user-visible difference and nothing else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.contentstack.personalize.plugins.module_utils.compare import diff_fields
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeInputError,
    PersonalizeResponseLost,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import KINDS
from ansible_collections.contentstack.personalize.plugins.module_utils import results
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import Indexes
from ansible_collections.contentstack.personalize.plugins.module_utils import validate


class ProjectListings:
    """The listings of one project through one client, kept true after our own writes: one list call
    per kind at most (optionally shared with the run's other tasks through a ListingCache)."""

    def __init__(self, client, cache=None, save=True, limits=None):
        self.client = client
        # The project's limits: the documented defaults unless the task says its plan has others.
        self.limits = validate.limits(limits)
        self._lists = {}
        self._versions = {}
        self._indexes = None
        # listing_cache: start from the listings an earlier task of the run left (and, unless
        # ``save`` is false as in check mode, leave ours for the next task).
        self.cache = cache
        self._save = save
        if cache is not None:
            data = cache.load()
            self._lists = dict((k, v) for k, v in (data.get("lists") or {}).items() if isinstance(v, list))
            self._versions = dict((k, v) for k, v in (data.get("versions") or {}).items() if isinstance(v, list))

    def save(self):
        """Leave the listings, as this task kept them true, for the next task of the run."""
        if self.cache is not None and self._save:
            self.cache.save({"lists": self._lists, "versions": self._versions})

    def raw(self, plural):
        if plural not in self._lists:
            self._lists[plural] = list(self.client.get("/" + plural) or [])
        return self._lists[plural]

    def refresh(self, plural):
        self._lists.pop(plural, None)
        items = self.raw(plural)
        if self._indexes is not None and hasattr(self._indexes, plural):
            self.indexes(plural)
        return items

    def versions(self, experience_uid):
        if experience_uid not in self._versions:
            self._versions[experience_uid] = list(
                self.client.get("/experiences/%s/versions" % experience_uid) or [])
        return self._versions[experience_uid]

    def set_versions(self, experience_uid, versions):
        self._versions[experience_uid] = versions

    def forget_versions(self, experience_uid):
        """The versions of an experience are no longer known: the next reader lists them."""
        self._versions.pop(experience_uid, None)

    def set_priority(self, order):
        self._lists["priority"] = list(order)

    def priority(self):
        if "priority" not in self._lists:
            answer = self.client.get("/experiences-priority") or {}
            if isinstance(answer, list):
                answer = {"priorityOrder": answer}
            self._lists["priority"] = list(answer.get("priorityOrder") or [])
        return self._lists["priority"]

    def indexes(self, *needed):
        """Name indexes for the kinds given (plural names); lists only what is needed."""
        if self._indexes is None:
            self._indexes = Indexes(limits=self.limits)
        idx = self._indexes
        for plural in needed:
            fresh = Indexes(**{plural: self.raw(plural)})
            index, old = getattr(fresh, plural), getattr(idx, plural)
            # A rebuilt index keeps what the run decided (check mode's leniency, planned names).
            index.lenient = old.lenient
            index.placeholders |= old.placeholders
            index.assumed |= old.assumed
            setattr(idx, plural, index)
        return idx

    # Keep the cache true after our own writes, so later tasks in-process need no re-read.
    def remember(self, plural, raw, created=False):
        """``raw`` as the API answered a write. An experience the API has just ``created`` has one
        version, the empty draft its ``latestVersion`` names: its versions need no list call."""
        if created and plural == "experiences" and isinstance(raw.get("latestVersion"), str) and raw.get("uid"):
            self._versions[raw["uid"]] = [{"uid": raw["latestVersion"], "status": "DRAFT", "variants": []}]
        items = self._lists.get(plural)
        if items is not None:
            items[:] = [i for i in items if i.get("uid") != raw.get("uid")] + [raw]
        if self._indexes is not None and hasattr(self._indexes, plural):
            index = getattr(self._indexes, plural)
            index.remove(raw.get("uid"))
            index.add(raw)

    def forget(self, plural, uid):
        if plural == "experiences":
            self._versions.pop(uid, None)
        items = self._lists.get(plural)
        if items is not None:
            items[:] = [i for i in items if i.get("uid") != uid]
        if self._indexes is not None and hasattr(self._indexes, plural):
            getattr(self._indexes, plural).remove(uid)


class Change:
    """One planned change of one object."""

    def __init__(self, kind, ident, action, before=None, after=None, uid=None, raw=None, fields=None):
        self.kind = kind
        self.ident = ident
        self.action = action          # create | update | delete | replace | none
        self.before = before          # portable, or None
        self.after = after            # portable, or None
        self.uid = uid
        self.raw = raw                # the API object (after the write, when written)
        self.fields = fields or []
        self.warnings = []

    @property
    def changed(self):
        return self.action != "none"

    def result(self):
        out = {
            "kind": self.kind.name,
            self.kind.identity: self.ident,
            "action": self.action,
            "changed": self.changed,
            "uid": self.uid,
        }
        if self.fields:
            out["changed_fields"] = self.fields
        return out


class Engine:
    """Plans and applies desired items of one kind against one project."""

    def __init__(self, project, check_mode=False):
        self.project = project
        self.check_mode = check_mode

    # -- planning ----------------------------------------------------------------------------
    def normalize_items(self, kind, items, idx):
        """Validate every input item before anything is written; duplicates are an error."""
        seen = {}
        out = []
        for pos, item in enumerate(items):
            if not isinstance(item, dict):
                raise PersonalizeInputError("%ss[%d]: must be a mapping, got %r" % (kind.name, pos, item))
            ident = item.get(kind.identity)
            where = kind.item_label(ident) if ident else "%ss[%d]" % (kind.name, pos)
            state = item.get("state", "present")
            if state not in ("present", "absent"):
                raise PersonalizeInputError("%s: state must be present or absent, got %r" % (where, state))
            norm = kind.normalize(item, idx, where) if state == "present" else {
                kind.identity: self._ident_only(kind, item, where)}
            if norm[kind.identity] in seen:
                raise PersonalizeInputError("%s appears twice in the input (items %d and %d)"
                                            % (where, seen[norm[kind.identity]], pos))
            seen[norm[kind.identity]] = pos
            out.append((norm, state, validate.boolean(item.get("replace", False), where, "replace")))
        return out

    @staticmethod
    def _ident_only(kind, item, where):
        ident = item.get(kind.identity)
        if not isinstance(ident, str) or not ident:
            raise PersonalizeInputError("%s: %s is required" % (where, kind.identity))
        return ident

    def current(self, kind):
        """Current objects of a kind by identity, plus read-only ones, with ambiguity detected."""
        by_ident, readonly, dupes = {}, {}, {}
        for raw in self.project.raw(kind.plural):
            ident = raw.get(kind.identity)
            reason = kind.readonly_reason(raw)
            if reason:
                readonly[ident] = reason
                continue
            if ident in by_ident:
                dupes.setdefault(ident, [by_ident[ident]["uid"]]).append(raw.get("uid"))
            by_ident[ident] = raw
        return by_ident, readonly, dupes

    def plan(self, kind_name, items, prune=False):
        kind = KINDS[kind_name]
        idx = self.project.indexes(*kind.references)
        wanted = self.normalize_items(kind, items, idx)
        by_ident, readonly, dupes = self.current(kind)
        changes = []
        for desired, state, replace in wanted:
            ident = desired[kind.identity]
            where = kind.item_label(ident)
            if ident in readonly:
                raise PersonalizeInputError("%s cannot be managed: %s" % (where, readonly[ident]))
            if ident in dupes:
                raise PersonalizeInputError("%s is ambiguous: %d objects in the %s have this %s (uids %s); "
                                            "rename or delete the extra ones first"
                                            % (where, len(dupes[ident]), kind.container, kind.identity,
                                               ", ".join(dupes[ident])))
            raw = by_ident.get(ident)
            before = kind.export(raw, idx) if raw is not None else None
            if state == "absent":
                changes.append(Change(kind, ident, "delete" if raw else "none", before, None,
                                      raw and raw.get("uid"), raw))
                continue
            if raw is None:
                after = kind.complete(desired)
                changes.append(Change(kind, ident, "create", None, after, None, None, sorted(after)))
                continue
            after = copy.deepcopy(before)
            after.update(desired)
            fields = diff_fields(before, after, kind.fields)
            for field in kind.immutable:
                if field in fields:
                    if not replace:
                        raise PersonalizeInputError(
                            "%s: %s cannot change after creation (%r -> %r); set replace: true to delete "
                            "and re-create it" % (where, field, before.get(field), after.get(field)))
            warnings = []
            if fields and not any(f in fields for f in kind.immutable):
                after, fields, warnings = kind.settle_update(where, before, after, fields)
            action = "none"
            if fields:
                action = "replace" if any(f in fields for f in kind.immutable) else "update"
            change = Change(kind, ident, action, before, after, raw.get("uid"), raw, fields)
            change.warnings.extend(warnings)
            changes.append(change)
        if prune:
            named = set(d[kind.identity] for d, s, r in wanted)
            for ident, raw in sorted(by_ident.items()):
                if ident not in named:
                    changes.append(Change(kind, ident, "delete", kind.export(raw, idx), None, raw.get("uid"), raw))
        self._check_count(kind, changes)
        return changes

    def _check_count(self, kind, changes):
        """A plan that would leave more objects than the project may hold is refused before its first write."""
        if kind.limit is None:
            return
        current = len([raw for raw in self.project.raw(kind.plural) if kind.counted(raw)])
        creates = len([c for c in changes if c.action == "create"])
        deletes = len([c for c in changes if c.action == "delete"])
        validate.count_limit(kind.plural, current, creates, deletes, self.project.limits[kind.limit])

    # -- applying ----------------------------------------------------------------------------
    def apply(self, changes):
        """Carry out planned changes in order (deletes last); in check mode only predict."""
        if not changes:
            return changes
        kind = changes[0].kind
        idx = self.project.indexes(*kind.references)
        ordered = [c for c in changes if c.action != "delete"] + [c for c in changes if c.action == "delete"]
        done = 0
        for change in ordered:
            if change.action == "none":
                continue
            where = kind.item_label(change.ident)
            try:
                self._apply_one(kind, idx, change, where)
            except PersonalizeApiError as exc:
                # Name the item the API refused, and what this task had already written.
                if kind.name != "project":
                    exc.args = ("%s: %s (%d change(s) of this task were written before it)"
                                % (where, exc, done),)
                raise
            done += 1
        return changes

    def _apply_one(self, kind, idx, change, where):
        """One planned change: write it (or only predict it in check mode)."""
        if change.action in ("delete", "replace"):
            if not self.check_mode:
                self._delete(kind, change.uid)
            self.project.forget(kind.plural, change.uid)
            if change.action == "delete":
                return
        if change.action in ("create", "replace"):
            body = kind.body(change.after, idx, where)
            if self.check_mode:
                change.uid = None
                if hasattr(idx, kind.plural):
                    getattr(idx, kind.plural).plan(change.ident)
                return
            raw = self._create(kind, change.ident, body)
        else:
            body = kind.body(change.after, idx, where)
            if self.check_mode:
                return
            raw = self.project.client.put("%s/%s" % (kind.path, change.uid), body) or {}
        change.raw = raw
        change.uid = raw.get("uid")
        self.project.remember(kind.plural, raw, created=change.action != "update")
        # changed is re-checked from the server's answer, not assumed from the request.
        answered = kind.export(raw, idx)
        if change.action == "update" and not diff_fields(change.before, answered, kind.fields):
            change.action = "none"
            change.warnings.append("%s: the server accepted the update but nothing changed" % where)
        elif diff_fields(change.after, answered, kind.fields):
            change.warnings.append("%s: the server stored %s differently than sent"
                                   % (where, ", ".join(diff_fields(change.after, answered, kind.fields))))
        change.after = answered

    def _delete(self, kind, uid):
        try:
            self.project.client.delete("%s/%s" % (kind.path, uid))
        except PersonalizeApiError as exc:
            if exc.status == 404:
                return
            raise

    def _create(self, kind, ident, body):
        """POST; if the response was lost, re-read and adopt what was created (never a 2nd copy)."""

        def find():
            for raw in self.project.refresh(kind.plural):
                if raw.get(kind.identity) == ident:
                    return raw
            return None

        try:
            return post_or_adopt(self.project.client, kind.path, body, find)
        except PersonalizeResponseLost:
            raise
        except PersonalizeApiError as exc:
            explained = kind.create_refused(exc, ident, self.project)
            if explained is None:
                raise
            raise explained


def run_kind(listings, kind_name, items, check_mode, prune=False):
    """Plan and apply desired items of a declared kind; gives the records and the warnings."""
    engine = Engine(listings, check_mode=check_mode)
    idx = listings.indexes()
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


def execute(listings, task):
    """The executor of the modules of the declared kinds (attributes, events, audiences, experiences)."""
    return results.shape(task, run_kind(listings, task.kind, task.items, task.check_mode,
                                        prune=task.params.get("prune", False)))


def post_or_adopt(client, path, body, find):
    """POST ``body`` to ``path`` and return the created object, never creating it twice.

    When the response is lost (``PersonalizeResponseLost``: the POST may or may not have been
    applied), wait a back-off delay, then ``find()`` re-reads and returns the object if the lost
    POST created it; only when it is not there is the POST sent again. Gives up, re-raising the
    last loss, after ``client.max_retries`` lost responses, each followed by a re-read.
    """
    lost = 0
    while True:
        try:
            return client.post(path, body) or {}
        except PersonalizeResponseLost:
            lost += 1
            client.sleep(client._backoff(lost))
            found = find()
            if found is not None:
                return found
            if lost > client.max_retries:
                raise
