# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options, defined once for modules, action plugins and the lookup.

The names, types, defaults and environment variables here match
``plugins/doc_fragments/connection.py`` (a unit test keeps them in step).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.basic import env_fallback

from ansible_collections.contentstack.personalize.plugins.module_utils.client import (
    DEFAULTS,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    PersonalizeClient,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError

# option name -> environment variable (modules read these through env_fallback).
CONNECTION_ENV = {
    "region": "CONTENTSTACK_REGION",
    "api_url": "CONTENTSTACK_PERSONALIZE_URL",
    "project_uid": "CONTENTSTACK_PROJECT_UID",
    "organization_uid": "CONTENTSTACK_ORGANIZATION_UID",
    "authtoken": "CONTENTSTACK_AUTHTOKEN",
    "oauth_token": "CONTENTSTACK_OAUTH_TOKEN",
    "validate_certs": "CONTENTSTACK_VALIDATE_CERTS",
    "rate_limit": "CONTENTSTACK_RATE_LIMIT",
}


def _env(name):
    return (env_fallback, [CONNECTION_ENV[name]])


CONNECTION_ARGSPEC = {
    "region": {"type": "str", "fallback": _env("region")},
    "api_url": {"type": "str", "fallback": _env("api_url")},
    "project_uid": {"type": "str", "fallback": _env("project_uid")},
    "organization_uid": {"type": "str", "fallback": _env("organization_uid")},
    "authtoken": {"type": "str", "no_log": True, "fallback": _env("authtoken")},
    "oauth_token": {"type": "str", "no_log": True, "fallback": _env("oauth_token")},
    "validate_certs": {"type": "bool", "default": DEFAULTS["validate_certs"],
                       "fallback": _env("validate_certs")},
    "timeout": {"type": "int", "default": DEFAULTS["timeout"]},
    "rate_limit": {"type": "float", "default": DEFAULTS["rate_limit"], "fallback": _env("rate_limit")},
    "max_retries": {"type": "int", "default": DEFAULTS["max_retries"]},
    "allow_http": {"type": "bool", "default": DEFAULTS["allow_http"]},
    "listing_cache": {"type": "str", "no_log": False},
}

CONNECTION_OPTIONS = tuple(CONNECTION_ARGSPEC)

CONNECTION_MUTUALLY_EXCLUSIVE = [["authtoken", "oauth_token"]]


def connection_argspec(**extra):
    """A fresh copy of the connection argspec, merged with a module's own options."""
    spec = copy.deepcopy(CONNECTION_ARGSPEC)
    spec.update(extra)
    return spec


def connection_params(params):
    """Only the connection options out of a module-params-like dict."""
    return dict((name, params.get(name)) for name in CONNECTION_OPTIONS)


def client_from_module_params(params):
    """Build the client from validated module params. Raises PersonalizeError."""
    return PersonalizeClient.from_params(connection_params(params))


def client_from_module(module):
    """Build the client for an AnsibleModule, failing the module cleanly on a bad configuration."""
    if not HAS_REQUESTS:
        from ansible.module_utils.basic import missing_required_lib
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        return client_from_module_params(module.params)
    except PersonalizeError as exc:
        module.fail_json(msg=str(exc))


def client_from_plugin(get_option):
    """Build the client from a plugin's ``get_option`` (lookups, action plugins).

    Options the plugin does not define are left at the client's defaults. Raises
    PersonalizeError; the plugin turns it into AnsibleError.
    """
    params = {}
    for name in CONNECTION_OPTIONS:
        try:
            params[name] = get_option(name)
        except KeyError:
            params[name] = None
    return PersonalizeClient.from_params(params)
