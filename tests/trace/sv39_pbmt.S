/* sv39_pbmt: S-mode accesses through an Sv39 page table whose leaf PTEs
 * carry PBMT=IO (menvcfg.PBMTE set first): a kernel-style virtual page onto
 * the UART, the next one onto the hypercall device's page 0. Code and data
 * are identity mapped by a 1 GiB page at 0x80000000. The trace lines show
 * va=, pte[... pbmt=IO] and pa=. Ends with an ecall (to `pass`). */
#include "trace.h"

#define VA_UART 0xffffffc000000000
#define VA_HC   0xffffffc000001000
#define LEAF_IO (PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D | PTE_PBMT_IO)

main:
	li t0, MENVCFG_PBMTE
	csrs menvcfg, t0

	la s0, pt_root
	/* root[2]: 1 GiB identity at 0x80000000, RWX */
	li t0, (0x80000000 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
	sd t0, 2 * 8(s0)
	/* root[256] (VA 0xffffffc0_00000000) -> pt_l1 -> pt_l0 */
	la t1, pt_l1
	srli t0, t1, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V
	li t3, 256 * 8
	add t3, s0, t3
	sd t0, 0(t3)
	la t2, pt_l0
	srli t0, t2, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V
	sd t0, 0(t1)
	/* pt_l0[0]: the UART; pt_l0[1]: hypercall page 0 */
	li t0, (UART_BASE >> 12) << 10 | LEAF_IO
	sd t0, 0(t2)
	li t0, (HC_BASE >> 12) << 10 | LEAF_IO
	sd t0, 8(t2)

	srli t0, s0, 12
	li t1, SATP_SV39
	or t0, t0, t1
	csrw satp, t0
	sfence.vma

	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, MSTATUS_MPP_S
	csrs mstatus, t0
	la t0, smode
	csrw mepc, t0
	mret

smode:
	li s1, VA_UART
	li t1, 's'
	sb t1, UART_THR(s1)
	lbu t1, UART_LSR(s1)
	andi t1, t1, 0x60
	li t2, 0x60
	li a0, 1
	bne t1, t2, fail
	li s2, VA_HC
	ld t1, 0(s2)
	li t2, 0x3143485353414c47
	li a0, 2
	bne t1, t2, fail
	ecall                          /* back to M mode: pass */

	.bss
	.align 12
pt_root:
	.space 4096
pt_l1:
	.space 4096
pt_l0:
	.space 4096
