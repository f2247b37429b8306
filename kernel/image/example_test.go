package image_test

import (
	"fmt"

	"sysweight/kernel/image"
)

// Symbols and code of a Debian kernel from its stripped bzImage alone.
func ExampleLoadFile() {
	im, err := image.LoadFile("/boot/vmlinuz-6.1.0-56-cloud-amd64")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer im.Close()
	syms, src, err := im.Vmlinux.Symbols() // .symtab if present, else kallsyms
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := im.Vmlinux.Text()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d symbols from %s; .text at %#x, %d bytes\n", len(syms), src, text.Addr, len(text.Data))
}
