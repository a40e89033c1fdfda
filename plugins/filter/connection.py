# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection_options filter: a complete connection mapping (plugins/module_utils/options.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.contentstack.personalize.plugins.module_utils.options import complete_connection


def connection_options(given):
    """Every connection option, those ``given`` leaves out set so that nothing else can fill them."""
    if not isinstance(given, Mapping):
        raise AnsibleFilterError("connection_options: expected a mapping of connection options, got %s"
                                 % type(given).__name__)
    return complete_connection(given)


class FilterModule(object):
    def filters(self):
        return {"connection_options": connection_options}
