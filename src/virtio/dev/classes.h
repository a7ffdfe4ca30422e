/* The virtio device classes, two per model (NAME-pci, NAME-device). */
#ifndef GLASS_VIRTIO_DEV_CLASSES_H
#define GLASS_VIRTIO_DEV_CLASSES_H

#include <stdbool.h>

#include "virtio/core/virtio.h"

extern const struct glass_device_class virtio_blk_pci_class;
extern const struct glass_device_class virtio_blk_mmio_class;
extern const struct virtio_device_ops virtio_blk_ops;
extern const struct glass_device_class virtio_net_pci_class;
extern const struct glass_device_class virtio_net_mmio_class;
extern const struct virtio_device_ops virtio_net_ops;
extern const struct glass_device_class virtio_rng_pci_class;
extern const struct glass_device_class virtio_rng_mmio_class;
extern const struct virtio_device_ops virtio_rng_ops;
extern const struct glass_device_class virtio_console_pci_class;
extern const struct glass_device_class virtio_console_mmio_class;
extern const struct virtio_device_ops virtio_console_ops;

/* Every virtio class, for the machine's class table. */
#define VIRTIO_USER_CLASSES                                              \
	&virtio_blk_pci_class, &virtio_blk_mmio_class,                 \
	&virtio_net_pci_class, &virtio_net_mmio_class,                 \
	&virtio_rng_pci_class, &virtio_rng_mmio_class,                 \
	&virtio_console_pci_class, &virtio_console_mmio_class

/* The model of a virtio class and its transport; NULL if cls is not a
 * virtio class. */
const struct virtio_device_ops *virtio_class_ops(
	const struct glass_device_class *cls, enum virtio_transport *t);

/* Whether cls goes into one of the board's virtio-mmio slots. */
bool virtio_class_is_mmio(const struct glass_device_class *cls);

#endif
