/* The JIT's run loop: find or translate the block at pc, enter translated
 * code, and when it comes back take interrupts, patch the jump it left
 * by (chaining), and count. What translated code cannot run (a block
 * longer than the budget left, code that is not in RAM or ROM, an
 * instruction across a page end, a page the code TLB does not hold yet)
 * the interpreter runs, with exactly the same semantics.
 */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include "cpu/jit/jit_internal.h"

bool jit_available(void)
{
	return true;
}

struct jit *jit_new(size_t cache_bytes)
{
	return jit_cache_new(cache_bytes);
}

void jit_free(struct jit *j)
{
	jit_cache_free(j);
}

void jit_flush(struct jit *j)
{
	if (j)
		jit_cache_flush(j);
}

void jit_get_stats(const struct jit *j, struct jit_stats *s)
{
	*s = j->st;
	s->code_bytes = j->used - j->fixed;
	s->code_size = j->size - j->fixed;
}

/* The block for pc, translated now if need be; NULL if it cannot be.
 * *in_tlb: the code TLB holds pc's page as RAM or ROM. */
static const struct jit_jc *block_at(struct hart *h, uint64_t pc,
				     bool *in_tlb)
{
	struct jit_where w;
	const struct jit_jc *jc = jit_find(h, pc, &w);

	*in_tlb = w.host != 0;
	if (jc || !w.host)
		return jc;
	const struct jit_block *b = jit_translate(h, w.host, w.pa, w.stale);
	return b ? jit_jc_fill(h->jit, pc, b) : NULL;
}

/* The code TLB does not hold pc's page: translate it for a fetch (the
 * walk, its trace event and the fill, as the interpreter's fetch would,
 * but no read of the instruction, so a device is never read twice).
 * False if that trapped: counted as the interpreter counts a fetch that
 * faults (the trap took instret back). */
static bool fill_code_tlb(struct hart *h)
{
	struct glass_attrs who;
	uint64_t pa;

	if (mmu_translate_rw(h, h->pc, ACCESS_FETCH, &pa, &who))
		return true;
	h->instret += h->count_instret;
	h->cycle += h->count_cycle;
	return false;
}

/* Translated code left through a patchable jump (site) on its way to pc:
 * make the jump go straight to pc's block from now on (through a guard
 * when pc is in another page). */
static void patch(struct hart *h, uintptr_t site)
{
	struct jit *j = h->jit;
	uint64_t flushes = j->flushes;
	bool in_tlb;
	const struct jit_jc *b = block_at(h, h->pc, &in_tlb);

	if (!b || j->flushes != flushes)
		return;
	const uint8_t *to = b->code;
	if (site & SITE_GUARDED) {
		to = jit_guard(j, &h->tlb.cur->code[tlb_index(h->pc)], b);
		if (!to)
			return;
		site &= ~(uintptr_t)SITE_GUARDED;
	}
	x_patch(jit_rw(j, (const uint8_t *)site), jit_rw(j, to));
	j->st.chained++;
}

uint64_t jit_run(struct hart *h, uint64_t budget)
{
	struct jit *j = h->jit;
	uint64_t n = 0;

	for (;;) {
		if (unlikely(h->any_event)) {
			if (h->jit_inhibit) {
				uint64_t ran = exec_run(h, budget - n);
				j->st.interp_insns += ran;
				return n + ran;
			}
			if (h->stop || h->wfi)
				return n;
			h->irq_check = false;
			/* none during a debugger's step, as in exec_run */
			if (!h->dbg_noirq && hart_take_interrupt(h))
				continue;
		}
		if (n >= budget)
			return n;
		uint64_t left = budget - n;
		bool in_tlb;
		const struct jit_jc *b = block_at(h, h->pc, &in_tlb);
		if (!b && !in_tlb) {
			if (!fill_code_tlb(h)) {
				n++;
				continue;
			}
			b = block_at(h, h->pc, &in_tlb);
		}
		if (!b || b->n > left) {
			uint64_t ran = exec_run(h, b ? left : 1);
			j->st.interp_insns += ran;
			n += ran;
			continue;
		}
		h->jit_run.left0 = left;
		struct jit_exit x = j->enter(h, b->code, left);
		jit_account(h, x.left);
		n += left - x.left;
		if (x.site)
			patch(h, x.site);
	}
}

#else /* !GLASS_JIT: other hosts interpret */

bool jit_available(void)
{
	return false;
}

struct jit *jit_new(size_t cache_bytes)
{
	return NULL;
}

void jit_free(struct jit *j)
{
}

void jit_flush(struct jit *j)
{
}

uint64_t jit_run(struct hart *h, uint64_t budget)
{
	return 0;
}

void jit_get_stats(const struct jit *j, struct jit_stats *s)
{
}

#endif /* GLASS_JIT */
