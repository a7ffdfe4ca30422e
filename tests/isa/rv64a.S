/* rv64a.S: A extension (atomics), RV64.
 * Unprivileged spec, "A Standard Extension":
 *  - LR reserves; SC writes 0 to rd and stores only if the reservation is
 *    valid, otherwise writes nonzero and does not store. Any SC (successful
 *    or not) invalidates the reservation, so a second SC fails.
 *  - AMOs atomically load the old value into rd and store op(old, rs2).
 *    .W forms operate on 32 bits and sign-extend the old value into rd;
 *    AMOMIN/MAX are signed, AMOMINU/MAXU unsigned, on the operand width.
 *  - Misaligned LR/SC/AMO addresses raise an address-misaligned exception
 *    or an access fault (priv. spec allows either): LR gives cause 4 or 5,
 *    SC/AMO cause 6 or 7, tval = the address.
 *  - An AMO on an address with nothing behind it is a store/AMO access
 *    fault (7); LR there is a load access fault (5).
 */
#include "test.h"

/* 64-bit AMO on amobuf (initialised to init): check rd and memory */
#define TEST_AMO_D(n, insn, init, src, exp_rd, exp_mem) \
	CASE(n); la a1, amobuf; li a2, init; sd a2, 0(a1); li a3, src; \
	insn a0, a3, (a1); CHECK(a0, exp_rd); ld a4, 0(a1); CHECK(a4, exp_mem)
/* 32-bit AMO on the low word of amobuf, whose high word holds a canary:
 * check rd (sign-extended), the word, and that the canary is untouched */
#define TEST_AMO_W(n, insn, init, src, exp_rd, exp_mem) \
	CASE(n); la a1, amobuf; li a2, init; sw a2, 0(a1); li a2, 0x5a5a5a5a; \
	sw a2, 4(a1); li a3, src; insn a0, a3, (a1); CHECK(a0, exp_rd); \
	lwu a4, 0(a1); CHECK(a4, exp_mem); lwu a4, 4(a1); CHECK(a4, 0x5a5a5a5a)

/* Expect one trap with cause c1 or c2 and tval == a1 (the address) */
#define TEST_TRAP_EITHER(n, c1, c2, insn...) \
	CASE(n); TRAP_ARM; 94: insn; TRAP_DISARM; \
	TRAP_FIELD(t5, TR_COUNT); CHECK(t5, 1); \
	TRAP_FIELD(t5, TR_CAUSE); li t4, c1; beq t5, t4, 97f; CHECK(t5, c2); 97: \
	TRAP_FIELD(t5, TR_TVAL); CHECK_R(t5, a1); \
	TRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4)

TESTS_BEGIN

/* LR/SC 64-bit: success after LR, then a second SC fails. */
	CASE(1)
	la a1, amobuf
	li a2, 0x1111111111111111
	sd a2, 0(a1)
	lr.d a0, (a1)
	CHECK(a0, 0x1111111111111111)
	li a3, 0x2222222222222222
	sc.d a4, a3, (a1)
	CHECK(a4, 0)
	ld a5, 0(a1)
	CHECK(a5, 0x2222222222222222)
	CASE(2)                          /* reservation consumed by the SC */
	li a3, 0x3333333333333333
	sc.d a4, a3, (a1)
	FAIL_IF_EQ(a4, zero)
	ld a5, 0(a1)
	CHECK(a5, 0x2222222222222222)
	CASE(3)                          /* SC with no LR before it fails */
	la a2, other
	sc.d a4, a3, (a2)                /* clears any reservation */
	sc.d a4, a3, (a1)
	FAIL_IF_EQ(a4, zero)
	ld a5, 0(a1)
	CHECK(a5, 0x2222222222222222)

/* LR/SC 32-bit: LR.W sign-extends; SC.W stores only 32 bits. */
	CASE(4)
	la a1, amobuf
	li a2, 0x5a5a5a5a80000001
	sd a2, 0(a1)
	lr.w a0, (a1)
	CHECK(a0, 0xffffffff80000001)
	li a3, 0xffffffff12345678
	sc.w a4, a3, (a1)
	CHECK(a4, 0)
	ld a5, 0(a1)
	CHECK(a5, 0x5a5a5a5a12345678)
	CASE(5)
	sc.w a4, a3, (a1)
	FAIL_IF_EQ(a4, zero)
	CASE(6)                          /* acquire/release variants */
	lr.d.aq a0, (a1)
	li a3, 7
	sc.d.rl a4, a3, (a1)
	CHECK(a4, 0)
	ld a5, 0(a1)
	CHECK(a5, 7)
	CASE(7)                          /* LR/SC retry loop: atomic increment x10 */
	la a1, amobuf
	sd zero, 0(a1)
	li a6, 10
1:	lr.d a0, (a1)
	addi a0, a0, 1
	sc.d a4, a0, (a1)
	bnez a4, 1b
	addi a6, a6, -1
	bnez a6, 1b
	ld a5, 0(a1)
	CHECK(a5, 10)

/* 64-bit AMOs: rd = old value, memory = op(old, rs2). */
	TEST_AMO_D( 8, amoswap.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xfedcba9876543210)
	TEST_AMO_D( 9, amoadd.d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
	TEST_AMO_D(10, amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0)
	TEST_AMO_D(11, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
	TEST_AMO_D(12, amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0)
	TEST_AMO_D(13, amomin.d, 1, -1, 1, -1)
	TEST_AMO_D(14, amomin.d, -5, 3, -5, -5)
	TEST_AMO_D(15, amomax.d, 1, -1, 1, 1)
	TEST_AMO_D(16, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(17, amominu.d, 1, -1, 1, 1)
	TEST_AMO_D(18, amominu.d, -1, 0x8000000000000000, -1, 0x8000000000000000)
	TEST_AMO_D(19, amomaxu.d, 1, -1, 1, -1)
	TEST_AMO_D(20, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
	TEST_AMO_D(21, amoadd.d.aqrl, 40, 2, 40, 42)
	CASE(22)                         /* rd = x0: memory still updated */
	la a1, amobuf
	li a2, 5
	sd a2, 0(a1)
	li a3, 6
	amoadd.d x0, a3, (a1)
	ld a4, 0(a1)
	CHECK(a4, 11)
	CHECK(x0, 0)
	CASE(23)                         /* rd == rs2: old value wins in rd */
	li a3, 100
	amoswap.d a3, a3, (a1)
	CHECK(a3, 11)
	ld a4, 0(a1)
	CHECK(a4, 100)

/* 32-bit AMOs: sign-extended old value, 32-bit operation. */
	TEST_AMO_W(24, amoswap.w, 0x80000000, 0x1234567812345678, 0xffffffff80000000, 0x12345678)
	TEST_AMO_W(25, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0x80000000)
	TEST_AMO_W(26, amoadd.w, 0xffffffff, 1, -1, 0)              /* no carry into the canary */
	TEST_AMO_W(27, amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xf0f0f0f0)
	TEST_AMO_W(28, amoand.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0x0f000f00)
	TEST_AMO_W(29, amoor.w, 0x0f00ff00, 0x0ff00ff0, 0x0f00ff00, 0x0ff0fff0)
	TEST_AMO_W(30, amomin.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
	TEST_AMO_W(31, amomin.w, 5, 0x00000000fffffffe, 5, 0xfffffffe)   /* -2 as a word */
	TEST_AMO_W(32, amomax.w, 0x80000000, 1, 0xffffffff80000000, 1)
	TEST_AMO_W(33, amomax.w, 3, 0xffffffff00000005, 3, 5)           /* upper rs2 bits ignored */
	TEST_AMO_W(34, amominu.w, 0x80000000, 1, 0xffffffff80000000, 1)
	TEST_AMO_W(35, amominu.w, 0xffffffff, 0x1fffffffe, -1, 0xfffffffe)
	TEST_AMO_W(36, amomaxu.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
	TEST_AMO_W(37, amomaxu.w, 1, 0x00000000ffffffff, 1, 0xffffffff)
	TEST_AMO_W(38, amoswap.w.aq, 1, 2, 1, 2)

/* Misaligned LR: load address-misaligned or load access fault, tval = address. */
	CASE(39)
	la a1, amobuf
	addi a1, a1, 4
	TEST_TRAP_EITHER(40, CAUSE_MISALIGNED_LOAD, CAUSE_LOAD_ACCESS, lr.d a0, (a1))
	CASE(41)
	la a1, amobuf
	addi a1, a1, 1
	TEST_TRAP_EITHER(42, CAUSE_MISALIGNED_LOAD, CAUSE_LOAD_ACCESS, lr.w a0, (a1))
	la a1, amobuf
	addi a1, a1, 2
	TEST_TRAP_EITHER(43, CAUSE_MISALIGNED_LOAD, CAUSE_LOAD_ACCESS, lr.w a0, (a1))

/* Nothing mapped at 0: LR -> load access fault. */
	CASE(44)
	li a1, 0
	TEST_TRAP(45, CAUSE_LOAD_ACCESS, 0, lr.d a0, (a1))
	TEST_TRAP(46, CAUSE_LOAD_ACCESS, 0, lr.w a0, (a1))

#ifndef SKIP_QEMU_DIFFS
/* AMO where nothing is mapped: store/AMO access fault (7), tval = address.
 * QEMU 7.2 reports a load access fault (5). */
	CASE(47)
	li a1, 0
	TEST_TRAP(48, CAUSE_STORE_ACCESS, 0, amoadd.d a0, a2, (a1))
	TEST_TRAP(49, CAUSE_STORE_ACCESS, 0, amoswap.w a0, a2, (a1))
#endif

#ifndef SKIP_QEMU_DIFFS
/* Misaligned AMO: the exception is a store/AMO one (priv. spec cause
 * table: "Store/AMO address misaligned", "Store/AMO access fault"),
 * cause 6 or 7, tval = address, and memory is not written.
 * QEMU 7.2 reports misaligned AMOs as load address-misaligned (cause 4). */
	CASE(50)
	la a1, amobuf
	addi a1, a1, 2
	TEST_TRAP_EITHER(51, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, amoadd.w a0, a2, (a1))
	TEST_TRAP_EITHER(52, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, amoswap.w a0, a2, (a1))
	CASE(53)
	la a1, amobuf
	addi a1, a1, 4
	TEST_TRAP_EITHER(54, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, amoadd.d a0, a2, (a1))
	TEST_TRAP_EITHER(55, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, amomaxu.d a0, a2, (a1))
	CASE(56)                         /* the faulting AMO does not write memory */
	la a1, amobuf
	li a2, 0x0102030405060708
	sd a2, 0(a1)
	sd a2, 8(a1)
	addi a1, a1, 4
	li a3, -1
	TEST_TRAP_EITHER(57, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, amoswap.d a0, a3, (a1))
	ld a4, -4(a1)
	CHECK(a4, 0x0102030405060708)
	ld a4, 4(a1)
	CHECK(a4, 0x0102030405060708)
#endif

#ifndef SKIP_QEMU_DIFFS
/* Misaligned SC: store/AMO misaligned or access fault even without a
 * reservation, and no write. QEMU 7.2 compares the address with the
 * reservation first and just fails the SC (rd = 1) without trapping. */
	la a1, amobuf
	addi a1, a1, 4
	li a3, -1
	TEST_TRAP_EITHER(58, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, sc.d a0, a3, (a1))
	ld a4, -4(a1)
	CHECK(a4, 0x0102030405060708)
#endif

TESTS_END

	.data
	.align 4
amobuf:
	.dword 0, 0
other:
	.dword 0
