/* Scatter-gather lists (struct iovec), as virtio chains map into host
 * memory and the block backend hands to preadv/pwritev. */
#ifndef GLASS_CORE_IOV_H
#define GLASS_CORE_IOV_H

#include <stddef.h>
#include <sys/uio.h>

/* Bytes [skip, skip + len) of iov[0..n) as at most `max` entries in out
 * (pointing into the same buffers); returns the count. Stops early if
 * out is full or iov runs out. */
int iov_slice(const struct iovec *iov, int n, size_t skip, size_t len,
	      struct iovec *out, int max);

/* Copy between iov[0..n), starting `skip` bytes in, and a flat buffer of
 * len bytes; return the bytes copied (fewer if iov ends first). */
size_t iov_to_buf(const struct iovec *iov, int n, size_t skip, void *buf,
		  size_t len);
size_t iov_from_buf(const struct iovec *iov, int n, size_t skip,
		    const void *buf, size_t len);

#endif
