/* Split virtqueues (virtio 1.2, 2.7): reading chains from the available
 * ring, indirect tables, the used ring, and interrupt suppression with
 * and without VIRTIO_RING_F_EVENT_IDX.
 *
 * Every guest address is a bus address, reached with glass_dma_map():
 * through the host bridge's inbound window and the Bus Master gate on
 * PCI, as a physical address on virtio-mmio. Anything malformed (an
 * index out of range, a loop, a buffer outside RAM, an indirect table
 * inside an indirect table, a readable buffer after a writable one)
 * puts the device in DEVICE_NEEDS_RESET; nothing the guest writes can
 * make glass loop or touch memory outside guest RAM. */
#include <string.h>

#include "virtio/core/internal.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool usable(struct virtio_dev *vd, unsigned q)
{
	const struct virtq_state *vq = virtio_queue(vd, q);

	return vq && vq->ready &&
	       (vd->s->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(vd->s->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* The rings are read and written field by field, each a small DMA
 * transfer (so the dma trace shows exactly what the device touched):
 *
 *   available ring at `driver`: flags, idx, ring[size], used_event
 *   used ring at `device`: flags, idx, ring[size] of {id, len},
 *                          avail_event
 *
 * A field the bridge refuses reads as 0xffff..., which the checks below
 * turn into a guest error. */
static uint16_t rd16(struct virtio_dev *vd, uint64_t addr, bool *ok)
{
	uint8_t b[2];

	if (glass_dma_read(vd->dev, addr, b, 2) < 0) {
		*ok = false;
		return 0xffff;
	}
	return le16(b);
}

static bool wr(struct virtio_dev *vd, uint64_t addr, const void *p,
	       size_t len)
{
	return glass_dma_write(vd->dev, addr, p, len) == 0;
}

#define AVAIL_IDX(vq) ((vq)->driver + 2)
#define AVAIL_RING(vq, i) ((vq)->driver + 4 + 2ull * ((i) % (vq)->size))
#define USED_EVENT(vq) ((vq)->driver + 4 + 2ull * (vq)->size)
#define USED_IDX(vq) ((vq)->device + 2)
#define USED_RING(vq, i) ((vq)->device + 4 + 8ull * ((i) % (vq)->size))
#define AVAIL_EVENT(vq) ((vq)->device + 4 + 8ull * (vq)->size)

bool virtio_queue_has_work(struct virtio_dev *vd, unsigned q)
{
	const struct virtq_state *vq = virtio_queue(vd, q);
	bool ok = true;

	if (!vq || !vq->ready || !vq->size)
		return false;
	uint16_t idx = rd16(vd, AVAIL_IDX(vq), &ok);
	return ok && idx != vq->last_avail;
}

/* With EVENT_IDX, tell the driver which avail index to notify at. */
static void set_avail_event(struct virtio_dev *vd, struct virtq_state *vq)
{
	uint8_t b[2];

	if (!virtio_has(vd, VIRTIO_F_RING_EVENT_IDX))
		return;
	virtio_put_le16(b, vq->last_avail);
	wr(vd, AVAIL_EVENT(vq), b, 2);
}

static void record_seg(struct virtio_dev *vd, uint64_t addr, uint32_t len,
		       uint16_t flags)
{
	if (vd->nsegs <= VIRTIO_CHAIN_MAX)
		vd->segs[vd->nsegs++] = (struct ev_virtio_seg){ addr, len,
								flags };
}

/* Add one buffer to the element. 0, or -1 after virtio_error(). */
static int add_buffer(struct virtio_dev *vd, unsigned q, uint64_t addr,
		      uint32_t len, uint16_t flags)
{
	struct virtio_elem *e = vd->elem;
	bool write = flags & VRING_DESC_F_WRITE;
	void *host = NULL;

	record_seg(vd, addr, len, flags);
	if (e->nout + e->nin >= VIRTIO_CHAIN_MAX) {
		virtio_error(vd, "queue %u: chain longer than %u buffers", q,
			     VIRTIO_CHAIN_MAX);
		return -1;
	}
	if (!write && e->nin) {
		virtio_error(vd, "queue %u: a device-readable buffer after a "
			     "device-writable one", q);
		return -1;
	}
	if (len) {
		host = glass_dma_map(vd->dev, addr, len, write);
		if (!host) {
			virtio_error(vd, "queue %u: buffer 0x%llx+%u is not "
				     "guest RAM", q, (unsigned long long)addr,
				     len);
			return -1;
		}
	}
	if (write) {
		e->in[e->nin++] = (struct iovec){ host, len };
		e->in_len += len;
	} else {
		e->out[e->nout++] = (struct iovec){ host, len };
		e->out_len += len;
	}
	return 0;
}

/* Walk the chain at `head`. 0, or -1 after virtio_error(). */
static int walk_chain(struct virtio_dev *vd, unsigned q,
		      const struct virtq_state *vq, uint16_t head)
{
	uint64_t table = vq->desc;
	unsigned tsize = vq->size, i = head, steps = 0;
	bool indirect = false;

	for (;;) {
		uint8_t d[16];

		if (i >= tsize) {
			virtio_error(vd, "queue %u: descriptor %u out of range "
				     "(%u)", q, i, tsize);
			return -1;
		}
		/* a chain visits each descriptor of a table at most once */
		if (++steps > tsize) {
			virtio_error(vd, "queue %u: descriptor loop", q);
			return -1;
		}
		if (glass_dma_read(vd->dev, table + 16ull * i, d, 16) < 0) {
			virtio_error(vd, "queue %u: descriptor table 0x%llx is "
				     "not guest RAM", q,
				     (unsigned long long)table);
			return -1;
		}
		uint64_t addr = le64(d);
		uint32_t len = le32(d + 8);
		uint16_t flags = le16(d + 12), next = le16(d + 14);

		if (flags & VRING_DESC_F_INDIRECT) {
			record_seg(vd, addr, len, flags);
			if (!virtio_has(vd, VIRTIO_F_RING_INDIRECT_DESC) ||
			    indirect || (flags & VRING_DESC_F_NEXT) ||
			    !len || len % 16 || len / 16 > VIRTIO_CHAIN_MAX) {
				virtio_error(vd, "queue %u: bad indirect "
					     "descriptor (flags 0x%x len %u%s)",
					     q, flags, len, indirect ?
					     ", inside an indirect table" : "");
				return -1;
			}
			indirect = true;
			table = addr;
			tsize = len / 16;
			i = 0;
			steps = 0;
			continue;
		}
		if (add_buffer(vd, q, addr, len, flags) < 0)
			return -1;
		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
		i = next;
	}
}

int virtio_pop(struct virtio_dev *vd, unsigned q)
{
	struct virtq_state *vq;
	struct virtio_elem *e = vd->elem;
	bool ok = true;

	if (!usable(vd, q))
		return 0;
	vq = &vd->s->vq[q];
	uint16_t idx = rd16(vd, AVAIL_IDX(vq), &ok);
	if (!ok) {
		virtio_error(vd, "queue %u: available ring 0x%llx is not guest "
			     "RAM", q, (unsigned long long)vq->driver);
		return -1;
	}
	if ((uint16_t)(idx - vq->last_avail) > vq->size) {
		virtio_error(vd, "queue %u: available index %u ran %u ahead "
			     "of the device", q, idx,
			     (uint16_t)(idx - vq->last_avail));
		return -1;
	}
	if (idx == vq->last_avail) {
		set_avail_event(vd, vq);
		return 0;
	}
	uint16_t head = rd16(vd, AVAIL_RING(vq, vq->last_avail), &ok);
	e->head = head;
	e->nout = e->nin = 0;
	e->out_len = e->in_len = 0;
	vd->nsegs = 0;
	int rc = walk_chain(vd, q, vq, head);
	if (virtio_tracing(vd))
		virtio_trace_chain(vd, q, head);
	if (rc < 0)
		return -1;
	vq->last_avail++;
	vq->chains++;
	vq->bytes += e->out_len;
	set_avail_event(vd, vq);
	return 1;
}

void virtio_push(struct virtio_dev *vd, unsigned q, uint16_t head,
		 uint32_t written)
{
	struct virtq_state *vq = virtio_queue(vd, q);
	uint8_t elem[8], idx[2];

	if (!vq || !vq->ready || (vd->s->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	virtio_put_le32(elem, head);
	virtio_put_le32(elem + 4, written);
	virtio_put_le16(idx, (uint16_t)(vq->used_idx + 1));
	if (!wr(vd, USED_RING(vq, vq->used_idx), elem, 8) ||
	    !wr(vd, USED_IDX(vq), idx, 2)) {
		virtio_error(vd, "queue %u: used ring 0x%llx is not guest RAM",
			     q, (unsigned long long)vq->device);
		return;
	}
	vq->used_idx++;
	vq->bytes += written;
	if (virtio_tracing(vd))
		virtio_trace_used(vd, q, head, written, vq->used_idx);
}

void virtio_flush(struct virtio_dev *vd, unsigned q)
{
	struct virtq_state *vq = virtio_queue(vd, q);
	bool need, ok = true;

	if (!vq || !vq->ready || (vd->s->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	if (vq->signalled_valid && vq->signalled_used == vq->used_idx)
		return; /* nothing new since the last interrupt */
	if (virtio_has(vd, VIRTIO_F_RING_EVENT_IDX)) {
		uint16_t event = rd16(vd, USED_EVENT(vq), &ok);
		uint16_t old = vq->signalled_used, now = vq->used_idx;
		/* the driver wants an interrupt once used idx passes event */
		need = !vq->signalled_valid ||
		       (uint16_t)(now - event - 1) < (uint16_t)(now - old);
	} else {
		need = !(rd16(vd, vq->driver, &ok) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	}
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = 1;
	if (need || !ok)
		virtio_queue_interrupt(vd, q);
	else
		vq->suppressed++;
}
