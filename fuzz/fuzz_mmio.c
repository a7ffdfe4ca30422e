/* libFuzzer target: one device at a time, made by the device framework
 * (device_create, as the board and -device make them) and driven the way a
 * CPU drives it: as_read/as_write in a real address space, so the bus's
 * valid/impl adaptation and register tables are fuzzed together with the
 * device. The first byte picks the device:
 *
 *   0 UART 16550   1 PLIC   2 CLINT   3 goldfish RTC   4 test finisher
 *   5 edu behind a PCIe host bridge (ECAM + BAR0, DMA through the bridge)
 *   6 hypercall device, platform instance (fake host callbacks, a temp
 *     --share directory, DMA at physical addresses)
 *   7 hypercall device, PCI instance (DMA through the bridge)
 *
 * Platform devices sit where the board's memory map puts them. Every class
 * of machine_classes[] but the virtio ones (fuzz_virtio has those) must be
 * one of these (the hypercall classes need a machine, so stand-ins of the
 * same name give the same model a fake host):
 * a new class fails the first run until it is added here.
 *
 * Byte 1 holds options (below), byte 2 the trace selector (fuzz_common.h),
 * then 12-byte operation records:
 *   b0: bits 0-1 width (1 2 4 8), bit 2 write, bits 3-5 kind, bits 6-7 hart
 *   b1..b3: offset selector, b4..b11: value
 * kinds: 0-3 device window access (offset modulo the window, a little
 * below and past it too), 4 ECAM config access (PCI devices; others: a
 * named register), 5 a device-side event, a DMA/hypercall macro or a
 * device reset, 6 time passes (due timers fire), 7 an access at a named
 * register (from one of the device's register tables) +/- a few bytes.
 *
 * Every region in the address space (the device's, ECAM, the PCI windows'
 * backstops) gets a shim (fuzz_contract.h) that checks each call against
 * the access contract of include/glass/bus.h, worked out there on its
 * own, and every access must come to exactly what the contract says: the
 * calls each region gets, in order, with their values (split, widened,
 * read-modify-write), the value read, the status, and the guest-error and
 * mmio events. Interrupt lines must agree with device state, a device
 * reset must leave every line low, DMA must stay inside RAM, and the
 * share's neighbours must stay untouched.
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
#include "device/chardev.h"
#include "device/device.h"
#include "fuzz_common.h"
#include "fuzz_contract.h"
#include "machine/classes.h"
#include "machine/virt.h"
#include "mem/address_space.h"
#include "pci/host.h"
#include "virtio/dev/classes.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define MAX_OPS 256
#define NLINES 40
#define INTX_LINE 32        /* the bridge's INTA..INTD: lines 32..35 */

/* ---- the rig ---- */

/* The devices this target drives. */
struct fdev {
	const struct glass_device_class *cls;
	int row;                     /* platform: the board's map row */
	bool lines_per_hart;         /* 2 lines per hart (PLIC, CLINT) */
};

struct rig {
	struct address_space as;
	struct region *ram;
	struct vclock clock;
	uint64_t now_ns;
	struct device_env env;
	struct pci_host pci;
	struct fuzz_sink fsink;
	struct chardev serial;
	const struct fdev *fd;
	unsigned which;              /* index of fd */
	struct glass_device *dev;
	uint8_t opt;
	uint64_t base, size;         /* the device window (CPU physical) */
	struct contract con;         /* the shims, who accesses */
	/* the machine around the device */
	int line[NLINES];            /* last level driven on each line */
	unsigned nlines;             /* the device's platform lines */
	unsigned nharts, nsources;
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
}

static struct irq_line mkline(struct rig *r, int n)
{
	return (struct irq_line){ line_set, r, n };
}

static uint64_t clock_now(void *opaque)
{
	return ((struct rig *)opaque)->now_ns;
}

static void serial_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct rig *r = opaque;

	for (size_t i = 0; i < len; i++)
		r->sum += buf[i];
}

static struct chardev *find_chardev(void *opaque, const char *id)
{
	struct rig *r = opaque;

	return !strcmp(id, "serial0") ? &r->serial : NULL;
}

static void request(void *opaque, enum glass_request req, int code)
{
	struct rig *r = opaque;

	FUZZ_CHECK(req == GLASS_REQUEST_POWEROFF ||
		   req == GLASS_REQUEST_RESET || req == GLASS_REQUEST_EXIT);
	FUZZ_CHECK(req == GLASS_REQUEST_EXIT ? code >= 1 && code <= 255 :
					       code == 0);
	r->exits++;
}

static void quiet_log(void *opaque, const char *device, const char *text)
{
	((struct rig *)opaque)->sum += strlen(text);
}

/* DMA stays inside guest RAM, and within what the device may move. */
static void dma_check(const struct bus_event *e)
{
	if (e->kind != EVK_DMA || !e->dma.ok)
		return;
	FUZZ_CHECK(e->dma.pa >= RAM_BASE && e->dma.len <= RAM_SIZE &&
		   e->dma.pa - RAM_BASE <= RAM_SIZE - e->dma.len);
	FUZZ_CHECK(e->dma.len <= (R.which == 5 ? EDU_DMA_BUF_SIZE :
				  HC_DMA_MAX));
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

static void hc_log(void *opaque, const struct glass_attrs *who,
		   uint64_t instret, const char *text, uint64_t len)
{
	struct rig *r = opaque;

	FUZZ_CHECK(who == &r->con.who);
	FUZZ_CHECK(len <= HC_DATA_SIZE);
	for (uint64_t i = 0; i < len; i++)   /* every byte must be readable */
		r->sum += (uint8_t)text[i];
}

static void hc_putc(void *opaque, uint8_t byte)
{
	((struct rig *)opaque)->sum += byte;
}

static void hc_roi(void *opaque, const struct glass_attrs *who, bool begin,
		   uint64_t id)
{
	FUZZ_CHECK(who == &((struct rig *)opaque)->con.who);
	((struct rig *)opaque)->sum += id + begin;
}

static void hc_marker(void *opaque, const struct glass_attrs *who,
		      uint64_t id)
{
	FUZZ_CHECK(who == &((struct rig *)opaque)->con.who);
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

static int hc_user_op(void *opaque, uint64_t op, const uint64_t arg[6],
		      uint64_t ret[2])
{
	FUZZ_CHECK(op >= HC_OP_USER_FIRST && op <= HC_OP_USER_LAST);
	FUZZ_CHECK(ret[0] == 0 && ret[1] == 0);
	ret[0] = arg[0] + arg[5];
	ret[1] = op;
	return op == 0xff ? -HC_EINVAL : 0;
}

static void hc_op_done(void *opaque, const struct glass_attrs *who,
		       unsigned channel, uint64_t op, const uint64_t arg[6],
		       int64_t status, const uint64_t ret[2])
{
	struct rig *r = opaque;
	struct hypercall *h = device_self(r->dev);

	FUZZ_CHECK(who == &r->con.who);
	FUZZ_CHECK(channel >= 1 && channel <= h->nchannels);
	FUZZ_CHECK(status <= 0);
}

/* The hypercall device on either transport, with the host above and
 * 1..15 channels from the options (the machine's classes take their
 * services from the machine: machine/hypercall_host.c). */
static int hc_realize(void *self, struct glass_device *dev, bool pci)
{
	struct rig *r = &R;
	uint8_t opt = r->opt;
	struct hc_host host = {
		.opaque = r, .time_ns = hc_time_ns, .instret = hc_instret,
		.exit = hc_exit, .reset = hc_reset, .log = hc_log,
		.putc = hc_putc,
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
		host.op_done = hc_op_done;
	}
	return hypercall_realize(self, dev, &host, 1 + (opt & 15), pci);
}

static int hc_pci_realize(void *self, struct glass_device *dev)
{
	return hc_realize(self, dev, true);
}

static int hc_mmio_realize(void *self, struct glass_device *dev)
{
	return hc_realize(self, dev, false);
}

static const struct glass_device_class hc_pci_class = {
	.name = "glass-hypercall",
	.desc = "the hypercall device with a fuzzing host",
	.bus = GLASS_BUS_PCI,
	.instance_size = sizeof(struct hypercall),
	.state_size = sizeof(struct hc_state),
	.pci = { .vendor = HC_VENDOR_ID, .device = HC_DEVICE_ID,
		 .class_code = HC_CLASS },
	.realize = hc_pci_realize,
	.reset = hypercall_reset,
	.info = hypercall_info,
};

static const struct glass_device_class hc_mmio_class = {
	.name = "glass-hypercall-mmio",
	.desc = "the hypercall device with a fuzzing host, platform",
	.bus = GLASS_BUS_PLATFORM,
	.instance_size = sizeof(struct hypercall),
	.state_size = sizeof(struct hc_state),
	.platform_size = HC_WINDOW_SIZE,
	.realize = hc_mmio_realize,
	.reset = hypercall_reset,
	.info = hypercall_info,
};

static const struct fdev fdevs[8] = {
	{ &uart16550_class, VIRT_UART0, false },
	{ &plic_class, VIRT_PLIC, true },
	{ &clint_class, VIRT_CLINT, true },
	{ &goldfish_rtc_class, VIRT_RTC, false },
	{ &finisher_class, VIRT_TEST, false },
	{ &edu_class, -1, false },
	{ &hc_mmio_class, VIRT_HYPERCALL, false },
	{ &hc_pci_class, -1, false },
};

/* Every class the machine has is driven here (or its stand-in), except
 * the virtio devices: fuzz_virtio drives those. */
static void check_coverage(void)
{
	for (const struct glass_device_class *const *c = machine_classes;
	     *c; c++) {
		bool found = virtio_class_ops(*c, NULL) != NULL;
		for (unsigned i = 0; i < 8; i++)
			found |= !strcmp(fdevs[i].cls->name, (*c)->name);
		FUZZ_CHECK(found);
	}
}

/* ---- building the rig ---- */

#define ECAM_BASE (virt_map[VIRT_PCIE_ECAM].base)

/* A PCIe host bridge like the virt board's. */
static void add_pci(struct rig *r)
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
		intx[i] = mkline(r, INTX_LINE + i);
	FUZZ_CHECK(pci_host_init(&r->pci, &r->as, ecam->base, ecam->size,
				 &w_io, &w_m32, &w_m64, &w_in, intx) == 0);
	r->env.pci = &r->pci;
}

/* The function in slot 1 gets its BAR0 assigned and enabled by
 * "firmware" (unless opt bit 1). */
static void assign_bar0(struct rig *r)
{
	const struct virt_map_entry *m32 = &virt_map[VIRT_PCIE_MMIO];
	struct pci_func *f = r->dev->pci;
	struct pci_bar *b = &f->bars[0];
	uint64_t cfg = ECAM_BASE + ((uint64_t)(f->devfn >> 3) << 15);

	r->base = m32->base + 0x100000;
	r->size = b->size;
	if (r->opt & 2)
		return;
	uint64_t bus = r->base - (r->pci.windows[PCI_WIN_MEM32].cpu_base -
				  r->pci.windows[PCI_WIN_MEM32].bus_base);
	FUZZ_CHECK(contract_access(&r->con, cfg + PCI_BAR0, 4, true, bus,
				   NULL) == MEM_OK);
	FUZZ_CHECK(contract_access(&r->con, cfg + PCI_COMMAND, 2, true,
				   PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
				   NULL) == MEM_OK);
	FUZZ_CHECK(b->mapped && b->region->base == r->base);
}

/* Properties from the options, as the board or a user would give them. */
static void props_for(struct rig *r, char *buf, size_t len)
{
	uint8_t opt = r->opt;

	switch (r->which) {
	case 0:
		snprintf(buf, len, (opt & 1) ? "chardev=serial0,id=uart0" : "");
		break;
	case 1:
		r->nharts = 1 + opt % (PLIC_MAX_CONTEXTS / 2);
		r->nsources = (opt & 0x10) ? VIRT_PLIC_SOURCES : 33;
		snprintf(buf, len, "harts=%u,sources=%u", r->nharts,
			 r->nsources);
		break;
	case 2:
		r->nharts = 1 + opt % CLINT_MAX_HARTS;
		snprintf(buf, len, "harts=%u", r->nharts);
		break;
	case 3:
		snprintf(buf, len, "base=%llu.%03u",
			 (unsigned long long)opt * 35000000, opt * 3u);
		break;
	case 5:
		snprintf(buf, len, "dma_mask=%s",
			 (opt & 1) ? "0xffffffffffffffff" : "0xfffffff");
		break;
	default:
		buf[0] = 0;
		break;
	}
}

static void rig_build(struct rig *r, unsigned which, uint8_t opt,
		      uint8_t trace)
{
	char props[64];

	memset(r, 0, sizeof(*r));
	r->which = which;
	r->fd = &fdevs[which];
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
	struct event_sink *tr = fuzz_trace_setup(trace, &r->as, NULL, 0);
	r->as.sink = fuzz_sink_init(&r->fsink, tr, trace);
	r->fsink.check = dma_check;
	contract_init(&r->con, &r->as, &r->fsink);
	r->clock = (struct vclock){ .now_ns = clock_now, .opaque = r };
	r->serial = (struct chardev){ .id = "serial0", .write = serial_write,
				      .opaque = r };
	r->env = (struct device_env){
		.as = &r->as, .sink = r->as.sink, .clock = &r->clock,
		.nharts = 1, .request = (opt & 1) || which != 4 ? request : NULL,
		.chardev = find_chardev, .log = quiet_log, .opaque = r,
	};
	props_for(r, props, sizeof(props));
	if (r->fd->row < 0) {
		add_pci(r);
		r->pci.sink = r->as.sink;
		r->dev = device_create(&r->env, r->fd->cls, props, NULL,
				       r->fd->cls->name);
		FUZZ_CHECK(r->dev && r->dev->pci);
	} else {
		const struct virt_map_entry *e = &virt_map[r->fd->row];
		struct platform_place p = { .name = e->name, .base = e->base,
					    .size = e->size };
		p.nirqs = r->fd->lines_per_hart ? 2 * r->nharts :
			  r->fd->cls->platform_irqs;
		for (unsigned i = 0; i < p.nirqs; i++)
			p.irqs[i] = mkline(r, (int)i);
		r->nlines = p.nirqs;
		r->base = e->base;
		r->size = e->size;
		r->dev = device_create(&r->env, r->fd->cls, props, &p,
				       r->fd->cls->name);
		FUZZ_CHECK(r->dev);
	}
	contract_shim_all(&r->con);
	if (r->dev->pci)
		assign_bar0(r);
}

/* An access by the current hart, checked against the contract. */
static void bus_access(struct rig *r, uint64_t pa, unsigned size, bool write,
		       uint64_t val)
{
	contract_access(&r->con, pa, size, write, val, NULL);
}

/* ---- operations ---- */

/* An address in config space: mostly our function, sometimes the bridge,
 * an absent slot, another function number or bus. */
static uint64_t ecam_addr(struct rig *r, uint32_t sel)
{
	unsigned reg = sel & 0xfff, slot, fn = 0, bus = 0;

	switch ((sel >> 12) & 3) {
	case 0: slot = 0; break;
	case 1: case 2: slot = r->dev->pci->devfn >> 3; break;
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
	uint64_t off = r->dev->pci ? r->pci.inbound.cpu_base -
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
	struct hypercall *h = device_self(r->dev);
	unsigned ch = 1 + (sel & 15) % h->nchannels;
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

static void check_lines_low(struct rig *r);

/* A device reset, as a machine reset does it: nothing raised survives. */
static void reset_device(struct rig *r)
{
	device_reset(r->dev);
	check_lines_low(r);
}

/* Something happening on the device's other side. */
static void event(struct rig *r, uint64_t val, uint32_t sel)
{
	if ((sel & 0xf00000) == 0xf00000) {
		reset_device(r);
		return;
	}
	switch (r->which) {
	case 0:
		if (r->serial.can_receive(r->serial.fe) || (sel & 1))
			r->serial.receive(r->serial.fe, (uint8_t)val);
		break;
	case 1:
		plic_set_irq(device_self(r->dev), (int)(sel % 100) - 2,
			     (val & 1));
		break;
	case 5:
		if (sel & 0x800000)
			pci_host_reset(&r->pci);
		else
			edu_macro(r, val, sel);
		break;
	case 6:
	case 7:
		if ((sel & 0x3f0000) == 0x3f0000 && r->dev->pci)
			pci_host_reset(&r->pci);
		else
			hc_macro(r, val, sel);
		break;
	default:
		vclock_run(&r->clock);
		break;
	}
}

/* ---- invariants ---- */

/* The guest-visible state of the models that keep it private: the first
 * state_size bytes of the instance (include/glass/device.h), as
 * src/dev/ lays it out. Copies of those layouts, so the invariants can
 * look at it; check_layouts() fails when one no longer has its model's
 * size (keep them in step with src/dev/). */
struct uart_view {
	uint8_t ier, iir_pending, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
	uint8_t thre_pending;
	uint8_t rx[16];
	uint32_t rx_head, rx_count;
};

#define PLIC_WORDS ((PLIC_MAX_SOURCES + 31) / 32)
struct plic_view {
	uint32_t priority[PLIC_MAX_SOURCES];
	uint32_t level[PLIC_WORDS];
	uint32_t pending[PLIC_WORDS];
	uint32_t claimed[PLIC_WORDS];
	uint32_t enable[PLIC_MAX_CONTEXTS][PLIC_WORDS];
	uint32_t threshold[PLIC_MAX_CONTEXTS];
};

struct clint_view {
	uint32_t msip[CLINT_MAX_HARTS];
	uint64_t mtimecmp[CLINT_MAX_HARTS];
	int64_t mtime_offset;
};

struct rtc_view {
	int64_t offset_ns;
	uint64_t alarm_ns;
	uint32_t time_high_latch, time_high_set;
	uint8_t alarm_armed, irq_enabled, irq_pending;
};

static void check_layouts(void)
{
	FUZZ_CHECK(uart16550_class.state_size == sizeof(struct uart_view));
	FUZZ_CHECK(plic_class.state_size == sizeof(struct plic_view));
	FUZZ_CHECK(clint_class.state_size == sizeof(struct clint_view));
	FUZZ_CHECK(goldfish_rtc_class.state_size == sizeof(struct rtc_view));
}

static void check_plic(struct rig *r)
{
	const struct plic_view *p = device_self(r->dev);
	uint32_t valid[PLIC_WORDS] = { 0 };

	for (unsigned s = 1; s < r->nsources; s++)
		valid[s / 32] |= 1u << (s % 32);
	for (unsigned w = 0; w < PLIC_WORDS; w++) {
		FUZZ_CHECK(!(p->pending[w] & p->claimed[w]));
		FUZZ_CHECK(!(p->pending[w] & ~valid[w]));
		FUZZ_CHECK(!(p->claimed[w] & ~valid[w]));
	}
	/* each context's output: some pending, enabled source above the
	 * threshold (only the set bits are looked at) */
	for (unsigned c = 0; c < 2 * r->nharts; c++) {
		bool want = false;
		for (unsigned w = 0; w < PLIC_WORDS && !want; w++) {
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

static void check_pci(struct rig *r)
{
	struct pci_func *f = r->dev->pci;
	unsigned n = 0;

	for (int i = 0; i < PCI_NUM_INTX; i++) {
		FUZZ_CHECK(r->pci.intx_count[i] <= 1);
		FUZZ_CHECK(r->line[INTX_LINE + i] == (r->pci.intx_count[i] > 0));
		n += r->pci.intx_count[i];
	}
	bool want = f->intx_level && f->cfg[PCI_INTERRUPT_PIN] &&
		    !(pci_get_word(f, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
	FUZZ_CHECK(f->intx_asserted == want);
	FUZZ_CHECK(n == (unsigned)want);
	FUZZ_CHECK(f->intx_level == (r->dev->irq_level[0] != 0));
	/* a mapped BAR decodes where its register says, inside a window */
	struct pci_bar *b = &f->bars[0];
	if (b->mapped) {
		FUZZ_CHECK(b->region->enabled);
		FUZZ_CHECK(b->bus_addr == pci_bar_address(f, 0));
	} else {
		FUZZ_CHECK(!b->region->enabled);
	}
}

static void check_hypercall(struct rig *r)
{
	const struct hypercall *h = device_self(r->dev);

	for (unsigned c = 0; c < HC_MAX_CHANNELS; c++) {
		int64_t st = h->s.ch[c].status;
		FUZZ_CHECK(st == 0 || st == -HC_ENOENT || st == -HC_EIO ||
			   st == -HC_EACCES || st == -HC_EFAULT ||
			   st == -HC_EBUSY || st == -HC_EINVAL ||
			   st == -HC_ENOSYS);
	}
}

static void check(struct rig *r)
{
	const void *self = device_self(r->dev);

	/* the framework's record of each line is what the line is at */
	for (unsigned i = 0; i < r->nlines; i++)
		FUZZ_CHECK(r->line[i] == r->dev->irq_level[i]);
	FUZZ_CHECK(r->dev->abi_errors == 0);  /* glass's models keep the ABI */
	switch (r->which) {
	case 0: {
		const struct uart_view *u = self;
		FUZZ_CHECK(u->rx_count <= 16);
		FUZZ_CHECK(u->rx_head < 16);
		FUZZ_CHECK(r->line[0] == (u->iir_pending != 0x01));
		break;
	}
	case 1:
		check_plic(r);
		break;
	case 2: {
		const struct clint_view *c = self;
		for (unsigned h = 0; h < r->nharts; h++) {
			FUZZ_CHECK(c->msip[h] <= 1);
			FUZZ_CHECK(r->line[h] == (int)c->msip[h]);
		}
		break;
	}
	case 3: {
		const struct rtc_view *t = self;
		FUZZ_CHECK(r->line[0] == (t->irq_pending && t->irq_enabled));
		break;
	}
	case 5: {
		const struct edu *e = self;
		FUZZ_CHECK(e->dev->pci->intx_level == (e->s.irq_status != 0));
		check_pci(r);
		break;
	}
	case 7:
		check_pci(r);
		/* fall through */
	case 6:
		check_hypercall(r);
		break;
	}
}

static void check_lines_low(struct rig *r)
{
	for (unsigned i = 0; i < NLINES; i++)
		FUZZ_CHECK(r->line[i] == 0);
	if (r->dev->pci)
		FUZZ_CHECK(!r->dev->pci->intx_level);
}

/* A named register of one of the device's regions (for kind 7), from its
 * table or its reg_at function, +/- a few bytes: a CPU physical address. */
static uint64_t named_addr(struct rig *r, uint32_t sel)
{
	const struct region *g = r->dev->regions[(sel >> 20) %
						 r->dev->nregions];
	const struct glass_region_ops *o = contract_shim_of(&r->con, g)->real;
	uint64_t win = g->base - g->dev_offset;   /* the window's base */
	const struct glass_reg *regs = o->regs, *d;
	struct glass_reg scratch;
	unsigned n = 0;

	if (o->reg_at) {
		d = o->reg_at(g->dev_offset + (((sel & 0xffff) * g->size) >> 16),
			      &scratch, NULL, 0);
		if (!d)
			return g->base + sel % g->size;
		return win + d->offset + ((sel >> 16) & 15) - 4;
	}
	while (regs && regs[n].name)
		n++;
	if (!n)
		return g->base + sel % g->size;
	return win + regs[(sel & 0xffff) % n].offset + ((sel >> 16) & 15) - 4;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig *r = &R;
	struct in in = { data, size };
	unsigned which = in_u8(&in) % 8;
	uint8_t opt = in_u8(&in);
	uint8_t trace = in_u8(&in);
	static bool once;

	if (!once) {
		check_coverage();
		check_layouts();
		once = true;
	}
	if (which >= 6) {
		if (share_fd < 0)
			share_setup();   /* once, the first time it is needed */
		share_reset();
	}
	rig_build(r, which, opt, trace);
	check(r);

	for (int n = 0; n < MAX_OPS && in.n; n++) {
		uint8_t b0 = in_u8(&in);
		uint32_t sel = (uint32_t)in_bytes(&in, 3);
		uint64_t val = in_u64(&in);
		unsigned w = 1u << (b0 & 3);
		bool write = b0 & 4;
		unsigned kind = (b0 >> 3) & 7;
		int hart = (b0 >> 6) * 40 + (sel >> 23); /* up to 121 */

		/* a hart, or (121) a device's DMA */
		r->con.who.initiator = hart == 121 ? GLASS_INITIATOR_DEVICE : hart;
		r->con.who.pc = val >> 7;
		switch (kind) {
		case 4:
			bus_access(r, r->dev->pci ? ecam_addr(r, sel) :
				   named_addr(r, sel), w, write, val);
			break;
		case 5:
			event(r, val, sel);
			break;
		case 6:
			r->now_ns += (sel & 0x800000) ? val >> (sel & 63)
						       : (sel & 0xfffff);
			if (r->now_ns > (1ull << 62))
				r->now_ns = 1ull << 62;
			vclock_run(&r->clock);
			break;
		case 7:
			bus_access(r, named_addr(r, sel), w, write, val);
			break;
		default:
			bus_access(r, r->base + sel % (r->size + 16) - 8, w,
				   write, val);
			break;
		}
		check(r);
	}
	if (which >= 6)
		check_outside();

	fuzz_trace_finish(r->as.sink, trace & 2);
	device_destroy(r->dev);
	as_destroy(&r->as);
	return 0;
}
