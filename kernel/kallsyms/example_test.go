package kallsyms_test

import (
	"fmt"
	"strings"

	"sysweight/kernel/kallsyms"
)

// Runtime addresses from /proc/kallsyms are moved back to the link-time
// addresses of the image, where a disassembler finds the code.
func ExampleRebase() {
	proc := "ffffffff9ae00000 T _text\nffffffff9ae01000 T do_one_initcall\n0000000000001000 A cpu_debug_store\n"
	res, err := kallsyms.ParseMap(strings.NewReader(proc), kallsyms.MapOptions{})
	if err != nil {
		panic(err)
	}
	slide, _ := kallsyms.KASLRSlide(res.Symbols, kallsyms.DefaultX86_64Text)
	linked, _ := kallsyms.Rebase(res.Symbols, slide)
	fmt.Printf("slide %#x\n", slide)
	for _, s := range linked {
		fmt.Printf("%016x %c %s\n", s.Addr, s.Type, s.Name)
	}
	// Output:
	// slide 0x19e00000
	// ffffffff81000000 T _text
	// ffffffff81001000 T do_one_initcall
	// 0000000000001000 A cpu_debug_store
}
