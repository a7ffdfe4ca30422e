/* Translating the CSR instructions on the trap registers (sscratch, sepc,
 * scause, stval and their M-mode twins) inline, inside blocks. A kernel's
 * trap entry and exit are full of them, and they have no effect beyond
 * the register itself, so they need neither a block of their own nor the
 * general executor. Every other CSR goes through the general executor
 * (exec.c, csr.c), alone in its block, except sstatus in two common uses:
 * reading it, and setting or clearing SIE alone with an immediate
 * (local_irq_enable, local_irq_disable, local_irq_save: the kernel does
 * one every few hundred instructions). Neither changes anything a block
 * keeps (SUM and MXR select and fill TLBs: those writes stay with the
 * general executor). Setting SIE may make a pending interrupt takeable:
 * it sets irq_check, and as every instruction without a fast path it
 * ends its block (dop_ends_block), so the next block's entry check sees
 * it and the dispatcher takes the interrupt before the next instruction,
 * as the interpreter would.
 *
 * The same rules as op_csr() in exec.c: CSRRS/CSRRC with rs1 = x0 (or a
 * zero immediate) do not write, CSRRW with rd = x0 does not read, and a
 * hart below the CSR's privilege gets an illegal-instruction trap, which
 * the stub leaves to the general executor so it is raised exactly as the
 * interpreter raises it.
 */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include "cpu/jit/translate.h"

struct csr_inline {
	uint16_t num;
	int32_t off;        /* in struct hart */
	int32_t wmask;      /* bits a write keeps (sign-extended) */
};

static const struct csr_inline csrs[] = {
	{ 0x140, OFF(csr.sscratch), -1 }, { 0x141, OFF(csr.sepc), -2 },
	{ 0x142, OFF(csr.scause), -1 },   { 0x143, OFF(csr.stval), -1 },
	{ 0x340, OFF(csr.mscratch), -1 }, { 0x341, OFF(csr.mepc), -2 },
	{ 0x342, OFF(csr.mcause), -1 },   { 0x343, OFF(csr.mtval), -1 },
};

static const struct csr_inline *find(const struct dinsn *d)
{
	uint32_t i = d->i, f3 = (i >> 12) & 7;

	if (d->op != D_GENERIC || (i & 0x7f) != 0x73 || f3 == 0 || f3 == 4)
		return NULL;
	for (unsigned k = 0; k < sizeof(csrs) / sizeof(csrs[0]); k++)
		if (csrs[k].num == i >> 20)
			return &csrs[k];
	return NULL;
}

enum sie_op { SIE_NONE, SIE_READ, SIE_CLEAR, SIE_SET };

static enum sie_op find_sstatus(const struct dinsn *d)
{
	uint32_t i = d->i, f3 = (i >> 12) & 7;

	if (d->op != D_GENERIC || (i & 0x7f) != 0x73 || i >> 20 != 0x100)
		return SIE_NONE;
	if ((f3 == 2 || f3 == 3 || f3 == 6 || f3 == 7) && d->rs1 == 0)
		return SIE_READ;                  /* csrr; csrrsi/csrrci 0 */
	if (d->rs1 == MSTATUS_SIE && (f3 == 6 || f3 == 7))
		return f3 == 6 ? SIE_SET : SIE_CLEAR;
	return SIE_NONE;
}

bool jit_csr_inline(const struct dinsn *d)
{
	return find(d) || find_sstatus(d) != SIE_NONE;
}

/* Below the CSR's privilege: the general executor traps. */
static void priv_check(struct tctx *t, unsigned csr)
{
	struct xbuf *b = &t->b;

	_Static_assert(sizeof(enum priv) == 4, "priv is compared as 32 bits");
	x_alu_mi(b, ALU_CMP, 0, R_HART, OFF(priv), (int32_t)(csr >> 8 & 3));
	struct stub *s = new_stub(t, STUB_GENERIC);
	s->jsite = x_jcc(b, CC_B);
}

static bool emit_sstatus(struct tctx *t, const struct dinsn *d)
{
	enum sie_op op = find_sstatus(d);
	struct xbuf *b = &t->b;

	if (op == SIE_NONE)
		return false;
	priv_check(t, 0x100);
	if (d->rd) {
		/* mstatus_read() & SSTATUS_MASK: SD says FS is dirty */
		x_load(b, 8, false, RAX, R_HART, OFF(csr.mstatus));
		x_mov_rr(b, 1, RCX, RAX);
		x_shift_ri(b, SH_SHR, 1, RCX, 13);
		x_mov_rr(b, 1, RDX, RCX);
		x_shift_ri(b, SH_SHR, 1, RDX, 1);
		x_alu_rr(b, ALU_AND, 1, RCX, RDX);
		x_shift_ri(b, SH_SHL, 1, RCX, 63);
		x_alu_rr(b, ALU_OR, 1, RAX, RCX);
		x_mov_ri(b, RCX, SSTATUS_MASK);
		x_alu_rr(b, ALU_AND, 1, RAX, RCX);
	}
	if (op == SIE_CLEAR)
		x_alu_mi(b, ALU_AND, 1, R_HART, OFF(csr.mstatus),
			 ~(int32_t)MSTATUS_SIE);
	if (op == SIE_SET) {
		x_alu_mi(b, ALU_OR, 1, R_HART, OFF(csr.mstatus), MSTATUS_SIE);
		x_store_imm(b, 1, R_HART, OFF(irq_check), 1);
	}
	if (d->rd)
		x_mov_rr(b, 1, def(t, d->rd), RAX);
	return true;
}

bool emit_csr(struct tctx *t, const struct dinsn *d)
{
	const struct csr_inline *c = find(d);
	struct xbuf *b = &t->b;

	if (!c)
		return emit_sstatus(t, d);
	uint32_t f3 = (d->i >> 12) & 7, kind = f3 & 3, field = d->rs1;
	bool writes = kind == 1 || field != 0;
	bool reads = kind != 1 || d->rd != 0;

	priv_check(t, c->num);

	if (reads)
		x_load(b, 8, false, RAX, R_HART, c->off);
	if (writes) {
		if (f3 & 4)
			x_mov_ri(b, RCX, field);     /* the zero-extended uimm */
		else
			x_mov_rr(b, 1, RCX, get(t, field));
		if (kind == 2) {
			x_alu_rr(b, ALU_OR, 1, RCX, RAX);
		} else if (kind == 3) {
			x_unary(b, UN_NOT, 1, RCX);
			x_alu_rr(b, ALU_AND, 1, RCX, RAX);
		}
		if (c->wmask != -1)
			x_alu_ri(b, ALU_AND, 1, RCX, c->wmask);
		x_store(b, 8, RCX, R_HART, c->off);
	}
	if (reads && d->rd)
		x_mov_rr(b, 1, def(t, d->rd), RAX);
	return true;
}

#endif /* GLASS_JIT */
