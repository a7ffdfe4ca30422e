/* rv64m.S: M extension (integer multiply and divide), RV64.
 * Unprivileged spec, "M Standard Extension": MUL gives the low 64 bits;
 * MULH/MULHSU/MULHU the high 64 bits of the signed x signed, signed x
 * unsigned, unsigned x unsigned 128-bit product. Division rounds toward
 * zero, the remainder has the sign of the dividend. No exceptions:
 * x / 0 = -1 (all ones), x % 0 = x; signed overflow MIN / -1 = MIN,
 * MIN % -1 = 0. *W forms use the low 32 bits and sign-extend the 32-bit
 * result (also for DIVUW/REMUW).
 */
#include "test.h"

TESTS_BEGIN

/* MUL: low 64 bits. */
	TEST_RR( 1, mul, 21, 3, 7)
	TEST_RR( 2, mul, 1, -1, -1)
	TEST_RR( 3, mul, 0xfffffffffffffffe, 0x7fffffffffffffff, 2)
	TEST_RR( 4, mul, 0x8000000000000000, 0x8000000000000000, -1)
	TEST_RR( 5, mul, 0x2236d88fe5618cf0, 0x123456789abcdef0, 0x0fedcba987654321)
	TEST_RR_RD_RS1( 6, mul, -42, 6, -7)

/* MULH / MULHSU / MULHU: high 64 bits. */
	TEST_RR( 7, mulh, 0, -1, -1)
	TEST_RR( 8, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
	TEST_RR( 9, mulh, 0xffffffffffffffff, -1, 1)
	TEST_RR(10, mulh, 0xfede05ff528828bd, 0x123456789abcdef0, -0x0fedcba987654321)
	TEST_RR(11, mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff)
	TEST_RR(12, mulhsu, 0xffffffffffffffff, -1, 0xffffffffffffffff)
	TEST_RR(13, mulhsu, 0, 1, 0xffffffffffffffff)
	TEST_RR(14, mulhsu, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)
	TEST_RR(15, mulhsu, 0xffffffffffffffff, -2, 3)
	TEST_RR(16, mulhsu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210)
	TEST_RR(17, mulhu, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
	TEST_RR(18, mulhu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210)
	TEST_RR(19, mulhu, 2, -2, 3)
	TEST_RR_RD_RS2(20, mulhu, 0, 5, 7)

/* DIV / DIVU: truncating; divide by zero and overflow. */
	TEST_RR(21, div, 3, 20, 6)
	TEST_RR(22, div, -3, -20, 6)
	TEST_RR(23, div, -3, 20, -6)
	TEST_RR(24, div, 3, -20, -6)
	TEST_RR(25, div, -1, 20, 0)
	TEST_RR(26, div, -1, 0x8000000000000000, 0)
	TEST_RR(27, div, 0x8000000000000000, 0x8000000000000000, -1)
	TEST_RR(28, divu, 3, 20, 6)
	TEST_RR(29, divu, 0x7fffffffffffffff, -1, 2)
	TEST_RR(30, divu, 0xffffffffffffffff, 20, 0)
	TEST_RR(31, divu, 0, 0x8000000000000000, -1)

/* REM / REMU: sign of the dividend; x % 0 = x; MIN % -1 = 0. */
	TEST_RR(32, rem, 2, 20, 6)
	TEST_RR(33, rem, -2, -20, 6)
	TEST_RR(34, rem, 2, 20, -6)
	TEST_RR(35, rem, -2, -20, -6)
	TEST_RR(36, rem, 20, 20, 0)
	TEST_RR(37, rem, -20, -20, 0)
	TEST_RR(38, rem, 0, 0x8000000000000000, -1)
	TEST_RR(39, remu, 2, 20, 6)
	TEST_RR(40, remu, 5, -1, 10)
	TEST_RR(41, remu, 0xfffffffffffffffe, -2, 0)
	TEST_RR(42, remu, 0x8000000000000000, 0x8000000000000000, -1)

/* MULW: low 32 bits of the product, sign-extended; upper source bits ignored. */
	TEST_RR(43, mulw, -2, 0x7fffffff, 2)
	TEST_RR(44, mulw, 15, 0xffffffff00000003, 5)
	TEST_RR(45, mulw, 0, 0x10000, 0x10000)
	TEST_RR(46, mulw, 0xffffffff80000000, 0x40000000, 2)
	TEST_RR(47, mulw, 1, -1, 0x12345678ffffffff)

/* DIVW / DIVUW. */
	TEST_RR(48, divw, -3, -20, 6)
	TEST_RR(49, divw, 3, 0x100000014, 6)
	TEST_RR(50, divw, -1, 20, 0)
	TEST_RR(51, divw, -1, 20, 0x100000000)      /* low 32 bits of divisor are 0 */
	TEST_RR(52, divw, 0xffffffff80000000, 0x80000000, -1)
	TEST_RR(53, divuw, 0x7fffffff, 0xffffffff, 2)
	TEST_RR(54, divuw, -1, 20, 0)
	TEST_RR(55, divuw, 0xffffffff80000000, 0x80000000, 1)
	TEST_RR(56, divuw, 0, 0x80000000, 0xffffffff)

/* REMW / REMUW. */
	TEST_RR(57, remw, -2, -20, 6)
	TEST_RR(58, remw, 0, 0x80000000, -1)
	TEST_RR(59, remw, 0xffffffff80000000, 0x80000000, 0)
	TEST_RR(60, remw, 2, 0xffffffff00000014, 0xfffffffa)   /* 20 % -6 */
	TEST_RR(61, remuw, 5, 0xffffffff, 10)
	TEST_RR(62, remuw, 0xffffffff80000001, 0x80000001, 0)
	TEST_RR(63, remuw, 0x7fffffff, 0x7fffffff, 0x80000000)
	TEST_RR(64, remuw, 0xffffffff80000000, 0x80000000, 0x100000000)

TESTS_END
