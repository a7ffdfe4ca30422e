/* The virt board's memory map: one table, from which glass builds the
 * address space, creates the board's devices and writes the device tree
 * (../shared/spec/machine.md). Adding a platform device is one row. */
#ifndef GLASS_MACHINE_VIRT_H
#define GLASS_MACHINE_VIRT_H

#include <stdint.h>

struct glass_device_class;

enum virt_region {
	VIRT_BOOTROM,
	VIRT_TEST,
	VIRT_RTC,
	VIRT_CLINT,
	VIRT_PCIE_PIO,
	VIRT_PLATFORM_BUS,
	VIRT_PLIC,
	VIRT_UART0,
	VIRT_VIRTIO,
	VIRT_HYPERCALL,
	VIRT_PCIE_ECAM,
	VIRT_PCIE_MMIO,
	VIRT_DRAM,
	VIRT_PCIE_MMIO_HIGH,
	VIRT_NR_REGIONS
};

/* How a board device's interrupt lines are wired. */
enum virt_wiring {
	WIRE_PLIC,          /* its lines are PLIC sources irq, irq + 1, ... */
	WIRE_HART_EXT,      /* the PLIC: contexts to each hart's MEIP, SEIP */
	WIRE_HART_CLINT,    /* the CLINT: each hart's MSIP, then each's MTIP */
};

struct virt_map_entry {
	const char *name;   /* region name and device id */
	uint64_t base;
	uint64_t size;      /* for DRAM: the largest allowed */
	int irq;            /* first PLIC source, 0 if none */
	/* the board's device here, created from this row (NULL: memory,
	 * a window, or slots for -device) */
	const struct glass_device_class *cls;
	enum virt_wiring wiring;
};

extern const struct virt_map_entry virt_map[VIRT_NR_REGIONS];

#define VIRT_UART0_IRQ 10
#define VIRT_RTC_IRQ 11
#define VIRT_VIRTIO_IRQ 1   /* slots 0..7: 1..8 */
#define VIRT_VIRTIO_SLOTS 8
#define VIRT_VIRTIO_SLOT_SIZE 0x1000
#define VIRT_PCIE_IRQ 32    /* INTA..INTD = 32..35 */
#define VIRT_PLATFORM_BUS_IRQ 64 /* 64..95 for -device platform devices */
#define VIRT_PLATFORM_BUS_IRQS 32
#define VIRT_PLIC_SOURCES 96
#define VIRT_KERNEL_OFFSET 0x200000ull
#define VIRT_TIMEBASE_HZ 10000000u

#endif
