# sysweight: see README.md. Every target runs from a plain clone with Go and
# the package registries; targets marked (shared) read ../shared/data.

SHARED ?= ../shared/data
CNA    ?= $(SHARED)/kernel-cna/kernel-cna-cves-2026-08-21.tar.xz
KCVES  ?= $(SHARED)/kernel-cves/linux_kernel_cves-2023-01-27.json.xz

.PHONY: test check deps generate weightdb bench fuzz check-kallsyms kernel-deb kernel-members kernel-footprints kernel-footprints-check history history-gvisor

include mk/passthrough.mk

# The README's test command; .ci/run calls exactly this. It runs the static
# checks first (make check).
test: deps check
	go test ./...
	cd tools/gvisor-rules && go test ./...

# Static checks; make test runs them before the tests. The generate step
# reads ../shared/data and is skipped, with a line saying so, where that is
# absent (a plain clone); it fails when regenerating changes the work tree,
# so run it on a tree whose generated files are committed.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/staticcheck-$(STATICCHECK_VERSION)

check: $(STATICCHECK)
	go mod tidy -diff
	cd tools/gvisor-rules && go mod tidy -diff
	go vet ./...
	cd tools/gvisor-rules && go vet ./...
	$(STATICCHECK) ./...
	cd tools/gvisor-rules && ../../$(STATICCHECK) ./...
	@if [ ! -d $(SHARED) ]; then echo "check: $(SHARED) absent: go generate not checked" >&2; else \
	before=$$(git status --porcelain --untracked-files=all; git diff); \
	go generate ./... && (cd tools/gvisor-rules && go generate) || exit 1; \
	after=$$(git status --porcelain --untracked-files=all; git diff); \
	if [ "$$before" != "$$after" ]; then \
	  echo "check: go generate changed the tree; commit what it writes:" >&2; git status --short >&2; exit 1; \
	fi; fi
	GOOS=darwin go build ./...
	GOOS=darwin go vet ./...
	GOOS=linux GOARCH=arm64 go build ./...

$(STATICCHECK):
	GOBIN=$(CURDIR)/bin go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv bin/staticcheck $@

deps:
	scripts/install-deps.sh
	scripts/install-runtimes.sh >/dev/null

# Regenerate every committed derived file from its pinned inputs. (shared)
generate:
	go generate ./syscalls
	go generate ./vuln/db
	cd runtimes && go run ./internal/genrules -shared ../$(SHARED) -out data
	cd runtimes && go run ./internal/genmoby -out data/moby-default.json
	cd runtimes && go run ./internal/genhistory -family docker -shared ../$(SHARED) -out data/history
	cd tools/gvisor-rules && go generate

# The version histories of `sysweight history` (runtimes/data/history) other
# than docker's, which go generate derives from ../shared: podman and
# firecracker from clones of their repositories (git clone
# https://github.com/containers/common; …/firecracker-microvm/firecracker),
# read at their release tags.
PODMAN_GIT      ?= $(HOME)/src/containers-common
FIRECRACKER_GIT ?= $(HOME)/src/firecracker
history: history-gvisor
	cd runtimes && go run ./internal/genhistory -family podman -git $(PODMAN_GIT) -out data/history
	cd runtimes && go run ./internal/genhistory -family firecracker -git $(FIRECRACKER_GIT) -out data/history

# gVisor's: tools/gvisor-rules -history builds an extractor against each
# version of its history/versions.txt from the Go module proxy (a minute or
# two each, about 40 minutes in all on 2 cores; see tools/gvisor-rules/history.go)
# into GVISOR_HISTORY, and genhistory reads what it wrote, with the versions
# it could not do (failed.txt).
GVISOR_HISTORY ?= $(HOME)/.cache/sysweight/gvisor-history
history-gvisor:
	cd tools/gvisor-rules && nice -n 19 go run . -history history/versions.txt -out $(GVISOR_HISTORY) -work $(GVISOR_HISTORY)/work
	cd runtimes && go run ./internal/genhistory -family gvisor -gvisor $(GVISOR_HISTORY) -out data/history

# The kernel whose call graph the site method follows: Debian's
# 6.1.0-56 cloud kernel package (vmlinuz and modules) and the function→file
# map of its -dbg package, both fetched by `DBG=1 scripts/kernel-metrics.sh`
# into KDIR.
KDIR     ?= $(HOME)/.cache/sysweight/kernel
KABI     ?= 6.1.0-56-cloud-amd64
KIMAGE   ?= $(KDIR)/linux-image-$(KABI)-unsigned_6.1.192-2_amd64.deb
KFILEMAP ?= $(KDIR)/filemap-v2-$(KABI).txt.gz
# Debian's generic kernel package of the same version: the member rule
# reads its methods for bug sites the cloud kernel lacks (its drivers);
# `make kernel-members` fetches it (~71 MB).
KMEMBERS ?= $(KDIR)/linux-image-6.1.0-56-amd64-unsigned_6.1.192-2_amd64.deb
METHODS  ?= default

# Rebuild the embedded weight DB from the pinned feed snapshots, the
# committed exploit and trigger tables and the kernel's call graph. (shared)
weightdb:
	@test -f $(KIMAGE) -a -f $(KFILEMAP) || { echo "weightdb: $(KIMAGE) or $(KFILEMAP) missing: run DBG=1 scripts/kernel-metrics.sh" >&2; exit 2; }
	@test -f $(KMEMBERS) || { echo "weightdb: $(KMEMBERS) missing: run make kernel-members" >&2; exit 2; }
	go run ./cmd/sysweight db build \
	  --kernel-cna $(CNA) --kernel-cna-version d9dda40c8f21126303839427ebc8652167302488 \
	  --kernel-cves $(KCVES) --kernel-cves-version 07180fb5 \
	  --kernel-image $(KIMAGE) --filemap $(KFILEMAP) --kernel-members $(KMEMBERS) --methods $(METHODS) \
	  --out vuln/db/data/weights-x86_64.json --timing
	go generate ./vuln/db

# Speed checks of the core (db build vs jq, compare wall time). (shared)
bench:
	scripts/bench-core.sh $(SHARED)

# Debian's 6.1.0-56 cloud kernel package (~27 MB) into ~/.cache/sysweight/kernel,
# for the real-package tests of kernel/debpkg and internal/xz.
kernel-deb:
	scripts/fetch-kernel-deb.sh

# Debian's generic 6.1.0-56 kernel package (~71 MB) into the same cache:
# the member rule's second kernel (make weightdb, TestDefaultDBUpToDate).
kernel-members:
	scripts/fetch-kernel-deb.sh "$(KDIR)" 6.1.0-56-amd64

# Kallsyms recovery check on Debian's 6.1.0-56 cloud kernel (downloads ~310 MB).
check-kallsyms:
	scripts/check-kallsyms.sh

# Dynamic kernel footprints: Debian's 6.1 cloud kernel booted under QEMU
# (TCG), workloads traced with function_graph inside; writes
# kernel/ftrace/data/*.footprints.json.gz (downloads ~26 MB, root for apt).
kernel-footprints:
	scripts/kernel-footprints.sh

# The held-out footprints of the "check" (default), "check2", "check3",
# "check4", "check5", "check6", "check7", "check8", "check9" or "check10" workload, CHECK=check2 (see the
# script).
CHECK ?= check
kernel-footprints-check:
	scripts/kernel-footprints-check.sh $(CHECK)

# Each fuzz target for FUZZTIME seconds, one at a time (issue 12: at least
# 10,000 execs per 30 s, no crash).
FUZZTIME ?= 30
fuzz:
	scripts/fuzz-all.sh $(FUZZTIME)
