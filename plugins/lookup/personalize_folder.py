# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: personalize_folder
short_description: Read a folder written by export.yml and check all of it, before anything is applied
version_added: 0.1.0
description:
  - Reads the files of a folder written by the C(export.yml) playbook (C(project.yml) and one file
    per kind, see C(docs/export.md)) on the controller, with a strict YAML loader, and checks them.
    This is what C(apply.yml) runs before its first write.
  - Without O(project), it checks the files only, with no API call. Every file must exist and parse
    (a key repeated in one mapping is an error naming the file and the line, not a warning), and
    have its shape (C(project.yml) with C(schema_version) 1 and C(kinds) naming exactly the six kinds; each
    kind file a mapping of one key, the kind, to a list of mappings, or of names for C(priority)).
    The problems of all the files are reported together.
  - With O(project), the current state of the target project, it then checks every item as the
    modules would check it when they write it, in load order, with the same code. Each attribute,
    event, audience and experience goes through the engine's plan (types, unknown fields, preset and
    read-only objects, names used twice, a type change), each version through the versions module's
    checks (variants, traffic splits, metrics, targeting), and the priority order through the
    priority module's (an experience named twice, an unknown one). A reference resolves to an item
    of the folder (by name, as check mode does) or to an object the project already has.
  - Lytics audiences in C(audiences.yml) (C(read_only=true) or C(source=LYTICS)) are returned apart, in
    C(read_only_audiences), since they cannot be created through the API; a version that targets one the project
    does not have is an error.
  - Fails naming the file, the item and the field. Never calls the API, never writes.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
options:
  _terms:
    description:
      - The folder (one path, on the controller). C(~) is expanded; a relative path is relative to the
        playbook's folder, as for Ansible's own file lookups.
    type: list
    elements: str
    required: true
  project:
    description:
      - The target project's current state, as the P(contentstack.personalize.personalize_export#lookup)
        lookup reads it with the term V(all) and O(contentstack.personalize.personalize_export#lookup:portable=false)
        (the one mapping of its list).
      - Without it only the files are checked (no item is checked against a project).
    type: dict
notes:
  - Unknown fields are errors. The fields of each item are those of the portable form (C(docs/export.md));
    module options such as C(state) or C(replace) are not part of a folder (C(apply.yml) creates and
    updates, it never deletes).
  - The lookup returns the items as the files hold them; the modules check them again as they write.
seealso:
  - plugin: contentstack.personalize.personalize_export
    plugin_type: lookup
"""

EXAMPLES = r"""
# snippet: skip="needs the folder playbooks/export.yml writes; docs/export.md runs export.yml, then apply.yml, which uses this lookup"
- name: Check the files of a folder (no API call)
  ansible.builtin.set_fact:
    files: "{{ query('contentstack.personalize.personalize_folder', './acme-retail') | first }}"

- name: Read the target project once
  ansible.builtin.set_fact:
    current: "{{ query('contentstack.personalize.personalize_export', 'all', portable=false) | first }}"

- name: Check every item against it, before any write
  ansible.builtin.set_fact:
    folder: "{{ query('contentstack.personalize.personalize_folder', './acme-retail', project=current) | first }}"

- name: Then write, kind by kind
  contentstack.personalize.personalize_attribute:
    items: "{{ folder.attributes }}"
"""

RETURN = r"""
_list:
  description:
    - One mapping, the folder's items per kind in load order.
  type: list
  elements: dict
  contains:
    schema_version:
      description: The format version of the folder (C(project.yml)).
      type: int
      sample: 1
    attributes:
      description: The attributes, as in the file.
      type: list
      elements: dict
    events:
      description: The events, as in the file.
      type: list
      elements: dict
    audiences:
      description: The audiences that can be written (the Lytics ones are in RV(_list[].read_only_audiences)).
      type: list
      elements: dict
    read_only_audiences:
      description: The Lytics audiences of the file, which are reported and never written.
      type: list
      elements: dict
    experiences:
      description: The experiences, as in the file.
      type: list
      elements: dict
    versions:
      description: One item per experience, C({experience, versions}), as in the file.
      type: list
      elements: dict
    priority:
      description: The experience names, highest priority first.
      type: list
      elements: str
    changes:
      description:
        - Only with O(project). What applying the folder would do, planned as check mode plans it.
        - Per kind of RV(_list[].attributes) to RV(_list[].experiences), the number of items to C(create), to
          C(update), and C(none) (unchanged); for C(versions) the number of experiences whose versions
          would change; for C(priority) whether the order would change.
      type: dict
      sample: {attributes: {create: 2, none: 8}, events: {none: 5}, audiences: {update: 1, none: 9},
               experiences: {none: 6}, versions: 1, priority: false}
    summary:
      description: Only with O(project). The same in one line.
      type: str
      sample: "folder ok: 10 attributes (2 to create), 5 events (unchanged), ..."
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.folder import check_files, read_texts, validate_folder


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if not isinstance(terms, list) or len(terms) != 1 or not isinstance(terms[0], str):
            raise AnsibleError("personalize_folder: give one folder (a path), got %r" % (terms,))
        folder = self._loader.path_dwim(terms[0])
        project = self.get_option("project")
        try:
            texts = read_texts(folder)
            if project is None:
                return [check_files(texts, folder)]
            return [validate_folder(texts, project, folder)]
        except PersonalizeError as exc:
            raise AnsibleError("personalize_folder: %s" % exc)
