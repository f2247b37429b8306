package xz

import "encoding/binary"

// The LZMA decoder, written from the LZMA specification in the LZMA SDK
// (Igor Pavlov, DOC/lzma-specification.txt): a range decoder over adaptive
// binary probabilities, a 12-state machine over literals, matches and
// repeated matches, and an LZ77 window.
//
// The window is a flat byte slice: the caller hands decode the output buffer
// with the dictionary's history in out[:pos] and room up to end. Matches copy
// inside that one slice, so there is no circular buffer and no second copy;
// Decode gives each block its own region of the final output, and the
// Reader slides a window that keeps at least the dictionary size of history.
//
// The hot loop keeps the range decoder in local variables and decodes bits
// through small functions the compiler inlines (rcBit, rcNorm): Go keeps
// multi-value results in registers where it would spill a struct whose
// address is taken. Decoding is bound by the latency from one bit to the
// next: in bit trees (literals, lengths, distances) the next probability
// depends on the bit just decoded, so both candidates are loaded ahead and
// the bit selects one without a branch (rcBitNext, literal). Literals are
// decoded in functions of their own, whose loops then have few enough live
// variables to stay in registers.

const (
	numStates     = 12
	probInit      = 1 << 10 // kBitModelTotal / 2
	probBits      = 11
	moveBits      = 5
	topValue      = 1 << 24
	minMatchLen   = 2
	endPosModel   = 14 // first position slot coded with direct bits
	fullDistances = 128
	alignBits     = 4
	lenLowSyms    = 8
	lenMidSyms    = 8
	lenHighSyms   = 256
	literalCoders = 0x300
)

// lenProbs are the probabilities of one length decoder.
type lenProbs struct {
	choice  uint16
	choice2 uint16
	low     [16][lenLowSyms]uint16
	mid     [16][lenMidSyms]uint16
	high    [lenHighSyms]uint16
}

// lzmaDecoder is the state that survives between LZMA2 chunks: the
// properties, the probabilities, the state machine and the four most recent
// distances. Arrays are sized to powers of two so that masked indices need
// no bounds checks.
type lzmaDecoder struct {
	lc, lp, pb uint32
	dictSize   uint32

	state                  uint32
	rep0, rep1, rep2, rep3 uint32
	pending                int // bytes of a match still to copy when the output end cut it

	isMatch    [256]uint16 // state<<4 | posState
	isRep      [16]uint16
	isRepG0    [16]uint16
	isRepG1    [16]uint16
	isRepG2    [16]uint16
	isRep0Long [256]uint16
	posSlot    [4][64]uint16
	posSpecial [128]uint16 // 1 + fullDistances - endPosModel used
	align      [16]uint16
	matchLen   lenProbs
	repLen     lenProbs
	literal    [literalCoders << 4]uint16 // lc+lp <= 4 in LZMA2
}

// setProps sets lc, lp and pb from the properties byte (pb*5+lp)*9+lc.
func (d *lzmaDecoder) setProps(p byte) bool {
	if p >= 9*5*5 {
		return false
	}
	lc, lp, pb := uint32(p%9), uint32(p/9%5), uint32(p/45)
	if lc+lp > 4 {
		return false
	}
	d.lc, d.lp, d.pb = lc, lp, pb
	return true
}

// reset puts the probabilities and the state machine to their initial
// values (an LZMA2 state reset).
func (d *lzmaDecoder) reset() {
	d.state = 0
	d.rep0, d.rep1, d.rep2, d.rep3 = 0, 0, 0, 0
	d.pending = 0
	fill := func(p []uint16) {
		for i := range p {
			p[i] = probInit
		}
	}
	fill(d.isMatch[:])
	fill(d.isRep[:])
	fill(d.isRepG0[:])
	fill(d.isRepG1[:])
	fill(d.isRepG2[:])
	fill(d.isRep0Long[:])
	for i := range d.posSlot {
		fill(d.posSlot[i][:])
	}
	fill(d.posSpecial[:])
	fill(d.align[:])
	for _, l := range []*lenProbs{&d.matchLen, &d.repLen} {
		l.choice, l.choice2 = probInit, probInit
		for i := range l.low {
			fill(l.low[i][:])
			fill(l.mid[i][:])
		}
		fill(l.high[:])
	}
	fill(d.literal[:literalCoders<<(d.lc+d.lp)])
}

// rangeDecoder is the range decoder's state between calls.
type rangeDecoder struct {
	rng, code uint32
	in        []byte
	ip        int // next input byte; may pass len(in) when the data is bad
}

// init starts the range decoder on in: a zero byte, then the code's first
// four bytes.
func (rc *rangeDecoder) init(in []byte) bool {
	if len(in) < 5 || in[0] != 0 {
		return false
	}
	rc.rng = 0xffffffff
	rc.code = uint32(in[1])<<24 | uint32(in[2])<<16 | uint32(in[3])<<8 | uint32(in[4])
	rc.in = in
	rc.ip = 5
	return true
}

// finished says whether the range decoder ended cleanly: all input used and
// the code at zero, as the encoder's flush leaves it.
func (rc *rangeDecoder) finished() bool { return rc.ip == len(rc.in) && rc.code == 0 }

// rcNorm shifts in one byte when the range fell below 2^24. Past the end of
// the input it shifts in zeros and counts on: the caller sees ip > len(in).
func rcNorm(rng, code uint32, in []byte, ip int) (uint32, uint32, int) {
	if rng < topValue {
		rng <<= 8
		code <<= 8
		if uint(ip) < uint(len(in)) {
			code |= uint32(in[ip])
		}
		ip++
	}
	return rng, code, ip
}

// rcBit decodes one bit with probability *p and adapts *p.
func rcBit(p *uint16, rng, code uint32) (uint32, uint32, uint32) {
	v := uint32(*p)
	bound := (rng >> probBits) * v
	if code < bound {
		*p = uint16(v + (1<<probBits-v)>>moveBits)
		return 0, bound, code
	}
	*p = uint16(v - v>>moveBits)
	return 1, rng - bound, code - bound
}

// treeBitsReverse decodes an n-bit symbol, least significant bit first,
// with the probabilities p[1 : 1<<n] (len(p) a power of two, at least 1<<n).
func treeBitsReverse(p []uint16, n uint32, rng, code uint32, in []byte, ip int) (uint32, uint32, uint32, int) {
	mask := uint32(len(p) - 1)
	m := uint32(1)
	v := uint32(p[1&mask])
	var sym, bit uint32
	for i := range n {
		n0, n1 := uint32(p[(m<<1)&mask]), uint32(p[(m<<1|1)&mask])
		bit, v, rng, code = rcBitNext(p, m, v, n0, n1, rng, code)
		rng, code, ip = rcNorm(rng, code, in, ip)
		m = m<<1 | bit
		sym |= bit << i
	}
	return sym, rng, code, ip
}

// treeBits decodes a symbol of log2(len(p)) bits, most significant bit
// first, with the probabilities p[1:]; len(p) is a power of two, so the
// masked indices need no bounds checks.
func treeBits(p []uint16, rng, code uint32, in []byte, ip int) (uint32, uint32, uint32, int) {
	mask := uint32(len(p) - 1)
	m := uint32(1)
	v := uint32(p[1&mask])
	for m <= mask {
		n0, n1 := uint32(p[(m<<1)&mask]), uint32(p[(m<<1|1)&mask])
		var bit uint32
		bit, v, rng, code = rcBitNext(p, m, v, n0, n1, rng, code)
		rng, code, ip = rcNorm(rng, code, in, ip)
		m = m<<1 | bit
	}
	return m - uint32(len(p)), rng, code, ip
}

// rcBitNext decodes the bit of probability p[i] = v without branches and
// returns it with the next bit's probability, n0 after a zero, n1 after a
// one, which the caller loaded ahead (see literal).
func rcBitNext(p []uint16, i, v, n0, n1, rng, code uint32) (bit, next, rng2, code2 uint32) {
	bound := (rng >> probBits) * v
	m := uint32((uint64(code) - uint64(bound)) >> 32) // all ones for a zero bit
	p[i&uint32(len(p)-1)] = uint16(int32(v) - (int32(v)-int32(2017&m))>>moveBits)
	return m + 1, n0&m | n1&^m, bound&m | (rng-bound)&^m, code - bound&^m
}

// decodeLen decodes a match length minus minMatchLen.
func decodeLen(l *lenProbs, posState uint32, rng, code uint32, in []byte, ip int) (uint32, uint32, uint32, int) {
	var bit, n uint32
	bit, rng, code = rcBit(&l.choice, rng, code)
	rng, code, ip = rcNorm(rng, code, in, ip)
	if bit == 0 {
		n, rng, code, ip = treeBits(l.low[posState&15][:], rng, code, in, ip)
		return n, rng, code, ip
	}
	bit, rng, code = rcBit(&l.choice2, rng, code)
	rng, code, ip = rcNorm(rng, code, in, ip)
	if bit == 0 {
		n, rng, code, ip = treeBits(l.mid[posState&15][:], rng, code, in, ip)
		return lenLowSyms + n, rng, code, ip
	}
	n, rng, code, ip = treeBits(l.high[:], rng, code, in, ip)
	return lenLowSyms + lenMidSyms + n, rng, code, ip
}

// decodeDist decodes a match distance minus one; length is the match length
// minus minMatchLen. 0xffffffff is the end-of-payload marker.
func (d *lzmaDecoder) decodeDist(length uint32, rng, code uint32, in []byte, ip int) (uint32, uint32, uint32, int) {
	var slot uint32
	slot, rng, code, ip = treeBits(d.posSlot[min(length, 3)][:], rng, code, in, ip)
	if slot < 4 {
		return slot, rng, code, ip
	}
	nd := slot>>1 - 1
	dist := (2 | slot&1) << nd
	var v uint32
	if slot < endPosModel {
		// The slot's reverse tree starts at posSpecial[dist-slot] and
		// uses 1<<nd entries; a power-of-two window for the masking.
		base := dist - slot
		v, rng, code, ip = treeBitsReverse(d.posSpecial[base:base+1<<nd], nd, rng, code, in, ip)
		return dist + v, rng, code, ip
	}
	// Direct bits: each halves the range; code >= range gives a one.
	for range nd - alignBits {
		rng >>= 1
		code -= rng
		t := 0 - code>>31 // all ones when code went below zero: a zero bit
		code += rng & t
		v = v<<1 | (t + 1)
		rng, code, ip = rcNorm(rng, code, in, ip)
	}
	dist += v << alignBits
	v, rng, code, ip = treeBitsReverse(d.align[:], alignBits, rng, code, in, ip)
	return dist + v, rng, code, ip
}

// literal decodes the 8 bits of a literal after a literal, with the
// probabilities of its context. The decoding of one bit waits for the
// previous one, whose value picks the next probability; loading both
// candidates ahead and selecting keeps the load out of that chain. It is a
// function of its own so that the loop's few variables stay in registers.
func literal(probs *[literalCoders]uint16, rng, code uint32, in []byte, ip int) (uint32, uint32, uint32, int) {
	sym := uint32(1)
	v := uint32(probs[1])
	for range 8 {
		n0 := uint32(probs[(sym<<1)&0x1ff])
		n1 := uint32(probs[(sym<<1|1)&0x1ff])
		bound := (rng >> probBits) * v
		m := uint32((uint64(code) - uint64(bound)) >> 32) // all ones for a zero bit
		probs[sym&0xff] = uint16(int32(v) - (int32(v)-int32(2017&m))>>moveBits)
		rng = bound&m | (rng-bound)&^m
		code -= bound &^ m
		sym = sym<<1 | (m + 1)
		v = n0&m | n1&^m
		rng, code, ip = rcNorm(rng, code, in, ip)
	}
	return sym, rng, code, ip
}

// matchedLiteral decodes a literal after a match: the byte at rep0
// predicts its bits while they agree. offs is 0x100 until the first
// differing bit, then 0, which selects the plain coders. As in literal,
// both candidate probabilities for the next bit are loaded ahead.
func matchedLiteral(probs *[literalCoders]uint16, match uint32, rng, code uint32, in []byte, ip int) (uint32, uint32, uint32, int) {
	sym := uint32(1)
	offs := uint32(0x100)
	match <<= 1
	i := offs + match&offs + sym
	v := uint32(probs[i])
	for range 8 {
		next := match << 1
		// After a zero bit offs keeps the bits where match is zero,
		// after a one bit those where it is one.
		o0, o1 := offs&^match, offs&match
		i0 := o0 + next&o0 + sym<<1
		i1 := o1 + next&o1 + sym<<1 | 1
		n0 := uint32(probs[i0])
		n1 := uint32(probs[i1])
		bound := (rng >> probBits) * v
		m := uint32((uint64(code) - uint64(bound)) >> 32) // all ones for a zero bit
		probs[i] = uint16(int32(v) - (int32(v)-int32(2017&m))>>moveBits)
		rng = bound&m | (rng-bound)&^m
		code -= bound &^ m
		sym = sym<<1 | (m + 1)
		offs = o0&m | o1&^m
		i = i0&m | i1&^m
		v = n0&m | n1&^m
		match = next
		rng, code, ip = rcNorm(rng, code, in, ip)
	}
	return sym, rng, code, ip
}

// decode status beyond an error.
const (
	decodeOK     = iota // reached end
	decodeMarker        // met the end-of-payload marker
)

// decode decodes into out[pos:end], with out[:pos] the dictionary's history
// since its last reset, and returns the new position. It stops at end, or
// at an end-of-payload marker (status decodeMarker). A match that passes
// end is cut there and finished by the next call (d.pending). Errors are
// errCorruptData; the caller places them.
func (d *lzmaDecoder) decode(rc *rangeDecoder, out []byte, pos, end int) (int, int, error) {
	out = out[:end]
	rng, code, in, ip := rc.rng, rc.code, rc.in, rc.ip
	state := d.state
	rep0, rep1, rep2, rep3 := d.rep0, d.rep1, d.rep2, d.rep3
	pbMask := uint32(1)<<d.pb - 1
	lpMask := uint32(1)<<d.lp - 1
	lc := d.lc
	dictSize := d.dictSize
	status := decodeOK
	var err error

	if d.pending > 0 {
		pos = copyMatch(out, pos, int(rep0)+1, min(d.pending, end-pos))
		d.pending -= min(d.pending, end-pos)
	}

	for pos < end {
		posState := uint32(pos) & pbMask
		var bit uint32
		bit, rng, code = rcBit(&d.isMatch[(state<<4|posState)&0xff], rng, code)
		rng, code, ip = rcNorm(rng, code, in, ip)
		if bit == 0 {
			// Literal: 8 bits coded with the previous byte and the
			// position as context, and after a match with the byte at
			// rep0 as a hint until the first differing bit.
			var prev uint32
			if pos > 0 {
				prev = uint32(out[pos-1])
			}
			base := ((uint32(pos)&lpMask)<<lc + prev>>(8-lc)) * literalCoders
			probs := (*[literalCoders]uint16)(d.literal[base : base+literalCoders])
			var sym uint32
			if state >= 7 {
				if int(rep0) >= pos {
					err = errCorruptData
					break
				}
				sym, rng, code, ip = matchedLiteral(probs, uint32(out[pos-int(rep0)-1]), rng, code, in, ip)
			} else {
				sym, rng, code, ip = literal(probs, rng, code, in, ip)
			}
			out[pos] = byte(sym)
			pos++
			switch {
			case state < 4:
				state = 0
			case state < 10:
				state -= 3
			default:
				state -= 6
			}
			continue
		}

		var length uint32
		bit, rng, code = rcBit(&d.isRep[state&15], rng, code)
		rng, code, ip = rcNorm(rng, code, in, ip)
		if bit == 0 {
			// A match with a new distance.
			length, rng, code, ip = decodeLen(&d.matchLen, posState, rng, code, in, ip)
			var dist uint32
			dist, rng, code, ip = d.decodeDist(length, rng, code, in, ip)
			if dist == 0xffffffff {
				status = decodeMarker
				break
			}
			rep3, rep2, rep1, rep0 = rep2, rep1, rep0, dist
			if state < 7 {
				state = 7
			} else {
				state = 10
			}
		} else {
			bit, rng, code = rcBit(&d.isRepG0[state&15], rng, code)
			rng, code, ip = rcNorm(rng, code, in, ip)
			if bit == 0 {
				bit, rng, code = rcBit(&d.isRep0Long[(state<<4|posState)&0xff], rng, code)
				rng, code, ip = rcNorm(rng, code, in, ip)
				if bit == 0 {
					// Short rep: one byte from distance rep0.
					if int(rep0) >= pos {
						err = errCorruptData
						break
					}
					if state < 7 {
						state = 9
					} else {
						state = 11
					}
					out[pos] = out[pos-int(rep0)-1]
					pos++
					continue
				}
			} else {
				var dist uint32
				bit, rng, code = rcBit(&d.isRepG1[state&15], rng, code)
				rng, code, ip = rcNorm(rng, code, in, ip)
				if bit == 0 {
					dist = rep1
				} else {
					bit, rng, code = rcBit(&d.isRepG2[state&15], rng, code)
					rng, code, ip = rcNorm(rng, code, in, ip)
					if bit == 0 {
						dist = rep2
					} else {
						dist = rep3
						rep3 = rep2
					}
					rep2 = rep1
				}
				rep1 = rep0
				rep0 = dist
			}
			length, rng, code, ip = decodeLen(&d.repLen, posState, rng, code, in, ip)
			if state < 7 {
				state = 8
			} else {
				state = 11
			}
		}
		if int(rep0) >= pos || rep0 >= dictSize {
			err = errCorruptData
			break
		}
		n := int(length) + minMatchLen
		if left := end - pos; n > left {
			d.pending = n - left
			n = left
		}
		pos = copyMatch(out, pos, int(rep0)+1, n)
	}

	rc.rng, rc.code, rc.ip = rng, code, ip
	d.state = state
	d.rep0, d.rep1, d.rep2, d.rep3 = rep0, rep1, rep2, rep3
	return pos, status, err
}

// copyMatch copies n bytes from dist bytes back to out[pos:] and returns the
// new position. The caller checked that dist <= pos and pos+n <= len(out).
func copyMatch(out []byte, pos, dist, n int) int {
	src := pos - dist
	end := pos + n
	// Most matches are short: copy them in 8-byte words, which may write
	// up to 7 bytes past end but not past out, where decoding will
	// overwrite them. With dist >= 8 every word read is already final.
	if dist >= 8 && n <= 32 && pos+(n+7)&^7 <= len(out) {
		for ; pos < end; pos, src = pos+8, src+8 {
			binary.LittleEndian.PutUint64(out[pos:pos+8], binary.LittleEndian.Uint64(out[src:src+8]))
		}
		return end
	}
	if dist >= n {
		copy(out[pos:end], out[src:end-dist])
		return end
	}
	// Overlapping: the match repeats the last dist bytes. Copy in
	// growing pieces, each a whole repetition of what is already there.
	for pos < end {
		pos += copy(out[pos:end], out[src:pos])
	}
	return end
}
