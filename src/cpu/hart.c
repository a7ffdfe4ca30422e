/* Hart lifecycle and the instruction loop. */
#include <stddef.h>

#include "cpu/cpu_internal.h"
#include "cpu/jit/jit.h"
#include "mem/address_space.h"

#define MISA_RV64 (2ull << 62)
#define MISA_EXT(c) (1ull << ((c) - 'A'))

/* Everything but the decoded-code pool, which needs no clearing. */
#define HART_STATE_SIZE offsetof(struct hart, tbc)

void hart_init(struct hart *h, uint64_t hartid, const struct hart_env *env)
{
	memset(h, 0, HART_STATE_SIZE);
	h->env = *env;
	h->csr.mhartid = hartid;
	hart_reset(h, 0x1000);
}

void hart_reset(struct hart *h, uint64_t reset_pc)
{
	const struct dbg_points *points = h->dbg_points;
	uint64_t hartid = h->csr.mhartid;
	struct hart_env env = h->env;
	struct jit *jit = h->jit;

	memset(h, 0, HART_STATE_SIZE);
	tb_cache_clear(&h->tbc);
	jit_flush(jit);
	h->env = env;
	h->jit = jit;
	h->csr.mhartid = hartid;
	h->csr.misa = MISA_RV64 | MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') |
		      MISA_EXT('F') | MISA_EXT('D') | MISA_EXT('C') |
		      MISA_EXT('S') | MISA_EXT('U');
	/* UXL = SXL = 64-bit, fixed */
	h->csr.mstatus = (2ull << 32) | (2ull << 34);
	h->priv = PRIV_M;
	h->pc = reset_pc;
	h->irq_check = true;
	h->count_instret = h->count_cycle = 1;
	h->tlb.used = (1u << TLB_CTXS) - 1; /* all sets start invalid */
	trig_reset(h);
	h->dbg_points = points; /* a debugger's points outlive the reset */
	hart_debug_update(h);
}

uint64_t hart_run_insns(struct hart *h, uint64_t budget)
{
	if (h->tlb_generation != h->env.as->generation) {
		hart_flush_tlb(h);
		h->tlb_generation = h->env.as->generation;
	}
	if (h->jit && !h->jit_inhibit)
		return jit_run(h, budget);
	return exec_run(h, budget);
}

uint64_t hart_run(struct hart *h, uint64_t budget)
{
	uint64_t start = h->instret;

	hart_run_insns(h, budget);
	return h->instret - start;
}

bool hart_jit_enable(struct hart *h, size_t cache_bytes)
{
	if (!h->jit)
		h->jit = jit_new(cache_bytes);
	return h->jit != NULL;
}

void hart_destroy(struct hart *h)
{
	jit_free(h->jit);
	h->jit = NULL;
}
