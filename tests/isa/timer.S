/* timer.S: CLINT machine timer and timer interrupts.
 * Privileged spec ("Machine Timer Registers (mtime and mtimecmp)", mip/mie)
 * and the SiFive CLINT / ACLINT layout: mtime at 0x0200bff8 counts up at a
 * constant rate; mip.MTIP is pending while mtime >= mtimecmp (hart 0's at
 * 0x02004000) and is cleared by writing mtimecmp; MTIP is read-only in mip.
 * A pending, enabled machine timer interrupt traps with mcause =
 * 0x8000000000000007; WFI waits for it, and the trap's mepc is the
 * instruction after the WFI. Priority among M interrupts: MEI > MSI > MTI.
 */
#include "test.h"

#define FAR_FUTURE -1

/* wait (bounded) until (mip & bit) == want */
#define WAIT_MIP(bit, want) \
	li t2, 1000000; 71: csrr t1, mip; andi t1, t1, bit; li t0, want; beq t1, t0, 72f; \
	addi t2, t2, -1; bnez t2, 71b; j fail; 72:

TESTS_BEGIN

/* mtime increases. */
	CASE(1)
	li s0, CLINT_MTIME
	ld a0, 0(s0)
	li t0, 10000
1:	addi t0, t0, -1
	bnez t0, 1b
	ld a1, 0(s0)
	bgtu a1, a0, 2f
	j fail
2:
/* mtimecmp in the far future: MTIP clear. In the past: MTIP set; it is
 * read-only in mip; writing mtimecmp again clears it. */
	CASE(2)
	li s1, CLINT_MTIMECMP0
	li t0, FAR_FUTURE
	sd t0, 0(s1)
	WAIT_MIP(MIP_MTIP, 0)
	CASE(3)
	sd zero, 0(s1)
	WAIT_MIP(MIP_MTIP, MIP_MTIP)
	CASE(4)
	li t0, MIP_MTIP
	csrc mip, t0                     /* no effect */
	csrr a0, mip
	andi a0, a0, MIP_MTIP
	CHECK(a0, MIP_MTIP)
	CASE(5)
	ld t0, 0(s1)                     /* mtimecmp reads back */
	CHECK(t0, 0)
	li t0, FAR_FUTURE
	sd t0, 0(s1)
	WAIT_MIP(MIP_MTIP, 0)

/* Timer interrupt through WFI: cause 7 (interrupt), mepc after the WFI,
 * and mtime has reached mtimecmp by then. */
	CASE(6)
	TRAP_ARM
	ld a0, 0(s0)
	li t0, 1000                      /* 100 us at 10 MHz */
	add a2, a0, t0
	sd a2, 0(s1)
	li t0, MIP_MTIP
	csrs mie, t0
	csrsi mstatus, MSTATUS_MIE
1:	wfi
2:	TRAP_FIELD(t0, TR_COUNT)         /* WFI may also return spuriously */
	beqz t0, 1b
	csrci mstatus, MSTATUS_MIE
	TRAP_DISARM
	CHECK_TRAP_CAUSE(CAUSE_INTR | 7)
	TRAP_FIELD(a0, TR_EPC)
	la t0, 2b
	CHECK_R(a0, t0)
	ld a1, 0(s0)
	bgeu a1, a2, 3f
	j fail
3:	CASE(7)                          /* still pending until mtimecmp moves */
	csrr a0, mip
	andi a0, a0, MIP_MTIP
	CHECK(a0, MIP_MTIP)
	li t0, FAR_FUTURE
	sd t0, 0(s1)
	WAIT_MIP(MIP_MTIP, 0)

/* With mstatus.MIE = 0 the interrupt is not taken in M mode, but WFI
 * still wakes up and mip shows it. */
	CASE(8)
	TRAP_ARM
	csrci mstatus, MSTATUS_MIE
	li t0, MIP_MTIP
	csrs mie, t0
	ld a0, 0(s0)
	addi a0, a0, 500
	sd a0, 0(s1)
1:	wfi
	csrr a1, mip
	andi a1, a1, MIP_MTIP
	beqz a1, 1b
	CHECK_NO_TRAP
	CASE(9)                          /* taken from S mode even with MIE = 0 */
	GOTO_S
	nop
	GOTO_M
	TRAP_DISARM
	TRAP_FIELD(a0, TR_COUNT)
	CHECK(a0, 2)                     /* the interrupt, then GOTO_M's ecall */
	CASE(10)
	csrw mie, zero
	li t0, FAR_FUTURE
	sd t0, 0(s1)
	WAIT_MIP(MIP_MTIP, 0)

/* Priority: with MSI and MTI both pending, MSI (3) is taken first. */
	CASE(11)
	la t0, log_handler
	csrw mtvec, t0
	la t0, irq_log
	sd zero, 0(t0)
	sd zero, 8(t0)
	sd zero, 16(t0)
	li t0, CLINT_MSIP0
	li t1, 1
	sw t1, 0(t0)
	sd zero, 0(s1)                   /* MTIP */
	WAIT_MIP(MIP_MTIP, MIP_MTIP)
	WAIT_MIP(MIP_MSIP, MIP_MSIP)
	li t0, MIP_MTIP | MIP_MSIP
	csrs mie, t0
	csrsi mstatus, MSTATUS_MIE       /* both taken, one after the other */
	nop
	nop
	csrci mstatus, MSTATUS_MIE
	la t0, irq_log
	ld a0, 0(t0)
	CHECK(a0, 2)                     /* two interrupts */
	ld a0, 8(t0)
	CHECK(a0, CAUSE_INTR | 3)
	ld a0, 16(t0)
	CHECK(a0, CAUSE_INTR | 7)
	la t0, trap_entry
	csrw mtvec, t0
	li t0, CLINT_MSIP0
	sw zero, 0(t0)
	li t0, FAR_FUTURE
	sd t0, 0(s1)
	WAIT_MIP(MIP_MTIP, 0)
	WAIT_MIP(MIP_MSIP, 0)

/* Supervisor timer interrupt: mip.STIP is writable by M mode; delegated
 * through mideleg it traps to S with scause = 0x8000000000000005. */
	CASE(12)
	la t0, strap_entry
	csrw stvec, t0
	la t6, strap_rec
	sd zero, TR_COUNT(t6)
	li t0, MIP_STIP
	csrw mideleg, t0
	csrs mie, t0
	csrs mip, t0
	csrsi mstatus, MSTATUS_SIE
	GOTO_S
	nop
	STRAP_FIELD(a0, TR_COUNT)
	CHECK(a0, 1)
	STRAP_FIELD(a0, TR_CAUSE)
	CHECK(a0, CAUSE_INTR | 5)
	GOTO_M
	li t0, MIP_STIP
	csrc mip, t0
	csrw mideleg, zero
	csrw mie, zero
	csrci mstatus, MSTATUS_SIE

/* mtime is writable (CLINT); it keeps counting from the new value. */
	CASE(13)
	li t0, 0x100000000
	sd t0, 0(s0)
	ld a0, 0(s0)
	li t1, 0x100000000
	bgeu a0, t1, 1f
	j fail
1:	li t1, 0x100000000 + 10000000    /* within a (virtual) second */
	bltu a0, t1, 2f
	j fail
2:

TESTS_END

/* mtvec handler for CASE(11): log mcause, disable that interrupt. */
	.text
	.align 6
log_handler:
	la s11, irq_log
	ld s10, 0(s11)
	addi s10, s10, 1
	sd s10, 0(s11)
	slli s10, s10, 3
	add s11, s11, s10
	csrr s10, mcause
	sd s10, 0(s11)
	andi s10, s10, 63
	li s11, 1
	sll s11, s11, s10
	csrc mie, s11
	mret

	.data
	.align 3
irq_log:
	.dword 0, 0, 0, 0
