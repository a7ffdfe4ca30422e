/* guest_error: M-mode load and store at a physical address nothing
 * decodes (0x20000000). Each raises an access fault, which the handler
 * skips; the trace (guest-error) says where. */
#include "trace.h"

main:
	li s0, UNMAPPED_PA
	ld t1, 0(s0)
	sw t1, 8(s0)
	la t0, trap_cause
	ld t1, 8(t0)                   /* trap_count */
	li t2, 2
	li a0, 1
	bne t1, t2, fail
	ld t1, 0(t0)                   /* last cause: store access fault */
	li t2, 7
	li a0, 2
	bne t1, t2, fail
	j pass
