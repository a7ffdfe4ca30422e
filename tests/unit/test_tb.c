/* Translation blocks and code pages: a block decoded from a page must never
 * run again once anything wrote the page, whoever wrote it (this hart
 * through a write TLB entry made before the page held code, another hart,
 * device DMA, a loader), and block boundaries must keep budgets, traps and
 * instret exact. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_internal.h"
#include "harness.h"
#include "mem/address_space.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define CODE (RAM_BASE + 0x4000)
#define MTVEC (RAM_BASE + 0x1000)

#define ADDI(rd, rs1, imm) \
	((((uint32_t)(imm) & 0xfff) << 20) | (rs1) << 15 | (rd) << 7 | 0x13)
#define SW(rs2, rs1, imm)                                                  \
	((((uint32_t)(imm) >> 5 & 0x7f) << 25) | (rs2) << 20 | (rs1) << 15 | \
	 2 << 12 | ((uint32_t)(imm) & 31) << 7 | 0x23)
#define JAL0(off)   /* jal x0, off (|off| < 1 MiB, even) */                  \
	((((uint32_t)(off) >> 20 & 1) << 31) | (((uint32_t)(off) >> 1 & 0x3ff) << 21) | \
	 (((uint32_t)(off) >> 11 & 1) << 20) | (((uint32_t)(off) >> 12 & 0xff) << 12) | 0x6f)
#define CSRR_INSTRET(rd) (0xc02u << 20 | 2 << 12 | (rd) << 7 | 0x73)

struct env {
	struct address_space as;
	struct region *ram;
	struct hart h[2];
	uint64_t time;
	int armed;            /* on_code calls */
};

static uint64_t env_time(void *opaque)
{
	return ++((struct env *)opaque)->time;
}

static void on_code(void *opaque, uint64_t pa_page)
{
	struct env *e = opaque;

	e->armed++;
	for (int i = 0; i < 2; i++)
		hart_protect_code_page(&e->h[i], pa_page);
}

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));

	as_init(&e->as);
	e->ram = as_add_ram(&e->as, "ram", RAM_BASE, RAM_SIZE);
	e->as.on_code = on_code;
	e->as.on_code_opaque = e;
	struct hart_env env = { &e->as, env_time, e };
	for (int i = 0; i < 2; i++) {
		hart_init(&e->h[i], i, &env);
		e->h[i].pc = CODE;
		e->h[i].csr.mtvec = MTVEC;
	}
	return e;
}

static void env_free(struct env *e)
{
	as_destroy(&e->as);
	free(e);
}

static void put32(struct env *e, uint64_t pa, uint32_t v)
{
	CHECK_EQ(as_load(&e->as, pa, &v, 4), MEM_OK);
}

/* CODE: a0 += 1; a0 += 1; j CODE + 0x100 (which holds "a1 = 7; j self") */
static void put_program(struct env *e)
{
	put32(e, CODE, ADDI(10, 10, 1));
	put32(e, CODE + 4, ADDI(10, 10, 1));
	put32(e, CODE + 8, JAL0(0xf8));
	put32(e, CODE + 0x100, ADDI(11, 0, 7));
	put32(e, CODE + 0x104, JAL0(0));
}

static void run_from(struct hart *h, uint64_t pc, uint64_t budget)
{
	h->pc = pc;
	h->x[10] = 0;
	hart_run(h, budget);
}

TEST(tb_block_is_built_once_and_reused)
{
	struct env *e = env_new();

	put_program(e);
	run_from(&e->h[0], CODE, 3);  /* first touch fills the code TLB */
	CHECK_EQ(e->h[0].x[10], 2);
	CHECK_EQ(e->h[0].pc, CODE + 0x100);
	run_from(&e->h[0], CODE, 3);
	uint64_t built = e->h[0].tbc.built;
	run_from(&e->h[0], CODE, 3);
	CHECK_EQ(e->h[0].x[10], 2);
	CHECK_EQ(e->h[0].tbc.built, built); /* nothing decoded again */
	CHECK_EQ(e->armed, 1);              /* one page made code, once */
	env_free(e);
}

TEST(tb_budget_splits_a_block_exactly)
{
	struct env *e = env_new();

	put_program(e);
	run_from(&e->h[0], CODE, 1);
	CHECK_EQ(e->h[0].x[10], 1);
	CHECK_EQ(e->h[0].pc, CODE + 4);
	CHECK_EQ(e->h[0].instret, 1);
	hart_run(&e->h[0], 1);
	CHECK_EQ(e->h[0].x[10], 2);
	CHECK_EQ(e->h[0].pc, CODE + 8);
	CHECK_EQ(e->h[0].instret, 2);
	env_free(e);
}

/* A write TLB entry for the page made before it held code must not let a
 * later store bypass the release. */
TEST(tb_store_through_earlier_write_entry_releases_block)
{
	struct env *e = env_new();
	struct hart *h = &e->h[0];

	put_program(e);
	/* CODE+0x200: sw x12, 0(x13); j self -- fills the write TLB for the
	 * code page before any block of it exists... */
	put32(e, CODE + 0x200, SW(12, 13, 0));
	put32(e, CODE + 0x204, JAL0(0));
	h->x[12] = ADDI(10, 10, 1);
	h->x[13] = CODE + 0x300; /* a harmless spot on the same page */
	run_from(h, CODE + 0x200, 1);
	CHECK_EQ(h->tlb.cur->write[tlb_index(CODE)].tag, CODE & ~PAGE_MASK);
	/* ...then the page becomes code (blocks at CODE)... */
	run_from(h, CODE, 3);
	CHECK_EQ(h->x[10], 2);
	/* ...and the same store now patches CODE + 4 to "a0 += 100" */
	h->x[12] = ADDI(10, 10, 100);
	h->x[13] = CODE + 4;
	run_from(h, CODE + 0x200, 1);
	/* the release lets stores to the page go fast again... */
	CHECK_EQ(h->tlb.cur->write[tlb_index(CODE)].tag, CODE & ~PAGE_MASK);
	/* ...and the patched code runs (making the page code again) */
	run_from(h, CODE, 3);
	CHECK_EQ(h->x[10], 101);
	CHECK_EQ(h->tlb.cur->write[tlb_index(CODE)].tag, CODE | TLB_IO);
	env_free(e);
}

TEST(tb_store_by_other_hart_releases_block)
{
	struct env *e = env_new();

	put_program(e);
	/* hart 1 has a fast write entry for the page first */
	put32(e, CODE + 0x200, SW(12, 13, 0));
	put32(e, CODE + 0x204, JAL0(0));
	e->h[1].x[13] = CODE + 0x300;
	run_from(&e->h[1], CODE + 0x200, 1);
	run_from(&e->h[0], CODE, 3);            /* hart 0 makes blocks */
	CHECK_EQ(e->h[0].x[10], 2);
	e->h[1].x[12] = ADDI(10, 10, 40);
	e->h[1].x[13] = CODE;
	run_from(&e->h[1], CODE + 0x200, 1);    /* hart 1 patches CODE */
	run_from(&e->h[0], CODE, 3);
	CHECK_EQ(e->h[0].x[10], 41);
	env_free(e);
}

TEST(tb_dma_write_releases_block)
{
	struct env *e = env_new();
	uint32_t insn = ADDI(10, 10, 9);

	put_program(e);
	run_from(&e->h[0], CODE, 3);
	CHECK_EQ(e->h[0].x[10], 2);
	CHECK_EQ(as_dma_write(&e->as, CODE + 4, &insn, 4), MEM_OK);
	run_from(&e->h[0], CODE, 3);
	CHECK_EQ(e->h[0].x[10], 10);
	env_free(e);
}

TEST(tb_host_pointer_for_writing_releases_block)
{
	struct env *e = env_new();
	uint32_t insn = ADDI(10, 10, 5);

	put_program(e);
	run_from(&e->h[0], CODE, 3);
	uint8_t *p = as_host_ptr(&e->as, CODE, 8, true);
	CHECK(p != NULL);
	memcpy(p, &insn, 4);
	run_from(&e->h[0], CODE, 3);
	CHECK_EQ(e->h[0].x[10], 6);
	env_free(e);
}

/* A block that traps half way: the instructions before the trap ran and
 * retired, the trapping one did not, and mepc is exact. */
TEST(tb_trap_inside_block_is_exact)
{
	struct env *e = env_new();
	struct hart *h = &e->h[0];

	put32(e, CODE, ADDI(10, 10, 1));
	put32(e, CODE + 4, SW(0, 13, 0));      /* store to a hole: fault */
	put32(e, CODE + 8, ADDI(10, 10, 1));
	put32(e, CODE + 12, JAL0(0));
	h->x[13] = 0x1000;                     /* nothing decodes there */
	run_from(h, CODE, 2);
	CHECK_EQ(h->x[10], 1);
	CHECK_EQ(h->csr.mcause, CAUSE_STORE_ACCESS);
	CHECK_EQ(h->csr.mepc, CODE + 4);
	CHECK_EQ(h->pc, MTVEC);
	CHECK_EQ(h->instret, 1);
	env_free(e);
}

/* csrr instret in the middle of straight-line code sees every earlier
 * instruction counted. */
TEST(tb_instret_is_exact_mid_block)
{
	struct env *e = env_new();
	struct hart *h = &e->h[0];

	put32(e, CODE, ADDI(10, 10, 1));
	put32(e, CODE + 4, ADDI(10, 10, 1));
	put32(e, CODE + 8, ADDI(10, 10, 1));
	put32(e, CODE + 12, CSRR_INSTRET(11));
	put32(e, CODE + 16, JAL0(0));
	run_from(h, CODE, 4);
	CHECK_EQ(h->x[11], 3);
	env_free(e);
}

/* An instruction crossing a page end is never put in a block, and still
 * runs. */
TEST(tb_instruction_across_page_end_runs)
{
	struct env *e = env_new();
	struct hart *h = &e->h[0];
	uint64_t at = CODE + 0x1000 - 2;
	uint32_t insn = ADDI(10, 10, 3);

	CHECK_EQ(as_load(&e->as, at, &insn, 4), MEM_OK);
	put32(e, at + 4, JAL0(0));
	run_from(h, at, 1);
	CHECK_EQ(h->x[10], 3);
	CHECK_EQ(h->pc, at + 4);
	env_free(e);
}

/* Stores after a TLB flush (fresh write entries) release the page too. */
TEST(tb_store_after_tlb_flush_releases_block)
{
	struct env *e = env_new();
	struct hart *h = &e->h[0];
	uint64_t patcher = CODE + 0x1000; /* on the next page */

	put_program(e);
	put32(e, patcher, SW(12, 13, 0));
	put32(e, patcher + 4, JAL0(0));
	run_from(h, CODE, 3);
	CHECK_EQ(h->x[10], 2);
	hart_flush_tlb(h);
	h->x[13] = CODE + 0x300; /* the first store fills the write TLB */
	run_from(h, patcher, 1);
	h->x[12] = ADDI(10, 10, 20);
	h->x[13] = CODE + 4;     /* the second one uses the entry */
	run_from(h, patcher, 1);
	run_from(h, CODE, 3);
	CHECK_EQ(h->x[10], 21);
	env_free(e);
}

/* ---- device pages in the block loop ---- */

#define DEV_BASE 0x10000000ull
#define LH(rd, rs1, imm) \
	((((uint32_t)(imm) & 0xfff) << 20) | (rs1) << 15 | 1 << 12 | (rd) << 7 | 0x03)

static uint64_t dev_reads;

static uint64_t bytes_read(void *opaque, uint64_t off, unsigned size,
			   const struct glass_attrs *who)
{
	dev_reads++;
	return 0x11 * (off + 1); /* each byte tells its offset */
}

static void bytes_write(void *opaque, uint64_t off, uint64_t val, unsigned size,
			const struct glass_attrs *who)
{
}

static const struct glass_region_ops bytes_ops = {
	.read = bytes_read, .write = bytes_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED, .impl = GLASS_W1,
};

/* A misaligned load from a device page the TLB already knows must reach
 * the device (the exec fuzzer once found it taken for a RAM hit: the
 * fast path's alignment mask kept the I/O tag bit). */
TEST(tb_misaligned_load_from_device_page_goes_to_device)
{
	struct env *e = env_new();
	struct hart *h = &e->h[0];

	CHECK(as_add_mmio(&e->as, "bytes", DEV_BASE, 0x1000, 0, &bytes_ops,
			  NULL) != NULL);
	put32(e, CODE, LH(10, 13, 1));
	put32(e, CODE + 4, JAL0(-4));
	h->x[13] = DEV_BASE;
	dev_reads = 0;
	run_from(h, CODE, 1);            /* fills the TLB: I/O entry */
	CHECK_EQ(h->x[10], 0x3322);
	run_from(h, CODE, 1);            /* through the block's fast-path test */
	CHECK_EQ(h->x[10], 0x3322);
	CHECK_EQ(h->pc, CODE + 4);
	CHECK_EQ(dev_reads, 4);
	env_free(e);
}
