/* Loading device classes from shared objects. A plugin runs inside glass,
 * so what can be checked is checked before its first hook runs: the ABI
 * version, then the class description (device_class_check). What it can
 * still break is listed in docs/devices.md. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "device/device.h"
#include "device/internal.h"
#include "device/plugin.h"

static void plugin_fail(const char *path, const char *fmt, const char *arg)
{
	fprintf(stderr, "glass: -device plugin,path=%s: ", path);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

const struct glass_device_class *plugin_open(const char *path, void **handle)
{
	*handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!*handle) {
		const char *err = dlerror();
		plugin_fail(path, "cannot load it: %s", err ? err : "?");
		return NULL;
	}
	const struct glass_plugin *p = dlsym(*handle, "glass_plugin");
	if (!p) {
		plugin_fail(path, "%s", "not a glass plugin (no glass_plugin "
			    "symbol)");
		goto fail;
	}
	if (p->abi_version != GLASS_DEVICE_ABI_VERSION) {
		char msg[96];
		snprintf(msg, sizeof(msg), "built for device ABI version %u, "
			 "this glass has version %u", p->abi_version,
			 GLASS_DEVICE_ABI_VERSION);
		plugin_fail(path, "%s", msg);
		goto fail;
	}
	const char *bad = p->cls ? device_class_check(p->cls) : "no class";
	if (bad) {
		plugin_fail(path, "not a usable device class: %s", bad);
		goto fail;
	}
	return p->cls;
fail:
	dlclose(*handle);
	*handle = NULL;
	return NULL;
}

void plugin_close(void *handle)
{
	if (handle)
		dlclose(handle);
}

/* props without its path= item, into buf; the path into *path. */
static int split_path(const char *props, char *buf, size_t len,
		      char *path, size_t plen)
{
	size_t n = 0;

	*path = 0;
	buf[0] = 0;
	for (const char *p = props; p && *p;) {
		const char *end = strchr(p, ',');
		size_t k = end ? (size_t)(end - p) : strlen(p);
		if (k > 5 && !strncmp(p, "path=", 5)) {
			if (k - 5 >= plen)
				return -1;
			memcpy(path, p + 5, k - 5);
			path[k - 5] = 0;
		} else if (k) {
			if (n + k + 2 > len)
				return -1;
			if (n)
				buf[n++] = ',';
			memcpy(buf + n, p, k);
			n += k;
			buf[n] = 0;
		}
		p = end ? end + 1 : NULL;
	}
	return *path ? 0 : -1;
}

const struct glass_device_class *plugin_load(const char *props, char *rest,
					     size_t len, void **handle)
{
	char path[256];

	if (split_path(props, rest, len, path, sizeof(path)) < 0) {
		fprintf(stderr, "glass: -device plugin: needs path=FILE (a "
			"shared object built against include/glass/device.h)\n");
		return NULL;
	}
	return plugin_open(path, handle);
}
