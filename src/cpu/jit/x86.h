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
#include <string.h>

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

/* The encoders are inline: translating a block makes thousands of these
 * calls, and inlined they cost half as much. */
static inline void x_byte(struct xbuf *b, uint8_t v)
{
	if (b->p < b->end)
		*b->p++ = v;
	else
		b->full = true;
}

static inline void x_u32(struct xbuf *b, uint32_t v)
{
	if (b->end - b->p >= 4) {
		memcpy(b->p, &v, 4); /* little-endian host */
		b->p += 4;
	} else {
		b->full = true;
	}
}

static inline void x_u64(struct xbuf *b, uint64_t v)
{
	x_u32(b, (uint32_t)v);
	x_u32(b, (uint32_t)(v >> 32));
}

/* REX: W (64-bit operand), R (ModRM.reg bit 3), X (SIB.index bit 3),
 * B (ModRM.rm or SIB.base bit 3). `byte_regs` forces a REX for byte
 * operands in SPL/BPL/SIL/DIL, which would otherwise mean AH..BH. */
static inline void rex(struct xbuf *b, int w, int reg, int index, int base,
		       bool byte_regs)
{
	uint8_t r = 0x40 | (w ? 8 : 0) | (reg & 8 ? 4 : 0) |
		    (index & 8 ? 2 : 0) | (base & 8 ? 1 : 0);

	if (r != 0x40 || byte_regs)
		x_byte(b, r);
}

static inline void modrm_rr(struct xbuf *b, int reg, int rm)
{
	x_byte(b, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* [base + disp]: RSP/R12 as base need a SIB byte, RBP/R13 with mod 00
 * would mean RIP-relative/no base, so they always get a displacement. */
static inline void modrm_mem(struct xbuf *b, int reg, int base, int32_t disp)
{
	int mod = disp == 0 && (base & 7) != RBP ? 0 :
		  disp >= -128 && disp <= 127	 ? 1 :
						   2;

	x_byte(b,
	       mod << 6 | (reg & 7) << 3 | ((base & 7) == RSP ? 4 : base & 7));
	if ((base & 7) == RSP)
		x_byte(b, 0x24);
	if (mod == 1)
		x_byte(b, (uint8_t)disp);
	else if (mod == 2)
		x_u32(b, (uint32_t)disp);
}

/* [base + index + disp] (index must not be RSP) */
static inline void modrm_sib(struct xbuf *b, int reg, int base, int index,
			     int32_t disp)
{
	int mod = disp == 0 && (base & 7) != RBP ? 0 :
		  disp >= -128 && disp <= 127	 ? 1 :
						   2;

	x_byte(b, mod << 6 | (reg & 7) << 3 | 4);
	x_byte(b, (index & 7) << 3 | (base & 7));
	if (mod == 1)
		x_byte(b, (uint8_t)disp);
	else if (mod == 2)
		x_u32(b, (uint32_t)disp);
}

static inline bool fits8(int64_t v)
{
	return v >= -128 && v <= 127;
}

/* dst = src (64 or 32 bits) */
static inline void x_mov_rr(struct xbuf *b, int w, int dst, int src)
{
	rex(b, w, src, 0, dst, false);
	x_byte(b, 0x89);
	modrm_rr(b, src, dst);
}

/* dst op= src; dst op= imm (imm must fit in 32 bits signed) */
static inline void x_alu_rr(struct xbuf *b, enum xalu op, int w, int dst,
			    int src)
{
	rex(b, w, src, 0, dst, false);
	x_byte(b, (uint8_t)(op * 8 + 1));
	modrm_rr(b, src, dst);
}

static inline void x_alu_ri(struct xbuf *b, enum xalu op, int w, int dst,
			    int32_t imm)
{
	rex(b, w, 0, 0, dst, false);
	x_byte(b, fits8(imm) ? 0x83 : 0x81);
	modrm_rr(b, op, dst);
	if (fits8(imm))
		x_byte(b, (uint8_t)imm);
	else
		x_u32(b, (uint32_t)imm);
}

/* dst = imm, in the shortest form that gives the same 64-bit value */
static inline void x_mov_ri(struct xbuf *b, int dst, uint64_t imm)
{
	if (imm == 0) {
		x_alu_rr(b, ALU_XOR, 0, dst, dst);
	} else if (imm <= 0xffffffffull) {
		rex(b, 0, 0, 0, dst, false); /* mov r32, imm32 */
		x_byte(b, 0xb8 | (dst & 7));
		x_u32(b, (uint32_t)imm);
	} else if ((int64_t)imm == (int32_t)imm) {
		rex(b, 1, 0, 0, dst, false); /* mov r/m64, simm32 */
		x_byte(b, 0xc7);
		modrm_rr(b, 0, dst);
		x_u32(b, (uint32_t)imm);
	} else {
		rex(b, 1, 0, 0, dst, false); /* movabs */
		x_byte(b, 0xb8 | (dst & 7));
		x_u64(b, imm);
	}
}

/* dst op= [base + disp] */
static inline void x_alu_rm(struct xbuf *b, enum xalu op, int w, int dst,
			    int base, int32_t disp)
{
	rex(b, w, dst, 0, base, false);
	x_byte(b, (uint8_t)(op * 8 + 3));
	modrm_mem(b, dst, base, disp);
}

/* [base + disp] op= imm, 32 or 64 bits */
static inline void x_alu_mi(struct xbuf *b, enum xalu op, int w, int base,
			    int32_t disp, int32_t imm)
{
	rex(b, w, 0, 0, base, false);
	x_byte(b, fits8(imm) ? 0x83 : 0x81);
	modrm_mem(b, op, base, disp);
	if (fits8(imm))
		x_byte(b, (uint8_t)imm);
	else
		x_u32(b, (uint32_t)imm);
}

/* dst = base + disp; dst = base + index + disp */
static inline void x_lea(struct xbuf *b, int w, int dst, int base, int32_t disp)
{
	rex(b, w, dst, 0, base, false);
	x_byte(b, 0x8d);
	modrm_mem(b, dst, base, disp);
}

/* dst = address of this instruction's end + disp (RIP-relative) */
static inline void x_lea_rip(struct xbuf *b, int dst, int32_t disp)
{
	rex(b, 1, dst, 0, 0, false);
	x_byte(b, 0x8d);
	x_byte(b, (dst & 7) << 3 | 5);
	x_u32(b, (uint32_t)disp);
}

static inline void x_lea_idx(struct xbuf *b, int w, int dst, int base,
			     int index, int32_t disp)
{
	rex(b, w, dst, index, base, false);
	x_byte(b, 0x8d);
	modrm_sib(b, dst, base, index, disp);
}

/* A load of `size` bytes (1, 2, 4, 8) into a 64-bit register, sign- or
 * zero-extended. */
static inline void x_load(struct xbuf *b, unsigned size, bool sign, int dst,
			  int base, int32_t disp)
{
	switch (size) {
	case 1:
	case 2:
		rex(b, sign, dst, 0, base, false);
		x_byte(b, 0x0f);
		x_byte(b, (sign ? 0xbe : 0xb6) + (size == 2));
		break;
	case 4:
		rex(b, sign, dst, 0, base, false);
		x_byte(b, sign ? 0x63 : 0x8b); /* movsxd / mov r32 */
		break;
	default:
		rex(b, 1, dst, 0, base, false);
		x_byte(b, 0x8b);
		break;
	}
	modrm_mem(b, dst, base, disp);
}

/* [base + disp] = the low `size` bytes of src */
static inline void x_store(struct xbuf *b, unsigned size, int src, int base,
			   int32_t disp)
{
	if (size == 2)
		x_byte(b, 0x66);
	rex(b, size == 8, src, 0, base, size == 1 && src >= RSP);
	x_byte(b, size == 1 ? 0x88 : 0x89);
	modrm_mem(b, src, base, disp);
}

/* [base + index * 8 + disp] = src (64 bits) */
static inline void x_store_idx8(struct xbuf *b, int src, int base, int index,
				int32_t disp)
{
	int mod = disp == 0 && (base & 7) != RBP ? 0 :
		  disp >= -128 && disp <= 127 ? 1 : 2;

	rex(b, 1, src, index, base, false);
	x_byte(b, 0x89);
	x_byte(b, (uint8_t)(mod << 6 | (src & 7) << 3 | 4));
	x_byte(b, (uint8_t)(3 << 6 | (index & 7) << 3 | (base & 7)));
	if (mod == 1)
		x_byte(b, (uint8_t)disp);
	else if (mod == 2)
		x_u32(b, (uint32_t)disp);
}

/* [base + disp] = imm (1 or 4 bytes, or 8 bytes sign-extended) */
static inline void x_store_imm(struct xbuf *b, unsigned size, int base,
			       int32_t disp, int32_t imm)
{
	rex(b, size == 8, 0, 0, base, false);
	x_byte(b, size == 1 ? 0xc6 : 0xc7);
	modrm_mem(b, 0, base, disp);
	if (size == 1)
		x_byte(b, (uint8_t)imm);
	else
		x_u32(b, (uint32_t)imm);
}

/* Extend the low `size` bytes of src into dst (64 bits). */
static inline void x_extend(struct xbuf *b, unsigned size, bool sign, int dst,
			    int src)
{
	switch (size) {
	case 1:
	case 2:
		rex(b, sign, dst, 0, src, size == 1 && src >= RSP);
		x_byte(b, 0x0f);
		x_byte(b, (sign ? 0xbe : 0xb6) + (size == 2));
		modrm_rr(b, dst, src);
		break;
	case 4:
		if (sign) {
			rex(b, 1, dst, 0, src, false); /* movsxd */
			x_byte(b, 0x63);
			modrm_rr(b, dst, src);
		} else {
			x_mov_rr(b, 0, dst, src);
		}
		break;
	default:
		if (dst != src)
			x_mov_rr(b, 1, dst, src);
		break;
	}
}

static inline void x_shift_ri(struct xbuf *b, enum xshift op, int w, int dst,
			      unsigned n)
{
	rex(b, w, 0, 0, dst, false);
	x_byte(b, 0xc1);
	modrm_rr(b, op, dst);
	x_byte(b, (uint8_t)n);
}

static inline void x_shift_cl(struct xbuf *b, enum xshift op, int w, int dst)
{
	rex(b, w, 0, 0, dst, false);
	x_byte(b, 0xd3);
	modrm_rr(b, op, dst);
}

static inline void x_imul_rr(struct xbuf *b, int w, int dst, int src)
{
	rex(b, w, dst, 0, src, false);
	x_byte(b, 0x0f);
	x_byte(b, 0xaf);
	modrm_rr(b, dst, src);
}

static inline void x_unary(struct xbuf *b, enum xunary op, int w, int r)
{
	rex(b, w, 0, 0, r, false);
	x_byte(b, 0xf7);
	modrm_rr(b, op, r);
}

/* rdx:rax = sign extension of rax (cqo), edx:eax of eax (cdq) */
static inline void x_cqo(struct xbuf *b, int w)
{
	if (w)
		x_byte(b, 0x48);
	x_byte(b, 0x99);
}

static inline void x_test_rr(struct xbuf *b, int w, int a, int c)
{
	rex(b, w, c, 0, a, false);
	x_byte(b, 0x85);
	modrm_rr(b, c, a);
}

/* low byte of dst = cc ? 1 : 0 (dst must be RAX..RBX) */
static inline void x_setcc(struct xbuf *b, enum xcc cc, int dst)
{
	rex(b, 0, 0, 0, dst, dst >= RSP);
	x_byte(b, 0x0f);
	x_byte(b, 0x90 | cc);
	modrm_rr(b, 0, dst);
}

static inline void x_cmov(struct xbuf *b, enum xcc cc, int w, int dst, int src)
{
	rex(b, w, dst, 0, src, false);
	x_byte(b, 0x0f);
	x_byte(b, 0x40 | cc);
	modrm_rr(b, dst, src);
}

static inline void x_push(struct xbuf *b, int r)
{
	rex(b, 0, 0, 0, r, false);
	x_byte(b, 0x50 | (r & 7));
}

static inline void x_pop(struct xbuf *b, int r)
{
	rex(b, 0, 0, 0, r, false);
	x_byte(b, 0x58 | (r & 7));
}

static inline void x_ret(struct xbuf *b)
{
	x_byte(b, 0xc3);
}

static inline void x_call_r(struct xbuf *b, int r)
{
	rex(b, 0, 0, 0, r, false);
	x_byte(b, 0xff);
	modrm_rr(b, 2, r);
}

static inline void x_jmp_r(struct xbuf *b, int r)
{
	rex(b, 0, 0, 0, r, false);
	x_byte(b, 0xff);
	modrm_rr(b, 4, r);
}

/* Jumps with a 32-bit displacement. They return the address of the
 * displacement field, for x_patch (NULL if the buffer is full). */
static inline uint8_t *x_jmp(struct xbuf *b)
{
	x_byte(b, 0xe9);
	uint8_t *site = b->p;
	x_u32(b, 0);
	return b->full ? NULL : site;
}

static inline uint8_t *x_jcc(struct xbuf *b, enum xcc cc)
{
	x_byte(b, 0x0f);
	x_byte(b, 0x80 | cc);
	uint8_t *site = b->p;
	x_u32(b, 0);
	return b->full ? NULL : site;
}

/* Point the displacement at `site` to `target` (both in the same view). */
static inline void x_patch(uint8_t *site, const uint8_t *target)
{
	if (!site)
		return;
	int32_t rel = (int32_t)(target - (site + 4));
	memcpy(site, &rel, 4);
}

/* A call, jump or jcc straight to a known target (rel32). */
static inline void x_call(struct xbuf *b, const uint8_t *target)
{
	x_byte(b, 0xe8);
	uint8_t *site = b->p;
	x_u32(b, 0);
	x_patch(b->full ? NULL : site, target);
}

static inline void x_jmp_to(struct xbuf *b, const uint8_t *target)
{
	x_patch(x_jmp(b), target);
}

static inline void x_jcc_to(struct xbuf *b, enum xcc cc, const uint8_t *target)
{
	x_patch(x_jcc(b, cc), target);
}

#endif
