/* Shared by the translator's files (translate.c: blocks, exits, loops,
 * control transfers; emit_int.c: integer and M operations; emit_mem.c:
 * loads and stores and their slow paths). */
#ifndef GLASS_CPU_JIT_TRANSLATE_H
#define GLASS_CPU_JIT_TRANSLATE_H

#include "cpu/jit/jit_internal.h"
#include "cpu/jit/regs.h"

#define MAX_STUBS (2 * TB_MAX_INSNS + 2)

/* Out-of-line code: a load's or store's slow path, a taken branch's exit,
 * an inline instruction handed to the general executor (a CSR access the
 * hart's privilege does not allow). */
enum stub_kind { STUB_LOAD, STUB_STORE, STUB_TAKEN, STUB_GENERIC, STUB_HELD };

/* Out-of-line code, emitted after the body with the register state of
 * the place that jumps to it. */
struct stub {
	uint8_t kind;
	uint8_t idx;             /* the instruction's index in the block */
	int8_t reg;              /* load: host register of rd (-1: x0);
				  * store: host register of the value */
	bool rd_was_dirty;       /* load: rd needs storing even on a trap */
	uint8_t *jsite;          /* the jump to point here */
	uint8_t *resume;         /* where the fast path goes on */
	int32_t target;          /* taken branch: target pc - block pc */
	struct ra ra;
};

/* A loop's held location (translate.c, "loops"): the one place in memory
 * the loop stores to, rs1 + imm with rs1 unchanged by the loop. */
struct held {
	bool on;
	uint8_t rs1, size;
	int32_t imm;
	int8_t addr;             /* host register: its host address, or 0 */
	int8_t val;              /* host register: the value last stored */
};

struct tctx {
	struct jit *j;
	struct xbuf b;
	struct ra ra;
	const struct dinsn *d;   /* the block's instructions */
	unsigned n;
	unsigned page_off;       /* page offset of the first instruction */
	unsigned idx;            /* the instruction being translated */
	bool loop;               /* the block jumps back to its start */
	bool straddle;           /* its one instruction crosses the page end */
	bool ended;              /* the last instruction made its own exit */
	int tlb_reg;             /* a loop's host register holding tlb.cur, or -1 */
	uint8_t *loop_head;      /* where the next iteration starts */
	struct held held;        /* a loop's held location, if any */
	unsigned nstubs;
	struct stub stubs[MAX_STUBS];
};

static inline const uint8_t *rwp(struct tctx *t, const uint8_t *rx)
{
	return jit_rw(t->j, rx);
}

/* The host register of guest register g, for reading / for writing
 * (regs.h). */
static inline int get(struct tctx *t, unsigned g)
{
	return ra_get(&t->ra, &t->b, g);
}

static inline int def(struct tctx *t, unsigned g)
{
	return ra_def(&t->ra, &t->b, g);
}

/* translate.c: a stub of this kind for the current instruction, with the
 * register state as it is now. */
struct stub *new_stub(struct tctx *t, enum stub_kind kind);

/* emit_int.c: LUI, AUIPC and the integer and M operations; false if d is
 * none of them. */
bool emit_int(struct tctx *t, const struct dinsn *d);

/* emit_csr.c: whether d is a CSR access translated inline (tb_decode's
 * `inside`), and its translation (false if d is none). */
bool jit_csr_inline(const struct dinsn *d);
bool emit_csr(struct tctx *t, const struct dinsn *d);

/* emit_amo.c: the same for LR, SC and the AMOs (on RAM inline, anything
 * else through the general executor). */
bool jit_amo_inline(const struct dinsn *d);
bool emit_amo(struct tctx *t, const struct dinsn *d);

/* emit_mem.c: a load or store (the fast path inline, a stub recorded for
 * the slow path); false if d is neither. */
bool emit_mem(struct tctx *t, const struct dinsn *d);
/* The TLB fast path of loads, stores and the A extension: RAX = the
 * virtual address; RDX = its entry in the current set (array at
 * `set_off`); jump to stub s unless the entry maps the page as RAM and
 * the access is aligned (size); then RAX = the host address. RCX is
 * clobbered. */
void emit_tlb_lookup(struct tctx *t, struct stub *s, unsigned size,
		     int32_t set_off);
/* The slow path of a load or store stub. */
void emit_mem_stub(struct tctx *t, const struct stub *s);
/* The first access of a held location in an iteration, out of line. */
void emit_held_stub(struct tctx *t, const struct stub *s);
/* The size of a load or store. */
unsigned mem_size(unsigned op);

#endif
