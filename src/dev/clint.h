/* CLINT (SiFive layout, as the ACLINT's MSWI and MTIMER devices):
 * msip[h] at 0x0 + 4h, mtimecmp[h] at 0x4000 + 8h, mtime at 0xbff8, a
 * 10 MHz timebase. Interrupt lines 0..harts-1 are the harts' MSIP, lines
 * harts..2*harts-1 their MTIP. */
#ifndef GLASS_DEV_CLINT_H
#define GLASS_DEV_CLINT_H

#include <stdint.h>

#include "glass/device.h"

#define CLINT_MAX_HARTS 8
#define CLINT_SIZE 0x10000
#define CLINT_FREQ_HZ 10000000ull

extern const struct glass_device_class clint_class;

/* The current mtime of a CLINT instance (what the harts' `time` CSR
 * reads). */
uint64_t clint_mtime(void *clint);

#endif
