/* The hypercall device on the virt board: the model (dev/hypercall.c)
 * with the machine's services behind it, on both transports. */
#ifndef GLASS_MACHINE_HYPERCALL_HOST_H
#define GLASS_MACHINE_HYPERCALL_HOST_H

#include "glass/device.h"

/* -device glass-hypercall: the PCI function 1234:676c. */
extern const struct glass_device_class hypercall_pci_class;
/* The platform instance in the memory map's hypercall window. */
extern const struct glass_device_class hypercall_mmio_class;

#endif
