/* Goldfish RTC model, created by the device framework and driven through
 * the address space on a fake clock. */
#include <string.h>

#include <stdio.h>

#include "dev/goldfish_rtc.h"
#include "devhost.h"
#include "harness.h"

#define TIME_LOW 0x00
#define TIME_HIGH 0x04
#define ALARM_LOW 0x08
#define ALARM_HIGH 0x0c
#define IRQ_ENABLED 0x10
#define CLEAR_ALARM 0x14
#define ALARM_STATUS 0x18
#define CLEAR_INTERRUPT 0x1c

/* 2023-11-14T22:13:20Z in ns: high half is not zero. */
#define EPOCH0 1700000000000000000ll

struct rtc_env {
	struct devhost h;
};

static void env_init(struct rtc_env *e, int64_t epoch0)
{
	char props[48];

	snprintf(props, sizeof(props), "base=%lld.%09lld",
		 (long long)(epoch0 / 1000000000),
		 (long long)(epoch0 % 1000000000));
	devhost_init(&e->h, false);
	CHECK(devhost_platform(&e->h, &goldfish_rtc_class, props, 0x101000,
			       0x1000, 1));
}

static uint32_t rd(struct rtc_env *e, uint64_t off)
{
	return (uint32_t)devhost_rd(&e->h, off, 4);
}

static void wr(struct rtc_env *e, uint64_t off, uint32_t val)
{
	devhost_wr(&e->h, off, val, 4);
}

/* How Linux reads the time: TIME_LOW first, then the latched TIME_HIGH. */
static uint64_t read_time(struct rtc_env *e)
{
	uint64_t low = rd(e, TIME_LOW);

	return (uint64_t)rd(e, TIME_HIGH) << 32 | low;
}

static void set_alarm(struct rtc_env *e, uint64_t t)
{
	wr(e, ALARM_HIGH, (uint32_t)(t >> 32));
	wr(e, ALARM_LOW, (uint32_t)t);
}

TEST(rtc_reset_values)
{
	static struct rtc_env e;

	env_init(&e, EPOCH0);
	CHECK(e.h.line[0] != 1);    /* the line is not raised */
	CHECK_EQ(read_time(&e), EPOCH0);
	CHECK_EQ(rd(&e, IRQ_ENABLED), 0);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	CHECK_EQ(rd(&e, ALARM_LOW), 0);
	CHECK_EQ(rd(&e, ALARM_HIGH), 0);
	CHECK_EQ(rd(&e, CLEAR_ALARM), 0);
	CHECK_EQ(rd(&e, CLEAR_INTERRUPT), 0);
	CHECK_EQ(rd(&e, 0x20), 0);
}

TEST(rtc_time_follows_virtual_clock)
{
	static struct rtc_env e;

	env_init(&e, EPOCH0);
	e.h.now_ns = 1234567;
	CHECK_EQ(read_time(&e), EPOCH0 + 1234567);
	e.h.now_ns = 5000000000ull;
	CHECK_EQ(read_time(&e), EPOCH0 + 5000000000ll);
}

TEST(rtc_time_low_latches_high)
{
	static struct rtc_env e;
	uint32_t low;

	env_init(&e, 0x1fffffff0ll); /* 16 ns before the high half ticks */
	low = rd(&e, TIME_LOW);
	CHECK_EQ(low, 0xfffffff0);
	e.h.now_ns = 100;              /* high half is now 2 */
	CHECK_EQ(rd(&e, TIME_HIGH), 1); /* but the latch still says 1 */
	CHECK_EQ(rd(&e, TIME_HIGH), 1);
	CHECK_EQ(rd(&e, TIME_LOW), 0x54);
	CHECK_EQ(rd(&e, TIME_HIGH), 2);
}

TEST(rtc_set_time_high_then_low)
{
	static struct rtc_env e;
	uint64_t t = 0x0123456789abcdefull;

	env_init(&e, EPOCH0);
	e.h.now_ns = 777;
	wr(&e, TIME_HIGH, (uint32_t)(t >> 32));
	CHECK_EQ(read_time(&e), EPOCH0 + 777); /* not set until TIME_LOW */
	wr(&e, TIME_LOW, (uint32_t)t);
	CHECK_EQ(read_time(&e), t);
	e.h.now_ns += 1000;
	CHECK_EQ(read_time(&e), t + 1000);
	/* A TIME_LOW-only write reuses the high half written before. */
	wr(&e, TIME_LOW, 5);
	CHECK_EQ(read_time(&e), (t & ~0xffffffffull) | 5);
	/* Setting time backwards works too. */
	wr(&e, TIME_HIGH, 0);
	wr(&e, TIME_LOW, 10);
	CHECK_EQ(read_time(&e), 10);
}

TEST(rtc_alarm_fires_with_irq_enabled)
{
	static struct rtc_env e;
	uint64_t due = EPOCH0 + 3000000000ll;

	env_init(&e, EPOCH0);
	/* rtc-goldfish's set_alarm: ALARM_HIGH, ALARM_LOW, IRQ_ENABLED. */
	set_alarm(&e, due);
	wr(&e, IRQ_ENABLED, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 1);
	CHECK_EQ(rd(&e, IRQ_ENABLED), 1);
	CHECK_EQ(rd(&e, ALARM_LOW), (uint32_t)due);
	CHECK_EQ(rd(&e, ALARM_HIGH), (uint32_t)(due >> 32));
	CHECK_EQ(e.h.line[0], 0);
	e.h.now_ns = 2999999999ull;
	vclock_run(&e.h.clock);
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, ALARM_STATUS), 1);
	e.h.now_ns = 3000000000ull;
	vclock_run(&e.h.clock);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0); /* fired: no longer armed */
	vclock_run(&e.h.clock);
	CHECK_EQ(e.h.line[0], 1);    /* stays until cleared */
	wr(&e, CLEAR_INTERRUPT, 1);
	CHECK_EQ(e.h.line[0], 0);
	e.h.now_ns += 1000000000ull;
	vclock_run(&e.h.clock);
	CHECK_EQ(e.h.line[0], 0);    /* one-shot */
}

TEST(rtc_alarm_pending_until_irq_enabled)
{
	static struct rtc_env e;

	env_init(&e, EPOCH0);
	set_alarm(&e, EPOCH0 + 10);
	e.h.now_ns = 10;
	vclock_run(&e.h.clock);
	CHECK_EQ(e.h.line[0], 0);    /* IRQ_ENABLED off */
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	wr(&e, IRQ_ENABLED, 1);
	CHECK_EQ(e.h.line[0], 1);
	wr(&e, IRQ_ENABLED, 0);
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, IRQ_ENABLED), 0);
	wr(&e, CLEAR_INTERRUPT, 1);
	wr(&e, IRQ_ENABLED, 1);
	CHECK_EQ(e.h.line[0], 0);
}

TEST(rtc_alarm_in_past_fires_at_once)
{
	static struct rtc_env e;

	env_init(&e, EPOCH0);
	e.h.now_ns = 500;
	wr(&e, IRQ_ENABLED, 1);
	set_alarm(&e, EPOCH0 + 100);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
}

TEST(rtc_alarm_high_alone_does_not_arm)
{
	static struct rtc_env e;

	env_init(&e, 0);
	wr(&e, IRQ_ENABLED, 1);
	wr(&e, ALARM_HIGH, 0);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	CHECK_EQ(e.h.line[0], 0);
	wr(&e, ALARM_LOW, 0);        /* 0 is already past: fires */
	CHECK_EQ(e.h.line[0], 1);
}

TEST(rtc_clear_alarm_disarms)
{
	static struct rtc_env e;

	env_init(&e, EPOCH0);
	wr(&e, IRQ_ENABLED, 1);
	set_alarm(&e, EPOCH0 + 1000);
	CHECK_EQ(rd(&e, ALARM_STATUS), 1);
	wr(&e, CLEAR_ALARM, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	e.h.now_ns = 5000;
	vclock_run(&e.h.clock);
	CHECK_EQ(e.h.line[0], 0);
}

TEST(rtc_setting_time_past_alarm_fires)
{
	static struct rtc_env e;
	uint64_t due = EPOCH0 + 60000000000ll;

	env_init(&e, EPOCH0);
	wr(&e, IRQ_ENABLED, 1);
	set_alarm(&e, due);
	wr(&e, TIME_HIGH, (uint32_t)(due >> 32));
	wr(&e, TIME_LOW, (uint32_t)due);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
}

TEST(rtc_read_only_and_undefined)
{
	static struct rtc_env e;

	env_init(&e, EPOCH0);
	wr(&e, ALARM_STATUS, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	wr(&e, 0x20, 0xffffffff);
	CHECK_EQ(rd(&e, 0x20), 0);
	CHECK_EQ(read_time(&e), EPOCH0);
	CHECK_EQ(e.h.line[0], 0);
}
