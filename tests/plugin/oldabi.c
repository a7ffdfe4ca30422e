/* A plugin built for another version of the device ABI. */
#include <glass/device.h>

const struct glass_plugin glass_plugin = {
	.abi_version = GLASS_DEVICE_ABI_VERSION + 1000,
	.cls = 0,
};
