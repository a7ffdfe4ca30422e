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

/* The available ring: flags, idx, ring[size], used_event. */
static uint8_t *map_avail(struct virtio_dev *vd, const struct virtq_state *vq)
{
	return glass_dma_map(vd->dev, vq->driver, 6 + 2u * vq->size, false);
}

/* The used ring: flags, idx, ring[size] of {id, len}, avail_event. */
static uint8_t *map_used(struct virtio_dev *vd, const struct virtq_state *vq)
{
	return glass_dma_map(vd->dev, vq->device, 6 + 8u * vq->size, true);
}

bool virtio_queue_has_work(struct virtio_dev *vd, unsigned q)
{
	const struct virtq_state *vq = virtio_queue(vd, q);
	const uint8_t *avail;

	if (!vq || !vq->ready || !vq->size)
		return false;
	avail = map_avail(vd, vq);
	return avail && le16(avail + 2) != vq->last_avail;
}

/* With EVENT_IDX, tell the driver which avail index to notify at. */
static void set_avail_event(struct virtio_dev *vd, struct virtq_state *vq)
{
	uint8_t *used;

	if (!virtio_has(vd, VIRTIO_F_RING_EVENT_IDX))
		return;
	used = map_used(vd, vq);
	if (used)
		virtio_put_le16(used + 4 + 8u * vq->size, vq->last_avail);
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
	const uint8_t *table = glass_dma_map(vd->dev, vq->desc, 16u * vq->size,
					     false);
	unsigned tsize = vq->size, i = head, steps = 0;
	bool indirect = false;

	if (!table) {
		virtio_error(vd, "queue %u: descriptor table 0x%llx is not "
			     "guest RAM", q, (unsigned long long)vq->desc);
		return -1;
	}
	for (;;) {
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
		const uint8_t *d = table + 16u * i;
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
			table = glass_dma_map(vd->dev, addr, len, false);
			if (!table) {
				virtio_error(vd, "queue %u: indirect table "
					     "0x%llx is not guest RAM", q,
					     (unsigned long long)addr);
				return -1;
			}
			indirect = true;
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
	const uint8_t *avail;

	if (!usable(vd, q))
		return 0;
	vq = &vd->s->vq[q];
	avail = map_avail(vd, vq);
	if (!avail) {
		virtio_error(vd, "queue %u: available ring 0x%llx is not guest "
			     "RAM", q, (unsigned long long)vq->driver);
		return -1;
	}
	uint16_t idx = le16(avail + 2);
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
	uint16_t head = le16(avail + 4 + 2u * (vq->last_avail % vq->size));
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
	uint8_t *used;

	if (!vq || !vq->ready || (vd->s->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	used = map_used(vd, vq);
	if (!used) {
		virtio_error(vd, "queue %u: used ring 0x%llx is not guest RAM",
			     q, (unsigned long long)vq->device);
		return;
	}
	uint8_t *slot = used + 4 + 8u * (vq->used_idx % vq->size);
	virtio_put_le32(slot, head);
	virtio_put_le32(slot + 4, written);
	vq->used_idx++;
	virtio_put_le16(used + 2, vq->used_idx);
	vq->bytes += written;
	if (virtio_tracing(vd))
		virtio_trace_used(vd, q, head, written, vq->used_idx);
}

void virtio_flush(struct virtio_dev *vd, unsigned q)
{
	struct virtq_state *vq = virtio_queue(vd, q);
	const uint8_t *avail;
	bool need;

	if (!vq || !vq->ready || (vd->s->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	if (vq->signalled_valid && vq->signalled_used == vq->used_idx)
		return; /* nothing new since the last interrupt */
	avail = map_avail(vd, vq);
	if (!avail)
		return;
	if (virtio_has(vd, VIRTIO_F_RING_EVENT_IDX)) {
		uint16_t event = le16(avail + 4 + 2u * vq->size);
		uint16_t old = vq->signalled_used, now = vq->used_idx;
		/* the driver wants an interrupt once used idx passes event */
		need = !vq->signalled_valid ||
		       (uint16_t)(now - event - 1) < (uint16_t)(now - old);
	} else {
		need = !(le16(avail) & VRING_AVAIL_F_NO_INTERRUPT);
	}
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = 1;
	if (need)
		virtio_queue_interrupt(vd, q);
	else
		vq->suppressed++;
}
