// KASAN: use-after-free Read in fixture_release
// https://syzkaller.appspot.com/bug?id=0000000000000000000000000000000000000001
// status:fixed
// A reproducer written for sysweight's tests in syz-prog2c's layout; the
// expected counts are in repro_test.go.

#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

static void setup_sandbox(void)
{
  syscall(SYS_unshare, 0x40000000);
  syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, 0);
}

static long syz_open_dev(volatile long a0, volatile long a1, volatile long a2)
{
  return syscall(__NR_openat, -100, (char*)a0, a2, 0);
}

uint64_t r[2] = {0xffffffffffffffff, 0xffffffffffffffff};

void execute_call(int call)
{
  intptr_t res = 0;
  switch (call) {
  case 0:
    /* syscall(__NR_kill, 0, 9) in a comment does not count */
    res = syscall(__NR_socket, 0x10ul, 3ul, 0ul);
    if (res != -1)
      r[0] = res;
    break;
  case 1:
    memcpy((void*)0x20000000, "/dev/fixture#\000", 14);
    res = syz_open_dev(0x20000000, 0, 0);
    if (res != -1)
      r[1] = res;
    break;
  case 2:
    syscall(__NR_ioctl, r[1], 0x4008ae61ul, 0x20000040ul);
    syscall(__NR_ioctl, r[1], 0xae80ul, 0ul);
    break;
  case 3:
    syscall(__NR_sendmsg, r[0], 0x20000100ul,
            0ul);
    syz_usb_connect(0, 0, 0, 0);
    syscall(__NR_mmap, 0x20000000ul, 0x800000ul, 3ul, 0x12ul, r[1], 0ul);
    syscall(__NR_exit_group, 0);
    break;
  }
}
int main(void)
{
  syscall(__NR_mmap, 0x1ffff000ul, 0x1000ul, 0ul, 0x32ul, -1, 0ul);
  syscall(__NR_mmap, 0x20000000ul, 0x1000000ul, 7ul, 0x32ul, -1, 0ul);
  syscall(__NR_mmap, 0x21000000ul, 0x1000ul, 0ul, 0x32ul, -1, 0ul);
  setup_sandbox();
  loop();
  return 0;
}
