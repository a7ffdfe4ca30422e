/* vm_sv39.S: Sv39 virtual memory (3 levels, 4 KiB / 2 MiB / 1 GiB pages).
 * The shared cases live in vm_common.h (see its header for the spec
 * rules); this file builds the Sv39 root and adds Sv39-specific cases:
 * satp write/read-back, unsupported satp MODE writes are ignored, and the
 * upper (sign-extended) half of the address space.
 */
#include "test.h"

/* bit 38 set but bits 63:39 clear: not sign-extended for Sv39 */
#define VA_NONCANON 0x4000000000

#include "vm_common.h"

TESTS_BEGIN
	CASE(100)
	la a0, root39
	call vm_build
	/* root[511]: VA 0xffffffffc0000000 (upper half) -> PA 0x80000000, RW */
	li a1, 0x80000000
	PUT_PTE(root39, 511, a1, RWAD)
	la t0, root39
	srli t0, t0, 12
	li t1, SATP_SV39
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

/* Upper half: 0xffffffffc0000000 is canonical (bits 63:39 = bit 38). */
	CASE(102)
	GOTO_S
	la a1, vm_marker
	li t0, 0xffffffffc0000000 - 0x80000000
	add a2, a1, t0
	ld a0, 0(a2)
	ld a3, 0(a1)
	CHECK_R(a0, a3)
	CASE(103)                        /* bit 39 set alone: not canonical */
	li a1, 0x8000000000
	TEST_TRAP(104, CAUSE_LOAD_PAGE_FAULT, 0x8000000000, ld a0, 0(a1))
	li a1, 0xffffff0000000000        /* bit 38 clear, upper ones */
	TEST_TRAP(105, CAUSE_STORE_PAGE_FAULT, 0xffffff0000000000, sd a0, 0(a1))
	GOTO_M
	csrw satp, zero
	sfence.vma
TESTS_END

	.bss
	.align 12
root39:
	.space 4096
