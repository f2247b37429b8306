package lint

import (
	"bytes"
	"encoding/json"
	"testing"

	"sysweight/exposure"
	"sysweight/seccomp"
	"sysweight/syscalls"
)

// FuzzCheck: any profile the decoders accept lints without a panic, every
// finding's line points into the document, and the SARIF of the result
// encodes.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(profile))
	f.Add([]byte(baseline))
	f.Add([]byte(`{"vmm": {"default_action": "allow", "filter_action": "trap", "filter": [{"syscall": "ioctl", "args": [{"index": 1, "type": "dword", "op": "gt", "val": 4294967295}]}]}}`))
	f.Add([]byte(`{"ociVersion": "1.2.1", "linux": {"seccomp": {"defaultAction": "SCMP_ACT_LOG", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 3, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}]}]}}}`))
	w := weights(f)
	base, err := seccomp.Decode(bytes.NewReader([]byte(baseline)), "b.json", target)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := seccomp.Decode(bytes.NewReader(data), "fuzz", target)
		if err != nil {
			return // the decoders' own fuzz targets check their errors
		}
		c := exposure.NewCorpus(syscalls.X86_64, append(append([]*seccomp.Filter(nil), p.Filters...), base.Filters...)...)
		pe, err := exposure.FromPolicy("fuzz", p, c, exposure.Provenance{})
		if err != nil {
			return // a verdict the evaluator cannot tell: compare refuses it too
		}
		be, err := exposure.FromPolicy("b.json", base, c, exposure.Provenance{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Check(Input{Profile: Config{Name: "fuzz", URI: "fuzz", Doc: data, Policy: p, Exposure: pe},
			Baseline: &Config{Name: "b.json", Policy: base, Exposure: be}, Corpus: c, Weights: w, Heavy: 3})
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, fd := range r.Findings {
			if fd.Line < 0 || fd.Line > lines || fd.Fingerprint == "" {
				t.Fatalf("finding %+v outside the %d lines", fd, lines)
			}
		}
		if _, err := json.Marshal(SARIF([]Result{r}, "")); err != nil {
			t.Fatal(err)
		}
	})
}
