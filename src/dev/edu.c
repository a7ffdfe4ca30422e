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
#include <string.h>

#include "dev/edu.h"

#define DMA_REGS_START EDU_REG_DMA_SRC
#define ALL_ONES (~0ull)

/* Count a guest programming error and show it in the trace (guest-error
 * category) where QEMU would log it. */
static void edu_guest_error(struct edu *e, uint64_t bus, uint64_t len,
			    bool to_ram, const char *what)
{
	e->guest_errors++;
	pci_guest_error(&e->pci, bus, len, to_ram, what);
}

static void edu_update_irq(struct edu *e)
{
	pci_set_irq(&e->pci, e->irq_status != 0);
}

static void edu_raise_irq(struct edu *e, uint32_t bits)
{
	e->irq_status |= bits;
	edu_update_irq(e);
}

static void edu_ack_irq(struct edu *e, uint32_t bits)
{
	e->irq_status &= ~bits;
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
	if (e->status & EDU_STATUS_COMPUTING)
		return;
	e->fact = n;
	e->status |= EDU_STATUS_COMPUTING;
	e->fact = factorial32(e->fact);
	e->status &= ~EDU_STATUS_COMPUTING;
	if (e->status & EDU_STATUS_IRQFACT)
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
		edu_guest_error(e, addr, len, to_ram,
				"edu: DMA address clamped by dma_mask");
	return res;
}

static void edu_run_dma(struct edu *e)
{
	bool to_ram = e->dma_cmd & EDU_DMA_CMD_TO_RAM;
	uint64_t buf_addr = to_ram ? e->dma_src : e->dma_dst;
	uint64_t bus_addr = to_ram ? e->dma_dst : e->dma_src;
	uint64_t cnt = e->dma_cnt;

	if (!edu_buf_range_ok(buf_addr, cnt)) {
		edu_guest_error(e, bus_addr, cnt, to_ram,
				"edu: DMA range outside the 4 KiB buffer");
	} else if (cnt) {
		uint8_t *p = e->dma_buf + (buf_addr - EDU_DMA_BUF_ADDR);
		uint64_t bus = edu_clamp_bus_addr(e, bus_addr, cnt, to_ram);
		int rc = to_ram ? pci_dma_write(&e->pci, bus, p, cnt)
				: pci_dma_read(&e->pci, bus, p, cnt);
		/* the bridge has traced why */
		if (rc)
			e->guest_errors++;
	}
	e->dma_cmd &= ~(uint64_t)EDU_DMA_CMD_START;
	if (e->dma_cmd & EDU_DMA_CMD_IRQ)
		edu_raise_irq(e, EDU_IRQ_DMA);
}

static uint64_t *edu_dma_reg(struct edu *e, uint64_t off)
{
	switch (off & ~7ull) {
	case EDU_REG_DMA_SRC:
		return &e->dma_src;
	case EDU_REG_DMA_DST:
		return &e->dma_dst;
	case EDU_REG_DMA_COUNT:
		return &e->dma_cnt;
	case EDU_REG_DMA_CMD:
		return &e->dma_cmd;
	}
	return NULL;
}

/* The bus only passes on accesses edu_regs takes: 4 bytes below 0x80, 4
 * (either half) or 8 bytes at the DMA registers. */
static uint64_t edu_read(void *dev, uint64_t off, unsigned size)
{
	struct edu *e = dev;
	uint64_t val = ALL_ONES; /* write-only registers read all ones */

	if (off < DMA_REGS_START) {
		switch (off) {
		case EDU_REG_IDENT:
			val = EDU_IDENT;
			break;
		case EDU_REG_LIVENESS:
			val = (uint32_t)~e->liveness;
			break;
		case EDU_REG_FACT:
			val = e->fact;
			break;
		case EDU_REG_STATUS:
			val = e->status;
			break;
		case EDU_REG_IRQ_STATUS:
			val = e->irq_status;
			break;
		}
	} else {
		val = *edu_dma_reg(e, off) >> (size == 4 && (off & 4) ? 32 : 0);
	}
	return size == 8 ? val : (uint32_t)val;
}

static void edu_write(void *dev, uint64_t off, uint64_t val, unsigned size)
{
	struct edu *e = dev;

	if (off < DMA_REGS_START) {
		switch (off) {
		case EDU_REG_LIVENESS:
			e->liveness = (uint32_t)val;
			break;
		case EDU_REG_FACT:
			edu_start_factorial(e, (uint32_t)val);
			break;
		case EDU_REG_STATUS:
			/* only the irq-on-completion bit is writable */
			if (val & EDU_STATUS_IRQFACT)
				e->status |= EDU_STATUS_IRQFACT;
			else
				e->status &= ~EDU_STATUS_IRQFACT;
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
	if (reg == &e->dma_cmd) {
		/* Only a write that starts a transfer updates the command. */
		if (!(nv & EDU_DMA_CMD_START))
			return;
		e->dma_cmd = nv;
		edu_run_dma(e);
		return;
	}
	*reg = nv;
}

/* The registers below 0x80 are 32-bit; the DMA registers take 8 bytes or
 * either 32-bit half. */
static const struct reg_desc edu_regs[] = {
	{ EDU_REG_IDENT, 4, "ident", MMIO_W4 },
	{ EDU_REG_LIVENESS, 4, "liveness", MMIO_W4 },
	{ EDU_REG_FACT, 4, "factorial", MMIO_W4 },
	{ EDU_REG_STATUS, 4, "status", MMIO_W4 },
	{ EDU_REG_IRQ_STATUS, 4, "irq_status", MMIO_W4 },
	{ EDU_REG_IRQ_RAISE, 4, "irq_raise", MMIO_W4 },
	{ EDU_REG_IRQ_ACK, 4, "irq_ack", MMIO_W4 },
	{ EDU_REG_DMA_SRC, 8, "dma_src", MMIO_W4 | MMIO_W8 },
	{ EDU_REG_DMA_DST, 8, "dma_dst", MMIO_W4 | MMIO_W8 },
	{ EDU_REG_DMA_COUNT, 8, "dma_count", MMIO_W4 | MMIO_W8 },
	{ EDU_REG_DMA_CMD, 8, "dma_cmd", MMIO_W4 | MMIO_W8 },
	{ 0, 0, NULL, 0 },
};

/* As QEMU's edu: its bus interface takes 4 and 8 bytes, aligned (1- and
 * 2-byte or misaligned accesses fault); an 8-byte access to a 32-bit
 * register, or any where no register is, reads all ones and a write is
 * dropped. */
const struct mmio_ops edu_mmio_ops = {
	.read = edu_read,
	.write = edu_write,
	.widths = MMIO_W4,
	.misfit = MISFIT_ONES,
	.valid = MMIO_W4 | MMIO_W8,
	.regs = edu_regs,
};

/* Registers at power-on. QEMU's liveness register powers up reading 0, so
 * the "last write" it inverts starts as all ones. */
static void edu_reset_regs(struct edu *e)
{
	e->liveness = 0xffffffff;
	e->fact = 0;
	e->status = 0;
	e->irq_status = 0;
	e->dma_src = e->dma_dst = e->dma_cnt = e->dma_cmd = 0;
	memset(e->dma_buf, 0, sizeof(e->dma_buf));
}

static void edu_pci_reset(struct pci_func *f)
{
	struct edu *e = f->dev;

	edu_reset_regs(e);
	edu_update_irq(e);
}

static const struct pci_device_ops edu_pci_ops = {
	.name = "edu",
	.reset = edu_pci_reset,
};

void edu_init(struct edu *e, uint64_t dma_mask)
{
	memset(e, 0, sizeof(*e));
	e->dma_mask = dma_mask;
	edu_reset_regs(e);
	pci_func_init(&e->pci, &edu_pci_ops, e, EDU_VENDOR_ID, EDU_DEVICE_ID,
		      EDU_REVISION, EDU_CLASS, 1 /* INTA */);
	pci_func_add_bar(&e->pci, 0, EDU_BAR0_SIZE, 0 /* 32-bit memory */,
			 "bar0", &edu_mmio_ops, e);
}
