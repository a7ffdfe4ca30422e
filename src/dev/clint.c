/* CLINT: software interrupt bits and the machine timer. mtime is not stored:
 * it is derived from the virtual clock plus an offset that a guest write to
 * mtime adjusts, so it advances without anyone ticking it. Each hart's
 * mtimecmp is a timer on virtual time, so MTIP rises exactly when mtime
 * reaches it and an idle machine knows how long it may sleep.
 *
 * It is two regions, as the ACLINT specification splits it: MSWI (the
 * 32-bit msip registers: an 8-byte access becomes two 4-byte ones) and
 * MTIMER (mtimecmp and mtime, 64-bit, also taken as 32-bit halves). */
#include <stdio.h>
#include <string.h>

#include "dev/clint.h"
#include "device/fdt_node.h"

#define CLINT_MSIP_BASE 0x0
#define CLINT_MTIMER_BASE 0x4000
#define CLINT_MTIMECMP_BASE 0x4000
#define CLINT_MTIME 0xbff8
#define CLINT_NS_PER_TICK (1000000000ull / CLINT_FREQ_HZ)

struct clint_state {
	uint32_t msip[CLINT_MAX_HARTS];
	uint64_t mtimecmp[CLINT_MAX_HARTS];
	int64_t mtime_offset;  /* mtime = clock ticks + offset (mtime is writable) */
};

struct clint {
	struct clint_state s;
	struct glass_device *dev;
	unsigned nharts;
	struct glass_timer *timer[CLINT_MAX_HARTS];
};

uint64_t clint_mtime(void *clint)
{
	struct clint *c = clint;
	uint64_t ticks = glass_clock_ns(c->dev) / CLINT_NS_PER_TICK;

	return ticks + (uint64_t)c->s.mtime_offset; /* wraps like the counter */
}

static void clint_set_mtime(struct clint *c, uint64_t val)
{
	uint64_t ticks = glass_clock_ns(c->dev) / CLINT_NS_PER_TICK;

	c->s.mtime_offset = (int64_t)(val - ticks);
}

/* Raise or lower MTIP for every hart from mtime against its mtimecmp, and
 * arm each hart's timer for the moment mtime reaches mtimecmp. */
static void clint_update(struct clint *c)
{
	uint64_t now = clint_mtime(c);

	for (unsigned h = 0; h < c->nharts; h++) {
		uint64_t cmp = c->s.mtimecmp[h];
		uint64_t ticks = cmp - (uint64_t)c->s.mtime_offset;

		glass_irq_set(c->dev, c->nharts + h, now >= cmp);
		if (now >= cmp || cmp == UINT64_MAX ||
		    ticks > UINT64_MAX / CLINT_NS_PER_TICK)
			glass_timer_cancel(c->timer[h]);
		else
			glass_timer_arm(c->timer[h], ticks * CLINT_NS_PER_TICK);
	}
}

static void clint_timer_fired(void *opaque)
{
	clint_update(opaque);
}

/* ---- MTIMER: mtimecmp[h] and mtime, 64-bit or 32-bit halves ---- */

static uint64_t *mtimecmp_of(struct clint *c, uint64_t off)
{
	off &= ~7ull;
	if (off < CLINT_MTIMECMP_BASE ||
	    off >= CLINT_MTIMECMP_BASE + 8ull * c->nharts)
		return NULL;
	return &c->s.mtimecmp[(off - CLINT_MTIMECMP_BASE) / 8];
}

static uint64_t mtimer_get(struct clint *c, uint64_t off)
{
	uint64_t *cmp = mtimecmp_of(c, off);

	if ((off & ~7ull) == CLINT_MTIME)
		return clint_mtime(c);
	return cmp ? *cmp : 0;
}

static uint64_t mtimer_read(void *opaque, uint64_t off, unsigned size,
			    const struct glass_attrs *who)
{
	uint64_t v = mtimer_get(opaque, off);

	if (size == 8)
		return v;
	return (off & 4) ? v >> 32 : (uint32_t)v;
}

static void mtimer_write(void *opaque, uint64_t off, uint64_t val,
			 unsigned size, const struct glass_attrs *who)
{
	struct clint *c = opaque;
	uint64_t old = mtimer_get(c, off);
	uint64_t *cmp = mtimecmp_of(c, off);

	if (size == 4 && (off & 4))
		val = (old & 0xffffffffull) | val << 32;
	else if (size == 4)
		val = (old & ~0xffffffffull) | (uint32_t)val;
	if ((off & ~7ull) == CLINT_MTIME)
		clint_set_mtime(c, val);
	else if (cmp)
		*cmp = val;
	clint_update(c);
}

#define TIMER_W (GLASS_W4 | GLASS_W8)
static const struct glass_reg mtimer_regs[] = {
	{ 0x4000, 8, "mtimecmp[0]", TIMER_W },
	{ 0x4008, 8, "mtimecmp[1]", TIMER_W },
	{ 0x4010, 8, "mtimecmp[2]", TIMER_W },
	{ 0x4018, 8, "mtimecmp[3]", TIMER_W },
	{ 0x4020, 8, "mtimecmp[4]", TIMER_W },
	{ 0x4028, 8, "mtimecmp[5]", TIMER_W },
	{ 0x4030, 8, "mtimecmp[6]", TIMER_W },
	{ 0x4038, 8, "mtimecmp[7]", TIMER_W },
	{ 0xbff8, 8, "mtime", TIMER_W },
	{ 0, 0, NULL, 0 },
};

static const struct glass_region_ops mtimer_ops = {
	.read = mtimer_read,
	.write = mtimer_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED,
	.impl = GLASS_W4 | GLASS_W8,
	.flags = GLASS_UNCLAIMED_ZERO,
	.regs = mtimer_regs,
};

/* ---- MSWI: msip[h], 32-bit ---- */

static uint64_t mswi_read(void *opaque, uint64_t off, unsigned size,
			  const struct glass_attrs *who)
{
	struct clint *c = opaque;

	return off / 4 < c->nharts ? c->s.msip[off / 4] : 0;
}

static void mswi_write(void *opaque, uint64_t off, uint64_t val,
		       unsigned size, const struct glass_attrs *who)
{
	struct clint *c = opaque;
	unsigned h = off / 4;

	if (h >= c->nharts)
		return;
	c->s.msip[h] = val & 1; /* the other 31 bits are hardwired to 0 */
	glass_irq_set(c->dev, h, c->s.msip[h]);
}

static const struct glass_reg mswi_regs[] = {
	{ 0x0000, 4, "msip[0]", GLASS_W4 },
	{ 0x0004, 4, "msip[1]", GLASS_W4 },
	{ 0x0008, 4, "msip[2]", GLASS_W4 },
	{ 0x000c, 4, "msip[3]", GLASS_W4 },
	{ 0x0010, 4, "msip[4]", GLASS_W4 },
	{ 0x0014, 4, "msip[5]", GLASS_W4 },
	{ 0x0018, 4, "msip[6]", GLASS_W4 },
	{ 0x001c, 4, "msip[7]", GLASS_W4 },
	{ 0, 0, NULL, 0 },
};

static const struct glass_region_ops mswi_ops = {
	.read = mswi_read,
	.write = mswi_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED,
	.impl = GLASS_W4,
	.flags = GLASS_UNCLAIMED_ZERO,
	.regs = mswi_regs,
};

static int clint_realize(void *self, struct glass_device *dev)
{
	struct clint *c = self;
	uint64_t harts = 1;

	c->dev = dev;
	glass_prop_uint(dev, "harts", &harts);
	if (harts < 1 || harts > CLINT_MAX_HARTS) {
		glass_error(dev, "harts=%llu: 1..%d", (unsigned long long)harts,
			    CLINT_MAX_HARTS);
		return -1;
	}
	c->nharts = (unsigned)harts;
	for (unsigned h = 0; h < c->nharts; h++)
		if (!(c->timer[h] = glass_timer_new(dev, clint_timer_fired, c)))
			return -1;
	if (glass_platform_mmio(dev, CLINT_MSIP_BASE, CLINT_MTIMER_BASE,
				&mswi_ops, c) < 0)
		return -1;
	return glass_platform_mmio(dev, CLINT_MTIMER_BASE,
				   CLINT_SIZE - CLINT_MTIMER_BASE, &mtimer_ops,
				   c);
}

/* No software interrupts, no timers armed, mtime back to clock ticks. */
static void clint_reset(void *self)
{
	struct clint *c = self;

	memset(&c->s, 0, sizeof(c->s));
	for (unsigned h = 0; h < CLINT_MAX_HARTS; h++)
		c->s.mtimecmp[h] = UINT64_MAX;
	clint_update(c);
}

static int clint_post_load(void *self)
{
	struct clint *c = self;

	for (unsigned h = 0; h < CLINT_MAX_HARTS; h++) {
		if (c->s.msip[h] > 1) {
			glass_error(c->dev, "saved msip is neither 0 nor 1");
			return -1;
		}
	}
	return 0;
}

static int clint_fdt(void *self, struct glass_fdt *fdt)
{
	static const char *const compat[] = { "sifive,clint0", "riscv,clint0",
					      NULL };
	struct clint *c = self;
	uint32_t cells[4 * CLINT_MAX_HARTS];

	if (glass_fdt_begin(fdt, "clint") < 0)
		return -1;
	glass_fdt_prop_strings(fdt, "compatible", compat);
	for (unsigned h = 0; h < c->nharts; h++) {
		cells[4 * h] = FDT_PHANDLE_CPU_INTC(h);
		cells[4 * h + 1] = 3;   /* machine software interrupt */
		cells[4 * h + 2] = FDT_PHANDLE_CPU_INTC(h);
		cells[4 * h + 3] = 7;   /* machine timer interrupt */
	}
	glass_fdt_prop_cells(fdt, "interrupts-extended", cells, 4 * c->nharts);
	return 0;
}

static void clint_info(void *self, char *buf, size_t len)
{
	struct clint *c = self;
	int n = snprintf(buf, len, "mtime %llu", (unsigned long long)clint_mtime(c));

	for (unsigned h = 0; h < c->nharts && n > 0 && (size_t)n < len; h++)
		n += snprintf(buf + n, len - n, ", hart%u msip %u mtimecmp %s%llx",
			      h, c->s.msip[h],
			      c->s.mtimecmp[h] == UINT64_MAX ? "(off) 0x" : "0x",
			      (unsigned long long)c->s.mtimecmp[h]);
}

static const struct glass_prop clint_props[] = {
	{ "harts", GLASS_PROP_UINT, "1", "number of harts it serves" },
	{ NULL, 0, NULL, NULL },
};

const struct glass_device_class clint_class = {
	.name = "clint",
	.desc = "SiFive CLINT: software interrupts and the machine timer",
	.bus = GLASS_BUS_PLATFORM,
	.props = clint_props,
	.instance_size = sizeof(struct clint),
	.state_size = sizeof(struct clint_state),
	.state_version = 1,
	.platform_size = CLINT_SIZE,
	.realize = clint_realize,
	.reset = clint_reset,
	.post_load = clint_post_load,
	.info = clint_info,
	.fdt_node = clint_fdt,
};
