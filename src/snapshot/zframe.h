/* The shape MEMR (RAM, ROM) and DISK (a -snapshot overlay) sections share:
 * a bitmap of fixed-size units (4 KiB pages, 4 KiB clusters) saying which
 * are stored, and the stored units in order as one zstd frame at the end
 * of the section. The frame is streamed into the section as it is made
 * (zframe_out) and read back in pieces of any size (zframe_in), with a
 * bound on the window a forged frame may make the decoder allocate. */
#ifndef GLASS_SNAPSHOT_ZFRAME_H
#define GLASS_SNAPSHOT_ZFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "snapshot/format.h"

/* ---- the bitmap ---- */

static inline bool unit_stored(const uint8_t *bm, uint64_t i)
{
	return bm[i / 8] >> (i % 8) & 1;
}

/* n units' bitmap holds exactly nstored set bits and none past n. */
bool unit_bitmap_valid(const uint8_t *bm, uint64_t n, uint64_t nstored);

/* ---- writing a frame into the open section of w ---- */

struct zframe_out {
	ZSTD_CCtx *z;
	uint8_t *buf;            /* compressed output, written per chunk */
	struct snap_writer *w;
};

/* 0, or -1 out of memory. */
int zframe_out_open(struct zframe_out *o, struct snap_writer *w);
/* Compress len more bytes; 0, or -1 (compression or the writer failed). */
int zframe_out_put(struct zframe_out *o, const void *data, size_t len);
/* End the frame (unless rc says an earlier step failed) and free; returns
 * 0 only if every step succeeded. */
int zframe_out_close(struct zframe_out *o, int rc);

/* ---- reading a frame ---- */

struct zframe_in {
	ZSTD_DCtx *d;
	ZSTD_inBuffer in;
	size_t last;             /* ZSTD_decompressStream's last hint */
};

/* 0, or -1 out of memory. */
int zframe_in_open(struct zframe_in *f, const void *z, size_t zlen);
/* Decompress exactly len bytes into buf. False if the frame is corrupt,
 * ends early or the input runs out; *got (if not NULL) says how many
 * bytes came out. */
bool zframe_in_read(struct zframe_in *f, void *buf, size_t len, size_t *got);
/* The frame ended exactly here: nothing more comes out, no input left. */
bool zframe_in_at_end(struct zframe_in *f);
void zframe_in_close(struct zframe_in *f);

#endif
