# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack side of a project (FOR INTERNAL COLLECTION USE ONLY): reading the connected stack
through the Content Management API, and the pure plans of its two writes.

* ``Stack``: one stack through one client (``client.cma``, ``client.cma_list``): the stack, its
  locales, content types, entries, entry variants, variant groups and CMS variants, each list read
  once (paged) and kept true after our own writes; with a ``listing_cache`` key, shared with the
  run's other tasks and lookups (listing_cache.py), as ProjectListings shares a project's.
* ``cms_of`` / ``cms_ready``: an experience's ``_cms`` (Personalize's record of its group and CMS
  variants; ``variantGroup`` is a uid string, or an object with one); ``wait_for_cms``: the bounded
  wait for Personalize's background job, one experiences list per tick.
* ``link_plan``, ``group_put_body``: the content types of a group (pure). The PUT is link form 2 of
  the API reference (11.3), the whole group with every wanted type ``linked`` and every dropped one
  ``unlinked``, so that the result is the same whether the server replaces the links or merges them
  (docs/architecture.md, "The stack side").
* ``entry_variant_state``, ``wanted_entry_variant``, ``entry_variant_body``: an entry variant as its
  fields and change set, the system keys the server adds left out (pure).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeError,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.listing_cache import ListingCache

# Keys of an entry (variant) that the server sets; never compared, never sent.
SYSTEM_KEYS = frozenset((
    "uid", "locale", "_version", "_variant", "_metadata", "tags", "ACL", "_in_progress", "created_at",
    "updated_at", "created_by", "updated_by", "publish_details", "_rules", "_workflow",
))
LINKED, UNLINKED = "linked", "unlinked"
# The keys of the stack (GET /v3/stacks) that are read, and the only ones a listing cache keeps.
STACK_KEYS = ("api_key", "name", "org_uid", "master_locale")


def _cma_path(*parts):
    return "/v3/" + "/".join(parts)


# ------------------------------------------------------------------ the experience's _cms
def cms_of(experience):
    """``(group uid or None, {variant shortUid: CMS variant uid})`` from an experience's ``_cms``,
    which is missing, empty or incomplete until Personalize's background job has run."""
    cms = (experience or {}).get("_cms") or {}
    group = cms.get("variantGroup") if isinstance(cms, dict) else None
    if isinstance(group, dict):
        group = group.get("uid")
    variants = cms.get("variants") if isinstance(cms, dict) else None
    variants = dict((str(k), v) for k, v in variants.items() if v) if isinstance(variants, dict) else {}
    return (group if isinstance(group, str) and group else None), variants


def cms_ready(experience, short_uids=None):
    """True when the experience has its group and CMS variants (all of ``short_uids`` when given)."""
    group, variants = cms_of(experience)
    if group is None or not variants:
        return False
    return all(str(s) in variants for s in (short_uids or ()))


def wait_for_cms(client, experience_uids, timeout, progress=None, needed=None, experiences=None,
                 sleep=time.sleep, clock=time.monotonic, first_interval=1.0, max_interval=10.0):
    """Wait until every experience of ``experience_uids`` has its group and CMS variants (and the
    shortUids ``needed[uid]``), reading ``GET /experiences`` once per tick, the interval growing from
    ``first_interval`` to ``max_interval``, for ``timeout`` seconds at most. ``experiences``: a listing
    already read (no call when it is enough). ``progress(names still missing, seconds waited)`` is
    called before each pause. Gives ``{uid: experience}`` of the last listing; raises PersonalizeError
    naming the experiences still without their group."""
    needed = needed or {}
    start, interval = clock(), float(first_interval)
    listing = experiences
    while True:
        if listing is None:
            listing = client.get("/experiences") or []
        by_uid = dict((x.get("uid"), x) for x in listing)
        missing = [uid for uid in experience_uids if not cms_ready(by_uid.get(uid), needed.get(uid))]
        if not missing:
            return by_uid
        waited = clock() - start
        names = [(by_uid.get(uid) or {}).get("name") or uid for uid in missing]
        if waited >= timeout:
            raise PersonalizeError(
                "Personalize has not created the variant group and CMS variants of %d experience(s) after %s s: %s."
                " They are made in the background once an experience has variants and its project is connected to"
                " the stack; run again later, or wait longer (wait_timeout)"
                % (len(missing), _seconds(timeout), ", ".join(repr(n) for n in names)))
        if progress is not None:
            progress(names, waited)
        sleep(max(0.0, min(interval, timeout - waited)))
        interval = min(interval * 1.5, max_interval)
        listing = None


def _seconds(value):
    return ("%d" % value) if float(value) == int(value) else ("%.1f" % value)


# ------------------------------------------------------------------ content type links (pure)
def linked_types(group):
    """The content type uids a group is linked to, in its order (items ``{uid, status}`` or strings)."""
    out = []
    for item in (group or {}).get("content_types") or []:
        uid, status = (item, LINKED) if isinstance(item, str) else (item.get("uid"), item.get("status") or LINKED)
        if status != UNLINKED and uid and uid not in out:
            out.append(uid)
    return out


def link_plan(current, wanted, state="present", exact=False):
    """``(new links, changed)``: ``present`` adds ``wanted`` to ``current`` (with ``exact``, the others
    go), ``absent`` takes ``wanted`` away. Order: the current links kept, then the new ones as given."""
    wanted = [w for i, w in enumerate(wanted) if w not in wanted[:i]]
    if state == "absent":
        new = [c for c in current if c not in wanted]
    else:
        kept = [c for c in current if c in wanted] if exact else list(current)
        new = kept + [w for w in wanted if w not in kept]
    return new, set(new) != set(current)


def group_put_body(group, new):
    """The PUT /v3/variant_groups/{uid} body: the group as read (its embedded ``variants`` left out),
    every type of ``new`` linked and every other type it had unlinked, which gives ``new`` whether the
    server replaces the group's links with the body's or merges them."""
    body = dict((k, v) for k, v in group.items() if k not in ("variants", "content_types"))
    body["content_types"] = ([{"uid": uid, "status": LINKED} for uid in new]
                             + [{"uid": uid, "status": UNLINKED} for uid in linked_types(group) if uid not in new])
    return body


# ------------------------------------------------------------------ entry variants (pure)
def entry_variant_state(entry_variant):
    """``{"fields", "change_set"}`` of an entry variant as the CMA gives it: its own fields, without the
    system keys; ``title`` counts only when the change set names it (the server always shows one)."""
    if entry_variant is None:
        return None
    meta = entry_variant.get("_variant") or {}
    change_set = list(meta.get("_change_set") or [])
    tops = set(name.split(".")[0] for name in change_set)
    fields = dict((k, v) for k, v in entry_variant.items()
                  if k not in SYSTEM_KEYS and (k != "title" or "title" in tops))
    return {"fields": fields, "change_set": change_set}


def wanted_entry_variant(fields, change_set=None):
    """The state a task asks for: ``fields``, and ``change_set`` (default: the field names, sorted)."""
    return {"fields": dict(fields), "change_set": list(change_set) if change_set is not None else sorted(fields)}


def entry_variant_changed(current, wanted):
    """True when ``current`` (an ``entry_variant_state``, or None) differs from ``wanted``."""
    if current is None:
        return True
    return current["fields"] != wanted["fields"] or sorted(current["change_set"]) != sorted(wanted["change_set"])


def entry_variant_body(wanted):
    """The PUT body of an entry variant: the changed fields and their names in ``_variant._change_set``."""
    entry = dict(wanted["fields"])
    entry["_variant"] = {"_change_set": list(wanted["change_set"])}
    return {"entry": entry}


def schema_fields(content_type):
    """The top-level field uids of a content type."""
    return [f.get("uid") if isinstance(f, dict) else f for f in (content_type or {}).get("schema") or []]


def unknown_fields(content_type, wanted):
    """Field names of ``wanted`` (fields and change set) that the content type does not have."""
    schema = set(schema_fields(content_type))
    names = list(wanted["fields"]) + [c for c in wanted["change_set"] if c not in wanted["fields"]]
    return [n for n in names if n.split(".")[0] not in schema]


# ------------------------------------------------------------------ reading and writing a stack
class Stack:
    """One stack through one client: each list read once (all its pages) and kept true after our writes.

    ``api_key`` and ``branch`` default to the client's ``stack_api_key`` and ``branch``. With
    ``listing_cache`` (a key), it starts from what an earlier task or lookup of the run with that key
    left for this stack (its CMA URL, api key and branch) and ``save()`` leaves its own, unless
    ``save`` is false (check mode). Reads that the cache cannot answer are made as without it."""

    def __init__(self, client, api_key=None, branch=None, listing_cache=None, save=True):
        self.client = client
        self.api_key = api_key if api_key is not None else client.stack_api_key
        self.branch = branch if branch is not None else client.branch
        self._lists = {}
        self._stack = None
        self._restored = set()
        self.cache = self._save = None
        if listing_cache:
            self.cache = ListingCache(listing_cache, client.cma_base_url, "stack|%s|%s" % (self.api_key, self.branch))
            self._save = save
            self._restore(self.cache.load())

    def _restore(self, data):
        if isinstance(data.get("stack"), dict):
            self._stack = data["stack"]
        for item in data.get("lists") or []:
            if isinstance(item, list) and len(item) == 2 and isinstance(item[1], list):
                key = tuple(item[0]) if isinstance(item[0], list) else item[0]
                self._lists[key] = item[1]
                self._restored.add(key)

    def restored(self, key):
        """True when the list ``key`` (such as ``"groups"``) came from the listing cache, not the API."""
        return key in self._restored

    def save(self):
        """Leave this stack's lists, as this task kept them true, for the run's next task."""
        if self.cache is None or not self._save:
            return
        data = {"lists": [[list(k) if isinstance(k, tuple) else k, v] for k, v in self._lists.items()]}
        if self._stack is not None:
            data["stack"] = dict((k, self._stack.get(k)) for k in STACK_KEYS if k in self._stack)
        self.cache.save(data)

    def _list(self, key, path, member, query=None):
        if key not in self._lists:
            self._lists[key] = self.client.cma_list(path, member, self.api_key, self.branch, query=query)
        return self._lists[key]

    def cma(self, method, path, body=None, query=None):
        return self.client.cma(method, path, self.api_key, self.branch, body=body, query=query)

    def info(self):
        """The stack (``GET /v3/stacks``): api_key, name, org_uid, master_locale..."""
        if self._stack is None:
            self._stack = (self.cma("GET", "/v3/stacks") or {}).get("stack") or {}
        return self._stack

    def locales(self):
        return self._list("locales", "/v3/locales", "locales")

    def master_locale(self):
        if self.info().get("master_locale"):
            return self.info()["master_locale"]
        flagged = [loc.get("code") for loc in self.locales() if loc.get("master")]
        return flagged[0] if flagged else None

    def content_types(self):
        return self._list("content_types", "/v3/content_types", "content_types")

    def content_type(self, uid):
        return dict((ct.get("uid"), ct) for ct in self.content_types()).get(uid)

    def entries(self, content_type, locale):
        return self._list(("entries", content_type, locale), _cma_path("content_types", content_type, "entries"),
                          "entries", {"locale": locale})

    def entry_variants(self, content_type, entry, locale):
        """The entry variants of one entry in one locale, ``{CMS variant uid: entry variant}``."""
        items = self._list(("entry_variants", content_type, entry, locale),
                           _cma_path("content_types", content_type, "entries", entry, "variants"),
                           "entries", {"locale": locale})
        return dict(((ev.get("_variant") or {}).get("_uid"), ev) for ev in items)

    def groups(self):
        """Every variant group of the stack, with its CMS variants."""
        return self._list("groups", "/v3/variant_groups", "variant_groups", {"include_variant_info": "true"})

    def groups_by_experience(self):
        """``{experience uid: group}`` of every group Personalize made (``personalize_metadata``)."""
        out = {}
        for group in self.groups():
            xuid = (group.get("personalize_metadata") or {}).get("experience_uid")
            if xuid:
                out[xuid] = group
        return out

    def has_groups(self):
        """True once the full list of groups was read (and is kept)."""
        return "groups" in self._lists

    def forget_groups(self):
        """The next reader lists the groups again (after a wait for new ones)."""
        self._lists.pop("groups", None)
        self._restored.discard("groups")

    def group_of(self, experience, full=False):
        """The group of an experience (a Personalize object): by the uid its ``_cms`` gives, else by
        ``experience_uid``; None when there is none yet. One filtered call, or, with ``full`` or once it
        was read, the full list."""
        uid, _variants = cms_of(experience)
        if full or self.has_groups():
            by_uid = dict((g.get("uid"), g) for g in self.groups())
            return by_uid.get(uid) or self.groups_by_experience().get(experience.get("uid"))
        found = self.cma("GET", "/v3/variant_groups",
                         query={"experience_uid": experience.get("uid"), "include_variant_info": "true"})
        groups = (found or {}).get("variant_groups") or []
        by_uid = dict((g.get("uid"), g) for g in groups)
        return by_uid.get(uid) or (groups[0] if groups else None)

    def variants(self, group):
        """The CMS variants of a group: embedded when the group was read with them, else listed."""
        if isinstance(group.get("variants"), list):
            return group["variants"]
        return self._list(("variants", group["uid"]), _cma_path("variant_groups", group["uid"], "variants"), "variants")

    def put_links(self, group, new):
        """Link the group to exactly ``new`` (content type uids); gives the group as stored. Raises
        PersonalizeApiError when the server's answer shows other links."""
        path = _cma_path("variant_groups", group["uid"])
        answer = self.cma("PUT", path, body=group_put_body(group, new))
        stored = dict(group, **((answer or {}).get("variant_group") or {"content_types": [
            {"uid": uid, "status": LINKED} for uid in new]}))
        if isinstance(group.get("variants"), list):
            stored["variants"] = group["variants"]
        if set(linked_types(stored)) != set(new):
            self.forget_groups()
            raise PersonalizeApiError("PUT", path, 200, "the server linked %s, not %s" % (
                ", ".join(linked_types(stored)) or "nothing", ", ".join(new) or "nothing"))
        if "groups" in self._lists:
            self._lists["groups"] = [stored if g.get("uid") == group["uid"] else g for g in self._lists["groups"]]
        return stored

    def put_entry_variant(self, content_type, entry, locale, variant_uid, wanted):
        """Create or replace one entry variant; gives it as the server stored it."""
        answer = self.cma("PUT", _cma_path("content_types", content_type, "entries", entry, "variants", variant_uid),
                          body=entry_variant_body(wanted), query={"locale": locale})
        stored = (answer or {}).get("entry") or dict(wanted["fields"], _variant={
            "_uid": variant_uid, "_change_set": wanted["change_set"]})
        key = ("entry_variants", content_type, entry, locale)
        if key in self._lists:
            self._lists[key] = [ev for ev in self._lists[key]
                                if (ev.get("_variant") or {}).get("_uid") != variant_uid] + [stored]
        return stored

    def delete_entry_variant(self, content_type, entry, locale, variant_uid):
        self.cma("DELETE", _cma_path("content_types", content_type, "entries", entry, "variants", variant_uid),
                 query={"locale": locale})
        key = ("entry_variants", content_type, entry, locale)
        if key in self._lists:
            self._lists[key] = [ev for ev in self._lists[key] if (ev.get("_variant") or {}).get("_uid") != variant_uid]
