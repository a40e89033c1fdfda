"""The docs test's extractor (tests/integration/snippets.py): which blocks are snippets, their
markers, their kinds and how a page is grouped into runs. No process, no emulator."""

import pytest

from integration import snippets
from integration.snippets import SnippetError

PAGE = """# Title

```text
ansible-playbook x.yml [--check]
```

<!-- snippet: side=source vars=personalize_project_uid,vault_source_token -->
```yaml
- name: A task
  ansible.builtin.debug:
    msg: hi
```

```yaml
- name: A play
  hosts: localhost
  tasks: []
```

<!-- snippet: file=vars.yml -->
```yaml
a: 1
```

<!-- snippet: env -->

```console
$ ansible-playbook --version
```

<!-- snippet: skip="needs the network" -->
```sh
curl https://example.com
```

```
plain output
```
"""


def test_markdown_blocks_marked_and_classified():
    found = snippets.markdown_snippets("page.md", PAGE)
    assert [(s.line, s.kind) for s in found] == [(8, "tasks"), (14, "play"), (21, "file"), (27, "command"), (32, "skip")]
    task = found[0]
    assert task.side == "source" and task.marker["vars"] == ["personalize_project_uid", "vault_source_token"]
    assert task.id == "page.md:8" and "msg: hi" in task.text
    assert found[1].side == "dest" and found[1].marker == {}
    assert found[3].marker == {"env": True}  # a blank line between marker and fence is allowed
    assert found[4].marker["skip"] == "needs the network"


def test_steps_group_consecutive_playbooks_and_keep_order():
    steps = snippets.plan_steps(snippets.markdown_snippets("page.md", PAGE))
    assert [(kind, [s.line for s in group]) for kind, group in steps] == [
        ("playbook", [8, 14]), ("file", [21]), ("command", [27]), ("skip", [32])]


def test_examples_marker_on_the_first_comment_lines():
    code = 'DOCUMENTATION = "x"\nEXAMPLES = r"""\n# snippet: side=source\n# snippet: bare\n- name: t\n  ansible.builtin.debug:\n'\
           '    msg: "# snippet: skip=no"\n"""\n'
    (s,) = snippets.examples_snippets("plugins/modules/m.py", code)
    assert s.kind == "tasks" and s.marker == {"side": "source", "bare": True} and s.line == 2
    assert snippets.examples_snippets("plugins/modules/n.py", "X = 1\n") == []


@pytest.mark.parametrize("body, message", [
    ("sid=source", "unknown key 'sid'"),
    ("skip", "skip needs a reason"),
    ("side=prod", "side must be one of"),
    ("seed=retail", "seed=fresh"),
    ('skip="unclosed', "No closing quotation"),
])
def test_bad_markers_are_errors(body, message):
    with pytest.raises(SnippetError, match=message):
        snippets.parse_marker(body, "page.md:3")


@pytest.mark.parametrize("page, message", [
    ("```yaml\na: 1\n```\n", "a file needs file=NAME"),
    ("```yaml\n- [a\n```\n", "not valid YAML"),
    ("```yaml\n- name: x\n", "never closed"),
    ("<!-- snippet: env -->\n```json\n{}\n```\n", "not runnable"),
])
def test_bad_pages_are_errors_naming_the_line(page, message):
    with pytest.raises(SnippetError, match=message):
        snippets.markdown_snippets("bad.md", page)


class Emu:
    def __init__(self, url):
        self.url = url


CONSTANTS = dict(SOURCE_PROJECT="s" * 24, DEST_PROJECT="d" * 24, SOURCE_ORG="bltS", DEST_ORG="bltD",
                 SOURCE_TOKEN="tok-s", SOURCE_RO_TOKEN="tok-ro", DEST_TOKEN="tok-d")


def world():
    return snippets.World(Emu("http://127.0.0.1:1"), Emu("http://127.0.0.1:2"), CONSTANTS)


def test_values_per_side_and_unknown_names():
    w = world()
    (task,) = snippets.markdown_snippets("p.md", "<!-- snippet: vars=personalize_project_uid,vault_personalize_oauth_token,"
                                                 "vault_source_token,VAULT_PASSWORD -->\n```yaml\n- ansible.builtin.debug:\n```\n")
    variables, environment = w.variables(task)
    assert variables == {"personalize_project_uid": "d" * 24, "vault_personalize_oauth_token": "tok-d", "vault_source_token": "tok-s"}
    assert list(environment) == ["VAULT_PASSWORD"]
    (bad,) = snippets.markdown_snippets("p.md", "<!-- snippet: vars=nope -->\n```yaml\n- ansible.builtin.debug:\n```\n")
    with pytest.raises(SnippetError, match="vars=nope"):
        w.variables(bad)


def test_tasks_wrapped_with_the_side_connection_and_redirects_by_region():
    w = world()
    (task,) = snippets.markdown_snippets("p.md", "<!-- snippet: side=source seed=fresh -->\n```yaml\n- ansible.builtin.debug:\n```\n")
    reset, play = snippets.wrap(task, w)
    assert "seeds" in reset["name"]
    assert play["module_defaults"]["group/contentstack.personalize.personalize"]["authtoken"] == "tok-s"
    assert play["tasks"] == [{"ansible.builtin.debug": None}]
    redirects = w.redirects([{"aws-na": "https://na.example", "gcp-eu": "https://gcp-eu.example/"}])
    assert redirects == {"https://na.example": "http://127.0.0.1:1", "https://gcp-eu.example": "http://127.0.0.1:2"}
