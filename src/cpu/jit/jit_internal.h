/* Shared by the files of the translator (src/cpu/jit/): the per-hart JIT
 * state, the layout facts the generated code relies on, and the helpers
 * it calls. docs/cpu.md ("The JIT") has the design. */
#ifndef GLASS_CPU_JIT_INTERNAL_H
#define GLASS_CPU_JIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu_internal.h"
#include "cpu/jit/jit.h"
#include "cpu/jit/regs.h"
#include "cpu/jit/x86.h"

/* Generated code holds the hart in RBX biased by HB, so that all 32
 * integer registers are within a one-byte displacement. */
#define HB 128
#define OFF(field) ((int32_t)offsetof(struct hart, field) - HB)
#define OFF_X(g) (OFF(x) + 8 * (int32_t)(g))

/* Fixed host registers of generated code (see regs.h). */
#define R_HART RBX
#define R_PC R13      /* guest pc of the running block's first instruction */
#define R_LEFT R14    /* budget left, counted down at block entry */

/* Blocks are found by host address in a hash table with chains, and by
 * pc in a small direct-mapped jump cache in front of it. */
#define JIT_HASH_BITS 15
#define JIT_HASH_SIZE (1u << JIT_HASH_BITS)
#define JIT_JC_BITS 12
#define JIT_JC_SIZE (1u << JIT_JC_BITS)
/* Room a block may need at most (32 instructions with slow paths). */
#define JIT_BLOCK_MAX (16u << 10)

/* A translated block. It lives in the code cache just before its code
 * (and is read and written through the writable view), so the cache holds
 * every block there is and a flush frees them all at once. */
struct jit_block {
	struct jit_block *next;  /* hash chain */
	uintptr_t host;          /* host address of the first instruction */
	const uint32_t *gen;     /* its page's code generation word */
	uint32_t gen_val;        /* the word's value when translated */
	uint32_t n;              /* instructions */
	const uint8_t *code;     /* entry point, executable view */
	uint64_t pad;            /* the code after it on 16 bytes */
};

/* The jump cache: what a lookup of pc needs of the block pc ran last,
 * checked against the code TLB and the code generation before use. A
 * copy, so a hit touches neither the hash table nor the block's header
 * (which is in the writable view of the cache, whose host TLB entries
 * are cold while blocks run). */
struct jit_jc {
	uint64_t pc;
	uintptr_t host;
	const uint32_t *gen;
	uint32_t gen_val;
	uint32_t n;
	const uint8_t *code;
};

/* What the entry routine returns: the exit's chain site (executable
 * address of a jump's displacement to patch, | SITE_GUARDED when the
 * target is in another page; 0: nothing to patch) and the budget left. */
#define SITE_GUARDED 2
struct jit_exit {
	uintptr_t site;
	uint64_t left;
};

typedef struct jit_exit (*jit_enter_fn)(struct hart *h, const void *code,
					uint64_t left);

/* What a memory helper gives back to the thunk that called it (RAX:RDX):
 * the loaded value, extended, and whether the block goes on. */
struct jit_ret {
	uint64_t val;
	uint64_t status;         /* JIT_OK, or JIT_LEAVE: pc, budget and
				  * registers are stored, leave the block */
};

enum { JIT_OK, JIT_LEAVE };

/* A memory access's slow path (emit_mem.c): the stub pushes the pool's
 * caller-saved registers that hold guest registers (the frame the helper
 * reads them from) and calls a thunk (cache.c), which keeps R13 and R14
 * in h->jit_run and calls jit_loadN/jit_storeN. On a side exit the helper
 * stores the dirty guest registers of the frame, the thunk those in
 * callee-saved registers (whose values are still there).
 *
 * The access's facts, one 32-bit immediate: log2 of the size (bits 0-1),
 * sign-extend (2), instruction length 4 (3), rd (4-8), pc offset in the
 * block (9-16), instructions of the block after this one (17-22), which
 * caller-saved pool registers the stub pushed (23-28, bit per pool index
 * 3..8). */
#define FRAME_FIRST_PUSHED 3    /* pool index of the first caller-saved */
#define MI_SIZE(i) (1u << ((i) & 3))
#define MI_SIGN(i) (((i) >> 2) & 1)
#define MI_LEN(i) ((i) & 8 ? 4u : 2u)
#define MI_RD(i) (((i) >> 4) & 31)
#define MI_PC_OFF(i) (((i) >> 9) & 0xff)
#define MI_UNRUN(i) (((i) >> 17) & 63)
#define MI_PUSHED(i) (((i) >> 23) & 63)

struct jit {
	/* the code cache: one memfd mapped twice, writable and executable */
	int fd;
	uint8_t *rw, *rx;
	size_t size;
	size_t fixed;            /* bytes of the routines below, never flushed */
	size_t used;
	size_t populated;        /* pages made present up to here */
	/* fixed routines (executable view) */
	jit_enter_fn enter;
	const uint8_t *epilogue; /* RAX = chain site: store pc, leave */
	const uint8_t *exit0;    /* leave with nothing to patch */
	const uint8_t *lookup;   /* R13 = pc: go to its block, or leave */
	const uint8_t *fetch_fault; /* lookup's fetch trapped: count, leave */
	/* slow paths, by log2 of the access size: RAX = va, EDX = info,
	 * RCX = dirty map (emit_mem.c) */
	const uint8_t *thunk_load[4];
	const uint8_t *thunk_store[4];

	uint64_t flushes;
	struct jit_stats st;
	struct jit_jc jc[JIT_JC_SIZE];
	struct jit_block *hash[JIT_HASH_SIZE];
};

static inline struct jit_block **jit_bucket(struct jit *j, uintptr_t host)
{
	return &j->hash[((host >> 1) ^ (host >> (JIT_HASH_BITS + 1))) &
			(JIT_HASH_SIZE - 1)];
}

static inline struct jit_jc *jit_jc_slot(struct jit *j, uint64_t pc)
{
	return &j->jc[(pc >> 1) & (JIT_JC_SIZE - 1)];
}

static inline bool jit_block_valid(const struct jit_block *b)
{
	return *b->gen == b->gen_val;
}

static inline uint8_t *jit_rw(const struct jit *j, const uint8_t *rx)
{
	return j->rw + (rx - j->rx);
}

static inline const uint8_t *jit_rx(const struct jit *j, const uint8_t *rw)
{
	return j->rx + (rw - j->rw);
}

/* cache.c */
struct jit *jit_cache_new(size_t size);
void jit_cache_free(struct jit *j);
/* Make the next `bytes` of the cache present in both views. */
void jit_cache_reserve(struct jit *j, size_t bytes);
/* Drop every block (the fixed routines stay). */
void jit_cache_flush(struct jit *j);

/* translate.c: translate the block at `host` (physical pa), replacing
 * `stale` (a block of the same host address whose page was written, or
 * NULL); NULL if it cannot be (not cacheable code). May flush the
 * cache. */
struct jit_block *jit_translate(struct hart *h, uintptr_t host, uint64_t pa,
				struct jit_block *stale);

/* A guard for a jump into another page, to target (whose code TLB entry
 * is e now); NULL if the cache has no room (translate.c). */
const uint8_t *jit_guard(struct jit *j, const struct tlb_entry *e,
			 const struct jit_jc *target);

/* helpers.c: called from generated code */
#define JIT_MEM_HELPERS(n)                                                 \
	struct jit_ret jit_load##n(struct hart *h, uint64_t va,           \
				   uint64_t info, uint64_t map,           \
				   uint64_t *frame);                      \
	struct jit_ret jit_store##n(struct hart *h, uint64_t va,          \
				    uint64_t info, uint64_t map,          \
				    uint64_t *frame, uint64_t val);
JIT_MEM_HELPERS(1)
JIT_MEM_HELPERS(2)
JIT_MEM_HELPERS(4)
JIT_MEM_HELPERS(8)
#undef JIT_MEM_HELPERS
void jit_generic(struct hart *h, uint64_t insn, uint64_t pc, uint64_t left);
/* The instruction at pc, across its page's end, run by the interpreter;
 * the budget left after it. */
uint64_t jit_straddle(struct hart *h, uint64_t pc, uint64_t left);
/* The block for pc (R13) with `left` (R14) budget, filling the code TLB
 * if need be; NULL: leave to the dispatcher; fetch_fault: the fetch
 * trapped. */
const uint8_t *jit_lookup(struct hart *h, uint64_t pc, uint64_t left);
/* Make instret and cycle exact for a budget of `left` remaining. */
void jit_account(struct hart *h, uint64_t left);
/* Where pc's code is: its host address and physical address (host 0: the
 * code TLB does not have it as RAM or ROM). */
struct jit_where {
	uintptr_t host;
	uint64_t pa;
	struct jit_block *stale;   /* a block for host whose page was written */
};

/* The valid block for pc, as its jump cache entry, if the code TLB and
 * the block index have it. */
const struct jit_jc *jit_find(struct hart *h, uint64_t pc,
			      struct jit_where *w);
/* Remember b in the jump cache as pc's block; returns the entry. */
const struct jit_jc *jit_jc_fill(struct jit *j, uint64_t pc,
				 const struct jit_block *b);

#endif
