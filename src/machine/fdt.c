/* The device tree the guest finds its devices in, generated from the same
 * memory-map table that built the address space (libfdt read-write API). */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/device.h"
#include "device/fdt_node.h"
#include "machine/fdt.h"
#include "machine/virt.h"
#include "pci/host.h"
#include "virtio/dev/classes.h"

#define FDT_MAX_SIZE (64 * 1024)
#define MAX_FDT_HARTS 8
#define ISA_STRING "rv64imafdc_zicsr_zifencei_svpbmt"

#define STRS(s) s, sizeof(s)

static void add_cpus(struct fdt_builder *b, const struct fdt_params *p)
{
	int cpus = fdtb_node(b, 0, "cpus", UINT64_MAX);
	fdtb_u32(b, cpus, "#address-cells", 1);
	fdtb_u32(b, cpus, "#size-cells", 0);
	fdtb_u32(b, cpus, "timebase-frequency", VIRT_TIMEBASE_HZ);
	for (unsigned h = 0; h < p->nharts; h++) {
		int cpu = fdtb_node(b, cpus, "cpu", h);
		fdtb_str(b, cpu, "device_type", "cpu");
		fdtb_u32(b, cpu, "reg", h);
		fdtb_str(b, cpu, "status", "okay");
		fdtb_str(b, cpu, "compatible", "riscv");
		fdtb_str(b, cpu, "riscv,isa", ISA_STRING);
		fdtb_str(b, cpu, "mmu-type", "riscv,sv48");
		int intc = fdtb_node(b, cpu, "interrupt-controller", UINT64_MAX);
		fdtb_u32(b, intc, "#interrupt-cells", 1);
		fdtb_empty(b, intc, "interrupt-controller");
		fdtb_str(b, intc, "compatible", "riscv,cpu-intc");
		fdtb_u32(b, intc, "phandle", FDT_PHANDLE_CPU_INTC(h));
	}
}

#define MAX_VIRTIO_NODES 8

/* Every platform device writes its own node(s). A new node goes before
 * its older siblings, and Linux probes in tree order: the virtio-mmio
 * nodes are written last and newest first, so the first -device is probed
 * first (and is vda), as on QEMU. */
static void add_platform(struct fdt_builder *b, int soc,
			 const struct glass_device *devices)
{
	uint32_t next_phandle = FDT_PHANDLE_FIRST_FREE;
	const struct glass_device *virtio[MAX_VIRTIO_NODES];
	unsigned nvirtio = 0;

	for (const struct glass_device *d = devices; d && b->err >= 0;
	     d = d->next) {
		if (virtio_class_is_mmio(d->cls) && nvirtio < MAX_VIRTIO_NODES)
			virtio[nvirtio++] = d;
		else
			device_fdt(d, b, soc, &next_phandle);
	}
	while (nvirtio-- && b->err >= 0)
		device_fdt(virtio[nvirtio], b, soc, &next_phandle);
}

/* PCI address cells: phys.hi says the space (I/O, 32-bit or 64-bit
 * memory, prefetchable), then the 64-bit bus address. */
#define PCI_SPACE_IO 0x01000000u
#define PCI_SPACE_MEM32 0x02000000u
#define PCI_SPACE_MEM64 0x03000000u
#define PCI_SPACE_MEM64_PREF 0x43000000u

static int put_range(uint32_t *c, uint32_t space, uint64_t bus, uint64_t cpu,
		     uint64_t size)
{
	c[0] = space;
	c[1] = bus >> 32;
	c[2] = (uint32_t)bus;
	c[3] = cpu >> 32;
	c[4] = (uint32_t)cpu;
	c[5] = size >> 32;
	c[6] = (uint32_t)size;
	return 7;
}

static void add_pci_ranges(struct fdt_builder *b, int n,
			   const struct pci_host *h)
{
	static const uint32_t space[] = {
		[PCI_WIN_IO] = PCI_SPACE_IO,
		[PCI_WIN_MEM32] = PCI_SPACE_MEM32,
		[PCI_WIN_MEM64] = PCI_SPACE_MEM64_PREF,
	};
	uint32_t c[3 * 7];
	int k = 0;

	for (int i = 0; i < 3; i++) {
		const struct pci_window *w = &h->windows[i];
		k += put_range(c + k, space[w->kind], w->bus_base, w->cpu_base,
			       w->size);
	}
	fdtb_cells(b, n, "ranges", c, k);
	uint64_t in_end = h->inbound.bus_base + h->inbound.size;
	k = put_range(c, in_end > (1ull << 32) ? PCI_SPACE_MEM64 : PCI_SPACE_MEM32,
		      h->inbound.bus_base, h->inbound.cpu_base, h->inbound.size);
	fdtb_cells(b, n, "dma-ranges", c, k);
}

/* Legacy INTx routing: for each slot (mod 4) and pin, the PLIC source the
 * bridge swizzles it onto. */
static void add_pci_irq_map(struct fdt_builder *b, int n)
{
	uint32_t map[4 * 4 * 6];
	uint32_t mask[4] = { 0x1800, 0, 0, 7 };
	int k = 0;

	for (unsigned slot = 0; slot < 4; slot++) {
		for (unsigned pin = 1; pin <= 4; pin++) {
			map[k++] = slot << 11;
			map[k++] = 0;
			map[k++] = 0;
			map[k++] = pin;
			map[k++] = FDT_PHANDLE_PLIC;
			map[k++] = VIRT_PCIE_IRQ + pci_swizzle(slot, pin);
		}
	}
	fdtb_cells(b, n, "interrupt-map", map, k);
	fdtb_cells(b, n, "interrupt-map-mask", mask, 4);
}

static void add_pci(struct fdt_builder *b, int soc, const struct pci_host *h)
{
	int n = fdtb_node(b, soc, "pci", h->ecam_base);
	uint32_t bus_range[2] = { 0, (uint32_t)(h->ecam_size >> 20) - 1 };

	fdtb_str(b, n, "compatible", "pci-host-ecam-generic");
	fdtb_str(b, n, "device_type", "pci");
	fdtb_u32(b, n, "#address-cells", 3);
	fdtb_u32(b, n, "#size-cells", 2);
	fdtb_u32(b, n, "#interrupt-cells", 1);
	fdtb_u32(b, n, "linux,pci-domain", 0);
	fdtb_cells(b, n, "bus-range", bus_range, 2);
	fdtb_reg(b, n, h->ecam_base, h->ecam_size);
	add_pci_ranges(b, n, h);
	add_pci_irq_map(b, n);
}

static void add_chosen(struct fdt_builder *b, const struct fdt_params *p)
{
	int n = fdtb_node(b, 0, "chosen", UINT64_MAX);
	char path[64];

	snprintf(path, sizeof(path), "/soc/serial@%llx",
		 (unsigned long long)virt_map[VIRT_UART0].base);
	fdtb_str(b, n, "stdout-path", path);
	if (p->bootargs)
		fdtb_str(b, n, "bootargs", p->bootargs);
	if (p->initrd_end > p->initrd_start) {
		fdtb_u64(b, n, "linux,initrd-start", p->initrd_start);
		fdtb_u64(b, n, "linux,initrd-end", p->initrd_end);
	}
}

void *fdt_build(const struct fdt_params *p)
{
	struct fdt_builder b = { .fdt = calloc(1, FDT_MAX_SIZE) };

	if (!b.fdt)
		return NULL;
	b.err = fdt_create_empty_tree(b.fdt, FDT_MAX_SIZE);
	fdtb_u32(&b, 0, "#address-cells", 2);
	fdtb_u32(&b, 0, "#size-cells", 2);
	fdtb_str(&b, 0, "compatible", "riscv-virtio");
	fdtb_str(&b, 0, "model", "glass,virt");

	add_chosen(&b, p);
	int mem = fdtb_node(&b, 0, "memory", virt_map[VIRT_DRAM].base);
	fdtb_str(&b, mem, "device_type", "memory");
	fdtb_reg(&b, mem, virt_map[VIRT_DRAM].base, p->ram_size);
	add_cpus(&b, p);

	int soc = fdtb_node(&b, 0, "soc", UINT64_MAX);
	fdtb_u32(&b, soc, "#address-cells", 2);
	fdtb_u32(&b, soc, "#size-cells", 2);
	fdtb_str(&b, soc, "compatible", "simple-bus");
	fdtb_empty(&b, soc, "ranges");
	add_platform(&b, soc, p->devices);
	if (p->pci)
		add_pci(&b, soc, p->pci);

	if (b.err >= 0)
		b.err = fdt_pack(b.fdt);
	if (b.err < 0) {
		fprintf(stderr, "glass: cannot build the device tree: %s\n",
			fdt_strerror(b.err));
		free(b.fdt);
		return NULL;
	}
	return b.fdt;
}

void *fdt_with_chosen(const void *fdt, size_t size, const char *bootargs,
		      uint64_t initrd_start, uint64_t initrd_end)
{
	struct fdt_builder b = { .fdt = calloc(1, size) };

	if (!b.fdt)
		return NULL;
	b.err = fdt_open_into(fdt, b.fdt, size);
	int n = b.err < 0 ? b.err : fdt_path_offset(b.fdt, "/chosen");
	if (n == -FDT_ERR_NOTFOUND)
		n = fdtb_node(&b, 0, "chosen", UINT64_MAX);
	if (n < 0)
		b.err = n;
	if (b.err >= 0 && bootargs)
		fdtb_str(&b, n, "bootargs", bootargs);
	if (b.err >= 0 && initrd_end > initrd_start) {
		fdtb_u64(&b, n, "linux,initrd-start", initrd_start);
		fdtb_u64(&b, n, "linux,initrd-end", initrd_end);
	}
	if (b.err >= 0)
		b.err = fdt_pack(b.fdt);
	if (b.err < 0) {
		free(b.fdt);
		return NULL;
	}
	return b.fdt;
}

/* Every tag of the structure block moves forward. libfdt 1.6.1 trusts a
 * property's length when it computes the next offset, so a length that
 * wraps it back onto itself makes fdt_check_full (and every node walk)
 * loop forever: walk the tags ourselves first, with a bounded count. */
static bool tags_advance(const void *fdt, size_t size)
{
	int off = 0, next;

	for (size_t steps = 0; steps <= size / 4; steps++) {
		uint32_t tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_END)
			return true;
		if (next <= off)
			return false;
		off = next;
	}
	return false;
}

bool fdt_user_blob_ok(const void *data, size_t size, size_t max)
{
	return size >= sizeof(struct fdt_header) && size <= max &&
	       fdt_check_header(data) == 0 && fdt_totalsize(data) <= size &&
	       fdt_version(data) >= 17 && tags_advance(data, size) &&
	       fdt_check_full(data, size) == 0;
}
