/* The JIT (src/cpu/jit/): what translated code must keep from the
 * interpreter besides results (fuzz_jit compares those): budgets exact
 * to one instruction, precise traps, interrupts at block boundaries,
 * self-modifying code, the debugger's jit_inhibit, chaining, a code
 * cache that fills up. Skipped (passing) where the host has no JIT. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_internal.h"
#include "cpu/jit/jit.h"
#include "harness.h"
#include "mem/address_space.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define CODE (RAM_BASE + 0x4000)
#define DATA (RAM_BASE + 0x10000)
#define MTVEC (RAM_BASE + 0x1000)
#define DEV_BASE 0x10000000ull

#define ADDI(rd, rs1, imm) \
	((((uint32_t)(imm) & 0xfff) << 20) | (rs1) << 15 | (rd) << 7 | 0x13)
#define LD(rd, rs1, imm) \
	((((uint32_t)(imm) & 0xfff) << 20) | (rs1) << 15 | 3 << 12 | (rd) << 7 | 0x03)
#define SW(rs2, rs1, imm)                                                  \
	((((uint32_t)(imm) >> 5 & 0x7f) << 25) | (rs2) << 20 | (rs1) << 15 | \
	 2 << 12 | ((uint32_t)(imm) & 31) << 7 | 0x23)
#define BNE(rs1, rs2, off)                                                 \
	((((uint32_t)(off) >> 12 & 1) << 31) | (((uint32_t)(off) >> 5 & 0x3f) << 25) | \
	 (rs2) << 20 | (rs1) << 15 | 1 << 12 | (((uint32_t)(off) >> 1 & 15) << 8) | \
	 (((uint32_t)(off) >> 11 & 1) << 7) | 0x63)
#define BEQ(rs1, rs2, off) (BNE(rs1, rs2, off) & ~(7u << 12))
#define JAL0(off)   /* jal x0, off (|off| < 1 MiB, even) */                  \
	((((uint32_t)(off) >> 20 & 1) << 31) | (((uint32_t)(off) >> 1 & 0x3ff) << 21) | \
	 (((uint32_t)(off) >> 11 & 1) << 20) | (((uint32_t)(off) >> 12 & 0xff) << 12) | 0x6f)

/* A device whose register write raises MSIP (as the CLINT would). */
struct dev {
	struct hart *h;
	uint64_t last;
};

static uint64_t dev_read(void *opaque, uint64_t off, unsigned size,
			 const struct glass_attrs *who)
{
	return 0x1234 + off;
}

static void dev_write(void *opaque, uint64_t off, uint64_t val, unsigned size,
		      const struct glass_attrs *who)
{
	struct dev *d = opaque;

	d->last = val;
	hart_set_mip(d->h, MIP_MSIP, 1);
}

static const struct glass_region_ops dev_ops = {
	.read = dev_read, .write = dev_write, .valid = GLASS_W4 | GLASS_W8,
};

struct env {
	struct address_space as;
	struct region *ram;
	struct dev dev;
	struct hart h;
	uint64_t time;
	uint64_t at;
};

static uint64_t env_time(void *opaque)
{
	return ++((struct env *)opaque)->time;
}

static void on_code(void *opaque, uint64_t pa_page)
{
	hart_protect_code_page(&((struct env *)opaque)->h, pa_page);
}

static struct env *env_new(size_t cache)
{
	struct env *e = calloc(1, sizeof(*e));

	as_init(&e->as);
	e->ram = as_add_ram(&e->as, "ram", RAM_BASE, RAM_SIZE);
	as_add_mmio(&e->as, "dev", DEV_BASE, 0x1000, 1, &dev_ops, &e->dev);
	e->as.on_code = on_code;
	e->as.on_code_opaque = e;
	e->dev.h = &e->h;
	struct hart_env env = { &e->as, env_time, e };
	hart_init(&e->h, 0, &env);
	CHECK(hart_jit_enable(&e->h, cache));
	e->h.pc = CODE;
	e->h.csr.mtvec = MTVEC;
	e->at = CODE;
	return e;
}

static void env_free(struct env *e)
{
	hart_destroy(&e->h);
	as_destroy(&e->as);
	free(e);
}

static void emit(struct env *e, uint32_t insn)
{
	CHECK_EQ(as_load(&e->as, e->at, &insn, 4), MEM_OK);
	e->at += 4;
}

static struct jit_stats stats(const struct env *e)
{
	struct jit_stats s;

	jit_get_stats(e->h.jit, &s);
	return s;
}

/* a0 counts to a1 in a loop of two instructions, then j self */
static void put_loop(struct env *e)
{
	emit(e, ADDI(10, 10, 1));
	emit(e, BNE(10, 11, -4));
	emit(e, JAL0(0));
}

TEST(jit_loop_runs_translated)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	put_loop(e);
	e->h.x[11] = 100000;
	hart_run(&e->h, 200001);
	CHECK_EQ(e->h.x[10], 100000);
	CHECK_EQ(e->h.instret, 200001);
	CHECK_EQ(e->h.pc, CODE + 8);
	/* a handful of lookups, not one per iteration */
	CHECK(stats(e).blocks >= 1);
	CHECK(stats(e).lookups < 100);
	env_free(e);
}

/* Two blocks jumping to each other within a page: after the first round
 * both jumps go straight to the other block. */
TEST(jit_jumps_are_chained)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	emit(e, ADDI(10, 10, 1));        /* A: a0++, j B */
	emit(e, JAL0(8));
	emit(e, JAL0(0));
	emit(e, BNE(10, 11, -12));       /* B: a0 != a1: j A */
	emit(e, JAL0(0));
	e->h.x[11] = 100000;
	hart_run(&e->h, 300000);
	CHECK_EQ(e->h.x[10], 100000);
	CHECK_EQ(e->h.pc, CODE + 16);
	CHECK(stats(e).chained >= 2);
	CHECK(stats(e).lookups < 100);
	env_free(e);
}

/* A jump into another page is chained through a guard: it goes straight
 * to the target while the target page is unchanged, and to the new code
 * once something rewrote it. */
TEST(jit_cross_page_jumps_are_guarded)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	emit(e, ADDI(10, 10, 1));        /* A: a0++, j B (next page) */
	emit(e, JAL0(PAGE_SIZE - 4));
	e->at = CODE + PAGE_SIZE;
	emit(e, ADDI(12, 12, 1));        /* B: a2++; a0 != a1: j A */
	emit(e, BEQ(10, 11, 8));
	emit(e, JAL0(-(int32_t)PAGE_SIZE - 8));
	emit(e, JAL0(0));
	e->h.x[11] = 50000;
	hart_run(&e->h, 250000);
	CHECK_EQ(e->h.x[10], 50000);
	CHECK_EQ(e->h.x[12], 50000);
	CHECK(stats(e).lookups < 100);
	/* B's page rewritten (a loader, DMA): the guard sends the jump to
	 * the new code */
	uint32_t insn = ADDI(12, 12, 2);
	CHECK_EQ(as_dma_write(&e->as, CODE + PAGE_SIZE, &insn, 4), MEM_OK);
	e->h.pc = CODE;
	e->h.x[10] = 0;
	e->h.x[12] = 0;
	e->h.x[11] = 10;
	hart_run(&e->h, 50);
	CHECK_EQ(e->h.x[10], 10);
	CHECK_EQ(e->h.x[12], 20);
	env_free(e);
}

/* A debugger single step: hart_run(h, 1) runs exactly one instruction,
 * wherever it is in a block. */
TEST(jit_budget_exact_to_one)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	put_loop(e);
	e->h.x[11] = 5;
	for (int i = 1; i <= 9; i++) {
		CHECK_EQ(hart_run(&e->h, 1), 1);
		CHECK_EQ(e->h.instret, i);
		CHECK_EQ(e->h.pc, i & 1 ? CODE + 4 : CODE);
	}
	CHECK_EQ(e->h.x[10], 5);
	hart_run(&e->h, 1);
	CHECK_EQ(e->h.pc, CODE + 8);
	/* and a budget that ends inside a translated block */
	e->h.pc = CODE;
	e->h.x[10] = 0;
	e->h.x[11] = 1000;
	hart_run(&e->h, 777);
	CHECK_EQ(e->h.instret, 10 + 777);
	CHECK_EQ(e->h.x[10], 389);
	CHECK_EQ(e->h.pc, CODE + 4);
	env_free(e);
}

/* A load that faults in the middle of a block: what ran before is in the
 * registers (stored from host registers), rd keeps its value, mepc,
 * mtval and instret are exact. */
TEST(jit_trap_mid_block_is_precise)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	emit(e, ADDI(10, 10, 1));
	emit(e, ADDI(12, 10, 5));
	emit(e, LD(12, 13, 8));          /* x13 + 8: nothing there */
	emit(e, ADDI(10, 10, 1));
	emit(e, JAL0(0));
	e->h.x[13] = 0x2000;
	hart_run(&e->h, 3);
	CHECK_EQ(e->h.x[10], 1);
	CHECK_EQ(e->h.x[12], 6);
	CHECK_EQ(e->h.csr.mcause, CAUSE_LOAD_ACCESS);
	CHECK_EQ(e->h.csr.mepc, CODE + 8);
	CHECK_EQ(e->h.csr.mtval, 0x2008);
	CHECK_EQ(e->h.instret, 2);
	CHECK_EQ(e->h.pc, MTVEC);
	env_free(e);
}

/* A device access that raises an interrupt ends the block after it: the
 * interrupt is taken before the next instruction. */
TEST(jit_interrupt_after_device_write)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	emit(e, ADDI(10, 10, 1));
	emit(e, SW(10, 13, 0));          /* the device raises MSIP */
	emit(e, ADDI(10, 10, 1));
	emit(e, JAL0(0));
	e->h.x[13] = DEV_BASE;
	e->h.csr.mie = MIP_MSIP;
	e->h.csr.mstatus |= MSTATUS_MIE;
	e->h.irq_check = true;
	hart_run(&e->h, 2);
	CHECK_EQ(e->dev.last, 1);
	CHECK_EQ(e->h.csr.mcause, CAUSE_INTERRUPT | IRQ_MSI);
	CHECK_EQ(e->h.csr.mepc, CODE + 8);
	CHECK_EQ(e->h.x[10], 1);
	CHECK_EQ(e->h.instret, 2);
	env_free(e);
}

/* Device reads go through the address space and come back extended. */
TEST(jit_device_read)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	emit(e, LD(10, 13, 8));
	emit(e, JAL0(0));
	e->h.x[13] = DEV_BASE;
	hart_run(&e->h, 1);
	CHECK_EQ(e->h.x[10], 0x1234 + 8);
	env_free(e);
}

/* A store into the running block's own page: the block ends after it,
 * and the next instruction is the one now in memory. */
TEST(jit_self_modifying_code)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	emit(e, SW(12, 13, 0));          /* patches CODE + 8 */
	emit(e, ADDI(10, 10, 1));
	emit(e, ADDI(10, 10, 1));
	emit(e, JAL0(0));
	e->h.x[12] = ADDI(10, 10, 100);
	e->h.x[13] = CODE + 8;
	hart_run(&e->h, 3);
	CHECK_EQ(e->h.x[10], 101);
	/* and translated again from there on */
	e->h.pc = CODE + 4;
	e->h.x[10] = 0;
	hart_run(&e->h, 2);
	CHECK_EQ(e->h.x[10], 101);
	env_free(e);
}

/* Code rewritten by a loader (DMA) between runs is translated again. */
TEST(jit_code_rewritten_between_runs)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	put_loop(e);
	e->h.x[11] = 10;
	hart_run(&e->h, 100);
	CHECK_EQ(e->h.x[10], 10);
	uint32_t insn = ADDI(10, 10, 3);
	CHECK_EQ(as_dma_write(&e->as, CODE, &insn, 4), MEM_OK);
	e->h.pc = CODE;
	e->h.x[10] = 0;
	e->h.x[11] = 30;
	hart_run(&e->h, 100);
	CHECK_EQ(e->h.x[10], 30);
	env_free(e);
}

/* jit_inhibit (debuggers): nothing is translated while it is set, and
 * the results are the same. */
TEST(jit_inhibit_means_interpreter)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	put_loop(e);
	e->h.x[11] = 1000;
	e->h.jit_inhibit = 1;
	hart_run(&e->h, 2001);
	CHECK_EQ(e->h.x[10], 1000);
	CHECK_EQ(e->h.instret, 2001);
	CHECK_EQ(stats(e).blocks, 0);
	e->h.jit_inhibit = 0;
	e->h.pc = CODE;
	e->h.x[10] = 0;
	hart_run(&e->h, 2001);
	CHECK_EQ(e->h.x[10], 1000);
	CHECK(stats(e).blocks >= 1);
	env_free(e);
}

/* jit_inhibit set by a device side effect in the middle of translated
 * code: the rest runs in the interpreter. */
static void inhibit_write(void *opaque, uint64_t off, uint64_t val,
			  unsigned size, const struct glass_attrs *who)
{
	struct dev *d = opaque;

	d->h->jit_inhibit = 1;
}

TEST(jit_inhibit_honoured_at_next_block)
{
	if (!jit_available())
		return;
	static const struct glass_region_ops ops = {
		.read = dev_read, .write = inhibit_write, .valid = GLASS_W4,
	};
	struct env *e = env_new(1 << 20);
	struct dev d = { &e->h, 0 };

	as_add_mmio(&e->as, "inhibit", DEV_BASE + 0x1000, 0x1000, 1, &ops, &d);
	emit(e, SW(0, 13, 0));
	emit(e, ADDI(10, 10, 1));
	emit(e, BNE(10, 11, -4));
	emit(e, JAL0(0));
	e->h.x[11] = 100;
	e->h.x[13] = DEV_BASE + 0x1000;
	uint64_t before = stats(e).interp_insns;
	hart_run(&e->h, 201);
	CHECK_EQ(e->h.x[10], 100);
	CHECK_EQ(e->h.instret, 201);
	CHECK(stats(e).interp_insns - before >= 199);
	env_free(e);
}

/* ---- debuggers and the trigger module (cpu/debug.h) on a JIT hart ---- */

#define CSRW(csr, rs1) ((uint32_t)(csr) << 20 | (rs1) << 15 | 1 << 12 | 0x73)
#define MC6_EXEC_M ((6ull << 60) | (1ull << 6) | (1ull << 2))

/* A debugger's single step (budget 1, interrupts masked) on code the JIT
 * has translated: one instruction a step, a pending interrupt waits
 * until the mask goes, then is taken before the next instruction. */
TEST(jit_step_masks_interrupts)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	put_loop(e);
	e->at = MTVEC;
	emit(e, JAL0(0));                /* the handler: j self */
	e->h.x[11] = 1000;
	hart_run(&e->h, 100);           /* translated, chained */
	CHECK(stats(e).blocks >= 1);
	CHECK_EQ(e->h.pc, CODE);
	e->h.csr.mie = MIP_MSIP;
	e->h.csr.mstatus |= MSTATUS_MIE;
	hart_debug_mask_irqs(&e->h, true);
	hart_set_mip(&e->h, MIP_MSIP, 1);
	for (int i = 1; i <= 5; i++) {
		CHECK_EQ(hart_run(&e->h, 1), 1);
		CHECK_EQ(e->h.pc, i & 1 ? CODE + 4 : CODE);
		CHECK_EQ(e->h.instret, 100 + i);
	}
	CHECK_EQ(e->h.interrupts, 0);
	hart_debug_mask_irqs(&e->h, false);
	hart_run(&e->h, 1);
	CHECK_EQ(e->h.interrupts, 1);
	CHECK_EQ(e->h.csr.mcause, CAUSE_INTERRUPT | IRQ_MSI);
	CHECK_EQ(e->h.csr.mepc, CODE + 4);
	env_free(e);
}

/* A debugger's breakpoint inside a block the JIT translated and chained:
 * the hart stops on it, the instruction not run, instret exact; passed
 * once, it runs; removed, the loop runs translated again. */
TEST(jit_breakpoint_in_translated_loop)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);
	static struct dbg_points pts;
	struct dbg_hit hit;

	put_loop(e);
	e->h.x[11] = 1000;
	hart_run(&e->h, 100);
	CHECK_EQ(e->h.x[10], 50);
	pts.n = 1;
	pts.p[0] = (struct dbg_point){ .addr = CODE + 4, .last = CODE + 4,
				       .kind = DBG_EXEC };
	hart_debug_attach(&e->h, &pts);
	CHECK(e->h.jit_inhibit);
	CHECK_EQ(hart_run(&e->h, 1000), 1);
	CHECK_EQ(e->h.pc, CODE + 4);
	CHECK_EQ(e->h.x[10], 51);
	CHECK_EQ(e->h.instret, 101);
	CHECK(hart_debug_take_hit(&e->h, &hit));
	CHECK_EQ(hit.kind, DBG_EXEC);
	CHECK_EQ(hit.addr, CODE + 4);
	hart_debug_pass(&e->h, true);
	CHECK_EQ(hart_run(&e->h, 1), 1);
	hart_debug_pass(&e->h, false);
	CHECK_EQ(e->h.pc, CODE);
	CHECK_EQ(hart_run(&e->h, 1000), 1);
	CHECK_EQ(e->h.pc, CODE + 4);
	CHECK_EQ(e->h.x[10], 52);
	CHECK(hart_debug_take_hit(&e->h, &hit));
	hart_debug_attach(&e->h, NULL);
	CHECK(!e->h.jit_inhibit);
	uint64_t interp = stats(e).interp_insns;
	hart_run(&e->h, 5000);
	CHECK_EQ(e->h.x[10], 1000);
	CHECK_EQ(e->h.pc, CODE + 8);
	CHECK(stats(e).interp_insns - interp < 10);
	env_free(e);
}

/* Watchpoints on accesses the JIT had on its inline fast path (RAM,
 * virtual) and on a device register (physical, TLB_WATCH): the hart
 * stops before the access, which does not happen. */
TEST(jit_watchpoints_after_translation)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);
	static struct dbg_points pts;
	struct dbg_hit hit;

	emit(e, LD(12, 14, 0));          /* RAM: the inline fast path */
	emit(e, ADDI(10, 10, 1));
	emit(e, SW(10, 13, 0));          /* the device */
	emit(e, JAL0(-12));
	e->h.x[13] = DEV_BASE;
	e->h.x[14] = DATA;
	hart_run(&e->h, 400);
	CHECK_EQ(e->h.x[10], 100);
	CHECK_EQ(e->dev.last, 100);
	CHECK(stats(e).blocks >= 1);
	pts.n = 1;
	pts.p[0] = (struct dbg_point){ .addr = DEV_BASE, .last = DEV_BASE + 3,
				       .kind = DBG_STORE, .phys = true };
	hart_debug_attach(&e->h, &pts);
	hart_run(&e->h, 400);
	CHECK_EQ(e->h.pc, CODE + 8);
	CHECK_EQ(e->h.x[10], 101);
	CHECK_EQ(e->dev.last, 100);
	CHECK_EQ(e->h.instret, 402);
	CHECK(hart_debug_take_hit(&e->h, &hit));
	CHECK_EQ(hit.kind, DBG_STORE);
	CHECK_EQ(hit.pa, DEV_BASE);
	CHECK_EQ(hit.value, 101);
	pts.p[0] = (struct dbg_point){ .addr = DATA + 4, .last = DATA + 4,
				       .kind = DBG_LOAD };
	hart_debug_attach(&e->h, &pts);
	hart_debug_pass(&e->h, true);  /* the store the point stopped */
	hart_run(&e->h, 1);
	hart_debug_pass(&e->h, false);
	CHECK_EQ(e->dev.last, 101);
	hart_run(&e->h, 400);
	CHECK_EQ(e->h.pc, CODE);
	CHECK_EQ(e->h.instret, 404);
	CHECK(hart_debug_take_hit(&e->h, &hit));
	CHECK_EQ(hit.kind, DBG_LOAD);
	CHECK_EQ(hit.va, DATA);
	CHECK_EQ(hit.addr, DATA + 4);
	hart_debug_attach(&e->h, NULL);
	hart_run(&e->h, 4);
	CHECK_EQ(e->dev.last, 102);
	env_free(e);
}

/* The guest arms an execute trigger (mcontrol6) from translated code,
 * aimed at a block the JIT has already translated: the breakpoint
 * exception comes before that instruction, mepc = mtval = its address,
 * instret exact; disarmed, the JIT runs the hart again. */
TEST(jit_guest_trigger_armed_from_translated_code)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	emit(e, CSRW(CSR_TDATA2, 5));
	emit(e, CSRW(CSR_TDATA1, 6));
	emit(e, ADDI(10, 10, 1));        /* CODE + 8 */
	emit(e, ADDI(10, 10, 1));
	emit(e, ADDI(10, 10, 1));        /* CODE + 16: the trigger */
	emit(e, JAL0(0));
	e->h.pc = CODE + 8;
	hart_run(&e->h, 4);              /* CODE + 8 translated */
	CHECK_EQ(e->h.x[10], 3);
	CHECK(stats(e).blocks >= 1);
	e->h.pc = CODE;
	e->h.x[10] = 0;
	e->h.x[5] = CODE + 16;
	e->h.x[6] = MC6_EXEC_M;
	CHECK_EQ(hart_run_insns(&e->h, 5), 5);
	CHECK_EQ(e->h.csr.mcause, CAUSE_BREAKPOINT);
	CHECK_EQ(e->h.csr.mepc, CODE + 16);
	CHECK_EQ(e->h.csr.mtval, CODE + 16);
	CHECK_EQ(e->h.x[10], 2);
	CHECK_EQ(e->h.instret, 8);
	CHECK_EQ(e->h.pc, MTVEC);
	CHECK(hart_csr_poke(&e->h, CSR_TDATA1, 0));
	CHECK(!e->h.jit_inhibit);
	e->h.pc = CODE + 8;
	uint64_t interp = stats(e).interp_insns;
	hart_run(&e->h, 4);
	CHECK_EQ(e->h.x[10], 5);
	CHECK_EQ(stats(e).interp_insns, interp);
	env_free(e);
}

/* A cache too small for the code: it is flushed and refilled, and the
 * program still runs right. */
TEST(jit_cache_full_flushes)
{
	if (!jit_available())
		return;
	struct env *e = env_new(1 << 20);

	/* 64 pages of 16 blocks of 16 additions and 15 loads each, chained
	 * by jumps: more code than 1 MiB holds */
	for (int p = 0; p < 64; p++) {
		e->at = CODE + (uint64_t)p * PAGE_SIZE;
		for (int k = 0; k < 16; k++) {
			for (int i = 0; i < 31; i++)
				emit(e, i & 1 ? LD(12, 13, 0) : ADDI(10, 10, 1));
			emit(e, JAL0(4));
		}
		emit(e, JAL0(PAGE_SIZE - 16 * 32 * 4));
	}
	e->h.x[13] = RAM_BASE + 0x80000;
	for (int round = 0; round < 3; round++) {
		e->h.pc = CODE;
		e->h.x[10] = 0;
		hart_run(&e->h, 64 * (16 * 32 + 1));
		CHECK_EQ(e->h.x[10], 64 * 16 * 16);
		CHECK_EQ(e->h.pc, CODE + 64 * PAGE_SIZE);
	}
	CHECK(stats(e).flushes >= 1);
	CHECK(stats(e).code_bytes <= stats(e).code_size);
	env_free(e);
}
