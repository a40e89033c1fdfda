#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_attribute
short_description: Manage custom attributes of a Contentstack Personalize project
version_added: 0.1.0
description:
  - Creates, updates and deletes custom attributes, identified by O(key), never by uid, so a
    playbook means the same in every project and region.
  - Only the fields you give are compared; server-managed fields are ignored. Re-running reports
    C(changed=false) and makes no write.
  - Preset attributes (C(COUNTRY), C(DEVICE_TYPE), ...) are built into every project and read-only;
    naming one is an error.
  - Takes one attribute (O(key) and its fields) or a list of them (O(items)); the list form makes
    one list call for the whole task.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.resource
  - contentstack.personalize.attributes
options:
  key:
    description:
      - The attribute key, unique in the project. Used in audience rules and by the SDKs.
      - Mutually exclusive with O(items).
    type: str
  name:
    description:
      - Display name. Defaults to O(key) on creation.
    type: str
  description:
    description:
      - Free text. Defaults to an empty string on creation.
    type: str
  items:
    description:
      - A list of attributes, each a mapping with C(key), C(name), C(description) and C(state).
      - The output of the export lookup (C(attributes)) is accepted as is.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Make sure the loyalty tier attribute exists
  contentstack.personalize.personalize_attribute:
    key: loyalty_tier
    name: Loyalty tier
    description: Bronze, silver or gold

- name: Many attributes in one task (one list call)
  contentstack.personalize.personalize_attribute:
    items:
      - key: cart_value
        name: Cart value
      - key: newsletter_opt_in
        name: Newsletter opt-in
      - key: legacy_segment
        state: absent

- name: Remove an attribute
  contentstack.personalize.personalize_attribute:
    key: legacy_segment
    state: absent
"""

RETURN = r"""
uid:
  description: Uid of the attribute in this project (null when absent, or only predicted in check mode).
  returned: single form
  type: str
  sample: 6650a1b2c3d4e5f6a7b8c9d0
attribute:
  description: The attribute as managed (portable form), after the change; before it for a deletion.
  returned: single form
  type: dict
  sample: {"key": "loyalty_tier", "name": "Loyalty tier", "description": "Bronze, silver or gold"}
object:
  description: The API object returned by the last write.
  returned: single form, after a write
  type: dict
action:
  description: What was done, or would be done in check mode.
  returned: single form
  type: str
  sample: create
results:
  description: One entry per item of O(items), each with C(key), C(action), C(changed), C(uid) and C(attribute).
  returned: list form
  type: list
  elements: dict
summary:
  description: Count of items per outcome.
  returned: list form
  type: dict
  sample: {"created": 2, "unchanged": 1}
msg:
  description: A readable sentence saying what happened.
  returned: always
  type: str
  sample: attribute 'loyalty_tier' created
api_calls:
  description: What the task cost at the API, C(calls) (HTTP requests sent, re-sends included),
    C(retries) and C(throttled) (429 answers).
  returned: always
  type: dict
  sample: {"calls": 3, "retries": 0, "throttled": 0}
"""

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import module_main


def main():
    module_main("personalize_attribute")


if __name__ == "__main__":
    main()
