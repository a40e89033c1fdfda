"""The inventory plugin contentstack.personalize.projects, and the playbooks over its hosts.

Two emulator processes: the first acts as aws-na and holds the retail organization (two
projects), the second holds the destination organization (aws-eu, two projects) and a third
organization labelled gcp-eu (one project), so the hosts span three organizations, three regions
and two URLs. ``ansible-inventory --list`` shows every project with its variables and groups,
compose and keyed_groups applied; the second call is answered from the cache with no API call;
an organization that cannot be read fails the inventory (strict) or is left out with a warning;
no token is in any output or cache file. export.yml, apply.yml and copy_to_projects.yml run over
the hosts, and their re-runs write nothing.
"""

import json
import os
import subprocess
import sys

import pytest
import yaml

from conftest import COLLROOT, DEST, NOBODY_TOKEN, ROOT, SOURCE, WRITE_METHODS

THIRD = {"org": "blt5e1ec7ed0000c003", "token": "csat-third-4d4d4d4d4d4d4d4d", "project_uid": "6650a1b2c3d4e5f603000001"}
TOKENS = (SOURCE["authtoken"], SOURCE["readonly_authtoken"], DEST["oauth_token"], THIRD["token"], NOBODY_TOKEN)
SOURCE_SECOND = "6650a1b2c3d4e5f601000099"
DEST_SECOND = "6650a1b2c3d4e5f602000099"


def _project(uid, name, org, stack=None):
    out = {"uid": uid, "name": name, "description": "", "organizationUid": org}
    if stack:
        out["connectedStackApiKey"] = stack
    return out


def seeds():
    source_more = {"projects": [_project(SOURCE_SECOND, "Acme Outlet", SOURCE["org"])]}
    dest_more = {"projects": [_project(DEST_SECOND, "Acme Outlet EU", DEST["org"], "blt3c9d1e7f5a2b4c68")]}
    third = {
        "organizations": [{"uid": THIRD["org"], "name": "Acme Retail Nordics"}],
        "tokens": [{"token": THIRD["token"], "kind": "authtoken", "organizations": [THIRD["org"]],
                    "scopes": ["personalize:read", "personalize:manage"], "user": {"uid": "blt7a1b2c3d4e5f6c01", "name": "Tor Third"}}],
        "projects": [_project(THIRD["project_uid"], "Acme Nordics", THIRD["org"], "bltnordicstack0001")],
    }
    return ["retail", source_more], ["empty-dest", dest_more, third]


@pytest.fixture
def two_regions(tmp_path):
    from emulator.harness import Emulator

    na_seeds, eu_seeds = seeds()
    with Emulator(seeds=na_seeds, rate_limit=0, tmp_path=tmp_path / "emu", region="aws-na") as na, \
            Emulator(seeds=eu_seeds, rate_limit=0, tmp_path=tmp_path / "emu", region="aws-eu") as eu:
        yield na, eu


def organizations(na, eu, third_token=None):
    orgs = [
        {"organization_uid": SOURCE["org"], "api_url": na.url, "region": "aws-na", "authtoken": SOURCE["readonly_authtoken"]},
        {"organization_uid": DEST["org"], "api_url": eu.url, "region": "eu", "oauth_token": DEST["oauth_token"]},
        {"organization_uid": THIRD["org"], "api_url": eu.url, "region": "gcp-eu"},  # token from the environment
    ]
    if third_token:
        orgs[2]["authtoken"] = third_token
    return orgs


def write_config(folder, orgs, **more):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "shops.personalize_projects.yml"
    path.write_text(yaml.safe_dump(dict({"plugin": "contentstack.personalize.projects", "organizations": orgs}, **more), sort_keys=False))
    return path


def clean_env(tmp_path, extra=None):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("CONTENTSTACK_") or name.startswith("ANSIBLE_INVENTORY_CACHE"):
            del env[name]
    env.update({"ANSIBLE_COLLECTIONS_PATH": str(COLLROOT), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
                "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"), "CONTENTSTACK_AUTHTOKEN": THIRD["token"],
                # A source that fails fails the command (as AWX's inventory update does), instead of a warning.
                "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    env.update(extra or {})
    return env


def inventory_list(config, env):
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", str(config), "--list"]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(config.parent), timeout=300, check=False)


def listed(proc):
    """ansible-inventory's JSON, the values that come from an inventory plugin (unsafe: never
    templated) shown as plain values."""
    def plain(value):
        if isinstance(value, dict):
            return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value
    return plain(json.loads(proc.stdout))


def api_calls(*emus):
    return sum(len(emu.log()) for emu in emus)


def assert_no_token(*texts):
    for text in texts:
        for token in TOKENS:
            assert token not in text


def test_inventory_lists_every_project_with_vars_groups_compose_keyed_groups_and_cache(two_regions, tmp_path):
    na, eu = two_regions
    cache = tmp_path / "cache"
    config = write_config(tmp_path / "inv", organizations(na, eu), strict=True, exclude=["* Outlet EU"],
                          compose={"shop_slug": "personalize_project_name | lower | replace(' ', '-')"},
                          keyed_groups=[{"key": "personalize_connected_stack_api_key | default('none', true)", "prefix": "stack"}],
                          groups={"europe": "personalize_region is match('.*-eu')"},
                          cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(cache))
    env = clean_env(tmp_path)
    proc = inventory_list(config, env)
    assert proc.returncode == 0, proc.stderr
    data = listed(proc)
    hostvars = data["_meta"]["hostvars"]
    assert sorted(hostvars) == ["Acme Nordics", "Acme Outlet", "Acme Retail Web Shop", "Acme Retail Web Shop EU"]
    assert hostvars["Acme Retail Web Shop"] == {
        "personalize_project_uid": SOURCE["project_uid"], "personalize_project_name": "Acme Retail Web Shop",
        "personalize_organization_uid": SOURCE["org"], "personalize_api_url": na.url, "personalize_region": "aws-na",
        "personalize_connected_stack_api_key": "blt8f2e6d4c0a9b7e53", "shop_slug": "acme-retail-web-shop"}
    assert hostvars["Acme Nordics"]["personalize_region"] == "gcp-eu"
    assert hostvars["Acme Nordics"]["personalize_api_url"] == eu.url
    assert hostvars["Acme Retail Web Shop EU"]["personalize_region"] == "aws-eu"

    def hosts(group):
        return sorted(data.get(group, {}).get("hosts", []))

    assert hosts("personalize_org_" + SOURCE["org"]) == ["Acme Outlet", "Acme Retail Web Shop"]
    assert hosts("personalize_org_" + DEST["org"]) == ["Acme Retail Web Shop EU"]
    assert hosts("personalize_org_" + THIRD["org"]) == ["Acme Nordics"]
    assert hosts("personalize_region_aws_na") == ["Acme Outlet", "Acme Retail Web Shop"]
    assert hosts("personalize_region_aws_eu") == ["Acme Retail Web Shop EU"]
    assert hosts("personalize_region_gcp_eu") == ["Acme Nordics"]
    assert hosts("europe") == ["Acme Nordics", "Acme Retail Web Shop EU"]
    assert hosts("stack_none") == ["Acme Outlet"]
    assert hosts("stack_bltnordicstack0001") == ["Acme Nordics"]
    assert sorted(data["personalize_projects"]["hosts"]) == sorted(hostvars)
    # One listing per organization, with its header; nothing written.
    log = na.log() + eu.log()
    assert sorted((e["method"], e["path"], e["org"]) for e in log) == sorted(
        ("GET", "/projects", org) for org in (SOURCE["org"], DEST["org"], THIRD["org"]))

    # Second call: from the cache, no API call at all, the same inventory.
    before = api_calls(na, eu)
    again = inventory_list(config, env)
    assert again.returncode == 0, again.stderr
    assert api_calls(na, eu) == before
    assert listed(again) == data
    # A changed list of organizations does not take the cache of the old one.
    config_one = write_config(tmp_path / "inv", organizations(na, eu)[:1], cache=True,
                              cache_plugin="ansible.builtin.jsonfile", cache_connection=str(cache))
    assert sorted(listed(inventory_list(config_one, env))["_meta"]["hostvars"]) == ["Acme Outlet", "Acme Retail Web Shop"]
    assert api_calls(na, eu) == before + 1

    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files
    assert_no_token(proc.stdout, proc.stderr, again.stdout, again.stderr, *(p.read_text() for p in files))


def test_hosts_come_round_robin_across_the_organizations(two_regions, tmp_path):
    """The play order is the plugin's: the first project of each organization (in the configured
    order), then the second of each, so that forks spread over the organizations' rate limits."""
    na, eu = two_regions
    config = write_config(tmp_path / "inv", organizations(na, eu), strict=True)
    env = clean_env(tmp_path)

    def play_order(pattern):
        cmd = [os.path.join(os.path.dirname(sys.executable), "ansible"), "-i", str(config), pattern, "--list-hosts"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(config.parent), timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
        return [line.strip() for line in proc.stdout.splitlines()[1:] if line.strip()]

    interleaved = ["Acme Outlet", "Acme Outlet EU", "Acme Nordics", "Acme Retail Web Shop", "Acme Retail Web Shop EU"]
    assert play_order("personalize_projects") == interleaved
    assert play_order("personalize_projects:!personalize_org_" + THIRD["org"]) == [h for h in interleaved if h != "Acme Nordics"]


def test_hostname_uid_include_and_a_vault_encrypted_token(two_regions, tmp_path):
    na, eu = two_regions
    bindir = os.path.dirname(sys.executable)
    secret = tmp_path / "vault-pass"
    secret.write_text("inventory-test\n")
    env = clean_env(tmp_path)
    encrypted = subprocess.run([os.path.join(bindir, "ansible-vault"), "encrypt_string", "--vault-password-file", str(secret),
                                "--name", "authtoken", SOURCE["readonly_authtoken"]], capture_output=True, text=True, env=env, check=True).stdout
    orgs = organizations(na, eu)
    del orgs[0]["authtoken"]
    config = write_config(tmp_path / "inv", orgs, hostname="uid", include=["Acme Retail*"])
    text = config.read_text().replace("- organization_uid: %s\n" % SOURCE["org"],
                                      "- organization_uid: %s\n" % SOURCE["org"] + "".join("  " + line + "\n" for line in encrypted.strip().splitlines()), 1)
    assert "!vault" in text
    config.write_text(text)
    cmd = [os.path.join(bindir, "ansible-inventory"), "-i", str(config), "--list", "--vault-password-file", str(secret)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "left out" not in proc.stderr
    assert sorted(listed(proc)["_meta"]["hostvars"]) == [SOURCE["project_uid"], DEST["project_uid"]]
    assert_no_token(proc.stdout, proc.stderr)


@pytest.mark.parametrize("strict", [True, False])
def test_an_organization_that_cannot_be_read_is_named(two_regions, tmp_path, strict):
    na, eu = two_regions
    orgs = organizations(na, eu) + [{"organization_uid": "blt5e1ec7ed0000d004", "api_url": eu.url, "authtoken": NOBODY_TOKEN}]
    cache = tmp_path / "cache"
    config = write_config(tmp_path / "inv", orgs, strict=strict, cache=True, cache_plugin="ansible.builtin.jsonfile",
                          cache_connection=str(cache))
    proc = inventory_list(config, clean_env(tmp_path))
    output = proc.stdout + proc.stderr
    assert "organization blt5e1ec7ed0000d004 (%s)" % eu.url in output
    assert "GET /projects" in output and "403" in output
    assert_no_token(output)
    if strict:
        assert proc.returncode != 0
        assert "cannot list the projects of organization blt5e1ec7ed0000d004" in " ".join(output.split())
    else:
        assert proc.returncode == 0, proc.stderr
        assert "left out organization blt5e1ec7ed0000d004" in " ".join(proc.stderr.split())
        assert len(listed(proc)["_meta"]["hostvars"]) == 5
        # Nothing cached from an incomplete listing: the next run reads every organization again.
        assert not [p for p in cache.rglob("*") if p.is_file()]


def test_bad_configuration_is_refused_naming_the_entry(two_regions, tmp_path):
    na, eu = two_regions
    orgs = organizations(na, eu)
    orgs[1]["project_uid"] = DEST["project_uid"]
    proc = inventory_list(write_config(tmp_path / "inv", orgs), clean_env(tmp_path))
    assert "organizations[1]: unknown option(s) project_uid" in " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode != 0
    assert api_calls(na, eu) == 0


# ------------------------------------------------------------------------------ the playbooks
def group_vars(folder):
    """Tokens per organization, as docs/inventory.md says: group variables of the org groups."""
    gv = folder / "group_vars"
    gv.mkdir(parents=True, exist_ok=True)
    (gv / ("personalize_org_%s.yml" % SOURCE["org"])).write_text(yaml.safe_dump({"personalize_authtoken": SOURCE["authtoken"]}))
    (gv / ("personalize_org_%s.yml" % DEST["org"])).write_text(yaml.safe_dump({"personalize_oauth_token": DEST["oauth_token"]}))
    (gv / ("personalize_org_%s.yml" % THIRD["org"])).write_text(yaml.safe_dump({"personalize_authtoken": THIRD["token"]}))


def playbook_over(ansible_playbook, config, playbook, *extra):
    return ansible_playbook(str(ROOT / "playbooks" / playbook), args=["-i", str(config)] + list(extra))


def writes(*emus):
    return [e for emu in emus for e in emu.log() if e["method"] in WRITE_METHODS]


def test_export_apply_and_copy_over_the_inventory(two_regions, tmp_path, ansible_playbook):
    na, eu = two_regions
    inv = tmp_path / "inv"
    # No CONTENTSTACK_* variable here: the lookup and the modules would take CONTENTSTACK_AUTHTOKEN beside a
    # host's personalize_oauth_token, and refuse the two.
    config = write_config(inv, organizations(na, eu, third_token=THIRD["token"]))
    group_vars(inv)
    exports = tmp_path / "exports"

    # export.yml: every project of the inventory, a folder each.
    export_args = ["-e", "personalize_hosts=personalize_projects", "-e", "personalize_export_dir=%s/{{ inventory_hostname }}" % exports, "-f", "5"]
    run = playbook_over(ansible_playbook, config, "export.yml", *export_args)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert sorted(p.name for p in exports.iterdir()) == ["Acme Nordics", "Acme Outlet", "Acme Outlet EU", "Acme Retail Web Shop", "Acme Retail Web Shop EU"]
    retail = yaml.safe_load((exports / "Acme Retail Web Shop" / "experiences.yml").read_text())["experiences"]
    assert len(retail) == 6
    assert yaml.safe_load((exports / "Acme Nordics" / "experiences.yml").read_text()) == {"experiences": []}
    rerun = playbook_over(ansible_playbook, config, "export.yml", *export_args)
    assert rerun.rc == 0 and "changed=0" in rerun.stdout and "changed=1" not in rerun.stdout, rerun.stdout[-3000:]
    assert writes(na, eu) == []

    # apply.yml: the retail folder onto the group of one organization's projects.
    folder = {"personalize_export_dir": str(exports / "Acme Retail Web Shop")}
    apply_args = ["-e", "personalize_hosts=personalize_org_" + THIRD["org"], "-e", json.dumps(folder)]
    run = playbook_over(ansible_playbook, config, "apply.yml", *apply_args)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    state = eu.state()["projects"][THIRD["project_uid"]]
    assert len(state["experiences"]) == 6 and len(state["audiences"]) == 10
    assert {e["org"] for e in writes(na, eu)} == {THIRD["org"]}
    mark = eu.mark()
    rerun = playbook_over(ansible_playbook, config, "apply.yml", *apply_args)
    assert rerun.rc == 0, rerun.stdout[-3000:]
    assert eu.writes(mark) == []

    # copy_to_projects.yml: the retail project onto each project of the aws-eu organization.
    source = tmp_path / "source.yml"
    source.write_text(yaml.safe_dump({"migrate_source": {"api_url": na.url, "project_uid": SOURCE["project_uid"],
                                                         "organization_uid": SOURCE["org"], "authtoken": SOURCE["readonly_authtoken"]},
                                      "migrate_allow_skips": True}))
    reports = tmp_path / "reports"
    copy_args = ["-e", "personalize_hosts=personalize_org_" + DEST["org"], "-e", "@%s" % source, "-e", "personalize_report_root=%s" % reports, "-f", "4"]
    mark_na = na.mark()
    run = playbook_over(ansible_playbook, config, "copy_to_projects.yml", *copy_args)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    projects = eu.state()["projects"]
    for uid in (DEST["project_uid"], DEST_SECOND):
        assert len(projects[uid]["experiences"]) == 6
        report = json.loads((reports / projects[uid]["project"]["name"] / "report.json").read_text())
        assert report["verify"] == "ok"
    assert [e for e in na.log(mark_na) if e["method"] in WRITE_METHODS] == []
    mark = eu.mark()
    rerun = playbook_over(ansible_playbook, config, "copy_to_projects.yml", *copy_args)
    assert rerun.rc == 0, rerun.stdout[-3000:]
    assert eu.writes(mark) == []
    assert_no_token(run.stdout, rerun.stdout)
