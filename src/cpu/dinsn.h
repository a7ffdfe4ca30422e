/* Decoded instructions: what the executor needs of an instruction, worked
 * out once (cached in translation blocks, tb.h).
 */
#ifndef GLASS_CPU_DINSN_H
#define GLASS_CPU_DINSN_H

#include <stdint.h>

/* The operations with a fast path; everything else (CSRs, system, A, F/D,
 * fences) is D_GENERIC and goes through the general executor. */
enum dop {
	D_GENERIC, D_ILLEGAL,
	D_NOP,        /* writes only x0: nothing to do (hints, `nop`) */
	D_LUI, D_AUIPC, D_JAL, D_JALR,
	D_BEQ, D_BNE, D_BLT, D_BGE, D_BLTU, D_BGEU,
	D_LB, D_LH, D_LW, D_LD, D_LBU, D_LHU, D_LWU,
	D_SB, D_SH, D_SW, D_SD,
	D_ADDI, D_SLTI, D_SLTIU, D_XORI, D_ORI, D_ANDI, D_SLLI, D_SRLI, D_SRAI,
	D_ADDIW, D_SLLIW, D_SRLIW, D_SRAIW,
	D_ADD, D_SUB, D_SLL, D_SLT, D_SLTU, D_XOR, D_SRL, D_SRA, D_OR, D_AND,
	D_ADDW, D_SUBW, D_SLLW, D_SRLW, D_SRAW,
	D_MUL, D_MULH, D_MULHSU, D_MULHU, D_DIV, D_DIVU, D_REM, D_REMU,
	D_MULW, D_DIVW, D_DIVUW, D_REMW, D_REMUW,
	D_NOPS
};

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
