#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_experience
short_description: Manage experiences of a Contentstack Personalize project
version_added: 0.1.0
description:
  - Creates, updates and deletes experiences, identified by O(name), never by uid.
  - Creating an experience also creates its first, empty draft version; use
    M(contentstack.personalize.personalize_version) for variants and activation.
  - The API does not enforce unique experience names; when two share the name given, the module
    fails and lists their uids.
  - O(type) is fixed at creation. Changing it is an error unless O(replace=true), which deletes the
    experience (and its versions) and creates it again.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.resource
  - contentstack.personalize.attributes
options:
  name:
    description:
      - The experience name. Mutually exclusive with O(items).
    type: str
  type:
    description:
      - C(segmented) shows a variant per audience; C(ab_test) splits traffic between variants.
      - Defaults to C(segmented) on creation.
    type: str
    choices: [segmented, ab_test]
  description:
    description:
      - Free text. Defaults to an empty string on creation.
    type: str
  tags:
    description:
      - Tags of the experience, a list of strings, in the order given. Defaults to none on
        creation; when not given, an update keeps the experience's current tags.
    type: list
    elements: str
  replace:
    description:
      - Allow a change of O(type) by deleting and re-creating the experience. Its versions, variants
        and analytics are lost, and CMS entry variants linked to it must be re-linked.
    type: bool
    default: false
  items:
    description:
      - A list of experiences, each a mapping with C(name), C(type), C(description), C(replace)
        and C(state). The output of the export lookup (C(experiences)) is accepted as is.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: A segmented homepage hero
  contentstack.personalize.personalize_experience:
    name: Homepage hero
    type: segmented
    description: Hero banner per loyalty tier

- name: An A/B test of the checkout button
  contentstack.personalize.personalize_experience:
    name: Checkout button test
    type: ab_test

- name: Remove an experience
  contentstack.personalize.personalize_experience:
    name: Old banner
    state: absent
"""

RETURN = r"""
uid:
  description: Uid of the experience (null when absent, or only predicted in check mode).
  returned: single form
  type: str
experience:
  description: The experience as managed (portable form).
  returned: single form
  type: dict
  sample: {"name": "Homepage hero", "type": "segmented", "description": "", "tags": ["homepage"]}
object:
  description: The API object returned by the last write, with C(latestVersion) and C(shortUid).
  returned: single form, after a write
  type: dict
action:
  description: What was done, or would be done in check mode (C(create), C(update), C(replace), C(delete), C(none)).
  returned: single form
  type: str
results:
  description: One entry per item of O(items).
  returned: list form
  type: list
  elements: dict
summary:
  description: Count of items per outcome.
  returned: list form
  type: dict
msg:
  description: A readable sentence saying what happened.
  returned: always
  type: str
api_calls:
  description: What the task cost at the API, C(calls) (HTTP requests sent, re-sends included),
    C(retries) and C(throttled) (429 answers).
  returned: always
  type: dict
  sample: {"calls": 3, "retries": 0, "throttled": 0}
"""

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import module_main


def main():
    module_main("personalize_experience")


if __name__ == "__main__":
    main()
