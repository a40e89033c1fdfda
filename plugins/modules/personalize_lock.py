#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: personalize_lock
short_description: One run at a time per Personalize project, on one machine
version_added: 0.1.0
description:
  - Takes or gives back the lock of the project the connection options name, so that two copies into one
    destination on one machine run one after the other instead of making duplicate audiences and experiences
    (the API does not keep their names unique). The C(contentstack.personalize.migrate) role holds it from
    extract to the end of verify.
  - The lock is a file in the per-user private directory of the rate limiter (C(<tempdir>/contentstack-personalize-<uid>/),
    mode 0700), named by a hash of the project's endpoint (never a token), mode 0600. It names its owner, the
    C(ansible-playbook) process (not the task's worker process) with its start time, and O(owner).
  - A lock whose ansible-playbook process is gone (a killed run) is stale and is replaced; a pid reused by
    another process does not count as the owner, because its start time differs.
  - Connection settings that cannot work (an unknown region, plain http to a remote host) take no lock,
    nothing can be read or written with them. RV(acquired) is then true and RV(path) empty.
  - Nothing is sent to the API. The task never fails because another run holds the lock, it returns
    RV(acquired=false) and who holds it; wait with C(until) and C(retries), as the role does.
  - Runs on the controller through an action plugin of the same name. Across machines no lock is possible;
    see the role's C(migrate_repair_duplicates).
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.attributes
attributes:
  check_mode:
    description: Takes the lock in check mode too (a dry run reads the project another run would be writing).
  diff_mode:
    support: none
    description: Nothing to compare, the lock is local state and not content of the project.
options:
  state:
    description:
      - V(present) takes the lock (again, for the run that holds it); V(absent) gives it back if this run holds it.
    type: str
    choices: [present, absent]
    default: present
  owner:
    description:
      - The run's label, for the messages and so that two hosts of one playbook exclude each other (the role
        gives the inventory host).
    type: str
    required: true
  project_name:
    description:
      - For a project given by name (the role's destinations given by O(organization_uid) and name), the lock is
        that of the organization's project of this name, whether it exists yet or not.
    type: str
"""

EXAMPLES = r"""
- name: Lock the project against other runs of this machine (wait up to 10 minutes)
  contentstack.personalize.personalize_lock:
    owner: "{{ inventory_hostname }}"
  register: project_lock
  until: project_lock.acquired
  retries: 300
  delay: 2

- name: Give it back
  contentstack.personalize.personalize_lock:
    owner: "{{ inventory_hostname }}"
    state: absent
"""

RETURN = r"""
acquired:
  description: Whether this run holds the lock now (V(state=present)).
  returned: always
  type: bool
released:
  description: Whether a lock of this run was removed (V(state=absent)).
  returned: always
  type: bool
holder:
  description: The lock's owner, this run's when acquired, else the other run's (C(owner), C(pid), C(host),
    C(since) in epoch seconds, C(destination)).
  returned: always
  type: dict
holder_text:
  description: The holder in plain words, for example C(run shop-eu (ansible-playbook pid 4242 on ci-1) since 2026-12-01 21:00:00 UTC).
  returned: always
  type: str
path:
  description: The lock file.
  returned: always
  type: str
destination:
  description: The project locked, as C(<base url> project <uid>).
  returned: always
  type: str
stale:
  description: The holder of a stale lock this run replaced (its run was killed), or null.
  returned: always
  type: dict
msg:
  description: A readable sentence saying what happened; when the lock is held by another run, it names that
    run, since when, and the lock file.
  returned: always
  type: str
"""

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.contentstack.personalize.plugins.module_utils.options import CONNECTION_ARGSPEC
from ansible_collections.contentstack.personalize.plugins.module_utils.run_lock import LOCK_OPTIONS


def main():
    module = AnsibleModule(argument_spec=dict(copy.deepcopy(CONNECTION_ARGSPEC), **copy.deepcopy(LOCK_OPTIONS)), supports_check_mode=True)
    # Run as a module, its parent process would be the module's wrapper, not ansible-playbook.
    module.fail_json(msg="personalize_lock runs on the controller, through its action plugin: call it as "
                         "contentstack.personalize.personalize_lock")


if __name__ == "__main__":
    main()
