/* The gdbstub: GDB's remote serial protocol on a TCP or Unix socket, as
 * QEMU's -gdb offers it. Harts are threads; breakpoints and watchpoints
 * use the CPU's debug points (cpu/debug.h); the machine stops as a whole
 * (all-stop) and its clock stops with it. docs/gdb.md is the user's view.
 *
 * The run loop (machine.c) asks gdb_hart_budget() how far each hart may
 * run and calls gdb_hart_ran() after it ran; the sockets are polled with
 * the console (ioloop.h). Nothing is called while no stub exists.
 */
#ifndef GLASS_GDB_GDB_H
#define GLASS_GDB_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct machine;
struct gdb_server;

/* Listen on `dev`: "tcp:[HOST]:PORT" (HOST defaults to 127.0.0.1; a bare
 * ":PORT" or "PORT" is TCP too, as QEMU takes them) or "unix:PATH".
 * Replaces a stub already running. Returns 0, or -1 after writing one line
 * naming the problem to err. */
int gdb_start(struct machine *m, const char *dev, FILE *err);

/* Close the stub, if any: the client is dropped, every point goes, and
 * the machine stays as it is, running or stopped. */
void gdb_close(struct machine *m);

/* Stop listening (the monitor's `gdbserver none`): the client and its
 * points go; the monitor's watchpoints stay. */
void gdb_stop_server(struct machine *m);

/* The monitor's `watch PADDR [LEN] [r|w|rw]` and `unwatch PADDR|all`:
 * watchpoints on physical addresses (device registers, RAM) that stop
 * the machine, with or without a debugger, and print the access's trace
 * line. 0, or -1 after writing a usage line to out. */
int gdb_watch(struct machine *m, const char *args, FILE *out);
int gdb_unwatch(struct machine *m, const char *args, FILE *out);

/* How many instructions hart `i` may run this round (0: none; a step: 1),
 * given the run loop's slice. */
uint64_t gdb_hart_budget(struct gdb_server *g, unsigned i, uint64_t slice);

/* Hart `i` just ran: a breakpoint, watchpoint or finished step stops the
 * machine and is reported to the client. */
void gdb_hart_ran(struct gdb_server *g, unsigned i);

/* The machine is about to exit with `code`: tell the client. */
void gdb_machine_exit(struct gdb_server *g, int code);

/* Stop the machine, or let it run (the monitor's stop and cont); a client
 * waiting for the machine to stop is told. */
void gdb_pause(struct gdb_server *g, bool pause);

/* The monitor's `info gdb`: where it listens, the client, the points, and
 * the trace line of the last watched access. */
void gdb_info(struct gdb_server *g, FILE *out);

/* ---- for tests and the fuzzer: a stub without sockets ---- */

/* A stub whose replies collect in memory; NULL if out of memory. */
struct gdb_server *gdb_new_detached(struct machine *m);
/* Bytes from a client, as if read from the socket. */
void gdb_feed(struct gdb_server *g, const uint8_t *buf, size_t len);
/* What the stub sent since the last call (NUL-terminated, owned by the
 * stub), and its length. */
const char *gdb_output(struct gdb_server *g, size_t *len);
void gdb_free(struct gdb_server *g);

#endif
