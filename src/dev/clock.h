/* Virtual time as devices see it. The machine decides where it comes from
 * (host monotonic clock now; instruction counts for deterministic runs). */
#ifndef GLASS_DEV_CLOCK_H
#define GLASS_DEV_CLOCK_H

#include <stdint.h>

struct vclock {
	uint64_t (*now_ns)(void *opaque); /* guest virtual ns since power-on */
	void *opaque;
};

static inline uint64_t vclock_ns(const struct vclock *c)
{
	return c->now_ns(c->opaque);
}

#endif
