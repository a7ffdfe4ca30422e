/* Disks in a snapshot: one DISK section per -drive, in order. It holds
 * the image's identity (backend/block.h: size, modification time, a hash
 * of samples of the content) and, for a drive under -snapshot, the
 * overlay: a bitmap of the 4 KiB clusters the guest changed and those
 * clusters as one zstd frame. A restore refuses an image whose identity
 * differs (one line naming the disk), and puts the overlay back into a
 * fresh temporary file: the base image is never written. */
#ifndef GLASS_SNAPSHOT_DISK_H
#define GLASS_SNAPSHOT_DISK_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/block.h"
#include "snapshot/format.h"

/* Write drive b (the i-th) as a DISK section. 0, or -1 with the reason
 * in err (the writer's own errors are in w->err). */
int disk_write(struct snap_writer *w, const struct blockdev *b, unsigned i,
	       char *err, size_t errlen);

/* A drive's part of a restore, checked and prepared. */
struct disk_image {
	struct blockdev *b;
	bool install;                /* put ov in at commit */
	struct blockdev_overlay ov;  /* the overlay as the snapshot has it */
};

/* Check section s against this machine's i-th drive b: the id, the
 * image's identity, and the overlay (which is decompressed into a new
 * temporary file here, so that the commit cannot fail). 0, or -1 with
 * the reason in err. */
int disk_parse(const struct snap_section *s, unsigned i, struct blockdev *b,
	       struct disk_image *img, char *err, size_t errlen);
/* Install the prepared overlay. */
void disk_commit(struct disk_image *img);
void disk_image_free(struct disk_image *img);

#endif
