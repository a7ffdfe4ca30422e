/* A bare-metal program for the GDB tests (tests/gdb/run.sh), on the
 * bare-metal examples' start-up code (-bios none, M mode at 0x80000000).
 *
 * It exits through the test finisher with `answer`, which is 3 unless a
 * debugger changes it; squares() gives a function to break in and step
 * through; spin() never returns unless a debugger clears `spinning`, for
 * Ctrl-C; counter is stored to once per call of bump(), for watchpoints.
 * Every hart runs main()'s loop in its own slot, so SMP tests see the harts
 * at different places. */
#include <stdint.h>

#define FINISHER 0x100000ul

volatile int answer = 3;
volatile int spinning;
volatile uint64_t counter;
volatile uint64_t per_hart[8];

__attribute__((noinline)) int square(int x)
{
	return x * x;
}

__attribute__((noinline)) int squares(int n)
{
	int sum = 0;

	for (int i = 1; i <= n; i++)
		sum += square(i);
	return sum;
}

__attribute__((noinline)) void bump(void)
{
	counter = counter + 1;
}

__attribute__((noinline)) void spin(void)
{
	while (spinning)
		per_hart[0]++;
}

static void finish(unsigned code)
{
	*(volatile uint32_t *)FINISHER = code << 16 | 0x3333;
	for (;;)
		;
}

int main(void)
{
	int s = squares(3);           /* 14 */

	bump();
	bump();
	spin();
	if (s != 14 || counter != 2)
		finish(99);
	finish((unsigned)answer);
	return 0;
}
