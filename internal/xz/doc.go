// Package xz decodes the .xz format (XZ Utils' container around LZMA2) and
// the legacy .lzma format, fast enough to read a Debian package's data.tar.xz
// as quickly as the xz tool does.
//
// It owns the container (stream header and footer, block headers, the index,
// stream padding, concatenated streams), the CRC32, CRC64 and SHA-256 checks,
// LZMA2 and its LZMA decoder, and the x86 BCJ and delta filters. It does not
// encode, and it does not decode the BCJ filters of other architectures (they
// are reported as ErrUnsupported).
//
// Two ways in:
//
//   - Decode takes the whole input as a []byte. When the input is whole
//     streams, it reads the indexes from the end (as "xz --list" does),
//     allocates the output once at the size they give, and decodes the blocks
//     in parallel, each straight into its place in that buffer, verifying each
//     against its index record and check. XZ Utils' multi-threaded encoder
//     (xz -T, used by dpkg-deb) cuts data into such blocks; a single-block
//     stream decodes on one core.
//   - NewReader streams from an io.Reader, block after block, with a bounded
//     window (the dictionary size plus half again). Decode falls back to it
//     when the input does not parse from its end (trailing garbage, a
//     truncated file), so that the error names the place it goes wrong.
//
// Errors are *Error values that give the input offset, the block and what was
// wrong, wrapping one of ErrFormat, ErrCorrupt, ErrTruncated, ErrCheck,
// ErrUnsupported and ErrTooLarge. Bad input never panics and never loops: every
// decoding step consumes input or ends, and the dictionary and the output are
// bounded by Config.
//
// The formats are implemented from their specifications: "The .xz File
// Format" 1.0.0 (Lasse Collin, Igor Pavlov; tukaani.org/xz/xz-file-format.txt)
// and the LZMA specification in the LZMA SDK (Igor Pavlov,
// DOC/lzma-specification.txt). LZMA2's chunk format is specified only by its
// code; lzma2.go states the rules it follows.
package xz
