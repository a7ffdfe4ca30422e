/* Snapshot files: the header, sections with lengths and checksums, and
 * bounded cursors over them (format.h; the layout is in
 * docs/snapshots.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot/format.h"

#define K1 0x9e3779b97f4a7c15ull
#define K2 0xc2b2ae3d27d4eb4full
#define K3 0x165667b19e3779f9ull

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8); /* little-endian host (CONTRIBUTING.md) */
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rotl(uint64_t v, unsigned n)
{
	return v << n | v >> (64 - n);
}

static uint64_t lane(uint64_t h, uint64_t w)
{
	return rotl(h ^ (w * K1), 29) * K2;
}

uint64_t snap_hash(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t h[4] = { K1, K2, K3, (uint64_t)len };
	size_t i = 0;

	for (; i + 32 <= len; i += 32)
		for (unsigned l = 0; l < 4; l++)
			h[l] = lane(h[l], rd64(p + i + 8 * l));
	for (; i + 8 <= len; i += 8)
		h[0] = lane(h[0], rd64(p + i));
	uint64_t tail = 0;
	for (unsigned s = 0; i < len; i++, s += 8)
		tail |= (uint64_t)p[i] << s;
	h[1] = lane(h[1], tail);
	uint64_t r = rotl(h[0], 1) + rotl(h[1], 7) + rotl(h[2], 12) +
		     rotl(h[3], 18);
	r ^= r >> 33;
	r *= K2;
	r ^= r >> 29;
	return r;
}

/* A section's checksum covers its tag and length too, so a damaged header
 * never turns it into another section. */
uint64_t snap_section_sum(const uint8_t header[16], const void *data,
			  uint64_t len)
{
	return snap_hash(data, len) ^ rotl(snap_hash(header, 16), 17);
}

/* ---- buffers ---- */

uint8_t *snap_reserve(struct snap_buf *b, size_t len)
{
	if (b->failed)
		return NULL;
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->len < len) {
			if (cap > SIZE_MAX / 2) {
				b->failed = true;
				return NULL;
			}
			cap *= 2;
		}
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return b->p + b->len;
}

void snap_put(struct snap_buf *b, const void *data, size_t len)
{
	uint8_t *p = snap_reserve(b, len);

	if (!p)
		return;
	memcpy(p, data, len);
	b->len += len;
}

void snap_put_u8(struct snap_buf *b, uint8_t v)
{
	snap_put(b, &v, 1);
}

void snap_put_u32(struct snap_buf *b, uint32_t v)
{
	snap_put(b, &v, 4);
}

void snap_put_u64(struct snap_buf *b, uint64_t v)
{
	snap_put(b, &v, 8);
}

void snap_put_str(struct snap_buf *b, const char *s)
{
	size_t n = strlen(s);

	snap_put_u32(b, (uint32_t)n);
	snap_put(b, s, n);
}

void snap_buf_free(struct snap_buf *b)
{
	free(b->p);
	*b = (struct snap_buf){ 0 };
}

/* ---- writing ---- */

static void wr(struct snap_writer *w, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len && !w->err) {
		ssize_t n = write(w->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? errno : EIO;
			return;
		}
		p += n;
		len -= (size_t)n;
		w->written += (uint64_t)n;
	}
}

void snap_write_header(struct snap_writer *w, uint64_t flags)
{
	uint8_t h[SNAP_HEADER_SIZE] = { 0 };
	uint32_t v = SNAP_FORMAT_VERSION, hs = SNAP_HEADER_SIZE;
	uint64_t sum;

	memcpy(h, SNAP_MAGIC, 8);
	memcpy(h + 8, &v, 4);
	memcpy(h + 12, &hs, 4);
	strncpy((char *)h + 16, GLASS_VERSION, SNAP_VERSION_LEN);
	memcpy(h + 40, &flags, 8);
	sum = snap_hash(h, 56);
	memcpy(h + 56, &sum, 8);
	wr(w, h, sizeof(h));
}

static void section_header(struct snap_writer *w, uint32_t tag,
			   const void *data, uint64_t len)
{
	uint8_t h[SNAP_SECTION_HEADER] = { 0 };

	memcpy(h, &tag, 4);
	memcpy(h + 8, &len, 8);
	uint64_t sum = snap_section_sum(h, data, len);
	memcpy(h + 16, &sum, 8);
	wr(w, h, sizeof(h));
}

void snap_write_section(struct snap_writer *w, uint32_t tag,
			const struct snap_buf *b)
{
	if (b->failed) {
		if (!w->err)
			w->err = ENOMEM;
		return;
	}
	section_header(w, tag, b->p ? b->p : (const uint8_t *)"", b->len);
	wr(w, b->p, b->len);
}

void snap_write_end(struct snap_writer *w)
{
	section_header(w, SNAP_END, "", 0);
}

/* ---- reading ---- */

static const char *parse_header(struct snap_file *f)
{
	const uint8_t *h = f->data;

	if (f->size < 8 || memcmp(h, SNAP_MAGIC, 8))
		return "not a glass snapshot (no GLASSNAP magic)";
	if (f->size < SNAP_HEADER_SIZE)
		return "truncated (the header is cut off)";
	f->format_version = rd32(h + 8);
	if (f->format_version != SNAP_FORMAT_VERSION)
		return "a snapshot format this glass does not read "
		       "(format version differs)";
	if (rd32(h + 12) != SNAP_HEADER_SIZE || rd64(h + 56) != snap_hash(h, 56))
		return "corrupt header (checksum mismatch)";
	memcpy(f->glass_version, h + 16, SNAP_VERSION_LEN);
	f->glass_version[SNAP_VERSION_LEN] = 0;
	f->flags = rd64(h + 40);
	return NULL;
}

static const char *parse_sections(struct snap_file *f)
{
	size_t off = SNAP_HEADER_SIZE;

	for (;;) {
		if (f->size - off < SNAP_SECTION_HEADER)
			return "truncated (a section header is cut off)";
		const uint8_t *h = f->data + off;
		uint32_t tag = rd32(h);
		uint64_t len = rd64(h + 8);
		off += SNAP_SECTION_HEADER;
		if (rd32(h + 4) != 0)
			return "corrupt (a section header has unknown flags)";
		if (len > f->size - off)
			return "truncated (a section runs past the end of the "
			       "file)";
		if (rd64(h + 16) != snap_section_sum(h, f->data + off, len))
			return "corrupt (a section's checksum does not match)";
		if (tag == SNAP_END) {
			if (len != 0 || off != f->size)
				return "corrupt (data after the END section)";
			return NULL;
		}
		if (f->nsec == SNAP_MAX_SECTIONS)
			return "corrupt (too many sections)";
		f->sec[f->nsec++] = (struct snap_section){ tag, f->data + off,
							   len };
		off += len;
	}
}

int snap_parse(struct snap_file *f, uint8_t *data, size_t size,
	       const char **why)
{
	memset(f, 0, sizeof(*f));
	f->data = data;
	f->size = size;
	*why = parse_header(f);
	if (!*why)
		*why = parse_sections(f);
	return *why ? -1 : 0;
}

int snap_open(struct snap_file *f, const char *path, const char **why)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(f, 0, sizeof(*f));
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > SNAP_MAX_FILE) {
		*why = "too large to be a glass snapshot";
		close(fd);
		return -1;
	}
	size_t size = (size_t)st.st_size, got = 0;
	uint8_t *data = malloc(size ? size : 1);
	if (!data) {
		*why = "out of memory reading it";
		close(fd);
		return -1;
	}
	while (got < size) {
		ssize_t n = read(fd, data + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != size) {
		*why = "cannot read it all";
		free(data);
		return -1;
	}
	if (snap_parse(f, data, size, why) < 0) {
		snap_file_free(f);
		return -1;
	}
	return 0;
}

void snap_file_free(struct snap_file *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}

const struct snap_section *snap_find(const struct snap_file *f, uint32_t tag,
				     unsigned n)
{
	for (unsigned i = 0; i < f->nsec; i++)
		if (f->sec[i].tag == tag && n-- == 0)
			return &f->sec[i];
	return NULL;
}

unsigned snap_count(const struct snap_file *f, uint32_t tag)
{
	unsigned n = 0;

	for (unsigned i = 0; i < f->nsec; i++)
		n += f->sec[i].tag == tag;
	return n;
}

/* ---- cursors ---- */

const uint8_t *snap_get(struct snap_cursor *c, uint64_t len)
{
	if (c->bad || len > c->left) {
		c->bad = true;
		c->left = 0;
		return NULL;
	}
	const uint8_t *p = c->p;
	c->p += len;
	c->left -= len;
	return p;
}

uint8_t snap_get_u8(struct snap_cursor *c)
{
	const uint8_t *p = snap_get(c, 1);

	return p ? *p : 0;
}

uint32_t snap_get_u32(struct snap_cursor *c)
{
	const uint8_t *p = snap_get(c, 4);

	return p ? rd32(p) : 0;
}

uint64_t snap_get_u64(struct snap_cursor *c)
{
	const uint8_t *p = snap_get(c, 8);

	return p ? rd64(p) : 0;
}

bool snap_get_str(struct snap_cursor *c, char *buf, size_t size)
{
	uint32_t n = snap_get_u32(c);
	const uint8_t *p;

	if (c->bad || n >= size || !(p = snap_get(c, n)) || memchr(p, 0, n)) {
		c->bad = true;
		buf[0] = 0;
		return false;
	}
	memcpy(buf, p, n);
	buf[n] = 0;
	return true;
}
