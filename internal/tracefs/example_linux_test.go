package tracefs_test

import (
	"encoding/binary"
	"fmt"
	"log"
	"os"

	"sysweight/internal/leftovers"
	"sysweight/internal/tracefs"
)

// Count the syscalls of this process's main thread and what it forks from
// now on, from the per-CPU buffers of a private instance. Needs root; not
// run as a test.
func ExampleFS_NewInstance() {
	fs, err := tracefs.Open()
	if err != nil {
		log.Fatal(err) // errors.Is(err, tracefs.ErrNeedsRoot) or ErrNotMounted
	}
	defer fs.Close()
	in, err := fs.NewInstance(tracefs.Config{Tag: leftovers.Trace, BufferKB: 1024})
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close() // on every path: readers stopped, instance removed
	if err := in.Enable("raw_syscalls/sys_enter"); err != nil {
		log.Fatal(err)
	}
	if _, err := in.AddPIDs(os.Getpid()); err != nil {
		log.Fatal(err)
	}
	r, err := in.OpenRaw()
	if err != nil {
		log.Fatal(err)
	}
	events := 0
	r.Start(func(cpu int, p tracefs.Page) error {
		_, err := p.Events(func(ts uint64, rec []byte) {
			_ = binary.LittleEndian.Uint16(rec) // common_type: the event's ID
			events++
		})
		return err
	})
	if err := in.SetOn(true); err != nil {
		log.Fatal(err)
	}
	_ = os.Getppid()
	if err := r.Stop(); err != nil {
		log.Fatal(err)
	}
	lost, _ := in.Lost()
	fmt.Println(events, "events,", lost, "lost")
}
