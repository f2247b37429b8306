#!/usr/bin/env bash
# Speed checks of the core issue, in one run:
#  1. `sysweight db build` from the extracted kernel CNA tree vs the jq
#     baseline over the same files (target: >= 3x faster than jq);
#  2. `sysweight db build` from the .tar.xz: total, and the share spent in xz;
#  3. `sysweight compare` on the embedded DB: median wall (target <= 100 ms).
# Usage: scripts/bench-core.sh [SHARED_DATA_DIR] [WORK_DIR]
# Needs hyperfine, jq, xz (scripts/install-deps.sh installs jq; apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared/data}
work=${2:-${TMPDIR:-/tmp}/sysweight-bench}
archive="$shared/kernel-cna/kernel-cna-cves-2026-08-21.tar.xz"
[ -f "$archive" ] || { echo "bench-core: $archive not found" >&2; exit 2; }
mkdir -p "$work"
if [ ! -d "$work/cna/cve" ]; then
  mkdir -p "$work/cna" && tar -C "$work/cna" -xJf "$archive"
fi
go build -o "$work/sysweight" ./cmd/sysweight
sw="$work/sysweight"
echo "== 1. db build from the extracted tree vs jq (hyperfine, 5 runs each, 1 warm-up)"
( cd "$work/cna" && hyperfine -w 1 -r 5 -N --export-json "$work/build.json" \
    "$sw db build --kernel-cna $work/cna --kernel-cna-date 2026-08-21 --out $work/w.json" \
    "bash -c \"find cve -name '*.json' -print0 | xargs -0 cat | jq -c '[.cveMetadata.cveId, .containers.cna.descriptions[0].value]' > /dev/null\"" )
python3 - "$work/build.json" <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))["results"]
ours,jq=r[0]["median"],r[1]["median"]
print(f"median: sysweight db build {ours:.3f} s, jq {jq:.3f} s, jq/ours = {jq/ours:.2f}x")
PY
echo "== 2. db build from the .tar.xz (3 runs)"
for i in 1 2 3; do
  /usr/bin/time -f "wall %e s, max RSS %M KiB" "$sw" db build --kernel-cna "$archive" --out "$work/w2.json" --timing >/dev/null
done
echo "== 3. compare on the embedded DB (hyperfine, 20 runs)"
hyperfine -w 3 -r 20 -N "$sw compare" --export-json "$work/compare.json" >/dev/null
python3 - "$work/compare.json" <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print(f"compare: median {r['median']*1000:.1f} ms, mean {r['mean']*1000:.1f} ms, min {r['min']*1000:.1f} ms over {len(r['times'])} runs")
PY
