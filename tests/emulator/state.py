"""In-memory model of the Contentstack Personalize Management API (emulator).

Standard library only. The HTTP layer (server.py) authenticates, routes and calls the
``Store`` methods below, which validate, mutate and answer with ``(status, body)`` or raise
``ApiError``. Every public Store method runs under one lock.

Internal state (also the format of the ``--state`` file):

    {"organizations": {uid: {...}}, "tokens": {token: {...}},
     "projects": {uid: {"project": {...}, "attributes": {uid: {...}}, "audiences": {...},
                        "events": {...}, "experiences": {uid: {...}},
                        "versions": {expUid: [version, ... oldest first]},
                        "priority": [expUid, ...], "counters": {...}, "activated": [versionUid]}}}
"""

import copy
import datetime
import hashlib
import json
import os
import re
import secrets
import tempfile
import threading
import time

if __package__:
    from . import oauth
else:  # run as a script (server.py puts this directory on sys.path)
    import oauth  # noqa: E402

HEX24 = re.compile(r"^[0-9a-f]{24}$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
SHORT_UID = re.compile(r"^(0|[1-9][0-9]*)$")

PRESETS = [
    ("COUNTRY", "Country", "Visitor's country, from the request's location"),
    ("REGION", "Region", "Visitor's region or state"),
    ("CITY", "City", "Visitor's city"),
    ("DEVICE_TYPE", "Device Type", "MOBILE, TABLET or DESKTOP"),
    ("OPERATING_SYSTEM", "Operating System", "Visitor's operating system"),
    ("QUERY_PARAMETERS", "Query Parameters", "Query parameters of the page URL"),
    ("REFERRER", "Referrer", "Referring URL"),
    ("DATE_AND_TIME", "Date and Time", "Date and time of the visit"),
]
PRESET_KEYS = [p[0] for p in PRESETS]

MATCH_CONDITIONS = [
    "STRING_EQUALS", "CONTAINS_SUBSTRING", "HAS_ANY_VALUE", "IS_TRUE", "IS_FALSE",
    "NUMBER_LESS_THAN", "NUMBER_GREATER_THAN", "NUMBER_EQUAL_TO", "JSON_MATCH", "IS_MEMBER_OF",
    "BEFORE_TIME", "AFTER_TIME", "BETWEEN_TIME", "IS_IN_FLOW_STATE",
]
# condition -> allowed attributeMatchOptions.__type (None: options optional)
CONDITION_OPTIONS = {
    "STRING_EQUALS": ["StringMatchOptions"],
    "CONTAINS_SUBSTRING": ["StringMatchOptions"],
    "JSON_MATCH": ["StringMatchOptions"],
    "NUMBER_LESS_THAN": ["NumberMatchOptions"],
    "NUMBER_GREATER_THAN": ["NumberMatchOptions"],
    "NUMBER_EQUAL_TO": ["NumberMatchOptions"],
    "IS_MEMBER_OF": ["AudienceMatchOptions"],
    "IS_IN_FLOW_STATE": ["FlowStateMatchOptions"],
    "BEFORE_TIME": ["StringMatchOptions"],
    "AFTER_TIME": ["StringMatchOptions"],
    "BETWEEN_TIME": ["StringMatchOptions"],
    "HAS_ANY_VALUE": None,
    "IS_TRUE": None,
    "IS_FALSE": None,
}
MATCH_OPTION_TYPES = ["StringMatchOptions", "NumberMatchOptions", "AudienceMatchOptions",
                      "FlowStateMatchOptions"]
REFERENCE_TYPES = ["PresetAttributeReference", "CustomAttributeReference",
                   "LyticsAttributeReference"]
LYTICS_REFS = ["LYTICS_AUDIENCE", "LYTICS_FLOW_STATE"]
EXPERIENCE_TYPES = ["SEGMENTED", "AB_TEST"]
VERSION_STATUSES = ["DRAFT", "ACTIVE", "PAUSED", "ARCHIVED"]
METRIC_TYPES = ["Primary", "Secondary"]

DEFAULT_LIMITS = {
    "attributes": 100, "audiences": 100, "events": 100, "experiences": 100,
    "rules_per_audience": 50, "variants_per_experience": 20, "projects_per_organization": 3,
}

VPFX = "personalize.EXPERIENCES.VERSIONS."
AUTH_MESSAGE = "You're not allowed in here unless you're logged in."


class ApiError(Exception):
    def __init__(self, status, message, errors=None, headers=None, details=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.details = details

    def body(self):
        body = {"message": self.message}
        if self.errors:
            body["errors"] = self.errors
        if self.details:
            body["details"] = self.details
        return body


def bad(field, text, message=None):
    """400 validation error naming ``field``."""
    return ApiError(400, message or "Validation failed: %s: %s" % (field, text), {field: [text]})


def now_iso():
    t = time.time()
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (int(t * 1000) % 1000)


def new_object_id():
    return "%08x" % int(time.time()) + secrets.token_hex(8)


def stable_hex(*parts, length=24):
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:length]


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def letters(n):
    """0 -> a, 25 -> z, 26 -> ba ... (experience shortUid)."""
    s = ""
    while True:
        s = chr(ord("a") + n % 26) + s
        n //= 26
        if n == 0:
            return s


# ----------------------------------------------------------------------------------------------
# body field helpers


def req_str(body, field, path=None, allow_empty=False):
    path = path or field
    if field not in body or body[field] is None:
        raise bad(path, "%s is required" % path)
    v = body[field]
    if not isinstance(v, str):
        raise bad(path, "%s must be a string" % path)
    if not allow_empty and not v.strip():
        raise bad(path, "%s must not be empty" % path)
    return v


def opt_str(body, field, default="", path=None):
    path = path or field
    v = body.get(field)
    if v is None:
        return default
    if not isinstance(v, str):
        raise bad(path, "%s must be a string" % path)
    return v


def need_object(body, what="body"):
    if not isinstance(body, dict):
        raise bad(what, "request body must be a JSON object")
    return body


class Store:
    def __init__(self, seeds, state_path=None, cma=None):
        self.lock = threading.RLock()
        self.seeds = seeds
        self.state_path = state_path
        self.limits = dict(DEFAULT_LIMITS)
        self.data = None
        self.cma = cma(self) if cma else None  # the CMA side (cma.py), given by server.py
        if state_path and os.path.exists(state_path):
            with open(state_path) as fh:
                self.data = json.load(fh)
        else:
            self.load_seeds(seeds)

    # ------------------------------------------------------------------ seeds / persistence
    def load_seeds(self, seeds):
        with self.lock:
            self.data = {"organizations": {}, "tokens": {}, "projects": {}, "oauth": oauth.empty()}
            for seed in seeds:
                self._merge_seed(seed)
            if self.cma:
                self.cma.load(seeds)

    def _merge_seed(self, seed):
        d = self.data
        for org in seed.get("organizations", []):
            d["organizations"][org["uid"]] = {
                "uid": org["uid"], "name": org.get("name", org["uid"]),
                "projectLimit": org.get("projectLimit")}
        for tok in seed.get("tokens", []):
            user = tok.get("user") or {}
            d["tokens"][tok["token"]] = {
                "token": tok["token"], "kind": tok.get("kind", "authtoken"),
                "organizations": list(tok.get("organizations", [])),
                "scopes": list(tok.get("scopes", ["personalize:read", "personalize:manage"])),
                "user": {"uid": user.get("uid", "blt" + stable_hex(tok["token"], length=13)),
                         "name": user.get("name", "Emulator User")}}
        oauth.merge_seed(d, seed)
        base = datetime.datetime(2025, 1, 15, 9, 0, 0, tzinfo=datetime.timezone.utc)
        clock = [0]

        def ts():
            clock[0] += 1
            t = base + datetime.timedelta(minutes=clock[0])
            return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (clock[0] % 1000)

        for sp in seed.get("projects", []):
            uid = sp["uid"]
            user = {"uid": sp.get("createdBy", "blt5e1ec7ed00000u01"),
                    "name": sp.get("createdByUserName", "Seed Loader")}
            proj = {"uid": uid, "name": sp["name"], "description": sp.get("description", ""),
                    "organizationUid": sp["organizationUid"],
                    "connectedStackApiKey": sp.get("connectedStackApiKey")}
            self._stamp(proj, user, sp.get("createdAt") or ts())
            rec = {"project": proj, "attributes": {}, "audiences": {}, "events": {},
                   "experiences": {}, "versions": {}, "priority": [], "activated": [],
                   "counters": {"experienceShortUid": 0, "variantShortUid": {}}}
            d["projects"][uid] = rec
            for a in sp.get("attributes", []):
                obj = {"uid": a["uid"], "key": a["key"], "name": a.get("name", a["key"]),
                       "description": a.get("description", ""), "__type": "CUSTOM",
                       "project": uid}
                rec["attributes"][a["uid"]] = self._stamp(obj, user, a.get("createdAt") or ts())
            for e in sp.get("events", []):
                obj = {"uid": e["uid"], "key": e["key"], "name": e.get("name") or e["key"],
                       "description": e.get("description", ""), "project": uid}
                rec["events"][e["uid"]] = self._stamp(obj, user, e.get("createdAt") or ts())
            for a in sp.get("audiences", []):
                if str(a.get("source", "")).upper() == "LYTICS":
                    obj = {"uid": a["uid"], "name": a["name"], "description": a.get("description", ""),
                           "source": a["source"], "slug": a.get("slug", ""), "project": uid}
                else:
                    obj = {"uid": a["uid"], "name": a["name"], "description": a.get("description", ""),
                           "definition": self._normalize_definition(a["definition"]), "project": uid}
                rec["audiences"][a["uid"]] = self._stamp(obj, user, a.get("createdAt") or ts())
            for x in sp.get("experiences", []):
                xs = x.get("shortUid") or letters(rec["counters"]["experienceShortUid"])
                obj = {"uid": x["uid"], "name": x["name"], "description": x.get("description", ""),
                       "__type": x["__type"], "shortUid": xs, "tags": list(x.get("tags", [])),
                       "project": uid}
                self._bump_exp_short(rec, xs)
                rec["experiences"][x["uid"]] = self._stamp(obj, user, x.get("createdAt") or ts())
                rec["versions"][x["uid"]] = []
                counter = 0
                for v in x.get("versions", []):
                    content = self._normalize_version_content(x["__type"], v)
                    for var in content["variants"]:
                        counter = max(counter, int(var["shortUid"]) + 1)
                    vobj = dict(content, uid=v["uid"], status=v["status"],
                                experienceUid=x["uid"], project=uid)
                    rec["versions"][x["uid"]].append(self._stamp(vobj, user, v.get("createdAt") or ts()))
                    if v["status"] in ("ACTIVE", "PAUSED", "ARCHIVED"):
                        rec["activated"].append(v["uid"])
                rec["counters"]["variantShortUid"][x["uid"]] = max(
                    counter, int(x.get("variantShortUidCounter", 0)))
            rec["priority"] = list(sp.get("priorityOrder") or [])
            for xuid in rec["experiences"]:
                if xuid not in rec["priority"]:
                    rec["priority"].append(xuid)

    def _bump_exp_short(self, rec, short):
        # experience shortUids are letters; keep the counter past any given one
        n = 0
        if re.match(r"^[a-z]+$", short):
            for ch in short:
                n = n * 26 + (ord(ch) - ord("a"))
            rec["counters"]["experienceShortUid"] = max(rec["counters"]["experienceShortUid"], n + 1)

    def persist(self):
        if not self.state_path:
            return
        with self.lock:
            text = json.dumps(self.data, sort_keys=True)
            directory = os.path.dirname(os.path.abspath(self.state_path))
            fd, tmp = tempfile.mkstemp(prefix=".emulator-state-", dir=directory)
            with os.fdopen(fd, "w") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.state_path)

    def set_limits(self, limits):
        with self.lock:
            for k, v in (limits or {}).items():
                if k not in DEFAULT_LIMITS:
                    raise bad("limits." + k, "unknown limit %s (known: %s)" % (k, ", ".join(DEFAULT_LIMITS)))
                if not is_int(v) or v < 0:
                    raise bad("limits." + k, "limit must be a non-negative integer")
                self.limits[k] = v

    # ------------------------------------------------------------------ auth
    def token(self, token):
        """A token's record; None for an unknown one and for an issued OAuth access token that is dead."""
        with self.lock:
            tok = self.data["tokens"].get(token)
            return None if tok is not None and oauth.dead(tok) else tok

    def request_token(self, headers, entry=None):
        """The token of a request (``authtoken: T`` or ``authorization: Bearer T``), or None; an issued
        OAuth access token is named in the log ``entry`` (by its id)."""
        token = self._presented(headers)
        if token and entry is not None:
            with self.lock:
                oauth.note_auth(self.data["tokens"].get(token), entry)
        return self.token(token) if token else None

    @staticmethod
    def _presented(headers):
        token = headers.get("authtoken")
        auth = headers.get("authorization") or ""
        if not token and auth[:7].lower() == "bearer ":
            token = auth[7:].strip()
        return token

    def refusal(self, headers):
        """The 401 message for a request whose token ``request_token`` refused."""
        with self.lock:
            tok = self.data["tokens"].get(self._presented(headers) or "")
            return oauth.EXPIRED_MESSAGE if tok is not None and oauth.dead(tok) else AUTH_MESSAGE

    def project_org(self, project_uid):
        with self.lock:
            rec = self.data["projects"].get(project_uid)
            return rec["project"]["organizationUid"] if rec else None

    # ------------------------------------------------------------------ common
    @staticmethod
    def _stamp(obj, user, ts=None):
        ts = ts or now_iso()
        obj["_id"] = obj["uid"]
        obj["createdAt"] = ts
        obj["updatedAt"] = ts
        obj["createdBy"] = user["uid"]
        obj["updatedBy"] = user["uid"]
        obj["createdByUserName"] = user["name"]
        obj["updatedByUserName"] = user["name"]
        return obj

    @staticmethod
    def _touch(obj, user):
        obj["updatedAt"] = now_iso()
        obj["updatedBy"] = user["uid"]
        obj["updatedByUserName"] = user["name"]

    def _rec(self, project_uid):
        rec = self.data["projects"].get(project_uid)
        if rec is None:
            raise ApiError(404, "personalize.PROJECTS.NOT_FOUND",
                           {"x-project-uid": ["project %s not found" % project_uid]})
        return rec

    def _limit(self, kind, count, key):
        limit = self.limits[key]
        if count >= limit:
            raise ApiError(400, "personalize.%s.LIMIT_EXCEEDED" % kind,
                           {kind.lower(): ["at most %d %s per project" % (limit, kind.lower())]})

    @staticmethod
    def _get(coll, uid, kind):
        if not HEX24.match(uid) and not HEX32.match(uid):
            raise ApiError(400, "%s is not a valid ObjectId" % uid, {"uid": ["%s is not a valid ObjectId" % uid]})
        obj = coll.get(uid)
        if obj is None:
            raise ApiError(404, "personalize.%s.NOT_FOUND" % kind, {"uid": ["%s %s not found" % (kind.lower()[:-1], uid)]})
        return obj

    # ------------------------------------------------------------------ projects
    def _project_view(self, rec):
        p = dict(rec["project"])
        p["audienceCount"] = len(rec["audiences"])
        p["activeExperienceCount"] = sum(
            1 for x in rec["experiences"] if self._live_version(rec, x) and self._live_version(rec, x)["status"] == "ACTIVE")
        return p

    def list_projects(self, org, stack_key=None):
        with self.lock:
            out = []
            for rec in self.data["projects"].values():
                if rec["project"]["organizationUid"] != org:
                    continue
                if stack_key is not None and rec["project"].get("connectedStackApiKey") != stack_key:
                    continue
                out.append(self._project_view(rec))
            return 200, out

    def _validate_project_body(self, body):
        need_object(body)
        name = req_str(body, "name")
        desc = opt_str(body, "description")
        key = body.get("connectedStackApiKey")
        if key is not None and not isinstance(key, str):
            raise bad("connectedStackApiKey", "connectedStackApiKey must be a string")
        return name, desc, key or None

    def create_project(self, org, body, user):
        with self.lock:
            name, desc, key = self._validate_project_body(body)
            mine = [r for r in self.data["projects"].values() if r["project"]["organizationUid"] == org]
            if any(r["project"]["name"] == name for r in mine):
                raise ApiError(400, "personalize.PROJECTS.DUPLICATE_NAME",
                               {"name": ["a project named %r already exists in this organization" % name]})
            o = self.data["organizations"].get(org) or {}
            limit = o.get("projectLimit") or self.limits["projects_per_organization"]
            if len(mine) >= limit:
                raise ApiError(400, "personalize.PROJECTS.LIMIT_EXCEEDED",
                               {"organization_uid": ["at most %d projects per organization" % limit]})
            uid = new_object_id()
            proj = self._stamp({"uid": uid, "name": name, "description": desc, "organizationUid": org,
                                "connectedStackApiKey": key}, user)
            rec = {"project": proj, "attributes": {}, "audiences": {}, "events": {},
                   "experiences": {}, "versions": {}, "priority": [], "activated": [],
                   "counters": {"experienceShortUid": 0, "variantShortUid": {}}}
            self.data["projects"][uid] = rec
            return 201, self._project_view(rec)

    def _org_project(self, org, uid):
        if not HEX24.match(uid):
            raise ApiError(400, "%s is not a valid ObjectId" % uid, {"uid": ["%s is not a valid ObjectId" % uid]})
        rec = self.data["projects"].get(uid)
        if rec is None or (org and rec["project"]["organizationUid"] != org):
            raise ApiError(404, "personalize.PROJECTS.NOT_FOUND", {"uid": ["project %s not found" % uid]})
        return rec

    def update_project(self, org, uid, body, user):
        with self.lock:
            rec = self._org_project(org, uid)
            name, desc, key = self._validate_project_body(body)
            porg = rec["project"]["organizationUid"]
            for r in self.data["projects"].values():
                if r is not rec and r["project"]["organizationUid"] == porg and r["project"]["name"] == name:
                    raise ApiError(400, "personalize.PROJECTS.DUPLICATE_NAME",
                                   {"name": ["a project named %r already exists in this organization" % name]})
            p = rec["project"]
            connected = key and key != p.get("connectedStackApiKey")
            p.update(name=name, description=desc, connectedStackApiKey=key)
            self._touch(p, user)
            if self.cma and connected:
                self.cma.project_connected(uid)
            return 200, self._project_view(rec)

    def delete_project(self, org, uid):
        with self.lock:
            self._org_project(org, uid)
            del self.data["projects"][uid]
            return 204, None

    # ------------------------------------------------------------------ attributes
    def _presets(self, pid):
        out = []
        for key, name, desc in PRESETS:
            obj = {"uid": stable_hex(pid, key), "key": key, "name": name, "description": desc,
                   "__type": "PRESET", "project": pid}
            self._stamp(obj, {"uid": "system", "name": "System"}, "2024-01-01T00:00:00.000Z")
            out.append(obj)
        return out

    def list_attributes(self, pid):
        with self.lock:
            rec = self._rec(pid)
            return 200, self._presets(pid) + [copy.deepcopy(a) for a in rec["attributes"].values()]

    def _attr_body(self, body):
        need_object(body)
        key = req_str(body, "key")
        name = req_str(body, "name")
        desc = opt_str(body, "description")
        t = body.get("__type")
        if t is not None and t != "CUSTOM":
            raise bad("__type", "__type must be CUSTOM (preset attributes cannot be created or changed)")
        return key, name, desc

    def _check_attr_key(self, rec, key, exclude=None):
        if key in PRESET_KEYS or any(a["key"] == key and a["uid"] != exclude for a in rec["attributes"].values()):
            raise ApiError(400, "personalize.ATTRIBUTES.DUPLICATE_KEY",
                           {"key": ["an attribute with key %r already exists in this project" % key]})

    def create_attribute(self, pid, body, user):
        with self.lock:
            rec = self._rec(pid)
            key, name, desc = self._attr_body(body)
            self._check_attr_key(rec, key)
            self._limit("ATTRIBUTES", len(rec["attributes"]), "attributes")
            uid = new_object_id()
            obj = self._stamp({"uid": uid, "key": key, "name": name, "description": desc,
                               "__type": "CUSTOM", "project": pid}, user)
            rec["attributes"][uid] = obj
            return 201, copy.deepcopy(obj)

    def _custom_attr(self, rec, pid, uid):
        if HEX24.match(uid) and uid in {p["uid"] for p in self._presets(pid)}:
            raise ApiError(400, "personalize.ATTRIBUTES.PRESET_READ_ONLY",
                           {"uid": ["preset attributes cannot be changed or deleted"]})
        return self._get(rec["attributes"], uid, "ATTRIBUTES")

    def update_attribute(self, pid, uid, body, user):
        with self.lock:
            rec = self._rec(pid)
            obj = self._custom_attr(rec, pid, uid)
            key, name, desc = self._attr_body(body)
            self._check_attr_key(rec, key, exclude=uid)
            obj.update(key=key, name=name, description=desc)
            self._touch(obj, user)
            return 200, copy.deepcopy(obj)

    def delete_attribute(self, pid, uid):
        with self.lock:
            rec = self._rec(pid)
            self._custom_attr(rec, pid, uid)
            users = [a["name"] for a in rec["audiences"].values()
                     if uid in self._definition_custom_refs(a.get("definition"))]
            if users:
                raise ApiError(400, "personalize.ATTRIBUTES.REFERENCED",
                               {"uid": ["attribute is used by audiences: %s" % ", ".join(users)]})
            del rec["attributes"][uid]
            return 204, None

    # ------------------------------------------------------------------ events
    def list_events(self, pid):
        with self.lock:
            return 200, [copy.deepcopy(e) for e in self._rec(pid)["events"].values()]

    def _event_body(self, rec, body, exclude=None):
        need_object(body)
        key = req_str(body, "key")
        name = opt_str(body, "name", default=None)
        if name is not None and not name.strip():
            name = None
        desc = opt_str(body, "description")
        if any(e["key"] == key and e["uid"] != exclude for e in rec["events"].values()):
            raise ApiError(400, "personalize.EVENTS.DUPLICATE_KEY",
                           {"key": ["an event with key %r already exists in this project" % key]})
        return key, name or key, desc

    def create_event(self, pid, body, user):
        with self.lock:
            rec = self._rec(pid)
            key, name, desc = self._event_body(rec, body)
            self._limit("EVENTS", len(rec["events"]), "events")
            uid = new_object_id()
            obj = self._stamp({"uid": uid, "key": key, "name": name, "description": desc, "project": pid}, user)
            rec["events"][uid] = obj
            return 201, copy.deepcopy(obj)

    def update_event(self, pid, uid, body, user):
        with self.lock:
            rec = self._rec(pid)
            obj = self._get(rec["events"], uid, "EVENTS")
            key, name, desc = self._event_body(rec, body, exclude=uid)
            obj.update(key=key, name=name, description=desc)
            self._touch(obj, user)
            return 200, copy.deepcopy(obj)

    def delete_event(self, pid, uid):
        with self.lock:
            rec = self._rec(pid)
            self._get(rec["events"], uid, "EVENTS")
            users = []
            for xuid, versions in rec["versions"].items():
                for v in versions:
                    if any(m.get("event") == uid for m in v.get("metrics", [])):
                        users.append(rec["experiences"][xuid]["name"])
                        break
            if users:
                raise ApiError(400, "personalize.EVENTS.REFERENCED",
                               {"uid": ["event is used by metrics of experiences: %s" % ", ".join(users)]})
            del rec["events"][uid]
            return 204, None

    # ------------------------------------------------------------------ audiences
    def list_audiences(self, pid):
        with self.lock:
            return 200, [copy.deepcopy(a) for a in self._rec(pid)["audiences"].values()]

    @staticmethod
    def _normalize_definition(d):
        """Fill defaults (decision 13) without validation (seeds)."""
        d = copy.deepcopy(d)

        def walk(node, top):
            if not isinstance(node, dict):
                return node
            t = node.get("__type")
            if t is None:
                t = "RuleCombination" if ("rules" in node or top) else "Rule"
                node["__type"] = t
            if t == "RuleCombination":
                node["rules"] = [walk(r, False) for r in node.get("rules", [])]
            elif t == "Rule":
                node.setdefault("invertCondition", False)
            return node

        return walk(d, True)

    @staticmethod
    def _definition_custom_refs(d):
        refs = set()

        def walk(node):
            if not isinstance(node, dict):
                return
            if node.get("__type") == "Rule":
                a = node.get("attribute") or {}
                if a.get("__type") == "CustomAttributeReference":
                    refs.add(a.get("ref"))
            for r in node.get("rules", []) or []:
                walk(r)

        walk(d)
        return refs

    def _validate_definition(self, rec, d):
        """Validate and normalize a RuleCombination; return (normalized, rule_count)."""
        custom = set(rec["attributes"])
        count = [0]

        def combo(node, path, top):
            if not isinstance(node, dict):
                raise bad(path, "%s must be an object" % path)
            t = node.get("__type") or "RuleCombination"
            if t != "RuleCombination":
                raise bad(path + ".__type", "%s.__type must be RuleCombination" % path)
            ct = node.get("combinationType")
            if ct not in ("AND", "OR"):
                raise bad(path + ".combinationType", "%s.combinationType must be one of AND, OR" % path)
            rules = node.get("rules")
            if rules is None:
                raise bad(path + ".rules", "%s.rules is required" % path)
            if not isinstance(rules, list):
                raise bad(path + ".rules", "%s.rules must be an array" % path)
            out = []
            for i, r in enumerate(rules):
                rp = "%s.rules[%d]" % (path, i)
                if not isinstance(r, dict):
                    raise bad(rp, "%s must be an object" % rp)
                rt = r.get("__type") or ("RuleCombination" if "rules" in r else "Rule")
                if rt == "RuleCombination":
                    out.append(combo(r, rp, False))
                elif rt == "Rule":
                    out.append(rule(r, rp))
                else:
                    raise bad(rp + ".__type", "%s.__type must be Rule or RuleCombination" % rp)
            return {"__type": "RuleCombination", "combinationType": ct, "rules": out}

        def rule(node, path):
            count[0] += 1
            attr = node.get("attribute")
            if not isinstance(attr, dict):
                raise bad(path + ".attribute", "%s.attribute is required and must be an object" % path)
            at = attr.get("__type")
            if at not in REFERENCE_TYPES:
                raise bad(path + ".attribute.__type", "%s.attribute.__type must be one of %s" % (path, ", ".join(REFERENCE_TYPES)))
            ref = attr.get("ref")
            if not isinstance(ref, str) or not ref:
                raise bad(path + ".attribute.ref", "%s.attribute.ref is required and must be a string" % path)
            if at == "PresetAttributeReference" and ref not in PRESET_KEYS:
                raise bad(path + ".attribute.ref", "%s.attribute.ref %r is not a preset attribute (one of %s)" % (path, ref, ", ".join(PRESET_KEYS)))
            if at == "CustomAttributeReference":
                if not HEX24.match(ref):
                    raise bad(path + ".attribute.ref", "%s.attribute.ref %s is not a valid ObjectId" % (path, ref))
                if ref not in custom:
                    raise bad(path + ".attribute.ref", "%s.attribute.ref %s is not a custom attribute of this project" % (path, ref))
            if at == "LyticsAttributeReference" and ref not in LYTICS_REFS:
                raise bad(path + ".attribute.ref", "%s.attribute.ref must be one of %s" % (path, ", ".join(LYTICS_REFS)))
            cond = node.get("attributeMatchCondition")
            if cond not in MATCH_CONDITIONS:
                raise bad(path + ".attributeMatchCondition", "%s.attributeMatchCondition must be one of %s" % (path, ", ".join(MATCH_CONDITIONS)))
            opts = node.get("attributeMatchOptions")
            allowed = CONDITION_OPTIONS[cond]
            out = {"__type": "Rule", "attribute": {"__type": at, "ref": ref},
                   "attributeMatchCondition": cond}
            op = path + ".attributeMatchOptions"
            if opts is None:
                if allowed is not None:
                    raise bad(op, "valid matchOptions is required for %s condition (%s)" % (cond, op))
            else:
                if not isinstance(opts, dict):
                    raise bad(op, "%s must be an object" % op)
                ot = opts.get("__type")
                if ot not in MATCH_OPTION_TYPES:
                    raise bad(op + ".__type", "%s.__type must be one of %s" % (op, ", ".join(MATCH_OPTION_TYPES)))
                if allowed is not None and ot not in allowed:
                    raise bad(op + ".__type", "%s.__type must be %s for %s" % (op, " or ".join(allowed), cond))
                o = {"__type": ot}
                if ot in ("StringMatchOptions", "AudienceMatchOptions"):
                    if not isinstance(opts.get("value"), str):
                        raise bad(op + ".value", "%s.value must be a string for %s" % (op, ot))
                    o["value"] = opts["value"]
                elif ot == "NumberMatchOptions":
                    if not is_number(opts.get("value")):
                        raise bad(op + ".value", "%s.value must be a number for %s" % (op, ot))
                    o["value"] = opts["value"]
                else:
                    for f in ("flowId", "flowState"):
                        if not isinstance(opts.get(f), str):
                            raise bad(op + "." + f, "%s.%s must be a string" % (op, f))
                        o[f] = opts[f]
                out["attributeMatchOptions"] = o
            inv = node.get("invertCondition", False)
            if inv is None:
                inv = False
            if not isinstance(inv, bool):
                raise bad(path + ".invertCondition", "%s.invertCondition must be a boolean" % path)
            out["invertCondition"] = inv
            return out

        norm = combo(d, "definition", True)
        return norm, count[0]

    def _audience_body(self, rec, body):
        need_object(body)
        if str(body.get("source") or "").upper() == "LYTICS":
            raise ApiError(400, "personalize.AUDIENCES.LYTICS_READ_ONLY",
                           {"source": ["Lytics audiences are synced from Lytics and cannot be created or changed"]})
        name = req_str(body, "name")
        desc = opt_str(body, "description")
        if body.get("definition") is None:
            raise bad("definition", "definition is required")
        definition, n = self._validate_definition(rec, body["definition"])
        limit = self.limits["rules_per_audience"]
        if n > limit:
            raise ApiError(400, "personalize.AUDIENCES.RULE_COUNT_EXCEEDED",
                           {"definition": ["%d rules; at most %d rules per audience" % (n, limit)]})
        return name, desc, definition

    def create_audience(self, pid, body, user):
        with self.lock:
            rec = self._rec(pid)
            name, desc, definition = self._audience_body(rec, body)
            self._limit("AUDIENCES", len(rec["audiences"]), "audiences")
            uid = new_object_id()
            obj = self._stamp({"uid": uid, "name": name, "description": desc,
                               "definition": definition, "project": pid}, user)
            rec["audiences"][uid] = obj
            return 201, copy.deepcopy(obj)

    def _audience(self, rec, uid):
        obj = self._get(rec["audiences"], uid, "AUDIENCES")
        if str(obj.get("source") or "").upper() == "LYTICS":
            raise ApiError(400, "personalize.AUDIENCES.LYTICS_READ_ONLY",
                           {"uid": ["Lytics audiences are read-only"]})
        return obj

    def update_audience(self, pid, uid, body, user):
        with self.lock:
            rec = self._rec(pid)
            obj = self._audience(rec, uid)
            name, desc, definition = self._audience_body(rec, body)
            obj.update(name=name, description=desc, definition=definition)
            self._touch(obj, user)
            return 200, copy.deepcopy(obj)

    def delete_audience(self, pid, uid):
        with self.lock:
            rec = self._rec(pid)
            self._audience(rec, uid)
            users = [rec["experiences"][x]["name"] for x, vs in rec["versions"].items()
                     if any(uid in self._version_audiences(v)[0] for v in vs)]
            if users:
                raise ApiError(400, "personalize.AUDIENCES.REFERENCED",
                               {"uid": ["audience is used by experiences: %s" % ", ".join(users)]})
            del rec["audiences"][uid]
            return 204, None

    # ------------------------------------------------------------------ experiences
    @staticmethod
    def _version_audiences(v):
        auds, lytics = [], []
        for var in v.get("variants", []):
            for a in var.get("audiences", []) or []:
                if a not in auds:
                    auds.append(a)
            for a in var.get("lyticsAudiences", []) or []:
                if a not in lytics:
                    lytics.append(a)
        tgt = ((v.get("targeting") or {}).get("audience") or {}).get("audiences") or []
        for a in tgt:
            if a not in auds:
                auds.append(a)
        return auds, lytics

    @staticmethod
    def _live_version(rec, xuid):
        for v in rec["versions"].get(xuid, []):
            if v["status"] in ("ACTIVE", "PAUSED"):
                return v
        return None

    def _experience_view(self, rec, xuid):
        x = copy.deepcopy(rec["experiences"][xuid])
        versions = rec["versions"].get(xuid, [])
        live = self._live_version(rec, xuid)
        x["status"] = live["status"] if live else "DRAFT"
        x["latestVersion"] = versions[-1]["uid"] if versions else None
        auds, lytics = [], []
        for v in versions:
            if v["status"] == "ARCHIVED":
                continue
            a, l = self._version_audiences(v)
            auds += [u for u in a if u not in auds]
            lytics += [u for u in l if u not in lytics]
        x["referredAudiences"] = auds
        x["referredLyticsAudiences"] = lytics
        cms = self.cma.experience_cms(rec, xuid) if self.cma else {}
        if cms is not None:
            x["_cms"] = cms
        return x

    def list_experiences(self, pid):
        with self.lock:
            rec = self._rec(pid)
            return 200, [self._experience_view(rec, x) for x in rec["experiences"]]

    def get_experience(self, pid, uid):
        with self.lock:
            rec = self._rec(pid)
            self._get(rec["experiences"], uid, "EXPERIENCES")
            return 200, self._experience_view(rec, uid)

    def _experience_body(self, body, current_type=None):
        need_object(body)
        name = req_str(body, "name")
        desc = opt_str(body, "description")
        t = body.get("__type", current_type)
        if t is None:
            raise bad("__type", "__type is required (one of SEGMENTED, AB_TEST)")
        if t not in EXPERIENCE_TYPES:
            raise bad("__type", "__type must be one of SEGMENTED, AB_TEST")
        if current_type is not None and t != current_type:
            raise bad("__type", "__type cannot be changed after creation (is %s)" % current_type)
        tags = body.get("tags", [])
        if tags is None:
            tags = []
        if not isinstance(tags, list) or not all(isinstance(s, str) for s in tags):
            raise bad("tags", "tags must be an array of strings")
        return name, desc, t, tags

    def create_experience(self, pid, body, user):
        with self.lock:
            rec = self._rec(pid)
            name, desc, t, tags = self._experience_body(body)
            self._limit("EXPERIENCES", len(rec["experiences"]), "experiences")
            uid = new_object_id()
            short = letters(rec["counters"]["experienceShortUid"])
            rec["counters"]["experienceShortUid"] += 1
            obj = self._stamp({"uid": uid, "name": name, "description": desc, "__type": t,
                               "shortUid": short, "tags": tags, "project": pid}, user)
            rec["experiences"][uid] = obj
            rec["counters"]["variantShortUid"][uid] = 0
            vuid = new_object_id()
            rec["versions"][uid] = [self._stamp({
                "uid": vuid, "status": "DRAFT", "variants": [], "metrics": [], "targeting": {},
                "experienceUid": uid, "project": pid}, user)]
            rec["priority"].append(uid)
            return 201, self._experience_view(rec, uid)

    def update_experience(self, pid, uid, body, user):
        with self.lock:
            rec = self._rec(pid)
            obj = self._get(rec["experiences"], uid, "EXPERIENCES")
            name, desc, t, tags = self._experience_body(body, obj["__type"])
            obj.update(name=name, description=desc, tags=tags)
            self._touch(obj, user)
            return 200, self._experience_view(rec, uid)

    def delete_experience(self, pid, uid):
        with self.lock:
            rec = self._rec(pid)
            self._get(rec["experiences"], uid, "EXPERIENCES")
            del rec["experiences"][uid]
            rec["versions"].pop(uid, None)
            rec["counters"]["variantShortUid"].pop(uid, None)
            rec["priority"] = [x for x in rec["priority"] if x != uid]
            return 204, None

    def get_priority(self, pid):
        with self.lock:
            return 200, {"priorityOrder": list(self._rec(pid)["priority"])}

    def put_priority(self, pid, body):
        with self.lock:
            rec = self._rec(pid)
            need_object(body)
            order = body.get("priorityOrder")
            if not isinstance(order, list) or not all(isinstance(u, str) for u in order):
                raise bad("priorityOrder", "priorityOrder is required and must be an array of experience uids")
            if len(set(order)) != len(order):
                raise bad("priorityOrder", "priorityOrder must not repeat an experience uid")
            unknown = [u for u in order if u not in rec["experiences"]]
            if unknown:
                raise ApiError(400, "personalize.EXPERIENCES.PRIORITY.UNKNOWN_EXPERIENCES",
                               {"priorityOrder": ["unknown experience uids: %s" % ", ".join(unknown)]})
            missing = [u for u in rec["experiences"] if u not in order]
            if missing:
                raise ApiError(400, "personalize.EXPERIENCES.PRIORITY.MISSING_EXPERIENCES",
                               {"priorityOrder": ["MISSING_EXPERIENCES: every experience of the project must be listed; missing %s" % ", ".join(missing)]})
            rec["priority"] = list(order)
            return 200, {"priorityOrder": list(order)}

    # ------------------------------------------------------------------ versions
    def _normalize_version_content(self, xtype, v):
        """Seed path: normalized content without validation."""
        out = {"variants": [], "metrics": copy.deepcopy(v.get("metrics") or []),
               "targeting": copy.deepcopy(v.get("targeting") or {})}
        for var in v.get("variants", []):
            out["variants"].append(self._norm_variant(var))
        if v.get("variantSplit") is not None:
            out["variantSplit"] = v["variantSplit"]
        return out

    @staticmethod
    def _norm_variant(var):
        if var.get("__type") == "ABTestVariant":
            return {"__type": "ABTestVariant", "name": var["name"], "shortUid": str(var["shortUid"]),
                    "trafficDistribution": int(var["trafficDistribution"])}
        return {"__type": "SegmentedVariant", "name": var["name"], "shortUid": str(var["shortUid"]),
                "audiences": list(var.get("audiences") or []),
                "lyticsAudiences": list(var.get("lyticsAudiences") or []),
                "audienceCombinationType": var.get("audienceCombinationType", "OR")}

    def _validate_version(self, rec, xuid, body, is_put):
        """Validate a version body; returns (status, content) with shortUids still possibly None."""
        need_object(body)
        xtype = rec["experiences"][xuid]["__type"]
        status = body.get("status")
        if status is None:
            if is_put:
                raise bad("status", "STATUS_REQUIRED: status is required", message=VPFX + "STATUS_REQUIRED")
            status = "DRAFT"
        if status not in VERSION_STATUSES:
            raise bad("status", "INVALID_STATUS: status must be one of DRAFT, ACTIVE, PAUSED",
                      message=VPFX + "INVALID_STATUS")
        variants = body.get("variants")
        if variants is None:
            if is_put:
                raise bad("variants", "VARIANTS_NOT_ARRAY: variants is required and must be an array",
                          message=VPFX + "VARIANTS_NOT_ARRAY")
            variants = []
        if not isinstance(variants, list):
            raise bad("variants", "VARIANTS_NOT_ARRAY: variants must be an array", message=VPFX + "VARIANTS_NOT_ARRAY")
        if is_put and not variants:
            raise bad("variants", "EMPTY_ARRAY: variants must not be empty", message=VPFX + "EMPTY_ARRAY")
        limit = self.limits["variants_per_experience"]
        if len(variants) > limit:
            raise ApiError(400, "personalize.EXPERIENCES.VARIANTS.LIMIT_EXCEEDED",
                           {"variants": ["%d variants; at most %d variants per experience" % (len(variants), limit)]})
        audiences = rec["audiences"]
        normal = {u for u, a in audiences.items() if str(a.get("source") or "").upper() != "LYTICS"}
        lytics = set(audiences) - normal
        want_type = "ABTestVariant" if xtype == "AB_TEST" else "SegmentedVariant"
        out_vars, shorts = [], set()
        for i, var in enumerate(variants):
            p = "variants[%d]" % i
            if not isinstance(var, dict):
                raise bad(p, "%s must be an object" % p)
            vt = var.get("__type")
            if vt != want_type:
                raise bad(p + ".__type", "%s.__type must be %s for a %s experience" % (p, want_type, xtype),
                          message="NOT_VALID_ENUM: %s.__type must be %s" % (p, want_type))
            name = req_str(var, "name", path=p + ".name")
            su = var.get("shortUid")
            if su is not None:
                if is_int(su) and su >= 0:
                    su = str(su)
                if not isinstance(su, str) or not SHORT_UID.match(su):
                    raise bad(p + ".shortUid", "%s.shortUid must be a decimal string without leading zeros" % p)
                if su in shorts:
                    raise bad(p + ".shortUid", "%s.shortUid %s is used twice in this version" % (p, su))
                shorts.add(su)
            nv = {"__type": vt, "name": name, "shortUid": su}
            if vt == "SegmentedVariant":
                auds = var.get("audiences", [])
                la = var.get("lyticsAudiences", [])
                auds = [] if auds is None else auds
                la = [] if la is None else la
                for fld, val in (("audiences", auds), ("lyticsAudiences", la)):
                    if not isinstance(val, list) or not all(isinstance(u, str) for u in val):
                        raise bad("%s.%s" % (p, fld), "%s.%s must be an array of audience uids" % (p, fld))
                for u in auds:
                    if HEX32.match(u) and u in lytics:
                        raise bad(p + ".audiences", "%s is not a valid ObjectId (Lytics audiences go in %s.lyticsAudiences)" % (u, p))
                    if not HEX24.match(u):
                        raise bad(p + ".audiences", "%s is not a valid ObjectId (%s.audiences)" % (u, p))
                    if u not in normal:
                        raise bad(p + ".audiences", "%s.audiences: audience %s does not exist in this project" % (p, u))
                for u in la:
                    if u not in lytics:
                        raise bad(p + ".lyticsAudiences", "%s.lyticsAudiences: %s is not a Lytics audience of this project" % (p, u))
                if not auds and not la:
                    raise bad(p + ".audiences", "EMPTY_ARRAY: %s needs at least one audience" % p,
                              message=VPFX + "EMPTY_ARRAY")
                act = var.get("audienceCombinationType")
                if act not in ("AND", "OR"):
                    raise bad(p + ".audienceCombinationType", "NOT_VALID_ENUM: %s.audienceCombinationType must be AND or OR" % p)
                nv.update(audiences=list(auds), lyticsAudiences=list(la), audienceCombinationType=act)
            else:
                td = var.get("trafficDistribution")
                if isinstance(td, float) and td.is_integer():
                    td = int(td)
                if not is_int(td) or td < 0 or td > 100:
                    raise bad(p + ".trafficDistribution", "%s.trafficDistribution must be an integer between 0 and 100" % p)
                nv["trafficDistribution"] = td
            out_vars.append(nv)
        if xtype == "AB_TEST" and out_vars:
            total = sum(v["trafficDistribution"] for v in out_vars)
            if total != 100:
                raise bad("variants", "trafficDistribution of all variants must sum to 100 (is %d)" % total)
        content = {"variants": out_vars}
        metrics = body.get("metrics")
        targeting = body.get("targeting")
        split = body.get("variantSplit")
        if xtype == "SEGMENTED":
            if metrics not in (None, []):
                raise bad("metrics", "metrics belong to A/B tests; a SEGMENTED version sends them empty")
            if targeting not in (None, {}):
                raise bad("targeting", "targeting belongs to A/B tests; a SEGMENTED version sends it empty")
            if split not in (None, ""):
                raise bad("variantSplit", "variantSplit belongs to A/B tests")
            content.update(metrics=[], targeting={})
            return status, content
        metrics = [] if metrics is None else metrics
        if not isinstance(metrics, list):
            raise bad("metrics", "metrics must be an array")
        nm = []
        for i, m in enumerate(metrics):
            p = "metrics[%d]" % i
            if not isinstance(m, dict):
                raise bad(p, "%s must be an object" % p)
            mt = m.get("__type", "Primary")
            if mt not in METRIC_TYPES:
                raise bad(p + ".__type", "%s.__type must be one of %s" % (p, ", ".join(METRIC_TYPES)))
            name = req_str(m, "name", path=p + ".name")
            ev = m.get("event")
            if not isinstance(ev, str):
                raise bad(p + ".event", "%s.event is required (an event uid)" % p)
            if ev not in rec["events"]:
                raise bad(p + ".event", "%s.event %s is not an event of this project" % (p, ev))
            nm.append({"__type": mt, "name": name, "event": ev})
        targeting = {} if targeting is None else targeting
        if not isinstance(targeting, dict):
            raise bad("targeting", "targeting must be an object")
        nt = {}
        if targeting.get("audience") is not None:
            ta = targeting["audience"]
            if not isinstance(ta, dict):
                raise bad("targeting.audience", "targeting.audience must be an object")
            auds = ta.get("audiences") or []
            if not isinstance(auds, list):
                raise bad("targeting.audience.audiences", "targeting.audience.audiences must be an array")
            for u in auds:
                if not isinstance(u, str) or u not in normal:
                    raise bad("targeting.audience.audiences", "targeting.audience.audiences: %s is not an audience of this project" % u)
            act = ta.get("audienceCombinationType", "OR")
            if act not in ("AND", "OR"):
                raise bad("targeting.audience.audienceCombinationType", "targeting.audience.audienceCombinationType must be AND or OR")
            nt = {"audience": {"audiences": list(auds), "audienceCombinationType": act}}
        content.update(metrics=nm, targeting=nt)
        if split is not None:
            if not isinstance(split, str):
                raise bad("variantSplit", "variantSplit must be a string")
            content["variantSplit"] = split
        return status, content

    def _assign_shorts(self, rec, xuid, content):
        counters = rec["counters"]["variantShortUid"]
        c = counters.get(xuid, 0)
        for var in content["variants"]:
            if var["shortUid"] is not None:
                c = max(c, int(var["shortUid"]) + 1)
        for var in content["variants"]:
            if var["shortUid"] is None:
                var["shortUid"] = str(c)
                c += 1
        counters[xuid] = c

    def list_versions(self, pid, xuid):
        with self.lock:
            rec = self._rec(pid)
            self._get(rec["experiences"], xuid, "EXPERIENCES")
            return 200, [copy.deepcopy(v) for v in reversed(rec["versions"][xuid])]

    def create_version(self, pid, xuid, body, user):
        with self.lock:
            rec = self._rec(pid)
            self._get(rec["experiences"], xuid, "EXPERIENCES")
            status, content = self._validate_version(rec, xuid, body, is_put=False)
            if status != "DRAFT":
                raise bad("status", "a new version is always created as DRAFT; activate it with PUT",
                          message=VPFX + "INVALID_STATUS")
            if any(v["status"] == "DRAFT" for v in rec["versions"][xuid]):
                raise ApiError(400, VPFX + "CANNOT_CREATE_VERSION_AS_DRAFT_ALREADY_EXISTS",
                               {"status": ["this experience already has a DRAFT version; edit it with PUT"]})
            self._assign_shorts(rec, xuid, content)
            v = self._stamp(dict(content, uid=new_object_id(), status="DRAFT",
                                 experienceUid=xuid, project=pid), user)
            rec["versions"][xuid].append(v)
            if self.cma and content["variants"]:
                self.cma.variants_written(pid, xuid)
            return 201, copy.deepcopy(v)

    def _version(self, rec, xuid, vuid):
        self._get(rec["experiences"], xuid, "EXPERIENCES")
        if not HEX24.match(vuid):
            raise ApiError(400, "%s is not a valid ObjectId" % vuid, {"versionUid": ["%s is not a valid ObjectId" % vuid]})
        for v in rec["versions"][xuid]:
            if v["uid"] == vuid:
                return v
        raise ApiError(404, VPFX + "NOT_FOUND", {"versionUid": ["version %s not found" % vuid]})

    @staticmethod
    def _content_of(v):
        c = {"variants": v.get("variants", []), "metrics": v.get("metrics", []),
             "targeting": v.get("targeting", {})}
        if v.get("variantSplit") is not None:
            c["variantSplit"] = v["variantSplit"]
        return c

    def update_version(self, pid, xuid, vuid, body, user):
        with self.lock:
            rec = self._rec(pid)
            v = self._version(rec, xuid, vuid)
            status, content = self._validate_version(rec, xuid, body, is_put=True)
            cur = v["status"]
            if cur == "ARCHIVED":
                raise ApiError(400, VPFX + "CANNOT_UPDATE_ARCHIVED_VERSION",
                               {"status": ["an ARCHIVED version is read-only history"]})
            if status == "ARCHIVED":
                raise bad("status", "INVALID_STATUS: ARCHIVED is set by the server when another version is activated",
                          message=VPFX + "INVALID_STATUS")
            if status == "DRAFT" and cur != "DRAFT":
                raise ApiError(400, VPFX + "CANNOT_MARK_VERSION_AS_DRAFT",
                               {"status": ["a %s version cannot go back to DRAFT" % cur]})
            if status == "PAUSED" and cur == "DRAFT":
                raise ApiError(400, VPFX + "CANNOT_PAUSE_DRAFT_VERSION",
                               {"status": ["only a live (ACTIVE) version can be PAUSED"]})
            if cur in ("ACTIVE", "PAUSED"):
                if content != self._content_of(v):
                    raise ApiError(400, VPFX + "CANNOT_UPDATE_LOCKED_VERSION",
                                   {"variants": ["a %s version is locked: only its status can change; "
                                                 "resend its variants (with shortUids), metrics and targeting unchanged" % cur]})
                if status != cur:
                    v["status"] = status
                    self._touch(v, user)
                return 200, copy.deepcopy(v)
            # cur == DRAFT: edit and maybe activate
            self._assign_shorts(rec, xuid, content)
            for k in ("variantSplit",):
                v.pop(k, None)
            v.update(content)
            if status == "ACTIVE":
                for other in rec["versions"][xuid]:
                    if other is not v and other["status"] in ("ACTIVE", "PAUSED"):
                        other["status"] = "ARCHIVED"
                        self._touch(other, user)
                v["status"] = "ACTIVE"
                if vuid not in rec["activated"]:
                    rec["activated"].append(vuid)
            self._touch(v, user)
            if self.cma:
                self.cma.variants_written(pid, xuid)
            return 200, copy.deepcopy(v)

    def delete_version(self, pid, xuid, vuid):
        with self.lock:
            rec = self._rec(pid)
            v = self._version(rec, xuid, vuid)
            versions = rec["versions"][xuid]
            if v["status"] == "ACTIVE":
                raise ApiError(400, VPFX + "CANNOT_DELETE_ACTIVE_VERSION",
                               {"versionUid": ["an ACTIVE version cannot be deleted; pause it or activate another first"]})
            if len(versions) == 1:
                code = "CANNOT_DELETE_ONLY_DRAFT" if v["status"] == "DRAFT" else "CANNOT_DELETE_ONLY_VERSION"
                raise ApiError(400, VPFX + code, {"versionUid": ["the last remaining version cannot be deleted"]})
            rec["versions"][xuid] = [x for x in versions if x["uid"] != vuid]
            return 204, None

    # ------------------------------------------------------------------ analytics
    def analytics(self, pid, xuid, kind, version):
        with self.lock:
            rec = self._rec(pid)
            self._get(rec["experiences"], xuid, "EXPERIENCES")
            versions = rec["versions"][xuid]
            if version:
                v = self._version(rec, xuid, version)
            else:
                v = self._live_version(rec, xuid) or versions[-1]
            code = "SUMMARY_NOT_FOUND" if kind == "summary" else "TIME_SERIES_ANALYTICS_NOT_FOUND"
            if v["uid"] not in rec["activated"]:
                raise ApiError(404, "personalize.EXPERIENCES.ANALYTICS." + code,
                               {"version": ["version %s was never activated" % v["uid"]]})
            seed = int(stable_hex(v["uid"], length=8), 16)
            variants = []
            for i, var in enumerate(v["variants"]):
                imp = 1000 + (seed >> (i % 16)) % 9000
                conv = imp * (2 + (seed + i) % 9) // 100
                variants.append({"shortUid": var["shortUid"], "name": var["name"], "impressions": imp,
                                 "conversions": conv, "conversionRate": round(conv / imp, 4)})
            if kind == "summary":
                return 200, {"experienceUid": xuid, "versionUid": v["uid"],
                             "impressions": sum(x["impressions"] for x in variants),
                             "conversions": sum(x["conversions"] for x in variants),
                             "variants": variants}
            points = []
            for d in range(7):
                day = datetime.date(2025, 6, 1) + datetime.timedelta(days=d)
                points.append({"date": day.isoformat(),
                               "variants": [{"shortUid": x["shortUid"], "impressions": x["impressions"] // 7,
                                             "conversions": x["conversions"] // 7} for x in variants]})
            return 200, {"experienceUid": xuid, "versionUid": v["uid"], "interval": "day", "series": points}

    # ------------------------------------------------------------------ admin view
    def view(self):
        with self.lock:
            out = {"organizations": copy.deepcopy(self.data["organizations"]),
                   "tokens": copy.deepcopy(self.data["tokens"]), "limits": dict(self.limits),
                   "oauth": copy.deepcopy(self.data.get("oauth") or oauth.empty()),
                   "projects": {}}
            for uid, rec in self.data["projects"].items():
                out["projects"][uid] = {
                    "project": self._project_view(rec),
                    "attributes": [copy.deepcopy(a) for a in rec["attributes"].values()],
                    "audiences": [copy.deepcopy(a) for a in rec["audiences"].values()],
                    "events": [copy.deepcopy(e) for e in rec["events"].values()],
                    "experiences": [self._experience_view(rec, x) for x in rec["experiences"]],
                    "versions": {x: [copy.deepcopy(v) for v in reversed(vs)] for x, vs in rec["versions"].items()},
                    "priorityOrder": list(rec["priority"]),
                    "counters": copy.deepcopy(rec["counters"]),
                }
            if self.cma:
                out.update(self.cma.view())
            return out


GEO_COUNTRIES = [
    {"code": "US", "name": "United States"}, {"code": "CA", "name": "Canada"},
    {"code": "GB", "name": "United Kingdom"}, {"code": "DE", "name": "Germany"},
    {"code": "FR", "name": "France"}, {"code": "IN", "name": "India"},
    {"code": "AU", "name": "Australia"}, {"code": "JP", "name": "Japan"},
]
GEO_REGIONS = [
    {"code": "US-CA", "name": "California", "country": "US"},
    {"code": "US-NY", "name": "New York", "country": "US"},
    {"code": "US-TX", "name": "Texas", "country": "US"},
    {"code": "CA-ON", "name": "Ontario", "country": "CA"},
    {"code": "GB-ENG", "name": "England", "country": "GB"},
    {"code": "DE-BE", "name": "Berlin", "country": "DE"},
    {"code": "IN-MH", "name": "Maharashtra", "country": "IN"},
    {"code": "AU-NSW", "name": "New South Wales", "country": "AU"},
]
GEO_CITIES = [
    {"name": "San Francisco", "region": "US-CA", "country": "US"},
    {"name": "Los Angeles", "region": "US-CA", "country": "US"},
    {"name": "New York", "region": "US-NY", "country": "US"},
    {"name": "Austin", "region": "US-TX", "country": "US"},
    {"name": "Toronto", "region": "CA-ON", "country": "CA"},
    {"name": "London", "region": "GB-ENG", "country": "GB"},
    {"name": "Berlin", "region": "DE-BE", "country": "DE"},
    {"name": "Mumbai", "region": "IN-MH", "country": "IN"},
    {"name": "Sydney", "region": "AU-NSW", "country": "AU"},
]


def geolocation(kind, query):
    data = {"countries": GEO_COUNTRIES, "regions": GEO_REGIONS, "cities": GEO_CITIES}[kind]
    out = []
    for item in data:
        if query.get("country") and item.get("country", item.get("code")) != query["country"]:
            continue
        if query.get("region") and item.get("region", item.get("code")) != query["region"]:
            continue
        q = query.get("query") or query.get("search") or query.get("name")
        if q and q.lower() not in item["name"].lower():
            continue
        out.append(dict(item))
    return out
