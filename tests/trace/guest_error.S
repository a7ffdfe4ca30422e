/* guest_error: M-mode load and store at a physical address nothing
 * decodes (0x20000000). Each raises an access fault, which the handler
 * skips; the trace (guest-error) says where. Then accesses the hypercall
 * device's register table does not take (a byte of MAGIC, a misaligned
 * word, a halfword store where no register is): no fault, the bus reads
 * zero or drops the write, and the trace says which register and why. */
#include "trace.h"

main:
	li s0, UNMAPPED_PA
	ld t1, 0(s0)
	sw t1, 8(s0)
	li s1, HC_BASE
	lbu t1, 0(s1)                  /* MAGIC, 1 byte: reads 0 */
	li a0, 3
	bnez t1, fail
	lw t1, 0x12(s1)                /* FEATURES + 2: misaligned */
	li a0, 4
	bnez t1, fail
	sh t1, 0x38(s1)                /* no register at 0x38 */
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
