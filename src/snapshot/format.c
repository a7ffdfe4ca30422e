/* Snapshot files: the header, sections with lengths and checksums, and
 * bounded cursors over them (format.h; the layout is in
 * docs/snapshots.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static void hash_block(struct snap_hasher *h, const uint8_t *p)
{
	for (unsigned l = 0; l < 4; l++)
		h->lane[l] = lane(h->lane[l], rd64(p + 8 * l));
}

void snap_hash_init(struct snap_hasher *h)
{
	*h = (struct snap_hasher){ .lane = { K1, K2, K3, K1 ^ K3 } };
}

void snap_hash_update(struct snap_hasher *h, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!len)
		return;   /* an empty section's buffer may be NULL */
	h->len += len;
	if (h->nbuf) {
		size_t n = 32 - h->nbuf < len ? 32 - h->nbuf : len;
		memcpy(h->buf + h->nbuf, p, n);
		h->nbuf += (unsigned)n;
		p += n;
		len -= n;
		if (h->nbuf < 32)
			return;
		hash_block(h, h->buf);
		h->nbuf = 0;
	}
	for (; len >= 32; p += 32, len -= 32)
		hash_block(h, p);
	memcpy(h->buf, p, len);
	h->nbuf = (unsigned)len;
}

uint64_t snap_hash_final(const struct snap_hasher *h)
{
	uint64_t l[4] = { h->lane[0], h->lane[1], h->lane[2], h->lane[3] };
	uint64_t tail = 0;
	unsigned i = 0;

	for (; i + 8 <= h->nbuf; i += 8)
		l[0] = lane(l[0], rd64(h->buf + i));
	for (unsigned s = 0; i < h->nbuf; i++, s += 8)
		tail |= (uint64_t)h->buf[i] << s;
	l[1] = lane(l[1], tail);
	l[2] = lane(l[2], h->len);
	uint64_t r = rotl(l[0], 1) + rotl(l[1], 7) + rotl(l[2], 12) +
		     rotl(l[3], 18);
	r ^= r >> 33;
	r *= K2;
	r ^= r >> 29;
	return r;
}

uint64_t snap_hash(const void *data, size_t len)
{
	struct snap_hasher h;

	snap_hash_init(&h);
	snap_hash_update(&h, data, len);
	return snap_hash_final(&h);
}

/* A section's checksum covers its tag and length too, so a damaged header
 * never turns it into another section. */
static uint64_t sum_of(const uint8_t header[16], uint64_t payload_hash)
{
	return payload_hash ^ rotl(snap_hash(header, 16), 17);
}

uint64_t snap_section_sum(const uint8_t header[16], const void *data,
			  uint64_t len)
{
	return sum_of(header, snap_hash(data, len));
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

	off_t at = lseek(w->fd, 0, SEEK_CUR);

	w->base = at > 0 ? (uint64_t)at : 0;
	memcpy(h, SNAP_MAGIC, 8);
	memcpy(h + 8, &v, 4);
	memcpy(h + 12, &hs, 4);
	strncpy((char *)h + 16, GLASS_VERSION, SNAP_VERSION_LEN);
	memcpy(h + 40, &flags, 8);
	sum = snap_hash(h, 56);
	memcpy(h + 56, &sum, 8);
	wr(w, h, sizeof(h));
}

/* A section: its header (length and checksum still zero), then the
 * payload, hashed on its way out; the header is written again at the end,
 * complete. */
void snap_section_begin(struct snap_writer *w, uint32_t tag)
{
	uint8_t h[SNAP_SECTION_HEADER] = { 0 };

	w->tag = tag;
	w->start = w->written;
	w->len = 0;
	snap_hash_init(&w->hash);
	memcpy(h, &tag, 4);
	wr(w, h, sizeof(h));
}

void snap_section_write(struct snap_writer *w, const void *data, size_t len)
{
	snap_hash_update(&w->hash, data, len);
	w->len += len;
	wr(w, data, len);
}

void snap_section_put_u64(struct snap_writer *w, uint64_t v)
{
	snap_section_write(w, &v, 8);
}

void snap_section_put_str(struct snap_writer *w, const char *s)
{
	uint32_t n = (uint32_t)strlen(s);

	snap_section_write(w, &n, 4);
	snap_section_write(w, s, n);
}

void snap_section_end(struct snap_writer *w)
{
	uint8_t h[SNAP_SECTION_HEADER] = { 0 };

	memcpy(h, &w->tag, 4);
	memcpy(h + 8, &w->len, 8);
	uint64_t sum = sum_of(h, snap_hash_final(&w->hash));
	memcpy(h + 16, &sum, 8);
	if (w->err)
		return;
	if (pwrite(w->fd, h, sizeof(h), (off_t)(w->base + w->start)) !=
	    sizeof(h))
		w->err = errno ? errno : EIO;
}

void snap_write_section(struct snap_writer *w, uint32_t tag,
			const struct snap_buf *b)
{
	if (b->failed) {
		if (!w->err)
			w->err = ENOMEM;
		return;
	}
	snap_section_begin(w, tag);
	snap_section_write(w, b->p, b->len);
	snap_section_end(w);
}

void snap_write_end(struct snap_writer *w)
{
	snap_section_begin(w, SNAP_END);
	snap_section_end(w);
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
	if (rd32(h + 12) != SNAP_HEADER_SIZE ||
	    rd64(h + 56) != snap_hash(h, 56))
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
	/* populated in one go: faulting in a large buffer page by page
	 * costs more than reading the file */
	size_t map = size ? size : 1;
	uint8_t *data = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			     MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (data == MAP_FAILED) {
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
		munmap(data, map);
		return -1;
	}
	int rc = snap_parse(f, data, size, why);
	f->mapped = map;
	if (rc < 0)
		snap_file_free(f);
	return rc;
}

void snap_file_free(struct snap_file *f)
{
	if (f->mapped)
		munmap(f->data, f->mapped);
	else
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
