/* virtio-console (virtio 1.2, 5.3), one port and no MULTIPORT: Linux
 * makes it /dev/hvc0. Queue 0 carries host input to the guest, queue 1
 * guest output to the host; both ends are a character backend (chardev=,
 * a -chardev). Input bytes collect in a small buffer in the device state
 * and go to the guest as soon as it has a receive buffer: from a timer
 * at the current virtual time, so a burst of input becomes one chain, and
 * 100 ms (virtual) after the guest adds receive buffers. That timer is
 * where console input meets the virtual clock (issue 12). */
#include <stdio.h>
#include <string.h>

#include "device/chardev.h"
#include "core/iov.h"
#include "virtio/dev/classes.h"
#include "virtio/transport/transport.h"

#define RXQ 0
#define TXQ 1
#define QUEUE_SIZE 64
#define CONFIG_SIZE 12
#define RXBUF 512
#define RX_SETTLE_NS 100000000 /* 100 ms of virtual time */

struct console_state {
	struct virtio_state vs;
	uint8_t config[CONFIG_SIZE];
	uint16_t rxlen;
	uint8_t rxbuf[RXBUF];
	uint8_t rx_seen;         /* the guest took input already */
	uint64_t in_bytes, out_bytes;
};

struct vcons {
	struct console_state s;
	struct virtio_dev vd;
	struct chardev *chr;
	struct glass_timer *kick;
	uint8_t out[4096];
};

static void flush_rx(struct vcons *c)
{
	struct virtio_dev *vd = &c->vd;
	bool pushed = false;

	while (c->s.rxlen && virtio_pop(vd, RXQ) > 0) {
		struct virtio_elem *e = vd->elem;
		size_t n = iov_from_buf(e->in, e->nin, 0, c->s.rxbuf,
					     c->s.rxlen);
		memmove(c->s.rxbuf, c->s.rxbuf + n, c->s.rxlen - n);
		c->s.rxlen -= (uint16_t)n;
		c->s.in_bytes += n;
		virtio_trace_request(vd, RXQ, "console in %zu bytes", n);
		virtio_push(vd, RXQ, e->head, (uint32_t)n);
		pushed = true;
		c->s.rx_seen = 1;
	}
	if (pushed)
		virtio_flush(vd, RXQ);
}

static void kick_fired(void *opaque)
{
	flush_rx(opaque);
}

static bool cons_can_receive(void *fe)
{
	struct vcons *c = fe;

	return (c->vd.s->status & VIRTIO_STATUS_DRIVER_OK) &&
	       c->s.rxlen < RXBUF;
}

static void cons_receive(void *fe, uint8_t byte)
{
	struct vcons *c = fe;

	if (c->s.rxlen >= RXBUF)
		return;
	c->s.rxbuf[c->s.rxlen++] = byte;
	if (!glass_timer_armed(c->kick))
		glass_timer_arm(c->kick, glass_clock_ns(c->vd.dev) +
				(c->s.rx_seen ? 0 : RX_SETTLE_NS));
}

static void transmit(struct vcons *c)
{
	struct virtio_dev *vd = &c->vd;

	while (virtio_pop(vd, TXQ) > 0) {
		struct virtio_elem *e = vd->elem;
		size_t done = 0;
		while (done < e->out_len) {
			size_t n = iov_to_buf(e->out, e->nout, done,
						     c->out, sizeof(c->out));
			chardev_write(c->chr, c->out, n);
			done += n;
		}
		virtio_trace_request(vd, TXQ, "console out %zu bytes", done);
		c->s.out_bytes += done;
		virtio_push(vd, TXQ, e->head, 0);
	}
	virtio_flush(vd, TXQ);
}

static void cons_notify(struct virtio_dev *vd, unsigned q)
{
	struct vcons *c = vd->self;

	if (q == TXQ) {
		transmit(c);
		return;
	}
	/* New receive buffers. Linux's driver (6.1, without MULTIPORT)
	 * adds the first ones before it has registered the port, and
	 * throws away what arrives in between (in_intr: no port yet, so
	 * flush_bufs): input that is waiting follows a little later. */
	if (c->s.rxlen && !glass_timer_armed(c->kick))
		glass_timer_arm(c->kick, glass_clock_ns(vd->dev) +
				RX_SETTLE_NS);
}

static void cons_reset(struct virtio_dev *vd)
{
	struct vcons *c = vd->self;

	c->s.rxlen = 0;
	c->s.rx_seen = 0;
	glass_timer_cancel(c->kick);
}

static int cons_realize(struct virtio_dev *vd)
{
	struct vcons *c = vd->self;

	c->chr = device_chardev(vd->dev, NULL);
	if (!c->chr)
		return -1;
	c->kick = glass_timer_new(vd->dev, kick_fired, c);
	if (!c->kick)
		return -1;
	chardev_attach(c->chr, cons_can_receive, cons_receive, c);
	virtio_put_le16(vd->config + 0, 80);   /* cols */
	virtio_put_le16(vd->config + 2, 25);   /* rows */
	virtio_put_le32(vd->config + 4, 1);    /* max_nr_ports */
	return 0;
}

static int cons_post_load(struct virtio_dev *vd)
{
	struct vcons *c = vd->self;

	if (c->s.rxlen > RXBUF || c->s.rx_seen > 1) {
		glass_error(vd->dev, "saved input buffer out of range");
		return -1;
	}
	return 0;
}

static void cons_unrealize(struct virtio_dev *vd)
{
	struct vcons *c = vd->self;

	if (c->chr)
		chardev_attach(c->chr, NULL, NULL, NULL);
}

static void cons_info(struct virtio_dev *vd, char *buf, size_t len)
{
	struct vcons *c = vd->self;

	snprintf(buf, len, "chardev %s: %llu bytes in, %llu out, %u waiting",
		 c->chr ? c->chr->id : "-", (unsigned long long)c->s.in_bytes,
		 (unsigned long long)c->s.out_bytes, c->s.rxlen);
}

static const struct glass_prop cons_props[] = {
	{ "chardev", GLASS_PROP_STRING, NULL,
	  "the -chardev (its id=) that is the console's other end" },
	{ NULL, 0, NULL, NULL },
};

const struct virtio_device_ops virtio_console_ops = {
	.name = "virtio-console",
	.device_id = 3,
	.pci_class = 0x078000,
	.nqueues = 2,
	.queue_max = QUEUE_SIZE,
	.config_size = CONFIG_SIZE,
	.vd_offset = offsetof(struct vcons, vd),
	.realize = cons_realize,
	.unrealize = cons_unrealize,
	.reset = cons_reset,
	.notify = cons_notify,
	.info = cons_info,
	.post_load = cons_post_load,
};

VIRTIO_CLASSES(virtio_console, "virtio-serial", "virtio console, one port "
	       "(hvc0)", 3, 0x078000, struct vcons, struct console_state,
	       config, cons_props, virtio_console_ops, 2);
