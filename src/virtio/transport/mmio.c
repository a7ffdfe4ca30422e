/* virtio-mmio, version 2 (virtio 1.2, 4.2.2): one 4 KiB window per
 * device in the board's virtio slots (0x1000_1000 + 0x1000 * n, PLIC
 * source 1 + n), 32-bit registers and the device config at 0x100. */
#include <string.h>

#include "virtio/transport/transport.h"

#define MMIO_MAGIC 0x74726976 /* "virt" */
#define MMIO_VERSION 2
#define MMIO_VENDOR 0x554d4551 /* "QEMU", as QEMU's devices say */

enum {
	MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c,
	DEV_FEATURES = 0x010, DEV_FEATURES_SEL = 0x014,
	DRV_FEATURES = 0x020, DRV_FEATURES_SEL = 0x024,
	QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038,
	QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050,
	INT_STATUS = 0x060, INT_ACK = 0x064, STATUS = 0x070,
	DESC_LO = 0x080, DESC_HI = 0x084, DRIVER_LO = 0x090,
	DRIVER_HI = 0x094, DEVICE_LO = 0x0a0, DEVICE_HI = 0x0a4,
	CONFIG_GEN = 0x0fc, CONFIG = 0x100,
};

#define W4 GLASS_W4
static const struct glass_reg mmio_regs[] = {
	{ MAGIC, 4, "MagicValue", W4 },
	{ VERSION, 4, "Version", W4 },
	{ DEVICE_ID, 4, "DeviceID", W4 },
	{ VENDOR_ID, 4, "VendorID", W4 },
	{ DEV_FEATURES, 4, "DeviceFeatures", W4 },
	{ DEV_FEATURES_SEL, 4, "DeviceFeaturesSel", W4 },
	{ DRV_FEATURES, 4, "DriverFeatures", W4 },
	{ DRV_FEATURES_SEL, 4, "DriverFeaturesSel", W4 },
	{ QUEUE_SEL, 4, "QueueSel", W4 },
	{ QUEUE_NUM_MAX, 4, "QueueNumMax", W4 },
	{ QUEUE_NUM, 4, "QueueNum", W4 },
	{ QUEUE_READY, 4, "QueueReady", W4 },
	{ QUEUE_NOTIFY, 4, "QueueNotify", W4 },
	{ INT_STATUS, 4, "InterruptStatus", W4 },
	{ INT_ACK, 4, "InterruptACK", W4 },
	{ STATUS, 4, "Status", W4 },
	{ DESC_LO, 4, "QueueDescLow", W4 },
	{ DESC_HI, 4, "QueueDescHigh", W4 },
	{ DRIVER_LO, 4, "QueueDriverLow", W4 },
	{ DRIVER_HI, 4, "QueueDriverHigh", W4 },
	{ DEVICE_LO, 4, "QueueDeviceLow", W4 },
	{ DEVICE_HI, 4, "QueueDeviceHigh", W4 },
	{ CONFIG_GEN, 4, "ConfigGeneration", W4 },
	{ CONFIG, 0xf00, "config", GLASS_W1 | GLASS_W2 | GLASS_W4 },
	{ 0, 0, NULL, 0 },
};

static uint64_t queue_addr(const struct virtq_state *vq, uint64_t off)
{
	uint64_t a = off < DRIVER_LO ? vq->desc : off < DEVICE_LO ?
		     vq->driver : vq->device;
	return (uint32_t)(off & 4 ? a >> 32 : a);
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size,
			  const struct glass_attrs *who)
{
	struct virtio_dev *vd = opaque;
	struct virtio_state *s = vd->s;
	struct virtq_state *vq = virtio_queue(vd, s->queue_sel);

	if (off >= CONFIG)
		return virtio_config_read(vd, off - CONFIG, size);
	switch (off) {
	case MAGIC: return MMIO_MAGIC;
	case VERSION: return MMIO_VERSION;
	case DEVICE_ID: return vd->ops->device_id;
	case VENDOR_ID: return MMIO_VENDOR;
	case DEV_FEATURES: return virtio_device_features(vd);
	case DEV_FEATURES_SEL: return s->device_feature_sel;
	case DRV_FEATURES: return virtio_driver_features_word(vd);
	case DRV_FEATURES_SEL: return s->driver_feature_sel;
	case QUEUE_SEL: return s->queue_sel;
	case QUEUE_NUM_MAX: return virtio_queue_max(vd, s->queue_sel);
	case QUEUE_NUM: return vq ? vq->size : 0;
	case QUEUE_READY: return vq ? vq->ready : 0;
	case INT_STATUS: return virtio_isr_read(vd, false);
	case STATUS: return s->status;
	case DESC_LO ... DEVICE_HI: return vq ? queue_addr(vq, off) : 0;
	case CONFIG_GEN: return s->config_generation;
	}
	return 0; /* write-only registers */
}

static void mmio_write(void *opaque, uint64_t off, uint64_t val,
		       unsigned size, const struct glass_attrs *who)
{
	struct virtio_dev *vd = opaque;
	struct virtio_state *s = vd->s;
	unsigned q = s->queue_sel;

	if (off >= CONFIG) {
		virtio_config_write(vd, off - CONFIG, val, size);
		return;
	}
	switch (off) {
	case DEV_FEATURES_SEL: s->device_feature_sel = val; break;
	case DRV_FEATURES: virtio_set_driver_features(vd, val); break;
	case DRV_FEATURES_SEL: s->driver_feature_sel = val; break;
	case QUEUE_SEL: s->queue_sel = (uint16_t)val; break;
	case QUEUE_NUM: virtio_queue_set_size(vd, q, (uint16_t)val); break;
	case QUEUE_READY: virtio_queue_set_ready(vd, q, val & 1); break;
	case QUEUE_NOTIFY: virtio_notify(vd, (uint32_t)val, off); break;
	case INT_ACK: virtio_isr_ack(vd, (uint8_t)val); break;
	case STATUS: virtio_set_status(vd, (uint8_t)val); break;
	case DESC_LO ... DEVICE_HI: {
		int which = off < DRIVER_LO ? 0 : off < DEVICE_LO ? 1 : 2;
		unsigned shift = off & 4 ? 32 : 0;
		virtio_queue_set_addr(vd, q, which, val << shift,
				      0xffffffffull << shift);
		break;
	}
	default:
		glass_guest_error(vd->dev, "write to read-only register "
				  "+0x%03llx ignored", (unsigned long long)off);
	}
}

static const struct glass_region_ops mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
	.valid = GLASS_WANY,
	.impl = GLASS_W1 | GLASS_W2 | GLASS_W4,
	.flags = GLASS_UNCLAIMED_ZERO,
	.regs = mmio_regs,
};

int virtio_mmio_realize(void *self, struct glass_device *dev,
			const struct virtio_device_ops *ops,
			size_t config_offset)
{
	if (virtio_realize(self, dev, ops, VIRTIO_MMIO, config_offset) < 0)
		return -1;
	return glass_platform_mmio(dev, 0, 0x1000, &mmio_ops,
				   virtio_of(self, ops));
}

int virtio_mmio_fdt(void *self, struct glass_fdt *fdt)
{
	if (glass_fdt_begin(fdt, "virtio_mmio") < 0)
		return -1;
	glass_fdt_prop_string(fdt, "compatible", "virtio,mmio");
	return 0;
}
