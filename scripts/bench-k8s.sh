#!/usr/bin/env bash
# Speed of `sysweight k8s` (issue 10 item 5): 1,000 generated manifest
# files in one directory tree, as a user runs it (process start, the walk,
# YAML parsing, the rules, the Localhost profiles decoded for each
# container's capabilities, everything evaluated over one corpus, scored
# and printed), against `sysweight compare` in the same run. The
# manifests mix every kind and rule: a quarter Deployments, then Pods,
# StatefulSets, DaemonSets, Jobs and CronJobs; RuntimeDefault, Unconfined,
# unset, privileged, Localhost files (Docker's profile under five
# capability sets) and SPO SeccompProfile objects (20, one file each),
# runtime classes gvisor and kata; init containers; every tenth file has
# three documents. Target: under 2 s wall (median).
# Usage: scripts/bench-k8s.sh [RUNS]   (default 10; needs hyperfine)
set -euo pipefail
RUNS=${1:-10}
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench-k8s: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sysweight" ./cmd/sysweight
sw="$tmp/sysweight"
mkdir -p "$tmp/profiles"
cp runtimes/data/moby-default.json "$tmp/profiles/docker.json"
python3 - "$tmp/manifests" <<'PY'
import os, sys
root = sys.argv[1]
kinds = ["Deployment"] * 5 + ["Pod", "Pod", "StatefulSet", "DaemonSet", "Job", "CronJob"]
profiles = [
    "",  # unset
    "seccompProfile: {type: RuntimeDefault}",
    "seccompProfile: {type: Unconfined}",
    "seccompProfile: {type: Localhost, localhostProfile: docker.json}",
    "seccompProfile: {type: Localhost, localhostProfile: operator/team%d/spo%d.json}",
]
caps = ["", "capabilities: {add: [SYS_ADMIN]}", "capabilities: {drop: [ALL]}",
        "capabilities: {drop: [NET_RAW]}", "capabilities: {add: [NET_ADMIN], drop: [MKNOD]}"]

def container(name, i):
    p = profiles[i % len(profiles)]
    if "%d" in p:
        p = p % (i % 20, i % 20)
    lines = [f"- name: {name}", f"  image: registry.example/{name}:{i}"]
    sc = [x for x in (p, caps[(i // 5) % len(caps)]) if x]
    if i % 37 == 0:
        sc.append("privileged: true")
    if sc:
        lines.append("  securityContext:")
        lines += ["    " + x for x in sc]
    return lines

def podspec(i, indent):
    out = []
    if i % 23 == 0:
        out.append("runtimeClassName: " + ("gvisor" if i % 2 else "kata"))
    if i % 3 == 0:
        out += ["securityContext:", "  seccompProfile: {type: RuntimeDefault}"]
    if i % 4 == 0:
        out.append("initContainers:")
        out += container("init", i + 1)
    out.append("containers:")
    for c in range(1 + i % 3):
        out += container(f"c{c}", i + c)
    return [" " * indent + l for l in out]

def workload(i):
    k = kinds[i % len(kinds)]
    api = {"Pod": "v1", "Job": "batch/v1", "CronJob": "batch/v1"}.get(k, "apps/v1")
    out = [f"apiVersion: {api}", f"kind: {k}", "metadata:", f"  name: w{i}", f"  namespace: team{i % 20}",
           "  labels: {app: w%d, tier: backend}" % i, "spec:"]
    if k == "Pod":
        out += podspec(i, 2)
    elif k == "CronJob":
        out += ["  schedule: '*/5 * * * *'", "  jobTemplate:", "    spec:", "      template:", "        spec:"]
        out += podspec(i, 10)
    else:
        out += ["  replicas: 2", "  selector:", "    matchLabels: {app: w%d}" % i, "  template:",
                "    metadata:", "      labels: {app: w%d}" % i, "    spec:"]
        out += podspec(i, 6)
    return "\n".join(out) + "\n"

n = 0
for t in range(20):
    d = os.path.join(root, f"team{t}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seccomp.yaml"), "w") as f:
        f.write(f"""apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata: {{name: spo{t}, namespace: team{t}}}
spec:
  defaultAction: SCMP_ACT_ERRNO
  architectures: [SCMP_ARCH_X86_64]
  syscalls:
  - action: SCMP_ACT_ALLOW
    names: [read, write, openat, close, fstat, mmap, munmap, brk, futex, epoll_wait, exit_group{', getpid' * (t % 2)}]
""")
    n += 1
i = 0
while n < 1000:
    d = os.path.join(root, f"team{i % 20}", "apps" if i % 2 else "jobs")
    os.makedirs(d, exist_ok=True)
    docs = [workload(i)]
    if i % 10 == 0:
        docs += ["apiVersion: v1\nkind: Service\nmetadata: {name: s%d}\nspec:\n  ports: [{port: 80}]\n" % i,
                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\ndata: {k: v}\n" % i]
    with open(os.path.join(d, f"w{i}.yaml"), "w") as f:
        f.write("---\n".join(docs))
    i += 1
    n += 1
PY
files=$(find "$tmp/manifests" -name '*.yaml' | wc -l)
rows=$("$sw" k8s "$tmp/manifests" --profiles-dir "$tmp/profiles" --runtime-class gvisor=gvisor-systrap --runtime-class kata=kata-firecracker -o csv 2>/dev/null | tail -n +2 | wc -l)
echo "bench-k8s: $files files, $rows containers, $(du -sh "$tmp/manifests" | cut -f1)"
hyperfine -N -w 2 -r "$RUNS" --export-json "$tmp/bench.json" \
  "$sw k8s $tmp/manifests --profiles-dir $tmp/profiles --runtime-class gvisor=gvisor-systrap --runtime-class kata=kata-firecracker -o json" \
  "$sw compare" >/dev/null
python3 - "$tmp/bench.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for name, x in zip(["k8s, 1,000 manifests", "compare, every built-in"], r):
    print(f"{name}: median {x['median']*1000:.0f} ms, min {x['min']*1000:.0f} ms, max {x['max']*1000:.0f} ms over {len(x['times'])} runs")
ok = r[0]["median"] < 2
print("PASS" if ok else "FAIL: over 2 s")
sys.exit(0 if ok else 1)
PY
