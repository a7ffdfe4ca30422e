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
#include "machine/console.h"
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
	if (e->mmio.write)
		return;  /* its line went out when the watchpoint stopped it */
	if (client_present(g) && g->waiting) {
		char msg[sizeof(line) + 32];
		int n = snprintf(msg, sizeof(msg),
				 "glass: watched access: %s\n", line);
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

/* The trace line of the device access a watchpoint stopped, before it
 * happens: exact for a store; a load's value is not known yet (the line
 * the access makes when it runs replaces it, see capture_tap). False if
 * the access is not to a device. */
static bool watch_line(struct gdb_server *g, const struct dbg_hit *hit,
		       char *line, size_t len)
{
	const struct flat_range *f = as_lookup(&g->m->as, hit->pa);
	static const char width[9] = "?bh?w???d";

	if (hit->kind == DBG_EXEC)
		return false;
	if (!f || f->r->kind != REGION_MMIO) {  /* RAM: the trace has none */
		int n = snprintf(line, len, "hart%d %c pc=%016llx %s.%c "
				 "va=%llx pa=0x%llx (%s)", hit->who.initiator,
				 trace_priv_letter(hit->who.priv),
				 (unsigned long long)hit->who.pc,
				 hit->kind == DBG_STORE ? "store" : "load",
				 width[hit->size & 8 ? 8 : hit->size & 7],
				 (unsigned long long)hit->va,
				 (unsigned long long)hit->pa,
				 f ? f->r->name : "unmapped");
		if (hit->kind == DBG_STORE && n > 0 && (size_t)n < len)
			snprintf(line + n, len - (size_t)n, " = 0x%llx",
				 (unsigned long long)hit->value);
		return true;
	}
	struct bus_event e = {
		.kind = EVK_MMIO, .who = &hit->who,
		.mmio = { .region = f->r, .pa = hit->pa,
			  .offset = hit->pa - f->r->base + f->r->dev_offset,
			  .value = hit->value, .size = hit->size,
			  .write = hit->kind == DBG_STORE },
	};
	trace_format_text(&g->m->tracer, &e, line, len);
	char *eq = strrchr(line, '=');
	if (hit->kind == DBG_LOAD && eq && (size_t)(eq - line) + 16 < len)
		snprintf(eq, len - (size_t)(eq - line), "= (not read yet)");
	return true;
}

/* A watchpoint stopped a device access: say which, with its trace line,
 * to the client if it waits, else on the console. */
static void report_watch(struct gdb_server *g, const struct dbg_hit *hit)
{
	char line[sizeof(g->watch_line)], msg[sizeof(line) + 64];

	if (!watch_line(g, hit, line, sizeof(line)))
		return;
	snprintf(g->watch_line, sizeof(g->watch_line), "%s", line);
	if (g->waiting && client_present(g)) {
		int n = snprintf(msg, sizeof(msg), "glass: watchpoint: %s\n",
				 line);
		if (n < 0 || (size_t)n >= sizeof(msg))
			n = (int)sizeof(msg) - 1;
		gdb_send_console(g, msg, (size_t)n);
	} else {
		console_flush(&g->m->console);
		fprintf(stderr, "glass: watchpoint: %s\nglass: the machine is "
			"stopped (monitor: info gdb, cont)\n", line);
	}
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
		if (hit->kind != DBG_EXEC) {
			struct dbg_hit *h = &g->stop.dbg;
			if (!h->pa_known)  /* a virtual point: where it goes */
				h->pa_known = hart_debug_translate(
					&m->harts[hart], h->va, &h->pa);
			g->pass[hart] = true;
			report_watch(g, h);
			capture_start(g, h);
		}
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
	if (g->m->paused || i >= MAX_HARTS || skip ||
	    g->action[i] == ACT_STOP)
		return 0;
	if (g->pass[i]) {          /* the watched access, alone */
		hart_debug_pass(&g->m->harts[i], true);
		return 1;
	}
	switch (g->action[i]) {
	case ACT_CONT: return slice;
	case ACT_STEP: return 1;
	default: return 0;
	}
}

void gdb_hart_ran(struct gdb_server *g, unsigned i)
{
	struct dbg_hit hit;

	if (g->pass[i]) {
		g->pass[i] = false;
		hart_debug_pass(&g->m->harts[i], false);
	}
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

/* Forget the client's points; the monitor's stay. */
static void drop_client_points(struct gdb_server *g)
{
	unsigned n = 0;

	for (unsigned i = 0; i < g->points.n; i++) {
		if (g->src[i].type != POINT_MONITOR)
			continue;
		g->points.p[n] = g->points.p[i];
		g->src[n++] = g->src[i];
	}
	g->points.n = n;
	gdb_points_changed(g);
}

void gdb_release(struct gdb_server *g, bool resume)
{
	drop_client_points(g);
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
	/* a running machine runs whole: harts the client held (vCont;c:N)
	 * are not left behind */
	for (unsigned i = 0; !g->m->paused && i < g->m->nharts; i++)
		g->action[i] = ACT_CONT;
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
	return g;
}

/* Close the listening socket and the client, if any. */
static void stop_listening(struct gdb_server *g)
{
	drop_client(g);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	g->listen_fd = -1;
	if (g->unix_path[0])
		unlink(g->unix_path);
	g->unix_path[0] = 0;
	g->where[0] = 0;
}

void gdb_free(struct gdb_server *g)
{
	if (!g)
		return;
	stop_listening(g);
	g->points.n = 0;
	gdb_release(g, false);
	for (unsigned i = 0; i < g->m->nharts; i++)
		hart_debug_attach(&g->m->harts[i], NULL);
	if (g->m->gdb == g)
		g->m->gdb = NULL;
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
	if (g->polled)
		io_loop_remove(&m->io, g);
	gdb_free(g);
}

void gdb_stop_server(struct machine *m)
{
	struct gdb_server *g = m->gdb;

	if (!g)
		return;
	stop_listening(g);
	if (!g->points.n)   /* nothing of the monitor's either */
		gdb_close(m);
}

/* The stub, made without a socket if there is none yet (the monitor's
 * watchpoints live in it). */
static struct gdb_server *ensure_server(struct machine *m)
{
	if (!m->gdb)
		m->gdb = server_new(m);
	return m->gdb;
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
	bool fresh = !m->gdb;
	struct gdb_server *g = ensure_server(m);

	if (!g)
		return fail(err, dev, "out of memory");
	stop_listening(g);   /* a new device replaces the old one */
	if (listen_dev(g, dev, err) < 0) {
		if (fresh)
			gdb_close(m);
		return -1;
	}
	if (!g->polled) {
		struct io_poller p = { poll_fill, poll_dispatch, g };
		if (io_loop_add(&m->io, &p) < 0) {
			stop_listening(g);
			return fail(err, dev, "no room for another poller");
		}
		g->polled = true;
	}
	/* a machine started stopped (-S) waits for the debugger */
	for (unsigned i = 0; i < m->nharts; i++)
		g->action[i] = m->paused ? ACT_STOP : ACT_CONT;
	return 0;
}

/* ADDR [LEN] [r|w|rw] */
int gdb_watch(struct machine *m, const char *args, FILE *out)
{
	char mode[4] = "w";
	unsigned long long addr, len = 4;
	int n = sscanf(args ? args : "", "%lli %lli %3s", &addr, &len, mode);
	uint8_t kind = !strcmp(mode, "r") ? DBG_LOAD :
		       !strcmp(mode, "rw") ? DBG_LOAD | DBG_STORE :
		       !strcmp(mode, "w") ? DBG_STORE : 0;
	struct gdb_server *g;
	char reg[64] = "";

	if (n < 1 || !kind || !len || addr + (len - 1) < addr) {
		fprintf(out, "usage: watch PADDR [LEN] [r|w|rw]\n");
		return -1;
	}
	g = ensure_server(m);
	if (!g || g->points.n == DBG_MAX_POINTS) {
		fprintf(out, "watch: no room for another point\n");
		return -1;
	}
	g->src[g->points.n] = (struct gdb_point_src){ POINT_MONITOR, len };
	g->points.p[g->points.n++] = (struct dbg_point){
		.addr = addr, .last = addr + (len - 1), .kind = kind,
		.phys = true };
	gdb_points_changed(g);
	const struct flat_range *f = as_lookup(&m->as, addr);
	if (f && f->r->kind == REGION_MMIO) {
		uint64_t off = addr - f->r->base + f->r->dev_offset;
		char nbuf[48];
		const char *name = mmio_reg_name(f->r->ops, off, nbuf,
						 sizeof(nbuf));
		snprintf(reg, sizeof(reg), ": %s +0x%03llx%s%s%s", f->r->name,
			 (unsigned long long)off, name ? " (" : "",
			 name ? name : "", name ? ")" : "");
	}
	fprintf(out, "watching physical 0x%llx-0x%llx for %s%s\n", addr,
		addr + (len - 1), kind == DBG_LOAD ? "loads" :
		kind == DBG_STORE ? "stores" : "loads and stores", reg);
	return 0;
}

/* ADDR | all: the monitor's watchpoints */
int gdb_unwatch(struct machine *m, const char *args, FILE *out)
{
	struct gdb_server *g = m->gdb;
	unsigned long long addr = 0;
	bool all;

	if (!args)
		args = "";
	all = !strncmp(args, "all", 3);
	unsigned n = 0, gone = 0;

	if (!all && sscanf(args, "%lli", &addr) != 1) {
		fprintf(out, "usage: unwatch PADDR|all\n");
		return -1;
	}
	for (unsigned i = 0; g && i < g->points.n; i++) {
		if (g->src[i].type == POINT_MONITOR &&
		    (all || g->points.p[i].addr == addr)) {
			gone++;
			continue;
		}
		g->points.p[n] = g->points.p[i];
		g->src[n++] = g->src[i];
	}
	if (g) {
		g->points.n = n;
		gdb_points_changed(g);
	}
	fprintf(out, "%u watchpoint%s removed\n", gone, gone == 1 ? "" : "s");
	return 0;
}

void gdb_info(struct gdb_server *g, FILE *out)
{
	static const char *const zname[6] = {
		"breakpoint", "hw-breakpoint", "watch", "rwatch", "awatch",
		"monitor-watch" };

	if (g->where[0])
		fprintf(out, "gdbserver on %s, %s, machine %s\n", g->where,
			g->fd >= 0 ? "a client is connected" : "no client",
			g->m->paused ? "stopped" : "running");
	else
		fprintf(out, "no gdbserver, machine %s\n",
			g->m->paused ? "stopped" : "running");
	for (unsigned i = 0; i < g->points.n; i++) {
		const struct dbg_point *p = &g->points.p[i];
		fprintf(out, "  %-13s %s 0x%llx", zname[g->src[i].type % 6],
			p->phys ? "physical" : "virtual",
			(unsigned long long)p->addr);
		if (p->last != p->addr)
			fprintf(out, "-0x%llx", (unsigned long long)p->last);
		fprintf(out, "\n");
	}
	if (g->watch_line[0])
		fprintf(out, "last watched access: %s\n", g->watch_line);
}
