# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of every module, in one place, so a module and its action plugin agree.

Each module's own options are here; the connection options come from ``options``, and the field
that names the single form's resource (which excludes ``items``) from the module's kind."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.contentstack.personalize.plugins.module_utils.options import connection_argspec
from ansible_collections.contentstack.personalize.plugins.module_utils.runner import MODULES

_STATE = dict(type="str", choices=["present", "absent"], default="present")
_ITEMS = dict(type="list", elements="dict")
_PRUNE = dict(type="bool", default=False)


def _keyed():
    return dict(
        argument_spec=dict(
            key=dict(type="str", no_log=False),
            name=dict(type="str"),
            description=dict(type="str"),
            state=_STATE,
            items=_ITEMS,
            prune=_PRUNE,
        ),
    )


_SPECS = {
    # Attributes and events have the same shape: a key, a name, a description.
    "personalize_attribute": _keyed(),
    "personalize_event": _keyed(),
    "personalize_audience": dict(
        argument_spec=dict(
            name=dict(type="str"),
            description=dict(type="str"),
            definition=dict(type="dict"),
            state=_STATE,
            items=_ITEMS,
            prune=_PRUNE,
        ),
    ),
    "personalize_experience": dict(
        argument_spec=dict(
            name=dict(type="str"),
            type=dict(type="str", choices=["segmented", "ab_test"]),
            description=dict(type="str"),
            tags=dict(type="list", elements="str"),
            replace=dict(type="bool", default=False),
            state=_STATE,
            items=_ITEMS,
            prune=_PRUNE,
        ),
    ),
    "personalize_version": dict(
        argument_spec=dict(
            experience=dict(type="str"),
            status=dict(type="str", choices=["draft", "active", "paused"]),
            variants=dict(type="list", elements="dict"),
            metrics=dict(type="list", elements="dict"),
            targeting=dict(type="dict"),
            variant_split=dict(type="str"),
            versions=dict(type="list", elements="dict"),
            exact=dict(type="bool", default=False),
            items=_ITEMS,
        ),
    ),
    "personalize_priority": dict(
        argument_spec=dict(
            order=dict(type="list", elements="str", required=True),
        ),
    ),
    "personalize_duplicates": dict(
        argument_spec=dict(
            repair=dict(type="bool", default=False),
        ),
    ),
    # The stack side (module_utils/stack_writes.py): one item or a list.
    "personalize_variant_group": dict(
        argument_spec=dict(
            experience=dict(type="str"),
            content_types=dict(type="list", elements="str"),
            state=_STATE,
            exact=dict(type="bool", default=False),
            variant_groups=dict(type="list", elements="dict"),
            wait_timeout=dict(type="int", default=120),
        ),
        mutually_exclusive=[["experience", "variant_groups"]],
        required_one_of=[["experience", "variant_groups"]],
    ),
    "personalize_entry_variant": dict(
        argument_spec=dict(
            content_type=dict(type="str"),
            entry=dict(type="str"),
            locale=dict(type="str"),
            experience=dict(type="str"),
            variant=dict(type="str"),
            fields=dict(type="dict"),
            change_set=dict(type="list", elements="str"),
            state=_STATE,
            entry_variants=dict(type="list", elements="dict"),
            wait_timeout=dict(type="int", default=120),
        ),
        mutually_exclusive=[["entry", "entry_variants"]],
        required_one_of=[["entry", "entry_variants"]],
    ),
    # The export lookup's read as a module result (module_utils/info.py).
    "personalize_info": dict(
        argument_spec=dict(
            kinds=dict(type="list", elements="str", default=["all"],
                       choices=["all", "attributes", "events", "audiences", "experiences", "versions", "priority"]),
            portable=dict(type="bool", default=True),
            versions=dict(type="bool", default=True),
        ),
    ),
    # The same read, written as the folder export.yml makes (module_utils/export_folder.py).
    "personalize_export_folder": dict(
        argument_spec=dict(
            path=dict(type="path", required=True),
        ),
    ),
    # Organization scoped: one project per task, no list form.
    "personalize_project": dict(
        argument_spec=dict(
            name=dict(type="str", required=True),
            description=dict(type="str"),
            connected_stack_api_key=dict(type="str", no_log=False),
            state=_STATE,
        ),
    ),
}


def module_spec(module_name):
    """kwargs for AnsibleModule (and for ArgumentSpecValidator in the action plugins).

    The single-item form and the list form exclude each other; one of them is needed.
    authtoken/oauth_token exclusivity is the client's check, not the argspec's: an empty string
    means "not given, and no environment fallback either" (the copy role relies on it so that
    source and destination credentials never mix), and the argspec would count it as given.
    """
    spec = copy.deepcopy(_SPECS[module_name])
    identity = MODULES[module_name].identity
    if identity is not None and "items" in spec["argument_spec"]:
        spec["mutually_exclusive"] = [[identity, "items"]]
        spec["required_one_of"] = [[identity, "items"]]
    spec["argument_spec"].update(copy.deepcopy(connection_argspec(*MODULES[module_name].extras)))
    return spec
