package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The methods that need no call graph (text, trace, uapi, dispatch,
// sibling) build without --kernel-image; the others say they need it. The
// record is kernelcna's fixture with a description that names sendmsg():
// the sibling method adds sendto and sendmmsg (net/socket.c: both run the
// protocol's sendmsg through sock_sendmsg).
func TestDBBuildMethodsWithoutGraph(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "vuln", "kernelcna", "testdata", "happy", "cve", "published", "2099", "CVE-2099-0001.json"))
	if err != nil {
		t.Fatal(err)
	}
	rec := strings.Replace(string(b), `keys: fix a made-up use-after-free in keyctl_fixture()`, `net: fix a made-up leak in foo_sendmsg() reached by sendmsg()`, 1)
	if rec == string(b) {
		t.Fatal("fixture description not found")
	}
	dir := t.TempDir()
	cna := filepath.Join(dir, "cna", "cve", "published", "2099")
	if err := os.MkdirAll(cna, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cna, "CVE-2099-0001.json"), []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "db.json")
	build := func(methods string) (int, string) {
		code, _, stderr := run(t, "db", "build", "--kernel-cna", filepath.Join(dir, "cna"), "--kernel-cna-date", "2026-01-01", "--methods", methods, "--out", out)
		return code, stderr
	}
	for methods, want := range map[string][]string{
		"text":                             {"sendmsg:text"},
		"text+sibling":                     {"sendmmsg:sibling", "sendmsg:text", "sendto:sibling"},
		"text+trace+uapi+dispatch+sibling": {"sendmmsg:sibling", "sendmsg:text", "sendto:sibling"},
	} {
		if code, stderr := build(methods); code != 0 {
			t.Fatalf("--methods %s: exit %d: %s", methods, code, stderr)
		}
		var db struct {
			Meta struct {
				Methods []string `json:"methods"`
			} `json:"meta"`
			CVEs []struct {
				ID    string `json:"id"`
				Links []struct{ Syscall, Method string }
			} `json:"cves"`
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &db); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range db.CVEs {
			for _, l := range c.Links {
				got = append(got, l.Syscall+":"+l.Method)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("--methods %s: links %v, want %v", methods, got, want)
		}
		if strings.Join(db.Meta.Methods, "+") != methods {
			t.Errorf("--methods %s: the DB records %v", methods, db.Meta.Methods)
		}
	}
	if code, stderr := build("text+site"); code != 2 || !strings.Contains(stderr, "needs --kernel-image") {
		t.Errorf("--methods text+site without a kernel image: exit %d, %q", code, stderr)
	}
	// --kernel-members is read by the site method's member rule only.
	code, _, stderr := run(t, "db", "build", "--kernel-cna", filepath.Join(dir, "cna"), "--kernel-cna-date", "2026-01-01",
		"--methods", "text", "--kernel-members", out, "--out", out)
	if code != 2 || !strings.Contains(stderr, "--kernel-members: only the site method") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("--kernel-members without the site method: exit %d, %q", code, stderr)
	}
}
