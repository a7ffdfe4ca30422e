/* virtio-rng (virtio 1.2, 5.4): one queue; each device-writable buffer
 * the guest offers is filled from the host's getrandom(). The bytes are
 * host input that reaches the guest: a recorder (issue 12) would log
 * them here, in fill(). */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include "virtio/dev/classes.h"
#include "virtio/transport/transport.h"

#define QUEUE_SIZE 64
#define CHUNK_MAX 65536

struct rng_state {
	struct virtio_state vs;
	uint8_t config[1];           /* none; keeps the layout uniform */
	uint64_t requests, bytes;
};

struct rng {
	struct rng_state s;
	struct virtio_dev vd;
	uint64_t max_bytes;          /* per request */
};

static size_t fill(struct iovec *iov, unsigned n, size_t max)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < max; i++) {
		size_t want = iov[i].iov_len;
		if (want > max - done)
			want = max - done;
		size_t got = 0;
		while (got < want) {
			ssize_t r = getrandom((uint8_t *)iov[i].iov_base + got,
					      want - got, 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return done + got;
			got += (size_t)r;
		}
		done += got;
	}
	return done;
}

static void rng_notify(struct virtio_dev *vd, unsigned q)
{
	struct rng *r = vd->self;

	while (virtio_pop(vd, q) > 0) {
		struct virtio_elem *e = vd->elem;
		size_t n = fill(e->in, e->nin, r->max_bytes);
		virtio_trace_request(vd, q, "rng %zu bytes", n);
		r->s.requests++;
		r->s.bytes += n;
		virtio_push(vd, q, e->head, (uint32_t)n);
	}
	virtio_flush(vd, q);
}

static int rng_realize(struct virtio_dev *vd)
{
	struct rng *r = vd->self;

	glass_prop_uint(vd->dev, "max-bytes", &r->max_bytes);
	if (!r->max_bytes || r->max_bytes > CHUNK_MAX)
		r->max_bytes = CHUNK_MAX;
	return 0;
}

static void rng_info(struct virtio_dev *vd, char *buf, size_t len)
{
	struct rng *r = vd->self;

	snprintf(buf, len, "getrandom: %llu requests, %llu bytes",
		 (unsigned long long)r->s.requests,
		 (unsigned long long)r->s.bytes);
}

static const struct glass_prop rng_props[] = {
	{ "max-bytes", GLASS_PROP_UINT, "65536",
	  "at most this many bytes per request" },
	{ NULL, 0, NULL, NULL },
};

const struct virtio_device_ops virtio_rng_ops = {
	.name = "virtio-rng",
	.device_id = 4,
	.pci_class = 0x00ff00,
	.nqueues = 1,
	.queue_max = QUEUE_SIZE,
	.config_size = 0,
	.vd_offset = offsetof(struct rng, vd),
	.realize = rng_realize,
	.notify = rng_notify,
	.info = rng_info,
};

VIRTIO_CLASSES(virtio_rng, "virtio-rng", "virtio entropy source (host "
	       "getrandom)", 4, 0x00ff00, struct rng, struct rng_state, config,
	       rng_props, virtio_rng_ops);
