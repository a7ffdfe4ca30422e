/* crc32-test: user-space check of glass's example CRC-32 engine (PCI
 * 1234:cc32) and its Linux driver (glass_crc32.ko, /dev/crc32).
 *
 * 1. Port I/O from user space. riscv has no in/out instructions and no
 *    iopl()/ioperm(): the CPU reaches I/O BARs only through the host
 *    bridge's I/O window, which the kernel maps (PCI_IOBASE). Two kernel
 *    interfaces do the port access for us:
 *    - sysfs resource1: a 4-byte pread()/pwrite() at an offset is one
 *      inl()/outl() on the BAR's port (1 and 2 bytes: inb/inw);
 *    - /dev/port: every byte read is one inb() at the file offset.
 *    The test reads the ID both ways, round-trips the scratch register,
 *    and reads the job counters.
 * 2. CRCs through /dev/crc32, compared with a software CRC-32: the
 *    standard check value, then buffers of awkward sizes (one byte, around
 *    the driver's 16 KiB job size, 200 KB in uneven writes), with the
 *    driver waiting for interrupts, then once more polling (module
 *    parameter poll=1).
 * 3. The job counters moved, and no job failed.
 *
 * Prints one line per check ending in PASS or FAIL, then "CRC32 OK" and
 * exits 0, or "CRC32 FAIL" and exits 1.
 *
 * Build (static, for the guest): riscv64-linux-gnu-gcc -static -O2 -o crc32-test crc32-test.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CRC_VENDOR 0x1234
#define CRC_DEVICE 0xcc32
#define CRC_ID 0x43524301
#define CRC_IO_ID 0x0
#define CRC_IO_SCRATCH 0x4
#define CRC_IO_JOBS 0x8
#define CRC_IO_ERRORS 0xc

#define POLL_PARAM "/sys/module/glass_crc32/parameters/poll"
/* The driver runs a write() as jobs of at most this many bytes. */
#define DRIVER_JOB_SIZE 16384

static int failures;
/* Jobs the writes so far should have made. */
static uint32_t jobs_expected;

static void check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("crc32: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" %s\n", ok ? "PASS" : "FAIL");
	if (!ok)
		failures++;
}

/* ---- software CRC-32 (reflected, polynomial 0xedb88320) ---- */

static uint32_t sw_table[256];

static void sw_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		sw_table[n] = c;
	}
}

static uint32_t sw_crc32(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;

	while (len--)
		c = sw_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

/* ---- the PCI function in sysfs ---- */

static bool read_hex(const char *path, unsigned long long *v)
{
	FILE *f = fopen(path, "r");
	bool ok = f && fscanf(f, "%llx", v) == 1;

	if (f)
		fclose(f);
	return ok;
}

/* The sysfs directory of the first 1234:cc32 function, in dir. */
static bool find_device(char *dir, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		unsigned long long vendor, device;
		char path[512];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 e->d_name);
		if (!read_hex(path, &vendor) || vendor != CRC_VENDOR)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 e->d_name);
		if (!read_hex(path, &device) || device != CRC_DEVICE)
			continue;
		snprintf(dir, len, "/sys/bus/pci/devices/%s", e->d_name);
		found = true;
	}
	closedir(d);
	return found;
}

/* BAR n's first address (a port number for an I/O BAR) from `resource`. */
static bool bar_start(const char *dir, int n, unsigned long long *start)
{
	char path[512];
	unsigned long long s, end, flags;
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/resource", dir);
	f = fopen(path, "r");
	if (!f)
		return false;
	for (int i = 0; i <= n; i++)
		ok = fscanf(f, "%llx %llx %llx", &s, &end, &flags) == 3;
	fclose(f);
	*start = s;
	return ok && s;
}

/* inl/outl from user space: 4 bytes at `off` of sysfs resource1. */
static bool io_read32(int fd, unsigned off, uint32_t *v)
{
	return pread(fd, v, 4, off) == 4;
}

static bool io_write32(int fd, unsigned off, uint32_t v)
{
	return pwrite(fd, &v, 4, off) == 4;
}

/* ---- /dev/crc32 ---- */

/* Write buf to /dev/crc32 in writes of at most `piece` bytes; the CRC the
 * driver reports, or false. */
static bool dev_crc32(const uint8_t *buf, size_t len, size_t piece,
		      uint32_t *crc)
{
	char text[16] = "";
	int fd = open("/dev/crc32", O_WRONLY);

	if (fd < 0)
		return false;
	for (size_t done = 0; done < len;) {
		size_t n = len - done < piece ? len - done : piece;
		ssize_t w = write(fd, buf + done, n);

		if (w <= 0) {
			close(fd);
			return false;
		}
		jobs_expected += (uint32_t)((n + DRIVER_JOB_SIZE - 1) /
					    DRIVER_JOB_SIZE);
		done += (size_t)w;
	}
	close(fd);
	fd = open("/dev/crc32", O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t r = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (r != 9 || text[8] != '\n')
		return false;
	*crc = (uint32_t)strtoul(text, NULL, 16);
	return true;
}

static bool set_poll(bool on)
{
	int fd = open(POLL_PARAM, O_WRONLY);
	bool ok = fd >= 0 && write(fd, on ? "1" : "0", 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* One buffer through the device and in software. */
static void crc_case(const char *what, const uint8_t *buf, size_t len,
		     size_t piece)
{
	uint32_t want = sw_crc32(buf, len), got = 0;
	bool ok = dev_crc32(buf, len, piece, &got);

	check(ok && got == want, "%s: %zu bytes in writes of %zu: 0x%08" PRIx32
	      " (software 0x%08" PRIx32 ")%s", what, len, piece, got, want,
	      ok ? "" : " [/dev/crc32 failed]");
}

int main(void)
{
	static uint8_t buf[200000];
	char dir[300], path[320];
	unsigned long long port;
	uint32_t v = 0, jobs0 = 0, errors0 = 0, jobs1 = 0, errors1 = 0;
	int io;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sw_init();
	check(sw_crc32((const uint8_t *)"123456789", 9) == 0xcbf43926,
	      "software CRC-32 of \"123456789\" is 0xcbf43926");

	if (!find_device(dir, sizeof(dir))) {
		check(false, "a %04x:%04x device in /sys/bus/pci/devices",
		      CRC_VENDOR, CRC_DEVICE);
		puts("CRC32 FAIL");
		return 1;
	}
	printf("crc32: device %s\n", strrchr(dir, '/') + 1);

	/* 1. port I/O */
	snprintf(path, sizeof(path), "%s/resource1", dir);
	io = open(path, O_RDWR);
	check(io >= 0, "open %s", path);
	if (io >= 0) {
		check(io_read32(io, CRC_IO_ID, &v) && v == CRC_ID,
		      "inl IO_ID via resource1 = 0x%08" PRIx32, v);
		check(io_write32(io, CRC_IO_SCRATCH, 0xc0ffee42) &&
		      io_read32(io, CRC_IO_SCRATCH, &v) && v == 0xc0ffee42,
		      "outl/inl IO_SCRATCH via resource1 = 0x%08" PRIx32, v);
		check(io_read32(io, CRC_IO_JOBS, &jobs0) &&
		      io_read32(io, CRC_IO_ERRORS, &errors0),
		      "inl IO_JOBS = %" PRIu32 ", IO_ERRORS = %" PRIu32
		      " (the driver's self-test)", jobs0, errors0);
	}
	if (bar_start(dir, 1, &port)) {
		uint8_t b[4] = { 0 };
		int fd = open("/dev/port", O_RDONLY);
		bool ok = fd >= 0 && pread(fd, b, 4, (off_t)port) == 4;

		if (fd >= 0)
			close(fd);
		v = (uint32_t)b[0] | (uint32_t)b[1] << 8 |
		    (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
		check(ok && v == CRC_ID, "4 x inb via /dev/port at 0x%llx = "
		      "%02x %02x %02x %02x", port, b[0], b[1], b[2], b[3]);
	} else {
		check(false, "BAR1 has a port (%s/resource)", dir);
	}

	/* 2. CRCs: interrupt-driven, then polled */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	crc_case("check value", (const uint8_t *)"123456789", 9, 9);
	crc_case("one byte", buf, 1, 1);
	crc_case("one job", buf, 16384, 16384);
	crc_case("a byte more", buf, 16385, 16385);
	crc_case("uneven writes", buf, sizeof(buf), 3001);
	check(set_poll(true), "poll=1 (%s)", POLL_PARAM);
	crc_case("polled", buf, sizeof(buf), 65536);
	check(set_poll(false), "poll=0");

	/* 3. every job counted, none failed */
	if (io >= 0) {
		bool ok = io_read32(io, CRC_IO_JOBS, &jobs1) &&
			  io_read32(io, CRC_IO_ERRORS, &errors1);

		check(ok && jobs1 - jobs0 == jobs_expected && errors1 == errors0,
		      "inl IO_JOBS = %" PRIu32 " (+%" PRIu32 ", want +%" PRIu32
		      "), IO_ERRORS = %" PRIu32, jobs1, jobs1 - jobs0,
		      jobs_expected, errors1);
		close(io);
	}

	puts(failures ? "CRC32 FAIL" : "CRC32 OK");
	return failures ? 1 : 0;
}
