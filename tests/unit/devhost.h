/* A machine just big enough to hold one device for a unit test: an
 * address space (1 MiB of RAM at 0x80000000), a fake clock the test moves,
 * interrupt lines that record their levels, a character backend
 * "serial0" that records what is sent, machine requests recorded, and
 * optionally a PCIe host bridge. Devices are created through the device
 * framework exactly as the machine creates them, and accessed through the
 * address space exactly as a hart would (as_read/as_write). */
#ifndef GLASS_TEST_DEVHOST_H
#define GLASS_TEST_DEVHOST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/events.h"
#include "device/chardev.h"
#include "device/device.h"
#include "mem/address_space.h"
#include "pci/host.h"

#define DEVHOST_RAM 0x80000000ull
#define DEVHOST_RAM_SIZE 0x100000ull
#define DEVHOST_LINES 32
#define DEVHOST_EVENTS 64

struct devhost {
	bool live;              /* initialised and not destroyed */
	struct address_space as;
	struct vclock clock;
	uint64_t now_ns;
	struct device_env env;
	struct pci_host pci;
	bool has_pci;
	uint8_t *ram;
	/* interrupt lines: their level (low until driven) and changes */
	int line[DEVHOST_LINES];
	int line_changes[DEVHOST_LINES];
	/* serial0 */
	struct chardev serial;
	uint8_t sent[256];
	unsigned nsent;
	/* machine requests: count per kind, last code */
	int requests[3];
	int last_code;
	/* events (any category): the kinds of the first DEVHOST_EVENTS in
	 * order, and a count per kind of all of them */
	struct event_sink sink;
	unsigned nevents;
	enum ev_kind event_kind[DEVHOST_EVENTS];
	unsigned kind_count[EVK_NR];
	/* if set, also given every event as it is emitted (its strings are
	 * valid only during the call) */
	void (*tap)(void *opaque, const struct bus_event *e);
	void *tap_opaque;
	struct glass_device *dev;
	uint64_t base;          /* where the device's window is */
};

/* Set up (with a PCIe host bridge when pci: ECAM at 0x30000000, 32-bit
 * window at 0x40000000, inbound window bus 0.. -> RAM). */
void devhost_init(struct devhost *h, bool pci);

/* Create a platform device of cls at base (window size, nirqs lines). */
struct glass_device *devhost_platform(struct devhost *h,
				      const struct glass_device_class *cls,
				      const char *props, uint64_t base,
				      uint64_t size, unsigned nlines);

/* Create a PCI device of cls (needs devhost_init(h, true)). */
struct glass_device *devhost_pci(struct devhost *h,
				 const struct glass_device_class *cls,
				 const char *props);

/* An access through the address space at the device's base + off, made
 * by hart 0. */
uint64_t devhost_rd(struct devhost *h, uint64_t off, unsigned size);
void devhost_wr(struct devhost *h, uint64_t off, uint64_t val, unsigned size);
enum mem_status devhost_access(struct devhost *h, uint64_t pa, unsigned size,
			       uint64_t *val, bool write);
/* The same, made by `who` (another hart; NULL: no one in particular). */
enum mem_status devhost_access_as(struct devhost *h, uint64_t pa,
				  unsigned size, uint64_t *val, bool write,
				  const struct glass_attrs *who);

/* Let virtual time reach now_ns; due timers fire. */
void devhost_set_time(struct devhost *h, uint64_t now_ns);

/* Reset the device as a machine reset does. */
void devhost_reset(struct devhost *h);

/* Events of a kind seen so far. */
unsigned devhost_events(const struct devhost *h, enum ev_kind kind);

/* Free everything (devhost_init of a live host does it first, so tests
 * may keep their host in a static and never call this). */
void devhost_destroy(struct devhost *h);

#endif
