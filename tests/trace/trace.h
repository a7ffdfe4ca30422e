/* trace.h: startup, trap handler and exit for the trace golden programs
 * (tests/trace/*.S). Each program makes a fixed sequence of device
 * accesses; tests/trace/run.sh runs it under `glass --trace ...` and
 * compares the trace with tests/trace/NAME.expected[.json].
 *
 * The expected files hold pc values: changing any code here or in a
 * program moves them, so regenerate the expectations afterwards
 * (TRACE_UPDATE=1 tests/trace/run.sh) and review the diff.
 *
 * Contract: hart 0 starts in M mode at _start (other harts park in wfi),
 * with mtvec = trap_entry, PMP entry 0 = all memory RWX, sp set; then it
 * jumps to `main`. The program ends by jumping to `pass` (tohost = 1: glass
 * exits 0) or `fail` (a0 = code 1..127: glass exits with it).
 *
 * trap_entry (M mode, all code uncompressed):
 *   - ecall from S mode (cause 9): continues at `pass`, in M mode;
 *   - any other exception: counts it in `trap_count`, records mcause in
 *     `trap_cause` and skips the faulting 4-byte instruction.
 */
#ifndef GLASS_TRACE_TEST_H
#define GLASS_TRACE_TEST_H

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_PBMT_IO (2 << 61)
#define SATP_SV39 (8 << 60)
#define MENVCFG_PBMTE (1 << 62)
#define MSTATUS_MPP (3 << 11)
#define MSTATUS_MPP_S (1 << 11)

#define UART_BASE 0x10000000
#define UART_THR 0
#define UART_LSR 5
#define CLINT_BASE 0x02000000
#define CLINT_MTIMECMP0 0x4000
#define CLINT_MTIME 0xbff8
#define PLIC_BASE 0x0c000000
#define HC_BASE 0x10110000
#define ECAM_BASE 0x30000000
#define ECAM_01_0 (ECAM_BASE + (1 << 15))   /* bus 0, device 1, function 0 */
#define UNMAPPED_PA 0x20000000

	.option nopic
	.option norvc

	.section .tohost, "aw", @progbits
	.align 6
	.globl tohost
	.type tohost, @object
	.size tohost, 8
tohost:
	.dword 0
	.align 6
	.globl fromhost
	.type fromhost, @object
	.size fromhost, 8
fromhost:
	.dword 0

	.section .text.init, "ax", @progbits
	.globl _start
_start:
	csrr t0, mhartid
	bnez t0, park
	la t0, trap_entry
	csrw mtvec, t0
	csrw mie, zero
	csrw satp, zero
	li t0, -1
	csrw pmpaddr0, t0
	li t0, 0x1f
	csrw pmpcfg0, t0
	la sp, stack_top
	j main

park:
	wfi
	j park

	.align 4
	.globl trap_entry
trap_entry:
	csrr t6, mcause
	li t5, 9
	beq t6, t5, pass
	la t5, trap_cause
	sd t6, 0(t5)
	ld t6, 8(t5)
	addi t6, t6, 1
	sd t6, 8(t5)
	csrr t6, mepc
	addi t6, t6, 4
	csrw mepc, t6
	mret

	.globl pass
pass:
	li a0, 1
	j 1f
	.globl fail
fail:
	andi a0, a0, 127
	slli a0, a0, 1
	ori a0, a0, 1
1:	fence
	la t0, tohost
	sd a0, 0(t0)
2:	j 2b

	.section .data
	.align 4
	.globl trap_cause
trap_cause:
	.dword 0
	.globl trap_count
trap_count:
	.dword 0

	.text
#endif
