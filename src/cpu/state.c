/* A hart's saved state (hart.h, "A hart's saved state"): what snapshots
 * take and give back. The check is the CSRs' own write rules (csr.c): a
 * state passes only if every value is one the hart could have come to
 * hold, so a restored hart never holds what its code assumes impossible
 * (MPP = 2, an unknown satp mode, a PMP entry with R=0 W=1). */
#include "cpu/cpu_internal.h"
#include "cpu/jit/jit.h"

#define MIP_LINES (MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SEIP)
#define MSTATUS_FIXED (MSTATUS_UXL | MSTATUS_SXL)
#define MSTATUS_XL64 ((2ull << 32) | (2ull << 34))

void hart_get_state(const struct hart *h, struct hart_state *s)
{
	const struct hart_csr *c = &h->csr;

	memset(s, 0, sizeof(*s));
	memcpy(s->x, h->x, sizeof(s->x));
	memcpy(s->f, h->f, sizeof(s->f));
	s->pc = h->pc;
	s->priv = h->priv;
	s->mstatus = c->mstatus;
	s->misa = c->misa;
	s->medeleg = c->medeleg;
	s->mideleg = c->mideleg;
	s->mie = c->mie;
	s->mip = c->mip;
	s->mip_lines = c->mip_lines;
	s->mtvec = c->mtvec;
	s->mscratch = c->mscratch;
	s->mepc = c->mepc;
	s->mcause = c->mcause;
	s->mtval = c->mtval;
	s->stvec = c->stvec;
	s->sscratch = c->sscratch;
	s->sepc = c->sepc;
	s->scause = c->scause;
	s->stval = c->stval;
	s->satp = c->satp;
	s->mcounteren = c->mcounteren;
	s->scounteren = c->scounteren;
	s->mcountinhibit = c->mcountinhibit;
	s->menvcfg = c->menvcfg;
	s->senvcfg = c->senvcfg;
	s->mhartid = c->mhartid;
	for (unsigned i = 0; i < PMP_ENTRIES; i++) {
		s->pmpcfg[i] = c->pmpcfg[i];
		s->pmpaddr[i] = c->pmpaddr[i];
	}
	s->fflags = c->fflags;
	s->frm = c->frm;
	s->instret = h->instret;
	s->cycle = h->cycle;
	s->resv_addr = h->resv_addr;
	s->resv_valid = h->resv_valid;
	s->wfi = h->wfi;
	s->interrupts = h->interrupts;
	s->exceptions = h->exceptions;
	s->tlb_hits = h->tlb.hits;
	s->tlb_misses = h->tlb.misses;
	s->tlb_walks = h->tlb.walks;
	s->tselect = c->tselect;
	for (unsigned i = 0; i < HART_TRIGGERS; i++) {
		s->tdata1[i] = c->tdata1[i];
		s->tdata2[i] = c->tdata2[i];
	}
}

static const char *check_pmp(const struct hart_state *s)
{
	for (unsigned i = 0; i < PMP_ENTRIES; i++) {
		if ((s->pmpcfg[i] & ~0x9full) || (s->pmpcfg[i] & 3) == 2)
			return "a pmpcfg entry holds reserved bits";
		if (s->pmpaddr[i] >> 54)
			return "a pmpaddr holds bits above 53";
	}
	return NULL;
}

static const char *check_status(const struct hart_state *s)
{
	if ((s->mstatus & ~(MSTATUS_WMASK | MSTATUS_FIXED)) ||
	    (s->mstatus & MSTATUS_FIXED) != MSTATUS_XL64 ||
	    ((s->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
		return "mstatus is not a value it can hold";
	if (s->priv != PRIV_U && s->priv != PRIV_S && s->priv != PRIV_M)
		return "the privilege level is not U, S or M";
	return NULL;
}

static const char *check_traps(const struct hart_state *s)
{
	if (s->medeleg & ~MEDELEG_MASK)
		return "medeleg delegates what cannot be";
	if (s->mideleg & ~SUPERVISOR_INTS)
		return "mideleg delegates what cannot be";
	if (s->mie & ~ALL_INTS)
		return "mie enables interrupts that do not exist";
	if ((s->mip & ~MIP_SW_WMASK) || (s->mip_lines & ~MIP_LINES))
		return "mip holds bits that do not exist";
	if ((s->mtvec & 2) || (s->stvec & 2))
		return "a trap vector has a reserved mode";
	if ((s->mepc & 1) || (s->sepc & 1) || (s->pc & 1))
		return "pc, mepc or sepc is odd";
	return NULL;
}

static const char *check_rest(const struct hart_state *s)
{
	unsigned mode = s->satp >> SATP_MODE_SHIFT;

	if ((mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 &&
	     mode != SATP_MODE_SV48) || ((s->satp >> 44) & 0xffff))
		return "satp holds a mode or ASID this hart does not have";
	if (s->mcounteren > 7 || s->scounteren > 7 ||
	    (s->mcountinhibit & ~5ull))
		return "a counter-enable CSR holds bits that do not exist";
	if ((s->menvcfg & ~(MENVCFG_PBMTE | 1)) || s->senvcfg > 1)
		return "menvcfg or senvcfg holds bits that do not exist";
	if (s->fflags > 0x1f || s->frm > 7)
		return "fflags or frm is out of range";
	if (s->resv_valid > 1 || s->wfi > 1)
		return "a flag is neither 0 nor 1";
	if (!trig_state_ok(s->tselect, s->tdata1))
		return "tselect or a tdata1 holds what the trigger module "
		       "cannot";
	return NULL;
}

const char *hart_check_state(const struct hart *h, const struct hart_state *s)
{
	const char *why;

	if (s->mhartid != h->csr.mhartid)
		return "it is another hart's state";
	if (s->misa != h->csr.misa)
		return "misa differs (another ISA)";
	if ((why = check_status(s)) || (why = check_traps(s)) ||
	    (why = check_pmp(s)) || (why = check_rest(s)))
		return why;
	return NULL;
}

/* Everything derived from memory goes: a hart that translates code (a
 * JIT) drops its translations here too, or a restored machine would run
 * the old machine's code. */
void hart_drop_caches(struct hart *h)
{
	tb_cache_clear(&h->tbc);
	jit_flush(h->jit);
	hart_flush_tlb(h);
	h->tlb_generation = 0;   /* and look at the address space again */
}

void hart_set_state(struct hart *h, const struct hart_state *s)
{
	struct hart_csr *c = &h->csr;

	memcpy(h->x, s->x, sizeof(h->x));
	h->x[0] = 0;
	memcpy(h->f, s->f, sizeof(h->f));
	h->pc = s->pc;
	h->priv = (enum priv)s->priv;
	c->mstatus = s->mstatus;
	c->medeleg = s->medeleg;
	c->mideleg = s->mideleg;
	c->mie = s->mie;
	c->mip = s->mip;
	c->mip_lines = s->mip_lines;
	c->mtvec = s->mtvec;
	c->mscratch = s->mscratch;
	c->mepc = s->mepc;
	c->mcause = s->mcause;
	c->mtval = s->mtval;
	c->stvec = s->stvec;
	c->sscratch = s->sscratch;
	c->sepc = s->sepc;
	c->scause = s->scause;
	c->stval = s->stval;
	c->satp = s->satp;
	c->mcounteren = (uint32_t)s->mcounteren;
	c->scounteren = (uint32_t)s->scounteren;
	c->mcountinhibit = (uint32_t)s->mcountinhibit;
	c->menvcfg = s->menvcfg;
	c->senvcfg = s->senvcfg;
	for (unsigned i = 0; i < PMP_ENTRIES; i++) {
		c->pmpcfg[i] = (uint8_t)s->pmpcfg[i];
		c->pmpaddr[i] = s->pmpaddr[i];
	}
	c->fflags = (uint8_t)s->fflags;
	c->frm = (uint8_t)s->frm;
	h->instret = s->instret;
	h->cycle = s->cycle;
	h->count_cycle = !(s->mcountinhibit & 1);
	h->count_instret = !(s->mcountinhibit & 4);
	h->resv_addr = s->resv_addr;
	h->resv_valid = s->resv_valid;
	h->wfi = s->wfi;
	h->stop = false;
	h->irq_check = true;
	h->interrupts = s->interrupts;
	h->exceptions = s->exceptions;
	h->tlb.hits = s->tlb_hits;
	h->tlb.misses = s->tlb_misses;
	h->tlb.walks = s->tlb_walks;
	c->tselect = s->tselect;
	for (unsigned i = 0; i < HART_TRIGGERS; i++) {
		c->tdata1[i] = s->tdata1[i];
		c->tdata2[i] = s->tdata2[i];
	}
	hart_drop_caches(h);
	hart_debug_update(h);   /* the triggers (and a debugger's points) */
}
