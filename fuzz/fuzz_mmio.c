/* libFuzzer target: one device model at a time, driven the way a CPU
 * drives it: as_read/as_write at the device's address in a real address
 * space, so the bus's split/widen adaptation is fuzzed together with the
 * device. The first byte picks the device:
 *
 *   0 UART 16550   1 PLIC   2 CLINT   3 goldfish RTC   4 test finisher
 *   5 edu behind a PCIe host bridge (ECAM + BAR0, DMA through the bridge)
 *   6 hypercall device, platform instance (fake host callbacks, a temp
 *     --share directory, DMA at CPU physical addresses)
 *   7 hypercall device, PCI instance (DMA through the bridge)
 *
 * Byte 1 holds options (below), then 12-byte operation records:
 *   b0: bits 0-1 width (1 2 4 8), bit 2 write, bits 3-5 kind, bits 6-7 hart
 *   b1..b3: offset selector, b4..b11: value
 * kinds: 0-3 device window access (offset modulo the window, a little
 * below and past it too), 4 ECAM config access (PCI devices; others: a
 * named register), 5 a device-side event or a DMA/hypercall macro,
 * 6 time passes, 7 an access at a named register (from the device's
 * register table) +/- a few bytes.
 *
 * Every device entry point is wrapped in a shim that checks the bus
 * contract of mem/mmio.h against the device's register table, computed
 * here on its own: a device whose misfit policy is not ADAPT only ever
 * sees an access that fits a register (width, alignment, inside it); an
 * adapting one only widths its registers take, aligned. And every access
 * that lies inside a device's window must come to what that contract
 * says: a fitting one reaches the device exactly once, as it is; a misfit
 * faults, reads all ones or zero (without reaching the device) as the
 * policy says. Reads must come back zero-extended from their width;
 * interrupt lines must agree with device state; the share's neighbours
 * must stay untouched.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/clint.h"
#include "dev/edu.h"
#include "dev/finisher.h"
#include "dev/goldfish_rtc.h"
#include "dev/hostfs.h"
#include "dev/hypercall.h"
#include "dev/plic.h"
#include "dev/uart16550.h"
#include "fuzz_common.h"
#include "machine/virt.h"
#include "mem/address_space.h"
#include "pci/host.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define MAX_OPS 256
#define NLINES 64

/* ---- bus contract shims ---- */

struct shim {
	const struct mmio_ops *real;
	void *dev;
	uint64_t size;               /* the region's size */
	struct mmio_ops ops;         /* what the address space calls */
	uint8_t any_widths;          /* the device's and every register's */
	uint64_t calls;              /* read/write calls so far */
	uint64_t last_off;
	unsigned last_size;
};

static bool width_ok(uint8_t widths, uint64_t off, unsigned size)
{
	return (size & widths) &&
	       ((widths & MMIO_UNALIGNED) || !(off & (size - 1)));
}

/* The register covering off (scratch for a computed one); for a device
 * without registers, the whole window in scratch. Looked up here, not
 * with mem/mmio.c's helpers. */
static const struct reg_desc *shim_reg(const struct shim *s, uint64_t off,
				       struct reg_desc *scratch)
{
	const struct mmio_ops *o = s->real;

	if (o->reg_at)
		return o->reg_at(off, scratch, NULL, 0);
	if (!o->regs) {
		*scratch = (struct reg_desc){ 0, (uint32_t)s->size, "",
					      o->widths };
		return scratch;
	}
	for (const struct reg_desc *r = o->regs; r->name; r++)
		if (off >= r->offset && off < (uint64_t)r->offset + r->size)
			return r;
	return NULL;
}

static uint8_t reg_widths(const struct shim *s, const struct reg_desc *d)
{
	return d && d->widths ? d->widths : s->real->widths;
}

static bool reg_fits(const struct shim *s, const struct reg_desc *d,
		     uint64_t off, unsigned size)
{
	return d && width_ok(reg_widths(s, d), off, size) && off >= d->offset &&
	       off + size <= (uint64_t)d->offset + d->size;
}

static void shim_check(struct shim *s, uint64_t off, unsigned size)
{
	const struct mmio_ops *o = s->real;
	struct reg_desc scratch;
	const struct reg_desc *d = shim_reg(s, off, &scratch);

	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	FUZZ_CHECK(off < s->size && size <= s->size - off);
	if (o->valid)
		FUZZ_CHECK(width_ok(o->valid, off, size));
	if (o->misfit == MISFIT_ADAPT)
		/* the piece of an adapted access may run into a neighbour
		 * of the register whose widths it has */
		FUZZ_CHECK(width_ok(s->any_widths | reg_widths(s, d), off,
				    size));
	else
		FUZZ_CHECK(reg_fits(s, d, off, size));
	s->calls++;
	s->last_off = off;
	s->last_size = size;
}

static uint64_t shim_read(void *opaque, uint64_t off, unsigned size)
{
	struct shim *s = opaque;

	shim_check(s, off, size);
	return s->real->read(s->dev, off, size);
}

static void shim_write(void *opaque, uint64_t off, uint64_t val,
		       unsigned size)
{
	struct shim *s = opaque;

	shim_check(s, off, size);
#ifndef FUZZ_SKIP_KNOWN_BUGS /* see fuzz/README.md: as_write straddle path */
	FUZZ_CHECK(size == 8 || !(val >> (8 * size)));
#endif
	s->real->write(s->dev, off, val, size);
}

static void shim_init(struct shim *s, const struct mmio_ops *real, void *dev,
		      uint64_t size)
{
	memset(s, 0, sizeof(*s));
	s->real = real;
	s->dev = dev;
	s->size = size;
	s->ops = *real;
	s->ops.read = shim_read;
	s->ops.write = shim_write;
	s->any_widths = real->widths;
	for (const struct reg_desc *r = real->regs; r && r->name; r++)
		s->any_widths |= r->widths;
}

/* ---- the rig ---- */

struct rig {
	struct address_space as;
	struct region *ram;
	unsigned dev;                /* which device */
	uint8_t opt;
	uint64_t base, size;         /* the device window (CPU physical) */
	struct shim shim, ecam_shim;
	int line[NLINES];            /* last level driven on each irq line */
	int line_sets;
	uint64_t now_ns;
	int cur_hart;
	/* the devices */
	struct uart16550 uart;
	struct plic plic;
	struct clint clint;
	struct goldfish_rtc rtc;
	struct finisher fin;
	struct pci_host pci;
	struct edu edu;
	struct hypercall hc;
	unsigned ncontexts, nharts;
	int exits, resets;
	uint64_t sum;                /* bytes the host callbacks looked at */
};

static struct rig R;

static void line_set(void *opaque, int n, int level)
{
	struct rig *r = opaque;

	FUZZ_CHECK(n >= 0 && n < NLINES);
	FUZZ_CHECK(level == 0 || level == 1);
	r->line[n] = level;
	r->line_sets++;
}

static struct irq_line mkline(struct rig *r, int n)
{
	return (struct irq_line){ line_set, r, n };
}

static uint64_t clock_now(void *opaque)
{
	return ((struct rig *)opaque)->now_ns;
}

static void uart_tx(void *opaque, uint8_t byte)
{
	((struct rig *)opaque)->sum += byte;
}

static void fin_request(void *opaque, enum finish_kind kind, int code)
{
	struct rig *r = opaque;

	FUZZ_CHECK(kind == FINISH_POWEROFF || kind == FINISH_FAIL ||
		   kind == FINISH_RESET);
	FUZZ_CHECK(code >= 0 && code <= 0xffff);
	r->exits++;
}

/* ---- the hypercall host ---- */

static char share_root[64];     /* mkdtemp: share/ and outside/ under it */
static char share_dir[96], outside_dir[96];
static int share_fd = -1;
static const char secret[] = "outside the share: never written\n";

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		abort();
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static void rm_rf(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_mmio: could not remove %s\n", path);
}

static void share_cleanup(void)
{
	if (share_root[0])
		rm_rf(share_root);
	share_root[0] = 0;
}

/* The share as every input starts with it: f, d/g, a FIFO, and symlinks
 * that point outside (which must never be followed). */
static void share_reset(void)
{
	char path[256];
	DIR *d = opendir(share_dir);
	struct dirent *de;

	if (!d)
		abort();
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!strcmp(de->d_name, "d") || !strcmp(de->d_name, "fifo") ||
		    !strcmp(de->d_name, "l") || !strcmp(de->d_name, "dl"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", share_dir, de->d_name);
		if (unlink(path) < 0)
			rm_rf(path);
	}
	closedir(d);
	write_file(share_dir, "f", "hello from the host\n");
	snprintf(path, sizeof(path), "%s/d", share_dir);
	write_file(path, "g", "nested file\n");
}

static void share_setup(void)
{
	char path[256];

	const char *tmp = getenv("TMPDIR");

	snprintf(share_root, sizeof(share_root), "%s/glass-fuzz-XXXXXX",
		 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(share_root))
		abort();
	atexit(share_cleanup);
	fuzz_on_fail = share_cleanup;
	snprintf(share_dir, sizeof(share_dir), "%s/share", share_root);
	snprintf(outside_dir, sizeof(outside_dir), "%s/outside", share_root);
	if (mkdir(share_dir, 0755) < 0 || mkdir(outside_dir, 0755) < 0)
		abort();
	write_file(outside_dir, "secret", secret);
	snprintf(path, sizeof(path), "%s/d", share_dir);
	if (mkdir(path, 0755) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/fifo", share_dir);
	if (mkfifo(path, 0644) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/l", share_dir);
	if (symlink("../outside/secret", path) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/dl", share_dir);
	if (symlink("../outside", path) < 0)
		abort();
	share_fd = hostfs_open_share(share_dir);
	if (share_fd < 0)
		abort();
	share_reset();
}

/* Nothing outside the share may change: the secret file keeps its
 * contents and the outside directory and the root gain no entries. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void check_outside(void)
{
	char path[256], buf[128];

	snprintf(path, sizeof(path), "%s/secret", outside_dir);
	int fd = open(path, O_RDONLY);
	FUZZ_CHECK(fd >= 0);
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	FUZZ_CHECK(n == (ssize_t)strlen(secret) && !memcmp(buf, secret, n));
	FUZZ_CHECK(count_entries(outside_dir) == 3);
	FUZZ_CHECK(count_entries(share_root) == 4);
}

static uint64_t hc_current_hart(void *opaque)
{
	return (uint64_t)((struct rig *)opaque)->cur_hart;
}

static uint64_t hc_time_ns(void *opaque)
{
	return ((struct rig *)opaque)->now_ns;
}

static uint64_t hc_instret(void *opaque)
{
	return ((struct rig *)opaque)->now_ns / 3;
}

static void hc_exit(void *opaque, int code)
{
	FUZZ_CHECK(code >= 0 && code <= 255);
	((struct rig *)opaque)->exits++;
}

static void hc_reset(void *opaque)
{
	((struct rig *)opaque)->resets++;
}

static void hc_log(void *opaque, uint64_t hart, uint64_t instret,
		   const char *text, uint64_t len)
{
	struct rig *r = opaque;

	FUZZ_CHECK(len <= HC_DATA_SIZE);
	for (uint64_t i = 0; i < len; i++)   /* every byte must be readable */
		r->sum += (uint8_t)text[i];
}

static void hc_putc(void *opaque, uint8_t byte)
{
	((struct rig *)opaque)->sum += byte;
}

static void hc_roi(void *opaque, bool begin, uint64_t id)
{
	((struct rig *)opaque)->sum += id + begin;
}

static void hc_marker(void *opaque, uint64_t id)
{
	((struct rig *)opaque)->sum += id;
}

static void hc_stats_reset(void *opaque)
{
	((struct rig *)opaque)->sum++;
}

static int hc_stats_dump(void *opaque, const char *name)
{
	struct rig *r = opaque;
	size_t n = strlen(name);

	FUZZ_CHECK(n <= HC_DATA_SIZE);
	r->sum += n;
	return n == 3 ? -1 : 0;      /* sometimes the dump fails */
}

static uint64_t hc_trace_set(void *opaque, uint64_t mask, bool on)
{
	return mask ^ on;
}

static int hc_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	struct rig *r = opaque;

	FUZZ_CHECK(len <= HC_DMA_MAX);
	if (r->dev == 7)
		return pci_dma_read(&r->hc.pci, addr, buf, len);
	return as_dma_read(&r->as, addr, buf, len) == MEM_OK ? 0 : -1;
}

static int hc_dma_write(void *opaque, uint64_t addr, const void *buf,
			uint64_t len)
{
	struct rig *r = opaque;

	FUZZ_CHECK(len <= HC_DMA_MAX);
	if (r->dev == 7)
		return pci_dma_write(&r->hc.pci, addr, buf, len);
	return as_dma_write(&r->as, addr, buf, len) == MEM_OK ? 0 : -1;
}

static int hc_user_op(void *opaque, uint64_t op, const uint64_t arg[6],
		      uint64_t ret[2])
{
	FUZZ_CHECK(op >= HC_OP_USER_FIRST && op <= HC_OP_USER_LAST);
	FUZZ_CHECK(ret[0] == 0 && ret[1] == 0);
	ret[0] = arg[0] + arg[5];
	ret[1] = op;
	return op == 0xff ? -HC_EINVAL : 0;
}

/* ---- building the rig ---- */

static void add_device(struct rig *r, enum virt_region which,
		       const struct mmio_ops *ops, void *dev)
{
	const struct virt_map_entry *e = &virt_map[which];

	r->base = e->base;
	r->size = e->size;
	shim_init(&r->shim, ops, dev, e->size);
	FUZZ_CHECK(as_add_mmio(&r->as, e->name, e->base, e->size, 1,
			       &r->shim.ops, &r->shim));
}

#define ECAM_BASE (virt_map[VIRT_PCIE_ECAM].base)
#define SLOT 1

/* A PCIe host bridge like the virt board's, with the function in slot 1
 * and its BAR0 assigned and enabled by "firmware" (unless opt bit 1). */
static void add_pci(struct rig *r, struct pci_func *f)
{
	const struct virt_map_entry *io = &virt_map[VIRT_PCIE_PIO];
	const struct virt_map_entry *m32 = &virt_map[VIRT_PCIE_MMIO];
	const struct virt_map_entry *m64 = &virt_map[VIRT_PCIE_MMIO_HIGH];
	const struct virt_map_entry *ecam = &virt_map[VIRT_PCIE_ECAM];
	static const uint64_t offsets[4] = { 0, 0x20000000, 0x40000000, 0 };
	uint64_t off = offsets[(r->opt >> 2) & 3];
	struct pci_window w_io = { PCI_WIN_IO, io->base, 0, io->size, NULL };
	struct pci_window w_m32 = { PCI_WIN_MEM32, m32->base, m32->base - off,
				    m32->size, NULL };
	struct pci_window w_m64 = { PCI_WIN_MEM64, m64->base, m64->base - off,
				    m64->size, NULL };
	struct pci_window w_in = { PCI_WIN_MEM64, RAM_BASE, RAM_BASE - off,
				   RAM_SIZE, NULL };
	struct irq_line intx[PCI_NUM_INTX];

	for (int i = 0; i < PCI_NUM_INTX; i++)
		intx[i] = mkline(r, 32 + i);
	FUZZ_CHECK(pci_host_init(&r->pci, &r->as, ecam->base, ecam->size,
				 &w_io, &w_m32, &w_m64, &w_in, intx) == 0);
	/* the ECAM region gets a contract shim too */
	for (int i = 0; i < r->as.nregions; i++) {
		struct region *g = &r->as.regions[i];
		if (g->ops == &pci_ecam_ops) {
			shim_init(&r->ecam_shim, &pci_ecam_ops, g->dev, g->size);
			g->ops = &r->ecam_shim.ops;
			g->dev = &r->ecam_shim;
		}
	}
	/* and so does BAR0 */
	struct pci_bar *b = &f->bars[0];
	shim_init(&r->shim, b->ops, b->dev, b->size);
	b->ops = &r->shim.ops;
	b->dev = &r->shim;
	FUZZ_CHECK(pci_host_plug(&r->pci, f, SLOT) == 0);
	r->base = m32->base + 0x100000;
	r->size = b->size;
	if (!(r->opt & 2)) {
		uint64_t cfg = ECAM_BASE + (SLOT << 15);
		as_write(&r->as, cfg + PCI_BAR0, 4, r->base - off);
		as_write(&r->as, cfg + PCI_COMMAND, 2,
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
		FUZZ_CHECK(b->mapped && b->region->base == r->base);
	}
}

static void rig_build(struct rig *r, unsigned dev, uint8_t opt)
{
	struct vclock clock = { clock_now, r };
	struct irq_line lines[PLIC_MAX_CONTEXTS], msip[CLINT_MAX_HARTS],
		mtip[CLINT_MAX_HARTS];

	memset(r, 0, offsetof(struct rig, uart));
	r->dev = dev;
	r->opt = opt;
	r->now_ns = 1000;
	as_init(&r->as);
	r->ram = as_add_ram(&r->as, "ram", RAM_BASE, RAM_SIZE);
	FUZZ_CHECK(r->ram);
	static uint8_t pattern[RAM_SIZE];
	if (!pattern[0])   /* once: loops here cost coverage callbacks */
		for (unsigned i = 0; i < RAM_SIZE; i++)
			pattern[i] = (uint8_t)(i * 13 + 7);
	memcpy(r->ram->host, pattern, RAM_SIZE);
	for (int i = 0; i < PLIC_MAX_CONTEXTS; i++)
		lines[i] = mkline(r, i);
	for (int i = 0; i < CLINT_MAX_HARTS; i++) {
		msip[i] = mkline(r, 16 + i);
		mtip[i] = mkline(r, 24 + i);
	}

	switch (dev) {
	case 0:
		uart16550_init(&r->uart, mkline(r, 40), uart_tx, r);
		add_device(r, VIRT_UART0, &uart16550_ops, &r->uart);
		break;
	case 1:
		r->ncontexts = 1 + opt % PLIC_MAX_CONTEXTS;
		plic_init(&r->plic, (opt & 0x10) ? VIRT_PLIC_SOURCES : 33,
			  r->ncontexts, lines);
		add_device(r, VIRT_PLIC, &plic_ops, &r->plic);
		break;
	case 2:
		r->nharts = 1 + opt % CLINT_MAX_HARTS;
		clint_init(&r->clint, r->nharts, clock, msip, mtip);
		add_device(r, VIRT_CLINT, &clint_ops, &r->clint);
		break;
	case 3:
		goldfish_rtc_init(&r->rtc, clock, (int64_t)((uint64_t)opt << 56),
				  mkline(r, 41));
		add_device(r, VIRT_RTC, &goldfish_rtc_ops, &r->rtc);
		break;
	case 4:
		finisher_init(&r->fin, (opt & 1) ? fin_request : NULL, r);
		add_device(r, VIRT_TEST, &finisher_ops, &r->fin);
		break;
	case 5:
		edu_init(&r->edu, (opt & 1) ? ~0ull : EDU_DEFAULT_DMA_MASK);
		add_pci(r, &r->edu.pci);
		break;
	default: {
		struct hc_host host = {
			.opaque = r, .current_hart = hc_current_hart,
			.time_ns = hc_time_ns, .instret = hc_instret,
			.exit = hc_exit, .reset = hc_reset, .log = hc_log,
			.putc = hc_putc, .dma_read = hc_dma_read,
			.dma_write = hc_dma_write,
			/* the walk or openat2, per input */
			.share = { .dirfd = (opt & 0x40) ? -1 : share_fd,
				   .force_walk = opt & 0x20 },
		};
		if (!(opt & 0x80)) {
			/* the optional callbacks, most of the time */
			host.roi = hc_roi;
			host.marker = hc_marker;
			host.stats_reset = hc_stats_reset;
			host.stats_dump = hc_stats_dump;
			host.trace_set = hc_trace_set;
			host.user_op = hc_user_op;
		}
		hypercall_init(&r->hc, &host, 1 + (opt & 15));
		if (dev == 7) {
			hypercall_pci_init(&r->hc);
			add_pci(r, &r->hc.pci);
		} else {
			add_device(r, VIRT_HYPERCALL, &hypercall_ops, &r->hc);
		}
		break;
	}
	}
}

/* ---- operations ---- */

/* What the contract says an access of `size` at device offset `off` must
 * come to, worked out here on its own. */
enum expect { EXP_ANY, EXP_CALL, EXP_FAULT, EXP_ONES, EXP_ZERO };

static enum expect expect(const struct shim *s, uint64_t off, unsigned size)
{
	const struct mmio_ops *o = s->real;
	struct reg_desc scratch;

	if (o->valid && !width_ok(o->valid, off, size))
		return EXP_FAULT;
	if (o->misfit == MISFIT_ADAPT)
		return EXP_ANY;     /* the shim checks the pieces */
	if (reg_fits(s, shim_reg(s, off, &scratch), off, size))
		return EXP_CALL;
	return o->misfit == MISFIT_FAULT ? EXP_FAULT :
	       o->misfit == MISFIT_ONES  ? EXP_ONES :
					   EXP_ZERO;
}

/* The shim of the device window an access lies entirely in, or NULL. */
static struct shim *window_of(struct rig *r, uint64_t pa, unsigned size,
			      uint64_t *off)
{
	const struct flat_range *f = as_lookup(&r->as, pa);

	if (!f || pa + (size - 1) < pa || pa + (size - 1) > f->end ||
	    f->r->kind != REGION_MMIO)
		return NULL;
	*off = pa - f->r->base;
	if (f->r->ops == &r->shim.ops)
		return &r->shim;
	if (f->r->ops == &r->ecam_shim.ops)
		return &r->ecam_shim;
	return NULL;
}

static void bus_access(struct rig *r, uint64_t pa, unsigned size, bool write,
		       uint64_t val)
{
	uint64_t off = 0, v = 0x5a5a5a5a5a5a5a5aull;
	struct shim *s = window_of(r, pa, size, &off);
	enum expect x = s ? expect(s, off, size) : EXP_ANY;
	uint64_t calls = s ? s->calls : 0;
	enum mem_status st;

	r->as.origin.initiator = r->cur_hart;
	st = write ? as_write(&r->as, pa, size, val) :
		     as_read(&r->as, pa, size, &v);
	if (!write && st == MEM_OK)
		FUZZ_CHECK(size == 8 || !(v >> (8 * size)));
	switch (x) {
	case EXP_ANY:
		break;
	case EXP_CALL:
		FUZZ_CHECK(st == MEM_OK && s->calls == calls + 1 &&
			   s->last_off == off && s->last_size == size);
		break;
	case EXP_FAULT:
		FUZZ_CHECK(st == MEM_REFUSED && s->calls == calls);
		break;
	case EXP_ONES:
	case EXP_ZERO:
		FUZZ_CHECK(st == MEM_OK && s->calls == calls);
		if (!write && x == EXP_ZERO)
			FUZZ_CHECK(v == 0);
		else if (!write)
			FUZZ_CHECK(v == ~0ull >> (64 - 8 * size));
		break;
	}
}

/* An address in config space: mostly our function, sometimes the bridge,
 * an absent slot, another function number or bus. */
static uint64_t ecam_addr(uint32_t sel)
{
	unsigned reg = sel & 0xfff, slot, fn = 0, bus = 0;

	switch ((sel >> 12) & 3) {
	case 0: slot = 0; break;
	case 1: case 2: slot = SLOT; break;
	default: slot = (sel >> 14) & 31; break;
	}
	if (sel & (1u << 19))
		fn = (sel >> 20) & 7;
	if (sel & (1u << 23))
		bus = (sel >> 16) & 0xff;
	return ECAM_BASE + ((uint64_t)bus << 20 | slot << 15 | fn << 12 | reg);
}

/* A bus address for DMA: RAM (through the inbound window), its edges, or
 * anything. */
static uint64_t dma_addr(struct rig *r, uint64_t v)
{
	uint64_t off = r->dev >= 5 ? r->pci.inbound.cpu_base -
				     r->pci.inbound.bus_base : 0;
	switch (v >> 62) {
	case 0: return RAM_BASE - off + (v & 0xffff);
	case 1: return RAM_BASE - off + RAM_SIZE - (v & 0xfff);
	case 2: return v & 0xffffffff;
	default: return v;
	}
}

static const char *const hc_names[] = {
	"f", "d/g", "l", "dl/secret", "../outside/secret", "/etc/passwd",
	"a//b", "new", "./f", "d/../f", "fifo", "d", "d/", "", "dl",
	"new2/x", "f/", ".", "..",
};

/* A whole hypercall: name in DATA, OP, ARG0..3, DOORBELL, read STATUS. */
static void hc_macro(struct rig *r, uint64_t val, uint32_t sel)
{
	static const uint64_t ops[] = {
		HC_OP_PING, HC_OP_EXIT, HC_OP_LOG, HC_OP_ROI_BEGIN,
		HC_OP_ROI_END, HC_OP_MARKER, HC_OP_STATS_RESET,
		HC_OP_STATS_DUMP, HC_OP_CHECKPOINT, HC_OP_HOST_READ,
		HC_OP_HOST_WRITE, HC_OP_TRACE, 0x80, 0xff, 0x100, 0x13,
	};
	unsigned ch = 1 + (sel & 15) % r->hc.nchannels;
	uint64_t page = r->base + ch * HC_PAGE_SIZE;
	const char *name = hc_names[(sel >> 4) % (sizeof(hc_names) /
						   sizeof(hc_names[0]))];
	size_t namelen = strlen(name);
	uint64_t op = ops[(sel >> 9) & 15];

	for (size_t i = 0; i < namelen; i++)
		bus_access(r, page + HC_DATA_OFFSET + i, 1, true,
			   (uint8_t)name[i]);
	if (sel & (1u << 13))
		namelen += (val >> 40) & 3;    /* a name with stray bytes */
	bus_access(r, page + HC_CH_OP, 8, true, op);
	bus_access(r, page + HC_CH_ARG0, 8, true,
		   (sel & (1u << 14)) ? (val & 0x1fff) : namelen);
	bus_access(r, page + HC_CH_ARG0 + 8, 8, true, (val >> 16) & 0xff);
	bus_access(r, page + HC_CH_ARG0 + 16, 8, true, val & 0x1ffff);
	bus_access(r, page + HC_CH_ARG0 + 24, 8, true,
		   (sel & (1u << 15)) ? dma_addr(r, val * 0x9e3779b97f4a7c15ull)
				      : 0);
	bus_access(r, page + HC_CH_ARG0 + 32, 8, true, (sel >> 16) & 1);
	bus_access(r, page + HC_CH_DOORBELL, (sel & (1u << 17)) ? 4 : 8, true,
		   1);
	bus_access(r, page + HC_CH_STATUS, 8, false, 0);
	bus_access(r, page + HC_CH_RET0, 8, false, 0);
}

/* A whole edu DMA: source, destination, count, command. */
static void edu_macro(struct rig *r, uint64_t val, uint32_t sel)
{
	bool to_ram = sel & 1;
	uint64_t buf = EDU_DMA_BUF_ADDR + ((sel >> 1) & 0x1fff) - 0x100;
	uint64_t bus = dma_addr(r, val);
	uint64_t cnt = (sel >> 14) & 0x3ff;

	if (sel & (1u << 12))
		cnt = val >> 32;
	bus_access(r, r->base + EDU_REG_DMA_SRC, 8, true, to_ram ? buf : bus);
	bus_access(r, r->base + EDU_REG_DMA_DST, 8, true, to_ram ? bus : buf);
	bus_access(r, r->base + EDU_REG_DMA_COUNT, 8, true, cnt);
	bus_access(r, r->base + EDU_REG_DMA_CMD, (sel & (1u << 13)) ? 4 : 8,
		   true, EDU_DMA_CMD_START | (to_ram ? EDU_DMA_CMD_TO_RAM : 0) |
		   ((sel >> 24) & 1 ? EDU_DMA_CMD_IRQ : 0));
	bus_access(r, r->base + EDU_REG_IRQ_STATUS, 4, false, 0);
}

/* Something happening on the device's other side. */
static void event(struct rig *r, uint64_t val, uint32_t sel)
{
	switch (r->dev) {
	case 0:
		if (uart16550_can_receive(&r->uart) || (sel & 1))
			uart16550_receive(&r->uart, (uint8_t)val);
		break;
	case 1:
		plic_set_irq(&r->plic, (int)(sel % 100) - 2, (val & 1));
		break;
	case 2:
		clint_update(&r->clint);
		(void)clint_ns_until_next(&r->clint);
		break;
	case 3:
		goldfish_rtc_update(&r->rtc);
		break;
	case 5:
		if (sel & 0x800000)
			pci_host_reset(&r->pci);
		else
			edu_macro(r, val, sel);
		break;
	case 6:
	case 7:
		if ((sel & 0x3f0000) == 0x3f0000) {
			if (r->dev == 7)
				pci_host_reset(&r->pci);
			else
				hypercall_reset(&r->hc);
		} else {
			hc_macro(r, val, sel);
		}
		break;
	default:
		break;
	}
}

/* ---- invariants ---- */

static void check_plic(struct rig *r)
{
	const struct plic *p = &r->plic;
	enum { WORDS = (PLIC_MAX_SOURCES + 31) / 32 };
	uint32_t valid[WORDS] = { 0 };

	for (unsigned s = 1; s < p->nsources; s++)
		valid[s / 32] |= 1u << (s % 32);
	for (unsigned w = 0; w < WORDS; w++) {
		FUZZ_CHECK(!(p->pending[w] & p->claimed[w]));
		FUZZ_CHECK(!(p->pending[w] & ~valid[w]));
		FUZZ_CHECK(!(p->claimed[w] & ~valid[w]));
	}
	/* each context's output: some pending, enabled source above the
	 * threshold (only the set bits are looked at) */
	for (unsigned c = 0; c < p->ncontexts; c++) {
		bool want = false;
		for (unsigned w = 0; w < WORDS && !want; w++) {
			uint32_t cand = p->pending[w] & p->enable[c][w];
			while (cand && !want) {
				unsigned b = (unsigned)__builtin_ctz(cand);
				cand &= cand - 1;
				want = p->priority[w * 32 + b] > p->threshold[c];
			}
		}
		FUZZ_CHECK(r->line[c] == want);
	}
}

static void check_pci(struct rig *r, struct pci_func *f)
{
	unsigned n = 0;

	for (int i = 0; i < PCI_NUM_INTX; i++) {
		FUZZ_CHECK(r->pci.intx_count[i] <= 1);
		FUZZ_CHECK(r->line[32 + i] == (r->pci.intx_count[i] > 0));
		n += r->pci.intx_count[i];
	}
	bool want = f->intx_level && f->cfg[PCI_INTERRUPT_PIN] &&
		    !(pci_get_word(f, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
	FUZZ_CHECK(f->intx_asserted == want);
	FUZZ_CHECK(n == (unsigned)want);
	/* a mapped BAR decodes where its register says, inside a window */
	struct pci_bar *b = &f->bars[0];
	if (b->mapped) {
		FUZZ_CHECK(b->region->enabled);
		FUZZ_CHECK(b->bus_addr == pci_bar_address(f, 0));
	} else {
		FUZZ_CHECK(!b->region->enabled);
	}
}

static void check(struct rig *r)
{
	switch (r->dev) {
	case 0:
		FUZZ_CHECK(r->uart.rx_count <= UART_FIFO_SIZE);
		FUZZ_CHECK(r->uart.rx_head < UART_FIFO_SIZE);
		FUZZ_CHECK(r->line[40] == (r->uart.iir_pending != 0x01));
		break;
	case 1:
		check_plic(r);
		break;
	case 2:
		for (unsigned h = 0; h < r->nharts; h++) {
			FUZZ_CHECK(r->clint.msip[h] <= 1);
			FUZZ_CHECK(r->line[16 + h] == (int)r->clint.msip[h]);
		}
		break;
	case 3:
		FUZZ_CHECK(r->line[41] == (r->rtc.irq_pending &&
					   r->rtc.irq_enabled));
		break;
	case 5:
		FUZZ_CHECK(r->edu.pci.intx_level == (r->edu.irq_status != 0));
		check_pci(r, &r->edu.pci);
		break;
	case 7:
		check_pci(r, &r->hc.pci);
		/* fall through */
	case 6:
		for (unsigned c = 0; c < HC_MAX_CHANNELS; c++) {
			int64_t st = r->hc.ch[c].status;
			FUZZ_CHECK(st == 0 || st == -HC_ENOENT || st == -HC_EIO ||
				   st == -HC_EACCES || st == -HC_EFAULT ||
				   st == -HC_EBUSY || st == -HC_EINVAL ||
				   st == -HC_ENOSYS);
		}
		break;
	}
}

/* A named register of the device (for kind 7), from its table or its
 * reg_at function, +/- a few bytes. */
static uint64_t named_offset(struct rig *r, uint32_t sel)
{
	const struct mmio_ops *o = r->shim.real;
	const struct reg_desc *regs = o->regs, *d;
	struct reg_desc scratch;
	unsigned n = 0;

	if (o->reg_at) {
		d = o->reg_at(((sel & 0xffff) * r->size) >> 16, &scratch,
			      NULL, 0);
		if (!d)
			return sel % r->size;
		return d->offset + ((sel >> 16) & 15) - 4;
	}
	if (!regs)
		return sel % r->size;
	while (regs[n].name)
		n++;
	if (!n)
		return sel % r->size;
	return regs[(sel & 0xffff) % n].offset + ((sel >> 16) & 15) - 4;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig *r = &R;
	struct in in = { data, size };
	unsigned dev = in_u8(&in) % 8;
	uint8_t opt = in_u8(&in);
	uint8_t trace = in_u8(&in);

	if (dev >= 6) {
		if (share_fd < 0)
			share_setup();   /* once, the first time it is needed */
		share_reset();
	}
	rig_build(r, dev, opt);
	r->as.sink = fuzz_trace_setup(trace, dev >= 5 ? &r->pci : NULL,
				      &r->as, NULL, 0);
	if (r->as.sink)
		r->pci.sink = r->as.sink;
	check(r);

	for (int n = 0; n < MAX_OPS && in.n; n++) {
		uint8_t b0 = in_u8(&in);
		uint32_t sel = (uint32_t)in_bytes(&in, 3);
		uint64_t val = in_u64(&in);
		unsigned w = 1u << (b0 & 3);
		bool write = b0 & 4;
		unsigned kind = (b0 >> 3) & 7;
		uint64_t pa;

		r->cur_hart = (b0 >> 6) * 40 + (sel >> 23); /* up to 121 */
		switch (kind) {
		case 4:
			if (dev == 5 || dev == 7)
				pa = ecam_addr(sel);
			else
				pa = r->base + named_offset(r, sel);
			bus_access(r, pa, w, write, val);
			break;
		case 5:
			event(r, val, sel);
			break;
		case 6:
			r->now_ns += (sel & 0x800000) ? val >> (sel & 63)
						       : (sel & 0xfffff);
			if (r->now_ns > (1ull << 62))
				r->now_ns = 1ull << 62;
			break;
		case 7:
			bus_access(r, r->base + named_offset(r, sel), w, write,
				   val);
			break;
		default:
			pa = r->base + sel % (r->size + 16) - 8;
			bus_access(r, pa, w, write, val);
			break;
		}
		check(r);
	}
	if (dev >= 6)
		check_outside();

	fuzz_trace_finish(r->as.sink, trace & 2);
	as_destroy(&r->as);
	return 0;
}
