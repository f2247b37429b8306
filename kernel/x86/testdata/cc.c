/*
 * Fixture for kernel/x86 tests: functions whose cyclomatic complexity is
 * counted by hand in cc_test.go. Compiled at test time with
 *   gcc -O1 -foptimize-sibling-calls -fno-jump-tables -fno-if-conversion -fno-if-conversion2
 *       -fno-tree-ch -fcf-protection=none -c cc.c
 * -foptimize-sibling-calls makes tail() a tail call as at -O2.
 * -fno-jump-tables keeps switches as compare chains, -fno-if-conversion*
 * keeps ifs as branches (no cmov/setcc), -fno-tree-ch stops gcc from copying
 * a loop's test in front of the loop (which adds a second jcc for one
 * source decision). The switch has three cases because gcc 12 turns four
 * into a binary decision tree whose pivot adds a jcc (je 3; jg) that the
 * source does not have.
 */

static __attribute__((noinline)) int sink(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

static __attribute__((noinline, noreturn)) void die(void)
{
	__builtin_trap();
}

int straight(int a, int b)
{
	return sink(a * b + 3) - 1;
}

int one_if(int x)
{
	if (x > 10)
		x = sink(x);
	return x + 1;
}

int if_else_chain(int x)
{
	int r;

	if (x < 0)
		r = sink(-x);
	else if (x == 0)
		r = sink(7);
	else
		r = sink(x * 2);
	return r + 1;
}

int loop_if(const int *a, int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		if (a[i] > 0)
			s += sink(a[i]);
	return s;
}

int and_or(int a, int b, int c)
{
	if (sink(a) > 0 && (sink(b) > 0 || sink(c) == 3))
		return sink(a + b + c);
	return 0;
}

int switch3(int x)
{
	int r;

	switch (x) {
	case 1:
		r = sink(10);
		break;
	case 2:
		r = sink(20);
		break;
	case 3:
		r = sink(30);
		break;
	default:
		r = 0;
	}
	return r + 1;
}

int checked(int x)
{
	if (x < 0)
		die();
	return sink(x) * 2;
}

int bug_on(int x)
{
	if (x == 42)
		__builtin_trap();
	return sink(x) + 5;
}

int tail(int x)
{
	return sink(x + 1);
}

int indirect(int (*f)(int), int x)
{
	return f(x) + sink(x);
}
