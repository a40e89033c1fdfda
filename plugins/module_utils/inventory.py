# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of the inventory plugin ``contentstack.personalize.projects``.

FOR INTERNAL COLLECTION USE ONLY: the plugin and its unit tests import it; nothing else should.

An organization entry of the plugin's configuration is a mapping of the connection options of
``options.py`` (``organization_uid``, ``region`` or ``api_url``, ``authtoken`` or ``oauth_token``,
``validate_certs``, ``allow_http``, ``timeout``, ``rate_limit``, ``max_retries``); one left out is
taken from its ``CONTENTSTACK_*`` environment variable as the modules take it, except that the
environment never completes half of a pair the entry gives (an entry with ``oauth_token`` takes no
``CONTENTSTACK_AUTHTOKEN``, one with ``region`` no ``CONTENTSTACK_PERSONALIZE_URL``).

What the plugin lists and caches (``listing``) holds, per organization, only its uid, base URL,
region and the projects' uid, name and connected stack: never a token.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import re

from ansible_collections.contentstack.personalize.plugins.module_utils.client import (
    REGION_ALIASES, REGIONS, resolve_base_url)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError, PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.options import BY_NAME, CLIENT_OPTIONS, other_side
from ansible_collections.contentstack.personalize.plugins.module_utils.validate import boolean, known_fields

# The connection options an organization entry takes: all of the client's but the project.
ENTRY_OPTIONS = tuple(name for name in CLIENT_OPTIONS if name != "project_uid")
BOOLEANS = ("validate_certs", "allow_http")

HOST_VARS = ("personalize_project_uid", "personalize_project_name", "personalize_organization_uid",
             "personalize_api_url", "personalize_region", "personalize_connected_stack_api_key")
ALL_GROUP = "personalize_projects"
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def entry_label(entry, pos):
    """How messages name an organization entry: its uid, or its place in the list."""
    uid = entry.get("organization_uid") if isinstance(entry, dict) else None
    return "organization %s" % uid if uid else "organizations[%d]" % pos


def _paired(name, entry):
    """Whether the entry gives an option of the other side of ``name``'s pair (options.PAIRS): the
    environment then does not fill ``name`` (an entry's oauth_refresh_token, no CONTENTSTACK_AUTHTOKEN)."""
    return any(entry.get(other) not in (None, "") for other in other_side(name))


def entry_connection(entry, pos, environ):
    """The client options of organization entry ``pos`` (0-based), completed from ``environ``.
    Raises PersonalizeInputError for an entry that is not a mapping or has unknown options."""
    where = "organizations[%d]" % pos
    if not isinstance(entry, dict):
        raise PersonalizeInputError("%s: must be a mapping of connection options, got %r" % (where, type(entry).__name__))
    known_fields(entry, ENTRY_OPTIONS, where, "option")
    out = {"project_uid": None}
    for name in ENTRY_OPTIONS:
        value = entry.get(name)
        env = BY_NAME[name].env
        if value is None and env and not _paired(name, entry):
            value = environ.get(env) or None
        if value is not None and name in BOOLEANS:
            value = boolean(value, entry_label(entry, pos), name)
        out[name] = value
    if not out["organization_uid"]:
        raise PersonalizeInputError("%s: organization_uid is required (or CONTENTSTACK_ORGANIZATION_UID): "
                                    "projects are listed per organization" % where)
    out["organization_uid"] = str(out["organization_uid"])
    return out


def region_of(conn):
    """The region a connection names: its ``region`` (aliases resolved), else the known region whose
    URL ``api_url`` is, else None (a custom URL). Raises PersonalizeError for an invalid location."""
    base = resolve_base_url(conn.get("region"), conn.get("api_url"), bool(conn.get("allow_http")))
    region = conn.get("region")
    if region not in (None, ""):
        name = str(region).strip().lower()
        name = REGION_ALIASES.get(name, name)
        if name not in REGIONS:
            resolve_base_url(region)  # raises: unknown region, naming the valid ones
        return base, name
    for name, url in REGIONS.items():
        if url == base:
            return base, name
    return base, None


def selected(name, include, exclude):
    """Whether a project name passes the ``include`` and ``exclude`` shell patterns (case-sensitive)."""
    if include and not any(fnmatch.fnmatchcase(name, pattern) for pattern in include):
        return False
    return not any(fnmatch.fnmatchcase(name, pattern) for pattern in exclude or ())


def organization_listing(conn, base_url, region, raw_projects):
    """What the plugin keeps of one organization (and caches): no token."""
    projects = [{"uid": p.get("uid") or p.get("_id"), "name": p.get("name"),
                 "connected_stack_api_key": p.get("connectedStackApiKey") or None}
                for p in raw_projects or [] if isinstance(p, dict)]
    return {"organization_uid": conn["organization_uid"], "api_url": base_url, "region": region,
            "projects": sorted(projects, key=lambda p: (str(p["name"]), str(p["uid"])))}


def safe_group(text):
    return _UNSAFE.sub("_", str(text))


def organization_group(uid):
    return safe_group("personalize_org_" + uid)


def region_group(region):
    return safe_group("personalize_region_" + (region or "custom"))


def hosts_of(listing, hostname="name", include=None, exclude=None):
    """The hosts of a listing (a list of organization listings): ``[(host, vars, groups)]``.
    Raises PersonalizeInputError when two projects would get one host name."""
    out = []
    seen = {}
    for org in listing:
        for project in org["projects"]:
            if not selected(project["name"], include, exclude):
                continue
            host = project["uid"] if hostname == "uid" else project["name"]
            where = "project %r (uid %s) of organization %s" % (project["name"], project["uid"], org["organization_uid"])
            if host in seen:
                raise PersonalizeInputError(
                    "%s and %s would both be the host %r: set hostname: uid, or exclude one of them" % (seen[host], where, host))
            seen[host] = where
            hostvars = {
                "personalize_project_uid": project["uid"],
                "personalize_project_name": project["name"],
                "personalize_organization_uid": org["organization_uid"],
                "personalize_api_url": org["api_url"],
                "personalize_region": org["region"],
                "personalize_connected_stack_api_key": project["connected_stack_api_key"],
            }
            out.append((host, hostvars, [ALL_GROUP, organization_group(org["organization_uid"]), region_group(org["region"])]))
    return out


def interleaved(hosts):
    """``hosts`` (as ``hosts_of`` gives them, organization by organization) taken round-robin across
    the organizations: the first host of each organization in the configured order, then the second
    of each, and so on. Ansible starts a task on the hosts in inventory order, ``forks`` at a time, and
    each organization has a rate limit of its own: in this order the first forks spread over every
    organization's budget instead of filling the first organization's while the others' sit idle."""
    queues = []
    for entry in hosts:
        org = entry[1]["personalize_organization_uid"]
        if not queues or queues[-1][0] != org:
            queues.append((org, []))
        queues[-1][1].append(entry)
    out = []
    for rank in range(max([len(q) for _org, q in queues] or [0])):
        out.extend(q[rank] for _org, q in queues if rank < len(q))
    return out


def same_organizations(cached, conns):
    """Whether a cached listing is of exactly the organizations (uid and base URL) configured now."""
    if not isinstance(cached, list):
        return False
    try:
        have = sorted((o["organization_uid"], o["api_url"]) for o in cached)
        want = sorted((c["organization_uid"], resolve_base_url(c.get("region"), c.get("api_url"), bool(c.get("allow_http"))))
                      for c in conns)
    except (KeyError, TypeError, PersonalizeError):
        return False
    return have == want
