/* Device classes from shared objects: -device plugin,path=FILE[,k=v...]. */
#ifndef GLASS_DEVICE_PLUGIN_H
#define GLASS_DEVICE_PLUGIN_H

#include "device/device.h"

/* Load the plugin named by the path= property in `props`, and create its
 * device with the other properties. Returns it, or NULL after printing
 * one line: no path=, a file that does not load, no `glass_plugin`
 * symbol, another ABI version, or a class glass cannot use. The shared
 * object stays loaded until the device is destroyed. */
struct glass_device *plugin_create(const struct device_env *env,
				   const char *props,
				   const struct platform_place *place);

/* Find the class a plugin file holds, without creating a device (for
 * -device plugin,path=FILE,help). NULL after printing why; *handle must
 * be given to plugin_close. */
const struct glass_device_class *plugin_open(const char *path, void **handle);
void plugin_close(void *handle);

#endif
