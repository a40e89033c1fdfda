# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OAuth access tokens that outlive a long run (FOR INTERNAL COLLECTION USE ONLY).

A Contentstack OAuth user token lives an hour; its refresh token gets a new pair from the token
endpoint (``POST <prefix>developerhub-api.contentstack.com/token``), and the answer's refresh token
replaces the old one, which may be dead from then on (rotation). ``TokenSource`` is what the client
asks for "the access token now" (``current``) and tells "this one was refused as expired"
(``expired``). Every process of a run that shares the credential (forks, the lookup's threads,
parallel playbooks of the same user) refreshes it once and uses the newest pair:

* the newest pair lives in the per-user private directory of the rate limiter (0700, owner checked),
  under ``oauth/``, in a 0600 file named by the sha256 of the token URL, the client id and the
  CONFIGURED refresh token (never a token in a name), replaced atomically; so a later run started
  with the configured, rotated-away refresh token finds the newest pair there;
* a refresh happens under an ``fcntl`` lock (a ``.lock`` file beside it): the store is read again
  first, and when it holds an access token other than the one refused, still valid, that one is
  used without refreshing; else the stored refresh token (the configured one when nothing is
  stored) is spent, and the new pair written before the lock is released;
* a process notices a pair written by another by the file's change time before each request, so it
  rarely sends a token that another's refresh has replaced;
* a token is refreshed before use when it expires within a minute (within a fifth of its lifetime
  when that is shorter than five minutes).

Where no shared file can be used (no ``fcntl``, an unsafe directory), the pair is kept in this
process only. Nothing here ever puts a token in a message: ``secrets()`` gives every token the
source has held, for the client's redaction.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import json
import os
import threading
import time

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError, PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.listing_cache import write_private_json
from ansible_collections.contentstack.personalize.plugins.module_utils.ratelimit import (
    HAS_FCNTL,
    default_directory,
    fcntl,
    safe_directory,
)

# Refresh before use when the token expires within this many seconds ...
EARLY = 60.0
# ... or within this part of its lifetime, when that is shorter (tokens of a few seconds in tests).
EARLY_SHARE = 0.2
# What the API says of an expired (or replaced) access token, in its error_message or message.
EXPIRED_WORDS = "access token is invalid or expired"
_MAX_FILE = 65536

INVALID_GRANT = ("the OAuth refresh was refused (invalid_grant): the refresh token is dead or was rotated: set"
                 " oauth_refresh_token (or CONTENTSTACK_OAUTH_REFRESH_TOKEN) to a new one")
INVALID_CLIENT = ("the OAuth refresh was refused (invalid_client): the token endpoint does not know this app: check"
                  " oauth_client_id (or CONTENTSTACK_OAUTH_CLIENT_ID) and oauth_client_secret (or"
                  " CONTENTSTACK_OAUTH_CLIENT_SECRET)")


def digest(*parts):
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def says_expired(text):
    """True when an error text (a 401's body) says the access token is invalid or expired."""
    return EXPIRED_WORDS in str(text or "").lower()


def early(lifetime):
    """Seconds before its expiry at which a token of ``lifetime`` seconds is refreshed before use."""
    if not lifetime:
        return EARLY
    return min(EARLY, float(lifetime) * EARLY_SHARE)


def usable(pair, now):
    """True when ``pair`` holds an access token that is not about to expire (unknown expiry: usable)."""
    if not pair or not pair.get("access_token"):
        return False
    expires_at = pair.get("expires_at")
    return expires_at is None or expires_at - now > early(pair.get("lifetime"))


LOST_THEN_INVALID_GRANT = ("the OAuth refresh was refused (invalid_grant) when sent again after the answer to the first was"
                           " lost (%s): the refresh token was most likely rotated by the answer that was lost, and is dead"
                           " now: set oauth_refresh_token (or CONTENTSTACK_OAUTH_REFRESH_TOKEN) to a new one")
LOST_TWICE = ("the OAuth token endpoint's answers to a refresh were lost (%s): the refresh token may have been rotated by an"
              " answer that was lost; if the next run's refresh is refused (invalid_grant), set oauth_refresh_token (or"
              " CONTENTSTACK_OAUTH_REFRESH_TOKEN) to a new one")


def refusal(status, body, token_url, lost=None):
    """The error for a refresh the endpoint refused: names the option to fix, never a secret. ``lost``: why
    the answer to an earlier send of this refresh was lost (it may have rotated the refresh token)."""
    code = body.get("error") if isinstance(body, dict) else None
    if code == "invalid_grant" and lost:
        message = LOST_THEN_INVALID_GRANT % lost
    elif code == "invalid_grant":
        message = INVALID_GRANT
    elif code == "invalid_client" or status == 401:
        message = INVALID_CLIENT
    else:
        message = "the OAuth refresh was refused (%s); check oauth_token_url (or CONTENTSTACK_OAUTH_TOKEN_URL)" % (
            code if isinstance(code, str) and code.isidentifier() else "no OAuth error code")
    return PersonalizeApiError("POST", token_url, status, message)


def lost_twice(token_url, why, status=None):
    """The error for a refresh whose answer was lost, and the answer to sending it again as well
    (``status``: the second one's, when it was a 500, 502 or 504)."""
    return PersonalizeApiError("POST", token_url, status, LOST_TWICE % why)


def new_pair(body, refresh_token, now):
    """The pair of a token endpoint's answer; its refresh token replaces the one spent (rotation)."""
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str) or not body["access_token"]:
        raise PersonalizeError("the OAuth token endpoint answered without an access_token")
    lifetime = body.get("expires_in")
    lifetime = float(lifetime) if isinstance(lifetime, (int, float)) and not isinstance(lifetime, bool) and lifetime > 0 else None
    rotated = body.get("refresh_token")
    return {"access_token": body["access_token"],
            "refresh_token": rotated if isinstance(rotated, str) and rotated else refresh_token,
            "lifetime": lifetime, "expires_at": now + lifetime if lifetime else None, "obtained_at": now}


class TokenStore:
    """The newest pair of one credential: a 0600 JSON file, and the lock file its refreshes take."""

    def __init__(self, name, directory=None):
        parent = directory or default_directory()
        self.directory = os.path.join(parent, "oauth")
        self.path = os.path.join(self.directory, name + ".json")
        self.lock_path = os.path.join(self.directory, name + ".lock")
        self.shared = bool(HAS_FCNTL and safe_directory(parent) and safe_directory(self.directory))

    def stamp(self):
        """What changes when another process writes the pair (None: nothing stored)."""
        if not self.shared:
            return None
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_ino, info.st_size)

    def read(self):
        if not self.shared:
            return None
        try:
            with open(self.path, "r") as handle:
                data = json.loads(handle.read(_MAX_FILE))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("refresh_token"), str) else None

    def write(self, pair):
        """Replace the stored pair atomically (a 0600 temporary file, then a rename); False when it cannot."""
        return self.shared and write_private_json(self.path, pair, ".pair-")

    @contextlib.contextmanager
    def locked(self):
        """Hold the credential's lock (every process of this user); a no-op where it cannot be shared."""
        if not self.shared:
            yield
            return
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.lock_path, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class TokenSource:
    """The access token of one OAuth credential, refreshed once for all its processes.

    ``transport(url, form) -> (status, parsed body)`` sends the token endpoint's POST (the client
    gives its own, unpaced); ``clock`` gives the time. ``refreshes`` counts this process's refreshes."""

    def __init__(self, token_url, client_id, refresh_token, client_secret=None, redirect_uri=None,
                 access_token=None, directory=None, transport=None, clock=time.time):
        self.token_url = token_url
        self.client_id = client_id
        self.configured = refresh_token
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.transport = transport
        self.clock = clock
        self.refreshes = 0
        self.store = TokenStore(digest(token_url, client_id, refresh_token), directory)
        self._known = set(t for t in (refresh_token, client_secret, access_token) if t)
        self._pair = {"access_token": access_token, "refresh_token": refresh_token} if access_token else None
        self._fresh = None  # the access token of this process's last refresh
        self._stamp = None
        self._lock = threading.Lock()

    def identity(self):
        """What identifies the credential across refreshes (for the limiter key: hashed there)."""
        return "oauth=%s|%s|%s" % (self.token_url, self.client_id, digest(self.configured))

    def secrets(self):
        """Every token and secret this source has held (configured, stored, issued)."""
        return tuple(self._known)

    def current(self):
        """The access token to send now: the newest known pair's, refreshed first when about to expire."""
        with self._lock:
            self._follow_store()
            if usable(self._pair, self.clock()):
                return self._pair["access_token"]
            return self._refresh(self._pair and self._pair.get("access_token"))[0]

    def newest(self, token):
        """``token``, or the stored pair's access token when another process has written a new pair since
        (no refresh, no network: for the moment just before a request leaves, after its pacing wait)."""
        with self._lock:
            self._follow_store()
            return self._pair["access_token"] if usable(self._pair, self.clock()) else token

    def expired(self, token):
        """``token`` was refused as invalid or expired: ``(token to re-send with, fresh)``, where
        ``fresh`` says it comes from this process's own refresh just now."""
        with self._lock:
            return self._refresh(token)

    def just_refreshed(self, token):
        """True when ``token`` is the one this process's last refresh gave."""
        return token is not None and token == self._fresh

    # -- internals ------------------------------------------------------------------
    def _take(self, pair):
        self._pair = pair
        self._known.update(t for t in (pair.get("access_token"), pair.get("refresh_token")) if t)

    def _follow_store(self):
        """Adopt the stored pair when another process has written a new one since we last looked."""
        stamp = self.store.stamp()
        if stamp is not None and stamp != self._stamp:
            stored = self.store.read()
            self._stamp = stamp
            if stored:
                self._take(stored)

    def _refresh(self, refused):
        with self.store.locked():
            stored = self.store.read()
            now = self.clock()
            if stored and stored.get("access_token") != refused and usable(stored, now):
                self._take(stored)  # another process has refreshed already
                self._stamp = self.store.stamp()
                return stored["access_token"], False
            spend = (stored or self._pair or {}).get("refresh_token") or self.configured
            pair = new_pair(self._post(spend), spend, now)
            self._take(pair)
            self.refreshes += 1
            self._fresh = pair["access_token"]
            self.store.write(pair)
            self._stamp = self.store.stamp()
            return pair["access_token"], True

    def _post(self, refresh_token):
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": self.client_id}
        if self.client_secret:
            form["client_secret"] = self.client_secret
        if self.redirect_uri:
            form["redirect_uri"] = self.redirect_uri
        status, body = self.transport(self.token_url, form)
        if not 200 <= status < 300:
            raise refusal(status, body, self.token_url)
        if isinstance(body, dict):
            self._known.update(body[k] for k in ("access_token", "refresh_token") if isinstance(body.get(k), str) and body[k])
        return body
