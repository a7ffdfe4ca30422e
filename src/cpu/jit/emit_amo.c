/* Translating the A extension inline, inside blocks, for RAM: LR, SC and
 * the AMOs check the TLB like a load or store (an AMO or SC through the
 * write entries, LR through the read entries; natural alignment is part
 * of the tag compare) and work on host memory directly. All harts run on
 * one host thread, so a read-modify-write needs no host atomic (see
 * docs/cpu.md on harts on host threads). Anything else (a device, a code
 * page, misaligned, a TLB miss) goes to the general executor (op_amo in
 * exec.c), which does the access through the address space, traps, and
 * all, exactly as the interpreter.
 *
 * Same rules as op_amo: SC checks alignment first, then the reservation
 * (a failing SC writes nothing and cannot fault), and clears it; the W
 * forms compare and return sign-extended 32-bit values.
 */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include "cpu/jit/translate.h"

enum { AMO_ADD = 0x00, AMO_SWAP = 0x01, AMO_LR = 0x02, AMO_SC = 0x03,
       AMO_XOR = 0x04, AMO_OR = 0x08, AMO_AND = 0x0c, AMO_MIN = 0x10,
       AMO_MAX = 0x14, AMO_MINU = 0x18, AMO_MAXU = 0x1c };

bool jit_amo_inline(const struct dinsn *d)
{
	uint32_t i = d->i, f3 = (i >> 12) & 7;

	if (d->op != D_GENERIC || (i & 0x7f) != 0x2f || (f3 != 2 && f3 != 3))
		return false;
	switch (i >> 27) {
	case AMO_ADD: case AMO_SWAP: case AMO_LR: case AMO_SC: case AMO_XOR:
	case AMO_OR: case AMO_AND: case AMO_MIN: case AMO_MAX: case AMO_MINU:
	case AMO_MAXU:
		return true;
	}
	return false;
}

/* RAX = the host address of va (in register a) if the TLB maps its page
 * as RAM for `set_off` and va is aligned; else to the stub. */
static void host_address(struct tctx *t, struct stub *s, int a, unsigned size,
			 int32_t set_off)
{
	x_mov_rr(&t->b, 1, RAX, a);
	emit_tlb_lookup(t, s, size, set_off);
}

static void lr(struct tctx *t, const struct dinsn *d, unsigned size)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1);
	struct stub *s = new_stub(t, STUB_GENERIC);

	host_address(t, s, a, size, offsetof(struct tlb_set, read));
	x_store_imm(b, 1, R_HART, OFF(resv_valid), 1);
	x_store(b, 8, a, R_HART, OFF(resv_addr));
	if (d->rd)
		x_load(b, size, size == 4, def(t, d->rd), RAX, 0);
}

static void sc(struct tctx *t, const struct dinsn *d, unsigned size)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1), v = get(t, d->rs2);
	/* both stubs see the registers as they are before rd has a host
	 * register: a trap leaves rd as it was */
	struct stub *misaligned = new_stub(t, STUB_GENERIC);
	struct stub *not_ram = new_stub(t, STUB_GENERIC);
	int r = d->rd ? def(t, d->rd) : -1;
	uint8_t *fail[2], *done;

	x_mov_rr(b, 0, RCX, a);
	x_alu_ri(b, ALU_AND, 0, RCX, (int32_t)(size - 1));
	misaligned->jsite = x_jcc(b, CC_NE);
	x_load(b, 1, false, RCX, R_HART, OFF(resv_valid));
	x_test_rr(b, 0, RCX, RCX);
	fail[0] = x_jcc(b, CC_E);
	x_alu_rm(b, ALU_CMP, 1, a, R_HART, OFF(resv_addr));
	fail[1] = x_jcc(b, CC_NE);
	host_address(t, not_ram, a, size, offsetof(struct tlb_set, write));
	x_store(b, size, v, RAX, 0);
	x_store_imm(b, 1, R_HART, OFF(resv_valid), 0);
	if (r >= 0)
		x_mov_ri(b, r, 0);
	done = x_jmp(b);
	x_patch(fail[0], b->p);
	x_patch(fail[1], b->p);
	x_store_imm(b, 1, R_HART, OFF(resv_valid), 0);
	if (r >= 0)
		x_mov_ri(b, r, 1);
	x_patch(done, b->p);
}

/* RDX = f5(RCX = the old value, v), RCX sign-extended for the W forms */
static void amo_op(struct xbuf *b, unsigned f5, int w, int v)
{
	switch (f5) {
	case AMO_SWAP: x_mov_rr(b, 1, RDX, v); return;
	case AMO_ADD: x_lea_idx(b, w, RDX, RCX, v, 0); return;
	case AMO_XOR: case AMO_OR: case AMO_AND:
		x_mov_rr(b, 1, RDX, v);
		x_alu_rr(b, f5 == AMO_XOR ? ALU_XOR : f5 == AMO_OR ? ALU_OR : ALU_AND,
			 w, RDX, RCX);
		return;
	}
	/* min/max: RDX = v, replaced by the old value where it wins */
	static const uint8_t keep_old[] = {
		[AMO_MIN >> 2] = CC_L, [AMO_MAX >> 2] = CC_G,
		[AMO_MINU >> 2] = CC_B, [AMO_MAXU >> 2] = CC_A,
	};
	x_mov_rr(b, 1, RDX, v);
	x_alu_rr(b, ALU_CMP, w, RCX, v);
	x_cmov(b, keep_old[f5 >> 2], 1, RDX, RCX);
}

static void amo(struct tctx *t, const struct dinsn *d, unsigned size,
		unsigned f5)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1), v = get(t, d->rs2);
	struct stub *s = new_stub(t, STUB_GENERIC);

	host_address(t, s, a, size, offsetof(struct tlb_set, write));
	x_load(b, size, size == 4, RCX, RAX, 0);
	amo_op(b, f5, size == 8, v);
	x_store(b, size, RDX, RAX, 0);
	if (d->rd)
		x_mov_rr(b, 1, def(t, d->rd), RCX);
}

bool emit_amo(struct tctx *t, const struct dinsn *d)
{
	if (!jit_amo_inline(d))
		return false;
	unsigned size = ((d->i >> 12) & 7) == 2 ? 4 : 8, f5 = d->i >> 27;

	if (f5 == AMO_LR)
		lr(t, d, size);
	else if (f5 == AMO_SC)
		sc(t, d, size);
	else
		amo(t, d, size, f5);
	return true;
}

#endif /* GLASS_JIT */
