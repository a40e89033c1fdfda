#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_migrate_inputs
short_description: The migrate role's variables, typed by its argument spec, or the copy refused
version_added: 0.1.0
description:
  - Takes the C(contentstack.personalize.migrate) role's C(migrate_*) variables by name and its C(meta/argument_specs.yml),
    and returns RV(inputs), the variables converted exactly as Ansible converts a module's arguments, by name without
    the C(migrate_) prefix, as the P(contentstack.personalize.migrate_inputs#filter) filter does.
  - Fails, before anything is read or written, when a variable cannot be used, with one message that names every
    such variable (C(The copy cannot start... Nothing was read or written.)); see the filter for what is refused.
  - The role's first task. Its result holds the variables' values, tokens among them, so it is hidden from the
    output as with C(no_log); a failure's message, which names the variables and never a secret value, is shown.
  - Nothing is sent to the API. The connection options are accepted, so that C(module_defaults) for
    C(group/contentstack.personalize.personalize) apply to it as to the other modules, and not used.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Types the variables in check mode too (nothing is written either way).
  diff_mode:
    support: none
    description: Nothing to compare.
options:
  variables:
    description:
      - The role's variables by name, every C(migrate_*) variable that is set (C(migrate_hosts), read by the
        playbook, is let through).
    type: dict
    required: true
  argument_specs:
    description: The role's C(meta/argument_specs.yml); its C(main) entry point is used.
    type: path
    required: true
"""

EXAMPLES = r"""
# snippet: skip="the migrate role's own step: it needs the role's role_path; every role test runs it"
- name: The role's variables, typed (the copy stops here on a variable it cannot use)
  contentstack.personalize.personalize_migrate_inputs:
    variables:
      migrate_prune: "false"
      migrate_source:
        region: aws-na
        project_uid: 6650a1b2c3d4e5f601000001
    argument_specs: "{{ role_path }}/meta/argument_specs.yml"
  register: typed

- name: A typed variable (a boolean, whatever string -e gave)
  ansible.builtin.debug:
    msg: "prune is {{ typed.inputs.prune }}"
"""

RETURN = r"""
inputs:
  description:
    - The variables typed by the spec, by name without the C(migrate_) prefix (C(prune), C(source)...), every option
      the spec declares present (its default when not given), and C(errors), an empty list.
  returned: success
  type: dict
  sample: {"prune": false, "activation": "mirror", "errors": []}
msg:
  description: On failure, the refusal naming every variable that cannot be used.
  returned: failure
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.contentstack.personalize.plugins.module_utils.migrate_role import inputs_argument_spec, typed_inputs


def main():
    module = AnsibleModule(argument_spec=inputs_argument_spec(), supports_check_mode=True)
    result = typed_inputs(module.params)
    if result.get("failed"):
        module.fail_json(msg=result["msg"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
