/* libFuzzer target: the snapshot loader (-loadvm, monitor loadvm) on
 * hostile files.
 *
 * One machine for the whole run: 4 MiB of RAM, two harts running a loop
 * in M mode, edu and the hypercall device on PCI besides the board's own
 * devices, the four virtio devices (blk and console on virtio-mmio, net
 * and rng on PCI) with a -drive under -snapshot and a user network, a
 * little state in each (UART scratch, a PCI BAR mapped, RAM written,
 * clusters in the disk's overlay, virtqueue counters in the statistics).
 * A valid snapshot of it, `good`, is made once.
 *
 * Input: byte 0 is a mode.
 *   bit 0 set:   the rest of the input is the whole file.
 *   bit 0 clear: the file is `good` with edits: the rest of the input is
 *                5-byte records (u32 offset, taken modulo the file's
 *                size, u8 xor), and with bit 2 set the first record's
 *                offset also truncates the file there.
 *   bit 1 set:   every checksum (header and sections, walked with their
 *                lengths as they stand) is recomputed after that, so the
 *                checks behind the checksums are what is exercised.
 *
 * Oracles besides ASan/UBSan: a refused file leaves the machine exactly
 * as it was (a digest of harts, devices, the clock and the disk's
 * overlay; RAM and ROM compared with copies); an
 * accepted one runs (every device register region read, each hart 500
 * instructions), and `good` then restores again.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "machine/machine.h"
#include "snapshot/format.h"
#include "snapshot/snapshot.h"

/* A failed invariant: a crash libFuzzer reports (through the sanitizer's
 * channel, which stays open under -close_fd_mask). */
void __sanitizer_report_error_summary(const char *error_summary);

static void fuzz_fail(int line, const char *cond)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "SUMMARY: invariant failed: %s:%d: %s",
		 __FILE__, line, cond);
	__sanitizer_report_error_summary(msg);
	abort();
}

#define FUZZ_CHECK(cond)                                                  \
	do {                                                              \
		if (!(cond))                                              \
			fuzz_fail(__LINE__, #cond);                       \
	} while (0)

static struct machine *m;
static uint8_t *good;
static size_t good_len;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	return h * 0x100000001b3ull ^ snap_hash(p, n);
}

/* Everything a restore may change, hashed. */
static uint64_t digest(void)
{
	uint64_t h = 0, t = machine_time_ns(m);

	h = mix(h, &m->icount, 8);
	h = mix(h, &t, 8);
	for (unsigned i = 0; i < m->nharts; i++) {
		struct hart_state s;
		hart_get_state(&m->harts[i], &s);
		h = mix(h, &s, sizeof(s));
	}
	for (struct glass_device *d = m->devices; d; d = d->next) {
		struct device_saved s;
		device_get_saved(d, &s);
		h = mix(h, s.state, s.state_size);
		h = mix(h, s.timers, sizeof(s.timers));
		h = mix(h, s.irq_level, sizeof(s.irq_level));
		if (s.pci_cfg)
			h = mix(h, s.pci_cfg, PCI_CONFIG_SIZE);
	}
	const struct blockdev_overlay *ov = &m->backends.drives[0].ov;
	h = mix(h, &ov->fd, sizeof(ov->fd));
	h = mix(h, &ov->stored, sizeof(ov->stored));
	h = mix(h, ov->map, (ov->nclusters + 7) / 8);
	h = mix(h, m->stats.vqs, sizeof(m->stats.vqs));
	return h;
}

/* RAM and ROM are compared against copies (memcmp is not instrumented,
 * hashing 4 MiB per input would be). */
static uint8_t *shadow[AS_MAX_REGIONS];

static void keep_memory(void)
{
	for (int i = 0; i < m->as.nregions; i++) {
		const struct region *r = &m->as.regions[i];
		if (r->kind == REGION_MMIO)
			continue;
		if (!shadow[i] && !(shadow[i] = malloc(r->size)))
			abort();
		memcpy(shadow[i], r->host, r->size);
	}
}

static bool memory_kept(void)
{
	for (int i = 0; i < m->as.nregions; i++) {
		const struct region *r = &m->as.regions[i];
		if (r->kind != REGION_MMIO &&
		    memcmp(shadow[i], r->host, r->size))
			return false;
	}
	return true;
}

static void setup(void)
{
	static const uint32_t code[] = { 0x00150513, 0xffdff06f };
	static const char *const devs[] = {
		"edu", "glass-hypercall", "virtio-blk-device,drive=d0",
		"virtio-net-pci,netdev=n0", "virtio-rng-pci",
		"virtio-serial-device,chardev=c0",
	};
	static char drive[128];
	char path[] = "/tmp/glass-fuzz-snapXXXXXX";
	char image[] = "/tmp/glass-fuzz-diskXXXXXX";
	int fd = mkstemp(path), ifd = mkstemp(image);
	struct machine_config cfg;
	char err[SNAPSHOT_ERR_LEN];

	if (fd < 0 || write(fd, code, sizeof(code)) != sizeof(code) ||
	    ifd < 0 || ftruncate(ifd, 1 << 20) < 0)
		abort();
	close(fd);
	close(ifd);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ram_size = 4 << 20;
	cfg.nharts = 2;
	cfg.bios = "none";
	cfg.kernel = path;
	cfg.trace_filter.hart = -1;
	cfg.icount = true;
	cfg.snapshot = true;
	snprintf(drive, sizeof(drive), "file=%s,if=none,id=d0", image);
	cfg.drives[0] = drive;
	cfg.ndrives = 1;
	cfg.netdevs[0] = "user,id=n0";
	cfg.nnetdevs = 1;
	cfg.chardevs[0] = "file,id=c0,path=/dev/null";
	cfg.nchardevs = 1;
	for (unsigned i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		cfg.devices[cfg.ndevices++] = devs[i];
	m = calloc(1, sizeof(*m));
	if (!m || machine_init(m, &cfg) < 0)
		abort();
	unlink(path);
	unlink(image); /* opened: it stays while the fuzzer runs */
	m->cfg.kernel = NULL;
	/* a few clusters in the overlay, counters for a virtqueue */
	uint8_t blk[6000];
	memset(blk, 0x3c, sizeof(blk));
	struct iovec iov = { blk, sizeof(blk) };
	if (blockdev_pwritev(&m->backends.drives[0], &iov, 1, 70000) < 0)
		abort();
	struct glass_device *vd = NULL;
	for (struct glass_device *d = m->devices; d; d = d->next)
		if (!strcmp(d->cls->name, "virtio-rng-pci"))
			vd = d;
	m->stats.vqs[0] = (struct stats_vq){ .device = glass_device_id(vd),
					     .queue = 0, .notifies = 3 };
	m->stats.nvqs = 1;
	for (unsigned i = 0; i < m->nharts; i++)
		m->icount += hart_run_insns(&m->harts[i], 333);
	uint64_t v = 0x5a;
	as_write(&m->as, 0x10000007, 1, v, NULL);       /* UART scratch */
	as_write(&m->as, 0x30008010, 4, 0x40000000, NULL); /* edu BAR0 */
	as_write(&m->as, 0x30008004, 2, 0x6, NULL);     /* memory, master */
	m->ram->host[0x1234] = 0x77;
	int sfd = memfd_create("glass-fuzz-snapshot", 0);
	if (sfd < 0 || snapshot_save_fd(m, sfd, NULL, err, sizeof(err)) < 0)
		abort();
	good_len = (size_t)lseek(sfd, 0, SEEK_END);
	good = malloc(good_len);
	if (!good || pread(sfd, good, good_len, 0) != (ssize_t)good_len)
		abort();
	close(sfd);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void fix_checksums(uint8_t *d, size_t n)
{
	if (n >= SNAP_HEADER_SIZE) {
		uint64_t sum = snap_hash(d, 56);
		memcpy(d + 56, &sum, 8);
	}
	for (size_t at = SNAP_HEADER_SIZE; at + SNAP_SECTION_HEADER <= n;) {
		uint64_t len;
		memcpy(&len, d + at + 8, 8);
		if (len > n - at - SNAP_SECTION_HEADER)
			return;
		uint64_t sum = snap_section_sum(d + at, d + at +
						SNAP_SECTION_HEADER, len);
		memcpy(d + at + 16, &sum, 8);
		at += SNAP_SECTION_HEADER + len;
	}
}

/* The file for this input (malloc'd; snap_parse takes it). */
static uint8_t *make_file(const uint8_t *data, size_t size, size_t *n)
{
	uint8_t mode = data[0];
	uint8_t *f;

	data++;
	size--;
	if (mode & 1) {
		*n = size;
		f = malloc(size ? size : 1);
		memcpy(f, data, size);
	} else {
		*n = good_len;
		f = malloc(good_len);
		memcpy(f, good, good_len);
		for (size_t i = 0; i + 5 <= size; i += 5)
			f[rd32(data + i) % good_len] ^= data[i + 4];
		if ((mode & 4) && size >= 5)
			*n = rd32(data) % (good_len + 1);
	}
	if (mode & 2)
		fix_checksums(f, *n);
	return f;
}

/* What a restored machine does next: device reads, a few instructions. */
static void exercise(void)
{
	for (int i = 0; i < m->as.nregions; i++) {
		const struct region *r = &m->as.regions[i];
		if (r->kind != REGION_MMIO || !r->enabled)
			continue;
		uint64_t span = r->size < 0x100 ? r->size : 0x100;
		for (uint64_t off = 0; off + 4 <= span; off += 4) {
			uint64_t v;
			as_read(&m->as, r->base + off, 4, &v, NULL);
		}
	}
	for (unsigned i = 0; i < m->nharts; i++)
		m->icount += hart_run_insns(&m->harts[i], 500);
	vclock_run(&m->clock);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[SNAPSHOT_ERR_LEN];
	struct snap_file f;
	const char *why;
	size_t n;

	if (!m)
		setup();
	if (size < 1)
		return 0;
	uint8_t *file = make_file(data, size, &n);
	if (snap_parse(&f, file, n, &why) < 0) {
		snap_file_free(&f);
		return 0;
	}
	uint64_t before = digest();
	keep_memory();
	int rc = snapshot_restore(m, &f, err, sizeof(err));
	snap_file_free(&f);
	if (rc < 0) {
		FUZZ_CHECK(digest() == before);
		FUZZ_CHECK(memory_kept());
		return 0;
	}
	exercise();
	uint8_t *g = malloc(good_len);
	memcpy(g, good, good_len);
	FUZZ_CHECK(snap_parse(&f, g, good_len, &why) == 0);
	FUZZ_CHECK(snapshot_restore(m, &f, err, sizeof(err)) == 0);
	snap_file_free(&f);
	return 0;
}
