//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sysweight/kernel/ftrace/internal/secfile"
)

const tracefs = "/sys/kernel/tracing"

// guest is the state of the init process.
type guest struct {
	cfg  secfile.Config
	out  *os.File
	mu   sync.Mutex // serialises section writes
	w    *secfile.Writer
	log  bytes.Buffer
	cpus []int
}

func (g *guest) logf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(&g.log, "%s\n", msg)
	fmt.Fprintf(os.Stderr, "ftguest: %s\n", msg)
}

func (g *guest) section(name string, data []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.w.Write(name, data)
}

func (g *guest) copyFile(name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	g.mu.Lock()
	defer g.mu.Unlock()
	_, err = g.w.Copy(name, f)
	return err
}

// runInit is pid 1: it never returns; the guest powers off.
func runInit() {
	g := &guest{}
	err := g.run()
	if err != nil {
		g.logf("error: %v", err)
	}
	if g.w != nil {
		if err != nil {
			_ = g.section(secfile.SecError, []byte(err.Error()))
		}
		_ = g.section(secfile.SecLog, g.log.Bytes())
		if cerr := g.w.Close(); cerr != nil {
			fmt.Fprintf(os.Stderr, "ftguest: closing output: %v\n", cerr)
		}
		_ = g.out.Sync()
		_ = g.out.Close()
	}
	unix.Sync()
	_ = unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	select {}
}

func (g *guest) run() error {
	for _, m := range []struct{ src, dst, typ string }{
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"devtmpfs", "/dev", "devtmpfs"},
		{"devpts", "/dev/pts", "devpts"},
		{"tmpfs", "/tmp", "tmpfs"},
		{"tracefs", tracefs, "tracefs"},
	} {
		if err := os.MkdirAll(m.dst, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(m.src, m.dst, m.typ, 0, ""); err != nil {
			return fmt.Errorf("mount %s on %s: %w", m.typ, m.dst, err)
		}
	}
	b, err := os.ReadFile(secfile.ConfigPath)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &g.cfg); err != nil {
		return fmt.Errorf("%s: %w", secfile.ConfigPath, err)
	}
	// The output disk's driver may be among the modules.
	for _, m := range g.cfg.Modules {
		if err := loadModule(m); err != nil {
			return err
		}
	}
	g.logf("loaded %d modules", len(g.cfg.Modules))
	out, err := waitOpen(g.cfg.Output, 10*time.Second)
	if err != nil {
		return err
	}
	g.out, g.w = out, secfile.NewWriter(out)
	if err := loUp(); err != nil {
		return err
	}
	for name, path := range map[string]string{
		secfile.SecCmdline: "/proc/cmdline",
		secfile.SecModules: "/proc/modules",
	} {
		if err := g.copyFile(name, path); err != nil {
			return err
		}
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return err
	}
	uname := strings.Join([]string{unix.ByteSliceToString(u.Sysname[:]), unix.ByteSliceToString(u.Release[:]),
		unix.ByteSliceToString(u.Version[:]), unix.ByteSliceToString(u.Machine[:])}, " ")
	if err := g.section(secfile.SecUname, []byte(uname)); err != nil {
		return err
	}
	if err := g.setupTracing(); err != nil {
		return err
	}
	for _, w := range g.cfg.Workloads {
		if err := g.runWorkload(w); err != nil {
			return fmt.Errorf("workload %s: %w", w.Name, err)
		}
	}
	if err := tfs("current_tracer", "nop"); err != nil {
		return err
	}
	return g.copyFile(secfile.SecKallsyms, "/proc/kallsyms")
}

func loadModule(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.FinitModule(int(f.Fd()), "", 0); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("loading %s: %w", path, err)
	}
	return nil
}

// waitOpen opens a device that a just-loaded driver may still be probing.
func waitOpen(path string, limit time.Duration) (*os.File, error) {
	deadline := time.Now().Add(limit)
	for {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err == nil || time.Now().After(deadline) {
			return f, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// loUp sets IFF_UP on lo, as "ip link set lo up" does.
func loUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("lo flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return check("lo up", unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr))
}

// tfs writes value to a tracefs file, replacing what was there.
func tfs(file, value string) error {
	f, err := os.OpenFile(filepath.Join(tracefs, file), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("tracefs %s <- %q: %w", file, value, err)
	}
	return nil
}

func (g *guest) setupTracing() error {
	dirs, err := filepath.Glob(filepath.Join(tracefs, "per_cpu", "cpu*"))
	if err != nil || len(dirs) == 0 {
		return fmt.Errorf("tracefs has no per_cpu directories")
	}
	for _, d := range dirs {
		n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "cpu"))
		if err != nil {
			return fmt.Errorf("%s: not a cpu directory", d)
		}
		g.cpus = append(g.cpus, n)
	}
	steps := [][2]string{{"tracing_on", "0"}, {"current_tracer", "nop"}, {"set_ftrace_pid", "\n"}}
	if g.cfg.BufferKiB > 0 {
		steps = append(steps, [2]string{"buffer_size_kb", strconv.Itoa(g.cfg.BufferKiB)})
	}
	for _, o := range g.cfg.Options {
		v := "1"
		if rest, ok := strings.CutPrefix(o, "no"); ok {
			o, v = rest, "0"
		}
		steps = append(steps, [2]string{"options/" + o, v})
	}
	steps = append(steps, [2]string{"current_tracer", "function_graph"})
	for _, s := range steps {
		if err := tfs(s[0], s[1]); err != nil {
			return err
		}
	}
	for name, path := range map[string]string{
		secfile.SecOptions:    "trace_options",
		secfile.SecHeaderPage: "events/header_page",
		secfile.SecEntryFmt:   "events/ftrace/funcgraph_entry/format",
		secfile.SecExitFmt:    "events/ftrace/funcgraph_exit/format",
	} {
		if err := g.copyFile(name, filepath.Join(tracefs, path)); err != nil {
			return err
		}
	}
	g.logf("tracing: function_graph on cpus %v, %d KiB per cpu", g.cpus, g.cfg.BufferKiB)
	return nil
}

// runWorkload traces one workload. The program is started behind a shell
// that waits for a line on stdin; its pid goes into set_ftrace_pid and
// tracing starts before the line is sent, so the trace begins with the
// exec of the workload and follows every process it forks.
func (g *guest) runWorkload(w secfile.Workload) error {
	st := secfile.Status{CPUs: len(g.cpus)}
	// Clear the buffers: opening trace with O_TRUNC resets them.
	if err := tfs("trace", ""); err != nil {
		return err
	}
	dir := filepath.Join("/tmp", "w-"+w.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	stdout, err := os.Create(filepath.Join("/tmp", w.Name+".stdout"))
	if err != nil {
		return err
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join("/tmp", w.Name+".stderr"))
	if err != nil {
		return err
	}
	defer stderr.Close()
	cmd := exec.Command("/bin/busybox", append([]string{"sh", "-c", `read _ && exec "$@"`, "sh"}, w.Argv...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/bin", "HOME=" + dir, "TERM=dumb"}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	go_, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := tfs("set_ftrace_pid", strconv.Itoa(cmd.Process.Pid)); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return err
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	drainErr := make([]error, len(g.cpus))
	rawBytes := make([]int64, len(g.cpus))
	drain := func() {
		for i, cpu := range g.cpus {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rawBytes[i], drainErr[i] = g.drain(w.Name, cpu, &stop)
			}()
		}
	}
	if err := tfs("tracing_on", "1"); err != nil {
		return err
	}
	if !w.Text {
		drain()
	}
	start := time.Now()
	_, _ = io.WriteString(go_, "go\n")
	_ = go_.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timeout := time.Duration(w.TimeoutSec) * time.Second
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	var werr error
	select {
	case werr = <-done:
	case <-time.After(timeout):
		st.TimedOut = true
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		werr = <-done
	}
	st.Seconds = time.Since(start).Seconds()
	if err := tfs("tracing_on", "0"); err != nil {
		return err
	}
	st.Exit = cmd.ProcessState.ExitCode()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		st.Signal = ws.Signal().String()
	}
	if werr != nil && st.Exit == 0 {
		st.Error = werr.Error()
	}
	if w.Text {
		if err := g.copyFile(secfile.TextName(w.Name), filepath.Join(tracefs, "trace")); err != nil {
			return err
		}
		stop.Store(true)
		drain()
	} else {
		stop.Store(true)
	}
	wg.Wait()
	for i, err := range drainErr {
		if err != nil {
			return fmt.Errorf("draining cpu %d: %w", g.cpus[i], err)
		}
		st.RawBytes += rawBytes[i]
	}
	if err := tfs("set_ftrace_pid", "\n"); err != nil {
		return err
	}
	for _, cpu := range g.cpus {
		if err := g.copyFile(secfile.StatsName(w.Name, cpu), filepath.Join(tracefs, "per_cpu", fmt.Sprintf("cpu%d", cpu), "stats")); err != nil {
			return err
		}
	}
	for name, f := range map[string]*os.File{secfile.StdoutName(w.Name): stdout, secfile.StderrName(w.Name): stderr} {
		if err := g.copyFile(name, f.Name()); err != nil {
			return err
		}
	}
	sb, _ := json.Marshal(st)
	g.logf("workload %s: exit %d %s in %.1f s, %d bytes of ring buffer", w.Name, st.Exit, st.Signal, st.Seconds, st.RawBytes)
	_ = os.RemoveAll(dir)
	return g.section(secfile.StatusName(w.Name), sb)
}

// drain copies the ring-buffer pages of one CPU to the output in chunks
// until stop is set and the buffer is empty.
func (g *guest) drain(workload string, cpu int, stop *atomic.Bool) (int64, error) {
	path := filepath.Join(tracefs, "per_cpu", fmt.Sprintf("cpu%d", cpu), "trace_pipe_raw")
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	const page = 4096
	buf := make([]byte, 1<<20)
	fill := 0
	final := false // stop was seen: this pass empties the buffer
	var total int64
	flush := func() error {
		if fill == 0 {
			return nil
		}
		err := g.section(secfile.RawName(workload, cpu), buf[:fill])
		total += int64(fill)
		fill = 0
		return err
	}
	for {
		n, err := unix.Read(fd, buf[fill:fill+page])
		switch {
		case n > 0:
			if n != page {
				return total, fmt.Errorf("read %d bytes from %s, want whole %d-byte pages", n, path, page)
			}
			fill += n
			if fill+page > len(buf) {
				if err := flush(); err != nil {
					return total, err
				}
			}
			continue
		case err == unix.EINTR:
			continue
		case err != nil && err != unix.EAGAIN:
			return total, fmt.Errorf("read %s: %w", path, err)
		}
		// Empty for now (EAGAIN, or 0 while a page is being written).
		// Tracing is off before stop is set, so one more pass after
		// seeing it reads everything.
		if final {
			return total, flush()
		}
		if stop.Load() {
			final = true
			continue
		}
		time.Sleep(20 * time.Millisecond)
	}
}
