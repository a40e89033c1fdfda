# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which code runs each module: a table from module name to its kind and executor.

``run_module(name, params, check_mode, diff)`` takes validated parameters and gives the result
dict; it raises nothing for expected failures: they come back as ``failed`` with a message. A
module file and its action plugin both call it. The executors live next to their plans:
``engine`` (attributes, events, audiences, experiences), ``version_writes``, ``priority`` and
``projects``; ``results`` shapes what they return.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.module_utils import (
    duplicates, engine, export_folder, info, priority, projects, results, stack_writes, version_writes)
from ansible_collections.contentstack.personalize.plugins.module_utils.engine import ProjectListings
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import KINDS
from ansible_collections.contentstack.personalize.plugins.module_utils.listing_cache import ListingCache
from ansible_collections.contentstack.personalize.plugins.module_utils.options import (
    CONNECTION_ARGSPEC,
    client_from_module_params,
)

# Options of a task that are not fields of the one resource its single form describes.
_TASK_OPTIONS = ("items", "prune", "exact")


def project_of(client, params, check_mode=False):
    """The cached view of the project; with ``listing_cache``, the one the run's earlier tasks left.
    Check mode reads the cache but never writes its predictions into it."""
    key = params.get("listing_cache")
    cache = ListingCache(key, client.base_url, client.project_uid) if key else None
    return ProjectListings(client, cache=cache, save=not check_mode, limits=params.get("limits"))


def _open_project(params, client, check_mode):
    return project_of(client or client_from_module_params(params), params, check_mode)


class Module:
    """What a module manages (``kind``, and the field naming one item, ``identity``) and how:
    ``open_listings(params, client, check_mode)`` gives the listings, ``execute(listings, task)``
    plans, writes and gives the result. ``items``: the option of its list form; ``extras``: the sets
    of connection options it takes besides every module's (``options.connection_argspec``)."""

    def __init__(self, kind, identity, execute, open_listings=_open_project, items="items", extras=()):
        self.kind = kind
        self.identity = identity
        self.execute = execute
        self.open_listings = open_listings
        self.items = items
        self.extras = extras


def _declared(kind_name, execute=engine.execute, open_listings=_open_project):
    return Module(kind_name, KINDS[kind_name].identity, execute, open_listings)


MODULES = {
    "personalize_attribute": _declared("attribute"),
    "personalize_event": _declared("event"),
    "personalize_audience": _declared("audience"),
    "personalize_experience": _declared("experience"),
    "personalize_version": Module("version", version_writes.IDENTITY, version_writes.execute),
    "personalize_priority": Module("priority", None, priority.execute),
    "personalize_project": _declared("project", projects.execute, projects.open_listings),
    "personalize_duplicates": Module("duplicates", None, duplicates.execute),
    "personalize_variant_group": Module("variant_group", "experience", stack_writes.execute_groups,
                                        items="variant_groups", extras=("stack",)),
    "personalize_entry_variant": Module("entry_variant", "id", stack_writes.execute_entry_variants,
                                        items="entry_variants", extras=("stack",)),
    "personalize_info": Module("info", None, info.execute),
    "personalize_export_folder": Module("export_folder", None, export_folder.execute),
}


class Task:
    """One run of a module: its parameters and modes, and the items they describe (the list form's
    ``items``, or the single form's one resource)."""

    def __init__(self, module, params, check_mode=False, diff=False):
        self.kind = module.kind
        self.identity = module.identity
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self.many = params.get(module.items) is not None

    @property
    def items(self):
        return self.params["items"] if self.many else [single_item(self.params)]


def single_item(params):
    """The one resource the single form describes: the module's own options that were given."""
    item = dict((field, value) for field, value in params.items()
                if value is not None and field not in CONNECTION_ARGSPEC and field not in _TASK_OPTIONS)
    if item.get("state") == "present":
        del item["state"]
    if not item.get("replace"):
        item.pop("replace", None)
    return item


def run_module(module_name, params, check_mode=False, diff=False, client=None):
    module = MODULES[module_name]
    listings = None
    try:
        listings = module.open_listings(params, client, check_mode)
        result = module.execute(listings, Task(module, params, check_mode, diff))
    except PersonalizeError as exc:
        return {"failed": True, "changed": False, "msg": str(exc)}
    finally:
        # Also after a failure: the listings are as the task's writes kept them.
        if listings is not None:
            listings.save()
    return results.with_calls(result, listings.client)


def module_main(module_name):
    """The whole of a module's main(): its AnsibleModule (argument spec from ``specs``, check mode
    supported), then run, then exit or fail with a readable message."""
    from ansible.module_utils.basic import AnsibleModule, missing_required_lib
    from ansible_collections.contentstack.personalize.plugins.module_utils import client as client_mod
    from ansible_collections.contentstack.personalize.plugins.module_utils.specs import module_spec
    module = AnsibleModule(supports_check_mode=True, **module_spec(module_name))
    if not getattr(client_mod, "HAS_REQUESTS", True):
        module.fail_json(msg=missing_required_lib("requests"),
                         exception=getattr(client_mod, "REQUESTS_IMPORT_ERROR", None))
    result = run_module(module_name, module.params, check_mode=module.check_mode, diff=module._diff)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
