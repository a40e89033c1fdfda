# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's errors: one root, ``PersonalizeError``, caught once at each boundary (a module's
``main``, an action plugin, the lookup, a filter).

* ``PersonalizeInputError``: bad input or an unresolvable reference, found before anything is
  written; the text names the item and the field.
* ``PersonalizeApiError``: a call that failed (an error status, or no usable answer);
  ``PersonalizeResponseLost`` is a POST whose answer was lost (it may have been applied).

No text of any of them ever holds a token or a header value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re


class PersonalizeError(Exception):
    """Base error: bad options, unusable configuration, or any failure of a call.

    The text never contains a token or a header value.
    """


class PersonalizeInputError(PersonalizeError):
    """Bad input or an unresolvable reference. The text names the item and the field."""


class PersonalizeApiError(PersonalizeError):
    """A call that failed: the API answered an error status, or no usable answer came back.

    ``status`` is the HTTP status, or None when no response arrived (connection failure,
    timeout). ``message`` is the API's message (decision 3 order), ``errors`` the per-field
    validation errors when given, ``body`` the parsed (or raw) response body.
    """

    def __init__(self, method, path, status, message, errors=None, body=None):
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.errors = errors
        self.body = body
        super(PersonalizeApiError, self).__init__(self._text())

    def _text(self):
        detail = self.message or ""
        if self.errors:
            formatted = format_errors(self.errors)
            if formatted and formatted not in detail:
                detail = "%s (%s)" % (detail, formatted) if detail else formatted
        if self.status is None:
            return "%s %s failed: %s" % (self.method, self.path, detail or "no response")
        return "%s %s returned %s: %s" % (self.method, self.path, self.status, detail or "(no message)")

    @property
    def code(self):
        """The dotted error code (``personalize.KIND.REASON``) when the message is one, else None."""
        if isinstance(self.message, str) and re.match(r"^personali[sz](?:e|ation)\.[A-Za-z0-9_.]+$", self.message):
            return self.message
        return None

    def __repr__(self):
        return "%s(%r, %r, %r, %r)" % (type(self).__name__, self.method, self.path, self.status, self.message)


class PersonalizeResponseLost(PersonalizeApiError):
    """A POST whose response was lost: it may or may not have been applied.

    Raised on a read timeout, a connection dropped after sending, or 500/502/504. The client
    never re-sends the POST; the caller re-reads by key or name and decides.
    """


def format_errors(errors):
    """Render the API's ``errors`` member (dict of field -> str | list | dict, or a list)."""
    if isinstance(errors, dict):
        parts = []
        for field, value in errors.items():
            if isinstance(value, (list, tuple)):
                value = ", ".join(scalar_text(v) for v in value)
            else:
                value = scalar_text(value)
            parts.append("%s: %s" % (field, value))
        return "; ".join(parts)
    if isinstance(errors, (list, tuple)):
        return "; ".join(scalar_text(v) for v in errors)
    return scalar_text(errors)


def scalar_text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("message", "error_message", "error", "code"):
            if isinstance(value.get(key), str):
                return value[key]
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return str(value)
