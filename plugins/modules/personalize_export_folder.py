#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_export_folder
short_description: Write a Personalize project to a folder of YAML files, one file per kind
version_added: 0.1.0
description:
  - Reads one Contentstack Personalize project as the C(contentstack.personalize.personalize_export)
    lookup does (one list call per kind, one versions call per experience) and writes its portable form
    to O(path), the folder that the C(apply.yml) playbook and the C(contentstack.personalize.personalize_folder)
    lookup read, in one task.
  - The folder holds C(project.yml) (C(schema_version) and the list of kinds) and one file per kind,
    C(attributes.yml), C(events.yml), C(audiences.yml), C(experiences.yml), C(versions.yml) and
    C(priority.yml), each a mapping of the kind's name to its items, with sorted keys and sorted items
    (see C(docs/export.md)). The folder is made (mode C(0755)) when missing, the files have mode C(0644).
  - A file is written only when its content or its mode differs, atomically (a temporary file in the
    folder, then renamed), so an export of an unchanged project changes nothing and reports C(ok).
  - Runs on the controller through an action plugin of the same name; O(path) is a path of the controller.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Reads the project and predicts which files would be written; writes nothing.
  diff_mode:
    description: Returns, only when diff is asked for, the before and after text of each file whose content changes.
options:
  path:
    description:
      - The folder to write, made with its parents when missing. A relative path is relative to the
        current directory of C(ansible-playbook).
      - Files of the folder other than the seven this module writes are left alone.
    type: path
    required: true
"""

EXAMPLES = r"""
# snippet: side=source
- name: Export the project to exports/retail (project.yml and one file per kind)
  contentstack.personalize.personalize_export_folder:
    path: exports/retail
  register: exported

- name: Which files the export wrote (none when the project is unchanged)
  ansible.builtin.debug:
    msg: "{{ exported.files }}"

- name: Predict what a new export would change, with each file's diff
  contentstack.personalize.personalize_export_folder:
    path: exports/retail
  check_mode: true
  diff: true
"""

RETURN = r"""
path:
  description: The folder, absolute.
  returned: success
  type: str
  sample: /srv/exports/retail
files:
  description:
    - The names of the files written (in check mode, that would be written), in the folder's order
      (C(project.yml) first, then the kinds in load order); empty when every file is unchanged.
  returned: success
  type: list
  elements: str
  sample: [versions.yml, priority.yml]
msg:
  description: What was written, such as C(wrote versions.yml in /srv/exports/retail).
  returned: always
  type: str
api_calls:
  description: What the read cost at the API, C(calls) (HTTP requests sent), C(retries) and C(throttled) (429 answers).
  returned: always
  type: dict
  sample: {"calls": 12, "retries": 0, "throttled": 0}
"""

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import module_main


def main():
    module_main("personalize_export_folder")


if __name__ == "__main__":
    main()
