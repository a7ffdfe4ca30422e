/* Breakpoints, watchpoints and the trigger module (debug.h).
 *
 * The trigger module follows the RISC-V debug specification 1.0 (Sdtrig)
 * as far as M-mode software sees it, and QEMU where the specification
 * leaves room:
 *   - two triggers (QEMU's number), each of type mcontrol (2) or
 *     mcontrol6 (6); writing 0 to tdata1 disables the trigger (type 15);
 *   - address matching only (select = 0), on execute, load and store,
 *     before the instruction retires, with match = 0 (equal), no chaining,
 *     action = 0 (a breakpoint exception; there is no Debug Mode), m/s/u
 *     mode bits, and the access sizes 8, 16, 32 and 64 bits or any;
 *   - a load or store matches when any byte it touches is at tdata2 (the
 *     specification's recommended compare values), so xtval = tdata2;
 *     an execute trigger matches the instruction starting at tdata2;
 *   - neither of the specification's two optional guards against
 *     triggers firing in their own trap handler (tcontrol, or MIE = 0):
 *     QEMU has neither, so an m = 1 trigger fires in M mode regardless;
 *   - no hit bits, no textra matching (tdata3 reads 0), no Debug Mode
 *     (dmode reads 0).
 */
#include "cpu/cpu_internal.h"
#include "cpu/debug.h"
#include "mem/address_space.h"

#define TDATA1_TYPE_SHIFT 60
#define TYPE_MCONTROL 2ull
#define TYPE_MCONTROL6 6ull
#define TYPE_DISABLED 15ull

/* Bits both address-match types share. */
#define MC_LOAD (1ull << 0)
#define MC_STORE (1ull << 1)
#define MC_EXECUTE (1ull << 2)
#define MC_U (1ull << 3)
#define MC_S (1ull << 4)
#define MC_M (1ull << 6)
#define MC_MODES (MC_U | MC_S | MC_M)
#define MC_KINDS (MC_LOAD | MC_STORE | MC_EXECUTE)
/* mcontrol: sizelo 17:16, sizehi 22:21; mcontrol6: size 18:16 */
#define MC2_SIZELO_SHIFT 16
#define MC2_SIZEHI_SHIFT 21
#define MC6_SIZE_SHIFT 16

/* tinfo: version 1 (the ratified specification); types 2, 6 and 15 */
#define TINFO_VALUE ((1ull << 24) | (1ull << TYPE_MCONTROL) | \
		     (1ull << TYPE_MCONTROL6) | (1ull << TYPE_DISABLED))

/* A block is at most this many bytes: execute points further on cannot
 * be in it. */
#define BLOCK_REACH (TB_MAX_INSNS * 4)

static uint64_t tdata1_type(uint64_t tdata1)
{
	return tdata1 >> TDATA1_TYPE_SHIFT;
}

/* Bytes an access must have for the size encoding (0: any; 4: 48-bit
 * instructions, of which there are none). */
static unsigned size_bytes(unsigned enc)
{
	static const uint8_t bytes[8] = { 0, 1, 2, 4, 6, 8, 16, 0 };

	return bytes[enc & 7];
}

/* The size encoding of an address-match trigger. */
static unsigned trig_size(uint64_t tdata1)
{
	if (tdata1_type(tdata1) == TYPE_MCONTROL6)
		return (tdata1 >> MC6_SIZE_SHIFT) & 7;
	return ((tdata1 >> MC2_SIZELO_SHIFT) & 3) |
	       (((tdata1 >> MC2_SIZEHI_SHIFT) & 3) << 2);
}

static bool size_supported(unsigned enc)
{
	return enc == 0 || enc == 1 || enc == 2 || enc == 3 || enc == 5;
}

/* The WARL view of a write to tdata1: the bits glass implements. */
static uint64_t tdata1_legal(uint64_t v)
{
	uint64_t type = tdata1_type(v);
	uint64_t keep = v & (MC_MODES | MC_KINDS);
	unsigned size = 0;

	if (type == TYPE_MCONTROL6) {
		size = (v >> MC6_SIZE_SHIFT) & 7;
		if (!size_supported(size))
			size = 0;
		return TYPE_MCONTROL6 << TDATA1_TYPE_SHIFT | keep |
		       (uint64_t)size << MC6_SIZE_SHIFT;
	}
	size = trig_size(v);
	if (!size_supported(size))
		size = 0;
	return TYPE_MCONTROL << TDATA1_TYPE_SHIFT | keep |
	       (uint64_t)(size & 3) << MC2_SIZELO_SHIFT |
	       (uint64_t)(size >> 2) << MC2_SIZEHI_SHIFT;
}

void trig_reset(struct hart *h)
{
	h->csr.tselect = 0;
	for (unsigned i = 0; i < HART_TRIGGERS; i++) {
		h->csr.tdata1[i] = TYPE_MCONTROL << TDATA1_TYPE_SHIFT;
		h->csr.tdata2[i] = 0;
	}
}

bool trig_state_ok(uint64_t tselect, const uint64_t tdata1[HART_TRIGGERS])
{
	if (tselect >= HART_TRIGGERS)
		return false;
	for (unsigned i = 0; i < HART_TRIGGERS; i++) {
		uint64_t type = tdata1_type(tdata1[i]);
		if (type == TYPE_DISABLED ?
		    tdata1[i] != TYPE_DISABLED << TDATA1_TYPE_SHIFT :
		    (type != TYPE_MCONTROL && type != TYPE_MCONTROL6) ||
		    tdata1_legal(tdata1[i]) != tdata1[i])
			return false;
	}
	return true;
}

bool trig_csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
	unsigned t = (unsigned)h->csr.tselect;

	switch (csr) {
	case CSR_TSELECT: *val = t; return true;
	case CSR_TDATA1: *val = h->csr.tdata1[t]; return true;
	case CSR_TDATA2: *val = h->csr.tdata2[t]; return true;
	case CSR_TDATA3: *val = 0; return true;
	case CSR_TINFO: *val = TINFO_VALUE; return true;
	}
	return false;
}

bool trig_csr_write(struct hart *h, unsigned csr, uint64_t val)
{
	unsigned t = (unsigned)h->csr.tselect;

	switch (csr) {
	case CSR_TSELECT:
		if (val < HART_TRIGGERS)  /* WARL: others keep the old index */
			h->csr.tselect = val;
		return true;
	case CSR_TDATA1:
		switch (tdata1_type(val)) {
		case 0:
		case TYPE_DISABLED:
			h->csr.tdata1[t] = TYPE_DISABLED << TDATA1_TYPE_SHIFT;
			break;
		case TYPE_MCONTROL:
		case TYPE_MCONTROL6:
			h->csr.tdata1[t] = tdata1_legal(val);
			break;
		default:
			return true;  /* a type glass lacks: no change */
		}
		hart_debug_update(h);
		return true;
	case CSR_TDATA2:
		h->csr.tdata2[t] = val;
		hart_debug_update(h);
		return true;
	case CSR_TDATA3:
		return true;  /* textra: nothing implemented, reads 0 */
	case CSR_TINFO:
		return false; /* read-only */
	}
	return false;
}

/* The trigger's kinds (MC_LOAD...) if it can ever fire, else 0. */
static uint64_t trig_armed(const struct hart *h, unsigned i)
{
	uint64_t d = h->csr.tdata1[i], type = tdata1_type(d);

	if (type != TYPE_MCONTROL && type != TYPE_MCONTROL6)
		return 0;
	return d & MC_MODES ? d & MC_KINDS : 0;
}

static bool trig_mode_ok(const struct hart *h, uint64_t tdata1)
{
	static const uint64_t mode_bit[4] = { MC_U, MC_S, 0, MC_M };

	return tdata1 & mode_bit[h->priv & 3];
}

void hart_debug_update(struct hart *h)
{
	const struct dbg_points *pts = h->dbg_points;
	uint8_t exec = 0, mem = 0;

	for (unsigned i = 0; i < HART_TRIGGERS; i++) {
		uint64_t k = trig_armed(h, i);
		exec |= (k & MC_EXECUTE) != 0;
		mem |= (k & (MC_LOAD | MC_STORE)) != 0;
	}
	for (unsigned i = 0; pts && i < pts->n; i++) {
		exec |= (pts->p[i].kind & DBG_EXEC) != 0;
		mem |= (pts->p[i].kind & (DBG_LOAD | DBG_STORE)) != 0;
	}
	h->dbg_exec = exec;
	h->dbg_mem = mem;
	h->jit_inhibit = exec || mem;
	/* pages that hold a watched address must leave the fast path, and
	 * pages that no longer do may return to it */
	hart_flush_tlb(h);
}

void hart_debug_attach(struct hart *h, const struct dbg_points *pts)
{
	h->dbg_points = pts;
	hart_debug_update(h);
}

void hart_debug_pass(struct hart *h, bool on)
{
	h->dbg_pass = on;
}

void hart_debug_mask_irqs(struct hart *h, bool on)
{
	h->dbg_noirq = on;
	if (!on)
		h->irq_check = true; /* what was left pending is taken now */
}

bool hart_debug_take_hit(struct hart *h, struct dbg_hit *hit)
{
	if (!h->dbg_hit.kind)
		return false;
	*hit = h->dbg_hit;
	memset(&h->dbg_hit, 0, sizeof(h->dbg_hit));
	h->stop = false;
	return true;
}

bool hart_debug_set_priv(struct hart *h, unsigned priv)
{
	if (priv != PRIV_U && priv != PRIV_S && priv != PRIV_M)
		return false;
	hart_set_priv(h, (enum priv)priv);
	return true;
}

bool hart_debug_translate(struct hart *h, uint64_t va, uint64_t *pa)
{
	return mmu_translate_peek(h, va, ACCESS_LOAD, true, pa);
}

/* Stop for the debugger before the current instruction: it does not
 * retire (the run loop counts it as it does a trapping one). */
static void debugger_stop(struct hart *h, const struct dbg_hit *hit,
			  bool counted)
{
	h->dbg_hit = *hit;
	h->stop = true;
	if (counted) {
		h->instret -= h->count_instret;
		h->cycle -= h->count_cycle;
	}
}

/* ---- execute ---- */

/* The length of the instruction at pc, read without side effects; 0 if
 * it cannot be fetched. */
static unsigned insn_len(struct hart *h, uint64_t pc)
{
	uint64_t pa;
	const uint8_t *p;

	if (!mmu_translate_peek(h, pc, ACCESS_FETCH, false, &pa))
		return 0;
	p = as_host_ptr(h->env.as, pa, 1, false);
	if (!p)
		return 0;
	return (*p & 3) == 3 ? 4 : 2;
}

/* Distance from pc to addr if addr lies ahead within a block's reach;
 * 0 if it is pc itself; `none` otherwise. */
static uint64_t ahead(uint64_t pc, uint64_t addr, uint64_t none)
{
	uint64_t d = addr - pc;

	return d < BLOCK_REACH ? d : none;
}

uint64_t dbg_exec_check(struct hart *h)
{
	const struct dbg_points *pts = h->dbg_points;
	uint64_t pc = h->pc, pa = 0, room = UINT64_MAX, d;
	bool have_pa = false;

	for (unsigned i = 0; pts && !h->dbg_pass && i < pts->n; i++) {
		const struct dbg_point *p = &pts->p[i];
		uint64_t at = pc;
		if (!(p->kind & DBG_EXEC))
			continue;
		if (p->phys) {
			if (!have_pa && !mmu_translate_peek(h, pc, ACCESS_FETCH,
							     false, &pa))
				continue;
			have_pa = true;
			at = pa;
		}
		d = ahead(at, p->addr, room);
		if (d == 0) {
			struct dbg_hit hit = { .kind = DBG_EXEC, .point = i,
					       .addr = p->addr, .va = pc,
					       .pa = at };
			debugger_stop(h, &hit, false);
			return 0;
		}
		if (d < room && (!p->phys || (at ^ p->addr) < PAGE_SIZE))
			room = d;
	}
	for (unsigned i = 0; i < HART_TRIGGERS; i++) {
		uint64_t d1 = h->csr.tdata1[i];
		if (!(trig_armed(h, i) & MC_EXECUTE) || !trig_mode_ok(h, d1))
			continue;
		d = ahead(pc, h->csr.tdata2[i], room);
		if (d && d < room)
			room = d;
		if (d)
			continue;
		unsigned want = size_bytes(trig_size(d1));
		if (want && insn_len(h, pc) != want)
			continue;
		/* a breakpoint exception before the instruction; the run
		 * loop counts it as the trapping instruction */
		hart_trap(h, CAUSE_BREAKPOINT, pc);
		return 0;
	}
	return room;
}

/* ---- loads and stores ---- */

/* Whether [a, a + size - 1] and [lo, hi] overlap (no wrap for a). */
static bool overlaps(uint64_t a, unsigned size, uint64_t lo, uint64_t hi)
{
	uint64_t end = a + (size - 1);

	if (end < a)
		end = UINT64_MAX;
	return a <= hi && lo <= end;
}

static bool debugger_mem(struct hart *h, uint64_t va, uint64_t pa,
			 unsigned size, unsigned kind, uint64_t value,
			 const struct glass_attrs *who)
{
	const struct dbg_points *pts = h->dbg_points;
	bool phys = who != NULL;
	uint64_t a = phys ? pa : va;

	if (h->dbg_pass)
		return true;
	for (unsigned i = 0; pts && i < pts->n; i++) {
		const struct dbg_point *p = &pts->p[i];
		if (!(p->kind & kind) || p->phys != phys ||
		    !overlaps(a, size, p->addr, p->last))
			continue;
		struct dbg_hit hit = {
			.kind = (uint8_t)(kind & DBG_STORE ? DBG_STORE :
					  DBG_LOAD),
			.point = i, .addr = a > p->addr ? a : p->addr,
			.va = va, .pa = pa, .pa_known = phys,
			.value = size < 8 ? value & ((1ull << 8 * size) - 1) :
			     value,
			.size = (uint8_t)size,
		};
		if (who)
			hit.who = *who;
		else
			mmu_attrs(h, &hit.who, va, 0, kind & DBG_STORE ?
				  ACCESS_STORE : ACCESS_LOAD);
		debugger_stop(h, &hit, true);
		return false;
	}
	return true;
}

bool dbg_check_va(struct hart *h, uint64_t va, unsigned size, unsigned kind,
		  uint64_t value)
{
	if (!debugger_mem(h, va, 0, size, kind, value, NULL))
		return false;
	for (unsigned i = 0; i < HART_TRIGGERS; i++) {
		uint64_t d1 = h->csr.tdata1[i], addr = h->csr.tdata2[i];
		uint64_t k = trig_armed(h, i);
		unsigned want = size_bytes(trig_size(d1));
		if (!(((k & MC_LOAD) && (kind & DBG_LOAD)) ||
		      ((k & MC_STORE) && (kind & DBG_STORE))) ||
		    !trig_mode_ok(h, d1) || (want && want != size) ||
		    addr - va >= size)
			continue;
		hart_trap(h, CAUSE_BREAKPOINT, addr);
		return false;
	}
	return true;
}

bool dbg_check_pa(struct hart *h, uint64_t va, uint64_t pa, unsigned size,
		  unsigned kind, uint64_t value, const struct glass_attrs *who)
{
	return debugger_mem(h, va, pa, size, kind, value, who);
}

bool dbg_page_watched(const struct hart *h, uint64_t va_page,
		      uint64_t pa_page)
{
	const struct dbg_points *pts = h->dbg_points;

	for (unsigned i = 0; pts && i < pts->n; i++) {
		const struct dbg_point *p = &pts->p[i];
		uint64_t page = p->phys ? pa_page : va_page;
		if ((p->kind & (DBG_LOAD | DBG_STORE)) &&
		    p->addr <= page + (PAGE_SIZE - 1) && page <= p->last)
			return true;
	}
	for (unsigned i = 0; i < HART_TRIGGERS; i++)
		if ((trig_armed(h, i) & (MC_LOAD | MC_STORE)) &&
		    (h->csr.tdata2[i] & ~PAGE_MASK) == va_page)
			return true;
	return false;
}
