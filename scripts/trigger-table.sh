#!/usr/bin/env bash
# Regenerates vuln/syzbot/data/triggers-x86_64.json, the per-syscall
# triggers table, from syzbot's C reproducers.
#
#   scripts/trigger-table.sh REPO [COMMIT]
#
# REPO is a git directory or checkout of github.com/dvyukov/syzkaller-repros;
# COMMIT defaults to 026c8891a19e ("linux: add 898 new repros from syzbot",
# 2022-05-16). The linux/ folder is streamed with git archive into the
# analyser; nothing is written but the table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:?usage: scripts/trigger-table.sh REPO [COMMIT]}
commit=${2:-026c8891a19e}
gitdir=$repo
[ -d "$repo/.git" ] && gitdir=$repo/.git
full=$(git --git-dir="$gitdir" rev-parse --verify "$commit^{commit}")
date=$(git --git-dir="$gitdir" log -1 --format=%cs "$full")
cd "$root"
out=vuln/syzbot/data/triggers-x86_64.json
git --git-dir="$gitdir" archive --format=tar "$full" linux |
  go run ./vuln/syzbot/internal/triggertable -tar - -commit "$full" -date "$date" -out "$out"
