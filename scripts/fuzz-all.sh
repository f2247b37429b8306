#!/usr/bin/env bash
# Runs every fuzz target of the module, one at a time, for SECONDS each
# (default 30) with -parallel=1, and prints one line per target: package,
# target, execs, execs/s and PASS or FAIL. A target fails when it finds a
# crash or makes fewer than 10,000 execs per 30 s (issue 12), scaled to
# SECONDS. Exits 1 if any target fails; a failing target's log is kept and
# its path printed. Optional second argument: a regexp that target names
# (package/Target) must match, e.g. 'kernel/image/'.
#
# Minimisation is bounded to MINIMIZE runs per input (default 1000x) instead
# of go test's 60 s: go's minimiser tries every subrange of an input, O(n^2)
# runs, and for a binary format with checksums or offsets (xz, ELF, .deb)
# nothing smaller keeps the new coverage, so each new input of a few KiB held
# the only worker for 60 s and the run reported no execs after its first
# find (golang/go#48820). A count, not a time: at a time limit go kills the
# worker and drops the runs it made. Crashers are still written, perhaps
# less minimal; re-minimise one with -fuzzminimizetime=60s if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
only=${2:-}
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [REGEXP]" >&2; exit 2 ;; esac
min=$((10000 * secs / 30))
minimize=${MINIMIZE:-1000x}
logs=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-all.XXXXXX")

# Targets are found in the source rather than with `go test -list`, which
# would build every package once more.
targets=$(grep -rH --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . |
  sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*|\1 \2|' |
  grep -v '^tools/' | sort -u)

fail=0
printf '%-22s %-20s %10s %9s  %s\n' package target execs execs/s result
while read -r pkg name; do
  [[ -n $only && ! "$pkg/$name" =~ $only ]] && continue
  log=$logs/${pkg//\//_}.$name.log
  rc=0
  go test -run '^$' -fuzz "^$name\$" -fuzztime "${secs}s" -fuzzminimizetime "$minimize" -parallel=1 "./$pkg" >"$log" 2>&1 || rc=$?
  execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
  result=PASS
  if ((rc != 0)); then
    result="FAIL (crash or error, log $log)"
  elif ((execs < min)); then
    result="FAIL (< $min execs)"
  fi
  [[ $result == PASS ]] || fail=1
  printf '%-22s %-20s %10d %9d  %s\n' "$pkg" "$name" "$execs" $((execs / secs)) "$result"
done <<<"$targets"
((fail)) || rm -rf "$logs"
exit "$fail"
