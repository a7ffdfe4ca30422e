/* plugin_scratch: M-mode accesses to a device loaded from a plugin
 * (tests/plugin/good.c, at the platform bus's first window): its register
 * names come from the plugin's own table. A word read of SCRATCH (its
 * init= value), a write, the read back, WRITES; then an 8-byte load,
 * which the plugin's `valid` (4 bytes only) refuses: an access fault. */
#include "trace.h"

#define SCRATCH_BASE 0x04000000

main:
	li s0, SCRATCH_BASE
	lw t1, 0(s0)
	li t2, 0x77
	li a0, 1
	bne t1, t2, fail
	li t2, 0x1234
	sw t2, 0(s0)
	lw t1, 0(s0)
	li a0, 2
	bne t1, t2, fail
	lw t1, 4(s0)                   /* WRITES: 1 */
	li t2, 1
	li a0, 3
	bne t1, t2, fail
	ld t1, 0(s0)                   /* 8 bytes: refused */
	la t0, trap_cause
	ld t1, 8(t0)                   /* trap_count */
	li t2, 1
	li a0, 4
	bne t1, t2, fail
	ld t1, 0(t0)                   /* load access fault */
	li t2, 5
	li a0, 5
	bne t1, t2, fail
	j pass
