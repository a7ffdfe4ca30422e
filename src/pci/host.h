/* The PCIe host bridge (pci-host-ecam-generic): ECAM configuration space
 * for buses 0..255, outbound windows that turn CPU physical addresses into
 * PCI bus addresses, an inbound window for device DMA, and INTx swizzling
 * onto four PLIC lines. Only bus 0 is populated: the bridge itself at
 * 00:00.0 and one function per slot from -device.
 */
#ifndef GLASS_PCI_HOST_H
#define GLASS_PCI_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/irq.h"
#include "core/events.h"
#include "pci/pci.h"

struct address_space;
struct region;

#define PCI_MAX_SLOTS 32
#define PCI_NUM_INTX 4

enum pci_window_kind { PCI_WIN_IO, PCI_WIN_MEM32, PCI_WIN_MEM64 };

/* One translation window: [cpu_base, cpu_base + size) <-> bus_base.. */
struct pci_window {
	enum pci_window_kind kind;
	uint64_t cpu_base;
	uint64_t bus_base;
	uint64_t size;
	struct region *region;   /* master-abort backstop for the window */
};

struct pci_host {
	struct address_space *as;
	struct pci_window windows[3];   /* outbound: io, mem32, mem64 */
	struct pci_window inbound;      /* DMA: bus -> CPU physical */
	struct pci_func *slots[PCI_MAX_SLOTS];
	struct pci_func bridge;          /* 00:00.0 */
	uint64_t ecam_base, ecam_size;
	struct irq_line intx[PCI_NUM_INTX];
	unsigned intx_count[PCI_NUM_INTX]; /* functions asserting each line */
	uint64_t master_aborts;          /* window accesses nobody claimed */
	struct event_sink *sink;         /* trace: config, BAR moves, DMA */
};

extern const struct glass_region_ops pci_ecam_ops;

/* Set up the bridge: windows (mem_offset: bus = cpu - mem_offset for the
 * memory windows, and cpu = bus + mem_offset for DMA), the backstop regions
 * and the ECAM region. Returns 0, or -1 if the address space is full. */
int pci_host_init(struct pci_host *h, struct address_space *as,
		  uint64_t ecam_base, uint64_t ecam_size,
		  const struct pci_window *io, const struct pci_window *mem32,
		  const struct pci_window *mem64, const struct pci_window *inbound,
		  const struct irq_line intx[PCI_NUM_INTX]);

/* Plug f into `slot` (1..31): registers its BAR regions (unmapped until
 * the OS or firmware enables them). Returns 0 or -1. */
int pci_host_plug(struct pci_host *h, struct pci_func *f, unsigned slot);

/* Take f off the bus: its slot is free again, its BARs decode nothing
 * (their regions stay in the address space, disabled). */
void pci_host_unplug(struct pci_host *h, struct pci_func *f);

/* The PLIC line index (0..3) a slot's pin (1..4) is swizzled onto. */
unsigned pci_swizzle(unsigned slot, unsigned pin);

/* Map a bus address of `len` bytes through the inbound window to a CPU
 * physical address; false if it is not inside the window. */
bool pci_host_dma_translate(const struct pci_host *h, uint64_t bus,
			    uint64_t len, uint64_t *cpu);

/* Re-evaluate where f's BARs decode after a config change. */
void pci_host_update_mappings(struct pci_host *h, struct pci_func *f);

/* Re-evaluate the INTx line of f's pin. */
void pci_host_update_irq(struct pci_host *h, struct pci_func *f);

/* After a snapshot restored the functions' INTx levels and command
 * registers: recompute what the bridge derives from them (which pins are
 * asserted, how many per line) without driving the lines, whose
 * receivers were restored from the same snapshot. */
void pci_host_recount_intx(struct pci_host *h);

void pci_host_reset(struct pci_host *h);

#endif
