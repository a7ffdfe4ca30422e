/* Record and replay of external input (--record FILE, --replay FILE;
 * docs/snapshots.md, "Record and replay").
 *
 * Under -icount everything the guest sees is a function of the
 * instruction count except what comes from outside: console bytes typed
 * or piped in, network frames (whatever slirp hands the guest: answers,
 * host traffic) and -chardev input. --record writes each such input with
 * the point it was handed to the machine, the machine's instruction
 * count and virtual time at that end of a round; --replay hands the same
 * inputs over at the same points and ignores the host's (there is no
 * slirp in a replay: the guest's frames go nowhere), so an interactive
 * session with network traffic runs again exactly. A quit (Ctrl-A x, a
 * signal) is recorded too, and the replay stops there. The disk images
 * the recording started with are recorded by identity (backend/block.h)
 * and a replay refuses others.
 *
 * The file: a 32-byte header ("GLASSRR1", version, -icount shift, the
 * instruction count and time it starts at), then events: kind (u8),
 * instruction count (u64), virtual ns (u64), length (u32), bytes.
 * Kinds: 1 a console byte for serial0, 2 a network frame (u8 -netdev
 * index, the frame), 3 quit, 4 -chardev input (u8 -chardev index, the
 * bytes), 5 a disk at the start (u8 -drive index, size, modification
 * time and content sample hash as u64).
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
	RR_CHARDEV = 4,
	RR_DISK = 5,
};

/* Open --record or --replay (cfg); 0, or -1 after one line. Both need
 * -icount. Called when the run starts (after -loadvm, so a replay can
 * start from a snapshot). */
int replay_open(struct machine *m);
/* Flush and close. */
void replay_close(struct machine *m);

/* Recording: a byte handed to the console's device now. */
void replay_record_console(struct machine *m, uint8_t byte);
/* Recording: a frame handed to the devices of -netdev number `netdev`
 * now (backends_net_deliver). */
void replay_record_net(struct machine *m, unsigned netdev,
		       const uint8_t *frame, size_t len);
/* Recording: -chardev number `chardev`'s input, handed over now. */
void replay_record_chardev(struct machine *m, unsigned chardev,
			   const uint8_t *bytes, size_t len);
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
