/* Confined access to the --share directory (rules in hostfs.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "dev/hostfs.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define RESOLVE_FLAGS \
	(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

int hostfs_open_share(const char *dir)
{
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static int map_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return -HC_ENOENT;
	case EACCES:
	case EPERM:
	case ELOOP:
	case EXDEV:
	case EISDIR:
	case ENXIO:
	case EROFS:
	case ETXTBSY:
		return -HC_EACCES;
	case ENAMETOOLONG:
		return -HC_EINVAL;
	default:
		return -HC_EIO;
	}
}

int hostfs_check_name(const char *name, size_t len)
{
	if (len == 0 || len > HOSTFS_NAME_MAX || memchr(name, 0, len))
		return -HC_EINVAL;
	if (name[0] == '/')
		return -HC_EACCES;
	/* any ".." component, wherever it is */
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && name[j] != '/')
			j++;
		if (j - i == 2 && name[i] == '.' && name[i + 1] == '.')
			return -HC_EACCES;
		i = j + 1;
	}
	return 0;
}

static int open_openat2(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_FLAGS,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* The same rules without openat2: one component at a time, each opened
 * O_PATH | O_NOFOLLOW relative to the directory fd of the previous one and
 * checked on that fd. ".." never gets here (hostfs_check_name). `path` is
 * modified. */
static int open_walk(int dirfd, char *path, int flags, mode_t mode)
{
	int dfd = dirfd;
	char *p = path;
	struct stat st;

	for (;;) {
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = 0;
		if (*p && strcmp(p, ".") != 0) {
			int nfd = openat(dfd, p, O_PATH | O_NOFOLLOW |
					 O_CLOEXEC);
			int e = 0;
			if (nfd < 0)
				e = errno;
			else if (fstat(nfd, &st) < 0)
				e = errno;
			else if (S_ISLNK(st.st_mode))
				e = ELOOP;
			else if (!S_ISDIR(st.st_mode))
				e = ENOTDIR;
			if (e) {
				if (nfd >= 0)
					close(nfd);
				if (dfd != dirfd)
					close(dfd);
				errno = e;
				return -1;
			}
			if (dfd != dirfd)
				close(dfd);
			dfd = nfd;
		}
		p = slash + 1;
	}
	if (!*p)
		p = "."; /* trailing slash: the directory itself */
	int fd = openat(dfd, p, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	int e = errno;
	if (dfd != dirfd)
		close(dfd);
	errno = e;
	return fd;
}

static int open_confined(struct hostfs *fs, const char *name, int flags,
			 mode_t mode)
{
	char path[HOSTFS_NAME_MAX + 1];
	int dirfd = fs->dirfd;

	strcpy(path, name);
	if (!fs->force_walk && fs->openat2_state >= 0) {
		int fd = open_openat2(dirfd, path, flags, mode);
		if (fd >= 0 || fs->openat2_state == 1 ||
		    (errno != ENOSYS && errno != EPERM)) {
			if (fd >= 0)
				fs->openat2_state = 1;
			return fd;
		}
		/* ENOSYS (kernel < 5.6) or EPERM (seccomp) before openat2
		 * ever worked: probe the share itself to tell the two
		 * apart from a real EPERM on this file. */
		int probe = open_openat2(dirfd, ".", O_PATH, 0);
		if (probe >= 0) {
			close(probe);
			fs->openat2_state = 1;
			errno = EPERM;
			return -1;
		}
		fs->openat2_state = -1;
	}
	return open_walk(dirfd, path, flags, mode);
}

int hostfs_open(struct hostfs *fs, const char *name, size_t len, bool write,
		bool trunc)
{
	char path[HOSTFS_NAME_MAX + 1];
	struct stat st;
	int rc, fd;

	if (!fs || fs->dirfd <= 0)
		return -HC_EACCES;
	rc = hostfs_check_name(name, len);
	if (rc)
		return rc;
	memcpy(path, name, len);
	path[len] = 0;

	/* Look first without opening anything for I/O: a device node or a
	 * FIFO must not even be opened. */
	fd = open_confined(fs, path, O_PATH, 0);
	if (fd >= 0) {
		rc = fstat(fd, &st) < 0 ? map_errno(errno) : 0;
		close(fd);
		if (rc)
			return rc;
		if (!S_ISREG(st.st_mode))
			return -HC_EACCES;
	} else if (!(write && errno == ENOENT)) {
		return map_errno(errno);
	}

	int flags = (write ? O_WRONLY | O_CREAT : O_RDONLY) | O_NONBLOCK |
		    O_NOCTTY;
	fd = open_confined(fs, path, flags, 0644);
	if (fd < 0)
		return map_errno(errno);
	if (fstat(fd, &st) < 0) {
		rc = map_errno(errno);
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -HC_EACCES;
	}
	if (trunc && ftruncate(fd, 0) < 0) {
		rc = map_errno(errno);
		close(fd);
		return rc;
	}
	return fd;
}

static bool range_ok(uint64_t len, uint64_t off)
{
	return off <= INT64_MAX && len <= (uint64_t)INT64_MAX - off;
}

int64_t hostfs_pread(int fd, void *buf, uint64_t len, uint64_t off)
{
	uint64_t done = 0;

	if (!range_ok(len, off))
		return -HC_EINVAL;
	while (done < len) {
		uint64_t n = len - done;
		if (n > (1u << 30))
			n = 1u << 30;
		ssize_t r = pread(fd, (char *)buf + done, n,
				  (off_t)(off + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EINVAL)
				return -HC_EINVAL;
			return -HC_EIO;
		}
		if (r == 0)
			break;
		done += (uint64_t)r;
	}
	return (int64_t)done;
}

int64_t hostfs_pwrite(int fd, const void *buf, uint64_t len, uint64_t off)
{
	uint64_t done = 0;

	if (!range_ok(len, off))
		return -HC_EINVAL;
	while (done < len) {
		uint64_t n = len - done;
		if (n > (1u << 30))
			n = 1u << 30;
		ssize_t r = pwrite(fd, (const char *)buf + done, n,
				   (off_t)(off + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EINVAL)
				return -HC_EINVAL;
			return -HC_EIO;
		}
		if (r == 0)
			return -HC_EIO;
		done += (uint64_t)r;
	}
	return (int64_t)done;
}
