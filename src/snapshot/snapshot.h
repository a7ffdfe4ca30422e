/* Machine snapshots: the whole machine in one file (docs/snapshots.md),
 * for the monitor's savevm/loadvm, -loadvm and the CHECKPOINT hypercall.
 *
 * A snapshot holds every hart's architectural state, guest RAM and ROM
 * (zero pages left out, the rest compressed with zstd), every device
 * through the device framework (state struct, timers, interrupt line
 * levels, PCI configuration space; BAR mappings are derived again), the
 * host bridge, the virtual clock and the statistics counters. Caches
 * derived from memory (TLBs, decoded code, code-page marks) are not saved:
 * saving drops them on the running machine too, so a run that goes on and
 * a run restored from the file continue alike.
 *
 * Restoring checks the whole file first (format, checksums, the machine
 * configuration, every state) into fresh buffers and changes the machine
 * only once nothing can fail any more: a bad file leaves the machine as
 * it was, with a one-line reason.
 */
#ifndef GLASS_SNAPSHOT_SNAPSHOT_H
#define GLASS_SNAPSHOT_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct machine;
struct snap_file;

#define SNAPSHOT_ERR_LEN 256

/* Header flags */
#define SNAP_FLAG_ICOUNT 1ull     /* taken under -icount */

/* What a save wrote. */
struct snapshot_stats {
	uint64_t bytes;            /* file size */
	uint64_t ram_pages;        /* guest RAM pages */
	uint64_t stored_pages;     /* of which not zero, hence stored */
	uint64_t ns;               /* host time the save took (through
				    * fsync and rename for a named file) */
};

/* Save the machine to the open file `fd` (from its current offset).
 * Returns 0, or -1 with a one-line reason in err (no "glass: " prefix). */
int snapshot_save_fd(struct machine *m, int fd, struct snapshot_stats *st,
		     char *err, size_t errlen);

/* Save to `path`, atomically: a temporary file beside it, renamed over
 * `path` once complete (nothing is left behind on failure). */
int snapshot_save(struct machine *m, const char *path,
		  struct snapshot_stats *st, char *err, size_t errlen);

/* Save into directory dirfd as `name` (one path component), the same way:
 * a temporary name in the directory, then renameat. */
int snapshot_save_at(struct machine *m, int dirfd, const char *name,
		     struct snapshot_stats *st, char *err, size_t errlen);

/* Restore a parsed file (snap_open/snap_parse) into m. Returns 0, or -1
 * with the reason in err and m unchanged. */
int snapshot_restore(struct machine *m, const struct snap_file *f, char *err,
		     size_t errlen);

/* Read and restore `path`. */
int snapshot_load(struct machine *m, const char *path, char *err,
		  size_t errlen);

#endif
