/* Wiring the hypercall device into the virt board. */
#ifndef GLASS_MACHINE_HYPERCALL_HOST_H
#define GLASS_MACHINE_HYPERCALL_HOST_H

#include "machine/machine.h"

/* The platform instance at the memory map's hypercall window. */
int machine_add_hypercall(struct machine *m);

/* -device glass-hypercall: the PCI instance. */
extern const struct device_type hypercall_pci_type;

#endif
