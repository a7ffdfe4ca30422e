/* Entry of the bare-metal examples: glass -bios none starts every hart here,
 * at 0x80000000 in M mode. Hart 0 gets a stack, clears .bss and calls
 * main(); the others park. A trap (there should be none) or a return from
 * main stops the machine through the hypercall device's FINISH register
 * with code 100 + 1 (trap) or 100 + 2 (return), so a broken program never
 * hangs a test. */
	.section .text.start, "ax"
	.globl _start
_start:
	la	t0, trap
	csrw	mtvec, t0
	csrr	t0, mhartid
	bnez	t0, park
	la	sp, __stack_top
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	main
	li	a0, 102
	j	finish

park:
	wfi
	j	park

	.balign 4
trap:
	li	a0, 101
finish:
	/* FINISH = 0x3333 | code << 16 at GLASS_HC_PLATFORM_BASE + 0x40 */
	slli	a0, a0, 16
	li	t0, 0x3333
	or	a0, a0, t0
	li	t0, 0x10110040
	sw	a0, 0(t0)
	j	park
