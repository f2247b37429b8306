package db

import (
	"reflect"
	"testing"
)

func TestExplain(t *testing.T) {
	d := sample(t)
	ev, ok, err := d.Explain("add_key")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	// add_key: CVE-2014-0001 (v2 4.9) before the unscored CVE-2024-1,
	// though the latter's id sorts first; of CVE-2014-0001's three links
	// only the one to add_key.
	want := []CVEEvidence{
		{ID: "CVE-2014-0001", Score: 4.9, CVSSVersion: "2.0", Feed: "f", Evidence: []Link{{Syscall: "add_key", Method: "text", Evidence: "add_key()"}}},
		{ID: "CVE-2024-1", Feed: "f", Evidence: []Link{{Syscall: "add_key", Method: "text", Evidence: "sys_add_key"}}},
	}
	if !reflect.DeepEqual(ev.CVEs, want) {
		t.Errorf("add_key's CVEs = %+v\nwant %+v", ev.CVEs, want)
	}
	if ev.Syscall.Name != "add_key" || ev.Syscall.Nr != 248 || ev.Syscall.Unscored != 1 || ev.Syscall.ScoredV2 != 1 {
		t.Errorf("add_key's record = %+v", ev.Syscall)
	}

	// keyctl: 7.8 before 4.9; CVE-2014-0001's two keyctl links, by method
	// (Assemble sorts them: function before text).
	ev, _, _ = d.Explain("keyctl")
	if len(ev.CVEs) != 2 || ev.CVEs[0].ID != "CVE-2016-0728" || ev.CVEs[1].ID != "CVE-2014-0001" {
		t.Fatalf("keyctl's CVEs = %+v", ev.CVEs)
	}
	if m := ev.CVEs[1].Evidence; len(m) != 2 || m[0].Method != "function" || m[1].Method != "text" {
		t.Errorf("CVE-2014-0001's keyctl links = %+v", m)
	}

	// A syscall of the table with no CVE, and a name not in it.
	if ev, ok, err := d.Explain("getpid"); err != nil || !ok || ev.CVEs != nil || ev.Syscall.Nr != 39 {
		t.Errorf("getpid = %+v, %v, %v", ev, ok, err)
	}
	if _, ok, err := d.Explain("nosuchcall"); ok || err != nil {
		t.Errorf("nosuchcall: ok %v, err %v; want false, nil", ok, err)
	}

	// A syscall listing a CVE the records lack: the DB is inconsistent.
	d.Syscalls[d.bySyscall["add_key"]].CVEIDs = append(d.Syscalls[d.bySyscall["add_key"]].CVEIDs, "CVE-2099-1")
	if _, ok, err := d.Explain("add_key"); !ok || err == nil || err.Error() != "weight DB: add_key lists CVE-2099-1, which has no record" {
		t.Errorf("dangling CVE id: ok %v, err %v", ok, err)
	}
}
