/* Translating the integer operations: LUI, AUIPC, RV64I's register and
 * immediate operations, the M extension. Each reads its operands from and
 * writes its result to host registers (regs.h); results match exec.c's
 * handlers bit for bit (fuzz_jit checks). */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include "cpu/jit/translate.h"

/* rd = rs1 op rs2, 64 or 32 bits (then sign-extended) */
static void alu_rr(struct tctx *t, const struct dinsn *d, enum xalu op,
		   int w, bool commutes)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1), c = get(t, d->rs2), r = def(t, d->rd);

	if (r == a) {
		x_alu_rr(b, op, w, r, c);
	} else if (r == c && commutes) {
		x_alu_rr(b, op, w, r, a);
	} else if (r == c) {
		x_mov_rr(b, 1, RAX, a);
		x_alu_rr(b, op, w, RAX, c);
		x_mov_rr(b, 1, r, RAX);
	} else if (op == ALU_ADD && w) {
		x_lea_idx(b, 1, r, a, c, 0);
	} else {
		x_mov_rr(b, 1, r, a);
		x_alu_rr(b, op, w, r, c);
	}
	if (!w)
		x_extend(b, 4, true, r, r);
}

/* rd = rs1 op imm */
static void alu_ri(struct tctx *t, const struct dinsn *d, enum xalu op, int w)
{
	struct xbuf *b = &t->b;
	int32_t imm = (int32_t)d->imm;

	if (d->rs1 == 0 && w) {
		/* li: 0 op imm */
		int r = def(t, d->rd);
		x_mov_ri(b, r, op == ALU_AND ? 0 : (uint64_t)(int64_t)imm);
		return;
	}
	int a = get(t, d->rs1), r = def(t, d->rd);
	if (op == ALU_ADD) {
		if (r != a || imm)
			x_lea(b, w, r, a, imm);
	} else {
		if (r != a)
			x_mov_rr(b, 1, r, a);
		x_alu_ri(b, op, w, r, imm);
	}
	if (!w)
		x_extend(b, 4, true, r, r);
}

static void shift_ri(struct tctx *t, const struct dinsn *d, enum xshift op,
		     int w)
{
	int a = get(t, d->rs1), r = def(t, d->rd);

	if (r != a)
		x_mov_rr(&t->b, 1, r, a);
	if (d->imm)
		x_shift_ri(&t->b, op, w, r, (unsigned)d->imm);
	if (!w)
		x_extend(&t->b, 4, true, r, r);
}

static void shift_rr(struct tctx *t, const struct dinsn *d, enum xshift op,
		     int w)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1), c = get(t, d->rs2), r = def(t, d->rd);

	x_mov_rr(b, 0, RCX, c);      /* the count first: r may be c */
	if (r != a)
		x_mov_rr(b, 1, r, a);
	x_shift_cl(b, op, w, r);     /* masks the count to 6 or 5 bits */
	if (!w)
		x_extend(b, 4, true, r, r);
}

/* rd = (rs1 < rs2 or imm) ? 1 : 0 */
static void set_less(struct tctx *t, const struct dinsn *d, enum xcc cc,
		     bool imm)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1);

	if (imm)
		x_alu_ri(b, ALU_CMP, 1, a, (int32_t)d->imm);
	else
		x_alu_rr(b, ALU_CMP, 1, a, get(t, d->rs2));
	x_setcc(b, cc, RAX);
	x_extend(b, 1, false, def(t, d->rd), RAX);
}

static void mul(struct tctx *t, const struct dinsn *d, int w)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1), c = get(t, d->rs2), r = def(t, d->rd);

	if (r == a) {
		x_imul_rr(b, w, r, c);
	} else if (r == c) {
		x_imul_rr(b, w, r, a);
	} else {
		x_mov_rr(b, 1, r, a);
		x_imul_rr(b, w, r, c);
	}
	if (!w)
		x_extend(b, 4, true, r, r);
}

/* The high half of a 128-bit product. MULHSU is MULHU minus rs2 when rs1
 * is negative (rs1 as signed is rs1 as unsigned - 2^64). */
static void mulh(struct tctx *t, const struct dinsn *d)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1), c = get(t, d->rs2), r = def(t, d->rd);

	x_mov_rr(b, 1, RAX, a);
	x_unary(b, d->op == D_MULH ? UN_IMUL : UN_MUL, 1, c);
	if (d->op == D_MULHSU) {
		x_test_rr(b, 1, a, a);
		uint8_t *pos = x_jcc(b, CC_NS);
		x_alu_rr(b, ALU_SUB, 1, RDX, c);
		x_patch(pos, b->p);
	}
	x_mov_rr(b, 1, r, RDX);
}

/* DIV, DIVU, REM, REMU and their W forms, with the spec's results for a
 * zero divisor (all ones; the dividend) and for overflow (the dividend;
 * zero), which x86 would fault on. */
static void divrem(struct tctx *t, const struct dinsn *d)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1), c = get(t, d->rs2), r = def(t, d->rd);
	bool w32 = d->op >= D_MULW;
	int w = !w32;
	bool sign = d->op == D_DIV || d->op == D_REM || d->op == D_DIVW ||
		    d->op == D_REMW;
	bool rem = d->op == D_REM || d->op == D_REMU || d->op == D_REMW ||
		   d->op == D_REMUW;
	int res = rem ? RDX : RAX;
	uint8_t *done[3];
	unsigned nd = 0;

	x_mov_rr(b, 1, RCX, c);
	x_mov_rr(b, 1, RAX, a);
	x_test_rr(b, w, RCX, RCX);
	uint8_t *zero = x_jcc(b, CC_E);
	if (sign) {
		x_alu_ri(b, ALU_CMP, w, RCX, -1);
		uint8_t *normal = x_jcc(b, CC_NE);
		/* by -1: the quotient is -a (wrapping for the most negative
		 * value, as the spec wants); the remainder 0 */
		if (rem)
			x_alu_rr(b, ALU_XOR, 0, RDX, RDX);
		else
			x_unary(b, UN_NEG, w, RAX);
		done[nd++] = x_jmp(b);
		x_patch(normal, b->p);
		x_cqo(b, w);
		x_unary(b, UN_IDIV, w, RCX);
	} else {
		x_alu_rr(b, ALU_XOR, 0, RDX, RDX);
		x_unary(b, UN_DIV, w, RCX);
	}
	done[nd++] = x_jmp(b);
	x_patch(zero, b->p);
	if (rem)
		x_mov_rr(b, 1, RDX, RAX);       /* x % 0 = x */
	else
		x_mov_ri(b, RAX, ~0ull);        /* x / 0 = all ones */
	for (unsigned i = 0; i < nd; i++)
		x_patch(done[i], b->p);
	x_extend(b, w32 ? 4 : 8, true, r, res);
}

bool emit_int(struct tctx *t, const struct dinsn *d)
{
	switch (d->op) {
	case D_LUI: x_mov_ri(&t->b, def(t, d->rd), (uint64_t)d->imm); break;
	case D_AUIPC:
		x_lea(&t->b, 1, def(t, d->rd), R_PC, (int32_t)(d->pc_off + d->imm));
		break;
	case D_ADDI: alu_ri(t, d, ALU_ADD, 1); break;
	case D_SLTI: set_less(t, d, CC_L, true); break;
	case D_SLTIU: set_less(t, d, CC_B, true); break;
	case D_XORI: alu_ri(t, d, ALU_XOR, 1); break;
	case D_ORI: alu_ri(t, d, ALU_OR, 1); break;
	case D_ANDI: alu_ri(t, d, ALU_AND, 1); break;
	case D_SLLI: shift_ri(t, d, SH_SHL, 1); break;
	case D_SRLI: shift_ri(t, d, SH_SHR, 1); break;
	case D_SRAI: shift_ri(t, d, SH_SAR, 1); break;
	case D_ADDIW: alu_ri(t, d, ALU_ADD, 0); break;
	case D_SLLIW: shift_ri(t, d, SH_SHL, 0); break;
	case D_SRLIW: shift_ri(t, d, SH_SHR, 0); break;
	case D_SRAIW: shift_ri(t, d, SH_SAR, 0); break;
	case D_ADD: alu_rr(t, d, ALU_ADD, 1, true); break;
	case D_SUB: alu_rr(t, d, ALU_SUB, 1, false); break;
	case D_SLL: shift_rr(t, d, SH_SHL, 1); break;
	case D_SLT: set_less(t, d, CC_L, false); break;
	case D_SLTU: set_less(t, d, CC_B, false); break;
	case D_XOR: alu_rr(t, d, ALU_XOR, 1, true); break;
	case D_SRL: shift_rr(t, d, SH_SHR, 1); break;
	case D_SRA: shift_rr(t, d, SH_SAR, 1); break;
	case D_OR: alu_rr(t, d, ALU_OR, 1, true); break;
	case D_AND: alu_rr(t, d, ALU_AND, 1, true); break;
	case D_ADDW: alu_rr(t, d, ALU_ADD, 0, true); break;
	case D_SUBW: alu_rr(t, d, ALU_SUB, 0, false); break;
	case D_SLLW: shift_rr(t, d, SH_SHL, 0); break;
	case D_SRLW: shift_rr(t, d, SH_SHR, 0); break;
	case D_SRAW: shift_rr(t, d, SH_SAR, 0); break;
	case D_MUL: mul(t, d, 1); break;
	case D_MULH: case D_MULHSU: case D_MULHU: mulh(t, d); break;
	case D_MULW: mul(t, d, 0); break;
	case D_DIV: case D_DIVU: case D_REM: case D_REMU:
	case D_DIVW: case D_DIVUW: case D_REMW: case D_REMUW:
		divrem(t, d);
		break;
	default:
		return false;
	}
	return true;
}

#endif /* GLASS_JIT */
