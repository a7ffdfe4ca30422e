/* Device tree generation. */
#ifndef GLASS_MACHINE_FDT_H
#define GLASS_MACHINE_FDT_H

#include <stdint.h>

struct pci_host;

struct fdt_params {
	unsigned nharts;
	uint64_t ram_size;
	const char *bootargs;        /* NULL: none */
	uint64_t initrd_start, initrd_end;
	const struct pci_host *pci;  /* its windows become ranges/dma-ranges */
};

/* A packed flattened device tree (malloc'd; free() it), or NULL after
 * printing why. */
void *fdt_build(const struct fdt_params *p);

#endif
