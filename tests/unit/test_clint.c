/* CLINT model, created by the device framework and driven through the
 * address space on a fake clock. */
#include <string.h>

#include "dev/clint.h"
#include "devhost.h"
#include "harness.h"

#define NHARTS 2

struct clint_env {
	struct devhost h;
};

#define CLINT_BASE 0x2000000ull

static void env_init(struct clint_env *e, uint64_t now_ns)
{
	devhost_init(&e->h, false);
	e->h.now_ns = now_ns;
	CHECK(devhost_platform(&e->h, &clint_class, "harts=2", CLINT_BASE,
			       CLINT_SIZE, 2 * NHARTS));
}

static uint64_t rd(struct clint_env *e, uint64_t off, unsigned size)
{
	return devhost_rd(&e->h, off, size);
}

static void wr(struct clint_env *e, uint64_t off, uint64_t val, unsigned size)
{
	devhost_wr(&e->h, off, val, size);
}

/* The lines: MSIP of each hart, then MTIP of each. */
#define MSIP(env, hart) ((env).h.line[(hart)])
#define MTIP(env, hart) ((env).h.line[NHARTS + (hart)])

/* Let time pass to now_ns: due timers fire. */
static void advance(struct clint_env *e)
{
	vclock_run(&e->h.clock);
}

/* Virtual ns until the next armed timer (UINT64_MAX: none). */
static uint64_t until_next(struct clint_env *e)
{
	uint64_t next = vclock_next_deadline(&e->h.clock);

	if (next == VCLOCK_NEVER)
		return UINT64_MAX;
	return next > e->h.now_ns ? next - e->h.now_ns : 0;
}

/* The bus adapts what the registers do not take: the msip registers
 * (MSWI) are 32-bit, so an 8-byte access becomes two 4-byte ones and
 * narrow ones are widened to 4 bytes; the timer registers (MTIMER) take
 * 8 bytes whole, and halves. */
TEST(clint_bus_adapts_msip_and_narrow)
{
	static struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x0, 0x0000000100000001ull, 8); /* msip[0] and msip[1] */
	CHECK_EQ(MSIP(e, 0), 1);
	CHECK_EQ(MSIP(e, 1), 1);
	CHECK_EQ(rd(&e, 0x0, 8), 0x0000000100000001ull);
	wr(&e, 0x4, 0, 1);              /* byte: read-modify-write */
	CHECK_EQ(MSIP(e, 1), 0);
	CHECK_EQ(rd(&e, 0x0, 1), 1);    /* widened */
	CHECK_EQ(rd(&e, 0x8000, 8), 0); /* a hole, in 4-byte pieces */
	/* the timer registers take 8 bytes whole, and halves */
	wr(&e, 0x4008, 0x1122334455667788ull, 8);
	CHECK_EQ(rd(&e, 0x4008, 8), 0x1122334455667788ull);
	wr(&e, 0x400c, 0xaabbccdd, 4);
	CHECK_EQ(rd(&e, 0x4008, 8), 0xaabbccdd55667788ull);
	CHECK_EQ(rd(&e, 0x400b, 2), 0xdd55); /* misaligned: two halves */
	wr(&e, 0x400e, 0x0102, 2);
	CHECK_EQ(rd(&e, 0x4008, 8), 0x0102ccdd55667788ull);
	devhost_destroy(&e.h);
}

TEST(clint_reset_values)
{
	static struct clint_env e;

	env_init(&e, 12345);
	for (int h = 0; h < NHARTS; h++) {
		CHECK_EQ(MSIP(e, h), 0);
		CHECK_EQ(MTIP(e, h), 0);
		CHECK_EQ(rd(&e, 4 * h, 4), 0);
		CHECK_EQ(rd(&e, 0x4000 + 8 * h, 8), UINT64_MAX);
		CHECK_EQ(rd(&e, 0x4000 + 8 * h, 4), 0xffffffff);
		CHECK_EQ(rd(&e, 0x4004 + 8 * h, 4), 0xffffffff);
	}
	CHECK_EQ(rd(&e, 0xbff8, 8), 123); /* 10 MHz: 100 ns per tick */
	CHECK_EQ(clint_mtime(device_self(e.h.dev)), 123);
	CHECK_EQ(until_next(&e), UINT64_MAX);
}

TEST(clint_msip_bit0_only)
{
	static struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x0, 0xffffffff, 4);
	CHECK_EQ(rd(&e, 0x0, 4), 1);
	CHECK_EQ(MSIP(e, 0), 1);
	CHECK_EQ(MSIP(e, 1), 0);
	wr(&e, 0x4, 1, 4);
	CHECK_EQ(MSIP(e, 1), 1);
	wr(&e, 0x0, 2, 4);
	CHECK_EQ(rd(&e, 0x0, 4), 0);
	CHECK_EQ(MSIP(e, 0), 0);
	CHECK_EQ(MSIP(e, 1), 1);
	wr(&e, 0x4, 0, 4);
	CHECK_EQ(MSIP(e, 1), 0);
}

TEST(clint_msip_beyond_nharts)
{
	static struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x8, 1, 4);           /* hart 2 does not exist */
	CHECK_EQ(rd(&e, 0x8, 4), 0);
	CHECK_EQ(rd(&e, 0x3ffc, 4), 0); /* unmapped hole */
	CHECK_EQ(rd(&e, 0x8000, 4), 0);
}

TEST(clint_mtime_follows_clock)
{
	static struct clint_env e;

	env_init(&e, 0);
	CHECK_EQ(rd(&e, 0xbff8, 8), 0);
	e.h.now_ns = 99;
	CHECK_EQ(rd(&e, 0xbff8, 8), 0);
	e.h.now_ns = 100;
	CHECK_EQ(rd(&e, 0xbff8, 8), 1);
	e.h.now_ns = 1000000000;      /* one second: 10^7 ticks */
	CHECK_EQ(rd(&e, 0xbff8, 8), 10000000);
	e.h.now_ns = 0x12345678ull * 100 * 16 + 250;
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x123456780ull + 2);
	CHECK_EQ(rd(&e, 0xbff8, 4), 0x23456782);
	CHECK_EQ(rd(&e, 0xbffc, 4), 0x1);
}

TEST(clint_mtime_write)
{
	static struct clint_env e;

	env_init(&e, 5000);          /* mtime 50 */
	wr(&e, 0xbff8, 0x100000000ull, 8);
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x100000000ull);
	e.h.now_ns += 700;
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x100000007ull);
	wr(&e, 0xbff8, 0x10, 4);     /* low half only */
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x100000010ull);
	wr(&e, 0xbffc, 0x2, 4);      /* high half only */
	CHECK_EQ(rd(&e, 0xbff8, 8), 0x200000010ull);
	wr(&e, 0xbff8, 0, 8);        /* back before the clock: offset < 0 */
	e.h.now_ns += 100;
	CHECK_EQ(rd(&e, 0xbff8, 8), 1);
}

TEST(clint_mtimecmp_rw)
{
	static struct clint_env e;

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
	static struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x4000, 10, 8);
	CHECK_EQ(MTIP(e, 0), 0);
	e.h.now_ns = 999;              /* mtime 9 */
	advance(&e);
	CHECK_EQ(MTIP(e, 0), 0);
	e.h.now_ns = 1000;             /* mtime 10 == mtimecmp */
	advance(&e);
	CHECK_EQ(MTIP(e, 0), 1);
	CHECK_EQ(MTIP(e, 1), 0);
	wr(&e, 0x4000, 11, 8);       /* new compare in the future lowers it */
	CHECK_EQ(MTIP(e, 0), 0);
	wr(&e, 0x4000, 3, 8);        /* one in the past raises it at once */
	CHECK_EQ(MTIP(e, 0), 1);
}

TEST(clint_mtip_with_32bit_halves)
{
	static struct clint_env e;

	env_init(&e, 2000);          /* mtime 20 */
	/* RV32-style update: high to all-ones first so no spurious match */
	wr(&e, 0x4004, 0xffffffff, 4);
	wr(&e, 0x4000, 30, 4);
	CHECK_EQ(MTIP(e, 0), 0);
	wr(&e, 0x4004, 0, 4);
	CHECK_EQ(rd(&e, 0x4000, 8), 30);
	CHECK_EQ(MTIP(e, 0), 0);
	e.h.now_ns = 3000;
	advance(&e);
	CHECK_EQ(MTIP(e, 0), 1);
}

TEST(clint_mtip_on_mtime_write)
{
	static struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x4000, 1000, 8);
	wr(&e, 0x4008, 2000, 8);
	CHECK_EQ(MTIP(e, 0), 0);
	CHECK_EQ(MTIP(e, 1), 0);
	wr(&e, 0xbff8, 1500, 8);
	CHECK_EQ(MTIP(e, 0), 1);
	CHECK_EQ(MTIP(e, 1), 0);
	wr(&e, 0xbff8, 2000, 4);     /* low half */
	CHECK_EQ(MTIP(e, 1), 1);
	wr(&e, 0xbff8, 0, 8);
	CHECK_EQ(MTIP(e, 0), 0);
	CHECK_EQ(MTIP(e, 1), 0);
}

TEST(clint_next_deadline_ns)
{
	static struct clint_env e;

	env_init(&e, 137);           /* mtime 1, 37 ns into the tick */
	CHECK_EQ(until_next(&e), UINT64_MAX);
	wr(&e, 0x4008, 6, 8);        /* 5 ticks away, less 37 ns */
	CHECK_EQ(until_next(&e), 463);
	wr(&e, 0x4000, 4, 8);
	CHECK_EQ(until_next(&e), 263);
	e.h.now_ns += 263;
	advance(&e);
	CHECK_EQ(MTIP(e, 0), 1);
	/* a fired timer needs no wake-up: MTIP stays up until mtimecmp
	 * moves; hart 1's is next */
	CHECK_EQ(until_next(&e), 200);
	wr(&e, 0x4000, UINT64_MAX, 8); /* disarmed */
	CHECK_EQ(until_next(&e), 200);
	wr(&e, 0x4008, UINT64_MAX - 1, 8); /* too far to express */
	CHECK_EQ(until_next(&e), UINT64_MAX);
}

TEST(clint_reset_rearms)
{
	static struct clint_env e;

	env_init(&e, 0);
	wr(&e, 0x0, 1, 4);
	wr(&e, 0x4000, 0, 8);
	wr(&e, 0xbff8, 500, 8);
	CHECK_EQ(MSIP(e, 0), 1);
	CHECK_EQ(MTIP(e, 0), 1);
	e.h.now_ns = 1000;
	devhost_reset(&e.h);
	CHECK_EQ(MSIP(e, 0), 0);
	CHECK_EQ(MTIP(e, 0), 0);
	CHECK_EQ(rd(&e, 0x0, 4), 0);
	CHECK_EQ(rd(&e, 0x4000, 8), UINT64_MAX);
	CHECK_EQ(rd(&e, 0xbff8, 8), 10);
}
