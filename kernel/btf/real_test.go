package btf_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sysweight/internal/kerneltest"
	"sysweight/kernel/btf"
	"sysweight/kernel/image"
)

// TestRealMatchesBpftool parses the BTF of Debian's 6.1 kernel and checks
// every struct and union (name, size, members with type and offset) and
// every function (name, prototype) against bpftool's dump of the same
// bytes.
func TestRealMatchesBpftool(t *testing.T) {
	bpftool, err := exec.LookPath("bpftool")
	if err != nil {
		t.Skip("bpftool not found (scripts/install-deps.sh installs it)")
	}
	im, err := image.LoadFile(kerneltest.Vmlinuz(t))
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	sec, err := im.Vmlinux.Section(".BTF")
	if err != nil {
		t.Fatal(err)
	}
	raw := filepath.Join(t.TempDir(), "vmlinux.btf")
	if err := os.WriteFile(raw, sec.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bpftool, "btf", "dump", "file", raw).Output()
	if err != nil {
		t.Fatalf("bpftool: %v", err)
	}
	s, err := btf.Parse(sec.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	head := regexp.MustCompile(`^\[(\d+)\] (\w+) '([^']*)'(.*)$`)
	member := regexp.MustCompile(`^\t'([^']*)' type_id=(\d+) bits_offset=(\d+)`)
	attr := regexp.MustCompile(`(\w+)=(\d+)`)
	var cur btf.TypeID
	var k, last int
	var structs, funcs, members int
	protos := map[string]map[int]bool{} // FUNC name → its FUNC_PROTO ids, by bpftool
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.ReplaceAll(sc.Text(), "'(anon)'", "''")
		if m := head.FindStringSubmatch(line); m != nil {
			id, _ := strconv.Atoi(m[1])
			cur, k, last = btf.TypeID(id), 0, id
			a := map[string]int{}
			for _, kv := range attr.FindAllStringSubmatch(m[4], -1) {
				a[kv[1]], _ = strconv.Atoi(kv[2])
			}
			switch m[2] {
			case "STRUCT", "UNION":
				structs++
				if s.Name(cur) != m[3] || s.Size(cur) != uint64(a["size"]) || s.NumMembers(cur) != a["vlen"] {
					t.Errorf("[%d] %s %q size %d vlen %d; parsed %q size %d vlen %d", id, m[2], m[3], a["size"], a["vlen"], s.Name(cur), s.Size(cur), s.NumMembers(cur))
				}
			case "FUNC":
				funcs++
				if protos[m[3]] == nil {
					protos[m[3]] = map[int]bool{}
				}
				protos[m[3]][a["type_id"]] = true
				if s.Name(cur) != m[3] || s.Ref(cur) != btf.TypeID(a["type_id"]) {
					t.Errorf("[%d] FUNC %q → %d; parsed %q → %d", id, m[3], a["type_id"], s.Name(cur), s.Ref(cur))
				}
			}
			continue
		}
		if m := member.FindStringSubmatch(line); m != nil && (s.Kind(cur) == btf.KindStruct || s.Kind(cur) == btf.KindUnion) {
			typ, _ := strconv.Atoi(m[2])
			off, _ := strconv.Atoi(m[3])
			got := s.Member(cur, k)
			k++
			members++
			if got.Name != m[1] || got.Type != btf.TypeID(typ) || got.BitOffset != uint32(off) {
				t.Errorf("[%d] member %d: bpftool %q %d @%d, parsed %+v", cur, k-1, m[1], typ, off, got)
			}
		}
	}
	if last+1 != s.NumTypes() {
		t.Errorf("bpftool lists types up to %d, parsed %d", last, s.NumTypes()-1)
	}
	if structs < 5000 || funcs < 40000 {
		t.Errorf("only %d structs/unions and %d funcs compared", structs, funcs)
	}
	t.Logf("compared %d types: %d structs/unions (%d members), %d funcs", last, structs, members, funcs)

	// Static functions of several files share a name. 6.1's m_start is
	// fs/namespace.c's m_start(struct seq_file *, loff_t *) and
	// kernel/user_namespace.c's m_start(struct seq_file *, loff_t *,
	// struct uid_gid_map *): bpftool lists two FUNCs of different
	// FUNC_PROTOs, and FuncProto must not pick one. A name with one
	// FUNC_PROTO gets it.
	if len(protos["m_start"]) != 2 {
		t.Errorf("bpftool: m_start has FUNC_PROTOs %v, want two", protos["m_start"])
	}
	shared, unique, none := 0, 0, 0
	for name, ids := range protos {
		got, ok := s.FuncProto(name)
		switch {
		case len(ids) == 1:
			unique++
			if !ok || !ids[int(got)] {
				t.Errorf("FuncProto(%q) = %d, %v; bpftool: %v", name, got, ok, ids)
			}
		case ok && ids[int(got)]:
			// several FUNC_PROTO ids of one text (C types bpftool keeps
			// apart but that print the same) are one prototype
			shared++
		case ok:
			t.Errorf("FuncProto(%q) = %d, not one of bpftool's %v", name, got, ids)
		default:
			none++
		}
	}
	if _, ok := s.FuncProto("m_start"); ok {
		t.Error("FuncProto(m_start) picked one of two prototypes")
	}
	t.Logf("%d function names with one prototype, %d with several ids of one text, %d with several prototypes (none given)", unique, shared, none)
}
