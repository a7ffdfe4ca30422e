/* NS16550A UART model. The transmitter is infinitely fast: a byte written to
 * THR reaches the console at once, so THR and the transmit FIFO are always
 * empty and LSR always shows THRE | TEMT. The receiver has a real 16-byte
 * FIFO that the console fills through uart16550_receive(). */
#include <string.h>

#include "dev/uart16550.h"

/* Register offsets (reg-shift 0). */
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
	return u->lcr & LCR_DLAB;
}

static bool fifo_enabled(const struct uart16550 *u)
{
	return u->fcr & FCR_ENABLE;
}

/* With FIFOs off the chip behaves as a 16450: a single holding register. */
static unsigned rx_capacity(const struct uart16550 *u)
{
	return fifo_enabled(u) ? UART_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const struct uart16550 *u)
{
	static const unsigned levels[4] = { 1, 4, 8, 14 };

	return levels[u->fcr >> 6];
}

/* Received data interrupt: "data available" once the trigger level is
 * reached, otherwise "character timeout". A byte arrives in zero time here,
 * so the four character times of silence the timeout needs have always
 * passed by the time the guest can look. */
static uint8_t rx_cause(const struct uart16550 *u)
{
	if (fifo_enabled(u) && u->rx_count < rx_trigger(u))
		return IIR_CTI;
	return IIR_RDI;
}

/* Highest-priority enabled interrupt, in datasheet order. */
static uint8_t pending_cause(const struct uart16550 *u)
{
	if ((u->ier & IER_ELSI) && (u->lsr & LSR_ERRORS))
		return IIR_RLSI;
	if ((u->ier & IER_ERBFI) && u->rx_count)
		return rx_cause(u);
	if ((u->ier & IER_ETBEI) && u->thre_pending)
		return IIR_THRI;
	if ((u->ier & IER_EDSSI) && (u->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NONE;
}

/* Recompute IIR and drive the irq line; call after any state change. The
 * line is only touched when its level changes: the guest polls LSR a lot. */
static void uart_update(struct uart16550 *u)
{
	bool was = u->iir_pending != IIR_NONE;

	u->iir_pending = pending_cause(u);
	if ((u->iir_pending != IIR_NONE) != was)
		irq_set(&u->irq, !was);
}

static void rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* A character arriving when there is no room is lost: overrun. */
static void rx_push(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count >= rx_capacity(u)) {
		u->lsr |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	return byte;
}

/* Modem input lines: a console is always ready (DCD, DSR, CTS asserted);
 * in loopback the outputs are wired back to the inputs. */
static uint8_t modem_inputs(const struct uart16550 *u)
{
	uint8_t in = 0;

	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	if (u->mcr & MCR_RTS)
		in |= MSR_CTS;
	if (u->mcr & MCR_DTR)
		in |= MSR_DSR;
	if (u->mcr & MCR_OUT1)
		in |= MSR_RI;
	if (u->mcr & MCR_OUT2)
		in |= MSR_DCD;
	return in;
}

/* Sample the modem inputs and accumulate the MSR delta bits. */
static void modem_sample(struct uart16550 *u)
{
	uint8_t old = u->msr & MSR_INPUTS;
	uint8_t now = modem_inputs(u);
	uint8_t changed = old ^ now;
	uint8_t delta = u->msr & MSR_DELTAS;

	if (changed & MSR_CTS)
		delta |= MSR_DCTS;
	if (changed & MSR_DSR)
		delta |= MSR_DDSR;
	if (changed & MSR_DCD)
		delta |= MSR_DDCD;
	if ((old & MSR_RI) && !(now & MSR_RI))
		delta |= MSR_TERI; /* trailing edge only */
	u->msr = now | delta;
}

static void write_thr(struct uart16550 *u, uint8_t byte)
{
	/* Writing THR acknowledges a THRE interrupt... */
	u->thre_pending = false;
	if (u->mcr & MCR_LOOP)
		rx_push(u, byte);
	else if (u->tx)
		u->tx(u->tx_opaque, byte);
	/* ...but the byte leaves at once, and THR becoming empty again is a new
	 * THRE event. Linux's tx path relies on it to send the next chunk. */
	u->thre_pending = true;
}

static void write_ier(struct uart16550 *u, uint8_t val)
{
	uint8_t old = u->ier;

	u->ier = val & IER_MASK;
	/* Enabling ETBEI while THR is empty raises THRE even if an IIR read
	 * had acknowledged it; Linux's startup "THRE test" expects this. */
	if ((u->ier & IER_ETBEI) && !(old & IER_ETBEI))
		u->thre_pending = true;
}

static void write_fcr(struct uart16550 *u, uint8_t val)
{
	/* Switching between 16450 and FIFO mode resets the FIFOs. */
	if ((val ^ u->fcr) & FCR_ENABLE)
		rx_clear(u);
	if (val & FCR_CLEAR_RX)
		rx_clear(u);
	/* FCR_CLEAR_TX: the transmit FIFO is always empty already. */
	/* The other bits only take when FIFO enable is written as 1. */
	u->fcr = (val & FCR_ENABLE) ? (val & FCR_STORED) : 0;
}

static uint8_t read_iir(struct uart16550 *u)
{
	uint8_t cause = u->iir_pending;

	/* Reading IIR acknowledges THRE, but only if THRE is what it shows. */
	if (cause == IIR_THRI)
		u->thre_pending = false;
	return cause | (fifo_enabled(u) ? IIR_FIFO : 0);
}

static uint8_t read_lsr(struct uart16550 *u)
{
	uint8_t lsr = u->lsr | LSR_THRE | LSR_TEMT;

	if (u->rx_count)
		lsr |= LSR_DR;
	u->lsr &= ~LSR_ERRORS; /* error bits clear on read */
	return lsr;
}

static uint8_t read_msr(struct uart16550 *u)
{
	uint8_t msr = u->msr;

	u->msr &= ~MSR_DELTAS;
	return msr;
}

static uint8_t uart_read_reg(struct uart16550 *u, unsigned reg)
{
	switch (reg) {
	case UART_RBR:
		return dlab(u) ? u->dll : rx_pop(u);
	case UART_IER:
		return dlab(u) ? u->dlm : u->ier;
	case UART_IIR:
		return read_iir(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return read_lsr(u);
	case UART_MSR:
		return read_msr(u);
	case UART_SCR:
		return u->scr;
	}
	return 0;
}

static void uart_write_reg(struct uart16550 *u, unsigned reg, uint8_t val)
{
	switch (reg) {
	case UART_THR:
		if (dlab(u))
			u->dll = val;
		else
			write_thr(u, val);
		break;
	case UART_IER:
		if (dlab(u))
			u->dlm = val;
		else
			write_ier(u, val);
		break;
	case UART_FCR:
		write_fcr(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & MCR_MASK;
		modem_sample(u);
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

static uint64_t uart_read(void *dev, uint64_t offset, unsigned size)
{
	struct uart16550 *u = dev;
	uint8_t val = uart_read_reg(u, offset & 7);

	uart_update(u);
	return val;
}

static void uart_write(void *dev, uint64_t offset, uint64_t val,
		       unsigned size)
{
	struct uart16550 *u = dev;

	uart_write_reg(u, offset & 7, (uint8_t)val);
	uart_update(u);
}

static const struct reg_desc uart16550_regs[] = {
	{ UART_RBR, 1, "RBR/THR/DLL", MMIO_W1 },
	{ UART_IER, 1, "IER/DLM", MMIO_W1 },
	{ UART_IIR, 1, "IIR/FCR", MMIO_W1 },
	{ UART_LCR, 1, "LCR", MMIO_W1 },
	{ UART_MCR, 1, "MCR", MMIO_W1 },
	{ UART_LSR, 1, "LSR", MMIO_W1 },
	{ UART_MSR, 1, "MSR", MMIO_W1 },
	{ UART_SCR, 1, "SCR", MMIO_W1 },
	{ 0, 0, NULL, 0 },
};

const struct mmio_ops uart16550_ops = {
	.read = uart_read,
	.write = uart_write,
	.widths = MMIO_W1, /* wider accesses become bytes, one per register */
	.misfit = MISFIT_ADAPT,
	.regs = uart16550_regs,
};

/* Wire up the UART and put it in its reset state. */
void uart16550_init(struct uart16550 *u, struct irq_line irq,
		    void (*tx)(void *opaque, uint8_t byte), void *tx_opaque)
{
	memset(u, 0, sizeof(*u));
	u->irq = irq;
	u->tx = tx;
	u->tx_opaque = tx_opaque;
	uart16550_reset(u);
}

/* Datasheet reset values; the divisor latch is left as the reset found it
 * (the datasheet leaves it undefined). The irq line is lowered. */
void uart16550_reset(struct uart16550 *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->lsr = 0;
	u->fcr = 0;
	u->scr = 0;
	u->msr = modem_inputs(u);
	u->thre_pending = false;
	rx_clear(u);
	u->iir_pending = IIR_NONE;
	irq_set(&u->irq, 0);
}

/* True if uart16550_receive() would store the byte rather than drop it. */
bool uart16550_can_receive(const struct uart16550 *u)
{
	if (u->mcr & MCR_LOOP)
		return false;
	return u->rx_count < rx_capacity(u);
}

/* Deliver one byte from the console to the receiver. */
void uart16550_receive(struct uart16550 *u, uint8_t byte)
{
	/* In loopback the serial input is disconnected from the pin. */
	if (u->mcr & MCR_LOOP)
		return;
	rx_push(u, byte);
	uart_update(u);
}
