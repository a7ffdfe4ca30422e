/* Register tables: one description of a device's registers for the bus's
 * access contract, the trace, the statistics and the monitor. */
#include <stddef.h>

#include "mem/mmio.h"

/* Tables are short (17 entries at most in glass's own devices) and the
 * bus only looks one up off its fast path, so a scan that stops at the
 * first register past `offset` is enough. */
const struct glass_reg *reg_find(const struct glass_reg *regs,
				 uint64_t offset)
{
	if (!regs)
		return NULL;
	for (; regs->name && regs->offset <= offset; regs++)
		if (offset - regs->offset < regs->size)
			return regs;
	return NULL;
}

const char *reg_name(const struct glass_reg *regs, uint64_t offset)
{
	const struct glass_reg *d = reg_find(regs, offset);

	return d ? d->name : NULL;
}

const struct glass_reg *mmio_reg_at(const struct glass_region_ops *ops,
				    uint64_t offset,
				    struct glass_reg *scratch, char *buf,
				    size_t len)
{
	if (!ops)
		return NULL;
	if (ops->reg_at)
		return ops->reg_at(offset, scratch, buf, len);
	return reg_find(ops->regs, offset);
}

const char *mmio_reg_name(const struct glass_region_ops *ops, uint64_t offset,
			  char *buf, size_t len)
{
	struct glass_reg scratch;
	const struct glass_reg *d = mmio_reg_at(ops, offset, &scratch, buf, len);

	return d ? d->name : NULL;
}

bool mmio_reg_fits(const struct glass_region_ops *ops,
		   const struct glass_reg *d, uint64_t offset, unsigned size)
{
	return d && mmio_width_ok(mmio_reg_widths(ops, d), offset, size) &&
	       offset >= d->offset && offset - d->offset < d->size &&
	       size <= d->size - (offset - d->offset);
}

static bool widths_sane(uint8_t w)
{
	return (w & GLASS_WANY) && !(w & ~(GLASS_WANY | GLASS_UNALIGNED));
}

const char *mmio_ops_check(const struct glass_region_ops *ops, uint64_t size)
{
	if (!ops->read || !ops->write)
		return "region without read or write function";
	if (ops->valid && !widths_sane(ops->valid))
		return "bad `valid` widths";
	if (ops->impl && !widths_sane(ops->impl))
		return "bad `impl` widths";
	if (ops->flags & ~GLASS_UNCLAIMED_ZERO)
		return "unknown region flags";
	if (ops->regs && ops->reg_at)
		return "both a register table and reg_at";
	uint64_t end = 0;
	for (const struct glass_reg *r = ops->regs; r && r->name; r++) {
		if (r->size == 0 || r->offset < end)
			return "register table not sorted, or overlapping";
		end = (uint64_t)r->offset + r->size;
		if (end > size)
			return "register beyond the end of the region";
		if (r->widths && (!widths_sane(r->widths) ||
				  (r->widths & ~mmio_impl(ops) & GLASS_WANY)))
			return "register takes a width the region does not implement";
	}
	return NULL;
}
