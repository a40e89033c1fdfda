"""PersonalizeClient: URL choice, auth headers, error mapping, retries, lost POSTs, pacing.

Deterministic retry cases run against ``Stub`` (a scripted stdlib HTTP server in this file);
everything else against the real emulator (tests/emulator).
"""

import email.utils
import json
import os
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils.client import (
    REGIONS,
    PersonalizeClient,
    extract_message,
    parse_retry_after,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeError,
    PersonalizeResponseLost,
)
from emulator.harness import (
    DEST_ORG,
    DEST_PROJECT,
    DEST_TOKEN,
    NOBODY_TOKEN,
    SOURCE_ORG,
    SOURCE_PROJECT,
    SOURCE_RO_TOKEN,
    SOURCE_TOKEN,
    Emulator,
)

PROJECT = "6650a1b2c3d4e5f601000001"
TOKEN = "csat-test-token-1234567890"
OAUTH = "csoa-test-oauth-0987654321"


# --------------------------------------------------------------------------- a scripted server
class Stub:
    """A tiny HTTP/1.1 server answering from a script; records every request it gets.

    Script items: ``(status, body)``, ``(status, body, headers)``, ``"reset"`` (drop the
    connection with RST after reading the request) or ``("sleep", seconds, then)``.
    When the script runs out the last item repeats.
    """

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with stub.lock:
                    stub.requests.append({"method": self.command, "path": self.path,
                                          "headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": raw})
                    item = stub.script.pop(0) if len(stub.script) > 1 else stub.script[0]
                if isinstance(item, tuple) and item[0] == "sleep":
                    time.sleep(item[1])
                    item = item[2]
                if item == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                status, body = item[0], item[1]
                headers = item[2] if len(item) > 2 else {}
                if isinstance(body, (dict, list)):
                    data = json.dumps(body).encode()
                    headers = dict({"Content-Type": "application/json"}, **headers)
                else:
                    data = (body or "").encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if status != 204:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if status != 204:
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    made = []

    def make(*script):
        s = Stub(script)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def make_client(url, **kw):
    kw.setdefault("authtoken", TOKEN)
    kw.setdefault("project_uid", PROJECT)
    kw.setdefault("rate_limit", 0)
    client = PersonalizeClient(api_url=url, **kw)
    client.sleep = Sleeps()
    return client


@pytest.fixture(scope="module")
def emu(tmp_path_factory):
    with Emulator(seeds=["retail", "empty-dest"], rate_limit=0,
                  tmp_path=tmp_path_factory.mktemp("emu")) as e:
        yield e


@pytest.fixture
def fresh(emu):
    """The module's emulator, reset to its seeds with no faults and no rate limit."""
    emu.reset()
    emu.configure(rate_limit=0, faults={"seed": 1, "error_500": 0, "error_502": 0, "error_503": 0,
                                        "reset": 0, "latency": 0, "lost_write": 0, "burst_429": 0})
    return emu


def src(emu, **kw):
    kw.setdefault("organization_uid", SOURCE_ORG)
    return make_client(emu.url, authtoken=kw.pop("authtoken", SOURCE_TOKEN), **kw)


# --------------------------------------------------------------------------- base URL
@pytest.mark.parametrize("region,url", [
    (None, REGIONS["aws-na"]), ("aws-na", "https://personalize-api.contentstack.com"),
    ("NA", "https://personalize-api.contentstack.com"), ("us", "https://personalize-api.contentstack.com"),
    ("eu", "https://eu-personalize-api.contentstack.com"), ("AU", "https://au-personalize-api.contentstack.com"),
    ("Azure-NA", "https://azure-na-personalize-api.contentstack.com"),
    ("azure-eu", "https://azure-eu-personalize-api.contentstack.com"),
    ("gcp-na", "https://gcp-na-personalize-api.contentstack.com"),
    (" GCP-EU ", "https://gcp-eu-personalize-api.contentstack.com"),
])
def test_region_to_base_url(region, url):
    assert PersonalizeClient(region=region, authtoken=TOKEN).base_url == url


def test_seven_regions():
    assert sorted(REGIONS) == ["aws-au", "aws-eu", "aws-na", "azure-eu", "azure-na", "gcp-eu", "gcp-na"]


def test_unknown_region_lists_valid_names():
    with pytest.raises(PersonalizeError) as err:
        PersonalizeClient(region="mars", authtoken=TOKEN)
    for name in REGIONS:
        assert name in str(err.value)
    assert "mars" in str(err.value)


@pytest.mark.parametrize("url,expected", [
    ("https://in-personalize-api.contentstack.com", "https://in-personalize-api.contentstack.com"),
    ("https://proxy.example.com/personalize-api/", "https://proxy.example.com/personalize-api"),
    ("HTTP://127.0.0.1:8123/", "http://127.0.0.1:8123"),
    ("http://127.8.9.10:1", "http://127.8.9.10:1"),
    ("http://localhost:8123", "http://localhost:8123"),
    ("http://[::1]:8123", "http://[::1]:8123"),
])
def test_api_url_wins_over_region(url, expected):
    c = PersonalizeClient(region="eu", api_url=url, authtoken=TOKEN)
    assert c.base_url == expected
    assert c.region is None


@pytest.mark.parametrize("url,words", [
    ("personalize-api.contentstack.com", "scheme"),
    ("ftp://example.com", "scheme"),
    ("https://", "host"),
    ("https://example.com/?x=1", "query"),
    ("https://example.com/#frag", "fragment"),
    ("https://user:pw@example.com", "credentials"),
    ("https://example.com:99999", "valid URL"),
    ("http://example.com", "allow_http"),
    ("http://10.0.0.1:8080", "allow_http"),
])
def test_bad_api_url(url, words):
    with pytest.raises(PersonalizeError) as err:
        PersonalizeClient(api_url=url, authtoken=TOKEN)
    assert words in str(err.value)


def test_allow_http_permits_plain_http_to_remote_host():
    assert PersonalizeClient(api_url="http://emu.test:80", authtoken=TOKEN, allow_http=True).base_url == \
        "http://emu.test:80"


# --------------------------------------------------------------------------- options
@pytest.mark.parametrize("uid", ["abc", "6650a1b2c3d4e5f60100000", "6650a1b2c3d4e5f60100000g", "x" * 24])
def test_project_uid_must_be_24_hex(uid, stub):
    s = stub((200, []))
    with pytest.raises(PersonalizeError) as err:
        make_client(s.url, project_uid=uid)
    assert "project_uid" in str(err.value)
    assert s.requests == []


def test_project_scoped_call_without_project_uid_fails_before_sending(stub):
    s = stub((200, []))
    c = make_client(s.url, project_uid=None)
    with pytest.raises(PersonalizeError) as err:
        c.get("/attributes")
    assert "project_uid" in str(err.value)
    assert s.requests == []


def test_projects_call_needs_organization_uid(stub):
    s = stub((200, []))
    c = make_client(s.url, project_uid=None)
    with pytest.raises(PersonalizeError) as err:
        c.get("/projects")
    assert "organization_uid" in str(err.value)
    assert s.requests == []


@pytest.mark.parametrize("kw,words", [
    ({"authtoken": TOKEN, "oauth_token": OAUTH}, "mutually exclusive"),
    ({"authtoken": None}, "no credentials"),
    ({"authtoken": "   "}, "no credentials"),
    ({"authtoken": None, "oauth_token": "Bearer " + OAUTH}, "without the 'Bearer' prefix"),
    ({"authtoken": TOKEN + "\r\nX-Evil: 1"}, "control characters"),
    ({"timeout": 0}, "timeout"),
    ({"timeout": "soon"}, "timeout"),
    ({"rate_limit": -1}, "rate_limit"),
    ({"max_retries": -1}, "max_retries"),
    ({"max_retries": 1.5}, "max_retries"),
])
def test_bad_options_fail_before_any_request_and_never_show_tokens(kw, words, stub):
    s = stub((200, []))
    with pytest.raises(PersonalizeError) as err:
        make_client(s.url, **kw)
    assert words in str(err.value)
    assert TOKEN not in str(err.value) and OAUTH not in str(err.value)
    assert s.requests == []


def test_describe_and_repr_are_safe():
    c = PersonalizeClient(region="eu", project_uid=PROJECT, authtoken=TOKEN)
    assert c.describe() == "https://eu-personalize-api.contentstack.com (project %s)" % PROJECT
    assert TOKEN not in repr(c) and TOKEN not in c.describe()
    c2 = PersonalizeClient(region="au", oauth_token=OAUTH, organization_uid="blt9")
    assert c2.describe() == "https://au-personalize-api.contentstack.com (organization blt9)"
    assert c2.rate_limit_key == "au-personalize-api.contentstack.com|blt9"
    # Without organization_uid: the host and a hash of the credential, never the credential itself.
    key = PersonalizeClient(region="au", oauth_token=OAUTH).rate_limit_key
    assert key.startswith("au-personalize-api.contentstack.com|credential:") and OAUTH not in key
    assert PersonalizeClient(region="au", oauth_token=OAUTH).rate_limit_key == key
    assert PersonalizeClient(region="au", authtoken=TOKEN).rate_limit_key not in (key, c2.rate_limit_key)


# --------------------------------------------------------------------------- headers on the wire
def test_authtoken_headers_and_no_body_on_get(stub):
    s = stub((200, [{"uid": "a"}]))
    c = make_client(s.url, organization_uid="blt5e1ec7ed0000a001", timeout=7)
    assert c.get("/attributes", query={"x": "1"}) == [{"uid": "a"}]
    req = s.requests[0]
    h = req["headers"]
    assert req["method"] == "GET" and req["path"] == "/attributes?x=1"
    assert h["authtoken"] == TOKEN and "authorization" not in h
    assert h["x-project-uid"] == PROJECT
    assert h["organization_uid"] == "blt5e1ec7ed0000a001"
    assert h["accept"] == "application/json"
    assert "content-type" not in h
    assert h.get("content-length") in (None, "0") and "transfer-encoding" not in h
    assert req["body"] == b""


def test_oauth_headers_and_json_body_on_post_and_put(stub):
    s = stub((201, {"uid": "n1"}), (200, {"uid": "n1"}), (204, ""))
    c = make_client(s.url, authtoken=None, oauth_token=OAUTH)
    assert c.post("/events", {"key": "k", "name": "ü"}) == {"uid": "n1"}
    assert c.put("/events/n1", {"key": "k"}) == {"uid": "n1"}
    assert c.delete("/events/n1") is None
    post, put, delete = s.requests
    for req in (post, put, delete):
        assert req["headers"]["authorization"] == "Bearer " + OAUTH
        assert "authtoken" not in req["headers"]
    assert post["headers"]["content-type"] == "application/json"
    assert json.loads(post["body"]) == {"key": "k", "name": "ü"}
    assert put["headers"]["content-type"] == "application/json"
    assert "content-type" not in delete["headers"] and delete["body"] == b""
    assert c.stats == {"calls": 3, "retries": 0, "throttled": 0}


def test_projects_calls_are_not_project_scoped(stub):
    s = stub((200, []))
    c = make_client(s.url, organization_uid="blt1")
    c.get("/projects")
    c.get("/geolocation/countries")
    for req in s.requests:
        assert "x-project-uid" not in req["headers"]
    assert s.requests[0]["headers"]["organization_uid"] == "blt1"


def test_get_with_body_is_refused(stub):
    s = stub((200, []))
    with pytest.raises(PersonalizeError):
        make_client(s.url).request("GET", "/attributes", body={"a": 1})
    assert s.requests == []


def test_both_auth_styles_are_accepted_by_the_emulator(fresh):
    a = src(fresh)
    keys = [x["key"] for x in a.get("/attributes")]
    assert keys
    b = make_client(fresh.url, authtoken=None, oauth_token=DEST_TOKEN, project_uid=DEST_PROJECT,
                    organization_uid=DEST_ORG)
    assert isinstance(b.get("/attributes"), list)
    assert any(p["uid"] == DEST_PROJECT for p in b.get("/projects"))


# --------------------------------------------------------------------------- responses and errors
def test_empty_2xx_is_none_and_non_json_2xx_is_an_error(stub):
    s = stub((200, ""), (200, "<html>hello</html>", {"Content-Type": "text/html"}))
    c = make_client(s.url)
    assert c.get("/x") is None
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/x")
    assert "JSON" in str(err.value) and "text/html" in str(err.value)


@pytest.mark.parametrize("body,message,errors", [
    ({"message": "personalize.ATTRIBUTES.DUPLICATE_KEY", "errors": {"key": ["age exists"]}},
     "personalize.ATTRIBUTES.DUPLICATE_KEY", {"key": ["age exists"]}),
    ({"error": "boom", "error_message": "no", "message": "nope"}, "boom", None),
    ({"error_message": "bad thing", "message": "nope"}, "bad thing", None),
    ({"error": {"message": "nested"}}, "nested", None),
    ({"message": "Forbidden"}, "Forbidden", None),
    ({"errors": {"variants": ["EMPTY_ARRAY"]}}, None, {"variants": ["EMPTY_ARRAY"]}),
    ("Cannot GET /nope", "Cannot GET /nope", None),
    (None, None, None),
])
def test_extract_message_order(body, message, errors):
    assert extract_message(body) == (message, errors)


def test_extract_message_truncates_raw_bodies():
    msg, _errors = extract_message("x" * 5000)
    assert len(msg) < 400 and msg.endswith("...")


def test_error_text_shape():
    exc = PersonalizeApiError("POST", "/attributes", 400, "personalize.ATTRIBUTES.DUPLICATE_KEY",
                              errors={"key": ["age already exists"]})
    assert str(exc) == 'POST /attributes returned 400: personalize.ATTRIBUTES.DUPLICATE_KEY (key: age already exists)'
    assert exc.code == "personalize.ATTRIBUTES.DUPLICATE_KEY"
    assert PersonalizeApiError("GET", "/x", 404, "Cannot GET /x").code is None
    assert str(PersonalizeApiError("GET", "/x", None, "connection error")) == "GET /x failed: connection error"
    assert issubclass(PersonalizeResponseLost, PersonalizeApiError)
    assert issubclass(PersonalizeApiError, PersonalizeError)


def test_400_duplicate_key_from_emulator(fresh):
    c = src(fresh)
    existing = next(a for a in c.get("/attributes") if a.get("__type") != "PRESET")
    with pytest.raises(PersonalizeApiError) as err:
        c.post("/attributes", {"key": existing["key"], "name": "again", "description": ""})
    e = err.value
    assert e.status == 400 and e.method == "POST" and e.path == "/attributes"
    assert e.code == "personalize.ATTRIBUTES.DUPLICATE_KEY"
    assert str(e).startswith("POST /attributes returned 400: personalize.ATTRIBUTES.DUPLICATE_KEY")
    assert SOURCE_TOKEN not in str(e) and SOURCE_TOKEN not in repr(e)
    assert c.stats["retries"] == 0


def test_401_bad_token(fresh):
    c = src(fresh, authtoken="csat-wrong-token-000000")
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/attributes")
    assert err.value.status == 401
    assert "logged in" in str(err.value)
    assert "csat-wrong-token-000000" not in str(err.value) + repr(err.value)


def test_403_token_without_access(fresh):
    c = src(fresh, authtoken=NOBODY_TOKEN)
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/attributes")
    assert err.value.status == 403 and "Forbidden" in str(err.value)
    assert NOBODY_TOKEN not in str(err.value)


def test_403_read_only_token_cannot_write(fresh):
    c = src(fresh, authtoken=SOURCE_RO_TOKEN)
    with pytest.raises(PersonalizeApiError) as err:
        c.post("/events", {"key": "ro_event"})
    assert err.value.status == 403
    assert c.stats["calls"] == 1


def test_404_unknown_uid_and_route(fresh):
    c = src(fresh)
    with pytest.raises(PersonalizeApiError) as err:
        c.put("/attributes/" + "0" * 24, {"key": "x", "name": "x", "description": ""})
    assert err.value.status == 404
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/nothing-here")
    assert err.value.status == 404
    assert c.stats["retries"] == 0


def test_tokens_are_redacted_even_when_the_server_echoes_them(stub):
    s = stub((400, {"message": "bad token %s" % TOKEN, "errors": {"authtoken": [TOKEN]}}),
             (500, "internal: Bearer %s" % OAUTH))
    c = make_client(s.url, max_retries=0)
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/attributes")
    text = str(err.value) + repr(err.value) + str(err.value.args)
    assert TOKEN not in text and "********" in text
    c2 = make_client(s.url, authtoken=None, oauth_token=OAUTH, max_retries=0)
    with pytest.raises(PersonalizeApiError) as err:
        c2.get("/attributes")
    assert OAUTH not in str(err.value) + repr(err.value) + str(err.value.body)


# --------------------------------------------------------------------------- retries
def test_429_with_retry_after_seconds_is_honoured(stub):
    s = stub((429, {"message": "Too Many Requests"}, {"Retry-After": "3"}), (200, []))
    c = make_client(s.url)
    assert c.get("/attributes") == []
    assert c.sleep == [3.0]
    assert c.stats == {"calls": 2, "retries": 1, "throttled": 1}


def test_429_with_retry_after_http_date(stub):
    when = email.utils.formatdate(time.time() + 4, usegmt=True)
    s = stub((429, {"message": "Too Many Requests"}, {"Retry-After": when}), (200, []))
    c = make_client(s.url)
    c.get("/attributes")
    assert 2.0 <= c.sleep[0] <= 4.5


def test_503_without_retry_after_uses_exponential_full_jitter(stub):
    s = stub(*([(503, {"message": "Service Unavailable"})] * 4 + [(200, [])]))
    c = make_client(s.url)
    c.random = lambda: 1.0  # the top of each jitter window
    assert c.get("/attributes") == []
    assert c.sleep == [0.5, 1.0, 2.0, 4.0]
    c2 = make_client(s.url)
    c2.random = lambda: 0.25
    c2.backoff_cap = 1.0
    s.script[:] = [(503, {})] * 5 + [(200, [])]
    c2.get("/attributes")
    assert c2.sleep == [0.125, 0.25, 0.25, 0.25, 0.25]


def test_429_without_retry_after_waits_one_window_not_a_backoff(stub):
    s = stub(*([(429, {"message": "Too Many Requests"})] * 4 + [(200, [])]))
    c = make_client(s.url)
    c.random = lambda: 1.0
    assert c.get("/attributes") == []
    assert c.sleep == [1.0, 1.0, 1.0, 1.0]  # the limit is per second: one window, every time


def test_429_gives_up_after_max_retries(stub):
    s = stub((429, {"message": "Too Many Requests"}))
    c = make_client(s.url, max_retries=2)
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/attributes")
    assert err.value.status == 429 and "gave up after 3 attempts" in str(err.value)
    assert len(s.requests) == 3 and c.stats == {"calls": 3, "retries": 2, "throttled": 3}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_idempotent_methods_retry_5xx(stub, method, status):
    s = stub((status, {"message": "oops"}), (200, {"ok": True}))
    c = make_client(s.url)
    body = {"a": 1} if method == "PUT" else None
    assert c.request(method, "/attributes/x", body=body) == {"ok": True}
    assert len(s.requests) == 2 and c.stats["retries"] == 1


def test_4xx_is_not_retried(stub):
    s = stub((400, {"message": "personalize.X.BAD"}), (200, []))
    c = make_client(s.url)
    with pytest.raises(PersonalizeApiError):
        c.put("/attributes/x", {})
    assert len(s.requests) == 1


def test_get_retries_after_connection_reset(stub):
    s = stub("reset", (200, [1]))
    c = make_client(s.url)
    assert c.get("/attributes") == [1]
    assert len(s.requests) == 2 and c.stats["retries"] == 1


def test_get_retries_after_read_timeout(stub):
    s = stub(("sleep", 0.6, (200, [0])), (200, [1]))
    c = make_client(s.url, timeout=0.2)
    assert c.get("/attributes") == [1]
    assert c.stats["retries"] == 1


def test_get_gives_up_on_repeated_resets(stub):
    s = stub("reset")
    c = make_client(s.url, max_retries=2)
    with pytest.raises(PersonalizeApiError) as err:
        c.get("/attributes")
    assert err.value.status is None and "gave up after 3 attempts" in str(err.value)
    assert not isinstance(err.value, PersonalizeResponseLost)


def test_delete_answering_404_after_a_retry_is_done(stub):
    s = stub((502, {"message": "Bad Gateway"}), (404, {"message": "personalize.EVENTS.NOT_FOUND"}))
    c = make_client(s.url)
    assert c.delete("/events/" + "a" * 24) is None
    assert len(s.requests) == 2


def test_delete_404_on_first_attempt_is_an_error(stub):
    s = stub((404, {"message": "personalize.EVENTS.NOT_FOUND"}))
    with pytest.raises(PersonalizeApiError) as err:
        make_client(s.url).delete("/events/" + "a" * 24)
    assert err.value.status == 404


@pytest.mark.parametrize("status", [429, 503])
def test_post_is_retried_when_it_provably_did_not_apply(stub, status):
    s = stub((status, {"message": "try later"}), (201, {"uid": "new"}))
    c = make_client(s.url)
    assert c.post("/events", {"key": "k"}) == {"uid": "new"}
    assert [r["method"] for r in s.requests] == ["POST", "POST"]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_post_5xx_is_a_lost_response_and_not_resent(stub, status):
    s = stub((status, {"message": "Bad Gateway"}), (201, {"uid": "second"}))
    c = make_client(s.url)
    with pytest.raises(PersonalizeResponseLost) as err:
        c.post("/events", {"key": "k"})
    assert err.value.status == status and "may have been applied" in str(err.value)
    assert len(s.requests) == 1 and c.stats["retries"] == 0


def test_post_reset_after_sending_is_a_lost_response(stub):
    s = stub("reset", (201, {"uid": "second"}))
    c = make_client(s.url)
    with pytest.raises(PersonalizeResponseLost) as err:
        c.post("/events", {"key": "k"})
    assert err.value.status is None
    assert len(s.requests) == 1


def test_post_read_timeout_is_a_lost_response(stub):
    s = stub(("sleep", 0.6, (201, {"uid": "late"})), (201, {"uid": "second"}))
    c = make_client(s.url, timeout=0.2)
    with pytest.raises(PersonalizeResponseLost) as err:
        c.post("/events", {"key": "k"})
    assert "timeout" in str(err.value)
    time.sleep(0.5)
    assert len(s.requests) == 1


def closed_port_url():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return "http://127.0.0.1:%d" % port


def test_post_connect_failure_is_retried_then_reported_as_a_plain_error():
    c = make_client(closed_port_url(), max_retries=3)
    with pytest.raises(PersonalizeApiError) as err:
        c.post("/events", {"key": "k"})
    assert not isinstance(err.value, PersonalizeResponseLost)
    assert err.value.status is None and "connection error" in str(err.value)
    assert c.stats == {"calls": 4, "retries": 3, "throttled": 0}
    assert len(c.sleep) == 3


def test_parse_retry_after():
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    now = time.time()
    assert parse_retry_after(email.utils.formatdate(now + 10, usegmt=True), now=now) == pytest.approx(10, abs=1)
    assert parse_retry_after(email.utils.formatdate(now - 10, usegmt=True), now=now) == 0.0


def test_retry_after_is_capped(stub):
    s = stub((429, {}, {"Retry-After": "86400"}), (200, []))
    c = make_client(s.url)
    c.get("/x")
    assert c.sleep == [c.retry_after_cap]


# --------------------------------------------------------------------------- against the emulator
def test_emulator_burst_429_both_header_styles(fresh):
    fresh.configure(faults={"burst_429": 4})
    c = src(fresh)
    c.random = lambda: 0.5
    mark = fresh.mark()
    assert isinstance(c.get("/attributes"), list)
    assert c.stats == {"calls": 5, "retries": 4, "throttled": 4}
    # the emulator alternates: Retry-After 1 / none / 1 / none; none means one window (1 s)
    assert c.sleep == [1.0, 1.0, 1.0, 1.0]
    assert [e["status"] for e in fresh.log(mark)] == [429, 429, 429, 429, 200]


def test_lost_post_is_sent_once_and_the_object_exists_once(fresh):
    fresh.configure(faults={"lost_write": 1.0})
    c = src(fresh)
    mark = fresh.mark()
    with pytest.raises(PersonalizeResponseLost) as err:
        c.post("/events", {"key": "lost_once", "name": "Lost once", "description": ""})
    assert err.value.status == 502
    posts = [e for e in fresh.log(mark) if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["fault"] == "lost"
    fresh.configure(faults={"lost_write": 0})
    assert [e["key"] for e in c.get("/events")].count("lost_once") == 1


def test_lost_put_is_resent_and_converges(fresh):
    c = src(fresh)
    event = c.post("/events", {"key": "put_twice", "name": "n", "description": ""})
    fresh.configure(faults={"lost_write": 1.0})
    mark = fresh.mark()
    with pytest.raises(PersonalizeApiError) as err:  # every PUT is "lost": retried, then given up
        make_client(fresh.url, authtoken=SOURCE_TOKEN, max_retries=1).put(
            "/events/" + event["uid"], {"key": "put_twice", "name": "renamed", "description": ""})
    assert err.value.status == 502
    assert len(fresh.writes(mark)) == 2
    fresh.configure(faults={"lost_write": 0})
    assert [e["name"] for e in c.get("/events") if e["key"] == "put_twice"] == ["renamed"]


def test_emulator_reset_fault_on_get_is_retried(fresh):
    fresh.configure(faults={"seed": 3, "reset": 0.5})
    c = src(fresh, max_retries=10)
    for _i in range(6):
        assert isinstance(c.get("/events"), list)
    assert c.stats["retries"] >= 1


# --------------------------------------------------------------------------- pacing
def test_client_paces_through_the_shared_limiter(stub, tmp_path):
    s = stub((200, []))
    c = make_client(s.url, rate_limit=20, organization_uid="bltorg", ratelimit_directory=str(tmp_path))
    assert c.limiter.shared and c.limiter.key == c.rate_limit_key
    start = time.monotonic()
    for _i in range(22):
        c.get("/attributes")
    # a window's 20 at once (an idle key has its whole budget), the 21st a window after the first answer
    assert time.monotonic() - start >= 1.0
    assert not os.listdir(str(tmp_path))[0].startswith("bltorg")


def test_429_with_retry_after_defers_the_shared_schedule(stub, tmp_path):
    s = stub((429, {}, {"Retry-After": "2"}), (200, []))
    c = make_client(s.url, rate_limit=10, organization_uid="bltorg", ratelimit_directory=str(tmp_path))
    c.limiter.sleep = Sleeps()
    c.get("/x")
    other = make_client(s.url, rate_limit=10, organization_uid="bltorg", ratelimit_directory=str(tmp_path))
    other.limiter.sleep = Sleeps()
    other.limiter.acquire()
    assert other.limiter.sleep and other.limiter.sleep[0] > 1.5


HAMMER = textwrap.dedent("""
    import json, sys, time
    from ansible_collections.contentstack.personalize.plugins.module_utils.client import PersonalizeClient
    url, directory, start, count = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    c = PersonalizeClient(api_url=url, authtoken=%(token)r, organization_uid=%(org)r,
                          project_uid=%(project)r, rate_limit=10, ratelimit_directory=directory)
    time.sleep(max(0.0, start - time.time()))
    for _i in range(count):
        c.get("/attributes")
    print(json.dumps(c.stats))
""") % {"token": SOURCE_TOKEN, "org": SOURCE_ORG, "project": SOURCE_PROJECT}


def test_two_processes_of_one_organization_stay_under_the_rate(tmp_path, capsys):
    """THE measurement: 2 OS processes, one organization, 25 requests each, client and emulator at 10/s.

    The emulator counts a sliding one-second window (the strictest reading) with 20 ms of arrival
    jitter. What is asserted holds whatever the machine's load: no 429, and no one-second window
    holds more than 10 arrivals at the emulator's limiter (the log's ``arrival``)."""
    with Emulator(seeds=["retail"], rate_limit=10, tmp_path=tmp_path / "emu",
                  limiter={"algorithm": "sliding_window", "jitter_ms": 20}) as e:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        start, count = time.time() + 1.0, 25  # a count, not a time: a slow start changes nothing asserted
        mark = e.mark()
        procs = [subprocess.Popen([sys.executable, "-c", HAMMER, e.url, str(tmp_path / "rl"),
                                   repr(start), str(count)], stdout=subprocess.PIPE, text=True, env=env)
                 for _i in range(2)]
        stats = []
        for p in procs:
            out, _err = p.communicate(timeout=60)
            assert p.returncode == 0
            stats.append(json.loads(out))
        log = e.log(mark)
    statuses = [x["status"] for x in log]
    throttled = statuses.count(429)
    arrivals = sorted(x["arrival"] for x in log if x["status"] != 429)
    busiest = max(sum(1 for t in arrivals if a <= t < a + 1.0) for a in arrivals)
    with capsys.disabled():
        print("\nhammer: %d requests in %.1f s from 2 processes (%s), busiest window %d, 429s: %d"
              % (len(log), arrivals[-1] - arrivals[0], [s["calls"] for s in stats], busiest, throttled))
    assert throttled == 0
    assert all(s["throttled"] == 0 and s["retries"] == 0 for s in stats)
    assert busiest <= 10
    assert [s["calls"] for s in stats] == [count, count]
    assert len(arrivals) == 2 * count
