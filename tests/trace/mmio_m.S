/* mmio_m: M-mode accesses without translation ("bare") to the platform
 * devices: UART THR (store byte) and LSR (load byte), CLINT mtime (its
 * value depends on time: run.sh masks it) and mtimecmp, a PLIC source
 * priority, the hypercall device's MAGIC (8 bytes, then its high half). */
#include "trace.h"

main:
	li s0, UART_BASE
	li t1, 'g'
	sb t1, UART_THR(s0)
	lbu t1, UART_LSR(s0)
	andi t1, t1, 0x60              /* THRE | TEMT: transmitter idle */
	li t2, 0x60
	li a0, 1
	bne t1, t2, fail

	li s1, CLINT_BASE + CLINT_MTIME
	ld t1, 0(s1)
	li s1, CLINT_BASE + CLINT_MTIMECMP0
	li t2, 0x123456789
	sd t2, 0(s1)
	ld t1, 0(s1)
	li a0, 2
	bne t1, t2, fail

	li s2, PLIC_BASE
	li t2, 5
	sw t2, 40(s2)                  /* source 10 (the UART) priority */
	lw t1, 40(s2)
	li a0, 3
	bne t1, t2, fail

	li s3, HC_BASE
	ld t1, 0(s3)                   /* MAGIC: "GLASSHC1" */
	li t2, 0x3143485353414c47
	li a0, 4
	bne t1, t2, fail
	lwu t1, 4(s3)                  /* MAGIC.hi */
	li t2, 0x31434853
	li a0, 5
	bne t1, t2, fail
	j pass
