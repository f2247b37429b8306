#!/bin/sh
# check-cfg.sh: compare kernel/x86's basic-block, edge and exit counts with
# counts derived independently from GNU objdump text (scripts/cfgcheck.py),
# for N functions of a vmlinux sampled with a fixed seed, then for the
# LARGEST functions of highest cyclomatic complexity.
#
# usage: scripts/check-cfg.sh [VMLINUX] [N] [SEED] [LARGEST]
set -eu
cd "$(dirname "$0")/.."
VMLINUX=${1:-$HOME/.cache/sysweight/kernel/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64}
N=${2:-200}
SEED=${3:-1}
LARGEST=${4:-20}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/cfgdump" ./kernel/x86/internal/cfgdump
"$TMP/cfgdump" -vmlinux "$VMLINUX" -syscalls=false -sample "$N" -seed "$SEED" \
	-noreturn "$TMP/noreturn.txt" >"$TMP/sample.txt"
"$TMP/cfgdump" -vmlinux "$VMLINUX" -syscalls=false -largest "$LARGEST" >"$TMP/largest.txt"
# Without DWARF each objdump run starts in a fraction of the time.
objcopy --strip-debug "$VMLINUX" "$TMP/vmlinux"
echo "== $N functions sampled with seed $SEED"
python3 scripts/cfgcheck.py "$TMP/vmlinux" "$TMP/sample.txt" "$TMP/noreturn.txt" || rc=1
echo "== the $LARGEST functions of highest CC"
python3 scripts/cfgcheck.py "$TMP/vmlinux" "$TMP/largest.txt" "$TMP/noreturn.txt" || rc=1
exit ${rc:-0}
