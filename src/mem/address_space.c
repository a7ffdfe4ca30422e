/* Physical address space: region list, flat dispatch view, choke point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "mem/address_space.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

/* Zeroed, page-aligned host memory for a RAM or ROM region: a mapping of
 * its own, named (Linux 5.17+) so /proc/PID/maps shows it as
 * [anon:glass:NAME] and memory accounting can tell guest memory from
 * glass's own. Pages are only committed when touched (in 2 MiB steps
 * where the host has transparent huge pages). */
static uint8_t *host_alloc(const char *name, uint64_t size)
{
	char label[64];
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* transparent huge pages where the host allows them: a guest
	 * touching fresh memory costs one host page fault per 2 MiB instead
	 * of per 4 KiB (QEMU asks the same for its RAM) */
	(void)madvise(p, size, MADV_HUGEPAGE);
	snprintf(label, sizeof(label), "glass:%s", name);
	for (char *c = label; *c; c++)  /* the kernel takes no spaces etc. */
		if (*c <= ' ' || *c == '[' || *c == ']' || *c == '\\' ||
		    *c == '$' || *c == '`' || *c >= 0x7f)
			*c = '_';
	/* best effort: older kernels have no names, and that is fine */
	(void)prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, size,
		    (unsigned long)label);
	return p;
}

static void host_free(uint8_t *p, uint64_t size)
{
	if (p)
		munmap(p, size);
}

void as_init(struct address_space *as)
{
	memset(as, 0, sizeof(*as));
}

void as_destroy(struct address_space *as)
{
	for (int i = 0; i < as->nregions; i++) {
		struct region *r = &as->regions[i];
		if (r->kind != REGION_MMIO) {
			host_free(r->host, r->size);
			free(r->code_gen);
		}
	}
	free(as->view);
	memset(as, 0, sizeof(*as));
}

#define CODE_PAGE_SHIFT 12
#define CODE_PAGE_SIZE (1ull << CODE_PAGE_SHIFT)

static uint64_t code_pages(uint64_t size)
{
	return (size >> CODE_PAGE_SHIFT) + !!(size & (CODE_PAGE_SIZE - 1));
}

static uint64_t region_last(const struct region *r)
{
	return r->base + (r->size - 1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The enabled region that decodes pa with the highest priority (the later
 * one on a tie, so a region added on top of another shadows it). */
static struct region *winner(struct address_space *as, uint64_t pa)
{
	struct region *best = NULL;

	for (int i = 0; i < as->nregions; i++) {
		struct region *r = &as->regions[i];
		if (!r->enabled || pa < r->base || pa > region_last(r))
			continue;
		if (!best || r->priority >= best->priority)
			best = r;
	}
	return best;
}

static void view_push(struct address_space *as, uint64_t start, uint64_t end,
		      struct region *r)
{
	if (as->nview && as->view[as->nview - 1].r == r &&
	    as->view[as->nview - 1].end + 1 == start) {
		as->view[as->nview - 1].end = end;
		return;
	}
	if (as->nview == as->view_cap) {
		int cap = as->view_cap ? as->view_cap * 2 : 32;
		struct flat_range *v = realloc(as->view, cap * sizeof(*v));
		if (!v)
			abort(); /* out of host memory: nothing sane to do */
		as->view = v;
		as->view_cap = cap;
	}
	as->view[as->nview++] = (struct flat_range){ start, end, r };
}

/* Flatten the regions: cut the address space at every region edge, give
 * each piece to its winner and merge neighbours with the same owner. Runs
 * only when the map changes, so O(n^2) in the region count is fine. */
static void rebuild(struct address_space *as)
{
	uint64_t cuts[2 * AS_MAX_REGIONS];
	int ncuts = 0;

	for (int i = 0; i < as->nregions; i++) {
		struct region *r = &as->regions[i];
		if (!r->enabled)
			continue;
		cuts[ncuts++] = r->base;
		if (region_last(r) != UINT64_MAX)
			cuts[ncuts++] = region_last(r) + 1;
	}
	qsort(cuts, ncuts, sizeof(cuts[0]), cmp_u64);
	as->nview = 0;
	for (int i = 0; i < ncuts; i++) {
		if (i + 1 < ncuts && cuts[i] == cuts[i + 1])
			continue;
		/* the last piece runs to the top of the address space */
		uint64_t end = i + 1 == ncuts ? UINT64_MAX : cuts[i + 1] - 1;
		struct region *r = winner(as, cuts[i]);
		if (r)
			view_push(as, cuts[i], end, r);
	}
	as->last = NULL; /* the view may have moved */
	as->generation++;
	if (as->on_change)
		as->on_change(as->on_change_opaque);
}

static struct region *add_region(struct address_space *as, const char *name,
				 enum region_kind kind, uint64_t base,
				 uint64_t size)
{
	if (as->nregions == AS_MAX_REGIONS || size == 0 ||
	    base + (size - 1) < base)
		return NULL;
	struct region *r = &as->regions[as->nregions];
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->kind = kind;
	r->base = base;
	r->size = size;
	r->enabled = true;
	if (kind != REGION_MMIO) {
		r->host = host_alloc(name, size);
		r->code_gen = calloc(code_pages(size), sizeof(*r->code_gen));
		if (!r->host || !r->code_gen) {
			host_free(r->host, size);
			free(r->code_gen);
			return NULL;
		}
		r->priority = 0;
	}
	as->nregions++;
	return r;
}

struct region *as_add_ram(struct address_space *as, const char *name,
			  uint64_t base, uint64_t size)
{
	struct region *r = add_region(as, name, REGION_RAM, base, size);
	if (r)
		rebuild(as);
	return r;
}

struct region *as_add_rom(struct address_space *as, const char *name,
			  uint64_t base, uint64_t size)
{
	struct region *r = add_region(as, name, REGION_ROM, base, size);
	if (r)
		rebuild(as);
	return r;
}

struct region *as_add_mmio(struct address_space *as, const char *name,
			   uint64_t base, uint64_t size, int priority,
			   const struct glass_region_ops *ops, void *dev)
{
	struct region *r = add_region(as, name, REGION_MMIO, base, size);
	if (!r)
		return NULL;
	r->priority = priority;
	as_set_ops(r, ops, dev);
	rebuild(as);
	return r;
}

void as_set_ops(struct region *r, const struct glass_region_ops *ops,
		void *dev)
{
	r->ops = ops;
	r->dev = dev;
	/* no register remembered; with no registers, every valid and
	 * implemented access is served as it is (access.c) */
	r->fit_lo = 0;
	r->fit_hi = 0;
	r->fit_widths = 0;
	if (!mmio_has_regs(ops)) {
		r->fit_hi = UINT64_MAX;
		r->fit_widths = mmio_valid(ops) & mmio_impl(ops);
	}
}

void as_remap(struct address_space *as, struct region *r, uint64_t base,
	      bool enabled)
{
	if (base + (r->size - 1) < base)
		enabled = false; /* would wrap: cannot decode there */
	if (r->base == base && r->enabled == enabled)
		return;
	r->base = base;
	r->enabled = enabled;
	rebuild(as);
}

/* Device accesses come in runs to one device (a driver polling a register,
 * filling a FIFO), so the range of the last lookup is tried first. */
const struct flat_range *as_lookup(struct address_space *as, uint64_t pa)
{
	const struct flat_range *f = as->last;
	int lo = 0, hi = as->nview - 1;

	if (f && pa >= f->start && pa <= f->end)
		return f;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		f = &as->view[mid];
		if (pa < f->start)
			hi = mid - 1;
		else if (pa > f->end)
			lo = mid + 1;
		else
			return as->last = f;
	}
	return NULL;
}

bool as_is_ram(struct address_space *as, uint64_t pa, uint64_t len)
{
	const struct flat_range *f = as_lookup(as, pa);

	return f && f->r->kind == REGION_RAM && len &&
	       pa + (len - 1) >= pa && pa + (len - 1) <= f->end;
}

uint8_t *as_host_ptr(struct address_space *as, uint64_t pa, uint64_t len,
		     bool write)
{
	const struct flat_range *f = as_lookup(as, pa);

	if (!f || f->r->kind == REGION_MMIO || (write && f->r->kind == REGION_ROM))
		return NULL;
	if (len && (pa + (len - 1) < pa || pa + (len - 1) > f->end))
		return NULL;
	if (write)
		as_code_written(as, f->r, pa - f->r->base, len);
	return f->r->host + (pa - f->r->base);
}

/* ---- code pages ---- */

const uint32_t *as_code_page(struct address_space *as, uint64_t pa,
			     bool *made)
{
	const struct flat_range *f = as_lookup(as, pa);

	if (!f || f->r->kind == REGION_MMIO ||
	    (f->r->base & (CODE_PAGE_SIZE - 1)))
		return NULL;
	uint64_t page = (pa - f->r->base) >> CODE_PAGE_SHIFT;
	uint32_t *gen = &f->r->code_gen[page];
	*made = !(*gen & 1);
	if (*made) {
		*gen |= 1;
		if (as->on_code)
			as->on_code(as->on_code_opaque, pa & ~(CODE_PAGE_SIZE - 1));
	}
	return gen;
}

struct region *as_page_device(struct address_space *as, uint64_t pa)
{
	const struct flat_range *f = as_lookup(as, pa);
	uint64_t page = pa & ~(CODE_PAGE_SIZE - 1);
	uint64_t page_last = page + (CODE_PAGE_SIZE - 1);

	if (!f || f->r->kind != REGION_MMIO || f->r->size < 8)
		return NULL;
	/* the region's part of the page, all of it this one range */
	uint64_t lo = f->r->base > page ? f->r->base : page;
	uint64_t hi = region_last(f->r) < page_last ? region_last(f->r) :
						      page_last;
	if (f->start > lo || f->end < hi)
		return NULL;
	return f->r;
}

uint8_t *as_tlb_host(struct address_space *as, uint64_t pa_page, bool write)
{
	const struct flat_range *f = as_lookup(as, pa_page);

	if (!f || f->r->kind == REGION_MMIO || pa_page + (CODE_PAGE_SIZE - 1) > f->end)
		return NULL;
	if (write && (f->r->kind == REGION_ROM ||
		      (f->r->code_gen[(pa_page - f->r->base) >> CODE_PAGE_SHIFT] & 1)))
		return NULL;
	return f->r->host + (pa_page - f->r->base);
}

void as_code_written(struct address_space *as, struct region *r, uint64_t off,
		     uint64_t len)
{
	if (!len || !r->code_gen)
		return;
	uint64_t first = off >> CODE_PAGE_SHIFT;
	uint64_t last = (off + len - 1) >> CODE_PAGE_SHIFT;
	for (uint64_t p = first; p <= last; p++) {
		if (r->code_gen[p] & 1) {
			r->code_gen[p]++; /* odd + 1: released, and a new value */
			as->code_writes++;
		}
	}
}
