/* The -device registry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/edu.h"
#include "machine/devices.h"
#include "machine/hypercall_host.h"
#include "machine/machine.h"

static int edu_create(struct machine *m, const char *props, void **state)
{
	static const char *const known[] = { "dma_mask", NULL };
	uint64_t mask = EDU_DEFAULT_DMA_MASK;

	if (props_check("-device edu", props, known) < 0 ||
	    prop_u64("-device edu", props, "dma_mask", &mask) < 0)
		return -1;
	struct edu *e = calloc(1, sizeof(*e));
	if (!e)
		return -1;
	edu_init(e, mask);
	*state = e;
	return machine_plug_pci(m, &e->pci);
}

static const struct device_type edu_type = {
	"edu", "QEMU's educational PCI device (1234:11e8); prop dma_mask",
	edu_create, free,
};

static const struct device_type *const device_types[] = {
	&edu_type,
	&hypercall_pci_type,
};

#define NTYPES (sizeof(device_types) / sizeof(device_types[0]))

const struct device_type *device_type_find(const char *name)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (!strcmp(device_types[i]->name, name))
			return device_types[i];
	return NULL;
}

void device_types_print(void)
{
	for (size_t i = 0; i < NTYPES; i++)
		printf("  %-16s %s\n", device_types[i]->name,
		       device_types[i]->help);
}

/* Value of key in props (points into props), with its length. */
static const char *prop_find(const char *props, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *p = props; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			*len = n - klen - 1;
			return p + klen + 1;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

int prop_u64(const char *dev, const char *props, const char *key,
	     uint64_t *val)
{
	size_t len;
	const char *v = prop_find(props, key, &len);
	char buf[32], *end;

	if (!v)
		return 0;
	if (len == 0 || len >= sizeof(buf) || v[0] == '-') {
		fprintf(stderr, "glass: %s: bad value for %s\n", dev, key);
		return -1;
	}
	memcpy(buf, v, len);
	buf[len] = 0;
	errno = 0;
	unsigned long long x = strtoull(buf, &end, 0);
	if (*end || errno) {
		fprintf(stderr, "glass: %s: bad value '%s' for %s "
			"(a number, e.g. 0xffffffff)\n", dev, buf, key);
		return -1;
	}
	*val = x;
	return 1;
}

int props_check(const char *dev, const char *props, const char *const *known)
{
	for (const char *p = props; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		size_t klen = eq ? (size_t)(eq - p) : n;
		bool ok = false;
		for (const char *const *k = known; *k && eq; k++)
			if (strlen(*k) == klen && !strncmp(*k, p, klen))
				ok = true;
		if (!ok) {
			fprintf(stderr, "glass: %s: unknown property '%.*s'\n",
				dev, (int)klen, p);
			return -1;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

int devices_create(struct machine *m)
{
	for (unsigned i = 0; i < m->cfg.ndevices; i++) {
		char name[32];
		const char *arg = m->cfg.devices[i];
		const char *comma = strchr(arg, ',');
		size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, arg, n);
		name[n] = 0;
		const struct device_type *t = device_type_find(name);
		if (!t) {
			fprintf(stderr, "glass: -device %s: unknown device "
				"(see -device help)\n", name);
			return -1;
		}
		struct machine_device *d = &m->devices[m->ndevices];
		d->type = t;
		d->state = NULL;
		if (t->create(m, comma ? comma + 1 : "", &d->state) < 0) {
			if (d->state)
				t->destroy(d->state);
			return -1;
		}
		m->ndevices++;
	}
	return 0;
}

void devices_destroy(struct machine *m)
{
	for (unsigned i = 0; i < m->ndevices; i++)
		m->devices[i].type->destroy(m->devices[i].state);
	m->ndevices = 0;
}
