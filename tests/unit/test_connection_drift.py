"""Every copy of the connection options agrees with their one definition (plugins/module_utils/options.py).

The static copies are written by tools/connection_options.py; this fails when one was edited by hand,
or the definition changed and the tool was not run (run ``python tools/connection_options.py``).
The checks after the first one compare each copy with the definition directly, so that a bug in the
tool cannot hide a drift.
"""

import importlib.util
import inspect
import pathlib
import re

import pytest
import yaml

from ansible_collections.contentstack.personalize.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.contentstack.personalize.plugins.module_utils import options, specs
from ansible_collections.contentstack.personalize.plugins.module_utils.client import PersonalizeClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
GROUP = "group/contentstack.personalize.personalize"
CONNECTION = [o for o in options.OPTIONS if o.connection]
# Options only some modules take (an Option's ``extra``, such as the stack side's).
EXTRA = [o.name for o in options.OPTIONS if o.extra]


def tool():
    spec = importlib.util.spec_from_file_location("connection_options_tool", ROOT / "tools" / "connection_options.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(path):
    return yaml.safe_load((ROOT / path).read_text())


def test_the_written_files_are_what_the_tool_writes():
    stale = [path for path, text in sorted(tool().rendered().items()) if (ROOT / path).read_text() != text]
    assert stale == [], "run: python tools/connection_options.py (stale: %s)" % ", ".join(stale)


def test_argspec_follows_the_definition():
    assert list(options.CONNECTION_ARGSPEC) == [o.name for o in options.OPTIONS if not o.extra]
    every = options.connection_argspec(*options.EXTRAS)
    assert list(every) == [o.name for o in options.OPTIONS]
    for option in options.OPTIONS:
        spec = every[option.name]
        assert spec["type"] == option.type and spec.get("default") == option.default, option.name
        assert bool(spec.get("no_log")) == option.no_log, option.name
        assert (spec["fallback"][1] if "fallback" in spec else None) == ([option.env] if option.env else None)
    for module in specs.MODULES:
        argspec = specs.module_spec(module)["argument_spec"]
        assert all(argspec[name] == spec for name, spec in options.CONNECTION_ARGSPEC.items()), module
        assert all(argspec[name] == every[name] for name in EXTRA if name in argspec), module


def test_the_client_takes_exactly_the_connection_options():
    """What options.py hands the client (and what client.from_params lists) is the client's signature."""
    takes = set(inspect.signature(PersonalizeClient).parameters) - {"ratelimit_directory"}
    assert set(options.CLIENT_OPTIONS) | set(EXTRA) == takes


def test_doc_fragment_describes_each_option_once():
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    plugins = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
    assert list(doc) == [o.name for o in options.OPTIONS if not o.extra]
    for extra in options.EXTRAS:
        more = yaml.safe_load(getattr(ModuleDocFragment, extra.upper()))["options"]
        assert list(more) == list(options.EXTRA_OPTIONS[extra]) and not set(more) & set(doc), extra
        doc.update(more)
        plugins.update(yaml.safe_load(getattr(ModuleDocFragment, extra.upper() + "_PLUGINS"))["options"])
    assert sorted(doc) == sorted(o.name for o in options.OPTIONS)
    for option in options.OPTIONS:
        entry = doc[option.name]
        assert (entry["type"], entry.get("default")) == (option.type, option.default), option.name
        env_line = ["If not set, the value of the E(%s) environment variable is used." % option.env] if option.env else []
        assert entry["description"] == list(option.description) + env_line, option.name
        extra = plugins.get(option.name, {})
        assert set(extra) <= {"env", "vars"}, "PLUGINS repeats more than env/vars for %s" % option.name
        assert [e["name"] for e in extra.get("env", [])] == ([option.env] if option.env else []), option.name
        assert [v["name"] for v in extra.get("vars", [])] == ([option.variable] if option.variable else []), option.name


def test_one_variable_scheme():
    for option in CONNECTION:
        assert option.variable == "personalize_" + option.name
    assert options.BY_NAME["listing_cache"].variable is None


def test_the_lookup_extends_both_halves():
    source = (ROOT / "plugins" / "lookup" / "personalize_export.py").read_text()
    doc = yaml.safe_load(source.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])
    assert doc["extends_documentation_fragment"] == ["contentstack.personalize.connection",
                                                     "contentstack.personalize.connection.PLUGINS"]
    assert not set(doc["options"]) & set(options.CONNECTION_ARGSPEC), "the lookup redefines a connection option"
    assert "contentstack_" not in source.replace("contentstack.personalize", "")


def test_each_side_of_the_role_takes_every_connection_option():
    spec = load("roles/migrate/meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    for side, other in (("migrate_source", "migrate_destination"), ("migrate_destination", "migrate_source")):
        given = spec[side]["options"]
        for option in CONNECTION:
            entry = given[option.name]
            assert (entry["type"], entry.get("default")) == (option.type, option.default), (side, option.name)
            assert entry.get("no_log", False) is option.no_log, (side, option.name)
            summary = re.sub(r"O\(([a-z_]+)", r"O(%s.\1" % side, option.description[0])
            assert entry["description"] == [summary], (side, option.name)
            assert other not in " ".join(entry["description"])
        assert "listing_cache" not in given, "the role sets listing_cache itself"
    assert spec["migrate_source"]["options"]["project_uid"]["required"] is True
    extra = set(spec["migrate_destination"]["options"]) - set(options.CLIENT_OPTIONS) - set(EXTRA)
    assert extra == {"project_name", "project_description"}


def test_the_role_completes_each_side_and_writes_under_the_destination_alone():
    defaults = [t["module_defaults"] for t in load("roles/migrate/tasks/main.yml") if "module_defaults" in t]
    assert defaults == [{GROUP: "{{ _migrate_dst | combine({'listing_cache': _migrate_cache_key, 'limits': _migrate_in.limits}) }}"}]
    settle = [t["ansible.builtin.set_fact"] for t in load("roles/migrate/tasks/extract.yml")
              if "_migrate_src" in t.get("ansible.builtin.set_fact", {})]
    assert len(settle) == 1, "one task settles both sides"
    settle = settle[0]
    assert settle["_migrate_src"] == "{{ _migrate_in.source | contentstack.personalize.connection_options }}"
    assert settle["_migrate_dst"] == "{{ _migrate_in.destination | contentstack.personalize.connection_options }}"


@pytest.mark.parametrize("playbook", ["apply.yml", "export.yml"])
def test_the_playbooks_set_every_connection_option_from_its_variable(playbook):
    """apply.yml and export.yml: the modules read the same personalize_* variables the lookups read."""
    play = load("playbooks/" + playbook)[0]
    defaults = play["module_defaults"][GROUP]
    assert defaults == dict((o.name, "{{ %s | default(omit) }}" % o.variable) for o in CONNECTION if not o.extra)


def test_export_passes_no_connection_option_of_its_own():
    """export.yml's one module task takes the connection from module_defaults alone."""
    tasks = load("playbooks/export.yml")[0]["tasks"]
    writes = [t for t in tasks if "contentstack.personalize.personalize_export_folder" in t]
    assert len(writes) == 1 and list(writes[0]["contentstack.personalize.personalize_export_folder"]) == ["path"]


def test_the_filter_docs_show_every_option():
    doc = load("plugins/filter/connection_options.yml")
    assert list(doc["RETURN"]["_value"]["sample"]) == list(options.CLIENT_OPTIONS)


def test_the_guide_lists_every_connection_option():
    text = (ROOT / "docs" / "user-guide.md").read_text()
    rows = re.findall(r"^\| `([a-z_]+)` \| (\w+) \| ([^|]*) \| ([^|]*) \| `([a-z_]+)` \|", text, re.M)
    assert [(name, typ, var) for name, typ, _d, _e, var in rows] == [(o.name, o.type, o.variable) for o in CONNECTION]
    for (name, _typ, default, env, _var) in rows:
        option = options.BY_NAME[name]
        assert env.strip() == ("`%s`" % option.env if option.env else ""), name
        assert default.strip() == ("" if option.default is None else "`%s`" % yaml.safe_dump(option.default).split("\n")[0])
