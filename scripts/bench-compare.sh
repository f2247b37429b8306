#!/usr/bin/env bash
# bench-compare.sh: `sysweight compare` (every built-in, the embedded DB)
# against a bare start of the same binary (`sysweight --help`), side by
# side as a user runs them: RUNS interleaved runs of each, wall time of
# each process, medians and their ratio (issue 11: at most 2.5x).
# usage: scripts/bench-compare.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-40}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sysweight" ./cmd/sysweight
"$tmp/sysweight" compare >/dev/null # page cache
ms() { # wall milliseconds of one run of "$@"
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo "scale=3; ($t1 - $t0) / 1000000" | bc
}
for ((i = 0; i < runs; i++)); do
	ms "$tmp/sysweight" --help >>"$tmp/bare"
	ms "$tmp/sysweight" compare >>"$tmp/compare"
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
b=$(median "$tmp/bare")
c=$(median "$tmp/compare")
echo "cores: $(nproc), load average after: $(cut -d' ' -f1-3 /proc/loadavg), $runs runs each, interleaved"
echo "$b $c" | awk '{printf "median wall: bare start %.1f ms; compare %.1f ms (%.2fx the bare start; target <= 2.5x)\n", $1, $2, $2/$1}'
