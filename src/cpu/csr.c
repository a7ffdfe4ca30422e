/* Control and status registers (privileged spec 1.12, chapter 2 table). */
#include "cpu/cpu_internal.h"

static uint64_t mstatus_read(const struct hart *h)
{
	uint64_t st = h->csr.mstatus;

	if ((st & MSTATUS_FS) == MSTATUS_FS)
		st |= MSTATUS_SD;
	return st;
}

static void mstatus_write(struct hart *h, uint64_t val, uint64_t mask)
{
	uint64_t old = h->csr.mstatus;
	uint64_t st = (old & ~mask) | (val & mask);

	if (((st & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
		st = (st & ~MSTATUS_MPP) | (old & MSTATUS_MPP); /* WARL */
	h->csr.mstatus = st;
	uint64_t changed = old ^ st;
	/* MXR changes what every context may read; MPRV and, under MPRV,
	 * MPP and SUM change what M mode's data accesses mean. A plain SUM
	 * change just picks S mode's other set. */
	if ((changed & (MSTATUS_MXR | MSTATUS_MPRV)) ||
	    ((st & MSTATUS_MPRV) && (changed & (MSTATUS_MPP | MSTATUS_SUM))))
		hart_flush_tlb(h);
	else if (changed & MSTATUS_SUM)
		hart_tlb_select(h);
	h->irq_check = true;
}

/* Counter access from S/U mode is gated by m/scounteren (bit = csr - 0xc00). */
static bool counter_allowed(const struct hart *h, unsigned csr)
{
	uint32_t bit = 1u << (csr - CSR_CYCLE);

	if (h->priv < PRIV_M && !(h->csr.mcounteren & bit))
		return false;
	if (h->priv < PRIV_S && !(h->csr.scounteren & bit))
		return false;
	return true;
}

static bool fp_enabled(const struct hart *h)
{
	return (h->csr.mstatus & MSTATUS_FS) != 0;
}

static void fp_dirty(struct hart *h)
{
	h->csr.mstatus |= MSTATUS_FS;
}

bool csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
	if (((csr >> 8) & 3) > h->priv)
		return false;
	switch (csr) {
	case CSR_FFLAGS:
		*val = h->csr.fflags;
		return fp_enabled(h);
	case CSR_FRM:
		*val = h->csr.frm;
		return fp_enabled(h);
	case CSR_FCSR:
		*val = h->csr.fflags | (uint64_t)h->csr.frm << 5;
		return fp_enabled(h);
	case CSR_CYCLE:
	case CSR_TIME:
	case CSR_INSTRET:
	case CSR_HPMCOUNTER3 ... CSR_HPMCOUNTER31:
		if (!counter_allowed(h, csr))
			return false;
		*val = csr == CSR_CYCLE ? h->cycle :
		       csr == CSR_INSTRET ? h->instret :
		       csr == CSR_TIME ? h->env.read_time(h->env.opaque) : 0;
		return true;
	case CSR_SSTATUS:
		*val = mstatus_read(h) & SSTATUS_MASK;
		return true;
	case CSR_SIE:
		*val = h->csr.mie & h->csr.mideleg;
		return true;
	case CSR_SIP:
		*val = hart_mip(h) & h->csr.mideleg;
		return true;
	case CSR_STVEC: *val = h->csr.stvec; return true;
	case CSR_SCOUNTEREN: *val = h->csr.scounteren; return true;
	case CSR_SENVCFG: *val = h->csr.senvcfg; return true;
	case CSR_SSCRATCH: *val = h->csr.sscratch; return true;
	case CSR_SEPC: *val = h->csr.sepc; return true;
	case CSR_SCAUSE: *val = h->csr.scause; return true;
	case CSR_STVAL: *val = h->csr.stval; return true;
	case CSR_SATP:
		if (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TVM))
			return false;
		*val = h->csr.satp;
		return true;
	case CSR_MVENDORID:
	case CSR_MARCHID:
	case CSR_MIMPID:
	case CSR_MCONFIGPTR:
		*val = 0;
		return true;
	case CSR_MHARTID: *val = h->csr.mhartid; return true;
	case CSR_MSTATUS: *val = mstatus_read(h); return true;
	case CSR_MISA: *val = h->csr.misa; return true;
	case CSR_MEDELEG: *val = h->csr.medeleg; return true;
	case CSR_MIDELEG: *val = h->csr.mideleg; return true;
	case CSR_MIE: *val = h->csr.mie; return true;
	case CSR_MIP: *val = hart_mip(h); return true;
	case CSR_MTVEC: *val = h->csr.mtvec; return true;
	case CSR_MCOUNTEREN: *val = h->csr.mcounteren; return true;
	case CSR_MENVCFG: *val = h->csr.menvcfg; return true;
	case CSR_MCOUNTINHIBIT: *val = h->csr.mcountinhibit; return true;
	case CSR_MSCRATCH: *val = h->csr.mscratch; return true;
	case CSR_MEPC: *val = h->csr.mepc; return true;
	case CSR_MCAUSE: *val = h->csr.mcause; return true;
	case CSR_MTVAL: *val = h->csr.mtval; return true;
	case CSR_MCYCLE: *val = h->cycle; return true;
	case CSR_MINSTRET: *val = h->instret; return true;
	case CSR_MHPMCOUNTER3 ... CSR_MHPMCOUNTER31:
	case CSR_MHPMEVENT3 ... CSR_MHPMEVENT31:
		*val = 0; /* not implemented: read-only zero */
		return true;
	case CSR_PMPCFG0 ... CSR_PMPCFG15: {
		unsigned n = csr - CSR_PMPCFG0;
		if (n & 1)
			return false; /* odd pmpcfg CSRs do not exist on RV64 */
		uint64_t v = 0;
		for (int i = 7; i >= 0; i--) {
			unsigned e = n * 4 + i;
			v = v << 8 | (e < PMP_ENTRIES ? h->csr.pmpcfg[e] : 0);
		}
		*val = v;
		return true;
	}
	case CSR_PMPADDR0 ... CSR_PMPADDR63: {
		unsigned e = csr - CSR_PMPADDR0;
		*val = e < PMP_ENTRIES ? h->csr.pmpaddr[e] : 0;
		return true;
	}
	case CSR_TSELECT ... CSR_TINFO:
		return trig_csr_read(h, csr, val);
	}
	return false;
}

uint64_t csr_rmw_base(const struct hart *h, unsigned csr, uint64_t read)
{
	if (csr == CSR_MIP)
		return (read & ~MIP_SEIP) | (h->csr.mip & MIP_SEIP);
	return read;
}

static bool write_pmpcfg(struct hart *h, unsigned n, uint64_t val)
{
	if (n & 1)
		return false;
	for (unsigned i = 0; i < 8; i++) {
		unsigned e = n * 4 + i;
		uint8_t cfg = val >> (8 * i);
		if (e >= PMP_ENTRIES || (h->csr.pmpcfg[e] & 0x80))
			continue; /* absent or locked */
		if ((cfg & 3) == 2)
			cfg &= ~3; /* R=0 W=1 is reserved: WARL to no access */
		h->csr.pmpcfg[e] = cfg & 0x9f;
	}
	return true;
}

bool csr_write(struct hart *h, unsigned csr, uint64_t val)
{
	if (((csr >> 8) & 3) > h->priv || (csr >> 10) == 3)
		return false; /* too privileged, or read-only */
	switch (csr) {
	case CSR_FFLAGS:
		if (!fp_enabled(h))
			return false;
		h->csr.fflags = val & 0x1f;
		fp_dirty(h);
		return true;
	case CSR_FRM:
		if (!fp_enabled(h))
			return false;
		h->csr.frm = val & 7;
		fp_dirty(h);
		return true;
	case CSR_FCSR:
		if (!fp_enabled(h))
			return false;
		h->csr.fflags = val & 0x1f;
		h->csr.frm = (val >> 5) & 7;
		fp_dirty(h);
		return true;
	case CSR_SSTATUS:
		mstatus_write(h, val, MSTATUS_WMASK & SSTATUS_MASK);
		return true;
	case CSR_SIE:
		h->csr.mie = (h->csr.mie & ~h->csr.mideleg) |
			     (val & h->csr.mideleg & SUPERVISOR_INTS);
		h->irq_check = true;
		return true;
	case CSR_SIP: {
		uint64_t m = h->csr.mideleg & MIP_SSIP;
		h->csr.mip = (h->csr.mip & ~m) | (val & m);
		h->irq_check = true;
		return true;
	}
	case CSR_STVEC: h->csr.stvec = val & ~2ull; return true;
	case CSR_SCOUNTEREN: h->csr.scounteren = val & 7; return true;
	case CSR_SENVCFG: h->csr.senvcfg = val & 1; return true;
	case CSR_SSCRATCH: h->csr.sscratch = val; return true;
	case CSR_SEPC: h->csr.sepc = val & ~1ull; return true;
	case CSR_SCAUSE: h->csr.scause = val; return true;
	case CSR_STVAL: h->csr.stval = val; return true;
	case CSR_SATP: {
		if (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TVM))
			return false;
		unsigned mode = val >> SATP_MODE_SHIFT;
		if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 &&
		    mode != SATP_MODE_SV48)
			return true; /* unsupported mode: the write is ignored */
		h->csr.satp = val & ~(0xffffull << 44); /* ASIDs not kept */
		hart_flush_tlb(h);
		return true;
	}
	case CSR_MSTATUS:
		mstatus_write(h, val, MSTATUS_WMASK);
		return true;
	case CSR_MISA:
		return true; /* fixed */
	case CSR_MEDELEG: h->csr.medeleg = val & MEDELEG_MASK; return true;
	case CSR_MIDELEG:
		h->csr.mideleg = val & SUPERVISOR_INTS;
		h->irq_check = true;
		return true;
	case CSR_MIE:
		h->csr.mie = val & ALL_INTS;
		h->irq_check = true;
		return true;
	case CSR_MIP:
		h->csr.mip = (h->csr.mip & ~MIP_SW_WMASK) | (val & MIP_SW_WMASK);
		h->irq_check = true;
		return true;
	case CSR_MTVEC: h->csr.mtvec = val & ~2ull; return true;
	case CSR_MCOUNTEREN: h->csr.mcounteren = val & 7; return true;
	case CSR_MENVCFG:
		h->csr.menvcfg = val & (MENVCFG_PBMTE | 1);
		hart_flush_tlb(h);
		return true;
	case CSR_MCOUNTINHIBIT:
		h->csr.mcountinhibit = val & 5;
		h->count_cycle = !(val & 1);
		h->count_instret = !(val & 4);
		return true;
	case CSR_MSCRATCH: h->csr.mscratch = val; return true;
	case CSR_MEPC: h->csr.mepc = val & ~1ull; return true;
	case CSR_MCAUSE: h->csr.mcause = val; return true;
	case CSR_MTVAL: h->csr.mtval = val; return true;
	case CSR_MCYCLE: h->cycle = val; return true;
	case CSR_MINSTRET:
		/* the run loop still counts the writing instruction */
		h->instret = val - h->count_instret;
		return true;
	case CSR_MHPMCOUNTER3 ... CSR_MHPMCOUNTER31:
	case CSR_MHPMEVENT3 ... CSR_MHPMEVENT31:
		return true;
	case CSR_PMPCFG0 ... CSR_PMPCFG15:
		return write_pmpcfg(h, csr - CSR_PMPCFG0, val);
	case CSR_PMPADDR0 ... CSR_PMPADDR63: {
		unsigned e = csr - CSR_PMPADDR0;
		if (e < PMP_ENTRIES && !(h->csr.pmpcfg[e] & 0x80))
			h->csr.pmpaddr[e] = val & ((1ull << 54) - 1);
		return true;
	}
	case CSR_TSELECT ... CSR_TINFO:
		return trig_csr_write(h, csr, val);
	}
	return false;
}
