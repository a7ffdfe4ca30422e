/* A bitmap of units and a zstd frame of the stored ones (zframe.h). */
#include <stdlib.h>

#include "snapshot/zframe.h"

#define ZSTD_LEVEL 1            /* fast: a save must not outlast QEMU's */
#define OUT_CHUNK (256u << 10)  /* compressed output per write */
#define WINDOW_LOG_MAX 23       /* glass writes 512 KiB windows; a forged
				 * frame may not make the decoder allocate
				 * more than 8 MiB */

bool unit_bitmap_valid(const uint8_t *bm, uint64_t n, uint64_t nstored)
{
	uint64_t k = 0;

	for (uint64_t i = 0; i < (n + 7) / 8; i++)
		k += (uint64_t)__builtin_popcount(bm[i]);
	return k == nstored && !((n % 8) && (bm[n / 8] >> (n % 8)));
}

int zframe_out_open(struct zframe_out *o, struct snap_writer *w)
{
	o->w = w;
	o->z = ZSTD_createCCtx();
	o->buf = malloc(OUT_CHUNK);
	if (!o->z || !o->buf) {
		zframe_out_close(o, -1);
		return -1;
	}
	ZSTD_CCtx_setParameter(o->z, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	return 0;
}

/* Feed [data, data + len) to the stream (or finish it), writing what
 * comes out to the section. */
static int feed(struct zframe_out *o, const void *data, size_t len,
		ZSTD_EndDirective mode)
{
	ZSTD_inBuffer ib = { data, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer ob = { o->buf, OUT_CHUNK, 0 };
		left = ZSTD_compressStream2(o->z, &ob, &ib, mode);
		if (ZSTD_isError(left))
			return -1;
		snap_section_write(o->w, o->buf, ob.pos);
	} while (!o->w->err &&
		 (mode == ZSTD_e_end ? left != 0 : ib.pos < ib.size));
	return o->w->err ? -1 : 0;
}

int zframe_out_put(struct zframe_out *o, const void *data, size_t len)
{
	return feed(o, data, len, ZSTD_e_continue);
}

int zframe_out_close(struct zframe_out *o, int rc)
{
	if (rc == 0 && o->z)
		rc = feed(o, NULL, 0, ZSTD_e_end);
	ZSTD_freeCCtx(o->z);
	free(o->buf);
	o->z = NULL;
	o->buf = NULL;
	return rc;
}

int zframe_in_open(struct zframe_in *f, const void *z, size_t zlen)
{
	f->in = (ZSTD_inBuffer){ z, zlen, 0 };
	f->last = 1;
	f->d = ZSTD_createDCtx();
	if (!f->d)
		return -1;
	ZSTD_DCtx_setParameter(f->d, ZSTD_d_windowLogMax, WINDOW_LOG_MAX);
	return 0;
}

bool zframe_in_read(struct zframe_in *f, void *buf, size_t len, size_t *got)
{
	ZSTD_outBuffer ob = { buf, len, 0 };
	bool ok = true;

	while (ok && ob.pos < ob.size) {
		size_t pos = ob.pos, in = f->in.pos;
		f->last = ZSTD_decompressStream(f->d, &ob, &f->in);
		/* an error, the frame's end before len, or no progress
		 * (the input ran out) */
		ok = !ZSTD_isError(f->last) &&
		     !(f->last == 0 && ob.pos < ob.size) &&
		     !(ob.pos == pos && f->in.pos == in);
	}
	if (got)
		*got = ob.pos;
	return ok;
}

bool zframe_in_at_end(struct zframe_in *f)
{
	uint8_t extra;
	ZSTD_outBuffer ob = { &extra, 1, 0 };
	size_t last = f->last;

	if (last != 0)
		last = ZSTD_decompressStream(f->d, &ob, &f->in);
	return last == 0 && ob.pos == 0 && f->in.pos == f->in.size;
}

void zframe_in_close(struct zframe_in *f)
{
	ZSTD_freeDCtx(f->d);
	f->d = NULL;
}
