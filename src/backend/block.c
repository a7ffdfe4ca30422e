/* Raw disk images (block.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/block.h"

#define SECTOR 512

static int fail(const char *path, const char *what)
{
	fprintf(stderr, "glass: -drive file=%s: %s\n", path, what);
	return -1;
}

static int lock_image(struct blockdev *b)
{
	struct flock fl = { .l_type = b->readonly ? F_RDLCK : F_WRLCK,
			    .l_whence = SEEK_SET };

	if (fcntl(b->fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno == EAGAIN || errno == EACCES)
		return fail(b->path, b->readonly ?
			    "the image is locked for writing by another "
			    "process (another glass or QEMU?)" :
			    "the image is in use by another process (another "
			    "glass or QEMU?); readonly=on can share it with "
			    "other readers");
	return 0; /* a file system without locks: go on, as QEMU does */
}

static int image_size(struct blockdev *b, const struct stat *st)
{
	uint64_t size;

	if (S_ISDIR(st->st_mode))
		return fail(b->path, "is a directory, not a disk image");
	if (S_ISBLK(st->st_mode)) {
		if (ioctl(b->fd, BLKGETSIZE64, &size) < 0)
			return fail(b->path, strerror(errno));
	} else if (S_ISREG(st->st_mode)) {
		size = (uint64_t)st->st_size;
	} else {
		return fail(b->path, "not a regular file or block device");
	}
	b->size = size;
	b->sectors = (size + SECTOR - 1) / SECTOR;
	if (size % SECTOR)
		fprintf(stderr, "glass: -drive file=%s: size %llu is not a "
			"multiple of 512: the disk has %llu sectors, the last "
			"one padded with zeros (as QEMU does)\n", b->path,
			(unsigned long long)size,
			(unsigned long long)b->sectors);
	return 0;
}

int blockdev_open(struct blockdev *b, const char *id, const char *path,
		  bool readonly)
{
	struct stat st;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	snprintf(b->id, sizeof(b->id), "%s", id);
	b->readonly = readonly;
	b->path = strdup(path);
	if (!b->path)
		return -1;
	if (!*path)
		return fail(path, "needs a file name");
	b->fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0 && errno == EISDIR)
		return fail(path, "is a directory, not a disk image");
	if (b->fd < 0 && !readonly && (errno == EACCES || errno == EROFS))
		return fail(path, "cannot be opened for writing (readonly=on "
			    "opens it read-only)");
	if (b->fd < 0)
		return fail(path, strerror(errno));
	if (fstat(b->fd, &st) < 0)
		return fail(path, strerror(errno));
	if (image_size(b, &st) < 0 || lock_image(b) < 0)
		return -1;
	return 0;
}

void blockdev_close(struct blockdev *b)
{
	if (!b->path)
		return; /* never opened */
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	free(b->path);
	b->path = NULL;
}

/* Zero the iovec bytes from `done` on. */
static void zero_tail(const struct iovec *iov, int n, size_t done)
{
	for (int i = 0; i < n; i++) {
		if (done >= iov[i].iov_len) {
			done -= iov[i].iov_len;
			continue;
		}
		memset((uint8_t *)iov[i].iov_base + done, 0,
		       iov[i].iov_len - done);
		done = 0;
	}
}

static size_t iov_total(const struct iovec *iov, int n)
{
	size_t t = 0;

	for (int i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

/* Advance an iovec array past `done` bytes, into `tmp`. */
static int iov_advance(const struct iovec *iov, int n, size_t done,
		       struct iovec *tmp)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (done >= iov[i].iov_len) {
			done -= iov[i].iov_len;
			continue;
		}
		tmp[k].iov_base = (uint8_t *)iov[i].iov_base + done;
		tmp[k++].iov_len = iov[i].iov_len - done;
		done = 0;
	}
	return k;
}

static int xfer(struct blockdev *b, const struct iovec *iov, int n,
		uint64_t off, bool write)
{
	size_t total = iov_total(iov, n), done = 0;
	struct iovec tmp[IOV_MAX];

	if (n > IOV_MAX)
		return -EINVAL;
	while (done < total) {
		int k = iov_advance(iov, n, done, tmp);
		off_t at = (off_t)(off + done);
		ssize_t r = write ? pwritev(b->fd, tmp, k, at) :
				    preadv(b->fd, tmp, k, at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0) {
			if (write)
				return -EIO;
			zero_tail(iov, n, done); /* past the end of the file */
			return 0;
		}
		done += (size_t)r;
	}
	if (write && off + total > b->size)
		b->size = off + total;
	return 0;
}

int blockdev_preadv(struct blockdev *b, const struct iovec *iov, int n,
		    uint64_t off)
{
	return xfer(b, iov, n, off, false);
}

int blockdev_pwritev(struct blockdev *b, const struct iovec *iov, int n,
		     uint64_t off)
{
	if (b->readonly)
		return -EROFS;
	return xfer(b, iov, n, off, true);
}

int blockdev_flush(struct blockdev *b)
{
	if (b->readonly)
		return 0;
	return fdatasync(b->fd) == 0 ? 0 : -errno;
}

/* Write zeros the slow way (a file system without fallocate modes). */
static int write_zeros(struct blockdev *b, uint64_t off, uint64_t len)
{
	static const uint8_t zeros[65536];

	while (len) {
		size_t k = len < sizeof(zeros) ? len : sizeof(zeros);
		ssize_t r = pwrite(b->fd, zeros, k, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

int blockdev_discard(struct blockdev *b, uint64_t off, uint64_t len)
{
	if (b->readonly)
		return -EROFS;
	/* discarded blocks read as zeros afterwards (the guest may not
	 * rely on that, but it keeps images small) */
	if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)len) == 0)
		return 0;
	return errno == EOPNOTSUPP ? 0 : -errno;
}

int blockdev_write_zeroes(struct blockdev *b, uint64_t off, uint64_t len,
			  bool unmap)
{
	if (b->readonly)
		return -EROFS;
	if (unmap && fallocate(b->fd, FALLOC_FL_PUNCH_HOLE |
			       FALLOC_FL_KEEP_SIZE, (off_t)off,
			       (off_t)len) == 0)
		return 0;
	if (fallocate(b->fd, FALLOC_FL_ZERO_RANGE, (off_t)off,
		      (off_t)len) == 0)
		return 0;
	return write_zeros(b, off, len);
}
