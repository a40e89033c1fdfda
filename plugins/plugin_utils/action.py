# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side execution of the collection's modules.

A module task normally costs ~0.28 s before its first HTTP request (AnsiballZ packaging, a new
interpreter, imports). The API allows one request per 0.1 s, so every module has an action plugin
of the same name that validates the arguments with the module's own argument spec and runs the
very same ``runner.run_module`` in the worker process. The module files still work on their own
(``ansible.builtin.*`` style use, or ``ansible-doc``), they just are not shipped anywhere.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import run_module
from ansible_collections.contentstack.personalize.plugins.module_utils.specs import module_spec
# Loads the collection's filters and lookups into ansible-playbook's own process (see preload.py).
from ansible_collections.contentstack.personalize.plugins.plugin_utils import preload  # noqa: F401 pylint: disable=unused-import


class PersonalizeAction(ActionBase):
    """Base of the per-module action plugins; subclasses set MODULE."""

    MODULE = None
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(PersonalizeAction, self).run(tmp, task_vars)
        spec = module_spec(self.MODULE)
        validator = ArgumentSpecValidator(
            spec["argument_spec"],
            mutually_exclusive=spec.get("mutually_exclusive"),
            required_one_of=spec.get("required_one_of"),
        )
        validated = validator.validate(self._task.args)
        no_log_values = validated._no_log_values
        if validated.error_messages:
            result.update(failed=True, changed=False,
                          msg=remove_values("; ".join(validated.error_messages), no_log_values))
            return result
        out = run_module(
            self.MODULE,
            validated.validated_parameters,
            check_mode=self._effective("check_mode"),
            diff=self._effective("diff"),
        )
        # Whatever happens, a secret option's value never reaches the output.
        result.update(remove_values(out, no_log_values))
        return result

    def _effective(self, name):
        """A task-level check_mode/diff wins over the play's (--check, --diff)."""
        value = getattr(self._task, name, None)
        if value is None:
            value = getattr(self._play_context, name, False)
        return bool(value)
