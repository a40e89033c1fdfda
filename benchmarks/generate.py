#!/usr/bin/env python
"""Synthetic Personalize projects for the benchmarks, shaped like the retail seed.

Deterministic: the same size and seed always give the same JSON. The output is an emulator seed
(``{"organizations", "tokens", "projects"}``, references by uid, versions oldest first with explicit
variant shortUids), usable as ``Emulator(seeds=[seed_dict])`` or ``server.py --seed file.json``.

What a generated project holds (see docs/performance.md):

* custom attributes with keys, each of a value kind (text, number, flag) that its rules respect;
* events, some without a name (the API then shows the key);
* audiences with nested AND/OR rule trees (up to three levels) mixing custom attributes and the
  eight presets, some inverted rules, some HAS_ANY_VALUE rules without match options;
* segmented and A/B experiences; A/B versions carry Primary and Secondary metrics on events and,
  for some, targeting by audience; segmented variants name one to three audiences (AND or OR);
* version history per experience, oldest first: archived versions, then the live one (ACTIVE or
  PAUSED), then a draft; some experiences only have a draft. Variants keep their shortUid from
  version to version, retired ones leave gaps, new ones take the next number;
* a priority order that is not the creation order;
* no Lytics audiences (a copy cannot create them; the S size, the retail seed, has one).

    python benchmarks/generate.py --size L [--seed 1] [-o out.json]    # prints a summary
"""

import argparse
import copy
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEEDS_DIR = os.path.join(ROOT, "tests", "emulator", "seeds")

# The organizations and tokens of the bundled seeds (tests/emulator/seeds/README.md).
SOURCE_ORG = "blt5e1ec7ed0000a001"
DEST_ORG = "blt5e1ec7ed0000b002"

# Work sizes. S is the retail seed itself; fan-out copies ten clones of it at once.
SIZES = {
    "L": {"attributes": 50, "events": 30, "audiences": 300, "experiences": 100, "versions": 250},
}

PRESETS = {
    "COUNTRY": ("STRING_EQUALS", ["US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "AU", "JP", "BR"]),
    "REGION": ("STRING_EQUALS", ["California", "Ontario", "Bavaria", "Catalonia", "Texas", "Quebec"]),
    "CITY": ("STRING_EQUALS", ["Berlin", "Paris", "Austin", "Toronto", "Madrid", "Lyon", "Munich"]),
    "DEVICE_TYPE": ("STRING_EQUALS", ["MOBILE", "TABLET", "DESKTOP"]),
    "OPERATING_SYSTEM": ("STRING_EQUALS", ["iOS", "Android", "Windows", "macOS", "Linux"]),
    "QUERY_PARAMETERS": ("CONTAINS_SUBSTRING", ["utm_source=newsletter", "utm_campaign=summer",
                                                "utm_medium=cpc", "ref=partner", "promo=spring"]),
    "REFERRER": ("CONTAINS_SUBSTRING", ["instagram.com", "google.", "facebook.com", "tiktok.com",
                                        "pinterest.", "partner-shop.example"]),
    "DATE_AND_TIME": ("AFTER_TIME", ["2025-11-28T00:00:00.000Z", "2025-12-01T00:00:00.000Z",
                                     "2026-01-02T00:00:00.000Z"]),
}

# (key, name, kind, values): a vocabulary of shop attributes; more are made by channel suffixes.
ATTRIBUTES = [
    ("loyalty_tier", "Loyalty Tier", "text", ["bronze", "silver", "gold", "platinum"]),
    ("lifetime_value", "Lifetime Value", "number", [100, 500, 1000, 2500, 5000]),
    ("cart_value", "Cart Value", "number", [25, 50, 75, 150, 300]),
    ("preferred_category", "Preferred Category", "text", ["outdoor", "kitchen", "fashion", "toys", "garden"]),
    ("newsletter_opt_in", "Newsletter Opt-in", "flag", None),
    ("visits_count", "Visits Count", "number", [1, 2, 5, 10, 20]),
    ("last_purchase_days", "Days Since Last Purchase", "number", [7, 30, 60, 90, 180]),
    ("is_logged_in", "Logged In", "flag", None),
    ("store_region", "Store Region", "text", ["north", "south", "east", "west"]),
    ("age_band", "Age Band", "text", ["18-24", "25-34", "35-44", "45-54", "55+"]),
    ("orders_count", "Orders Count", "number", [1, 3, 5, 10]),
    ("avg_order_value", "Average Order Value", "number", [30, 60, 90, 120]),
    ("wishlist_size", "Wishlist Size", "number", [1, 5, 10, 25]),
    ("has_app", "Has the App", "flag", None),
    ("membership_plan", "Membership Plan", "text", ["free", "plus", "premium"]),
    ("coupon_user", "Uses Coupons", "flag", None),
    ("returns_count", "Returns Count", "number", [0, 1, 3, 5]),
    ("favorite_brand", "Favourite Brand", "text", ["acme", "globex", "initech", "umbrella", "hooli"]),
    ("price_sensitivity", "Price Sensitivity", "text", ["low", "medium", "high"]),
    ("gift_buyer", "Gift Buyer", "flag", None),
    ("language", "Language", "text", ["en", "de", "fr", "es", "it"]),
    ("b2b_account", "Business Account", "flag", None),
    ("reviews_written", "Reviews Written", "number", [1, 3, 10]),
    ("sessions_last_30d", "Sessions in the Last 30 Days", "number", [1, 4, 8, 15]),
    ("abandoned_carts", "Abandoned Carts", "number", [1, 2, 4]),
]
CHANNELS = ["web", "app", "store", "email", "partner"]

EVENTS = [
    ("add_to_cart", "Add to Cart"), ("checkout_completed", "Checkout Completed"),
    ("newsletter_signup", None), ("product_view", "Product View"), ("coupon_applied", None),
    ("search_performed", "Search Performed"), ("wishlist_add", "Wishlist Add"),
    ("account_created", "Account Created"), ("review_submitted", None),
    ("store_locator_used", "Store Locator Used"), ("video_played", "Video Played"),
    ("chat_started", "Chat Started"), ("gift_card_bought", None), ("size_guide_opened", "Size Guide Opened"),
    ("banner_clicked", "Banner Clicked"),
]

SEGMENTS = ["Loyal", "Lapsed", "New", "High-Value", "Bargain", "Returning", "Mobile", "Weekend",
            "Holiday", "Premium", "Young", "Local", "International", "Curious", "Gift"]
AUDIENCE_NOUNS = ["Shoppers", "Members", "Visitors", "Customers", "Browsers", "Subscribers", "Buyers"]
PLACES = ["Homepage", "Checkout", "Cart", "Product Page", "Category Page", "Search", "Account",
          "Footer", "Newsletter Modal", "Store Finder", "Landing Page", "Mobile Nav"]
PURPOSES = ["Hero", "Banner", "Recommendations", "Free Shipping Message", "Upsell", "Cross-sell",
            "Countdown", "Trust Badges", "Button Color", "Layout", "Copy Test", "Promo Strip"]
VARIANT_WORDS = ["Classic", "Bold", "Minimal", "Seasonal", "Loyalty", "Discount", "Urgency",
                 "Social Proof", "Video", "Carousel", "Editorial", "Personal", "Local", "Premium"]
TAGS = ["seasonal", "evergreen", "q4", "checkout", "mobile", "test", "brand"]


class _Uids:
    """Unique 24-hex uids (ObjectId-shaped) from the generator's RNG."""

    def __init__(self, rng):
        self.rng = rng
        self.seen = set()

    def __call__(self):
        while True:
            uid = "%024x" % self.rng.getrandbits(96)
            if uid not in self.seen and len(uid) == 24:
                self.seen.add(uid)
                return uid


def _attributes(rng, uids, count):
    out = []
    for i in range(count):
        key, name, kind, values = ATTRIBUTES[i % len(ATTRIBUTES)]
        round_ = i // len(ATTRIBUTES)
        if round_:
            channel = CHANNELS[(round_ - 1) % len(CHANNELS)]
            key = "%s_%s" % (key, channel) if round_ <= len(CHANNELS) else "%s_%s_%d" % (key, channel, round_)
            name = "%s (%s)" % (name, channel)
        out.append({"uid": uids(), "key": key, "name": name,
                    "description": "%s, synced from the shop's customer profile" % name,
                    "_kind": kind, "_values": values})
    return out


def _events(rng, uids, count):
    out = []
    for i in range(count):
        key, name = EVENTS[i % len(EVENTS)]
        if i >= len(EVENTS):
            key = "%s_%s" % (key, CHANNELS[(i // len(EVENTS) - 1) % len(CHANNELS)])
            name = None if name is None else "%s (%s)" % (name, key.rsplit("_", 1)[1])
        event = {"uid": uids(), "key": key, "description": "Tracked by the storefront SDK: %s" % key.replace("_", " ")}
        if name:
            event["name"] = name
        out.append(event)
    return out


def _rule(rng, attributes):
    """One Rule: a custom attribute (60%) or a preset, with options that fit its kind."""
    if attributes and rng.random() < 0.6:
        attr = rng.choice(attributes)
        ref = {"__type": "CustomAttributeReference", "ref": attr["uid"]}
        if attr["_kind"] == "flag":
            rule = {"attributeMatchCondition": rng.choice(["IS_TRUE", "IS_FALSE"])}
        elif attr["_kind"] == "number":
            rule = {"attributeMatchCondition": rng.choice(["NUMBER_GREATER_THAN", "NUMBER_LESS_THAN",
                                                           "NUMBER_EQUAL_TO"]),
                    "attributeMatchOptions": {"__type": "NumberMatchOptions", "value": rng.choice(attr["_values"])}}
        elif rng.random() < 0.1:
            rule = {"attributeMatchCondition": "HAS_ANY_VALUE"}
        else:
            rule = {"attributeMatchCondition": rng.choice(["STRING_EQUALS", "STRING_EQUALS", "CONTAINS_SUBSTRING"]),
                    "attributeMatchOptions": {"__type": "StringMatchOptions", "value": rng.choice(attr["_values"])}}
    else:
        preset = rng.choice(sorted(PRESETS))
        ref = {"__type": "PresetAttributeReference", "ref": preset}
        condition, values = PRESETS[preset]
        if preset == "REFERRER" and rng.random() < 0.2:
            rule = {"attributeMatchCondition": "HAS_ANY_VALUE"}
        else:
            rule = {"attributeMatchCondition": condition,
                    "attributeMatchOptions": {"__type": "StringMatchOptions", "value": rng.choice(values)}}
    out = {"__type": "Rule", "attribute": ref}
    out.update(rule)
    out["invertCondition"] = rng.random() < 0.08
    return out


def _combination(rng, attributes, depth, budget):
    rules = []
    for _i in range(rng.randint(1, 4 if depth == 0 else 3)):
        if budget[0] <= 0:
            break
        if depth < 2 and rng.random() < (0.3 if depth == 0 else 0.15):
            rules.append(_combination(rng, attributes, depth + 1, budget))
        else:
            budget[0] -= 1
            rules.append(_rule(rng, attributes))
    if not rules:
        budget[0] -= 1
        rules.append(_rule(rng, attributes))
    return {"__type": "RuleCombination", "combinationType": rng.choice(["AND", "AND", "OR"]), "rules": rules}


def _audiences(rng, uids, count, attributes):
    out, names = [], set()
    for i in range(count):
        while True:
            name = "%s %s" % (rng.choice(SEGMENTS), rng.choice(AUDIENCE_NOUNS))
            if rng.random() < 0.5:
                name += " in %s" % rng.choice(PRESETS["COUNTRY"][1])
            if name in names:
                name = "%s %d" % (name, i + 1)
            if name not in names:
                break
        names.add(name)
        definition = _combination(rng, attributes, 0, [rng.randint(1, 8)])
        out.append({"uid": uids(), "name": name,
                    "description": "" if rng.random() < 0.15 else "Audience for %s campaigns" % name.lower(),
                    "definition": definition})
    return out


def _split(rng, n):
    """n integer percentages that sum to 100."""
    if rng.random() < 0.6:
        base = [100 // n] * n
        base[0] += 100 - sum(base)
        return base
    cuts = sorted(rng.sample(range(5, 100, 5), n - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [100])]


class _History:
    """Successive contents of one experience's versions: variants keep their shortUid and name,
    retired ones leave a gap, new ones take the next number."""

    def __init__(self, rng, kind, audiences, events):
        self.rng = rng
        self.kind = kind
        self.audiences = audiences
        self.events = events
        self.counter = 0
        self.variants = []  # [(shortUid, name, audiences, combination)]
        self.metrics = []
        self.targeting = {}

    def _new_variant(self):
        taken = set(v[1] for v in self.variants)
        words = self.rng.sample(VARIANT_WORDS, len(VARIANT_WORDS))
        name = next(w for w in words if w not in taken)
        short = str(self.counter)
        self.counter += 1
        auds = [a["uid"] for a in self.rng.sample(self.audiences, self.rng.choice([1, 1, 1, 2, 2, 3]))]
        return [short, name, auds, self.rng.choice(["OR", "OR", "AND"])]

    def step(self):
        rng = self.rng
        if not self.variants:
            count = rng.randint(2, 4) if self.kind == "AB_TEST" else rng.randint(1, 4)
            for _i in range(count):
                self.variants.append(self._new_variant())
        else:
            if len(self.variants) > (2 if self.kind == "AB_TEST" else 1) and rng.random() < 0.4:
                self.variants.pop(rng.randrange(len(self.variants)))
            if len(self.variants) < 5 and rng.random() < 0.6:
                self.variants.append(self._new_variant())
            if self.kind == "SEGMENTED" and rng.random() < 0.3:
                v = rng.choice(self.variants)
                v[2] = [a["uid"] for a in rng.sample(self.audiences, rng.choice([1, 2]))]
        if self.kind == "AB_TEST":
            if not self.metrics or rng.random() < 0.3:
                picked = rng.sample(self.events, rng.randint(1, 3))
                self.metrics = [{"__type": "Primary" if i == 0 else "Secondary",
                                 "name": ev.get("name") or ev["key"], "event": ev["uid"]}
                                for i, ev in enumerate(picked)]
            if rng.random() < 0.5:
                picked = rng.sample(self.audiences, rng.choice([1, 2]))
                self.targeting = {"audience": {"audiences": [a["uid"] for a in picked],
                                               "audienceCombinationType": rng.choice(["OR", "AND"])}}
            elif rng.random() < 0.3:
                self.targeting = {}
        return self.content()

    def content(self):
        if self.kind == "AB_TEST":
            split = _split(self.rng, len(self.variants))
            variants = [{"__type": "ABTestVariant", "shortUid": s, "name": n, "trafficDistribution": t}
                        for (s, n, _auds, _match), t in zip(self.variants, split)]
            return {"variants": variants, "metrics": copy.deepcopy(self.metrics),
                    "targeting": copy.deepcopy(self.targeting)}
        variants = [{"__type": "SegmentedVariant", "shortUid": s, "name": n, "audiences": list(a),
                     "lyticsAudiences": [], "audienceCombinationType": c}
                    for s, n, a, c in self.variants]
        return {"variants": variants}


def _version_plan(rng, experiences, versions):
    """Per experience: (archived count, live status or None, has draft), totalling ``versions``."""
    n = experiences
    draft_only = max(0, round(n * 0.15))
    live = n - draft_only
    paused = round(live * 0.18)
    with_draft = round(n * 0.35)
    archived = max(0, versions - (draft_only + live + min(with_draft, live)))
    plans = []
    for i in range(n):
        if i < draft_only:
            plans.append([0, None, True])
        else:
            j = i - draft_only
            # The drafts go to a run of live experiences that starts among the paused ones.
            start = paused // 3
            plans.append([0, "PAUSED" if j < paused else "ACTIVE", start <= j < start + with_draft])
    live_idx = [i for i, p in enumerate(plans) if p[1]]
    for _i in range(archived):
        plans[rng.choice(live_idx)][0] += 1
    rng.shuffle(plans)
    return plans


def _experiences(rng, uids, count, versions, audiences, events):
    out, names = [], set()
    plans = _version_plan(rng, count, versions)
    for i, (archived, live, draft) in enumerate(plans):
        kind = "AB_TEST" if rng.random() < 0.3 else "SEGMENTED"
        while True:
            name = "%s %s" % (rng.choice(PLACES), rng.choice(PURPOSES))
            if kind == "AB_TEST":
                name += " Test"
            if name in names:
                name = "%s %d" % (name, i + 1)
            if name not in names:
                break
        names.add(name)
        history = _History(rng, kind, audiences, events)
        vers = []
        for _i in range(archived):
            vers.append(dict(history.step(), uid=uids(), status="ARCHIVED"))
        if live:
            vers.append(dict(history.step(), uid=uids(), status=live))
        if draft:
            vers.append(dict(history.step(), uid=uids(), status="DRAFT"))
        exp = {"uid": uids(), "name": name, "description": "%s for the web shop" % name, "__type": kind,
               "versions": vers}
        if rng.random() < 0.3:
            exp["tags"] = sorted(rng.sample(TAGS, rng.randint(1, 2)))
        out.append(exp)
    return out


def generate_project(uid, name, organization_uid=SOURCE_ORG, attributes=50, events=30, audiences=300,
                     experiences=100, versions=250, seed=1):
    """One synthetic project (seed form, references by uid)."""
    rng = random.Random("%s:%s" % (seed, uid))
    uids = _Uids(rng)
    uids.seen.add(uid)
    attrs = _attributes(rng, uids, attributes)
    evts = _events(rng, uids, events)
    auds = _audiences(rng, uids, audiences, attrs)
    exps = _experiences(rng, uids, experiences, versions, auds, evts)
    priority = [x["uid"] for x in exps]
    rng.shuffle(priority)
    for a in attrs:
        del a["_kind"], a["_values"]
    return {"uid": uid, "name": name, "description": "Synthetic benchmark project (%d experiences)" % experiences,
            "organizationUid": organization_uid, "connectedStackApiKey": "blt%016x" % rng.getrandbits(64),
            "attributes": attrs, "events": evts, "audiences": auds, "experiences": exps,
            "priorityOrder": priority}


def _bundled(name):
    with open(os.path.join(SEEDS_DIR, name + ".json")) as fh:
        return json.load(fh)


def retail_project(index=0):
    """The retail seed project; index > 0 gives a clone with its own uids (same shape and names,
    another project name), for fan-out."""
    project = _bundled("retail")["projects"][0]
    if not index:
        return project
    text = json.dumps(project)
    # Every object uid of the seed starts with this prefix (the Lytics one with its own).
    text = text.replace("6650a1b2c3d4e5f6", "6650a1b2c3d4%04x" % (0xe5f6 + index))
    text = text.replace("5d3c1a9e7b2f4e6a", "5d3c1a9e7b2f%04x" % (0x4e6a + index))
    clone = json.loads(text)
    clone["name"] = "%s %02d" % (project["name"], index)
    return clone


def source_seed(projects, project_limit=None):
    """Seed of the source organization (its tokens from retail.json) holding ``projects``."""
    base = _bundled("retail")
    orgs = copy.deepcopy(base["organizations"])
    for org in orgs:
        if project_limit:
            org["projectLimit"] = project_limit
    return {"organizations": orgs, "tokens": copy.deepcopy(base["tokens"]), "projects": list(projects)}


def dest_project_uid(index):
    """The empty destination project for fan-out host ``index`` (0 is the bundled one)."""
    base = _bundled("empty-dest")["projects"][0]["uid"]
    return base if not index else "%s%06x" % (base[:18], int(base[18:], 16) + index)


def dest_seed(count=1, project_limit=None):
    """Seed of the destination organization with ``count`` empty projects."""
    base = _bundled("empty-dest")
    seed = copy.deepcopy(base)
    template = base["projects"][0]
    seed["projects"] = []
    for i in range(count):
        p = dict(template, uid=dest_project_uid(i))
        if i:
            p["name"] = "%s %02d" % (template["name"], i)
        seed["projects"].append(p)
    if project_limit:
        for org in seed["organizations"]:
            org["projectLimit"] = project_limit
    return seed


def one_org_seed(projects, dest_count, project_limit):
    """Seed of one organization (the source's, with its tokens) holding ``projects`` and
    ``dest_count`` empty destination projects (uids ``dest_project_uid(i)``): the fan-out, where
    every call of every copy shares that organization's rate limit."""
    seed = source_seed(projects, project_limit=project_limit)
    template = _bundled("empty-dest")["projects"][0]
    for i in range(dest_count):
        project = dict(template, uid=dest_project_uid(i), organizationUid=SOURCE_ORG,
                       name="%s %02d" % (template["name"], i))
        for key in ("createdBy", "createdByUserName"):  # the destination organization's user
            project.pop(key, None)
        seed["projects"].append(project)
    return seed


def summarize(project):
    """Counts of a seed project: what a copy has to handle."""
    lytics = [a for a in project.get("audiences", []) if str(a.get("source", "")).upper() == "LYTICS"]
    statuses = {}
    for x in project.get("experiences", []):
        for v in x.get("versions", []):
            statuses[v["status"]] = statuses.get(v["status"], 0) + 1
    exps = project.get("experiences", [])
    return {
        "attributes": len(project.get("attributes", [])),
        "events": len(project.get("events", [])),
        "audiences": len(project.get("audiences", [])) - len(lytics),
        "lytics_audiences": len(lytics),
        "experiences": len(exps),
        "ab_tests": sum(1 for x in exps if x["__type"] == "AB_TEST"),
        "versions": sum(statuses.values()),
        "versions_by_status": dict(sorted(statuses.items())),
        "rules": sum(_count_rules(a.get("definition")) for a in project.get("audiences", [])),
    }


def _count_rules(node):
    if not node:
        return 0
    if "rules" in node:
        return sum(_count_rules(r) for r in node["rules"])
    return 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--size", default="L", choices=sorted(SIZES) + ["S"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", help="write the emulator seed (JSON) here")
    args = parser.parse_args(argv)
    if args.size == "S":
        project = retail_project()
    else:
        project = generate_project("6650a1b2c3d4e5f6010000%02x" % 0x4c, "Benchmark %s" % args.size,
                                   seed=args.seed, **SIZES[args.size])
    seed = source_seed([project])
    if args.output:
        with open(args.output, "w") as fh:
            json.dump(seed, fh, indent=1, sort_keys=True)
    json.dump(summarize(project), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
