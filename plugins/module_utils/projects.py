# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""personalize_project: the engine for the project kind, in one organization.

Projects are organization scoped: the client sends no ``x-project-uid``, and ``project_uid`` is
dropped, so that a value set for the other modules (module_defaults, environment) does not break
this one. One project per task, no listing cache.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils import results
from ansible_collections.contentstack.personalize.plugins.module_utils.engine import ProjectListings, run_kind
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeApiError, PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import KINDS
from ansible_collections.contentstack.personalize.plugins.module_utils.options import client_from_module_params


def open_listings(params, client, check_mode):
    """The organization's listings, through a client without a project."""
    client = client or client_from_module_params(dict(params, project_uid=None))
    if not client.organization_uid:
        raise PersonalizeError("personalize_project needs organization_uid (or CONTENTSTACK_ORGANIZATION_UID): "
                               "projects belong to an organization")
    return ProjectListings(client)


def execute(listings, task):
    kind = KINDS["project"]
    name = task.params.get("name")
    org = listings.client.organization_uid
    try:
        out = run_kind(listings, kind.name, task.items, task.check_mode)
    except PersonalizeApiError as exc:
        raise PersonalizeError(kind.explain(exc, name, org))
    existing = len(listings.raw(kind.plural))
    if task.check_mode and out["records"][0]["action"] == "create" and existing >= kind.default_limit:
        out["warnings"].append(
            "organization %s already has %d projects and the default limit is %d, so creating %s may be "
            "refused" % (org, existing, kind.default_limit, kind.item_label(name)))
    return results.shape(task, out)
