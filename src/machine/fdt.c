/* The device tree the guest finds its devices in, generated from the same
 * memory-map table that built the address space (libfdt read-write API). */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/fdt.h"
#include "machine/virt.h"
#include "pci/host.h"

#define FDT_MAX_SIZE (64 * 1024)
#define MAX_FDT_HARTS 8
#define ISA_STRING "rv64imafdc_zicsr_zifencei_svpbmt"

/* Small helpers that turn libfdt's error codes into one sticky flag, so
 * node builders read as a list of properties. */
struct fdt_builder {
	void *fdt;
	int err;
};

static int node(struct fdt_builder *b, int parent, const char *name,
		uint64_t unit)
{
	char full[64];

	if (unit != UINT64_MAX)
		snprintf(full, sizeof(full), "%s@%llx", name,
			 (unsigned long long)unit);
	else
		snprintf(full, sizeof(full), "%s", name);
	int off = fdt_add_subnode(b->fdt, parent, full);
	if (off < 0)
		b->err = off;
	return off;
}

static void prop_u32(struct fdt_builder *b, int n, const char *p, uint32_t v)
{
	int r = fdt_setprop_u32(b->fdt, n, p, v);
	if (r < 0)
		b->err = r;
}

static void prop_u64(struct fdt_builder *b, int n, const char *p, uint64_t v)
{
	int r = fdt_setprop_u64(b->fdt, n, p, v);
	if (r < 0)
		b->err = r;
}

static void prop_str(struct fdt_builder *b, int n, const char *p,
		     const char *v)
{
	int r = fdt_setprop_string(b->fdt, n, p, v);
	if (r < 0)
		b->err = r;
}

/* A string list given as "a\0b\0" with its total length. */
static void prop_strs(struct fdt_builder *b, int n, const char *p,
		      const char *v, size_t len)
{
	int r = fdt_setprop(b->fdt, n, p, v, len);
	if (r < 0)
		b->err = r;
}

static void prop_empty(struct fdt_builder *b, int n, const char *p)
{
	int r = fdt_setprop_empty(b->fdt, n, p);
	if (r < 0)
		b->err = r;
}

static void prop_cells(struct fdt_builder *b, int n, const char *p,
		       const uint32_t *cells, int count)
{
	fdt32_t be[128];

	if (count > 128) {
		b->err = -FDT_ERR_NOSPACE;
		return;
	}
	for (int i = 0; i < count; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	int r = fdt_setprop(b->fdt, n, p, be, count * sizeof(be[0]));
	if (r < 0)
		b->err = r;
}

static void prop_reg(struct fdt_builder *b, int n, uint64_t base,
		     uint64_t size)
{
	uint32_t cells[4] = { base >> 32, (uint32_t)base, size >> 32,
			      (uint32_t)size };
	prop_cells(b, n, "reg", cells, 4);
}

#define STRS(s) s, sizeof(s)

enum { PH_PLIC = 1, PH_TEST = 2, PH_CPU_INTC = 16 /* + hart */ };

static void add_cpus(struct fdt_builder *b, const struct fdt_params *p)
{
	int cpus = node(b, 0, "cpus", UINT64_MAX);
	prop_u32(b, cpus, "#address-cells", 1);
	prop_u32(b, cpus, "#size-cells", 0);
	prop_u32(b, cpus, "timebase-frequency", VIRT_TIMEBASE_HZ);
	for (unsigned h = 0; h < p->nharts; h++) {
		int cpu = node(b, cpus, "cpu", h);
		prop_str(b, cpu, "device_type", "cpu");
		prop_u32(b, cpu, "reg", h);
		prop_str(b, cpu, "status", "okay");
		prop_str(b, cpu, "compatible", "riscv");
		prop_str(b, cpu, "riscv,isa", ISA_STRING);
		prop_str(b, cpu, "mmu-type", "riscv,sv48");
		int intc = node(b, cpu, "interrupt-controller", UINT64_MAX);
		prop_u32(b, intc, "#interrupt-cells", 1);
		prop_empty(b, intc, "interrupt-controller");
		prop_str(b, intc, "compatible", "riscv,cpu-intc");
		prop_u32(b, intc, "phandle", PH_CPU_INTC + h);
	}
}

/* interrupts-extended listing, for every hart, the given local irqs */
static void per_hart_irqs(struct fdt_builder *b, int n, unsigned nharts,
			  int irq_a, int irq_b)
{
	uint32_t cells[4 * MAX_FDT_HARTS];
	int k = 0;

	for (unsigned h = 0; h < nharts; h++) {
		cells[k++] = PH_CPU_INTC + h;
		cells[k++] = irq_a;
		cells[k++] = PH_CPU_INTC + h;
		cells[k++] = irq_b;
	}
	prop_cells(b, n, "interrupts-extended", cells, k);
}

static void add_platform(struct fdt_builder *b, int soc, unsigned nharts)
{
	const struct virt_map_entry *e;
	int n;

	e = &virt_map[VIRT_TEST];
	n = node(b, soc, "test", e->base);
	prop_strs(b, n, "compatible", STRS("sifive,test1\0sifive,test0\0syscon"));
	prop_reg(b, n, e->base, e->size);
	prop_u32(b, n, "phandle", PH_TEST);

	n = node(b, soc, "reboot", UINT64_MAX);
	prop_str(b, n, "compatible", "syscon-reboot");
	prop_u32(b, n, "regmap", PH_TEST);
	prop_u32(b, n, "offset", 0);
	prop_u32(b, n, "value", 0x7777);
	n = node(b, soc, "poweroff", UINT64_MAX);
	prop_str(b, n, "compatible", "syscon-poweroff");
	prop_u32(b, n, "regmap", PH_TEST);
	prop_u32(b, n, "offset", 0);
	prop_u32(b, n, "value", 0x5555);

	e = &virt_map[VIRT_RTC];
	n = node(b, soc, "rtc", e->base);
	prop_str(b, n, "compatible", "google,goldfish-rtc");
	prop_reg(b, n, e->base, e->size);
	prop_u32(b, n, "interrupt-parent", PH_PLIC);
	prop_u32(b, n, "interrupts", e->irq);

	e = &virt_map[VIRT_UART0];
	n = node(b, soc, "serial", e->base);
	prop_str(b, n, "compatible", "ns16550a");
	prop_reg(b, n, e->base, e->size);
	prop_u32(b, n, "clock-frequency", 3686400);
	prop_u32(b, n, "interrupt-parent", PH_PLIC);
	prop_u32(b, n, "interrupts", e->irq);

	e = &virt_map[VIRT_CLINT];
	n = node(b, soc, "clint", e->base);
	prop_strs(b, n, "compatible", STRS("sifive,clint0\0riscv,clint0"));
	prop_reg(b, n, e->base, e->size);
	per_hart_irqs(b, n, nharts, 3, 7);   /* MSIP, MTIP */

	e = &virt_map[VIRT_HYPERCALL];
	n = node(b, soc, "hypercall", e->base);
	prop_str(b, n, "compatible", "glass,hypercall-v1");
	prop_reg(b, n, e->base, e->size);

	e = &virt_map[VIRT_PLIC];
	n = node(b, soc, "plic", e->base);
	prop_strs(b, n, "compatible", STRS("sifive,plic-1.0.0\0riscv,plic0"));
	prop_reg(b, n, e->base, e->size);
	prop_u32(b, n, "#interrupt-cells", 1);
	prop_u32(b, n, "#address-cells", 0);
	prop_empty(b, n, "interrupt-controller");
	prop_u32(b, n, "riscv,ndev", VIRT_PLIC_SOURCES - 1);
	prop_u32(b, n, "phandle", PH_PLIC);
	per_hart_irqs(b, n, nharts, 11, 9);  /* M external, S external */
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
	prop_cells(b, n, "ranges", c, k);
	uint64_t in_end = h->inbound.bus_base + h->inbound.size;
	k = put_range(c, in_end > (1ull << 32) ? PCI_SPACE_MEM64 : PCI_SPACE_MEM32,
		      h->inbound.bus_base, h->inbound.cpu_base, h->inbound.size);
	prop_cells(b, n, "dma-ranges", c, k);
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
			map[k++] = PH_PLIC;
			map[k++] = VIRT_PCIE_IRQ + pci_swizzle(slot, pin);
		}
	}
	prop_cells(b, n, "interrupt-map", map, k);
	prop_cells(b, n, "interrupt-map-mask", mask, 4);
}

static void add_pci(struct fdt_builder *b, int soc, const struct pci_host *h)
{
	int n = node(b, soc, "pci", h->ecam_base);
	uint32_t bus_range[2] = { 0, (uint32_t)(h->ecam_size >> 20) - 1 };

	prop_str(b, n, "compatible", "pci-host-ecam-generic");
	prop_str(b, n, "device_type", "pci");
	prop_u32(b, n, "#address-cells", 3);
	prop_u32(b, n, "#size-cells", 2);
	prop_u32(b, n, "#interrupt-cells", 1);
	prop_u32(b, n, "linux,pci-domain", 0);
	prop_cells(b, n, "bus-range", bus_range, 2);
	prop_reg(b, n, h->ecam_base, h->ecam_size);
	add_pci_ranges(b, n, h);
	add_pci_irq_map(b, n);
}

static void add_chosen(struct fdt_builder *b, const struct fdt_params *p)
{
	int n = node(b, 0, "chosen", UINT64_MAX);
	char path[64];

	snprintf(path, sizeof(path), "/soc/serial@%llx",
		 (unsigned long long)virt_map[VIRT_UART0].base);
	prop_str(b, n, "stdout-path", path);
	if (p->bootargs)
		prop_str(b, n, "bootargs", p->bootargs);
	if (p->initrd_end > p->initrd_start) {
		prop_u64(b, n, "linux,initrd-start", p->initrd_start);
		prop_u64(b, n, "linux,initrd-end", p->initrd_end);
	}
}

void *fdt_build(const struct fdt_params *p)
{
	struct fdt_builder b = { .fdt = calloc(1, FDT_MAX_SIZE) };

	if (!b.fdt)
		return NULL;
	b.err = fdt_create_empty_tree(b.fdt, FDT_MAX_SIZE);
	prop_u32(&b, 0, "#address-cells", 2);
	prop_u32(&b, 0, "#size-cells", 2);
	prop_str(&b, 0, "compatible", "riscv-virtio");
	prop_str(&b, 0, "model", "glass,virt");

	add_chosen(&b, p);
	int mem = node(&b, 0, "memory", virt_map[VIRT_DRAM].base);
	prop_str(&b, mem, "device_type", "memory");
	prop_reg(&b, mem, virt_map[VIRT_DRAM].base, p->ram_size);
	add_cpus(&b, p);

	int soc = node(&b, 0, "soc", UINT64_MAX);
	prop_u32(&b, soc, "#address-cells", 2);
	prop_u32(&b, soc, "#size-cells", 2);
	prop_str(&b, soc, "compatible", "simple-bus");
	prop_empty(&b, soc, "ranges");
	add_platform(&b, soc, p->nharts);
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
		n = node(&b, 0, "chosen", UINT64_MAX);
	if (n < 0)
		b.err = n;
	if (b.err >= 0 && bootargs)
		prop_str(&b, n, "bootargs", bootargs);
	if (b.err >= 0 && initrd_end > initrd_start) {
		prop_u64(&b, n, "linux,initrd-start", initrd_start);
		prop_u64(&b, n, "linux,initrd-end", initrd_end);
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
