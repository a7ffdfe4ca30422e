/* The registers as GDB numbers them, and the target description that
 * says so (qXfer:features:read:target.xml).
 *
 *   0-31     x0-x31                 org.gnu.gdb.riscv.cpu
 *   32       pc
 *   33-64    f0-f31                 org.gnu.gdb.riscv.fpu
 *   66-68    fflags, frm, fcsr      (65 + their CSR numbers)
 *   65 + N   CSR N, every CSR the hart has   org.gnu.gdb.riscv.csr
 *   4161     priv: 0 U, 1 S, 3 M    org.gnu.gdb.riscv.virtual (QEMU's)
 *
 * These are GDB's own internal numbers for RISC-V, so `info registers`,
 * `p $mstatus` and `p $priv` work as they do with QEMU.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/riscv.h"
#include "gdb/internal.h"

#define REG_PC 32
#define REG_F0 33
#define REG_CSR0 65
#define REG_PRIV (REG_CSR0 + 4096)

static const char *const xnames[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1",
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3",
	"s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
	"t5", "t6",
};

static const char *const fnames[32] = {
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1",
	"fa0", "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3",
	"fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8",
	"ft9", "ft10", "ft11",
};

/* The names GDB knows for the CSRs glass has (the privileged spec's). */
static const struct { uint16_t csr; const char *name; } csr_names[] = {
	{ CSR_FFLAGS, "fflags" }, { CSR_FRM, "frm" }, { CSR_FCSR, "fcsr" },
	{ CSR_CYCLE, "cycle" }, { CSR_TIME, "time" },
	{ CSR_INSTRET, "instret" }, { CSR_SSTATUS, "sstatus" },
	{ CSR_SIE, "sie" }, { CSR_STVEC, "stvec" },
	{ CSR_SCOUNTEREN, "scounteren" }, { CSR_SENVCFG, "senvcfg" },
	{ CSR_SSCRATCH, "sscratch" }, { CSR_SEPC, "sepc" },
	{ CSR_SCAUSE, "scause" }, { CSR_STVAL, "stval" }, { CSR_SIP, "sip" },
	{ CSR_SATP, "satp" }, { CSR_MVENDORID, "mvendorid" },
	{ CSR_MARCHID, "marchid" }, { CSR_MIMPID, "mimpid" },
	{ CSR_MHARTID, "mhartid" }, { CSR_MCONFIGPTR, "mconfigptr" },
	{ CSR_MSTATUS, "mstatus" }, { CSR_MISA, "misa" },
	{ CSR_MEDELEG, "medeleg" }, { CSR_MIDELEG, "mideleg" },
	{ CSR_MIE, "mie" }, { CSR_MTVEC, "mtvec" },
	{ CSR_MCOUNTEREN, "mcounteren" }, { CSR_MENVCFG, "menvcfg" },
	{ CSR_MCOUNTINHIBIT, "mcountinhibit" }, { CSR_MSCRATCH, "mscratch" },
	{ CSR_MEPC, "mepc" }, { CSR_MCAUSE, "mcause" }, { CSR_MTVAL, "mtval" },
	{ CSR_MIP, "mip" }, { CSR_TSELECT, "tselect" },
	{ CSR_TDATA1, "tdata1" }, { CSR_TDATA2, "tdata2" },
	{ CSR_TDATA3, "tdata3" }, { CSR_TINFO, "tinfo" },
	{ CSR_MCYCLE, "mcycle" }, { CSR_MINSTRET, "minstret" },
};

/* Numbered families: name prefix, first CSR, first index, count */
static const struct {
	const char *prefix;
	uint16_t csr;
	uint8_t first, n;
} csr_families[] = {
	{ "hpmcounter", CSR_HPMCOUNTER3, 3, 29 },
	{ "mhpmcounter", CSR_MHPMCOUNTER3, 3, 29 },
	{ "mhpmevent", CSR_MHPMEVENT3, 3, 29 },
	{ "pmpcfg", CSR_PMPCFG0, 0, 16 },
	{ "pmpaddr", CSR_PMPADDR0, 0, 64 },
};

static void csr_name(unsigned csr, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(csr_names) / sizeof(csr_names[0]); i++) {
		if (csr_names[i].csr == csr) {
			snprintf(buf, len, "%s", csr_names[i].name);
			return;
		}
	}
	for (size_t i = 0; i < sizeof(csr_families) / sizeof(csr_families[0]);
	     i++) {
		unsigned first = csr_families[i].csr;
		if (csr >= first && csr < first + csr_families[i].n) {
			snprintf(buf, len, "%s%u", csr_families[i].prefix,
				 csr - first + csr_families[i].first);
			return;
		}
	}
	snprintf(buf, len, "csr%03x", csr);
}

static bool fp_csr(unsigned csr)
{
	return csr == CSR_FFLAGS || csr == CSR_FRM || csr == CSR_FCSR;
}

/* A growing string. */
struct sb {
	char *p;
	size_t len, cap;
	bool failed;
};

static void sb_add(struct sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		size_t room = b->cap - b->len;
		va_start(ap, fmt);
		int n = b->p ? vsnprintf(b->p + b->len, room, fmt, ap) : -1;
		va_end(ap);
		if (n >= 0 && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

char *gdb_tdesc_build(struct hart *h, size_t *len)
{
	struct sb b = { 0 };
	char name[32];
	uint64_t v;

	sb_add(&b, "<?xml version=\"1.0\"?>\n"
		   "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		   "<target version=\"1.0\">\n"
		   "<architecture>riscv:rv64</architecture>\n"
		   "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
	for (unsigned i = 0; i < 32 && !b.failed; i++)
		sb_add(&b, "<reg name=\"%s\" bitsize=\"64\" type=\"%s\" "
			   "regnum=\"%u\"/>\n", xnames[i],
		       i == 1 ? "code_ptr" : i == 2 || i == 8 ? "data_ptr" :
		       "int", i);
	sb_add(&b, "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" "
		   "regnum=\"%u\"/>\n</feature>\n", REG_PC);
	sb_add(&b, "<feature name=\"org.gnu.gdb.riscv.fpu\">\n"
		   "<union id=\"riscv_double\">"
		   "<field name=\"float\" type=\"ieee_single\"/>"
		   "<field name=\"double\" type=\"ieee_double\"/></union>\n");
	for (unsigned i = 0; i < 32; i++)
		sb_add(&b, "<reg name=\"%s\" bitsize=\"64\" "
			   "type=\"riscv_double\" regnum=\"%u\"/>\n",
		       fnames[i], REG_F0 + i);
	for (unsigned c = CSR_FFLAGS; c <= CSR_FCSR; c++) {
		csr_name(c, name, sizeof(name));
		sb_add(&b, "<reg name=\"%s\" bitsize=\"32\" type=\"int\" "
			   "regnum=\"%u\"/>\n", name, REG_CSR0 + c);
	}
	sb_add(&b, "</feature>\n<feature name=\"org.gnu.gdb.riscv.csr\">\n");
	for (unsigned c = 0; c < 4096; c++) {
		if (fp_csr(c) || !hart_csr_peek(h, c, &v))
			continue;
		csr_name(c, name, sizeof(name));
		sb_add(&b, "<reg name=\"%s\" bitsize=\"64\" type=\"int\" "
			   "regnum=\"%u\" group=\"csr\"/>\n", name,
		       REG_CSR0 + c);
	}
	sb_add(&b, "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
		   "<reg name=\"priv\" bitsize=\"64\" type=\"int\" "
		   "regnum=\"%u\"/>\n</feature>\n</target>\n", REG_PRIV);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

unsigned gdb_reg_size(struct hart *h, unsigned regno)
{
	uint64_t v;

	if (regno <= REG_PC || (regno >= REG_F0 && regno < REG_F0 + 32) ||
	    regno == REG_PRIV)
		return 8;
	if (regno < REG_CSR0 || regno >= REG_PRIV)
		return 0;
	unsigned csr = regno - REG_CSR0;
	if (fp_csr(csr))
		return 4;
	return hart_csr_peek(h, csr, &v) ? 8 : 0;
}

bool gdb_reg_read(struct hart *h, unsigned regno, uint64_t *v)
{
	if (regno < 32)
		*v = hart_get_gpr(h, regno);
	else if (regno == REG_PC)
		*v = hart_get_pc(h);
	else if (regno >= REG_F0 && regno < REG_F0 + 32)
		*v = hart_get_fpr(h, regno - REG_F0);
	else if (regno == REG_PRIV)
		*v = hart_get_priv(h);
	else if (regno >= REG_CSR0 && regno < REG_PRIV)
		return hart_csr_peek(h, regno - REG_CSR0, v);
	else
		return false;
	return true;
}

bool gdb_reg_write(struct hart *h, unsigned regno, uint64_t v)
{
	if (regno < 32)
		hart_set_gpr(h, regno, v);
	else if (regno == REG_PC)
		hart_set_pc(h, v);
	else if (regno >= REG_F0 && regno < REG_F0 + 32)
		hart_set_fpr(h, regno - REG_F0, v);
	else if (regno == REG_PRIV)
		return hart_debug_set_priv(h, (unsigned)v);
	else if (regno >= REG_CSR0 && regno < REG_PRIV)
		return hart_csr_poke(h, regno - REG_CSR0, v);
	else
		return false;
	return true;
}
