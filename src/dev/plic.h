/* SiFive PLIC as Linux's sifive,plic-1.0.0 driver and OpenSBI expect:
 * priorities at 0x0 + 4s, pending bits at 0x1000, enables at 0x2000 +
 * 0x80c, threshold and claim/complete at 0x200000 + 0x1000c. Its
 * interrupt lines are its contexts' outputs (2h: hart h's M external
 * interrupt, 2h+1: its S external interrupt); its inputs are driven with
 * plic_set_irq. */
#ifndef GLASS_DEV_PLIC_H
#define GLASS_DEV_PLIC_H

#include "glass/device.h"

#define PLIC_MAX_SOURCES 96   /* 1..95 usable */
#define PLIC_MAX_CONTEXTS 16  /* 8 harts x (M, S) */
#define PLIC_SIZE 0x600000

extern const struct glass_device_class plic_class;

/* Gateway input of a PLIC instance: source n's line to `level`. */
void plic_set_irq(void *plic, int n, int level);

#endif
