# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs contentstack.personalize.personalize_lock in the task's worker process, whose parent is the
ansible-playbook process that owns the lock (see module_utils/run_lock.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.contentstack.personalize.plugins.module_utils import run_lock
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.migrate_role import endpoint
from ansible_collections.contentstack.personalize.plugins.module_utils.options import CONNECTION_ARGSPEC
# Loads the collection's filters and lookups into ansible-playbook's own process (see preload.py).
from ansible_collections.contentstack.personalize.plugins.plugin_utils import preload  # noqa: F401 pylint: disable=unused-import


def destination_of(params):
    """The project's endpoint; for a project given by name, its organization and name, whether it
    exists yet or not (its uid is known only once it does)."""
    if params.get("project_name"):
        return "%s organization %s project named %s" % (
            endpoint(dict(params, project_uid="")).split(" project ", 1)[0], params.get("organization_uid"), params["project_name"])
    return endpoint(params)


def lock(params):
    try:
        destination = destination_of(params)
    except PersonalizeError as exc:
        # Nothing can be read or written with these settings; the role's validate phase reports them.
        return {"changed": False, "destination": None, "stale": None, "acquired": params["state"] == "present",
                "released": False, "holder": {}, "holder_text": "", "path": "",
                "msg": "no lock: the connection settings cannot work (%s)" % exc}
    out = {"changed": False, "destination": destination, "stale": None, "acquired": False, "released": False}
    if params["state"] == "absent":
        out["released"] = run_lock.release(destination, params["owner"])
        out.update(holder={}, holder_text="", path=run_lock.lock_path(destination),
                   msg="lock released" if out["released"] else "this run held no lock")
        return out
    got = run_lock.acquire(destination, params["owner"])
    out.update(acquired=got["acquired"], holder=got["holder"], holder_text=run_lock.describe(got["holder"]),
               path=got["path"], stale=got["replaced"])
    if not got["acquired"]:
        out["msg"] = run_lock.refusal(destination, got)
    elif got["replaced"]:
        out["msg"] = "lock taken; it replaced the stale lock of %s, whose process is gone" % run_lock.describe(got["replaced"])
    else:
        out["msg"] = "lock taken"
    return out


class ActionModule(ActionBase):
    MODULE = "personalize_lock"
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        spec = dict(copy.deepcopy(CONNECTION_ARGSPEC), **copy.deepcopy(run_lock.LOCK_OPTIONS))
        validated = ArgumentSpecValidator(spec).validate(self._task.args)
        no_log_values = validated._no_log_values
        if validated.error_messages:
            result.update(failed=True, changed=False, msg=remove_values("; ".join(validated.error_messages), no_log_values))
            return result
        try:
            out = lock(validated.validated_parameters)
        except (PersonalizeError, OSError) as exc:
            out = {"failed": True, "changed": False, "msg": "personalize_lock: %s" % exc}
        result.update(remove_values(out, no_log_values))
        return result
