/* CLINT (SiFive layout, as ACLINT MSWI + MTIMER): msip[h] at 0x0 + 4h,
 * mtimecmp[h] at 0x4000 + 8h, mtime at 0xbff8. mtime runs at 10 MHz from
 * the machine's virtual clock. */
#ifndef GLASS_DEV_CLINT_H
#define GLASS_DEV_CLINT_H

#include <stdint.h>

#include "dev/clock.h"
#include "dev/irq.h"
#include "mem/mmio.h"

#define CLINT_MAX_HARTS 8
#define CLINT_SIZE 0x10000
#define CLINT_FREQ_HZ 10000000ull

struct clint {
	unsigned nharts;
	uint32_t msip[CLINT_MAX_HARTS];
	uint64_t mtimecmp[CLINT_MAX_HARTS];
	int64_t mtime_offset;  /* mtime = clock ticks + offset (mtime is writable) */
	struct vclock clock;
	struct irq_line msip_out[CLINT_MAX_HARTS];
	struct irq_line mtip_out[CLINT_MAX_HARTS];
};

extern const struct mmio_ops clint_ops;

void clint_init(struct clint *c, unsigned nharts, struct vclock clock,
		const struct irq_line *msip_out, const struct irq_line *mtip_out);
void clint_reset(struct clint *c);
uint64_t clint_mtime(const struct clint *c);
/* Re-evaluate MTIP for every hart against the current time. The run loop
 * calls this between slices; register writes call it too. */
void clint_update(struct clint *c);
/* Virtual ns until the earliest armed mtimecmp fires (0 if already due,
 * UINT64_MAX if none), so an idle machine knows how long it may sleep. */
uint64_t clint_ns_until_next(const struct clint *c);

#endif
