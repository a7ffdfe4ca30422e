/* Writing device-tree nodes: a small layer over libfdt's read-write API
 * that the board (machine/fdt.c) and the devices' fdt_node hooks share,
 * and the glass_fdt_* functions of the device ABI. */
#ifndef GLASS_DEVICE_FDT_NODE_H
#define GLASS_DEVICE_FDT_NODE_H

#include <stddef.h>
#include <stdint.h>

struct glass_device;

/* libfdt error codes turned into one sticky flag, so node builders read as
 * a list of properties. */
struct fdt_builder {
	void *fdt;
	int err;          /* the first libfdt error, or 0 */
};

/* Phandles the board hands out by convention: the PLIC, and each hart's
 * local interrupt controller. Devices' own nodes get theirs from
 * FDT_PHANDLE_FIRST_FREE up. */
#define FDT_PHANDLE_PLIC 1
#define FDT_PHANDLE_CPU_INTC(h) (16u + (h))
#define FDT_PHANDLE_FIRST_FREE 0x100u

/* Add node "name@unit" (unit UINT64_MAX: no unit address) under parent. */
int fdtb_node(struct fdt_builder *b, int parent, const char *name,
	      uint64_t unit);
void fdtb_u32(struct fdt_builder *b, int n, const char *p, uint32_t v);
void fdtb_u64(struct fdt_builder *b, int n, const char *p, uint64_t v);
void fdtb_str(struct fdt_builder *b, int n, const char *p, const char *v);
/* A string list given as "a\0b\0" with its total length. */
void fdtb_strs(struct fdt_builder *b, int n, const char *p, const char *v,
	       size_t len);
void fdtb_empty(struct fdt_builder *b, int n, const char *p);
void fdtb_cells(struct fdt_builder *b, int n, const char *p,
		const uint32_t *cells, unsigned count);
/* reg = <base size> with two cells each. */
void fdtb_reg(struct fdt_builder *b, int n, uint64_t base, uint64_t size);

/* What a device's fdt_node hook writes into. */
struct glass_fdt {
	struct fdt_builder *b;
	int parent;               /* /soc */
	int node;                 /* the device's node once begun, else -1 */
	const struct glass_device *dev;
	uint32_t phandle;         /* the node's, once it has one */
	uint32_t *next_phandle;   /* the tree's allocator */
};

/* Write d's node(s) under parent, if its class has a hook. Returns 0, or
 * -1 (the builder's error is set). */
int device_fdt(const struct glass_device *d, struct fdt_builder *b,
	       int parent, uint32_t *next_phandle);

/* Give the node being written a fixed phandle (the PLIC's). */
void device_fdt_set_phandle(struct glass_fdt *f, uint32_t phandle);

#endif
