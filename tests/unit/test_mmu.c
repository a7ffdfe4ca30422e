/* Sv39/Sv48 translation, permission checks, A/D updates, the software TLB
 * and MPRV, driven through the hart's internal load/store/fetch helpers on
 * page tables written into RAM by hand. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_internal.h"
#include "harness.h"
#include "mem/address_space.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (8ull << 20)
#define PT_BASE (RAM_BASE + 0x600000) /* page tables are carved from here */
#define DEV_BASE 0x10000000ull
#define DEV_SIZE 0x1000ull
#define HOLE 0x40000000ull            /* nothing decodes here */
#define MTVEC 0x80001000ull
#define STVEC 0x80002000ull
#define PC0 0x80003000ull             /* pc of the "instruction" accessing */

#define VA 0x40001000ull              /* the default test page */
#define PA (RAM_BASE + 0x1000)
#define RWX (PTE_R | PTE_W | PTE_X)
#define AD (PTE_A | PTE_D)

#define FETCH_BIT (1u << ACCESS_FETCH)
#define LOAD_BIT (1u << ACCESS_LOAD)
#define STORE_BIT (1u << ACCESS_STORE)
#define ALL_BITS (FETCH_BIT | LOAD_BIT | STORE_BIT)

struct dev {
	uint8_t mem[DEV_SIZE];
	int reads, writes;
};

struct env {
	struct address_space as;
	struct region *ram;
	struct dev dev;
	struct hart h;
	uint64_t time;
	uint64_t next_pt;
	uint64_t root;
	int levels;
};

static uint64_t dev_read(void *opaque, uint64_t off, unsigned size,
			 const struct glass_attrs *who)
{
	struct dev *d = opaque;
	uint64_t v = 0;

	memcpy(&v, d->mem + off, size);
	d->reads++;
	return v;
}

static void dev_write(void *opaque, uint64_t off, uint64_t val, unsigned size,
		      const struct glass_attrs *who)
{
	struct dev *d = opaque;

	memcpy(d->mem + off, &val, size);
	d->writes++;
}

static const struct glass_region_ops dev_ops = {
	.read = dev_read, .write = dev_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED, .impl = GLASS_WANY,
};

static uint64_t env_time(void *opaque)
{
	return ++((struct env *)opaque)->time;
}

static uint8_t *ram_at(struct env *e, uint64_t pa)
{
	return e->ram->host + (pa - RAM_BASE);
}

static uint64_t ram_rd(struct env *e, uint64_t pa)
{
	uint64_t v;

	memcpy(&v, ram_at(e, pa), 8);
	return v;
}

static void ram_wr(struct env *e, uint64_t pa, uint64_t v)
{
	memcpy(ram_at(e, pa), &v, 8);
}

static uint64_t alloc_table(struct env *e)
{
	uint64_t pa = e->next_pt;

	e->next_pt += PAGE_SIZE;
	memset(ram_at(e, pa), 0, PAGE_SIZE);
	return pa;
}

static void set_satp(struct env *e, uint64_t root)
{
	uint64_t mode = e->levels == 4 ? SATP_MODE_SV48 : SATP_MODE_SV39;

	e->h.csr.satp = mode << SATP_MODE_SHIFT | root >> PAGE_SHIFT;
	hart_flush_tlb(&e->h);
}

/* A hart in S mode with an empty Sv39 (levels 3) or Sv48 (4) table, or in
 * bare mode (levels 0). Traps go to M unless a test sets medeleg. */
static struct env *env_new(int levels)
{
	struct env *e = calloc(1, sizeof(*e));

	as_init(&e->as);
	e->ram = as_add_ram(&e->as, "ram", RAM_BASE, RAM_SIZE);
	as_add_mmio(&e->as, "dev", DEV_BASE, DEV_SIZE, 0, &dev_ops, &e->dev);
	struct hart_env env = { &e->as, env_time, e };
	hart_init(&e->h, 0, &env);
	e->h.csr.mtvec = MTVEC;
	e->h.csr.stvec = STVEC;
	e->h.pc = PC0;
	e->levels = levels;
	e->next_pt = PT_BASE;
	if (levels) {
		e->root = alloc_table(e);
		set_satp(e, e->root);
	}
	hart_set_priv(&e->h, PRIV_S);
	return e;
}

static void env_free(struct env *e)
{
	as_destroy(&e->as);
	free(e);
}

static uint64_t make_pte(uint64_t pa, uint64_t flags)
{
	return (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags;
}

/* Physical address of the PTE for va at `level` (0: 4K leaf), creating
 * pointer tables on the way down. */
static uint64_t pte_addr(struct env *e, uint64_t va, int level)
{
	uint64_t table = e->root;

	for (int l = e->levels - 1; l > level; l--) {
		unsigned idx = (va >> (PAGE_SHIFT + 9 * l)) & 511;
		uint64_t slot = table + idx * 8;
		uint64_t pte = ram_rd(e, slot);
		if (!(pte & PTE_V)) {
			pte = make_pte(alloc_table(e), PTE_V);
			ram_wr(e, slot, pte);
		}
		table = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT << PAGE_SHIFT;
	}
	return table + ((va >> (PAGE_SHIFT + 9 * level)) & 511) * 8;
}

/* Map va to pa with a leaf at `level`; returns the leaf PTE's address. */
static uint64_t map(struct env *e, uint64_t va, uint64_t pa, int level,
		    uint64_t flags)
{
	uint64_t slot = pte_addr(e, va, level);

	ram_wr(e, slot, make_pte(pa, flags));
	return slot;
}

/* One access of `type`; *val is the value stored, or receives the value
 * loaded / the instruction fetched. */
static bool access(struct env *e, enum access_type type, uint64_t va,
		   unsigned size, uint64_t *val)
{
	uint32_t insn;

	switch (type) {
	case ACCESS_LOAD:
		return load(&e->h, va, size, val);
	case ACCESS_STORE:
		return store(&e->h, va, size, *val);
	case ACCESS_FETCH:
		e->h.pc = va;
		if (!fetch(&e->h, va, &insn))
			return false;
		*val = insn;
		return true;
	}
	return false;
}

static const uint64_t pf_cause[] = {
	[ACCESS_FETCH] = CAUSE_FETCH_PAGE_FAULT,
	[ACCESS_LOAD] = CAUSE_LOAD_PAGE_FAULT,
	[ACCESS_STORE] = CAUSE_STORE_PAGE_FAULT,
};
static const uint64_t af_cause[] = {
	[ACCESS_FETCH] = CAUSE_FETCH_ACCESS,
	[ACCESS_LOAD] = CAUSE_LOAD_ACCESS,
	[ACCESS_STORE] = CAUSE_STORE_ACCESS,
};

/* Do the access and expect a trap to M with cause/tval; then put the hart
 * back in its previous mode, with pc at PC0. */
static void expect_trap(struct env *e, enum access_type type, uint64_t va,
			unsigned size, uint64_t cause, uint64_t tval)
{
	struct hart *h = &e->h;
	enum priv was = h->priv;
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;
	uint64_t epc = type == ACCESS_FETCH ? va : PC0;

	h->csr.mcause = h->csr.mtval = h->csr.mepc = 0xbad;
	h->pc = PC0;
	CHECK(!access(e, type, va, size, &v));
	CHECK_EQ(h->csr.mcause, cause);
	CHECK_EQ(h->csr.mtval, tval);
	CHECK_EQ(h->csr.mepc, epc);
	CHECK_EQ(h->pc, MTVEC);
	CHECK_EQ(h->priv, PRIV_M);
	CHECK_EQ((h->csr.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, was);
	hart_set_priv(h, was);
	h->pc = PC0;
}

static void expect_pf(struct env *e, enum access_type type, uint64_t va)
{
	expect_trap(e, type, va, type == ACCESS_FETCH ? 4 : 8, pf_cause[type],
		    va);
}

static void expect_af(struct env *e, enum access_type type, uint64_t va)
{
	expect_trap(e, type, va, type == ACCESS_FETCH ? 4 : 8, af_cause[type],
		    va);
}

/* Do an access that must not trap. If it does, say how, and put the hart
 * back where it was so the next check starts clean. */
static bool access_ok(struct env *e, enum access_type type, uint64_t va,
		      unsigned size, uint64_t *val)
{
	static const char *const kind[] = { "fetch", "load", "store" };
	struct hart *h = &e->h;
	enum priv was = h->priv;
	uint64_t pc = type == ACCESS_FETCH ? va : PC0;

	h->pc = pc;
	if (access(e, type, va, size, val)) {
		CHECK_EQ(h->pc, pc);
		h->pc = PC0;
		return true;
	}
	char msg[128];
	snprintf(msg, sizeof(msg),
		 "%s at 0x%llx trapped: cause %llu tval 0x%llx",
		 kind[type], (unsigned long long)va,
		 (unsigned long long)h->csr.mcause,
		 (unsigned long long)h->csr.mtval);
	test_fail(__FILE__, __LINE__, msg);
	hart_set_priv(h, was);
	h->pc = PC0;
	return false;
}

static uint64_t load_ok(struct env *e, uint64_t va, unsigned size)
{
	uint64_t v = 0xdead;

	access_ok(e, ACCESS_LOAD, va, size, &v);
	return v;
}

static void store_ok(struct env *e, uint64_t va, unsigned size, uint64_t v)
{
	access_ok(e, ACCESS_STORE, va, size, &v);
}

static uint32_t fetch_ok(struct env *e, uint64_t va)
{
	uint64_t insn = 0xdead;

	access_ok(e, ACCESS_FETCH, va, 4, &insn);
	return (uint32_t)insn;
}

/* Expect each access type to page-fault or succeed as `faults` says. */
static void expect_perms(struct env *e, uint64_t va, unsigned faults)
{
	for (int t = ACCESS_FETCH; t <= ACCESS_STORE; t++) {
		uint64_t v = 0;
		if (faults & (1u << t))
			expect_pf(e, t, va);
		else
			access_ok(e, t, va, t == ACCESS_FETCH ? 4 : 8, &v);
	}
}

/* ---- translation --------------------------------------------------------- */

TEST(mmu_bare_m_mode_and_bare_satp)
{
	struct env *e = env_new(3);

	ram_wr(e, RAM_BASE + 0x100, 0x1122334455667783ull);
	hart_set_priv(&e->h, PRIV_M);   /* M ignores satp */
	CHECK_EQ(load_ok(e, RAM_BASE + 0x100, 8), 0x1122334455667783ull);
	store_ok(e, RAM_BASE + 0x108, 4, 0xcafef00d);
	CHECK_EQ(ram_rd(e, RAM_BASE + 0x108), 0xcafef00d);
	CHECK_EQ(fetch_ok(e, RAM_BASE + 0x100), 0x55667783);
	CHECK_EQ(e->h.tlb.walks, 0);
	expect_af(e, ACCESS_LOAD, HOLE);
	expect_af(e, ACCESS_STORE, HOLE + 8);
	expect_af(e, ACCESS_FETCH, HOLE + 4);
	env_free(e);

	e = env_new(0);                  /* S with satp = bare */
	ram_wr(e, RAM_BASE + 0x200, 42);
	CHECK_EQ(load_ok(e, RAM_BASE + 0x200, 8), 42);
	CHECK_EQ(e->h.tlb.walks, 0);
	env_free(e);
}

struct size_case {
	int levels;
	int level;        /* 0: 4K, 1: 2M, 2: 1G, 3: 512G */
	uint64_t va;      /* page base */
	uint64_t pa;      /* page base */
	uint64_t off;     /* offset of the probe within the page */
};

static const struct size_case size_cases[] = {
	{ 3, 0, 0x0000000040001000ull, RAM_BASE + 0x5000, 0xff8 },
	{ 3, 1, 0x0000000040200000ull, RAM_BASE + 0x200000, 0x1ff008 },
	{ 3, 2, 0xffffffffc0000000ull, RAM_BASE, 0x123450 },
	{ 3, 0, 0xffffffc000000000ull, RAM_BASE + 0x7000, 0x10 },
	{ 4, 0, 0x0000123456789000ull, RAM_BASE + 0x5000, 0x238 },
	{ 4, 1, 0xffff800000200000ull, RAM_BASE + 0x400000, 0x54320 },
	{ 4, 2, 0x00007fffc0000000ull, RAM_BASE, 0x3ffff8 },
	{ 4, 3, 0x0000008000000000ull, 0, RAM_BASE + 0x3008 },
};

TEST(mmu_page_sizes_translate)
{
	for (unsigned i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]);
	     i++) {
		const struct size_case *c = &size_cases[i];
		struct env *e = env_new(c->levels);
		uint64_t va = c->va + c->off, pa = c->pa + c->off;
		/* low bits 11: fetched as one 32-bit instruction */
		uint64_t marker = 0x0123456789ab0003ull | (uint64_t)i << 8;

		map(e, c->va, c->pa, c->level, PTE_V | RWX | AD);
		ram_wr(e, pa, marker);
		CHECK_EQ(load_ok(e, va, 8), marker);
		CHECK_EQ(load_ok(e, va + 1, 2), (marker >> 8) & 0xffff);
		CHECK_EQ(fetch_ok(e, va), (uint32_t)marker);
		store_ok(e, va, 8, ~marker);
		CHECK_EQ(ram_rd(e, pa), ~marker);
		/* the neighbouring 4K page of a superpage translates too */
		if (c->level) {
			ram_wr(e, pa - PAGE_SIZE, marker + 1);
			CHECK_EQ(load_ok(e, va - PAGE_SIZE, 8), marker + 1);
		}
		env_free(e);
	}
}

/* ---- page faults from PTE contents --------------------------------------- */

struct pte_case {
	const char *name;
	int level;            /* leaf level */
	uint64_t pa;          /* what the leaf maps */
	uint64_t flags;       /* leaf flag and high bits */
	uint64_t parent_set;  /* bits forced in the PTE one level up */
	uint64_t parent_clear;
	uint64_t menvcfg;
	unsigned faults;      /* access types that must page-fault */
};

#define PBMT(x) ((uint64_t)(x) << PTE_PBMT_SHIFT)

static const struct pte_case pte_cases[] = {
	{ "valid", 0, PA, PTE_V | RWX | AD, 0, 0, 0, 0 },
	{ "V=0", 0, PA, RWX | AD, 0, 0, 0, ALL_BITS },
	{ "W without R", 0, PA, PTE_V | PTE_W | AD, 0, 0, 0, ALL_BITS },
	{ "WX without R", 0, PA, PTE_V | PTE_W | PTE_X | AD, 0, 0, 0,
	  ALL_BITS },
	{ "reserved bit 54", 0, PA, PTE_V | RWX | AD | 1ull << 54, 0, 0, 0,
	  ALL_BITS },
	{ "reserved bit 57", 0, PA, PTE_V | RWX | AD | 1ull << 57, 0, 0, 0,
	  ALL_BITS },
	{ "reserved bit 60", 0, PA, PTE_V | RWX | AD | 1ull << 60, 0, 0, 0,
	  ALL_BITS },
	{ "N without Svnapot", 0, PA, PTE_V | RWX | AD | PTE_N, 0, 0, 0,
	  ALL_BITS },
	{ "PBMT NC, PBMTE off", 0, PA, PTE_V | RWX | AD | PBMT(1), 0, 0, 0,
	  ALL_BITS },
	{ "PBMT IO, PBMTE off", 0, PA, PTE_V | RWX | AD | PBMT(2), 0, 0, 0,
	  ALL_BITS },
	{ "PBMT NC, PBMTE on", 0, PA, PTE_V | RWX | AD | PBMT(1), 0, 0,
	  MENVCFG_PBMTE, 0 },
	{ "PBMT IO, PBMTE on", 0, PA, PTE_V | RWX | AD | PBMT(2), 0, 0,
	  MENVCFG_PBMTE, 0 },
	{ "PBMT 3, PBMTE on", 0, PA, PTE_V | RWX | AD | PBMT(3), 0, 0,
	  MENVCFG_PBMTE, ALL_BITS },
	{ "PBMT in non-leaf", 0, PA, PTE_V | RWX | AD, PBMT(1), 0,
	  MENVCFG_PBMTE, ALL_BITS },
	{ "U in non-leaf", 0, PA, PTE_V | RWX | AD, PTE_U, 0, 0, ALL_BITS },
	{ "non-leaf V=0", 0, PA, PTE_V | RWX | AD, 0, PTE_V, 0, ALL_BITS },
	{ "pointer at level 0", 0, PA, PTE_V, 0, 0, 0, ALL_BITS },
	{ "misaligned 2M page", 1, RAM_BASE + 0x201000, PTE_V | RWX | AD,
	  0, 0, 0, ALL_BITS },
	{ "misaligned 1G page", 2, RAM_BASE + 0x200000, PTE_V | RWX | AD,
	  0, 0, 0, ALL_BITS },
	{ "read-only", 0, PA, PTE_V | PTE_R | AD, 0, 0, 0,
	  FETCH_BIT | STORE_BIT },
	{ "execute-only", 0, PA, PTE_V | PTE_X | AD, 0, 0, 0,
	  LOAD_BIT | STORE_BIT },
	{ "read-write", 0, PA, PTE_V | PTE_R | PTE_W | AD, 0, 0, 0,
	  FETCH_BIT },
};

TEST(mmu_pte_contents_fault_or_not)
{
	for (unsigned i = 0; i < sizeof(pte_cases) / sizeof(pte_cases[0]);
	     i++) {
		const struct pte_case *c = &pte_cases[i];
		struct env *e = env_new(3);
		uint64_t va = c->level == 2 ? 0x40000000ull :
			      c->level == 1 ? 0x40200000ull : VA;

		e->h.csr.menvcfg = c->menvcfg;
		map(e, va, c->pa, c->level, c->flags);
		if (c->parent_set || c->parent_clear) {
			uint64_t up = pte_addr(e, va, c->level + 1);
			ram_wr(e, up, (ram_rd(e, up) | c->parent_set) &
				      ~c->parent_clear);
		}
		int before = test_failures_in_current;
		expect_perms(e, va + 0x10, c->faults);
		if (test_failures_in_current != before)
			printf("  in case \"%s\"\n", c->name);
		env_free(e);
	}
}

TEST(mmu_page_fault_delegated_to_s)
{
	struct env *e = env_new(3);
	struct hart *h = &e->h;
	uint64_t v;

	map(e, VA, PA, 0, PTE_V | PTE_R | AD);
	h->csr.medeleg = 1u << CAUSE_STORE_PAGE_FAULT;
	CHECK(!store(h, VA + 0x20, 4, 1));
	CHECK_EQ(h->csr.scause, CAUSE_STORE_PAGE_FAULT);
	CHECK_EQ(h->csr.stval, VA + 0x20);
	CHECK_EQ(h->csr.sepc, PC0);
	CHECK_EQ(h->pc, STVEC);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK(h->csr.mstatus & MSTATUS_SPP);
	CHECK_EQ(h->csr.mcause, 0);

	/* not delegated: goes to M even though the hart is in S */
	h->pc = PC0;
	CHECK(!load(h, 0x40002000, 8, &v));
	CHECK_EQ(h->csr.mcause, CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(h->csr.mtval, 0x40002000);
	CHECK_EQ(h->pc, MTVEC);
	CHECK_EQ(h->priv, PRIV_M);
	env_free(e);
}

TEST(mmu_access_faults)
{
	for (int t = ACCESS_FETCH; t <= ACCESS_STORE; t++) {
		struct env *e = env_new(3);

		/* a leaf mapping a physical hole */
		map(e, VA, HOLE, 0, PTE_V | RWX | AD);
		expect_af(e, t, VA + 0x30);

		/* a pointer into a hole: the walk itself cannot read */
		uint64_t up = pte_addr(e, 0x80000000ull, 1);
		ram_wr(e, up, make_pte(HOLE, PTE_V));
		expect_af(e, t, 0x80000000ull + 0x40);

		/* the root table in a hole */
		set_satp(e, HOLE + 0x10000);
		expect_af(e, t, VA);
		env_free(e);
	}
}

TEST(mmu_non_canonical_va)
{
	static const uint64_t sv39_bad[] = {
		0x0000004000000000ull, 0xffffffbfffffffffull,
		0x8000000040001000ull, 0x0000800000000000ull,
	};
	struct env *e = env_new(3);

	map(e, VA, PA, 0, PTE_V | RWX | AD);
	/* the same low bits as a mapped VA, with broken sign extension */
	for (unsigned i = 0; i < 4; i++)
		for (int t = ACCESS_FETCH; t <= ACCESS_STORE; t++)
			expect_pf(e, t, sv39_bad[i]);
	expect_pf(e, ACCESS_LOAD, VA | 1ull << 39);
	CHECK_EQ(load_ok(e, VA, 8), 0);
	env_free(e);

	/* Sv48: bit 38 is an ordinary bit, bit 47 is the sign */
	e = env_new(4);
	map(e, 0x0000004000000000ull, PA, 0, PTE_V | RWX | AD);
	ram_wr(e, PA, 77);
	CHECK_EQ(load_ok(e, 0x0000004000000000ull, 8), 77);
	expect_pf(e, ACCESS_LOAD, 0x0000800000000000ull);
	expect_pf(e, ACCESS_STORE, 0xffff7fffffffffffull);
	env_free(e);
}

/* ---- privilege, SUM, MXR ------------------------------------------------- */

struct priv_case {
	const char *name;
	enum priv priv;
	uint64_t flags;
	uint64_t mstatus;
	unsigned faults;
};

static const struct priv_case priv_cases[] = {
	{ "S on U page", PRIV_S, PTE_U | RWX, 0, ALL_BITS },
	{ "S on U page, SUM", PRIV_S, PTE_U | RWX, MSTATUS_SUM, FETCH_BIT },
	{ "S on S page", PRIV_S, RWX, 0, 0 },
	{ "U on U page", PRIV_U, PTE_U | RWX, 0, 0 },
	{ "U on S page", PRIV_U, RWX, 0, ALL_BITS },
	{ "U on S page, SUM", PRIV_U, RWX, MSTATUS_SUM, ALL_BITS },
	{ "S on X-only", PRIV_S, PTE_X, 0, LOAD_BIT | STORE_BIT },
	{ "S on X-only, MXR", PRIV_S, PTE_X, MSTATUS_MXR, STORE_BIT },
	{ "U on U X-only, MXR", PRIV_U, PTE_U | PTE_X, MSTATUS_MXR,
	  STORE_BIT },
	{ "S on U X-only, SUM+MXR", PRIV_S, PTE_U | PTE_X,
	  MSTATUS_SUM | MSTATUS_MXR, FETCH_BIT | STORE_BIT },
	{ "S on U R-only, MXR", PRIV_S, PTE_U | PTE_R, MSTATUS_MXR, ALL_BITS },
};

TEST(mmu_privilege_sum_mxr)
{
	for (unsigned i = 0; i < sizeof(priv_cases) / sizeof(priv_cases[0]);
	     i++) {
		const struct priv_case *c = &priv_cases[i];
		struct env *e = env_new(3);

		map(e, VA, PA, 0, PTE_V | AD | c->flags);
		e->h.csr.mstatus |= c->mstatus;
		hart_set_priv(&e->h, c->priv);
		int before = test_failures_in_current;
		expect_perms(e, VA + 0x40, c->faults);
		if (test_failures_in_current != before)
			printf("  in case \"%s\"\n", c->name);
		env_free(e);
	}
}

/* Clearing SUM or MXR through sstatus must drop translations cached while
 * it was set. */
TEST(mmu_sum_mxr_changes_flush_tlb)
{
	struct env *e = env_new(3);
	struct hart *h = &e->h;

	map(e, VA, PA, 0, PTE_V | PTE_U | PTE_R | PTE_W | AD);
	map(e, VA + PAGE_SIZE, PA + PAGE_SIZE, 0, PTE_V | PTE_X | AD);
	ram_wr(e, PA, 5);
	ram_wr(e, PA + PAGE_SIZE, 6);
	CHECK(csr_write(h, 0x100, MSTATUS_SUM | MSTATUS_MXR));
	CHECK_EQ(load_ok(e, VA, 8), 5);
	CHECK_EQ(load_ok(e, VA + PAGE_SIZE, 8), 6);
	CHECK(csr_write(h, 0x100, 0));
	expect_pf(e, ACCESS_LOAD, VA);
	expect_pf(e, ACCESS_LOAD, VA + PAGE_SIZE);
	env_free(e);
}

/* ---- A and D ------------------------------------------------------------- */

TEST(mmu_accessed_dirty_written_back)
{
	static const struct {
		enum access_type type;
		uint64_t want;
	} cases[] = {
		{ ACCESS_LOAD, PTE_A },
		{ ACCESS_FETCH, PTE_A },
		{ ACCESS_STORE, PTE_A | PTE_D },
	};

	for (unsigned i = 0; i < 3; i++) {
		struct env *e = env_new(3);
		uint64_t slot = map(e, VA, PA, 0, PTE_V | RWX);
		uint64_t v = 0;

		CHECK(access(e, cases[i].type, VA, 4, &v));
		CHECK_EQ(ram_rd(e, slot),
			 make_pte(PA, PTE_V | RWX | cases[i].want));
		env_free(e);
	}

	/* a load sets A only; a later store to the same page adds D */
	struct env *e = env_new(4);
	uint64_t slot = map(e, VA, PA, 0, PTE_V | PTE_R | PTE_W);
	load_ok(e, VA, 8);
	CHECK_EQ(ram_rd(e, slot) & AD, PTE_A);
	store_ok(e, VA + 8, 8, 1);
	CHECK_EQ(ram_rd(e, slot) & AD, AD);
	CHECK_EQ(e->h.tlb.cur->write[tlb_index(VA)].pte & AD, AD);
	env_free(e);

	/* superpage leaves are updated in place too */
	e = env_new(3);
	slot = map(e, 0x40200000ull, RAM_BASE + 0x200000, 1, PTE_V | RWX);
	store_ok(e, 0x40200000ull + 0x3008, 4, 1);
	CHECK_EQ(ram_rd(e, slot), make_pte(RAM_BASE + 0x200000,
					   PTE_V | RWX | AD));
	env_free(e);
}

/* ---- the TLB ------------------------------------------------------------- */

TEST(mmu_tlb_caches_until_flushed)
{
	struct env *e = env_new(3);
	uint64_t slot = map(e, VA, PA, 0, PTE_V | RWX | AD);

	ram_wr(e, PA, 111);
	ram_wr(e, PA + 0x2000, 222);
	CHECK_EQ(load_ok(e, VA, 8), 111);
	uint64_t walks = e->h.tlb.walks;
	ram_wr(e, slot, make_pte(PA + 0x2000, PTE_V | RWX | AD));
	CHECK_EQ(load_ok(e, VA, 8), 111);      /* stale, as on hardware */
	CHECK_EQ(e->h.tlb.walks, walks);
	hart_flush_tlb(&e->h);
	CHECK_EQ(load_ok(e, VA, 8), 222);
	CHECK_EQ(e->h.tlb.walks, walks + 1);

	/* a satp write (from S, no mode change) flushes */
	ram_wr(e, slot, make_pte(PA, PTE_V | RWX | AD));
	CHECK_EQ(load_ok(e, VA, 8), 222);
	CHECK(csr_write(&e->h, 0x180, e->h.csr.satp));
	CHECK_EQ(load_ok(e, VA, 8), 111);
	env_free(e);
}

/* Each translation context keeps its entries: a trap to S and back to U
 * (or a SUM toggle) walks nothing again. */
TEST(mmu_tlb_contexts_survive_mode_changes)
{
	struct env *e = env_new(3);
	struct hart *h = &e->h;

	map(e, VA, PA, 0, PTE_V | RWX | PTE_U | AD);
	ram_wr(e, PA, 7);
	hart_set_priv(h, PRIV_U);
	CHECK_EQ(load_ok(e, VA, 8), 7);
	uint64_t walks = h->tlb.walks;
	hart_set_priv(h, PRIV_S);
	h->csr.mstatus |= MSTATUS_SUM;
	hart_tlb_select(h);
	CHECK_EQ(load_ok(e, VA, 8), 7);          /* S+SUM: its own walk */
	CHECK_EQ(h->tlb.walks, walks + 1);
	h->csr.mstatus &= ~MSTATUS_SUM;
	hart_tlb_select(h);
	expect_pf(e, ACCESS_LOAD, VA);           /* S without SUM: no entry */
	hart_set_priv(h, PRIV_U);
	walks = h->tlb.walks;
	CHECK_EQ(load_ok(e, VA, 8), 7);          /* U's entry is still there */
	CHECK_EQ(h->tlb.walks, walks);
	env_free(e);
}

/* sfence.vma with an address drops that page only, unless a superpage's
 * entries may cover it. */
TEST(mmu_sfence_vma_address_drops_one_page)
{
	struct env *e = env_new(3);
	struct hart *h = &e->h;
	uint64_t va2 = VA + 0x3000;

	map(e, VA, PA, 0, PTE_V | RWX | AD);
	map(e, va2, PA + 0x3000, 0, PTE_V | RWX | AD);
	load_ok(e, VA, 8);
	load_ok(e, va2, 8);
	hart_flush_tlb_page(h, VA + 0x18);
	CHECK_EQ(h->tlb.cur->read[tlb_index(VA)].tag, TLB_INVALID);
	CHECK_EQ(h->tlb.cur->read[tlb_index(va2)].tag, va2);

	/* a 2 MiB superpage: its entries are per 4 KiB page, so an sfence
	 * for another page of it must still drop the one cached */
	uint64_t sva = 0x40200000ull, spa = RAM_BASE + 0x200000;
	map(e, sva, spa, 1, PTE_V | RWX | AD);
	ram_wr(e, spa + 0x5000, 11);
	CHECK_EQ(load_ok(e, sva + 0x5000, 8), 11);
	CHECK_EQ(h->tlb.cur->read[tlb_index(sva + 0x5000)].tag, sva + 0x5000);
	hart_flush_tlb_page(h, sva);
	CHECK_EQ(h->tlb.cur->read[tlb_index(sva + 0x5000)].tag, TLB_INVALID);
	env_free(e);
}

TEST(mmu_tlb_flushed_when_address_space_changes)
{
	struct env *e = env_new(0);
	struct hart *h = &e->h;

	struct region *ram2 = as_add_ram(&e->as, "ram2", 0x20000000, 0x1000);

	ram2->host[8] = 0x42;
	hart_run(h, 0);                          /* sync the generation */
	CHECK_EQ(load_ok(e, 0x20000008, 1), 0x42);
	CHECK_EQ(h->tlb.cur->read[tlb_index(0x20000000)].tag, 0x20000000);

	/* the region goes away: hart_run must drop the host pointer */
	as_remap(&e->as, ram2, 0x20000000, false);
	hart_run(h, 0);
	CHECK_EQ(h->tlb.cur->read[tlb_index(0x20000000)].tag, TLB_INVALID);
	expect_af(e, ACCESS_LOAD, 0x20000008);
	env_free(e);
}

TEST(mmu_io_pages_tagged_and_not_rewalked)
{
	struct env *e = env_new(3);
	struct hart *h = &e->h;
	uint64_t va = 0x40005000ull;

	map(e, va, DEV_BASE, 0, PTE_V | PTE_R | PTE_W | AD);
	e->dev.mem[8] = 0x5a;
	CHECK_EQ(load_ok(e, va + 8, 4), 0x5a);
	CHECK_EQ(e->dev.reads, 1);
	const struct tlb_entry *te = &h->tlb.cur->read[tlb_index(va)];
	CHECK_EQ(te->tag, va | TLB_IO);
	CHECK_EQ(te->pa_page, DEV_BASE);

	uint64_t walks = h->tlb.walks, hits = h->tlb.hits;
	e->dev.mem[0x10] = 0xa5;
	CHECK_EQ(load_ok(e, va + 0x10, 1), 0xa5);
	CHECK_EQ(e->dev.reads, 2);
	CHECK_EQ(h->tlb.walks, walks);
	CHECK_EQ(h->tlb.hits, hits + 1);

	/* stores: one walk, then straight to the device */
	store_ok(e, va + 0x20, 8, 0x0102030405060708ull);
	walks = h->tlb.walks;
	store_ok(e, va + 0x28, 2, 0xbeef);
	CHECK_EQ(h->tlb.walks, walks);
	CHECK_EQ(e->dev.writes, 2);
	CHECK_EQ(e->dev.mem[0x20], 0x08);
	CHECK_EQ(e->dev.mem[0x29], 0xbe);
	CHECK_EQ(h->tlb.cur->write[tlb_index(va)].tag, va | TLB_IO);

	/* RAM pages are cached with a host pointer instead */
	map(e, VA, PA, 0, PTE_V | PTE_R | AD);
	load_ok(e, VA, 8);
	te = &h->tlb.cur->read[tlb_index(VA)];
	CHECK_EQ(te->tag, VA);
	CHECK(te->addend + VA == (uintptr_t)ram_at(e, PA));
	env_free(e);
}

/* ---- accesses that cross a page ------------------------------------------ */

TEST(mmu_page_crossing)
{
	struct env *e = env_new(3);
	uint64_t a = 0x40010000ull, b = a + PAGE_SIZE;

	/* two virtually adjacent pages on physically distant frames */
	map(e, a, RAM_BASE + 0x3000, 0, PTE_V | RWX | AD);
	uint64_t slot_b = map(e, b, RAM_BASE + 0x7000, 0, PTE_V | RWX | AD);
	ram_wr(e, RAM_BASE + 0x3ff8, 0x44332211ull << 32);
	ram_wr(e, RAM_BASE + 0x7000, 0x88776655);
	CHECK_EQ(load_ok(e, a + 0xffc, 8), 0x8877665544332211ull);
	store_ok(e, a + 0xffe, 4, 0xddccbbaa);
	CHECK_EQ(ram_rd(e, RAM_BASE + 0x3ff8) >> 48, 0xbbaa);
	CHECK_EQ(ram_rd(e, RAM_BASE + 0x7000) & 0xffff, 0xddcc);

	/* the second page invalid: fault at its first byte, nothing written */
	ram_wr(e, slot_b, 0);
	hart_flush_tlb(&e->h);
	uint64_t before = ram_rd(e, RAM_BASE + 0x3ff8);
	expect_trap(e, ACCESS_LOAD, a + 0xffc, 8, CAUSE_LOAD_PAGE_FAULT, b);
	expect_trap(e, ACCESS_STORE, a + 0xffa, 8, CAUSE_STORE_PAGE_FAULT, b);
	CHECK_EQ(ram_rd(e, RAM_BASE + 0x3ff8), before);

	/* a 32-bit instruction straddling into it faults at b, epc at its
	 * start; a compressed one at the same place does not touch b */
	ram_wr(e, RAM_BASE + 0x3ff8, 0x0003ull << 48);
	expect_trap(e, ACCESS_FETCH, a + 0xffe, 4, CAUSE_FETCH_PAGE_FAULT, b);
	ram_wr(e, RAM_BASE + 0x3ff8, 0x4501ull << 48);
	CHECK_EQ(fetch_ok(e, a + 0xffe), 0x4501);

	env_free(e);
}

/* The second page maps a physical hole: an access fault which, like the
 * page fault above, must name the part of the access that faulted (priv.
 * spec, mtval: "the virtual address of the portion of the access that
 * caused the fault"), and must not write the first part. */
TEST(mmu_page_crossing_access_fault_tval)
{
	struct env *e = env_new(3);
	uint64_t a = 0x40010000ull, b = a + PAGE_SIZE;

	map(e, a, RAM_BASE + 0x3000, 0, PTE_V | RWX | AD);
	map(e, b, HOLE, 0, PTE_V | RWX | AD);
	ram_wr(e, RAM_BASE + 0x3ff8, 0x1122334455667788);
	expect_trap(e, ACCESS_LOAD, a + 0xffc, 8, CAUSE_LOAD_ACCESS, b);
	expect_trap(e, ACCESS_STORE, a + 0xffc, 8, CAUSE_STORE_ACCESS, b);
	CHECK_EQ(ram_rd(e, RAM_BASE + 0x3ff8), 0x1122334455667788);
	/* an instruction's second parcel: tval is that parcel's address */
	ram_wr(e, RAM_BASE + 0x3ff8, 0x0003ull << 48);
	expect_trap(e, ACCESS_FETCH, a + 0xffe, 4, CAUSE_FETCH_ACCESS, b);
	env_free(e);
}

/* Accesses that take the slow path on RAM (crossing a page, a parcel at
 * the end of one) reuse the cached translation instead of walking again. */
TEST(mmu_slow_path_reuses_cached_translations)
{
	struct env *e = env_new(3);
	struct hart *h = &e->h;
	uint64_t a = 0x40010000ull;

	map(e, a, RAM_BASE + 0x3000, 0, PTE_V | RWX | AD);
	map(e, a + PAGE_SIZE, RAM_BASE + 0x7000, 0, PTE_V | RWX | AD);
	load_ok(e, a + 0xffc, 8);
	uint64_t walks = h->tlb.walks;
	CHECK_EQ(walks, 2);
	load_ok(e, a + 0xffa, 8);
	store_ok(e, a + 0xffd, 4, 1);            /* the write set walks once */
	store_ok(e, a + 0xff9, 8, 2);
	CHECK_EQ(h->tlb.walks, walks + 2);

	ram_wr(e, RAM_BASE + 0x3ff8, 0x4501ull << 48);
	fetch_ok(e, a + 0xffe);
	walks = h->tlb.walks;
	CHECK_EQ(fetch_ok(e, a + 0xffe), 0x4501);
	CHECK_EQ(h->tlb.walks, walks);
	env_free(e);
}

/* The monitor's walk: the same answer, no A/D update, no statistics. */
TEST(mmu_debug_translate_has_no_side_effects)
{
	struct env *e = env_new(4);
	uint64_t slot = map(e, VA, PA, 0, PTE_V | PTE_R);
	uint64_t pa = 0, pte = 0;

	CHECK(hart_translate_debug(&e->h, VA + 0x123, &pa, &pte));
	CHECK_EQ(pa, PA + 0x123);
	CHECK_EQ(pte, make_pte(PA, PTE_V | PTE_R));
	CHECK_EQ(ram_rd(e, slot), make_pte(PA, PTE_V | PTE_R));
	CHECK_EQ(e->h.tlb.walks, 0);
	CHECK(!hart_translate_debug(&e->h, VA + PAGE_SIZE, &pa, &pte));
	CHECK_EQ(e->h.pc, PC0);                  /* no trap */
	env_free(e);
}

struct events {
	int n;
	struct bus_event last;
	const char *what;
};

static void record(void *opaque, const struct bus_event *ev)
{
	struct events *w = opaque;

	w->n++;
	w->last = *ev;
	w->what = ev->kind == EVK_WALK ? ev->walk.why :
		  ev->kind == EVK_BAD_ACCESS ? ev->bad.why : NULL;
}

TEST(mmu_walk_and_bus_error_events)
{
	struct env *e = env_new(3);
	struct events w = { 0 };
	struct event_sink sink = { EV_PAGEWALK | EV_GUEST_ERROR, record, &w };

	e->as.sink = &sink;
	map(e, VA, PA, 0, PTE_V | PTE_R | AD);
	map(e, VA + PAGE_SIZE, HOLE, 0, PTE_V | PTE_R | AD);
	load_ok(e, VA + 8, 8);
	CHECK_EQ(w.n, 1);
	CHECK_EQ(w.last.kind, EVK_WALK);
	CHECK(w.last.walk.ok);
	CHECK_EQ(w.last.walk.pa, PA + 8);
	CHECK_EQ(w.last.walk.pte, make_pte(PA, PTE_V | PTE_R | AD));
	load_ok(e, VA + 16, 8);                   /* TLB hit: no walk */
	CHECK_EQ(w.n, 1);

	expect_pf(e, ACCESS_STORE, VA);
	CHECK_EQ(w.n, 2);
	CHECK(!w.last.walk.ok);
	CHECK(w.what && strcmp(w.what, "store page fault") == 0);

	expect_af(e, ACCESS_LOAD, VA + PAGE_SIZE);
	CHECK_EQ(w.n, 4);                         /* the walk, then the error */
	CHECK_EQ(w.last.kind, EVK_BAD_ACCESS);
	CHECK_EQ(w.last.bad.pa, HOLE);
	env_free(e);
}

/* ---- MPRV ---------------------------------------------------------------- */

#define MPRV_VA (RAM_BASE + 0x10000)
#define MPRV_PA (RAM_BASE + 0x20000)

static struct env *mprv_env(uint64_t pte_flags)
{
	struct env *e = env_new(3);

	map(e, MPRV_VA, MPRV_PA, 0, PTE_V | RWX | AD | pte_flags);
	ram_wr(e, MPRV_VA, 0x13);       /* what a bare access sees */
	ram_wr(e, MPRV_PA, 0x6f);       /* what a translated one sees */
	hart_set_priv(&e->h, PRIV_M);
	return e;
}

static void set_mstatus(struct env *e, uint64_t set, uint64_t clear)
{
	CHECK(csr_write(&e->h, 0x300, (e->h.csr.mstatus & ~clear) | set));
}

#define MPP(p) ((uint64_t)(p) << MSTATUS_MPP_SHIFT)

TEST(mmu_mprv_translates_data_not_fetch)
{
	struct env *e = mprv_env(0);

	set_mstatus(e, MSTATUS_MPRV | MPP(PRIV_S), MSTATUS_MPP);
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x6f);
	store_ok(e, MPRV_VA + 8, 8, 99);
	CHECK_EQ(ram_rd(e, MPRV_PA + 8), 99);
	CHECK_EQ(ram_rd(e, MPRV_VA + 8), 0);
	CHECK_EQ(fetch_ok(e, MPRV_VA), 0x13);

	/* MPP = U: the S page is out of reach; the trap goes to M */
	set_mstatus(e, MPP(PRIV_U), MSTATUS_MPP);
	expect_pf(e, ACCESS_LOAD, MPRV_VA);
	CHECK_EQ(e->h.priv, PRIV_M);

	/* MPP = M: bare again */
	set_mstatus(e, MSTATUS_MPRV | MPP(PRIV_M), 0);
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x13);

	/* MPRV off */
	set_mstatus(e, MPP(PRIV_S), MSTATUS_MPRV | MSTATUS_MPP);
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x13);
	env_free(e);
}

TEST(mmu_mprv_sum_applies_with_mpp_s)
{
	struct env *e = mprv_env(PTE_U);

	set_mstatus(e, MSTATUS_MPRV | MPP(PRIV_S), MSTATUS_MPP);
	expect_pf(e, ACCESS_LOAD, MPRV_VA);
	/* the trap set MPP to M: back to S, now with SUM */
	set_mstatus(e, MSTATUS_SUM | MPP(PRIV_S), MSTATUS_MPP);
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x6f);
	set_mstatus(e, MPP(PRIV_U), MSTATUS_MPP | MSTATUS_SUM);
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x6f);
	env_free(e);
}

/* A trap taken in M rewrites MPP while MPRV stays set, which changes how
 * M-mode loads translate: nothing cached under the old MPP may be used. */
TEST(mmu_mprv_trap_m_to_m_changes_mpp)
{
	struct env *e = mprv_env(0);

	set_mstatus(e, MSTATUS_MPRV | MPP(PRIV_S), MSTATUS_MPP);
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x6f);
	hart_trap(&e->h, CAUSE_BREAKPOINT, 0);   /* M -> M: MPP becomes M */
	CHECK_EQ(e->h.csr.mstatus & MSTATUS_MPP, MPP(PRIV_M));
	CHECK(e->h.csr.mstatus & MSTATUS_MPRV);
	e->h.pc = PC0;
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x13);  /* now bare */
	env_free(e);
}

/* mret from M to M sets MPP to U and keeps MPRV: loads translate again. */
TEST(mmu_mprv_mret_m_to_m_changes_mpp)
{
	struct env *e = mprv_env(PTE_U);

	set_mstatus(e, MSTATUS_MPRV | MPP(PRIV_M), 0);
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x13);  /* bare */
	e->h.csr.mepc = PC0;
	hart_mret(&e->h);
	CHECK_EQ(e->h.priv, PRIV_M);
	CHECK_EQ(e->h.csr.mstatus & MSTATUS_MPP, MPP(PRIV_U));
	CHECK(e->h.csr.mstatus & MSTATUS_MPRV);
	CHECK_EQ(load_ok(e, MPRV_VA, 8), 0x6f);  /* as U now */
	env_free(e);
}
