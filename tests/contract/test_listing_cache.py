"""ProjectListings(cache=...) against the emulator: listings shared between the tasks of one run
(the cache files alone: tests/unit/module_utils/test_listing_cache.py)."""

import functools

from emulator.harness import DEST_PROJECT, DEST_TOKEN, Emulator

from ansible_collections.contentstack.personalize.plugins.module_utils.client import PersonalizeClient
from ansible_collections.contentstack.personalize.plugins.module_utils.runner import project_of, run_module


def task_params(emu, key, **extra):
    """A task's parameters against the emulator's destination project, with a listing_cache key."""
    base = {"api_url": emu.url, "project_uid": DEST_PROJECT, "oauth_token": DEST_TOKEN,
            "rate_limit": 0, "listing_cache": key}
    base.update(extra)
    return base


def emu_client(emu):
    return PersonalizeClient(api_url=emu.url, project_uid=DEST_PROJECT, oauth_token=DEST_TOKEN, rate_limit=0)


def test_tasks_with_one_key_list_each_kind_once_and_see_each_others_writes(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with Emulator(seeds=["empty-dest"], tmp_path=tmp_path / "emu") as emu:
        params = functools.partial(task_params, emu, "run-42")
        client = functools.partial(emu_client, emu)

        mark = emu.mark()
        first = run_module("personalize_attribute", params(items=[{"key": "tier"}]), client=client())
        assert first["changed"] and first["summary"] == {"created": 1}
        # The audience task finds the new attribute in the listing the attribute task left:
        # it lists audiences (not cached yet), never attributes again.
        second = run_module("personalize_audience", params(items=[{"name": "Tier set", "definition": {
            "combinationType": "AND", "rules": [{"attribute": {"key": "tier"},
                                                 "attributeMatchCondition": "HAS_ANY_VALUE"}]}}]), client=client())
        assert second["changed"], second
        gets = [e["path"] for e in emu.log(mark) if e["method"] == "GET"]
        assert gets == ["/attributes", "/audiences"]
        # Re-running both with the same key: no call at all, nothing changed.
        mark = emu.mark()
        assert not run_module("personalize_attribute", params(items=[{"key": "tier"}]), client=client())["changed"]
        assert emu.log(mark) == []
        # Check mode reads the cache but leaves its predictions out of it.
        run_module("personalize_event", params(items=[{"key": "signup"}]), check_mode=True, client=client())
        cached = project_of(client(), params())
        assert cached.raw("events") == []
        # Without the option every task lists again.
        mark = emu.mark()
        run_module("personalize_attribute", params(items=[{"key": "tier"}], listing_cache=None), client=client())
        assert [e["path"] for e in emu.log(mark)] == ["/attributes"]


def test_a_task_that_fails_after_a_write_leaves_the_listings_as_its_writes_kept_them(tmp_path, monkeypatch):
    """A later task with the same key (under rescue or ignore_errors) must not create it twice."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    rule = {"combinationType": "AND", "rules": [{
        "attribute": {"preset": "COUNTRY"}, "attributeMatchCondition": "STRING_EQUALS",
        "attributeMatchOptions": {"__type": "StringMatchOptions", "value": "CA"}}]}
    audiences = [{"name": "Canada", "definition": rule}, {"name": "Canada too", "definition": rule}]
    with Emulator(seeds=["empty-dest"], tmp_path=tmp_path / "emu") as emu:
        params = functools.partial(task_params, emu, "run-7")
        client = functools.partial(emu_client, emu)

        # An earlier task of the run cached the (empty) audience listing.
        assert not run_module("personalize_audience", params(items=[]), client=client())["changed"]
        # The project takes one audience more: the first is created, the second refused.
        emu.configure(limits={"audiences": 1})
        failed = run_module("personalize_audience", params(items=audiences), client=client())
        assert failed["failed"] and "Canada too" in failed["msg"], failed
        emu.configure(limits={"audiences": 100})
        mark = emu.mark()
        again = run_module("personalize_audience", params(items=audiences), client=client())
        assert again["summary"] == {"created": 1, "unchanged": 1}, again
        assert [(e["method"], e["path"]) for e in emu.log(mark)] == [("POST", "/audiences")]
        names = sorted(a["name"] for a in emu.state()["projects"][DEST_PROJECT]["audiences"])
        assert names == ["Canada", "Canada too"]


def test_a_created_experience_needs_no_versions_call_in_the_next_task(tmp_path, monkeypatch):
    """The API makes one empty draft with an experience (its latestVersion): the experiences task
    leaves that in the listings, and the versions task with the same key lists no versions."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with Emulator(seeds=["empty-dest"], tmp_path=tmp_path / "emu") as emu:
        params = functools.partial(task_params, emu, "run-9")
        client = functools.partial(emu_client, emu)

        created = run_module("personalize_experience", params(name="Test", type="ab_test"), client=client())
        assert created["action"] == "create", created
        draft = created["object"]["latestVersion"]
        mark = emu.mark()
        versions = run_module("personalize_version", params(experience="Test", status="active", variants=[
            {"name": "A", "trafficDistribution": 50}, {"name": "B", "trafficDistribution": 50}]), client=client())
        assert versions["changed"] and versions["version_changes"] == [{"change": "activated", "version": draft}]
        path = "/experiences/%s/versions" % created["uid"]
        assert [(e["method"], e["path"]) for e in emu.log(mark)] == [("GET", "/audiences"), ("GET", "/events"),
                                                                     ("PUT", path + "/" + draft)]
