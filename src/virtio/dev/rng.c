/* virtio-rng (virtio 1.2, 5.4): one queue; each device-writable buffer
 * the guest offers is filled with entropy in fill().
 *
 * Where the bytes come from: the host's getrandom(), except under -icount,
 * where nothing the guest sees may come from the host: there a generator
 * in the device state (xoshiro256**, seeded from the `seed` property with
 * splitmix64) makes them, so two runs get the same bytes at the same
 * instructions and a snapshot carries the generator on. Such bytes are
 * as predictable as the run itself, which is the point of the mode; they
 * are no entropy to keep secrets with. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "device/device.h"
#include "virtio/dev/classes.h"
#include "virtio/transport/transport.h"

#define QUEUE_SIZE 64
#define CHUNK_MAX 65536

struct rng_state {
	struct virtio_state vs;
	uint8_t config[1];           /* none; keeps the layout uniform */
	uint64_t requests, bytes;
	uint64_t gen[4];             /* the generator (used under -icount) */
};

struct rng {
	struct rng_state s;
	struct virtio_dev vd;
	uint64_t max_bytes;          /* per request */
	bool seeded;                 /* -icount: the generator, not the host */
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t v, unsigned n)
{
	return v << n | v >> (64 - n);
}

/* xoshiro256** (Blackman and Vigna), one 64-bit output */
static uint64_t next(uint64_t g[4])
{
	uint64_t r = rotl(g[1] * 5, 7) * 9, t = g[1] << 17;

	g[2] ^= g[0];
	g[3] ^= g[1];
	g[1] ^= g[2];
	g[0] ^= g[3];
	g[2] ^= t;
	g[3] = rotl(g[3], 45);
	return r;
}

static void generate(uint64_t g[4], uint8_t *p, size_t n)
{
	while (n) {
		uint64_t v = next(g);
		size_t k = n < 8 ? n : 8;
		memcpy(p, &v, k);  /* little-endian host (CONTRIBUTING.md) */
		p += k;
		n -= k;
	}
}

static size_t host_random(uint8_t *p, size_t want)
{
	size_t got = 0;

	while (got < want) {
		ssize_t r = getrandom(p + got, want - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/* Entropy into the buffers, at most max bytes: what reaches the guest. */
static size_t fill(struct rng *r, struct iovec *iov, unsigned n, size_t max)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < max; i++) {
		size_t want = iov[i].iov_len;
		if (want > max - done)
			want = max - done;
		if (r->seeded) {
			generate(r->s.gen, iov[i].iov_base, want);
			done += want;
			continue;
		}
		size_t got = host_random(iov[i].iov_base, want);
		done += got;
		if (got < want)
			break;
	}
	return done;
}

static void rng_notify(struct virtio_dev *vd, unsigned q)
{
	struct rng *r = vd->self;

	while (virtio_pop(vd, q) > 0) {
		struct virtio_elem *e = vd->elem;
		size_t n = fill(r, e->in, e->nin, r->max_bytes);
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
	uint64_t seed = 0;

	glass_prop_uint(vd->dev, "max-bytes", &r->max_bytes);
	if (!r->max_bytes || r->max_bytes > CHUNK_MAX)
		r->max_bytes = CHUNK_MAX;
	glass_prop_uint(vd->dev, "seed", &seed);
	/* seeded in either mode, so a snapshot taken without -icount
	 * carries a working generator into a run under it */
	for (int i = 0; i < 4; i++)
		r->s.gen[i] = splitmix64(&seed);
	r->seeded = device_env(vd->dev)->deterministic;
	return 0;
}

static int rng_post_load(struct virtio_dev *vd)
{
	struct rng *r = vd->self;

	if (!(r->s.gen[0] | r->s.gen[1] | r->s.gen[2] | r->s.gen[3])) {
		glass_error(vd->dev, "saved generator state is all zero");
		return -1;
	}
	return 0;
}

static void rng_info(struct virtio_dev *vd, char *buf, size_t len)
{
	struct rng *r = vd->self;

	snprintf(buf, len, "%s: %llu requests, %llu bytes",
		 r->seeded ? "seeded generator (-icount)" : "getrandom",
		 (unsigned long long)r->s.requests,
		 (unsigned long long)r->s.bytes);
}

static const struct glass_prop rng_props[] = {
	{ "max-bytes", GLASS_PROP_UINT, "65536",
	  "at most this many bytes per request" },
	{ "seed", GLASS_PROP_UINT, "0", "under -icount the bytes come from "
	  "a generator seeded with this (without -icount: host getrandom)" },
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
	.post_load = rng_post_load,
};

VIRTIO_CLASSES(virtio_rng, "virtio-rng", "virtio entropy source (host "
	       "getrandom; a seeded generator under -icount)", 4, 0x00ff00,
	       struct rng, struct rng_state, config, rng_props,
	       virtio_rng_ops, 2);
