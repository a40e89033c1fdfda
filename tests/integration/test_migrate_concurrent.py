"""Two runs at once (issue 18, item 8).

On one machine, two copies into one destination started 0, 2 and 4 s apart: the second waits for
the first's lock (its progress line names the run that holds it), then finds everything present
and writes nothing or little; the final state is an exact copy with no duplicates (judged by the
emulators' own state). A lock left by a killed run is replaced at once. The refusal of
migrate_lock_wait: 0 is a row of the bad-input table.
"""

import json
import pathlib
import subprocess
import time

import pytest

from reliability.copyrun import MIGRATE, WRITE_METHODS, Pair, Run, _environ, command, copy_vars, judge, write_vars


def start(workdir, variables, name, env=None):
    """Start one ansible-playbook copy; returns (process, capture path)."""
    workdir = pathlib.Path(workdir) / name
    workdir.mkdir(parents=True, exist_ok=True)
    vars_file = write_vars(workdir, variables, "vars.json")
    capture = workdir / "capture.json"
    proc = subprocess.Popen(command(MIGRATE, vars_file), cwd=str(workdir), env=_environ(workdir, capture, env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, capture, time.monotonic()


def finish(started, timeout=600):
    proc, capture, began = started
    stdout, stderr = proc.communicate(timeout=timeout)
    tasks = json.loads(capture.read_text()) if capture.exists() else []
    return Run(proc.returncode, stdout, stderr, tasks, time.monotonic() - began)


def writes_between(emu, first, last):
    return [e for e in emu.log() if e["method"] in WRITE_METHODS and first <= e["ts"] <= last]


@pytest.mark.parametrize("apart", [0, 2, 4])
def test_two_copies_on_one_machine_take_turns(tmp_path, apart):
    with Pair(tmp_path, rate_limit=0) as pair:
        variables = copy_vars(pair, tmp_path / "report")
        first = start(tmp_path, dict(variables, migrate_report_dir=str(tmp_path / "report-a")), "a")
        time.sleep(apart)
        second = start(tmp_path, dict(variables, migrate_report_dir=str(tmp_path / "report-b")), "b")
        runs = [finish(first), finish(second)]
        for run in runs:
            assert run.rc == 0, (run.failure(), run.stdout[-3000:])
            assert "Traceback" not in run.stdout + run.stderr
        problems = judge(*pair.states())
        assert problems == [], problems
        # Exactly one of them waited, with a progress line naming the run that holds the lock.
        waited = [r for r in runs if any(t["name"].split(" : ", 1)[-1].startswith("Extract | wait for run localhost")
                                         and t["status"] == "ok" for t in r.tasks)]
        assert len(waited) == 1, [[t["name"] for t in r.tasks if "lock" in t["name"] or "wait" in t["name"]] for r in runs]
        wait_task = [t for t in waited[0].tasks if "Extract | wait for run localhost" in t["name"]][0]
        assert "ansible-playbook pid" in wait_task["name"] and "since" in wait_task["name"], wait_task["name"]
        # The one that waited read the destination after the other's last write, and wrote nothing.
        other = runs[1 - runs.index(waited[0])]
        late_start = wait_task["end"]
        assert writes_between(pair.dest, late_start, float("inf")) == [], "the second run found everything present"
        assert max(e["ts"] for e in pair.dest.writes()) <= late_start
        assert max(t["end"] for t in other.tasks) <= late_start + 1, "it waited for the end of the other run"
        # Both gave their lock back: no lock file is left.
        for run in runs:
            lock = [t for t in run.tasks if t["name"].split(" : ", 1)[-1] == "Extract | lock"][0]
            path = lock["result"]["msg"].rsplit("(", 1)[-1].rstrip(")")
            assert not pathlib.Path(path).exists(), path


def test_the_lock_of_a_killed_run_is_replaced(tmp_path):
    """A lock file whose owner process is gone (a SIGKILLed run) does not stop the next run."""
    from ansible_collections.contentstack.personalize.plugins.module_utils import run_lock
    from ansible_collections.contentstack.personalize.plugins.module_utils.migrate_role import endpoint

    with Pair(tmp_path, rate_limit=0) as pair:
        variables = copy_vars(pair, tmp_path / "report", migrate_lock_wait=0)
        gone = subprocess.Popen(["true"])
        gone.wait()
        destination = endpoint(variables["migrate_destination"])
        run_lock.acquire(destination, "localhost", me=(gone.pid, "1"))
        run = finish(start(tmp_path, variables, "after-kill"))
        assert run.rc == 0, (run.failure(), run.stdout[-3000:])
        lock = [t for t in run.tasks if t["name"].split(" : ", 1)[-1] == "Extract | lock"][0]
        assert "replaced the stale lock" in lock["result"]["msg"], lock["result"]["msg"]
        assert judge(*pair.states()) == []
        assert not pathlib.Path(run_lock.lock_path(destination)).exists()
