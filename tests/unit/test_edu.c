/* edu device model, created by the device framework on a PCI host bridge
 * (tests/unit/devhost.c) and driven through the address space as a hart
 * drives it: config header through ECAM, every register through BAR0,
 * interrupts on the swizzled INTx line, and DMA to and from guest RAM
 * through the bridge's inbound window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/edu.h"
#include "devhost.h"
#include "harness.h"

/* devhost's RAM is 1 MiB at 0x80000000. Device DMA addresses are bus
 * addresses: its inbound window maps bus 0.. (256 MiB, so it fits edu's
 * default 28-bit mask) onto RAM's base, so bus 0x1000 is RAM + 0x1000 and
 * bus 0x100000 up is inside the window but not RAM. */
#define RAM_BASE DEVHOST_RAM
#define RAM_SIZE DEVHOST_RAM_SIZE
#define INBOUND_SIZE 0x10000000ull
#define ECAM_BASE 0x30000000ull
#define MEM32_BASE 0x40000000ull
#define BAR0 MEM32_BASE          /* where the tests put edu's BAR0 */
#define SLOT 1
#define ALL_ONES32 0xffffffffull

/* Guest-error events and refused transfers, as the trace sees them. */
#define LOG_MAX 8

struct ev_note {
	enum ev_kind kind;
	char why[160];
	uint64_t offset, bus, len;
	unsigned size;
	int devfn;
	const char *device;      /* edu's own name: a static string */
};

struct env {
	struct devhost h;
	unsigned refused;        /* DMA transfers the bridge refused */
	int n;                   /* guest-error events (all kept: LOG_MAX) */
	struct ev_note ev[LOG_MAX];
};

static struct env env; /* big (RAM, config space): keep off the stack */

static void note(struct ev_note *n, enum ev_kind kind, const char *why)
{
	n->kind = kind;
	snprintf(n->why, sizeof(n->why), "%s", why ? why : "");
}

static void tap(void *opaque, const struct bus_event *e)
{
	struct env *v = opaque;
	struct ev_note *n = v->n < LOG_MAX ? &v->ev[v->n] : NULL;

	if (e->kind == EVK_DMA && !e->dma.ok)
		v->refused++;
	if (ev_category_of(e->kind) != EV_GUEST_ERROR)
		return;
	v->n++;
	if (!n)
		return;
	if (e->kind == EVK_BAD_ACCESS) {
		note(n, e->kind, e->bad.why);
		n->offset = e->bad.offset;
		n->size = e->bad.size;
	} else {
		note(n, e->kind, e->deverr.why);
		n->bus = e->deverr.bus;
		n->len = e->deverr.len;
		n->devfn = e->deverr.devfn;
		n->device = e->deverr.device &&
			    !strcmp(e->deverr.device, "edu") ? "edu" : "?";
	}
}

static unsigned edu_line(void)
{
	return pci_swizzle(SLOT, 1);
}

static const struct glass_attrs hart0 = { .initiator = 0, .priv = 3 };

/* Config space through ECAM, as a hart reaches it. */
static uint64_t ecam(unsigned off)
{
	return ECAM_BASE + ((uint64_t)SLOT << 15) + off;
}

static void cfg_write(unsigned off, uint32_t val, unsigned size)
{
	uint64_t v = val;

	CHECK_EQ(devhost_access(&env.h, ecam(off), size, &v, true), MEM_OK);
}

static uint32_t cfg_read(unsigned off, unsigned size)
{
	uint64_t v = 0;

	CHECK_EQ(devhost_access(&env.h, ecam(off), size, &v, false), MEM_OK);
	return (uint32_t)v;
}

static struct edu *edu(void)
{
	return device_self(env.h.dev);
}

static struct region *bar0_region(void)
{
	return env.h.dev->pci->bars[0].region;
}

/* A plugged edu in slot 1 with its BAR0 at BAR0 and memory decoding and
 * bus mastering on, as a driver leaves it after probe. */
static struct edu *env_init_mask(uint64_t dma_mask)
{
	char props[64];

	devhost_init(&env.h, true);
	env.h.tap = tap;
	env.h.tap_opaque = &env;
	env.refused = 0;
	env.n = 0;
	memset(env.ev, 0, sizeof(env.ev));
	snprintf(props, sizeof(props), "addr=%d,dma_mask=0x%llx", SLOT,
		 (unsigned long long)dma_mask);
	if (!devhost_pci(&env.h, &edu_class, props)) {
		fprintf(stderr, "test_edu: edu not created (%s)\n", props);
		abort();
	}
	CHECK_EQ(env.h.dev->pci->devfn, SLOT << 3);
	cfg_write(PCI_BAR0, (uint32_t)BAR0, 4);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	env.h.base = BAR0;
	memset(env.h.line_changes, 0, sizeof(env.h.line_changes));
	return edu();
}

static struct edu *env_init(void)
{
	return env_init_mask(0xffffffff);
}

/* Guest errors as the old model counted them: those edu found itself
 * (reported with glass_guest_error) and the transfers the bridge
 * refused (reported by the bridge as refused DMA). */
static uint64_t errors(void)
{
	return env.h.dev->guest_errors + env.refused;
}

/* Interrupt line changes, all four INTx lines. */
static int line_changes(void)
{
	int n = 0;

	for (int i = 0; i < PCI_NUM_INTX; i++)
		n += env.h.line_changes[i];
	return n;
}

/* Guest-style accesses through the address space (and so the BAR). */
static uint64_t rd(uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	CHECK_EQ(devhost_access(&env.h, BAR0 + off, size, &v, false), MEM_OK);
	return v;
}

static void wr(uint64_t off, uint64_t val, unsigned size)
{
	CHECK_EQ(devhost_access(&env.h, BAR0 + off, size, &val, true), MEM_OK);
}

static enum mem_status try_rd(uint64_t off, unsigned size, uint64_t *v)
{
	return devhost_access(&env.h, BAR0 + off, size, v, false);
}

static enum mem_status try_wr(uint64_t off, unsigned size, uint64_t v)
{
	return devhost_access(&env.h, BAR0 + off, size, &v, true);
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
	struct region *r = bar0_region();

	return r->ops->read(r->dev, off, size, &hart0);
}

static int line(void)
{
	return env.h.line[edu_line()];
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
	CHECK_EQ(env.h.dev->pci->bars[0].size, EDU_BAR0_SIZE);
	CHECK_EQ(env.h.dev->pci->bars[0].type, 0);
}

/* The register table of BAR0 (names and widths, as the trace and the bus
 * use them), and the contract QEMU's edu has: .valid 4..8 aligned, all
 * ones where no register takes an access. */
TEST(edu_ops_shape)
{
	enum { W4 = GLASS_W4, W48 = GLASS_W4 | GLASS_W8 };
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
	static const uint32_t holes[] = { 0x0c, 0x1c, 0x28, 0x5c, 0x68, 0x7c,
					  0xa0, 0xfffff };
	size_t n = sizeof(want) / sizeof(want[0]);
	char buf[32];
	uint64_t v;

	env_init();
	const struct glass_region_ops *ops = bar0_region()->ops;
	const struct glass_reg *r = ops->regs;

	CHECK_EQ(ops->valid, GLASS_W4 | GLASS_W8);
	CHECK_EQ(ops->flags & GLASS_UNCLAIMED_ZERO, 0);
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
		/* the name the trace shows, at either end of the register */
		const char *nm = mmio_reg_name(ops, want[i].off, buf,
					       sizeof(buf));
		CHECK(nm == r[i].name);
		nm = mmio_reg_name(ops, want[i].off + want[i].size - 1, buf,
				   sizeof(buf));
		CHECK(nm == r[i].name);
	}
	CHECK(r[n].name == NULL);
	for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++)
		CHECK(mmio_reg_name(ops, holes[i], buf, sizeof(buf)) == NULL);

	/* The widths as the bus applies them: an access a register takes
	 * reaches edu (no guest error), an 8-byte one to a 32-bit register
	 * reads all ones with a guest error, and 1 or 2 bytes fault. */
	for (size_t i = 0; i < n; i++) {
		unsigned bad = devhost_events(&env.h, EVK_BAD_ACCESS);
		bool w8 = want[i].widths & GLASS_W8;

		CHECK_EQ(try_rd(want[i].off, 4, &v), MEM_OK);
		CHECK_EQ(devhost_events(&env.h, EVK_BAD_ACCESS), bad);
		v = 0;
		CHECK_EQ(try_rd(want[i].off & ~7u, 8, &v), MEM_OK);
		if (w8) {
			/* and the upper 32-bit half of a 64-bit register */
			CHECK_EQ(try_rd(want[i].off + 4, 4, &v), MEM_OK);
			CHECK_EQ(devhost_events(&env.h, EVK_BAD_ACCESS), bad);
		} else {
			CHECK_EQ(v, ~0ull);
			CHECK_EQ(devhost_events(&env.h, EVK_BAD_ACCESS),
				 bad + 1);
		}
		CHECK_EQ(try_rd(want[i].off, 1, &v), MEM_REFUSED);
		CHECK_EQ(try_rd(want[i].off, 2, &v), MEM_REFUSED);
	}
}

TEST(edu_bar_decoding)
{
	uint64_t v;

	env_init();
	CHECK_EQ(rd32(EDU_REG_IDENT), EDU_IDENT);
	CHECK_EQ(rd32(EDU_BAR0_SIZE - 4), ALL_ONES32); /* last word of BAR */
	/* Memory decoding off: the window answers with a master abort. */
	cfg_write(PCI_COMMAND, PCI_COMMAND_MASTER, 2);
	CHECK_EQ(try_rd(0, 4, &v), MEM_OK);
	CHECK_EQ(v, ALL_ONES32);
	CHECK(env.h.pci.master_aborts > 0);
	/* Moved BAR: decodes at the new address only. */
	cfg_write(PCI_BAR0, (uint32_t)BAR0 + 0x100000, 4);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	CHECK_EQ(try_rd(0x100000, 4, &v), MEM_OK);
	CHECK_EQ(v, EDU_IDENT);
	uint64_t aborts = env.h.pci.master_aborts;
	CHECK_EQ(try_rd(0, 4, &v), MEM_OK);
	CHECK_EQ(v, ALL_ONES32);
	CHECK(env.h.pci.master_aborts > aborts);
}

/* ---- registers -------------------------------------------------------- */

TEST(edu_ident_read_only)
{
	env_init();
	CHECK_EQ(rd32(EDU_REG_IDENT), 0x010000ed);
	wr32(EDU_REG_IDENT, 0x12345678);
	CHECK_EQ(rd32(EDU_REG_IDENT), 0x010000ed);
	CHECK_EQ(dev_rd(EDU_REG_IDENT, 4), 0x010000ed);
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
	CHECK_EQ(edu()->s.irq_status, 0); /* no irq unless asked */
	CHECK_EQ(line_changes(), 0);
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
		if (i != edu_line()) {
			CHECK_EQ(env.h.line[i], 0);
			CHECK_EQ(env.h.line_changes[i], 0);
		}
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
	CHECK(all_bytes(edu()->s.dma_buf, EDU_DMA_BUF_SIZE, 0));
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
}

/* QEMU takes only 4-byte accesses below 0x80: an 8-byte read returns all
 * ones and an 8-byte write is dropped. The register table says those
 * registers are 32-bit and the bus answers for them: the device never
 * sees such an access. */
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
		CHECK_EQ(try_rd(bad[i].off, bad[i].size, &v), MEM_REFUSED);
		CHECK_EQ(v, 0x5a5a);
		CHECK_EQ(try_wr(bad[i].off, bad[i].size, 0), MEM_REFUSED);
	}
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0xf0f0f0f0);
	CHECK_EQ(rd(EDU_REG_DMA_SRC, 8), 0x1122334455667788ull);
	/* an access straddling BAR0's end and the rest of the window goes
	 * byte by byte, and edu refuses bytes: the whole access faults */
	CHECK_EQ(try_rd(EDU_BAR0_SIZE - 4, 8, &v), MEM_REFUSED);
	CHECK_EQ(try_wr(EDU_BAR0_SIZE - 4, 8, 0), MEM_REFUSED);
}

/* Every access the bus answers for edu instead of edu itself is a
 * guest-error event with the reason; faults are too. */
TEST(edu_misfit_events)
{
	uint64_t v;

	env_init();
	env.n = 0;
	CHECK_EQ(rd(EDU_REG_STATUS, 8), ~0ull);
	wr(0x100, 1, 4);
	CHECK_EQ(try_rd(EDU_REG_FACT, 2, &v), MEM_REFUSED);
	CHECK_EQ(rd32(EDU_REG_DMA_SRC + 4), 0);         /* fits: no event */
	CHECK_EQ(env.n, 3);
	if (env.n == 3) {
		for (int i = 0; i < 3; i++)
			CHECK_EQ(env.ev[i].kind, EVK_BAD_ACCESS);
		CHECK(!strcmp(env.ev[0].why, "width the register does not "
					     "take: reads all ones"));
		CHECK_EQ(env.ev[0].size, 8);
		CHECK_EQ(env.ev[0].offset, EDU_REG_STATUS);
		CHECK(!strcmp(env.ev[1].why, "no register here: write "
					     "ignored"));
		CHECK_EQ(env.ev[1].offset, 0x100);
		CHECK(!strcmp(env.ev[2].why, "width or alignment the device "
					     "refuses: access fault"));
		CHECK_EQ(env.ev[2].size, 2);
	}
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
	CHECK_EQ(edu()->s.dma_src, 0x01020304aabbccddull);
	CHECK_EQ(edu()->s.dma_dst, 0x01020304aabbccddull);
	CHECK_EQ(edu()->s.dma_cnt, 0x01020304aabbccddull);

	/* The command register only takes writes that start a transfer (the
	 * garbage above makes this one fail the range check: no harm). */
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), 0);
	wr(EDU_REG_DMA_CMD, 0x6, 8);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), 0);
	wr32(EDU_REG_DMA_CMD + 4, 0xffffffff);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), 0);
	wr(EDU_REG_DMA_CMD, 0x1, 8);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), 0); /* done: start bit clear */
	CHECK_EQ(errors(), 1);
	CHECK_EQ(env.h.dev->guest_errors, 1); /* edu's own range check */
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0); /* bit 2 was not set */
}

/* ---- DMA transfers ---------------------------------------------------- */

TEST(edu_dma_ram_to_buffer)
{
	struct edu *e = env_init();

	fill(env.h.ram + 0x1000, 100, 0x31);
	dma(0x1000, EDU_DMA_BUF_ADDR + 0x10, 100,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
	CHECK(memcmp(e->s.dma_buf + 0x10, env.h.ram + 0x1000, 100) == 0);
	CHECK(all_bytes(e->s.dma_buf, 0x10, 0));
	CHECK(all_bytes(e->s.dma_buf + 0x10 + 100,
			EDU_DMA_BUF_SIZE - 0x10 - 100, 0));
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_IRQ);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(line(), 1);
	CHECK_EQ(errors(), 0);
	wr32(EDU_REG_IRQ_ACK, EDU_IRQ_DMA);
	CHECK_EQ(line(), 0);

	/* The whole buffer at once, and without an interrupt. */
	fill(env.h.ram + 0x8000, EDU_DMA_BUF_SIZE, 0x77);
	dma(0x8000, EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE, EDU_DMA_CMD_START);
	CHECK(memcmp(e->s.dma_buf, env.h.ram + 0x8000, EDU_DMA_BUF_SIZE) == 0);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), 0);
	CHECK_EQ(line(), 0);
	CHECK_EQ(errors(), 0);
}

TEST(edu_dma_buffer_to_ram)
{
	struct edu *e = env_init();

	fill(e->s.dma_buf, EDU_DMA_BUF_SIZE, 0x90);
	dma(EDU_DMA_BUF_ADDR + 0x100, 0x2000, 200,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
	CHECK(memcmp(env.h.ram + 0x2000, e->s.dma_buf + 0x100, 200) == 0);
	CHECK(all_bytes(env.h.ram + 0x1000, 0x1000, 0));
	CHECK(all_bytes(env.h.ram + 0x2000 + 200, 0x1000, 0));
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(line(), 1);
	CHECK_EQ(errors(), 0);

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
	CHECK(memcmp(env.h.ram + RAM_SIZE - EDU_DMA_BUF_SIZE, e->s.dma_buf,
		     EDU_DMA_BUF_SIZE) == 0);
	CHECK_EQ(rd32(EDU_REG_DMA_CMD), EDU_DMA_CMD_TO_RAM);
	CHECK_EQ(line(), 0);
	CHECK_EQ(errors(), 0);
}

TEST(edu_dma_zero_count)
{
	struct edu *e = env_init();

	fill(env.h.ram, 64, 1);
	dma(0x0, EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE, 0,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
	CHECK(all_bytes(e->s.dma_buf, EDU_DMA_BUF_SIZE, 0));
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(errors(), 0);
}

/* Bus Master Enable clear: the bridge refuses, nothing moves either way,
 * yet the command completes (and interrupts if asked). */
TEST(edu_dma_without_bus_master)
{
	struct edu *e = env_init();

	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	fill(env.h.ram + 0x1000, 256, 0x11);
	fill(e->s.dma_buf, EDU_DMA_BUF_SIZE, 0x22);
	uint8_t buf_before[EDU_DMA_BUF_SIZE];
	memcpy(buf_before, e->s.dma_buf, sizeof(buf_before));

	dma(0x1000, EDU_DMA_BUF_ADDR, 256, EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
	CHECK(memcmp(e->s.dma_buf, buf_before, EDU_DMA_BUF_SIZE) == 0);
	CHECK_EQ(errors(), 1);
	CHECK_EQ(env.refused, 1);          /* the bridge's refusal */
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_IRQ);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(line(), 1);

	dma(EDU_DMA_BUF_ADDR, 0x3000, 256,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
	CHECK(all_bytes(env.h.ram + 0x3000, 256, 0));
	CHECK_EQ(errors(), 2);
	CHECK_EQ(env.refused, 2);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_TO_RAM);

	/* Enabling it again makes the same command work. */
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	wr(EDU_REG_DMA_CMD, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM, 8);
	CHECK(memcmp(env.h.ram + 0x3000, e->s.dma_buf, 256) == 0);
	CHECK_EQ(errors(), 2);
}

/* Bus ranges that are not (entirely) RAM: in the inbound window past the
 * end of RAM, straddling RAM's end, and outside the window. */
TEST(edu_dma_outside_ram)
{
	static const uint64_t bad[] = { RAM_SIZE, RAM_SIZE - 50,
					INBOUND_SIZE - 16, INBOUND_SIZE,
					0xfffffff0 };
	struct edu *e = env_init();

	fill(e->s.dma_buf, EDU_DMA_BUF_SIZE, 0x5a);
	fill(env.h.ram + RAM_SIZE - 0x1000, 0x1000, 0xa5);
	uint8_t ram_tail[0x1000];
	memcpy(ram_tail, env.h.ram + RAM_SIZE - 0x1000, sizeof(ram_tail));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dma(bad[i], EDU_DMA_BUF_ADDR, 100,
		    EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
		dma(EDU_DMA_BUF_ADDR, bad[i], 100,
		    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
		CHECK_EQ(errors(), 2 * (i + 1));
		CHECK_EQ(env.refused, 2 * (i + 1));
	}
	uint8_t want[EDU_DMA_BUF_SIZE];
	fill(want, sizeof(want), 0x5a);
	CHECK(memcmp(e->s.dma_buf, want, EDU_DMA_BUF_SIZE) == 0);
	CHECK(memcmp(env.h.ram + RAM_SIZE - 0x1000, ram_tail,
		     sizeof(ram_tail)) == 0);
	CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
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

	fill(env.h.ram, RAM_SIZE, 0x3c);
	uint8_t *ram_copy = malloc(RAM_SIZE);
	CHECK(ram_copy != NULL);
	if (!ram_copy)
		return;
	memcpy(ram_copy, env.h.ram, RAM_SIZE);
	fill(e->s.dma_buf, EDU_DMA_BUF_SIZE, 0xc3);
	uint8_t buf_copy[EDU_DMA_BUF_SIZE];
	memcpy(buf_copy, e->s.dma_buf, sizeof(buf_copy));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dma(0x1000, bad[i].addr, bad[i].cnt,
		    EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
		CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_IRQ);
		dma(bad[i].addr, 0x1000, bad[i].cnt,
		    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
		CHECK_EQ(rd(EDU_REG_DMA_CMD, 8), EDU_DMA_CMD_TO_RAM);
		CHECK_EQ(errors(), 2 * (i + 1));
		CHECK_EQ(env.h.dev->guest_errors, 2 * (i + 1)); /* edu's own */
	}
	CHECK(memcmp(e->s.dma_buf, buf_copy, EDU_DMA_BUF_SIZE) == 0);
	CHECK(memcmp(env.h.ram, ram_copy, RAM_SIZE) == 0);
	CHECK_EQ(rd32(EDU_REG_IRQ_STATUS), EDU_IRQ_DMA);
	CHECK_EQ(env.refused, 0);       /* nothing reached the bridge */
	free(ram_copy);
}

/* Bus addresses go through dma_mask first, like QEMU's clamp; a changed
 * address is a guest error but the (clamped) transfer still happens. */
TEST(edu_dma_mask_clamp)
{
	struct edu *e = env_init_mask(EDU_DEFAULT_DMA_MASK);

	CHECK_EQ(e->dma_mask, 0x0fffffff);
	fill(env.h.ram + 0x4000, 64, 0x42);
	dma(0x30004000, EDU_DMA_BUF_ADDR, 64, EDU_DMA_CMD_START);
	CHECK(memcmp(e->s.dma_buf, env.h.ram + 0x4000, 64) == 0);
	CHECK_EQ(errors(), 1);
	/* the register keeps what the driver wrote */
	CHECK_EQ(rd(EDU_REG_DMA_SRC, 8), 0x30004000);

	dma(EDU_DMA_BUF_ADDR, 0xfff00000005000ull, 64,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
	CHECK(memcmp(env.h.ram + 0x5000, e->s.dma_buf, 64) == 0);
	CHECK_EQ(errors(), 2);

	/* inside the mask: no complaint */
	dma(EDU_DMA_BUF_ADDR, 0x6000, 64,
	    EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
	CHECK(memcmp(env.h.ram + 0x6000, e->s.dma_buf, 64) == 0);
	CHECK_EQ(errors(), 2);
	CHECK_EQ(env.refused, 0);

	/* The property's default is QEMU's 28 bits. */
	devhost_init(&env.h, true);
	CHECK(devhost_pci(&env.h, &edu_class, "") != NULL);
	if (env.h.dev)
		CHECK_EQ(edu()->dma_mask, EDU_DEFAULT_DMA_MASK);

	/* A wide mask leaves the address alone: now it misses the window. */
	e = env_init_mask(~0ull);
	CHECK_EQ(e->dma_mask, ~0ull);
	fill(env.h.ram + 0x4000, 64, 0x42);
	dma(0x30004000, EDU_DMA_BUF_ADDR, 64, EDU_DMA_CMD_START);
	CHECK(all_bytes(e->s.dma_buf, EDU_DMA_BUF_SIZE, 0));
	CHECK_EQ(errors(), 1);
	CHECK_EQ(env.refused, 1);
}

/* ---- reset ------------------------------------------------------------ */

/* A machine reset (device_reset, as the machine does for every device):
 * registers, buffer and interrupt back to power-on, BAR0 unassigned. */
TEST(edu_reset)
{
	struct edu *e = env_init();

	wr32(EDU_REG_LIVENESS, 1);
	wr32(EDU_REG_STATUS, EDU_STATUS_IRQFACT);
	wr32(EDU_REG_FACT, 4);
	wr(EDU_REG_DMA_SRC, 0x1234, 8);
	fill(e->s.dma_buf, 16, 9);
	CHECK_EQ(line(), 1);

	devhost_reset(&env.h);
	CHECK_EQ(line(), 0);
	CHECK_EQ(e->s.irq_status, 0);
	CHECK_EQ(e->s.status, 0);
	CHECK_EQ(e->s.fact, 0);
	CHECK_EQ(e->s.dma_src, 0);
	CHECK(all_bytes(e->s.dma_buf, EDU_DMA_BUF_SIZE, 0));
	CHECK_EQ(e->dma_mask, 0xffffffff); /* a property, not a register */
	CHECK(!(cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT));
	/* memory decoding is off after reset: re-enable to look */
	CHECK_EQ(cfg_read(PCI_COMMAND, 2), 0);
	cfg_write(PCI_BAR0, (uint32_t)BAR0, 4);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	CHECK_EQ(rd32(EDU_REG_LIVENESS), 0);
	CHECK_EQ(rd32(EDU_REG_IDENT), EDU_IDENT);
}

/* ---- guest errors in the trace ---------------------------------------- */

/* With only the guest-error category on (no dma category), edu's own
 * complaints and the bridge's refusal are device-error events naming
 * edu. */
TEST(edu_guest_error_events)
{
	env_init_mask(EDU_DEFAULT_DMA_MASK);
	env.h.sink.mask = EV_GUEST_ERROR;
	env.n = 0;
	dma(0x1000, EDU_DMA_BUF_ADDR + 4090, 100, EDU_DMA_CMD_START);
	dma(0x10001000, EDU_DMA_BUF_ADDR, 16, EDU_DMA_CMD_START);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	dma(0x1000, EDU_DMA_BUF_ADDR, 16, EDU_DMA_CMD_START);
	CHECK_EQ(env.h.dev->guest_errors, 2);   /* edu's own two */
	CHECK_EQ(env.n, 3);
	if (env.n == 3) {
		for (int i = 0; i < 3; i++) {
			CHECK_EQ(env.ev[i].kind, EVK_DEVICE_ERROR);
			CHECK_EQ(env.ev[i].devfn, SLOT << 3);
			CHECK(env.ev[i].device &&
			      !strcmp(env.ev[i].device, "edu"));
		}
		CHECK(strstr(env.ev[0].why, "outside the 4 KiB buffer") !=
		      NULL);
		CHECK(strstr(env.ev[0].why, "0x40ffa, 100 bytes") != NULL);
		CHECK(strstr(env.ev[1].why, "dma_mask") != NULL);
		CHECK(strstr(env.ev[1].why, "bus 0x10001000 -> 0x1000") !=
		      NULL);
		CHECK(strstr(env.ev[2].why, "bus mastering") != NULL);
		CHECK_EQ(env.ev[2].bus, 0x1000);
		CHECK_EQ(env.ev[2].len, 16);
	}
}
