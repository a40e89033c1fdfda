"""The minimal number of API calls a copy needs, from the source and destination states.

Inputs are project entries of the emulator's ``GET /_emulator/state`` (``attributes`` custom only,
``audiences``, ``events``, ``experiences``, ``versions`` {experience uid: [newest first]},
``priorityOrder``) taken *before* the run. A call is counted only when no copy could do without
it, whatever its design; what the role makes beyond that shows as calls above the minimum. The
formula (also in docs/performance.md), for the role's default options (activation ``mirror``,
everything included, no prune):

source (read only)
    4 list calls (attributes, events, audiences, experiences)
    + 1 versions GET per source experience (skipped ones too: their versions are what shows that
      they use a Lytics audience)
    + 1 priority GET if the source has two or more experiences (the order must name every
      experience of the project, so with fewer it is known from the list).

destination
    extract:  4 list calls (attributes, events, audiences, experiences);
              + 1 priority GET only if the destination has two or more experiences and no
                experience is to be created (an empty destination has no order to read, and when
                experiences are created the order is PUT anyway; the role reads it regardless:
                that read is counted as above the minimum);
              + 1 versions GET per destination experience that a copied source experience matches
                by name (a new experience's only version is the empty draft its POST returned).
    writes:   1 POST per attribute / event (by key), audience / experience (by name) missing from
              the destination; Lytics audiences, audiences with Lytics rules and experiences whose
              current versions use them are skipped (not counted).
              Versions, per experience created here: the API made it an empty DRAFT whose uid the
              POST returned (``latestVersion``), so: +1 if the source has a live version (PUT the
              content into that draft with status ACTIVE), +1 more if it is PAUSED (ACTIVE -> PAUSED;
              DRAFT -> PAUSED is refused), +1 if the source has a draft (a POST when a live version
              was made, else the PUT into the empty draft). Archived versions are history and are
              not copied.
              Priority: 1 PUT when experiences were created and the project ends with two or more
              (where the server puts new ones is not a documented contract); otherwise 1 PUT only if
              the destination's order differs from the source's.
    verify:   after any write, one re-read of what was written: 4 lists + 1 versions GET per
              experience the destination then has + 1 priority GET if it has two or more;
              nothing when nothing was written (extract's reads, the destination's versions
              included, show the state).

Objects that already exist in the destination are assumed equal to the source (0 writes): the
benchmarks' destinations are either empty or the result of the previous copy.
"""

LIVE = ("ACTIVE", "PAUSED")


def _lytics_uids(project):
    return set(a["uid"] for a in project.get("audiences", []) if str(a.get("source") or "").upper() == "LYTICS")


def _has_lytics_rule(node):
    if not node:
        return False
    if "rules" in node:
        return any(_has_lytics_rule(r) for r in node["rules"])
    return (node.get("attribute") or {}).get("__type") == "LyticsAttributeReference"


def _current(versions):
    """(live, draft) raw versions of one experience."""
    live = next((v for v in versions if v.get("status") in LIVE), None)
    draft = next((v for v in versions if v.get("status") == "DRAFT"), None)
    return live, draft


def _version_audiences(version):
    out = set()
    for variant in version.get("variants") or []:
        out.update(variant.get("audiences") or [])
        out.update(variant.get("lyticsAudiences") or [])
    out.update((((version.get("targeting") or {}).get("audience") or {}).get("audiences")) or [])
    return out


def copied_objects(source):
    """What the copy manages: {kind: [raw objects]} plus ``versions`` (the live and draft versions
    of the copied experiences, {experience uid: (live, draft)})."""
    lytics = _lytics_uids(source)
    bad_audiences = lytics | set(a["uid"] for a in source.get("audiences", [])
                                 if a["uid"] not in lytics and _has_lytics_rule(a.get("definition")))
    out = {
        "attributes": list(source.get("attributes", [])),
        "events": list(source.get("events", [])),
        "audiences": [a for a in source.get("audiences", []) if a["uid"] not in bad_audiences],
        "experiences": [],
        "versions": {},
    }
    for exp in source.get("experiences", []):
        live, draft = _current(source.get("versions", {}).get(exp["uid"], []))
        used = set()
        for v in (live, draft):
            if v:
                used |= _version_audiences(v)
        if used & bad_audiences:
            continue
        out["experiences"].append(exp)
        out["versions"][exp["uid"]] = (live, draft)
    return out


def resources_managed(source):
    """attributes + events + audiences + experiences + versions copied (live and draft ones)."""
    objs = copied_objects(source)
    versions = sum((1 if live else 0) + (1 if draft else 0) for live, draft in objs["versions"].values())
    counts = dict((k, len(objs[k])) for k in ("attributes", "events", "audiences", "experiences"))
    counts["versions"] = versions
    counts["total"] = sum(counts.values())
    return counts


def _priority_read(n_experiences):
    """The priority order names every experience of the project: with fewer than two, the
    experiences list already gives it."""
    return 1 if n_experiences >= 2 else 0


def minimal_calls(source, dest):
    """{"source": {...}, "destination": {...}} with per-step counts and totals (see module doc)."""
    objs = copied_objects(source)
    n_source_experiences = len(source.get("experiences", []))
    src = {"lists": 4, "priority": _priority_read(n_source_experiences), "versions": n_source_experiences}
    src["reads"] = src["total"] = src["lists"] + src["priority"] + src["versions"]
    src["writes"] = 0

    have = {
        "attributes": set(a["key"] for a in dest.get("attributes", [])),
        "events": set(e["key"] for e in dest.get("events", [])),
        "audiences": set(a["name"] for a in dest.get("audiences", [])),
        "experiences": dict((x["name"], x["uid"]) for x in dest.get("experiences", [])),
    }
    ident = {"attributes": "key", "events": "key", "audiences": "name", "experiences": "name"}
    creates = dict((kind, sum(1 for o in objs[kind] if o[ident[kind]] not in have[kind]))
                   for kind in ident)
    matched = sum(1 for x in objs["experiences"] if x["name"] in have["experiences"])

    version_writes = 0
    for exp in objs["experiences"]:
        if exp["name"] in have["experiences"]:
            continue
        live, draft = objs["versions"][exp["uid"]]
        version_writes += (1 if live else 0) + (1 if live and live["status"] == "PAUSED" else 0) + (1 if draft else 0)

    final_experiences = len(set(have["experiences"]) | set(x["name"] for x in objs["experiences"]))
    if creates["experiences"]:
        priority_put = 1 if final_experiences >= 2 else 0
        priority_get = 0
    else:
        src_names = dict((x["uid"], x["name"]) for x in source.get("experiences", []))
        dst_names = dict((x["uid"], x["name"]) for x in dest.get("experiences", []))
        copied = set(x["name"] for x in objs["experiences"])
        want = [src_names[u] for u in source.get("priorityOrder", []) if src_names.get(u) in copied]
        now = [dst_names[u] for u in dest.get("priorityOrder", []) if u in dst_names]
        rest = [n for n in now if n not in want]
        priority_put = 0 if want + rest == now else 1
        priority_get = _priority_read(len(have["experiences"]))

    dst = {
        "extract_lists": 4,
        "extract_priority": priority_get,
        "matched_versions": matched,
        "state_reads": 4 + priority_get + matched,
        "creates": creates,
        "version_writes": version_writes,
        "priority_put": priority_put,
    }
    dst["writes"] = sum(creates.values()) + version_writes + priority_put
    dst["verify_reads"] = (4 + final_experiences + _priority_read(final_experiences)) if dst["writes"] else 0
    dst["reads"] = dst["state_reads"] + dst["verify_reads"]
    dst["total"] = dst["reads"] + dst["writes"]
    return {"source": src, "destination": dst}
