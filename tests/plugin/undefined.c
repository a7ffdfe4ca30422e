/* A plugin calling a function glass does not export. */
#include <glass/device.h>

void glass_no_such_function(struct glass_device *dev);

static int realize(void *self, struct glass_device *dev)
{
	glass_no_such_function(dev);
	return 0;
}

static const struct glass_device_class cls = {
	.name = "broken", .desc = "calls a missing symbol",
	.bus = GLASS_BUS_PLATFORM, .instance_size = 8,
	.platform_size = 0x1000, .realize = realize,
};

const struct glass_plugin glass_plugin = {
	.abi_version = GLASS_DEVICE_ABI_VERSION, .cls = &cls,
};
