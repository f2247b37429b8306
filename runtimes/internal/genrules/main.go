// Command genrules derives the rule sets that package runtimes embeds from
// profiles sysweight may read but not redistribute: it resolves each for its
// target with sysweight's own decoders and writes only the resulting rules,
// with provenance. Run from package runtimes:
//
//	go generate            # reads ../../shared/data
//	go run ./internal/genrules -shared DIR -out data
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"sysweight/exposure"
	"sysweight/runtimes"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

type input struct {
	out     string // file under -out
	name    string
	src     string // file under -shared
	origin  string
	version string
	date    string
	format  string // moby or firecracker
	caps    []string
}

var inputs = []input{
	{out: "crun-podman.json", name: "crun-podman", src: "seccomp-profiles/podman-containers-common-2025-08-25.json",
		origin: "github.com/containers/common pkg/seccomp/seccomp.json", version: "f437c58a", date: "2025-08-25",
		format: "moby", caps: runtimes.PodmanDefaultCaps},
	{out: "firecracker-v1.16.1.json", name: "kata-firecracker", src: "seccomp-profiles/firecracker-v1.16.1-x86_64.json",
		origin: "github.com/firecracker-microvm/firecracker resources/seccomp/x86_64-unknown-linux-musl.json", version: "v1.16.1", date: "2026-06-29",
		format: "firecracker"},
	{out: "firecracker-v1.0.0.json", name: "firecracker-v1.0.0", src: "seccomp-profiles/firecracker-v1.0.0-x86_64.json",
		origin: "github.com/firecracker-microvm/firecracker resources/seccomp/x86_64-unknown-linux-musl.json", version: "v1.0.0", date: "2022-01-28",
		format: "firecracker"},
}

func main() {
	shared := flag.String("shared", "../../shared/data", "the shared data directory")
	out := flag.String("out", "data", "output directory")
	flag.Parse()
	for _, in := range inputs {
		if err := derive(in, *shared, *out); err != nil {
			fmt.Fprintln(os.Stderr, "genrules:", err)
			os.Exit(1)
		}
	}
}

func derive(in input, shared, outDir string) error {
	src := filepath.Join(shared, in.src)
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	prov := exposure.Provenance{Source: exposure.Declared, Origin: in.origin, Version: in.version, Date: in.date,
		Notes: []string{"derived from " + filepath.Base(in.src) + " sha256:" + hex.EncodeToString(sum[:])}}
	var p *seccomp.Policy
	target := "x86_64"
	switch in.format {
	case "moby":
		prof, err := seccomp.DecodeMoby(bytes.NewReader(b), src)
		if err != nil {
			return err
		}
		t := runtimes.Target(in.caps)
		f, err := prof.Resolve(t)
		if err != nil {
			return err
		}
		p = &seccomp.Policy{Name: in.name, Arch: syscalls.X86_64, Filters: []*seccomp.Filter{f}}
		target = fmt.Sprintf("x86_64, kernel %s, caps %v", t.Kernel, in.caps)
	case "firecracker":
		if p, err = seccomp.DecodeFirecracker(bytes.NewReader(b), src, syscalls.X86_64); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := runtimes.EncodeRuleSet(&buf, in.name, target, prov, p); err != nil {
		return err
	}
	dst := filepath.Join(outDir, in.out)
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
