# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: personalize_stack
short_description: Read the stack side of Personalize projects, or wait for their variant groups
version_added: 0.1.0
description:
  - Reads, through the Content Management API, what the stack connected to a Personalize project holds
    for it, with one list call per kind and page, the stack (its organization and master locale), its
    locales, content types and variant groups (with their linked content types), the entries of some
    content types and, when asked, their entry variants per locale. It also lists the organization's
    Personalize projects once, to say which stack the project is connected to.
  - With the term V(wait), polls the project's experiences until Personalize has made the variant group
    and the CMS variants of each experience named in O(wait_for), printing a progress line while it
    waits, for at most O(timeout) seconds.
  - This is the read path of the C(migrate) role's stack phase (extract, validate, verify). It always
    returns a list, one mapping per side of O(sides), in the order given.
author:
  - Contentstack Personalize collection maintainers (@contentstack-personalize)
options:
  _terms:
    description:
      - V(read) reads each side of O(sides); V(wait) waits for the groups of the one side of O(sides).
    type: list
    elements: str
    required: true
  sides:
    description:
      - Each a mapping of connection options (those of the collection's modules, with C(stack_api_key),
        C(cma_url) and C(branch)) and an optional C(label) that names it in errors; each is complete on its own
        (no environment variable applies to it).
      - A side may also give C(content_types), the content types whose entries to list (default the ones
        linked to any variant group of the stack), C(entries), a mapping of content type to the entry uids
        whose variants to read (default every entry listed), C(locales), the locales whose entry variants to
        read (default the stack's master locale), and C(entry_variants) (default V(false)) to read them.
      - With C(listing_cache) (a key, as the modules take it), V(read) starts from the stack's lists that an earlier
        task of the run with that key left and leaves its own, so that personalize_variant_group and
        personalize_entry_variant given the same key do not list them again (the C(migrate) role does this for the
        destination stack). Without it, every list is read from the API.
    type: list
    elements: dict
    required: true
  on_error:
    description:
      - V(fail) fails on the first side that cannot be read; V(return) puts C({error, label}) in its place.
    type: str
    choices: [fail, return]
    default: fail
  wait_for:
    description:
      - For the term V(wait), a mapping of experience name to the variant shortUids whose CMS variants
        must exist.
    type: dict
    default: {}
  timeout:
    description: For the term V(wait), the seconds to wait at most (the polls grow from 1 s to 10 s apart).
    type: int
    default: 120
notes:
  - Errors never contain a token.
requirements:
  - requests
"""

EXAMPLES = r"""# snippet: side=source vars=vault_source_token
- name: Read the source stack's groups, entries of their linked content types and entry variants in two locales
  ansible.builtin.set_fact:
    source_stack: "{{ query('contentstack.personalize.personalize_stack', 'read',
                            sides=[source | combine({'entry_variants': true, 'locales': ['en-us', 'fr-fr']})]) | first }}"
  vars:
    source:
      region: aws-na
      project_uid: 6650a1b2c3d4e5f601000001
      authtoken: "{{ vault_source_token }}"
      stack_api_key: blt8f2e6d4c0a9b7e53
"""

RETURN = r"""
_list:
  description:
    - For V(read), one mapping per side with C(stack) (C(api_key), C(name), C(org_uid), C(master_locale)),
      C(branch), C(project) (C(uid), C(found), C(connected_stack_api_key)), C(locales), C(content_types),
      C(groups) (C(uid), C(name), C(experience_uid), C(content_types)), C(entries) (content type to entry
      uids), C(entry_variants) (C(content_type), C(entry), C(locale), C(variant), C(fields), C(change_set))
      and C(api_calls) (C(calls), C(retries), C(throttled), C(cma_calls) and C(refreshes), the OAuth refreshes).
    - For V(wait), one mapping with C(pending) (None, or the message naming the experiences still without
      their group or CMS variants when the time was up) and C(api_calls).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.contentstack.personalize.plugins.module_utils.client import CALL_COUNTS
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.module_utils.options import client_from_module_params, connection_argspec
from ansible_collections.contentstack.personalize.plugins.module_utils.stack import (
    Stack,
    entry_variant_state,
    linked_types,
    wait_for_cms,
)
from ansible_collections.contentstack.personalize.plugins.module_utils.validate import known_fields

display = Display()
READ_KEYS = ("label", "content_types", "entries", "locales", "entry_variants")


def _connection(side):
    return dict((k, v) for k, v in side.items() if k not in READ_KEYS)


def _project(client, side, stack):
    """The project as its organization lists it (one ``GET /projects``, with the stack's organization
    when the side names none): whether it is there, and its connected stack."""
    if not side.get("organization_uid"):
        client = client_from_module_params(dict(_connection(side), organization_uid=stack.get("org_uid")))
    uid = str(side.get("project_uid") or "").strip().lower()
    found = [p for p in client.get("/projects") or [] if str(p.get("uid")).lower() == uid] if uid else []
    return {"uid": uid, "found": bool(found), "connected_stack_api_key": found[0].get("connectedStackApiKey") if found else None}, client


def _entries(stack, side, out):
    """The entries of the content types to read, and their variants when asked."""
    have = set(out["content_types"])
    wanted = side.get("content_types")
    if wanted is None:
        wanted = sorted(set(ct for g in out["groups"] for ct in g["content_types"]))
    master = out["stack"].get("master_locale")
    only = side.get("entries")
    for ct in [c for c in wanted if c in have]:
        out["entries"][ct] = [e.get("uid") for e in stack.entries(ct, master)]
        if not side.get("entry_variants"):
            continue
        for entry in out["entries"][ct]:
            if only is not None and entry not in (only.get(ct) or []):
                continue
            for locale in side.get("locales") or [master]:
                for uid, raw in sorted(stack.entry_variants(ct, entry, locale).items()):
                    state = entry_variant_state(raw)
                    out["entry_variants"].append({"content_type": ct, "entry": entry, "locale": locale, "variant": uid,
                                                  "fields": state["fields"], "change_set": state["change_set"]})


def read_side(side):
    """One side's stack read (see RETURN). Raises PersonalizeError."""
    client = client_from_module_params(_connection(side))
    stack = Stack(client, listing_cache=side.get("listing_cache"))
    info = stack.info()
    project, other = _project(client, side, info)
    out = {"stack": dict((k, info.get(k)) for k in ("api_key", "name", "org_uid")), "branch": stack.branch,
           "project": project, "entries": {}, "entry_variants": []}
    out["stack"]["master_locale"] = stack.master_locale()
    out["locales"] = [loc.get("code") for loc in stack.locales()]
    out["content_types"] = [ct.get("uid") for ct in stack.content_types()]
    out["groups"] = [{"uid": g.get("uid"), "name": g.get("name"),
                      "experience_uid": (g.get("personalize_metadata") or {}).get("experience_uid"),
                      "content_types": linked_types(g)} for g in stack.groups()]
    _entries(stack, side, out)
    stack.save()
    stats = [client.stats] + ([other.stats] if other is not client else [])
    out["api_calls"] = dict((k, sum(s.get(k, 0) for s in stats)) for k in CALL_COUNTS)
    return out


def wait_side(side, wait_for, timeout):
    """Waits until each experience named in ``wait_for`` has its group and the CMS variants of its
    shortUids, for ``timeout`` seconds at most, a progress line per pause. ``pending`` is the
    error naming the experiences still without them (None when none)."""
    client = client_from_module_params(_connection(side))
    listing = client.get("/experiences") or []
    uids = dict((x.get("name"), x.get("uid")) for x in listing)
    needed = dict((uids[name], shorts) for name, shorts in wait_for.items() if shorts and name in uids)
    missing = [name for name, shorts in wait_for.items() if shorts and name not in uids]

    def progress(names, waited):
        display.display("stack: waiting for the variant groups of %d of %d experiences (%s), %d s of %d s" % (
            len(names), len(needed), ", ".join(names), waited, timeout))

    out = {"pending": None, "api_calls": None}
    try:
        if missing:
            raise PersonalizeError("the destination has no experience %s" % ", ".join(repr(n) for n in missing))
        wait_for_cms(client, sorted(needed), timeout, progress=progress, needed=needed, experiences=listing)
    except PersonalizeError as exc:
        out["pending"] = str(exc)
    out["api_calls"] = dict((k, client.stats.get(k, 0)) for k in CALL_COUNTS)
    return out


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        terms = [t for t in terms or [] if t]
        if terms not in (["read"], ["wait"]):
            raise AnsibleError("personalize_stack: the term is 'read' or 'wait', got %r" % (terms,))
        sides = self.get_option("sides")
        if not isinstance(sides, list) or not all(isinstance(s, dict) for s in sides):
            raise AnsibleError("personalize_stack: sides must be a list of mappings")
        try:
            for pos, side in enumerate(sides, 1):
                known_fields(side, tuple(connection_argspec("stack")) + READ_KEYS, "sides[%d]" % pos, "option")
        except PersonalizeError as exc:
            raise AnsibleError("personalize_stack: %s" % exc)
        out = []
        for pos, side in enumerate(sides, 1):
            label = side.get("label") or "side %d" % pos
            try:
                if terms == ["wait"]:
                    out.append(wait_side(side, self.get_option("wait_for"), self.get_option("timeout")))
                else:
                    out.append(read_side(side))
            except PersonalizeError as exc:
                if self.get_option("on_error") != "return":
                    raise AnsibleError("personalize_stack: %s: %s" % (label, exc))
                out.append({"error": str(exc), "label": label})
        return out
