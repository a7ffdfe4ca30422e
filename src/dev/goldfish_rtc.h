/* Goldfish RTC (google,goldfish-rtc) as Linux's rtc-goldfish driver uses it:
 * TIME_LOW 0x00 (read latches TIME_HIGH), TIME_HIGH 0x04, ALARM_LOW 0x08,
 * ALARM_HIGH 0x0c, IRQ_ENABLED 0x10, CLEAR_ALARM 0x14, ALARM_STATUS 0x18,
 * CLEAR_INTERRUPT 0x1c. Time is ns since the Unix epoch: host wall clock at
 * power-on plus the machine's virtual time since then. */
#ifndef GLASS_DEV_GOLDFISH_RTC_H
#define GLASS_DEV_GOLDFISH_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/clock.h"
#include "dev/irq.h"
#include "mem/mmio.h"

struct goldfish_rtc {
	int64_t offset_ns;      /* epoch ns = virtual ns + offset */
	uint64_t alarm_ns;
	bool alarm_armed;
	bool irq_enabled;
	bool irq_pending;
	uint32_t time_high_latch; /* high half at the last TIME_LOW read */
	uint32_t time_high_set;   /* last TIME_HIGH write, used by TIME_LOW's */
	struct vclock clock;
	struct irq_line irq;
};

extern const struct mmio_ops goldfish_rtc_ops;

void goldfish_rtc_init(struct goldfish_rtc *r, struct vclock clock,
		       int64_t epoch_ns_at_zero, struct irq_line irq);
/* Fire the alarm if due (called between slices). */
void goldfish_rtc_update(struct goldfish_rtc *r);

#endif
