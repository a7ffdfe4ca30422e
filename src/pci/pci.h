/* PCI functions as a device model sees them: a 4 KiB configuration space
 * with per-byte write masks, BARs whose mappings follow the command
 * register, one legacy interrupt pin, and DMA through the host bridge.
 *
 * A device fills in its identity and BARs with pci_func_init and
 * pci_func_add_bar, then never looks at config space again unless it wants
 * to: sizing, enabling and moving BARs is all handled here, the way the PCI
 * Local Bus spec 3.0 (6.2.5) and the PCIe base spec (7.5.1) describe it.
 */
#ifndef GLASS_PCI_PCI_H
#define GLASS_PCI_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem/mmio.h"

/* standard header registers (type 0) */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_SERR 0x100
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_INTERRUPT 0x08
#define PCI_STATUS_CAP_LIST 0x10

#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM64 0x4
#define PCI_BAR_PREFETCH 0x8

#define PCI_NUM_BARS 6
#define PCI_ROM_SLOT 6           /* index of the expansion ROM in bars[] */
#define PCI_CONFIG_SIZE 4096

struct pci_host;
struct region;

struct pci_bar {
	uint64_t size;           /* 0: not implemented */
	uint8_t type;            /* PCI_BAR_* bits as they read in the BAR */
	const char *name;        /* e.g. "bar0" */
	const struct glass_region_ops *ops; /* serves accesses; NULL: reads zero */
	void *dev;
	struct region *region;   /* in the CPU physical address space */
	char label[48];          /* region name: "pci 00:01.0 edu bar0" */
	bool mapped;             /* decoding now, at region->base */
	uint64_t bus_addr;       /* the address the BAR holds */
};

struct pci_func;

/* What a PCI device model answers besides its BARs' MMIO (all optional). */
struct pci_device_ops {
	const char *name;        /* "edu" */
	/* after a config write has been applied (e.g. to react to a
	 * capability); BAR and command handling is already done */
	void (*config_written)(struct pci_func *f, unsigned offset,
			       unsigned size);
	void (*reset)(struct pci_func *f);
};

struct pci_func {
	uint8_t cfg[PCI_CONFIG_SIZE];
	uint8_t wmask[PCI_CONFIG_SIZE];  /* bits software may write */
	uint8_t w1cmask[PCI_CONFIG_SIZE]; /* bits a 1 clears */
	struct pci_bar bars[PCI_NUM_BARS + 1];
	uint8_t devfn;           /* slot << 3 | function */
	bool intx_level;         /* what the device drives on its pin */
	bool intx_asserted;      /* what the bridge sees (after INTx Disable) */
	const struct pci_device_ops *ops;
	void *dev;               /* the device model's state */
	void *owner;             /* the device instance, given to its regions */
	struct pci_host *host;
	uint16_t next_cap;       /* where the next capability goes (256: full) */
};

/* Identity and header. `pin` is 1..4 for INTA..INTD, 0 for none. */
void pci_func_init(struct pci_func *f, const struct pci_device_ops *ops,
		   void *dev, uint16_t vendor, uint16_t device,
		   uint8_t revision, uint32_t class_code, uint8_t pin);

/* Declare BAR n (0..5, or PCI_ROM_SLOT): size a power of two (>= 16 for
 * memory, >= 4 for I/O, >= 2 KiB for the ROM); type PCI_BAR_* bits; a
 * 64-bit BAR also takes BAR n + 1. ops/dev serve its accesses (the ROM:
 * NULL ops means reads of zeros). */
void pci_func_add_bar(struct pci_func *f, int n, uint64_t size, uint8_t type,
		      const char *name, const struct glass_region_ops *ops,
		      void *dev);

/* Add a capability of `len` bytes with the given ID; returns its offset in
 * config space (for the device to fill in and set masks), or 0 if full. */
unsigned pci_func_add_cap(struct pci_func *f, uint8_t id, unsigned len);

/* The bus address BAR n (or PCI_ROM_SLOT) holds now. */
uint64_t pci_bar_address(const struct pci_func *f, int n);

/* The type 0 header's registers, named for the trace: both the
 * pci-config events and the ECAM window's mmio lines use them. */
extern const struct glass_reg pci_config_regs[];

/* Config space accessors for the host bridge (size 1, 2 or 4, aligned). */
uint32_t pci_config_read(struct pci_func *f, unsigned offset, unsigned size);
void pci_config_write(struct pci_func *f, unsigned offset, uint32_t val,
		      unsigned size, const struct glass_attrs *who);

/* Drive the function's INTx pin (level-triggered). */
void pci_set_irq(struct pci_func *f, int level);

/* Bus-master DMA: translated by the bridge's inbound window, refused while
 * Bus Master Enable is clear. Returns 0, or -1 if refused or the range is
 * not entirely in guest RAM (nothing is transferred then). */
int pci_dma_read(struct pci_func *f, uint64_t bus_addr, void *buf,
		 uint64_t len);
int pci_dma_write(struct pci_func *f, uint64_t bus_addr, const void *buf,
		  uint64_t len);
/* The checks of a transfer without the copy (for devices that map guest
 * RAM): Bus Master Enable, the inbound window, RAM; reported like a
 * transfer. Returns 0 with the CPU physical address, or -1. */
int pci_dma_check(struct pci_func *f, uint64_t bus, uint64_t len, bool write,
		  uint64_t *cpu);

/* Report a guest programming error the function noticed (a DMA range it
 * refuses, ...; len 0 if none) to the trace's guest-error category. */
void pci_guest_error(struct pci_func *f, uint64_t bus, uint64_t len,
		     const char *what);

/* The function's name for the trace ("edu"; "host-bridge"). */
const char *pci_func_name(const struct pci_func *f);

/* Reset to power-on state: command 0, BARs 0, unmapped. */
void pci_func_reset(struct pci_func *f);

static inline uint16_t pci_get_word(const struct pci_func *f, unsigned off)
{
	return f->cfg[off] | f->cfg[off + 1] << 8;
}

static inline uint32_t pci_get_long(const struct pci_func *f, unsigned off)
{
	return pci_get_word(f, off) | (uint32_t)pci_get_word(f, off + 2) << 16;
}

#endif
