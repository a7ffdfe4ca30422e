/* libFuzzer target: virtio devices' queue processing with arbitrary
 * guest memory (issue 16, point 6).
 *
 * One virtio-mmio device per input (blk on a scratch image, net on a
 * user network, rng, or console on a scratch chardev), brought up by a
 * driver whose choices come from the input: features, queue sizes (any
 * value, powers of two or not), ring addresses (usually in RAM, but
 * anywhere), whether DRIVER_OK comes before or after the notifies. The
 * first 16 KiB of the input after the header become guest RAM, so the
 * rings, descriptors (loops, indirect tables in indirect tables, buffers
 * outside RAM, zero and huge lengths) and request headers are whatever
 * the fuzzer makes them. Then a sequence of 4-byte records: notify a
 * queue, write a register, reset, let virtual time pass, rewrite a RAM
 * word, feed host input (a network frame, console bytes), restore the
 * device's own state with some bytes changed (a hostile snapshot).
 * The header also picks -icount's deterministic models (virtio-rng's
 * generator) and the user network's deferred mode (slirp's frames wait
 * in the inbox until the machine hands them over, as under -icount).
 *
 * Invariants after every step: glass does not crash or hang (libFuzzer's
 * timeout), the interrupt line is high exactly while the ISR is not
 * zero, the device's used index never runs ahead of what the driver
 * made available, and NEEDS_RESET, once set, stays until a reset; a
 * restored state the device refuses leaves it exactly as it was. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/block.h"
#include "backend/netdev.h"
#include "core/clock.h"
#include "device/chardev.h"
#include "device/device.h"
#include "mem/address_space.h"
#include "virtio/dev/classes.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x40000ull
#define MEM_BYTES 0x4000u
#define BASE 0x10001000ull
#define MAX_OPS 256

void __sanitizer_report_error_summary(const char *error_summary);

static void fail(const char *file, int line, const char *cond)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "SUMMARY: invariant failed: %s:%d: %s",
		 file, line, cond);
	__sanitizer_report_error_summary(msg);
	abort();
}

#define CHECK(c) do { if (!(c)) fail(__FILE__, __LINE__, #c); } while (0)

struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		uint8_t b = 0;
		if (in->n) {
			b = *in->p++;
			in->n--;
		}
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

/* The rig: what the machine would lend the device. Host resources that
 * are expensive to make (the image, the user network) live across
 * inputs. */
static struct {
	struct address_space as;
	uint8_t *ram;
	struct vclock clock;
	uint64_t now;
	struct device_env env;
	struct event_sink sink;
	int line;
	struct chardev chr;
	struct blockdev disk;
	struct netdev *net, *net_deferred, *nd;
	bool ready;
} R;

static uint64_t now(void *opaque)
{
	return R.now;
}

static void line_set(void *opaque, int n, int level)
{
	R.line = level;
}

static void emit(void *opaque, const struct bus_event *e)
{
}

static void *backend(void *opaque, const char *kind, const char *id)
{
	if (!strcmp(kind, "drive"))
		return &R.disk;
	if (!strcmp(kind, "netdev"))
		return R.nd;
	return NULL;
}

static void chr_write(void *opaque, const uint8_t *buf, size_t len)
{
}

static struct chardev *find_chr(void *opaque, const char *id)
{
	return &R.chr;
}

static void quiet(void *opaque, const char *device, const char *text)
{
}

static void rig_once(void)
{
	char path[] = "/tmp/glass-fuzz-virtio.XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 64 * 1024) == 0);
	close(fd);
	CHECK(blockdev_open(&R.disk, "d0", path, 0) == 0);
	unlink(path);
	R.clock = (struct vclock){ .now_ns = now };
	R.net = netdev_open("n0", NULL, 0, &R.clock, 0);
	R.net_deferred = netdev_open("n0", NULL, 0, &R.clock,
				     NETDEV_DEFERRED);
	CHECK(R.net && R.net_deferred);
	R.ready = true;
}

static const struct glass_device_class *const classes[] = {
	&virtio_blk_mmio_class, &virtio_net_mmio_class,
	&virtio_rng_mmio_class, &virtio_console_mmio_class,
};
static const char *const props[] = {
	"drive=d0", "netdev=n0", "", "chardev=c0",
};

static const struct glass_attrs hart0 = { .initiator = 0, .priv = 1 };

static uint64_t rd(uint64_t off)
{
	uint64_t v = 0;

	as_read(&R.as, BASE + off, 4, &v, &hart0);
	return v;
}

static void wr(uint64_t off, uint64_t v)
{
	as_write(&R.as, BASE + off, 4, v, &hart0);
}

/* An address for a ring: in RAM (aligned) mostly, anywhere sometimes. */
static uint64_t ring_addr(uint16_t sel)
{
	if (sel >> 15)
		return (uint64_t)sel << 20; /* wild */
	return RAM_BASE + ((uint64_t)(sel & 0x3ff) << 4);
}

/* Restore the device's own state with some bytes changed, as a hostile
 * snapshot would: refused, nothing may have changed; taken, the device
 * goes on from it (its line where the state says, as a restored
 * interrupt controller would have it). */
static void restore(struct glass_device *d, struct in *in, unsigned nedits)
{
	struct device_saved s;
	char err[200];

	device_get_saved(d, &s);
	size_t n = s.state_size;
	uint8_t *st = malloc(n), *was = malloc(n);
	CHECK(st && was);
	memcpy(st, s.state, n);
	memcpy(was, s.state, n);
	for (unsigned k = 0; k < nedits; k++) {
		uint32_t off = (uint32_t)take(in, 2);
		st[off % n] ^= (uint8_t)take(in, 1);
	}
	s.state = st;
	void *backup = device_load_state(d, &s, err, sizeof(err));
	if (!backup) {
		CHECK(!memcmp(was, d->self, n));
	} else {
		free(backup);
		device_commit_saved(d, &s);
		struct virtio_dev *vd = virtio_of_device(d);
		d->irq_level[0] = vd->s->irq_level;
		R.line = vd->s->irq_level;
	}
	free(st);
	free(was);
}

static void check(struct glass_device *d)
{
	struct virtio_dev *vd = virtio_of_device(d);

	CHECK(R.line == (vd->s->isr != 0));
	for (unsigned q = 0; q < vd->ops->nqueues; q++) {
		const struct virtq_state *vq = &vd->s->vq[q];
		CHECK((uint16_t)(vq->last_avail - vq->used_idx) <= vq->size ||
		      !vq->ready);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };

	if (!R.ready)
		rig_once();
	as_init(&R.as);
	struct region *ram = as_add_ram(&R.as, "ram", RAM_BASE, RAM_SIZE);
	CHECK(ram);
	R.ram = ram->host;
	R.sink = (struct event_sink){ (uint32_t)take(&in, 1) & EV_ALL, emit,
				      NULL };
	R.as.sink = &R.sink;
	R.now = 0;
	R.line = 0;
	R.chr = (struct chardev){ .id = "c0", .write = chr_write };
	R.env = (struct device_env){ .as = &R.as, .sink = &R.sink,
				     .clock = &R.clock, .nharts = 1,
				     .chardev = find_chr, .backend = backend,
				     .log = quiet };
	unsigned pick = (unsigned)take(&in, 1), which = pick % 4;
	R.env.deterministic = pick & 4;
	R.nd = pick & 8 ? R.net_deferred : R.net;
	struct platform_place p = { .name = "virtio-mmio0", .base = BASE,
				    .size = 0x1000, .nirqs = 1 };
	p.irqs[0] = (struct irq_line){ line_set, NULL, 0 };
	struct glass_device *d = device_create(&R.env, classes[which],
					       props[which], &p, "fuzz");
	CHECK(d);

	/* the driver's setup */
	uint32_t flo = (uint32_t)take(&in, 4), fhi = (uint32_t)take(&in, 4);
	uint8_t order = (uint8_t)take(&in, 1);
	wr(0x070, 3);
	wr(0x024, 0);
	wr(0x020, flo);
	wr(0x024, 1);
	wr(0x020, fhi | 1);
	wr(0x070, 0xb);
	for (unsigned q = 0; q < 2; q++) {
		uint16_t qs = (uint16_t)take(&in, 2);
		wr(0x030, q);
		wr(0x038, qs & 0x8000 ? qs : 1u << (qs % 11));
		wr(0x080, ring_addr((uint16_t)take(&in, 2)));
		wr(0x090, ring_addr((uint16_t)take(&in, 2)));
		wr(0x0a0, ring_addr((uint16_t)take(&in, 2)));
		wr(0x044, 1);
	}
	if (order & 1)
		wr(0x070, 0xf);
	/* arbitrary guest memory */
	size_t n = in.n < MEM_BYTES ? in.n : MEM_BYTES;
	memcpy(R.ram, in.p, n);
	in.p += n;
	in.n -= n;
	check(d);

	for (int k = 0; k < MAX_OPS && in.n; k++) {
		uint8_t op = (uint8_t)take(&in, 1);
		uint32_t arg = (uint32_t)take(&in, 3);
		switch (op & 7) {
		case 0: case 1: case 2:
			wr(0x050, arg & 3);              /* notify */
			break;
		case 3:
			wr(arg & 0x1fc, take(&in, 4));   /* any register */
			break;
		case 4:                                  /* RAM word */
			memcpy(R.ram + (arg % (MEM_BYTES - 4)), in.p,
			       in.n < 4 ? in.n : 4);
			take(&in, 4);
			break;
		case 5:                                  /* time passes */
			R.now += arg * 1000ull;
			vclock_run(&R.clock);
			break;
		case 6:                                  /* host input */
			if (which == 3 && R.chr.receive) {
				struct chardev *c = &R.chr;
				for (unsigned i = 0; i < (arg & 63); i++)
					if (c->can_receive(c->fe))
						c->receive(c->fe, (uint8_t)i);
			} else if (which == 1) {
				/* a frame slirp would send: an ARP request
				 * for the guest's address */
				uint8_t arp[42] = { 0xff, 0xff, 0xff, 0xff,
						    0xff, 0xff, 0x52, 0x55,
						    10, 0, 2, 2, 0x08, 0x06 };
				netdev_send(R.nd, arp, sizeof(arp));
				netdev_flush_queue(R.nd);
				/* deferred: the end of a round */
				uint8_t *f;
				size_t len;
				while ((f = netdev_inbox_pop(R.nd, &len))) {
					netdev_input(R.nd, f, len);
					free(f);
				}
			}
			break;
		case 7:
			if (arg & 1)
				device_reset(d);
			else if ((arg & 3) == 2)
				restore(d, &in, 1 + (arg >> 2 & 3));
			else
				wr(0x070, arg >> 8);     /* status */
			break;
		}
		check(d);
	}
	uint8_t st = (uint8_t)rd(0x070);
	(void)st;
	device_destroy(d);
	as_destroy(&R.as);
	/* a stale frame would go to the next input's device */
	netdev_reset(R.net);
	netdev_reset(R.net_deferred);
	return 0;
}
