/* rv64fd.S: F and D extensions (single and double precision), RV64.
 * Unprivileged spec, "F" and "D" chapters, and priv. spec mstatus.FS:
 *  - FLW/FSW/FLD/FSD and FMV.* are bit transfers; FMV.X.W sign-extends.
 *  - NaN boxing: a 32-bit value in a 64-bit f register has its upper 32
 *    bits all ones; single-precision operations treat a value that is not
 *    properly boxed as the canonical NaN (0x7fc00000), transfers (FSW,
 *    FMV.X.W) just use the low 32 bits; single results are boxed.
 *  - Results that are NaN are the canonical NaN; FMIN/FMAX return the
 *    non-NaN operand, order -0 < +0, and raise NV only for signalling NaN.
 *  - FEQ is quiet (NV only for sNaN), FLT/FLE signal NV for any NaN.
 *  - FCVT to integer: out of range / NaN give the clamped value
 *    (NaN -> max positive) with NV; the 32-bit results (also FCVT.WU) are
 *    sign-extended to 64 bits.
 *  - fcsr = frm[7:5] | fflags[4:0]; flags are sticky; the rounding mode
 *    field rm = 7 (DYN) uses frm; rm = 5/6, or DYN with frm = 5/6/7, is an
 *    illegal instruction.
 *  - mstatus.FS = Off makes every FP instruction and FP CSR access illegal;
 *    modifying FP state sets FS = Dirty (and SD).
 */
#include "test.h"

/* single: insn f0, f1, f2 [, rm]; check result bits and fflags */
#define TEST_FP_RR_S(n, insn, exp, a, b, flags) \
	CASE(n); li a1, a; fmv.w.x f1, a1; li a2, b; fmv.w.x f2, a2; csrw fflags, zero; \
	insn f0, f1, f2; fmv.x.w a0, f0; CHECK32(a0, exp); csrr a3, fflags; CHECK(a3, flags)
#define TEST_FP_RR_S_RM(n, insn, rm, exp, a, b, flags) \
	CASE(n); li a1, a; fmv.w.x f1, a1; li a2, b; fmv.w.x f2, a2; csrw fflags, zero; \
	insn f0, f1, f2, rm; fmv.x.w a0, f0; CHECK32(a0, exp); csrr a3, fflags; CHECK(a3, flags)
#define TEST_FP_R_S(n, insn, exp, a, flags) \
	CASE(n); li a1, a; fmv.w.x f1, a1; csrw fflags, zero; \
	insn f0, f1; fmv.x.w a0, f0; CHECK32(a0, exp); csrr a3, fflags; CHECK(a3, flags)
#define TEST_FP_R4_S(n, insn, exp, a, b, c, flags) \
	CASE(n); li a1, a; fmv.w.x f1, a1; li a2, b; fmv.w.x f2, a2; li a3, c; fmv.w.x f3, a3; \
	csrw fflags, zero; insn f0, f1, f2, f3; fmv.x.w a0, f0; CHECK32(a0, exp); \
	csrr a3, fflags; CHECK(a3, flags)
/* compare / classify / convert to integer: integer result in a0 */
#define TEST_FP_CMP_S(n, insn, exp, a, b, flags) \
	CASE(n); li a1, a; fmv.w.x f1, a1; li a2, b; fmv.w.x f2, a2; csrw fflags, zero; \
	insn a0, f1, f2; CHECK(a0, exp); csrr a3, fflags; CHECK(a3, flags)
#define TEST_FCLASS_S(n, exp, a) \
	CASE(n); li a1, a; fmv.w.x f1, a1; fclass.s a0, f1; CHECK(a0, exp)
#define TEST_FP_TOINT_S(n, insn, rm, exp, a, flags) \
	CASE(n); li a1, a; fmv.w.x f1, a1; csrw fflags, zero; \
	insn a0, f1, rm; CHECK(a0, exp); csrr a3, fflags; CHECK(a3, flags)
#define TEST_FP_FROMINT_S(n, insn, exp, ival, flags) \
	CASE(n); li a1, ival; csrw fflags, zero; insn f0, a1; fmv.x.w a0, f0; \
	CHECK32(a0, exp); csrr a3, fflags; CHECK(a3, flags)

/* double variants */
#define TEST_FP_RR_D(n, insn, exp, a, b, flags) \
	CASE(n); li a1, a; fmv.d.x f1, a1; li a2, b; fmv.d.x f2, a2; csrw fflags, zero; \
	insn f0, f1, f2; fmv.x.d a0, f0; CHECK(a0, exp); csrr a3, fflags; CHECK(a3, flags)
#define TEST_FP_R_D(n, insn, exp, a, flags) \
	CASE(n); li a1, a; fmv.d.x f1, a1; csrw fflags, zero; \
	insn f0, f1; fmv.x.d a0, f0; CHECK(a0, exp); csrr a3, fflags; CHECK(a3, flags)
#define TEST_FP_R4_D(n, insn, exp, a, b, c, flags) \
	CASE(n); li a1, a; fmv.d.x f1, a1; li a2, b; fmv.d.x f2, a2; li a3, c; fmv.d.x f3, a3; \
	csrw fflags, zero; insn f0, f1, f2, f3; fmv.x.d a0, f0; CHECK(a0, exp); \
	csrr a3, fflags; CHECK(a3, flags)
#define TEST_FP_CMP_D(n, insn, exp, a, b, flags) \
	CASE(n); li a1, a; fmv.d.x f1, a1; li a2, b; fmv.d.x f2, a2; csrw fflags, zero; \
	insn a0, f1, f2; CHECK(a0, exp); csrr a3, fflags; CHECK(a3, flags)
#define TEST_FP_TOINT_D(n, insn, rm, exp, a, flags) \
	CASE(n); li a1, a; fmv.d.x f1, a1; csrw fflags, zero; \
	insn a0, f1, rm; CHECK(a0, exp); csrr a3, fflags; CHECK(a3, flags)
/* double source -> single result, with a boxing check of the result */
#define TEST_FP_D_TO_S(n, exp, a, flags) \
	CASE(n); li a1, a; fmv.d.x f1, a1; csrw fflags, zero; fcvt.s.d f0, f1; \
	fmv.x.d a0, f0; CHECK(a0, 0xffffffff00000000 | (exp)); csrr a3, fflags; CHECK(a3, flags)

#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

#define QNAN_S 0x7fc00000
#define SNAN_S 0x7f800001
#define QNAN_D 0x7ff8000000000000
#define SNAN_D 0x7ff0000000000001

TESTS_BEGIN

/* Loads / stores / moves are raw bit transfers. */
	CASE(1)
	la a1, fpdata
	flw f1, 0(a1)                    /* -1.0f */
	fmv.x.w a0, f1
	CHECK(a0, 0xffffffffbf800000)    /* FMV.X.W sign-extends */
	fmv.x.d a0, f1
	CHECK(a0, 0xffffffffbf800000)    /* FLW NaN-boxes */
	fsw f1, 16(a1)
	lwu a0, 16(a1)
	CHECK(a0, 0xbf800000)
	CASE(2)
	fld f2, 8(a1)
	fmv.x.d a0, f2
	CHECK(a0, 0x123456789abcdef0)
	fsd f2, 24(a1)
	ld a0, 24(a1)
	CHECK(a0, 0x123456789abcdef0)
	CASE(3)                          /* FSW of an unboxed value: low 32 bits */
	fsw f2, 16(a1)
	lwu a0, 16(a1)
	CHECK(a0, 0x9abcdef0)
	fmv.x.w a0, f2
	CHECK(a0, 0xffffffff9abcdef0)
	CASE(4)                          /* FMV.W.X boxes */
	li a1, 0x123456783f800000
	fmv.w.x f3, a1
	fmv.x.d a0, f3
	CHECK(a0, 0xffffffff3f800000)

/* Single-precision arithmetic and flags. */
	TEST_FP_RR_S( 5, fadd.s, 0x40700000, 0x3fc00000, 0x40100000, 0)        /* 1.5+2.25 */
	TEST_FP_RR_S( 6, fsub.s, 0x00000000, 0x3f800000, 0x3f800000, 0)        /* 1-1 = +0 */
	TEST_FP_RR_S_RM( 7, fsub.s, rdn, 0x80000000, 0x3f800000, 0x3f800000, 0) /* RDN: -0 */
	TEST_FP_RR_S( 8, fmul.s, 0xbfc00000, 0x40400000, 0xbf000000, 0)        /* 3*-0.5 */
	TEST_FP_RR_S( 9, fdiv.s, 0x3eaaaaab, 0x3f800000, 0x40400000, NX)       /* 1/3 */
	TEST_FP_RR_S_RM(10, fdiv.s, rtz, 0x3eaaaaaa, 0x3f800000, 0x40400000, NX)
	TEST_FP_RR_S(11, fdiv.s, 0x7f800000, 0x3f800000, 0x00000000, DZ)       /* 1/0 = inf */
	TEST_FP_RR_S(12, fdiv.s, QNAN_S, 0x00000000, 0x00000000, NV)           /* 0/0 */
	TEST_FP_RR_S(13, fmul.s, 0x7f800000, 0x7f000000, 0x7f000000, OF|NX)    /* overflow */
	TEST_FP_RR_S(14, fmul.s, 0x00000000, 0x00800000, 0x00800000, UF|NX)    /* underflow to 0 */
	TEST_FP_RR_S(15, fadd.s, QNAN_S, 0x7f800000, 0xff800000, NV)           /* inf - inf */
	TEST_FP_RR_S(16, fadd.s, QNAN_S, 0x7fc12345, 0x3f800000, 0)            /* NaN payload not kept */
	TEST_FP_R_S(17, fsqrt.s, 0x40000000, 0x40800000, 0)                   /* sqrt 4 */
	TEST_FP_R_S(18, fsqrt.s, QNAN_S, 0xbf800000, NV)                      /* sqrt -1 */
	TEST_FP_R_S(19, fsqrt.s, 0x80000000, 0x80000000, 0)                   /* sqrt -0 = -0 */
	TEST_FP_R4_S(20, fmadd.s,  0x40e00000, 0x40000000, 0x40400000, 0x3f800000, 0) /*  2*3+1 */
	TEST_FP_R4_S(21, fmsub.s,  0x40a00000, 0x40000000, 0x40400000, 0x3f800000, 0) /*  2*3-1 */
	TEST_FP_R4_S(22, fnmsub.s, 0xc0a00000, 0x40000000, 0x40400000, 0x3f800000, 0) /* -2*3+1 */
	TEST_FP_R4_S(23, fnmadd.s, 0xc0e00000, 0x40000000, 0x40400000, 0x3f800000, 0) /* -2*3-1 */
	TEST_FP_R4_S(24, fmadd.s, QNAN_S, 0x7f800000, 0x00000000, 0x3f800000, NV)    /* inf*0 */

/* FMIN / FMAX. */
	TEST_FP_RR_S(25, fmin.s, 0x80000000, 0x00000000, 0x80000000, 0)        /* -0 < +0 */
	TEST_FP_RR_S(26, fmax.s, 0x00000000, 0x80000000, 0x00000000, 0)
	TEST_FP_RR_S(27, fmin.s, 0x3f800000, QNAN_S, 0x3f800000, 0)            /* quiet NaN ignored */
	TEST_FP_RR_S(28, fmax.s, 0x3f800000, 0x3f800000, SNAN_S, NV)           /* sNaN: NV */
	TEST_FP_RR_S(29, fmin.s, QNAN_S, QNAN_S, 0x7fc00001, 0)                /* both NaN */
	TEST_FP_RR_S(30, fmax.s, 0x40400000, 0xc0a00000, 0x40400000, 0)

/* Sign injection (no flags, NaN-boxed result). */
	TEST_FP_RR_S(31, fsgnj.s,  0xbfc00000, 0x3fc00000, 0x80000000, 0)
	TEST_FP_RR_S(32, fsgnjn.s, 0x3fc00000, 0x3fc00000, 0x80000000, 0)
	TEST_FP_RR_S(33, fsgnjx.s, 0x3fc00000, 0xbfc00000, 0xbf800000, 0)      /* -*- = + */
	TEST_FP_RR_S(34, fsgnjx.s, 0xffc00001, 0x7fc00001, 0x80000000, 0)      /* NaN passes through */

/* Comparisons: FEQ quiet, FLT/FLE signalling. */
	TEST_FP_CMP_S(35, feq.s, 1, 0x80000000, 0x00000000, 0)                 /* -0 == +0 */
	TEST_FP_CMP_S(36, feq.s, 0, QNAN_S, QNAN_S, 0)
	TEST_FP_CMP_S(37, feq.s, 0, SNAN_S, 0x3f800000, NV)
	TEST_FP_CMP_S(38, flt.s, 0, QNAN_S, 0x3f800000, NV)
	TEST_FP_CMP_S(39, flt.s, 1, 0xbf800000, 0x3f800000, 0)
	TEST_FP_CMP_S(40, fle.s, 1, 0x3f800000, 0x3f800000, 0)
	TEST_FP_CMP_S(41, fle.s, 0, 0x40000000, 0x3f800000, 0)
	TEST_FP_CMP_S(42, fle.s, 0, 0x3f800000, QNAN_S, NV)

/* FCLASS.S: one bit per class. */
	TEST_FCLASS_S(43, 0x001, 0xff800000)   /* -inf */
	TEST_FCLASS_S(44, 0x002, 0xbf800000)   /* -normal */
	TEST_FCLASS_S(45, 0x004, 0x80000001)   /* -subnormal */
	TEST_FCLASS_S(46, 0x008, 0x80000000)   /* -0 */
	TEST_FCLASS_S(47, 0x010, 0x00000000)   /* +0 */
	TEST_FCLASS_S(48, 0x020, 0x00000001)   /* +subnormal */
	TEST_FCLASS_S(49, 0x040, 0x3f800000)   /* +normal */
	TEST_FCLASS_S(50, 0x080, 0x7f800000)   /* +inf */
	TEST_FCLASS_S(51, 0x100, SNAN_S)       /* signalling NaN */
	TEST_FCLASS_S(52, 0x200, QNAN_S)       /* quiet NaN */

/* Conversions to integer: rounding modes, saturation, sign extension. */
	TEST_FP_TOINT_S(53, fcvt.w.s, rne, 2, 0x40200000, NX)                  /* 2.5 */
	TEST_FP_TOINT_S(54, fcvt.w.s, rtz, 2, 0x40200000, NX)
	TEST_FP_TOINT_S(55, fcvt.w.s, rdn, 2, 0x40200000, NX)
	TEST_FP_TOINT_S(56, fcvt.w.s, rup, 3, 0x40200000, NX)
	TEST_FP_TOINT_S(57, fcvt.w.s, rmm, 3, 0x40200000, NX)
	TEST_FP_TOINT_S(58, fcvt.w.s, rne, -2, 0xc0200000, NX)                 /* -2.5 */
	TEST_FP_TOINT_S(59, fcvt.w.s, rtz, -2, 0xc0200000, NX)
	TEST_FP_TOINT_S(60, fcvt.w.s, rdn, -3, 0xc0200000, NX)
	TEST_FP_TOINT_S(61, fcvt.w.s, rup, -2, 0xc0200000, NX)
	TEST_FP_TOINT_S(62, fcvt.w.s, rmm, -3, 0xc0200000, NX)
	TEST_FP_TOINT_S(63, fcvt.w.s, rtz, 0x7fffffff, QNAN_S, NV)             /* NaN -> max */
	TEST_FP_TOINT_S(64, fcvt.w.s, rtz, 0xffffffff80000000, 0xff800000, NV) /* -inf -> min */
	TEST_FP_TOINT_S(65, fcvt.w.s, rtz, 0x7fffffff, 0x4f000000, NV)         /* 2^31 */
	TEST_FP_TOINT_S(66, fcvt.wu.s, rtz, 0, 0xbf800000, NV)                 /* -1 -> 0 */
	TEST_FP_TOINT_S(67, fcvt.wu.s, rtz, 0, 0xbf000000, NX)                 /* -0.5 -> 0: just inexact */
	TEST_FP_TOINT_S(68, fcvt.wu.s, rtz, 0xffffffffb2d05e00, 0x4f32d05e, 0) /* 3e9, sign-extended */
	TEST_FP_TOINT_S(69, fcvt.wu.s, rtz, -1, QNAN_S, NV)                    /* NaN -> 2^32-1, sext */
	TEST_FP_TOINT_S(70, fcvt.lu.s, rtz, 0x8ac7230000000000, 0x5f0ac723, 0) /* 1e19 */
	TEST_FP_TOINT_S(71, fcvt.l.s, rtz, 0x7fffffffffffffff, 0x5f0ac723, NV)
	TEST_FP_TOINT_S(72, fcvt.l.s, rtz, 0x8000000000000000, 0xdf000000, 0)  /* -2^63 exact */

/* Conversions from integer. */
	TEST_FP_FROMINT_S(73, fcvt.s.w, 0xbf800000, -1, 0)
	TEST_FP_FROMINT_S(74, fcvt.s.w, 0xbf800000, 0x12345678ffffffff, 0)  /* low 32 bits only */
	TEST_FP_FROMINT_S(75, fcvt.s.wu, 0x4f800000, 0xffffffff, NX)         /* rounds to 2^32 */
	TEST_FP_FROMINT_S(76, fcvt.s.l, 0xdf000000, 0x8000000000000000, 0)
	TEST_FP_FROMINT_S(77, fcvt.s.lu, 0x5f800000, -1, NX)                 /* 2^64 */

/* NaN boxing of inputs: an unboxed single is the canonical NaN. */
	CASE(78)
	li a1, 0x000000003f800000        /* 1.0f, upper half not all ones */
	fmv.d.x f1, a1
	li a2, 0x3f800000
	fmv.w.x f2, a2                   /* properly boxed 1.0f */
	fadd.s f0, f1, f2
	fmv.x.d a0, f0
	CHECK(a0, 0xffffffff7fc00000)
	CASE(79)
	fclass.s a0, f1
	CHECK(a0, 0x200)
	CASE(80)
	fmv.x.w a0, f1                   /* transfer: raw low 32 bits */
	CHECK(a0, 0x3f800000)
	CASE(81)
	fsgnjn.s f0, f1, f2              /* canonical NaN, sign = not sign(1.0f) */
	fmv.x.d a0, f0
	CHECK(a0, 0xffffffffffc00000)
	CASE(82)
	fcvt.d.s f0, f1
	fmv.x.d a0, f0
	CHECK(a0, QNAN_D)
	CASE(83)                         /* FLT with an unboxed input: NaN -> NV */
	csrw fflags, zero
	flt.s a0, f2, f1
	CHECK(a0, 0)
	csrr a0, fflags
	CHECK(a0, NV)

/* Double precision. */
	TEST_FP_RR_D(84, fadd.d, 0x400e000000000000, 0x3ff8000000000000, 0x4002000000000000, 0)
	TEST_FP_RR_D(85, fdiv.d, 0x3fd5555555555555, 0x3ff0000000000000, 0x4008000000000000, NX)
	TEST_FP_RR_D(86, fmul.d, 0xc008000000000000, 0x4018000000000000, 0xbfe0000000000000, 0)
	TEST_FP_RR_D(87, fsub.d, 0xbff0000000000000, 0x3ff0000000000000, 0x4000000000000000, 0)
	TEST_FP_RR_D(88, fdiv.d, 0xfff0000000000000, 0xbff0000000000000, 0x0000000000000000, DZ)
	TEST_FP_R_D(89, fsqrt.d, 0x3ff6a09e667f3bcd, 0x4000000000000000, NX)
	TEST_FP_R_D(90, fsqrt.d, QNAN_D, 0xbff0000000000000, NV)
	TEST_FP_R4_D(91, fmadd.d, 0x401c000000000000, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, 0)
	TEST_FP_R4_D(92, fnmadd.d, 0xc01c000000000000, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, 0)
	TEST_FP_RR_D(93, fmin.d, 0x8000000000000000, 0x0000000000000000, 0x8000000000000000, 0)
	TEST_FP_RR_D(94, fmax.d, 0x3ff0000000000000, SNAN_D, 0x3ff0000000000000, NV)
	TEST_FP_RR_D(95, fsgnjn.d, 0xbff8000000000000, 0x3ff8000000000000, 0x3ff0000000000000, 0)
	TEST_FP_RR_D(96, fsgnjx.d, 0x3ff8000000000000, 0xbff8000000000000, 0x8000000000000000, 0)
	TEST_FP_CMP_D(97, feq.d, 1, 0x8000000000000000, 0, 0)
	TEST_FP_CMP_D(98, flt.d, 0, QNAN_D, 0x3ff0000000000000, NV)
	TEST_FP_CMP_D(99, fle.d, 1, 0xbff0000000000000, 0x3ff0000000000000, 0)
	TEST_FP_TOINT_D(100, fcvt.l.d, rne, -2, 0xbff8000000000000, NX)       /* -1.5 */
	TEST_FP_TOINT_D(101, fcvt.lu.d, rtz, 0, 0xbff8000000000000, NV)
	TEST_FP_TOINT_D(102, fcvt.w.d, rtz, 0x7fffffff, 0x41e0000000000000, NV) /* 2^31 */
	TEST_FP_TOINT_D(103, fcvt.wu.d, rtz, 0xffffffffb2d05e00, 0x41e65a0bc0000000, 0) /* 3e9 */
	TEST_FP_TOINT_D(104, fcvt.l.d, rtz, 0x7fffffffffffffff, QNAN_D, NV)
	CASE(105)
	fclass.d a0, f1                  /* f1 = qNaN from the previous case */
	CHECK(a0, 0x200)
	CASE(106)
	li a1, -7
	fcvt.d.l f0, a1
	fmv.x.d a0, f0
	CHECK(a0, 0xc01c000000000000)
	li a1, 0xffffffff
	fcvt.d.wu f0, a1
	fmv.x.d a0, f0
	CHECK(a0, 0x41efffffffe00000)
	li a1, 0xffffffff
	fcvt.d.w f0, a1
	fmv.x.d a0, f0
	CHECK(a0, 0xbff0000000000000)

/* Conversions between precisions; single results are boxed. */
	TEST_FP_D_TO_S(107, 0x3eaaaaab, 0x3fd5555555555555, NX)  /* 1/3 rounded */
	TEST_FP_D_TO_S(108, 0x7f800000, 0x7e37e43c8800759c, OF|NX) /* 1e300 -> inf */
	TEST_FP_D_TO_S(109, QNAN_S, SNAN_D, NV)
	TEST_FP_D_TO_S(110, 0x3fc00000, 0x3ff8000000000000, 0)
	CASE(111)
	li a1, 0x3fc00000
	fmv.w.x f1, a1
	fcvt.d.s f0, f1
	fmv.x.d a0, f0
	CHECK(a0, 0x3ff8000000000000)

/* fcsr / fflags / frm. */
	CASE(112)                        /* flags are sticky and accumulate */
	csrw fflags, zero
	li a1, 0x3f800000
	fmv.w.x f1, a1
	li a1, 0x40400000
	fmv.w.x f2, a1
	fdiv.s f0, f1, f2                /* NX */
	fmv.w.x f3, zero
	fdiv.s f0, f1, f3                /* DZ */
	fadd.s f0, f1, f2                /* exact: flags unchanged */
	csrr a0, fflags
	CHECK(a0, NX|DZ)
	CASE(113)                        /* fcsr = frm << 5 | fflags */
	csrwi frm, 3
	csrr a0, fcsr
	CHECK(a0, (3 << 5) | NX | DZ)
	csrr a0, frm
	CHECK(a0, 3)
	CASE(114)                        /* fields keep only their bits */
	li a1, -1
	csrw fcsr, a1
	csrr a0, fcsr
	CHECK(a0, 0xff)
	csrr a0, fflags
	CHECK(a0, 0x1f)
	csrr a0, frm
	CHECK(a0, 7)
	csrrw a0, fflags, zero           /* returns old value */
	CHECK(a0, 0x1f)
	csrr a0, fcsr
	CHECK(a0, 0xe0)
	csrwi fflags, 0x1f
	csrrci a0, fflags, NV|NX
	CHECK(a0, 0x1f)
	csrr a0, fflags
	CHECK(a0, UF|OF|DZ)
	CASE(115)                        /* DYN uses frm */
	csrwi fcsr, 0
	csrwi frm, 3                     /* RUP */
	li a1, 0x40200000                /* 2.5 */
	fmv.w.x f1, a1
	fcvt.w.s a0, f1, dyn
	CHECK(a0, 3)
	csrwi frm, 2                     /* RDN */
	fcvt.w.s a0, f1
	CHECK(a0, 2)
	csrwi frm, 1                     /* RTZ: 1/3 truncated */
	li a1, 0x3f800000
	fmv.w.x f1, a1
	li a1, 0x40400000
	fmv.w.x f2, a1
	fdiv.s f0, f1, f2
	fmv.x.w a0, f0
	CHECK(a0, 0x3eaaaaaa)
	csrwi frm, 0

/* Invalid rounding modes: rm = 5/6 in the instruction, or DYN with an
 * invalid frm, are illegal instructions (tval = the instruction). */
	TEST_ILLEGAL(116, .word 0x0020d053)   /* fadd.s f0, f1, f2, rm=5 */
	TEST_ILLEGAL(117, .word 0x0220e053)   /* fadd.d f0, f1, f2, rm=6 */
	CASE(118)
	csrwi frm, 5
	TEST_ILLEGAL(119, fadd.s f0, f1, f2, dyn)
	csrwi frm, 7
	TEST_ILLEGAL(120, fmul.d f0, f1, f2, dyn)
	TEST_NO_TRAP(121, fadd.s f0, f1, f2, rne)   /* static rm ignores frm */
	TEST_NO_TRAP(122, fsgnj.d f0, f1, f2)       /* no rounding: legal */
	csrwi frm, 0

/* mstatus.FS: writing FP state makes it Dirty; Off makes FP illegal. */
	CASE(123)
	li t0, MSTATUS_FS
	csrc mstatus, t0
	li t0, (2 << 13)                 /* Clean */
	csrs mstatus, t0
	fadd.s f0, f1, f2
	csrr a0, mstatus
	li t0, MSTATUS_FS
	and a1, a0, t0
	CHECK(a1, MSTATUS_FS_DIRTY)
	srli a1, a0, 63
	CHECK(a1, 1)                     /* SD summarises FS = Dirty */
	CASE(124)
	li t0, MSTATUS_FS
	csrc mstatus, t0
	li t0, (2 << 13)                 /* Clean */
	csrs mstatus, t0
	csrwi fflags, 1
	csrr a0, mstatus
	li t0, MSTATUS_FS
	and a1, a0, t0
	CHECK(a1, MSTATUS_FS_DIRTY)
	CASE(125)
	li t0, MSTATUS_FS
	csrc mstatus, t0                 /* Off */
	csrr a0, mstatus
	srli a1, a0, 63
	CHECK(a1, 0)
	la a1, fpdata
	TEST_ILLEGAL(126, fadd.s f0, f1, f2)
	TEST_ILLEGAL(127, fld f0, 0(a1))
	TEST_ILLEGAL(128, fsw f0, 0(a1))
	TEST_ILLEGAL(129, fmv.x.d a0, f0)
	TEST_ILLEGAL(130, fmv.w.x f0, a0)
	TEST_ILLEGAL(131, csrr a0, fflags)
	TEST_ILLEGAL(132, csrw fcsr, zero)
	TEST_ILLEGAL(133, csrr a0, frm)
	TEST_ILLEGAL(134, c.fld fa0, 0(a1))
	TEST_ILLEGAL(135, fcvt.d.l f0, a0)
	CASE(136)                        /* back on: works again */
	li t0, MSTATUS_FS_INITIAL
	csrs mstatus, t0
	li a0, 0x3f800000
	fmv.w.x f0, a0
	fmv.x.w a1, f0
	CHECK(a1, 0x3f800000)

TESTS_END

	.data
	.align 4
fpdata:
	.word 0xbf800000, 0
	.dword 0x123456789abcdef0
	.dword 0, 0
