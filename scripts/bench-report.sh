#!/usr/bin/env bash
# Speed and size of `sysweight report` (issue 10 item 1): the page of every
# built-in, as a user runs it (process start, the embedded DB decoded,
# every built-in scored, explain's evidence for each exposed syscall, the
# HTML rendered and written atomically), against `sysweight compare` in
# the same run. Targets: under 1 s wall (median), under 2 MB.
# Usage: scripts/bench-report.sh [RUNS]   (default 20; needs hyperfine)
set -euo pipefail
RUNS=${1:-20}
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench-report: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sysweight" ./cmd/sysweight
sw="$tmp/sysweight"
hyperfine -N -w 3 -r "$RUNS" --export-json "$tmp/bench.json" \
  "$sw report --out $tmp/report.html" "$sw compare" >/dev/null
size=$(stat -c %s "$tmp/report.html")
python3 - "$tmp/bench.json" "$size" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
size = int(sys.argv[2])
for name, x in zip(["report, every built-in", "compare, every built-in"], r):
    print(f"{name}: median {x['median']*1000:.0f} ms, min {x['min']*1000:.0f} ms, max {x['max']*1000:.0f} ms over {len(x['times'])} runs")
print(f"report size: {size} bytes ({size/1e6:.2f} MB)")
ok = r[0]["median"] < 1 and size < 2_000_000
print("PASS" if ok else "FAIL: over 1 s or 2 MB")
sys.exit(0 if ok else 1)
PY
