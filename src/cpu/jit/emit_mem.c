/* Translating loads and stores: the TLB fast path inline (the same tag and
 * addend check as cpu_internal.h's), and for everything else a stub that
 * goes through the interpreter's slow paths (helpers.c, mmu.c). */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include "cpu/jit/translate.h"

void emit_tlb_lookup(struct tctx *t, struct stub *s, unsigned size,
		     int32_t set_off)
{
	struct xbuf *b = &t->b;

	_Static_assert(sizeof(struct tlb_entry) == 32, "entry is 1 << 5");
	_Static_assert(offsetof(struct tlb_entry, tag) == 0 &&
		       offsetof(struct tlb_entry, addend) == 8, "layout");
	x_mov_rr(b, 0, RDX, RAX);
	x_shift_ri(b, SH_SHR, 0, RDX, PAGE_SHIFT - 5);
	x_alu_ri(b, ALU_AND, 0, RDX, (TLB_SIZE - 1) << 5);
	if (t->tlb_reg >= 0)
		x_alu_rr(b, ALU_ADD, 1, RDX, t->tlb_reg);
	else
		x_alu_rm(b, ALU_ADD, 1, RDX, R_HART, OFF(tlb.cur));
	x_mov_rr(b, 1, RCX, RAX);
	x_alu_ri(b, ALU_AND, 1, RCX, (int32_t)(~PAGE_MASK | (size - 1)));
	x_alu_rm(b, ALU_CMP, 1, RCX, RDX, set_off);
	s->jsite = x_jcc(b, CC_NE);
	x_alu_rm(b, ALU_ADD, 1, RAX, RDX, set_off + 8);
}

/* The full load: address, TLB, host access; a stub for the slow path. */
static void load_full(struct tctx *t, const struct dinsn *d, unsigned size,
		      bool sign)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1);
	bool was_dirty = t->ra.dirty & (1u << d->rd);
	int r = d->rd ? def(t, d->rd) : -1;
	struct stub *s = new_stub(t, STUB_LOAD);

	s->reg = (int8_t)r;
	s->rd_was_dirty = was_dirty;
	x_lea(b, 1, RAX, a, (int32_t)d->imm);
	emit_tlb_lookup(t, s, size, offsetof(struct tlb_set, read));
	if (r >= 0)
		x_load(b, size, sign, r, RAX, 0);
	s->resume = b->p;
}

/* The full store; with `held`, a store that took the fast path keeps
 * the host address of the loop's held location (the slow path does not:
 * its stub resumes after that). */
static void store_full(struct tctx *t, const struct dinsn *d, unsigned size,
		       bool held)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1), c = get(t, d->rs2);
	struct stub *s = new_stub(t, STUB_STORE);

	s->reg = (int8_t)c;
	x_lea(b, 1, RAX, a, (int32_t)d->imm);
	emit_tlb_lookup(t, s, size, offsetof(struct tlb_set, write));
	x_store(b, size, c, RAX, 0);
	if (held)
		x_mov_rr(b, 1, t->held.addr, RAX);
	s->resume = b->p;
}

static bool is_held(const struct tctx *t, const struct dinsn *d,
		    unsigned size)
{
	return t->held.on && d->rs1 == t->held.rs1 &&
	       d->imm == t->held.imm && size == t->held.size;
}

/* A load of the loop's held location: the value last stored there, once
 * a store has made its address known (translate.c, "loops"); until then
 * the full load, out of line. */
static void emit_load(struct tctx *t, const struct dinsn *d, unsigned size,
		      bool sign)
{
	struct xbuf *b = &t->b;

	if (!is_held(t, d, size)) {
		load_full(t, d, size, sign);
		return;
	}
	int r = d->rd ? def(t, d->rd) : -1;
	struct stub *s = new_stub(t, STUB_HELD);

	x_test_rr(b, 1, t->held.addr, t->held.addr);
	s->jsite = x_jcc(b, CC_E);
	if (r >= 0)
		x_extend(b, size, sign, r, t->held.val);
	s->resume = b->p;
}

/* A store to it: straight to its host address once known; the value is
 * held in any case. */
static void emit_store(struct tctx *t, const struct dinsn *d, unsigned size)
{
	struct xbuf *b = &t->b;

	if (!is_held(t, d, size)) {
		store_full(t, d, size, false);
		return;
	}
	int c = get(t, d->rs2);
	struct stub *s = new_stub(t, STUB_HELD);

	x_test_rr(b, 1, t->held.addr, t->held.addr);
	s->jsite = x_jcc(b, CC_E);
	x_store(b, size, c, t->held.addr, 0);
	s->resume = b->p;
	x_mov_rr(b, 1, t->held.val, c);
}

void emit_held_stub(struct tctx *t, const struct stub *s)
{
	const struct dinsn *d = &t->d[s->idx];
	unsigned size = mem_size(d->op);

	x_patch(s->jsite, t->b.p);
	t->ra = s->ra;   /* a loop's registers are all loaded: no code */
	t->idx = s->idx;
	if (d->op >= D_SB)
		store_full(t, d, size, true);
	else
		load_full(t, d, size, d->op <= D_LD);
	x_jmp_to(&t->b, s->resume);
}

unsigned mem_size(unsigned op)
{
	static const uint8_t sizes[] = { 1, 2, 4, 8, 1, 2, 4, 1, 2, 4, 8 };

	return sizes[op - D_LB];
}

/* The slow path of a load or store: save the caller-saved pool registers
 * that hold guest registers, call the thunk (cache.c), which calls
 * jit_loadN/jit_storeN (helpers.c): those go through mmu.c exactly as the
 * interpreter does and either come back here with the value or leave the
 * block for us (a trap, an event, a code page written). */
void emit_mem_stub(struct tctx *t, const struct stub *s)
{
	struct xbuf *b = &t->b;
	const struct dinsn *d = &t->d[s->idx];
	bool is_load = s->kind == STUB_LOAD;
	unsigned size = mem_size(d->op), pushed = 0, k = 0;
	uint32_t info = (uint32_t)__builtin_ctz(size) |
			(is_load && d->op <= D_LD) << 2 | (d->len == 4) << 3 |
			(uint32_t)d->pc_off << 9 |
			(uint32_t)(t->n - s->idx - 1) << 17;
	uint32_t clean = 0;

	if (is_load) {
		info |= (uint32_t)d->rd << 4;
		if (!s->rd_was_dirty)
			clean = 1u << d->rd; /* its register holds no value yet */
	}
	for (unsigned i = FRAME_FIRST_PUSHED; i < RA_POOL_SIZE; i++) {
		int hr = ra_pool[i];
		if (s->ra.guest[hr] >= 0 || (s->ra.reserved & (1u << hr))) {
			pushed |= 1u << (i - FRAME_FIRST_PUSHED);
			k++;
		}
	}
	info |= pushed << 23;
	x_patch(s->jsite, b->p);
	/* the block's RSP is 0 mod 16; so must it be at the call */
	if (k & 1)
		x_alu_ri(b, ALU_SUB, 1, RSP, 8);
	for (int i = RA_POOL_SIZE - 1; i >= FRAME_FIRST_PUSHED; i--)
		if (pushed & (1u << (i - FRAME_FIRST_PUSHED)))
			x_push(b, ra_pool[i]);
	if (!is_load)
		x_mov_rr(b, 1, R9, s->reg);    /* pushed already if live */
	x_mov_ri(b, RDX, info);
	x_mov_ri(b, RCX, ra_dirty_map(&s->ra, clean));
	x_call(b, rwp(t, is_load ? t->j->thunk_load[__builtin_ctz(size)] :
			     t->j->thunk_store[__builtin_ctz(size)]));
	for (unsigned i = FRAME_FIRST_PUSHED; i < RA_POOL_SIZE; i++)
		if (pushed & (1u << (i - FRAME_FIRST_PUSHED)))
			x_pop(b, ra_pool[i]);
	if (k & 1)
		x_alu_ri(b, ALU_ADD, 1, RSP, 8);
	/* a helper ran (a device may have written RAM): the held location
	 * is read from memory again until a store finds it */
	if (t->held.on)
		x_alu_rr(b, ALU_XOR, 0, t->held.addr, t->held.addr);
	if (is_load && s->reg >= 0)
		x_mov_rr(b, 1, s->reg, RAX);
	x_jmp_to(b, s->resume);
}

bool emit_mem(struct tctx *t, const struct dinsn *d)
{
	switch (d->op) {
	case D_LB: emit_load(t, d, 1, true); break;
	case D_LH: emit_load(t, d, 2, true); break;
	case D_LW: emit_load(t, d, 4, true); break;
	case D_LD: emit_load(t, d, 8, false); break;
	case D_LBU: emit_load(t, d, 1, false); break;
	case D_LHU: emit_load(t, d, 2, false); break;
	case D_LWU: emit_load(t, d, 4, false); break;
	case D_SB: emit_store(t, d, 1); break;
	case D_SH: emit_store(t, d, 2); break;
	case D_SW: emit_store(t, d, 4); break;
	case D_SD: emit_store(t, d, 8); break;
	default:
		return false;
	}
	return true;
}

#endif /* GLASS_JIT */
