/* CLINT: software interrupt bits and the machine timer. mtime is not stored:
 * it is derived from the virtual clock plus an offset that a guest write to
 * mtime adjusts, so it advances without anyone ticking it. */
#include <string.h>

#include "dev/clint.h"

#define CLINT_MSIP_BASE 0x0
#define CLINT_MTIMECMP_BASE 0x4000
#define CLINT_MTIME 0xbff8
#define CLINT_NS_PER_TICK (1000000000ull / CLINT_FREQ_HZ)

/* Current mtime: clock ticks since power-on plus the guest's adjustment. */
uint64_t clint_mtime(const struct clint *c)
{
	uint64_t ticks = vclock_ns(&c->clock) / CLINT_NS_PER_TICK;

	return ticks + (uint64_t)c->mtime_offset; /* wraps like the counter */
}

static void clint_set_mtime(struct clint *c, uint64_t val)
{
	uint64_t ticks = vclock_ns(&c->clock) / CLINT_NS_PER_TICK;

	c->mtime_offset = (int64_t)(val - ticks);
}

/* Raise or lower MTIP for every hart from mtime against its mtimecmp. */
void clint_update(struct clint *c)
{
	uint64_t now = clint_mtime(c);

	for (unsigned h = 0; h < c->nharts; h++)
		irq_set(&c->mtip_out[h], now >= c->mtimecmp[h]);
}

/* Virtual ns until the earliest mtimecmp is reached; 0 if one already is,
 * UINT64_MAX if no hart has a timer armed (mtimecmp = UINT64_MAX). */
uint64_t clint_ns_until_next(const struct clint *c)
{
	uint64_t ns = vclock_ns(&c->clock);
	uint64_t now = ns / CLINT_NS_PER_TICK + (uint64_t)c->mtime_offset;
	uint64_t best = UINT64_MAX;

	for (unsigned h = 0; h < c->nharts; h++) {
		uint64_t ticks, wait;

		if (c->mtimecmp[h] == UINT64_MAX)
			continue;
		if (now >= c->mtimecmp[h])
			return 0;
		ticks = c->mtimecmp[h] - now;
		if (ticks > UINT64_MAX / CLINT_NS_PER_TICK)
			continue; /* further away than we can express */
		/* mtime ticks on multiples of the tick period */
		wait = ticks * CLINT_NS_PER_TICK - ns % CLINT_NS_PER_TICK;
		if (wait < best)
			best = wait;
	}
	return best;
}

/* Look up the 64-bit register (mtime or a mtimecmp) holding `off`. */
static bool clint_get64(const struct clint *c, uint64_t off, uint64_t *val)
{
	off &= ~7ull;
	if (off == CLINT_MTIME) {
		*val = clint_mtime(c);
		return true;
	}
	if (off >= CLINT_MTIMECMP_BASE &&
	    off < CLINT_MTIMECMP_BASE + 8ull * c->nharts) {
		*val = c->mtimecmp[(off - CLINT_MTIMECMP_BASE) / 8];
		return true;
	}
	return false;
}

static void clint_put64(struct clint *c, uint64_t off, uint64_t val)
{
	off &= ~7ull;
	if (off == CLINT_MTIME)
		clint_set_mtime(c, val);
	else
		c->mtimecmp[(off - CLINT_MTIMECMP_BASE) / 8] = val;
	clint_update(c);
}

static uint32_t msip_read(const struct clint *c, uint64_t off)
{
	if (off < 4ull * c->nharts)
		return c->msip[off / 4];
	return 0;
}

static void msip_write(struct clint *c, uint64_t off, uint32_t val)
{
	unsigned h = off / 4;

	if (off >= 4ull * c->nharts)
		return;
	c->msip[h] = val & 1; /* the other 31 bits are hardwired to 0 */
	irq_set(&c->msip_out[h], c->msip[h]);
}

static uint64_t clint_read(void *dev, uint64_t off, unsigned size)
{
	struct clint *c = dev;
	uint64_t v;

	if (clint_get64(c, off, &v)) {
		if (size == 8)
			return v;
		return (off & 4) ? v >> 32 : (uint32_t)v;
	}
	return msip_read(c, off);
}

static void clint_write(void *dev, uint64_t off, uint64_t val, unsigned size)
{
	struct clint *c = dev;
	uint64_t old;

	if (clint_get64(c, off, &old)) {
		if (size == 4 && (off & 4))
			val = (old & 0xffffffffull) | val << 32;
		else if (size == 4)
			val = (old & ~0xffffffffull) | (uint32_t)val;
		clint_put64(c, off, val);
		return;
	}
	msip_write(c, off, (uint32_t)val);
}

/* msip is 32-bit (an 8-byte access is split into two); the 64-bit timer
 * registers also take their 32-bit halves, as RV32 software needs. */
static const struct reg_desc clint_regs[] = {
	{ 0x0000, 4, "msip[0]", MMIO_W4 },
	{ 0x0004, 4, "msip[1]", MMIO_W4 },
	{ 0x0008, 4, "msip[2]", MMIO_W4 },
	{ 0x000c, 4, "msip[3]", MMIO_W4 },
	{ 0x0010, 4, "msip[4]", MMIO_W4 },
	{ 0x0014, 4, "msip[5]", MMIO_W4 },
	{ 0x0018, 4, "msip[6]", MMIO_W4 },
	{ 0x001c, 4, "msip[7]", MMIO_W4 },
	{ 0x4000, 8, "mtimecmp[0]", MMIO_W4 | MMIO_W8 },
	{ 0x4008, 8, "mtimecmp[1]", MMIO_W4 | MMIO_W8 },
	{ 0x4010, 8, "mtimecmp[2]", MMIO_W4 | MMIO_W8 },
	{ 0x4018, 8, "mtimecmp[3]", MMIO_W4 | MMIO_W8 },
	{ 0x4020, 8, "mtimecmp[4]", MMIO_W4 | MMIO_W8 },
	{ 0x4028, 8, "mtimecmp[5]", MMIO_W4 | MMIO_W8 },
	{ 0x4030, 8, "mtimecmp[6]", MMIO_W4 | MMIO_W8 },
	{ 0x4038, 8, "mtimecmp[7]", MMIO_W4 | MMIO_W8 },
	{ 0xbff8, 8, "mtime", MMIO_W4 | MMIO_W8 },
	{ 0, 0, NULL, 0 },
};

const struct mmio_ops clint_ops = {
	.read = clint_read,
	.write = clint_write,
	.widths = MMIO_W4,
	.misfit = MISFIT_ADAPT,
	.regs = clint_regs,
};

/* Set up a CLINT for nharts harts (clamped to CLINT_MAX_HARTS); the output
 * arrays may be NULL for unconnected lines. */
void clint_init(struct clint *c, unsigned nharts, struct vclock clock,
		const struct irq_line *msip_out, const struct irq_line *mtip_out)
{
	memset(c, 0, sizeof(*c));
	c->nharts = nharts > CLINT_MAX_HARTS ? CLINT_MAX_HARTS : nharts;
	c->clock = clock;
	if (msip_out)
		memcpy(c->msip_out, msip_out, c->nharts * sizeof(*msip_out));
	if (mtip_out)
		memcpy(c->mtip_out, mtip_out, c->nharts * sizeof(*mtip_out));
	clint_reset(c);
}

/* No software interrupts, no timers armed, mtime back to clock ticks. */
void clint_reset(struct clint *c)
{
	c->mtime_offset = 0;
	for (unsigned h = 0; h < c->nharts; h++) {
		c->msip[h] = 0;
		c->mtimecmp[h] = UINT64_MAX;
		irq_set(&c->msip_out[h], 0);
	}
	clint_update(c);
}
