/* The see-through trace: formats bus events as one line each (text or
 * JSON) or as a Chrome/Perfetto trace-event file, after filtering by
 * category, device, address range and hart. It is the event_sink every
 * layer emits into; with nothing enabled its mask is 0 and no layer calls
 * it. */
#ifndef GLASS_TRACE_TRACE_H
#define GLASS_TRACE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/events.h"

enum trace_format { TRACE_TEXT, TRACE_JSON, TRACE_CHROME };

struct trace_filter {
	char device[32];          /* substring of the region name; "" any */
	uint64_t addr_lo, addr_hi; /* inclusive physical range */
	int hart;                 /* -1 any */
};

struct stats;

struct tracer {
	struct event_sink sink;   /* what the layers see */
	uint32_t print_mask;      /* categories written to the output */
	uint32_t count_mask;      /* categories counted in statistics */
	enum trace_format format;
	FILE *out;
	bool own_out;             /* opened by us: close at the end */
	bool chrome_first;        /* no event written yet (JSON array comma) */
	struct trace_filter filter;
	uint64_t events;          /* lines written */
	struct stats *stats;      /* optional */
	uint64_t (*now_ns)(void *opaque);
	void *now_opaque;
	/* an observer (a debugger's, gdb/): sees the events of tap_mask
	 * before any filter, whether they print or not */
	void (*tap)(void *opaque, const struct bus_event *e);
	void *tap_opaque;
	uint32_t tap_mask;
};

/* Parse "mmio,irq" / "all" / "none" into a category mask; -1 on an
 * unknown word (after printing which). */
int trace_parse_categories(const char *s, uint32_t *mask);
/* Parse "device=edu,addr=0x40000000-0x400fffff,hart=0". */
int trace_parse_filter(const char *s, struct trace_filter *f);
int trace_parse_format(const char *s, enum trace_format *fmt);
/* Name of a category bit ("mmio"). */
const char *trace_category_name(uint32_t bit);

/* Set up with output to path (NULL: stderr). Returns 0 or -1 (printed). */
int tracer_init(struct tracer *t, const char *path, enum trace_format fmt,
		uint32_t print_mask, const struct trace_filter *filter);
/* Count events of count_mask in s as well (per-register statistics). */
void tracer_attach_stats(struct tracer *t, struct stats *s,
			 uint32_t count_mask);
/* Change which categories print (monitor, hypercall TRACE op); returns
 * the previous mask. */
uint32_t tracer_set(struct tracer *t, uint32_t mask, bool on);
/* Let fn see every event of `mask` (fn NULL: nobody); one observer at a
 * time. Costs nothing while there is none. */
void tracer_set_tap(struct tracer *t, uint32_t mask,
		    void (*fn)(void *opaque, const struct bus_event *e),
		    void *opaque);
/* Write pending output and close the file (Chrome format: end the array). */
void tracer_close(struct tracer *t);

/* Format one event into buf as the text trace would (for tests and the
 * monitor). */
void trace_format_text(const struct tracer *t, const struct bus_event *e,
		       char *buf, size_t len);

/* The letter every view prints for a privilege level (0 U, 1 S, 3 M, as
 * glass_attrs.priv and enum priv number them). */
static inline char trace_priv_letter(unsigned priv)
{
	return priv == 3 ? 'M' : priv == 1 ? 'S' : 'U';
}

#endif
