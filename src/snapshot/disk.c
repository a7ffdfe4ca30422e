/* Disks in snapshots (disk.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/disk.h"
#include "snapshot/zframe.h"

#define RUN 64                       /* clusters per read or write */
#define CL ((uint64_t)BLOCKDEV_CLUSTER)

#define FLAG_READONLY 1
#define FLAG_OVERLAY 2

static int say(char *err, size_t n, const struct blockdev *b,
	       const char *what)
{
	snprintf(err, n, "disk %s (%s): %s", b->id, b->path, what);
	return -1;
}

/* ---- saving ---- */

/* The overlay's clusters, in order, as one frame. */
static int write_clusters(struct snap_writer *w,
			  const struct blockdev_overlay *ov)
{
	struct zframe_out o;
	uint8_t *buf = malloc(RUN * CL);
	int rc = buf ? zframe_out_open(&o, w) : -1;

	if (rc < 0) {
		free(buf);
		return -1;
	}
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
		     zframe_out_put(&o, buf, (e - c) * CL);
		c = e;
	}
	free(buf);
	return zframe_out_close(&o, rc);
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
	snap_section_put_str(w, b->id);
	snap_section_put_str(w, b->path);
	snap_section_put_u64(w, id.size);
	snap_section_put_u64(w, id.mtime_ns);
	snap_section_put_u64(w, id.sample);
	snap_section_write(w, &flags, 1);
	rc = 0;
	if (b->snapshot) {
		snap_section_put_u64(w, CL);
		snap_section_put_u64(w, ov->nclusters);
		snap_section_put_u64(w, ov->stored);
		snap_section_write(w, ov->map, (ov->nclusters + 7) / 8);
		rc = write_clusters(w, ov);
	}
	snap_section_end(w);
	if (rc < 0 && !w->err)
		return say(err, errlen, b, "cannot read its -snapshot overlay");
	return rc;
}

/* ---- restoring ---- */

/* The clusters of the frame into ov at the places the bitmap says. */
static int fill_overlay(struct blockdev_overlay *ov, const uint8_t *bm,
			const uint8_t *z, size_t zlen)
{
	struct zframe_in f;
	uint8_t *buf = malloc(RUN * CL);
	int rc = buf && zframe_in_open(&f, z, zlen) == 0 ? 0 : -2;

	if (rc < 0) {
		free(buf);
		return rc;
	}
	for (uint64_t c = 0; c < ov->nclusters && rc == 0;) {
		if (!unit_stored(bm, c)) {
			c++;
			continue;
		}
		uint64_t e = c;
		while (e < ov->nclusters && unit_stored(bm, e) && e - c < RUN)
			e++;
		if (!zframe_in_read(&f, buf, (e - c) * CL, NULL))
			rc = -1;
		else if (blockdev_overlay_write(ov, c, e - c, buf) < 0)
			rc = -2;
		c = e;
	}
	if (rc == 0 && !zframe_in_at_end(&f))
		rc = -1;
	zframe_in_close(&f);
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
	if (bm && !unit_bitmap_valid(bm, nclusters, stored))
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
