/* virtio-pci modern (virtio 1.2, 4.1): 1af4:1040+id, revision 1, and
 * the layout QEMU uses, so that tools and habits carry over: five vendor
 * capabilities in config space pointing into BAR4 (64-bit, prefetchable,
 * 16 KiB):
 *
 *   0x0000  common configuration (features, status, queue registers)
 *   0x1000  ISR (read clears it)
 *   0x2000  device-specific configuration
 *   0x3000  notifications: queue q at 0x3000 + 4 * q
 *
 * Interrupts are INTx (pin A, through the host bridge's swizzle to the
 * PLIC). MSI-X is left for when the machine has an MSI controller: its
 * table and PBA would go into BAR1 and an MSI-X capability be added
 * here; the vectors the common configuration holds already exist
 * (config_msix_vector, queue_msix_vector) and read NO_VECTOR until then,
 * and virtio_interrupt() in the core is where a vector would be sent. */
#include <string.h>

#include "device/device.h"
#include "virtio/transport/transport.h"

#define BAR 4
#define BAR_SIZE 0x4000
#define COMMON 0x0000
#define ISR 0x1000
#define DEVICE 0x2000
#define NOTIFY 0x3000
#define AREA 0x1000
#define NOTIFY_MULT 4

#define PCI_CAP_VENDOR 0x09
enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };

/* common configuration (struct virtio_pci_common_cfg) */
enum {
	DFSEL = 0x00, DF = 0x04, GFSEL = 0x08, GF = 0x0c, MSIX_CONFIG = 0x10,
	NUM_QUEUES = 0x12, DEVICE_STATUS = 0x14, CONFIG_GEN = 0x15,
	Q_SELECT = 0x16, Q_SIZE = 0x18, Q_MSIX = 0x1a, Q_ENABLE = 0x1c,
	Q_NOTIFY_OFF = 0x1e, Q_DESC = 0x20, Q_DRIVER = 0x28, Q_DEVICE = 0x30,
};

#define W1 GLASS_W1
#define W2 GLASS_W2
#define W4 GLASS_W4
#define W48 (GLASS_W4 | GLASS_W8)
static const struct glass_reg common_regs[] = {
	{ DFSEL, 4, "device_feature_select", W4 },
	{ DF, 4, "device_feature", W4 },
	{ GFSEL, 4, "driver_feature_select", W4 },
	{ GF, 4, "driver_feature", W4 },
	{ MSIX_CONFIG, 2, "config_msix_vector", W2 },
	{ NUM_QUEUES, 2, "num_queues", W2 },
	{ DEVICE_STATUS, 1, "device_status", W1 },
	{ CONFIG_GEN, 1, "config_generation", W1 },
	{ Q_SELECT, 2, "queue_select", W2 },
	{ Q_SIZE, 2, "queue_size", W2 },
	{ Q_MSIX, 2, "queue_msix_vector", W2 },
	{ Q_ENABLE, 2, "queue_enable", W2 },
	{ Q_NOTIFY_OFF, 2, "queue_notify_off", W2 },
	{ Q_DESC, 8, "queue_desc", W48 },
	{ Q_DRIVER, 8, "queue_driver", W48 },
	{ Q_DEVICE, 8, "queue_device", W48 },
	{ 0, 0, NULL, 0 },
};

static const struct glass_reg isr_reg = { ISR, 1, "isr", W1 };
static const struct glass_reg device_reg = { DEVICE, AREA, "device config",
					     W1 | W2 | W4 };

static const struct glass_reg *bar_reg_at(uint64_t off,
					  struct glass_reg *scratch,
					  char *name, size_t len)
{
	if (off < ISR)
		return glass_reg_find(common_regs, off);
	if (off == ISR)
		return &isr_reg;
	if (off < DEVICE)
		return NULL;
	if (off < NOTIFY)
		return &device_reg;
	uint64_t q = (off - NOTIFY) / NOTIFY_MULT;
	*scratch = (struct glass_reg){ (uint32_t)(NOTIFY + q * NOTIFY_MULT),
				       NOTIFY_MULT, NULL, W2 | W4 };
	if (name) {
		snprintf(name, len, "notify[%llu]", (unsigned long long)q);
		scratch->name = name;
	}
	return scratch;
}

static uint64_t queue_field(const struct virtq_state *vq, uint64_t off,
			    unsigned size)
{
	uint64_t base = off & ~7ull;
	uint64_t a = base == Q_DESC ? vq->desc : base == Q_DRIVER ?
		     vq->driver : vq->device;
	if (size == 8)
		return a;
	return (uint32_t)(off & 4 ? a >> 32 : a);
}

static uint64_t common_read(struct virtio_dev *vd, uint64_t off,
			    unsigned size)
{
	struct virtio_state *s = vd->s;
	struct virtq_state *vq = virtio_queue(vd, s->queue_sel);

	switch (off) {
	case DFSEL: return s->device_feature_sel;
	case DF: return virtio_device_features(vd);
	case GFSEL: return s->driver_feature_sel;
	case GF: return virtio_driver_features_word(vd);
	case MSIX_CONFIG: return VIRTIO_NO_VECTOR; /* no MSI-X yet */
	case NUM_QUEUES: return vd->ops->nqueues;
	case DEVICE_STATUS: return s->status;
	case CONFIG_GEN: return s->config_generation;
	case Q_SELECT: return s->queue_sel;
	case Q_SIZE: return vq ? vq->size : 0;
	case Q_MSIX: return VIRTIO_NO_VECTOR;
	case Q_ENABLE: return vq ? vq->ready : 0;
	case Q_NOTIFY_OFF: return vq ? s->queue_sel : 0;
	case Q_DESC ... Q_DEVICE + 7:
		return vq ? queue_field(vq, off, size) : 0;
	}
	return 0;
}

static void common_write(struct virtio_dev *vd, uint64_t off, uint64_t val,
			 unsigned size)
{
	struct virtio_state *s = vd->s;
	unsigned q = s->queue_sel;

	switch (off) {
	case DFSEL: s->device_feature_sel = (uint32_t)val; break;
	case GFSEL: s->driver_feature_sel = (uint32_t)val; break;
	case GF: virtio_set_driver_features(vd, (uint32_t)val); break;
	case MSIX_CONFIG: case Q_MSIX:
		break; /* without MSI-X the vectors stay NO_VECTOR */
	case DEVICE_STATUS: virtio_set_status(vd, (uint8_t)val); break;
	case Q_SELECT: s->queue_sel = (uint16_t)val; break;
	case Q_SIZE: virtio_queue_set_size(vd, q, (uint16_t)val); break;
	case Q_ENABLE:
		if (val & 1)
			virtio_queue_set_ready(vd, q, true);
		else
			glass_guest_error(vd->dev, "queue_enable 0 ignored "
					  "(reset the device instead)");
		break;
	case Q_DESC ... Q_DEVICE + 7: {
		uint64_t base = off & ~7ull;
		int which = base == Q_DESC ? 0 : base == Q_DRIVER ? 1 : 2;
		unsigned shift = size == 4 && (off & 4) ? 32 : 0;
		uint64_t mask = size == 8 ? ~0ull : 0xffffffffull << shift;
		virtio_queue_set_addr(vd, q, which, val << shift, mask);
		break;
	}
	default:
		glass_guest_error(vd->dev, "write to read-only common config "
				  "+0x%02llx ignored", (unsigned long long)off);
	}
}

static uint64_t bar_read(void *opaque, uint64_t off, unsigned size,
			 const struct glass_attrs *who)
{
	struct virtio_dev *vd = opaque;

	if (off < ISR)
		return common_read(vd, off, size);
	if (off == ISR)
		return virtio_isr_read(vd, !(who && who->debug));
	if (off >= DEVICE && off < NOTIFY)
		return virtio_config_read(vd, off - DEVICE, size);
	return 0;
}

static void bar_write(void *opaque, uint64_t off, uint64_t val,
		      unsigned size, const struct glass_attrs *who)
{
	struct virtio_dev *vd = opaque;

	if (off < ISR)
		common_write(vd, off, val, size);
	else if (off >= DEVICE && off < NOTIFY)
		virtio_config_write(vd, off - DEVICE, val, size);
	else if (off >= NOTIFY)
		virtio_notify(vd, (unsigned)((off - NOTIFY) / NOTIFY_MULT),
			      off);
	else
		glass_guest_error(vd->dev, "write to the ISR ignored");
}

static const struct glass_region_ops bar_ops = {
	.read = bar_read,
	.write = bar_write,
	.valid = GLASS_WANY,
	.impl = GLASS_WANY,
	.flags = GLASS_UNCLAIMED_ZERO,
	.reg_at = bar_reg_at,
};

/* struct virtio_pci_cap (+ notify_off_multiplier for the notify cap) */
static int add_cap(struct glass_device *dev, uint8_t type, uint32_t offset,
		   uint32_t length, bool notify)
{
	unsigned len = notify ? 20 : 16;
	unsigned at = glass_pci_cap(dev, PCI_CAP_VENDOR, len);
	uint8_t body[18] = { (uint8_t)len, type, BAR };

	if (!at) {
		glass_error(dev, "no room for the virtio capabilities");
		return -1;
	}
	virtio_put_le32(body + 6, offset);
	virtio_put_le32(body + 10, length);
	virtio_put_le32(body + 14, NOTIFY_MULT);
	glass_pci_config_set(dev, at + 2, body, len - 2);
	return 0;
}

int virtio_pci_realize(void *self, struct glass_device *dev,
		       const struct virtio_device_ops *ops,
		       size_t config_offset)
{
	struct virtio_dev *vd = virtio_of(self, ops);

	if (virtio_realize(self, dev, ops, VIRTIO_PCI, config_offset) < 0)
		return -1;
	if (glass_pci_bar(dev, BAR, BAR_SIZE,
			  GLASS_BAR_MEM64 | GLASS_BAR_PREFETCH, "bar4",
			  &bar_ops, vd) < 0)
		return -1;
	if (add_cap(dev, CAP_COMMON, COMMON, AREA, false) < 0 ||
	    add_cap(dev, CAP_ISR, ISR, AREA, false) < 0 ||
	    add_cap(dev, CAP_DEVICE, DEVICE, AREA, false) < 0 ||
	    add_cap(dev, CAP_NOTIFY, NOTIFY, AREA, true) < 0)
		return -1;
	return 0;
}

void virtio_info_line(struct virtio_dev *vd, char *buf, size_t len)
{
	char extra[120] = "";

	if (vd->ops->info)
		vd->ops->info(vd, extra, sizeof(extra));
	snprintf(buf, len, "%s: status 0x%02x, %s", vd->ops->name,
		 vd->s->status, extra);
}
