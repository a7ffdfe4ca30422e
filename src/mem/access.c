/* The choke point: every access that is not a TLB hit on RAM comes here.
 *
 * Device contracts are enforced centrally (include/glass/bus.h states
 * them): an access outside the region's `valid` widths is refused; one
 * outside `impl` is split or widened into pieces of impl's widths; and a
 * piece no register takes never reaches the model: it reads all ones (or
 * zero) and writes nothing. Devices never see an access their registers
 * do not take.
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
	memcpy(&v, p, size);
	return v;
}

static void le_store(uint8_t *p, unsigned size, uint64_t v)
{
	memcpy(p, &v, size);
}

/* The trace and guest-error emitters are kept out of line and cold, so the
 * access path around them compiles the same with tracing built in or not
 * (bench/trace_overhead.py) and stays small enough to inline. */
static __attribute__((cold, noinline)) void
notify(struct address_space *as, const struct region *r, uint64_t pa,
       unsigned size, uint64_t val, bool write, const struct glass_attrs *who)
{
	struct bus_event e = {
		.kind = EVK_MMIO, .who = who,
		.mmio = { .region = r, .pa = pa,
			  .offset = pa - r->base + r->dev_offset, .value = val,
			  .size = (uint8_t)size, .write = write },
	};
	as->sink->emit(as->sink->opaque, &e);
}

/* What the bus does with one device access. */
enum how { SERVE, ADAPT, REFUSE, UNCLAIMED };

/* What was wrong with an access the bus did not serve as it was. */
enum why { WHY_VALID, WHY_HOLE, WHY_WIDTH, WHY_ALIGN, WHY_SPAN, WHY_MODEL };

struct plan {
	enum how how;
	unsigned unit;        /* ADAPT: the width of the pieces */
	enum why why;         /* REFUSE, UNCLAIMED */
};

/* What came of it, for the guest-error event. */
enum then { THEN_FAULT, THEN_ONES, THEN_ZERO, THEN_IGNORED };

/* The guest-error events' text: why, and what came of it. */
#define WHAT(why) { why ": access fault", why ": reads all ones", \
		    why ": reads zero", why ": write ignored" }
static const char *const what_text[][4] = {
	[WHY_VALID] = WHAT("width or alignment the device refuses"),
	[WHY_HOLE] = WHAT("no register here"),
	[WHY_WIDTH] = WHAT("width the register does not take"),
	[WHY_ALIGN] = WHAT("misaligned access to a register"),
	[WHY_SPAN] = WHAT("access runs past the register"),
	[WHY_MODEL] = { [0 ... 3] = "device model returned bits beyond the "
			 "access size: dropped" },
};

/* The width of the pieces an access of `size` is adapted to: the widest
 * of `widths` not wider than the access (split), else the narrowest
 * (widen). */
static unsigned adapt_unit(uint8_t widths, unsigned size)
{
	unsigned w;

	for (w = size; w; w >>= 1)
		if (widths & w)
			return w;
	for (w = size << 1; w <= 8; w <<= 1)
		if (widths & w)
			return w;
	return 1; /* no widths at all: refused by mmio_ops_check */
}

static enum why misfit_why(bool found, uint8_t widths, uint64_t off,
			   unsigned size)
{
	if (!found)
		return WHY_HOLE;
	if (!(size & widths))
		return WHY_WIDTH;
	if (!mmio_width_ok(widths, off, size))
		return WHY_ALIGN;
	return WHY_SPAN;
}

/* Whether a piece of `size` at window offset `off` (of a width impl
 * takes) fits a register; if not, *why says what is wrong. A fit is
 * remembered for the next access. */
static bool piece_fits(struct region *r, uint64_t off, unsigned size,
		       enum why *why)
{
	const struct glass_region_ops *ops = r->ops;
	struct glass_reg scratch;

	if (!mmio_has_regs(ops))
		return true;
	const struct glass_reg *d = mmio_reg_at(ops, off, &scratch, NULL, 0);
	if (mmio_reg_fits(ops, d, off, size)) {
		r->fit_lo = d->offset;
		r->fit_hi = (uint64_t)d->offset + d->size;
		/* what the fast path may serve as is: widths the register,
		 * impl and valid all take (GLASS_UNALIGNED only if all do) */
		r->fit_widths = mmio_reg_widths(ops, d) & mmio_impl(ops) &
				mmio_valid(ops);
		return true;
	}
	*why = misfit_why(d != NULL, mmio_reg_widths(ops, d), off, size);
	return false;
}

/* Everything else, out of line: valid, impl, then the lookup. */
static __attribute__((noinline)) struct plan plan_other(struct region *r,
							uint64_t off,
							unsigned size)
{
	const struct glass_region_ops *ops = r->ops;
	uint8_t impl = mmio_impl(ops);
	enum why why = WHY_HOLE;

	if (!mmio_width_ok(mmio_valid(ops), off, size))
		return (struct plan){ REFUSE, 0, WHY_VALID };
	if (!mmio_width_ok(impl, off, size))
		return (struct plan){ ADAPT, adapt_unit(impl, size), 0 };
	if (piece_fits(r, off, size, &why))
		return (struct plan){ SERVE, 0, 0 };
	return (struct plan){ UNCLAIMED, 0, why };
}

/* A guest-error event for an access the bus did not serve as asked. */
static __attribute__((cold, noinline)) void
bad_event(struct address_space *as, const struct region *r, uint64_t pa,
	  unsigned size, bool write, enum why why, enum then then,
	  const struct glass_attrs *who)
{
	if (!ev_on(as->sink, EV_GUEST_ERROR))
		return;
	struct bus_event e = {
		.kind = EVK_BAD_ACCESS, .who = who,
		.bad = { .region = r, .pa = pa,
			 .offset = pa - r->base + r->dev_offset,
			 .size = (uint8_t)size, .write = write,
			 .why = what_text[why][then] },
	};
	as->sink->emit(as->sink->opaque, &e);
}

static enum then read_fill_then(const struct region *r)
{
	return r->ops->flags & GLASS_UNCLAIMED_ZERO ? THEN_ZERO : THEN_ONES;
}

static uint64_t fill_value(const struct region *r, unsigned size)
{
	return r->ops->flags & GLASS_UNCLAIMED_ZERO ? 0 : as_size_mask(size);
}

/* A value the model read, keeping only the bytes of the access: bits
 * above them are a model bug (a plugin's), reported and dropped. */
static uint64_t model_bits(struct address_space *as, struct region *r,
			   uint64_t off, unsigned size, uint64_t v,
			   const struct glass_attrs *who)
{
	if (__builtin_expect(v & ~as_size_mask(size), 0)) {
		bad_event(as, r, r->base + off - r->dev_offset, size, false,
			  WHY_MODEL, THEN_IGNORED, who);
		v &= as_size_mask(size);
	}
	return v;
}

/* Call the model's read (model_bits). */
static uint64_t model_read(struct address_space *as, struct region *r,
			   uint64_t off, unsigned size,
			   const struct glass_attrs *who)
{
	return model_bits(as, r, off, size,
			  r->ops->read(r->dev, off, size, who), who);
}

/* Read `size` bytes at window offset `off` as aligned pieces of `w`
 * bytes; pieces no register takes read the fill value, pieces not wholly
 * inside the region (past its end, or before an unaligned start) zero.
 * Returns whether every piece was served, with *why for the first that
 * was not. */
static uint64_t adapt_read(struct address_space *as, struct region *r,
			   uint64_t off, unsigned size, unsigned w,
			   const struct glass_attrs *who, bool *all,
			   enum why *why)
{
	uint8_t buf[16];
	uint64_t first = off & ~(uint64_t)(w - 1);
	uint64_t last = (off + size - 1) & ~(uint64_t)(w - 1);
	uint64_t end = r->dev_offset + r->size;
	unsigned n = 0;

	*all = true;
	for (uint64_t u = first; u <= last && n + w <= sizeof(buf); u += w) {
		uint64_t v = 0;   /* outside the region: reads zero */
		bool in = u >= r->dev_offset && u + w <= end;
		enum why pw;
		if (in && piece_fits(r, u, w, &pw)) {
			v = model_read(as, r, u, w, who);
		} else if (in) {
			if (*all)
				*why = pw;
			*all = false;
			v = fill_value(r, w);
		}
		le_store(buf + n, w, v);
		n += w;
	}
	return le_load(buf + (off - first), size);
}

/* Write `size` bytes at window offset `off` as aligned pieces of `w`
 * bytes; a piece the access covers only in part is read, modified and
 * written; pieces no register takes, or not wholly inside the region,
 * are dropped. */
static void adapt_write(struct address_space *as, struct region *r,
			uint64_t off, unsigned size, uint64_t val, unsigned w,
			const struct glass_attrs *who, bool *all,
			enum why *why)
{
	const struct glass_region_ops *ops = r->ops;
	uint64_t end = r->dev_offset + r->size;
	enum why w_why;

	*all = true;
	for (uint64_t u = off & ~(uint64_t)(w - 1); u < off + size; u += w) {
		if (u < r->dev_offset)
			continue;     /* before the region (an unaligned start) */
		if (u + w > end)
			break;
		if (!piece_fits(r, u, w, &w_why)) {
			if (*all)
				*why = w_why;
			*all = false;
			continue;
		}
		/* bytes of this unit that the access covers */
		uint64_t lo = u > off ? u : off;
		uint64_t hi = u + w < off + size ? u + w : off + size;
		uint8_t unit[8];
		if (lo == u && hi == u + w) {
			le_store(unit, w, val >> (8 * (u - off)));
		} else {
			le_store(unit, w, model_read(as, r, u, w, who));
			for (uint64_t b = lo; b < hi; b++)
				unit[b - u] = (uint8_t)(val >> (8 * (b - off)));
		}
		ops->write(r->dev, u, le_load(unit, w), w, who);
	}
}

/* Note: a device access may change the map (a BAR moves), which rebuilds
 * the flat view and frees the flat range; regions live in a fixed array,
 * so only `r` is used once the device has been called. */
static enum mem_status mmio_read(struct address_space *as, struct region *r,
				 uint64_t pa, unsigned size, uint64_t *val,
				 const struct glass_attrs *who)
{
	uint64_t off = pa - r->base + r->dev_offset;
	struct plan p;
	uint64_t v = 0;
	bool all;

	if (as_serves_as_is(r, off, size)) {
		*val = as_read_served(as, r, pa, size, who);
		return MEM_OK;
	}
	p = plan_other(r, off, size);
	switch (p.how) {
	case SERVE:
		v = model_read(as, r, off, size, who);
		break;
	case ADAPT:
		v = adapt_read(as, r, off, size, p.unit, who, &all, &p.why);
		if (!all)
			bad_event(as, r, pa, size, false, p.why,
				  read_fill_then(r), who);
		break;
	case REFUSE:
		bad_event(as, r, pa, size, false, p.why, THEN_FAULT, who);
		return MEM_REFUSED;
	case UNCLAIMED:
		bad_event(as, r, pa, size, false, p.why, read_fill_then(r), who);
		v = fill_value(r, size);
		break;
	}
	*val = as_read_served_rest(as, r, pa, off, size, v, who);
	return MEM_OK;
}

static enum mem_status mmio_write(struct address_space *as, struct region *r,
				  uint64_t pa, unsigned size, uint64_t val,
				  const struct glass_attrs *who)
{
	uint64_t off = pa - r->base + r->dev_offset;
	struct plan p;
	bool all;

	if (as_serves_as_is(r, off, size)) {
		as_write_served(as, r, pa, size, val, who);
		return MEM_OK;
	}
	p = plan_other(r, off, size);
	switch (p.how) {
	case SERVE:
		r->ops->write(r->dev, off, val, size, who);
		break;
	case ADAPT:
		adapt_write(as, r, off, size, val, p.unit, who, &all, &p.why);
		if (!all)
			bad_event(as, r, pa, size, true, p.why, THEN_IGNORED,
				  who);
		break;
	case REFUSE:
		bad_event(as, r, pa, size, true, p.why, THEN_FAULT, who);
		return MEM_REFUSED;
	case UNCLAIMED:
		bad_event(as, r, pa, size, true, p.why, THEN_IGNORED, who);
		break;
	}
	as_write_served_rest(as, r, pa, size, val, who);
	return MEM_OK;
}

uint64_t as_read_served_rest(struct address_space *as, struct region *r,
			     uint64_t pa, uint64_t off, unsigned size,
			     uint64_t v, const struct glass_attrs *who)
{
	v = model_bits(as, r, off, size, v, who);
	r->reads++;
	if (ev_on(as->sink, EV_MMIO))
		notify(as, r, pa, size, v, false, who);
	return v;
}

void as_write_served_rest(struct address_space *as, struct region *r,
			  uint64_t pa, unsigned size, uint64_t val,
			  const struct glass_attrs *who)
{
	r->writes++;
	if (ev_on(as->sink, EV_MMIO))
		notify(as, r, pa, size, val, true, who);
}

/* An access that lies inside one flat range; for a device, one that
 * straddle_check() has found it does not refuse. */
static uint64_t read_in(struct address_space *as, const struct flat_range *f,
			uint64_t pa, unsigned size,
			const struct glass_attrs *who)
{
	struct region *r = f->r;
	uint64_t v = 0;

	if (r->kind != REGION_MMIO)
		return le_load(r->host + (pa - r->base), size);
	mmio_read(as, r, pa, size, &v, who);
	return v;
}

static void write_in(struct address_space *as, const struct flat_range *f,
		     uint64_t pa, unsigned size, uint64_t val,
		     const struct glass_attrs *who)
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
		mmio_write(as, r, pa, size, val, who);
		break;
	}
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
 * every byte decoded, and none of them in a device whose `valid` refuses
 * a 1-byte access there (then the whole access is refused, nothing is
 * done). */
static enum mem_status straddle_check(struct address_space *as, uint64_t pa,
				      unsigned size, bool write,
				      const struct glass_attrs *who)
{
	for (unsigned i = 0; i < size; i++) {
		const struct flat_range *f = as_lookup(as, pa + i);
		if (!f)
			return MEM_UNMAPPED;
		struct region *r = f->r;
		if (r->kind != REGION_MMIO)
			continue;
		uint64_t off = pa + i - r->base + r->dev_offset;
		if (!mmio_width_ok(mmio_valid(r->ops), off, 1)) {
			bad_event(as, r, pa + i, 1, write, WHY_VALID,
				  THEN_FAULT, who);
			return MEM_REFUSED;
		}
	}
	return MEM_OK;
}

enum mem_status as_read_dev(struct address_space *as, struct region *r,
			    uint64_t pa, unsigned size, uint64_t *val,
			    const struct glass_attrs *who)
{
	return mmio_read(as, r, pa, size, val, who);
}

enum mem_status as_write_dev(struct address_space *as, struct region *r,
			     uint64_t pa, unsigned size, uint64_t val,
			     const struct glass_attrs *who)
{
	return mmio_write(as, r, pa, size, val & as_size_mask(size), who);
}

enum mem_status as_read(struct address_space *as, uint64_t pa, unsigned size,
			uint64_t *val, const struct glass_attrs *who)
{
	const struct flat_range *f = as_lookup(as, pa);

	if (f && inside(f, pa, size)) {
		if (f->r->kind == REGION_MMIO)
			return mmio_read(as, f->r, pa, size, val, who);
		*val = read_in(as, f, pa, size, who);
		return MEM_OK;
	}
	/* Straddles ranges (or the top of memory): byte by byte. Rare. */
	enum mem_status st = straddle_check(as, pa, size, false, who);
	if (st != MEM_OK)
		return st;
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= read_in(as, as_lookup(as, pa + i), pa + i, 1, who)
		     << (8 * i);
	*val = v;
	return MEM_OK;
}

enum mem_status as_write(struct address_space *as, uint64_t pa, unsigned size,
			 uint64_t val, const struct glass_attrs *who)
{
	const struct flat_range *f = as_lookup(as, pa);

	val &= as_size_mask(size); /* devices see only the bytes */
	if (f && inside(f, pa, size)) {
		if (f->r->kind == REGION_MMIO)
			return mmio_write(as, f->r, pa, size, val, who);
		write_in(as, f, pa, size, val, who);
		return MEM_OK;
	}
	enum mem_status st = straddle_check(as, pa, size, true, who);
	if (st != MEM_OK)
		return st; /* nothing written */
	for (unsigned i = 0; i < size; i++)
		write_in(as, as_lookup(as, pa + i), pa + i, 1,
			 (val >> (8 * i)) & 0xff, who);
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
