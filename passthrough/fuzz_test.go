package passthrough

import (
	"os"
	"strings"
	"testing"

	"sysweight/syscalls"
)

func FuzzParseTraceLine(f *testing.F) {
	if b, err := os.ReadFile("testdata/trace_pipe.txt"); err == nil {
		for _, l := range strings.Split(string(b), "\n")[:6] {
			f.Add(l)
		}
	}
	f.Add("CPU:1 [LOST 42 EVENTS]")
	f.Fuzz(func(t *testing.T, line string) {
		ev, ok, err := ParseTraceLine(line)
		if err != nil && ok {
			t.Fatalf("ok with error %v", err)
		}
		if ok && ev.Kind == SysEnter {
			c, _ := NewCollector(syscalls.X86_64)
			c.Event(ev)
			_ = c.Matrix()
		}
	})
}

func FuzzParseProbeLine(f *testing.F) {
	f.Add([]byte(`{"event":"begin","seq":355,"name":"uretprobe","nr":335,"args":[0,0,0,0,0,0]}`))
	f.Add([]byte(`{"event":"result","seq":355,"name":"uretprobe","outcome":"exit","exit":2}`))
	f.Add([]byte(`{"event":"hello","uname":{"Release":"4.19.0-gvisor"},"gvisor":true,"calls":3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, ok, err := ParseProbeLine(b)
		if err != nil && ok {
			t.Fatalf("ok with error %v", err)
		}
		if !ok {
			return
		}
		c, _ := NewCollector(syscalls.X86_64)
		switch l.Event {
		case "begin":
			if _, err := c.Declare(l); err != nil {
				t.Fatalf("begin accepted by the parser, refused by Declare: %v", err)
			}
		case "end", "result":
			c.Answer(l, false)
		case "hello":
			c.Hello(l)
		}
		_ = c.Matrix()
	})
}

func FuzzDecodeMatrix(f *testing.F) {
	f.Add([]byte(`{"schema":1,"runtime":"runc-docker","arch":"x86_64","calls":[{"syscall":"read","nr":0,"reached":"yes"}],"window_host":{"read":2,"frob":1}}`))
	f.Add([]byte(`{"schema":1,"runtime":"x","arch":"x86_64","frobs":1}`))
	f.Add([]byte(`{"schema":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMatrix(b, "fuzz")
		if (m == nil) == (err == nil) {
			t.Fatalf("matrix %v with error %v", m, err)
		}
		if m != nil {
			_, _ = m.Exposure()
		}
	})
}
