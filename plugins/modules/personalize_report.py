#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_report
short_description: Write a copy's report and uid map (report.json, uid-map.json) on the controller
version_added: 0.1.0
description:
  - Writes C(uid-map.json) (O(uid_map)) and C(report.json) (O(report)) into the folder O(path), each as
    JSON with sorted keys and an indent of 2 and a final newline, mode C(0600), atomically (a temporary
    file in the folder, then a rename; a killed run leaves the old file or the new one). A file is
    written only when its content or its mode differs. The folder, when missing, is made with its
    parents, mode C(0700); an existing folder keeps its mode.
  - The C(contentstack.personalize.migrate) role writes its report with it (C(docs/migration.md)).
    The report is the run's log (it holds the time taken), so writing it is not a change; only a new
    folder or a changed uid map report C(changed).
  - Nothing is sent to the API. The connection options are accepted, so that C(module_defaults) for
    C(group/contentstack.personalize.personalize) apply to it as to the other modules, and not used.
  - Runs on the controller through an action plugin of the same name; O(path) is a path of the controller.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Says which files would be written; writes nothing.
  diff_mode:
    description: Returns, only when diff is asked for, the before and after text of each file whose content changes.
options:
  path:
    description: The report folder. A relative path is relative to the current directory of C(ansible-playbook).
    type: path
    required: true
  uid_map:
    description: The uid map, written to C(uid-map.json).
    type: dict
    default: {}
  report:
    description: The report, written to C(report.json).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Write a report folder
  contentstack.personalize.personalize_report:
    path: migrate-report/example
    uid_map:
      attributes: {}
    report:
      summary: nothing copied
  register: written

- name: The files written (a second run writes report.json only when it changed)
  ansible.builtin.debug:
    msg: "{{ written.files }}"
"""

RETURN = r"""
path:
  description: The folder, absolute.
  returned: success
  type: str
  sample: /srv/migrate-report/web-shop
files:
  description: The names of the files written (in check mode, that would be written), C(uid-map.json) first.
  returned: success
  type: list
  elements: str
  sample: [uid-map.json, report.json]
msg:
  description: What was written, such as C(wrote report.json in /srv/migrate-report/web-shop).
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.contentstack.personalize.plugins.module_utils import report_files
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError


def main():
    module = AnsibleModule(argument_spec=report_files.argument_spec(), supports_check_mode=True)
    try:
        result = report_files.write(module.params, check_mode=module.check_mode, diff=module._diff)
    except PersonalizeError as exc:
        module.fail_json(msg="personalize_report: %s" % exc)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
