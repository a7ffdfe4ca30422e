/* Deterministic time: -icount shift=N|auto (QEMU's option).
 *
 * Virtual time is made of executed instructions only: every instruction
 * any hart executes advances it by 2^shift ns, and a machine whose harts
 * all sleep in WFI jumps straight to its next timer deadline instead of
 * waiting on the host. Each hart's slice is cut where the next timer is
 * due, and timers that come due fire before the next hart runs, so
 * timers fire at exact instruction counts; the harts take turns in a
 * fixed order. Everything a guest can observe then depends only on the
 * instruction count: console input (from a file, or --replay) is handed
 * to the UART at the end of a round, whose position is itself fixed.
 *
 * `auto` is shift 1 (2 ns per instruction, a 500 MHz hart), fixed: QEMU's
 * auto measures the host to keep virtual time near real time, which no
 * deterministic run can do.
 */
#ifndef GLASS_MACHINE_ICOUNT_H
#define GLASS_MACHINE_ICOUNT_H

#include <stdbool.h>

struct machine;

#define ICOUNT_AUTO_SHIFT 1
#define ICOUNT_MAX_SHIFT 10

/* One round of the harts: each runnable hart runs up to a slice, cut at
 * the next timer deadline; due timers fire before each hart's turn.
 * Returns whether any hart ran. */
bool icount_run_round(struct machine *m);

/* Every hart asleep: jump virtual time to the next timer deadline and
 * fire what is due. Returns false when no timer is armed (only input
 * can wake the machine). */
bool icount_idle(struct machine *m);

#endif
