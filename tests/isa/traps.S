/* traps.S: exceptions, privilege changes, delegation and interrupts.
 * Privileged spec, "Machine-Level ISA" (mcause, mtval, mepc, mstatus,
 * mtvec, medeleg/mideleg, mip/mie, MRET/SRET/WFI) and "Supervisor-Level
 * ISA". (Instruction-address-misaligned cannot happen with C: only bit 0
 * of a jump target matters and it is cleared, so it is not tested.)
 */
#include "test.h"

#define ILLEGAL_OP   0xfe000033          /* OP major opcode, funct7 = 0x7f: unallocated */
#define INSN_WFI     0x10500073
#define INSN_SRET    0x10200073
#define INSN_MRET    0x30200073

/* Expect a breakpoint from insn: mtval is 0 or the instruction's address */
#define TEST_BREAKPOINT(n, insn...) \
	CASE(n); TRAP_ARM; 94: insn; TRAP_DISARM; CHECK_TRAP_CAUSE(CAUSE_BREAKPOINT); \
	TRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4); \
	TRAP_FIELD(t5, TR_TVAL); beqz t5, 97f; CHECK_R(t5, t4); 97:

/* Field of the mstatus value recorded at the last M trap */
#define TRAP_MPP(reg) TRAP_FIELD(reg, TR_STATUS); srli reg, reg, 11; andi reg, reg, 3

TESTS_BEGIN

/* ECALL: cause 11/9/8 by privilege, mepc = the ecall, mtval = 0; the
 * trap records the previous privilege in mstatus.MPP. */
	TEST_TRAP(1, CAUSE_ECALL_M, 0, ecall)
	CASE(2)
	TRAP_MPP(a0)
	CHECK(a0, 3)
	CASE(3)
	GOTO_S
	TEST_TRAP(4, CAUSE_ECALL_S, 0, ecall)
	TRAP_MPP(a0)
	CHECK(a0, 1)
	GOTO_M
	CASE(5)
	GOTO_U
	TEST_TRAP(6, CAUSE_ECALL_U, 0, ecall)
	TRAP_MPP(a0)
	CHECK(a0, 0)
	GOTO_M

/* EBREAK / C.EBREAK: cause 3, mepc = the instruction. */
	.option push
	.option norvc
	TEST_BREAKPOINT(7, ebreak)
	.option pop
	TEST_BREAKPOINT(8, c.ebreak)
	CASE(9)
	GOTO_U
	TEST_BREAKPOINT(10, ebreak)
	GOTO_M

/* Illegal instruction: cause 2, mtval = the instruction bits. */
	TEST_ILLEGAL(11, .word ILLEGAL_OP)
	TEST_ILLEGAL(12, .word 0xc0001073)       /* csrrw x0, cycle, x0: read-only CSR */
	TEST_ILLEGAL(13, .word 0x00000077)       /* unallocated major opcode (OP-P) */
	TEST_ILLEGAL(14, .hword 0x0000)          /* all-zero halfword */
	CASE(15)
	GOTO_U
	TEST_ILLEGAL(16, mret)                   /* MRET below M */
	TEST_ILLEGAL(17, sret)                   /* SRET in U */
	TEST_ILLEGAL(18, csrr a0, mstatus)
	GOTO_M
	CASE(19)
	GOTO_S
	TEST_ILLEGAL(20, mret)
	GOTO_M

/* Access faults: nothing is mapped at 0x0 or 0x20000000.
 * Load -> 5, store -> 7, fetch -> 1; mtval = the faulting address. */
	TEST_TRAP(21, CAUSE_LOAD_ACCESS, 0, ld a0, 0(zero))
	CASE(22)
	li s0, 0x20000000                        /* s0 = unmapped address from here on */
	TEST_TRAP(23, CAUSE_LOAD_ACCESS, 0x20000010, lw a0, 16(s0))
	TEST_TRAP(24, CAUSE_STORE_ACCESS, 0x20000000, sd a0, 0(s0))
	TEST_TRAP(25, CAUSE_STORE_ACCESS, 0x8, sb a0, 8(zero))
	TEST_TRAP(26, CAUSE_LOAD_ACCESS, 0x20000001, lbu a0, 1(s0))
	CASE(27)                                 /* fetch: mepc = mtval = target */
	la t0, trap_rec
	la t1, 1f
	sd t1, TR_RESUME(t0)
	TRAP_ARM
	jalr ra, 0(s0)
	j fail
1:	TRAP_DISARM
	CHECK_TRAP_CAUSE(CAUSE_FETCH_ACCESS)
	TRAP_FIELD(a0, TR_TVAL)
	CHECK(a0, 0x20000000)
	TRAP_FIELD(a0, TR_EPC)
	CHECK(a0, 0x20000000)
	CASE(28)                                 /* access fault from U mode too */
	GOTO_U
	TEST_TRAP(29, CAUSE_LOAD_ACCESS, 0x20000000, ld a0, 0(s0))
	GOTO_M
	CASE(30)                                 /* a faulting load leaves rd unchanged */
	li a0, 0x1234
	TEST_TRAP(31, CAUSE_LOAD_ACCESS, 0, ld a0, 0(zero))
	CHECK(a0, 0x1234)

/* Trap entry: MPIE <- MIE, MIE <- 0, MPP <- previous privilege. */
	CASE(32)
	csrw mie, zero                           /* no interrupt can fire */
	csrsi mstatus, MSTATUS_MIE
	TEST_TRAP(33, CAUSE_ECALL_M, 0, ecall)
	TRAP_FIELD(a0, TR_STATUS)                /* mstatus inside the handler */
	andi a1, a0, MSTATUS_MIE
	CHECK(a1, 0)
	andi a1, a0, MSTATUS_MPIE
	CHECK(a1, MSTATUS_MPIE)
	csrci mstatus, MSTATUS_MIE

/* MRET: privilege <- MPP, MIE <- MPIE, MPIE <- 1, MPP <- U (least
 * privileged mode), MPRV <- 0 when leaving M. */
	CASE(34)
	li t0, MSTATUS_MPP | MSTATUS_MIE
	csrc mstatus, t0
	li t0, MSTATUS_MPP_M | MSTATUS_MPIE
	csrs mstatus, t0
	la t0, 1f
	csrw mepc, t0
	mret
	j fail
1:	csrr a0, mstatus                         /* still M: readable */
	andi a1, a0, MSTATUS_MIE
	CHECK(a1, MSTATUS_MIE)
	andi a1, a0, MSTATUS_MPIE
	CHECK(a1, MSTATUS_MPIE)
	srli a1, a0, 11
	andi a1, a1, 3
	CHECK(a1, 0)
	CASE(35)
	li t0, MSTATUS_MPIE
	csrc mstatus, t0                         /* MPIE = 0, MIE = 1 */
	la t0, 1f
	csrw mepc, t0
	li t0, MSTATUS_MPP
	csrs mstatus, t0
	mret
1:	csrr a0, mstatus
	andi a1, a0, MSTATUS_MIE
	CHECK(a1, 0)
	andi a1, a0, MSTATUS_MPIE
	CHECK(a1, MSTATUS_MPIE)
#ifndef SKIP_QEMU_DIFFS
	/* MRET to S clears MPRV (priv. 1.12: "If MPP != M, MRET also sets
	 * MPRV = 0"). QEMU 7.2 leaves MPRV set. */
	CASE(36)
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
	GOTO_S
	GOTO_M
	csrr a0, mstatus
	li t0, MSTATUS_MPRV
	and a1, a0, t0
	CHECK(a1, 0)
#endif
	li t0, MSTATUS_MPRV
	csrc mstatus, t0

/* SRET: privilege <- SPP, SIE <- SPIE, SPIE <- 1, SPP <- U. */
	CASE(37)
	GOTO_S
	li t0, MSTATUS_SPP | MSTATUS_SIE
	csrc sstatus, t0                         /* SPP = U */
	li t0, MSTATUS_SPIE
	csrs sstatus, t0
	la t0, 1f
	csrw sepc, t0
	sret
	j fail
1:	TEST_TRAP(38, CAUSE_ECALL_U, 0, ecall)   /* we are in U now */
	GOTO_M
	csrr a0, mstatus
	andi a1, a0, MSTATUS_SIE
	CHECK(a1, MSTATUS_SIE)                   /* SIE <- SPIE (1) */
	andi a1, a0, MSTATUS_SPIE
	CHECK(a1, MSTATUS_SPIE)
	andi a1, a0, MSTATUS_SPP
	CHECK(a1, 0)
	csrci mstatus, MSTATUS_SIE
	CASE(39)                                 /* SRET with SPP = S stays in S */
	GOTO_S
	li t0, MSTATUS_SPP
	csrs sstatus, t0
	la t0, 1f
	csrw sepc, t0
	sret
	j fail
1:	TEST_TRAP(40, CAUSE_ECALL_S, 0, ecall)
	GOTO_M
	CASE(41)                                 /* SRET is legal in M mode */
	li t0, MSTATUS_SPP
	csrs mstatus, t0
	la t0, 1f
	csrw sepc, t0
	sret
	j fail
1:	TEST_TRAP(42, CAUSE_ECALL_S, 0, ecall)
	GOTO_M

/* mstatus.TSR: SRET in S mode is illegal (not in M). */
	CASE(43)
	li t0, MSTATUS_TSR
	csrs mstatus, t0
	GOTO_S
	TEST_ILLEGAL(44, sret)
	GOTO_M
	li t0, MSTATUS_SPP
	csrs mstatus, t0
	la t0, 1f
	csrw sepc, t0
	sret                                     /* M mode: allowed despite TSR */
	j fail
1:	TEST_TRAP(45, CAUSE_ECALL_S, 0, ecall)
	GOTO_M
	li t0, MSTATUS_TSR
	csrc mstatus, t0

/* mstatus.TW: WFI below M is illegal when TW = 1. */
	CASE(46)
	li t0, MSTATUS_TW
	csrs mstatus, t0
	GOTO_S
	TEST_ILLEGAL(47, wfi)
	GOTO_M
	GOTO_U
	TEST_ILLEGAL(48, wfi)
	GOTO_M
	li t0, MSTATUS_TW
	csrc mstatus, t0

/* Exception delegation (medeleg): a delegated trap from U or S goes to
 * stvec with scause/sepc/stval, sstatus.SPP = previous mode; traps taken
 * in M mode are never delegated. */
	CASE(49)
	la t0, strap_entry
	csrw stvec, t0
	li t0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_ECALL_S) | (1 << CAUSE_ILLEGAL_INSN) | (1 << CAUSE_LOAD_ACCESS)
	csrw medeleg, t0
	GOTO_U
	TEST_STRAP(50, CAUSE_ECALL_U, 0, ecall)
	STRAP_FIELD(a0, TR_STATUS)
	andi a0, a0, MSTATUS_SPP
	CHECK(a0, 0)
	TEST_STRAP(51, CAUSE_ILLEGAL_INSN, ILLEGAL_OP, .word ILLEGAL_OP)
	TEST_STRAP(52, CAUSE_LOAD_ACCESS, 0x20000000, ld a0, 0(s0))
	GOTO_M_BY(ebreak)                        /* ebreak is not delegated */
	CASE(53)
	GOTO_S
	TEST_STRAP(54, CAUSE_ECALL_S, 0, ecall)
	STRAP_FIELD(a0, TR_STATUS)
	andi a0, a0, MSTATUS_SPP
	CHECK(a0, MSTATUS_SPP)
	GOTO_M_BY(ebreak)
	CASE(55)                                 /* M-mode traps stay in M */
	TEST_ILLEGAL(56, .word ILLEGAL_OP)
	TEST_TRAP(57, CAUSE_LOAD_ACCESS, 0x20000000, ld a0, 0(s0))
	CASE(58)                                 /* M handler was not involved in delegated traps */
	GOTO_U
	TRAP_ARM
	STRAP_ARM
	ecall                                    /* -> S */
	STRAP_DISARM
	TRAP_DISARM
	GOTO_M_BY(ebreak)
	TRAP_FIELD(a0, TR_CAUSE)
	CHECK(a0, CAUSE_BREAKPOINT)              /* only the ebreak reached M */
	TRAP_FIELD(a0, TR_COUNT)
	CHECK(a0, 1)
	csrw medeleg, zero

/* Interrupts. Software interrupt via the CLINT msip register of hart 0,
 * vectored mtvec: interrupts go to base + 4 * cause, exceptions to base. */
	CASE(59)
	la t0, vec_table
	ori t0, t0, 1                            /* mode = vectored */
	csrw mtvec, t0
	csrr a0, mtvec
	CHECK_R(a0, t0)
	li t0, -1
	la t1, vec_hit
	sd t0, 0(t1)
	TRAP_ARM
	li t0, CLINT_MSIP0
	li t1, 1
	sw t1, 0(t0)                             /* raise MSIP */
	li t0, MIP_MSIP
	csrs mie, t0
	csrsi mstatus, MSTATUS_MIE               /* taken here */
	nop
	nop
	csrci mstatus, MSTATUS_MIE
	TRAP_DISARM
	CHECK_TRAP_CAUSE(CAUSE_INTR | 3)
	la t1, vec_hit
	ld a0, 0(t1)
	CHECK(a0, 3)
	CASE(60)                                 /* mip.MSIP follows the CLINT */
	csrr a0, mip
	andi a0, a0, MIP_MSIP
	CHECK(a0, MIP_MSIP)
	li t0, CLINT_MSIP0
	sw zero, 0(t0)
	li t2, 1000
1:	csrr a0, mip
	andi a0, a0, MIP_MSIP
	beqz a0, 2f
	addi t2, t2, -1
	bnez t2, 1b
	j fail
2:	CASE(61)                                 /* exceptions use the base address */
	TEST_TRAP(62, CAUSE_ECALL_M, 0, ecall)
	la t1, vec_hit
	ld a0, 0(t1)
	CHECK(a0, 0)
	la t0, trap_entry
	csrw mtvec, t0

/* WFI with an enabled interrupt pending (mie) returns even when
 * mstatus.MIE = 0, and no trap is taken. */
	CASE(63)
	csrci mstatus, MSTATUS_MIE
	li t0, MIP_MSIP
	csrs mie, t0
	li t0, CLINT_MSIP0
	li t1, 1
	sw t1, 0(t0)
	TRAP_ARM
	wfi
	TRAP_DISARM
	CHECK_NO_TRAP
	li t0, CLINT_MSIP0
	sw zero, 0(t0)
	csrw mie, zero

/* WFI in S mode with TW = 0 is legal; it returns once an interrupt is
 * pending and enabled in sie, even with sstatus.SIE = 0. */
	CASE(64)
	li t0, MIP_SSIP
	csrw mideleg, t0
	csrs mie, t0
	csrs mip, t0                             /* SSIP pending, delegated */
	csrci mstatus, MSTATUS_SIE
	GOTO_S
	TEST_NO_TRAP(65, wfi)
	csrci sip, MIP_SSIP
	GOTO_M
	csrw mie, zero

/* Interrupt delegation (mideleg): a delegated supervisor software
 * interrupt is taken in S mode (scause = 1 | interrupt bit), and never in
 * M mode. */
	CASE(66)
	la t0, strap_entry
	csrw stvec, t0
	la t6, strap_rec
	sd zero, TR_COUNT(t6)
	li t0, MIP_SSIP
	csrw mideleg, t0
	csrs mie, t0
	csrsi mstatus, MSTATUS_SIE | MSTATUS_MIE
	csrs mip, t0                             /* pending: not taken in M */
	nop
	nop
	STRAP_FIELD(a0, TR_COUNT)
	CHECK(a0, 0)
	TRAP_ARM
	GOTO_S                                   /* taken as soon as we are in S */
	nop
	STRAP_FIELD(a0, TR_COUNT)
	CHECK(a0, 1)
	STRAP_FIELD(a0, TR_CAUSE)
	CHECK(a0, CAUSE_INTR | 1)
	csrci sip, MIP_SSIP
	GOTO_M
	TRAP_DISARM
	csrci mstatus, MSTATUS_SIE | MSTATUS_MIE
	csrw mideleg, zero
	csrw mie, zero
	CASE(67)                                 /* not delegated: M-level from S even with mstatus.MIE = 0 */
	li t0, MIP_SSIP
	csrs mie, t0
	csrci mstatus, MSTATUS_MIE
	TRAP_ARM
	csrs mip, t0
	nop
	CHECK_NO_TRAP                            /* in M with MIE = 0: masked */
	GOTO_S
	nop
	GOTO_M
	TRAP_DISARM
	TRAP_FIELD(a0, TR_COUNT)
	CHECK(a0, 2)                             /* the interrupt, then GOTO_M's ecall */
	csrc mip, t0
	csrw mie, zero

/* sstatus.SIE set by csrsi in S mode with a delegated SSIP pending: the
 * interrupt is taken before the next instruction (sepc is its address;
 * the JIT translates this csrsi inline and must end its block there). */
	CASE(68)
	la t0, strap_entry
	csrw stvec, t0
	li t0, MIP_SSIP
	csrw mideleg, t0
	csrs mie, t0
	csrci mstatus, MSTATUS_SIE
	csrs mip, t0                             /* pending, not takeable yet */
	GOTO_S
	STRAP_ARM
	j 1f                                     /* a block starts at the csrsi */
1:	csrsi sstatus, MSTATUS_SIE
97:	nop
	STRAP_DISARM
	STRAP_FIELD(a0, TR_COUNT)
	CHECK(a0, 1)
	STRAP_FIELD(a0, TR_CAUSE)
	CHECK(a0, CAUSE_INTR | 1)
	CASE(69)
	STRAP_FIELD(a0, TR_EPC)
	la t4, 97b
	CHECK_R(a0, t4)
	csrci sip, MIP_SSIP
	GOTO_M
	csrci mstatus, MSTATUS_SIE
	csrw mideleg, zero
	csrw mie, zero

/* csrrci rd, sstatus, SIE (local_irq_save): rd is sstatus before, which
 * shows SIE and, with FS dirty, SD, but none of mstatus's M-mode bits
 * (mret left MPIE set); SIE is clear after. csrr sstatus agrees. */
	CASE(70)
	li t0, MSTATUS_FS_DIRTY
	csrs mstatus, t0
	csrsi mstatus, MSTATUS_SIE
	GOTO_S
	csrrci a0, sstatus, MSTATUS_SIE
	csrr a1, sstatus
	GOTO_M
	li t0, MSTATUS_SD | MSTATUS_FS | MSTATUS_SIE
	and a2, a0, t0
	CHECK_R(a2, t0)
	CASE(71)
	li t0, MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE
	and a2, a0, t0
	CHECK(a2, 0)
	CASE(72)
	xori a3, a0, MSTATUS_SIE                 /* a1 = a0 without SIE */
	CHECK_R(a1, a3)
	li t0, MSTATUS_FS
	csrc mstatus, t0
	li t0, MSTATUS_FS_INITIAL
	csrs mstatus, t0

/* sstatus from U mode is an illegal instruction, the SIE forms too. */
	GOTO_U
	TEST_ILLEGAL(73, csrsi sstatus, MSTATUS_SIE)
	TEST_ILLEGAL(74, csrrci a0, sstatus, MSTATUS_SIE)
	TEST_ILLEGAL(75, csrr a0, sstatus)
	GOTO_M

TESTS_END

/* Vector table for vectored mtvec: entry i at base + 4 * i. */
	.text
	.align 8
	.option push
	.option norvc
vec_table:
	j vec_e0
	j vec_e1
	j vec_e2
	j vec_e3
	j vec_e4
	j vec_e5
	j vec_e6
	j vec_e7
	j vec_e8
	j vec_e9
	j vec_e10
	j vec_e11
	.option pop
vec_e0:	li s11, 0
	j vec_common
vec_e1:	li s11, 1
	j vec_common
vec_e2:	li s11, 2
	j vec_common
vec_e3:	li s11, 3
	j vec_common
vec_e4:	li s11, 4
	j vec_common
vec_e5:	li s11, 5
	j vec_common
vec_e6:	li s11, 6
	j vec_common
vec_e7:	li s11, 7
	j vec_common
vec_e8:	li s11, 8
	j vec_common
vec_e9:	li s11, 9
	j vec_common
vec_e10: li s11, 10
	j vec_common
vec_e11: li s11, 11
vec_common:
	la s10, vec_hit
	sd s11, 0(s10)
	j trap_entry

	.data
	.align 3
vec_hit:
	.dword 0
