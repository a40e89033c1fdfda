#!/usr/bin/env bash
# tools/export_tree.sh DEST: copy this checkout's files into DEST as git sees them (tracked files
# that exist, and untracked ones that are not ignored: what `git status` would let you commit).
# Nothing ignored comes along (.venv, out/, caches). Used by make sanity and make changelog.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$1"
mkdir -p "$DEST"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard --deduplicate \
    | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf -) | tar -xf - -C "$DEST"
