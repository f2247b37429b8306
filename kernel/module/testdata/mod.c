// mod.c: a minimal kernel-module-like object for kernel/module's tests,
// built at test time with
//   gcc -O2 -c -fno-pic -mcmodel=kernel -mno-red-zone -fno-stack-protector mod.c
// It has two functions, an ops table in .rodata with two function
// pointers (two R_X86_64_64 relocations), a call to an external symbol
// (ext_helper, resolved against "the kernel") and a .modinfo section.

struct ops {
	int (*start)(int);
	int (*stop)(int);
};

extern int ext_helper(int);

__attribute__((noinline)) int mod_start(int x) { return ext_helper(x) + 1; }
__attribute__((noinline)) int mod_stop(int x) { return x - 1; }

const struct ops mod_ops = { .start = mod_start, .stop = mod_stop };

static const char modinfo[] __attribute__((section(".modinfo"), used)) =
	"license=GPL\0name=test_mod\0vermagic=6.1.0-56-cloud-amd64 SMP mod_unload modversions ";
