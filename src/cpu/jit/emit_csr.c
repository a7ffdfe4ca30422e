/* Translating the CSR instructions on the trap registers (sscratch, sepc,
 * scause, stval and their M-mode twins) inline, inside blocks. A kernel's
 * trap entry and exit are full of them, and they have no effect beyond
 * the register itself, so they need neither a block of their own nor the
 * general executor. Every other CSR goes through the general executor
 * (exec.c, csr.c), alone in its block.
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

bool jit_csr_inline(const struct dinsn *d)
{
	return find(d) != NULL;
}

bool emit_csr(struct tctx *t, const struct dinsn *d)
{
	const struct csr_inline *c = find(d);
	struct xbuf *b = &t->b;

	if (!c)
		return false;
	uint32_t f3 = (d->i >> 12) & 7, kind = f3 & 3, field = d->rs1;
	bool writes = kind == 1 || field != 0;
	bool reads = kind != 1 || d->rd != 0;

	/* below the CSR's privilege: the general executor traps */
	_Static_assert(sizeof(enum priv) == 4, "priv is compared as 32 bits");
	x_alu_mi(b, ALU_CMP, 0, R_HART, OFF(priv), (int32_t)(c->num >> 8 & 3));
	struct stub *s = new_stub(t, STUB_GENERIC);
	s->jsite = x_jcc(b, CC_B);

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
