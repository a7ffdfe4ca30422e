/* The code cache: one memfd mapped twice, once writable and once
 * executable, so no page is ever writable and executable at once (W^X)
 * and patching a jump needs no mprotect. At its start, the routines every
 * block shares (entry, exits, lookup), which a flush keeps; after them,
 * blocks, allocated upwards until the cache is full and then all dropped.
 */
#define _GNU_SOURCE
#include "cpu/jit/jit.h"
#ifdef GLASS_JIT
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cpu/jit/jit_internal.h"

#define MIN_CACHE (1u << 20)

/* A slow-path thunk, called from a block's stub (emit_mem.c) with RAX =
 * the virtual address, EDX = the access's facts, RCX = the dirty register
 * map, R9 = a store's value, and the live caller-saved pool registers
 * pushed just above the return address: keep R13 and R14 where the helper
 * reads them, call it, and return to the block with RAX = the loaded
 * value; or, when the helper says so, store the dirty guest registers
 * held in callee-saved registers and leave the block. */
static const uint8_t *emit_thunk(struct jit *j, struct xbuf *b,
				 uintptr_t helper)
{
	const uint8_t *start = jit_rx(j, b->p);

	/* entry RSP is 8 mod 16; the map pushed makes it 0 for the call */
	x_push(b, RCX);
	x_store(b, 8, R_PC, R_HART, OFF(jit_run.pc));
	x_store(b, 8, R_LEFT, R_HART, OFF(jit_run.left));
	x_lea(b, 1, R8, RSP, 16);              /* the pushed registers */
	x_mov_rr(b, 1, RSI, RAX);
	x_lea(b, 1, RDI, R_HART, -HB);
	x_mov_ri(b, RAX, helper);
	x_call_r(b, RAX);
	x_test_rr(b, 0, RDX, RDX);
	uint8_t *out = x_jcc(b, CC_NE);
	x_pop(b, RCX);
	x_ret(b);
	/* leave: the callee-saved pool registers still hold their guest
	 * registers; the map (perhaps edited by the helper) says which */
	x_patch(out, b->p);
	x_pop(b, RCX);
	for (unsigned i = 0; i < FRAME_FIRST_PUSHED; i++) {
		x_mov_rr(b, 0, RAX, RCX);
		x_alu_ri(b, ALU_AND, 0, RAX, 31);
		uint8_t *none = x_jcc(b, CC_E);
		x_store_idx8(b, ra_pool[i], R_HART, RAX, -HB);
		x_patch(none, b->p);
		x_shift_ri(b, SH_SHR, 1, RCX, 5);
	}
	x_load(b, 8, false, R_PC, R_HART, OFF(pc));
	x_load(b, 8, false, R_LEFT, R_HART, OFF(jit_run.left));
	x_load(b, 8, false, RSP, R_HART, OFF(jit_run.rsp));
	x_jmp_to(b, jit_rw(j, j->exit0));
	return start;
}

static void emit_fixed(struct jit *j)
{
	struct xbuf b = { j->rw, j->rw + j->size, false };
	static const int saved[] = { RBX, RBP, R12, R13, R14, R15 };

	/* enter(h = RDI, code = RSI, left = RDX): 6 pushes and 8 bytes keep
	 * RSP 16-byte aligned for the calls blocks make */
	j->enter = (jit_enter_fn)(uintptr_t)j->rx;
	for (unsigned i = 0; i < 6; i++)
		x_push(&b, saved[i]);
	x_alu_ri(&b, ALU_SUB, 1, RSP, 8);
	x_lea(&b, 1, R_HART, RDI, HB);
	x_store(&b, 8, RSP, R_HART, OFF(jit_run.rsp));
	x_mov_rr(&b, 1, R_LEFT, RDX);
	x_load(&b, 8, false, R_PC, R_HART, OFF(pc));
	x_jmp_r(&b, RSI);

	/* exit0: nothing to patch; epilogue: RAX = chain site */
	j->exit0 = jit_rx(j, b.p);
	x_alu_rr(&b, ALU_XOR, 0, RAX, RAX);
	j->epilogue = jit_rx(j, b.p);
	x_store(&b, 8, R_PC, R_HART, OFF(pc));
	x_mov_rr(&b, 1, RDX, R_LEFT);
	x_alu_ri(&b, ALU_ADD, 1, RSP, 8);
	for (int i = 5; i >= 0; i--)
		x_pop(&b, saved[i]);
	x_ret(&b);

	/* lookup: R13 = pc; jump to its block if translated, else leave */
	j->lookup = jit_rx(j, b.p);
	x_lea(&b, 1, RDI, R_HART, -HB);
	x_mov_rr(&b, 1, RSI, R_PC);
	x_mov_rr(&b, 1, RDX, R_LEFT);
	x_mov_ri(&b, RAX, (uintptr_t)jit_lookup);
	x_call_r(&b, RAX);
	x_test_rr(&b, 1, RAX, RAX);
	x_jcc_to(&b, CC_E, jit_rw(j, j->epilogue));
	x_jmp_r(&b, RAX);

	/* a fetch fault in lookup: the faulting fetch counts as run (the
	 * trap took instret back, as in the interpreter); pc is the
	 * handler's */
	j->fetch_fault = jit_rx(j, b.p);
	x_alu_ri(&b, ALU_SUB, 1, R_LEFT, 1);
	x_load(&b, 8, false, R_PC, R_HART, OFF(pc));
	x_jmp_to(&b, jit_rw(j, j->exit0));

	static const uintptr_t loads[4] = {
		(uintptr_t)jit_load1, (uintptr_t)jit_load2,
		(uintptr_t)jit_load4, (uintptr_t)jit_load8,
	};
	static const uintptr_t stores[4] = {
		(uintptr_t)jit_store1, (uintptr_t)jit_store2,
		(uintptr_t)jit_store4, (uintptr_t)jit_store8,
	};
	for (unsigned i = 0; i < 4; i++) {
		j->thunk_load[i] = emit_thunk(j, &b, loads[i]);
		j->thunk_store[i] = emit_thunk(j, &b, stores[i]);
	}

	j->fixed = (size_t)(b.p - j->rw + 63) & ~(size_t)63;
	j->used = j->fixed;
}

struct jit *jit_cache_new(size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	struct jit *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	if (size < MIN_CACHE)
		size = MIN_CACHE;
	size = (size + (size_t)page - 1) & ~((size_t)page - 1);
	j->size = size;
	j->rw = j->rx = MAP_FAILED;
	/* a file size limit would make ftruncate raise SIGXFSZ */
	struct rlimit fsize;
	if (getrlimit(RLIMIT_FSIZE, &fsize) == 0 &&
	    fsize.rlim_cur != RLIM_INFINITY && fsize.rlim_cur < size)
		goto fail;
	j->fd = memfd_create("glass-jit", MFD_CLOEXEC);
	if (j->fd < 0 || ftruncate(j->fd, (off_t)size) < 0)
		goto fail;
	j->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, j->fd, 0);
	j->rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, j->fd, 0);
	if (j->rw == MAP_FAILED || j->rx == MAP_FAILED)
		goto fail;
	emit_fixed(j);
	return j;
fail:
	jit_cache_free(j);
	return NULL;
}

void jit_cache_free(struct jit *j)
{
	if (!j)
		return;
	if (j->rw != MAP_FAILED)
		munmap(j->rw, j->size);
	if (j->rx != MAP_FAILED)
		munmap((void *)j->rx, j->size);
	if (j->fd >= 0)
		close(j->fd);
	free(j);
}

/* Both views of the next stretch of the cache get their pages in two
 * calls, instead of two page faults per 4 KiB as blocks fill them (they
 * cost more than translating). Without MADV_POPULATE_* (Linux < 5.14)
 * the faults simply happen. */
#define POPULATE_CHUNK (256u << 10)

void jit_cache_reserve(struct jit *j, size_t bytes)
{
	while (j->used + bytes > j->populated && j->populated < j->size) {
		size_t n = j->size - j->populated;
		if (n > POPULATE_CHUNK)
			n = POPULATE_CHUNK;
#ifdef MADV_POPULATE_WRITE
		madvise(j->rw + j->populated, n, MADV_POPULATE_WRITE);
		madvise((void *)(j->rx + j->populated), n, MADV_POPULATE_READ);
#endif
		j->populated += n;
	}
}

void jit_cache_flush(struct jit *j)
{
	memset(j->hash, 0, sizeof(j->hash));
	memset(j->jc, 0, sizeof(j->jc));
	j->used = j->fixed;
	j->flushes++;     /* chain sites handed out before are gone */
}

#endif /* GLASS_JIT */
