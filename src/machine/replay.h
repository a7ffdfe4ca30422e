/* Record and replay of external input (--record FILE, --replay FILE;
 * docs/snapshots.md, "Record and replay").
 *
 * Under -icount everything the guest sees is a function of the
 * instruction count except what comes from outside: console bytes typed
 * or piped in, and (once user networking exists) network frames. --record
 * writes each such input with the point it was handed to the machine,
 * the machine's instruction count and virtual time at that end of a
 * round; --replay hands the same inputs over at the same points and
 * ignores the host's, so an interactive session runs again exactly. A
 * quit (Ctrl-A x, a signal) is recorded too, and the replay stops there.
 *
 * The file: a 32-byte header ("GLASSRR1", version, -icount shift, the
 * instruction count and time it starts at), then events: kind (u8),
 * instruction count (u64), virtual ns (u64), length (u32), bytes.
 * Kinds: 1 console bytes for serial0, 2 a network frame (reserved: the
 * seam virtio-net's backend will use, replay_net_*), 3 quit.
 */
#ifndef GLASS_MACHINE_REPLAY_H
#define GLASS_MACHINE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

enum replay_kind {
	RR_CONSOLE = 1,
	RR_NET = 2,
	RR_QUIT = 3,
};

/* Open --record or --replay (cfg); 0, or -1 after one line. Both need
 * -icount. Called when the run starts (after -loadvm, so a replay can
 * start from a snapshot). */
int replay_open(struct machine *m);
/* Flush and close. */
void replay_close(struct machine *m);

/* Recording: a byte handed to the console's device now. */
void replay_record_console(struct machine *m, uint8_t byte);
/* Recording: the user quit now (the replay stops at the same point). */
void replay_record_quit(struct machine *m);

/* Replaying: whether host console input goes to the guest (not while a
 * replay feeds it). */
bool replay_active(const struct machine *m);
/* Replaying: hand over the inputs due at this end of a round. Returns
 * false (after one line) if the run has left the recording behind. */
bool replay_deliver(struct machine *m);
/* Replaying: an input is due now (the idle machine must not wait). */
bool replay_due(const struct machine *m);
/* Replaying, with every hart asleep and no timer armed: nothing can
 * bring the run to the next recorded input (in the recording, input came
 * at this very point). Returns false, after one line, if so. */
bool replay_can_wait(struct machine *m);

#endif
