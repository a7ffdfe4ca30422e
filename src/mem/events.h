/* Events for the see-through trace, as plain data. Any layer may emit them
 * through an event_sink without knowing who formats them (trace/ does);
 * a disabled category costs one mask test at the emitting site, and the
 * RAM fast path never emits anything. */
#ifndef GLASS_MEM_EVENTS_H
#define GLASS_MEM_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

enum ev_category {
	EV_MMIO = 1u << 0,
	EV_PCI_CONFIG = 1u << 1,
	EV_DMA = 1u << 2,
	EV_IRQ = 1u << 3,
	EV_PAGEWALK = 1u << 4,
	EV_HYPERCALL = 1u << 5,
	EV_GUEST_ERROR = 1u << 6,
	EV_ALL = (1u << 7) - 1,
};

/* Who made a memory access, filled in by the CPU before it calls the
 * address space's slow path (so also for DMA: initiator -1). */
struct access_origin {
	int initiator;        /* hart id; -1 for a device (DMA) */
	int priv;             /* 0 U, 1 S, 3 M */
	bool fetch;
	bool translated;      /* va and pte are meaningful */
	uint64_t pc;
	uint64_t va;
	uint64_t pte;         /* leaf PTE of the translation */
	uint64_t instret;     /* of the initiating hart */
};

struct region;

struct bus_event {
	enum ev_category cat;
	const struct access_origin *origin;  /* may be NULL */
	const struct region *region;         /* may be NULL */
	uint64_t pa;          /* physical (CPU) address, when there is one */
	uint64_t bus;         /* PCI bus address (DMA, BARs) */
	uint64_t offset;      /* within the region / config space */
	uint64_t value;
	uint64_t len;         /* DMA length */
	unsigned size;        /* access width in bytes */
	bool write;
	bool ok;              /* false: refused, faulted */
	int devfn;            /* PCI function, -1 if none */
	const char *what;     /* short description: "unmapped", "sizing"... */
};

struct event_sink {
	uint32_t mask;        /* enabled categories */
	void (*emit)(void *opaque, const struct bus_event *e);
	void *opaque;
};

static inline bool ev_on(const struct event_sink *s, enum ev_category c)
{
#ifdef GLASS_NO_TRACE	/* baseline of bench/trace_overhead.py only: no emit sites */
	return false;
#endif
	return s && (s->mask & c);
}

static inline void ev_emit(const struct event_sink *s, const struct bus_event *e)
{
	if (ev_on(s, e->cat))
		s->emit(s->opaque, e);
}

#endif
