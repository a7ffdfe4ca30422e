/* Goldfish RTC: a 64-bit ns-since-epoch clock read and set in 32-bit
 * halves, and one alarm. ALARM_STATUS reads 1 while an alarm is armed and
 * has not fired yet, which is how Linux's rtc-goldfish reports "alarm
 * enabled". A fired alarm leaves an interrupt pending until CLEAR_INTERRUPT;
 * the line is raised only while IRQ_ENABLED is set. */
#include <string.h>

#include "dev/goldfish_rtc.h"

#define RTC_TIME_LOW 0x00
#define RTC_TIME_HIGH 0x04
#define RTC_ALARM_LOW 0x08
#define RTC_ALARM_HIGH 0x0c
#define RTC_IRQ_ENABLED 0x10
#define RTC_CLEAR_ALARM 0x14
#define RTC_ALARM_STATUS 0x18
#define RTC_CLEAR_INTERRUPT 0x1c

#define LOW32 0xffffffffull

static uint64_t rtc_now(const struct goldfish_rtc *r)
{
	return vclock_ns(&r->clock) + (uint64_t)r->offset_ns;
}

static void rtc_sync_irq(struct goldfish_rtc *r)
{
	irq_set(&r->irq, r->irq_pending && r->irq_enabled);
}

/* Fire the armed alarm if its time has come; true if it fired. */
static bool rtc_check_alarm(struct goldfish_rtc *r)
{
	if (!r->alarm_armed || rtc_now(r) < r->alarm_ns)
		return false;
	r->alarm_armed = false;
	r->irq_pending = true;
	return true;
}

/* Fire the alarm if due and drive the irq line if that changed anything. */
void goldfish_rtc_update(struct goldfish_rtc *r)
{
	if (rtc_check_alarm(r))
		rtc_sync_irq(r);
}

/* TIME_LOW completes a set: the high half comes from TIME_HIGH, written
 * first (as Linux does). */
static void rtc_set_time(struct goldfish_rtc *r, uint32_t low)
{
	uint64_t t = (uint64_t)r->time_high_set << 32 | low;

	r->offset_ns = (int64_t)(t - vclock_ns(&r->clock));
}

static uint64_t rtc_read(void *dev, uint64_t off, unsigned size)
{
	struct goldfish_rtc *r = dev;
	uint64_t now;

	switch (off) {
	case RTC_TIME_LOW:
		/* Latch the high half so a LOW-then-HIGH pair is consistent. */
		now = rtc_now(r);
		r->time_high_latch = (uint32_t)(now >> 32);
		return (uint32_t)now;
	case RTC_TIME_HIGH:
		return r->time_high_latch;
	case RTC_ALARM_LOW:
		return (uint32_t)r->alarm_ns;
	case RTC_ALARM_HIGH:
		return (uint32_t)(r->alarm_ns >> 32);
	case RTC_IRQ_ENABLED:
		return r->irq_enabled;
	case RTC_ALARM_STATUS:
		return r->alarm_armed;
	}
	return 0;
}

static void rtc_write(void *dev, uint64_t off, uint64_t val, unsigned size)
{
	struct goldfish_rtc *r = dev;
	uint32_t v = (uint32_t)val;

	switch (off) {
	case RTC_TIME_LOW:
		rtc_set_time(r, v);
		break;
	case RTC_TIME_HIGH:
		r->time_high_set = v;
		break;
	case RTC_ALARM_LOW:
		/* Completes the alarm time and arms it; a time already past
		 * fires at once. */
		r->alarm_ns = (r->alarm_ns & ~LOW32) | v;
		r->alarm_armed = true;
		break;
	case RTC_ALARM_HIGH:
		r->alarm_ns = (uint64_t)v << 32 | (r->alarm_ns & LOW32);
		break;
	case RTC_IRQ_ENABLED:
		r->irq_enabled = v & 1;
		break;
	case RTC_CLEAR_ALARM:
		r->alarm_armed = false;
		break;
	case RTC_CLEAR_INTERRUPT:
		r->irq_pending = false;
		break;
	default:
		return; /* ALARM_STATUS is read-only */
	}
	rtc_check_alarm(r);
	rtc_sync_irq(r);
}

static const struct reg_desc goldfish_rtc_regs[] = {
	{ RTC_TIME_LOW, 4, "TIME_LOW", MMIO_W4 },
	{ RTC_TIME_HIGH, 4, "TIME_HIGH", MMIO_W4 },
	{ RTC_ALARM_LOW, 4, "ALARM_LOW", MMIO_W4 },
	{ RTC_ALARM_HIGH, 4, "ALARM_HIGH", MMIO_W4 },
	{ RTC_IRQ_ENABLED, 4, "IRQ_ENABLED", MMIO_W4 },
	{ RTC_CLEAR_ALARM, 4, "CLEAR_ALARM", MMIO_W4 },
	{ RTC_ALARM_STATUS, 4, "ALARM_STATUS", MMIO_W4 },
	{ RTC_CLEAR_INTERRUPT, 4, "CLEAR_INTERRUPT", MMIO_W4 },
	{ 0, 0, NULL, 0 },
};

const struct mmio_ops goldfish_rtc_ops = {
	.read = rtc_read,
	.write = rtc_write,
	.widths = MMIO_W4,
	.misfit = MISFIT_ADAPT,
	.regs = goldfish_rtc_regs,
};

/* Set up the RTC so that virtual time 0 reads as epoch_ns_at_zero; no alarm,
 * interrupts disabled, line low. */
void goldfish_rtc_init(struct goldfish_rtc *r, struct vclock clock,
		       int64_t epoch_ns_at_zero, struct irq_line irq)
{
	memset(r, 0, sizeof(*r));
	r->clock = clock;
	r->offset_ns = epoch_ns_at_zero;
	r->irq = irq;
	rtc_sync_irq(r);
}
