/* libFuzzer target: the gdbstub's packet parser and command handlers.
 *
 * Input: the bytes a GDB client sends, as they come off the socket
 * (packets with checksums, acks, Ctrl-C, garbage, escapes). They are fed
 * to a socket-less stub (gdb_new_detached) on a two-hart machine running
 * a small loop (RAM stores and loads, a UART register, a CSR) in chunks
 * of 64 bytes; after each chunk, if the client let the machine run, one
 * round of the run loop runs with a budget of at most 50 instructions a
 * hart, so resumes, steps, breakpoint and watchpoint hits, Ctrl-C and the
 * stop replies all happen.
 *
 * Oracle besides ASan/UBSan: everything the stub sends is well framed:
 * acks (+/-) and $data#cs packets whose checksum is right, never a stray
 * byte; and x0 stays 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "gdb/gdb.h"
#include "gdb/rsp.h"
#include "machine/machine.h"

#define CHUNK 64
#define ROUND_BUDGET 50

/* the loop every hart runs at 0x80000000 (tests: see fuzz/README.md) */
static const uint32_t loop_code[] = {
	0x00000297, /* auipc t0, 0                                    */
	0x00130313, /* 1: addi t1, t1, 1                              */
	0x1062b023, /* sd t1, 0x100(t0)    RAM, watchable             */
	0x1002b383, /* ld t2, 0x100(t0)                               */
	0x10000e37, /* lui t3, 0x10000     the UART                   */
	0x006e03a3, /* sb t1, 7(t3)        its scratch register       */
	0xf1402ef3, /* csrr t4, mhartid                               */
	0xfe9ff06f, /* j 1b                                           */
};

static struct machine fuzz_machine;
static int fuzz_machine_ready;

/* One machine for the whole run: -bios none with the loop as a raw
 * image, two harts, the smallest RAM, a tracer into /dev/null (the
 * stub's capture of watched accesses formats trace lines). */
static struct machine *setup(void)
{
	struct machine *m = &fuzz_machine;
	struct machine_config cfg;
	char path[] = "/tmp/fuzz_gdb_XXXXXX";
	struct trace_filter none = { .hart = -1 };

	if (fuzz_machine_ready)
		return m;
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, loop_code, sizeof(loop_code)) !=
			      (ssize_t)sizeof(loop_code))
		abort();
	close(fd);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ram_size = 16ull << 20;
	cfg.nharts = 2;
	cfg.bios = "none";
	cfg.kernel = path;
	cfg.trace_filter.hart = -1;
	if (machine_init(m, &cfg) < 0)
		abort();
	unlink(path);
	if (tracer_init(&m->tracer, "/dev/null", TRACE_TEXT, 0, &none) < 0)
		abort();
	fuzz_machine_ready = 1;
	return m;
}

/* Every input starts from the same machine: harts at the loop, the code
 * and its data page restored, running, no stub. */
static void reset(struct machine *m)
{
	uint8_t *ram = as_host_ptr(&m->as, 0x80000000, 0x2000, true);

	memset(ram, 0, 0x2000);
	memcpy(ram, loop_code, sizeof(loop_code));
	for (unsigned i = 0; i < m->nharts; i++)
		hart_reset(&m->harts[i], 0x80000000);
	m->exit_requested = false;
	m->exit_code = 0;
	machine_pause(m, false);
	tracer_set(&m->tracer, EV_ALL, false);
}

/* The stub's output is acks and well-formed packets, nothing else. */
static void check_output(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (p[i] == '+' || p[i] == '-') {
			i++;
			continue;
		}
		FUZZ_CHECK(p[i] == '$');
		uint8_t sum = 0;
		size_t j = i + 1;
		while (j < n && p[j] != '#')
			sum += (uint8_t)p[j++];
		FUZZ_CHECK(j + 2 < n);   /* '#' and two digits, all there */
		int hi = rsp_hexval((unsigned char)p[j + 1]);
		int lo = rsp_hexval((unsigned char)p[j + 2]);
		FUZZ_CHECK(hi >= 0 && lo >= 0 && (hi << 4 | lo) == sum);
		i = j + 3;
	}
}

/* One round of the run loop (machine.c), with small budgets. */
static void run_round(struct machine *m, struct gdb_server *g)
{
	for (unsigned i = 0; i < m->nharts; i++) {
		struct hart *h = &m->harts[i];
		uint64_t budget = gdb_hart_budget(g, i, ROUND_BUDGET);
		if (!hart_runnable(h) || !budget)
			continue;
		hart_run(h, budget < ROUND_BUDGET ? budget : ROUND_BUDGET);
		gdb_hart_ran(g, i);
		FUZZ_CHECK(hart_get_gpr(h, 0) == 0);
	}
	for (unsigned i = 0; i < m->nharts; i++)
		hart_end_slice(&m->harts[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct machine *m = setup();
	struct gdb_server *g;
	const char *out;
	size_t n;

	reset(m);
	g = gdb_new_detached(m);
	if (!g)
		abort();
	for (size_t off = 0; off < size; off += CHUNK) {
		size_t len = size - off < CHUNK ? size - off : CHUNK;
		gdb_feed(g, data + off, len);
		out = gdb_output(g, &n);
		check_output(out, n);
		if (!m->paused && !m->exit_requested)
			run_round(m, g);
		out = gdb_output(g, &n);
		check_output(out, n);
	}
	gdb_free(g);
	return 0;
}
