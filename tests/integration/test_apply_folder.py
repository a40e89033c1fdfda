"""apply.yml checks the whole folder before its first write (playbooks/apply.yml over the
personalize_folder lookup, plugins/module_utils/folder.py).

The folders are the retail project in the portable form (the unit tests' raw fixture, taken from the
emulator's seed), written as export.yml writes them, applied to the emulator's empty destination.
What was written is read from the emulator's request log, never from the playbook's own claims."""

import json

import pytest
import yaml

from conftest import DEST, ROOT

from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import LOAD_ORDER

APPLY = str(ROOT / "playbooks" / "apply.yml")
RAW = ROOT / "tests" / "unit" / "fixtures" / "retail_raw.json"
HOMEPAGE = "Homepage Hero by Loyalty"
CHECKOUT = "Checkout Button Color Test"
WRITE_TASKS = ("Attributes", "Events", "Audiences", "Experiences", "Versions", "Priority order")


def retail():
    return portable_from_raw(json.loads(RAW.read_text()))


def write_folder(path, portable):
    path.mkdir()
    (path / "project.yml").write_text(yaml.safe_dump({"schema_version": 1, "kinds": list(LOAD_ORDER)}))
    for kind in LOAD_ORDER:
        (path / ("%s.yml" % kind)).write_text(yaml.safe_dump({kind: portable[kind]}, sort_keys=True))
    return path


def apply(ansible_playbook, emulator, folder, check=False):
    return ansible_playbook(APPLY, check=check, extra_vars={
        "personalize_api_url": emulator.url, "personalize_project_uid": DEST["project_uid"],
        "personalize_oauth_token": DEST["oauth_token"], "personalize_rate_limit": 0,
        "personalize_export_dir": str(folder)})


def by(items, field, value):
    return [i for i in items if i.get(field) == value][0]


def _drop(items, field, value):
    items[:] = [i for i in items if i.get(field) != value]


def _rule_ref(portable, audience, ref):
    by(portable["audiences"], "name", audience)["definition"]["rules"][0]["attribute"]["ref"] = ref


# One bad reference, in each file that can hold one or be the target of one.
BAD_REFERENCES = [
    ("attributes.yml lacks an attribute an audience uses", lambda p: _drop(p["attributes"], "key", "loyalty_tier"),
     ["audiences.yml", "audience 'Gold & Platinum Members'", "definition.rules[0].attribute", "loyalty_tier"]),
    ("audiences.yml names a missing attribute", lambda p: _rule_ref(p, "High-Value Shoppers", "no_such_attribute"),
     ["audiences.yml", "audience 'High-Value Shoppers'", "definition.rules[0].attribute", "no_such_attribute"]),
    ("events.yml lacks an event a metric uses", lambda p: _drop(p["events"], "key", "add_to_cart"),
     ["versions.yml", "experience %r" % CHECKOUT, "metrics[1]", "add_to_cart"]),
    ("experiences.yml lacks an experience the versions use", lambda p: _drop(p["experiences"], "name", HOMEPAGE),
     ["versions.yml", "experience %r" % HOMEPAGE, "no such experience"]),
    ("versions.yml names a missing audience", lambda p: by(p["versions"], "experience", HOMEPAGE)["versions"][0]["variants"][1]
     .update(audiences=["Nobody here"]), ["versions.yml", "experience %r" % HOMEPAGE, "variant 'Big spender hero'", "Nobody here"]),
    ("versions.yml names a missing event in a metric", lambda p: by(p["versions"], "experience", CHECKOUT)["versions"][0]["metrics"][0]
     .update(event="no_such_event"), ["versions.yml", "experience %r" % CHECKOUT, "metrics[0]", "no_such_event"]),
    ("versions.yml names a missing experience", lambda p: p["versions"].append({"experience": "Ghost", "versions": [
        {"status": "active", "variants": [{"name": "V", "audiences": ["US Mobile Shoppers"]}]}]}),
     ["versions.yml", "experience 'Ghost'", "no such experience"]),
    ("priority.yml names a missing experience", lambda p: p["priority"].insert(2, "Ghost"),
     ["priority.yml", "order", "'Ghost'"]),
]


@pytest.mark.parametrize("change, fragments", [r[1:] for r in BAD_REFERENCES], ids=[r[0] for r in BAD_REFERENCES])
def test_a_folder_with_one_bad_reference_in_any_file_makes_no_write(emulator, ansible_playbook, tmp_path, change, fragments):
    portable = retail()
    change(portable)
    run = apply(ansible_playbook, emulator, write_folder(tmp_path / "files", portable))
    assert run.rc != 0
    message = run.result("Stop before any write")["msg"]
    assert message.startswith("personalize apply: %s/" % (tmp_path / "files")), message
    assert message.endswith("; nothing was written"), message
    assert all(f in message for f in fragments), (fragments, message)
    assert emulator.writes() == [], "0 writes: the folder is checked as a whole first"
    assert [e["method"] for e in emulator.log()] == ["GET"] * len(emulator.log()), "the project is only read"
    for name in WRITE_TASKS:
        assert not [t for t in run.tasks if t["name"] == name], "no write task ran"
    assert "Traceback" not in run.stdout + run.stderr


def test_a_valid_folder_applies_and_a_second_run_writes_nothing(emulator, ansible_playbook, tmp_path):
    folder = write_folder(tmp_path / "files", retail())
    run = apply(ansible_playbook, emulator, folder)
    assert run.rc == 0, run.stdout + run.stderr
    assert run.result("Say what the folder holds and what would change")["msg"] == (
        "folder ok: 10 attributes (10 to create), 5 events (5 to create), 10 audiences (10 to create), "
        "6 experiences (6 to create), 1 read-only audiences skipped, versions of 6 experiences to change, "
        "priority order to set")
    assert run.result("Audiences")["summary"] == {"created": 10}
    assert run.result("Versions")["changed"] is True and run.result("Priority order")["changed"] is True
    log = emulator.log()
    lists = [e["path"] for e in log if e["method"] == "GET"]
    # One read of the project before the writes; the write tasks reuse it (listing_cache). The empty
    # project's priority order is known without a call (it lists every experience: there are none).
    assert sorted(lists) == sorted(["/attributes", "/events", "/audiences", "/experiences"]), lists
    assert all(e["project"] == DEST["project_uid"] for e in log)
    assert "Traceback" not in run.stdout + run.stderr

    mark = emulator.mark()
    again = apply(ansible_playbook, emulator, folder)
    assert again.rc == 0, again.stdout + again.stderr
    assert emulator.writes(since=mark) == []
    for name in WRITE_TASKS:
        assert again.result(name)["changed"] is False, name
    assert "versions of 0 experiences to change, priority order unchanged" in again.result(
        "Say what the folder holds and what would change")["msg"]


def test_references_resolve_to_what_the_project_already_has(emulator, ansible_playbook, tmp_path):
    """A second folder holds no attributes and no events: its audiences and metrics name the
    project's own, which the first apply made; a changed description is the only write, and check
    mode predicts it without writing."""
    assert apply(ansible_playbook, emulator, write_folder(tmp_path / "all", retail())).rc == 0
    portable = retail()
    portable.update(attributes=[], events=[])
    by(portable["audiences"], "name", "High-Value Shoppers")["description"] = "changed by hand"
    folder = write_folder(tmp_path / "some", portable)

    mark = emulator.mark()
    check = apply(ansible_playbook, emulator, folder, check=True)
    assert check.rc == 0, check.stdout + check.stderr
    assert emulator.writes(since=mark) == []
    assert "10 audiences (1 to update)" in check.result("Say what the folder holds and what would change")["msg"]

    run = apply(ansible_playbook, emulator, folder)
    assert run.rc == 0, run.stdout + run.stderr
    assert [(e["method"], e["path"].split("/")[1]) for e in emulator.writes(since=mark)] == [("PUT", "audiences")]
