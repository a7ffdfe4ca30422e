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

struct plic_state {
	uint32_t priority[PLIC_MAX_SOURCES];
	uint32_t level[PLIC_WORDS];    /* input line state */
	uint32_t pending[PLIC_WORDS];
	uint32_t claimed[PLIC_WORDS];  /* in service */
	uint32_t enable[PLIC_MAX_CONTEXTS][PLIC_WORDS];
	uint32_t threshold[PLIC_MAX_CONTEXTS];
};

struct plic {
	struct plic_state s;
	struct glass_device *dev;
	unsigned nsources;  /* sources 1..nsources-1 */
	unsigned ncontexts;
};
#include "device/fdt_node.h"

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
	uint32_t best_prio = p->s.threshold[ctx];
	unsigned best = 0;

	for (unsigned w = 0; w < PLIC_WORDS; w++) {
		uint32_t cand = p->s.pending[w] & p->s.enable[ctx][w];

		for (unsigned b = 0; cand; b++, cand >>= 1) {
			unsigned src = w * 32 + b;

			if ((cand & 1) && p->s.priority[src] > best_prio) {
				best_prio = p->s.priority[src];
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
		glass_irq_set(p->dev, ctx, plic_best(p, ctx) != 0);
}

static uint32_t plic_claim(struct plic *p, unsigned ctx)
{
	unsigned src = plic_best(p, ctx);

	if (src) {
		bit_put(p->s.pending, src, false);
		bit_put(p->s.claimed, src, true);
		plic_update(p);
	}
	return src;
}

/* Completion for a source the context does not enable is ignored, as the
 * spec says (Linux's eoi path temporarily enables a masked source for this
 * reason). */
static void plic_complete(struct plic *p, unsigned ctx, uint32_t src)
{
	if (src == 0 || src >= p->nsources || !bit_get(p->s.enable[ctx], src))
		return;
	bit_put(p->s.claimed, src, false);
	if (bit_get(p->s.level, src))
		bit_put(p->s.pending, src, true);
	plic_update(p);
}

static uint32_t context_read(struct plic *p, unsigned ctx, uint64_t reg)
{
	if (reg == PLIC_THRESHOLD)
		return p->s.threshold[ctx];
	if (reg == PLIC_CLAIM)
		return plic_claim(p, ctx);
	return 0;
}

static void context_write(struct plic *p, unsigned ctx, uint64_t reg,
			  uint32_t val)
{
	if (reg == PLIC_THRESHOLD) {
		p->s.threshold[ctx] = val & PLIC_PRIO_MASK;
		plic_update(p);
	} else if (reg == PLIC_CLAIM) {
		plic_complete(p, ctx, val);
	}
}

static uint64_t plic_read(void *dev, uint64_t off, unsigned size,
			 const struct glass_attrs *who)
{
	struct plic *p = dev;

	if (off < PLIC_PENDING_BASE) {
		uint64_t src = off / 4;

		return src < p->nsources ? p->s.priority[src] : 0;
	}
	if (off < PLIC_PENDING_BASE + 4 * PLIC_WORDS)
		return p->s.pending[(off - PLIC_PENDING_BASE) / 4];
	if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
		uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx < p->ncontexts && w < PLIC_WORDS)
			return p->s.enable[ctx][w];
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

static void plic_write(void *dev, uint64_t off, uint64_t val, unsigned size,
		       const struct glass_attrs *who)
{
	struct plic *p = dev;

	if (off < PLIC_PENDING_BASE) {
		uint64_t src = off / 4;

		/* source 0 does not exist: its priority stays 0 */
		if (src >= 1 && src < p->nsources) {
			p->s.priority[src] = val & PLIC_PRIO_MASK;
			plic_update(p);
		}
		return;
	}
	/* pending bits are read-only: only gateways set them */
	if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
		uint64_t ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx < p->ncontexts && w < PLIC_WORDS) {
			p->s.enable[ctx][w] = (uint32_t)val & valid_mask(p, w);
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

static const struct glass_reg *plic_reg_at(uint64_t off, struct glass_reg *d,
					   char *buf, size_t len)
{
	off &= ~3ull;
	if (off >= PLIC_CONTEXT_BASE && off % PLIC_CONTEXT_STRIDE > PLIC_CLAIM)
		return NULL;
	*d = (struct glass_reg){ (uint32_t)off, 4, NULL, 0 };
	if (buf)
		d->name = plic_name(off, buf, len);
	return d;
}

/* 32-bit registers; other widths are adapted. The holes of a context's
 * block read zero, as on QEMU's. */
static const struct glass_region_ops plic_ops = {
	.read = plic_read,
	.write = plic_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED,
	.impl = GLASS_W4,
	.flags = GLASS_UNCLAIMED_ZERO,
	.reg_at = plic_reg_at,
};

/* Clear all programmable state. Input lines are external and keep their
 * level, so an asserted source is pending again straight away (the
 * machine resets the PLIC after the devices whose lines it sees, so after
 * a system reset nothing is pending). */
static void plic_reset(void *self)
{
	struct plic *p = self;

	memset(p->s.priority, 0, sizeof(p->s.priority));
	memset(p->s.claimed, 0, sizeof(p->s.claimed));
	memset(p->s.enable, 0, sizeof(p->s.enable));
	memset(p->s.threshold, 0, sizeof(p->s.threshold));
	memcpy(p->s.pending, p->s.level, sizeof(p->s.pending));
	plic_update(p);
}

/* Gateway input: set source n's line to `level`. */
void plic_set_irq(void *plic, int n, int level)
{
	struct plic *p = plic;

	if (n <= 0 || (unsigned)n >= p->nsources)
		return;
	bit_put(p->s.level, n, level);
	/* Outputs only change when a request newly becomes pending. */
	if (level && !bit_get(p->s.claimed, n) && !bit_get(p->s.pending, n)) {
		bit_put(p->s.pending, n, true);
		plic_update(p);
	}
}

static int plic_realize(void *self, struct glass_device *dev)
{
	struct plic *p = self;
	uint64_t harts = 1, sources = PLIC_MAX_SOURCES;

	p->dev = dev;
	glass_prop_uint(dev, "harts", &harts);
	glass_prop_uint(dev, "sources", &sources);
	if (harts < 1 || 2 * harts > PLIC_MAX_CONTEXTS || sources < 2 ||
	    sources > PLIC_MAX_SOURCES) {
		glass_error(dev, "harts=%llu sources=%llu: at most %d harts "
			    "and %d sources", (unsigned long long)harts,
			    (unsigned long long)sources, PLIC_MAX_CONTEXTS / 2,
			    PLIC_MAX_SOURCES);
		return -1;
	}
	p->ncontexts = 2 * (unsigned)harts;
	p->nsources = (unsigned)sources;
	return glass_platform_mmio(dev, 0, PLIC_SIZE, &plic_ops, p);
}

/* Two contexts per hart: M external (11) and S external (9). */
static int plic_fdt(void *self, struct glass_fdt *fdt)
{
	static const char *const compat[] = { "sifive,plic-1.0.0",
					      "riscv,plic0", NULL };
	struct plic *p = self;
	uint32_t cells[2 * PLIC_MAX_CONTEXTS];

	if (glass_fdt_begin(fdt, "plic") < 0)
		return -1;
	glass_fdt_prop_strings(fdt, "compatible", compat);
	glass_fdt_prop_u32(fdt, "#interrupt-cells", 1);
	glass_fdt_prop_u32(fdt, "#address-cells", 0);
	glass_fdt_prop_empty(fdt, "interrupt-controller");
	glass_fdt_prop_u32(fdt, "riscv,ndev", p->nsources - 1);
	device_fdt_set_phandle(fdt, FDT_PHANDLE_PLIC);
	for (unsigned c = 0; c < p->ncontexts; c++) {
		cells[2 * c] = FDT_PHANDLE_CPU_INTC(c / 2);
		cells[2 * c + 1] = c % 2 ? 9 : 11;
	}
	glass_fdt_prop_cells(fdt, "interrupts-extended", cells,
			     2 * p->ncontexts);
	return 0;
}

static void plic_info(void *self, char *buf, size_t len)
{
	struct plic *p = self;
	int n = snprintf(buf, len, "pending:");

	for (unsigned src = 1; src < p->nsources && n > 0 && (size_t)n < len; src++)
		if (bit_get(p->s.pending, src) || bit_get(p->s.claimed, src))
			n += snprintf(buf + n, len - n, " %u%s", src,
				      bit_get(p->s.claimed, src) ? "(claimed)" : "");
}

static const struct glass_prop plic_props[] = {
	{ "harts", GLASS_PROP_UINT, "1", "harts (two contexts each: M, S)" },
	{ "sources", GLASS_PROP_UINT, "96", "interrupt sources, 1..sources-1" },
	{ NULL, 0, NULL, NULL },
};

/* A restored state names only sources and contexts this PLIC has, with
 * priorities and thresholds of its 3 bits. */
static int plic_post_load(void *self)
{
	struct plic *p = self;
	bool ok = true;

	for (unsigned w = 0; w < PLIC_WORDS; w++) {
		uint32_t bad = ~valid_mask(p, w);
		ok = ok && !(p->s.pending[w] & bad) && !(p->s.claimed[w] & bad);
		for (unsigned c = 0; c < PLIC_MAX_CONTEXTS; c++)
			ok = ok && !(p->s.enable[c][w] & bad);
	}
	for (unsigned i = 0; i < PLIC_MAX_SOURCES; i++)
		ok = ok && p->s.priority[i] <= PLIC_PRIO_MASK;
	for (unsigned c = 0; c < PLIC_MAX_CONTEXTS; c++)
		ok = ok && p->s.threshold[c] <= PLIC_PRIO_MASK;
	if (!ok)
		glass_error(p->dev, "saved state names sources, priorities or "
			    "contexts this PLIC does not have");
	return ok ? 0 : -1;
}

const struct glass_device_class plic_class = {
	.name = "plic",
	.desc = "SiFive platform-level interrupt controller",
	.bus = GLASS_BUS_PLATFORM,
	.props = plic_props,
	.instance_size = sizeof(struct plic),
	.state_size = sizeof(struct plic_state),
	.state_version = 1,
	.platform_size = PLIC_SIZE,
	.realize = plic_realize,
	.reset = plic_reset,
	.post_load = plic_post_load,
	.info = plic_info,
	.fdt_node = plic_fdt,
};
