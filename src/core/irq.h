/* Interrupt lines: how devices signal upward without knowing who listens.
 * A device holds a struct irq_line and calls irq_set(); whoever wired it
 * (the machine) decides whether that reaches a PLIC source or a hart's mip. */
#ifndef GLASS_CORE_IRQ_H
#define GLASS_CORE_IRQ_H

#include <stddef.h>

struct irq_line {
	void (*set)(void *opaque, int n, int level);
	void *opaque;
	int n;
};

/* Drive the line to `level` (0 or 1). An unconnected line is ignored. */
static inline void irq_set(const struct irq_line *l, int level)
{
	if (l->set)
		l->set(l->opaque, l->n, level);
}

#endif
