#!/usr/bin/env bash
# make docsite: render the collection's documentation site to OUT/html (default out/docsite).
#
# 1. antsibull-docs sphinx-init writes a Sphinx project (OUT/src), and antsibull-docs collection
#    renders every plugin's and the role's documentation into OUT/src/rst/collections/.
# 2. The Markdown guides of docs/ are added under guides/ (read by MyST), with an index page.
# 3. sphinx-build renders HTML with warnings as errors.
# Offline on purpose: Sphinx's intersphinx inventories (docs.python.org, docs.ansible.com) are not
# fetched, so references into Ansible's own documentation (for example to "common return values")
# cannot resolve and Sphinx's ref.ref warning is silenced; references inside this collection are
# checked by `make docs-lint` (antsibull-docs lint-collection-docs --validate-collection-refs all).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/out/docsite}"
case "$OUT" in /*) ;; *) OUT="$ROOT/$OUT" ;; esac
SRC="$OUT/src"
COLLECTION=contentstack.personalize

rm -rf "$OUT"
mkdir -p "$OUT"
mkdir -m 700 "$SRC"
antsibull-docs sphinx-init --use-current --dest-dir "$SRC" --fail-on-error \
    --project "contentstack.personalize" --copyright "contentstack.personalize contributors" \
    --title "Contentstack Personalize collection" $COLLECTION >/dev/null
cat >> "$SRC/conf.py" <<'PY'

# Added by tools/docsite.sh: Markdown guides, no network.
extensions.append('myst_parser')
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
myst_heading_anchors = 3
intersphinx_mapping = {}
suppress_warnings = ['ref.ref', 'myst.xref_missing', 'myst.header']
PY

cd "$SRC"
chmod 700 rst  # antsibull-docs wants it writable by its owner only
antsibull-docs --config-file antsibull-docs.cfg collection --use-current --fail-on-error \
    --dest-dir rst $COLLECTION >/dev/null

mkdir rst/guides
guides=""
for name in user-guide migration export performance reliability architecture; do
    if [ -f "$ROOT/docs/$name.md" ]; then
        cp "$ROOT/docs/$name.md" rst/guides/
        guides="$guides   guides/$name"$'\n'
    fi
done
cat > rst/index.rst <<RST
Contentstack Personalize collection
===================================

Manage Contentstack Personalize projects as code, and copy whole projects between
organizations and regions.

.. toctree::
   :maxdepth: 1
   :caption: Guides

$guides
.. toctree::
   :maxdepth: 2
   :caption: Reference

   collections/index
RST

sphinx-build -q -W --keep-going -b html -c . rst "$OUT/html"
echo "docsite: $OUT/html/index.html"
