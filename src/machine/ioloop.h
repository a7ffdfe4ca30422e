/* The main loop's file descriptors beyond the console: whoever has host
 * I/O to wait for (user networking, a debugger's socket) registers a
 * poller, which adds its descriptors to each poll() of the run loop and
 * is told afterwards which are ready, as QEMU's main loop does for
 * libslirp. The run loop polls once per round, so a poller's work happens
 * between slices of guest execution, never inside a device access. */
#ifndef GLASS_MACHINE_IOLOOP_H
#define GLASS_MACHINE_IOLOOP_H

#include <poll.h>

#define IO_SET_MAX 64
#define IO_LOOP_MAX 8

/* The descriptors of one poll(). */
struct io_set {
	struct pollfd fds[IO_SET_MAX];
	unsigned n;
};

/* Add fd to the set; its index, or -1 when the set is full. */
int io_set_add(struct io_set *s, int fd, short events);
/* What poll() said of the descriptor at idx (0 for a bad index). */
short io_set_revents(const struct io_set *s, int idx);

struct io_poller {
	/* add descriptors to set; lower *timeout_ms if it needs to run
	 * sooner (never raise it) */
	void (*fill)(void *opaque, struct io_set *set, int *timeout_ms);
	/* after poll(): act on what is ready (ok false: poll failed) */
	void (*dispatch)(void *opaque, const struct io_set *set, bool ok);
	void *opaque;
};

struct io_loop {
	struct io_poller p[IO_LOOP_MAX];
	unsigned n;
};

/* Register a poller; 0, or -1 when there is no room. */
int io_loop_add(struct io_loop *l, const struct io_poller *p);
/* Unregister the poller with this opaque. */
void io_loop_remove(struct io_loop *l, void *opaque);

#endif
