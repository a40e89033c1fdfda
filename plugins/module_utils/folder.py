# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: a folder written by export.yml, read and checked as a whole
before ``apply.yml`` writes anything (the ``personalize_folder`` lookup calls it).

* ``read_texts(folder)``: the text of every file (``project.yml`` and one file per kind);
* ``check_files(texts, folder)``: each file parsed by a strict YAML loader (a repeated key is an
  error naming the file and the line) and checked for its shape; no project needed;
* ``validate_folder(texts, raw_project, folder)``: the above, then every item checked against the
  project as the modules check it (the engine's plan and ``kind.normalize`` per item,
  ``versions.normalize_spec`` per version, ``priority.plan`` for the order), with the names of the
  items the folder would create resolvable, as in check mode; gives the items per kind in load
  order, or raises PersonalizeInputError naming the file, the item and the field.

Nothing here talks to the API: the project's state is the export lookup's raw read of it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.contentstack.personalize.plugins.module_utils import priority, versions
from ansible_collections.contentstack.personalize.plugins.module_utils.engine import Engine, ProjectListings
from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeInputError
from ansible_collections.contentstack.personalize.plugins.module_utils.kinds import BY_PLURAL, KINDS, LOAD_ORDER
from ansible_collections.contentstack.personalize.plugins.module_utils.portable import SCHEMA_VERSION, is_lytics
from ansible_collections.contentstack.personalize.plugins.module_utils.validate import type_label

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - the controller always has PyYAML (ansible-core needs it)
    yaml = None
    HAS_YAML = False

# The files of a folder: project.yml, then one file per kind in load order.
FILES = ["project.yml"] + ["%s.yml" % kind for kind in LOAD_ORDER]
PROJECT_FIELDS = ("schema_version", "kinds")
# What a Lytics audience holds in a folder (it is kept, marked, and never written).
LYTICS_FIELDS = ("name", "description", "source", "slug", "read_only")
VERSION_ITEM_FIELDS = ("experience", "versions")


def _fields(kind):
    """The fields an item of a kind file may have: the portable form's (no module option such as
    ``state``: apply creates and updates, it never deletes)."""
    if kind == "versions":
        return VERSION_ITEM_FIELDS
    return BY_PLURAL[kind].fields


# ---------------------------------------------------------------------------------------------
# Reading: a strict YAML loader, and the shape of every file
# ---------------------------------------------------------------------------------------------
def _strict_loader():
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # pylint: disable=too-many-ancestors
        """Safe YAML in which a key repeated in one mapping is an error, not the last one winning."""

        def construct_mapping(self, node, deep=False):
            seen = {}
            for key_node, dummy in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)):
                    continue   # an unhashable key: the constructor below refuses it
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise PersonalizeInputError("line %d: key %r appears twice in one mapping (also at line %d)"
                                                % (line, key, seen[key]))
                seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def load_yaml(text):
    """One file's data; raises PersonalizeInputError for YAML that does not parse or repeats a key."""
    if not HAS_YAML:
        raise PersonalizeInputError("reading a folder needs the Python library PyYAML on the controller")
    try:
        return yaml.load(text, Loader=_strict_loader())  # nosec: a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = " (line %d, column %d)" % (mark.line + 1, mark.column + 1) if mark is not None else ""
        raise PersonalizeInputError("%s%s" % (getattr(exc, "problem", None) or exc, where))


def read_texts(folder):
    """{file name: text} of every file of a folder; the missing ones are named together."""
    if not os.path.isdir(folder):
        raise PersonalizeInputError("%s is not a folder (give the folder export.yml wrote)" % folder)
    missing = [name for name in FILES if not os.path.isfile(os.path.join(folder, name))]
    if missing:
        raise PersonalizeInputError("missing file(s) in %s: %s" % (folder, ", ".join(missing)))
    texts = {}
    for name in FILES:
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as handle:
                texts[name] = handle.read().decode("utf-8")
        except (IOError, OSError, UnicodeDecodeError) as exc:
            raise PersonalizeInputError("%s cannot be read: %s" % (path, exc))
    return texts


def _kinds_problem(kinds):
    """What is wrong with project.yml's ``kinds`` (the kind files of the folder), or None."""
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        return "kinds must be a list of kind names, got %s" % type_label(kinds)
    unknown = [k for k in kinds if k not in LOAD_ORDER]
    if unknown:
        return "kinds: unknown kind(s) %s (the kinds are %s)" % (", ".join(repr(k) for k in unknown), ", ".join(LOAD_ORDER))
    repeated = sorted(set(k for k in kinds if kinds.count(k) > 1))
    if repeated:
        return "kinds: %s named twice" % ", ".join(repeated)
    absent = [k for k in LOAD_ORDER if k not in kinds]
    if absent:
        return "kinds: %s missing (a folder holds every kind, as export.yml writes it)" % ", ".join(absent)
    return None


def _project_problem(data):
    if not isinstance(data, dict):
        return "it needs schema_version: %d (found a %s, not a mapping)" % (SCHEMA_VERSION, type_label(data))
    unknown = sorted(str(k) for k in data if k not in PROJECT_FIELDS)
    if unknown:
        return "unknown field(s) %s (project.yml holds %s)" % (", ".join(unknown), " and ".join(PROJECT_FIELDS))
    version = data.get("schema_version")
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        return "it needs schema_version: %d (found %r)" % (SCHEMA_VERSION, version)
    return _kinds_problem(data["kinds"]) if "kinds" in data else None


def _kind_problem(kind, data):
    """What is wrong with the shape of a kind file, or None: a mapping of one key, the kind, to a
    list of mappings (of names, for priority)."""
    if not isinstance(data, dict) or kind not in data:
        found = "a %s" % type_label(data) if not isinstance(data, dict) else "no %s key" % kind
        return "it needs a top-level %s list (found %s)" % (kind, found)
    unknown = sorted(str(k) for k in data if k != kind)
    if unknown:
        return "unknown top-level key(s) %s (the file holds only %s)" % (", ".join(unknown), kind)
    items = data[kind]
    if not isinstance(items, list):
        return "%s must be a list, got %s" % (kind, "a mapping" if isinstance(items, dict) else type_label(items))
    element = str if kind == "priority" else dict
    for pos, item in enumerate(items):
        if not isinstance(item, element):
            return "%s[%d] must be %s, got %s: %r" % (kind, pos, "an experience name" if kind == "priority" else "a mapping",
                                                      type_label(item), item)
    return None


def _is_read_only(item, where):
    marker = item.get("read_only", False)
    if not isinstance(marker, bool):
        raise PersonalizeInputError("%s: read_only must be true or false, got %s" % (where, type_label(marker)))
    return marker or is_lytics(item)


def _unknown_fields(kind, item, where):
    allowed = LYTICS_FIELDS if kind == "audiences" and _is_read_only(item, where) else _fields(kind)
    unknown = sorted(str(k) for k in item if k not in allowed)
    if unknown:
        raise PersonalizeInputError("%s: unknown field(s) %s (the fields are %s)" % (
            where, ", ".join(unknown), ", ".join(allowed)))


def _item_where(kind, item, pos):
    ident = item.get(BY_PLURAL[kind].identity) if kind in BY_PLURAL else item.get("experience")
    if not isinstance(ident, str):
        return "%s[%d]" % (kind, pos)
    return BY_PLURAL[kind].item_label(ident) if kind in BY_PLURAL else "experience %r" % ident


def _items_problem(kind, items):
    """The first item of a kind file with a field the portable form does not have, or None."""
    if kind == "priority":
        return None
    try:
        for pos, item in enumerate(items):
            _unknown_fields(kind, item, _item_where(kind, item, pos))
    except PersonalizeInputError as exc:
        return str(exc)
    return None


def check_files(texts, folder="."):
    """{kind: items} (and ``schema_version``) from every file's text, each file parsed strictly and
    checked for its shape and its items' fields; the problems of all the files are reported together."""
    data, problems = {}, []
    for name in FILES:
        path = os.path.join(folder, name)
        if name not in texts:
            problems.append("%s is missing" % path)
            continue
        try:
            parsed = load_yaml(texts[name])
        except PersonalizeInputError as exc:
            problems.append("%s is not valid YAML: %s" % (path, exc))
            continue
        kind = name[:-len(".yml")]
        problem = _project_problem(parsed) if kind == "project" else _kind_problem(kind, parsed)
        if problem:
            problems.append("%s is not a file written by export.yml: %s" % (path, problem))
            continue
        problem = None if kind == "project" else _items_problem(kind, parsed[kind])
        if problem:
            problems.append("%s: %s" % (path, problem))
        data[kind] = parsed if kind == "project" else parsed[kind]
    if problems:
        raise PersonalizeInputError("; ".join(problems))
    out = {"schema_version": data.pop("project")["schema_version"]}
    out.update(data)
    return out


# ---------------------------------------------------------------------------------------------
# Validation against the project
# ---------------------------------------------------------------------------------------------
class _Read:
    """The export lookup's raw read of the project as a listing cache, so that a ProjectListings
    over it answers every listing without a client (nothing is listed, nothing is written)."""

    def __init__(self, raw):
        if not isinstance(raw, dict) or any(not isinstance(raw.get(k), list) for k in tuple(BY_PLURAL) + ("versions",)):
            raise PersonalizeInputError("the project's state must be the export lookup's raw read of it "
                                        "(query('contentstack.personalize.personalize_export', 'all', portable=false))")
        lists = dict((k, list(raw[k])) for k in BY_PLURAL)
        lists["priority"] = list((raw.get("priority") or {}).get("priorityOrder") or [])
        read = dict((v.get("experience"), list(v.get("versions") or [])) for v in raw["versions"])
        self.data = {"lists": lists, "versions": dict((e.get("uid"), read.get(e.get("uid"), [])) for e in lists["experiences"])}

    def load(self):
        return self.data


def offline_listings(raw_project):
    """A ProjectListings over a raw read of the project (no client: it never calls the API)."""
    return ProjectListings(None, cache=_Read(raw_project), save=False)


def split_audiences(audiences):
    """(the audiences apply writes, the read-only ones it reports and skips)."""
    flags = [_is_read_only(a, _item_where("audiences", a, pos)) for pos, a in enumerate(audiences)]
    return ([a for a, flag in zip(audiences, flags) if not flag], [a for a, flag in zip(audiences, flags) if flag])


def _plan_kind(engine, kind, items):
    """The engine's plan of one kind's items (check mode: the creates become planned names that
    later kinds may reference); gives {action: count}."""
    changes = engine.plan(BY_PLURAL[kind].name, items)
    engine.apply(changes)
    counts = {}
    for change in changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    return changes, counts


def _experience_types(listings, changes):
    """{experience name: type} for every experience the project will have."""
    idx = listings.indexes("experiences")
    types = dict((name, KINDS["experience"].export(raw, idx)["type"]) for name, raw in idx.experiences.by_ident.items())
    types.update((c.ident, c.after["type"]) for c in changes if c.after)
    return types


def _lytics_reference(spec, missing, where):
    """A version, as the file holds it, that names a Lytics audience the project does not have: an
    error (apply cannot create the audience, so the version could not be written)."""
    spec = spec if isinstance(spec, dict) else {}
    places = []
    for pos, variant in enumerate(spec.get("variants") if isinstance(spec.get("variants"), list) else []):
        if isinstance(variant, dict):
            label = "variant %r" % variant["name"] if isinstance(variant.get("name"), str) else "variants[%d]" % pos
            places.extend(("%s: %s" % (label, field), variant.get(field)) for field in ("audiences", "lyticsAudiences"))
    targeting = spec.get("targeting")
    if isinstance(targeting, dict) and isinstance(targeting.get("audience"), dict):
        places.append(("targeting.audience.audiences", targeting["audience"].get("audiences")))
    for place, names in places:
        for name in names if isinstance(names, list) else []:
            if isinstance(name, str) and name in missing:
                raise PersonalizeInputError(
                    "%s: %s names Lytics audience %r, which the project does not have; Lytics audiences are "
                    "read-only (apply skips them), so sync it from Lytics into the project first" % (where, place, name))


def _plan_versions(listings, items, types, lytics):
    """Each experience's versions checked as personalize_version checks them; gives the number of
    experiences whose versions would change."""
    idx = listings.indexes("audiences", "events", "experiences")
    missing = set(name for name in lytics if idx.audiences.to_ident(name) is None)
    seen, changing = {}, 0
    for pos, item in enumerate(items):
        where = _item_where("versions", item, pos)
        name, specs = item.get("experience"), item.get("versions")
        if not isinstance(name, str) or not isinstance(specs, list):
            raise PersonalizeInputError("%s: needs experience (a name) and versions (a list)" % where)
        if name in seen:
            raise PersonalizeInputError("%s appears twice (items %d and %d)" % (where, seen[name], pos))
        seen[name] = pos
        if name not in types:
            raise PersonalizeInputError("%s: no such experience in experiences.yml or in the project" % where)
        uid = idx.experiences.uid_of(name)   # an experience named twice in the project: say so
        for i, spec in enumerate(specs):
            _lytics_reference(spec, missing, "%s: versions[%d]" % (where, i))
        desired = [versions.normalize_spec(spec, types[name], idx, "%s: versions[%d]" % (where, i)) for i, spec in enumerate(specs)]
        raw_versions = listings.versions(uid) if name in idx.experiences.by_ident else []
        steps = versions.plan(where, types[name], raw_versions, desired, idx)[0]
        changing += bool(steps)
    return changing


def _plan_priority(listings, order):
    """The order checked as personalize_priority checks it, planned experiences included."""
    experiences = listings.indexes("experiences").experiences
    current, wanted, missing = priority.plan(experiences, listings.priority(), order, True)
    unknown = [name for name in missing if name not in experiences.placeholders]
    if unknown:
        raise PersonalizeInputError("order: unknown experience(s) %s (in neither experiences.yml nor the project)"
                                    % ", ".join(repr(n) for n in unknown))
    return current != wanted


def _in_file(folder, kind, step, *args):
    """Run one file's step; its errors name the file."""
    try:
        return step(*args)
    except PersonalizeInputError as exc:
        raise PersonalizeInputError("%s: %s" % (os.path.join(folder, "%s.yml" % kind), exc))


def validate_folder(texts, raw_project, folder="."):
    """The folder's items per kind in load order, every one checked against the project before any
    write, plus the read-only (Lytics) audiences apply reports and skips, and what would change.

    ``texts`` is {file name: text} (``read_texts``), ``raw_project`` the export lookup's raw read of
    the target project. Raises PersonalizeInputError naming the file, the item and the field."""
    files = check_files(texts, folder)
    listings = offline_listings(raw_project)
    engine = Engine(listings, check_mode=True)
    writable, read_only = split_audiences(files["audiences"])
    files["audiences"] = writable
    out = {"schema_version": files["schema_version"]}
    planned, changes = {}, {}
    for kind in ("attributes", "events", "audiences", "experiences"):
        planned[kind], changes[kind] = _in_file(folder, kind, _plan_kind, engine, kind, files[kind])
        out[kind] = files[kind]
    types = _experience_types(listings, planned["experiences"])
    lytics = [a.get("name") for a in read_only if isinstance(a.get("name"), str)]
    changes["versions"] = _in_file(folder, "versions", _plan_versions, listings, files["versions"], types, lytics)
    out["versions"] = files["versions"]
    changes["priority"] = _in_file(folder, "priority", _plan_priority, listings, files["priority"])
    out["priority"] = files["priority"]
    out["read_only_audiences"] = read_only
    out["changes"] = changes
    out["summary"] = summary(out)
    return out


def summary(validated):
    """One line: what the folder holds and what applying it would change."""
    changes = validated["changes"]
    parts = []
    for kind in ("attributes", "events", "audiences", "experiences"):
        counts = changes[kind]
        doing = ", ".join("%d to %s" % (counts[a], a) for a in ("create", "update") if counts.get(a))
        parts.append("%d %s (%s)" % (len(validated[kind]), kind, doing or "unchanged"))
    parts.append("%d read-only audiences skipped" % len(validated["read_only_audiences"]))
    parts.append("versions of %d experiences to change" % changes["versions"])
    parts.append("priority order %s" % ("to set" if changes["priority"] else "unchanged"))
    return "folder ok: " + ", ".join(parts)
