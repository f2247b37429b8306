// Command genhistory derives the version histories that package runtimes
// embeds (data/history/FAMILY.json) from other projects' profiles: it
// resolves each version for the family's target with sysweight's own
// decoders and writes only the rules, as deltas between versions, with
// each version's provenance (version, commit, date, the sha256 of its
// input). Run from package runtimes:
//
//	go generate                                            # docker, from ../../shared/data
//	go run ./internal/genhistory -family docker -shared DIR -out data/history
//	go run ./internal/genhistory -family podman -git CLONE -out data/history
//	go run ./internal/genhistory -family firecracker -git CLONE -out data/history
//	go run ./internal/genhistory -family gvisor -gvisor DIR -out data/history
//
// `make history` runs the last three (see the Makefile for the clones and
// for tools/gvisor-rules' history mode, which writes DIR).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sysweight/runtimes"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

const generatedBy = "runtimes/internal/genhistory"

func main() {
	family := flag.String("family", "", "docker, podman, firecracker or gvisor")
	shared := flag.String("shared", "../../shared/data", "docker: the shared data directory")
	gitDir := flag.String("git", "", "podman, firecracker: a clone of the project (its .git or work tree)")
	gvisorDir := flag.String("gvisor", "", "gvisor: the directory tools/gvisor-rules -history wrote")
	out := flag.String("out", "data/history", "output directory")
	flag.Parse()
	var h *runtimes.History
	var err error
	switch *family {
	case "docker":
		h, err = docker(*shared)
	case "podman":
		h, err = podman(*gitDir)
	case "firecracker":
		h, err = firecracker(*gitDir)
	case "gvisor":
		h, err = gvisor(*gvisorDir)
	default:
		err = fmt.Errorf("-family %q: want docker, podman, firecracker or gvisor", *family)
	}
	if err == nil {
		err = write(h, filepath.Join(*out, *family+".json"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genhistory:", err)
		os.Exit(1)
	}
}

func write(h *runtimes.History, dst string) error {
	var buf bytes.Buffer
	if err := runtimes.EncodeHistory(&buf, h, generatedBy); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// mobyPolicy resolves a Docker-format profile for caps on the built-ins'
// target, as genrules does for crun-podman.
func mobyPolicy(b []byte, name string, caps []string) (*seccomp.Policy, error) {
	prof, err := seccomp.DecodeMoby(bytes.NewReader(b), name)
	if err != nil {
		return nil, err
	}
	f, err := prof.Resolve(runtimes.Target(caps))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &seccomp.Policy{Name: name, Arch: syscalls.X86_64, Filters: []*seccomp.Filter{f}}, nil
}

func mobyTarget(caps []string) string {
	return fmt.Sprintf("x86_64, kernel %s, caps %v", runtimes.DefaultKernel, caps)
}

// dockerHistoryDir holds every version of moby's default.json, named
// DATE-SHORTHASH.json by commit date (shared/data/README.md).
const dockerHistoryDir = "seccomp-profiles/docker-default-history"

// sameDay orders the versions committed on one day, which their names do
// not: the order of `git log --reverse -- seccomp/default.json` in
// github.com/moby/profiles (whose history carries moby/moby's
// profiles/seccomp/default.json from before the split), read 2026-12-06.
var sameDay = map[string][]string{
	"2021-06-17": {"5ae4db6", "2597980"},
	"2022-05-13": {"fa34e14", "147a0a7"},
	"2024-02-06": {"0d19b83", "371626f", "91990ca", "f88a0d6", "2584525", "53eecb1", "72aa98f"},
	"2025-05-26": {"4d30d2d", "c75c367"},
}

var dockerName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-([0-9a-f]{7})\.json$`)

func docker(shared string) (*runtimes.History, error) {
	dir := filepath.Join(shared, dockerHistoryDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type file struct{ name, date, hash string }
	var files []file
	for _, e := range ents {
		m := dockerName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("%s: %s is not named DATE-HASH.json", dir, e.Name())
		}
		files = append(files, file{e.Name(), m[1], m[2]})
	}
	byDay := map[string]int{}
	for _, f := range files {
		byDay[f.date]++
	}
	rank := func(f file) int {
		if byDay[f.date] == 1 {
			return 0
		}
		i := slices.Index(sameDay[f.date], f.hash)
		return i
	}
	for _, f := range files {
		if rank(f) < 0 {
			return nil, fmt.Errorf("%s: %d versions on %s and no known order for %s: add it to sameDay", dir, byDay[f.date], f.date, f.hash)
		}
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].date != files[j].date {
			return files[i].date < files[j].date
		}
		return rank(files[i]) < rank(files[j])
	})
	h := &runtimes.History{
		Family:      "docker",
		Description: "Docker's default seccomp profile at every commit that changed it, resolved as runc-docker is",
		Origin:      "github.com/moby/profiles seccomp/default.json (git history, with moby/moby's profiles/seccomp/default.json before the split)",
		Target:      mobyTarget(runtimes.DockerDefaultCaps),
		Notes: []string{
			"versions are the commits that changed the file; version is the short commit hash, date the commit date",
			"a version whose x86_64 rules for Docker's 14 capabilities did not change (other architectures, other capabilities, formatting) is listed with no rule change",
		},
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			return nil, err
		}
		p, err := mobyPolicy(b, f.name, runtimes.DockerDefaultCaps)
		if err != nil {
			return nil, err
		}
		h.Versions = append(h.Versions, runtimes.HistoryVersion{Version: f.hash, Commit: f.hash, Date: f.date,
			Source: filepath.Base(dockerHistoryDir) + "/" + f.name + " " + sum(b), Policy: p})
	}
	return h, nil
}

// git runs git on a clone.
func git(dir string, args ...string) ([]byte, error) {
	if dir == "" {
		return nil, errors.New("-git: a clone of the project is needed")
	}
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return b, nil
}

type tag struct {
	name         string
	major, minor int
	patch        int
	commit, date string
}

var releaseTag = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)$`)

// releaseTags lists dir's vX.Y.Z tags (no pre-releases) in version order
// with their commits and commit dates.
func releaseTags(dir string) ([]tag, error) {
	b, err := git(dir, "tag", "--list", "v*")
	if err != nil {
		return nil, err
	}
	var tags []tag
	for _, name := range strings.Fields(string(b)) {
		m := releaseTag.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		t := tag{name: name}
		t.major, _ = strconv.Atoi(m[1])
		t.minor, _ = strconv.Atoi(m[2])
		t.patch, _ = strconv.Atoi(m[3])
		info, err := git(dir, "log", "-1", "--format=%H %cs", name+"^{commit}")
		if err != nil {
			return nil, err
		}
		f := strings.Fields(string(info))
		if len(f) != 2 {
			return nil, fmt.Errorf("tag %s: git log says %q", name, info)
		}
		t.commit, t.date = f[0], f[1]
		tags = append(tags, t)
	}
	sort.Slice(tags, func(i, j int) bool {
		a, b := tags[i], tags[j]
		if a.major != b.major {
			return a.major < b.major
		}
		if a.minor != b.minor {
			return a.minor < b.minor
		}
		return a.patch < b.patch
	})
	return tags, nil
}

const podmanFile = "pkg/seccomp/seccomp.json"

// podman reads containers/common's seccomp.json at the first release of
// each minor version (vX.Y.0) that has it. The Go module proxy would serve
// the same files, but the one this was generated behind refused most
// versions (and the version list), so the tags of a clone are read.
func podman(dir string) (*runtimes.History, error) {
	tags, err := releaseTags(dir)
	if err != nil {
		return nil, err
	}
	h := &runtimes.History{
		Family:      "podman",
		Description: "Podman/CRI-O's default seccomp profile at each minor release of containers/common, resolved as crun-podman is",
		Origin:      "github.com/containers/common " + podmanFile,
		Target:      mobyTarget(runtimes.PodmanDefaultCaps),
		Notes: []string{
			"versions are the vX.Y.0 tags of v0 whose tree has " + podmanFile + "; date is the tagged commit's date",
			"v1.0.1, a tag of 2022 off the v0 line, is left out",
		},
	}
	for _, t := range tags {
		if t.major != 0 || t.patch != 0 {
			continue
		}
		b, err := git(dir, "show", t.commit+":"+podmanFile)
		if err != nil {
			continue // before the file moved here
		}
		p, err := mobyPolicy(b, t.name+":"+podmanFile, runtimes.PodmanDefaultCaps)
		if err != nil {
			return nil, err
		}
		h.Versions = append(h.Versions, runtimes.HistoryVersion{Version: t.name, Commit: t.commit[:12], Date: t.date,
			Source: t.name + ":" + podmanFile + " " + sum(b), Policy: p})
	}
	if len(h.Versions) == 0 {
		return nil, fmt.Errorf("%s: no vX.Y.0 tag has %s", dir, podmanFile)
	}
	return h, nil
}

const firecrackerFile = "resources/seccomp/x86_64-unknown-linux-musl.json"

// firecracker reads every release's seccompiler filters from v0.25.0, the
// first release with the JSON format.
func firecracker(dir string) (*runtimes.History, error) {
	tags, err := releaseTags(dir)
	if err != nil {
		return nil, err
	}
	h := &runtimes.History{
		Family:      "firecracker",
		Description: "Firecracker's seccompiler filters (vmm, api, vcpu threads) at every release from v0.25.0",
		Origin:      "github.com/firecracker-microvm/firecracker " + firecrackerFile,
		Target:      "x86_64",
		Notes: []string{
			"versions are the vX.Y.Z release tags (no -dev, -wip or other pre-release tags) in version order; date is the tagged commit's date",
			"the exposure is the union of the threads' filters",
		},
	}
	// A patch release made after the next minor release is a backport to
	// a maintenance line: between that minor and the next, it would show
	// the line's changes undone and redone. Such releases are left out.
	nextMinor := func(t tag) (tag, bool) {
		for _, u := range tags {
			if u.patch == 0 && (u.major > t.major || u.major == t.major && u.minor > t.minor) {
				return u, true
			}
		}
		return tag{}, false
	}
	var backports []string
	for _, t := range tags {
		if t.major == 0 && t.minor < 25 {
			continue
		}
		if n, ok := nextMinor(t); ok && t.patch > 0 && t.date > n.date {
			backports = append(backports, fmt.Sprintf("%s (%s, after %s)", t.name, t.date, n.name))
			continue
		}
		b, err := git(dir, "show", t.commit+":"+firecrackerFile)
		if err != nil {
			return nil, err
		}
		p, err := seccomp.DecodeFirecracker(bytes.NewReader(b), t.name+":"+firecrackerFile, syscalls.X86_64)
		if err != nil {
			return nil, err
		}
		h.Versions = append(h.Versions, runtimes.HistoryVersion{Version: t.name, Commit: t.commit[:12], Date: t.date,
			Source: t.name + ":" + firecrackerFile + " " + sum(b), Policy: p})
	}
	if len(backports) > 0 {
		h.Notes = append(h.Notes, "left out, as backports made after the next minor release: "+strings.Join(backports, ", "))
	}
	return h, nil
}

// gvisor reads the rule files tools/gvisor-rules -history wrote into dir,
// one per gVisor version (VERSION.json, runsc's defaults of that version),
// and orders them by the date of their pseudo-version.
func gvisor(dir string) (*runtimes.History, error) {
	if dir == "" {
		return nil, errors.New("-gvisor: the directory tools/gvisor-rules -history wrote is needed")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	h := &runtimes.History{
		Family:      "gvisor",
		Description: "gVisor's Sentry and Gofer host seccomp rules with runsc's defaults of each version, one version a quarter",
		Origin:      "gvisor.dev/gvisor runsc/boot/filter, runsc/fsgofer/filter (via tools/gvisor-rules, built against each version from the Go module proxy)",
		Target:      "x86_64",
		Notes: []string{
			"versions are go-branch pseudo-versions the Go module proxy serves, the first found in each quarter; date is the commit date the pseudo-version holds",
			"each version is runsc with its own defaults (platform, network, directfs): the default platform changed from ptrace to systrap in 2023",
			"runtime values (the Sentry's PID, the controller fd, platform variables) are widened to any value, as for the gvisor built-ins",
		},
	}
	type version struct {
		v  runtimes.HistoryVersion
		at string
	}
	var vs []version
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		file := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		rs, err := seccomp.DecodeGVisorRuleSet(bytes.NewReader(b), file)
		if err != nil {
			return nil, err
		}
		m := pseudo.FindStringSubmatch(rs.Version)
		if m == nil {
			return nil, fmt.Errorf("%s: version %q is not a pseudo-version", file, rs.Version)
		}
		notes := []string{"runsc " + strings.Join(rs.RunscFlags, " ")}
		for _, a := range rs.Approximations {
			notes = append(notes, fmt.Sprintf("approximated: %s %s %s: %s", a.Filter, a.Syscall, a.Operand, a.Reason))
		}
		p := rs.Policy
		p.Name = "gvisor@" + rs.Version
		vs = append(vs, version{runtimes.HistoryVersion{Version: rs.Version, Commit: m[2],
			Date: m[1][0:4] + "-" + m[1][4:6] + "-" + m[1][6:8], Source: e.Name() + " " + sum(b), Notes: notes, Policy: p}, m[1]})
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("%s: no rule file", dir)
	}
	// The versions the extractor could not do, and why (failed.txt).
	if b, err := os.ReadFile(filepath.Join(dir, "failed.txt")); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line != "" {
				h.Notes = append(h.Notes, "not extracted: "+line)
			}
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].at < vs[j].at })
	for _, v := range vs {
		h.Versions = append(h.Versions, v.v)
	}
	return h, nil
}

var pseudo = regexp.MustCompile(`^v0\.0\.0-(\d{14})-([0-9a-f]{12})$`)
