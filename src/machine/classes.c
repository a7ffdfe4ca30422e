/* The classes of the virt machine. The board's own devices are created
 * from the memory map (virt_map.c); the others by -device. */
#include <string.h>

#include "dev/clint.h"
#include "dev/edu.h"
#include "dev/finisher.h"
#include "dev/goldfish_rtc.h"
#include "dev/plic.h"
#include "dev/uart16550.h"
#include "device/device.h"
#include "device/plugin.h"
#include "machine/classes.h"
#include "machine/hypercall_host.h"
#include "virtio/dev/classes.h"

/* What -device may create. */
static const struct glass_device_class *const user_classes[] = {
	&edu_class,
	&hypercall_pci_class,
	VIRTIO_USER_CLASSES,
	NULL,
};

const struct glass_device_class *const machine_classes[] = {
	&edu_class,
	&hypercall_pci_class,
	VIRTIO_USER_CLASSES,
	&hypercall_mmio_class,
	&finisher_class,
	&goldfish_rtc_class,
	&uart16550_class,
	&clint_class,
	&plic_class,
	NULL,
};

static const struct glass_device_class *
find_in(const struct glass_device_class *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcmp((*list)->name, name))
			return *list;
	return NULL;
}

const struct glass_device_class *machine_class_find(const char *name)
{
	const struct glass_device_class *cls = find_in(user_classes, name);

	if (cls)
		return cls;
	if (find_in(machine_classes, name))
		fprintf(stderr, "glass: -device %s: the board's own device; it "
			"cannot be added again\n", name);
	else
		fprintf(stderr, "glass: -device %s: unknown device (see -device "
			"help)\n", name);
	return NULL;
}

void machine_classes_print(FILE *out)
{
	fprintf(out, "Devices (-device NAME,help lists a device's properties):\n");
	for (const struct glass_device_class *const *c = user_classes; *c; c++)
		fprintf(out, "  %-22s %s, %s\n", (*c)->name,
			(*c)->bus == GLASS_BUS_PCI ? "PCI" : "platform",
			(*c)->desc);
	fprintf(out, "  %-22s a device from a shared object: "
		"plugin,path=FILE[,PROP=VALUE...]\n", "plugin");
	fprintf(out, "The board's own (in every machine):\n");
	for (const struct glass_device_class *const *c = machine_classes; *c; c++)
		if (!find_in(user_classes, (*c)->name))
			fprintf(out, "  %-22s %s\n", (*c)->name, (*c)->desc);
}

/* "NAME,help" or "plugin,path=FILE,help" */
int machine_class_help(const char *arg, FILE *out)
{
	char name[48], path[256] = "";
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);

	snprintf(name, sizeof(name), "%.*s", (int)(n < 47 ? n : 47), arg);
	if (strcmp(name, "plugin")) {
		const struct glass_device_class *cls = machine_class_find(name);
		if (!cls)
			return -1;
		device_print_props(cls, out);
		return 0;
	}
	const char *p = strstr(arg, "path=");
	if (p)
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(p + 5, ","),
			 p + 5);
	if (!*path) {
		fprintf(stderr, "glass: -device plugin,help: needs path=FILE\n");
		return -1;
	}
	void *handle;
	const struct glass_device_class *cls = plugin_open(path, &handle);
	if (!cls)
		return -1;
	device_print_props(cls, out);
	plugin_close(handle);
	return 0;
}
