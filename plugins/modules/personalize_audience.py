#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_audience
short_description: Manage audiences of a Contentstack Personalize project
version_added: 0.1.0
description:
  - Creates, updates and deletes audiences, identified by O(name), never by uid.
  - The API does not enforce unique audience names; when two audiences share the name given, the
    module fails and lists their uids.
  - O(definition) is the rule tree. Rules name custom attributes by key and preset attributes by
    constant; the module resolves keys to the uids of the target project, and an unknown key is an
    error before anything is written. The raw API form (custom attribute uids) is accepted too, so
    that export output can be fed back.
  - Definitions are compared in a normalised form (the defaults the server fills in are filled in
    first), so re-running reports C(changed=false).
  - Lytics audiences are synced from Lytics and read-only; naming one is an error.
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
      - The audience name. Mutually exclusive with O(items).
    type: str
  description:
    description:
      - Free text. Defaults to an empty string on creation.
    type: str
  definition:
    description:
      - A C(RuleCombination) with C(combinationType) (C(AND) or C(OR)) and C(rules), each rule either
        a nested combination or a C(Rule) with C(attribute), C(attributeMatchCondition),
        C(attributeMatchOptions) and C(invertCondition).
      - >-
        C(attribute) is C({__type: CustomAttributeReference, ref: <key>}) or
        C({__type: PresetAttributeReference, ref: <CONSTANT>}); the shorthands C({key: <key>}) and
        C({preset: <CONSTANT>}) mean the same.
      - Defaults to an empty C(AND) combination on creation.
    type: dict
  items:
    description:
      - A list of audiences, each a mapping with C(name), C(description), C(definition) and
        C(state). The output of the export lookup (C(audiences)) is accepted as is.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: The custom attributes the rules below use (they must exist first)
  contentstack.personalize.personalize_attribute:
    items:
      - key: loyalty_tier
        name: Loyalty tier
      - key: visits_count
        name: Visits count

- name: Gold members browsing from the US on mobile
  contentstack.personalize.personalize_audience:
    name: US mobile gold members
    description: Loyalty gold tier, US, mobile devices
    definition:
      combinationType: AND
      rules:
        - attribute: {key: loyalty_tier}
          attributeMatchCondition: STRING_EQUALS
          attributeMatchOptions: {__type: StringMatchOptions, value: gold}
        - attribute: {preset: COUNTRY}
          attributeMatchCondition: STRING_EQUALS
          attributeMatchOptions: {__type: StringMatchOptions, value: US}
        - combinationType: OR
          rules:
            - attribute: {preset: DEVICE_TYPE}
              attributeMatchCondition: STRING_EQUALS
              attributeMatchOptions: {__type: StringMatchOptions, value: MOBILE}
            - attribute: {key: visits_count}
              attributeMatchCondition: NUMBER_GREATER_THAN
              attributeMatchOptions: {__type: NumberMatchOptions, value: 10}

- name: Delete an audience no variant uses any more
  contentstack.personalize.personalize_audience:
    name: Spring sale visitors
    state: absent
"""

RETURN = r"""
uid:
  description: Uid of the audience in this project (null when absent, or only predicted in check mode).
  returned: single form
  type: str
audience:
  description: The audience as managed (portable form, attribute keys instead of uids).
  returned: single form
  type: dict
object:
  description: The API object returned by the last write.
  returned: single form, after a write
  type: dict
action:
  description: What was done, or would be done in check mode.
  returned: single form
  type: str
  sample: update
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
    module_main("personalize_audience")


if __name__ == "__main__":
    main()
