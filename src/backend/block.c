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
#include "core/iov.h"

#define SECTOR 512
#define CL ((uint64_t)BLOCKDEV_CLUSTER)

static int fail(const char *path, const char *what)
{
	fprintf(stderr, "glass: -drive file=%s: %s\n", path, what);
	return -1;
}

/* A writable drive takes the write lock; a read-only one, or the image
 * under an overlay, a read lock that any number of readers share and no
 * writer can join (as QEMU's -snapshot leaves the base to readers). */
static int lock_image(struct blockdev *b)
{
	bool shared = b->readonly || b->snapshot;
	struct flock fl = { .l_type = shared ? F_RDLCK : F_WRLCK,
			    .l_whence = SEEK_SET };

	if (fcntl(b->fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno == EAGAIN || errno == EACCES)
		return fail(b->path, shared ?
			    "the image is locked for writing by another "
			    "process (another glass or QEMU?)" :
			    "the image is in use by another process (another "
			    "glass or QEMU?); readonly=on can share it with "
			    "other readers, -snapshot too");
	return 0; /* a file system without locks: go on, as QEMU does */
}

static int file_size(int fd, const struct stat *st, uint64_t *size)
{
	if (S_ISBLK(st->st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	*size = (uint64_t)st->st_size;
	return 0;
}

static int image_size(struct blockdev *b, const struct stat *st)
{
	uint64_t size;

	if (S_ISDIR(st->st_mode))
		return fail(b->path, "is a directory, not a disk image");
	if (!S_ISBLK(st->st_mode) && !S_ISREG(st->st_mode))
		return fail(b->path, "not a regular file or block device");
	if (file_size(b->fd, st, &size) < 0)
		return fail(b->path, strerror(errno));
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
		  unsigned flags)
{
	struct stat st;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->ov.fd = -1;
	snprintf(b->id, sizeof(b->id), "%s", id);
	b->readonly = flags & BLOCKDEV_READONLY;
	b->snapshot = (flags & BLOCKDEV_SNAPSHOT) && !b->readonly;
	b->path = strdup(path);
	if (!b->path)
		return -1;
	if (!*path)
		return fail(path, "needs a file name");
	bool rdonly = b->readonly || b->snapshot;
	b->fd = open(path, (rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0 && errno == EISDIR)
		return fail(path, "is a directory, not a disk image");
	if (b->fd < 0 && !rdonly && (errno == EACCES || errno == EROFS))
		return fail(path, "cannot be opened for writing (readonly=on "
			    "opens it read-only; -snapshot writes to a "
			    "temporary overlay instead)");
	if (b->fd < 0)
		return fail(path, strerror(errno));
	if (fstat(b->fd, &st) < 0)
		return fail(path, strerror(errno));
	if (image_size(b, &st) < 0 || lock_image(b) < 0)
		return -1;
	if (b->snapshot) {
		int rc = blockdev_overlay_new(b, &b->ov);
		if (rc < 0) {
			char why[160];
			snprintf(why, sizeof(why), "cannot create the "
				 "temporary overlay of -snapshot: %s",
				 strerror(-rc));
			return fail(path, why);
		}
	}
	return 0;
}

void blockdev_close(struct blockdev *b)
{
	if (!b->path)
		return; /* never opened */
	blockdev_overlay_free(&b->ov);
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	free(b->path);
	b->path = NULL;
}

/* ---- iovecs ---- */

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

/* The whole of an iovec array to or from fd at off. A read that meets
 * the end of the file zero-fills the rest (the padded last sector). */
static int xfer_fd(int fd, const struct iovec *iov, int n, uint64_t off,
		   bool write)
{
	size_t total = iov_total(iov, n), done = 0;
	struct iovec tmp[IOV_MAX];

	if (n > IOV_MAX)
		return -EINVAL;
	while (done < total) {
		int k = iov_slice(iov, n, done, total - done, tmp, IOV_MAX);
		off_t at = (off_t)(off + done);
		ssize_t r = write ? pwritev(fd, tmp, k, at) :
				    preadv(fd, tmp, k, at);
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
	return 0;
}

static int xfer_buf(int fd, void *buf, size_t len, uint64_t off, bool write)
{
	struct iovec iov = { buf, len };

	return xfer_fd(fd, &iov, 1, off, write);
}

/* ---- the overlay ---- */

static void mark(struct blockdev_overlay *ov, uint64_t c)
{
	if (blockdev_overlay_has(ov, c))
		return;
	ov->map[c / 8] |= (uint8_t)(1u << (c % 8));
	ov->stored++;
}

static int tmpfile_in(const char *dir)
{
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
			errno != EINVAL))
		return fd;
	/* a file system without O_TMPFILE: create, then unlink at once */
	if (snprintf(path, sizeof(path), "%s/glass-overlay.XXXXXX", dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

int blockdev_overlay_new(const struct blockdev *b,
			 struct blockdev_overlay *ov)
{
	const char *dir = getenv("TMPDIR");
	uint64_t bytes = b->sectors * SECTOR;

	memset(ov, 0, sizeof(*ov));
	ov->nclusters = (bytes + CL - 1) / CL;
	ov->fd = tmpfile_in(dir && *dir ? dir : "/var/tmp");
	if (ov->fd < 0)
		return -errno;
	ov->map = calloc(1, (ov->nclusters + 7) / 8 + 1);
	if (!ov->map || ftruncate(ov->fd, (off_t)(ov->nclusters * CL)) < 0) {
		int e = ov->map ? errno : ENOMEM;
		blockdev_overlay_free(ov);
		return -e;
	}
	return 0;
}

void blockdev_overlay_free(struct blockdev_overlay *ov)
{
	if (ov->fd >= 0)
		close(ov->fd);
	free(ov->map);
	memset(ov, 0, sizeof(*ov));
	ov->fd = -1;
}

void blockdev_overlay_install(struct blockdev *b,
			      struct blockdev_overlay *ov)
{
	blockdev_overlay_free(&b->ov);
	b->ov = *ov;
	memset(ov, 0, sizeof(*ov));
	ov->fd = -1;
}

int blockdev_overlay_read(const struct blockdev_overlay *ov, uint64_t c,
			  uint64_t n, void *buf)
{
	if (c > ov->nclusters || n > ov->nclusters - c)
		return -EINVAL;
	return xfer_buf(ov->fd, buf, n * CL, c * CL, false);
}

int blockdev_overlay_write(struct blockdev_overlay *ov, uint64_t c,
			   uint64_t n, const void *buf)
{
	if (c > ov->nclusters || n > ov->nclusters - c)
		return -EINVAL;
	int rc = xfer_buf(ov->fd, (void *)buf, n * CL, c * CL, true);
	for (uint64_t i = 0; rc == 0 && i < n; i++)
		mark(ov, c + i);
	return rc;
}

/* Cluster c into the overlay as the image has it, before part of it is
 * written (copy on write). */
static int cow(struct blockdev *b, uint64_t c)
{
	uint8_t buf[BLOCKDEV_CLUSTER];

	if (blockdev_overlay_has(&b->ov, c))
		return 0;
	int rc = xfer_buf(b->fd, buf, CL, c * CL, false);
	return rc < 0 ? rc : blockdev_overlay_write(&b->ov, c, 1, buf);
}

/* Before [off, off + len) is changed in the overlay: its first and last
 * clusters, unless wholly covered, copied in from the image. */
static int cow_edges(struct blockdev *b, uint64_t off, uint64_t len)
{
	uint64_t c0 = off / CL, c1 = (off + len - 1) / CL;
	int rc = 0;

	if (!len)
		return 0;
	if (off % CL || len < CL)
		rc = cow(b, c0);
	if (rc == 0 && c1 != c0 && (off + len) % CL)
		rc = cow(b, c1);
	return rc;
}

static void mark_range(struct blockdev *b, uint64_t off, uint64_t len)
{
	for (uint64_t c = off / CL; len && c <= (off + len - 1) / CL; c++)
		mark(&b->ov, c);
}

/* A read under snapshot: each run of clusters from where it is. */
static int overlay_read(struct blockdev *b, const struct iovec *iov, int n,
			uint64_t off)
{
	size_t total = iov_total(iov, n), done = 0;
	struct iovec tmp[IOV_MAX];

	if (n > IOV_MAX)
		return -EINVAL;
	while (done < total) {
		uint64_t at = off + done, c = at / CL;
		bool in = blockdev_overlay_has(&b->ov, c);
		uint64_t end = (c + 1) * CL;
		while (end < off + total &&
		       blockdev_overlay_has(&b->ov, end / CL) == in)
			end += CL;
		size_t len = (size_t)((end < off + total ? end : off + total) -
				      at);
		int k = iov_slice(iov, n, done, len, tmp, IOV_MAX);
		int rc = xfer_fd(in ? b->ov.fd : b->fd, tmp, k, at, false);
		if (rc < 0)
			return rc;
		done += len;
	}
	return 0;
}

int blockdev_preadv(struct blockdev *b, const struct iovec *iov, int n,
		    uint64_t off)
{
	if (b->snapshot)
		return overlay_read(b, iov, n, off);
	return xfer_fd(b->fd, iov, n, off, false);
}

int blockdev_pwritev(struct blockdev *b, const struct iovec *iov, int n,
		     uint64_t off)
{
	size_t total = iov_total(iov, n);

	if (b->readonly)
		return -EROFS;
	if (b->snapshot) {
		if (off + total > b->ov.nclusters * CL)
			return -EIO;
		int rc = cow_edges(b, off, total);
		if (rc == 0)
			rc = xfer_fd(b->ov.fd, iov, n, off, true);
		if (rc == 0)
			mark_range(b, off, total);
		return rc;
	}
	int rc = xfer_fd(b->fd, iov, n, off, true);
	if (rc == 0 && off + total > b->size)
		b->size = off + total;
	return rc;
}

int blockdev_flush(struct blockdev *b)
{
	if (b->readonly || b->snapshot)
		return 0;
	return fdatasync(b->fd) == 0 ? 0 : -errno;
}

/* Write zeros the slow way (a file system without fallocate modes). */
static int write_zeros(int fd, uint64_t off, uint64_t len)
{
	static const uint8_t zeros[65536];

	while (len) {
		size_t k = len < sizeof(zeros) ? len : sizeof(zeros);
		ssize_t r = pwrite(fd, zeros, k, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

static int zero_fd(int fd, uint64_t off, uint64_t len, bool unmap)
{
	if (unmap && fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       (off_t)off, (off_t)len) == 0)
		return 0;
	if (fallocate(fd, FALLOC_FL_ZERO_RANGE, (off_t)off, (off_t)len) == 0)
		return 0;
	return write_zeros(fd, off, len);
}

/* Under snapshot, zeroing and discarding both make the range read as
 * zeros from the overlay (the image keeps its data). */
static int overlay_zero(struct blockdev *b, uint64_t off, uint64_t len)
{
	if (off + len > b->ov.nclusters * CL)
		return -EIO;
	int rc = cow_edges(b, off, len);
	if (rc == 0 && len)
		rc = zero_fd(b->ov.fd, off, len, true);
	if (rc == 0)
		mark_range(b, off, len);
	return rc;
}

int blockdev_discard(struct blockdev *b, uint64_t off, uint64_t len)
{
	if (b->readonly)
		return -EROFS;
	if (b->snapshot)
		return overlay_zero(b, off, len);
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
	if (b->snapshot)
		return overlay_zero(b, off, len);
	return zero_fd(b->fd, off, len, unmap);
}

/* ---- identity ---- */

#define SAMPLE_EDGE 65536u
#define SAMPLE_BLOCK 4096u
#define SAMPLES 16

/* FNV-1a, 64 bits */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* Hash len bytes at off (fewer at the end of the file), with where. */
static int sample(int fd, uint64_t off, size_t len, uint64_t *h)
{
	uint8_t buf[SAMPLE_EDGE];
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(fd, buf + got, len - got,
				  (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*h = fnv(*h, &off, sizeof(off));
	*h = fnv(*h, &got, sizeof(got));
	*h = fnv(*h, buf, got);
	return 0;
}

int blockdev_identity(const struct blockdev *b, struct blockdev_identity *id)
{
	struct stat st;
	uint64_t h = 0xcbf29ce484222325ull, size;
	int rc;

	memset(id, 0, sizeof(*id));
	if (fstat(b->fd, &st) < 0)
		return -errno;
	if ((rc = file_size(b->fd, &st, &size)) < 0)
		return rc;
	id->size = size;
	if (S_ISREG(st.st_mode))
		id->mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000ull +
			       (uint64_t)st.st_mtim.tv_nsec;
	uint64_t last = size > SAMPLE_EDGE ? (size - SAMPLE_EDGE) &
		~(uint64_t)(SAMPLE_BLOCK - 1) : 0;
	if ((rc = sample(b->fd, 0, SAMPLE_EDGE, &h)) < 0 ||
	    (rc = sample(b->fd, last, SAMPLE_EDGE, &h)) < 0)
		return rc;
	for (unsigned i = 1; i <= SAMPLES; i++) {
		uint64_t at = (size / (SAMPLES + 1) * i) &
			      ~(uint64_t)(SAMPLE_BLOCK - 1);
		if ((rc = sample(b->fd, at, SAMPLE_BLOCK, &h)) < 0)
			return rc;
	}
	id->sample = h;
	return 0;
}
