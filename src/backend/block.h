/* A raw disk image on the host: what a -drive is. The file is opened
 * once, locked against a second writer (an fcntl open-file-description
 * lock, as QEMU takes: a write lock for a writable drive, a read lock
 * for a read-only one), and read and written at byte offsets with
 * preadv/pwritev. The guest sees it in 512-byte sectors; a file whose
 * size is not a multiple of 512 is rounded up as QEMU does, the missing
 * bytes reading as zeros. */
#ifndef GLASS_BACKEND_BLOCK_H
#define GLASS_BACKEND_BLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#define BLOCKDEV_ID_LEN 32

struct blockdev {
	char id[BLOCKDEV_ID_LEN];
	char *path;
	int fd;
	bool readonly;
	uint64_t size;           /* bytes of the file */
	uint64_t sectors;        /* what the guest sees */
	bool attached;           /* a device uses it */
};

/* Open path as a drive. Returns 0, or -1 after printing one line
 * "glass: -drive file=PATH: what is wrong". */
int blockdev_open(struct blockdev *b, const char *id, const char *path,
		  bool readonly);
void blockdev_close(struct blockdev *b);

/* Transfers at byte offset `off`; reads past the end of the file give
 * zeros. Return 0, or -errno. */
int blockdev_preadv(struct blockdev *b, const struct iovec *iov, int n,
		    uint64_t off);
int blockdev_pwritev(struct blockdev *b, const struct iovec *iov, int n,
		     uint64_t off);
/* Make written data durable (fdatasync). */
int blockdev_flush(struct blockdev *b);
/* Deallocate (discard) or zero [off, off + len). */
int blockdev_discard(struct blockdev *b, uint64_t off, uint64_t len);
int blockdev_write_zeroes(struct blockdev *b, uint64_t off, uint64_t len,
			  bool unmap);

#endif
