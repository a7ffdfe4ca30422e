/* Shared by the libFuzzer targets: reading the input as a byte stream, an
 * optional see-through tracer writing to /dev/null so the trace and
 * statistics formatting code runs on whatever the fuzzer makes happen, an
 * event sink that counts what it sees (for the targets' oracles) in front
 * of it, and a plain memory device that checks the bus contract. */
#ifndef GLASS_FUZZ_COMMON_H
#define GLASS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "mem/address_space.h"
#include "trace/stats.h"
#include "trace/trace.h"

/* The input, consumed from the front; reads past the end give zeros. */
struct in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t in_u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint64_t in_bytes(struct in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)in_u8(in) << (8 * i);
	return v;
}

static inline uint16_t in_u16(struct in *in) { return in_bytes(in, 2); }
static inline uint32_t in_u32(struct in *in) { return in_bytes(in, 4); }
static inline uint64_t in_u64(struct in *in) { return in_bytes(in, 8); }

/* A failed invariant of the code under test: a crash libFuzzer reports.
 * The message goes through the sanitizer's report channel, which stays
 * open when the target's own stderr is closed (-close_fd_mask). */
void __sanitizer_report_error_summary(const char *error_summary);

/* A target may clean up (temporary files) before a failed check aborts. */
static void (*fuzz_on_fail)(void);

static inline void fuzz_fail(const char *file, int line, const char *cond)
{
	char msg[512];

	if (fuzz_on_fail)
		fuzz_on_fail();
	snprintf(msg, sizeof(msg), "SUMMARY: invariant failed: %s:%d: %s",
		 file, line, cond);
	__sanitizer_report_error_summary(msg);
	abort();
}

#define FUZZ_CHECK(cond)                                                  \
	do {                                                              \
		if (!(cond))                                              \
			fuzz_fail(__FILE__, __LINE__, #cond);             \
	} while (0)

/* One tracer for the whole run (the file is opened once); each input picks
 * its categories, format and filter. Returns the sink to hand the address
 * space (or NULL: tracing off for this input). */
static struct tracer fuzz_tracer;
static struct stats fuzz_stats;
static int fuzz_tracer_ready;

static uint64_t fuzz_trace_now(void *opaque)
{
	(void)opaque;
	return 12345;
}

static inline struct event_sink *fuzz_trace_setup(uint8_t sel,
						  const struct address_space *as,
						  const struct hart *harts,
						  unsigned nharts)
{
	static const char *const devs[] = { "", "edu", "uart", "pci" };
	struct trace_filter filter = { .hart = -1 };

	if (!(sel & 1))
		return NULL;
	if (!fuzz_tracer_ready) {
		if (tracer_init(&fuzz_tracer, "/dev/null", TRACE_TEXT, 0,
				&filter) < 0)
			abort();
		fuzz_tracer_ready = 1;
	}
	fuzz_tracer.format = (sel >> 1) % 3;
	fuzz_tracer.chrome_first = (sel >> 3) & 1;
	strcpy(fuzz_tracer.filter.device, devs[(sel >> 4) & 3]);
	fuzz_tracer.filter.hart = (sel & 0x40) ? 0 : -1;
	fuzz_tracer.filter.addr_lo = 0;
	fuzz_tracer.filter.addr_hi = 0;
	fuzz_tracer.now_ns = fuzz_trace_now;
	fuzz_tracer.now_opaque = NULL;
	fuzz_tracer.stats = NULL;
	fuzz_tracer.count_mask = 0;
	tracer_set(&fuzz_tracer, EV_ALL, false);
	tracer_set(&fuzz_tracer, EV_ALL, true);
	if (sel & 0x80) {
		stats_init(&fuzz_stats, NULL, harts, nharts, as);
		tracer_attach_stats(&fuzz_tracer, &fuzz_stats, EV_ALL);
	}
	return &fuzz_tracer.sink;
}

/* Write a statistics dump to /dev/null (covers the text/JSON writers). */
static inline void fuzz_trace_finish(struct event_sink *sink, int json)
{
	static FILE *null_out;

	if (!sink || !fuzz_tracer.stats)
		return;
	if (!null_out)
		null_out = fopen("/dev/null", "w");
	if (null_out)
		stats_write(&fuzz_stats, null_out, "fuzz", json);
	fuzz_tracer.stats = NULL;
}

/* An event sink that counts events by kind and passes them on to the
 * tracer (when it is on for their category). Its own mask says which
 * categories the layers emit at all: the targets turn categories off now
 * and then so the "nobody listens" paths run too, and check event counts
 * only for categories that are on. */
struct fuzz_sink {
	struct event_sink sink;
	struct event_sink *next;      /* the tracer's, or NULL */
	uint64_t count[EVK_NR];
	/* optional: a target's check of every event */
	void (*check)(const struct bus_event *e);
};

static inline void fuzz_sink_emit(void *opaque, const struct bus_event *e)
{
	struct fuzz_sink *s = opaque;

	FUZZ_CHECK(e->kind < EVK_NR);
	FUZZ_CHECK(s->sink.mask & ev_category_of(e->kind));
	s->count[e->kind]++;
	if (s->check)
		s->check(e);
	if (ev_on(s->next, ev_category_of(e->kind)))
		s->next->emit(s->next->opaque, e);
}

/* sel is the trace selector (fuzz_trace_setup): every category, but when
 * tracing is off and its bits 1-2 are 1, 0 (one input in eight), the
 * categories its bits 3-7 say (bit 3 also turns on hypercall, bit 4
 * guest-error). */
static inline struct event_sink *fuzz_sink_init(struct fuzz_sink *s,
						struct event_sink *next,
						uint8_t sel)
{
	uint32_t some = (uint32_t)(sel >> 3);

	memset(s, 0, sizeof(*s));
	s->sink.mask = (sel & 7) != 2 ? EV_ALL : (some | some << 5) & EV_ALL;
	s->sink.emit = fuzz_sink_emit;
	s->sink.opaque = s;
	s->next = next;
	return &s->sink;
}

/* The widths from min to max (powers of two), as a GLASS_W* mask. */
static inline uint8_t fuzz_widths(unsigned min, unsigned max)
{
	uint8_t w = 0;

	for (unsigned s = min; s <= max && s <= 8; s <<= 1)
		w |= s;
	return w;
}

/* A plain memory device of FAKE_DEV_SIZE bytes without a register table
 * (one register over the whole region taking `impl`, include/glass/bus.h)
 * that checks the bus contract on every access: a width of 1, 2, 4 or 8
 * bytes among impl's (impl 0: valid's; valid 0: any), aligned unless impl
 * has GLASS_UNALIGNED, inside the region; written values hold only the
 * accessed bytes. */
#define FAKE_DEV_SIZE 0x100ull

struct fake_dev {
	uint8_t mem[FAKE_DEV_SIZE];
	struct glass_region_ops ops;
};

static inline void fake_dev_check(const struct fake_dev *d, uint64_t off,
				  unsigned size)
{
	uint8_t impl = d->ops.impl ? d->ops.impl :
		       d->ops.valid ? d->ops.valid : GLASS_WANY;

	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	FUZZ_CHECK(size & impl);
	FUZZ_CHECK((impl & GLASS_UNALIGNED) || !(off & (size - 1)));
	FUZZ_CHECK(off < FAKE_DEV_SIZE && size <= FAKE_DEV_SIZE - off);
}

static inline uint64_t fake_dev_read(void *opaque, uint64_t off,
				     unsigned size,
				     const struct glass_attrs *who)
{
	struct fake_dev *d = opaque;
	uint64_t v = 0;

	fake_dev_check(d, off, size);
	memcpy(&v, d->mem + off, size);
	return v;
}

static inline void fake_dev_write(void *opaque, uint64_t off, uint64_t val,
				  unsigned size,
				  const struct glass_attrs *who)
{
	struct fake_dev *d = opaque;

	fake_dev_check(d, off, size);
	FUZZ_CHECK(size == 8 || !(val >> (8 * size)));
	memcpy(d->mem + off, &val, size);
}

/* Who the harness's accesses come from: a hart in M mode. */
static const struct glass_attrs fuzz_hart0 = { .initiator = 0, .priv = 3 };

#endif
