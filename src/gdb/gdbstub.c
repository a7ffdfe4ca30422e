/* The gdbstub's connection and its place in the run loop (gdb.h): the
 * listening socket, one client at a time, framing and acknowledgements,
 * and stopping and resuming the machine. The packets themselves are in
 * commands.c.
 *
 * glass listens on 127.0.0.1 unless told otherwise, where QEMU listens on
 * every interface: whoever reaches the port owns the machine (its memory,
 * its registers, the host files behind --share through the monitor), so
 * exposing it takes an explicit address (docs/gdb.md).
 */
#define _GNU_SOURCE  /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gdb/internal.h"
#include "machine/ioloop.h"
#include "trace/trace.h"

/* Replies not yet written beyond this mean a client that does not read:
 * it is dropped. */
#define OUT_MAX (4u << 20)

static bool client_present(const struct gdb_server *g)
{
	return g->detached || g->fd >= 0;
}

/* ---- output ---- */

static void drop_client(struct gdb_server *g);

static void out_flush(struct gdb_server *g)
{
	size_t done = 0;

	if (g->detached || g->fd < 0)
		return;
	while (done < g->out_len) {
		ssize_t n = send(g->fd, g->out + done, g->out_len - done,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			drop_client(g);
			return;
		}
		done += (size_t)n;
	}
	if (!done)
		return;
	memmove(g->out, g->out + done, g->out_len - done);
	g->out_len -= done;
}

static void out_append(struct gdb_server *g, const char *data, size_t len)
{
	if (!client_present(g))
		return;
	if (g->out_len + len > OUT_MAX) {
		if (g->detached)
			return;     /* a test that does not collect: drop it */
		drop_client(g);
		return;
	}
	if (g->out_len + len + 1 > g->out_cap) {
		size_t cap = g->out_cap ? g->out_cap : 4096;
		while (cap < g->out_len + len + 1)
			cap *= 2;
		char *p = realloc(g->out, cap);
		if (!p) {
			if (!g->detached)
				drop_client(g);
			return;
		}
		g->out = p;
		g->out_cap = cap;
	}
	memcpy(g->out + g->out_len, data, len);
	g->out_len += len;
	g->out[g->out_len] = 0;
}

void gdb_send(struct gdb_server *g, const char *data, size_t len)
{
	size_t cap = 2 * len + 4;
	char *framed = malloc(cap);

	if (!framed)
		return;
	size_t n = rsp_frame(data, len, framed, cap);
	free(g->last);
	g->last = framed;
	g->last_len = n;
	out_append(g, framed, n);
	out_flush(g);
}

void gdb_send_str(struct gdb_server *g, const char *s)
{
	gdb_send(g, s, strlen(s));
}

void gdb_send_console(struct gdb_server *g, const char *s, size_t len)
{
	char buf[1 + 2 * 1024 + 1];

	while (len) {
		size_t n = len < 1024 ? len : 1024;
		buf[0] = 'O';
		rsp_hex_encode((const uint8_t *)s, n, buf + 1);
		gdb_send(g, buf, 1 + 2 * n);
		s += n;
		len -= n;
	}
}

/* ---- stopping and resuming ---- */

static void capture_stop(struct gdb_server *g)
{
	if (!g->capturing)
		return;
	g->capturing = false;
	tracer_set_tap(&g->m->tracer, 0, NULL, NULL);
}

/* The watched instruction's device access, when it happens (the client
 * steps it next): its trace line, for the client and `info gdb`. */
static void capture_tap(void *opaque, const struct bus_event *e)
{
	struct gdb_server *g = opaque;
	const struct glass_attrs *who = e->who;
	char line[sizeof(g->watch_line)];

	if (e->kind != EVK_MMIO || !who || who->debug ||
	    who->initiator != (int32_t)g->capture_hart ||
	    who->pc != g->capture_pc)
		return;
	trace_format_text(&g->m->tracer, e, line, sizeof(line));
	snprintf(g->watch_line, sizeof(g->watch_line), "%s", line);
	capture_stop(g);
	if (client_present(g) && g->waiting) {
		char msg[sizeof(line) + 32];
		int n = snprintf(msg, sizeof(msg), "glass: watched access: %s\n",
				 line);
		gdb_send_console(g, msg, (size_t)n < sizeof(msg) ? (size_t)n :
				 sizeof(msg) - 1);
	}
}

static void capture_start(struct gdb_server *g, const struct dbg_hit *hit)
{
	capture_stop(g);
	g->capturing = true;
	g->capture_hart = (unsigned)hit->who.initiator;
	g->capture_pc = hit->who.pc;
	tracer_set_tap(&g->m->tracer, EV_MMIO, capture_tap, g);
}

void gdb_send_stop(struct gdb_server *g)
{
	const struct gdb_stop *s = &g->stop;
	static const char *const watch[5] = { NULL, NULL, "watch", "rwatch",
					       "awatch" };
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "T%02xthread:%x;", s->signal,
			 s->hart + 1);

	if (s->hit && s->dbg.kind == DBG_EXEC) {
		if (s->type == 0 && g->swbreak)
			n += snprintf(buf + n, sizeof(buf) - n, "swbreak:;");
		else if (s->type == 1 && g->hwbreak)
			n += snprintf(buf + n, sizeof(buf) - n, "hwbreak:;");
	} else if (s->hit && s->type >= 2 && s->type <= 4) {
		n += snprintf(buf + n, sizeof(buf) - n, "%s:%llx;",
			      watch[s->type], (unsigned long long)s->dbg.addr);
	}
	gdb_send(g, buf, (size_t)n);
}

/* Stop the machine for `hart`'s reason; tell a waiting client. */
static void stop_machine(struct gdb_server *g, unsigned hart, int signal,
			 const struct dbg_hit *hit)
{
	struct machine *m = g->m;

	machine_pause(m, true);
	for (unsigned i = 0; i < m->nharts; i++) {
		hart_debug_mask_irqs(&m->harts[i], false);
		g->action[i] = ACT_STOP;
	}
	g->stop = (struct gdb_stop){ .hart = hart, .signal = signal };
	if (hit) {
		g->stop.hit = true;
		g->stop.dbg = *hit;
		g->stop.type = hit->point < g->points.n ?
			       g->src[hit->point].type : 0;
		if (hit->kind != DBG_EXEC)
			capture_start(g, hit);
	}
	g->g_hart = hart;
	if (g->waiting && client_present(g)) {
		g->waiting = false;
		gdb_send_stop(g);
	}
}

void gdb_resume(struct gdb_server *g)
{
	struct machine *m = g->m;

	for (unsigned i = 0; i < m->nharts; i++)
		hart_debug_mask_irqs(&m->harts[i],
				     g->action[i] == ACT_STEP &&
				     (g->sstep & SSTEP_NOIRQ));
	g->waiting = true;
	/* The first round starts after the hart that stopped: harts share
	 * code, and one that always ran first would always be the one to
	 * hit a breakpoint everyone passes (GDB's single steps are such
	 * breakpoints), starving the others. */
	g->rr_first = (g->stop.hart + 1) % m->nharts;
	machine_pause(m, false);
}

uint64_t gdb_hart_budget(struct gdb_server *g, unsigned i, uint64_t slice)
{
	bool skip = i < g->rr_first;

	if (i + 1 >= g->m->nharts)
		g->rr_first = 0;   /* the first round is over */
	if (g->m->paused || i >= MAX_HARTS || skip)
		return 0;
	switch (g->action[i]) {
	case ACT_CONT: return slice;
	case ACT_STEP: return 1;
	default: return 0;
	}
}

void gdb_hart_ran(struct gdb_server *g, unsigned i)
{
	struct dbg_hit hit;

	if (hart_debug_take_hit(&g->m->harts[i], &hit))
		stop_machine(g, i, 5, &hit);
	else if (g->action[i] == ACT_STEP)
		stop_machine(g, i, 5, NULL);
}

void gdb_pause(struct gdb_server *g, bool pause)
{
	struct machine *m = g->m;

	if (pause) {
		if (!m->paused)
			stop_machine(g, g->g_hart, 2, NULL);
		return;
	}
	for (unsigned i = 0; i < m->nharts; i++)
		g->action[i] = ACT_CONT;
	gdb_resume(g);
	g->waiting = false;   /* not the client's doing: it is not told */
}

void gdb_points_changed(struct gdb_server *g)
{
	for (unsigned i = 0; i < g->m->nharts; i++)
		hart_debug_attach(&g->m->harts[i], &g->points);
}

void gdb_release(struct gdb_server *g, bool resume)
{
	g->points.n = 0;
	gdb_points_changed(g);
	capture_stop(g);
	g->waiting = false;
	if (resume)
		gdb_pause(g, false);
}

/* Ctrl-C from the client. */
static void interrupt(struct gdb_server *g)
{
	if (!g->m->paused)
		stop_machine(g, g->g_hart, 2, NULL);
	else if (g->waiting)
		stop_machine(g, g->g_hart, 2, NULL); /* nothing could run */
}

void gdb_machine_exit(struct gdb_server *g, int code)
{
	char buf[8];

	if (!client_present(g))
		return;
	snprintf(buf, sizeof(buf), "W%02x", code & 0xff);
	gdb_send_str(g, buf);
	if (g->fd >= 0) {  /* last words: let them out before the exit */
		int fl = fcntl(g->fd, F_GETFL);
		if (fl >= 0)
			fcntl(g->fd, F_SETFL, fl & ~O_NONBLOCK);
		while (g->fd >= 0 && g->out_len) {
			ssize_t n = send(g->fd, g->out, g->out_len,
					 MSG_NOSIGNAL);
			if (n <= 0)
				break;
			memmove(g->out, g->out + n, g->out_len - n);
			g->out_len -= (size_t)n;
		}
	}
}

/* ---- input ---- */

void gdb_feed(struct gdb_server *g, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len && client_present(g); i++) {
		switch (rsp_rx_byte(&g->rx, buf[i])) {
		case RSP_PACKET:
			if (!g->no_ack)
				out_append(g, "+", 1);
			gdb_handle_packet(g, g->rx.buf, g->rx.len);
			break;
		case RSP_BAD:
			if (g->rx.overflow) {   /* retrying cannot help */
				if (!g->no_ack)
					out_append(g, "+", 1);
				gdb_send_str(g, "E01");
			} else if (!g->no_ack) {
				out_append(g, "-", 1);
			} else {
				gdb_send_str(g, "E02");
			}
			break;
		case RSP_NAK:
			if (g->last)
				out_append(g, g->last, g->last_len);
			break;
		case RSP_INTERRUPT:
			interrupt(g);
			break;
		case RSP_ACK:
		case RSP_NONE:
			break;
		}
	}
	out_flush(g);
}

/* ---- the client ---- */

static void client_reset(struct gdb_server *g)
{
	rsp_rx_init(&g->rx);
	g->out_len = 0;
	free(g->last);
	g->last = NULL;
	g->last_len = 0;
	g->no_ack = false;
	g->swbreak = g->hwbreak = false;
	g->phys = false;
	g->sstep = SSTEP_ENABLE | SSTEP_NOIRQ | SSTEP_NOTIMER;
	g->c_hart = -1;
}

/* The client went away (or must go): its points go with it; the
 * machine stays as it is, running or stopped, as QEMU leaves it. */
static void drop_client(struct gdb_server *g)
{
	if (g->fd < 0)
		return;
	close(g->fd);
	g->fd = -1;
	gdb_release(g, false);
	client_reset(g);
}

static void accept_client(struct gdb_server *g)
{
	int fd = accept4(g->listen_fd, NULL, NULL,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);
	int one = 1;

	if (fd < 0)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	g->fd = fd;
	client_reset(g);
	/* as QEMU: a debugger that connects finds the machine stopped */
	if (!g->m->paused)
		stop_machine(g, g->g_hart, 5, NULL);
	g->stop = (struct gdb_stop){ .hart = g->g_hart, .signal = 5 };
}

static void read_client(struct gdb_server *g)
{
	uint8_t buf[4096];
	ssize_t n = read(g->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		drop_client(g);
		return;
	}
	gdb_feed(g, buf, (size_t)n);
}

/* The poller (ioloop.h): the listening socket while no client is there
 * (a second client waits in the backlog), else the client. */
static void poll_fill(void *opaque, struct io_set *set, int *timeout_ms)
{
	struct gdb_server *g = opaque;

	g->poll_listen = -1;
	g->poll_client = -1;
	if (g->fd >= 0)
		g->poll_client = io_set_add(set, g->fd, POLLIN |
					    (g->out_len ? POLLOUT : 0));
	else if (g->listen_fd >= 0)
		g->poll_listen = io_set_add(set, g->listen_fd, POLLIN);
}

static void poll_dispatch(void *opaque, const struct io_set *set, bool ok)
{
	struct gdb_server *g = opaque;
	short rev;

	if (!ok)
		return;
	if (io_set_revents(set, g->poll_listen) & POLLIN)
		accept_client(g);
	rev = io_set_revents(set, g->poll_client);
	if (rev & POLLOUT)
		out_flush(g);
	if (g->fd >= 0 && (rev & (POLLIN | POLLHUP | POLLERR)))
		read_client(g);
}

/* ---- starting and closing ---- */

static struct gdb_server *server_new(struct machine *m)
{
	struct gdb_server *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->m = m;
	g->listen_fd = -1;
	g->fd = -1;
	g->poll_listen = g->poll_client = -1;
	client_reset(g);
	for (unsigned i = 0; i < MAX_HARTS; i++)
		g->action[i] = ACT_CONT;
	g->stop.signal = 5;
	g->tdesc = gdb_tdesc_build(&m->harts[0], &g->tdesc_len);
	if (!g->tdesc) {
		free(g);
		return NULL;
	}
	return g;
}

void gdb_free(struct gdb_server *g)
{
	if (!g)
		return;
	gdb_release(g, false);
	if (g->m->gdb == g)
		g->m->gdb = NULL;
	if (g->fd >= 0)
		close(g->fd);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	if (g->unix_path[0])
		unlink(g->unix_path);
	free(g->out);
	free(g->last);
	free(g->tdesc);
	free(g);
}

struct gdb_server *gdb_new_detached(struct machine *m)
{
	struct gdb_server *g = server_new(m);

	if (!g)
		return NULL;
	g->detached = true;
	m->gdb = g;
	return g;
}

const char *gdb_output(struct gdb_server *g, size_t *len)
{
	static const char none[] = "";

	*len = g->out_len;
	g->out_len = 0;
	return g->out ? g->out : none;
}

void gdb_close(struct machine *m)
{
	struct gdb_server *g = m->gdb;

	if (!g)
		return;
	io_loop_remove(&m->io, g);
	gdb_free(g);
}

static int fail(FILE *err, const char *dev, const char *what)
{
	fprintf(err, "glass: -gdb %s: %s\n", dev, what);
	return -1;
}

static int listen_tcp(struct gdb_server *g, const char *dev,
		      const char *host, const char *port, FILE *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res, *a;
	int rc = getaddrinfo(host, port, &hints, &res), one = 1, e = 0;

	if (rc)
		return fail(err, dev, gai_strerror(rc));
	for (a = res; a; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
				SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 &&
		    listen(fd, 1) == 0) {
			g->listen_fd = fd;
			break;
		}
		e = errno;
		close(fd);
	}
	freeaddrinfo(res);
	if (g->listen_fd < 0)
		return fail(err, dev, strerror(e));
	snprintf(g->where, sizeof(g->where), "tcp:%.200s:%.8s", host, port);
	return 0;
}

static int listen_unix(struct gdb_server *g, const char *dev,
		       const char *path, FILE *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (!*path || strlen(path) >= sizeof(sa.sun_path))
		return fail(err, dev, "the socket path is empty or too long");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* a socket left behind by an earlier run is in the way */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, dev, strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0) {
		int e = errno;
		close(fd);
		return fail(err, dev, strerror(e));
	}
	g->listen_fd = fd;
	memcpy(g->unix_path, sa.sun_path, sizeof(g->unix_path));
	snprintf(g->where, sizeof(g->where), "unix:%.107s", path);
	return 0;
}

/* QEMU's chardev options after a Unix path, which glass takes and
 * ignores (it always serves and never waits). */
static bool chardev_flag(const char *s)
{
	static const char *const ok[] = { "server", "server=on", "wait=off",
					  "nowait", NULL };

	for (unsigned i = 0; ok[i]; i++)
		if (!strcmp(s, ok[i]))
			return true;
	return false;
}

/* "tcp:[HOST]:PORT", ":PORT", "PORT" or "unix:PATH", each with QEMU's
 * chardev flags if the user is used to them ("tcp::1234,server,nowait") */
static int listen_dev(struct gdb_server *g, const char *dev, FILE *err)
{
	char buf[256], *host, *port, *opts, *save, *end;

	if (strlen(dev) >= sizeof(buf))
		return fail(err, dev, "too long");
	snprintf(buf, sizeof(buf), "%s", dev);
	opts = strchr(buf, ',');
	if (opts) {
		*opts++ = 0;
		for (char *t = strtok_r(opts, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			if (!chardev_flag(t))
				return fail(err, dev, "unknown option (only "
					    "server=on and wait=off, which "
					    "glass always does)");
	}
	if (!strncmp(buf, "unix:", 5))
		return listen_unix(g, dev, buf + 5, err);
	host = !strncmp(buf, "tcp:", 4) ? buf + 4 : buf;
	port = strrchr(host, ':');
	if (port) {
		*port++ = 0;
	} else {
		port = host;
		host = buf + strlen(buf);  /* "" */
	}
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = 0;          /* [::1] */
		host++;
	}
	unsigned long p = strtoul(port, &end, 10);
	if (!*port || *end || p == 0 || p > 65535)
		return fail(err, dev, "expected tcp:[HOST]:PORT, :PORT or "
			    "unix:PATH");
	return listen_tcp(g, dev, *host ? host : "127.0.0.1", port, err);
}

int gdb_start(struct machine *m, const char *dev, FILE *err)
{
	struct gdb_server *g = server_new(m);

	if (!g)
		return fail(err, dev, "out of memory");
	if (listen_dev(g, dev, err) < 0) {
		gdb_free(g);
		return -1;
	}
	struct io_poller p = { poll_fill, poll_dispatch, g };
	if (io_loop_add(&m->io, &p) < 0) {
		gdb_free(g);
		return fail(err, dev, "no room for another poller");
	}
	gdb_close(m);
	m->gdb = g;
	/* a machine started stopped (-S) waits for the debugger */
	for (unsigned i = 0; i < m->nharts; i++)
		g->action[i] = m->paused ? ACT_STOP : ACT_CONT;
	return 0;
}

void gdb_info(struct gdb_server *g, FILE *out)
{
	static const char *const zname[5] = { "breakpoint", "hw-breakpoint",
					      "watch", "rwatch", "awatch" };

	fprintf(out, "gdbserver on %s, %s, machine %s\n",
		g->where[0] ? g->where : "(no socket)",
		g->fd >= 0 ? "a client is connected" : "no client",
		g->m->paused ? "stopped" : "running");
	for (unsigned i = 0; i < g->points.n; i++) {
		const struct dbg_point *p = &g->points.p[i];
		fprintf(out, "  %-13s %s 0x%llx", zname[g->src[i].type % 5],
			p->phys ? "physical" : "virtual",
			(unsigned long long)p->addr);
		if (p->last != p->addr)
			fprintf(out, "-0x%llx", (unsigned long long)p->last);
		fprintf(out, "\n");
	}
	if (g->watch_line[0])
		fprintf(out, "last watched access: %s\n", g->watch_line);
}
