/* Devices a user adds with -device NAME[,prop=value...] (QEMU syntax). */
#ifndef GLASS_MACHINE_DEVICES_H
#define GLASS_MACHINE_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

struct device_type {
	const char *name;
	const char *help;          /* one line for -device help */
	/* Create the device, plug it in, and store its state in *state.
	 * `props` is the text after "name," (may be ""). Returns 0, or -1
	 * after printing one line naming the problem. */
	int (*create)(struct machine *m, const char *props, void **state);
	void (*destroy)(void *state);
};

/* Look up a device type by name; NULL if there is none. */
const struct device_type *device_type_find(const char *name);

/* Print the list of device types (for -device help). */
void device_types_print(void);

/* Create every -device of m->cfg in order. */
int devices_create(struct machine *m);
void devices_destroy(struct machine *m);

/* Property parsing for create(): find `key` in "k1=v1,k2=v2" and parse its
 * value as an unsigned integer (0x... hex accepted). Returns 1 if found and
 * valid, 0 if absent, -1 (after printing why) if malformed. */
int prop_u64(const char *dev, const char *props, const char *key,
	     uint64_t *val);
/* Reject properties other than those listed (NULL-terminated). */
int props_check(const char *dev, const char *props, const char *const *known);

#endif
