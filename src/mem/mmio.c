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
