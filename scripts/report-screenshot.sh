#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of `sysweight report`:
# the page of every built-in on the embedded DB, its first 1200×900 px as
# headless Chromium (Debian's chromium package) draws them.
# Usage: scripts/report-screenshot.sh [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/report.png}
command -v chromium >/dev/null || { echo "report-screenshot: needs chromium (scripts/install-deps.sh installs it)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./cmd/sysweight report --out "$tmp/report.html" >/dev/null
chromium --headless --disable-gpu --no-sandbox --hide-scrollbars --user-data-dir="$tmp/profile" \
  --screenshot="$(realpath -m "$out")" --window-size=1200,900 "file://$tmp/report.html" 2>/dev/null
echo "wrote $out: $(stat -c %s "$out") bytes"
