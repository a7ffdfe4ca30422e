/* NS16550A UART model. The transmitter is infinitely fast: a byte written to
 * THR reaches the console at once, so THR and the transmit FIFO are always
 * empty and LSR always shows THRE | TEMT. The receiver has a real 16-byte
 * FIFO that the console fills through uart16550_receive(). */
#include <stdio.h>
#include <string.h>

#include "dev/uart16550.h"
#include "device/chardev.h"

/* Register offsets (reg-shift 0). */
#define UART_FIFO_SIZE 16

struct uart16550_state {
	uint8_t ier, iir_pending, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
	uint8_t thre_pending;   /* THR-empty interrupt armed */
	uint8_t rx[UART_FIFO_SIZE];  /* receive FIFO */
	uint32_t rx_head, rx_count;
};

struct uart16550 {
	struct uart16550_state s;
	struct glass_device *dev;
	struct chardev *chr;
};

#define UART_RBR 0 /* read, DLAB = 0 */
#define UART_THR 0 /* write, DLAB = 0 */
#define UART_DLL 0 /* DLAB = 1 */
#define UART_IER 1 /* DLAB = 0 */
#define UART_DLM 1 /* DLAB = 1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK 0x0f  /* bits 7:4 do not exist on a 16550A */

#define IIR_NONE 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0c   /* character timeout */
#define IIR_FIFO 0xc0  /* both FIFO-enabled bits */

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_DMA 0x08
#define FCR_TRIGGER 0xc0
#define FCR_STORED (FCR_ENABLE | FCR_DMA | FCR_TRIGGER)

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_PE 0x04
#define LSR_FE 0x08
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_INPUTS 0xf0

static bool dlab(const struct uart16550 *u)
{
	return u->s.lcr & LCR_DLAB;
}

static bool fifo_enabled(const struct uart16550 *u)
{
	return u->s.fcr & FCR_ENABLE;
}

/* With FIFOs off the chip behaves as a 16450: a single holding register. */
static unsigned rx_capacity(const struct uart16550 *u)
{
	return fifo_enabled(u) ? UART_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const struct uart16550 *u)
{
	static const unsigned levels[4] = { 1, 4, 8, 14 };

	return levels[u->s.fcr >> 6];
}

/* Received data interrupt: "data available" once the trigger level is
 * reached, otherwise "character timeout". A byte arrives in zero time here,
 * so the four character times of silence the timeout needs have always
 * passed by the time the guest can look. */
static uint8_t rx_cause(const struct uart16550 *u)
{
	if (fifo_enabled(u) && u->s.rx_count < rx_trigger(u))
		return IIR_CTI;
	return IIR_RDI;
}

/* Highest-priority enabled interrupt, in datasheet order. */
static uint8_t pending_cause(const struct uart16550 *u)
{
	if ((u->s.ier & IER_ELSI) && (u->s.lsr & LSR_ERRORS))
		return IIR_RLSI;
	if ((u->s.ier & IER_ERBFI) && u->s.rx_count)
		return rx_cause(u);
	if ((u->s.ier & IER_ETBEI) && u->s.thre_pending)
		return IIR_THRI;
	if ((u->s.ier & IER_EDSSI) && (u->s.msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NONE;
}

/* Recompute IIR and drive the irq line; call after any state change. The
 * line is only touched when its level changes: the guest polls LSR a lot. */
static void uart_update(struct uart16550 *u)
{
	bool was = u->s.iir_pending != IIR_NONE;

	u->s.iir_pending = pending_cause(u);
	if ((u->s.iir_pending != IIR_NONE) != was)
		glass_irq_set(u->dev, 0, !was);
}

static void rx_clear(struct uart16550 *u)
{
	u->s.rx_head = 0;
	u->s.rx_count = 0;
}

/* A character arriving when there is no room is lost: overrun. */
static void rx_push(struct uart16550 *u, uint8_t byte)
{
	if (u->s.rx_count >= rx_capacity(u)) {
		u->s.lsr |= LSR_OE;
		return;
	}
	u->s.rx[(u->s.rx_head + u->s.rx_count) % UART_FIFO_SIZE] = byte;
	u->s.rx_count++;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	uint8_t byte;

	if (!u->s.rx_count)
		return 0;
	byte = u->s.rx[u->s.rx_head];
	u->s.rx_head = (u->s.rx_head + 1) % UART_FIFO_SIZE;
	u->s.rx_count--;
	return byte;
}

/* Modem input lines: a console is always ready (DCD, DSR, CTS asserted);
 * in loopback the outputs are wired back to the inputs. */
static uint8_t modem_inputs(const struct uart16550 *u)
{
	uint8_t in = 0;

	if (!(u->s.mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	if (u->s.mcr & MCR_RTS)
		in |= MSR_CTS;
	if (u->s.mcr & MCR_DTR)
		in |= MSR_DSR;
	if (u->s.mcr & MCR_OUT1)
		in |= MSR_RI;
	if (u->s.mcr & MCR_OUT2)
		in |= MSR_DCD;
	return in;
}

/* Sample the modem inputs and accumulate the MSR delta bits. */
static void modem_sample(struct uart16550 *u)
{
	uint8_t old = u->s.msr & MSR_INPUTS;
	uint8_t now = modem_inputs(u);
	uint8_t changed = old ^ now;
	uint8_t delta = u->s.msr & MSR_DELTAS;

	if (changed & MSR_CTS)
		delta |= MSR_DCTS;
	if (changed & MSR_DSR)
		delta |= MSR_DDSR;
	if (changed & MSR_DCD)
		delta |= MSR_DDCD;
	if ((old & MSR_RI) && !(now & MSR_RI))
		delta |= MSR_TERI; /* trailing edge only */
	u->s.msr = now | delta;
}

static void write_thr(struct uart16550 *u, uint8_t byte)
{
	/* Writing THR acknowledges a THRE interrupt... */
	u->s.thre_pending = false;
	if (u->s.mcr & MCR_LOOP)
		rx_push(u, byte);
	else
		chardev_write(u->chr, &byte, 1);
	/* ...but the byte leaves at once, and THR becoming empty again is a new
	 * THRE event. Linux's tx path relies on it to send the next chunk. */
	u->s.thre_pending = true;
}

static void write_ier(struct uart16550 *u, uint8_t val)
{
	uint8_t old = u->s.ier;

	u->s.ier = val & IER_MASK;
	/* Enabling ETBEI while THR is empty raises THRE even if an IIR read
	 * had acknowledged it; Linux's startup "THRE test" expects this. */
	if ((u->s.ier & IER_ETBEI) && !(old & IER_ETBEI))
		u->s.thre_pending = true;
}

static void write_fcr(struct uart16550 *u, uint8_t val)
{
	/* Switching between 16450 and FIFO mode resets the FIFOs. */
	if ((val ^ u->s.fcr) & FCR_ENABLE)
		rx_clear(u);
	if (val & FCR_CLEAR_RX)
		rx_clear(u);
	/* FCR_CLEAR_TX: the transmit FIFO is always empty already. */
	/* The other bits only take when FIFO enable is written as 1. */
	u->s.fcr = (val & FCR_ENABLE) ? (val & FCR_STORED) : 0;
}

static uint8_t read_iir(struct uart16550 *u)
{
	uint8_t cause = u->s.iir_pending;

	/* Reading IIR acknowledges THRE, but only if THRE is what it shows. */
	if (cause == IIR_THRI)
		u->s.thre_pending = false;
	return cause | (fifo_enabled(u) ? IIR_FIFO : 0);
}

static uint8_t read_lsr(struct uart16550 *u)
{
	uint8_t lsr = u->s.lsr | LSR_THRE | LSR_TEMT;

	if (u->s.rx_count)
		lsr |= LSR_DR;
	u->s.lsr &= ~LSR_ERRORS; /* error bits clear on read */
	return lsr;
}

static uint8_t read_msr(struct uart16550 *u)
{
	uint8_t msr = u->s.msr;

	u->s.msr &= ~MSR_DELTAS;
	return msr;
}

static uint8_t uart_read_reg(struct uart16550 *u, unsigned reg)
{
	switch (reg) {
	case UART_RBR:
		return dlab(u) ? u->s.dll : rx_pop(u);
	case UART_IER:
		return dlab(u) ? u->s.dlm : u->s.ier;
	case UART_IIR:
		return read_iir(u);
	case UART_LCR:
		return u->s.lcr;
	case UART_MCR:
		return u->s.mcr;
	case UART_LSR:
		return read_lsr(u);
	case UART_MSR:
		return read_msr(u);
	case UART_SCR:
		return u->s.scr;
	}
	return 0;
}

static void uart_write_reg(struct uart16550 *u, unsigned reg, uint8_t val)
{
	switch (reg) {
	case UART_THR:
		if (dlab(u))
			u->s.dll = val;
		else
			write_thr(u, val);
		break;
	case UART_IER:
		if (dlab(u))
			u->s.dlm = val;
		else
			write_ier(u, val);
		break;
	case UART_FCR:
		write_fcr(u, val);
		break;
	case UART_LCR:
		u->s.lcr = val;
		break;
	case UART_MCR:
		u->s.mcr = val & MCR_MASK;
		modem_sample(u);
		break;
	case UART_SCR:
		u->s.scr = val;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

/* Whether reading `reg` changes the state (so IIR and the line must be
 * recomputed): RBR pops the FIFO, IIR acknowledges THRE, LSR and MSR
 * clear their error and delta bits. The other reads (the divisor latch,
 * IER, LCR, MCR, SCR) change nothing, and every change is followed by
 * uart_update, so IIR is already what it would compute. */
static bool read_changes(const struct uart16550 *u, unsigned reg)
{
	switch (reg) {
	case UART_RBR:
		return !dlab(u);
	case UART_IIR:
	case UART_LSR:
	case UART_MSR:
		return true;
	}
	return false;
}

static uint64_t uart_read(void *dev, uint64_t offset, unsigned size,
			  const struct glass_attrs *who)
{
	struct uart16550 *u = dev;
	unsigned reg = offset & 7;
	bool changes = read_changes(u, reg);
	uint8_t val = uart_read_reg(u, reg);

	if (changes)
		uart_update(u);
	return val;
}

static void uart_write(void *dev, uint64_t offset, uint64_t val,
		       unsigned size, const struct glass_attrs *who)
{
	struct uart16550 *u = dev;

	uart_write_reg(u, offset & 7, (uint8_t)val);
	uart_update(u);
}

/* The eight byte registers repeat through the window (reg-shift 0 on a
 * 256-byte window, as on QEMU's virt board). */
static const char *const uart_reg_names[8] = {
	"RBR/THR/DLL", "IER/DLM", "IIR/FCR", "LCR", "MCR", "LSR", "MSR", "SCR",
};

static const struct glass_reg *uart_reg_at(uint64_t offset,
					   struct glass_reg *d, char *buf,
					   size_t len)
{
	*d = (struct glass_reg){ (uint32_t)offset, 1,
				 uart_reg_names[offset & 7], 0 };
	return d;
}

/* Byte registers: wider accesses become one byte access per register,
 * low address first. */
static const struct glass_region_ops uart16550_ops = {
	.read = uart_read,
	.write = uart_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED,
	.impl = GLASS_W1,
	.reg_at = uart_reg_at,
};

/* Datasheet reset values; the divisor latch is left as the reset found it
 * (the datasheet leaves it undefined). */
static void uart16550_reset(void *self)
{
	struct uart16550 *u = self;

	u->s.ier = 0;
	u->s.lcr = 0;
	u->s.mcr = 0;
	u->s.lsr = 0;
	u->s.fcr = 0;
	u->s.scr = 0;
	u->s.msr = modem_inputs(u);
	u->s.thre_pending = false;
	rx_clear(u);
	u->s.iir_pending = IIR_NONE;
}

/* True if a received byte would be stored rather than dropped. */
static bool uart16550_can_receive(void *fe)
{
	struct uart16550 *u = fe;

	if (u->s.mcr & MCR_LOOP)
		return false;
	return u->s.rx_count < rx_capacity(u);
}

/* Deliver one byte from the backend to the receiver. */
static void uart16550_receive(void *fe, uint8_t byte)
{
	struct uart16550 *u = fe;

	/* In loopback the serial input is disconnected from the pin. */
	if (u->s.mcr & MCR_LOOP)
		return;
	rx_push(u, byte);
	uart_update(u);
}

static int uart16550_realize(void *self, struct glass_device *dev)
{
	struct uart16550 *u = self;

	u->dev = dev;
	u->chr = device_chardev(dev, "serial0");
	if (!u->chr)
		return -1;
	chardev_attach(u->chr, uart16550_can_receive, uart16550_receive, u);
	return glass_platform_mmio(dev, 0, 0x100, &uart16550_ops, u);
}

static void uart16550_unrealize(void *self)
{
	struct uart16550 *u = self;

	if (u->chr)
		chardev_attach(u->chr, NULL, NULL, NULL);
}

static int uart16550_fdt(void *self, struct glass_fdt *fdt)
{
	if (glass_fdt_begin(fdt, "serial") < 0)
		return -1;
	glass_fdt_prop_string(fdt, "compatible", "ns16550a");
	glass_fdt_prop_u32(fdt, "clock-frequency", 3686400);
	return 0;
}

static void uart16550_info(void *self, char *buf, size_t len)
{
	struct uart16550 *u = self;

	snprintf(buf, len, "backend %s, IER 0x%02x LCR 0x%02x MCR 0x%02x, "
		 "%u byte(s) received and not read", u->chr ? u->chr->id : "-",
		 u->s.ier, u->s.lcr, u->s.mcr, u->s.rx_count);
}

static const struct glass_prop uart16550_props[] = {
	{ "chardev", GLASS_PROP_STRING, "serial0",
	  "the character backend it talks to" },
	{ NULL, 0, NULL, NULL },
};

/* A restored state must keep the FIFO's indices inside it. */
static int uart16550_post_load(void *self)
{
	struct uart16550 *u = self;

	if (u->s.rx_head >= UART_FIFO_SIZE || u->s.rx_count > rx_capacity(u)) {
		glass_error(u->dev, "saved receive FIFO out of range");
		return -1;
	}
	return 0;
}

const struct glass_device_class uart16550_class = {
	.name = "ns16550a",
	.desc = "NS16550A UART with 16-byte FIFOs",
	.bus = GLASS_BUS_PLATFORM,
	.props = uart16550_props,
	.instance_size = sizeof(struct uart16550),
	.state_size = sizeof(struct uart16550_state),
	.state_version = 1,
	.platform_size = 0x100,
	.platform_irqs = 1,
	.realize = uart16550_realize,
	.reset = uart16550_reset,
	.post_load = uart16550_post_load,
	.info = uart16550_info,
	.fdt_node = uart16550_fdt,
	.unrealize = uart16550_unrealize,
};
