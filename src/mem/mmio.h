/* Register tables and the access contract, as the bus applies them.
 *
 * A device's regions are described by struct glass_region_ops (the public
 * include/glass/bus.h states the contract): `valid` (what the guest may
 * do), `impl` (what the model implements; the bus adapts between the
 * two) and the register table (names, and the widths each register
 * takes). These helpers read that description; the bus applies it in
 * src/mem/access.c, and the trace, the statistics and the monitor take
 * register names from the same place.
 */
#ifndef GLASS_MEM_MMIO_H
#define GLASS_MEM_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "glass/bus.h"

/* The entry of a table covering `offset`, or NULL. */
const struct glass_reg *reg_find(const struct glass_reg *regs,
				 uint64_t offset);

/* Name of the register at `offset` in a table, or NULL. */
const char *reg_name(const struct glass_reg *regs, uint64_t offset);

/* The register of a region covering `offset` (from its table or its
 * reg_at function; computed ones in *scratch), or NULL: a hole, or a
 * region without registers. With `buf`, computed names are written
 * there. */
const struct glass_reg *mmio_reg_at(const struct glass_region_ops *ops,
				    uint64_t offset,
				    struct glass_reg *scratch, char *buf,
				    size_t len);

/* Name of the register of a region at `offset`, or NULL. */
const char *mmio_reg_name(const struct glass_region_ops *ops, uint64_t offset,
			  char *buf, size_t len);

/* What the guest may do and what the model implements, defaults applied
 * (valid 0: any width, aligned; impl 0: as valid). */
static inline uint8_t mmio_valid(const struct glass_region_ops *ops)
{
	return ops->valid ? ops->valid : GLASS_WANY;
}

static inline uint8_t mmio_impl(const struct glass_region_ops *ops)
{
	return ops->impl ? ops->impl : mmio_valid(ops);
}

/* Whether a region has a register table (or computes one). */
static inline bool mmio_has_regs(const struct glass_region_ops *ops)
{
	return ops->regs || ops->reg_at;
}

/* The widths register `d` takes (the region's impl for 0). */
static inline uint8_t mmio_reg_widths(const struct glass_region_ops *ops,
				      const struct glass_reg *d)
{
	return d && d->widths ? d->widths : mmio_impl(ops);
}

/* Whether an access of `size` (1, 2, 4 or 8) at `offset` has a width in
 * `widths` and the alignment they ask for. */
static inline bool mmio_width_ok(uint8_t widths, uint64_t offset,
				 unsigned size)
{
	return (size & widths) &&
	       (!(offset & (size - 1)) || (widths & GLASS_UNALIGNED));
}

/* Whether an access of `size` at `offset` fits register `d` of a region
 * (its width, its alignment, inside it). */
bool mmio_reg_fits(const struct glass_region_ops *ops,
		   const struct glass_reg *d, uint64_t offset, unsigned size);

/* Whether a region description is one the bus can apply: widths among
 * 1, 2, 4, 8; impl never wider than 8 or empty; a table sorted, without
 * overlaps, every register's widths inside impl. Returns NULL, or a
 * static string saying what is wrong (devices from plugins are checked
 * before they are mapped). `size` is the region's. */
const char *mmio_ops_check(const struct glass_region_ops *ops, uint64_t size);

#endif
