# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs contentstack.personalize.personalize_migrate_inputs in the task's worker process (no module run).

The migrate role's first task of its own: its action plugin is the first of the collection that the
strategy loads, so the collection's filters and lookups are loaded into ansible-playbook's own process
before the tasks that use them (see plugin_utils/preload.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.contentstack.personalize.plugins.module_utils.migrate_role import inputs_argument_spec, typed_inputs
from ansible_collections.contentstack.personalize.plugins.plugin_utils.action import PersonalizeAction


class ActionModule(PersonalizeAction):
    """Its own arguments and executor, not runner.run_module's: nothing is read from the API."""

    MODULE = "personalize_migrate_inputs"

    def run(self, tmp=None, task_vars=None):
        result = ActionBase.run(self, tmp, task_vars)  # ActionBase's bookkeeping, not PersonalizeAction's run_module
        validated = ArgumentSpecValidator(inputs_argument_spec()).validate(self._task.args)
        if validated.error_messages:
            result.update(failed=True, changed=False, msg="personalize_migrate_inputs: %s" % "; ".join(validated.error_messages))
            return result
        out = typed_inputs(validated.validated_parameters)
        if not out.get("failed"):
            # The typed variables hold tokens: shown nowhere (as no_log), the registered result keeps them.
            out["_ansible_no_log"] = True
        result.update(out)
        return result
