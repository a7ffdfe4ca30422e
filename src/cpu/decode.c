/* Instruction decoding into struct dinsn (see dinsn.h). */
#include "cpu/dinsn.h"
#include "cpu/encoding.h"
#include "cpu/rvc.h"

static enum dop op_branch(uint32_t f3)
{
	static const uint8_t ops[8] = { D_BEQ, D_BNE, D_ILLEGAL, D_ILLEGAL,
					D_BLT, D_BGE, D_BLTU, D_BGEU };
	return ops[f3];
}

static enum dop op_load(uint32_t f3)
{
	static const uint8_t ops[8] = { D_LB, D_LH, D_LW, D_LD,
					D_LBU, D_LHU, D_LWU, D_ILLEGAL };
	return ops[f3];
}

static enum dop op_imm(uint32_t i, uint32_t f3)
{
	static const uint8_t ops[8] = { D_ADDI, D_SLLI, D_SLTI, D_SLTIU,
					D_XORI, D_SRLI, D_ORI, D_ANDI };
	uint32_t top = i >> 26;

	if (f3 == 1)
		return top == 0 ? D_SLLI : D_ILLEGAL;
	if (f3 == 5)
		return top == 0 ? D_SRLI : top == 0x10 ? D_SRAI : D_ILLEGAL;
	return ops[f3];
}

static enum dop op_imm32(uint32_t i, uint32_t f3)
{
	uint32_t top = i >> 25;

	switch (f3) {
	case 0: return D_ADDIW;
	case 1: return top == 0 ? D_SLLIW : D_ILLEGAL;
	case 5: return top == 0 ? D_SRLIW : top == 0x20 ? D_SRAIW : D_ILLEGAL;
	}
	return D_ILLEGAL;
}

static enum dop op_reg(uint32_t f7, uint32_t f3)
{
	static const uint8_t base[8] = { D_ADD, D_SLL, D_SLT, D_SLTU,
					 D_XOR, D_SRL, D_OR, D_AND };
	static const uint8_t muldiv[8] = { D_MUL, D_MULH, D_MULHSU, D_MULHU,
					   D_DIV, D_DIVU, D_REM, D_REMU };

	if (f7 == 0)
		return base[f3];
	if (f7 == 1)
		return muldiv[f3];
	if (f7 == 0x20 && f3 == 0)
		return D_SUB;
	if (f7 == 0x20 && f3 == 5)
		return D_SRA;
	return D_ILLEGAL;
}

static enum dop op_reg32(uint32_t f7, uint32_t f3)
{
	if (f7 == 0)
		return f3 == 0 ? D_ADDW : f3 == 1 ? D_SLLW : f3 == 5 ? D_SRLW :
		       D_ILLEGAL;
	if (f7 == 0x20)
		return f3 == 0 ? D_SUBW : f3 == 5 ? D_SRAW : D_ILLEGAL;
	if (f7 == 1) {
		static const uint8_t ops[8] = { D_MULW, D_ILLEGAL, D_ILLEGAL,
						D_ILLEGAL, D_DIVW, D_DIVUW,
						D_REMW, D_REMUW };
		return ops[f3];
	}
	return D_ILLEGAL;
}

/* Pick the operation and its immediate for a 32-bit instruction. Every
 * encoding of the integer opcodes (RV64I, M) gets its fast-path operation
 * or D_ILLEGAL, and FENCE is D_NOP, so only the other groups (system,
 * FENCE.I, A, F/D) and unknown opcodes reach the general executor
 * (D_GENERIC). */
static void classify(struct dinsn *d)
{
	uint32_t i = d->i, f3 = (i >> 12) & 7, f7 = i >> 25;

	d->op = D_GENERIC;
	d->imm = 0;
	switch (i & 0x7f) {
	case 0x37: d->op = D_LUI; d->imm = (int32_t)(i & 0xfffff000); break;
	case 0x17: d->op = D_AUIPC; d->imm = (int32_t)(i & 0xfffff000); break;
	case 0x6f: d->op = D_JAL; d->imm = imm_j(i); break;
	case 0x67:
		d->op = f3 == 0 ? D_JALR : D_ILLEGAL;
		d->imm = imm_i(i);
		break;
	case 0x63: d->op = op_branch(f3); d->imm = imm_b(i); break;
	case 0x03: d->op = op_load(f3); d->imm = imm_i(i); break;
	case 0x23:
		d->op = f3 < 4 ? D_SB + f3 : D_ILLEGAL;
		d->imm = imm_s(i);
		break;
	case 0x13:
		d->op = op_imm(i, f3);
		d->imm = (f3 == 1 || f3 == 5) ? (i >> 20) & 63 : imm_i(i);
		break;
	case 0x1b:
		d->op = op_imm32(i, f3);
		d->imm = f3 == 0 ? imm_i(i) : (i >> 20) & 31;
		break;
	case 0x33: d->op = op_reg(f7, f3); break;
	case 0x3b: d->op = op_reg32(f7, f3); break;
	case 0x0f:
		/* FENCE (any fm, pred, succ; FENCE.TSO too) orders nothing
		 * here: the harts of a machine take turns on one host thread
		 * and every access, to RAM or to a device, happens when its
		 * instruction runs. The kernel runs one every hundred
		 * instructions or so (spin locks, barriers). FENCE.I stays
		 * with the general executor. Harts on threads will need a
		 * host barrier here (docs/cpu.md). */
		if (f3 == 0)
			d->op = D_NOP;
		break;
	}
}

void dinsn_decode(struct dinsn *d, uint32_t raw)
{
	if ((raw & 3) == 3) {
		d->raw = raw;
		d->i = raw;
		d->len = 4;
	} else {
		d->raw = raw & 0xffff;
		d->i = rvc_expand(d->raw);
		d->len = 2;
	}
	d->pc_off = 0;
	d->rd = (d->i >> 7) & 31;
	d->rs1 = (d->i >> 15) & 31;
	d->rs2 = (d->i >> 20) & 31;
	if (!d->i) {
		d->op = D_ILLEGAL;
		return;
	}
	classify(d);
	/* an operation whose only effect is writing rd does nothing to x0 */
	if (d->rd == 0 && (d->op == D_LUI || d->op == D_AUIPC ||
			   (d->op >= D_ADDI && d->op < D_NOPS)))
		d->op = D_NOP;
}
