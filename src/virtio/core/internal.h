/* Between the files of the virtio core (virtio.c, virtqueue.c) only. */
#ifndef GLASS_VIRTIO_CORE_INTERNAL_H
#define GLASS_VIRTIO_CORE_INTERNAL_H

#include "virtio/core/virtio.h"

/* Raise the queue interrupt of queue q (counted, traced). */
void virtio_queue_interrupt(struct virtio_dev *vd, unsigned q);
/* Trace the chain in vd->segs, and a used-ring entry. */
void virtio_trace_chain(struct virtio_dev *vd, unsigned q, uint16_t head);
void virtio_trace_used(struct virtio_dev *vd, unsigned q, uint16_t head,
		       uint32_t len, uint16_t idx);

#endif
