/* Instruction fields and immediates of the 32-bit encodings (unprivileged
 * spec 2.3), shared by the decoder and the general executor. */
#ifndef GLASS_CPU_ENCODING_H
#define GLASS_CPU_ENCODING_H

#include <stdint.h>

/* Immediates are assembled as unsigned bits and sign-extended once at the
 * end, so no expression mixes signed and unsigned 32-bit types. */
static inline int64_t sext_bits(uint32_t v, int width)
{
	return (int64_t)((uint64_t)v << (64 - width)) >> (64 - width);
}

static inline int64_t imm_i(uint32_t i) { return sext_bits(i >> 20, 12); }

static inline int64_t imm_s(uint32_t i)
{
	return sext_bits((i >> 25) << 5 | ((i >> 7) & 31), 12);
}

static inline int64_t imm_b(uint32_t i)
{
	return sext_bits((i >> 31) << 12 | ((i >> 7) & 1) << 11 |
			 ((i >> 25) & 63) << 5 | ((i >> 8) & 15) << 1, 13);
}

static inline int64_t imm_j(uint32_t i)
{
	return sext_bits((i >> 31) << 20 | (i & 0xff000) |
			 ((i >> 20) & 1) << 11 | ((i >> 21) & 0x3ff) << 1, 21);
}

#endif
