/* User-mode networking on libslirp: what a `-netdev user` is. The guest
 * is on 10.0.2.0/24 with slirp as its router and DHCP server (10.0.2.2,
 * which is also the host's loopback), and `hostfwd` rules forward host
 * TCP ports to guest ports.
 *
 * slirp's sockets are polled from the machine's main loop, next to the
 * console (netdev_poll_fill / netdev_poll_dispatch), and its timers run
 * on the machine's virtual clock. Frames for the guest go to the
 * attached frontend (a virtio-net device) through netdev_input(); frames
 * the frontend has no room for wait in a bounded queue (and are dropped
 * beyond it, which TCP recovers from, as on a real link).
 *
 * Deterministic runs (-icount) open the netdev with NETDEV_DEFERRED: what
 * slirp sends the guest, whether it answers a frame at once (ARP, DHCP),
 * from a timer or from a host socket, waits in an inbox until the
 * machine takes it at the end of a round (netdev_inbox_pop), where
 * --record stamps it with the instruction count and hands it over with
 * netdev_input(). A replay (NETDEV_OFFLINE) has no slirp at all: the
 * guest's frames go nowhere and the recorded ones come in through
 * netdev_input(), at the same points. */
#ifndef GLASS_BACKEND_NETDEV_H
#define GLASS_BACKEND_NETDEV_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vclock;
struct netdev;

#define NETDEV_ID_LEN 32
#define NETDEV_MAX_HOSTFWD 8

/* netdev_open flags */
#define NETDEV_DEFERRED 1u   /* slirp's frames wait for netdev_inbox_pop */
#define NETDEV_OFFLINE 2u    /* no slirp: frames come from netdev_input */

/* Open a user network. `hostfwd` holds the rules as written
 * ("tcp:127.0.0.1:8080-:80"). Returns it, or NULL after printing one
 * line "glass: -netdev ...: what is wrong". */
struct netdev *netdev_open(const char *id, const char *const *hostfwd,
			   unsigned nhostfwd, struct vclock *clock,
			   unsigned flags);
void netdev_close(struct netdev *nd);
const char *netdev_id(const struct netdev *nd);

/* The frontend: receive() takes a frame and returns false when it has no
 * buffer for it (the frame then waits in the queue). Returns -1 if
 * another frontend has the netdev. */
int netdev_attach(struct netdev *nd, bool (*receive)(void *fe,
						     const uint8_t *frame,
						     size_t len),
		  void *fe);
void netdev_detach(struct netdev *nd);

/* A frame from the guest, onto the network (offline: dropped). */
void netdev_send(struct netdev *nd, const uint8_t *frame, size_t len);
/* The frontend has buffers again: deliver waiting frames. */
void netdev_flush_queue(struct netdev *nd);
/* A frame for the guest, now: to the frontend, or its queue. */
void netdev_input(struct netdev *nd, const uint8_t *frame, size_t len);
/* NETDEV_DEFERRED: the next frame slirp made for the guest (malloc'd:
 * the caller frees it), or NULL. */
uint8_t *netdev_inbox_pop(struct netdev *nd, size_t *len);

/* The cable pulled and put back: every host connection and frame on its
 * way is gone, slirp starts afresh (its DHCP leases and ARP table
 * forgotten) and listens on the hostfwd ports again. What a snapshot
 * restore does, since host sockets cannot be saved. */
void netdev_reset(struct netdev *nd);

/* Main loop: add the sockets to poll (at most max), lower *timeout_ms
 * if slirp needs to run sooner; then, after poll (ok: it succeeded), let
 * slirp handle the results and deliver queued frames the frontend has
 * room for now. Return the number of fds added. */
int netdev_poll_fill(struct netdev *nd, struct pollfd *fds, int max,
		     int *timeout_ms);
void netdev_poll_dispatch(struct netdev *nd, struct pollfd *fds, int n,
			  bool ok);

/* Counters for info virtio: frames in, out, dropped. */
void netdev_counters(const struct netdev *nd, uint64_t *rx, uint64_t *tx,
		     uint64_t *dropped);

#endif
