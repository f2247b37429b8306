#!/usr/bin/env bash
# Speed checks of the core, in one run:
#  1. `sysweight db build` from the extracted kernel CNA tree vs the jq
#     baseline over the same files (target: >= 3x faster than jq), with the
#     text methods only and with every method on, the kernel graph cached;
#     RUNS rounds (default 11), each running every command once, interleaved;
#  2. `sysweight db build` from the .tar.xz with every method on (graph
#     cached, and not cached) vs the build of BASE (default: main), text
#     only, as it was (target: within 3x);
#  3. `sysweight compare` on the embedded DB: median wall (target <= 100 ms).
# Usage: scripts/bench-core.sh [SHARED_DATA_DIR] [WORK_DIR]
# Environment: KDIR (default ~/.cache/sysweight/kernel) holds the kernel
# image and file map (DBG=1 scripts/kernel-metrics.sh); BASE is the git
# revision of the baseline build (default main).
# Needs hyperfine, jq, xz (scripts/install-deps.sh installs jq; apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared/data}
work=${2:-${TMPDIR:-/tmp}/sysweight-bench}
kdir=${KDIR:-$HOME/.cache/sysweight/kernel}
abi=6.1.0-56-cloud-amd64
base=${BASE:-main}
archive="$shared/kernel-cna/kernel-cna-cves-2026-08-21.tar.xz"
[ -f "$archive" ] || { echo "bench-core: $archive not found" >&2; exit 2; }
img=$(ls "$kdir"/linux-image-$abi-unsigned_*_amd64.deb 2>/dev/null | head -1)  # the package: vmlinuz and modules
fm=$kdir/filemap-v2-$abi.txt.gz
[ -n "$img" ] && [ -f "$img" ] && [ -f "$fm" ] || { echo "bench-core: the kernel package or $fm missing: run make kernel-deb and DBG=1 scripts/kernel-metrics.sh" >&2; exit 2; }
mkdir -p "$work"
if [ ! -d "$work/cna/cve" ]; then
  mkdir -p "$work/cna" && tar -C "$work/cna" -xJf "$archive"
fi
go build -o "$work/sysweight" ./cmd/sysweight
sw="$work/sysweight"
rm -rf "$work/base-src" && mkdir -p "$work/base-src"
git archive "$base" | tar -x -C "$work/base-src"
(cd "$work/base-src" && go build -o "$work/sysweight-base" ./cmd/sysweight)
swb="$work/sysweight-base"
cache="$work/graph-cache"
all="--kernel-image $img --filemap $fm --graph-cache $cache --methods text+trace+uapi+site+dispatch+file"
def="--kernel-image $img --filemap $fm --graph-cache $cache"
"$sw" db build --kernel-cna "$work/cna" --kernel-cna-date 2026-08-21 --out "$work/w.json" $all >/dev/null # fill the cache
runs=${RUNS:-11}
echo "== 1. db build from the extracted tree vs jq ($runs rounds, interleaved: each round runs every command once, so drift in the machine's speed hits all alike; 1 warm-up round)"
ms() { # wall milliseconds of one run of "$@", in the tree
	local t0 t1
	t0=$(date +%s%N)
	(cd "$work/cna" && "$@" >/dev/null 2>&1)
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
jqrun() { bash -c "find cve -name '*.json' -print0 | xargs -0 cat | jq -c '[.cveMetadata.cveId, .containers.cna.descriptions[0].value]' > /dev/null"; }
b="db build --kernel-cna $work/cna --kernel-cna-date 2026-08-21 --out $work/w.json"
: >"$work/rounds"
for ((i = 0; i <= runs; i++)); do
	t1=$(ms $sw $b --methods text+trace+uapi)
	t2=$(ms $sw $b $def)
	t3=$(ms $sw $b $all)
	t4=$(ms $swb $b)
	t5=$(ms jqrun)
	[ "$i" -gt 0 ] && echo "$t1 $t2 $t3 $t4 $t5" >>"$work/rounds"
done
python3 - "$work/rounds" <<'PY'
import sys,statistics as st
rows=[list(map(float,l.split())) for l in open(sys.argv[1])]
names=["text+trace+uapi","default methods, graph cached","all methods, graph cached","baseline (BASE, text)"]
jq=[r[4] for r in rows]
for k,n in enumerate(names):
    t=[r[k] for r in rows]
    ratios=[r[4]/r[k] for r in rows]
    print(f"median {n}: {st.median(t)/1000:.3f} s, jq/ours = {st.median(jq)/st.median(t):.2f}x (per-round ratios: median {st.median(ratios):.2f}x, min {min(ratios):.2f}x, max {max(ratios):.2f}x)")
print(f"median jq: {st.median(jq)/1000:.3f} s over {len(rows)} rounds")
PY
echo "== 2. db build from the .tar.xz, all methods (3 runs each; BASE text only, as before)"
for i in 1 2 3; do
  /usr/bin/time -f "BASE: wall %e s, max RSS %M KiB" "$swb" db build --kernel-cna "$archive" --out "$work/w2.json" >/dev/null
  /usr/bin/time -f "all methods, graph cached: wall %e s, max RSS %M KiB" "$sw" db build --kernel-cna "$archive" --out "$work/w2.json" $all --timing >/dev/null
  /usr/bin/time -f "all methods, graph not cached: wall %e s, max RSS %M KiB" "$sw" db build --kernel-cna "$archive" --out "$work/w2.json" ${all/--graph-cache $cache/--graph-cache none} --timing >/dev/null
done
echo "== 3. compare on the embedded DB (hyperfine, 20 runs)"
hyperfine -w 3 -r 20 -N "$sw compare" --export-json "$work/compare.json" >/dev/null
python3 - "$work/compare.json" <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print(f"compare: median {r['median']*1000:.1f} ms, mean {r['mean']*1000:.1f} ms, min {r['min']*1000:.1f} ms over {len(r['times'])} runs")
PY
