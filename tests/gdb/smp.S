/* Every hart counts in its own slot of `slots`, at its own pace, forever:
 * for the SMP GDB test (info threads, switching harts). Hart N runs
 * hart_loop with a0 = N. */
	.section .text.start, "ax"
	.globl _start
_start:
	csrr	a0, mhartid
	la	t0, slots
	slli	t1, a0, 3
	add	t0, t0, t1
	addi	t2, a0, 1             /* step: hart N adds N + 1 */
	.globl hart_loop
hart_loop:
	ld	t1, 0(t0)
	add	t1, t1, t2
	sd	t1, 0(t0)
	j	hart_loop

	.data
	.balign 8
	.globl slots
slots:
	.dword 0, 0, 0, 0, 0, 0, 0, 0
