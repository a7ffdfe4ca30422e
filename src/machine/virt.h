/* The virt board's memory map: one table, from which glass builds both the
 * address space and the device tree (../shared/spec/machine.md). */
#ifndef GLASS_MACHINE_VIRT_H
#define GLASS_MACHINE_VIRT_H

#include <stdint.h>

enum virt_region {
	VIRT_BOOTROM,
	VIRT_TEST,
	VIRT_RTC,
	VIRT_CLINT,
	VIRT_PCIE_PIO,
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

struct virt_map_entry {
	const char *name;   /* region name in the address space and node name */
	uint64_t base;
	uint64_t size;      /* for DRAM: the largest allowed */
	int irq;            /* PLIC source, 0 if none */
};

extern const struct virt_map_entry virt_map[VIRT_NR_REGIONS];

#define VIRT_UART0_IRQ 10
#define VIRT_RTC_IRQ 11
#define VIRT_PCIE_IRQ 32   /* INTA..INTD = 32..35 */
#define VIRT_PLIC_SOURCES 96
#define VIRT_KERNEL_OFFSET 0x200000ull
#define VIRT_TIMEBASE_HZ 10000000u

#endif
