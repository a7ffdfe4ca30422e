/* C functions that generated code calls: the memory slow paths, the
 * general executor, block lookup. Each makes pc and instret exact first,
 * as the interpreter does before leaving its fast paths (exec.c), so
 * traps, the trace and devices see the same values in both.
 *
 * Counting: a block subtracts its length from the budget at entry, and
 * instret is brought up to date only at exits (jit_run) and here:
 * instret is exact for `left0` (h->jit_run.left0), so the instructions
 * run since are left0 - left, less what the current block has not run
 * yet.
 * None of these translate or flush: the code that called them must still
 * be there when they return.
 */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include "cpu/jit/jit_internal.h"
#include "mem/address_space.h"

void jit_account(struct hart *h, uint64_t left)
{
	uint64_t ran = h->jit_run.left0 - left;

	h->instret += ran * h->count_instret;
	h->cycle += ran * h->count_cycle;
	h->jit_run.left0 = left;
}

/* Make pc and instret exact for the access described by `info` (see
 * MI_* in jit_internal.h); returns what instret was advanced by. */
static uint64_t enter_slow(struct hart *h, uint32_t info)
{
	uint64_t before = h->jit_run.left0 - h->jit_run.left -
			  (MI_UNRUN(info) + 1);
	uint64_t adj = before * h->count_instret;

	h->pc = h->jit_run.pc + MI_PC_OFF(info);
	h->instret += adj;
	return adj;
}

/* The block must not go on (a trap, or an event after the access): store
 * the dirty guest registers the stub pushed (the thunk stores those in
 * callee-saved registers), set the budget to what the block has really
 * used. After a trap, h->pc is the handler's; after an event, the next
 * instruction's, and rd holds the value (and is taken out of the map the
 * thunk will store from, frame[-2], so it does not put back the old one). */
static struct jit_ret side_exit(struct hart *h, uint32_t info, uint64_t map,
				uint64_t *frame, bool ok, uint64_t val)
{
	unsigned pushed = MI_PUSHED(info), k = 0;

	for (unsigned i = FRAME_FIRST_PUSHED; i < RA_POOL_SIZE; i++) {
		if (!(pushed & (1u << (i - FRAME_FIRST_PUSHED))))
			continue;
		unsigned g = (map >> (5 * i)) & 31;
		if (g)
			h->x[g] = frame[k];
		k++;
	}
	if (ok) {
		unsigned rd = MI_RD(info);
		if (rd) {
			h->x[rd] = val;
			uint64_t m = frame[-2];
			for (unsigned i = 0; i < FRAME_FIRST_PUSHED; i++)
				if (((m >> (5 * i)) & 31) == rd)
					m &= ~(31ull << (5 * i));
			frame[-2] = m;
		}
		h->pc = h->jit_run.pc + MI_PC_OFF(info) + MI_LEN(info);
	}
	h->jit_run.left += MI_UNRUN(info);
	return (struct jit_ret){ val, JIT_LEAVE };
}

static inline uint64_t extend(uint64_t v, uint32_t info, unsigned size)
{
	unsigned bits = 8 * size;

	if (bits == 64)
		return v;
	if (MI_SIGN(info))
		return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
	return v & ((1ull << bits) - 1);
}

/* Whether the block may go on after the access: it did not trap, raised
 * no event, and wrote no code page (a page walk's A/D update, a device's
 * DMA, or this store): blocks never check their page themselves. */
static bool go_on(const struct hart *h, bool ok, uint64_t code_writes)
{
	return ok && !h->any_event && h->env.as->code_writes == code_writes;
}

/* jit_load for an access of `size` bytes: one copy per size, so that the
 * device read inlined in it (mmu_load_dev) works with a constant */
static inline __attribute__((always_inline)) struct jit_ret
load_sized(struct hart *h, uint64_t va, uint64_t info, uint64_t map,
	   uint64_t *frame, unsigned size)
{
	uint64_t adj = enter_slow(h, (uint32_t)info), val = 0;
	uint64_t cw = h->env.as->code_writes;
	bool ok;

	/* the common device read, then everything else: its own copy of
	 * the ending, where ok is known (4 host instructions a read less
	 * than one mmu_load_io with a shared ending) */
	if (likely(mmu_load_dev(h, va, size, &val))) {
		h->instret -= adj;
		val = extend(val, (uint32_t)info, size);
		if (likely(go_on(h, true, cw)))
			return (struct jit_ret){ val, JIT_OK };
		return side_exit(h, (uint32_t)info, map, frame, true, val);
	}
	ok = mmu_load_slow(h, va, size, &val);
	h->instret -= adj;
	val = extend(val, (uint32_t)info, size);
	if (likely(go_on(h, ok, cw)))
		return (struct jit_ret){ val, JIT_OK };
	return side_exit(h, (uint32_t)info, map, frame, ok, val);
}

/* One helper per size, so the thunk that calls it (cache.c) has chosen
 * already. */
#define LOAD_HELPER(n)                                                     \
	struct jit_ret jit_load##n(struct hart *h, uint64_t va,           \
				   uint64_t info, uint64_t map,           \
				   uint64_t *frame)                       \
	{                                                                  \
		return load_sized(h, va, info, map, frame, n);             \
	}
LOAD_HELPER(1)
LOAD_HELPER(2)
LOAD_HELPER(4)
LOAD_HELPER(8)

/* jit_store for an access of `size` bytes (as load_sized) */
static inline __attribute__((always_inline)) struct jit_ret
store_sized(struct hart *h, uint64_t va, uint64_t info, uint64_t map,
	    uint64_t *frame, uint64_t val, unsigned size)
{
	uint64_t adj = enter_slow(h, (uint32_t)info);
	uint64_t cw = h->env.as->code_writes;
	bool ok = mmu_store_io(h, va, size, val);

	h->instret -= adj;
	if (likely(go_on(h, ok, cw)))
		return (struct jit_ret){ 0, JIT_OK };
	return side_exit(h, (uint32_t)info & ~(31u << 4), map, frame, ok, 0);
}

#define STORE_HELPER(n)                                                    \
	struct jit_ret jit_store##n(struct hart *h, uint64_t va,          \
				    uint64_t info, uint64_t map,          \
				    uint64_t *frame, uint64_t val)        \
	{                                                                  \
		return store_sized(h, va, info, map, frame, val, n);       \
	}
STORE_HELPER(1)
STORE_HELPER(2)
STORE_HELPER(4)
STORE_HELPER(8)

/* insn: the 32-bit form (low half) and the bits as fetched (high half).
 * The block is this one instruction; it was counted at entry. Counted
 * after it ran, with mcountinhibit as it left it, like the interpreter. */
void jit_generic(struct hart *h, uint64_t insn, uint64_t pc, uint64_t left)
{
	uint32_t raw = (uint32_t)(insn >> 32);

	jit_account(h, left + 1);
	h->pc = pc;
	exec_generic_insn(h, raw, (uint32_t)insn, (raw & 3) == 3 ? 4 : 2);
	jit_account(h, left);
}

/* An instruction whose first half ends its page: the interpreter runs
 * it, fetching it the slow way each time (the next page may have changed
 * or map elsewhere now; the block is checked against its first page
 * only), and counts it. Returns the budget left: the block took one at
 * entry, which the interpreter may not have used (it takes a pending
 * interrupt first, or stops). */
uint64_t jit_straddle(struct hart *h, uint64_t pc, uint64_t left)
{
	uint64_t ran;

	jit_account(h, left + 1);
	h->pc = pc;
	ran = exec_run(h, 1);
	h->jit->st.interp_insns += ran;
	left = left + 1 - ran;
	h->jit_run.left0 = left;
	return left;
}

const struct jit_jc *jit_jc_fill(struct jit *j, uint64_t pc,
				 const struct jit_block *b)
{
	struct jit_jc *jc = jit_jc_slot(j, pc);

	*jc = (struct jit_jc){ pc, b->host, b->gen, b->gen_val, b->n, b->code };
	return jc;
}

const struct jit_jc *jit_find(struct hart *h, uint64_t pc,
			      struct jit_where *w)
{
	const struct tlb_entry *e = &h->tlb.cur->code[tlb_index(pc)];
	struct jit *j = h->jit;

	j->st.lookups++;
	w->host = 0;
	w->stale = NULL;
	if (unlikely(e->tag != (pc & ~PAGE_MASK)))
		return NULL;
	w->host = e->addend + pc;
	const struct jit_jc *jc = jit_jc_slot(j, pc);
	if (likely(jc->pc == pc && jc->host == w->host &&
		   *jc->gen == jc->gen_val)) {
		j->st.hits++;
		return jc;
	}
	w->pa = e->pa_page | (pc & PAGE_MASK);
	for (struct jit_block *b = *jit_bucket(j, w->host); b; b = b->next) {
		if (b->host != w->host)
			continue;
		if (!jit_block_valid(b)) {
			w->stale = b;
			return NULL;
		}
		j->st.hits++;
		return jit_jc_fill(j, pc, b);
	}
	return NULL;
}

const uint8_t *jit_lookup(struct hart *h, uint64_t pc, uint64_t left)
{
	struct jit_where w;
	const struct jit_jc *b = jit_find(h, pc, &w);
	struct glass_attrs who;
	uint64_t pa;

	if (b || w.host || !left || h->any_event)
		return b ? b->code : NULL;
	/* pc's page misses the code TLB: fill it as a fetch would (the
	 * dispatcher's fill_code_tlb), instret exact for the walk's trace */
	jit_account(h, left);
	h->pc = pc;       /* the walk's trace and a fault's epc */
	if (!mmu_translate_rw(h, pc, ACCESS_FETCH, &pa, &who))
		return h->jit->fetch_fault;
	b = jit_find(h, pc, &w);
	return b ? b->code : NULL;
}

#endif /* GLASS_JIT */
