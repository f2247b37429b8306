#!/usr/bin/env bash
# Speed acceptance of the syscall tracer (package trace), as root.
#
#  1. dd if=/dev/zero of=/dev/null bs=1 count=2000000 (4 M syscalls),
#     untraced vs traced by sysweight trace: median wall time of RUNS runs
#     each, interleaved. Pass: traced/untraced <= 1.6, and the traced counts
#     are exactly 2,000,000 reads and writes plus dd's startup calls (taken
#     from the count=20000 run), with lost = 0.
#  2. count=20000: `strace -f -c` vs `sysweight trace`, whole command
#     lines, medians of RUNS (hyperfine). Pass: strace/ours >= 20. At 40 k
#     syscalls this is bounded by our fixed cost (Go start-up ~20 ms, BPF
#     load and attach ~7 ms, spawn and detach ~5 ms), not per-syscall cost.
#
# Times are whole command lines (tracer start-up, BPF load and attach
# included), plus dd's own "copied, X s" figure, which leaves start-up out.
# Usage: scripts/bench-trace.sh [BACKEND]   (ebpf by default)
set -euo pipefail
BACKEND=${1:-ebpf}
RUNS=${RUNS:-5}
BIG=2000000
SMALL=20000
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench-trace: needs root" >&2; exit 2; }
for t in strace hyperfine bc python3; do
	command -v "$t" >/dev/null || { echo "bench-trace: needs $t" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sysweight" ./cmd/sysweight
# T -backend B -o FILE -- CMD...: `sysweight trace` with its JSON to FILE.
printf '#!/bin/sh\nb=$2; out=$4; shift 5\nexec "%s" trace --backend "$b" -o json -- "$@" >"$out"\n' "$tmp/sysweight" >"$tmp/T"
chmod +x "$tmp/T"
T="$tmp/T"

now() { date +%s.%N; }
# run LABEL CMD...: wall seconds to $tmp/LABEL.wall, dd's own to $tmp/LABEL.dd
run() {
	local label=$1; shift
	local t0 t1
	t0=$(now)
	"$@" 2>"$tmp/err" >/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$tmp/$label.wall"
	grep -o 'copied, [0-9.e-]* s' "$tmp/err" | awk '{print $2}' >>"$tmp/$label.dd"
}
median() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { echo "scale=3; $1 / $2" | bc -l; }
counts() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["counts"]; print(c.get("read",0), c.get("write",0), d["lost"], d["untracked"], d["backend"])' "$1"; }

dd_big=(dd if=/dev/zero of=/dev/null bs=1 count=$BIG)
dd_small=(dd if=/dev/zero of=/dev/null bs=1 count=$SMALL)

# startup calls of dd: the count=20000 run, minus 20000
"$T" -backend "$BACKEND" -o "$tmp/small.json" -- "${dd_small[@]}" 2>/dev/null
read -r r w lost untracked backend < <(counts "$tmp/small.json")
sr=$((r - SMALL)); sw=$((w - SMALL))
echo "backend $backend; dd startup: $sr reads, $sw writes beyond count (count=$SMALL run)"

fail=0
for i in $(seq "$RUNS"); do
	run untraced "${dd_big[@]}"
	run traced "$T" -backend "$BACKEND" -o "$tmp/big$i.json" -- "${dd_big[@]}"
	read -r r w lost untracked backend < <(counts "$tmp/big$i.json")
	echo "run $i: untraced $(tail -1 "$tmp/untraced.wall" | cut -c1-6) s, traced $(tail -1 "$tmp/traced.wall" | cut -c1-6) s; read $r write $w lost $lost untracked $untracked"
	if [ "$r" != $((BIG + sr)) ] || [ "$w" != $((BIG + sw)) ] || [ "$lost" != 0 ] || [ "$untracked" != 0 ]; then
		echo "  FAIL: want read $((BIG + sr)), write $((BIG + sw)), lost 0"; fail=1
	fi
done
mu=$(median "$tmp/untraced.wall"); mt=$(median "$tmp/traced.wall")
du=$(median "$tmp/untraced.dd"); dt=$(median "$tmp/traced.dd")
r1=$(ratio "$mt" "$mu"); r1dd=$(ratio "$dt" "$du")
echo "count=$BIG, $RUNS runs: median wall untraced $mu s, traced $mt s, ratio $r1 (dd's own time: $du s vs $dt s, ratio $r1dd)"
if [ "$(echo "$r1 <= 1.6" | bc -l)" != 1 ]; then echo "  FAIL: ratio $r1 > 1.6"; fail=1; fi

# hyperfine -N: no shell around either command, so the medians are of
# the two command lines alone.
hyperfine -N -w 1 -r "$RUNS" --export-json "$tmp/small.hf.json" \
	"strace -f -c -o /dev/null ${dd_small[*]}" \
	"$tmp/sysweight trace --backend $BACKEND -o json -- ${dd_small[*]}" >/dev/null
read -r ms mo < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[0]["median"], r[1]["median"])' "$tmp/small.hf.json")
r2=$(ratio "$ms" "$mo")
echo "count=$SMALL, $RUNS runs (hyperfine, 1 warm-up): median wall strace -f -c $ms s, sysweight trace $mo s, strace/ours $r2"
if [ "$(echo "$r2 >= 20" | bc -l)" != 1 ]; then echo "  FAIL: strace/ours $r2 < 20"; fail=1; fi
uptime
exit $fail
