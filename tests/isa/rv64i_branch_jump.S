/* rv64i_branch_jump.S: conditional branches, JAL and JALR.
 * Unprivileged spec, "Control Transfer Instructions": branches compare two
 * registers (signed for BLT/BGE, unsigned for BLTU/BGEU); JAL/JALR write
 * pc + 4 to rd; JALR's target is (rs1 + imm) with bit 0 cleared, computed
 * before rd is written; with the C extension only 2-byte alignment is
 * required, so a target at 2 mod 4 is fine.
 */
#include "test.h"

TESTS_BEGIN

/* BEQ / BNE: all 64 bits take part in the comparison. */
	TEST_BR_TAKEN    ( 1, beq, 5, 5)
	TEST_BR_NOT_TAKEN( 2, beq, 5, 6)
	TEST_BR_TAKEN    ( 3, beq, -1, -1)
	TEST_BR_NOT_TAKEN( 4, beq, 0x100000000, 0)
	TEST_BR_TAKEN    ( 5, bne, 0x100000000, 0)
	TEST_BR_NOT_TAKEN( 6, bne, 7, 7)

/* BLT / BGE: signed. */
	TEST_BR_TAKEN    ( 7, blt, -1, 1)
	TEST_BR_NOT_TAKEN( 8, blt, 1, -1)
	TEST_BR_NOT_TAKEN( 9, blt, 3, 3)
	TEST_BR_TAKEN    (10, blt, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_BR_TAKEN    (11, bge, 3, 3)
	TEST_BR_TAKEN    (12, bge, 1, -1)
	TEST_BR_NOT_TAKEN(13, bge, -1, 1)
	TEST_BR_NOT_TAKEN(14, bge, 0x8000000000000000, 0x7fffffffffffffff)

/* BLTU / BGEU: unsigned. */
	TEST_BR_TAKEN    (15, bltu, 1, -1)
	TEST_BR_NOT_TAKEN(16, bltu, -1, 1)
	TEST_BR_NOT_TAKEN(17, bltu, 3, 3)
	TEST_BR_TAKEN    (18, bltu, 0x7fffffffffffffff, 0x8000000000000000)
	TEST_BR_TAKEN    (19, bgeu, -1, 1)
	TEST_BR_NOT_TAKEN(20, bgeu, 1, -1)
	TEST_BR_TAKEN    (21, bgeu, 3, 3)
	TEST_BR_TAKEN    (22, bgeu, 0x8000000000000000, 0x7fffffffffffffff)

/* Backward branch (loop) and x0 operands. */
	CASE(23)
	li a0, 5
	li a1, 0
1:	addi a1, a1, 1
	addi a0, a0, -1
	bnez a0, 1b
	CHECK(a1, 5)
	CASE(24)
	beq x0, x0, 1f
	j fail
1:	bltu x0, x0, 2f                  /* 0 < 0 unsigned: not taken */
	j 3f
2:	j fail
3:

/* JAL: rd = address of the next instruction; rd = x0 links nothing. */
	CASE(25)
	li ra, 0
	jal ra, 1f
2:	j fail
1:	la a1, 2b
	CHECK_R(ra, a1)
	CASE(26)
	jal t0, 1f
2:	j fail
1:	la a1, 2b
	CHECK_R(t0, a1)
	CASE(27)
	j 2f                             /* forward, then backward jal */
1:	j 3f
2:	jal x0, 1b
	j fail
3:	CHECK(x0, 0)

/* JALR: target = (rs1 + imm) & ~1. */
	CASE(28)
	la a1, 1f
	jalr ra, 0(a1)
2:	j fail
1:	la a2, 2b
	CHECK_R(ra, a2)
	CASE(29)                         /* odd target: bit 0 is cleared */
	la a1, 1f
	addi a1, a1, 1
	jalr t1, 0(a1)
2:	j fail
1:	la a2, 2b
	CHECK_R(t1, a2)
	CASE(30)                         /* odd sum of rs1 and imm */
	la a1, 1f
	addi a1, a1, -3
	jalr t1, 4(a1)
	j fail
1:
	CASE(31)                         /* negative immediate */
	la a1, 1f
	addi a1, a1, 100
	jalr ra, -100(a1)
	j fail
1:
	CASE(32)                         /* rd == rs1: target uses the old value */
	la a0, 1f
	jalr a0, 0(a0)
2:	j fail
1:	la a1, 2b
	CHECK_R(a0, a1)
	CASE(33)                         /* rd = x0: no link */
	la a1, 1f
	jalr x0, 0(a1)
	j fail
1:	CHECK(x0, 0)
	CASE(34)                         /* call / ret through a subroutine */
	li a0, 0
	call sub_add7
	call sub_add7
	CHECK(a0, 14)

/* With C, a jump target at 2 mod 4 is aligned and must not trap. */
	CASE(35)
	la a1, 3f
	andi a2, a1, 3
	CHECK(a2, 2)
	li a0, 0
	jalr ra, 0(a1)
	j 4f
	.balign 4
	.option push
	.option rvc
	c.nop
3:	li a0, 77
	ret
	.option pop
4:	CHECK(a0, 77)
	CASE(36)                         /* branch to a 2 mod 4 target */
	li a0, 0
	beqz zero, 3f
	j fail
	.balign 4
	.option push
	.option rvc
	c.nop
3:	li a0, 78
	.option pop
	CHECK(a0, 78)

TESTS_END

sub_add7:
	addi a0, a0, 7
	ret
