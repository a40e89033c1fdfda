# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: duplicate audiences and experiences, found and repaired.

The API does not keep audience and experience names unique, so two copies into one destination at
once from two machines (where no lock is possible) can leave twins: objects of one kind with one
name. ``plan(listings)`` sorts them out, from the listings alone (no call beyond them):

* twins whose content differs in the portable model (``compare.differences``: fields, rules, and an
  experience's live and draft versions with audiences by name) are *unresolved*: reported, never
  guessed;
* of identical twins, the one something references is kept and the others are *repairs* (deleted).
  An audience is referenced by a variant's audiences or the targeting of any version (archived ones
  included) of an experience that stays. Every experience is in the priority order, so the order
  cannot tell twins apart: the twin ranked highest, the one delivery evaluates first, is kept.
  Experiences are repaired first, so the audiences only their deleted twins used are free to go.
  Two referenced twins are unresolved.

``execute`` is the personalize_duplicates module: it reports, and with ``repair`` deletes (in check
mode it lists what it would delete). Nothing is deleted while anything is unresolved.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils.compare import differences
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError, PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import BY_PLURAL
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import EXPERIENCE_TYPES, is_lytics
from ansible_collections.contentstack.personalize.plugins.module_utils.versions import export_version, live_and_draft

KINDS = ("experiences", "audiences")
_TYPES = dict((v, k) for k, v in EXPERIENCE_TYPES.items())


def _twins(raws):
    by_name = {}
    for raw in raws:
        by_name.setdefault(raw.get("name"), []).append(raw)
    return sorted((name, group) for name, group in by_name.items() if len(group) > 1)


def _content(listings, idx, plural, raw):
    """The portable form of one object; an experience with its live and draft versions."""
    out = BY_PLURAL[plural].export(raw, idx)
    if plural == "experiences":
        exp_type = _TYPES.get(raw.get("__type"), "segmented")
        out["versions"] = [export_version(v, exp_type, idx, "experience %r" % raw.get("name"))
                           for v in live_and_draft(listings.versions(raw["uid"])) if v is not None]
    return out


def audiences_used(version):
    """The audience uids a raw version references (variants, Lytics variants, targeting)."""
    used = set(((version.get("targeting") or {}).get("audience") or {}).get("audiences") or [])
    for variant in version.get("variants") or []:
        used.update(variant.get("audiences") or [])
        used.update(variant.get("lyticsAudiences") or [])
    return used


def _resolve(out, plural, name, twins, contents, referenced):
    """One group of twins, ranked: a repair (keep one, delete the others) or an unresolved line."""
    label, uids = BY_PLURAL[plural].name, [t["uid"] for t in twins]
    out["duplicates"].append({"kind": label, "name": name, "uids": uids})
    fields = sorted(set(d["field"] for c in contents[1:] for d in differences(label, name, contents[0], c)))
    users = [t["uid"] for t, used in zip(twins, referenced) if used]
    if fields:
        out["unresolved"].append("%s %r: %d objects have this name and differ in %s (uids %s)"
                                 % (label, name, len(twins), ", ".join(fields), ", ".join(uids)))
    elif len(users) > 1:
        out["unresolved"].append("%s %r: %d identical objects have this name and each is referenced (uids %s)"
                                 % (label, name, len(users), ", ".join(users)))
    else:
        keep = users[0] if users else uids[0]
        if users:
            why = "the one referenced"
        else:
            why = "the highest in the priority order" if plural == "experiences" else "the oldest, none is referenced"
        out["repairs"].append({"kind": label, "plural": plural, "name": name, "keep": keep,
                               "delete": [u for u in uids if u != keep], "why": why})


def plan(listings):
    """``duplicates`` (kind, name, uids), ``repairs`` (kind, name, keep, delete, why) and ``unresolved``
    (lines) of a project's listings (an engine.ProjectListings or export.RawProject)."""
    idx = listings.indexes(*BY_PLURAL)
    out = {"duplicates": [], "repairs": [], "unresolved": []}
    order = listings.priority()

    def rank(raw):
        return (order.index(raw["uid"]) if raw["uid"] in order else len(order), raw["uid"])

    for name, twins in _twins(listings.raw("experiences")):
        twins = sorted(twins, key=rank)
        contents = [_content(listings, idx, "experiences", t) for t in twins]
        _resolve(out, "experiences", name, twins, contents, [False] * len(twins))
    gone = set(u for r in out["repairs"] for u in r["delete"])
    used = set()
    for exp in listings.raw("experiences"):
        if exp["uid"] not in gone:
            for version in listings.versions(exp["uid"]):
                used |= audiences_used(version)
    for name, twins in _twins(a for a in listings.raw("audiences") if not is_lytics(a)):
        twins = sorted(twins, key=lambda raw: raw["uid"])  # uids are ObjectIds: in creation order
        contents = [_content(listings, idx, "audiences", t) for t in twins]
        _resolve(out, "audiences", name, twins, contents, [t["uid"] in used for t in twins])
    return out


def _delete(listings, repair):
    for uid in repair["delete"]:
        try:
            listings.client.delete("/%s/%s" % (repair["plural"], uid))
        except PersonalizeApiError as exc:
            if exc.status != 404:
                raise PersonalizeInputError("%s %r: cannot delete its twin %s: %s" % (repair["kind"], repair["name"], uid, exc))
        _forget(listings, repair["plural"], uid)


def _forget(listings, plural, uid):
    """The listings without a deleted twin (the API takes a deleted experience out of the priority order)."""
    listings.forget(plural, uid)
    if plural == "experiences":
        listings.set_priority([u for u in listings.priority() if u != uid])


def lines(found, check_mode=False):
    """The repairs in plain words, one a line."""
    verb = "would delete" if check_mode else "deleted"
    return ["%s %r: %s %s, kept %s (%s)" % (r["kind"], r["name"], verb, ", ".join(r["delete"]), r["keep"], r["why"])
            for r in found["repairs"]]


def execute(listings, task):
    """personalize_duplicates: report the twins; with ``repair``, delete the repairs' twins."""
    found = plan(listings)
    repair = bool(task.params.get("repair"))
    if repair and found["unresolved"]:
        raise PersonalizeInputError("cannot repair the duplicates, nothing was deleted: %s" % "; ".join(found["unresolved"]))
    if repair and not task.check_mode:
        for item in found["repairs"]:
            _delete(listings, item)
    elif repair and listings.cache is not None:
        _predict(listings, found)
    return outcome(found, repair, task.check_mode)


def outcome(found, repair=False, check_mode=False):
    """The module's result from ``plan``'s findings: ``changed``, ``msg``, ``lines`` (the repairs in
    words) and ``ambiguous`` (a line per twin name)."""
    changed = repair and bool(found["repairs"])
    said = lines(found, check_mode=check_mode or not repair)
    if not found["duplicates"]:
        msg = "no duplicate audiences or experiences"
    elif not repair:
        msg = "%d names have duplicates: %s" % (len(found["duplicates"]), "; ".join(found["unresolved"] + said))
    else:
        msg = "%d repairs: %s" % (len(found["repairs"]), "; ".join(said))
    ambiguous = ["%s %r is ambiguous: %d objects in the project have this name (uids %s)"
                 % (d["kind"], d["name"], len(d["uids"]), ", ".join(d["uids"])) for d in found["duplicates"]]
    return dict(found, changed=changed, msg=msg, lines=said, ambiguous=ambiguous)


def _predict(listings, found):
    """Check mode: the run's listing cache (never the project) loses the twins, so that the run's later
    check-mode tasks plan as they will after the repair."""
    for item in found["repairs"]:
        for uid in item["delete"]:
            _forget(listings, item["plural"], uid)
    lists = dict((plural, listings.raw(plural)) for plural in BY_PLURAL)
    lists["priority"] = listings.priority()
    listings.cache.save({"lists": lists, "versions": dict((e["uid"], listings.versions(e["uid"])) for e in lists["experiences"])})
