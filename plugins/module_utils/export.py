# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a whole project (or some kinds of it) with the minimum of calls.

One list call per kind, plus one versions call per experience; nothing else. The priority order is
read only for a project with two or more experiences (``priority_order``). The portable form
is free of uids and server-managed fields, names references by key or name, and is sorted so
that two exports of an unchanged project are identical.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import BY_PLURAL, LOAD_ORDER
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import (
    EXPERIENCE_TYPES,
    SCHEMA_VERSION,
    Indexes,
    is_preset,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.versions import export_version, live_and_draft


# What each term needs listed to export its references.
_NEEDS = {
    "attributes": ("attributes",),
    "events": ("events",),
    "audiences": ("audiences", "attributes"),
    "experiences": ("experiences",),
    "versions": ("experiences", "audiences", "events"),
    "priority": ("experiences",),
}


def terms_of(terms, with_versions=True):
    """The kinds the terms name, in order, each once; ``with_versions`` False leaves versions out
    (naming them then is an error)."""
    if not with_versions:
        if "versions" in terms:
            raise PersonalizeInputError("the term 'versions' cannot be read with versions=false")
        return [t for t in terms_of(terms) if t != "versions"]
    out = []
    for term in terms:
        if term == "all":
            out.extend(LOAD_ORDER)
        elif term in LOAD_ORDER:
            out.append(term)
        else:
            raise PersonalizeInputError("unknown kind %r: use one of %s, or all" % (term, ", ".join(LOAD_ORDER)))
    seen = set()
    return [t for t in out if not (t in seen or seen.add(t))]


def export_project(project, terms=LOAD_ORDER, portable=True):
    """{term: data} for the terms asked; ``project`` is an engine.ProjectListings."""
    terms = terms_of(terms)
    needed = set()
    for term in terms:
        needed.update(_NEEDS[term])
    idx = project.indexes(*sorted(needed))
    out = {}
    if portable:
        out["schema_version"] = SCHEMA_VERSION
    for term in terms:
        if term == "versions":
            out[term] = _versions(project, idx, portable)
        elif term == "priority":
            order = priority_order(project)
            out[term] = [_name(idx.experiences, uid) for uid in order] if portable else {"priorityOrder": order}
        elif not portable:
            out[term] = project.raw(term)
        else:
            kind = BY_PLURAL[term]
            items = [kind.export(raw, idx) for raw in project.raw(term) if not is_preset(raw)]
            out[term] = sorted(items, key=lambda item: item[kind.identity])
    return out


def read(project, terms, portable=True, with_versions=True):
    """The export of ``project`` (an engine.ProjectListings) for the terms, the lookup's and
    personalize_info's one read: without versions, ``versions`` is an empty list."""
    data = export_project(project, terms_of(terms, with_versions), portable=portable)
    if not with_versions:
        data["versions"] = []
    return data


def priority_order(project):
    """The priority order (experience uids) of ``project``. The API's order names every experience of
    the project (a PUT must list them all: personalize-api.md, item 12, and section 5.5), so with fewer
    than two experiences it is their listing, and it is not read; the listings then hold it as if it
    had been (the copy's priority phase plans from them). A raw export in hand gives its own order."""
    if isinstance(project, RawProject):
        return project.priority()
    experiences = project.raw("experiences")
    if len(experiences) > 1:
        return project.priority()
    order = [e["uid"] for e in experiences]
    project.set_priority(order)
    return order


def _name(index, uid):
    name = index.ident_of(uid)
    if name is None:
        raise PersonalizeInputError("the priority order names experience uid %s, which does not exist" % uid)
    return name


def _versions(project, idx, portable):
    experiences = sorted(project.raw("experiences"), key=lambda e: (e.get("name") or "", e.get("uid")))
    out = []
    types = dict((v, k) for k, v in EXPERIENCE_TYPES.items())
    for exp in experiences:
        raw_versions = project.versions(exp["uid"])
        if not portable:
            out.append({"experience": exp["uid"], "name": exp.get("name"), "versions": raw_versions})
            continue
        exp_type = types.get(exp.get("__type"), "segmented")
        # The current versions: the live one first (it is always older), then the draft.
        # Archived versions are history and stay in the raw export only (see docs/export.md).
        out.append({
            "experience": exp.get("name"),
            "versions": [export_version(v, exp_type, idx, "experience %r" % exp.get("name"))
                         for v in live_and_draft(raw_versions) if v is not None],
        })
    return out


class RawProject:
    """A ProjectListings look-alike over a raw export (``export_project(..., portable=False)``), so that a
    raw export already in hand converts to the portable form without another API call."""

    def __init__(self, raw_export):
        self._raw = raw_export
        self._versions = dict((v["experience"], v["versions"]) for v in raw_export.get("versions") or [])
        self._indexes = None

    def raw(self, plural):
        if plural not in self._raw:
            raise PersonalizeInputError("the raw export has no %s" % plural)
        return self._raw[plural]

    def versions(self, experience_uid):
        return self._versions.get(experience_uid, [])

    def priority(self):
        return list((self._raw.get("priority") or {}).get("priorityOrder") or [])

    def indexes(self, *needed):
        if self._indexes is None:
            self._indexes = Indexes(**dict((p, self._raw.get(p)) for p in BY_PLURAL))
        return self._indexes


def portable_from_raw(raw_export, terms=LOAD_ORDER):
    present = [t for t in terms_of(terms) if t in raw_export]
    return export_project(RawProject(raw_export), present, portable=True)
