# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The attributes every module of the collection documents.

Each module extends it and, under its own ``attributes:``, says what check mode and diff do for it:
ansible merges a module's keys over the fragment's, attribute by attribute and key by key, so a
module states only its ``description`` (and its ``support`` where that is not ``full``, as for a
module with no diff).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Modules: extends_documentation_fragment: contentstack.personalize.attributes
    DOCUMENTATION = r"""
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
