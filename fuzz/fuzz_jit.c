/* libFuzzer target: the JIT against the interpreter (differential).
 *
 * Two identical machines (64 KiB of RAM at 0x80000000, a ROM at 0x1000, a
 * fake device at 0x10000000), one hart each: one runs translated code
 * (hart_jit_enable), the other only interprets. Both start from the same
 * state, taken from the input, and run in lockstep: each step gives both
 * the same budget (1 to 64 instructions, from the input, so steps end
 * inside blocks, at their ends, and across many of them), and after every
 * step everything architectural must be equal: x and f registers, pc,
 * privilege, every CSR (so traps: cause, tval, epc on both levels),
 * instret and cycle, the LR reservation, WFI, all of RAM (memory written,
 * page tables, code) and the device's memory. Between steps the interrupt
 * lines may change, the same on both.
 *
 * The code is made from the input in one of two ways: raw bytes (anything,
 * mostly illegal or compressed instructions), or one instruction per four
 * bytes from templates that give mostly valid RV64GC: ALU and M
 * operations, loads and stores through x20..x23 (which the templates never
 * write, and which point into RAM, at the device, at nothing, and at the
 * code), branches and jumps a few instructions away, CSR accesses (the
 * trigger module's too, which hand the JIT's hart to the interpreter
 * while a trigger is armed), system instructions, AMOs, F/D arithmetic,
 * loads and stores, compressed pairs.
 * Code runs from RAM, so stores rewrite it (self-modifying code) and the
 * trap vectors point into it too.
 *
 * Input layout:
 *   0  priv (bits 0-1: U S M M), satp (bits 2-3: bare, Sv39 identity
 *      gigapage, Sv48 identity via one table, bare), bit 4: templates,
 *      bits 5-7: which RAM page the code starts in
 *   1  mstatus: MPRV SUM MXR TVM TW TSR FS(2)
 *   2  mstatus: SIE MIE SPIE MPIE SPP MPP(2); bit 7: menvcfg.PBMTE
 *   3  medeleg (low 8 bits; bit 7 also delegates page faults)
 *   4  mideleg (bits 0-2: SSIP STIP SEIP), mie (bits 3-7)
 *   5  mie (bit 0), lines MSIP MTIP MEIP SEIP (bits 1-4), mcountinhibit
 *      (bit 5), mcounteren/scounteren all (bit 6), vectored tvec (bit 7)
 *   6  fake device: impl widths from min (bits 0-1) to max (2-3), valid
 *      the same (bit 6; else anything), GLASS_UNALIGNED in impl (7)
 *   7  register seed; 8 FP register seed (bits 0-4), frm (bits 5-7)
 *   9  number of steps (bits 0-5, + 8)
 *  10..41  the budgets of the steps (1 + byte % 64) and, in bit 7 of
 *      odd ones, "toggle the interrupt lines from the next budget byte"
 *  then the code bytes
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cpu/cpu_internal.h"
#include "cpu/jit/jit.h"
#include "fuzz_common.h"
#include "mem/address_space.h"

#define RAM_BASE 0x80000000ull
#define RAM_PAGES 16
#define RAM_SIZE (RAM_PAGES * PAGE_SIZE)
#define ROM_BASE 0x1000ull
#define ROM_SIZE 0x1000ull
#define DEV_BASE 0x10000000ull
#define HOLE 0x40000000ull
#define ROOT_PAGE 15            /* page table root (Sv39/Sv48) */
#define HDR 42
#define MAX_STEPS 71

#define CSR_MSTATUS 0x300
#define CSR_MEDELEG 0x302
#define CSR_MIDELEG 0x303
#define CSR_MIE 0x304
#define CSR_MTVEC 0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MENVCFG 0x30a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SATP 0x180
#define CSR_FRM 0x002

/* One side of the comparison. */
struct side {
	struct address_space as;
	struct region *ram, *rom;
	struct fake_dev dev;
	struct hart h;
	uint64_t time;
};

static struct side sides[2];   /* [0] interprets, [1] runs the JIT */
static struct jit *jit;        /* kept across inputs (flushed each time) */

static uint64_t read_time(void *opaque)
{
	struct side *s = opaque;

	return s->time += 7;
}

static const uint64_t xvals[] = {
	0, 1, 2, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
	0xffffffff80000000ull, 0x80000000ull, 0xffffffffull, 31, 63, 64,
	0x1234567890abcdefull, 0xfffffffffffff800ull, 0x7ff, 3, 0x100000000ull,
	RAM_BASE + 0x1000, RAM_BASE + 0x2ffe, 0x5555555555555555ull,
};

static const uint64_t fvals[] = {
	0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0x7ff8000000000000ull,
	0x7ff0000000000001ull, 1, 0x43e0000000000000ull, 0x3ff0000000000000ull,
	0xbff8000000000000ull, 0x7fefffffffffffffull, 0xffffffff7f800000ull,
	0xffffffff7fc00000ull, 0xffffffff3f800000ull, 0xffffffffcf000000ull,
	0x000000003f800000ull /* badly boxed */, 0xffffffff00000001ull,
	0xffffffff7f7fffffull, 0x4330000000000000ull, 0xc1e0000000200000ull,
};

/* ---- instruction templates ---- */

static uint32_t r_type(uint32_t f7, unsigned rs2, unsigned rs1, uint32_t f3,
		       unsigned rd, uint32_t op)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t i_type(int32_t imm, unsigned rs1, uint32_t f3, unsigned rd,
		       uint32_t op)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t s_type(int32_t imm, unsigned rs2, unsigned rs1, uint32_t f3,
		       uint32_t op)
{
	uint32_t u = (uint32_t)imm;

	return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       (u & 0x1f) << 7 | op;
}

static uint32_t b_type(int32_t off, unsigned rs2, unsigned rs1, uint32_t f3)
{
	uint32_t u = (uint32_t)off;

	return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | f3 << 12 | (u >> 1 & 15) << 8 | (u >> 11 & 1) << 7 |
	       0x63;
}

static uint32_t j_type(int32_t off, unsigned rd)
{
	uint32_t u = (uint32_t)off;

	return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 |
	       (u >> 11 & 1) << 20 | (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

static const uint16_t csrs[] = {
	0x340, 0x140, 0x300, 0x100, 0x341, 0x141, 0x342, 0x343, 0x001, 0x002,
	0x003, 0xc00, 0xc02, 0xc01, 0xb02, 0xb00, 0x320, 0x304, 0x344, 0x104,
	0x144, 0x180, 0x302, 0x303, 0x305, 0x105, 0x306, 0x106, 0xf14, 0x7b0,
};

static const uint32_t systems[] = {
	0x00000073, 0x00100073, 0x10500073, 0x30200073, 0x10200073,
	0x12000073, 0x0ff0000f, 0x0000100f, 0x12050073,
};

static const uint8_t amo_f5[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0c,
				  0x10, 0x14, 0x18, 0x1c };

static const uint8_t fp_f7[] = {
	0x00, 0x01, 0x04, 0x05, 0x08, 0x09, 0x0c, 0x0d, 0x2c, 0x2d, 0x10, 0x11,
	0x14, 0x15, 0x20, 0x21, 0x50, 0x51, 0x60, 0x61, 0x68, 0x69, 0x70, 0x71,
	0x78, 0x79,
};

/* Operands come from eight registers (never the base registers x20..x23),
 * so results feed later instructions and a destination is often also a
 * source; x0 now and then. */
static unsigned reg(uint8_t b)
{
	static const uint8_t regs[8] = { 1, 5, 8, 9, 10, 11, 31, 0 };

	return regs[b & 7];
}

static uint32_t make_insn(uint32_t v)
{
	uint8_t c = v & 63, b1 = v >> 8, b2 = v >> 16, b3 = v >> 24;
	unsigned rd = reg(b1), rs1 = reg(b2), rs2 = reg(b3 >> 3);
	unsigned base = 20 + (b1 >> 6), f3 = (b2 >> 5) & 7;
	int32_t small = (int8_t)b3;

	switch (c) {
	case 0 ... 9: {
		static const uint8_t f7s[] = { 0, 0x20, 1, 0 };
		return r_type(f7s[b3 >> 6], rs2, rs1, f3, rd,
			      c & 1 ? 0x3b : 0x33);
	}
	case 10 ... 15: {
		int32_t imm = (int32_t)(v >> 20 & 0xfff) - (v & (1u << 31) ? 0x1000 : 0);
		if (f3 == 1 || f3 == 5) /* shifts: shamt and the top bits */
			imm = (b3 & 63) | ((b3 & 0x40) ? 0x400 : 0);
		return i_type(imm, rs1, f3, rd, c & 1 ? 0x1b : 0x13);
	}
	case 16: return (v & 0xfffff000) | rd << 7 | 0x37;
	case 17: return (v & 0xfffff000) | rd << 7 | 0x17;
	case 18 ... 23: /* loads near the base; misaligned now and then */
		return i_type(small, base, f3 == 7 ? 3 : f3, rd, 0x03);
	case 24 ... 28:
		return s_type(small, rs2, base, f3 & 3, 0x23);
	case 29 ... 34: /* a few instructions either way */
		return b_type((small % 24) * 2, rs2 & 15, rs1 & 15,
			      (b1 & 7) == 2 || (b1 & 7) == 3 ? 0 : b1 & 7);
	case 35: return j_type((small % 16) * 2, rd & 1);
	case 36: return i_type(small & ~1, b3 & 1 ? 1 : base, 0, rd & 1, 0x67);
	case 37 ... 40: {
		unsigned csr = csrs[b3 % (sizeof(csrs) / sizeof(csrs[0]))];
		if (csr == 0x7b0) {
			/* the debug slot: dcsr (absent), or the trigger
			 * module, tdata2 from a base register (an address
			 * in RAM, the device, nothing or the code), so
			 * that armed triggers fire and the JIT hands the
			 * hart to the interpreter */
			static const uint16_t dbg[4] = { 0x7b0, 0x7a0, 0x7a1,
							 0x7a2 };
			csr = dbg[b1 >> 6];
			if (csr == 0x7a2)
				rs1 = 20 + (b2 & 3);
		}
		/* SIE alone as the immediate, as local_irq_enable/disable
		 * do (the JIT translates those on sstatus inline) */
		if ((csr == 0x100 || csr == 0x300) && (f3 & 4) && (b1 & 1))
			rs1 = 2;
		return csr << 20 | rs1 << 15 | (f3 & 3 ? f3 : 2) << 12 |
		       rd << 7 | 0x73;
	}
	case 41 ... 42:
		return systems[b3 % (sizeof(systems) / sizeof(systems[0]))] |
		       (c == 42 ? rs1 << 15 : 0);
	case 43 ... 45: {
		unsigned f5 = amo_f5[b3 % sizeof(amo_f5)];
		return f5 << 27 | (b3 & 0x60) << 20 | (f5 == 2 ? 0 : rs2) << 20 |
		       base << 15 | (b1 & 1 ? 3 : 2) << 12 | rd << 7 | 0x2f;
	}
	case 46 ... 51: {
		unsigned f7 = fp_f7[b3 % sizeof(fp_f7)];
		unsigned rm = b2 >> 5;
		return r_type(f7, b1 & 31, rs1, rm, rd, 0x53);
	}
	case 52: /* fused multiply-add */
		return (uint32_t)(b3 & 31) << 27 | (b3 >> 5 & 1) << 25 |
		       (b1 & 31) << 20 | rs1 << 15 | (uint32_t)(b2 >> 5) << 12 |
		       rd << 7 | (0x43 + 4 * (b1 >> 6));
	case 53 ... 54: /* FP loads and stores */
		return c == 53 ? i_type(small, base, b1 & 1 ? 3 : 2, rd, 0x07) :
				 s_type(small, rs2, base, b1 & 1 ? 3 : 2, 0x27);
	case 55 ... 60: { /* two compressed instructions */
		uint32_t lo = v & 0xffff, hi = v >> 16;
		if ((lo & 3) == 3)
			lo &= ~1u;
		if ((hi & 3) == 3)
			hi &= ~1u;
		return lo | hi << 16;
	}
	default:
		return v;
	}
}

/* ---- the two machines ---- */

static void side_init(struct side *s, const uint8_t *hdr, const uint8_t *code,
		      size_t code_len)
{
	as_init(&s->as);
	s->ram = as_add_ram(&s->as, "ram", RAM_BASE, RAM_SIZE);
	s->rom = as_add_rom(&s->as, "rom", ROM_BASE, ROM_SIZE);
	FUZZ_CHECK(s->ram && s->rom);
	memset(&s->dev, 0, sizeof(s->dev));
	s->dev.ops.read = fake_dev_read;
	s->dev.ops.write = fake_dev_write;
	unsigned lo = 1u << (hdr[6] & 3), hi = 1u << ((hdr[6] >> 2) & 3);
	s->dev.ops.impl = fuzz_widths(lo, hi);
	if (!s->dev.ops.impl)
		s->dev.ops.impl = (uint8_t)lo;
	if (hdr[6] & 0x80)
		s->dev.ops.impl |= GLASS_UNALIGNED;
	/* what the guest may use: the same (others fault), or anything
	 * (the bus splits and widens) */
	s->dev.ops.valid = hdr[6] & 0x40 ? s->dev.ops.impl :
			   GLASS_WANY | GLASS_UNALIGNED;
	as_add_mmio(&s->as, "fake", DEV_BASE, FAKE_DEV_SIZE, 1, &s->dev.ops,
		    &s->dev);
	s->time = 0;

	unsigned page = hdr[0] >> 5;
	for (size_t i = 0; i < code_len && i < RAM_SIZE; i++)
		s->ram->host[(page * PAGE_SIZE + i) % RAM_SIZE] = code[i];
	memcpy(s->rom->host, s->ram->host + page * PAGE_SIZE, ROM_SIZE);
	for (unsigned i = 0; i < FAKE_DEV_SIZE; i++)
		s->dev.mem[i] = (uint8_t)(i * 37 + hdr[7]);

	/* identity translation of RAM for S and U */
	unsigned mode = (hdr[0] >> 2) & 3;
	uint64_t flags = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D |
			 ((hdr[0] & 3) == 0 ? PTE_U : 0);
	uint64_t leaf = (RAM_BASE >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags;
	uint8_t *root = s->ram->host + ROOT_PAGE * PAGE_SIZE;
	if (mode == 1) {
		memcpy(root + 2 * 8, &leaf, 8);       /* 1 GiB at 2 GiB */
	} else if (mode == 2) {
		uint64_t next = ((RAM_BASE >> PAGE_SHIFT) + ROOT_PAGE - 1)
				<< PTE_PPN_SHIFT | PTE_V;
		memcpy(root, &next, 8);
		memcpy(root - PAGE_SIZE + 2 * 8, &leaf, 8);
	}
}

static void set_lines(struct hart *h, uint8_t b)
{
	hart_set_mip(h, MIP_MSIP, (b >> 1) & 1);
	hart_set_mip(h, MIP_MTIP, (b >> 2) & 1);
	hart_set_mip(h, MIP_MEIP, (b >> 3) & 1);
	hart_set_mip(h, MIP_SEIP, (b >> 4) & 1);
}

static void hart_setup(struct side *s, const uint8_t *hdr)
{
	struct hart *h = &s->h;
	struct hart_env env = { &s->as, read_time, s };
	static const uint64_t st1[8] = {
		MSTATUS_MPRV, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_TVM,
		MSTATUS_TW, MSTATUS_TSR, 1ull << 13, 1ull << 14,
	};
	static const uint64_t st2[7] = {
		MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE,
		MSTATUS_SPP, 1ull << 11, 1ull << 12,
	};
	static const uint64_t ints[6] = { MIP_SSIP, MIP_MSIP, MIP_STIP,
					  MIP_MTIP, MIP_SEIP, MIP_MEIP };
	static const enum priv privs[4] = { PRIV_U, PRIV_S, PRIV_M, PRIV_M };
	static const uint64_t modes[4] = { SATP_MODE_BARE, SATP_MODE_SV39,
					   SATP_MODE_SV48, SATP_MODE_BARE };
	uint64_t st = 0, mideleg = 0, mie = 0;

	hart_init(h, 0, &env);
	for (int i = 0; i < 8; i++)
		if (hdr[1] & (1u << i))
			st |= st1[i];
	for (int i = 0; i < 7; i++)
		if (hdr[2] & (1u << i))
			st |= st2[i];
	for (int i = 1; i < 32; i++)
		h->x[i] = xvals[(i * 7 + hdr[7]) % (sizeof(xvals) / sizeof(xvals[0]))];
	for (int i = 0; i < 32; i++)
		h->f[i] = fvals[(i + hdr[8]) % (sizeof(fvals) / sizeof(fvals[0]))];
	/* the base registers of loads and stores */
	h->x[20] = RAM_BASE + (hdr[7] & 15) * 0x1000 + 0x800;
	h->x[21] = DEV_BASE + 0x80;
	h->x[22] = (hdr[7] & 0x10) ? HOLE : RAM_BASE + 0xfffc;
	h->x[23] = RAM_BASE + (hdr[0] >> 5) * PAGE_SIZE + 0x40;

	FUZZ_CHECK(csr_write(h, CSR_MSTATUS, st));
	FUZZ_CHECK(csr_write(h, CSR_MENVCFG, (hdr[2] & 0x80) ? MENVCFG_PBMTE : 0));
	FUZZ_CHECK(csr_write(h, CSR_MEDELEG, (hdr[3] & 0x7f) |
			     ((hdr[3] & 0x80) ? 0xb100 : 0)));
	if (hdr[4] & 1) mideleg |= MIP_SSIP;
	if (hdr[4] & 2) mideleg |= MIP_STIP;
	if (hdr[4] & 4) mideleg |= MIP_SEIP;
	unsigned mie_bits = (hdr[4] >> 3) | (hdr[5] & 1) << 5;
	for (int i = 0; i < 6; i++)
		if (mie_bits & (1u << i))
			mie |= ints[i];
	FUZZ_CHECK(csr_write(h, CSR_MIDELEG, mideleg));
	FUZZ_CHECK(csr_write(h, CSR_MIE, mie));
	FUZZ_CHECK(csr_write(h, CSR_MCOUNTINHIBIT, (hdr[5] & 0x20) ? 5 : 0));
	FUZZ_CHECK(csr_write(h, CSR_MCOUNTEREN, (hdr[5] & 0x40) ? 7 : 0));
	FUZZ_CHECK(csr_write(h, CSR_SCOUNTEREN, (hdr[5] & 0x40) ? 7 : 0));
	unsigned vec = hdr[5] >> 7, page = hdr[0] >> 5;
	FUZZ_CHECK(csr_write(h, CSR_MTVEC, RAM_BASE + page * PAGE_SIZE + 0x100 + vec));
	FUZZ_CHECK(csr_write(h, CSR_STVEC, RAM_BASE + page * PAGE_SIZE + 0x200 + vec));
	FUZZ_CHECK(csr_write(h, CSR_FRM, hdr[8] >> 5) || !(st & MSTATUS_FS));
	FUZZ_CHECK(csr_write(h, CSR_SATP, modes[(hdr[0] >> 2) & 3] << SATP_MODE_SHIFT |
			     ((RAM_BASE >> PAGE_SHIFT) + ROOT_PAGE)));
	set_lines(h, hdr[5]);
	h->pc = RAM_BASE + page * PAGE_SIZE;
	hart_set_priv(h, privs[hdr[0] & 3]);
}

/* ---- the comparison ---- */

static void report(const char *what, unsigned step, uint64_t a, uint64_t b)
{
	fprintf(stderr, "fuzz_jit: step %u: %s differs: interpreter %#llx, "
		"JIT %#llx (pc %#llx / %#llx)\n", step, what,
		(unsigned long long)a, (unsigned long long)b,
		(unsigned long long)sides[0].h.pc,
		(unsigned long long)sides[1].h.pc);
}

#define SAME(field, name)                                                 \
	do {                                                              \
		if (a->field != b->field) {                               \
			report(name, step, a->field, b->field);           \
			FUZZ_CHECK(a->field == b->field);                 \
		}                                                         \
	} while (0)

static void compare(unsigned step)
{
	const struct hart *a = &sides[0].h, *b = &sides[1].h;
	char name[16];

	for (int i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		SAME(x[i], name);
		snprintf(name, sizeof(name), "f%d", i);
		SAME(f[i], name);
	}
	SAME(pc, "pc");
	SAME(priv, "priv");
	SAME(instret, "instret");
	SAME(cycle, "cycle");
	SAME(interrupts, "interrupts");
	SAME(exceptions, "exceptions");
	SAME(csr.mstatus, "mstatus");
	SAME(csr.mcause, "mcause");
	SAME(csr.mepc, "mepc");
	SAME(csr.mtval, "mtval");
	SAME(csr.scause, "scause");
	SAME(csr.sepc, "sepc");
	SAME(csr.stval, "stval");
	SAME(csr.mip, "mip");
	SAME(csr.mie, "mie");
	SAME(csr.satp, "satp");
	SAME(csr.fflags, "fflags");
	SAME(csr.frm, "frm");
	SAME(resv_valid, "resv_valid");
	SAME(resv_addr, "resv_addr");
	SAME(wfi, "wfi");
	SAME(stop, "stop");
	FUZZ_CHECK(!memcmp(&a->csr, &b->csr, sizeof(a->csr)));
	for (unsigned i = 0; i < RAM_SIZE; i += 8) {
		uint64_t va, vb;
		memcpy(&va, sides[0].ram->host + i, 8);
		memcpy(&vb, sides[1].ram->host + i, 8);
		if (va != vb) {
			report("RAM", step, RAM_BASE + i, va ^ vb);
			FUZZ_CHECK(va == vb);
		}
	}
	FUZZ_CHECK(!memcmp(sides[0].dev.mem, sides[1].dev.mem, FAKE_DEV_SIZE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[HDR], code[RAM_SIZE];
	struct in in = { data, size };
	size_t len = 0;

	if (!jit_available())
		return 0;
	for (int i = 0; i < HDR; i++)
		hdr[i] = in_u8(&in);
	if (hdr[0] & 0x10) {
		while (in.n >= 4 && len + 4 <= sizeof(code)) {
			uint32_t w = make_insn(in_u32(&in));
			memcpy(code + len, &w, 4);
			len += 4;
		}
	} else {
		len = in.n < sizeof(code) ? in.n : sizeof(code);
		memcpy(code, in.p, len);
	}

	for (int k = 0; k < 2; k++) {
		side_init(&sides[k], hdr, code, len);
		hart_setup(&sides[k], hdr);
	}
	if (!jit)
		jit = jit_new(1 << 20);
	FUZZ_CHECK(jit);
	jit_flush(jit);
	sides[1].h.jit = jit;
	compare(0);

	unsigned steps = (hdr[9] & 63) + 8;
	for (unsigned s = 0; s < steps && s < MAX_STEPS; s++) {
		uint8_t bb = hdr[10 + (s % 32)];
		uint64_t budget = 1 + (bb + s * 13) % 64;
		for (int k = 0; k < 2; k++)
			hart_run(&sides[k].h, budget);
		compare(s + 1);
		if ((s & 1) && (bb & 0x80)) {
			uint8_t lines = hdr[10 + ((s + 1) % 32)];
			for (int k = 0; k < 2; k++)
				set_lines(&sides[k].h, lines);
		}
		for (int k = 0; k < 2; k++)
			sides[k].h.resv_valid = false; /* a slice boundary */
		if (sides[0].h.wfi && sides[1].h.wfi)
			break;
	}

	sides[1].h.jit = NULL;
	for (int k = 0; k < 2; k++)
		as_destroy(&sides[k].as);
	return 0;
}
