/* zifencei.S: FENCE.I (Zifencei) and self-modifying code.
 * Unprivileged spec, "Zifencei": a FENCE.I makes stores to instruction
 * memory by the same hart visible to its subsequent instruction fetches.
 */
#include "test.h"

#define INSN_LI_A0(v)  (((v) << 20) | 0x513)   /* addi a0, x0, v */
#define INSN_RET       0x00008067               /* jalr x0, 0(ra) */
#define CINSN_LI_A0(v) (0x4501 | ((v) << 2))     /* c.li a0, v (0 <= v < 32) */
#define CINSN_RET      0x8082                   /* c.jr ra */

TESTS_BEGIN

/* Write a subroutine into a data buffer, FENCE.I, call it. */
	CASE(1)
	la a1, codebuf
	li a2, INSN_LI_A0(1)
	sw a2, 0(a1)
	li a2, INSN_RET
	sw a2, 4(a1)
	fence.i
	li a0, 0
	jalr ra, 0(a1)
	CHECK(a0, 1)

/* Rewrite it: after FENCE.I the new code runs. */
	CASE(2)
	li a2, INSN_LI_A0(2)
	sw a2, 0(a1)
	fence.i
	jalr ra, 0(a1)
	CHECK(a0, 2)

/* Compressed instructions written as halfwords. */
	CASE(3)
	li a2, CINSN_LI_A0(3)
	sh a2, 0(a1)
	li a2, CINSN_RET
	sh a2, 2(a1)
	fence.i
	jalr ra, 0(a1)
	CHECK(a0, 3)

/* Patch an instruction just ahead in the running code. */
	CASE(4)
	la a1, 1f
	li a2, INSN_LI_A0(4)
	sw a2, 0(a1)
	fence.i
	.balign 4
	.option push
	.option norvc
1:	addi a0, zero, 0                 /* replaced by li a0, 4 */
	.option pop
	CHECK(a0, 4)

/* Patch code many times in a loop (a cached translation must not go stale). */
	CASE(5)
	la a1, codebuf
	li a2, INSN_RET
	sw a2, 4(a1)
	li s0, 0                         /* sum of results */
	li s1, 1
2:	li a2, 0x513
	slli a3, s1, 20
	or a2, a2, a3
	sw a2, 0(a1)                     /* li a0, s1 */
	fence.i
	jalr ra, 0(a1)
	add s0, s0, a0
	addi s1, s1, 1
	li t0, 11
	bne s1, t0, 2b
	CHECK(s0, 55)

TESTS_END

	.data
	.align 4
codebuf:
	.space 64
