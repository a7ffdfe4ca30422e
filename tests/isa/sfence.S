/* sfence.S: SFENCE.VMA and translation caching, Sv39.
 * Privileged spec, "Supervisor Memory-Management Fence Instruction":
 *  - after a PTE is changed, a translation cached before the change may
 *    still be used until an SFENCE.VMA covering it executes (so without a
 *    fence either the old or the new translation is acceptable);
 *  - after SFENCE.VMA (all / by address / by ASID / both) the new PTE
 *    must be used; writing satp does not by itself fence;
 *  - SFENCE.VMA is illegal in U mode, and in S mode when mstatus.TVM = 1
 *    (which also makes satp accesses in S mode illegal).
 */
#include "test.h"

#define VA      0x40000000
#define VAL_X   0x1111111111111111
#define VAL_Y   0x2222222222222222
#define RWAD    (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* point l0[0] at page `pg` with flags (from S mode, via the identity map) */
#define SET_LEAF(pg, flags) \
	la a2, pg; MAKE_PTE(a3, a2, flags); la a4, l0; sd a3, 0(a4)

/* expect a0 == VAL_X or VAL_Y */
#define CHECK_X_OR_Y(reg) \
	li t6, VAL_X; beq reg, t6, 93f; CHECK(reg, VAL_Y); 93:

TESTS_BEGIN
	CASE(1)
	la a1, root                      /* clear the tables */
	la a2, pgX
1:	sd zero, 0(a1)
	addi a1, a1, 8
	bltu a1, a2, 1b
	/* root: [2] identity gigapage at 0x80000000, [1] -> l1 -> l0 */
	li a1, 0x80000000
	MAKE_PTE(t1, a1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
	la t0, root
	sd t1, 16(t0)
	la a1, l1
	MAKE_PTE(t1, a1, PTE_V)
	sd t1, 8(t0)
	la a1, l0
	MAKE_PTE(t1, a1, PTE_V)
	la t0, l1
	sd t1, 0(t0)
	/* root2: same, but its l0 points VA at pgY */
	li a1, 0x80000000
	MAKE_PTE(t1, a1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
	la t0, root2
	sd t1, 16(t0)
	la a1, l1b
	MAKE_PTE(t1, a1, PTE_V)
	sd t1, 8(t0)
	la a1, l0b
	MAKE_PTE(t1, a1, PTE_V)
	la t0, l1b
	sd t1, 0(t0)
	la a1, pgY
	MAKE_PTE(t1, a1, RWAD)
	la t0, l0b
	sd t1, 0(t0)
	/* page contents */
	la a1, pgX
	li a2, VAL_X
	sd a2, 0(a1)
	la a1, pgY
	li a2, VAL_Y
	sd a2, 0(a1)
	SET_LEAF(pgX, RWAD)
	la t0, root
	srli t0, t0, 12
	li t1, SATP_SV39
	or s0, t0, t1                    /* s0 = satp for root */
	la t0, root2
	srli t0, t0, 12
	or s1, t0, t1                    /* s1 = satp for root2 */
	csrw satp, s0
	sfence.vma
	GOTO_S

/* Baseline translation. */
	CASE(2)
	li a1, VA
	ld a0, 0(a1)
	CHECK(a0, VAL_X)

/* PTE changed without a fence: old or new translation. */
	CASE(3)
	SET_LEAF(pgY, RWAD)
	ld a0, 0(a1)
	CHECK_X_OR_Y(a0)

/* SFENCE.VMA x0, x0: everything. */
	CASE(4)
	sfence.vma
	ld a0, 0(a1)
	CHECK(a0, VAL_Y)

/* SFENCE.VMA rs1 = VA, rs2 = x0: that page, all ASIDs. */
	CASE(5)
	ld a0, 0(a1)                     /* make sure it is cached */
	SET_LEAF(pgX, RWAD)
	sfence.vma a1, zero
	ld a0, 0(a1)
	CHECK(a0, VAL_X)
	CASE(6)                          /* any address inside the page works */
	SET_LEAF(pgY, RWAD)
	addi a5, a1, 0x7f8
	sfence.vma a5, zero
	ld a0, 0(a1)
	CHECK(a0, VAL_Y)

/* SFENCE.VMA rs1 = x0, rs2 = ASID (0, as in satp): non-global entries of
 * that ASID. */
	CASE(7)
	SET_LEAF(pgX, RWAD)
	li a5, 0
	sfence.vma zero, a5
	ld a0, 0(a1)
	CHECK(a0, VAL_X)

/* SFENCE.VMA rs1 = VA, rs2 = ASID. */
	CASE(8)
	SET_LEAF(pgY, RWAD)
	sfence.vma a1, a5
	ld a0, 0(a1)
	CHECK(a0, VAL_Y)

/* Invalidating a PTE + fence: page fault. */
	CASE(9)
	SET_LEAF(pgY, PTE_R | PTE_W | PTE_A | PTE_D)   /* V = 0 */
	sfence.vma a1, zero
	TEST_TRAP(10, CAUSE_LOAD_PAGE_FAULT, VA, ld a0, 0(a1))
	CASE(11)
	SET_LEAF(pgY, RWAD)
	sfence.vma a1, zero
	ld a0, 0(a1)
	CHECK(a0, VAL_Y)

/* Removing write permission + fence: store page fault; restoring it. */
	CASE(12)
	sd zero, 8(a1)                   /* cache a writable translation */
	SET_LEAF(pgY, PTE_V | PTE_R | PTE_A | PTE_D)
	sfence.vma a1, zero
	TEST_TRAP(13, CAUSE_STORE_PAGE_FAULT, VA + 8, sd a0, 8(a1))
	CASE(14)
	SET_LEAF(pgY, RWAD)
	sfence.vma a1, zero
	li a2, 0x44
	sd a2, 8(a1)
	ld a0, 8(a1)
	CHECK(a0, 0x44)

/* Switching satp to another root (same ASID), then fencing. */
	CASE(15)
	SET_LEAF(pgX, RWAD)
	sfence.vma
	ld a0, 0(a1)
	CHECK(a0, VAL_X)
	csrw satp, s1                    /* root2 maps VA to pgY */
	sfence.vma
	ld a0, 0(a1)
	CHECK(a0, VAL_Y)
	csrw satp, s0
	sfence.vma
	ld a0, 0(a1)
	CHECK(a0, VAL_X)
	GOTO_M

/* mstatus.TVM: SFENCE.VMA and satp accesses are illegal in S mode. */
	CASE(16)
	li t0, MSTATUS_TVM
	csrs mstatus, t0
	GOTO_S
	TEST_ILLEGAL(17, sfence.vma)
	TEST_ILLEGAL(18, sfence.vma a1, zero)
	TEST_ILLEGAL(19, csrr a0, satp)
	TEST_ILLEGAL(20, csrw satp, s0)
	GOTO_M
	TEST_NO_TRAP(21, sfence.vma)     /* M mode is not affected */
	li t0, MSTATUS_TVM
	csrc mstatus, t0
	csrw satp, zero
	sfence.vma

/* SFENCE.VMA in U mode is illegal. */
	CASE(22)
	GOTO_U
	TEST_ILLEGAL(23, sfence.vma)
	GOTO_M

TESTS_END

	.bss
	.align 12
root:  .space 4096
l1:    .space 4096
l0:    .space 4096
root2: .space 4096
l1b:   .space 4096
l0b:   .space 4096
pgX:   .space 4096
pgY:   .space 4096
