/* Shared by the libFuzzer targets: reading the input as a byte stream, and
 * an optional see-through tracer writing to /dev/null so the trace and
 * statistics formatting code runs on whatever the fuzzer makes happen. */
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
						  const struct pci_host *pci,
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
	fuzz_tracer.pci = pci;
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

/* The widths from min to max (powers of two), as an MMIO_W* mask. */
static inline uint8_t fuzz_widths(unsigned min, unsigned max)
{
	uint8_t w = 0;

	for (unsigned s = min; s <= max && s <= 8; s <<= 1)
		w |= s;
	return w;
}

/* A plain memory device of FAKE_DEV_SIZE bytes without a register table
 * (one register over the whole device, mem/mmio.h) that checks the bus
 * contract on every access: a width of 1, 2, 4 or 8 bytes among its
 * widths, aligned unless they include MMIO_UNALIGNED, inside the device. */
#define FAKE_DEV_SIZE 0x100ull

struct fake_dev {
	uint8_t mem[FAKE_DEV_SIZE];
	struct mmio_ops ops;
};

static inline void fake_dev_check(const struct fake_dev *d, uint64_t off,
				  unsigned size)
{
	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	FUZZ_CHECK(size & d->ops.widths);
	FUZZ_CHECK((d->ops.widths & MMIO_UNALIGNED) || !(off & (size - 1)));
	FUZZ_CHECK(off < FAKE_DEV_SIZE && size <= FAKE_DEV_SIZE - off);
}

static inline uint64_t fake_dev_read(void *opaque, uint64_t off,
				     unsigned size)
{
	struct fake_dev *d = opaque;
	uint64_t v = 0;

	fake_dev_check(d, off, size);
	memcpy(&v, d->mem + off, size);
	return v;
}

static inline void fake_dev_write(void *opaque, uint64_t off, uint64_t val,
				  unsigned size)
{
	struct fake_dev *d = opaque;

	fake_dev_check(d, off, size);
	memcpy(d->mem + off, &val, size);
}

#endif
