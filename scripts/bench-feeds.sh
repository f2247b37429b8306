#!/usr/bin/env bash
# Times sysweight's kernel CNA reader against jq on the same records.
#
#   scripts/bench-feeds.sh [TREE] [ARCHIVE.tar.xz] [RUNS]
#
# TREE is an extracted kernel CNA vulns tree (with cve/published/), by default
# $HOME/.cache/sysweight/cna; ARCHIVE defaults to ../shared/data/kernel-cna/
# kernel-cna-cves-2026-08-21.tar.xz relative to the repository root. Each
# measurement runs RUNS times (default 5), jq and ours interleaved so that
# load from other processes hits both alike; the medians of wall time and of
# CPU time (user+sys) are printed. A warm-up pass fills the page cache first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:-$HOME/.cache/sysweight/cna}
archive=${2:-$root/../shared/data/kernel-cna/kernel-cna-cves-2026-08-21.tar.xz}
runs=${3:-5}
[ -d "$tree/cve/published" ] || { echo "bench-feeds: no $tree/cve/published" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench-feeds: jq not installed" >&2; exit 2; }

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
(cd "$root" && go build -o "$bin/cnabench" ./vuln/kernelcna/internal/cnabench)

# timed CMD... : appends "wall cpu" (seconds) to $bin/$label
timed() {
	local label=$1; shift
	/usr/bin/time -o "$bin/t" -f '%e %U %S' "$@" >/dev/null
	tail -n1 "$bin/t" | awk '{printf "%s %.2f\n", $1, $2 + $3}' >>"$bin/$label"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
report() {
	printf '%-34s wall %6.2f s  cpu %6.2f s   (runs: %s)\n' "$1" \
		"$(cut -d' ' -f1 "$bin/$2" | median)" "$(cut -d' ' -f2 "$bin/$2" | median)" \
		"$(cut -d' ' -f1 "$bin/$2" | tr '\n' ' ')"
}

cd "$tree"
jqcmd=(sh -c "find cve -name '*.json' -print0 | xargs -0 cat | jq -c '[.cveMetadata.cveId, .containers.cna.descriptions[0].value]'")
echo "tree: $tree ($(find cve -name '*.json' | wc -l) records), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"${jqcmd[@]}" >/dev/null; "$bin/cnabench" dir . >/dev/null # warm the page cache
for _ in $(seq "$runs"); do
	timed jq "${jqcmd[@]}"
	timed dir "$bin/cnabench" dir .
done
report "(a) find|xargs cat|jq" jq
report "(b) kernelcna.ReadDir" dir
awk -v a="$(cut -d' ' -f1 "$bin/jq" | median)" -v b="$(cut -d' ' -f1 "$bin/dir" | median)" \
	-v c="$(cut -d' ' -f2 "$bin/jq" | median)" -v d="$(cut -d' ' -f2 "$bin/dir" | median)" \
	'BEGIN {printf "ReadDir speed-up over jq: %.1fx wall, %.1fx cpu (target >= 3x)\n", a/b, c/d}'
"$bin/cnabench" dir .

if [ -f "$archive" ]; then
	for _ in $(seq "$runs"); do
		"$bin/cnabench" tarxz "$archive" | tee -a "$bin/xzlines" >/dev/null
	done
	tot=$(sed 's/.*total=\([0-9.]*\).*/\1/' "$bin/xzlines" | median)
	dec=$(sed 's/.*decompress=\([0-9.]*\).*/\1/' "$bin/xzlines" | median)
	par=$(sed 's/.*parse=\([0-9.]*\).*/\1/' "$bin/xzlines" | median)
	awk -v t="$tot" -v d="$dec" -v p="$par" -v f="$(basename "$archive")" \
		'BEGIN {printf "(c) kernelcna.ReadTarXZ %s: median total %.2f s, xz decompression %.2f s (%.0f%%), parse %.2f s cpu in workers (overlapped)\n", f, t, d, 100*d/t, p}'
	tail -n1 "$bin/xzlines"
else
	echo "(c) skipped: no archive at $archive"
fi
