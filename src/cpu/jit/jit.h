/* The JIT: RV64GC blocks translated to x86-64, behind hart_run().
 *
 * Per hart: each hart has its own code cache and block map, so nothing
 * here is shared between harts (and nothing would need a lock if harts ran
 * on host threads; docs/cpu.md, "The JIT"). On hosts other than x86-64
 * jit_new() returns NULL and the hart keeps interpreting.
 */
#ifndef GLASS_CPU_JIT_H
#define GLASS_CPU_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Translated code needs an x86-64 host; elsewhere every function below
 * still exists and jit_new() returns NULL. */
#if defined(__x86_64__)
#define GLASS_JIT 1
#endif

struct hart;
struct jit;

/* Counters for --stats. */
struct jit_stats {
	uint64_t blocks;         /* blocks translated */
	uint64_t translate_ns;   /* time spent translating them */
	uint64_t lookups;        /* block lookups outside chained jumps */
	uint64_t hits;           /* ... that found a translated block */
	uint64_t chained;        /* jumps patched to go straight to a block */
	uint64_t flushes;        /* code cache full: everything dropped */
	uint64_t interp_insns;   /* instructions left to the interpreter */
	uint64_t code_bytes;     /* code cache in use now */
	uint64_t code_size;      /* its capacity */
};

/* Whether this build can translate (an x86-64 host). */
bool jit_available(void);

/* A JIT with a code cache of `cache_bytes` (rounded to pages, at least
 * 1 MiB); NULL if the host cannot (not x86-64, no memfd or mapping). */
struct jit *jit_new(size_t cache_bytes);
void jit_free(struct jit *j);

/* Drop every translation (hart reset, snapshot restore). */
void jit_flush(struct jit *j);

/* Run up to `budget` instructions of h (h->jit set), like exec_run. */
uint64_t jit_run(struct hart *h, uint64_t budget);

void jit_get_stats(const struct jit *j, struct jit_stats *s);

#endif
