/* The physical address space: RAM, ROM and device regions, and the one choke
 * point every device access passes through.
 *
 * Regions are how humans describe the map (a list with priorities, which may
 * overlap). The CPU never looks at that list: it looks at the flat view, a
 * sorted array of non-overlapping ranges that is rebuilt whenever a region is
 * added, moved, enabled or disabled, and searched in O(log n). Every rebuild
 * bumps `generation` and calls `on_change` so harts drop cached translations.
 */
#ifndef GLASS_MEM_ADDRESS_SPACE_H
#define GLASS_MEM_ADDRESS_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/events.h"
#include "mem/mmio.h"

#define AS_MAX_REGIONS 64

enum region_kind {
	REGION_RAM,  /* host memory, read/write */
	REGION_ROM,  /* host memory, writes are ignored */
	REGION_MMIO, /* a device: every access goes through as_read/as_write */
};

struct region {
	const char *name;
	enum region_kind kind;
	uint64_t base;
	uint64_t size;
	int priority;         /* higher wins where regions overlap */
	bool enabled;
	uint8_t *host;        /* RAM and ROM backing store */
	const struct glass_region_ops *ops;
	void *dev;            /* passed back to ops */
	/* where the region starts in its device's window: offsets the
	 * device, its register table and the trace see are window-relative
	 * (the CLINT's timer registers sit at 0x4000 of its window) */
	uint64_t dev_offset;
	/* the device instance it belongs to, for the monitor (opaque here);
	 * NULL for the board's own regions */
	void *owner;
	/* the address of the region's start on its device's bus (a PCI
	 * BAR's bus address), shown in the trace when has_bus */
	bool has_bus;
	uint64_t bus_base;
	uint64_t reads, writes;   /* device accesses, for statistics */
	/* RAM and ROM: one word per page for CPUs that cache decoded
	 * instructions (see "Code pages" below) */
	uint32_t *code_gen;
	/* devices: the register the last served access fitted, [fit_lo,
	 * fit_hi) in window offsets, and the widths both it and the region
	 * (valid, impl) take, so the next access to it needs no lookup
	 * (tables and ops never change; empty when fit_hi is 0). A region
	 * with no registers has all of its window, from the start. */
	uint64_t fit_lo, fit_hi;
	uint8_t fit_widths;
};

/* One piece of the flat view: [start, end] belongs to region r, whose own
 * offset at `start` is start - r->base. */
struct flat_range {
	uint64_t start;
	uint64_t end;         /* inclusive, so a range may reach 2^64 - 1 */
	struct region *r;
};

/* Result of an access that did not go through a TLB fast path. */
enum mem_status {
	MEM_OK = 0,
	MEM_UNMAPPED,         /* nothing decodes this address: access fault */
	MEM_REFUSED,          /* the device's `valid` refused the width/alignment */
};

struct address_space {
	struct region regions[AS_MAX_REGIONS];
	int nregions;
	struct flat_range *view;
	const struct flat_range *last; /* as_lookup's last hit, or NULL */
	int nview;
	int view_cap;
	uint64_t generation;
	void (*on_change)(void *opaque);
	void *on_change_opaque;
	/* where device accesses are reported for the trace and statistics */
	struct event_sink *sink;
	/* a page became a code page: CPUs must stop writing it through
	 * cached host pointers (see as_code_page) */
	void (*on_code)(void *opaque, uint64_t pa_page);
	void *on_code_opaque;
	uint64_t code_writes;  /* code pages written (and so released), ever */
};

void as_init(struct address_space *as);
void as_destroy(struct address_space *as);

/* Add a region; returns it, or NULL (and leaves the map unchanged) if the
 * table is full, the size is zero or base + size wraps. RAM and ROM get
 * zeroed host memory of `size` bytes owned by the address space. */
struct region *as_add_ram(struct address_space *as, const char *name,
			  uint64_t base, uint64_t size);
struct region *as_add_rom(struct address_space *as, const char *name,
			  uint64_t base, uint64_t size);
struct region *as_add_mmio(struct address_space *as, const char *name,
			   uint64_t base, uint64_t size, int priority,
			   const struct glass_region_ops *ops, void *dev);

/* Give device region r other ops (and their dev); the only way they
 * change after as_add_mmio, since the region remembers what they take. */
void as_set_ops(struct region *r, const struct glass_region_ops *ops,
		void *dev);

/* Move and/or enable a region at run time (PCI BARs do). Rebuilds the view
 * and flushes TLBs only when something actually changed. */
void as_remap(struct address_space *as, struct region *r, uint64_t base,
	      bool enabled);

/* The flat range holding pa, or NULL when nothing decodes it. */
const struct flat_range *as_lookup(struct address_space *as, uint64_t pa);

/* Whether [pa, pa + len) (len > 0) is guest RAM, all in one range: what
 * device DMA may reach (ROM is not: the device ABI promises RAM). */
bool as_is_ram(struct address_space *as, uint64_t pa, uint64_t len);

/* Host pointer for [pa, pa + len) if the whole range is RAM (or ROM when
 * !write) in one region; NULL otherwise. For loaders and device DMA. With
 * `write`, the caller is about to write the range: code pages in it are
 * released first (see below). */
uint8_t *as_host_ptr(struct address_space *as, uint64_t pa, uint64_t len,
		     bool write);

/* Code pages. A CPU that caches decoded instructions asks for the page's
 * generation word with as_code_page(); from then on the page is a code page
 * (bit 0 of the word set) and every write to it through the address space
 * (CPU slow path, DMA, loaders, host pointers taken for writing) changes the
 * word and releases the page, so a cached decoding that remembers the word
 * knows it is stale. Since a CPU's own stores normally bypass the address
 * space through cached host pointers, making a code page calls on_code, and
 * as_tlb_host() gives no writable pointer for a code page: stores to it
 * take the slow path until the first one releases it.
 *
 * Returns NULL when pa is not in a page-aligned RAM or ROM region; *made
 * says whether this call made it a code page. */
const uint32_t *as_code_page(struct address_space *as, uint64_t pa,
			     bool *made);

/* Host pointer for the page at pa_page if a CPU may access it directly
 * (RAM; ROM for reads; for writes, not a code page), else NULL. */
uint8_t *as_tlb_host(struct address_space *as, uint64_t pa_page, bool write);

/* The device region that decodes pa, if it decodes all of its own part
 * of pa's page (no other region shadows any of it there) and is 8 bytes
 * or more, else NULL (RAM, ROM, nothing, a tiny region). A CPU may
 * remember it for the page until the map changes (on_change) and hand an
 * access within the page that region_holds() straight to
 * as_read_dev/as_write_dev; other accesses to the page (a neighbour's
 * registers, a hole) take as_read/as_write. */
struct region *as_page_device(struct address_space *as, uint64_t pa);

/* Whether the `size` bytes (at most 8) at pa all lie inside region r, a
 * region of 8 bytes or more (as as_page_device gives). */
static inline bool region_holds(const struct region *r, uint64_t pa,
				unsigned size)
{
	return pa - r->base <= r->size - size;
}

/* as_read/as_write for an access of 1, 2, 4 or 8 bytes that lies inside
 * device region r (as_page_device gave r, region_holds said so): the same
 * contract, statistics and trace, without looking the address up. */
enum mem_status as_read_dev(struct address_space *as, struct region *r,
			    uint64_t pa, unsigned size, uint64_t *val,
			    const struct glass_attrs *who);
enum mem_status as_write_dev(struct address_space *as, struct region *r,
			     uint64_t pa, unsigned size, uint64_t val,
			     const struct glass_attrs *who);

/* The common device access, for a CPU's slow path to do inline (it is
 * what as_read_dev/as_write_dev do first). as_serves_as_is(): whether an
 * access of `size` (1, 2, 4 or 8) at window offset `off` of device region
 * r goes to the model as it is, found without a register lookup: it is
 * valid and implemented, and fits the register the last access fitted (a
 * driver polling a status register), or the region has no registers. */
static inline bool as_serves_as_is(const struct region *r, uint64_t off,
				   unsigned size)
{
	/* one check for valid, impl and the register: size is one bit, so
	 * a width and alignment all three take is one they have in common
	 * (valid 0 is any width, aligned: a misaligned access is refused) */
	return off >= r->fit_lo && off + size <= r->fit_hi &&
	       mmio_width_ok(r->fit_widths, off, size);
}

/* The rare ends of as_read_served/as_write_served, out of line: a model
 * that returned bits beyond the access (reported, dropped), the trace. */
uint64_t as_read_served_rest(struct address_space *as, struct region *r,
			     uint64_t pa, uint64_t off, unsigned size,
			     uint64_t v, const struct glass_attrs *who);
void as_write_served_rest(struct address_space *as, struct region *r,
			  uint64_t pa, unsigned size, uint64_t val,
			  const struct glass_attrs *who);

static inline uint64_t as_size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* The read of `size` bytes at pa (inside r) that as_serves_as_is() says
 * the bus serves as it is: the model's value, counted and traced. */
static inline __attribute__((always_inline)) uint64_t
as_read_served(struct address_space *as, struct region *r, uint64_t pa,
	       unsigned size, const struct glass_attrs *who)
{
	uint64_t off = pa - r->base + r->dev_offset;
	uint64_t v = r->ops->read(r->dev, off, size, who);

	/* bits beyond the access: v >> 8 * size, for size 8 too */
	if (__builtin_expect(((v >> 1) >> (8 * size - 1)) ||
			     ev_on(as->sink, EV_MMIO), 0))
		return as_read_served_rest(as, r, pa, off, size, v, who);
	r->reads++;
	return v;
}

/* The same for a write of the bytes of val (the bits above are dropped) */
static inline __attribute__((always_inline)) void
as_write_served(struct address_space *as, struct region *r, uint64_t pa,
		unsigned size, uint64_t val, const struct glass_attrs *who)
{
	val &= as_size_mask(size);
	r->ops->write(r->dev, pa - r->base + r->dev_offset, val, size, who);
	if (__builtin_expect(ev_on(as->sink, EV_MMIO), 0)) {
		as_write_served_rest(as, r, pa, size, val, who);
		return;
	}
	r->writes++;
}

/* [off, off + len) of region r is being written: release its code pages.
 * Cheap when none is a code page. */
void as_code_written(struct address_space *as, struct region *r, uint64_t off,
		     uint64_t len);

/* The choke point: an access of size 1, 2, 4 or 8 bytes at any alignment,
 * made by `who` (which travels on to the device and the trace; NULL: no
 * one in particular, e.g. a test). RAM/ROM are served directly; device
 * accesses are adapted to the device's declared contract (split or
 * widened) before reaching it. An access that straddles regions is split
 * per byte-range. Returns MEM_UNMAPPED if any byte is not decoded and
 * MEM_REFUSED if a device's `valid` refuses it; nothing is written then. */
enum mem_status as_read(struct address_space *as, uint64_t pa, unsigned size,
			uint64_t *val, const struct glass_attrs *who);
enum mem_status as_write(struct address_space *as, uint64_t pa, unsigned size,
			 uint64_t val, const struct glass_attrs *who);

/* Bulk copies for DMA and loaders; fail (MEM_UNMAPPED) without touching
 * anything unless the whole range is RAM (ROM allowed for reads). */
enum mem_status as_dma_read(struct address_space *as, uint64_t pa, void *buf,
			    uint64_t len);
enum mem_status as_dma_write(struct address_space *as, uint64_t pa,
			     const void *buf, uint64_t len);

/* Write into RAM or ROM regardless of ROM's write protection (loaders). */
enum mem_status as_load(struct address_space *as, uint64_t pa, const void *buf,
			uint64_t len);

#endif
