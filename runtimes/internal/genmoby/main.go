//go:build linux

// Command genmoby writes Docker's default seccomp profile, as
// github.com/moby/profiles/seccomp's DefaultProfile() returns it at the
// version pinned in go.mod, to the JSON file that package runtimes embeds
// for runc-docker. It writes what moby's own generate.go writes for its
// default.json (json.MarshalIndent with tabs).
//
// DefaultProfile is Linux-only (it names golang.org/x/sys/unix constants),
// so this runs on Linux; the embedded file is what lets runtimes build
// everywhere. Run from package runtimes:
//
//	go generate
//	go run ./internal/genmoby -out data/moby-default.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	mobyseccomp "github.com/moby/profiles/seccomp"
)

func main() {
	out := flag.String("out", "data/moby-default.json", "output file")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genmoby:", err)
		os.Exit(1)
	}
}

func write(dst string) error {
	b, err := json.MarshalIndent(mobyseccomp.DefaultProfile(), "", "\t")
	if err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
