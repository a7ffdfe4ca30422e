/* Virtual memory: Sv39/Sv48 page walks (A/D updates, superpages, Svpbmt)
 * and the TLB slow paths that feed the address space's choke point. */
#include "cpu/cpu_internal.h"
#include "mem/address_space.h"

static const uint64_t page_fault_cause[] = {
	[ACCESS_FETCH] = CAUSE_FETCH_PAGE_FAULT,
	[ACCESS_LOAD] = CAUSE_LOAD_PAGE_FAULT,
	[ACCESS_STORE] = CAUSE_STORE_PAGE_FAULT,
};
static const uint64_t access_fault_cause[] = {
	[ACCESS_FETCH] = CAUSE_FETCH_ACCESS,
	[ACCESS_LOAD] = CAUSE_LOAD_ACCESS,
	[ACCESS_STORE] = CAUSE_STORE_ACCESS,
};

static enum tlb_ctx tlb_ctx(const struct hart *h)
{
	switch (h->priv) {
	case PRIV_U: return TLB_CTX_U;
	case PRIV_S:
		return h->csr.mstatus & MSTATUS_SUM ? TLB_CTX_S_SUM : TLB_CTX_S;
	default: return TLB_CTX_M;
	}
}

void hart_tlb_select(struct hart *h)
{
	enum tlb_ctx c = tlb_ctx(h);

	h->tlb.cur = &h->tlb.set[c];
	h->tlb.used |= 1u << c;
}

void hart_flush_tlb(struct hart *h)
{
	for (unsigned c = 0; c < TLB_CTXS; c++)
		if (h->tlb.used & (1u << c))
			memset(&h->tlb.set[c], 0xff, sizeof(h->tlb.set[c]));
	h->tlb.used = 0;
	h->tlb.nsuper = 0;
	hart_tlb_select(h);
}

static void drop_entry(struct tlb_entry *e, uint64_t va_page)
{
	if ((e->tag & ~TLB_FLAGS) == va_page)
		e->tag = TLB_INVALID;
}

void hart_flush_tlb_page(struct hart *h, uint64_t va)
{
	struct tlb *t = &h->tlb;
	uint64_t va_page = va & ~PAGE_MASK;
	unsigned i = tlb_index(va);

	if (t->nsuper > TLB_SUPER_SLOTS) {
		hart_flush_tlb(h);
		return;
	}
	for (unsigned k = 0; k < t->nsuper; k++) {
		if (t->super[k] == va >> 30) {
			hart_flush_tlb(h);
			return;
		}
	}
	for (unsigned c = 0; c < TLB_CTXS; c++) {
		if (!(t->used & (1u << c)))
			continue;
		drop_entry(&t->set[c].read[i], va_page);
		drop_entry(&t->set[c].write[i], va_page);
		drop_entry(&t->set[c].code[i], va_page);
	}
}

/* A fill from a superpage (level > 0): remember its 1 GiB region. */
static void note_superpage(struct tlb *t, uint64_t va, int level)
{
	if (level <= 0 || t->nsuper > TLB_SUPER_SLOTS)
		return;
	if (level > 2) {
		t->nsuper = TLB_SUPER_SLOTS + 1;
		return;
	}
	for (unsigned k = 0; k < t->nsuper; k++)
		if (t->super[k] == va >> 30)
			return;
	if (t->nsuper == TLB_SUPER_SLOTS)
		t->nsuper = TLB_SUPER_SLOTS + 1;
	else
		t->super[t->nsuper++] = va >> 30;
}

/* Privilege that loads and stores are checked against (MPRV). */
static enum priv data_priv(const struct hart *h)
{
	if (h->priv == PRIV_M && (h->csr.mstatus & MSTATUS_MPRV))
		return (h->csr.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
	return h->priv;
}

/* Whether a leaf PTE's permissions allow the access. */
static bool leaf_allows(const struct hart *h, uint64_t pte, enum priv p,
			enum access_type type)
{
	uint64_t st = h->csr.mstatus;

	if (pte & PTE_U) {
		if (p == PRIV_S && (type == ACCESS_FETCH || !(st & MSTATUS_SUM)))
			return false;
	} else if (p == PRIV_U) {
		return false;
	}
	switch (type) {
	case ACCESS_FETCH:
		return pte & PTE_X;
	case ACCESS_LOAD:
		return (pte & PTE_R) || ((st & MSTATUS_MXR) && (pte & PTE_X));
	case ACCESS_STORE:
		return pte & PTE_W;
	}
	return false;
}

/* Bits that must be zero (or only take defined values) in a PTE. */
static bool pte_reserved(const struct hart *h, uint64_t pte, bool leaf)
{
	uint64_t pbmt = (pte & PTE_PBMT) >> PTE_PBMT_SHIFT;

	if (pte & (PTE_RESERVED | PTE_N))
		return true;
	if (!leaf)
		return pbmt || (pte & (PTE_A | PTE_D | PTE_U));
	if (pbmt && !(h->csr.menvcfg & MENVCFG_PBMTE))
		return true;
	return pbmt == 3;
}

static const char *const fault_names[] = {
	[ACCESS_FETCH] = "fetch page fault",
	[ACCESS_LOAD] = "load page fault",
	[ACCESS_STORE] = "store page fault",
};

/* The pagewalk trace: one event per walk, with its result. */
static void trace_walk(struct hart *h, uint64_t va, enum access_type type,
		       uint64_t pa, uint64_t pte, uint64_t cause)
{
	struct address_space *as = h->env.as;
	struct glass_attrs who;
	struct bus_event e = {
		.kind = EVK_WALK, .who = &who,
		.walk = { .va = va, .ok = cause == 0, .pa = cause ? 0 : pa,
			  .pte = pte,
			  .why = cause == page_fault_cause[type] ?
				 fault_names[type] :
				 "access fault on a page table" },
	};
	mmu_attrs(h, &who, va, pte, type);
	who.translated = true;
	as->sink->emit(as->sink->opaque, &e);
}

/* How to walk: WALK_PEEK without side effects (no A/D updates, no
 * statistics), for the monitor and debuggers; WALK_ANY_PERM whatever the
 * leaf's permissions (a debugger's view). */
#define WALK_PEEK 1u
#define WALK_ANY_PERM 2u

/* Translate va. On success *pa and *leaf (the leaf PTE, 0 when bare) are
 * set and 0 is returned; otherwise the exception cause to raise. */
static uint64_t walk(struct hart *h, uint64_t va, enum access_type type,
		     uint64_t *pa, uint64_t *leaf, int *level, unsigned how);

static uint64_t translate(struct hart *h, uint64_t va, enum access_type type,
			  uint64_t *pa, uint64_t *leaf, int *level)
{
	return walk(h, va, type, pa, leaf, level, 0);
}

bool hart_translate_debug(struct hart *h, uint64_t va, uint64_t *pa,
			  uint64_t *pte)
{
	int level;

	return walk(h, va, ACCESS_LOAD, pa, pte, &level, WALK_PEEK) == 0;
}

bool mmu_translate_peek(struct hart *h, uint64_t va, enum access_type type,
			bool any_perm, uint64_t *pa)
{
	uint64_t pte;
	int level;

	return walk(h, va, type, pa, &pte, &level,
		    WALK_PEEK | (any_perm ? WALK_ANY_PERM : 0)) == 0;
}

/* The page walk proper (`how`: WALK_*). *level is the leaf's level (0:
 * a 4 KiB page; -1: no translation). */
static uint64_t walk(struct hart *h, uint64_t va, enum access_type type,
		     uint64_t *pa, uint64_t *leaf, int *level_out, unsigned how)
{
	bool debug = how & WALK_PEEK;

	enum priv p = type == ACCESS_FETCH ? h->priv : data_priv(h);
	unsigned mode = h->csr.satp >> SATP_MODE_SHIFT;
	unsigned levels = mode == SATP_MODE_SV48 ? 4 : 3;

	*leaf = 0;
	*level_out = -1;
	if (p == PRIV_M || mode == SATP_MODE_BARE) {
		*pa = va;
		return 0;
	}
	/* the VA must be the sign extension of its top translated bit */
	unsigned vabits = 12 + 9 * levels;
	if ((uint64_t)((int64_t)(va << (64 - vabits)) >> (64 - vabits)) != va)
		return page_fault_cause[type];

	if (!debug)
		h->tlb.walks++;
	struct glass_attrs who;
	mmu_attrs(h, &who, va, 0, ACCESS_LOAD);
	who.debug = debug;
	uint64_t table = (h->csr.satp & SATP_PPN_MASK) << PAGE_SHIFT;
	for (int level = levels - 1; level >= 0; level--) {
		unsigned shift = PAGE_SHIFT + 9 * level;
		uint64_t pte_pa = table + ((va >> shift) & 511) * 8;
		uint64_t pte;
		if (as_read(h->env.as, pte_pa, 8, &pte, &who) != MEM_OK)
			return access_fault_cause[type];
		if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)))
			return page_fault_cause[type];
		bool is_leaf = pte & (PTE_R | PTE_X);
		if (pte_reserved(h, pte, is_leaf))
			return page_fault_cause[type];
		uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
		if (!is_leaf) {
			if (level == 0)
				return page_fault_cause[type];
			table = ppn << PAGE_SHIFT;
			continue;
		}
		if (!(how & WALK_ANY_PERM) && !leaf_allows(h, pte, p, type))
			return page_fault_cause[type];
		uint64_t low = (1ull << (9 * level)) - 1; /* superpage ppn bits */
		if (ppn & low)
			return page_fault_cause[type]; /* misaligned superpage */
		/* Hardware A/D update (Svadu-style behaviour, allowed by 1.12) */
		uint64_t want = PTE_A | (type == ACCESS_STORE ? PTE_D : 0);
		if ((pte & want) != want && !debug) {
			pte |= want;
			if (as_write(h->env.as, pte_pa, 8, pte, &who) != MEM_OK)
				return access_fault_cause[type];
		}
		*pa = ((ppn & ~low) << PAGE_SHIFT) |
		      (va & ((1ull << shift) - 1));
		*leaf = pte;
		*level_out = level;
		return 0;
	}
	return page_fault_cause[type]; /* not reached */
}

/* Remember the translation of va's page in the TLB for `type`. A page that
 * is RAM throughout gets a host pointer; anything else an I/O tag, so the
 * next access goes straight to the choke point. ROM is cached for reads
 * and fetches only (writes to it must be dropped by the address space), and
 * a code page for reads and fetches only (writes to it must release the
 * decoded blocks: see tb.h). */
static void tlb_fill(struct hart *h, uint64_t va, uint64_t pa, uint64_t pte,
		     enum access_type type)
{
	struct tlb_set *ts = h->tlb.cur;
	struct tlb_entry *set = type == ACCESS_FETCH ? ts->code :
				type == ACCESS_LOAD ? ts->read : ts->write;
	struct tlb_entry *e = &set[tlb_index(va)];
	uint64_t va_page = va & ~PAGE_MASK, pa_page = pa & ~PAGE_MASK;
	uint8_t *host = as_tlb_host(h->env.as, pa_page, type == ACCESS_STORE);

	e->pa_page = pa_page;
	e->pte = pte;
	if (host) {
		e->tag = va_page;
		e->addend = (uintptr_t)host - va_page;
	} else {
		e->tag = va_page | TLB_IO;
		e->addend = (uintptr_t)as_page_device(h->env.as, pa);
	}
	/* a watched page takes the general slow path (tlb.h, TLB_WATCH) */
	if (unlikely(h->dbg_mem) && type != ACCESS_FETCH &&
	    dbg_page_watched(h, va_page, pa_page))
		e->tag = va_page | TLB_FLAGS;
}

/* Find (or make) the physical address of va for `type`, via the TLB's I/O
 * entries or a page walk, and say who is accessing (*who: for the address
 * space, devices that answer per hart, and the trace). Returns false
 * after raising a page fault. */
static bool resolve(struct hart *h, uint64_t va, enum access_type type,
		    uint64_t *pa, struct glass_attrs *who)
{
	struct tlb_set *ts = h->tlb.cur;
	struct tlb_entry *set = type == ACCESS_FETCH ? ts->code :
				type == ACCESS_LOAD ? ts->read : ts->write;
	const struct tlb_entry *e = &set[tlb_index(va)];
	uint64_t pte;
	int level;

	if ((e->tag & ~TLB_FLAGS) == (va & ~PAGE_MASK)) {
		/* cached: a device page, or RAM reached through the slow path
		 * (a fetch parcel, an access crossing a page, a watched
		 * page) */
		h->tlb.hits++;
		*pa = e->pa_page | (va & PAGE_MASK);
		mmu_attrs(h, who, va, e->pte, type);
		return true;
	}
	h->tlb.misses++;
	uint64_t walks = h->tlb.walks;
	uint64_t cause = translate(h, va, type, pa, &pte, &level);
	if (h->tlb.walks != walks && ev_on(h->env.as->sink, EV_PAGEWALK))
		trace_walk(h, va, type, *pa, pte, cause);
	if (cause) {
		hart_trap(h, cause, va);
		return false;
	}
	tlb_fill(h, va, *pa, pte, type);
	note_superpage(&h->tlb, va, level);
	mmu_attrs(h, who, va, pte, type);
	return true;
}

/* An access the address space could not decode: an access fault, and a
 * guest-error event saying where. */
static void bus_error(struct hart *h, uint64_t cause, uint64_t va,
		      uint64_t pa, unsigned size, bool write,
		      const struct glass_attrs *who)
{
	struct address_space *as = h->env.as;

	/* a device that refused the access has reported it already */
	if (ev_on(as->sink, EV_GUEST_ERROR) && !as_lookup(as, pa)) {
		struct bus_event e = {
			.kind = EVK_BAD_ACCESS, .who = who,
			.bad = { .pa = pa, .size = (uint8_t)size,
				 .write = write,
				 .why = "unmapped physical address: access fault" },
		};
		as->sink->emit(as->sink->opaque, &e);
	}
	hart_trap(h, cause, va);
}

/* Physical addresses of an access that may cross into the next page. */
static bool resolve_span(struct hart *h, uint64_t va, unsigned size,
			 enum access_type type, uint64_t *pa0, uint64_t *pa1,
			 unsigned *n0, struct glass_attrs *who0,
			 struct glass_attrs *who1)
{
	*n0 = size;
	if (!resolve(h, va, type, pa0, who0))
		return false;
	if ((va & PAGE_MASK) + size <= PAGE_SIZE)
		return true;
	*n0 = PAGE_SIZE - (va & PAGE_MASK);
	uint64_t va1 = (va & ~PAGE_MASK) + PAGE_SIZE;
	if (!resolve(h, va1, type, pa1, who1)) {
		/* the fault is reported at the first byte of the access
		 * that is in the faulting page */
		return false;
	}
	return true;
}

/* The physical address of a device access whose page the TLB already
 * knows (the I/O entry of `set`), within one page; false if it must take
 * the general path (first touch, crossing a page end). */
static inline const struct tlb_entry *io_hit(struct hart *h,
					     const struct tlb_entry *set,
					     uint64_t va, unsigned size,
					     enum access_type type, uint64_t *pa,
					     struct glass_attrs *who)
{
	const struct tlb_entry *e = &set[tlb_index(va)];

	if (e->tag != ((va & ~PAGE_MASK) | TLB_IO) ||
	    (va & PAGE_MASK) > PAGE_SIZE - size)
		return NULL;
	h->tlb.hits++;
	*pa = e->pa_page | (va & PAGE_MASK);
	mmu_attrs(h, who, va, e->pte, type);
	return e;
}

/* Physical watchpoints on both parts of an access that may cross a page
 * (cpu/debug.h); false if the access must not happen. */
static bool span_watch_ok(struct hart *h, uint64_t va, unsigned size,
			  unsigned n0, uint64_t pa0, uint64_t pa1,
			  unsigned kind, uint64_t val,
			  const struct glass_attrs *who0,
			  const struct glass_attrs *who1)
{
	if (!dbg_check_pa(h, va, pa0, n0, kind, val, who0))
		return false;
	return n0 == size || dbg_check_pa(h, va + n0, pa1, size - n0, kind,
					  val >> (8 * n0), who1);
}

bool mmu_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
	uint64_t pa0, pa1 = 0, lo, hi = 0;
	unsigned n0;
	struct glass_attrs who0, who1;

	/* the common device read: a register of a page already mapped, and
	 * when one device decodes the whole page, no address lookup either
	 * (a watched page never comes this way: TLB_WATCH) */
	const struct tlb_entry *e = io_hit(h, h->tlb.cur->read, va, size,
					   ACCESS_LOAD, &pa0, &who0);
	if (e) {
		struct region *dev = io_device(e, pa0, size);
		if ((dev ? as_read_dev(h->env.as, dev, pa0, size, val, &who0) :
			   as_read(h->env.as, pa0, size, val, &who0)) == MEM_OK)
			return true;
		bus_error(h, CAUSE_LOAD_ACCESS, va, pa0, size, false, &who0);
		return false;
	}
	if (unlikely(h->dbg_mem) && !dbg_check_va(h, va, size, DBG_LOAD, 0))
		return false;
	if (!resolve_span(h, va, size, ACCESS_LOAD, &pa0, &pa1, &n0, &who0,
			  &who1))
		return false;
	if (unlikely(h->dbg_mem) &&
	    !span_watch_ok(h, va, size, n0, pa0, pa1, DBG_LOAD, 0, &who0,
			   &who1))
		return false;
	if (as_read(h->env.as, pa0, n0, &lo, &who0) != MEM_OK) {
		bus_error(h, CAUSE_LOAD_ACCESS, va, pa0, size, false, &who0);
		return false;
	}
	if (n0 < size &&
	    as_read(h->env.as, pa1, size - n0, &hi, &who1) != MEM_OK) {
		bus_error(h, CAUSE_LOAD_ACCESS, va + n0, pa1, size, false,
			  &who1);
		return false;
	}
	*val = n0 < size ? lo | hi << (8 * n0) : lo;
	return true;
}

/* After a store released a code page, let stores to it take the fast path
 * again (the entry was I/O-tagged only because the page was code). */
static void tlb_rearm_write(struct hart *h, uint64_t va)
{
	struct tlb_entry *e = &h->tlb.cur->write[tlb_index(va)];
	uint64_t va_page = va & ~PAGE_MASK;

	if (e->tag != (va_page | TLB_IO))
		return;
	uint8_t *host = as_tlb_host(h->env.as, e->pa_page, true);
	if (host) {
		e->tag = va_page;
		e->addend = (uintptr_t)host - va_page;
	}
}

void hart_protect_code_page(struct hart *h, uint64_t pa_page)
{
	for (unsigned c = 0; c < TLB_CTXS; c++) {
		if (!(h->tlb.used & (1u << c)))
			continue;
		for (unsigned i = 0; i < TLB_SIZE; i++) {
			struct tlb_entry *e = &h->tlb.set[c].write[i];
			if (!(e->tag & TLB_IO) && e->pa_page == pa_page) {
				e->tag |= TLB_IO;
				e->addend = 0;
			}
		}
	}
}

static bool store_slow(struct hart *h, uint64_t va, unsigned size,
		       uint64_t val)
{
	uint64_t pa0, pa1 = 0;
	unsigned n0;
	struct glass_attrs who0, who1;

	/* the common device write: a register of a page already mapped
	 * (never a watched page: TLB_WATCH) */
	const struct tlb_entry *e = io_hit(h, h->tlb.cur->write, va, size,
					   ACCESS_STORE, &pa0, &who0);
	if (e) {
		struct region *dev = io_device(e, pa0, size);
		if ((dev ? as_write_dev(h->env.as, dev, pa0, size, val, &who0) :
			   as_write(h->env.as, pa0, size, val, &who0)) == MEM_OK)
			return true;
		bus_error(h, CAUSE_STORE_ACCESS, va, pa0, size, true, &who0);
		return false;
	}

	if (unlikely(h->dbg_mem) &&
	    !dbg_check_va(h, va, size, DBG_STORE, val))
		return false;
	if (!resolve_span(h, va, size, ACCESS_STORE, &pa0, &pa1, &n0, &who0,
			  &who1))
		return false;
	if (unlikely(h->dbg_mem) &&
	    !span_watch_ok(h, va, size, n0, pa0, pa1, DBG_STORE, val, &who0,
			   &who1))
		return false;
	if (n0 < size && !as_lookup(h->env.as, pa1)) {
		/* checked first so nothing is written: tval is the faulting
		 * part of the access, on the second page */
		bus_error(h, CAUSE_STORE_ACCESS, va + n0, pa1, size, true,
			  &who1);
		return false;
	}
	if (as_write(h->env.as, pa0, n0, val, &who0) != MEM_OK) {
		bus_error(h, CAUSE_STORE_ACCESS, va, pa0, size, true, &who0);
		return false;
	}
	if (n0 < size && as_write(h->env.as, pa1, size - n0, val >> (8 * n0),
				  &who1) != MEM_OK) {
		bus_error(h, CAUSE_STORE_ACCESS, va + n0, pa1, size, true,
			  &who1);
		return false;
	}
	return true;
}

void mmu_rearm_writes(struct hart *h, uint64_t va, unsigned size)
{
	tlb_rearm_write(h, va);
	tlb_rearm_write(h, va + size - 1);
}

bool mmu_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
	uint64_t released = h->env.as->code_writes;

	if (!store_slow(h, va, size, val))
		return false;
	if (h->env.as->code_writes != released)
		mmu_rearm_writes(h, va, size);
	return true;
}

static bool fetch16(struct hart *h, uint64_t va, uint32_t *half)
{
	uint64_t pa, v;
	struct glass_attrs who;

	if (!resolve(h, va, ACCESS_FETCH, &pa, &who))
		return false;
	if (as_read(h->env.as, pa, 2, &v, &who) != MEM_OK) {
		bus_error(h, CAUSE_FETCH_ACCESS, va, pa, 2, false, &who);
		return false;
	}
	*half = (uint32_t)v;
	return true;
}

/* Fetch from a page that is not cached as RAM, or across a page end: one
 * parcel at a time, so a compressed instruction at the end of a page never
 * touches the next one. */
bool mmu_fetch_slow(struct hart *h, uint64_t va, uint32_t *insn)
{
	uint32_t lo, hi;

	if (!fetch16(h, va, &lo))
		return false;
	if ((lo & 3) != 3) {
		*insn = lo;
		return true;
	}
	if (!fetch16(h, va + 2, &hi))
		return false;
	*insn = lo | hi << 16;
	return true;
}

bool mmu_translate_rw(struct hart *h, uint64_t va, enum access_type type,
		      uint64_t *pa, struct glass_attrs *who)
{
	/* AMOs are naturally aligned, so one page holds the whole access */
	return resolve(h, va, type, pa, who);
}
