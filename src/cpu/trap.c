/* Traps: exception and interrupt entry, delegation, xRET (privileged spec
 * 1.12, sections 3.1.6-3.1.9, 3.3.2, 4.1.1). */
#include "cpu/cpu_internal.h"
#include "mem/address_space.h"

uint64_t hart_mip(const struct hart *h)
{
	return h->csr.mip | h->csr.mip_lines;
}

void hart_set_priv(struct hart *h, enum priv p)
{
	h->priv = p;
	hart_tlb_select(h); /* translations are per context: see tlb.h */
	h->irq_check = true;
}

static void set_field(uint64_t *reg, uint64_t mask, uint64_t val)
{
	*reg = (*reg & ~mask) | ((val * (mask & -mask)) & mask);
}

static uint64_t get_field(uint64_t reg, uint64_t mask)
{
	return (reg & mask) / (mask & -mask);
}

/* M-mode loads and stores translate as MPP while MPRV is set, so a trap or
 * xRET that changes MPRV or MPP without changing privilege must still
 * drop cached translations. */
static void mprv_check(struct hart *h, uint64_t old)
{
	uint64_t now = h->csr.mstatus;

	if (((old | now) & MSTATUS_MPRV) &&
	    ((old ^ now) & (MSTATUS_MPRV | MSTATUS_MPP)))
		hart_flush_tlb(h);
}

static uint64_t vector_pc(uint64_t tvec, uint64_t cause)
{
	uint64_t base = tvec & ~3ull;

	if ((tvec & 3) == 1 && (cause & CAUSE_INTERRUPT))
		return base + 4 * (cause & 63);
	return base;
}

static void trace_interrupt(struct hart *h, uint64_t cause)
{
	struct address_space *as = h->env.as;

	if (!ev_on(as->sink, EV_IRQ))
		return;
	struct glass_attrs who = {
		.initiator = (int32_t)h->csr.mhartid, .priv = (uint8_t)h->priv,
		.pc = h->pc, .instret = h->instret,
	};
	struct bus_event e = {
		.kind = EVK_INTERRUPT, .who = &who,
		.interrupt = { .cause = (unsigned)(cause & 63),
			       .what = "interrupt taken" },
	};
	as->sink->emit(as->sink->opaque, &e);
}

/* Enter the trap handler for `cause` (bit 63 set for interrupts). The
 * trapping instruction's pc is h->pc. */
void hart_trap(struct hart *h, uint64_t cause, uint64_t tval)
{
	bool irq = cause & CAUSE_INTERRUPT;
	uint64_t bit = 1ull << (cause & 63);
	uint64_t deleg = irq ? h->csr.mideleg : h->csr.medeleg;
	uint64_t *st = &h->csr.mstatus;
	uint64_t old = *st;

	h->resv_valid = false;
	if (irq) {
		h->interrupts++;
		trace_interrupt(h, cause);
	} else {
		/* the run loop counts every instruction; this one did not
		 * retire */
		h->instret -= h->count_instret;
		h->exceptions++;
	}
	if (h->priv <= PRIV_S && (deleg & bit)) {
		h->csr.scause = cause;
		h->csr.sepc = h->pc;
		h->csr.stval = tval;
		set_field(st, MSTATUS_SPIE, get_field(*st, MSTATUS_SIE));
		set_field(st, MSTATUS_SIE, 0);
		set_field(st, MSTATUS_SPP, h->priv);
		h->pc = vector_pc(h->csr.stvec, cause);
		hart_set_priv(h, PRIV_S);
	} else {
		h->csr.mcause = cause;
		h->csr.mepc = h->pc;
		h->csr.mtval = tval;
		set_field(st, MSTATUS_MPIE, get_field(*st, MSTATUS_MIE));
		set_field(st, MSTATUS_MIE, 0);
		set_field(st, MSTATUS_MPP, h->priv);
		h->pc = vector_pc(h->csr.mtvec, cause);
		hart_set_priv(h, PRIV_M);
	}
	mprv_check(h, old);
}

/* Interrupts in the priority order of section 3.1.9. */
static const int irq_order[] = { IRQ_MEI, IRQ_MSI, IRQ_MTI,
				 IRQ_SEI, IRQ_SSI, IRQ_STI };

static uint64_t enabled_pending(const struct hart *h)
{
	uint64_t pending = hart_mip(h) & h->csr.mie;
	uint64_t st = h->csr.mstatus;

	if (!pending)
		return 0;
	uint64_t m = pending & ~h->csr.mideleg;
	uint64_t s = pending & h->csr.mideleg;
	bool m_on = h->priv < PRIV_M || (st & MSTATUS_MIE);
	bool s_on = h->priv < PRIV_S || (h->priv == PRIV_S && (st & MSTATUS_SIE));
	if (m_on && m)
		return m;
	return s_on ? s : 0;
}

bool hart_interrupt_pending(const struct hart *h)
{
	return (hart_mip(h) & h->csr.mie) != 0;
}

/* Take the highest-priority enabled pending interrupt, if any. */
bool hart_take_interrupt(struct hart *h)
{
	uint64_t pending = enabled_pending(h);

	if (!pending)
		return false;
	for (unsigned i = 0; i < sizeof(irq_order) / sizeof(irq_order[0]); i++) {
		if (pending & (1ull << irq_order[i])) {
			hart_trap(h, CAUSE_INTERRUPT | irq_order[i], 0);
			return true;
		}
	}
	return false;
}

void hart_mret(struct hart *h)
{
	uint64_t *st = &h->csr.mstatus;
	uint64_t old = *st;
	enum priv p = get_field(*st, MSTATUS_MPP);

	set_field(st, MSTATUS_MIE, get_field(*st, MSTATUS_MPIE));
	set_field(st, MSTATUS_MPIE, 1);
	set_field(st, MSTATUS_MPP, PRIV_U);
	if (p != PRIV_M)
		set_field(st, MSTATUS_MPRV, 0);
	h->pc = h->csr.mepc;
	hart_set_priv(h, p);
	mprv_check(h, old);
}

void hart_sret(struct hart *h)
{
	uint64_t *st = &h->csr.mstatus;
	uint64_t old = *st;
	enum priv p = get_field(*st, MSTATUS_SPP);

	set_field(st, MSTATUS_SIE, get_field(*st, MSTATUS_SPIE));
	set_field(st, MSTATUS_SPIE, 1);
	set_field(st, MSTATUS_SPP, PRIV_U);
	set_field(st, MSTATUS_MPRV, 0); /* sret never returns to M mode */
	h->pc = h->csr.sepc;
	hart_set_priv(h, p);
	mprv_check(h, old);
}

void hart_set_mip(struct hart *h, uint64_t bit, int level)
{
	if (level)
		h->csr.mip_lines |= bit;
	else
		h->csr.mip_lines &= ~bit;
	h->irq_check = true;
	if (level && hart_interrupt_pending(h))
		h->wfi = false;
}
