/* glass public device ABI, part 1: the bus as a device model sees it.
 *
 * A device model answers accesses of (offset, size, value) to regions of
 * its own, and describes its registers once, in a table: where each one
 * is, the access widths it takes and its name. glass enforces the widths
 * (the model never checks one) and the trace, --stats and the monitor
 * take the names from the same table.
 *
 * This header is part of the versioned ABI of include/glass/device.h; it
 * changes only together with GLASS_DEVICE_ABI_VERSION. Plain C11, no
 * dependency beyond <stdbool.h>, <stddef.h> and <stdint.h>.
 */
#ifndef GLASS_BUS_H
#define GLASS_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Access widths as a bit mask: a width in bytes is its own bit. */
#define GLASS_W1 0x01
#define GLASS_W2 0x02
#define GLASS_W4 0x04
#define GLASS_W8 0x08
#define GLASS_WANY 0x0f
/* With widths: accesses of those widths may also be misaligned. */
#define GLASS_UNALIGNED 0x10

/* Who is accessing: travels with every access, from the hart's load or
 * store (or a device's DMA) through the bus to the device model and the
 * trace. A model rarely needs more than `initiator`. */
struct glass_attrs {
	int32_t initiator;   /* hart id, or GLASS_INITIATOR_DEVICE */
	uint8_t priv;        /* privilege of the hart: 0 U, 1 S, 3 M */
	uint8_t fetch;       /* an instruction fetch */
	uint8_t translated;  /* va and pte are meaningful */
	uint8_t debug;       /* made by a debugger or the monitor, not the guest */
	uint64_t pc;         /* of the accessing instruction */
	uint64_t va;         /* virtual address, when translated */
	uint64_t pte;        /* leaf page-table entry of the translation */
	uint64_t instret;    /* instructions the hart had retired */
};

/* The initiator of an access that no hart made (device DMA). */
#define GLASS_INITIATOR_DEVICE (-1)

/* A register: bytes [offset, offset + size) of the region, the widths it
 * takes (GLASS_W* | GLASS_UNALIGNED; 0 means the region's `impl`) and its
 * name (NULL only for computed registers that have none). Tables are
 * sorted by offset, registers do not overlap, and a table ends with an
 * entry whose name is NULL. */
struct glass_reg {
	uint32_t offset;
	uint32_t size;
	const char *name;
	uint8_t widths;
};

/* How an access reaches a model (QEMU's MemoryRegionOps .valid/.impl):
 *
 * 1. `valid` says what the guest may do. An access of another width, or
 *    misaligned without GLASS_UNALIGNED in `valid`, is a bus error: the
 *    hart takes an access fault, and the trace shows a guest error.
 * 2. `impl` says what read and write implement. glass turns a valid
 *    access into accesses of `impl`'s widths: a wider one is split, a
 *    narrower one is widened (a write then reads, modifies and writes
 *    the enclosing unit), and without GLASS_UNALIGNED in `impl` the
 *    pieces are aligned to their width.
 * 3. The register table says which registers exist and which of `impl`'s
 *    widths each takes. A piece that no register takes (a hole, a width
 *    the register does not take, misaligned, or running past the
 *    register's end) never reaches the model: a read returns all ones
 *    (zero with GLASS_UNCLAIMED_ZERO), a write is dropped, and the trace
 *    shows a guest error that names the register.
 *
 * A region without a table (regs and reg_at NULL) is one register as
 * large as itself that takes `impl`.
 */
#define GLASS_UNCLAIMED_ZERO 0x01

typedef uint64_t glass_read_fn(void *opaque, uint64_t offset, unsigned size,
			       const struct glass_attrs *who);
typedef void glass_write_fn(void *opaque, uint64_t offset, uint64_t value,
			    unsigned size, const struct glass_attrs *who);

struct glass_region_ops {
	/* Called with an access of 1, 2, 4 or 8 bytes that a register takes
	 * (see above). read returns the value in the low `size` bytes; any
	 * bit above them is a model bug: glass drops it and reports a guest
	 * error. write's value holds only the accessed bytes. */
	glass_read_fn *read;
	glass_write_fn *write;
	uint8_t valid;   /* GLASS_W* | GLASS_UNALIGNED; 0: GLASS_WANY */
	uint8_t impl;    /* GLASS_W* | GLASS_UNALIGNED; 0: the same as valid */
	uint8_t flags;   /* GLASS_UNCLAIMED_ZERO */
	/* The register table, or NULL. */
	const struct glass_reg *regs;
	/* Instead of regs, for register files a table cannot list (arrays
	 * per interrupt source, per-channel pages): the register covering
	 * `offset`, built in *scratch (and scratch returned), or NULL for
	 * a hole. When `name` is not NULL, a computed name is written there
	 * (at most len bytes) and scratch->name points at it; otherwise
	 * scratch->name may be left NULL. */
	const struct glass_reg *(*reg_at)(uint64_t offset,
					  struct glass_reg *scratch,
					  char *name, size_t len);
};

#ifdef __cplusplus
}
#endif

#endif
