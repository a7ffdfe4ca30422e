/* Scatter-gather lists (iov.h). */
#include <stdint.h>

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
