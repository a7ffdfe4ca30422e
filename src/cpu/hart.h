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

/* The bits of any_event the interpreter acts on (wfi, stop, irq_check;
 * little-endian host). */
#define HART_EVENTS 0x00ffffffu

/* Execute up to `budget` instructions. Returns how much minstret advanced
 * (instructions retired). */
uint64_t hart_run(struct hart *h, uint64_t budget);

/* Run translated code from now on (x86-64 hosts only), with a code cache
 * of at most cache_bytes. Returns false, and the hart keeps interpreting,
 * if the host cannot (not x86-64, no memfd, out of memory). */
bool hart_jit_enable(struct hart *h, size_t cache_bytes);

/* Release what the hart allocated besides itself (the JIT's cache). */
void hart_destroy(struct hart *h);

/* Drive an interrupt-pending bit from a device line (MSIP, MTIP, MEIP, SEIP).
 * Wakes the hart from WFI when the interrupt becomes pending. */
void hart_set_mip(struct hart *h, uint64_t bit, int level);

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

#endif
