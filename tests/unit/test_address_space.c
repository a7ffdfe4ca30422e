/* Address space: flat view, priorities, remapping, the choke point's size
 * adaptation for devices, DMA helpers and register names. */
#include <stdbool.h>
#include <string.h>

#include "harness.h"
#include "mem/address_space.h"

/* ---- a fake device that records every call ------------------------------- */

#define FAKE_BYTES 64
#define FAKE_LOG 64

struct call {
	uint64_t off;
	unsigned size;
	uint64_t val;
	bool write;
};

struct fake_dev {
	uint8_t mem[FAKE_BYTES];
	struct call log[FAKE_LOG];
	int nlog;
};

static void fake_record(struct fake_dev *d, uint64_t off, unsigned size,
			uint64_t val, bool write)
{
	if (d->nlog < FAKE_LOG)
		d->log[d->nlog] = (struct call){ off, size, val, write };
	d->nlog++;
}

static uint64_t fake_read(void *dev, uint64_t off, unsigned size,
			  const struct glass_attrs *who)
{
	struct fake_dev *d = dev;
	uint64_t v = 0;

	if (off + size <= FAKE_BYTES)
		memcpy(&v, d->mem + off, size);
	fake_record(d, off, size, v, false);
	return v;
}

static void fake_write(void *dev, uint64_t off, uint64_t val, unsigned size,
		       const struct glass_attrs *who)
{
	struct fake_dev *d = dev;

	if (off + size <= FAKE_BYTES)
		memcpy(d->mem + off, &val, size);
	fake_record(d, off, size, val, true);
}

/* A device without a register table: one register over the region. The
 * guest may use any width at any alignment (valid); the model implements
 * `w` (impl), so the bus splits and widens between the two. */
#define FAKE_OPS(w)                                                      \
	{ .read = fake_read, .write = fake_write,                        \
	  .valid = GLASS_WANY | GLASS_UNALIGNED, .impl = (w) }

static const struct glass_region_ops ops_4 = FAKE_OPS(GLASS_W4);
static const struct glass_region_ops ops_1 = FAKE_OPS(GLASS_W1);
static const struct glass_region_ops ops_2 = FAKE_OPS(GLASS_W2);
static const struct glass_region_ops ops_any = FAKE_OPS(GLASS_WANY);

static void fake_fill(struct fake_dev *d)
{
	memset(d, 0, sizeof(*d));
	for (int i = 0; i < FAKE_BYTES; i++)
		d->mem[i] = (uint8_t)(0x10 + i);
}

/* Check call n of the log. */
static void check_call(const struct fake_dev *d, int n, uint64_t off,
		       unsigned size, uint64_t val, bool write)
{
	CHECK(n < d->nlog);
	if (n >= d->nlog || n >= FAKE_LOG)
		return;
	CHECK_EQ(d->log[n].off, off);
	CHECK_EQ(d->log[n].size, size);
	CHECK_EQ(d->log[n].val, val);
	CHECK_EQ(d->log[n].write, write);
}

/* ---- event sinks and change callbacks ------------------------------------ */

struct watch {
	int changes;
	void *opaque_seen;
	int accesses;
	struct bus_event last;
};

static void on_change(void *opaque)
{
	struct watch *w = opaque;

	w->changes++;
	w->opaque_seen = opaque;
}

static void observe(void *opaque, const struct bus_event *ev)
{
	struct watch *w = opaque;

	w->accesses++;
	w->last = *ev;
}

static uint64_t rd(struct address_space *as, uint64_t pa, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	CHECK_EQ(as_read(as, pa, size, &v, NULL), MEM_OK);
	return v;
}

static void wr(struct address_space *as, uint64_t pa, unsigned size,
	       uint64_t v)
{
	CHECK_EQ(as_write(as, pa, size, v, NULL), MEM_OK);
}

/* The region that decodes pa, or NULL. */
static const struct region *owner(struct address_space *as, uint64_t pa)
{
	const struct flat_range *f = as_lookup(as, pa);

	return f ? f->r : NULL;
}

/* ---- flat view ----------------------------------------------------------- */

TEST(as_lookup_edges_and_holes)
{
	struct address_space as;
	struct fake_dev d;

	as_init(&as);
	fake_fill(&d);
	struct region *ram = as_add_ram(&as, "ram", 0x1000, 0x1000);
	struct region *rom = as_add_rom(&as, "rom", 0x3000, 0x100);
	struct region *dev = as_add_mmio(&as, "dev", 0x10000, 0x40, 0, &ops_4,
					 &d);
	CHECK(ram && rom && dev);

	const struct {
		uint64_t pa;
		const struct region *r;
	} cases[] = {
		{ 0, NULL }, { 0xfff, NULL },
		{ 0x1000, ram }, { 0x1800, ram }, { 0x1fff, ram },
		{ 0x2000, NULL }, { 0x2fff, NULL },
		{ 0x3000, rom }, { 0x30ff, rom }, { 0x3100, NULL },
		{ 0xffff, NULL }, { 0x10000, dev }, { 0x1003f, dev },
		{ 0x10040, NULL }, { UINT64_MAX, NULL },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(owner(&as, cases[i].pa) == cases[i].r);

	CHECK_EQ(as.nview, 3);
	const struct flat_range *f = as_lookup(&as, 0x1234);
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(f->start, 0x1000);
		CHECK_EQ(f->end, 0x1fff);
	}
	CHECK_EQ(ram->kind, REGION_RAM);
	CHECK_EQ(rom->kind, REGION_ROM);
	CHECK_EQ(dev->kind, REGION_MMIO);
	as_destroy(&as);
}

TEST(as_lookup_empty_map)
{
	struct address_space as;

	as_init(&as);
	CHECK(as_lookup(&as, 0) == NULL);
	CHECK(as_lookup(&as, UINT64_MAX) == NULL);
	uint64_t v = 0;
	CHECK_EQ(as_read(&as, 0x1000, 4, &v, NULL), MEM_UNMAPPED);
	CHECK_EQ(as_write(&as, 0x1000, 4, 1, NULL), MEM_UNMAPPED);
	as_destroy(&as);
}

/* Expected flat view, piece by piece. */
struct piece {
	uint64_t start, end;
	const struct region *r;
};

static void check_view(const struct address_space *as, const struct piece *p,
		       int n)
{
	CHECK_EQ(as->nview, n);
	for (int i = 0; i < n && i < as->nview; i++) {
		CHECK_EQ(as->view[i].start, p[i].start);
		CHECK_EQ(as->view[i].end, p[i].end);
		CHECK(as->view[i].r == p[i].r);
	}
}

TEST(as_priority_shadows_exactly)
{
	struct address_space as;
	struct fake_dev dl, dh;

	fake_fill(&dl);
	fake_fill(&dh);
	as_init(&as);
	/* the high one is added first: order must not matter */
	struct region *hi = as_add_mmio(&as, "hi", 0x400, 0x400, 5, &ops_any,
					&dh);
	struct region *lo = as_add_mmio(&as, "lo", 0, 0x1000, 1, &ops_any, &dl);
	const struct piece want[] = {
		{ 0, 0x3ff, lo }, { 0x400, 0x7ff, hi }, { 0x800, 0xfff, lo },
	};
	check_view(&as, want, 3);

	/* accesses go to the owner, with the owner's own offsets */
	rd(&as, 0x3ff, 1);
	rd(&as, 0x400, 1);
	rd(&as, 0x800, 1);
	CHECK_EQ(dl.nlog, 2);
	CHECK_EQ(dh.nlog, 1);
	check_call(&dl, 0, 0x3ff, 1, 0, false); /* beyond the fake's bytes */
	check_call(&dh, 0, 0, 1, 0x10, false);
	check_call(&dl, 1, 0x800, 1, 0, false);
	as_destroy(&as);
}

TEST(as_equal_priority_later_wins)
{
	struct address_space as;
	struct fake_dev a, b;

	fake_fill(&a);
	fake_fill(&b);
	as_init(&as);
	struct region *ra = as_add_mmio(&as, "a", 0x0, 0x1000, 0, &ops_any, &a);
	struct region *rb = as_add_mmio(&as, "b", 0x800, 0x100, 0, &ops_any,
					&b);
	/* RAM has priority 0 too, and it comes last */
	struct region *ram = as_add_ram(&as, "ram", 0xf00, 0x200);
	const struct piece want[] = {
		{ 0, 0x7ff, ra }, { 0x800, 0x8ff, rb }, { 0x900, 0xeff, ra },
		{ 0xf00, 0x10ff, ram },
	};
	check_view(&as, want, 4);
	as_destroy(&as);
}

TEST(as_full_shadow_and_merge_after_disable)
{
	struct address_space as;
	struct fake_dev d;

	fake_fill(&d);
	as_init(&as);
	struct region *base = as_add_mmio(&as, "base", 0, 0x1000, 1, &ops_any,
					  &d);
	struct region *under = as_add_mmio(&as, "under", 0x600, 0x100, 0,
					   &ops_any, &d);
	struct region *top = as_add_mmio(&as, "top", 0x400, 0x400, 2, &ops_any,
					 &d);
	/* "under" is never visible: "base" covers it with a higher priority */
	const struct piece with_top[] = {
		{ 0, 0x3ff, base },
		{ 0x400, 0x7ff, top },
		{ 0x800, 0xfff, base },
	};
	check_view(&as, with_top, 3);
	CHECK(under != NULL);

	/* without "top" the pieces around "under"'s edges merge into one */
	as_remap(&as, top, top->base, false);
	const struct piece without[] = { { 0, 0xfff, base } };
	check_view(&as, without, 1);
	as_destroy(&as);
}

TEST(as_remap_move_disable_enable)
{
	struct address_space as;
	struct fake_dev d;
	struct watch w = { 0 };

	fake_fill(&d);
	as_init(&as);
	struct region *ram = as_add_ram(&as, "ram", 0x1000, 0x1000);
	struct region *dev = as_add_mmio(&as, "bar", 0x4000, 0x40, 0, &ops_any,
					 &d);
	as.on_change = on_change;
	as.on_change_opaque = &w;

	uint64_t gen = as.generation;
	as_remap(&as, dev, 0x8000, true);          /* move */
	CHECK_EQ(w.changes, 1);
	CHECK(w.opaque_seen == &w);
	CHECK_EQ(as.generation, gen + 1);
	CHECK(owner(&as, 0x4000) == NULL);
	CHECK(owner(&as, 0x8000) == dev);
	CHECK(owner(&as, 0x803f) == dev);
	CHECK(owner(&as, 0x8040) == NULL);
	CHECK_EQ(dev->base, 0x8000);

	as_remap(&as, dev, 0x8000, true);          /* no-op */
	CHECK_EQ(w.changes, 1);
	CHECK_EQ(as.generation, gen + 1);

	as_remap(&as, dev, 0x8000, false);         /* disable */
	CHECK_EQ(w.changes, 2);
	CHECK_EQ(as.generation, gen + 2);
	CHECK(owner(&as, 0x8000) == NULL);
	CHECK(owner(&as, 0x1000) == ram);

	as_remap(&as, dev, 0x8000, false);         /* no-op while disabled */
	CHECK_EQ(w.changes, 2);
	CHECK_EQ(as.generation, gen + 2);

	as_remap(&as, dev, 0x8000, true);          /* enable */
	CHECK_EQ(w.changes, 3);
	CHECK_EQ(as.generation, gen + 3);
	CHECK(owner(&as, 0x8000) == dev);

	/* moving it where it would wrap disables it instead */
	as_remap(&as, dev, UINT64_MAX - 0x10, true);
	CHECK(!dev->enabled);
	CHECK(owner(&as, UINT64_MAX) == NULL);
	CHECK(owner(&as, 0x8000) == NULL);
	as_destroy(&as);
}

TEST(as_remap_over_ram_shadows_it)
{
	struct address_space as;
	struct fake_dev d;

	fake_fill(&d);
	as_init(&as);
	struct region *ram = as_add_ram(&as, "ram", 0x0, 0x10000);
	struct region *dev = as_add_mmio(&as, "bar", 0x100000, 0x40, 1,
					 &ops_any, &d);
	as_remap(&as, dev, 0x2000, true);
	CHECK(owner(&as, 0x1fff) == ram);
	CHECK(owner(&as, 0x2000) == dev);
	CHECK(owner(&as, 0x2040) == ram);
	CHECK(as_host_ptr(&as, 0x1000, 0x1000, true) != NULL);
	CHECK(as_host_ptr(&as, 0x1000, 0x1001, true) == NULL);
	as_destroy(&as);
}

TEST(as_region_at_top_of_memory)
{
	struct address_space as;

	as_init(&as);
	struct region *lowram = as_add_ram(&as, "low", 0, 0x1000);
	struct region *top = as_add_ram(&as, "top", 0xfffffffffffff000ull,
					0x1000);
	CHECK(top != NULL);
	CHECK(owner(&as, UINT64_MAX) == top);
	CHECK(owner(&as, 0xfffffffffffff000ull) == top);
	CHECK(owner(&as, 0xffffffffffffefffull) == NULL);
	CHECK(owner(&as, 0xfff) == lowram);
	CHECK(owner(&as, 0x1000) == NULL);
	CHECK_EQ(as.view[as.nview - 1].end, UINT64_MAX);

	wr(&as, UINT64_MAX - 7, 8, 0x0102030405060708ull);
	CHECK_EQ(rd(&as, UINT64_MAX - 7, 8), 0x0102030405060708ull);
	CHECK_EQ(top->host[0xfff], 0x01);
	/* the address space is circular: the byte after 2^64 - 1 is 0 */
	wr(&as, UINT64_MAX - 3, 8, 0x1122334455667788ull);
	CHECK_EQ(top->host[0xffc], 0x88);
	CHECK_EQ(top->host[0xfff], 0x55);
	CHECK_EQ(lowram->host[0], 0x44);
	CHECK_EQ(lowram->host[3], 0x11);
	CHECK_EQ(rd(&as, UINT64_MAX - 3, 8), 0x1122334455667788ull);
	/* with nothing at 0 the same access is not decoded, nor written */
	as_remap(&as, lowram, 0, false);
	uint64_t v;
	CHECK_EQ(as_read(&as, UINT64_MAX - 3, 8, &v, NULL), MEM_UNMAPPED);
	CHECK_EQ(as_write(&as, UINT64_MAX - 3, 8, 0, NULL), MEM_UNMAPPED);
	CHECK_EQ(top->host[0xffc], 0x88);
	as_destroy(&as);
}

TEST(as_add_rejects_bad_regions)
{
	struct address_space as;
	struct fake_dev d;

	fake_fill(&d);
	as_init(&as);
	CHECK(as_add_ram(&as, "r", 0x1000, 0) == NULL);
	CHECK(as_add_rom(&as, "r", 0x1000, 0) == NULL);
	CHECK(as_add_mmio(&as, "m", 0x1000, 0, 0, &ops_any, &d) == NULL);
	CHECK(as_add_ram(&as, "r", 0xfffffffffffff000ull, 0x1001) == NULL);
	CHECK(as_add_mmio(&as, "m", UINT64_MAX, 2, 0, &ops_any, &d) == NULL);
	CHECK_EQ(as.nregions, 0);
	CHECK_EQ(as.nview, 0);
	CHECK_EQ(as.generation, 0);

	/* the table has a fixed size */
	for (int i = 0; i < AS_MAX_REGIONS; i++)
		CHECK(as_add_mmio(&as, "m", 0x1000 * (uint64_t)i, 0x100, 0,
				  &ops_any, &d) != NULL);
	uint64_t gen = as.generation;
	CHECK(as_add_mmio(&as, "m", 0x100000, 0x100, 0, &ops_any, &d) == NULL);
	CHECK_EQ(as.nregions, AS_MAX_REGIONS);
	CHECK_EQ(as.generation, gen);
	CHECK_EQ(as.nview, AS_MAX_REGIONS);
	as_destroy(&as);
}

/* ---- RAM, ROM, holes ----------------------------------------------------- */

TEST(as_ram_every_width_and_alignment)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	struct address_space as;

	as_init(&as);
	struct region *ram = as_add_ram(&as, "ram", 0x1000, 0x100);
	for (unsigned s = 0; s < 4; s++) {
		unsigned size = sizes[s];
		for (unsigned off = 0; off < 9; off++) {
			uint64_t pa = 0x1010 + off;
			uint64_t val = 0x8877665544332211ull + off;
			uint64_t mask = size == 8 ? ~0ull :
				       (1ull << (8 * size)) - 1;
			memset(ram->host, 0xee, 0x100);
			wr(&as, pa, size, val);
			CHECK_EQ(rd(&as, pa, size), val & mask);
			for (unsigned b = 0; b < size; b++)
				CHECK_EQ(ram->host[pa - 0x1000 + b],
					 (uint8_t)(val >> (8 * b)));
			/* neighbours untouched */
			CHECK_EQ(ram->host[pa - 0x1000 - 1], 0xee);
			CHECK_EQ(ram->host[pa - 0x1000 + size], 0xee);
		}
	}
	/* the last bytes of the region */
	wr(&as, 0x10f8, 8, 0x1122334455667788ull);
	CHECK_EQ(rd(&as, 0x10f8, 8), 0x1122334455667788ull);
	CHECK_EQ(rd(&as, 0x10ff, 1), 0x11);
	as_destroy(&as);
}

TEST(as_rom_ignores_writes)
{
	struct address_space as;
	static const uint8_t image[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	as_init(&as);
	struct region *rom = as_add_rom(&as, "rom", 0x1000, 0x100);
	CHECK_EQ(as_load(&as, 0x1000, image, sizeof(image)), MEM_OK);
	CHECK_EQ(rd(&as, 0x1000, 8), 0x0807060504030201ull);
	CHECK_EQ(as_write(&as, 0x1000, 8, 0, NULL), MEM_OK);
	CHECK_EQ(as_write(&as, 0x1003, 1, 0xff, NULL), MEM_OK);
	CHECK_EQ(rd(&as, 0x1000, 8), 0x0807060504030201ull);
	CHECK_EQ(rom->host[3], 4);
	as_destroy(&as);
}

TEST(as_unmapped_accesses)
{
	struct address_space as;
	uint64_t v = 0x55;

	as_init(&as);
	struct region *ram = as_add_ram(&as, "ram", 0x1000, 0x1000);
	struct region *rom = as_add_rom(&as, "rom", 0x2000, 0x1000);
	memset(ram->host, 0xaa, 0x1000);

	CHECK_EQ(as_read(&as, 0x800, 4, &v, NULL), MEM_UNMAPPED);
	CHECK_EQ(as_write(&as, 0x800, 4, 0, NULL), MEM_UNMAPPED);
	/* straddles the hole below RAM: nothing written */
	CHECK_EQ(as_write(&as, 0xffe, 4, 0x11223344, NULL), MEM_UNMAPPED);
	CHECK_EQ(ram->host[0], 0xaa);
	CHECK_EQ(ram->host[1], 0xaa);
	CHECK_EQ(as_read(&as, 0xffe, 4, &v, NULL), MEM_UNMAPPED);
	/* straddles ROM's end into the hole above it */
	CHECK_EQ(as_read(&as, 0x2ffc, 8, &v, NULL), MEM_UNMAPPED);

	/* RAM then ROM: mapped, byte by byte; the ROM half is dropped */
	memset(rom->host, 0, 0x1000);
	wr(&as, 0x1ffe, 4, 0x11223344);
	CHECK_EQ(ram->host[0xffe], 0x44);
	CHECK_EQ(ram->host[0xfff], 0x33);
	CHECK_EQ(rom->host[0], 0);
	CHECK_EQ(rd(&as, 0x1ffe, 4), 0x00003344);
	as_destroy(&as);
}

/* ---- device size adaptation ---------------------------------------------- */

#define DEV_BASE 0x10000

struct dev_as {
	struct address_space as;
	struct fake_dev d;
	struct region *r;
};

static void dev_setup(struct dev_as *e, const struct glass_region_ops *ops,
		      uint64_t size)
{
	as_init(&e->as);
	fake_fill(&e->d);
	e->r = as_add_mmio(&e->as, "dev", DEV_BASE, size, 0, ops, &e->d);
	CHECK(e->r != NULL);
}

TEST(as_dev_narrow_read_widened)
{
	struct dev_as e;

	dev_setup(&e, &ops_4, 0x40);
	CHECK_EQ(rd(&e.as, DEV_BASE + 5, 1), 0x15);
	CHECK_EQ(e.d.nlog, 1);
	check_call(&e.d, 0, 4, 4, 0x17161514, false);
	CHECK_EQ(rd(&e.as, DEV_BASE + 6, 2), 0x1716);
	CHECK_EQ(e.d.nlog, 2);
	check_call(&e.d, 1, 4, 4, 0x17161514, false);
	as_destroy(&e.as);
}

TEST(as_dev_narrow_write_rmw)
{
	struct dev_as e;

	dev_setup(&e, &ops_4, 0x40);
	wr(&e.as, DEV_BASE + 6, 1, 0xab);
	CHECK_EQ(e.d.nlog, 2);
	check_call(&e.d, 0, 4, 4, 0x17161514, false);
	check_call(&e.d, 1, 4, 4, 0x17ab1514, true);
	CHECK_EQ(e.d.mem[6], 0xab);
	CHECK_EQ(e.d.mem[5], 0x15);
	as_destroy(&e.as);
}

TEST(as_dev_wide_access_split_low_first)
{
	struct dev_as e;

	dev_setup(&e, &ops_4, 0x40);
	CHECK_EQ(rd(&e.as, DEV_BASE + 8, 8), 0x1f1e1d1c1b1a1918ull);
	CHECK_EQ(e.d.nlog, 2);
	check_call(&e.d, 0, 8, 4, 0x1b1a1918, false);
	check_call(&e.d, 1, 12, 4, 0x1f1e1d1c, false);

	e.d.nlog = 0;
	wr(&e.as, DEV_BASE + 16, 8, 0x8877665544332211ull);
	CHECK_EQ(e.d.nlog, 2);
	check_call(&e.d, 0, 16, 4, 0x44332211, true);
	check_call(&e.d, 1, 20, 4, 0x88776655, true);
	as_destroy(&e.as);
}

TEST(as_dev_misaligned_covered_by_units)
{
	struct dev_as e;

	dev_setup(&e, &ops_4, 0x40);
	CHECK_EQ(rd(&e.as, DEV_BASE + 2, 4), 0x15141312);
	CHECK_EQ(e.d.nlog, 2);
	check_call(&e.d, 0, 0, 4, 0x13121110, false);
	check_call(&e.d, 1, 4, 4, 0x17161514, false);

	e.d.nlog = 0;
	wr(&e.as, DEV_BASE + 2, 4, 0xa4a3a2a1);
	CHECK_EQ(e.d.nlog, 4);
	check_call(&e.d, 0, 0, 4, 0x13121110, false);
	check_call(&e.d, 1, 0, 4, 0xa2a11110, true);
	check_call(&e.d, 2, 4, 4, 0x17161514, false);
	check_call(&e.d, 3, 4, 4, 0x1716a4a3, true);

	/* a misaligned 8-byte write: partial, whole, partial unit */
	e.d.nlog = 0;
	wr(&e.as, DEV_BASE + 0x22, 8, 0x0807060504030201ull);
	CHECK_EQ(e.d.nlog, 5);
	check_call(&e.d, 0, 0x20, 4, 0x33323130, false);
	check_call(&e.d, 1, 0x20, 4, 0x02013130, true);
	check_call(&e.d, 2, 0x24, 4, 0x06050403, true);
	check_call(&e.d, 3, 0x28, 4, 0x3b3a3938, false);
	check_call(&e.d, 4, 0x28, 4, 0x3b3a0807, true);
	as_destroy(&e.as);
}

TEST(as_dev_byte_device_gets_bytes)
{
	struct dev_as e;

	dev_setup(&e, &ops_1, 0x40);
	CHECK_EQ(rd(&e.as, DEV_BASE + 3, 8), 0x1a19181716151413ull);
	CHECK_EQ(e.d.nlog, 8);
	for (int i = 0; i < 8; i++)
		check_call(&e.d, i, 3 + i, 1, 0x13 + i, false);

	e.d.nlog = 0;
	wr(&e.as, DEV_BASE, 8, 0x8877665544332211ull);
	CHECK_EQ(e.d.nlog, 8);
	for (int i = 0; i < 8; i++)
		check_call(&e.d, i, i, 1, 0x11 * (i + 1), true);
	as_destroy(&e.as);
}

TEST(as_dev_halfword_device_misaligned)
{
	struct dev_as e;

	dev_setup(&e, &ops_2, 0x40);
	CHECK_EQ(rd(&e.as, DEV_BASE + 1, 4), 0x14131211);
	CHECK_EQ(e.d.nlog, 3);
	check_call(&e.d, 0, 0, 2, 0x1110, false);
	check_call(&e.d, 1, 2, 2, 0x1312, false);
	check_call(&e.d, 2, 4, 2, 0x1514, false);
	as_destroy(&e.as);
}

TEST(as_dev_contract_respected_when_it_fits)
{
	struct dev_as e;

	dev_setup(&e, &ops_any, 0x40);
	CHECK_EQ(rd(&e.as, DEV_BASE + 8, 8), 0x1f1e1d1c1b1a1918ull);
	CHECK_EQ(rd(&e.as, DEV_BASE + 2, 2), 0x1312);
	CHECK_EQ(e.d.nlog, 2);
	check_call(&e.d, 0, 8, 8, 0x1f1e1d1c1b1a1918ull, false);
	check_call(&e.d, 1, 2, 2, 0x1312, false);
	/* misaligned for its own width: two aligned units of that width */
	e.d.nlog = 0;
	CHECK_EQ(rd(&e.as, DEV_BASE + 6, 4), 0x19181716);
	CHECK_EQ(e.d.nlog, 2);
	check_call(&e.d, 0, 4, 4, 0x17161514, false);
	check_call(&e.d, 1, 8, 4, 0x1b1a1918, false);
	as_destroy(&e.as);
}

TEST(as_dev_never_past_region_end)
{
	struct dev_as e;
	uint64_t v;

	/* 14 bytes: the last 4-byte unit would run 2 bytes past the end */
	dev_setup(&e, &ops_4, 14);
	CHECK_EQ(rd(&e.as, DEV_BASE + 8, 4), 0x1b1a1918);
	CHECK_EQ(e.d.nlog, 1);
	e.d.nlog = 0;
	CHECK_EQ(rd(&e.as, DEV_BASE + 12, 2), 0);
	wr(&e.as, DEV_BASE + 12, 2, 0xffff);
	CHECK_EQ(e.d.nlog, 0);
	CHECK_EQ(e.d.mem[12], 0x1c);
	/* a read running past the region into a hole is unmapped */
	CHECK_EQ(as_read(&e.as, DEV_BASE + 12, 4, &v, NULL), MEM_UNMAPPED);
	CHECK_EQ(as_write(&e.as, DEV_BASE + 12, 4, 0, NULL), MEM_UNMAPPED);
	CHECK_EQ(e.d.nlog, 0);
	as_destroy(&e.as);
}

TEST(as_sink_sees_device_accesses_once)
{
	struct dev_as e;
	struct watch w = { 0 };
	struct event_sink sink = { EV_MMIO, observe, &w };

	dev_setup(&e, &ops_4, 0x40);
	struct region *ram = as_add_ram(&e.as, "ram", 0x1000, 0x1000);
	e.as.sink = &sink;

	CHECK_EQ(rd(&e.as, DEV_BASE + 5, 1), 0x15);
	CHECK_EQ(w.accesses, 1);
	CHECK_EQ(w.last.kind, EVK_MMIO);
	CHECK_EQ(w.last.mmio.pa, DEV_BASE + 5);
	CHECK_EQ(w.last.mmio.size, 1);
	CHECK_EQ(w.last.mmio.value, 0x15);
	CHECK_EQ(w.last.mmio.write, false);
	CHECK(w.last.mmio.region == e.r);
	CHECK_EQ(w.last.mmio.offset, 5);

	wr(&e.as, DEV_BASE + 0x12, 2, 0xbeef);    /* RMW underneath */
	CHECK_EQ(w.accesses, 2);
	CHECK_EQ(w.last.mmio.pa, DEV_BASE + 0x12);
	CHECK_EQ(w.last.mmio.size, 2);
	CHECK_EQ(w.last.mmio.value, 0xbeef);
	CHECK_EQ(w.last.mmio.write, true);
	CHECK_EQ(w.last.mmio.offset, 0x12);

	wr(&e.as, DEV_BASE + 0x18, 8, 0x1122334455667788ull); /* split */
	CHECK_EQ(w.accesses, 3);
	CHECK_EQ(w.last.mmio.size, 8);
	CHECK_EQ(w.last.mmio.value, 0x1122334455667788ull);
	CHECK_EQ(e.r->reads, 1);
	CHECK_EQ(e.r->writes, 2);

	/* RAM and failed accesses are not reported */
	wr(&e.as, 0x1000, 8, 1);
	rd(&e.as, 0x1000, 4);
	uint64_t v;
	CHECK_EQ(as_read(&e.as, 0x5000, 4, &v, NULL), MEM_UNMAPPED);
	CHECK_EQ(w.accesses, 3);
	CHECK(ram != NULL);

	/* a sink without the MMIO category hears nothing */
	sink.mask = EV_ALL & ~EV_MMIO;
	rd(&e.as, DEV_BASE, 4);
	CHECK_EQ(w.accesses, 3);
	as_destroy(&e.as);
}

/* ---- DMA and host pointers ----------------------------------------------- */

TEST(as_dma_and_host_ptr_limits)
{
	struct dev_as e;
	uint8_t buf[16], zero[16] = { 0 };

	dev_setup(&e, &ops_any, 0x40);
	struct region *ram = as_add_ram(&e.as, "ram", 0x1000, 0x1000);
	struct region *rom = as_add_rom(&e.as, "rom", 0x2000, 0x1000);
	for (int i = 0; i < 0x1000; i++)
		ram->host[i] = (uint8_t)i;

	CHECK(as_host_ptr(&e.as, 0x1000, 0x1000, true) == ram->host);
	CHECK(as_host_ptr(&e.as, 0x1ff0, 0x10, true) == ram->host + 0xff0);
	CHECK(as_host_ptr(&e.as, 0x1ff0, 0x11, false) == NULL); /* into ROM */
	CHECK(as_host_ptr(&e.as, 0x2000, 0x10, false) == rom->host);
	CHECK(as_host_ptr(&e.as, 0x2000, 0x10, true) == NULL);
	CHECK(as_host_ptr(&e.as, DEV_BASE, 4, false) == NULL);
	CHECK(as_host_ptr(&e.as, 0x800, 4, false) == NULL);
	CHECK(as_host_ptr(&e.as, 0x1000, UINT64_MAX, false) == NULL);

	memset(buf, 0, sizeof(buf));
	CHECK_EQ(as_dma_read(&e.as, 0x1010, buf, 16), MEM_OK);
	CHECK_EQ(buf[0], 0x10);
	CHECK_EQ(buf[15], 0x1f);
	CHECK_EQ(as_dma_read(&e.as, 0x2000, buf, 16), MEM_OK); /* ROM: ok */
	CHECK(memcmp(buf, zero, 16) == 0);

	memset(buf, 0x77, sizeof(buf));
	CHECK_EQ(as_dma_write(&e.as, 0x1ff8, buf, 16), MEM_UNMAPPED);
	CHECK_EQ(ram->host[0xff8], 0xf8);               /* untouched */
	CHECK_EQ(as_dma_write(&e.as, 0x2000, buf, 4), MEM_UNMAPPED);
	CHECK_EQ(rom->host[0], 0);
	CHECK_EQ(as_dma_write(&e.as, 0xff8, buf, 16), MEM_UNMAPPED);
	CHECK_EQ(ram->host[0], 0);
	CHECK_EQ(as_dma_write(&e.as, DEV_BASE, buf, 4), MEM_UNMAPPED);
	CHECK_EQ(as_dma_read(&e.as, DEV_BASE, buf, 4), MEM_UNMAPPED);
	CHECK_EQ(e.d.nlog, 0);
	CHECK_EQ(as_dma_read(&e.as, 0x2ff8, buf, 16), MEM_UNMAPPED);
	CHECK_EQ(buf[0], 0x77);

	CHECK_EQ(as_dma_write(&e.as, 0x1100, buf, 16), MEM_OK);
	CHECK_EQ(ram->host[0x100], 0x77);
	CHECK_EQ(ram->host[0x10f], 0x77);
	CHECK_EQ(ram->host[0x110], 0x10);
	as_destroy(&e.as);
}

/* ---- register names ------------------------------------------------------ */

TEST(as_reg_name_lookup)
{
	static const struct glass_reg regs[] = {
		{ 0x0, 4, "CTRL", GLASS_W4 },
		{ 0x4, 2, "STATUS", GLASS_W2 },
		{ 0x8, 8, "DATA", GLASS_W8 },
		{ 0, 0, NULL, 0 },
	};
	const struct {
		uint64_t off;
		const char *name;
	} cases[] = {
		{ 0, "CTRL" }, { 3, "CTRL" }, { 4, "STATUS" }, { 5, "STATUS" },
		{ 6, NULL }, { 7, NULL }, { 8, "DATA" }, { 0xf, "DATA" },
		{ 0x10, NULL }, { UINT64_MAX, NULL },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = reg_name(regs, cases[i].off);
		if (!cases[i].name)
			CHECK(got == NULL);
		else
			CHECK(got && strcmp(got, cases[i].name) == 0);
	}
	CHECK(reg_name(NULL, 0) == NULL);
}

/* A computed register file: one 8-byte register at the start of each
 * 4 KiB page, named after the page. */
static const struct glass_reg *page_reg_at(uint64_t offset, struct glass_reg *d,
					  char *buf, size_t len)
{
	if (offset & 0xff8)
		return NULL;
	*d = (struct glass_reg){ (uint32_t)(offset & ~0xfffull), 8, NULL,
				GLASS_W8 };
	if (buf) {
		snprintf(buf, len, "CH%u", (unsigned)(offset >> 12));
		d->name = buf;
	}
	return d;
}

TEST(as_mmio_reg_name_table_or_function)
{
	static const struct glass_reg regs[] = {
		{ 0x10, 4, "IRQ", GLASS_W4 },
		{ 0, 0, NULL, 0 },
	};
	const struct glass_region_ops by_table = { .impl = GLASS_W4,
						   .regs = regs };
	const struct glass_region_ops by_fn = { .impl = GLASS_W4,
						.reg_at = page_reg_at };
	struct glass_reg scratch;
	char buf[16];

	const char *n = mmio_reg_name(&by_table, 0x12, buf, sizeof(buf));
	CHECK(n && strcmp(n, "IRQ") == 0);
	CHECK(mmio_reg_name(&by_table, 0x14, buf, sizeof(buf)) == NULL);
	n = mmio_reg_name(&by_fn, 0x3004, buf, sizeof(buf));
	CHECK(n && strcmp(n, "CH3") == 0);
	CHECK(mmio_reg_name(&by_fn, 0x3008, buf, sizeof(buf)) == NULL);
	CHECK(mmio_reg_name(NULL, 0, buf, sizeof(buf)) == NULL);
	/* the lookup the bus makes: no buffer, no name, the same register */
	const struct glass_reg *d =
		mmio_reg_at(&by_fn, 0x3004, &scratch, NULL, 0);
	CHECK(d == &scratch);
	CHECK_EQ(d->offset, 0x3000);
	CHECK_EQ(d->size, 8);
	CHECK_EQ(d->widths, GLASS_W8);
	CHECK(mmio_reg_at(&by_table, 0x10, &scratch, NULL, 0) == &regs[0]);
}

/* ---- per-register contracts ---------------------------------------------- */

/* A 32-bit register at 0, a 64-bit one (that also takes halves) at 8, a
 * hole, and a byte buffer at 0x20 that takes anything, misaligned too. */
static const struct glass_reg table_regs[] = {
	{ 0x00, 4, "CTRL", GLASS_W4 },
	{ 0x08, 8, "COUNT", GLASS_W4 | GLASS_W8 },
	{ 0x20, 0x10, "BUF", GLASS_WANY | GLASS_UNALIGNED },
	{ 0, 0, NULL, 0 },
};

/* Strict registers: the model implements every width the guest may use,
 * so nothing is adapted, and what no register takes never reaches it. */
#define TABLE_OPS(flags_)                                                \
	{ .read = fake_read, .write = fake_write,                        \
	  .valid = GLASS_WANY | GLASS_UNALIGNED,                         \
	  .impl = GLASS_WANY | GLASS_UNALIGNED, .flags = (flags_),       \
	  .regs = table_regs }

static const struct glass_region_ops table_ones = TABLE_OPS(0);
static const struct glass_region_ops table_zero =
	TABLE_OPS(GLASS_UNCLAIMED_ZERO);

TEST(as_reg_fits)
{
	static const struct glass_region_ops table_adapt = {
		.read = fake_read, .write = fake_write, .impl = GLASS_W4,
		.regs = table_regs,
	};
	const struct glass_reg *count = &table_regs[1], *buf = &table_regs[2];

	CHECK(mmio_reg_fits(&table_adapt, count, 0x08, 8));
	CHECK(mmio_reg_fits(&table_adapt, count, 0x0c, 4));
	CHECK(!mmio_reg_fits(&table_adapt, count, 0x0a, 4)); /* misaligned */
	CHECK(!mmio_reg_fits(&table_adapt, count, 0x08, 2)); /* width */
	CHECK(!mmio_reg_fits(&table_adapt, count, 0x10, 4)); /* outside */
	CHECK(mmio_reg_fits(&table_adapt, buf, 0x27, 8));
	CHECK(!mmio_reg_fits(&table_adapt, buf, 0x2a, 8));    /* past end */
	CHECK(!mmio_reg_fits(&table_adapt, buf, 0x1f, 1));
	CHECK(!mmio_reg_fits(&table_adapt, NULL, 0x18, 4));
	/* a register whose entry says 0 takes the region's impl widths */
	const struct glass_reg plain = { 0x40, 4, "PLAIN", 0 };
	CHECK_EQ(mmio_reg_widths(&table_adapt, &plain), GLASS_W4);
	CHECK(mmio_reg_fits(&table_adapt, &plain, 0x40, 4));
	CHECK(!mmio_reg_fits(&table_adapt, &plain, 0x40, 1));
}

/* Ops changed with as_set_ops: the register the old ones fitted is
 * forgotten, and what the new ones take is served. */
TEST(as_set_ops_forgets_the_register)
{
	struct address_space as;
	static struct fake_dev d;
	uint64_t v = 0;

	as_init(&as);
	fake_fill(&d);
	struct region *r = as_add_mmio(&as, "dev", 0x40000000, 0x100, 0,
				       &table_ones, &d);
	CHECK(r != NULL);
	CHECK_EQ(as_read(&as, 0x40000020, 8, &v, NULL), MEM_OK); /* BUF */
	CHECK(as_serves_as_is(r, 0x21, 8));
	as_set_ops(r, &ops_4, &d);
	CHECK(!as_serves_as_is(r, 0x21, 8));
	CHECK(!as_serves_as_is(r, 0x20, 8));
	CHECK(as_serves_as_is(r, 0x40, 4));
	as_set_ops(r, &table_ones, &d);
	CHECK(!as_serves_as_is(r, 0x20, 8)); /* not looked up yet */
	CHECK_EQ(as_read(&as, 0x40000000, 4, &v, NULL), MEM_OK); /* CTRL */
	CHECK(as_serves_as_is(r, 0x00, 4));
	CHECK(!as_serves_as_is(r, 0x00, 2));
	as_destroy(&as);
}

struct ev_rec {
	int n;
	struct bus_event e[8];
};

static void ev_rec(void *opaque, const struct bus_event *ev)
{
	struct ev_rec *l = opaque;

	if (l->n < 8)
		l->e[l->n] = *ev;
	l->n++;
}

/* impl narrower than valid: the bus splits and widens into impl's widths,
 * and each piece must still fit a register. */
static const struct glass_reg word_regs[] = {
	{ 0x00, 4, "CTRL", 0 },
	{ 0x08, 8, "COUNT", 0 },
	{ 0x20, 0x10, "BUF", 0 },
	{ 0, 0, NULL, 0 },
};

TEST(as_impl_adapts_then_registers_fit)
{
	static const struct glass_region_ops ops = {
		.read = fake_read, .write = fake_write,
		.valid = GLASS_WANY | GLASS_UNALIGNED, .impl = GLASS_W4,
		.regs = word_regs,
	};
	struct dev_as e;
	struct ev_rec l = { 0 };
	struct event_sink sink = { EV_GUEST_ERROR, ev_rec, &l };

	dev_setup(&e, &ops, 0x40);
	e.as.sink = &sink;
	CHECK_EQ(rd(&e.as, DEV_BASE + 0x08, 8), 0x1f1e1d1c1b1a1918ull);
	CHECK_EQ(e.d.nlog, 2);                      /* split in words */
	check_call(&e.d, 0, 0x08, 4, 0x1b1a1918, false);
	check_call(&e.d, 1, 0x0c, 4, 0x1f1e1d1c, false);
	e.d.nlog = 0;
	CHECK_EQ(rd(&e.as, DEV_BASE + 0x09, 1), 0x19); /* widened */
	check_call(&e.d, 0, 0x08, 4, 0x1b1a1918, false);
	e.d.nlog = 0;
	wr(&e.as, DEV_BASE + 0x21, 2, 0xbbaa);      /* misaligned: RMW */
	CHECK_EQ(e.d.nlog, 2);
	check_call(&e.d, 0, 0x20, 4, 0x33323130, false);
	check_call(&e.d, 1, 0x20, 4, 0x33bbaa30, true);
	CHECK_EQ(l.n, 0);
	/* CTRL, then the hole after it: that half reads all ones */
	e.d.nlog = 0;
	CHECK_EQ(rd(&e.as, DEV_BASE + 0x00, 8), 0xffffffff13121110ull);
	CHECK_EQ(e.d.nlog, 1);
	CHECK_EQ(l.n, 1);
	CHECK(l.n && !strcmp(l.e[0].bad.why, "no register here: reads all ones"));
	as_destroy(&e.as);
}

/* The accesses no register takes. */
static const struct {
	uint64_t off;
	unsigned size;
	const char *why;
} misfits[] = {
	{ 0x00, 8, "width the register does not take" },
	{ 0x00, 2, "width the register does not take" },
	{ 0x0a, 4, "misaligned access to a register" },
	{ 0x04, 4, "no register here" },
	{ 0x18, 8, "no register here" },
	{ 0x2c, 8, "access runs past the register" },
};

static void check_misfits(const struct glass_region_ops *ops,
			  enum mem_status st, uint64_t ones,
			  const char *then_r, const char *then_w)
{
	struct dev_as e;
	struct ev_rec l = { 0 };
	struct event_sink sink = { EV_GUEST_ERROR | EV_MMIO, ev_rec, &l };
	char want[96];

	dev_setup(&e, ops, 0x40);
	e.as.sink = &sink;
	for (unsigned i = 0; i < sizeof(misfits) / sizeof(misfits[0]); i++) {
		uint64_t pa = DEV_BASE + misfits[i].off, v = 0x5a;
		unsigned size = misfits[i].size;

		l.n = 0;
		CHECK_EQ(as_read(&e.as, pa, size, &v, NULL), st);
		if (st == MEM_OK)
			CHECK_EQ(v, ones >> (64 - 8 * size));
		else
			CHECK_EQ(v, 0x5a);
		CHECK_EQ(as_write(&e.as, pa, size, 0, NULL), st);
		CHECK_EQ(e.d.nlog, 0);              /* never at the device */
		/* a guest error each, and the access itself unless refused */
		CHECK_EQ(l.n, st == MEM_OK ? 4 : 2);
		CHECK_EQ(l.e[0].kind, EVK_BAD_ACCESS);
		CHECK_EQ(l.e[0].bad.pa, pa);
		CHECK_EQ(l.e[0].bad.size, size);
		CHECK(l.e[0].bad.region == e.r);
		snprintf(want, sizeof(want), "%s: %s", misfits[i].why, then_r);
		CHECK(l.e[0].bad.why && !strcmp(l.e[0].bad.why, want));
		int w = st == MEM_OK ? 2 : 1;
		snprintf(want, sizeof(want), "%s: %s", misfits[i].why, then_w);
		CHECK(l.e[w].bad.why && !strcmp(l.e[w].bad.why, want));
		CHECK(l.e[w].bad.write);
		if (st == MEM_OK) {
			CHECK_EQ(l.e[1].kind, EVK_MMIO);
			CHECK_EQ(l.e[3].kind, EVK_MMIO);
		}
	}
	/* what fits goes through, and says nothing */
	l.n = 0;
	CHECK_EQ(rd(&e.as, DEV_BASE + 0x0c, 4), 0x1f1e1d1c);
	wr(&e.as, DEV_BASE + 0x25, 2, 0xabcd);
	CHECK_EQ(e.d.nlog, 2);
	CHECK_EQ(l.n, 2);
	CHECK_EQ(l.e[0].kind, EVK_MMIO);
	as_destroy(&e.as);
}

TEST(as_misfit_ones)
{
	check_misfits(&table_ones, MEM_OK, ~0ull, "reads all ones",
		      "write ignored");
}

TEST(as_misfit_zero)
{
	check_misfits(&table_zero, MEM_OK, 0, "reads zero", "write ignored");
}

/* `valid` comes first: outside it, even a ZERO device faults. */
TEST(as_valid_widths_fault_first)
{
	static const struct glass_region_ops ops = {
		.read = fake_read, .write = fake_write,
		.valid = GLASS_W4 | GLASS_W8, .impl = GLASS_W4 | GLASS_W8,
		.flags = GLASS_UNCLAIMED_ZERO, .regs = table_regs,
	};
	struct dev_as e;
	struct ev_rec l = { 0 };
	struct event_sink sink = { EV_GUEST_ERROR, ev_rec, &l };
	uint64_t v;

	dev_setup(&e, &ops, 0x40);
	e.as.sink = &sink;
	CHECK_EQ(as_read(&e.as, DEV_BASE + 0x20, 1, &v, NULL), MEM_REFUSED);
	CHECK_EQ(as_read(&e.as, DEV_BASE + 0x22, 4, &v, NULL), MEM_REFUSED);
	CHECK_EQ(l.n, 2);
	CHECK(!strcmp(l.e[0].bad.why, "width or alignment the device refuses: "
				      "access fault"));
	CHECK_EQ(rd(&e.as, DEV_BASE + 0x00, 8), 0);   /* valid, a misfit */
	CHECK_EQ(rd(&e.as, DEV_BASE + 0x20, 4), 0x33323130);
	CHECK_EQ(e.d.nlog, 1);
	as_destroy(&e.as);
}

/* A model (a plugin's) that returns bits above the access: the bus keeps
 * only the access's bytes and says so. */
static uint64_t wide_read(void *dev, uint64_t off, unsigned size,
			  const struct glass_attrs *who)
{
	return 0xabcdef0012345678ull;
}

TEST(as_model_read_wider_than_access)
{
	static const struct glass_region_ops ops = {
		.read = wide_read, .write = fake_write, .impl = GLASS_WANY,
	};
	struct dev_as e;
	struct ev_rec l = { 0 };
	struct event_sink sink = { EV_GUEST_ERROR, ev_rec, &l };

	dev_setup(&e, &ops, 0x40);
	e.as.sink = &sink;
	CHECK_EQ(rd(&e.as, DEV_BASE, 4), 0x12345678);
	CHECK_EQ(rd(&e.as, DEV_BASE, 1), 0x78);
	CHECK_EQ(l.n, 2);
	CHECK(l.n && strstr(l.e[0].bad.why, "bits beyond the access"));
	l.n = 0;
	CHECK_EQ(rd(&e.as, DEV_BASE, 8), 0xabcdef0012345678ull);
	CHECK_EQ(l.n, 0);
	as_destroy(&e.as);
}

/* An access straddling two ranges goes byte by byte, each byte as a
 * 1-byte access of its own; it is refused whole, before anything is done,
 * when one byte would be. */
TEST(as_straddle_bytes_follow_each_contract)
{
	static const struct glass_region_ops bytes_fault = {
		.read = fake_read, .write = fake_write, .valid = GLASS_WANY,
	};
	static const struct glass_region_ops words_fault = {
		.read = fake_read, .write = fake_write, .valid = GLASS_W4,
	};
	struct dev_as e;
	struct ev_rec l = { 0 };
	struct event_sink sink = { EV_GUEST_ERROR, ev_rec, &l };
	uint64_t v;

	dev_setup(&e, &bytes_fault, 0x40);
	struct region *ram = as_add_ram(&e.as, "ram", DEV_BASE + 0x40, 0x1000);
	CHECK(ram != NULL);
	e.as.sink = &sink;
	CHECK_EQ(rd(&e.as, DEV_BASE + 0x3e, 4), 0x00004f4e);
	CHECK_EQ(e.d.nlog, 2);
	as_destroy(&e.as);

	dev_setup(&e, &words_fault, 0x40);
	ram = as_add_ram(&e.as, "ram", DEV_BASE + 0x40, 0x1000);
	CHECK(ram != NULL);
	e.as.sink = &sink;
	CHECK_EQ(as_read(&e.as, DEV_BASE + 0x3e, 4, &v, NULL), MEM_REFUSED);
	CHECK_EQ(as_write(&e.as, DEV_BASE + 0x3e, 4, ~0ull, NULL), MEM_REFUSED);
	CHECK_EQ(e.d.nlog, 0);
	CHECK_EQ(ram ? ram->host[0] : 1, 0);          /* nothing written */
	CHECK_EQ(l.n, 2);
	CHECK_EQ(l.e[0].bad.pa, DEV_BASE + 0x3e);
	as_destroy(&e.as);
}

/* A CPU may remember the device at an address for its page only when
 * that device decodes all of its part of the page; the direct accessors
 * then behave as as_read/as_write. */
TEST(as_page_device_only_when_unshadowed)
{
	struct address_space as;
	static struct fake_dev big, small, over, under;
	struct region *tiny;
	uint64_t v = 0;

	as_init(&as);
	fake_fill(&big);
	fake_fill(&small);
	struct region *ram = as_add_ram(&as, "ram", 0x80000000, 0x2000);
	struct region *b = as_add_mmio(&as, "big", 0x40000000, 0x2000, 0,
				       &ops_any, &big);
	struct region *s = as_add_mmio(&as, "small", 0x10000000, 0x100, 0,
				       &ops_1, &small);
	/* "under" is shadowed by "over" in the middle of its part of a page */
	struct region *u = as_add_mmio(&as, "under", 0x20000000, 0x800, 0,
				       &ops_any, &under);
	struct region *o = as_add_mmio(&as, "over", 0x20000400, 0x10, 1,
				       &ops_any, &over);
	CHECK(ram && b && s && u && o);
	CHECK(as_page_device(&as, 0x40000000) == b);
	CHECK(as_page_device(&as, 0x40001000) == b);
	CHECK(as_page_device(&as, 0x10000010) == s); /* a part of its page */
	CHECK(as_page_device(&as, 0x10000100) == NULL); /* the hole after */
	CHECK(as_page_device(&as, 0x20000000) == NULL); /* shadowed */
	CHECK(as_page_device(&as, 0x20000404) == o);
	CHECK(as_page_device(&as, 0x80000000) == NULL); /* RAM */
	CHECK(as_page_device(&as, 0x30000000) == NULL); /* nothing */
	tiny = as_add_mmio(&as, "tiny", 0x50000000, 4, 0, &ops_any, &big);
	CHECK(tiny && as_page_device(&as, 0x50000000) == NULL);
	CHECK(region_holds(s, 0x100000fc, 4));
	CHECK(!region_holds(s, 0x100000fe, 4));
	CHECK(!region_holds(s, 0x10000100, 1));
	CHECK(!region_holds(s, 0x0ffffffc, 4));
	CHECK_EQ(as_read_dev(&as, b, 0x40000010, 4, &v, NULL), MEM_OK);
	CHECK_EQ(v, 0x23222120);
	CHECK_EQ(as_write_dev(&as, b, 0x40000010, 2, 0xffffbeef, NULL), MEM_OK);
	CHECK_EQ(big.log[big.nlog - 1].val, 0xbeef); /* only the bytes */
	CHECK_EQ(b->reads, 1);
	CHECK_EQ(b->writes, 1);
	as_destroy(&as);
}
