/* The snapshot file format (docs/snapshots.md), without knowing what a
 * machine is: a fixed header, then sections, each a tag, a length and a
 * checksum of its payload, ending with an END section. All numbers are
 * little-endian. This layer writes sections from memory buffers and reads
 * a whole file into memory, checking every length and checksum before
 * anyone looks inside; the payload cursors never read past their section.
 */
#ifndef GLASS_SNAPSHOT_FORMAT_H
#define GLASS_SNAPSHOT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_MAGIC "GLASSNAP"
#define SNAP_FORMAT_VERSION 2
#define SNAP_HEADER_SIZE 64
#define SNAP_SECTION_HEADER 24
#define SNAP_VERSION_LEN 24
/* a sanity bound on any file, far above a 14 GiB machine's compressed RAM */
#define SNAP_MAX_FILE (64ull << 30)

#define SNAP_TAG(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | \
	 (uint32_t)(d) << 24)
enum snap_tag {
	SNAP_CONF = SNAP_TAG('C', 'O', 'N', 'F'), /* machine configuration */
	SNAP_MACH = SNAP_TAG('M', 'A', 'C', 'H'), /* clock, machine fields */
	SNAP_HART = SNAP_TAG('H', 'A', 'R', 'T'), /* one per hart */
	SNAP_DEVI = SNAP_TAG('D', 'E', 'V', 'I'), /* one per device */
	SNAP_PCIH = SNAP_TAG('P', 'C', 'I', 'H'), /* the host bridge */
	SNAP_MEMR = SNAP_TAG('M', 'E', 'M', 'R'), /* one per RAM/ROM region */
	SNAP_STAT = SNAP_TAG('S', 'T', 'A', 'T'), /* statistics counters */
	SNAP_DISK = SNAP_TAG('D', 'I', 'S', 'K'), /* one per -drive */
	SNAP_END = SNAP_TAG('E', 'N', 'D', ' '),
};

/* 64-bit checksum of a payload (four lanes of multiply-rotate over
 * little-endian words, then the length; detects corruption and
 * truncation, not forgery). In one go, or fed in pieces. */
uint64_t snap_hash(const void *data, size_t len);

struct snap_hasher {
	uint64_t lane[4];
	uint64_t len;
	uint8_t buf[32];
	unsigned nbuf;
};

void snap_hash_init(struct snap_hasher *h);
void snap_hash_update(struct snap_hasher *h, const void *data, size_t len);
uint64_t snap_hash_final(const struct snap_hasher *h);
/* The checksum a section header holds: of its first 16 bytes (tag,
 * flags, length) and its payload. */
uint64_t snap_section_sum(const uint8_t header[16], const void *data,
			  uint64_t len);

/* ---- building a section in memory ---- */

struct snap_buf {
	uint8_t *p;
	size_t len, cap;
	bool failed;          /* out of memory: everything after is dropped */
};

void snap_put(struct snap_buf *b, const void *data, size_t len);
void snap_put_u8(struct snap_buf *b, uint8_t v);
void snap_put_u32(struct snap_buf *b, uint32_t v);
void snap_put_u64(struct snap_buf *b, uint64_t v);
/* A string as u32 length + bytes. */
void snap_put_str(struct snap_buf *b, const char *s);
/* Room for len more bytes at b->p + b->len (the caller fills them and
 * adds len to b->len); NULL when out of memory. */
uint8_t *snap_reserve(struct snap_buf *b, size_t len);
void snap_buf_free(struct snap_buf *b);

/* ---- writing a file ---- */

struct snap_writer {
	int fd;               /* seekable: section headers are completed */
	uint64_t base;        /* where the file started in fd */
	uint64_t written;
	int err;              /* errno of the first failure, 0 if none */
	/* the section being written */
	uint32_t tag;
	uint64_t start, len;
	struct snap_hasher hash;
};

/* Header: magic, format version, header size, glass version, flags. */
void snap_write_header(struct snap_writer *w, uint64_t flags);
/* One section from a buffer (a failed buffer fails the writer: ENOMEM). */
void snap_write_section(struct snap_writer *w, uint32_t tag,
			const struct snap_buf *b);
/* One section written in pieces: begin, any number of writes, end (which
 * goes back to complete the section's header: the fd must be seekable). */
void snap_section_begin(struct snap_writer *w, uint32_t tag);
void snap_section_write(struct snap_writer *w, const void *data, size_t len);
/* A u64 (little-endian host), a string (u32 length + bytes). */
void snap_section_put_u64(struct snap_writer *w, uint64_t v);
void snap_section_put_str(struct snap_writer *w, const char *s);
void snap_section_end(struct snap_writer *w);
void snap_write_end(struct snap_writer *w);

/* ---- reading a file ---- */

struct snap_section {
	uint32_t tag;
	const uint8_t *data;
	uint64_t len;
};

#define SNAP_MAX_SECTIONS 256

struct snap_file {
	uint8_t *data;        /* the whole file */
	size_t size;
	size_t mapped;        /* data is a mapping of this size (snap_open);
				 0: from malloc (snap_parse) */
	uint32_t format_version;
	char glass_version[SNAP_VERSION_LEN + 1];
	uint64_t flags;
	struct snap_section sec[SNAP_MAX_SECTIONS];
	unsigned nsec;
};

/* Read and check a whole file: header, then every section's bounds and
 * checksum up to END, and nothing after END. Returns 0, or -1 with *why
 * set to what is wrong (static text). `data` is taken over (freed by
 * snap_file_free) and must be size bytes from malloc. */
int snap_parse(struct snap_file *f, uint8_t *data, size_t size,
	       const char **why);
/* Read `path` and snap_parse it; -1 with *why (an errno text or a format
 * problem). */
int snap_open(struct snap_file *f, const char *path, const char **why);
void snap_file_free(struct snap_file *f);

/* The n-th section with this tag (0-based), or NULL. */
const struct snap_section *snap_find(const struct snap_file *f, uint32_t tag,
				     unsigned n);
unsigned snap_count(const struct snap_file *f, uint32_t tag);

/* A read cursor over one section: reads past the end return zeros and
 * set `bad`, so a parser checks once at the end. */
struct snap_cursor {
	const uint8_t *p;
	uint64_t left;
	bool bad;
};

static inline struct snap_cursor snap_cursor(const struct snap_section *s)
{
	return (struct snap_cursor){ s->data, s->len, false };
}

uint8_t snap_get_u8(struct snap_cursor *c);
uint32_t snap_get_u32(struct snap_cursor *c);
uint64_t snap_get_u64(struct snap_cursor *c);
/* len bytes in place, or NULL (and bad) if fewer are left. */
const uint8_t *snap_get(struct snap_cursor *c, uint64_t len);
/* A string (u32 length + bytes) into buf (NUL-terminated); false and bad
 * if it does not fit or holds a NUL. */
bool snap_get_str(struct snap_cursor *c, char *buf, size_t size);
/* The cursor used its section exactly: nothing missing, nothing left. */
static inline bool snap_done(const struct snap_cursor *c)
{
	return !c->bad && c->left == 0;
}

#endif
