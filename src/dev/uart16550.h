/* NS16550A UART: 8 one-byte registers (reg-shift 0), 16-byte FIFOs,
 * divisor latch, LSR/IIR/IER semantics as the 16550 datasheet gives them. */
#ifndef GLASS_DEV_UART16550_H
#define GLASS_DEV_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/irq.h"
#include "mem/mmio.h"

#define UART_FIFO_SIZE 16

struct uart16550 {
	/* registers */
	uint8_t ier, iir_pending, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
	bool thre_pending;   /* THR-empty interrupt armed */
	/* receive FIFO */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	struct irq_line irq;
	/* where transmitted bytes go (the console) */
	void (*tx)(void *opaque, uint8_t byte);
	void *tx_opaque;
};

extern const struct mmio_ops uart16550_ops;

void uart16550_init(struct uart16550 *u, struct irq_line irq,
		    void (*tx)(void *opaque, uint8_t byte), void *tx_opaque);
void uart16550_reset(struct uart16550 *u);
/* Room for another received byte? */
bool uart16550_can_receive(const struct uart16550 *u);
/* Push one received byte (from the console). Dropped if the FIFO is full
 * (flagging an overrun in LSR), or while in loopback mode. */
void uart16550_receive(struct uart16550 *u, uint8_t byte);

#endif
