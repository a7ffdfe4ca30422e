/* The bus interface a device model sees: (offset, width, value) and its own
 * state. Nothing here knows about harts, TLBs or privilege modes.
 *
 * A device describes its registers once, in a table (or a function, for
 * register files too regular or too large to list): where each register
 * is, which access widths it takes and what it is called. The address
 * space enforces those widths (src/mem/access.c) and the trace, the
 * statistics and the monitor take the names from the same place, so a
 * device's read/write functions only ever see accesses its registers
 * take and never check widths themselves. docs/memory.md has the rules.
 */
#ifndef GLASS_MEM_MMIO_H
#define GLASS_MEM_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Access widths as a bitmask: a width in bytes is its own bit. */
#define MMIO_W1 0x01
#define MMIO_W2 0x02
#define MMIO_W4 0x04
#define MMIO_W8 0x08
#define MMIO_WANY 0x0f
/* With widths: misaligned accesses of those widths are taken too, whole
 * (as long as they stay inside the register). */
#define MMIO_UNALIGNED 0x10

/* A register: bytes [offset, offset + size) of the device, the widths it
 * takes (MMIO_W* | MMIO_UNALIGNED; 0: the device's `widths`) and its
 * name. Tables are sorted by offset, registers do not overlap, and a
 * table ends with a NULL name. */
struct reg_desc {
	uint32_t offset;
	uint32_t size;
	const char *name;
	uint8_t widths;
};

/* What the bus does with an access that no register takes: a width the
 * register does not take, misaligned, running past the register's end,
 * or where no register is. */
enum mmio_misfit {
	/* split or widen it into accesses of the widths of the register at
	 * its first byte (the device's `widths` where no register is):
	 * today's behaviour of every platform device */
	MISFIT_ADAPT,
	/* refuse it: a bus error, which the CPU turns into an access fault */
	MISFIT_FAULT,
	/* reads all ones, writes are dropped, a guest-error event */
	MISFIT_ONES,
	/* reads zero, writes are dropped, a guest-error event */
	MISFIT_ZERO,
};

/* What a device implements. Written values are zero-extended from the
 * access width. The address space only calls read/write with an access
 * of 1, 2, 4 or 8 bytes inside the region that
 * - fits a register: its width is one the register takes, it is aligned
 *   to that width (unless the register takes MMIO_UNALIGNED) and it lies
 *   inside the register; or
 * - for MISFIT_ADAPT devices, is a piece the bus made (a width the
 *   register at the access's first byte takes, or the device's `widths`
 *   where no register is, aligned to it).
 * A device without a table or reg_at function is one register as large
 * as its region (plain memory, a bus window). */
struct mmio_ops {
	uint64_t (*read)(void *dev, uint64_t offset, unsigned size);
	void (*write)(void *dev, uint64_t offset, uint64_t val, unsigned size);
	/* the widths every register takes (MMIO_W*, | MMIO_UNALIGNED); a
	 * table entry may list more, never fewer. Required. */
	uint8_t widths;
	enum mmio_misfit misfit;
	/* optional, QEMU's "valid" sizes: an access of a width outside
	 * these, or misaligned unless MMIO_UNALIGNED is among them, faults
	 * whatever `misfit` says; 0: no such limit */
	uint8_t valid;
	const struct reg_desc *regs; /* optional */
	/* optional, instead of regs, for register files a table cannot list
	 * (arrays per source or context, per-channel pages): the register
	 * covering `offset`, or NULL. A computed register is built in
	 * *scratch (and scratch returned). With `buf` (len bytes), its name
	 * is written there if it has to be computed; without, the name may
	 * be left NULL: the bus asks on every access and needs only the
	 * offset, size and widths. */
	const struct reg_desc *(*reg_at)(uint64_t offset,
					 struct reg_desc *scratch, char *buf,
					 size_t len);
};

/* The entry of a table covering `offset`, or NULL. */
const struct reg_desc *reg_find(const struct reg_desc *regs, uint64_t offset);

/* Name of the register at `offset` in a table, or NULL. */
const char *reg_name(const struct reg_desc *regs, uint64_t offset);

/* The register of a device covering `offset` (from its table or its
 * reg_at function; computed ones in *scratch), or NULL: a hole, or a
 * device without registers. With `buf`, computed names are written
 * there. */
const struct reg_desc *mmio_reg_at(const struct mmio_ops *ops, uint64_t offset,
				   struct reg_desc *scratch, char *buf,
				   size_t len);

/* Name of the register of a device at `offset`, or NULL. */
const char *mmio_reg_name(const struct mmio_ops *ops, uint64_t offset,
			  char *buf, size_t len);

/* The widths register `d` of a device takes (the device's for NULL). */
static inline uint8_t mmio_reg_widths(const struct mmio_ops *ops,
				      const struct reg_desc *d)
{
	return d && d->widths ? d->widths : ops->widths;
}

/* Whether an access of `size` (1, 2, 4 or 8) at `offset` has a width in
 * `widths` and the alignment they ask for. */
static inline bool mmio_width_ok(uint8_t widths, uint64_t offset, unsigned size)
{
	return (size & widths) &&
	       (!(offset & (size - 1)) || (widths & MMIO_UNALIGNED));
}

/* Whether an access of `size` at `offset` fits register `d` of a device
 * (its width, its alignment, inside it). */
bool mmio_reg_fits(const struct mmio_ops *ops, const struct reg_desc *d,
		   uint64_t offset, unsigned size);

#endif
