# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Experience versions: the portable form of a version, and the state machine.

Rules of the API (reference, decision 9): creating an experience creates one empty DRAFT; there is
at most one DRAFT and at most one live (ACTIVE or PAUSED) version; a live version is locked except
for its status; activating a version archives the previous live one; DRAFT -> PAUSED and anything
-> DRAFT are refused. A PUT always carries ``status`` and the full ``variants`` list.

Given an experience's current versions and the desired ones (the live content with its status,
and/or a draft), ``plan`` gives the minimal sequence of version calls.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import is_lytics
from ansible_collections.contentstack.personalize.plugins.module_utils import validate

LIVE = ("ACTIVE", "PAUSED")
# What a planned call does to a version (Step.change, and the versions module's version_changes).
CHANGES = ("created", "updated", "activated", "paused", "resumed", "deleted")
SPEC_FIELDS = ("status", "variants", "metrics", "targeting", "variant_split")
METRIC_TYPES = ("Primary", "Secondary")
LYTICS_UID = re.compile(r"^[0-9a-f]{32}$")  # Lytics audiences have 32-hex uids, not ObjectIds


def _status_in(value, where):
    status = str(value or "").lower()
    if status not in ("draft", "active", "paused"):
        raise PersonalizeInputError("%s: status must be draft, active or paused, got %r" % (where, value))
    return status


def _names(values, index, where, field, kind_label, lytics=None):
    """The names of a list of references; with ``lytics`` True (False), each must name a Lytics
    (a normal) audience, as the API keeps the two in separate lists."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise PersonalizeInputError("%s: %s must be a list of %s names, got %s"
                                    % (where, field, kind_label, validate.type_label(values)))
    out = []
    for value in values:
        name = index.to_ident(value) if isinstance(value, str) else None
        if name is None and lytics is False and isinstance(value, str) and LYTICS_UID.match(value):
            raise PersonalizeInputError("%s: %s names %r, a Lytics audience uid; Lytics audiences go in "
                                        "lyticsAudiences" % (where, field, value))
        if name is None:
            raise PersonalizeInputError("%s: %s names unknown %s %r" % (where, field, kind_label, value))
        try:
            index.uid_of(name)  # two objects with this name: say so here, where the item is known
        except PersonalizeInputError as exc:
            raise PersonalizeInputError("%s: %s: %s" % (where, field, exc))
        raw = index.by_ident.get(name)
        if lytics is not None and raw is not None and is_lytics(raw) != lytics:
            raise PersonalizeInputError(
                "%s: %s names %s %r, which is %s; %s" % (
                    where, field, kind_label, name, "a Lytics audience" if is_lytics(raw) else "not a Lytics audience",
                    "Lytics audiences go in lyticsAudiences" if is_lytics(raw) else "lyticsAudiences holds only Lytics audiences"))
        out.append(name)
    return out


def normalize_spec(spec, exp_type, idx, where):
    """Validate one desired version (module input or portable) and give its portable form."""
    if not isinstance(spec, dict):
        raise PersonalizeInputError("%s: a version must be a mapping" % where)
    unknown = sorted(set(spec) - set(SPEC_FIELDS))
    if unknown:
        raise PersonalizeInputError("%s: unknown version field(s) %s" % (where, ", ".join(unknown)))
    status = _status_in(spec.get("status", "active"), where)
    variants = spec.get("variants")
    if not isinstance(variants, list) or not variants:
        raise PersonalizeInputError("%s: variants must be a non-empty list" % where)
    limit = idx.limits["variants_per_experience"]
    if len(variants) > limit:
        raise PersonalizeInputError("%s: %d variants exceed the limit of %d per experience (raise it with %s if the "
                                    "project's plan allows more)" % (where, len(variants), limit, validate.RAISE_LIMITS))
    taken = {"names": set(), "short_uids": set()}
    out_variants = [_normalize_variant(variant, pos, exp_type, idx, where, taken) for pos, variant in enumerate(variants)]
    result = {"status": status, "variants": out_variants}
    if exp_type == "ab_test":
        total = sum(v["trafficDistribution"] for v in out_variants)
        if total != 100:
            raise PersonalizeInputError("%s: trafficDistribution of the variants sums to %d, not 100" % (where, total))
        result["metrics"] = _metrics(spec.get("metrics"), idx, where)
        targeting = _targeting(spec.get("targeting"), idx, where)
        if targeting:
            result["targeting"] = targeting
        if spec.get("variant_split") is not None:
            split = spec["variant_split"]
            if isinstance(split, int) and not isinstance(split, bool):
                split = str(split)
            result["variant_split"] = validate.text(split, where, "variant_split", ident=True)
    else:
        for field in ("metrics", "targeting", "variant_split"):
            if spec.get(field):
                raise PersonalizeInputError("%s: %s belongs to A/B tests; a segmented experience has none" % (where, field))
    return result


def _normalize_variant(variant, pos, exp_type, idx, where, taken):
    """One desired variant's portable form; ``taken`` holds the names and shortUids seen so far."""
    at = "%s: variants[%d]" % (where, pos)
    if not isinstance(variant, dict):
        raise PersonalizeInputError("%s must be a mapping" % at)
    name = variant.get("name")
    if name is None or isinstance(name, str) and not name.strip():
        raise PersonalizeInputError("%s: name is required" % at)
    validate.text(name, at, "name", ident=True)
    at = "%s: variant %r" % (where, name)
    if name in taken["names"]:
        raise PersonalizeInputError("%s appears twice" % at)
    taken["names"].add(name)
    out = {"name": name}
    short = variant.get("shortUid")
    if short is not None:
        short = str(short)
        if not short.isdigit() or (len(short) > 1 and short.startswith("0")):
            raise PersonalizeInputError("%s: shortUid must be a decimal string like \"0\" or \"12\", got %r" % (at, short))
        if short in taken["short_uids"]:
            raise PersonalizeInputError("%s: shortUid %s is used twice" % (at, short))
        taken["short_uids"].add(short)
        out["shortUid"] = short
    if exp_type == "ab_test":
        allowed = {"name", "shortUid", "trafficDistribution", "__type"}
        traffic = variant.get("trafficDistribution")
        if isinstance(traffic, bool) or not isinstance(traffic, int) or not 0 <= traffic <= 100:
            raise PersonalizeInputError("%s: trafficDistribution must be an integer percentage 0-100, got %r"
                                        % (at, traffic))
        out["trafficDistribution"] = traffic
    else:
        allowed = {"name", "shortUid", "audiences", "lyticsAudiences", "audienceCombinationType", "__type"}
        out["audiences"] = _names(variant.get("audiences"), idx.audiences, at, "audiences", "audience", lytics=False)
        out["lyticsAudiences"] = _names(variant.get("lyticsAudiences"), idx.audiences, at,
                                        "lyticsAudiences", "audience", lytics=True)
        if not out["audiences"] and not out["lyticsAudiences"]:
            raise PersonalizeInputError("%s: a segmented variant needs at least one audience" % at)
        comb = variant.get("audienceCombinationType", "OR")
        if comb not in ("AND", "OR"):
            raise PersonalizeInputError("%s: audienceCombinationType must be AND or OR, got %r" % (at, comb))
        out["audienceCombinationType"] = comb
        if not out["lyticsAudiences"]:
            del out["lyticsAudiences"]
    extra = sorted(set(variant) - allowed)
    if extra:
        raise PersonalizeInputError("%s: unknown field(s) %s for a %s variant"
                                    % (at, ", ".join(extra), exp_type.replace("_", " ")))
    return out


def _metrics(metrics, idx, where):
    """The metrics of an A/B test: every shape check first (fields, types, one primary metric),
    then the events resolved."""
    if metrics is None:
        return []
    if not isinstance(metrics, list):
        raise PersonalizeInputError("%s: metrics must be a list, got %s" % (where, validate.type_label(metrics)))
    places = []
    for pos, metric in enumerate(metrics):
        at = "%s: metrics[%d]" % (where, pos)
        if not isinstance(metric, dict) or not metric.get("event"):
            raise PersonalizeInputError("%s needs an event (an event key)" % at)
        validate.known_fields(metric, ("__type", "name", "event"), at)
        if metric.get("name") is not None:
            at = "%s (metric %s)" % (at, validate.label(validate.text(metric["name"], at, "name", ident=True)))
        if metric.get("__type", "Primary") not in METRIC_TYPES:
            raise PersonalizeInputError("%s: __type must be Primary or Secondary, got %r" % (at, metric["__type"]))
        places.append(at)
    primary = [places[pos] for pos, m in enumerate(metrics) if m.get("__type", "Primary") == "Primary"]
    if len(primary) > 1:
        raise PersonalizeInputError("%s: metrics has %d primary metrics (%s); an A/B test has at most one, "
                                    "give the others __type: Secondary" % (where, len(primary), "; ".join(primary)))
    out = []
    for at, metric in zip(places, metrics):
        event = idx.events.to_ident(metric["event"]) if isinstance(metric["event"], str) else None
        if event is None:
            raise PersonalizeInputError("%s names unknown event %r" % (at, metric["event"]))
        out.append({"__type": metric.get("__type", "Primary"), "name": metric.get("name") or event, "event": event})
    return out


def _targeting(targeting, idx, where):
    if not targeting:
        return None
    if not isinstance(targeting, dict):
        raise PersonalizeInputError("%s: targeting must be a mapping" % where)
    validate.known_fields(targeting, ("audience",), where + ": targeting")
    audience = targeting.get("audience") or {}
    if not isinstance(audience, dict):
        raise PersonalizeInputError("%s: targeting.audience must be a mapping" % where)
    validate.known_fields(audience, ("audiences", "audienceCombinationType"), where + ": targeting.audience")
    names = _names(audience.get("audiences"), idx.audiences, where, "targeting.audience.audiences", "audience",
                   lytics=False)
    if not names:
        return None
    comb = audience.get("audienceCombinationType", "OR")
    if comb not in ("AND", "OR"):
        raise PersonalizeInputError("%s: targeting.audience.audienceCombinationType must be AND or OR" % where)
    return {"audience": {"audiences": names, "audienceCombinationType": comb}}


def export_version(raw, exp_type, idx, where=None):
    """A raw version object -> its portable form (names for uids), status included.

    ``where`` (such as "experience 'Homepage'") makes an unknown reference name its experience."""
    status = str(raw.get("status") or "DRAFT").lower()
    at = "%s, %s version" % (where, status) if where else "a version"
    variants = []
    for variant in raw.get("variants") or []:
        out = {"name": variant.get("name")}
        var_at = "%s: variant %r" % (at, variant.get("name"))
        if variant.get("shortUid") is not None:
            out["shortUid"] = str(variant["shortUid"])
        if exp_type == "ab_test":
            out["trafficDistribution"] = variant.get("trafficDistribution")
        else:
            out["audiences"] = [_ident(idx.audiences, u, "audience", var_at) for u in variant.get("audiences") or []]
            lytics = [_ident(idx.audiences, u, "audience", var_at) for u in variant.get("lyticsAudiences") or []]
            out["audienceCombinationType"] = variant.get("audienceCombinationType") or "OR"
            if lytics:
                out["lyticsAudiences"] = lytics
        variants.append(out)
    spec = {"status": status, "variants": variants}
    if exp_type == "ab_test":
        spec["metrics"] = [{"__type": m.get("__type", "Primary"), "name": m.get("name"),
                            "event": _ident(idx.events, m.get("event"), "event", "%s: metric %r" % (at, m.get("name")))}
                           for m in raw.get("metrics") or []]
        aud = ((raw.get("targeting") or {}).get("audience") or {})
        if aud.get("audiences"):
            spec["targeting"] = {"audience": {
                "audiences": [_ident(idx.audiences, u, "audience", "%s: targeting" % at) for u in aud["audiences"]],
                "audienceCombinationType": aud.get("audienceCombinationType") or "OR"}}
        if raw.get("variantSplit") is not None:
            spec["variant_split"] = str(raw["variantSplit"])
    return spec


def _ident(index, uid, label, where="a version"):
    ident = index.ident_of(uid)
    if ident is None:
        raise PersonalizeInputError("%s references %s uid %s, which does not exist in the project" % (where, label, uid))
    return ident


def version_body(spec, exp_type, idx, status=None):
    """Portable version -> API body with the project's uids."""
    variants = []
    for variant in spec["variants"]:
        out = {"name": variant["name"]}
        if variant.get("shortUid") is not None:
            out["shortUid"] = variant["shortUid"]
        if exp_type == "ab_test":
            out["__type"] = "ABTestVariant"
            out["trafficDistribution"] = variant["trafficDistribution"]
        else:
            out["__type"] = "SegmentedVariant"
            out["audiences"] = [idx.audiences.uid_of(n) for n in variant.get("audiences") or []]
            out["lyticsAudiences"] = [idx.audiences.uid_of(n) for n in variant.get("lyticsAudiences") or []]
            out["audienceCombinationType"] = variant.get("audienceCombinationType", "OR")
        variants.append(out)
    body = {"status": (status or spec["status"]).upper(), "variants": variants}
    if exp_type == "ab_test":
        body["metrics"] = [{"__type": m["__type"], "name": m["name"], "event": idx.events.uid_of(m["event"])}
                           for m in spec.get("metrics") or []]
        if spec.get("targeting"):
            aud = spec["targeting"]["audience"]
            body["targeting"] = {"audience": {
                "audiences": [idx.audiences.uid_of(n) for n in aud["audiences"]],
                "audienceCombinationType": aud["audienceCombinationType"]}}
        if spec.get("variant_split") is not None:
            body["variantSplit"] = spec["variant_split"]
    return body


def content(spec):
    """What makes two versions the same, status aside."""
    if spec is None:
        return None
    return dict((k, spec.get(k) or None) for k in ("variants", "metrics", "targeting", "variant_split"))


def _fill_short_uids(spec, *references):
    """Give desired variants without a shortUid the one of the same-named variant, so CMS entry
    variants stay linked. References are portable versions, most relevant first."""
    spec = copy.deepcopy(spec)
    taken = set(v["shortUid"] for v in spec["variants"] if v.get("shortUid") is not None)
    for variant in spec["variants"]:
        if variant.get("shortUid") is not None:
            continue
        for ref in references:
            match = [v for v in (ref or {}).get("variants", []) if v.get("name") == variant["name"]]
            if match and match[0].get("shortUid") is not None and match[0]["shortUid"] not in taken:
                variant["shortUid"] = match[0]["shortUid"]
                taken.add(variant["shortUid"])
                break
    return spec


def carry_short_uids(body, created):
    """A version body for a draft the server just created: variants sent without a shortUid take
    the one the server handed out (by name), so the next PUT does not renumber them."""
    given = dict((v.get("name"), v.get("shortUid")) for v in (created or {}).get("variants") or []
                 if v.get("shortUid") is not None)
    body = copy.deepcopy(body)
    for variant in body.get("variants") or []:
        if variant.get("shortUid") is None and given.get(variant.get("name")) is not None:
            variant["shortUid"] = str(given[variant["name"]])
    return body


class Step:
    """One version call, planned. ``version`` is a uid, or "new" for the draft created by an earlier
    step. ``change`` says what the call does to that version, one of CHANGES; ``why`` says it in words."""

    def __init__(self, op, version, body, change, why):
        self.op = op
        self.version = version
        self.body = body
        self.change = change
        self.why = why


def live_and_draft(raw_versions):
    """(the live version, the draft) of a version list, in any order; each None when there is none.

    Live means active or paused; archived versions are history. The API keeps at most one of each;
    should a listing hold more, the first wins. The status is read in any case, so raw (``ACTIVE``)
    and portable (``active``) versions choose alike. This is the one place that chooses them: the
    version writes, the export, the copy plan and the uid map all ask here."""
    live = draft = None
    for version in raw_versions or []:
        status = str(version.get("status") or "").upper()
        if status in LIVE and live is None:
            live = version
        elif status == "DRAFT" and draft is None:
            draft = version
    return live, draft


def _current(raw_versions, exp_type, idx, where=None):
    """(live, draft) as (raw, portable) pairs."""
    return tuple((raw, export_version(raw, exp_type, idx, where) if raw else None)
                 for raw in live_and_draft(raw_versions))


def status_only(exp_label, status, raw_versions, exp_type, idx):
    """The desired version for a status given alone (the operator's switch): the live version's own
    content with that status, so a pause or a resume is one status-only PUT that keeps the version,
    its metrics, targeting and analytics. With no live version, ``active`` activates the draft as it
    is. Returns a list of one portable version, for ``plan``."""
    if status is None:
        raise PersonalizeInputError("%s: give status (alone, to pause, resume or activate what the experience holds) "
                                    "or variants" % exp_label)
    status = _status_in(status, exp_label)
    if status == "draft":
        raise PersonalizeInputError("%s: status draft needs variants (a draft's content); status alone pauses, "
                                    "resumes or activates the experience's live content" % exp_label)
    (_live_raw, live), (_draft_raw, draft) = _current(raw_versions, exp_type, idx, exp_label)
    if live is not None:
        return [dict(live, status=status)]
    if status == "active" and draft is not None and draft["variants"]:
        return [dict(draft, status=status)]
    if status == "paused":
        raise PersonalizeInputError("%s has no live version to pause" % exp_label)
    raise PersonalizeInputError("%s has no live version to resume and no draft with variants to activate" % exp_label)


def plan(exp_label, exp_type, raw_versions, desired, idx, exact=False):
    """The minimal version calls that make an experience's versions match ``desired``.

    ``desired`` is a list of normalised portable versions: at most one live (active or paused)
    and at most one draft. With ``exact``, a draft that is not desired is deleted.
    Returns (steps, before, after) with before/after the portable current versions.
    """
    lives = [s for s in desired if s["status"] in ("active", "paused")]
    drafts = [s for s in desired if s["status"] == "draft"]
    if len(lives) > 1 or len(drafts) > 1:
        raise PersonalizeInputError("%s: at most one live (active or paused) version and one draft may be given"
                                    % exp_label)
    (live_raw, live), (draft_raw, draft) = _current(raw_versions, exp_type, idx, exp_label)
    before = [v for v in (live, draft) if v]
    steps = []
    draft_uid = draft_raw and draft_raw.get("uid")
    new_live, new_draft = live, draft
    if lives:
        new_live, replaced = _plan_live(steps, lives[0], live_raw, live, draft, draft_uid, exp_type, idx)
        if replaced:
            new_draft, draft_uid = None, None
    if drafts:
        want = _fill_short_uids(drafts[0], new_draft, new_live)
        if new_draft is None or content(new_draft) != content(want):
            body = version_body(want, exp_type, idx, "draft")
            if draft_uid:
                steps.append(Step("put", draft_uid, body, "updated", "update the draft"))
            else:
                steps.append(Step("post", None, body, "created", "create a draft"))
        new_draft = want
    elif exact and new_draft is not None and draft_uid:
        if new_live is None:
            raise PersonalizeInputError("%s: the draft cannot be removed, it is the experience's only version" % exp_label)
        steps.append(Step("delete", draft_uid, None, "deleted", "delete the draft, which is not desired"))
        new_draft = None
    after = [v for v in (new_live, new_draft) if v]
    return steps, before, after


def _plan_live(steps, want, live_raw, live, draft, draft_uid, exp_type, idx):
    """Steps for the desired live version; gives (the new live version, whether the draft became it)."""
    want = _fill_short_uids(want, live, draft)
    status = want["status"]
    if live is not None and content(live) == content(want):
        if live["status"] == status:
            return live, False
        # A status-only PUT resends the locked version's variants exactly as they are.
        steps.append(Step("put", live_raw["uid"], dict(version_body(live, exp_type, idx), status=status.upper()),
                          "resumed" if status == "active" else "paused", "%s the live version" % _verb(status)))
        return dict(live, status=status), False
    if draft_uid:
        steps.append(Step("put", draft_uid, version_body(want, exp_type, idx, "active"), "activated",
                          "write the desired content into the draft and activate it"))
        target = draft_uid
    else:
        steps.append(Step("post", None, version_body(want, exp_type, idx, "draft"), "created",
                          "create a draft with the desired content"))
        steps.append(Step("put", "new", version_body(want, exp_type, idx, "active"), "activated",
                          "activate the new draft"))
        target = "new"
    if status == "paused":
        steps.append(Step("put", target, version_body(want, exp_type, idx, "paused"), "paused", "pause it"))
    return want, True


def _verb(status):
    return {"active": "resume", "paused": "pause"}.get(status, "set")
