/* Execute instructions: the block loop with the fast paths of RV64IM
 * (exec_run), and the general executor for the rest (A, Zicsr, Zifencei,
 * system, F/D loads and stores; F/D computation is in fpu.c). Decoding is
 * in decode.c, blocks in tb.c. */
#include "cpu/cpu_internal.h"
#include "cpu/dinsn.h"
#include "cpu/encoding.h"
#include "cpu/fpu.h"
#include "mem/address_space.h"

#define RD(i) (((i) >> 7) & 31)
#define RS1(i) (((i) >> 15) & 31)
#define RS2(i) (((i) >> 20) & 31)
#define F3(i) (((i) >> 12) & 7)

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

/* M extension, 32-bit forms: f3 is 0 (mulw), 4, 5, 6 or 7. */
static uint64_t muldiv_w(uint32_t f3, uint64_t a64, uint64_t b64)
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
	default: return sext32(ub ? ua % ub : ua);
	}
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
	struct glass_attrs who;

	if ((f3 != 2 && f3 != 3) || !amo_known(f5)) {
		illegal(h, in);
		return;
	}
	unsigned size = f3 == 2 ? 4 : 8;
	bool w = size == 4;
	unsigned kind = f5 == 0x02 ? DBG_LOAD : f5 == 0x03 ? DBG_STORE :
			DBG_LOAD | DBG_STORE;
	if (unlikely(h->dbg_mem) &&
	    !dbg_check_va(h, va, size, kind, h->x[RS2(i)]))
		return;
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
			      ACCESS_STORE, &pa, &who))
		return;
	if (unlikely(h->dbg_mem) &&
	    !dbg_check_pa(h, va, pa, size, kind, h->x[RS2(i)], &who))
		return;
	if (f5 != 0x03 && as_read(h->env.as, pa, size, &mem, &who) != MEM_OK) {
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
	if (as_write(h->env.as, pa, size, nv, &who) != MEM_OK) {
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
		if (RS1(i))
			hart_flush_tlb_page(h, h->x[RS1(i)]);
		else
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

/* The operations without a fast path. The integer opcodes (loads, stores,
 * ALU, branches, jumps, LUI/AUIPC) never come here: decode.c gives each of
 * their encodings a fast-path operation or D_ILLEGAL. */
static void execute(struct hart *h, const struct insn *in)
{
	uint32_t i = in->i;

	switch (i & 0x7f) {
	case 0x07: op_fp_load(h, in); return;
	case 0x0f:                                  /* fence, fence.i */
		if (F3(i) > 1)
			illegal(h, in);
		else
			retire(h, in);
		return;
	case 0x27: op_fp_store(h, in); return;
	case 0x2f: op_amo(h, in); return;
	case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53:
		op_fp(h, in); return;
	case 0x73: op_system(h, in); return;
	}
	illegal(h, in);
}

void exec_generic_insn(struct hart *h, uint32_t raw, uint32_t i,
		       unsigned len)
{
	struct insn in = { .bits = raw, .i = i, .len = len };

	execute(h, &in);
}

/* Anything without a fast path: rebuild the general decoder's view. */
static void exec_generic(struct hart *h, const struct dinsn *d)
{
	exec_generic_insn(h, d->raw, d->i, d->len);
}

/* ---- the block executor ---- */

static inline __attribute__((always_inline)) bool
mem_io(struct hart *h, uint64_t va, unsigned size, uint64_t *val, bool write)
{
	return write ? mmu_store_io(h, va, size, *val) :
		       mmu_load_io(h, va, size, val);
}

/* The slow path of a load or store inside a block: make pc and instret
 * exact (for traps, the trace and devices that read them), then go to the
 * MMU. Returns -1 if it trapped, 1 if the block must end after this
 * instruction, else 0: an event came up (stop, interrupt line, sleep), or
 * a code page was written (this store, a device's DMA, a page walk's A/D
 * update), so the next instruction is fetched from what memory holds now
 * (the JIT, which never checks a page inside a block, does the same). */
static __attribute__((noinline)) int mem_slow(struct hart *h, uint64_t pc,
					      unsigned done, uint64_t va,
					      unsigned size, uint64_t *val,
					      bool write)
{
	uint64_t adj = done * h->count_instret;
	uint64_t code_writes = h->env.as->code_writes;
	bool ok;

	h->pc = pc;
	h->instret += adj;
	/* a copy of the inlined device access per size (constants) */
	switch (size) {
	case 1: ok = mem_io(h, va, 1, val, write); break;
	case 2: ok = mem_io(h, va, 2, val, write); break;
	case 4: ok = mem_io(h, va, 4, val, write); break;
	default: ok = mem_io(h, va, 8, val, write); break;
	}
	h->instret -= adj;
	if (!ok)
		return -1;
	return h->any_event ||
	       h->env.as->code_writes != code_writes;
}

/* A fast-path hit: the page is cached as RAM and the access is naturally
 * aligned (so it cannot cross the page end; misaligned accesses are rare
 * and the slow path does them). One compare: a misaligned address keeps
 * low bits the page-aligned tag never has. */
static inline bool tlb_hit(const struct tlb_entry *e, uint64_t va,
			   unsigned size)
{
	return e->tag == (va & (~PAGE_MASK | (size - 1)));
}

/* Count `ran` instructions run (retired too, unless inhibited; a trap has
 * taken back its own). */
static inline void count_ran(struct hart *h, unsigned ran)
{
	h->instret += ran * h->count_instret;
	h->cycle += ran * h->count_cycle;
}

/* How many of block t's instructions fit in what is left of the budget. */
static inline unsigned block_len(const struct tb *t, uint64_t left)
{
	return t->n < left ? t->n : (unsigned)left;
}

/* The block for pc if its page is cached RAM or ROM (a code-TLB hit) and
 * its first instruction lies inside the page; else NULL. */
static inline const struct tb *find_block(struct hart *h, uint64_t pc)
{
	const struct tlb_entry *e = &h->tlb.cur->code[tlb_index(pc)];

	if (unlikely(e->tag != (pc & ~PAGE_MASK)))
		return NULL;
	uintptr_t host = e->addend + pc;
	struct tb *t = tb_slot(&h->tbc, host);
	if (likely(tb_valid(t, host)))
		return t;
	return tb_build(h, t, host, e->pa_page | (pc & PAGE_MASK));
}

/* The debug path's block lookup, out of line so that the block loop's
 * own (inlined) lookup compiles as it does without it. */
static __attribute__((noinline, cold)) const struct tb *
find_block_cold(struct hart *h, uint64_t pc)
{
	return find_block(h, pc);
}

/* Run up to `budget` instructions, block by block, taking interrupts
 * between blocks. Within a block (straight-line code: only its last
 * instruction may transfer control) instructions run back to back with
 * threaded dispatch (GNU C computed goto): each operation ends with its own
 * jump to the next one, which the host's branch predictor learns far better
 * than the single jump of a switch. Code that is not in a block (first
 * touch of a page, device memory, an instruction across a page end) is
 * fetched the slow way and run as a block of one. */
uint64_t exec_run(struct hart *h, uint64_t budget)
{
#define LABEL(name) [D_##name] = &&op_##name,
	static const void *const label[D_NOPS] = { DOP_LIST(LABEL) };
#undef LABEL
	uint64_t *const x = h->x;
	uint64_t n = 0, base, v, va;
	const struct dinsn *d, *start, *end;
	const struct tlb_entry *e;
	/* the current context's TLB set: only a trap or an instruction
	 * running alone in its block can switch it, and both end the block */
	const struct tlb_set *tlbs;
	const struct tb *t;
	struct dinsn one;
	unsigned ran;
	uint32_t raw;
	int st;

/* pc of the current instruction: base is the pc of start[0] */
#define PC (base + d->pc_off)
#define A x[d->rs1]
#define B x[d->rs2]
#define IMM d->imm
#define DEST x[d->rd]
#define NEXT()                                                           \
	do {                                                             \
		if (++d == end)                                          \
			goto block_done;                                 \
		goto *label[d->op];                                      \
	} while (0)
/* leave the block after the current instruction, h->pc already set */
#define LEAVE()                                                          \
	do {                                                             \
		ran = d - start + 1;                                     \
		goto account;                                            \
	} while (0)
/* A load: fast path through the TLB, else the MMU's slow path. */
#define LOAD(size, conv)                                                 \
	do {                                                             \
		va = A + IMM;                                            \
		e = &tlbs->read[tlb_index(va)];                          \
		if (likely(tlb_hit(e, va, size))) {                      \
			v = host_load((const void *)(e->addend + va), size); \
			DEST = conv;                                     \
			x[0] = 0;                                        \
			NEXT();                                          \
		}                                                        \
		st = mem_slow(h, PC, d - start, va, size, &v, false);    \
		if (st < 0)                                              \
			LEAVE();                                         \
		DEST = conv;                                             \
		x[0] = 0;                                                \
		if (st)                                                  \
			goto event;                                      \
		NEXT();                                                  \
	} while (0)
#define STORE(size)                                                      \
	do {                                                             \
		va = A + IMM;                                            \
		e = &tlbs->write[tlb_index(va)];                         \
		if (likely(tlb_hit(e, va, size))) {                      \
			host_store((void *)(e->addend + va), size, B);   \
			NEXT();                                          \
		}                                                        \
		v = B;                                                   \
		st = mem_slow(h, PC, d - start, va, size, &v, true);     \
		if (st < 0)                                              \
			LEAVE();                                         \
		if (st)                                                  \
			goto event;                                      \
		NEXT();                                                  \
	} while (0)

next_block:
	if (unlikely(h->any_event)) { /* and jit_inhibit: see debug_block */
		if (h->stop || h->wfi)
			return n;
		h->irq_check = false;
		if (!h->dbg_noirq && hart_take_interrupt(h))
			goto next_block;
		if (h->jit_inhibit)
			goto debug_block;
	}
run_block:
	if (n >= budget)
		return n;
	tlbs = h->tlb.cur;
	base = h->pc;
	t = find_block(h, base);
	if (likely(t)) {
		start = d = &h->tbc.pool[t->first];
		end = d + block_len(t, budget - n);
	} else {
		if (!mmu_fetch_slow(h, base, &raw)) {
			ran = 1;
			goto account;
		}
		dinsn_decode(&one, raw);
		t = NULL;
		start = d = &one;
		end = d + 1;
	}
	goto *label[d->op];

op_NOP: NEXT();
op_LUI: DEST = IMM; NEXT();
op_AUIPC: DEST = PC + IMM; NEXT();
op_JAL:
	DEST = PC + d->len;
	x[0] = 0;
	h->pc = PC + IMM;
	LEAVE();
op_JALR:
	v = (A + IMM) & ~1ull; /* before DEST: rd may be rs1 */
	DEST = PC + d->len;
	x[0] = 0;
	h->pc = v;
	LEAVE();
op_BEQ: if (A == B) goto taken; NEXT();
op_BNE: if (A != B) goto taken; NEXT();
op_BLT: if ((int64_t)A < (int64_t)B) goto taken; NEXT();
op_BGE: if ((int64_t)A >= (int64_t)B) goto taken; NEXT();
op_BLTU: if (A < B) goto taken; NEXT();
op_BGEU: if (A >= B) goto taken; NEXT();
op_LB: LOAD(1, (uint64_t)(int64_t)(int8_t)v);
op_LH: LOAD(2, (uint64_t)(int64_t)(int16_t)v);
op_LW: LOAD(4, sext32(v));
op_LD: LOAD(8, v);
op_LBU: LOAD(1, v);
op_LHU: LOAD(2, v);
op_LWU: LOAD(4, v);
op_SB: STORE(1);
op_SH: STORE(2);
op_SW: STORE(4);
op_SD: STORE(8);
op_ADDI: DEST = A + IMM; NEXT();
op_SLTI: DEST = (int64_t)A < IMM; NEXT();
op_SLTIU: DEST = A < (uint64_t)IMM; NEXT();
op_XORI: DEST = A ^ IMM; NEXT();
op_ORI: DEST = A | IMM; NEXT();
op_ANDI: DEST = A & IMM; NEXT();
op_SLLI: DEST = A << IMM; NEXT();
op_SRLI: DEST = A >> IMM; NEXT();
op_SRAI: DEST = (uint64_t)((int64_t)A >> IMM); NEXT();
op_ADDIW: DEST = sext32(A + IMM); NEXT();
op_SLLIW: DEST = sext32((uint32_t)A << IMM); NEXT();
op_SRLIW: DEST = sext32((uint32_t)A >> IMM); NEXT();
op_SRAIW: DEST = sext32((uint32_t)((int32_t)A >> IMM)); NEXT();
op_ADD: DEST = A + B; NEXT();
op_SUB: DEST = A - B; NEXT();
op_SLL: DEST = A << (B & 63); NEXT();
op_SLT: DEST = (int64_t)A < (int64_t)B; NEXT();
op_SLTU: DEST = A < B; NEXT();
op_XOR: DEST = A ^ B; NEXT();
op_SRL: DEST = A >> (B & 63); NEXT();
op_SRA: DEST = (uint64_t)((int64_t)A >> (B & 63)); NEXT();
op_OR: DEST = A | B; NEXT();
op_AND: DEST = A & B; NEXT();
op_ADDW: DEST = sext32(A + B); NEXT();
op_SUBW: DEST = sext32(A - B); NEXT();
op_SLLW: DEST = sext32((uint32_t)A << (B & 31)); NEXT();
op_SRLW: DEST = sext32((uint32_t)A >> (B & 31)); NEXT();
op_SRAW: DEST = sext32((uint32_t)((int32_t)A >> (B & 31))); NEXT();
op_MUL: DEST = A * B; NEXT();
op_MULH: op_MULHSU: op_MULHU: op_DIV: op_DIVU: op_REM: op_REMU:
	DEST = muldiv(d->op - D_MUL, A, B);
	NEXT();
op_MULW: op_DIVW: op_DIVUW: op_REMW: op_REMUW: {
	static const uint8_t f3[] = { 0, 4, 5, 6, 7 };
	DEST = muldiv_w(f3[d->op - D_MULW], A, B);
	NEXT();
}
op_ILLEGAL:
	h->pc = PC;
	hart_trap(h, CAUSE_ILLEGAL_INSN, d->raw);
	LEAVE();
op_GENERIC:
	/* no fast path: always alone in its block, h->pc is its pc */
	exec_generic(h, d);
	LEAVE();

block_done:
	d--;
	h->pc = PC + d->len;
	LEAVE();
taken:
	h->pc = PC + IMM;
	if (h->pc == base && t)
		goto loop;
	LEAVE();
loop:
	/* A branch back to the start of its own block (a tight loop): run it
	 * again without looking it up, if nothing needs the loop's attention
	 * and no write to the page made the block stale. */
	ran = d - start + 1;
	count_ran(h, ran);
	n += ran;
	if (unlikely(h->any_event) || n >= budget ||
	    !tb_valid(t, t->host))
		goto next_block;
	d = start;
	end = d + block_len(t, budget - n);
	goto *label[d->op];
event:
	h->pc = PC + d->len;
	LEAVE();
account:
	count_ran(h, ran);
	n += ran;
	goto next_block;
debug_block:
	/* Breakpoints, watchpoints or triggers are armed (cpu/debug.h): stop
	 * or trap before an execute point at pc, and end the block before
	 * the next one (the block setup above, with its end cut). Loads and
	 * stores check their points in the slow path. */
	if (n >= budget || !h->dbg_exec)
		goto run_block;
	v = dbg_exec_check(h);
	if (!v) {
		if (h->stop)
			return n;
		ran = 1;               /* a breakpoint exception was taken */
		goto account;
	}
	tlbs = h->tlb.cur;
	base = h->pc;
	t = find_block_cold(h, base);
	if (!t)
		goto run_block;   /* one instruction fetched the slow way */
	start = d = &h->tbc.pool[t->first];
	end = d + block_len(t, budget - n);
	while (end > d + 1 && end[-1].pc_off >= v)
		end--;
	goto *label[d->op];
#undef PC
#undef A
#undef B
#undef IMM
#undef DEST
#undef NEXT
#undef LEAVE
#undef LOAD
#undef STORE
}
