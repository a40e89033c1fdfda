#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_info
short_description: Read a Personalize project, or some kinds of it, raw or in the portable form
version_added: 0.1.0
description:
  - Reads one Contentstack Personalize project as the C(contentstack.personalize.personalize_export)
    lookup does, with the same calls (one list call per kind, one versions call per experience) and
    the same output, and returns it as RV(project), for C(register).
  - The portable form has keys and names instead of uids, leaves server-managed fields out and is
    sorted, so it can be given to the other modules' C(items) (see C(docs/export.md)).
  - Never changes anything, and runs in check mode too.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Reads the project in check mode as in a real run (nothing is ever written).
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
options:
  kinds:
    description:
      - What to read, as the lookup's terms. Any of V(attributes), V(events), V(audiences),
        V(experiences), V(versions), V(priority), or V(all) for the whole project.
    type: list
    elements: str
    choices: [all, attributes, events, audiences, experiences, versions, priority]
    default: [all]
  portable:
    description:
      - V(true) gives the portable form (C(schema_version) 1), V(false) what the API returns (raw
        objects with uids; the raw C(versions) also hold archived versions).
    type: bool
    default: true
  versions:
    description:
      - V(false) leaves the versions out of V(all) (the C(versions) of RV(project) is an empty list), which
        saves the one call per experience that reading them costs. V(versions) in O(kinds) cannot be
        combined with V(false).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Read the whole project in the portable form
  contentstack.personalize.personalize_info:
  register: project

- name: Show the audience names
  ansible.builtin.debug:
    msg: "{{ project.project.audiences | map(attribute='name') | list }}"

- name: Raw attributes and experiences, with their uids, and no versions call
  contentstack.personalize.personalize_info:
    kinds: [attributes, experiences]
    portable: false
  register: raw
"""

RETURN = r"""
project:
  description:
    - The kinds asked for, each under its name (C(attributes), C(events), C(audiences),
      C(experiences), C(versions), C(priority)), in the export lookup's shape for the term V(all)
      (see C(docs/export.md)); with O(portable=true) also C(schema_version).
    - Portable items are sorted by key or name; portable C(priority) is the list of experience
      names, highest first (raw, C({priorityOrder} with uids)).
  returned: success
  type: dict
  sample: {"schema_version": 1, "attributes": [{"key": "loyalty_tier", "name": "Loyalty tier", "description": ""}]}
msg:
  description: What was read, such as C(read 10 attributes, 5 events).
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
    module_main("personalize_info")


if __name__ == "__main__":
    main()
