# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: what every filter plugin of the collection shares.

* ``plain``: Ansible's lazy, tagged containers as plain data, in one pass; ``as_stored``: the same
  for a fact or a registered result, without rendering what was rendered when it was stored;
* ``as_text`` and ``project_fact``: a whole project kept in a fact as compact JSON text, and back;
* ``guard``: a filter whose collection errors (``PersonalizeError``) fail the task as filter errors,
  its arguments made plain first; ``picking``: the same for a filter that only picks a few fields of
  large registered results, whose arguments are left as they are.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError


def plain(value):
    """The same data as plain dicts, lists, strings and numbers.

    Ansible hands filters lazy, tagged containers; copying or walking them item by item costs
    a template call per value (seconds for a large project). One pass here makes them plain."""
    if isinstance(value, Mapping):
        return dict((plain(k), plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value


def stored(value):
    """A fact's, a registered result's or a lookup's data as ansible-core stored it: its lazy
    containers' contents (``_non_lazy_copy``, ansible-core 2.19) without rendering anything, or None
    when ``value`` offers no such copy. Shares objects with the store: copy before changing it."""
    copy = getattr(value, "_non_lazy_copy", None)
    return copy() if callable(copy) else None  # pylint: disable=not-callable


def as_stored(value):
    """A fact's or a registered result's data as plain data, taken as Ansible stored it.

    Such data was rendered when it was stored (a set_fact's template, a module's or a lookup's
    answer: API data is never a template), so there is nothing left to render. ``plain`` reads a
    lazy container value by value, a template call each (over a second for a large project's raw
    export); here the container gives its contents as stored (``stored``), and a JSON round trip
    copies them (in C: the filters never share the fact store's own objects). Anything else, or
    anything JSON cannot hold, is read as ``plain`` reads it. Not for variables whose values are
    templates still to render (task or role vars)."""
    data = stored(value)
    if data is not None:
        try:
            return json.loads(json.dumps(data))
        except (TypeError, ValueError):
            pass
    return plain(value)


def as_text(value):
    """``value`` (a filter's argument: a lookup's answer, a fact) as compact JSON text; None stays None.

    The copy role keeps whole projects in facts as this text. ansible-core walks every value of a
    structured fact when it is set (a filter's answer is wrapped, then finalized, value by value)
    and again when it is registered: about 0.4 s of controller time per large project (700 kB)
    each time. Text is one value to it; ``project_fact`` reads it back in C."""
    if value is None:
        return None
    data = stored(value)
    if data is not None:
        try:
            return json.dumps(data, separators=(",", ":"))
        except (TypeError, ValueError):
            pass
    return json.dumps(plain(value), separators=(",", ":"))


def project_fact(value, what="a raw export", kind=dict):
    """A whole project from a fact: the JSON text ``as_text`` made (decoded), or a mapping (``as_stored``);
    None stays None. ``kind``: ``list`` for a list of items kept so. Raises PersonalizeError, naming
    ``what``, for text that is not JSON of that kind."""
    if value is None:
        return None
    expected = "a mapping" if kind is dict else "a list"
    if isinstance(value, str):
        try:
            data = json.loads(value)
        except ValueError as exc:
            raise PersonalizeError("%s must be %s or its JSON text: %s" % (what, expected, exc))
        if not isinstance(data, kind):
            raise PersonalizeError("%s must be %s or its JSON text, got JSON %s" % (what, expected, type(data).__name__))
        return data
    return as_stored(value)


def guard(func, plain_arguments=True):
    """Errors of the collection as filter errors; the arguments made plain first unless
    ``plain_arguments`` is false (see ``picking``)."""
    def wrapper(*args, **kwargs):
        if plain_arguments:
            args = [plain(a) for a in args]
            kwargs = dict((k, plain(v)) for k, v in kwargs.items())
        try:
            return func(*args, **kwargs)
        except PersonalizeError as exc:
            raise AnsibleFilterError(str(exc))
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def picking(func):
    """``guard`` for a filter that only picks a few fields of large registered results (its arguments as given)."""
    return guard(func, plain_arguments=False)
