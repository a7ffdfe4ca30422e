/* Host files for the hypercall device's HOST_READ/HOST_WRITE: the guest
 * names a file relative to the directory given with --share DIR, and only
 * regular files inside that directory can be reached. This is a security
 * boundary (the guest is untrusted), so the rules are strict:
 *
 * - Names are byte strings of 1..HOSTFS_NAME_MAX bytes with no NUL inside
 *   (else -EINVAL). An absolute name or a ".." component is refused
 *   (-EACCES) before anything is looked up; "." and empty components
 *   ("a//b") are harmless and allowed.
 * - No symbolic link is followed anywhere in the name, whether it points
 *   inside the share or out of it (-EACCES). That is stricter than "no
 *   symlinks out", on purpose: what the guest can reach is exactly the
 *   regular files physically in the tree, and there is no question of when
 *   a link is resolved relative to what.
 * - Resolution is atomic: openat2(2) with RESOLVE_BENEATH |
 *   RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, relative to the share's
 *   directory fd, plus O_NOFOLLOW. A path component swapped for a symlink
 *   between two operations (or during one) is therefore refused, never
 *   followed. Mount points inside the share are crossed (they are the host
 *   user's doing). On kernels without openat2 (< 5.6, or a seccomp filter
 *   refusing it) the same rules are enforced by walking the name one
 *   component at a time with openat(O_PATH | O_NOFOLLOW) from directory
 *   fds, checking each step's type on the fd it opened.
 * - Only regular files: the object is first looked up with O_PATH (which
 *   opens nothing for I/O, so a device node or FIFO is never really
 *   opened), then opened with O_NONBLOCK | O_NOCTTY and checked with fstat
 *   again; anything but S_ISREG is -EACCES. (If the host swaps a regular
 *   file for a FIFO or device between the two steps, O_NONBLOCK keeps the
 *   open from blocking and the second check still refuses it.)
 * - HOST_WRITE creates missing files with mode 0644 (less the process
 *   umask) and truncates only when asked to.
 *
 * Errors are negative errno values of the guest ABI (Linux numbering, as
 * the device's STATUS register reports them), not host errno values:
 * ENOENT and ENOTDIR -> -ENOENT; EACCES, EPERM, ELOOP, EXDEV, EISDIR,
 * ENXIO, EROFS, ETXTBSY -> -EACCES; ENAMETOOLONG -> -EINVAL; anything else
 * -> -EIO.
 */
#ifndef GLASS_DEV_HOSTFS_H
#define GLASS_DEV_HOSTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Status codes of the hypercall ABI (negated in STATUS). */
#define HC_ENOENT 2
#define HC_EIO 5
#define HC_EACCES 13
#define HC_EFAULT 14
#define HC_EBUSY 16
#define HC_EINVAL 22
#define HC_ENOSYS 38

#define HOSTFS_NAME_MAX 4095

/* Open DIR as a share root (an O_PATH directory fd, close-on-exec).
 * Returns the fd, or -1 with errno set (ENOTDIR if DIR is not one). */
int hostfs_open_share(const char *dir);

/* 0 if `name` (len bytes, not NUL-terminated) is an acceptable relative
 * name, else -HC_EINVAL or -HC_EACCES. Does not touch the file system. */
int hostfs_check_name(const char *name, size_t len);

/* A shared directory and what has been learnt about resolving in it. */
struct hostfs {
	int dirfd;          /* from hostfs_open_share; <= 0: nothing shared */
	int openat2_state;  /* 0 not tried yet, 1 openat2 works, -1 walk */
	bool force_walk;    /* tests: always use the component walk */
};

/* Open a regular file under the share: for reading, or for writing
 * (created 0644 if missing; truncated to 0 if `trunc`). Returns an fd
 * (close it with close(2)) or a negative HC_E* code; -HC_EACCES when
 * nothing is shared. */
int hostfs_open(struct hostfs *fs, const char *name, size_t len, bool write,
		bool trunc);

/* Full pread/pwrite at `off` (retrying short transfers and EINTR).
 * hostfs_pread returns the bytes read (fewer than len only at end of
 * file); hostfs_pwrite the bytes written (len). Offsets beyond INT64_MAX
 * are -HC_EINVAL; I/O errors -HC_EIO. */
int64_t hostfs_pread(int fd, void *buf, uint64_t len, uint64_t off);
int64_t hostfs_pwrite(int fd, const void *buf, uint64_t len, uint64_t off);


#endif
