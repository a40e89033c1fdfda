"""Build the emulator's stack seeds (standard library only).

    python tests/emulator/cma_seeds.py          # rewrites the files below in tests/emulator/seeds/

- retail-stack.json: the source stack of retail.json's project (its groups linked to content types,
  entry variants of every variant of each experience's newest version, in en-us and fr-fr);
- dest-stack.json: the destination organization's stack (the one empty-dest.json's project is
  connected to: same content types, entries with other uids, no groups) and a staging stack that
  lacks the shipping_notice content type;
- retail-entry-uid-map.json: {source entry uid: destination entry uid}, the official CLI's
  mapper/entries/uid-mapping.json shape;
- cma-bulk.json: more than one page (100) of content types, of entries in one content type and of
  entry variants on one entry, with its own project (source organization) and destination stack.
``bulk_seed(content_types=105, entries=110, experiences=6, variants=20)`` builds other sizes.
"""

import json
import os

if __package__:
    from .harness import DEST_ORG, SEEDS_DIR, SOURCE_ORG
else:  # run as a script
    from harness import DEST_ORG, SEEDS_DIR, SOURCE_ORG  # noqa: E402

SOURCE_STACK = "blt8f2e6d4c0a9b7e53"
DEST_STACK = "blt3c9d1e7f5a2b4c68"
STAGING_STACK = "blt6b2d8f0e4c1a3e95"
BULK_SOURCE_STACK = "blt9b01c2d3e4f5a601"
BULK_DEST_STACK = "blt9b01c2d3e4f5a602"
BULK_PROJECT = "6650a1b2c3d4e5f601000002"
LOCALES = [{"code": "en-us", "name": "English - United States"},
           {"code": "fr-fr", "name": "French - France", "fallback_locale": "en-us"}]

# content type -> (fields, the fields entry variants change, entry titles)
CONTENT_TYPES = {
    "home_page": (["title", "url", "hero_headline", "hero_subline", "cta_label"], ["hero_headline", "cta_label"], ["Home"]),
    "banner": (["title", "message", "background_color", "link"], ["message", "background_color"],
               ["Summer sale banner", "Site-wide banner"]),
    "checkout_page": (["title", "button_label", "button_color", "reassurance_text"], ["button_label", "button_color"], ["Checkout"]),
    "newsletter_prompt": (["title", "heading", "body", "signup_label"], ["heading", "signup_label"], ["Newsletter prompt"]),
    "product_listing": (["title", "heading", "category", "max_items"], ["heading", "category"],
                        ["Young Europe picks", "Default picks"]),
    "shipping_notice": (["title", "message", "threshold_label"], ["message", "threshold_label"], ["Shipping notice"]),
    "blog_post": (["title", "body", "author"], [], ["Welcome to Acme"]),
}
# experience uid -> content types its group is linked to
LINKS = {
    "6650a1b2c3d4e5f6a4000001": ["home_page"],
    "6650a1b2c3d4e5f6a4000002": ["banner", "home_page"],
    "6650a1b2c3d4e5f6a4000003": ["checkout_page"],
    "6650a1b2c3d4e5f6a4000004": ["newsletter_prompt"],
    "6650a1b2c3d4e5f6a4000005": ["shipping_notice", "checkout_page"],
    "6650a1b2c3d4e5f6a4000006": ["product_listing"],
}


def entry_uid(side, ct_index, n):
    return "blt%s%010d%02d%d" % ("5ce" if side == "source" else "d5e", 0, ct_index, n)


def entries(side):
    out = []
    for i, (ct, spec) in enumerate(CONTENT_TYPES.items()):
        fields, titles = spec[0], spec[2]
        for n, title in enumerate(titles):
            per = {}
            for loc in LOCALES:
                prefix = "" if loc["code"] == "en-us" else "[fr] "
                per[loc["code"]] = {f: (prefix + title) if f == "title" else "%s%s of %s" % (prefix, f, title) for f in fields}
            out.append({"content_type": ct, "uid": entry_uid(side, i, n), "locales": per})
    return out


def content_types(skip=()):
    return [{"uid": ct, "title": ct.replace("_", " ").title(), "schema": spec[0]}
            for ct, spec in CONTENT_TYPES.items() if ct not in skip]


def retail_stack():
    with open(os.path.join(SEEDS_DIR, "retail.json")) as fh:
        project = json.load(fh)["projects"][0]
    evs = []
    for x in project["experiences"]:
        newest = x["versions"][-1]
        for ct in LINKS[x["uid"]]:
            fields, changed, titles = CONTENT_TYPES[ct]
            assert set(changed) <= set(fields)
            first = entry_uid("source", list(CONTENT_TYPES).index(ct), 0)
            for var in newest["variants"]:
                for loc in LOCALES:
                    prefix = "" if loc["code"] == "en-us" else "[fr] "
                    change = list(changed) + (["title"] if var["shortUid"] == "0" and ct == "home_page" else [])
                    values = {f: "%s%s: %s for %s" % (prefix, var["name"], f, titles[0]) for f in change}
                    evs.append({"content_type": ct, "entry": first, "locale": loc["code"], "experience_uid": x["uid"],
                                "variant_short_uid": var["shortUid"], "fields": values, "change_set": sorted(change)})
    return {"stacks": [{
        "api_key": SOURCE_STACK, "name": "Acme Retail Web", "org_uid": SOURCE_ORG, "master_locale": "en-us",
        "branches": ["main", "develop"], "locales": LOCALES, "content_types": content_types(), "entries": entries("source"),
        "variant_groups": [{"experience_uid": x, "content_types": cts} for x, cts in LINKS.items()],
        "entry_variants": evs}]}


def dest_stack():
    return {"stacks": [
        {"api_key": DEST_STACK, "name": "Acme Retail Web EU", "org_uid": DEST_ORG, "master_locale": "en-us",
         "locales": LOCALES, "content_types": content_types(), "entries": entries("dest")},
        {"api_key": STAGING_STACK, "name": "Acme Retail Web EU (staging)", "org_uid": DEST_ORG, "master_locale": "en-us",
         "locales": LOCALES, "content_types": content_types(skip=("shipping_notice",)), "entries": []}]}


def uid_map():
    return {s["uid"]: d["uid"] for s, d in zip(entries("source"), entries("dest"))}


def bulk_seed(content_types=105, entries=110, experiences=6, variants=20):
    """A project with ``experiences`` A/B tests of ``variants`` variants, connected to a stack whose
    first content type has ``entries`` entries, the first of them one entry variant per CMS variant."""
    cts = [{"uid": "bulk_ct_%03d" % i, "title": "Bulk %03d" % i, "schema": ["title", "body"]} for i in range(content_types)]
    ents = [{"content_type": cts[0]["uid"], "uid": "blt0b0000000000%04x" % n,
             "locales": {"en-us": {"title": "Bulk entry %d" % n, "body": "body %d" % n},
                         "de-de": {"title": "Massen-Eintrag %d" % n, "body": "Text %d" % n}}} for n in range(entries)]
    ents += [{"content_type": ct["uid"], "uid": "blt0c0000000000%04x" % i,
              "locales": {"en-us": {"title": "Only entry of %s" % ct["uid"], "body": "-"}}} for i, ct in enumerate(cts[1:], 1)]
    share = 100 // variants
    exps, evs = [], []
    for x in range(1, experiences + 1):
        xuid = "6650a1b2c3d4e5f6b40000%02d" % x
        vs = [{"__type": "ABTestVariant", "name": "Bulk %d variant %d" % (x, v), "shortUid": str(v),
               "trafficDistribution": share + (100 - share * variants if v == 0 else 0)} for v in range(variants)]
        exps.append({"uid": xuid, "name": "Bulk test %d" % x, "description": "", "__type": "AB_TEST",
                     "versions": [{"uid": "6650a1b2c3d4e5f6b5%02d0001" % x, "status": "ACTIVE", "variants": vs}]})
        for v in range(variants):
            evs.append({"content_type": cts[0]["uid"], "entry": ents[0]["uid"], "locale": "en-us", "experience_uid": xuid,
                        "variant_short_uid": str(v), "fields": {"body": "variant %d.%d" % (x, v)}})
    for n in range(1, entries):
        loc = "de-de" if n % 20 == 0 else "en-us"
        evs.append({"content_type": cts[0]["uid"], "entry": ents[n]["uid"], "locale": loc, "experience_uid": exps[0]["uid"],
                    "variant_short_uid": "0", "fields": {"title": "Bulk entry %d, variant" % n}})
    locales = [{"code": "en-us", "name": "English - United States"}, {"code": "de-de", "name": "German", "fallback_locale": "en-us"}]
    all_cts = [ct["uid"] for ct in cts]
    return {
        "projects": [{"uid": BULK_PROJECT, "name": "Acme Bulk Catalog", "description": "More than a page of everything",
                      "organizationUid": SOURCE_ORG, "connectedStackApiKey": BULK_SOURCE_STACK, "experiences": exps}],
        "stacks": [{"api_key": BULK_SOURCE_STACK, "name": "Acme Bulk", "org_uid": SOURCE_ORG, "locales": locales,
                    "content_types": cts, "entries": ents, "entry_variants": evs,
                    "variant_groups": [{"experience_uid": x["uid"], "content_types": all_cts} for x in exps]},
                   {"api_key": BULK_DEST_STACK, "name": "Acme Bulk EU", "org_uid": DEST_ORG, "locales": locales,
                    "content_types": cts, "entries": ents}]}


def main():
    files = {"retail-stack.json": retail_stack(), "dest-stack.json": dest_stack(),
             "retail-entry-uid-map.json": uid_map(), "cma-bulk.json": bulk_seed()}
    for name, data in files.items():
        with open(os.path.join(SEEDS_DIR, name), "w") as fh:
            json.dump(data, fh, indent=1 if name != "cma-bulk.json" else None, sort_keys=False)
            fh.write("\n")


if __name__ == "__main__":
    main()
