/* QEMU's `edu` teaching device (QEMU docs/specs/edu.rst), register- and
 * behaviour-compatible: PCI 1234:11e8, BAR0 = 1 MiB of registers,
 * identification, liveness, factorial, interrupt raise/ack over INTA, and a
 * DMA engine between its 4 KiB buffer (at 0x40000 in its own address space)
 * and PCI bus addresses. */
#ifndef GLASS_DEV_EDU_H
#define GLASS_DEV_EDU_H

#include <stdint.h>

#include "glass/device.h"

#define EDU_DMA_BUF_ADDR 0x40000
#define EDU_DMA_BUF_SIZE 4096
#define EDU_DEFAULT_DMA_MASK ((1ull << 28) - 1) /* as QEMU's default */

#define EDU_VENDOR_ID 0x1234
#define EDU_DEVICE_ID 0x11e8
#define EDU_REVISION 0x10
#define EDU_CLASS 0x00ff00       /* base 0x00, sub 0xff ("other"), prog-if 0 */
#define EDU_BAR0_SIZE (1u << 20)

/* BAR0 registers. Below 0x80 only 4-byte accesses count; the DMA registers
 * take 4 or 8 bytes. */
#define EDU_REG_IDENT 0x00       /* RO 0x010000ed: version 1.0 */
#define EDU_REG_LIVENESS 0x04    /* reads ~(last write) */
#define EDU_REG_FACT 0x08        /* write n, read n! */
#define EDU_REG_STATUS 0x20
#define EDU_REG_IRQ_STATUS 0x24  /* RO */
#define EDU_REG_IRQ_RAISE 0x60   /* WO: irq_status |= val */
#define EDU_REG_IRQ_ACK 0x64     /* WO: irq_status &= ~val */
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_COUNT 0x90
#define EDU_REG_DMA_CMD 0x98

#define EDU_IDENT 0x010000ed
#define EDU_STATUS_COMPUTING 0x01
#define EDU_STATUS_IRQFACT 0x80
#define EDU_IRQ_FACT 0x001       /* irq_status bit of a finished factorial */
#define EDU_IRQ_DMA 0x100        /* ... and of a finished DMA */
#define EDU_DMA_CMD_START 0x1
#define EDU_DMA_CMD_TO_RAM 0x2   /* 0: RAM -> edu buffer, 1: buffer -> RAM */
#define EDU_DMA_CMD_IRQ 0x4

/* Everything the guest can see: saved in snapshots as it is. */
struct edu_state {
	uint32_t liveness;       /* last value written to 0x04 */
	uint32_t fact;           /* factorial register */
	uint32_t status;         /* 0x01 computing, 0x80 irq on completion */
	uint32_t irq_status;
	uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
	uint8_t dma_buf[EDU_DMA_BUF_SIZE];
};

struct edu {
	struct edu_state s;
	struct glass_device *dev;
	uint64_t dma_mask;       /* property */
};

extern const struct glass_device_class edu_class;

#endif
