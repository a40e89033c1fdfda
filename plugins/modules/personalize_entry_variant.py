#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_entry_variant
short_description: Manage the entry variants of a stack's entries for Personalize experiences
version_added: 0.1.0
description:
  - An entry variant is what an entry shows, in one locale, to the visitors of one variant of a
    Personalize experience. It holds only the fields it changes, and their names (its change set).
  - Each entry variant is named by O(content_type), O(entry) (uids in the stack), O(locale), and the
    O(experience) and O(variant) by their names in the project; the CMS variant is the one of that
    name in the experience's variant group. No CMS uid is needed.
  - O(state=present) makes the entry variant hold O(fields) with O(change_set); one whose fields and
    change set already match gets no write. O(state=absent) deletes it.
  - Every item is checked before the first write; an unknown experience, variant, content type,
    locale or entry, a content type not linked to the experience's variant group, or fields that are
    not in the content type, fail the task naming the item and the field.
  - Takes one entry variant (O(entry)) or a list (O(entry_variants)); the list form reads the stack's
    content types and groups once, and each entry's variants once per locale, for the whole task.
  - Entry variants are not published by this module; publish the entries (with their variants) from
    the CMS or its publish API.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.connection.STACK
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Reads the same and predicts each entry variant; for a group not created or a content type not
      linked yet, warns and assumes an earlier task does it. Writes nothing.
  diff_mode:
    description: Returns each entry variant's fields and change set before and after, only when diff is asked for.
options:
  content_type:
    description:
      - Uid of the entry's content type in the stack.
    type: str
  entry:
    description:
      - Uid of the entry. Mutually exclusive with O(entry_variants).
    type: str
  locale:
    description:
      - Locale code of the entry variant. Defaults to the stack's master locale.
    type: str
  experience:
    description:
      - Name of the Personalize experience.
    type: str
  variant:
    description:
      - Name of the experience's variant (the name of its CMS variant in the experience's variant group).
    type: str
  fields:
    description:
      - The fields the variant changes, by their uids in the content type, and their values.
      - Required with O(state=present).
    type: dict
  change_set:
    description:
      - Names of the changed fields, as the CMS records them. Defaults to the names of O(fields), sorted.
    type: list
    elements: str
  state:
    description:
      - V(present) creates or updates the entry variant, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  entry_variants:
    description:
      - A list of entry variants, each a mapping with C(content_type), C(entry), C(experience),
        C(variant), and optional C(locale), C(fields), C(change_set) and C(state).
    type: list
    elements: dict
  wait_timeout:
    description:
      - Seconds to wait for variant groups that Personalize has not created yet. V(0) does not wait.
    type: int
    default: 120
"""

EXAMPLES = r"""# snippet: side=source
- name: Gold members see another hero headline on the home page
  contentstack.personalize.personalize_entry_variant:
    stack_api_key: blt8f2e6d4c0a9b7e53
    content_type: home_page
    entry: blt5ce0000000000000
    experience: Homepage Hero by Loyalty
    variant: Members hero
    fields:
      hero_headline: Welcome back, member
      cta_label: See your offers

- name: Entry variants of two locales in one task
  contentstack.personalize.personalize_entry_variant:
    stack_api_key: blt8f2e6d4c0a9b7e53
    entry_variants:
      - content_type: banner
        entry: blt5ce0000000000010
        locale: en-us
        experience: Summer Sale Banner
        variant: Campaign banner
        fields: {message: "Summer sale, 20% off"}
      - content_type: banner
        entry: blt5ce0000000000010
        locale: fr-fr
        experience: Summer Sale Banner
        variant: Campaign banner
        fields: {message: "Soldes d'été, -20 %"}

- name: Remove an entry variant
  contentstack.personalize.personalize_entry_variant:
    stack_api_key: blt8f2e6d4c0a9b7e53
    content_type: banner
    entry: blt5ce0000000000011
    experience: Summer Sale Banner
    variant: Mobile US banner
    state: absent
"""

RETURN = r"""
uid:
  description: Uid of the CMS variant the entry variant belongs to (null when it does not exist yet, in check mode).
  returned: single form
  type: str
  sample: cs19c03ab2b9176bb6
entry_variant:
  description: The entry variant after the task (or as it would be, in check mode), C(fields) and C(change_set);
    before it for a deletion.
  returned: single form
  type: dict
  sample: {"fields": {"hero_headline": "Welcome back, member"}, "change_set": ["hero_headline"]}
id:
  description: The entry variant's identity, C(content type/entry/locale/experience/variant).
  returned: single form
  type: str
  sample: home_page/blt5ce0000000000000/en-us/Homepage Hero by Loyalty/Members hero
action:
  description: What was done, or would be done in check mode (V(create), V(update), V(delete) or V(none)).
  returned: single form
  type: str
  sample: update
results:
  description: One entry per item of O(entry_variants), each with C(content_type), C(entry), C(locale),
    C(experience), C(variant), C(id), C(uid), C(action), C(changed) and C(entry_variant).
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
  sample: "entry variant of home_page blt5ce0000000000000 (en-us) for experience 'Homepage Hero by Loyalty', variant 'Members hero': updated"
api_calls:
  description: What the task cost, C(calls) (HTTP requests sent to both APIs, re-sends included), C(retries),
    C(throttled) (429 answers) and C(cma_calls) (the part of C(calls) sent to the Content Management API).
  returned: always
  type: dict
  sample: {"calls": 6, "retries": 0, "throttled": 0, "cma_calls": 5}
"""

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import module_main


def main():
    module_main("personalize_entry_variant")


if __name__ == "__main__":
    main()
