# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Options shared by the resource modules (their attributes: contentstack.personalize.attributes).
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
"""
