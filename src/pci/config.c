/* Type 0 configuration space: write masks, write-1-to-clear bits, BARs,
 * capabilities, the INTx pin and bus-master DMA. */
#include <string.h>

#include "mem/address_space.h"
#include "pci/host.h"
#include "pci/pci.h"

#define PCI_STATUS_W1C 0xf900   /* parity, aborts, SERR: write 1 to clear */
#define PCI_COMMAND_WMASK (PCI_COMMAND_IO | PCI_COMMAND_MEMORY |       \
			   PCI_COMMAND_MASTER | 0x40 /* parity */ |     \
			   PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
#define PCI_CAP_START 0x40

/* Config accesses carry byte enables: any 1, 2 or 4 bytes of a dword. */
#define CFG_W (GLASS_W1 | GLASS_W2 | GLASS_W4)

const struct glass_reg pci_config_regs[] = {
	{ PCI_VENDOR_ID, 2, "vendor", CFG_W },
	{ PCI_DEVICE_ID, 2, "device", CFG_W },
	{ PCI_COMMAND, 2, "command", CFG_W },
	{ PCI_STATUS, 2, "status", CFG_W },
	{ PCI_REVISION_ID, 4, "revision/class", CFG_W },
	{ PCI_CACHE_LINE_SIZE, 4, "cacheline/latency/header", CFG_W },
	{ PCI_BAR0, 4, "BAR0", CFG_W },
	{ PCI_BAR0 + 4, 4, "BAR1", CFG_W },
	{ PCI_BAR0 + 8, 4, "BAR2", CFG_W },
	{ PCI_BAR0 + 12, 4, "BAR3", CFG_W },
	{ PCI_BAR0 + 16, 4, "BAR4", CFG_W },
	{ PCI_BAR0 + 20, 4, "BAR5", CFG_W },
	{ PCI_SUBSYSTEM_VENDOR_ID, 4, "subsystem", CFG_W },
	{ PCI_ROM_ADDRESS, 4, "ROM", CFG_W },
	{ PCI_CAPABILITY_LIST, 1, "capabilities", CFG_W },
	{ PCI_INTERRUPT_LINE, 1, "interrupt-line", CFG_W },
	{ PCI_INTERRUPT_PIN, 1, "interrupt-pin", CFG_W },
	{ 0, 0, NULL, 0 },
};

static void set_word(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void set_long(uint8_t *p, uint32_t v)
{
	set_word(p, v);
	set_word(p + 2, v >> 16);
}

void pci_func_init(struct pci_func *f, const struct pci_device_ops *ops,
		   void *dev, uint16_t vendor, uint16_t device,
		   uint8_t revision, uint32_t class_code, uint8_t pin)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->dev = dev;
	f->next_cap = PCI_CAP_START;
	set_word(f->cfg + PCI_VENDOR_ID, vendor);
	set_word(f->cfg + PCI_DEVICE_ID, device);
	f->cfg[PCI_REVISION_ID] = revision;
	f->cfg[PCI_CLASS_PROG] = class_code;
	set_word(f->cfg + PCI_CLASS_DEVICE, class_code >> 8);
	f->cfg[PCI_INTERRUPT_PIN] = pin;
	set_word(f->wmask + PCI_COMMAND, PCI_COMMAND_WMASK);
	set_word(f->w1cmask + PCI_STATUS, PCI_STATUS_W1C);
	f->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	f->wmask[PCI_LATENCY_TIMER] = 0xff;
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

static unsigned bar_offset(int n)
{
	return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BAR0 + 4 * n;
}

void pci_func_add_bar(struct pci_func *f, int n, uint64_t size, uint8_t type,
		      const char *name, const struct glass_region_ops *ops,
		      void *dev)
{
	struct pci_bar *b = &f->bars[n];
	unsigned off = bar_offset(n);
	uint64_t mask = ~(size - 1);

	b->size = size;
	b->type = n == PCI_ROM_SLOT ? 0 : type;
	b->name = name;
	b->ops = ops;
	b->dev = dev;
	if (n == PCI_ROM_SLOT) {
		/* address bits, and bit 0: ROM Address Decode Enable */
		set_long(f->wmask + off, (uint32_t)(mask & ~0x7ffull) | 1);
		return;
	}
	set_long(f->cfg + off, type);
	if (type & PCI_BAR_IO) {
		set_long(f->wmask + off, (uint32_t)(mask & ~3ull));
	} else if (type & PCI_BAR_MEM64) {
		set_long(f->wmask + off, (uint32_t)(mask & ~0xfull));
		set_long(f->wmask + off + 4, (uint32_t)(mask >> 32));
	} else {
		set_long(f->wmask + off, (uint32_t)(mask & ~0xfull));
	}
}

unsigned pci_func_add_cap(struct pci_func *f, uint8_t id, unsigned len)
{
	unsigned at = f->next_cap;

	/* capabilities live below 256 (their pointers are one byte); len is
	 * checked before it is rounded up, so a huge one cannot wrap */
	if (len == 0 || at >= 256 || len > 256 - at ||
	    ((len + 3) & ~3u) > 256 - at)
		return 0;
	len = (len + 3) & ~3u;
	f->cfg[at] = id;
	f->cfg[at + 1] = f->cfg[PCI_CAPABILITY_LIST];
	f->cfg[PCI_CAPABILITY_LIST] = at; /* newest first: a linked list */
	f->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	f->next_cap = at + len;
	return at;
}

uint64_t pci_bar_address(const struct pci_func *f, int n)
{
	const struct pci_bar *b = &f->bars[n];
	unsigned off = bar_offset(n);
	uint64_t lo = pci_get_long(f, off);

	if (n == PCI_ROM_SLOT)
		return lo & ~0x7ffull;
	if (b->type & PCI_BAR_IO)
		return lo & ~3ull;
	if (b->type & PCI_BAR_MEM64)
		return (lo & ~0xfull) | (uint64_t)pci_get_long(f, off + 4) << 32;
	return lo & ~0xfull;
}

uint32_t pci_config_read(struct pci_func *f, unsigned offset, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)f->cfg[offset + i] << (8 * i);
	return v;
}

/* Does [offset, offset + size) touch [lo, hi)? */
static bool touches(unsigned offset, unsigned size, unsigned lo, unsigned hi)
{
	return offset < hi && offset + size > lo;
}

/* Whether no bit of [offset, offset + size) can be changed by a write.
 * BARs do not count: writing all ones to an unimplemented (hardwired zero)
 * BAR is how software finds out that it is not there. */
static bool read_only(const struct pci_func *f, unsigned offset, unsigned size)
{
	if ((offset >= PCI_BAR0 && offset < PCI_BAR0 + 24) ||
	    (offset >= PCI_ROM_ADDRESS && offset < PCI_ROM_ADDRESS + 4))
		return false;
	for (unsigned i = 0; i < size; i++)
		if (f->wmask[offset + i] || f->w1cmask[offset + i])
			return false;
	return true;
}

const char *pci_func_name(const struct pci_func *f)
{
	return f->ops && f->ops->name ? f->ops->name : "host-bridge";
}

void pci_config_write(struct pci_func *f, unsigned offset, uint32_t val,
		      unsigned size, const struct glass_attrs *who)
{
	/* the write is ignored, as hardware ignores it; the trace says so */
	struct event_sink *sink = f->host ? f->host->sink : NULL;
	if (ev_on(sink, EV_GUEST_ERROR) && read_only(f, offset, size)) {
		struct bus_event e = {
			.kind = EVK_DEVICE_ERROR, .who = who,
			.deverr = { .devfn = f->devfn,
				    .device = pci_func_name(f),
				    .why = "write to a read-only config "
					   "register ignored",
				    .config = true, .offset = offset,
				    .value = val },
		};
		sink->emit(sink->opaque, &e);
	}
	for (unsigned i = 0; i < size; i++) {
		unsigned o = offset + i;
		uint8_t b = val >> (8 * i);
		f->cfg[o] = (f->cfg[o] & ~f->wmask[o]) | (b & f->wmask[o]);
		f->cfg[o] &= ~(b & f->w1cmask[o]);
	}
	if (!f->host)
		return;
	if (touches(offset, size, PCI_COMMAND, PCI_COMMAND + 2) ||
	    touches(offset, size, PCI_BAR0, PCI_BAR0 + 24) ||
	    touches(offset, size, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 4))
		pci_host_update_mappings(f->host, f);
	if (touches(offset, size, PCI_COMMAND + 1, PCI_COMMAND + 2))
		pci_host_update_irq(f->host, f); /* INTx Disable */
	if (f->ops && f->ops->config_written)
		f->ops->config_written(f, offset, size);
}

void pci_set_irq(struct pci_func *f, int level)
{
	f->intx_level = level;
	if (level)
		f->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		f->cfg[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
	if (f->host)
		pci_host_update_irq(f->host, f);
}

int pci_dma_check(struct pci_func *f, uint64_t bus, uint64_t len, bool write,
		  uint64_t *cpu)
{
	const char *why = NULL;

	*cpu = 0;
	if (!f->host)
		return -1;
	if (!(pci_get_word(f, PCI_COMMAND) & PCI_COMMAND_MASTER))
		why = "refused: bus mastering disabled";
	else if (!pci_host_dma_translate(f->host, bus, len, cpu))
		why = "refused: outside the inbound window";
	else if (len && !as_is_ram(f->host->as, *cpu, len))
		why = "refused: not guest RAM";
	struct event_sink *sink = f->host->sink;
	if (ev_on(sink, EV_DMA)) {
		struct bus_event e = {
			.kind = EVK_DMA,
			.dma = { .devfn = f->devfn, .device = pci_func_name(f),
				 .write = write, .ok = !why, .bus = bus,
				 .pa = *cpu, .len = len, .why = why },
		};
		sink->emit(sink->opaque, &e);
	} else if (why) {
		pci_guest_error(f, bus, len, why);
	}
	return why ? -1 : 0;
}

/* One DMA transfer: permission, inbound translation, RAM check, trace. */
static int dma(struct pci_func *f, uint64_t bus, void *rbuf, const void *wbuf,
	       uint64_t len)
{
	uint64_t cpu;

	if (pci_dma_check(f, bus, len, !rbuf, &cpu) < 0)
		return -1;
	if (rbuf)
		return as_dma_read(f->host->as, cpu, rbuf, len) == MEM_OK ? 0 : -1;
	return as_dma_write(f->host->as, cpu, wbuf, len) == MEM_OK ? 0 : -1;
}

void pci_guest_error(struct pci_func *f, uint64_t bus, uint64_t len,
		     const char *what)
{
	struct event_sink *sink = f->host ? f->host->sink : NULL;

	if (ev_on(sink, EV_GUEST_ERROR)) {
		struct bus_event e = {
			.kind = EVK_DEVICE_ERROR,
			.deverr = { .devfn = f->devfn,
				    .device = pci_func_name(f), .why = what,
				    .bus = bus, .len = len },
		};
		sink->emit(sink->opaque, &e);
	}
}

int pci_dma_read(struct pci_func *f, uint64_t bus_addr, void *buf,
		 uint64_t len)
{
	return dma(f, bus_addr, buf, NULL, len);
}

int pci_dma_write(struct pci_func *f, uint64_t bus_addr, const void *buf,
		  uint64_t len)
{
	return dma(f, bus_addr, NULL, buf, len);
}

void pci_func_reset(struct pci_func *f)
{
	set_word(f->cfg + PCI_COMMAND, 0);
	/* error bits clear; capability list and the pin state stay */
	set_word(f->cfg + PCI_STATUS, f->cfg[PCI_STATUS] &
		 (PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT));
	for (int n = 0; n <= PCI_ROM_SLOT; n++) {
		unsigned off = bar_offset(n);
		if (!f->bars[n].size)
			continue;
		set_long(f->cfg + off, f->bars[n].type);
		if (f->bars[n].type & PCI_BAR_MEM64)
			set_long(f->cfg + off + 4, 0);
	}
	f->cfg[PCI_INTERRUPT_LINE] = 0;
	f->cfg[PCI_CACHE_LINE_SIZE] = 0;
	f->cfg[PCI_LATENCY_TIMER] = 0;
	if (f->ops && f->ops->reset)
		f->ops->reset(f);
	if (f->host) {
		pci_host_update_mappings(f->host, f);
		pci_host_update_irq(f->host, f);
	}
}
