/* --record and --replay (replay.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/replay.h"

#define RR_MAGIC "GLASSRR1"
#define RR_VERSION 1
#define RR_HEADER 32
#define RR_MAX_EVENT 65536   /* bytes in one event (a network frame) */

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

static int open_record(struct machine *m, struct replay *r)
{
	uint8_t h[RR_HEADER];

	r->rec = fopen(m->cfg.record, "wb");
	if (!r->rec) {
		fprintf(stderr, "glass: --record %s: %s\n", m->cfg.record,
			strerror(errno));
		return -1;
	}
	header(m, h);
	fwrite(h, 1, sizeof(h), r->rec);
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
		if (ev.kind < RR_CONSOLE || ev.kind > RR_QUIT ||
		    ev.len > RR_MAX_EVENT ||
		    (ev.kind == RR_CONSOLE && ev.len != 1)) {
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
	else if (get_le(h + 8, 4) != RR_VERSION)
		why = "a recording format this glass does not read";
	else if (memcmp(h + 12, want + 12, 4))
		why = "recorded with another -icount shift";
	else if (memcmp(h + 16, want + 16, 16))
		why = "recorded from another starting point (another "
		      "-loadvm snapshot, or none)";
	else
		read_events(r, f, &why);
	fclose(f);
	return why ? bad_file(path, why) : 0;
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

static void record(struct machine *m, uint8_t kind, const void *data,
		   uint32_t len)
{
	struct replay *r = m->rr;
	uint8_t e[21];

	if (!r || !r->rec)
		return;
	e[0] = kind;
	put_le(e + 1, m->icount, 8);
	put_le(e + 9, machine_time_ns(m), 8);
	put_le(e + 17, len, 4);
	fwrite(e, 1, sizeof(e), r->rec);
	fwrite(data, 1, len, r->rec);
}

void replay_record_console(struct machine *m, uint8_t byte)
{
	record(m, RR_CONSOLE, &byte, 1);
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
		default:
			/* RR_NET: no network device consumes it yet */
			break;
		}
	}
	return true;
}
