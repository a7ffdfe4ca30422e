/* The virtio core, the virtio-mmio transport and virtio-blk/rng, driven
 * as a driver would: registers through the address space, rings and
 * buffers written into the test host's RAM. Includes what a broken or
 * hostile driver can do (issue 16, point 6): every one must end in
 * DEVICE_NEEDS_RESET or a guest error, never a crash or a hang. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend/block.h"
#include "devhost.h"
#include "harness.h"
#include "virtio/dev/classes.h"

#define BASE 0x10001000ull
#define DESC 0x80010000ull
#define AVAIL 0x80011000ull
#define USED 0x80012000ull
#define BUF 0x80020000ull
#define QSIZE 8

/* virtio-mmio registers */
#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEV_FEATURES 0x010
#define DEV_FEATURES_SEL 0x014
#define DRV_FEATURES 0x020
#define DRV_FEATURES_SEL 0x024
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define INT_STATUS 0x060
#define INT_ACK 0x064
#define STATUS 0x070
#define CONFIG 0x100

#define F_INDIRECT (1u << 28)
#define F_EVENT_IDX (1u << 29)
#define F_VERSION_1 1u /* bit 32: bit 0 of the high word */

static struct devhost h;
static uint16_t avail_idx;

static uint8_t *ram(uint64_t pa)
{
	return h.ram + (pa - DEVHOST_RAM);
}

static void put16(uint64_t pa, uint16_t v)
{
	memcpy(ram(pa), &v, 2);
}

static uint16_t get16(uint64_t pa)
{
	uint16_t v;
	memcpy(&v, ram(pa), 2);
	return v;
}

static uint32_t get32(uint64_t pa)
{
	uint32_t v;
	memcpy(&v, ram(pa), 4);
	return v;
}

static void desc(unsigned i, uint64_t table, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	uint8_t *d = ram(table + 16 * i);
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static void avail_add(uint16_t head)
{
	put16(AVAIL + 4 + 2 * (avail_idx % QSIZE), head);
	avail_idx++;
	put16(AVAIL + 2, avail_idx);
}

static uint16_t used_idx(void)
{
	return get16(USED + 2);
}

static uint32_t status(void)
{
	return (uint32_t)devhost_rd(&h, STATUS, 4);
}

/* Negotiate `lo` (and VERSION_1 unless !v1), set queue 0 up with size
 * qsize, DRIVER_OK unless !ok. */
static void start(const struct glass_device_class *cls, const char *props,
		  uint32_t lo, bool v1, uint16_t qsize, bool ok)
{
	devhost_init(&h, false);
	memset(h.ram, 0, DEVHOST_RAM_SIZE);
	avail_idx = 0;
	CHECK(devhost_platform(&h, cls, props, BASE, 0x1000, 1) != NULL);
	if (!h.dev)
		return;
	devhost_wr(&h, STATUS, 1 | 2, 4);
	devhost_wr(&h, DRV_FEATURES_SEL, 0, 4);
	devhost_wr(&h, DRV_FEATURES, lo, 4);
	devhost_wr(&h, DRV_FEATURES_SEL, 1, 4);
	devhost_wr(&h, DRV_FEATURES, v1 ? F_VERSION_1 : 0, 4);
	devhost_wr(&h, STATUS, 1 | 2 | 8, 4);
	devhost_wr(&h, QUEUE_SEL, 0, 4);
	devhost_wr(&h, QUEUE_NUM, qsize, 4);
	devhost_wr(&h, 0x080, (uint32_t)DESC, 4);
	devhost_wr(&h, 0x084, 0, 4);
	devhost_wr(&h, 0x090, (uint32_t)AVAIL, 4);
	devhost_wr(&h, 0x094, 0, 4);
	devhost_wr(&h, 0x0a0, (uint32_t)USED, 4);
	devhost_wr(&h, 0x0a4, 0, 4);
	devhost_wr(&h, QUEUE_READY, 1, 4);
	if (ok)
		devhost_wr(&h, STATUS, 1 | 2 | 8 | 4, 4);
}

static void notify(unsigned q)
{
	devhost_wr(&h, QUEUE_NOTIFY, q, 4);
}

TEST(virtio_mmio_identity)
{
	devhost_init(&h, false);
	CHECK(devhost_platform(&h, &virtio_rng_mmio_class, "", BASE, 0x1000,
			       1) != NULL);
	CHECK_EQ(devhost_rd(&h, MAGIC, 4), 0x74726976);
	CHECK_EQ(devhost_rd(&h, VERSION, 4), 2);
	CHECK_EQ(devhost_rd(&h, DEVICE_ID, 4), 4);
	CHECK_EQ(devhost_rd(&h, QUEUE_NUM_MAX, 4), 64);
	devhost_wr(&h, DEV_FEATURES_SEL, 1, 4);
	CHECK_EQ(devhost_rd(&h, DEV_FEATURES, 4) & F_VERSION_1, F_VERSION_1);
	devhost_wr(&h, DEV_FEATURES_SEL, 0, 4);
	CHECK_EQ(devhost_rd(&h, DEV_FEATURES, 4) & (F_INDIRECT | F_EVENT_IDX),
		 F_INDIRECT | F_EVENT_IDX);
	/* a 1-byte access to a 32-bit register never reaches the model */
	CHECK_EQ(devhost_rd(&h, MAGIC, 1), 0);
}

TEST(virtio_features_need_version_1)
{
	start(&virtio_rng_mmio_class, "", 0, false, QSIZE, false);
	CHECK_EQ(status() & 8, 0);  /* FEATURES_OK refused */
	start(&virtio_rng_mmio_class, "", F_EVENT_IDX, true, QSIZE, false);
	CHECK_EQ(status() & 8, 8);
	/* features that were not offered are refused too */
	start(&virtio_rng_mmio_class, "", 1u << 3, true, QSIZE, false);
	CHECK_EQ(status() & 8, 0);
}

TEST(virtio_rng_fills_a_buffer_and_interrupts)
{
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	desc(0, DESC, BUF, 64, 2 /* WRITE */, 0);
	avail_add(0);
	notify(0);
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(get32(USED + 4), 0);    /* id */
	CHECK_EQ(get32(USED + 8), 64);   /* len */
	uint8_t zero[64] = { 0 };
	CHECK(memcmp(ram(BUF), zero, 64) != 0);
	CHECK_EQ(h.line[0], 1);
	CHECK_EQ(devhost_rd(&h, INT_STATUS, 4), 1);
	devhost_wr(&h, INT_ACK, 1, 4);
	CHECK_EQ(h.line[0], 0);
	CHECK(devhost_events(&h, EVK_VIRTIO) > 0);
}

TEST(virtio_no_interrupt_flag_and_event_idx_suppress)
{
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	put16(AVAIL, 1); /* VRING_AVAIL_F_NO_INTERRUPT */
	desc(0, DESC, BUF, 8, 2, 0);
	avail_add(0);
	notify(0);
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(h.line[0], 0);

	start(&virtio_rng_mmio_class, "", F_EVENT_IDX, true, QSIZE, true);
	put16(AVAIL + 4 + 2 * QSIZE, 5); /* used_event: after the 6th */
	desc(0, DESC, BUF, 8, 2, 0);
	avail_add(0);
	notify(0);
	/* the first completion always interrupts; avail_event is set */
	CHECK_EQ(h.line[0], 1);
	CHECK_EQ(get16(USED + 4 + 8 * QSIZE), 1);
	devhost_wr(&h, INT_ACK, 1, 4);
	avail_add(0);
	notify(0);
	CHECK_EQ(used_idx(), 2);
	CHECK_EQ(h.line[0], 0);  /* used_event 5 not passed yet */
	for (int i = 0; i < 4; i++) {
		avail_add(0);
		notify(0);
	}
	CHECK_EQ(used_idx(), 6);
	CHECK_EQ(h.line[0], 1);  /* idx 6 passed used_event 5 */
}

TEST(virtio_indirect_table)
{
	start(&virtio_rng_mmio_class, "", F_INDIRECT, true, QSIZE, true);
	uint64_t table = 0x80030000;
	desc(0, table, BUF, 16, 2 | 1, 1);
	desc(1, table, BUF + 100, 16, 2, 0);
	desc(0, DESC, table, 32, 4 /* INDIRECT */, 0);
	avail_add(0);
	notify(0);
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(get32(USED + 8), 32);
	CHECK_EQ(status() & 0x40, 0);
}

/* What a hostile driver can do: each ends in NEEDS_RESET, at once. */
static void expect_needs_reset(const char *what)
{
	notify(0);
	if ((status() & 0x40) == 0)
		fprintf(stderr, "  not detected: %s\n", what);
	CHECK_EQ(status() & 0x40, 0x40);
	CHECK_EQ(used_idx(), 0);
	/* and after that the device ignores the queue until reset */
	notify(0);
	CHECK_EQ(used_idx(), 0);
	devhost_wr(&h, STATUS, 0, 4);
	CHECK_EQ(status(), 0);
	CHECK_EQ(h.line[0], 0);
}

TEST(virtio_descriptor_loop)
{
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	desc(0, DESC, BUF, 8, 2 | 1, 1);
	desc(1, DESC, BUF, 8, 2 | 1, 0);
	avail_add(0);
	expect_needs_reset("a loop of two descriptors");
}

TEST(virtio_buffer_outside_ram)
{
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	desc(0, DESC, 0x10000000, 8, 2, 0);
	avail_add(0);
	expect_needs_reset("a buffer at the UART");
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	desc(0, DESC, DEVHOST_RAM + DEVHOST_RAM_SIZE - 4, 8, 2, 0);
	avail_add(0);
	expect_needs_reset("a buffer running past the end of RAM");
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	desc(0, DESC, BUF, 0xffffffff, 2, 0);
	avail_add(0);
	expect_needs_reset("a 4 GiB buffer");
}

TEST(virtio_nested_indirect)
{
	start(&virtio_rng_mmio_class, "", F_INDIRECT, true, QSIZE, true);
	uint64_t t1 = 0x80030000, t2 = 0x80031000;
	desc(0, t2, BUF, 8, 2, 0);
	desc(0, t1, t2, 16, 4, 0);
	desc(0, DESC, t1, 16, 4, 0);
	avail_add(0);
	expect_needs_reset("an indirect table inside an indirect table");
	/* indirect without the feature */
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	desc(0, t1, BUF, 8, 2, 0);
	desc(0, DESC, t1, 16, 4, 0);
	avail_add(0);
	expect_needs_reset("an indirect descriptor not negotiated");
}

TEST(virtio_bad_indices)
{
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	desc(0, DESC, BUF, 8, 2, 0);
	put16(AVAIL + 4, QSIZE + 3); /* head out of range */
	put16(AVAIL + 2, 1);
	expect_needs_reset("a head index beyond the queue");
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	put16(AVAIL + 2, 1000); /* avail idx jumped by more than the size */
	expect_needs_reset("an avail index far ahead");
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	desc(0, DESC, BUF, 8, 0 /* readable */, 1 | 0);
	desc(0, DESC, BUF, 8, 2 | 1, 1);
	desc(1, DESC, BUF, 8, 0, 0); /* readable after writable */
	avail_add(0);
	expect_needs_reset("a readable buffer after a writable one");
}

TEST(virtio_queue_size_not_power_of_two)
{
	start(&virtio_rng_mmio_class, "", 0, true, 6, true);
	CHECK_EQ(devhost_rd(&h, QUEUE_READY, 4), 0);
	CHECK_EQ(status() & 0x40, 0x40);
	start(&virtio_rng_mmio_class, "", 0, true, 0, true);
	CHECK_EQ(devhost_rd(&h, QUEUE_READY, 4), 0);
	start(&virtio_rng_mmio_class, "", 0, true, 128, true); /* > max 64 */
	CHECK_EQ(devhost_rd(&h, QUEUE_READY, 4), 0);
}

TEST(virtio_notify_before_driver_ok_is_deferred)
{
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, false);
	desc(0, DESC, BUF, 8, 2, 0);
	avail_add(0);
	notify(0);
	CHECK_EQ(used_idx(), 0);
	devhost_wr(&h, STATUS, 1 | 2 | 8 | 4, 4);
	CHECK_EQ(used_idx(), 1);
	/* a queue that does not exist */
	notify(7);
	CHECK_EQ(status() & 0x40, 0);
}

TEST(virtio_reset_clears_everything)
{
	start(&virtio_rng_mmio_class, "", F_EVENT_IDX, true, QSIZE, true);
	desc(0, DESC, BUF, 8, 2, 0);
	avail_add(0);
	notify(0);
	CHECK_EQ(h.line[0], 1);
	devhost_wr(&h, STATUS, 0, 4);
	CHECK_EQ(h.line[0], 0);
	CHECK_EQ(status(), 0);
	CHECK_EQ(devhost_rd(&h, QUEUE_READY, 4), 0);
	CHECK_EQ(devhost_rd(&h, INT_STATUS, 4), 0);
	devhost_wr(&h, DRV_FEATURES_SEL, 0, 4);
	CHECK_EQ(devhost_rd(&h, DRV_FEATURES, 4), 0);
	/* a machine reset does the same */
	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	avail_add(0);
	desc(0, DESC, BUF, 8, 2, 0);
	notify(0);
	devhost_reset(&h);
	CHECK_EQ(status(), 0);
	CHECK_EQ(h.line[0], 0);
}

/* ---- virtio-blk on a temporary image ---- */

static struct blockdev disk;
static char disk_path[64];

static void *test_backend(void *opaque, const char *kind, const char *id)
{
	return !strcmp(kind, "drive") && !strcmp(id, "d0") ? &disk : NULL;
}

static void blk_start(bool readonly, const char *props)
{
	char pattern[4096];

	blockdev_close(&disk);
	strcpy(disk_path, "/tmp/glass-test-virtio.XXXXXX");
	int fd = mkstemp(disk_path);
	for (int i = 0; i < 4096; i++)
		pattern[i] = (char)(i * 7);
	for (int s = 0; s < 64; s++)
		CHECK_EQ(write(fd, pattern, 4096), 4096);
	close(fd);
	CHECK_EQ(blockdev_open(&disk, "d0", disk_path,
				 readonly ? BLOCKDEV_READONLY : 0), 0);
	devhost_init(&h, false);
	h.env.backend = test_backend;
	memset(h.ram, 0, DEVHOST_RAM_SIZE);
	avail_idx = 0;
	CHECK(devhost_platform(&h, &virtio_blk_mmio_class, props, BASE,
			       0x1000, 1) != NULL);
}

static void blk_go(void)
{
	devhost_wr(&h, STATUS, 1 | 2, 4);
	devhost_wr(&h, DRV_FEATURES_SEL, 1, 4);
	devhost_wr(&h, DRV_FEATURES, F_VERSION_1, 4);
	devhost_wr(&h, DRV_FEATURES_SEL, 0, 4);
	devhost_wr(&h, DRV_FEATURES, (1u << 13) | (1u << 14), 4);
	devhost_wr(&h, STATUS, 1 | 2 | 8, 4);
	devhost_wr(&h, QUEUE_NUM, QSIZE, 4);
	devhost_wr(&h, 0x080, (uint32_t)DESC, 4);
	devhost_wr(&h, 0x090, (uint32_t)AVAIL, 4);
	devhost_wr(&h, 0x0a0, (uint32_t)USED, 4);
	devhost_wr(&h, QUEUE_READY, 1, 4);
	devhost_wr(&h, STATUS, 1 | 2 | 8 | 4, 4);
}

/* One request: header, data (len bytes at BUF+0x100, `in` = written by
 * the device), status byte. Returns the status. */
static uint8_t blk_req(uint32_t type, uint64_t sector, uint32_t len, bool in)
{
	uint8_t *hdr = ram(BUF);
	memset(hdr, 0, 16);
	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
	*ram(BUF + 0x80) = 0xee;
	unsigned n = 0;
	desc(n, DESC, BUF, 16, 1, (uint16_t)(n + 1));
	n++;
	if (len) {
		desc(n, DESC, BUF + 0x100, len, (in ? 2 : 0) | 1,
		     (uint16_t)(n + 1));
		n++;
	}
	desc(n, DESC, BUF + 0x80, 1, 2, 0);
	avail_add(0);
	notify(0);
	return *ram(BUF + 0x80);
}

TEST(virtio_blk_read_write_flush)
{
	blk_start(false, "drive=d0,serial=abc123");
	blk_go();
	CHECK_EQ(devhost_rd(&h, CONFIG, 4), 64 * 8); /* capacity, sectors */
	CHECK_EQ(blk_req(0, 8, 4096, true), 0);        /* read sector 8 */
	CHECK_EQ(get32(USED + 8), 4097);
	CHECK_EQ(*ram(BUF + 0x100 + 1), 7);            /* pattern byte 1 */
	memset(ram(BUF + 0x100), 0x5a, 512);
	CHECK_EQ(blk_req(1, 3, 512, false), 0);        /* write sector 3 */
	CHECK_EQ(blk_req(4, 0, 0, false), 0);          /* flush */
	uint8_t b[512];
	int fd = open(disk_path, O_RDONLY);
	CHECK_EQ(pread(fd, b, 512, 3 * 512), 512);
	close(fd);
	CHECK_EQ(b[0], 0x5a);
	CHECK_EQ(b[511], 0x5a);
	CHECK_EQ(blk_req(8, 0, 20, true), 0);          /* get id */
	CHECK(!memcmp(ram(BUF + 0x100), "abc123", 7));
	CHECK_EQ(blk_req(0, 64 * 8 - 1, 1024, true), 1); /* past the end */
	CHECK_EQ(blk_req(0, 0, 100, true), 1);         /* not whole sectors */
	CHECK_EQ(blk_req(99, 0, 0, false), 2);         /* unsupported type */
	/* discard a sector: it reads back as zeros */
	uint8_t *seg = ram(BUF + 0x100);
	uint64_t sector = 16;
	uint32_t num = 1, flags = 0;
	memcpy(seg, &sector, 8);
	memcpy(seg + 8, &num, 4);
	memcpy(seg + 12, &flags, 4);
	CHECK_EQ(blk_req(11, 0, 16, false), 0);
	CHECK_EQ(blk_req(0, 16, 512, true), 0);
	CHECK_EQ(*ram(BUF + 0x100 + 5), 0);
	CHECK_EQ(status() & 0x40, 0);
	devhost_destroy(&h);
	blockdev_close(&disk);
	unlink(disk_path);
}

TEST(virtio_blk_readonly_refuses_writes)
{
	blk_start(true, "drive=d0");
	blk_go();
	devhost_wr(&h, DEV_FEATURES_SEL, 0, 4);
	CHECK_EQ(devhost_rd(&h, DEV_FEATURES, 4) & (1u << 5), 1u << 5);
	memset(ram(BUF + 0x100), 0x11, 512);
	CHECK_EQ(blk_req(1, 0, 512, false), 1);   /* IOERR */
	CHECK_EQ(blk_req(0, 0, 512, true), 0);
	CHECK_EQ(*ram(BUF + 0x100 + 1), 7);       /* unchanged */
	devhost_destroy(&h);
	blockdev_close(&disk);
	unlink(disk_path);
}

TEST(virtio_blk_malformed_requests)
{
	blk_start(false, "drive=d0");
	blk_go();
	/* no status byte: a chain of only a header */
	desc(0, DESC, BUF, 16, 0, 0);
	avail_add(0);
	notify(0);
	CHECK_EQ(status() & 0x40, 0x40);
	devhost_destroy(&h);
	blockdev_close(&disk);
	unlink(disk_path);
}

TEST(virtio_blk_latency_completes_on_the_virtual_clock)
{
	blk_start(false, "drive=d0,latency-ns=5000");
	blk_go();
	blk_req(0, 0, 512, true);
	CHECK_EQ(used_idx(), 0);
	devhost_set_time(&h, 4999);
	CHECK_EQ(used_idx(), 0);
	devhost_set_time(&h, 5000);
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(h.line[0], 1);
	/* a reset mid-request drops it */
	blk_req(0, 0, 512, true);
	devhost_wr(&h, STATUS, 0, 4);
	devhost_set_time(&h, 20000);
	CHECK_EQ(used_idx(), 1);
	devhost_destroy(&h);
	blockdev_close(&disk);
	unlink(disk_path);
}

/* ---- virtio-pci modern: capabilities, BAR4, a request by bus address ---- */

#define ECAM 0x30000000ull
#define SLOT 1
#define BAR4 0x400000000ull
#define BUS(pa) ((pa) - DEVHOST_RAM) /* devhost's inbound window: bus 0 */

static uint32_t cfg_rd(unsigned off, unsigned size)
{
	uint64_t v = 0;

	CHECK_EQ(devhost_access(&h, ECAM + (SLOT << 15) + off, size, &v,
				false), MEM_OK);
	return (uint32_t)v;
}

static void cfg_wr(unsigned off, uint32_t val, unsigned size)
{
	uint64_t v = val;

	CHECK_EQ(devhost_access(&h, ECAM + (SLOT << 15) + off, size, &v,
				true), MEM_OK);
}

TEST(virtio_pci_capabilities_and_a_request)
{
	devhost_init(&h, true);
	memset(h.ram, 0, DEVHOST_RAM_SIZE);
	avail_idx = 0;
	CHECK(devhost_pci(&h, &virtio_rng_pci_class, "addr=1") != NULL);
	if (!h.dev)
		return;
	CHECK_EQ(cfg_rd(0x00, 4), 0x10441af4);     /* 1af4:1044 */
	CHECK_EQ(cfg_rd(0x08, 1), 1);              /* revision 1 */
	CHECK_EQ(cfg_rd(0x2c, 4), 0x11001af4);     /* subsystem */
	/* the four vendor capabilities, QEMU's layout in BAR4 */
	unsigned seen = 0, at = cfg_rd(0x34, 1);
	for (int n = 0; at && n < 16; n++, at = cfg_rd(at + 1, 1)) {
		if (cfg_rd(at, 1) != 0x09)
			continue;
		unsigned type = cfg_rd(at + 3, 1);
		CHECK_EQ(cfg_rd(at + 4, 1), 4);                 /* bar */
		CHECK_EQ(cfg_rd(at + 12, 4), 0x1000);           /* length */
		static const uint32_t where[5] = { 0, 0x0000, 0x3000, 0x1000,
						   0x2000 };
		CHECK(type >= 1 && type <= 4);
		if (type >= 1 && type <= 4)
			CHECK_EQ(cfg_rd(at + 8, 4), where[type]);
		if (type == 2)
			CHECK_EQ(cfg_rd(at + 16, 4), 4);        /* multiplier */
		seen |= 1u << type;
	}
	CHECK_EQ(seen, 0x1e);
	/* BAR4: 64-bit prefetchable, 16 KiB */
	cfg_wr(0x20, 0xffffffff, 4);
	CHECK_EQ(cfg_rd(0x20, 4), 0xffffc00c);
	cfg_wr(0x20, (uint32_t)BAR4, 4);
	cfg_wr(0x24, (uint32_t)(BAR4 >> 32), 4);
	cfg_wr(0x04, 0x6, 2); /* memory, bus master */
	h.base = BAR4;

	devhost_wr(&h, 0x14, 1 | 2, 1);                  /* device_status */
	devhost_wr(&h, 0x08, 1, 4);            /* driver_feature_select */
	devhost_wr(&h, 0x0c, F_VERSION_1, 4);
	devhost_wr(&h, 0x14, 1 | 2 | 8, 1);
	CHECK_EQ(devhost_rd(&h, 0x14, 1), 1 | 2 | 8);
	CHECK_EQ(devhost_rd(&h, 0x12, 2), 1);            /* num_queues */
	CHECK_EQ(devhost_rd(&h, 0x10, 2), 0xffff);       /* no MSI-X */
	devhost_wr(&h, 0x16, 0, 2);
	CHECK_EQ(devhost_rd(&h, 0x18, 2), 64);           /* queue_size */
	devhost_wr(&h, 0x18, QSIZE, 2);
	devhost_wr(&h, 0x20, BUS(DESC), 8);
	devhost_wr(&h, 0x28, (uint32_t)BUS(AVAIL), 4);   /* two halves */
	devhost_wr(&h, 0x2c, 0, 4);
	devhost_wr(&h, 0x30, BUS(USED), 8);
	CHECK_EQ(devhost_rd(&h, 0x28, 8), BUS(AVAIL));
	devhost_wr(&h, 0x1c, 1, 2);
	devhost_wr(&h, 0x14, 1 | 2 | 8 | 4, 1);
	CHECK_EQ(devhost_rd(&h, 0x1e, 2), 0);            /* notify_off */
	desc(0, DESC, BUS(BUF), 32, 2, 0);
	avail_add(0);
	devhost_wr(&h, 0x3000, 0, 2);                    /* notify[0] */
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(get32(USED + 8), 32);
	unsigned line = pci_swizzle(SLOT, 1);
	CHECK_EQ(h.line[line], 1);
	CHECK_EQ(devhost_rd(&h, 0x1000, 1), 1);          /* ISR, cleared */
	CHECK_EQ(h.line[line], 0);
	CHECK_EQ(devhost_rd(&h, 0x1000, 1), 0);

	/* without Bus Master Enable the bridge refuses the rings */
	cfg_wr(0x04, 0x2, 2);
	avail_add(0);
	devhost_wr(&h, 0x3000, 0, 2);
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(devhost_rd(&h, 0x14, 1) & 0x40, 0x40);
	/* a reset through device_status gets it back */
	devhost_wr(&h, 0x14, 0, 1);
	CHECK_EQ(devhost_rd(&h, 0x14, 1), 0);
	devhost_destroy(&h);
}

/* A size that is not a multiple of 512: rounded up, as QEMU 7.2 does
 * (a 1000-byte image is 2 sectors), the missing bytes reading as zeros. */
TEST(virtio_blk_odd_size_rounds_up)
{
	struct blockdev b;
	char path[] = "/tmp/glass-test-odd.XXXXXX";
	uint8_t ones[1000], buf[1024];
	int fd = mkstemp(path);

	memset(ones, 0xff, sizeof(ones));
	CHECK_EQ(write(fd, ones, sizeof(ones)), 1000);
	close(fd);
	CHECK_EQ(blockdev_open(&b, "odd", path, BLOCKDEV_READONLY), 0);
	CHECK_EQ(b.sectors, 2);
	struct iovec iov = { buf, sizeof(buf) };
	memset(buf, 0x55, sizeof(buf));
	CHECK_EQ(blockdev_preadv(&b, &iov, 1, 0), 0);
	CHECK_EQ(buf[999], 0xff);
	CHECK_EQ(buf[1000], 0);
	CHECK_EQ(buf[1023], 0);
	CHECK_EQ(blockdev_pwritev(&b, &iov, 1, 0), -EROFS);
	blockdev_close(&b);
	unlink(path);
}

/* WRITE_ZEROES (with and without the unmap flag) zeroes the range and
 * nothing else; a range past the end, or two segments, is refused. */
TEST(virtio_blk_write_zeroes)
{
	blk_start(false, "drive=d0");
	blk_go();
	devhost_wr(&h, DEV_FEATURES_SEL, 0, 4);
	CHECK_EQ(devhost_rd(&h, DEV_FEATURES, 4) & (1u << 14), 1u << 14);
	for (uint32_t flags = 0; flags < 2; flags++) {
		uint8_t *seg = ram(BUF + 0x100);
		uint64_t sector = 8 + 16 * flags;
		uint32_t num = 8;
		memcpy(seg, &sector, 8);
		memcpy(seg + 8, &num, 4);
		memcpy(seg + 12, &flags, 4);
		CHECK_EQ(blk_req(13, 0, 16, false), 0);
		CHECK_EQ(blk_req(0, sector, 4096, true), 0);
		uint8_t zero[4096] = { 0 };
		CHECK(!memcmp(ram(BUF + 0x100), zero, 4096));
		/* the sectors around it are untouched */
		CHECK_EQ(blk_req(0, sector - 1, 512, true), 0);
		CHECK_EQ(*ram(BUF + 0x100 + 1), (uint8_t)(((sector - 1) *
							   512 + 1) * 7));
		CHECK_EQ(blk_req(0, sector + 8, 512, true), 0);
		CHECK_EQ(*ram(BUF + 0x100 + 1), 7);
	}
	uint8_t *seg = ram(BUF + 0x100);
	uint64_t sector = 64 * 8 - 4;
	uint32_t num = 8, flags = 0;
	memcpy(seg, &sector, 8);
	memcpy(seg + 8, &num, 4);
	memcpy(seg + 12, &flags, 4);
	CHECK_EQ(blk_req(13, 0, 16, false), 1);   /* past the end: IOERR */
	CHECK_EQ(blk_req(13, 0, 32, false), 2);   /* two segments: UNSUPP */
	CHECK_EQ(status() & 0x40, 0);
	devhost_destroy(&h);
	blockdev_close(&disk);
	unlink(disk_path);
}

/* ---- snapshots and determinism (issue 12 with issue 16) ---- */

/* 64 bytes of virtio-rng output from a fresh device with props, under
 * -icount (deterministic) or not. */
static void rng_bytes(const char *props, bool deterministic, uint8_t *out)
{
	devhost_init(&h, false);
	h.env.deterministic = deterministic;
	memset(h.ram, 0, DEVHOST_RAM_SIZE);
	avail_idx = 0;
	CHECK(devhost_platform(&h, &virtio_rng_mmio_class, props, BASE, 0x1000,
			       1) != NULL);
	devhost_wr(&h, STATUS, 1 | 2, 4);
	devhost_wr(&h, DRV_FEATURES_SEL, 1, 4);
	devhost_wr(&h, DRV_FEATURES, F_VERSION_1, 4);
	devhost_wr(&h, STATUS, 1 | 2 | 8, 4);
	devhost_wr(&h, QUEUE_NUM, QSIZE, 4);
	devhost_wr(&h, 0x080, (uint32_t)DESC, 4);
	devhost_wr(&h, 0x090, (uint32_t)AVAIL, 4);
	devhost_wr(&h, 0x0a0, (uint32_t)USED, 4);
	devhost_wr(&h, QUEUE_READY, 1, 4);
	devhost_wr(&h, STATUS, 1 | 2 | 8 | 4, 4);
	desc(0, DESC, BUF, 64, 2, 0);
	avail_add(0);
	notify(0);
	CHECK_EQ(get32(USED + 8), 64);
	memcpy(out, ram(BUF), 64);
}

/* Under -icount the bytes come from the seeded generator: the same seed
 * gives the same bytes, another seed others; without -icount they are
 * the host's (not the generator's). */
TEST(virtio_rng_seeded_under_icount)
{
	uint8_t a[64], b[64], c[64], d[64], zero[64] = { 0 };

	rng_bytes("", true, a);
	rng_bytes("", true, b);
	rng_bytes("seed=7", true, c);
	rng_bytes("", false, d);
	CHECK(memcmp(a, zero, 64) != 0);
	CHECK(!memcmp(a, b, 64));
	CHECK(memcmp(a, c, 64) != 0);
	CHECK(memcmp(a, d, 64) != 0);
}

/* A restored virtio state is checked before it is taken: a queue the
 * guest could not have enabled, features this instance does not offer
 * (a read-only drive's RO), a pending completion out of range; the
 * device keeps its state. A good state (its own) is taken. */
TEST(virtio_restored_state_checked)
{
	char err[200];
	struct device_saved s;

	start(&virtio_rng_mmio_class, "", 0, true, QSIZE, true);
	device_get_saved(h.dev, &s);
	size_t n = s.state_size;
	uint8_t *good = malloc(n), *bad = malloc(n), *now = malloc(n);
	memcpy(good, s.state, n);
	struct virtio_state *vs = (struct virtio_state *)bad;

	s.state = good;
	void *backup = device_load_state(h.dev, &s, err, sizeof(err));
	CHECK(backup != NULL);
	free(backup);

	memcpy(bad, good, n);
	vs->vq[0].size = 3;                 /* enabled, not a power of 2 */
	s.state = bad;
	memcpy(now, h.dev->self, n);
	CHECK(device_load_state(h.dev, &s, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "queue 0") != NULL);
	CHECK(!memcmp(now, h.dev->self, n));

	memcpy(bad, good, n);
	vs->device_features |= 1ull << 5;   /* RO: another drive */
	CHECK(device_load_state(h.dev, &s, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "features") != NULL);

	memcpy(bad, good, n);
	vs->isr = 1;                        /* an ISR with the line low */
	CHECK(device_load_state(h.dev, &s, err, sizeof(err)) == NULL);
	free(good);
	free(bad);
	free(now);

	/* virtio-blk: a pending completion beyond the queue */
	blk_start(false, "drive=d0,latency-ns=1000");
	CHECK(h.dev != NULL);
	if (!h.dev)
		return;
	device_get_saved(h.dev, &s);
	n = s.state_size;
	bad = malloc(n);
	memcpy(bad, s.state, n);
	/* npending follows the virtio state and the 60 config bytes */
	size_t at = sizeof(struct virtio_state) + 60;
	uint16_t np = 1, head = 999;
	memcpy(bad + at, &np, 2);
	memcpy(bad + at + 4, &head, 2);
	s.state = bad;
	CHECK(device_load_state(h.dev, &s, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "pending") != NULL);
	free(bad);
	blockdev_close(&disk);
	unlink(disk_path);
}

/* ---- -snapshot: the overlay ---- */

static int image(char *path, size_t size)
{
	strcpy(path, "/tmp/glass-test-base.XXXXXX");
	int fd = mkstemp(path);
	uint8_t *p = malloc(size);

	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(i * 13 + i / 4096);
	CHECK_EQ(write(fd, p, size), size);
	free(p);
	return fd;
}

static void rd(struct blockdev *b, uint64_t off, void *buf, size_t len)
{
	struct iovec iov = { buf, len };

	CHECK_EQ(blockdev_preadv(b, &iov, 1, off), 0);
}

static void wr(struct blockdev *b, uint64_t off, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	CHECK_EQ(blockdev_pwritev(b, &iov, 1, off), 0);
}

/* Writes, discards and zeroes go to the overlay, copied on write at
 * cluster edges; reads see them and the image everywhere else; the image
 * is untouched, shared with other readers, closed to writers. */
TEST(blockdev_snapshot_overlay)
{
	char path[64];
	const size_t size = 64 * 4096;
	int fd = image(path, size);
	uint8_t *base = malloc(size), *want = malloc(size), *got = malloc(size);
	struct blockdev b, other;

	CHECK_EQ(pread(fd, base, size, 0), size);
	memcpy(want, base, size);
	CHECK_EQ(blockdev_open(&b, "d0", path, BLOCKDEV_SNAPSHOT), 0);
	CHECK(b.snapshot && !b.readonly);
	CHECK_EQ(b.ov.nclusters, 64);
	/* half a sector inside cluster 0, a range over clusters 2..4 */
	uint8_t buf[3 * 4096];
	memset(buf, 0xa5, sizeof(buf));
	wr(&b, 1000, buf, 512);
	memset(want + 1000, 0xa5, 512);
	wr(&b, 2 * 4096 + 512, buf, 2 * 4096);
	memset(want + 2 * 4096 + 512, 0xa5, 2 * 4096);
	CHECK_EQ(b.ov.stored, 4);            /* 0, 2, 3, 4 */
	CHECK_EQ(blockdev_discard(&b, 10 * 4096 + 512, 1024), 0);
	memset(want + 10 * 4096 + 512, 0, 1024);
	CHECK_EQ(blockdev_write_zeroes(&b, 20 * 4096, 2 * 4096, false), 0);
	memset(want + 20 * 4096, 0, 2 * 4096);
	CHECK_EQ(blockdev_flush(&b), 0);
	rd(&b, 0, got, size);
	CHECK(!memcmp(got, want, size));
	/* an odd read across overlay and image */
	rd(&b, 4096 - 7, got, 3 * 4096 + 11);
	CHECK(!memcmp(got, want + 4096 - 7, 3 * 4096 + 11));
	/* the image itself never changed */
	CHECK_EQ(pread(fd, got, size, 0), size);
	CHECK(!memcmp(got, base, size));
	/* another reader may share it, a writer may not */
	CHECK_EQ(blockdev_open(&other, "d1", path, BLOCKDEV_SNAPSHOT), 0);
	blockdev_close(&other);
	fprintf(stderr, "(a refused -drive, as expected:) ");
	CHECK(blockdev_open(&other, "d2", path, 0) < 0);
	blockdev_close(&other);
	blockdev_close(&b);
	close(fd);
	unlink(path);
	free(base);
	free(want);
	free(got);
}

/* The identity: the overlay does not change it; a write to the image
 * does, and so does changing the content with the time put back. */
TEST(blockdev_identity_sees_changes)
{
	char path[64];
	int fd = image(path, 1 << 20);
	struct blockdev b;
	struct blockdev_identity a, c;
	struct timespec ts[2];
	struct stat st;

	CHECK_EQ(blockdev_open(&b, "d0", path, BLOCKDEV_SNAPSHOT), 0);
	CHECK_EQ(blockdev_identity(&b, &a), 0);
	CHECK_EQ(a.size, 1 << 20);
	wr(&b, 0, "overlay", 7);
	CHECK_EQ(blockdev_identity(&b, &c), 0);
	CHECK(!memcmp(&a, &c, sizeof(a)));
	/* the superblock area changes, the time is put back */
	fstat(fd, &st);
	CHECK_EQ(pwrite(fd, "x", 1, 1024), 1);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	futimens(fd, ts);
	CHECK_EQ(blockdev_identity(&b, &c), 0);
	CHECK_EQ(c.mtime_ns, a.mtime_ns);
	CHECK(c.sample != a.sample);
	/* any write moves the time */
	CHECK_EQ(pwrite(fd, "y", 1, 500000), 1);
	ts[1].tv_nsec = (ts[1].tv_nsec + 1) % 1000000000;
	futimens(fd, ts);
	CHECK_EQ(blockdev_identity(&b, &c), 0);
	CHECK(c.mtime_ns != a.mtime_ns);
	blockdev_close(&b);
	close(fd);
	unlink(path);
}
