/* "key=value,key=value" lists of option values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/kv.h"

const char *kv_find(const char *kv, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *p = kv; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			*len = n - klen - 1;
			return p + klen + 1;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

int kv_u64(const char *what, const char *kv, const char *key, uint64_t *val)
{
	size_t len;
	const char *v = kv_find(kv, key, &len);
	char buf[32], *end;

	if (!v)
		return 0;
	if (len == 0 || len >= sizeof(buf) || v[0] == '-') {
		fprintf(stderr, "glass: %s: bad value for %s\n", what, key);
		return -1;
	}
	memcpy(buf, v, len);
	buf[len] = 0;
	errno = 0;
	unsigned long long x = strtoull(buf, &end, 0);
	if (*end || errno) {
		fprintf(stderr, "glass: %s: bad value '%s' for %s "
			"(a number, e.g. 0xffffffff)\n", what, buf, key);
		return -1;
	}
	*val = x;
	return 1;
}

int kv_check(const char *what, const char *kv, const char *const *known)
{
	for (const char *p = kv; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		size_t klen = eq ? (size_t)(eq - p) : n;
		bool ok = false;
		for (const char *const *k = known; *k && eq; k++)
			if (strlen(*k) == klen && !strncmp(*k, p, klen))
				ok = true;
		if (!ok) {
			fprintf(stderr, "glass: %s: unknown property '%.*s'\n",
				what, (int)klen, p);
			return -1;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}
