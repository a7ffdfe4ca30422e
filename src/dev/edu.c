/* QEMU's edu teaching device, from the register description in QEMU's
 * docs/specs/edu.rst and its observable behaviour.
 *
 * Timing differs from QEMU on purpose. QEMU computes the factorial in a
 * separate thread and runs a DMA from a timer 100 ms after the doorbell, so
 * a driver must poll the status/command register or wait for the interrupt.
 * glass is deterministic and single-threaded: both complete inside the
 * doorbell write (the 0x08 write, or a 0x98 write with bit 0 set). The
 * "computing" status bit and the DMA start bit therefore read back 0
 * straight away, and the completion interrupt is already raised when the
 * write returns. A driver written for QEMU (poll, or wait for the irq)
 * works unchanged; one that forgets to wait is not caught here.
 *
 * Other differences, all where QEMU's behaviour is not something a guest
 * can rely on:
 * - A DMA whose edu-side range leaves the 4 KiB buffer is a guest error
 *   here: nothing is transferred. (QEMU has either aborted the whole
 *   emulator or only logged and copied anyway, depending on the version.)
 * - A DMA that the host bridge refuses (Bus Master Enable clear, or the bus
 *   range not RAM) is also a guest error that transfers nothing.
 * - Either way the command still completes: bit 0 clears and interrupt
 *   0x100 is raised if asked. A real device would finish its cycle with a
 *   master abort rather than hang, and a driver waiting for the interrupt
 *   should see an end rather than time out.
 * - The 32-bit halves of the 64-bit DMA registers are separately readable
 *   and writable (+0 low, +4 high), so 32-bit-only drivers can program a
 *   full address. QEMU replaces the whole register with a zero-extended
 *   value on a 4-byte write at +0 and ignores +4 (reads it as all ones).
 *   Drivers that write the low half only, or the low half and then a zero
 *   high half, see no difference.
 * - No MSI capability: glass's interrupt controller is a PLIC, so INTx is
 *   the only way an interrupt can reach the hart anyway.
 * - Reset returns every register to its power-on value; QEMU keeps them.
 */
#include <stdio.h>
#include <string.h>

#include "dev/edu.h"

#define DMA_REGS_START EDU_REG_DMA_SRC
#define ALL_ONES (~0ull)

static void edu_update_irq(struct edu *e)
{
	glass_irq_set(e->dev, 0, e->s.irq_status != 0);
}

static void edu_raise_irq(struct edu *e, uint32_t bits)
{
	e->s.irq_status |= bits;
	edu_update_irq(e);
}

static void edu_ack_irq(struct edu *e, uint32_t bits)
{
	e->s.irq_status &= ~bits;
	edu_update_irq(e);
}

/* n! in 32-bit wrapping arithmetic, as QEMU's loop computes it. From 34!
 * on the product has at least 32 factors of two, so it wraps to 0 exactly;
 * stopping there keeps a guest writing 0xffffffff from stalling the whole
 * machine for seconds inside one MMIO write. */
static uint32_t factorial32(uint32_t n)
{
	uint32_t r = 1;

	if (n >= 34)
		return 0;
	while (n > 1)
		r *= n--;
	return r;
}

static void edu_start_factorial(struct edu *e, uint32_t n)
{
	/* A write while computing is ignored; with synchronous completion it
	 * never is, but keep the rule where QEMU has it. */
	if (e->s.status & EDU_STATUS_COMPUTING)
		return;
	e->s.fact = n;
	e->s.status |= EDU_STATUS_COMPUTING;
	e->s.fact = factorial32(e->s.fact);
	e->s.status &= ~EDU_STATUS_COMPUTING;
	if (e->s.status & EDU_STATUS_IRQFACT)
		edu_raise_irq(e, EDU_IRQ_FACT);
}

/* [addr, addr + cnt) inside the buffer's window, without overflowing. */
static bool edu_buf_range_ok(uint64_t addr, uint64_t cnt)
{
	return addr >= EDU_DMA_BUF_ADDR && cnt <= EDU_DMA_BUF_SIZE &&
	       addr - EDU_DMA_BUF_ADDR <= EDU_DMA_BUF_SIZE - cnt;
}

/* The device only drives the address lines dma_mask allows (28 by default,
 * so drivers have to set their DMA mask properly). Dropping bits is worth a
 * guest error: the transfer lands somewhere the driver did not ask for. */
static uint64_t edu_clamp_bus_addr(struct edu *e, uint64_t addr,
				   uint64_t len, bool to_ram)
{
	uint64_t res = addr & e->dma_mask;

	if (res != addr)
		glass_guest_error(e->dev, "DMA address clamped by dma_mask: "
				  "bus 0x%llx -> 0x%llx, %llu bytes %s",
				  (unsigned long long)addr,
				  (unsigned long long)res,
				  (unsigned long long)len,
				  to_ram ? "to RAM" : "from RAM");
	return res;
}

static void edu_run_dma(struct edu *e)
{
	bool to_ram = e->s.dma_cmd & EDU_DMA_CMD_TO_RAM;
	uint64_t buf_addr = to_ram ? e->s.dma_src : e->s.dma_dst;
	uint64_t bus_addr = to_ram ? e->s.dma_dst : e->s.dma_src;
	uint64_t cnt = e->s.dma_cnt;

	if (!edu_buf_range_ok(buf_addr, cnt)) {
		glass_guest_error(e->dev, "DMA range outside the 4 KiB buffer: "
				  "0x%llx, %llu bytes",
				  (unsigned long long)buf_addr,
				  (unsigned long long)cnt);
	} else if (cnt) {
		uint8_t *p = e->s.dma_buf + (buf_addr - EDU_DMA_BUF_ADDR);
		uint64_t bus = edu_clamp_bus_addr(e, bus_addr, cnt, to_ram);
		/* a refused transfer is traced by glass */
		if (to_ram)
			glass_dma_write(e->dev, bus, p, cnt);
		else
			glass_dma_read(e->dev, bus, p, cnt);
	}
	e->s.dma_cmd &= ~(uint64_t)EDU_DMA_CMD_START;
	if (e->s.dma_cmd & EDU_DMA_CMD_IRQ)
		edu_raise_irq(e, EDU_IRQ_DMA);
}

static uint64_t *edu_dma_reg(struct edu *e, uint64_t off)
{
	switch (off & ~7ull) {
	case EDU_REG_DMA_SRC:
		return &e->s.dma_src;
	case EDU_REG_DMA_DST:
		return &e->s.dma_dst;
	case EDU_REG_DMA_COUNT:
		return &e->s.dma_cnt;
	case EDU_REG_DMA_CMD:
		return &e->s.dma_cmd;
	}
	return NULL;
}

/* The bus only passes on accesses edu_regs takes: 4 bytes below 0x80, 4
 * (either half) or 8 bytes at the DMA registers. */
static uint64_t edu_read(void *dev, uint64_t off, unsigned size,
			 const struct glass_attrs *who)
{
	struct edu *e = dev;
	uint64_t val = ALL_ONES; /* write-only registers read all ones */

	if (off < DMA_REGS_START) {
		switch (off) {
		case EDU_REG_IDENT:
			val = EDU_IDENT;
			break;
		case EDU_REG_LIVENESS:
			val = (uint32_t)~e->s.liveness;
			break;
		case EDU_REG_FACT:
			val = e->s.fact;
			break;
		case EDU_REG_STATUS:
			val = e->s.status;
			break;
		case EDU_REG_IRQ_STATUS:
			val = e->s.irq_status;
			break;
		}
	} else {
		val = *edu_dma_reg(e, off) >> (size == 4 && (off & 4) ? 32 : 0);
	}
	return size == 8 ? val : (uint32_t)val;
}

static void edu_write(void *dev, uint64_t off, uint64_t val, unsigned size,
		      const struct glass_attrs *who)
{
	struct edu *e = dev;

	if (off < DMA_REGS_START) {
		switch (off) {
		case EDU_REG_LIVENESS:
			e->s.liveness = (uint32_t)val;
			break;
		case EDU_REG_FACT:
			edu_start_factorial(e, (uint32_t)val);
			break;
		case EDU_REG_STATUS:
			/* only the irq-on-completion bit is writable */
			if (val & EDU_STATUS_IRQFACT)
				e->s.status |= EDU_STATUS_IRQFACT;
			else
				e->s.status &= ~EDU_STATUS_IRQFACT;
			break;
		case EDU_REG_IRQ_RAISE:
			edu_raise_irq(e, (uint32_t)val);
			break;
		case EDU_REG_IRQ_ACK:
			edu_ack_irq(e, (uint32_t)val);
			break;
		}
		return;
	}

	uint64_t *reg = edu_dma_reg(e, off);
	/* QEMU ignores DMA register writes while a transfer runs; here none
	 * is ever running when the guest gets to write. */
	uint64_t nv = val;
	if (size == 4) {
		unsigned shift = off & 4 ? 32 : 0;
		nv = (*reg & ~(0xffffffffull << shift)) |
		     (uint64_t)(uint32_t)val << shift;
	}
	if (reg == &e->s.dma_cmd) {
		/* Only a write that starts a transfer updates the command. */
		if (!(nv & EDU_DMA_CMD_START))
			return;
		e->s.dma_cmd = nv;
		edu_run_dma(e);
		return;
	}
	*reg = nv;
}

/* The registers below 0x80 are 32-bit; the DMA registers take 8 bytes or
 * either 32-bit half. */
static const struct glass_reg edu_regs[] = {
	{ EDU_REG_IDENT, 4, "ident", GLASS_W4 },
	{ EDU_REG_LIVENESS, 4, "liveness", GLASS_W4 },
	{ EDU_REG_FACT, 4, "factorial", GLASS_W4 },
	{ EDU_REG_STATUS, 4, "status", GLASS_W4 },
	{ EDU_REG_IRQ_STATUS, 4, "irq_status", GLASS_W4 },
	{ EDU_REG_IRQ_RAISE, 4, "irq_raise", GLASS_W4 },
	{ EDU_REG_IRQ_ACK, 4, "irq_ack", GLASS_W4 },
	{ EDU_REG_DMA_SRC, 8, "dma_src", GLASS_W4 | GLASS_W8 },
	{ EDU_REG_DMA_DST, 8, "dma_dst", GLASS_W4 | GLASS_W8 },
	{ EDU_REG_DMA_COUNT, 8, "dma_count", GLASS_W4 | GLASS_W8 },
	{ EDU_REG_DMA_CMD, 8, "dma_cmd", GLASS_W4 | GLASS_W8 },
	{ 0, 0, NULL, 0 },
};

/* As QEMU's edu: its bus interface takes 4 and 8 bytes, aligned (1- and
 * 2-byte or misaligned accesses fault); an 8-byte access to a 32-bit
 * register, or any where no register is, reads all ones and a write is
 * dropped. */
static const struct glass_region_ops edu_mmio_ops = {
	.read = edu_read,
	.write = edu_write,
	.valid = GLASS_W4 | GLASS_W8,
	.impl = GLASS_W4 | GLASS_W8,
	.regs = edu_regs,
};

/* Registers at power-on. QEMU's liveness register powers up reading 0, so
 * the "last write" it inverts starts as all ones. */
static void edu_reset(void *self)
{
	struct edu *e = self;

	memset(&e->s, 0, sizeof(e->s));
	e->s.liveness = 0xffffffff;
}

static int edu_realize(void *self, struct glass_device *dev)
{
	struct edu *e = self;

	e->dev = dev;
	glass_prop_uint(dev, "dma_mask", &e->dma_mask);
	return glass_pci_bar(dev, 0, EDU_BAR0_SIZE, 0 /* 32-bit memory */,
			     "bar0", &edu_mmio_ops, e);
}

static void edu_info(void *self, char *buf, size_t len)
{
	struct edu *e = self;

	snprintf(buf, len, "status 0x%x irq_status 0x%x factorial %u, "
		 "dma_mask 0x%llx", e->s.status, e->s.irq_status, e->s.fact,
		 (unsigned long long)e->dma_mask);
}

static const struct glass_prop edu_props[] = {
	{ "dma_mask", GLASS_PROP_UINT, "0xfffffff",
	  "the bus address bits the DMA engine drives (QEMU's default: 28)" },
	{ NULL, 0, NULL, NULL },
};

const struct glass_device_class edu_class = {
	.name = "edu",
	.desc = "QEMU's educational PCI device (1234:11e8)",
	.bus = GLASS_BUS_PCI,
	.props = edu_props,
	.instance_size = sizeof(struct edu),
	.state_size = sizeof(struct edu_state),
	.state_version = 1,
	.pci = { .vendor = EDU_VENDOR_ID, .device = EDU_DEVICE_ID,
		 .revision = EDU_REVISION, .class_code = EDU_CLASS,
		 .pin = 1 /* INTA */ },
	.realize = edu_realize,
	.reset = edu_reset,
	.info = edu_info,
};
