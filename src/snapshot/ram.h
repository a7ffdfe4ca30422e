/* Guest RAM and ROM in a snapshot: a bitmap of the 4 KiB pages that are
 * not all zero, and those pages, in order, as one zstd frame. */
#ifndef GLASS_SNAPSHOT_RAM_H
#define GLASS_SNAPSHOT_RAM_H

#include <stddef.h>
#include <stdint.h>

#include "mem/address_space.h"
#include "snapshot/format.h"
#include "snapshot/snapshot.h"

#define RAM_PAGE 4096ull

/* A region's contents in a snapshot, checked, waiting to be copied in
 * (pointers into the file's buffer). */
struct ram_image {
	struct region *r;
	const uint8_t *bitmap;
	uint64_t npages, nstored;
	const uint8_t *z;        /* the zstd frame */
	uint64_t zlen;
};

/* Write region r as a MEMR section (st counts pages). 0, or -1 if
 * compression or the writer failed. */
int ram_write(struct snap_writer *w, const struct region *r,
	      struct snapshot_stats *st);

/* Check section s for region r into img: the name, base and size must be
 * r's, and the frame must decompress to exactly the pages the bitmap
 * says (decompressed once, into a scratch buffer). 0, or -1 with the
 * reason in err. */
int ram_parse(const struct snap_section *s, const struct region *r,
	      struct ram_image *img, char *err, size_t errlen);

/* Decompress the image into the region; zero pages are zeroed, cheaply. */
void ram_commit(struct address_space *as, const struct ram_image *img);

void ram_image_free(struct ram_image *img);

#endif
