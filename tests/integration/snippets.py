"""The documentation's runnable snippets: found, classified and run against two emulators.

Pure part (no process, unit-tested in tests/unit/test_snippets.py): ``markdown_snippets``,
``examples_snippets``, ``parse_marker``, ``classify``, ``plan_steps``. Runner: ``run_page``.
The conventions are in docs/contributing.md, section "Snippets that run".

A snippet is a fenced block in yaml/yml (a playbook, a list of tasks, or a file given by
``file=``) or console/sh/shell/bash (commands), in README.md and docs/*.md, and the EXAMPLES of
every module and lookup. A marker gives what it assumes:

    <!-- snippet: side=source vars=vault_source_token file=copy-vars.yml -->   (Markdown)
    # snippet: side=dest                                                     (EXAMPLES, first line)
"""

import ast
import json
import os
import pathlib
import re
import shlex
import subprocess
import sys
import time

import yaml

RUNNABLE = {"yaml": "yaml", "yml": "yaml", "console": "command", "sh": "command", "shell": "command", "bash": "command"}
MARKER_KEYS = {"skip", "side", "env", "vars", "file", "seed", "id", "bare"}
SIDES = ("source", "dest")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
MD_MARKER = re.compile(r"^\s*<!--\s*snippet:(?P<body>.*?)-->\s*$")
YAML_MARKER = re.compile(r"^\s*#\s*snippet:(?P<body>.*)$")


class SnippetError(ValueError):
    """A snippet or its marker that cannot be understood (names the file and line)."""


class Snippet:
    def __init__(self, source, line, lang, text, marker):
        self.source = source
        self.line = line
        self.lang = lang
        self.text = text
        self.marker = marker
        self.id = marker.get("id") or "%s:%d" % (source, line)
        self.kind = classify(self)

    @property
    def side(self):
        return self.marker.get("side", "dest")

    def __repr__(self):
        return "Snippet(%s, %s)" % (self.id, self.kind)


def parse_marker(body, where):
    """``k=v k=v flag`` (shell quoting) -> dict; unknown keys and bad values are errors."""
    try:
        words = shlex.split(body)
    except ValueError as exc:
        raise SnippetError("%s: snippet marker: %s" % (where, exc))
    marker = {}
    for word in words:
        key, sep, value = word.partition("=")
        if key not in MARKER_KEYS:
            raise SnippetError("%s: snippet marker: unknown key %r (known: %s)" % (where, key, ", ".join(sorted(MARKER_KEYS))))
        marker[key] = value if sep else True
    if marker.get("skip") is True:
        raise SnippetError("%s: snippet marker: skip needs a reason (skip=\"why\")" % where)
    if "side" in marker and marker["side"] not in SIDES:
        raise SnippetError("%s: snippet marker: side must be one of %s" % (where, ", ".join(SIDES)))
    if "seed" in marker and marker["seed"] != "fresh":
        raise SnippetError("%s: snippet marker: seed=fresh is the only seed value" % where)
    if "vars" in marker:
        marker["vars"] = [v for v in str(marker["vars"]).split(",") if v]
    return marker


def markdown_snippets(source, text):
    """Every fenced block of a runnable language in a Markdown text, with its marker."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, fence, lang = i, m.group("fence"), m.group("lang").lower()
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        if j >= len(lines):
            raise SnippetError("%s:%d: fenced block is never closed" % (source, start + 1))
        body = "\n".join(line[len(m.group("indent")):] for line in lines[start + 1:j]) + "\n"
        k = start - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        mm = MD_MARKER.match(lines[k]) if k >= 0 else None
        marker = parse_marker(mm.group("body"), "%s:%d" % (source, k + 1)) if mm else {}
        if lang in RUNNABLE:
            out.append(Snippet(source, start + 1, RUNNABLE[lang], body, marker))
        elif mm:
            raise SnippetError("%s:%d: snippet marker before a %r block, which is not runnable" % (source, k + 1, lang or "plain"))
        i = j + 1
    return out


def examples_snippets(source, code):
    """The EXAMPLES string of a plugin's source, as one snippet; its first comment lines may hold the marker."""
    tree = ast.parse(code)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            text = node.value.value
            marker = {}
            for line in text.splitlines():
                if not line.strip():
                    continue
                mm = YAML_MARKER.match(line)
                if mm:
                    marker.update(parse_marker(mm.group("body"), "%s EXAMPLES" % source))
                    continue
                break
            return [Snippet(source, node.lineno, "yaml", text, marker)]
    return []


def classify(snippet):
    """One of: skip, file, play, tasks, command."""
    if "skip" in snippet.marker:
        return "skip"
    if "file" in snippet.marker:
        return "file"
    if snippet.lang == "command":
        return "command"
    try:
        data = yaml.safe_load(snippet.text)
    except yaml.YAMLError as exc:
        raise SnippetError("%s: not valid YAML: %s" % (snippet.id, exc))
    if isinstance(data, list) and data and all(isinstance(d, dict) for d in data):
        if all("hosts" in d or "import_playbook" in d for d in data):
            return "play"
        if not any("hosts" in d for d in data):
            return "tasks"
    raise SnippetError("%s: a yaml snippet is a playbook or a list of tasks; a file needs file=NAME "
                       "(or mark it skip=\"why\")" % snippet.id)


def plan_steps(snippets):
    """Group a page's snippets into steps run in order: ("files", [s]), ("playbook", [s...]),
    ("command", [s]), ("skip", [s]). Consecutive plays and task lists share one playbook run;
    a file is written just before the step that follows it."""
    steps = []
    for s in snippets:
        kind = {"play": "playbook", "tasks": "playbook"}.get(s.kind, s.kind)
        if kind == "playbook" and steps and steps[-1][0] == "playbook" and not s.marker.get("env") \
                and not any(x.marker.get("env") for x in steps[-1][1]):
            steps[-1][1].append(s)
        else:
            steps.append((kind, [s]))
    return steps


# ---------------------------------------------------------------------------------------- runner

class World:
    """The two emulators (aws-na: the retail source; aws-eu: the empty destination) and the values
    a marker's ``vars=`` may ask for."""

    def __init__(self, na, eu, constants):
        self.na = na
        self.eu = eu
        c = constants
        self.sides = {
            "source": {"region": "aws-na", "project_uid": c["SOURCE_PROJECT"], "organization_uid": c["SOURCE_ORG"],
                       "authtoken": c["SOURCE_TOKEN"]},
            "dest": {"region": "aws-eu", "project_uid": c["DEST_PROJECT"], "organization_uid": c["DEST_ORG"],
                     "oauth_token": c["DEST_TOKEN"]},
        }
        self.common = {
            "source_project_uid": c["SOURCE_PROJECT"], "destination_project_uid": c["DEST_PROJECT"],
            "source_organization_uid": c["SOURCE_ORG"], "destination_organization_uid": c["DEST_ORG"],
            "vault_source_token": c["SOURCE_TOKEN"], "vault_source_readonly_token": c["SOURCE_RO_TOKEN"],
            "vault_destination_token": c["DEST_TOKEN"],
            "VAULT_PASSWORD": "docs-test-vault-password", "SRC_TOKEN": c["SOURCE_TOKEN"], "DST_TOKEN": c["DEST_TOKEN"],
        }

    def value(self, name, side, where):
        conn = self.sides[side]
        per_side = dict(("personalize_%s" % k, v) for k, v in conn.items())
        token = conn.get("authtoken") or conn.get("oauth_token")
        per_side["vault_personalize_%s" % ("authtoken" if "authtoken" in conn else "oauth_token")] = token
        if name in per_side:
            return per_side[name]
        if name in self.common:
            return self.common[name]
        raise SnippetError("%s: vars=%s: the docs test has no value for it (docs/contributing.md lists the names)" % (where, name))

    def variables(self, snippet):
        got = dict((n, self.value(n, snippet.side, snippet.id)) for n in snippet.marker.get("vars", []))
        return dict((k, v) for k, v in got.items() if not k.isupper()), dict((k, v) for k, v in got.items() if k.isupper())

    def environment(self, snippet):
        if not snippet.marker.get("env"):
            return {}
        return dict(("CONTENTSTACK_%s" % k.upper(), v) for k, v in self.sides[snippet.side].items())

    def redirects(self, region_tables):
        """Public hosts -> emulator: every eu region to the aws-eu emulator, every other to aws-na."""
        out = {}
        for table in region_tables:
            for region, url in table.items():
                out[url.rstrip("/")] = (self.eu if "eu" in region else self.na).url
        return out

    def reset_play(self):
        return {"name": "docs test: the emulators back to their seeds", "hosts": "localhost", "gather_facts": False,
                "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
                "tasks": [{"name": "reset %s" % emu.url, "ansible.builtin.uri": {
                    "url": emu.url + "/_emulator/reset", "method": "POST", "body_format": "json", "body": {}}}
                    for emu in (self.na, self.eu)]}


def _fenced(text):
    return "\n".join("    | " + line for line in text.rstrip().splitlines())


def wrap(snippet, world):
    """The plays a snippet runs as: a playbook as written (given its vars), tasks in a localhost play
    whose module_defaults connect to the snippet's side."""
    data = yaml.safe_load(snippet.text)
    variables = world.variables(snippet)[0]
    plays = []
    if snippet.marker.get("seed") == "fresh":
        plays.append(world.reset_play())
    if snippet.kind == "play":
        for play in data:
            if variables and "hosts" in play:
                play = dict(play)
                play["vars"] = dict(play.get("vars") or {}, **variables)
            plays.append(play)
        return plays
    play = {
        "name": "snippet %s" % snippet.id,
        "hosts": "localhost",
        "gather_facts": False,
        "vars": dict({"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, **variables),
        "module_defaults": {"group/contentstack.personalize.personalize": dict(world.sides[snippet.side])},
        "tasks": data,
    }
    if snippet.marker.get("bare"):
        del play["module_defaults"]
    plays.append(play)
    return plays


def write_file(snippet, world, workdir):
    """A ``file=`` snippet written into the page's folder; a YAML mapping's keys named in vars=
    take the test's values (placeholders for secrets and uids the reader fills in)."""
    text = snippet.text
    variables = world.variables(snippet)[0]
    if variables:
        data = yaml.safe_load(text)
        if not isinstance(data, dict):
            raise SnippetError("%s: vars= on a file replaces keys of a YAML mapping" % snippet.id)
        missing = [k for k in variables if k not in data]
        if missing:
            raise SnippetError("%s: vars=%s: the file has no such key" % (snippet.id, ",".join(missing)))
        data.update(variables)
        text = yaml.safe_dump(data, sort_keys=False)
    path = workdir / snippet.marker["file"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


class Outcome:
    def __init__(self, snippet, status, detail=""):
        self.snippet = snippet
        self.status = status  # passed, failed, skipped, not reached
        self.detail = detail
        self.seconds = 0.0

    def __repr__(self):
        return "%s %s %s" % (self.status, self.snippet.id, self.detail)


def _env(base_env, world, snippet_env, redirects, workdir):
    env = dict(base_env)
    for name in list(env):
        if name.startswith("CONTENTSTACK_"):
            del env[name]
    env.update({
        "PERSONALIZE_DOCS_REDIRECTS": json.dumps(redirects),
        "PYTHONPATH": os.pathsep.join([str(pathlib.Path(__file__).parent / "docs_shim"), env.get("PYTHONPATH", "")]),
        "ANSIBLE_HOME": str(workdir / ".ansible"),
        "ANSIBLE_LOCAL_TEMP": str(workdir / ".ansible" / "tmp"),
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_NOCOLOR": "1",
        "CONTENTSTACK_RATE_LIMIT": "0",
    })
    env.update(snippet_env)
    return env


def _failing_play(stdout, nplays):
    """Index of the play that was running when the run stopped: the number of PLAY headers - 1."""
    return min(max(stdout.count("\nPLAY [") + stdout.startswith("PLAY [") - 1, 0), nplays - 1)


def run_playbook(group, world, workdir, base_env, redirects, n):
    plays, owner = [], []
    for s in group:
        for play in wrap(s, world):
            plays.append(play)
            owner.append(s)
    path = workdir / ("docs-test-%s.yml" % n)
    path.write_text(yaml.safe_dump(plays, sort_keys=False))
    env = _env(base_env, world, {}, redirects, workdir)
    for s in group:
        env.update(world.environment(s))
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(workdir), timeout=900, check=False)
    if proc.returncode == 0:
        return [Outcome(s, "passed") for s in group]
    bad = owner[_failing_play(proc.stdout, len(plays))]
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
    k = group.index(bad)
    out = [Outcome(s, "passed") for s in group[:k]]
    out.append(Outcome(bad, "failed", "ansible-playbook rc=%d\n%s\n  the snippet:\n%s" % (proc.returncode, tail, _fenced(bad.text))))
    rest = group[k + 1:]
    if rest and rest[0].marker.get("seed") == "fresh":  # starts from the seeds: it does not need what failed
        return out + run_playbook(rest, world, workdir, base_env, redirects, "%s-%d" % (n, k + 1))
    return out + [Outcome(s, "not reached", "after %s failed" % bad.id) for s in rest]


def run_command(s, world, workdir, base_env, redirects):
    upper = world.variables(s)[1]
    env = _env(base_env, world, dict(world.environment(s), **upper), redirects, workdir)
    script = "\n".join(line[2:] if line.startswith("$ ") else line for line in s.text.splitlines())
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], capture_output=True, text=True, env=env,
                          cwd=str(workdir), timeout=900, check=False)
    if proc.returncode == 0:
        return Outcome(s, "passed")
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
    return Outcome(s, "failed", "bash rc=%d\n%s\n  the snippet:\n%s" % (proc.returncode, tail, _fenced(s.text)))


def run_page(snippets, world, workdir, base_env, region_tables):
    """Run a page's snippets in order, in one folder; returns one Outcome per snippet."""
    redirects = world.redirects(region_tables)
    outcomes = []
    for n, (kind, group) in enumerate(plan_steps(snippets)):
        started, before = time.time(), len(outcomes)
        if outcomes and outcomes[-1].status in ("failed", "not reached"):
            outcomes += [Outcome(s, "not reached", "an earlier snippet of the page failed") for s in group]
            continue
        if kind == "skip":
            outcomes += [Outcome(s, "skipped", s.marker["skip"]) for s in group]
        elif kind == "file":
            write_file(group[0], world, workdir)
            outcomes.append(Outcome(group[0], "passed", "written to %s" % group[0].marker["file"]))
        elif kind == "command":
            outcomes.append(run_command(group[0], world, workdir, base_env, redirects))
        else:
            outcomes += run_playbook(group, world, workdir, base_env, redirects, n)
        for o in outcomes[before:]:
            o.seconds = (time.time() - started) / max(len(outcomes) - before, 1)
    return outcomes
