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
#include "snapshot/ram.h"
#include "snapshot/zframe.h"

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

static int compress_pages(const struct region *r, const uint8_t *bm,
			  struct snap_writer *w)
{
	uint64_t npages = r->size / RAM_PAGE;
	struct zframe_out o;
	int rc = zframe_out_open(&o, w);

	if (rc < 0)
		return -1;
	/* runs of stored pages go in one call each */
	for (uint64_t p = 0; p < npages && rc == 0;) {
		if (!unit_stored(bm, p)) {
			p++;
			continue;
		}
		uint64_t q = p;
		while (q < npages && unit_stored(bm, q) && q - p < 256)
			q++;
		rc = zframe_out_put(&o, r->host + p * RAM_PAGE,
				    (q - p) * RAM_PAGE);
		p = q;
	}
	return zframe_out_close(&o, rc);
}

int ram_write(struct snap_writer *w, const struct region *r,
	      struct snapshot_stats *st)
{
	uint64_t npages = r->size / RAM_PAGE, nstored;
	uint8_t *bm = scan(r, &nstored);

	if (!bm)
		return -1;
	snap_section_begin(w, SNAP_MEMR);
	snap_section_put_str(w, r->name);
	snap_section_put_u64(w, r->base);
	snap_section_put_u64(w, r->size);
	snap_section_put_u64(w, RAM_PAGE);
	snap_section_put_u64(w, nstored);
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

/* Decompress the whole frame, checking it holds exactly nstored pages;
 * the output goes nowhere. */
static bool check_frame(const struct ram_image *img)
{
	struct zframe_in f;
	uint8_t *scratch = malloc(SCRATCH);
	uint64_t left = img->nstored * RAM_PAGE;
	bool ok = scratch && zframe_in_open(&f, img->z, img->zlen) == 0;

	if (!ok) {
		free(scratch);
		return false;
	}
	while (ok && left) {
		size_t n = left < SCRATCH ? (size_t)left : SCRATCH;
		ok = zframe_in_read(&f, scratch, n, NULL);
		left -= n;
	}
	ok = ok && zframe_in_at_end(&f);
	zframe_in_close(&f);
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
	    !unit_bitmap_valid(img->bitmap, img->npages, img->nstored))
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
	struct zframe_in f;

	if (zframe_in_open(&f, img->z, img->zlen) < 0) {
		fprintf(stderr, "glass: out of memory restoring a snapshot\n");
		abort();
	}
	/* runs of stored pages are decompressed in place, runs of zero
	 * pages zeroed; the frame was checked (ram_parse), so this cannot
	 * fail (a short frame would leave zeros, never stale data) */
	for (uint64_t p = 0; p < img->npages;) {
		uint64_t q = p;
		bool st = unit_stored(img->bitmap, p);
		while (q < img->npages && unit_stored(img->bitmap, q) == st)
			q++;
		uint8_t *at = host + p * RAM_PAGE;
		size_t len = (q - p) * RAM_PAGE, got = 0;
		if (!st || !zframe_in_read(&f, at, len, &got))
			zero_range(at + got, len - got);
		p = q;
	}
	zframe_in_close(&f);
	as_code_written(as, img->r, 0, img->r->size);
}

void ram_image_free(struct ram_image *img)
{
	memset(img, 0, sizeof(*img));
}
