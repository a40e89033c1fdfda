#!/usr/bin/env python
"""Local emulator of the Contentstack Personalize Management API.

Standard library only. Run:

    python tests/emulator/server.py --port 0 --port-file /tmp/port \
        --seed tests/emulator/seeds/retail.json [--seed more.json] [--state PATH] \
        [--log PATH] [--rate-limit 10] [--region aws-na] [--faults JSON] [--limits JSON] [--limiter JSON]

See tests/emulator/README.md and the "The emulator" section of docs/architecture.md.
"""

import argparse
import email.utils
import json
import math
import os
import random
import re
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
if __package__:
    from .cma import CMA_CONFIG, CmaState, cma_request
    from .limiters import RETRY_AFTER_STYLES, RateLimiter, check_limiter_config
    from .oauth import DEFAULT_LIFETIME, ROTATIONS, OAuth
    from .state import HEX24, ApiError, Store, bad, geolocation
else:  # run as a script
    sys.path.insert(0, HERE)
    from cma import CMA_CONFIG, CmaState, cma_request  # noqa: E402
    from limiters import RETRY_AFTER_STYLES, RateLimiter, check_limiter_config  # noqa: E402
    from oauth import DEFAULT_LIFETIME, ROTATIONS, OAuth  # noqa: E402
    from state import HEX24, ApiError, Store, bad, geolocation  # noqa: E402

SEEDS_DIR = os.path.join(HERE, "seeds")
WRITE_METHODS = ("POST", "PUT", "DELETE")
FAULT_KEYS = {"seed": 1, "error_500": 0.0, "error_502": 0.0, "error_503": 0.0, "reset": 0.0,
              "latency": 0.0, "latency_seconds": 0.5, "lost_write": 0.0, "burst_429": 0,
              "token_429": 0, "token_503": 0, "token_500": 0, "token_lost": 0}
# The token endpoint's faults (counts: the next N calls of POST /token), taken in this order; all but
# token_lost answer without processing the refresh, token_lost processes it and resets the connection.
TOKEN_FAULTS = ("token_429", "token_503", "token_500", "token_lost")
REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def load_seed(spec):
    """A seed is a dict, a path, or a name of a file in seeds/ (without .json)."""
    if isinstance(spec, dict):
        return spec
    path = spec
    if not os.path.exists(path):
        cand = os.path.join(SEEDS_DIR, spec if spec.endswith(".json") else spec + ".json")
        if os.path.exists(cand):
            path = cand
    with open(path) as fh:
        return json.load(fh)


# ------------------------------------------------------------------------------------------
# routing

ID = r"([^/]+)"
ROUTES = [
    # (method, regex, handler, scope)   scope: project | org | auth
    ("GET", r"/projects", "list_projects", "org"),
    ("POST", r"/projects", "create_project", "org"),
    ("PUT", r"/projects/" + ID, "update_project", "org"),
    ("DELETE", r"/projects/" + ID, "delete_project", "org"),
    ("GET", r"/attributes", "list_attributes", "project"),
    ("POST", r"/attributes", "create_attribute", "project"),
    ("PUT", r"/attributes/" + ID, "update_attribute", "project"),
    ("DELETE", r"/attributes/" + ID, "delete_attribute", "project"),
    ("GET", r"/audiences", "list_audiences", "project"),
    ("POST", r"/audiences", "create_audience", "project"),
    ("PUT", r"/audiences/" + ID, "update_audience", "project"),
    ("DELETE", r"/audiences/" + ID, "delete_audience", "project"),
    ("GET", r"/events", "list_events", "project"),
    ("POST", r"/events", "create_event", "project"),
    ("PUT", r"/events/" + ID, "update_event", "project"),
    ("DELETE", r"/events/" + ID, "delete_event", "project"),
    ("GET", r"/experiences", "list_experiences", "project"),
    ("POST", r"/experiences", "create_experience", "project"),
    ("GET", r"/experiences/" + ID, "get_experience", "project"),
    ("PUT", r"/experiences/" + ID, "update_experience", "project"),
    ("DELETE", r"/experiences/" + ID, "delete_experience", "project"),
    ("GET", r"/experiences/" + ID + "/versions", "list_versions", "project"),
    ("POST", r"/experiences/" + ID + "/versions", "create_version", "project"),
    ("PUT", r"/experiences/" + ID + "/versions/" + ID, "update_version", "project"),
    ("DELETE", r"/experiences/" + ID + "/versions/" + ID, "delete_version", "project"),
    ("GET", r"/experiences/" + ID + "/analytics/summary", "analytics_summary", "project"),
    ("GET", r"/experiences/" + ID + "/analytics/time-series", "analytics_series", "project"),
    ("GET", r"/experiences-priority", "get_priority", "project"),
    ("PUT", r"/experiences-priority", "put_priority", "project"),
    ("GET", r"/geolocation/(regions|countries|cities)", "geolocation", "auth"),
]
ROUTES = [(m, re.compile("^" + rx + "$"), h, s) for m, rx, h, s in ROUTES]


def match_route(method, path):
    for m, rx, h, s in ROUTES:
        if m == method:
            mo = rx.match(path)
            if mo:
                return h, [unquote(g) for g in mo.groups()], s
    raise ApiError(404, "Cannot %s %s" % (method, path))


# The token endpoint's settings in POST /_emulator/config, and their setters (oauth.OAuth).
OAUTH_CONFIG = {"token_lifetime": "set_lifetime", "token_rotation": "set_rotation", "revoke_old_access": "set_revoke_old_access"}

# The largest request body the emulator accepts (a larger one is answered 413, as the API's gateway does).
MAX_BODY = 1024 * 1024


class Emulator:
    def __init__(self, args):
        self.args = args
        self.seeds = [load_seed(s) for s in (args.seed or [])]
        self.store = Store(self.seeds, state_path=args.state, cma=lambda store: CmaState(store, RateLimiter))
        self.store.cma.configure(dict(json.loads(args.cma) if args.cma else {},
                                      **({"cms_delay": args.cms_delay} if args.cms_delay is not None else {})))
        if args.limits:
            self.store.set_limits(json.loads(args.limits))
        self.limiter = RateLimiter(args.rate_limit)
        self.oauth = OAuth(self.store, args.token_lifetime, args.token_rotation, args.revoke_old_access == "true")
        self.fault_lock = threading.Lock()
        self.set_faults(json.loads(args.faults) if args.faults else None)
        self.retry_after_toggle = 0
        self.jitter_ms, self.retry_after_cycle = 0.0, ["seconds", "none"]
        self.jitter_rng = random.Random(1)
        self.set_limiter(json.loads(args.limiter) if args.limiter else {})
        self.auth_counts_in_limit = bool(args.auth_counts_in_limit)
        self.log_lock = threading.Lock()
        self.log_fh = open(args.log, "a", encoding="utf-8") if args.log else None
        self.region = args.region

    # ------------------------------------------------------------------ config
    def set_faults(self, faults):
        faults = faults or {}
        for k, v in faults.items():
            if k not in FAULT_KEYS:
                raise bad("faults." + k, "unknown fault %s (known: %s)" % (k, ", ".join(FAULT_KEYS)))
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise bad("faults." + k, "faults.%s must be a number" % k)
        with self.fault_lock:
            self.faults = dict(FAULT_KEYS, **faults)
            self.rng = random.Random(self.faults["seed"])
            self.burst_left = int(self.faults["burst_429"])
            self.token_faults_left = dict((k, int(self.faults[k])) for k in TOKEN_FAULTS)

    def set_limiter(self, body):
        """The ``limiter`` option: algorithm, scope, competing load, arrival jitter, Retry-After mix."""
        check_limiter_config(body, bad)
        self.limiter.configure(body.get("algorithm"), body.get("scope"), body.get("competing"))
        with self.fault_lock:
            if "jitter_ms" in body:
                self.jitter_ms = float(body["jitter_ms"])
            if "retry_after" in body:
                mix = body["retry_after"]
                self.retry_after_cycle = [k for k in RETRY_AFTER_STYLES for _i in range(mix.get(k, 0))]
                self.retry_after_toggle = 0

    def limiter_view(self):
        mix = dict((k, self.retry_after_cycle.count(k)) for k in RETRY_AFTER_STYLES if k in self.retry_after_cycle)
        return dict(self.limiter.view(), jitter_ms=self.jitter_ms, retry_after=mix)

    def config_view(self):
        return dict({"rate_limit": self.limiter.rate, "faults": dict(self.faults), "limiter": self.limiter_view(),
                     "limits": dict(self.store.limits), "region": self.region,
                     "auth_counts_in_limit": self.auth_counts_in_limit},
                    **dict(self.oauth.view(), **self.store.cma.config))

    def configure(self, body):
        if not isinstance(body, dict):
            raise bad("body", "request body must be a JSON object")
        unknown = set(body) - {"rate_limit", "faults", "limits", "limiter", "auth_counts_in_limit"} - set(OAUTH_CONFIG) - set(
            CMA_CONFIG)
        if unknown:
            raise bad(sorted(unknown)[0], "unknown config key (known: rate_limit, faults, limits, limiter, auth_counts_in_limit, "
                      "%s, %s)" % (", ".join(OAUTH_CONFIG), ", ".join(CMA_CONFIG)))
        if "auth_counts_in_limit" in body:
            if not isinstance(body["auth_counts_in_limit"], bool):
                raise bad("auth_counts_in_limit", "auth_counts_in_limit must be true or false")
            self.auth_counts_in_limit = body["auth_counts_in_limit"]
        for key, setter in OAUTH_CONFIG.items():
            if key in body:
                try:
                    getattr(self.oauth, setter)(body[key])
                except ValueError as e:
                    raise bad(key, str(e))
        if "limiter" in body:
            self.set_limiter(body["limiter"])
        self.store.cma.configure({k: v for k, v in body.items() if k in CMA_CONFIG})
        if "faults" in body:
            self.set_faults(body["faults"])
        if "limits" in body:
            self.store.set_limits(body["limits"])
        if "rate_limit" in body:
            rl = body["rate_limit"]
            if not isinstance(rl, (int, float)) or isinstance(rl, bool) or rl < 0:
                raise bad("rate_limit", "rate_limit must be a number >= 0")
            self.limiter.set_rate(rl)
        return self.config_view()

    def reset(self, body):
        if body in (None, {}):
            seeds = self.seeds
        elif isinstance(body, dict) and "seeds" in body:
            seeds = [load_seed(s) for s in body["seeds"]]
        elif isinstance(body, dict):
            seeds = [body]
        else:
            raise bad("body", "reset takes nothing, a seed object or {\"seeds\": [...]}")
        self.store.load_seeds(seeds)
        self.limiter.set_rate(self.limiter.rate)
        self.store.persist()
        return {"status": "reset", "projects": sorted(self.store.data["projects"])}

    # ------------------------------------------------------------------ log
    def write_log(self, entry):
        if not self.log_fh:
            return
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self.log_lock:
            self.log_fh.write(line)
            self.log_fh.flush()

    def next_retry_after(self, wait):
        """The Retry-After of the next 429, by the configured mix (a fixed cycle): integer seconds
        (at least 1), an HTTP date at least that far ahead, or none."""
        with self.fault_lock:
            style = self.retry_after_cycle[self.retry_after_toggle % len(self.retry_after_cycle)]
            self.retry_after_toggle += 1
        seconds = max(1, int(math.ceil(wait)))
        if style == "seconds":
            return {"Retry-After": str(seconds)}
        if style == "date":
            return {"Retry-After": email.utils.formatdate(math.ceil(time.time()) + seconds, usegmt=True)}
        return {}

    def jitter(self):
        """The arrival jitter: the request reaches the limiter up to jitter_ms late."""
        if self.jitter_ms > 0:
            with self.fault_lock:
                delay = self.jitter_rng.uniform(0, self.jitter_ms / 1000.0)
            time.sleep(delay)

    def draw(self, name):
        with self.fault_lock:
            p = self.faults.get(name) or 0
            return p > 0 and self.rng.random() < p

    def token_fault(self):
        """The token endpoint's next fault (a TOKEN_FAULTS name), or None."""
        with self.fault_lock:
            for name in TOKEN_FAULTS:
                if self.token_faults_left[name] > 0:
                    self.token_faults_left[name] -= 1
                    return name
        return None

    def token_request(self, headers, raw, entry):
        """``POST /token`` with its faults: (status, body, extra_headers, fault); status None = drop."""
        fault = self.token_fault()
        if fault in ("token_429", "token_503", "token_500"):
            entry["api"] = "oauth"
            code = int(fault[len("token_"):])
            return code, {"message": REASONS[code]}, {"Retry-After": "1"} if code == 429 else {}, fault
        status, body = self.oauth.request(headers, raw, entry)
        if fault == "token_lost":
            entry["answered"] = status  # processed (a refresh spent, a pair issued), then the answer is lost
            return None, None, {}, fault
        return status, body, {}, None

    # ------------------------------------------------------------------ throttling, faults, body (both APIs)
    def throttle(self, org, limiter, entry=None):
        """The burst fault, the rate limiter and the error faults: an answer to send now, or None."""
        self.jitter()
        with self.fault_lock:
            burst = self.burst_left > 0
            if burst:
                self.burst_left -= 1
        if burst:
            return 429, {"message": "Too Many Requests"}, self.next_retry_after(1), "burst_429"
        answer = self.limit(org, limiter, entry)
        if answer is not None:
            return answer
        for code in (500, 502, 503):
            if self.draw("error_%d" % code):
                return code, {"message": REASONS[code]}, {}, str(code)
        return None

    def limit(self, org, limiter, entry=None):
        """The rate limiter alone: a 429 to send now, or None (the request is counted)."""
        wait, arrival = limiter.take_at(org or "-")
        if entry is not None:
            entry["arrival"] = arrival
        if wait is not None:
            return 429, {"message": "Too Many Requests"}, self.next_retry_after(wait), None
        return None

    def refused_in_limit(self, headers, entry):
        """With ``auth_counts_in_limit``, a request whose token is refused counts against its organization's
        budget (the project's, else the ``organization_uid`` header's) before its 401: a 429 when that is
        spent, else None (then the 401)."""
        if not self.auth_counts_in_limit:
            return None
        org = self.store.project_org(headers.get("x-project-uid") or "") or headers.get("organization_uid")
        return self.limit(org, self.limiter, entry)

    def latency(self):
        if self.draw("latency"):
            time.sleep(float(self.faults.get("latency_seconds") or 0))
            return "latency"
        return None

    @staticmethod
    def parse_body(method, raw):
        if method not in ("POST", "PUT"):
            return None
        text = raw.decode("utf-8", "replace") if raw else ""
        if not text.strip():
            return {}
        try:
            return json.loads(text)
        except ValueError as e:
            raise bad("body", "malformed JSON: %s" % e)

    # ------------------------------------------------------------------ API request
    def handle_api(self, method, path, query, headers, raw):
        """Returns (status, body, extra_headers, fault). status None = drop the connection."""
        entry = {"ts": time.time(), "method": method, "path": path,
                 "query": query, "status": None, "org": None, "project": None, "fault": None,
                 "arrival": None}
        try:
            status, body, hdrs, fault = self._api(method, path, query, headers, raw, entry)
        except ApiError as e:
            status, body, hdrs, fault = e.status, e.body(), e.headers, None
        entry["status"] = status
        entry["fault"] = fault if fault else entry["fault"]
        self.write_log(entry)
        return status, body, hdrs, entry["fault"]

    def _api(self, method, path, query, headers, raw, entry):
        if method == "POST" and path == "/token":  # the OAuth token endpoint: its own faults, no rate limit
            return self.token_request(headers, raw, entry)
        if self.draw("reset"):
            return None, None, {}, "reset"
        self.store.cma.run_due()
        if path.startswith("/v3/"):
            return cma_request(self, method, path, query, headers, raw, entry)
        handler, params, scope = match_route(method, path)
        tok = self.store.request_token(headers, entry)
        if tok is None:
            answer = self.refused_in_limit(headers, entry)
            if answer is not None:
                return answer
            raise ApiError(401, self.store.refusal(headers))
        if len(raw) > MAX_BODY:
            # The API's gateway refuses large bodies with 413 before any validation.
            raise ApiError(413, "request entity too large", {"body": ["at most %d bytes" % MAX_BODY]})
        pid = None
        if scope == "project":
            pid = headers.get("x-project-uid")
            if not pid:
                raise bad("x-project-uid", "the x-project-uid header is required")
            if not HEX24.match(pid):
                raise bad("x-project-uid", "x-project-uid %s is not a valid ObjectId (24 hex characters)" % pid)
            entry["project"] = pid
            org = self.store.project_org(pid)
            if org is None:
                raise ApiError(404, "personalize.PROJECTS.NOT_FOUND",
                               {"x-project-uid": ["project %s not found" % pid]})
            entry["org"] = org
        elif scope == "org":
            org = headers.get("organization_uid") or headers.get("organization-uid")
            if params:
                entry["project"] = params[0]
                if not org:
                    org = self.store.project_org(params[0])
            elif not org:
                raise bad("organization_uid", "the organization_uid header is required")
            entry["org"] = org
        else:
            org = headers.get("organization_uid") or (tok["organizations"][0] if tok["organizations"] else None)
            entry["org"] = org
        if scope in ("project", "org") and org is not None and org not in tok["organizations"]:
            raise ApiError(403, "Forbidden", details="this token has no access to organization %s" % org)
        if method in WRITE_METHODS and "personalize:manage" not in tok["scopes"]:
            raise ApiError(403, "Forbidden",
                           details="this token lacks the personalize:manage scope needed for %s" % method)
        answer = self.throttle(org, self.limiter, entry)
        if answer is not None:
            return answer
        fault = self.latency()
        body = self.parse_body(method, raw)
        user = tok["user"]
        st = self.store
        q = {k: v[-1] for k, v in parse_qs(query).items()}
        p = params
        calls = {
            "list_projects": lambda: st.list_projects(org, q.get("connectedStackApiKey")),
            "create_project": lambda: st.create_project(org, body, user),
            "update_project": lambda: st.update_project(org, p[0], body, user),
            "delete_project": lambda: st.delete_project(org, p[0]),
            "list_attributes": lambda: st.list_attributes(pid),
            "create_attribute": lambda: st.create_attribute(pid, body, user),
            "update_attribute": lambda: st.update_attribute(pid, p[0], body, user),
            "delete_attribute": lambda: st.delete_attribute(pid, p[0]),
            "list_audiences": lambda: st.list_audiences(pid),
            "create_audience": lambda: st.create_audience(pid, body, user),
            "update_audience": lambda: st.update_audience(pid, p[0], body, user),
            "delete_audience": lambda: st.delete_audience(pid, p[0]),
            "list_events": lambda: st.list_events(pid),
            "create_event": lambda: st.create_event(pid, body, user),
            "update_event": lambda: st.update_event(pid, p[0], body, user),
            "delete_event": lambda: st.delete_event(pid, p[0]),
            "list_experiences": lambda: st.list_experiences(pid),
            "create_experience": lambda: st.create_experience(pid, body, user),
            "get_experience": lambda: st.get_experience(pid, p[0]),
            "update_experience": lambda: st.update_experience(pid, p[0], body, user),
            "delete_experience": lambda: st.delete_experience(pid, p[0]),
            "list_versions": lambda: st.list_versions(pid, p[0]),
            "create_version": lambda: st.create_version(pid, p[0], body, user),
            "update_version": lambda: st.update_version(pid, p[0], p[1], body, user),
            "delete_version": lambda: st.delete_version(pid, p[0], p[1]),
            "analytics_summary": lambda: st.analytics(pid, p[0], "summary", q.get("version")),
            "analytics_series": lambda: st.analytics(pid, p[0], "time-series", q.get("version")),
            "get_priority": lambda: st.get_priority(pid),
            "put_priority": lambda: st.put_priority(pid, body),
            "geolocation": lambda: (200, geolocation(p[0], q)),
        }
        try:
            status, out = calls[handler]()
        except ApiError as e:
            return e.status, e.body(), e.headers, fault
        if method in WRITE_METHODS:
            st.persist()
            if self.draw("lost_write"):
                return 502, {"message": REASONS[502]}, {}, "lost"
        return status, out, {}, fault


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PersonalizeEmulator/1.0"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on keep-alive connections
    wbufsize = -1  # headers and body leave in one write (flushed by handle_one_request)
    emu = None  # set in main()

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status, body, headers=None):
        headers = dict(headers or {})
        if status == 204 or body is None and status < 300:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if status != 204:
                self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True

    def _any(self):
        parts = urlsplit(self.path)
        path = parts.path
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        if path.startswith("/_emulator/"):
            return self._admin(self.command, path, raw)
        status, body, hdrs, fault = self.emu.handle_api(self.command, path, parts.query, headers, raw)
        if status is None:
            return self._drop()
        self._send(status, body, hdrs)

    def _admin(self, method, path, raw):
        emu = self.emu
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError as e:
            return self._send(400, {"message": "malformed JSON: %s" % e})
        try:
            if method == "GET" and path == "/_emulator/health":
                return self._send(200, {"status": "ok", "region": emu.region, "pid": os.getpid()})
            if method == "GET" and path == "/_emulator/state":
                emu.store.cma.run_due()
                view = emu.store.view()
                view["config"] = emu.config_view()
                return self._send(200, view)
            if method == "GET" and path == "/_emulator/config":
                return self._send(200, emu.config_view())
            if method == "POST" and path == "/_emulator/config":
                return self._send(200, emu.configure(body or {}))
            if method == "POST" and path == "/_emulator/reset":
                return self._send(200, emu.reset(body))
        except ApiError as e:
            return self._send(e.status, e.body())
        return self._send(404, {"message": "Cannot %s %s" % (method, path)})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port-file")
    ap.add_argument("--seed", action="append")
    ap.add_argument("--state")
    ap.add_argument("--log")
    ap.add_argument("--rate-limit", type=float, default=10)
    ap.add_argument("--region", default="aws-na")
    ap.add_argument("--faults")
    ap.add_argument("--limits")
    ap.add_argument("--limiter", help='JSON: {"algorithm": "token_bucket|sliding_window|fixed_window", '
                    '"scope": "organization|server", "competing": R, "jitter_ms": J, '
                    '"retry_after": {"seconds": 1, "date": 1, "none": 1}}')
    ap.add_argument("--token-lifetime", type=float, default=DEFAULT_LIFETIME,
                    help="seconds an access token issued by POST /token lives (default 3600)")
    ap.add_argument("--token-rotation", choices=ROTATIONS, default="rotate",
                    help="what a refresh does to the refresh token spent: rotate (it dies, the answer has a new one), "
                    "keep (it stays valid and the answer repeats it), omit (it stays valid, the answer has none)")
    ap.add_argument("--revoke-old-access", choices=("true", "false"), default="true",
                    help="whether a refresh revokes the access token the refresh token spent had issued (default true)")
    ap.add_argument("--auth-counts-in-limit", action="store_true",
                    help="a request refused 401 (a bad or expired token) counts against the rate limit too")
    ap.add_argument("--cms-delay", type=float, help="seconds before Personalize creates an experience's CMS variants")
    ap.add_argument("--cma", help="JSON of CMA options: cma_page_size, cma_max_limit, cma_group_put, ...")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="exit when the parent process dies (used by the harness)")
    args = ap.parse_args(argv)
    if not args.seed and not (args.state and os.path.exists(args.state)):
        args.seed = [os.path.join(SEEDS_DIR, "retail.json"), os.path.join(SEEDS_DIR, "empty-dest.json")]
    emu = Emulator(args)
    Handler.emu = emu
    httpd = Server((args.host, args.port), Handler)
    port = httpd.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write(str(port))
        os.replace(tmp, args.port_file)
    print("personalize emulator listening on http://%s:%d" % (args.host, port), flush=True)

    def stop(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    if args.exit_with_parent:
        parent = os.getppid()

        def watch():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()
    try:
        httpd.serve_forever(poll_interval=0.2)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
