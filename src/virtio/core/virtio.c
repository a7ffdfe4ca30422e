/* The virtio core: features, status, reset, configuration space, the
 * interrupt and the trace (virtio.h). The rings are in virtqueue.c. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "device/device.h"
#include "virtio/core/virtio.h"

struct virtio_dev *virtio_of(void *self, const struct virtio_device_ops *ops)
{
	return (struct virtio_dev *)((char *)self + ops->vd_offset);
}

bool virtio_tracing(const struct virtio_dev *vd)
{
	return ev_on(vd->sink, EV_VIRTIO);
}

static void emit(struct virtio_dev *vd, struct ev_virtio *v)
{
	struct bus_event e = { .kind = EVK_VIRTIO, .virtio = *v };

	e.virtio.devfn = vd->dev->pci ? vd->dev->pci->devfn : -1;
	e.virtio.device = glass_device_id(vd->dev);
	vd->sink->emit(vd->sink->opaque, &e);
}

int virtio_realize(void *self, struct glass_device *dev,
		   const struct virtio_device_ops *ops,
		   enum virtio_transport transport, size_t config_offset)
{
	struct virtio_dev *vd = virtio_of(self, ops);

	vd->s = self;
	vd->config = (uint8_t *)self + config_offset;
	vd->ops = ops;
	vd->dev = dev;
	vd->self = self;
	vd->transport = transport;
	vd->sink = device_env(dev)->sink;
	vd->elem = calloc(1, sizeof(*vd->elem));
	vd->segs = calloc(VIRTIO_CHAIN_MAX + 1, sizeof(*vd->segs));
	if (!vd->elem || !vd->segs)
		return -1;
	vd->s->device_features = 1ull << VIRTIO_F_VERSION_1 |
				 1ull << VIRTIO_F_RING_INDIRECT_DESC |
				 1ull << VIRTIO_F_RING_EVENT_IDX;
	if (ops->realize && ops->realize(vd) < 0)
		return -1;
	vd->offered = vd->s->device_features;
	return 0;
}

void virtio_unrealize(struct virtio_dev *vd)
{
	if (vd->ops && vd->ops->unrealize)
		vd->ops->unrealize(vd);
	free(vd->elem);
	free(vd->segs);
	vd->elem = NULL;
	vd->segs = NULL;
}

static void update_irq(struct virtio_dev *vd)
{
	int level = vd->s->isr != 0;

	if (level == vd->s->irq_level)
		return;
	vd->s->irq_level = level;
	glass_irq_set(vd->dev, 0, level);
}

/* The one place an interrupt leaves a virtio device. With MSI-X (not
 * yet: the machine has no MSI controller) a queue's vector, or the
 * config vector, would be signalled here instead of the ISR and line. */
static void virtio_interrupt(struct virtio_dev *vd, int queue, uint8_t bit)
{
	vd->s->isr |= bit;
	if (virtio_tracing(vd)) {
		struct ev_virtio v = { .what = VEV_INTERRUPT, .queue = queue,
				       .isr = vd->s->isr };
		emit(vd, &v);
	}
	update_irq(vd);
}

void virtio_reset(struct virtio_dev *vd)
{
	struct virtio_state *s = vd->s;
	uint64_t features = s->device_features;
	uint64_t errors = s->guest_errors;
	struct virtq_state saved[VIRTIO_QUEUES_MAX];

	memcpy(saved, s->vq, sizeof(saved));
	memset(s, 0, sizeof(*s));
	s->device_features = features;
	s->guest_errors = errors;
	s->msix_config = VIRTIO_NO_VECTOR;
	for (unsigned q = 0; q < VIRTIO_QUEUES_MAX; q++) {
		struct virtq_state *vq = &s->vq[q];
		vq->size = q < vd->ops->nqueues ? vd->ops->queue_max : 0;
		vq->msix_vector = VIRTIO_NO_VECTOR;
		/* the counters survive a reset (they describe the run) */
		vq->notifies = saved[q].notifies;
		vq->chains = saved[q].chains;
		vq->bytes = saved[q].bytes;
		vq->interrupts = saved[q].interrupts;
		vq->suppressed = saved[q].suppressed;
	}
	glass_irq_set(vd->dev, 0, 0);
	if (vd->ops->reset)
		vd->ops->reset(vd);
}

/* What a restored state must hold for this device to work on it: the
 * features this instance offers (they follow its properties and its
 * backend: a read-only drive offers RO), a driver's choice among them,
 * queues that exist and that the guest could have enabled, and an
 * interrupt line that matches the ISR, and no more chains taken than
 * the queue holds. Ring addresses and the driver's indices are the
 * guest's business (every access to them is checked as it happens). */
int virtio_post_load(struct virtio_dev *vd)
{
	const struct virtio_state *s = vd->s;

	if (s->device_features != vd->offered) {
		glass_error(vd->dev, "the snapshot's device offers features "
			    "0x%llx, this one 0x%llx (another backend: a "
			    "read-only drive, other properties?)",
			    (unsigned long long)s->device_features,
			    (unsigned long long)vd->offered);
		return -1;
	}
	if ((s->driver_features & ~s->device_features) ||
	    s->isr & ~(VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG) ||
	    s->irq_level != (s->isr != 0) ||
	    s->pending_kick >> vd->ops->nqueues) {
		glass_error(vd->dev, "saved virtio state out of range");
		return -1;
	}
	for (unsigned q = 0; q < VIRTIO_QUEUES_MAX; q++) {
		const struct virtq_state *vq = &s->vq[q];
		uint16_t max = q < vd->ops->nqueues ? vd->ops->queue_max : 0;
		bool bad = vq->size > max || vq->ready > 1 ||
			   vq->signalled_valid > 1;
		if (vq->ready)
			bad |= !vq->size || (vq->size & (vq->size - 1)) ||
			       (vq->desc & 15) || (vq->driver & 1) ||
			       (vq->device & 3) ||
			       (uint16_t)(vq->last_avail - vq->used_idx) >
			       vq->size;
		if (bad) {
			glass_error(vd->dev, "saved queue %u out of range", q);
			return -1;
		}
	}
	return vd->ops->post_load ? vd->ops->post_load(vd) : 0;
}

uint32_t virtio_device_features(struct virtio_dev *vd)
{
	unsigned sel = vd->s->device_feature_sel;

	return sel < 2 ? (uint32_t)(vd->s->device_features >> (32 * sel)) : 0;
}

uint32_t virtio_driver_features_word(struct virtio_dev *vd)
{
	unsigned sel = vd->s->driver_feature_sel;

	return sel < 2 ? (uint32_t)(vd->s->driver_features >> (32 * sel)) : 0;
}

void virtio_set_driver_features(struct virtio_dev *vd, uint32_t val)
{
	struct virtio_state *s = vd->s;
	unsigned sel = s->driver_feature_sel;

	if (s->status & VIRTIO_STATUS_FEATURES_OK) {
		glass_guest_error(vd->dev, "driver features written after "
				  "FEATURES_OK: ignored");
		return;
	}
	if (sel >= 2)
		return;
	s->driver_features &= ~(0xffffffffull << (32 * sel));
	s->driver_features |= (uint64_t)val << (32 * sel);
}

/* FEATURES_OK only sticks if the driver accepted a subset of what is
 * offered, including VERSION_1 (this is a modern-only device). */
static bool features_acceptable(struct virtio_dev *vd)
{
	struct virtio_state *s = vd->s;

	if (s->driver_features & ~s->device_features) {
		glass_guest_error(vd->dev, "driver accepted features 0x%llx "
				  "that were not offered",
				  (unsigned long long)(s->driver_features &
						       ~s->device_features));
		return false;
	}
	if (!(s->driver_features >> VIRTIO_F_VERSION_1 & 1)) {
		glass_guest_error(vd->dev, "driver did not accept VERSION_1 "
				  "(a modern-only device)");
		return false;
	}
	return true;
}

void virtio_set_status(struct virtio_dev *vd, uint8_t status)
{
	struct virtio_state *s = vd->s;
	uint8_t old = s->status;

	if (virtio_tracing(vd)) {
		struct ev_virtio v = { .what = VEV_STATUS, .queue = -1,
				       .status = status };
		emit(vd, &v);
	}
	if (status == 0) {
		virtio_reset(vd);
		return;
	}
	if ((status & VIRTIO_STATUS_FEATURES_OK) &&
	    !(old & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(vd))
		status &= ~VIRTIO_STATUS_FEATURES_OK;
	/* the driver cannot clear bits (only a reset does), nor set
	 * NEEDS_RESET */
	s->status = (status & ~VIRTIO_STATUS_NEEDS_RESET) | old;
	if ((s->status & VIRTIO_STATUS_DRIVER_OK) &&
	    !(old & VIRTIO_STATUS_DRIVER_OK)) {
		if (vd->ops->driver_ok)
			vd->ops->driver_ok(vd);
		/* notifies that came too early were remembered */
		uint16_t kick = s->pending_kick;
		s->pending_kick = 0;
		for (unsigned q = 0; q < vd->ops->nqueues; q++)
			if ((kick >> q & 1) && vd->ops->notify)
				vd->ops->notify(vd, q);
	}
}

struct virtq_state *virtio_queue(struct virtio_dev *vd, unsigned q)
{
	return q < vd->ops->nqueues ? &vd->s->vq[q] : NULL;
}

uint16_t virtio_queue_max(struct virtio_dev *vd, unsigned q)
{
	return q < vd->ops->nqueues ? vd->ops->queue_max : 0;
}

void virtio_queue_set_size(struct virtio_dev *vd, unsigned q, uint16_t n)
{
	struct virtq_state *vq = virtio_queue(vd, q);

	if (!vq)
		return;
	if (vq->ready) {
		glass_guest_error(vd->dev, "queue %u: size written while "
				  "enabled: ignored", q);
		return;
	}
	vq->size = n;
}

void virtio_queue_set_addr(struct virtio_dev *vd, unsigned q, int which,
			   uint64_t val, uint64_t mask)
{
	struct virtq_state *vq = virtio_queue(vd, q);

	if (!vq)
		return;
	if (vq->ready) {
		glass_guest_error(vd->dev, "queue %u: address written while "
				  "enabled: ignored", q);
		return;
	}
	uint64_t *a = which == 0 ? &vq->desc : which == 1 ? &vq->driver :
				   &vq->device;
	*a = (*a & ~mask) | (val & mask);
}

void virtio_queue_set_ready(struct virtio_dev *vd, unsigned q, bool ready)
{
	struct virtq_state *vq = virtio_queue(vd, q);
	uint16_t n;

	if (!vq)
		return;
	if (!ready) {
		/* virtio-mmio allows disabling a queue: back to unused */
		vq->ready = 0;
		return;
	}
	n = vq->size;
	if (n == 0 || n > virtio_queue_max(vd, q) || (n & (n - 1))) {
		virtio_error(vd, "queue %u: size %u is not a power of two "
			     "up to %u", q, n, virtio_queue_max(vd, q));
		return;
	}
	if ((vq->desc & 15) || (vq->driver & 1) || (vq->device & 3)) {
		virtio_error(vd, "queue %u: misaligned ring addresses", q);
		return;
	}
	vq->ready = 1;
	vq->last_avail = vq->used_idx = 0;
	vq->signalled_valid = 0;
}

void virtio_notify(struct virtio_dev *vd, unsigned q, uint64_t offset)
{
	struct virtq_state *vq = virtio_queue(vd, q);

	if (virtio_tracing(vd)) {
		/* where the driver wrote: BAR4 of the function, or the
		 * virtio-mmio window */
		struct ev_virtio v = { .what = VEV_NOTIFY, .queue = (int)q,
				       .offset = offset,
				       .text = vd->transport == VIRTIO_PCI ?
					       "bar4" : "window" };
		emit(vd, &v);
	}
	if (!vq) {
		glass_guest_error(vd->dev, "notify of queue %u, which does "
				  "not exist", q);
		return;
	}
	vq->notifies++;
	if (vd->s->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	if (!(vd->s->status & VIRTIO_STATUS_DRIVER_OK)) {
		glass_guest_error(vd->dev, "queue %u notified before "
				  "DRIVER_OK: deferred until then", q);
		vd->s->pending_kick |= 1u << q;
		return;
	}
	if (!vq->ready) {
		glass_guest_error(vd->dev, "queue %u notified while not "
				  "enabled: ignored", q);
		return;
	}
	if (vd->ops->notify)
		vd->ops->notify(vd, q);
}

uint8_t virtio_isr_read(struct virtio_dev *vd, bool clear)
{
	uint8_t isr = vd->s->isr;

	if (clear) {
		vd->s->isr = 0;
		update_irq(vd);
	}
	return isr;
}

void virtio_isr_ack(struct virtio_dev *vd, uint8_t bits)
{
	vd->s->isr &= ~bits;
	update_irq(vd);
}

uint64_t virtio_config_read(struct virtio_dev *vd, unsigned offset,
			    unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		if (offset + i < vd->ops->config_size)
			v |= (uint64_t)vd->config[offset + i] << (8 * i);
	return v;
}

void virtio_config_write(struct virtio_dev *vd, unsigned offset,
			 uint64_t val, unsigned size)
{
	if (!vd->ops->config_write || offset >= vd->ops->config_size ||
	    size > vd->ops->config_size - offset) {
		glass_guest_error(vd->dev, "config write at +0x%x: read-only",
				  offset);
		return;
	}
	for (unsigned i = 0; i < size; i++)
		vd->config[offset + i] = (uint8_t)(val >> (8 * i));
	vd->ops->config_write(vd, offset, size);
}

void virtio_config_changed(struct virtio_dev *vd)
{
	vd->s->config_generation++;
	if (vd->s->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_interrupt(vd, -1, VIRTIO_ISR_CONFIG);
}

void virtio_error(struct virtio_dev *vd, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	vd->s->guest_errors++;
	glass_guest_error(vd->dev, "%s: device needs reset", buf);
	if (vd->s->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	vd->s->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (vd->s->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_config_changed(vd);
}

void virtio_queue_interrupt(struct virtio_dev *vd, unsigned q)
{
	vd->s->vq[q].interrupts++;
	virtio_interrupt(vd, (int)q, VIRTIO_ISR_QUEUE);
}

void virtio_trace_chain(struct virtio_dev *vd, unsigned q, uint16_t head)
{
	struct ev_virtio v = { .what = VEV_CHAIN, .queue = (int)q,
			       .head = head, .nsegs = vd->nsegs,
			       .segs = vd->segs };
	emit(vd, &v);
}

void virtio_trace_used(struct virtio_dev *vd, unsigned q, uint16_t head,
		       uint32_t len, uint16_t idx)
{
	struct ev_virtio v = { .what = VEV_USED, .queue = (int)q,
			       .head = head, .len = len, .idx = idx };
	emit(vd, &v);
}

void virtio_trace_request(struct virtio_dev *vd, unsigned q,
			  const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	if (!virtio_tracing(vd))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct ev_virtio v = { .what = VEV_REQUEST, .queue = (int)q,
			       .text = buf };
	emit(vd, &v);
}

static const char *const status_bits[8] = {
	"ACKNOWLEDGE", "DRIVER", "DRIVER_OK", "FEATURES_OK", "?4", "?5",
	"NEEDS_RESET", "FAILED",
};

void virtio_print_info(struct virtio_dev *vd, FILE *out)
{
	const struct virtio_state *s = vd->s;
	char info[160] = "";

	fprintf(out, "%s (%s, %s): status 0x%02x", glass_device_id(vd->dev),
		vd->ops->name, vd->transport == VIRTIO_PCI ? "virtio-pci" :
		"virtio-mmio", s->status);
	for (int b = 0; b < 8; b++)
		if (s->status >> b & 1)
			fprintf(out, " %s", status_bits[b]);
	fprintf(out, "\n  features: device 0x%016llx driver 0x%016llx, isr "
		"0x%x, config generation %u, guest errors %llu\n",
		(unsigned long long)s->device_features,
		(unsigned long long)s->driver_features, s->isr,
		s->config_generation, (unsigned long long)s->guest_errors);
	for (unsigned q = 0; q < vd->ops->nqueues; q++) {
		const struct virtq_state *vq = &s->vq[q];
		fprintf(out, "  queue %u: size %u%s desc 0x%llx driver 0x%llx "
			"device 0x%llx\n    last_avail %u used_idx %u, "
			"pending %u; notifies %llu chains %llu bytes %llu "
			"interrupts %llu (suppressed %llu)\n", q, vq->size,
			vq->ready ? " ready" : "", (unsigned long long)vq->desc,
			(unsigned long long)vq->driver,
			(unsigned long long)vq->device, vq->last_avail,
			vq->used_idx, vq->ready && virtio_queue_has_work(vd, q),
			(unsigned long long)vq->notifies,
			(unsigned long long)vq->chains,
			(unsigned long long)vq->bytes,
			(unsigned long long)vq->interrupts,
			(unsigned long long)vq->suppressed);
	}
	if (vd->ops->info) {
		vd->ops->info(vd, info, sizeof(info));
		fprintf(out, "  %s\n", info);
	}
}
