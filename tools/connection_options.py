"""Write the static copies of the connection options from plugins/module_utils/options.py.

Ansible reads these as files, so they cannot import the definition:

- plugins/doc_fragments/connection.py: DOCUMENTATION (every description, once) and PLUGINS (only
  the env and vars that lookups add to those options, as community.hashi_vault does); for each set of
  extra options (an option's ``extra``, such as ``stack``), the same pair named after it (STACK,
  STACK_PLUGINS), for the modules and plugins that take that set;
- roles/migrate/meta/argument_specs.yml: the connection options of migrate_source and migrate_destination;
- playbooks/apply.yml and playbooks/export.yml: the module_defaults of the connection (one
  personalize_<option> variable each);
- docs/user-guide.md: the table of connection options.

The last three are rewritten only between their BEGIN and END marker lines.

    python tools/connection_options.py          # rewrite the files
    python tools/connection_options.py --check  # exit 1 and name the files that differ

tests/unit/test_connection_drift.py runs the check, and compares the files with the definition.
"""

import pathlib
import re
import sys
import textwrap

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
GROUP = "group/contentstack.personalize.personalize"
BEGIN = "BEGIN connection options: written by tools/connection_options.py from plugins/module_utils/options.py"
END = "END connection options"

# Who takes each set of extra options, for the user guide's table.
EXTRA_USERS = {"stack": "`personalize_variant_group`, `personalize_entry_variant` and each side of the role"}

# Per side of the role: what the role requires beyond the option itself.
ROLE_SIDES = {
    "migrate_source": {"project_uid": {"required": True}},
    "migrate_destination": {},
}

HEADER = '''\
# -*- coding: utf-8 -*-
# Copyright: contentstack.personalize contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the connection options.

Written by tools/connection_options.py from plugins/module_utils/options.py, which defines them:
change them there, then run the tool.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
'''

NOTES = (
    "The Personalize Management API allows 10 requests per second per organization; this collection"
    " paces itself (see O(rate_limit)) and retries throttled calls.",
)


def options_module():
    sys.path.insert(0, str(ROOT / ".venv" / "collections"))
    from ansible_collections.contentstack.personalize.plugins.module_utils import options
    return options


def scalar(text):
    """``text`` as a YAML scalar: plain when that reads back the same, else single-quoted."""
    if yaml.safe_load("- " + text) == [text]:
        return text
    return "'%s'" % text.replace("'", "''")


def item_lines(paragraphs, indent, width=110):
    """A YAML list of paragraphs, each wrapped, continuation lines under the first word."""
    lines = []
    for text in paragraphs:
        wrapped = textwrap.wrap(scalar(text), width=width - indent - 2, break_long_words=False, break_on_hyphens=False)
        lines.append(" " * indent + "- " + wrapped[0])
        lines.extend(" " * (indent + 2) + more for more in wrapped[1:])
    return lines


def value(data):
    return yaml.safe_dump(data).split("\n")[0]


def module_description(option):
    text = list(option.description)
    if option.env:
        text.append("If not set, the value of the E(%s) environment variable is used." % option.env)
    return text


def fragment_options(chosen):
    out = ["options:"]
    for option in chosen:
        out += ["  %s:" % option.name, "    description:"]
        out += item_lines(module_description(option), 6)
        out.append("    type: %s" % option.type)
        if option.default is not None:
            out.append("    default: %s" % value(option.default))
    return out


def fragment_plugins(chosen):
    plugins = ["options:"]
    for option in chosen:
        if not (option.env or option.variable):
            continue
        plugins.append("  %s:" % option.name)
        if option.env:
            plugins += ["    env:", "      - name: %s" % option.env]
        if option.variable:
            plugins += ["    vars:", "      - name: %s" % option.variable]
    return plugins


def doc_fragment(options):
    every = [o for o in options.OPTIONS if o.extra is None]
    out = fragment_options(every) + ["notes:"] + item_lines(NOTES, 2) + ["requirements:", "  - requests"]
    lines = [
        "",
        "    # Modules: extends_documentation_fragment: contentstack.personalize.connection",
        "    DOCUMENTATION = r'''",
    ] + out + [
        "'''",
        "",
        "    # Lookups and other plugins read the same options with get_option(); this adds only where else",
        "    # each one can come from. extends_documentation_fragment: [contentstack.personalize.connection,",
        "    # contentstack.personalize.connection.PLUGINS]",
        "    PLUGINS = r'''",
    ] + fragment_plugins(every) + ["'''"]
    for extra in options.EXTRAS:
        chosen = [o for o in options.OPTIONS if o.extra == extra]
        name = extra.upper()
        lines += [
            "",
            "    # The %s options, only for what takes them: extends_documentation_fragment adds" % extra,
            "    # contentstack.personalize.connection.%s (and, for a plugin, .%s_PLUGINS) after .connection" % (name, name),
            "    %s = r'''" % name,
        ] + fragment_options(chosen) + ["'''", "", "    %s_PLUGINS = r'''" % name] + fragment_plugins(chosen) + ["'''"]
    return HEADER + "\n".join(lines + [""])


def role_summary(option, side):
    """The option's first paragraph, its O() references pointing inside the side's mapping."""
    return re.sub(r"O\(([a-z_]+)", r"O(%s.\1" % side, option.description[0])


def role_options(options, side, indent=10):
    pad = " " * indent
    out = []
    for option in options.OPTIONS:
        if not option.connection:
            continue
        out += [pad + "%s:" % option.name, pad + "  description:"]
        out += item_lines([role_summary(option, side)], indent + 4)
        out.append(pad + "  type: %s" % option.type)
        if option.no_log_said:
            out.append(pad + "  no_log: %s" % value(option.no_log))
        if option.default is not None:
            out.append(pad + "  default: %s" % value(option.default))
        for key, setting in sorted(ROLE_SIDES[side].get(option.name, {}).items()):
            out.append(pad + "  %s: %s" % (key, value(setting)))
    return out


def apply_defaults(options, indent=4):
    pad = " " * indent
    out = [pad + GROUP + ":"]
    for name in options.CLIENT_OPTIONS:
        out.append(pad + '  %s: "{{ %s | default(omit) }}"' % (name, options.BY_NAME[name].variable))
    return out


def markdown(text):
    return re.sub(r"\b[VOECI]\(([^()]*(?:\([^()]*\)[^()]*)*)\)", r"`\1`", text)


def guide_table(options):
    out = ["| option | type | default | environment variable | variable | what |", "|---|---|---|---|---|---|"]
    for option in options.OPTIONS:
        if not option.connection:
            continue
        default = "" if option.default is None else "`%s`" % value(option.default)
        env = "`%s`" % option.env if option.env else ""
        what = markdown(option.description[0])
        if option.extra:
            what = "(%s side only: %s) %s" % (option.extra, EXTRA_USERS[option.extra], what)
        out.append("| `%s` | %s | %s | %s | `%s` | %s |" % (
            option.name, option.type, default, env, option.variable, what))
    return out


def between_markers(text, body, where, comment):
    """``text`` with the lines between its marker lines replaced by ``body``."""
    open_mark, close_mark = comment % BEGIN, comment % END
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.strip() == open_mark]
    ends = [i for i, line in enumerate(lines) if line.strip() == close_mark]
    if len(starts) != len(ends) or not starts:
        raise SystemExit("%s: no %r ... %r marker lines" % (where, open_mark, close_mark))
    if len(starts) != len(body):
        raise SystemExit("%s: %d marked parts, %d to write" % (where, len(starts), len(body)))
    out, pos = [], 0
    for start, end, part in zip(starts, ends, body):
        out += lines[pos:start + 1] + part
        pos = end
    return "\n".join(out + lines[pos:])


def rendered():
    """{path: the text it should hold}."""
    options = options_module()
    files = {}
    files["plugins/doc_fragments/connection.py"] = doc_fragment(options)
    path = "roles/migrate/meta/argument_specs.yml"
    files[path] = between_markers((ROOT / path).read_text(), [role_options(options, side) for side in ROLE_SIDES],
                                  path, "# %s")
    for path in ("playbooks/apply.yml", "playbooks/export.yml"):
        files[path] = between_markers((ROOT / path).read_text(), [apply_defaults(options)], path, "# %s")
    path = "docs/user-guide.md"
    files[path] = between_markers((ROOT / path).read_text(), [guide_table(options)], path, "<!-- %s -->")
    return files


def main(argv):
    check = "--check" in argv
    stale = []
    for path, text in sorted(rendered().items()):
        if (ROOT / path).read_text() != text:
            stale.append(path)
            if not check:
                (ROOT / path).write_text(text)
    for path in stale:
        print(("%s differs from plugins/module_utils/options.py" if check else "wrote %s") % path)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
