/* vm_common.h: page-table layout and test cases shared by vm_sv39.S and
 * vm_sv48.S. Include after test.h. The including file provides the root
 * table, calls vm_build with the table that translates VA bits 38:30
 * (the Sv39 root, or the level-2 table under the Sv48 root), sets satp,
 * and then expands VM_COMMON_TESTS (cases 1..99, mostly in S mode).
 *
 * Privileged spec, "Supervisor-Level ISA", "Sv39"/"Sv48" and the
 * "Virtual Address Translation Process" it describes:
 *  - a PTE with V = 0, or W = 1 with R = 0, or reserved bits / encodings
 *    set (bits 60:54; PBMT = 3; any PBMT value while menvcfg.PBMTE = 0)
 *    raises a page fault (12 fetch, 13 load, 15 store/AMO) with tval = the
 *    faulting virtual address;
 *  - a leaf may appear at any level (superpages); a superpage whose PPN is
 *    not aligned to its size is a page fault ("misaligned superpage");
 *    a pointer PTE at the last level is a page fault;
 *  - the VA must be sign-extended from its top translated bit, else page
 *    fault;
 *  - permissions: load needs R (or X with mstatus.MXR), store needs W,
 *    fetch needs X; S mode may not fetch from U pages ever, and may load /
 *    store them only with mstatus.SUM = 1; U mode needs U = 1;
 *  - A and D: glass updates them in hardware (the spec allows this or a
 *    page fault, Svade): an access sets A, a store also sets D, only for a
 *    permitted access; QEMU 7.2 also updates them in hardware;
 *  - mstatus.MPRV = 1 makes M-mode loads/stores translate and check as in
 *    mstatus.MPP.
 */
#ifndef GLASS_ISA_VM_COMMON_H
#define GLASS_ISA_VM_COMMON_H

/* Virtual layout (all below come from the table passed to vm_build):
 *   0x0080000000 .. 1 GiB identity, RWX, supervisor: code, data, tables
 *   0x0040000000 .. -> l1_test (2 MiB granules) -> l0_test (4 KiB pages)
 *   0x00c0000000    1 GiB superpage -> PA 0x80000000, RW (no X)
 *   0x0100000000    misaligned 1 GiB superpage (PA 0x80200000)
 *   0x0140000000    1 GiB superpage -> PA 0x80000000, U + RWX: user alias
 */
#define VA_4K(i)    (0x40000000 + (i) * 0x1000)
#define VA_2M       0x40200000        /* 2 MiB superpage -> PA_2M, RW */
#define VA_2M_MIS   0x40400000        /* misaligned 2 MiB superpage */
#define VA_2M_AD    0x40600000        /* 2 MiB superpage -> PA_2M, A = D = 0 */
#define VA_PTRLEAF  0x40800000        /* walks to a pointer PTE at level 0 */
#define VA_1G       0xc0000000
#define VA_1G_MIS   0x100000000
#define VA_UALIAS   0x140000000
#define ALIAS_1G    (VA_1G - 0x80000000)       /* identity -> 1 GiB alias */
#define ALIAS_U     (VA_UALIAS - 0x80000000)   /* identity -> user alias */
#define PA_2M       0x80400000

/* l0_test slots */
#define I_AD    0    /* pgA: R W, A = D = 0 */
#define I_RO    1    /* pgB: R, A, D = 0 */
#define I_XO    2    /* pgC: X only */
#define I_USER  3    /* pgD: U R W X */
#define I_INV   4    /* V = 0 */
#define I_WNR   5    /* pgF: W without R (reserved) */
#define I_RSV   6    /* pgF: RW + reserved bit 54 */
#define I_NC    7    /* pgF: RW + PBMT = NC */
#define I_IO    8    /* pgF: RW + PBMT = IO */
#define I_PB3   9    /* pgF: RW + PBMT = 3 (reserved) */
#define I_CODE  10   /* pgE: R X, A = 0: holds "li a0, 42; ret" */
#define I_NX    11   /* pgF: R W, no X */
#define I_D0    12   /* pgA: R W A, D = 0 */

#define VAL_A 0xa0a0a0a0a0a0a0a0
#define VAL_B 0xb0b0b0b0b0b0b0b0
#define VAL_C 0xc0c0c0c0c0c0c0c0
#define VAL_D 0xd0d0d0d0d0d0d0d0
#define VAL_F 0xf0f0f0f0f0f0f0f0
#define VAL_2M 0x2222222222222222

#define RWAD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define PTE_RSV54 (1 << 54)

/* store a PTE for the physical address in register `pa` into table[idx] */
#define PUT_PTE(table, idx, pa, flags) \
	la t0, table; li t1, (idx) * 8; add t0, t0, t1; MAKE_PTE(t1, pa, flags); sd t1, 0(t0)

/* --- helpers for the cases --- */

/* load the PTE of l0_test[idx] (or another table) into reg */
#define GET_PTE(reg, table, idx) la t0, table; ld reg, ((idx) * 8)(t0)
/* check A / D of a PTE held in reg */
#define CHECK_AD(reg, a, d) \
	andi t0, reg, PTE_A | PTE_D; CHECK(t0, ((a) * PTE_A) | ((d) * PTE_D))

/* From S mode: jump to va, expect a fetch page fault there (mepc = mtval =
 * va); continues in M mode (the trap resumes in M). */
#define S_FETCH_FAULT(n, va) \
	CASE(n); TRAP_ARM; la t0, trap_rec; la t1, 81f; sd t1, TR_RESUME(t0); \
	li a1, va; jalr ra, 0(a1); j fail; \
81: TRAP_DISARM; CHECK_TRAP_CAUSE(CAUSE_FETCH_PAGE_FAULT); \
	TRAP_FIELD(t5, TR_TVAL); CHECK(t5, va); TRAP_FIELD(t5, TR_EPC); CHECK(t5, va)

/* From M mode: run insn in U mode at the user alias of this code and
 * expect a trap with cause and tval (register); mepc = the alias address
 * of insn. Continues in M mode. */
#define U_TEST_TRAP_R(n, cause, tvalreg, insn...) \
	CASE(n); TRAP_ARM; la t0, trap_rec; la t1, 81f; sd t1, TR_RESUME(t0); \
	li t0, MSTATUS_MPP; csrc mstatus, t0; la t0, 82f; li t1, ALIAS_U; add t0, t0, t1; \
	csrw mepc, t0; mret; \
82: insn; j fail; \
81: TRAP_DISARM; CHECK_TRAP_CAUSE(cause); TRAP_FIELD(t5, TR_TVAL); CHECK_R(t5, tvalreg); \
	TRAP_FIELD(t5, TR_EPC); la t4, 82b; li t3, ALIAS_U; add t4, t4, t3; CHECK_R(t5, t4)
/* From M mode: in U mode, jump to the address in vareg and expect a fetch
 * page fault there (mepc = mtval = the target). Continues in M mode. */
#define U_FETCH_FAULT(n, vareg) \
	CASE(n); TRAP_ARM; la t0, trap_rec; la t1, 81f; sd t1, TR_RESUME(t0); \
	li t0, MSTATUS_MPP; csrc mstatus, t0; la t0, 82f; li t1, ALIAS_U; add t0, t0, t1; \
	csrw mepc, t0; mret; \
82: jalr zero, 0(vareg); j fail; \
81: TRAP_DISARM; CHECK_TRAP_CAUSE(CAUSE_FETCH_PAGE_FAULT); TRAP_FIELD(t5, TR_TVAL); \
	CHECK_R(t5, vareg); TRAP_FIELD(t5, TR_EPC); CHECK_R(t5, vareg)
/* From M mode: run insn in U mode without a trap, then check reg */
#define U_TEST_OK(n, reg, expected, insn...) \
	CASE(n); TRAP_ARM; la t0, trap_rec; la t1, 81f; sd t1, TR_RESUME(t0); \
	li t0, MSTATUS_MPP; csrc mstatus, t0; la t0, 82f; li t1, ALIAS_U; add t0, t0, t1; \
	csrw mepc, t0; mret; \
82: insn; ecall; j fail; \
81: TRAP_DISARM; CHECK_TRAP_CAUSE(CAUSE_ECALL_U); CHECK(reg, expected)

/* ------------------------------------------------------------------ */
/* vm_build(a0 = table for VA bits 38:30): fill it and the lower tables.
 * M mode, bare. Clobbers t0-t6, a1-a5. */
	.text
vm_build:
	/* clear the tables this file owns */
	la a1, l1_test
	li a2, 4 * 4096 / 8              /* l1_test, l0_test, l0_ptr, (spare) */
1:	sd zero, 0(a1)
	addi a1, a1, 8
	addi a2, a2, -1
	bnez a2, 1b
	mv a1, a0
	li a2, 512
2:	sd zero, 0(a1)
	addi a1, a1, 8
	addi a2, a2, -1
	bnez a2, 2b

	/* level with 1 GiB entries */
	li a1, 0x80000000
	MAKE_PTE(t1, a1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
	sd t1, 2 * 8(a0)                 /* identity 0x80000000 */
	MAKE_PTE(t1, a1, RWAD)
	sd t1, 3 * 8(a0)                 /* VA_1G alias, no X */
	MAKE_PTE(t1, a1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
	sd t1, 5 * 8(a0)                 /* user alias */
	li a1, 0x80200000
	MAKE_PTE(t1, a1, RWAD)
	sd t1, 4 * 8(a0)                 /* misaligned gigapage */
	la a1, l1_test
	MAKE_PTE(t1, a1, PTE_V)
	sd t1, 1 * 8(a0)                 /* pointer for 0x40000000 */

	/* l1_test: 2 MiB entries */
	la a1, l0_test
	PUT_PTE(l1_test, 0, a1, PTE_V)
	li a1, PA_2M
	PUT_PTE(l1_test, 1, a1, RWAD)
	li a1, PA_2M + 0x1000
	PUT_PTE(l1_test, 2, a1, RWAD)    /* PPN not 2 MiB aligned */
	li a1, PA_2M
	PUT_PTE(l1_test, 3, a1, PTE_V | PTE_R | PTE_W)
	la a1, l0_ptr
	PUT_PTE(l1_test, 4, a1, PTE_V)
	la a1, l0_test
	PUT_PTE(l0_ptr, 0, a1, PTE_V)    /* pointer at the last level */

	/* l0_test: 4 KiB pages */
	la a1, pgA
	PUT_PTE(l0_test, I_AD, a1, PTE_V | PTE_R | PTE_W)
	PUT_PTE(l0_test, I_D0, a1, PTE_V | PTE_R | PTE_W | PTE_A)
	la a1, pgB
	PUT_PTE(l0_test, I_RO, a1, PTE_V | PTE_R | PTE_A)
	la a1, pgC
	PUT_PTE(l0_test, I_XO, a1, PTE_V | PTE_X | PTE_A)
	la a1, pgD
	PUT_PTE(l0_test, I_USER, a1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
	la a1, pgF
	PUT_PTE(l0_test, I_INV, a1, PTE_R | PTE_W | PTE_A | PTE_D)
	PUT_PTE(l0_test, I_WNR, a1, PTE_V | PTE_W | PTE_A | PTE_D)
	PUT_PTE(l0_test, I_RSV, a1, RWAD | PTE_RSV54)
	PUT_PTE(l0_test, I_NC, a1, RWAD | PTE_PBMT_NC)
	PUT_PTE(l0_test, I_IO, a1, RWAD | PTE_PBMT_IO)
	PUT_PTE(l0_test, I_PB3, a1, RWAD | PTE_PBMT_RSV)
	PUT_PTE(l0_test, I_NX, a1, RWAD)
	la a1, pgE
	PUT_PTE(l0_test, I_CODE, a1, PTE_V | PTE_R | PTE_X)

	/* page contents */
	la a1, pgA
	li a2, VAL_A
	sd a2, 0(a1)
	la a1, pgB
	li a2, VAL_B
	sd a2, 0(a1)
	la a1, pgC
	li a2, VAL_C
	sd a2, 0(a1)
	la a1, pgD
	li a2, VAL_D
	sd a2, 0(a1)
	la a1, pgF
	li a2, VAL_F
	sd a2, 0(a1)
	li a1, PA_2M
	li a2, VAL_2M
	li a3, 0x1000
	add a3, a3, a1
	sd a2, 0x238(a3)                 /* PA_2M + 0x1238 */
	li a3, 0x1ff000
	add a3, a3, a1
	not a2, a2
	sd a2, 8(a3)
	la a1, pgE                       /* li a0, 42; ret */
	li a2, 0x02a00513
	sw a2, 0(a1)
	li a2, 0x00008067
	sw a2, 4(a1)
	fence.i
	sfence.vma
	ret

/* ------------------------------------------------------------------ */
/* Common cases. Entered in M mode with satp set; ends in M mode. */
#define VM_COMMON_TESTS \
	VM_BASIC; VM_FAULTS; VM_AD; VM_SUM; VM_USER; VM_DELEG; VM_PBMT; VM_MPRV

/* Translation through 4 KiB, 2 MiB and 1 GiB leaves. */
#define VM_BASIC \
	CASE(1); GOTO_S; li a1, VA_4K(I_RO); ld a0, 0(a1); CHECK(a0, VAL_B); \
	TEST_CASE(2, a0, VAL_F, li a1, VA_4K(I_NX); ld a0, 0(a1)); \
	TEST_CASE(3, a0, VAL_2M, li a1, VA_2M + 0x1000; ld a0, 0x238(a1)); \
	TEST_CASE(4, a0, ~VAL_2M, li a1, VA_2M + 0x1ff000; ld a0, 8(a1)); \
	CASE(5); li a1, VA_2M; li a2, 0x5555; sd a2, 0x10(a1); li a1, PA_2M; \
	ld a0, 0x10(a1); CHECK(a0, 0x5555); \
	CASE(6); la a1, vm_marker; li t0, ALIAS_1G; add a2, a1, t0; ld a0, 0(a2); \
	ld a3, 0(a1); CHECK_R(a0, a3); \
	CASE(7); li a4, 0x77; sd a4, 0(a2); ld a0, 0(a1); CHECK(a0, 0x77); \
	GOTO_M

/* Page faults: cause by access type, tval = VA. */
#define VM_FAULTS \
	CASE(10); GOTO_S; \
	li a1, VA_4K(I_INV); \
	TEST_TRAP(11, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_INV), ld a0, 0(a1)); \
	TEST_TRAP(12, CAUSE_STORE_PAGE_FAULT, VA_4K(I_INV) + 8, sd a0, 8(a1)); \
	VM_AMO_INVALID; \
	li a1, VA_4K(I_RO); \
	TEST_TRAP(14, CAUSE_STORE_PAGE_FAULT, VA_4K(I_RO) + 0x10, sw a0, 0x10(a1)); \
	TEST_TRAP(15, CAUSE_STORE_PAGE_FAULT, VA_4K(I_RO), amoswap.d a0, a0, (a1)); \
	CASE(16); GET_PTE(a0, l0_test, I_RO); CHECK_AD(a0, 1, 0); \
	li a1, VA_4K(I_WNR); \
	TEST_TRAP(17, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_WNR), ld a0, 0(a1)); \
	TEST_TRAP(18, CAUSE_STORE_PAGE_FAULT, VA_4K(I_WNR), sd a0, 0(a1)); \
	li a1, VA_4K(I_XO); \
	TEST_TRAP(19, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_XO) + 4, lw a0, 4(a1)); \
	CASE(20); li t0, MSTATUS_MXR; csrs sstatus, t0; ld a0, 0(a1); CHECK(a0, VAL_C); \
	TEST_TRAP(21, CAUSE_STORE_PAGE_FAULT, VA_4K(I_XO), sd a0, 0(a1)); \
	li t0, MSTATUS_MXR; csrc sstatus, t0; \
	li a1, VA_2M_MIS; \
	TEST_TRAP(22, CAUSE_LOAD_PAGE_FAULT, VA_2M_MIS + 0x238, ld a0, 0x238(a1)); \
	li a1, VA_1G_MIS; \
	TEST_TRAP(23, CAUSE_LOAD_PAGE_FAULT, VA_1G_MIS, ld a0, 0(a1)); \
	li a1, VA_PTRLEAF; \
	TEST_TRAP(24, CAUSE_LOAD_PAGE_FAULT, VA_PTRLEAF, ld a0, 0(a1)); \
	li a1, VA_NONCANON; \
	TEST_TRAP(25, CAUSE_LOAD_PAGE_FAULT, VA_NONCANON, ld a0, 0(a1)); \
	TEST_TRAP(26, CAUSE_STORE_PAGE_FAULT, VA_NONCANON, sd a0, 0(a1)); \
	VM_RSV_BITS; \
	S_FETCH_FAULT(31, VA_4K(I_NX)); GOTO_S; \
	S_FETCH_FAULT(32, VA_4K(I_INV)); GOTO_S; \
	S_FETCH_FAULT(33, VA_1G); GOTO_S; \
	S_FETCH_FAULT(34, VA_NONCANON); \
	CASE(35); GOTO_S; li a1, VA_4K(I_CODE); li a0, 0; jalr ra, 0(a1); CHECK(a0, 42); \
	GOTO_M

/* Hardware A/D updates (checked in the PTE in memory). */
#define VM_AD \
	CASE(40); GET_PTE(a0, l0_test, I_AD); CHECK_AD(a0, 0, 0); GOTO_S; \
	CASE(41); li a1, VA_4K(I_AD); ld a0, 0(a1); CHECK(a0, VAL_A); \
	GET_PTE(a0, l0_test, I_AD); CHECK_AD(a0, 1, 0); \
	CASE(42); li a2, 0x1234; sd a2, 8(a1); GET_PTE(a0, l0_test, I_AD); CHECK_AD(a0, 1, 1); \
	ld a0, 8(a1); CHECK(a0, 0x1234); \
	CASE(43); GET_PTE(a0, l0_test, I_D0); CHECK_AD(a0, 1, 0); \
	li a1, VA_4K(I_D0); ld a0, 8(a1); CHECK(a0, 0x1234); \
	GET_PTE(a0, l0_test, I_D0); CHECK_AD(a0, 1, 0); \
	sw zero, 16(a1); GET_PTE(a0, l0_test, I_D0); CHECK_AD(a0, 1, 1); \
	CASE(44); GET_PTE(a0, l1_test, 3); CHECK_AD(a0, 0, 0); \
	li a1, VA_2M_AD + 0x1000; ld a0, 0x238(a1); CHECK(a0, VAL_2M); \
	GET_PTE(a0, l1_test, 3); CHECK_AD(a0, 1, 0); \
	amoadd.d zero, zero, (a1); GET_PTE(a0, l1_test, 3); CHECK_AD(a0, 1, 1); \
	CASE(45); GET_PTE(a0, l0_test, I_CODE); CHECK_AD(a0, 1, 0); \
	CASE(46); GET_PTE(a0, l0_test, I_RO); CHECK_AD(a0, 1, 0); \
	GOTO_M

/* U pages from S mode: SUM gates loads/stores, fetch never allowed. */
#define VM_SUM \
	CASE(50); GOTO_S; li t0, MSTATUS_SUM; csrc sstatus, t0; li a1, VA_4K(I_USER); \
	TEST_TRAP(51, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_USER), ld a0, 0(a1)); \
	TEST_TRAP(52, CAUSE_STORE_PAGE_FAULT, VA_4K(I_USER) + 8, sd a0, 8(a1)); \
	CASE(53); li t0, MSTATUS_SUM; csrs sstatus, t0; ld a0, 0(a1); CHECK(a0, VAL_D); \
	li a2, 0xd1; sd a2, 8(a1); ld a0, 8(a1); CHECK(a0, 0xd1); \
	sfence.vma; S_FETCH_FAULT(54, VA_4K(I_USER)); \
	VM_SUM_FETCH_AFTER_LOAD; \
	CASE(55); li t0, MSTATUS_SUM; csrc mstatus, t0

/* The same fetch right after a (permitted, SUM = 1) load from the page:
 * a cached translation must not grant S-mode execute on a U page.
 * (QEMU 7.2 caches the load's translation with execute permission and
 * runs the U page's contents in S mode.) */
#ifndef SKIP_QEMU_DIFFS
#define VM_SUM_FETCH_AFTER_LOAD \
	CASE(56); GOTO_S; li a1, VA_4K(I_USER); ld a0, 0(a1); CHECK(a0, VAL_D); \
	S_FETCH_FAULT(57, VA_4K(I_USER))
#else
#define VM_SUM_FETCH_AFTER_LOAD
#endif

/* U mode (running at the user alias): U pages only. */
#define VM_USER \
	li a1, VA_4K(I_USER); \
	U_TEST_OK(60, a0, VAL_D, ld a0, 0(a1)); \
	U_TEST_OK(61, a0, 0x99, li a2, 0x99; sd a2, 16(a1); ld a0, 16(a1)); \
	li a1, VA_4K(I_RO); \
	U_TEST_TRAP_R(62, CAUSE_LOAD_PAGE_FAULT, a1, ld a0, 0(a1)); \
	U_TEST_TRAP_R(63, CAUSE_STORE_PAGE_FAULT, a1, sd a0, 0(a1)); \
	li a1, VA_2M; \
	U_TEST_TRAP_R(64, CAUSE_LOAD_PAGE_FAULT, a1, lb a0, 0(a1)); \
	li a1, VA_4K(I_CODE); \
	U_FETCH_FAULT(65, a1); \
	li a1, VA_2M; \
	U_FETCH_FAULT(66, a1); \
	CASE(67); la a1, pgD; li t0, 0x00008067; sw t0, 0x100(a1); fence.i;  /* ret */ \
	U_TEST_OK(68, a0, 0x100, li t0, VA_4K(I_USER) + 0x100; li a0, 0x100; jalr ra, 0(t0))

/* Page faults delegated to S mode: scause / stval / sepc. */
#define VM_DELEG \
	CASE(70); la t0, strap_entry; csrw stvec, t0; \
	li t0, (1 << 12) | (1 << 13) | (1 << 15); csrw medeleg, t0; GOTO_S; \
	li a1, VA_4K(I_INV); \
	TEST_STRAP(71, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_INV) + 0x20, lhu a0, 0x20(a1)); \
	li a1, VA_4K(I_RO); \
	TEST_STRAP(72, CAUSE_STORE_PAGE_FAULT, VA_4K(I_RO) + 2, sh a0, 2(a1)); \
	CASE(73); STRAP_ARM; la t0, strap_rec; la t1, 1f; sd t1, TR_RESUME(t0); \
	li a1, VA_4K(I_INV); jalr ra, 0(a1); j fail; \
1:	STRAP_DISARM; CHECK_STRAP_CAUSE(CAUSE_FETCH_PAGE_FAULT); \
	STRAP_FIELD(a0, TR_TVAL); CHECK(a0, VA_4K(I_INV)); \
	STRAP_FIELD(a0, TR_EPC); CHECK(a0, VA_4K(I_INV)); \
	GOTO_M; csrw medeleg, zero

/* Svpbmt: with menvcfg.PBMTE = 1, NC and IO pages work like normal
 * memory here; PBMT = 3 stays reserved. */
#define VM_PBMT \
	CASE(80); li t0, MENVCFG_PBMTE; csrs menvcfg, t0; csrr a0, menvcfg; and a0, a0, t0; \
	CHECK_R(a0, t0); sfence.vma; GOTO_S; \
	TEST_CASE(81, a0, VAL_F, li a1, VA_4K(I_NC); ld a0, 0(a1)); \
	TEST_CASE(82, a0, VAL_F, li a1, VA_4K(I_IO); ld a0, 0(a1)); \
	CASE(83); li a2, 0x83; sd a2, 8(a1); li a1, VA_4K(I_NC); ld a0, 8(a1); CHECK(a0, 0x83); \
	VM_PBMT_RESERVED; \
	GOTO_M; li t0, MENVCFG_PBMTE; csrc menvcfg, t0; sfence.vma

/* mstatus.MPRV: M-mode loads/stores translated with the MPP privilege. */
#define VM_MPRV \
	CASE(90); li a1, VA_2M + 0x1000; li t0, MSTATUS_MPP; csrc mstatus, t0; \
	li t0, MSTATUS_MPP_S | MSTATUS_MPRV; csrs mstatus, t0; \
	ld a0, 0x238(a1); li t0, MSTATUS_MPRV; csrc mstatus, t0; CHECK(a0, VAL_2M); \
	CASE(91); TRAP_ARM; li a1, VA_4K(I_RO); li t0, MSTATUS_MPP; csrc mstatus, t0; \
	li t0, MSTATUS_MPRV; csrs mstatus, t0;  /* MPP = U: U may not touch S pages */ \
94: ld a0, 0(a1); li t0, MSTATUS_MPRV; csrc mstatus, t0; TRAP_DISARM; \
	CHECK_TRAP_CAUSE(CAUSE_LOAD_PAGE_FAULT); TRAP_FIELD(t5, TR_TVAL); CHECK_R(t5, a1); \
	TRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4); \
	CASE(92); li a1, VA_4K(I_USER); li t0, MSTATUS_MPP; csrc mstatus, t0; \
	li t0, MSTATUS_MPRV; csrs mstatus, t0; ld a0, 0(a1); li t0, MSTATUS_MPRV; csrc mstatus, t0; \
	CHECK(a0, VAL_D)

/* An AMO on an invalid page is a store/AMO page fault (15).
 * (QEMU 7.2 reports a load page fault, 13.) */
#ifndef SKIP_QEMU_DIFFS
#define VM_AMO_INVALID \
	TEST_TRAP(13, CAUSE_STORE_PAGE_FAULT, VA_4K(I_INV), amoadd.d a0, a0, (a1))
#else
#define VM_AMO_INVALID
#endif

/* PTE bits 60:54 are reserved: page fault. With menvcfg.PBMTE = 0 the
 * PBMT bits are reserved too: any nonzero PBMT faults.
 * (QEMU 7.2 gates both checks on the Svpbmt extension being present, not
 * on menvcfg.PBMTE: with svpbmt=on it never checks bits 60:54 and accepts
 * PBMT with PBMTE = 0; without svpbmt it cannot set PBMTE at all.) */
#ifndef SKIP_QEMU_DIFFS
#define VM_RSV_BITS \
	li a1, VA_4K(I_RSV); \
	TEST_TRAP(27, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_RSV), ld a0, 0(a1)); \
	li a1, VA_4K(I_NC); \
	TEST_TRAP(28, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_NC), ld a0, 0(a1)); \
	li a1, VA_4K(I_IO); \
	TEST_TRAP(29, CAUSE_STORE_PAGE_FAULT, VA_4K(I_IO), sd a0, 0(a1)); \
	li a1, VA_4K(I_PB3); \
	TEST_TRAP(30, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_PB3), ld a0, 0(a1))
#else
#define VM_RSV_BITS
#endif

/* PBMT = 3 stays reserved and bits 60:54 stay reserved with PBMTE = 1.
 * (QEMU 7.2 with svpbmt=on accepts both.) */
#ifndef SKIP_QEMU_DIFFS
#define VM_PBMT_RESERVED \
	li a1, VA_4K(I_PB3); \
	TEST_TRAP(84, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_PB3), ld a0, 0(a1)); \
	li a1, VA_4K(I_RSV); \
	TEST_TRAP(85, CAUSE_LOAD_PAGE_FAULT, VA_4K(I_RSV), ld a0, 0(a1))
#else
#define VM_PBMT_RESERVED
#endif

/* ------------------------------------------------------------------ */
	.bss
	.align 12
l1_test: .space 4096
l0_test: .space 4096
l0_ptr:  .space 4096
	.space 4096
pgA: .space 4096
pgB: .space 4096
pgC: .space 4096
pgD: .space 4096
pgE: .space 4096
pgF: .space 4096

	.data
	.align 3
vm_marker:
	.dword 0x0123456789abcdef

	.text
#endif
