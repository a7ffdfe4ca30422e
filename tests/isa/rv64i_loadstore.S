/* rv64i_loadstore.S: RV64I loads and stores.
 * Unprivileged spec, "Load and Store Instructions": little-endian memory;
 * LB/LH/LW sign-extend, LBU/LHU/LWU zero-extend, LD loads 64 bits; SB/SH/SW
 * store the low 8/16/32 bits of rs2 and touch no other byte; the address is
 * rs1 + sign-extended 12-bit offset. Misaligned accesses "may be handled in
 * hardware": glass (like QEMU for plain loads/stores) supports them, so here
 * they must simply produce the little-endian result, also across a page
 * boundary.
 */
#include "test.h"

/* Store `val` with `st` at stbuf+off into a zeroed 16-byte buffer, then
 * check both doublewords of the buffer. */
#define TEST_ST(n, st, off, val, exp0, exp1) \
	CASE(n); la a1, stbuf; sd zero, 0(a1); sd zero, 8(a1); li a2, val; \
	st a2, off(a1); ld a0, 0(a1); CHECK(a0, exp0); ld a0, 8(a1); CHECK(a0, exp1)

TESTS_BEGIN

/* Aligned loads: sign vs zero extension. */
	TEST_LOAD( 1, lb,  0xffffffffffffff81, lddata, 0)
	TEST_LOAD( 2, lbu, 0x81, lddata, 0)
	TEST_LOAD( 3, lb,  0x11, lddata, 8)
	TEST_LOAD( 4, lbu, 0x08, lddata, 15)
	TEST_LOAD( 5, lh,  0xffffffffffff8281, lddata, 0)
	TEST_LOAD( 6, lhu, 0x8281, lddata, 0)
	TEST_LOAD( 7, lh,  0x2211, lddata, 8)
	TEST_LOAD( 8, lw,  0xffffffff84838281, lddata, 0)
	TEST_LOAD( 9, lwu, 0x84838281, lddata, 0)
	TEST_LOAD(10, lw,  0x44332211, lddata, 8)
	TEST_LOAD(11, lwu, 0x08776655, lddata, 12)
	TEST_LOAD(12, ld,  0x8887868584838281, lddata, 0)
	TEST_LOAD(13, ld,  0x0877665544332211, lddata, 8)

/* Negative offsets and rd == rs1. */
	TEST_LOAD(14, lb,  0xffffffffffffff81, lddata_mid, -8)
	TEST_LOAD(15, lhu, 0x8887, lddata_mid, -2)
	TEST_LOAD(16, ld,  0x8887868584838281, lddata_mid, -8)
	CASE(17)
	la a1, lddata
	ld a1, 8(a1)
	CHECK(a1, 0x0877665544332211)
	CASE(18)                         /* load into x0 is discarded */
	la a1, lddata
	ld x0, 0(a1)
	CHECK(x0, 0)

/* Misaligned loads (handled in hardware). */
	TEST_LOAD(19, lh,  0xffffffffffff8382, lddata, 1)
	TEST_LOAD(20, lhu, 0x1188, lddata, 7)
	TEST_LOAD(21, lw,  0xffffffff85848382, lddata, 1)
	TEST_LOAD(22, lw,  0x22118887, lddata, 6)
	TEST_LOAD(23, lwu, 0x11888786, lddata, 5)
	TEST_LOAD(24, lwu, 0x77665544, lddata, 11)
	TEST_LOAD(25, ld,  0x3322118887868584, lddata, 3)
	TEST_LOAD(26, ld,  0x7766554433221188, lddata, 7)
	TEST_LOAD(27, lh,  0x7766, lddata, 13)

/* Stores: only the addressed bytes change. */
	TEST_ST(28, sb, 0, 0xabcdef12, 0x12, 0)
	TEST_ST(29, sb, 7, 0xabcdef12, 0x1200000000000000, 0)
	TEST_ST(30, sh, 0, 0x123456, 0x3456, 0)
	TEST_ST(31, sh, 6, 0x123456, 0x3456000000000000, 0)
	TEST_ST(32, sw, 4, 0xfff89abcdef, 0x89abcdef00000000, 0)
	TEST_ST(33, sw, 8, 0x89abcdef, 0, 0x89abcdef)
	TEST_ST(34, sd, 8, 0x0123456789abcdef, 0, 0x0123456789abcdef)
	CASE(35)                         /* store x0 */
	la a1, stbuf
	li a2, -1
	sd a2, 0(a1)
	sd zero, 0(a1)
	ld a0, 0(a1)
	CHECK(a0, 0)

/* Misaligned stores. */
	TEST_ST(36, sh, 7, 0x3456, 0x5600000000000000, 0x34)
	TEST_ST(37, sh, 3, 0xbeef, 0xbeef000000, 0)
	TEST_ST(38, sw, 5, 0x89abcdef, 0xabcdef0000000000, 0x89)
	TEST_ST(39, sw, 6, 0x11223344, 0x3344000000000000, 0x1122)
	TEST_ST(40, sd, 3, 0x0123456789abcdef, 0x6789abcdef000000, 0x12345)
	TEST_ST(41, sd, 1, 0xfedcba9876543210, 0xdcba987654321000, 0xfe)

/* Store then load back: sign extension of the loaded value. */
	TEST_STORE(42, sw, lw,  0xffffffff80000000, 0x80000000, stbuf, 0)
	TEST_STORE(43, sw, lwu, 0x80000000, 0x80000000, stbuf, 0)
	TEST_STORE(44, sh, lh,  0xffffffffffff8000, 0x8000, stbuf, 2)
	TEST_STORE(45, sb, lb,  0xffffffffffffff80, 0x80, stbuf, 1)
	TEST_STORE(46, sd, ld,  0x8000000000000001, 0x8000000000000001, stbuf, -8+16)

/* Misaligned accesses crossing a 4 KiB page boundary. */
	CASE(47)
	la a1, pagebuf
	li t0, 4096
	add a1, a1, t0                   /* a1 = page boundary */
	li a2, 0x1122334455667788
	sd a2, -3(a1)                    /* bytes -3..+4 */
	ld a0, -3(a1)
	CHECK(a0, 0x1122334455667788)
	CASE(48)
	lwu a0, -1(a1)                   /* bytes 0x66 0x55 0x44 0x33 */
	CHECK(a0, 0x33445566)
	CASE(49)
	lbu a0, -3(a1)
	CHECK(a0, 0x88)
	lbu a0, 4(a1)
	CHECK(a0, 0x11)
	CASE(50)
	li a2, 0xa1b2
	sh a2, -1(a1)
	lhu a0, -1(a1)
	CHECK(a0, 0xa1b2)
	lbu a0, -1(a1)
	CHECK(a0, 0xb2)
	lbu a0, 0(a1)
	CHECK(a0, 0xa1)
	CASE(51)
	li a2, 0xdeadbeef
	sw a2, -2(a1)
	lw a0, -2(a1)
	CHECK(a0, 0xffffffffdeadbeef)

TESTS_END

	.data
	.align 4
lddata:
	.byte 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88
lddata_mid:
	.byte 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08
	.align 4
stbuf:
	.dword 0, 0, 0, 0

	.bss
	.align 12
pagebuf:
	.space 8192
