# -*- coding: utf-8 -*-
# Test helper: records every task result with its start and end time, as JSON, so a test can
# match each task to the emulator's request log by time.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: capture
type: aggregate
short_description: Write task results and timings to the file named by CAPTURE_FILE (tests only)
description:
  - Test helper of contentstack.personalize.
requirements:
  - CAPTURE_FILE set in the environment
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "capture"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.records = []
        self.started = {}
        self.path = os.environ.get("CAPTURE_FILE")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started[task._uuid] = time.time()

    def _record(self, result, status):
        task = result._task
        data = result._result
        try:
            data = json.loads(json.dumps(data, default=str))
        except Exception:  # pragma: no cover
            data = {"unserializable": str(data)}
        self.records.append({
            "name": task.get_name(),
            "action": task.action,
            "status": status,
            "start": self.started.get(task._uuid),
            "end": time.time(),
            "result": data,
        })
        self._flush()

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def _flush(self):
        if not self.path:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w") as handle:
            json.dump(self.records, handle)
        os.replace(tmp, self.path)
