/* Scatter-gather lists (iov.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/iov.h"

int iov_slice(const struct iovec *iov, int n, size_t skip, size_t len,
	      struct iovec *out, int max)
{
	int k = 0;

	for (int i = 0; i < n && len && k < max; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		size_t m = iov[i].iov_len - skip;
		if (m > len)
			m = len;
		out[k].iov_base = (uint8_t *)iov[i].iov_base + skip;
		out[k++].iov_len = m;
		len -= m;
		skip = 0;
	}
	return k;
}

/* Both copies walk the same slices; `to_iov` says which way. */
static size_t copy(const struct iovec *iov, int n, size_t skip, uint8_t *buf,
		   size_t len, bool to_iov)
{
	struct iovec part[16];
	size_t done = 0;

	while (done < len) {
		int k = iov_slice(iov, n, skip + done, len - done, part, 16);
		if (!k)
			break;
		for (int i = 0; i < k; i++) {
			if (to_iov)
				memcpy(part[i].iov_base, buf + done,
				       part[i].iov_len);
			else
				memcpy(buf + done, part[i].iov_base,
				       part[i].iov_len);
			done += part[i].iov_len;
		}
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, int n, size_t skip, void *buf,
		  size_t len)
{
	return copy(iov, n, skip, buf, len, false);
}

size_t iov_from_buf(const struct iovec *iov, int n, size_t skip,
		    const void *buf, size_t len)
{
	return copy(iov, n, skip, (uint8_t *)buf, len, true);
}
