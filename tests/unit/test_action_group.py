"""The action group in meta/runtime.yml lists every module, so that
``module_defaults: group/contentstack.personalize.personalize`` reaches all of them."""

import pathlib

import yaml

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
        source = (ROOT / "plugins" / "modules" / (name + ".py")).read_text()
        doc = yaml.safe_load(source.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])
        fragments = doc.get("extends_documentation_fragment") or []
        attributes = dict(doc.get("attributes") or {})
        if "contentstack.personalize.resource" in fragments:
            from ansible_collections.contentstack.personalize.plugins.doc_fragments.resource import ModuleDocFragment
            attributes.update(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["attributes"])
        assert "contentstack.personalize.personalize" in attributes["action_group"]["membership"], name
        action = ROOT / "plugins" / "action" / (name + ".py")
        assert action.exists(), "no action plugin for %s" % name
        assert 'MODULE = "%s"' % name in action.read_text(), name
