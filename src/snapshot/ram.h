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

/* A region's contents, decoded from a snapshot and checked, waiting to be
 * copied in. */
struct ram_image {
	struct region *r;
	const uint8_t *bitmap;   /* in the file's buffer */
	uint64_t npages, nstored;
	uint8_t *pages;          /* nstored pages (an anonymous mapping) */
	size_t map_len;
};

/* Append region r's section payload to b (st counts pages). 0, or -1 if
 * compression failed. */
int ram_put(const struct region *r, struct snap_buf *b,
	    struct snapshot_stats *st);

/* Decode section s for region r into img (the name, base and size must be
 * r's; the frame must decompress to exactly the pages the bitmap says).
 * 0, or -1 with the reason in err. */
int ram_parse(const struct snap_section *s, const struct region *r,
	      struct ram_image *img, char *err, size_t errlen);

/* Copy the image into the region (zero pages are zeroed, cheaply). */
void ram_commit(struct address_space *as, const struct ram_image *img);

void ram_image_free(struct ram_image *img);

#endif
