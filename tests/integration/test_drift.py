"""playbooks/drift.yml: what a project holds that its folder or another project does not.

Every hand change is made through the emulator's HTTP API directly (not the collection), then the real
playbook runs; the report files and the request log are the evidence: the play never writes to the API,
in check mode or not."""

import copy
import json
import sys
import time

import pytest
import requests

from conftest import DEST, ROOT, SOURCE, WRITE_METHODS
from test_apply_folder import apply, retail, write_folder
from test_migrate_role import MIGRATE, connection, copy_vars

from ansible_collections.contentstack.personalize.plugins.module_utils.export import portable_from_raw

sys.path.insert(0, str(ROOT / "benchmarks"))

DRIFT = str(ROOT / "playbooks" / "drift.yml")
HOMEPAGE = "Homepage Hero by Loyalty"
CHECKOUT = "Checkout Button Color Test"
SHIPPING = "Free Shipping Threshold Test"
NEWSLETTER = "Newsletter Signup Prompt"


# ------------------------------------------------------------------------------ helpers
def api(emu, method, path, body=None, side="source", project=None):
    """One call of the emulator's API, as a user's script or the web app would make it."""
    if side == "source":
        headers = {"authtoken": SOURCE["authtoken"], "x-project-uid": project or SOURCE["project_uid"]}
    else:
        headers = {"authorization": "Bearer " + DEST["oauth_token"], "x-project-uid": project or DEST["project_uid"]}
    answer = requests.request(method, emu.url + path, json=body, headers=headers, timeout=30)
    assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
    return answer.json() if answer.content else None


def named(emu, plural, name, field="name", **kw):
    return [i for i in api(emu, "GET", "/" + plural, **kw) if i.get(field) == name][0]


def live_version(emu, experience, **kw):
    exp = named(emu, "experiences", experience, **kw)
    version = [v for v in api(emu, "GET", "/experiences/%s/versions" % exp["uid"], **kw) if v["status"] in ("ACTIVE", "PAUSED")][0]
    return exp, version


def content(version, status):
    body = {"status": status, "variants": version["variants"], "metrics": version.get("metrics") or [],
            "targeting": version.get("targeting") or {}}
    if version.get("variantSplit") is not None:
        body["variantSplit"] = version["variantSplit"]
    return body


def drift(ansible_playbook, emu, tmp_path, folder=None, source=None, check=False, project=None, side="source", **extra):
    """Run drift.yml; gives the run, drift.json and drift.md."""
    report = tmp_path / ("report-%d" % time.monotonic_ns())
    conn = connection(emu, side)
    if project:
        conn["project_uid"] = project
    variables = dict(("personalize_%s" % k, v) for k, v in conn.items())
    variables.update({"personalize_rate_limit": 0, "drift_report_dir": str(report)})
    if folder is not None:
        variables["personalize_export_dir"] = str(folder)
    if source is not None:
        variables["drift_source"] = source
    variables.update(extra)
    run = ansible_playbook(DRIFT, check=check, extra_vars=variables)
    found = json.loads((report / "drift.json").read_text()) if (report / "drift.json").exists() else None
    text = (report / "drift.md").read_text() if (report / "drift.md").exists() else None
    return run, found, text


def no_writes(emu, mark):
    assert [e for e in emu.log(since=mark) if e["method"] in WRITE_METHODS] == []


def seed_folder(tmp_path):
    """The retail seed project as export.yml writes it (the unit fixture is taken from the seed)."""
    return write_folder(tmp_path / "retail", retail())


# ------------------------------------------------------------------------------ an applied folder
def test_an_applied_folder_shows_no_drift_with_reads_only(emulator, ansible_playbook, tmp_path):
    folder = seed_folder(tmp_path)
    applied = apply(ansible_playbook, emulator, folder)
    assert applied.rc == 0, applied.stdout[-3000:]
    for check in (False, True):
        mark = emulator.mark()
        run, found, text = drift(ansible_playbook, emulator, tmp_path, folder=folder, check=check, side="dest")
        assert run.rc == 0, run.stdout[-3000:]
        assert found == {DEST["project_uid"]: []}
        assert "project %s against folder %s: no drift" % (DEST["project_uid"], folder) in run.stdout
        assert "no drift" in text and "| project |" not in text
        no_writes(emulator, mark)
        # one list per kind (attributes, events, audiences, experiences, priority), one versions list per experience
        assert len(emulator.log(since=mark)) == 5 + 6


# ------------------------------------------------------------------------------ hand changes, one at a time
def rename_attribute(emu):
    attr = named(emu, "attributes", "loyalty_tier", field="key")
    api(emu, "PUT", "/attributes/" + attr["uid"], {"key": attr["key"], "name": "Tier", "description": attr["description"]})
    return [{"kind": "attribute", "item": "loyalty_tier", "field": "name", "desired": "Loyalty Tier", "live": "Tier"}]


def change_nested_rule(emu):
    aud = named(emu, "audiences", "High-Value Shoppers")
    definition = copy.deepcopy(aud["definition"])
    definition["rules"][1]["rules"][0]["attributeMatchOptions"]["value"] = 200
    api(emu, "PUT", "/audiences/" + aud["uid"], {"name": aud["name"], "description": aud["description"], "definition": definition})
    return [{"kind": "audience", "item": "High-Value Shoppers", "field": "definition",
             "desired": "lifetime_value > 1000 AND (cart_value > 150 OR visits_count > 20)",
             "live": "lifetime_value > 1000 AND (cart_value > 200 OR visits_count > 20)"}]


def add_audience(emu):
    rule = {"__type": "Rule", "attribute": {"__type": "PresetAttributeReference", "ref": "COUNTRY"},
            "attributeMatchCondition": "STRING_EQUALS", "invertCondition": False,
            "attributeMatchOptions": {"__type": "StringMatchOptions", "value": "NO"}}
    api(emu, "POST", "/audiences", {"name": "Norway", "description": "made by hand",
                                    "definition": {"__type": "RuleCombination", "combinationType": "AND", "rules": [rule]}})
    return [{"kind": "audience", "item": "Norway", "field": None, "desired": None,
             "live": {"name": "Norway", "description": "made by hand", "definition": 'preset.COUNTRY = "NO"'}}]


def delete_experience(emu):
    exp = named(emu, "experiences", NEWSLETTER)
    api(emu, "DELETE", "/experiences/" + exp["uid"])
    return [{"kind": "experience", "item": NEWSLETTER, "field": None,
             "desired": {"name": NEWSLETTER, "type": "segmented", "description": exp["description"], "tags": []}, "live": None}]


def pause_version(emu):
    exp, version = live_version(emu, CHECKOUT)
    api(emu, "PUT", "/experiences/%s/versions/%s" % (exp["uid"], version["uid"]), content(version, "PAUSED"))
    return [{"kind": "version", "item": CHECKOUT, "version": "live", "field": "status", "desired": "active", "live": "paused"}]


def change_priority(emu):
    order = api(emu, "GET", "/experiences-priority")["priorityOrder"]
    api(emu, "PUT", "/experiences-priority", {"priorityOrder": [order[1], order[0]] + order[2:]})
    names = [CHECKOUT, HOMEPAGE, SHIPPING, "Summer Sale Banner", "Category Picks for Young Europeans", NEWSLETTER]
    return [{"kind": "priority", "item": "experience priority order", "field": "order",
             "desired": names, "live": [names[1], names[0]] + names[2:]}]


def change_traffic_split(emu):
    exp, version = live_version(emu, SHIPPING)
    body = content(version, "DRAFT")
    split = [v["trafficDistribution"] for v in body["variants"]]
    body["variants"][0]["trafficDistribution"] += 6
    body["variants"][1]["trafficDistribution"] -= 6
    draft = api(emu, "POST", "/experiences/%s/versions" % exp["uid"], body)
    api(emu, "PUT", "/experiences/%s/versions/%s" % (exp["uid"], draft["uid"]), dict(body, status="ACTIVE"))
    return [{"kind": "version", "item": SHIPPING, "version": "live", "field": "variants[%s].trafficDistribution" % v["name"],
             "desired": split[pos], "live": split[pos] + delta}
            for pos, (v, delta) in enumerate(zip(body["variants"][:2], (6, -6)))]


HAND_CHANGES = [rename_attribute, change_nested_rule, add_audience, delete_experience, pause_version, change_priority,
                change_traffic_split]


@pytest.mark.parametrize("change", HAND_CHANGES, ids=[c.__name__ for c in HAND_CHANGES])
def test_each_hand_change_is_reported_and_only_it(emulator, ansible_playbook, tmp_path, change):
    folder = seed_folder(tmp_path)
    expected = change(emulator)
    mark = emulator.mark()
    run, found, text = drift(ansible_playbook, emulator, tmp_path, folder=folder)
    assert found == {SOURCE["project_uid"]: expected}
    # the play fails, naming the project; the summary line and the table say what drifted
    assert run.rc != 0
    assert "drift in 1 project(s): %s" % SOURCE["project_uid"] in run.stdout
    assert "project %s against folder %s: %d difference(s)" % (SOURCE["project_uid"], folder, len(expected)) in run.stdout
    rows = [line for line in text.splitlines() if line.startswith("| %s |" % SOURCE["project_uid"])]
    assert len(rows) == len(expected)
    no_writes(emulator, mark)
    if change is change_nested_rule:
        assert "cart_value > 150" in rows[0] and "cart_value > 200" in rows[0] and "{" not in rows[0]
    if change is pause_version:
        # drift_fail false: the same report, and the play passes; in check mode too
        mark = emulator.mark()
        run, again, dummy = drift(ansible_playbook, emulator, tmp_path, folder=folder, check=True, drift_fail="false")
        assert run.rc == 0, run.stdout[-3000:]
        assert again == found
        no_writes(emulator, mark)


def test_a_project_without_drift_passes_in_check_mode(emulator, ansible_playbook, tmp_path):
    mark = emulator.mark()
    run, found, dummy = drift(ansible_playbook, emulator, tmp_path, folder=seed_folder(tmp_path), check=True)
    assert run.rc == 0, run.stdout[-3000:]
    assert found == {SOURCE["project_uid"]: []}
    no_writes(emulator, mark)


def test_bad_variables_are_refused_before_any_read(emulator, ansible_playbook, tmp_path):
    mark = emulator.mark()
    run, found, dummy = drift(ansible_playbook, emulator, tmp_path, folder=seed_folder(tmp_path), drift_fail="perhaps",
                              drift_unknown="x")
    assert run.rc != 0 and found is None
    assert "drift_fail" in run.stdout and "unknown variable(s) drift_unknown" in run.stdout
    assert emulator.log(since=mark) == []


# ------------------------------------------------------------------------------ project against project
def test_project_against_project_after_a_copy_then_a_hand_change(emulator, ansible_playbook, tmp_path):
    copied = ansible_playbook(MIGRATE, extra_vars=copy_vars(emulator, tmp_path))
    assert copied.rc == 0, copied.stdout[-3000:]
    source = connection(emulator, "source")
    mark = emulator.mark()
    run, found, text = drift(ansible_playbook, emulator, tmp_path, source=source, side="dest")
    assert run.rc == 0, run.stdout[-3000:]
    assert found == {DEST["project_uid"]: []}
    assert "against project %s: no drift" % SOURCE["project_uid"] in run.stdout
    # the copy skips the Lytics audience; the report says so
    assert "skipped: audience 'High Propensity Buyers (Lytics)'" in text
    no_writes(emulator, mark)

    exp, version = live_version(emulator, CHECKOUT, side="dest")
    api(emulator, "PUT", "/experiences/%s/versions/%s" % (exp["uid"], version["uid"]), content(version, "PAUSED"), side="dest")
    for check in (False, True):
        mark = emulator.mark()
        run, found, text = drift(ansible_playbook, emulator, tmp_path, source=source, side="dest", check=check)
        assert run.rc != 0
        assert found == {DEST["project_uid"]: [{"kind": "version", "item": CHECKOUT, "version": "live", "field": "status",
                                                "desired": "active", "live": "paused"}]}
        no_writes(emulator, mark)
    # the copy's selection: an experience left out is not compared
    run, found, text = drift(ansible_playbook, emulator, tmp_path, source=source, side="dest", drift_exclude=[CHECKOUT])
    assert run.rc == 0 and found == {DEST["project_uid"]: []}, run.stdout[-3000:]


# ------------------------------------------------------------------------------ the large project
def raw_export(emu, project):
    """What the export lookup reads (portable=false), read here through plain HTTP."""
    out = dict((kind, api(emu, "GET", "/" + kind, project=project)) for kind in ("attributes", "events", "audiences", "experiences"))
    out["priority"] = api(emu, "GET", "/experiences-priority", project=project)
    out["versions"] = [{"experience": e["uid"], "name": e["name"], "versions": api(emu, "GET", "/experiences/%s/versions" % e["uid"],
                                                                                   project=project)}
                       for e in out["experiences"]]
    return out


def test_the_large_project_against_its_folder_with_the_minimal_reads(ansible_playbook, tmp_path):
    from emulator.harness import Emulator
    from generate import SIZES, generate_project, source_seed

    large = generate_project(SOURCE["project_uid"], "Large", **SIZES["L"])
    with Emulator(seeds=[source_seed([large], project_limit=10)], rate_limit=0, tmp_path=tmp_path / "emu") as emu:
        folder = write_folder(tmp_path / "large", portable_from_raw(raw_export(emu, SOURCE["project_uid"])))
        renamed = [a for a in api(emu, "GET", "/attributes") if a.get("__type") != "PRESET"][:3]
        for attr in renamed:
            api(emu, "PUT", "/attributes/" + attr["uid"], {"key": attr["key"], "name": "renamed by hand",
                                                           "description": attr.get("description") or ""})
        mark = emu.mark()
        started = time.monotonic()
        run, found, text = drift(ansible_playbook, emu, tmp_path, folder=folder, drift_fail=False)
        seconds = time.monotonic() - started
        assert run.rc == 0, run.stdout[-3000:]
        log = emu.log(since=mark)
        no_writes(emu, mark)
        # the minimum: one list per kind and the priority, one versions list per experience
        assert len(log) == 5 + SIZES["L"]["experiences"]
        assert sorted(d["item"] for d in found[SOURCE["project_uid"]]) == sorted(a["key"] for a in renamed)
        rows = [line for line in text.splitlines() if line.startswith("| %s |" % SOURCE["project_uid"])]
        assert len(rows) == 3 and all(len(r) < 300 for r in rows)
        print("large project against its folder: %d calls, %.1f s" % (len(log), seconds))

        # against itself (project to project): no noise, and one read of each side
        mark = emu.mark()
        started = time.monotonic()
        run, found, text = drift(ansible_playbook, emu, tmp_path, source=dict(connection(emu, "source"), rate_limit=0))
        seconds = time.monotonic() - started
        print(["%s %.1f" % (t["name"], t["end"] - t["start"]) for t in run.tasks])
        assert run.rc == 0, run.stdout[-3000:]
        assert found == {SOURCE["project_uid"]: []}
        assert len(emu.log(since=mark)) == 2 * (5 + SIZES["L"]["experiences"])
        no_writes(emu, mark)
        print("large project against itself: %d calls, %.1f s" % (len(emu.log(since=mark)), seconds))


# ------------------------------------------------------------------------------ every host of an inventory
def test_every_project_of_an_inventory_group_in_one_report(emulator, ansible_playbook, tmp_path):
    folder = seed_folder(tmp_path)
    inventory = tmp_path / "projects.ini"
    common = "ansible_connection=local ansible_python_interpreter=%s personalize_api_url=%s personalize_rate_limit=0" % (
        sys.executable, emulator.url)
    inventory.write_text("[shops]\nretail personalize_project_uid=%s personalize_authtoken=%s %s\n"
                         "eu personalize_project_uid=%s personalize_oauth_token=%s %s\n"
                         % (SOURCE["project_uid"], SOURCE["authtoken"], common, DEST["project_uid"], DEST["oauth_token"], common))
    report = tmp_path / "report"
    mark = emulator.mark()
    run = ansible_playbook(DRIFT, args=("-i", str(inventory)), extra_vars={
        "personalize_hosts": "shops", "personalize_export_dir": str(folder), "drift_report_dir": str(report)})
    found = json.loads((report / "drift.json").read_text())
    assert sorted(found) == sorted([SOURCE["project_uid"], DEST["project_uid"]])
    assert found[SOURCE["project_uid"]] == []
    # the empty project lacks every item of the folder but the Lytics audience (a note, not drift)
    assert len(found[DEST["project_uid"]]) == 10 + 5 + 10 + 6
    assert run.rc != 0 and "drift in 1 project(s): %s" % DEST["project_uid"] in run.stdout
    text = (report / "drift.md").read_text()
    assert "project %s against folder %s: no drift" % (SOURCE["project_uid"], folder) in text
    assert "read-only (Lytics) audience 'High Propensity Buyers (Lytics)' is in the folder, not in the project" in text
    no_writes(emulator, mark)
