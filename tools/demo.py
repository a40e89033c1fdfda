#!/usr/bin/env python
"""make demo: the main job on the embedded default.

Starts two emulator processes on 127.0.0.1 acting as two regions (aws-na holding the retail source
project, aws-eu holding an empty project of another organization), copies the project with the
contentstack.personalize.migrate role through playbooks/migrate.yml, prints the report, and stops
both emulators whatever happens.
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from emulator.harness import (  # noqa: E402
    DEST_PROJECT, DEST_TOKEN, Emulator, SOURCE_ORG, DEST_ORG, SOURCE_PROJECT, SOURCE_TOKEN,
)


def main():
    out = ROOT / "out" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        with Emulator(seeds=["retail"], region="aws-na", tmp_path=tmp / "na") as source, \
                Emulator(seeds=["empty-dest"], region="aws-eu", tmp_path=tmp / "eu") as dest:
            print("emulator aws-na (source org %s) at %s" % (SOURCE_ORG, source.url))
            print("emulator aws-eu (destination org %s) at %s" % (DEST_ORG, dest.url))
            extra = {
                "migrate_source": {"api_url": source.url, "project_uid": SOURCE_PROJECT,
                                   "authtoken": SOURCE_TOKEN, "organization_uid": SOURCE_ORG},
                "migrate_destination": {"api_url": dest.url, "project_uid": DEST_PROJECT,
                                        "oauth_token": DEST_TOKEN, "organization_uid": DEST_ORG},
                # The seed holds a Lytics audience, which no API can create: copy the rest, report it.
                "migrate_allow_skips": True,
                "migrate_report_dir": str(out),
            }
            vars_file = tmp / "copy-vars.json"
            vars_file.write_text(json.dumps(extra))
            env = dict(os.environ)
            env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(ROOT / ".venv" / "collections"))
            cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                   "-i", "localhost,", str(ROOT / "playbooks" / "migrate.yml"), "-e", "@%s" % vars_file]
            print("$ ansible-playbook -i localhost, playbooks/migrate.yml -e @copy-vars.json", flush=True)
            rc = subprocess.call(cmd, env=env, cwd=str(ROOT))
            writes = [e for e in dest.log() if e["method"] in ("POST", "PUT", "DELETE")]
            source_writes = [e for e in source.log() if e["method"] in ("POST", "PUT", "DELETE")]
            print("\nAPI calls: source %d (writes %d), destination %d (writes %d)"
                  % (len(source.log()), len(source_writes), len(dest.log()), len(writes)))
    report = out / "report.json"
    if rc == 0 and report.exists():
        data = json.loads(report.read_text())
        print("\nReport (%s):" % report.relative_to(ROOT))
        for kind, summary in data["kinds"].items():
            print("  %-12s %s" % (kind, ", ".join("%s %d" % (k, v) for k, v in sorted(summary.items()))))
        for line in data["skipped"]:
            print("  skipped: %s" % line)
        print("  verify: %s" % data["verify"])
        print("UID map: %s" % (out / "uid-map.json").relative_to(ROOT))
    return rc


if __name__ == "__main__":
    sys.exit(main())
