#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_variant_group
short_description: Link the content types of a Personalize experience's variant group in its stack
version_added: 0.1.0
description:
  - In a project connected to a Contentstack stack, Personalize creates in that stack one variant
    group per experience (with one CMS variant per experience variant), in the background, once the
    experience has variants. Entries of a content type get entry variants only when the content type
    is linked to the group; Personalize links none. This module sets those links.
  - The experience is named by O(experience) (its name in the project), never by a uid; the content
    types by their uids in the stack.
  - O(state=present) links O(content_types) (and, with O(exact=true), unlinks the others);
    O(state=absent) unlinks them. A group whose links already match gets no write.
  - A group that Personalize has not created yet is waited for, at most O(wait_timeout) seconds;
    then the task fails naming the experiences whose groups are missing. Check mode does not wait.
  - Takes one group (O(experience)) or a list of them (O(variant_groups)); the list form reads the
    stack's groups once for the whole task. Every item is checked before the first write.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.connection.STACK
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Reads the same and predicts the links; for a group not created yet, says what would be linked. Writes nothing.
  diff_mode:
    description: Returns the content types linked before and after, only when diff is asked for.
options:
  experience:
    description:
      - Name of the experience whose variant group to manage. Mutually exclusive with O(variant_groups).
    type: str
  content_types:
    description:
      - Uids of content types of the stack. Required with O(experience).
    type: list
    elements: str
  state:
    description:
      - V(present) links O(content_types) to the group, V(absent) unlinks them.
    type: str
    choices: [present, absent]
    default: present
  exact:
    description:
      - With O(state=present), also unlink the content types that O(content_types) does not name.
    type: bool
    default: false
  variant_groups:
    description:
      - A list of groups, each a mapping with C(experience), C(content_types), and optional C(state) and C(exact).
    type: list
    elements: dict
  wait_timeout:
    description:
      - Seconds to wait for groups that Personalize has not created yet, reading the project's experiences
        list at a growing interval. V(0) does not wait.
    type: int
    default: 120
"""

EXAMPLES = r"""# snippet: side=source
- name: Entries of the home page can get variants of the hero experience
  contentstack.personalize.personalize_variant_group:
    stack_api_key: blt8f2e6d4c0a9b7e53
    experience: Homepage Hero by Loyalty
    content_types: [home_page]

- name: Several groups in one task, one of them linked to exactly these types
  contentstack.personalize.personalize_variant_group:
    stack_api_key: blt8f2e6d4c0a9b7e53
    variant_groups:
      - experience: Summer Sale Banner
        content_types: [banner, home_page]
        exact: true
      - experience: Checkout Button Color Test
        content_types: [checkout_page]

- name: The newsletter experience no longer personalizes blog posts
  contentstack.personalize.personalize_variant_group:
    stack_api_key: blt8f2e6d4c0a9b7e53
    experience: Newsletter Signup Prompt
    content_types: [blog_post]
    state: absent
"""

RETURN = r"""
uid:
  description: Uid of the variant group in the stack (null when it does not exist yet, in check mode).
  returned: single form
  type: str
  sample: csf34fcdb2260b9b78
variant_group:
  description: The content types the group is linked to after the task (or would be, in check mode).
  returned: single form
  type: dict
  sample: {"content_types": ["home_page", "banner"]}
linked:
  description: Content types the task linked (or would link).
  returned: single form
  type: list
  elements: str
  sample: [banner]
unlinked:
  description: Content types the task unlinked (or would unlink).
  returned: single form
  type: list
  elements: str
  sample: []
pending:
  description: True when the group does not exist yet (check mode only; a real run waits for it).
  returned: single form
  type: bool
  sample: false
action:
  description: What was done, or would be done in check mode (V(update) or V(none)).
  returned: single form
  type: str
  sample: update
results:
  description: One entry per item of O(variant_groups), each with C(experience), C(uid), C(action), C(changed),
    C(linked), C(unlinked), C(pending) and C(variant_group).
  returned: list form
  type: list
  elements: dict
summary:
  description: Count of items per outcome.
  returned: list form
  type: dict
  sample: {"updated": 1, "unchanged": 1}
msg:
  description: A readable sentence saying what happened.
  returned: always
  type: str
  sample: "variant group of experience 'Homepage Hero by Loyalty': linked banner"
api_calls:
  description: What the task cost, C(calls) (HTTP requests sent to both APIs, re-sends included), C(retries),
    C(throttled) (429 answers) and C(cma_calls) (the part of C(calls) sent to the Content Management API).
  returned: always
  type: dict
  sample: {"calls": 3, "retries": 0, "throttled": 0, "cma_calls": 2}
"""

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import module_main


def main():
    module_main("personalize_variant_group")


if __name__ == "__main__":
    main()
