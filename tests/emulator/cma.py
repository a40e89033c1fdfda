"""The Content Management API (CMA) side of the emulator: stacks, and Personalize's background job.

Standard library only. ``CmaState`` keeps the stacks inside the Store's data (so they persist,
reset and lock with the Personalize side) and runs the job that gives a connected project's
experiences their variant group and CMS variants. ``cma_request`` is the HTTP pipeline of the
``/v3/...`` paths, called by server.py. See tests/emulator/README.md, section "CMA side".

Internal state, under ``data["stacks"][api_key]``:

    {"api_key", "name", "org_uid", "master_locale", "branches": [...], "created_at",
     "locales": [{"code", "name", "fallback_locale"}],
     "content_types": {ct: {"uid", "title", "schema": [{"uid", "data_type", "display_name"}]}},
     "entries": {ct: {entry: {locale: entry}}},
     "groups": {group: group}, "variants": {group: {variant: variant}},
     "entry_variants": {ct: {entry: {locale: {variant: entry variant}}}}}

plus ``data["cms_jobs"]`` (pending background jobs) and, per project, ``rec["cms"]``
(``{experience uid: {"variantGroup", "variants": {shortUid: cms variant uid}}}``).
"""

import copy
import re
import time
from urllib.parse import parse_qs, unquote

if __package__:
    from .state import ApiError, now_iso, stable_hex
else:  # run as a script
    from state import ApiError, now_iso, stable_hex  # noqa: E402

CMA_CONFIG = {
    "cms_delay": 0.0,            # seconds before Personalize creates groups and CMS variants
    "cms_pending": "empty",      # _cms before the job ran: "empty" ({}) or "absent" (no key)
    "cma_page_size": 30,         # page size of a CMA list without ?limit=
    "cma_max_limit": 100,        # a larger ?limit= is cut to this
    "cma_group_put": "replace",  # PUT /v3/variant_groups/{uid}: "replace" or "merge" the content_types
    "cma_unlinked_status": 422,  # entry variant on a content type not linked to its group: 422 or 412
    "cma_rate_limit": None,      # None: the organization's Personalize budget; a number: an own budget
}
SYSTEM_FIELDS = {"uid", "locale", "_version", "_variant", "_metadata", "tags", "ACL", "_in_progress",
                 "created_at", "updated_at", "created_by", "updated_by", "publish_details"}
TRUE = ("true", "1", "yes")


class CmaError(ApiError):
    """An error in the CMA's shape: {"error_message", "error_code", "errors"}."""

    def __init__(self, status, code, message, field=None, text="is not valid."):
        super().__init__(status, message, {field: [text]} if field else None)
        self.code = code

    def body(self):
        out = {"error_message": self.message, "error_code": self.code}
        if self.errors:
            out["errors"] = self.errors
        return out


def cma_error(e):
    """Any ApiError (a Personalize-shaped one from shared code) as a CmaError."""
    if isinstance(e, CmaError):
        return e
    out = CmaError(e.status, e.status, e.message)
    out.errors, out.headers = e.errors, e.headers
    return out


def not_found_ct(ct):
    return CmaError(404, 118, "The Content Type '%s' was not found. Please try again." % ct, "uid")


def invalid(field, text, code=119):
    return CmaError(422, code, "%s %s" % (field, text), field, text)


def stamp(obj, user, ts=None):
    ts = ts or now_iso()
    obj.update(created_at=ts, updated_at=ts, created_by=user, updated_by=user)
    return obj


def touch(obj, user):
    obj.update(updated_at=now_iso(), updated_by=user)


def group_uid(xuid):
    return "cs" + stable_hex(xuid, "group", length=16)


def variant_uid(xuid, short):
    return "cs" + stable_hex(xuid, "variant", short, length=16)


class CmaState:
    """Stacks, their content and the background job; every method runs under the Store's lock."""

    def __init__(self, store, limiter_class):
        self.store = store
        self.config = dict(CMA_CONFIG)
        self.limiter = limiter_class(0)  # the CMA's own budget, used when cma_rate_limit is set

    @property
    def data(self):
        return self.store.data

    def stacks(self):
        return self.data.setdefault("stacks", {})

    # ------------------------------------------------------------------ config
    def configure(self, body):
        checks = {
            "cms_delay": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
            "cms_pending": lambda v: v in ("empty", "absent"),
            "cma_page_size": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
            "cma_max_limit": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
            "cma_group_put": lambda v: v in ("replace", "merge"),
            "cma_unlinked_status": lambda v: v in (412, 422),
            "cma_rate_limit": lambda v: v is None or isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
        }
        for k, v in body.items():
            if k not in checks:
                raise ApiError(400, "Validation failed: %s: unknown CMA option (known: %s)" % (k, ", ".join(checks)), {k: ["unknown"]})
            if not checks[k](v):
                raise ApiError(400, "Validation failed: %s: invalid value %r" % (k, v), {k: ["invalid value %r" % (v,)]})
        with self.store.lock:
            self.config.update(body)
            if "cma_rate_limit" in body:
                self.limiter.set_rate(body["cma_rate_limit"] or 0)

    def view(self):
        with self.store.lock:
            return {"stacks": copy.deepcopy(self.stacks()), "cms_jobs": copy.deepcopy(self.data.get("cms_jobs", []))}

    # ------------------------------------------------------------------ seeds
    def load(self, seeds):
        """After the Personalize side of the seeds: stacks, the jobs of seeded experiences, links."""
        self.limiter.set_rate(self.limiter.rate)
        self.data["cms_jobs"] = []
        for seed in seeds:
            for s in seed.get("stacks", []):
                self._seed_stack(s)
        for pid, rec in self.data["projects"].items():
            for xuid in rec["experiences"]:
                self.run_job(pid, xuid, self._shorts(rec, xuid))
        for seed in seeds:
            for s in seed.get("stacks", []):
                self._seed_links(self.stacks()[s["api_key"]], s)

    def _seed_stack(self, s):
        user = s.get("created_by", "blt5e1ec7ed00000u01")
        ts = s.get("created_at", "2025-01-10T08:00:00.000Z")
        locales = [{"code": loc["code"], "name": loc.get("name", loc["code"]),
                    "fallback_locale": loc.get("fallback_locale")} for loc in s["locales"]]
        stack = {"api_key": s["api_key"], "name": s["name"], "org_uid": s["org_uid"],
                 "master_locale": s.get("master_locale", locales[0]["code"]),
                 "branches": list(s.get("branches", ["main"])), "created_at": ts, "locales": locales,
                 "content_types": {}, "entries": {}, "groups": {}, "variants": {}, "entry_variants": {}}
        for ct in s.get("content_types", []):
            schema = [f if isinstance(f, dict) else {"uid": f, "data_type": "text", "display_name": f.replace("_", " ").title()}
                      for f in ct["schema"]]
            stack["content_types"][ct["uid"]] = stamp({"uid": ct["uid"], "title": ct.get("title", ct["uid"]),
                                                       "schema": schema}, user, ts)
            stack["entries"][ct["uid"]] = {}
        for e in s.get("entries", []):
            per = stack["entries"][e["content_type"]].setdefault(e["uid"], {})
            for loc, fields in e["locales"].items():
                per[loc] = stamp(dict(fields, uid=e["uid"], locale=loc, _version=1, tags=[]), user, ts)
        self.stacks()[s["api_key"]] = stack

    def _seed_links(self, stack, s):
        by_exp = {g["personalize_metadata"]["experience_uid"]: g for g in stack["groups"].values()}
        for link in s.get("variant_groups", []):
            group = by_exp.get(link["experience_uid"])
            if group is None:
                raise ValueError("stack %s: no variant group for experience %s (is its project seeded and connected?)"
                                 % (s["api_key"], link["experience_uid"]))
            group["content_types"] = [{"uid": ct, "status": "linked"} for ct in link["content_types"]]
        for ev in s.get("entry_variants", []):
            vuid = ev.get("variant")
            if vuid is None:
                group = by_exp[ev["experience_uid"]]
                vuid = {v["personalize_metadata"]["variant_short_uid"]: u
                        for u, v in stack["variants"][group["uid"]].items()}[str(ev["variant_short_uid"])]
            base = stack["entries"][ev["content_type"]][ev["entry"]][ev["locale"]]
            self._store_entry_variant(stack, ev["content_type"], base, ev["locale"], vuid, ev["fields"],
                                      ev.get("change_set") or sorted(ev["fields"]), "blt5e1ec7ed00000u01")

    # ------------------------------------------------------------------ the background job (Personalize side)
    @staticmethod
    def _shorts(rec, xuid):
        shorts = []
        for v in rec["versions"].get(xuid, []):
            for var in v.get("variants", []):
                if var["shortUid"] not in shorts:
                    shorts.append(var["shortUid"])
        return shorts

    def variants_written(self, pid, xuid):
        """A version with variants was written: the job, now or after cms_delay."""
        rec = self.data["projects"][pid]
        if not rec["project"].get("connectedStackApiKey"):
            return
        shorts = self._shorts(rec, xuid)
        delay = float(self.config["cms_delay"])
        if delay <= 0:
            self.run_job(pid, xuid, shorts)
        else:
            self.data.setdefault("cms_jobs", []).append(
                {"project": pid, "experience": xuid, "shortUids": shorts, "at": time.time()})

    def project_connected(self, pid):
        """A project was (re)connected to a stack: every experience with variants gets the job."""
        rec = self.data["projects"][pid]
        for xuid in rec["experiences"]:
            if self._shorts(rec, xuid):
                self.variants_written(pid, xuid)

    def run_due(self):
        """Run the jobs written cms_delay seconds ago or more (the delay as it is now: lowering it
        releases pending jobs)."""
        with self.store.lock:
            jobs = self.data.get("cms_jobs") or []
            cut = time.time() - float(self.config["cms_delay"])
            due = [j for j in jobs if j["at"] <= cut]
            if not due:
                return
            self.data["cms_jobs"] = [j for j in jobs if j["at"] > cut]
            for j in due:
                self.run_job(j["project"], j["experience"], j["shortUids"])
            self.store.persist()

    def run_job(self, pid, xuid, shorts):
        rec = self.data["projects"].get(pid)
        if not shorts or rec is None or xuid not in rec["experiences"]:
            return
        key = rec["project"].get("connectedStackApiKey")
        if not key:
            return
        x = rec["experiences"][xuid]
        cms = rec.setdefault("cms", {}).setdefault(xuid, {"variantGroup": group_uid(xuid), "variants": {}})
        stack = self.stacks().get(key)
        names = {}
        for v in rec["versions"].get(xuid, []):
            for var in v.get("variants", []):
                names[var["shortUid"]] = var["name"]
        gid = cms["variantGroup"]
        if stack is not None and gid not in stack["groups"]:
            stack["groups"][gid] = stamp({
                "uid": gid, "name": x["name"], "description": x.get("description", ""), "branches": ["main"],
                "content_types": [], "source": "Personalize",
                "personalize_metadata": {"experience_uid": xuid, "experience_short_uid": x["shortUid"],
                                         "project_uid": pid, "status": "linked"}}, "system")
            stack["variants"][gid] = {}
        for s in shorts:
            vuid = cms["variants"].setdefault(s, variant_uid(xuid, s))
            if stack is not None and vuid not in stack["variants"][gid]:
                stack["variants"][gid][vuid] = stamp({
                    "uid": vuid, "name": names.get(s, s), "description": "", "group_uid": gid,
                    "personalize_metadata": {"experience_uid": xuid, "experience_short_uid": x["shortUid"],
                                             "project_uid": pid, "variant_short_uid": s}}, "system")

    def experience_cms(self, rec, xuid):
        """The experience's _cms: the mapping, else {} or None (absent) as cms_pending says."""
        cms = (rec.get("cms") or {}).get(xuid)
        if cms and cms["variants"]:
            return {"variantGroup": cms["variantGroup"],
                    "variants": {s: cms["variants"][s] for s in sorted(cms["variants"], key=int)}}
        return {} if self.config["cms_pending"] == "empty" else None

    # ------------------------------------------------------------------ lookups
    def stack_for(self, api_key):
        return self.stacks().get(api_key)

    @staticmethod
    def _ct(stack, ct):
        obj = stack["content_types"].get(ct)
        if obj is None:
            raise not_found_ct(ct)
        return obj

    def _entry(self, stack, ct, entry):
        self._ct(stack, ct)
        per = stack["entries"][ct].get(entry)
        if per is None:
            raise CmaError(404, 141, "The requested entry '%s' doesn't exist." % entry, "uid")
        return per

    @staticmethod
    def _locale(stack, q):
        loc = q.get("locale") or stack["master_locale"]
        if loc not in [x["code"] for x in stack["locales"]]:
            raise CmaError(422, 141, "The locale '%s' was not found in this stack." % loc, "locale")
        return loc

    @staticmethod
    def _group(stack, uid):
        g = stack["groups"].get(uid)
        if g is None:
            raise CmaError(404, 141, "The variant group '%s' was not found." % uid, "uid")
        return g

    @staticmethod
    def _variant_group_of(stack, vuid):
        for gid, vs in stack["variants"].items():
            if vuid in vs:
                return gid
        return None

    def page(self, items, q, key):
        """Strict pagination: skip, limit (default cma_page_size, cut to cma_max_limit), include_count."""
        vals = {}
        for name, default, low in (("skip", 0, 0), ("limit", self.config["cma_page_size"], 1)):
            raw = q.get(name)
            try:
                vals[name] = default if raw in (None, "") else int(raw)
            except ValueError:
                raise invalid(name, "must be an integer.")
            if vals[name] < low:
                raise invalid(name, "must be at least %d." % low)
        limit = min(vals["limit"], self.config["cma_max_limit"])
        out = {key: [copy.deepcopy(i) for i in items[vals["skip"]:vals["skip"] + limit]]}
        if str(q.get("include_count", "")).lower() in TRUE:
            out["count"] = len(items)
        return 200, out

    # ------------------------------------------------------------------ reads
    @staticmethod
    def stack_view(stack):
        return 200, {"stack": {"api_key": stack["api_key"], "uid": "blt" + stable_hex(stack["api_key"], length=16),
                               "name": stack["name"], "org_uid": stack["org_uid"],
                               "master_locale": stack["master_locale"], "created_at": stack["created_at"]}}

    def list_locales(self, stack, q):
        items = [dict(loc, uid="blt" + stable_hex(stack["api_key"], loc["code"], length=16),
                      master=loc["code"] == stack["master_locale"]) for loc in stack["locales"]]
        return self.page(items, q, "locales")

    def list_content_types(self, stack, q):
        return self.page(list(stack["content_types"].values()), q, "content_types")

    def get_content_type(self, stack, ct):
        return 200, {"content_type": copy.deepcopy(self._ct(stack, ct))}

    def _entry_view(self, stack, per, loc):
        e = per.get(loc) or per[stack["master_locale"]]
        return copy.deepcopy(e)

    def list_entries(self, stack, ct, q):
        self._ct(stack, ct)
        loc = self._locale(stack, q)
        return self.page([self._entry_view(stack, per, loc) for per in stack["entries"][ct].values()], q, "entries")

    def get_entry(self, stack, ct, entry, q):
        per = self._entry(stack, ct, entry)
        return 200, {"entry": self._entry_view(stack, per, self._locale(stack, q))}

    def _variants_of(self, stack, ct, entry, loc):
        return stack["entry_variants"].setdefault(ct, {}).setdefault(entry, {}).setdefault(loc, {})

    def list_entry_variants(self, stack, ct, entry, q):
        self._entry(stack, ct, entry)
        loc = self._locale(stack, q)
        return self.page(list(self._variants_of(stack, ct, entry, loc).values()), q, "entries")

    def _one_entry_variant(self, stack, ct, entry, vuid, q):
        self._entry(stack, ct, entry)
        loc = self._locale(stack, q)
        found = self._variants_of(stack, ct, entry, loc).get(vuid)
        if found is None:
            raise CmaError(404, 141, "The entry variant '%s' of entry '%s' was not found in locale %s." % (vuid, entry, loc), "uid")
        return loc, found

    def get_entry_variant(self, stack, ct, entry, vuid, q):
        return 200, {"entry": copy.deepcopy(self._one_entry_variant(stack, ct, entry, vuid, q)[1])}

    def _group_view(self, stack, g, q):
        out = copy.deepcopy(g)
        if str(q.get("include_variant_info", "")).lower() in TRUE:
            out["variants"] = [copy.deepcopy(v) for v in stack["variants"][g["uid"]].values()]
        return out

    def list_groups(self, stack, q):
        items = []
        for g in stack["groups"].values():
            if q.get("experience_uid") and g["personalize_metadata"].get("experience_uid") != q["experience_uid"]:
                continue
            if q.get("content_type") and q["content_type"] not in [c["uid"] for c in g["content_types"]]:
                continue
            items.append(self._group_view(stack, g, q))
        return self.page(items, q, "variant_groups")

    def get_group(self, stack, uid, q):
        return 200, {"variant_group": self._group_view(stack, self._group(stack, uid), q)}

    def list_group_variants(self, stack, uid, q):
        self._group(stack, uid)
        return self.page(list(stack["variants"][uid].values()), q, "variants")

    def get_group_variant(self, stack, uid, vuid):
        self._group(stack, uid)
        v = stack["variants"][uid].get(vuid)
        if v is None:
            raise CmaError(404, 141, "The variant '%s' was not found in variant group '%s'." % (vuid, uid), "uid")
        return 200, {"variant": copy.deepcopy(v)}

    # ------------------------------------------------------------------ linking content types
    def _ct_links(self, stack, items, status_required):
        """content_types items -> [(uid, status)], refusing strings, unknown types and bad statuses."""
        if not isinstance(items, list):
            raise invalid("content_types", "must be an array of {uid, status} objects.")
        out = []
        for i, item in enumerate(items):
            p = "content_types[%d]" % i
            if not isinstance(item, dict) or not isinstance(item.get("uid"), str):
                raise invalid(p, "must be an object with uid and status (not a string).")
            status = item.get("status", None if status_required else "linked")
            if status not in ("linked", "unlinked"):
                raise invalid(p + ".status", "must be linked or unlinked.")
            if item["uid"] not in stack["content_types"]:
                raise CmaError(422, 118, "The Content Type '%s' was not found. Please try again." % item["uid"], p + ".uid")
            out.append((item["uid"], status))
        return out

    @staticmethod
    def _apply_links(group, links, replace):
        current = [] if replace else [c["uid"] for c in group["content_types"]]
        for uid, status in links:
            if status == "linked" and uid not in current:
                current.append(uid)
            elif status == "unlinked" and uid in current:
                current.remove(uid)
        group["content_types"] = [{"uid": uid, "status": "linked"} for uid in current]

    def put_group_variants(self, stack, uid, body, user):
        """Form 1 (.NET, Java SDKs): {uid, branches, content_types: [{uid, status}]}; always merges."""
        g = self._group(stack, uid)
        if "content_types" not in body:
            raise invalid("content_types", "is required.")
        if body.get("uid") not in (None, uid):
            raise invalid("uid", "must be the uid of the variant group in the path.")
        self._apply_links(g, self._ct_links(stack, body["content_types"], True), replace=False)
        touch(g, user)
        return 200, {"notice": "Variant group updated successfully.", "variant_group": copy.deepcopy(g)}

    def put_group(self, stack, uid, body, user):
        """Form 2 (the CLI, Python SDK): the whole group, unwrapped; cma_group_put replaces or merges."""
        g = self._group(stack, uid)
        if "variant_group" in body:
            raise invalid("variant_group", "the body is the variant group itself, not wrapped in variant_group.")
        for field in ("name", "description"):
            if field in body and body[field] != g[field]:
                raise invalid(field, "of a Personalize variant group cannot be changed from the CMS.")
        if "content_types" in body:
            links = self._ct_links(stack, body["content_types"], False)
            self._apply_links(g, links, replace=self.config["cma_group_put"] == "replace")
        touch(g, user)
        return 200, {"notice": "Variant group updated successfully.", "variant_group": copy.deepcopy(g)}

    # ------------------------------------------------------------------ entry variants
    def put_entry_variant(self, stack, ct, entry, vuid, body, q, user):
        per = self._entry(stack, ct, entry)
        loc = self._locale(stack, q)
        if not isinstance(body.get("entry"), dict):
            raise invalid("entry", "is required: the body is {\"entry\": {<changed fields>, \"_variant\": {...}}}.")
        gid = self._variant_group_of(stack, vuid)
        if gid is None:
            raise CmaError(422, 141, "The variant '%s' does not exist in this stack." % vuid, "variant_uid")
        if ct not in [c["uid"] for c in stack["groups"][gid]["content_types"]]:
            raise CmaError(self.config["cma_unlinked_status"], 412,
                           "The content type '%s' is not linked to the variant group '%s' of variant '%s'." % (ct, gid, vuid),
                           "content_type_uid", "is not linked to the variant group.")
        schema = [f["uid"] for f in stack["content_types"][ct]["schema"]]
        fields = {k: v for k, v in body["entry"].items() if k not in SYSTEM_FIELDS}
        unknown = sorted(k for k in fields if k not in schema)
        meta = body["entry"].get("_variant") or {}
        change_set = meta.get("_change_set") if isinstance(meta, dict) else None
        if change_set is None:
            change_set = sorted(fields)
        if not isinstance(change_set, list) or not all(isinstance(c, str) for c in change_set):
            raise invalid("entry._variant._change_set", "must be an array of field uids.")
        unknown += sorted(c for c in change_set if c.split(".")[0] not in schema and c not in unknown)
        if unknown:
            raise CmaError(422, 119, "Entry variant has fields that are not in content type '%s': %s" % (ct, ", ".join(unknown)),
                           unknown[0], "is not a field of content type %s." % ct)
        base = per.get(loc) or per[stack["master_locale"]]
        created = vuid not in self._variants_of(stack, ct, entry, loc)
        ev = self._store_entry_variant(stack, ct, dict(base, locale=loc), loc, vuid, fields, change_set, user)
        word = "created" if created else "updated"
        return (201 if created else 200), {"notice": "Entry variant %s successfully." % word, "entry": copy.deepcopy(ev)}

    def _store_entry_variant(self, stack, ct, base, loc, vuid, fields, change_set, user):
        """The variant's own fields replace what it had (a PUT is a full replacement of the overrides)."""
        found = self._variants_of(stack, ct, base["uid"], loc)
        old = found.get(vuid)
        ev = {"uid": base["uid"], "title": fields.get("title", base.get("title")), "locale": loc,
              "_version": old["_version"] + 1 if old else 1}
        ev.update(copy.deepcopy(fields))
        ev["_variant"] = {"_uid": vuid, "_change_set": list(change_set), "_base_entry_version": base["_version"]}
        if old:
            ev.update(created_at=old["created_at"], created_by=old["created_by"], updated_at=now_iso(), updated_by=user)
        else:
            stamp(ev, user)
        found[vuid] = ev
        return ev

    def delete_entry_variant(self, stack, ct, entry, vuid, q):
        loc = self._one_entry_variant(stack, ct, entry, vuid, q)[0]
        del self._variants_of(stack, ct, entry, loc)[vuid]
        return 200, {"notice": "Entry variant deleted successfully."}


# ----------------------------------------------------------------------------------------------
# HTTP pipeline of the /v3 paths

SEG = r"([^/]+)"
CT_E = r"/v3/content_types/" + SEG + "/entries/" + SEG
CMA_ROUTES = [(m, re.compile("^" + rx + "$"), h) for m, rx, h in [
    ("GET", r"/v3/stacks", "stack"),
    ("GET", r"/v3/locales", "locales"),
    ("GET", r"/v3/content_types", "content_types"),
    ("GET", r"/v3/content_types/" + SEG, "content_type"),
    ("GET", r"/v3/content_types/" + SEG + "/entries", "entries"),
    ("GET", CT_E, "entry"),
    ("GET", CT_E + "/variants", "entry_variants"),
    ("GET", CT_E + "/variants/" + SEG, "entry_variant"),
    ("PUT", CT_E + "/variants/" + SEG, "put_entry_variant"),
    ("DELETE", CT_E + "/variants/" + SEG, "delete_entry_variant"),
    ("GET", r"/v3/variant_groups", "groups"),
    ("GET", r"/v3/variant_groups/" + SEG, "group"),
    ("PUT", r"/v3/variant_groups/" + SEG, "put_group"),
    ("GET", r"/v3/variant_groups/" + SEG + "/variants", "group_variants"),
    ("PUT", r"/v3/variant_groups/" + SEG + "/variants", "put_group_variants"),
    ("GET", r"/v3/variant_groups/" + SEG + "/variants/" + SEG, "group_variant"),
]]


def _dispatch(cma, handler, stack, p, q, body, user):
    calls = {
        "stack": lambda: cma.stack_view(stack),
        "locales": lambda: cma.list_locales(stack, q),
        "content_types": lambda: cma.list_content_types(stack, q),
        "content_type": lambda: cma.get_content_type(stack, p[0]),
        "entries": lambda: cma.list_entries(stack, p[0], q),
        "entry": lambda: cma.get_entry(stack, p[0], p[1], q),
        "entry_variants": lambda: cma.list_entry_variants(stack, p[0], p[1], q),
        "entry_variant": lambda: cma.get_entry_variant(stack, p[0], p[1], p[2], q),
        "put_entry_variant": lambda: cma.put_entry_variant(stack, p[0], p[1], p[2], body, q, user),
        "delete_entry_variant": lambda: cma.delete_entry_variant(stack, p[0], p[1], p[2], q),
        "groups": lambda: cma.list_groups(stack, q),
        "group": lambda: cma.get_group(stack, p[0], q),
        "put_group": lambda: cma.put_group(stack, p[0], body, user),
        "group_variants": lambda: cma.list_group_variants(stack, p[0], q),
        "put_group_variants": lambda: cma.put_group_variants(stack, p[0], body, user),
        "group_variant": lambda: cma.get_group_variant(stack, p[0], p[1]),
    }
    with cma.store.lock:
        return calls[handler]()


def _authorize(emu, method, path, headers, entry):
    """Route, token, api_key, branch and write permission: (handler, params, stack, token)."""
    for m, rx, h in CMA_ROUTES:
        mo = rx.match(path) if m == method else None
        if mo:
            handler, params = h, [unquote(g) for g in mo.groups()]
            break
    else:
        raise CmaError(404, 404, "The requested URL %s %s was not found." % (method, path))
    tok = emu.store.request_token(headers, entry)
    if tok is None:
        raise CmaError(401, 105, emu.store.refusal(headers), "authtoken")
    api_key = headers.get("api_key") or headers.get("api-key")
    entry["stack"] = api_key
    stack = emu.store.cma.stack_for(api_key) if api_key else None
    if stack is None or stack["org_uid"] not in tok["organizations"]:
        raise CmaError(412, 109, "The api_key is not valid, or the stack is not one this user can use.", "api_key")
    entry["org"] = stack["org_uid"]
    branch = headers.get("branch") or "main"
    entry["branch"] = branch
    if branch not in stack["branches"]:
        raise CmaError(422, 903, "The branch '%s' does not exist in this stack." % branch, "branch")
    if method in ("PUT", "POST", "DELETE") and "personalize:manage" not in tok["scopes"]:
        raise CmaError(403, 162, "You don't have the permission to perform this action.", "permission", "is not sufficient.")
    return handler, params, stack, tok


def cma_request(emu, method, path, query, headers, raw, entry):
    """One /v3 request: (status, body, headers, fault), errors in the CMA's shape. Logged with "api": "cma"."""
    entry.update(api="cma", stack=None, branch=None)
    cma = emu.store.cma
    fault = None
    try:
        handler, params, stack, tok = _authorize(emu, method, path, headers, entry)
        limiter = emu.limiter if cma.config["cma_rate_limit"] is None else cma.limiter
        answer = emu.throttle(stack["org_uid"], limiter, entry)
        if answer is not None:
            status, body, hdrs, fault = answer
            return status, {"error_message": body["message"], "error_code": status}, hdrs, fault
        fault = emu.latency()
        body = emu.parse_body(method, raw)
        if method in ("PUT", "POST") and not isinstance(body, dict):
            raise invalid("body", "must be a JSON object.")
        q = {k: v[-1] for k, v in parse_qs(query).items()}
        status, out = _dispatch(cma, handler, stack, params, q, body, tok["user"]["uid"])
    except ApiError as e:
        e = cma_error(e)
        return e.status, e.body(), e.headers, fault
    if method in ("PUT", "POST", "DELETE"):
        emu.store.persist()
        if emu.draw("lost_write"):
            return 502, {"error_message": "Bad Gateway", "error_code": 502}, {}, "lost"
    return status, out, {}, fault
