/* Decode and execute one instruction (RV64IMA + Zicsr + Zifencei; F/D
 * computation is in fpu.c, compressed forms are expanded by rvc.c). */
#include "cpu/cpu_internal.h"
#include "cpu/dinsn.h"
#include "cpu/encoding.h"
#include "cpu/fpu.h"
#include "cpu/rvc.h"
#include "mem/address_space.h"

#define RD(i) (((i) >> 7) & 31)
#define RS1(i) (((i) >> 15) & 31)
#define RS2(i) (((i) >> 20) & 31)
#define F3(i) (((i) >> 12) & 7)
#define F7(i) ((i) >> 25)

/* Per-instruction context: the raw bits (for mtval) and its length. */
struct insn {
	uint32_t bits;   /* as fetched (16 or 32 bits) */
	uint32_t i;      /* 32-bit form */
	unsigned len;
};

static void illegal(struct hart *h, const struct insn *in)
{
	hart_trap(h, CAUSE_ILLEGAL_INSN, in->bits);
}

static void set_rd(struct hart *h, uint32_t i, uint64_t v)
{
	if (RD(i))
		h->x[RD(i)] = v;
}

static void retire(struct hart *h, const struct insn *in)
{
	h->pc += in->len;
}

static uint64_t alu(uint32_t f3, bool alt, uint64_t a, uint64_t b, bool *ok)
{
	switch (f3) {
	case 0: return alt ? a - b : a + b;
	case 1: return a << (b & 63);
	case 2: return (int64_t)a < (int64_t)b;
	case 3: return a < b;
	case 4: return a ^ b;
	case 5: return alt ? (uint64_t)((int64_t)a >> (b & 63)) : a >> (b & 63);
	case 6: return a | b;
	case 7: return a & b;
	}
	*ok = false;
	return 0;
}

static uint64_t alu_w(uint32_t f3, bool alt, uint64_t a, uint64_t b, bool *ok)
{
	uint32_t x = a, y = b;

	switch (f3) {
	case 0: return sext32(alt ? x - y : x + y);
	case 1: return sext32(x << (y & 31));
	case 5: return sext32(alt ? (uint32_t)((int32_t)x >> (y & 31)) : x >> (y & 31));
	}
	*ok = false;
	return 0;
}

static uint64_t mulh_s(int64_t a, int64_t b)
{
	return (uint64_t)(((__int128)a * b) >> 64);
}

static uint64_t mulh_su(int64_t a, uint64_t b)
{
	return (uint64_t)(((__int128)a * (unsigned __int128)b) >> 64);
}

static uint64_t mulh_u(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

/* M extension, including the spec's division-by-zero and overflow rules. */
static uint64_t muldiv(uint32_t f3, uint64_t a, uint64_t b)
{
	int64_t sa = a, sb = b;

	switch (f3) {
	case 0: return a * b;
	case 1: return mulh_s(sa, sb);
	case 2: return mulh_su(sa, b);
	case 3: return mulh_u(a, b);
	case 4:
		if (!b)
			return ~0ull;
		if (sa == INT64_MIN && sb == -1)
			return a;
		return sa / sb;
	case 5: return b ? a / b : ~0ull;
	case 6:
		if (!b)
			return a;
		if (sa == INT64_MIN && sb == -1)
			return 0;
		return sa % sb;
	default: return b ? a % b : a;
	}
}

static uint64_t muldiv_w(uint32_t f3, uint64_t a64, uint64_t b64, bool *ok)
{
	int32_t a = a64, b = b64;
	uint32_t ua = a64, ub = b64;

	switch (f3) {
	case 0: return sext32(ua * ub);
	case 4:
		if (!b)
			return ~0ull;
		if (a == INT32_MIN && b == -1)
			return sext32(ua);
		return sext32(a / b);
	case 5: return sext32(ub ? ua / ub : ~0u);
	case 6:
		if (!b)
			return sext32(ua);
		if (a == INT32_MIN && b == -1)
			return 0;
		return sext32(a % b);
	case 7: return sext32(ub ? ua % ub : ua);
	}
	*ok = false;
	return 0;
}

static void op_load(struct hart *h, const struct insn *in)
{
	static const unsigned size[8] = { 1, 2, 4, 8, 1, 2, 4, 0 };
	uint32_t i = in->i, f3 = F3(i);
	uint64_t v;

	if (!size[f3]) {
		illegal(h, in);
		return;
	}
	if (!load(h, h->x[RS1(i)] + imm_i(i), size[f3], &v))
		return;
	switch (f3) {
	case 0: v = (int64_t)(int8_t)v; break;
	case 1: v = (int64_t)(int16_t)v; break;
	case 2: v = sext32(v); break;
	}
	set_rd(h, i, v);
	retire(h, in);
}

static void op_store(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i, f3 = F3(i);

	if (f3 > 3) {
		illegal(h, in);
		return;
	}
	if (store(h, h->x[RS1(i)] + imm_s(i), 1u << f3, h->x[RS2(i)]))
		retire(h, in);
}

static bool fp_off(const struct hart *h)
{
	return !(h->csr.mstatus & MSTATUS_FS);
}

static void op_fp_load(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i, f3 = F3(i);
	uint64_t v;

	if ((f3 != 2 && f3 != 3) || fp_off(h)) {
		illegal(h, in);
		return;
	}
	if (!load(h, h->x[RS1(i)] + imm_i(i), f3 == 2 ? 4 : 8, &v))
		return;
	h->f[RD(i)] = f3 == 2 ? v | 0xffffffff00000000ull : v; /* NaN-box */
	h->csr.mstatus |= MSTATUS_FS;
	retire(h, in);
}

static void op_fp_store(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i, f3 = F3(i);

	if ((f3 != 2 && f3 != 3) || fp_off(h)) {
		illegal(h, in);
		return;
	}
	if (store(h, h->x[RS1(i)] + imm_s(i), f3 == 2 ? 4 : 8, h->f[RS2(i)]))
		retire(h, in);
}

static void op_imm(struct hart *h, const struct insn *in, bool word)
{
	uint32_t i = in->i, f3 = F3(i);
	uint64_t a = h->x[RS1(i)], b = imm_i(i);
	bool ok = true, alt = false;

	if (f3 == 1 || f3 == 5) {
		/* shifts: funct6 (or funct7 for W) selects logical/arith */
		unsigned top = word ? (i >> 25) : (i >> 26);
		alt = f3 == 5 && top == (word ? 0x20u : 0x10u);
		if (top && !alt)
			ok = false;
		b &= word ? 31 : 63;
	}
	if (word && f3 != 0 && f3 != 1 && f3 != 5)
		ok = false;
	uint64_t v = word ? alu_w(f3, alt, a, b, &ok) : alu(f3, alt, a, b, &ok);
	if (!ok) {
		illegal(h, in);
		return;
	}
	set_rd(h, i, v);
	retire(h, in);
}

static void op_reg(struct hart *h, const struct insn *in, bool word)
{
	uint32_t i = in->i, f3 = F3(i), f7 = F7(i);
	uint64_t a = h->x[RS1(i)], b = h->x[RS2(i)], v;
	bool ok = true;

	if (f7 == 1) {
		v = word ? muldiv_w(f3, a, b, &ok) : muldiv(f3, a, b);
	} else if (f7 == 0 || (f7 == 0x20 && (f3 == 0 || f3 == 5))) {
		v = word ? alu_w(f3, f7, a, b, &ok) : alu(f3, f7, a, b, &ok);
	} else {
		ok = false;
		v = 0;
	}
	if (!ok) {
		illegal(h, in);
		return;
	}
	set_rd(h, i, v);
	retire(h, in);
}

static void op_branch(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i;
	uint64_t a = h->x[RS1(i)], b = h->x[RS2(i)];
	bool taken;

	switch (F3(i)) {
	case 0: taken = a == b; break;
	case 1: taken = a != b; break;
	case 4: taken = (int64_t)a < (int64_t)b; break;
	case 5: taken = (int64_t)a >= (int64_t)b; break;
	case 6: taken = a < b; break;
	case 7: taken = a >= b; break;
	default:
		illegal(h, in);
		return;
	}
	if (taken)
		h->pc += imm_b(i);
	else
		retire(h, in);
}

static uint64_t amo_op(uint32_t f5, uint64_t mem, uint64_t src, bool w)
{
	int64_t sm = w ? (int32_t)mem : (int64_t)mem;
	int64_t ss = w ? (int32_t)src : (int64_t)src;
	uint64_t um = w ? (uint32_t)mem : mem, us = w ? (uint32_t)src : src;

	switch (f5) {
	case 0x01: return src;                      /* amoswap */
	case 0x00: return mem + src;                /* amoadd */
	case 0x04: return mem ^ src;                /* amoxor */
	case 0x0c: return mem & src;                /* amoand */
	case 0x08: return mem | src;                /* amoor */
	case 0x10: return sm < ss ? mem : src;      /* amomin */
	case 0x14: return sm > ss ? mem : src;      /* amomax */
	case 0x18: return um < us ? mem : src;      /* amominu */
	default:   return um > us ? mem : src;      /* amomaxu (0x1c) */
	}
}

static bool amo_known(uint32_t f5)
{
	switch (f5) {
	case 0x00: case 0x01: case 0x02: case 0x03: case 0x04: case 0x08:
	case 0x0c: case 0x10: case 0x14: case 0x18: case 0x1c:
		return true;
	}
	return false;
}

/* A extension. All harts run on one host thread, so a read-modify-write
 * through the address space is atomic with respect to other harts. */
static void op_amo(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i, f3 = F3(i), f5 = i >> 27;
	uint64_t va = h->x[RS1(i)], pa, mem;

	if ((f3 != 2 && f3 != 3) || !amo_known(f5)) {
		illegal(h, in);
		return;
	}
	unsigned size = f3 == 2 ? 4 : 8;
	bool w = size == 4;
	if (va & (size - 1)) {
		hart_trap(h, f5 == 0x02 ? CAUSE_MISALIGNED_LOAD :
			  CAUSE_MISALIGNED_STORE, va);
		return;
	}
	if (f5 == 0x03 && !(h->resv_valid && h->resv_addr == va)) {
		/* sc without a matching reservation fails without writing */
		h->resv_valid = false;
		set_rd(h, i, 1);
		retire(h, in);
		return;
	}
	if (!mmu_translate_rw(h, va, f5 == 0x02 ? ACCESS_LOAD :
			      ACCESS_STORE, &pa))
		return;
	if (f5 != 0x03 && as_read(h->env.as, pa, size, &mem) != MEM_OK) {
		hart_trap(h, f5 == 0x02 ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS,
			  va);
		return;
	}
	if (f5 == 0x02) {                           /* lr */
		h->resv_valid = true;
		h->resv_addr = va;
		set_rd(h, i, w ? sext32(mem) : mem);
		retire(h, in);
		return;
	}
	uint64_t src = h->x[RS2(i)];
	uint64_t nv = f5 == 0x03 ? src : amo_op(f5, mem, src, w);
	if (as_write(h->env.as, pa, size, nv) != MEM_OK) {
		hart_trap(h, CAUSE_STORE_ACCESS, va);
		return;
	}
	if (f5 == 0x03) {
		h->resv_valid = false;
		set_rd(h, i, 0);
	} else {
		set_rd(h, i, w ? sext32(mem) : mem);
	}
	retire(h, in);
}

static void op_csr(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i, f3 = F3(i), csr = i >> 20, rs1 = RS1(i);
	uint64_t src = f3 & 4 ? rs1 : h->x[rs1], old = 0;
	bool writes = (f3 & 3) == 1 || rs1 != 0;
	bool reads = (f3 & 3) != 1 || RD(i) != 0;

	if (reads && !csr_read(h, csr, &old)) {
		illegal(h, in);
		return;
	}
	if (writes) {
		uint64_t base = old;
		if (!reads && !csr_read(h, csr, &old)) {
			illegal(h, in); /* csrrw of an absent CSR */
			return;
		}
		if ((f3 & 3) != 1)
			base = csr_rmw_base(h, csr, old);
		uint64_t nv = (f3 & 3) == 1 ? src :
			      (f3 & 3) == 2 ? base | src : base & ~src;
		if (!csr_write(h, csr, nv)) {
			illegal(h, in);
			return;
		}
	}
	set_rd(h, i, old);
	retire(h, in);
}

static void op_system_priv(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i;

	if (i == 0x00000073) {                      /* ecall */
		hart_trap(h, CAUSE_ECALL_U + h->priv, 0);
	} else if (i == 0x00100073) {               /* ebreak */
		hart_trap(h, CAUSE_BREAKPOINT, h->pc);
	} else if (i == 0x30200073) {               /* mret */
		if (h->priv < PRIV_M)
			illegal(h, in);
		else
			hart_mret(h);
	} else if (i == 0x10200073) {               /* sret */
		if (h->priv < PRIV_S ||
		    (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TSR)))
			illegal(h, in);
		else
			hart_sret(h);
	} else if (i == 0x10500073) {               /* wfi */
		if (h->priv == PRIV_U ||
		    (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TW))) {
			illegal(h, in);
			return;
		}
		retire(h, in);
		if (!hart_interrupt_pending(h))
			h->wfi = true;
	} else if ((i & 0xfe007fff) == 0x12000073) { /* sfence.vma */
		if (h->priv == PRIV_U ||
		    (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TVM))) {
			illegal(h, in);
			return;
		}
		hart_flush_tlb(h);
		retire(h, in);
	} else {
		illegal(h, in);
	}
}

static void op_system(struct hart *h, const struct insn *in)
{
	if (F3(in->i) == 0)
		op_system_priv(h, in);
	else if (F3(in->i) == 4)
		illegal(h, in);
	else
		op_csr(h, in);
}

static void op_fp(struct hart *h, const struct insn *in)
{
	if (fpu_exec(h, in->i))
		retire(h, in);
	else
		illegal(h, in);
}

static void execute(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i;

	switch (i & 0x7f) {
	case 0x03: op_load(h, in); return;
	case 0x07: op_fp_load(h, in); return;
	case 0x0f:                                  /* fence, fence.i */
		if (F3(i) > 1)
			illegal(h, in);
		else
			retire(h, in);
		return;
	case 0x13: op_imm(h, in, false); return;
	case 0x17: set_rd(h, i, h->pc + (int64_t)(int32_t)(i & 0xfffff000));
		retire(h, in); return;                  /* auipc */
	case 0x1b: op_imm(h, in, true); return;
	case 0x23: op_store(h, in); return;
	case 0x27: op_fp_store(h, in); return;
	case 0x2f: op_amo(h, in); return;
	case 0x33: op_reg(h, in, false); return;
	case 0x37: set_rd(h, i, (int64_t)(int32_t)(i & 0xfffff000));
		retire(h, in); return;                  /* lui */
	case 0x3b: op_reg(h, in, true); return;
	case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53:
		op_fp(h, in); return;
	case 0x63: op_branch(h, in); return;
	case 0x67: {                                /* jalr */
		if (F3(i)) {
			illegal(h, in);
			return;
		}
		uint64_t target = (h->x[RS1(i)] + imm_i(i)) & ~1ull;
		set_rd(h, i, h->pc + in->len);
		h->pc = target;
		return;
	}
	case 0x6f:                                  /* jal */
		set_rd(h, i, h->pc + in->len);
		h->pc += imm_j(i);
		return;
	case 0x73: op_system(h, in); return;
	}
	illegal(h, in);
}

/* Anything without a fast path: rebuild the general decoder's view. */
static void exec_generic(struct hart *h, const struct dinsn *d)
{
	struct insn in = { .bits = d->raw, .i = d->i, .len = d->len };

	execute(h, &in);
}

static uint64_t shift_w(uint64_t v, unsigned op, unsigned sh)
{
	uint32_t x = v;

	sh &= 31;
	switch (op) {
	case D_SLLW: case D_SLLIW: return sext32(x << sh);
	case D_SRLW: case D_SRLIW: return sext32(x >> sh);
	default: return sext32((uint32_t)((int32_t)x >> sh));
	}
}

/* Execute a decoded instruction: the common integer operations inline,
 * the rest through execute(). Same contract as execute(): on a trap the
 * handler has already been entered and nothing else changes. */
static inline __attribute__((always_inline)) void run(struct hart *h,
						      const struct dinsn *d)
{
	uint64_t *x = h->x, pc = h->pc, a = x[d->rs1], b = x[d->rs2], v;
	int64_t imm = d->imm;
	bool ok = true;

	switch (d->op) {
	case D_LUI: x[d->rd] = imm; break;
	case D_AUIPC: x[d->rd] = pc + imm; break;
	case D_JAL:
		x[d->rd] = pc + d->len;
		x[0] = 0;
		h->pc = pc + imm;
		return;
	case D_JALR:
		x[d->rd] = pc + d->len;
		x[0] = 0;
		h->pc = (a + imm) & ~1ull;
		return;
	case D_BEQ: if (a == b) goto taken; break;
	case D_BNE: if (a != b) goto taken; break;
	case D_BLT: if ((int64_t)a < (int64_t)b) goto taken; break;
	case D_BGE: if ((int64_t)a >= (int64_t)b) goto taken; break;
	case D_BLTU: if (a < b) goto taken; break;
	case D_BGEU: if (a >= b) goto taken; break;
	case D_LB: if (!load(h, a + imm, 1, &v)) return; x[d->rd] = (int8_t)v; break;
	case D_LH: if (!load(h, a + imm, 2, &v)) return; x[d->rd] = (int16_t)v; break;
	case D_LW: if (!load(h, a + imm, 4, &v)) return; x[d->rd] = sext32(v); break;
	case D_LD: if (!load(h, a + imm, 8, &v)) return; x[d->rd] = v; break;
	case D_LBU: if (!load(h, a + imm, 1, &v)) return; x[d->rd] = v; break;
	case D_LHU: if (!load(h, a + imm, 2, &v)) return; x[d->rd] = v; break;
	case D_LWU: if (!load(h, a + imm, 4, &v)) return; x[d->rd] = v; break;
	case D_SB: if (!store(h, a + imm, 1, b)) return; break;
	case D_SH: if (!store(h, a + imm, 2, b)) return; break;
	case D_SW: if (!store(h, a + imm, 4, b)) return; break;
	case D_SD: if (!store(h, a + imm, 8, b)) return; break;
	case D_ADDI: x[d->rd] = a + imm; break;
	case D_SLTI: x[d->rd] = (int64_t)a < imm; break;
	case D_SLTIU: x[d->rd] = a < (uint64_t)imm; break;
	case D_XORI: x[d->rd] = a ^ imm; break;
	case D_ORI: x[d->rd] = a | imm; break;
	case D_ANDI: x[d->rd] = a & imm; break;
	case D_SLLI: x[d->rd] = a << imm; break;
	case D_SRLI: x[d->rd] = a >> imm; break;
	case D_SRAI: x[d->rd] = (uint64_t)((int64_t)a >> imm); break;
	case D_ADDIW: x[d->rd] = sext32(a + imm); break;
	case D_SLLIW: case D_SRLIW: case D_SRAIW:
		x[d->rd] = shift_w(a, d->op, imm);
		break;
	case D_ADD: x[d->rd] = a + b; break;
	case D_SUB: x[d->rd] = a - b; break;
	case D_SLL: x[d->rd] = a << (b & 63); break;
	case D_SLT: x[d->rd] = (int64_t)a < (int64_t)b; break;
	case D_SLTU: x[d->rd] = a < b; break;
	case D_XOR: x[d->rd] = a ^ b; break;
	case D_SRL: x[d->rd] = a >> (b & 63); break;
	case D_SRA: x[d->rd] = (uint64_t)((int64_t)a >> (b & 63)); break;
	case D_OR: x[d->rd] = a | b; break;
	case D_AND: x[d->rd] = a & b; break;
	case D_ADDW: x[d->rd] = sext32(a + b); break;
	case D_SUBW: x[d->rd] = sext32(a - b); break;
	case D_SLLW: case D_SRLW: case D_SRAW:
		x[d->rd] = shift_w(a, d->op, b);
		break;
	case D_MUL: case D_MULH: case D_MULHSU: case D_MULHU:
	case D_DIV: case D_DIVU: case D_REM: case D_REMU:
		x[d->rd] = muldiv(d->op - D_MUL, a, b);
		break;
	case D_MULW: case D_DIVW: case D_DIVUW: case D_REMW: case D_REMUW: {
		static const uint8_t f3[] = { 0, 4, 5, 6, 7 };
		x[d->rd] = muldiv_w(f3[d->op - D_MULW], a, b, &ok);
		break;
	}
	case D_ILLEGAL:
		hart_trap(h, CAUSE_ILLEGAL_INSN, d->raw);
		return;
	default:
		exec_generic(h, d);
		return;
	}
	x[0] = 0;
	h->pc = pc + d->len;
	return;
taken:
	h->pc = pc + imm;
}

static inline __attribute__((always_inline)) void step(struct hart *h)
{
	uint64_t pc = h->pc;
	const struct tlb_entry *e = &h->tlb.code[tlb_index(pc)];
	uint32_t raw;

	if (likely(e->tag == (pc & ~PAGE_MASK) &&
		   (pc & PAGE_MASK) <= PAGE_SIZE - 4)) {
		uintptr_t host = e->addend + pc;
		struct dinsn *d = &h->dcache[(host >> 1) & (DCACHE_SIZE - 1)];
		memcpy(&raw, (const void *)host, 4);
		if (unlikely(d->tag != host ||
			     d->raw != (d->len == 2 ? (raw & 0xffff) : raw))) {
			dinsn_decode(d, raw);
			d->tag = host;
		}
		run(h, d);
		return;
	}
	/* not a cached RAM page, or the page's last bytes: decode afresh */
	struct dinsn d;
	if (!mmu_fetch_slow(h, pc, &raw))
		return;
	dinsn_decode(&d, raw);
	run(h, &d);
}

uint64_t exec_run(struct hart *h, uint64_t budget)
{
	uint64_t n = 0;

	for (;;) {
		if (unlikely(h->any_event)) {
			if (h->stop || h->wfi)
				break;
			h->irq_check = false;
			if (hart_take_interrupt(h))
				continue;
		}
		if (n == budget)
			break;
		step(h);
		h->instret += h->count_instret;
		h->cycle += h->count_cycle;
		n++;
	}
	return n;
}
