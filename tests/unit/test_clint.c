/* CLINT model, driven through clint_ops as the bus would, on a fake clock. */
#include <string.h>

#include "dev/clint.h"
#include "harness.h"
#include "mem/address_space.h"

#define NHARTS 2

struct clint_env {
	struct clint c;
	uint64_t now_ns;
	int msip[NHARTS];
	int mtip[NHARTS];
};

static uint64_t env_now(void *opaque)
{
	return ((struct clint_env *)opaque)->now_ns;
}

static void env_msip(void *opaque, int n, int level)
{
	((struct clint_env *)opaque)->msip[n] = level;
}

static void env_mtip(void *opaque, int n, int level)
{
	((struct clint_env *)opaque)->mtip[n] = level;
}

static void env_init(struct clint_env *e, uint64_t now_ns)
{
	struct irq_line ms[NHARTS], mt[NHARTS];
	struct vclock clock = { env_now, e };

	memset(e, 0, sizeof(*e));
	e->now_ns = now_ns;
	for (int h = 0; h < NHARTS; h++) {
		ms[h] = (struct irq_line){ env_msip, e, h };
		mt[h] = (struct irq_line){ env_mtip, e, h };
		e->msip[h] = -1;
		e->mtip[h] = -1;
	}
	clint_init(&e->c, NHARTS, clock, ms, mt);
}

static uint64_t rd(struct clint_env *e, uint64_t off, unsigned size)
{
	return clint_ops.read(&e->c, off, size);
}

static void wr(struct clint_env *e, uint64_t off, uint64_t val, unsigned size)
{
	clint_ops.write(&e->c, off, val, size);
}

TEST(clint_ops_shape)
{
	CHECK_EQ(clint_ops.widths, MMIO_W4);
	CHECK_EQ(clint_ops.misfit, MISFIT_ADAPT);
	CHECK(clint_ops.regs != NULL);
	/* msip is 32-bit; the timer registers take 8 bytes or a half */
	CHECK_EQ(reg_find(clint_ops.regs, 0x4)->widths, MMIO_W4);
	CHECK_EQ(reg_find(clint_ops.regs, 0x4038)->widths, MMIO_W4 | MMIO_W8);
	CHECK_EQ(reg_find(clint_ops.regs, 0xbffc)->widths, MMIO_W4 | MMIO_W8);
}

/* The CLINT behind a real bus, which adapts what its registers do not
 * take: an 8-byte access to msip becomes two 4-byte ones, narrow ones are
 * widened to 4 bytes. */
#define CLINT_BASE 0x2000000ull

static void bus_init(struct clint_env *e, struct address_space *as)
{
	env_init(e, 0);
	as_init(as);
	CHECK(as_add_mmio(as, "clint", CLINT_BASE, CLINT_SIZE, 1, &clint_ops,
			  &e->c) != NULL);
}

static uint64_t bus_rd(struct address_space *as, uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;

	CHECK_EQ(as_read(as, CLINT_BASE + off, size, &v), MEM_OK);
	return v;
}

static void bus_wr(struct address_space *as, uint64_t off, uint64_t v,
		   unsigned size)
{
	CHECK_EQ(as_write(as, CLINT_BASE + off, size, v), MEM_OK);
}

TEST(clint_bus_adapts_msip_and_narrow)
{
	struct clint_env e;
	struct address_space as;

	bus_init(&e, &as);
	bus_wr(&as, 0x0, 0x0000000100000001ull, 8); /* msip[0] and msip[1] */
	CHECK_EQ(e.msip[0], 1);
	CHECK_EQ(e.msip[1], 1);
	CHECK_EQ(bus_rd(&as, 0x0, 8), 0x0000000100000001ull);
	bus_wr(&as, 0x4, 0, 1);              /* byte: read-modify-write */
	CHECK_EQ(e.msip[1], 0);
	CHECK_EQ(bus_rd(&as, 0x0, 1), 1);    /* widened */
	CHECK_EQ(bus_rd(&as, 0x8000, 8), 0); /* a hole, in 4-byte pieces */
	/* the timer registers take 8 bytes whole, and halves */
	bus_wr(&as, 0x4008, 0x1122334455667788ull, 8);
	CHECK_EQ(e.c.mtimecmp[1], 0x1122334455667788ull);
	bus_wr(&as, 0x400c, 0xaabbccdd, 4);
	CHECK_EQ(bus_rd(&as, 0x4008, 8), 0xaabbccdd55667788ull);
	CHECK_EQ(bus_rd(&as, 0x400b, 2), 0xdd55); /* misaligned: two halves */
	bus_wr(&as, 0x400e, 0x0102, 2);
	CHECK_EQ(e.c.mtimecmp[1], 0x0102ccdd55667788ull);
	as_destroy(&as);
}

TEST(clint_reset_values)
{
	struct clint_env e;

	env_init(&e, 12345);
	for (int h = 0; h < NHARTS; h++) {
		CHECK_EQ(e.msip[h], 0);
		CHECK_EQ(e.mtip[h], 0);
		CHECK_EQ(rd(&e, 4 * h, 4), 0);
		CHECK_EQ(rd(&e, 0x4000 + 8 * h, 8), UINT64_MAX);
		CHECK_EQ(rd(&e, 0x4000 + 8 * h, 4), 0xffffffff);
		CHECK_EQ(rd(&e, 0x4004 + 8 * h, 4), 0xffffffff);
	}
	CHECK_EQ(rd(&e, 0xbff8, 8), 123); /* 10 MHz: 100 ns per tick */
	CHECK_EQ(clint_mtime(&e.c), 123);
	CHECK_EQ(clint_ns_until_next(&e.c), UINT64_MAX);
}

TEST(clint_msip_bit0_only)
{
	struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x0, 0xffffffff, 4);
	CHECK_EQ(rd(&e, 0x0, 4), 1);
	CHECK_EQ(e.msip[0], 1);
	CHECK_EQ(e.msip[1], 0);
	wr(&e, 0x4, 1, 4);
	CHECK_EQ(e.msip[1], 1);
	wr(&e, 0x0, 2, 4);
	CHECK_EQ(rd(&e, 0x0, 4), 0);
	CHECK_EQ(e.msip[0], 0);
	CHECK_EQ(e.msip[1], 1);
	wr(&e, 0x4, 0, 4);
	CHECK_EQ(e.msip[1], 0);
}

TEST(clint_msip_beyond_nharts)
{
	struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x8, 1, 4);           /* hart 2 does not exist */
	CHECK_EQ(rd(&e, 0x8, 4), 0);
	CHECK_EQ(rd(&e, 0x3ffc, 4), 0); /* unmapped hole */
	CHECK_EQ(rd(&e, 0x8000, 4), 0);
}

TEST(clint_mtime_follows_clock)
{
	struct clint_env e;

	env_init(&e, 0);
	CHECK_EQ(rd(&e, 0xbff8, 8), 0);
	e.now_ns = 99;
	CHECK_EQ(rd(&e, 0xbff8, 8), 0);
	e.now_ns = 100;
	CHECK_EQ(rd(&e, 0xbff8, 8), 1);
	e.now_ns = 1000000000;      /* one second: 10^7 ticks */
	CHECK_EQ(rd(&e, 0xbff8, 8), 10000000);
	e.now_ns = 0x12345678ull * 100 * 16 + 250;
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x123456780ull + 2);
	CHECK_EQ(rd(&e, 0xbff8, 4), 0x23456782);
	CHECK_EQ(rd(&e, 0xbffc, 4), 0x1);
}

TEST(clint_mtime_write)
{
	struct clint_env e;

	env_init(&e, 5000);          /* mtime 50 */
	wr(&e, 0xbff8, 0x100000000ull, 8);
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x100000000ull);
	e.now_ns += 700;
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x100000007ull);
	wr(&e, 0xbff8, 0x10, 4);     /* low half only */
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x100000010ull);
	wr(&e, 0xbffc, 0x2, 4);      /* high half only */
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x200000010ull);
	wr(&e, 0xbff8, 0, 8);        /* back before the clock: offset < 0 */
	e.now_ns += 100;
	CHECK_EQ(rd(&e, 0xbff8, 8), 1);
}

TEST(clint_mtimecmp_rw)
{
	struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x4000, 0x1122334455667788ull, 8);
	CHECK_EQ(rd(&e, 0x4000, 8), 0x1122334455667788ull);
	CHECK_EQ(rd(&e, 0x4000, 4), 0x55667788);
	CHECK_EQ(rd(&e, 0x4004, 4), 0x11223344);
	wr(&e, 0x4004, 0xaabbccdd, 4);
	CHECK_EQ(rd(&e, 0x4000, 8), 0xaabbccdd55667788ull);
	wr(&e, 0x4000, 0x01020304, 4);
	CHECK_EQ(rd(&e, 0x4000, 8), 0xaabbccdd01020304ull);
	CHECK_EQ(rd(&e, 0x4008, 8), UINT64_MAX); /* hart 1 untouched */
	wr(&e, 0x4010, 5, 8);        /* hart 2 does not exist */
	CHECK_EQ(rd(&e, 0x4010, 8), 0);
}

TEST(clint_mtip_on_time_passing)
{
	struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x4000, 10, 8);
	CHECK_EQ(e.mtip[0], 0);
	e.now_ns = 999;              /* mtime 9 */
	clint_update(&e.c);
	CHECK_EQ(e.mtip[0], 0);
	e.now_ns = 1000;             /* mtime 10 == mtimecmp */
	clint_update(&e.c);
	CHECK_EQ(e.mtip[0], 1);
	CHECK_EQ(e.mtip[1], 0);
	wr(&e, 0x4000, 11, 8);       /* new compare in the future lowers it */
	CHECK_EQ(e.mtip[0], 0);
	wr(&e, 0x4000, 3, 8);        /* one in the past raises it at once */
	CHECK_EQ(e.mtip[0], 1);
}

TEST(clint_mtip_with_32bit_halves)
{
	struct clint_env e;

	env_init(&e, 2000);          /* mtime 20 */
	/* RV32-style update: high to all-ones first so no spurious match */
	wr(&e, 0x4004, 0xffffffff, 4);
	wr(&e, 0x4000, 30, 4);
	CHECK_EQ(e.mtip[0], 0);
	wr(&e, 0x4004, 0, 4);
	CHECK_EQ(rd(&e, 0x4000, 8), 30);
	CHECK_EQ(e.mtip[0], 0);
	e.now_ns = 3000;
	clint_update(&e.c);
	CHECK_EQ(e.mtip[0], 1);
}

TEST(clint_mtip_on_mtime_write)
{
	struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x4000, 1000, 8);
	wr(&e, 0x4008, 2000, 8);
	CHECK_EQ(e.mtip[0], 0);
	CHECK_EQ(e.mtip[1], 0);
	wr(&e, 0xbff8, 1500, 8);
	CHECK_EQ(e.mtip[0], 1);
	CHECK_EQ(e.mtip[1], 0);
	wr(&e, 0xbff8, 2000, 4);     /* low half */
	CHECK_EQ(e.mtip[1], 1);
	wr(&e, 0xbff8, 0, 8);
	CHECK_EQ(e.mtip[0], 0);
	CHECK_EQ(e.mtip[1], 0);
}

TEST(clint_next_deadline_ns)
{
	struct clint_env e;

	env_init(&e, 137);           /* mtime 1, 37 ns into the tick */
	CHECK_EQ(clint_ns_until_next(&e.c), UINT64_MAX);
	wr(&e, 0x4008, 6, 8);        /* 5 ticks away, less 37 ns */
	CHECK_EQ(clint_ns_until_next(&e.c), 463);
	wr(&e, 0x4000, 4, 8);
	CHECK_EQ(clint_ns_until_next(&e.c), 263);
	e.now_ns += 263;
	clint_update(&e.c);
	CHECK_EQ(e.mtip[0], 1);
	CHECK_EQ(clint_ns_until_next(&e.c), 0);
	wr(&e, 0x4000, UINT64_MAX, 8); /* disarmed */
	CHECK_EQ(clint_ns_until_next(&e.c), 200);
	wr(&e, 0x4008, UINT64_MAX - 1, 8); /* too far to express */
	CHECK_EQ(clint_ns_until_next(&e.c), UINT64_MAX);
}

TEST(clint_reset_rearms)
{
	struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x0, 1, 4);
	wr(&e, 0x4000, 0, 8);
	wr(&e, 0xbff8, 500, 8);
	CHECK_EQ(e.msip[0], 1);
	CHECK_EQ(e.mtip[0], 1);
	e.now_ns = 1000;
	clint_reset(&e.c);
	CHECK_EQ(e.msip[0], 0);
	CHECK_EQ(e.mtip[0], 0);
	CHECK_EQ(rd(&e, 0x0, 4), 0);
	CHECK_EQ(rd(&e, 0x4000, 8), UINT64_MAX);
	CHECK_EQ(rd(&e, 0xbff8, 8), 10);
}
