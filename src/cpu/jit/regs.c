/* Guest registers in host registers within a block (see regs.h). */
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include "cpu/jit/regs.h"

#include <string.h>

#include "cpu/jit/jit_internal.h"

const int8_t ra_pool[RA_POOL_SIZE] = {
	R12, R15, RBP, RSI, RDI, R8, R9, R10, R11,
};

void ra_init(struct ra *r)
{
	memset(r, 0, sizeof(*r));
	memset(r->host, -1, sizeof(r->host));
	memset(r->guest, -1, sizeof(r->guest));
}

static void touch(struct ra *r, int hr)
{
	r->stamp[hr] = ++r->clock;
	r->pinned |= 1u << hr;
}

/* A free host register, or the least recently used unpinned one after
 * storing its guest register if dirty. */
static int take(struct ra *r, struct xbuf *b)
{
	int best = -1;

	for (unsigned i = 0; i < RA_POOL_SIZE; i++) {
		int hr = ra_pool[i];
		if (r->reserved & (1u << hr))
			continue;
		if (r->guest[hr] < 0)
			return hr;
		if (r->pinned & (1u << hr))
			continue;
		if (best < 0 || (uint16_t)(r->clock - r->stamp[hr]) >
				(uint16_t)(r->clock - r->stamp[best]))
			best = hr;
	}
	/* three registers at most are pinned: best is set */
	int g = r->guest[best];
	if (r->dirty & (1u << g))
		x_store(b, 8, best, R_HART, OFF_X(g));
	r->dirty &= ~(1u << g);
	r->host[g] = -1;
	r->guest[best] = -1;
	return best;
}

int ra_get(struct ra *r, struct xbuf *b, unsigned g)
{
	int hr = r->host[g];

	if (hr < 0) {
		hr = take(r, b);
		if (g == 0)
			x_alu_rr(b, ALU_XOR, 0, hr, hr);
		else
			x_load(b, 8, false, hr, R_HART, OFF_X(g));
		r->host[g] = (int8_t)hr;
		r->guest[hr] = (int8_t)g;
	}
	touch(r, hr);
	return hr;
}

int ra_def(struct ra *r, struct xbuf *b, unsigned g)
{
	int hr = r->host[g];

	if (hr < 0) {
		hr = take(r, b);
		r->host[g] = (int8_t)hr;
		r->guest[hr] = (int8_t)g;
	}
	r->dirty |= 1u << g;
	touch(r, hr);
	return hr;
}

void ra_release(struct ra *r)
{
	r->pinned = 0;
}

void ra_store(const struct ra *r, struct xbuf *b, uint32_t mask)
{
	uint32_t d = r->dirty & mask;

	while (d) {
		unsigned g = (unsigned)__builtin_ctz(d);
		d &= d - 1;
		x_store(b, 8, r->host[g], R_HART, OFF_X(g));
	}
}

void ra_flush(struct ra *r, struct xbuf *b)
{
	ra_store(r, b, ~0u);
	r->dirty = 0;
}

void ra_forget(struct ra *r)
{
	uint16_t clock = r->clock, reserved = r->reserved;

	ra_init(r);
	r->clock = clock;
	r->reserved = reserved;
}

uint16_t ra_caller_saved(const struct ra *r)
{
	uint16_t m = 0;

	for (unsigned hr = 0; hr < 16; hr++)
		if (r->guest[hr] >= 0 && (RA_CALLER_SAVED & (1u << hr)))
			m |= (uint16_t)(1u << hr);
	return m;
}

#endif /* GLASS_JIT */

uint64_t ra_dirty_map(const struct ra *r, uint32_t clean)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < RA_POOL_SIZE; i++) {
		int g = r->guest[ra_pool[i]];
		if (g > 0 && (r->dirty & ~clean & (1u << g)))
			m |= (uint64_t)g << (5 * i);
	}
	return m;
}
