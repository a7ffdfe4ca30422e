/* Register tables shared by the trace, the monitor and size contracts. */
#include <stddef.h>

#include "mem/mmio.h"

const char *reg_name(const struct reg_desc *regs, uint64_t offset)
{
	if (!regs)
		return NULL;
	for (; regs->name; regs++)
		if (offset >= regs->offset && offset < regs->offset + regs->size)
			return regs->name;
	return NULL;
}

const char *mmio_reg_name(const struct mmio_ops *ops, uint64_t offset,
			  char *buf, size_t len)
{
	if (!ops)
		return NULL;
	if (ops->reg_name)
		return ops->reg_name(offset, buf, len);
	return reg_name(ops->regs, offset);
}
