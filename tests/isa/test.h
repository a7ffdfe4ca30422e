/* test.h: common startup, trap handlers and test macros for the glass ISA
 * tests (tests/isa/*.S). Written from the RISC-V unprivileged and privileged
 * specifications.
 *
 * Contract (Spike HTIF convention)
 *   - Every hart starts in M mode at 0x80000000. Harts with mhartid != 0
 *     park in a wfi loop; hart 0 runs the tests.
 *   - The result is reported by storing (code << 1) | 1 to `tohost`:
 *     code 0 = pass, code N = test case N failed. Then the hart loops.
 *     Case numbers must be 1..254 (the exit status of a simulator is 8 bits);
 *     255 means "failed outside a numbered case".
 *
 * Register conventions for test bodies
 *   gp (x3)     TESTNUM: number of the current case (set by every macro)
 *   s8, s9      reserved for the S-mode trap handler
 *   s10, s11    reserved for the M-mode trap handler
 *   t3..t6      clobbered by the checking macros
 *   a0..a7, s0..s7, t0..t2, tp, ra: free for tests
 *
 * Trap handling
 *   mtvec points at trap_entry (direct mode). It records mcause, mtval,
 *   mepc, mstatus and a trap count in trap_rec, then:
 *     - if a resume address was set (trap_rec.resume), returns there in
 *       M mode (this is how code running in S/U mode gets back to M);
 *     - interrupts: clears the interrupt's enable bit in mie (so a level
 *       interrupt cannot storm) and returns to mepc;
 *     - synchronous exceptions while a trap is expected (trap_rec.expect):
 *       skips the faulting instruction (2 or 4 bytes, read at mepc, which
 *       must be readable as a physical address, i.e. identity mapped);
 *     - any other synchronous exception fails the test with the current
 *       case number.
 *   stvec (when a test installs it) points at strap_entry, which does the
 *   same with the S-mode CSRs into strap_rec and returns with sret.
 *
 * Startup state for the body: M mode, mtvec = trap_entry, no delegation,
 * mie = 0, satp = 0, menvcfg = 0, PMP entry 0 = all memory RWX (so S and U
 * mode can run), mstatus.FS = Initial, fcsr = 0, mcounteren = scounteren =
 * 7, sp = top of an 8 KiB stack. putchar(a0) writes a byte to the HTIF
 * console (optional, for debugging).
 *
 * Building and running: `make isa` builds build/isa/<name>.elf; then
 *   tests/isa/run.sh build/glass -bios none -kernel
 *   tests/isa/run.sh qemu-system-riscv64 -M spike -cpu rv64,svpbmt=on \
 *       -nographic -bios none -kernel
 * Cases known to disagree with QEMU 7.2 are marked SKIP_QEMU_DIFFS (below).
 */
#ifndef GLASS_ISA_TEST_H
#define GLASS_ISA_TEST_H

#define TESTNUM gp

/* ---- architectural constants (privileged spec) ---- */
#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_MPP_S (1 << 11)
#define MSTATUS_MPP_M (3 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_DIRTY   (3 << 13)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)
#define MSTATUS_SD    (1 << 63)

#define MIP_SSIP (1 << 1)
#define MIP_MSIP (1 << 3)
#define MIP_STIP (1 << 5)
#define MIP_MTIP (1 << 7)
#define MIP_SEIP (1 << 9)
#define MIP_MEIP (1 << 11)

#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL_INSN      2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_U           8
#define CAUSE_ECALL_S           9
#define CAUSE_ECALL_M           11
#define CAUSE_FETCH_PAGE_FAULT  12
#define CAUSE_LOAD_PAGE_FAULT   13
#define CAUSE_STORE_PAGE_FAULT  15
#define CAUSE_INTR              (1 << 63)

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_PBMT_NC (1 << 61)
#define PTE_PBMT_IO (2 << 61)
#define PTE_PBMT_RSV (3 << 61)

#define SATP_SV39 (8 << 60)
#define SATP_SV48 (9 << 60)
#define MENVCFG_PBMTE (1 << 62)

#define CLINT_BASE     0x02000000
#define CLINT_MSIP0    (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP0 (CLINT_BASE + 0x4000)
#define CLINT_MTIME    (CLINT_BASE + 0xbff8)

/* trap record layout (trap_rec for M mode, strap_rec for S mode) */
#define TR_CAUSE   0
#define TR_TVAL    8
#define TR_EPC     16
#define TR_STATUS  24
#define TR_COUNT   32
#define TR_RESUME  40
#define TR_EXPECT  48

/* ------------------------------------------------------------------ */
/* Startup, handlers, pass/fail: emitted once where test.h is included */
/* ------------------------------------------------------------------ */

	.option nopic                    /* la = pc-relative, no GOT */

	/* HTIF mailbox (placed alone in its own page by isa.ld) */
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
	.option push
	.option norvc
	.globl _start
_start:
	csrr t0, mhartid
	bnez t0, park_hart
	la t0, trap_entry
	csrw mtvec, t0
	csrw mie, zero
	csrw mip, zero
	csrw medeleg, zero
	csrw mideleg, zero
	csrw satp, zero
	csrw menvcfg, zero
	/* PMP: one NAPOT entry covering everything, RWX, so S and U mode
	 * may access memory (with PMP implemented and no entry matching,
	 * S/U accesses would fail). */
	li t0, -1
	csrw pmpaddr0, t0
	li t0, 0x1f
	csrw pmpcfg0, t0
	/* FP unit on (FS = Initial), rounding mode RNE, no flags */
	li t0, MSTATUS_FS_INITIAL
	csrw mstatus, t0
	csrw fcsr, zero
	/* let S and U mode read cycle, time, instret */
	li t0, 7
	csrw mcounteren, t0
	csrw scounteren, t0
	la sp, stack_top
	li TESTNUM, 0
	j tests

park_hart:
	wfi
	j park_hart

/* --- M-mode trap handler --- */
	.align 6
	.globl trap_entry
trap_entry:
	la s11, trap_rec
	csrr s10, mcause
	sd s10, TR_CAUSE(s11)
	csrr s10, mtval
	sd s10, TR_TVAL(s11)
	csrr s10, mepc
	sd s10, TR_EPC(s11)
	csrr s10, mstatus
	sd s10, TR_STATUS(s11)
	ld s10, TR_COUNT(s11)
	addi s10, s10, 1
	sd s10, TR_COUNT(s11)
	/* resume address set: continue there, in M mode */
	ld s10, TR_RESUME(s11)
	beqz s10, 1f
	sd zero, TR_RESUME(s11)
	csrw mepc, s10
	li s10, MSTATUS_MPP
	csrs mstatus, s10
	mret
1:	/* interrupt: disable its source in mie, return to the same place */
	csrr s10, mcause
	bgez s10, 2f
	andi s10, s10, 63
	li s11, 1
	sll s11, s11, s10
	csrc mie, s11
	mret
2:	/* synchronous: only allowed when a test expects it */
	ld s10, TR_EXPECT(s11)
	beqz s10, trap_unexpected
	csrr s10, mcause
	addi s10, s10, -CAUSE_FETCH_ACCESS
	beqz s10, trap_unexpected        /* cannot skip a failed fetch */
	addi s10, s10, CAUSE_FETCH_ACCESS - CAUSE_FETCH_PAGE_FAULT
	beqz s10, trap_unexpected
	csrr s11, mepc
	lhu s10, 0(s11)
	andi s10, s10, 3
	addi s10, s10, -3
	addi s11, s11, 2                 /* compressed: 2 bytes */
	bnez s10, 3f
	addi s11, s11, 2                 /* 32-bit: 4 bytes */
3:	csrw mepc, s11
	mret

trap_unexpected:
	j fail

/* --- S-mode trap handler (installed by tests that delegate) --- */
	.align 6
	.globl strap_entry
strap_entry:
	la s9, strap_rec
	csrr s8, scause
	sd s8, TR_CAUSE(s9)
	csrr s8, stval
	sd s8, TR_TVAL(s9)
	csrr s8, sepc
	sd s8, TR_EPC(s9)
	csrr s8, sstatus
	sd s8, TR_STATUS(s9)
	ld s8, TR_COUNT(s9)
	addi s8, s8, 1
	sd s8, TR_COUNT(s9)
	ld s8, TR_RESUME(s9)
	beqz s8, 1f
	sd zero, TR_RESUME(s9)
	csrw sepc, s8
	li s8, MSTATUS_SPP
	csrs sstatus, s8                 /* resume in S mode */
	sret
1:	csrr s8, scause
	bgez s8, 2f
	andi s8, s8, 63
	li s9, 1
	sll s9, s9, s8
	csrc sie, s9
	sret
2:	ld s8, TR_EXPECT(s9)
	beqz s8, trap_unexpected
	csrr s8, scause
	addi s8, s8, -CAUSE_FETCH_ACCESS
	beqz s8, trap_unexpected
	addi s8, s8, CAUSE_FETCH_ACCESS - CAUSE_FETCH_PAGE_FAULT
	beqz s8, trap_unexpected
	csrr s9, sepc
	lhu s8, 0(s9)
	andi s8, s8, 3
	addi s8, s8, -3
	addi s9, s9, 2
	bnez s8, 3f
	addi s9, s9, 2
3:	csrw sepc, s9
	sret

/* --- pass / fail --- */
	.globl pass
pass:
	li a0, 1
	j htif_exit

	.globl fail
fail:
	bnez TESTNUM, 1f
	li TESTNUM, 255
1:	andi a0, TESTNUM, 255
	slli a0, a0, 1
	ori a0, a0, 1
htif_exit:
	fence
	la t0, tohost
	sd a0, 0(t0)
1:	j 1b

/* putchar(a0): HTIF console, device 1 command 1. Waits (bounded) for
 * the host to clear tohost before and after the write. Clobbers t0-t2. */
	.globl putchar
putchar:
	la t0, tohost
	li t2, 1000000
1:	ld t1, 0(t0)
	beqz t1, 2f
	addi t2, t2, -1
	bnez t2, 1b
2:	li t1, 0x0101
	slli t1, t1, 48
	andi a0, a0, 0xff
	or t1, t1, a0
	sd t1, 0(t0)
	li t2, 1000000
3:	ld t1, 0(t0)
	beqz t1, 4f
	addi t2, t2, -1
	bnez t2, 3b
4:	ret
	.option pop

	.section .data
	.align 6
	.globl trap_rec
trap_rec:
	.dword 0, 0, 0, 0, 0, 0, 0, 0
	.globl strap_rec
strap_rec:
	.dword 0, 0, 0, 0, 0, 0, 0, 0

	.text

/* ------------------------------------------------------------------ */
/* Test body                                                          */
/* ------------------------------------------------------------------ */

/* The test body goes between TESTS_BEGIN and TESTS_END. */
#define TESTS_BEGIN .text; .globl tests; tests:
#define TESTS_END   j pass

/* Start case n: assembler-checks the number range and loads TESTNUM. */
#define CASE(n) \
	.if ((n) < 1) || ((n) > 254); .error "case number out of range 1..254"; .endif; \
	li TESTNUM, n

/* Fail the current case unless reg == expected constant / other register. */
#define CHECK(reg, expected) \
	li t6, expected; beq reg, t6, 91f; j fail; 91:
#define CHECK_R(reg, expreg) \
	beq reg, expreg, 91f; j fail; 91:
/* Same, comparing only the low 32 bits sign-extended (for 32-bit results) */
#define CHECK32(reg, expected) \
	li t6, expected; sext.w t6, t6; beq reg, t6, 91f; j fail; 91:
#define FAIL_IF_NE(a, b)  beq a, b, 91f; j fail; 91:
#define FAIL_IF_EQ(a, b)  bne a, b, 91f; j fail; 91:

/* Generic case: run `code`, then compare `reg` with `expected`. */
#define TEST_CASE(n, reg, expected, code...) \
	CASE(n); code; CHECK(reg, expected)

/* Register-register: insn a0, a1, a2 */
#define TEST_RR(n, insn, expected, val1, val2) \
	CASE(n); li a1, val1; li a2, val2; insn a0, a1, a2; CHECK(a0, expected)
/* Same with rd == rs1, and with rd == rs2 */
#define TEST_RR_RD_RS1(n, insn, expected, val1, val2) \
	CASE(n); li a1, val1; li a2, val2; insn a1, a1, a2; CHECK(a1, expected)
#define TEST_RR_RD_RS2(n, insn, expected, val1, val2) \
	CASE(n); li a1, val1; li a2, val2; insn a2, a1, a2; CHECK(a2, expected)
/* Register-immediate: insn a0, a1, imm */
#define TEST_IMM(n, insn, expected, val1, imm) \
	CASE(n); li a1, val1; insn a0, a1, imm; CHECK(a0, expected)
/* Unary: insn a0, a1 */
#define TEST_R(n, insn, expected, val1) \
	CASE(n); li a1, val1; insn a0, a1; CHECK(a0, expected)

/* Load: insn a0, off(base) and compare */
#define TEST_LOAD(n, insn, expected, base, off) \
	CASE(n); la a1, base; insn a0, off(a1); CHECK(a0, expected)
/* Store val with st at off(base), read back with ld, compare */
#define TEST_STORE(n, st, ld, expected, val, base, off) \
	CASE(n); la a1, base; li a2, val; st a2, off(a1); ld a0, off(a1); \
	CHECK(a0, expected)

/* Branch taken / not taken: br a1, a2, target */
#define TEST_BR_TAKEN(n, br, val1, val2) \
	CASE(n); li a1, val1; li a2, val2; br a1, a2, 92f; j fail; 92:
#define TEST_BR_NOT_TAKEN(n, br, val1, val2) \
	CASE(n); li a1, val1; li a2, val2; br a1, a2, 92f; j 93f; 92: j fail; 93:

/* --- trap expectations (M-mode handler) --- */

/* Prepare for an expected synchronous trap: clear the record, set expect */
#define TRAP_ARM \
	la t6, trap_rec; li t5, -1; sd t5, TR_CAUSE(t6); sd t5, TR_TVAL(t6); \
	sd t5, TR_EPC(t6); sd zero, TR_COUNT(t6); li t5, 1; sd t5, TR_EXPECT(t6)
#define TRAP_DISARM \
	la t6, trap_rec; sd zero, TR_EXPECT(t6)
/* Load a trap_rec field into reg */
#define TRAP_FIELD(reg, field) \
	la t6, trap_rec; ld reg, field(t6)
/* Check: exactly one trap with the given cause since TRAP_ARM */
#define CHECK_TRAP_CAUSE(cause) \
	TRAP_FIELD(t5, TR_COUNT); CHECK(t5, 1); TRAP_FIELD(t5, TR_CAUSE); CHECK(t5, cause)
#define CHECK_NO_TRAP \
	TRAP_FIELD(t5, TR_COUNT); CHECK(t5, 0)

/* Run one instruction that must trap with `cause`, mtval == tval and
 * mepc == the instruction's address; execution continues after it. */
#define TEST_TRAP(n, cause, tval, insn...) \
	CASE(n); TRAP_ARM; 94: insn; TRAP_DISARM; CHECK_TRAP_CAUSE(cause); \
	TRAP_FIELD(t5, TR_TVAL); CHECK(t5, tval); \
	TRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4)
/* Same, expected mtval in a register (not t3..t6) */
#define TEST_TRAP_R(n, cause, tvalreg, insn...) \
	CASE(n); TRAP_ARM; 94: insn; TRAP_DISARM; CHECK_TRAP_CAUSE(cause); \
	TRAP_FIELD(t5, TR_TVAL); CHECK_R(t5, tvalreg); \
	TRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4)
/* Same, mtval not checked */
#define TEST_TRAP_NOTVAL(n, cause, insn...) \
	CASE(n); TRAP_ARM; 94: insn; TRAP_DISARM; CHECK_TRAP_CAUSE(cause); \
	TRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4)
/* The instruction must raise an illegal-instruction exception with
 * mtval = its own encoding (16 or 32 bits, read back from memory) */
#define TEST_ILLEGAL(n, insn...) \
	CASE(n); TRAP_ARM; 94: insn; TRAP_DISARM; CHECK_TRAP_CAUSE(CAUSE_ILLEGAL_INSN); \
	TRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4); \
	lhu t3, 0(t4); andi t5, t3, 3; li t6, 3; bne t5, t6, 98f; \
	lhu t5, 2(t4); slli t5, t5, 16; or t3, t3, t5; 98: \
	TRAP_FIELD(t5, TR_TVAL); CHECK_R(t5, t3)
/* The instruction must not trap */
#define TEST_NO_TRAP(n, insn...) \
	CASE(n); TRAP_ARM; insn; TRAP_DISARM; CHECK_NO_TRAP

/* --- trap expectations (S-mode handler, for delegated traps) --- */
#define STRAP_ARM \
	la t6, strap_rec; li t5, -1; sd t5, TR_CAUSE(t6); sd t5, TR_TVAL(t6); \
	sd t5, TR_EPC(t6); sd zero, TR_COUNT(t6); li t5, 1; sd t5, TR_EXPECT(t6)
#define STRAP_DISARM \
	la t6, strap_rec; sd zero, TR_EXPECT(t6)
#define STRAP_FIELD(reg, field) \
	la t6, strap_rec; ld reg, field(t6)
#define CHECK_STRAP_CAUSE(cause) \
	STRAP_FIELD(t5, TR_COUNT); CHECK(t5, 1); STRAP_FIELD(t5, TR_CAUSE); CHECK(t5, cause)
#define TEST_STRAP(n, cause, tval, insn...) \
	CASE(n); STRAP_ARM; 94: insn; STRAP_DISARM; CHECK_STRAP_CAUSE(cause); \
	STRAP_FIELD(t5, TR_TVAL); CHECK(t5, tval); \
	STRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4)
#define TEST_STRAP_R(n, cause, tvalreg, insn...) \
	CASE(n); STRAP_ARM; 94: insn; STRAP_DISARM; CHECK_STRAP_CAUSE(cause); \
	STRAP_FIELD(t5, TR_TVAL); CHECK_R(t5, tvalreg); \
	STRAP_FIELD(t5, TR_EPC); la t4, 94b; CHECK_R(t5, t4)

/* --- privilege changes --- */

/* From M mode: continue at the next instruction in S / U mode (mret). */
#define GOTO_S \
	li t6, MSTATUS_MPP; csrc mstatus, t6; li t6, MSTATUS_MPP_S; csrs mstatus, t6; \
	la t6, 95f; csrw mepc, t6; mret; 95:
#define GOTO_U \
	li t6, MSTATUS_MPP; csrc mstatus, t6; \
	la t6, 95f; csrw mepc, t6; mret; 95:
/* From S or U mode (ecall not delegated, code identity mapped): continue at
 * the next instruction in M mode. GOTO_M_BY uses another trapping
 * instruction (e.g. ebreak when ecall is delegated). */
#define GOTO_M_BY(insn...) \
	la t6, trap_rec; la t5, 96f; sd t5, TR_RESUME(t6); insn; 96:
#define GOTO_M GOTO_M_BY(ecall)

/* Cases whose expectation is spec-correct but known to differ on QEMU 7.2
 * are wrapped in `#ifndef SKIP_QEMU_DIFFS`, with a comment saying how QEMU
 * differs. Building with -DSKIP_QEMU_DIFFS leaves them out, so everything
 * else can still be validated on QEMU. */

/* Set a CSR to a value / bits (clobbers t6) */
#define CSR_WRITE(csr, val) li t6, val; csrw csr, t6
#define CSR_SET(csr, val)   li t6, val; csrs csr, t6
#define CSR_CLEAR(csr, val) li t6, val; csrc csr, t6

/* Page table entry for physical address in reg `pa` with flags: pte = (pa >> 12) << 10 | flags */
#define MAKE_PTE(dst, pa, flags) \
	srli dst, pa, 12; slli dst, dst, 10; li t6, flags; or dst, dst, t6

#endif
