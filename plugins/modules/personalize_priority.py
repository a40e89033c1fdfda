#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_priority
short_description: Set the priority order of a Personalize project's experiences
version_added: 0.1.0
description:
  - When a visitor qualifies for several experiences, the one higher in the priority order wins.
  - Experiences are named by name. The ones in O(order) come first, in that order; the project's
    other experiences follow in their current relative order (the API needs the full list).
  - Nothing is written when the order already matches.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Predicts the resulting order; experiences only created in check mode are assumed to exist.
  diff_mode:
    description: Returns the order before and after, only when diff is asked for.
options:
  order:
    description:
      - Experience names, highest priority first.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: The experiences to order (they must exist first)
  contentstack.personalize.personalize_experience:
    items:
      - name: Black Friday banner
        type: segmented
      - name: Homepage hero
        type: segmented

- name: Campaigns before the evergreen hero
  contentstack.personalize.personalize_priority:
    order:
      - Black Friday banner
      - Homepage hero
"""

RETURN = r"""
order:
  description: The full priority order after the change, highest first.
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
  sample: {"calls": 3, "retries": 0, "throttled": 0}
"""

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import module_main


def main():
    module_main("personalize_priority")


if __name__ == "__main__":
    main()
