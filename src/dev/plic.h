/* SiFive PLIC as Linux's sifive,plic-1.0.0 driver and OpenSBI expect:
 * priorities at 0x0, pending at 0x1000, per-context enables at
 * 0x2000 + 0x80 * ctx, per-context threshold/claim at 0x200000 + 0x1000 * ctx.
 * Context 2h is hart h's M mode, 2h + 1 its S mode (QEMU virt layout).
 * Sources are level-triggered; source 0 does not exist. */
#ifndef GLASS_DEV_PLIC_H
#define GLASS_DEV_PLIC_H

#include <stdint.h>

#include "dev/irq.h"
#include "mem/mmio.h"

#define PLIC_MAX_SOURCES 96   /* 1..95 usable */
#define PLIC_MAX_CONTEXTS 16  /* 8 harts x (M, S) */
#define PLIC_SIZE 0x600000

struct plic {
	unsigned nsources;  /* sources 1..nsources-1 */
	unsigned ncontexts;
	uint32_t priority[PLIC_MAX_SOURCES];
	uint32_t level[(PLIC_MAX_SOURCES + 31) / 32];    /* input line state */
	uint32_t pending[(PLIC_MAX_SOURCES + 31) / 32];
	uint32_t claimed[(PLIC_MAX_SOURCES + 31) / 32];  /* in service */
	uint32_t enable[PLIC_MAX_CONTEXTS][(PLIC_MAX_SOURCES + 31) / 32];
	uint32_t threshold[PLIC_MAX_CONTEXTS];
	struct irq_line ctx_out[PLIC_MAX_CONTEXTS]; /* to hart MEIP/SEIP */
};

extern const struct mmio_ops plic_ops;

void plic_init(struct plic *p, unsigned nsources, unsigned ncontexts,
	       const struct irq_line *ctx_out);
void plic_reset(struct plic *p);
/* irq_line callback: n = source number, level 0/1. */
void plic_set_irq(void *plic, int n, int level);

#endif
