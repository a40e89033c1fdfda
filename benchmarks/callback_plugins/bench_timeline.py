# -*- coding: utf-8 -*-
# Benchmark helper: one JSON line per task start and per host result (names and times only, no
# results, so nothing secret is written), to match the emulators' request logs to the role's tasks.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_timeline
type: aggregate
short_description: Append task start and end times to the file named by BENCH_TIMELINE (benchmarks only)
description:
  - Benchmark helper of contentstack.personalize; writes JSON lines, never task results.
requirements:
  - BENCH_TIMELINE set in the environment
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timeline"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        path = os.environ.get("BENCH_TIMELINE")
        self.handle = open(path, "a") if path else None

    def _write(self, **record):
        if self.handle is None:
            return
        record["ts"] = time.time()
        self.handle.write(json.dumps(record) + "\n")
        self.handle.flush()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._write(event="start", task=task.get_name(), uuid=task._uuid)

    def v2_runner_on_start(self, host, task):
        # Per host: under the free strategy each host runs the role's tasks at its own pace.
        self._write(event="host_start", task=task.get_name(), uuid=task._uuid, host=host.get_name())

    def _result(self, result, status):
        self._write(event="end", task=result._task.get_name(), uuid=result._task._uuid,
                    host=result._host.get_name(), status=status)

    def v2_runner_on_ok(self, result):
        self._result(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._result(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._result(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._write(event="stats")
