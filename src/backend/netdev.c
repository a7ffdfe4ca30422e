/* -netdev user on libslirp (netdev.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slirp/libslirp.h>

#include "backend/netdev.h"
#include "core/clock.h"

#define QUEUE_MAX 256
#define MAX_TIMERS 4
#define POLL_MAX 64

struct netdev_timer {
	struct vtimer vt;
	struct netdev *nd;
	SlirpTimerId id;
	void *cb_opaque;
	bool used;
};

struct frame {
	uint8_t *data;
	size_t len;
};

/* A bounded ring of frames. */
struct fifo {
	struct frame f[QUEUE_MAX];
	unsigned head, len;
};

struct netdev {
	char id[NETDEV_ID_LEN];
	Slirp *slirp;
	struct vclock *clock;
	unsigned flags;
	char hostfwd[NETDEV_MAX_HOSTFWD][128];
	unsigned nhostfwd;
	bool (*receive)(void *fe, const uint8_t *frame, size_t len);
	void *fe;
	struct fifo queue;       /* for the guest, waiting for its buffers */
	struct fifo inbox;       /* NETDEV_DEFERRED: from slirp, waiting for
				  * the end of the round */
	struct netdev_timer timers[MAX_TIMERS];
	/* during netdev_poll_dispatch: the pollfd array slirp indexes */
	struct pollfd *fds;
	int nfds, maxfds;
	uint64_t rx, tx, dropped;
};

static bool fifo_push(struct fifo *q, const void *data, size_t len)
{
	if (q->len == QUEUE_MAX)
		return false;
	struct frame *f = &q->f[(q->head + q->len) % QUEUE_MAX];
	f->data = malloc(len ? len : 1);
	if (!f->data)
		return false;
	memcpy(f->data, data, len);
	f->len = len;
	q->len++;
	return true;
}

/* The oldest frame, taken out (the caller owns its data). */
static struct frame fifo_pop(struct fifo *q)
{
	struct frame f = q->f[q->head];

	q->f[q->head].data = NULL;
	q->head = (q->head + 1) % QUEUE_MAX;
	q->len--;
	return f;
}

static void fifo_clear(struct fifo *q)
{
	while (q->len)
		free(fifo_pop(q).data);
	q->head = 0;
}

/* Every frame that reaches the guest passes here. */
static bool deliver(struct netdev *nd, const uint8_t *frame, size_t len)
{
	if (!nd->receive || !nd->receive(nd->fe, frame, len))
		return false;
	nd->rx++;
	return true;
}

void netdev_flush_queue(struct netdev *nd)
{
	while (nd->queue.len) {
		struct frame *f = &nd->queue.f[nd->queue.head];
		if (!deliver(nd, f->data, f->len))
			return;
		free(fifo_pop(&nd->queue).data);
	}
}

void netdev_input(struct netdev *nd, const uint8_t *frame, size_t len)
{
	netdev_flush_queue(nd);
	if (!nd->queue.len && deliver(nd, frame, len))
		return;
	if (!fifo_push(&nd->queue, frame, len))
		nd->dropped++;
}

uint8_t *netdev_inbox_pop(struct netdev *nd, size_t *len)
{
	if (!nd->inbox.len)
		return NULL;
	struct frame f = fifo_pop(&nd->inbox);
	*len = f.len;
	return f.data;
}

/* slirp's frames for the guest: at once, or into the inbox. */
static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
	struct netdev *nd = opaque;

	if (!(nd->flags & NETDEV_DEFERRED))
		netdev_input(nd, buf, len);
	else if (!fifo_push(&nd->inbox, buf, len))
		nd->dropped++;
	return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque)
{
	/* slirp's complaints about guest packets; not worth a line */
}

static int64_t clock_get_ns(void *opaque)
{
	struct netdev *nd = opaque;

	return (int64_t)vclock_ns(nd->clock);
}

static void timer_fire(void *opaque)
{
	struct netdev_timer *t = opaque;

	slirp_handle_timer(t->nd->slirp, t->id, t->cb_opaque);
}

static void *timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct netdev *nd = opaque;

	for (int i = 0; i < MAX_TIMERS; i++) {
		struct netdev_timer *t = &nd->timers[i];
		if (t->used)
			continue;
		if (vclock_add(nd->clock, &t->vt, timer_fire, t) < 0)
			return NULL;
		*t = (struct netdev_timer){ .vt = t->vt, .nd = nd, .id = id,
					    .cb_opaque = cb_opaque,
					    .used = true };
		return t;
	}
	return NULL;
}

static void timer_free(void *timer, void *opaque)
{
	struct netdev *nd = opaque;
	struct netdev_timer *t = timer;

	if (!t)
		return;
	vclock_remove(nd->clock, &t->vt);
	t->used = false;
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct netdev_timer *t = timer;

	if (t)
		vtimer_arm(&t->vt, expire_ms < 0 ? 0 :
			   (uint64_t)expire_ms * 1000000ull);
}

static void register_poll_fd(int fd, void *opaque)
{
}

static void unregister_poll_fd(int fd, void *opaque)
{
}

static void notify(void *opaque)
{
}

static const SlirpCb callbacks = {
	.send_packet = send_packet,
	.guest_error = guest_error,
	.clock_get_ns = clock_get_ns,
	.timer_free = timer_free,
	.timer_mod = timer_mod,
	.register_poll_fd = register_poll_fd,
	.unregister_poll_fd = unregister_poll_fd,
	.notify = notify,
	.timer_new_opaque = timer_new_opaque,
};

static int fail(const char *id, const char *fmt, const char *arg)
{
	fprintf(stderr, "glass: -netdev user,id=%s: ", id);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return -1;
}

/* "tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" (udp: too) */
static int add_hostfwd(struct netdev *nd, const char *rule)
{
	char buf[128], *p, *dash, *hport, *gport;
	struct in_addr haddr = { 0 }, gaddr = { 0 };
	int udp;

	if (strlen(rule) >= sizeof(buf))
		return fail(nd->id, "hostfwd=%s: too long", rule);
	strcpy(buf, rule);
	if (!strncmp(buf, "tcp:", 4))
		udp = 0;
	else if (!strncmp(buf, "udp:", 4))
		udp = 1;
	else
		return fail(nd->id, "hostfwd=%s: tcp:[ADDR]:PORT-[ADDR]:PORT "
			    "or udp:...", rule);
	p = buf + 4;
	dash = strchr(p, '-');
	hport = strchr(p, ':');
	if (!dash || !hport || hport > dash)
		return fail(nd->id, "hostfwd=%s: tcp:[ADDR]:PORT-[ADDR]:PORT",
			    rule);
	*dash = 0;
	*hport++ = 0;
	gport = strchr(dash + 1, ':');
	if (!gport)
		return fail(nd->id, "hostfwd=%s: the guest side is [ADDR]:PORT",
			    rule);
	*gport++ = 0;
	char *end1, *end2;
	long hp = strtol(hport, &end1, 10), gp = strtol(gport, &end2, 10);
	if ((*p && !inet_aton(p, &haddr)) ||
	    (dash[1] && !inet_aton(dash + 1, &gaddr)) || *end1 || *end2 ||
	    !*hport || !*gport || hp < 0 || hp > 65535 || gp < 1 ||
	    gp > 65535)
		return fail(nd->id, "hostfwd=%s: bad address or port", rule);
	if (slirp_add_hostfwd(nd->slirp, udp, haddr, (int)hp, gaddr,
			      (int)gp) < 0)
		return fail(nd->id, "hostfwd=%s: cannot listen on the host "
			    "port (in use?)", rule);
	return 0;
}

/* slirp and its hostfwd listeners; -1 after one line. */
static int start(struct netdev *nd)
{
	SlirpConfig cfg = { .version = 4, .in_enabled = true };

	inet_aton("10.0.2.0", &cfg.vnetwork);
	inet_aton("255.255.255.0", &cfg.vnetmask);
	inet_aton("10.0.2.2", &cfg.vhost);
	inet_aton("10.0.2.15", &cfg.vdhcp_start);
	inet_aton("10.0.2.3", &cfg.vnameserver);
	cfg.vhostname = "glass";
	nd->slirp = slirp_new(&cfg, &callbacks, nd);
	if (!nd->slirp)
		return fail(nd->id, "%s", "libslirp could not start");
	for (unsigned i = 0; i < nd->nhostfwd; i++)
		if (add_hostfwd(nd, nd->hostfwd[i]) < 0)
			return -1;
	return 0;
}

static void stop(struct netdev *nd)
{
	if (nd->slirp)
		slirp_cleanup(nd->slirp);
	nd->slirp = NULL;
	for (int i = 0; i < MAX_TIMERS; i++) {
		if (nd->timers[i].used)
			vclock_remove(nd->clock, &nd->timers[i].vt);
		nd->timers[i].used = false;
	}
}

struct netdev *netdev_open(const char *id, const char *const *hostfwd,
			   unsigned nhostfwd, struct vclock *clock,
			   unsigned flags)
{
	struct netdev *nd = calloc(1, sizeof(*nd));

	if (!nd)
		return NULL;
	snprintf(nd->id, sizeof(nd->id), "%s", id);
	nd->clock = clock;
	nd->flags = flags;
	for (unsigned i = 0; i < nhostfwd && i < NETDEV_MAX_HOSTFWD; i++) {
		if (strlen(hostfwd[i]) >= sizeof(nd->hostfwd[i])) {
			fail(id, "hostfwd=%s: too long", hostfwd[i]);
			free(nd);
			return NULL;
		}
		strcpy(nd->hostfwd[nd->nhostfwd++], hostfwd[i]);
	}
	if (!(flags & NETDEV_OFFLINE) && start(nd) < 0) {
		netdev_close(nd);
		return NULL;
	}
	return nd;
}

void netdev_close(struct netdev *nd)
{
	if (!nd)
		return;
	stop(nd);
	fifo_clear(&nd->queue);
	fifo_clear(&nd->inbox);
	free(nd);
}

void netdev_reset(struct netdev *nd)
{
	fifo_clear(&nd->queue);
	fifo_clear(&nd->inbox);
	if (nd->flags & NETDEV_OFFLINE)
		return;
	stop(nd);
	if (start(nd) < 0)
		fprintf(stderr, "glass: -netdev user,id=%s: the network is "
			"down after the restore\n", nd->id);
}

const char *netdev_id(const struct netdev *nd)
{
	return nd->id;
}

int netdev_attach(struct netdev *nd,
		  bool (*receive)(void *fe, const uint8_t *frame, size_t len),
		  void *fe)
{
	if (nd->receive)
		return -1;
	nd->receive = receive;
	nd->fe = fe;
	return 0;
}

void netdev_detach(struct netdev *nd)
{
	nd->receive = NULL;
	nd->fe = NULL;
}

void netdev_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
	nd->tx++;
	if (nd->slirp)
		slirp_input(nd->slirp, frame, (int)len);
}

static int add_poll(int fd, int events, void *opaque)
{
	struct netdev *nd = opaque;
	short ev = 0;

	if (nd->nfds >= nd->maxfds)
		return -1;
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	nd->fds[nd->nfds] = (struct pollfd){ .fd = fd, .events = ev };
	return nd->nfds++;
}

static int get_revents(int idx, void *opaque)
{
	struct netdev *nd = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || idx >= nd->nfds)
		return 0;
	r = nd->fds[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

int netdev_poll_fill(struct netdev *nd, struct pollfd *fds, int max,
		     int *timeout_ms)
{
	uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;

	nd->fds = fds;
	nd->nfds = 0;
	nd->maxfds = max;
	if (!nd->slirp)
		return 0;
	slirp_pollfds_fill(nd->slirp, &t, add_poll, nd);
	if ((int64_t)t < *timeout_ms || *timeout_ms < 0)
		*timeout_ms = (int)t;
	return nd->nfds;
}

void netdev_poll_dispatch(struct netdev *nd, struct pollfd *fds, int n,
			  bool ok)
{
	nd->fds = fds;
	nd->nfds = n;
	if (nd->slirp)
		slirp_pollfds_poll(nd->slirp, !ok, get_revents, nd);
	netdev_flush_queue(nd);
}

void netdev_counters(const struct netdev *nd, uint64_t *rx, uint64_t *tx,
		     uint64_t *dropped)
{
	*rx = nd->rx;
	*tx = nd->tx;
	*dropped = nd->dropped;
}
