/* virtio-blk (virtio 1.2, 5.2) on a raw image (backend/block.h).
 *
 * Requests are done inside the guest's notify: the data moves between
 * the image and guest RAM with preadv/pwritev straight into the mapped
 * descriptor buffers, no copy. The completion (status byte, used ring,
 * interrupt) is published at once, or, with latency-ns=N, from a timer N
 * ns later on the virtual clock, so that a disk's timing can be made
 * part of a deterministic run (issue 12) instead of the host's.
 *
 * Offered: SEG_MAX, BLK_SIZE (512), FLUSH (fdatasync), RO for a
 * read-only drive, DISCARD and WRITE_ZEROES (fallocate) unless turned
 * off or read-only, GET_ID (serial=). One request queue of 256. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend/block.h"
#include "core/iov.h"
#include "virtio/dev/backend.h"
#include "virtio/dev/classes.h"
#include "virtio/transport/transport.h"

#define BLK_F_SEG_MAX 2
#define BLK_F_RO 5
#define BLK_F_BLK_SIZE 6
#define BLK_F_FLUSH 9
#define BLK_F_DISCARD 13
#define BLK_F_WRITE_ZEROES 14

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_DISCARD 11
#define T_WRITE_ZEROES 13

#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2

#define QUEUE_SIZE 256
#define CONFIG_SIZE 60
#define SECTOR 512
#define MAX_DISCARD_SECTORS 0x3fffff
#define SERIAL_LEN 20

struct blk_state {
	struct virtio_state vs;
	uint8_t config[CONFIG_SIZE];
	/* completions waiting for the latency timer */
	uint16_t npending;
	struct { uint16_t head; uint32_t len; } pending[QUEUE_SIZE];
	uint64_t reads, writes, flushes, discards, zeroes, other, ioerrs;
};

struct blk {
	struct blk_state s;
	struct virtio_dev vd;
	struct blockdev *bk;
	struct glass_timer *done;
	uint64_t latency_ns;
	char serial[SERIAL_LEN + 1];
	struct iovec data[VIRTIO_CHAIN_MAX];
};

static struct blk *blk_of(struct virtio_dev *vd)
{
	return vd->self;
}

static bool range_ok(struct blk *b, uint64_t sector, uint64_t bytes)
{
	return bytes % SECTOR == 0 && sector <= b->bk->sectors &&
	       bytes / SECTOR <= b->bk->sectors - sector;
}

static uint8_t rw(struct blk *b, bool write, uint64_t sector)
{
	struct virtio_elem *e = b->vd.elem;
	uint64_t bytes = write ? e->out_len - 16 : e->in_len - 1;
	int n, rc;

	if (!range_ok(b, sector, bytes))
		return S_IOERR;
	if (write) {
		n = iov_slice(e->out, (int)e->nout, 16, bytes, b->data,
			      VIRTIO_CHAIN_MAX);
		rc = blockdev_pwritev(b->bk, b->data, n, sector * SECTOR);
		b->s.writes++;
	} else {
		n = iov_slice(e->in, (int)e->nin, 0, bytes, b->data,
			      VIRTIO_CHAIN_MAX);
		rc = blockdev_preadv(b->bk, b->data, n, sector * SECTOR);
		b->s.reads++;
	}
	return rc < 0 ? S_IOERR : S_OK;
}

/* DISCARD and WRITE_ZEROES: 16-byte segments of {sector, num, flags}. */
static uint8_t ranges(struct blk *b, uint32_t type)
{
	struct virtio_elem *e = b->vd.elem;
	uint64_t n = (e->out_len - 16) / 16;
	uint8_t seg[16];

	if ((type == T_DISCARD && !virtio_has(&b->vd, BLK_F_DISCARD)) ||
	    (type == T_WRITE_ZEROES &&
	     !virtio_has(&b->vd, BLK_F_WRITE_ZEROES)))
		return S_UNSUPP;
	if (!n || (e->out_len - 16) % 16 || n > 1)
		return S_UNSUPP; /* max_*_seg is 1 */
	iov_to_buf(e->out, e->nout, 16, seg, 16);
	uint64_t sector = 0;
	uint32_t num = 0, flags = 0;
	for (int i = 7; i >= 0; i--)
		sector = sector << 8 | seg[i];
	for (int i = 3; i >= 0; i--) {
		num = num << 8 | seg[8 + i];
		flags = flags << 8 | seg[12 + i];
	}
	if (num > MAX_DISCARD_SECTORS ||
	    !range_ok(b, sector, (uint64_t)num * SECTOR) ||
	    (type == T_DISCARD && flags) || (flags & ~1u))
		return S_IOERR;
	int rc;
	if (type == T_DISCARD) {
		rc = blockdev_discard(b->bk, sector * SECTOR,
				      (uint64_t)num * SECTOR);
		b->s.discards++;
	} else {
		rc = blockdev_write_zeroes(b->bk, sector * SECTOR,
					   (uint64_t)num * SECTOR, flags & 1);
		b->s.zeroes++;
	}
	virtio_trace_request(&b->vd, 0, "blk %s sector=%llu count=%u%s",
			     type == T_DISCARD ? "discard" : "write-zeroes",
			     (unsigned long long)sector, num,
			     rc < 0 ? " ioerr" : " ok");
	return rc < 0 ? S_IOERR : S_OK;
}

static const char *type_name(uint32_t t)
{
	switch (t) {
	case T_IN: return "read";
	case T_OUT: return "write";
	case T_FLUSH: return "flush";
	case T_GET_ID: return "get-id";
	case T_DISCARD: return "discard";
	case T_WRITE_ZEROES: return "write-zeroes";
	}
	return "unknown";
}

static const char *status_name(uint8_t st)
{
	return st == S_OK ? "ok" : st == S_IOERR ? "ioerr" : "unsupp";
}

static void complete(struct blk *b, uint16_t head, uint32_t len)
{
	if (!b->latency_ns) {
		virtio_push(&b->vd, 0, head, len);
		return;
	}
	if (b->s.npending < QUEUE_SIZE) {
		b->s.pending[b->s.npending].head = head;
		b->s.pending[b->s.npending++].len = len;
	}
	if (!glass_timer_armed(b->done))
		glass_timer_arm(b->done, glass_clock_ns(b->vd.dev) +
				b->latency_ns);
}

/* One request in vd.elem. */
static void request(struct blk *b)
{
	struct virtio_elem *e = b->vd.elem;
	uint8_t hdr[16], status = S_OK;
	uint32_t written = 0;

	if (e->out_len < 16 || e->in_len < 1) {
		virtio_error(&b->vd, "queue 0: request without a header or a "
			     "status byte");
		return;
	}
	iov_to_buf(e->out, e->nout, 0, hdr, 16);
	uint32_t type = hdr[0] | hdr[1] << 8 | hdr[2] << 16 |
			(uint32_t)hdr[3] << 24;
	uint64_t sector = 0;
	for (int i = 15; i >= 8; i--)
		sector = sector << 8 | hdr[i];
	uint64_t data_in = e->in_len - 1;

	switch (type) {
	case T_IN:
	case T_OUT:
		status = rw(b, type == T_OUT, sector);
		if (type == T_IN && status == S_OK)
			written = (uint32_t)data_in;
		virtio_trace_request(&b->vd, 0, "blk %s sector=%llu len=%llu "
				     "%s", type_name(type),
				     (unsigned long long)sector,
				     (unsigned long long)(type == T_IN ?
				     data_in : e->out_len - 16),
				     status_name(status));
		break;
	case T_FLUSH:
		status = blockdev_flush(b->bk) < 0 ? S_IOERR : S_OK;
		b->s.flushes++;
		virtio_trace_request(&b->vd, 0, "blk flush %s",
				     status_name(status));
		break;
	case T_GET_ID: {
		size_t n = strlen(b->serial);
		if (n > data_in)
			n = data_in;
		uint8_t id[SERIAL_LEN] = { 0 };
		memcpy(id, b->serial, n);
		written = (uint32_t)iov_from_buf(e->in, e->nin, 0, id,
						      data_in < SERIAL_LEN ?
						      data_in : SERIAL_LEN);
		b->s.other++;
		virtio_trace_request(&b->vd, 0, "blk get-id \"%s\" ok",
				     b->serial);
		break;
	}
	case T_DISCARD:
	case T_WRITE_ZEROES:
		status = ranges(b, type);
		break;
	default:
		status = S_UNSUPP;
		b->s.other++;
		virtio_trace_request(&b->vd, 0, "blk type=%u unsupp", type);
	}
	if (status == S_IOERR)
		b->s.ioerrs++;
	iov_from_buf(e->in, e->nin, data_in, &status, 1);
	complete(b, e->head, written + 1);
}

static void blk_notify(struct virtio_dev *vd, unsigned q)
{
	struct blk *b = blk_of(vd);

	while (virtio_pop(vd, q) > 0)
		request(b);
	if (!b->latency_ns)
		virtio_flush(vd, q);
}

static void blk_done(void *opaque)
{
	struct blk *b = opaque;

	for (unsigned i = 0; i < b->s.npending; i++)
		virtio_push(&b->vd, 0, b->s.pending[i].head,
			    b->s.pending[i].len);
	b->s.npending = 0;
	virtio_flush(&b->vd, 0);
}

static void blk_reset(struct virtio_dev *vd)
{
	struct blk *b = blk_of(vd);

	b->s.npending = 0;
	glass_timer_cancel(b->done);
}

static int blk_realize(struct virtio_dev *vd)
{
	struct blk *b = blk_of(vd);
	struct glass_device *dev = vd->dev;
	const char *serial = NULL;
	bool discard = true, zeroes = true;
	uint8_t *c = vd->config;

	b->bk = virtio_backend(dev, "drive", "drive", "-drive");
	if (!b->bk)
		return -1;
	if (b->bk->attached) {
		glass_error(dev, "drive=%s is already used by another device",
			    b->bk->id);
		return -1;
	}
	b->bk->attached = true;
	glass_prop_string(dev, "serial", &serial);
	snprintf(b->serial, sizeof(b->serial), "%s", serial ? serial : "");
	glass_prop_bool(dev, "discard", &discard);
	glass_prop_bool(dev, "write-zeroes", &zeroes);
	glass_prop_uint(dev, "latency-ns", &b->latency_ns);
	b->done = glass_timer_new(dev, blk_done, b);
	if (!b->done)
		return -1;
	uint64_t f = 1ull << BLK_F_SEG_MAX | 1ull << BLK_F_BLK_SIZE |
		     1ull << BLK_F_FLUSH;
	if (b->bk->readonly)
		f |= 1ull << BLK_F_RO;
	if (discard && !b->bk->readonly)
		f |= 1ull << BLK_F_DISCARD;
	if (zeroes && !b->bk->readonly)
		f |= 1ull << BLK_F_WRITE_ZEROES;
	vd->s->device_features |= f;
	/* struct virtio_blk_config: capacity, seg_max, blk_size, then
	 * max_discard_sectors, max_discard_seg, discard_sector_alignment,
	 * max_write_zeroes_sectors, max_write_zeroes_seg and
	 * write_zeroes_may_unmap */
	virtio_put_le64(c + 0, b->bk->sectors);
	virtio_put_le32(c + 12, QUEUE_SIZE - 2);
	virtio_put_le32(c + 20, SECTOR);
	virtio_put_le32(c + 36, MAX_DISCARD_SECTORS);
	virtio_put_le32(c + 40, 1);
	virtio_put_le32(c + 44, 1);
	virtio_put_le32(c + 48, MAX_DISCARD_SECTORS);
	virtio_put_le32(c + 52, 1);
	c[56] = 1;
	return 0;
}

/* A restored state: completions waiting for the latency timer must be
 * chains of the queue, and the guest's idea of the capacity this disk's
 * (the snapshot's disk identity is checked by the machine, this is the
 * device's view of it). */
static int blk_post_load(struct virtio_dev *vd)
{
	struct blk *b = blk_of(vd);

	if (b->s.npending > QUEUE_SIZE) {
		glass_error(vd->dev, "saved pending completions out of range");
		return -1;
	}
	for (unsigned i = 0; i < b->s.npending; i++) {
		if (b->s.pending[i].head >= QUEUE_SIZE) {
			glass_error(vd->dev, "saved pending completion out of "
				    "range");
			return -1;
		}
	}
	uint64_t cap = 0;
	for (int i = 7; i >= 0; i--)
		cap = cap << 8 | vd->config[i];
	if (cap != b->bk->sectors) {
		glass_error(vd->dev, "the snapshot's disk has %llu sectors, "
			    "drive=%s %llu", (unsigned long long)cap,
			    b->bk->id, (unsigned long long)b->bk->sectors);
		return -1;
	}
	return 0;
}

static void blk_unrealize(struct virtio_dev *vd)
{
	struct blk *b = blk_of(vd);

	if (b->bk)
		b->bk->attached = false;
}

static void blk_info(struct virtio_dev *vd, char *buf, size_t len)
{
	struct blk *b = blk_of(vd);

	snprintf(buf, len, "drive %s (%s%s), %llu sectors; reads %llu writes "
		 "%llu flushes %llu discards %llu ioerrs %llu",
		 b->bk ? b->bk->id : "-", b->bk ? b->bk->path : "-",
		 b->bk && b->bk->readonly ? ", read-only" : "",
		 (unsigned long long)(b->bk ? b->bk->sectors : 0),
		 (unsigned long long)b->s.reads,
		 (unsigned long long)b->s.writes,
		 (unsigned long long)b->s.flushes,
		 (unsigned long long)b->s.discards,
		 (unsigned long long)b->s.ioerrs);
}

static const struct glass_prop blk_props[] = {
	{ "drive", GLASS_PROP_STRING, NULL,
	  "the -drive (its id=) holding the image" },
	{ "serial", GLASS_PROP_STRING, "", "serial number (up to 20 bytes, "
	  "/sys/block/vdX/serial)" },
	{ "discard", GLASS_PROP_BOOL, "on", "offer DISCARD (fallocate)" },
	{ "write-zeroes", GLASS_PROP_BOOL, "on", "offer WRITE_ZEROES" },
	{ "latency-ns", GLASS_PROP_UINT, "0", "complete requests this many "
	  "virtual ns after the notify (0: inside it)" },
	{ NULL, 0, NULL, NULL },
};

const struct virtio_device_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.device_id = 2,
	.pci_class = 0x010000,
	.nqueues = 1,
	.queue_max = QUEUE_SIZE,
	.config_size = CONFIG_SIZE,
	.vd_offset = offsetof(struct blk, vd),
	.realize = blk_realize,
	.unrealize = blk_unrealize,
	.reset = blk_reset,
	.notify = blk_notify,
	.info = blk_info,
	.post_load = blk_post_load,
};

VIRTIO_CLASSES(virtio_blk, "virtio-blk", "virtio block device on a raw "
	       "image", 2, 0x010000, struct blk, struct blk_state, config,
	       blk_props, virtio_blk_ops, 1);
