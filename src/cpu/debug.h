/* Stopping a hart where it matters: a debugger's breakpoints and
 * watchpoints, and the RISC-V trigger module (Sdtrig) as M-mode software
 * programs it through tselect/tdata1-3/tinfo. Both share one matcher
 * (cpu/debug.c).
 *
 * Cost: nothing on the fast path while nothing is armed. An armed hart
 * sets `jit_inhibit` (hart.h), which sends the interpreter through its
 * event branch once per block, where execute points cut the block short
 * before the instruction they name; pages that hold a load/store point are
 * cached I/O-tagged in the TLB, so their accesses take the slow path,
 * which checks them before the access happens.
 *
 * What a hit does:
 *   - a trigger (guest-visible): a breakpoint exception (cause 3) before
 *     the instruction retires, xepc = its pc, xtval = the matched address;
 *   - a debugger point (invisible to the guest): the hart leaves hart_run
 *     with the instruction not executed, pc on it and every counter as if
 *     it had not been reached, and hart_debug_take_hit() says why.
 */
#ifndef GLASS_CPU_DEBUG_H
#define GLASS_CPU_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "glass/bus.h"

struct hart;

/* What a point watches; a watchpoint may watch loads and stores. */
enum dbg_kind { DBG_EXEC = 1, DBG_LOAD = 2, DBG_STORE = 4 };

/* A debugger's point: an instruction address (DBG_EXEC: the instruction
 * that starts at addr) or the bytes [addr, addr + len - 1] (loads and
 * stores touching any of them). `phys` points match physical addresses,
 * the others virtual addresses in the hart's current translation. */
struct dbg_point {
	uint64_t addr;
	uint64_t last;        /* addr + len - 1; never wraps */
	uint8_t kind;         /* enum dbg_kind bits */
	bool phys;
};

#define DBG_MAX_POINTS 64

/* A debugger's points, shared by every hart it debugs (hart_debug_attach).
 * The debugger owns it; after changing it, it calls hart_debug_update()
 * on each hart. */
struct dbg_points {
	struct dbg_point p[DBG_MAX_POINTS];
	unsigned n;
};

/* Why a hart stopped for its debugger. */
struct dbg_hit {
	uint8_t kind;         /* DBG_EXEC, DBG_LOAD or DBG_STORE; 0: none */
	unsigned point;       /* index in the points */
	uint64_t addr;        /* the first watched address the access touched
			       * (DBG_EXEC: the instruction's address) */
	/* the access that would have happened (loads and stores) */
	uint64_t va, pa, value;  /* value: a store's */
	uint8_t size;
	bool pa_known;        /* false: a virtual point, checked before the
			       * translation (hart_debug_translate finds pa) */
	struct glass_attrs who;  /* as the access would have carried */
};

/* Give the hart a debugger's points (NULL: none) and re-arm it. */
void hart_debug_attach(struct hart *h, const struct dbg_points *pts);

/* The points or the hart's triggers changed: recompute what is armed,
 * set or clear jit_inhibit, and drop cached translations so watched pages
 * are looked at again. Called between hart_run() calls. */
void hart_debug_update(struct hart *h);

/* While set, the debugger's points do not match (triggers still do): to
 * run the instruction a watchpoint stopped, with the point still set. */
void hart_debug_pass(struct hart *h, bool on);

/* While set, hart_run() takes no interrupt (a debugger's single step, as
 * QEMU's default): pending ones wait until it is cleared. */
void hart_debug_mask_irqs(struct hart *h, bool on);

/* The hart stopped for its debugger: copy why into *hit, forget it and
 * let the hart run again. False if it did not. */
bool hart_debug_take_hit(struct hart *h, struct dbg_hit *hit);

/* Set the privilege level (a debugger writing QEMU's `priv` register):
 * 0, 1 or 3; false for anything else. */
bool hart_debug_set_priv(struct hart *h, unsigned priv);

/* Translate va as the hart's loads and stores would now, without side
 * effects and without checking the page's permissions (a debugger may
 * look at kernel memory while the hart runs user code). */
bool hart_debug_translate(struct hart *h, uint64_t va, uint64_t *pa);

/* Number of triggers (tselect values). */
#define HART_TRIGGERS 2

#endif
