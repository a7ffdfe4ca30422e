/* Device classes from shared objects: -device plugin,path=FILE[,k=v...]. */
#ifndef GLASS_DEVICE_PLUGIN_H
#define GLASS_DEVICE_PLUGIN_H

#include "device/device.h"

/* Load the plugin named by the path= property in `props` ("path=FILE,
 * k=v,..."): its class, and in rest (len bytes) the other properties.
 * NULL after printing one line: no path=, a file that does not load, no
 * `glass_plugin` symbol, another ABI version, or a class glass cannot
 * use. The shared object must stay loaded while the class is in use:
 * give *handle to plugin_close afterwards, or set the device's dl. */
const struct glass_device_class *plugin_load(const char *props, char *rest,
					     size_t len, void **handle);

/* Find the class a plugin file holds, without creating a device (for
 * -device plugin,path=FILE,help). NULL after printing why; *handle must
 * be given to plugin_close. */
const struct glass_device_class *plugin_open(const char *path, void **handle);
void plugin_close(void *handle);

#endif
