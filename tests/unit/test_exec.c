/* The instruction executor: small hand-encoded programs in RAM run with
 * hart_run(), then registers, memory and trap CSRs are checked. The harts
 * translate (the JIT) where the host can, unless GLASS_JIT=0, as glass
 * itself does: tests/run.sh runs these tests both ways. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_internal.h"
#include "harness.h"
#include "mem/address_space.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define CODE (RAM_BASE + 0x4000)
#define DATA (RAM_BASE + 0x10000)
#define MTVEC (RAM_BASE + 0x1000)
#define STVEC (RAM_BASE + 0x2000)

struct env {
	struct address_space as;
	struct region *ram;
	struct hart h;
	uint64_t time;
	uint64_t at;          /* where the next emitted instruction goes */
};

/* ---- encoders (unprivileged spec, chapter 24 and 16) --------------------- */

enum { OP_LOAD = 0x03, OP_MISC_MEM = 0x0f, OP_IMM = 0x13, OP_AUIPC = 0x17,
       OP_IMM32 = 0x1b, OP_STORE = 0x23, OP_AMO = 0x2f, OP_REG = 0x33,
       OP_LUI = 0x37, OP_REG32 = 0x3b, OP_BRANCH = 0x63, OP_JALR = 0x67,
       OP_JAL = 0x6f, OP_SYSTEM = 0x73 };

static uint32_t enc_r(uint32_t f7, unsigned rs2, unsigned rs1, uint32_t f3,
		      unsigned rd, uint32_t op)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_i(int32_t imm, unsigned rs1, uint32_t f3, unsigned rd,
		      uint32_t op)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 |
	       op;
}

static uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, uint32_t f3)
{
	uint32_t u = (uint32_t)imm;

	return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       (u & 31) << 7 | OP_STORE;
}

static uint32_t enc_b(int32_t off, unsigned rs2, unsigned rs1, uint32_t f3)
{
	uint32_t u = (uint32_t)off;

	return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | f3 << 12 | (u >> 1 & 15) << 8 | (u >> 11 & 1) << 7 |
	       OP_BRANCH;
}

static uint32_t enc_u(uint32_t imm20, unsigned rd, uint32_t op)
{
	return imm20 << 12 | rd << 7 | op;
}

static uint32_t enc_j(int32_t off, unsigned rd)
{
	uint32_t u = (uint32_t)off;

	return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 |
	       (u >> 11 & 1) << 20 | (u >> 12 & 0xff) << 12 | rd << 7 | OP_JAL;
}

static uint32_t enc_amo(uint32_t f5, bool word, unsigned rs2, unsigned rs1,
			unsigned rd)
{
	return enc_r(f5 << 2, rs2, rs1, word ? 2 : 3, rd, OP_AMO);
}

static uint32_t enc_csr(unsigned csr, unsigned rs1, uint32_t f3, unsigned rd)
{
	return csr << 20 | rs1 << 15 | f3 << 12 | rd << 7 | OP_SYSTEM;
}

#define ADDI(rd, rs1, imm) enc_i(imm, rs1, 0, rd, OP_IMM)
#define CSRR(rd, csr) enc_csr(csr, 0, 2, rd)
#define NOP ADDI(0, 0, 0)
#define ECALL 0x00000073u
#define EBREAK 0x00100073u
#define MRET 0x30200073u
#define SRET 0x10200073u
#define WFI 0x10500073u

#define AMO_LR 0x02
#define AMO_SC 0x03

/* Compressed forms. Registers named rN' are x8..x15 and passed as 8..15. */
static uint16_t c_bit(uint32_t v, int from, int to)
{
	return (uint16_t)((v >> from & 1) << to);
}

/* CI format: funct3, imm[5] at 12, rd, imm[4:0] at 6:2, quadrant */
static uint16_t c_ci(uint32_t f3, unsigned rd, int32_t imm, uint32_t q)
{
	uint32_t u = (uint32_t)imm;

	return (uint16_t)(f3 << 13 | (u >> 5 & 1) << 12 | rd << 7 |
			  (u & 31) << 2 | q);
}

static uint16_t c_addi4spn(unsigned rdp, uint32_t imm)
{
	return (uint16_t)((imm >> 4 & 3) << 11 | (imm >> 6 & 15) << 7 |
			  c_bit(imm, 2, 6) | c_bit(imm, 3, 5) | (rdp - 8) << 2);
}

/* c.lw / c.sw (word) and c.ld / c.sd (double) share a layout */
static uint16_t c_mem(uint32_t f3, bool dbl, unsigned rs1p, unsigned rp,
		      uint32_t imm)
{
	uint32_t lo = dbl ? (imm >> 6 & 3) << 5 :
			    c_bit(imm, 2, 6) | c_bit(imm, 6, 5);

	return (uint16_t)(f3 << 13 | (imm >> 3 & 7) << 10 | (rs1p - 8) << 7 |
			  lo | (rp - 8) << 2);
}

static uint16_t c_addi16sp(int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return (uint16_t)(3 << 13 | c_bit(u, 9, 12) | 2 << 7 | c_bit(u, 4, 6) |
			  c_bit(u, 6, 5) | (u >> 7 & 3) << 3 | c_bit(u, 5, 2) |
			  1);
}

/* c.srli (0), c.srai (1), c.andi (2) */
static uint16_t c_shift_andi(unsigned kind, unsigned rdp, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return (uint16_t)(4 << 13 | (u >> 5 & 1) << 12 | kind << 10 |
			  (rdp - 8) << 7 | (u & 31) << 2 | 1);
}

/* c.sub c.xor c.or c.and (w = 0, op 0..3), c.subw c.addw (w = 1, op 0..1) */
static uint16_t c_arith(bool w, unsigned op, unsigned rdp, unsigned rs2p)
{
	return (uint16_t)(4 << 13 | w << 12 | 3 << 10 | (rdp - 8) << 7 |
			  op << 5 | (rs2p - 8) << 2 | 1);
}

static uint16_t c_j(int32_t off)
{
	uint32_t u = (uint32_t)off;

	return (uint16_t)(5 << 13 | c_bit(u, 11, 12) | c_bit(u, 4, 11) |
			  (u >> 8 & 3) << 9 | c_bit(u, 10, 8) | c_bit(u, 6, 7) |
			  c_bit(u, 7, 6) | (u >> 1 & 7) << 3 | c_bit(u, 5, 2) |
			  1);
}

static uint16_t c_bz(bool nez, unsigned rs1p, int32_t off)
{
	uint32_t u = (uint32_t)off;

	return (uint16_t)((nez ? 7 : 6) << 13 | c_bit(u, 8, 12) |
			  (u >> 3 & 3) << 10 | (rs1p - 8) << 7 |
			  (u >> 6 & 3) << 5 | (u >> 1 & 3) << 3 |
			  c_bit(u, 5, 2) | 1);
}

static uint16_t c_lwsp(unsigned rd, uint32_t imm)
{
	return (uint16_t)(2 << 13 | c_bit(imm, 5, 12) | rd << 7 |
			  (imm >> 2 & 7) << 4 | (imm >> 6 & 3) << 2 | 2);
}

static uint16_t c_ldsp(unsigned rd, uint32_t imm)
{
	return (uint16_t)(3 << 13 | c_bit(imm, 5, 12) | rd << 7 |
			  (imm >> 3 & 3) << 5 | (imm >> 6 & 7) << 2 | 2);
}

static uint16_t c_swsp(unsigned rs2, uint32_t imm)
{
	return (uint16_t)(6 << 13 | (imm >> 2 & 15) << 9 | (imm >> 6 & 3) << 7 |
			  rs2 << 2 | 2);
}

static uint16_t c_sdsp(unsigned rs2, uint32_t imm)
{
	return (uint16_t)(7 << 13 | (imm >> 3 & 7) << 10 | (imm >> 6 & 7) << 7 |
			  rs2 << 2 | 2);
}

/* c.jr / c.mv (bit12 = 0), c.jalr / c.add / c.ebreak (bit12 = 1) */
static uint16_t c_cr(bool bit12, unsigned rd, unsigned rs2)
{
	return (uint16_t)(4 << 13 | bit12 << 12 | rd << 7 | rs2 << 2 | 2);
}

/* ---- the environment ----------------------------------------------------- */

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

/* Writes go through the address space (as a loader's do), so a hart that
 * cached decoded code from the page sees the change. */
static void ram_wr(struct env *e, uint64_t pa, uint64_t v)
{
	CHECK_EQ(as_load(&e->as, pa, &v, 8), MEM_OK);
}

static void emit32(struct env *e, uint32_t insn)
{
	CHECK_EQ(as_load(&e->as, e->at, &insn, 4), MEM_OK);
	e->at += 4;
}

static void emit16(struct env *e, uint16_t c)
{
	CHECK_EQ(as_load(&e->as, e->at, &c, 2), MEM_OK);
	e->at += 2;
}

/* Trap handlers: every slot bumps x31, so a test sees that one ran. */
static void fill_handlers(struct env *e, uint64_t base)
{
	uint64_t save = e->at;

	e->at = base;
	for (int i = 0; i < 64; i++)
		emit32(e, ADDI(31, 31, 1));
	e->at = save;
}

/* A hart in M mode at CODE, no translation, no FP. */
static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));

	as_init(&e->as);
	e->ram = as_add_ram(&e->as, "ram", RAM_BASE, RAM_SIZE);
	struct hart_env env = { &e->as, env_time, e };
	hart_init(&e->h, 0, &env);
	const char *jit = getenv("GLASS_JIT");
	if (!(jit && !strcmp(jit, "0")))
		hart_jit_enable(&e->h, 1 << 20);
	e->h.pc = CODE;
	e->h.csr.mtvec = MTVEC;
	e->h.csr.stvec = STVEC;
	e->at = CODE;
	fill_handlers(e, MTVEC);
	fill_handlers(e, STVEC);
	return e;
}

static void env_free(struct env *e)
{
	hart_destroy(&e->h);
	as_destroy(&e->as);
	free(e);
}

/* Reset pc, the emit pointer and trap CSRs for the next little program. */
static void rewind_to(struct env *e, enum priv p)
{
	e->h.csr.mcause = e->h.csr.mtval = e->h.csr.mepc = 0xbad;
	e->h.csr.scause = e->h.csr.stval = e->h.csr.sepc = 0xbad;
	e->h.x[31] = 0;
	hart_set_priv(&e->h, p);
	e->h.pc = CODE;
	e->at = CODE;
}

static void set_mstatus(struct env *e, uint64_t bits)
{
	e->h.csr.mstatus |= bits;
	e->h.irq_check = true;
	hart_flush_tlb(&e->h);
}

/* Run exactly one instruction that must not trap; the pc must move on. */
static void step_ok(struct env *e, uint64_t next_pc)
{
	CHECK_EQ(hart_run(&e->h, 1), 1);
	CHECK_EQ(e->h.pc, next_pc);
	CHECK_EQ(e->h.x[31], 0);
}

/* The instruction at CODE must trap to M with cause/tval, not retire. */
static void expect_m_trap(struct env *e, uint64_t cause, uint64_t tval)
{
	uint64_t instret = e->h.instret;

	CHECK_EQ(hart_run(&e->h, 1), 0);
	CHECK_EQ(e->h.instret, instret);
	CHECK_EQ(e->h.csr.mcause, cause);
	CHECK_EQ(e->h.csr.mtval, tval);
	CHECK_EQ(e->h.csr.mepc, CODE);
	CHECK_EQ(e->h.pc, MTVEC);
	CHECK_EQ(e->h.priv, PRIV_M);
}

/* ---- RV64I / M ALU ------------------------------------------------------- */

struct alu_case {
	uint32_t insn;        /* x3 = op(x1, x2 or imm) */
	uint64_t a, b, want;
};

#define MIN64 0x8000000000000000ull
#define SX_MIN32 0xffffffff80000000ull    /* INT32_MIN, sign-extended */
#define R(f7, f3, op) (enc_r(f7, 2, 1, f3, 3, op))
#define I(imm, f3, op) (enc_i(imm, 1, f3, 3, op))

/* x3 = x1 op x2 */
#define ADD R(0x00, 0, OP_REG)
#define SUB R(0x20, 0, OP_REG)
#define SLL R(0x00, 1, OP_REG)
#define SLT R(0x00, 2, OP_REG)
#define SLTU R(0x00, 3, OP_REG)
#define XOR R(0x00, 4, OP_REG)
#define SRL R(0x00, 5, OP_REG)
#define SRA R(0x20, 5, OP_REG)
#define OR R(0x00, 6, OP_REG)
#define AND R(0x00, 7, OP_REG)
#define ADDW R(0x00, 0, OP_REG32)
#define SUBW R(0x20, 0, OP_REG32)
#define SLLW R(0x00, 1, OP_REG32)
#define SRLW R(0x00, 5, OP_REG32)
#define SRAW R(0x20, 5, OP_REG32)
#define MUL R(1, 0, OP_REG)
#define MULH R(1, 1, OP_REG)
#define MULHSU R(1, 2, OP_REG)
#define MULHU R(1, 3, OP_REG)
#define DIV R(1, 4, OP_REG)
#define DIVU R(1, 5, OP_REG)
#define REM R(1, 6, OP_REG)
#define REMU R(1, 7, OP_REG)
#define MULW R(1, 0, OP_REG32)
#define DIVW R(1, 4, OP_REG32)
#define DIVUW R(1, 5, OP_REG32)
#define REMW R(1, 6, OP_REG32)
#define REMUW R(1, 7, OP_REG32)

/* x3 = x1 op imm */
#define ADDI3(imm) I(imm, 0, OP_IMM)
#define SLTI(imm) I(imm, 2, OP_IMM)
#define SLTIU(imm) I(imm, 3, OP_IMM)
#define XORI(imm) I(imm, 4, OP_IMM)
#define ORI(imm) I(imm, 6, OP_IMM)
#define ANDI(imm) I(imm, 7, OP_IMM)
#define SLLI(sh) I(sh, 1, OP_IMM)
#define SRLI(sh) I(sh, 5, OP_IMM)
#define SRAI(sh) I(0x400 | (sh), 5, OP_IMM)
#define ADDIW(imm) I(imm, 0, OP_IMM32)
#define SLLIW(sh) I(sh, 1, OP_IMM32)
#define SRLIW(sh) I(sh, 5, OP_IMM32)
#define SRAIW(sh) I(0x400 | (sh), 5, OP_IMM32)

static void run_alu_cases(const struct alu_case *cases, unsigned n)
{
	struct env *e = env_new();

	for (unsigned i = 0; i < n; i++) {
		const struct alu_case *c = &cases[i];
		rewind_to(e, PRIV_M);
		emit32(e, c->insn);
		e->h.x[1] = c->a;
		e->h.x[2] = c->b;
		e->h.x[3] = 0x5555;
		step_ok(e, CODE + 4);
		if (e->h.x[3] != c->want)
			printf("  case %u: insn %08x\n", i, c->insn);
		CHECK_EQ(e->h.x[3], c->want);
	}
	env_free(e);
}

TEST(exec_alu_register_ops)
{
	const struct alu_case cases[] = {
		{ ADD, 0x7fffffffffffffff, 1, MIN64 },
		{ SUB, 0, 1, ~0ull },
		{ SLL, 1, 63, MIN64 },
		{ SLL, 1, 65, 2 },                /* only 6 bits of x2 */
		{ SLT, -1ull, 1, 1 },
		{ SLT, 1, -1ull, 0 },
		{ SLTU, 1, -1ull, 1 },
		{ SLTU, -1ull, 1, 0 },
		{ XOR, 0xff00, 0x0ff0, 0xf0f0 },
		{ SRL, MIN64, 63, 1 },
		{ SRA, MIN64, 63, ~0ull },
		{ SRA, MIN64, 64 + 4, 0xf800000000000000 },
		{ OR, 0xf0, 0x0f, 0xff },
		{ AND, 0xf0, 0x3c, 0x30 },
		{ ADDW, 0x7fffffff, 1, SX_MIN32 },
		{ ADDW, 0xffffffff00000001, 0, 1 },
		{ SUBW, 0x80000000, 1, 0x7fffffff },
		{ SUBW, 0, 1, ~0ull },
		{ SLLW, 1, 31, SX_MIN32 },
		{ SLLW, 1, 32, 1 },               /* only 5 bits of x2 */
		{ SRLW, 0xffffffff80000000, 31, 1 },
		{ SRLW, 0x80000000, 0, SX_MIN32 },
		{ SRAW, 0x80000000, 31, ~0ull },
		{ MUL, -3ull, 5, -15ull },
		{ MULH, MIN64, MIN64, 0x4000000000000000 },
		{ MULH, -1ull, 1, ~0ull },
		{ MULHSU, -1ull, ~0ull, ~0ull },
		{ MULHSU, 2, ~0ull, 1 },
		{ MULHU, ~0ull, ~0ull, 0xfffffffffffffffe },
		{ DIV, 7, -2ull, -3ull },
		{ DIV, 7, 0, ~0ull },
		{ DIV, MIN64, -1ull, MIN64 },
		{ DIVU, 7, 0, ~0ull },
		{ DIVU, ~0ull, 2, 0x7fffffffffffffff },
		{ REM, -7ull, 2, -1ull },
		{ REM, 7, 0, 7 },
		{ REM, MIN64, -1ull, 0 },
		{ REMU, 7, 0, 7 },
		{ REMU, ~0ull, 10, 5 },
		{ MULW, 0x10000, 0x10000, 0 },
		{ MULW, 0x7fffffff, 2, 0xfffffffffffffffe },
		{ DIVW, 0x80000000, -1ull, SX_MIN32 },
		{ DIVW, 5, 0, ~0ull },
		{ DIVW, -7ull, 2, -3ull },
		{ DIVW, 0x100000006, 3, 2 },      /* upper halves ignored */
		{ DIVUW, 0xffffffff, 1, ~0ull },
		{ DIVUW, 5, 0, ~0ull },
		{ REMW, 0x80000000, -1ull, 0 },
		{ REMW, 0x80000000, 0, SX_MIN32 },
		{ REMUW, 0x80000005, 0x10, 5 },
		{ REMUW, 0x80000000, 0, SX_MIN32 },
	};

	run_alu_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

TEST(exec_alu_immediate_ops)
{
	const struct alu_case cases[] = {
		{ ADDI3(-1), 0, 0, ~0ull },
		{ ADDI3(2047), 1, 0, 2048 },
		{ ADDI3(-2048), 0, 0, -2048ull },
		{ SLTI(-4), -5ull, 0, 1 },
		{ SLTIU(-1), 5, 0, 1 },           /* imm is sign-extended */
		{ SLTIU(1), 0, 0, 1 },
		{ SLTIU(1), 1, 0, 0 },
		{ XORI(-1), 0x1234, 0, ~0x1234ull },
		{ ORI(0x7f0), 0xf, 0, 0x7ff },
		{ ANDI(-16), 0x12345, 0, 0x12340 },
		{ SLLI(63), 1, 0, MIN64 },
		{ SRLI(63), MIN64, 0, 1 },
		{ SRAI(63), MIN64, 0, ~0ull },
		{ SRAI(4), MIN64, 0, 0xf800000000000000 },
		{ ADDIW(1), 0x7fffffff, 0, SX_MIN32 },
		{ ADDIW(0), 0x80000000, 0, SX_MIN32 },   /* sext.w */
		{ ADDIW(-1), 0, 0, ~0ull },
		{ SLLIW(31), 1, 0, SX_MIN32 },
		{ SRLIW(31), 0x80000000, 0, 1 },
		{ SRLIW(0), 0x80000000, 0, SX_MIN32 },
		{ SRAIW(31), 0x80000000, 0, ~0ull },
		{ SRAIW(4), 0x7fffffff80000000, 0, 0xfffffffff8000000 },
	};

	run_alu_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

TEST(exec_lui_auipc_x0)
{
	struct env *e = env_new();

	emit32(e, enc_u(0x80000, 5, OP_LUI));
	emit32(e, enc_u(0xfffff, 6, OP_AUIPC));
	emit32(e, enc_u(0x00001, 7, OP_AUIPC));
	emit32(e, ADDI(0, 0, 5));            /* writes to x0 are dropped */
	emit32(e, enc_u(0x12345, 0, OP_LUI));
	CHECK_EQ(hart_run(&e->h, 5), 5);
	CHECK_EQ(e->h.x[5], 0xffffffff80000000);
	CHECK_EQ(e->h.x[6], CODE + 4 - 0x1000);
	CHECK_EQ(e->h.x[7], CODE + 8 + 0x1000);
	CHECK_EQ(e->h.x[0], 0);
	CHECK_EQ(e->h.pc, CODE + 20);
	env_free(e);
}

/* ---- loads, stores ------------------------------------------------------- */

#define PATTERN 0xf1e2d3c4b5a69788ull   /* the doubleword at DATA */
#define WORD1 0x0123456789abcdefull     /* and the one after it */
#define SX_C4 0xfffffffff1e2d3c4ull     /* lw of DATA + 4 */

TEST(exec_loads_extend)
{
	static const struct {
		uint32_t f3;
		int32_t off;
		uint64_t want;
	} cases[] = {
		{ 0, 0, 0xffffffffffffff88 },        /* lb */
		{ 4, 0, 0x88 },                      /* lbu */
		{ 0, 1, 0xffffffffffffff97 },
		{ 1, 0, 0xffffffffffff9788 },        /* lh */
		{ 5, 0, 0x9788 },                    /* lhu */
		{ 2, 0, 0xffffffffb5a69788 },        /* lw */
		{ 6, 0, 0xb5a69788 },                /* lwu */
		{ 3, 0, PATTERN },                   /* ld */
		{ 2, 1, 0xffffffffc4b5a697 },        /* misaligned lw */
		{ 3, 8, 0x0123456789abcdef },
		{ 3, 3, 0xabcdeff1e2d3c4b5 },        /* misaligned ld */
		{ 1, 7, 0xffffffffffffeff1 },        /* misaligned lh */
	};
	struct env *e = env_new();

	ram_wr(e, DATA, PATTERN);
	ram_wr(e, DATA + 8, WORD1);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rewind_to(e, PRIV_M);
		/* base + negative offset: the immediate is sign-extended */
		emit32(e, enc_i(cases[i].off - 0x800, 1, cases[i].f3, 3,
				OP_LOAD));
		e->h.x[1] = DATA + 0x800;
		step_ok(e, CODE + 4);
		CHECK_EQ(e->h.x[3], cases[i].want);
	}
	env_free(e);
}

TEST(exec_stores_widths)
{
	static const struct {
		uint32_t f3;
		int32_t off;
		uint64_t want;     /* the 8 bytes at DATA afterwards */
	} cases[] = {
		{ 0, 0, 0xeeeeeeeeeeeeee88 },        /* sb */
		{ 1, 2, 0xeeeeeeee7788eeee },        /* sh */
		{ 2, 1, 0xeeeeee55667788ee },        /* sw, misaligned */
		{ 3, 0, 0x1122334455667788 },        /* sd */
	};
	struct env *e = env_new();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rewind_to(e, PRIV_M);
		memset(ram_at(e, DATA - 8), 0xee, 24);
		emit32(e, enc_s(cases[i].off - 16, 2, 1, cases[i].f3));
		e->h.x[1] = DATA + 16;
		e->h.x[2] = 0x1122334455667788;
		step_ok(e, CODE + 4);
		CHECK_EQ(ram_rd(e, DATA), cases[i].want);
		CHECK_EQ(ram_rd(e, DATA - 8), 0xeeeeeeeeeeeeeeee);
		CHECK_EQ(ram_rd(e, DATA + 8), 0xeeeeeeeeeeeeeeee);
	}
	env_free(e);
}

/* ---- control transfer ---------------------------------------------------- */

TEST(exec_branches)
{
	static const struct {
		uint32_t f3;
		uint64_t a, b;
		bool taken;
	} cases[] = {
		{ 0, 5, 5, true }, { 0, 5, 6, false },        /* beq */
		{ 1, 5, 6, true }, { 1, 5, 5, false },        /* bne */
		{ 4, -1ull, 1, true }, { 4, 1, -1ull, false }, /* blt */
		{ 5, 1, -1ull, true }, { 5, 3, 3, true },     /* bge */
		{ 5, -1ull, 1, false },
		{ 6, 1, -1ull, true }, { 6, -1ull, 1, false }, /* bltu */
		{ 7, -1ull, 1, true }, { 7, 0, 1, false },    /* bgeu */
	};
	static const int32_t offs[] = { 16, -8, 4094, -4096 };
	struct env *e = env_new();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (unsigned k = 0; k < 4; k++) {
			rewind_to(e, PRIV_M);
			emit32(e, enc_b(offs[k], 2, 1, cases[i].f3));
			e->h.x[1] = cases[i].a;
			e->h.x[2] = cases[i].b;
			step_ok(e, cases[i].taken ? CODE + offs[k] : CODE + 4);
		}
	}
	env_free(e);
}

TEST(exec_jal_jalr)
{
	struct env *e = env_new();

	emit32(e, enc_j(0x100, 1));
	step_ok(e, CODE + 0x100);
	CHECK_EQ(e->h.x[1], CODE + 4);

	rewind_to(e, PRIV_M);
	emit32(e, enc_j(-0x1000, 5));
	step_ok(e, CODE - 0x1000);
	CHECK_EQ(e->h.x[5], CODE + 4);

	/* the low bit of the target is cleared */
	rewind_to(e, PRIV_M);
	emit32(e, enc_i(-3, 6, 0, 1, OP_JALR));
	e->h.x[6] = CODE + 0x203;
	step_ok(e, CODE + 0x200);
	CHECK_EQ(e->h.x[1], CODE + 4);

	/* rd == rs1: the target uses the old value */
	rewind_to(e, PRIV_M);
	emit32(e, enc_i(8, 7, 0, 7, OP_JALR));
	e->h.x[7] = CODE + 0x40;
	step_ok(e, CODE + 0x48);
	CHECK_EQ(e->h.x[7], CODE + 4);

	/* jal/jalr with rd = x0 just jump */
	rewind_to(e, PRIV_M);
	emit32(e, enc_i(0, 6, 0, 0, OP_JALR));
	e->h.x[6] = CODE + 0x80;
	step_ok(e, CODE + 0x80);
	CHECK_EQ(e->h.x[0], 0);
	env_free(e);
}

TEST(exec_fence_is_a_nop)
{
	struct env *e = env_new();

	emit32(e, enc_i(0x0ff, 0, 0, 0, OP_MISC_MEM));   /* fence rw,rw */
	emit32(e, enc_i(0, 0, 1, 0, OP_MISC_MEM));       /* fence.i */
	CHECK_EQ(hart_run(&e->h, 2), 2);
	CHECK_EQ(e->h.pc, CODE + 8);
	CHECK_EQ(e->h.x[31], 0);
	env_free(e);
}

/* ---- compressed ---------------------------------------------------------- */

struct c_case {
	uint16_t insn;
	unsigned ra;          /* registers set before (0: none) */
	uint64_t va;
	unsigned rb;
	uint64_t vb;
	unsigned rd;          /* register checked after (0: none) */
	uint64_t want;
	int64_t next;         /* pc afterwards, relative to CODE */
	uint64_t maddr;       /* memory checked after (0: none) */
	uint64_t mwant;
};

/* a register result (rd 0: none) and the pc afterwards, or a store */
#define C_REG(c, ra, va, rb, vb, rd, want, next) \
	{ c, ra, va, rb, vb, rd, want, next, 0, 0 }
#define C_MEM(c, ra, va, rb, vb, maddr, mwant) \
	{ c, ra, va, rb, vb, 0, 0, 2, maddr, mwant }

TEST(exec_compressed_expansion)
{
	const uint64_t d = DATA;
	const struct c_case cases[] = {
		/* quadrant 0: c.addi4spn, c.lw, c.ld, c.sw, c.sd */
		C_REG(c_addi4spn(8, 1020), 2, 0x1000, 0, 0, 8, 0x13fc, 2),
		C_REG(c_addi4spn(15, 4), 2, 0x1000, 0, 0, 15, 0x1004, 2),
		C_REG(c_mem(2, false, 8, 9, 4), 8, d, 0, 0, 9, SX_C4, 2),
		C_REG(c_mem(2, false, 8, 9, 0x7c), 8, d - 0x78, 0, 0, 9, SX_C4,
		      2),
		C_REG(c_mem(3, true, 8, 9, 8), 8, d, 0, 0, 9, WORD1, 2),
		C_REG(c_mem(3, true, 10, 9, 0xf8), 10, d - 0xf0, 0, 0, 9, WORD1,
		      2),
		C_MEM(c_mem(6, false, 8, 9, 0x44), 8, d, 9, 0xaabbccdd,
		      d + 0x40, 0xaabbccdd00000000),
		C_MEM(c_mem(7, true, 8, 9, 0xf8), 8, d - 0xb8, 9, 0x1234,
		      d + 0x40, 0x1234),
		/* quadrant 1: c.nop, c.addi, c.addiw, c.li */
		C_REG(0x0001, 0, 0, 0, 0, 0, 0, 2),
		C_REG(c_ci(0, 10, -32, 1), 10, 0, 0, 0, 10, -32ull, 2),
		C_REG(c_ci(1, 10, 1, 1), 10, 0x7fffffff, 0, 0, 10, SX_MIN32, 2),
		C_REG(c_ci(2, 11, -1, 1), 0, 0, 0, 0, 11, ~0ull, 2),
		C_REG(c_ci(2, 11, 31, 1), 0, 0, 0, 0, 11, 31, 2),
		/* c.addi16sp, c.lui */
		C_REG(c_addi16sp(496), 2, 0x10000, 0, 0, 2, 0x101f0, 2),
		C_REG(c_addi16sp(-512), 2, 0x10000, 0, 0, 2, 0xfe00, 2),
		C_REG(c_ci(3, 10, -32, 1), 0, 0, 0, 0, 10, 0xfffffffffffe0000,
		      2),
		C_REG(c_ci(3, 10, 1, 1), 0, 0, 0, 0, 10, 0x1000, 2),
		/* c.srli, c.srai, c.andi */
		C_REG(c_shift_andi(0, 8, 63), 8, MIN64, 0, 0, 8, 1, 2),
		C_REG(c_shift_andi(1, 8, 63), 8, MIN64, 0, 0, 8, ~0ull, 2),
		C_REG(c_shift_andi(1, 9, 1), 9, MIN64, 0, 0, 9,
		      0xc000000000000000, 2),
		C_REG(c_shift_andi(2, 8, -2), 8, 0xff, 0, 0, 8, 0xfe, 2),
		/* c.sub, c.xor, c.or, c.and, c.subw, c.addw */
		C_REG(c_arith(0, 0, 8, 9), 8, 5, 9, 7, 8, -2ull, 2),
		C_REG(c_arith(0, 1, 8, 9), 8, 0xf0, 9, 0xff, 8, 0x0f, 2),
		C_REG(c_arith(0, 2, 8, 9), 8, 0xf0, 9, 0x0f, 8, 0xff, 2),
		C_REG(c_arith(0, 3, 8, 9), 8, 0xf0, 9, 0x3c, 8, 0x30, 2),
		C_REG(c_arith(1, 0, 8, 9), 8, 0, 9, 1, 8, ~0ull, 2),
		C_REG(c_arith(1, 1, 15, 14), 15, 0x7fffffff, 14, 1, 15,
		      SX_MIN32, 2),
		/* c.j, c.beqz, c.bnez */
		C_REG(c_j(2046), 0, 0, 0, 0, 0, 0, 2046),
		C_REG(c_j(-2048), 0, 0, 0, 0, 0, 0, -2048),
		C_REG(c_j(0x2aa), 0, 0, 0, 0, 0, 0, 0x2aa),
		C_REG(c_bz(false, 8, 254), 8, 0, 0, 0, 0, 0, 254),
		C_REG(c_bz(false, 8, 254), 8, 1, 0, 0, 0, 0, 2),
		C_REG(c_bz(false, 8, -256), 8, 0, 0, 0, 0, 0, -256),
		C_REG(c_bz(true, 9, -2), 9, 5, 0, 0, 0, 0, -2),
		C_REG(c_bz(true, 9, 0xaa), 9, 5, 0, 0, 0, 0, 0xaa),
		C_REG(c_bz(true, 9, -2), 9, 0, 0, 0, 0, 0, 2),
		/* quadrant 2: c.slli, c.lwsp, c.ldsp, c.swsp, c.sdsp */
		C_REG(c_ci(0, 10, 63, 2), 10, 1, 0, 0, 10, MIN64, 2),
		C_REG(c_lwsp(10, 0xfc), 2, d - 0xf8, 0, 0, 10, SX_C4, 2),
		C_REG(c_ldsp(10, 0x1f8), 2, d + 8 - 0x1f8, 0, 0, 10, WORD1, 2),
		C_MEM(c_swsp(11, 0xfc), 2, d + 0x40 - 0xfc, 11, 0x55667788,
		      d + 0x40, 0x55667788),
		C_MEM(c_sdsp(11, 0x1f8), 2, d + 0x40 - 0x1f8, 11, WORD1,
		      d + 0x40, WORD1),
		/* c.jr, c.mv, c.jalr, c.add */
		C_REG(c_cr(0, 10, 0), 10, CODE + 0x100, 0, 0, 0, 0, 0x100),
		C_REG(c_cr(0, 10, 11), 11, 42, 0, 0, 10, 42, 2),
		C_REG(c_cr(1, 10, 0), 10, CODE + 0x300, 0, 0, 1, CODE + 2,
		      0x300),
		C_REG(c_cr(1, 1, 0), 1, CODE + 0x20, 0, 0, 1, CODE + 2, 0x20),
		C_REG(c_cr(1, 10, 11), 10, 40, 11, 2, 10, 42, 2),
	};
	struct env *e = env_new();

	ram_wr(e, DATA, PATTERN);
	ram_wr(e, DATA + 8, WORD1);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct c_case *c = &cases[i];
		int before = test_failures_in_current;

		rewind_to(e, PRIV_M);
		ram_wr(e, DATA + 0x40, 0);
		emit16(e, c->insn);
		emit16(e, 0xffff);               /* must not be looked at */
		if (c->ra)
			e->h.x[c->ra] = c->va;
		if (c->rb)
			e->h.x[c->rb] = c->vb;
		step_ok(e, CODE + c->next);
		if (c->rd)
			CHECK_EQ(e->h.x[c->rd], c->want);
		if (c->maddr)
			CHECK_EQ(ram_rd(e, c->maddr), c->mwant);
		if (test_failures_in_current != before)
			printf("  case %u: c %04x\n", i, c->insn);
	}
	env_free(e);
}

/* ---- illegal instructions ------------------------------------------------ */

TEST(exec_illegal_compressed)
{
	const uint16_t cases[] = {
		0x0000,                          /* defined illegal */
		c_addi4spn(9, 0),                /* nzuimm = 0 */
		0x8000,                          /* quadrant 0, funct3 100 */
		c_ci(1, 0, 1, 1),                /* c.addiw x0 */
		c_ci(3, 10, 0, 1),               /* c.lui, imm 0 */
		c_addi16sp(0),                   /* imm 0 */
		c_arith(1, 2, 8, 9),             /* reserved in c.subw's row */
		c_arith(1, 3, 8, 9),
		c_cr(0, 0, 0),                   /* c.jr x0 */
		c_lwsp(0, 4),                    /* rd = x0 */
		c_ldsp(0, 8),
		c_mem(1, true, 8, 8, 0),         /* c.fld with FP off */
	};
	struct env *e = env_new();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int before = test_failures_in_current;

		rewind_to(e, PRIV_M);
		emit16(e, cases[i]);
		emit16(e, 0xffff);
		e->h.x[8] = DATA;
		e->h.x[10] = 0x77;
		expect_m_trap(e, CAUSE_ILLEGAL_INSN, cases[i]);
		CHECK_EQ(e->h.x[10], 0x77);
		CHECK_EQ(e->h.x[0], 0);
		if (test_failures_in_current != before)
			printf("  case %u: c %04x\n", i, cases[i]);
	}
	env_free(e);
}

TEST(exec_illegal_32bit)
{
	const uint32_t cases[] = {
		0x0000005b,                          /* custom-2 opcode */
		0xffffffff,
		enc_i(0, 1, 7, 3, OP_LOAD),          /* no 128-bit load */
		enc_s(0, 2, 1, 4),                   /* no 128-bit store */
		I(0x400 | 1, 1, OP_IMM),             /* slli with funct6 0x10 */
		I(32, 1, OP_IMM32),                  /* slliw shamt[5] */
		R(0x20, 1, OP_REG),                  /* sll with funct7 0x20 */
		R(1, 1, OP_REG32),                   /* no mulhw */
		R(0, 2, OP_REG32),                   /* no sltw */
		enc_b(8, 2, 1, 2),                   /* branch funct3 2 */
		enc_i(0, 1, 1, 3, OP_JALR),          /* jalr funct3 1 */
		enc_i(0, 0, 2, 0, OP_MISC_MEM),      /* fence funct3 2 */
		enc_amo(0x05, false, 2, 1, 3),       /* unknown AMO */
		enc_amo(0x00, false, 2, 1, 3) & ~(7u << 12), /* amo width 0 */
		enc_csr(0x800, 0, 2, 1),             /* csrr of no CSR */
		enc_csr(0x800, 1, 1, 0),             /* csrw of no CSR */
		enc_csr(0xf14, 1, 1, 0),             /* csrw mhartid (RO) */
		enc_csr(0x300, 0, 4, 1),             /* funct3 4 */
		ECALL | 1u << 7,                     /* ecall with rd != 0 */
		0x10200073u | 1u << 20,              /* not sret */
	};
	struct env *e = env_new();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int before = test_failures_in_current;

		rewind_to(e, PRIV_M);
		emit32(e, cases[i]);
		e->h.x[1] = DATA;
		e->h.x[3] = 0x77;
		expect_m_trap(e, CAUSE_ILLEGAL_INSN, cases[i]);
		CHECK_EQ(e->h.x[3], 0x77);
		if (test_failures_in_current != before)
			printf("  case %u: insn %08x\n", i, cases[i]);
	}
	env_free(e);
}

/* Instructions that are legal in M but not in lower modes. */
TEST(exec_privileged_instructions_trap_below)
{
	const struct {
		uint32_t insn;
		enum priv priv;
		uint64_t mstatus;
	} cases[] = {
		{ MRET, PRIV_S, 0 },
		{ MRET, PRIV_U, 0 },
		{ SRET, PRIV_U, 0 },
		{ SRET, PRIV_S, MSTATUS_TSR },
		{ WFI, PRIV_U, 0 },
		{ WFI, PRIV_S, MSTATUS_TW },
		{ 0x12000073u, PRIV_U, 0 },              /* sfence.vma */
		{ 0x12000073u, PRIV_S, MSTATUS_TVM },
		{ CSRR(6, 0x300), PRIV_S, 0 },           /* mstatus */
		{ CSRR(6, 0x100), PRIV_U, 0 },           /* sstatus */
		{ CSRR(6, 0x180), PRIV_S, MSTATUS_TVM }, /* satp */
		{ CSRR(6, 0xc00), PRIV_U, 0 },           /* cycle */
	};
	struct env *e = env_new();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int before = test_failures_in_current;

		e->h.csr.mstatus &= ~(MSTATUS_TSR | MSTATUS_TW | MSTATUS_TVM);
		set_mstatus(e, cases[i].mstatus);
		rewind_to(e, cases[i].priv);
		emit32(e, cases[i].insn);
		CHECK_EQ(hart_run(&e->h, 1), 0);
		CHECK_EQ(e->h.csr.mcause, CAUSE_ILLEGAL_INSN);
		CHECK_EQ(e->h.csr.mtval, cases[i].insn);
		CHECK_EQ(e->h.csr.mepc, CODE);
		CHECK_EQ(e->h.pc, MTVEC);
		CHECK_EQ(e->h.priv, PRIV_M);
		CHECK_EQ((e->h.csr.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT,
			 cases[i].priv);
		CHECK(!e->h.wfi);
		if (test_failures_in_current != before)
			printf("  case %u: insn %08x\n", i, cases[i].insn);
	}
	env_free(e);
}

/* ---- ecall, ebreak, xRET, wfi -------------------------------------------- */

TEST(exec_ecall_cause_per_privilege)
{
	static const struct {
		enum priv priv;
		uint64_t cause;
	} cases[] = {
		{ PRIV_U, CAUSE_ECALL_U },
		{ PRIV_S, CAUSE_ECALL_S },
		{ PRIV_M, CAUSE_ECALL_M },
	};
	struct env *e = env_new();

	for (unsigned i = 0; i < 3; i++) {
		rewind_to(e, cases[i].priv);
		emit32(e, ECALL);
		CHECK_EQ(hart_run(&e->h, 1), 0);
		CHECK_EQ(e->h.csr.mcause, cases[i].cause);
		CHECK_EQ(e->h.csr.mtval, 0);
		CHECK_EQ(e->h.csr.mepc, CODE);
		CHECK_EQ(e->h.pc, MTVEC);
	}

	/* delegated: a U ecall goes to S */
	e->h.csr.medeleg = 1u << CAUSE_ECALL_U;
	rewind_to(e, PRIV_U);
	emit32(e, ECALL);
	CHECK_EQ(hart_run(&e->h, 1), 0);
	CHECK_EQ(e->h.csr.scause, CAUSE_ECALL_U);
	CHECK_EQ(e->h.csr.sepc, CODE);
	CHECK_EQ(e->h.pc, STVEC);
	CHECK_EQ(e->h.priv, PRIV_S);
	CHECK(!(e->h.csr.mstatus & MSTATUS_SPP));
	CHECK_EQ(e->h.csr.mcause, 0xbad);

	/* an M ecall cannot be delegated */
	rewind_to(e, PRIV_M);
	CHECK(csr_write(&e->h, 0x302, ~0ull));
	CHECK(!(e->h.csr.medeleg & (1u << CAUSE_ECALL_M)));
	emit32(e, ECALL);
	hart_run(&e->h, 1);
	CHECK_EQ(e->h.csr.mcause, CAUSE_ECALL_M);
	env_free(e);
}

TEST(exec_ebreak_tval_is_pc)
{
	struct env *e = env_new();

	emit32(e, NOP);
	emit32(e, EBREAK);
	CHECK_EQ(hart_run(&e->h, 2), 1);
	CHECK_EQ(e->h.csr.mcause, CAUSE_BREAKPOINT);
	CHECK_EQ(e->h.csr.mtval, CODE + 4);
	CHECK_EQ(e->h.csr.mepc, CODE + 4);

	rewind_to(e, PRIV_S);
	emit16(e, c_cr(1, 0, 0));                 /* c.ebreak */
	CHECK_EQ(hart_run(&e->h, 1), 0);
	CHECK_EQ(e->h.csr.mcause, CAUSE_BREAKPOINT);
	CHECK_EQ(e->h.csr.mtval, CODE);
	CHECK_EQ(e->h.csr.mepc, CODE);
	CHECK_EQ(e->h.priv, PRIV_M);
	env_free(e);
}

#define MPP(p) ((uint64_t)(p) << MSTATUS_MPP_SHIFT)

TEST(exec_mret_unstacks)
{
	struct env *e = env_new();
	struct hart *h = &e->h;

	h->csr.mstatus = (h->csr.mstatus & ~(MSTATUS_MIE | MSTATUS_MPP)) |
			 MSTATUS_MPIE | MPP(PRIV_S) | MSTATUS_MPRV;
	h->csr.mepc = CODE + 0x100;
	emit32(e, MRET);
	step_ok(e, CODE + 0x100);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK(h->csr.mstatus & MSTATUS_MIE);
	CHECK(h->csr.mstatus & MSTATUS_MPIE);
	CHECK_EQ(h->csr.mstatus & MSTATUS_MPP, MPP(PRIV_U));
	CHECK(!(h->csr.mstatus & MSTATUS_MPRV));   /* left M: MPRV cleared */

	/* back to M: MPRV stays, MIE takes MPIE (0) */
	rewind_to(e, PRIV_M);
	h->csr.mstatus = (h->csr.mstatus & ~MSTATUS_MPIE) | MSTATUS_MIE |
			 MPP(PRIV_M) | MSTATUS_MPRV;
	h->csr.mepc = CODE + 0x40;
	emit32(e, MRET);
	step_ok(e, CODE + 0x40);
	CHECK_EQ(h->priv, PRIV_M);
	CHECK(!(h->csr.mstatus & MSTATUS_MIE));
	CHECK(h->csr.mstatus & MSTATUS_MPIE);
	CHECK(h->csr.mstatus & MSTATUS_MPRV);
	CHECK_EQ(h->csr.mstatus & MSTATUS_MPP, MPP(PRIV_U));
	env_free(e);
}

TEST(exec_sret_unstacks)
{
	struct env *e = env_new();
	struct hart *h = &e->h;

	rewind_to(e, PRIV_S);
	h->csr.mstatus = (h->csr.mstatus & ~(MSTATUS_SIE | MSTATUS_SPP)) |
			 MSTATUS_SPIE;
	h->csr.sepc = CODE + 0x80;
	emit32(e, SRET);
	step_ok(e, CODE + 0x80);
	CHECK_EQ(h->priv, PRIV_U);
	CHECK(h->csr.mstatus & MSTATUS_SIE);
	CHECK(h->csr.mstatus & MSTATUS_SPIE);

	/* from M to S; SPP goes to U, MPRV is cleared */
	rewind_to(e, PRIV_M);
	h->csr.mstatus = (h->csr.mstatus & ~MSTATUS_SPIE) | MSTATUS_SPP |
			 MSTATUS_SIE | MSTATUS_MPRV;
	h->csr.sepc = CODE + 0x10;
	emit32(e, SRET);
	step_ok(e, CODE + 0x10);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK(!(h->csr.mstatus & MSTATUS_SIE));
	CHECK(!(h->csr.mstatus & MSTATUS_SPP));
	CHECK(!(h->csr.mstatus & MSTATUS_MPRV));
	env_free(e);
}

TEST(exec_wfi)
{
	struct env *e = env_new();
	struct hart *h = &e->h;

	emit32(e, WFI);
	emit32(e, ADDI(5, 5, 1));
	CHECK_EQ(hart_run(h, 10), 1);             /* stops once asleep */
	CHECK(h->wfi);
	CHECK_EQ(h->pc, CODE + 4);
	CHECK_EQ(h->x[5], 0);
	CHECK_EQ(hart_run(h, 10), 0);             /* still asleep */

	/* a line that is pending and enabled in mie wakes it, even with
	 * MIE clear; no trap is taken then */
	hart_set_mip(h, MIP_MTIP, 1);
	CHECK(h->wfi);                            /* not enabled in mie yet */
	h->csr.mie = MIP_MTIP;
	hart_set_mip(h, MIP_MTIP, 1);
	CHECK(!h->wfi);
	CHECK_EQ(hart_run(h, 1), 1);
	CHECK_EQ(h->x[5], 1);

	/* with something already pending, wfi does not sleep */
	rewind_to(e, PRIV_M);
	emit32(e, WFI);
	emit32(e, ADDI(5, 5, 1));
	CHECK_EQ(hart_run(h, 2), 2);
	CHECK(!h->wfi);
	CHECK_EQ(h->x[5], 2);

	/* S mode without TW may sleep */
	hart_set_mip(h, MIP_MTIP, 0);
	rewind_to(e, PRIV_S);
	emit32(e, WFI);
	step_ok(e, CODE + 4);
	CHECK(h->wfi);
	env_free(e);
}

TEST(exec_wfi_wakes_into_the_interrupt)
{
	struct env *e = env_new();
	struct hart *h = &e->h;

	emit32(e, WFI);
	emit32(e, ADDI(5, 5, 1));
	h->csr.mie = MIP_MEIP;
	set_mstatus(e, MSTATUS_MIE);
	CHECK_EQ(hart_run(h, 5), 1);
	CHECK(h->wfi);
	hart_set_mip(h, MIP_MEIP, 1);
	CHECK(!h->wfi);
	CHECK_EQ(hart_run(h, 1), 1);              /* trap + handler's addi */
	CHECK_EQ(h->csr.mcause, CAUSE_INTERRUPT | IRQ_MEI);
	CHECK_EQ(h->csr.mepc, CODE + 4);          /* resumes after the wfi */
	CHECK_EQ(h->x[5], 0);
	CHECK_EQ(h->x[31], 1);
	env_free(e);
}

/* ---- interrupts ---------------------------------------------------------- */

static const int irq_prio[] = { IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI,
				IRQ_STI };
#define ALL_IRQS (MIP_MEIP | MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | \
		  MIP_STIP)

/* A program whose first instruction must not run before the trap. */
static struct env *irq_env(enum priv p)
{
	struct env *e = env_new();

	rewind_to(e, p);
	emit32(e, ADDI(5, 5, 1));
	emit32(e, ADDI(5, 5, 1));
	return e;
}

static void pend(struct env *e, uint64_t bits)
{
	for (int i = 0; i < 6; i++)
		if (bits & (1ull << irq_prio[i]))
			hart_set_mip(&e->h, 1ull << irq_prio[i], 1);
}

TEST(exec_interrupt_priority_order)
{
	for (int k = 0; k < 6; k++) {
		struct env *e = irq_env(PRIV_M);
		struct hart *h = &e->h;
		uint64_t bits = 0;

		for (int j = k; j < 6; j++)
			bits |= 1ull << irq_prio[j];
		h->csr.mie = ALL_IRQS;
		set_mstatus(e, MSTATUS_MIE);
		pend(e, bits);
		/* the trap, then one instruction of the handler */
		CHECK_EQ(hart_run(h, 1), 1);
		CHECK_EQ(h->csr.mcause, CAUSE_INTERRUPT | irq_prio[k]);
		CHECK_EQ(h->csr.mtval, 0);
		CHECK_EQ(h->csr.mepc, CODE);
		CHECK_EQ(h->pc, MTVEC + 4);
		CHECK_EQ(h->x[5], 0);
		CHECK_EQ(h->x[31], 1);
		CHECK_EQ(h->instret, 1);
		CHECK(!(h->csr.mstatus & MSTATUS_MIE));
		CHECK(h->csr.mstatus & MSTATUS_MPIE);
		CHECK_EQ(h->csr.mstatus & MSTATUS_MPP, MPP(PRIV_M));
		env_free(e);
	}
}

TEST(exec_interrupt_masking)
{
	/* M mode, MIE clear: nothing is taken */
	struct env *e = irq_env(PRIV_M);
	e->h.csr.mie = ALL_IRQS;
	pend(e, ALL_IRQS);
	CHECK_EQ(hart_run(&e->h, 2), 2);
	CHECK_EQ(e->h.x[5], 2);
	CHECK_EQ(e->h.csr.mcause, 0xbad);
	env_free(e);

	/* pending but not in mie: not taken */
	e = irq_env(PRIV_M);
	e->h.csr.mie = MIP_MSIP;
	set_mstatus(e, MSTATUS_MIE);
	pend(e, MIP_MTIP);
	CHECK_EQ(hart_run(&e->h, 2), 2);
	CHECK_EQ(e->h.x[5], 2);
	env_free(e);

	/* S mode: M interrupts are taken regardless of MIE */
	e = irq_env(PRIV_S);
	e->h.csr.mie = MIP_MTIP;
	pend(e, MIP_MTIP);
	hart_run(&e->h, 1);
	CHECK_EQ(e->h.csr.mcause, CAUSE_INTERRUPT | IRQ_MTI);
	CHECK_EQ(e->h.priv, PRIV_M);
	CHECK_EQ(e->h.x[5], 0);
	env_free(e);
}

TEST(exec_interrupt_enabled_by_csr_taken_before_next)
{
	struct env *e = env_new();
	struct hart *h = &e->h;

	emit32(e, enc_csr(0x300, 8, 6, 0));      /* csrrsi x0, mstatus, MIE */
	emit32(e, ADDI(5, 5, 1));
	h->csr.mie = MIP_MTIP;
	pend(e, MIP_MTIP);
	CHECK_EQ(hart_run(h, 2), 2);              /* csrrsi, handler's addi */
	CHECK_EQ(h->csr.mcause, CAUSE_INTERRUPT | IRQ_MTI);
	CHECK_EQ(h->csr.mepc, CODE + 4);
	CHECK_EQ(h->x[5], 0);
	CHECK_EQ(h->x[31], 1);
	env_free(e);
}

TEST(exec_interrupt_delegation)
{
	/* S mode, SIE set: a delegated SSI goes to S */
	struct env *e = irq_env(PRIV_S);
	struct hart *h = &e->h;
	h->csr.mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
	h->csr.mie = MIP_SSIP;
	set_mstatus(e, MSTATUS_SIE);
	h->csr.mip |= MIP_SSIP;
	h->irq_check = true;
	CHECK_EQ(hart_run(h, 1), 1);
	CHECK_EQ(h->csr.scause, CAUSE_INTERRUPT | IRQ_SSI);
	CHECK_EQ(h->csr.sepc, CODE);
	CHECK_EQ(h->csr.stval, 0);
	CHECK_EQ(h->pc, STVEC + 4);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK(h->csr.mstatus & MSTATUS_SPP);
	CHECK(h->csr.mstatus & MSTATUS_SPIE);
	CHECK(!(h->csr.mstatus & MSTATUS_SIE));
	CHECK_EQ(h->csr.mcause, 0xbad);
	env_free(e);

	/* S mode, SIE clear: the delegated one waits */
	e = irq_env(PRIV_S);
	h = &e->h;
	h->csr.mideleg = MIP_SSIP;
	h->csr.mie = MIP_SSIP;
	pend(e, MIP_SSIP);
	CHECK_EQ(hart_run(h, 2), 2);
	CHECK_EQ(h->x[5], 2);
	env_free(e);

	/* U mode: delegated interrupts are taken even with SIE clear */
	e = irq_env(PRIV_U);
	h = &e->h;
	h->csr.mideleg = MIP_STIP;
	h->csr.mie = MIP_STIP;
	pend(e, MIP_STIP);
	hart_run(h, 1);
	CHECK_EQ(h->csr.scause, CAUSE_INTERRUPT | IRQ_STI);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK(!(h->csr.mstatus & MSTATUS_SPP));
	env_free(e);

	/* M mode never takes an interrupt delegated to S */
	e = irq_env(PRIV_M);
	h = &e->h;
	h->csr.mideleg = MIP_SSIP;
	h->csr.mie = MIP_SSIP;
	set_mstatus(e, MSTATUS_MIE | MSTATUS_SIE);
	pend(e, MIP_SSIP);
	CHECK_EQ(hart_run(h, 2), 2);
	CHECK_EQ(h->x[5], 2);
	env_free(e);

	/* in S, a non-delegated STI (for M) beats a delegated SSI even though
	 * SSI has the higher priority within a level */
	e = irq_env(PRIV_S);
	h = &e->h;
	h->csr.mideleg = MIP_SSIP;
	h->csr.mie = MIP_SSIP | MIP_STIP;
	set_mstatus(e, MSTATUS_SIE);
	pend(e, MIP_SSIP | MIP_STIP);
	hart_run(h, 1);
	CHECK_EQ(h->csr.mcause, CAUSE_INTERRUPT | IRQ_STI);
	CHECK_EQ(h->priv, PRIV_M);
	CHECK_EQ(h->csr.scause, 0xbad);
	env_free(e);
}

TEST(exec_vectored_tvec)
{
	struct env *e = irq_env(PRIV_M);
	struct hart *h = &e->h;

	h->csr.mtvec = MTVEC | 1;
	h->csr.mie = MIP_MTIP;
	set_mstatus(e, MSTATUS_MIE);
	pend(e, MIP_MTIP);
	hart_run(h, 1);
	CHECK_EQ(h->csr.mcause, CAUSE_INTERRUPT | IRQ_MTI);
	CHECK_EQ(h->pc, MTVEC + 4 * IRQ_MTI + 4);
	env_free(e);

	/* exceptions still go to the base */
	e = env_new();
	e->h.csr.mtvec = MTVEC | 1;
	emit32(e, ECALL);
	hart_run(&e->h, 1);
	CHECK_EQ(e->h.pc, MTVEC);
	CHECK_EQ(e->h.csr.mcause, CAUSE_ECALL_M);
	env_free(e);

	/* stvec too */
	e = irq_env(PRIV_S);
	h = &e->h;
	h->csr.stvec = STVEC | 1;
	h->csr.mideleg = MIP_SEIP;
	h->csr.mie = MIP_SEIP;
	set_mstatus(e, MSTATUS_SIE);
	pend(e, MIP_SEIP);
	hart_run(h, 1);
	CHECK_EQ(h->csr.scause, CAUSE_INTERRUPT | IRQ_SEI);
	CHECK_EQ(h->pc, STVEC + 4 * IRQ_SEI + 4);
	env_free(e);
}

/* ---- counters ------------------------------------------------------------ */

TEST(exec_instret_counts_retired_only)
{
	struct env *e = env_new();
	struct hart *h = &e->h;

	emit32(e, ADDI(5, 5, 1));
	emit32(e, ADDI(5, 5, 1));
	emit32(e, ADDI(5, 5, 1));
	emit32(e, 0);                              /* illegal */
	CHECK_EQ(hart_run(h, 4), 3);
	CHECK_EQ(h->instret, 3);
	CHECK_EQ(h->pc, MTVEC);
	CHECK_EQ(hart_run(h, 1), 1);               /* handler's addi */
	CHECK_EQ(h->instret, 4);

	/* ecall and ebreak do not retire either */
	rewind_to(e, PRIV_M);
	emit32(e, ECALL);
	CHECK_EQ(hart_run(h, 1), 0);
	rewind_to(e, PRIV_M);
	emit32(e, EBREAK);
	CHECK_EQ(hart_run(h, 1), 0);
	CHECK_EQ(h->instret, 4);

	/* minstret reads the count of instructions before it */
	rewind_to(e, PRIV_M);
	emit32(e, enc_csr(0xb02, 0, 2, 6));       /* csrr x6, minstret */
	emit32(e, enc_csr(0xc02, 0, 2, 7));       /* csrr x7, instret */
	CHECK_EQ(hart_run(h, 2), 2);
	CHECK_EQ(h->x[6], 4);
	CHECK_EQ(h->x[7], 5);

	/* mcountinhibit.IR stops the count */
	rewind_to(e, PRIV_M);
	emit32(e, enc_csr(0x320, 4, 5, 0));       /* csrwi mcountinhibit, 4 */
	emit32(e, NOP);
	emit32(e, NOP);
	hart_run(h, 1);
	uint64_t frozen = h->instret;
	CHECK_EQ(hart_run(h, 2), 0);
	CHECK_EQ(h->instret, frozen);
	env_free(e);
}

TEST(exec_csr_ops)
{
	const struct {
		uint32_t insn;      /* on mscratch, rd = x3 */
		uint64_t before, rs1, after;
	} cases[] = {
		{ enc_csr(0x340, 1, 1, 3), 0xf0, 0x0f, 0x0f },   /* csrrw */
		{ enc_csr(0x340, 1, 2, 3), 0xf0, 0x0f, 0xff },   /* csrrs */
		{ enc_csr(0x340, 1, 3, 3), 0xff, 0x0f, 0xf0 },   /* csrrc */
		{ enc_csr(0x340, 31, 5, 3), 0xf0, 0, 31 },       /* csrrwi */
		{ enc_csr(0x340, 1, 6, 3), 0xf0, 0, 0xf1 },      /* csrrsi */
		{ enc_csr(0x340, 31, 7, 3), 0xff, 0, 0xe0 },     /* csrrci */
		{ enc_csr(0x340, 0, 2, 3), 0x55, 0, 0x55 },      /* csrr */
	};
	struct env *e = env_new();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rewind_to(e, PRIV_M);
		emit32(e, cases[i].insn);
		e->h.csr.mscratch = cases[i].before;
		e->h.x[1] = cases[i].rs1;
		step_ok(e, CODE + 4);
		CHECK_EQ(e->h.x[3], cases[i].before);
		CHECK_EQ(e->h.csr.mscratch, cases[i].after);
	}

	/* reading a read-only CSR with csrrs x0 is fine; time comes from env */
	rewind_to(e, PRIV_M);
	emit32(e, enc_csr(0xf14, 0, 2, 3));       /* csrr x3, mhartid */
	emit32(e, enc_csr(0xc01, 0, 2, 4));       /* csrr x4, time */
	emit32(e, enc_csr(0xc01, 0, 2, 4));
	CHECK_EQ(hart_run(&e->h, 3), 3);
	CHECK_EQ(e->h.x[3], 0);
	CHECK_EQ(e->h.x[4], 2);
	env_free(e);
}

/* CSRRS/CSRRC on mip modify the software SEIP bit only: a line-driven SEIP
 * read back by csrrs must not stick after the line drops. */
TEST(exec_csrrs_mip_does_not_latch_line_seip)
{
	struct env *e = env_new();
	struct hart *h = &e->h;

	hart_set_mip(h, MIP_SEIP, 1);
	emit32(e, enc_csr(0x344, 2, 6, 3));       /* csrrsi x3, mip, SSIP */
	step_ok(e, CODE + 4);
	CHECK_EQ(h->x[3], MIP_SEIP);
	CHECK_EQ(h->csr.mip, MIP_SSIP);
	hart_set_mip(h, MIP_SEIP, 0);
	CHECK_EQ(hart_mip(h), MIP_SSIP);

	/* csrrw writes the software bit as given */
	rewind_to(e, PRIV_M);
	h->x[1] = MIP_SEIP;
	emit32(e, enc_csr(0x344, 1, 1, 0));       /* csrw mip, x1 */
	step_ok(e, CODE + 4);
	CHECK_EQ(h->csr.mip, MIP_SEIP);
	env_free(e);
}

/* ---- A extension --------------------------------------------------------- */

TEST(exec_lr_sc)
{
	struct env *e = env_new();
	struct hart *h = &e->h;

	ram_wr(e, DATA, 0x1111);
	h->x[10] = DATA;
	h->x[2] = 0x2222;
	emit32(e, enc_amo(AMO_LR, false, 0, 10, 3));   /* lr.d x3, (x10) */
	emit32(e, enc_amo(AMO_SC, false, 2, 10, 4));   /* sc.d x4, x2, (x10) */
	emit32(e, enc_amo(AMO_SC, false, 2, 10, 5));   /* again: fails */
	CHECK_EQ(hart_run(h, 3), 3);
	CHECK_EQ(h->x[3], 0x1111);
	CHECK_EQ(h->x[4], 0);
	CHECK_EQ(h->x[5], 1);
	CHECK_EQ(ram_rd(e, DATA), 0x2222);

	/* sc to another address fails and drops the reservation */
	rewind_to(e, PRIV_M);
	h->x[11] = DATA + 8;
	ram_wr(e, DATA + 8, 7);
	emit32(e, enc_amo(AMO_LR, false, 0, 10, 3));
	emit32(e, enc_amo(AMO_SC, false, 2, 11, 4));
	emit32(e, enc_amo(AMO_SC, false, 2, 10, 5));
	CHECK_EQ(hart_run(h, 3), 3);
	CHECK_EQ(h->x[4], 1);
	CHECK_EQ(h->x[5], 1);
	CHECK_EQ(ram_rd(e, DATA + 8), 7);

	/* word forms: lr.w sign-extends, sc.w writes 32 bits */
	rewind_to(e, PRIV_M);
	ram_wr(e, DATA, 0x5555555580000000);
	h->x[2] = 0xaaaaaaaa12345678;
	emit32(e, enc_amo(AMO_LR, true, 0, 10, 3));
	emit32(e, enc_amo(AMO_SC, true, 2, 10, 4));
	CHECK_EQ(hart_run(h, 2), 2);
	CHECK_EQ(h->x[3], 0xffffffff80000000);
	CHECK_EQ(h->x[4], 0);
	CHECK_EQ(ram_rd(e, DATA), 0x5555555512345678);

	/* a trap between lr and sc loses the reservation */
	rewind_to(e, PRIV_M);
	emit32(e, enc_amo(AMO_LR, false, 0, 10, 3));
	emit32(e, ECALL);
	CHECK_EQ(hart_run(h, 2), 1);
	CHECK(!h->resv_valid);

	/* misaligned: lr is a load, sc/AMOs are stores */
	rewind_to(e, PRIV_M);
	h->x[12] = DATA + 4;
	emit32(e, enc_amo(AMO_LR, false, 0, 12, 3));
	expect_m_trap(e, CAUSE_MISALIGNED_LOAD, DATA + 4);
	rewind_to(e, PRIV_M);
	h->x[12] = DATA + 2;
	emit32(e, enc_amo(0x00, true, 2, 12, 3));
	expect_m_trap(e, CAUSE_MISALIGNED_STORE, DATA + 2);
	env_free(e);
}

TEST(exec_amos)
{
	static const struct {
		uint32_t f5;
		bool w;
		uint64_t mem, src, rd, after;
	} cases[] = {
		{ 0x01, false, 5, 7, 5, 7 },                         /* swap */
		{ 0x00, false, ~0ull, 2, ~0ull, 1 },                 /* add */
		{ 0x04, false, 0xff00, 0x0ff0, 0xff00, 0xf0f0 },     /* xor */
		{ 0x0c, false, 0xff00, 0x0ff0, 0xff00, 0x0f00 },     /* and */
		{ 0x08, false, 0xff00, 0x0ff0, 0xff00, 0xfff0 },     /* or */
		{ 0x10, false, ~0ull, 1, ~0ull, ~0ull },             /* min */
		{ 0x14, false, ~0ull, 1, ~0ull, 1 },                 /* max */
		{ 0x18, false, ~0ull, 1, ~0ull, 1 },                 /* minu */
		{ 0x1c, false, ~0ull, 1, ~0ull, ~0ull },             /* maxu */
		/* word forms: the upper half of the doubleword is kept */
		{ 0x01, true, 0x9999999980000000, 0x1234, 0xffffffff80000000,
		  0x9999999900001234 },
		{ 0x00, true, 0x999999997fffffff, 1, 0x7fffffff,
		  0x9999999980000000 },
		{ 0x10, true, 0x80000000, 1, 0xffffffff80000000, 0x80000000 },
		{ 0x10, true, 3, 0xffffffff00000005, 3, 3 },
		{ 0x14, true, 0x80000000, 1, 0xffffffff80000000, 1 },
		{ 0x18, true, 0x80000000, 1, 0xffffffff80000000, 1 },
		{ 0x1c, true, 0x80000000, 1, 0xffffffff80000000, 0x80000000 },
	};
	struct env *e = env_new();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rewind_to(e, PRIV_M);
		ram_wr(e, DATA, cases[i].mem);
		emit32(e, enc_amo(cases[i].f5, cases[i].w, 2, 10, 3));
		e->h.x[10] = DATA;
		e->h.x[2] = cases[i].src;
		step_ok(e, CODE + 4);
		int before = test_failures_in_current;
		CHECK_EQ(e->h.x[3], cases[i].rd);
		CHECK_EQ(ram_rd(e, DATA), cases[i].after);
		if (test_failures_in_current != before)
			printf("  case %u\n", i);
	}
	env_free(e);
}
