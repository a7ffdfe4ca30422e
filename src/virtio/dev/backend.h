/* How a virtio device model finds its host backend (a -drive, a
 * -netdev) by the id its property names. */
#ifndef GLASS_VIRTIO_DEV_BACKEND_H
#define GLASS_VIRTIO_DEV_BACKEND_H

#include "device/device.h"

/* The backend of `kind` named by property `prop`: NULL after
 * glass_error() when the property is missing or names nothing. */
static inline void *virtio_backend(struct glass_device *dev,
				   const char *kind, const char *prop,
				   const char *option)
{
	const struct device_env *env = device_env(dev);
	const char *id = NULL;
	void *b;

	glass_prop_string(dev, prop, &id);
	if (!id || !*id) {
		glass_error(dev, "needs %s=ID (the id of a %s)", prop, option);
		return NULL;
	}
	b = env->backend ? env->backend(env->opaque, kind, id) : NULL;
	if (!b)
		glass_error(dev, "%s=%s: there is no %s with id=%s", prop, id,
			    option, id);
	return b;
}

#endif
