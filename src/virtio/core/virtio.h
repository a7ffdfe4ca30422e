/* The virtio 1.2 core: what every virtio device has, whatever its
 * transport (virtio-pci modern, virtio-mmio version 2) and whatever it
 * does (block, network, entropy, console).
 *
 *   - feature negotiation (64 bits, VERSION_1 required: modern only),
 *   - the device status byte, reset, and DEVICE_NEEDS_RESET when the
 *     guest breaks the rules (a guest error, never a glass failure),
 *   - the device configuration space with its generation counter,
 *   - split virtqueues (virtqueue.c) with indirect descriptors and
 *     VIRTIO_RING_F_EVENT_IDX,
 *   - the interrupt: ISR bits and the transport's line (INTx or the
 *     slot's PLIC source). MSI-X is designed in (msix vectors kept per
 *     queue, VIRTIO_NO_VECTOR reported) but the machine has no MSI
 *     controller yet: virtio_interrupt() is the one place that would
 *     send an MSI-X message instead.
 *
 * A transport (transport/mmio.c, transport/pci.c) turns register
 * accesses into calls of this file; a device model (in dev/) provides a
 * struct virtio_device_ops. Everything the guest can see is in struct
 * virtio_state, a plain struct at the start of the instance (saved by
 * copy in a snapshot); struct virtio_dev is the wiring after it.
 *
 * Determinism: work reaches the guest only through virtio_push() /
 * virtio_flush() (used ring and interrupt). A device completes a request
 * either inside the guest's notify (disk I/O is synchronous) or from a
 * timer on the virtual clock; host input (a received packet, console
 * bytes) enters through the device's own receive function, called from
 * the machine's poll loop, which is where a recorder would stamp it with
 * the instruction count (issue 12).
 */
#ifndef GLASS_VIRTIO_CORE_VIRTIO_H
#define GLASS_VIRTIO_CORE_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

#include "core/events.h"

#include "glass/device.h"

/* device status bits */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

/* feature bits every device may offer */
#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_RING_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33

/* ISR bits */
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

#define VIRTIO_NO_VECTOR 0xffff
#define VIRTIO_QUEUES_MAX 4
#define VIRTIO_QUEUE_SIZE_MAX 1024
/* the most descriptors one chain may have (direct and indirect) */
#define VIRTIO_CHAIN_MAX 1024

/* descriptor flags */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1

enum virtio_transport { VIRTIO_PCI, VIRTIO_MMIO };

/* One split virtqueue, as the guest set it up and as the device has
 * advanced it. */
struct virtq_state {
	uint16_t size;           /* entries (QueueNum / queue_size) */
	uint16_t ready;          /* QueueReady / queue_enable */
	uint16_t msix_vector;    /* PCI: the vector (MSI-X seam) */
	uint16_t last_avail;     /* the next avail index the device reads */
	uint16_t used_idx;       /* the device's used index */
	uint16_t signalled_used; /* used_idx at the last interrupt */
	uint8_t signalled_valid;
	uint8_t pad[3];
	uint64_t desc, driver, device; /* bus addresses of the three areas */
	/* counters (info virtio, --stats) */
	uint64_t notifies, chains, bytes, interrupts, suppressed;
};

struct virtio_state {
	uint64_t device_features;   /* what the device offers */
	uint64_t driver_features;   /* what the driver accepted */
	uint32_t device_feature_sel, driver_feature_sel;
	uint8_t status;
	uint8_t isr;
	uint8_t config_generation;
	uint8_t irq_level;          /* what the line is driven to */
	uint16_t queue_sel;
	uint16_t msix_config;
	uint16_t pending_kick;      /* queues notified before DRIVER_OK */
	uint16_t pad;
	struct virtq_state vq[VIRTIO_QUEUES_MAX];
	uint64_t guest_errors;
};

struct virtio_dev;

/* One chain popped from an available ring: its head, and its buffers,
 * device-readable first (out), then device-writable (in). */
struct virtio_elem {
	uint16_t head;
	unsigned nout, nin;
	uint64_t out_len, in_len;
	struct iovec out[VIRTIO_CHAIN_MAX];
	struct iovec in[VIRTIO_CHAIN_MAX];
};

/* What a device model provides. */
struct virtio_device_ops {
	const char *name;         /* "virtio-blk" (the trace's request lines) */
	uint16_t device_id;       /* 2 block, 1 net, 4 rng, 3 console */
	uint32_t pci_class;       /* class code of the PCI function */
	unsigned nqueues;
	uint16_t queue_max;       /* QueueNumMax */
	size_t config_size;
	/* where the device's struct virtio_dev is in its instance */
	size_t vd_offset;
	/* realize: read properties, open backends, set device_features and
	 * the config bytes. Return 0 or -1 after glass_error(). */
	int (*realize)(struct virtio_dev *vd);
	void (*unrealize)(struct virtio_dev *vd);
	/* back to power-on state (the core has reset its own part) */
	void (*reset)(struct virtio_dev *vd);
	/* the guest notified queue q (only while DRIVER_OK) */
	void (*notify)(struct virtio_dev *vd, unsigned q);
	/* the guest wrote config bytes [offset, offset + size) */
	void (*config_write)(struct virtio_dev *vd, unsigned offset,
			     unsigned size);
	/* DRIVER_OK was just set */
	void (*driver_ok)(struct virtio_dev *vd);
	/* a few words for info virtio / info qtree */
	void (*info)(struct virtio_dev *vd, char *buf, size_t len);
	/* a snapshot restored the state: check the model's own part (the
	 * core has checked its own); -1 after glass_error() refuses it */
	int (*post_load)(struct virtio_dev *vd);
};

/* The wiring of a virtio device (after its state in the instance). */
struct virtio_dev {
	struct virtio_state *s;
	uint8_t *config;          /* config_size bytes inside the state */
	const struct virtio_device_ops *ops;
	struct glass_device *dev;
	enum virtio_transport transport;
	struct virtio_elem *elem; /* scratch for one chain (heap) */
	struct ev_virtio_seg *segs; /* scratch: the chain, for the trace */
	unsigned nsegs;
	struct event_sink *sink;  /* the trace */
	void *self;               /* the instance */
	uint64_t offered;         /* device_features as realized (a restored
				   * state must offer the same) */
};

/* ---- for transports ------------------------------------------------ */

/* Set up vd inside instance `self` for the device `ops` on `transport`:
 * the state is at self (struct virtio_state first), the config bytes at
 * self + config_offset. Calls ops->realize. 0 or -1. */
int virtio_realize(void *self, struct glass_device *dev,
		   const struct virtio_device_ops *ops,
		   enum virtio_transport transport, size_t config_offset);
void virtio_unrealize(struct virtio_dev *vd);
struct virtio_dev *virtio_of(void *self, const struct virtio_device_ops *ops);

/* A device reset: by the guest (status 0) or the machine. */
void virtio_reset(struct virtio_dev *vd);

/* A snapshot restored the state (the class's post_load): the core's
 * checks (features, queues, ISR) then the model's. 0, or -1 after
 * glass_error(): the state is refused. */
int virtio_post_load(struct virtio_dev *vd);

uint32_t virtio_device_features(struct virtio_dev *vd);
void virtio_set_driver_features(struct virtio_dev *vd, uint32_t val);
uint32_t virtio_driver_features_word(struct virtio_dev *vd);
void virtio_set_status(struct virtio_dev *vd, uint8_t status);

/* Queue registers of the selected queue. A queue that does not exist
 * reads as size 0 and ignores writes. */
struct virtq_state *virtio_queue(struct virtio_dev *vd, unsigned q);
uint16_t virtio_queue_max(struct virtio_dev *vd, unsigned q);
void virtio_queue_set_size(struct virtio_dev *vd, unsigned q, uint16_t n);
void virtio_queue_set_ready(struct virtio_dev *vd, unsigned q, bool ready);
/* Set the bits `mask` of a ring address (which: 0 descriptors, 1 driver
 * area, 2 device area) to val's; ignored (a guest error) while enabled. */
void virtio_queue_set_addr(struct virtio_dev *vd, unsigned q, int which,
			   uint64_t val, uint64_t mask);

/* The guest notified queue q through `offset` of the transport's
 * register window (for the trace). */
void virtio_notify(struct virtio_dev *vd, unsigned q, uint64_t offset);

/* Read the ISR (the read clears it, and lowers the line). */
uint8_t virtio_isr_read(struct virtio_dev *vd, bool clear);
/* virtio-mmio's InterruptACK */
void virtio_isr_ack(struct virtio_dev *vd, uint8_t bits);

/* Device config bytes (little-endian fields, as the device wrote them). */
uint64_t virtio_config_read(struct virtio_dev *vd, unsigned offset,
			    unsigned size);
void virtio_config_write(struct virtio_dev *vd, unsigned offset,
			 uint64_t val, unsigned size);

/* ---- for device models --------------------------------------------- */

static inline bool virtio_has(const struct virtio_dev *vd, unsigned bit)
{
	return vd->s->driver_features >> bit & 1;
}

/* The device changed its config: bump the generation, interrupt. */
void virtio_config_changed(struct virtio_dev *vd);

/* The guest broke the rules: a guest-error event, DEVICE_NEEDS_RESET,
 * and (once DRIVER_OK) a config interrupt. The device stops processing
 * queues until it is reset. */
void virtio_error(struct virtio_dev *vd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Take the next available chain of queue q into vd->elem. Returns 1, 0
 * when the ring is empty (or the queue not usable), -1 after
 * virtio_error() (a malformed chain or ring). */
int virtio_pop(struct virtio_dev *vd, unsigned q);
/* Whether queue q has an available chain now. */
bool virtio_queue_has_work(struct virtio_dev *vd, unsigned q);
/* Put chain `head` on the used ring with `written` bytes. */
void virtio_push(struct virtio_dev *vd, unsigned q, uint16_t head,
		 uint32_t written);
/* After pushes: interrupt the driver unless it asked not to be
 * (NO_INTERRUPT, or used_event with EVENT_IDX). */
void virtio_flush(struct virtio_dev *vd, unsigned q);

/* Trace: a decoded request line ("read sector=2048 len=4096 ok"). */
void virtio_trace_request(struct virtio_dev *vd, unsigned q,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool virtio_tracing(const struct virtio_dev *vd);

/* info virtio: one device, several lines. */
void virtio_print_info(struct virtio_dev *vd, FILE *out);

/* The instance's virtio device, if it is one (for the monitor). */
struct virtio_dev *virtio_of_device(struct glass_device *d);

static inline void virtio_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void virtio_put_le32(uint8_t *p, uint32_t v)
{
	virtio_put_le16(p, v);
	virtio_put_le16(p + 2, v >> 16);
}

static inline void virtio_put_le64(uint8_t *p, uint64_t v)
{
	virtio_put_le32(p, v);
	virtio_put_le32(p + 4, v >> 32);
}

#endif
