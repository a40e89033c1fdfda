"""What every plugin of the collection shares (plugins/plugin_utils): the filters' argument copies
and the preload of the filters and lookups into the process that loads an action plugin."""

import datetime
import json
import subprocess
import sys

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import PersonalizeError
from ansible_collections.contentstack.personalize.plugins.plugin_utils.filters import as_stored, as_text, plain, project_fact

RAW = {"audiences": [{"uid": "a1", "name": "Gold", "definition": {"rules": [{"value": [1, 2.5, None, True]}]}}],
       "priority": {"priorityOrder": ["e1"]}}


class LazyDict(dict):
    """As ansible-core 2.19's lazy containers: reading a value renders it (here: counted), and
    _non_lazy_copy gives the contents as stored."""

    reads = 0

    def items(self):
        LazyDict.reads += 1
        return dict.items(self)

    def _non_lazy_copy(self):
        return dict(dict.items(self))


def test_a_stored_fact_is_copied_whole_without_reading_it_value_by_value():
    lazy = LazyDict(json.loads(json.dumps(RAW)))
    LazyDict.reads = 0
    out = as_stored(lazy)
    assert out == RAW and not isinstance(out, LazyDict) and LazyDict.reads == 0
    # a copy: the filter never shares (or changes) the fact store's objects
    out["audiences"][0]["name"] = "changed"
    assert lazy["audiences"][0]["name"] == "Gold"


def test_what_json_cannot_hold_and_plain_data_are_read_as_plain_reads_them():
    when = datetime.date(2026, 12, 1)
    lazy = LazyDict({"at": when, "n": 1})
    assert as_stored(lazy) == {"at": when, "n": 1} == plain(lazy)
    assert as_stored(RAW) == RAW and as_stored(None) is None and as_stored("x") == "x"


def test_a_whole_project_is_kept_as_compact_json_text_and_read_back_as_a_copy():
    lazy = LazyDict(json.loads(json.dumps(RAW)))
    LazyDict.reads = 0
    text = as_text(lazy)
    assert isinstance(text, str) and ": " not in text and ", " not in text and LazyDict.reads == 0
    back = project_fact(text)
    assert back == RAW and project_fact(RAW) == RAW
    assert as_text(None) is None and project_fact(None) is None


@pytest.mark.parametrize("text, found", [("not json", "must be a mapping or its JSON text"),
                                         ("[1, 2]", "got JSON list")])
def test_text_that_is_not_a_json_object_is_an_error_naming_what_it_should_be(text, found):
    with pytest.raises(PersonalizeError) as err:
        project_fact(text, "the destination")
    assert str(err.value).startswith("the destination must be") and found in str(err.value)


def test_loading_an_action_plugin_loads_every_filter_and_lookup_of_the_collection():
    """The strategy loads a task's action plugin class in ansible-playbook's own process before it forks
    the task's worker: the filters and lookups loaded then are inherited by every later worker."""
    code = ("import sys; import ansible_collections.contentstack.personalize.plugins.action.personalize_attribute; "
            "print(sorted(n.rsplit('.plugins.', 1)[1] for n in sys.modules "
            "if n.startswith('ansible_collections.contentstack.personalize.plugins.') and n.split('.')[4] in ('filter', 'lookup')))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.replace("'", '"'))
    for name in ("filter.connection", "filter.drift", "filter.migrate",
                 "lookup.personalize_export", "lookup.personalize_folder", "lookup.personalize_stack"):
        assert name in loaded, loaded
