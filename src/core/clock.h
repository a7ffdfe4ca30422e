/* Virtual time and the timers that run on it.
 *
 * The machine decides where time comes from (the host's monotonic clock,
 * or retired instructions for deterministic runs); devices only ever see
 * vclock_ns() and timers. Timers fire from the run loop, between slices of
 * guest execution, never inside the call that armed them: so a device
 * callback cannot re-enter itself, and which timers fire together depends
 * only on virtual time. Timers with the same deadline fire in the order
 * they were created (a fixed order, so runs are repeatable).
 */
#ifndef GLASS_CORE_CLOCK_H
#define GLASS_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define VCLOCK_MAX_TIMERS 64
#define VCLOCK_NEVER UINT64_MAX

struct vtimer {
	uint64_t deadline;            /* virtual ns, when armed */
	bool armed;
	void (*fire)(void *opaque);
	void *opaque;
};

struct vclock {
	uint64_t (*now_ns)(void *opaque); /* guest virtual ns since power-on */
	void *opaque;
	/* every registered timer, in creation order */
	struct vtimer *timers[VCLOCK_MAX_TIMERS];
	unsigned ntimers;
};

static inline uint64_t vclock_ns(const struct vclock *c)
{
	return c->now_ns(c->opaque);
}

/* Register t (disarmed) with the clock. Returns 0, or -1 when the clock
 * has no room for another timer. */
int vclock_add(struct vclock *c, struct vtimer *t, void (*fire)(void *opaque),
	       void *opaque);
/* Unregister t (a device going away). */
void vclock_remove(struct vclock *c, struct vtimer *t);

static inline void vtimer_arm(struct vtimer *t, uint64_t when_ns)
{
	t->deadline = when_ns;
	t->armed = true;
}

static inline void vtimer_cancel(struct vtimer *t)
{
	t->armed = false;
}

/* The earliest deadline of an armed timer, or VCLOCK_NEVER. */
uint64_t vclock_next_deadline(const struct vclock *c);

/* Fire every timer whose deadline has come, earliest first (creation
 * order among equals); a timer is disarmed before it fires, so it may
 * re-arm itself. A timer armed for a time already past by one that fires
 * runs in the same call. */
void vclock_run(struct vclock *c);

#endif
