/* Goldfish RTC (google,goldfish-rtc) as Linux's rtc-goldfish driver uses it:
 * TIME_LOW 0x00 (read latches TIME_HIGH), TIME_HIGH 0x04, ALARM_LOW 0x08,
 * ALARM_HIGH 0x0c, IRQ_ENABLED 0x10, CLEAR_ALARM 0x14, ALARM_STATUS 0x18,
 * CLEAR_INTERRUPT 0x1c. Time is ns since the Unix epoch: the `base`
 * property at power-on (default: the host's wall clock; under -icount a
 * fixed date, RTC_DETERMINISTIC_BASE) plus the machine's virtual time
 * since then. */
#ifndef GLASS_DEV_GOLDFISH_RTC_H
#define GLASS_DEV_GOLDFISH_RTC_H

#include "glass/device.h"

/* 2025-01-01T00:00:00Z, in seconds since the epoch */
#define RTC_DETERMINISTIC_BASE 1735689600ll

extern const struct glass_device_class goldfish_rtc_class;

#endif
