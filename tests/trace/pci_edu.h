/* pci_edu.h: the body of pci_edu.S and pci_edu_offset.S. Bare-metal PCI
 * enumeration of edu at 00:01.0 through ECAM: vendor and device IDs, an
 * absent slot (00:02.0), BAR0 sizing (all ones written, the size mask read
 * back), BAR0 = BAR_BUS (a bus address), Memory Space on; then edu's ident
 * and liveness registers at CPU address 0x40000000. */
#include "trace.h"

main:
	li s0, ECAM_01_0
	lhu t1, 0(s0)
	li t2, 0x1234
	li a0, 1
	bne t1, t2, fail
	lhu t1, 2(s0)
	li t2, 0x11e8
	li a0, 2
	bne t1, t2, fail

	li s1, ECAM_BASE + (2 << 15)   /* 00:02.0: nothing there */
	lhu t1, 0(s1)
	li t2, 0xffff
	li a0, 3
	bne t1, t2, fail

	li t1, 0xffffffff
	sw t1, 0x10(s0)                /* BAR0 sizing */
	lwu t1, 0x10(s0)
	li t2, 0xfff00000              /* 1 MiB, 32-bit memory */
	li a0, 4
	bne t1, t2, fail
	li t2, BAR_BUS
	sw t2, 0x10(s0)
	lwu t1, 0x10(s0)
	li a0, 5
	bne t1, t2, fail
	li t1, 2                       /* Memory Space */
	sh t1, 4(s0)

	li s2, 0x40000000
	lw t1, 0(s2)                   /* ident */
	li t2, 0x010000ed
	li a0, 6
	bne t1, t2, fail
	li t2, 0x12345678
	sw t2, 4(s2)                   /* liveness: reads back inverted */
	lwu t1, 4(s2)
	li t2, 0xedcba987
	li a0, 7
	bne t1, t2, fail
	j pass
