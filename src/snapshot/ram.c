/* RAM and ROM regions in snapshots (ram.h). Zero pages are left out:
 * most of a freshly booted guest's RAM was never written. The rest is one
 * zstd frame at a fast level; a restore decompresses it into a mapping of
 * its own before the machine is touched. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "snapshot/ram.h"

#define ZSTD_LEVEL 1

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

/* Feed [in, in + len) to the stream, appending its output to b. */
static int compress_chunk(ZSTD_CCtx *z, struct snap_buf *b, const void *in,
			  size_t len, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t chunk = ZSTD_CStreamOutSize(), left;

	do {
		uint8_t *out = snap_reserve(b, chunk);
		if (!out)
			return -1;
		ZSTD_outBuffer ob = { out, chunk, 0 };
		left = ZSTD_compressStream2(z, &ob, &ib, mode);
		if (ZSTD_isError(left))
			return -1;
		b->len += ob.pos;
	} while (mode == ZSTD_e_end ? left != 0 : ib.pos < ib.size);
	return 0;
}

static int compress_pages(const struct region *r, const uint8_t *bitmap,
			  uint64_t npages, struct snap_buf *b)
{
	ZSTD_CCtx *z = ZSTD_createCCtx();
	int rc = z ? 0 : -1;

	if (z)
		ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	/* runs of stored pages go in one call each */
	for (uint64_t p = 0; p < npages && rc == 0;) {
		if (!(bitmap[p / 8] & (1u << (p % 8)))) {
			p++;
			continue;
		}
		uint64_t q = p;
		while (q < npages && (bitmap[q / 8] & (1u << (q % 8))) &&
		       q - p < 256)
			q++;
		rc = compress_chunk(z, b, r->host + p * RAM_PAGE,
				    (q - p) * RAM_PAGE, ZSTD_e_continue);
		p = q;
	}
	if (rc == 0)
		rc = compress_chunk(z, b, NULL, 0, ZSTD_e_end);
	ZSTD_freeCCtx(z);
	return rc;
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

int ram_put(const struct region *r, struct snap_buf *b,
	    struct snapshot_stats *st)
{
	uint64_t npages = r->size / RAM_PAGE, nstored = 0;
	size_t bm_len = (npages + 7) / 8;
	size_t hp = (size_t)sysconf(_SC_PAGESIZE);
	/* the bitmap apart from b: compressing grows (moves) b's buffer */
	uint8_t *bm = calloc(1, bm_len ? bm_len : 1);
	uint8_t *touched = touched_pages(r->host, r->size, hp);

	if (!bm) {
		free(touched);
		return -1;
	}
	for (uint64_t p = 0; p < npages; p++) {
		if ((touched && !touched[p * RAM_PAGE / hp]) ||
		    page_zero(r->host + p * RAM_PAGE))
			continue;
		bm[p / 8] |= (uint8_t)(1u << (p % 8));
		nstored++;
	}
	free(touched);
	snap_put_str(b, r->name);
	snap_put_u64(b, r->base);
	snap_put_u64(b, r->size);
	snap_put_u64(b, RAM_PAGE);
	snap_put_u64(b, nstored);
	snap_put(b, bm, bm_len);
	size_t zlen_at = b->len;
	snap_put_u64(b, 0);                 /* compressed length */
	size_t z0 = b->len;
	int rc = b->failed ? -1 : compress_pages(r, bm, npages, b);
	free(bm);
	if (rc < 0)
		return -1;
	uint64_t zlen = b->len - z0;
	memcpy(b->p + zlen_at, &zlen, 8);
	if (r->kind == REGION_RAM) {
		st->ram_pages += npages;
		st->stored_pages += nstored;
	}
	return 0;
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

static int decompress(const uint8_t *z, uint64_t zlen, struct ram_image *img,
		      char *err, size_t errlen)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { z, zlen, 0 };
	ZSTD_outBuffer ob = { img->pages, img->nstored * RAM_PAGE, 0 };
	size_t rc = 1;

	if (!d)
		return bad(err, errlen, img->r, "out of memory");
	/* glass writes 512 KiB windows; a forged frame may not make the
	 * decoder allocate more than 8 MiB */
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 23);
	while (rc != 0) {
		size_t pos = ob.pos, in = ib.pos;
		rc = ZSTD_decompressStream(d, &ob, &ib);
		if (ZSTD_isError(rc))
			break;
		if (rc != 0 && ob.pos == pos && ib.pos == in)
			break;  /* no progress: input or output ran out */
	}
	ZSTD_freeDCtx(d);
	if (ZSTD_isError(rc) || rc != 0 || ib.pos != ib.size ||
	    ob.pos != ob.size)
		return bad(err, errlen, img->r, "corrupt (its pages do not "
			   "decompress to what the bitmap says)");
	return 0;
}

int ram_parse(const struct snap_section *s, const struct region *r,
	      struct ram_image *img, char *err, size_t errlen)
{
	struct snap_cursor c = snap_cursor(s);
	char name[128];

	memset(img, 0, sizeof(*img));
	img->r = (struct region *)r;
	if (!snap_get_str(&c, name, sizeof(name)) || strcmp(name, r->name))
		return bad(err, errlen, r, "missing from the snapshot");
	if (snap_get_u64(&c) != r->base || snap_get_u64(&c) != r->size ||
	    snap_get_u64(&c) != RAM_PAGE)
		return bad(err, errlen, r, "another place or size in the "
			   "snapshot");
	img->npages = r->size / RAM_PAGE;
	img->nstored = snap_get_u64(&c);
	img->bitmap = snap_get(&c, (img->npages + 7) / 8);
	uint64_t zlen = snap_get_u64(&c);
	const uint8_t *z = snap_get(&c, zlen);
	if (!snap_done(&c) || !img->bitmap || !z)
		return bad(err, errlen, r, "corrupt section");
	if (img->nstored > img->npages ||
	    popcount(img->bitmap, img->npages) != img->nstored ||
	    ((img->npages % 8) &&
	     (img->bitmap[img->npages / 8] >> (img->npages % 8))))
		return bad(err, errlen, r, "corrupt page bitmap");
	img->map_len = img->nstored ? img->nstored * RAM_PAGE : RAM_PAGE;
	void *p = mmap(NULL, img->map_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		img->map_len = 0;
		return bad(err, errlen, r, "out of memory");
	}
	img->pages = p;
	return decompress(z, zlen, img, err, errlen);
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
	const uint8_t *src = img->pages;
	uint8_t *host = img->r->host;

	for (uint64_t p = 0; p < img->npages;) {
		uint64_t q = p;
		bool stored = img->bitmap[p / 8] & (1u << (p % 8));
		while (q < img->npages &&
		       !!(img->bitmap[q / 8] & (1u << (q % 8))) == stored)
			q++;
		size_t len = (q - p) * RAM_PAGE;
		if (stored) {
			memcpy(host + p * RAM_PAGE, src, len);
			src += len;
		} else {
			zero_range(host + p * RAM_PAGE, len);
		}
		p = q;
	}
	as_code_written(as, img->r, 0, img->r->size);
}

void ram_image_free(struct ram_image *img)
{
	if (img->map_len)
		munmap(img->pages, img->map_len);
	memset(img, 0, sizeof(*img));
}
