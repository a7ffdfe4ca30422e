/* The CHECKPOINT hypercall on the machine's side (../shared/spec/
 * hypercall.md): the doorbell asks for a checkpoint and stops every hart
 * once the store retires; at the end of that round the machine saves a
 * snapshot named by the guest into --checkpoint-dir, then goes on (ARG1 =
 * 0) or exits 0 (ARG1 = 1). The saved file holds RET0 = 1, the running
 * machine RET0 = 0, so a guest tells the two apart; STATUS is -EIO if the
 * save failed (and glass then does not exit).
 *
 * Names are one file name in that directory, checked as --share checks
 * names (hostfs.h: no "..", no absolute path, no NUL) and without '/':
 * -EACCES otherwise, and without --checkpoint-dir. */
#ifndef GLASS_MACHINE_CHECKPOINT_H
#define GLASS_MACHINE_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct hypercall;

/* --checkpoint-dir DIR, opened like --share (0, or -1 after one line). */
int checkpoint_open_dir(struct machine *m);

/* The hypercall device's hook: 0 (the save is pending) or -HC_E*. */
int checkpoint_request(struct machine *m, struct hypercall *hc,
		       unsigned channel, const char *name, uint64_t len,
		       bool exit_after);

/* At the end of a round: save a pending checkpoint, answer the guest,
 * then exit or let the harts go on. */
void checkpoint_run(struct machine *m);

#endif
