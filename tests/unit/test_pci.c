/* PCI: configuration space, BARs, windows, INTx and DMA, all driven the way
 * a CPU drives them: as_read/as_write on a real address space, at
 * ecam_base + (bus << 20) + (devfn << 12) + reg for config space and at the
 * CPU physical address a BAR decodes at. The board around the host bridge
 * is built like the virt machine's (same windows and ECAM), with fake
 * interrupt lines and fake functions (made with the pci/ layer's own
 * pci_func_init) that record what reaches them; edu is made by the device
 * framework, as -device edu makes it. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/edu.h"
#include "device/device.h"
#include "harness.h"
#include "mem/address_space.h"
#include "pci/host.h"
#include "pci/pci.h"

/* ---- the board -------------------------------------------------------- */

#define ECAM_BASE 0x30000000ull
#define ECAM_SIZE 0x10000000ull
#define IO_CPU 0x03000000ull
#define IO_SIZE 0x10000ull
#define M32_CPU 0x40000000ull
#define M32_SIZE 0x40000000ull
#define M64_CPU 0x400000000ull
#define M64_SIZE 0x400000000ull
#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x100000ull         /* 1 MiB */

#define ALL32 0xffffffffull
#define ALL64 0xffffffffffffffffull

#define CMD_PARITY 0x40
#define CMD_ALL_WRITABLE (PCI_COMMAND_IO | PCI_COMMAND_MEMORY |           \
			  PCI_COMMAND_MASTER | CMD_PARITY |               \
			  PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

/* A device behind a BAR: 64 bytes of memory, mirrored over the whole BAR
 * (offset modulo 64), every access recorded. */
#define FAKE_BYTES 64

struct fake_bar {
	uint8_t mem[FAKE_BYTES];
	int reads, writes;
	uint64_t last_off, last_val;
	unsigned last_size;
};

static uint64_t fake_read(void *dev, uint64_t off, unsigned size,
			  const struct glass_attrs *who)
{
	struct fake_bar *d = dev;
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)d->mem[(off + i) % FAKE_BYTES] << (8 * i);
	d->reads++;
	d->last_off = off;
	d->last_size = size;
	d->last_val = v;
	return v;
}

static void fake_write(void *dev, uint64_t off, uint64_t val, unsigned size,
		       const struct glass_attrs *who)
{
	struct fake_bar *d = dev;

	for (unsigned i = 0; i < size; i++)
		d->mem[(off + i) % FAKE_BYTES] = val >> (8 * i);
	d->writes++;
	d->last_off = off;
	d->last_size = size;
	d->last_val = val;
}

/* Any width and alignment from the CPU; the device takes 1, 2, 4 and 8
 * bytes aligned, so the bus splits a misaligned access into aligned
 * pieces. */
static const struct glass_region_ops fake_ops = {
	.read = fake_read, .write = fake_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED, .impl = GLASS_WANY,
};

/* A test function's device-model side. */
static int fake_resets;

static void fake_func_reset(struct pci_func *f)
{
	fake_resets++;
}

static const struct pci_device_ops fake_func_ops = {
	.name = "fake",
	.reset = fake_func_reset,
};

/* BAR layout of the "everything" function */
#define B0_SIZE 0x1000ull       /* BAR0: 32-bit memory, 4 KiB */
#define B1_SIZE 0x10000ull      /* BAR1+2: 64-bit memory, 64 KiB */
#define B3_SIZE 0x100000ull     /* BAR3+4: 64-bit prefetchable, 1 MiB */
#define B5_SIZE 0x20ull         /* BAR5: I/O, 32 ports */
#define ROM_SIZE 0x2000ull      /* expansion ROM, 8 KiB */

enum { FB_BAR0, FB_BAR1, FB_BAR3, FB_BAR5, FB_ROM, FB_COUNT };

#define NSWZ 16

struct rig {
	struct address_space as;
	struct pci_host h;
	int level[PCI_NUM_INTX];    /* what each INTx line is driven to */
	int sets[PCI_NUM_INTX];     /* how often each was driven */
	struct pci_func f1;         /* slot 1, INTA, BARs of every type */
	struct pci_func f2;         /* slot 5, INTA: shares f1's line */
	struct fake_bar bar[FB_COUNT];
	struct fake_bar f2bar;
	struct pci_func swz[NSWZ];  /* for the swizzle walk */
	/* edu, made by the device framework on this bridge (edu_rig) */
	struct device_env env;
	struct vclock clock;
	struct event_sink sink;
	struct glass_device *edu;
	uint64_t edu_refused;       /* its DMA transfers the bridge refused */
};

static void fake_irq_set(void *opaque, int n, int level)
{
	struct rig *r = opaque;

	if (n < 0 || n >= PCI_NUM_INTX)
		return;
	r->level[n] = level;
	r->sets[n]++;
}

/* Build the board: RAM at RAM_BASE, the bridge with the virt machine's
 * windows, memory windows and DMA shifted by `offset` (bus = cpu - offset),
 * the inbound window `inbound_size` bytes from RAM_BASE. Plugs f1 into slot
 * 1 and f2 into slot 5. */
static struct rig *rig_new(uint64_t offset, uint64_t inbound_size)
{
	struct rig *r = calloc(1, sizeof(*r));

	if (!r)
		abort();
	as_init(&r->as);
	CHECK(as_add_ram(&r->as, "ram", RAM_BASE, RAM_SIZE) != NULL);

	struct pci_window io = { PCI_WIN_IO, IO_CPU, 0, IO_SIZE, NULL };
	struct pci_window m32 = { PCI_WIN_MEM32, M32_CPU, M32_CPU - offset,
				  M32_SIZE, NULL };
	struct pci_window m64 = { PCI_WIN_MEM64, M64_CPU, M64_CPU - offset,
				  M64_SIZE, NULL };
	struct pci_window in = { PCI_WIN_MEM64, RAM_BASE, RAM_BASE - offset,
				 inbound_size, NULL };
	struct irq_line intx[PCI_NUM_INTX];
	for (int i = 0; i < PCI_NUM_INTX; i++)
		intx[i] = (struct irq_line){ fake_irq_set, r, i };
	CHECK_EQ(pci_host_init(&r->h, &r->as, ECAM_BASE, ECAM_SIZE, &io, &m32,
			       &m64, &in, intx), 0);

	pci_func_init(&r->f1, &fake_func_ops, r, 0x1af4, 0xbeef, 0x07,
		      0x028000, 1);
	pci_func_add_bar(&r->f1, 0, B0_SIZE, 0, "bar0", &fake_ops,
			 &r->bar[FB_BAR0]);
	pci_func_add_bar(&r->f1, 1, B1_SIZE, PCI_BAR_MEM64, "bar1", &fake_ops,
			 &r->bar[FB_BAR1]);
	pci_func_add_bar(&r->f1, 3, B3_SIZE, PCI_BAR_MEM64 | PCI_BAR_PREFETCH,
			 "bar3", &fake_ops, &r->bar[FB_BAR3]);
	pci_func_add_bar(&r->f1, 5, B5_SIZE, PCI_BAR_IO, "bar5", &fake_ops,
			 &r->bar[FB_BAR5]);
	pci_func_add_bar(&r->f1, PCI_ROM_SLOT, ROM_SIZE, 0, "rom", &fake_ops,
			 &r->bar[FB_ROM]);
	CHECK_EQ(pci_host_plug(&r->h, &r->f1, 1), 0);

	pci_func_init(&r->f2, &fake_func_ops, r, 0x1af4, 0xcafe, 0x01,
		      0xff0000, 1);
	pci_func_add_bar(&r->f2, 0, 0x100, 0, "bar0", &fake_ops, &r->f2bar);
	CHECK_EQ(pci_host_plug(&r->h, &r->f2, 5), 0);
	return r;
}

static void rig_free(struct rig *r)
{
	device_destroy(r->edu);
	as_destroy(&r->as);
	free(r);
}

static uint64_t ecam_addr(unsigned bus, unsigned devfn, unsigned reg)
{
	return ECAM_BASE + ((uint64_t)bus << 20) + ((uint64_t)devfn << 12) +
	       reg;
}

#define DEVFN(slot, fn) ((slot) << 3 | (fn))

/* Every access is made by hart 0, in M-mode. */
static const struct glass_attrs hart0 = { .initiator = 0, .priv = 3 };

static uint64_t cfg_rd_bus(struct rig *r, unsigned bus, unsigned devfn,
			   unsigned reg, unsigned size)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;

	CHECK_EQ(as_read(&r->as, ecam_addr(bus, devfn, reg), size, &v,
			 &hart0), MEM_OK);
	return v;
}

static uint64_t cfg_rd(struct rig *r, unsigned devfn, unsigned reg,
		       unsigned size)
{
	return cfg_rd_bus(r, 0, devfn, reg, size);
}

static void cfg_wr(struct rig *r, unsigned devfn, unsigned reg, unsigned size,
		   uint64_t val)
{
	CHECK_EQ(as_write(&r->as, ecam_addr(0, devfn, reg), size, val,
			  &hart0), MEM_OK);
}

static uint64_t mem_rd(struct rig *r, uint64_t pa, unsigned size)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;

	CHECK_EQ(as_read(&r->as, pa, size, &v, &hart0), MEM_OK);
	return v;
}

static void mem_wr(struct rig *r, uint64_t pa, unsigned size, uint64_t val)
{
	CHECK_EQ(as_write(&r->as, pa, size, val, &hart0), MEM_OK);
}

#define F1 DEVFN(1, 0)
#define F2 DEVFN(5, 0)

/* Program a memory BAR (64-bit ones take both halves). */
static void set_bar(struct rig *r, unsigned devfn, int n, uint64_t addr,
		    bool is64)
{
	cfg_wr(r, devfn, PCI_BAR0 + 4 * n, 4, (uint32_t)addr);
	if (is64)
		cfg_wr(r, devfn, PCI_BAR0 + 4 * n + 4, 4, addr >> 32);
}

static void set_cmd(struct rig *r, unsigned devfn, uint16_t cmd)
{
	cfg_wr(r, devfn, PCI_COMMAND, 2, cmd);
}

/* A read at pa is a master abort: all ones from the window's backstop,
 * counted, and the device behind the BAR sees nothing. */
static void check_aborts(struct rig *r, uint64_t pa, struct fake_bar *d)
{
	uint64_t aborts = r->h.master_aborts;
	int reads = d->reads, writes = d->writes;

	CHECK_EQ(mem_rd(r, pa, 4), ALL32);
	CHECK_EQ(mem_rd(r, pa, 1), 0xff);
	CHECK_EQ(mem_rd(r, pa, 8), ALL64);
	mem_wr(r, pa, 4, 0x12345678);
	CHECK(r->h.master_aborts > aborts);
	CHECK_EQ(d->reads, reads);
	CHECK_EQ(d->writes, writes);
}

/* A read and a write at pa reach d at device offset `off`. */
static void check_decodes(struct rig *r, uint64_t pa, struct fake_bar *d,
			  uint64_t off)
{
	uint64_t aborts = r->h.master_aborts;
	int reads = d->reads, writes = d->writes;

	mem_wr(r, pa, 4, 0xc0ffee00 | (uint32_t)off);
	CHECK_EQ(d->writes, writes + 1);
	CHECK_EQ(d->last_off, off);
	CHECK_EQ(d->last_size, 4);
	CHECK_EQ(d->last_val, 0xc0ffee00 | (uint32_t)off);
	CHECK_EQ(mem_rd(r, pa, 4), 0xc0ffee00 | (uint32_t)off);
	CHECK_EQ(d->reads, reads + 1);
	CHECK_EQ(d->last_off, off);
	CHECK_EQ(r->h.master_aborts, aborts);
}

/* ---- config space: presence and identity ------------------------------ */

TEST(pci_absent_functions_and_buses_read_all_ones)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	const struct {
		unsigned bus, devfn;
	} absent[] = {
		{ 0, DEVFN(2, 0) }, { 0, DEVFN(31, 0) }, { 0, DEVFN(1, 1) },
		{ 0, DEVFN(1, 7) }, { 0, DEVFN(0, 3) }, { 1, DEVFN(0, 0) },
		{ 1, DEVFN(1, 0) }, { 255, DEVFN(31, 7) },
	};
	const unsigned regs[] = { 0x00, 0x02, 0x04, 0x08, 0x3c, 0xffc };

	for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		for (unsigned k = 0; k < sizeof(regs) / sizeof(regs[0]); k++) {
			unsigned b = absent[i].bus, d = absent[i].devfn;
			CHECK_EQ(cfg_rd_bus(r, b, d, regs[k], 4), ALL32);
			CHECK_EQ(cfg_rd_bus(r, b, d, regs[k], 2), 0xffff);
			CHECK_EQ(cfg_rd_bus(r, b, d, regs[k] + 2, 2), 0xffff);
			CHECK_EQ(cfg_rd_bus(r, b, d, regs[k] + 3, 1), 0xff);
			CHECK_EQ(cfg_rd_bus(r, b, d, regs[k], 1), 0xff);
		}
		/* a 64-bit CPU load is split into two ECAM dwords */
		CHECK_EQ(cfg_rd_bus(r, absent[i].bus, absent[i].devfn, 0, 8),
			 ALL64);
		/* writes to nobody vanish */
		CHECK_EQ(as_write(&r->as, ecam_addr(absent[i].bus,
						    absent[i].devfn, 4),
				  4, 0xffffffff, &hart0), MEM_OK);
	}
	/* the present ones are unaffected by those writes */
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_VENDOR_ID, 4), 0xbeef1af4);
	/* the last byte of the ECAM region still answers */
	uint64_t v = 0;
	CHECK_EQ(as_read(&r->as, ECAM_BASE + ECAM_SIZE - 1, 1, &v, &hart0),
		 MEM_OK);
	CHECK_EQ(v, 0xff);
	rig_free(r);
}

TEST(pci_host_bridge_at_00_00_0)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	CHECK_EQ(cfg_rd(r, 0, PCI_VENDOR_ID, 2), 0x1b36);
	CHECK_EQ(cfg_rd(r, 0, PCI_DEVICE_ID, 2), 0x0008);
	CHECK_EQ(cfg_rd(r, 0, PCI_VENDOR_ID, 4), 0x00081b36);
	CHECK_EQ(cfg_rd(r, 0, PCI_REVISION_ID, 4), 0x06000000);
	CHECK_EQ(cfg_rd(r, 0, PCI_CLASS_DEVICE, 2), 0x0600);
	CHECK_EQ(cfg_rd(r, 0, PCI_CLASS_PROG, 1), 0x00);
	CHECK_EQ(cfg_rd(r, 0, PCI_HEADER_TYPE, 1), 0x00);
	CHECK_EQ(cfg_rd(r, 0, PCI_INTERRUPT_PIN, 1), 0);
	for (int n = 0; n < PCI_NUM_BARS; n++) {
		cfg_wr(r, 0, PCI_BAR0 + 4 * n, 4, 0xffffffff);
		CHECK_EQ(cfg_rd(r, 0, PCI_BAR0 + 4 * n, 4), 0); /* no BARs */
	}
	/* the identity is read-only here too */
	cfg_wr(r, 0, PCI_VENDOR_ID, 4, 0x12345678);
	cfg_wr(r, 0, PCI_REVISION_ID, 4, 0xffffffff);
	CHECK_EQ(cfg_rd(r, 0, PCI_VENDOR_ID, 4), 0x00081b36);
	CHECK_EQ(cfg_rd(r, 0, PCI_REVISION_ID, 4), 0x06000000);
	/* and its command register takes the usual bits */
	set_cmd(r, 0, 0xffff);
	CHECK_EQ(cfg_rd(r, 0, PCI_COMMAND, 2), CMD_ALL_WRITABLE);
	rig_free(r);
}

TEST(pci_identity_registers_read_only)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	CHECK_EQ(cfg_rd(r, F1, PCI_VENDOR_ID, 4), 0xbeef1af4);
	CHECK_EQ(cfg_rd(r, F1, PCI_REVISION_ID, 4), 0x02800007);
	CHECK_EQ(cfg_rd(r, F1, PCI_HEADER_TYPE, 1), 0);
	for (unsigned size = 1; size <= 4; size *= 2) {
		for (unsigned off = 0; off < 4; off += size) {
			cfg_wr(r, F1, PCI_VENDOR_ID + off, size, 0);
			cfg_wr(r, F1, PCI_REVISION_ID + off, size,
			       0xffffffff);
			cfg_wr(r, F1, PCI_SUBSYSTEM_VENDOR_ID + off, size,
			       0xffffffff);
		}
	}
	CHECK_EQ(cfg_rd(r, F1, PCI_VENDOR_ID, 2), 0x1af4);
	CHECK_EQ(cfg_rd(r, F1, PCI_DEVICE_ID, 2), 0xbeef);
	CHECK_EQ(cfg_rd(r, F1, PCI_REVISION_ID, 1), 0x07);
	CHECK_EQ(cfg_rd(r, F1, PCI_CLASS_PROG, 1), 0x00);
	CHECK_EQ(cfg_rd(r, F1, PCI_CLASS_DEVICE, 2), 0x0280);
	CHECK_EQ(cfg_rd(r, F1, PCI_SUBSYSTEM_VENDOR_ID, 4), 0);
	/* the header type is read-only; cache line and latency are not */
	cfg_wr(r, F1, PCI_CACHE_LINE_SIZE, 4, 0xffffffff);
	CHECK_EQ(cfg_rd(r, F1, PCI_CACHE_LINE_SIZE, 4), 0x0000ffff);
	rig_free(r);
}

/* ---- command, status, interrupt pin/line ------------------------------ */

TEST(pci_command_register_write_mask)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	set_cmd(r, F1, 0xffff);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), CMD_ALL_WRITABLE);
	CHECK_EQ(CMD_ALL_WRITABLE, 0x0547);
	set_cmd(r, F1, 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), 0);
	/* each bit on its own */
	for (unsigned bit = 0; bit < 16; bit++) {
		set_cmd(r, F1, 1u << bit);
		CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2),
			 (1u << bit) & CMD_ALL_WRITABLE);
		set_cmd(r, F1, 0);
	}
	/* byte writes: low and high byte separately */
	cfg_wr(r, F1, PCI_COMMAND, 1, 0xff);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), 0x47);
	cfg_wr(r, F1, PCI_COMMAND + 1, 1, 0xff);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), 0x547);
	cfg_wr(r, F1, PCI_COMMAND, 1, 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), 0x500);
	/* a dword write at 0x04 sets command, status part 0 changes nothing */
	cfg_wr(r, F1, PCI_COMMAND, 4, 0x00000006);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 4), 0x00000006);
	rig_free(r);
}

TEST(pci_status_write_one_to_clear)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	const uint16_t w1c = 0xf900; /* parity, target/master aborts, SERR */

	/* the status register cannot be set by software */
	cfg_wr(r, F1, PCI_STATUS, 2, 0xffff);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2), 0);

	/* the device reports errors (set behind software's back) */
	r->f1.cfg[PCI_STATUS] = 0x00;
	r->f1.cfg[PCI_STATUS + 1] = w1c >> 8;
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2), w1c);
	cfg_wr(r, F1, PCI_STATUS, 2, 0);            /* zeros: nothing */
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2), w1c);
	cfg_wr(r, F1, PCI_STATUS, 2, 0x0100);       /* one bit */
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2), w1c & ~0x0100);
	cfg_wr(r, F1, PCI_STATUS + 1, 1, 0x80);     /* byte write */
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2), w1c & ~0x8100);
	/* a dword write of command with zero status leaves the errors */
	cfg_wr(r, F1, PCI_COMMAND, 4, PCI_COMMAND_MASTER);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2), w1c & ~0x8100);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), PCI_COMMAND_MASTER);
	/* read-modify-write of the whole dword clears them all */
	uint64_t v = cfg_rd(r, F1, PCI_COMMAND, 4);
	cfg_wr(r, F1, PCI_COMMAND, 4, v);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2), 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), PCI_COMMAND_MASTER);

	/* the read-only bits (interrupt, capability list) are not W1C */
	pci_func_add_cap(&r->f1, 0x09, 4);
	pci_set_irq(&r->f1, 1);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2),
		 PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT);
	cfg_wr(r, F1, PCI_STATUS, 2, 0xffff);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2),
		 PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT);
	pci_set_irq(&r->f1, 0);
	rig_free(r);
}

TEST(pci_interrupt_pin_read_only_line_rw)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	CHECK_EQ(cfg_rd(r, F1, PCI_INTERRUPT_PIN, 1), 1);
	cfg_wr(r, F1, PCI_INTERRUPT_PIN, 1, 3);
	CHECK_EQ(cfg_rd(r, F1, PCI_INTERRUPT_PIN, 1), 1);
	CHECK_EQ(cfg_rd(r, F1, PCI_INTERRUPT_LINE, 1), 0);
	cfg_wr(r, F1, PCI_INTERRUPT_LINE, 1, 0x21);
	CHECK_EQ(cfg_rd(r, F1, PCI_INTERRUPT_LINE, 1), 0x21);
	/* dword at 0x3c: line takes the byte, pin and min_gnt/max_lat stay */
	cfg_wr(r, F1, PCI_INTERRUPT_LINE, 4, 0xffffff42);
	CHECK_EQ(cfg_rd(r, F1, PCI_INTERRUPT_LINE, 4), 0x00000142);
	CHECK_EQ(cfg_rd(r, 0, PCI_INTERRUPT_PIN, 1), 0); /* bridge: none */
	rig_free(r);
}

/* ---- BAR sizing ------------------------------------------------------- */

/* Write all ones, read the size mask, restore: what every OS does. */
static uint64_t size_probe(struct rig *r, unsigned devfn, unsigned reg)
{
	uint64_t old = cfg_rd(r, devfn, reg, 4);

	cfg_wr(r, devfn, reg, 4, 0xffffffff);
	uint64_t v = cfg_rd(r, devfn, reg, 4);
	cfg_wr(r, devfn, reg, 4, old);
	CHECK_EQ(cfg_rd(r, devfn, reg, 4), old);
	return v;
}

TEST(pci_bar_types_at_reset)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 0, 4), 0x0);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 4, 4), 0x4);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 8, 4), 0x0);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 12, 4), 0xc);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 16, 4), 0x0);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 20, 4), 0x1);
	CHECK_EQ(cfg_rd(r, F1, PCI_ROM_ADDRESS, 4), 0x0);
	for (int n = 0; n <= PCI_ROM_SLOT; n++)
		CHECK(!r->f1.bars[n].mapped);
	rig_free(r);
}

TEST(pci_bar_sizing_every_type)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	/* 32-bit memory, 4 KiB */
	CHECK_EQ(size_probe(r, F1, PCI_BAR0), (uint32_t)~(B0_SIZE - 1));
	/* 64-bit memory, 64 KiB: type bits 0b100 in the low half, the upper
	 * half sizes as all ones (size < 4 GiB) */
	CHECK_EQ(size_probe(r, F1, PCI_BAR0 + 4),
		 (uint32_t)~(B1_SIZE - 1) | PCI_BAR_MEM64);
	CHECK_EQ(size_probe(r, F1, PCI_BAR0 + 8), ALL32);
	/* 64-bit prefetchable, 1 MiB */
	CHECK_EQ(size_probe(r, F1, PCI_BAR0 + 12),
		 (uint32_t)~(B3_SIZE - 1) | PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	CHECK_EQ(size_probe(r, F1, PCI_BAR0 + 16), ALL32);
	/* I/O, 32 ports: bit 0 set, bit 1 reserved zero */
	CHECK_EQ(size_probe(r, F1, PCI_BAR0 + 20),
		 (uint32_t)~(B5_SIZE - 1) | PCI_BAR_IO);
	/* expansion ROM: address bits 31..13 and the enable bit 0 */
	CHECK_EQ(size_probe(r, F1, PCI_ROM_ADDRESS),
		 (uint32_t)~(ROM_SIZE - 1) | 1);
	cfg_wr(r, F1, PCI_ROM_ADDRESS, 4, 0xfffff800); /* Linux's probe */
	CHECK_EQ(cfg_rd(r, F1, PCI_ROM_ADDRESS, 4), (uint32_t)~(ROM_SIZE - 1));
	cfg_wr(r, F1, PCI_ROM_ADDRESS, 4, 1);
	CHECK_EQ(cfg_rd(r, F1, PCI_ROM_ADDRESS, 4), 1);
	cfg_wr(r, F1, PCI_ROM_ADDRESS, 4, 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_ROM_ADDRESS, 4), 0);
	/* a function without a ROM: 0x30 is read-only zero */
	CHECK_EQ(size_probe(r, F2, PCI_ROM_ADDRESS), 0);
	/* unimplemented BARs read zero */
	for (int n = 1; n < PCI_NUM_BARS; n++)
		CHECK_EQ(size_probe(r, F2, PCI_BAR0 + 4 * n), 0);
	/* f2's BAR0: 256 bytes */
	CHECK_EQ(size_probe(r, F2, PCI_BAR0), 0xffffff00);

	/* low bits below the size never stick; the type bits always read */
	cfg_wr(r, F1, PCI_BAR0, 4, 0x12345fff);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0, 4), 0x12345000);
	cfg_wr(r, F1, PCI_BAR0 + 20, 4, 0x0000abcf);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 20, 4), 0x0000abc1);
	cfg_wr(r, F1, PCI_BAR0 + 12, 4, 0x0);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 12, 4), 0xc);
	/* byte-wise sizing works too */
	for (unsigned i = 0; i < 4; i++)
		cfg_wr(r, F1, PCI_BAR0 + 4 + i, 1, 0xff);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 4, 4),
		 (uint32_t)~(B1_SIZE - 1) | PCI_BAR_MEM64);
	rig_free(r);
}

TEST(pci_bar_sizing_64bit_above_4g)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	struct pci_func *big = &r->swz[0];
	struct fake_bar d = { .reads = 0 };

	pci_func_init(big, &fake_func_ops, r, 0x1af4, 0x1000, 0, 0x030000, 0);
	pci_func_add_bar(big, 0, 0x200000000ull /* 8 GiB */,
			 PCI_BAR_MEM64 | PCI_BAR_PREFETCH, "bar0", &fake_ops,
			 &d);
	CHECK_EQ(pci_host_plug(&r->h, big, 9), 0);
	CHECK_EQ(size_probe(r, DEVFN(9, 0), PCI_BAR0), 0x0000000c);
	CHECK_EQ(size_probe(r, DEVFN(9, 0), PCI_BAR0 + 4), 0xfffffffe);
	/* it fits the 64-bit window only */
	set_bar(r, DEVFN(9, 0), 0, 0x600000000ull, true);
	set_cmd(r, DEVFN(9, 0), PCI_COMMAND_MEMORY);
	CHECK(big->bars[0].mapped);
	check_decodes(r, 0x600000000ull + 0x1f0000000ull, &d, 0x1f0000000ull);
	/* 8 GiB at 0x4_0000_0000 + 28 GiB does not fit the 16 GiB window */
	set_bar(r, DEVFN(9, 0), 0, 0x800000000ull, true);
	CHECK(!big->bars[0].mapped);
	rig_free(r);
}

/* ---- decode gating, moving, windows ----------------------------------- */

TEST(pci_bar_decode_follows_memory_enable)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	const uint64_t a0 = 0x40010000, a1 = 0x40100000, a3 = 0x400200000ull;

	set_bar(r, F1, 0, a0, false);
	set_bar(r, F1, 1, a1, true);
	set_bar(r, F1, 3, a3, true);
	CHECK_EQ(pci_bar_address(&r->f1, 0), a0);
	CHECK_EQ(pci_bar_address(&r->f1, 1), a1);
	CHECK_EQ(pci_bar_address(&r->f1, 3), a3);

	/* programmed but not enabled: the window answers all ones */
	check_aborts(r, a0, &r->bar[FB_BAR0]);
	check_aborts(r, a1 + 0x100, &r->bar[FB_BAR1]);
	check_aborts(r, a3 + 0x1000, &r->bar[FB_BAR3]);
	/* I/O Space Enable is not Memory Space Enable */
	set_cmd(r, F1, PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	check_aborts(r, a0, &r->bar[FB_BAR0]);

	set_cmd(r, F1, PCI_COMMAND_MEMORY);
	CHECK(r->f1.bars[0].mapped && r->f1.bars[1].mapped &&
	      r->f1.bars[3].mapped);
	CHECK(!r->f1.bars[5].mapped);
	check_decodes(r, a0, &r->bar[FB_BAR0], 0);
	check_decodes(r, a0 + B0_SIZE - 4, &r->bar[FB_BAR0], B0_SIZE - 4);
	check_decodes(r, a1 + 0x20, &r->bar[FB_BAR1], 0x20);
	check_decodes(r, a3 + B3_SIZE - 8, &r->bar[FB_BAR3], B3_SIZE - 8);
	/* each BAR reaches its own device only */
	int r0 = r->bar[FB_BAR0].reads, r3 = r->bar[FB_BAR3].reads;
	mem_rd(r, a1 + 0x1000, 4);
	CHECK_EQ(r->bar[FB_BAR1].last_off, 0x1000);
	CHECK_EQ(r->bar[FB_BAR0].reads, r0);
	CHECK_EQ(r->bar[FB_BAR3].reads, r3);
	/* just past the BAR: the window again */
	check_aborts(r, a0 + B0_SIZE, &r->bar[FB_BAR0]);
	/* an 8-byte CPU access reaches an 8-byte capable device whole */
	mem_wr(r, a1 + 8, 8, 0x1122334455667788ull);
	CHECK_EQ(r->bar[FB_BAR1].last_size, 8);
	CHECK_EQ(mem_rd(r, a1 + 8, 8), 0x1122334455667788ull);

	set_cmd(r, F1, 0);
	CHECK(!r->f1.bars[0].mapped && !r->f1.bars[1].mapped &&
	      !r->f1.bars[3].mapped);
	check_aborts(r, a0, &r->bar[FB_BAR0]);
	check_aborts(r, a1 + 0x20, &r->bar[FB_BAR1]);
	check_aborts(r, a3, &r->bar[FB_BAR3]);
	rig_free(r);
}

TEST(pci_io_bar_decode_follows_io_enable)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	struct fake_bar *d = &r->bar[FB_BAR5];

	cfg_wr(r, F1, PCI_BAR0 + 20, 4, 0x1000);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 20, 4), 0x1001);
	CHECK_EQ(pci_bar_address(&r->f1, 5), 0x1000);
	check_aborts(r, IO_CPU + 0x1000, d);
	set_cmd(r, F1, PCI_COMMAND_MEMORY);   /* memory is not I/O */
	check_aborts(r, IO_CPU + 0x1000, d);
	set_cmd(r, F1, PCI_COMMAND_IO);
	CHECK(r->f1.bars[5].mapped);
	check_decodes(r, IO_CPU + 0x1000, d, 0);
	check_decodes(r, IO_CPU + 0x101c, d, 0x1c);
	/* byte-wide port access */
	mem_wr(r, IO_CPU + 0x1001, 1, 0x5a);
	CHECK_EQ(d->last_off, 1);
	CHECK_EQ(d->last_size, 1);
	CHECK_EQ(mem_rd(r, IO_CPU + 0x1001, 1), 0x5a);
	check_aborts(r, IO_CPU + 0x1020, d);
	/* memory BARs stay off with only I/O enabled */
	set_bar(r, F1, 0, 0x40010000, false);
	check_aborts(r, 0x40010000, &r->bar[FB_BAR0]);
	set_cmd(r, F1, 0);
	check_aborts(r, IO_CPU + 0x1000, d);
	rig_free(r);
}

TEST(pci_rom_bar_needs_enable_bit)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	struct fake_bar *d = &r->bar[FB_ROM];
	const uint64_t a = 0x40200000;

	cfg_wr(r, F1, PCI_ROM_ADDRESS, 4, a);
	set_cmd(r, F1, PCI_COMMAND_MEMORY);
	CHECK(!r->f1.bars[PCI_ROM_SLOT].mapped);
	check_aborts(r, a, d);
	cfg_wr(r, F1, PCI_ROM_ADDRESS, 4, a | 1);
	CHECK_EQ(cfg_rd(r, F1, PCI_ROM_ADDRESS, 4), a | 1);
	CHECK_EQ(pci_bar_address(&r->f1, PCI_ROM_SLOT), a);
	CHECK(r->f1.bars[PCI_ROM_SLOT].mapped);
	check_decodes(r, a + 0x10, d, 0x10);
	/* ROM enable alone is not enough: Memory Space Enable gates it too */
	set_cmd(r, F1, 0);
	check_aborts(r, a, d);
	set_cmd(r, F1, PCI_COMMAND_MEMORY);
	check_decodes(r, a, d, 0);
	cfg_wr(r, F1, PCI_ROM_ADDRESS, 1, 0);   /* clear enable bytewise */
	CHECK_EQ(cfg_rd(r, F1, PCI_ROM_ADDRESS, 4), a);
	check_aborts(r, a, d);
	rig_free(r);
}

TEST(pci_rom_bar_without_ops_reads_zero)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	struct pci_func *f = &r->swz[0];

	pci_func_init(f, &fake_func_ops, r, 0x1af4, 0x1001, 0, 0x020000, 0);
	pci_func_add_bar(f, PCI_ROM_SLOT, 0x800, 0, "rom", NULL, NULL);
	CHECK_EQ(pci_host_plug(&r->h, f, 9), 0);
	CHECK_EQ(size_probe(r, DEVFN(9, 0), PCI_ROM_ADDRESS), 0xfffff801);
	cfg_wr(r, DEVFN(9, 0), PCI_ROM_ADDRESS, 4, 0x40300000 | 1);
	set_cmd(r, DEVFN(9, 0), PCI_COMMAND_MEMORY);
	uint64_t aborts = r->h.master_aborts;
	CHECK_EQ(mem_rd(r, 0x40300000, 4), 0);
	CHECK_EQ(mem_rd(r, 0x403007f8, 8), 0);
	mem_wr(r, 0x40300000, 4, 0xffffffff);
	CHECK_EQ(mem_rd(r, 0x40300000, 4), 0);
	CHECK_EQ(r->h.master_aborts, aborts);
	rig_free(r);
}

TEST(pci_bar_move_while_enabled)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	struct fake_bar *d = &r->bar[FB_BAR0];
	const uint64_t a = 0x40010000, b = 0x50020000;

	set_bar(r, F1, 0, a, false);
	set_cmd(r, F1, PCI_COMMAND_MEMORY);
	check_decodes(r, a + 4, d, 4);
	uint64_t gen = r->as.generation;
	set_bar(r, F1, 0, b, false);
	CHECK(r->as.generation != gen);
	CHECK_EQ(r->f1.bars[0].bus_addr, b);
	CHECK(r->f1.bars[0].mapped);
	check_aborts(r, a + 4, d);
	check_decodes(r, b + 4, d, 4);
	/* rewriting the same address changes nothing in the view */
	gen = r->as.generation;
	set_bar(r, F1, 0, b, false);
	set_cmd(r, F1, PCI_COMMAND_MEMORY);
	CHECK_EQ(r->as.generation, gen);
	/* a 64-bit BAR moved across the 4 GiB line, halves written apart */
	set_bar(r, F1, 1, 0x40400000, true);
	check_decodes(r, 0x40400010, &r->bar[FB_BAR1], 0x10);
	gen = r->as.generation;
	set_bar(r, F1, 1, 0x400400000ull, true);
	CHECK(r->as.generation != gen);
	check_aborts(r, 0x40400010, &r->bar[FB_BAR1]);
	check_decodes(r, 0x400400010ull, &r->bar[FB_BAR1], 0x10);
	rig_free(r);
}

TEST(pci_bar_outside_windows_never_decodes)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	struct fake_bar *d = &r->bar[FB_BAR0];
	uint64_t v;

	set_cmd(r, F1, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	/* below the 32-bit window: nothing there at all */
	set_bar(r, F1, 0, 0x20000000, false);
	CHECK(!r->f1.bars[0].mapped);
	CHECK_EQ(as_read(&r->as, 0x20000000, 4, &v, &hart0), MEM_UNMAPPED);
	/* on top of RAM: RAM stays RAM */
	mem_wr(r, RAM_BASE, 4, 0x600df00d);
	set_bar(r, F1, 0, RAM_BASE, false);
	CHECK(!r->f1.bars[0].mapped);
	CHECK_EQ(mem_rd(r, RAM_BASE, 4), 0x600df00d);
	/* a 64-bit BAR just past the end of the 32-bit window (RAM) */
	set_bar(r, F1, 3, M32_CPU + M32_SIZE, true);
	CHECK(!r->f1.bars[3].mapped);
	CHECK_EQ(mem_rd(r, RAM_BASE, 4), 0x600df00d);
	/* ... and above 4 GiB, but below the 64-bit window */
	set_bar(r, F1, 3, 0x100000000ull, true);
	CHECK(!r->f1.bars[3].mapped);
	/* the last page of the window is fine */
	set_bar(r, F1, 0, M32_CPU + M32_SIZE - B0_SIZE, false);
	CHECK(r->f1.bars[0].mapped);
	check_decodes(r, M32_CPU + M32_SIZE - 4, d, B0_SIZE - 4);
	/* the ECAM is not a window */
	set_bar(r, F1, 0, ECAM_BASE + 0x100000, false);
	CHECK(!r->f1.bars[0].mapped);
	CHECK_EQ(mem_rd(r, ECAM_BASE + 0x100000, 4), ALL32); /* bus 1 */
	/* beyond the 64-bit window */
	set_bar(r, F1, 1, M64_CPU + M64_SIZE, true);
	CHECK(!r->f1.bars[1].mapped);
	CHECK_EQ(as_read(&r->as, M64_CPU + M64_SIZE, 4, &v, &hart0),
		 MEM_UNMAPPED);
	/* ports beyond the I/O window (32-bit I/O BAR) */
	cfg_wr(r, F1, PCI_BAR0 + 20, 4, 0x10000);
	CHECK(!r->f1.bars[5].mapped);
	/* a memory BAR at an I/O-window bus address is not an I/O BAR */
	set_bar(r, F1, 0, 0x1000, false);
	CHECK(!r->f1.bars[0].mapped);
	check_aborts(r, IO_CPU + 0x1000, d);
	/* the sizing value itself must not decode anywhere */
	set_bar(r, F1, 0, 0xffffffff, false);
	CHECK(!r->f1.bars[0].mapped);
	rig_free(r);
}

TEST(pci_window_translation_with_bus_offset)
{
	const uint64_t off = 0x20000000;
	struct rig *r = rig_new(off, RAM_SIZE);
	struct fake_bar *d = &r->bar[FB_BAR0];

	CHECK_EQ(r->h.windows[PCI_WIN_MEM32].bus_base, M32_CPU - off);
	/* bus 0x20010000 is CPU 0x40010000 */
	set_bar(r, F1, 0, 0x20010000, false);
	set_cmd(r, F1, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	CHECK(r->f1.bars[0].mapped);
	CHECK_EQ(r->f1.bars[0].bus_addr, 0x20010000);
	CHECK_EQ(r->f1.bars[0].region->base, 0x40010000);
	check_decodes(r, 0x40010000, d, 0);
	/* the BAR register still holds the bus address */
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0, 4), 0x20010000);
	/* bus X in general decodes at X + offset */
	set_bar(r, F1, 0, 0x40010000, false);
	check_decodes(r, 0x60010000, d, 0);
	check_aborts(r, 0x40010000, d);
	/* the last bus page of the window, and one past it */
	set_bar(r, F1, 0, M32_CPU - off + M32_SIZE - B0_SIZE, false);
	CHECK(r->f1.bars[0].mapped);
	check_decodes(r, M32_CPU + M32_SIZE - B0_SIZE, d, 0);
	set_bar(r, F1, 0, M32_CPU - off + M32_SIZE, false);
	CHECK(!r->f1.bars[0].mapped);
	/* below the window's bus base */
	set_bar(r, F1, 0, M32_CPU - off - B0_SIZE, false);
	CHECK(!r->f1.bars[0].mapped);
	/* 64-bit window: bus 0x3_e000_0000 is CPU 0x4_0000_0000 */
	set_bar(r, F1, 1, M64_CPU - off, true);
	CHECK(r->f1.bars[1].mapped);
	check_decodes(r, M64_CPU + 0x40, &r->bar[FB_BAR1], 0x40);
	/* the I/O window is not shifted */
	cfg_wr(r, F1, PCI_BAR0 + 20, 4, 0x1000);
	check_decodes(r, IO_CPU + 0x1000, &r->bar[FB_BAR5], 0);
	rig_free(r);
}

TEST(pci_io_window_translation)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	struct fake_bar *d = &r->bar[FB_BAR5];

	cfg_wr(r, F1, PCI_BAR0 + 20, 4, 0x1000);
	set_cmd(r, F1, PCI_COMMAND_IO);
	CHECK_EQ(r->f1.bars[5].region->base, 0x03001000);
	check_decodes(r, 0x03001000, d, 0);
	/* port 0: the window's first byte */
	cfg_wr(r, F1, PCI_BAR0 + 20, 4, 0);
	check_decodes(r, 0x03000000, d, 0);
	/* the last ports of the window */
	cfg_wr(r, F1, PCI_BAR0 + 20, 4, IO_SIZE - B5_SIZE);
	CHECK(r->f1.bars[5].mapped);
	check_decodes(r, IO_CPU + IO_SIZE - 4, d, B5_SIZE - 4);
	rig_free(r);
}

/* ---- INTx ------------------------------------------------------------- */

TEST(pci_swizzle_all_slots_and_pins)
{
	for (unsigned s = 0; s < PCI_MAX_SLOTS; s++)
		for (unsigned p = 1; p <= 4; p++)
			CHECK_EQ(pci_swizzle(s, p), (s + p - 1) % 4);
	/* the 4x4 table spelled out (slot, INTA..INTD) */
	static const unsigned table[4][4] = {
		{ 0, 1, 2, 3 }, { 1, 2, 3, 0 }, { 2, 3, 0, 1 }, { 3, 0, 1, 2 },
	};
	for (unsigned s = 0; s < 4; s++)
		for (unsigned p = 1; p <= 4; p++)
			CHECK_EQ(pci_swizzle(s, p), table[s][p - 1]);
}

TEST(pci_intx_reaches_swizzled_line)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	/* slots 8..11 (8 % 4 == 0) with every pin: 16 functions */
	for (unsigned s = 0; s < 4; s++) {
		for (unsigned p = 1; p <= 4; p++) {
			struct pci_func *f = &r->swz[s * 4 + p - 1];
			unsigned slot = 8 + (p - 1) * 4 + s; /* slot % 4 == s */
			pci_func_init(f, &fake_func_ops, r, 0x1af4, 0x2000, 0,
				      0xff0000, p);
			CHECK_EQ(pci_host_plug(&r->h, f, slot), 0);
			unsigned want = (slot + p - 1) % 4;
			CHECK_EQ(pci_swizzle(slot, p), want);
			pci_set_irq(f, 1);
			for (unsigned l = 0; l < 4; l++)
				CHECK_EQ(r->level[l], l == want);
			CHECK_EQ(cfg_rd(r, DEVFN(slot, 0), PCI_STATUS, 2) &
					 PCI_STATUS_INTERRUPT,
				 PCI_STATUS_INTERRUPT);
			pci_set_irq(f, 0);
			for (unsigned l = 0; l < 4; l++)
				CHECK_EQ(r->level[l], 0);
			CHECK_EQ(cfg_rd(r, DEVFN(slot, 0), PCI_STATUS, 2) &
					 PCI_STATUS_INTERRUPT, 0);
		}
	}
	/* f1: slot 1, INTA -> line 1 */
	pci_set_irq(&r->f1, 1);
	CHECK_EQ(r->level[1], 1);
	CHECK_EQ(r->level[0] + r->level[2] + r->level[3], 0);
	/* driving the same level again is not a new edge */
	int sets = r->sets[1];
	pci_set_irq(&r->f1, 1);
	CHECK_EQ(r->sets[1], sets);
	pci_set_irq(&r->f1, 0);
	CHECK_EQ(r->level[1], 0);
	rig_free(r);
}

TEST(pci_intx_shared_line_is_wired_or)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	CHECK_EQ(pci_swizzle(1, 1), pci_swizzle(5, 1)); /* f1 and f2 share */
	pci_set_irq(&r->f1, 1);
	CHECK_EQ(r->level[1], 1);
	pci_set_irq(&r->f2, 1);
	CHECK_EQ(r->level[1], 1);
	pci_set_irq(&r->f1, 0);
	CHECK_EQ(r->level[1], 1);   /* f2 still holds it */
	pci_set_irq(&r->f2, 0);
	CHECK_EQ(r->level[1], 0);
	/* the other order */
	pci_set_irq(&r->f2, 1);
	pci_set_irq(&r->f1, 1);
	pci_set_irq(&r->f2, 0);
	CHECK_EQ(r->level[1], 1);
	pci_set_irq(&r->f1, 0);
	CHECK_EQ(r->level[1], 0);
	/* repeated lowering does not underflow the count */
	pci_set_irq(&r->f1, 0);
	pci_set_irq(&r->f1, 0);
	pci_set_irq(&r->f2, 1);
	CHECK_EQ(r->level[1], 1);
	pci_set_irq(&r->f2, 0);
	CHECK_EQ(r->level[1], 0);
	CHECK_EQ(r->h.intx_count[1], 0);
	rig_free(r);
}

TEST(pci_intx_disable_masks_and_reasserts)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	pci_set_irq(&r->f1, 1);
	CHECK_EQ(r->level[1], 1);
	set_cmd(r, F1, PCI_COMMAND_INTX_DISABLE);
	CHECK_EQ(r->level[1], 0);
	/* the status bit still shows the device's pin */
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
		 PCI_STATUS_INTERRUPT);
	set_cmd(r, F1, 0);
	CHECK_EQ(r->level[1], 1);
	/* asserting while disabled: nothing until it is cleared */
	pci_set_irq(&r->f1, 0);
	set_cmd(r, F1, PCI_COMMAND_INTX_DISABLE);
	pci_set_irq(&r->f1, 1);
	CHECK_EQ(r->level[1], 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
		 PCI_STATUS_INTERRUPT);
	/* byte write of the command's high byte clears it */
	cfg_wr(r, F1, PCI_COMMAND + 1, 1, 0);
	CHECK_EQ(r->level[1], 1);
	/* with a shared line, masking one leaves the other's level */
	pci_set_irq(&r->f2, 1);
	set_cmd(r, F1, PCI_COMMAND_INTX_DISABLE);
	CHECK_EQ(r->level[1], 1);
	pci_set_irq(&r->f2, 0);
	CHECK_EQ(r->level[1], 0);
	/* dropping the pin while masked, then unmasking: stays low */
	pci_set_irq(&r->f1, 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	set_cmd(r, F1, 0);
	CHECK_EQ(r->level[1], 0);
	CHECK_EQ(r->h.intx_count[1], 0);
	rig_free(r);
}

/* ---- DMA -------------------------------------------------------------- */

TEST(pci_dma_needs_bus_master)
{
	struct rig *r = rig_new(0, RAM_SIZE);
	uint8_t buf[16], ref[16];

	for (int i = 0; i < 16; i++) {
		mem_wr(r, RAM_BASE + 0x1000 + i, 1, 0x40 + i);
		buf[i] = 0xe0 + i;
		ref[i] = 0x40 + i;
	}
	/* refused: memory untouched, buffer untouched */
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + 0x1000, buf, 16), -1);
	CHECK_EQ(mem_rd(r, RAM_BASE + 0x1000, 8), 0x4746454443424140ull);
	uint8_t in[16];
	memset(in, 0x11, sizeof(in));
	CHECK_EQ(pci_dma_read(&r->f1, RAM_BASE + 0x1000, in, 16), -1);
	CHECK_EQ(in[0], 0x11);
	/* memory and I/O enables are not bus mastering */
	set_cmd(r, F1, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + 0x1000, buf, 16), -1);
	CHECK_EQ(mem_rd(r, RAM_BASE + 0x1000, 1), 0x40);

	set_cmd(r, F1, PCI_COMMAND_MASTER);
	CHECK_EQ(pci_dma_read(&r->f1, RAM_BASE + 0x1000, in, 16), 0);
	CHECK(memcmp(in, ref, 16) == 0);
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + 0x1000, buf, 16), 0);
	CHECK_EQ(mem_rd(r, RAM_BASE + 0x1000, 8), 0xe7e6e5e4e3e2e1e0ull);
	CHECK_EQ(mem_rd(r, RAM_BASE + 0x1008, 8), 0xefeeedecebeae9e8ull);
	/* the other function's enable does not count */
	CHECK_EQ(pci_dma_write(&r->f2, RAM_BASE, buf, 4), -1);
	/* turned off again */
	set_cmd(r, F1, 0);
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE, buf, 4), -1);
	CHECK_EQ(mem_rd(r, RAM_BASE, 4), 0);
	rig_free(r);
}

TEST(pci_dma_refused_outside_window_or_ram)
{
	/* inbound window: the first half of RAM only */
	struct rig *r = rig_new(0, RAM_SIZE / 2);
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	set_cmd(r, F1, PCI_COMMAND_MASTER);
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + RAM_SIZE / 2 - 8, buf, 8), 0);
	/* RAM, but past the window */
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + RAM_SIZE / 2, buf, 8), -1);
	CHECK_EQ(mem_rd(r, RAM_BASE + RAM_SIZE / 2, 8), 0);
	/* straddling the window's end: nothing at all */
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + RAM_SIZE / 2 - 4, buf, 8),
		 -1);
	CHECK_EQ(mem_rd(r, RAM_BASE + RAM_SIZE / 2 - 8, 8),
		 0x0807060504030201ull);
	/* below the window */
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE - 8, buf, 8), -1);
	CHECK_EQ(pci_dma_read(&r->f1, 0x1000, buf, 8), -1);
	/* huge lengths and addresses do not wrap into the window */
	CHECK_EQ(pci_dma_read(&r->f1, RAM_BASE, buf, UINT64_MAX), -1);
	CHECK_EQ(pci_dma_read(&r->f1, UINT64_MAX - 3, buf, 8), -1);
	rig_free(r);

	/* inbound window bigger than RAM: the window is not enough */
	r = rig_new(0, RAM_SIZE * 4);
	set_cmd(r, F1, PCI_COMMAND_MASTER);
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + RAM_SIZE - 8, buf, 8), 0);
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + RAM_SIZE, buf, 8), -1);
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + RAM_SIZE - 4, buf, 8), -1);
	CHECK_EQ(mem_rd(r, RAM_BASE + RAM_SIZE - 8, 8), 0x0807060504030201ull);
	CHECK_EQ(pci_dma_read(&r->f1, RAM_BASE + RAM_SIZE, buf, 8), -1);
	/* DMA into a BAR (peer-to-peer) is not RAM either */
	set_bar(r, F1, 0, 0x40010000, false);
	set_cmd(r, F1, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY);
	CHECK_EQ(pci_dma_write(&r->f1, 0x40010000, buf, 8), -1);
	rig_free(r);
}

/* DMA events as the bridge reports them. */
struct dma_log {
	int ok, refused;
	char why[64];
};

static void dma_note(void *opaque, const struct bus_event *e)
{
	struct dma_log *l = opaque;

	if (e->kind != EVK_DMA)
		return;
	if (e->dma.ok) {
		l->ok++;
	} else {
		l->refused++;
		snprintf(l->why, sizeof(l->why), "%s",
			 e->dma.why ? e->dma.why : "");
	}
}

/* ROM inside the inbound window: a device may read it, a write is
 * refused, and the trace says which (not "ok" for a write that did not
 * happen). */
TEST(pci_dma_write_into_rom_is_refused)
{
	struct rig *r = rig_new(0, RAM_SIZE * 4);
	struct dma_log log = { 0 };
	struct event_sink sink = { EV_DMA, dma_note, &log };
	const uint64_t rom = RAM_BASE + 2 * RAM_SIZE;
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, in[8];
	struct region *rg = as_add_rom(&r->as, "rom", rom, 0x1000);

	CHECK(rg != NULL);
	if (!rg) {
		rig_free(r);
		return;
	}
	memset(rg->host, 0xa5, 0x1000);
	r->h.sink = &sink;
	set_cmd(r, F1, PCI_COMMAND_MASTER);
	CHECK_EQ(pci_dma_write(&r->f1, rom, buf, 8), -1);
	CHECK_EQ(rg->host[0], 0xa5);
	CHECK_EQ(log.refused, 1);
	CHECK_EQ(log.ok, 0);
	CHECK(!strcmp(log.why, "refused: not guest RAM"));
	/* and reading it too: DMA reaches guest RAM only (device.h) */
	CHECK_EQ(pci_dma_read(&r->f1, rom, in, 8), -1);
	CHECK(in[0] != 0xa5);
	CHECK_EQ(log.ok, 0);
	CHECK_EQ(log.refused, 2);
	r->h.sink = NULL;
	rig_free(r);
}

TEST(pci_dma_translated_by_inbound_offset)
{
	const uint64_t off = 0x20000000;
	struct rig *r = rig_new(off, RAM_SIZE);
	uint8_t buf[4] = { 0xde, 0xad, 0xbe, 0xef }, in[4];
	uint64_t cpu = 0;

	CHECK(pci_host_dma_translate(&r->h, RAM_BASE - off + 0x100, 4, &cpu));
	CHECK_EQ(cpu, RAM_BASE + 0x100);
	CHECK(!pci_host_dma_translate(&r->h, RAM_BASE + 0x100, 4, &cpu));
	set_cmd(r, F1, PCI_COMMAND_MASTER);
	/* bus 0x6000_0100 is CPU 0x8000_0100 */
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE - off + 0x100, buf, 4), 0);
	CHECK_EQ(mem_rd(r, RAM_BASE + 0x100, 4), 0xefbeadde);
	mem_wr(r, RAM_BASE + 0x200, 4, 0x01020304);
	CHECK_EQ(pci_dma_read(&r->f1, RAM_BASE - off + 0x200, in, 4), 0);
	CHECK_EQ(in[0], 0x04);
	CHECK_EQ(in[3], 0x01);
	/* the CPU address is not a bus address now: past the window */
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE + RAM_SIZE - off, buf, 4), -1);
	CHECK_EQ(pci_dma_write(&r->f1, RAM_BASE - off - 4, buf, 4), -1);
	rig_free(r);
}

/* ---- capabilities and reset ------------------------------------------- */

TEST(pci_capability_list_linkage)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_CAPABILITY_LIST, 1), 0);
	unsigned a = pci_func_add_cap(&r->f1, 0x09, 6);   /* vendor, 8 */
	unsigned b = pci_func_add_cap(&r->f1, 0x05, 14);  /* MSI, 16 */
	CHECK(a >= 0x40 && (a & 3) == 0);
	CHECK(b >= a + 8 && (b & 3) == 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST,
		 PCI_STATUS_CAP_LIST);
	CHECK_EQ(cfg_rd(r, F1, PCI_CAPABILITY_LIST, 1), b);   /* newest */
	CHECK_EQ(cfg_rd(r, F1, b, 1), 0x05);
	CHECK_EQ(cfg_rd(r, F1, b + 1, 1), a);
	CHECK_EQ(cfg_rd(r, F1, a, 1), 0x09);
	CHECK_EQ(cfg_rd(r, F1, a + 1, 1), 0);                 /* end */
	CHECK_EQ(cfg_rd(r, F1, a, 2), 0x0009);
	/* walk it as an OS does, bounded */
	unsigned seen = 0, p = cfg_rd(r, F1, PCI_CAPABILITY_LIST, 1) & 0xfc;
	while (p && seen < 48) {
		seen++;
		p = cfg_rd(r, F1, p + 1, 1) & 0xfc;
	}
	CHECK_EQ(seen, 2);
	/* pointers and IDs are read-only */
	cfg_wr(r, F1, PCI_CAPABILITY_LIST, 1, 0x80);
	cfg_wr(r, F1, b, 2, 0xffff);
	CHECK_EQ(cfg_rd(r, F1, PCI_CAPABILITY_LIST, 1), b);
	CHECK_EQ(cfg_rd(r, F1, b, 2), (a << 8) | 0x05);
	/* the status bit survives a reset */
	pci_func_reset(&r->f1);
	CHECK_EQ(cfg_rd(r, F1, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST,
		 PCI_STATUS_CAP_LIST);
	CHECK_EQ(cfg_rd(r, F1, PCI_CAPABILITY_LIST, 1), b);
	/* the list ends inside the 256-byte header */
	unsigned last = 0, got;
	while ((got = pci_func_add_cap(&r->f1, 0x09, 16)) != 0)
		last = got;
	CHECK(last + 16 <= 256);
	rig_free(r);
}

TEST(pci_func_reset_clears_command_and_bars)
{
	struct rig *r = rig_new(0, RAM_SIZE);

	set_bar(r, F1, 0, 0x40010000, false);
	set_bar(r, F1, 1, 0x400100000ull, true);
	cfg_wr(r, F1, PCI_BAR0 + 20, 4, 0x2000);
	cfg_wr(r, F1, PCI_ROM_ADDRESS, 4, 0x40400001);
	cfg_wr(r, F1, PCI_INTERRUPT_LINE, 1, 0x21);
	set_cmd(r, F1, PCI_COMMAND_MEMORY | PCI_COMMAND_IO |
			       PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	check_decodes(r, 0x40010000, &r->bar[FB_BAR0], 0);
	check_decodes(r, 0x400100000ull, &r->bar[FB_BAR1], 0);
	check_decodes(r, IO_CPU + 0x2000, &r->bar[FB_BAR5], 0);
	check_decodes(r, 0x40400000, &r->bar[FB_ROM], 0);
	pci_set_irq(&r->f1, 1);

	int resets = fake_resets;
	uint64_t gen = r->as.generation;
	pci_func_reset(&r->f1);
	CHECK_EQ(fake_resets, resets + 1);
	CHECK(r->as.generation != gen);
	CHECK_EQ(cfg_rd(r, F1, PCI_COMMAND, 2), 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0, 4), 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 4, 4), PCI_BAR_MEM64);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 8, 4), 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 12, 4),
		 PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	CHECK_EQ(cfg_rd(r, F1, PCI_BAR0 + 20, 4), PCI_BAR_IO);
	CHECK_EQ(cfg_rd(r, F1, PCI_ROM_ADDRESS, 4), 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_INTERRUPT_LINE, 1), 0);
	CHECK_EQ(cfg_rd(r, F1, PCI_INTERRUPT_PIN, 1), 1);
	CHECK_EQ(cfg_rd(r, F1, PCI_VENDOR_ID, 4), 0xbeef1af4);
	for (int n = 0; n <= PCI_ROM_SLOT; n++)
		CHECK(!r->f1.bars[n].mapped);
	check_aborts(r, 0x40010000, &r->bar[FB_BAR0]);
	check_aborts(r, 0x400100000ull, &r->bar[FB_BAR1]);
	check_aborts(r, IO_CPU + 0x2000, &r->bar[FB_BAR5]);
	check_aborts(r, 0x40400000, &r->bar[FB_ROM]);
	/* INTx Disable is cleared. Whether a reset also drops the pin is
	 * the model's business (this one's reset op does not touch it), but
	 * the line and status bit 3 must both follow the pin */
	bool pin = r->f1.intx_level;
	CHECK_EQ(r->level[1], pin);
	CHECK_EQ(!!(cfg_rd(r, F1, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT), pin);
	pci_set_irq(&r->f1, 0);
	CHECK_EQ(r->level[1], 0);
	/* and it can be programmed again afterwards */
	set_bar(r, F1, 0, 0x40020000, false);
	set_cmd(r, F1, PCI_COMMAND_MEMORY);
	check_decodes(r, 0x40020000, &r->bar[FB_BAR0], 0);
	rig_free(r);
}

/* ---- edu through ECAM and its BAR ------------------------------------- */

#define EDU_SLOT 2
#define EDU DEVFN(EDU_SLOT, 0)
#define EDU_BAR 0x40000000ull

static uint64_t rig_now(void *opaque)
{
	return 0;
}

/* The bridge reports a transfer it refuses as a refused DMA event. */
static void rig_event(void *opaque, const struct bus_event *e)
{
	struct rig *r = opaque;

	if (e->kind == EVK_DMA && !e->dma.ok)
		r->edu_refused++;
}

/* edu in slot 2, created by the device framework as the machine creates
 * it (-device edu,addr=2), with a 32-bit DMA mask. */
static struct rig *edu_rig(uint64_t offset)
{
	struct rig *r = rig_new(offset, RAM_SIZE);

	r->clock = (struct vclock){ .now_ns = rig_now, .opaque = r };
	r->sink = (struct event_sink){ EV_DMA | EV_GUEST_ERROR, rig_event,
				       r };
	r->h.sink = &r->sink;
	r->env = (struct device_env){
		.as = &r->as, .pci = &r->h, .sink = &r->sink,
		.clock = &r->clock, .nharts = 1,
	};
	r->edu = device_create(&r->env, &edu_class,
			       "addr=2,dma_mask=0xffffffff", NULL,
			       "-device edu");
	if (!r->edu) {
		fprintf(stderr, "test_pci: edu not created\n");
		abort();
	}
	CHECK_EQ(r->edu->pci->devfn, EDU);
	CHECK(r->h.slots[EDU_SLOT] == r->edu->pci);
	return r;
}

static struct edu *edu_of(struct rig *r)
{
	return device_self(r->edu);
}

/* What the old model counted as its guest errors: the ones edu finds
 * (glass_guest_error) and the transfers the bridge refused. */
static uint64_t edu_errors(struct rig *r)
{
	return r->edu->guest_errors + r->edu_refused;
}

static void edu_dma(struct rig *r, uint64_t src, uint64_t dst, uint64_t cnt,
		    uint64_t cmd)
{
	mem_wr(r, EDU_BAR + EDU_REG_DMA_SRC, 8, src);
	mem_wr(r, EDU_BAR + EDU_REG_DMA_DST, 8, dst);
	mem_wr(r, EDU_BAR + EDU_REG_DMA_COUNT, 8, cnt);
	mem_wr(r, EDU_BAR + EDU_REG_DMA_CMD, 8, cmd | EDU_DMA_CMD_START);
}

TEST(pci_edu_enumerate_and_ident)
{
	struct rig *r = edu_rig(0);

	CHECK_EQ(cfg_rd(r, EDU, PCI_VENDOR_ID, 4), 0x11e81234);
	CHECK_EQ(cfg_rd(r, EDU, PCI_REVISION_ID, 4), 0x00ff0010);
	CHECK_EQ(cfg_rd(r, EDU, PCI_INTERRUPT_PIN, 1), 1);
	CHECK_EQ(size_probe(r, EDU, PCI_BAR0), 0xfff00000);   /* 1 MiB */
	CHECK_EQ(size_probe(r, EDU, PCI_BAR0 + 4), 0);
	cfg_wr(r, EDU, PCI_BAR0, 4, EDU_BAR);
	check_aborts(r, EDU_BAR, &r->bar[FB_BAR0]);
	set_cmd(r, EDU, PCI_COMMAND_MEMORY);
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_IDENT, 4), EDU_IDENT);
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_IDENT, 4), 0x010000ed);
	mem_wr(r, EDU_BAR + EDU_REG_LIVENESS, 4, 0x12345678);
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_LIVENESS, 4), 0xedcba987);
	mem_wr(r, EDU_BAR + EDU_REG_FACT, 4, 5);
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_FACT, 4), 120);
	/* disabled again: master abort, not the device */
	set_cmd(r, EDU, 0);
	uint64_t aborts = r->h.master_aborts;
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_IDENT, 4), ALL32);
	CHECK(r->h.master_aborts > aborts);
	rig_free(r);
}

TEST(pci_edu_interrupt_through_intx)
{
	struct rig *r = edu_rig(0);
	unsigned line = pci_swizzle(EDU_SLOT, 1);

	cfg_wr(r, EDU, PCI_BAR0, 4, EDU_BAR);
	set_cmd(r, EDU, PCI_COMMAND_MEMORY);
	mem_wr(r, EDU_BAR + EDU_REG_IRQ_RAISE, 4, 0x40);
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_IRQ_STATUS, 4), 0x40);
	CHECK_EQ(r->level[line], 1);
	CHECK_EQ(cfg_rd(r, EDU, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
		 PCI_STATUS_INTERRUPT);
	set_cmd(r, EDU, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	CHECK_EQ(r->level[line], 0);
	set_cmd(r, EDU, PCI_COMMAND_MEMORY);
	CHECK_EQ(r->level[line], 1);
	mem_wr(r, EDU_BAR + EDU_REG_IRQ_ACK, 4, 0x40);
	CHECK_EQ(r->level[line], 0);
	CHECK_EQ(cfg_rd(r, EDU, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	rig_free(r);
}

static void edu_dma_roundtrip(uint64_t offset)
{
	struct rig *r = edu_rig(offset);
	const uint64_t src = RAM_BASE + 0x2000, dst = RAM_BASE + 0x3000;
	unsigned line = pci_swizzle(EDU_SLOT, 1);

	for (unsigned i = 0; i < 64; i += 8)
		mem_wr(r, src + i, 8, 0x0101010101010101ull * (i + 1));
	cfg_wr(r, EDU, PCI_BAR0, 4, EDU_BAR - offset);
	set_cmd(r, EDU, PCI_COMMAND_MEMORY);
	CHECK_EQ(mem_rd(r, EDU_BAR, 4), EDU_IDENT);

	/* no bus mastering: the transfer is refused, RAM is untouched, the
	 * command still completes with its interrupt */
	uint64_t errs = edu_errors(r);
	edu_dma(r, src - offset, EDU_DMA_BUF_ADDR, 64, EDU_DMA_CMD_IRQ);
	CHECK(edu_errors(r) > errs);
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_DMA_CMD, 8) & EDU_DMA_CMD_START,
		 0);
	CHECK_EQ(edu_of(r)->s.dma_buf[0], 0);
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_IRQ_STATUS, 4), EDU_IRQ_DMA);
	CHECK_EQ(r->level[line], 1);
	mem_wr(r, EDU_BAR + EDU_REG_IRQ_ACK, 4, EDU_IRQ_DMA);
	CHECK_EQ(r->level[line], 0);
	errs = edu_errors(r);
	memset(edu_of(r)->s.dma_buf, 0x77, 64);
	edu_dma(r, EDU_DMA_BUF_ADDR, dst - offset, 64, EDU_DMA_CMD_TO_RAM);
	CHECK(edu_errors(r) > errs);
	CHECK_EQ(mem_rd(r, dst, 8), 0);

	/* bus mastering on: RAM -> buffer -> elsewhere in RAM */
	set_cmd(r, EDU, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	errs = edu_errors(r);
	edu_dma(r, src - offset, EDU_DMA_BUF_ADDR, 64, 0);
	CHECK_EQ(edu_of(r)->s.dma_buf[0], 0x01);
	CHECK_EQ(edu_of(r)->s.dma_buf[63], 0x39);
	edu_dma(r, EDU_DMA_BUF_ADDR, dst - offset, 64,
		EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
	CHECK_EQ(edu_errors(r), errs);
	for (unsigned i = 0; i < 64; i += 8)
		CHECK_EQ(mem_rd(r, dst + i, 8),
			 0x0101010101010101ull * (i + 1));
	CHECK_EQ(mem_rd(r, EDU_BAR + EDU_REG_IRQ_STATUS, 4), EDU_IRQ_DMA);
	CHECK_EQ(r->level[line], 1);
	mem_wr(r, EDU_BAR + EDU_REG_IRQ_ACK, 4, EDU_IRQ_DMA);
	CHECK_EQ(r->level[line], 0);

	/* mastering off again: refused once more */
	set_cmd(r, EDU, PCI_COMMAND_MEMORY);
	mem_wr(r, dst, 8, 0);
	errs = edu_errors(r);
	edu_dma(r, EDU_DMA_BUF_ADDR, dst - offset, 8, EDU_DMA_CMD_TO_RAM);
	CHECK(edu_errors(r) > errs);
	CHECK_EQ(mem_rd(r, dst, 8), 0);
	rig_free(r);
}

TEST(pci_edu_dma_needs_bus_master)
{
	edu_dma_roundtrip(0);
}

TEST(pci_edu_dma_with_bus_offset)
{
	edu_dma_roundtrip(0x20000000);
}

/* ---- guest errors in config space ---- */

struct err_log {
	int n;
	enum ev_kind kind;
	bool config;
	unsigned offset;
	uint32_t value;
	int devfn;
	int64_t hart;
};

static void err_emit(void *opaque, const struct bus_event *e)
{
	struct err_log *l = opaque;

	if (ev_category_of(e->kind) != EV_GUEST_ERROR)
		return;
	l->n++;
	l->kind = e->kind;
	l->hart = e->who ? e->who->initiator : -2;
	if (e->kind == EVK_DEVICE_ERROR) {
		l->config = e->deverr.config;
		l->offset = e->deverr.offset;
		l->value = e->deverr.value;
		l->devfn = e->deverr.devfn;
	}
}

TEST(pci_readonly_config_write_is_a_guest_error)
{
	struct rig *r = rig_new(0, 0);
	struct err_log log = { 0 };
	struct event_sink sink = { EV_GUEST_ERROR, err_emit, &log };

	r->h.sink = &sink;
	cfg_wr(r, F1, PCI_VENDOR_ID, 2, 0xbeef);        /* read-only */
	CHECK_EQ(log.n, 1);
	CHECK_EQ(log.kind, EVK_DEVICE_ERROR);
	CHECK(log.config);
	CHECK_EQ(log.offset, PCI_VENDOR_ID);
	CHECK_EQ(log.value, 0xbeef);
	CHECK_EQ(log.devfn, F1);
	CHECK_EQ(log.hart, 0);          /* the hart that wrote */
	CHECK_EQ(pci_config_read(&r->f1, PCI_VENDOR_ID, 2) != 0xbeef, 1);
	cfg_wr(r, F1, PCI_COMMAND, 2, PCI_COMMAND_MEMORY); /* writable */
	cfg_wr(r, F1, PCI_STATUS, 2, 0xf900);           /* write-1-to-clear */
	cfg_wr(r, F1, PCI_BAR0 + 4 * 5, 4, 0xffffffff); /* BAR sizing */
	CHECK_EQ(log.n, 1);
	r->h.sink = NULL;
	rig_free(r);
}
