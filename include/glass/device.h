/* glass public device ABI: how a device model plugs into the machine.
 *
 * Every device in glass, built in or loaded from a plugin, is a class
 * described by one struct glass_device_class and written against this
 * header (and bus.h): it declares its identity and properties, creates
 * its regions, interrupt lines and timers when it is realized, and keeps
 * everything the guest can see in one plain struct, so that a snapshot
 * of it is a copy.
 *
 * A plugin is a shared object built with `cc -shared -fPIC` that defines
 *
 *     const struct glass_plugin glass_plugin = {
 *             .abi_version = GLASS_DEVICE_ABI_VERSION,
 *             .cls = &my_device_class,
 *     };
 *
 * and is loaded with `-device plugin,path=./mydev.so[,key=value...]`.
 * The functions declared below are exported by the glass executable and
 * resolved when the plugin is loaded. docs/devices.md has a tutorial
 * (examples/device/).
 *
 * Threading: glass calls a device only from its one machine thread, and a
 * device may call these functions only from inside a call glass made to
 * it (a hook, a region access, a timer).
 *
 * Stability: GLASS_DEVICE_ABI_VERSION changes whenever any structure or
 * function here changes incompatibly; glass refuses a plugin built for
 * another version.
 */
#ifndef GLASS_DEVICE_H
#define GLASS_DEVICE_H

#include <stdarg.h>

#include "glass/bus.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GLASS_DEVICE_ABI_VERSION 1

/* A device instance as glass holds it (opaque to the model). */
struct glass_device;
/* A timer on the machine's virtual clock, owned by one device. */
struct glass_timer;
/* The device-tree node being written for a platform device. */
struct glass_fdt;

/* ---- properties (-device NAME,prop=value,...) ---------------------- */

enum glass_prop_type {
	GLASS_PROP_UINT,    /* decimal or 0x hex, 64 bits */
	GLASS_PROP_BOOL,    /* on/off, true/false, yes/no, 1/0 */
	GLASS_PROP_STRING,
};

/* A property the class accepts. The list ends with a NULL name. */
struct glass_prop {
	const char *name;
	enum glass_prop_type type;
	const char *default_value;  /* as typed; NULL: no value unless given */
	const char *help;           /* one line for -device NAME,help */
};

/* ---- identity on a PCI bus ----------------------------------------- */

struct glass_pci_id {
	uint16_t vendor, device;
	uint16_t subsystem_vendor, subsystem; /* 0: none */
	uint8_t revision;
	uint8_t pin;            /* 1..4 = INTA..INTD, 0: no interrupt pin */
	uint32_t class_code;    /* base << 16 | sub << 8 | prog-if */
};

/* BAR flags for glass_pci_bar (as they read in the BAR's low bits) */
#define GLASS_BAR_IO 0x1
#define GLASS_BAR_MEM64 0x4
#define GLASS_BAR_PREFETCH 0x8
/* the expansion ROM, as glass_pci_bar's n */
#define GLASS_PCI_ROM 6

enum glass_bus {
	GLASS_BUS_PCI,       /* a function on the PCIe host bridge */
	GLASS_BUS_PLATFORM,  /* a window of the physical address map */
};

/* ---- the class ----------------------------------------------------- */

struct glass_device_class {
	const char *name;        /* -device NAME: letters, digits, '-', '_' */
	const char *desc;        /* one line for -device help */
	enum glass_bus bus;
	const struct glass_prop *props;  /* NULL: none */

	/* The instance: instance_size bytes, zeroed, owned by glass and
	 * handed to every hook as `self`. Its first state_size bytes are
	 * the device's guest-visible state (registers, FIFOs, buffers): a
	 * plain struct without pointers, which a snapshot saves and
	 * restores by copying. Wiring (the glass_device, timers, host
	 * resources) lives after it. state_version names its layout; a
	 * snapshot of another version is refused. */
	size_t instance_size;
	size_t state_size;
	uint32_t state_version;

	/* GLASS_BUS_PCI: the function's identity. */
	struct glass_pci_id pci;
	/* GLASS_BUS_PLATFORM, for -device instances (the board's own
	 * devices take theirs from the memory map): the size of the
	 * window to reserve on the platform bus and its interrupt lines. */
	uint64_t platform_size;
	unsigned platform_irqs;

	/* Set the device up: read properties, create regions, BARs, timers.
	 * Return 0, or -1 after glass_error() said why. Called once. */
	int (*realize)(void *self, struct glass_device *dev);
	/* Back to power-on state (also right after realize). Before it,
	 * glass cancels the device's timers, lowers its interrupt lines and
	 * resets its PCI configuration header. Optional. */
	void (*reset)(void *self);
	/* After a snapshot restored the state: recompute anything derived
	 * from it (not interrupt lines or timers: glass restores those).
	 * Return 0, or -1 after glass_error(). Optional. */
	int (*post_load)(void *self);
	/* One line for the monitor's `info qtree`, at most len bytes.
	 * Optional. */
	void (*info)(void *self, char *buf, size_t len);
	/* GLASS_BUS_PLATFORM: write its device-tree node (glass_fdt_*).
	 * Optional: without it the device has no node. */
	int (*fdt_node)(void *self, struct glass_fdt *fdt);
	/* GLASS_BUS_PCI: after the guest wrote config space (BARs and the
	 * command register are already handled by glass). Optional. */
	void (*config_written)(void *self, unsigned offset, unsigned size);
	/* Release host resources. Also called when realize failed, so it
	 * must cope with a half-made instance (the instance starts zeroed).
	 * Optional. */
	void (*unrealize)(void *self);
};

/* What a plugin exports under the symbol name `glass_plugin`. */
struct glass_plugin {
	uint32_t abi_version;    /* GLASS_DEVICE_ABI_VERSION: first, always */
	const struct glass_device_class *cls;
};

/* ---- services (call only from realize, hooks, accesses, timers) ---- */

/* The entry of a register table covering `offset`, or NULL (for reg_at
 * functions built on tables). */
const struct glass_reg *glass_reg_find(const struct glass_reg *table,
				       uint64_t offset);

/* The id of the instance (QEMU's id=, or its class name). */
const char *glass_device_id(const struct glass_device *dev);

/* A property's value (its default when not given). Return 0, or -1 if
 * the class does not declare `name` with that type (a model bug, which
 * is also reported as a guest error). A string property with neither
 * value nor default reads as NULL. */
int glass_prop_uint(struct glass_device *dev, const char *name, uint64_t *v);
int glass_prop_bool(struct glass_device *dev, const char *name, bool *v);
int glass_prop_string(struct glass_device *dev, const char *name,
		      const char **v);

/* Report why realize failed: glass prints one line naming the device
 * ("glass: -device edu: ...") and exits 1. */
void glass_error(struct glass_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Report a guest programming error the device noticed (the trace's
 * guest-error category, counted in --stats). */
void glass_guest_error(struct glass_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A line in glass's log (stderr), tagged with the device's id. */
void glass_log(struct glass_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Platform devices: map a region of the device's window at `offset`
 * (window-relative; size > 0 and inside the window; offset and size
 * multiples of the widest width `impl` takes). Offsets the model sees and
 * the trace shows are window-relative too. At most 8 regions per device.
 * Return 0, or -1 after glass_error(). Realize only. */
int glass_platform_mmio(struct glass_device *dev, uint64_t offset,
			uint64_t size, const struct glass_region_ops *ops,
			void *opaque);
/* The window's base physical address (for the device tree). */
uint64_t glass_platform_base(const struct glass_device *dev);

/* PCI devices: declare BAR n (0..5, or GLASS_PCI_ROM): size a power of
 * two (at least 16 for memory, 4 for I/O, 2 KiB for the ROM), flags
 * GLASS_BAR_*; a 64-bit BAR also takes BAR n + 1. The BAR decodes only
 * while the guest has assigned it and enabled its space in the command
 * register. ops NULL: reads zero (a ROM without contents). `name` shows
 * in the trace ("bar0"). Return 0, or -1 after glass_error(). Realize
 * only. */
int glass_pci_bar(struct glass_device *dev, int n, uint64_t size,
		  unsigned flags, const char *name,
		  const struct glass_region_ops *ops, void *opaque);
/* Add a capability of len bytes with the given ID to config space (it
 * is linked into the list). Returns its offset, or 0 if there is no
 * room. Realize only. */
unsigned glass_pci_cap(struct glass_device *dev, uint8_t id, unsigned len);
/* Read-only contents of config space the device defines (capability
 * bodies, device-specific registers). offset + len <= 4096. */
void glass_pci_config_set(struct glass_device *dev, unsigned offset,
			  const void *bytes, unsigned len);
/* Read config space (1, 2 or 4 bytes, little-endian). */
uint32_t glass_pci_config_get(struct glass_device *dev, unsigned offset,
			      unsigned size);

/* Drive interrupt line n to level 0 or 1 (level-triggered). PCI: line 0
 * is the INTx pin (glass applies INTx Disable and the bridge's swizzle).
 * Platform: line n of the device's interrupts. A line the device does
 * not have is a guest error, and nothing happens. */
void glass_irq_set(struct glass_device *dev, unsigned n, int level);

/* DMA. PCI: addr is a bus address, translated by the host bridge's
 * inbound window and refused while Bus Master Enable is clear. Platform:
 * a physical address. The whole range must be guest RAM. Return 0, or
 * -1 (nothing transferred; a dma/guest-error trace event says why). */
int glass_dma_read(struct glass_device *dev, uint64_t addr, void *buf,
		   size_t len);
int glass_dma_write(struct glass_device *dev, uint64_t addr, const void *buf,
		    size_t len);
/* Direct access to guest RAM for large transfers: a host pointer to
 * [addr, addr + len), or NULL where glass_dma_read/write would fail.
 * Valid until the device returns from the call glass made to it; with
 * `write`, anything cached from the range (decoded code) is dropped. */
void *glass_dma_map(struct glass_device *dev, uint64_t addr, size_t len,
		    bool write);

/* Virtual time in ns since power-on. It advances with the guest (the
 * host clock, or instructions under -icount), never by itself while the
 * device runs. */
uint64_t glass_clock_ns(struct glass_device *dev);

/* A timer calling fire(opaque) once virtual time reaches its deadline.
 * Timers belong to the device (freed with it, saved in snapshots in the
 * order they were created); at most 16 per device. NULL if refused or
 * out of memory. Realize only. */
struct glass_timer *glass_timer_new(struct glass_device *dev,
				    void (*fire)(void *opaque), void *opaque);
/* Arm (or re-arm) for an absolute virtual time in ns; a time already
 * past fires at the next opportunity, never inside this call. */
void glass_timer_arm(struct glass_timer *t, uint64_t when_ns);
void glass_timer_cancel(struct glass_timer *t);
bool glass_timer_armed(const struct glass_timer *t);

/* Requests to the machine, acted on once the current instruction ends. */
enum glass_request {
	GLASS_REQUEST_POWEROFF,  /* glass exits 0 */
	GLASS_REQUEST_RESET,     /* system reset */
	GLASS_REQUEST_EXIT,      /* glass exits with `code` (1..255) */
};
void glass_machine_request(struct glass_device *dev, enum glass_request req,
			   int code);

/* Device tree (platform devices' fdt_node hook). glass_fdt_begin opens
 * the device's node "name@BASE" under /soc with reg (the window) and
 * interrupts (its lines) already set; the property calls then add to it.
 * glass_fdt_begin_plain opens a node without unit address, reg or
 * interrupts (a syscon-reboot beside its device). Return 0 or -1. */
int glass_fdt_begin(struct glass_fdt *fdt, const char *name);
int glass_fdt_begin_plain(struct glass_fdt *fdt, const char *name);
/* The phandle of the device's node (made on first use). */
uint32_t glass_fdt_phandle(struct glass_fdt *fdt);
void glass_fdt_prop_string(struct glass_fdt *fdt, const char *prop,
			   const char *value);
/* A string list: `values` ends with NULL. */
void glass_fdt_prop_strings(struct glass_fdt *fdt, const char *prop,
			    const char *const *values);
void glass_fdt_prop_u32(struct glass_fdt *fdt, const char *prop,
			uint32_t value);
void glass_fdt_prop_cells(struct glass_fdt *fdt, const char *prop,
			  const uint32_t *cells, unsigned n);
void glass_fdt_prop_empty(struct glass_fdt *fdt, const char *prop);

#ifdef __cplusplus
}
#endif

#endif
