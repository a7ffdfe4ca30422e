/* 1M rounds of a read and a write of the UART's scratch register: 2M
 * device accesses; exits through the test finisher. For
 * bench/debug_cost.sh. */
	.section .text.start, "ax"
	.globl _start
_start:
	csrr t0, mhartid
	bnez t0, park
	li t1, 1000000
	li t3, 0x10000000
1:	lb t4, 7(t3)
	sb t4, 7(t3)
	addi t1, t1, -1
	bnez t1, 1b
	li t0, 0x100000
	li t1, 0x5555
	sw t1, 0(t0)
park:	wfi
	j park
