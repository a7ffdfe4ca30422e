/* Goldfish RTC: a 64-bit ns-since-epoch clock read and set in 32-bit
 * halves, and one alarm. ALARM_STATUS reads 1 while an alarm is armed and
 * has not fired yet, which is how Linux's rtc-goldfish reports "alarm
 * enabled". A fired alarm leaves an interrupt pending until CLEAR_INTERRUPT;
 * the line is raised only while IRQ_ENABLED is set.
 *
 * Reset (a reboot) disarms the alarm and clears the interrupt state, as
 * QEMU's model does; the time itself runs on, as a battery-backed clock
 * would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dev/goldfish_rtc.h"
#include "device/device.h"

#define RTC_TIME_LOW 0x00
#define RTC_TIME_HIGH 0x04
#define RTC_ALARM_LOW 0x08
#define RTC_ALARM_HIGH 0x0c
#define RTC_IRQ_ENABLED 0x10
#define RTC_CLEAR_ALARM 0x14
#define RTC_ALARM_STATUS 0x18
#define RTC_CLEAR_INTERRUPT 0x1c

#define LOW32 0xffffffffull

struct rtc_state {
	int64_t offset_ns;        /* epoch ns = virtual ns + offset */
	uint64_t alarm_ns;
	uint32_t time_high_latch; /* high half at the last TIME_LOW read */
	uint32_t time_high_set;   /* last TIME_HIGH write, used by TIME_LOW's */
	uint8_t alarm_armed;
	uint8_t irq_enabled;
	uint8_t irq_pending;
};

struct goldfish_rtc {
	struct rtc_state s;
	struct glass_device *dev;
	struct glass_timer *alarm;
};

static uint64_t rtc_now(struct goldfish_rtc *r)
{
	return glass_clock_ns(r->dev) + (uint64_t)r->s.offset_ns;
}

static void rtc_sync_irq(struct goldfish_rtc *r)
{
	glass_irq_set(r->dev, 0, r->s.irq_pending && r->s.irq_enabled);
}

/* The alarm as a timer on virtual time (it moves when the time is set). */
static void rtc_arm_timer(struct goldfish_rtc *r)
{
	if (!r->s.alarm_armed) {
		glass_timer_cancel(r->alarm);
		return;
	}
	int64_t virt = (int64_t)(r->s.alarm_ns - (uint64_t)r->s.offset_ns);
	/* an alarm before power-on (in virtual terms) is due now */
	glass_timer_arm(r->alarm, virt < 0 ? 0 : (uint64_t)virt);
}

/* Fire the armed alarm if its time has come. */
static void rtc_check_alarm(struct goldfish_rtc *r)
{
	if (!r->s.alarm_armed || rtc_now(r) < r->s.alarm_ns)
		return;
	r->s.alarm_armed = 0;
	r->s.irq_pending = 1;
	glass_timer_cancel(r->alarm);
}

static void rtc_alarm_fired(void *opaque)
{
	struct goldfish_rtc *r = opaque;

	rtc_check_alarm(r);
	rtc_sync_irq(r);
}

/* TIME_LOW completes a set: the high half comes from TIME_HIGH, written
 * first (as Linux does). */
static void rtc_set_time(struct goldfish_rtc *r, uint32_t low)
{
	uint64_t t = (uint64_t)r->s.time_high_set << 32 | low;

	r->s.offset_ns = (int64_t)(t - glass_clock_ns(r->dev));
}

static uint64_t rtc_read(void *opaque, uint64_t off, unsigned size,
			 const struct glass_attrs *who)
{
	struct goldfish_rtc *r = opaque;
	uint64_t now;

	switch (off) {
	case RTC_TIME_LOW:
		/* Latch the high half so a LOW-then-HIGH pair is consistent. */
		now = rtc_now(r);
		r->s.time_high_latch = (uint32_t)(now >> 32);
		return (uint32_t)now;
	case RTC_TIME_HIGH:
		return r->s.time_high_latch;
	case RTC_ALARM_LOW:
		return (uint32_t)r->s.alarm_ns;
	case RTC_ALARM_HIGH:
		return (uint32_t)(r->s.alarm_ns >> 32);
	case RTC_IRQ_ENABLED:
		return r->s.irq_enabled;
	case RTC_ALARM_STATUS:
		return r->s.alarm_armed;
	}
	return 0;
}

static void rtc_write(void *opaque, uint64_t off, uint64_t val, unsigned size,
		      const struct glass_attrs *who)
{
	struct goldfish_rtc *r = opaque;
	uint32_t v = (uint32_t)val;

	switch (off) {
	case RTC_TIME_LOW:
		rtc_set_time(r, v);
		break;
	case RTC_TIME_HIGH:
		r->s.time_high_set = v;
		break;
	case RTC_ALARM_LOW:
		/* Completes the alarm time and arms it; a time already past
		 * fires at once. */
		r->s.alarm_ns = (r->s.alarm_ns & ~LOW32) | v;
		r->s.alarm_armed = 1;
		break;
	case RTC_ALARM_HIGH:
		r->s.alarm_ns = (uint64_t)v << 32 | (r->s.alarm_ns & LOW32);
		break;
	case RTC_IRQ_ENABLED:
		r->s.irq_enabled = v & 1;
		break;
	case RTC_CLEAR_ALARM:
		r->s.alarm_armed = 0;
		break;
	case RTC_CLEAR_INTERRUPT:
		r->s.irq_pending = 0;
		break;
	default:
		return; /* ALARM_STATUS is read-only */
	}
	rtc_check_alarm(r);
	rtc_arm_timer(r);
	rtc_sync_irq(r);
}

static const struct glass_reg goldfish_rtc_regs[] = {
	{ RTC_TIME_LOW, 4, "TIME_LOW", 0 },
	{ RTC_TIME_HIGH, 4, "TIME_HIGH", 0 },
	{ RTC_ALARM_LOW, 4, "ALARM_LOW", 0 },
	{ RTC_ALARM_HIGH, 4, "ALARM_HIGH", 0 },
	{ RTC_IRQ_ENABLED, 4, "IRQ_ENABLED", 0 },
	{ RTC_CLEAR_ALARM, 4, "CLEAR_ALARM", 0 },
	{ RTC_ALARM_STATUS, 4, "ALARM_STATUS", 0 },
	{ RTC_CLEAR_INTERRUPT, 4, "CLEAR_INTERRUPT", 0 },
	{ 0, 0, NULL, 0 },
};

/* 32-bit registers; other widths are adapted; the rest of the page reads
 * zero. */
static const struct glass_region_ops goldfish_rtc_ops = {
	.read = rtc_read,
	.write = rtc_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED,
	.impl = GLASS_W4,
	.flags = GLASS_UNCLAIMED_ZERO,
	.regs = goldfish_rtc_regs,
};

/* "SECONDS[.FRACTION]" since the epoch, to the ns; -1 if malformed. */
static int parse_epoch(const char *s, int64_t *ns)
{
	char *end;
	long long secs = strtoll(s, &end, 10);
	int64_t frac = 0;

	if (end == s || *s == '-' || *s == '+' || secs > 9000000000ll)
		return -1;
	if (*end == '.') {
		int digits = 0;
		for (end++; *end >= '0' && *end <= '9' && digits < 9; end++) {
			frac = frac * 10 + (*end - '0');
			digits++;
		}
		if (!digits)
			return -1;
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (*end)
		return -1;
	*ns = secs * 1000000000 + frac;
	return 0;
}

/* base=utc: the host's wall clock now, except under -icount, where the
 * machine takes nothing from the host and the clock starts at
 * RTC_DETERMINISTIC_BASE; base=SECONDS[.FRACTION] since the epoch. */
static int rtc_base(struct goldfish_rtc *r, int64_t *epoch_ns)
{
	const char *base = NULL;
	struct timespec ts;

	glass_prop_string(r->dev, "base", &base);
	if ((!base || !strcmp(base, "utc")) &&
	    device_env(r->dev)->deterministic) {
		*epoch_ns = RTC_DETERMINISTIC_BASE * 1000000000ll;
		return 0;
	}
	if (!base || !strcmp(base, "utc")) {
		clock_gettime(CLOCK_REALTIME, &ts);
		*epoch_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		return 0;
	}
	if (parse_epoch(base, epoch_ns) < 0) {
		glass_error(r->dev, "base=%s: 'utc' or seconds since 1970", base);
		return -1;
	}
	return 0;
}

static int rtc_realize(void *self, struct glass_device *dev)
{
	struct goldfish_rtc *r = self;
	int64_t epoch;

	r->dev = dev;
	if (rtc_base(r, &epoch) < 0)
		return -1;
	r->s.offset_ns = epoch; /* virtual time 0 is now */
	r->alarm = glass_timer_new(dev, rtc_alarm_fired, r);
	if (!r->alarm)
		return -1;
	return glass_platform_mmio(dev, 0, 0x1000, &goldfish_rtc_ops, r);
}

static void rtc_reset(void *self)
{
	struct goldfish_rtc *r = self;
	int64_t offset = r->s.offset_ns;

	memset(&r->s, 0, sizeof(r->s));
	r->s.offset_ns = offset;
}

static int rtc_fdt(void *self, struct glass_fdt *fdt)
{
	if (glass_fdt_begin(fdt, "rtc") < 0)
		return -1;
	glass_fdt_prop_string(fdt, "compatible", "google,goldfish-rtc");
	return 0;
}

static void rtc_info(void *self, char *buf, size_t len)
{
	struct goldfish_rtc *r = self;

	snprintf(buf, len, "time %llu ns since the epoch, alarm %s%s",
		 (unsigned long long)rtc_now(r),
		 r->s.alarm_armed ? "armed" : "off",
		 r->s.irq_pending ? ", interrupt pending" : "");
}

static const struct glass_prop rtc_props[] = {
	{ "base", GLASS_PROP_STRING, "utc",
	  "the time at power-on: utc (the host's clock) or seconds since 1970" },
	{ NULL, 0, NULL, NULL },
};

const struct glass_device_class goldfish_rtc_class = {
	.name = "goldfish-rtc",
	.desc = "Goldfish real-time clock with one alarm",
	.bus = GLASS_BUS_PLATFORM,
	.props = rtc_props,
	.instance_size = sizeof(struct goldfish_rtc),
	.state_size = sizeof(struct rtc_state),
	.state_version = 1,
	.platform_size = 0x1000,
	.platform_irqs = 1,
	.realize = rtc_realize,
	.reset = rtc_reset,
	.info = rtc_info,
	.fdt_node = rtc_fdt,
};
