#!/usr/bin/env bash
# make sanity: ansible-test sanity on the collection twice, with no ignore file either time:
#   installed  the collection as users install it: built into a tarball (galaxy.yml's build_ignore
#              applies) and installed with ansible-galaxy;
#   source     the whole checkout as git sees it, tests/, tools/ and benchmarks/ included (what a
#              collection's CI runs sanity on).
# Both run, one after the other, each timed; the script fails if either fails.
# SANITY_SCOPE=installed or SANITY_SCOPE=source runs only that one. Arguments go to ansible-test
# (for example: tools/sanity.sh --test pep8).
#
# ansible-test wants the collection at a path ending ansible_collections/<namespace>/<name>, inside
# a git repository; a clean clone is neither. So each scope
#   1. copies the checkout as git sees it (tools/export_tree.sh) to a temporary directory: for
#      "source" straight into .../ansible_collections/contentstack/personalize, for "installed"
#      into a build directory, from which ansible-galaxy builds the tarball and installs it there;
#   2. makes that directory a git repository, and runs
#        ansible-test sanity --local --python "$SANITY_PYTHON" "$@"
#      in it.
# The temporary directories are removed afterwards; SANITY_KEEP=1 keeps them and prints their paths.
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
case "${SANITY_SCOPE:-both}" in
    both) SCOPES=(installed source) ;;
    installed | source) SCOPES=("$SANITY_SCOPE") ;;
    *) echo "sanity: SANITY_SCOPE must be installed, source or both, not '$SANITY_SCOPE'" >&2; exit 2 ;;
esac

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

WORKDIRS=()
cleanup() {
    local dir
    for dir in "${WORKDIRS[@]}"; do
        if [ "${SANITY_KEEP:-0}" = 1 ]; then echo "sanity: kept $dir"; else rm -rf "$dir"; fi
    done
}
trap cleanup EXIT

# run_scope SCOPE WORK ARGS...: one ansible-test sanity run on a fresh copy in WORK. Run it in a
# subshell outside any condition (bash ignores set -e in a function called from `if` or `||`).
run_scope() {
    local scope="$1" work="$2" coll
    shift 2
    coll="$work/collections/ansible_collections/contentstack/personalize"
    if [ "$scope" = source ]; then
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

    echo "sanity: ansible-test sanity --local --python $PY_VERSION on the $scope collection ($(git -C "$coll" ls-files | wc -l) files)"
    (cd "$coll" && ansible-test sanity --local --python "$PY_VERSION" --color no "$@")
}

failed=()
summary=()
for scope in "${SCOPES[@]}"; do
    start=$(date +%s)
    work="$(mktemp -d "${TMPDIR:-/tmp}/personalize-sanity-$scope.XXXXXX")"
    WORKDIRS+=("$work")
    set +e
    (set -e; run_scope "$scope" "$work" "$@")
    rc=$?
    set -e
    if [ "$rc" = 0 ]; then result=passed; else result="FAILED (exit $rc)"; failed+=("$scope"); fi
    summary+=("sanity ($scope): $result in $(( $(date +%s) - start )) s")
    echo "${summary[-1]}"
done
if [ "${#SCOPES[@]}" -gt 1 ]; then
    printf '%s\n' "${summary[@]}"
fi
if [ "${#failed[@]}" -gt 0 ]; then
    echo "sanity: failed (scope: ${failed[*]})" >&2
    exit 1
fi
