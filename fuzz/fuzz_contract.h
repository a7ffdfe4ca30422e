/* The bus contract of include/glass/bus.h, worked out here on its own and
 * checked at every device entry and on every access's outcome (fuzz_mmio,
 * fuzz_plugin).
 *
 * contract_shim_all() puts a shim in front of every device region of an
 * address space. Each call a model gets must be a piece the contract
 * allows: 1, 2, 4 or 8 bytes inside the region (window offsets), a width
 * `impl` takes (impl 0: valid's; valid 0: any), aligned unless impl has
 * GLASS_UNALIGNED, fitting a register (a width it takes, its widths 0
 * meaning impl's; aligned unless they have GLASS_UNALIGNED; inside it; a
 * region without a table is one register as large as itself), and made
 * with the attributes of the access (`who`). Written values hold only the
 * accessed bytes.
 *
 * contract_access() makes an access (as_read/as_write) and checks that it
 * came to exactly what the contract says:
 * 1. outside `valid` it is refused (MEM_REFUSED) with one guest-error
 *    event, and no model is called;
 * 2. one `impl` takes as it is is one piece; any other is split or widened
 *    into aligned pieces of impl's widest width not wider than the access
 *    (else its narrowest); a write reads, modifies and writes a piece it
 *    covers only in part; a piece not wholly inside the region reads 0 and
 *    is not written;
 * 3. a piece that fits no register never reaches the model: it reads all
 *    ones (zero with GLASS_UNCLAIMED_ZERO), a write is dropped, and the
 *    access has one guest-error event;
 * 4. bits a model's read returns above the piece are dropped, with a
 *    guest-error event each time.
 * An access not inside one range is made byte by byte, unless a byte is
 * not decoded (MEM_UNMAPPED) or lies in a device whose valid refuses one
 * byte (MEM_REFUSED, one guest-error event); then nothing is done. The
 * calls each region gets, in order and with their values, the value read,
 * the status, the guest-error and mmio events and the regions' access
 * counts must all be what that says.
 */
#ifndef GLASS_FUZZ_CONTRACT_H
#define GLASS_FUZZ_CONTRACT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "mem/address_space.h"

#define CONTRACT_MAX_CALLS 64

struct contract;

struct shim {
	struct contract *c;
	struct region *g;            /* the region it stands in for */
	const struct glass_region_ops *real;
	void *dev;
	struct glass_region_ops ops; /* what the address space calls */
};

/* A call a model got during an access. */
struct call {
	const struct shim *s;
	uint64_t off;
	unsigned size;
	bool write;
	uint64_t val;                /* written, or what the model returned */
};

struct contract {
	struct address_space *as;
	struct fuzz_sink *fsink;
	struct shim shims[AS_MAX_REGIONS];
	unsigned nshims;
	struct glass_attrs who;      /* what accesses are made with */
	bool recording;              /* an access is being made */
	struct call calls[CONTRACT_MAX_CALLS];
	unsigned ncalls;
};

static inline uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static inline bool width_ok(uint8_t widths, uint64_t off, unsigned size)
{
	return (size & widths) &&
	       ((widths & GLASS_UNALIGNED) || !(off & (size - 1)));
}

static inline uint8_t valid_of(const struct glass_region_ops *o)
{
	return o->valid ? o->valid : GLASS_WANY;
}

static inline uint8_t impl_of(const struct glass_region_ops *o)
{
	return o->impl ? o->impl : valid_of(o);
}

/* Window offsets the region covers: [lo, hi). */
static inline uint64_t shim_lo(const struct shim *s)
{
	return s->g->dev_offset;
}

static inline uint64_t shim_hi(const struct shim *s)
{
	return s->g->dev_offset + s->g->size;
}

/* The register covering window offset off of a region with a table or
 * reg_at (scratch for a computed one), or NULL. Looked up here, not with
 * mem/mmio.c's helpers. */
static inline const struct glass_reg *shim_reg(const struct shim *s,
					       uint64_t off,
					       struct glass_reg *scratch)
{
	const struct glass_region_ops *o = s->real;

	if (o->reg_at)
		return o->reg_at(off, scratch, NULL, 0);
	for (const struct glass_reg *r = o->regs; r->name; r++)
		if (off >= r->offset && off - r->offset < r->size)
			return r;
	return NULL;
}

/* Whether a piece of size bytes at off fits a register. A region without
 * registers is one as large as itself (which may be more than a
 * register's 32-bit size holds: a PCI window). */
static inline bool fits(const struct shim *s, uint64_t off, unsigned size)
{
	struct glass_reg scratch;
	uint8_t impl = impl_of(s->real);

	if (!s->real->regs && !s->real->reg_at)
		return width_ok(impl, off, size) && off >= shim_lo(s) &&
		       off + size <= shim_hi(s);
	const struct glass_reg *d = shim_reg(s, off, &scratch);
	uint8_t w = d && d->widths ? d->widths : impl;

	return d && width_ok(w, off, size) && off >= d->offset &&
	       off + size <= (uint64_t)d->offset + d->size;
}

static inline void shim_check(struct shim *s, uint64_t off, unsigned size,
			      const struct glass_attrs *who)
{
	FUZZ_CHECK(s->c->recording);    /* only ever for an access */
	FUZZ_CHECK(who == &s->c->who);
	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	FUZZ_CHECK(off >= shim_lo(s) && off + size <= shim_hi(s));
	FUZZ_CHECK(width_ok(impl_of(s->real), off, size));
	FUZZ_CHECK(fits(s, off, size));
}

static inline void shim_log(struct shim *s, uint64_t off, unsigned size,
			    bool write, uint64_t val)
{
	struct contract *c = s->c;

	FUZZ_CHECK(c->ncalls < CONTRACT_MAX_CALLS);
	c->calls[c->ncalls++] = (struct call){ s, off, size, write, val };
}

static inline uint64_t shim_read(void *opaque, uint64_t off, unsigned size,
				 const struct glass_attrs *who)
{
	struct shim *s = opaque;

	shim_check(s, off, size, who);
	uint64_t v = s->real->read(s->dev, off, size, who);
	shim_log(s, off, size, false, v);
	return v;
}

static inline void shim_write(void *opaque, uint64_t off, uint64_t val,
			      unsigned size, const struct glass_attrs *who)
{
	struct shim *s = opaque;

	shim_check(s, off, size, who);
	FUZZ_CHECK(size == 8 || !(val >> (8 * size)));
	shim_log(s, off, size, true, val);
	s->real->write(s->dev, off, val, size, who);
}

static inline void contract_init(struct contract *c, struct address_space *as,
				 struct fuzz_sink *fsink)
{
	memset(c, 0, sizeof(*c));
	c->as = as;
	c->fsink = fsink;
	c->who = (struct glass_attrs){ .initiator = 0, .priv = 3 };
}

/* A shim in front of every device region that has none yet. */
static inline void contract_shim_all(struct contract *c)
{
	for (int i = 0; i < c->as->nregions; i++) {
		struct region *g = &c->as->regions[i];
		if (g->kind != REGION_MMIO || !g->ops ||
		    g->ops->read == shim_read)
			continue;
		FUZZ_CHECK(c->nshims < AS_MAX_REGIONS);
		struct shim *s = &c->shims[c->nshims++];
		*s = (struct shim){ .c = c, .g = g, .real = g->ops,
				    .dev = g->dev };
		s->ops = *g->ops;
		s->ops.read = shim_read;
		s->ops.write = shim_write;
		g->ops = &s->ops;
		g->dev = s;
	}
}

static inline struct shim *contract_shim_of(struct contract *c,
					    const struct region *g)
{
	for (unsigned i = 0; i < c->nshims; i++)
		if (c->shims[i].g == g)
			return &c->shims[i];
	return NULL;
}

/* ---- what the contract says an access comes to ---- */

struct outcome {
	enum mem_status st;
	uint64_t value;
	uint64_t bad, mmio;          /* guest-error and mmio events */
};

/* The next call the models got must be this one; returns its value. */
static inline uint64_t expect_call(struct contract *c, unsigned *next,
				   const struct shim *s, uint64_t off,
				   unsigned size, bool write, uint64_t val)
{
	FUZZ_CHECK(*next < c->ncalls);
	const struct call *k = &c->calls[(*next)++];
	FUZZ_CHECK(k->s == s && k->off == off && k->size == size &&
		   k->write == write);
	if (write)
		FUZZ_CHECK(k->val == val);
	return k->val;
}

/* The width of the pieces of an access of n bytes that impl does not
 * take as it is: the widest impl width not wider than the access, else
 * the narrowest. */
static inline unsigned unit_of(uint8_t impl, unsigned n)
{
	for (unsigned w = 8; w; w >>= 1)
		if (w <= n && (impl & w))
			return w;
	for (unsigned w = 1; w <= 8; w <<= 1)
		if (impl & w)
			return w;
	return 0;
}

static inline bool piece_inside(const struct shim *s, uint64_t u, unsigned w)
{
	return u >= shim_lo(s) && u + w <= shim_hi(s);
}

/* Piece [u, u + w) of a write of n bytes at off: its new value, from the
 * old one (pv) and the access's bytes. */
static inline uint64_t merge(uint64_t pv, uint64_t u, unsigned w,
			     uint64_t off, unsigned n, uint64_t wval)
{
	for (uint64_t b = u; b < u + w; b++) {
		if (b < off || b >= off + n)
			continue;
		uint64_t byte = (wval >> (8 * (b - off))) & 0xff;
		pv &= ~(0xffull << (8 * (b - u)));
		pv |= byte << (8 * (b - u));
	}
	return pv;
}

/* One access of n (1, 2, 4 or 8) bytes inside region s at window offset
 * off, that valid allows: its pieces, the calls they make (consumed from
 * the log at *next), the value read (*val) and the events. */
static inline void expect_pieces(struct contract *c, const struct shim *s,
				 uint64_t off, unsigned n, bool write,
				 uint64_t wval, unsigned *next,
				 uint64_t *val, struct outcome *o)
{
	uint8_t impl = impl_of(s->real);
	bool whole = width_ok(impl, off, n);
	unsigned w = whole ? n : unit_of(impl, n);
	uint8_t buf[24] = { 0 };
	bool unclaimed = false;

	FUZZ_CHECK(w);
	uint64_t first = whole ? off : off & ~(uint64_t)(w - 1);
	for (uint64_t u = first; u < off + n; u += w) {
		uint64_t pv = 0;
		bool in = piece_inside(s, u, w), fit = in && fits(s, u, w);
		if (in && !fit) {
			unclaimed = true;
			if (!(s->real->flags & GLASS_UNCLAIMED_ZERO))
				pv = mask_of(w);
		} else if (fit && (!write || u < off || u + w > off + n)) {
			pv = expect_call(c, next, s, u, w, false, 0);
			if (pv & ~mask_of(w))
				o->bad++;     /* a model bug, reported */
			pv &= mask_of(w);
		}
		if (fit && write)
			expect_call(c, next, s, u, w, true,
				    merge(pv, u, w, off, n, wval));
		memcpy(buf + (u - first), &pv, w);
	}
	o->bad += unclaimed;
	o->mmio++;
	*val = 0;
	memcpy(val, buf + (off - first), n);
}

/* The region of the flat range holding all n bytes at pa, or NULL.
 * (Regions stay where they are; the flat view is rebuilt, and its ranges
 * freed, when an access moves a BAR.) */
static inline const struct region *one_range(struct contract *c, uint64_t pa,
					     unsigned n)
{
	const struct flat_range *f = as_lookup(c->as, pa);

	if (!f || pa + (n - 1) < pa || pa + (n - 1) > f->end)
		return NULL;
	return f->r;
}

static inline const struct region *region_at(struct contract *c, uint64_t pa)
{
	const struct flat_range *f = as_lookup(c->as, pa);

	return f ? f->r : NULL;
}

/* The part of an access in one region: a device access, or RAM/ROM. */
static inline void expect_part(struct contract *c, const struct region *g,
			       uint64_t pa, unsigned n, bool write,
			       uint64_t wval, unsigned *next, uint64_t *val,
			       struct outcome *o)
{
	*val = 0;
	if (g->kind != REGION_MMIO) {
		if (!write)
			memcpy(val, g->host + (pa - g->base), n);
		return;
	}
	const struct shim *s = contract_shim_of(c, g);
	uint64_t off = pa - g->base + g->dev_offset;
	FUZZ_CHECK(s);
	if (!width_ok(valid_of(s->real), off, n)) {
		o->st = MEM_REFUSED;
		o->bad++;
		return;
	}
	expect_pieces(c, s, off, n, write, wval, next, val, o);
}

/* What an access must come to, worked out from the regions it fell in
 * before it was made (`one`: all of it; else bytes[i] for each byte) and
 * the calls the models got while it was. */
static inline struct outcome expect(struct contract *c, uint64_t pa,
				    unsigned size, bool write, uint64_t wval,
				    const struct outcome *got,
				    const struct region *one,
				    const struct region *const *bytes)
{
	struct outcome o = { MEM_OK, 0, 0, 0 };
	bool unmapped = false, refused = false;
	unsigned next = 0;
	uint64_t v;

	if (one) {
		expect_part(c, one, pa, size, write, wval, &next, &v, &o);
		o.value = v;
		goto done;
	}
	/* byte by byte, or nothing at all if a byte is not decoded or is in
	 * a device whose valid refuses single bytes (either may be what
	 * is reported when both are true) */
	for (unsigned i = 0; i < size; i++) {
		const struct region *g = bytes[i];
		unmapped |= !g;
		refused |= g && g->kind == REGION_MMIO &&
			   !(valid_of(contract_shim_of(c, g)->real) &
			     GLASS_W1);
	}
	if (unmapped || refused) {
		FUZZ_CHECK(got->st == MEM_REFUSED ? refused :
			   got->st == MEM_UNMAPPED && unmapped);
		o.st = got->st;
		o.bad = got->st == MEM_REFUSED;
		goto done;
	}
	for (unsigned i = 0; i < size; i++) {
		expect_part(c, bytes[i], pa + i, 1, write, wval >> (8 * i),
			    &next, &v, &o);
		o.value |= (v & 0xff) << (8 * i);
	}
done:
	FUZZ_CHECK(next == c->ncalls);       /* no call more */
	if (write || o.st != MEM_OK)
		o.value = got->value;
	return o;
}

/* Device accesses the regions have counted (for --stats). */
static inline uint64_t served(const struct contract *c)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < c->nshims; i++)
		n += c->shims[i].g->reads + c->shims[i].g->writes;
	return n;
}

/* Make an access as c->who and check what it came to; returns its status
 * (and the value read in *out, if any). */
static inline enum mem_status contract_access(struct contract *c,
					      uint64_t pa, unsigned size,
					      bool write, uint64_t val,
					      uint64_t *out)
{
	const struct region *one = one_range(c, pa, size), *bytes[8];
	uint64_t bad0 = c->fsink->count[EVK_BAD_ACCESS];
	uint64_t mmio0 = c->fsink->count[EVK_MMIO];
	uint64_t served0 = served(c);
	struct outcome got = { MEM_OK, 0x5a5a5a5a5a5a5a5aull, 0, 0 };

	for (unsigned i = 0; !one && i < size; i++)
		bytes[i] = region_at(c, pa + i);
	c->ncalls = 0;
	c->recording = true;
	got.st = write ? as_write(c->as, pa, size, val, &c->who) :
			 as_read(c->as, pa, size, &got.value, &c->who);
	c->recording = false;
	if (!write && got.st == MEM_OK)
		FUZZ_CHECK(size == 8 || !(got.value >> (8 * size)));

	struct outcome want = expect(c, pa, size, write, val & mask_of(size),
				     &got, one, bytes);
	FUZZ_CHECK(got.st == want.st);
	FUZZ_CHECK(got.value == want.value);
	if (c->fsink->sink.mask & EV_GUEST_ERROR)
		FUZZ_CHECK(c->fsink->count[EVK_BAD_ACCESS] - bad0 == want.bad);
	if (c->fsink->sink.mask & EV_MMIO)
		FUZZ_CHECK(c->fsink->count[EVK_MMIO] - mmio0 == want.mmio);
	FUZZ_CHECK(served(c) - served0 == want.mmio);
	if (out)
		*out = got.value;
	return got.st;
}

#endif
