/* F and D extensions: the computational instructions (OP-FP and the fused
 * multiply-adds). Loads and stores (FLW/FLD/FSW/FSD and their compressed
 * forms) are memory accesses and live with the other loads and stores. */
#ifndef GLASS_CPU_FPU_H
#define GLASS_CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct hart;

/* Execute one instruction with major opcode OP-FP (0x53), MADD (0x43),
 * MSUB (0x47), NMSUB (0x4b) or NMADD (0x4f). Returns false if it is an
 * illegal instruction in the hart's current state (mstatus.FS off, bad
 * rounding mode, unknown encoding); the caller then raises the trap and
 * nothing has changed. On success it updates f/x registers, accrues fflags
 * and marks mstatus.FS dirty; the caller advances pc. */
bool fpu_exec(struct hart *h, uint32_t insn);

#endif
