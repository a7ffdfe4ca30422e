/* The gdbstub in-process: the protocol's framing (gdb/rsp.c), and a
 * socket-less stub (gdb_new_detached) on a one-hart machine running a
 * small loop, driven packet by packet with the run loop done by hand.
 * tests/gdb/ drives the same stub with a real GDB over a socket. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdb/gdb.h"
#include "gdb/rsp.h"
#include "harness.h"
#include "machine/machine.h"

/* ---- framing ---- */

static enum rsp_event feed_str(struct rsp_rx *rx, const char *s)
{
	enum rsp_event ev = RSP_NONE;

	for (; *s; s++) {
		ev = rsp_rx_byte(rx, (uint8_t)*s);
		if (ev != RSP_NONE && s[1])
			return ev;  /* something before the end: a test bug */
	}
	return ev;
}

TEST(gdb_rsp_framing)
{
	struct rsp_rx *rx = malloc(sizeof(*rx));

	rsp_rx_init(rx);
	CHECK_EQ(feed_str(rx, "$g#67"), RSP_PACKET);
	CHECK(!strcmp(rx->buf, "g"));
	CHECK_EQ(feed_str(rx, "$g#68"), RSP_BAD);      /* wrong sum */
	CHECK_EQ(feed_str(rx, "$g#6z"), RSP_BAD);      /* not hex */
	CHECK_EQ(rsp_rx_byte(rx, 0x03), RSP_INTERRUPT);
	CHECK_EQ(rsp_rx_byte(rx, '+'), RSP_ACK);
	CHECK_EQ(rsp_rx_byte(rx, '-'), RSP_NAK);
	CHECK_EQ(rsp_rx_byte(rx, 'x'), RSP_NONE);      /* noise */
	/* a '$' inside a packet starts again */
	CHECK_EQ(feed_str(rx, "$m80$?#3f"), RSP_PACKET);
	CHECK(!strcmp(rx->buf, "?"));
	/* 0x03 inside a packet is data, not Ctrl-C */
	CHECK_EQ(feed_str(rx, "$\x03#03"), RSP_PACKET);
	/* too long: refused even with the right checksum */
	rsp_rx_byte(rx, '$');
	uint8_t sum = 0;
	for (unsigned i = 0; i < RSP_MAX_PACKET + 10; i++) {
		CHECK_EQ(rsp_rx_byte(rx, 'a'), RSP_NONE);
		sum += 'a';
	}
	char tail[4];
	snprintf(tail, sizeof(tail), "#%02x", sum);
	CHECK_EQ(feed_str(rx, tail), RSP_BAD);
	CHECK(rx->overflow);
	free(rx);
}

TEST(gdb_rsp_escapes_and_hex)
{
	const uint8_t data[] = { 'a', '#', '$', '}', '*', 0, 0xff };
	char out[32];
	size_t n = rsp_frame(data, sizeof(data), out, sizeof(out));
	uint64_t v;
	const char *s;

	/* $a}C}D}]}\n<0><ff>#cs: 4 escapes, checksum over what is sent */
	CHECK_EQ(n, 1 + sizeof(data) + 4 + 3);
	CHECK(!memchr(out + 1, '#', n - 4) && !memchr(out + 1, '$', n - 4));
	uint8_t sum = 0;
	for (size_t i = 1; i < n - 3; i++)
		sum += (uint8_t)out[i];
	CHECK_EQ(rsp_hexval(out[n - 2]) << 4 | rsp_hexval(out[n - 1]), sum);
	uint8_t back[32];
	memcpy(back, out + 1, n - 4);
	CHECK_EQ(rsp_unescape(back, n - 4), sizeof(data));
	CHECK(!memcmp(back, data, sizeof(data)));
	CHECK_EQ(rsp_frame(data, sizeof(data), out, 8), 0); /* no room */

	s = "ffffffffffffffff,";
	CHECK(rsp_parse_hex(&s, &v) && v == UINT64_MAX && *s == ',');
	s = "10000000000000000";   /* 17 digits: more than 64 bits */
	CHECK(!rsp_parse_hex(&s, &v));
	s = ",1";
	CHECK(!rsp_parse_hex(&s, &v));
	CHECK(!rsp_hex_decode("1g", (uint8_t *)out, 1));
	CHECK(!rsp_hex_decode("1", (uint8_t *)out, 1));  /* stops at the NUL */
	rsp_hex_le(0x1122334455667788ull, 8, out);
	CHECK(!strcmp(out, "8877665544332211"));
}

/* ---- a stub on a machine ---- */

/* auipc t0,0; 1: addi t1,t1,1; sd t1,0x100(t0); ld t2,0x100(t0); j 1b */
static const uint32_t loop[] = { 0x00000297, 0x00130313, 0x1062b023,
				 0x1002b383, 0xff5ff06f };

static struct machine *new_machine_smp(unsigned harts)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct machine_config cfg = { .ram_size = 16ull << 20,
				      .nharts = harts, .bios = "none" };
	char path[] = "/tmp/test_gdb_XXXXXX";
	int fd = mkstemp(path);

	cfg.trace_filter.hart = -1;
	if (!m || fd < 0 || write(fd, loop, sizeof(loop)) != sizeof(loop))
		abort();
	close(fd);
	cfg.kernel = path;
	if (machine_init(m, &cfg) < 0)
		abort();
	unlink(path);
	for (unsigned i = 0; i < harts; i++)
		hart_reset(&m->harts[i], 0x80000000);
	return m;
}

static struct machine *new_machine(void)
{
	return new_machine_smp(1);
}

/* Send a packet (acked), return the stub's answer without acks. */
static const char *ask(struct gdb_server *g, const char *pkt)
{
	static char reply[RSP_MAX_PACKET + 1];
	char framed[512];
	size_t n;
	uint8_t sum = 0;

	for (const char *p = pkt; *p; p++)
		sum += (uint8_t)*p;
	snprintf(framed, sizeof(framed), "$%s#%02x", pkt, sum);
	gdb_feed(g, (const uint8_t *)framed, strlen(framed));
	const char *out = gdb_output(g, &n);
	const char *d = memchr(out, '$', n), *e;
	reply[0] = 0;
	if (d && (e = memchr(d, '#', n - (size_t)(d - out)))) {
		memcpy(reply, d + 1, (size_t)(e - d - 1));
		reply[e - d - 1] = 0;
	}
	return reply;
}

/* Run the machine as the run loop would until the stub stops it, at
 * most `rounds` rounds; the stop reply, if one came. */
static const char *run_until_stop(struct machine *m, struct gdb_server *g,
				  int rounds)
{
	static char reply[256];
	size_t n;

	reply[0] = 0;
	while (rounds-- > 0 && !m->paused) {
		for (unsigned i = 0; i < m->nharts; i++) {
			uint64_t b = gdb_hart_budget(g, i, 100);
			if (b && hart_runnable(&m->harts[i])) {
				hart_run(&m->harts[i], b);
				gdb_hart_ran(g, i);
			}
		}
	}
	/* the last packet: console output (O...) comes before a stop */
	const char *out = gdb_output(g, &n), *d = NULL, *e;
	for (size_t i = 0; i < n; i++)
		if (out[i] == '$')
			d = out + i;
	if (d && (e = memchr(d, '#', n - (size_t)(d - out))) &&
	    (size_t)(e - d) < sizeof(reply)) {
		memcpy(reply, d + 1, (size_t)(e - d - 1));
		reply[e - d - 1] = 0;
	}
	return reply;
}

TEST(gdb_stub_session)
{
	struct machine *m = new_machine();
	struct gdb_server *g = gdb_new_detached(m);

	machine_pause(m, true);   /* as a client that just connected */
	CHECK(!strncmp(ask(g, "qSupported:swbreak+"), "PacketSize=4000;", 16));
	CHECK(!strcmp(ask(g, "?"), "T05thread:1;"));
	CHECK_EQ(strlen(ask(g, "g")), 33 * 16);
	CHECK(!strcmp(ask(g, "p20"), "0000008000000000"));    /* pc */
	CHECK(!strcmp(ask(g, "m80000000,4"), "97020000"));    /* auipc */
	/* CSRs are 65 + their number: tselect, tdata1 (type 2 at reset) */
	CHECK(!strcmp(ask(g, "p7e1"), "0000000000000000"));
	CHECK(!strcmp(ask(g, "p7e2"), "0000000000000020"));
	CHECK(!strncmp(ask(g, "qXfer:features:read:target.xml:0,40"),
		       "m<?xml", 6));
	CHECK(!strcmp(ask(g, "qC"), "QC1"));

	/* a breakpoint: the hart stops before the instruction */
	CHECK(!strcmp(ask(g, "Z0,80000008,4"), "OK"));
	ask(g, "vCont;c");
	CHECK(!strcmp(run_until_stop(m, g, 10), "T05thread:1;swbreak:;"));
	CHECK(!strcmp(ask(g, "p20"), "0800008000000000"));
	CHECK(!strcmp(ask(g, "z0,80000008,4"), "OK"));

	/* a write watchpoint: stops before the store, reports the address */
	CHECK(!strcmp(ask(g, "Z2,80000104,2"), "OK"));
	ask(g, "c");
	CHECK(!strcmp(run_until_stop(m, g, 10),
		      "T05thread:1;watch:80000104;"));
	CHECK(!strcmp(ask(g, "p20"), "0800008000000000"));
	CHECK(!strcmp(ask(g, "m80000100,8"), "0000000000000000"));
	/* the store runs when the hart goes on, and stops the next time */
	ask(g, "c");
	CHECK(!strcmp(run_until_stop(m, g, 10),
		      "T05thread:1;watch:80000104;"));
	CHECK(!strcmp(ask(g, "m80000100,1"), "01"));
	/* the monitor names the access (here RAM: va, pa and the value) */
	char cmd[64] = "qRcmd,", text[512] = "";
	rsp_hex_encode((const uint8_t *)"info gdb", 8, cmd + 6);
	const char *o = ask(g, cmd);
	CHECK(o[0] == 'O');
	size_t on = strlen(o + 1) / 2;
	if (on < sizeof(text) && rsp_hex_decode(o + 1, (uint8_t *)text, on))
		text[on] = 0;
	CHECK(strstr(text, "last watched access: hart0 M pc=0000000080000008 "
			   "store.d va=80000100 pa=0x80000100 (ram) = 0x2"));
	CHECK(!strcmp(ask(g, "z2,80000104,2"), "OK"));

	/* a single step: one instruction */
	ask(g, "s");
	CHECK(!strcmp(run_until_stop(m, g, 10), "T05thread:1;"));
	CHECK(!strcmp(ask(g, "p20"), "0c00008000000000"));

	/* Ctrl-C while running */
	ask(g, "c");
	run_until_stop(m, g, 3);
	CHECK(!m->paused);
	gdb_feed(g, (const uint8_t *)"\x03", 1);
	CHECK(m->paused);
	CHECK(!strcmp(run_until_stop(m, g, 0), "T02thread:1;"));

	/* detach: the machine runs on */
	CHECK(!strcmp(ask(g, "D"), "OK"));
	CHECK(!m->paused);
	gdb_free(g);
	machine_destroy(m);
	free(m);
}

TEST(gdb_stub_time_stops_with_the_machine)
{
	struct machine *m = new_machine();
	uint64_t t0;

	machine_pause(m, true);
	t0 = machine_time_ns(m);
	usleep(20000);
	CHECK_EQ(machine_time_ns(m), t0);
	machine_pause(m, false);
	CHECK(machine_time_ns(m) - t0 < 10000000);  /* no jump */
	/* a snapshot restored into a stopped machine (-S -loadvm, loadvm
	 * from GDB's monitor): its time holds until the machine goes on */
	machine_pause(m, true);
	machine_set_time(m, 5000000000ull);
	CHECK_EQ(machine_time_ns(m), 5000000000ull);
	usleep(20000);
	CHECK_EQ(machine_time_ns(m), 5000000000ull);
	machine_pause(m, false);
	CHECK(machine_time_ns(m) - 5000000000ull < 10000000);
	machine_destroy(m);
	free(m);
}

TEST(gdb_stub_vcont_per_hart)
{
	struct machine *m = new_machine_smp(2);
	struct gdb_server *g = gdb_new_detached(m);

	machine_pause(m, true);
	CHECK(!strcmp(ask(g, "qfThreadInfo"), "m1,2"));
	/* hart 1 steps, hart 0 stays: only thread 2 moved */
	ask(g, "vCont;s:2");
	CHECK(!strcmp(run_until_stop(m, g, 5), "T05thread:2;"));
	CHECK_EQ(hart_get_pc(&m->harts[1]), 0x80000004);
	CHECK_EQ(hart_get_pc(&m->harts[0]), 0x80000000);
	CHECK(!strcmp(ask(g, "Hg2"), "OK"));
	CHECK(!strcmp(ask(g, "p20"), "0400008000000000"));
	CHECK(!strcmp(ask(g, "Hg1"), "OK"));
	CHECK(!strcmp(ask(g, "p20"), "0000008000000000"));
	/* scheduler locking: only hart 0 runs, until Ctrl-C */
	ask(g, "vCont;c:1");
	run_until_stop(m, g, 3);
	gdb_feed(g, (const uint8_t *)"\x03", 1);
	CHECK(m->paused);
	CHECK(!strcmp(run_until_stop(m, g, 0), "T02thread:1;"));
	CHECK(hart_get_pc(&m->harts[0]) != 0x80000000);
	CHECK_EQ(hart_get_pc(&m->harts[1]), 0x80000004);
	/* a breakpoint both harts pass: each stops in its turn */
	CHECK(!strcmp(ask(g, "Z0,8000000c,4"), "OK"));
	ask(g, "vCont;c");
	char first[64];
	snprintf(first, sizeof(first), "%s", run_until_stop(m, g, 10));
	CHECK(!strncmp(first, "T05thread:", 10));
	ask(g, "vCont;c");
	const char *second = run_until_stop(m, g, 10);
	CHECK(!strncmp(second, "T05thread:", 10) && strcmp(first, second));
	CHECK(!strcmp(ask(g, "T3"), "E22"));
	gdb_free(g);
	machine_destroy(m);
	free(m);
}
