"""The action group in meta/runtime.yml lists every module, so that
``module_defaults: group/contentstack.personalize.personalize`` reaches all of them."""

import pathlib

import yaml

from module_docs import module_doc, own_doc

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))


def runtime():
    return yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())


def test_group_lists_every_module_and_nothing_else():
    group = runtime()["action_groups"]["personalize"]
    assert len(group) == len(set(group)), "a module is listed twice: %s" % group
    assert sorted(group) == MODULES, "meta/runtime.yml action_groups.personalize %s != plugins/modules %s" % (
        sorted(group), MODULES)


def test_the_five_resource_modules_exist():
    for name in ("personalize_attribute", "personalize_event", "personalize_audience",
                 "personalize_experience", "personalize_version"):
        assert name in MODULES


def test_every_module_documents_its_group_membership_and_has_an_action_plugin():
    """The docs say which group a module belongs to; each module runs through its action plugin,
    and module_defaults groups apply to action plugins only when the module is in the group."""
    for name in MODULES:
        attributes = module_doc(name)["attributes"]
        assert "contentstack.personalize.personalize" in attributes["action_group"]["membership"], name
        action = ROOT / "plugins" / "action" / (name + ".py")
        assert action.exists(), "no action plugin for %s" % name
        assert 'MODULE = "%s"' % name in action.read_text(), name


def test_every_module_states_its_check_mode_and_diff_support():
    """The attributes fragment gives every module the three attributes; a module overrides a key,
    such as diff_mode's support for the modules that return no diff, and keeps the rest."""
    for name in MODULES:
        attributes = module_doc(name)["attributes"]
        assert "contentstack.personalize.attributes" in own_doc(name)["extends_documentation_fragment"], name
        for attribute in ("check_mode", "diff_mode", "action_group"):
            assert attributes[attribute]["support"] in ("full", "partial", "none"), (name, attribute)
            assert attributes[attribute]["description"], (name, attribute)
    own = own_doc("personalize_info")["attributes"]["diff_mode"]
    assert module_doc("personalize_info")["attributes"]["diff_mode"] == own, "the module's own words win"
    assert module_doc("personalize_attribute")["attributes"]["diff_mode"]["support"] == "full"
