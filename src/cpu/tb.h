/* Translation blocks: straight runs of decoded instructions.
 *
 * Decoding (expanding a compressed instruction, picking the operation,
 * extracting registers and the immediate) is done once per run of code and
 * cached. A block starts at an instruction in RAM or ROM and ends after the
 * first control transfer, at the end of its page, or after TB_MAX_INSNS.
 * An instruction without a fast path (CSRs, system, fences, A, F/D) gets a
 * block of its own, so it always runs with pc, instret and every other bit
 * of hart state exact, and may change any of it.
 *
 * Blocks are keyed by the host address of their first instruction, i.e. by
 * physical location, so one block serves every virtual mapping of the code
 * and address-space switches flush nothing. Each block remembers its page's
 * code generation (address_space.h, "Code pages"): any write to the page
 * while blocks of it may exist changes that word, so a stale block never
 * matches again. That makes self-modifying code, module loading and pages
 * reused for other code correct without any flush, and fence.i a no-op.
 * (A 32-bit generation cannot come round to a stale block's value: every
 * release and rebuild uses pool space, and a full pool drops every block.)
 */
#ifndef GLASS_CPU_TB_H
#define GLASS_CPU_TB_H

#include <stdint.h>

#include "cpu/dinsn.h"

#define TB_MAX_INSNS 32
#define TB_MAP_BITS 15
#define TB_MAP_SIZE (1u << TB_MAP_BITS)
#define TB_POOL_SIZE (1u << 16)   /* decoded instructions of all blocks */

struct tb {
	uintptr_t host;          /* host address of the first instruction; 0: none */
	const uint32_t *gen;     /* the page's code generation word */
	uint32_t gen_val;        /* its value when the block was decoded */
	uint32_t first;          /* index of the first instruction in pool[] */
	uint16_t n;              /* number of instructions, >= 1 */
	uint16_t cap;            /* pool entries at first that belong to the slot */
};

/* Per hart. Derived state: a snapshot need not save it (tb_cache_clear). */
struct tb_cache {
	struct tb map[TB_MAP_SIZE];   /* direct-mapped by host address */
	uint32_t used;                /* pool entries handed out */
	uint64_t built;               /* blocks decoded, ever (tests) */
	struct dinsn pool[TB_POOL_SIZE];
};

static inline struct tb *tb_slot(struct tb_cache *c, uintptr_t host)
{
	return &c->map[((host >> 1) ^ (host >> (TB_MAP_BITS + 1))) &
		       (TB_MAP_SIZE - 1)];
}

static inline int tb_valid(const struct tb *t, uintptr_t host)
{
	return t->host == host && *t->gen == t->gen_val;
}

/* Drop every block. */
void tb_cache_clear(struct tb_cache *c);

#endif
