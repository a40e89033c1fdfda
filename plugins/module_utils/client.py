# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of the collection: regions, auth, pacing, retries, errors.

Every module, action plugin, the lookup and the role's plugins talk to the Personalize
Management API through ``PersonalizeClient``; nothing else imports ``requests``.

Decisions (see docs/architecture.md and the API reference's "Decisions for this project"):

* Paths are flat on the regional host; the project is chosen by the ``x-project-uid`` header.
* Auth is exactly one of ``authtoken`` (header ``authtoken``) or an OAuth access token
  (header ``authorization: Bearer ...``): ``oauth_token``, or ``oauth_refresh_token`` and
  ``oauth_client_id``, whose access token ``oauth.TokenSource`` refreshes (before it expires, and
  once on a 401 that says it is invalid or expired, which is a refusal: any method is re-sent). The
  token endpoint's POST has its own retries (``_token_post``): a refresh writes nothing of the user's.
* ``Content-Type: application/json`` on POST/PUT only; a GET never carries a body.
* Pacing: ``SharedRateLimiter`` keyed by host + organization (host + a hash of the credential when
  ``organization_uid`` is not given), shared by all processes; adaptive after a 429.
* Retries with exponential backoff and full jitter, ``Retry-After`` honoured. A POST is re-sent
  only when it provably never reached the server (connect failure, 429, 503); otherwise
  ``PersonalizeResponseLost`` is raised and the caller re-reads by key or name.
* No token or header value ever appears in an error text or repr.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import hashlib
import ipaddress
import json
import math
import random
import re
import socket
import time
import traceback

from urllib.parse import urlsplit

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    import requests.adapters
    import requests.exceptions
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - exercised only where requests is missing
    requests = None
    ConnectTimeoutError = NewConnectionError = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeError,
    PersonalizeResponseLost,
    scalar_text,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.oauth import TokenSource, lost_twice, refusal, says_expired
from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import SharedRateLimiter

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "ansible-contentstack-personalize/%s" % COLLECTION_VERSION

REGIONS = {
    "aws-na": "https://personalize-api.contentstack.com",
    "aws-eu": "https://eu-personalize-api.contentstack.com",
    "aws-au": "https://au-personalize-api.contentstack.com",
    "azure-na": "https://azure-na-personalize-api.contentstack.com",
    "azure-eu": "https://azure-eu-personalize-api.contentstack.com",
    "gcp-na": "https://gcp-na-personalize-api.contentstack.com",
    "gcp-eu": "https://gcp-eu-personalize-api.contentstack.com",
}
# The Content Management API (the stack side) of each region, API reference section 11.3.
CMA_REGIONS = {
    "aws-na": "https://api.contentstack.io",
    "aws-eu": "https://eu-api.contentstack.com",
    "aws-au": "https://au-api.contentstack.com",
    "azure-na": "https://azure-na-api.contentstack.com",
    "azure-eu": "https://azure-eu-api.contentstack.com",
    "gcp-na": "https://gcp-na-api.contentstack.com",
    "gcp-eu": "https://gcp-eu-api.contentstack.com",
}
# The OAuth token endpoint of each region (the host prefix of its APIs): <prefix>developerhub-api.contentstack.com/token.
TOKEN_URLS = dict((name, "https://%sdeveloperhub-api.contentstack.com/token" % prefix) for name, prefix in (
    ("aws-na", ""), ("aws-eu", "eu-"), ("aws-au", "au-"), ("azure-na", "azure-na-"), ("azure-eu", "azure-eu-"),
    ("gcp-na", "gcp-na-"), ("gcp-eu", "gcp-eu-")))
REGION_ALIASES = {"na": "aws-na", "us": "aws-na", "eu": "aws-eu", "au": "aws-au"}
DEFAULT_REGION = "aws-na"
DEFAULT_BRANCH = "main"
# The page size the client asks the CMA for (the official CLI's); a server may answer fewer.
CMA_PAGE_SIZE = 100

DEFAULTS = {
    "validate_certs": True,
    "timeout": 30,
    "rate_limit": 10.0,
    "max_retries": 6,
    "allow_http": False,
}

# Paths that are not project scoped: organization level (/projects) and lookup lists.
_UNSCOPED_PREFIXES = ("/projects", "/geolocation")
_ORG_PREFIXES = ("/projects",)

_PROJECT_UID_RE = re.compile(r"^[0-9a-fA-F]{24}$")
_RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
_POST_RETRY_STATUSES = frozenset((429, 503))
_POST_LOST_STATUSES = frozenset((500, 502, 504))
_MAX_TEXT = 300
_REDACTED = "********"


def _truncate(text, limit=_MAX_TEXT):
    text = " ".join(str(text).split())
    if len(text) > limit:
        return text[:limit] + "..."
    return text


def extract_message(body):
    """Return ``(message, errors)`` from an error body, per decision 3.

    Order: ``errors``, then ``error``, then ``error_message``, then ``message``, then the raw
    body (truncated). ``errors`` is returned separately so the text can show both the dotted
    code and the field details.
    """
    if isinstance(body, dict):
        errors = body.get("errors") or None
        message = None
        for key in ("error", "error_message", "message"):
            value = body.get(key)
            if value:
                message = scalar_text(value)
                break
        if message is None and errors is None:
            message = _truncate(json.dumps(body, sort_keys=True))
        details = body.get("details")
        if message and isinstance(details, str) and details.strip() and details not in message:
            message = "%s: %s" % (message, details)  # "Forbidden" alone hides the API's reason
        return (_truncate(message) if message else None), errors
    if isinstance(body, (list, tuple)):
        return _truncate(json.dumps(body)), None
    if body is None:
        return None, None
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return (_truncate(body) or None), None


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta seconds or HTTP date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def _is_loopback(host):
    host = (host or "").strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url, option="api_url", allow_http=False, example="https://personalize-api.contentstack.com"):
    """``url`` (an http or https base URL given by ``option``) without a trailing slash; raises PersonalizeError."""
    if not isinstance(url, str):
        raise PersonalizeError("%s must be a string URL such as %s" % (option, example))
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a bad port
    except ValueError as exc:
        raise PersonalizeError("%s %r is not a valid URL: %s" % (option, _truncate(url, 120), exc))
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PersonalizeError(
            "%s %r is not a valid URL: it needs an http:// or https:// scheme and a host, "
            "for example %s" % (option, _truncate(url, 120), example))
    if parts.username is not None or parts.password is not None:
        raise PersonalizeError("%s must not contain credentials; use authtoken or oauth_token" % option)
    if parts.query or parts.fragment or url.endswith("?") or "#" in url:
        raise PersonalizeError("%s %r must not contain a query or a fragment" % (option, _truncate(url, 120)))
    if parts.scheme.lower() == "http" and not allow_http and not _is_loopback(parts.hostname):
        raise PersonalizeError(
            "%s %r uses plain http to a non-loopback host; tokens would travel unencrypted. "
            "Use https, or set allow_http=true if you really mean it" % (option, _truncate(url, 120)))
    host = parts.hostname
    if ":" in host:
        host = "[%s]" % host
    netloc = host if port is None else "%s:%s" % (host, port)
    return "%s://%s%s" % (parts.scheme.lower(), netloc, parts.path.rstrip("/"))


def region_name(region):
    """The canonical name of ``region`` (aliases resolved, default aws-na); raises PersonalizeError."""
    name = DEFAULT_REGION if region in (None, "") else str(region).strip().lower()
    name = REGION_ALIASES.get(name, name)
    if name not in REGIONS:
        raise PersonalizeError(
            "unknown region %r; valid regions: %s (aliases: %s), or give api_url for a custom host"
            % (_truncate(region, 60), ", ".join(sorted(REGIONS)),
               ", ".join("%s=%s" % item for item in sorted(REGION_ALIASES.items()))))
    return name


def resolve_base_url(region=None, api_url=None, allow_http=False):
    """The base URL (no trailing slash) for ``api_url`` or ``region``; raises PersonalizeError."""
    if api_url not in (None, ""):
        return check_url(api_url, "api_url", allow_http)
    return REGIONS[region_name(region)]


def resolve_cma_url(region=None, cma_url=None, api_url=None, allow_http=False):
    """The CMA base URL (no ``/v3``): ``cma_url``, else the region's; None when ``api_url`` names a custom
    Personalize host and neither ``cma_url`` nor ``region`` says where its CMA is. Raises PersonalizeError."""
    if cma_url not in (None, ""):
        return check_url(cma_url, "cma_url", allow_http, "https://api.contentstack.io")
    if api_url not in (None, "") and region in (None, ""):
        return None
    return CMA_REGIONS[region_name(region)]


def resolve_token_url(region=None, token_url=None, api_url=None, allow_http=False):
    """The OAuth token endpoint: ``oauth_token_url``, else the region's; raises PersonalizeError when
    ``api_url`` names a custom host and neither says where its token endpoint is."""
    if token_url not in (None, ""):
        return check_url(token_url, "oauth_token_url", allow_http, TOKEN_URLS[DEFAULT_REGION])
    if api_url not in (None, "") and region in (None, ""):
        raise PersonalizeError("oauth_refresh_token with a custom api_url needs oauth_token_url (or "
                               "CONTENTSTACK_OAUTH_TOKEN_URL), or region, to know where to refresh the token")
    return TOKEN_URLS[region_name(region)]


def _redact(text, secrets):
    """Replace every secret (token) in ``text`` by a fixed mask."""
    if text is None:
        return text
    text = str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, _REDACTED)
    return text


def _check_header_value(name, value):
    if not isinstance(value, str):
        raise PersonalizeError("%s must be a string" % name)
    value = value.strip()
    if not value:
        return None
    if any(ch in value for ch in "\r\n\x00") or any(ch.isspace() for ch in value):
        # Never echo the value: it may be a secret.
        raise PersonalizeError("%s contains whitespace or control characters" % name)
    return value


# The keys of ``PersonalizeClient.stats``: ``STATS_FROM_START`` are there from the start; ``cma_calls``
# once a CMA call was sent, ``refreshes`` once the OAuth token was refreshed. Whatever sums or copies
# a client's stats (the lookups' and modules' ``api_calls``, the copy report) takes its keys from here.
STATS_FROM_START = ("calls", "retries", "throttled")
CALL_COUNTS = STATS_FROM_START + ("cma_calls", "refreshes")


class PersonalizeClient:
    """Client for the Contentstack Personalize Management API (one per connection).

    ``stats``: ``calls`` counts every HTTP attempt sent, ``retries`` the re-sends, ``throttled``
    the 429 answers. ``sleep``, ``random``, ``backoff_base`` and ``backoff_cap`` are attributes so
    tests can make back-off instant and deterministic.
    """

    backoff_base = 0.5
    backoff_cap = 20.0
    retry_after_cap = 300.0

    def __init__(self, region=None, api_url=None, project_uid=None, authtoken=None,
                 oauth_token=None, organization_uid=None, validate_certs=True,
                 timeout=30, rate_limit=10, max_retries=6, allow_http=False,
                 stack_api_key=None, cma_url=None, branch=None, ratelimit_directory=None,
                 oauth_refresh_token=None, oauth_client_id=None, oauth_client_secret=None,
                 oauth_redirect_uri=None, oauth_token_url=None):
        if not HAS_REQUESTS:
            raise PersonalizeError("the Python library 'requests' is required but cannot be imported")
        oauth = {"refresh_token": oauth_refresh_token, "client_id": oauth_client_id, "client_secret": oauth_client_secret,
                 "redirect_uri": oauth_redirect_uri, "token_url": oauth_token_url}
        self._secrets = tuple(t for t in (authtoken, oauth_token, oauth_refresh_token, oauth_client_secret, oauth_client_id)
                              if isinstance(t, str) and t.strip())
        self._oauth = None
        try:
            self._configure(region, api_url, project_uid, authtoken, oauth_token, organization_uid,
                            validate_certs, timeout, rate_limit, max_retries, allow_http)
            self._configure_stack(region, api_url, stack_api_key, cma_url, branch)
            self._configure_oauth(region, api_url, oauth, ratelimit_directory)
        except PersonalizeError as exc:
            raise PersonalizeError(self._redact(str(exc)))
        self.stats = {"calls": 0, "retries": 0, "throttled": 0}
        self.sleep = time.sleep
        self.random = random.random
        self.rate_limit_key = self._budget_key()
        self.limiter = SharedRateLimiter(self.rate_limit_key, self.rate_limit, directory=ratelimit_directory)
        self.session = requests.Session()
        # Retries are ours: keep urllib3 from silently re-sending anything.
        adapter = requests.adapters.HTTPAdapter(max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.trust_env = True

    # -- construction -------------------------------------------------------------------
    def _configure(self, region, api_url, project_uid, authtoken, oauth_token, organization_uid,
                   validate_certs, timeout, rate_limit, max_retries, allow_http):
        self.allow_http = bool(allow_http)
        self.base_url = resolve_base_url(region, api_url, self.allow_http)
        self.region = None if api_url else REGION_ALIASES.get(
            str(region or DEFAULT_REGION).strip().lower(), str(region or DEFAULT_REGION).strip().lower())

        if project_uid not in (None, ""):
            if not isinstance(project_uid, str) or not _PROJECT_UID_RE.match(project_uid.strip()):
                raise PersonalizeError(
                    "project_uid must be the 24-character hexadecimal project uid, got %r"
                    % _truncate(project_uid, 60))
            project_uid = project_uid.strip()
        else:
            project_uid = None
        self.project_uid = project_uid

        if organization_uid not in (None, ""):
            organization_uid = _check_header_value("organization_uid", str(organization_uid))
        self.organization_uid = organization_uid or None

        self._configure_auth(authtoken, oauth_token)
        self.validate_certs = DEFAULTS["validate_certs"] if validate_certs is None else bool(validate_certs)
        self.timeout = self._number("timeout", timeout, DEFAULTS["timeout"], minimum=0, exclusive=True)
        self.rate_limit = self._number("rate_limit", rate_limit, DEFAULTS["rate_limit"], minimum=0)
        retries = self._number("max_retries", max_retries, DEFAULTS["max_retries"], minimum=0)
        if retries != int(retries):
            raise PersonalizeError("max_retries must be a whole number")
        self.max_retries = int(retries)

    def _configure_auth(self, authtoken, oauth_token):
        """The credential's header; with no token at all, an OAuth refresh token may still give one."""
        if isinstance(oauth_token, str) and oauth_token.strip().lower().startswith("bearer "):
            raise PersonalizeError("oauth_token must be the bare access token, without the 'Bearer' prefix")
        authtoken = _check_header_value("authtoken", authtoken) if authtoken is not None else None
        oauth_token = _check_header_value("oauth_token", oauth_token) if oauth_token is not None else None
        if authtoken and oauth_token:
            raise PersonalizeError("authtoken and oauth_token are mutually exclusive; give exactly one")
        self._auth_header = ("authtoken", authtoken) if authtoken else (
            ("authorization", "Bearer " + oauth_token) if oauth_token else None)

    def _configure_oauth(self, region, api_url, oauth, directory):
        """The OAuth refresh (``oauth``: the ``oauth_*`` options without their prefix), checked before any call."""
        given = dict((key, _check_header_value("oauth_" + key, value) if value is not None else None)
                     for key, value in oauth.items())
        if not given["refresh_token"]:
            extra = [name for name in ("client_id", "client_secret", "redirect_uri", "token_url") if given[name]]
            if extra:
                names = ["oauth_" + name for name in extra]
                listed = " and ".join([", ".join(names[:-1])] * (len(names) > 1) + names[-1:])
                raise PersonalizeError("%s %s used only with oauth_refresh_token (or CONTENTSTACK_OAUTH_REFRESH_TOKEN), which is not set"
                                       % (listed, "is" if len(names) == 1 else "are"))
            if self._auth_header is None:
                raise PersonalizeError(
                    "no credentials: give authtoken (or CONTENTSTACK_AUTHTOKEN) or oauth_token (or CONTENTSTACK_OAUTH_TOKEN), "
                    "or oauth_refresh_token with oauth_client_id")
            return
        if self._auth_header is not None and self._auth_header[0] == "authtoken":
            raise PersonalizeError("oauth_refresh_token cannot be used with authtoken: an OAuth refresh gives an OAuth "
                                   "access token; give one of them")
        if not given["client_id"]:
            raise PersonalizeError("oauth_refresh_token needs oauth_client_id (or CONTENTSTACK_OAUTH_CLIENT_ID), "
                                   "the client id of the OAuth app that issued it")
        token_url = resolve_token_url(region, oauth.get("token_url"), api_url, self.allow_http)
        access = self._auth_header[1][len("Bearer "):] if self._auth_header else None
        self._oauth = TokenSource(token_url, given["client_id"], given["refresh_token"], given["client_secret"],
                                  given["redirect_uri"], access_token=access, directory=directory,
                                  transport=self._token_post)
        self._auth_header = ("authorization", None)

    def _configure_stack(self, region, api_url, stack_api_key, cma_url, branch):
        """The stack side: the CMA base URL, and the defaults of ``cma``'s ``api_key`` and ``branch``."""
        self.cma_base_url = resolve_cma_url(region, cma_url, api_url, self.allow_http)
        self.stack_api_key = _check_header_value("stack_api_key", stack_api_key) if stack_api_key is not None else None
        self.branch = (_check_header_value("branch", branch) if branch is not None else None) or DEFAULT_BRANCH

    @staticmethod
    def _number(name, value, default, minimum, exclusive=False):
        if value is None or value == "":
            return default
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise PersonalizeError("%s must be a number, got %r" % (name, _truncate(value, 40)))
        if math.isnan(number) or (exclusive and number <= minimum) or number < minimum:
            raise PersonalizeError("%s must be %s %s" % (name, ">" if exclusive else ">=", minimum))
        return number

    def credential_identity(self):
        """What identifies the credential in use (never stored as such: only its hash is used). With an
        OAuth refresh: the token URL, the client id and the configured refresh token, stable across refreshes."""
        if self._oauth is not None:
            return self._oauth.identity()
        return "%s=%s" % self._auth_header

    def _budget_key(self):
        """The limiter key: whose budget of requests this client spends.

        The budget is the organization's on this host. Without ``organization_uid`` the best guess
        is the credential: another token is very likely another organization, and one token on
        many projects shares one budget. Only a hash of the credential is part of the key."""
        host = urlsplit(self.base_url).netloc.lower()
        if self.organization_uid:
            return "%s|%s" % (host, self.organization_uid)
        digest = hashlib.sha256(self.credential_identity().encode("utf-8")).hexdigest()[:20]
        return "%s|credential:%s" % (host, digest)

    def describe(self):
        """A safe one-line description for messages: base URL and project (never a token)."""
        text = self.base_url
        if self.project_uid:
            text += " (project %s)" % self.project_uid
        elif self.organization_uid:
            text += " (organization %s)" % self.organization_uid
        return text

    def __repr__(self):
        return "PersonalizeClient(%s)" % self.describe()

    # -- helpers ------------------------------------------------------------------------
    def _redact(self, text):
        return _redact(text, self._secrets + (self._oauth.secrets() if self._oauth is not None else ()))

    def _headers(self, method, project_scoped, stack=None):
        headers = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        name, value = self._auth_header
        if value is not None:  # an OAuth refresh's token is set per attempt (_authorize)
            headers[name] = value
        if project_scoped:
            headers["x-project-uid"] = self.project_uid
        if stack is not None:
            headers["api_key"], headers["branch"] = stack
        elif self.organization_uid:
            headers["organization_uid"] = self.organization_uid
        if method in ("POST", "PUT"):
            headers["Content-Type"] = "application/json"
        return headers

    def _backoff(self, retry_number, retry_after=None):
        """Delay before retry ``retry_number`` (1-based): Retry-After, else full jitter."""
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (retry_number - 1)))
        return self.random() * ceiling

    @staticmethod
    def _causes(exc):
        """The exceptions behind a requests exception: its args, reasons, causes and contexts."""
        seen = set()
        stack = list(exc.args) + [exc.__cause__, exc.__context__]
        while stack:
            item = stack.pop()
            if item is None or id(item) in seen:
                continue
            seen.add(id(item))
            yield item
            reason = getattr(item, "reason", None)
            if reason is not None:
                stack.append(reason)
            if isinstance(item, BaseException):
                stack.extend([item.__cause__, item.__context__])

    @classmethod
    def _not_sent(cls, exc):
        """True when a requests exception proves the request never reached the server."""
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return True
        if isinstance(exc, requests.exceptions.SSLError) or isinstance(exc, requests.exceptions.ProxyError):
            return False
        if isinstance(exc, requests.exceptions.ConnectionError):
            return any(isinstance(item, (NewConnectionError, ConnectTimeoutError, ConnectionRefusedError))
                       for item in cls._causes(exc))
        return False

    @classmethod
    def _unresolved(cls, exc):
        """True when the API's host name did not resolve (DNS): re-sending would only fail again."""
        return isinstance(exc, requests.exceptions.ConnectionError) and any(
            isinstance(item, socket.gaierror) or type(item).__name__ == "NameResolutionError" for item in cls._causes(exc))

    def _error_from_response(self, method, path, response, cls=PersonalizeApiError, note=None):
        body = self._parse_body(response)
        message, errors = extract_message(body)
        if message is None and errors is None:
            message = response.reason or None
        if note:
            message = "%s %s" % (message, note) if message else note
        safe_body = body
        if isinstance(body, str):
            safe_body = self._redact(body)
        elif body is not None and self._secrets:
            # A server may echo a token in a JSON body too (the CMA does in error texts).
            safe_body = json.loads(self._redact(json.dumps(body)))
        exc = cls(method, path, response.status_code, self._redact(message) if message else message,
                  errors=errors, body=safe_body)
        exc.args = (self._redact(exc.args[0]),)
        return exc

    @staticmethod
    def _parse_body(response):
        text = response.text if response.content else ""
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    # -- the request loop ---------------------------------------------------------------
    def request(self, method, path, body=None, query=None, project_scoped=None, stack=None):
        """Send one API call and return the parsed JSON (None for 204 / empty).

        ``project_scoped`` None means: True except for ``/projects`` and ``/geolocation``.
        ``stack``: ``(api_key, branch)`` for a call to the CMA (``cma`` gives it), which goes to
        ``cma_base_url`` with those headers and no Personalize scope.
        Each attempt is paced by the shared limiter; a failed attempt is re-sent after a back-off
        delay when ``_failure_delay`` or ``_retry_delay`` allow it, else their error is raised.
        """
        method, bare, project_scoped = self._check_call(method, path, body, project_scoped)
        send = self._prepare(method, path, body, query, project_scoped, stack)
        attempt, renewed = 0, []
        while True:
            attempt += 1
            token = self._authorize(send, renewed)
            ticket = self.limiter.acquire()
            token = self._latest(send, token)
            self.stats["calls"] += 1
            try:
                response = self.session.request(timeout=self.timeout, verify=self.validate_certs,
                                                allow_redirects=False, **send)
            except requests.exceptions.RequestException as exc:
                self.limiter.release(ticket)
                delay = self._failure_delay(method, bare, exc, attempt)
            else:
                self.limiter.release(ticket)
                if 200 <= response.status_code < 300:
                    return self._success(method, bare, response)
                if method == "DELETE" and response.status_code == 404 and attempt > 1:
                    # An earlier attempt may have deleted it before its answer was lost.
                    return None
                if self._renew(method, bare, response, token, renewed):
                    continue  # a 401 is a refusal: re-sent at once with the new token, whatever the method
                delay = self._retry_delay(method, bare, response, attempt, ticket)
                response.close()
            self.stats["retries"] += 1
            self.sleep(delay)

    def _authorize(self, send, renewed):
        """An OAuth refresh's access token into the attempt's headers (the one ``_renew`` gave, else the
        source's current one); None for a fixed credential."""
        if self._oauth is None:
            return None
        token = renewed[-1] if renewed else self._current_token()
        send["headers"]["authorization"] = "Bearer " + token
        return token

    def _latest(self, send, token):
        """After the pacing wait, the token another process's refresh may have replaced meanwhile."""
        if token is None:
            return None
        newest = self._oauth.newest(token)
        send["headers"]["authorization"] = "Bearer " + newest
        return newest

    def _current_token(self):
        before = self._oauth.refreshes
        try:
            return self._oauth.current()
        finally:
            self._count_refreshes(before)

    def _count_refreshes(self, before):
        if self._oauth.refreshes != before:
            self.stats["refreshes"] = self.stats.get("refreshes", 0) + self._oauth.refreshes - before

    def _renew(self, method, path, response, token, renewed):
        """True when a 401 says the OAuth access token ``token`` is invalid or expired and a newer one is
        there to re-send with (another process's, or a refresh's), appended to ``renewed``. A 401 of a token
        that this very call got from a fresh refresh is not retried: the error says so."""
        if self._oauth is None or response.status_code != 401 or not says_expired(response.text):
            return False
        if (renewed and self._oauth.just_refreshed(token)) or len(renewed) >= 3:
            raise self._error_from_response(method, path, response, note=(
                "(the access token of a fresh OAuth refresh was refused as well: check that oauth_token_url is "
                "the token endpoint of this API's region)"))
        before = self._oauth.refreshes
        try:
            fresh, _new = self._oauth.expired(token)
        finally:
            self._count_refreshes(before)
        response.close()
        renewed.append(fresh)
        return True

    def _token_post(self, url, form):
        """The OAuth token endpoint's POST (the source's transport): ``(status, parsed body)``. Not paced
        by the API's limiter (another host, and rare).

        Re-sent with the back-off, up to ``max_retries`` times, when the endpoint provably did not process
        it: never sent, or answered 429 (its Retry-After honoured) or 503. An answer lost after the
        endpoint may have processed it (no answer once sent, 500, 502, 504) is re-sent once: a refresh
        writes nothing of the user's, and the second send either gets a pair (the endpoint kept the
        refresh token, or never processed the first) or is refused ``invalid_grant`` (the answer lost had
        rotated it), which ``refusal`` then says in plain words."""
        attempt, lost = 0, None
        while True:
            attempt += 1
            try:
                response = self.session.post(url, data=form, headers={"Accept": "application/json", "User-Agent": USER_AGENT},
                                             timeout=self.timeout, verify=self.validate_certs, allow_redirects=False)
            except requests.exceptions.RequestException as exc:
                why = self._redact("no answer: %s" % _truncate(exc, 200))
                if self._not_sent(exc) and attempt <= self.max_retries:
                    self.sleep(self._backoff(attempt))
                    continue
                answer_lost = isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)) and not (
                    isinstance(exc, requests.exceptions.SSLError) or self._not_sent(exc))
                if answer_lost and lost is None:
                    lost = why
                    self.sleep(self._backoff(attempt))
                    continue
                if answer_lost:
                    raise lost_twice(url, "%s, then %s" % (lost, why))
                raise PersonalizeApiError("POST", url, None, "the OAuth token endpoint gave no answer (%s)%s" % (
                    why, " (gave up after %d attempts)" % attempt if attempt > 1 else ""))
            try:
                status, body = response.status_code, self._parse_body(response)
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            finally:
                response.close()
            if status in _POST_RETRY_STATUSES:
                if attempt <= self.max_retries:
                    self.sleep(self._backoff(attempt, retry_after))
                    continue
                raise PersonalizeApiError("POST", url, status, "the OAuth token endpoint is busy or unavailable (gave up "
                                          "after %d attempts)" % attempt)
            if status in _POST_LOST_STATUSES and lost is None:
                lost = "it answered %d" % status
                self.sleep(self._backoff(attempt))
                continue
            if status in _POST_LOST_STATUSES:
                raise lost_twice(url, "%s, then it answered %d" % (lost, status), status)
            if lost is not None and not 200 <= status < 300:
                raise refusal(status, body, url, lost)
            return status, body

    def _check_call(self, method, path, body, project_scoped):
        """Refuse a call that cannot be right before sending anything; gives (method, bare path, scoped)."""
        method = str(method).upper()
        if method not in ("GET", "POST", "PUT", "DELETE"):
            raise PersonalizeError("unsupported HTTP method %r" % method)
        if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
            raise PersonalizeError("path must start with a single '/', got %r" % _truncate(path, 80))
        bare = path.split("?", 1)[0]
        if project_scoped is None:
            project_scoped = not any(bare == p or bare.startswith(p + "/") for p in _UNSCOPED_PREFIXES)
        if project_scoped and not self.project_uid:
            raise PersonalizeError("%s %s needs project_uid (or CONTENTSTACK_PROJECT_UID)" % (method, bare))
        if any(bare == p or bare.startswith(p + "/") for p in _ORG_PREFIXES) and not self.organization_uid:
            raise PersonalizeError(
                "%s %s needs organization_uid (or CONTENTSTACK_ORGANIZATION_UID)" % (method, bare))
        if method == "GET" and body is not None:
            raise PersonalizeError("a GET request must not carry a body")
        return method, bare, project_scoped

    def _prepare(self, method, path, body, query, project_scoped, stack=None):
        """The arguments of ``session.request`` that every attempt of a call shares."""
        headers = self._headers(method, project_scoped, stack)
        base_url = self.base_url if stack is None else self.cma_base_url
        data = None
        if method in ("POST", "PUT"):
            data = json.dumps({} if body is None else body, separators=(",", ":")).encode("utf-8")
        elif body is not None:
            data = json.dumps(body, separators=(",", ":")).encode("utf-8")
            headers["Content-Type"] = "application/json"
        return {"method": method, "url": base_url + path, "params": dict(query) if query else None,
                "data": data, "headers": headers}

    def _failure_delay(self, method, path, exc, attempt):
        """An attempt that got no response: the delay before re-sending it, or the error to raise.

        A POST is re-sent only when the request provably never reached the server."""
        if isinstance(exc, requests.exceptions.SSLError):
            raise PersonalizeApiError(
                method, path, None,
                self._redact("TLS error talking to %s: %s (check validate_certs)" % (self.base_url, _truncate(exc, 200))))
        if not isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
            raise PersonalizeApiError(method, path, None, self._redact(_truncate(exc, 200)))
        if self._unresolved(exc):  # the whole host name, not the exception's text cut in its middle
            raise PersonalizeApiError(method, path, None, "cannot resolve the host %s (DNS); check region or api_url"
                                      % urlsplit(self.base_url).hostname)
        kind = "timeout after %s s" % _fmt_num(self.timeout) if isinstance(
            exc, requests.exceptions.Timeout) else "connection error"
        detail = self._redact("%s: %s" % (kind, _truncate(exc, 200)))
        if method == "POST" and not self._not_sent(exc):
            raise PersonalizeResponseLost(
                method, path, None,
                "response lost (%s); the request may have been applied, re-read before retrying" % detail)
        if attempt > self.max_retries:
            raise PersonalizeApiError(method, path, None, "%s (gave up after %d attempts)" % (detail, attempt))
        return self._backoff(attempt)

    def _retry_delay(self, method, path, response, attempt, ticket=None):
        """An error answer: the delay before re-sending (Retry-After honoured), or the error to raise.

        A POST is re-sent only after 429 or 503 (not applied); 500, 502 and 504 may have applied it.
        A 429 is the limiter's business: it lowers the key's rate and pauses the key for every
        process, for the Retry-After or, without one, for one window (not an exponential back-off)."""
        status = response.status_code
        if status == 429:
            self.stats["throttled"] += 1
        if method == "POST" and status in _POST_LOST_STATUSES:
            raise self._error_from_response(
                method, path, response, cls=PersonalizeResponseLost,
                note="(response lost; the request may have been applied, re-read before retrying)")
        if status not in (_POST_RETRY_STATUSES if method == "POST" else _RETRY_STATUSES):
            raise self._error_from_response(method, path, response)
        if attempt > self.max_retries:
            raise self._error_from_response(method, path, response, note="(gave up after %d attempts)" % attempt)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if status == 429:
            capped = None if retry_after is None else min(retry_after, self.retry_after_cap)
            return self.limiter.throttled(ticket, capped)
        return self._backoff(attempt, retry_after)

    def _success(self, method, path, response):
        if response.status_code == 204 or not response.content:
            return None
        text = response.text
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise PersonalizeApiError(
                method, path, response.status_code,
                "expected a JSON response, got %s: %s"
                % (response.headers.get("Content-Type") or "no content type",
                   self._redact(_truncate(text, 120))))

    # -- verbs --------------------------------------------------------------------------
    def get(self, path, query=None, project_scoped=None):
        return self.request("GET", path, query=query, project_scoped=project_scoped)

    def post(self, path, body=None, query=None, project_scoped=None):
        return self.request("POST", path, body=body, query=query, project_scoped=project_scoped)

    def put(self, path, body=None, query=None, project_scoped=None):
        return self.request("PUT", path, body=body, query=query, project_scoped=project_scoped)

    def delete(self, path, query=None, project_scoped=None):
        return self.request("DELETE", path, query=query, project_scoped=project_scoped)

    # -- the Content Management API (the stack side) ------------------------------------
    def cma(self, method, path, api_key=None, branch=None, body=None, query=None):
        """One CMA call (``path`` starts with ``/v3``), with the ``api_key`` and ``branch`` headers
        (default: the client's ``stack_api_key`` and ``branch``) and the client's credentials, pacing,
        retries, errors and redaction. It counts in ``stats["calls"]`` (and the retries and 429s in
        theirs) like any call, and in ``stats["cma_calls"]``, which exists once a CMA call was sent.
        The pacing is the side's: the same limiter (host and organization) as its Personalize calls."""
        stack = self._stack(method, path, api_key, branch)
        sent = self.stats["calls"]
        try:
            return self.request(method, path, body=body, query=query, project_scoped=False, stack=stack)
        finally:
            self.stats["cma_calls"] = self.stats.get("cma_calls", 0) + self.stats["calls"] - sent

    def cma_list(self, path, key, api_key=None, branch=None, query=None, page_size=CMA_PAGE_SIZE):
        """Every item of a paginated CMA list (``key``: its member, such as ``entries``), paged with
        ``skip``/``limit``/``include_count``: until ``count`` items came, or, when the server gives no
        count, until a page comes back empty or shorter than the longest one seen. The server may cut
        ``limit`` (its maximum): the next page starts after what did come, whatever the size."""
        items, longest, count, first = [], 0, None, None
        while True:
            page_query = dict(query or {}, skip=len(items), limit=page_size, include_count="true")
            body = self.cma("GET", path, api_key, branch, query=page_query)
            page = body.get(key) if isinstance(body, dict) else None
            if not isinstance(page, list):
                raise PersonalizeApiError("GET", path, 200, "expected a JSON object with a %r list" % key)
            if page and items and page[0] == first:
                raise PersonalizeApiError("GET", path, 200, "the server ignored skip=%d (the same page again)" % len(items))
            first = page[0] if page else None
            items.extend(page)
            if isinstance(body.get("count"), int) and not isinstance(body.get("count"), bool):
                count = body["count"]
            if not page or (count is not None and len(items) >= count):
                return items
            if count is None and len(page) < longest:
                return items
            longest = max(longest, len(page))

    def _stack(self, method, path, api_key, branch):
        """``(api_key, branch)`` of a CMA call, checked before anything is sent."""
        if not isinstance(path, str) or not path.startswith("/v3/"):
            raise PersonalizeError("a CMA path starts with /v3/, got %r" % _truncate(path, 80))
        if self.cma_base_url is None:
            raise PersonalizeError(
                "%s %s: the Content Management API URL is unknown; give cma_url (api_url names a custom "
                "Personalize host) or region" % (str(method).upper(), path.split("?", 1)[0]))
        api_key = self.stack_api_key if api_key is None else _check_header_value("stack_api_key", api_key)
        if not api_key:
            raise PersonalizeError("%s %s needs stack_api_key" % (str(method).upper(), path.split("?", 1)[0]))
        branch = self.branch if branch is None else (_check_header_value("branch", branch) or DEFAULT_BRANCH)
        return api_key, branch


def _fmt_num(value):
    return ("%d" % value) if float(value) == int(value) else ("%g" % value)
