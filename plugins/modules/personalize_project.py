#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_project
short_description: Manage Contentstack Personalize projects of an organization
version_added: 0.1.0
description:
  - Creates and deletes Personalize projects, identified by O(name), which is unique in an
    organization. The project's uid is returned, for the O(project_uid) of the other modules.
  - Organization scoped. The calls carry the C(organization_uid) header from O(organization_uid)
    (required) and never the C(x-project-uid) header. O(project_uid) is not used by this module; a
    value set for the other modules through C(module_defaults) or E(CONTENTSTACK_PROJECT_UID) is
    ignored.
  - An existing project is never changed, because the Personalize Management API has no call to
    update a project (there is no C(PUT /projects/{uid}) in the API reference, and sending one to
    an undocumented endpoint could disconnect a stack). When the project exists and its
    description differs from O(description), the module leaves it as it is, warns, and reports
    C(changed=false). When its connected stack differs from O(connected_stack_api_key), the module
    fails before any write, since later steps (the CMS variant groups of the experiences) depend
    on that stack. Change either in the Contentstack app.
  - An organization has at most 3 projects by default. Creating one more fails with a message
    naming the project and the limit; in check mode the module warns when the organization is
    already at the default limit.
  - Re-running reports C(changed=false) and makes no write. Deleting a project that does not
    exist reports C(changed=false).
  - Runs on the controller through an action plugin of the same name.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description:
      - Lists the organization's projects and predicts the result with the same code path as a
        real run; writes nothing.
  diff_mode:
    description:
      - Returns the project's name, description and connected stack before and after, only when
        diff is asked for.
options:
  name:
    description:
      - The project name, unique in the organization. It identifies the project.
    type: str
    required: true
  description:
    description:
      - Free text. Defaults to an empty string on creation.
      - Compared only when given. An existing project's description is not changed (see above).
    type: str
  connected_stack_api_key:
    description:
      - API key of the Contentstack stack the project is connected to, sent as C(connectedStackApiKey).
      - Compared only when given; an empty string means "not connected to a stack".
      - An existing project's connected stack is not changed; a difference is an error (see above).
    type: str
  state:
    description:
      - V(present) creates the project when no project of the organization has this name.
      - V(absent) deletes it, with everything in it (attributes, audiences, events, experiences).
    type: str
    choices: [present, absent]
    default: present
notes:
  - O(organization_uid) is required; O(project_uid) is not used.
  - The token needs C(personalize:manage) on the organization to create or delete a project.
"""

EXAMPLES = r"""# snippet: vars=vault_personalize_oauth_token
- name: Make sure the destination project exists, and keep its uid for the other modules
  contentstack.personalize.personalize_project:
    organization_uid: blt5e1ec7ed0000b002
    oauth_token: "{{ vault_personalize_oauth_token }}"
    region: eu
    name: Acme Retail Web Shop EU
    description: Copy of the NA project
    connected_stack_api_key: blt3c9d1e7f5a2b4c68
  register: dest_project

- name: Use it as the project of the following tasks
  contentstack.personalize.personalize_attribute:
    organization_uid: blt5e1ec7ed0000b002
    oauth_token: "{{ vault_personalize_oauth_token }}"
    region: eu
    project_uid: "{{ dest_project.uid }}"
    key: loyalty_tier

- name: Remove a scratch project
  contentstack.personalize.personalize_project:
    organization_uid: blt5e1ec7ed0000b002
    oauth_token: "{{ vault_personalize_oauth_token }}"
    region: eu
    name: Scratch
    state: absent
"""

RETURN = r"""
uid:
  description: Uid of the project (null when absent, or when only predicted in check mode).
  returned: always
  type: str
  sample: 6650a1b2c3d4e5f602000001
project:
  description:
    - The project as managed, after the change; before it for a deletion; null when it does not exist.
    - For an existing project whose description differs, its current description (it is not changed).
  returned: always
  type: dict
  contains:
    name:
      description: The project name.
      type: str
    description:
      description: The description.
      type: str
    connected_stack_api_key:
      description: API key of the connected stack, or null.
      type: str
  sample: {"name": "Acme Retail Web Shop EU", "description": "", "connected_stack_api_key": "blt3c9d1e7f5a2b4c68"}
object:
  description: The API object (with C(uid), C(organizationUid) and counts) as listed or returned by the create.
  returned: when the project exists
  type: dict
action:
  description: What was done, or would be done in check mode (V(create), V(delete) or V(none)).
  returned: always
  type: str
  sample: create
msg:
  description: A readable sentence saying what happened.
  returned: always
  type: str
  sample: project 'Acme Retail Web Shop EU' created
api_calls:
  description: What the task cost at the API, C(calls) (HTTP requests sent, re-sends included),
    C(retries) and C(throttled) (429 answers).
  returned: success
  type: dict
  sample: {"calls": 2, "retries": 0, "throttled": 0}
"""

from ansible_collections.contentstack.personalize.plugins.module_utils.runner import module_main


def main():
    module_main("personalize_project")


if __name__ == "__main__":
    main()
