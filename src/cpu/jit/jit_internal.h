/* Shared by the files of the translator (src/cpu/jit/): the per-hart JIT
 * state, the layout facts the generated code relies on, and the helpers
 * it calls. docs/cpu.md ("The JIT") has the design. */
#ifndef GLASS_CPU_JIT_INTERNAL_H
#define GLASS_CPU_JIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu_internal.h"
#include "cpu/jit/jit.h"
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

#define JIT_MAP_BITS 15
#define JIT_MAP_SIZE (1u << JIT_MAP_BITS)
/* Room a block may need at most (32 instructions with slow paths). */
#define JIT_BLOCK_MAX (24u << 10)

/* A translated block, as the block map remembers it. */
struct jit_block {
	uintptr_t host;          /* host address of the first instruction; 0: none */
	const uint32_t *gen;     /* its page's code generation word */
	uint32_t gen_val;        /* the word's value when translated */
	uint16_t n;              /* instructions */
	const uint8_t *code;     /* entry point, executable view */
};

/* What the entry routine returns: the exit's chain site (executable
 * address of a jump's displacement to patch; bit 0 set: the entry of a
 * stale block; 0: nothing to patch) and the budget left. */
struct jit_exit {
	uintptr_t site;
	uint64_t left;
};

typedef struct jit_exit (*jit_enter_fn)(struct hart *h, const void *code,
					uint64_t left);

/* Values a memory helper gives back to generated code (RAX:RDX). */
struct jit_ret {
	uint64_t val;
	uint64_t status;         /* JIT_OK, JIT_EVENT, JIT_TRAP */
};

enum { JIT_OK, JIT_EVENT, JIT_TRAP };

struct jit {
	/* the code cache: one memfd mapped twice, writable and executable */
	int fd;
	uint8_t *rw, *rx;
	size_t size;
	size_t fixed;            /* bytes of the routines below, never flushed */
	size_t used;
	/* fixed routines (executable view) */
	jit_enter_fn enter;
	const uint8_t *epilogue; /* RAX = chain site: store pc, leave */
	const uint8_t *exit0;    /* leave with nothing to patch */
	const uint8_t *lookup;   /* R13 = pc: go to its block, or leave */

	uint64_t left0;          /* budget left when instret was last exact */
	uint64_t flushes;
	struct jit_stats st;
	struct jit_block map[JIT_MAP_SIZE];
};

static inline struct jit_block *jit_slot(struct jit *j, uintptr_t host)
{
	return &j->map[((host >> 1) ^ (host >> (JIT_MAP_BITS + 1))) &
		       (JIT_MAP_SIZE - 1)];
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
/* Drop every block (the fixed routines stay). */
void jit_cache_flush(struct jit *j);

/* translate.c: translate the block at `host` (physical pa) into slot b;
 * NULL if it cannot be (not cacheable code, first instruction across the
 * page end). May flush the cache. */
struct jit_block *jit_translate(struct hart *h, struct jit_block *b,
				uintptr_t host, uint64_t pa);

/* helpers.c: called from generated code */
struct jit_ret jit_load(struct hart *h, uint64_t va, uint64_t info,
			uint64_t pcb, uint64_t left);
struct jit_ret jit_store(struct hart *h, uint64_t va, uint64_t val,
			 uint64_t info, uint64_t pcb, uint64_t left);
void jit_generic(struct hart *h, uint64_t insn, uint64_t pc, uint64_t left);
const uint8_t *jit_lookup(struct hart *h, uint64_t pc);
/* Make instret and cycle exact for a budget of `left` remaining. */
void jit_account(struct hart *h, uint64_t left);
/* The valid block for pc, if the code TLB and the map have it. */
struct jit_block *jit_find(struct hart *h, uint64_t pc, uintptr_t *host,
			   uint64_t *pa);

#endif
