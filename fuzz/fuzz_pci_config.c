/* libFuzzer target: PCI configuration space and BAR decode.
 *
 * A host bridge with the virt board's windows (and optionally its
 * pci-bus-offset translation) and up to eight functions: edu, the
 * hypercall device, and fake functions with every BAR type (32-bit and
 * 64-bit memory, prefetchable, I/O, expansion ROM) and a capability list.
 * The input is a sequence of 12-byte records:
 *   b0: bits 0-1 width, bit 2 write, bits 3-5 kind
 *   b1..b3: selector, b4..b11: value
 * kinds: 0-2 ECAM access anywhere (bus, slot, function, register from the
 * selector, so absent functions and other buses too); 3 "firmware"
 * assigns a BAR an address (in a window, at its edge or anywhere) and
 * maybe enables decoding; 4 command register toggles; 5 BAR sizing
 * (all ones, read back, check the mask); 6 accesses into the windows
 * (at or around a BAR, or anywhere); 7 function or bridge reset.
 *
 * After every record the decode state is checked against the spec: a BAR
 * decodes exactly when its enable bit (and for the ROM its own enable) is
 * set and its whole range sits inside the matching window, at the CPU
 * address the window translates its bus address to; every device access
 * honours the bus contract; INTx bookkeeping stays consistent.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dev/edu.h"
#include "dev/hypercall.h"
#include "device/device.h"
#include "fuzz_common.h"
#include "machine/virt.h"
#include "mem/address_space.h"
#include "pci/host.h"
#include "pci/pci.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define NFUNCS 8
#define MAX_OPS 200
#define FAKE_BYTES 64

/* A device behind a BAR: a little memory mirrored over the BAR, with a
 * contract the bus must honour (widths vary per BAR). */
struct fake_bar {
	uint8_t mem[FAKE_BYTES];
	uint64_t size;
	struct glass_region_ops ops;
	struct pci_func *f;
};

/* No register table: one register over the BAR taking impl
 * (include/glass/bus.h), aligned. */
static void fake_check(struct fake_bar *d, uint64_t off, unsigned size)
{
	FUZZ_CHECK(size & d->ops.impl);
	FUZZ_CHECK(!(off & (size - 1)));
	FUZZ_CHECK(off < d->size && size <= d->size - off);
}

static uint64_t fake_read(void *opaque, uint64_t off, unsigned size,
			  const struct glass_attrs *who)
{
	struct fake_bar *d = opaque;
	uint64_t v = 0;

	fake_check(d, off, size);
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)d->mem[(off + i) % FAKE_BYTES] << (8 * i);
	return v;
}

static void fake_write(void *opaque, uint64_t off, uint64_t val, unsigned size,
		       const struct glass_attrs *who)
{
	struct fake_bar *d = opaque;

	fake_check(d, off, size);
	FUZZ_CHECK(size == 8 || !(val >> (8 * size)));
	for (unsigned i = 0; i < size; i++)
		d->mem[(off + i) % FAKE_BYTES] = (uint8_t)(val >> (8 * i));
	/* a write to the last byte raises the function's INTx */
	if (d->f && (off + size) % FAKE_BYTES == 0)
		pci_set_irq(d->f, val & 1);
}

static int fake_resets;

static void fake_func_reset(struct pci_func *f)
{
	(void)f;
	fake_resets++;
}

static void fake_config_written(struct pci_func *f, unsigned offset,
				unsigned size)
{
	FUZZ_CHECK(offset < PCI_CONFIG_SIZE && size <= 4 &&
		   offset + size <= PCI_CONFIG_SIZE);
}

static const struct pci_device_ops fake_func_ops = {
	.name = "fake",
	.config_written = fake_config_written,
	.reset = fake_func_reset,
};

struct rig {
	struct address_space as;
	struct pci_host h;
	struct pci_func *f[NFUNCS];     /* by slot - 1 */
	unsigned nfuncs;
	struct pci_func fake[NFUNCS];
	struct fake_bar bars[NFUNCS][PCI_NUM_BARS + 1];
	/* edu and the hypercall device, made by the device framework */
	struct vclock clock;
	struct device_env env;
	struct glass_device *edu, *hc;
	int line[PCI_NUM_INTX];
	uint64_t offset;               /* pci-bus-offset */
};

static struct rig R;

static void line_set(void *opaque, int n, int level)
{
	struct rig *r = opaque;

	FUZZ_CHECK(n >= 0 && n < PCI_NUM_INTX);
	FUZZ_CHECK(level == 0 || level == 1);
	r->line[n] = level;
}

/* The BAR layouts of the fake functions: sizes, types, widths. */
struct bar_spec {
	int n;
	uint64_t size;
	uint8_t type;
};

static const struct bar_spec layouts[4][6] = {
	{ { 0, 0x1000, 0 }, { 1, 0x10000, PCI_BAR_MEM64 },
	  { 3, 0x100000, PCI_BAR_MEM64 | PCI_BAR_PREFETCH },
	  { 5, 0x20, PCI_BAR_IO }, { PCI_ROM_SLOT, 0x2000, 0 }, { -1, 0, 0 } },
	{ { 0, 0x100, 0 }, { 1, 0x4, PCI_BAR_IO }, { 2, 0x10, 0 },
	  { 3, 0x200000000ull, PCI_BAR_MEM64 | PCI_BAR_PREFETCH },
	  { -1, 0, 0 } },
	{ { 0, 0x10, PCI_BAR_MEM64 }, { 2, 0x80, PCI_BAR_IO },
	  { 3, 0x40000000, 0 }, { 4, 0x1000, PCI_BAR_PREFETCH },
	  { PCI_ROM_SLOT, 0x800, 0 }, { -1, 0, 0 } },
	{ { 4, 0x1000, PCI_BAR_MEM64 }, { 0, 0x10000, 0 }, { -1, 0, 0 } },
};

static const char *const bar_names[] = {
	"bar0", "bar1", "bar2", "bar3", "bar4", "bar5", "rom",
};

static void make_fake(struct rig *r, unsigned i, unsigned layout,
		      uint8_t widths)
{
	struct pci_func *f = &r->fake[i];

	pci_func_init(f, &fake_func_ops, r, 0x1af4, 0x1000 + i, i, 0x028000,
		      (i % 5));
	for (const struct bar_spec *b = layouts[layout]; b->n >= 0; b++) {
		struct fake_bar *d = &r->bars[i][b->n];
		memset(d, 0, sizeof(*d));
		d->size = b->size;
		d->f = f;
		d->ops.read = fake_read;
		d->ops.write = fake_write;
		d->ops.impl = fuzz_widths(1u << (widths & 3),
					  1u << ((widths >> 2) & 3));
		if (!d->ops.impl)     /* max below min: just min */
			d->ops.impl = 1u << (widths & 3);
		/* strict: the guest may do only what the model takes; else
		 * anything, adapted */
		d->ops.valid = (widths >> 4) & 1 ? d->ops.impl :
			       GLASS_WANY | GLASS_UNALIGNED;
		widths = (uint8_t)(widths * 7 + 3);
		/* an expansion ROM sometimes without contents (reads zero) */
		bool no_ops = b->n == PCI_ROM_SLOT && (widths & 1);
		pci_func_add_bar(f, b->n, b->size, b->type, bar_names[b->n],
				 no_ops ? NULL : &d->ops, no_ops ? NULL : d);
	}
	if (layout & 1) {
		unsigned a = pci_func_add_cap(f, 0x09, 8);
		FUZZ_CHECK(a >= 0x40);
		f->wmask[a + 2] = 0xff;
		pci_func_add_cap(f, 0x05, 24);
	}
	r->f[r->nfuncs++] = f;
}

static uint64_t hc_zero(void *opaque)
{
	(void)opaque;
	return 0;
}

static void hc_nop_exit(void *opaque, int code)
{
	(void)opaque;
	(void)code;
}

static void hc_nop(void *opaque)
{
	(void)opaque;
}

static void hc_nop_log(void *opaque, const struct glass_attrs *who,
		       uint64_t instret, const char *text, uint64_t len)
{
}

static void hc_nop_putc(void *opaque, uint8_t b)
{
	(void)opaque;
	(void)b;
}

/* The hypercall device's PCI function with a host that does nothing
 * (what the machine's class does with its services, machine/
 * hypercall_host.c); two channels. */
static int hc_realize(void *self, struct glass_device *dev)
{
	struct hc_host host = {
		.opaque = NULL, .time_ns = hc_zero, .instret = hc_zero,
		.exit = hc_nop_exit, .reset = hc_nop, .log = hc_nop_log,
		.putc = hc_nop_putc, .share = { .dirfd = -1 },
	};

	return hypercall_realize(self, dev, &host, 2, true);
}

static const struct glass_device_class hc_class = {
	.name = "glass-hypercall",
	.desc = "the hypercall device with a host that does nothing",
	.bus = GLASS_BUS_PCI,
	.instance_size = sizeof(struct hypercall),
	.state_size = sizeof(struct hc_state),
	.pci = { .vendor = HC_VENDOR_ID, .device = HC_DEVICE_ID,
		 .class_code = HC_CLASS },
	.realize = hc_realize,
	.reset = hypercall_reset,
};

static uint64_t clock_now(void *opaque)
{
	(void)opaque;
	return 0;
}

static void rig_build(struct rig *r, uint8_t opt, uint8_t widths)
{
	const struct virt_map_entry *io = &virt_map[VIRT_PCIE_PIO];
	const struct virt_map_entry *m32 = &virt_map[VIRT_PCIE_MMIO];
	const struct virt_map_entry *m64 = &virt_map[VIRT_PCIE_MMIO_HIGH];
	const struct virt_map_entry *ecam = &virt_map[VIRT_PCIE_ECAM];
	static const uint64_t offsets[4] = { 0, 0x20000000, 0x40000000, 0 };

	memset(r->f, 0, sizeof(r->f));
	memset(r->line, 0, sizeof(r->line));
	r->nfuncs = 0;
	r->offset = offsets[opt & 3];
	as_init(&r->as);
	FUZZ_CHECK(as_add_ram(&r->as, "ram", RAM_BASE, RAM_SIZE));
	struct pci_window w_io = { PCI_WIN_IO, io->base, 0, io->size, NULL };
	struct pci_window w_m32 = { PCI_WIN_MEM32, m32->base,
				    m32->base - r->offset, m32->size, NULL };
	struct pci_window w_m64 = { PCI_WIN_MEM64, m64->base,
				    m64->base - r->offset, m64->size, NULL };
	struct pci_window w_in = { PCI_WIN_MEM64, RAM_BASE, RAM_BASE - r->offset,
				   RAM_SIZE, NULL };
	struct irq_line intx[PCI_NUM_INTX];
	for (int i = 0; i < PCI_NUM_INTX; i++)
		intx[i] = (struct irq_line){ line_set, r, i };
	FUZZ_CHECK(pci_host_init(&r->h, &r->as, ecam->base, ecam->size, &w_io,
				 &w_m32, &w_m64, &w_in, intx) == 0);

	/* slot 1: edu, slot 2: hypercall (device_create plugs them), then
	 * fake functions */
	r->clock = (struct vclock){ .now_ns = clock_now };
	r->env = (struct device_env){ .as = &r->as, .pci = &r->h,
				      .clock = &r->clock, .nharts = 1 };
	r->edu = device_create(&r->env, &edu_class,
			       (opt & 4) ? "dma_mask=0xffffffffffffffff" : "",
			       NULL, "-device edu");
	r->hc = device_create(&r->env, &hc_class, "addr=2", NULL,
			      "-device glass-hypercall");
	FUZZ_CHECK(r->edu && r->hc);
	r->f[r->nfuncs++] = r->edu->pci;
	r->f[r->nfuncs++] = r->hc->pci;
	unsigned nfake = 1 + ((opt >> 3) % (NFUNCS - 2));
	for (unsigned i = 0; i < nfake; i++)
		make_fake(r, i, (opt >> 6) == 3 ? 0 : (i + (opt >> 6)) % 4,
			  (uint8_t)(widths + i));
	for (unsigned i = 2; i < r->nfuncs; i++)
		FUZZ_CHECK(pci_host_plug(&r->h, r->f[i], i + 1) == 0);
	for (unsigned i = 0; i < r->nfuncs; i++)
		FUZZ_CHECK(r->f[i]->devfn == (i + 1) << 3);
}

/* Whether region g is a BAR of one of the functions. */
static bool is_bar(const struct rig *r, const struct region *g)
{
	for (unsigned i = 0; i < r->nfuncs; i++)
		for (int n = 0; n <= PCI_ROM_SLOT; n++)
			if (r->f[i]->bars[n].size && r->f[i]->bars[n].region == g)
				return true;
	return false;
}

/* ---- the spec's view of where a BAR decodes ---- */

static bool window_of(const struct rig *r, bool io, uint64_t bus,
		      uint64_t size, uint64_t *cpu)
{
	for (int k = 0; k < 3; k++) {
		const struct pci_window *w = &r->h.windows[k];
		if ((w->kind == PCI_WIN_IO) != io)
			continue;
		if (bus >= w->bus_base && bus - w->bus_base < w->size &&
		    size <= w->size - (bus - w->bus_base)) {
			*cpu = bus - w->bus_base + w->cpu_base;
			return true;
		}
	}
	return false;
}

static uint32_t cfg32(const struct pci_func *f, unsigned off)
{
	return pci_get_long(f, off);
}

static void check_func(struct rig *r, struct pci_func *f)
{
	uint16_t cmd = pci_get_word(f, PCI_COMMAND);

	for (int n = 0; n <= PCI_ROM_SLOT; n++) {
		struct pci_bar *b = &f->bars[n];
		if (!b->size)
			continue;
		bool io = b->type & PCI_BAR_IO;
		unsigned off = n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BAR0 + 4 * n;
		uint64_t lo = cfg32(f, off), bus;
		if (n == PCI_ROM_SLOT)
			bus = lo & ~0x7ffull;
		else if (io)
			bus = lo & ~3ull;
		else if (b->type & PCI_BAR_MEM64)
			bus = (lo & ~0xfull) | (uint64_t)cfg32(f, off + 4) << 32;
		else
			bus = lo & ~0xfull;
		/* the address is size-aligned; the type bits read back */
		FUZZ_CHECK(!(bus & (b->size - 1)));
		if (n != PCI_ROM_SLOT)
			FUZZ_CHECK((lo & (io ? 3 : 0xf)) == b->type);
		bool on = io ? (cmd & PCI_COMMAND_IO) : (cmd & PCI_COMMAND_MEMORY);
		if (n == PCI_ROM_SLOT)
			on = on && (lo & 1);
		uint64_t cpu = 0;
		bool want = on && window_of(r, io, bus, b->size, &cpu);
		FUZZ_CHECK(b->mapped == want);
		FUZZ_CHECK(b->region->enabled == want);
		if (want) {
			FUZZ_CHECK(b->region->base == cpu);
			FUZZ_CHECK(b->bus_addr == bus);
			/* it decodes there, unless another BAR overlaps */
			const struct flat_range *fr = as_lookup(&r->as, cpu);
			FUZZ_CHECK(fr && fr->r->kind == REGION_MMIO);
			FUZZ_CHECK(fr->r == b->region || is_bar(r, fr->r));
		}
	}
	/* INTx as the bridge sees it */
	unsigned pin = f->cfg[PCI_INTERRUPT_PIN];
	bool asserted = f->intx_level && pin >= 1 && pin <= 4 &&
			!(cmd & PCI_COMMAND_INTX_DISABLE);
	FUZZ_CHECK(f->intx_asserted == asserted);
	/* read-only identity */
	FUZZ_CHECK(pci_get_word(f, PCI_VENDOR_ID) != 0xffff);
}

static void check(struct rig *r)
{
	unsigned count[PCI_NUM_INTX] = { 0 };

	for (unsigned i = 0; i < r->nfuncs; i++) {
		struct pci_func *f = r->f[i];
		check_func(r, f);
		unsigned pin = f->cfg[PCI_INTERRUPT_PIN];
		if (f->intx_asserted)
			count[pci_swizzle(f->devfn >> 3, pin)]++;
	}
	for (int l = 0; l < PCI_NUM_INTX; l++) {
		FUZZ_CHECK(r->h.intx_count[l] == count[l]);
		FUZZ_CHECK(r->line[l] == (count[l] > 0));
	}
	/* the flat view is sorted, disjoint and covers only enabled regions */
	for (int i = 0; i < r->as.nview; i++) {
		const struct flat_range *v = &r->as.view[i];
		FUZZ_CHECK(v->start <= v->end && v->r->enabled);
		FUZZ_CHECK(v->start >= v->r->base &&
			   v->end - v->r->base <= v->r->size - 1);
		if (i)
			FUZZ_CHECK(r->as.view[i - 1].end < v->start);
	}
}

/* ---- operations ---- */

static uint64_t ecam_base(void)
{
	return virt_map[VIRT_PCIE_ECAM].base;
}

static uint64_t cfg_addr(unsigned slot, unsigned reg)
{
	return ecam_base() + ((uint64_t)slot << 15) + reg;
}

static void read_check(struct rig *r, uint64_t pa, unsigned size)
{
	uint64_t v;

	if (as_read(&r->as, pa, size, &v, &fuzz_hart0) == MEM_OK)
		FUZZ_CHECK(size == 8 || !(v >> (8 * size)));
}

static void access(struct rig *r, uint64_t pa, unsigned size, bool write,
		   uint64_t val)
{
	if (write)
		as_write(&r->as, pa, size, val, &fuzz_hart0);
	else
		read_check(r, pa, size);
}

/* ECAM: bus (mostly 0), slot (mostly populated), function, register. */
static uint64_t ecam_addr(struct rig *r, uint32_t sel)
{
	unsigned reg = sel & 0xfff;
	unsigned slot = (sel >> 12) & 31, fn = 0, bus = 0;

	if (!(sel & (1u << 17)))
		slot = 1 + slot % (r->nfuncs + 1);  /* +1: one absent slot */
	if ((sel & (3u << 18)) == (3u << 18))
		fn = (sel >> 20) & 7;
	if ((sel & (3u << 22)) == (3u << 22))
		bus = 1 + ((sel >> 12) & 0xfe);
	if (!(sel & (1u << 16)))
		reg &= 0x3f;                         /* the header, mostly */
	return ecam_base() + ((uint64_t)bus << 20 | slot << 15 | fn << 12 | reg);
}

static struct pci_func *pick_func(struct rig *r, uint32_t sel, int *n)
{
	struct pci_func *f = r->f[sel % r->nfuncs];
	int k = 0, idx[PCI_ROM_SLOT + 1];

	for (int b = 0; b <= PCI_ROM_SLOT; b++)
		if (f->bars[b].size)
			idx[k++] = b;
	*n = k ? idx[(sel >> 8) % k] : -1;
	return f;
}

/* "Firmware" places BAR n at a bus address in the right window, at its
 * edge, or anywhere, and maybe turns decoding on. */
static void assign(struct rig *r, uint32_t sel, uint64_t val)
{
	int n;
	struct pci_func *f = pick_func(r, sel, &n);

	if (n < 0)
		return;
	struct pci_bar *b = &f->bars[n];
	bool io = b->type & PCI_BAR_IO;
	const struct pci_window *w =
		&r->h.windows[io ? PCI_WIN_IO :
			      (b->type & PCI_BAR_MEM64) ? PCI_WIN_MEM64 :
							  PCI_WIN_MEM32];
	uint64_t bus;

	switch ((sel >> 12) & 3) {
	case 0: /* inside, aligned */
		bus = w->bus_base + (val % w->size);
		break;
	case 1: /* at the top edge */
		bus = w->bus_base + w->size - b->size + ((val & 1) ? b->size : 0);
		break;
	case 2: /* just below the window */
		bus = w->bus_base - b->size;
		break;
	default:
		bus = val;
		break;
	}
	bus &= ~(b->size - 1);
	unsigned slot = f->devfn >> 3;
	unsigned off = n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BAR0 + 4 * n;
	uint32_t lo = (uint32_t)bus | (n == PCI_ROM_SLOT ? ((sel >> 14) & 1) : 0);
	if ((sel >> 15) & 1) {
		access(r, cfg_addr(slot, off), 4, true, lo);
		if (b->type & PCI_BAR_MEM64)
			access(r, cfg_addr(slot, off + 4), 4, true, bus >> 32);
	} else {
		/* byte by byte, as some firmware does */
		for (int i = 0; i < 4; i++)
			access(r, cfg_addr(slot, off + i), 1, true, lo >> (8 * i));
		if (b->type & PCI_BAR_MEM64)
			access(r, cfg_addr(slot, off + 4), 4, true, bus >> 32);
	}
	if ((sel >> 16) & 1)
		access(r, cfg_addr(slot, PCI_COMMAND), 2, true,
		       PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* BAR sizing as an OS does it: save, all ones, read the mask, restore. */
static void sizing(struct rig *r, uint32_t sel)
{
	int n;
	struct pci_func *f = pick_func(r, sel, &n);

	if (n < 0)
		return;
	struct pci_bar *b = &f->bars[n];
	unsigned slot = f->devfn >> 3;
	unsigned off = n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BAR0 + 4 * n;
	uint64_t saved = 0, mask = 0, hi = 0;
	bool wide = b->type & PCI_BAR_MEM64;

	FUZZ_CHECK(as_read(&r->as, cfg_addr(slot, off), 4, &saved, &fuzz_hart0) == MEM_OK);
	FUZZ_CHECK(as_write(&r->as, cfg_addr(slot, off), 4, 0xffffffff, &fuzz_hart0) ==
		   MEM_OK);
	FUZZ_CHECK(as_read(&r->as, cfg_addr(slot, off), 4, &mask, &fuzz_hart0) == MEM_OK);
	if (wide) {
		uint64_t saved_hi;
		FUZZ_CHECK(as_read(&r->as, cfg_addr(slot, off + 4), 4,
				   &saved_hi, &fuzz_hart0) == MEM_OK);
		access(r, cfg_addr(slot, off + 4), 4, true, 0xffffffff);
		as_read(&r->as, cfg_addr(slot, off + 4), 4, &hi, &fuzz_hart0);
		access(r, cfg_addr(slot, off + 4), 4, true, saved_hi);
	}
	uint64_t full = mask | hi << 32;
	uint64_t want;
	if (n == PCI_ROM_SLOT)
		want = (uint32_t)(~(b->size - 1)) | 1;
	else if (b->type & PCI_BAR_IO)
		want = (uint32_t)(~(b->size - 1) & ~3ull) | b->type;
	else if (wide)
		want = (~(b->size - 1) & ~0xfull) | b->type;
	else
		want = (uint32_t)(~(b->size - 1) & ~0xfull) | b->type;
	if (n == PCI_ROM_SLOT)
		want &= ~0x7feull;
	FUZZ_CHECK(full == want);
	access(r, cfg_addr(slot, off), 4, true, saved);
}

/* An address in or around the windows: at a BAR, its edges, or anywhere. */
static uint64_t window_addr(struct rig *r, uint32_t sel, uint64_t val)
{
	int n;
	struct pci_func *f = pick_func(r, sel, &n);

	if ((sel >> 12) & 1 && n >= 0) {
		struct pci_bar *b = &f->bars[n];
		uint64_t base = b->region->base;
		switch ((sel >> 13) & 3) {
		case 0: return base + (val % b->size);
		case 1: return base + b->size - 1 - (val & 7);
		case 2: return base - 1 - (val & 7);
		default: return base + b->size + (val & 7);
		}
	}
	const struct pci_window *w = &r->h.windows[(sel >> 13) % 3];
	return w->cpu_base + (val % (w->size + 16)) - 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig *r = &R;
	struct in in = { data, size };
	uint8_t opt = in_u8(&in), widths = in_u8(&in), trace = in_u8(&in);

	rig_build(r, opt, widths);
#ifdef FUZZ_SKIP_KNOWN_BUGS
	/* see fuzz/README.md: write_in uses its flat range after a device
	 * write rebuilt (and realloc'ed) the view; give the view room for
	 * every range up front so exploring goes on past that bug */
	r->as.view = realloc(r->as.view, 4 * AS_MAX_REGIONS * sizeof(*r->as.view));
	FUZZ_CHECK(r->as.view);
	r->as.view_cap = 4 * AS_MAX_REGIONS;
#endif
	r->as.sink = fuzz_trace_setup(trace, &r->as, NULL, 0);
	r->h.sink = r->as.sink;
	check(r);

	for (int k = 0; k < MAX_OPS && in.n; k++) {
		uint8_t b0 = in_u8(&in);
		uint32_t sel = (uint32_t)in_bytes(&in, 3);
		uint64_t val = in_u64(&in);
		unsigned w = 1u << (b0 & 3);
		bool write = b0 & 4;

		switch ((b0 >> 3) & 7) {
		case 0: case 1: case 2:
			access(r, ecam_addr(r, sel), w, write, val);
			break;
		case 3:
			assign(r, sel, val);
			break;
		case 4: {
			unsigned slot = 1 + sel % (r->nfuncs + 1);
			access(r, cfg_addr(slot, PCI_COMMAND), 2, true,
			       (sel >> 8) & 0x7ff);
			break;
		}
		case 5:
			sizing(r, sel);
			break;
		case 6:
			access(r, window_addr(r, sel, val), w, write, val);
			break;
		default:
			if (sel & 1)
				pci_host_reset(&r->h);
			else
				pci_func_reset(r->f[(sel >> 1) % r->nfuncs]);
			break;
		}
		check(r);
	}

	fuzz_trace_finish(r->as.sink, trace & 2);
	device_destroy(r->edu);
	device_destroy(r->hc);
	as_destroy(&r->as);
	return 0;
}
