/* A plugin whose class glass cannot use (no realize, a name with a
 * space). */
#include <glass/device.h>

static const struct glass_device_class cls = {
	.name = "bad name", .bus = GLASS_BUS_PCI, .instance_size = 8,
};

const struct glass_plugin glass_plugin = {
	.abi_version = GLASS_DEVICE_ABI_VERSION, .cls = &cls,
};
