/* The table of virtio classes (classes.h). */
#include <stddef.h>

#include "device/device.h"
#include "virtio/dev/classes.h"

static const struct {
	const struct glass_device_class *cls;
	const struct virtio_device_ops *ops;
	enum virtio_transport t;
} table[] = {
	{ &virtio_blk_pci_class, &virtio_blk_ops, VIRTIO_PCI },
	{ &virtio_blk_mmio_class, &virtio_blk_ops, VIRTIO_MMIO },
	{ &virtio_net_pci_class, &virtio_net_ops, VIRTIO_PCI },
	{ &virtio_net_mmio_class, &virtio_net_ops, VIRTIO_MMIO },
	{ &virtio_rng_pci_class, &virtio_rng_ops, VIRTIO_PCI },
	{ &virtio_rng_mmio_class, &virtio_rng_ops, VIRTIO_MMIO },
	{ &virtio_console_pci_class, &virtio_console_ops, VIRTIO_PCI },
	{ &virtio_console_mmio_class, &virtio_console_ops, VIRTIO_MMIO },
};
#define N (sizeof(table) / sizeof(table[0]))

const struct virtio_device_ops *virtio_class_ops(
	const struct glass_device_class *cls, enum virtio_transport *t)
{
	for (size_t i = 0; i < N; i++) {
		if (table[i].cls == cls) {
			if (t)
				*t = table[i].t;
			return table[i].ops;
		}
	}
	return NULL;
}

bool virtio_class_is_mmio(const struct glass_device_class *cls)
{
	enum virtio_transport t;

	return virtio_class_ops(cls, &t) && t == VIRTIO_MMIO;
}

struct virtio_dev *virtio_of_device(struct glass_device *d)
{
	const struct virtio_device_ops *ops = virtio_class_ops(d->cls, NULL);

	return ops ? virtio_of(device_self(d), ops) : NULL;
}
