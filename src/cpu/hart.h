/* One RISC-V hart (RV64IMAFDC, Zicsr, Zifencei; M, S and U modes).
 *
 * Error contract with the run loop: hart_run() executes instructions until
 * its budget is spent, the hart goes to sleep (WFI with nothing pending), or
 * the machine asks it to stop (h->stop set by a device side effect, e.g. a
 * finisher write or a hypercall EXIT). Synchronous exceptions and interrupts
 * never leave the hart: they are taken as traps inside hart_run. A bus error
 * (an access the address space cannot decode) becomes an access-fault trap.
 *
 * All state is plain data so a machine snapshot can serialise it; the only
 * pointers are to the shared address space and to callbacks, which a
 * restore re-wires.
 */
#ifndef GLASS_CPU_HART_H
#define GLASS_CPU_HART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/debug.h"
#include "cpu/tb.h"
#include "cpu/tlb.h"

struct address_space;

enum priv { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* Things a hart asks of its surroundings (the machine provides them). */
struct hart_env {
	struct address_space *as;
	/* Current value of the `time` CSR (mtime, 10 MHz). */
	uint64_t (*read_time)(void *opaque);
	void *opaque;
};

struct hart_csr {
	uint64_t mstatus;
	uint64_t misa;
	uint64_t medeleg, mideleg;
	uint64_t mie;
	uint64_t mip;         /* software-writable bits (SSIP, STIP, SEIP) */
	uint64_t mip_lines;   /* bits driven by device lines (MSIP MTIP MEIP SEIP) */
	uint64_t mtvec, mscratch, mepc, mcause, mtval;
	uint64_t stvec, sscratch, sepc, scause, stval;
	uint64_t satp;
	uint32_t mcounteren, scounteren, mcountinhibit;
	uint64_t menvcfg, senvcfg;
	uint64_t mhartid;
	uint8_t pmpcfg[16];
	uint64_t pmpaddr[16];
	uint8_t fflags, frm;
	/* the trigger module (Sdtrig, cpu/debug.c) */
	uint64_t tselect;
	uint64_t tdata1[HART_TRIGGERS], tdata2[HART_TRIGGERS];
};

struct hart {
	uint64_t x[32];
	uint64_t f[32];       /* NaN-boxed: single precision lives in the low 32 bits */
	uint64_t pc;
	enum priv priv;
	struct hart_csr csr;
	uint64_t instret;     /* minstret; mcycle is the same count (1 IPC) */
	uint64_t cycle;
	uint64_t interrupts;  /* traps taken, for statistics */
	uint64_t exceptions;
	uint8_t count_instret; /* 1, or 0 while mcountinhibit.IR is set */
	uint8_t count_cycle;   /* 1, or 0 while mcountinhibit.CY is set */

	/* LR/SC reservation. The run loop interleaves harts in slices on one
	 * host thread, so clearing every reservation at a slice boundary is
	 * enough to make a store by another hart break it. */
	uint64_t resv_addr;
	bool resv_valid;

	/* Reasons to leave the instruction loop, tested together with one
	 * load per block. */
	union {
		struct {
			bool wfi;       /* sleeping until an interrupt is pending */
			bool stop;      /* set from outside: leave hart_run now */
			bool irq_check; /* mip, mie or enables changed */
			/* For debuggers: nonzero while breakpoints, watchpoints
			 * or triggers are armed. The hart then never runs
			 * translated code (the JIT), only the interpreter,
			 * which sees every instruction. Honoured at every
			 * block entry: it is part of any_event, which
			 * translated code tests on entering each block. Set it
			 * between hart_run calls or from a device side effect
			 * (a CSR write by the guest ends its block too). */
			uint8_t jit_inhibit;
		};
		uint32_t any_event;
	};
	uint64_t tlb_generation; /* address-space generation the TLB matches */
	/* Scratch of translated code (cpu/jit), meaningless between hart_run
	 * calls: the running block's pc and budget for a slow path, the
	 * stack pointer of translated code, and the budget at which instret
	 * was last exact. */
	struct {
		uint64_t pc, left, rsp, left0;
	} jit_run;

	/* What is armed (cpu/debug.c keeps these in step with the triggers
	 * and dbg_points, and sets jit_inhibit while any is), and why the
	 * hart last stopped for its debugger. */
	uint8_t dbg_exec;     /* an execute point or trigger */
	uint8_t dbg_mem;      /* a load or store point or trigger */
	uint8_t dbg_noirq;    /* take no interrupt (a debugger's step) */
	uint8_t dbg_pass;     /* the debugger's points do not match */
	struct dbg_hit dbg_hit;
	/* a debugger's breakpoints and watchpoints, or NULL; kept by reset */
	const struct dbg_points *dbg_points;

	struct tlb tlb;
	struct hart_env env;
	/* Translated code (cpu/jit/jit.h), derived state like tbc: NULL
	 * means interpret only. Set by hart_jit_enable. */
	struct jit *jit;
	struct tb_cache tbc;  /* decoded code; last: reset clears only its map */
};

/* Reset to the machine's reset state: M mode, pc = reset_pc, a0..a2 as given
 * (QEMU's virt convention: hart id, DTB address, fw_dynamic info). */
void hart_init(struct hart *h, uint64_t hartid, const struct hart_env *env);
void hart_reset(struct hart *h, uint64_t reset_pc);

/* Execute up to `budget` instructions. Returns how much minstret advanced
 * (instructions retired). */
uint64_t hart_run(struct hart *h, uint64_t budget);

/* Like hart_run, but returns how many instructions the hart executed
 * (retired or trapped): what the budget counts, and what deterministic
 * time (-icount) is made of. */
uint64_t hart_run_insns(struct hart *h, uint64_t budget);

/* Run translated code from now on (x86-64 hosts only), with a code cache
 * of at most cache_bytes. Returns false, and the hart keeps interpreting,
 * if the host cannot (not x86-64, no memfd, out of memory). */
bool hart_jit_enable(struct hart *h, size_t cache_bytes);

/* Release what the hart allocated besides itself (the JIT's cache). */
void hart_destroy(struct hart *h);

/* Drive an interrupt-pending bit from a device line (MSIP, MTIP, MEIP, SEIP).
 * Wakes the hart from WFI when the interrupt becomes pending. */
void hart_set_mip(struct hart *h, uint64_t bit, int level);

/* Ask the hart to leave hart_run() as soon as the current instruction
 * retires (a device side effect that needs the machine: exit, reset). */
static inline void hart_request_stop(struct hart *h)
{
	h->stop = true;
}

/* Whether hart_run() would execute anything (not asleep in WFI, not
 * stopped). */
static inline bool hart_runnable(const struct hart *h)
{
	return !h->wfi && !h->stop;
}

/* The end of a slice of the run loop: other harts run now, so drop the
 * LR/SC reservation (a store by them would have broken it). */
static inline void hart_end_slice(struct hart *h)
{
	h->resv_valid = false;
}

/* Whether an enabled interrupt is pending (WFI would wake). */
bool hart_interrupt_pending(const struct hart *h);

/* Translate va as a load in the hart's current mode, without side effects
 * (no A/D updates, no trap). For the monitor and debuggers. */
bool hart_translate_debug(struct hart *h, uint64_t va, uint64_t *pa,
			  uint64_t *pte);

/* Drop every cached translation (satp, sfence.vma, map changes). */
void hart_flush_tlb(struct hart *h);

/* Drop the translations that may cover va (sfence.vma with an address). */
void hart_flush_tlb_page(struct hart *h, uint64_t va);

/* Point the TLB at the current translation context (after a change of
 * privilege or of mstatus.SUM; see tlb.h). */
void hart_tlb_select(struct hart *h);

/* The address space made pa_page a code page: stop writing it through
 * cached host pointers (as->on_code; see address_space.h). */
void hart_protect_code_page(struct hart *h, uint64_t pa_page);

/* ---- The view tools take of a hart (cpu/inspect.c) -------------------
 * The monitor, the statistics, debuggers and snapshots look at a hart only
 * through these, never at its fields, so its layout can change (a JIT, a
 * hart per host thread) without them noticing. None of them runs guest
 * code or has a side effect a guest could see. */

struct hart_counters {
	uint64_t instret, cycle;     /* minstret, mcycle */
	uint64_t interrupts, exceptions;
	uint64_t tlb_hits, tlb_misses, tlb_walks;
};

void hart_get_counters(const struct hart *h, struct hart_counters *c);
/* Pending (mip, with the device lines) and enabled (mie) interrupts. */
void hart_get_irqs(const struct hart *h, uint64_t *mip, uint64_t *mie);

uint64_t hart_get_id(const struct hart *h);
uint64_t hart_get_pc(const struct hart *h);
void hart_set_pc(struct hart *h, uint64_t pc);
enum priv hart_get_priv(const struct hart *h);
/* Sleeping in WFI until an interrupt is pending. */
bool hart_is_sleeping(const struct hart *h);
/* x0..x31 (x0 reads 0 and ignores writes) and f0..f31 as 64-bit values
 * (a single-precision value is NaN-boxed). */
uint64_t hart_get_gpr(const struct hart *h, unsigned n);
void hart_set_gpr(struct hart *h, unsigned n, uint64_t v);
uint64_t hart_get_fpr(const struct hart *h, unsigned n);
void hart_set_fpr(struct hart *h, unsigned n, uint64_t v);
/* A CSR as a debugger sees it: read (or written) as M mode would, with
 * the FPU's CSRs reachable even while mstatus.FS is off; false if the
 * hart has no such CSR. Writes follow the CSR's WARL rules. */
bool hart_csr_peek(struct hart *h, unsigned csr, uint64_t *v);
bool hart_csr_poke(struct hart *h, unsigned csr, uint64_t v);

/* The TLB's cached translations, one call per valid entry. */
struct hart_tlb_view {
	const char *context;   /* "U", "S", "S+SUM", "M" */
	bool current;          /* the context the hart is in */
	const char *kind;      /* "code", "load", "store" */
	uint64_t va, pa_page, pte;
	bool io;               /* every access takes the slow path */
};
void hart_tlb_foreach(const struct hart *h,
		      void (*fn)(void *opaque, const struct hart_tlb_view *e),
		      void *opaque);

/* ---- A hart's saved state (cpu/state.c) ---------------------------
 * Everything architectural about a hart, as machine snapshots save and
 * restore it: registers, pc, privilege, every CSR (FP and the trigger
 * module's included), the LR/SC reservation, pending interrupts (software
 * bits and device lines), WFI, and the counters the statistics show. Not
 * the TLB or decoded code: those are derived, and dropped on both sides
 * (hart_drop_caches). A debugger's points are not the machine's and are
 * not saved. Every field is a uint64_t so the state is an array of
 * HART_STATE_WORDS little-endian words on disk, in this order; a change
 * of layout changes HART_STATE_VERSION. */
#define HART_STATE_VERSION 2    /* 2: the trigger module's CSRs */

struct hart_state {
	uint64_t x[32], f[32];
	uint64_t pc, priv;
	uint64_t mstatus, misa, medeleg, mideleg, mie;
	uint64_t mip;          /* software-writable bits (SSIP, STIP, SEIP) */
	uint64_t mip_lines;    /* device lines (MSIP, MTIP, MEIP, SEIP) */
	uint64_t mtvec, mscratch, mepc, mcause, mtval;
	uint64_t stvec, sscratch, sepc, scause, stval;
	uint64_t satp;
	uint64_t mcounteren, scounteren, mcountinhibit;
	uint64_t menvcfg, senvcfg, mhartid;
	uint64_t pmpcfg[16], pmpaddr[16];
	uint64_t fflags, frm;
	uint64_t instret, cycle;
	uint64_t resv_addr, resv_valid;
	uint64_t wfi;
	/* statistics, so counts continue across a restore */
	uint64_t interrupts, exceptions, tlb_hits, tlb_misses, tlb_walks;
	/* the trigger module (Sdtrig): a guest's armed triggers go on
	 * firing after a restore */
	uint64_t tselect, tdata1[HART_TRIGGERS], tdata2[HART_TRIGGERS];
};

#define HART_STATE_WORDS (sizeof(struct hart_state) / sizeof(uint64_t))

void hart_get_state(const struct hart *h, struct hart_state *s);
/* NULL if `s` is a state hart `h` could be in (same hart id and ISA,
 * every CSR a value its write rules allow), else why not, for an error
 * line. Looks at nothing but `s` and h's identity. */
const char *hart_check_state(const struct hart *h, const struct hart_state *s);
/* Put the hart into state `s` (checked with hart_check_state first). Its
 * TLB and decoded code are dropped. */
void hart_set_state(struct hart *h, const struct hart_state *s);
/* Drop what the hart derived from memory (TLB, decoded code): a snapshot
 * does so on the machine it saves too, so that the run that goes on and
 * a run restored from the file start from the same caches. */
void hart_drop_caches(struct hart *h);
/* Leave a stop request (hart_request_stop) behind: the run loop asked the
 * hart to stop for something it has now done (a checkpoint). */
static inline void hart_clear_stop(struct hart *h)
{
	h->stop = false;
}

#endif
