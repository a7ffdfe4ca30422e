/* Timers on virtual time: a short array scanned in creation order. A
 * machine has a handful of timers (one per hart's mtimecmp, the RTC
 * alarm, a few per virtio device), so a scan beats keeping a heap
 * ordered on every re-arm. */
#include <stddef.h>

#include "core/clock.h"

int vclock_add(struct vclock *c, struct vtimer *t, void (*fire)(void *opaque),
	       void *opaque)
{
	if (c->ntimers == VCLOCK_MAX_TIMERS)
		return -1;
	*t = (struct vtimer){ .fire = fire, .opaque = opaque };
	c->timers[c->ntimers++] = t;
	return 0;
}

void vclock_remove(struct vclock *c, struct vtimer *t)
{
	for (unsigned i = 0; i < c->ntimers; i++) {
		if (c->timers[i] != t)
			continue;
		for (unsigned j = i + 1; j < c->ntimers; j++)
			c->timers[j - 1] = c->timers[j];
		c->ntimers--;
		return;
	}
}

uint64_t vclock_next_deadline(const struct vclock *c)
{
	uint64_t next = VCLOCK_NEVER;

	for (unsigned i = 0; i < c->ntimers; i++)
		if (c->timers[i]->armed && c->timers[i]->deadline < next)
			next = c->timers[i]->deadline;
	return next;
}

/* The armed timer due first at `now` (creation order among equals). */
static struct vtimer *first_due(const struct vclock *c, uint64_t now)
{
	struct vtimer *best = NULL;

	for (unsigned i = 0; i < c->ntimers; i++) {
		struct vtimer *t = c->timers[i];
		if (t->armed && t->deadline <= now &&
		    (!best || t->deadline < best->deadline))
			best = t;
	}
	return best;
}

void vclock_run(struct vclock *c)
{
	uint64_t now = vclock_ns(c);
	struct vtimer *t;

	/* bounded: a timer that keeps re-arming in the past (a device bug)
	 * must not hold the machine up forever */
	for (unsigned n = 0; n < 4 * VCLOCK_MAX_TIMERS &&
			     (t = first_due(c, now)); n++) {
		t->armed = false;
		t->fire(t->opaque);
	}
}
