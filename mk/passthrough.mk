# Pass-through experiments (package passthrough). Included by the Makefile.
#
#   make passthrough-matrix                 # every runtime, every syscall (root; 70 s here, 106 s and 366 s on other days)
#   make passthrough-matrix PT_RUNTIMES="runc-docker gvisor-systrap" PT_SYSCALLS=getpid,read,keyctl
#
# Results go to $(PT_OUT) as RUNTIME.json (the matrix) and
# RUNTIME.exposure.json (the measured exposure), with provenance inside.

PT_RUNTIMES ?= runc-docker runc-unconfined crun-podman gvisor-systrap gvisor-ptrace qemu-tcg
PT_OUT ?= runtimes/data/measured
PT_SYSCALLS ?=
PT_PODMAN_PROFILE ?= ../shared/data/seccomp-profiles/podman-containers-common-2025-08-25.json
PT_BIN ?= bin

.PHONY: passthrough-matrix passthrough-probe passthrough-runtimes

passthrough-runtimes:
	scripts/install-runtimes.sh

passthrough-probe:
	mkdir -p $(PT_BIN)
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -o $(PT_BIN)/sysweight-probe ./cmd/sysweight-probe
	go build -o $(PT_BIN)/sysweight ./cmd/sysweight

passthrough-matrix: passthrough-runtimes passthrough-probe
	mkdir -p $(PT_OUT)
	@set -e; start=$$(date +%s); for rt in $(PT_RUNTIMES); do \
	  t0=$$(date +%s); \
	  $(PT_BIN)/sysweight passthrough --runtime $$rt --probe $(PT_BIN)/sysweight-probe --out $(PT_OUT) \
	    --podman-profile $(PT_PODMAN_PROFILE) $(if $(PT_SYSCALLS),--syscalls $(PT_SYSCALLS)); \
	  echo "$$rt: $$(( $$(date +%s) - t0 )) s"; \
	done; echo "passthrough-matrix: $$(( $$(date +%s) - start )) s"
