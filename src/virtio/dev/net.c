/* virtio-net (virtio 1.2, 5.1) on a -netdev (backend/netdev.h).
 *
 * Queue 0 receives, queue 1 transmits; no control queue. Every buffer
 * starts with the 12-byte virtio_net_hdr (num_buffers is 1: no
 * MRG_RXBUF). Offered: MAC, STATUS (the link is up), MTU 1500, and two
 * transmit offloads that QEMU does not offer on user networking: CSUM
 * (the guest leaves checksums to the device) and HOST_TSO4 (the guest
 * hands over TCP segments of up to 64 KiB). slirp takes a whole 64 KiB
 * TCP segment as one IPv4 packet, so the device only has to finish the
 * checksum (tx_offload below): the guest's TCP stack then runs once per
 * 64 KiB instead of once per 1448 bytes, which is most of the cost of
 * sending through an interpreted CPU.
 *
 * A transmitted frame is copied out of the chain and the chain returned
 * before the frame goes to slirp, since slirp may answer at once (ARP,
 * DHCP) and the answer takes a receive buffer. A received frame that
 * finds no receive buffer waits in the netdev's queue until the guest
 * adds buffers (its receive-queue notify). */
#include <stdio.h>
#include <string.h>

#include "backend/netdev.h"
#include "core/iov.h"
#include "virtio/dev/backend.h"
#include "virtio/dev/classes.h"
#include "virtio/transport/transport.h"

#define NET_F_CSUM 0
#define NET_F_MTU 3
#define NET_F_MAC 5
#define NET_F_HOST_TSO4 11
#define HDR_F_NEEDS_CSUM 1
#define GSO_NONE 0
#define GSO_TCPV4 1
#define GSO_ECN 0x80
#define NET_F_STATUS 16
#define NET_S_LINK_UP 1

#define RXQ 0
#define TXQ 1
#define QUEUE_SIZE 256
#define HDR 12
#define CONFIG_SIZE 12
#define FRAME_MAX 66000

struct net_state {
	struct virtio_state vs;
	uint8_t config[CONFIG_SIZE];
	uint64_t rx_frames, tx_frames, rx_bytes, tx_bytes, rx_too_big;
	uint64_t tso_frames;
};

struct net {
	struct net_state s;
	struct virtio_dev vd;
	struct netdev *nd;
	bool offload;
	uint8_t frame[HDR + FRAME_MAX];
};

static struct net *net_of(struct virtio_dev *vd)
{
	return vd->self;
}

/* netdev -> guest: one frame into one receive chain. */
static bool net_receive(void *fe, const uint8_t *frame, size_t len)
{
	struct net *n = fe;
	struct virtio_dev *vd = &n->vd;
	uint8_t hdr[HDR] = { 0 };

	if (!(vd->s->status & VIRTIO_STATUS_DRIVER_OK))
		return false;
	if (virtio_pop(vd, RXQ) <= 0)
		return false;
	struct virtio_elem *e = vd->elem;
	if (e->in_len < HDR + len) {
		/* the driver's buffers are too small for it: drop it */
		n->s.rx_too_big++;
		virtio_push(vd, RXQ, e->head, 0);
		virtio_flush(vd, RXQ);
		return true;
	}
	virtio_put_le16(hdr + 10, 1); /* num_buffers */
	iov_from_buf(e->in, e->nin, 0, hdr, HDR);
	iov_from_buf(e->in, e->nin, HDR, frame, len);
	virtio_trace_request(vd, RXQ, "net rx len=%zu", len);
	n->s.rx_frames++;
	n->s.rx_bytes += len;
	virtio_push(vd, RXQ, e->head, (uint32_t)(HDR + len));
	virtio_flush(vd, RXQ);
	return true;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Finish what the guest left to the device (virtio_net_hdr): a partial
 * checksum, and for a TSO segment the TCP checksum over the whole
 * segment (the guest's partial sum leaves the length out). Returns false
 * for a frame that cannot be sent as asked. */
static bool tx_offload(struct net *n, uint8_t *f, size_t len,
		       const uint8_t *hdr)
{
	uint8_t flags = hdr[0], gso = hdr[1] & ~GSO_ECN;
	uint16_t start = (uint16_t)(hdr[6] | hdr[7] << 8);
	uint16_t off = (uint16_t)(hdr[8] | hdr[9] << 8);

	if (gso == GSO_TCPV4) {
		/* Ethernet, IPv4 (ihl), TCP: the pseudo header with the
		 * segment's real length */
		if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00)
			return false;
		size_t ihl = (f[14] & 15) * 4u;
		if (ihl < 20 || len < 14 + ihl + 20 || f[14 + 9] != 6)
			return false;
		uint8_t *tcp = f + 14 + ihl;
		size_t tcplen = len - 14 - ihl;
		uint32_t sum = sum16(f + 14 + 12, 8, 0) + 6 + (uint32_t)tcplen;
		tcp[16] = tcp[17] = 0;
		uint16_t c = fold(sum16(tcp, tcplen, sum));
		tcp[16] = (uint8_t)(c >> 8);
		tcp[17] = (uint8_t)c;
		n->s.tso_frames++;
		return true;
	}
	if (gso != GSO_NONE)
		return false; /* not offered */
	if (!(flags & HDR_F_NEEDS_CSUM))
		return true;
	if (start > len || len - start < 2 || off > len - start - 2)
		return false;
	/* the checksum field holds the guest's partial sum */
	uint16_t c = fold(sum16(f + start, len - start, 0));
	f[start + off] = (uint8_t)(c >> 8);
	f[start + off + 1] = (uint8_t)c;
	return true;
}

static void transmit(struct net *n)
{
	struct virtio_dev *vd = &n->vd;

	while (virtio_pop(vd, TXQ) > 0) {
		struct virtio_elem *e = vd->elem;
		uint64_t len = e->out_len;
		uint16_t head = e->head;
		bool ok = len > HDR && len <= sizeof(n->frame);

		if (ok)
			iov_to_buf(e->out, e->nout, 0, n->frame, len);
		virtio_push(vd, TXQ, head, 0);
		if (ok && !tx_offload(n, n->frame + HDR, len - HDR, n->frame)) {
			glass_guest_error(vd->dev, "tx frame with an offload "
					  "it cannot have dropped");
			continue;
		}
		if (!ok) {
			glass_guest_error(vd->dev, "tx frame of %llu bytes "
					  "dropped", (unsigned long long)len);
			continue;
		}
		virtio_trace_request(vd, TXQ, "net tx len=%llu",
				     (unsigned long long)(len - HDR));
		n->s.tx_frames++;
		n->s.tx_bytes += len - HDR;
		netdev_send(n->nd, n->frame + HDR, len - HDR);
	}
	virtio_flush(vd, TXQ);
}

static void net_notify(struct virtio_dev *vd, unsigned q)
{
	struct net *n = net_of(vd);

	if (q == TXQ)
		transmit(n);
	else
		netdev_flush_queue(n->nd);
}

static void net_driver_ok(struct virtio_dev *vd)
{
	netdev_flush_queue(net_of(vd)->nd);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return (mac[0] & 1) ? -1 : 0; /* not a multicast address */
}

static int net_realize(struct virtio_dev *vd)
{
	struct net *n = net_of(vd);
	const char *mac = NULL;

	n->nd = virtio_backend(vd->dev, "netdev", "netdev", "-netdev");
	if (!n->nd)
		return -1;
	if (netdev_attach(n->nd, net_receive, n) < 0) {
		glass_error(vd->dev, "netdev=%s is already used by another "
			    "device", netdev_id(n->nd));
		n->nd = NULL;
		return -1;
	}
	glass_prop_string(vd->dev, "mac", &mac);
	glass_prop_bool(vd->dev, "offload", &n->offload);
	if (!mac || parse_mac(mac, vd->config) < 0) {
		glass_error(vd->dev, "mac=%s: six hex bytes such as "
			    "52:54:00:12:34:56 (not multicast)",
			    mac ? mac : "");
		return -1;
	}
	virtio_put_le16(vd->config + 6, NET_S_LINK_UP);  /* status */
	virtio_put_le16(vd->config + 8, 1);              /* max pairs */
	virtio_put_le16(vd->config + 10, 1500);          /* mtu */
	vd->s->device_features |= 1ull << NET_F_MAC | 1ull << NET_F_STATUS |
				  1ull << NET_F_MTU;
	if (n->offload)
		vd->s->device_features |= 1ull << NET_F_CSUM |
					  1ull << NET_F_HOST_TSO4;
	return 0;
}

static void net_unrealize(struct virtio_dev *vd)
{
	struct net *n = net_of(vd);

	if (n->nd)
		netdev_detach(n->nd);
}

static void net_info(struct virtio_dev *vd, char *buf, size_t len)
{
	struct net *n = net_of(vd);
	uint64_t rx = 0, tx = 0, dropped = 0;

	if (n->nd)
		netdev_counters(n->nd, &rx, &tx, &dropped);
	snprintf(buf, len, "netdev %s, mac %02x:%02x:%02x:%02x:%02x:%02x; "
		 "rx %llu frames tx %llu (%llu TSO), %llu dropped on the "
		 "host side",
		 n->nd ? netdev_id(n->nd) : "-", vd->config[0], vd->config[1],
		 vd->config[2], vd->config[3], vd->config[4], vd->config[5],
		 (unsigned long long)n->s.rx_frames,
		 (unsigned long long)n->s.tx_frames,
		 (unsigned long long)n->s.tso_frames,
		 (unsigned long long)dropped);
}

static const struct glass_prop net_props[] = {
	{ "netdev", GLASS_PROP_STRING, NULL,
	  "the -netdev (its id=) it is connected to" },
	{ "mac", GLASS_PROP_STRING, "52:54:00:12:34:56", "MAC address" },
	{ "offload", GLASS_PROP_BOOL, "on", "offer checksum offload and TSO "
	  "for IPv4 (QEMU's user networking offers neither)" },
	{ NULL, 0, NULL, NULL },
};

const struct virtio_device_ops virtio_net_ops = {
	.name = "virtio-net",
	.device_id = 1,
	.pci_class = 0x020000,
	.nqueues = 2,
	.queue_max = QUEUE_SIZE,
	.config_size = CONFIG_SIZE,
	.vd_offset = offsetof(struct net, vd),
	.realize = net_realize,
	.unrealize = net_unrealize,
	.notify = net_notify,
	.driver_ok = net_driver_ok,
	.info = net_info,
};

VIRTIO_CLASSES(virtio_net, "virtio-net", "virtio network device on a "
	       "-netdev", 1, 0x020000, struct net, struct net_state, config,
	       net_props, virtio_net_ops, 1);
