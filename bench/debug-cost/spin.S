/* Loads, stores and branches on RAM, a UART store every 1024 rounds:
 * 3M rounds, 21M instructions; exits through the test finisher. For
 * bench/debug_cost.sh. */
	.section .text.start, "ax"
	.globl _start
_start:
	csrr t0, mhartid
	bnez t0, park
	li t1, 3000000
	la t2, buf
	li t3, 0x10000000      /* the UART */
1:	ld t4, 0(t2)
	add t4, t4, t1
	sd t4, 8(t2)
	andi t5, t1, 1023
	bnez t5, 2f
	sb t4, 7(t3)           /* its scratch register */
2:	addi t1, t1, -1
	bnez t1, 1b
	li t0, 0x100000
	li t1, 0x5555
	sw t1, 0(t0)
park:	wfi
	j park

	.data
	.balign 4096           /* not the code's page */
buf:	.dword 1, 2
