# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict checks of portable input that need no server, shared by every kind and by versions.

Every function raises PersonalizeInputError with a text that names the item (``where``) and the
field; nothing here reads the network, so all of it runs before the first write of a task (and
before the first write of a whole apply.yml folder). The bounds are documented in
docs/reliability.md ("Strict input").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError

# Ansible's boolean strings (ansible.module_utils.parsing.convert_bool), converted explicitly.
BOOLEAN_TRUE = ("y", "yes", "on", "1", "true", "t")
BOOLEAN_FALSE = ("n", "no", "off", "0", "false", "f")

# The API reference documents no length limits: these are the collection's documented bounds.
MAX_IDENT = 255          # keys and names (attributes, events, audiences, experiences, variants, metrics, tags)
MAX_DESCRIPTION = 10000  # descriptions

# Keys and names must not hold NUL or any other C0 control character (nor DEL).
CONTROL = re.compile(u"[\x00-\x1f\x7f]")

# The documented default limits of a project (reference decision 15); a plan with higher limits
# says so with the modules' limits option (CONTENTSTACK_PERSONALIZE_LIMITS, a JSON mapping such as
# {"audiences": 1000}) or the role's migrate_limits, which the role hands to its modules.
DEFAULT_LIMITS = {"attributes": 100, "events": 100, "audiences": 100, "experiences": 100,
                  "rules_per_audience": 50, "variants_per_experience": 20}
# Where a higher limit is told, in messages: the modules' option (its environment variable) and the role's variable.
RAISE_LIMITS = "the limits option (or CONTENTSTACK_PERSONALIZE_LIMITS; migrate_limits in the migrate role)"


def type_label(value):
    """The plain type name of a value for messages (ansible-core 2.19 hands plugins tagged
    subclasses such as _AnsibleTaggedInt, whose names mean nothing to a user)."""
    for plain in (bool, int, float, str, list, dict):
        if isinstance(value, plain):
            return plain.__name__
    return type(value).__name__


def boolean(value, where, field):
    """A boolean: True/False, or one of Ansible's boolean strings (yes/no, true/false, on/off,
    1/0, y/n, t/f, any case) or the integers 0 and 1, converted explicitly; anything else is refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in BOOLEAN_TRUE:
            return True
        if lowered in BOOLEAN_FALSE:
            return False
    raise PersonalizeInputError("%s: %s must be a boolean (true or false), got %s %r"
                                % (where, field, type_label(value), value))


def text(value, where, field, ident=False, limit=None):
    """A string, at most ``limit`` characters; with ``ident`` (a key or a name) also not blank and
    without control characters."""
    if not isinstance(value, str):
        raise PersonalizeInputError("%s: %s must be a string, got %s" % (where, field, type_label(value)))
    if limit is None:
        limit = MAX_IDENT if ident else MAX_DESCRIPTION
    if len(value) > limit:
        raise PersonalizeInputError("%s: %s is %d characters long, over the limit of %d"
                                    % (where, field, len(value), limit))
    if ident:
        if not value.strip():
            raise PersonalizeInputError("%s: %s must not be empty" % (where, field))
        bad = CONTROL.search(value)
        if bad:
            raise PersonalizeInputError("%s: %s holds the control character U+%04X at position %d; keys and "
                                        "names may not hold control characters" % (where, field, ord(bad.group()), bad.start()))
    return value


def label(value):
    """A key or name as messages show it: printable, shortened."""
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def known_fields(item, allowed, where, what="field"):
    """Refuse fields that are not in ``allowed``, naming them and the fields that are."""
    unknown = sorted(str(k) for k in item if k not in allowed)
    if unknown:
        raise PersonalizeInputError("%s: unknown %s(s) %s (known: %s)"
                                    % (where, what, ", ".join(unknown), ", ".join(sorted(allowed))))


def mapping(value, where, field):
    if not isinstance(value, dict):
        raise PersonalizeInputError("%s: %s must be a mapping, got %s" % (where, field, type_label(value)))
    return value


def limits(given=None):
    """The project limits: the documented defaults, raised (or lowered) by ``given``, a mapping of limit
    name to a non-negative integer (the modules' ``limits`` option, the role's ``migrate_limits``)."""
    out = dict(DEFAULT_LIMITS)
    if given is None:
        return out
    if not isinstance(given, dict):
        raise PersonalizeInputError("limits must be a mapping of limit names (%s) to numbers"
                                    % ", ".join(sorted(DEFAULT_LIMITS)))
    for key, value in given.items():
        if value is None:
            continue    # not given (a limit left out keeps its default)
        if key not in DEFAULT_LIMITS:
            raise PersonalizeInputError("limits: unknown limit %r (known: %s)" % (key, ", ".join(sorted(DEFAULT_LIMITS))))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PersonalizeInputError("limits: %s must be a non-negative integer, got %r" % (key, value))
        out[key] = value
    return out


def count_limit(kind_plural, current, creates, deletes, limit):
    """Refuse a plan that would leave more objects of a kind than the project may hold."""
    final = current + creates - deletes
    if creates and final > limit:
        raise PersonalizeInputError(
            "%s: this task would create %d, leaving %d in the project (%d exist now%s), over the limit of %d %s "
            "per project. Nothing was written. Delete %s that are no longer needed, or, if the project's plan has "
            "a higher limit, say so with the limits option (%s; migrate_limits in the role), for example {\"%s\": %d}"
            % (kind_plural, creates, final, current, ", %d deleted by this task" % deletes if deletes else "",
               limit, kind_plural, kind_plural, RAISE_LIMITS, kind_plural, max(final, limit * 10)))


# ---------------------------------------------------------------------------------------------
# Audience rule trees (the shape the reference documents)
# ---------------------------------------------------------------------------------------------
# The preset attributes every project has (reference: audiences, PresetAttributeReference).
PRESET_ATTRIBUTES = ("COUNTRY", "REGION", "CITY", "DEVICE_TYPE", "OPERATING_SYSTEM", "QUERY_PARAMETERS",
                     "REFERRER", "DATE_AND_TIME")
LYTICS_ATTRIBUTES = ("LYTICS_AUDIENCE", "LYTICS_FLOW_STATE")
REFERENCE_TYPES = ("CustomAttributeReference", "PresetAttributeReference", "LyticsAttributeReference")
SHORTHANDS = {"key": "CustomAttributeReference", "custom": "CustomAttributeReference", "preset": "PresetAttributeReference"}
COMBINATION_FIELDS = ("__type", "combinationType", "rules")
RULE_FIELDS = ("__type", "attribute", "attributeMatchCondition", "attributeMatchOptions", "invertCondition")
# attributeMatchOptions.__type -> its fields and their checks.
MATCH_OPTIONS = {"StringMatchOptions": {"value": "string"}, "NumberMatchOptions": {"value": "number"},
                 "AudienceMatchOptions": {"value": "string"}, "FlowStateMatchOptions": {"flowId": "string", "flowState": "string"}}


def check_definition(definition, where, rules_limit=None):
    """A strict copy of an audience's rule tree as given: every mapping has only the fields the
    reference documents, references are strings, preset constants are the documented ones,
    ``invertCondition`` is a boolean (its strings converted), at most ``rules_limit`` rules."""
    count = [0]

    def walk(node, path):
        at = "%s: %s" % (where, path)
        if not isinstance(node, dict):
            raise PersonalizeInputError("%s: a rule must be a mapping, got %s" % (at, type_label(node)))
        if node.get("__type") == "RuleCombination" or "rules" in node or "combinationType" in node:
            known_fields(node, COMBINATION_FIELDS, at)
            rules = node.get("rules", [])
            if not isinstance(rules, list):
                raise PersonalizeInputError("%s.rules: must be a list, got %s" % (at, type_label(rules)))
            out = dict(node)
            out["rules"] = [walk(r, "%s.rules[%d]" % (path, i)) for i, r in enumerate(rules)]
            return out
        count[0] += 1
        return _check_rule(node, at)

    out = walk(definition, "definition")
    limit = DEFAULT_LIMITS["rules_per_audience"] if rules_limit is None else rules_limit
    if count[0] > limit:
        raise PersonalizeInputError("%s: definition has %d rules, over the limit of %d rules per audience "
                                    "(raise it with %s if the project's plan allows more)"
                                    % (where, count[0], limit, RAISE_LIMITS))
    return out


def _check_rule(node, at):
    if node.get("__type") not in (None, "Rule"):
        raise PersonalizeInputError("%s.__type: must be Rule or RuleCombination, got %r" % (at, node.get("__type")))
    known_fields(node, RULE_FIELDS, at)
    out = dict(node)
    if "attribute" in node:
        _check_reference(mapping(node["attribute"], at, "attribute"), at + ".attribute")
    if node.get("attributeMatchCondition") is not None:
        text(node["attributeMatchCondition"], at, "attributeMatchCondition", ident=True)
    if node.get("invertCondition") is not None:
        out["invertCondition"] = boolean(node["invertCondition"], at, "invertCondition")
    if node.get("attributeMatchOptions") is not None:
        _check_match_options(mapping(node["attributeMatchOptions"], at, "attributeMatchOptions"),
                             at + ".attributeMatchOptions")
    return out


def _check_reference(attribute, at):
    kind = attribute.get("__type")
    if kind is None and len(attribute) == 1 and list(attribute)[0] in SHORTHANDS:
        field = list(attribute)[0]
        kind, ref = SHORTHANDS[field], attribute[field]
    elif kind is not None:
        if kind not in REFERENCE_TYPES:
            raise PersonalizeInputError("%s.__type: must be one of %s, got %r" % (at, ", ".join(REFERENCE_TYPES), kind))
        known_fields(attribute, ("__type", "ref"), at)
        field, ref = "ref", attribute.get("ref")
    else:
        return  # not a reference form: portable.map_definition says which forms are
    if not isinstance(ref, str) or not ref:
        raise PersonalizeInputError("%s.%s must be a non-empty string (%s), got %s %r"
                                    % (at, field, "an attribute key" if kind == "CustomAttributeReference"
                                       else "a constant", type_label(ref), ref))
    if kind == "PresetAttributeReference" and ref not in PRESET_ATTRIBUTES:
        raise PersonalizeInputError("%s.%s: unknown preset attribute %r (the presets: %s)"
                                    % (at, field, ref, ", ".join(PRESET_ATTRIBUTES)))
    if kind == "LyticsAttributeReference" and ref not in LYTICS_ATTRIBUTES:
        raise PersonalizeInputError("%s.%s: unknown Lytics attribute %r (one of %s)"
                                    % (at, field, ref, ", ".join(LYTICS_ATTRIBUTES)))


def _check_match_options(options, at):
    """The documented shape of attributeMatchOptions; without ``__type`` (the API's to require),
    only its fields and their types are checked."""
    kind = options.get("__type")
    if kind is None:
        fields = {"value": "string or number", "flowId": "string", "flowState": "string"}
    elif kind in MATCH_OPTIONS:
        fields = MATCH_OPTIONS[kind]
    else:
        raise PersonalizeInputError("%s.__type: must be one of %s, got %r" % (at, ", ".join(sorted(MATCH_OPTIONS)), kind))
    known_fields(options, ("__type",) + tuple(fields), at)
    for field, check in fields.items():
        value = options.get(field)
        if value is None and kind is None:
            continue
        number = not isinstance(value, bool) and isinstance(value, (int, float))
        if check == "number" and not number or check == "string or number" and not (number or isinstance(value, str)):
            raise PersonalizeInputError("%s.%s: must be a %s%s, got %s"
                                        % (at, field, check, " for %s" % kind if kind else "", type_label(value)))
        if isinstance(value, str) or check == "string":
            text(value, at, field, limit=MAX_DESCRIPTION)
