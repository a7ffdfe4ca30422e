/* zicsr.S: Zicsr instructions and basic machine-level CSRs.
 * Unprivileged spec "Zicsr" and privileged spec "CSRs", "Machine-Level
 * ISA":
 *  - CSRRW/CSRRS/CSRRC (and the immediate forms) atomically read the old
 *    value into rd and write / set bits / clear bits.
 *  - CSRRW with rd = x0 does not read; CSRRS/CSRRC with rs1 = x0 (and the
 *    immediate forms with uimm = 0) do not write at all, so they are legal
 *    on read-only CSRs. Any other write attempt to a read-only CSR (number
 *    bits 11:10 = 11) is an illegal instruction, even if the value written
 *    is zero (spec table "Conditions determining whether a CSR instruction
 *    reads or writes the specified CSR").
 *  - Accessing a non-existent CSR, or a CSR above the current privilege
 *    (bits 9:8 of the number), is an illegal instruction.
 *  - misa reports MXL = 2 and the implemented extensions; mhartid is 0 on
 *    the boot hart; mscratch is a full 64-bit register; mepc[0] is zero;
 *    mcycle/minstret count up; cycle/time/instret are readable in M mode
 *    and in S/U mode as allowed by mcounteren/scounteren.
 */
#include "test.h"

TESTS_BEGIN

/* CSRRW / CSRRS / CSRRC: old value in rd, then write / set / clear. */
	CASE(1)
	li a1, 0x0123456789abcdef
	csrw mscratch, a1
	csrr a0, mscratch
	CHECK(a0, 0x0123456789abcdef)
	CASE(2)
	li a1, 0xfedcba9876543210
	csrrw a0, mscratch, a1
	CHECK(a0, 0x0123456789abcdef)
	csrr a0, mscratch
	CHECK(a0, 0xfedcba9876543210)
	CASE(3)
	li a1, 0x000000000000000f
	csrrs a0, mscratch, a1
	CHECK(a0, 0xfedcba9876543210)
	csrr a0, mscratch
	CHECK(a0, 0xfedcba987654321f)
	CASE(4)
	li a1, 0xff00000000000000
	csrrc a0, mscratch, a1
	CHECK(a0, 0xfedcba987654321f)
	csrr a0, mscratch
	CHECK(a0, 0x00dcba987654321f)
	CASE(5)                          /* rd == rs1: old value returned, new written */
	li a0, 42
	csrrw a0, mscratch, a0
	CHECK(a0, 0x00dcba987654321f)
	csrr a0, mscratch
	CHECK(a0, 42)

/* Immediate forms: 5-bit zero-extended uimm. */
	CASE(6)
	csrrwi a0, mscratch, 31
	CHECK(a0, 42)
	csrr a0, mscratch
	CHECK(a0, 31)
	CASE(7)
	csrw mscratch, zero
	csrrsi a0, mscratch, 0x10
	CHECK(a0, 0)
	csrrsi a0, mscratch, 0x05
	CHECK(a0, 0x10)
	csrr a0, mscratch
	CHECK(a0, 0x15)
	CASE(8)
	csrrci a0, mscratch, 0x11
	CHECK(a0, 0x15)
	csrr a0, mscratch
	CHECK(a0, 0x04)
	CASE(9)                          /* rs1 = x0 / uimm = 0: no change */
	li a1, -1
	csrw mscratch, a1
	csrrs a0, mscratch, x0
	csrrc a0, mscratch, x0
	csrrsi a0, mscratch, 0
	csrrci a0, mscratch, 0
	csrr a0, mscratch
	CHECK(a0, -1)

/* Read-only CSRs: reads (no write) are legal, writes are illegal. */
	TEST_NO_TRAP(10, csrr a0, mhartid)
	TEST_NO_TRAP(11, csrrs a0, mhartid, x0)
	TEST_NO_TRAP(12, csrrc a0, mvendorid, x0)
	TEST_NO_TRAP(13, csrrsi a0, marchid, 0)
	TEST_NO_TRAP(14, csrrci a0, mimpid, 0)
	TEST_ILLEGAL(15, csrw mhartid, a0)
	TEST_ILLEGAL(16, csrrw x0, mhartid, x0)
	TEST_ILLEGAL(17, csrrwi a0, mvendorid, 0)
	TEST_ILLEGAL(18, csrrsi a0, mhartid, 1)
	TEST_ILLEGAL(19, csrrw x0, cycle, x0)        /* user counters are read-only too */
	TEST_ILLEGAL(20, csrrci a0, instret, 3)

/* Non-existent CSRs (unallocated standard numbers) are illegal. */
	TEST_ILLEGAL(21, csrr a0, 0x1ff)
	TEST_ILLEGAL(22, csrr a0, 0x0ff)
	TEST_ILLEGAL(23, csrw 0x3ff, a0)

/* misa: RV64 (MXL = 2) with I, M, A, F, D, C, S, U. */
	CASE(24)
	csrr a0, misa
	srli a1, a0, 62
	CHECK(a1, 2)
	li t0, (1 << 8) | (1 << 12) | (1 << 0) | (1 << 5) | (1 << 3) | (1 << 2) | (1 << 18) | (1 << 20)
	and a1, a0, t0
	CHECK_R(a1, t0)

/* mhartid of the boot hart is 0. */
	CASE(25)
	csrr a0, mhartid
	CHECK(a0, 0)

/* mstatus: UXL and SXL report 64-bit (2); sstatus is a restricted view. */
	CASE(26)
	csrr a0, mstatus
	srli a1, a0, 32
	andi a1, a1, 0xf
	CHECK(a1, 0xa)                   /* SXL = 2, UXL = 2 */
	CASE(27)
	csrci mstatus, MSTATUS_MIE
	li t0, MSTATUS_SIE
	csrs sstatus, t0                 /* sets mstatus.SIE */
	csrr a0, mstatus
	andi a1, a0, MSTATUS_SIE
	CHECK(a1, MSTATUS_SIE)
	li t0, MSTATUS_MIE | MSTATUS_MPP
	csrs sstatus, t0                 /* M-only fields are not writable here */
	csrr a0, mstatus
	li t0, MSTATUS_MIE | MSTATUS_MPP
	and a1, a0, t0
	CHECK(a1, 0)
	csrr a0, sstatus
	li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
	and a1, a0, t0
	CHECK(a1, 0)                     /* and not visible */
	csrci sstatus, MSTATUS_SIE
	csrr a0, mstatus
	andi a1, a0, MSTATUS_SIE
	CHECK(a1, 0)

#ifndef SKIP_QEMU_DIFFS
/* mepc: bit 0 is always zero (IALIGN = 16 with C). (QEMU 7.2 stores and
 * returns bit 0; it only drops it when MRET jumps.) */
	CASE(28)
	li a1, 0x80001235
	csrw mepc, a1
	csrr a0, mepc
	CHECK(a0, 0x80001234)
#endif

/* medeleg: ecall from M (bit 11) cannot be delegated: "medeleg[11] is
 * read-only zero". (QEMU 7.2 lets the bit be set.) */
#ifndef SKIP_QEMU_DIFFS
	CASE(29)
	li a1, 1 << 11
	csrw medeleg, a1
	csrr a0, medeleg
	CHECK(a0, 0)
#endif
	CASE(64)
	li a1, 1 << 8
	csrw medeleg, a1
	csrr a0, medeleg
	CHECK(a0, 1 << 8)
	csrw medeleg, zero

/* sie/sip: bits of interrupts not delegated in mideleg read as zero;
 * delegated ones alias mie/mip. */
	CASE(30)
	csrw mideleg, zero
	csrw mie, zero
	li a1, MIP_SSIP | MIP_STIP | MIP_SEIP
	csrs sie, a1
	csrr a0, sie
	CHECK(a0, 0)
	csrr a0, mie
	CHECK(a0, 0)
	CASE(31)
	csrw mideleg, a1
	csrs sie, a1
	csrr a0, sie
	CHECK(a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
	csrr a0, mie
	CHECK(a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
	li a2, MIP_MSIP | MIP_MTIP | MIP_MEIP
	csrs sie, a2                     /* M bits not reachable via sie */
	csrr a0, mie
	CHECK(a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
	csrw sie, zero
	csrw mideleg, zero

/* Counters: mcycle / minstret / cycle / instret increase; minstret is
 * writable; mcountinhibit.IR stops minstret. */
	CASE(32)
	csrr a0, mcycle
	li a2, 100
1:	addi a2, a2, -1
	bnez a2, 1b
	csrr a1, mcycle
	bgtu a1, a0, 2f
	j fail
2:	CASE(33)
	csrr a0, minstret
	li a2, 100
1:	addi a2, a2, -1
	bnez a2, 1b
	csrr a1, minstret
	sub a1, a1, a0
	li t0, 200                       /* >= 200 instructions retired */
	bgeu a1, t0, 2f
	j fail
2:	CASE(34)
	rdcycle a0
	rdinstret a1
	li a2, 10
1:	addi a2, a2, -1
	bnez a2, 1b
	rdcycle a3
	rdinstret a4
	FAIL_IF_EQ(a0, a3)
	FAIL_IF_EQ(a1, a4)
	CASE(35)
	li a1, 1000000
	csrw minstret, a1
	csrr a0, minstret
	sub a0, a0, a1
	li t0, 1000000                   /* small, non-negative distance */
	bltu a0, t0, 1f
	j fail
1:
/* mcountinhibit.IR (bit 2) freezes minstret (the register is WARL: if
 * IR does not stick, there is nothing to check). */
	CASE(36)
	csrwi mcountinhibit, 4
	csrr a0, mcountinhibit
	andi a0, a0, 4
	beqz a0, 3f
	csrr a0, minstret
	nop
	nop
	nop
	csrr a1, minstret
	csrwi mcountinhibit, 0
	CHECK_R(a0, a1)
	csrr a2, minstret
	FAIL_IF_EQ(a1, a2)
3:	csrwi mcountinhibit, 0

/* S mode: may not touch M-level CSRs; U mode may not touch S-level ones. */
	CASE(37)
	GOTO_S
	TEST_ILLEGAL(38, csrr a0, mscratch)
	TEST_ILLEGAL(39, csrw mstatus, zero)
	TEST_ILLEGAL(40, csrr a0, mhartid)
	TEST_NO_TRAP(41, csrr a0, sscratch)
	TEST_NO_TRAP(42, csrr a0, sstatus)
	GOTO_M
	CASE(43)
	GOTO_U
	TEST_ILLEGAL(44, csrr a0, sstatus)
	TEST_ILLEGAL(45, csrw sscratch, a0)
	TEST_ILLEGAL(46, csrr a0, mscratch)
	TEST_NO_TRAP(47, rdcycle a0)     /* mcounteren = scounteren = 7 */
	TEST_NO_TRAP(48, rdinstret a0)
	GOTO_M

/* Counter enables: U needs both mcounteren and scounteren; S needs
 * mcounteren. */
	CASE(49)
	csrw scounteren, zero
	GOTO_U
	TEST_ILLEGAL(50, rdcycle a0)
	TEST_ILLEGAL(51, rdinstret a0)
	TEST_ILLEGAL(52, rdtime a0)
	GOTO_M
	GOTO_S
	TEST_NO_TRAP(53, rdcycle a0)
	TEST_NO_TRAP(54, rdinstret a0)
	GOTO_M
	CASE(55)
	csrwi mcounteren, 5              /* CY and IR, not TM */
	GOTO_S
	TEST_NO_TRAP(56, rdcycle a0)
	TEST_ILLEGAL(57, rdtime a0)
	GOTO_M
	csrw mcounteren, zero
	GOTO_S
	TEST_ILLEGAL(58, rdcycle a0)
	TEST_ILLEGAL(59, rdinstret a0)
	GOTO_M
	csrwi mcounteren, 7
	csrwi scounteren, 7

#ifndef SKIP_QEMU_DIFFS
/* A write of zero from a register other than x0 is still a write:
 * illegal on a read-only CSR. (QEMU 7.2 decides by the value, not the
 * register, and lets these through.) */
	CASE(60)
	li a1, 0
	TEST_ILLEGAL(61, csrrs a0, mhartid, a1)
	TEST_ILLEGAL(62, csrrc a0, cycle, a1)
#endif

#ifndef SKIP_QEMU_DIFFS

/* time is readable in M mode and follows the CLINT's mtime. (QEMU's spike
 * machine has no time CSR: rdtime is an illegal instruction there.) */
	CASE(63)
	li t0, CLINT_MTIME
	ld a1, 0(t0)
	rdtime a0
	ld a2, 0(t0)
	bgeu a0, a1, 1f
	j fail
1:	bgeu a2, a0, 2f
	j fail
2:
#endif

TESTS_END
