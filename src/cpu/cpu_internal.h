/* Shared by the files of cpu/: memory access helpers with the TLB fast path
 * inlined, and the entry points between decode, CSRs, MMU and traps.
 *
 * Convention: a helper that can fault returns false after it has already
 * taken the trap (pc now points at the handler); the caller must then return
 * without writing any register or advancing pc. */
#ifndef GLASS_CPU_INTERNAL_H
#define GLASS_CPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/riscv.h"
#include "glass/bus.h"
#include "mem/address_space.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

enum access_type { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE };

/* What the CSRs can hold (csr.c's write rules, and the check of a hart's
 * saved state in state.c). */
#define PMP_ENTRIES 16

/* mstatus bits software can change; the rest are fixed or derived. */
#define MSTATUS_WMASK (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE |            \
		       MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS | \
		       MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | \
		       MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | \
		      MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL |   \
		      MSTATUS_SD)
#define SUPERVISOR_INTS (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_SW_WMASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define ALL_INTS (SUPERVISOR_INTS | MIP_MSIP | MIP_MTIP | MIP_MEIP)
/* every exception but ecall from M mode can be delegated */
#define MEDELEG_MASK (0xb3ffull & ~(1ull << CAUSE_ECALL_M))

/* trap.c */
void hart_trap(struct hart *h, uint64_t cause, uint64_t tval);
bool hart_take_interrupt(struct hart *h);
void hart_mret(struct hart *h);
void hart_sret(struct hart *h);
void hart_set_priv(struct hart *h, enum priv p);
uint64_t hart_mip(const struct hart *h);

/* csr.c: return false if the access is illegal (caller raises the trap). */
bool csr_read(struct hart *h, unsigned csr, uint64_t *val);
bool csr_write(struct hart *h, unsigned csr, uint64_t val);
/* The value CSRRS/CSRRC modify, given what the read returned: for mip the
 * software-writable SEIP bit only, never the PLIC's line (spec 3.1.9). */
uint64_t csr_rmw_base(const struct hart *h, unsigned csr, uint64_t read);

/* mmu.c: slow paths; they fill the TLB and may trap (then return false). */
bool mmu_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *val);
bool mmu_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t val);
/* After a store of `size` at va released a code page: let stores to the
 * pages it touched take the fast path again. */
void mmu_rearm_writes(struct hart *h, uint64_t va, unsigned size);
bool mmu_fetch_slow(struct hart *h, uint64_t va, uint32_t *insn);
/* Translate for an AMO/LR/SC: sets *pa; false if it trapped. */
bool mmu_translate_rw(struct hart *h, uint64_t va, enum access_type type,
		      uint64_t *pa, struct glass_attrs *who);
/* Who an access by h at va is: the attributes that travel with it. */
static inline void mmu_attrs(const struct hart *h, struct glass_attrs *a,
			     uint64_t va, uint64_t pte, enum access_type type)
{
	*a = (struct glass_attrs){
		.initiator = (int32_t)h->csr.mhartid, .priv = (uint8_t)h->priv,
		.fetch = type == ACCESS_FETCH, .translated = pte != 0,
		.pc = h->pc, .va = va, .pte = pte, .instret = h->instret,
	};
}
/* The physical address of va for `type` in the hart's current mode, with
 * no side effects; any_perm: whatever the page's permissions. */
bool mmu_translate_peek(struct hart *h, uint64_t va, enum access_type type,
			bool any_perm, uint64_t *pa);

/* debug.c: the trigger module's CSRs (false: no such CSR, or read-only),
 * and the checks of debugger points and triggers (debug.h). */
void trig_reset(struct hart *h);
bool trig_csr_read(struct hart *h, unsigned csr, uint64_t *val);
bool trig_csr_write(struct hart *h, unsigned csr, uint64_t val);
/* Whether tselect and a tdata1 value are ones the CSRs' write rules can
 * leave (a saved state being checked). */
bool trig_state_ok(uint64_t tselect, const uint64_t tdata1[HART_TRIGGERS]);
/* Before running from h->pc: 0 if the instruction there must not run
 * (the hart stopped for its debugger, h->stop set; or it took a
 * breakpoint trap, which the caller counts as a trapping instruction);
 * else how many bytes from pc the next execute point is (UINT64_MAX:
 * none within a block's reach). */
uint64_t dbg_exec_check(struct hart *h);
/* Before a load or store of `kind` (DBG_LOAD, DBG_STORE, or both for an
 * AMO): check virtual-address points and triggers (before translation,
 * which is where the specification puts address breakpoints), then
 * physical ones. False: the access must not happen; a trap was taken or
 * the hart stopped for its debugger (the instruction does not retire). */
bool dbg_check_va(struct hart *h, uint64_t va, unsigned size, unsigned kind,
		  uint64_t value);
bool dbg_check_pa(struct hart *h, uint64_t va, uint64_t pa, unsigned size,
		  unsigned kind, uint64_t value, const struct glass_attrs *who);
/* Whether a load/store point may match an access in this page. */
bool dbg_page_watched(const struct hart *h, uint64_t va_page,
		      uint64_t pa_page);

/* tb.c: decode the block at host (physical pa) into slot t; NULL if pa is
 * not cacheable code or its first instruction crosses the page end */
struct tb *tb_build(struct hart *h, struct tb *t, uintptr_t host, uint64_t pa);

/* tb.c: decode the block of instructions at host address `host`, page
 * offset `off`, into d[0..TB_MAX_INSNS); returns how many. Stops before an
 * instruction that would cross the page end (0 if the first one does).
 * The interpreter and the JIT cut blocks the same way through this; an
 * instruction without a fast path is alone in its block unless `inside`
 * (may be NULL) says the executor runs it inside a block. */
uint32_t tb_decode(struct dinsn *d, const uint8_t *host, unsigned off,
		   bool (*inside)(const struct dinsn *));

/* exec.c: run one instruction without a fast path (D_GENERIC or
 * D_ILLEGAL; `raw` as fetched, `i` its 32-bit form) with h->pc its pc:
 * it retires (pc advanced) or traps. Instructions are not counted. */
void exec_generic_insn(struct hart *h, uint32_t raw, uint32_t i,
		       unsigned len);

/* exec.c: one instruction, or up to `budget` of them with interrupts
 * taken between (returns how many ran) */
uint64_t exec_run(struct hart *h, uint64_t budget);

static inline uint64_t sext32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

/* Fixed-size copies, so the compiler emits single moves instead of a
 * memcpy call (guest memory is little-endian, like the host). */
static inline uint64_t host_load(const void *p, unsigned size)
{
	uint8_t b;
	uint16_t h;
	uint32_t w;
	uint64_t d;

	switch (size) {
	case 1: memcpy(&b, p, 1); return b;
	case 2: memcpy(&h, p, 2); return h;
	case 4: memcpy(&w, p, 4); return w;
	default: memcpy(&d, p, 8); return d;
	}
}

static inline void host_store(void *p, unsigned size, uint64_t v)
{
	uint8_t b = v;
	uint16_t h = v;
	uint32_t w = v;

	switch (size) {
	case 1: memcpy(p, &b, 1); break;
	case 2: memcpy(p, &h, 2); break;
	case 4: memcpy(p, &w, 4); break;
	default: memcpy(p, &v, 8); break;
	}
}

/* The device an I/O entry remembers for its page (as_page_device), if
 * the access at pa lies inside it; else NULL: as_read/as_write decode it. */
static inline struct region *io_device(const struct tlb_entry *e, uint64_t pa,
				       unsigned size)
{
	struct region *r = (struct region *)e->addend;

	return r && region_holds(r, pa, size) ? r : NULL;
}

/* The device an access of `size` bytes at va may go to directly, with
 * its physical address in *pa: the I/O entry e maps va's page (not a
 * watched page: TLB_WATCH), the access stays in the page and inside the
 * device the entry remembers, and the bus serves it as it is
 * (as_serves_as_is). NULL for everything else. */
static inline __attribute__((always_inline)) struct region *
io_direct(const struct tlb_entry *e, uint64_t va, unsigned size,
	  uint64_t *pa)
{
	struct region *r;

	*pa = e->pa_page | (va & PAGE_MASK);
	if (e->tag != ((va & ~PAGE_MASK) | TLB_IO) ||
	    (va & PAGE_MASK) > PAGE_SIZE - size)
		return NULL;
	r = io_device(e, *pa, size);
	if (!r || !as_serves_as_is(r, *pa - r->base + r->dev_offset, size))
		return NULL;
	return r;
}

/* The common device read, inline for the callers of mmu_load_slow that
 * see many (the JIT's and the block executor's slow paths): what
 * mmu_load_slow does for an access io_direct allows, without its call,
 * lookups and the other cases; false, having done nothing, for those. */
static inline __attribute__((always_inline)) bool
mmu_load_dev(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
	const struct tlb_entry *e = &h->tlb.cur->read[tlb_index(va)];
	uint64_t pa;
	struct region *r = io_direct(e, va, size, &pa);
	struct glass_attrs who;

	if (!r)
		return false;
	h->tlb.hits++;
	mmu_attrs(h, &who, va, e->pte, ACCESS_LOAD);
	*val = as_read_served(h->env.as, r, pa, size, &who);
	return true;
}

/* The same for a write (mmu_store_slow). */
static inline __attribute__((always_inline)) bool
mmu_store_dev(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
	const struct tlb_entry *e = &h->tlb.cur->write[tlb_index(va)];
	uint64_t released = h->env.as->code_writes, pa;
	struct region *r = io_direct(e, va, size, &pa);
	struct glass_attrs who;

	if (!r)
		return false;
	h->tlb.hits++;
	mmu_attrs(h, &who, va, e->pte, ACCESS_STORE);
	as_write_served(h->env.as, r, pa, size, val, &who);
	/* the device's DMA wrote a code page */
	if (unlikely(h->env.as->code_writes != released))
		mmu_rearm_writes(h, va, size);
	return true;
}

/* mmu_load_slow, with the common device read inline */
static inline __attribute__((always_inline)) bool
mmu_load_io(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
	return mmu_load_dev(h, va, size, val) ||
	       mmu_load_slow(h, va, size, val);
}

/* mmu_store_slow, with the common device write inline */
static inline __attribute__((always_inline)) bool
mmu_store_io(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
	return mmu_store_dev(h, va, size, val) ||
	       mmu_store_slow(h, va, size, val);
}

static inline bool load(struct hart *h, uint64_t va, unsigned size,
			uint64_t *val)
{
	const struct tlb_entry *e = &h->tlb.cur->read[tlb_index(va)];

	if (likely(e->tag == (va & ~PAGE_MASK) &&
		   (va & PAGE_MASK) <= PAGE_SIZE - size)) {
		*val = host_load((const void *)(e->addend + va), size);
		return true;
	}
	return mmu_load_slow(h, va, size, val);
}

static inline bool store(struct hart *h, uint64_t va, unsigned size,
			 uint64_t val)
{
	const struct tlb_entry *e = &h->tlb.cur->write[tlb_index(va)];

	if (likely(e->tag == (va & ~PAGE_MASK) &&
		   (va & PAGE_MASK) <= PAGE_SIZE - size)) {
		host_store((void *)(e->addend + va), size, val);
		return true;
	}
	return mmu_store_slow(h, va, size, val);
}

static inline bool fetch(struct hart *h, uint64_t va, uint32_t *insn)
{
	const struct tlb_entry *e = &h->tlb.cur->code[tlb_index(va)];

	if (likely(e->tag == (va & ~PAGE_MASK) &&
		   (va & PAGE_MASK) <= PAGE_SIZE - 4)) {
		memcpy(insn, (const void *)(e->addend + va), 4);
		return true;
	}
	return mmu_fetch_slow(h, va, insn);
}

#endif
