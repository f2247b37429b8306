package passthrough

import (
	"fmt"
	"io"
	"strings"
)

// ProbeInSandbox is where the probe sits in the bundle's rootfs and the
// initramfs.
const ProbeInSandbox = "/sysweight-probe"

// CpioEntry is one file of a newc ("070701") cpio archive, the format the
// kernel unpacks as an initramfs (Documentation/driver-api/early-userspace/
// buffer-format.rst).
type CpioEntry struct {
	Name string // without a leading slash
	Mode uint32 // type bits included: 0o040755 a directory, 0o100755 a file, 0o120777 a symlink, 0o020600 a char device
	Data []byte // file contents, or the symlink's target
	// RdevMajor, RdevMinor for device nodes.
	RdevMajor, RdevMinor uint32
}

// WriteCpio writes entries and the trailer in newc format. Every field is
// eight hex digits; names and data are padded to four bytes.
func WriteCpio(w io.Writer, entries []CpioEntry) error {
	ino := uint32(1)
	write := func(e CpioEntry) error {
		nlink := uint32(1)
		if e.Mode&0o170000 == 0o040000 {
			nlink = 2
		}
		name := e.Name + "\x00"
		hdr := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
			ino, e.Mode, 0, 0, nlink, 0, len(e.Data), 0, 0, e.RdevMajor, e.RdevMinor, len(name), 0)
		ino++
		buf := make([]byte, 0, len(hdr)+len(name)+len(e.Data)+8)
		buf = append(buf, hdr...)
		buf = append(buf, name...)
		buf = pad4(buf)
		buf = append(buf, e.Data...)
		buf = pad4(buf)
		_, err := w.Write(buf)
		return err
	}
	for _, e := range entries {
		if e.Name == "" || strings.HasPrefix(e.Name, "/") {
			return fmt.Errorf("cpio entry %q: want a relative, non-empty name", e.Name)
		}
		if err := write(e); err != nil {
			return fmt.Errorf("writing cpio entry %s: %w", e.Name, err)
		}
	}
	if err := write(CpioEntry{Name: "TRAILER!!!"}); err != nil {
		return fmt.Errorf("writing cpio trailer: %w", err)
	}
	return nil
}

// pad4 pads b to a multiple of four bytes; the header is 110 bytes, so
// offsets are counted from the start of the archive, which b always is a
// suffix of at a multiple of four.
func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// GuestInit is the /init script of the qemu-tcg initramfs: it mounts /proc
// (the probe re-executes /proc/self/exe), runs the probe on the console and
// powers the guest off, which ends QEMU.
func GuestInit(probeArgs []string) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString("/bin/busybox mount -t proc proc /proc\n")
	b.WriteString("/bin/busybox mount -t sysfs sysfs /sys\n")
	b.WriteString(ProbeInSandbox)
	for _, a := range probeArgs {
		b.WriteString(" '" + strings.ReplaceAll(a, "'", `'\''`) + "'")
	}
	b.WriteString("\n/bin/busybox poweroff -f\n")
	return b.String()
}
