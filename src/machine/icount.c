/* The run loop's rounds under -icount (icount.h). */
#include "machine/icount.h"
#include "machine/machine.h"

/* Instructions until the next timer deadline (at least 1), at most a
 * slice. */
static uint64_t budget(struct machine *m)
{
	uint64_t next = vclock_next_deadline(&m->clock);
	uint64_t now = machine_time_ns(m);
	unsigned shift = m->cfg.icount_shift;

	if (next == VCLOCK_NEVER || next <= now)
		return MACHINE_SLICE;
	uint64_t gap = next - now;
	uint64_t insns = (gap >> shift) + ((gap & ((1ull << shift) - 1)) != 0);
	return insns < MACHINE_SLICE ? (insns ? insns : 1) : MACHINE_SLICE;
}

bool icount_run_round(struct machine *m)
{
	bool busy = false;

	for (unsigned i = 0; i < m->nharts; i++) {
		vclock_run(&m->clock);
		busy |= machine_run_hart(m, i, budget(m));
	}
	return busy;
}

bool icount_idle(struct machine *m)
{
	uint64_t next = vclock_next_deadline(&m->clock);
	uint64_t now = machine_time_ns(m);

	if (next == VCLOCK_NEVER)
		return false;
	if (next > now)
		m->time_bias_ns += next - now;
	vclock_run(&m->clock);
	return true;
}
