"""The export lookup's personalize_* variables, through real ansible-playbook runs: templated as the
lookup's own arguments are (a variable that refers to another, a vault-encrypted one), and a keyword
option that wins over the variables and the environment of its pair (authtoken or the OAuth options,
region or api_url). Which project was read, and with which success, comes from the emulator's log."""

import os
import subprocess
import sys

from conftest import DEST, SOURCE
from emulator.harness import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN

LOOKUP = "contentstack.personalize.personalize_export"
KEYS = "{{ query('%s', 'attributes', query='[].key') }}" % LOOKUP
BIN = os.path.dirname(sys.executable)


def play(tasks, variables, vars_files=()):
    out = {"hosts": "localhost", "gather_facts": False, "connection": "local",
           "vars": dict({"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, **variables),
           "tasks": [{"name": name, "ansible.builtin.set_fact": {"value": expr}} for name, expr in tasks]}
    if vars_files:
        out["vars_files"] = [str(path) for path in vars_files]
    return [out]


def source_vars(emulator, **extra):
    out = {"personalize_api_url": emulator.url, "personalize_project_uid": SOURCE["project_uid"], "personalize_rate_limit": 0}
    out.update(extra)
    return out


def reads_of(emulator, mark, project):
    return [(e["path"], e["status"]) for e in emulator.log(since=mark) if e["project"] == project]


def test_a_variable_that_refers_to_another_is_templated(emulator, ansible_playbook):
    variables = source_vars(emulator, personalize_authtoken="{{ my_source_token }}", my_source_token=SOURCE["authtoken"],
                            personalize_project_uid="{{ my_project }}", my_project=SOURCE["project_uid"])
    mark = emulator.mark()
    run = ansible_playbook(play([("keys", KEYS)], variables))
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert len(run.result("keys")["ansible_facts"]["value"]) == 10
    assert reads_of(emulator, mark, SOURCE["project_uid"]) == [("/attributes", 200)]
    assert SOURCE["authtoken"] not in run.stdout + run.stderr


def test_a_vault_encrypted_variable_and_one_that_refers_to_it(emulator, ansible_playbook, tmp_path):
    secret = tmp_path / "vault-pass"
    secret.write_text("lookup-test\n")
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))

    def encrypted(name, value):
        return subprocess.run([os.path.join(BIN, "ansible-vault"), "encrypt_string", "--vault-password-file", str(secret),
                               "--name", name, value], capture_output=True, text=True, env=env, check=True).stdout
    direct = tmp_path / "direct.yml"
    direct.write_text(encrypted("personalize_authtoken", SOURCE["authtoken"]))
    referred = tmp_path / "referred.yml"
    referred.write_text(encrypted("vault_source_token", SOURCE["authtoken"]) + 'personalize_authtoken: "{{ vault_source_token }}"\n')
    assert "!vault" in direct.read_text() and "!vault" in referred.read_text()
    for path in (direct, referred):
        mark = emulator.mark()
        run = ansible_playbook(play([("keys", KEYS)], source_vars(emulator), vars_files=[path]),
                               args=("--vault-password-file", str(secret)))
        assert run.rc == 0, path.name + run.stdout[-3000:] + run.stderr[-2000:]
        assert len(run.result("keys")["ansible_facts"]["value"]) == 10, path.name
        assert reads_of(emulator, mark, SOURCE["project_uid"]) == [("/attributes", 200)], path.name
        assert SOURCE["authtoken"] not in run.stdout + run.stderr


def test_a_keyword_token_wins_over_the_variables_and_the_environment_of_the_other_kind(emulator, ansible_playbook):
    # The variables (and the environment) say: the source project, with its authtoken. The lookup's
    # keywords say: the destination project, with its OAuth token.
    keyword = "{{ query('%s', 'all', portable=false, project_uid='%s', oauth_token='%s') | first }}" % (
        LOOKUP, DEST["project_uid"], DEST["oauth_token"])
    variables = source_vars(emulator, personalize_authtoken=SOURCE["authtoken"])
    for env in ({}, {"CONTENTSTACK_AUTHTOKEN": SOURCE["authtoken"]}):
        mark = emulator.mark()
        run = ansible_playbook(play([("dest", keyword), ("source", KEYS)], variables), env=env)
        assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
        assert "mutually exclusive" not in run.stdout
        assert run.result("dest")["ansible_facts"]["value"]["experiences"] == []
        dest_reads = reads_of(emulator, mark, DEST["project_uid"])
        assert dest_reads and all(status == 200 for _path, status in dest_reads)
        # the task without keywords still reads the source with the variables' authtoken
        assert len(run.result("source")["ansible_facts"]["value"]) == 10
        assert reads_of(emulator, mark, SOURCE["project_uid"]) == [("/attributes", 200)]
    # A variable of one kind wins over the environment of the other kind the same way.
    mark = emulator.mark()
    variables = source_vars(emulator, personalize_project_uid=DEST["project_uid"], personalize_oauth_token=DEST["oauth_token"])
    run = ansible_playbook(play([("experiences", "{{ query('%s', 'experiences') }}" % LOOKUP)], variables),
                           env={"CONTENTSTACK_AUTHTOKEN": SOURCE["authtoken"]})
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.result("experiences")["ansible_facts"]["value"] == []
    assert reads_of(emulator, mark, DEST["project_uid"]) == [("/experiences", 200)]


def test_a_keyword_region_wins_over_the_api_url_variable(emulator, ansible_playbook):
    # personalize_api_url names the emulator; region=... given to the lookup means that region's host
    # (not reachable from a test machine, or refusing the emulator's token): the emulator hears nothing,
    # and the error names the region's host.
    variables = source_vars(emulator, personalize_authtoken=SOURCE["authtoken"], personalize_max_retries=0,
                            personalize_timeout=5)
    mark = emulator.mark()
    run = ansible_playbook(play([("region", "{{ query('%s', 'events', region='gcp-eu') }}" % LOOKUP)], variables))
    assert run.rc != 0
    msg = run.result("region")["msg"]
    assert "gcp-eu" in msg and emulator.url not in msg, msg
    assert emulator.log(since=mark) == []


def test_a_keyword_refresh_token_beats_an_authtoken_variable_and_a_keyword_authtoken_the_oauth_ones(
        emulator, ansible_playbook, tmp_path):
    # The variables (and the environment) say: the source, with its authtoken. The keywords: the
    # destination, with a refresh token and its app (not "cannot be used with authtoken").
    refresh = {"oauth_refresh_token": OAUTH_REFRESH_TOKEN, "oauth_client_id": OAUTH_CLIENT_ID,
               "oauth_client_secret": OAUTH_CLIENT_SECRET, "oauth_token_url": emulator.url + "/token"}
    keywords = ", ".join("%s='%s'" % item for item in sorted(dict(refresh, project_uid=DEST["project_uid"]).items()))
    env = {"TMPDIR": str(tmp_path / "private"), "CONTENTSTACK_AUTHTOKEN": SOURCE["authtoken"]}
    (tmp_path / "private").mkdir()
    mark = emulator.mark()
    run = ansible_playbook(play([("dest", "{{ query('%s', 'experiences', %s) }}" % (LOOKUP, keywords))],
                                source_vars(emulator, personalize_authtoken=SOURCE["authtoken"])), env=env)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.result("dest")["ansible_facts"]["value"] == []
    assert reads_of(emulator, mark, DEST["project_uid"]) == [("/experiences", 200)]
    assert [e["status"] for e in emulator.token_calls(since=mark)] == [200]
    # The other way round: the variables give the destination's refresh token and app, the keywords the
    # source's authtoken; the authtoken is used and no refresh is asked for.
    variables = source_vars(emulator, **dict(("personalize_" + k, v) for k, v in refresh.items()))
    mark = emulator.mark()
    run = ansible_playbook(play([("source", "{{ query('%s', 'attributes', query='[].key', authtoken='%s') }}" % (
        LOOKUP, SOURCE["authtoken"]))], variables), env=env)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert len(run.result("source")["ansible_facts"]["value"]) == 10
    assert reads_of(emulator, mark, SOURCE["project_uid"]) == [("/attributes", 200)]
    assert emulator.token_calls(since=mark) == []
    assert OAUTH_REFRESH_TOKEN not in run.stdout + run.stderr and OAUTH_CLIENT_SECRET not in run.stdout + run.stderr
