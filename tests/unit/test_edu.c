/* edu device model behind a real PCI host bridge and address space: config
 * header, every register, interrupts on the swizzled INTx line, and DMA to
 * and from guest RAM through the bridge's inbound window. */
#include <stdlib.h>
#include <string.h>

#include "dev/edu.h"
#include "harness.h"
#include "mem/address_space.h"
#include "core/events.h"
#include "pci/host.h"

/* RAM is 1 MiB at 0x80000000. Device DMA addresses are bus addresses: the
 * inbound window maps bus 0.. (256 MiB, so it fits edu's default 28-bit
 * mask) onto RAM's base, so bus 0x1000 is RAM + 0x1000 and bus 0x100000 up
 * is inside the window but not RAM. */
#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x100000ull
#define INBOUND_SIZE 0x10000000ull
#define ECAM_BASE 0x30000000ull
#define MEM32_BASE 0x40000000ull
#define BAR0 MEM32_BASE          /* where the tests put edu's BAR0 */
#define SLOT 1
#define ALL_ONES32 0xffffffffull

struct env {
	struct address_space as;
	struct pci_host host;
	struct edu edu;
	uint8_t *ram;
	int line[PCI_NUM_INTX];  /* levels the bridge drives */
	int line_changes;
};

static struct env env; /* big (config space, DMA buffer): keep off the stack */

static void env_irq(void *opaque, int n, int level)
{
	struct env *e = opaque;

	e->line[n] = level;
	e->line_changes++;
}

static unsigned edu_line(void)
{
	return pci_swizzle(SLOT, 1);
}

static void cfg_write(unsigned off, uint32_t val, unsigned size)
{
	pci_config_write(&env.edu.pci, off, val, size);
}

static uint32_t cfg_read(unsigned off, unsigned size)
{
	return pci_config_read(&env.edu.pci, off, size);
}

/* A plugged edu with its BAR0 at BAR0 and memory decoding and bus
 * mastering on, as a driver leaves it after probe. */
static struct edu *env_init_mask(uint64_t dma_mask)
{
	struct pci_window io = { PCI_WIN_IO, 0x03000000, 0, 0x10000, NULL };
	struct pci_window m32 = { PCI_WIN_MEM32, MEM32_BASE, MEM32_BASE,
				  0x40000000, NULL };
	struct pci_window m64 = { PCI_WIN_MEM64, 0x400000000ull,
				  0x400000000ull, 0x400000000ull, NULL };
	struct pci_window in = { PCI_WIN_MEM64, RAM_BASE, 0, INBOUND_SIZE,
				 NULL };
	struct irq_line intx[PCI_NUM_INTX];

	memset(&env, 0, sizeof(env));
	for (int i = 0; i < PCI_NUM_INTX; i++)
		intx[i] = (struct irq_line){ env_irq, &env, i };
	as_init(&env.as);
	struct region *r = as_add_ram(&env.as, "ram", RAM_BASE, RAM_SIZE);
	CHECK(r != NULL);
	env.ram = r ? r->host : NULL;
	CHECK_EQ(pci_host_init(&env.host, &env.as, ECAM_BASE, 0x100000, &io,
			       &m32, &m64, &in, intx), 0);
	edu_init(&env.edu, dma_mask);
	CHECK_EQ(pci_host_plug(&env.host, &env.edu.pci, SLOT), 0);
	cfg_write(PCI_BAR0, (uint32_t)BAR0, 4);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	env.line_changes = 0;
	return &env.edu;
}

static struct edu *env_init(void)
{
	return env_init_mask(0xffffffff);
}

static void env_fini(void)
{
	as_destroy(&env.as);
}

/* Guest-style accesses through the address space (and so the BAR). */
static uint64_t rd(uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	CHECK_EQ(as_read(&env.as, BAR0 + off, size, &v), MEM_OK);
	return v;
}

static void wr(uint64_t off, uint64_t val, unsigned size)
{
	CHECK_EQ(as_write(&env.as, BAR0 + off, size, val), MEM_OK);
}

static uint32_t rd32(uint64_t off)
{
	return (uint32_t)rd(off, 4);
}

static void wr32(uint64_t off, uint32_t val)
{
	wr(off, val, 4);
}

/* Direct calls to the device, bypassing the bus: only with accesses the
 * register table says a register takes. */
static uint64_t dev_rd(uint64_t off, unsigned size)
{
	return edu_mmio_ops.read(&env.edu, off, size);
}

static int line(void)
{
	return env.line[edu_line()];
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void dma(uint64_t src, uint64_t dst, uint64_t cnt, uint64_t cmd)
{
	wr(EDU_REG_DMA_SRC, src, 8);
	wr(EDU_REG_DMA_DST, dst, 8);
	wr(EDU_REG_DMA_COUNT, cnt, 8);
	wr(EDU_REG_DMA_CMD, cmd, 8);
}

/* ---- identity and the bus contract ------------------------------------ */

TEST(edu_pci_header)
{
	env_init();
	CHECK_EQ(cfg_read(PCI_VENDOR_ID, 2), 0x1234);
	CHECK_EQ(cfg_read(PCI_DEVICE_ID, 2), 0x11e8);
	CHECK_EQ(cfg_read(PCI_REVISION_ID, 1), 0x10);
	CHECK_EQ(cfg_read(PCI_CLASS_PROG, 1), 0x00);
	CHECK_EQ(cfg_read(PCI_CLASS_DEVICE, 2), 0x00ff);
	CHECK_EQ(cfg_read(PCI_REVISION_ID, 4), 0x00ff0010);
	CHECK_EQ(cfg_read(PCI_HEADER_TYPE, 1), 0);
	CHECK_EQ(cfg_read(PCI_INTERRUPT_PIN, 1), 1);
	/* Sizing: all ones in, 1 MiB 32-bit non-prefetchable memory out. */
	cfg_write(PCI_BAR0, 0xffffffff, 4);
	CHECK_EQ(cfg_read(PCI_BAR0, 4), 0xfff00000);
	for (int n = 1; n < PCI_NUM_BARS; n++) {
		cfg_write(PCI_BAR0 + 4 * n, 0xffffffff, 4);
		CHECK_EQ(cfg_read(PCI_BAR0 + 4 * n, 4), 0);
	}
	CHECK_EQ(env.edu.pci.bars[0].size, EDU_BAR0_SIZE);
	CHECK_EQ(env.edu.pci.bars[0].type, 0);
	env_fini();
}

TEST(edu_ops_shape)
{
	enum { W4 = MMIO_W4, W48 = MMIO_W4 | MMIO_W8 };
	static const struct {
		uint32_t off;
		uint8_t size;
		const char *name;
		uint8_t widths;
	} want[] = {
		{ 0x00, 4, "ident", W4 },      { 0x04, 4, "liveness", W4 },
		{ 0x08, 4, "factorial", W4 },  { 0x20, 4, "status", W4 },
		{ 0x24, 4, "irq_status", W4 }, { 0x60, 4, "irq_raise", W4 },
		{ 0x64, 4, "irq_ack", W4 },    { 0x80, 8, "dma_src", W48 },
		{ 0x88, 8, "dma_dst", W48 },   { 0x90, 8, "dma_count", W48 },
		{ 0x98, 8, "dma_cmd", W48 },
	};
	const struct reg_desc *r = edu_mmio_ops.regs;
	size_t n = sizeof(want) / sizeof(want[0]);

	/* QEMU's edu: .valid 4..8 aligned, all ones where nothing fits */
	CHECK_EQ(edu_mmio_ops.widths, MMIO_W4);
	CHECK_EQ(edu_mmio_ops.valid, MMIO_W4 | MMIO_W8);
	CHECK_EQ(edu_mmio_ops.misfit, MISFIT_ONES);
	CHECK(r != NULL);
	if (!r)
		return;
	for (size_t i = 0; i < n; i++) {
		CHECK(r[i].name != NULL);
		if (!r[i].name)
			return;
		CHECK_EQ(r[i].offset, want[i].off);
		CHECK_EQ(r[i].size, want[i].size);
		CHECK_EQ(r[i].widths, want[i].widths);
		CHECK(strcmp(r[i].name, want[i].name) == 0);
		CHECK(reg_name(r, want[i].off) == r[i].name);
	}
	CHECK(r[n].name == NULL);
}

TEST(edu_bar_decoding)
{
	uint64_t v;

	env_init();
	CHECK_EQ(rd32(EDU_REG_IDENT), EDU_IDENT);
	CHECK_EQ(rd32(EDU_BAR0_SIZE - 4), ALL_ONES32); /* last word of BAR */
	/* Memory decoding off: the window answers with a master abort. */
	cfg_write(PCI_COMMAND, PCI_COMMAND_MASTER, 2);
	CHECK_EQ(as_read(&env.as, BAR0, 4, &v), MEM_OK);
	CHECK_EQ(v, ALL_ONES32);
	CHECK(env.host.master_aborts > 0);
	/* Moved BAR: decodes at the new address only. */
	cfg_write(PCI_BAR0, (uint32_t)BAR0 + 0x100000, 4);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	CHECK_EQ(as_read(&env.as, BAR0 + 0x100000, 4, &v), MEM_OK);
	CHECK_EQ(v, EDU_IDENT);
	env_fini();
}

/* ---- registers -------------------------------------------------------- */

TEST(edu_ident_read_only)
{
	env_init();
	CHECK_EQ(rd32(EDU_REG_IDENT), 0x010000ed);
	wr32(EDU_REG_IDENT, 0x12345678);
	CHECK_EQ(rd32(EDU_REG_IDENT), 0x010000ed);
	CHECK_EQ(dev_rd(EDU_REG_IDENT, 4), 0x010000ed);
	env_fini();
}

TEST(edu_liveness_inverts)
{
	env_init();
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0); /* power-on, as on QEMU */
	wr32(EDU_REG_LIVENESS, 0x12345678);
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0xedcba987);
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0xedcba987); /* reads don't flip */
	wr32(EDU_REG_LIVENESS, 0);
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0xffffffff);
	wr32(EDU_REG_LIVENESS, 0xffffffff);
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0);
	env_fini();
}

/* What QEMU's loop computes: n! with 32-bit wrap-around. */
static uint32_t ref_fact(uint32_t n)
{
	uint32_t r = 1;

	while (n > 0)
		r *= n--;
	return r;
}

static uint32_t fact(uint32_t n)
{
	wr32(EDU_REG_FACT, n);
	return rd32(EDU_REG_FACT);
}

TEST(edu_factorial_values)
{
	env_init();
	CHECK_EQ(rd32(EDU_REG_FACT), 0);
	CHECK_EQ(fact(0), 1);
	CHECK_EQ(fact(1), 1);
	CHECK_EQ(fact(5), 120);
	CHECK_EQ(fact(10), 3628800);
	CHECK_EQ(fact(12), 479001600);
	CHECK_EQ(fact(13), 0x7328cc00); /* 6227020800 mod 2^32 */
	for (uint32_t n = 0; n <= 64; n++)
		CHECK_EQ(fact(n), ref_fact(n));
	CHECK_EQ(fact(33), 0x80000000);
	CHECK_EQ(fact(34), 0);
	CHECK_EQ(fact(0xffffffff), 0); /* and returns at once */
	CHECK_EQ(env.edu.irq_status, 0); /* no irq unless asked */
	CHECK_EQ(env.line_changes, 0);
	env_fini();
}

TEST(edu_factorial_status_irq)
{
	env_init();
	CHECK_EQ(rd32(EDU_REG_STATUS), 0);
	wr32(EDU_REG_FACT, 6);
	/* synchronous: never seen computing */
	CHECK_EQ(rd32(EDU_REG_STATUS) & EDU_STATUS_COMPUTING, 0);
	CHECK_EQ(rd32(EDU_REG_FACT), 720);
	CHECK_EQ(line(), 0);

	/* Bit 0 is read-only, bit 7 read-write. */
	wr32(EDU_REG_STATUS, 0xffffffff);
	CHECK_EQ(rd32(EDU_REG_STATUS), EDU_STATUS_IRQFACT);
	wr32(EDU_REG_FACT, 7);
	CHECK_EQ(rd32(EDU_REG_STATUS), EDU_STATUS_IRQFACT);
	CHECK_EQ(rd32(EDU_REG_FACT), 5040);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_FACT);
	CHECK_EQ(line(), 1);
	CHECK(cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	wr32(EDU_REG_IRQ_ACK, EDU_IRQ_FACT);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
	CHECK_EQ(line(), 0);
	CHECK(!(cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT));

	/* Turning bit 7 off again stops the interrupt. */
	wr32(EDU_REG_STATUS, 0x01);
	CHECK_EQ(rd32(EDU_REG_STATUS), 0);
	wr32(EDU_REG_FACT, 3);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
	CHECK_EQ(line(), 0);
	env_fini();
}

TEST(edu_irq_raise_ack)
{
	env_init();
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
	wr32(EDU_REG_IRQ_RAISE, 0);        /* nothing to raise */
	CHECK_EQ(line(), 0);
	wr32(EDU_REG_IRQ_RAISE, 0x5);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0x5);
	CHECK_EQ(line(), 1);
	wr32(EDU_REG_IRQ_RAISE, 0x80000010);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0x80000015);
	CHECK_EQ(line(), 1);
	wr32(EDU_REG_IRQ_STATUS, 0);       /* read-only */
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0x80000015);
	wr32(EDU_REG_IRQ_ACK, 0x4);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0x80000011);
	CHECK_EQ(line(), 1);               /* still pending bits */
	wr32(EDU_REG_IRQ_ACK, 0x80000011);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
	CHECK_EQ(line(), 0);
	/* The write-only registers read like unknown ones. */
	CHECK_EQ(rd32(EDU_REG_IRQ_RAISE), ALL_ONES32);
	CHECK_EQ(rd32(EDU_REG_IRQ_ACK), ALL_ONES32);

	/* INTx Disable masks the pin at the bridge, not in the device. */
	wr32(EDU_REG_IRQ_RAISE, 0x2);
	CHECK_EQ(line(), 1);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE,
		  2);
	CHECK_EQ(line(), 0);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0x2);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	CHECK_EQ(line(), 1);
	wr32(EDU_REG_IRQ_ACK, 0xffffffff);
	CHECK_EQ(line(), 0);
	/* only the edu line ever moved */
	for (unsigned i = 0; i < PCI_NUM_INTX; i++)
		if (i != edu_line())
			CHECK_EQ(env.line[i], 0);
	env_fini();
}

TEST(edu_unknown_offsets)
{
	static const uint64_t offs[] = { 0x0c, 0x10, 0x1c, 0x28, 0x5c, 0x68,
					 0x7c, 0xa0, 0xfc, 0x1000, 0x40000,
					 EDU_BAR0_SIZE - 4 };

	env_init();
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		wr32(offs[i], 0x12345678);
		CHECK_EQ(rd32(offs[i]), ALL_ONES32);
		wr(offs[i] & ~7ull, 0x12345678, 8);
		CHECK_EQ(rd(offs[i] & ~7ull, 8), ~0ull);
	}
	/* the buffer is not visible through BAR0, only by DMA */
	CHECK(all_bytes(env.edu.dma_buf, EDU_DMA_BUF_SIZE, 0));
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
	env_fini();
}

/* QEMU takes only 4-byte accesses below 0x80: an 8-byte read returns all
 * ones and an 8-byte write is dropped. The register table says those
 * registers are 32-bit and the bus answers for them (MISFIT_ONES): the
 * device never sees such an access. */
TEST(edu_rejected_widths)
{
	env_init();
	wr32(EDU_REG_LIVENESS, 0x0f0f0f0f);
	CHECK_EQ(rd(EDU_REG_IDENT, 8), ~0ull);
	CHECK_EQ(rd(EDU_REG_LIVENESS - 4, 8), ~0ull);
	CHECK_EQ(rd(EDU_REG_FACT, 8), ~0ull);
	CHECK_EQ(rd(EDU_REG_STATUS, 8), ~0ull);
	CHECK_EQ(rd(EDU_REG_IRQ_RAISE, 8), ~0ull);

	wr(EDU_REG_LIVENESS - 4, 0, 8);                   /* covers 0x04 */
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0xf0f0f0f0);
	wr(EDU_REG_FACT, 5, 8);
	CHECK_EQ(rd32(EDU_REG_FACT), 0);
	wr(EDU_REG_STATUS, EDU_STATUS_IRQFACT, 8);
	CHECK_EQ(rd32(EDU_REG_STATUS), 0);
	wr(EDU_REG_IRQ_RAISE, 0x1, 8);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
	CHECK_EQ(line(), 0);
	wr32(EDU_REG_IRQ_RAISE, 0x3);
	wr(EDU_REG_IRQ_RAISE, 0x3ull << 32, 8);           /* covers irq_ack */
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0x3);
	CHECK_EQ(line(), 1);
	env_fini();
}

/* QEMU's edu.valid is 4..8 bytes, aligned: anything else is an access
 * fault (the bus refuses it; nothing reaches the device). */
TEST(edu_narrow_and_misaligned_fault)
{
	static const struct {
		uint64_t off;
		unsigned size;
	} bad[] = {
		{ EDU_REG_IDENT, 1 },       { EDU_REG_IDENT + 2, 2 },
		{ EDU_REG_LIVENESS, 2 },    { EDU_REG_DMA_SRC, 1 },
		{ EDU_REG_DMA_SRC + 6, 2 }, { EDU_REG_LIVENESS + 1, 4 },
		{ EDU_REG_DMA_SRC + 4, 8 }, { EDU_REG_DMA_DST + 2, 4 },
		{ 0x200, 1 },               { 0x202, 4 },
	};
	uint64_t v;

	env_init();
	wr32(EDU_REG_LIVENESS, 0x0f0f0f0f);
	wr(EDU_REG_DMA_SRC, 0x1122334455667788ull, 8);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 0x5a5a;
		CHECK_EQ(as_read(&env.as, BAR0 + bad[i].off, bad[i].size, &v),
			 MEM_REFUSED);
		CHECK_EQ(v, 0x5a5a);
		CHECK_EQ(as_write(&env.as, BAR0 + bad[i].off, bad[i].size, 0),
			 MEM_REFUSED);
	}
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0xf0f0f0f0);
	CHECK_EQ(rd(EDU_REG_DMA_SRC, 8), 0x1122334455667788ull);
	/* an access straddling BAR0's end and the rest of the window goes
	 * byte by byte, and edu refuses bytes: the whole access faults */
	CHECK_EQ(as_read(&env.as, BAR0 + EDU_BAR0_SIZE - 4, 8, &v),
		 MEM_REFUSED);
	CHECK_EQ(as_write(&env.as, BAR0 + EDU_BAR0_SIZE - 4, 8, 0),
		 MEM_REFUSED);
	env_fini();
}

struct misfit_log {
	int n;
	const char *what[4];
	unsigned size[4];
	uint64_t off[4];
};

static void misfit_note(void *opaque, const struct bus_event *e)
{
	struct misfit_log *l = opaque;

	if (l->n < 4) {
		l->what[l->n] = e->what;
		l->size[l->n] = e->size;
		l->off[l->n] = e->offset;
	}
	l->n++;
}

/* Every access the bus answers for edu instead of edu itself is a
 * guest-error event with the reason; faults are too. */
TEST(edu_misfit_events)
{
	struct misfit_log w = { 0 };
	struct event_sink sink = { EV_GUEST_ERROR, misfit_note, &w };
	uint64_t v;

	env_init();
	env.as.sink = &sink;
	CHECK_EQ(rd(EDU_REG_STATUS, 8), ~0ull);
	wr(0x100, 1, 4);
	CHECK_EQ(as_read(&env.as, BAR0 + EDU_REG_FACT, 2, &v), MEM_REFUSED);
	CHECK_EQ(rd32(EDU_REG_DMA_SRC + 4), 0);         /* fits: no event */
	CHECK_EQ(w.n, 3);
	if (w.n == 3) {
		CHECK(!strcmp(w.what[0], "width the register does not take: "
					 "reads all ones"));
		CHECK_EQ(w.size[0], 8);
		CHECK_EQ(w.off[0], EDU_REG_STATUS);
		CHECK(!strcmp(w.what[1], "no register here: write ignored"));
		CHECK_EQ(w.off[1], 0x100);
		CHECK(!strcmp(w.what[2], "width or alignment the device "
					 "refuses: access fault"));
		CHECK_EQ(w.size[2], 2);
	}
	env.as.sink = NULL;
	env_fini();
}

/* ---- DMA registers ---------------------------------------------------- */

TEST(edu_dma_regs_widths)
{
	static const uint64_t regs[] = { EDU_REG_DMA_SRC, EDU_REG_DMA_DST,
					 EDU_REG_DMA_COUNT };

	env_init();
	for (size_t i = 0; i < 3; i++) {
		uint64_t r = regs[i];
		CHECK_EQ(rd(r, 8), 0);
		wr(r, 0x1122334455667788ull + i, 8);
		CHECK_EQ(rd(r, 8), 0x1122334455667788ull + i);
		CHECK_EQ(rd32(r), 0x55667788 + i);
		CHECK_EQ(rd32(r + 4), 0x11223344);
		/* halves are written independently */
		wr32(r, 0xaabbccdd);
		CHECK_EQ(rd(r, 8), 0x11223344aabbccddull);
		wr32(r + 4, 0x01020304);
		CHECK_EQ(rd(r, 8), 0x01020304aabbccddull);
		CHECK_EQ(dev_rd(r + 4, 4), 0x01020304);
	}
	CHECK_EQ(env.edu.dma_src, 0x01020304aabbccddull);
	CHECK_EQ(env.edu.dma_dst, 0x01020304aabbccddull);
	CHECK_EQ(env.edu.dma_cnt, 0x01020304aabbccddull);

	/* The command register only takes writes that start a transfer (the
	 * garbage above makes this one fail the range check: no harm). */
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), 0);
	wr(EDU_REG_DMA_CMD, 0x6, 8);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), 0);
	wr32(EDU_REG_DMA_CMD + 4, 0xffffffff);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), 0);
	wr(EDU_REG_DMA_CMD, 0x1, 8);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), 0); /* done: start bit clear */
	CHECK_EQ(env.edu.guest_errors, 1);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0); /* bit 2 was not set */
	env_fini();
}

/* ---- DMA transfers ---------------------------------------------------- */

TEST(edu_dma_ram_to_buffer)
{
	struct edu *e = env_init();

	fill(env.ram + 0x1000, 100, 0x31);
	dma(0x1000, EDU_DMA_BUF_ADDR + 0x10, 100,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
	CHECK(memcmp(e->dma_buf + 0x10, env.ram + 0x1000, 100) == 0);
	CHECK(all_bytes(e->dma_buf, 0x10, 0));
	CHECK(all_bytes(e->dma_buf + 0x10 + 100, EDU_DMA_BUF_SIZE - 0x10 - 100,
			0));
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_IRQ);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(line(), 1);
	CHECK_EQ(e->guest_errors, 0);
	wr32(EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
	CHECK_EQ(line(), 0);

	/* The whole buffer at once, and without an interrupt. */
	fill(env.ram + 0x8000, EDU_DMA_BUF_SIZE, 0x77);
	dma(0x8000, EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE, EDU_DMA_CMD_START);
	CHECK(memcmp(e->dma_buf, env.ram + 0x8000, EDU_DMA_BUF_SIZE) == 0);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
	CHECK_EQ(line(), 0);
	CHECK_EQ(e->guest_errors, 0);
	env_fini();
}

TEST(edu_dma_buffer_to_ram)
{
	struct edu *e = env_init();

	fill(e->dma_buf, EDU_DMA_BUF_SIZE, 0x90);
	dma(EDU_DMA_BUF_ADDR + 0x100, 0x2000, 200,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
	CHECK(memcmp(env.ram + 0x2000, e->dma_buf + 0x100, 200) == 0);
	CHECK(all_bytes(env.ram + 0x1000, 0x1000, 0));
	CHECK(all_bytes(env.ram + 0x2000 + 200, 0x1000, 0));
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(line(), 1);
	CHECK_EQ(e->guest_errors, 0);

	/* Round trip of the whole buffer to the last page of RAM, with the
	 * registers programmed 32 bits at a time like a 32-bit driver. */
	wr32(EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
	wr32(EDU_REG_DMA_SRC, EDU_DMA_BUF_ADDR);
	wr32(EDU_REG_DMA_SRC + 4, 0);
	wr32(EDU_REG_DMA_DST, (uint32_t)(RAM_SIZE - EDU_DMA_BUF_SIZE));
	wr32(EDU_REG_DMA_DST + 4, 0);
	wr32(EDU_REG_DMA_COUNT, EDU_DMA_BUF_SIZE);
	wr32(EDU_REG_DMA_COUNT + 4, 0);
	wr32(EDU_REG_DMA_CMD, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
	CHECK(memcmp(env.ram + RAM_SIZE - EDU_DMA_BUF_SIZE, e->dma_buf,
		     EDU_DMA_BUF_SIZE) == 0);
	CHECK_EQ(rd32(EDU_REG_DMA_CMD), EDU_DMA_CMD_TO_RAM);
	CHECK_EQ(line(), 0);
	CHECK_EQ(e->guest_errors, 0);
	env_fini();
}

TEST(edu_dma_zero_count)
{
	struct edu *e = env_init();

	fill(env.ram, 64, 1);
	dma(0x0, EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE, 0,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
	CHECK(all_bytes(e->dma_buf, EDU_DMA_BUF_SIZE, 0));
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(e->guest_errors, 0);
	env_fini();
}

/* Bus Master Enable clear: the bridge refuses, nothing moves either way,
 * yet the command completes (and interrupts if asked). */
TEST(edu_dma_without_bus_master)
{
	struct edu *e = env_init();

	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	fill(env.ram + 0x1000, 256, 0x11);
	fill(e->dma_buf, EDU_DMA_BUF_SIZE, 0x22);
	uint8_t buf_before[EDU_DMA_BUF_SIZE];
	memcpy(buf_before, e->dma_buf, sizeof(buf_before));

	dma(0x1000, EDU_DMA_BUF_ADDR, 256, EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
	CHECK(memcmp(e->dma_buf, buf_before, EDU_DMA_BUF_SIZE) == 0);
	CHECK_EQ(e->guest_errors, 1);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_IRQ);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(line(), 1);

	dma(EDU_DMA_BUF_ADDR, 0x3000, 256,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
	CHECK(all_bytes(env.ram + 0x3000, 256, 0));
	CHECK_EQ(e->guest_errors, 2);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_TO_RAM);

	/* Enabling it again makes the same command work. */
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	wr(EDU_REG_DMA_CMD, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM, 8);
	CHECK(memcmp(env.ram + 0x3000, e->dma_buf, 256) == 0);
	CHECK_EQ(e->guest_errors, 2);
	env_fini();
}

/* Bus ranges that are not (entirely) RAM: in the inbound window past the
 * end of RAM, straddling RAM's end, and outside the window. */
TEST(edu_dma_outside_ram)
{
	static const uint64_t bad[] = { RAM_SIZE, RAM_SIZE - 50,
					INBOUND_SIZE - 16, INBOUND_SIZE,
					0xfffffff0 };
	struct edu *e = env_init();

	fill(e->dma_buf, EDU_DMA_BUF_SIZE, 0x5a);
	fill(env.ram + RAM_SIZE - 0x1000, 0x1000, 0xa5);
	uint8_t ram_tail[0x1000];
	memcpy(ram_tail, env.ram + RAM_SIZE - 0x1000, sizeof(ram_tail));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dma(bad[i], EDU_DMA_BUF_ADDR, 100,
		    EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
		dma(EDU_DMA_BUF_ADDR, bad[i], 100,
		    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
		CHECK_EQ(e->guest_errors, 2 * (i + 1));
	}
	uint8_t want[EDU_DMA_BUF_SIZE];
	fill(want, sizeof(want), 0x5a);
	CHECK(memcmp(e->dma_buf, want, EDU_DMA_BUF_SIZE) == 0);
	CHECK(memcmp(env.ram + RAM_SIZE - 0x1000, ram_tail,
		     sizeof(ram_tail)) == 0);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	env_fini();
}

/* The edu side must lie inside [0x40000, 0x41000). QEMU aborts (or
 * overflows its buffer); glass counts a guest error and moves nothing. */
TEST(edu_dma_beyond_buffer)
{
	static const struct {
		uint64_t addr, cnt;
	} bad[] = {
		{ EDU_DMA_BUF_ADDR + 4000, 200 },            /* runs off the end */
		{ EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE, 1 },  /* just past */
		{ EDU_DMA_BUF_ADDR - 1, 1 },                 /* just before */
		{ 0, 16 },
		{ EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE + 1 },
		{ EDU_DMA_BUF_ADDR, ~0ull },                 /* huge count */
		{ ~0ull - 1, 4 },                            /* wraps */
		{ EDU_DMA_BUF_ADDR + 8, ~0ull - 3 },         /* end wraps */
	};
	struct edu *e = env_init();

	fill(env.ram, RAM_SIZE, 0x3c);
	uint8_t *ram_copy = malloc(RAM_SIZE);
	CHECK(ram_copy != NULL);
	if (!ram_copy)
		return;
	memcpy(ram_copy, env.ram, RAM_SIZE);
	fill(e->dma_buf, EDU_DMA_BUF_SIZE, 0xc3);
	uint8_t buf_copy[EDU_DMA_BUF_SIZE];
	memcpy(buf_copy, e->dma_buf, sizeof(buf_copy));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dma(0x1000, bad[i].addr, bad[i].cnt,
		    EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
		CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_IRQ);
		dma(bad[i].addr, 0x1000, bad[i].cnt,
		    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
		CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_TO_RAM);
		CHECK_EQ(e->guest_errors, 2 * (i + 1));
	}
	CHECK(memcmp(e->dma_buf, buf_copy, EDU_DMA_BUF_SIZE) == 0);
	CHECK(memcmp(env.ram, ram_copy, RAM_SIZE) == 0);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	free(ram_copy);
	env_fini();
}

/* Bus addresses go through dma_mask first, like QEMU's clamp; a changed
 * address is a guest error but the (clamped) transfer still happens. */
TEST(edu_dma_mask_clamp)
{
	struct edu *e = env_init_mask(EDU_DEFAULT_DMA_MASK);

	CHECK_EQ(e->dma_mask, 0x0fffffff);
	fill(env.ram + 0x4000, 64, 0x42);
	dma(0x30004000, EDU_DMA_BUF_ADDR, 64, EDU_DMA_CMD_START);
	CHECK(memcmp(e->dma_buf, env.ram + 0x4000, 64) == 0);
	CHECK_EQ(e->guest_errors, 1);
	/* the register keeps what the driver wrote */
	CHECK_EQ(rd(EDU_REG_DMA_SRC, 8), 0x30004000);

	dma(EDU_DMA_BUF_ADDR, 0xfff00000005000ull, 64,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
	CHECK(memcmp(env.ram + 0x5000, e->dma_buf, 64) == 0);
	CHECK_EQ(e->guest_errors, 2);

	/* inside the mask: no complaint */
	dma(EDU_DMA_BUF_ADDR, 0x6000, 64,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
	CHECK(memcmp(env.ram + 0x6000, e->dma_buf, 64) == 0);
	CHECK_EQ(e->guest_errors, 2);
	env_fini();

	/* A wide mask leaves the address alone: now it misses the window. */
	e = env_init_mask(~0ull);
	fill(env.ram + 0x4000, 64, 0x42);
	dma(0x30004000, EDU_DMA_BUF_ADDR, 64, EDU_DMA_CMD_START);
	CHECK(all_bytes(e->dma_buf, EDU_DMA_BUF_SIZE, 0));
	CHECK_EQ(e->guest_errors, 1);
	env_fini();
}

/* ---- reset ------------------------------------------------------------ */

TEST(edu_reset)
{
	struct edu *e = env_init();

	wr32(EDU_REG_LIVENESS, 1);
	wr32(EDU_REG_STATUS, EDU_STATUS_IRQFACT);
	wr32(EDU_REG_FACT, 4);
	wr(EDU_REG_DMA_SRC, 0x1234, 8);
	fill(e->dma_buf, 16, 9);
	CHECK_EQ(line(), 1);

	pci_host_reset(&env.host);
	CHECK_EQ(line(), 0);
	CHECK_EQ(e->irq_status, 0);
	CHECK_EQ(e->status, 0);
	CHECK_EQ(e->fact, 0);
	CHECK_EQ(e->dma_src, 0);
	CHECK(all_bytes(e->dma_buf, EDU_DMA_BUF_SIZE, 0));
	CHECK_EQ(e->dma_mask, 0xffffffff); /* a property, not a register */
	/* memory decoding is off after reset: re-enable to look */
	cfg_write(PCI_BAR0, (uint32_t)BAR0, 4);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0);
	CHECK_EQ(rd32(EDU_REG_IDENT), EDU_IDENT);
	env_fini();
}

/* ---- guest errors in the trace ---------------------------------------- */

struct sink_log {
	int n;
	const char *what[8];
	uint64_t bus[8];
};

static void sink_emit(void *opaque, const struct bus_event *ev)
{
	struct sink_log *l = opaque;

	if (ev->cat != EV_GUEST_ERROR || l->n == 8)
		return;
	l->what[l->n] = ev->what;
	l->bus[l->n] = ev->bus;
	l->n++;
}

TEST(edu_guest_error_events)
{
	struct sink_log log = { 0 };
	struct event_sink sink = { EV_GUEST_ERROR, sink_emit, &log };
	struct edu *e = env_init_mask(EDU_DEFAULT_DMA_MASK);

	env.host.sink = &sink;
	dma(0x1000, EDU_DMA_BUF_ADDR + 4090, 100, EDU_DMA_CMD_START);
	dma(0x10001000, EDU_DMA_BUF_ADDR, 16, EDU_DMA_CMD_START);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	dma(0x1000, EDU_DMA_BUF_ADDR, 16, EDU_DMA_CMD_START);
	CHECK_EQ(e->guest_errors, 3);
	CHECK_EQ(log.n, 3);
	if (log.n == 3) {
		CHECK(strstr(log.what[0], "outside the 4 KiB buffer") != NULL);
		CHECK_EQ(log.bus[0], 0x1000);
		CHECK(strstr(log.what[1], "dma_mask") != NULL);
		CHECK_EQ(log.bus[1], 0x10001000);
		CHECK(strstr(log.what[2], "bus mastering") != NULL);
	}
	env.host.sink = NULL;
	env_fini();
}
