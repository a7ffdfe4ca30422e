/* The choke point: every access that is not a TLB hit on RAM comes here.
 *
 * Device contracts are enforced centrally, from the device's register
 * table (mem/mmio.h): an access a register takes goes to the device as it
 * is; any other is adapted (split into pieces or widened, reads extracting
 * the bytes, writes read-modify-writing the enclosing unit), refused, or
 * answered with all ones or zero, as the device's misfit policy says.
 * Devices never see an access their registers do not take.
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

/* The trace and guest-error emitters are kept out of line and cold, so the
 * access path around them compiles the same with tracing built in or not
 * (bench/trace_overhead.py) and stays small enough to inline. */
static __attribute__((cold, noinline)) void
notify(struct address_space *as, const struct region *r, uint64_t pa,
       unsigned size, uint64_t val, bool write)
{
	struct bus_event e = {
		.cat = EV_MMIO, .origin = &as->origin, .region = r, .pa = pa,
		.offset = pa - r->base, .value = val, .size = size,
		.write = write, .ok = true, .devfn = -1,
	};
	as->sink->emit(as->sink->opaque, &e);
}

/* What the bus does with one device access. */
enum how { SERVE, ADAPT, REFUSE, ONES, ZERO };

/* What was wrong with an access the bus did not serve as it was. */
enum why { WHY_VALID, WHY_HOLE, WHY_WIDTH, WHY_ALIGN, WHY_SPAN };

struct plan {
	enum how how;
	unsigned unit;        /* ADAPT: the width of the pieces */
	enum why why;         /* REFUSE, ONES, ZERO */
};

/* What came of it, for the guest-error event. */
enum then { THEN_FAULT, THEN_ONES, THEN_ZERO, THEN_IGNORED };

/* The guest-error events' text: why, and what came of it (static, since
 * event sinks may keep the pointer). */
#define WHAT(why) { why ": access fault", why ": reads all ones", \
		    why ": reads zero", why ": write ignored" }
static const char *const what_text[][4] = {
	[WHY_VALID] = WHAT("width or alignment the device refuses"),
	[WHY_HOLE] = WHAT("no register here"),
	[WHY_WIDTH] = WHAT("width the register does not take"),
	[WHY_ALIGN] = WHAT("misaligned access to a register"),
	[WHY_SPAN] = WHAT("access runs past the register"),
};

/* The width of the pieces an access of `size` is adapted to: the widest
 * of `widths` not wider than the access (split), else the narrowest
 * (widen). For the usual contiguous widths, `size` clamped to them. */
static unsigned adapt_unit(uint8_t widths, unsigned size)
{
	unsigned w;

	for (w = size; w; w >>= 1)
		if (widths & w)
			return w;
	for (w = size << 1; w <= 8; w <<= 1)
		if (widths & w)
			return w;
	return 1; /* no widths at all: a broken table; bytes are safe */
}

static struct plan plan_adapt(uint8_t widths, uint64_t off, unsigned size)
{
	unsigned w = adapt_unit(widths, size);

	if (w == size && mmio_width_ok(widths, off, size))
		return (struct plan){ SERVE, 0, 0 };
	return (struct plan){ ADAPT, w, 0 };
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

/* Off the fast path: look the register up. A device without a table is
 * one register as large as its region. */
static struct plan plan_slow(struct region *r, uint64_t off, unsigned size)
{
	static const enum how policy[] = {
		[MISFIT_FAULT] = REFUSE, [MISFIT_ONES] = ONES,
		[MISFIT_ZERO] = ZERO,
	};
	const struct mmio_ops *ops = r->ops;
	bool plain = !ops->regs && !ops->reg_at;
	struct reg_desc scratch;
	const struct reg_desc *d = NULL;

	if (!plain)
		d = mmio_reg_at(ops, off, &scratch, NULL, 0);
	uint8_t widths = mmio_reg_widths(ops, d);
	if (ops->misfit == MISFIT_ADAPT)
		return plan_adapt(widths, off, size);
	if (plain ? mmio_width_ok(widths, off, size) :
		    mmio_reg_fits(ops, d, off, size)) {
		if (d) {
			r->fit_lo = d->offset;
			r->fit_hi = (uint64_t)d->offset + d->size;
			r->fit_widths = widths;
		}
		return (struct plan){ SERVE, 0, 0 };
	}
	return (struct plan){ policy[ops->misfit], 0,
			      misfit_why(plain || d, widths, off, size) };
}

/* The access of `size` (1, 2, 4 or 8) at region offset `off` goes to the
 * device as it is, found without a register lookup: every register of an
 * adapting device takes the device's `widths` (the UART's byte accesses),
 * and an access that fits the register the last one fitted fits again (a
 * driver polling edu's status). Most accesses are decided here. */
static inline bool serve_as_is(const struct region *r, uint64_t off,
			       unsigned size)
{
	const struct mmio_ops *ops = r->ops;

	if (ops->valid && !mmio_width_ok(ops->valid, off, size))
		return false;
	if (ops->misfit == MISFIT_ADAPT)
		return mmio_width_ok(ops->widths, off, size);
	return off >= r->fit_lo && off + size <= r->fit_hi &&
	       mmio_width_ok(r->fit_widths, off, size);
}

/* Everything else, out of line: QEMU-style valid sizes, then the lookup. */
static __attribute__((noinline)) struct plan plan_other(struct region *r,
							uint64_t off,
							unsigned size)
{
	const struct mmio_ops *ops = r->ops;

	if (ops->valid && !mmio_width_ok(ops->valid, off, size))
		return (struct plan){ REFUSE, 0, WHY_VALID };
	return plan_slow(r, off, size);
}

/* How to serve an access of `size` at region offset `off`; the bytes all
 * lie inside the region. Inline, so the common answer costs no call. */
static inline __attribute__((always_inline)) struct plan
plan_access(struct region *r, uint64_t off, unsigned size)
{
	if (serve_as_is(r, off, size))
		return (struct plan){ SERVE, 0, 0 };
	return plan_other(r, off, size);
}


/* Read `size` bytes at `off` as aligned pieces of `w` bytes. */
static uint64_t adapt_read(const struct region *r, uint64_t off, unsigned size,
			   unsigned w)
{
	uint8_t buf[16];
	uint64_t first = off & ~(uint64_t)(w - 1);
	uint64_t last = (off + size - 1) & ~(uint64_t)(w - 1);
	unsigned n = 0;

	for (uint64_t u = first; u <= last && n + w <= sizeof(buf); u += w) {
		if (u + w > r->size)
			le_store(buf + n, w, 0); /* past the device: reads zero */
		else
			le_store(buf + n, w, r->ops->read(r->dev, u, w));
		n += w;
	}
	return le_load(buf + (off - first), size);
}

/* Write `size` bytes at `off` as aligned pieces of `w` bytes; a piece the
 * access covers only in part is read, modified and written. */
static void adapt_write(const struct region *r, uint64_t off, unsigned size,
			uint64_t val, unsigned w)
{
	const struct mmio_ops *ops = r->ops;

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

/* A guest-error event for an access the device's registers do not take. */
static __attribute__((cold, noinline)) void
misfit_event(struct address_space *as, const struct region *r, uint64_t pa,
	     unsigned size, bool write, const struct plan *p)
{
	enum then then = p->how == REFUSE ? THEN_FAULT :
			 write            ? THEN_IGNORED :
			 p->how == ONES   ? THEN_ONES :
					    THEN_ZERO;

	if (!ev_on(as->sink, EV_GUEST_ERROR))
		return;
	struct bus_event e = {
		.cat = EV_GUEST_ERROR, .origin = &as->origin, .region = r,
		.pa = pa, .offset = pa - r->base, .size = size,
		.write = write, .devfn = -1, .what = what_text[p->why][then],
	};
	as->sink->emit(as->sink->opaque, &e);
}

/* Note: a device access may change the map (a BAR moves), which rebuilds
 * the flat view and frees the flat range; regions live in a fixed array,
 * so only `r` is used once the device has been called. */
static enum mem_status mmio_read(struct address_space *as, struct region *r,
				 uint64_t pa, unsigned size, uint64_t *val)
{
	uint64_t off = pa - r->base;
	struct plan p = plan_access(r, off, size);
	uint64_t v = 0;

	switch (p.how) {
	case SERVE:
		v = r->ops->read(r->dev, off, size);
		break;
	case ADAPT:
		v = adapt_read(r, off, size, p.unit);
		break;
	case REFUSE:
		misfit_event(as, r, pa, size, false, &p);
		return MEM_REFUSED;
	case ONES:
	case ZERO:
		misfit_event(as, r, pa, size, false, &p);
		v = p.how == ONES ? ~0ull >> (64 - 8 * size) : 0;
		break;
	}
	r->reads++;
	if (ev_on(as->sink, EV_MMIO))
		notify(as, r, pa, size, v, false);
	*val = v;
	return MEM_OK;
}

static enum mem_status mmio_write(struct address_space *as, struct region *r,
				  uint64_t pa, unsigned size, uint64_t val)
{
	uint64_t off = pa - r->base;
	struct plan p = plan_access(r, off, size);

	switch (p.how) {
	case SERVE:
		r->ops->write(r->dev, off, val, size);
		break;
	case ADAPT:
		adapt_write(r, off, size, val, p.unit);
		break;
	case REFUSE:
		misfit_event(as, r, pa, size, true, &p);
		return MEM_REFUSED;
	case ONES:
	case ZERO:
		misfit_event(as, r, pa, size, true, &p); /* dropped */
		break;
	}
	r->writes++;
	if (ev_on(as->sink, EV_MMIO))
		notify(as, r, pa, size, val, true);
	return MEM_OK;
}

/* An access that lies inside one flat range; for a device, one that
 * straddle_check() has found it does not refuse. */
static uint64_t read_in(struct address_space *as, const struct flat_range *f,
			uint64_t pa, unsigned size)
{
	struct region *r = f->r;
	uint64_t off = pa - r->base;
	uint64_t v = 0;

	if (r->kind != REGION_MMIO)
		return le_load(r->host + off, size);
	mmio_read(as, r, pa, size, &v);
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
		mmio_write(as, r, pa, size, val);
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
 * every byte decoded, and none of them in a device that refuses a 1-byte
 * access there (then the whole access is refused, nothing is done). */
static enum mem_status straddle_check(struct address_space *as, uint64_t pa,
				      unsigned size, bool write)
{
	for (unsigned i = 0; i < size; i++) {
		const struct flat_range *f = as_lookup(as, pa + i);
		if (!f)
			return MEM_UNMAPPED;
		if (f->r->kind != REGION_MMIO)
			continue;
		struct plan p = plan_access(f->r, pa + i - f->r->base, 1);
		if (p.how == REFUSE) {
			misfit_event(as, f->r, pa + i, 1, write, &p);
			return MEM_REFUSED;
		}
	}
	return MEM_OK;
}

enum mem_status as_read_dev(struct address_space *as, struct region *r,
			    uint64_t pa, unsigned size, uint64_t *val)
{
	return mmio_read(as, r, pa, size, val);
}

enum mem_status as_write_dev(struct address_space *as, struct region *r,
			     uint64_t pa, unsigned size, uint64_t val)
{
	if (size < 8)
		val &= (1ull << (8 * size)) - 1; /* devices see only the bytes */
	return mmio_write(as, r, pa, size, val);
}

enum mem_status as_read(struct address_space *as, uint64_t pa, unsigned size,
			uint64_t *val)
{
	const struct flat_range *f = as_lookup(as, pa);

	if (f && inside(f, pa, size)) {
		if (f->r->kind == REGION_MMIO)
			return mmio_read(as, f->r, pa, size, val);
		*val = read_in(as, f, pa, size);
		return MEM_OK;
	}
	/* Straddles ranges (or the top of memory): byte by byte. Rare. */
	enum mem_status st = straddle_check(as, pa, size, false);
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

	if (f && inside(f, pa, size)) {
		if (f->r->kind == REGION_MMIO)
			return mmio_write(as, f->r, pa, size, val);
		write_in(as, f, pa, size, val);
		return MEM_OK;
	}
	enum mem_status st = straddle_check(as, pa, size, true);
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
