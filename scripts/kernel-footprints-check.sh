#!/usr/bin/env bash
# kernel-footprints-check.sh: the held-out dynamic footprints
# (kernel/ftrace/data/debian-ABI.check.footprints.json.gz): the same boot
# as kernel-footprints.sh, running only the "check" workload
# (kernel/ftrace/cmd/kfootprints/check.sh), which was written after the
# static reach rules were tuned on the other workloads. kernel/analysis's
# TestRealRecallCheck measures the static reach against it.
#
# Usage: scripts/kernel-footprints-check.sh [CACHE_DIR] [ABI]
set -euo pipefail
dir=${1:-${HOME}/.cache/sysweight/kernel}
abi=${2:-6.1.0-56-cloud-amd64}
repo=$(cd "$(dirname "$0")/.." && pwd)
KFP_ARGS="-workloads check" \
	KFP_OUT="kernel/ftrace/data/debian-${abi}.check.footprints.json.gz" \
	KFP_RUN="$dir/footprints-check-$abi" \
	exec "$repo/scripts/kernel-footprints.sh" "$dir" "$abi"
