"""ProjectListings(cache=...) against the emulator: listings shared between the tasks of one run
(the cache files alone: tests/unit/module_utils/test_listing_cache.py)."""

from emulator.harness import DEST_PROJECT, DEST_TOKEN, Emulator

from ansible_collections.contentstack.personalize.plugins.module_utils.client import PersonalizeClient
from ansible_collections.contentstack.personalize.plugins.module_utils.runner import project_of, run_module


def test_tasks_with_one_key_list_each_kind_once_and_see_each_others_writes(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with Emulator(seeds=["empty-dest"], tmp_path=tmp_path / "emu") as emu:
        def params(**extra):
            base = {"api_url": emu.url, "project_uid": DEST_PROJECT, "oauth_token": DEST_TOKEN,
                    "rate_limit": 0, "listing_cache": "run-42"}
            base.update(extra)
            return base

        def client():
            return PersonalizeClient(api_url=emu.url, project_uid=DEST_PROJECT, oauth_token=DEST_TOKEN, rate_limit=0)

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
