"""The one atomic write (local_files.write_atomically) and the files that go through it: the report and
export folders' files, the listing cache and OAuth token store (write_private_json), the copy lock."""

import json
import os
import stat

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils import listing_cache, local_files, run_lock


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_replaces_the_file_with_the_mode_given_and_leaves_no_temporary_file(tmp_path):
    path = str(tmp_path / "summary.txt")
    local_files.write_atomically(path, u"first caf\u00e9\n", 0o644)
    assert open(path, "rb").read() == u"first caf\u00e9\n".encode("utf-8") and mode(path) == 0o644
    local_files.write_atomically(path, b"second\n", 0o600)
    assert open(path, "rb").read() == b"second\n" and mode(path) == 0o600
    assert os.listdir(str(tmp_path)) == ["summary.txt"]


def test_a_failed_replace_keeps_nothing_of_the_attempt(tmp_path):
    target = tmp_path / "report.json"
    target.mkdir()  # a folder where the file goes: os.replace fails
    with pytest.raises(OSError):
        local_files.write_atomically(str(target), "{}", 0o600, prefix=".pair-")
    assert os.listdir(str(tmp_path)) == ["report.json"] and os.listdir(str(target)) == []


def test_private_json_is_0600_and_false_when_it_cannot_be_written(tmp_path):
    path = str(tmp_path / "pair.json")
    assert listing_cache.write_private_json(path, {"b": 1, "a": [2]}, ".pair-") is True
    assert json.load(open(path)) == {"b": 1, "a": [2]} and mode(path) == 0o600
    assert open(path).read() == '{"b":1,"a":[2]}'
    assert listing_cache.write_private_json(str(tmp_path / "gone" / "pair.json"), {}, ".pair-") is False
    assert os.listdir(str(tmp_path)) == ["pair.json"]


def test_the_lock_is_replaced_whole_and_private(tmp_path):
    me = (os.getpid(), run_lock.process_start(os.getpid()))
    got = run_lock.acquire("dest", "first", directory=str(tmp_path), me=me)
    os.chmod(got["path"], 0o644)
    dead = {"pid": 2 ** 22 + 1, "start": "1", "owner": "gone", "host": got["holder"]["host"], "since": 0}
    with open(got["path"], "w") as handle:
        json.dump(dead, handle)
    again = run_lock.acquire("dest", "second", directory=str(tmp_path), me=me)
    assert again["acquired"] and again["replaced"] == dead
    assert json.load(open(got["path"]))["owner"] == "second" and mode(got["path"]) == 0o600
    name = os.path.basename(got["path"])
    assert sorted(os.listdir(str(tmp_path))) == [name, name + ".guard"]


def test_a_file_change_is_written_through_the_same_write(tmp_path):
    path = str(tmp_path / "attributes.yml")
    change = local_files.file_change(path, "- key: tier\n", 0o640)
    local_files.apply_change(change, 0o640)
    assert open(path).read() == "- key: tier\n" and mode(path) == 0o640
    assert local_files.file_change(path, "- key: tier\n", 0o640) is None
