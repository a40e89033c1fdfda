# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: personalize_export
short_description: Read a Personalize project, or some kinds of it, raw or in the portable form
version_added: 0.1.0
description:
  - Reads one Contentstack Personalize project through the Management API with the minimum of
    calls, one list call per kind and one versions call per experience, and returns it either as
    the API gives it or in the collection's portable form (keys and names instead of uids,
    server-managed fields left out, sorted so that two exports of an unchanged project are equal).
  - The portable form is what the collection's modules accept as O(ignore:items), so an export can be
    applied to another project (see the C(export.yml) and C(apply.yml) playbooks and C(docs/export.md)).
  - The lookup always returns a list. For the term V(all) the list holds one mapping, the whole
    project (with C(schema_version) when portable). For a kind term the list holds that kind's
    items, flattened, so O(query) and the C(query) Jinja function give a list of items.
  - All the terms of one call share one read of the project; nothing is listed twice.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - contentstack.personalize.connection
  - contentstack.personalize.connection.PLUGINS
options:
  _terms:
    description:
      - What to export. Any of V(attributes), V(events), V(audiences), V(experiences), V(versions),
        V(priority), or V(all) for the whole project.
      - Several terms may be given; their results are concatenated in the order given.
    type: list
    elements: str
    required: true
  portable:
    description:
      - V(true) gives the portable form (C(schema_version) 1, see C(docs/export.md)).
      - V(false) gives what the API returns (raw objects with uids); the raw C(versions) also
        hold archived versions, which the portable form leaves out.
    type: bool
    default: true
  query:
    description:
      - A JMESPath expression applied to the result before it is returned. For a kind term it is
        applied to that kind's list of items; for V(all) to the project mapping.
      - A list result is returned flattened into the lookup's list, a null result adds nothing,
        any other value is added as one element.
      - Needs the C(jmespath) Python library on the controller.
    type: str
  versions:
    description:
      - V(false) leaves the versions out of the V(all) term (its C(versions) is an empty list),
        which saves the one call per experience that reading them costs.
      - The term V(versions) cannot be combined with V(false).
    type: bool
    default: true
  projects:
    description:
      - Several projects to read at once, each a mapping of connection options (O(region) or
        O(api_url), O(project_uid), O(authtoken) or O(oauth_token), O(organization_uid),
        O(validate_certs), O(timeout), O(rate_limit), O(max_retries), O(allow_http),
        O(listing_cache)) and an optional C(label) that names it in errors.
      - 'An entry may also hold C(shared: true): the hosts of one ansible-playbook run that read that project
        with the same credential (and the same terms, O(portable) and O(versions)) read it once. The first reads
        it through the API and leaves the export in a private file of the run (mode 0600, under the per-user
        directory of the rate limiter, named by a hash; no token in it); the others wait for it and load it,
        with no call. So every host of the run gets the same snapshot of the project. Only for a project
        that the run does not write (the source of a copy), never for a destination. Waiting is bounded
        (10 minutes), then a host reads for itself; a failed read is not shared, and a later run never
        gets an earlier run''s read. The copy role sets it on the source (C(migrate_share_source_read)).'
      - Each mapping is complete on its own (no environment variable or C(personalize_*) variable
        applies to it), and the other connection options of the lookup are ignored.
      - The projects are read concurrently, each paced by its own organization's rate limit, so
        two projects of two organizations take the time of the longer read instead of the sum.
      - Only the term V(all); the lookup returns one mapping per project, in the order given.
        Errors of all the projects are reported together, each with its label (see O(on_error)).
    type: list
    elements: dict
  on_error:
    description:
      - What a project of O(projects) that cannot be read gives.
      - V(fail) fails the lookup with the errors of every project that could not be read, each
        named by its C(label).
      - V(return) puts C({error, label}) in that project's place (C(error) the message, C(label) the
        project's C(label), or C(project N) for the Nth project) and returns the projects that
        could be read as usual, so that a play can report the errors of all the sides together.
      - Only with O(projects). Errors in the lookup's own options (an unknown term, an invalid
        O(query)) fail it either way.
    type: str
    choices: [fail, return]
    default: fail
  stats:
    description:
      - V(true) adds C(api_calls) to the V(all) mapping, with the counts of this read,
        C(calls) (HTTP requests sent), C(retries) and C(throttled) (429 answers).
      - Has no effect on kind terms.
      - With C(shared) in a O(projects) entry, C(api_calls) is what this host spent, all zero when it
        reused another host's read.
    type: bool
    default: false
notes:
  - A connection option given as null (for example C(api_url=omitted_var | default(None))) counts
    as not given, so the C(personalize_*) variable or the environment variable applies.
  - The C(personalize_*) variables are templated as the lookup's own arguments are, so
    C(personalize_authtoken) may hold C("{{ vault_source_token }}") (a vault-encrypted variable included).
  - Of O(region) and O(api_url), and of O(authtoken) and OAuth (O(oauth_token), O(oauth_refresh_token) and
    the other C(oauth_*) options), the side given most directly wins and the other is not read at all, a
    keyword option over the C(personalize_*) variables, a variable over the environment. An O(oauth_token)
    or O(oauth_refresh_token) given to the lookup uses OAuth whatever C(personalize_authtoken) or
    E(CONTENTSTACK_AUTHTOKEN) hold (the rest of the refresh, such as O(oauth_client_id), may still come from
    its variable), and an O(authtoken) given to it reads no C(oauth_*) variable.
  - Errors (bad options, an unknown term, an API error, an invalid O(query)) fail the task with a
    message that names the cause and never contains a token; with O(projects) and
    O(on_error=return), a project's read error is returned as data instead.
requirements:
  - requests
  - jmespath (only for O(query))
"""

EXAMPLES = r"""
# snippet: side=source bare vars=personalize_region,personalize_project_uid,personalize_authtoken,destination_project_uid,vault_destination_token
# The connection from the personalize_* variables (a vars file, -e, the inventory), here the source project's:
#   personalize_region: aws-na
#   personalize_project_uid: 6650a1b2c3d4e5f601000001
#   personalize_authtoken: "{{ vault_source_token }}"   (templated like the lookup's own arguments)
- name: The whole project in the portable form (one mapping)
  ansible.builtin.set_fact:
    project: "{{ lookup('contentstack.personalize.personalize_export', 'all') }}"

- name: Another project, with a connection of its own (options given to the lookup)
  ansible.builtin.set_fact:
    other: "{{ lookup('contentstack.personalize.personalize_export', 'all', projects=[{'region': 'aws-eu',
                      'project_uid': destination_project_uid, 'oauth_token': vault_destination_token}]) }}"

- name: Custom attribute keys only
  ansible.builtin.debug:
    msg: "{{ query('contentstack.personalize.personalize_export', 'attributes', query='[].key') }}"

- name: Audiences that are synced from Lytics (read-only)
  ansible.builtin.debug:
    msg: "{{ query('contentstack.personalize.personalize_export', 'audiences', query='[?read_only].name') }}"

- name: Raw API objects of experiences and their versions, archived ones included
  ansible.builtin.set_fact:
    raw_versions: "{{ query('contentstack.personalize.personalize_export', 'versions', portable=false) }}"

- name: Two projects, each a complete mapping of connection options
  ansible.builtin.set_fact:
    source: {region: aws-na, project_uid: "{{ personalize_project_uid }}", authtoken: "{{ personalize_authtoken }}"}
    destination: {region: aws-eu, project_uid: "{{ destination_project_uid }}", oauth_token: "{{ vault_destination_token }}"}

- name: Read both at once; a project that cannot be read gives its error in its place
  ansible.builtin.set_fact:
    reads: "{{ query('contentstack.personalize.personalize_export', 'all', portable=false, on_error='return',
                     projects=[source | combine({'label': 'source'}), destination | combine({'label': 'destination'})]) }}"

- name: Feed an export into the list form of a module (the attributes of this project into another)
  contentstack.personalize.personalize_attribute:
    region: aws-eu
    project_uid: "{{ destination_project_uid }}"
    oauth_token: "{{ vault_destination_token }}"
    items: "{{ query('contentstack.personalize.personalize_export', 'attributes') }}"
"""

RETURN = r"""
_list:
  description:
    - For V(all), one mapping with the keys C(attributes), C(events), C(audiences),
      C(experiences), C(versions), C(priority) (and C(schema_version) when portable, and
      C(api_calls) with O(stats)).
    - With O(projects), one mapping per project, in the order given; with O(on_error=return), a
      project that could not be read is C({error, label}) instead.
    - For a kind term, the items of that kind. Portable items are sorted by key (attributes,
      events) or name (audiences, experiences, versions); C(priority) is the list of experience
      names in priority order (raw, experience uids).
    - Preset attributes are left out of the portable form (every project has them). Lytics
      audiences are kept, marked C(read_only=true) with C(source) and C(slug).
    - Portable C(versions) items are C({experience, versions}) with at most the live (C(active)
      or C(paused)) version and the C(draft), in that order; archived versions are only in the raw
      export.
    - With C(shared) in a O(projects) entry, that project's mapping also holds C(shared_read),
      V(read) when this host read it through the API (and shared it when it could), V(reused) when
      another host of this run read it and this host sent no call.
  type: list
  elements: raw
  sample:
    - key: loyalty_tier
      name: Loyalty tier
      description: Bronze, silver or gold
"""

from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.contentstack.personalize.plugins.module_utils.client import HAS_REQUESTS
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeError,
    PersonalizeInputError,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.runner import project_of
from ansible_collections.contentstack.personalize.plugins.module_utils.shared_read import read_once
from ansible_collections.contentstack.personalize.plugins.module_utils.export import read as export_read, terms_of
from ansible_collections.contentstack.personalize.plugins.module_utils.options import (
    CONNECTION_ARGSPEC, OPTIONS, PAIRS, client_from_module_params, client_from_plugin)
from ansible_collections.contentstack.personalize.plugins.module_utils.validate import boolean, known_fields

try:
    import jmespath
    HAS_JMESPATH = True
except ImportError:  # pragma: no cover - depends on the controller
    jmespath = None
    HAS_JMESPATH = False


# The personalize_* variable of each connection option, by option name.
VARIABLES = dict((option.name, option.variable) for option in OPTIONS if option.variable)


def _given(value):
    return value not in (None, "")


def _pairs_decided(direct, found):
    """``direct`` with, for each pair of options that say one thing two ways (options.PAIRS: region or
    api_url, authtoken or the oauth_* options), the options of the side given less directly set to ''
    (not given, and no environment variable fills them): a keyword wins over the personalize_* variables,
    a variable over the environment. Both sides given at one level stay, for the client to refuse."""
    out = dict(direct)
    for pair in PAIRS:
        for level in (direct.get, lambda name: found.get(VARIABLES[name])):
            sides = [side for side in pair if any(_given(level(name)) for name in side)]
            if sides:
                out.update((name, "") for side in pair if side not in sides for name in side if name not in direct)
                break
    return out


def _flat_terms(terms):
    out = []
    for term in terms or []:
        if isinstance(term, (list, tuple)):
            out.extend(_flat_terms(term))
        elif isinstance(term, str):
            out.extend(t.strip().lower() for t in term.split(",") if t.strip())
        else:
            raise AnsibleError("personalize_export: a term must be a kind name, got %r" % (term,))
    return out


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        # A null option counts as not given, so env and vars still apply (see notes).
        direct = dict((k, v) for k, v in kwargs.items() if v is not None)
        try:  # Ansible reads any string as a boolean ("perhaps" is false): only its boolean strings are
            direct.update((k, boolean(direct[k], "personalize_export", k)) for k in ("portable", "versions", "stats") if k in direct)
        except PersonalizeError as exc:
            raise AnsibleError(str(exc))
        connection_variables = self._connection_variables(variables)
        self.set_options(var_options=connection_variables, direct=_pairs_decided(direct, connection_variables))

        terms = _flat_terms(terms)
        if not terms:
            raise AnsibleError("personalize_export: give at least one term: attributes, events, audiences, "
                               "experiences, versions, priority, or all")
        with_versions = self.get_option("versions")
        try:
            kinds = terms_of(terms, with_versions)
        except PersonalizeInputError as exc:
            raise AnsibleError("personalize_export: %s" % exc)

        query = self.get_option("query")
        compiled = self._compile(query) if query else None
        portable = self.get_option("portable")

        if not HAS_REQUESTS:
            raise AnsibleError("personalize_export: the Python library 'requests' is required on the controller")
        projects = self.get_option("projects")
        on_error = self.get_option("on_error")
        if projects is not None:
            if terms != ["all"]:
                raise AnsibleError("personalize_export: with projects, the only term is 'all'")
            return self._several(projects, kinds, portable, with_versions, compiled, query, on_error)
        if on_error != "fail":
            raise AnsibleError("personalize_export: on_error=%s needs projects" % on_error)
        try:
            data = self._read(client_from_plugin(self.get_option), self.get_option("listing_cache"),
                              kinds, portable, with_versions)
        except PersonalizeError as exc:
            raise AnsibleError("personalize_export: %s" % exc)

        out = []
        for term in terms:
            value = self._shape(term, data, portable)
            if compiled is None:
                out.extend(value if term != "all" else [value])
                continue
            found = self._search(compiled, query, value)
            if isinstance(found, list):
                out.extend(found)
            elif found is not None:
                out.append(found)
        return out

    def _connection_variables(self, variables):
        """The personalize_* variables that are set, templated as Ansible templates a lookup's own
        arguments: a variable holding "{{ vault_token }}" gives that variable's value (vault-encrypted
        or not). Raises AnsibleError naming the variable whose template fails, never its value."""
        found = {}
        for name in VARIABLES.values():
            if (variables or {}).get(name) is None:
                continue
            if self._templar is None:  # outside a play: nothing to template with
                found[name] = variables[name]
                continue
            try:
                found[name] = self._templar.template(variables[name])
            except AnsibleError as exc:
                raise AnsibleError("personalize_export: the variable %s cannot be templated: %s" % (name, exc.message))
        return found

    def _read(self, client, listing_cache, kinds, portable, with_versions, shared=False):
        """One project's export (one ProjectListings: every term reads the same listings); with
        ``shared``, the run's shared read of it (shared_read.py), marked ``shared_read``.
        Raises PersonalizeError or PersonalizeInputError."""
        def read():
            project = project_of(client, {"listing_cache": listing_cache})
            out = export_read(project, kinds, portable, with_versions)
            project.save()
            return out

        if shared:
            data, how = read_once(client, {"kinds": sorted(kinds), "portable": portable, "versions": with_versions}, read)
            data["shared_read"] = how
        else:
            data = read()
        if self.get_option("stats"):
            data["api_calls"] = dict(client.stats)
        return data

    def _several(self, projects, kinds, portable, with_versions, compiled, query, on_error):
        """Each project read in its own thread, at its own organization's rate; one mapping each
        (with on_error=return, {error, label} for a project that could not be read)."""
        if not isinstance(projects, list) or not all(isinstance(p, dict) for p in projects):
            raise AnsibleError("personalize_export: projects must be a list of mappings of connection options")
        try:
            for pos, conn in enumerate(projects, 1):
                known_fields(conn, tuple(CONNECTION_ARGSPEC) + ("label", "shared"), "projects[%d]" % pos, "connection option")
            shared = [boolean(conn.get("shared", False), "personalize_export", "projects[%d].shared" % pos)
                      for pos, conn in enumerate(projects, 1)]
        except PersonalizeError as exc:
            raise AnsibleError("personalize_export: %s" % exc)

        def read(conn, share):
            try:
                return self._read(client_from_module_params(conn), conn.get("listing_cache"),
                                  kinds, portable, with_versions, shared=share)
            except PersonalizeError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=max(1, len(projects))) as pool:
            results = list(pool.map(read, projects, shared))
        labels = [conn.get("label") or "project %d" % pos for pos, conn in enumerate(projects, 1)]
        failed = [isinstance(result, Exception) for result in results]
        if on_error != "return" and any(failed):
            raise AnsibleError("personalize_export: %s" % "; ".join(
                "%s: %s" % (label, result) for label, result, bad in zip(labels, results, failed) if bad))
        return [{"error": str(data), "label": label} if bad else data if compiled is None else self._search(compiled, query, data)
                for label, data, bad in zip(labels, results, failed)]

    @staticmethod
    def _shape(term, data, portable):
        if term == "all":
            return data
        value = data[term]
        if term == "priority" and isinstance(value, dict):
            return list(value.get("priorityOrder") or [])
        return list(value)

    @staticmethod
    def _compile(query):
        if not HAS_JMESPATH:
            raise AnsibleError("personalize_export: the query option needs the Python library 'jmespath' "
                               "on the controller (pip install jmespath)")
        try:
            return jmespath.compile(query)
        except jmespath.exceptions.JMESPathError as exc:
            raise AnsibleError("personalize_export: invalid JMESPath query %r: %s" % (query, exc))

    @staticmethod
    def _search(compiled, query, value):
        try:
            return compiled.search(value)
        except jmespath.exceptions.JMESPathError as exc:
            raise AnsibleError("personalize_export: JMESPath query %r failed: %s" % (query, exc))
