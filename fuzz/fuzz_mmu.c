/* libFuzzer target: virtual memory, differentially.
 *
 * Page tables built from the input in a small RAM, random virtual
 * addresses, and loads, stores, fetches, AMO translations and debug
 * translations through the hart's internal helpers (load/store/fetch of
 * cpu_internal.h, so the TLB fast paths run too), in Sv39 or Sv48, from
 * U, S or M mode with MPRV/MPP/SUM/MXR and menvcfg.PBMTE from the input,
 * with mode changes, satp writes and TLB flushes in between.
 *
 * Every access is also done by a reference model written here from the
 * privileged spec (plus glass's documented choices: hardware A/D updates,
 * no misaligned-access traps, page-crossing accesses split and reported at
 * the faulting page, ROM writes dropped). The model keeps its own copy of
 * physical memory; after each access the outcome (value or trap cause and
 * tval) and all of memory must be identical. Besides crashes and UB this
 * catches stale-TLB bugs (a flush missing on a mode or mstatus change) and
 * wrong permission checks.
 *
 * Input: 8 header bytes, PTE descriptors (5 bytes each), then 8-byte
 * access records (see run_op).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/cpu_internal.h"
#include "fuzz_common.h"
#include "mem/address_space.h"

#define RAM_BASE 0x80000000ull
#define RAM_PAGES 8
#define RAM_SIZE (RAM_PAGES * PAGE_SIZE)
#define RAM2_BASE (RAM_BASE + RAM_SIZE)   /* a second RAM region, adjacent */
#define RAM2_SIZE PAGE_SIZE
#define DEV_BASE (RAM2_BASE + RAM2_SIZE)  /* a device right after it */
#define DEV_SIZE 0x100ull
#define ROM_BASE 0x1000ull
#define ROM_SIZE 0x1000ull
#define HOLE 0x40000000ull
#define PC0 0x80000ffcull
#define MTVEC 0x80000000ull
#define MAX_OPS 96

#define CSR_MSTATUS 0x300
#define CSR_MEDELEG 0x302
#define CSR_MTVEC 0x305
#define CSR_MENVCFG 0x30a
#define CSR_SATP 0x180

/* ---- the system under test ---- */


static uint64_t read_time(void *opaque)
{
	(void)opaque;
	return 0;
}

/* ---- the reference model ---- */

struct ref {
	uint8_t ram[RAM_SIZE + RAM2_SIZE];
	uint8_t rom[ROM_SIZE];
	uint8_t dev[DEV_SIZE];
	/* architectural state the model translates with */
	enum priv priv;
	uint64_t mstatus, satp, menvcfg;
	/* physical pages a walk has read a PTE from (a store there makes
	 * the hart's TLB legitimately stale, so the harness flushes it) */
	uint64_t pt_pages[64];
	unsigned npt;
	/* the device's `valid` (include/glass/bus.h), defaults applied: what
	 * the guest may do to it; anything else is an access fault. What it
	 * does take the bus adapts to its `impl`, which for plain memory
	 * without a register table changes nothing the guest can see. */
	uint8_t valid;
};

enum kind { K_NONE, K_RAM, K_ROM, K_DEV };

static uint8_t *ref_byte(struct ref *r, uint64_t pa, enum kind *k)
{
	if (pa >= RAM_BASE && pa - RAM_BASE < RAM_SIZE + RAM2_SIZE) {
		*k = K_RAM;
		return &r->ram[pa - RAM_BASE];
	}
	if (pa >= ROM_BASE && pa - ROM_BASE < ROM_SIZE) {
		*k = K_ROM;
		return &r->rom[pa - ROM_BASE];
	}
	if (pa >= DEV_BASE && pa - DEV_BASE < DEV_SIZE) {
		*k = K_DEV;
		return &r->dev[pa - DEV_BASE];
	}
	*k = K_NONE;
	return NULL;
}

/* Whether one bus access of n bytes at pa goes through: every byte
 * decoded, and the device's `valid` allows it. One of 1, 2, 4 or 8 bytes
 * inside the device must have one of its valid widths, aligned unless
 * valid has GLASS_UNALIGNED; any other that touches it (a page-crossing
 * part of 3, 5, 6 or 7 bytes, or one running across the device's edge)
 * goes byte by byte, which it takes only if single bytes are valid. */
static bool ref_part_ok(struct ref *r, uint64_t pa, unsigned n)
{
	enum kind k;

	if (ref_byte(r, pa, &k) && k == K_DEV && !(n & (n - 1)) &&
	    pa - DEV_BASE + n <= DEV_SIZE) {
		uint64_t off = pa - DEV_BASE;
		return (n & r->valid) &&
		       ((r->valid & GLASS_UNALIGNED) || !(off & (n - 1)));
	}
	for (unsigned i = 0; i < n; i++) {
		if (!ref_byte(r, pa + i, &k))
			return false;
		if (k == K_DEV && !(r->valid & GLASS_W1))
			return false;
	}
	return true;
}

/* A physical read of n bytes (one bus access). */
static bool ref_read(struct ref *r, uint64_t pa, unsigned n, uint64_t *v)
{
	enum kind k;
	uint64_t x = 0;

	if (!ref_part_ok(r, pa, n))
		return false;
	for (unsigned i = 0; i < n; i++)
		x |= (uint64_t)*ref_byte(r, pa + i, &k) << (8 * i);
	*v = x;
	return true;
}

/* A physical write: all or nothing; bytes in ROM are dropped. */
static bool ref_write(struct ref *r, uint64_t pa, unsigned n, uint64_t v)
{
	enum kind k;

	if (!ref_part_ok(r, pa, n))
		return false;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *b = ref_byte(r, pa + i, &k);
		if (k != K_ROM)
			*b = (uint8_t)(v >> (8 * i));
	}
	return true;
}

static void note_pt_page(struct ref *r, uint64_t pa)
{
	uint64_t page = pa >> PAGE_SHIFT;

	for (unsigned i = 0; i < r->npt; i++)
		if (r->pt_pages[i] == page)
			return;
	if (r->npt < 64)
		r->pt_pages[r->npt++] = page;
}

static bool is_pt_page(const struct ref *r, uint64_t pa)
{
	for (unsigned i = 0; i < r->npt; i++)
		if (r->pt_pages[i] == pa >> PAGE_SHIFT)
			return true;
	return false;
}

static const uint64_t pf_cause[] = {
	[ACCESS_FETCH] = CAUSE_FETCH_PAGE_FAULT,
	[ACCESS_LOAD] = CAUSE_LOAD_PAGE_FAULT,
	[ACCESS_STORE] = CAUSE_STORE_PAGE_FAULT,
};
static const uint64_t af_cause[] = {
	[ACCESS_FETCH] = CAUSE_FETCH_ACCESS,
	[ACCESS_LOAD] = CAUSE_LOAD_ACCESS,
	[ACCESS_STORE] = CAUSE_STORE_ACCESS,
};

/* Translate va (privileged spec 1.12, 4.3.2 / 4.5, Svpbmt). Returns 0 and
 * sets *pa, or the exception cause. `debug`: no A/D updates. */
static uint64_t ref_walk(struct ref *r, uint64_t va, enum access_type t,
			 uint64_t *pa, bool debug)
{
	enum priv p = r->priv;
	uint64_t st = r->mstatus;
	unsigned mode = r->satp >> 60;

	if (t != ACCESS_FETCH && p == PRIV_M && (st & MSTATUS_MPRV))
		p = (st >> 11) & 3;
	if (p == PRIV_M || mode == SATP_MODE_BARE) {
		*pa = va;
		return 0;
	}
	int levels = mode == SATP_MODE_SV48 ? 4 : 3;
	int top = 12 + 9 * levels - 1;     /* highest VA bit translated */
	uint64_t upper = va >> top;        /* bits top..63 all 0 or all 1 */
	if (upper != 0 && upper != (~0ull >> top))
		return pf_cause[t];

	uint64_t a = (r->satp & ((1ull << 44) - 1)) << 12;
	for (int i = levels - 1; i >= 0; i--) {
		uint64_t pte_pa = a + ((va >> (12 + 9 * i)) & 0x1ff) * 8;
		uint64_t pte;
		if (!ref_read(r, pte_pa, 8, &pte))
			return af_cause[t];
		note_pt_page(r, pte_pa);
		bool v = pte & 1, rd = pte & 2, wr = pte & 4, x = pte & 8;
		bool u = pte & 16;
		unsigned pbmt = (pte >> 61) & 3;
		if (!v || (!rd && wr))
			return pf_cause[t];
		if ((pte >> 54) & 0x7f)            /* reserved bits 60:54 */
			return pf_cause[t];
		if (pte >> 63)                     /* N without Svnapot */
			return pf_cause[t];
		if (!rd && !x) {
			/* pointer: glass treats PBMT, A, D, U as reserved */
			if (pbmt || (pte & (PTE_A | PTE_D | PTE_U)))
				return pf_cause[t];
			if (i == 0)
				return pf_cause[t];
			a = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
			continue;
		}
		if (pbmt == 3 || (pbmt && !(r->menvcfg & MENVCFG_PBMTE)))
			return pf_cause[t];
		/* permissions */
		if (u) {
			if (p == PRIV_S && (t == ACCESS_FETCH ||
					    !(st & MSTATUS_SUM)))
				return pf_cause[t];
		} else if (p == PRIV_U) {
			return pf_cause[t];
		}
		bool ok = t == ACCESS_FETCH ? x :
			  t == ACCESS_LOAD ? (rd || ((st & MSTATUS_MXR) && x)) :
			  wr;
		if (!ok)
			return pf_cause[t];
		uint64_t ppn = (pte >> 10) & ((1ull << 44) - 1);
		if (i > 0 && (ppn & ((1ull << (9 * i)) - 1)))
			return pf_cause[t];        /* misaligned superpage */
		uint64_t want = PTE_A | (t == ACCESS_STORE ? PTE_D : 0);
		if (!debug && (pte & want) != want) {
			if (!ref_write(r, pte_pa, 8, pte | want))
				return af_cause[t];
		}
		uint64_t off_mask = (1ull << (12 + 9 * i)) - 1;
		*pa = ((ppn << 12) & ~off_mask) | (va & off_mask);
		return 0;
	}
	return pf_cause[t];
}

/* The outcome of one access. */
struct outcome {
	bool ok;
	uint64_t cause, tval;
	uint64_t value;          /* loads and fetches */
	uint64_t pa, pa1;        /* translations; a store's pages */
	unsigned n0;             /* bytes in the first page */
};

static struct outcome ref_access(struct ref *r, enum access_type t,
				 uint64_t va, unsigned size, uint64_t val)
{
	struct outcome o = { 0 };
	uint64_t pa0, pa1 = 0;
	unsigned n0 = size;
	uint64_t c;

	if (t == ACCESS_FETCH) {
		/* one 16-bit parcel at a time */
		uint64_t lo, hi;
		if ((c = ref_walk(r, va, t, &pa0, false))) {
			o.cause = c, o.tval = va;
			return o;
		}
		if (!ref_read(r, pa0, 2, &lo)) {
			o.cause = af_cause[t], o.tval = va;
			return o;
		}
		if ((lo & 3) != 3) {
			o.ok = true, o.value = lo;
			return o;
		}
		if ((c = ref_walk(r, va + 2, t, &pa1, false))) {
			o.cause = c, o.tval = va + 2;
			return o;
		}
		if (!ref_read(r, pa1, 2, &hi)) {
			o.cause = af_cause[t], o.tval = va + 2;
			return o;
		}
		o.ok = true, o.value = lo | hi << 16;
		return o;
	}
	if ((c = ref_walk(r, va, t, &pa0, false))) {
		o.cause = c, o.tval = va;
		return o;
	}
	uint64_t va1 = (va & ~PAGE_MASK) + PAGE_SIZE;
	if ((va & PAGE_MASK) + size > PAGE_SIZE) {
		n0 = PAGE_SIZE - (va & PAGE_MASK);
		if ((c = ref_walk(r, va1, t, &pa1, false))) {
			o.cause = c, o.tval = va1;
			return o;
		}
	}
	if (t == ACCESS_LOAD) {
		uint64_t lo, hi = 0;
		if (!ref_read(r, pa0, n0, &lo)) {
			o.cause = af_cause[t], o.tval = va;
			return o;
		}
		if (n0 < size && !ref_read(r, pa1, size - n0, &hi)) {
			o.cause = af_cause[t], o.tval = va1;
			return o;
		}
		o.ok = true;
		o.value = n0 < size ? lo | hi << (8 * n0) : lo;
		return o;
	}
	/* store: the second page's first byte is checked before anything is
	 * written; each part is then all or nothing */
	enum kind k;
	if (size < 8)
		val &= (1ull << (8 * size)) - 1;
	if (n0 < size && !ref_byte(r, pa1, &k)) {
		o.cause = af_cause[t], o.tval = va1;
		return o;
	}
	if (!ref_write(r, pa0, n0, val)) {
		o.cause = af_cause[t], o.tval = va;
		return o;
	}
	if (n0 < size && !ref_write(r, pa1, size - n0, val >> (8 * n0))) {
		o.cause = af_cause[t], o.tval = va1;
		return o;
	}
	o.ok = true;
	o.pa = pa0;
	o.pa1 = pa1;
	o.n0 = n0;
	return o;
}

/* ---- the harness ---- */

struct env {
	struct address_space as;
	struct region *ram, *ram2, *rom;
	struct fake_dev dev;
	struct hart h;
	struct ref ref;
};

static struct env E;

static void set_state(struct env *e, enum priv p, uint64_t mstatus,
		      uint64_t satp, uint64_t menvcfg)
{
	struct hart *h = &e->h;

	/* through csr_write from M mode, as software would */
	hart_set_priv(h, PRIV_M);
	FUZZ_CHECK(csr_write(h, CSR_MSTATUS, mstatus));
	FUZZ_CHECK(csr_write(h, CSR_SATP, satp));
	FUZZ_CHECK(csr_write(h, CSR_MENVCFG, menvcfg));
	hart_set_priv(h, p);
	e->ref.priv = p;
	e->ref.mstatus = h->csr.mstatus;   /* as legalised (WARL) */
	e->ref.satp = h->csr.satp;
	e->ref.menvcfg = h->csr.menvcfg;
}

/* After a trap: back to the state before it. */
static void restore(struct env *e)
{
	struct hart *h = &e->h;

	FUZZ_CHECK(h->priv == PRIV_M);
	FUZZ_CHECK(csr_write(h, CSR_MSTATUS, e->ref.mstatus));
	hart_set_priv(h, e->ref.priv);
	h->pc = PC0;
}

static void compare_memory(struct env *e)
{
	FUZZ_CHECK(!memcmp(e->ram->host, e->ref.ram, RAM_SIZE));
	FUZZ_CHECK(!memcmp(e->ram2->host, e->ref.ram + RAM_SIZE, RAM2_SIZE));
	FUZZ_CHECK(!memcmp(e->rom->host, e->ref.rom, ROM_SIZE));
	FUZZ_CHECK(!memcmp(e->dev.mem, e->ref.dev, DEV_SIZE));
}

static uint64_t make_va(const struct env *e, uint8_t form, uint64_t raw)
{
	unsigned mode = e->ref.satp >> 60;
	int top = mode == SATP_MODE_SV48 ? 47 : 38;

	switch (form & 3) {
	case 0: /* canonical for the current mode */
		raw &= (1ull << (top + 1)) - 1;
		if (raw >> top)
			raw |= ~0ull << top;
		return raw;
	case 1: /* around the physical regions (identity and bare mode) */
		switch ((raw >> 40) & 3) {
		case 0: return RAM_BASE + (raw & 0xbfff);
		case 1: return ROM_BASE + (raw & 0x1fff) - 0x800;
		case 2: return DEV_BASE - 0x20 + (raw & 0x1ff);
		default: return RAM_BASE + RAM_SIZE + (raw & 0xfff) - 0x800;
		}
	case 2: /* the page offset close to a page end */
		raw &= (1ull << (top + 1)) - 1;
		raw |= 0xff8 | (raw & 7);
		if (raw >> top)
			raw |= ~0ull << top;
		return raw;
	default: /* anything, canonical or not */
		return raw << 8 | raw >> 48;
	}
}

static void do_access(struct env *e, const uint8_t *rec)
{
	struct hart *h = &e->h;
	unsigned op = rec[0] & 3, size = 1u << ((rec[0] >> 2) & 3);
	uint64_t raw = 0;

	for (int i = 1; i < 8; i++)
		raw |= (uint64_t)rec[i] << (8 * (i - 1));
	uint64_t va = make_va(e, rec[0] >> 4, raw);
	uint64_t val = raw * 0x9e3779b97f4a7c15ull ^ (raw >> 7);
	enum access_type t = op == 0 ? ACCESS_LOAD : op == 1 ? ACCESS_STORE
						  : ACCESS_FETCH;
	struct outcome want, got = { 0 };

	if (t == ACCESS_FETCH)
		va &= ~1ull;
	bool rw_translate = (rec[0] & 0x40) && t != ACCESS_FETCH;
	if (rw_translate) {
		/* AMO/LR/SC: one aligned access, translated for its type */
		va &= ~(uint64_t)(size - 1);
		uint64_t pa;
		want = (struct outcome){ 0 };
		uint64_t c = ref_walk(&e->ref, va, t, &pa, false);
		if (c) {
			want.cause = c, want.tval = va;
		} else {
			want.ok = true, want.pa = pa;
		}
		h->pc = PC0;
		struct glass_attrs who = { .initiator = -2 };
		got.ok = mmu_translate_rw(h, va, t, &got.pa, &who);
		/* who travels with the access: this hart, this pc and va */
		if (got.ok)
			FUZZ_CHECK(who.initiator == 0 && who.pc == PC0 &&
				   who.va == va && !who.fetch &&
				   who.priv == h->priv);
	} else {
		want = ref_access(&e->ref, t, va, size, val);
		uint64_t v = 0;
		uint32_t insn = 0;
		switch (t) {
		case ACCESS_LOAD:
			h->pc = PC0;
			got.ok = load(h, va, size, &v);
			got.value = v;
			break;
		case ACCESS_STORE:
			h->pc = PC0;
			got.ok = store(h, va, size, val);
			break;
		case ACCESS_FETCH:
			h->pc = va;
			got.ok = fetch(h, va, &insn);
			/* the fast path reads 4 bytes even for a compressed
			 * instruction; only the parcel(s) used count */
			got.value = (insn & 3) == 3 ? insn : (insn & 0xffff);
			break;
		}
	}
	FUZZ_CHECK(got.ok == want.ok);
	if (got.ok) {
		if (rw_translate)
			FUZZ_CHECK(got.pa == want.pa);
		else if (t != ACCESS_STORE)
			FUZZ_CHECK(got.value == want.value);
		FUZZ_CHECK(h->priv == e->ref.priv);
		FUZZ_CHECK(h->pc == (t == ACCESS_FETCH ? va : PC0));
	} else {
		FUZZ_CHECK(h->priv == PRIV_M);
		FUZZ_CHECK(h->csr.mcause == want.cause);
		FUZZ_CHECK(h->csr.mtval == want.tval);
		FUZZ_CHECK(h->csr.mepc == (t == ACCESS_FETCH ? va : PC0));
		FUZZ_CHECK(h->pc == MTVEC);
		restore(e);
	}
	compare_memory(e);
	/* A store into a page table makes cached translations stale, which
	 * the architecture allows until an sfence.vma: do that sfence. */
	if (t == ACCESS_STORE && got.ok && !rw_translate &&
	    (is_pt_page(&e->ref, want.pa) ||
	     (want.n0 < size && is_pt_page(&e->ref, want.pa1))))
		hart_flush_tlb(h);

	/* The monitor's side-effect-free translation agrees too. */
	if (rec[0] & 0x80) {
		uint64_t pa = 0, pa_want = 0, pte;
		bool ok = hart_translate_debug(h, va, &pa, &pte);
		bool ok_want = ref_walk(&e->ref, va, ACCESS_LOAD, &pa_want,
					true) == 0;
		FUZZ_CHECK(ok == ok_want);
		if (ok)
			FUZZ_CHECK(pa == pa_want);
		compare_memory(e);
	}
}

/* A PTE descriptor: table page, slot, target, flags, extra bits. */
static void fuzz_mmu_pte(struct env *e, const uint8_t *d)
{
	unsigned table = (d[0] & 15) % (RAM_PAGES + 1), target = d[0] >> 4;
	unsigned slot = d[1] | (d[2] & 1) << 8;
	uint64_t ppn;

	switch ((d[2] >> 1) & 7) {
	case 0: ppn = (RAM_BASE >> PAGE_SHIFT) + target % (RAM_PAGES + 1); break;
	case 1: ppn = RAM_BASE >> PAGE_SHIFT; break;           /* superpages */
	case 2: ppn = DEV_BASE >> PAGE_SHIFT; break;
	case 3: ppn = ROM_BASE >> PAGE_SHIFT; break;
	case 4: ppn = (HOLE >> PAGE_SHIFT) + target; break;
	case 5: ppn = (RAM_BASE >> PAGE_SHIFT) + 1 + target; break; /* misaligned */
	case 6: ppn = (1ull << 44) - 1 - target; break;
	default: ppn = target; break;
	}
	uint64_t pte = ppn << PTE_PPN_SHIFT | d[3];
	if (d[2] & 0x10)
		pte |= (uint64_t)(d[4] & 3) << PTE_PBMT_SHIFT;
	if (d[2] & 0x20)
		pte |= PTE_N;
	if (d[2] & 0x40)
		pte |= (uint64_t)(d[4] >> 2) << 54;
	uint64_t off = table * PAGE_SIZE + slot * 8;
	memcpy(e->ref.ram + off, &pte, 8);
	if (off < RAM_SIZE)
		memcpy(e->ram->host + off, &pte, 8);
	else
		memcpy(e->ram2->host + (off - RAM_SIZE), &pte, 8);
}

static const uint64_t satp_modes[4] = { SATP_MODE_SV39, SATP_MODE_SV48,
					SATP_MODE_SV39, SATP_MODE_BARE };
static const enum priv privs[4] = { PRIV_U, PRIV_S, PRIV_M, PRIV_S };

static uint64_t mstatus_from(uint8_t b)
{
	uint64_t st = 0;

	if (b & 1) st |= MSTATUS_MPRV;
	if (b & 2) st |= MSTATUS_SUM;
	if (b & 4) st |= MSTATUS_MXR;
	st |= (uint64_t)((b >> 3) & 3) << MSTATUS_MPP_SHIFT; /* 2: WARL */
	return st;
}

static uint64_t satp_from(uint8_t b)
{
	return satp_modes[b & 3] << SATP_MODE_SHIFT |
	       ((RAM_BASE >> PAGE_SHIFT) + ((b >> 2) % (RAM_PAGES + 1)));
}

/* A control record: change the mode or mstatus, rewrite satp or menvcfg,
 * flush the TLB. The hart's csr_write must do whatever flushing the
 * change needs; the harness does not help it. */
static void do_control(struct env *e, const uint8_t *rec)
{
	struct ref *r = &e->ref;

	switch (rec[1] & 7) {
	case 0:
		set_state(e, privs[rec[2] & 3], r->mstatus, r->satp, r->menvcfg);
		break;
	case 1:
		set_state(e, r->priv, mstatus_from(rec[2]), r->satp, r->menvcfg);
		break;
	case 2:
		set_state(e, r->priv, r->mstatus, satp_from(rec[2]), r->menvcfg);
		break;
	case 3:
		set_state(e, r->priv, r->mstatus, r->satp,
			  (rec[2] & 1) ? MENVCFG_PBMTE : 0);
		break;
	case 4:
		hart_flush_tlb(&e->h);
		break;
	default: { /* write a PTE directly, then sfence (as an OS would) */
		struct in in = { rec + 2, 6 };
		uint8_t d[5];
		for (int i = 0; i < 5; i++)
			d[i] = in_u8(&in);
		fuzz_mmu_pte(e, d);
		hart_flush_tlb(&e->h);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct env *e = &E;
	struct in in = { data, size };
	uint8_t hdr[8];

	for (int i = 0; i < 8; i++)
		hdr[i] = in_u8(&in);

	memset(&e->ref, 0, sizeof(e->ref));
	as_init(&e->as);
	e->ram = as_add_ram(&e->as, "ram", RAM_BASE, RAM_SIZE);
	e->ram2 = as_add_ram(&e->as, "ram2", RAM2_BASE, RAM2_SIZE);
	e->rom = as_add_rom(&e->as, "rom", ROM_BASE, ROM_SIZE);
	memset(&e->dev, 0, sizeof(e->dev));
	e->dev.ops.read = fake_dev_read;
	e->dev.ops.write = fake_dev_write;
	e->dev.ops.impl = fuzz_widths(1u << (hdr[5] & 3),
				      1u << ((hdr[5] >> 2) & 3));
	if (!e->dev.ops.impl)     /* max below min: just min */
		e->dev.ops.impl = 1u << (hdr[5] & 3);
	if (hdr[5] & 0x20)
		e->dev.ops.impl |= GLASS_UNALIGNED;
	/* strict: valid = impl; else anything, or (valid 0) any width
	 * aligned */
	e->dev.ops.valid = hdr[5] & 0x10 ? e->dev.ops.impl :
			   hdr[5] & 0x40 ? 0 : GLASS_WANY | GLASS_UNALIGNED;
	e->ref.valid = e->dev.ops.valid ? e->dev.ops.valid : GLASS_WANY;
	FUZZ_CHECK(e->ram && e->ram2 && e->rom &&
		   as_add_mmio(&e->as, "dev", DEV_BASE, DEV_SIZE, 1,
			       &e->dev.ops, &e->dev));
	e->as.sink = fuzz_trace_setup(hdr[6], &e->as, &e->h, 1);

	/* Memory starts with recognisable contents (so loads see data). */
	static struct ref pattern;   /* once: loops cost coverage callbacks */
	if (!pattern.rom[0]) {
		for (unsigned i = 0; i < RAM_SIZE + RAM2_SIZE; i++)
			pattern.ram[i] = (uint8_t)(i * 31 + (i >> 8));
		for (unsigned i = 0; i < ROM_SIZE; i++)
			pattern.rom[i] = (uint8_t)(i * 17 + 3);
		for (unsigned i = 0; i < DEV_SIZE; i++)
			pattern.dev[i] = (uint8_t)(i * 5 + 1);
	}
	memcpy(e->ref.ram, pattern.ram, sizeof(pattern.ram));
	memcpy(e->ref.rom, pattern.rom, sizeof(pattern.rom));
	memcpy(e->ref.dev, pattern.dev, sizeof(pattern.dev));
	e->ref.ram[0] ^= hdr[7];
	memcpy(e->ram->host, e->ref.ram, RAM_SIZE);
	memcpy(e->ram2->host, e->ref.ram + RAM_SIZE, RAM2_SIZE);
	memcpy(e->rom->host, e->ref.rom, ROM_SIZE);
	memcpy(e->dev.mem, e->ref.dev, DEV_SIZE);

	/* Page tables: the identity superpage over RAM in the root if asked,
	 * then the descriptors. */
	unsigned ndesc = hdr[4] % 48;
	uint64_t satp = satp_from(hdr[1]);
	if (hdr[0] & 0x80) {
		uint64_t root = (satp & SATP_PPN_MASK) << PAGE_SHIFT;
		uint64_t pte = (RAM_BASE >> PAGE_SHIFT) << PTE_PPN_SHIFT |
			       PTE_V | PTE_R | PTE_W | PTE_X |
			       ((hdr[0] & 0x40) ? PTE_U : 0);
		if (root - RAM_BASE < RAM_SIZE + RAM2_SIZE) {
			/* Sv39: 1 GiB leaf at slot 2; Sv48: the same through a
			 * level-2 table in the next page */
			unsigned mode = satp >> SATP_MODE_SHIFT;
			uint64_t at = root - RAM_BASE + 2 * 8;
			if (mode == SATP_MODE_SV48) {
				uint64_t next = (root - RAM_BASE + PAGE_SIZE) %
						(RAM_SIZE + RAM2_SIZE);
				uint64_t ptr = ((RAM_BASE + next) >> PAGE_SHIFT)
					       << PTE_PPN_SHIFT | PTE_V;
				memcpy(e->ref.ram + (root - RAM_BASE), &ptr, 8);
				at = next + 2 * 8;
			}
			memcpy(e->ref.ram + at, &pte, 8);
			memcpy(e->ram->host, e->ref.ram, RAM_SIZE);
			memcpy(e->ram2->host, e->ref.ram + RAM_SIZE, RAM2_SIZE);
		}
	}
	for (unsigned i = 0; i < ndesc; i++) {
		uint8_t d[5];
		for (int k = 0; k < 5; k++)
			d[k] = in_u8(&in);
		fuzz_mmu_pte(e, d);
	}

	struct hart *h = &e->h;
	struct hart_env env = { &e->as, read_time, NULL };
	hart_init(h, 0, &env);
	FUZZ_CHECK(csr_write(h, CSR_MTVEC, MTVEC));
	FUZZ_CHECK(csr_write(h, CSR_MEDELEG, 0));
	h->pc = PC0;
	set_state(e, privs[hdr[0] & 3], mstatus_from(hdr[2]), satp,
		  (hdr[3] & 1) ? MENVCFG_PBMTE : 0);
	/* hart_run's first step: the TLB generation */
	h->tlb_generation = e->as.generation;

	for (int n = 0; n < MAX_OPS && in.n; n++) {
		uint8_t rec[8];
		for (int i = 0; i < 8; i++)
			rec[i] = in_u8(&in);
		if ((rec[0] & 3) == 3)
			do_control(e, rec);
		else
			do_access(e, rec);
	}
	compare_memory(e);

	fuzz_trace_finish(e->as.sink, hdr[6] & 2);
	as_destroy(&e->as);
	return 0;
}
