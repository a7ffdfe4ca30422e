/* The two virtio transports, and the macro that makes a device model's
 * pair of classes: NAME-pci on the PCIe host bridge (virtio-pci modern,
 * 1af4:1040+id) and NAME-device on one of the board's eight virtio-mmio
 * slots (QEMU's names: virtio-blk-pci, virtio-blk-device). */
#ifndef GLASS_VIRTIO_TRANSPORT_H
#define GLASS_VIRTIO_TRANSPORT_H

#include "virtio/core/virtio.h"

int virtio_mmio_realize(void *self, struct glass_device *dev,
			const struct virtio_device_ops *ops,
			size_t config_offset);
int virtio_mmio_fdt(void *self, struct glass_fdt *fdt);

int virtio_pci_realize(void *self, struct glass_device *dev,
		       const struct virtio_device_ops *ops,
		       size_t config_offset);

/* The instance's one-line summary for info qtree. */
void virtio_info_line(struct virtio_dev *vd, char *buf, size_t len);

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE_BASE 0x1040
#define VIRTIO_PCI_SUBSYS 0x1100

/* Both classes of a device model (DEVID: the virtio device ID, PCICLASS
 * its PCI class code). TYPE is the instance (its state struct
 * STYPE first, which starts with struct virtio_state; the config bytes
 * are the STYPE member CFG); VERSION names STYPE's layout in snapshots
 * (change it with the layout). */
#define VIRTIO_CLASSES(PFX, NAME, DESC, DEVID, PCICLASS, TYPE, STYPE, CFG,   \
		       PROPS, OPS, VERSION)                                  \
	static struct virtio_dev *PFX##_vd(void *self)                      \
	{                                                                   \
		return virtio_of(self, &OPS);                               \
	}                                                                   \
	static int PFX##_pci_realize(void *self, struct glass_device *dev)  \
	{                                                                   \
		return virtio_pci_realize(self, dev, &OPS,                  \
					  offsetof(STYPE, CFG));            \
	}                                                                   \
	static int PFX##_mmio_realize(void *self, struct glass_device *dev) \
	{                                                                   \
		return virtio_mmio_realize(self, dev, &OPS,                 \
					   offsetof(STYPE, CFG));           \
	}                                                                   \
	static void PFX##_reset(void *self)                                 \
	{                                                                   \
		virtio_reset(PFX##_vd(self));                               \
	}                                                                   \
	static void PFX##_unrealize(void *self)                             \
	{                                                                   \
		virtio_unrealize(PFX##_vd(self));                           \
	}                                                                   \
	static void PFX##_info(void *self, char *buf, size_t len)           \
	{                                                                   \
		virtio_info_line(PFX##_vd(self), buf, len);                 \
	}                                                                   \
	static int PFX##_post_load(void *self)                              \
	{                                                                   \
		return virtio_post_load(PFX##_vd(self));                    \
	}                                                                   \
	const struct glass_device_class PFX##_pci_class = {                 \
		.name = NAME "-pci",                                        \
		.desc = DESC " (virtio-pci)",                               \
		.bus = GLASS_BUS_PCI,                                       \
		.props = PROPS,                                             \
		.instance_size = sizeof(TYPE),                              \
		.state_size = sizeof(STYPE),                                \
		.state_version = (VERSION),                                 \
		.pci = { .vendor = VIRTIO_PCI_VENDOR,                       \
			 .device = VIRTIO_PCI_DEVICE_BASE + (DEVID),        \
			 .class_code = (PCICLASS),                          \
			 .subsystem_vendor = VIRTIO_PCI_VENDOR,             \
			 .subsystem = VIRTIO_PCI_SUBSYS, .revision = 1,     \
			 .pin = 1 },                                        \
		.realize = PFX##_pci_realize,                               \
		.reset = PFX##_reset,                                       \
		.post_load = PFX##_post_load,                               \
		.info = PFX##_info,                                         \
		.unrealize = PFX##_unrealize,                               \
	};                                                                  \
	const struct glass_device_class PFX##_mmio_class = {                \
		.name = NAME "-device",                                     \
		.desc = DESC " (virtio-mmio)",                              \
		.bus = GLASS_BUS_PLATFORM,                                  \
		.props = PROPS,                                             \
		.instance_size = sizeof(TYPE),                              \
		.state_size = sizeof(STYPE),                                \
		.state_version = (VERSION),                                 \
		.platform_size = 0x1000,                                    \
		.platform_irqs = 1,                                         \
		.realize = PFX##_mmio_realize,                              \
		.reset = PFX##_reset,                                       \
		.post_load = PFX##_post_load,                               \
		.info = PFX##_info,                                         \
		.fdt_node = virtio_mmio_fdt,                                \
		.unrealize = PFX##_unrealize,                               \
	}

#endif
