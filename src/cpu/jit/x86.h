/* A small x86-64 instruction encoder: exactly the instructions the
 * translator (translate.c) emits, written into a byte buffer.
 *
 * Registers are numbered as in the encoding (RAX = 0 ... R15 = 15).
 * Operand size: `w` = 1 for 64-bit, 0 for 32-bit operations (a 32-bit
 * result zero-extends into the whole register, as the hardware does).
 * Memory operands are [base + disp32]. Nothing here allocates: a write
 * past the end of the buffer sets `full` and is dropped, and the caller
 * (the code cache) throws the half-written block away.
 */
#ifndef GLASS_CPU_JIT_X86_H
#define GLASS_CPU_JIT_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xreg {
	RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum xcc {
	CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
	CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G,
};

/* Group-1 ALU operations (the /digit of 0x81/0x83, and op * 8 + 1/3). */
enum xalu { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR,
	    ALU_CMP };

/* Group-2 shifts (the /digit of 0xc1/0xd3). */
enum xshift { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

/* Group-3 unary operations (the /digit of 0xf7). */
enum xunary { UN_NOT = 2, UN_NEG = 3, UN_MUL = 4, UN_IMUL = 5, UN_DIV = 6,
	      UN_IDIV = 7 };

struct xbuf {
	uint8_t *p;      /* next byte, in the writable view */
	uint8_t *end;
	bool full;       /* something did not fit */
};

static inline void x_byte(struct xbuf *b, uint8_t v)
{
	if (b->p < b->end)
		*b->p++ = v;
	else
		b->full = true;
}

void x_u32(struct xbuf *b, uint32_t v);
void x_u64(struct xbuf *b, uint64_t v);

/* dst = src (64 or 32 bits) */
void x_mov_rr(struct xbuf *b, int w, int dst, int src);
/* dst = imm, in the shortest form that gives the same 64-bit value */
void x_mov_ri(struct xbuf *b, int dst, uint64_t imm);
/* dst op= src; dst op= imm (imm must fit in 32 bits signed) */
void x_alu_rr(struct xbuf *b, enum xalu op, int w, int dst, int src);
void x_alu_ri(struct xbuf *b, enum xalu op, int w, int dst, int32_t imm);
/* dst op= [base + disp] */
void x_alu_rm(struct xbuf *b, enum xalu op, int w, int dst, int base,
	      int32_t disp);
/* [base + disp] op= imm, 32 or 64 bits */
void x_alu_mi(struct xbuf *b, enum xalu op, int w, int base, int32_t disp,
	      int32_t imm);
/* dst = base + disp; dst = base + index + disp */
void x_lea(struct xbuf *b, int w, int dst, int base, int32_t disp);
/* dst = address of this instruction's end + disp (RIP-relative) */
void x_lea_rip(struct xbuf *b, int dst, int32_t disp);
void x_lea_idx(struct xbuf *b, int w, int dst, int base, int index,
	       int32_t disp);
/* A load of `size` bytes (1, 2, 4, 8) into a 64-bit register, sign- or
 * zero-extended. */
void x_load(struct xbuf *b, unsigned size, bool sign, int dst, int base,
	    int32_t disp);
/* [base + disp] = the low `size` bytes of src */
void x_store(struct xbuf *b, unsigned size, int src, int base, int32_t disp);
/* [base + disp] = imm (4 bytes, or 8 bytes sign-extended) */
void x_store_imm(struct xbuf *b, unsigned size, int base, int32_t disp,
		 int32_t imm);
/* Extend the low `size` bytes of src into dst (64 bits). */
void x_extend(struct xbuf *b, unsigned size, bool sign, int dst, int src);
void x_shift_ri(struct xbuf *b, enum xshift op, int w, int dst, unsigned n);
void x_shift_cl(struct xbuf *b, enum xshift op, int w, int dst);
void x_imul_rr(struct xbuf *b, int w, int dst, int src);
void x_unary(struct xbuf *b, enum xunary op, int w, int r);
/* rdx:rax = sign extension of rax (cqo), edx:eax of eax (cdq) */
void x_cqo(struct xbuf *b, int w);
void x_test_rr(struct xbuf *b, int w, int a, int c);
/* low byte of dst = cc ? 1 : 0 (dst must be RAX..RBX) */
void x_setcc(struct xbuf *b, enum xcc cc, int dst);
void x_cmov(struct xbuf *b, enum xcc cc, int w, int dst, int src);
void x_push(struct xbuf *b, int r);
void x_pop(struct xbuf *b, int r);
void x_ret(struct xbuf *b);
void x_call_r(struct xbuf *b, int r);
void x_jmp_r(struct xbuf *b, int r);

/* Jumps with a 32-bit displacement. They return the address of the
 * displacement field, for x_patch (NULL if the buffer is full). */
uint8_t *x_jmp(struct xbuf *b);
uint8_t *x_jcc(struct xbuf *b, enum xcc cc);
/* Point the displacement at `site` to `target` (both in the same view). */
void x_patch(uint8_t *site, const uint8_t *target);
/* A call, jump or jcc straight to a known target (rel32). */
void x_call(struct xbuf *b, const uint8_t *target);
void x_jmp_to(struct xbuf *b, const uint8_t *target);
void x_jcc_to(struct xbuf *b, enum xcc cc, const uint8_t *target);

#endif
