/* A guest that never yields: interrupts off, a tight loop. glass must
 * still stop cleanly on Ctrl-A x, SIGINT and SIGTERM. */
	.section .text.init
	.globl _start
_start:
	csrw mie, zero
	csrw mstatus, zero
1:	j 1b
	.section .tohost, "aw"
	.align 6
	.globl tohost
tohost:	.dword 0
	.size tohost, 8
	.globl fromhost
fromhost: .dword 0
	.size fromhost, 8
