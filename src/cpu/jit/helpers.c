/* C functions that generated code calls: the memory slow paths, the
 * general executor, block lookup. Each makes pc and instret exact first,
 * as the interpreter does before leaving its fast paths (exec.c), so
 * traps, the trace and devices see the same values in both.
 *
 * Counting: a block subtracts its length from the budget at entry, and
 * instret is brought up to date only at exits (jit_run) and here:
 * instret is exact for `left0` (jit->left0), so the instructions run
 * since are left0 - left, less what the current block has not run yet.
 * None of these translate or flush: the code that called them must still
 * be there when they return.
 */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include "cpu/jit/jit_internal.h"

void jit_account(struct hart *h, uint64_t left)
{
	uint64_t ran = h->jit->left0 - left;

	h->instret += ran * h->count_instret;
	h->cycle += ran * h->count_cycle;
	h->jit->left0 = left;
}

/* info: size (bits 0-7), pc offset in the block (8-15), instructions of
 * the block from this one to its end (16-). */
static uint64_t enter_slow(struct hart *h, uint64_t info, uint64_t pcb,
			   uint64_t left)
{
	uint64_t before = h->jit->left0 - left - (info >> 16);
	uint64_t adj = before * h->count_instret;

	h->pc = pcb + ((info >> 8) & 0xff);
	h->instret += adj;
	return adj;
}

static uint64_t status(const struct hart *h, bool ok)
{
	if (!ok)
		return JIT_TRAP;
	return h->any_event ? JIT_EVENT : JIT_OK;
}

struct jit_ret jit_load(struct hart *h, uint64_t va, uint64_t info,
			uint64_t pcb, uint64_t left)
{
	uint64_t adj = enter_slow(h, info, pcb, left), val = 0;
	bool ok = mmu_load_slow(h, va, info & 0xff, &val);

	h->instret -= adj;
	return (struct jit_ret){ val, status(h, ok) };
}

struct jit_ret jit_store(struct hart *h, uint64_t va, uint64_t val,
			 uint64_t info, uint64_t pcb, uint64_t left)
{
	uint64_t adj = enter_slow(h, info, pcb, left);
	bool ok = mmu_store_slow(h, va, info & 0xff, val);

	h->instret -= adj;
	return (struct jit_ret){ 0, status(h, ok) };
}

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

struct jit_block *jit_find(struct hart *h, uint64_t pc, uintptr_t *host,
			   uint64_t *pa)
{
	const struct tlb_entry *e = &h->tlb.cur->code[tlb_index(pc)];
	struct jit *j = h->jit;

	j->st.lookups++;
	*host = 0;
	if (unlikely(e->tag != (pc & ~PAGE_MASK)))
		return NULL;
	*host = e->addend + pc;
	*pa = e->pa_page | (pc & PAGE_MASK);
	struct jit_block *b = jit_slot(j, *host);
	if (likely(b->host == *host && *b->gen == b->gen_val)) {
		j->st.hits++;
		return b;
	}
	return NULL;
}

const uint8_t *jit_lookup(struct hart *h, uint64_t pc)
{
	uintptr_t host;
	uint64_t pa;
	const struct jit_block *b = jit_find(h, pc, &host, &pa);

	return b ? b->code : NULL;
}

#endif /* GLASS_JIT */
