# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs contentstack.personalize.personalize_export_folder on the controller (see plugin_utils/action.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.contentstack.personalize.plugins.plugin_utils.action import PersonalizeAction


class ActionModule(PersonalizeAction):
    MODULE = "personalize_export_folder"
