"""The AWX / Automation Platform credential type of extras/awx (docs/awx.md).

Its injectors are rendered as AWX renders them when a job or an inventory update starts (Jinja2's
immutable sandbox, an input left out rendering empty), and then ansible-inventory with the plugin
and a playbook with a module run with exactly that environment and nothing else of
CONTENTSTACK_*. The example playbook that loads the type is run against a stand-in of
awx.awx.credential_type, which shows that the injectors reach it as written, not templated.
"""

import json
import os
import subprocess
import sys
import textwrap

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import COLLROOT, ROOT, SOURCE, WRITE_METHODS

from ansible_collections.contentstack.personalize.plugins.module_utils.options import BY_NAME

AWX = ROOT / "extras" / "awx"


def credential_type():
    return yaml.safe_load((AWX / "credential_type.yml").read_text())


def render_injectors(ctype, inputs):
    """What AWX puts in the job's environment for a credential with ``inputs``."""
    sandbox = ImmutableSandboxedEnvironment()
    return dict((name, sandbox.from_string(template).render(**inputs)) for name, template in ctype["injectors"]["env"].items())


def test_the_credential_type_injects_the_variables_the_options_read():
    ctype = credential_type()
    fields = dict((f["id"], f) for f in ctype["inputs"]["fields"])
    assert set(fields) == {"organization_uid", "authtoken", "oauth_token", "region", "api_url"}
    for name in fields:
        assert ctype["injectors"]["env"][BY_NAME[name].env] == "{{ %s }}" % name
        assert bool(fields[name].get("secret")) == BY_NAME[name].no_log
    assert set(ctype["injectors"]["env"]) == set(BY_NAME[name].env for name in fields)
    assert ctype["kind"] == "cloud"


def job_env(tmp_path, injected):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CONTENTSTACK_"))
    env.update({"ANSIBLE_COLLECTIONS_PATH": str(COLLROOT), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_HOME": str(tmp_path / "home"),
                "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    env.update(injected)
    return env


def test_inventory_and_module_run_with_the_rendered_environment(emulator, tmp_path):
    injected = render_injectors(credential_type(), {"organization_uid": SOURCE["org"], "authtoken": SOURCE["authtoken"],
                                                    "api_url": emulator.url})
    assert injected["CONTENTSTACK_OAUTH_TOKEN"] == "" and injected["CONTENTSTACK_REGION"] == ""
    env = job_env(tmp_path, injected)
    # The inventory source of docs/awx.md: no organization given, all from the credential.
    source = tmp_path / "awx.personalize_projects.yml"
    source.write_text("plugin: contentstack.personalize.projects\n")
    bindir = os.path.dirname(sys.executable)
    proc = subprocess.run([os.path.join(bindir, "ansible-inventory"), "-i", str(source), "--list"], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert list(listed["_meta"]["hostvars"]) == ["Acme Retail Web Shop"]
    assert SOURCE["authtoken"] not in proc.stdout + proc.stderr

    # A job over that inventory: the module's connection from the environment, its project from the host.
    playbook = tmp_path / "job.yml"
    playbook.write_text(textwrap.dedent("""\
        - name: An AWX job over the projects inventory
          hosts: personalize_projects
          gather_facts: false
          connection: local
          vars:
            ansible_python_interpreter: "{{ ansible_playbook_python }}"
          module_defaults:
            group/contentstack.personalize.personalize:
              project_uid: "{{ personalize_project_uid }}"
          tasks:
            - name: Attribute from the AWX job
              contentstack.personalize.personalize_attribute:
                key: awx_job
                name: AWX job
        """))
    mark = emulator.mark()
    proc = subprocess.run([os.path.join(bindir, "ansible-playbook"), "-i", str(source), str(playbook)], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    writes = [e for e in emulator.log(mark) if e["method"] in WRITE_METHODS]
    assert [(e["method"], e["path"], e["project"]) for e in writes] == [("POST", "/attributes", SOURCE["project_uid"])]
    assert SOURCE["authtoken"] not in proc.stdout + proc.stderr


STUB = '''#!/usr/bin/python
from __future__ import absolute_import, division, print_function
__metaclass__ = type
import json
import os
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(name=dict(), description=dict(), kind=dict(), inputs=dict(type="dict"),
                                              injectors=dict(type="dict"), state=dict()))
    with open(os.environ["AWX_STUB_OUT"], "w") as out:
        json.dump(module.params, out)
    module.exit_json(changed=True)


main()
'''


def test_the_loading_playbook_hands_the_type_over_as_written(tmp_path):
    stub = tmp_path / "colls" / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    stub.mkdir(parents=True)
    (stub / "credential_type.py").write_text(STUB)
    (stub.parents[1] / "galaxy.yml").write_text("namespace: awx\nname: awx\nversion: 0.0.1\n")
    out = tmp_path / "args.json"
    env = job_env(tmp_path, {"AWX_STUB_OUT": str(out), "ANSIBLE_COLLECTIONS_PATH": "%s:%s" % (tmp_path / "colls", COLLROOT)})
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", str(AWX / "load_credential_type.yml")],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    ctype = credential_type()
    assert json.loads(out.read_text()) == {"name": ctype["name"], "description": ctype["description"], "kind": ctype["kind"],
                                           "inputs": ctype["inputs"], "injectors": ctype["injectors"], "state": "present"}
