/* Register tables: one description of a device's registers for the bus's
 * access-size contract, the trace, the statistics and the monitor. */
#include <stddef.h>

#include "mem/mmio.h"

/* Tables are short (17 entries at most today) and the bus only looks
 * one up off its fast path, so a scan that stops at the first register
 * past `offset` is enough. */
const struct reg_desc *reg_find(const struct reg_desc *regs, uint64_t offset)
{
	if (!regs)
		return NULL;
	for (; regs->name && regs->offset <= offset; regs++)
		if (offset - regs->offset < regs->size)
			return regs;
	return NULL;
}

const char *reg_name(const struct reg_desc *regs, uint64_t offset)
{
	const struct reg_desc *d = reg_find(regs, offset);

	return d ? d->name : NULL;
}

const struct reg_desc *mmio_reg_at(const struct mmio_ops *ops, uint64_t offset,
				   struct reg_desc *scratch, char *buf,
				   size_t len)
{
	if (!ops)
		return NULL;
	if (ops->reg_at)
		return ops->reg_at(offset, scratch, buf, len);
	return reg_find(ops->regs, offset);
}

const char *mmio_reg_name(const struct mmio_ops *ops, uint64_t offset,
			  char *buf, size_t len)
{
	struct reg_desc scratch;
	const struct reg_desc *d = mmio_reg_at(ops, offset, &scratch, buf, len);

	return d ? d->name : NULL;
}

bool mmio_reg_fits(const struct mmio_ops *ops, const struct reg_desc *d,
		   uint64_t offset, unsigned size)
{
	return d && mmio_width_ok(mmio_reg_widths(ops, d), offset, size) &&
	       offset >= d->offset && offset - d->offset < d->size &&
	       size <= d->size - (offset - d->offset);
}
