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

from emulator.harness import DEST_PROJECT

from reliability.copyrun import MIGRATE, WRITE_METHODS, Pair, Run, _environ, command, copy_vars, judge, write_vars


def start(workdir, variables, name, env=None, args=()):
    """Start one ansible-playbook copy; returns (process, capture path, start time)."""
    workdir = pathlib.Path(workdir) / name
    workdir.mkdir(parents=True, exist_ok=True)
    vars_file = write_vars(workdir, variables, "vars.json")
    capture = workdir / "capture.json"
    proc = subprocess.Popen(command(MIGRATE, vars_file, args), cwd=str(workdir), env=_environ(workdir, capture, env),
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
        waited = [r for r in runs if any(t["name"].split(" : ", 1)[-1].startswith("Extract | wait for the destination's lock, held by run localhost")
                                         and t["status"] == "ok" for t in r.tasks)]
        assert len(waited) == 1, [[t["name"] for t in r.tasks if "lock" in t["name"] or "wait" in t["name"]] for r in runs]
        wait_task = [t for t in waited[0].tasks if "Extract | wait for the destination's lock, held by run localhost" in t["name"]][0]
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


def seed_names(kind):
    seed = json.loads((pathlib.Path(__file__).resolve().parents[1] / "emulator" / "seeds" / "retail.json").read_text())
    return [x["name"] for x in seed["projects"][0][kind]]


def task_named(run, start_of_name):
    return [t for t in run.tasks if t["name"].split(" : ", 1)[-1].startswith(start_of_name)]


def test_two_machines_leave_twins_that_migrate_repair_duplicates_repairs(tmp_path):
    """Two copies 4 s apart with separate private directories (as on two machines: no shared lock)
    make twins; the overlap is made certain by 1.5 s of latency on every destination request (the
    later run reads the destination's audiences and experiences before the first creates any).
    Then the next copy refuses, naming the twins and the option; with migrate_repair_duplicates its
    check mode lists the repairs first, and the real run converges to an exact copy."""
    with Pair(tmp_path, rate_limit=0) as pair:
        variables = copy_vars(pair, tmp_path / "report")
        # Attributes and events first (the API keeps keys unique: a second create of one is refused).
        prep = finish(start(tmp_path, dict(variables, migrate_exclude=seed_names("audiences") + seed_names("experiences")),
                            "prep"))
        assert prep.rc == 0, prep.failure()
        pair.dest.configure(faults={"latency": 1.0, "latency_seconds": 1.5})
        machines = []
        for name in ("machine-a", "machine-b"):
            private = tmp_path / name / "tmp"
            private.mkdir(parents=True)
            machines.append(start(tmp_path, variables, name, env={"TMPDIR": str(private)}))
            time.sleep(4)
        for run in [finish(m) for m in machines]:
            assert "Traceback" not in run.stdout + run.stderr
        pair.dest.configure(faults={"latency": 0.0})
        dest = pair.dest.state()["projects"][DEST_PROJECT]
        names = [a["name"] for a in dest["audiences"]] + [x["name"] for x in dest["experiences"]]
        twins = sorted(set(n for n in names if names.count(n) > 1))
        assert twins, "the two runs overlapped and made twins"

        refused = finish(start(tmp_path, variables, "refused"))
        assert refused.rc != 0
        stop = refused.failed_tasks()[-1]
        assert stop["name"].split(" : ", 1)[-1].startswith("Validate |"), stop["name"]
        assert "is ambiguous" in stop["result"]["msg"] and "migrate_repair_duplicates: true" in stop["result"]["msg"]

        mark = pair.dest.mark()
        repair_vars = dict(variables, migrate_repair_duplicates=True)
        check = finish(start(tmp_path, repair_vars, "check", args=["--check"]))
        assert check.rc == 0, (check.failure(), check.stdout[-3000:])
        assert pair.dest.writes(mark) == [], "check mode writes nothing"
        listed = task_named(check, "Repair | progress")[0]["result"]["msg"]
        # the repair comes before any load task (the identical twins aside, both runs completed the copy:
        # the plan may find the load nothing to write)
        order = [t["name"].split(" : ", 1)[-1] for t in check.tasks]
        loads = [order.index(n) for n in order if n.startswith(("Load | ", "Priority | "))]
        assert order.index("Repair | progress") < min(loads + [len(order)])
        assert all(any(repr(n) in line and "would delete" in line for line in listed) for n in twins), listed

        repaired = finish(start(tmp_path, repair_vars, "repaired"))
        assert repaired.rc == 0, (repaired.failure(), repaired.stdout[-3000:])
        deletes = [e for e in pair.dest.writes(mark) if e["method"] == "DELETE"]
        assert len(deletes) == len(names) - len(set(names)), deletes
        assert judge(*pair.states()) == []
        after = pair.dest.mark()
        again = finish(start(tmp_path, variables, "again"))
        assert again.rc == 0, again.failure()
        assert pair.dest.writes(after) == [], "converged: a plain re-run writes nothing"
