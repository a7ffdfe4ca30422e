/* NS16550A model, driven through uart16550_ops as the bus would. */
#include <string.h>

#include "dev/uart16550.h"
#include "harness.h"
#include "mem/address_space.h"

struct uart_env {
	struct uart16550 u;
	int irq_level;
	int irq_calls;
	uint8_t sent[64];
	unsigned nsent;
};

static void env_irq(void *opaque, int n, int level)
{
	struct uart_env *e = opaque;

	e->irq_level = level;
	e->irq_calls++;
}

static void env_tx(void *opaque, uint8_t byte)
{
	struct uart_env *e = opaque;

	if (e->nsent < sizeof(e->sent))
		e->sent[e->nsent++] = byte;
}

static void env_init(struct uart_env *e)
{
	struct irq_line irq = { env_irq, e, 10 };

	memset(e, 0, sizeof(*e));
	e->irq_level = -1; /* so the test sees that init drove the line */
	uart16550_init(&e->u, irq, env_tx, e);
}

static uint8_t rd(struct uart_env *e, unsigned off)
{
	return (uint8_t)uart16550_ops.read(&e->u, off, 1);
}

static void wr(struct uart_env *e, unsigned off, uint8_t val)
{
	uart16550_ops.write(&e->u, off, val, 1);
}

/* Behind the bus: every register is a byte register, so wider accesses
 * become one byte access per register, low address first, and a byte
 * access goes straight through. */
TEST(uart_bus_splits_wide_accesses)
{
	static struct address_space as;
	struct uart_env e;
	const uint64_t base = 0x10000000;
	uint64_t v = 0;

	env_init(&e);
	as_init(&as);
	CHECK(as_add_mmio(&as, "uart0", base, 0x100, 1, &uart16550_ops,
			  &e.u) != NULL);
	/* MCR, LSR (read-only), MSR (read-only), SCR */
	CHECK_EQ(as_write(&as, base + 4, 4, 0x5a000003), MEM_OK);
	CHECK_EQ(rd(&e, 7), 0x5a);
	CHECK_EQ(rd(&e, 4), 0x03);
	CHECK_EQ(as_read(&as, base + 4, 4, &v), MEM_OK);
	CHECK_EQ(v, 0x5a000000u | (uint32_t)rd(&e, 6) << 16 |
		    (uint32_t)rd(&e, 5) << 8 | 0x03);
	/* LCR and MCR as a misaligned halfword */
	CHECK_EQ(as_write(&as, base + 3, 2, 0x0103), MEM_OK);
	CHECK_EQ(rd(&e, 3), 0x03);
	CHECK_EQ(rd(&e, 4), 0x01);
	/* a byte store to THR goes straight through */
	CHECK_EQ(as_write(&as, base, 1, 'a'), MEM_OK);
	CHECK_EQ(e.nsent, 1);
	CHECK_EQ(as_read(&as, base + 5, 1, &v), MEM_OK);
	CHECK_EQ(v & 0x60, 0x60);
	as_destroy(&as);
}

TEST(uart_reset_values)
{
	struct uart_env e;

	env_init(&e);
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, 1), 0x00);   /* IER */
	CHECK_EQ(rd(&e, 2), 0x01);   /* IIR: no interrupt, FIFOs off */
	CHECK_EQ(rd(&e, 3), 0x00);   /* LCR */
	CHECK_EQ(rd(&e, 4), 0x00);   /* MCR */
	CHECK_EQ(rd(&e, 5), 0x60);   /* LSR: THRE | TEMT */
	CHECK_EQ(rd(&e, 6), 0xb0);   /* MSR: DCD | DSR | CTS, no deltas */
	CHECK_EQ(rd(&e, 7), 0x00);   /* SCR */
	CHECK_EQ(rd(&e, 0), 0x00);   /* RBR with nothing received */
	CHECK(uart16550_can_receive(&e.u));
}

TEST(uart_ops_shape)
{
	CHECK_EQ(uart16550_ops.widths, MMIO_W1);
	CHECK_EQ(uart16550_ops.misfit, MISFIT_ADAPT);
	CHECK(uart16550_ops.regs != NULL);
	for (int i = 0; i < 8; i++) {
		CHECK_EQ(uart16550_ops.regs[i].offset, i);
		CHECK_EQ(uart16550_ops.regs[i].size, 1);
		CHECK_EQ(uart16550_ops.regs[i].widths, MMIO_W1);
		CHECK(uart16550_ops.regs[i].name != NULL);
	}
	CHECK(uart16550_ops.regs[8].name == NULL);
	CHECK(strcmp(uart16550_ops.regs[5].name, "LSR") == 0);
}

TEST(uart_scratch_lcr_mcr_rw)
{
	struct uart_env e;

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
	struct uart_env e;

	env_init(&e);
	wr(&e, 5, 0x1f);
	CHECK_EQ(rd(&e, 5), 0x60);
	wr(&e, 6, 0x0f);
	CHECK_EQ(rd(&e, 6), 0xb0);
}

TEST(uart_ier_upper_bits_absent)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0xff);
	CHECK_EQ(rd(&e, 1), 0x0f);
	wr(&e, 1, 0x40);             /* XScale UUE bit must not stick */
	CHECK_EQ(rd(&e, 1), 0x00);
}

TEST(uart_divisor_latch)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x05);             /* IER before DLAB */
	wr(&e, 3, 0x83);             /* DLAB | 8N1 */
	wr(&e, 0, 0x34);
	wr(&e, 1, 0x12);
	CHECK_EQ(rd(&e, 0), 0x34);
	CHECK_EQ(rd(&e, 1), 0x12);
	CHECK_EQ(e.nsent, 0);        /* DLL write is not a transmit */
	wr(&e, 3, 0x03);
	CHECK_EQ(rd(&e, 1), 0x05);   /* IER untouched by DLM writes */
	CHECK_EQ(rd(&e, 3), 0x03);
	wr(&e, 3, 0x83);
	CHECK_EQ(rd(&e, 0), 0x34);   /* latch survives DLAB toggling */
	CHECK_EQ(rd(&e, 1), 0x12);
}

TEST(uart_transmit_goes_to_tx)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 0, 'h');
	wr(&e, 0, 'i');
	CHECK_EQ(e.nsent, 2);
	CHECK_EQ(e.sent[0], 'h');
	CHECK_EQ(e.sent[1], 'i');
	CHECK_EQ(rd(&e, 5) & 0x60, 0x60); /* still empty: infinitely fast */
}

TEST(uart_fcr_and_iir_fifo_bits)
{
	struct uart_env e;

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
	struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	for (int i = 0; i < 16; i++) {
		CHECK(uart16550_can_receive(&e.u));
		uart16550_receive(&e.u, (uint8_t)(0x40 + i));
	}
	CHECK(!uart16550_can_receive(&e.u));
	CHECK_EQ(rd(&e, 5), 0x61);   /* DR, no overrun yet */
	uart16550_receive(&e.u, 0xee);
	CHECK_EQ(rd(&e, 5), 0x63);   /* DR | OE */
	CHECK_EQ(rd(&e, 5), 0x61);   /* OE clears on read */
	for (int i = 0; i < 16; i++)
		CHECK_EQ(rd(&e, 0), 0x40 + i);
	CHECK_EQ(rd(&e, 5), 0x60);
	CHECK(uart16550_can_receive(&e.u));
	/* wraps around the ring */
	uart16550_receive(&e.u, 1);
	uart16550_receive(&e.u, 2);
	CHECK_EQ(rd(&e, 0), 1);
	CHECK_EQ(rd(&e, 0), 2);
}

TEST(uart_rx_without_fifo_holds_one_byte)
{
	struct uart_env e;

	env_init(&e);
	uart16550_receive(&e.u, 'a');
	CHECK(!uart16550_can_receive(&e.u));
	uart16550_receive(&e.u, 'b');
	CHECK_EQ(rd(&e, 5), 0x63);
	CHECK_EQ(rd(&e, 0), 'a');
	CHECK_EQ(rd(&e, 5), 0x60);
}

TEST(uart_fcr_clears_rx)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	uart16550_receive(&e.u, 'x');
	uart16550_receive(&e.u, 'y');
	wr(&e, 2, 0x03);             /* clear RX, FIFO stays on */
	CHECK_EQ(rd(&e, 5), 0x60);
	CHECK_EQ(rd(&e, 2), 0xc1);
	uart16550_receive(&e.u, 'z');
	wr(&e, 2, 0x00);             /* leaving FIFO mode resets it too */
	CHECK_EQ(rd(&e, 5), 0x60);
}

TEST(uart_rx_interrupt_and_timeout)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x41);             /* FIFO on, trigger level 4 */
	uart16550_receive(&e.u, 'a');
	CHECK_EQ(e.irq_level, 0);    /* ERBFI off */
	CHECK_EQ(rd(&e, 2), 0xc1);
	wr(&e, 1, 0x01);
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, 2), 0xcc);   /* below trigger: character timeout */
	uart16550_receive(&e.u, 'b');
	uart16550_receive(&e.u, 'c');
	uart16550_receive(&e.u, 'd');
	CHECK_EQ(rd(&e, 2), 0xc4);   /* trigger reached: data available */
	CHECK_EQ(rd(&e, 0), 'a');
	CHECK_EQ(rd(&e, 2), 0xcc);
	CHECK_EQ(e.irq_level, 1);
	rd(&e, 0);
	rd(&e, 0);
	rd(&e, 0);
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, 2), 0xc1);
}

TEST(uart_rx_interrupt_no_fifo)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x01);
	CHECK_EQ(e.irq_level, 0);
	uart16550_receive(&e.u, 'q');
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, 2), 0x04);
	CHECK_EQ(rd(&e, 0), 'q');
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, 2), 0x01);
}

TEST(uart_line_status_interrupt_has_priority)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x07);             /* ELSI | ETBEI | ERBFI */
	CHECK_EQ(rd(&e, 2), 0x02);   /* THRE, acknowledged by this read */
	CHECK_EQ(e.irq_level, 0);
	uart16550_receive(&e.u, 'a');
	uart16550_receive(&e.u, 'b'); /* no FIFO: overrun */
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, 2), 0x06);
	CHECK_EQ(rd(&e, 2), 0x06);   /* IIR read does not clear it */
	CHECK_EQ(rd(&e, 5), 0x63);   /* LSR read does */
	CHECK_EQ(rd(&e, 2), 0x04);   /* next in line: received data */
	rd(&e, 0);
	CHECK_EQ(rd(&e, 2), 0x01);
	CHECK_EQ(e.irq_level, 0);
}

TEST(uart_line_status_needs_elsi)
{
	struct uart_env e;

	env_init(&e);
	uart16550_receive(&e.u, 'a');
	uart16550_receive(&e.u, 'b');
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, 2), 0x01);
	CHECK_EQ(rd(&e, 5), 0x63);
}

TEST(uart_thre_raised_by_enabling_etbei)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x02);
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, 2), 0x02);
	CHECK_EQ(e.irq_level, 0);    /* IIR read acknowledged it */
	CHECK_EQ(rd(&e, 2), 0x01);
	wr(&e, 1, 0x02);             /* no rising edge: stays quiet */
	CHECK_EQ(e.irq_level, 0);
	wr(&e, 1, 0x00);
	wr(&e, 1, 0x02);             /* rising edge: raised again */
	CHECK_EQ(e.irq_level, 1);
	wr(&e, 1, 0x00);             /* masked: line drops */
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, 2), 0x01);
}

TEST(uart_thre_rearms_after_thr_write)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x02);
	CHECK_EQ(rd(&e, 2), 0x02);
	CHECK_EQ(e.irq_level, 0);
	/* The interrupt handler refills THR; the byte leaves at once and THR
	 * empties again, which is the next THRE interrupt. */
	wr(&e, 0, 'x');
	CHECK_EQ(e.nsent, 1);
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, 2), 0x02);
	CHECK_EQ(e.irq_level, 0);
}

TEST(uart_thre_not_acked_when_hidden)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x03);             /* ERBFI | ETBEI */
	uart16550_receive(&e.u, 'a');
	CHECK_EQ(rd(&e, 2), 0x04);   /* RX hides THRE; THRE not acked */
	rd(&e, 0);
	CHECK_EQ(e.irq_level, 1);
	CHECK_EQ(rd(&e, 2), 0x02);
	CHECK_EQ(e.irq_level, 0);
}

/* The sequence Linux's serial8250_do_startup() runs to detect a UART whose
 * THRE interrupt does not work: both reads must show THRI. */
TEST(uart_linux_thre_test)
{
	struct uart_env e;
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
	CHECK_EQ(e.irq_level, 0);
}

/* Linux's autoconfig: IER existence test, loopback test, FIFO probe, and
 * the EFR probe (LCR = 0xbf) that must not find an EFR on a 16550A. */
TEST(uart_linux_autoconfig_probe)
{
	struct uart_env e;

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
	struct uart_env e;

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
	struct uart_env e;

	env_init(&e);
	wr(&e, 1, 0x08);
	CHECK_EQ(e.irq_level, 0);
	wr(&e, 4, 0x12);             /* loop, RTS -> CTS stays up */
	CHECK_EQ(e.irq_level, 1);    /* DSR and DCD dropped */
	CHECK_EQ(rd(&e, 2), 0x00);
	CHECK_EQ(e.irq_level, 1);    /* IIR read does not clear it */
	CHECK_EQ(rd(&e, 6), 0x1a);
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, 2), 0x01);
}

TEST(uart_loopback_data)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	wr(&e, 4, 0x10);
	CHECK(!uart16550_can_receive(&e.u));
	uart16550_receive(&e.u, 'E');  /* pin disconnected: ignored */
	wr(&e, 0, 'L');
	CHECK_EQ(e.nsent, 0);
	CHECK_EQ(rd(&e, 5), 0x61);
	CHECK_EQ(rd(&e, 0), 'L');
	CHECK_EQ(rd(&e, 5), 0x60);
	wr(&e, 4, 0x00);
	wr(&e, 0, 'T');
	CHECK_EQ(e.nsent, 1);
	CHECK_EQ(e.sent[0], 'T');
}

TEST(uart_reset_clears_state)
{
	struct uart_env e;

	env_init(&e);
	wr(&e, 2, 0x01);
	wr(&e, 1, 0x0f);
	wr(&e, 7, 0x99);
	uart16550_receive(&e.u, 'a');
	CHECK_EQ(e.irq_level, 1);
	uart16550_reset(&e.u);
	CHECK_EQ(e.irq_level, 0);
	CHECK_EQ(rd(&e, 1), 0);
	CHECK_EQ(rd(&e, 2), 0x01);
	CHECK_EQ(rd(&e, 5), 0x60);
	CHECK_EQ(rd(&e, 7), 0);
}

TEST(uart_irq_line_driven_only_on_change)
{
	struct uart_env e;
	int calls;

	env_init(&e);
	wr(&e, 2, 0x01);             /* FIFO on, so 'y' below is kept */
	calls = e.irq_calls;
	for (int i = 0; i < 10; i++)
		rd(&e, 5);            /* console polling LSR */
	wr(&e, 0, 'a');
	CHECK_EQ(e.irq_calls, calls);
	wr(&e, 1, 0x01);
	uart16550_receive(&e.u, 'x');
	CHECK_EQ(e.irq_calls, calls + 1);
	CHECK_EQ(e.irq_level, 1);
	uart16550_receive(&e.u, 'y');
	rd(&e, 5);
	CHECK_EQ(e.irq_calls, calls + 1);
	rd(&e, 0);
	CHECK_EQ(e.irq_calls, calls + 1); /* 'y' still there */
	rd(&e, 0);
	CHECK_EQ(e.irq_calls, calls + 2);
	CHECK_EQ(e.irq_level, 0);
}
