#!/bin/sh
# bench-kernel.sh: time kernel/x86's full analysis of a vmlinux (read .text
# and symbols, decode every function, CFG and CC, call graph, reach and
# complexity for every syscall) against `objdump -d --no-show-raw-insn` of
# the same file, 3 runs each, interleaved; prints the medians, their ratio
# and our peak RSS (GNU time); also the CPU-time medians, which the load of
# other processes on the machine disturbs less than wall time.
#
# usage: scripts/bench-kernel.sh [VMLINUX] [RUNS]
set -eu
cd "$(dirname "$0")/.."
VMLINUX=${1:-$HOME/.cache/sysweight/kernel/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64}
RUNS=${2:-3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/cfgdump" ./kernel/x86/internal/cfgdump
cat "$VMLINUX" >/dev/null # page cache
"$TMP/cfgdump" -vmlinux "$VMLINUX" >/dev/null 2>"$TMP/summary"
i=0
while [ $i -lt "$RUNS" ]; do
	/usr/bin/time -f "%e %M %U %S" -o "$TMP/o.$i" objdump -d --no-show-raw-insn "$VMLINUX" >/dev/null
	/usr/bin/time -f "%e %M %U %S" -o "$TMP/s.$i" "$TMP/cfgdump" -vmlinux "$VMLINUX" >/dev/null 2>>"$TMP/log"
	i=$((i + 1))
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
O=$(cat "$TMP"/o.* | awk '{print $1}' | median)
S=$(cat "$TMP"/s.* | awk '{print $1}' | median)
RSS=$(cat "$TMP"/s.* | awk '{print $2}' | sort -n | tail -1)
cat "$TMP/summary"
echo "objdump runs (s):  $(cat "$TMP"/o.* | awk '{print $1}' | tr '\n' ' ')"
echo "sysweight runs (s): $(cat "$TMP"/s.* | awk '{print $1}' | tr '\n' ' ')"
echo "$O $S $RSS" | awk '{printf "median objdump %.2f s, median sysweight %.3f s, ratio 1/%.1f (%.3f), peak RSS %.0f MiB\n", $1, $2, $1/$2, $2/$1, $3/1024}'
OC=$(cat "$TMP"/o.* | awk '{print $3+$4}' | median)
SC=$(cat "$TMP"/s.* | awk '{print $3+$4}' | median)
echo "$OC $SC" | awk '{printf "CPU time (user+sys) medians: objdump %.2f s, sysweight %.3f s, ratio 1/%.1f\n", $1, $2, $1/$2}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -h '^read' "$TMP/log" | sed 's/^/phases: /'
