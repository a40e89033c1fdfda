#!/usr/bin/env bash
# make sanity: ansible-test sanity on the collection as it installs from its tarball.
#
# ansible-test wants the collection at a path ending ansible_collections/<namespace>/<name>, inside
# a git repository; a clean clone is neither. So this
#   1. copies the checkout as git sees it (tools/export_tree.sh) to a temporary directory,
#   2. builds the collection tarball there (galaxy.yml's build_ignore applies) and installs it with
#      ansible-galaxy into .../ansible_collections/contentstack/personalize,
#   3. makes that directory a git repository, and runs
#        ansible-test sanity --local --python "$SANITY_PYTHON" "$@"
#      in it. What is tested is exactly what users install; there are no ignore files.
# SANITY_SCOPE=source tests the whole checkout instead (tests/, tools/, benchmarks/ included).
# The temporary directory is removed afterwards; SANITY_KEEP=1 keeps it and prints its path.
#
# Some sanity tests build their own virtual environments and bootstrap pip in them with a get-pip
# script that ansible-test downloads from a host that air-gapped machines (and this project's CI)
# cannot reach. When the cache holds no script for the pip version ansible-test wants,
# tools/get_pip_offline.py is installed there; see that file for what it does and why.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# The Makefile points these at the checkout (through .venv/collections); here only the copy counts.
unset PYTHONPATH ANSIBLE_COLLECTIONS_PATH
PY_VERSION="${SANITY_PYTHON:-3.11}"
SCOPE="${SANITY_SCOPE:-installed}"

# The get-pip stand-in, only when the cache has none for this ansible-test's pip version.
pip_version="$(python - <<'PY'
import os, re, ansible_test
src = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
match = re.search(r"pip='([0-9.]+)'", open(src).read())
print(match.group(1) if match else "24.2")
PY
)"
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -e "$cache" ]; then
    mkdir -p "$(dirname "$cache")"
    cp "$ROOT/tools/get_pip_offline.py" "$cache"
    echo "sanity: no get-pip script cached; installed the offline stand-in at $cache"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/personalize-sanity.XXXXXX")"
if [ "${SANITY_KEEP:-0}" = 1 ]; then
    trap 'echo "sanity: kept $work"' EXIT
else
    trap 'rm -rf "$work"' EXIT
fi
coll="$work/collections/ansible_collections/contentstack/personalize"

if [ "$SCOPE" = source ]; then
    "$ROOT/tools/export_tree.sh" "$coll"
else
    "$ROOT/tools/export_tree.sh" "$work/src"
    ansible-galaxy collection build "$work/src" --output-path "$work/dist" >/dev/null
    ANSIBLE_COLLECTIONS_PATH="$work/collections" ansible-galaxy collection install --offline --no-deps --force \
        -p "$work/collections" "$work"/dist/*.tar.gz >/dev/null
    test -f "$coll/MANIFEST.json"
fi
git -C "$coll" init -q
git -C "$coll" add --all .
git -C "$coll" -c user.name=sanity -c user.email=sanity@localhost.invalid commit -q -m "sanity copy"

echo "sanity: ansible-test sanity --local --python $PY_VERSION on the $SCOPE collection ($(cd "$coll" && git ls-files | wc -l) files)"
cd "$coll"
ansible-test sanity --local --python "$PY_VERSION" --color no "$@"
