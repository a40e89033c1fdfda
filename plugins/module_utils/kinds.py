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

import copy

from ansible_collections.contentstack.personalize.plugins.module_utils.portable import (
    EXPERIENCE_TYPES,
    is_lytics,
    is_preset,
    map_definition,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils import validate

# The definition of an audience given none: no rule.
EMPTY_DEFINITION = {"__type": "RuleCombination", "combinationType": "AND", "rules": []}

# The kinds of one project in the order they are read and loaded: each refers only to kinds
# before it (audiences to attributes; versions to audiences and events; priority to experiences).
# The export lookup's terms, the copy plan and the role's load phases follow this order.
LOAD_ORDER = ("attributes", "events", "audiences", "experiences", "versions", "priority")


# Fields of an input item that are not the object's: what the task does with it.
TASK_FIELDS = ("state", "replace")


def _text(item, field, where, required=False, ident=False):
    """A string field of an input item; keys and names (``ident``) are checked as such."""
    value = item.get(field)
    if value is None:
        if required:
            raise PersonalizeInputError("%s: %s is required" % (where, field))
        return None
    return validate.text(value, where, field, ident=ident or required)


class Kind:
    """Base declaration. Subclasses set the class attributes and override the hooks they need."""

    name = None          # singular, as in messages: "attribute"
    plural = None        # as in the lookup's terms and the portable file: "attributes"
    path = None          # collection path on the API
    identity = None      # "key" or "name"
    container = "project"  # what holds the objects, as in messages
    fields = ()          # portable, user-settable fields (identity first)
    immutable = ()       # fields fixed at creation (a change needs replace: true)
    defaults = {}        # values sent on create when the user gave none
    references = ()      # kinds (plural) whose names this kind's fields resolve to uids
    names = ("key", "name")  # fields checked as keys and names (no control characters, MAX_IDENT)
    limit = None         # the limit name of the count per project (validate.DEFAULT_LIMITS), or None

    def readonly_reason(self, raw):
        """Why this object cannot be managed (preset, Lytics), or None."""
        return None

    def counted(self, raw):
        """Whether an object of the listing counts towards the kind's limit per project."""
        return True

    def settle_update(self, where, before, after, fields):
        """For an object that exists and differs in ``fields``: ``(after, fields, warnings)``.

        The default updates it (PUT). A kind the API cannot update overrides this to refuse
        (raise PersonalizeInputError) or to keep the object as it is with a warning.
        """
        return after, fields, []

    def complete(self, desired):
        """The object a create makes: the fields given, the defaults for the others."""
        return dict((field, copy.deepcopy(desired[field] if desired.get(field) is not None
                                          else self.defaults.get(field))) for field in self.fields)

    def create_refused(self, exc, ident, project):
        """An exception that explains the API's refusal of a create better, or None."""
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
        validate.known_fields(item, self.fields + TASK_FIELDS, where)
        _text(item, self.identity, where, required=True)
        for field in self.fields:
            if item.get(field) is not None:
                out[field] = _text(item, field, where, ident=field in self.names)
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
    limit = "attributes"

    def readonly_reason(self, raw):
        if is_preset(raw):
            return "preset attributes are built in and read-only"
        return None

    def counted(self, raw):
        return not is_preset(raw)

    def export(self, raw, idx):
        out = Kind.export(self, raw, idx)
        if out.get("name") is None:
            out["name"] = out["key"]
        return out

    def complete(self, desired):
        out = Kind.complete(self, desired)
        if not out.get("name"):
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
    limit = "events"

    def readonly_reason(self, raw):
        return None


class AudienceKind(Kind):
    name = "audience"
    plural = "audiences"
    path = "/audiences"
    identity = "name"
    fields = ("name", "description", "definition")
    defaults = {"description": "", "definition": EMPTY_DEFINITION}
    references = ("attributes",)
    limit = "audiences"

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
                raise PersonalizeInputError("%s references custom attribute uid %s, which does not exist" % (at, ref))
            return key

        return {
            "name": raw.get("name"),
            "description": raw.get("description") or "",
            "definition": map_definition(raw.get("definition") or EMPTY_DEFINITION, where, to_key),
        }

    def normalize(self, item, idx, where):
        if item.get("read_only") or str(item.get("source") or "").upper() == "LYTICS":
            raise PersonalizeInputError("%s: Lytics audiences are read-only and cannot be created or changed "
                                        "through the API" % where)
        out = Kind.normalize(self, {k: v for k, v in item.items() if k != "definition"}, idx, where)
        if item.get("definition") is not None:
            if not isinstance(item["definition"], dict):
                raise PersonalizeInputError("%s: definition must be a mapping (a RuleCombination)" % where)
            definition = validate.check_definition(item["definition"], where,
                                                   idx.limits["rules_per_audience"])

            def to_key(ref, at):
                key = idx.attributes.to_ident(ref)
                if key is None:
                    raise PersonalizeInputError(
                        "%s: unknown custom attribute %r (no attribute with that key or uid in the project)"
                        % (at, ref))
                return key

            out["definition"] = map_definition(definition, where, to_key)
        return out

    def body(self, portable, idx, where):
        body = Kind.body(self, portable, idx, where)

        def to_uid(key, at):
            return idx.attributes.uid_of(key)

        body["definition"] = map_definition(
            portable.get("definition") or EMPTY_DEFINITION, where, to_uid)
        return body


class ExperienceKind(Kind):
    name = "experience"
    plural = "experiences"
    path = "/experiences"
    identity = "name"
    fields = ("name", "type", "description", "tags")
    immutable = ("type",)
    defaults = {"description": "", "type": "segmented", "tags": []}
    limit = "experiences"

    def export(self, raw, idx):
        api_type = raw.get("__type")
        types = dict((v, k) for k, v in EXPERIENCE_TYPES.items())
        return {"name": raw.get("name"), "type": types.get(api_type, api_type),
                "description": raw.get("description") or "", "tags": list(raw.get("tags") or [])}

    def normalize(self, item, idx, where):
        out = Kind.normalize(self, {k: v for k, v in item.items() if k not in ("type", "tags")}, idx, where)
        if item.get("type") is not None:
            value = validate.text(item["type"], where, "type").lower()
            if value not in EXPERIENCE_TYPES:
                raise PersonalizeInputError("%s: type must be one of %s, got %r"
                                            % (where, ", ".join(sorted(EXPERIENCE_TYPES)), item["type"]))
            out["type"] = value
        if item.get("tags") is not None:
            tags = item["tags"]
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise PersonalizeInputError("%s: tags must be a list of strings, got %r" % (where, tags))
            out["tags"] = [validate.text(t, where, "tags[%d]" % pos, ident=True) for pos, t in enumerate(tags)]
        return out

    def body(self, portable, idx, where):
        # The API replaces the experience-level fields on PUT: send the tags the experience keeps
        # (the current ones, unless the task gives others), or an update would drop them.
        return {"name": portable["name"], "description": portable.get("description") or "",
                "__type": EXPERIENCE_TYPES[portable.get("type") or "segmented"],
                "tags": list(portable.get("tags") or [])}


class ProjectKind(Kind):
    """Projects are organization scoped: listed, created and deleted with the ``organization_uid``
    header and no ``x-project-uid`` (the client knows /projects is not project scoped).

    The API reference has no call to update a project (no ``PUT /projects/{uid}``), so an existing
    project is never written: a different description is left as it is, with a warning; a different
    connected stack is an error, because later steps (CMS variant groups) depend on it.
    """

    name = "project"
    plural = "projects"
    path = "/projects"
    identity = "name"
    container = "organization"
    fields = ("name", "description", "connected_stack_api_key")
    defaults = {"description": ""}
    default_limit = 3    # projects per organization (the documented default; plans may differ)

    def export(self, raw, idx):
        return {"name": raw.get("name"), "description": raw.get("description") or "",
                "connected_stack_api_key": raw.get("connectedStackApiKey") or None}

    def normalize(self, item, idx, where):
        out = Kind.normalize(self, item, idx, where)
        if out.get("connected_stack_api_key") == "":
            out["connected_stack_api_key"] = None   # given empty: explicitly no stack
        return out

    def body(self, portable, idx, where):
        body = {"name": portable["name"], "description": portable.get("description") or ""}
        if portable.get("connected_stack_api_key"):
            body["connectedStackApiKey"] = portable["connected_stack_api_key"]
        return body

    def settle_update(self, where, before, after, fields):
        if "connected_stack_api_key" in fields:
            have, want = before.get("connected_stack_api_key"), after.get("connected_stack_api_key")
            raise PersonalizeInputError(
                "%s %s, but the task asks for %s. The Personalize Management API has no call to change "
                "a project, so this module cannot do it: connect the stack in the Contentstack app, or "
                "give the project's current connected_stack_api_key (or leave it out)"
                % (where, "is connected to stack %s" % have if have else "is not connected to a stack",
                   "stack %s" % want if want else "no stack"))
        warnings = []
        if "description" in fields:
            warnings.append(
                "%s: its description is %r, not %r as asked; the Personalize Management API has no call "
                "to update a project, so it is left as it is (change it in the Contentstack app)"
                % (where, before.get("description"), after.get("description")))
        return dict(before), [], warnings

    def create_refused(self, exc, ident, project):
        code = getattr(exc, "code", None) or ""
        org = project.client.organization_uid
        where = self.item_label(ident)
        if code.endswith(".PROJECTS.LIMIT_EXCEEDED"):
            count = len(project.raw(self.plural))
            return PersonalizeInputError(
                "%s cannot be created: organization %s has reached its limit of projects (%d exist; "
                "%s). Delete a project that is no longer needed, or ask Contentstack to raise "
                "the limit (the default is %d projects per organization)"
                % (where, org, count, exc, self.default_limit))
        if code.endswith(".PROJECTS.DUPLICATE_NAME"):
            fresh = project.refresh(self.plural)
            same = [p.get("uid") for p in fresh if p.get(self.identity) == ident]
            if same:
                return PersonalizeInputError(
                    "%s was created by someone else (uid %s) after this task listed the projects of "
                    "organization %s, so the API refused a second one (%s). Nothing was written; run the "
                    "task again to compare with it" % (where, ", ".join(same), org, exc))
            alike = sorted(p.get(self.identity) for p in fresh
                           if str(p.get(self.identity) or "").strip().lower() == ident.strip().lower())
            return PersonalizeInputError(
                "%s cannot be created: the API says organization %s already has a project with this name "
                "(%s), but its project list shows none named exactly %r%s. Use the existing project's exact "
                "name, or choose another" % (where, org, exc, ident,
                                             " (similar: %s)" % ", ".join(repr(a) for a in alike) if alike else ""))
        return None

    def explain(self, exc, ident, organization_uid):
        """A clear message for an API error of the project module (which token, which org)."""
        where = self.item_label(ident)
        status = getattr(exc, "status", None)
        if status == 401:
            hint = ("the token is missing, expired or not accepted; a user authtoken or an OAuth token is "
                    "needed, management tokens are refused")
        elif status == 403 and getattr(exc, "method", "GET") == "GET":
            hint = "the token cannot reach organization %s; check organization_uid and the token" % organization_uid
        elif status == 403:
            hint = ("the token may read the projects of organization %s but not change them; creating or "
                    "deleting a project needs the personalize:manage scope" % organization_uid)
        else:
            return "%s: %s" % (where, exc)
        return "%s: %s (%s)" % (where, exc, hint)


ATTRIBUTE = AttributeKind()
EVENT = EventKind()
AUDIENCE = AudienceKind()
EXPERIENCE = ExperienceKind()
PROJECT = ProjectKind()

# PROJECT is not in BY_PLURAL: the export lookup and the copy plan read one project's kinds.
# BY_PLURAL[plural].identity is the one home of each kind's identity field (key or name).
KINDS = {k.name: k for k in (ATTRIBUTE, EVENT, AUDIENCE, EXPERIENCE, PROJECT)}
BY_PLURAL = {k.plural: k for k in (ATTRIBUTE, EVENT, AUDIENCE, EXPERIENCE)}
