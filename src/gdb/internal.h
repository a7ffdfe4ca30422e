/* Shared by the files of gdb/: the stub's state and the entry points
 * between the connection (gdbstub.c), the packet handlers (commands.c)
 * and the register view (regs.c). */
#ifndef GLASS_GDB_INTERNAL_H
#define GLASS_GDB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/debug.h"
#include "gdb/gdb.h"
#include "gdb/rsp.h"
#include "machine/machine.h"

/* What a hart does when the machine runs. */
enum gdb_action { ACT_STOP, ACT_CONT, ACT_STEP };

/* qqemu.sstep bits, QEMU's */
#define SSTEP_ENABLE 1
#define SSTEP_NOIRQ 2
#define SSTEP_NOTIMER 4

/* Points glass's monitor set (`watch`), not the client: z cannot remove
 * them, a client that goes leaves them, and their stop has no `watch`
 * field (the client has no such watchpoint to step over). */
#define POINT_MONITOR 5

/* The Z packet a debugger point came from (for z, and the stop reply). */
struct gdb_point_src {
	uint8_t type;          /* 0..4, or POINT_MONITOR */
	uint64_t kind;         /* the packet's kind (breakpoint length or
				* watched bytes) */
};

/* Why the machine last stopped. */
struct gdb_stop {
	unsigned hart;
	int signal;            /* 5 SIGTRAP, 2 SIGINT */
	bool hit;              /* a breakpoint or watchpoint: see dbg */
	struct dbg_hit dbg;
	uint8_t type;          /* the point's Z type, when hit */
};

struct gdb_server {
	struct machine *m;
	int listen_fd;          /* -1: none (a detached stub) */
	int fd;                 /* the client, or -1 */
	char where[300];        /* "tcp:127.0.0.1:1234", for messages */
	char unix_path[108];    /* a Unix socket to remove at close */
	bool detached;          /* no sockets: replies collect in `out` */
	int poll_listen, poll_client;  /* indices in the poll set */

	struct rsp_rx rx;
	char *out;              /* bytes not yet written to the client */
	size_t out_len, out_cap;
	char *last;             /* the last packet, framed, for a '-' */
	size_t last_len;
	bool no_ack;            /* QStartNoAckMode */
	bool swbreak, hwbreak;  /* the client takes these stop reasons */

	/* execution */
	bool waiting;           /* the client waits for a stop reply */
	uint8_t action[MAX_HARTS];
	/* the hart runs the instruction a watchpoint stopped first, past its
	 * debugger points (hart_debug_pass) */
	bool pass[MAX_HARTS];
	bool polled;            /* the poller is in the machine's io loop */
	unsigned rr_first;      /* the first round after a resume starts here */
	unsigned g_hart;        /* Hg: registers and memory */
	int c_hart;             /* Hc: -1 all, else a hart */
	bool phys;              /* Qqemu.PhysicalMemoryMode */
	unsigned sstep;         /* qqemu.sstep bits */
	struct gdb_stop stop;   /* the last stop */

	struct dbg_points points;
	struct gdb_point_src src[DBG_MAX_POINTS];

	/* the trace line of a watched device access (see capture_tap) */
	bool capturing;
	unsigned capture_hart;
	uint64_t capture_pc;
	char watch_line[512];

	char *tdesc;            /* target.xml, once a client asked */
	size_t tdesc_len;
};

/* gdbstub.c */
/* Send one packet (framed, remembered for a retransmission). */
void gdb_send(struct gdb_server *g, const char *data, size_t len);
void gdb_send_str(struct gdb_server *g, const char *s);
/* Console output for the user: `O` packets with s in hex. */
void gdb_send_console(struct gdb_server *g, const char *s, size_t len);
/* Resume: the actions are set; the reply is owed when the machine next
 * stops. */
void gdb_resume(struct gdb_server *g);
/* The stop reply for g->stop. */
void gdb_send_stop(struct gdb_server *g);
/* Points changed: re-arm every hart. */
void gdb_points_changed(struct gdb_server *g);
/* Detach (D) or forget the client: points gone, machine resumed. */
void gdb_release(struct gdb_server *g, bool resume);

/* commands.c: one packet's data (NUL-terminated, len bytes) */
void gdb_handle_packet(struct gdb_server *g, char *p, size_t len);

/* regs.c: the target description and the registers by GDB number */
char *gdb_tdesc_build(struct hart *h, size_t *len);
/* The register's size in bytes (0: no such register). */
unsigned gdb_reg_size(struct hart *h, unsigned regno);
bool gdb_reg_read(struct hart *h, unsigned regno, uint64_t *v);
bool gdb_reg_write(struct hart *h, unsigned regno, uint64_t v);
/* Registers in a `g` packet: x0-x31 and pc. */
#define GDB_G_REGS 33

#endif
