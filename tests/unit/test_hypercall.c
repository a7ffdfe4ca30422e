/* The hypercall device, made by the device framework on a fake host:
 * every register (64-bit and as 32-bit halves), bad widths (refused by the
 * bus from the register table), claims by several harts, every operation
 * and status code, DMA bounds through the framework (guest RAM for the
 * platform instance; the bridge's inbound window and Bus Master Enable for
 * the PCI function), the PCI function, and the --share
 * confinement of HOST_READ/HOST_WRITE against a real temporary directory
 * (absolute names, "..", symlinks in and out, FIFOs, device nodes, and a
 * path component swapped for a symlink while operations run). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev/hypercall.h"
#include "devhost.h"
#include "harness.h"
#include "machine/hypercall_host.h"

#define CH(n) ((uint64_t)(n) * HC_PAGE_SIZE)
#define ARG(n) (HC_CH_ARG0 + 8 * (n))
#define RAM_BASE DEVHOST_RAM
#define RAM_SIZE DEVHOST_RAM_SIZE
#define ST(e) ((uint64_t)(int64_t)-(e)) /* a STATUS value */

/* ---- a fake machine behind struct hc_host ---- */

struct fake {
	uint64_t time, instret;
	int exits, exit_code, resets;
	int logs;
	char log[HC_DATA_SIZE + 64];
	uint64_t log_len, log_hart, log_instret;
	char out[64];
	int nout;
	int rois, markers;
	bool roi_begin;
	uint64_t roi_id, marker_id;
	int64_t roi_hart, marker_hart;
	int stats_resets, stats_dumps, stats_rc;
	char stats_name[HC_DATA_SIZE + 1];
	int traces;
	uint64_t trace_mask;
	int user_calls;
	uint64_t user_last_op;
};

static struct fake fk;

/* The device is made by the device framework in devhost's one-device
 * machine (1 MiB of RAM at RAM_BASE), as the platform instance at HC_BASE
 * or as a PCI function with BAR0 at HC_BAR, and accessed through the
 * address space as a hart accesses it: accesses its registers do not
 * take are answered by the bus (read 0, write ignored) and reported as
 * bad-access events. */
#define HC_BASE 0x10110000ull
#define HC_BAR 0x40000000ull       /* in devhost's 32-bit PCI window */
#define ECAM_BASE 0x30000000ull    /* devhost's */
#define HC_SLOT 1
static struct devhost dh;

/* The hart the next accesses come from (HARTID, the counters' latches and
 * the LOG/ROI/MARKER callbacks take it from the access). */
static struct glass_attrs who = { .initiator = 0, .priv = 3 };

static void as_hart(uint64_t hart)
{
	who.initiator = (int32_t)hart;
}

static struct hypercall *hc(void)
{
	return device_self(dh.dev);
}

/* Guest errors so far: the bus's (bad-access events) and the device's
 * own. The device's own are trace events too now (device-error events,
 * counted by the framework as well): every call checks they agree. */
static uint64_t errors(void)
{
	CHECK_EQ(devhost_events(&dh, EVK_DEVICE_ERROR), hc()->guest_errors);
	CHECK_EQ(dh.dev->guest_errors, hc()->guest_errors);
	return devhost_events(&dh, EVK_BAD_ACCESS) + hc()->guest_errors;
}

static uint64_t f_time(void *o) { return ((struct fake *)o)->time; }
static uint64_t f_instret(void *o) { return ((struct fake *)o)->instret; }

static int64_t hart_of(const struct glass_attrs *w)
{
	return w ? w->initiator : -2;
}

static void f_exit(void *o, int code)
{
	fk.exits++;
	fk.exit_code = code;
}

static void f_reset(void *o)
{
	fk.resets++;
}

static void f_log(void *o, const struct glass_attrs *w, uint64_t instret,
		  const char *text, uint64_t len)
{
	fk.logs++;
	fk.log_len = len;
	fk.log_hart = (uint64_t)hart_of(w);
	fk.log_instret = instret;
	if (len < sizeof(fk.log)) {
		memcpy(fk.log, text, len);
		fk.log[len] = 0;
	}
}

static void f_putc(void *o, uint8_t b)
{
	if (fk.nout < (int)sizeof(fk.out) - 1)
		fk.out[fk.nout++] = (char)b;
}

static void f_roi(void *o, const struct glass_attrs *w, bool begin,
		  uint64_t id)
{
	fk.rois++;
	fk.roi_begin = begin;
	fk.roi_id = id;
	fk.roi_hart = hart_of(w);
}

static void f_marker(void *o, const struct glass_attrs *w, uint64_t id)
{
	fk.markers++;
	fk.marker_id = id;
	fk.marker_hart = hart_of(w);
}

static void f_stats_reset(void *o)
{
	fk.stats_resets++;
}

static int f_stats_dump(void *o, const char *name)
{
	fk.stats_dumps++;
	snprintf(fk.stats_name, sizeof(fk.stats_name), "%s", name);
	return fk.stats_rc;
}

static uint64_t f_trace_set(void *o, uint64_t mask, bool on)
{
	uint64_t prev = fk.trace_mask;

	fk.traces++;
	fk.trace_mask = on ? prev | mask : prev & ~mask;
	return prev;
}

static int f_user_op(void *o, uint64_t op, const uint64_t arg[6],
		     uint64_t ret[2])
{
	fk.user_calls++;
	fk.user_last_op = op;
	if (op == 0xff)
		return -HC_EINVAL;
	ret[0] = arg[0] * arg[1];
	ret[1] = op;
	return 0;
}

/* Whether setup() makes the device resolve names by the component walk
 * instead of openat2 (both must confine). */
static bool force_walk;

/* The classes: the model with the test's fake host instead of the
 * machine's (as hc_realize in machine/hypercall_host.c does it). The
 * next instance takes test_host and test_nch. The PCI class has the
 * machine's identity (hypercall_pci_class's). */
static struct hc_host test_host;
static unsigned test_nch;

static int hc_test_realize(void *self, struct glass_device *dev)
{
	return hypercall_realize(self, dev, &test_host, test_nch, false);
}

static int hc_test_pci_realize(void *self, struct glass_device *dev)
{
	return hypercall_realize(self, dev, &test_host, test_nch, true);
}

static const struct glass_device_class hc_test_class = {
	.name = "hc-test",
	.desc = "the hypercall model on the unit test's fake host",
	.bus = GLASS_BUS_PLATFORM,
	.instance_size = sizeof(struct hypercall),
	.state_size = sizeof(struct hc_state),
	.state_version = 1,
	.platform_size = HC_WINDOW_SIZE,
	.realize = hc_test_realize,
	.reset = hypercall_reset,
	.info = hypercall_info,
};

static const struct glass_device_class *hc_test_pci_class(void)
{
	static struct glass_device_class c;

	c = hc_test_class;
	c.name = "hc-test-pci";
	c.bus = GLASS_BUS_PCI;
	c.platform_size = 0;
	c.pci = hypercall_pci_class.pci;
	c.realize = hc_test_pci_realize;
	return &c;
}

/* PCI: config space through ECAM, as a hart reaches it. */
static uint64_t ecam(unsigned off)
{
	return ECAM_BASE + ((uint64_t)HC_SLOT << 15) + off;
}

static uint32_t cfg_read(unsigned off, unsigned size)
{
	uint64_t v = 0;

	CHECK_EQ(devhost_access_as(&dh, ecam(off), size, &v, false, &who),
		 MEM_OK);
	return (uint32_t)v;
}

static void cfg_write(unsigned off, uint32_t val, unsigned size)
{
	uint64_t v = val;

	CHECK_EQ(devhost_access_as(&dh, ecam(off), size, &v, true, &who),
		 MEM_OK);
}

/* BAR0 at HC_BAR, decoding; bus mastering (DMA) as asked. */
static void pci_enable(bool master)
{
	cfg_write(PCI_BAR0, (uint32_t)HC_BAR, 4);
	cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY |
		  (master ? PCI_COMMAND_MASTER : 0), 2);
	dh.base = HC_BAR;
}

/* A device with every callback (full) or only the required ones, as the
 * platform instance or (pci) a PCI function in slot 1 left unassigned. */
static struct hypercall *setup_on(bool full, int share_dirfd, unsigned nch,
				  bool pci)
{
	test_host = (struct hc_host){
		.opaque = &fk,
		.time_ns = f_time,
		.instret = f_instret,
		.exit = f_exit,
		.reset = f_reset,
		.log = f_log,
		.putc = f_putc,
		.share = { .dirfd = share_dirfd, .force_walk = force_walk },
	};
	if (full) {
		test_host.roi = f_roi;
		test_host.marker = f_marker;
		test_host.stats_reset = f_stats_reset;
		test_host.stats_dump = f_stats_dump;
		test_host.trace_set = f_trace_set;
		test_host.user_op = f_user_op;
	}
	test_nch = nch;
	memset(&fk, 0, sizeof(fk));
	as_hart(0);
	devhost_init(&dh, pci);
	if (pci)
		devhost_pci(&dh, hc_test_pci_class(), "addr=1");
	else
		devhost_platform(&dh, &hc_test_class, "", HC_BASE,
				 HC_WINDOW_SIZE, 0);
	if (!dh.dev) {
		fprintf(stderr, "test_hypercall: device not created\n");
		abort();
	}
	return hc();
}

static struct hypercall *setup(bool full, int share_dirfd, unsigned nch)
{
	return setup_on(full, share_dirfd, nch, false);
}

/* The region the device's window is (the model's glass_region_ops). */
static const struct glass_region_ops *hc_ops(void)
{
	return dh.dev->regions[0]->ops;
}

static uint64_t rd(uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeef;

	CHECK_EQ(devhost_access_as(&dh, dh.base + off, size, &v, false, &who),
		 MEM_OK);
	return v;
}

static void wr(uint64_t off, uint64_t val, unsigned size)
{
	CHECK_EQ(devhost_access_as(&dh, dh.base + off, size, &val, true,
				   &who), MEM_OK);
}

static void put_data(unsigned ch, unsigned at, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		wr(CH(ch) + HC_DATA_OFFSET + at + i, b[i], 1);
}

static void get_data(unsigned ch, unsigned at, void *p, size_t len)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)rd(CH(ch) + HC_DATA_OFFSET + at + i, 1);
}

/* Run op on channel ch; returns STATUS. */
static uint64_t call(unsigned ch, uint64_t op, uint64_t a0, uint64_t a1,
		     uint64_t a2, uint64_t a3, uint64_t a4)
{
	uint64_t a[5] = { a0, a1, a2, a3, a4 };

	wr(CH(ch) + HC_CH_OP, op, 8);
	for (int i = 0; i < 5; i++)
		wr(CH(ch) + ARG(i), a[i], 8);
	wr(CH(ch) + HC_CH_DOORBELL, 1, 8);
	return rd(CH(ch) + HC_CH_STATUS, 8);
}

static uint64_t ret0(unsigned ch)
{
	return rd(CH(ch) + HC_CH_RET0, 8);
}

/* ---- the share: a temp dir with share/ and outside/ ---- */

static char base[64], share[96], outside[96];

static void sh_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", share, name);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void sh_file(const char *name, const char *text)
{
	char p[256];

	sh_path(p, sizeof(p), name);
	write_file(p, text, strlen(text));
}

static int share_fd(void)
{
	snprintf(base, sizeof(base), "/tmp/glass-hc-test-XXXXXX");
	CHECK(mkdtemp(base) != NULL);
	snprintf(share, sizeof(share), "%s/share", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	CHECK_EQ(mkdir(share, 0755), 0);
	CHECK_EQ(mkdir(outside, 0755), 0);
	char p[256];
	snprintf(p, sizeof(p), "%s/secret", outside);
	write_file(p, "SECRET", 6);
	snprintf(p, sizeof(p), "%s/secret", base);
	write_file(p, "SECRET", 6);
	int fd = hostfs_open_share(share);
	CHECK(fd >= 0);
	return fd;
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(p);
}

static void share_done(int fd)
{
	close(fd);
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	force_walk = false;
}

/* HOST_READ of `name` into DATA on channel 1: STATUS */
static uint64_t host_read(const char *name, uint64_t off, uint64_t len,
			  uint64_t dma)
{
	put_data(1, 0, name, strlen(name));
	return call(1, HC_OP_HOST_READ, strlen(name), off, len, dma, 0);
}

/* A tap counting DMA events. */
struct dma_counts {
	unsigned ok, refused;
};

static void dma_count(void *o, const struct bus_event *e)
{
	struct dma_counts *c = o;

	if (e->kind == EVK_DMA && e->dma.ok)
		c->ok++;
	else if (e->kind == EVK_DMA)
		c->refused++;
}

static uint64_t host_write(const char *name, const char *text, uint64_t off,
			   uint64_t trunc)
{
	put_data(1, 0, name, strlen(name));
	put_data(1, (unsigned)strlen(name), text, strlen(text));
	return call(1, HC_OP_HOST_WRITE, strlen(name), off, strlen(text), 0,
		    trunc);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* ---- page 0 ---- */

TEST(hypercall_global_registers)
{
	setup(false, -1, 4);
	CHECK_EQ(rd(HC_REG_MAGIC, 8), HC_MAGIC);
	CHECK_EQ(rd(HC_REG_MAGIC, 8), 0x3143485353414c47ull); /* GLASSHC1 */
	CHECK_EQ(rd(HC_REG_VERSION, 8), 1);
	CHECK_EQ(rd(HC_REG_FEATURES, 8), 0x6f);   /* no bit 4: CHECKPOINT */
	CHECK_EQ(rd(HC_REG_CHANNELS, 8), 4);
	as_hart(3);
	CHECK_EQ(rd(HC_REG_HARTID, 8), 3);
	as_hart(0);
	CHECK_EQ(rd(HC_REG_HARTID, 8), 0);
	/* no hart at all (a debugger; NULL attributes) reads 0 */
	uint64_t v = 7;
	CHECK_EQ(devhost_access_as(&dh, HC_BASE + HC_REG_HARTID, 8, &v,
				   false, NULL), MEM_OK);
	CHECK_EQ(v, 0);
	fk.time = 123456789;
	fk.instret = 0x123456789abcull;
	CHECK_EQ(rd(HC_REG_TIME_NS, 8), 123456789);
	CHECK_EQ(rd(HC_REG_INSTRET, 8), 0x123456789abcull);
	CHECK_EQ(rd(HC_REG_FINISH, 8), 0);        /* write-only */
	CHECK_EQ(rd(HC_REG_PUTC, 8), 0xe9);
	CHECK_EQ(errors(), 0);
	/* no register at 0x38 or past PUTC */
	CHECK_EQ(rd(0x038, 8), 0);
	CHECK_EQ(rd(0x050, 8), 0);
	CHECK_EQ(rd(0xff8, 8), 0);
	CHECK_EQ(errors(), 3);
	/* with a user-op hook the user groups show up */
	setup(true, -1, 15);
	CHECK_EQ(rd(HC_REG_FEATURES, 8), 0xff6f);
	CHECK_EQ(rd(HC_REG_CHANNELS, 8), 15);
	/* channel count is clamped to 1..15 */
	setup(false, -1, 0);
	CHECK_EQ(rd(HC_REG_CHANNELS, 8), 1);
	setup(false, -1, 99);
	CHECK_EQ(rd(HC_REG_CHANNELS, 8), 15);
}

TEST(hypercall_global_writes)
{
	setup(false, -1, 2);
	/* read-only registers ignore writes, as guest errors */
	wr(HC_REG_MAGIC, 0, 8);
	wr(HC_REG_CHANNELS, 7, 8);
	wr(HC_REG_HARTID + 4, 7, 4);
	CHECK_EQ(errors(), 3);
	CHECK_EQ(rd(HC_REG_MAGIC, 8), HC_MAGIC);
	CHECK_EQ(rd(HC_REG_CHANNELS, 8), 2);
	CHECK_EQ(fk.exits + fk.resets, 0);
}

TEST(hypercall_finish)
{
	setup(false, -1, 1);
	wr(HC_REG_FINISH, 0x5555, 8);
	CHECK_EQ(fk.exits, 1);
	CHECK_EQ(fk.exit_code, 0);
	wr(HC_REG_FINISH, 0x3333, 4);          /* code 0: exit 1 */
	CHECK_EQ(fk.exits, 2);
	CHECK_EQ(fk.exit_code, 1);
	wr(HC_REG_FINISH, 0x3333 | 42 << 16, 4);
	CHECK_EQ(fk.exits, 3);
	CHECK_EQ(fk.exit_code, 42);
	wr(HC_REG_FINISH, 0x3333 | 0x1234ull << 16, 8); /* saturates */
	CHECK_EQ(fk.exits, 4);
	CHECK_EQ(fk.exit_code, 255);
	wr(HC_REG_FINISH, 0x7777, 8);
	CHECK_EQ(fk.resets, 1);
	CHECK_EQ(fk.exits, 4);
	/* high half: accepted, no action */
	wr(HC_REG_FINISH + 4, 0x5555, 4);
	CHECK_EQ(fk.exits, 4);
	CHECK_EQ(errors(), 0);
	/* unknown command: nothing, a guest error */
	wr(HC_REG_FINISH, 0x1234, 8);
	CHECK_EQ(fk.exits, 4);
	CHECK_EQ(fk.resets, 1);
	CHECK_EQ(errors(), 1);
	/* bits above 31 of a 64-bit write are not part of the command */
	wr(HC_REG_FINISH, 0x100005555ull, 8);
	CHECK_EQ(fk.exits, 5);
	CHECK_EQ(fk.exit_code, 0);
	/* narrow writes do nothing */
	wr(HC_REG_FINISH, 0x55, 1);
	wr(HC_REG_FINISH, 0x5555, 2);
	CHECK_EQ(fk.exits, 5);
	CHECK_EQ(errors(), 3);
}

TEST(hypercall_putc)
{
	setup(false, -1, 1);
	wr(HC_REG_PUTC, 'h', 8);
	wr(HC_REG_PUTC, 0x1169, 4);           /* low byte only: 'i' */
	wr(HC_REG_PUTC + 4, '!', 4);          /* high half: ignored */
	wr(HC_REG_PUTC, '?', 1);              /* bad width */
	CHECK_EQ(fk.nout, 2);
	CHECK(strcmp(fk.out, "hi") == 0);
	CHECK_EQ(rd(HC_REG_PUTC, 4), 0xe9);
	CHECK_EQ(rd(HC_REG_PUTC + 4, 4), 0);
	CHECK_EQ(errors(), 1);
}

/* ---- access widths ---- */

TEST(hypercall_32bit_halves)
{
	setup(false, -1, 2);
	CHECK_EQ(rd(HC_REG_MAGIC, 4), 0x53414c47);     /* "GLAS" */
	CHECK_EQ(rd(HC_REG_MAGIC + 4, 4), 0x31434853); /* "SHC1" */
	CHECK_EQ(rd(HC_REG_VERSION, 4), 1);
	CHECK_EQ(rd(HC_REG_VERSION + 4, 4), 0);
	/* RW registers, low half first */
	wr(CH(1) + ARG(0), 0x89abcdef, 4);
	wr(CH(1) + ARG(0) + 4, 0x01234567, 4);
	CHECK_EQ(rd(CH(1) + ARG(0), 8), 0x0123456789abcdefull);
	CHECK_EQ(rd(CH(1) + ARG(0), 4), 0x89abcdef);
	CHECK_EQ(rd(CH(1) + ARG(0) + 4, 4), 0x01234567);
	/* a half write leaves the other half */
	wr(CH(1) + ARG(0), 0, 4);
	CHECK_EQ(rd(CH(1) + ARG(0), 8), 0x0123456700000000ull);
	wr(CH(1) + HC_CH_OP, 0x11, 4);
	wr(CH(1) + HC_CH_OP + 4, 0, 4);
	CHECK_EQ(rd(CH(1) + HC_CH_OP, 8), 0x11);
	for (int i = 1; i < 6; i++) {
		wr(CH(2) + ARG(i), 0x1000u + i, 4);
		wr(CH(2) + ARG(i) + 4, 0x2000u + i, 4);
		CHECK_EQ(rd(CH(2) + ARG(i), 8),
			 (0x2000ull + i) << 32 | (0x1000u + i));
	}
	CHECK_EQ(errors(), 0);
}

TEST(hypercall_32bit_counters_latch)
{
	setup(false, -1, 1);
	fk.time = 0x00000001ffffffffull;
	CHECK_EQ(rd(HC_REG_TIME_NS, 4), 0xffffffff);
	fk.time = 0x0000000200000000ull;          /* carries between halves */
	CHECK_EQ(rd(HC_REG_TIME_NS + 4, 4), 1);   /* from the latched value */
	CHECK_EQ(rd(HC_REG_TIME_NS, 8), 0x200000000ull);
	/* per hart: hart 1's low read does not disturb hart 0's pair */
	fk.instret = 0x0000000affffffffull;
	as_hart(0);
	CHECK_EQ(rd(HC_REG_INSTRET, 4), 0xffffffff);
	as_hart(1);
	fk.instret = 0x0000000b00000010ull;
	CHECK_EQ(rd(HC_REG_INSTRET, 4), 0x10);
	as_hart(0);
	CHECK_EQ(rd(HC_REG_INSTRET + 4, 4), 0xa);
	as_hart(1);
	CHECK_EQ(rd(HC_REG_INSTRET + 4, 4), 0xb);
	CHECK_EQ(errors(), 0);
}

TEST(hypercall_bad_widths)
{
	setup(true, -1, 2);
	/* 1- and 2-byte accesses to registers read 0, count, do nothing */
	CHECK_EQ(rd(HC_REG_MAGIC, 2), 0);
	CHECK_EQ(errors(), 1);
	CHECK_EQ(rd(HC_REG_MAGIC + 2, 2), 0);
	CHECK_EQ(rd(HC_REG_VERSION, 1), 0);
	CHECK_EQ(errors(), 3);
	wr(CH(1) + ARG(0), 0x1234, 2);
	CHECK_EQ(rd(CH(1) + ARG(0), 8), 0);
	CHECK_EQ(errors(), 4);
	/* a narrow CLAIM read does not claim */
	CHECK_EQ(rd(CH(1) + HC_CH_CLAIM, 2), 0);
	CHECK_EQ(hc()->s.ch[0].claimed, false);
	/* a narrow DOORBELL write does not ring */
	wr(CH(1) + HC_CH_OP, HC_OP_PING, 8);
	wr(CH(1) + HC_CH_DOORBELL, 1, 1);
	wr(CH(1) + HC_CH_DOORBELL + 2, 1, 2);
	CHECK_EQ(hc()->ops_run, 0);
	CHECK_EQ(errors(), 7);
	/* misaligned 4-byte */
	CHECK_EQ(rd(HC_REG_MAGIC + 2, 4), 0);
	CHECK_EQ(errors(), 8);
	/* DATA takes every width */
	wr(CH(1) + HC_DATA_OFFSET, 0xab, 1);
	wr(CH(1) + HC_DATA_OFFSET + 2, 0xcdef, 2);
	wr(CH(1) + HC_DATA_OFFSET + 4, 0x01234567, 4);
	wr(CH(1) + HC_DATA_OFFSET + 8, 0xfedcba9876543210ull, 8);
	CHECK_EQ(rd(CH(1) + HC_DATA_OFFSET, 8), 0x01234567cdef00abull);
	CHECK_EQ(rd(CH(1) + HC_DATA_OFFSET + 2, 2), 0xcdef);
	CHECK_EQ(rd(CH(1) + HC_DATA_OFFSET + 9, 1), 0x32);
	CHECK_EQ(rd(CH(1) + HC_DATA_OFFSET + 12, 4), 0xfedcba98);
	/* last bytes of DATA */
	wr(CH(1) + HC_PAGE_SIZE - 8, 0x1122334455667788ull, 8);
	CHECK_EQ(rd(CH(1) + HC_PAGE_SIZE - 1, 1), 0x11);
	CHECK_EQ(hc()->s.ch[0].data[HC_DATA_SIZE - 8], 0x88);
	CHECK_EQ(errors(), 8);
}

TEST(hypercall_unassigned_offsets)
{
	setup(false, -1, 2);
	/* between RET1 and DATA */
	CHECK_EQ(rd(CH(1) + 0x60, 8), 0);
	wr(CH(1) + 0xf8, 1, 8);
	CHECK_EQ(errors(), 2);
	/* pages past CHANNELS */
	CHECK_EQ(rd(CH(3) + HC_CH_CLAIM, 8), 0);
	wr(CH(3) + HC_DATA_OFFSET, 1, 8);
	CHECK_EQ(rd(CH(15) + HC_DATA_OFFSET, 8), 0);
	CHECK_EQ(errors(), 5);
	/* read-only channel registers */
	wr(CH(1) + HC_CH_STATUS, 1, 8);
	wr(CH(1) + HC_CH_RET0, 1, 8);
	wr(CH(1) + HC_CH_RET1 + 4, 1, 4);
	CHECK_EQ(rd(CH(1) + HC_CH_STATUS, 8), 0);
	CHECK_EQ(rd(CH(1) + HC_CH_RET0, 8), 0);
	CHECK_EQ(rd(CH(1) + HC_CH_RET1, 8), 0);
	CHECK_EQ(errors(), 8);
	/* DOORBELL reads 0 */
	CHECK_EQ(rd(CH(1) + HC_CH_DOORBELL, 8), 0);
	CHECK_EQ(errors(), 8);
}

/* The device behind the real bus, as the platform instance is mapped:
 * physical addresses, the region the framework made. */
static uint64_t pa_rd(uint64_t pa, unsigned size)
{
	uint64_t v = 0x5a5a;

	CHECK_EQ(devhost_access_as(&dh, pa, size, &v, false, &who), MEM_OK);
	return v;
}

static void pa_wr(uint64_t pa, uint64_t v, unsigned size)
{
	CHECK_EQ(devhost_access_as(&dh, pa, size, &v, true, &who), MEM_OK);
}

TEST(hypercall_through_address_space)
{
	const uint64_t base_pa = 0x10110000;

	setup(true, -1, 2);
	const struct flat_range *f = as_lookup(&dh.as, base_pa);
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(f->r->base, base_pa);
		CHECK_EQ(f->r->size, HC_WINDOW_SIZE);
		CHECK(f->r->dev == hc());
		CHECK(f->r->owner == dh.dev);
	}
	CHECK(as_lookup(&dh.as, base_pa + HC_WINDOW_SIZE) == NULL);
	CHECK_EQ(pa_rd(base_pa + HC_REG_MAGIC, 8), HC_MAGIC);
	CHECK_EQ(pa_rd(base_pa + HC_REG_MAGIC + 4, 4), 0x31434853);
	CHECK_EQ(pa_rd(base_pa + HC_REG_MAGIC, 2), 0);
	CHECK_EQ(errors(), 1);
	/* a doorbell through the bus */
	pa_wr(base_pa + CH(1) + HC_CH_OP, HC_OP_PING, 8);
	pa_wr(base_pa + CH(1) + ARG(0), 41, 4);
	pa_wr(base_pa + CH(1) + HC_CH_DOORBELL, 0, 4);
	CHECK_EQ(pa_rd(base_pa + CH(1) + HC_CH_RET0, 8), 42);
	/* a misaligned access to DATA goes to the device whole */
	pa_wr(base_pa + CH(1) + HC_DATA_OFFSET + 3, 0x1122334455667788ull, 8);
	CHECK_EQ(pa_rd(base_pa + CH(1) + HC_DATA_OFFSET + 3, 8),
		 0x1122334455667788ull);
	CHECK_EQ(hc()->s.ch[0].data[3], 0x88);
	CHECK_EQ(errors(), 1);
}

/* ---- channels ---- */

TEST(hypercall_claim_release)
{
	setup(false, -1, 2);
	CHECK_EQ(rd(CH(1) + HC_CH_CLAIM, 8), 1);   /* yours */
	CHECK_EQ(rd(CH(1) + HC_CH_CLAIM, 8), 0);   /* busy now */
	CHECK_EQ(rd(CH(1) + HC_CH_CLAIM, 4), 0);
	CHECK_EQ(rd(CH(1) + HC_CH_CLAIM + 4, 4), 0); /* high half: no claim */
	CHECK_EQ(rd(CH(2) + HC_CH_CLAIM + 4, 4), 0);
	CHECK_EQ(hc()->s.ch[1].claimed, false);
	CHECK_EQ(rd(CH(2) + HC_CH_CLAIM, 4), 1);   /* 32-bit claim */
	/* non-zero writes do not release (guest error) */
	wr(CH(1) + HC_CH_CLAIM, 1, 8);
	CHECK_EQ(hc()->s.ch[0].claimed, true);
	CHECK_EQ(errors(), 1);
	/* release, 64-bit and as halves (low first, then a harmless high) */
	wr(CH(1) + HC_CH_CLAIM, 0, 8);
	CHECK_EQ(hc()->s.ch[0].claimed, false);
	wr(CH(2) + HC_CH_CLAIM, 0, 4);
	wr(CH(2) + HC_CH_CLAIM + 4, 0, 4);
	CHECK_EQ(hc()->s.ch[1].claimed, false);
	CHECK_EQ(errors(), 1);
	CHECK_EQ(rd(CH(1) + HC_CH_CLAIM, 8), 1);
	/* releasing a free channel is harmless */
	wr(CH(2) + HC_CH_CLAIM, 0, 8);
	CHECK_EQ(rd(CH(2) + HC_CH_CLAIM, 8), 1);
	/* claims are cooperative: an unclaimed channel still works */
	wr(CH(2) + HC_CH_CLAIM, 0, 8);
	CHECK_EQ(call(2, HC_OP_PING, 1, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(2), 2);
	CHECK_EQ(errors(), 1);
}

/* Harts interleave at instruction granularity: each scans channels
 * 1..CHANNELS for a free one, one CLAIM read at a time, round robin. */
TEST(hypercall_concurrent_claims)
{
	enum { HARTS = 6, CHANNELS = 4 };
	int got[HARTS], next[HARTS];

	setup(false, -1, CHANNELS);
	for (int i = 0; i < HARTS; i++) {
		got[i] = 0;
		next[i] = 1;
	}
	for (bool busy = true; busy;) {
		busy = false;
		for (int i = 0; i < HARTS; i++) {
			if (got[i] || next[i] > CHANNELS)
				continue;
			busy = true;
			as_hart((uint64_t)i);
			if (rd(CH(next[i]) + HC_CH_CLAIM, 8) == 1)
				got[i] = next[i];
			else
				next[i]++;
		}
	}
	/* every channel went to exactly one hart; two harts got none */
	int owners[CHANNELS + 1] = { 0 }, none = 0;
	for (int i = 0; i < HARTS; i++) {
		if (got[i])
			owners[got[i]]++;
		else
			none++;
	}
	for (int c = 1; c <= CHANNELS; c++)
		CHECK_EQ(owners[c], 1);
	CHECK_EQ(none, HARTS - CHANNELS);
	/* one releases: the next scanner gets exactly that channel */
	int freed = got[2];
	as_hart(2);
	wr(CH(freed) + HC_CH_CLAIM, 0, 8);
	int taken = 0;
	for (int c = 1; c <= CHANNELS; c++) {
		as_hart(5);
		if (rd(CH(c) + HC_CH_CLAIM, 8) == 1)
			taken = taken ? -1 : c;
	}
	CHECK_EQ(taken, freed);
	/* channels keep separate state */
	for (int c = 1; c <= CHANNELS; c++)
		CHECK_EQ(call((unsigned)c, HC_OP_PING, (uint64_t)c * 10, 0, 0,
			      0, 0), 0);
	for (int c = 1; c <= CHANNELS; c++)
		CHECK_EQ(ret0((unsigned)c), c * 10 + 1);
}

/* ---- operations ---- */

TEST(hypercall_ping_and_result_reset)
{
	setup(false, -1, 1);
	CHECK_EQ(call(1, HC_OP_PING, 41, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 42);
	CHECK_EQ(rd(CH(1) + HC_CH_RET1, 8), 0);
	CHECK_EQ(call(1, HC_OP_PING, ~0ull, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 0);                     /* wraps */
	/* a failing op clears the previous results */
	CHECK_EQ(call(1, HC_OP_PING, 5, 0, 0, 0, 0), 0);
	CHECK_EQ(call(1, 0x01, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(ret0(1), 0);
	/* and the next success clears STATUS */
	CHECK_EQ(call(1, HC_OP_PING, 5, 0, 0, 0, 0), 0);
	/* STATUS is 64-bit two's complement, halves included */
	call(1, 0x7f, 0, 0, 0, 0, 0);
	CHECK_EQ(rd(CH(1) + HC_CH_STATUS, 8), 0xffffffffffffffdaull); /* -38 */
	CHECK_EQ(rd(CH(1) + HC_CH_STATUS, 4), 0xffffffda);
	CHECK_EQ(rd(CH(1) + HC_CH_STATUS + 4, 4), 0xffffffff);
	/* ringing with a 32-bit low-half write; the high half does not */
	wr(CH(1) + HC_CH_OP, HC_OP_PING, 8);
	wr(CH(1) + ARG(0), 7, 8);
	uint64_t n = hc()->ops_run;
	wr(CH(1) + HC_CH_DOORBELL, 0, 4);
	wr(CH(1) + HC_CH_DOORBELL + 4, 0, 4);
	CHECK_EQ(hc()->ops_run, n + 1);
	CHECK_EQ(ret0(1), 8);
	CHECK_EQ(errors(), 0);
}

TEST(hypercall_exit_op)
{
	setup(false, -1, 1);
	CHECK_EQ(call(1, HC_OP_EXIT, 3, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.exits, 1);
	CHECK_EQ(fk.exit_code, 3);
	CHECK_EQ(call(1, HC_OP_EXIT, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.exit_code, 0);
	CHECK_EQ(call(1, HC_OP_EXIT, 256, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.exit_code, 255);              /* never wraps to 0 */
	CHECK_EQ(call(1, HC_OP_EXIT, ~0ull, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.exit_code, 255);
	CHECK_EQ(fk.exits, 4);
}

TEST(hypercall_log_op)
{
	static char big[HC_DATA_SIZE];

	setup(false, -1, 2);
	as_hart(1);
	fk.instret = 1000;
	put_data(2, 0, "hello, glass", 12);
	CHECK_EQ(call(2, HC_OP_LOG, 5, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.logs, 1);
	CHECK_EQ(fk.log_len, 5);
	CHECK(strcmp(fk.log, "hello") == 0);
	CHECK_EQ(fk.log_hart, 1);
	CHECK_EQ(fk.log_instret, 1000);
	/* empty and full-size texts */
	CHECK_EQ(call(2, HC_OP_LOG, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.log_len, 0);
	memset(big, 'x', sizeof(big));
	put_data(2, 0, big, sizeof(big));
	CHECK_EQ(call(2, HC_OP_LOG, HC_DATA_SIZE, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.log_len, HC_DATA_SIZE);
	CHECK_EQ(fk.log[HC_DATA_SIZE - 1], 'x');
	CHECK_EQ(fk.logs, 3);
	CHECK_EQ(call(2, HC_OP_LOG, HC_DATA_SIZE + 1, 0, 0, 0, 0),
		 ST(HC_EINVAL));
	CHECK_EQ(call(2, HC_OP_LOG, ~0ull, 0, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(fk.logs, 3);
}

TEST(hypercall_roi_ops)
{
	setup(true, -1, 1);
	fk.instret = 100;
	CHECK_EQ(call(1, HC_OP_ROI_BEGIN, 7, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.rois, 1);
	CHECK(fk.roi_begin);
	CHECK_EQ(fk.roi_id, 7);
	CHECK_EQ(fk.roi_hart, 0);        /* the hart that rang */
	as_hart(2);
	fk.instret = 350;
	CHECK_EQ(call(1, HC_OP_ROI_BEGIN, 8, 0, 0, 0, 0), 0); /* nested */
	fk.instret = 1100;
	CHECK_EQ(call(1, HC_OP_ROI_END, 7, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 1000);
	CHECK_EQ(fk.rois, 3);
	CHECK(!fk.roi_begin);
	CHECK_EQ(fk.roi_hart, 2);
	CHECK_EQ(call(1, HC_OP_ROI_END, 8, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 750);
	/* ending a region twice, or one never begun */
	CHECK_EQ(call(1, HC_OP_ROI_END, 7, 0, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(call(1, HC_OP_ROI_END, 99, 0, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(fk.rois, 4);
	/* id 23 shares slot 7 with id 7: busy while 7 is open */
	CHECK_EQ(call(1, HC_OP_ROI_BEGIN, 7, 0, 0, 0, 0), 0);
	CHECK_EQ(call(1, HC_OP_ROI_BEGIN, 23, 0, 0, 0, 0), ST(HC_EBUSY));
	CHECK_EQ(call(1, HC_OP_ROI_END, 23, 0, 0, 0, 0), ST(HC_EINVAL));
	/* re-beginning the same region restarts it */
	fk.instret = 2000;
	CHECK_EQ(call(1, HC_OP_ROI_BEGIN, 7, 0, 0, 0, 0), 0);
	fk.instret = 2005;
	CHECK_EQ(call(1, HC_OP_ROI_END, 7, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 5);
	CHECK_EQ(call(1, HC_OP_ROI_BEGIN, 23, 0, 0, 0, 0), 0);
	/* without a roi callback the ops still work */
	setup(false, -1, 1);
	CHECK_EQ(call(1, HC_OP_ROI_BEGIN, 1, 0, 0, 0, 0), 0);
	fk.instret = 9;
	CHECK_EQ(call(1, HC_OP_ROI_END, 1, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 9);
}

TEST(hypercall_marker_op)
{
	setup(true, -1, 1);
	fk.instret = 777;
	fk.time = 5000;
	as_hart(3);
	CHECK_EQ(call(1, HC_OP_MARKER, 12, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 777);
	CHECK_EQ(rd(CH(1) + HC_CH_RET1, 8), 5000);
	CHECK_EQ(fk.markers, 1);
	CHECK_EQ(fk.marker_id, 12);
	CHECK_EQ(fk.marker_hart, 3);
	CHECK_EQ(fk.logs, 0);
	/* no marker callback: logged instead */
	setup(false, -1, 1);
	fk.instret = 3;
	CHECK_EQ(call(1, HC_OP_MARKER, 12, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 3);
	CHECK_EQ(fk.logs, 1);
	CHECK(strcmp(fk.log, "marker 12") == 0);
	CHECK_EQ(fk.log_hart, 0);
}

TEST(hypercall_stats_ops)
{
	setup(true, -1, 1);
	CHECK_EQ(call(1, HC_OP_STATS_RESET, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.stats_resets, 1);
	put_data(1, 0, "phase-1", 7);
	CHECK_EQ(call(1, HC_OP_STATS_DUMP, 7, 0, 0, 0, 0), 0);
	CHECK_EQ(fk.stats_dumps, 1);
	CHECK(strcmp(fk.stats_name, "phase-1") == 0);
	CHECK_EQ(call(1, HC_OP_STATS_DUMP, 0, 0, 0, 0, 0), 0);  /* no name */
	CHECK(strcmp(fk.stats_name, "") == 0);
	put_data(1, 0, "a\0b", 3);
	CHECK_EQ(call(1, HC_OP_STATS_DUMP, 3, 0, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(call(1, HC_OP_STATS_DUMP, HC_DATA_SIZE + 1, 0, 0, 0, 0),
		 ST(HC_EINVAL));
	CHECK_EQ(fk.stats_dumps, 2);
	fk.stats_rc = -1;
	CHECK_EQ(call(1, HC_OP_STATS_DUMP, 1, 0, 0, 0, 0), ST(HC_EIO));
	/* no stats callbacks */
	setup(false, -1, 1);
	CHECK_EQ(call(1, HC_OP_STATS_RESET, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(call(1, HC_OP_STATS_DUMP, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
}

TEST(hypercall_trace_op)
{
	setup(true, -1, 1);
	CHECK_EQ(call(1, HC_OP_TRACE, 0x5, 1, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 0);
	CHECK_EQ(call(1, HC_OP_TRACE, 0x2, 1, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 0x5);
	CHECK_EQ(call(1, HC_OP_TRACE, 0x1, 0, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 0x7);
	CHECK_EQ(fk.trace_mask, 0x6);
	CHECK_EQ(call(1, HC_OP_TRACE, 0x1, 2, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(fk.traces, 3);
	setup(false, -1, 1);
	CHECK_EQ(call(1, HC_OP_TRACE, 0x1, 1, 0, 0, 0), ST(HC_ENOSYS));
}

TEST(hypercall_unknown_checkpoint_user_ops)
{
	setup(false, -1, 1);
	CHECK_EQ(call(1, HC_OP_CHECKPOINT, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(call(1, HC_OP_CHECKPOINT, 0, 1, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(fk.exits, 0);
	CHECK_EQ(call(1, 0x01, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(call(1, 0x12, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(call(1, 0x7f, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(call(1, 0x80, 6, 7, 0, 0, 0), ST(HC_ENOSYS)); /* no hook */
	CHECK_EQ(call(1, 0xff, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(call(1, 0x100, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(call(1, 1ull << 32, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	setup(true, -1, 1);
	CHECK_EQ(call(1, 0x80, 6, 7, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 42);
	CHECK_EQ(rd(CH(1) + HC_CH_RET1, 8), 0x80);
	CHECK_EQ(call(1, 0xff, 0, 0, 0, 0, 0), ST(HC_EINVAL)); /* hook's */
	CHECK_EQ(fk.user_last_op, 0xff);
	CHECK_EQ(call(1, 0x100, 0, 0, 0, 0, 0), ST(HC_ENOSYS)); /* not user */
	CHECK_EQ(call(1, HC_OP_CHECKPOINT, 0, 0, 0, 0, 0), ST(HC_ENOSYS));
	CHECK_EQ(fk.user_calls, 2);
}

/* ---- HOST_READ / HOST_WRITE ---- */

TEST(hypercall_host_read_data)
{
	int fd = share_fd();
	char buf[64];

	setup(true, fd, 2);
	sh_file("hello.txt", "0123456789abcdef");
	CHECK_EQ(host_read("hello.txt", 0, 10, 0), 0);
	CHECK_EQ(ret0(1), 10);
	get_data(1, 0, buf, 10);
	CHECK(memcmp(buf, "0123456789", 10) == 0);
	/* offset, and a short read at the end of the file */
	CHECK_EQ(host_read("hello.txt", 12, 100, 0), 0);
	CHECK_EQ(ret0(1), 4);
	get_data(1, 0, buf, 4);
	CHECK(memcmp(buf, "cdef", 4) == 0);
	/* at and past EOF: 0 bytes */
	CHECK_EQ(host_read("hello.txt", 16, 10, 0), 0);
	CHECK_EQ(ret0(1), 0);
	CHECK_EQ(host_read("hello.txt", 1000000, 10, 0), 0);
	CHECK_EQ(ret0(1), 0);
	/* zero length: the file must exist */
	CHECK_EQ(host_read("hello.txt", 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 0);
	CHECK_EQ(host_read("nope.txt", 0, 0, 0), ST(HC_ENOENT));
	/* a name in a subdirectory, "." and doubled slashes */
	char p[256];
	sh_path(p, sizeof(p), "sub");
	CHECK_EQ(mkdir(p, 0755), 0);
	sh_file("sub/x", "XYZ");
	CHECK_EQ(host_read("sub/x", 0, 3, 0), 0);
	CHECK_EQ(ret0(1), 3);
	CHECK_EQ(host_read("./sub//x", 0, 3, 0), 0);
	CHECK_EQ(ret0(1), 3);
	/* the length limit for DATA: 3840 */
	CHECK_EQ(host_read("hello.txt", 0, HC_DATA_SIZE, 0), 0);
	CHECK_EQ(ret0(1), 16);
	CHECK_EQ(host_read("hello.txt", 0, HC_DATA_SIZE + 1, 0),
		 ST(HC_EINVAL));
	/* name length: 0, past DATA, NUL inside */
	CHECK_EQ(call(1, HC_OP_HOST_READ, 0, 0, 1, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(call(1, HC_OP_HOST_READ, HC_DATA_SIZE + 1, 0, 1, 0, 0),
		 ST(HC_EINVAL));
	put_data(1, 0, "hello.txt\0x", 11);
	CHECK_EQ(call(1, HC_OP_HOST_READ, 11, 0, 1, 0, 0), ST(HC_EINVAL));
	/* the name length counts: "hello" is not "hello.txt" */
	CHECK_EQ(call(1, HC_OP_HOST_READ, 5, 0, 1, 0, 0), ST(HC_ENOENT));
	/* offsets past INT64_MAX */
	CHECK_EQ(host_read("hello.txt", 1ull << 63, 1, 0), ST(HC_EINVAL));
	/* a regular file as a directory component */
	CHECK_EQ(host_read("hello.txt/x", 0, 1, 0), ST(HC_ENOENT));
	/* a large file, read in DATA-sized pieces, matches */
	static char big[10000], got[10000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i * 7 % 26);
	sh_path(p, sizeof(p), "big");
	write_file(p, big, sizeof(big));
	for (uint64_t off = 0; off < sizeof(big);) {
		CHECK_EQ(host_read("big", off, HC_DATA_SIZE, 0), 0);
		uint64_t n = ret0(1);
		CHECK(n > 0);
		if (!n)
			break;
		get_data(1, 0, got + off, n);
		off += n;
	}
	CHECK(memcmp(big, got, sizeof(big)) == 0);
	share_done(fd);
}

static void read_host_file(const char *name, char *buf, size_t len,
			   size_t *got)
{
	char p[256];
	FILE *f;

	sh_path(p, sizeof(p), name);
	f = fopen(p, "rb");
	CHECK(f != NULL);
	*got = f ? fread(buf, 1, len, f) : 0;
	if (f)
		fclose(f);
}

TEST(hypercall_host_write_data)
{
	int fd = share_fd();
	char buf[64], p[256];
	size_t n;
	struct stat st;
	mode_t um = umask(022);

	setup(true, fd, 1);
	CHECK_EQ(host_write("out.txt", "hello world", 0, 0), 0);
	CHECK_EQ(ret0(1), 11);
	read_host_file("out.txt", buf, sizeof(buf), &n);
	CHECK_EQ(n, 11);
	CHECK(memcmp(buf, "hello world", 11) == 0);
	sh_path(p, sizeof(p), "out.txt");
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0644);
	/* overwrite in the middle; no truncation without ARG4 */
	CHECK_EQ(host_write("out.txt", "WORLD", 6, 0), 0);
	CHECK_EQ(host_write("out.txt", "J", 0, 0), 0);
	read_host_file("out.txt", buf, sizeof(buf), &n);
	CHECK_EQ(n, 11);
	CHECK(memcmp(buf, "jello WORLD", 11) != 0);
	CHECK(memcmp(buf, "Jello WORLD", 11) == 0);
	/* truncate first */
	CHECK_EQ(host_write("out.txt", "new", 0, 1), 0);
	read_host_file("out.txt", buf, sizeof(buf), &n);
	CHECK_EQ(n, 3);
	CHECK(memcmp(buf, "new", 3) == 0);
	/* zero length with truncation empties the file */
	CHECK_EQ(host_write("out.txt", "", 0, 1), 0);
	CHECK_EQ(ret0(1), 0);
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_size, 0);
	/* zero length creates */
	CHECK_EQ(host_write("empty", "", 0, 0), 0);
	sh_path(p, sizeof(p), "empty");
	CHECK(exists(p));
	/* writing past the end leaves a hole */
	CHECK_EQ(host_write("hole", "z", 5, 0), 0);
	read_host_file("hole", buf, sizeof(buf), &n);
	CHECK_EQ(n, 6);
	CHECK(memcmp(buf, "\0\0\0\0\0z", 6) == 0);
	/* argument checks */
	CHECK_EQ(host_write("out.txt", "x", 0, 2), ST(HC_EINVAL));
	put_data(1, 0, "out.txt", 7);
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 7, 0, HC_DATA_SIZE - 7, 0, 0), 0);
	CHECK_EQ(ret0(1), HC_DATA_SIZE - 7);
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 7, 0, HC_DATA_SIZE - 6, 0, 0),
		 ST(HC_EINVAL));
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 7, 0, ~0ull, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 7, 1ull << 63, 1, 0, 0),
		 ST(HC_EINVAL));
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 0, 0, 1, 0, 0), ST(HC_EINVAL));
	/* no directory is created on the way */
	CHECK_EQ(host_write("newdir/f", "x", 0, 0), ST(HC_ENOENT));
	sh_path(p, sizeof(p), "newdir");
	CHECK(!exists(p));
	/* a directory cannot be written */
	sh_path(p, sizeof(p), "adir");
	CHECK_EQ(mkdir(p, 0755), 0);
	CHECK_EQ(host_write("adir", "x", 0, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("adir", 0, 1, 0), ST(HC_EACCES));
	umask(um);
	share_done(fd);
}

TEST(hypercall_host_io_dma)
{
	int fd = share_fd();
	char buf[64], p[256];
	size_t n;

	setup(true, fd, 1);
	sh_file("in", "dma payload!");
	/* read into guest RAM */
	CHECK_EQ(host_read("in", 4, 100, RAM_BASE + 0x100), 0);
	CHECK_EQ(ret0(1), 8);
	CHECK(memcmp(dh.ram + 0x100, "payload!", 8) == 0);
	CHECK_EQ(dh.ram[0x108], 0);                /* only what was read */
	/* DATA untouched by a DMA read (still holds the name) */
	get_data(1, 0, buf, 2);
	CHECK(memcmp(buf, "in", 2) == 0);
	/* write from guest RAM */
	memcpy(dh.ram + 0x2000, "from ram", 8);
	put_data(1, 0, "out", 3);
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 3, 0, 8, RAM_BASE + 0x2000, 0), 0);
	CHECK_EQ(ret0(1), 8);
	read_host_file("out", buf, sizeof(buf), &n);
	CHECK_EQ(n, 8);
	CHECK(memcmp(buf, "from ram", 8) == 0);
	/* the last byte of RAM is fine, one past it is not */
	CHECK_EQ(host_read("in", 0, 1, RAM_BASE + RAM_SIZE - 1), 0);
	CHECK_EQ(ret0(1), 1);
	CHECK_EQ(host_read("in", 0, 2, RAM_BASE + RAM_SIZE - 1),
		 ST(HC_EFAULT));
	CHECK_EQ(ret0(1), 0);
	CHECK_EQ(host_read("in", 0, 4, 0x1000), ST(HC_EFAULT));
	CHECK_EQ(host_read("in", 0, 4, ~0ull - 1), ST(HC_EFAULT));
	/* a refused write touches no file: not created, not truncated */
	put_data(1, 0, "fresh", 5);
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 5, 0, 16, RAM_BASE + RAM_SIZE - 8,
		      0), ST(HC_EFAULT));
	sh_path(p, sizeof(p), "fresh");
	CHECK(!exists(p));
	put_data(1, 0, "out", 3);
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 3, 0, 16, 0x1000, 1),
		 ST(HC_EFAULT));
	read_host_file("out", buf, sizeof(buf), &n);
	CHECK_EQ(n, 8);
	/* length limits: 64 MiB per op */
	CHECK_EQ(host_read("in", 0, HC_DMA_MAX + 1, RAM_BASE), ST(HC_EINVAL));
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 3, 0, HC_DMA_MAX + 1, RAM_BASE, 0),
		 ST(HC_EINVAL));
	/* 64 MiB itself is allowed (and refused by our small RAM) */
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 3, 0, HC_DMA_MAX, RAM_BASE, 0),
		 ST(HC_EFAULT));
	/* a read of the whole file with a huge length only moves the file */
	CHECK_EQ(host_read("in", 0, HC_DMA_MAX, RAM_BASE), 0);
	CHECK_EQ(ret0(1), 12);
	/* EOF with DMA: nothing transferred, no fault */
	unsigned w = devhost_events(&dh, EVK_DMA);
	CHECK_EQ(host_read("in", 12, 8, 0x1000), 0);
	CHECK_EQ(ret0(1), 0);
	CHECK_EQ(devhost_events(&dh, EVK_DMA), w);
	/* DMA is the framework's, not a host callback: a host with only
	 * the required callbacks does it the same */
	setup(false, fd, 1);
	memset(dh.ram, 0, 16);
	CHECK_EQ(host_read("in", 0, 4, RAM_BASE), 0);
	CHECK(memcmp(dh.ram, "dma ", 4) == 0);
	put_data(1, 0, "out", 3);
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 3, 0, 4, RAM_BASE, 1), 0);
	read_host_file("out", buf, sizeof(buf), &n);
	CHECK_EQ(n, 4);
	CHECK(memcmp(buf, "dma ", 4) == 0);

	/* ROM is not RAM: DMA into it and out of it is refused (and
	 * traced as refused), as the spec says of every DMA range */
	struct region *rom = as_add_rom(&dh.as, "rom", 0x1000, 0x1000);
	CHECK(rom != NULL);
	if (rom) {
		struct dma_counts c = { 0, 0 };
		dh.tap = dma_count;
		dh.tap_opaque = &c;
		memcpy(rom->host, "rom!", 4);
		CHECK_EQ(host_read("in", 0, 4, 0x1000), ST(HC_EFAULT));
		CHECK(memcmp(rom->host, "rom!", 4) == 0);
		CHECK_EQ(c.refused, 1);
		CHECK_EQ(c.ok, 0);
		put_data(1, 0, "rom-out", 7);
		CHECK_EQ(call(1, HC_OP_HOST_WRITE, 7, 0, 4, 0x1000, 1),
			 ST(HC_EFAULT));
		CHECK_EQ(c.refused, 2);
		CHECK_EQ(c.ok, 0);
		CHECK(faccessat(fd, "rom-out", F_OK, 0) != 0);
		dh.tap = NULL;
	}

	/* The PCI function: bus addresses through the bridge's inbound
	 * window (bus 0 is RAM_BASE), and only with Bus Master Enable. A
	 * refused transfer is EFAULT and touches neither RAM nor a file. */
	setup_on(true, fd, 1, true);
	pci_enable(false);
	memset(dh.ram + 0x3000, 0, 16);
	CHECK_EQ(host_read("in", 0, 4, 0x3000), ST(HC_EFAULT));
	CHECK_EQ(dh.ram[0x3000], 0);
	memcpy(dh.ram + 0x4000, "bus!", 4);
	put_data(1, 0, "pci", 3);
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 3, 0, 4, 0x4000, 0),
		 ST(HC_EFAULT));
	sh_path(p, sizeof(p), "pci");
	CHECK(!exists(p));
	pci_enable(true);
	CHECK_EQ(host_read("in", 4, 4, 0x3000), 0);
	CHECK(memcmp(dh.ram + 0x3000, "payl", 4) == 0);
	put_data(1, 0, "pci", 3);
	CHECK_EQ(call(1, HC_OP_HOST_WRITE, 3, 0, 4, 0x4000, 0), 0);
	read_host_file("pci", buf, sizeof(buf), &n);
	CHECK_EQ(n, 4);
	CHECK(memcmp(buf, "bus!", 4) == 0);
	/* a CPU physical address is not a bus address */
	CHECK_EQ(host_read("in", 0, 4, RAM_BASE + 0x3000), ST(HC_EFAULT));
	/* a bus address in the window but past RAM */
	CHECK_EQ(host_read("in", 0, 4, RAM_SIZE), ST(HC_EFAULT));
	share_done(fd);
}

TEST(hypercall_host_io_without_share)
{
	setup(true, -1, 1);
	CHECK_EQ(host_read("anything", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_write("anything", "x", 0, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("/etc/passwd", 0, 1, 0), ST(HC_EACCES));
	CHECK(!exists("anything"));
}

/* Everything that must stay out of reach, with openat2 or the walk. */
static void confinement_suite(bool walk)
{
	int fd = share_fd();
	char p[256], q[256];

	force_walk = walk;
	setup(true, fd, 1);
	sh_file("ok", "fine");
	snprintf(p, sizeof(p), "%s/sub", share);
	CHECK_EQ(mkdir(p, 0755), 0);
	sh_file("sub/ok", "fine");
	CHECK_EQ(host_read("ok", 0, 4, 0), 0);
	CHECK_EQ(host_read("sub/ok", 0, 4, 0), 0);

	/* absolute names and ".." anywhere */
	CHECK_EQ(host_read("/etc/passwd", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("..", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("../secret", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("sub/../ok", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("a/../../secret", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("sub/..", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("sub/../../outside/secret", 0, 1, 0),
		 ST(HC_EACCES));
	CHECK_EQ(host_write("../escape", "x", 0, 0), ST(HC_EACCES));
	CHECK_EQ(host_write("/tmp/escape", "x", 0, 0), ST(HC_EACCES));
	snprintf(q, sizeof(q), "%s/escape", base);
	CHECK(!exists(q));
	/* names that merely look like ".." are fine */
	sh_file("..x", "dots");
	CHECK_EQ(host_read("..x", 0, 4, 0), 0);
	CHECK_EQ(host_read("sub/...", 0, 4, 0), ST(HC_ENOENT));

	/* symlinks: out to a file, out to a directory, in, dangling */
	sh_path(p, sizeof(p), "passwd");
	CHECK_EQ(symlink("/etc/passwd", p), 0);
	CHECK_EQ(host_read("passwd", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_write("passwd", "x", 0, 0), ST(HC_EACCES));
	sh_path(p, sizeof(p), "out");
	CHECK_EQ(symlink(outside, p), 0);
	CHECK_EQ(host_read("out/secret", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_write("out/new", "x", 0, 0), ST(HC_EACCES));
	snprintf(q, sizeof(q), "%s/new", outside);
	CHECK(!exists(q));
	sh_path(p, sizeof(p), "rel");
	CHECK_EQ(symlink("../secret", p), 0);
	CHECK_EQ(host_read("rel", 0, 1, 0), ST(HC_EACCES));
	sh_path(p, sizeof(p), "inside");
	CHECK_EQ(symlink("ok", p), 0);   /* points inside: still refused */
	CHECK_EQ(host_read("inside", 0, 1, 0), ST(HC_EACCES));
	sh_path(p, sizeof(p), "subln");
	CHECK_EQ(symlink("sub", p), 0);
	CHECK_EQ(host_read("subln/ok", 0, 1, 0), ST(HC_EACCES));
	sh_path(p, sizeof(p), "dangling");
	snprintf(q, sizeof(q), "%s/created-through-link", outside);
	CHECK_EQ(symlink(q, p), 0);
	CHECK_EQ(host_write("dangling", "x", 0, 0), ST(HC_EACCES));
	CHECK(!exists(q));
	/* the link itself is not replaced either */
	struct stat st;
	CHECK_EQ(lstat(p, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	/* magic links: /proc/self/root inside the share */
	sh_path(p, sizeof(p), "proc");
	CHECK_EQ(symlink("/proc/self/root/etc/passwd", p), 0);
	CHECK_EQ(host_read("proc", 0, 1, 0), ST(HC_EACCES));

	/* a FIFO: neither blocks nor opens */
	sh_path(p, sizeof(p), "fifo");
	CHECK_EQ(mkfifo(p, 0644), 0);
	alarm(20); /* a hang here would be the bug */
	CHECK_EQ(host_read("fifo", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_write("fifo", "x", 0, 0), ST(HC_EACCES));
	CHECK_EQ(host_write("fifo", "x", 0, 1), ST(HC_EACCES));
	alarm(0);
	/* device nodes: a symlink to one, and (as root) a real one */
	sh_path(p, sizeof(p), "null-link");
	CHECK_EQ(symlink("/dev/null", p), 0);
	CHECK_EQ(host_read("null-link", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_write("null-link", "x", 0, 0), ST(HC_EACCES));
	sh_path(p, sizeof(p), "null");
	if (mknod(p, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		CHECK_EQ(host_read("null", 0, 1, 0), ST(HC_EACCES));
		CHECK_EQ(host_write("null", "x", 0, 1), ST(HC_EACCES));
	} else {
		printf("  (mknod refused: %s; device node case skipped)\n",
		       strerror(errno));
	}
	/* directories are not files */
	CHECK_EQ(host_read("sub", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_read("sub/", 0, 1, 0), ST(HC_EACCES));
	CHECK_EQ(host_read(".", 0, 1, 0), ST(HC_EACCES));
	/* empty names and NULs */
	CHECK_EQ(call(1, HC_OP_HOST_READ, 0, 0, 1, 0, 0), ST(HC_EINVAL));
	put_data(1, 0, "ok\0/etc/passwd", 14);
	CHECK_EQ(call(1, HC_OP_HOST_READ, 14, 0, 1, 0, 0), ST(HC_EINVAL));
	/* the good files are still fine after all that */
	CHECK_EQ(host_read("sub/ok", 0, 4, 0), 0);
	CHECK_EQ(ret0(1), 4);
	share_done(fd);
}

TEST(hypercall_share_confinement_openat2)
{
	confinement_suite(false);
}

TEST(hypercall_share_confinement_walk)
{
	confinement_suite(true);
}

/* A path component is a real directory at one moment and a symlink out
 * of the share at the next. Created before the op, the symlink is refused;
 * swapped back and forth by another thread while ops run, every op sees
 * one state or the other, never the outside file. */
struct swapper {
	char a[256], b[256];
	atomic_bool stop;
	atomic_long swaps;
};

static void *swap_loop(void *arg)
{
	struct swapper *s = arg;

	while (!atomic_load(&s->stop))
		if (renameat2(AT_FDCWD, s->a, AT_FDCWD, s->b,
			      RENAME_EXCHANGE) == 0)
			atomic_fetch_add(&s->swaps, 1);
	return NULL;
}

static void swap_suite(bool walk)
{
	int fd = share_fd();
	char p[256], q[256];
	static struct swapper s;
	pthread_t t;
	int ok = 0, refused = 0, leaked = 0, other = 0;

	force_walk = walk;
	setup(true, fd, 1);
	sh_path(p, sizeof(p), "d");
	CHECK_EQ(mkdir(p, 0755), 0);
	sh_file("d/secret", "INSIDE");
	CHECK_EQ(host_read("d/secret", 0, 6, 0), 0);
	/* swapped before the op: refused */
	sh_path(q, sizeof(q), "alt");
	CHECK_EQ(symlink(outside, q), 0);
	CHECK_EQ(renameat2(AT_FDCWD, p, AT_FDCWD, q, RENAME_EXCHANGE), 0);
	CHECK_EQ(host_read("d/secret", 0, 6, 0), ST(HC_EACCES));
	CHECK_EQ(host_write("d/planted", "x", 0, 0), ST(HC_EACCES));
	CHECK_EQ(renameat2(AT_FDCWD, p, AT_FDCWD, q, RENAME_EXCHANGE), 0);
	CHECK_EQ(host_read("d/secret", 0, 6, 0), 0);

	/* swapped while ops run */
	snprintf(s.a, sizeof(s.a), "%s", p);
	snprintf(s.b, sizeof(s.b), "%s", q);
	atomic_store(&s.stop, false);
	atomic_store(&s.swaps, 0);
	CHECK_EQ(pthread_create(&t, NULL, swap_loop, &s), 0);
	for (int i = 0; i < 3000; i++) {
		char buf[8] = { 0 };
		uint64_t st = host_read("d/secret", 0, 6, 0);
		if (st == 0) {
			get_data(1, 0, buf, 6);
			if (memcmp(buf, "INSIDE", 6) == 0)
				ok++;
			else
				leaked++;
		} else if (st == ST(HC_EACCES) || st == ST(HC_ENOENT)) {
			refused++;
		} else {
			other++;
		}
		if (i % 8 == 0)
			host_write("d/planted", "x", 0, 0);
	}
	atomic_store(&s.stop, true);
	pthread_join(t, NULL);
	snprintf(q, sizeof(q), "%s/planted", outside);
	CHECK_EQ(leaked, 0);
	CHECK_EQ(other, 0);
	CHECK(!exists(q));
	CHECK(ok + refused == 3000);
	printf("  (%s: %ld swaps; %d reads inside, %d refused, %d leaked)\n",
	       walk ? "walk" : "openat2", atomic_load(&s.swaps), ok, refused,
	       leaked);
	share_done(fd);
}

TEST(hypercall_share_symlink_swap_openat2)
{
	swap_suite(false);
}

TEST(hypercall_share_symlink_swap_walk)
{
	swap_suite(true);
}

TEST(hypercall_hostfs_names)
{
	CHECK_EQ(hostfs_check_name("a", 1), 0);
	CHECK_EQ(hostfs_check_name("a/b/c.txt", 9), 0);
	CHECK_EQ(hostfs_check_name("...", 3), 0);
	CHECK_EQ(hostfs_check_name("a/..b", 5), 0);
	CHECK_EQ(hostfs_check_name("", 0), -HC_EINVAL);
	CHECK_EQ(hostfs_check_name("a\0b", 3), -HC_EINVAL);
	CHECK_EQ(hostfs_check_name("/a", 2), -HC_EACCES);
	CHECK_EQ(hostfs_check_name("..", 2), -HC_EACCES);
	CHECK_EQ(hostfs_check_name("../a", 4), -HC_EACCES);
	CHECK_EQ(hostfs_check_name("a/..", 4), -HC_EACCES);
	CHECK_EQ(hostfs_check_name("a/../b", 6), -HC_EACCES);
	CHECK_EQ(hostfs_check_name("a//..//b", 8), -HC_EACCES);
	/* the length bounds the name: "a/.." cut to "a/." is fine */
	CHECK_EQ(hostfs_check_name("a/..", 3), 0);
	struct hostfs none = { .dirfd = -1 };
	CHECK_EQ(hostfs_open(&none, "a", 1, false, false), -HC_EACCES);
	CHECK_EQ(hostfs_open(NULL, "a", 1, false, false), -HC_EACCES);
	CHECK_EQ(hostfs_open_share("/nonexistent-glass-dir") < 0, 1);
	int fd = hostfs_open_share("/etc/hostname");
	CHECK(fd < 0);
	if (fd >= 0)
		close(fd);
}

/* ---- names, PCI, reset ---- */

static const char *nm(uint64_t off)
{
	static char buf[32];

	return mmio_reg_name(hc_ops(), off, buf, sizeof(buf));
}

static bool named(uint64_t off, const char *want)
{
	const char *n = nm(off);

	return n && !strcmp(n, want);
}

/* The names the trace shows, from the region's ops as the bus has them. */
TEST(hypercall_register_names)
{
	setup(false, -1, 2);
	CHECK(named(HC_REG_MAGIC, "MAGIC"));
	CHECK(named(HC_REG_PUTC, "PUTC"));
	CHECK(named(CH(1) + ARG(0), "ch1.ARG0"));
	CHECK(named(CH(1) + HC_CH_DOORBELL, "ch1.DOORBELL"));
	CHECK(named(CH(15) + HC_CH_RET1, "ch15.RET1"));
	CHECK(named(HC_REG_FINISH, "FINISH"));
	CHECK(named(HC_REG_TIME_NS + 4, "TIME_NS.hi"));
	CHECK(named(CH(3) + ARG(5), "ch3.ARG5"));
	CHECK(named(CH(3) + ARG(5) + 4, "ch3.ARG5.hi"));
	CHECK(named(CH(12) + HC_CH_CLAIM, "ch12.CLAIM"));
	CHECK(named(CH(2) + HC_DATA_OFFSET, "ch2.DATA+0x0"));
	CHECK(named(CH(2) + 0x110, "ch2.DATA+0x10"));
	CHECK(nm(0x038) == NULL);
	CHECK(nm(0x050) == NULL);
	CHECK(nm(CH(1) + 0x60) == NULL);
	CHECK(nm(CH(1) + 0x80) == NULL);
	CHECK(nm(HC_WINDOW_SIZE) == NULL);
}

/* The same lookup gives the bus each register's extent and widths; the
 * region takes any width at any alignment and reads zero where no
 * register takes an access. */
TEST(hypercall_register_widths)
{
	struct glass_reg s;
	const struct glass_reg *d;

	setup(false, -1, 2);
	const struct glass_region_ops *ops = hc_ops();
	CHECK(ops->reg_at == hypercall_reg_at);
	d = hypercall_reg_at(HC_REG_TIME_NS + 4, &s, NULL, 0);
	CHECK(d != NULL);
	if (d) {
		CHECK_EQ(d->offset, HC_REG_TIME_NS);
		CHECK_EQ(d->size, 8);
		CHECK_EQ(d->widths, GLASS_W4 | GLASS_W8);
	}
	d = hypercall_reg_at(CH(7) + ARG(2) + 3, &s, NULL, 0);
	CHECK(d != NULL);
	if (d) {
		CHECK_EQ(d->offset, CH(7) + ARG(2));
		CHECK_EQ(d->size, 8);
	}
	d = hypercall_reg_at(CH(4) + HC_DATA_OFFSET + 0x123, &s, NULL, 0);
	CHECK(d != NULL);
	if (d) {
		CHECK_EQ(d->offset, CH(4) + HC_DATA_OFFSET);
		CHECK_EQ(d->size, HC_DATA_SIZE);
		CHECK_EQ(d->widths, GLASS_WANY | GLASS_UNALIGNED);
		CHECK(mmio_reg_fits(ops, d, CH(4) + 0xffc, 4));
		CHECK(!mmio_reg_fits(ops, d, CH(4) + 0xffc, 8));
		CHECK(mmio_reg_fits(ops, d, CH(4) + 0x103, 8));
	}
	CHECK(hypercall_reg_at(CH(1) + 0x60, &s, NULL, 0) == NULL);
	/* what the spec says of everything else: it reads 0, and no width
	 * or alignment is an access fault */
	CHECK(ops->flags & GLASS_UNCLAIMED_ZERO);
	for (unsigned size = 1; size <= 8; size *= 2) {
		for (unsigned off = 0; off < 8; off++) {
			uint64_t v = 0x5a;
			CHECK_EQ(devhost_access_as(&dh, HC_BASE + 0x38 + off,
						   size, &v, false, &who),
				 MEM_OK);
			CHECK_EQ(v, 0);
		}
	}
	CHECK_EQ(errors(), 32);
}

#define EV_KEEP 8

struct ev_log {
	int n;
	struct {
		enum ev_kind kind;
		uint64_t offset, value;
		unsigned size;
		bool write;
		char why[96];
		int64_t hart;
	} e[EV_KEEP];
};

static void ev_keep(void *o, const struct bus_event *e)
{
	struct ev_log *l = o;

	if (ev_category_of(e->kind) != EV_GUEST_ERROR &&
	    ev_category_of(e->kind) != EV_MMIO)
		return;
	if (l->n < EV_KEEP) {
		l->e[l->n].kind = e->kind;
		l->e[l->n].hart = hart_of(e->who);
		if (e->kind == EVK_BAD_ACCESS) {
			l->e[l->n].offset = e->bad.offset;
			l->e[l->n].size = e->bad.size;
			l->e[l->n].write = e->bad.write;
			snprintf(l->e[l->n].why, sizeof(l->e[l->n].why), "%s",
				 e->bad.why ? e->bad.why : "");
		} else if (e->kind == EVK_MMIO) {
			l->e[l->n].offset = e->mmio.offset;
			l->e[l->n].size = e->mmio.size;
			l->e[l->n].write = e->mmio.write;
			l->e[l->n].value = e->mmio.value;
		}
	}
	l->n++;
}

/* A 1-byte read of a register: 0 from the bus, a guest-error event, then
 * the access itself; nothing at the device (a CLAIM read would claim). */
TEST(hypercall_misfit_event)
{
	static struct ev_log l;

	setup(false, -1, 2);
	memset(&l, 0, sizeof(l));
	dh.tap = ev_keep;
	dh.tap_opaque = &l;
	as_hart(1);
	CHECK_EQ(rd(CH(2) + HC_CH_CLAIM + 1, 1), 0);
	CHECK_EQ(hc()->s.ch[1].claimed, false);
	CHECK_EQ(hc()->guest_errors, 0);
	CHECK_EQ(l.n, 2);
	CHECK_EQ(l.e[0].kind, EVK_BAD_ACCESS);
	CHECK_EQ(l.e[0].offset, CH(2) + HC_CH_CLAIM + 1);
	CHECK_EQ(l.e[0].size, 1);
	CHECK(!strcmp(l.e[0].why, "width the register does not take: reads "
				  "zero"));
	CHECK_EQ(l.e[0].hart, 1);     /* who made it travels with it */
	CHECK_EQ(l.e[1].kind, EVK_MMIO);
	CHECK_EQ(l.e[1].value, 0);
	CHECK_EQ(l.e[1].hart, 1);
	/* misaligned, and into the next page: the same, as writes */
	wr(CH(1) + ARG(1) + 2, 0x1234, 4);
	wr(CH(1) + HC_PAGE_SIZE - 2, 0xffff, 4);
	CHECK_EQ(l.n, 6);
	CHECK_EQ(l.e[2].kind, EVK_BAD_ACCESS);
	CHECK(l.e[2].write);
	CHECK(!strcmp(l.e[2].why, "misaligned access to a register: write "
				  "ignored"));
	CHECK_EQ(l.e[3].kind, EVK_MMIO);
	CHECK_EQ(l.e[4].kind, EVK_BAD_ACCESS);
	CHECK(!strcmp(l.e[4].why, "access runs past the register: write "
				  "ignored"));
	CHECK_EQ(l.e[5].kind, EVK_MMIO);
	CHECK_EQ(rd(CH(1) + ARG(1), 8), 0);
	CHECK_EQ(hc()->s.ch[1].claimed, false);
	CHECK_EQ(hc()->guest_errors, 0);
	dh.tap = NULL;
}

/* The PCI transport: the machine's identity, BAR0 = the same model's
 * window, and a reset (the machine's, device_reset) that releases
 * channels and clears registers. */
TEST(hypercall_pci_function)
{
	setup_on(true, -1, 2, true);
	CHECK_EQ(cfg_read(PCI_VENDOR_ID, 2), 0x1234);
	CHECK_EQ(cfg_read(PCI_DEVICE_ID, 2), 0x676c);
	CHECK_EQ(cfg_read(PCI_REVISION_ID, 4) >> 8, 0xff0000);
	CHECK_EQ(cfg_read(PCI_INTERRUPT_PIN, 1), 0);
	CHECK_EQ(cfg_read(PCI_HEADER_TYPE, 1), 0);
	/* BAR0: 64 KiB, 32-bit, non-prefetchable memory */
	CHECK_EQ(cfg_read(PCI_BAR0, 4), 0);
	cfg_write(PCI_BAR0, 0xffffffff, 4);
	CHECK_EQ(cfg_read(PCI_BAR0, 4), 0xffff0000);
	cfg_write(PCI_BAR0 + 4, 0xffffffff, 4);
	CHECK_EQ(cfg_read(PCI_BAR0 + 4, 4), 0); /* no BAR1 */
	struct pci_bar *bar = &dh.dev->pci->bars[0];
	CHECK(bar->ops != NULL && bar->ops->reg_at == hypercall_reg_at);
	CHECK(bar->dev == hc());
	CHECK_EQ(bar->size, HC_WINDOW_SIZE);
	pci_enable(false);
	CHECK_EQ(rd(HC_REG_MAGIC, 8), HC_MAGIC);
	/* a reset releases channels and clears registers */
	CHECK_EQ(rd(CH(1) + HC_CH_CLAIM, 8), 1);
	CHECK_EQ(call(1, HC_OP_PING, 1, 0, 0, 0, 0), 0);
	CHECK_EQ(call(2, HC_OP_ROI_BEGIN, 1, 0, 0, 0, 0), 0);
	put_data(2, 0, "abc", 3);
	devhost_reset(&dh);
	CHECK_EQ(hc()->s.ch[0].claimed, false);
	/* the function's header too: BAR0 unassigned, decoding off */
	CHECK_EQ(cfg_read(PCI_COMMAND, 2), 0);
	CHECK_EQ(cfg_read(PCI_BAR0, 4), 0);
	pci_enable(false);
	CHECK_EQ(rd(CH(1) + HC_CH_RET0, 8), 0);
	CHECK_EQ(rd(CH(1) + HC_CH_OP, 8), 0);
	CHECK_EQ(rd(CH(2) + HC_DATA_OFFSET, 8), 0);
	CHECK_EQ(call(2, HC_OP_ROI_END, 1, 0, 0, 0, 0), ST(HC_EINVAL));
	/* host and channel count survive */
	CHECK_EQ(rd(HC_REG_CHANNELS, 8), 2);
	CHECK_EQ(call(1, 0x80, 2, 3, 0, 0, 0), 0);
	CHECK_EQ(ret0(1), 6);
	CHECK_EQ(errors(), 0);
}

/* The platform instance resets the same way (a machine reset). */
TEST(hypercall_platform_reset)
{
	setup(true, -1, 2);
	as_hart(1);
	fk.time = 0x700000001ull;
	CHECK_EQ(rd(HC_REG_TIME_NS, 4), 1);    /* latches hart 1's pair */
	CHECK_EQ(rd(CH(2) + HC_CH_CLAIM, 8), 1);
	CHECK_EQ(call(2, HC_OP_ROI_BEGIN, 5, 0, 0, 0, 0), 0);
	put_data(2, 0, "xyz", 3);
	devhost_reset(&dh);
	CHECK_EQ(hc()->s.ch[1].claimed, false);
	CHECK_EQ(hc()->s.roi_active, 0);
	CHECK_EQ(rd(CH(2) + HC_DATA_OFFSET, 4), 0);
	CHECK_EQ(rd(HC_REG_TIME_NS + 4, 4), 0); /* the latch was cleared */
	CHECK_EQ(call(2, HC_OP_ROI_END, 5, 0, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(rd(HC_REG_CHANNELS, 8), 2);
	CHECK_EQ(fk.resets + fk.exits, 0);     /* not a request of its own */
}

/* Misaligned accesses: refused at registers; DATA takes them whole as
 * long as they stay inside it (not into the next channel's page). */
TEST(hypercall_misaligned_whole)
{
	setup(false, -1, 2);
	CHECK_EQ(rd(CH(1) + HC_CH_CLAIM + 2, 4), 0);
	CHECK_EQ(hc()->s.ch[0].claimed, false);
	wr(CH(1) + ARG(5) + 4, 0, 8);
	CHECK_EQ(hc()->ops_run, 0);
	CHECK_EQ(errors(), 2);
	wr(CH(1) + HC_DATA_OFFSET + 3, 0x1122334455667788ull, 8);
	CHECK_EQ(rd(CH(1) + HC_DATA_OFFSET + 3, 8), 0x1122334455667788ull);
	CHECK_EQ(rd(CH(1) + HC_DATA_OFFSET + 4, 2), 0x6677);
	CHECK_EQ(rd(CH(1) + HC_PAGE_SIZE - 3, 2), 0);
	CHECK_EQ(errors(), 2);
	/* running into the next channel's page */
	wr(CH(1) + HC_PAGE_SIZE - 4, ~0ull, 8);
	CHECK_EQ(rd(CH(1) + HC_PAGE_SIZE - 4, 8), 0);
	CHECK_EQ(hc()->s.ch[1].claimed, false);
	CHECK_EQ(errors(), 4);
}

/* ---- CHECKPOINT with the machine's hook ---- */

static struct {
	int calls;
	unsigned channel;
	char name[64];
	bool exit_after;
} ck;

static int f_checkpoint(void *o, struct hypercall *h, unsigned channel,
			const char *name, uint64_t len, bool exit_after)
{
	ck.calls++;
	ck.channel = channel;
	snprintf(ck.name, sizeof(ck.name), "%.*s", (int)len, name);
	ck.exit_after = exit_after;
	return 0;
}

TEST(hypercall_checkpoint_hook)
{
	struct hypercall *h = setup(true, -1, 2);

	h->host.checkpoint = f_checkpoint;
	memset(&ck, 0, sizeof(ck));
	CHECK_EQ(rd(HC_REG_FEATURES, 8), 0x6f | 0x10 | 0xff00);
	put_data(2, 0, "boot\0x", 6);
	CHECK_EQ(call(2, HC_OP_CHECKPOINT, 4, 1, 0, 0, 0), 0);
	CHECK_EQ(ck.calls, 1);
	CHECK_EQ(ck.channel, 1);            /* channel 2 is ch[1] */
	CHECK(!strcmp(ck.name, "boot") && ck.exit_after);
	CHECK_EQ(ret0(2), 0);
	CHECK_EQ(call(2, HC_OP_CHECKPOINT, 4, 0, 0, 0, 0), 0);
	CHECK(!ck.exit_after);
	/* the arguments the device checks itself */
	CHECK_EQ(call(2, HC_OP_CHECKPOINT, 0, 0, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(call(2, HC_OP_CHECKPOINT, 4, 2, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(call(2, HC_OP_CHECKPOINT, 6, 0, 0, 0, 0), ST(HC_EINVAL));
	CHECK_EQ(call(2, HC_OP_CHECKPOINT, HC_DATA_SIZE + 1, 0, 0, 0, 0),
		 ST(HC_EINVAL));
	CHECK_EQ(ck.calls, 2);
	/* the machine's answer once it saved (or failed to) */
	hypercall_set_result(h, 1, -HC_EIO, 0);
	CHECK_EQ(rd(CH(2) + HC_CH_STATUS, 8), ST(HC_EIO));
	hypercall_set_result(h, 1, 0, 1);
	CHECK_EQ(ret0(2), 1);
	hypercall_set_result(h, HC_MAX_CHANNELS, 0, 1); /* ignored */
}
