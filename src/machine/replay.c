/* --record and --replay (replay.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/netdev.h"
#include "machine/machine.h"
#include "machine/replay.h"

#define RR_MAGIC "GLASSRR1"
#define RR_VERSION 2         /* 1: console and quit only, still read */
#define RR_HEADER 32
#define RR_MAX_EVENT (1u << 17) /* bytes in one event (a network frame) */
#define RR_DISK_LEN 25       /* index u8, size, mtime, sample u64 */

struct rr_event {
	uint8_t kind;
	uint64_t icount, ns;
	uint32_t len;
	uint8_t *data;
};

struct replay {
	FILE *rec;                 /* recording: the file, else NULL */
	const char *path;
	struct rr_event *ev;       /* replaying: every event, in order */
	size_t nev, next;
};

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void header(const struct machine *m, uint8_t h[RR_HEADER])
{
	memset(h, 0, RR_HEADER);
	memcpy(h, RR_MAGIC, 8);
	put_le(h + 8, RR_VERSION, 4);
	put_le(h + 12, m->cfg.icount_shift, 4);
	put_le(h + 16, m->icount, 8);
	put_le(h + 24, machine_time_ns(m), 8);
}

static void record(struct machine *m, uint8_t kind, const void *data,
		   uint32_t len);

/* A drive's identity as a disk event's payload. */
static int disk_event(const struct blockdev *b, unsigned i,
		      uint8_t e[RR_DISK_LEN])
{
	struct blockdev_identity id;

	if (blockdev_identity(b, &id) < 0)
		return -1;
	e[0] = (uint8_t)i;
	put_le(e + 1, id.size, 8);
	put_le(e + 9, id.mtime_ns, 8);
	put_le(e + 17, id.sample, 8);
	return 0;
}

static int open_record(struct machine *m, struct replay *r)
{
	uint8_t h[RR_HEADER], e[RR_DISK_LEN];

	r->rec = fopen(m->cfg.record, "wb");
	if (!r->rec) {
		fprintf(stderr, "glass: --record %s: %s\n", m->cfg.record,
			strerror(errno));
		return -1;
	}
	header(m, h);
	fwrite(h, 1, sizeof(h), r->rec);
	/* the disks it starts with: a replay must start with the same */
	for (unsigned i = 0; i < m->backends.ndrives; i++) {
		if (disk_event(&m->backends.drives[i], i, e) < 0) {
			fprintf(stderr, "glass: --record %s: cannot read the "
				"image of -drive id=%s\n", m->cfg.record,
				m->backends.drives[i].id);
			return -1;
		}
		record(m, RR_DISK, e, sizeof(e));
	}
	return 0;
}

static int bad_file(const char *path, const char *why)
{
	fprintf(stderr, "glass: --replay %s: %s\n", path, why);
	return -1;
}

/* Read the events of f; 0, or -1 with why. */
static int read_events(struct replay *r, FILE *f, const char **why)
{
	uint8_t e[21];
	size_t cap = 0;
	uint64_t last_ns = 0, last_ic = 0;

	while (fread(e, 1, 1, f) == 1) {
		if (fread(e + 1, 1, 20, f) != 20) {
			*why = "truncated (an event is cut off)";
			return -1;
		}
		struct rr_event ev = { .kind = e[0], .icount = get_le(e + 1, 8),
				       .ns = get_le(e + 9, 8),
				       .len = (uint32_t)get_le(e + 17, 4) };
		if (ev.kind < RR_CONSOLE || ev.kind > RR_DISK ||
		    ev.len > RR_MAX_EVENT ||
		    (ev.kind == RR_CONSOLE && ev.len != 1) ||
		    ((ev.kind == RR_NET || ev.kind == RR_CHARDEV) &&
		     ev.len < 2) ||
		    (ev.kind == RR_DISK && ev.len != RR_DISK_LEN)) {
			*why = "corrupt (an unknown or malformed event)";
			return -1;
		}
		if (ev.ns < last_ns || ev.icount < last_ic) {
			*why = "corrupt (events out of order)";
			return -1;
		}
		last_ns = ev.ns;
		last_ic = ev.icount;
		ev.data = malloc(ev.len ? ev.len : 1);
		if (!ev.data || fread(ev.data, 1, ev.len, f) != ev.len) {
			free(ev.data);
			*why = "truncated (an event is cut off)";
			return -1;
		}
		if (r->nev == cap) {
			cap = cap ? 2 * cap : 256;
			struct rr_event *n = realloc(r->ev, cap * sizeof(*n));
			if (!n) {
				free(ev.data);
				*why = "out of memory";
				return -1;
			}
			r->ev = n;
		}
		r->ev[r->nev++] = ev;
	}
	return 0;
}

/* The disk events at the start: the same drives, unchanged. They are
 * consumed here (replay_deliver never sees them). */
static int check_disks(struct machine *m, struct replay *r)
{
	const struct backends *b = &m->backends;
	unsigned n = 0;
	uint8_t e[RR_DISK_LEN];

	for (; r->next < r->nev && r->ev[r->next].kind == RR_DISK; r->next++) {
		const struct rr_event *ev = &r->ev[r->next];
		unsigned i = ev->data[0];
		if (i != n || i >= b->ndrives)
			break;
		if (disk_event(&b->drives[i], i, e) < 0 ||
		    memcmp(e, ev->data, sizeof(e))) {
			fprintf(stderr, "glass: --replay %s: disk %s (%s) is "
				"not the image recorded with, or has changed "
				"since (record and replay with -snapshot, "
				"which leaves images as they are)\n", r->path,
				b->drives[i].id, b->drives[i].path);
			return -1;
		}
		n++;
	}
	if (n != b->ndrives) {
		fprintf(stderr, "glass: --replay %s: recorded with %u -drive%s, "
			"this machine has %u\n", r->path, n, n == 1 ? "" : "s",
			b->ndrives);
		return -1;
	}
	return 0;
}

static int open_replay(struct machine *m, struct replay *r)
{
	const char *path = m->cfg.replay, *why = NULL;
	uint8_t h[RR_HEADER], want[RR_HEADER];
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "glass: --replay %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	header(m, want);
	if (fread(h, 1, sizeof(h), f) != sizeof(h) || memcmp(h, RR_MAGIC, 8))
		why = "not a glass recording";
	else if (get_le(h + 8, 4) != RR_VERSION && get_le(h + 8, 4) != 1)
		why = "a recording format this glass does not read";
	else if (memcmp(h + 12, want + 12, 4))
		why = "recorded with another -icount shift";
	else if (memcmp(h + 16, want + 16, 16))
		why = "recorded from another starting point (another "
		      "-loadvm snapshot, or none)";
	else
		read_events(r, f, &why);
	fclose(f);
	return why ? bad_file(path, why) : check_disks(m, r);
}

int replay_open(struct machine *m)
{
	const struct machine_config *cfg = &m->cfg;

	if (!cfg->record && !cfg->replay)
		return 0;
	if (!cfg->icount) {
		fprintf(stderr, "glass: --%s needs -icount (deterministic "
			"time)\n", cfg->record ? "record" : "replay");
		return -1;
	}
	struct replay *r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	m->rr = r;
	r->path = cfg->record ? cfg->record : cfg->replay;
	return cfg->record ? open_record(m, r) : open_replay(m, r);
}

void replay_close(struct machine *m)
{
	struct replay *r = m->rr;

	if (!r)
		return;
	if (r->rec && fclose(r->rec) != 0)
		fprintf(stderr, "glass: --record %s: %s\n", r->path,
			strerror(errno));
	for (size_t i = 0; i < r->nev; i++)
		free(r->ev[i].data);
	free(r->ev);
	free(r);
	m->rr = NULL;
}

/* An event: kind, where, then `pre` bytes of prefix and len of data. */
static void record_parts(struct machine *m, uint8_t kind, const void *pre,
			 uint32_t npre, const void *data, uint32_t len)
{
	struct replay *r = m->rr;
	uint8_t e[21];

	if (!r || !r->rec)
		return;
	e[0] = kind;
	put_le(e + 1, m->icount, 8);
	put_le(e + 9, machine_time_ns(m), 8);
	put_le(e + 17, npre + len, 4);
	fwrite(e, 1, sizeof(e), r->rec);
	fwrite(pre, 1, npre, r->rec);
	fwrite(data, 1, len, r->rec);
}

static void record(struct machine *m, uint8_t kind, const void *data,
		   uint32_t len)
{
	record_parts(m, kind, "", 0, data, len);
}

void replay_record_console(struct machine *m, uint8_t byte)
{
	record(m, RR_CONSOLE, &byte, 1);
}

void replay_record_net(struct machine *m, unsigned netdev,
		       const uint8_t *frame, size_t len)
{
	uint8_t idx = (uint8_t)netdev;

	/* slirp's frames are far below the bound (its MTU is 1500) */
	if (len < RR_MAX_EVENT)
		record_parts(m, RR_NET, &idx, 1, frame, (uint32_t)len);
}

void replay_record_chardev(struct machine *m, unsigned chardev,
			   const uint8_t *bytes, size_t len)
{
	uint8_t idx = (uint8_t)chardev;

	while (len) {
		size_t k = len < RR_MAX_EVENT - 1 ? len : RR_MAX_EVENT - 1;
		record_parts(m, RR_CHARDEV, &idx, 1, bytes, (uint32_t)k);
		bytes += k;
		len -= k;
	}
}

void replay_record_quit(struct machine *m)
{
	record(m, RR_QUIT, "", 0);
	if (m->rr && m->rr->rec)
		fflush(m->rr->rec);
}

bool replay_active(const struct machine *m)
{
	return m->rr && !m->rr->rec;
}

bool replay_due(const struct machine *m)
{
	const struct replay *r = m->rr;

	return replay_active(m) && r->next < r->nev &&
	       r->ev[r->next].ns <= machine_time_ns(m);
}

static bool diverged(struct machine *m, const struct rr_event *e);

bool replay_can_wait(struct machine *m)
{
	const struct replay *r = m->rr;

	if (!replay_active(m) || r->next >= r->nev ||
	    r->ev[r->next].ns <= machine_time_ns(m))
		return true;
	return diverged(m, &r->ev[r->next]);
}

static bool diverged(struct machine *m, const struct rr_event *e)
{
	console_flush(&m->console);
	/* on a line of its own, whatever the guest printed last */
	fprintf(stderr, "\r\nglass: --replay %s: the run has left the "
		"recording (an input recorded at instruction %llu, this run "
		"is at %llu)\n", m->rr->path, (unsigned long long)e->icount,
		(unsigned long long)m->icount);
	return false;
}

/* A recorded -chardev input: every byte must find the device ready, as
 * it did when recorded. */
static bool feed_chardev(struct machine *m, const struct rr_event *e)
{
	struct chardev *c;

	if (e->data[0] >= m->backends.nchardevs)
		return false;
	c = &m->backends.chardevs[e->data[0]].chr;
	for (uint32_t i = 1; i < e->len; i++) {
		if (!c->can_receive || !c->can_receive(c->fe))
			return false;
		c->receive(c->fe, e->data[i]);
	}
	return true;
}

bool replay_deliver(struct machine *m)
{
	struct replay *r = m->rr;
	uint64_t now = machine_time_ns(m);

	if (!replay_active(m))
		return true;
	for (; r->next < r->nev; r->next++) {
		const struct rr_event *e = &r->ev[r->next];
		if (e->ns > now)
			return true;
		if (e->ns < now || e->icount != m->icount)
			return diverged(m, e);
		switch (e->kind) {
		case RR_CONSOLE:
			if (!m->serial.can_receive ||
			    !m->serial.can_receive(m->serial.fe))
				return diverged(m, e);
			m->serial.receive(m->serial.fe, e->data[0]);
			break;
		case RR_QUIT:
			machine_request_exit(m, 0);
			break;
		case RR_NET:
			if (e->data[0] >= m->backends.nnetdevs)
				return diverged(m, e);
			netdev_input(m->backends.netdevs[e->data[0]],
				     e->data + 1, e->len - 1);
			break;
		case RR_CHARDEV:
			if (!feed_chardev(m, e))
				return diverged(m, e);
			break;
		default:
			/* RR_DISK after the start: a damaged file */
			return diverged(m, e);
		}
	}
	return true;
}
