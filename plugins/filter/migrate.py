# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters the copy role plans, verifies and maps with (no API calls)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.contentstack.personalize.plugins.module_utils import migrate
from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError


def _plain(value):
    """The same data as plain dicts, lists, strings and numbers.

    Ansible hands filters lazy, tagged containers; copying or walking them item by item costs
    a template call per value (seconds for a large project). One pass here makes them plain."""
    if isinstance(value, Mapping):
        return dict((_plain(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value


def _guard(func):
    def wrapper(*args, **kwargs):
        args = [_plain(a) for a in args]
        kwargs = dict((k, _plain(v)) for k, v in kwargs.items())
        try:
            return func(*args, **kwargs)
        except PersonalizeInputError as exc:
            raise AnsibleFilterError(str(exc))
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@_guard
def migrate_plan(source_raw, dest_raw, activation="mirror", include=None, exclude=None,
              allow_skips=False, prune=False, limits=None):
    """The validated load plan of a copy (see module_utils/migrate.py)."""
    return migrate.build_plan(source_raw, dest_raw, activation, include, exclude, allow_skips, prune, limits)


@_guard
def migrate_compare(expected, actual_raw, activation="mirror", prune=False):
    """Differences between the planned project and a raw export of the destination."""
    return migrate.compare(expected, portable_from_raw(actual_raw), activation, prune)


@_guard
def migrate_uid_map(source_raw, dest_raw):
    """Source uid -> destination uid per kind, and variant shortUids per experience."""
    return migrate.uid_map(source_raw, dest_raw)


@_guard
def to_portable(raw_export):
    """A raw export (the lookup with portable=false) in the portable form, without API calls."""
    return portable_from_raw(raw_export)


def migrate_endpoint(connection):
    """"<base url> project <uid>" of a connection mapping: how the role tells two projects apart."""
    from ansible_collections.contentstack.personalize.plugins.module_utils.client import resolve_base_url
    from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
    try:
        url = resolve_base_url(connection.get("region") or None, connection.get("api_url") or None,
                               bool(connection.get("allow_http")))
    except PersonalizeError as exc:
        raise AnsibleFilterError(str(exc))
    return "%s project %s" % (url.rstrip("/"), str(connection.get("project_uid") or "").strip())


class FilterModule(object):
    def filters(self):
        return {
            "migrate_plan": migrate_plan,
            "migrate_compare": migrate_compare,
            "migrate_uid_map": migrate_uid_map,
            "to_portable": to_portable,
            "migrate_endpoint": migrate_endpoint,
        }
