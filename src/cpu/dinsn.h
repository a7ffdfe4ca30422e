/* Decoded instructions: what the executor needs of an instruction, worked
 * out once (cached in translation blocks, tb.h).
 */
#ifndef GLASS_CPU_DINSN_H
#define GLASS_CPU_DINSN_H

#include <stdint.h>

/* The operations with a fast path; everything else (CSRs, system, A, F/D,
 * FENCE.I) is D_GENERIC and goes through the general executor.
 *
 * Every operation, once: the enum below and the executor's label table
 * (exec.c) are both made from this list. The order matters to decode.c
 * (D_SB + funct3, the ranges of pure operations) and dop_ends_block().
 * D_NOP writes only x0: nothing to do (hints, `nop`, FENCE). */
#define DOP_LIST(X)                                                      \
	X(GENERIC) X(ILLEGAL) X(NOP) X(LUI) X(AUIPC) X(JAL) X(JALR)      \
	X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU)                      \
	X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU)                     \
	X(SB) X(SH) X(SW) X(SD)                                          \
	X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) X(SLLI) X(SRLI)  \
	X(SRAI) X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW)                      \
	X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR)   \
	X(AND) X(ADDW) X(SUBW) X(SLLW) X(SRLW) X(SRAW)                   \
	X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU)  \
	X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW)

#define DOP_ENUM(name) D_##name,
enum dop { DOP_LIST(DOP_ENUM) D_NOPS };
#undef DOP_ENUM

struct dinsn {
	uint32_t raw;     /* the fetched bits (low 16 only for compressed) */
	uint32_t i;       /* the 32-bit form */
	int64_t imm;
	uint8_t op;       /* enum dop */
	uint8_t len;      /* 2 or 4 */
	uint8_t rd, rs1, rs2;
	uint8_t pc_off;   /* bytes from the start of its block */
};

/* Whether a block ends after this operation: jumps, and the operations
 * without a fast path (which may change any state, and run in blocks of
 * their own). A conditional branch does not end its block: the block goes
 * on with the fall-through path and a taken branch leaves it. */
static inline int dop_ends_block(unsigned op)
{
	return op <= D_ILLEGAL || op == D_JAL || op == D_JALR;
}

/* Decode the instruction whose first parcels are `raw`. */
void dinsn_decode(struct dinsn *d, uint32_t raw);

#endif
