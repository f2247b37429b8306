#!/usr/bin/env bash
# Installs what the default test run uses beyond Go: libseccomp's resolver and headers
# (syscall table cross-check), strace (tracer comparison; suggest's round trip), runc and
# busybox-static (live filter dump, pass-through and suggest round-trip tests), jq, binutils and
# gcc, pahole (dwarves: BTF for the indirect-call fixture), bpftool (BTF
# cross-check) and chromium (the report page loaded headless,
# TestReportChromium). Idempotent; needs root and Debian's apt. Without it the tests that need
# these tools skip with the reason.
set -euo pipefail
# The trace and pass-through tests read syscall tracepoints through tracefs;
# a fresh VM may not have it mounted (they skip with the reason then). As
# root, mount it where the kernel expects it; it stays mounted, as on most
# distributions, and the tests leave no instance or setting behind in it.
if [ "$(id -u)" -eq 0 ] && [ -d /sys/kernel/tracing ] && ! grep -qs ' /sys/kernel/tracing tracefs ' /proc/mounts; then
  if mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
    echo "install-deps: mounted tracefs on /sys/kernel/tracing" >&2
  else
    echo "install-deps: cannot mount tracefs (the tracing tests will skip)" >&2
  fi
fi
pkgs=(seccomp libseccomp-dev strace runc crun busybox-static jq binutils gcc xz-utils dwarves bpftool chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: not root; not installing ${missing[*]} (tests that need them will skip)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
