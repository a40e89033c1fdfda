"""The copy's stack phase against the emulator: both stacks, links, entry variants, the wait, pagination.

One emulator holds both organizations: the retail source project connected to its stack
(retail-stack) and the empty destination project connected to the destination stack (dest-stack),
whose entries have other uids (retail-entry-uid-map.json maps them). Everything is asserted on the
emulator's state and request log.
"""

import json

import pytest

from conftest import DEST, ROOT, SOURCE, WRITE_METHODS
from emulator.harness import Emulator

MIGRATE = str(ROOT / "playbooks" / "migrate.yml")
SEEDS = ROOT / "tests" / "emulator" / "seeds"
SOURCE_STACK, DEST_STACK = "blt8f2e6d4c0a9b7e53", "blt3c9d1e7f5a2b4c68"
BULK_PROJECT, BULK_SOURCE_STACK, BULK_DEST_STACK = "6650a1b2c3d4e5f601000002", "blt9b01c2d3e4f5a601", "blt9b01c2d3e4f5a602"
ROLE = "contentstack.personalize.migrate : "
ENTRY_MAP = json.loads((SEEDS / "retail-entry-uid-map.json").read_text())


@pytest.fixture
def stacks(tmp_path):
    with Emulator(seeds=["retail", "retail-stack", "empty-dest", "dest-stack"], rate_limit=0, tmp_path=tmp_path / "emu") as emu:
        yield emu


def side(emu, which, **extra):
    if which == "source":
        out = {"api_url": emu.url, "cma_url": emu.url, "project_uid": SOURCE["project_uid"],
               "authtoken": SOURCE["readonly_authtoken"], "stack_api_key": SOURCE_STACK}
    else:
        out = {"api_url": emu.url, "cma_url": emu.url, "project_uid": DEST["project_uid"],
               "oauth_token": DEST["oauth_token"], "stack_api_key": DEST_STACK}
    out.update(rate_limit=0, **extra)
    return dict((k, v) for k, v in out.items() if v is not None)


def copy_vars(emu, tmp_path, **extra):
    out = {"migrate_source": side(emu, "source"), "migrate_destination": side(emu, "destination"),
           "migrate_allow_skips": True, "migrate_entry_variants": True, "migrate_locales": ["en-us", "fr-fr"],
           "migrate_entry_uid_map": str(SEEDS / "retail-entry-uid-map.json"), "migrate_report_dir": str(tmp_path / "report")}
    out.update(extra)
    return out


def writes(log, api=None):
    return [e for e in log if e["method"] in WRITE_METHODS and (api is None or e.get("api", "personalize") == api)]


def stack_state(emu, api_key):
    return emu.state()["stacks"][api_key]


def linked_by_experience_name(emu, api_key):
    return dict((g["name"], sorted(c["uid"] for c in g.get("content_types") or []))
                for g in stack_state(emu, api_key)["groups"].values())


def variant_names(emu, api_key):
    """{CMS variant uid: (group name, variant name)} of a stack."""
    stack = stack_state(emu, api_key)
    return dict((uid, (stack["groups"][group]["name"], variant["name"]))
                for group, variants in stack["variants"].items() for uid, variant in variants.items())


def entry_variants(emu, api_key, entry_map=None):
    """{(content type, entry, locale, group name, variant name): (fields, change set)}, entries mapped."""
    stack, names = stack_state(emu, api_key), variant_names(emu, api_key)
    out = {}
    for ct, entries in stack["entry_variants"].items():
        for entry, locales in entries.items():
            for locale, variants in locales.items():
                for uid, ev in variants.items():
                    fields = dict((k, v) for k, v in ev.items() if not k.startswith("_") and k not in (
                        "uid", "locale", "created_at", "updated_at", "created_by", "updated_by", "title"))
                    if "title" in ev["_variant"]["_change_set"]:
                        fields["title"] = ev["title"]
                    key = (ct, (entry_map or {}).get(entry, entry), locale) + names[uid]
                    out[key] = (fields, sorted(ev["_variant"]["_change_set"]))
    return out


def assert_stack_copied(emu, source_stack=SOURCE_STACK, dest_stack=DEST_STACK, entry_map=ENTRY_MAP, locales=("en-us", "fr-fr")):
    source_links = linked_by_experience_name(emu, source_stack)
    dest_links = linked_by_experience_name(emu, dest_stack)
    assert source_links and all(dest_links.get(name) == cts for name, cts in source_links.items()), (source_links, dest_links)
    wanted = dict((k, v) for k, v in entry_variants(emu, source_stack, entry_map).items() if k[2] in locales)
    assert set(k[2] for k in wanted) == set(locales)
    assert entry_variants(emu, dest_stack) == wanted


def report_of(tmp_path):
    return json.loads((tmp_path / "report" / "report.json").read_text())


@pytest.mark.parametrize("group_put, unlinked_status", [("replace", 422), ("merge", 412)])
def test_cross_organization_copy_with_both_stacks(stacks, ansible_playbook, tmp_path, group_put, unlinked_status):
    emu = stacks
    emu.configure(cma_group_put=group_put, cma_unlinked_status=unlinked_status)
    extra = copy_vars(emu, tmp_path)

    # check mode: nothing written on either API; the links and entry variants it would make are listed,
    # though the destination's groups do not exist yet
    mark = emu.mark()
    check = ansible_playbook(MIGRATE, check=True, extra_vars=extra)
    assert check.rc == 0, check.stdout[-4000:]
    assert writes(emu.log(mark)) == []
    assert "would link the variant group of 'Homepage Hero by Loyalty' (once Personalize has made it): link home_page" in check.stdout
    assert "would create entry variant home_page/bltd5e0000000000000 fr-fr: Homepage Hero by Loyalty / Members hero" in check.stdout
    assert "stack: 6 variant groups to link, entry variants 40 to create, 0 to update, 0 unchanged, 0 skipped" in check.stdout

    mark = emu.mark()
    run = ansible_playbook(MIGRATE, extra_vars=extra)
    assert run.rc == 0, run.stdout[-6000:] + run.stderr[-2000:]
    log = emu.log(mark)
    assert writes([e for e in log if e.get("stack") == SOURCE_STACK or e["project"] == SOURCE["project_uid"]]) == []
    report = report_of(tmp_path)
    assert report["verify"] == "ok"
    assert report["stack"]["groups_linked"] == 6
    assert report["stack"]["entry_variants"] == {"created": 40, "updated": 0, "unchanged": 0, "skipped": 0}
    assert report["stack"]["cma_calls"]["destination"]["calls"] > 0
    # the report's destination total counts the stack phase too: every call to the destination's
    # project and stack in the emulator's log (and the organization's project lists of its side)
    dest_calls = [e for e in log if e.get("stack") == DEST_STACK or e["project"] == DEST["project_uid"]]
    org_lists = len([e for e in log if e["path"] == "/projects" and e not in dest_calls])
    assert len(dest_calls) <= report["calls"]["destination"]["calls"] <= len(dest_calls) + org_lists
    assert_stack_copied(emu)
    # the maps: the fact and uid-map.json
    uid_map = json.loads((tmp_path / "report" / "uid-map.json").read_text())
    dest_stack = stack_state(emu, DEST_STACK)
    source_stack = stack_state(emu, SOURCE_STACK)
    assert sorted(uid_map["variant_groups"]) == sorted(source_stack["groups"])
    assert sorted(uid_map["variant_groups"].values()) == sorted(dest_stack["groups"])
    names_src, names_dst = variant_names(emu, SOURCE_STACK), variant_names(emu, DEST_STACK)
    assert uid_map["cms_variants"] and all(names_src[s] == names_dst[d] for s, d in uid_map["cms_variants"].items())
    fact = run.result(ROLE + "Verify | compare the destination with the planned copy of the source, and map the uids")
    assert fact["ansible_facts"]["personalize_uid_map"]["cms_variants"] == uid_map["cms_variants"]
    assert "stack: 6 variant groups linked; entry variants: 40 created, 0 updated, 0 unchanged, 0 skipped" in run.stdout

    # a re-run writes nothing, on either API
    mark = emu.mark()
    again = ansible_playbook(MIGRATE, extra_vars=extra)
    assert again.rc == 0, again.stdout[-4000:]
    assert writes(emu.log(mark)) == []
    assert "changed=0" in again.stdout
    assert report_of(tmp_path)["stack"]["entry_variants"] == {"created": 0, "updated": 0, "unchanged": 40, "skipped": 0}


# Before Personalize's background job an experience's _cms is {} or missing (the reference does not say).
@pytest.mark.parametrize("cms_pending", ["empty", "absent"])
def test_the_copy_waits_for_the_destinations_groups(stacks, ansible_playbook, tmp_path, cms_pending):
    emu = stacks
    emu.configure(cms_delay=5, cms_pending=cms_pending)
    run = ansible_playbook(MIGRATE, extra_vars=copy_vars(emu, tmp_path, migrate_entry_variants=False))
    assert run.rc == 0, run.stdout[-4000:]
    assert "stack: waiting for the variant groups of 6 of 6 experiences" in run.stdout
    assert report_of(tmp_path)["verify"] == "ok"
    assert linked_by_experience_name(emu, DEST_STACK) == linked_by_experience_name(emu, SOURCE_STACK)


def test_a_wait_longer_than_the_timeout_fails_naming_the_experiences_and_a_rerun_finishes(stacks, ansible_playbook, tmp_path):
    emu = stacks
    emu.configure(cms_delay=60)
    extra = copy_vars(emu, tmp_path, migrate_cms_timeout=3)
    run = ansible_playbook(MIGRATE, extra_vars=extra)
    assert run.rc != 0
    failed = run.task(ROLE + "Stack | the destination's variant groups exist")["result"]
    assert "Homepage Hero by Loyalty" in failed["msg"] and "Run the copy again" in failed["msg"]
    # the Personalize side is complete; nothing was written on the stack side
    state = emu.state()["projects"]
    assert sorted(e["name"] for e in state[DEST["project_uid"]]["experiences"]) == sorted(
        e["name"] for e in state[SOURCE["project_uid"]]["experiences"])
    assert writes(emu.log(), "cma") == []
    emu.configure(cms_delay=0)
    again = ansible_playbook(MIGRATE, extra_vars=extra)
    assert again.rc == 0, again.stdout[-4000:]
    assert report_of(tmp_path)["verify"] == "ok"
    assert_stack_copied(emu)


# The server's maximum page (cma_max_limit) cuts the client's page: every list is read to its end anyway.
@pytest.mark.parametrize("server_max", [1, 7])
def test_the_stack_phase_at_a_server_maximum_below_its_page(stacks, ansible_playbook, tmp_path, server_max):
    emu = stacks
    emu.configure(cma_max_limit=server_max, cma_page_size=server_max)
    extra = copy_vars(emu, tmp_path)
    mark = emu.mark()
    run = ansible_playbook(MIGRATE, extra_vars=extra)
    assert run.rc == 0, run.stdout[-6000:] + run.stderr[-2000:]
    report = report_of(tmp_path)
    assert report["verify"] == "ok"
    assert report["stack"]["groups_linked"] == 6
    assert report["stack"]["entry_variants"] == {"created": 40, "updated": 0, "unchanged": 0, "skipped": 0}
    assert_stack_copied(emu)
    # the source stack's six variant groups alone take 6 pages of one (one page of 7)
    group_pages = [e for e in emu.log(mark) if e.get("api") == "cma" and e["method"] == "GET" and "limit=" in e["query"]
                   and e["path"] == "/v3/variant_groups" and e.get("stack") == SOURCE_STACK]
    assert len(group_pages) >= (6 if server_max == 1 else 1)
    mark = emu.mark()
    again = ansible_playbook(MIGRATE, extra_vars=extra)
    assert again.rc == 0, again.stdout[-4000:]
    assert writes(emu.log(mark)) == []
    assert report_of(tmp_path)["stack"]["entry_variants"] == {"created": 0, "updated": 0, "unchanged": 40, "skipped": 0}


# The CMA's own rate bucket (cma_rate_limit) beside the organization's Personalize one, the client pacing
# both APIs at 10 per second: at 10 no call is refused; at 4 the refused ones are retried, none fails.
# (The links only, no entry variants: the paced run stays short.)
@pytest.mark.parametrize("cma_rate", [10, 4])
def test_the_stack_copy_under_a_separate_cma_rate_bucket(stacks, ansible_playbook, tmp_path, cma_rate):
    emu = stacks
    emu.configure(rate_limit=10, cma_rate_limit=cma_rate)
    extra = copy_vars(emu, tmp_path, migrate_source=dict(side(emu, "source"), rate_limit=10),
                      migrate_destination=dict(side(emu, "destination"), rate_limit=10), migrate_entry_variants=False)
    mark = emu.mark()
    run = ansible_playbook(MIGRATE, extra_vars=extra)
    assert run.rc == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert not [t for t in run.tasks if t["status"] == "failed"]
    report = report_of(tmp_path)
    assert report["verify"] == "ok" and report["stack"]["groups_linked"] == 6
    assert linked_by_experience_name(emu, DEST_STACK) == linked_by_experience_name(emu, SOURCE_STACK)
    log = emu.log(mark)
    refused = [e for e in log if e["status"] == 429]
    assert all(e.get("api") == "cma" for e in refused), "the Personalize bucket is not the one refusing"
    assert (refused == []) if cma_rate == 10 else refused, len(refused)
    # every refusal was counted by the client, and retried
    throttled = sum(report["calls"][s]["throttled"] for s in ("source", "destination"))
    assert throttled == len(refused)
    mark = emu.mark()
    again = ansible_playbook(MIGRATE, extra_vars=extra)
    assert again.rc == 0, again.stdout[-4000:]
    assert writes(emu.log(mark)) == []
    assert report_of(tmp_path)["verify"] == "ok"


def test_entries_without_destination_are_skipped_and_reported(stacks, ansible_playbook, tmp_path):
    emu = stacks
    partial = tmp_path / "partial-map.json"
    partial.write_text(json.dumps(dict(list(ENTRY_MAP.items())[:3])))
    run = ansible_playbook(MIGRATE, extra_vars=copy_vars(emu, tmp_path, migrate_entry_uid_map=str(partial)))
    assert run.rc == 0, run.stdout[-4000:]
    report = report_of(tmp_path)
    assert report["stack"]["entry_variants"]["skipped"] > 0
    assert any(s.startswith("entry variant of entry blt5ce") for s in report["skipped"])


def test_pagination_more_than_a_page_of_everything(tmp_path, ansible_playbook):
    with Emulator(seeds=["retail", "empty-dest", "cma-bulk"], rate_limit=0, tmp_path=tmp_path / "emu") as emu:
        extra = {
            "migrate_source": dict(side(emu, "source"), project_uid=BULK_PROJECT, stack_api_key=BULK_SOURCE_STACK),
            "migrate_destination": {"api_url": emu.url, "cma_url": emu.url, "organization_uid": DEST["org"],
                                    "project_name": "Acme Bulk EU", "oauth_token": DEST["oauth_token"],
                                    "stack_api_key": BULK_DEST_STACK, "rate_limit": 0},
            "migrate_entry_variants": True, "migrate_locales": ["en-us", "de-de"],
            "migrate_report_dir": str(tmp_path / "report"),
        }
        run = ansible_playbook(MIGRATE, extra_vars=extra)
        assert run.rc == 0, run.stdout[-6000:] + run.stderr[-2000:]
        source = stack_state(emu, BULK_SOURCE_STACK)
        assert len(source["content_types"]) > 100
        assert_stack_copied(emu, BULK_SOURCE_STACK, BULK_DEST_STACK, entry_map={}, locales=("en-us", "de-de"))
        assert report_of(tmp_path)["stack"]["entry_variants"]["created"] == len(entry_variants(emu, BULK_SOURCE_STACK))
        mark = emu.mark()
        again = ansible_playbook(MIGRATE, extra_vars=extra)
        assert again.rc == 0 and writes(emu.log(mark)) == []
