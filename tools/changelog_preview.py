#!/usr/bin/env python
"""make changelog: CHANGELOG.rst from changelogs/changelog.yaml and the unreleased fragments.

antsibull-changelog renders only released versions, and a release moves the fragments into
changelogs/changelog.yaml (and deletes them). Until the version in galaxy.yml is released, this
runs ``antsibull-changelog release`` on a throw-away copy of the checkout, keeps only the rendered
CHANGELOG.rst, and marks the new version's heading "(unreleased)". The checkout's changelog.yaml
and fragments are left as they are. To really release: ``antsibull-changelog release``.
"""

import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main():
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    released = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text()).get("releases") or {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "collection"
        subprocess.run([str(ROOT / "tools" / "export_tree.sh"), str(copy)], check=True)
        args = ["antsibull-changelog", "release", "--version", version]
        if version in released:
            args = ["antsibull-changelog", "generate"]  # nothing unreleased to preview
        subprocess.run(args, cwd=str(copy), check=True)
        text = (copy / "CHANGELOG.rst").read_text()
    if version not in released:
        heading = "v%s" % version
        new = heading + " (unreleased)"
        text, count = re.subn(r"(?m)^%s\n=+\n" % re.escape(heading), new + "\n" + "=" * len(new) + "\n", text)
        if count != 1:
            sys.exit("changelog_preview: no heading %r in the rendered changelog" % heading)
    (ROOT / "CHANGELOG.rst").write_text(text)
    print("CHANGELOG.rst written (%s%s)" % (version, "" if version in released else ", unreleased"))


if __name__ == "__main__":
    main()
