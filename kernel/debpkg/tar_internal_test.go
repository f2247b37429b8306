package debpkg

import "testing"

func TestParseNumeric(t *testing.T) {
	for _, c := range []struct {
		field string
		want  int64
		ok    bool
	}{
		{"00000001750\x00", 1000, true}, // octal, NUL-terminated (GNU tar)
		{"     1750 \x00", 1000, true},  // space-padded (old tars)
		{"\x00\x00\x00\x00", 0, true},   // empty
		// GNU base-256: 0x80, then the value big-endian: 8 GiB + 1.
		{"\x80\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x01", 8<<30 + 1, true},
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 0, false}, // negative base-256
		{"12389\x00", 0, false}, // not octal
	} {
		got, err := parseNumeric([]byte(c.field))
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseNumeric(%q) = %d, %v; want %d, ok %v", c.field, got, err, c.want, c.ok)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"./": "", ".": "", "./boot/": "boot", "./boot/vmlinuz": "boot/vmlinuz",
		"/usr/lib": "usr/lib", "usr/lib/": "usr/lib", "././x": "x",
	} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParsePAX(t *testing.T) {
	// Lengths count the whole record: "29 path=" is 8 bytes, the value
	// 20, the newline 1.
	recs, err := parsePAX([]byte("29 path=usr/lib/modules/x.ko\n19 linkpath=target\n"))
	if err != nil || recs["path"] != "usr/lib/modules/x.ko" || recs["linkpath"] != "target" {
		t.Fatalf("%v, %v", recs, err)
	}
	for _, bad := range []string{"30 path=short\n", "x path=y\n", "9 path\n"} {
		if _, err := parsePAX([]byte(bad)); err == nil {
			t.Errorf("parsePAX(%q): no error", bad)
		}
	}
}
