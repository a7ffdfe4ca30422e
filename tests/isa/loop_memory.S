/* loop_memory.S: loops that keep a value in memory (a counter in a
 * `volatile`, a spilled accumulator). Plain RV64I semantics: a load
 * returns what the last store to that address wrote. Written for glass's
 * JIT, which holds such a loop's one stored-to location in host registers
 * (docs/cpu.md, "Loops"), so each case is also a way that could go wrong:
 * other sizes and extensions, another register aliasing the location, the
 * location misaligned (every access through the slow path), other slow
 * paths in the loop, two store addresses, the location in the loop's own
 * code page. Every case checks both the registers and memory afterwards.
 */
#include "test.h"

#define N 100

TESTS_BEGIN

/* acc += i * i through memory, as `volatile uint64_t acc` compiles */
	CASE(1)
	la a1, word0
	sd zero, 0(a1)
	li a5, 0
	li a2, N
1:	mul a4, a5, a5
	ld a3, 0(a1)
	addi a5, a5, 1
	add a4, a4, a3
	sd a4, 0(a1)
	bne a2, a5, 1b
	j 2f                          /* end the block: fewer registers */
2:
	CHECK(a4, 328350)             /* sum of i^2, i < 100 */
	ld a0, 0(a1)
	CHECK(a0, 328350)

/* 32-bit: lw sign-extends what sw stored, lwu zero-extends */
	CASE(2)
	la a1, word0
	li a3, 0x80000005
	sw a3, 0(a1)
	li a4, 0
	li a2, 10
1:	lw a3, 0(a1)
	add a4, a4, a3
	addi a3, a3, 1
	sw a3, 0(a1)
	addi a2, a2, -1
	bnez a2, 1b
	j 2f                          /* end the block: fewer registers */
2:
	/* 10 * 0xffffffff80000005 + 45 */
	CHECK(a4, 0xfffffffb0000005f)
	lwu a0, 0(a1)
	CHECK(a0, 0x8000000f)
	CASE(3)
	li a3, 0x80000005
	sw a3, 0(a1)
	li a4, 0
	li a2, 10
1:	lwu a3, 0(a1)
	add a4, a4, a3
	addi a3, a3, 1
	sw a3, 0(a1)
	addi a2, a2, -1
	bnez a2, 1b
	j 2f                          /* end the block: fewer registers */
2:
	CHECK(a4, 0x50000005f)
	lw a0, 0(a1)
	CHECK(a0, 0xffffffff8000000f)

/* another register points at the same place: its loads see every store */
	CASE(4)
	la a1, word0
	mv a6, a1
	sd zero, 0(a1)
	li a5, 0
	li a2, N
1:	ld a3, 0(a1)
	addi a3, a3, 1
	sd a3, 0(a1)
	ld a4, 0(a6)
	add a5, a5, a4
	bne a3, a2, 1b
	j 2f                          /* end the block: fewer registers */
2:
	CHECK(a5, 5050)
	ld a0, 0(a6)
	CHECK(a0, N)

/* the location misaligned: every access takes the slow path */
	CASE(5)
	la a1, word0
	sd zero, 1(a1)
	li a5, 0
	li a2, N
1:	ld a3, 1(a1)
	addi a3, a3, 3
	sd a3, 1(a1)
	add a5, a5, a3
	addi a2, a2, -1
	bnez a2, 1b
	j 2f                          /* end the block: fewer registers */
2:
	CHECK(a5, 15150)              /* 3 * 5050 */
	ld a0, 1(a1)
	CHECK(a0, 300)

/* another load in the loop takes the slow path (misaligned) */
	CASE(6)
	la a1, word0
	la a6, word1
	sd zero, 0(a1)
	li t0, 7
	sd t0, 0(a6)
	sd zero, 8(a6)
	li a5, 0
	li a2, 2 * N
1:	ld a3, 0(a1)
	ld a4, 1(a6)                  /* 7 >> 8 = 0 with the next word: 0 */
	add a3, a3, a4
	addi a3, a3, 2
	sd a3, 0(a1)
	ld a4, 0(a1)
	add a5, a5, a4
	bne a3, a2, 1b
	j 2f                          /* end the block: fewer registers */
2:
	CHECK(a5, 10100)              /* 2 * 5050 */
	ld a0, 0(a1)
	CHECK(a0, 200)

/* two store addresses, the same place: the second store wins */
	CASE(7)
	la a1, word0
	mv a6, a1
	sd zero, 0(a1)
	li a5, 0
	li a2, N
1:	ld a3, 0(a1)
	addi a4, a3, 1
	sd a4, 0(a1)
	addi a4, a3, 2
	sd a4, 0(a6)
	add a5, a5, a3
	addi a2, a2, -1
	bnez a2, 1b
	j 2f                          /* end the block: fewer registers */
2:
	/* the value before each iteration: 0, 2, 4, ...: 2 * 4950 */
	CHECK(a5, 9900)
	ld a0, 0(a1)
	CHECK(a0, 200)

/* a load of another size at the place: a doubleword whose upper half
 * the loop's sw never writes */
	CASE(8)
	la a1, word0
	li t0, 0x1234567800000000
	sd t0, 0(a1)
	li a5, 0
	li a2, N
1:	lw a3, 0(a1)
	addi a3, a3, 1
	sw a3, 0(a1)
	ld a4, 0(a1)
	add a5, a5, a4
	addi a2, a2, -1
	bnez a2, 1b
	j 2f                          /* the block ends here: few registers */
2:	/* 100 * 0x1234567800000000 + 5050 */
	CHECK(a5, 0x1c71c6e0000013ba)
	ld a0, 0(a1)
	CHECK(a0, 0x1234567800000064)

/* the place is in the loop's own code page: each store writes code */
	CASE(9)
	la a1, codeword
	sd zero, 0(a1)
	li a5, 0
	li a2, 20
	j 2f
	.align 3
codeword:
	.dword 0
2:
1:	ld a3, 0(a1)
	addi a3, a3, 5
	sd a3, 0(a1)
	add a5, a5, a3
	addi a2, a2, -1
	bnez a2, 1b
	j 2f                          /* end the block: fewer registers */
2:
	CHECK(a5, 1050)               /* 5 * 210 */
	ld a0, 0(a1)
	CHECK(a0, 100)

	TESTS_END

	.data
	.align 4
word0:
	.dword 0, 0
word1:
	.dword 0, 0
