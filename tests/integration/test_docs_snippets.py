"""Every snippet of the docs and every plugin's EXAMPLES runs as written against the emulators.

One test per page (README.md, docs/*.md) and one for all the plugins' EXAMPLES; each starts two
emulators like ``make demo`` (aws-na: the retail source; aws-eu: the empty destination), the
public hosts answered by them (tests/integration/docs_shim). A page's snippets run in order in one
folder, consecutive playbooks and task lists in one ansible-playbook run. Skipped snippets are
listed with their reasons; the counts are printed (pytest -s, or the report on failure).
Conventions: docs/contributing.md, "Snippets that run".
"""

import os
import shutil

import pytest

from conftest import COLLROOT, ROOT
from emulator import harness
from emulator.harness import Emulator

import snippets

PAGES = ["README.md"] + sorted("docs/" + p.name for p in (ROOT / "docs").glob("*.md"))
PLUGINS = sorted(str(p.relative_to(ROOT)) for d in ("plugins/modules", "plugins/lookup") for p in (ROOT / d).glob("*.py")
                 if p.name != "__init__.py")
NAMES = ("SOURCE_PROJECT", "DEST_PROJECT", "SOURCE_ORG", "DEST_ORG", "SOURCE_TOKEN", "SOURCE_RO_TOKEN", "DEST_TOKEN")
CONSTANTS = dict((k, getattr(harness, k)) for k in NAMES)


def region_tables():
    """Every table of public base URLs in the client (the Personalize regions, and the CMA's when it has them)."""
    from ansible_collections.contentstack.personalize.plugins.module_utils import client

    tables = []
    for value in vars(client).values():
        if isinstance(value, dict) and value and all(isinstance(v, str) and v.startswith("https://") for v in value.values()):
            tables.append(value)
    return tables


def base_env():
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(ROOT / ".venv" / "bin"), env.get("PATH", "")])
    env["ANSIBLE_COLLECTIONS_PATH"] = str(COLLROOT)
    env["PYTHONPATH"] = str(COLLROOT)
    return env


def page_snippets(name):
    path = ROOT / name
    if name.endswith(".py"):
        return snippets.examples_snippets(name, path.read_text())
    return snippets.markdown_snippets(name, path.read_text())


def run(found, tmp_path):
    """The snippets' outcomes; a run that wrote into the checkout (the installed collection) fails."""
    before = set((ROOT / "playbooks").iterdir())
    outcomes = _run(found, tmp_path)
    stray = sorted(set((ROOT / "playbooks").iterdir()) - before)
    for path in stray:
        if path.is_dir():
            shutil.rmtree(str(path))
        else:
            path.unlink()
    if stray:
        pytest.fail("%s\na snippet wrote %s, inside the installed collection: a relative report or export folder "
                    "must be relative to the current directory" % (report(outcomes), ", ".join(str(p) for p in stray)))
    return outcomes


def _run(found, tmp_path):
    with Emulator(seeds=["retail", "retail-stack"], region="aws-na", tmp_path=tmp_path / "na") as na, \
            Emulator(seeds=["empty-dest", "dest-stack"], region="aws-eu", tmp_path=tmp_path / "eu") as eu:
        world = snippets.World(na, eu, CONSTANTS)
        workdir = tmp_path / "work"
        workdir.mkdir()
        return snippets.run_page(found, world, workdir, base_env(), region_tables())


def report(outcomes):
    counts = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    lines = ["%d snippets: %s; %.0f s" % (len(outcomes), ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())),
                                          sum(o.seconds for o in outcomes))]
    lines += ["  %5.1f s %s" % (o.seconds, o.snippet.id) for o in outcomes if o.seconds >= 10]
    lines += ["  skipped %s: %s" % (o.snippet.id, o.detail) for o in outcomes if o.status == "skipped"]
    lines += ["  FAILED %s: %s" % (o.snippet.id, o.detail) for o in outcomes if o.status == "failed"]
    lines += ["  not reached %s" % o.snippet.id for o in outcomes if o.status == "not reached"]
    return "\n".join(lines)


def check(outcomes):
    text = report(outcomes)
    print("\n" + text)
    assert all(o.status in ("passed", "skipped") for o in outcomes), text


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_as_written(page, tmp_path):
    found = page_snippets(page)
    if not found:
        pytest.skip("%s has no runnable snippet" % page)
    check(run(found, tmp_path))
    if page == "docs/user-guide.md":
        # The recommended credentials: -e @vault.yml with --vault-password-file, a really encrypted file.
        encrypted = (tmp_path / "work" / "vault.yml").read_text()
        assert encrypted.startswith("$ANSIBLE_VAULT;1.1;AES256") and CONSTANTS["DEST_TOKEN"] not in encrypted
        assert (tmp_path / "work" / "project" / "attributes.yml").is_file()


def test_every_plugin_example_runs(tmp_path):
    """Each plugin's EXAMPLES from the seeds (a reset before each), all in one ansible-playbook run."""
    found = []
    for name in PLUGINS:
        for s in page_snippets(name):
            s.marker.setdefault("seed", "fresh")
            found.append(s)
    assert len(found) >= len(PLUGINS) - 1
    check(run(found, tmp_path))


BROKEN_PAGE = """# A page

<!-- snippet: side=dest -->
```yaml
- name: An attribute
  contentstack.personalize.personalize_attribute:
    key: docs_test_ok
```

```yaml
- name: An audience whose rule names an attribute nothing creates
  contentstack.personalize.personalize_audience:
    name: Broken on purpose
    definition:
      combinationType: AND
      rules:
        - attribute: {key: no_such_attribute}
          attributeMatchCondition: STRING_EQUALS
          attributeMatchOptions: {__type: StringMatchOptions, value: x}
```

```console
ansible-playbook --version
```
"""


def test_a_broken_snippet_fails_the_test(tmp_path):
    """The negative case: the second snippet refers to an attribute nothing creates."""
    found = snippets.markdown_snippets("broken.md", BROKEN_PAGE)
    outcomes = run(found, tmp_path)
    assert [o.status for o in outcomes] == ["passed", "failed", "not reached"], report(outcomes)
    assert "no_such_attribute" in outcomes[1].detail
    assert "broken.md:10" in report(outcomes)
    with pytest.raises(AssertionError):
        check(outcomes)
