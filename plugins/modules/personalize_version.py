#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_version
short_description: Manage the versions, variants and status of a Personalize experience
version_added: 0.1.0
description:
  - Makes an experience's current version hold the variants given, with the status given
    (C(active), C(paused) or C(draft)), and works out the version calls the API's state machine
    needs.
  - For O(status=active) or O(status=paused) the live version is targeted. If its content already
    equals the desired content nothing is written, or only its status changes. Otherwise the one
    draft is edited and activated, or, when there is no draft (a live version is locked), a new
    draft is created from the desired content and activated; the previous live version is archived
    by the API. Pausing follows activation.
  - For O(status=draft) the draft is edited, or created when there is none. The live version is
    left alone.
  - O(status) alone, without O(variants) or O(versions), is the operator's switch. V(paused) pauses
    the live version and V(active) resumes it, each with one status-only call that keeps the
    version, its variants, metrics, targeting and analytics. With no live version, V(active)
    activates the draft as it is, and V(paused) fails. A draft beside the live version is kept.
  - Variants are matched by name. A variant without C(shortUid) keeps the C(shortUid) of the
    existing variant of the same name, so CMS entry variants stay linked.
  - Audiences are named by name, metric events by key; the raw API form with uids is accepted too.
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Plans the same version calls and predicts the resulting versions; writes nothing.
  diff_mode:
    description: Returns the versions before and after, only when diff is asked for.
options:
  experience:
    description:
      - Name of the experience. Mutually exclusive with O(items).
    type: str
  status:
    description:
      - The desired status of the version holding O(variants).
      - Given alone (no O(variants), O(versions) or other content), the status of the experience's
        live content as it is, see the description.
    type: str
    choices: [draft, active, paused]
  variants:
    description:
      - The variants. For a segmented experience each has C(name), C(audiences) (audience names),
        optional C(lyticsAudiences) and C(audienceCombinationType) (C(AND) or C(OR), default C(OR)).
        For an A/B test each has C(name) and C(trafficDistribution), integers summing to 100.
      - C(shortUid) may be given to keep a specific variant id (export output carries it).
    type: list
    elements: dict
  metrics:
    description:
      - A/B tests only. Each metric has C(name), C(event) (an event key) and C(__type) (default C(Primary)).
    type: list
    elements: dict
  targeting:
    description:
      - >-
        A/B tests only. C({audience: {audiences: [names], audienceCombinationType: OR}}).
    type: dict
  variant_split:
    description:
      - A/B tests only. The API's C(variantSplit) value, passed through.
    type: str
  versions:
    description:
      - >-
        Instead of O(status) and O(variants), the desired versions as the export lookup gives them:
        a list with at most one live (C(active) or C(paused)) and one C(draft) version. Archived
        versions in the list are ignored.
    type: list
    elements: dict
  exact:
    description:
      - When true, a draft that the desired versions do not include is deleted.
    type: bool
    default: false
  items:
    description:
      - A list of experiences' versions, each a mapping with C(experience) and either C(versions)
        or C(status), C(variants), C(metrics), C(targeting), C(variant_split).
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: The experiences the versions below are of (they must exist first)
  contentstack.personalize.personalize_experience:
    items:
      - name: Homepage hero
        type: segmented
      - name: Checkout button test
        type: ab_test

- name: The attributes, audiences and event the variants and metrics name
  contentstack.personalize.personalize_attribute:
    items:
      - key: loyalty_tier
      - key: visits_count
      - key: utm_campaign

- name: Audiences by name, for the variants
  contentstack.personalize.personalize_audience:
    items:
      - name: Gold members
        definition:
          combinationType: AND
          rules:
            - attribute: {key: loyalty_tier}
              attributeMatchCondition: STRING_EQUALS
              attributeMatchOptions: {__type: StringMatchOptions, value: gold}
      - name: First visit
        definition:
          combinationType: AND
          rules:
            - attribute: {key: visits_count}
              attributeMatchCondition: NUMBER_LESS_THAN
              attributeMatchOptions: {__type: NumberMatchOptions, value: 2}
      - name: Campaign landing
        definition:
          combinationType: AND
          rules:
            - attribute: {key: utm_campaign}
              attributeMatchCondition: HAS_ANY_VALUE

- name: The event the A/B test measures
  contentstack.personalize.personalize_event:
    key: checkout_completed

- name: Hero variants per loyalty tier, live
  contentstack.personalize.personalize_version:
    experience: Homepage hero
    status: active
    variants:
      - name: Gold
        audiences: [Gold members]
      - name: New visitors
        audiences: [First visit, Campaign landing]
        audienceCombinationType: OR

- name: A/B test at 50/50 measuring checkouts
  contentstack.personalize.personalize_version:
    experience: Checkout button test
    status: active
    variants:
      - name: Control
        trafficDistribution: 50
      - name: Green button
        trafficDistribution: 50
    metrics:
      - name: Checkouts
        event: checkout_completed

- name: Pause an experience by name (one call; the version, its metrics and targeting stay)
  contentstack.personalize.personalize_version:
    experience: Checkout button test
    status: paused

- name: Resume it
  contentstack.personalize.personalize_version:
    experience: Checkout button test
    status: active
"""

RETURN = r"""
uid:
  description: Uid of the experience.
  returned: single form
  type: str
version:
  description: The experience's current versions after the change (portable form; live first, then the draft).
  returned: single form
  type: list
  elements: dict
steps:
  description: The version calls made, or planned in check mode, in order.
  returned: single form
  type: list
  elements: str
  sample: ["create a draft with the desired content", "activate the new draft"]
version_changes:
  description:
    - What the version calls did (or would do, in check mode), one entry per call, in order.
    - C(change) is one of C(created), C(updated), C(activated), C(paused), C(resumed), C(deleted);
      C(version) is the uid of the version, or null when it is not known yet (a new draft, in
      check mode).
    - A call that writes a draft's content and activates it counts as C(activated).
  returned: single form
  type: list
  elements: dict
  sample: [{"change": "created", "version": "6650a1b2c3d4e5f6a7b8c9d1"}, {"change": "activated", "version": "6650a1b2c3d4e5f6a7b8c9d1"}]
short_uids:
  description: Variant name to C(shortUid) of the current versions.
  returned: single form
  type: dict
  sample: {"Gold": "0", "New visitors": "2"}
version_uids:
  description: Status to uid of the versions written.
  returned: single form, after a write
  type: dict
object:
  description:
    - The raw API view of the experience's current versions, in the export lookup's raw shape
      (C(experience) uid, C(name), C(versions) with the live version first, then the draft).
    - In check mode, the versions as they are before the change.
  returned: single form
  type: dict
results:
  description: One entry per item of O(items), each with C(experience), C(steps), C(version_changes) and the other fields
    of the single form.
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
    module_main("personalize_version")


if __name__ == "__main__":
    main()
