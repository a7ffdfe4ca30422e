/* Device tree generation. */
#ifndef GLASS_MACHINE_FDT_H
#define GLASS_MACHINE_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct glass_device;
struct pci_host;

struct fdt_params {
	unsigned nharts;
	uint64_t ram_size;
	const char *bootargs;        /* NULL: none */
	uint64_t initrd_start, initrd_end;
	const struct pci_host *pci;  /* its windows become ranges/dma-ranges */
	const struct glass_device *devices; /* platform ones write their nodes */
};

/* A packed flattened device tree (malloc'd; free() it), or NULL after
 * printing why. */
void *fdt_build(const struct fdt_params *p);

/* Whether a user's -dtb file can be used: a complete, well-formed blob
 * of at most max bytes. fdt_check_full walks the whole tree (libfdt 1.6
 * needs version 17 for that walk to be safe); only then may the rest of
 * libfdt touch it. */
bool fdt_user_blob_ok(const void *data, size_t size, size_t max);

/* A copy of `fdt` (at most `size` bytes once packed) whose /chosen has
 * bootargs and the initrd range set (when given), or NULL. */
void *fdt_with_chosen(const void *fdt, size_t size, const char *bootargs,
		      uint64_t initrd_start, uint64_t initrd_end);

#endif
