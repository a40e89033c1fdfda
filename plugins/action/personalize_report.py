# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs contentstack.personalize.personalize_report in the task's worker process (no module run)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.contentstack.personalize.plugins.module_utils import report_files
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.plugin_utils.action import PersonalizeAction


class ActionModule(PersonalizeAction):
    """Its own arguments and executor, not runner.run_module's: nothing is read from the API. The base class
    gives the task's effective check and diff modes."""

    MODULE = "personalize_report"

    def run(self, tmp=None, task_vars=None):
        result = ActionBase.run(self, tmp, task_vars)  # ActionBase's bookkeeping, not PersonalizeAction's run_module
        validated = ArgumentSpecValidator(report_files.argument_spec()).validate(self._task.args)
        no_log_values = validated._no_log_values
        if validated.error_messages:
            result.update(failed=True, changed=False, msg=remove_values("; ".join(validated.error_messages), no_log_values))
            return result
        try:
            out = report_files.write(validated.validated_parameters, check_mode=self._effective("check_mode"),
                                     diff=self._effective("diff"))
        except PersonalizeError as exc:
            out = {"failed": True, "changed": False, "msg": "personalize_report: %s" % exc}
        result.update(remove_values(out, no_log_values))
        return result
