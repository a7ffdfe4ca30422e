/* vm_sv48.S: Sv48 virtual memory (4 levels, adds 512 GiB pages).
 * The shared cases live in vm_common.h (see its header for the spec
 * rules); they run below a level-3 root whose entry 0 points at the
 * table vm_build fills. Sv48-specific cases: 512 GiB leaves at the root
 * (aligned and misaligned), addresses that need the 4th level (bit 38 / 39
 * set, upper half), and the 48-bit canonical check.
 */
#include "test.h"

/* bit 47 set but bits 63:48 clear: not sign-extended for Sv48 */
#define VA_NONCANON 0x800000000000

#include "vm_common.h"

#define VA_512G      0x8000000000       /* root[1]: 512 GiB leaf -> PA 0 */
#define VA_512G_MIS  0x10000000000      /* root[2]: leaf -> PA 0x80000000, misaligned */

TESTS_BEGIN
	CASE(100)
	la a0, l2_48
	call vm_build
	la t2, root48
	li a2, 512
1:	sd zero, 0(t2)
	addi t2, t2, 8
	addi a2, a2, -1
	bnez a2, 1b
	la a1, l2_48
	PUT_PTE(root48, 0, a1, PTE_V)
	PUT_PTE(root48, 511, a1, PTE_V)  /* upper half shares the same tree */
	li a1, 0
	PUT_PTE(root48, 1, a1, RWAD)
	li a1, 0x80000000
	PUT_PTE(root48, 2, a1, RWAD)
	/* l2_48[256]: VA 0x4000000000 (bit 38 set) -> PA 0x80000000, RW */
	PUT_PTE(l2_48, 256, a1, RWAD)
	la t0, root48
	srli t0, t0, 12
	li t1, SATP_SV48
	or s0, t0, t1
	csrw satp, s0
	sfence.vma
	csrr a0, satp
	CHECK_R(a0, s0)

	VM_COMMON_TESTS

/* satp: writing an unsupported MODE (1, reserved) has no effect at all. */
	CASE(101)
	li t0, (1 << 60) | 0x12345
	csrw satp, t0
	csrr a0, satp
	CHECK_R(a0, s0)

/* A 512 GiB leaf at the root, aligned (PA 0) and misaligned. */
	CASE(102)
	GOTO_S
	la a1, vm_marker
	li t0, VA_512G
	add a2, a1, t0                   /* VA_512G + PA = PA */
	ld a0, 0(a2)
	ld a3, 0(a1)
	CHECK_R(a0, a3)
	CASE(103)
	li a1, VA_512G_MIS
	TEST_TRAP(104, CAUSE_LOAD_PAGE_FAULT, VA_512G_MIS + 0x40, ld a0, 0x40(a1))

/* Bit 38 set is a valid Sv48 address (it would not be in Sv39). */
	CASE(105)
	la a1, vm_marker
	li t0, 0x4000000000 - 0x80000000
	add a2, a1, t0
	ld a0, 0(a2)
	ld a3, 0(a1)
	CHECK_R(a0, a3)

/* Upper half: 0xffffff8000000000 + x goes through root[511]. */
	CASE(106)
	li t0, 0xffffff8000000000
	add a2, a1, t0
	ld a0, 0(a2)
	CHECK_R(a0, a3)
	CASE(107)                        /* bits 63:48 must equal bit 47 */
	li a1, 0xffff000000000000
	TEST_TRAP(108, CAUSE_LOAD_PAGE_FAULT, 0xffff000000000000, ld a0, 0(a1))
	li a1, 0x0001000000000000
	TEST_TRAP(109, CAUSE_STORE_PAGE_FAULT, 0x0001000000000000, sd a0, 0(a1))
	GOTO_M
	csrw satp, zero
	sfence.vma
TESTS_END

	.bss
	.align 12
root48:
	.space 4096
l2_48:
	.space 4096
