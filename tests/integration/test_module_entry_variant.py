"""personalize_entry_variant through real ansible-playbook runs against the emulator's CMA side.

The source project (retail) and its stack (retail-stack): entry variants on the first entry of each
linked content type are seeded; the second banner entry has none. Writes are read from the
emulator's request log and state."""

import pytest

from modhelp import assert_no_writes, assert_ok, failing, task, write_calls
from test_module_variant_group import STACK, SUMMER, HERO, stack_emulator_in, stack_play

M = "personalize_entry_variant"
HOME = "blt5ce0000000000000"
BANNER = "blt5ce0000000000010"      # seeded variants of the summer sale
SITE_BANNER = "blt5ce0000000000011"  # no variants
MEMBERS = {"content_type": "home_page", "entry": HOME, "experience": HERO, "variant": "Members hero",
           "fields": {"title": "Members hero: title for Home", "hero_headline": "Members hero: hero_headline for Home",
                      "cta_label": "Members hero: cta_label for Home"}}
NEW = {"content_type": "banner", "entry": SITE_BANNER, "experience": SUMMER, "variant": "Campaign banner",
       "fields": {"message": "Summer sale, 20% off"}}


@pytest.fixture
def stack_emulator(tmp_path):
    with stack_emulator_in(tmp_path) as emu:
        yield emu


def stored(emu, ct, entry, locale):
    """{CMS variant name: entry variant} of one entry in one locale, from the emulator's state."""
    stack = emu.state()["stacks"][STACK]
    names = dict((uid, v["name"]) for group in stack["variants"].values() for uid, v in group.items())
    found = stack["entry_variants"].get(ct, {}).get(entry, {}).get(locale, {})
    return dict((names[uid], ev) for uid, ev in found.items())


def variant_reads(run, name, log):
    return sorted((e["path"], e["query"]) for e in run.requests(name, log)
                  if e.get("api") == "cma" and e["path"].endswith("/variants"))


def test_check_create_reapply_update_absent(stack_emulator, ansible_playbook):
    emu = stack_emulator
    tasks = [
        task("seeded", M, MEMBERS),
        task("check create", M, NEW, check_mode=True),
        task("create", M, NEW),
        task("re-apply", M, NEW),
        task("update", M, dict(NEW, fields={"message": "Summer sale, 30% off"}), diff=True),
        task("change set", M, dict(NEW, fields={"message": "Summer sale, 30% off"}, change_set=["message", "link"])),
        task("fr", M, dict(NEW, locale="fr-fr", fields={"message": "Soldes"})),
        task("check absent", M, dict(NEW, state="absent", fields=None), check_mode=True),
        task("absent", M, dict(NEW, state="absent", fields=None)),
        task("absent again", M, dict(NEW, state="absent", fields=None)),
    ]
    run = ansible_playbook(stack_play(emu, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    assert_ok(run, *[t["name"] for t in tasks])
    log, res = emu.log(), run.result
    path = "/v3/content_types/banner/entries/%s/variants/%s" % (SITE_BANNER, res("create")["uid"])

    assert res("seeded")["changed"] is False and res("seeded")["action"] == "none"
    assert res("check create")["action"] == "create" and res("check create")["changed"] is True
    assert "would be created" in res("check create")["msg"]
    assert res("check create")["entry_variant"] == {"fields": NEW["fields"], "change_set": ["message"]}
    assert_no_writes(run, log, "seeded", "check create", "re-apply", "check absent", "absent again")

    assert write_calls(run, "create", log) == [("PUT", path, 201)]
    assert res("re-apply")["changed"] is False
    # The experiences, the stack (its master locale), its locales and content types, the group, the
    # entry's variants: one call each.
    assert res("re-apply")["api_calls"]["calls"] == 6 and res("re-apply")["api_calls"]["cma_calls"] == 5
    assert res("update")["diff"]["before"] == {"fields": NEW["fields"], "change_set": ["message"]}
    assert res("update")["diff"]["after"]["fields"] == {"message": "Summer sale, 30% off"}
    assert res("change set")["action"] == "update" and res("change set")["entry_variant"]["change_set"] == ["message", "link"]
    assert stored(emu, "banner", SITE_BANNER, "fr-fr")["Campaign banner"]["message"] == "Soldes"
    assert write_calls(run, "absent", log) == [("DELETE", path, 200)]
    assert "Campaign banner" not in stored(emu, "banner", SITE_BANNER, "en-us")
    assert res("absent again")["changed"] is False


def test_the_list_form_reads_each_entry_once_per_locale(stack_emulator, ansible_playbook):
    emu = stack_emulator
    items = [dict(NEW, locale=loc, variant=v, fields={"message": "%s %s" % (v, loc)})
             for loc in ("en-us", "fr-fr") for v in ("Campaign banner", "Mobile US banner")]
    items += [dict(MEMBERS, locale="en-us"), dict(MEMBERS, locale="fr-fr", fields={"cta_label": "Voir"})]
    tasks = [task("check", M, {"entry_variants": items}, check_mode=True),
             task("apply", M, {"entry_variants": items}),
             task("again", M, {"entry_variants": items})]
    run = ansible_playbook(stack_play(emu, tasks))
    assert run.rc == 0, run.stdout + run.stderr
    log, res = emu.log(), run.result
    assert res("check")["summary"] == {"created": 4, "unchanged": 1, "updated": 1}
    assert res("apply")["summary"] == res("check")["summary"]
    assert res("again")["summary"] == {"unchanged": 6} and res("again")["changed"] is False
    assert_no_writes(run, log, "check", "again")
    assert len(run.writes("apply", log)) == 5
    reads = variant_reads(run, "again", log)
    assert len(reads) == 4 and len(set(reads)) == 4, reads
    assert [e["path"] for e in run.requests("again", log) if e["path"].startswith("/v3/variant_groups")] == ["/v3/variant_groups"]
    assert stored(emu, "home_page", HOME, "fr-fr")["Members hero"]["cta_label"] == "Voir"
    assert stored(emu, "banner", SITE_BANNER, "fr-fr")["Mobile US banner"]["message"] == "Mobile US banner fr-fr"


def test_bad_input_is_refused_before_any_write(stack_emulator, ansible_playbook):
    good = dict(NEW, fields={"message": "ok"})
    cases = {
        "unknown experience": ({"experience": "Nobody"}, ["'Nobody'"]),
        "unknown variant": ({"variant": "Nope"}, ["variant", "'Nope'", "'Campaign banner'"]),
        "unknown content type": ({"content_type": "nope"}, ["content_type", "'nope'"]),
        "unknown entry": ({"entry": "bltnothere"}, ["entry", "'bltnothere'"]),
        "unknown locale": ({"locale": "xx-xx"}, ["locale", "'xx-xx'", "en-us"]),
        "not linked": ({"content_type": "blog_post", "entry": "blt5ce0000000000060", "fields": {"body": "x"}},
                       ["content_type", "'blog_post'", "not linked", "personalize_variant_group"]),
        "field not in the type": ({"fields": {"message": "x", "colour": "red"}}, ["fields", "'colour'", "background_color"]),
        "change set not in the type": ({"change_set": ["message", "colour"]}, ["'colour'"]),
        "no fields": ({"fields": {}}, ["fields"]),
        "twice": (None, ["twice"]),
    }
    tasks = []
    for name, (change, _words) in cases.items():
        bad = [good, good] if change is None else [good, dict(good, **change)]
        tasks.append(failing(name, M, {"entry_variants": bad}))
    tasks.append(task("check mode only warns when not linked", M, dict(good, content_type="blog_post",
                                                                       entry="blt5ce0000000000060", fields={"body": "x"}),
                      check_mode=True))
    run = ansible_playbook(stack_play(stack_emulator, tasks))
    log, res = stack_emulator.log(), run.result
    assert_no_writes(run, log, *[t["name"] for t in tasks])
    for name, (_change, words) in cases.items():
        assert run.task(name)["status"] == "failed", (name, res(name))
        msg = res(name)["msg"]
        assert "entry_variants[1]" in msg and all(w in msg for w in words), (name, msg)
    check = res("check mode only warns when not linked")
    assert check["action"] == "create" and any("not linked" in w for w in check["warnings"])
