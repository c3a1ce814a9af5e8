#!/usr/bin/env bash
# Refresh the vendored front-end files under src/kechuang/web/static/vendor/ (no CDN: the
# platform runs offline). Setup and CI never need npm: the files are committed.
#
#   scripts/vendor.sh           fetch the pinned packages with `npm pack`, check the tarballs'
#                               sha256, copy the few dist files we use, check the results
#   scripts/vendor.sh --check   only check the committed files against scripts/vendor.sha256
#   scripts/vendor.sh --update-sums   after changing a version below: fetch, copy and rewrite
#                               scripts/vendor.sha256 (review the diff before committing)
#
# The only change made to upstream files: the `sourceMappingURL` comment is removed from
# bootstrap's minified css/js, because the .map files are not shipped and Django's manifest
# static storage refuses to collect a file that points at a missing map.
set -euo pipefail

BOOTSTRAP=5.3.9
ICONS=1.13.2
HTMX=2.0.11
ECHARTS=6.1.0

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/src/kechuang/web/static/vendor"
SUMS="$ROOT/scripts/vendor.sha256"
MODE="${1:-fetch}"

check_files() {
  (cd "$DEST" && grep -v '\.tgz$' "$SUMS" | sha256sum --quiet -c -)
}

if [ "$MODE" = "--check" ]; then
  check_files && echo "vendored files match scripts/vendor.sha256"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is needed to refresh vendored files" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "bootstrap@$BOOTSTRAP" "bootstrap-icons@$ICONS" "htmx.org@$HTMX" \
  "echarts@$ECHARTS" >/dev/null
if [ "$MODE" != "--update-sums" ]; then
  grep '\.tgz$' "$SUMS" | sha256sum --quiet -c - || {
    echo "downloaded tarballs do not match scripts/vendor.sha256" >&2; exit 1; }
fi
for t in *.tgz; do mkdir -p "x/${t%.tgz}" && tar xzf "$t" -C "x/${t%.tgz}"; done

bs="$DEST/bootstrap-$BOOTSTRAP" ic="$DEST/bootstrap-icons-$ICONS"
hx="$DEST/htmx-$HTMX" ec="$DEST/echarts-$ECHARTS"
rm -rf "$DEST"
mkdir -p "$bs/css" "$bs/js" "$ic/fonts" "$hx" "$ec"

src="x/bootstrap-$BOOTSTRAP/package"
cp "$src/LICENSE" "$bs/"
sed '/sourceMappingURL=/d' "$src/dist/css/bootstrap.min.css" >"$bs/css/bootstrap.min.css"
sed '/sourceMappingURL=/d' "$src/dist/js/bootstrap.bundle.min.js" >"$bs/js/bootstrap.bundle.min.js"

src="x/bootstrap-icons-$ICONS/package"
cp "$src/LICENSE" "$ic/"
cp "$src/font/bootstrap-icons.min.css" "$ic/"
cp "$src/font/fonts/bootstrap-icons.woff2" "$src/font/fonts/bootstrap-icons.woff" "$ic/fonts/"

src="x/htmx.org-$HTMX/package"
cp "$src/LICENSE" "$src/dist/htmx.min.js" "$hx/"

src="x/echarts-$ECHARTS/package"
cp "$src/LICENSE" "$src/NOTICE" "$src/dist/echarts.min.js" "$ec/"
cp "$src/licenses/LICENSE-d3" "$ec/"

if [ "$MODE" = "--update-sums" ]; then
  { sha256sum ./*.tgz | sed 's#  \./#  #'
    (cd "$DEST" && find . -type f | LC_ALL=C sort | xargs sha256sum | sed 's#  \./#  #')
  } >"$SUMS"
  echo "wrote $SUMS"
else
  check_files
fi
echo "vendored into $DEST"
