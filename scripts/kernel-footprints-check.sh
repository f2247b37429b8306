#!/usr/bin/env bash
# kernel-footprints-check.sh: the held-out dynamic footprints
# (kernel/ftrace/data/debian-ABI.check.footprints.json.gz): the same boot
# as kernel-footprints.sh, running only the "check" workload
# (kernel/ftrace/cmd/kfootprints/check.sh), which was written after the
# static reach rules were tuned on the other workloads. kernel/analysis's
# TestRealRecallCheck measures the static reach against it.
#
# "check2" (check2.sh, written before the fixes "check" prompted and run
# after them) is the second held-out set; "check3" (check3.sh, written
# after analysis Version 19 and run once) the third; "check4" (check4.sh,
# written by a helper who did not read the analysis, after Version 20) the
# fourth; "check5" (check5.sh, likewise, aimed at what the others touch
# little) the fifth; "check6" (check6.sh, likewise, after Version 23) the
# sixth; "check7" (check7.sh, likewise, after Version 27) the seventh;
# "check8" (check8.sh, likewise, after Version 31) the eighth, and
# "check9" (check9.sh, likewise, after Version 31; run on Version 32) the
# ninth, and "check10" (check10.sh, likewise, after Version 34) the tenth.
#
# Usage: scripts/kernel-footprints-check.sh [check|check2|check3|check4|check5|check6|check7|check8|check9|check10] [CACHE_DIR] [ABI]
set -euo pipefail
set_=${1:-check}
case $set_ in check | check2 | check3 | check4 | check5 | check6 | check7 | check8 | check9 | check10) ;; *) echo "kernel-footprints-check: unknown set $set_, want check, check2, check3, check4, check5, check6, check7, check8, check9 or check10" >&2; exit 2 ;; esac
dir=${2:-${HOME}/.cache/sysweight/kernel}
abi=${3:-6.1.0-56-cloud-amd64}
repo=$(cd "$(dirname "$0")/.." && pwd)
KFP_ARGS="-workloads $set_" \
	KFP_OUT="kernel/ftrace/data/debian-${abi}.${set_}.footprints.json.gz" \
	KFP_RUN="$dir/footprints-${set_}-$abi" \
	exec "$repo/scripts/kernel-footprints.sh" "$dir" "$abi"
