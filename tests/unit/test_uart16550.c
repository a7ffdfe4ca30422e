/* NS16550A model, created by the device framework and driven through the
 * address space as a hart would. */
#include <string.h>

#include "dev/uart16550.h"
#include "devhost.h"
#include "harness.h"

struct uart_env {
	struct devhost h;
};

#define UART_BASE 0x10000000ull

static void env_init(struct uart_env *e)
{
	devhost_init(&e->h, false);
	CHECK(devhost_platform(&e->h, &uart16550_class, "", UART_BASE, 0x100,
			       1));
}

static uint8_t rd(struct uart_env *e, unsigned off)
{
	return (uint8_t)devhost_rd(&e->h, off, 1);
}

static void wr(struct uart_env *e, unsigned off, uint8_t val)
{
	devhost_wr(&e->h, off, val, 1);
}

/* The backend side: room for a byte, and delivering one. */
static bool can_receive(struct uart_env *e)
{
	return e->h.serial.can_receive(e->h.serial.fe);
}

static void receive(struct uart_env *e, uint8_t byte)
{
	e->h.serial.receive(e->h.serial.fe, byte);
}

/* Behind the bus: every register is a byte register, so wider accesses
 * become one byte access per register, low address first, and a byte
 * access goes straight through. */
TEST(uart_bus_splits_wide_accesses)
{
	static struct uart_env e;
	uint64_t v = 0;

	env_init(&e);
	/* MCR, LSR (read-only), MSR (read-only), SCR */
	devhost_wr(&e.h, 4, 0x5a000003, 4);
	CHECK_EQ(rd(&e, 7), 0x5a);
	CHECK_EQ(rd(&e, 4), 0x03);
	v = devhost_rd(&e.h, 4, 4);
	CHECK_EQ(v, 0x5a000000u | (uint32_t)rd(&e, 6) << 16 |
		    (uint32_t)rd(&e, 5) << 8 | 0x03);
	/* LCR and MCR as a misaligned halfword */
	devhost_wr(&e.h, 3, 0x0103, 2);
	CHECK_EQ(rd(&e, 3), 0x03);
	CHECK_EQ(rd(&e, 4), 0x01);
	/* a byte store to THR goes straight through */
	devhost_wr(&e.h, 0, 'a', 1);
	CHECK_EQ(e.h.nsent, 1);
	v = devhost_rd(&e.h, 5, 1);
	CHECK_EQ(v & 0x60, 0x60);
	/* the eight registers repeat through the window */
	CHECK_EQ(devhost_rd(&e.h, 0x80 + 5, 1) & 0x60, 0x60);
	CHECK_EQ(devhost_events(&e.h, EVK_BAD_ACCESS), 0);
}

TEST(uart_reset_values)
{
	static struct uart_env e;

	env_init(&e);
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, 1), 0x00);   /* IER */
	CHECK_EQ(rd(&e, 2), 0x01);   /* IIR: no interrupt, FIFOs off */
	CHECK_EQ(rd(&e, 3), 0x00);   /* LCR */
	CHECK_EQ(rd(&e, 4), 0x00);   /* MCR */
	CHECK_EQ(rd(&e, 5), 0x60);   /* LSR: THRE | TEMT */
	CHECK_EQ(rd(&e, 6), 0xb0);   /* MSR: DCD | DSR | CTS, no deltas */
	CHECK_EQ(rd(&e, 7), 0x00);   /* SCR */
	CHECK_EQ(rd(&e, 0), 0x00);   /* RBR with nothing received */
	CHECK(can_receive(&e));
}

/* Register names come from the device's table, which the trace and the
 * statistics use: one byte register each, repeating every 8 bytes. */
TEST(uart_register_names)
{
	static struct uart_env e;
	static const char *const names[8] = {
		"RBR/THR/DLL", "IER/DLM", "IIR/FCR", "LCR", "MCR", "LSR",
		"MSR", "SCR",
	};

	env_init(&e);
	const struct region *r = as_lookup(&e.h.as, UART_BASE)->r;
	for (unsigned i = 0; i < 16; i++) {
		char buf[32];
		const char *n = mmio_reg_name(r->ops, i, buf, sizeof(buf));
		CHECK(n && !strcmp(n, names[i % 8]));
	}
}

TEST(uart_scratch_lcr_mcr_rw)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 7, 0xa5);
	CHECK_EQ(rd(&e, 7), 0xa5);
	wr(&e, 7, 0x5a);
	CHECK_EQ(rd(&e, 7), 0x5a);
	wr(&e, 3, 0x1b);
	CHECK_EQ(rd(&e, 3), 0x1b);
	wr(&e, 4, 0xff);             /* only 5 MCR bits exist */
	CHECK_EQ(rd(&e, 4), 0x1f);
	wr(&e, 4, 0x0b);
	CHECK_EQ(rd(&e, 4), 0x0b);
}

TEST(uart_lsr_msr_read_only)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 5, 0x1f);
	CHECK_EQ(rd(&e, 5), 0x60);
	wr(&e, 6, 0x0f);
	CHECK_EQ(rd(&e, 6), 0xb0);
}

TEST(uart_ier_upper_bits_absent)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0xff);
	CHECK_EQ(rd(&e, 1), 0x0f);
	wr(&e, 1, 0x40);             /* XScale UUE bit must not stick */
	CHECK_EQ(rd(&e, 1), 0x00);
}

TEST(uart_divisor_latch)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x05);             /* IER before DLAB */
	wr(&e, 3, 0x83);             /* DLAB | 8N1 */
	wr(&e, 0, 0x34);
	wr(&e, 1, 0x12);
	CHECK_EQ(rd(&e, 0), 0x34);
	CHECK_EQ(rd(&e, 1), 0x12);
	CHECK_EQ(e.h.nsent, 0);        /* DLL write is not a transmit */
	wr(&e, 3, 0x03);
	CHECK_EQ(rd(&e, 1), 0x05);   /* IER untouched by DLM writes */
	CHECK_EQ(rd(&e, 3), 0x03);
	wr(&e, 3, 0x83);
	CHECK_EQ(rd(&e, 0), 0x34);   /* latch survives DLAB toggling */
	CHECK_EQ(rd(&e, 1), 0x12);
}

TEST(uart_transmit_goes_to_tx)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 0, 'h');
	wr(&e, 0, 'i');
	CHECK_EQ(e.h.nsent, 2);
	CHECK_EQ(e.h.sent[0], 'h');
	CHECK_EQ(e.h.sent[1], 'i');
	CHECK_EQ(rd(&e, 5) & 0x60, 0x60); /* still empty: infinitely fast */
}

TEST(uart_fcr_and_iir_fifo_bits)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	CHECK_EQ(rd(&e, 2), 0xc1);
	wr(&e, 2, 0x21);             /* 16750 64-byte bit: not a 16550A bit */
	CHECK_EQ(rd(&e, 2), 0xc1);
	wr(&e, 2, 0x00);
	CHECK_EQ(rd(&e, 2), 0x01);
	wr(&e, 2, 0xc0);             /* trigger bits need FIFO enable */
	CHECK_EQ(rd(&e, 2), 0x01);
}

TEST(uart_rx_fifo_order_full_and_empty)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	for (int i = 0; i < 16; i++) {
		CHECK(can_receive(&e));
		receive(&e, (uint8_t)(0x40 + i));
	}
	CHECK(!can_receive(&e));
	CHECK_EQ(rd(&e, 5), 0x61);   /* DR, no overrun yet */
	receive(&e, 0xee);
	CHECK_EQ(rd(&e, 5), 0x63);   /* DR | OE */
	CHECK_EQ(rd(&e, 5), 0x61);   /* OE clears on read */
	for (int i = 0; i < 16; i++)
		CHECK_EQ(rd(&e, 0), 0x40 + i);
	CHECK_EQ(rd(&e, 5), 0x60);
	CHECK(can_receive(&e));
	/* wraps around the ring */
	receive(&e, 1);
	receive(&e, 2);
	CHECK_EQ(rd(&e, 0), 1);
	CHECK_EQ(rd(&e, 0), 2);
}

TEST(uart_rx_without_fifo_holds_one_byte)
{
	static struct uart_env e;

	env_init(&e);
	receive(&e, 'a');
	CHECK(!can_receive(&e));
	receive(&e, 'b');
	CHECK_EQ(rd(&e, 5), 0x63);
	CHECK_EQ(rd(&e, 0), 'a');
	CHECK_EQ(rd(&e, 5), 0x60);
}

TEST(uart_fcr_clears_rx)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	receive(&e, 'x');
	receive(&e, 'y');
	wr(&e, 2, 0x03);             /* clear RX, FIFO stays on */
	CHECK_EQ(rd(&e, 5), 0x60);
	CHECK_EQ(rd(&e, 2), 0xc1);
	receive(&e, 'z');
	wr(&e, 2, 0x00);             /* leaving FIFO mode resets it too */
	CHECK_EQ(rd(&e, 5), 0x60);
}

TEST(uart_rx_interrupt_and_timeout)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x41);             /* FIFO on, trigger level 4 */
	receive(&e, 'a');
	CHECK_EQ(e.h.line[0], 0);    /* ERBFI off */
	CHECK_EQ(rd(&e, 2), 0xc1);
	wr(&e, 1, 0x01);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, 2), 0xcc);   /* below trigger: character timeout */
	receive(&e, 'b');
	receive(&e, 'c');
	receive(&e, 'd');
	CHECK_EQ(rd(&e, 2), 0xc4);   /* trigger reached: data available */
	CHECK_EQ(rd(&e, 0), 'a');
	CHECK_EQ(rd(&e, 2), 0xcc);
	CHECK_EQ(e.h.line[0], 1);
	rd(&e, 0);
	rd(&e, 0);
	rd(&e, 0);
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, 2), 0xc1);
}

TEST(uart_rx_interrupt_no_fifo)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x01);
	CHECK_EQ(e.h.line[0], 0);
	receive(&e, 'q');
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, 2), 0x04);
	CHECK_EQ(rd(&e, 0), 'q');
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, 2), 0x01);
}

TEST(uart_line_status_interrupt_has_priority)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x07);             /* ELSI | ETBEI | ERBFI */
	CHECK_EQ(rd(&e, 2), 0x02);   /* THRE, acknowledged by this read */
	CHECK_EQ(e.h.line[0], 0);
	receive(&e, 'a');
	receive(&e, 'b'); /* no FIFO: overrun */
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, 2), 0x06);
	CHECK_EQ(rd(&e, 2), 0x06);   /* IIR read does not clear it */
	CHECK_EQ(rd(&e, 5), 0x63);   /* LSR read does */
	CHECK_EQ(rd(&e, 2), 0x04);   /* next in line: received data */
	rd(&e, 0);
	CHECK_EQ(rd(&e, 2), 0x01);
	CHECK_EQ(e.h.line[0], 0);
}

TEST(uart_line_status_needs_elsi)
{
	static struct uart_env e;

	env_init(&e);
	receive(&e, 'a');
	receive(&e, 'b');
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, 2), 0x01);
	CHECK_EQ(rd(&e, 5), 0x63);
}

TEST(uart_thre_raised_by_enabling_etbei)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x02);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, 2), 0x02);
	CHECK_EQ(e.h.line[0], 0);    /* IIR read acknowledged it */
	CHECK_EQ(rd(&e, 2), 0x01);
	wr(&e, 1, 0x02);             /* no rising edge: stays quiet */
	CHECK_EQ(e.h.line[0], 0);
	wr(&e, 1, 0x00);
	wr(&e, 1, 0x02);             /* rising edge: raised again */
	CHECK_EQ(e.h.line[0], 1);
	wr(&e, 1, 0x00);             /* masked: line drops */
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, 2), 0x01);
}

TEST(uart_thre_rearms_after_thr_write)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x02);
	CHECK_EQ(rd(&e, 2), 0x02);
	CHECK_EQ(e.h.line[0], 0);
	/* The interrupt handler refills THR; the byte leaves at once and THR
	 * empties again, which is the next THRE interrupt. */
	wr(&e, 0, 'x');
	CHECK_EQ(e.h.nsent, 1);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, 2), 0x02);
	CHECK_EQ(e.h.line[0], 0);
}

TEST(uart_thre_not_acked_when_hidden)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x03);             /* ERBFI | ETBEI */
	receive(&e, 'a');
	CHECK_EQ(rd(&e, 2), 0x04);   /* RX hides THRE; THRE not acked */
	rd(&e, 0);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(rd(&e, 2), 0x02);
	CHECK_EQ(e.h.line[0], 0);
}

/* The sequence Linux's serial8250_do_startup() runs to detect a UART whose
 * THRE interrupt does not work: both reads must show THRI. */
TEST(uart_linux_thre_test)
{
	static struct uart_env e;
	uint8_t iir1, iir2;

	env_init(&e);
	wr(&e, 2, 0x07);
	CHECK(rd(&e, 5) & 0x20);
	wr(&e, 1, 0x02);
	iir1 = rd(&e, 2);
	wr(&e, 1, 0x00);
	wr(&e, 1, 0x02);
	iir2 = rd(&e, 2);
	wr(&e, 1, 0x00);
	CHECK_EQ(iir1 & 0x0f, 0x02);
	CHECK_EQ(iir2 & 0x0f, 0x02);
	CHECK_EQ(e.h.line[0], 0);
}

/* Linux's autoconfig: IER existence test, loopback test, FIFO probe, and
 * the EFR probe (LCR = 0xbf) that must not find an EFR on a 16550A. */
TEST(uart_linux_autoconfig_probe)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x00);
	CHECK_EQ(rd(&e, 1) & 0x0f, 0x00);
	wr(&e, 1, 0x0f);
	CHECK_EQ(rd(&e, 1) & 0x0f, 0x0f);
	wr(&e, 1, 0x00);
	wr(&e, 4, 0x1a);             /* LOOP | OUT2 | RTS */
	CHECK_EQ(rd(&e, 6) & 0xf0, 0x90);
	wr(&e, 4, 0x00);
	wr(&e, 2, 0x01);
	CHECK_EQ(rd(&e, 2) >> 6, 3);
	wr(&e, 3, 0xbf);
	CHECK(rd(&e, 2) != 0);       /* reads IIR, not a zero EFR */
	wr(&e, 3, 0x80);
	wr(&e, 2, 0x21);
	CHECK_EQ((rd(&e, 2) >> 5) & 1, 0); /* no 64-byte FIFO */
	wr(&e, 3, 0x00);
}

TEST(uart_loopback_modem_status)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 4, 0x10);             /* loop, all outputs off */
	CHECK_EQ(rd(&e, 6), 0x0b);   /* DCD, DSR, CTS fell: deltas */
	CHECK_EQ(rd(&e, 6), 0x00);   /* deltas clear on read */
	wr(&e, 4, 0x1f);
	CHECK_EQ(rd(&e, 6), 0xfb);   /* all in; RI rising is not TERI */
	wr(&e, 4, 0x1b);             /* OUT1 off: RI trailing edge */
	CHECK_EQ(rd(&e, 6), 0xb4);
	wr(&e, 4, 0x00);             /* back to console: all ready */
	CHECK_EQ(rd(&e, 6), 0xb0);
}

TEST(uart_modem_status_interrupt)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x08);
	CHECK_EQ(e.h.line[0], 0);
	wr(&e, 4, 0x12);             /* loop, RTS -> CTS stays up */
	CHECK_EQ(e.h.line[0], 1);    /* DSR and DCD dropped */
	CHECK_EQ(rd(&e, 2), 0x00);
	CHECK_EQ(e.h.line[0], 1);    /* IIR read does not clear it */
	CHECK_EQ(rd(&e, 6), 0x1a);
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, 2), 0x01);
}

TEST(uart_loopback_data)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	wr(&e, 4, 0x10);
	CHECK(!can_receive(&e));
	receive(&e, 'E');  /* pin disconnected: ignored */
	wr(&e, 0, 'L');
	CHECK_EQ(e.h.nsent, 0);
	CHECK_EQ(rd(&e, 5), 0x61);
	CHECK_EQ(rd(&e, 0), 'L');
	CHECK_EQ(rd(&e, 5), 0x60);
	wr(&e, 4, 0x00);
	wr(&e, 0, 'T');
	CHECK_EQ(e.h.nsent, 1);
	CHECK_EQ(e.h.sent[0], 'T');
}

TEST(uart_reset_clears_state)
{
	static struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	wr(&e, 1, 0x0f);
	wr(&e, 7, 0x99);
	receive(&e, 'a');
	CHECK_EQ(e.h.line[0], 1);
	devhost_reset(&e.h);
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(rd(&e, 1), 0);
	CHECK_EQ(rd(&e, 2), 0x01);
	CHECK_EQ(rd(&e, 5), 0x60);
	CHECK_EQ(rd(&e, 7), 0);
}

TEST(uart_irq_line_driven_only_on_change)
{
	static struct uart_env e;
	int calls;

	env_init(&e);
	wr(&e, 2, 0x01);             /* FIFO on, so 'y' below is kept */
	calls = e.h.line_changes[0];
	for (int i = 0; i < 10; i++)
		rd(&e, 5);            /* console polling LSR */
	wr(&e, 0, 'a');
	CHECK_EQ(e.h.line_changes[0], calls);
	wr(&e, 1, 0x01);
	receive(&e, 'x');
	CHECK_EQ(e.h.line_changes[0], calls + 1);
	CHECK_EQ(e.h.line[0], 1);
	receive(&e, 'y');
	rd(&e, 5);
	CHECK_EQ(e.h.line_changes[0], calls + 1);
	rd(&e, 0);
	CHECK_EQ(e.h.line_changes[0], calls + 1); /* 'y' still there */
	rd(&e, 0);
	CHECK_EQ(e.h.line_changes[0], calls + 2);
	CHECK_EQ(e.h.line[0], 0);
}
