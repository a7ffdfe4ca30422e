/* Snapshots: the file format (sections, checksums, cursors), a hart's
 * saved state and its check, a device's saved state through the
 * framework, and whole machines saved and restored, including the files
 * a restore must refuse without changing anything. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/riscv.h"
#include "dev/uart16550.h"
#include "devhost.h"
#include "harness.h"
#include "machine/machine.h"
#include "snapshot/format.h"
#include "snapshot/snapshot.h"

/* ---- the format ---- */

/* A file of three sections written to a temporary file and read back. */
static size_t write_sample(uint8_t **out)
{
	char path[] = "/tmp/glass-snapXXXXXX";
	int fd = mkstemp(path);
	struct snap_writer w = { .fd = fd };
	struct snap_buf a = { 0 }, b = { 0 };

	unlink(path);
	snap_put_str(&a, "hello");
	snap_put_u64(&a, 0x1122334455667788ull);
	snap_put_u32(&b, 7);
	snap_write_header(&w, 5);
	snap_write_section(&w, SNAP_CONF, &a);
	snap_write_section(&w, SNAP_MACH, &b);
	snap_write_section(&w, SNAP_MACH, &(struct snap_buf){ 0 });
	snap_write_end(&w);
	snap_buf_free(&a);
	snap_buf_free(&b);
	CHECK_EQ(w.err, 0);
	size_t n = (size_t)w.written;
	*out = malloc(n);
	CHECK(pread(fd, *out, n, 0) == (ssize_t)n);
	close(fd);
	return n;
}

static const char *parse_copy(const uint8_t *data, size_t n,
			      struct snap_file *f)
{
	uint8_t *copy = malloc(n ? n : 1);
	const char *why = NULL;

	memcpy(copy, data, n);
	if (snap_parse(f, copy, n, &why) < 0) {
		snap_file_free(f);
		return why;
	}
	return NULL;
}

TEST(snapshot_format_roundtrip)
{
	uint8_t *data;
	size_t n = write_sample(&data);
	struct snap_file f;
	char s[16];

	CHECK(parse_copy(data, n, &f) == NULL);
	CHECK_EQ(f.flags, 5);
	CHECK(!strcmp(f.glass_version, GLASS_VERSION));
	CHECK_EQ(f.nsec, 3);
	CHECK_EQ(snap_count(&f, SNAP_MACH), 2);
	struct snap_cursor c = snap_cursor(snap_find(&f, SNAP_CONF, 0));
	CHECK(snap_get_str(&c, s, sizeof(s)) && !strcmp(s, "hello"));
	CHECK_EQ(snap_get_u64(&c), 0x1122334455667788ull);
	CHECK(snap_done(&c));
	/* reading past the end gives zeros and marks the cursor */
	CHECK_EQ(snap_get_u32(&c), 0);
	CHECK(c.bad && !snap_done(&c));
	c = snap_cursor(snap_find(&f, SNAP_MACH, 1));
	CHECK(snap_done(&c));
	CHECK(snap_find(&f, SNAP_MACH, 2) == NULL);
	snap_file_free(&f);
	free(data);
}

/* Every truncation and every single-byte change is refused. */
TEST(snapshot_format_refuses_damage)
{
	uint8_t *data;
	size_t n = write_sample(&data);
	struct snap_file f;

	for (size_t len = 0; len < n; len++)
		CHECK(parse_copy(data, len, &f) != NULL);
	for (size_t i = 0; i < n; i++) {
		for (unsigned bit = 0; bit < 8; bit += 3) {
			data[i] ^= (uint8_t)(1u << bit);
			const char *why = parse_copy(data, n, &f);
			if (!why)
				snap_file_free(&f);
			CHECK(why != NULL);
			data[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* and something after END */
	uint8_t *more = malloc(n + 1);
	memcpy(more, data, n);
	more[n] = 0;
	CHECK(parse_copy(more, n + 1, &f) != NULL);
	free(more);
	free(data);
}

TEST(snapshot_hash_sees_every_byte)
{
	uint8_t buf[100] = { 0 };
	uint64_t h0 = snap_hash(buf, sizeof(buf));

	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = 1;
		CHECK(snap_hash(buf, sizeof(buf)) != h0);
		buf[i] = 0;
	}
	CHECK(snap_hash(buf, 99) != h0); /* the length counts too */
}

/* ---- a whole machine ---- */

#define LOOP_BASE 0x80000000ull

/* A bare-metal machine running `addi a0, a0, 1; j .-4` in M mode. */
static struct machine *new_machine(uint64_t ram, unsigned harts,
				   const char *device)
{
	static const uint32_t code[] = { 0x00150513, 0xffdff06f };
	char path[] = "/tmp/glass-loopXXXXXX";
	int fd = mkstemp(path);
	struct machine_config cfg;
	struct machine *m = calloc(1, sizeof(*m));

	CHECK(write(fd, code, sizeof(code)) == sizeof(code));
	close(fd);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ram_size = ram;
	cfg.nharts = harts;
	cfg.bios = "none";
	cfg.kernel = path;
	cfg.trace_filter.hart = -1;
	cfg.icount = true;
	if (device) {
		cfg.devices[0] = device;
		cfg.ndevices = 1;
	}
	int rc = machine_init(m, &cfg);
	unlink(path);
	CHECK_EQ(rc, 0);
	m->cfg.kernel = NULL; /* the file is gone */
	return m;
}

static void free_machine(struct machine *m)
{
	machine_destroy(m);
	free(m);
}

static void run(struct machine *m, uint64_t n)
{
	for (unsigned i = 0; i < m->nharts; i++)
		m->icount += hart_run_insns(&m->harts[i], n);
}

/* Save m into a temporary file; returns its fd (at offset 0). */
static int save(struct machine *m)
{
	char path[] = "/tmp/glass-snapXXXXXX";
	char err[SNAPSHOT_ERR_LEN];
	int fd = mkstemp(path);

	unlink(path);
	CHECK_EQ(snapshot_save_fd(m, fd, NULL, err, sizeof(err)), 0);
	return fd;
}

static int load_fd(struct machine *m, int fd, char *err, size_t len)
{
	off_t n = lseek(fd, 0, SEEK_END);
	uint8_t *data = malloc((size_t)n);
	struct snap_file f;
	const char *why;

	CHECK(pread(fd, data, (size_t)n, 0) == n);
	if (snap_parse(&f, data, (size_t)n, &why) < 0) {
		snprintf(err, len, "%s", why);
		snap_file_free(&f);
		return -1;
	}
	int rc = snapshot_restore(m, &f, err, len);
	snap_file_free(&f);
	return rc;
}

TEST(snapshot_machine_roundtrip)
{
	struct machine *m = new_machine(16 << 20, 2, "edu");
	char err[SNAPSHOT_ERR_LEN] = "";
	uint8_t *ram = m->ram->host;

	run(m, 1000);
	ram[0x123456] = 0x5a;            /* a page of data far from the code */
	hart_set_fpr(&m->harts[1], 3, 0x4045000000000000ull);
	uint64_t a0 = hart_get_gpr(&m->harts[0], 10);
	uint64_t t = machine_time_ns(m);
	CHECK_EQ(a0, 497);      /* 6 instructions of boot ROM, then pairs */
	int fd = save(m);
	/* move on, and scribble */
	run(m, 777);
	uint64_t later = hart_get_gpr(&m->harts[0], 10);
	ram[0x123456] = 0;
	ram[0x200000] = 1;
	hart_set_fpr(&m->harts[1], 3, 0);
	CHECK_EQ(load_fd(m, fd, err, sizeof(err)), 0);
	CHECK(!*err);
	CHECK_EQ(hart_get_gpr(&m->harts[0], 10), a0);
	CHECK_EQ(hart_get_fpr(&m->harts[1], 3), 0x4045000000000000ull);
	CHECK_EQ(ram[0x123456], 0x5a);
	CHECK_EQ(ram[0x200000], 0);
	CHECK_EQ(machine_time_ns(m), t);
	CHECK_EQ(m->icount, 2000);
	/* and it runs on from there as it did the first time */
	run(m, 777);
	CHECK_EQ(hart_get_gpr(&m->harts[0], 10), later);
	close(fd);
	free_machine(m);
}

/* A snapshot of one machine is refused by another, naming what differs,
 * and the other machine is not changed. */
TEST(snapshot_config_mismatch_named)
{
	struct machine *a = new_machine(16 << 20, 1, NULL);
	char err[SNAPSHOT_ERR_LEN] = "";

	run(a, 100);
	int fd = save(a);
	struct machine *b = new_machine(32 << 20, 1, NULL);
	CHECK(load_fd(b, fd, err, sizeof(err)) < 0);
	CHECK(strstr(err, "-m 16M") && strstr(err, "-m 32M"));
	CHECK_EQ(hart_get_gpr(&b->harts[0], 10), 0);
	free_machine(b);
	b = new_machine(16 << 20, 2, NULL);
	CHECK(load_fd(b, fd, err, sizeof(err)) < 0);
	CHECK(strstr(err, "-smp 1") && strstr(err, "-smp 2"));
	free_machine(b);
	b = new_machine(16 << 20, 1, "edu");
	CHECK(load_fd(b, fd, err, sizeof(err)) < 0);
	CHECK(strstr(err, "edu") != NULL);
	free_machine(b);
	close(fd);
	free_machine(a);
}

/* Rewrite one section of a saved file (its checksum made right again),
 * so the check behind the checksum is what refuses it. */
static uint8_t *patched(int fd, size_t *n, uint32_t tag, size_t off,
			uint8_t xor)
{
	*n = (size_t)lseek(fd, 0, SEEK_END);
	uint8_t *d = malloc(*n);
	CHECK(pread(fd, d, *n, 0) == (ssize_t)*n);
	size_t at = SNAP_HEADER_SIZE;
	while (at + SNAP_SECTION_HEADER <= *n) {
		uint32_t t;
		uint64_t len;
		memcpy(&t, d + at, 4);
		memcpy(&len, d + at + 8, 8);
		if (t == tag && off < len) {
			d[at + SNAP_SECTION_HEADER + off] ^= xor;
			uint8_t *pl = d + at + SNAP_SECTION_HEADER;
			uint64_t sum = snap_section_sum(d + at, pl, len);
			memcpy(d + at + 16, &sum, 8);
			break;
		}
		at += SNAP_SECTION_HEADER + len;
	}
	return d;
}

static int restore_bytes(struct machine *m, uint8_t *d, size_t n, char *err,
			 size_t len)
{
	struct snap_file f;
	const char *why;

	if (snap_parse(&f, d, n, &why) < 0) {
		snprintf(err, len, "%s", why);
		snap_file_free(&f);
		return -1;
	}
	int rc = snapshot_restore(m, &f, err, len);
	snap_file_free(&f);
	return rc;
}

TEST(snapshot_refuses_bad_hart_state_unchanged)
{
	struct machine *m = new_machine(16 << 20, 1, NULL);
	char err[SNAPSHOT_ERR_LEN];
	size_t n;

	run(m, 100);
	int fd = save(m);
	run(m, 100);
	uint64_t a0 = hart_get_gpr(&m->harts[0], 10);
	/* the priv word: index, version, count (12 bytes), then x, f, pc */
	size_t priv = 12 + 8 * (64 + 1);
	uint8_t *d = patched(fd, &n, SNAP_HART, priv, 2); /* M -> 1 = S ok */
	CHECK_EQ(restore_bytes(m, d, n, err, sizeof(err)), 0);
	d = patched(fd, &n, SNAP_HART, priv, 1);          /* M -> 2: none */
	CHECK(restore_bytes(m, d, n, err, sizeof(err)) < 0);
	CHECK(strstr(err, "privilege") != NULL);
	/* mstatus.MPP = 2 */
	d = patched(fd, &n, SNAP_HART, priv + 8 + 1, 0x10);
	CHECK(restore_bytes(m, d, n, err, sizeof(err)) < 0);
	CHECK(strstr(err, "mstatus") != NULL);
	CHECK(hart_get_gpr(&m->harts[0], 10) != a0 || a0 == 50);
	close(fd);
	free_machine(m);
}

/* A device state its model refuses (a UART FIFO index out of range)
 * leaves every device, RAM and the harts as they were. */
TEST(snapshot_refused_device_state_changes_nothing)
{
	struct machine *m = new_machine(16 << 20, 1, NULL);
	char err[SNAPSHOT_ERR_LEN];
	struct glass_device *uart = NULL;
	size_t n;

	for (struct glass_device *d = m->devices; d; d = d->next)
		if (!strcmp(d->cls->name, "ns16550a"))
			uart = d;
	CHECK(uart != NULL);
	run(m, 100);
	int fd = save(m);
	run(m, 100);
	m->ram->host[0x300000] = 9;
	uint64_t a0 = hart_get_gpr(&m->harts[0], 10);
	uint8_t before[64];
	memcpy(before, uart->self, uart->cls->state_size);
	/* the UART's rx_head: find the device section's state bytes */
	struct device_saved s;
	device_get_saved(uart, &s);
	/* device section: index (4), class and id strings, version, size */
	size_t state_at = 4 + 4 + strlen(uart->cls->name) + 4 +
			  strlen(uart->id) + 4 + 8;
	size_t head = 12 + 16 + 8 - 8; /* 10 bytes + pad, rx[16], rx_head */
	uint8_t *d = NULL;
	unsigned idx = 0;
	for (struct glass_device *x = m->devices; x != uart; x = x->next)
		idx++;
	/* patch the idx-th DEVI section: walk with patched() on a copy */
	n = (size_t)lseek(fd, 0, SEEK_END);
	d = malloc(n);
	CHECK(pread(fd, d, n, 0) == (ssize_t)n);
	size_t at = SNAP_HEADER_SIZE;
	unsigned seen = 0;
	while (at + SNAP_SECTION_HEADER <= n) {
		uint32_t t;
		uint64_t len;
		memcpy(&t, d + at, 4);
		memcpy(&len, d + at + 8, 8);
		if (t == SNAP_DEVI && seen++ == idx) {
			uint8_t *st = d + at + SNAP_SECTION_HEADER + state_at;
			uint32_t bad = 99;
			memcpy(st + head, &bad, 4);
			uint8_t *pl = d + at + SNAP_SECTION_HEADER;
			uint64_t sum = snap_section_sum(d + at, pl, len);
			memcpy(d + at + 16, &sum, 8);
		}
		at += SNAP_SECTION_HEADER + len;
	}
	CHECK(restore_bytes(m, d, n, err, sizeof(err)) < 0);
	CHECK(strstr(err, "uart0") && strstr(err, "FIFO"));
	CHECK_EQ(hart_get_gpr(&m->harts[0], 10), a0);
	CHECK_EQ(m->ram->host[0x300000], 9);
	CHECK(!memcmp(before, uart->self, uart->cls->state_size));
	(void)s;
	close(fd);
	free_machine(m);
}

/* ---- a hart's state ---- */

TEST(snapshot_hart_state_roundtrip_and_check)
{
	struct machine *m = new_machine(16 << 20, 1, NULL);
	struct hart *h = &m->harts[0];
	struct hart_state s, t;

	run(m, 10);
	hart_csr_poke(h, CSR_SATP, (8ull << 60) | 0x80123);
	hart_csr_poke(h, CSR_FCSR, 0xe5);
	hart_get_state(h, &s);
	CHECK(hart_check_state(h, &s) == NULL);
	CHECK_EQ(s.satp, (8ull << 60) | 0x80123);
	CHECK_EQ(s.frm, 7);
	hart_set_state(h, &s);
	hart_get_state(h, &t);
	CHECK(!memcmp(&s, &t, sizeof(s)));
	t = s;
	t.satp = 5ull << 60;
	CHECK(hart_check_state(h, &t) != NULL);
	t = s;
	t.mhartid = 1;
	CHECK(hart_check_state(h, &t) != NULL);
	t = s;
	t.pmpcfg[3] = 2;       /* R=0 W=1 */
	CHECK(hart_check_state(h, &t) != NULL);
	t = s;
	t.mip_lines = 1ull << 20;
	CHECK(hart_check_state(h, &t) != NULL);
	t = s;
	t.wfi = 2;
	CHECK(hart_check_state(h, &t) != NULL);
	free_machine(m);
}

/* The trigger module's CSRs are state: a trigger the guest armed fires
 * after a restore, and values its write rules never leave are refused. */
TEST(snapshot_hart_state_triggers)
{
	struct machine *m = new_machine(16 << 20, 1, NULL);
	struct hart *h = &m->harts[0];
	struct hart_state s, t;

	CHECK(hart_csr_poke(h, CSR_TSELECT, 1));
	CHECK(hart_csr_poke(h, CSR_TDATA2, 0x80001000));
	/* mcontrol6, m, execute */
	CHECK(hart_csr_poke(h, CSR_TDATA1, (6ull << 60) | 0x44));
	CHECK(h->dbg_exec);
	hart_get_state(h, &s);
	CHECK(hart_check_state(h, &s) == NULL);
	CHECK_EQ(s.tselect, 1);
	CHECK_EQ(s.tdata1[1], (6ull << 60) | 0x44);
	CHECK_EQ(s.tdata2[1], 0x80001000);
	hart_reset(h, 0x1000);
	CHECK(!h->dbg_exec && !h->jit_inhibit);
	hart_set_state(h, &s);
	CHECK(h->dbg_exec && h->jit_inhibit);   /* armed again */
	hart_get_state(h, &t);
	CHECK(!memcmp(&s, &t, sizeof(s)));
	t = s;
	t.tselect = 2;                      /* only 0 and 1 exist */
	CHECK(hart_check_state(h, &t) != NULL);
	t = s;
	t.tdata1[0] = 3ull << 60;           /* icount: glass has none */
	CHECK(hart_check_state(h, &t) != NULL);
	t = s;
	t.tdata1[1] |= 1ull << 12;          /* action 1: no Debug Mode */
	CHECK(hart_check_state(h, &t) != NULL);
	t = s;
	t.tdata1[1] = (15ull << 60) | 1;    /* disabled holds nothing */
	CHECK(hart_check_state(h, &t) != NULL);
	free_machine(m);
}

/* ---- a device through the framework ---- */

TEST(snapshot_device_saved_check)
{
	static struct devhost h;
	struct device_saved s;
	char err[100];

	devhost_init(&h, false);
	struct glass_device *d = devhost_platform(&h, &uart16550_class, "",
						  0x10000000, 0x100, 1);
	CHECK(d != NULL);
	devhost_wr(&h, 7, 0x42, 1);      /* scratch register */
	device_get_saved(d, &s);
	CHECK(device_check_saved(d, &s) == NULL);
	uint8_t *copy = malloc(s.state_size);
	memcpy(copy, s.state, s.state_size);
	struct device_saved v = s;
	v.state = copy;
	devhost_wr(&h, 7, 0x17, 1);
	void *backup = device_load_state(d, &v, err, sizeof(err));
	CHECK(backup != NULL);
	free(backup);
	device_commit_saved(d, &v);
	CHECK_EQ(devhost_rd(&h, 7, 1), 0x42);
	v.state_version++;
	CHECK(device_check_saved(d, &v) != NULL);
	v = s;
	v.nirqs = 2;
	CHECK(device_check_saved(d, &v) != NULL);
	v = s;
	v.irq_level[0] = 3;
	CHECK(device_check_saved(d, &v) != NULL);
	free(copy);
}

/* ---- disks ---- */

/* A machine as new_machine's, with one -drive of `image` (if=none) and
 * -snapshot or not. */
static struct machine *disk_machine(const char *image, bool snapshot)
{
	static const uint32_t code[] = { 0x00150513, 0xffdff06f };
	char path[] = "/tmp/glass-loopXXXXXX", drive[128];
	int fd = mkstemp(path);
	struct machine_config cfg;
	struct machine *m = calloc(1, sizeof(*m));

	CHECK(write(fd, code, sizeof(code)) == sizeof(code));
	close(fd);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ram_size = 16 << 20;
	cfg.nharts = 1;
	cfg.bios = "none";
	cfg.kernel = path;
	cfg.trace_filter.hart = -1;
	cfg.icount = true;
	cfg.snapshot = snapshot;
	snprintf(drive, sizeof(drive), "file=%s,if=none,id=d0", image);
	cfg.drives[0] = drive;
	cfg.ndrives = 1;
	int rc = machine_init(m, &cfg);
	unlink(path);
	CHECK_EQ(rc, 0);
	m->cfg.kernel = NULL;
	m->cfg.drives[0] = NULL;
	return m;
}

static void disk_io(struct machine *m, uint64_t off, void *buf, size_t len,
		    bool write)
{
	struct iovec iov = { buf, len };
	struct blockdev *b = &m->backends.drives[0];

	CHECK_EQ(write ? blockdev_pwritev(b, &iov, 1, off) :
			 blockdev_preadv(b, &iov, 1, off), 0);
}

/* Under -snapshot a snapshot carries the overlay: restored, the disk
 * reads as it did at the save (changes after it gone, in the overlay
 * only), the image itself never written. Another machine restores it
 * too, with -snapshot; without, it is refused, naming the disk; and a
 * changed image is refused. */
TEST(snapshot_disk_overlay_and_identity)
{
	char image[] = "/tmp/glass-snapdiskXXXXXX";
	char err[SNAPSHOT_ERR_LEN];
	int fd = mkstemp(image);
	uint8_t blk[8192], got[8192], orig[8192];

	for (int i = 0; i < 256; i++) {
		memset(blk, i, sizeof(blk));
		CHECK(write(fd, blk, sizeof(blk)) == sizeof(blk));
	}
	CHECK(pread(fd, orig, sizeof(orig), 100 * 8192) == sizeof(orig));
	struct machine *m = disk_machine(image, true);
	memset(blk, 0xee, sizeof(blk));
	disk_io(m, 100 * 8192 + 100, blk, 4000, true);   /* saved */
	int snap = save(m);
	disk_io(m, 200 * 8192, blk, 8192, true);         /* after: gone */
	disk_io(m, 100 * 8192, blk, 8192, true);
	CHECK_EQ(load_fd(m, snap, err, sizeof(err)), 0);
	disk_io(m, 100 * 8192, got, sizeof(got), false);
	CHECK(!memcmp(got, orig, 100));
	CHECK(!memcmp(got + 100, blk, 4000));
	CHECK(!memcmp(got + 4100, orig + 4100, sizeof(got) - 4100));
	disk_io(m, 200 * 8192, got, 8192, false);
	CHECK_EQ(got[0], 200);
	CHECK_EQ(m->backends.drives[0].ov.stored, 2); /* clusters 200, 201 */
	/* the image never changed */
	CHECK(pread(fd, got, sizeof(got), 100 * 8192) == sizeof(got));
	CHECK(!memcmp(got, orig, sizeof(got)));
	free_machine(m);

	/* another process restores it (its own, empty overlay first) */
	m = disk_machine(image, true);
	CHECK_EQ(load_fd(m, snap, err, sizeof(err)), 0);
	disk_io(m, 100 * 8192 + 100, got, 4000, false);
	CHECK(!memcmp(got, blk, 4000));
	free_machine(m);
	/* without -snapshot its changes cannot go anywhere */
	m = disk_machine(image, false);
	CHECK(load_fd(m, snap, err, sizeof(err)) < 0);
	CHECK(strstr(err, "disk d0") && strstr(err, "-snapshot"));
	free_machine(m);
	/* a changed image: refused, naming the disk */
	CHECK(pwrite(fd, "x", 1, 5) == 1);
	m = disk_machine(image, true);
	CHECK(load_fd(m, snap, err, sizeof(err)) < 0);
	CHECK(strstr(err, "disk d0") && strstr(err, image) &&
	      strstr(err, "changed since"));
	free_machine(m);
	/* a machine with no -drive at all */
	m = new_machine(16 << 20, 1, NULL);
	CHECK(load_fd(m, snap, err, sizeof(err)) < 0);
	CHECK(strstr(err, "-drive") != NULL);
	free_machine(m);
	close(snap);
	close(fd);
	unlink(image);
}
