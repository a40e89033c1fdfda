# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Options and attributes shared by the resource modules.
    DOCUMENTATION = r"""
options:
  state:
    description:
      - C(present) creates or updates the object, C(absent) deletes it.
      - Deleting an object that does not exist reports C(changed=false).
      - Deleting an object that others still reference fails with the API's refusal.
    type: str
    choices: [present, absent]
    default: present
  prune:
    description:
      - With O(items), also delete the objects of this kind that the list does not name
        (read-only objects such as presets and Lytics audiences are never touched).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Predicts the resulting objects with the same code path as a real run; writes nothing.
  diff_mode:
    support: full
    description: Returns the before and after of the managed fields, only when diff is asked for.
  action_group:
    description: Use C(group/contentstack.personalize.personalize) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - contentstack.personalize.personalize
"""
