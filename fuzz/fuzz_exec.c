/* libFuzzer target: the instruction executor.
 *
 * One hart, 64 KiB of RAM at 0x80000000, a 4 KiB ROM at 0x1000 and a small
 * fake device at 0x10000000 (its access widths come from the input, so the
 * bus adaptation runs under the CPU too). The input sets the privilege
 * mode, mstatus bits, delegation, interrupt enables and lines, the trap
 * vectors and satp; page-table entries come from compact descriptors and
 * everything else from the raw bytes, which fill RAM starting at the code
 * page. Then hart_run for a bounded budget. Whatever the bytes are, the
 * hart must never crash, hang or hit undefined behaviour, and must stay in
 * an architecturally possible state.
 *
 * Input layout:
 *   0  priv (bits 0-1: U S M M), satp mode (bits 2-3: bare sv39 sv48 bare),
 *      bit 4 identity superpage, bits 5-7 pc kind
 *   1  mstatus: MPRV SUM MXR TVM TW TSR FS(2)
 *   2  mstatus: SIE MIE SPIE MPIE SPP MPP(2) ; bit 7: menvcfg.PBMTE
 *   3  root table page (low 4 bits), code page (high 4 bits)
 *   4  medeleg (low 8 bits; bits 8-15 from byte 5)
 *   5  medeleg high
 *   6  mideleg (bits 0-2: SSIP STIP SEIP), mie (bits 3-7 and byte 7 bit 0)
 *   7  mie (bit 0), lines MSIP MTIP MEIP SEIP (bits 1-4), mip SSIP/STIP
 *      (bits 5-6), mcountinhibit (bit 7)
 *   8  mtvec: page (bits 0-3), vectored (bit 4); stvec page (bits 5-7)
 *   9  pc offset in the code page (x 2)
 *  10  number of PTE descriptors (5 bytes each, follow the header)
 *  11  fake device: impl widths from min (bits 0-1) to max (bits 2-3),
 *      valid = impl (bit 6; else bit 5: valid 0, any width aligned;
 *      else any width at any alignment), GLASS_UNALIGNED in impl (bit 7);
 *      counteren bits (4-7)
 *  12  trace selector (fuzz_common.h)
 *  13  lines to set between the two halves of the run (like byte 7)
 *  14  budget split; 15 reserved
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/cpu_internal.h"
#include "fuzz_common.h"
#include "mem/address_space.h"

#define RAM_BASE 0x80000000ull
#define RAM_PAGES 16
#define RAM_SIZE (RAM_PAGES * PAGE_SIZE)
#define ROM_BASE 0x1000ull
#define ROM_SIZE 0x1000ull
#define DEV_BASE 0x10000000ull
#define DEV_SIZE 0x100ull
#define HOLE 0x40000000ull
#define BUDGET 2000

#define CSR_MSTATUS 0x300
#define CSR_MEDELEG 0x302
#define CSR_MIDELEG 0x303
#define CSR_MIE 0x304
#define CSR_MTVEC 0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MENVCFG 0x30a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_MIP 0x344
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SATP 0x180


static uint64_t fake_time;

static uint64_t read_time(void *opaque)
{
	(void)opaque;
	return fake_time += 7;
}

/* Interesting register values: addresses in and around every region, and
 * the usual integer edge cases. */
static const uint64_t xvals[] = {
	0, RAM_BASE, RAM_BASE + RAM_SIZE - 8, RAM_BASE + 0x1ffe, DEV_BASE,
	ROM_BASE, HOLE, 0x1000, 0x2000, 0xfff, 0x7fffffffffffffffull,
	0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull,
	0x3fffffffffull, 0x4000000000ull, 0xffffffc000000000ull,
	0x00007ffffffff000ull, 0xffff800000000000ull, 1, 2, 31, 63, 64,
	0x80000000ull, 0xffffffffull, RAM_BASE + 0x800, 0x400000000ull,
	RAM_BASE + RAM_SIZE - 2, RAM_BASE + 0xffc, 0x100000,
};

/* Floating-point edge cases, NaN-boxed singles and doubles. */
static const uint64_t fvals[] = {
	0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
	0x7ff8000000000000ull, 0x7ff0000000000001ull, 0x0000000000000001ull,
	0x43e0000000000000ull /* 2^63 */, 0xc3e0000000000000ull /* -2^63 */,
	0x43f0000000000000ull /* 2^64 */, 0x41e0000000000000ull /* 2^31 */,
	0xc1e0000000200000ull, 0x41f0000000000000ull /* 2^32 */,
	0x7fefffffffffffffull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
	0xffffffff7f800000ull /* +inf single */, 0xffffffff7fc00000ull,
	0xffffffff5f000000ull /* 2^63 single */, 0xffffffffdf000000ull,
	0xffffffff4f000000ull /* 2^31 single */, 0xffffffff00000001ull,
	0xffffffff7f7fffffull, 0x000000007f800000ull /* badly boxed */,
	0xffffffff80000000ull, 0xffffffff3f800000ull, 0xffffffffcf000000ull,
	0x4330000000000000ull, 0xffffffff5f800000ull, 0x47efffffe0000000ull,
	0x3810000000000000ull, 0xffffffff00800000ull,
};

static uint64_t make_pte(uint64_t ppn, uint64_t flags)
{
	return ppn << PTE_PPN_SHIFT | flags;
}

/* A descriptor: table page, slot, what the entry points at, its flags. */
static void apply_pte(uint8_t *ram, struct in *in)
{
	uint8_t d0 = in_u8(in), d1 = in_u8(in), d2 = in_u8(in), d3 = in_u8(in),
		d4 = in_u8(in);
	unsigned table = d0 & 15, target = d0 >> 4;
	unsigned slot = d1 | (d2 & 1) << 8;
	uint64_t ppn;

	switch ((d2 >> 1) & 7) {
	case 0: /* a RAM page (a next-level table or a leaf) */
		ppn = (RAM_BASE >> PAGE_SHIFT) + target;
		break;
	case 1: /* RAM base: aligned for 2M and 1G superpages */
		ppn = RAM_BASE >> PAGE_SHIFT;
		break;
	case 2: /* the device page */
		ppn = DEV_BASE >> PAGE_SHIFT;
		break;
	case 3: /* the ROM */
		ppn = ROM_BASE >> PAGE_SHIFT;
		break;
	case 4: /* nothing there */
		ppn = (HOLE >> PAGE_SHIFT) + target;
		break;
	case 5: /* misaligned superpage */
		ppn = (RAM_BASE >> PAGE_SHIFT) + 1 + target;
		break;
	case 6: /* the top of the PPN field */
		ppn = (1ull << 44) - 1 - target;
		break;
	default: /* zero */
		ppn = target;
		break;
	}
	uint64_t pte = make_pte(ppn, d3);
	/* PBMT, N and reserved bits, rarely */
	if (d2 & 0x10)
		pte |= (uint64_t)(d4 & 3) << PTE_PBMT_SHIFT;
	if (d2 & 0x20)
		pte |= PTE_N;
	if (d2 & 0x40)
		pte |= (uint64_t)(d4 >> 2) << 54;
	memcpy(ram + table * PAGE_SIZE + slot * 8, &pte, 8);
}

static unsigned width_of(unsigned sel)
{
	return 1u << (sel & 3);
}

static void set_lines(struct hart *h, uint8_t b)
{
	hart_set_mip(h, MIP_MSIP, (b >> 1) & 1);
	hart_set_mip(h, MIP_MTIP, (b >> 2) & 1);
	hart_set_mip(h, MIP_MEIP, (b >> 3) & 1);
	hart_set_mip(h, MIP_SEIP, (b >> 4) & 1);
}

static struct hart hart;
static struct fake_dev dev;

static void check_state(const struct hart *h)
{
	uint64_t st = h->csr.mstatus;

	FUZZ_CHECK(h->x[0] == 0);
	FUZZ_CHECK(h->priv == PRIV_U || h->priv == PRIV_S || h->priv == PRIV_M);
	FUZZ_CHECK(!(h->pc & 1));
	FUZZ_CHECK(((st & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) != 2);
	FUZZ_CHECK(((st >> 32) & 3) == 2 && ((st >> 34) & 3) == 2);
	FUZZ_CHECK(!(h->csr.mepc & 1) && !(h->csr.sepc & 1));
	FUZZ_CHECK((h->csr.mtvec & 3) < 2 && (h->csr.stvec & 3) < 2);
	unsigned mode = h->csr.satp >> SATP_MODE_SHIFT;
	FUZZ_CHECK(mode == SATP_MODE_BARE || mode == SATP_MODE_SV39 ||
		   mode == SATP_MODE_SV48);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	uint8_t hdr[16];
	struct address_space as;

	for (int i = 0; i < 16; i++)
		hdr[i] = in_u8(&in);

	as_init(&as);
	struct region *ram = as_add_ram(&as, "ram", RAM_BASE, RAM_SIZE);
	struct region *rom = as_add_rom(&as, "rom", ROM_BASE, ROM_SIZE);
	memset(&dev, 0, sizeof(dev));
	dev.ops.read = fake_dev_read;
	dev.ops.write = fake_dev_write;
	dev.ops.impl = fuzz_widths(width_of(hdr[11]), width_of(hdr[11] >> 2));
	if (!dev.ops.impl)        /* max below min: just min */
		dev.ops.impl = width_of(hdr[11]);
	if (hdr[11] & 0x80)
		dev.ops.impl |= GLASS_UNALIGNED;
	/* strict: the guest may do only what the model implements; else
	 * anything (the bus adapts), or any width aligned (valid 0) */
	dev.ops.valid = hdr[11] & 0x40 ? dev.ops.impl :
			hdr[11] & 0x20 ? 0 : GLASS_WANY | GLASS_UNALIGNED;
	as_add_mmio(&as, "fake", DEV_BASE, DEV_SIZE, 1, &dev.ops, &dev);
	FUZZ_CHECK(ram && rom);

	/* PTE descriptors come first so their count bounds what they eat. */
	unsigned ndesc = hdr[10] % 32;
	const uint8_t *desc = in.p;
	size_t desc_len = in.n < ndesc * 5u ? in.n : ndesc * 5u;
	in.p += desc_len;
	in.n -= desc_len;

	/* The rest: RAM from the code page on, wrapping round. */
	unsigned code_page = hdr[3] >> 4;
	for (size_t i = 0; i < in.n && i < RAM_SIZE; i++)
		ram->host[(code_page * PAGE_SIZE + i) % RAM_SIZE] = in.p[i];
	/* The ROM holds a copy of the first code bytes (fetches from ROM). */
	memcpy(rom->host, ram->host + code_page * PAGE_SIZE, ROM_SIZE);

	unsigned root = hdr[3] & 15;
	if (hdr[0] & 0x10) {
		/* identity: one 1 GiB (Sv39) / 512 GiB (Sv48) leaf over RAM */
		uint64_t flags = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D |
				 ((hdr[0] & 3) == 0 ? PTE_U : 0);
		uint64_t pte = make_pte(RAM_BASE >> PAGE_SHIFT, flags);
		unsigned mode = (hdr[0] >> 2) & 3;
		unsigned slot = mode == 2 ? 0 : 2;
		if (mode == 2) /* Sv48: 0x80000000 is inside the first 512 GiB;
				* a 512 GiB leaf must be aligned, so use a
				* pointer to a level-2 table instead */
			pte = make_pte((RAM_BASE >> PAGE_SHIFT) + ((root + 1) & 15),
				       PTE_V);
		memcpy(ram->host + root * PAGE_SIZE + slot * 8, &pte, 8);
		if (mode == 2) {
			pte = make_pte(RAM_BASE >> PAGE_SHIFT, flags);
			memcpy(ram->host + ((root + 1) & 15) * PAGE_SIZE + 2 * 8,
			       &pte, 8);
		}
	}
	struct in din = { desc, desc_len };
	for (unsigned i = 0; i < ndesc && din.n; i++)
		apply_pte(ram->host, &din);

	struct hart *h = &hart;
	struct hart_env env = { &as, read_time, NULL };
	hart_init(h, 0, &env);
	as.sink = fuzz_trace_setup(hdr[12], &as, h, 1);

	for (int i = 1; i < 32; i++)
		h->x[i] = xvals[(i * 7 + hdr[14]) %
				(sizeof(xvals) / sizeof(xvals[0]))];
	for (int i = 0; i < 32; i++)
		h->f[i] = fvals[(i + hdr[15]) % (sizeof(fvals) / sizeof(fvals[0]))];

	/* CSRs through csr_write in M mode, so only values the hart could
	 * reach itself (WARL fields legalised) are set. */
	uint64_t st = 0;
	static const uint64_t st1[8] = {
		MSTATUS_MPRV, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_TVM,
		MSTATUS_TW, MSTATUS_TSR, 1ull << 13, 1ull << 14,
	};
	static const uint64_t st2[7] = {
		MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE,
		MSTATUS_SPP, 1ull << 11, 1ull << 12,
	};
	for (int i = 0; i < 8; i++)
		if (hdr[1] & (1u << i))
			st |= st1[i];
	for (int i = 0; i < 7; i++)
		if (hdr[2] & (1u << i))
			st |= st2[i];
	FUZZ_CHECK(csr_write(h, CSR_MSTATUS, st));
	FUZZ_CHECK(csr_write(h, CSR_MENVCFG, (hdr[2] & 0x80) ? MENVCFG_PBMTE : 0));
	FUZZ_CHECK(csr_write(h, CSR_MEDELEG, hdr[4] | (uint64_t)hdr[5] << 8));
	static const uint64_t ints[6] = { MIP_SSIP, MIP_MSIP, MIP_STIP,
					  MIP_MTIP, MIP_SEIP, MIP_MEIP };
	uint64_t mideleg = 0, mie = 0;
	if (hdr[6] & 1) mideleg |= MIP_SSIP;
	if (hdr[6] & 2) mideleg |= MIP_STIP;
	if (hdr[6] & 4) mideleg |= MIP_SEIP;
	unsigned mie_bits = (hdr[6] >> 3) | (hdr[7] & 1) << 5;
	for (int i = 0; i < 6; i++)
		if (mie_bits & (1u << i))
			mie |= ints[i];
	FUZZ_CHECK(csr_write(h, CSR_MIDELEG, mideleg));
	FUZZ_CHECK(csr_write(h, CSR_MIE, mie));
	FUZZ_CHECK(csr_write(h, CSR_MIP, ((hdr[7] >> 5) & 1 ? MIP_SSIP : 0) |
					 ((hdr[7] >> 6) & 1 ? MIP_STIP : 0)));
	FUZZ_CHECK(csr_write(h, CSR_MCOUNTINHIBIT, (hdr[7] & 0x80) ? 5 : 0));
	FUZZ_CHECK(csr_write(h, CSR_MCOUNTEREN, (hdr[11] >> 4) & 7));
	FUZZ_CHECK(csr_write(h, CSR_SCOUNTEREN, (hdr[11] >> 5) & 7));
	uint64_t mtvec = RAM_BASE + (hdr[8] & 15) * PAGE_SIZE + ((hdr[8] >> 4) & 1);
	uint64_t stvec = RAM_BASE + ((hdr[8] >> 5) & 7) * 2 * PAGE_SIZE +
			 ((hdr[8] >> 4) & 1);
	FUZZ_CHECK(csr_write(h, CSR_MTVEC, mtvec));
	FUZZ_CHECK(csr_write(h, CSR_STVEC, stvec));
	static const uint64_t modes[4] = { SATP_MODE_BARE, SATP_MODE_SV39,
					   SATP_MODE_SV48, SATP_MODE_BARE };
	uint64_t satp = modes[(hdr[0] >> 2) & 3] << SATP_MODE_SHIFT |
			((RAM_BASE >> PAGE_SHIFT) + root);
	FUZZ_CHECK(csr_write(h, CSR_SATP, satp));
	set_lines(h, hdr[7]);

	/* Where execution starts. */
	uint64_t off = code_page * PAGE_SIZE + hdr[9] * 2ull;
	switch (hdr[0] >> 5) {
	case 0: case 1: case 2:
		h->pc = RAM_BASE + off;                 /* identity */
		break;
	case 3:
		h->pc = off;                            /* low VA */
		break;
	case 4:
		h->pc = 0xffffffff80000000ull + off;    /* high VA */
		break;
	case 5:
		h->pc = ROM_BASE + hdr[9] * 2ull;       /* the ROM */
		break;
	case 6:
		h->pc = DEV_BASE + (hdr[9] & 0x7e);     /* a device */
		break;
	default:
		h->pc = (uint64_t)hdr[9] << 56 | RAM_BASE | off; /* odd VA */
		break;
	}
	static const enum priv privs[4] = { PRIV_U, PRIV_S, PRIV_M, PRIV_M };
	hart_set_priv(h, privs[hdr[0] & 3]);

	/* Two halves, with the interrupt lines changing in between (as
	 * devices would between run-loop slices). */
	uint64_t first = BUDGET * (hdr[14] & 15) / 16;
	hart_run(h, first);
	check_state(h);
	h->resv_valid = false;
	set_lines(h, hdr[13]);
	if (h->wfi && hart_interrupt_pending(h))
		h->wfi = false;
	hart_run(h, BUDGET - first);
	check_state(h);

	/* The debug translation must agree with itself and not fault. */
	uint64_t pa, pte;
	(void)hart_translate_debug(h, h->pc, &pa, &pte);

	fuzz_trace_finish(as.sink, hdr[12] & 2);
	as_destroy(&as);
	return 0;
}
