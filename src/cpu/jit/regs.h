/* Guest registers in host registers, within one translated block.
 *
 * A guest register is loaded from struct hart the first time the block
 * reads it, stays in its host register while the block runs, and is
 * written back when the block leaves (or when its host register is needed
 * for another one). `dirty` says which host copies are newer than memory.
 * Every way out of a block (a taken branch, a trap, the end) stores the
 * dirty ones first, so between blocks struct hart is the whole truth.
 *
 * The pool is the nine host registers the generated code leaves alone:
 * RBX holds the hart, R13 the pc of the running block, R14 the budget
 * left; RAX, RCX and RDX are scratch (MUL/DIV and shifts want them).
 * Callee-saved registers come first in the pool, so a helper call from a
 * slow path has fewer to save.
 */
#ifndef GLASS_CPU_JIT_REGS_H
#define GLASS_CPU_JIT_REGS_H

#include <stdint.h>

#include "cpu/jit/x86.h"

#define RA_POOL_SIZE 9
/* host registers a C call may clobber (SysV) among the pool */
#define RA_CALLER_SAVED ((1u << RSI) | (1u << RDI) | (1u << R8) |        \
			 (1u << R9) | (1u << R10) | (1u << R11))

/* The pool, in allocation order: callee-saved registers first. The slow
 * path thunks (cache.c) save them in this order, and a register map
 * (ra_dirty_map) names them by their index here. */
extern const int8_t ra_pool[RA_POOL_SIZE];

struct ra {
	int8_t host[32];      /* guest register -> host register, or -1 */
	int8_t guest[16];     /* host register -> guest register, or -1 */
	uint32_t dirty;       /* guest registers to store back */
	uint16_t pinned;      /* host registers the current instruction uses */
	uint16_t reserved;    /* host registers the block uses for itself */
	uint16_t clock;
	uint16_t stamp[16];   /* last use, for choosing what to evict */
};

void ra_init(struct ra *r);
/* The host register holding guest register g, loading it if needed (x0
 * reads as a zeroed register). Pinned until ra_release. */
int ra_get(struct ra *r, struct xbuf *b, unsigned g);
/* The host register that will receive guest register g (g != 0): not
 * loaded, marked dirty, pinned until ra_release. */
int ra_def(struct ra *r, struct xbuf *b, unsigned g);
/* The current instruction is done with its registers. */
void ra_release(struct ra *r);
/* Store the dirty registers in `mask` (guest bits) to struct hart; the
 * state is left as it is (for a side exit). */
void ra_store(const struct ra *r, struct xbuf *b, uint32_t mask);
/* Store every dirty register; they are clean from here on. */
void ra_flush(struct ra *r, struct xbuf *b);
/* Forget every mapping (after ra_flush, when the host registers are about
 * to be clobbered). */
void ra_forget(struct ra *r);
/* Host registers (bit per register) that hold a guest register and that a
 * C call would clobber. */
uint16_t ra_caller_saved(const struct ra *r);
/* Which guest register each pool register holds dirty, 5 bits per pool
 * index (0: none), leaving out the guest registers in `clean`: what a
 * helper must store back from the saved pool registers on a side exit. */
uint64_t ra_dirty_map(const struct ra *r, uint32_t clean);

#endif
