/* NS16550A UART: 8 one-byte registers (reg-shift 0), 16-byte FIFOs,
 * divisor latch, LSR/IIR/IER semantics as the 16550 datasheet gives them.
 * It talks to the character backend named by its `chardev` property (the
 * console, "serial0", by default). */
#ifndef GLASS_DEV_UART16550_H
#define GLASS_DEV_UART16550_H

#include "glass/device.h"

extern const struct glass_device_class uart16550_class;

#endif
