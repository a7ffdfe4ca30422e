/* F and D extensions: computational instructions (unprivileged spec
 * 20191213, chapters 11 and 12).
 *
 * How the arithmetic is done:
 *
 *  - Everything that involves no rounding (sign injection, min/max,
 *    comparisons, classification, moves, NaN detection) works on the bit
 *    patterns, so it never depends on host NaN conventions or flags.
 *
 *  - Operations that round in RNE, RTZ, RDN or RUP run on the host FPU,
 *    which is IEEE 754 with the same underflow convention as RISC-V
 *    (tininess detected after rounding): set the host rounding mode, clear
 *    the host exception flags, compute, read the flags back, restore.
 *    NaN operands never reach the host: they are resolved up front, which
 *    makes the NaN result canonical and the NV flag exactly the spec's.
 *
 *  - RMM (to nearest, ties away from zero) has no host equivalent. The
 *    operation is computed in long double (>= 64-bit significand, at least
 *    two bits more than double) rounded toward zero, and the host inexact
 *    flag becomes a sticky bit. Truncated value plus sticky bit determine
 *    the exact result's position relative to every rounding boundary of
 *    the narrower target format, so round_fmt() rounds it correctly in
 *    software (the round-to-odd argument).
 *
 *  - Conversions to integer are done in software: round to an integral
 *    value exactly, then range-check before any C cast (out-of-range
 *    float-to-integer casts are undefined behaviour).
 *
 * The compiler does not know that the rounding mode and the flags are
 * state of the arithmetic (GCC ignores FENV_ACCESS), so it may constant
 * fold or move floating-point operations across the calls that switch
 * them. Operands and results of host arithmetic therefore pass through
 * volatile objects, which pins the computation between the environment
 * switches. The host is assumed to run in round-to-nearest outside this
 * file (the C default); the generic path restores exactly that.
 */
#include "cpu/fpu.h"

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/riscv.h"

#ifdef __clang__
#pragma STDC FENV_ACCESS ON
#endif

/* The RMM path needs a wide format with at least p + 2 significand bits
 * for double, and one that holds every 64-bit integer exactly. */
_Static_assert(LDBL_MANT_DIG >= 64, "long double must have >= 64 bits");

/* ---- formats ----------------------------------------------------------- */

/* What the bit-level code needs to know about a format. Single-precision
 * values are handled zero-extended in a uint64_t. */
struct fmt {
	unsigned width;         /* 32 or 64 */
	uint64_t sign;          /* sign bit */
	uint64_t exp;           /* exponent field (all ones: inf/NaN) */
	uint64_t frac;          /* fraction field */
	uint64_t quiet;         /* top fraction bit: set in a quiet NaN */
	uint64_t cnan;          /* canonical NaN */
	int mant_dig;           /* significand bits, as <float.h> */
	int min_exp, max_exp;   /* as <float.h>: 2^(min_exp-1) is the
				 * smallest normal, 2^max_exp overflows */
};

static const struct fmt fmt_s = {
	32, 0x80000000, 0x7f800000, 0x007fffff, 0x00400000, 0x7fc00000,
	FLT_MANT_DIG, FLT_MIN_EXP, FLT_MAX_EXP,
};

static const struct fmt fmt_d = {
	64, 1ull << 63, 0x7ff0000000000000, 0x000fffffffffffff,
	1ull << 51, 0x7ff8000000000000,
	DBL_MANT_DIG, DBL_MIN_EXP, DBL_MAX_EXP,
};

_Static_assert(FLT_MANT_DIG == 24 && DBL_MANT_DIG == 53,
	       "host float/double must be IEEE binary32/binary64");

static inline bool is_nan(const struct fmt *f, uint64_t v)
{
	return (v & f->exp) == f->exp && (v & f->frac);
}

static inline bool is_snan(const struct fmt *f, uint64_t v)
{
	return is_nan(f, v) && !(v & f->quiet);
}

static inline bool is_inf(const struct fmt *f, uint64_t v)
{
	return (v & ~f->sign) == f->exp;
}

static inline bool is_zero(const struct fmt *f, uint64_t v)
{
	return (v & ~f->sign) == 0;
}

static inline uint64_t canonical(const struct fmt *f, uint64_t v)
{
	return is_nan(f, v) ? f->cnan : v;
}

static inline float s_val(uint64_t b)
{
	uint32_t u = (uint32_t)b;
	float v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static inline uint64_t s_bits(float v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof(u));
	return u;
}

static inline double d_val(uint64_t b)
{
	double v;

	memcpy(&v, &b, sizeof(v));
	return v;
}

static inline uint64_t d_bits(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return u;
}

/* Exact: every float and double is a long double. */
static long double wide_val(const struct fmt *f, uint64_t b)
{
	return f->width == 32 ? (long double)s_val(b) : (long double)d_val(b);
}

/* Exact when v is representable in f (round_fmt() guarantees it). */
static uint64_t fmt_bits(const struct fmt *f, long double v)
{
	return f->width == 32 ? s_bits((float)v) : d_bits((double)v);
}

static inline uint64_t sext32(uint64_t v)
{
	return ((v & 0xffffffff) ^ 0x80000000) - 0x80000000;
}

/* Two's complement reinterpretation without implementation-defined casts. */
static inline int64_t as_signed(uint64_t v)
{
	return v <= INT64_MAX ? (int64_t)v : -(int64_t)~v - 1;
}

/* ---- registers --------------------------------------------------------- */

static uint64_t freg(const struct hart *h, const struct fmt *f, unsigned r)
{
	uint64_t v = h->f[r];

	if (f->width == 64)
		return v;
	/* A single that is not NaN-boxed reads as the canonical NaN. */
	return (v >> 32) == 0xffffffff ? (uint32_t)v : fmt_s.cnan;
}

static void set_freg(struct hart *h, const struct fmt *f, unsigned r,
		     uint64_t v)
{
	h->f[r] = f->width == 64 ? v : v | 0xffffffff00000000;
}

static void set_xreg(struct hart *h, unsigned r, uint64_t v)
{
	if (r)
		h->x[r] = v;
}

/* ---- host floating-point environment ----------------------------------- */

/* Host rounding modes for RNE, RTZ, RDN, RUP (RMM has none). */
static const int fe_round[4] = {
	FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD,
};

static unsigned fe_to_fflags(int ex)
{
	return (ex & FE_INVALID ? FFLAG_NV : 0) |
	       (ex & FE_DIVBYZERO ? FFLAG_DZ : 0) |
	       (ex & FE_OVERFLOW ? FFLAG_OF : 0) |
	       (ex & FE_UNDERFLOW ? FFLAG_UF : 0) |
	       (ex & FE_INEXACT ? FFLAG_NX : 0);
}

/* Generic <fenv.h> environment: covers every host FP unit (on x86-64
 * also the x87 that long double and some libm paths use). Changing the
 * rounding mode only when needed keeps RNE cheaper. */
static unsigned fe_enter(int rm)
{
	if (rm != RM_RNE)
		fesetround(fe_round[rm]);
	feclearexcept(FE_ALL_EXCEPT);
	return (unsigned)rm;
}

static int fe_leave_raw(unsigned token)
{
	int ex = fetestexcept(FE_ALL_EXCEPT);

	if (token != RM_RNE)
		fesetround(FE_TONEAREST);
	return ex;
}

static unsigned fe_leave(unsigned token)
{
	return fe_to_fflags(fe_leave_raw(token));
}

#if defined(__x86_64__) && defined(__SSE2_MATH__) && defined(__GNUC__)
/* float and double arithmetic runs on SSE, whose rounding mode and flags
 * all live in MXCSR. Driving MXCSR directly avoids glibc's feclearexcept,
 * which also saves and reloads the whole x87 environment (fnstenv/fldenv)
 * and costs several times the operation itself. Entry loads a complete
 * known value instead of read-modify-write (stmxcsr is the slow half), and
 * round-to-nearest needs no restore: stale flags are harmless because every
 * window clears them first. The "memory" clobbers order these against the
 * volatile operands of the computation. */
#define MXCSR_DEFAULT 0x1f80    /* psABI initial value: exceptions masked,
				 * round to nearest, no FTZ/DAZ */
#define MXCSR_RC_SHIFT 13

static inline uint32_t mxcsr_read(void)
{
	uint32_t v;

	__asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
	return v;
}

static inline void mxcsr_write(uint32_t v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}

static unsigned sse_enter(int rm)
{
	static const uint32_t rc[4] = { 0, 3, 1, 2 }; /* RNE RTZ RDN RUP */

	mxcsr_write(MXCSR_DEFAULT | rc[rm] << MXCSR_RC_SHIFT);
	return (unsigned)rm;
}

static unsigned sse_leave(unsigned rm)
{
	uint32_t now = mxcsr_read();

	if (rm != RM_RNE)
		mxcsr_write(MXCSR_DEFAULT);
	/* IE, ZE, OE, UE, PE; DE (denormal operand) has no RISC-V flag. */
	return (now & 0x01 ? FFLAG_NV : 0) | (now & 0x04 ? FFLAG_DZ : 0) |
	       (now & 0x08 ? FFLAG_OF : 0) | (now & 0x10 ? FFLAG_UF : 0) |
	       (now & 0x20 ? FFLAG_NX : 0);
}

/* With an FMA unit the fused operations are one SSE instruction too and
 * can use the MXCSR window; without one, libm's fma may use other state,
 * so it gets the generic environment. */
#define hw_fma() __builtin_cpu_supports("fma")

__attribute__((target("fma"))) static float fma_hw_s(float a, float b,
						      float c)
{
	return __builtin_fmaf(a, b, c);
}

__attribute__((target("fma"))) static double fma_hw_d(double a, double b,
						       double c)
{
	return __builtin_fma(a, b, c);
}
#else
#define sse_enter fe_enter
#define sse_leave fe_leave
#define hw_fma() 0
#define fma_hw_s fmaf
#define fma_hw_d fma
#endif

static float fma_s(float a, float b, float c)
{
	return hw_fma() ? fma_hw_s(a, b, c) : fmaf(a, b, c);
}

static double fma_d(double a, double b, double c)
{
	return hw_fma() ? fma_hw_d(a, b, c) : fma(a, b, c);
}

/* ---- host arithmetic, generated for float, double and long double ------ */

enum arith { A_ADD, A_SUB, A_MUL, A_DIV, A_SQRT, A_FMA };

#define host_sqrt(x) _Generic((x), float: sqrtf, double: sqrt, \
			      long double: sqrtl)(x)
#define host_fma(x, y, z) _Generic((x), float: fma_s, double: fma_d, \
				   long double: fmal)(x, y, z)

/* volatile: the operands are read and the result stored inside the
 * environment window opened by the caller (see the top of the file). */
#define DEFINE_EVAL(T, SUF)                                                \
	static inline T eval_##SUF(enum arith op, T a, T b, T c)           \
	{                                                                  \
		volatile T x = a, y = b, z = c, r;                         \
									   \
		switch (op) {                                              \
		case A_ADD: r = x + y; break;                              \
		case A_SUB: r = x - y; break;                              \
		case A_MUL: r = x * y; break;                              \
		case A_DIV: r = x / y; break;                              \
		case A_SQRT: r = host_sqrt(x); break;                      \
		default: r = host_fma(x, y, z); break;                     \
		}                                                          \
		return r;                                                  \
	}

DEFINE_EVAL(float, s)
DEFINE_EVAL(double, d)
DEFINE_EVAL(long double, ld)

/* Operation in a host-supported rounding mode, on non-NaN operands. */
#define DEFINE_ARITH(T, SUF)                                               \
	static uint64_t arith_##SUF(enum arith op, int rm, uint64_t a,     \
				    uint64_t b, uint64_t c, unsigned *fl)  \
	{                                                                  \
		T x = SUF##_val(a), y = SUF##_val(b), z = SUF##_val(c), r; \
									   \
		if (op == A_FMA && !hw_fma()) {                            \
			unsigned t = fe_enter(rm);                         \
			r = eval_##SUF(op, x, y, z);                       \
			*fl |= fe_leave(t);                                \
		} else {                                                   \
			unsigned t = sse_enter(rm);                        \
			r = eval_##SUF(op, x, y, z);                       \
			*fl |= sse_leave(t);                               \
		}                                                          \
		return SUF##_bits(r);                                      \
	}

DEFINE_ARITH(float, s)
DEFINE_ARITH(double, d)

/* Integer to float in a host-supported rounding mode. */
#define DEFINE_FROM_INT(T, SUF)                                            \
	static uint64_t from_int_##SUF(uint64_t v, bool is_signed, int rm, \
				       unsigned *fl)                       \
	{                                                                  \
		volatile uint64_t u = v;                                   \
		volatile int64_t i = as_signed(v);                         \
		volatile T r;                                              \
		unsigned t = sse_enter(rm);                                \
									   \
		if (is_signed)                                             \
			r = (T)i;                                          \
		else                                                       \
			r = (T)u;                                          \
		*fl |= sse_leave(t);                                       \
		return SUF##_bits(r);                                      \
	}

DEFINE_FROM_INT(float, s)
DEFINE_FROM_INT(double, d)

/* ---- software rounding (RMM, conversions to integer) ------------------- */

/* Round the magnitude s (0 <= s < 2^63) to an integer in mode rm. sticky
 * stands for a nonzero amount below s's last bit (s was truncated); s must
 * have at least two bits below the units bit for that to be unambiguous,
 * which holds for every caller. neg is the sign of the value. */
static uint64_t round_mag(long double s, bool sticky, bool neg, int rm,
			  bool *inexact)
{
	uint64_t i = (uint64_t)s;
	long double rest = s - (long double)i; /* exact */
	bool half = rest == 0.5L && !sticky;
	bool above = rest > 0.5L || (rest == 0.5L && sticky);
	bool up;

	*inexact = rest != 0 || sticky;
	switch (rm) {
	case RM_RNE: up = above || (half && (i & 1)); break;
	case RM_RMM: up = above || half; break;
	case RM_RDN: up = neg && *inexact; break;
	case RM_RUP: up = !neg && *inexact; break;
	default: up = false; break;
	}
	return i + up;
}

/* Round t (not NaN; truncated toward zero from the exact result if
 * sticky) to format f in mode rm; returns f's bits and accrues OF, UF and
 * NX. The long double range is far wider than f's, so t itself never
 * overflowed or underflowed, and zeros and infinities are exact. */
static uint64_t round_fmt(const struct fmt *f, long double t, bool sticky,
			  int rm, unsigned *fl)
{
	bool neg = signbit(t), inexact, tiny = false;
	uint64_t sign = neg ? f->sign : 0;
	long double m = fabsl(t);
	int e, q, qmin = f->min_exp - f->mant_dig;
	uint64_t i;

	if (m == 0 || isinf(m))
		return fmt_bits(f, t);
	frexpl(m, &e);          /* 2^(e-1) <= m < 2^e */
	q = e - f->mant_dig;    /* exponent of the last significand bit */
	if (q < qmin) {
		/* Subnormal range. Tininess is judged after rounding to
		 * full precision with an unbounded exponent. */
		i = round_mag(ldexpl(m, -q), sticky, neg, rm, &inexact);
		tiny = e + (int)(i >> f->mant_dig) < f->min_exp;
		q = qmin;
	}
	/* i < 2^p, or i == 2^p when rounding carried into the next binade:
	 * the result is below 2^e, or exactly 2^e. */
	i = round_mag(ldexpl(m, -q), sticky, neg, rm, &inexact);
	if (inexact)
		*fl |= FFLAG_NX | (tiny ? FFLAG_UF : 0);
	if (e + (int)(i >> f->mant_dig) > f->max_exp) {
		/* Overflow: infinity, or the largest finite number when
		 * rounding toward zero from this side. */
		bool to_max = rm == RM_RTZ || (rm == RM_RDN && !neg) ||
			      (rm == RM_RUP && neg);

		*fl |= FFLAG_OF | FFLAG_NX;
		return sign | (to_max ? f->exp - 1 : f->exp);
	}
	return sign | fmt_bits(f, ldexpl((long double)i, q));
}

/* Operation in RMM on non-NaN operands. */
static uint64_t arith_rmm(const struct fmt *f, enum arith op, uint64_t a,
			  uint64_t b, uint64_t c, unsigned *fl)
{
	long double x = wide_val(f, a), y = wide_val(f, b);
	long double z = wide_val(f, c), t;
	unsigned tok = fe_enter(RM_RTZ);
	int ex;

	t = eval_ld(op, x, y, z);
	ex = fe_leave_raw(tok);
	/* NV and DZ do not depend on the precision; OF, UF and NX do. */
	*fl |= fe_to_fflags(ex & (FE_INVALID | FE_DIVBYZERO));
	if (isnan(t))
		return f->cnan;
	return round_fmt(f, t, ex & FE_INEXACT, RM_RMM, fl);
}

/* ---- operations -------------------------------------------------------- */

/* Whether an operation has a NaN operand, in which case its result is the
 * canonical NaN; accrues NV for a signalling one. */
static bool nan_operand(const struct fmt *f, enum arith op, uint64_t a,
			uint64_t b, uint64_t c, unsigned *fl)
{
	const uint64_t v[3] = { a, b, c };
	int n = op == A_SQRT ? 1 : op == A_FMA ? 3 : 2;
	bool nan = false;

	for (int k = 0; k < n; k++) {
		nan |= is_nan(f, v[k]);
		if (is_snan(f, v[k]))
			*fl |= FFLAG_NV;
	}
	/* The spec requires NV for inf * 0 even with a quiet NaN addend
	 * (IEEE leaves that case to the implementation). */
	if (nan && op == A_FMA && ((is_inf(f, a) && is_zero(f, b)) ||
				   (is_zero(f, a) && is_inf(f, b))))
		*fl |= FFLAG_NV;
	return nan;
}

static uint64_t do_arith(const struct fmt *f, enum arith op, int rm,
			 uint64_t a, uint64_t b, uint64_t c, unsigned *fl)
{
	if (nan_operand(f, op, a, b, c, fl))
		return f->cnan;
	/* The square root of a negative number (not -0) is invalid; decided
	 * here so that no libm sqrt runs for it (and sets errno). */
	if (op == A_SQRT && (a & f->sign) && !is_zero(f, a)) {
		*fl |= FFLAG_NV;
		return f->cnan;
	}
	if (rm == RM_RMM)
		return arith_rmm(f, op, a, b, c, fl);
	if (f->width == 32)
		return canonical(f, arith_s(op, rm, a, b, c, fl));
	return canonical(f, arith_d(op, rm, a, b, c, fl));
}

/* a < b in the order -inf < ... < -0 < +0 < ... < +inf; no NaNs. */
static bool less(const struct fmt *f, uint64_t a, uint64_t b)
{
	bool sa = a & f->sign, sb = b & f->sign;

	if (sa != sb)
		return sa;
	return sa ? a > b : a < b;
}

/* minimumNumber / maximumNumber (IEEE 754-2019), as the spec requires. */
static uint64_t do_minmax(const struct fmt *f, bool max, uint64_t a,
			  uint64_t b, unsigned *fl)
{
	if (is_snan(f, a) || is_snan(f, b))
		*fl |= FFLAG_NV;
	if (is_nan(f, a) && is_nan(f, b))
		return f->cnan;
	if (is_nan(f, a))
		return b;
	if (is_nan(f, b))
		return a;
	return less(f, a, b) != max ? a : b;
}

/* funct3 of FLE (0), FLT (1), FEQ (2). FEQ is a quiet comparison, the
 * others signal on any NaN. */
static uint64_t do_compare(const struct fmt *f, unsigned op, uint64_t a,
			   uint64_t b, unsigned *fl)
{
	bool zeros = is_zero(f, a) && is_zero(f, b);

	if (is_nan(f, a) || is_nan(f, b)) {
		if (op != 2 || is_snan(f, a) || is_snan(f, b))
			*fl |= FFLAG_NV;
		return 0;
	}
	switch (op) {
	case 0: return zeros || a == b || less(f, a, b);
	case 1: return !zeros && less(f, a, b);
	default: return zeros || a == b;
	}
}

static uint64_t do_class(const struct fmt *f, uint64_t v)
{
	bool neg = v & f->sign;

	if (is_inf(f, v))
		return neg ? 1u << 0 : 1u << 7;
	if (is_nan(f, v))
		return is_snan(f, v) ? 1u << 8 : 1u << 9;
	if (is_zero(f, v))
		return neg ? 1u << 3 : 1u << 4;
	if (!(v & f->exp))
		return neg ? 1u << 2 : 1u << 5;  /* subnormal */
	return neg ? 1u << 1 : 1u << 6;
}

/* funct3 of FSGNJ (0), FSGNJN (1), FSGNJX (2); NaN payloads pass through. */
static uint64_t do_sgnj(const struct fmt *f, unsigned op, uint64_t a,
			uint64_t b)
{
	uint64_t s = b & f->sign;

	if (op == 1)
		s ^= f->sign;
	else if (op == 2)
		s ^= a & f->sign;
	return (a & ~f->sign) | s;
}

/* FCVT.S.D */
static uint64_t narrow_d_to_s(uint64_t a, int rm, unsigned *fl)
{
	volatile double x;
	volatile float r;
	unsigned t;

	if (is_nan(&fmt_d, a)) {
		if (is_snan(&fmt_d, a))
			*fl |= FFLAG_NV;
		return fmt_s.cnan;
	}
	if (rm == RM_RMM)
		return round_fmt(&fmt_s, d_val(a), false, rm, fl);
	t = sse_enter(rm);
	x = d_val(a);
	r = (float)x;
	*fl |= sse_leave(t);
	return s_bits(r);
}

/* FCVT.D.S: exact. */
static uint64_t widen_s_to_d(uint64_t a, unsigned *fl)
{
	if (is_nan(&fmt_s, a)) {
		if (is_snan(&fmt_s, a))
			*fl |= FFLAG_NV;
		return fmt_d.cnan;
	}
	return d_bits((double)s_val(a));
}

/* Integer formats of FCVT, indexed by the rs2 field. */
enum { CVT_W, CVT_WU, CVT_L, CVT_LU };

static const struct {
	bool is_signed;
	double lo;              /* smallest representable (integral) value */
	double hi;              /* first integral value out of range */
	uint64_t min, max;      /* saturated results, as written to rd */
} cvt_int[4] = {
	[CVT_W] = { true, -0x1p31, 0x1p31, 0xffffffff80000000, 0x7fffffff },
	[CVT_WU] = { false, 0, 0x1p32, 0, 0xffffffffffffffff },
	[CVT_L] = { true, -0x1p63, 0x1p63, 1ull << 63, (1ull << 63) - 1 },
	[CVT_LU] = { false, 0, 0x1p64, 0, 0xffffffffffffffff },
};

/* FCVT.{W,WU,L,LU}.{S,D}: saturating, per the spec's table. */
static uint64_t to_int(const struct fmt *f, uint64_t a, unsigned kind,
		       int rm, unsigned *fl)
{
	double x, r;
	bool neg, inexact = false;
	uint64_t v;

	if (is_nan(f, a)) {
		*fl |= FFLAG_NV;
		return cvt_int[kind].max;
	}
	x = f->width == 32 ? s_val(a) : d_val(a);
	neg = signbit(x);
	r = x;
	if (fabs(x) < 0x1p52) {
		/* Below 2^52 a double may have a fraction; above, it is an
		 * integer (or infinite) already. */
		r = (double)round_mag(fabs(x), false, neg, rm, &inexact);
		r = neg ? -r : r;
	}
	if (r < cvt_int[kind].lo) {
		*fl |= FFLAG_NV;
		return cvt_int[kind].min;
	}
	if (r >= cvt_int[kind].hi) {
		*fl |= FFLAG_NV;
		return cvt_int[kind].max;
	}
	if (inexact)
		*fl |= FFLAG_NX;
	/* In range, so the casts are defined. */
	v = cvt_int[kind].is_signed ? (uint64_t)(int64_t)r : (uint64_t)r;
	return kind <= CVT_WU ? sext32(v) : v;
}

/* FCVT.{S,D}.{W,WU,L,LU} */
static uint64_t from_int(const struct fmt *f, uint64_t x, unsigned kind,
			 int rm, unsigned *fl)
{
	bool is_signed = cvt_int[kind].is_signed;

	if (kind == CVT_W)
		x = sext32(x);
	else if (kind == CVT_WU)
		x = (uint32_t)x;
	if (rm == RM_RMM) {
		long double t = is_signed ? (long double)as_signed(x)
					  : (long double)x;  /* exact */

		return round_fmt(f, t, false, rm, fl);
	}
	if (f->width == 32)
		return from_int_s(x, is_signed, rm, fl);
	return from_int_d(x, is_signed, rm, fl);
}

/* ---- decoding ---------------------------------------------------------- */

#define RD(insn)     (((insn) >> 7) & 31)
#define RM(insn)     (((insn) >> 12) & 7)
#define RS1(insn)    (((insn) >> 15) & 31)
#define RS2(insn)    (((insn) >> 20) & 31)
#define FMT(insn)    (((insn) >> 25) & 3)
#define FUNCT5(insn) ((insn) >> 27)
#define RS3(insn)    ((insn) >> 27)

/* The rounding mode an instruction uses, or -1 if reserved. */
static int rounding_mode(const struct hart *h, uint32_t insn)
{
	unsigned rm = RM(insn);

	if (rm == RM_DYN)
		rm = h->csr.frm;
	return rm <= RM_RMM ? (int)rm : -1;
}

/* S and D only; H (2) and Q (3) are not implemented. */
static const struct fmt *insn_fmt(uint32_t insn)
{
	switch (FMT(insn)) {
	case 0: return &fmt_s;
	case 1: return &fmt_d;
	default: return NULL;
	}
}

/* FMADD, FMSUB, FNMSUB, FNMADD: ±(rs1 * rs2) ± rs3 with one rounding. */
static bool exec_fused(struct hart *h, uint32_t insn, unsigned *fl)
{
	const struct fmt *f = insn_fmt(insn);
	int rm = rounding_mode(h, insn);
	unsigned opcode = insn & 0x7f;
	uint64_t a, b, c;

	if (!f || rm < 0)
		return false;
	a = freg(h, f, RS1(insn));
	b = freg(h, f, RS2(insn));
	c = freg(h, f, RS3(insn));
	if (opcode == 0x4b || opcode == 0x4f)   /* FNMSUB, FNMADD */
		a ^= f->sign;
	if (opcode == 0x47 || opcode == 0x4f)   /* FMSUB, FNMADD */
		c ^= f->sign;
	set_freg(h, f, RD(insn), do_arith(f, A_FMA, rm, a, b, c, fl));
	return true;
}

static bool exec_arith(struct hart *h, uint32_t insn, const struct fmt *f,
		       enum arith op, unsigned *fl)
{
	int rm = rounding_mode(h, insn);
	uint64_t a = freg(h, f, RS1(insn)), b = freg(h, f, RS2(insn));

	if (rm < 0 || (op == A_SQRT && RS2(insn)))
		return false;
	set_freg(h, f, RD(insn), do_arith(f, op, rm, a, b, 0, fl));
	return true;
}

/* FCVT.S.D and FCVT.D.S: rs2 holds the source format. */
static bool exec_cvt_ff(struct hart *h, uint32_t insn, const struct fmt *f,
			unsigned *fl)
{
	int rm = rounding_mode(h, insn);

	if (rm < 0)
		return false;
	if (f == &fmt_s && RS2(insn) == 1)
		set_freg(h, f, RD(insn),
			 narrow_d_to_s(freg(h, &fmt_d, RS1(insn)), rm, fl));
	else if (f == &fmt_d && RS2(insn) == 0)
		set_freg(h, f, RD(insn),
			 widen_s_to_d(freg(h, &fmt_s, RS1(insn)), fl));
	else
		return false;
	return true;
}

/* FCVT to (to_x) or from an integer format; rs2 selects W/WU/L/LU. */
static bool exec_cvt_int(struct hart *h, uint32_t insn, const struct fmt *f,
			 bool to_x, unsigned *fl)
{
	int rm = rounding_mode(h, insn);
	unsigned kind = RS2(insn);

	if (rm < 0 || kind > CVT_LU)
		return false;
	if (to_x)
		set_xreg(h, RD(insn),
			 to_int(f, freg(h, f, RS1(insn)), kind, rm, fl));
	else
		set_freg(h, f, RD(insn),
			 from_int(f, h->x[RS1(insn)], kind, rm, fl));
	return true;
}

/* FMV.X.W/D (funct3 0) and FCLASS (funct3 1). FMV.X.W transfers the low
 * 32 bits as they are: NaN-boxing is not checked by moves (12.2). */
static bool exec_fmv_x_class(struct hart *h, uint32_t insn,
			     const struct fmt *f)
{
	if (RS2(insn))
		return false;
	if (RM(insn) == 0)
		set_xreg(h, RD(insn), f->width == 32 ? sext32(h->f[RS1(insn)])
						     : h->f[RS1(insn)]);
	else if (RM(insn) == 1)
		set_xreg(h, RD(insn), do_class(f, freg(h, f, RS1(insn))));
	else
		return false;
	return true;
}

/* FMV.W.X / FMV.D.X */
static bool exec_fmv_f(struct hart *h, uint32_t insn, const struct fmt *f)
{
	uint64_t x = h->x[RS1(insn)];

	if (RS2(insn) || RM(insn))
		return false;
	set_freg(h, f, RD(insn), f->width == 32 ? (uint32_t)x : x);
	return true;
}

static bool exec_opfp(struct hart *h, uint32_t insn, unsigned *fl)
{
	const struct fmt *f = insn_fmt(insn);
	unsigned funct3 = RM(insn);
	uint64_t a, b;

	if (!f)
		return false;
	a = freg(h, f, RS1(insn));
	b = freg(h, f, RS2(insn));
	switch (FUNCT5(insn)) {
	case 0x00: return exec_arith(h, insn, f, A_ADD, fl);
	case 0x01: return exec_arith(h, insn, f, A_SUB, fl);
	case 0x02: return exec_arith(h, insn, f, A_MUL, fl);
	case 0x03: return exec_arith(h, insn, f, A_DIV, fl);
	case 0x0b: return exec_arith(h, insn, f, A_SQRT, fl);
	case 0x04:
		if (funct3 > 2)
			return false;
		set_freg(h, f, RD(insn), do_sgnj(f, funct3, a, b));
		return true;
	case 0x05:
		if (funct3 > 1)
			return false;
		set_freg(h, f, RD(insn), do_minmax(f, funct3, a, b, fl));
		return true;
	case 0x08: return exec_cvt_ff(h, insn, f, fl);
	case 0x14:
		if (funct3 > 2)
			return false;
		set_xreg(h, RD(insn), do_compare(f, funct3, a, b, fl));
		return true;
	case 0x18: return exec_cvt_int(h, insn, f, true, fl);
	case 0x1a: return exec_cvt_int(h, insn, f, false, fl);
	case 0x1c: return exec_fmv_x_class(h, insn, f);
	case 0x1e: return exec_fmv_f(h, insn, f);
	default: return false;
	}
}

bool fpu_exec(struct hart *h, uint32_t insn)
{
	unsigned fl = 0;
	bool ok;

	if (!(h->csr.mstatus & MSTATUS_FS))
		return false;
	switch (insn & 0x7f) {
	case 0x43: case 0x47: case 0x4b: case 0x4f:
		ok = exec_fused(h, insn, &fl);
		break;
	case 0x53:
		ok = exec_opfp(h, insn, &fl);
		break;
	default:
		ok = false;
		break;
	}
	if (!ok)
		return false;
	h->csr.fflags |= fl;
	h->csr.mstatus |= MSTATUS_FS;   /* dirty */
	return true;
}
