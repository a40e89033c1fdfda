"""ListingCache: the files that share listings between the tasks of one run (the emulator test of
ProjectListings(cache=...) is tests/contract/test_listing_cache.py)."""

import json
import os
import stat
import time

from ansible_collections.contentstack.personalize.plugins.module_utils.listing_cache import MAX_AGE, ListingCache

URL = "https://personalize-api.contentstack.com"
PROJECT = "6650a1b2c3d4e5f601000001"


def test_round_trip_private_files_named_by_a_digest(tmp_path):
    cache = ListingCache("run 1", URL, PROJECT, directory=str(tmp_path))
    assert cache.load() == {}
    assert cache.save({"lists": {"events": [{"uid": "e1", "key": "signup"}]}})
    assert cache.load() == {"lists": {"events": [{"uid": "e1", "key": "signup"}]}}
    listing_dir = tmp_path / "listings"
    assert stat.S_IMODE(os.stat(listing_dir).st_mode) == 0o700
    (name,) = os.listdir(listing_dir)
    assert stat.S_IMODE(os.stat(listing_dir / name).st_mode) == 0o600
    assert PROJECT not in name and "contentstack" not in name
    # another key, project or host is another file
    assert ListingCache("run 2", URL, PROJECT, directory=str(tmp_path)).load() == {}
    assert ListingCache("run 1", URL, "6650a1b2c3d4e5f601000002", directory=str(tmp_path)).load() == {}


def test_corrupt_file_means_not_cached(tmp_path):
    cache = ListingCache("k", URL, PROJECT, directory=str(tmp_path))
    cache.save({"lists": {}})
    with open(cache.path, "w") as handle:
        handle.write("{not json")
    assert cache.load() == {}
    with open(cache.path, "w") as handle:
        json.dump([1, 2], handle)
    assert cache.load() == {}


def test_files_older_than_a_day_are_removed_by_the_next_save(tmp_path):
    old = ListingCache("old run", URL, PROJECT, directory=str(tmp_path))
    old.save({"lists": {}})
    past = time.time() - MAX_AGE - 60
    os.utime(old.path, (past, past))
    ListingCache("new run", URL, PROJECT, directory=str(tmp_path)).save({"lists": {}})
    assert not os.path.exists(old.path)
    assert len(os.listdir(tmp_path / "listings")) == 1
