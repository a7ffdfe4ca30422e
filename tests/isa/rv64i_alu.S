/* rv64i_alu.S: RV64I integer computational instructions.
 * Unprivileged spec, "RV32I/RV64I Base Integer Instruction Set":
 * register-register and register-immediate ALU operations, the 32-bit *W
 * forms, LUI and AUIPC, and writes to x0.
 */
#include "test.h"

TESTS_BEGIN

/* ADD/SUB: 64-bit two's complement, overflow wraps silently. */
	TEST_RR( 1, add, 3, 1, 2)
	TEST_RR( 2, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
	TEST_RR( 3, add, 0, -1, 1)
	TEST_RR( 4, add, 0, 0x8000000000000000, 0x8000000000000000)
	TEST_RR( 5, sub, -2, 3, 5)
	TEST_RR( 6, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
	TEST_RR( 7, sub, 0x8000000000000000, 0, 0x8000000000000000)
	TEST_RR_RD_RS1( 8, add, 0x100000000, 0xffffffff, 1)
	TEST_RR_RD_RS2( 9, sub, 0xfffffffffffffff6, 0, 10)

/* SLL/SRL/SRA: RV64 uses the low 6 bits of rs2 as the shift amount. */
	TEST_RR(10, sll, 0x8000000000000000, 1, 63)
	TEST_RR(11, sll, 1, 1, 64)
	TEST_RR(12, sll, 2, 1, 65)
	TEST_RR(13, sll, 0xfffffffffffffff0, -1, 0xffffffffffffffc4)
	TEST_RR(14, srl, 1, 0x8000000000000000, 63)
	TEST_RR(15, srl, 0x7fffffffffffffff, -1, 1)
	TEST_RR(16, srl, 0x8000000000000000, 0x8000000000000000, 64)
	TEST_RR(17, sra, -1, 0x8000000000000000, 63)
	TEST_RR(18, sra, 0xc000000000000000, 0x8000000000000000, 1)
	TEST_RR(19, sra, 1, 0x4000000000000000, 62)
	TEST_RR(20, sra, 0x0123456789abcdef, 0x0123456789abcdef, 0)

/* SLT/SLTU: signed and unsigned compare, result 0 or 1. */
	TEST_RR(21, slt, 1, -1, 1)
	TEST_RR(22, slt, 0, 1, -1)
	TEST_RR(23, slt, 0, 5, 5)
	TEST_RR(24, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_RR(25, sltu, 1, 1, -1)
	TEST_RR(26, sltu, 0, -1, 1)
	TEST_RR(27, sltu, 0, 0, 0)
	TEST_RR(28, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff)

/* Bitwise logic. */
	TEST_RR(29, xor, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
	TEST_RR(30, or,  0xfff0fff0fff0fff0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
	TEST_RR(31, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)

/* x0 as destination is discarded; x0 as source reads 0. */
	CASE(32)
	li a1, 5
	add x0, a1, a1
	addi x0, x0, 7
	lui x0, 1
	CHECK(x0, 0)
	TEST_CASE(33, a0, 5, li a1, 5; add a0, x0, a1)

/* Immediate forms: 12-bit immediate, sign-extended to 64 bits. */
	TEST_IMM(34, addi, 0, 1, -1)
	TEST_IMM(35, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
	TEST_IMM(36, addi, 2047, 0, 2047)
	TEST_IMM(37, addi, -2048, 0, -2048)
	TEST_IMM(38, slti, 1, -1, 0)
	TEST_IMM(39, slti, 0, 0, -1)
	TEST_IMM(40, slti, 1, 0x8000000000000000, -2048)
	TEST_IMM(41, sltiu, 1, 1, -1)              /* imm -1 = 0xffff...ffff unsigned */
	TEST_IMM(42, sltiu, 1, 0, 1)               /* seqz */
	TEST_IMM(43, sltiu, 0, 0x8000000000000000, 2047)
	TEST_IMM(44, xori, 0xedcba98765432100, 0x123456789abcdeff, -1)   /* not */
	TEST_IMM(45, xori, 0x123456789abcdef0, 0x123456789abcde0f, 0xff)
	TEST_IMM(46, ori, 0xfffffffffffff800, 0, -2048)
	TEST_IMM(47, ori, 0x123456789abcdeff, 0x123456789abcde00, 0xff)
	TEST_IMM(48, andi, 0x123456789abcdef0, 0x123456789abcdef7, -16)
	TEST_IMM(49, andi, 0xf0, 0x123456789abcdef0, 0xff)
	TEST_IMM(50, slli, 0x8000000000000000, 1, 63)
	TEST_IMM(51, slli, 0x23456789abcdef00, 0x0123456789abcdef, 8)
	TEST_IMM(52, srli, 1, -1, 63)
	TEST_IMM(53, srli, 0x00ffffffffffffff, -1, 8)
	TEST_IMM(54, srai, -1, 0x8000000000000000, 63)
	TEST_IMM(55, srai, 1, 0x7fffffffffffffff, 62)
	TEST_IMM(56, srai, 0xff80000000000000, 0x8000000000000000, 8)

/* *W forms: operate on the low 32 bits, result sign-extended from bit 31;
 * the upper 32 bits of the sources are ignored. */
	TEST_RR(57, addw, 0xffffffff80000000, 0x7fffffff, 1)
	TEST_RR(58, addw, 1, 0xffffffff00000001, 0x100000000)
	TEST_RR(59, addw, 0, 0xffffffff, 1)
	TEST_RR(60, subw, -1, 0, 1)
	TEST_RR(61, subw, 0x7fffffff, 0x80000000, 1)
	TEST_RR(62, subw, 0xffffffff80000000, 0x7fffffff, 0xffffffffffffffff)
	TEST_RR(63, sllw, 0xffffffff80000000, 1, 31)
	TEST_RR(64, sllw, 1, 1, 32)               /* 5-bit shift amount */
	TEST_RR(65, sllw, 0x12345678, 0xabcdef0012345678, 0)
	TEST_RR(66, srlw, 1, 0xffffffff80000000, 31)
	TEST_RR(67, srlw, 0xffffffff80000000, 0x80000000, 0)   /* sign-extends even with shift 0 */
	TEST_RR(68, srlw, 0x7fffffff, -1, 1)
	TEST_RR(69, srlw, 0x7fffffff, -1, 33)              /* shift by 33 & 31 = 1 */
	TEST_RR(70, sraw, -1, 0x80000000, 31)
	TEST_RR(71, sraw, 1, 0xaaaaaaaa7fffffff, 30)
	TEST_RR(72, sraw, 0xfffffffff8000000, 0x80000000, 4)
	TEST_IMM(73, addiw, 0xffffffff80000000, 0x7fffffff, 1)
	TEST_IMM(74, addiw, -1, 0x00000000ffffffff, 0)    /* sext.w */
	TEST_IMM(75, addiw, 0x7ffff800, 0xffffffff7fffffff, -2047)
	TEST_IMM(76, slliw, 0xffffffff80000000, 1, 31)
	TEST_IMM(77, slliw, 0x789abcd0, 0xffffffff6789abcd, 4)
	TEST_IMM(78, srliw, 1, 0xffffffff80000000, 31)
	TEST_IMM(79, srliw, -1, -1, 0)
	TEST_IMM(80, srliw, 0x0fffffff, 0x00000000ffffffff, 4)
	TEST_IMM(81, sraiw, -1, 0x80000000, 31)
	TEST_IMM(82, sraiw, 0xffffffff80000000, 0x0000000080000000, 0)
	TEST_IMM(83, sraiw, 0x07ffffff, 0x123456787fffffff, 4)

/* LUI: imm << 12, sign-extended from bit 31 on RV64. */
	TEST_CASE(84, a0, 0xffffffff80000000, lui a0, 0x80000)
	TEST_CASE(85, a0, 0x7ffff000, lui a0, 0x7ffff)
	TEST_CASE(86, a0, 0xfffffffffffff000, lui a0, 0xfffff)
	TEST_CASE(87, a0, 0, lui a0, 0)

/* AUIPC: pc + (imm << 12 sign-extended from bit 31). */
	CASE(88)
1:	auipc a0, 0
	la a1, 1b
	CHECK_R(a0, a1)
	CASE(89)
1:	auipc a0, 1
	la a1, 1b
	li t0, 0x1000
	add a1, a1, t0
	CHECK_R(a0, a1)
	CASE(90)
1:	auipc a0, 0x80000                 /* pc - 2^31 */
	la a1, 1b
	li t0, 0x80000000
	sub a1, a1, t0
	CHECK_R(a0, a1)
	CASE(91)
1:	auipc a0, 0xfffff                 /* pc - 4096 */
	la a1, 1b
	addi a1, a1, -2048
	addi a1, a1, -2048
	CHECK_R(a0, a1)

/* FENCE / FENCE.TSO / NOP are no-ops for a single hart. */
	CASE(92)
	li a0, 42
	fence
	fence rw, rw
	fence.tso
	fence i, o
	nop
	CHECK(a0, 42)

TESTS_END
