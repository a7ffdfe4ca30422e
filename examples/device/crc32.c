/* crc32: a CRC-32 offload engine for glass, written as a device plugin in
 * one C file against glass's public device ABI (include/glass/device.h
 * and bus.h) and nothing else. README.md in this directory walks through
 * it step by step; the numbered comments below are the steps.
 *
 * What the guest sees: a PCI function 1234:cc32 (class 0x1200, a
 * processing accelerator) with
 *   BAR0  4 KiB of 32-bit registers in memory space: point the engine at
 *         a buffer by bus address, start it, and it reads the buffer by DMA,
 *         computes its CRC-32 (the one of zlib, Ethernet and PNG) and raises
 *         INTA when it is done, after a delay proportional to the length;
 *   BAR1  16 bytes of I/O space: the ID again, a scratch register and
 *         two job counters, for drivers that want port I/O.
 *
 * Build:  cc -shared -fPIC -O2 -Wall -Wextra -I<glass>/include -o crc32.so crc32.c
 * Run:    glass -device plugin,path=./crc32.so[,ns_per_byte=N,...] ...
 */
#include <stdio.h>
#include <string.h>

#include <glass/device.h>

/* ---- 1. The datasheet: IDs, registers, bits ------------------------- */

#define CRC_VENDOR 0x1234
#define CRC_DEVICE 0xcc32
#define CRC_CLASS 0x120000        /* processing accelerator */
#define CRC_ID 0x43524301         /* "CRC" and version 1 */

/* BAR0, memory: every register is 32 bits wide. */
#define CRC_REG_ID 0x00           /* RO  CRC_ID */
#define CRC_REG_CTRL 0x04         /* RW  CTRL_* */
#define CRC_REG_STATUS 0x08       /* RO  STATUS_* */
#define CRC_REG_ERROR 0x0c        /* RO  ERR_*: why the last job failed */
#define CRC_REG_SRC_LO 0x10       /* RW  bus address of the data, low half */
#define CRC_REG_SRC_HI 0x14       /* RW  ... high half */
#define CRC_REG_LEN 0x18          /* RW  bytes, 1..max_len */
#define CRC_REG_SEED 0x1c         /* RW  CRC so far (0 for a new one) */
#define CRC_REG_RESULT 0x20       /* RO  CRC of SEED and the data */
#define CRC_REG_IRQ_STATUS 0x24   /* RO  IRQ_* */
#define CRC_REG_IRQ_ACK 0x28      /* WO  write 1s to clear IRQ_STATUS bits */
#define CRC_BAR0_SIZE 0x1000

#define CTRL_START 0x1            /* write 1: start a job (reads 0) */
#define CTRL_IRQ_EN 0x2           /* interrupt when a job ends */
#define STATUS_BUSY 0x1
#define STATUS_DONE 0x2           /* the last job ended (set with ERROR too) */
#define STATUS_ERROR 0x4          /* ... and failed: see ERROR */
#define ERR_NONE 0
#define ERR_LEN 1                 /* LEN was 0 or above max_len */
#define ERR_DMA 2                 /* the bus refused the read */
#define IRQ_DONE 0x1
#define IRQ_ERROR 0x2

/* BAR1, I/O: the guest may use 1, 2 or 4 bytes; glass hands the model
 * whole 32-bit registers (see crc_io_ops). */
#define CRC_IO_ID 0x0             /* RO  CRC_ID */
#define CRC_IO_SCRATCH 0x4        /* RW  any value, for testing */
#define CRC_IO_JOBS 0x8           /* RO  jobs finished since reset */
#define CRC_IO_ERRORS 0xc         /* RO  jobs that failed */
#define CRC_BAR1_SIZE 0x10

/* ---- 2. The instance: guest-visible state first, wiring after ------- */

/* Everything the guest can observe, as plain data without pointers: a
 * snapshot saves and restores exactly these bytes (state_size), so load
 * needs no code. Bump state_version when the layout changes. */
struct crc_state {
	uint32_t ctrl;            /* CTRL_IRQ_EN */
	uint32_t status;
	uint32_t error;
	uint32_t irq_status;
	uint32_t src_lo, src_hi;
	uint32_t len;
	uint32_t seed;
	uint32_t result;
	uint32_t scratch;
	uint32_t jobs, errors;
};

struct crc {
	struct crc_state s;       /* must come first */
	/* wiring and configuration: set up by realize, never saved */
	struct glass_device *dev;
	struct glass_timer *done; /* fires when the running job ends */
	uint64_t delay_ns;        /* properties */
	uint64_t ns_per_byte;
	uint64_t max_len;
	bool log;
	uint32_t table[256];      /* derived from nothing guest-visible */
};

/* ---- 3. The engine: CRC-32, reflected polynomial 0xedb88320 --------- */

static void crc_make_table(uint32_t table[256])
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
}

/* Continue the CRC `crc` (0 to start) over len bytes, as zlib's crc32(). */
static uint32_t crc_update(const uint32_t table[256], uint32_t crc,
			   const uint8_t *p, uint64_t len)
{
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- 4. The interrupt: one level-triggered line, INTA -------------- */

/* The line is up while any IRQ_STATUS bit is set; the driver lowers it
 * by acknowledging. glass routes it (INTx Disable, the bridge's swizzle,
 * the PLIC) and traces every change. */
static void crc_update_irq(struct crc *c)
{
	glass_irq_set(c->dev, 0, c->s.irq_status != 0);
}

/* A job ended: latch the result and interrupt if asked to. */
static void crc_finish(struct crc *c, uint32_t error)
{
	c->s.status = STATUS_DONE | (error ? STATUS_ERROR : 0);
	c->s.error = error;
	c->s.jobs++;
	if (error)
		c->s.errors++;
	if (c->s.ctrl & CTRL_IRQ_EN) {
		c->s.irq_status |= error ? IRQ_ERROR : IRQ_DONE;
		crc_update_irq(c);
	}
	if (c->log && error)
		glass_log(c->dev, "job %u: failed, ERROR %u", c->s.jobs, error);
	else if (c->log)
		glass_log(c->dev, "job %u: %u bytes, RESULT 0x%08x", c->s.jobs,
			  c->s.len, c->s.result);
}

/* ---- 5. DMA and the timer ------------------------------------------ */

/* The modelled duration of a job, in virtual nanoseconds. */
static uint64_t crc_job_ns(const struct crc *c, uint32_t len)
{
	return c->delay_ns + c->ns_per_byte * len;
}

/* The timer: the job's time is up. The engine reads the whole buffer now
 * (so a driver must leave it alone until the interrupt), by bus address:
 * glass translates it through the host bridge's inbound window, refuses
 * it while the driver has not enabled bus mastering, checks that it is
 * all RAM, and traces the transfer either way. */
static void crc_job_done(void *opaque)
{
	struct crc *c = opaque;
	uint64_t src = (uint64_t)c->s.src_hi << 32 | c->s.src_lo;
	const uint8_t *data = glass_dma_map(c->dev, src, c->s.len, false);

	if (!data) {
		/* glass has traced why; tell the driver through ERROR */
		glass_guest_error(c->dev, "job of %u bytes at bus 0x%llx: DMA "
				  "refused", c->s.len, (unsigned long long)src);
		crc_finish(c, ERR_DMA);
		return;
	}
	c->s.result = crc_update(c->table, c->s.seed, data, c->s.len);
	crc_finish(c, ERR_NONE);
}

static void crc_start(struct crc *c)
{
	if (c->s.status & STATUS_BUSY) {
		glass_guest_error(c->dev, "START while a job is running: "
				  "ignored");
		return;
	}
	if (c->s.len == 0 || c->s.len > c->max_len) {
		glass_guest_error(c->dev, "job length %u is not 1..%llu",
				  c->s.len, (unsigned long long)c->max_len);
		crc_finish(c, ERR_LEN);
		return;
	}
	c->s.status = STATUS_BUSY;
	c->s.error = ERR_NONE;
	glass_timer_arm(c->done, glass_clock_ns(c->dev) +
			crc_job_ns(c, c->s.len));
}

/* ---- 6. Register reads and writes ---------------------------------- */

/* glass calls these only with accesses the register tables below allow
 * (4 bytes, aligned, at a listed register): no width checks here, and
 * offsets are relative to the BAR wherever the guest has put it. */
static uint64_t crc_mmio_read(void *opaque, uint64_t off, unsigned size,
			      const struct glass_attrs *who)
{
	struct crc *c = opaque;

	switch (off) {
	case CRC_REG_ID: return CRC_ID;
	case CRC_REG_CTRL: return c->s.ctrl;
	case CRC_REG_STATUS: return c->s.status;
	case CRC_REG_ERROR: return c->s.error;
	case CRC_REG_SRC_LO: return c->s.src_lo;
	case CRC_REG_SRC_HI: return c->s.src_hi;
	case CRC_REG_LEN: return c->s.len;
	case CRC_REG_SEED: return c->s.seed;
	case CRC_REG_RESULT: return c->s.result;
	case CRC_REG_IRQ_STATUS: return c->s.irq_status;
	}
	return 0; /* IRQ_ACK is write-only */
}

/* The job's parameters must hold still while it runs. */
static uint32_t *crc_job_reg(struct crc *c, uint64_t off)
{
	switch (off) {
	case CRC_REG_SRC_LO: return &c->s.src_lo;
	case CRC_REG_SRC_HI: return &c->s.src_hi;
	case CRC_REG_LEN: return &c->s.len;
	case CRC_REG_SEED: return &c->s.seed;
	}
	return NULL;
}

static void crc_mmio_write(void *opaque, uint64_t off, uint64_t val,
			   unsigned size, const struct glass_attrs *who)
{
	struct crc *c = opaque;
	uint32_t *job = crc_job_reg(c, off);

	if (job) {
		if (c->s.status & STATUS_BUSY)
			glass_guest_error(c->dev, "job register at +0x%llx "
					  "written while busy: ignored",
					  (unsigned long long)off);
		else
			*job = (uint32_t)val;
		return;
	}
	switch (off) {
	case CRC_REG_CTRL:
		c->s.ctrl = val & CTRL_IRQ_EN;
		if (val & CTRL_START)
			crc_start(c);
		break;
	case CRC_REG_IRQ_ACK:
		c->s.irq_status &= ~(uint32_t)val;
		crc_update_irq(c);
		break;
	default:
		glass_guest_error(c->dev, "write to read-only register at "
				  "+0x%llx", (unsigned long long)off);
	}
}

/* The register table: the bus lets only these accesses through, and the
 * trace, --stats and the monitor print these names. */
static const struct glass_reg crc_mmio_regs[] = {
	{ CRC_REG_ID, 4, "ID", 0 },
	{ CRC_REG_CTRL, 4, "CTRL", 0 },
	{ CRC_REG_STATUS, 4, "STATUS", 0 },
	{ CRC_REG_ERROR, 4, "ERROR", 0 },
	{ CRC_REG_SRC_LO, 4, "SRC_LO", 0 },
	{ CRC_REG_SRC_HI, 4, "SRC_HI", 0 },
	{ CRC_REG_LEN, 4, "LEN", 0 },
	{ CRC_REG_SEED, 4, "SEED", 0 },
	{ CRC_REG_RESULT, 4, "RESULT", 0 },
	{ CRC_REG_IRQ_STATUS, 4, "IRQ_STATUS", 0 },
	{ CRC_REG_IRQ_ACK, 4, "IRQ_ACK", 0 },
	{ 0, 0, NULL, 0 },
};

/* The guest may make 4-byte aligned accesses only: anything else is a
 * bus error (an access fault in the hart). Between the registers, and
 * above them, reads return all ones and writes are dropped (with a
 * guest-error event). */
static const struct glass_region_ops crc_mmio_ops = {
	.read = crc_mmio_read,
	.write = crc_mmio_write,
	.valid = GLASS_W4,
	.regs = crc_mmio_regs,
};

static uint64_t crc_io_read(void *opaque, uint64_t off, unsigned size,
			    const struct glass_attrs *who)
{
	struct crc *c = opaque;

	switch (off) {
	case CRC_IO_ID: return CRC_ID;
	case CRC_IO_SCRATCH: return c->s.scratch;
	case CRC_IO_JOBS: return c->s.jobs;
	case CRC_IO_ERRORS: return c->s.errors;
	}
	return 0;
}

static void crc_io_write(void *opaque, uint64_t off, uint64_t val,
			 unsigned size, const struct glass_attrs *who)
{
	struct crc *c = opaque;

	if (off == CRC_IO_SCRATCH)
		c->s.scratch = (uint32_t)val;
	else
		glass_guest_error(c->dev, "write to read-only I/O register "
				  "at +0x%llx", (unsigned long long)off);
}

static const struct glass_reg crc_io_regs[] = {
	{ CRC_IO_ID, 4, "IO_ID", 0 },
	{ CRC_IO_SCRATCH, 4, "IO_SCRATCH", 0 },
	{ CRC_IO_JOBS, 4, "IO_JOBS", 0 },
	{ CRC_IO_ERRORS, 4, "IO_ERRORS", 0 },
	{ 0, 0, NULL, 0 },
};

/* Port I/O the way old hardware takes it: inb, inw and inl all work.
 * `valid` is what the guest may do (1, 2 or 4 bytes, aligned); `impl` is
 * what this model implements (4 bytes): glass widens a narrower read and
 * turns a narrower write into read-modify-write of the register. */
static const struct glass_region_ops crc_io_ops = {
	.read = crc_io_read,
	.write = crc_io_write,
	.valid = GLASS_W1 | GLASS_W2 | GLASS_W4,
	.impl = GLASS_W4,
	.regs = crc_io_regs,
};

/* ---- 7. Realize, reset, info --------------------------------------- */

/* Once, when the machine is built: read the properties, declare the BARs,
 * make the timer. Nothing here is guest-visible state: reset sets that. */
static int crc_realize(void *self, struct glass_device *dev)
{
	struct crc *c = self;

	c->dev = dev;
	if (glass_prop_uint(dev, "delay_ns", &c->delay_ns) < 0 ||
	    glass_prop_uint(dev, "ns_per_byte", &c->ns_per_byte) < 0 ||
	    glass_prop_uint(dev, "max_len", &c->max_len) < 0 ||
	    glass_prop_bool(dev, "log", &c->log) < 0)
		return -1;
	if (c->max_len == 0 || c->max_len > 0xffffffffu) {
		glass_error(dev, "max_len=%llu: must be 1..0xffffffff",
			    (unsigned long long)c->max_len);
		return -1;
	}
	if (c->ns_per_byte > 1000000 || c->delay_ns > 1000000000) {
		glass_error(dev, "a job would take more than a second per byte "
			    "(delay_ns at most 1e9, ns_per_byte at most 1e6)");
		return -1;
	}
	crc_make_table(c->table);
	c->done = glass_timer_new(dev, crc_job_done, c);
	if (!c->done)
		return -1;
	if (glass_pci_bar(dev, 0, CRC_BAR0_SIZE, 0 /* 32-bit memory */,
			  "bar0", &crc_mmio_ops, c) < 0)
		return -1;
	return glass_pci_bar(dev, 1, CRC_BAR1_SIZE, GLASS_BAR_IO, "bar1-io",
			     &crc_io_ops, c);
}

/* Power-on state. glass has already cancelled the timer, lowered the
 * interrupt line and reset the PCI configuration header. */
static void crc_reset(void *self)
{
	struct crc *c = self;

	memset(&c->s, 0, sizeof(c->s));
}

/* A line for the monitor's `info qtree`. */
static void crc_info(void *self, char *buf, size_t len)
{
	struct crc *c = self;

	snprintf(buf, len, "%s, jobs %u (failed %u), last result 0x%08x, "
		 "irq_status 0x%x", c->s.status & STATUS_BUSY ? "busy" : "idle",
		 c->s.jobs, c->s.errors, c->s.result, c->s.irq_status);
}

/* ---- 8. The class, and the symbol glass looks for ------------------ */

static const struct glass_prop crc_props[] = {
	{ "delay_ns", GLASS_PROP_UINT, "2000",
	  "time a job takes before the first byte, in virtual ns" },
	{ "ns_per_byte", GLASS_PROP_UINT, "4",
	  "time a job takes per byte, in virtual ns" },
	{ "max_len", GLASS_PROP_UINT, "0x100000",
	  "longest job in bytes; a longer LEN fails with ERROR 1" },
	{ "log", GLASS_PROP_BOOL, "off",
	  "log every finished job on stderr" },
	{ NULL, 0, NULL, NULL },
};

static const struct glass_device_class crc_class = {
	.name = "crc32",
	.desc = "CRC-32 offload engine (examples/device, a plugin)",
	.bus = GLASS_BUS_PCI,
	.props = crc_props,
	.instance_size = sizeof(struct crc),
	.state_size = sizeof(struct crc_state),
	.state_version = 1,
	.pci = { .vendor = CRC_VENDOR, .device = CRC_DEVICE,
		 .class_code = CRC_CLASS, .revision = 1, .pin = 1 /* INTA */ },
	.realize = crc_realize,
	.reset = crc_reset,
	.info = crc_info,
};

const struct glass_plugin glass_plugin = {
	.abi_version = GLASS_DEVICE_ABI_VERSION,
	.cls = &crc_class,
};
