#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_duplicates
short_description: Find, and repair, duplicate audiences and experiences of a Personalize project
version_added: 0.1.0
description:
  - The API does not keep audience and experience names unique. Two copies into one project at once from
    two machines (where the C(contentstack.personalize.migrate) role's lock cannot reach) can leave twins,
    objects of one kind with one name, which every later task refuses as ambiguous.
  - Reports every name with twins. Twins whose content differs in the portable model (fields, rules, an
    experience's live and draft versions with their audiences by name) are reported as unresolved, never guessed.
  - With O(repair=true), of identical twins the one something references is kept and the others are deleted.
    An audience is referenced by the variants or the targeting of any version of an experience that stays.
    Every experience is in the priority order, so for experiences the twin ranked highest (the one delivery
    evaluates first) is kept. Experiences are repaired first, so the audiences only their deleted twins used
    can go too. Two referenced twins are unresolved. Nothing is deleted while anything is unresolved.
  - Not seen through this API, so not counted as references, are CMS entry variants linked to an experience's
    variants; check them before repairing experiences a person edited.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Lists the repairs it would make (RV(lines)), and deletes nothing.
  diff_mode:
    support: none
    description: The repairs are listed in RV(lines) and RV(repairs), with or without diff.
options:
  repair:
    description:
      - Delete the identical twins that nothing references. Without it the task only reports.
      - Fails, deleting nothing, when a twin cannot be resolved.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Which names have twins?
  contentstack.personalize.personalize_duplicates:
  register: twins

- name: Delete the identical twins nothing references
  contentstack.personalize.personalize_duplicates:
    repair: true
"""

RETURN = r"""
duplicates:
  description: Every name of an audience or experience held by more than one object, with their uids.
  returned: always
  type: list
  elements: dict
  sample: [{"kind": "audience", "name": "Gold Members", "uids": ["6650a1b2c3d4e5f6a3000001", "6650a1b2c3d4e5f6a3000009"]}]
repairs:
  description: What is (or, without O(repair) or in check mode, would be) deleted, per name, C(keep) and
    C(delete) (uids) and C(why) the one kept was chosen.
  returned: always
  type: list
  elements: dict
unresolved:
  description: The twins that cannot be repaired (they differ, or each is referenced), one sentence each.
  returned: always
  type: list
  elements: str
lines:
  description: The repairs in plain words, one a line.
  returned: always
  type: list
  elements: str
msg:
  description: A readable sentence saying what happened.
  returned: always
  type: str
api_calls:
  description: What the task cost at the API, C(calls) (HTTP requests sent, re-sends included),
    C(retries) and C(throttled) (429 answers).
  returned: always
  type: dict
  sample: {"calls": 6, "retries": 0, "throttled": 0}
"""

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import module_main


def main():
    module_main("personalize_duplicates")


if __name__ == "__main__":
    main()
