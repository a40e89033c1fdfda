# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: projects
short_description: Personalize projects of one or more organizations as inventory hosts
version_added: 0.1.0
description:
  - Lists the Contentstack Personalize projects of each organization given (C(GET /projects) with the
    C(organization_uid) header, one call per organization, the organizations read at the same time)
    and makes each project a host, named by its name (or its uid, see O(hostname)).
  - Every host has the variables C(personalize_project_uid), C(personalize_project_name),
    C(personalize_organization_uid), C(personalize_api_url), C(personalize_region) (null for a custom
    URL) and C(personalize_connected_stack_api_key), which the lookups and, through
    C(module_defaults), the modules read, so that a play over these hosts reaches each host's project.
    No token is ever a host variable, in the cache or in C(ansible-inventory --list); give the
    tokens per organization in group variables (see C(docs/awx.md) and C(docs/user-guide.md)).
  - Groups are C(personalize_projects) (every host), C(personalize_org_<organization uid>) and
    C(personalize_region_<region>) (dashes become underscores, C(personalize_region_custom) for a
    custom URL), and those that O(groups) and O(keyed_groups) make.
  - The hosts are added round-robin across the organizations (the first project of each organization
    in the order of O(organizations), then the second of each, and so on; an organization's projects
    by name). Ansible starts each task on the hosts in this order, C(forks) at a time, and every
    organization has a rate limit of its own, so the first forks spread over all the organizations
    instead of filling the first organization's budget while the others wait. A host pattern that
    names groups one after the other (C(a:b)) lists the first group's hosts first; a group of this
    plugin's (C(personalize_projects), one of O(groups) or O(keyed_groups), or an exclusion such as
    C(personalize_projects:!personalize_org_<uid>)) keeps the interleaved order.
  - The configuration file's name must end in C(personalize_projects.yml) or C(personalize_projects.yaml).
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; makes a configuration file this plugin's.
    type: str
    required: true
    choices: [contentstack.personalize.projects]
  organizations:
    description:
      - The organizations whose projects to list, each a mapping of connection options named as the
        modules' (see the module R(connection options,ansible_collections.contentstack.personalize.personalize_project_module)).
      - An option left out of an entry comes from its C(CONTENTSTACK_*) environment variable, as for
        the modules, except that the environment does not complete a pair the entry gives one side of
        (O(organizations[].region) and O(organizations[].api_url); O(organizations[].authtoken) and the
        C(oauth_*) options, such as O(organizations[].oauth_token) or O(organizations[].oauth_refresh_token)).
      - An organization that cannot be read (a refused token, a wrong URL, a server error after the
        retries) fails the inventory with a message that names it when O(strict=true); when
        O(strict=false) its projects are left out with a warning naming it, and the others are listed
        (and nothing is cached, so the next run reads every organization again).
      - Left out, one organization whose options all come from the environment, as an AWX or
        Automation Platform credential of the collection's credential type injects them (C(docs/awx.md)).
    type: list
    elements: dict
    default: [{}]
    suboptions:
      organization_uid:
        description:
          - The organization uid, sent as the C(organization_uid) header; from E(CONTENTSTACK_ORGANIZATION_UID)
            when left out. Needed, from one or the other.
        type: str
      region:
        description:
          - The region, as O(contentstack.personalize.personalize_project#module:region) of the modules.
          - With O(organizations[].api_url) it only names the region of the hosts (C(personalize_region), the region group).
        type: str
      api_url:
        description: The base URL, as O(contentstack.personalize.personalize_project#module:api_url) of the modules.
        type: str
      authtoken:
        description: A user authtoken, as O(contentstack.personalize.personalize_project#module:authtoken) of the modules.
        type: str
      oauth_token:
        description: An OAuth access token, as O(contentstack.personalize.personalize_project#module:oauth_token) of the modules.
        type: str
      oauth_refresh_token:
        description:
          - An OAuth refresh token (with O(organizations[].oauth_client_id)), from which an access token is
            refreshed, as O(contentstack.personalize.personalize_project#module:oauth_refresh_token) of the modules.
        type: str
      oauth_client_id:
        description:
          - The client id of the OAuth app that issued O(organizations[].oauth_refresh_token), as
            O(contentstack.personalize.personalize_project#module:oauth_client_id) of the modules.
        type: str
      oauth_client_secret:
        description:
          - The OAuth app's client secret, as O(contentstack.personalize.personalize_project#module:oauth_client_secret)
            of the modules.
        type: str
      oauth_redirect_uri:
        description:
          - The OAuth app's redirect URI, as O(contentstack.personalize.personalize_project#module:oauth_redirect_uri)
            of the modules.
        type: str
      oauth_token_url:
        description:
          - The OAuth token endpoint, as O(contentstack.personalize.personalize_project#module:oauth_token_url)
            of the modules.
        type: str
      validate_certs:
        description: As O(contentstack.personalize.personalize_project#module:validate_certs) of the modules.
        type: bool
        default: true
      allow_http:
        description: As O(contentstack.personalize.personalize_project#module:allow_http) of the modules.
        type: bool
        default: false
      timeout:
        description: As O(contentstack.personalize.personalize_project#module:timeout) of the modules.
        type: int
        default: 30
      rate_limit:
        description: As O(contentstack.personalize.personalize_project#module:rate_limit) of the modules.
        type: float
        default: 10.0
      max_retries:
        description: As O(contentstack.personalize.personalize_project#module:max_retries) of the modules.
        type: int
        default: 6
  hostname:
    description: What names a host, the project's V(name) (unique in an organization) or its V(uid).
    type: str
    choices: [name, uid]
    default: name
  include:
    description:
      - Shell patterns (C(fnmatch), case-sensitive) of the project names to list; a project whose name
        matches none is left out. Empty lists every project.
    type: list
    elements: str
    default: []
  exclude:
    description: Shell patterns of project names to leave out, applied after O(include).
    type: list
    elements: str
    default: []
notes:
  - Two projects of two organizations with one name would be one host; that is an error, which
    O(hostname=uid) or O(exclude) avoids.
  - The inventory cache holds, per organization, its uid, base URL and region and the projects' uid,
    name and connected stack; it is used only while the configured organizations (uid and URL) are
    the same.
requirements:
  - requests
"""

EXAMPLES = r"""
# shops.personalize_projects.yml: every project of two organizations. The tokens come from the
# environment (CONTENTSTACK_AUTHTOKEN or CONTENTSTACK_OAUTH_TOKEN, as an AWX credential injects
# them), or from a vault-encrypted value in the entry (authtoken: !vault |...).
plugin: contentstack.personalize.projects
organizations:
  - organization_uid: blt5e1ec7ed0000a001
    region: aws-na
  - organization_uid: blt5e1ec7ed0000b002
    region: aws-eu
exclude:
  - "* (archive)"
keyed_groups:
  - key: personalize_connected_stack_api_key
    prefix: stack
compose:
  shop_label: personalize_project_name | lower | replace(' ', '-')
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/personalize-inventory
cache_timeout: 3600

# local.personalize_projects.yml: the local emulator of tests/emulator (make demo's two regions),
# each organization with its own token and the host names the project uids.
plugin: contentstack.personalize.projects
hostname: uid
organizations:
  - organization_uid: blt5e1ec7ed0000a001
    api_url: http://127.0.0.1:8787
    region: aws-na
    authtoken: csat-src-6f1d0c9a7b3e4d2f
  - organization_uid: blt5e1ec7ed0000b002
    api_url: http://127.0.0.1:8788
    region: aws-eu
    oauth_token: csoa-dst-9c7a5e3b1d2f4a6c
"""

from concurrent.futures import ThreadPoolExecutor
import os

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.contentstack.personalize.plugins.module_utils import inventory as projects
from ansible_collections.contentstack.personalize.plugins.module_utils.client import HAS_REQUESTS
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.options import client_from_module_params

NAME = "contentstack.personalize.projects"
_PLAIN = (str, bool, int, float, list, dict)


def _decrypted(entry):
    """An entry with its vault-encrypted values (``!vault``) as the plain strings they hold."""
    if not isinstance(entry, dict):
        return entry
    return dict((k, v if v is None or isinstance(v, _PLAIN) else str(v)) for k, v in entry.items())


def _where(conn):
    """Where an organization is read, for messages: its URL (never one with credentials in it) or region."""
    url = conn.get("api_url")
    if url:
        return "the api_url given" if "@" in str(url) else str(url)
    return conn.get("region") or "aws-na"


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = NAME

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("personalize_projects.yml", "personalize_projects.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        if not HAS_REQUESTS:
            raise AnsibleParserError("%s: the Python library 'requests' is required on the controller" % NAME)
        entries = self.get_option("organizations")
        if not isinstance(entries, list) or not entries:
            raise AnsibleParserError("%s: organizations must be a non-empty list of mappings" % NAME)
        try:
            conns = [projects.entry_connection(_decrypted(entry), pos, os.environ) for pos, entry in enumerate(entries)]
        except PersonalizeError as exc:
            raise AnsibleParserError("%s: %s" % (NAME, exc))

        key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        listing = None
        if use_cache:
            try:
                listing = self._cache[key]
            except KeyError:
                listing = None
            if not projects.same_organizations(listing, conns):
                listing = None
        if listing is None:
            listing, complete = self._list(conns)
            if self.get_option("cache") and complete:
                self._cache[key] = listing
        self._populate(listing)

    def _list(self, conns):
        """Every organization's listing, read at the same time; the unreadable ones warned about
        (strict: false) or failing the inventory (strict: true), each named."""
        def read(conn):
            try:
                base_url, region = projects.region_of(conn)
                client = client_from_module_params(conn)
                return projects.organization_listing(conn, base_url, region, client.get("/projects"))
            except PersonalizeError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=len(conns)) as pool:
            results = list(pool.map(read, conns))
        errors = ["organization %s (%s): %s" % (conn["organization_uid"], _where(conn), result)
                  for conn, result in zip(conns, results) if isinstance(result, Exception)]
        if errors and self.get_option("strict"):
            raise AnsibleError("%s: cannot list the projects of %s" % (NAME, "; ".join(errors)))
        for error in errors:
            self.display.warning("%s: left out %s" % (NAME, error))
        return [r for r in results if not isinstance(r, Exception)], not errors

    def _populate(self, listing):
        try:
            hosts = projects.interleaved(
                projects.hosts_of(listing, self.get_option("hostname"), self.get_option("include"), self.get_option("exclude")))
        except PersonalizeError as exc:
            raise AnsibleParserError("%s: %s" % (NAME, exc))
        strict = self.get_option("strict")
        for host, hostvars, groups in hosts:
            self.inventory.add_host(host)
            for group in groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, host)
            for name, value in hostvars.items():
                self.inventory.set_variable(host, name, value)
            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)
