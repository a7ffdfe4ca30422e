/* The choke point: every access that is not a TLB hit on RAM comes here.
 *
 * Device contracts are enforced centrally: an access wider than the device
 * takes is split into aligned pieces, a narrower one is widened (reads
 * extract the bytes, writes read-modify-write the enclosing unit), and a
 * misaligned one is covered by aligned units. Devices never see an access
 * outside [min_size, max_size] or off their natural alignment.
 */
#include <string.h>

#include "mem/address_space.h"

/* Guest memory and device values are little-endian, and glass copies them
 * with plain memcpy: a big-endian host would need byte swaps here. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "glass needs a little-endian host");

static uint64_t le_load(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	memcpy(&v, p, size); /* the host is little-endian (asserted below) */
	return v;
}

static void le_store(uint8_t *p, unsigned size, uint64_t v)
{
	memcpy(p, &v, size);
}

static unsigned clamp_width(const struct mmio_ops *ops, unsigned size)
{
	if (size < ops->min_size)
		return ops->min_size;
	if (size > ops->max_size)
		return ops->max_size;
	return size;
}

static void notify(struct address_space *as, const struct region *r,
		   uint64_t pa, unsigned size, uint64_t val, bool write)
{
	struct bus_event e = {
		.cat = EV_MMIO, .origin = &as->origin, .region = r, .pa = pa,
		.offset = pa - r->base, .value = val, .size = size,
		.write = write, .ok = true, .devfn = -1,
	};
	as->sink->emit(as->sink->opaque, &e);
}

/* Read `size` bytes at region offset `off` from a device, honouring its
 * contract. The bytes all lie inside the region. */
static uint64_t dev_read(const struct region *r, uint64_t off, unsigned size)
{
	const struct mmio_ops *ops = r->ops;
	unsigned w = clamp_width(ops, size);

	if (w == size && (!(off & (size - 1)) ||
			  (ops->unaligned && off + size <= r->size)))
		return ops->read(r->dev, off, size);

	uint8_t buf[16];
	uint64_t first = off & ~(uint64_t)(w - 1);
	uint64_t last = (off + size - 1) & ~(uint64_t)(w - 1);
	unsigned n = 0;
	for (uint64_t u = first; u <= last && n + w <= sizeof(buf); u += w) {
		if (u + w > r->size)
			le_store(buf + n, w, 0); /* past the device: reads zero */
		else
			le_store(buf + n, w, ops->read(r->dev, u, w));
		n += w;
	}
	return le_load(buf + (off - first), size);
}

static void dev_write(const struct region *r, uint64_t off, unsigned size,
		      uint64_t val)
{
	const struct mmio_ops *ops = r->ops;
	unsigned w = clamp_width(ops, size);

	if (w == size && (!(off & (size - 1)) ||
			  (ops->unaligned && off + size <= r->size))) {
		ops->write(r->dev, off, val, size);
		return;
	}
	for (uint64_t u = off & ~(uint64_t)(w - 1); u < off + size; u += w) {
		if (u + w > r->size)
			break;
		/* bytes of this unit that the access covers */
		uint64_t lo = u > off ? u : off;
		uint64_t hi = u + w < off + size ? u + w : off + size;
		uint8_t unit[8];
		if (lo == u && hi == u + w) {
			le_store(unit, w, val >> (8 * (u - off)));
		} else {
			le_store(unit, w, ops->read(r->dev, u, w));
			for (uint64_t b = lo; b < hi; b++)
				unit[b - u] = (uint8_t)(val >> (8 * (b - off)));
		}
		ops->write(r->dev, u, le_load(unit, w), w);
	}
}

/* An access that lies inside one flat range. */
/* Note: a device access may change the map (a BAR moves), which rebuilds
 * the flat view and frees `f`; regions live in a fixed array, so only `r`
 * is used once the device has been called. */
static uint64_t read_in(struct address_space *as, const struct flat_range *f,
			uint64_t pa, unsigned size)
{
	struct region *r = f->r;
	uint64_t off = pa - r->base;

	if (r->kind != REGION_MMIO)
		return le_load(r->host + off, size);
	uint64_t v = dev_read(r, off, size);
	r->reads++;
	if (ev_on(as->sink, EV_MMIO))
		notify(as, r, pa, size, v, false);
	return v;
}

static void write_in(struct address_space *as, const struct flat_range *f,
		     uint64_t pa, unsigned size, uint64_t val)
{
	struct region *r = f->r;
	uint64_t off = pa - r->base;

	switch (r->kind) {
	case REGION_RAM:
		as_code_written(as, r, off, size);
		le_store(r->host + off, size, val);
		break;
	case REGION_ROM:
		break;
	case REGION_MMIO:
		dev_write(r, off, size, val);
		r->writes++;
		if (ev_on(as->sink, EV_MMIO))
			notify(as, r, pa, size, val, true);
		break;
	}
}

/* A strict device refuses accesses outside its contract (the bus reports
 * an error, which the CPU turns into an access fault), as QEMU does for a
 * region's valid sizes; others get them adapted. */
static bool refused(struct address_space *as, const struct flat_range *f,
		    uint64_t pa, unsigned size, bool write)
{
	const struct region *r = f->r;
	const struct mmio_ops *ops = r->ops;

	if (r->kind != REGION_MMIO || !ops->strict)
		return false;
	if (size >= ops->min_size && size <= ops->max_size &&
	    !(size & (size - 1)) && !((pa - r->base) & (size - 1)) &&
	    pa + (size - 1) <= f->end)
		return false;
	if (ev_on(as->sink, EV_GUEST_ERROR)) {
		struct bus_event e = {
			.cat = EV_GUEST_ERROR, .origin = &as->origin, .region = r,
			.pa = pa, .offset = pa - r->base, .size = size,
			.write = write, .devfn = -1,
			.what = "access width or alignment the device refuses",
		};
		as->sink->emit(as->sink->opaque, &e);
	}
	return true;
}

/* Whether the access lies in one range with a width devices can take
 * (the parts of a page-crossing access may be 3, 5, 6 or 7 bytes: those
 * go byte by byte). */
static bool inside(const struct flat_range *f, uint64_t pa, unsigned size)
{
	return !(size & (size - 1)) && pa + (size - 1) >= pa &&
	       pa + (size - 1) <= f->end;
}

/* Whether an access that straddles ranges can be done byte by byte:
 * every byte decoded, and no strict device among them. */
static enum mem_status straddle_check(struct address_space *as, uint64_t pa,
				      unsigned size)
{
	for (unsigned i = 0; i < size; i++) {
		const struct flat_range *f = as_lookup(as, pa + i);
		if (!f)
			return MEM_UNMAPPED;
		if (f->r->kind == REGION_MMIO && f->r->ops->strict)
			return MEM_REFUSED;
	}
	return MEM_OK;
}

enum mem_status as_read(struct address_space *as, uint64_t pa, unsigned size,
			uint64_t *val)
{
	const struct flat_range *f = as_lookup(as, pa);

	if (f && refused(as, f, pa, size, false))
		return MEM_REFUSED;
	if (f && inside(f, pa, size)) {
		*val = read_in(as, f, pa, size);
		return MEM_OK;
	}
	/* Straddles ranges (or the top of memory): byte by byte. Rare. */
	enum mem_status st = straddle_check(as, pa, size);
	if (st != MEM_OK)
		return st;
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= read_in(as, as_lookup(as, pa + i), pa + i, 1) << (8 * i);
	*val = v;
	return MEM_OK;
}

enum mem_status as_write(struct address_space *as, uint64_t pa, unsigned size,
			 uint64_t val)
{
	const struct flat_range *f = as_lookup(as, pa);

	if (size < 8)
		val &= (1ull << (8 * size)) - 1; /* devices see only the bytes */

	if (f && refused(as, f, pa, size, true))
		return MEM_REFUSED;
	if (f && inside(f, pa, size)) {
		write_in(as, f, pa, size, val);
		return MEM_OK;
	}
	enum mem_status st = straddle_check(as, pa, size);
	if (st != MEM_OK)
		return st; /* nothing written */
	for (unsigned i = 0; i < size; i++)
		write_in(as, as_lookup(as, pa + i), pa + i, 1,
			 (val >> (8 * i)) & 0xff);
	return MEM_OK;
}

enum mem_status as_dma_read(struct address_space *as, uint64_t pa, void *buf,
			    uint64_t len)
{
	const uint8_t *p = as_host_ptr(as, pa, len, false);

	if (!p && len)
		return MEM_UNMAPPED;
	if (len)
		memcpy(buf, p, len);
	return MEM_OK;
}

enum mem_status as_dma_write(struct address_space *as, uint64_t pa,
			     const void *buf, uint64_t len)
{
	uint8_t *p = as_host_ptr(as, pa, len, true);

	if (!p && len)
		return MEM_UNMAPPED;
	if (len)
		memcpy(p, buf, len);
	return MEM_OK;
}

enum mem_status as_load(struct address_space *as, uint64_t pa, const void *buf,
			uint64_t len)
{
	uint8_t *p = as_host_ptr(as, pa, len, false); /* ROM too */

	if (!p && len)
		return MEM_UNMAPPED;
	if (len) {
		struct region *r = as_lookup(as, pa)->r;
		as_code_written(as, r, pa - r->base, len);
		memcpy(p, buf, len);
	}
	return MEM_OK;
}
