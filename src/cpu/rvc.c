/* The C extension: each 16-bit instruction is expanded to the 32-bit
 * instruction it stands for (unprivileged spec chapter 16), so the
 * executor implements every operation once. */
#include "cpu/rvc.h"

static uint32_t bits(uint32_t v, int hi, int lo)
{
	return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* compressed register fields name x8..x15 */
static uint32_t creg(uint32_t v, int lo)
{
	return 8 + bits(v, lo + 2, lo);
}

static uint32_t enc_r(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3,
		      uint32_t rd, uint32_t op)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_i(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd,
		      uint32_t op)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_s(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3,
		      uint32_t op)
{
	uint32_t i = (uint32_t)imm;
	return bits(i, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       bits(i, 4, 0) << 7 | op;
}

static uint32_t enc_b(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3)
{
	uint32_t i = (uint32_t)imm;
	return bits(i, 12, 12) << 31 | bits(i, 10, 5) << 25 | rs2 << 20 |
	       rs1 << 15 | f3 << 12 | bits(i, 4, 1) << 8 | bits(i, 11, 11) << 7 |
	       0x63;
}

static uint32_t enc_j(int32_t imm, uint32_t rd)
{
	uint32_t i = (uint32_t)imm;
	return bits(i, 20, 20) << 31 | bits(i, 10, 1) << 21 |
	       bits(i, 11, 11) << 20 | bits(i, 19, 12) << 12 | rd << 7 | 0x6f;
}

static int32_t sext(uint32_t v, int width)
{
	return (int32_t)(v << (32 - width)) >> (32 - width);
}

#define ILLEGAL 0

/* quadrant 0: stack-pointer-free loads and stores, addi4spn */
static uint32_t q0(uint32_t c)
{
	uint32_t rd = creg(c, 2), rs1 = creg(c, 7);
	uint32_t uimm_w = bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 |
			  bits(c, 5, 5) << 6;
	uint32_t uimm_d = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;

	switch (bits(c, 15, 13)) {
	case 0: { /* c.addi4spn */
		uint32_t imm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 |
			       bits(c, 6, 6) << 2 | bits(c, 5, 5) << 3;
		return imm ? enc_i(imm, 2, 0, rd, 0x13) : ILLEGAL;
	}
	case 1: return enc_i(uimm_d, rs1, 3, rd, 0x07);  /* c.fld */
	case 2: return enc_i(uimm_w, rs1, 2, rd, 0x03);  /* c.lw */
	case 3: return enc_i(uimm_d, rs1, 3, rd, 0x03);  /* c.ld */
	case 5: return enc_s(uimm_d, rd, rs1, 3, 0x27);  /* c.fsd */
	case 6: return enc_s(uimm_w, rd, rs1, 2, 0x23);  /* c.sw */
	case 7: return enc_s(uimm_d, rd, rs1, 3, 0x23);  /* c.sd */
	}
	return ILLEGAL;
}

static uint32_t q1_arith(uint32_t c)
{
	uint32_t rd = creg(c, 7), rs2 = creg(c, 2);
	uint32_t shamt = bits(c, 12, 12) << 5 | bits(c, 6, 2);

	switch (bits(c, 11, 10)) {
	case 0: return enc_i(shamt, rd, 5, rd, 0x13);             /* c.srli */
	case 1: return enc_i(0x400 | shamt, rd, 5, rd, 0x13);     /* c.srai */
	case 2: return enc_i(sext(shamt, 6), rd, 7, rd, 0x13);    /* c.andi */
	}
	static const uint32_t f3[] = { 0, 4, 6, 7 };               /* sub xor or and */
	uint32_t op2 = bits(c, 6, 5);
	if (!bits(c, 12, 12))
		return enc_r(op2 == 0 ? 0x20 : 0, rs2, rd, f3[op2], rd, 0x33);
	if (op2 == 0)
		return enc_r(0x20, rs2, rd, 0, rd, 0x3b);         /* c.subw */
	if (op2 == 1)
		return enc_r(0, rs2, rd, 0, rd, 0x3b);            /* c.addw */
	return ILLEGAL;
}

static uint32_t q1(uint32_t c)
{
	uint32_t rd = bits(c, 11, 7);
	int32_t imm6 = sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);

	switch (bits(c, 15, 13)) {
	case 0: return enc_i(imm6, rd, 0, rd, 0x13);              /* c.addi */
	case 1: return rd ? enc_i(imm6, rd, 0, rd, 0x1b) : ILLEGAL; /* c.addiw */
	case 2: return enc_i(imm6, 0, 0, rd, 0x13);               /* c.li */
	case 3:
		if (rd == 2) {                                    /* c.addi16sp */
			int32_t imm = sext(bits(c, 12, 12) << 9 |
					   bits(c, 6, 6) << 4 |
					   bits(c, 5, 5) << 6 |
					   bits(c, 4, 3) << 7 |
					   bits(c, 2, 2) << 5, 10);
			return imm ? enc_i(imm, 2, 0, 2, 0x13) : ILLEGAL;
		}
		if (!imm6)
			return ILLEGAL;
		return ((uint32_t)imm6 << 12) | rd << 7 | 0x37;  /* c.lui */
	case 4: return q1_arith(c);
	case 5: {                                                 /* c.j */
		int32_t imm = sext(bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 |
				   bits(c, 10, 9) << 8 | bits(c, 8, 8) << 10 |
				   bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 |
				   bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5, 12);
		return enc_j(imm, 0);
	}
	case 6:
	case 7: {                                                 /* c.beqz/bnez */
		int32_t imm = sext(bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 |
				   bits(c, 6, 5) << 6 | bits(c, 4, 3) << 1 |
				   bits(c, 2, 2) << 5, 9);
		return enc_b(imm, 0, creg(c, 7), bits(c, 15, 13) == 6 ? 0 : 1);
	}
	}
	return ILLEGAL;
}

static uint32_t q2(uint32_t c)
{
	uint32_t rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
	uint32_t lwsp = bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
	uint32_t ldsp = bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
	uint32_t swsp = bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6;
	uint32_t sdsp = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;

	switch (bits(c, 15, 13)) {
	case 0:                                                   /* c.slli */
		return enc_i(bits(c, 12, 12) << 5 | rs2, rd, 1, rd, 0x13);
	case 1: return enc_i(ldsp, 2, 3, rd, 0x07);               /* c.fldsp */
	case 2: return rd ? enc_i(lwsp, 2, 2, rd, 0x03) : ILLEGAL; /* c.lwsp */
	case 3: return rd ? enc_i(ldsp, 2, 3, rd, 0x03) : ILLEGAL; /* c.ldsp */
	case 4:
		if (!bits(c, 12, 12)) {
			if (!rs2)                                 /* c.jr */
				return rd ? enc_i(0, rd, 0, 0, 0x67) : ILLEGAL;
			return enc_r(0, rs2, 0, 0, rd, 0x33);     /* c.mv */
		}
		if (!rs2) {
			if (!rd)
				return 0x00100073;                /* c.ebreak */
			return enc_i(0, rd, 0, 1, 0x67);          /* c.jalr */
		}
		return enc_r(0, rs2, rd, 0, rd, 0x33);            /* c.add */
	case 5: return enc_s(sdsp, rs2, 2, 3, 0x27);              /* c.fsdsp */
	case 6: return enc_s(swsp, rs2, 2, 2, 0x23);              /* c.swsp */
	case 7: return enc_s(sdsp, rs2, 2, 3, 0x23);              /* c.sdsp */
	}
	return ILLEGAL;
}

uint32_t rvc_expand(uint16_t c)
{
	switch (c & 3) {
	case 0: return q0(c);
	case 1: return q1(c);
	case 2: return q2(c);
	}
	return ILLEGAL;
}
