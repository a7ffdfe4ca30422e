/* The bus interface a device model sees: (offset, width, value) and its own
 * state. Nothing here knows about harts, TLBs or privilege modes. */
#ifndef GLASS_MEM_MMIO_H
#define GLASS_MEM_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A named register, for the trace and the monitor. Tables end with a NULL
 * name. `size` is the register's width in bytes. */
struct reg_desc {
	uint32_t offset;
	uint8_t size;
	const char *name;
};

/* What a device implements. Written values are zero-extended from the
 * access width. The address space guarantees that read/write are
 * only called with a size in [min_size, max_size] (powers of two), with
 * offset aligned to that size and offset + size <= the region's size. Any
 * other guest access is split or widened centrally before it gets here. */
struct mmio_ops {
	uint64_t (*read)(void *dev, uint64_t offset, unsigned size);
	void (*write)(void *dev, uint64_t offset, uint64_t val, unsigned size);
	uint8_t min_size;
	uint8_t max_size;
	const struct reg_desc *regs; /* optional */
	/* optional, for register files a table cannot list (per-channel
	 * pages): the name of the register at offset, written to buf */
	const char *(*reg_name)(uint64_t offset, char *buf, size_t len);
	/* the device takes misaligned accesses of a valid width whole (and
	 * decides itself what they do) instead of having them split */
	bool unaligned;
	/* refuse (bus error: an access fault) what is outside [min_size,
	 * max_size] or misaligned, instead of adapting it */
	bool strict;
};

/* Name of the register at `offset`, or NULL. */
const char *reg_name(const struct reg_desc *regs, uint64_t offset);

/* Name of the register of a device at `offset` (from its table or its
 * reg_name function), or NULL. */
const char *mmio_reg_name(const struct mmio_ops *ops, uint64_t offset,
			  char *buf, size_t len);

#endif
