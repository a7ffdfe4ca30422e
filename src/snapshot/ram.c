/* RAM and ROM regions in snapshots (ram.h). Zero pages are left out:
 * most of a freshly booted guest's RAM was never written. The rest is one
 * zstd frame at a fast level, streamed to the file as it is made.
 *
 * A restore decompresses the frame twice: once into a small scratch
 * buffer, only to check that it holds exactly the pages the bitmap says
 * (before the machine is touched), and once more straight into guest RAM
 * when the restore commits. Decompressing is cheaper than the page faults
 * of a second full-size copy. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "snapshot/ram.h"

#define ZSTD_LEVEL 1
#define CHUNK (256u << 10)     /* compressed output per write */
#define SCRATCH (256u << 10)   /* decompressed output per check step */

static bool page_zero(const uint8_t *p)
{
	uint64_t acc = 0, w[8];

	for (size_t i = 0; i < RAM_PAGE; i += sizeof(w)) {
		memcpy(w, p + i, sizeof(w));
		for (unsigned k = 0; k < 8; k++)
			acc |= w[k];
		if (acc)
			return false;
	}
	return true;
}

static bool stored(const uint8_t *bm, uint64_t p)
{
	return bm[p / 8] & (1u << (p % 8));
}

/* Which host pages of [p, p + len) the kernel has ever given the process
 * (present, or swapped out), from /proc/self/pagemap: one byte per host
 * page, 1 = maybe data. A page never touched is zero, and reading it
 * would cost a page fault (expensive under virtualization), so the scan
 * skips those. NULL when pagemap cannot be read: then every page is
 * looked at. */
static uint8_t *touched_pages(const uint8_t *p, size_t len, size_t hp)
{
	size_t n = len / hp, done = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint8_t *map = fd >= 0 ? malloc(n ? n : 1) : NULL;
	uint64_t e[512];

	while (map && done < n) {
		size_t k = n - done < 512 ? n - done : 512;
		off_t at = (off_t)(((uintptr_t)p / hp + done) * 8);
		if (pread(fd, e, k * 8, at) != (ssize_t)(k * 8)) {
			free(map);
			map = NULL;
			break;
		}
		for (size_t i = 0; i < k; i++)
			map[done + i] = (e[i] >> 62) != 0; /* present|swapped */
		done += k;
	}
	if (fd >= 0)
		close(fd);
	return map;
}

/* The bitmap of pages that are not all zero; *nstored counts them. */
static uint8_t *scan(const struct region *r, uint64_t *nstored)
{
	uint64_t npages = r->size / RAM_PAGE;
	size_t hp = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *bm = calloc(1, (npages + 7) / 8 + 1);
	uint8_t *touched = touched_pages(r->host, r->size, hp);

	*nstored = 0;
	for (uint64_t p = 0; bm && p < npages; p++) {
		if ((touched && !touched[p * RAM_PAGE / hp]) ||
		    page_zero(r->host + p * RAM_PAGE))
			continue;
		bm[p / 8] |= (uint8_t)(1u << (p % 8));
		(*nstored)++;
	}
	free(touched);
	return bm;
}

/* Feed [in, in + len) to the stream, writing its output to the section. */
static int compress_chunk(ZSTD_CCtx *z, struct snap_writer *w, uint8_t *out,
			  const void *in, size_t len, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer ob = { out, CHUNK, 0 };
		left = ZSTD_compressStream2(z, &ob, &ib, mode);
		if (ZSTD_isError(left))
			return -1;
		snap_section_write(w, out, ob.pos);
	} while (!w->err &&
		 (mode == ZSTD_e_end ? left != 0 : ib.pos < ib.size));
	return w->err ? -1 : 0;
}

static int compress_pages(const struct region *r, const uint8_t *bm,
			  struct snap_writer *w)
{
	uint64_t npages = r->size / RAM_PAGE;
	ZSTD_CCtx *z = ZSTD_createCCtx();
	uint8_t *out = malloc(CHUNK);
	int rc = z && out ? 0 : -1;

	if (z)
		ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	/* runs of stored pages go in one call each */
	for (uint64_t p = 0; p < npages && rc == 0;) {
		if (!stored(bm, p)) {
			p++;
			continue;
		}
		uint64_t q = p;
		while (q < npages && stored(bm, q) && q - p < 256)
			q++;
		rc = compress_chunk(z, w, out, r->host + p * RAM_PAGE,
				    (q - p) * RAM_PAGE, ZSTD_e_continue);
		p = q;
	}
	if (rc == 0)
		rc = compress_chunk(z, w, out, NULL, 0, ZSTD_e_end);
	ZSTD_freeCCtx(z);
	free(out);
	return rc;
}

static void put64(struct snap_writer *w, uint64_t v)
{
	snap_section_write(w, &v, 8);
}

int ram_write(struct snap_writer *w, const struct region *r,
	      struct snapshot_stats *st)
{
	uint64_t npages = r->size / RAM_PAGE, nstored;
	uint8_t *bm = scan(r, &nstored);
	uint32_t n = (uint32_t)strlen(r->name);

	if (!bm)
		return -1;
	snap_section_begin(w, SNAP_MEMR);
	snap_section_write(w, &n, 4);
	snap_section_write(w, r->name, n);
	put64(w, r->base);
	put64(w, r->size);
	put64(w, RAM_PAGE);
	put64(w, nstored);
	snap_section_write(w, bm, (npages + 7) / 8);
	int rc = compress_pages(r, bm, w);
	snap_section_end(w);
	free(bm);
	if (r->kind == REGION_RAM) {
		st->ram_pages += npages;
		st->stored_pages += nstored;
	}
	return rc;
}

static int bad(char *err, size_t n, const struct region *r, const char *why)
{
	snprintf(err, n, "memory region %s: %s", r->name, why);
	return -1;
}

static uint64_t popcount(const uint8_t *bm, uint64_t npages)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < (npages + 7) / 8; i++)
		n += (uint64_t)__builtin_popcount(bm[i]);
	return n;
}

static ZSTD_DCtx *decoder(void)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();

	/* glass writes 512 KiB windows; a forged frame may not make the
	 * decoder allocate more than 8 MiB */
	if (d)
		ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 23);
	return d;
}

/* Decompress into ob until it is full; false if the input ran out, the
 * frame ended early or is corrupt. */
static bool fill(ZSTD_DCtx *d, ZSTD_inBuffer *ib, ZSTD_outBuffer *ob,
		 size_t *last)
{
	while (ob->pos < ob->size) {
		size_t pos = ob->pos, in = ib->pos;
		*last = ZSTD_decompressStream(d, ob, ib);
		if (ZSTD_isError(*last) || (*last == 0 && ob->pos < ob->size) ||
		    (ob->pos == pos && ib->pos == in))
			return false;
	}
	return true;
}

/* The frame's end: all input used, nothing more to come out. */
static bool at_end(ZSTD_DCtx *d, ZSTD_inBuffer *ib, size_t last)
{
	uint8_t extra;
	ZSTD_outBuffer ob = { &extra, 1, 0 };

	if (last != 0)
		last = ZSTD_decompressStream(d, &ob, ib);
	return last == 0 && ob.pos == 0 && ib->pos == ib->size;
}

/* Decompress the whole frame, checking it holds exactly nstored pages;
 * the output goes nowhere. */
static bool check_frame(const struct ram_image *img)
{
	ZSTD_DCtx *d = decoder();
	uint8_t *scratch = malloc(SCRATCH);
	ZSTD_inBuffer ib = { img->z, img->zlen, 0 };
	uint64_t left = img->nstored * RAM_PAGE;
	size_t last = 1;
	bool ok = d && scratch;

	while (ok && left) {
		size_t n = left < SCRATCH ? (size_t)left : SCRATCH;
		ZSTD_outBuffer ob = { scratch, n, 0 };
		ok = fill(d, &ib, &ob, &last);
		left -= n;
	}
	ok = ok && at_end(d, &ib, last);
	ZSTD_freeDCtx(d);
	free(scratch);
	return ok;
}

int ram_parse(const struct snap_section *s, const struct region *r,
	      struct ram_image *img, char *err, size_t errlen)
{
	struct snap_cursor c = snap_cursor(s);
	char name[128];

	memset(img, 0, sizeof(*img));
	img->r = (struct region *)r;
	if (!s || !snap_get_str(&c, name, sizeof(name)) ||
	    strcmp(name, r->name))
		return bad(err, errlen, r, "missing from the snapshot");
	if (snap_get_u64(&c) != r->base || snap_get_u64(&c) != r->size ||
	    snap_get_u64(&c) != RAM_PAGE)
		return bad(err, errlen, r, "another place or size in the "
			   "snapshot");
	img->npages = r->size / RAM_PAGE;
	img->nstored = snap_get_u64(&c);
	img->bitmap = snap_get(&c, (img->npages + 7) / 8);
	img->zlen = c.left;
	img->z = snap_get(&c, img->zlen);
	if (c.bad || !img->bitmap || !img->z)
		return bad(err, errlen, r, "corrupt section");
	if (img->nstored > img->npages ||
	    popcount(img->bitmap, img->npages) != img->nstored ||
	    ((img->npages % 8) &&
	     (img->bitmap[img->npages / 8] >> (img->npages % 8))))
		return bad(err, errlen, r, "corrupt page bitmap");
	if (!check_frame(img))
		return bad(err, errlen, r, "corrupt (its pages do not "
			   "decompress to what the bitmap says)");
	return 0;
}

/* Zero [p, p + len): whole host pages are given back to the kernel (an
 * anonymous private mapping reads them as zeros again), the rest is
 * cleared. */
static void zero_range(uint8_t *p, size_t len)
{
	size_t hp = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + hp - 1) & ~(uintptr_t)(hp - 1);
	uintptr_t e = ((uintptr_t)p + len) & ~(uintptr_t)(hp - 1);

	if (e <= a || madvise((void *)a, e - a, MADV_DONTNEED) < 0) {
		memset(p, 0, len);
		return;
	}
	memset(p, 0, a - (uintptr_t)p);
	memset((void *)e, 0, (uintptr_t)p + len - e);
}

void ram_commit(struct address_space *as, const struct ram_image *img)
{
	uint8_t *host = img->r->host;
	ZSTD_DCtx *d = decoder();
	ZSTD_inBuffer ib = { img->z, img->zlen, 0 };
	size_t last = 1;

	if (!d) {
		fprintf(stderr, "glass: out of memory restoring a snapshot\n");
		abort();
	}
	/* runs of stored pages are decompressed in place, runs of zero
	 * pages zeroed; the frame was checked (ram_parse), so this cannot
	 * fail (a short frame would leave zeros, never stale data) */
	for (uint64_t p = 0; p < img->npages;) {
		uint64_t q = p;
		bool st = stored(img->bitmap, p);
		while (q < img->npages && stored(img->bitmap, q) == st)
			q++;
		uint8_t *at = host + p * RAM_PAGE;
		size_t len = (q - p) * RAM_PAGE;
		ZSTD_outBuffer ob = { at, len, 0 };
		if (!st || !fill(d, &ib, &ob, &last))
			zero_range(at + ob.pos, len - ob.pos);
		p = q;
	}
	ZSTD_freeDCtx(d);
	as_code_written(as, img->r, 0, img->r->size);
}

void ram_image_free(struct ram_image *img)
{
	memset(img, 0, sizeof(*img));
}
