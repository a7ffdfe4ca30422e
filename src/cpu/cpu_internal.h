/* Shared by the files of cpu/: memory access helpers with the TLB fast path
 * inlined, and the entry points between decode, CSRs, MMU and traps.
 *
 * Convention: a helper that can fault returns false after it has already
 * taken the trap (pc now points at the handler); the caller must then return
 * without writing any register or advancing pc. */
#ifndef GLASS_CPU_INTERNAL_H
#define GLASS_CPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/riscv.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

enum access_type { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE };

/* trap.c */
void hart_trap(struct hart *h, uint64_t cause, uint64_t tval);
bool hart_take_interrupt(struct hart *h);
void hart_mret(struct hart *h);
void hart_sret(struct hart *h);
void hart_set_priv(struct hart *h, enum priv p);
uint64_t hart_mip(const struct hart *h);

/* csr.c: return false if the access is illegal (caller raises the trap). */
bool csr_read(struct hart *h, unsigned csr, uint64_t *val);
bool csr_write(struct hart *h, unsigned csr, uint64_t val);
/* The value CSRRS/CSRRC modify, given what the read returned: for mip the
 * software-writable SEIP bit only, never the PLIC's line (spec 3.1.9). */
uint64_t csr_rmw_base(const struct hart *h, unsigned csr, uint64_t read);

/* mmu.c: slow paths; they fill the TLB and may trap (then return false). */
bool mmu_load_slow(struct hart *h, uint64_t va, unsigned size, uint64_t *val);
bool mmu_store_slow(struct hart *h, uint64_t va, unsigned size, uint64_t val);
bool mmu_fetch_slow(struct hart *h, uint64_t va, uint32_t *insn);
/* Translate for an AMO/LR/SC: sets *pa; false if it trapped. */
bool mmu_translate_rw(struct hart *h, uint64_t va, unsigned size,
		      enum access_type type, uint64_t *pa);

/* exec.c */
void exec_one(struct hart *h);

static inline uint64_t sext32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

static inline bool load(struct hart *h, uint64_t va, unsigned size,
			uint64_t *val)
{
	const struct tlb_entry *e = &h->tlb.read[tlb_index(va)];

	if (likely(e->tag == (va & ~PAGE_MASK) &&
		   (va & PAGE_MASK) <= PAGE_SIZE - size)) {
		uint64_t v = 0;
		memcpy(&v, (const void *)(e->addend + va), size);
		*val = v;
		return true;
	}
	return mmu_load_slow(h, va, size, val);
}

static inline bool store(struct hart *h, uint64_t va, unsigned size,
			 uint64_t val)
{
	const struct tlb_entry *e = &h->tlb.write[tlb_index(va)];

	if (likely(e->tag == (va & ~PAGE_MASK) &&
		   (va & PAGE_MASK) <= PAGE_SIZE - size)) {
		memcpy((void *)(e->addend + va), &val, size);
		return true;
	}
	return mmu_store_slow(h, va, size, val);
}

static inline bool fetch(struct hart *h, uint64_t va, uint32_t *insn)
{
	const struct tlb_entry *e = &h->tlb.code[tlb_index(va)];

	if (likely(e->tag == (va & ~PAGE_MASK) &&
		   (va & PAGE_MASK) <= PAGE_SIZE - 4)) {
		memcpy(insn, (const void *)(e->addend + va), 4);
		return true;
	}
	return mmu_fetch_slow(h, va, insn);
}

#endif
