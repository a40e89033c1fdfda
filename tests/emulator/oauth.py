"""The emulator's OAuth token endpoint (``POST /token``): refresh-token rotation and expiring access tokens.

Standard library only. Seeds declare OAuth apps and initial refresh tokens (README.md "OAuth"):

    "oauth_apps": [{"client_id": "...", "client_secret": "..." (optional), "redirect_uri": "..." (optional)}],
    "refresh_tokens": [{"token": "...", "client_id": "...", "organizations": [...], "scopes": [...], "user": {...}}]

A refresh (form-encoded ``grant_type=refresh_token``, ``refresh_token``, ``client_id``, optional
``client_secret`` and ``redirect_uri``) answers a new access token (it expires after the configured
lifetime, ``token_lifetime``). The reference does not say what happens to the tokens of the pair
spent, so the emulator plays each reading (README.md "OAuth token endpoint"):

* ``token_rotation``: ``rotate`` (the default: the answer has a new refresh token, the one spent
  dies), ``keep`` (the answer repeats the refresh token spent, which stays valid) or ``omit`` (the
  answer has no ``refresh_token``; the one spent stays valid);
* ``revoke_old_access``: true (the default: the access token that the refresh token spent had
  issued last dies with the refresh) or false (it lives until it expires).

An access token, once expired or revoked, gets a 401 whose ``error_message`` is ``EXPIRED_MESSAGE``.
Refusals are OAuth's: 400 ``invalid_grant`` (an unknown, dead or foreign refresh token, a wrong
redirect_uri), 401 ``invalid_client`` (an unknown app, a wrong secret), 400 ``unsupported_grant_type`` /
``invalid_request``.

The request log names tokens by an id (``refresh-1``, ``access-1``; a seed's refresh token by its
``id`` or ``seed-<n>``), never by their value: a token call logs ``refresh`` (the id spent),
``reused`` (true when that refresh token had been spent before: an error under ``rotate``, the
normal case under ``keep`` and ``omit``), ``issued_access``,
``issued_refresh`` and ``revoked_access``; an API call with an issued access token logs ``access``
(its id) and ``access_dead`` (true when it had expired or been replaced).
"""

import json
import secrets
import time
from urllib.parse import parse_qs

EXPIRED_MESSAGE = "The provided access token is invalid or expired"
DEFAULT_LIFETIME = 3600.0
ROTATIONS = ("rotate", "keep", "omit")


def empty():
    return {"apps": {}, "refresh": {}, "issued": 0}


def merge_seed(data, seed):
    """Add a seed's OAuth apps and refresh tokens to the state ``data``."""
    oauth = data.setdefault("oauth", empty())
    for app in seed.get("oauth_apps", []):
        oauth["apps"][app["client_id"]] = {"client_id": app["client_id"], "client_secret": app.get("client_secret"),
                                           "redirect_uri": app.get("redirect_uri")}
    for n, rt in enumerate(seed.get("refresh_tokens", []), len(oauth["refresh"]) + 1):
        user = rt.get("user") or {}
        oauth["refresh"][rt["token"]] = {
            "id": rt.get("id") or "seed-%d" % n, "client_id": rt["client_id"],
            "organizations": list(rt.get("organizations", [])),
            "scopes": list(rt.get("scopes", ["personalize:read", "personalize:manage"])),
            "user": {"uid": user.get("uid", "blt7a1b2c3d4e5f6c01"), "name": user.get("name", "OAuth User")},
            "spent_at": None, "dead": False, "access": None}


def dead(tok, now=None):
    """True for an issued access token that has expired or was replaced by a refresh."""
    if tok.get("kind") != "oauth-issued":
        return False
    now = time.time() if now is None else now
    return tok.get("revoked_at") is not None or now >= tok["expires_at"]


def note_auth(tok, entry):
    """Log which issued access token a request used (by id), and whether it was dead."""
    if tok is not None and tok.get("kind") == "oauth-issued" and entry is not None:
        entry["access"] = tok["id"]
        entry["access_dead"] = dead(tok)


class OAuth:
    """The token endpoint over a Store's ``data["oauth"]`` (under the store's lock)."""

    def __init__(self, store, lifetime=DEFAULT_LIFETIME, rotation="rotate", revoke_old_access=True):
        self.store = store
        self.set_lifetime(lifetime)
        self.set_rotation(rotation)
        self.set_revoke_old_access(revoke_old_access)

    def set_lifetime(self, value):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ValueError("token_lifetime must be a number of seconds > 0")
        self.lifetime = float(value)

    def set_rotation(self, value):
        if value not in ROTATIONS:
            raise ValueError("token_rotation must be one of %s" % ", ".join(ROTATIONS))
        self.rotation = value

    def set_revoke_old_access(self, value):
        if not isinstance(value, bool):
            raise ValueError("revoke_old_access must be true or false")
        self.revoke_old_access = value

    def view(self):
        """The endpoint's settings, for ``GET /_emulator/config``."""
        return {"token_lifetime": self.lifetime, "token_rotation": self.rotation,
                "revoke_old_access": self.revoke_old_access}

    def request(self, headers, raw, entry):
        """``(status, body)`` of ``POST /token``; fills the log ``entry``."""
        entry["api"] = "oauth"
        form = self._form(headers, raw)
        if form is None:
            return 400, {"error": "invalid_request", "error_description": "a form-encoded body is required"}
        with self.store.lock:
            return self._refresh(form, entry)

    @staticmethod
    def _form(headers, raw):
        text = raw.decode("utf-8", "replace") if raw else ""
        if "json" in (headers.get("content-type") or ""):
            try:
                body = json.loads(text or "{}")
            except ValueError:
                return None
            return body if isinstance(body, dict) else None
        return dict((k, v[-1]) for k, v in parse_qs(text).items())

    def _refresh(self, form, entry):
        oauth = self.store.data.setdefault("oauth", empty())
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type", "error_description": "only grant_type=refresh_token"}
        app = oauth["apps"].get(form.get("client_id") or "")
        if app is None or (app["client_secret"] and form.get("client_secret") != app["client_secret"]):
            return 401, {"error": "invalid_client", "error_description": "unknown client or wrong client secret"}
        rt = oauth["refresh"].get(form.get("refresh_token") or "")
        if rt is not None:
            entry["refresh"] = rt["id"]
            entry["reused"] = rt["spent_at"] is not None
        if rt is None or rt.get("dead", rt["spent_at"] is not None) or rt["client_id"] != app["client_id"]:
            return 400, {"error": "invalid_grant", "error_description": "the refresh token is invalid, expired or revoked"}
        if form.get("redirect_uri") and app["redirect_uri"] and form["redirect_uri"] != app["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri does not match"}
        return 200, self._issue(oauth, form["refresh_token"], entry)

    def _issue(self, oauth, spent, entry):
        rt = oauth["refresh"][spent]
        now = time.time()
        rt["spent_at"] = now
        old = self.store.data["tokens"].get(rt["access"] or "")
        if self.revoke_old_access and old is not None and old.get("revoked_at") is None:
            old["revoked_at"] = now
            entry["revoked_access"] = old["id"]
        oauth["issued"] += 1
        n = oauth["issued"]
        access = "csoa-emu-%s" % secrets.token_hex(12)
        self.store.data["tokens"][access] = {
            "token": access, "kind": "oauth-issued", "id": "access-%d" % n, "organizations": list(rt["organizations"]),
            "scopes": list(rt["scopes"]), "user": dict(rt["user"]), "issued_at": now,
            "expires_at": now + self.lifetime, "revoked_at": None, "refresh": rt["id"]}
        if self.rotation == "rotate":
            rt["dead"] = True
            refresh = "csrt-emu-%s" % secrets.token_hex(12)
            oauth["refresh"][refresh] = dict(rt, id="refresh-%d" % n, spent_at=None, dead=False, access=access)
            entry["issued_refresh"] = "refresh-%d" % n
        else:  # keep, omit: the refresh token spent stays valid and issues the next pair
            refresh = spent
            rt["access"] = access
        entry.update({"issued_access": "access-%d" % n, "org": rt["organizations"][0] if rt["organizations"] else None})
        self.store.persist()
        answer = {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
                  "expires_in": int(self.lifetime) if self.lifetime == int(self.lifetime) else self.lifetime,
                  "organization_uid": rt["organizations"][0] if rt["organizations"] else None,
                  "user_uid": rt["user"]["uid"], "authorization_type": "oauth", "location": "NA"}
        if self.rotation == "omit":
            del answer["refresh_token"]
        return answer
