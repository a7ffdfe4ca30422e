/* The virt board's memory map (matches QEMU's riscv virt where the device
 * is the same, so firmware and habits carry over). The interrupt
 * controllers come first in creation order (machine.c), whatever their
 * place here. */
#include "dev/clint.h"
#include "dev/finisher.h"
#include "dev/goldfish_rtc.h"
#include "dev/plic.h"
#include "dev/uart16550.h"
#include "machine/hypercall_host.h"
#include "machine/virt.h"

const struct virt_map_entry virt_map[VIRT_NR_REGIONS] = {
	[VIRT_BOOTROM]  = { "boot-rom", 0x00001000, 0xf000, 0, NULL, 0 },
	[VIRT_TEST]     = { "test", 0x00100000, 0x1000, 0, &finisher_class,
			    WIRE_PLIC },
	[VIRT_RTC]      = { "rtc", 0x00101000, 0x1000, VIRT_RTC_IRQ,
			    &goldfish_rtc_class, WIRE_PLIC },
	[VIRT_CLINT]    = { "clint", 0x02000000, 0x10000, 0, &clint_class,
			    WIRE_HART_CLINT },
	[VIRT_PCIE_PIO] = { "pcie-pio", 0x03000000, 0x10000, 0, NULL, 0 },
	[VIRT_PLATFORM_BUS] = { "platform-bus", 0x04000000, 0x2000000,
				VIRT_PLATFORM_BUS_IRQ, NULL, 0 },
	[VIRT_PLIC]     = { "plic", 0x0c000000, 0x600000, 0, &plic_class,
			    WIRE_HART_EXT },
	[VIRT_UART0]    = { "uart0", 0x10000000, 0x100, VIRT_UART0_IRQ,
			    &uart16550_class, WIRE_PLIC },
	[VIRT_VIRTIO]   = { "virtio", 0x10001000,
			    VIRT_VIRTIO_SLOTS * VIRT_VIRTIO_SLOT_SIZE,
			    VIRT_VIRTIO_IRQ, NULL, 0 },
	[VIRT_HYPERCALL] = { "hypercall", 0x10110000, 0x10000, 0,
			     &hypercall_mmio_class, WIRE_PLIC },
	[VIRT_PCIE_ECAM] = { "pcie-ecam", 0x30000000, 0x10000000, 0, NULL, 0 },
	[VIRT_PCIE_MMIO] = { "pcie-mmio", 0x40000000, 0x40000000, 0, NULL, 0 },
	[VIRT_DRAM]     = { "ram", 0x80000000, 0x380000000ull, 0, NULL, 0 },
	[VIRT_PCIE_MMIO_HIGH] = { "pcie-mmio64", 0x400000000ull,
				  0x400000000ull, 0, NULL, 0 },
};
