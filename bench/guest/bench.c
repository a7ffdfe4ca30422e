/*
 * bench: the guest side of `make bench` (see docs/performance.md).
 *
 * Runs a fixed set of micro-workloads inside the guest and prints one
 * machine-readable line per result on stdout:
 *
 *     BENCH <key> <value>        a number (the unit is in the key's name)
 *     BENCH <key> fault          the access raised SIGBUS/SIGSEGV
 *     BENCH-INFO <text>          context for humans (addresses, sizes)
 *     BENCH-ERROR <text>         a workload could not run
 *
 * Durations come from clock_gettime(CLOCK_MONOTONIC) in the guest. Both
 * glass and QEMU (TCG, no icount) derive the guest's time CSR from host
 * time, so a guest-measured duration is a host wall-clock duration and the
 * figures of the two emulators can be compared directly.
 *
 * Parameters come from the kernel command line, `bench.NAME=VALUE` words
 * (run.py passes them), so one initramfs serves every configuration:
 *   bench.loop=N      integer-loop iterations          (default 100000000)
 *   bench.mmio=N      MMIO reads per MMIO workload     (default 2000000)
 *   bench.syscalls=N  getppid() round trips            (default 1000000)
 *   bench.mem_mib=N   memset / strided-read buffer     (default 64)
 *   bench.fault_mib=N page-fault storm mapping         (default 64)
 *   bench.dma=N       DMA round trips (0 skips DMA)    (default 4)
 *   bench.blk_mib=N   O_DIRECT sequential read/write of /dev/vda (64)
 *   bench.randreads=N 4 KiB O_DIRECT random reads of /dev/vda  (4000)
 *   bench.net_mib=N   TCP bytes sent to the host (16), to 10.0.2.2:PORT
 *   bench.port=PORT   the host's sink (run.py); 0 skips the network
 *   bench.only=LIST   comma-separated workload names to run (default all:
 *                     mmio,loop,mem,syscall,fault,dma,blk,net)
 *
 * Build: riscv64-linux-gnu-gcc -O2 -static -o bench bench.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* edu (QEMU docs/specs/edu.rst) */
#define EDU_VENDOR "0x1234"
#define EDU_DEVICE "0x11e8"
#define EDU_IDENT 0x00
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_START 0x1
#define EDU_DMA_TO_RAM 0x2
#define EDU_BUF_ADDR 0x40000
/* Per transfer: QEMU <= 7.2 aborts the whole emulator (hw_error) on a
 * transfer that ends exactly at the end of edu's 4 KiB buffer, so a 4 KiB
 * round trip is two 2 KiB transfers: RAM -> edu, then edu -> RAM. */
#define EDU_DMA_LEN 2048

/* The 16550 UART of both "virt" machines; SCR (offset 7) is a plain
 * read/write byte with no side effects. */
#define UART_BASE 0x10000000ull
#define UART_SCR 7

static struct {
	uint64_t loop, mmio, syscalls, mem_mib, fault_mib, dma;
	uint64_t blk_mib, randreads, net_mib, port;
	char only[256];
} P = {
	.loop = 100000000, .mmio = 2000000, .syscalls = 1000000,
	.mem_mib = 64, .fault_mib = 64, .dma = 4, .blk_mib = 64,
	.randreads = 4000, .net_mib = 16, .port = 0, .only = "all",
};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void result(const char *key, double v)
{
	printf("BENCH %s %.3f\n", key, v);
	fflush(stdout);
}

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("BENCH-INFO ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

static void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("BENCH-ERROR ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

static void read_params(void)
{
	char buf[4096];
	FILE *f = fopen("/proc/cmdline", "r");
	if (!f)
		return;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (char *w = strtok(buf, " \n"); w; w = strtok(NULL, " \n")) {
		static const struct { const char *name; uint64_t *v; } num[] = {
			{ "bench.loop=", &P.loop }, { "bench.mmio=", &P.mmio },
			{ "bench.syscalls=", &P.syscalls },
			{ "bench.mem_mib=", &P.mem_mib },
			{ "bench.fault_mib=", &P.fault_mib },
			{ "bench.dma=", &P.dma },
			{ "bench.blk_mib=", &P.blk_mib },
			{ "bench.randreads=", &P.randreads },
			{ "bench.net_mib=", &P.net_mib },
			{ "bench.port=", &P.port },
		};
		for (size_t i = 0; i < sizeof(num) / sizeof(num[0]); i++) {
			size_t l = strlen(num[i].name);
			if (!strncmp(w, num[i].name, l))
				*num[i].v = strtoull(w + l, NULL, 0);
		}
		if (!strncmp(w, "bench.only=", 11))
			snprintf(P.only, sizeof(P.only), "%s", w + 11);
	}
}

static int wanted(const char *name)
{
	if (!strcmp(P.only, "all"))
		return 1;
	char list[260];
	snprintf(list, sizeof(list), ",%s,", P.only);
	char key[64];
	snprintf(key, sizeof(key), ",%s,", name);
	return strstr(list, key) != NULL;
}

/* ---- faults while probing a device register ---- */

static sigjmp_buf probe_jmp;

static void on_fault(int sig)
{
	siglongjmp(probe_jmp, sig);
}

static void catch_faults(int on)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on ? on_fault : SIG_DFL;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* ---- edu through sysfs and /dev/mem ---- */

static char edu_dir[300];

static int read_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int ok = fgets(out, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

/* Find edu (1234:11e8; 0000:00:01.0 on both machines), enable its memory
 * decode through sysfs, return BAR0's CPU physical address or 0. */
static uint64_t edu_bar0(void)
{
	char path[400], v[64], d[64];
	static const char *const cands[] = { "0000:00:01.0", "0000:00:02.0",
					     "0000:00:03.0", "0000:00:04.0" };
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", cands[i]);
		if (read_line(path, v, sizeof(v)))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", cands[i]);
		if (read_line(path, d, sizeof(d)))
			continue;
		if (!strcmp(v, EDU_VENDOR) && !strcmp(d, EDU_DEVICE)) {
			snprintf(edu_dir, sizeof(edu_dir), "/sys/bus/pci/devices/%s", cands[i]);
			break;
		}
	}
	if (!edu_dir[0]) {
		error("no edu (1234:11e8) in /sys/bus/pci/devices");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/enable", edu_dir);
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		error("%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/resource", edu_dir);
	char line[200];
	if (read_line(path, line, sizeof(line))) {
		error("cannot read %s", path);
		return 0;
	}
	uint64_t bar = strtoull(line, NULL, 0);
	info("edu at %s, BAR0 at 0x%" PRIx64, edu_dir, bar);
	return bar;
}

/* O_SYNC /dev/mem mapping of one page at physical address pa. */
static volatile uint8_t *map_phys(uint64_t pa)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		error("/dev/mem: %s", strerror(errno));
		return NULL;
	}
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)(pa & ~4095ull));
	close(fd);
	if (p == MAP_FAILED) {
		error("mmap /dev/mem at 0x%" PRIx64 ": %s", pa, strerror(errno));
		return NULL;
	}
	return (volatile uint8_t *)p + (pa & 4095);
}

/* The timed loops, kept out of time_reads(): a function that calls
 * sigsetjmp() keeps its locals on the stack, which would put two loads and
 * a store of loop bookkeeping around every device read. */
static __attribute__((noinline)) void read8_loop(volatile uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		(void)*p;
}

static __attribute__((noinline)) void read32_loop(volatile uint32_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		(void)*p;
}

/* Time n reads of one register of width `width` bytes at p. Prints
 * BENCH key ns-per-read, or BENCH key fault when the first read faults. */
static void time_reads(const char *key, volatile uint8_t *p, unsigned width,
		       uint64_t n, uint64_t expect, uint64_t mask)
{
	int sig;

	catch_faults(1);
	if ((sig = sigsetjmp(probe_jmp, 1)) != 0) {
		catch_faults(0);
		printf("BENCH %s fault\n", key);
		info("%s: the first read raised signal %d", key, sig);
		fflush(stdout);
		return;
	}
	uint64_t first = width == 1 ? *p : width == 2 ? *(volatile uint16_t *)p
			: width == 4 ? *(volatile uint32_t *)p : *(volatile uint64_t *)p;
	catch_faults(0);
	if (mask && (first & mask) != expect) {
		error("%s: read 0x%" PRIx64 ", expected 0x%" PRIx64, key, first & mask, expect);
		return;
	}

	double t0 = now_ns();
	if (width == 1)
		read8_loop(p, n);
	else if (width == 4)
		read32_loop((volatile uint32_t *)p, n);
	double t1 = now_ns();
	result(key, (t1 - t0) / (double)n);
}

static void bench_mmio(void)
{
	uint64_t bar = edu_bar0();
	if (bar) {
		volatile uint8_t *edu = map_phys(bar);
		if (edu) {
			/* ident is 0x010000ed: the byte at offset 0 is 0xed */
			time_reads("mmio_edu_read8_ns", edu + EDU_IDENT, 1, P.mmio, 0xed, 0xff);
			time_reads("mmio_edu_read32_ns", edu + EDU_IDENT, 4, P.mmio,
				   0x010000ed, 0xff0000ff);
			munmap((void *)((uintptr_t)edu & ~4095ul), 4096);
		}
	}
	volatile uint8_t *uart = map_phys(UART_BASE);
	if (uart) {
		uint8_t old = uart[UART_SCR];
		uart[UART_SCR] = 0x5a;
		time_reads("mmio_uart_read8_ns", uart + UART_SCR, 1, P.mmio, 0x5a, 0xff);
		uart[UART_SCR] = old;
		munmap((void *)((uintptr_t)uart & ~4095ul), 4096);
	}
}

/* ---- compute ---- */

static void bench_loop(void)
{
	volatile uint64_t acc = 0;
	double t0 = now_ns();
	for (uint64_t i = 0; i < P.loop; i++)
		acc += i * i;
	double t1 = now_ns();
	info("loop: %" PRIu64 " iterations, acc=%" PRIu64, P.loop, (uint64_t)acc);
	result("loop_ms", (t1 - t0) / 1e6);
	result("loop_ns_per_iter", (t1 - t0) / (double)P.loop);
}

/* ---- memory: memset, then read every 64th byte, 4 passes ---- */

/* Read every 64th byte of buf, 4 passes; returns the sum. */
static uint64_t stride_reads(const uint8_t *buf, size_t len)
{
	uint64_t sum = 0;

	for (int pass = 0; pass < 4; pass++)
		for (size_t i = 0; i < len; i += 64)
			sum += ((volatile const uint8_t *)buf)[i];
	return sum;
}

/*
 * The workload as the brief measures it: a program that gets 64 MiB of
 * fresh memory, memsets it and reads it back with a stride. So the timed
 * part starts at mmap() and includes the first-touch page faults (16384 of
 * them: most of the time on any emulator) and the munmap(). The same
 * memset and reads are then repeated on a buffer whose pages are already
 * present, for the user-mode-only figures (reported, no target).
 */
static void bench_mem(void)
{
	size_t len = (size_t)P.mem_mib << 20;
	uint64_t want = (uint64_t)4 * (len / 64) * 0x5a;

	double t0 = now_ns();
	uint8_t *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		error("mem: mmap %zu bytes: %s", len, strerror(errno));
		return;
	}
	memset(buf, 0x5a, len);
	__asm__ volatile("" ::: "memory");
	double t1 = now_ns();
	uint64_t sum = stride_reads(buf, len);
	munmap(buf, len);
	double t2 = now_ns();
	if (sum != want)
		error("mem: checksum %" PRIu64 " is wrong", sum);

	/* the same on memory that is already mapped */
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		error("mem: mmap %zu bytes: %s", len, strerror(errno));
		return;
	}
	memset(buf, 1, len);
	double w0 = now_ns();
	memset(buf, 0x5a, len);
	__asm__ volatile("" ::: "memory");
	double w1 = now_ns();
	sum = stride_reads(buf, len);
	double w2 = now_ns();
	munmap(buf, len);
	if (sum != want)
		error("mem: checksum %" PRIu64 " is wrong (warm)", sum);

	info("mem: %" PRIu64 " MiB fresh mmap + memset + 4 passes reading every 64th byte + munmap",
	     P.mem_mib);
	result("mem_total_ms", (t2 - t0) / 1e6);
	result("mem_fresh_memset_ms", (t1 - t0) / 1e6);
	result("mem_fresh_stride_ms", (t2 - t1) / 1e6);
	result("memset_ms", (w1 - w0) / 1e6);
	result("stride_ms", (w2 - w1) / 1e6);
}

/* ---- kernel entry/exit ---- */

static void bench_syscall(void)
{
	double t0 = now_ns();
	for (uint64_t i = 0; i < P.syscalls; i++)
		syscall(SYS_getppid);
	double t1 = now_ns();
	result("syscall_getppid_ns", (t1 - t0) / (double)P.syscalls);
}

/* ---- page faults: touch every page of a fresh anonymous mapping ---- */

static void bench_fault(void)
{
	size_t len = (size_t)P.fault_mib << 20;
	long pg = sysconf(_SC_PAGESIZE);
	volatile uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		error("fault: mmap: %s", strerror(errno));
		return;
	}
	double t0 = now_ns();
	for (size_t i = 0; i < len; i += pg)
		p[i] = 1;
	double t1 = now_ns();
	munmap((void *)p, len);
	result("pagefault_ns", (t1 - t0) / (double)(len / pg));
}

/* ---- DMA: edu's DMA engine driven from user space via /dev/mem ---- */

static uint64_t virt_to_phys(void *v)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	uint64_t e = 0;
	long pg = sysconf(_SC_PAGESIZE);
	off_t off = (off_t)((uintptr_t)v / pg) * 8;
	ssize_t n = pread(fd, &e, 8, off);
	close(fd);
	if (n != 8 || !(e & (1ull << 63)))
		return 0;
	uint64_t pfn = e & ((1ull << 55) - 1);
	return pfn ? pfn * pg + ((uintptr_t)v % pg) : 0;
}

static int dma_wait(volatile uint8_t *edu, double limit_ns)
{
	double t0 = now_ns();
	while (*(volatile uint64_t *)(edu + EDU_DMA_CMD) & EDU_DMA_START)
		if (now_ns() - t0 > limit_ns)
			return -1;
	return 0;
}

static void bench_dma(void)
{
	if (!P.dma)
		return;
	uint64_t bar = edu_bar0();
	if (!bar)
		return;

	/* Bus mastering on: PCI command register bit 2 (sysfs config file). */
	char path[400];
	snprintf(path, sizeof(path), "%s/config", edu_dir);
	int fd = open(path, O_RDWR);
	uint16_t cmd = 0;
	if (fd < 0 || pread(fd, &cmd, 2, 4) != 2) {
		error("dma: cannot read %s", path);
		if (fd >= 0)
			close(fd);
		return;
	}
	cmd |= 0x6; /* memory space + bus master */
	if (pwrite(fd, &cmd, 2, 4) != 2) {
		error("dma: cannot write %s: %s", path, strerror(errno));
		close(fd);
		return;
	}
	close(fd);

	uint8_t *buf = aligned_alloc(4096, 4096);
	if (!buf || mlock(buf, 4096)) {
		error("dma: cannot allocate/lock a page");
		return;
	}
	memset(buf, 0, 4096);
	uint64_t pa = virt_to_phys(buf);
	if (!pa) {
		error("dma: no PFN from /proc/self/pagemap");
		return;
	}
	volatile uint8_t *edu = map_phys(bar);
	if (!edu)
		return;
	info("dma: user page at pa 0x%" PRIx64 ", %d bytes each way, %" PRIu64 " round trips",
	     pa, EDU_DMA_LEN, P.dma);

#define REG64(off) (*(volatile uint64_t *)(edu + (off)))
	double total = 0, to_dev = 0;
	for (uint64_t it = 0; it < P.dma; it++) {
		for (int i = 0; i < EDU_DMA_LEN; i++)
			buf[i] = (uint8_t)(i * 7 + it);
		memset(buf + EDU_DMA_LEN, 0, EDU_DMA_LEN);
		__sync_synchronize();

		double t0 = now_ns();
		REG64(EDU_DMA_SRC) = pa;
		REG64(EDU_DMA_DST) = EDU_BUF_ADDR;
		REG64(EDU_DMA_COUNT) = EDU_DMA_LEN;
		REG64(EDU_DMA_CMD) = EDU_DMA_START;
		if (dma_wait(edu, 2e9)) {
			error("dma: RAM -> edu did not complete in 2 s");
			return;
		}
		double t1 = now_ns();
		REG64(EDU_DMA_SRC) = EDU_BUF_ADDR;
		REG64(EDU_DMA_DST) = pa + EDU_DMA_LEN;
		REG64(EDU_DMA_COUNT) = EDU_DMA_LEN;
		REG64(EDU_DMA_CMD) = EDU_DMA_START | EDU_DMA_TO_RAM;
		if (dma_wait(edu, 2e9)) {
			error("dma: edu -> RAM did not complete in 2 s");
			return;
		}
		double t2 = now_ns();
		__sync_synchronize();
		if (memcmp(buf, buf + EDU_DMA_LEN, EDU_DMA_LEN)) {
			error("dma: data came back different");
			return;
		}
		total += t2 - t0;
		to_dev += t1 - t0;
	}
	result("dma_4k_roundtrip_us", total / P.dma / 1e3);
	result("dma_2k_to_dev_us", to_dev / P.dma / 1e3);
	munmap((void *)((uintptr_t)edu & ~4095ul), 4096);
}

/* ---- virtio-blk: /dev/vda with O_DIRECT (the host's page cache is
 * the same for both emulators: the image was just written) ---- */

#define BLK_CHUNK (1u << 20)

static double blk_pass(int fd, uint8_t *buf, int write)
{
	uint64_t chunks = P.blk_mib * (1ull << 20) / BLK_CHUNK;
	double t0 = now_ns();

	for (uint64_t i = 0; i < chunks; i++) {
		ssize_t r = write ? pwrite(fd, buf, BLK_CHUNK, i * BLK_CHUNK) :
				    pread(fd, buf, BLK_CHUNK, i * BLK_CHUNK);
		if (r != BLK_CHUNK) {
			error("blk %s at %" PRIu64 ": %s", write ? "write" :
			      "read", i * BLK_CHUNK, strerror(errno));
			return -1;
		}
	}
	return (now_ns() - t0) / 1e6;
}

static void bench_blk(void)
{
	int fd = open("/dev/vda", O_RDWR | O_DIRECT);
	uint8_t *buf = NULL;

	if (fd < 0) {
		error("blk: /dev/vda: %s", strerror(errno));
		return;
	}
	if (posix_memalign((void **)&buf, 4096, BLK_CHUNK)) {
		close(fd);
		return;
	}
	memset(buf, 0xa5, BLK_CHUNK);
	info("blk: /dev/vda, %" PRIu64 " MiB in 1 MiB O_DIRECT requests, "
	     "%" PRIu64 " random 4 KiB reads", P.blk_mib, P.randreads);
	double w = blk_pass(fd, buf, 1);
	fsync(fd);
	double r = blk_pass(fd, buf, 0);
	if (w >= 0)
		result("blk_seq_write_ms", w);
	if (r >= 0)
		result("blk_seq_read_ms", r);
	/* random 4 KiB reads over the same 64 MiB (a fixed LCG sequence) */
	uint64_t blocks = P.blk_mib * 256, x = 12345;
	double t0 = now_ns();
	for (uint64_t i = 0; i < P.randreads; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		if (pread(fd, buf, 4096, ((x >> 33) % blocks) * 4096) != 4096) {
			error("blk: random read: %s", strerror(errno));
			break;
		}
	}
	result("blk_randread_4k_us", (now_ns() - t0) / 1e3 / P.randreads);
	/* one 4 KiB read of the same block again and again: the device
	 * path alone (no seek pattern, nothing to prefetch) */
	t0 = now_ns();
	for (uint64_t i = 0; i < P.randreads; i++)
		if (pread(fd, buf, 4096, 0) != 4096)
			break;
	result("blk_read_4k_us", (now_ns() - t0) / 1e3 / P.randreads);
	free(buf);
	close(fd);
}

/* ---- virtio-net: TCP to a sink on the host's loopback (10.0.2.2) ---- */

static void bench_net(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)P.port) };
	static char buf[65536];
	char ack;

	if (!P.port)
		return;
	if (system("ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up "
		   "&& ip route add default via 10.0.2.2") != 0) {
		error("net: cannot configure eth0");
		return;
	}
	inet_aton("10.0.2.2", &a.sin_addr);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		error("net: connect to 10.0.2.2:%" PRIu64 ": %s", P.port,
		      strerror(errno));
		if (s >= 0)
			close(s);
		return;
	}
	memset(buf, 'g', sizeof(buf));
	uint64_t total = P.net_mib << 20, sent = 0;
	double t0 = now_ns();
	while (sent < total) {
		size_t n = total - sent < sizeof(buf) ? total - sent : sizeof(buf);
		ssize_t r = write(s, buf, n);
		if (r <= 0) {
			error("net: write: %s", strerror(errno));
			close(s);
			return;
		}
		sent += (uint64_t)r;
	}
	shutdown(s, SHUT_WR);
	/* the host answers once it has read every byte */
	if (read(s, &ack, 1) != 1)
		error("net: no acknowledgement from the host");
	else
		result("net_tx_ms", (now_ns() - t0) / 1e6);
	close(s);
	info("net: %" PRIu64 " MiB to 10.0.2.2:%" PRIu64, P.net_mib, P.port);
}

int main(void)
{
	read_params();
	info("params loop=%" PRIu64 " mmio=%" PRIu64 " syscalls=%" PRIu64
	     " mem_mib=%" PRIu64 " fault_mib=%" PRIu64 " dma=%" PRIu64 " only=%s",
	     P.loop, P.mmio, P.syscalls, P.mem_mib, P.fault_mib, P.dma, P.only);
	double t0 = now_ns();
	if (wanted("mmio"))
		bench_mmio();
	if (wanted("loop"))
		bench_loop();
	if (wanted("mem"))
		bench_mem();
	if (wanted("syscall"))
		bench_syscall();
	if (wanted("fault"))
		bench_fault();
	if (wanted("dma"))
		bench_dma();
	if (wanted("blk"))
		bench_blk();
	if (wanted("net"))
		bench_net();
	result("bench_total_s", (now_ns() - t0) / 1e9);
	return 0;
}
