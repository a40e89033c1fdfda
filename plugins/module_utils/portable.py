# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The portable project model and its two directions.

*export*  raw API JSON (UIDs)  -> portable model (keys and names)
*resolve* portable model       -> raw API JSON with the target project's UIDs

Nothing else in the collection knows both forms. The portable model is what the lookup returns
with ``portable: true``, what every module accepts, what the copy role plans from and what its
verify phase compares.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.results import names_line

SCHEMA_VERSION = 1

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")

EXPERIENCE_TYPES = {"segmented": "SEGMENTED", "ab_test": "AB_TEST"}


def is_lytics(raw_audience):
    return str(raw_audience.get("source") or "").upper() == "LYTICS"


def is_preset(raw_attribute):
    return raw_attribute.get("__type") == "PRESET"


def _where(item, field):
    return "%s: %s" % (item, field) if field else item


# ---------------------------------------------------------------------------------------------
# Name indexes: one per kind, both directions, built from raw listings.
# ---------------------------------------------------------------------------------------------
class Index:
    """Maps identity (key or name) <-> uid for one kind in one project.

    ``placeholders`` holds identities that do not exist yet but are planned (check mode, or a
    plan validated before any write); resolving one gives a readable placeholder instead of a uid.
    """

    def __init__(self, kind, identity, raw_items):
        self.kind = kind
        self.identity = identity
        self.by_uid = {}
        self.by_ident = {}
        self.duplicates = {}
        self.placeholders = set()
        # In check mode a reference may name an object that an earlier task only pretended to
        # create. With lenient set, such names are accepted and recorded in ``assumed``.
        self.lenient = False
        self.assumed = set()
        for raw in raw_items or []:
            self.add(raw)

    def add(self, raw):
        uid = raw.get("uid")
        ident = raw.get(self.identity)
        self.by_uid[uid] = raw
        if ident in self.by_ident and self.by_ident[ident].get("uid") != uid:
            self.duplicates.setdefault(ident, [self.by_ident[ident].get("uid")]).append(uid)
        else:
            self.by_ident[ident] = raw

    def remove(self, uid):
        raw = self.by_uid.pop(uid, None)
        if raw is not None and self.by_ident.get(raw.get(self.identity), {}).get("uid") == uid:
            del self.by_ident[raw.get(self.identity)]

    def plan(self, ident):
        self.placeholders.add(ident)

    def ident_of(self, uid):
        raw = self.by_uid.get(uid)
        return None if raw is None else raw.get(self.identity)

    def uid_of(self, ident):
        """uid for an identity; a placeholder string for a planned one; None if unknown."""
        if ident in self.duplicates:
            raise PersonalizeInputError(
                "%s %r is ambiguous: %d objects have it (uids %s)"
                % (self.kind, ident, len(self.duplicates[ident]), ", ".join(self.duplicates[ident])))
        raw = self.by_ident.get(ident)
        if raw is not None:
            return raw.get("uid")
        if ident in self.placeholders:
            return placeholder(self.kind, ident)
        return None

    def to_ident(self, ref):
        """Accept an identity or a uid of this project; give the identity, or None."""
        if ref in self.by_ident or ref in self.placeholders:
            return ref
        if ref in self.by_uid:
            return self.by_uid[ref].get(self.identity)
        if self.lenient and isinstance(ref, str) and not OBJECT_ID.match(ref):
            self.assumed.add(ref)
            self.placeholders.add(ref)
            return ref
        return None


def placeholder(kind, ident):
    return "<planned %s %s>" % (kind, ident)


class Indexes:
    """The name indexes of one project, filled lazily from raw listings."""

    def __init__(self, attributes=None, events=None, audiences=None, experiences=None, limits=None):
        # kinds imports this module; the identity of each kind is declared there.
        from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import BY_PLURAL
        from ansible_collections.contentstack.personalize.plugins.module_utils.validate import limits as project_limits

        # The project's limits (what the checks of one item compare with): the defaults unless told.
        self.limits = project_limits(limits)

        def index(plural, raw_items):
            return Index(BY_PLURAL[plural].name, BY_PLURAL[plural].identity, raw_items)

        self.attributes = index("attributes", [a for a in attributes or [] if not is_preset(a)])
        self.events = index("events", events)
        self.audiences = index("audiences", audiences)
        self.experiences = index("experiences", experiences)

    def all(self):
        return (self.attributes, self.events, self.audiences, self.experiences)

    def set_lenient(self, lenient):
        for index in self.all():
            index.lenient = lenient

    def warnings(self):
        """One line for all the objects check mode assumes earlier tasks create (not one per object)."""
        assumed = ["%s %r" % (index.kind, ident) for index in self.all() for ident in sorted(index.assumed)]
        if not assumed:
            return []
        return ["check mode assumes that earlier tasks create %d object(s) the project does not have yet: %s"
                % (len(assumed), names_line(assumed))]


# ---------------------------------------------------------------------------------------------
# Audience definitions (rule trees)
# ---------------------------------------------------------------------------------------------
def _is_combination(node):
    return isinstance(node, dict) and (
        node.get("__type") == "RuleCombination" or "rules" in node or "combinationType" in node)


def _ref_in(attribute, item, path):
    """Normalise an attribute reference to (type, ref). Accepts the API form and shorthands."""
    if isinstance(attribute, dict):
        kind = attribute.get("__type")
        if kind in ("CustomAttributeReference", "PresetAttributeReference", "LyticsAttributeReference"):
            if not isinstance(attribute.get("ref"), str) or not attribute.get("ref"):
                raise PersonalizeInputError("%s: attribute.ref must be a non-empty string" % _where(item, path))
            return kind, attribute["ref"]
        if kind is None:
            for short, full in (("key", "CustomAttributeReference"), ("custom", "CustomAttributeReference"),
                                ("preset", "PresetAttributeReference")):
                if short in attribute and len(attribute) == 1:
                    return full, attribute[short]
        raise PersonalizeInputError(
            "%s: attribute must be {__type: CustomAttributeReference|PresetAttributeReference, ref: ...}"
            " or {key: <custom attribute key>} or {preset: <CONSTANT>}, got %r" % (_where(item, path), attribute))
    raise PersonalizeInputError("%s: attribute must be a mapping, got %r" % (_where(item, path), attribute))


def map_definition(definition, item, ref_map, path="definition"):
    """Normalise a rule tree and rewrite custom attribute references through ``ref_map``.

    ``ref_map(ref, where)`` returns the new reference for a custom attribute (key or uid) or
    raises PersonalizeInputError. Defaults the server fills in (decision 13) are filled in here too, so
    two trees compare equal exactly when they mean the same.
    """
    if definition is None:
        return None
    if not _is_combination(definition):
        raise PersonalizeInputError("%s: must be a RuleCombination {combinationType: AND|OR, rules: [...]}"
                                    % _where(item, path))

    def rule(node, at):
        return _normal_rule(node, item, ref_map, at)

    return walk_rules(definition, item, rule, path)


def walk_rules(node, item, on_rule, path="definition"):
    """The one walk over a rule tree: every combination checked and rebuilt in its normal form,
    every Rule (leaf) replaced by ``on_rule(rule, path)``. The other walkers are built on it."""
    if not isinstance(node, dict):
        raise PersonalizeInputError("%s: a rule must be a mapping, got %r" % (_where(item, path), node))
    if not _is_combination(node):
        return on_rule(node, path)
    comb = node.get("combinationType", "AND")
    if comb not in ("AND", "OR"):
        raise PersonalizeInputError("%s.combinationType: must be AND or OR, got %r" % (_where(item, path), comb))
    rules = node.get("rules", [])
    if not isinstance(rules, list):
        raise PersonalizeInputError("%s.rules: must be a list" % _where(item, path))
    return {
        "__type": "RuleCombination",
        "combinationType": comb,
        "rules": [walk_rules(r, item, on_rule, "%s.rules[%d]" % (path, i)) for i, r in enumerate(rules)],
    }


def _normal_rule(node, item, ref_map, path):
    if "attribute" not in node:
        raise PersonalizeInputError("%s: a Rule needs attribute and attributeMatchCondition" % _where(item, path))
    kind, ref = _ref_in(node["attribute"], item, path + ".attribute")
    if kind == "CustomAttributeReference":
        ref = ref_map(ref, _where(item, path + ".attribute"))
    cond = node.get("attributeMatchCondition")
    if not isinstance(cond, str) or not cond:
        raise PersonalizeInputError("%s.attributeMatchCondition: required string" % _where(item, path))
    out = {
        "__type": "Rule",
        "attribute": {"__type": kind, "ref": ref},
        "attributeMatchCondition": cond,
        "invertCondition": bool(node.get("invertCondition", False)),
    }
    if node.get("attributeMatchOptions") is not None:
        out["attributeMatchOptions"] = copy.deepcopy(node["attributeMatchOptions"])
    return out


def rules_of(definition):
    """Every Rule (leaf) of a rule tree, in order; none for no definition."""
    found = []
    if definition:
        walk_rules(definition, "definition", lambda rule, path: found.append(rule))
    return found


def count_rules(definition):
    return len(rules_of(definition))


def _refs_of_type(definition, ref_type):
    return [r["attribute"]["ref"] for r in rules_of(definition)
            if (r.get("attribute") or {}).get("__type") == ref_type]


def custom_refs(definition):
    """The custom attribute references of a (normalised) rule tree, in order."""
    return _refs_of_type(definition, "CustomAttributeReference")


def uses_lytics_attributes(definition):
    """Whether a (normalised) rule tree refers to a Lytics attribute."""
    return bool(_refs_of_type(definition, "LyticsAttributeReference"))
