/* The device framework: classes, instances and their lifecycle.
 *
 * Every device of the machine, the board's own and the user's (-device,
 * plugins), is a struct glass_device made from a struct glass_device_class
 * (include/glass/device.h, the public ABI): created with its properties,
 * placed (a window of the physical map, or a PCI slot), realized, reset,
 * saved and restored, and destroyed the same way. The machine keeps them
 * in one list and every machine-wide operation (reset, the device tree,
 * `info qtree`, `-device help`, snapshots) is a loop over it.
 *
 * This layer sits above mem/ and pci/ and below dev/ (the models) and
 * machine/ (the board). It implements the glass_* functions of the ABI.
 */
#ifndef GLASS_DEVICE_DEVICE_H
#define GLASS_DEVICE_DEVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/events.h"
#include "core/irq.h"
#include "glass/device.h"
#include "pci/pci.h"

struct address_space;
struct chardev;
struct pci_host;
struct region;

#define DEVICE_MAX_PROPS 16
#define DEVICE_MAX_REGIONS 8
#define DEVICE_MAX_TIMERS 16
#define DEVICE_MAX_IRQS 32
#define DEVICE_ID_LEN 32

/* What the machine lends the framework: the buses, the clock, the trace,
 * and the way back for requests. */
struct device_env {
	struct address_space *as;
	struct pci_host *pci;        /* NULL: no PCI bus (unit tests) */
	struct event_sink *sink;
	struct vclock *clock;
	unsigned nharts;             /* the `harts` property's default */
	void (*request)(void *opaque, enum glass_request req, int code);
	/* the character backend with this id, or NULL */
	struct chardev *(*chardev)(void *opaque, const char *id);
	/* a host backend of `kind` ("drive", "netdev") with this id, or
	 * NULL (NULL function: none exist) */
	void *(*backend)(void *opaque, const char *kind, const char *id);
	/* a device's log line (NULL: stderr) */
	void (*log)(void *opaque, const char *device, const char *text);
	/* -icount: models take nothing from the host that a guest could
	 * see (the RTC starts at a fixed date instead of the host's) */
	bool deterministic;
	void *opaque;
};

/* Where a platform device goes: its window, and what its interrupt lines
 * are wired to (with the PLIC sources they are, for the device tree). */
struct platform_place {
	const char *name;            /* region and node name ("uart0") */
	uint64_t base, size;
	unsigned nirqs;
	struct irq_line irqs[DEVICE_MAX_IRQS];
	unsigned sources[DEVICE_MAX_IRQS]; /* PLIC source of each line; 0: none */
};

/* A property value as given (or defaulted). */
struct prop_value {
	const struct glass_prop *decl;   /* NULL: a framework property */
	const char *name;
	char *text;                      /* NULL: none given, no default */
};

struct glass_timer {
	struct vtimer vt;
	struct glass_device *dev;
	void (*fire)(void *opaque);
	void *opaque;
};

struct glass_device {
	const struct glass_device_class *cls;
	const struct device_env *env;
	char id[DEVICE_ID_LEN];
	char what[64];               /* "-device edu", for error lines */
	void *self;                  /* instance_size bytes; state first */
	struct prop_value props[DEVICE_MAX_PROPS];
	unsigned nprops;
	/* platform devices */
	struct platform_place place;
	/* PCI devices */
	struct pci_func *pci;
	struct pci_device_ops pci_ops;
	int slot;                    /* addr= property; -1: the next free */
	struct region *regions[DEVICE_MAX_REGIONS];
	unsigned nregions;
	struct glass_timer *timers[DEVICE_MAX_TIMERS];
	unsigned ntimers;
	int irq_level[DEVICE_MAX_IRQS];  /* what each line is driven to */
	uint64_t guest_errors;       /* reported by the model */
	uint64_t abi_errors;         /* calls the ABI refused (model bugs) */
	bool realizing;
	/* glass_error writes here instead of stderr while set (a restore
	 * reports the reason post_load gave in its own one line) */
	char *error_buf;
	size_t error_len;
	void *dl;                    /* a plugin's shared object, or NULL */
	struct glass_device *next;   /* the machine's list */
};

/* Create an instance of cls with the properties in `props` ("k=v,k=v",
 * may be "" or NULL), place it (platform: `place`; PCI: a slot of
 * env->pci), realize and reset it. `what` names it in error messages
 * ("-device edu"). Returns it, or NULL after printing one line. */
struct glass_device *device_create(const struct device_env *env,
				   const struct glass_device_class *cls,
				   const char *props,
				   const struct platform_place *place,
				   const char *what);

/* Back to power-on state: timers cancelled, lines lowered, the PCI
 * header reset, then the class's reset. */
void device_reset(struct glass_device *d);

/* Release everything (unrealize, regions stay in the address space but
 * decode nothing). */
void device_destroy(struct glass_device *d);

/* The instance (the model's struct). */
static inline void *device_self(const struct glass_device *d)
{
	return d->self;
}

/* What the machine lent the device (for the board's own classes, which
 * reach machine services the ABI does not offer). */
static inline const struct device_env *device_env(const struct glass_device *d)
{
	return d->env;
}

/* ---- snapshots (device/snapshot.c) ----
 * What a machine snapshot holds of one device. Loading goes in three
 * steps so that nothing changes until everything has been checked:
 * device_check_saved (can it be this device's?), device_load_state (the
 * state struct and the class's post_load, which may still refuse it;
 * undone with device_unload_state), device_commit_saved (timers, line
 * levels, PCI config space and BAR mappings; cannot fail). */
struct device_saved {
	const void *state;           /* state_size bytes */
	uint64_t state_size;
	uint32_t state_version;
	unsigned ntimers;
	struct {
		uint8_t armed;
		uint64_t deadline;
	} timers[DEVICE_MAX_TIMERS];
	unsigned nirqs;              /* 1 for PCI (INTx), place.nirqs else */
	uint8_t irq_level[DEVICE_MAX_IRQS];
	const uint8_t *pci_cfg;      /* PCI_CONFIG_SIZE bytes; NULL: platform */
	uint8_t intx_level;
};

/* Point s at d's saved form (s->state and s->pci_cfg point into d). */
void device_get_saved(const struct glass_device *d, struct device_saved *s);
/* NULL if s can be restored into d, else why not (one line's end). */
const char *device_check_saved(const struct glass_device *d,
			       const struct device_saved *s);
/* Copy the state in and run post_load. Returns a backup for
 * device_unload_state, or NULL when post_load refused the state or
 * memory ran out (the device is as it was then, and why is in err). */
void *device_load_state(struct glass_device *d, const struct device_saved *s,
			char *err, size_t errlen);
/* Put the backup back (and free it). */
void device_unload_state(struct glass_device *d, void *backup);
void device_commit_saved(struct glass_device *d, const struct device_saved *s);

/* One device in `info qtree` form: class, id, bus placement, properties,
 * regions, and the class's info line. */
void device_print_qtree(const struct glass_device *d, FILE *out);

/* -device NAME,help: the class's properties with defaults and help. */
void device_print_props(const struct glass_device_class *cls, FILE *out);

/* Whether the class is one glass can use (names, sizes, hooks): NULL, or
 * why not (plugins are checked before they are created). */
const char *device_class_check(const struct glass_device_class *cls);

#endif
