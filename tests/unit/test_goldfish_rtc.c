/* Goldfish RTC model, driven through goldfish_rtc_ops on a fake clock. */
#include <string.h>

#include "dev/goldfish_rtc.h"
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
	struct goldfish_rtc r;
	uint64_t now_ns;
	int irq_level;
};

static uint64_t env_now(void *opaque)
{
	return ((struct rtc_env *)opaque)->now_ns;
}

static void env_irq(void *opaque, int n, int level)
{
	((struct rtc_env *)opaque)->irq_level = level;
}

static void env_init(struct rtc_env *e, int64_t epoch0)
{
	struct vclock clock = { env_now, e };
	struct irq_line irq = { env_irq, e, 11 };

	memset(e, 0, sizeof(*e));
	e->irq_level = -1;
	goldfish_rtc_init(&e->r, clock, epoch0, irq);
}

static uint32_t rd(struct rtc_env *e, uint64_t off)
{
	return (uint32_t)goldfish_rtc_ops.read(&e->r, off, 4);
}

static void wr(struct rtc_env *e, uint64_t off, uint32_t val)
{
	goldfish_rtc_ops.write(&e->r, off, val, 4);
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

TEST(rtc_ops_shape)
{
	CHECK_EQ(goldfish_rtc_ops.widths, MMIO_W4);
	CHECK_EQ(goldfish_rtc_ops.misfit, MISFIT_ADAPT);
	CHECK(goldfish_rtc_ops.regs != NULL);
	for (int i = 0; i < 8; i++) {
		CHECK_EQ(goldfish_rtc_ops.regs[i].offset, 4 * i);
		CHECK(goldfish_rtc_ops.regs[i].name != NULL);
	}
	CHECK(goldfish_rtc_ops.regs[8].name == NULL);
	CHECK(strcmp(goldfish_rtc_ops.regs[6].name, "ALARM_STATUS") == 0);
}

TEST(rtc_reset_values)
{
	struct rtc_env e;

	env_init(&e, EPOCH0);
	CHECK_EQ(e.irq_level, 0);
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
	struct rtc_env e;

	env_init(&e, EPOCH0);
	e.now_ns = 1234567;
	CHECK_EQ(read_time(&e), EPOCH0 + 1234567);
	e.now_ns = 5000000000ull;
	CHECK_EQ(read_time(&e), EPOCH0 + 5000000000ll);
}

TEST(rtc_time_low_latches_high)
{
	struct rtc_env e;
	uint32_t low;

	env_init(&e, 0x1fffffff0ll); /* 16 ns before the high half ticks */
	low = rd(&e, TIME_LOW);
	CHECK_EQ(low, 0xfffffff0);
	e.now_ns = 100;              /* high half is now 2 */
	CHECK_EQ(rd(&e, TIME_HIGH), 1); /* but the latch still says 1 */
	CHECK_EQ(rd(&e, TIME_HIGH), 1);
	CHECK_EQ(rd(&e, TIME_LOW), 0x54);
	CHECK_EQ(rd(&e, TIME_HIGH), 2);
}

TEST(rtc_set_time_high_then_low)
{
	struct rtc_env e;
	uint64_t t = 0x0123456789abcdefull;

	env_init(&e, EPOCH0);
	e.now_ns = 777;
	wr(&e, TIME_HIGH, (uint32_t)(t >> 32));
	CHECK_EQ(read_time(&e), EPOCH0 + 777); /* not set until TIME_LOW */
	wr(&e, TIME_LOW, (uint32_t)t);
	CHECK_EQ(read_time(&e), t);
	e.now_ns += 1000;
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
	struct rtc_env e;
	uint64_t due = EPOCH0 + 3000000000ll;

	env_init(&e, EPOCH0);
	/* rtc-goldfish's set_alarm: ALARM_HIGH, ALARM_LOW, IRQ_ENABLED. */
	set_alarm(&e, due);
	wr(&e, IRQ_ENABLED, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 1);
	CHECK_EQ(rd(&e, IRQ_ENABLED), 1);
	CHECK_EQ(rd(&e, ALARM_LOW), (uint32_t)due);
	CHECK_EQ(rd(&e, ALARM_HIGH), (uint32_t)(due >> 32));
	CHECK_EQ(e.irq_level, 0);
	e.now_ns = 2999999999ull;
	goldfish_rtc_update(&e.r);
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, ALARM_STATUS), 1);
	e.now_ns = 3000000000ull;
	goldfish_rtc_update(&e.r);
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0); /* fired: no longer armed */
	goldfish_rtc_update(&e.r);
	CHECK_EQ(e.irq_level, 1);    /* stays until cleared */
	wr(&e, CLEAR_INTERRUPT, 1);
	CHECK_EQ(e.irq_level, 0);
	e.now_ns += 1000000000ull;
	goldfish_rtc_update(&e.r);
	CHECK_EQ(e.irq_level, 0);    /* one-shot */
}

TEST(rtc_alarm_pending_until_irq_enabled)
{
	struct rtc_env e;

	env_init(&e, EPOCH0);
	set_alarm(&e, EPOCH0 + 10);
	e.now_ns = 10;
	goldfish_rtc_update(&e.r);
	CHECK_EQ(e.irq_level, 0);    /* IRQ_ENABLED off */
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	wr(&e, IRQ_ENABLED, 1);
	CHECK_EQ(e.irq_level, 1);
	wr(&e, IRQ_ENABLED, 0);
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, IRQ_ENABLED), 0);
	wr(&e, CLEAR_INTERRUPT, 1);
	wr(&e, IRQ_ENABLED, 1);
	CHECK_EQ(e.irq_level, 0);
}

TEST(rtc_alarm_in_past_fires_at_once)
{
	struct rtc_env e;

	env_init(&e, EPOCH0);
	e.now_ns = 500;
	wr(&e, IRQ_ENABLED, 1);
	set_alarm(&e, EPOCH0 + 100);
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
}

TEST(rtc_alarm_high_alone_does_not_arm)
{
	struct rtc_env e;

	env_init(&e, 0);
	wr(&e, IRQ_ENABLED, 1);
	wr(&e, ALARM_HIGH, 0);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	CHECK_EQ(e.irq_level, 0);
	wr(&e, ALARM_LOW, 0);        /* 0 is already past: fires */
	CHECK_EQ(e.irq_level, 1);
}

TEST(rtc_clear_alarm_disarms)
{
	struct rtc_env e;

	env_init(&e, EPOCH0);
	wr(&e, IRQ_ENABLED, 1);
	set_alarm(&e, EPOCH0 + 1000);
	CHECK_EQ(rd(&e, ALARM_STATUS), 1);
	wr(&e, CLEAR_ALARM, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	e.now_ns = 5000;
	goldfish_rtc_update(&e.r);
	CHECK_EQ(e.irq_level, 0);
}

TEST(rtc_setting_time_past_alarm_fires)
{
	struct rtc_env e;
	uint64_t due = EPOCH0 + 60000000000ll;

	env_init(&e, EPOCH0);
	wr(&e, IRQ_ENABLED, 1);
	set_alarm(&e, due);
	wr(&e, TIME_HIGH, (uint32_t)(due >> 32));
	wr(&e, TIME_LOW, (uint32_t)due);
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
}

TEST(rtc_read_only_and_undefined)
{
	struct rtc_env e;

	env_init(&e, EPOCH0);
	wr(&e, ALARM_STATUS, 1);
	CHECK_EQ(rd(&e, ALARM_STATUS), 0);
	wr(&e, 0x20, 0xffffffff);
	CHECK_EQ(rd(&e, 0x20), 0);
	CHECK_EQ(read_time(&e), EPOCH0);
	CHECK_EQ(e.irq_level, 0);
}
