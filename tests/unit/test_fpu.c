/* F and D computational instructions (src/cpu/fpu.c): results and fflags
 * bit-exact against the unprivileged spec (20191213, chapters 11-12).
 *
 * Every case runs one instruction with rs1 = 1, rs2 = 2, rs3 = 3, rd = 4:
 * f1..f3 hold the operands (x1 holds the first one too, for the integer
 * sources), and the result is read from f4 or, for instructions that write
 * an integer register, from x4. Expected values are literal bit patterns. */
#include <string.h>

#include "harness.h"

#include "cpu/fpu.h"
#include "cpu/hart.h"
#include "cpu/riscv.h"

/* ---- encodings --------------------------------------------------------- */

enum { S = 0, D = 1 };
enum { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7 };

#define OPFP(f5, fmt, rs2, rm)                                              \
	((uint32_t)(f5) << 27 | (uint32_t)(fmt) << 25 | (uint32_t)(rs2) << 20 | \
	 1u << 15 | (uint32_t)(rm) << 12 | 4u << 7 | 0x53)
#define FUSED(opc, fmt, rm)                                                 \
	(3u << 27 | (uint32_t)(fmt) << 25 | 2u << 20 | 1u << 15 |           \
	 (uint32_t)(rm) << 12 | 4u << 7 | (opc))

#define FADD(fmt, rm)   OPFP(0x00, fmt, 2, rm)
#define FSUB(fmt, rm)   OPFP(0x01, fmt, 2, rm)
#define FMUL(fmt, rm)   OPFP(0x02, fmt, 2, rm)
#define FDIV(fmt, rm)   OPFP(0x03, fmt, 2, rm)
#define FSQRT(fmt, rm)  OPFP(0x0b, fmt, 0, rm)
#define FSGNJ(fmt)      OPFP(0x04, fmt, 2, 0)
#define FSGNJN(fmt)     OPFP(0x04, fmt, 2, 1)
#define FSGNJX(fmt)     OPFP(0x04, fmt, 2, 2)
#define FMIN(fmt)       OPFP(0x05, fmt, 2, 0)
#define FMAX(fmt)       OPFP(0x05, fmt, 2, 1)
#define FCVT_S_D(rm)    OPFP(0x08, S, 1, rm)
#define FCVT_D_S(rm)    OPFP(0x08, D, 0, rm)
#define FLE(fmt)        OPFP(0x14, fmt, 2, 0)
#define FLT(fmt)        OPFP(0x14, fmt, 2, 1)
#define FEQ(fmt)        OPFP(0x14, fmt, 2, 2)
#define FCVT_W(fmt, rm)  OPFP(0x18, fmt, 0, rm)   /* fcvt.w.fmt */
#define FCVT_WU(fmt, rm) OPFP(0x18, fmt, 1, rm)
#define FCVT_L(fmt, rm)  OPFP(0x18, fmt, 2, rm)
#define FCVT_LU(fmt, rm) OPFP(0x18, fmt, 3, rm)
#define FCVT_FW(fmt, rm)  OPFP(0x1a, fmt, 0, rm)  /* fcvt.fmt.w */
#define FCVT_FWU(fmt, rm) OPFP(0x1a, fmt, 1, rm)
#define FCVT_FL(fmt, rm)  OPFP(0x1a, fmt, 2, rm)
#define FCVT_FLU(fmt, rm) OPFP(0x1a, fmt, 3, rm)
#define FMV_X(fmt)      OPFP(0x1c, fmt, 0, 0)     /* fmv.x.w / fmv.x.d */
#define FCLASS(fmt)     OPFP(0x1c, fmt, 0, 1)
#define FMV_F(fmt)      OPFP(0x1e, fmt, 0, 0)     /* fmv.w.x / fmv.d.x */
#define FMADD(fmt, rm)  FUSED(0x43, fmt, rm)
#define FMSUB(fmt, rm)  FUSED(0x47, fmt, rm)
#define FNMSUB(fmt, rm) FUSED(0x4b, fmt, rm)
#define FNMADD(fmt, rm) FUSED(0x4f, fmt, rm)

/* ---- values ------------------------------------------------------------ */

#define B(x) (0xffffffff00000000ull | (uint32_t)(x)) /* NaN-boxed single */

#define NV FFLAG_NV
#define DZ FFLAG_DZ
#define OF FFLAG_OF
#define UF FFLAG_UF
#define NX FFLAG_NX

/* single */
#define S_P0     0x00000000u
#define S_N0     0x80000000u
#define S_ONE    0x3f800000u
#define S_MONE   0xbf800000u
#define S_TWO    0x40000000u
#define S_MTWO   0xc0000000u
#define S_THREE  0x40400000u
#define S_INF    0x7f800000u
#define S_NINF   0xff800000u
#define S_MAX    0x7f7fffffu
#define S_NMAX   0xff7fffffu
#define S_MINN   0x00800000u  /* smallest normal, 2^-126 */
#define S_MINS   0x00000001u  /* smallest subnormal, 2^-149 */
#define S_HALF   0x3f000000u
#define S_QNAN   0x7fc00000u  /* canonical */
#define S_SNAN   0x7f800001u
#define S_ULP2   0x33800000u  /* 2^-24: half an ulp of 1.0 */

/* double */
#define D_P0     0x0000000000000000ull
#define D_N0     0x8000000000000000ull
#define D_ONE    0x3ff0000000000000ull
#define D_MONE   0xbff0000000000000ull
#define D_TWO    0x4000000000000000ull
#define D_THREE  0x4008000000000000ull
#define D_HALF   0x3fe0000000000000ull
#define D_INF    0x7ff0000000000000ull
#define D_NINF   0xfff0000000000000ull
#define D_MAX    0x7fefffffffffffffull
#define D_NMAX   0xffefffffffffffffull
#define D_MINN   0x0010000000000000ull
#define D_MINS   0x0000000000000001ull
#define D_QNAN   0x7ff8000000000000ull  /* canonical */
#define D_SNAN   0x7ff0000000000001ull
#define D_ULP2   0x3ca0000000000000ull  /* 2^-53: half an ulp of 1.0 */

/* ---- runner ------------------------------------------------------------ */

struct tc {
	uint32_t insn;
	uint64_t a, b, c;       /* f1, f2, f3; x1 = a */
	uint64_t want;          /* f4, or x4 for integer results */
	unsigned flags;         /* fflags afterwards (they start clear) */
};

static void hart_setup(struct hart *h)
{
	memset(h, 0, sizeof(*h));
	h->csr.mstatus = FS_INITIAL << MSTATUS_FS_SHIFT;
}

static int writes_x(uint32_t insn)
{
	unsigned f5 = insn >> 27;

	return (insn & 0x7f) == 0x53 && (f5 == 0x14 || f5 == 0x18 || f5 == 0x1c);
}

static void run_cases(const struct tc *t, size_t n, const char *file,
		      int line)
{
	for (size_t i = 0; i < n; i++) {
		struct hart h;
		uint64_t got;
		bool ok;

		hart_setup(&h);
		h.f[1] = t[i].a;
		h.f[2] = t[i].b;
		h.f[3] = t[i].c;
		h.x[1] = t[i].a;
		ok = fpu_exec(&h, t[i].insn);
		got = writes_x(t[i].insn) ? h.x[4] : h.f[4];
		if (!ok || got != t[i].want || h.csr.fflags != t[i].flags) {
			char msg[256];

			snprintf(msg, sizeof(msg),
				 "case %zu insn %08x: %s got %016llx fl %02x,"
				 " want %016llx fl %02x",
				 i, t[i].insn, ok ? "ok" : "ILLEGAL",
				 (unsigned long long)got, h.csr.fflags,
				 (unsigned long long)t[i].want, t[i].flags);
			test_fail(file, line, msg);
		}
	}
}

#define RUN(cases) \
	run_cases(cases, sizeof(cases) / sizeof(cases[0]), __FILE__, __LINE__)

/* ---- arithmetic -------------------------------------------------------- */

TEST(fpu_arith_single)
{
	static const struct tc t[] = {
		{ FADD(S, RNE), B(S_ONE), B(S_TWO), 0, B(S_THREE), 0 },
		{ FSUB(S, RNE), B(S_ONE), B(S_TWO), 0, B(S_MONE), 0 },
		{ FMUL(S, RNE), B(0x3fc00000), B(S_TWO), 0, B(S_THREE), 0 },
		{ FDIV(S, RNE), B(S_ONE), B(S_THREE), 0, B(0x3eaaaaab), NX },
		{ FSQRT(S, RNE), B(0x40800000), 0, 0, B(S_TWO), 0 },
		{ FSQRT(S, RNE), B(S_TWO), 0, 0, B(0x3fb504f3), NX },
		{ FSQRT(S, RNE), B(S_INF), 0, 0, B(S_INF), 0 },
		{ FSQRT(S, RNE), B(S_N0), 0, 0, B(S_N0), 0 },
		/* x + (-x) is +0, except -0 when rounding down */
		{ FSUB(S, RNE), B(S_ONE), B(S_ONE), 0, B(S_P0), 0 },
		{ FSUB(S, RDN), B(S_ONE), B(S_ONE), 0, B(S_N0), 0 },
		{ FADD(S, RNE), B(S_N0), B(S_N0), 0, B(S_N0), 0 },
		/* subnormal arithmetic is exact here: no flags */
		{ FADD(S, RNE), B(S_MINS), B(S_MINS), 0, B(0x00000002), 0 },
		{ FMUL(S, RNE), B(S_MINN), B(S_HALF), 0, B(0x00400000), 0 },
	};
	RUN(t);
}

TEST(fpu_arith_double)
{
	static const struct tc t[] = {
		{ FADD(D, RNE), D_ONE, D_TWO, 0, D_THREE, 0 },
		{ FSUB(D, RNE), D_ONE, D_TWO, 0, D_MONE, 0 },
		{ FMUL(D, RNE), D_THREE, D_HALF, 0, 0x3ff8000000000000, 0 },
		{ FDIV(D, RNE), D_ONE, D_THREE, 0, 0x3fd5555555555555, NX },
		{ FDIV(D, RNE), D_ONE, 0x4024000000000000, 0,
		  0x3fb999999999999a, NX },
		{ FSQRT(D, RNE), 0x4010000000000000, 0, 0, D_TWO, 0 },
		{ FSQRT(D, RNE), D_TWO, 0, 0, 0x3ff6a09e667f3bcd, NX },
		{ FSUB(D, RDN), D_TWO, D_TWO, 0, D_N0, 0 },
		{ FMUL(D, RNE), D_MINN, D_HALF, 0, 0x0008000000000000, 0 },
	};
	RUN(t);
}

/* 1 + 0.75 ulp, 1 + 0.5 ulp (a tie with an even neighbour below) and
 * 1 + 1.5 ulp (a tie with an odd neighbour below), in every mode. */
TEST(fpu_rounding_modes_add)
{
	static const struct tc t[] = {
		{ FADD(S, RNE), B(S_ONE), B(0x33c00000), 0, B(0x3f800001), NX },
		{ FADD(S, RTZ), B(S_ONE), B(0x33c00000), 0, B(0x3f800000), NX },
		{ FADD(S, RDN), B(S_ONE), B(0x33c00000), 0, B(0x3f800000), NX },
		{ FADD(S, RUP), B(S_ONE), B(0x33c00000), 0, B(0x3f800001), NX },
		{ FADD(S, RMM), B(S_ONE), B(0x33c00000), 0, B(0x3f800001), NX },
		{ FADD(S, RNE), B(S_MONE), B(0xb3c00000), 0, B(0xbf800001), NX },
		{ FADD(S, RTZ), B(S_MONE), B(0xb3c00000), 0, B(0xbf800000), NX },
		{ FADD(S, RDN), B(S_MONE), B(0xb3c00000), 0, B(0xbf800001), NX },
		{ FADD(S, RUP), B(S_MONE), B(0xb3c00000), 0, B(0xbf800000), NX },
		{ FADD(S, RMM), B(S_MONE), B(0xb3c00000), 0, B(0xbf800001), NX },
		/* ties */
		{ FADD(S, RNE), B(S_ONE), B(S_ULP2), 0, B(0x3f800000), NX },
		{ FADD(S, RMM), B(S_ONE), B(S_ULP2), 0, B(0x3f800001), NX },
		{ FADD(S, RTZ), B(S_ONE), B(S_ULP2), 0, B(0x3f800000), NX },
		{ FADD(S, RDN), B(S_ONE), B(S_ULP2), 0, B(0x3f800000), NX },
		{ FADD(S, RUP), B(S_ONE), B(S_ULP2), 0, B(0x3f800001), NX },
		{ FADD(S, RNE), B(0x3f800001), B(S_ULP2), 0, B(0x3f800002), NX },
		{ FADD(S, RMM), B(0x3f800001), B(S_ULP2), 0, B(0x3f800002), NX },
		{ FADD(S, RTZ), B(0x3f800001), B(S_ULP2), 0, B(0x3f800001), NX },
		{ FADD(S, RNE), B(S_MONE), B(0xb3800000), 0, B(0xbf800000), NX },
		{ FADD(S, RMM), B(S_MONE), B(0xb3800000), 0, B(0xbf800001), NX },
		{ FSUB(S, RMM), B(S_MONE), B(S_ULP2), 0, B(0xbf800001), NX },
		{ FADD(D, RNE), D_ONE, D_ULP2, 0, D_ONE, NX },
		{ FADD(D, RMM), D_ONE, D_ULP2, 0, 0x3ff0000000000001, NX },
		{ FADD(D, RTZ), D_ONE, D_ULP2, 0, D_ONE, NX },
		{ FADD(D, RDN), D_ONE, D_ULP2, 0, D_ONE, NX },
		{ FADD(D, RUP), D_ONE, D_ULP2, 0, 0x3ff0000000000001, NX },
		{ FADD(D, RMM), D_MONE, 0xbca0000000000000, 0,
		  0xbff0000000000001, NX },
		{ FADD(D, RDN), D_MONE, 0xbca0000000000000, 0,
		  0xbff0000000000001, NX },
		{ FADD(D, RUP), D_MONE, 0xbca0000000000000, 0, D_MONE, NX },
	};
	RUN(t);
}

TEST(fpu_rounding_modes_mul_div_sqrt)
{
	static const struct tc t[] = {
		/* (1 + 3 ulp) * 1.5 = 1.5 + 4.5 ulp: a tie above an even
		 * significand, so RNE and RMM differ */
		{ FMUL(S, RNE), B(0x3f800003), B(0x3fc00000), 0, B(0x3fc00004), NX },
		{ FMUL(S, RMM), B(0x3f800003), B(0x3fc00000), 0, B(0x3fc00005), NX },
		{ FMUL(S, RTZ), B(0x3f800003), B(0x3fc00000), 0, B(0x3fc00004), NX },
		{ FMUL(S, RUP), B(0x3f800003), B(0x3fc00000), 0, B(0x3fc00005), NX },
		{ FMUL(D, RNE), 0x3ff0000000000003, 0x3ff8000000000000, 0,
		  0x3ff8000000000004, NX },
		{ FMUL(D, RMM), 0x3ff0000000000003, 0x3ff8000000000000, 0,
		  0x3ff8000000000005, NX },
		{ FMUL(D, RMM), 0xbff0000000000003, 0x3ff8000000000000, 0,
		  0xbff8000000000005, NX },
		{ FDIV(S, RNE), B(S_ONE), B(S_THREE), 0, B(0x3eaaaaab), NX },
		{ FDIV(S, RTZ), B(S_ONE), B(S_THREE), 0, B(0x3eaaaaaa), NX },
		{ FDIV(S, RDN), B(S_ONE), B(S_THREE), 0, B(0x3eaaaaaa), NX },
		{ FDIV(S, RUP), B(S_ONE), B(S_THREE), 0, B(0x3eaaaaab), NX },
		{ FDIV(S, RMM), B(S_ONE), B(S_THREE), 0, B(0x3eaaaaab), NX },
		{ FDIV(S, RDN), B(S_MONE), B(S_THREE), 0, B(0xbeaaaaab), NX },
		{ FDIV(S, RUP), B(S_MONE), B(S_THREE), 0, B(0xbeaaaaaa), NX },
		{ FSQRT(S, RTZ), B(S_TWO), 0, 0, B(0x3fb504f3), NX },
		{ FSQRT(S, RUP), B(S_TWO), 0, 0, B(0x3fb504f4), NX },
		{ FSQRT(S, RMM), B(S_TWO), 0, 0, B(0x3fb504f3), NX },
		{ FSQRT(D, RTZ), D_TWO, 0, 0, 0x3ff6a09e667f3bcc, NX },
		{ FSQRT(D, RDN), D_TWO, 0, 0, 0x3ff6a09e667f3bcc, NX },
		{ FSQRT(D, RUP), D_TWO, 0, 0, 0x3ff6a09e667f3bcd, NX },
		{ FSQRT(D, RMM), D_TWO, 0, 0, 0x3ff6a09e667f3bcd, NX },
		{ FSQRT(D, RMM), 0x4010000000000000, 0, 0, D_TWO, 0 },
	};
	RUN(t);
}

TEST(fpu_dynamic_rounding_mode)
{
	static const struct {
		uint8_t frm;
		uint64_t want;
	} t[] = {
		{ RNE, B(0x3f800000) }, { RTZ, B(0x3f800000) },
		{ RDN, B(0x3f800000) }, { RUP, B(0x3f800001) },
		{ RMM, B(0x3f800001) },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hart h;

		hart_setup(&h);
		h.csr.frm = t[i].frm;
		h.f[1] = B(S_ONE);
		h.f[2] = B(S_ULP2);
		CHECK(fpu_exec(&h, FADD(S, DYN)));
		CHECK_EQ(h.f[4], t[i].want);
		CHECK_EQ(h.csr.fflags, NX);
		CHECK_EQ(h.csr.frm, t[i].frm);
	}
}

/* ---- fused multiply-add ------------------------------------------------ */

TEST(fpu_fused)
{
	static const struct tc t[] = {
		{ FMADD(S, RNE), B(S_TWO), B(S_THREE), B(S_ONE), B(0x40e00000), 0 },
		{ FMSUB(S, RNE), B(S_TWO), B(S_THREE), B(S_ONE), B(0x40a00000), 0 },
		{ FNMSUB(S, RNE), B(S_TWO), B(S_THREE), B(S_ONE), B(0xc0a00000), 0 },
		{ FNMADD(S, RNE), B(S_TWO), B(S_THREE), B(S_ONE), B(0xc0e00000), 0 },
		{ FMADD(D, RNE), D_TWO, D_THREE, D_ONE, 0x401c000000000000, 0 },
		{ FMSUB(D, RNE), D_TWO, D_THREE, D_ONE, 0x4014000000000000, 0 },
		{ FNMSUB(D, RNE), D_TWO, D_THREE, D_ONE, 0xc014000000000000, 0 },
		{ FNMADD(D, RNE), D_TWO, D_THREE, D_ONE, 0xc01c000000000000, 0 },
		/* one rounding: the product's low bits survive */
		{ FMADD(S, RNE), B(0x3f800001), B(0x3f800001), B(0xbf800002),
		  B(0x28800000), 0 },
		{ FMSUB(D, RNE), 0x3ff0000002000000, 0x3ff0000002000000,
		  0x3ff0000004000000, 0x3c90000000000000, 0 },
		/* signs of exact zeros: -(+0 * 1) - (+0) is -0 */
		{ FNMADD(D, RNE), D_P0, D_ONE, D_P0, D_N0, 0 },
		{ FNMSUB(D, RNE), D_P0, D_ONE, D_P0, D_P0, 0 },
		{ FMADD(D, RNE), D_P0, D_ONE, D_N0, D_P0, 0 },
		{ FMADD(D, RDN), D_P0, D_ONE, D_N0, D_N0, 0 },
		{ FMADD(S, RDN), B(S_ONE), B(S_ONE), B(S_MONE), B(S_N0), 0 },
		/* rounding modes, ties */
		{ FMADD(S, RNE), B(S_ONE), B(S_ONE), B(S_ULP2), B(0x3f800000), NX },
		{ FMADD(S, RMM), B(S_ONE), B(S_ONE), B(S_ULP2), B(0x3f800001), NX },
		{ FMADD(S, RUP), B(S_ONE), B(S_ONE), B(S_ULP2), B(0x3f800001), NX },
		{ FMADD(S, RMM), B(0x3f800003), B(0x3fc00000), B(S_P0),
		  B(0x3fc00005), NX },
		{ FNMADD(S, RMM), B(S_ONE), B(S_ONE), B(S_ULP2), B(0xbf800001), NX },
		{ FMADD(D, RNE), D_ONE, D_ONE, D_ULP2, D_ONE, NX },
		{ FMADD(D, RMM), D_ONE, D_ONE, D_ULP2, 0x3ff0000000000001, NX },
		{ FMSUB(D, RMM), D_ONE, D_ONE, 0xbca0000000000000,
		  0x3ff0000000000001, NX },
		{ FMADD(D, RDN), D_ONE, D_ONE, D_ULP2, D_ONE, NX },
		{ FMADD(D, RMM), 0x3ff0000000000003, 0x3ff8000000000000, D_P0,
		  0x3ff8000000000005, NX },
		/* overflow */
		{ FMADD(S, RNE), B(S_MAX), B(S_TWO), B(S_P0), B(S_INF), OF | NX },
		{ FMADD(S, RTZ), B(S_MAX), B(S_TWO), B(S_P0), B(S_MAX), OF | NX },
		{ FMADD(D, RMM), D_MAX, D_TWO, D_P0, D_INF, OF | NX },
		/* NaNs: inf * 0 is invalid even with a quiet NaN addend */
		{ FMADD(S, RNE), B(S_INF), B(S_P0), B(S_QNAN), B(S_QNAN), NV },
		{ FMADD(S, RNE), B(S_N0), B(S_NINF), B(0x7fc12345), B(S_QNAN), NV },
		{ FMADD(D, RNE), D_INF, D_P0, D_QNAN, D_QNAN, NV },
		{ FMADD(D, RMM), D_INF, D_P0, D_ONE, D_QNAN, NV },
		{ FMADD(S, RNE), B(S_ONE), B(S_ONE), B(0x7fc12345), B(S_QNAN), 0 },
		{ FMADD(S, RNE), B(S_ONE), B(S_ONE), B(S_SNAN), B(S_QNAN), NV },
		{ FMADD(D, RNE), D_SNAN, D_ONE, D_ONE, D_QNAN, NV },
		{ FNMADD(D, RNE), D_ONE, 0xfff8000000000001, D_ONE, D_QNAN, 0 },
		{ FMADD(D, RNE), D_INF, D_ONE, D_NINF, D_QNAN, NV },
		/* an unboxed addend is a quiet NaN */
		{ FMADD(S, RNE), B(S_ONE), B(S_ONE), S_ONE, B(S_QNAN), 0 },
	};
	RUN(t);
}

/* ---- NaNs -------------------------------------------------------------- */

TEST(fpu_nan_boxing)
{
	static const struct tc t[] = {
		/* improperly boxed operands read as the canonical qNaN: */
		{ FADD(S, RNE), S_ONE, B(S_ONE), 0, B(S_QNAN), 0 },
		{ FADD(S, RNE), B(S_ONE), 0x7fffffff3f800000, 0, B(S_QNAN), 0 },
		/* ... even an sNaN pattern, so no NV */
		{ FADD(S, RNE), S_SNAN, B(S_ONE), 0, B(S_QNAN), 0 },
		{ FMUL(S, RNE), 0xffffff7f3f800000, B(S_TWO), 0, B(S_QNAN), 0 },
		{ FSQRT(S, RNE), 0x0000000040800000, 0, 0, B(S_QNAN), 0 },
		{ FEQ(S), S_ONE, B(S_ONE), 0, 0, 0 },
		{ FLT(S), S_ONE, B(S_ONE), 0, 0, NV },
		{ FCLASS(S), 0x00000000ff800000, 0, 0, 0x200, 0 },
		{ FMIN(S), S_ONE, B(S_TWO), 0, B(S_TWO), 0 },
		{ FSGNJ(S), S_ONE, B(S_MONE), 0, B(0xffc00000), 0 },
		{ FSGNJX(S), B(S_ONE), 0x00000000bf800000, 0, B(S_ONE), 0 },
		{ FCVT_D_S(RNE), S_ONE, 0, 0, D_QNAN, 0 },
		{ FCVT_W(S, RNE), S_ONE, 0, 0, 0x7fffffff, NV },
		/* single results are written boxed */
		{ FADD(S, RNE), B(S_ONE), B(S_ONE), 0, B(S_TWO), 0 },
		{ FCVT_S_D(RNE), D_ONE, 0, 0, B(S_ONE), 0 },
		{ FCVT_FW(S, RNE), 7, 0, 0, B(0x40e00000), 0 },
		{ FMV_F(S), 0x123456789abcdef0, 0, 0, B(0x9abcdef0), 0 },
		/* a double operand is all 64 bits (here a qNaN payload) */
		{ FSGNJ(D), 0xffffffff3f800000, D_ONE, 0, 0x7fffffff3f800000, 0 },
		/* moves out ignore the boxing: low 32 bits, sign-extended */
		{ FMV_X(S), 0x1234567880000001, 0, 0, 0xffffffff80000001, 0 },
		{ FMV_X(S), 0x000000007fc00000, 0, 0, 0x7fc00000, 0 },
	};
	RUN(t);
}

TEST(fpu_canonical_nan)
{
	static const struct tc t[] = {
		{ FADD(S, RNE), B(0x7fc12345), B(S_ONE), 0, B(S_QNAN), 0 },
		{ FADD(S, RNE), B(S_ONE), B(0xffc00001), 0, B(S_QNAN), 0 },
		{ FADD(S, RNE), B(S_SNAN), B(S_ONE), 0, B(S_QNAN), NV },
		{ FADD(S, RMM), B(S_QNAN), B(S_SNAN), 0, B(S_QNAN), NV },
		{ FADD(S, RNE), B(S_INF), B(S_NINF), 0, B(S_QNAN), NV },
		{ FSUB(S, RNE), B(S_INF), B(S_INF), 0, B(S_QNAN), NV },
		{ FMUL(S, RNE), B(S_P0), B(S_INF), 0, B(S_QNAN), NV },
		{ FDIV(S, RNE), B(S_P0), B(S_N0), 0, B(S_QNAN), NV },
		{ FDIV(S, RNE), B(S_INF), B(S_NINF), 0, B(S_QNAN), NV },
		{ FSQRT(S, RNE), B(S_MONE), 0, 0, B(S_QNAN), NV },
		{ FSQRT(S, RNE), B(S_NINF), 0, 0, B(S_QNAN), NV },
		{ FSQRT(S, RMM), B(S_MONE), 0, 0, B(S_QNAN), NV },
		{ FSQRT(S, RNE), B(0xffc00000), 0, 0, B(S_QNAN), 0 },
		{ FADD(D, RNE), 0xfff8000000000123, D_ONE, 0, D_QNAN, 0 },
		{ FADD(D, RNE), D_SNAN, D_ONE, 0, D_QNAN, NV },
		{ FMUL(D, RNE), D_P0, D_INF, 0, D_QNAN, NV },
		{ FMUL(D, RMM), D_P0, D_INF, 0, D_QNAN, NV },
		{ FDIV(D, RNE), D_P0, D_P0, 0, D_QNAN, NV },
		{ FSQRT(D, RNE), D_MONE, 0, 0, D_QNAN, NV },
		{ FSQRT(D, RNE), 0x7ff4000000000000, 0, 0, D_QNAN, NV },
		/* conversions between formats */
		{ FCVT_S_D(RNE), 0x7ff8000012345678, 0, 0, B(S_QNAN), 0 },
		{ FCVT_S_D(RNE), D_SNAN, 0, 0, B(S_QNAN), NV },
		{ FCVT_S_D(RMM), 0xfff0000000000001, 0, 0, B(S_QNAN), NV },
		{ FCVT_D_S(RNE), B(0x7fc12345), 0, 0, D_QNAN, 0 },
		{ FCVT_D_S(RNE), B(S_SNAN), 0, 0, D_QNAN, NV },
	};
	RUN(t);
}

/* ---- sign injection, min/max, comparisons, classification -------------- */

TEST(fpu_sign_injection)
{
	static const struct tc t[] = {
		{ FSGNJ(S), B(S_ONE), B(S_MTWO), 0, B(S_MONE), 0 },
		{ FSGNJN(S), B(S_ONE), B(S_MTWO), 0, B(S_ONE), 0 },
		{ FSGNJX(S), B(S_MONE), B(S_MTWO), 0, B(S_ONE), 0 },
		{ FSGNJX(S), B(S_MONE), B(S_TWO), 0, B(S_MONE), 0 },
		{ FSGNJ(S), B(S_MONE), B(S_TWO), 0, B(S_ONE), 0 },
		/* NaN payloads pass through and nothing signals */
		{ FSGNJ(S), B(0x7fc12345), B(S_MONE), 0, B(0xffc12345), 0 },
		{ FSGNJN(S), B(S_SNAN), B(S_ONE), 0, B(0xff800001), 0 },
		{ FSGNJ(D), D_ONE, 0x8000000000000000, 0, D_MONE, 0 },
		{ FSGNJN(D), D_SNAN, D_ONE, 0, 0xfff0000000000001, 0 },
		{ FSGNJX(D), D_MONE, D_MONE, 0, D_ONE, 0 },
		{ FSGNJX(D), D_N0, D_ONE, 0, D_N0, 0 },
	};
	RUN(t);
}

TEST(fpu_min_max)
{
	static const struct tc t[] = {
		{ FMIN(S), B(S_ONE), B(S_TWO), 0, B(S_ONE), 0 },
		{ FMAX(S), B(S_ONE), B(S_TWO), 0, B(S_TWO), 0 },
		{ FMIN(S), B(S_MONE), B(S_MTWO), 0, B(S_MTWO), 0 },
		{ FMAX(S), B(S_MONE), B(S_MTWO), 0, B(S_MONE), 0 },
		/* -0 < +0 */
		{ FMIN(S), B(S_N0), B(S_P0), 0, B(S_N0), 0 },
		{ FMIN(S), B(S_P0), B(S_N0), 0, B(S_N0), 0 },
		{ FMAX(S), B(S_N0), B(S_P0), 0, B(S_P0), 0 },
		{ FMAX(S), B(S_P0), B(S_N0), 0, B(S_P0), 0 },
		/* one NaN: the other operand; NV only if signalling */
		{ FMIN(S), B(S_QNAN), B(S_ONE), 0, B(S_ONE), 0 },
		{ FMIN(S), B(S_ONE), B(0x7fc12345), 0, B(S_ONE), 0 },
		{ FMAX(S), B(S_NINF), B(S_QNAN), 0, B(S_NINF), 0 },
		{ FMIN(S), B(S_SNAN), B(S_ONE), 0, B(S_ONE), NV },
		{ FMAX(S), B(S_ONE), B(S_SNAN), 0, B(S_ONE), NV },
		/* both NaN: canonical */
		{ FMIN(S), B(0x7fc12345), B(0xffc00001), 0, B(S_QNAN), 0 },
		{ FMAX(S), B(S_SNAN), B(S_QNAN), 0, B(S_QNAN), NV },
		{ FMIN(D), D_N0, D_P0, 0, D_N0, 0 },
		{ FMAX(D), D_N0, D_P0, 0, D_P0, 0 },
		{ FMIN(D), D_MONE, 0xc000000000000000, 0, 0xc000000000000000, 0 },
		{ FMAX(D), D_MONE, 0xc000000000000000, 0, D_MONE, 0 },
		{ FMAX(D), 0x7ff8000000000123, D_TWO, 0, D_TWO, 0 },
		{ FMIN(D), D_TWO, D_SNAN, 0, D_TWO, NV },
		{ FMIN(D), D_QNAN, 0xfff8000000000001, 0, D_QNAN, 0 },
		{ FMAX(D), D_INF, D_MAX, 0, D_INF, 0 },
	};
	RUN(t);
}

TEST(fpu_compare)
{
	static const struct tc t[] = {
		{ FEQ(S), B(S_ONE), B(S_ONE), 0, 1, 0 },
		{ FEQ(S), B(S_ONE), B(S_TWO), 0, 0, 0 },
		{ FEQ(S), B(S_N0), B(S_P0), 0, 1, 0 },
		{ FEQ(S), B(S_QNAN), B(S_ONE), 0, 0, 0 },
		{ FEQ(S), B(S_QNAN), B(S_QNAN), 0, 0, 0 },
		{ FEQ(S), B(S_ONE), B(S_SNAN), 0, 0, NV },
		{ FLT(S), B(S_ONE), B(S_TWO), 0, 1, 0 },
		{ FLT(S), B(S_TWO), B(S_ONE), 0, 0, 0 },
		{ FLT(S), B(S_ONE), B(S_ONE), 0, 0, 0 },
		{ FLT(S), B(S_N0), B(S_P0), 0, 0, 0 },
		{ FLT(S), B(S_MONE), B(S_N0), 0, 1, 0 },
		{ FLT(S), B(S_MTWO), B(S_MONE), 0, 1, 0 },
		{ FLT(S), B(S_QNAN), B(S_ONE), 0, 0, NV },
		{ FLT(S), B(S_ONE), B(S_SNAN), 0, 0, NV },
		{ FLE(S), B(S_N0), B(S_P0), 0, 1, 0 },
		{ FLE(S), B(S_ONE), B(S_ONE), 0, 1, 0 },
		{ FLE(S), B(S_TWO), B(S_ONE), 0, 0, 0 },
		{ FLE(S), B(S_NINF), B(S_INF), 0, 1, 0 },
		{ FLE(S), B(S_ONE), B(S_QNAN), 0, 0, NV },
		{ FEQ(D), D_TWO, D_TWO, 0, 1, 0 },
		{ FEQ(D), D_P0, D_N0, 0, 1, 0 },
		{ FEQ(D), D_QNAN, D_ONE, 0, 0, 0 },
		{ FEQ(D), D_SNAN, D_SNAN, 0, 0, NV },
		{ FLT(D), 0xc000000000000000, D_MONE, 0, 1, 0 },
		{ FLT(D), D_NINF, D_NMAX, 0, 1, 0 },
		{ FLT(D), D_MINS, D_P0, 0, 0, 0 },
		{ FLT(D), D_P0, D_MINS, 0, 1, 0 },
		{ FLE(D), D_SNAN, D_ONE, 0, 0, NV },
		{ FLE(D), D_QNAN, D_ONE, 0, 0, NV },
		{ FLE(D), D_INF, D_INF, 0, 1, 0 },
	};
	RUN(t);
}

TEST(fpu_classify)
{
	static const struct tc t[] = {
		{ FCLASS(S), B(S_NINF), 0, 0, 1 << 0, 0 },
		{ FCLASS(S), B(S_MONE), 0, 0, 1 << 1, 0 },
		{ FCLASS(S), B(0x807fffff), 0, 0, 1 << 2, 0 },
		{ FCLASS(S), B(S_N0), 0, 0, 1 << 3, 0 },
		{ FCLASS(S), B(S_P0), 0, 0, 1 << 4, 0 },
		{ FCLASS(S), B(S_MINS), 0, 0, 1 << 5, 0 },
		{ FCLASS(S), B(S_MINN), 0, 0, 1 << 6, 0 },
		{ FCLASS(S), B(S_MAX), 0, 0, 1 << 6, 0 },
		{ FCLASS(S), B(S_INF), 0, 0, 1 << 7, 0 },
		{ FCLASS(S), B(S_SNAN), 0, 0, 1 << 8, 0 },
		{ FCLASS(S), B(0xffbfffff), 0, 0, 1 << 8, 0 },
		{ FCLASS(S), B(S_QNAN), 0, 0, 1 << 9, 0 },
		{ FCLASS(S), B(0xffc00001), 0, 0, 1 << 9, 0 },
		{ FCLASS(D), D_NINF, 0, 0, 1 << 0, 0 },
		{ FCLASS(D), D_NMAX, 0, 0, 1 << 1, 0 },
		{ FCLASS(D), 0x800fffffffffffff, 0, 0, 1 << 2, 0 },
		{ FCLASS(D), D_N0, 0, 0, 1 << 3, 0 },
		{ FCLASS(D), D_P0, 0, 0, 1 << 4, 0 },
		{ FCLASS(D), D_MINS, 0, 0, 1 << 5, 0 },
		{ FCLASS(D), D_MINN, 0, 0, 1 << 6, 0 },
		{ FCLASS(D), D_INF, 0, 0, 1 << 7, 0 },
		{ FCLASS(D), D_SNAN, 0, 0, 1 << 8, 0 },
		{ FCLASS(D), 0x7ff4000000000000, 0, 0, 1 << 8, 0 },
		{ FCLASS(D), D_QNAN, 0, 0, 1 << 9, 0 },
		{ FCLASS(D), 0xfffc000000000000, 0, 0, 1 << 9, 0 },
	};
	RUN(t);
}

TEST(fpu_moves)
{
	static const struct tc t[] = {
		{ FMV_X(S), B(S_N0), 0, 0, 0xffffffff80000000, 0 },
		{ FMV_X(S), B(0x7fffffff), 0, 0, 0x7fffffff, 0 },
		{ FMV_X(S), B(S_SNAN), 0, 0, S_SNAN, 0 },
		{ FMV_F(S), 0x00000000ffffffff, 0, 0, 0xffffffffffffffff, 0 },
		{ FMV_F(S), 0xffffffff00000000, 0, 0, B(0), 0 },
		{ FMV_X(D), D_SNAN, 0, 0, D_SNAN, 0 },
		{ FMV_X(D), 0xfff8000000000123, 0, 0, 0xfff8000000000123, 0 },
		{ FMV_F(D), 0x7ff0000000000001, 0, 0, 0x7ff0000000000001, 0 },
		{ FMV_F(D), 0xffffffff00000000, 0, 0, 0xffffffff00000000, 0 },
	};
	RUN(t);
}

/* ---- conversions to integers ------------------------------------------- */

TEST(fpu_cvt_to_int_rounding)
{
	static const struct tc t[] = {
		/* 2.5 */
		{ FCVT_W(S, RNE), B(0x40200000), 0, 0, 2, NX },
		{ FCVT_W(S, RTZ), B(0x40200000), 0, 0, 2, NX },
		{ FCVT_W(S, RDN), B(0x40200000), 0, 0, 2, NX },
		{ FCVT_W(S, RUP), B(0x40200000), 0, 0, 3, NX },
		{ FCVT_W(S, RMM), B(0x40200000), 0, 0, 3, NX },
		/* -2.5 */
		{ FCVT_W(S, RNE), B(0xc0200000), 0, 0, 0xfffffffffffffffe, NX },
		{ FCVT_W(S, RTZ), B(0xc0200000), 0, 0, 0xfffffffffffffffe, NX },
		{ FCVT_W(S, RDN), B(0xc0200000), 0, 0, 0xfffffffffffffffd, NX },
		{ FCVT_W(S, RUP), B(0xc0200000), 0, 0, 0xfffffffffffffffe, NX },
		{ FCVT_W(S, RMM), B(0xc0200000), 0, 0, 0xfffffffffffffffd, NX },
		/* 3.5 */
		{ FCVT_W(S, RNE), B(0x40600000), 0, 0, 4, NX },
		{ FCVT_W(S, RTZ), B(0x40600000), 0, 0, 3, NX },
		{ FCVT_W(S, RMM), B(0x40600000), 0, 0, 4, NX },
		/* ±0.5, 2.75, -0.25 */
		{ FCVT_W(S, RNE), B(S_HALF), 0, 0, 0, NX },
		{ FCVT_W(S, RMM), B(S_HALF), 0, 0, 1, NX },
		{ FCVT_W(S, RNE), B(0xbf000000), 0, 0, 0, NX },
		{ FCVT_W(S, RMM), B(0xbf000000), 0, 0, 0xffffffffffffffff, NX },
		{ FCVT_W(S, RNE), B(0x40300000), 0, 0, 3, NX },
		{ FCVT_W(S, RMM), B(0x40300000), 0, 0, 3, NX },
		{ FCVT_W(S, RDN), B(0xbe800000), 0, 0, 0xffffffffffffffff, NX },
		{ FCVT_W(S, RUP), B(0xbe800000), 0, 0, 0, NX },
		/* exact */
		{ FCVT_W(S, RNE), B(0xc2f60000), 0, 0, 0xffffffffffffff85, 0 },
		{ FCVT_W(S, RNE), B(S_N0), 0, 0, 0, 0 },
		{ FCVT_W(D, RNE), 0x4059000000000000, 0, 0, 100, 0 },
		{ FCVT_L(D, RNE), 0xbff8000000000000, 0, 0, 0xfffffffffffffffe, NX },
		{ FCVT_L(D, RMM), 0x4004000000000000, 0, 0, 3, NX },
		{ FCVT_L(D, RNE), 0x4004000000000000, 0, 0, 2, NX },
		{ FCVT_LU(S, RUP), B(0x3fc00000), 0, 0, 2, NX },
		{ FCVT_LU(D, RTZ), 0x3ff8000000000000, 0, 0, 1, NX },
		/* tiny values */
		{ FCVT_L(S, RUP), B(S_MINS), 0, 0, 1, NX },
		{ FCVT_L(S, RDN), B(0x80000001), 0, 0, 0xffffffffffffffff, NX },
		{ FCVT_L(D, RMM), D_MINS, 0, 0, 0, NX },
	};
	RUN(t);
}

TEST(fpu_cvt_to_int_saturation)
{
	static const struct tc t[] = {
		/* fcvt.w: NaN -> 2^31-1 whatever its sign */
		{ FCVT_W(S, RNE), B(S_QNAN), 0, 0, 0x7fffffff, NV },
		{ FCVT_W(S, RNE), B(0xffc00000), 0, 0, 0x7fffffff, NV },
		{ FCVT_W(D, RNE), D_SNAN, 0, 0, 0x7fffffff, NV },
		{ FCVT_W(S, RNE), B(S_INF), 0, 0, 0x7fffffff, NV },
		{ FCVT_W(S, RNE), B(S_NINF), 0, 0, 0xffffffff80000000, NV },
		{ FCVT_W(S, RNE), B(0x4f000000), 0, 0, 0x7fffffff, NV },   /* 2^31 */
		{ FCVT_W(S, RNE), B(0xcf000000), 0, 0, 0xffffffff80000000, 0 },
		{ FCVT_W(D, RNE), 0x41dfffffffc00000, 0, 0, 0x7fffffff, 0 },
		{ FCVT_W(D, RNE), 0xc1e0000000200000, 0, 0,    /* -2^31-1 */
		  0xffffffff80000000, NV },
		/* 2^31 - 0.5 rounds out of range or not, per mode */
		{ FCVT_W(D, RNE), 0x41dfffffffe00000, 0, 0, 0x7fffffff, NV },
		{ FCVT_W(D, RTZ), 0x41dfffffffe00000, 0, 0, 0x7fffffff, NX },
		/* -2^31 - 0.5 */
		{ FCVT_W(D, RNE), 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NX },
		{ FCVT_W(D, RTZ), 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NX },
		{ FCVT_W(D, RMM), 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NV },
		{ FCVT_W(D, RDN), 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NV },
		{ FCVT_W(D, RNE), 0x7e37e43c8800759c, 0, 0, 0x7fffffff, NV },
		/* fcvt.wu: results are sign-extended too */
		{ FCVT_WU(S, RNE), B(S_QNAN), 0, 0, 0xffffffffffffffff, NV },
		{ FCVT_WU(S, RNE), B(S_INF), 0, 0, 0xffffffffffffffff, NV },
		{ FCVT_WU(S, RNE), B(S_NINF), 0, 0, 0, NV },
		{ FCVT_WU(S, RNE), B(0x4f800000), 0, 0, 0xffffffffffffffff, NV },
		{ FCVT_WU(S, RNE), B(0x4f32d05e), 0, 0, 0xffffffffb2d05e00, 0 },
		{ FCVT_WU(D, RNE), 0x41efffffffe00000, 0, 0, 0xffffffffffffffff, 0 },
		{ FCVT_WU(S, RNE), B(S_MONE), 0, 0, 0, NV },
		{ FCVT_WU(S, RTZ), B(0xbf000000), 0, 0, 0, NX },
		{ FCVT_WU(S, RNE), B(0xbf000000), 0, 0, 0, NX },
		{ FCVT_WU(S, RUP), B(0xbf000000), 0, 0, 0, NX },
		{ FCVT_WU(S, RDN), B(0xbf000000), 0, 0, 0, NV },
		{ FCVT_WU(S, RMM), B(0xbf000000), 0, 0, 0, NV },
		{ FCVT_WU(S, RNE), B(S_N0), 0, 0, 0, 0 },
		/* fcvt.l */
		{ FCVT_L(S, RNE), B(S_QNAN), 0, 0, 0x7fffffffffffffff, NV },
		{ FCVT_L(S, RNE), B(0x5f000000), 0, 0, 0x7fffffffffffffff, NV },
		{ FCVT_L(S, RNE), B(0xdf000000), 0, 0, 0x8000000000000000, 0 },
		{ FCVT_L(D, RNE), 0x43e0000000000000, 0, 0, 0x7fffffffffffffff, NV },
		{ FCVT_L(D, RNE), 0x43dfffffffffffff, 0, 0, 0x7ffffffffffffc00, 0 },
		{ FCVT_L(D, RNE), 0xc3e0000000000000, 0, 0, 0x8000000000000000, 0 },
		{ FCVT_L(D, RNE), 0xc3e0000000000001, 0, 0, 0x8000000000000000, NV },
		{ FCVT_L(D, RNE), D_NINF, 0, 0, 0x8000000000000000, NV },
		{ FCVT_L(D, RNE), D_INF, 0, 0, 0x7fffffffffffffff, NV },
		/* fcvt.lu */
		{ FCVT_LU(S, RNE), B(0x5f800000), 0, 0, 0xffffffffffffffff, NV },
		{ FCVT_LU(D, RNE), 0x43f0000000000000, 0, 0, 0xffffffffffffffff, NV },
		{ FCVT_LU(D, RNE), 0x43efffffffffffff, 0, 0, 0xfffffffffffff800, 0 },
		{ FCVT_LU(D, RNE), D_QNAN, 0, 0, 0xffffffffffffffff, NV },
		{ FCVT_LU(D, RNE), D_MONE, 0, 0, 0, NV },
		{ FCVT_LU(D, RTZ), 0xbfe0000000000000, 0, 0, 0, NX },
		{ FCVT_LU(D, RNE), D_NINF, 0, 0, 0, NV },
		{ FCVT_LU(D, RNE), D_MAX, 0, 0, 0xffffffffffffffff, NV },
	};
	RUN(t);
}

/* ---- conversions from integers ----------------------------------------- */

TEST(fpu_cvt_from_int)
{
	static const struct tc t[] = {
		/* .w uses the low 32 bits, sign-extended; .wu zero-extended */
		{ FCVT_FW(S, RNE), 0xffffffffffffffff, 0, 0, B(S_MONE), 0 },
		{ FCVT_FW(S, RNE), 0x00000000ffffffff, 0, 0, B(S_MONE), 0 },
		{ FCVT_FW(S, RNE), 0x1234567800000001, 0, 0, B(S_ONE), 0 },
		{ FCVT_FW(S, RNE), 0, 0, 0, B(S_P0), 0 },
		{ FCVT_FW(D, RNE), 0xffffffff80000000, 0, 0, 0xc1e0000000000000, 0 },
		{ FCVT_FWU(D, RNE), 0xdeadbeefffffffff, 0, 0, 0x41efffffffe00000, 0 },
		{ FCVT_FWU(S, RNE), 0xffffffff, 0, 0, B(0x4f800000), NX },
		{ FCVT_FWU(S, RTZ), 0xffffffff, 0, 0, B(0x4f7fffff), NX },
		/* 2^24 + 1: a tie at single precision */
		{ FCVT_FW(S, RNE), 0x01000001, 0, 0, B(0x4b800000), NX },
		{ FCVT_FW(S, RTZ), 0x01000001, 0, 0, B(0x4b800000), NX },
		{ FCVT_FW(S, RDN), 0x01000001, 0, 0, B(0x4b800000), NX },
		{ FCVT_FW(S, RUP), 0x01000001, 0, 0, B(0x4b800001), NX },
		{ FCVT_FW(S, RMM), 0x01000001, 0, 0, B(0x4b800001), NX },
		{ FCVT_FW(S, RNE), 0xfeffffff, 0, 0, B(0xcb800000), NX },
		{ FCVT_FW(S, RDN), 0xfeffffff, 0, 0, B(0xcb800001), NX },
		{ FCVT_FW(S, RUP), 0xfeffffff, 0, 0, B(0xcb800000), NX },
		{ FCVT_FW(S, RMM), 0xfeffffff, 0, 0, B(0xcb800001), NX },
		{ FCVT_FW(S, RMM), 0x01000003, 0, 0, B(0x4b800002), NX },
		/* 64-bit sources */
		{ FCVT_FL(S, RNE), 0x8000000000000000, 0, 0, B(0xdf000000), 0 },
		{ FCVT_FLU(S, RNE), 0xffffffffffffffff, 0, 0, B(0x5f800000), NX },
		{ FCVT_FLU(S, RTZ), 0xffffffffffffffff, 0, 0, B(0x5f7fffff), NX },
		{ FCVT_FLU(S, RMM), 0xffffffffffffffff, 0, 0, B(0x5f800000), NX },
		{ FCVT_FL(D, RNE), 0x0020000000000001, 0, 0, 0x4340000000000000, NX },
		{ FCVT_FL(D, RMM), 0x0020000000000001, 0, 0, 0x4340000000000001, NX },
		{ FCVT_FL(D, RUP), 0x0020000000000001, 0, 0, 0x4340000000000001, NX },
		{ FCVT_FL(D, RMM), 0xffdfffffffffffff, 0, 0, 0xc340000000000001, NX },
		{ FCVT_FL(D, RDN), 0xffdfffffffffffff, 0, 0, 0xc340000000000001, NX },
		{ FCVT_FL(D, RUP), 0xffdfffffffffffff, 0, 0, 0xc340000000000000, NX },
		{ FCVT_FLU(D, RNE), 0xffffffffffffffff, 0, 0, 0x43f0000000000000, NX },
		{ FCVT_FLU(D, RTZ), 0xffffffffffffffff, 0, 0, 0x43efffffffffffff, NX },
		{ FCVT_FLU(D, RNE), 0x8000000000000000, 0, 0, 0x43e0000000000000, 0 },
		{ FCVT_FL(D, RNE), 0x7fffffffffffffff, 0, 0, 0x43e0000000000000, NX },
		{ FCVT_FL(D, RMM), 0, 0, 0, D_P0, 0 },
	};
	RUN(t);
}

/* ---- conversions between S and D --------------------------------------- */

TEST(fpu_cvt_s_d)
{
	static const struct tc t[] = {
		{ FCVT_S_D(RNE), D_ONE, 0, 0, B(S_ONE), 0 },
		{ FCVT_S_D(RNE), D_N0, 0, 0, B(S_N0), 0 },
		{ FCVT_S_D(RMM), D_NINF, 0, 0, B(S_NINF), 0 },
		{ FCVT_S_D(RNE), 0x3fb999999999999a, 0, 0, B(0x3dcccccd), NX },
		{ FCVT_S_D(RTZ), 0x3fb999999999999a, 0, 0, B(0x3dcccccc), NX },
		/* 1 + 2^-24: a tie */
		{ FCVT_S_D(RNE), 0x3ff0000010000000, 0, 0, B(S_ONE), NX },
		{ FCVT_S_D(RMM), 0x3ff0000010000000, 0, 0, B(0x3f800001), NX },
		{ FCVT_S_D(RMM), 0x3ff000000fffffff, 0, 0, B(S_ONE), NX },
		/* overflow */
		{ FCVT_S_D(RNE), D_MAX, 0, 0, B(S_INF), OF | NX },
		{ FCVT_S_D(RTZ), D_MAX, 0, 0, B(S_MAX), OF | NX },
		{ FCVT_S_D(RDN), D_MAX, 0, 0, B(S_MAX), OF | NX },
		{ FCVT_S_D(RUP), D_MAX, 0, 0, B(S_INF), OF | NX },
		{ FCVT_S_D(RMM), D_MAX, 0, 0, B(S_INF), OF | NX },
		{ FCVT_S_D(RDN), D_NMAX, 0, 0, B(S_NINF), OF | NX },
		{ FCVT_S_D(RUP), D_NMAX, 0, 0, B(S_NMAX), OF | NX },
		{ FCVT_S_D(RTZ), D_NMAX, 0, 0, B(S_NMAX), OF | NX },
		{ FCVT_S_D(RMM), D_NMAX, 0, 0, B(S_NINF), OF | NX },
		/* widening is exact */
		{ FCVT_D_S(RNE), B(S_ONE), 0, 0, D_ONE, 0 },
		{ FCVT_D_S(RNE), B(S_N0), 0, 0, D_N0, 0 },
		{ FCVT_D_S(RNE), B(S_MINS), 0, 0, 0x36a0000000000000, 0 },
		{ FCVT_D_S(RNE), B(S_NINF), 0, 0, D_NINF, 0 },
		{ FCVT_D_S(RNE), B(S_MAX), 0, 0, 0x47efffffe0000000, 0 },
	};
	RUN(t);
}

/* ---- exceptions -------------------------------------------------------- */

/* Underflow is tininess after rounding (with an unbounded exponent) and
 * inexact; an exact subnormal result raises nothing. */
TEST(fpu_underflow)
{
	static const struct tc t[] = {
		/* 2^-150: half the smallest subnormal */
		{ FCVT_S_D(RNE), 0x3690000000000000, 0, 0, B(S_P0), UF | NX },
		{ FCVT_S_D(RTZ), 0x3690000000000000, 0, 0, B(S_P0), UF | NX },
		{ FCVT_S_D(RDN), 0x3690000000000000, 0, 0, B(S_P0), UF | NX },
		{ FCVT_S_D(RUP), 0x3690000000000000, 0, 0, B(S_MINS), UF | NX },
		{ FCVT_S_D(RMM), 0x3690000000000000, 0, 0, B(S_MINS), UF | NX },
		{ FCVT_S_D(RDN), 0xb690000000000000, 0, 0, B(0x80000001), UF | NX },
		/* 2^-126 - 2^-151 rounds to 2^-126 even with an unbounded
		 * exponent: not tiny, so no UF (except when truncating) */
		{ FCVT_S_D(RNE), 0x380ffffff0000000, 0, 0, B(S_MINN), NX },
		{ FCVT_S_D(RMM), 0x380ffffff0000000, 0, 0, B(S_MINN), NX },
		{ FCVT_S_D(RTZ), 0x380ffffff0000000, 0, 0, B(0x007fffff), UF | NX },
		{ FCVT_S_D(RMM), 0xb80ffffff0000000, 0, 0, B(0x80800000), NX },
		/* 2^-126 - 2^-150 is representable with 24 bits, so tiny,
		 * yet the subnormal result rounds up to 2^-126 */
		{ FCVT_S_D(RNE), 0x380fffffe0000000, 0, 0, B(S_MINN), UF | NX },
		{ FCVT_S_D(RMM), 0x380fffffe0000000, 0, 0, B(S_MINN), UF | NX },
		/* (1 - 2^-23) * (2^-126 + 2^-149) = 2^-126 - 2^-172 */
		{ FMUL(S, RNE), B(0x3f7ffffe), B(0x00800001), 0, B(S_MINN), NX },
		{ FMUL(S, RMM), B(0x3f7ffffe), B(0x00800001), 0, B(S_MINN), NX },
		{ FMUL(S, RTZ), B(0x3f7ffffe), B(0x00800001), 0, B(0x007fffff),
		  UF | NX },
		{ FMUL(S, RNE), B(S_MINS), B(S_HALF), 0, B(S_P0), UF | NX },
		{ FMUL(S, RMM), B(S_MINS), B(S_HALF), 0, B(S_MINS), UF | NX },
		{ FMUL(S, RUP), B(S_MINS), B(S_HALF), 0, B(S_MINS), UF | NX },
		{ FMUL(S, RMM), B(0x80000001), B(S_HALF), 0, B(0x80000001), UF | NX },
		{ FMUL(D, RNE), D_MINS, D_HALF, 0, D_P0, UF | NX },
		{ FMUL(D, RMM), D_MINS, D_HALF, 0, D_MINS, UF | NX },
		{ FMUL(D, RNE), D_MINN, D_HALF, 0, 0x0008000000000000, 0 },
		{ FMUL(D, RMM), D_MINN, D_HALF, 0, 0x0008000000000000, 0 },
		/* 3 * 2^-1074 / 2 = 1.5 * 2^-1074 */
		{ FDIV(D, RNE), 0x0000000000000003, D_TWO, 0, 0x2, UF | NX },
		{ FDIV(D, RTZ), 0x0000000000000003, D_TWO, 0, 0x1, UF | NX },
		{ FDIV(D, RMM), 0x0000000000000003, D_TWO, 0, 0x2, UF | NX },
		{ FDIV(D, RNE), D_MINS, D_TWO, 0, D_P0, UF | NX },
		{ FDIV(D, RMM), D_MINS, D_TWO, 0, D_MINS, UF | NX },
		{ FDIV(S, RNE), B(S_MINN), B(0x4b000000), 0, B(S_MINS), 0 },
		{ FMADD(S, RMM), B(S_MINS), B(S_HALF), B(S_N0), B(S_MINS), UF | NX },
		{ FMADD(D, RNE), D_MINS, D_HALF, D_N0, D_P0, UF | NX },
	};
	RUN(t);
}

TEST(fpu_overflow)
{
	static const struct tc t[] = {
		{ FMUL(S, RNE), B(S_MAX), B(S_TWO), 0, B(S_INF), OF | NX },
		{ FMUL(S, RTZ), B(S_MAX), B(S_TWO), 0, B(S_MAX), OF | NX },
		{ FMUL(S, RDN), B(S_MAX), B(S_TWO), 0, B(S_MAX), OF | NX },
		{ FMUL(S, RUP), B(S_MAX), B(S_TWO), 0, B(S_INF), OF | NX },
		{ FMUL(S, RMM), B(S_MAX), B(S_TWO), 0, B(S_INF), OF | NX },
		{ FMUL(S, RDN), B(S_NMAX), B(S_TWO), 0, B(S_NINF), OF | NX },
		{ FMUL(S, RUP), B(S_NMAX), B(S_TWO), 0, B(S_NMAX), OF | NX },
		{ FMUL(S, RMM), B(S_NMAX), B(S_TWO), 0, B(S_NINF), OF | NX },
		/* max + half an ulp of max: a tie that overflows */
		{ FADD(S, RMM), B(S_MAX), B(0x73000000), 0, B(S_INF), OF | NX },
		{ FADD(S, RNE), B(S_MAX), B(0x73000000), 0, B(S_INF), OF | NX },
		{ FADD(S, RTZ), B(S_MAX), B(0x73000000), 0, B(S_MAX), NX },
		{ FADD(S, RMM), B(S_MAX), B(0x72ffffff), 0, B(S_MAX), NX },
		{ FADD(D, RNE), D_MAX, D_MAX, 0, D_INF, OF | NX },
		{ FADD(D, RTZ), D_MAX, D_MAX, 0, D_MAX, OF | NX },
		{ FADD(D, RMM), D_NMAX, D_NMAX, 0, D_NINF, OF | NX },
		{ FDIV(D, RNE), D_MAX, D_HALF, 0, D_INF, OF | NX },
		/* infinities themselves are exact */
		{ FADD(S, RNE), B(S_INF), B(S_ONE), 0, B(S_INF), 0 },
		{ FMUL(D, RMM), D_NINF, D_TWO, 0, D_NINF, 0 },
	};
	RUN(t);
}

TEST(fpu_divide_by_zero)
{
	static const struct tc t[] = {
		{ FDIV(S, RNE), B(S_ONE), B(S_P0), 0, B(S_INF), DZ },
		{ FDIV(S, RNE), B(S_MONE), B(S_P0), 0, B(S_NINF), DZ },
		{ FDIV(S, RNE), B(S_ONE), B(S_N0), 0, B(S_NINF), DZ },
		{ FDIV(S, RMM), B(S_ONE), B(S_P0), 0, B(S_INF), DZ },
		{ FDIV(S, RTZ), B(S_MINS), B(S_N0), 0, B(S_NINF), DZ },
		{ FDIV(S, RNE), B(S_INF), B(S_P0), 0, B(S_INF), 0 },
		{ FDIV(S, RNE), B(S_P0), B(S_P0), 0, B(S_QNAN), NV },
		{ FDIV(S, RNE), B(S_QNAN), B(S_P0), 0, B(S_QNAN), 0 },
		{ FDIV(D, RNE), D_ONE, D_P0, 0, D_INF, DZ },
		{ FDIV(D, RMM), D_MONE, D_P0, 0, D_NINF, DZ },
		{ FDIV(D, RNE), D_P0, D_ONE, 0, D_P0, 0 },
	};
	RUN(t);
}

/* ---- state: FS, rm, fflags, x0 ----------------------------------------- */

/* Executes insn on a copy of h and checks it is illegal and changed
 * nothing. */
static void check_illegal(const struct hart *h, uint32_t insn, int line)
{
	struct hart g = *h;

	if (fpu_exec(&g, insn) || memcmp(&g, h, sizeof(g)) != 0) {
		char msg[64];

		snprintf(msg, sizeof(msg), "insn %08x should be illegal", insn);
		test_fail(__FILE__, line, msg);
	}
}

#define CHECK_ILLEGAL(h, insn) check_illegal(h, insn, __LINE__)

TEST(fpu_fs_off_is_illegal)
{
	static const uint32_t insns[] = {
		FADD(S, RNE), FADD(D, RNE), FMADD(D, RNE), FSGNJ(S), FMIN(D),
		FEQ(S), FCLASS(D), FMV_X(S), FMV_F(D), FCVT_W(S, RNE),
		FCVT_FL(D, RNE), FCVT_S_D(RNE),
	};
	struct hart h;

	hart_setup(&h);
	h.csr.mstatus = MSTATUS_MIE;    /* FS = off */
	h.f[1] = B(S_ONE);
	h.f[2] = B(S_SNAN);
	h.x[1] = 5;
	h.csr.fflags = NX;
	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++)
		CHECK_ILLEGAL(&h, insns[i]);
}

TEST(fpu_reserved_rounding_mode_is_illegal)
{
	struct hart h;

	hart_setup(&h);
	h.f[1] = B(S_ONE);
	h.f[2] = B(S_TWO);
	h.x[1] = 3;
	for (unsigned rm = 5; rm <= 6; rm++) {
		CHECK_ILLEGAL(&h, FADD(S, rm));
		CHECK_ILLEGAL(&h, FSQRT(D, rm));
		CHECK_ILLEGAL(&h, FMADD(S, rm));
		CHECK_ILLEGAL(&h, FNMADD(D, rm));
		CHECK_ILLEGAL(&h, FCVT_W(S, rm));
		CHECK_ILLEGAL(&h, FCVT_FL(D, rm));
		CHECK_ILLEGAL(&h, FCVT_S_D(rm));
		/* exact operations still decode their rm field */
		CHECK_ILLEGAL(&h, FCVT_D_S(rm));
		CHECK_ILLEGAL(&h, FCVT_FW(D, rm));
	}
	/* DYN with a reserved frm */
	for (unsigned frm = 5; frm <= 7; frm++) {
		h.csr.frm = (uint8_t)frm;
		CHECK_ILLEGAL(&h, FADD(D, DYN));
		CHECK_ILLEGAL(&h, FMSUB(S, DYN));
		CHECK_ILLEGAL(&h, FCVT_LU(D, DYN));
		CHECK_ILLEGAL(&h, FCVT_D_S(DYN));
	}
	/* instructions without a rounding mode ignore frm */
	h.csr.frm = 7;
	CHECK(fpu_exec(&h, FMIN(S)));
	CHECK(fpu_exec(&h, FEQ(S)));
	CHECK(fpu_exec(&h, FSGNJ(D)));
	CHECK(fpu_exec(&h, FADD(S, RNE)));
}

TEST(fpu_reserved_encodings_are_illegal)
{
	struct hart h;

	hart_setup(&h);
	CHECK_ILLEGAL(&h, FADD(2, RNE));                /* half */
	CHECK_ILLEGAL(&h, FADD(3, RNE));                /* quad */
	CHECK_ILLEGAL(&h, FMADD(2, RNE));
	CHECK_ILLEGAL(&h, FMADD(3, RNE));
	CHECK_ILLEGAL(&h, OPFP(0x0b, S, 1, RNE));       /* fsqrt, rs2 != 0 */
	CHECK_ILLEGAL(&h, OPFP(0x04, S, 2, 3));         /* fsgnj funct3 */
	CHECK_ILLEGAL(&h, OPFP(0x05, D, 2, 2));         /* fmin funct3 */
	CHECK_ILLEGAL(&h, OPFP(0x14, S, 2, 3));         /* fcmp funct3 */
	CHECK_ILLEGAL(&h, OPFP(0x08, S, 0, RNE));       /* fcvt.s.s */
	CHECK_ILLEGAL(&h, OPFP(0x08, D, 1, RNE));       /* fcvt.d.d */
	CHECK_ILLEGAL(&h, OPFP(0x08, S, 3, RNE));       /* fcvt.s.q */
	CHECK_ILLEGAL(&h, OPFP(0x18, S, 4, RNE));       /* fcvt.?.s */
	CHECK_ILLEGAL(&h, OPFP(0x1a, D, 5, RNE));
	CHECK_ILLEGAL(&h, OPFP(0x1c, S, 1, 0));         /* fmv.x.w rs2 */
	CHECK_ILLEGAL(&h, OPFP(0x1c, D, 0, 2));         /* funct3 2 */
	CHECK_ILLEGAL(&h, OPFP(0x1e, S, 0, 1));         /* fmv.w.x funct3 */
	CHECK_ILLEGAL(&h, OPFP(0x1e, D, 1, 0));
	CHECK_ILLEGAL(&h, OPFP(0x06, S, 2, RNE));       /* unused funct5 */
	CHECK_ILLEGAL(&h, OPFP(0x1f, D, 0, RNE));
	CHECK_ILLEGAL(&h, 0x00000013);                  /* addi: not FP */
	CHECK_ILLEGAL(&h, 0x00002007);                  /* flw: not here */
}

TEST(fpu_state_updates)
{
	struct hart h;

	/* FS goes to dirty from initial and clean; the rest of mstatus,
	 * pc and unrelated registers stay. */
	for (uint64_t fs = FS_INITIAL; fs <= FS_DIRTY; fs++) {
		hart_setup(&h);
		h.csr.mstatus = fs << MSTATUS_FS_SHIFT | MSTATUS_MIE |
				MSTATUS_MPP;
		h.pc = 0x80001000;
		h.f[1] = D_ONE;
		h.f[2] = D_TWO;
		CHECK(fpu_exec(&h, FADD(D, RNE)));
		CHECK_EQ(h.f[4], D_THREE);
		CHECK_EQ(h.csr.mstatus, MSTATUS_FS | MSTATUS_MIE | MSTATUS_MPP);
		CHECK_EQ(h.pc, 0x80001000);
		CHECK_EQ(h.f[5], 0);
		CHECK_EQ(h.x[4], 0);
	}

	/* fflags accrue: existing bits stay */
	hart_setup(&h);
	h.csr.fflags = DZ | UF;
	h.f[1] = B(S_ONE);
	h.f[2] = B(S_THREE);
	CHECK(fpu_exec(&h, FDIV(S, RNE)));
	CHECK_EQ(h.csr.fflags, DZ | UF | NX);
	CHECK(fpu_exec(&h, FEQ(S)));
	CHECK_EQ(h.csr.fflags, DZ | UF | NX);

	/* comparisons write integer results; rd = x0 discards them */
	hart_setup(&h);
	h.f[1] = B(S_ONE);
	h.f[2] = B(S_ONE);
	CHECK(fpu_exec(&h, FEQ(S) & ~(31u << 7)));
	CHECK_EQ(h.x[0], 0);
	CHECK(fpu_exec(&h, FCLASS(S) & ~(31u << 7)));
	CHECK_EQ(h.x[0], 0);
	CHECK(fpu_exec(&h, FCVT_L(D, RNE) & ~(31u << 7)));
	CHECK_EQ(h.x[0], 0);
	/* ... but flags still accrue */
	h.f[1] = D_QNAN;
	CHECK(fpu_exec(&h, FCVT_L(D, RNE) & ~(31u << 7)));
	CHECK_EQ(h.x[0], 0);
	CHECK_EQ(h.csr.fflags, NV);

	/* f0 is an ordinary register */
	hart_setup(&h);
	h.f[1] = D_ONE;
	h.f[2] = D_ONE;
	CHECK(fpu_exec(&h, FADD(D, RNE) & ~(31u << 7)));
	CHECK_EQ(h.f[0], D_TWO);
}

/* rd may equal a source; sources are read before the write. */
TEST(fpu_register_overlap)
{
	struct hart h;
	/* fmadd.d f1, f1, f1, f1 */
	uint32_t insn = 1u << 27 | 1u << 25 | 1u << 20 | 1u << 15 | 1u << 7 |
			0x43;

	hart_setup(&h);
	h.f[1] = D_TWO;
	CHECK(fpu_exec(&h, insn));
	CHECK_EQ(h.f[1], 0x4018000000000000);   /* 2 * 2 + 2 */
}
