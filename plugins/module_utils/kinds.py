# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One small declaration per resource kind.

A kind says: where it lives (path), what identifies it (key or name), which fields a user may
set (everything else is server-managed and never compared), which objects are read-only, and how
its references to other kinds are exported (uid -> key/name) and resolved (key/name -> uid).
The engine does the rest.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils.portable import (
    EXPERIENCE_TYPES,
    PortableError,
    count_rules,
    is_lytics,
    is_preset,
    map_definition,
    type_label,
)

# Fields the server manages on every object; never compared, never sent.
SERVER_FIELDS = frozenset((
    "uid", "_id", "project", "createdAt", "updatedAt", "createdBy", "updatedBy",
    "createdByUserName", "updatedByUserName", "__v",
))


def _text(item, field, where, required=False):
    value = item.get(field)
    if value is None:
        if required:
            raise PortableError("%s: %s is required" % (where, field))
        return None
    if not isinstance(value, str):
        raise PortableError("%s: %s must be a string, got %s" % (where, field, type_label(value)))
    if required and not value.strip():
        raise PortableError("%s: %s must not be empty" % (where, field))
    return value


class Kind:
    """Base declaration. Subclasses set the class attributes and override the hooks they need."""

    name = None          # singular, as in messages: "attribute"
    plural = None        # as in the lookup's terms and the portable file: "attributes"
    path = None          # collection path on the API
    identity = None      # "key" or "name"
    fields = ()          # portable, user-settable fields (identity first)
    immutable = ()       # fields fixed at creation (a change needs replace: true)
    defaults = {}        # values sent on create when the user gave none

    def readonly_reason(self, raw):
        """Why this object cannot be managed (preset, Lytics), or None."""
        return None

    # -- export: raw -> portable -----------------------------------------------------------
    def export(self, raw, idx):
        out = {}
        for field in self.fields:
            value = raw.get(field)
            if value is None:
                value = self.defaults.get(field)
            out[field] = value
        return out

    # -- input: module/portable item -> normalised portable item -------------------------------
    def normalize(self, item, idx, where):
        """Validate one input item and give its portable form (only the fields given)."""
        out = {}
        _text(item, self.identity, where, required=True)
        for field in self.fields:
            if item.get(field) is not None:
                out[field] = _text(item, field, where)
        return out

    # -- resolve: portable -> API body -------------------------------------------------------
    def body(self, portable, idx, where):
        body = dict(self.defaults)
        body.update(dict((k, v) for k, v in portable.items() if k in self.fields and v is not None))
        return body

    def item_label(self, ident):
        return "%s %r" % (self.name, ident)


class AttributeKind(Kind):
    name = "attribute"
    plural = "attributes"
    path = "/attributes"
    identity = "key"
    fields = ("key", "name", "description")
    defaults = {"description": ""}

    def readonly_reason(self, raw):
        if is_preset(raw):
            return "preset attributes are built in and read-only"
        return None

    def export(self, raw, idx):
        out = Kind.export(self, raw, idx)
        if out.get("name") is None:
            out["name"] = out["key"]
        return out

    def body(self, portable, idx, where):
        body = Kind.body(self, portable, idx, where)
        body.setdefault("name", body["key"])
        return body


class EventKind(AttributeKind):
    name = "event"
    plural = "events"
    path = "/events"

    def readonly_reason(self, raw):
        return None


class AudienceKind(Kind):
    name = "audience"
    plural = "audiences"
    path = "/audiences"
    identity = "name"
    fields = ("name", "description", "definition")
    defaults = {"description": ""}

    def readonly_reason(self, raw):
        if is_lytics(raw):
            return "Lytics audiences are synced from Lytics and read-only through the API"
        return None

    def export(self, raw, idx):
        where = self.item_label(raw.get("name"))
        if is_lytics(raw):
            # Kept and marked, so that a later load reports it instead of losing it.
            return {"name": raw.get("name"), "description": raw.get("description") or "",
                    "source": "LYTICS", "slug": raw.get("slug"), "read_only": True}

        def to_key(ref, at):
            key = idx.attributes.ident_of(ref)
            if key is None:
                raise PortableError("%s references custom attribute uid %s, which does not exist" % (at, ref))
            return key

        return {
            "name": raw.get("name"),
            "description": raw.get("description") or "",
            "definition": map_definition(raw.get("definition") or {"combinationType": "AND", "rules": []},
                                         where, to_key),
        }

    def normalize(self, item, idx, where):
        out = Kind.normalize(self, {k: v for k, v in item.items() if k != "definition"}, idx, where)
        if item.get("read_only") or str(item.get("source") or "").upper() == "LYTICS":
            raise PortableError("%s: Lytics audiences are read-only and cannot be created or changed "
                                "through the API" % where)
        if item.get("definition") is not None:
            if not isinstance(item["definition"], dict):
                raise PortableError("%s: definition must be a mapping (a RuleCombination)" % where)

            def to_key(ref, at):
                key = idx.attributes.to_ident(ref)
                if key is None:
                    raise PortableError(
                        "%s: unknown custom attribute %r (no attribute with that key or uid in the project)"
                        % (at, ref))
                return key

            out["definition"] = map_definition(item["definition"], where, to_key)
        return out

    def body(self, portable, idx, where):
        body = Kind.body(self, portable, idx, where)

        def to_uid(key, at):
            return idx.attributes.uid_of(key)

        body["definition"] = map_definition(
            portable.get("definition") or {"combinationType": "AND", "rules": []}, where, to_uid)
        return body

    @staticmethod
    def rule_count(portable):
        return count_rules(portable.get("definition"))


class ExperienceKind(Kind):
    name = "experience"
    plural = "experiences"
    path = "/experiences"
    identity = "name"
    fields = ("name", "type", "description")
    immutable = ("type",)
    defaults = {"description": ""}

    def export(self, raw, idx):
        api_type = raw.get("__type")
        types = dict((v, k) for k, v in EXPERIENCE_TYPES.items())
        return {"name": raw.get("name"), "type": types.get(api_type, api_type),
                "description": raw.get("description") or ""}

    def normalize(self, item, idx, where):
        out = Kind.normalize(self, {k: v for k, v in item.items() if k != "type"}, idx, where)
        if item.get("type") is not None:
            value = str(item["type"]).lower()
            if value not in EXPERIENCE_TYPES:
                raise PortableError("%s: type must be one of %s, got %r"
                                    % (where, ", ".join(sorted(EXPERIENCE_TYPES)), item["type"]))
            out["type"] = value
        return out

    def body(self, portable, idx, where):
        return {"name": portable["name"], "description": portable.get("description") or "",
                "__type": EXPERIENCE_TYPES[portable.get("type") or "segmented"]}


ATTRIBUTE = AttributeKind()
EVENT = EventKind()
AUDIENCE = AudienceKind()
EXPERIENCE = ExperienceKind()

KINDS = {k.name: k for k in (ATTRIBUTE, EVENT, AUDIENCE, EXPERIENCE)}
BY_PLURAL = {k.plural: k for k in (ATTRIBUTE, EVENT, AUDIENCE, EXPERIENCE)}
