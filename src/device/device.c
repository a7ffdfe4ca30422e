/* Device instances: create (properties, placement, realize), reset,
 * destroy, and the monitor's view of them. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "device/device.h"
#include "device/internal.h"
#include "mem/address_space.h"
#include "pci/host.h"

const char *device_what(const struct glass_device *d)
{
	return d->what;
}

static bool name_ok(const char *s)
{
	if (!s || !*s || strlen(s) >= DEVICE_ID_LEN)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '-' && *s != '_')
			return false;
	return true;
}

/* A declared default must be a value of its type, or every instance
 * made without the property would fail (and -device NAME,help show it). */
static bool default_ok(const struct glass_prop *p)
{
	uint64_t u;
	bool b;

	if (!p->default_value)
		return true;
	switch (p->type) {
	case GLASS_PROP_UINT: return prop_parse_uint(p->default_value, &u) == 0;
	case GLASS_PROP_BOOL: return prop_parse_bool(p->default_value, &b) == 0;
	default: return true;
	}
}

static bool props_ok(const struct glass_prop *p)
{
	unsigned n = 0;

	for (; p && p->name; p++, n++)
		if (!name_ok(p->name) || p->type > GLASS_PROP_STRING ||
		    n >= DEVICE_MAX_PROPS - 2 || !default_ok(p))
			return false;
	return true;
}

const char *device_class_check(const struct glass_device_class *cls)
{
	if (!name_ok(cls->name))
		return "its name is empty, too long or has characters other "
		       "than letters, digits, '-' and '_'";
	if (cls->bus != GLASS_BUS_PCI && cls->bus != GLASS_BUS_PLATFORM)
		return "unknown bus";
	if (!cls->realize)
		return "no realize function";
	if (cls->instance_size == 0 || cls->instance_size > (64u << 20) ||
	    cls->state_size > cls->instance_size)
		return "bad instance or state size";
	if (!props_ok(cls->props))
		return "bad property list";
	if (cls->bus == GLASS_BUS_PCI && (cls->pci.pin > 4 ||
					  cls->pci.vendor == 0xffff))
		return "bad PCI identity";
	return NULL;
}

/* The instance's id: id=, or the class name. */
static void set_id(struct glass_device *d)
{
	const char *id = prop_text(d, "id");

	snprintf(d->id, sizeof(d->id), "%s", id ? id : d->cls->name);
}

static int place(struct glass_device *d, const struct platform_place *p)
{
	if (d->cls->bus == GLASS_BUS_PCI)
		return device_pci_init(d);
	if (!p) {
		glass_error(d, "no room for a platform device here");
		return -1;
	}
	d->place = *p;
	return 0;
}

struct glass_device *device_create(const struct device_env *env,
				   const struct glass_device_class *cls,
				   const char *props,
				   const struct platform_place *where,
				   const char *what)
{
	const char *bad = device_class_check(cls);
	struct glass_device *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->cls = cls;
	d->env = env;
	d->slot = -1;
	snprintf(d->what, sizeof(d->what), "%s", what);
	if (bad) {
		glass_error(d, "not a usable device class: %s", bad);
		free(d);
		return NULL;
	}
	d->self = calloc(1, cls->instance_size);
	if (!d->self || props_parse(d, props) < 0 || place(d, where) < 0)
		goto fail;
	set_id(d);
	d->realizing = true;
	int rc = cls->realize(d->self, d);
	d->realizing = false;
	if (rc < 0)
		goto fail;
	if (d->pci && device_pci_plug(d) < 0)
		goto fail;
	device_reset(d);
	return d;
fail:
	device_destroy(d);
	return NULL;
}

void device_reset(struct glass_device *d)
{
	for (unsigned i = 0; i < d->ntimers; i++)
		vtimer_cancel(&d->timers[i]->vt);
	for (unsigned i = 0; i < DEVICE_MAX_IRQS; i++)
		if (d->irq_level[i])
			glass_irq_set(d, i, 0);
	if (d->pci && d->pci->host)
		pci_func_reset(d->pci);
	if (d->cls->reset)
		d->cls->reset(d->self);
}

static uint64_t gone_read(void *opaque, uint64_t offset, unsigned size,
			  const struct glass_attrs *who)
{
	return 0;
}

static void gone_write(void *opaque, uint64_t offset, uint64_t value,
		       unsigned size, const struct glass_attrs *who)
{
}

static const struct glass_region_ops gone_ops = {
	.read = gone_read, .write = gone_write,
};

/* Regions are never taken out of an address space: a destroyed device's
 * stay, decoding nothing, and must not point into it any more (a BAR's
 * name is in its PCI function, a plugin's ops in its unloaded object),
 * since the statistics and the monitor still list them. */
static void region_orphan(struct address_space *as, struct region *r)
{
	as_remap(as, r, r->base, false);
	r->name = "(removed device)";
	as_set_ops(r, &gone_ops, NULL);
	r->owner = NULL;
}

void device_destroy(struct glass_device *d)
{
	if (!d)
		return;
	if (d->self && d->cls->unrealize)
		d->cls->unrealize(d->self);
	/* a device that is gone drives nothing */
	for (unsigned i = 0; i < d->place.nirqs && i < DEVICE_MAX_IRQS; i++)
		if (d->irq_level[i])
			irq_set(&d->place.irqs[i], 0);
	for (unsigned i = 0; i < d->nregions; i++)
		region_orphan(d->env->as, d->regions[i]);
	for (unsigned i = 0; i < d->ntimers; i++) {
		vclock_remove(d->env->clock, &d->timers[i]->vt);
		free(d->timers[i]);
	}
	if (d->pci && d->pci->host)
		pci_host_unplug(d->pci->host, d->pci);
	free(d->pci);
	props_free(d);
	free(d->self);
	if (d->dl)
		dlclose(d->dl);
	free(d);
}

static void print_regions(const struct glass_device *d, FILE *out)
{
	for (unsigned i = 0; i < d->nregions; i++) {
		const struct region *r = d->regions[i];
		fprintf(out, "    region %s: 0x%llx-0x%llx%s", r->name,
			(unsigned long long)r->base,
			(unsigned long long)(r->base + r->size - 1),
			r->enabled ? "" : " [not decoding]");
		if (r->has_bus && r->enabled)
			fprintf(out, " bus=0x%llx", (unsigned long long)r->bus_base);
		fputc('\n', out);
	}
}

void device_print_qtree(const struct glass_device *d, FILE *out)
{
	char info[160] = "";

	if (d->pci)
		fprintf(out, "  dev: %s, id \"%s\", pci 00:%02x.0 %04x:%04x\n",
			d->cls->name, d->id, d->pci->devfn >> 3,
			pci_get_word(d->pci, PCI_VENDOR_ID),
			pci_get_word(d->pci, PCI_DEVICE_ID));
	else
		fprintf(out, "  dev: %s, id \"%s\", platform 0x%llx+0x%llx\n",
			d->cls->name, d->id, (unsigned long long)d->place.base,
			(unsigned long long)d->place.size);
	for (unsigned i = 0; i < d->nprops; i++)
		if (d->props[i].text)
			fprintf(out, "    %s = %s\n", d->props[i].name,
				d->props[i].text);
	for (unsigned i = 0; i < d->place.nirqs; i++)
		if (d->place.sources[i])
			fprintf(out, "    irq %u -> plic source %u%s\n", i,
				d->place.sources[i],
				d->irq_level[i] ? " (raised)" : "");
	if (d->pci && d->pci->host && d->cls->pci.pin) {
		/* the pin, swizzled onto one of the bridge's INTx lines */
		unsigned pin = d->cls->pci.pin;
		const struct irq_line *l = &d->pci->host->intx[
			pci_swizzle(d->pci->devfn >> 3, pin)];
		fprintf(out, "    irq 0 (INT%c) -> plic source %d%s\n",
			'A' + pin - 1, l->n, d->irq_level[0] ? " (raised)" : "");
	}
	print_regions(d, out);
	if (d->cls->info) {
		d->cls->info(d->self, info, sizeof(info));
		info[sizeof(info) - 1] = 0;
		fprintf(out, "    %s\n", info);
	}
	if (d->guest_errors || d->abi_errors)
		fprintf(out, "    guest errors %llu, refused ABI calls %llu\n",
			(unsigned long long)d->guest_errors,
			(unsigned long long)d->abi_errors);
}
