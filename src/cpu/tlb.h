/* Per-hart software TLB.
 *
 * Direct-mapped, one array per access kind, TinyEMU-style: an entry maps a
 * virtual page to either a host pointer (RAM: host = va + addend) or, for a
 * device page, to its physical page with TLB_IO set in the tag. The fast path
 * compares the tag with the VA masked to its page and its natural alignment
 * (bits 0..2 kept for an access of 2..8 bytes, so a misaligned VA never
 * matches); an I/O entry never matches either, because TLB_IO is bit 3,
 * which that mask always clears. Device accesses therefore fall into the
 * slow path, which recognises the I/O tag and goes straight to the address
 * space's choke point without walking the page table again.
 */
#ifndef GLASS_CPU_TLB_H
#define GLASS_CPU_TLB_H

#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define PAGE_MASK (PAGE_SIZE - 1)

#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_INVALID (~0ull)
/* Not bit 0: a misaligned 2-byte access keeps bit 0 in the fast path's
 * masked VA and would match an I/O entry (whose addend is no host
 * pointer). Any bit of 3..11 is safe; the mask never keeps those. */
#define TLB_IO (1ull << 3)
/* With TLB_IO: a page a debugger or the trigger module watches
 * (cpu/debug.h). The slow path's direct device access (which compares
 * the tag with the page | TLB_IO) misses it too, so only the general slow
 * path, which checks watchpoints, serves it, and nothing else pays. */
#define TLB_WATCH (1ull << 4)
#define TLB_FLAGS (TLB_IO | TLB_WATCH)

struct tlb_entry {
	uint64_t tag;       /* page-aligned VA, | TLB_IO for devices; TLB_INVALID */
	uintptr_t addend;   /* RAM: host address = va + addend; I/O: the
			     * struct region of the device at the filling
			     * access when no other shares its part of the
			     * page, or 0 (see as_page_device) */
	uint64_t pa_page;   /* physical page */
	uint64_t pte;       /* leaf PTE the mapping came from (0: bare) */
};

/* Translation contexts. Each has its own set of entries, so a trap into S
 * or M and the return to U find their translations still cached (a mode
 * change flushes nothing): U; S with SUM clear; S with SUM set (it may then
 * touch user pages, which Linux does around every copy to or from user
 * space); M. */
enum tlb_ctx { TLB_CTX_U, TLB_CTX_S, TLB_CTX_S_SUM, TLB_CTX_M, TLB_CTXS };

struct tlb_set {
	struct tlb_entry read[TLB_SIZE];
	struct tlb_entry write[TLB_SIZE];
	struct tlb_entry code[TLB_SIZE];
};

/* Entries are per 4 KiB page even for superpages, so an sfence.vma for one
 * address must also drop the entries a superpage covering it made. Fills
 * from superpages note their 1 GiB region here (the largest Sv39 leaf);
 * more regions than slots, or a 512 GiB Sv48 leaf, make such an sfence.vma
 * drop everything. */
#define TLB_SUPER_SLOTS 8

struct tlb {
	struct tlb_set *cur;          /* the set of the current context */
	uint8_t used;                 /* contexts filled since the last flush */
	uint8_t nsuper;               /* > TLB_SUPER_SLOTS: overflowed */
	uint64_t super[TLB_SUPER_SLOTS]; /* va >> 30 of superpage fills */
	uint64_t hits, misses, walks; /* statistics */
	struct tlb_set set[TLB_CTXS];
};

static inline unsigned tlb_index(uint64_t va)
{
	return (unsigned)(va >> PAGE_SHIFT) & (TLB_SIZE - 1);
}

#endif
