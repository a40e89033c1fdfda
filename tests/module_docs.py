"""A module's DOCUMENTATION with its doc fragments merged in, by ansible's own ``add_fragments``
(the merge ansible-doc and validate-modules do: a module's keys win over a fragment's), with the
collection's fragments imported directly instead of through the plugin loader."""

import importlib
import pathlib

import yaml
from ansible.utils.plugin_docs import add_fragments

ROOT = pathlib.Path(__file__).resolve().parents[1]
PREFIX = "contentstack.personalize."


class _CollectionFragments(object):
    """The one method of ansible's fragment loader that ``add_fragments`` calls."""

    @staticmethod
    def get(name):
        if not name.startswith(PREFIX):
            return None
        try:
            module = importlib.import_module("ansible_collections.contentstack.personalize.plugins.doc_fragments."
                                             + name[len(PREFIX):])
        except ImportError:
            return None   # add_fragments then retries the name as <fragment>.<VARIABLE>
        return type("Fragment", (module.ModuleDocFragment,), {"ansible_name": name})


def own_doc(name):
    """The module's DOCUMENTATION as written in its file."""
    source = (ROOT / "plugins" / "modules" / (name + ".py")).read_text()
    return yaml.safe_load(source.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])


def module_doc(name):
    """The module's DOCUMENTATION as ansible-doc shows it, fragments merged."""
    doc = own_doc(name)
    add_fragments(doc, str(ROOT / "plugins" / "modules" / (name + ".py")), _CollectionFragments(), is_module=True)
    return doc
