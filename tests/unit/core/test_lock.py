"""The lock of one destination (module_utils/run_lock.py): a file in a private directory, owned by
a live process; a second owner is refused, a dead or reused pid is stale, release is the owner's."""

import os
import stat
import subprocess

from ansible_collections.contentstack.personalize.plugins.module_utils import run_lock

DEST = "https://personalize-api.contentstack.com project 6650a1b2c3d4e5f602000001"


def me():
    return os.getpid(), run_lock.process_start(os.getpid())


def dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_first_run_takes_the_lock_in_a_private_file_named_by_a_hash(tmp_path):
    directory = str(tmp_path / "private")
    got = run_lock.acquire(DEST, "shop-eu", directory=directory, me=me())
    assert got["acquired"] and got["replaced"] is None
    assert os.path.dirname(got["path"]) == directory
    assert "6650a1b2c3d4e5f602000001" not in os.path.basename(got["path"])
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(got["path"]).st_mode) == 0o600
    assert got["holder"]["owner"] == "shop-eu" and got["holder"]["pid"] == os.getpid()


def test_a_second_owner_is_refused_with_the_holder_and_the_path(tmp_path):
    run_lock.acquire(DEST, "first", directory=str(tmp_path), me=me())
    got = run_lock.acquire(DEST, "second", directory=str(tmp_path), me=(os.getpid(), "other"))
    assert not got["acquired"]
    assert got["holder"]["owner"] == "first"
    message = run_lock.refusal(DEST, got)
    for words in ("run first", "ansible-playbook pid %d" % os.getpid(), "since", got["path"], DEST, "Nothing was written"):
        assert words in message, (words, message)


def test_the_same_run_takes_it_again(tmp_path):
    assert run_lock.acquire(DEST, "a", directory=str(tmp_path), me=me())["acquired"]
    again = run_lock.acquire(DEST, "a", directory=str(tmp_path), me=me())
    assert again["acquired"] and again["replaced"] is None


def test_a_lock_whose_process_is_gone_is_stale(tmp_path):
    run_lock.acquire(DEST, "killed", directory=str(tmp_path), me=(dead_pid(), "123"))
    got = run_lock.acquire(DEST, "next", directory=str(tmp_path), me=me())
    assert got["acquired"] and got["replaced"]["owner"] == "killed"


def test_a_reused_pid_is_not_the_owner(tmp_path):
    """The pid runs, but it is another process than the one that took the lock (other start time)."""
    run_lock.acquire(DEST, "old", directory=str(tmp_path), me=(os.getpid(), "1"))
    got = run_lock.acquire(DEST, "new", directory=str(tmp_path), me=(os.getppid(), run_lock.process_start(os.getppid())))
    assert got["acquired"] and got["replaced"]["owner"] == "old"


def test_release_removes_only_the_owners_lock(tmp_path):
    path = run_lock.acquire(DEST, "a", directory=str(tmp_path), me=me())["path"]
    assert run_lock.release(DEST, "b", directory=str(tmp_path), me=me()) is False
    assert os.path.exists(path)
    assert run_lock.release(DEST, "a", directory=str(tmp_path), me=me()) is True
    assert not os.path.exists(path)
    assert run_lock.release(DEST, "a", directory=str(tmp_path), me=me()) is False


def test_other_destinations_have_other_locks(tmp_path):
    run_lock.acquire(DEST, "a", directory=str(tmp_path), me=me())
    assert run_lock.acquire(DEST.replace("602", "603"), "b", directory=str(tmp_path), me=(os.getpid(), "x"))["acquired"]


def test_process_start_of_a_gone_process_is_none():
    assert run_lock.process_start(dead_pid()) is None
    assert run_lock.alive(os.getpid(), run_lock.process_start(os.getpid()))
    assert not run_lock.alive(os.getpid(), "not-its-start")
