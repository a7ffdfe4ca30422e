/* PCIe host bridge: ECAM, address windows, BAR decode, INTx routing. */
#include <stdio.h>
#include <string.h>

#include "mem/address_space.h"
#include "pci/host.h"

#define ECAM_BUS_SHIFT 20
#define ECAM_DEVFN_SHIFT 12

/* Reads of a window where no BAR decodes end in a master abort: all ones,
 * and writes vanish (what PCI host bridges do for the CPU). */
static uint64_t abort_read(void *dev, uint64_t offset, unsigned size,
			   const struct glass_attrs *who)
{
	struct pci_host *h = dev;
	h->master_aborts++;
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static void abort_write(void *dev, uint64_t offset, uint64_t val,
			unsigned size, const struct glass_attrs *who)
{
	struct pci_host *h = dev;
	h->master_aborts++;
}

/* A window is one register as large as itself: every width is served
 * (misaligned ones in aligned pieces). */
static const struct glass_region_ops abort_ops = {
	.read = abort_read, .write = abort_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED, .impl = GLASS_WANY,
};

/* BARs with no device behind them (an expansion ROM without contents). */
static uint64_t zero_read(void *dev, uint64_t offset, unsigned size,
			  const struct glass_attrs *who)
{
	return 0;
}

static void ignore_write(void *dev, uint64_t offset, uint64_t val,
			 unsigned size, const struct glass_attrs *who)
{
}

static const struct glass_region_ops zero_ops = {
	.read = zero_read, .write = ignore_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED, .impl = GLASS_WANY,
};

static struct pci_func *find_func(struct pci_host *h, uint64_t offset)
{
	unsigned bus = offset >> ECAM_BUS_SHIFT;
	unsigned devfn = (offset >> ECAM_DEVFN_SHIFT) & 0xff;

	if (bus != 0 || (devfn & 7))
		return NULL; /* one bus, single-function devices */
	return h->slots[devfn >> 3];
}

/* Annotation for BAR sizing as it happens: the all-ones write, and the
 * size mask the function answers with. */
static const char *bar_note(const struct pci_func *f, unsigned offset,
			    unsigned size, uint32_t val, bool write, char *buf,
			    size_t len)
{
	if (!f || offset < PCI_BAR0 || offset >= PCI_BAR0 + 24 || size != 4)
		return NULL;
	if (write)
		return val == 0xffffffffu ? "sizing" : "assign";
	const struct pci_bar *bar = &f->bars[(offset - PCI_BAR0) / 4];
	if (bar->size && (val & ~0xfu) == (uint32_t)(~(bar->size - 1) & ~0xfull)) {
		snprintf(buf, len, "size mask: %llu bytes",
			 (unsigned long long)bar->size);
		return buf;
	}
	return NULL;
}

static void trace_config(struct pci_host *h, const struct pci_func *f,
			 uint64_t offset, unsigned size, uint64_t val,
			 bool write, const struct glass_attrs *who)
{
	unsigned off = offset & (PCI_CONFIG_SIZE - 1);
	char note[48];
	struct bus_event e = {
		.kind = EVK_CONFIG, .who = who,
		.config = { .pa = h->ecam_base + offset,
			    .devfn = (offset >> ECAM_DEVFN_SHIFT) & 0xff,
			    .device = f ? pci_func_name(f) : "absent",
			    .offset = off, .value = (uint32_t)val,
			    .reg = reg_name(pci_config_regs, off),
			    .size = (uint8_t)size, .write = write,
			    .note = bar_note(f, off, size, (uint32_t)val,
					     write, note, sizeof(note)) },
	};
	h->sink->emit(h->sink->opaque, &e);
}

static uint64_t ecam_read(void *dev, uint64_t offset, unsigned size,
			  const struct glass_attrs *who)
{
	struct pci_host *h = dev;
	struct pci_func *f = find_func(h, offset);
	uint64_t v = (1ull << (8 * size)) - 1; /* absent function: all ones */

	if (f)
		v = pci_config_read(f, offset & (PCI_CONFIG_SIZE - 1), size);
	if (ev_on(h->sink, EV_PCI_CONFIG) && (offset >> ECAM_BUS_SHIFT) == 0)
		trace_config(h, f, offset, size, v, false, who);
	return v;
}

static void ecam_write(void *dev, uint64_t offset, uint64_t val, unsigned size,
		       const struct glass_attrs *who)
{
	struct pci_host *h = dev;
	struct pci_func *f = find_func(h, offset);

	if (ev_on(h->sink, EV_PCI_CONFIG) && (offset >> ECAM_BUS_SHIFT) == 0)
		trace_config(h, f, offset, size, val, true, who);
	if (f)
		pci_config_write(f, offset & (PCI_CONFIG_SIZE - 1), val, size,
				 who);
}

/* ECAM is every function's config space in a row. Every dword of it is
 * a register taking any byte enables (1, 2 or 4 bytes; an 8-byte access
 * becomes two 4-byte ones, a misaligned one aligned pieces), named after
 * the type 0 header's register at the offset, if any. */
static const struct glass_reg *ecam_reg_at(uint64_t offset,
					   struct glass_reg *d, char *buf,
					   size_t len)
{
	*d = (struct glass_reg){
		(uint32_t)offset & ~3u, 4,
		reg_name(pci_config_regs, offset & (PCI_CONFIG_SIZE - 1)), 0,
	};
	return d;
}

const struct glass_region_ops pci_ecam_ops = {
	.read = ecam_read, .write = ecam_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED,
	.impl = GLASS_W1 | GLASS_W2 | GLASS_W4,
	.reg_at = ecam_reg_at,
};

unsigned pci_swizzle(unsigned slot, unsigned pin)
{
	return (slot + pin - 1) % PCI_NUM_INTX;
}

static int add_window(struct pci_host *h, struct pci_window *w,
		      const struct pci_window *cfg, const char *name)
{
	*w = *cfg;
	w->region = as_add_mmio(h->as, name, w->cpu_base, w->size, 0,
				&abort_ops, h);
	return w->region ? 0 : -1;
}

int pci_host_init(struct pci_host *h, struct address_space *as,
		  uint64_t ecam_base, uint64_t ecam_size,
		  const struct pci_window *io, const struct pci_window *mem32,
		  const struct pci_window *mem64, const struct pci_window *inbound,
		  const struct irq_line intx[PCI_NUM_INTX])
{
	memset(h, 0, sizeof(*h));
	h->as = as;
	h->ecam_base = ecam_base;
	h->ecam_size = ecam_size;
	h->inbound = *inbound;
	memcpy(h->intx, intx, sizeof(h->intx));
	if (add_window(h, &h->windows[PCI_WIN_IO], io, "pcie-pio") < 0 ||
	    add_window(h, &h->windows[PCI_WIN_MEM32], mem32, "pcie-mmio") < 0 ||
	    add_window(h, &h->windows[PCI_WIN_MEM64], mem64, "pcie-mmio64") < 0)
		return -1;
	if (!as_add_mmio(as, "pcie-ecam", ecam_base, ecam_size, 1,
			 &pci_ecam_ops, h))
		return -1;
	/* 00:00.0: the host bridge itself (QEMU's IDs, so tools know it) */
	pci_func_init(&h->bridge, NULL, NULL, 0x1b36, 0x0008, 0, 0x060000, 0);
	h->bridge.host = h;
	h->slots[0] = &h->bridge;
	return 0;
}

static void bar_region_name(char *buf, size_t len, const struct pci_func *f,
			    const struct pci_bar *b)
{
	snprintf(buf, len, "pci 00:%02x.%x %s %s", f->devfn >> 3, f->devfn & 7,
		 pci_func_name(f), b->name);
}

int pci_host_plug(struct pci_host *h, struct pci_func *f, unsigned slot)
{
	if (slot == 0 || slot >= PCI_MAX_SLOTS || h->slots[slot])
		return -1;
	f->host = h;
	f->devfn = slot << 3;
	for (int n = 0; n <= PCI_ROM_SLOT; n++) {
		struct pci_bar *b = &f->bars[n];
		if (!b->size)
			continue;
		bar_region_name(b->label, sizeof(b->label), f, b);
		b->region = as_add_mmio(h->as, b->label, 0, b->size, 1,
					b->ops ? b->ops : &zero_ops,
					b->ops ? b->dev : NULL);
		if (!b->region)
			return -1;
		b->region->owner = f->owner;
		as_remap(h->as, b->region, 0, false);
	}
	h->slots[slot] = f;
	return 0;
}

void pci_host_unplug(struct pci_host *h, struct pci_func *f)
{
	unsigned slot = f->devfn >> 3;

	if (slot >= PCI_MAX_SLOTS || h->slots[slot] != f)
		return;
	pci_set_irq(f, 0);
	for (int n = 0; n <= PCI_ROM_SLOT; n++)
		if (f->bars[n].region)
			as_remap(h->as, f->bars[n].region,
				 f->bars[n].region->base, false);
	h->slots[slot] = NULL;
	f->host = NULL;
}

/* The outbound window a bus range of `kind` falls in entirely, if any. */
static const struct pci_window *window_for(const struct pci_host *h,
					   bool io, uint64_t bus, uint64_t len)
{
	for (int k = 0; k < 3; k++) {
		const struct pci_window *w = &h->windows[k];
		if ((w->kind == PCI_WIN_IO) != io)
			continue;
		if (bus >= w->bus_base && bus - w->bus_base < w->size &&
		    len <= w->size - (bus - w->bus_base))
			return w;
	}
	return NULL;
}

static void update_bar(struct pci_host *h, struct pci_func *f, int n)
{
	struct pci_bar *b = &f->bars[n];
	uint16_t cmd = pci_get_word(f, PCI_COMMAND);
	bool io = b->type & PCI_BAR_IO;
	bool on = io ? (cmd & PCI_COMMAND_IO) : (cmd & PCI_COMMAND_MEMORY);

	if (n == PCI_ROM_SLOT)
		on = on && (pci_get_long(f, PCI_ROM_ADDRESS) & 1);
	b->bus_addr = pci_bar_address(f, n);
	const struct pci_window *w = window_for(h, io, b->bus_addr, b->size);
	bool was = b->mapped;
	uint64_t old = b->region->base;
	b->mapped = on && w;
	uint64_t cpu = w ? b->bus_addr - w->bus_base + w->cpu_base
			 : b->region->base;
	b->region->has_bus = true;
	b->region->bus_base = b->bus_addr;
	as_remap(h->as, b->region, cpu, b->mapped);
	if (ev_on(h->sink, EV_PCI_CONFIG) &&
	    (was != b->mapped || (b->mapped && old != cpu))) {
		struct bus_event e = {
			.kind = EVK_BAR,
			.bar = { .devfn = f->devfn, .device = pci_func_name(f),
				 .bar = n, .mapped = b->mapped, .cpu = cpu,
				 .bus = b->bus_addr, .size = b->size },
		};
		h->sink->emit(h->sink->opaque, &e);
	}
}

void pci_host_update_mappings(struct pci_host *h, struct pci_func *f)
{
	for (int n = 0; n <= PCI_ROM_SLOT; n++)
		if (f->bars[n].size && f->bars[n].region)
			update_bar(h, f, n);
}

void pci_host_update_irq(struct pci_host *h, struct pci_func *f)
{
	unsigned pin = f->cfg[PCI_INTERRUPT_PIN];
	bool asserted = f->intx_level &&
			!(pci_get_word(f, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);

	if (!pin || pin > PCI_NUM_INTX || asserted == f->intx_asserted)
		return;
	f->intx_asserted = asserted;
	unsigned line = pci_swizzle(f->devfn >> 3, pin);
	if (asserted)
		h->intx_count[line]++;
	else
		h->intx_count[line]--;
	if (ev_on(h->sink, EV_IRQ)) {
		static const char *const pins[] = { "INTA", "INTB", "INTC",
						    "INTD" };
		struct bus_event e = {
			.kind = EVK_IRQ_LINE,
			.irq_line = { .source = line, .level = asserted,
				      .what = pins[pin - 1],
				      .device = pci_func_name(f),
				      .devfn = f->devfn },
		};
		h->sink->emit(h->sink->opaque, &e);
	}
	/* lines are shared: the PLIC sees the OR of every function on it */
	irq_set(&h->intx[line], h->intx_count[line] > 0);
}

void pci_host_recount_intx(struct pci_host *h)
{
	memset(h->intx_count, 0, sizeof(h->intx_count));
	for (unsigned s = 0; s < PCI_MAX_SLOTS; s++) {
		struct pci_func *f = h->slots[s];
		if (!f)
			continue;
		unsigned pin = f->cfg[PCI_INTERRUPT_PIN];
		f->intx_asserted = f->intx_level && pin && pin <= PCI_NUM_INTX &&
				   !(pci_get_word(f, PCI_COMMAND) &
				     PCI_COMMAND_INTX_DISABLE);
		if (f->intx_asserted)
			h->intx_count[pci_swizzle(s, pin)]++;
	}
}

bool pci_host_dma_translate(const struct pci_host *h, uint64_t bus,
			    uint64_t len, uint64_t *cpu)
{
	const struct pci_window *w = &h->inbound;

	if (bus < w->bus_base || bus - w->bus_base >= w->size ||
	    len > w->size - (bus - w->bus_base))
		return false;
	*cpu = bus - w->bus_base + w->cpu_base;
	return true;
}

void pci_host_reset(struct pci_host *h)
{
	for (unsigned s = 1; s < PCI_MAX_SLOTS; s++)
		if (h->slots[s])
			pci_func_reset(h->slots[s]);
}
