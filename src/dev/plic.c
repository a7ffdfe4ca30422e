/* SiFive-compatible PLIC. Each source has a level-triggered gateway: an
 * asserted line makes the source pending unless it is in service (claimed);
 * a claim takes it out of pending and into service; completion ends service,
 * and a line still asserted then becomes pending again. As the RISC-V PLIC
 * spec says, a request stays pending if the line drops before the claim:
 * the handler finds nothing to do, which drivers tolerate. */
#include <stdio.h>
#include <string.h>

#include "dev/plic.h"

#define PLIC_WORDS ((PLIC_MAX_SOURCES + 31) / 32)
#define PLIC_PRIO_MASK 7u /* 3 priority bits */

#define PLIC_PRIORITY_BASE 0x0
#define PLIC_PENDING_BASE 0x1000
#define PLIC_ENABLE_BASE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_THRESHOLD 0x0 /* within a context block */
#define PLIC_CLAIM 0x4

static bool bit_get(const uint32_t *words, unsigned n)
{
	return (words[n / 32] >> (n % 32)) & 1;
}

static void bit_put(uint32_t *words, unsigned n, bool v)
{
	if (v)
		words[n / 32] |= 1u << (n % 32);
	else
		words[n / 32] &= ~(1u << (n % 32));
}

/* Bits of word `w` that name existing sources (source 0 never exists). */
static uint32_t valid_mask(const struct plic *p, unsigned w)
{
	uint32_t mask = 0;

	for (unsigned b = 0; b < 32; b++) {
		unsigned src = w * 32 + b;

		if (src >= 1 && src < p->nsources)
			mask |= 1u << b;
	}
	return mask;
}

/* The source a claim by `ctx` would return: highest priority among pending,
 * enabled sources with priority above the threshold, lowest id on ties;
 * 0 if there is none. Claimed sources are never pending, so they are out. */
static unsigned plic_best(const struct plic *p, unsigned ctx)
{
	uint32_t best_prio = p->threshold[ctx];
	unsigned best = 0;

	for (unsigned w = 0; w < PLIC_WORDS; w++) {
		uint32_t cand = p->pending[w] & p->enable[ctx][w];

		for (unsigned b = 0; cand; b++, cand >>= 1) {
			unsigned src = w * 32 + b;

			if ((cand & 1) && p->priority[src] > best_prio) {
				best_prio = p->priority[src];
				best = src;
			}
		}
	}
	return best;
}

/* Drive every context's output from the current state. */
static void plic_update(struct plic *p)
{
	for (unsigned ctx = 0; ctx < p->ncontexts; ctx++)
		irq_set(&p->ctx_out[ctx], plic_best(p, ctx) != 0);
}

static uint32_t plic_claim(struct plic *p, unsigned ctx)
{
	unsigned src = plic_best(p, ctx);

	if (src) {
		bit_put(p->pending, src, false);
		bit_put(p->claimed, src, true);
		plic_update(p);
	}
	return src;
}

/* Completion for a source the context does not enable is ignored, as the
 * spec says (Linux's eoi path temporarily enables a masked source for this
 * reason). */
static void plic_complete(struct plic *p, unsigned ctx, uint32_t src)
{
	if (src == 0 || src >= p->nsources || !bit_get(p->enable[ctx], src))
		return;
	bit_put(p->claimed, src, false);
	if (bit_get(p->level, src))
		bit_put(p->pending, src, true);
	plic_update(p);
}

static uint32_t context_read(struct plic *p, unsigned ctx, uint64_t reg)
{
	if (reg == PLIC_THRESHOLD)
		return p->threshold[ctx];
	if (reg == PLIC_CLAIM)
		return plic_claim(p, ctx);
	return 0;
}

static void context_write(struct plic *p, unsigned ctx, uint64_t reg,
			  uint32_t val)
{
	if (reg == PLIC_THRESHOLD) {
		p->threshold[ctx] = val & PLIC_PRIO_MASK;
		plic_update(p);
	} else if (reg == PLIC_CLAIM) {
		plic_complete(p, ctx, val);
	}
}

static uint64_t plic_read(void *dev, uint64_t off, unsigned size)
{
	struct plic *p = dev;

	if (off < PLIC_PENDING_BASE) {
		uint64_t src = off / 4;

		return src < p->nsources ? p->priority[src] : 0;
	}
	if (off < PLIC_PENDING_BASE + 4 * PLIC_WORDS)
		return p->pending[(off - PLIC_PENDING_BASE) / 4];
	if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
		uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx < p->ncontexts && w < PLIC_WORDS)
			return p->enable[ctx][w];
		return 0;
	}
	if (off >= PLIC_CONTEXT_BASE) {
		uint64_t ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;

		if (ctx < p->ncontexts)
			return context_read(p, ctx,
					    off % PLIC_CONTEXT_STRIDE);
	}
	return 0;
}

static void plic_write(void *dev, uint64_t off, uint64_t val, unsigned size)
{
	struct plic *p = dev;

	if (off < PLIC_PENDING_BASE) {
		uint64_t src = off / 4;

		/* source 0 does not exist: its priority stays 0 */
		if (src >= 1 && src < p->nsources) {
			p->priority[src] = val & PLIC_PRIO_MASK;
			plic_update(p);
		}
		return;
	}
	/* pending bits are read-only: only gateways set them */
	if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
		uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx < p->ncontexts && w < PLIC_WORDS) {
			p->enable[ctx][w] = (uint32_t)val & valid_mask(p, w);
			plic_update(p);
		}
		return;
	}
	if (off >= PLIC_CONTEXT_BASE) {
		uint64_t ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;

		if (ctx < p->ncontexts)
			context_write(p, ctx, off % PLIC_CONTEXT_STRIDE,
				      (uint32_t)val);
	}
}

/* The PLIC's registers are arrays indexed by source and context, too many
 * to list: each is 32 bits, named from its offset. Within a context's
 * block only threshold and claim exist. */
static const char *plic_name(uint64_t off, char *buf, size_t len)
{
	uint64_t en = off - PLIC_ENABLE_BASE, ctx = off - PLIC_CONTEXT_BASE;

	if (off < PLIC_PENDING_BASE)
		snprintf(buf, len, "priority[%u]", (unsigned)(off / 4));
	else if (off < PLIC_ENABLE_BASE)
		snprintf(buf, len, "pending[%u]",
			 (unsigned)((off - PLIC_PENDING_BASE) / 4));
	else if (off < PLIC_CONTEXT_BASE)
		snprintf(buf, len, "enable[%u][%u]",
			 (unsigned)(en / PLIC_ENABLE_STRIDE),
			 (unsigned)(en % PLIC_ENABLE_STRIDE / 4));
	else
		snprintf(buf, len, "%s[%u]",
			 ctx % PLIC_CONTEXT_STRIDE == PLIC_THRESHOLD ?
				 "threshold" : "claim",
			 (unsigned)(ctx / PLIC_CONTEXT_STRIDE));
	return buf;
}

static const struct reg_desc *plic_reg_at(uint64_t off, struct reg_desc *d,
					  char *buf, size_t len)
{
	off &= ~3ull;
	if (off >= PLIC_CONTEXT_BASE && off % PLIC_CONTEXT_STRIDE > PLIC_CLAIM)
		return NULL;
	*d = (struct reg_desc){ (uint32_t)off, 4, NULL, 0 };
	if (buf)
		d->name = plic_name(off, buf, len);
	return d;
}

const struct mmio_ops plic_ops = {
	.read = plic_read,
	.write = plic_write,
	.widths = MMIO_W4,
	.misfit = MISFIT_ADAPT,
	.reg_at = plic_reg_at,
};

/* Set up a PLIC with sources 1..nsources-1 and ncontexts outputs (both
 * clamped to the maximums); ctx_out may be NULL for unconnected outputs. */
void plic_init(struct plic *p, unsigned nsources, unsigned ncontexts,
	       const struct irq_line *ctx_out)
{
	memset(p, 0, sizeof(*p));
	p->nsources = nsources > PLIC_MAX_SOURCES ? PLIC_MAX_SOURCES : nsources;
	p->ncontexts = ncontexts > PLIC_MAX_CONTEXTS ? PLIC_MAX_CONTEXTS :
						       ncontexts;
	if (ctx_out)
		memcpy(p->ctx_out, ctx_out, p->ncontexts * sizeof(*ctx_out));
	plic_reset(p);
}

/* Clear all programmable state. Input lines are external and keep their
 * level, so an asserted source is pending again straight away. */
void plic_reset(struct plic *p)
{
	memset(p->priority, 0, sizeof(p->priority));
	memset(p->claimed, 0, sizeof(p->claimed));
	memset(p->enable, 0, sizeof(p->enable));
	memset(p->threshold, 0, sizeof(p->threshold));
	memcpy(p->pending, p->level, sizeof(p->pending));
	plic_update(p);
}

/* Gateway input: set source n's line to `level`. */
void plic_set_irq(void *plic, int n, int level)
{
	struct plic *p = plic;

	if (n <= 0 || (unsigned)n >= p->nsources)
		return;
	bit_put(p->level, n, level);
	/* Outputs only change when a request newly becomes pending. */
	if (level && !bit_get(p->claimed, n) && !bit_get(p->pending, n)) {
		bit_put(p->pending, n, true);
		plic_update(p);
	}
}
