package kernelcna

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a small validating JSON reader that decodes the handful of
// fields parseRecord needs and skips the rest without building anything.
// encoding/json spends most of its time validating and skipping the
// version ranges that make up the bulk of each record; this walks them once.
// Key matching is exact (the CVE JSON 5 schema is case-sensitive); strings
// are decoded as encoding/json decodes them (escapes, invalid UTF-8 as
// U+FFFD); null stands for an absent value, as in encoding/json.
type scanner struct {
	b     []byte
	i     int
	depth int
}

// maxDepth mirrors encoding/json's nesting limit.
const maxDepth = 10000

func (s *scanner) fail(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		return fmt.Errorf("offset %d: field %s: %s: %w", s.i, field, msg, ErrBadRecord)
	}
	return fmt.Errorf("offset %d: %s: %w", s.i, msg, ErrBadRecord)
}

func (s *scanner) ws() {
	// small enough to inline: most calls find no white space
	if s.i < len(s.b) && s.b[s.i] <= ' ' {
		s.wsRun()
	}
}

// wsRun skips white space; after a newline, the indentation of a
// pretty-printed record 8 spaces at a time.
func (s *scanner) wsRun() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\n':
			s.i++
			for s.i+8 <= len(s.b) && binary.LittleEndian.Uint64(s.b[s.i:]) == 0x2020202020202020 {
				s.i += 8
			}
		case ' ', '\t', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) atEnd() bool {
	s.ws()
	return s.i >= len(s.b)
}

func (s *scanner) kind() string {
	if s.atEnd() {
		return "end of input"
	}
	switch c := s.peek(); {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "number"
	default:
		return fmt.Sprintf("character %q", c)
	}
}

// null consumes a null literal if one is next.
func (s *scanner) null() (bool, error) {
	if s.peek() != 'n' {
		return false, nil
	}
	return true, s.literal("null")
}

func (s *scanner) literal(lit string) error {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return s.fail("", "invalid literal, want %s", lit)
	}
	s.i += len(lit)
	return nil
}

// object calls fn for each member; fn must consume the member's value.
func (s *scanner) object(field string, fn func(key []byte) error) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() != '{' {
		return s.fail(field, "want object, got %s", s.kind())
	}
	if s.depth++; s.depth > maxDepth {
		return s.fail(field, "nested too deeply")
	}
	s.i++
	if s.peek() == '}' {
		s.i++
		s.depth--
		return nil
	}
	for {
		if s.peek() != '"' {
			return s.fail(field, "want member name, got %s", s.kind())
		}
		key, _, err := s.rawString()
		if err != nil {
			return err
		}
		if s.peek() != ':' {
			return s.fail(field, "want ':' after member name, got %s", s.kind())
		}
		s.i++
		if err := fn(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return nil
		default:
			return s.fail(field, "want ',' or '}' in object, got %s", s.kind())
		}
	}
}

// array calls fn for each element; fn must consume it.
func (s *scanner) array(field string, fn func() error) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() != '[' {
		return s.fail(field, "want array, got %s", s.kind())
	}
	if s.depth++; s.depth > maxDepth {
		return s.fail(field, "nested too deeply")
	}
	s.i++
	if s.peek() == ']' {
		s.i++
		s.depth--
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return nil
		default:
			return s.fail(field, "want ',' or ']' in array, got %s", s.kind())
		}
	}
}

// str decodes a string value (null gives "").
func (s *scanner) str(field string) (string, error) {
	if isNull, err := s.null(); isNull || err != nil {
		return "", err
	}
	if s.peek() != '"' {
		return "", s.fail(field, "want string, got %s", s.kind())
	}
	start := s.i
	raw, plain, err := s.rawString()
	if err != nil {
		return "", err
	}
	if plain {
		return string(raw), nil
	}
	if out, ok := unescape(raw); ok {
		return out, nil
	}
	// Rare: invalid UTF-8 or surrogate escapes. Let encoding/json decode the
	// quoted text so both readers agree byte for byte.
	var out string
	if err := json.Unmarshal(s.b[start:s.i], &out); err != nil {
		s.i = start
		return "", s.fail(field, "invalid string: %v", err)
	}
	return out, nil
}

// rawString consumes a string and returns its bytes between the quotes;
// plain is true when they need no decoding (no escapes, valid UTF-8).
func (s *scanner) rawString() (raw []byte, plain bool, err error) {
	start := s.i
	s.i++ // opening quote
	plain = true
	ascii := true
	for s.i < len(s.b) {
		// skip 8 plain ASCII bytes at a time; a word that may hold a quote,
		// a backslash, a control character or a non-ASCII byte goes byte
		// by byte below
		for s.i+8 <= len(s.b) && !mayBeSpecial(binary.LittleEndian.Uint64(s.b[s.i:])) {
			s.i += 8
		}
		if s.i >= len(s.b) {
			break
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			raw = s.b[start+1 : s.i]
			s.i++
			if !ascii && !utf8.Valid(raw) {
				plain = false
			}
			return raw, plain, nil
		case c == '\\':
			plain = false
			if s.i+1 >= len(s.b) {
				return nil, false, s.fail("", "unterminated string")
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) || !isHex4(s.b[s.i+2:s.i+6]) {
					return nil, false, s.fail("", `invalid \u escape in string`)
				}
				s.i += 6
			default:
				return nil, false, s.fail("", "invalid escape %q in string", s.b[s.i+1])
			}
		case c < 0x20:
			return nil, false, s.fail("", "control character %#x in string", c)
		default:
			if c >= 0x80 {
				ascii = false
			}
			s.i++
		}
	}
	s.i = start
	return nil, false, s.fail("", "unterminated string")
}

// mayBeSpecial reports whether one of the 8 bytes of x (in any order) may
// be a quote, a backslash, a control character (< 0x20) or a non-ASCII
// byte; it is never false when one is. Each test is the classic
// has-zero-byte one, (v - 0x01…) &^ v & 0x80…, which may also flag a byte
// above a real hit (a borrow) but never misses one.
func mayBeSpecial(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	return ((q-ones)&^q|(b-ones)&^b|(x-ones*0x20)&^x|x)&highs != 0
}

// unescape decodes the escapes of a string already checked by rawString.
// It gives up (ok false) on what encoding/json would rewrite: invalid UTF-8
// and \u escapes of surrogates.
func unescape(raw []byte) (string, bool) {
	if !utf8.Valid(raw) {
		return "", false
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			// copy the run up to the next escape at once
			n := bytes.IndexByte(raw[i:], '\\')
			if n < 0 {
				n = len(raw) - i
			}
			out = append(out, raw[i:i+n]...)
			i += n - 1
			continue
		}
		i++
		switch raw[i] {
		case '"', '\\', '/':
			out = append(out, raw[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			var r rune
			for _, h := range raw[i+1 : i+5] {
				r = r<<4 | rune(hexVal(h))
			}
			if utf16.IsSurrogate(r) {
				return "", false
			}
			out = utf8.AppendRune(out, r)
			i += 4
		}
	}
	return string(out), true
}

func hexVal(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// skip consumes and validates one value of any kind.
func (s *scanner) skip() error {
	switch c := s.peek(); {
	case c == '{':
		return s.object("", func([]byte) error { return s.skip() })
	case c == '[':
		return s.array("", s.skip)
	case c == '"':
		_, _, err := s.rawString()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	default:
		return s.fail("", "want a value, got %s", s.kind())
	}
}

// number consumes a number with the JSON grammar (RFC 8259 section 6).
func (s *scanner) number() error {
	start := s.i
	if s.b[s.i] == '-' {
		s.i++
	}
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		s.i = start
		return s.fail("", "invalid number")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return s.fail("", "invalid number: want digits after '.'")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return s.fail("", "invalid number: want exponent digits")
		}
	}
	return nil
}

// decodeRecord fills c from a whole record, rejecting anything after it.
func decodeRecord(b []byte, c *cveRecord) error {
	s := &scanner{b: b}
	err := s.object("", func(k []byte) error {
		switch string(k) {
		case "cveMetadata":
			return s.object("cveMetadata", func(k []byte) error {
				var err error
				switch string(k) {
				case "cveId":
					c.CVEMetadata.CVEID, err = s.str("cveMetadata.cveId")
				case "state":
					c.CVEMetadata.State, err = s.str("cveMetadata.state")
				case "datePublished":
					c.CVEMetadata.DatePublished, err = s.str("cveMetadata.datePublished")
				default:
					err = s.skip()
				}
				return err
			})
		case "containers":
			return s.object("containers", func(k []byte) error {
				if string(k) != "cna" {
					return s.skip()
				}
				return s.object("containers.cna", func(k []byte) error { return decodeCNA(s, k, c) })
			})
		}
		return s.skip()
	})
	if err != nil {
		return err
	}
	if !s.atEnd() {
		return s.fail("", "want end of input after the record, got %s", s.kind())
	}
	return nil
}

func decodeCNA(s *scanner, k []byte, c *cveRecord) error {
	cna := &c.Containers.CNA
	switch string(k) {
	case "descriptions":
		cna.Descriptions = cna.Descriptions[:0]
		return s.array("containers.cna.descriptions", func() error {
			var d description
			err := s.object("containers.cna.descriptions[]", func(k []byte) error {
				var err error
				switch string(k) {
				case "lang":
					d.Lang, err = s.str("containers.cna.descriptions[].lang")
				case "value":
					d.Value, err = s.str("containers.cna.descriptions[].value")
				default:
					err = s.skip()
				}
				return err
			})
			cna.Descriptions = append(cna.Descriptions, d)
			return err
		})
	case "affected":
		cna.Affected = cna.Affected[:0]
		return s.array("containers.cna.affected", func() error {
			var a affected
			err := s.object("containers.cna.affected[]", func(k []byte) error {
				if string(k) != "programFiles" {
					return s.skip()
				}
				a.ProgramFiles = a.ProgramFiles[:0]
				return s.array("containers.cna.affected[].programFiles", func() error {
					f, err := s.str("containers.cna.affected[].programFiles[]")
					a.ProgramFiles = append(a.ProgramFiles, f)
					return err
				})
			})
			cna.Affected = append(cna.Affected, a)
			return err
		})
	case "metrics":
		cna.Metrics = cna.Metrics[:0]
		return s.array("containers.cna.metrics", func() error {
			var m metric
			err := s.object("containers.cna.metrics[]", func(k []byte) error {
				var dst **cvssJSON
				switch string(k) {
				case "cvssV3_1":
					dst = &m.V31
				case "cvssV3_0":
					dst = &m.V30
				default:
					return s.skip()
				}
				if isNull, err := s.null(); isNull || err != nil {
					return err
				}
				if *dst == nil {
					*dst = &cvssJSON{}
				}
				field := "containers.cna.metrics[]." + string(k)
				return s.object(field, func(k []byte) error {
					if string(k) != "vectorString" {
						return s.skip()
					}
					var err error
					(*dst).VectorString, err = s.str(field + ".vectorString")
					return err
				})
			})
			cna.Metrics = append(cna.Metrics, m)
			return err
		})
	}
	return s.skip()
}
