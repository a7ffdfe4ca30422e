/* straddle.S: a 32-bit instruction whose two halves lie in two pages
 * (the C extension allows it: a 4-byte instruction at page offset 0xffe).
 * It must run like any other, again and again, and after a store to its
 * second half and FENCE.I it must run as the new instruction: glass's JIT
 * runs such an instruction through the interpreter, fetched anew each
 * time (docs/cpu.md, "The JIT"), and this is what that must get right.
 */
#include "test.h"

#define N 100

TESTS_BEGIN

/* call it N times: addi a5, a5, 3 */
	CASE(1)
	li a5, 0
	li a2, N
1:	call across
	addi a2, a2, -1
	bnez a2, 1b
	CHECK(a5, 300)

/* rewrite its second half (the immediate) to make addi a5, a5, 5 */
	CASE(2)
	la a1, across
	li t0, 0x0057
	sh t0, 2(a1)
	fence.i
	li a5, 0
	li a2, N
1:	call across
	addi a2, a2, -1
	bnez a2, 1b
	CHECK(a5, 500)

/* and its first half: addi a4, a5, 5 (rd is in the first half) */
	CASE(3)
	la a1, across
	li t0, 0x8713
	sh t0, 0(a1)
	fence.i
	li a5, 1
	li a4, 0
	call across
	CHECK(a4, 6)
	CHECK(a5, 1)

	TESTS_END

/* the instruction at offset 0xffe of a page */
	.text
	.balign 4096
	.skip 4094
	.option push
	.option norvc
across:
	addi a5, a5, 3        /* 0x00378793: 0x8793 here, 0x0037 next page */
	ret
	.option pop
