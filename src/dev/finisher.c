/* SiFive test finisher: one write-only command register at offset 0. The
 * low 16 bits select the action, the high 16 bits carry a failure code.
 * What "power off" or "reset" means is the machine's business. It has no
 * state, so a snapshot of it is empty. */
#include <stddef.h>

#include "dev/finisher.h"

#define FINISHER_REG 0x0
#define FINISHER_FAIL 0x3333
#define FINISHER_PASS 0x5555
#define FINISHER_RESET 0x7777

struct finisher {
	struct glass_device *dev;
};

static uint64_t finisher_read(void *opaque, uint64_t off, unsigned size,
			      const struct glass_attrs *who)
{
	return 0;
}

static void finisher_write(void *opaque, uint64_t off, uint64_t val,
			   unsigned size, const struct glass_attrs *who)
{
	struct finisher *f = opaque;
	uint32_t v = (uint32_t)val;
	int code = (int)(v >> 16);

	switch (v & 0xffff) {
	case FINISHER_PASS:
		glass_machine_request(f->dev, GLASS_REQUEST_POWEROFF, 0);
		break;
	case FINISHER_FAIL:
		/* a failure stays a failure: code 0 exits 1, and one no
		 * exit status holds (the register has 16 bits) 255 */
		glass_machine_request(f->dev, GLASS_REQUEST_EXIT,
				      code == 0 ? 1 : code > 255 ? 255 : code);
		break;
	case FINISHER_RESET:
		glass_machine_request(f->dev, GLASS_REQUEST_RESET, 0);
		break;
	default:
		break; /* unknown commands do nothing, as on hardware */
	}
}

static const struct glass_reg finisher_regs[] = {
	{ FINISHER_REG, 4, "FINISHER", GLASS_W4 },
	{ 0, 0, NULL, 0 },
};

/* Narrow and wide accesses are adapted to the 32-bit register; the rest
 * of the page reads zero. */
static const struct glass_region_ops finisher_ops = {
	.read = finisher_read,
	.write = finisher_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED,
	.impl = GLASS_W4,
	.flags = GLASS_UNCLAIMED_ZERO,
	.regs = finisher_regs,
};

static int finisher_realize(void *self, struct glass_device *dev)
{
	struct finisher *f = self;

	f->dev = dev;
	return glass_platform_mmio(dev, 0, 0x1000, &finisher_ops, f);
}

/* The test device, and the syscon reboot and poweroff nodes Linux finds
 * it through. */
static int finisher_fdt(void *self, struct glass_fdt *fdt)
{
	static const char *const compat[] = { "sifive,test1", "sifive,test0",
					      "syscon", NULL };
	static const struct { const char *node, *compat; uint32_t value; }
	syscon[] = {
		{ "reboot", "syscon-reboot", FINISHER_RESET },
		{ "poweroff", "syscon-poweroff", FINISHER_PASS },
	};

	if (glass_fdt_begin(fdt, "test") < 0)
		return -1;
	glass_fdt_prop_strings(fdt, "compatible", compat);
	uint32_t ph = glass_fdt_phandle(fdt);
	for (size_t i = 0; i < 2; i++) {
		if (glass_fdt_begin_plain(fdt, syscon[i].node) < 0)
			return -1;
		glass_fdt_prop_string(fdt, "compatible", syscon[i].compat);
		glass_fdt_prop_u32(fdt, "regmap", ph);
		glass_fdt_prop_u32(fdt, "offset", FINISHER_REG);
		glass_fdt_prop_u32(fdt, "value", syscon[i].value);
	}
	return 0;
}

const struct glass_device_class finisher_class = {
	.name = "sifive-test",
	.desc = "SiFive test finisher: power off, reset, exit code",
	.bus = GLASS_BUS_PLATFORM,
	.instance_size = sizeof(struct finisher),
	.state_size = 0,
	.state_version = 1,
	.platform_size = 0x1000,
	.realize = finisher_realize,
	.fdt_node = finisher_fdt,
};
