"""The migrate role's inputs (migrate_role.inputs, typed by the role's own argument spec) and the
one-project check by uid: pure functions, no emulator, no ansible-playbook."""

import os
import pathlib

import pytest
import yaml

from ansible_collections.contentstack.personalize.plugins.module_utils import migrate_role
from ansible_collections.contentstack.personalize.plugins.module_utils.migrate import build_plan
from ansible_collections.contentstack.personalize.plugins.filter.migrate import typed_vars

from fakes import fixture

ROOT = pathlib.Path(__file__).resolve().parents[3]
SPEC = yaml.safe_load((ROOT / "roles" / "migrate" / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
SRC = {"api_url": "http://127.0.0.1:9", "project_uid": "6650a1b2c3d4e5f601000001", "authtoken": "t"}
DST = {"region": "aws-eu", "project_uid": "6650a1b2c3d4e5f602000001", "oauth_token": "o"}


def given(**variables):
    out = {"migrate_source": dict(SRC), "migrate_destination": dict(DST), "migrate_report_dir": ""}
    out.update(("migrate_" + k, v) for k, v in variables.items())
    return out


def typed(**variables):
    out = migrate_role.inputs(given(**variables), SPEC)
    assert out["errors"] == [], out["errors"]
    return out


def refused(**variables):
    errors = migrate_role.inputs(given(**variables), SPEC)["errors"]
    assert errors, "refused"
    return "; ".join(errors)


@pytest.mark.parametrize("text, value", [("false", False), ("no", False), ("0", False), ("off", False),
                                         ("true", True), ("yes", True), ("1", True), ("True", True)])
def test_bool_strings_are_converted_as_ansible_boolean(text, value):
    assert typed(prune=text)["prune"] is value
    assert typed(allow_skips=text)["allow_skips"] is value


def test_a_bool_that_is_no_bool_is_refused_by_name():
    assert "migrate_prune" in refused(prune="perhaps")
    assert "migrate_allow_skips" in refused(allow_skips="sometimes")


def test_a_string_list_is_one_pattern_or_comma_separated_patterns():
    assert typed(include="Checkout*")["include"] == ["Checkout*"]
    assert typed(exclude="Homepage*")["exclude"] == ["Homepage*"]
    assert typed(include="Checkout*,Summer*")["include"] == ["Checkout*", "Summer*"]
    assert typed()["include"] == ["*"] and typed()["exclude"] == []


def test_string_patterns_select_what_a_list_selects(source_raw):
    as_string = build_plan(source_raw, None, include=typed(include="Checkout*")["include"], allow_skips=True)
    as_list = build_plan(source_raw, None, include=["Checkout*"], allow_skips=True)
    assert [x["name"] for x in as_string["experiences"]] == ["Checkout Button Color Test"]
    assert as_string == as_list
    excluded = build_plan(source_raw, None, exclude=typed(exclude="Homepage*")["exclude"], allow_skips=True)
    names = [x["name"] for x in excluded["experiences"]]
    assert "Homepage Hero by Loyalty" not in names and len(names) == 5


@pytest.mark.parametrize("text", ['{"audiences": 5}', "audiences=5"])
def test_limits_as_a_json_or_key_value_string(text):
    assert typed(limits=text)["limits"] == {"audiences": 5}
    assert typed(limits={"audiences": "5"})["limits"] == {"audiences": 5}
    assert typed()["limits"] == {}


def test_limits_unknown_key_not_a_positive_integer_or_no_mapping_are_refused():
    message = refused(limits={"audiencs": 5})
    assert "migrate_limits" in message and "'audiencs'" in message
    assert "attributes, audiences, events, experiences, rules_per_audience, variants_per_experience" in message
    assert "migrate_limits.audiences must be a positive integer, got 0" in refused(limits={"audiences": 0})
    assert "migrate_limits.events must be a positive integer, got -3" in refused(limits="events=-3")
    assert "audiences" in refused(limits={"audiences": "five"})
    assert "migrate_limits" in refused(limits="five")
    assert "migrate_limits" in refused(limits=["audiences"])


def test_activation_choices():
    assert typed(activation="draft")["activation"] == "draft"
    message = refused(activation="sometimes")
    assert "migrate_activation" in message and "mirror" in message


def test_connection_mappings_as_json_strings_and_string_options():
    import json
    out = typed(source=json.dumps(dict(SRC, validate_certs="false", timeout="5", rate_limit="0")))
    assert out["source"]["validate_certs"] is False and out["source"]["timeout"] == 5 and out["source"]["rate_limit"] == 0.0
    assert out["source"]["project_uid"] == SRC["project_uid"]
    assert "region" not in out["source"], "an option left out stays out (connection_options fills it)"
    assert "timeout" in refused(destination=dict(DST, timeout="soon"))
    message = refused(destination=dict(DST, colour="red"))
    assert "migrate_destination" in message and "'colour'" in message


def test_an_unknown_role_variable_is_refused_and_the_playbooks_own_is_not():
    message = refused(prnue=True)
    assert "migrate_prnue" in message and "migrate_prune" in message
    assert typed(hosts="copies")["errors"] == []


def test_report_dir(tmp_path):
    assert typed(report_dir=str(tmp_path / "a" / "b"))["report_dir"] == str(tmp_path / "a" / "b")
    afile = tmp_path / "file"
    afile.write_text("x")
    assert "exists and is not a folder" in refused(report_dir=str(afile))
    message = refused(report_dir=str(afile / "sub" / "report"))
    assert "migrate_report_dir" in message and "is a file, not a folder" in message
    assert typed(report_dir="~/x")["report_dir"] == os.path.expanduser("~/x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any folder")
def test_report_dir_not_writable(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert "is not writable" in refused(report_dir=str(locked))
    assert "is not writable" in refused(report_dir=str(locked / "report"))


def test_playbook_variables_typed_by_an_inline_spec(tmp_path):
    spec = {"personalize_export_dir": {"type": "path", "default": "./personalize-export"}}
    assert typed_vars({}, spec, folders=["personalize_export_dir"])["personalize_export_dir"].endswith("personalize-export")
    afile = tmp_path / "f"
    afile.write_text("")
    out = typed_vars({"personalize_export_dir": str(afile)}, spec, folders=["personalize_export_dir"])
    assert out["errors"] == ["personalize_export_dir: %s exists and is not a folder" % afile]


@pytest.mark.parametrize("dest", [
    dict(SRC, api_url="http://localhost:9"),
    dict(SRC, api_url="HTTP://127.0.0.1:9//"),
    {"region": "aws-na", "project_uid": SRC["project_uid"].upper()},
    {"api_url": "https://personalize-api.contentstack.com", "project_uid": " %s " % SRC["project_uid"]},
])
def test_one_project_uid_on_both_sides_is_one_project_whatever_the_urls(dest):
    ends = migrate_role.endpoints(dict(SRC, allow_http=True), dest)
    assert ends["same_project"] and "destination" not in ends["read"]
    refusal = migrate_role.sides([fixture("retail_raw.json")], ends)["refusal"]
    assert "refusing to copy a project onto itself" in refusal and SRC["project_uid"] in refusal


def test_two_project_uids_on_one_host_are_two_projects():
    assert not migrate_role.endpoints(SRC, dict(SRC, project_uid=DST["project_uid"]))["same_project"]


SPEC_FILE = str(ROOT / "roles" / "migrate" / "meta" / "argument_specs.yml")


def test_the_inputs_module_types_the_variables_from_the_spec_file_as_the_filter_does():
    out = migrate_role.typed_inputs({"variables": given(prune="false"), "argument_specs": SPEC_FILE})
    assert out == {"changed": False, "inputs": migrate_role.inputs(given(prune="false"), SPEC)}
    assert out["inputs"]["prune"] is False


def test_the_inputs_module_refuses_every_unusable_variable_in_one_message_that_names_them():
    variables = given(prune="perhaps", prnue=True)
    variables["migrate_source"]["authtoken"] = "csat-secret-4f1d"
    out = migrate_role.typed_inputs({"variables": variables, "argument_specs": SPEC_FILE})
    assert out["failed"] is True and "inputs" not in out
    assert out["msg"].startswith("The copy cannot start: ") and out["msg"].endswith(". Nothing was read or written.")
    assert "migrate_prune" in out["msg"] and "unknown variable(s) migrate_prnue" in out["msg"]
    assert "csat-secret-4f1d" not in out["msg"]


@pytest.mark.parametrize("content, found", [(None, "cannot read the argument spec"), ("a: [", "is not YAML"),
                                            ("- a\n- b\n", "an argument spec must be a mapping of options")])
def test_an_argument_spec_file_that_cannot_be_used_is_a_refusal_naming_it(tmp_path, content, found):
    path = tmp_path / "argument_specs.yml"
    if content is not None:
        path.write_text(content)
    out = migrate_role.typed_inputs({"variables": given(), "argument_specs": str(path)})
    assert out["failed"] is True and found in out["msg"], out["msg"]
    assert (str(path) in out["msg"]) is (content != "- a\n- b\n"), "a file that cannot be read or parsed is named"


def test_the_inputs_action_hides_a_typed_result_and_shows_a_refusal(monkeypatch):
    from ansible.plugins.action import ActionBase
    from ansible_collections.contentstack.personalize.plugins.action.personalize_migrate_inputs import ActionModule

    monkeypatch.setattr(ActionBase, "run", lambda self, tmp=None, task_vars=None: {})  # its bookkeeping needs a connection

    class Task(object):
        def __init__(self, args):
            self.args, self.async_val, self.check_mode, self.diff = args, 0, False, False

    def run(variables):
        action = ActionModule.__new__(ActionModule)
        action._task = Task({"variables": variables, "argument_specs": SPEC_FILE})
        return action.run(task_vars={})

    ok = run(given())
    assert ok["_ansible_no_log"] is True and ok["inputs"]["errors"] == [] and not ok.get("failed")
    refused = run(given(prune="perhaps"))
    assert refused["failed"] is True and "_ansible_no_log" not in refused and "migrate_prune" in refused["msg"]
