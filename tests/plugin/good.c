/* A small platform device plugin for the test suite: one 32-bit scratch
 * register and a counter of writes, with a device-tree node. Built with
 * `cc -shared -fPIC -I include`, exactly as a user's plugin. */
#include <glass/device.h>

struct scratch_state {
	uint32_t value;
	uint32_t writes;
};

struct scratch {
	struct scratch_state s;
	struct glass_device *dev;
};

static uint64_t scratch_read(void *opaque, uint64_t off, unsigned size,
			     const struct glass_attrs *who)
{
	struct scratch *d = opaque;

	return off == 0 ? d->s.value : d->s.writes;
}

static void scratch_write(void *opaque, uint64_t off, uint64_t val,
			  unsigned size, const struct glass_attrs *who)
{
	struct scratch *d = opaque;

	d->s.value = (uint32_t)val;
	d->s.writes++;
}

static const struct glass_reg scratch_regs[] = {
	{ 0x0, 4, "SCRATCH", GLASS_W4 },
	{ 0x4, 4, "WRITES", GLASS_W4 },
	{ 0, 0, NULL, 0 },
};

static const struct glass_region_ops scratch_ops = {
	.read = scratch_read, .write = scratch_write,
	.valid = GLASS_W4, .regs = scratch_regs,
};

static int scratch_realize(void *self, struct glass_device *dev)
{
	struct scratch *d = self;
	uint64_t init = 0;

	d->dev = dev;
	glass_prop_uint(dev, "init", &init);
	d->s.value = (uint32_t)init;
	return glass_platform_mmio(dev, 0, 0x1000, &scratch_ops, d);
}

static int scratch_fdt(void *self, struct glass_fdt *fdt)
{
	if (glass_fdt_begin(fdt, "scratch") < 0)
		return -1;
	glass_fdt_prop_string(fdt, "compatible", "glass,test-scratch");
	return 0;
}

static const struct glass_prop scratch_props[] = {
	{ "init", GLASS_PROP_UINT, "0x5a5a", "the register's value at power-on" },
	{ NULL, 0, NULL, NULL },
};

static const struct glass_device_class scratch_class = {
	.name = "test-scratch",
	.desc = "a scratch register (test plugin)",
	.bus = GLASS_BUS_PLATFORM,
	.props = scratch_props,
	.instance_size = sizeof(struct scratch),
	.state_size = sizeof(struct scratch_state),
	.state_version = 1,
	.platform_size = 0x1000,
	.platform_irqs = 1,
	.realize = scratch_realize,
	.fdt_node = scratch_fdt,
};

const struct glass_plugin glass_plugin = {
	.abi_version = GLASS_DEVICE_ABI_VERSION,
	.cls = &scratch_class,
};
