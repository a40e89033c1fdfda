# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the stack side is written: the executors of personalize_variant_group and
personalize_entry_variant (FOR INTERNAL COLLECTION USE ONLY).

Both check and plan every item before the first write (bad input: PersonalizeInputError naming the
item and the field), then write what changes, and give one record per item to ``results.shape``.
The reads are the ones ``stack.Stack`` makes once per task: the project's experiences (Personalize),
the stack's content types, locales and groups (with their CMS variants), and one entry variants
list per entry and locale. With ``listing_cache``, the stack's lists start from the ones the run's
earlier tasks and lookups left (stack.Stack), and are left, as the task's writes kept them, for the
next (also after a failure; never in check mode).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils import results, stack as stk
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError, PersonalizeInputError

GROUP_FIELDS = ("experience", "content_types", "state", "exact")
ENTRY_FIELDS = ("content_type", "entry", "locale", "experience", "variant", "fields", "change_set", "state")


# ------------------------------------------------------------------ shared: items and groups
def task_items(task, list_option, fields):
    """The items of a task: its list option's, or the single form's one item (the fields given)."""
    if task.many:
        items = task.params[list_option]
    else:
        items = [dict((f, task.params[f]) for f in fields if task.params.get(f) is not None)]
    for pos, item in enumerate(items):
        if not isinstance(item, dict):
            raise PersonalizeInputError("%s[%d]: must be a mapping" % (list_option, pos))
        unknown = sorted(set(item) - set(fields))
        if unknown:
            raise PersonalizeInputError("%s[%d]: unknown field(s) %s (known: %s)" % (
                list_option, pos, ", ".join(unknown), ", ".join(fields)))
    return items


def _text(item, field, where, required=True):
    value = item.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PersonalizeInputError("%s: %s must be a non-empty string" % (where, field))
    return value


def _names(item, field, where):
    value = item.get(field)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PersonalizeInputError("%s: %s must be a list of content type uids" % (where, field))
    return value


def _state(item, where):
    state = item.get("state") or "present"
    if state not in ("present", "absent"):
        raise PersonalizeInputError("%s: state must be present or absent, got %r" % (where, state))
    return state


class Experiences:
    """The experiences a task names, and their groups in the stack (waiting, bounded, for the groups
    Personalize has not made yet)."""

    def __init__(self, listings, stack, task):
        self.listings, self.stack, self.task = listings, stack, task
        self.index = listings.indexes("experiences").experiences
        self.warnings = []
        self._groups = {}

    def find(self, name, where):
        """The experience's raw object; None (with a warning) in check mode for one not made yet."""
        self.index.uid_of(name)  # two experiences with this name: an error that names them
        raw = self.index.by_ident.get(name)
        if raw is None:
            if not self.task.check_mode:
                raise PersonalizeInputError("%s: experience %r does not exist in the project" % (where, name))
            self.warnings.append("%s: experience %r does not exist; check mode assumes an earlier task creates it"
                                 % (where, name))
        return raw

    def groups(self, experiences):
        """``{experience uid: group or None}``; outside check mode, waits (wait_timeout) for missing ones."""
        wanted = [x for x in experiences if x is not None and x["uid"] not in self._groups]
        if not wanted:
            return self._groups
        self._read(wanted)
        missing = [x for x in wanted if self._groups.get(x["uid"]) is None]
        if missing and not self.task.check_mode:
            timeout = self.task.params.get("wait_timeout")
            fresh = stk.wait_for_cms(self.listings.client, [x["uid"] for x in missing], 0 if timeout is None else timeout)
            self.stack.forget_groups()
            self._read([fresh.get(x["uid"], x) for x in missing])
            still = [x["name"] for x in missing if self._groups.get(x["uid"]) is None]
            if still:
                raise PersonalizeInputError(
                    "Personalize reports a variant group for experience(s) %s, but stack %s has none: is the project"
                    " connected to this stack (stack_api_key)?" % (", ".join(repr(n) for n in still), self.stack.api_key))
        return self._groups

    def refresh(self):
        """Read the stack's groups again when they came from the run's listing cache (Personalize may
        have made CMS variants in them since); True when it did."""
        if not self.stack.restored("groups"):
            return False
        self.stack.forget_groups()
        by_uid = dict((g.get("uid"), g) for g in self.stack.groups())
        self._groups = dict((x, by_uid.get(g.get("uid"), g) if g else g) for x, g in self._groups.items())
        return True

    def _read(self, experiences):
        # One experience: one filtered call; more: the stack's whole list of groups, once.
        if len(experiences) == 1 and not self.stack.has_groups():
            self._groups[experiences[0]["uid"]] = self.stack.group_of(experiences[0])
            return
        for x in experiences:
            self._groups[x["uid"]] = self.stack.group_of(x, full=True)


# ------------------------------------------------------------------ personalize_variant_group
def _with_stack(execute, listings, task):
    """``execute(listings, stack, task)`` on the task's stack.Stack (sharing the run's listings when the
    task has ``listing_cache``), whose lists are then left for the next task, also after a failure."""
    stack = stk.Stack(listings.client, listing_cache=task.params.get("listing_cache"), save=not task.check_mode)
    try:
        return execute(listings, stack, task)
    finally:
        stack.save()


def execute_groups(listings, task):
    """personalize_variant_group: the content types of each named experience's variant group."""
    return _with_stack(_execute_groups, listings, task)


def _execute_groups(listings, stack, task):
    found = Experiences(listings, stack, task)
    plans = [_plan_links(found, stack, item, pos, task) for pos, item in
             enumerate(task_items(task, "variant_groups", GROUP_FIELDS))]
    groups = found.groups([p["raw"] for p in plans])
    records = [_link(stack, plan, groups.get(plan["uid"]), task.check_mode) for plan in plans]
    return results.shape(task, {"records": records, "warnings": found.warnings}, group_message)


def _plan_links(found, stack, item, pos, task):
    where = "variant_groups[%d]" % pos if task.many else "variant group"
    name = _text(item, "experience", where)
    where = "%s (experience %r)" % (where, name)
    types = _names(item, "content_types", where)
    state, exact = _state(item, where), bool(item.get("exact"))
    if exact and state == "absent":
        raise PersonalizeInputError("%s: exact applies to state present only" % where)
    known = set(ct.get("uid") for ct in stack.content_types())
    unknown = [t for t in types if t not in known]
    if unknown:
        raise PersonalizeInputError("%s: content_types: %s not in stack %s" % (
            where, ", ".join(repr(t) for t in unknown), stack.api_key))
    raw = found.find(name, where)
    return {"name": name, "raw": raw, "uid": raw["uid"] if raw else None, "types": types, "state": state, "exact": exact}


def _link(stack, plan, group, check_mode):
    """Write one group's links when they change (not in check mode); its record."""
    current = stk.linked_types(group)
    new, changed = stk.link_plan(current, plan["types"], plan["state"], plan["exact"])
    if changed and not check_mode:
        group = stack.put_links(group, new)
        new = stk.linked_types(group)
    return {
        "kind": "variant_group", "experience": plan["name"], "uid": group.get("uid") if group else None,
        "action": "update" if changed else "none", "changed": changed, "pending": group is None,
        "linked": [t for t in new if t not in current], "unlinked": [t for t in current if t not in new],
        "before": {"content_types": current}, "after": {"content_types": new},
    }


def group_message(kind_name, identity, record, check_mode):
    """The single form's sentence: what was (or would be) linked and unlinked."""
    what = "; ".join(part for part in (
        "linked %s" % ", ".join(record["linked"]) if record["linked"] else "",
        "unlinked %s" % ", ".join(record["unlinked"]) if record["unlinked"] else "") if part) or "unchanged"
    if check_mode and record["changed"]:
        what = "would be " + what
    pending = " (its group is not created yet)" if record["pending"] else ""
    return "variant group of experience %r%s: %s" % (record["experience"], pending, what)


# ------------------------------------------------------------------ personalize_entry_variant
def execute_entry_variants(listings, task):
    """personalize_entry_variant: entry variants, each on the CMS variant of an experience's variant."""
    return _with_stack(_execute_entry_variants, listings, task)


def _execute_entry_variants(listings, stack, task):
    found = Experiences(listings, stack, task)
    items = task_items(task, "entry_variants", ENTRY_FIELDS)
    plans = [_check_entry(found, stack, item, pos, task) for pos, item in enumerate(items)]
    _no_twins(plans)
    groups = found.groups([p["raw"] for p in plans])
    for plan in plans:
        _resolve_variant(found, stack, plan, groups.get(plan["xuid"]), task.check_mode)
        _read_current(stack, plan)
    records = [_write_entry(stack, plan, task.check_mode) for plan in plans]
    return results.shape(task, {"records": records, "warnings": found.warnings}, entry_message)


def _check_entry(found, stack, item, pos, task):
    where = "entry_variants[%d]" % pos if task.many else "entry variant"
    plan = dict((f, _text(item, f, where)) for f in ("content_type", "entry", "experience", "variant"))
    plan["where"] = where = "%s (%s %s, experience %r, variant %r)" % (
        where, plan["content_type"], plan["entry"], plan["experience"], plan["variant"])
    plan["state"] = _state(item, where)
    locales = [loc.get("code") for loc in stack.locales()]
    plan["locale"] = _text(item, "locale", where, required=False) or stack.master_locale()
    if plan["locale"] not in locales:
        raise PersonalizeInputError("%s: locale %r is not a locale of stack %s (%s)" % (
            where, plan["locale"], stack.api_key, ", ".join(locales)))
    content_type = stack.content_type(plan["content_type"])
    if content_type is None:
        raise PersonalizeInputError("%s: content_type %r is not in stack %s" % (where, plan["content_type"], stack.api_key))
    plan["wanted"] = _wanted(item, where, plan["state"])
    unknown = stk.unknown_fields(content_type, plan["wanted"]) if plan["wanted"] else []
    if unknown:
        raise PersonalizeInputError("%s: fields: %s not in content type %s (its fields: %s)" % (
            where, ", ".join(repr(n) for n in unknown), plan["content_type"], ", ".join(stk.schema_fields(content_type))))
    plan["raw"] = found.find(plan["experience"], where)
    plan["xuid"] = plan["raw"]["uid"] if plan["raw"] else None
    plan["id"] = "/".join((plan["content_type"], plan["entry"], plan["locale"], plan["experience"], plan["variant"]))
    return plan


def _wanted(item, where, state):
    fields, change_set = item.get("fields"), item.get("change_set")
    if state == "absent":
        return None
    if not isinstance(fields, dict) or not fields:
        raise PersonalizeInputError("%s: fields must be a mapping of the fields the variant changes" % where)
    if change_set is not None and (not isinstance(change_set, list) or not all(isinstance(c, str) for c in change_set)):
        raise PersonalizeInputError("%s: change_set must be a list of field names" % where)
    return stk.wanted_entry_variant(fields, change_set)


def _no_twins(plans):
    seen = set()
    for plan in plans:
        key = (plan["content_type"], plan["entry"], plan["locale"], plan["experience"], plan["variant"])
        if key in seen:
            raise PersonalizeInputError("%s: appears twice in the input" % plan["where"])
        seen.add(key)


def _resolve_variant(found, stack, plan, group, check_mode):
    """The CMS variant of the plan's variant (by name, in the experience's group); the group must be
    linked to the content type (check mode: a warning, assuming an earlier task links it)."""
    plan["variant_uid"] = None
    if group is None:
        found.warnings.append("%s: the experience's variant group is not created yet; check mode assumes it will be"
                              % plan["where"])
        return
    named = [v for v in stack.variants(group) if v.get("name") == plan["variant"]]
    if not named and found.refresh():
        group = found.groups([])[plan["xuid"]]
        named = [v for v in stack.variants(group) if v.get("name") == plan["variant"]]
    if not named:
        raise PersonalizeInputError("%s: variant: experience %r has no CMS variant named %r (its variants: %s)" % (
            plan["where"], plan["experience"], plan["variant"],
            ", ".join(sorted(repr(v.get("name")) for v in stack.variants(group))) or "none yet"))
    if len(named) > 1:
        raise PersonalizeInputError("%s: variant: %d CMS variants of experience %r are named %r (uids %s)" % (
            plan["where"], len(named), plan["experience"], plan["variant"], ", ".join(v.get("uid") for v in named)))
    plan["variant_uid"] = named[0]["uid"]
    if plan["content_type"] not in stk.linked_types(group):
        text = "%s: content_type %r is not linked to the variant group of experience %r (linked: %s)" % (
            plan["where"], plan["content_type"], plan["experience"], ", ".join(stk.linked_types(group)) or "none")
        if not check_mode:
            raise PersonalizeInputError(text + "; link it first with contentstack.personalize.personalize_variant_group")
        found.warnings.append(text + "; check mode assumes an earlier task links it")


def _read_current(stack, plan):
    """The entry's current variant (one list per entry and locale, shared by the task's items)."""
    plan["current"] = None
    try:
        variants = stack.entry_variants(plan["content_type"], plan["entry"], plan["locale"])
    except PersonalizeApiError as exc:
        if exc.status == 404:
            raise PersonalizeInputError("%s: entry %r is not an entry of content type %r in stack %s" % (
                plan["where"], plan["entry"], plan["content_type"], stack.api_key))
        raise
    if plan["variant_uid"] is not None:
        plan["current"] = stk.entry_variant_state(variants.get(plan["variant_uid"]))


def _write_entry(stack, plan, check_mode):
    current, wanted = plan["current"], plan["wanted"]
    if wanted is None:
        action = "delete" if current is not None else "none"
    else:
        action = "none" if not stk.entry_variant_changed(current, wanted) else ("update" if current else "create")
    after = wanted
    if action != "none" and not check_mode:
        args = (plan["content_type"], plan["entry"], plan["locale"], plan["variant_uid"])
        if action == "delete":
            stack.delete_entry_variant(*args)
        else:
            after = stk.entry_variant_state(stack.put_entry_variant(*(args + (wanted,))))
    record = dict((f, plan[f]) for f in ("content_type", "entry", "locale", "experience", "variant"))
    record.update(kind="entry_variant", id=plan["id"], uid=plan["variant_uid"], action=action, changed=action != "none",
                  before=current, after=after if action != "delete" else None)
    return record


def entry_message(kind_name, identity, record, check_mode):
    past = {"create": "created", "update": "updated", "delete": "deleted", "none": "unchanged"}[record["action"]]
    would = "would be " if check_mode and record["action"] != "none" else ""
    return "entry variant of %s %s (%s) for experience %r, variant %r: %s%s" % (
        record["content_type"], record["entry"], record["locale"], record["experience"], record["variant"], would, past)
