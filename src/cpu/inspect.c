/* The view tools take of a hart (hart.h, "The view tools take"): the
 * monitor, the statistics and debuggers use these and nothing else. */
#include "cpu/cpu_internal.h"

void hart_get_counters(const struct hart *h, struct hart_counters *c)
{
	*c = (struct hart_counters){
		.instret = h->instret, .cycle = h->cycle,
		.interrupts = h->interrupts, .exceptions = h->exceptions,
		.tlb_hits = h->tlb.hits, .tlb_misses = h->tlb.misses,
		.tlb_walks = h->tlb.walks,
	};
}

void hart_get_irqs(const struct hart *h, uint64_t *mip, uint64_t *mie)
{
	*mip = h->csr.mip | h->csr.mip_lines;
	*mie = h->csr.mie;
}

uint64_t hart_get_id(const struct hart *h)
{
	return h->csr.mhartid;
}

uint64_t hart_get_pc(const struct hart *h)
{
	return h->pc;
}

void hart_set_pc(struct hart *h, uint64_t pc)
{
	h->pc = pc;
}

enum priv hart_get_priv(const struct hart *h)
{
	return h->priv;
}

bool hart_is_sleeping(const struct hart *h)
{
	return h->wfi;
}

uint64_t hart_get_gpr(const struct hart *h, unsigned n)
{
	return n < 32 ? h->x[n] : 0;
}

void hart_set_gpr(struct hart *h, unsigned n, uint64_t v)
{
	if (n > 0 && n < 32)
		h->x[n] = v;
}

uint64_t hart_get_fpr(const struct hart *h, unsigned n)
{
	return n < 32 ? h->f[n] : 0;
}

void hart_set_fpr(struct hart *h, unsigned n, uint64_t v)
{
	if (n < 32)
		h->f[n] = v;
}

/* Look at CSRs as M mode with the FPU on, then put both back: csr_read and
 * csr_write have no other side effect on the hart's mode. */
struct as_m {
	enum priv priv;
	uint64_t fs;
};

static struct as_m enter_m(struct hart *h)
{
	struct as_m saved = { h->priv, h->csr.mstatus & MSTATUS_FS };

	h->priv = PRIV_M;
	h->csr.mstatus |= MSTATUS_FS;
	return saved;
}

static void leave_m(struct hart *h, struct as_m saved, unsigned csr)
{
	h->priv = saved.priv;
	/* a write of mstatus or sstatus sets FS itself; otherwise restore */
	if (csr != CSR_MSTATUS && csr != CSR_SSTATUS)
		h->csr.mstatus = (h->csr.mstatus & ~MSTATUS_FS) | saved.fs;
	hart_tlb_select(h);
}

bool hart_csr_peek(struct hart *h, unsigned csr, uint64_t *v)
{
	struct as_m saved = enter_m(h);
	bool ok = csr_read(h, csr, v);

	leave_m(h, saved, 0);
	return ok;
}

bool hart_csr_poke(struct hart *h, unsigned csr, uint64_t v)
{
	struct as_m saved = enter_m(h);
	bool ok = csr_write(h, csr, v);

	leave_m(h, saved, csr);
	h->irq_check = true;
	return ok;
}

static void tlb_set_foreach(const struct tlb_entry *set, const char *kind,
			    struct hart_tlb_view *v,
			    void (*fn)(void *, const struct hart_tlb_view *),
			    void *opaque)
{
	for (unsigned i = 0; i < TLB_SIZE; i++) {
		const struct tlb_entry *e = &set[i];
		if (e->tag == TLB_INVALID)
			continue;
		v->kind = kind;
		v->va = e->tag & ~TLB_FLAGS;
		v->pa_page = e->pa_page;
		v->pte = e->pte;
		v->io = e->tag & TLB_IO;
		fn(opaque, v);
	}
}

void hart_tlb_foreach(const struct hart *h,
		      void (*fn)(void *opaque, const struct hart_tlb_view *e),
		      void *opaque)
{
	static const char *const names[TLB_CTXS] = {
		[TLB_CTX_U] = "U", [TLB_CTX_S] = "S", [TLB_CTX_S_SUM] = "S+SUM",
		[TLB_CTX_M] = "M",
	};

	for (unsigned c = 0; c < TLB_CTXS; c++) {
		const struct tlb_set *set = &h->tlb.set[c];
		struct hart_tlb_view v = { .context = names[c],
					   .current = set == h->tlb.cur };
		if (!(h->tlb.used & (1u << c)))
			continue;
		tlb_set_foreach(set->code, "code", &v, fn, opaque);
		tlb_set_foreach(set->read, "load", &v, fn, opaque);
		tlb_set_foreach(set->write, "store", &v, fn, opaque);
	}
}
