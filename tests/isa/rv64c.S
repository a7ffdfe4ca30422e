/* rv64c.S: C extension (compressed instructions), RV64.
 * Unprivileged spec, "C Standard Extension": every RVC instruction expands
 * to a base instruction. Three-bit register fields name x8-x15 / f8-f15;
 * load/store offsets are zero-extended and scaled by the access size;
 * C.ADDI16SP scales by 16, C.ADDI4SPN by 4; C.LUI and C.ADDI immediates are
 * sign-extended 6-bit; C.ADDIW / C.ADDW / C.SUBW sign-extend their 32-bit
 * result (RV64: C.ADDIW takes C.JAL's encoding); C.JALR links pc + 2.
 * C.EBREAK raises a breakpoint; the all-zero halfword and reserved encodings
 * (C.ADDI4SPN with imm 0, C.LUI/C.ADDI16SP with imm 0, C.JR x0, C.LWSP x0)
 * are illegal instructions.
 * Every instruction here is written with its explicit c. mnemonic, so the
 * assembler must emit the 16-bit form.
 */
#include "test.h"

/* Expect a trap with cause 2 from the 16-bit pattern `bits`; mtval must be
 * the instruction bits (which is 0 for the all-zero pattern). */
#define TEST_ILLEGAL16(n, bits) \
	TEST_TRAP(n, CAUSE_ILLEGAL_INSN, bits, .hword bits)

	.option rvc
TESTS_BEGIN

/* C.LI / C.LUI: sign-extended 6-bit immediates. */
	TEST_CASE( 1, a0, -32, c.li a0, -32)
	TEST_CASE( 2, a0, 31, c.li a0, 31)
	TEST_CASE( 3, a0, 0x1f000, c.lui a0, 0x1f)
	TEST_CASE( 4, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
	TEST_CASE( 5, s1, 0x1000, c.lui s1, 1)

/* C.ADDI / C.ADDIW / C.NOP. */
	TEST_CASE( 6, a0, 0, li a0, 1; c.addi a0, -1)
	TEST_CASE( 7, a0, 0x8000000000000000, li a0, 0x7fffffffffffffe0; c.addi a0, 31; c.addi a0, 1)
	TEST_CASE( 8, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
	TEST_CASE( 9, a0, -1, li a0, 0xffffffff; c.addiw a0, 0)
	TEST_CASE(10, a0, 0x7ffffff0, li a0, 0x123456787fffffff; c.addiw a0, -15)
	TEST_CASE(11, a0, 5, li a0, 5; c.nop; c.nop)

/* C.ADDI16SP (imm x16) and C.ADDI4SPN (zero-extended imm x4). */
	CASE(12)
	mv s0, sp
	c.addi16sp sp, -64
	sub a0, s0, sp
	CHECK(a0, 64)
	c.addi16sp sp, 496
	sub a0, sp, s0
	CHECK(a0, 432)
	c.addi16sp sp, -512
	sub a0, s0, sp
	CHECK(a0, 80)
	mv sp, s0
	CASE(13)
	c.addi4spn a0, sp, 4
	sub a0, a0, sp
	CHECK(a0, 4)
	c.addi4spn a5, sp, 1020
	sub a0, a5, sp
	CHECK(a0, 1020)

/* Shifts and C.ANDI. */
	TEST_CASE(14, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
	TEST_CASE(15, t1, 0x100000000, li t1, 1; c.slli t1, 32)
	TEST_CASE(16, a0, 1, li a0, -1; c.srli a0, 63)
	TEST_CASE(17, a0, 0x0000ffffffffffff, li a0, -1; c.srli a0, 16)
	TEST_CASE(18, a0, -1, li a0, 0x8000000000000000; c.srai a0, 63)
	TEST_CASE(19, a0, 0xfff0000000000000, li a0, 0x8000000000000000; c.srai a0, 11)
	TEST_CASE(20, a0, 0x1f, li a0, -1; c.andi a0, 31)
	TEST_CASE(21, a0, 0x12345678ffffffe0, li a0, 0x12345678ffffffff; c.andi a0, -32)

/* C.MV / C.ADD and the CA-format register ops. */
	TEST_CASE(22, a0, 0x123456789, li a1, 0x123456789; c.mv a0, a1)
	TEST_CASE(23, t2, 0x123456789, li t0, 0x123456789; c.mv t2, t0)
	TEST_CASE(24, a0, 0, li a0, 0x7fffffffffffffff; li a1, 0x8000000000000001; c.add a0, a1)
	TEST_CASE(25, a0, -2, li a0, 3; li a1, 5; c.sub a0, a1)
	TEST_CASE(26, a0, 0xf0f0f0f0f0f0f0f0, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.xor a0, a1)
	TEST_CASE(27, a0, 0xfff0fff0fff0fff0, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.or a0, a1)
	TEST_CASE(28, a0, 0x0f000f000f000f00, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.and a0, a1)
	TEST_CASE(29, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
	TEST_CASE(30, s0, 5, li s0, 0xffffffff00000003; li s1, 0x1000000002; c.addw s0, s1)   /* upper bits ignored */
	TEST_CASE(31, a0, 0x7fffffff, li a0, 0x80000000; li a1, 1; c.subw a0, a1)
	TEST_CASE(32, a0, -1, li a0, 0x500000000; li a1, 1; c.subw a0, a1)

/* Loads and stores relative to a register (x8-x15), scaled offsets. */
	CASE(33)
	la a2, cdata
	li a3, 0x80000001
	c.sw a3, 124(a2)
	c.lw a4, 124(a2)
	CHECK(a4, 0xffffffff80000001)    /* C.LW sign-extends */
	CASE(34)
	li a3, 0x0123456789abcdef
	c.sd a3, 248(a2)
	c.ld a4, 248(a2)
	CHECK(a4, 0x0123456789abcdef)
	c.sd a3, 120(a2)
	c.lw a5, 120(a2)
	CHECK(a5, 0xffffffff89abcdef)
	c.lw a5, 124(a2)
	CHECK(a5, 0x01234567)
	CASE(35)
	c.sd a3, 0(a2)
	ld a4, 0(a2)
	CHECK(a4, 0x0123456789abcdef)
	c.li a5, 0
	c.sw a5, 4(a2)
	ld a4, 0(a2)
	CHECK(a4, 0x89abcdef)

/* Stack-pointer-relative loads and stores. */
	CASE(36)
	addi sp, sp, -512
	li t0, 0xfedcba9876543210
	c.sdsp t0, 504(sp)
	c.ldsp t1, 504(sp)
	CHECK(t1, 0xfedcba9876543210)
	c.sdsp t0, 248(sp)
	c.lwsp t2, 252(sp)
	CHECK(t2, 0xfffffffffedcba98)
	CASE(37)
	li t0, 0x7654321
	c.swsp t0, 252(sp)
	c.lwsp ra, 252(sp)
	CHECK(ra, 0x7654321)
	c.sdsp t0, 0(sp)
	c.ldsp a0, 0(sp)
	CHECK(a0, 0x7654321)
	addi sp, sp, 512

/* FP loads and stores (C.FLD/C.FSD on f8-f15, C.FLDSP/C.FSDSP). */
	CASE(38)
	la a2, cdata
	li a3, 0x400921fb54442d18        /* pi */
	sd a3, 16(a2)
	c.fld fa0, 16(a2)
	fmv.x.d a0, fa0
	CHECK(a0, 0x400921fb54442d18)
	c.fsd fa0, 24(a2)
	ld a0, 24(a2)
	CHECK(a0, 0x400921fb54442d18)
	CASE(39)
	addi sp, sp, -512
	c.fsdsp fa0, 504(sp)
	ld a0, 504(sp)
	CHECK(a0, 0x400921fb54442d18)
	li a1, 0xc000000000000000        /* -2.0 */
	sd a1, 8(sp)
	c.fldsp ft11, 8(sp)
	fmv.x.d a0, ft11
	CHECK(a0, 0xc000000000000000)
	addi sp, sp, 512

/* Control transfer: C.J, C.JR, C.JALR (link = pc + 2), C.BEQZ/C.BNEZ. */
	CASE(40)
	c.j 1f
	j fail
2:	c.j 3f                           /* backward target reached */
1:	c.j 2b
	j fail
3:
	CASE(41)
	la t0, 1f
	c.jr t0
	j fail
1:
	CASE(42)
	la t0, 1f
	li ra, 0
	c.jalr t0
2:	j fail
1:	la a0, 2b
	CHECK_R(ra, a0)
	CASE(43)                         /* the link is pc + 2 */
	la t0, 1f
	la a1, 4f
4:	c.jalr t0
	j fail
1:	addi a1, a1, 2
	CHECK_R(ra, a1)
	CASE(44)
	li a0, 0
	c.beqz a0, 1f
	j fail
1:	li a0, 1
	c.beqz a0, 2f
	j 3f
2:	j fail
3:
	CASE(45)
	li s1, 0x100000000               /* all bits count: nonzero */
	c.bnez s1, 1f
	j fail
1:	li s1, 0
	c.bnez s1, 2f
	j 3f
2:	j fail
3:
	CASE(46)                         /* backward c.bnez loop */
	li a0, 3
	li a1, 0
1:	addi a1, a1, 1
	c.addi a0, -1
	c.bnez a0, 1b
	CHECK(a1, 3)

/* C.EBREAK: breakpoint (cause 3), mepc = its address; mtval is 0 or the pc. */
	CASE(47)
	TRAP_ARM
1:	c.ebreak
	TRAP_DISARM
	CHECK_TRAP_CAUSE(CAUSE_BREAKPOINT)
	TRAP_FIELD(t5, TR_EPC)
	la t4, 1b
	CHECK_R(t5, t4)
	TRAP_FIELD(t5, TR_TVAL)
	beqz t5, 2f
	CHECK_R(t5, t4)
2:

/* Illegal and reserved encodings. */
	TEST_ILLEGAL16(48, 0x0000)       /* defined illegal instruction */
	TEST_ILLEGAL16(49, 0x0004)       /* C.ADDI4SPN s1, sp, 0: reserved */
	TEST_ILLEGAL16(50, 0x6501)       /* C.LUI a0, 0: reserved */
	TEST_ILLEGAL16(51, 0x6101)       /* C.ADDI16SP sp, 0: reserved */
	TEST_ILLEGAL16(52, 0x8002)       /* C.JR x0: reserved */
	TEST_ILLEGAL16(53, 0x4002)       /* C.LWSP x0: reserved */
	TEST_ILLEGAL16(54, 0x6002)       /* C.LDSP x0: reserved */

TESTS_END

	.data
	.align 4
cdata:
	.space 512
