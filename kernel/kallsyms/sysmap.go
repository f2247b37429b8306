package kallsyms

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"sysweight/internal/infile"
)

var (
	// ErrSyntax is matched by every *SyntaxError.
	ErrSyntax = errors.New("kallsyms: bad symbol line")
	// ErrAddressesHidden means every address read as zero: /proc/kallsyms
	// read without CAP_SYSLOG under kptr_restrict.
	ErrAddressesHidden = errors.New("kallsyms: all addresses are zero (hidden by kptr_restrict; read as root)")
	// ErrNoTextSymbol means neither _text nor _stext is among the symbols.
	ErrNoTextSymbol = errors.New("kallsyms: no _text or _stext symbol")
)

// SyntaxError is a line of a System.map or /proc/kallsyms that is not
// "ADDR TYPE NAME" or "ADDR TYPE NAME [module]".
type SyntaxError struct {
	Line int    // 1-based
	Text string // the line, cut to 80 bytes
	Msg  string // what was expected
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d: %s, got %q", e.Line, e.Msg, e.Text)
}

func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// MapOptions tunes ParseMap.
type MapOptions struct {
	// Lenient skips malformed lines and counts them in MapResult.Skipped
	// instead of failing on the first. Useful for maps that carry stray
	// header or tool output lines.
	Lenient bool
}

// MapResult is what ParseMap read.
type MapResult struct {
	Symbols []Symbol // in file order
	Skipped int      // malformed lines skipped (Lenient only)
	// FirstSkipped describes the first skipped line, nil if none.
	FirstSkipped *SyntaxError
}

// ParseMap reads System.map or /proc/kallsyms text: one symbol a line,
// "ADDR TYPE NAME" with an optional fourth field "[module]". ADDR is
// hexadecimal without 0x, TYPE one nm letter. Blank lines are ignored.
func ParseMap(r io.Reader, opts MapOptions) (*MapResult, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	res := &MapResult{}
	nonzero := false
	for line := 1; sc.Scan(); line++ {
		text := sc.Bytes()
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		sym, msg := parseMapLine(text)
		if msg != "" {
			cut := text
			if len(cut) > 80 {
				cut = cut[:80]
			}
			serr := &SyntaxError{Line: line, Text: string(cut), Msg: msg}
			if !opts.Lenient {
				return nil, serr
			}
			if res.FirstSkipped == nil {
				res.FirstSkipped = serr
			}
			res.Skipped++
			continue
		}
		nonzero = nonzero || sym.Addr != 0
		res.Symbols = append(res.Symbols, sym)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading symbol map: %w", err)
	}
	if len(res.Symbols) > 1 && !nonzero {
		return nil, fmt.Errorf("%d symbols: %w", len(res.Symbols), ErrAddressesHidden)
	}
	return res, nil
}

// parseMapLine returns the symbol or, for a bad line, what was expected.
func parseMapLine(text []byte) (Symbol, string) {
	const want = `want "ADDR TYPE NAME [module]"`
	f := bytes.Fields(text)
	if len(f) < 3 || len(f) > 4 {
		return Symbol{}, fmt.Sprintf("%s: %d fields", want, len(f))
	}
	if len(f[0]) > 16 {
		return Symbol{}, "want hexadecimal ADDR of at most 16 digits"
	}
	addr, err := strconv.ParseUint(string(f[0]), 16, 64)
	if err != nil {
		return Symbol{}, "want hexadecimal ADDR"
	}
	if len(f[1]) != 1 || !isTypeLetter(f[1][0]) {
		return Symbol{}, "want one nm type letter as TYPE"
	}
	sym := Symbol{Addr: addr, Type: f[1][0], Name: string(f[2])}
	if len(f) == 4 {
		m := f[3]
		if len(m) < 3 || m[0] != '[' || m[len(m)-1] != ']' {
			return Symbol{}, "want [module] as fourth field"
		}
		sym.Module = string(m[1 : len(m)-1])
	}
	return sym, ""
}

func isTypeLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ParseMapFile is ParseMap on a file; errors name the path.
func ParseMapFile(path string, opts MapOptions) (*MapResult, error) {
	f, err := infile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := ParseMap(f, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// DefaultX86_64Text is where an x86-64 kernel is linked: __START_KERNEL_map +
// CONFIG_PHYSICAL_START with the default 16 MiB (arch/x86/include/asm/
// page_64_types.h). A kernel with CONFIG_PHYSICAL_START changed links
// elsewhere; prefer the image's own _text when the image is at hand.
const DefaultX86_64Text = 0xffffffff81000000

// TextAddr returns the address of _text, or of _stext when _text is absent,
// among the kernel's own (module-less) symbols.
func TextAddr(syms []Symbol) (uint64, error) {
	var stext uint64
	found := false
	for _, s := range syms {
		if s.Module != "" {
			continue
		}
		switch s.Name {
		case "_text":
			return s.Addr, nil
		case "_stext":
			stext, found = s.Addr, true
		}
	}
	if !found {
		return 0, ErrNoTextSymbol
	}
	return stext, nil
}

// KASLRSlide is how far the running kernel (whose symbols are runtime) was
// moved from where it was linked (linkText, the image's _text or
// DefaultX86_64Text): runtime _text minus linkText.
func KASLRSlide(runtime []Symbol, linkText uint64) (int64, error) {
	t, err := TextAddr(runtime)
	if err != nil {
		return 0, err
	}
	return int64(t - linkText), nil
}

// Rebase returns a copy of syms moved back by slide, so that runtime
// addresses become link-time ones (or, with a negative slide, the reverse).
// Only kernel-image symbols at or above the image's _text move: module symbols
// are placed independently, and the percpu symbols that x86-64 lists at small
// absolute addresses, like absolute 'A' symbols, are not relocated by KASLR.
func Rebase(syms []Symbol, slide int64) ([]Symbol, error) {
	text, err := TextAddr(syms)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(syms)
	for i := range out {
		s := &out[i]
		if s.Module != "" || s.Type == 'A' || s.Type == 'a' || s.Addr < text {
			continue
		}
		s.Addr -= uint64(slide)
	}
	return out, nil
}
