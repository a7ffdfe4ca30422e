/* A raw disk image on the host: what a -drive is. The file is opened
 * once, locked against a second writer (an fcntl open-file-description
 * lock, as QEMU takes: a write lock for a writable drive, a read lock
 * for a read-only one), and read and written at byte offsets with
 * preadv/pwritev. The guest sees it in 512-byte sectors; a file whose
 * size is not a multiple of 512 is rounded up as QEMU does, the missing
 * bytes reading as zeros.
 *
 * With BLOCKDEV_SNAPSHOT (-snapshot, or -drive snapshot=on) the image is
 * only read: opened read-only with a read lock, so any number of glass
 * processes may share it and none may write it meanwhile, while every
 * write of the guest goes to an overlay, a temporary file private to the
 * process (unlinked from the start, so it disappears with the process,
 * however it ends). The overlay holds whole 4 KiB clusters: a cluster the
 * guest wrote (or discarded, or zeroed) is read from the overlay, every
 * other one from the image. A machine snapshot carries the overlay's
 * clusters (snapshot/disk.c), which is how a checkpoint taken under
 * -snapshot resumes with its disk as it was. */
#ifndef GLASS_BACKEND_BLOCK_H
#define GLASS_BACKEND_BLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#define BLOCKDEV_ID_LEN 32
#define BLOCKDEV_CLUSTER 4096u

/* blockdev_open flags */
#define BLOCKDEV_READONLY 1u   /* the guest may not write (readonly=on) */
#define BLOCKDEV_SNAPSHOT 2u   /* writes go to a temporary overlay */

/* The guest's changes under BLOCKDEV_SNAPSHOT. */
struct blockdev_overlay {
	int fd;                  /* the temporary file, -1: none */
	uint8_t *map;            /* bit c: cluster c is in the overlay */
	uint64_t nclusters;
	uint64_t stored;         /* clusters in the overlay */
};

struct blockdev {
	char id[BLOCKDEV_ID_LEN];
	char *path;
	int fd;                  /* the image (read-only under snapshot) */
	bool readonly;
	bool snapshot;
	uint64_t size;           /* bytes of the file */
	uint64_t sectors;        /* what the guest sees */
	bool attached;           /* a device uses it */
	struct blockdev_overlay ov;
};

/* What a snapshot (or a recording) remembers of an image, to refuse a
 * restore against another or a changed one: its size, its modification
 * time (ns; 0 for a block device, which has none worth the name) and a
 * hash of samples of its content: the first and the last 64 KiB and 16
 * blocks of 4 KiB spread evenly between. Cheap (about 200 KiB read) and
 * robust: any write moves the modification time, and a file replaced by
 * another, or rewritten with its time put back, almost surely differs in
 * the samples (the first 64 KiB hold a file system's superblock, which
 * every mount changes). Not the inode or the path: a copy made with
 * `cp -p` or `rsync -a` is the same disk. */
struct blockdev_identity {
	uint64_t size, mtime_ns, sample;
};

/* Open path as a drive (flags: BLOCKDEV_*). Returns 0, or -1 after
 * printing one line "glass: -drive file=PATH: what is wrong". */
int blockdev_open(struct blockdev *b, const char *id, const char *path,
		  unsigned flags);
void blockdev_close(struct blockdev *b);

/* Transfers at byte offset `off`; reads past the end of the file give
 * zeros. Return 0, or -errno. */
int blockdev_preadv(struct blockdev *b, const struct iovec *iov, int n,
		    uint64_t off);
int blockdev_pwritev(struct blockdev *b, const struct iovec *iov, int n,
		     uint64_t off);
/* Make written data durable (fdatasync; nothing under snapshot, whose
 * overlay is gone at exit anyway). */
int blockdev_flush(struct blockdev *b);
/* Deallocate (discard) or zero [off, off + len). */
int blockdev_discard(struct blockdev *b, uint64_t off, uint64_t len);
int blockdev_write_zeroes(struct blockdev *b, uint64_t off, uint64_t len,
			  bool unmap);

/* The image's identity now (the image itself, not the overlay). 0 or
 * -errno. */
int blockdev_identity(const struct blockdev *b, struct blockdev_identity *id);

/* ---- the overlay, for snapshots ---- */

static inline bool blockdev_overlay_has(const struct blockdev_overlay *ov,
					uint64_t c)
{
	return c < ov->nclusters && (ov->map[c / 8] >> (c % 8) & 1);
}

/* A new, empty overlay for b (a temporary file in $TMPDIR, else
 * /var/tmp). 0, or -errno. */
int blockdev_overlay_new(const struct blockdev *b,
			 struct blockdev_overlay *ov);
/* Clusters [c, c + n) of an overlay: read them (they must be in it), or
 * put them into it. 0 or -errno. */
int blockdev_overlay_read(const struct blockdev_overlay *ov, uint64_t c,
			  uint64_t n, void *buf);
int blockdev_overlay_write(struct blockdev_overlay *ov, uint64_t c,
			   uint64_t n, const void *buf);
/* Make ov b's overlay (the old one is freed; ov is emptied). */
void blockdev_overlay_install(struct blockdev *b,
			      struct blockdev_overlay *ov);
void blockdev_overlay_free(struct blockdev_overlay *ov);

#endif
