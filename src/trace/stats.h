/* Statistics: per device and per register access counts, per hart
 * instructions, TLB behaviour and traps, DMA and PCI config traffic.
 * Printed at exit with --stats FILE and dumped/reset by the hypercall
 * device. Counters that already live where the work happens (harts,
 * regions) are read from there; a reset stores a baseline and dumps show
 * the difference, so the hot paths never do extra work for statistics. */
#ifndef GLASS_TRACE_STATS_H
#define GLASS_TRACE_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/events.h"
#include "cpu/hart.h"

struct hart;
struct address_space;

#define STATS_MAX_REGS 1024       /* distinct (region, register) pairs */
#define STATS_MAX_HARTS 8
#define STATS_MAX_REGIONS 64

struct stats_reg {
	const struct region *r;
	uint64_t offset;
	uint64_t reads, writes;
};

/* One virtqueue's traffic (virtio events). */
#define STATS_MAX_VQS 32
struct stats_vq {
	const char *device;       /* the instance id (lives as long as it) */
	int queue;
	uint64_t notifies, chains, used, bytes_out, bytes_in, interrupts;
};

struct stats {
	struct stats_reg regs[STATS_MAX_REGS];
	unsigned nregs;
	bool regs_full;
	uint64_t dma_ops, dma_bytes, dma_refused, config_accesses, irq_events,
		 guest_errors, hypercalls;
	struct stats_vq vqs[STATS_MAX_VQS];
	unsigned nvqs;
	struct hart_counters hart_base[STATS_MAX_HARTS];
	uint64_t region_base[STATS_MAX_REGIONS][2];
	FILE *out;                /* --stats FILE; NULL: none */
	bool json;
	/* what it reads counters from */
	const struct hart *harts;
	unsigned nharts;
	const struct address_space *as;
};

/* Open path for writing (JSON if it ends in .json, text otherwise); NULL
 * path: count but write nowhere. Returns 0 or -1 (printed). */
int stats_init(struct stats *s, const char *path, const struct hart *harts,
	       unsigned nharts, const struct address_space *as);
void stats_count(struct stats *s, const struct bus_event *e);
/* Zero every counter (as of now). */
void stats_reset(struct stats *s);
/* Write a dump named `name` (may be "") to the stats file; 0 or -1. */
int stats_dump(struct stats *s, const char *name);
/* Write a dump to any stream in the given format. */
void stats_write(const struct stats *s, FILE *f, const char *name, bool json);
void stats_close(struct stats *s);

#endif
