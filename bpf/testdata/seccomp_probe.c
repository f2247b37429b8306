/*
 * seccomp_probe: asks the running kernel about classic BPF seccomp
 * programs, for bpf's differential tests. Built by the tests with gcc.
 *
 * stdin, repeated:  P n  then n lines "code jt jf k"  then  V m  then m
 * lines of six argument values (decimal), m <= 64. For each program, one
 * line "accept 0" or "accept ERRNO", what seccomp(SET_MODE_FILTER) said;
 * then, if accepted, one line per vector: "errno N" (N = 0 when syscall
 * 1000 with those arguments returned 0) or "signal S" when it killed the
 * caller.
 *
 * A child installs the filter and makes the calls. It reports through
 * shared memory, so it needs no syscall after each call (the filter may
 * forbid any); it then tries to exit, and yields while the parent kills it
 * if the filter forbids that. A child killed by a call is replaced by a
 * new one for the remaining vectors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NR 1000
#define MAXV 64

struct shared {
	volatile int done;
	volatile int count;	       /* vectors finished */
	volatile long install;	       /* seccomp() errno, 0 on success */
	volatile long result[MAXV];    /* errno of each call, 0 on success */
};

static struct shared *sh;

static void park(void)
{
	sh->done = 1;
	syscall(SYS_exit_group, 0);
	for (;;)
		syscall(SYS_sched_yield);
}

/* run forks a child that installs prog and calls NR with vectors from..m-1;
 * returns the child's wait status, or -1 when it finished (sh->done). */
static int run(struct sock_fprog *prog, unsigned long long (*vs)[6], int from, int m)
{
	sh->done = 0;
	sh->count = from;
	sh->install = -1;
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
			_exit(3);
		long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
		sh->install = r == 0 ? 0 : errno;
		if (r != 0)
			park();
		for (int i = from; i < m; i++) {
			r = syscall(NR, vs[i][0], vs[i][1], vs[i][2], vs[i][3], vs[i][4], vs[i][5]);
			sh->result[i] = r == 0 ? 0 : errno;
			sh->count = i + 1;
		}
		park();
	}
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return sh->done ? -1 : status;
		if (sh->done) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		sched_yield();
	}
}

int main(void)
{
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	int n;
	while (scanf(" P %d", &n) == 1) {
		struct sock_filter *f = calloc(n > 0 ? n : 1, sizeof *f);
		for (int i = 0; i < n; i++) {
			unsigned code, jt, jf, k;
			if (scanf("%u %u %u %u", &code, &jt, &jf, &k) != 4)
				return 2;
			f[i] = (struct sock_filter){code, jt, jf, k};
		}
		int m;
		if (scanf(" V %d", &m) != 1 || m < 0 || m > MAXV)
			return 2;
		unsigned long long vs[MAXV][6];
		for (int i = 0; i < m; i++)
			for (int j = 0; j < 6; j++)
				if (scanf("%llu", &vs[i][j]) != 1)
					return 2;
		struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
		char line[MAXV][32];
		int from = 0, st;
		for (;;) {
			st = run(&prog, vs, from, m);
			if (sh->install != 0)
				break;
			for (int i = from; i < sh->count; i++)
				snprintf(line[i], sizeof line[i], "errno %ld", sh->result[i]);
			if (st == -1)
				break;
			/* killed by the call of vector sh->count */
			int k = sh->count;
			if (k >= m)
				break;
			if (WIFSIGNALED(st))
				snprintf(line[k], sizeof line[k], "signal %d", WTERMSIG(st));
			else
				snprintf(line[k], sizeof line[k], "exit %d", WEXITSTATUS(st));
			from = k + 1;
			if (from >= m)
				break;
		}
		if (sh->install == -1) {
			printf("accept child-died-%d\n", st);
		} else {
			printf("accept %ld\n", sh->install);
			if (sh->install == 0)
				for (int i = 0; i < m; i++)
					printf("%s\n", line[i]);
		}
		free(f);
	}
	return 0;
}
