/* Translating one block of RISC-V instructions into x86-64.
 *
 * A block has the same extent as the interpreter's (tb.c decodes both):
 * a straight run that ends after a jump, at the page end or after
 * TB_MAX_INSNS; an instruction without a fast path is a block of its own.
 * Its code:
 *
 *   header   struct jit_block: what the block index needs
 *   entry    any_event set?        -> leave (the dispatcher takes it)
 *            code page written?    -> leave as a stale block
 *            budget below n?       -> leave
 *            budget -= n
 *   body     one x86 sequence per instruction, guest registers cached in
 *            host registers (regs.h); loads and stores try the TLB inline
 *   exit     store dirty registers, pc += offset, then a jump that the
 *            dispatcher patches to go straight to the next block when it
 *            is in the same page (chaining), or the lookup routine
 *   stubs    out of line: taken conditional branches (an exit each), and
 *            the slow paths of loads and stores, which call mmu.c's slow
 *            paths through helpers.c exactly as the interpreter does
 *
 * R13 holds the guest pc of the block's first instruction; an exit adds
 * the distance to its target. Blocks are keyed by host address (physical
 * location) like the interpreter's, so the pc is never a constant of the
 * code, and only a jump that stays inside the page can be chained: there
 * the physical target is known whatever the virtual mapping.
 */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include <time.h>

#include "cpu/jit/translate.h"
#include "mem/address_space.h"

struct stub *new_stub(struct tctx *t, enum stub_kind kind)
{
	struct stub *s = &t->stubs[t->nstubs++];

	s->kind = (uint8_t)kind;
	s->idx = (uint8_t)t->idx;
	s->reg = -1;
	s->rd_was_dirty = false;
	s->target = 0;
	s->resume = NULL;
	s->ra = t->ra;
	return s;
}

/* ---- exits ---- */

/* Go on at block pc + off (dirty registers already stored): a jump the
 * dispatcher patches once it knows the target block, when the target is
 * in this page; the lookup routine otherwise. */
static void exit_to(struct tctx *t, int64_t off)
{
	struct xbuf *b = &t->b;
	int64_t at = (int64_t)t->page_off + off;
	/* the displacement 4-byte aligned: one store patches it, and the
	 * low bits of a site are free for SITE_GUARDED (run.c) */
	static const uint8_t nops[3][3] = {
		{ 0x90 }, { 0x66, 0x90 }, { 0x0f, 0x1f, 0x00 },
	};
	unsigned pad;

	if (off)
		x_alu_ri(b, ALU_ADD, 1, R_PC, (int32_t)off);
	pad = (unsigned)(-((uintptr_t)b->p + 1) & 3);
	for (unsigned i = 0; i < pad; i++)
		x_byte(b, nops[pad - 1][i]);
	x_jmp(b);               /* to the next instruction until patched */
	/* RAX = the jump's displacement field, marked if the target is in
	 * another page */
	x_lea_rip(b, RAX, at >= 0 && at < (int64_t)PAGE_SIZE ? -11 :
			  -11 + SITE_GUARDED);
	x_jmp_to(b, rwp(t, t->j->epilogue));
}

/* A jump to another page goes to its block only while the code TLB maps
 * the target page to the same place and the page is unchanged: a guard,
 * made when the jump is patched, checks both (what jit_find would). */
const uint8_t *jit_guard(struct jit *j, const struct tlb_entry *e,
			 const struct jit_jc *target)
{
	const int32_t code = offsetof(struct tlb_set, code);

	if (j->size - j->used < 256)
		return NULL;
	jit_cache_reserve(j, 256);
	struct xbuf b = { j->rw + j->used, j->rw + j->size, false };
	const uint8_t *lookup = jit_rw(j, j->lookup);
	const uint8_t *start = b.p;

	x_mov_rr(&b, 0, RDX, R_PC);
	x_shift_ri(&b, SH_SHR, 0, RDX, PAGE_SHIFT - 5);
	x_alu_ri(&b, ALU_AND, 0, RDX, (TLB_SIZE - 1) << 5);
	x_alu_rm(&b, ALU_ADD, 1, RDX, R_HART, OFF(tlb.cur));
	x_mov_rr(&b, 1, RCX, R_PC);
	x_alu_ri(&b, ALU_AND, 1, RCX, (int32_t)~PAGE_MASK);
	x_alu_rm(&b, ALU_CMP, 1, RCX, RDX, code);
	x_jcc_to(&b, CC_NE, lookup);
	x_mov_ri(&b, RAX, e->addend);
	x_alu_rm(&b, ALU_CMP, 1, RAX, RDX, code + 8);
	x_jcc_to(&b, CC_NE, lookup);
	x_mov_ri(&b, RAX, (uintptr_t)target->gen);
	x_alu_mi(&b, ALU_CMP, 0, RAX, 0, (int32_t)target->gen_val);
	x_jcc_to(&b, CC_NE, lookup);
	x_jmp_to(&b, jit_rw(j, target->code));
	if (b.full)
		return NULL;
	j->used = (size_t)(b.p - j->rw + 15) & ~(size_t)15;
	return jit_rx(j, start);
}

/* ---- loops ----
 *
 * A block that jumps back to its own start (a taken branch or a JAL to
 * offset 0) whose instructions use no more guest registers than the pool
 * holds runs as a loop: every register it uses is loaded once, before
 * the loop head, and stays in its host register across iterations; the
 * jump back checks what a block entry checks (budget, events, the code
 * page) and goes straight to the head. The registers it writes count as
 * dirty throughout, so every exit stores them. */

/* The guest registers d reads (x0 included) and writes. */
static void regs_of(const struct dinsn *d, uint32_t *rd, uint32_t *wr)
{
	uint32_t r1 = 1u << d->rs1, r2 = 1u << d->rs2, w = 1u << d->rd;

	switch (d->op) {
	case D_GENERIC: case D_ILLEGAL: *rd = *wr = ~0u; return;
	case D_NOP: *rd = *wr = 0; return;
	case D_LUI: case D_AUIPC: case D_JAL: *rd = 0; break;
	case D_BEQ ... D_BGEU: case D_SB ... D_SD: *rd = r1 | r2; *wr = 0; return;
	case D_JALR: case D_LB ... D_LWU: case D_ADDI ... D_SRAIW: *rd = r1; break;
	default: *rd = r1 | r2; break;
	}
	*wr = d->rd ? w : 0;
}

static bool jumps_to_start(const struct dinsn *d)
{
	return (d->op == D_JAL || (d->op >= D_BEQ && d->op <= D_BGEU)) &&
	       d->pc_off + d->imm == 0;
}

/* A loop whose stores all go to one place, rs1 + imm of 4 or 8 bytes,
 * with rs1 not written by the loop (a counter kept in memory, a volatile
 * or spilled accumulator), holds that place: two spare host registers
 * keep its host address and the value last stored there. Every store
 * still writes memory; a load of the place gives the held value once a
 * store of this block run has found the page writable RAM (which it stays
 * until the block leaves or a helper runs: a slow path clears the
 * address). So an iteration does not wait for its own store to come back
 * through memory, and the place's second and later accesses skip the TLB.
 * Exact, because nothing else writes guest memory while a block runs:
 * harts take turns on one host thread, and devices run only in helpers.
 * (Threaded harts, docs/cpu.md, keep this: RVWMO lets a hart read its own
 * store before others see it.) */
static const struct dinsn *held_store(const struct tctx *t, uint32_t writes)
{
	const struct dinsn *st = NULL;

	for (unsigned i = 0; i < t->n; i++) {
		const struct dinsn *d = &t->d[i];
		if (d->op <= D_ILLEGAL)
			return NULL;    /* may write memory, or anything */
		if (d->op < D_SB || d->op > D_SD)
			continue;
		if (st && (d->rs1 != st->rs1 || d->imm != st->imm ||
			   d->op != st->op))
			return NULL;
		st = d;
	}
	if (!st || (writes & (1u << st->rs1)) || mem_size(st->op) < 4)
		return NULL;
	return st;
}

static void held_prepare(struct tctx *t, uint32_t writes)
{
	const struct dinsn *st = held_store(t, writes);
	int free_regs[2], k = 0;

	if (!st)
		return;
	for (unsigned i = 0; i < RA_POOL_SIZE && k < 2; i++) {
		int hr = ra_pool[i];
		if (t->ra.guest[hr] < 0 && !(t->ra.reserved & (1u << hr)))
			free_regs[k++] = hr;
	}
	if (k < 2)
		return;
	t->held = (struct held){
		.on = true, .rs1 = st->rs1, .size = (uint8_t)mem_size(st->op),
		.imm = (int32_t)st->imm, .addr = (int8_t)free_regs[0],
		.val = (int8_t)free_regs[1],
	};
	t->ra.reserved |= (uint16_t)(1u << free_regs[0] | 1u << free_regs[1]);
	x_alu_rr(&t->b, ALU_XOR, 0, free_regs[0], free_regs[0]);
}

/* If the block can run as a loop, load its registers and mark the loop
 * head. */
static void loop_prepare(struct tctx *t)
{
	uint32_t reads = 0, writes = 0;
	bool back = false, mem = false;

	for (unsigned i = 0; i < t->n; i++) {
		uint32_t r, w;
		regs_of(&t->d[i], &r, &w);
		reads |= r;
		writes |= w;
		back |= jumps_to_start(&t->d[i]);
		mem |= t->d[i].op >= D_LB && t->d[i].op <= D_SD;
	}
	t->loop = back && __builtin_popcount(reads | writes) <= RA_POOL_SIZE;
	if (!t->loop)
		return;
	for (uint32_t m = reads | writes; m; m &= m - 1)
		ra_get(&t->ra, &t->b, (unsigned)__builtin_ctz(m));
	ra_release(&t->ra);
	t->ra.dirty |= writes;
	/* a spare register keeps the TLB set pointer: nothing in a block can
	 * move it (a privilege or SUM change ends the block) */
	for (unsigned i = 0; i < RA_POOL_SIZE && mem; i++) {
		int hr = ra_pool[i];
		if (t->ra.guest[hr] < 0) {
			t->tlb_reg = hr;
			t->ra.reserved |= (uint16_t)(1u << hr);
			x_load(&t->b, 8, false, hr, R_HART, OFF(tlb.cur));
			break;
		}
	}
	if (__builtin_popcount(reads | writes) + 3 <= RA_POOL_SIZE)
		held_prepare(t, writes);
	t->loop_head = t->b.p;
}

/* The jump back of a loop, after instruction idx: count what this
 * iteration ran and, with budget for a whole block left and no event, go
 * round again; otherwise store the registers and leave with pc at the
 * block start, for the dispatcher. */
static void back_edge(struct tctx *t, const struct ra *ra, unsigned idx)
{
	struct xbuf *b = &t->b;
	uint8_t *out[2];

	x_alu_ri(b, ALU_SUB, 1, R_LEFT, (int32_t)(idx + 1));
	out[0] = x_jcc(b, CC_B);
	x_alu_mi(b, ALU_CMP, 0, R_HART, OFF(any_event), 0);
	out[1] = x_jcc(b, CC_NE);
	x_jmp_to(b, t->loop_head);
	for (unsigned i = 0; i < 2; i++)
		x_patch(out[i], b->p);
	/* R14 was this block's budget less idx + 1: back to less idx + 1 */
	x_alu_ri(b, ALU_ADD, 1, R_LEFT, (int32_t)t->n);
	ra_store(ra, b, ~0u);
	x_jmp_to(b, rwp(t, t->j->exit0));
}

/* ---- control transfers ---- */

static void branch(struct tctx *t, const struct dinsn *d, enum xcc cc)
{
	struct xbuf *b = &t->b;
	int a = get(t, d->rs1);

	if (d->rs2 == 0)
		x_test_rr(b, 1, a, a);
	else
		x_alu_rr(b, ALU_CMP, 1, a, get(t, d->rs2));
	if (t->loop && jumps_to_start(d)) {
		/* the loop's own jump back: inline, so going round is the
		 * straight path (one taken jump, to the head) */
		uint8_t *out = x_jcc(b, cc ^ 1);
		back_edge(t, &t->ra, t->idx);
		x_patch(out, b->p);
		return;
	}
	struct stub *s = new_stub(t, STUB_TAKEN);
	s->target = (int32_t)(d->pc_off + d->imm);
	s->jsite = x_jcc(b, cc);
}

static void jal(struct tctx *t, const struct dinsn *d)
{
	t->ended = true;
	if (d->rd)
		x_lea(&t->b, 1, def(t, d->rd), R_PC, d->pc_off + d->len);
	if (t->loop && jumps_to_start(d)) {
		back_edge(t, &t->ra, t->idx);
		return;
	}
	ra_flush(&t->ra, &t->b);
	exit_to(t, d->pc_off + d->imm);
}

static void jalr(struct tctx *t, const struct dinsn *d)
{
	t->ended = true;
	struct xbuf *b = &t->b;

	x_lea(b, 1, RAX, get(t, d->rs1), (int32_t)d->imm);
	x_alu_ri(b, ALU_AND, 1, RAX, -2);
	if (d->rd)
		x_lea(b, 1, def(t, d->rd), R_PC, d->pc_off + d->len);
	ra_flush(&t->ra, b);
	x_mov_rr(b, 1, R_PC, RAX);
	x_jmp_to(b, rwp(t, t->j->lookup));
}

/* An instruction without a fast path, alone in its block: the general
 * executor through jit_generic, then wherever it left pc. */
static void generic(struct tctx *t, const struct dinsn *d)
{
	struct xbuf *b = &t->b;

	x_lea(b, 1, RDI, R_HART, -HB);
	x_mov_ri(b, RSI, d->i | (uint64_t)d->raw << 32);
	x_mov_rr(b, 1, RDX, R_PC);
	x_mov_rr(b, 1, RCX, R_LEFT);
	x_mov_ri(b, RAX, (uintptr_t)jit_generic);
	x_call_r(b, RAX);
	x_load(b, 8, false, R_PC, R_HART, OFF(pc));
	x_jmp_to(b, rwp(t, t->j->lookup));
	t->ended = true;
}

/* A block whose first instruction crosses the page end: that instruction
 * through jit_straddle (the interpreter), then wherever it left pc. The
 * code holds none of its bytes, so the block stays valid for as long as
 * its first page is. */
static void straddle(struct tctx *t)
{
	struct xbuf *b = &t->b;

	x_lea(b, 1, RDI, R_HART, -HB);
	x_mov_rr(b, 1, RSI, R_PC);
	x_mov_rr(b, 1, RDX, R_LEFT);
	x_mov_ri(b, RAX, (uintptr_t)jit_straddle);
	x_call_r(b, RAX);
	x_mov_rr(b, 1, R_LEFT, RAX);
	x_load(b, 8, false, R_PC, R_HART, OFF(pc));
	x_jmp_to(b, rwp(t, t->j->lookup));
	t->ended = true;
}

/* An instruction inside a block handed to the general executor after all
 * (stub): as if the block ended just before it. */
static void generic_stub(struct tctx *t, const struct stub *s)
{
	struct xbuf *b = &t->b;
	const struct dinsn *d = &t->d[s->idx];

	x_patch(s->jsite, b->p);
	ra_store(&s->ra, b, ~0u);
	if (t->n - s->idx - 1)
		x_alu_ri(b, ALU_ADD, 1, R_LEFT, (int32_t)(t->n - s->idx - 1));
	x_lea(b, 1, RDI, R_HART, -HB);
	x_mov_ri(b, RSI, d->i | (uint64_t)d->raw << 32);
	x_lea(b, 1, RDX, R_PC, d->pc_off);
	x_mov_rr(b, 1, RCX, R_LEFT);
	x_mov_ri(b, RAX, (uintptr_t)jit_generic);
	x_call_r(b, RAX);
	x_load(b, 8, false, R_PC, R_HART, OFF(pc));
	x_jmp_to(b, rwp(t, t->j->lookup));
}

static const uint8_t branch_cc[] = {
	[D_BEQ - D_BEQ] = CC_E, [D_BNE - D_BEQ] = CC_NE,
	[D_BLT - D_BEQ] = CC_L, [D_BGE - D_BEQ] = CC_GE,
	[D_BLTU - D_BEQ] = CC_B, [D_BGEU - D_BEQ] = CC_AE,
};

static void insn(struct tctx *t, const struct dinsn *d)
{
	switch (d->op) {
	case D_GENERIC:
		if (!emit_csr(t, d) && !emit_amo(t, d))
			generic(t, d);
		break;
	case D_ILLEGAL: generic(t, d); break;
	case D_NOP: break;
	case D_JAL: jal(t, d); break;
	case D_JALR: jalr(t, d); break;
	case D_BEQ ... D_BGEU: branch(t, d, branch_cc[d->op - D_BEQ]); break;
	default:
		if (!emit_int(t, d))
			emit_mem(t, d);
		break;
	}
	ra_release(&t->ra);
}

/* ---- the block ---- */

/* No check of the code page here: see "Staleness" in docs/cpu.md (a
 * block is checked when it is looked up, and its page can only change
 * under it through a helper, which then leaves the block). */
static uint8_t *entry_checks(struct tctx *t)
{
	struct xbuf *b = &t->b;

	x_alu_mi(b, ALU_CMP, 0, R_HART, OFF(any_event), 0);
	x_jcc_to(b, CC_NE, rwp(t, t->j->exit0));
	x_alu_ri(b, ALU_SUB, 1, R_LEFT, (int32_t)t->n);
	return x_jcc(b, CC_B);
}

/* Emit the block after room for its header (struct jit_block); returns
 * the header (writable view), NULL if the block did not fit. */
static struct jit_block *emit_block(struct tctx *t)
{
	struct xbuf *b = &t->b;
	uint8_t *budget;

	_Static_assert(sizeof(struct jit_block) % 16 == 0, "entry alignment");
	while ((uintptr_t)b->p & 15 && !b->full)
		x_byte(b, 0xcc);
	struct jit_block *hdr = (struct jit_block *)b->p;
	for (unsigned i = 0; i < sizeof(*hdr); i++)
		x_byte(b, 0);
	uint8_t *entry = b->p;

	ra_init(&t->ra);
	t->nstubs = 0;
	t->ended = false;
	t->tlb_reg = -1;
	t->held.on = false;
	budget = entry_checks(t);
	if (t->straddle) {
		straddle(t);
	} else {
		loop_prepare(t);
		for (t->idx = 0; t->idx < t->n; t->idx++)
			insn(t, &t->d[t->idx]);
	}
	const struct dinsn *last = &t->d[t->n - 1];
	if (!t->ended) {
		ra_flush(&t->ra, b);
		exit_to(t, last->pc_off + last->len);
	}

	for (unsigned i = 0; i < t->nstubs; i++) {
		struct stub *s = &t->stubs[i];
		if (s->kind == STUB_TAKEN) {
			/* the rest of the block did not run */
			x_patch(s->jsite, b->p);
			ra_store(&s->ra, b, ~0u);
			if (t->n - s->idx - 1)
				x_alu_ri(b, ALU_ADD, 1, R_LEFT,
					 (int32_t)(t->n - s->idx - 1));
			exit_to(t, s->target);
		} else if (s->kind == STUB_GENERIC) {
			generic_stub(t, s);
		} else if (s->kind == STUB_HELD) {
			emit_held_stub(t, s);
		} else {
			emit_mem_stub(t, s);
		}
	}
	x_patch(budget, b->p);
	x_alu_ri(b, ALU_ADD, 1, R_LEFT, (int32_t)t->n);
	x_jmp_to(b, rwp(t, t->j->exit0));
	if (b->full)
		return NULL;
	hdr->code = jit_rx(t->j, entry);
	return hdr;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Put b in the index, in the place of stale if there is one (stale code
 * is never run again: nothing can reach it, see entry_checks). */
static void index_block(struct jit *j, struct jit_block *b,
			struct jit_block *stale)
{
	struct jit_block **p = jit_bucket(j, b->host);

	if (stale) {
		while (*p && *p != stale)
			p = &(*p)->next;
		if (*p) {
			b->next = stale->next;
			*p = b;
			return;
		}
		p = jit_bucket(j, b->host);
	}
	b->next = *p;
	*p = b;
}

/* The instructions without an interpreter fast path that the JIT runs
 * inside blocks (tb_decode's `inside`). */
static bool translated_inside(const struct dinsn *d)
{
	return jit_csr_inline(d) || jit_amo_inline(d);
}

struct jit_block *jit_translate(struct hart *h, uintptr_t host, uint64_t pa,
				struct jit_block *stale)
{
	struct jit *j = h->jit;
	struct dinsn d[TB_MAX_INSNS];
	struct tctx t;
	bool made;
	const uint32_t *gen = as_code_page(h->env.as, pa, &made);

	if (!gen)
		return NULL;
	if (made) /* the machine tells every hart (on_code); be sure of this one */
		hart_protect_code_page(h, pa & ~PAGE_MASK);
	unsigned n = tb_decode(d, (const uint8_t *)host, pa & PAGE_MASK,
			       translated_inside);
	/* none: the first instruction crosses the page end */
	t.straddle = !n;
	if (t.straddle)
		n = 1;

	uint64_t t0 = now_ns();
	if (j->size - j->used < JIT_BLOCK_MAX) {
		jit_cache_flush(j);
		j->st.flushes++;
		stale = NULL;
	}
	jit_cache_reserve(j, JIT_BLOCK_MAX);
	t.j = j;
	t.d = d;
	t.n = n;
	t.page_off = pa & PAGE_MASK;
	t.b = (struct xbuf){ j->rw + j->used, j->rw + j->size, false };
	struct jit_block *b = emit_block(&t);
	if (!b)
		return NULL; /* JIT_BLOCK_MAX is too small: the interpreter runs it */
	j->used = (size_t)(t.b.p - j->rw);
	b->host = host;
	b->gen = gen;
	b->gen_val = *gen;
	b->n = n;
	index_block(j, b, stale);
	j->st.blocks++;
	j->st.translate_ns += now_ns() - t0;
	return b;
}

#endif /* GLASS_JIT */
