// Package debpkg reads Debian binary packages (.deb) in memory: the control
// fields and the regular files a caller asks for, such as the vmlinuz and the
// modules of a linux-image package.
//
// It owns the .deb container (deb(5): an ar archive of debian-binary,
// control.tar and data.tar, each tar compressed with xz, gzip, zstd, bzip2 or
// lzma, or not at all), the control file's fields, the md5sums control file,
// and a tar reader for what Debian's tars hold (ustar and GNU headers, GNU
// long names, PAX path/linkpath/size records). It does not install, verify
// signatures, resolve dependencies, or know anything about kernels.
//
// Read decompresses data.tar once into one buffer (xz through internal/xz,
// whose blocks decode in parallel) and hands out the kept files as slices of
// it, without copying: 108 MB of data.tar for Debian's 6.1 cloud kernel, held
// as long as any of its File.Data is. Files the filter rejects cost only their
// tar header.
//
// Errors are *Error values: one line naming the member, the offset in the
// .deb (and in the member's uncompressed tar when that is where it went wrong)
// and what was expected, wrapping ErrFormat, ErrUnsupported or ErrTruncated,
// or internal/xz's error for damaged xz data.
package debpkg
