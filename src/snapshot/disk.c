/* Disks in snapshots (disk.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "snapshot/disk.h"

#define ZSTD_LEVEL 1
#define RUN 64                       /* clusters per read or write */
#define CL ((uint64_t)BLOCKDEV_CLUSTER)
#define OUT_CHUNK (256u << 10)

#define FLAG_READONLY 1
#define FLAG_OVERLAY 2

static int say(char *err, size_t n, const struct blockdev *b,
	       const char *what)
{
	snprintf(err, n, "disk %s (%s): %s", b->id, b->path, what);
	return -1;
}

/* ---- saving ---- */

static int compress(ZSTD_CCtx *z, struct snap_writer *w, uint8_t *out,
		    const void *in, size_t len, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer ob = { out, OUT_CHUNK, 0 };
		left = ZSTD_compressStream2(z, &ob, &ib, mode);
		if (ZSTD_isError(left))
			return -1;
		snap_section_write(w, out, ob.pos);
	} while (!w->err &&
		 (mode == ZSTD_e_end ? left != 0 : ib.pos < ib.size));
	return w->err ? -1 : 0;
}

/* The overlay's clusters, in order, as one frame. */
static int write_clusters(struct snap_writer *w,
			  const struct blockdev_overlay *ov)
{
	ZSTD_CCtx *z = ZSTD_createCCtx();
	uint8_t *out = malloc(OUT_CHUNK), *buf = malloc(RUN * CL);
	int rc = z && out && buf ? 0 : -1;

	if (z)
		ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	for (uint64_t c = 0; c < ov->nclusters && rc == 0;) {
		if (!blockdev_overlay_has(ov, c)) {
			c++;
			continue;
		}
		uint64_t e = c;
		while (e < ov->nclusters && blockdev_overlay_has(ov, e) &&
		       e - c < RUN)
			e++;
		rc = blockdev_overlay_read(ov, c, e - c, buf) < 0 ? -1 :
		     compress(z, w, out, buf, (e - c) * CL, ZSTD_e_continue);
		c = e;
	}
	if (rc == 0)
		rc = compress(z, w, out, NULL, 0, ZSTD_e_end);
	ZSTD_freeCCtx(z);
	free(out);
	free(buf);
	return rc;
}

static void put_u64(struct snap_writer *w, uint64_t v)
{
	snap_section_write(w, &v, 8);
}

static void put_str(struct snap_writer *w, const char *s)
{
	uint32_t n = (uint32_t)strlen(s);

	snap_section_write(w, &n, 4);
	snap_section_write(w, s, n);
}

int disk_write(struct snap_writer *w, const struct blockdev *b, unsigned i,
	       char *err, size_t errlen)
{
	struct blockdev_identity id;
	const struct blockdev_overlay *ov = &b->ov;
	uint8_t flags = (b->readonly ? FLAG_READONLY : 0) |
			(b->snapshot ? FLAG_OVERLAY : 0);
	uint32_t idx = i;
	int rc = blockdev_identity(b, &id);

	if (rc < 0) {
		char why[128];
		snprintf(why, sizeof(why), "cannot read the image: %s",
			 strerror(-rc));
		return say(err, errlen, b, why);
	}
	snap_section_begin(w, SNAP_DISK);
	snap_section_write(w, &idx, 4);
	put_str(w, b->id);
	put_str(w, b->path);
	put_u64(w, id.size);
	put_u64(w, id.mtime_ns);
	put_u64(w, id.sample);
	snap_section_write(w, &flags, 1);
	rc = 0;
	if (b->snapshot) {
		put_u64(w, CL);
		put_u64(w, ov->nclusters);
		put_u64(w, ov->stored);
		snap_section_write(w, ov->map, (ov->nclusters + 7) / 8);
		rc = write_clusters(w, ov);
	}
	snap_section_end(w);
	if (rc < 0 && !w->err)
		return say(err, errlen, b, "cannot read its -snapshot overlay");
	return rc;
}

/* ---- restoring ---- */

static uint64_t popcount(const uint8_t *bm, uint64_t n)
{
	uint64_t k = 0;

	for (uint64_t i = 0; i < (n + 7) / 8; i++)
		k += (uint64_t)__builtin_popcount(bm[i]);
	return k;
}

static bool has(const uint8_t *bm, uint64_t c)
{
	return bm[c / 8] >> (c % 8) & 1;
}

/* Decompress exactly n clusters into buf; false when the frame is
 * short or corrupt. */
static bool inflate(ZSTD_DCtx *d, ZSTD_inBuffer *ib, uint8_t *buf,
		    size_t len, size_t *last)
{
	ZSTD_outBuffer ob = { buf, len, 0 };

	while (ob.pos < ob.size) {
		size_t pos = ob.pos, in = ib->pos;
		*last = ZSTD_decompressStream(d, &ob, ib);
		if (ZSTD_isError(*last) || (*last == 0 && ob.pos < ob.size) ||
		    (ob.pos == pos && ib->pos == in))
			return false;
	}
	return true;
}

static bool frame_ends(ZSTD_DCtx *d, ZSTD_inBuffer *ib, size_t last)
{
	uint8_t extra;
	ZSTD_outBuffer ob = { &extra, 1, 0 };

	if (last != 0)
		last = ZSTD_decompressStream(d, &ob, ib);
	return last == 0 && ob.pos == 0 && ib->pos == ib->size;
}

/* The clusters of the frame into ov at the places the bitmap says. */
static int fill_overlay(struct blockdev_overlay *ov, const uint8_t *bm,
			const uint8_t *z, size_t zlen)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	uint8_t *buf = malloc(RUN * CL);
	ZSTD_inBuffer ib = { z, zlen, 0 };
	size_t last = 1;
	int rc = d && buf ? 0 : -1;

	if (d) /* glass writes small windows; a forged frame may not make
		* the decoder allocate more than 8 MiB */
		ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 23);
	for (uint64_t c = 0; c < ov->nclusters && rc == 0;) {
		if (!has(bm, c)) {
			c++;
			continue;
		}
		uint64_t e = c;
		while (e < ov->nclusters && has(bm, e) && e - c < RUN)
			e++;
		if (!inflate(d, &ib, buf, (e - c) * CL, &last))
			rc = -1;
		else if (blockdev_overlay_write(ov, c, e - c, buf) < 0)
			rc = -2;
		c = e;
	}
	if (rc == 0 && !frame_ends(d, &ib, last))
		rc = -1;
	ZSTD_freeDCtx(d);
	free(buf);
	return rc;
}

static int identity_check(const struct blockdev *b,
			  const struct blockdev_identity *was, char *err,
			  size_t errlen)
{
	struct blockdev_identity now;
	int rc = blockdev_identity(b, &now);
	char why[160];

	if (rc < 0) {
		snprintf(why, sizeof(why), "cannot read the image: %s",
			 strerror(-rc));
		return say(err, errlen, b, why);
	}
	const char *what = now.size != was->size ? "its size" :
			   now.mtime_ns != was->mtime_ns ?
			   "its modification time" :
			   now.sample != was->sample ? "its content" : NULL;
	if (!what)
		return 0;
	snprintf(why, sizeof(why), "the image is not the one the snapshot "
		 "was taken with, or has changed since (%s differs)", what);
	return say(err, errlen, b, why);
}

int disk_parse(const struct snap_section *s, unsigned i, struct blockdev *b,
	       struct disk_image *img, char *err, size_t errlen)
{
	struct snap_cursor c = snap_cursor(s);
	struct blockdev_identity was;
	char id[BLOCKDEV_ID_LEN + 1], path[4097];

	memset(img, 0, sizeof(*img));
	img->ov.fd = -1;
	img->b = b;
	if (snap_get_u32(&c) != i || !snap_get_str(&c, id, sizeof(id)) ||
	    !snap_get_str(&c, path, sizeof(path)))
		return say(err, errlen, b, "corrupt section");
	if (strcmp(id, b->id)) {
		snprintf(err, errlen, "the snapshot's disk %u is -drive id=%s "
			 "(%s), this machine's id=%s (%s)", i, id, path, b->id,
			 b->path);
		return -1;
	}
	was.size = snap_get_u64(&c);
	was.mtime_ns = snap_get_u64(&c);
	was.sample = snap_get_u64(&c);
	uint8_t flags = snap_get_u8(&c);
	uint64_t nclusters = 0, stored = 0;
	const uint8_t *bm = NULL, *z = NULL;
	size_t zlen = 0;
	if (flags & FLAG_OVERLAY) {
		if (snap_get_u64(&c) != CL)
			return say(err, errlen, b, "corrupt section (cluster "
				   "size)");
		nclusters = snap_get_u64(&c);
		stored = snap_get_u64(&c);
		if (nclusters != (was.size + CL - 1) / CL && !c.bad)
			return say(err, errlen, b, "corrupt section (cluster "
				   "count)");
		bm = snap_get(&c, (nclusters + 7) / 8);
		zlen = (size_t)c.left;
		z = snap_get(&c, zlen);
	}
	if (c.bad || (flags & ~(FLAG_READONLY | FLAG_OVERLAY)) ||
	    (!(flags & FLAG_OVERLAY) && c.left))
		return say(err, errlen, b, "corrupt section");
	if (bm && (popcount(bm, nclusters) != stored ||
		   ((nclusters % 8) && bm[nclusters / 8] >> (nclusters % 8))))
		return say(err, errlen, b, "corrupt section (cluster bitmap)");
	if (identity_check(b, &was, err, errlen) < 0)
		return -1;
	if (stored && !b->snapshot) {
		char why[200];
		snprintf(why, sizeof(why), "the snapshot holds %llu KiB of "
			 "changes made to it under -snapshot: restore it with "
			 "-snapshot (or -drive ...,snapshot=on)",
			 (unsigned long long)(stored * CL >> 10));
		return say(err, errlen, b, why);
	}
	if (!b->snapshot)
		return 0;
	/* the overlay as the snapshot has it (empty if it has none) */
	int rc = blockdev_overlay_new(b, &img->ov);
	if (rc < 0) {
		char why[160];
		snprintf(why, sizeof(why), "cannot create a -snapshot "
			 "overlay: %s", strerror(-rc));
		return say(err, errlen, b, why);
	}
	if (img->ov.nclusters != nclusters && stored) {
		blockdev_overlay_free(&img->ov);
		return say(err, errlen, b, "corrupt section (cluster count)");
	}
	if (stored && (rc = fill_overlay(&img->ov, bm, z, zlen)) < 0) {
		blockdev_overlay_free(&img->ov);
		return say(err, errlen, b, rc == -1 ? "corrupt (its clusters "
			   "do not decompress to what the bitmap says)" :
			   "cannot write the -snapshot overlay");
	}
	img->install = true;
	return 0;
}

void disk_commit(struct disk_image *img)
{
	if (img->install)
		blockdev_overlay_install(img->b, &img->ov);
	img->install = false;
}

void disk_image_free(struct disk_image *img)
{
	blockdev_overlay_free(&img->ov);
}
