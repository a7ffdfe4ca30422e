/*
 * glassctl: talk to glass from a Linux guest's user space through the
 * glass hypercall device (glass's shared/spec/hypercall.md), in the spirit
 * of gem5's m5 utility and MARSSx86's ptlctl.
 *
 * usage: glassctl [OPTIONS] COMMAND [ARGS]
 *   info                      device, transport, channel, hart, time, instret
 *   exit N                    stop glass with exit code N
 *   log TEXT...               TEXT in glass's log (tagged with hart, instret)
 *   marker N                  a marker; prints instret and time
 *   roi begin|end N           region of interest N; end prints its instret
 *   stats reset | stats dump [NAME]
 *   get HOSTFILE [FILE]       copy a file from glass's --share directory
 *                             (FILE defaults to HOSTFILE's last component;
 *                             "-" is stdout)
 *   put FILE [HOSTFILE]       copy a file into it ("-" is stdin; HOSTFILE
 *                             defaults to FILE's last component)
 *   trace CATEGORY on|off     CATEGORY: mmio,pci-config,dma,irq,pagewalk,
 *                             hypercall,guest-error,all (comma list) or a mask
 *   checkpoint NAME [exit]    save the machine as NAME in glass's
 *                             --checkpoint-dir; prints "written" now and
 *                             "resumed" in a machine restored from it
 *                             (exit: glass stops once it is written)
 * options:
 *   --dma                     get/put move the file by DMA (root; sysfs or
 *                             devmem only, see below)
 *   --via ioctl|mmap|sysfs|devmem   how to reach the device (default: auto)
 *   --mmap                    prefer a mapping to the ioctl
 *   --addr PHYS               use /dev/mem at PHYS (implies --via devmem)
 *   -v                        say which transport and channel are used
 *
 * Transports, in the order "auto" tries them:
 *   ioctl   /dev/glass-hc (glass_hc.ko), GLASS_HC_IOC_CALL per op; works
 *           for ordinary users (the node is 0666)
 *   mmap    /dev/glass-hc, the file's channel page mapped into this process;
 *           ops are plain stores, also for ordinary users
 *   sysfs   the PCI function's /sys/bus/pci/devices/BDF/resource0, mapped
 *           (root)
 *   devmem  /dev/mem with O_SYNC at --addr, or at the platform instance
 *           found in the device tree (compatible "glass,hypercall-v1";
 *           root)
 * With sysfs and devmem glassctl claims a free channel itself (1..CHANNELS)
 * and releases it when it exits, also on SIGINT/SIGTERM/SIGHUP.
 *
 * Files move through the channel's 3840-byte DATA buffer, in as many ops
 * as it takes. With --dma they move by DMA instead, one page per op: a
 * page-aligned, mlock()ed buffer whose frames /proc/self/pagemap reveals
 * (to root only: others see frame 0), and ARG3 = the page's DMA address:
 *   platform instance (devmem at the device tree's node): the physical
 *           address;
 *   PCI instance (sysfs, or devmem at the function's BAR0): the bus
 *           address, translated through the host bridge's dma-ranges
 *           (identity when it has none), with the function's Bus Master
 *           Enable set through sysfs config for the transfer and cleared
 *           again when glassctl exits, if it was off.
 * Never through /dev/glass-hc: glass_hc.ko keeps Bus Master off so that
 * its unprivileged users cannot make the device DMA. Concurrent --dma runs
 * on the PCI instance race on Bus Master (the first to exit turns it off).
 *
 * Exit status: 0 done; 1 the operation failed (glass's status is printed);
 * 2 usage; 3 no device found or it could not be opened.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GLASS_HC_WANT_IOCTL
#include "../include/glass-hc.h"

enum via { VIA_AUTO, VIA_IOCTL, VIA_MMAP, VIA_SYSFS, VIA_DEVMEM };
static const char *const via_names[] = { "auto", "ioctl", "mmap", "sysfs",
					  "devmem" };

static struct {
	enum via via;
	int fd;
	void *map;
	size_t maplen;
	glass_hc_base win;      /* whole window (sysfs, devmem) */
	glass_hc_base ch;       /* our channel page (not with ioctl) */
	volatile int claimed;   /* we claimed ch ourselves: release it */
	unsigned chno;
	char where[512];
	int is_pci;             /* the window is the PCI function's BAR0 */
	char pci_dir[300];      /* its /sys/bus/pci/devices/BDF */
} dev = { .fd = -1 };

/* --dma state */
#define DMA_PAGES 16
#define DMA_MAX_RANGES 8
static struct {
	int on;
	unsigned char *buf;     /* DMA_PAGES pages, locked */
	size_t pagesz;
	int pagemap;            /* /proc/self/pagemap */
	int cfg_fd;             /* PCI: sysfs config, for Bus Master */
	volatile int master_set; /* we turned Bus Master on: turn it off */
	unsigned nranges;       /* PCI: inbound windows (none: identity) */
	struct {
		uint64_t bus, cpu, size;
	} range[DMA_MAX_RANGES];
} dma = { .pagemap = -1, .cfg_fd = -1 };

static struct glass_hc_ioc_call ioc; /* last ioctl call (DATA after it) */
static int verbose;

static void release_channel(void)
{
	if (dev.claimed) {
		dev.claimed = 0;
		glass_hc_release(dev.ch);
	}
}

/* Bus Master back off, if we turned it on (also from signal handlers:
 * pread/pwrite only). */
static void restore_master(void)
{
	unsigned char c[2];

	if (!dma.master_set)
		return;
	dma.master_set = 0;
	if (pread(dma.cfg_fd, c, 2, 4) == 2) {
		c[0] &= (unsigned char)~4;
		if (pwrite(dma.cfg_fd, c, 2, 4) != 2)
			dma.master_set = 1;
	}
}

static void on_signal(int sig)
{
	restore_master();
	release_channel();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "glassctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: glassctl [--via ioctl|mmap|sysfs|devmem] [--mmap] [--addr PHYS] [--dma] [-v]\n"
		"                info | exit N | log TEXT... | marker N | roi begin|end N\n"
		"                | stats reset | stats dump [NAME] | get HOSTFILE [FILE]\n"
		"                | put FILE [HOSTFILE] | trace CATEGORY on|off\n"
		"                | checkpoint NAME [exit]\n");
	exit(2);
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		die(2, "bad %s '%s'", what, s);
	return v;
}

/* ---- finding the device ---- */

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

/* /sys/bus/pci/devices/BDF of the hypercall function, or 0 */
static int find_pci(char *out, size_t len)
{
	const char *root = "/sys/bus/pci/devices";
	DIR *d = opendir(root);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		char p[512], v[32], id[32];
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/vendor", root, e->d_name);
		if (read_small(p, v, sizeof(v)) < 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s/device", root, e->d_name);
		if (read_small(p, id, sizeof(id)) < 0)
			continue;
		if (strtoul(v, NULL, 16) == GLASS_HC_PCI_VENDOR &&
		    strtoul(id, NULL, 16) == GLASS_HC_PCI_DEVICE) {
			snprintf(out, len, "%s/%s", root, e->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

static uint64_t be_cells(const unsigned char *p, unsigned cells)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < cells * 4; i++)
		v = v << 8 | p[i];
	return v;
}

static unsigned dt_cells(const char *node, const char *prop, unsigned dflt)
{
	char p[1024];
	unsigned char b[4];
	int fd, n;

	snprintf(p, sizeof(p), "%s/%s", node, prop);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dflt;
	n = (int)read(fd, b, 4);
	close(fd);
	return n == 4 ? (unsigned)be_cells(b, 1) : dflt;
}

/* Search the device tree for compatible "glass,hypercall-v1"; its first
 * reg entry's address in *phys. */
static int dt_search(const char *node, int depth, uint64_t *phys)
{
	char p[1024], compat[256];
	int n;

	snprintf(p, sizeof(p), "%s/compatible", node);
	n = read_small(p, compat, sizeof(compat));
	for (int i = 0; n > 0 && i < n; i += (int)strlen(compat + i) + 1) {
		if (strcmp(compat + i, GLASS_HC_COMPATIBLE) != 0)
			continue;
		/* the parent's #address-cells / #size-cells */
		char parent[1024];
		snprintf(parent, sizeof(parent), "%s", node);
		char *slash = strrchr(parent, '/');
		if (slash)
			*slash = 0;
		unsigned ac = dt_cells(parent, "#address-cells", 2);
		unsigned sc = dt_cells(parent, "#size-cells", 1);
		unsigned char reg[64];
		snprintf(p, sizeof(p), "%s/reg", node);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || ac < 1 || ac > 2 || sc > 2)
			return fd >= 0 ? (close(fd), 0) : 0;
		n = (int)read(fd, reg, sizeof(reg));
		close(fd);
		if (n < (int)(4 * (ac + sc)))
			return 0;
		*phys = be_cells(reg, ac);
		return 1;
	}
	if (depth >= 4)
		return 0;
	DIR *d = opendir(node);
	struct dirent *e;
	int found = 0;
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		snprintf(p, sizeof(p), "%s/%s", node, e->d_name);
		found = dt_search(p, depth + 1, phys);
	}
	closedir(d);
	return found;
}

static int find_dt(uint64_t *phys)
{
	const char *quick = "/proc/device-tree/soc/hypercall@10110000";
	struct stat st;

	if (stat(quick, &st) == 0 && dt_search(quick, 4, phys))
		return 1;
	return dt_search("/proc/device-tree", 0, phys);
}

static void map_window(const char *path, uint64_t offset, int oflags)
{
	dev.fd = open(path, O_RDWR | O_CLOEXEC | oflags);
	if (dev.fd < 0)
		die(3, "%s: %s", path, strerror(errno));
	dev.maplen = GLASS_HC_WINDOW_SIZE;
	dev.map = mmap(NULL, dev.maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
		       dev.fd, (off_t)offset);
	if (dev.map == MAP_FAILED)
		die(3, "mmap %s: %s", path, strerror(errno));
	dev.win = dev.map;
	if (!glass_hc_present(dev.win))
		die(3, "%s: no glass hypercall device (magic 0x%llx)", path,
		    (unsigned long long)glass_hc_rd64(dev.win, GLASS_HC_MAGIC));
	dev.chno = glass_hc_claim(dev.win);
	if (!dev.chno)
		die(3, "all %u channels are busy", glass_hc_nchannels(dev.win));
	dev.ch = glass_hc_channel(dev.win, dev.chno);
	dev.claimed = 1;
	atexit(release_channel);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}

static int open_sysfs(void)
{
	char bdf[300], p[400], en[8];

	if (!find_pci(bdf, sizeof(bdf)))
		return 0;
	/* a function nobody drives may have memory decoding off */
	snprintf(p, sizeof(p), "%s/enable", bdf);
	if (read_small(p, en, sizeof(en)) > 0 && en[0] == '0') {
		int fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "1", 1) < 0)
				fprintf(stderr, "glassctl: enabling %s: %s\n",
					bdf, strerror(errno));
			close(fd);
		}
	}
	snprintf(p, sizeof(p), "%s/resource0", bdf);
	map_window(p, 0, O_SYNC);
	dev.via = VIA_SYSFS;
	dev.is_pci = 1;
	snprintf(dev.pci_dir, sizeof(dev.pci_dir), "%s", bdf);
	snprintf(dev.where, sizeof(dev.where), "sysfs %s", p);
	return 1;
}

static void open_devmem(uint64_t phys)
{
	char bdf[300], p[400], res[128];

	map_window("/dev/mem", phys, O_SYNC);
	dev.via = VIA_DEVMEM;
	snprintf(dev.where, sizeof(dev.where), "devmem /dev/mem at 0x%llx",
		 (unsigned long long)phys);
	/* --addr at the PCI function's BAR0 is the PCI instance */
	if (!find_pci(bdf, sizeof(bdf)))
		return;
	snprintf(p, sizeof(p), "%s/resource", bdf);
	if (read_small(p, res, sizeof(res)) > 0 &&
	    strtoull(res, NULL, 0) == phys) {
		dev.is_pci = 1;
		snprintf(dev.pci_dir, sizeof(dev.pci_dir), "%s", bdf);
	}
}

static int open_node(enum via via)
{
	struct glass_hc_ioc_info info;

	dev.fd = open(GLASS_HC_DEVNODE, O_RDWR | O_CLOEXEC);
	if (dev.fd < 0) {
		if (errno == ENOENT && via == VIA_AUTO)
			return 0;
		die(3, "%s: %s", GLASS_HC_DEVNODE, strerror(errno));
	}
	if (ioctl(dev.fd, GLASS_HC_IOC_INFO, &info) < 0)
		die(3, "%s: GLASS_HC_IOC_INFO: %s", GLASS_HC_DEVNODE,
		    strerror(errno));
	dev.chno = (unsigned)info.channel;
	if (via == VIA_MMAP) {
		dev.maplen = GLASS_HC_PAGE_SIZE;
		dev.map = mmap(NULL, dev.maplen, PROT_READ | PROT_WRITE,
			       MAP_SHARED, dev.fd, 0);
		if (dev.map == MAP_FAILED)
			die(3, "mmap %s: %s", GLASS_HC_DEVNODE,
			    strerror(errno));
		dev.ch = dev.map;
		dev.via = VIA_MMAP;
	} else {
		dev.via = VIA_IOCTL;
	}
	snprintf(dev.where, sizeof(dev.where), "%s %s (BAR0 0x%llx)",
		 via_names[dev.via], GLASS_HC_DEVNODE,
		 (unsigned long long)info.bar_phys);
	return 1;
}

static void open_device(enum via via, int have_addr, uint64_t addr,
			int prefer_map)
{
	uint64_t phys;

	if (have_addr && via != VIA_AUTO && via != VIA_DEVMEM)
		die(2, "--addr goes with --via devmem");
	if (dma.on && (via == VIA_IOCTL || via == VIA_MMAP))
		die(2, "--dma does not work through %s (glass_hc.ko keeps Bus "
		    "Master off); use --via sysfs or devmem", GLASS_HC_DEVNODE);
	switch (via) {
	case VIA_IOCTL:
	case VIA_MMAP:
		open_node(via);
		break;
	case VIA_SYSFS:
		if (!open_sysfs())
			die(3, "no PCI function %04x:%04x in /sys/bus/pci",
			    GLASS_HC_PCI_VENDOR, GLASS_HC_PCI_DEVICE);
		break;
	case VIA_DEVMEM:
		if (!have_addr && !find_dt(&addr))
			die(3, "no %s node in the device tree; give --addr",
			    GLASS_HC_COMPATIBLE);
		open_devmem(addr);
		break;
	case VIA_AUTO:
		if (have_addr) {
			open_devmem(addr);
		} else if (!dma.on && access(GLASS_HC_DEVNODE, F_OK) == 0) {
			open_node(prefer_map ? VIA_MMAP : VIA_IOCTL);
		} else if (open_sysfs()) {
		} else if (find_dt(&phys)) {
			open_devmem(phys);
		} else {
			die(3, "no glass hypercall device: no %s, no PCI "
			    "%04x:%04x, no %s in the device tree",
			    GLASS_HC_DEVNODE, GLASS_HC_PCI_VENDOR,
			    GLASS_HC_PCI_DEVICE, GLASS_HC_COMPATIBLE);
		}
		break;
	}
	if (verbose)
		fprintf(stderr, "glassctl: %s, channel %u\n", dev.where,
			dev.chno);
}

/* ---- DMA (--dma) ---- */

/* The device tree node of the PCI host bridge above dev.pci_dir: the
 * first ancestor in sysfs whose of_node has device_type "pci". */
static int pci_host_node(char *out, size_t len)
{
	static const char *const fallback = "/proc/device-tree/soc/pci@30000000";
	char path[PATH_MAX], link[PATH_MAX + 32], node[PATH_MAX], type[16];
	struct stat st;

	if (realpath(dev.pci_dir, path)) {
		char *slash;
		while ((slash = strrchr(path, '/')) && slash != path) {
			*slash = 0;
			snprintf(link, sizeof(link), "%s/of_node", path);
			if (!realpath(link, node))
				continue;
			snprintf(link, sizeof(link), "%s/device_type", node);
			if (read_small(link, type, sizeof(type)) > 0 &&
			    strcmp(type, "pci") == 0) {
				snprintf(out, len, "%s", node);
				return 1;
			}
		}
	}
	if (stat(fallback, &st) == 0) {
		snprintf(out, len, "%s", fallback);
		return 1;
	}
	return 0;
}

/* The host bridge's inbound windows from its dma-ranges: entries of
 * (child PCI address: #address-cells of the bridge, 3; parent CPU address:
 * the parent's #address-cells; size: the bridge's #size-cells). No
 * property, an empty one or no bridge node: bus address = physical. */
static void dma_find_ranges(void)
{
	char node[PATH_MAX], parent[PATH_MAX], p[PATH_MAX + 32];
	unsigned char cells[4 * 7 * DMA_MAX_RANGES];
	int fd, n;

	dma.nranges = 0;
	if (!pci_host_node(node, sizeof(node))) {
		if (verbose)
			fprintf(stderr, "glassctl: no PCI host bridge in the "
				"device tree: bus address = physical\n");
		return;
	}
	snprintf(parent, sizeof(parent), "%s", node);
	char *slash = strrchr(parent, '/');
	if (slash)
		*slash = 0;
	unsigned pac = dt_cells(parent, "#address-cells", 2);
	unsigned cac = dt_cells(node, "#address-cells", 3);
	unsigned sc = dt_cells(node, "#size-cells", 2);
	snprintf(p, sizeof(p), "%s/dma-ranges", node);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? 0 : (int)read(fd, cells, sizeof(cells));
	if (fd >= 0)
		close(fd);
	if (n < 0)
		die(1, "%s: %s", p, strerror(errno));
	if (n == 0) {
		if (verbose)
			fprintf(stderr, "glassctl: %s: no dma-ranges: bus "
				"address = physical\n", node);
		return;
	}
	if (cac < 1 || cac > 3 || pac < 1 || pac > 2 || sc < 1 || sc > 2)
		die(1, "%s: unsupported cell counts (%u, %u, %u)", p, cac, pac,
		    sc);
	unsigned entry = 4 * (cac + pac + sc);
	for (unsigned at = 0; at + entry <= (unsigned)n &&
	     dma.nranges < DMA_MAX_RANGES; at += entry) {
		const unsigned char *e = cells + at;
		/* a 3-cell PCI address: flags, then 64 bits of address */
		uint64_t bus = cac == 3 ? be_cells(e + 4, 2) : be_cells(e, cac);
		uint64_t cpu = be_cells(e + 4 * cac, pac);
		uint64_t size = be_cells(e + 4 * (cac + pac), sc);
		dma.range[dma.nranges].bus = bus;
		dma.range[dma.nranges].cpu = cpu;
		dma.range[dma.nranges].size = size;
		dma.nranges++;
		if (verbose)
			fprintf(stderr, "glassctl: %s: inbound window CPU "
				"0x%llx -> bus 0x%llx, 0x%llx bytes (bus = "
				"physical - 0x%llx)\n", node,
				(unsigned long long)cpu,
				(unsigned long long)bus,
				(unsigned long long)size,
				(unsigned long long)(cpu - bus));
	}
	if (!dma.nranges)
		die(1, "%s: malformed (%d bytes)", p, n);
}

/* Turn the PCI function's Bus Master Enable on through its sysfs config
 * file (root); restore_master turns it off again at exit. */
static void dma_enable_master(void)
{
	char p[400];
	unsigned char c[2];

	snprintf(p, sizeof(p), "%s/config", dev.pci_dir);
	dma.cfg_fd = open(p, O_RDWR | O_CLOEXEC);
	if (dma.cfg_fd < 0)
		die(3, "%s: %s", p, strerror(errno));
	if (pread(dma.cfg_fd, c, 2, 4) != 2)
		die(3, "%s: cannot read the command register", p);
	if (c[0] & 4) {
		if (verbose)
			fprintf(stderr, "glassctl: Bus Master already on\n");
		return;
	}
	c[0] |= 4;
	dma.master_set = 1;
	atexit(restore_master);
	if (pwrite(dma.cfg_fd, c, 2, 4) != 2 || pread(dma.cfg_fd, c, 2, 4) != 2 ||
	    !(c[0] & 4))
		die(3, "%s: cannot turn Bus Master on", p);
	if (verbose)
		fprintf(stderr, "glassctl: Bus Master on (command 0x%02x%02x), "
			"off again at exit\n", c[1], c[0]);
}

static void dma_setup(void)
{
	void *buf;
	long pg = sysconf(_SC_PAGESIZE);
	int e;

	dma.pagesz = pg > 0 ? (size_t)pg : 4096;
	e = posix_memalign(&buf, dma.pagesz, DMA_PAGES * dma.pagesz);
	if (e)
		die(1, "DMA buffer: %s", strerror(e));
	dma.buf = buf;
	/* resident and pinned: its frames must not move under the device */
	if (mlock(dma.buf, DMA_PAGES * dma.pagesz) < 0)
		die(1, "mlock of the DMA buffer: %s", strerror(errno));
	memset(dma.buf, 0, DMA_PAGES * dma.pagesz);
	dma.pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (dma.pagemap < 0)
		die(1, "/proc/self/pagemap: %s", strerror(errno));
	if (dev.is_pci) {
		dma_find_ranges();
		dma_enable_master();
	}
	if (verbose)
		fprintf(stderr, "glassctl: DMA: %s instance, %s addresses, "
			"%d pages of %zu bytes\n",
			dev.is_pci ? "PCI" : "platform",
			dev.is_pci ? "bus" : "physical", DMA_PAGES,
			dma.pagesz);
}

/* Page k (mod DMA_PAGES) of the buffer, and its DMA address in *addr. */
static unsigned char *dma_page(uint64_t k, uint64_t *addr)
{
	unsigned i = (unsigned)(k % DMA_PAGES);
	unsigned char *p = dma.buf + (size_t)i * dma.pagesz;
	uint64_t ent, phys;

	if (pread(dma.pagemap, &ent, 8,
		  (off_t)((uintptr_t)p / dma.pagesz * 8)) != 8)
		die(1, "/proc/self/pagemap: %s", strerror(errno));
	if (!(ent >> 63))
		die(1, "DMA buffer page %u is not present", i);
	phys = (ent & ((1ull << 55) - 1)) * dma.pagesz;
	if (!phys)
		die(1, "/proc/self/pagemap shows no page frame numbers (root "
		    "only)");
	*addr = phys;
	if (dev.is_pci && dma.nranges) {
		unsigned r;
		for (r = 0; r < dma.nranges; r++)
			if (phys >= dma.range[r].cpu &&
			    phys - dma.range[r].cpu + dma.pagesz <=
				    dma.range[r].size)
				break;
		if (r == dma.nranges)
			die(1, "physical address 0x%llx is outside the PCI "
			    "host bridge's inbound windows",
			    (unsigned long long)phys);
		*addr = phys - dma.range[r].cpu + dma.range[r].bus;
	}
	if (verbose && k < DMA_PAGES)
		fprintf(stderr, "glassctl: DMA page %u: physical 0x%llx, DMA "
			"address 0x%llx\n", i, (unsigned long long)phys,
			(unsigned long long)*addr);
	return p;
}

/* ---- calls ---- */

/* Run op with `in` (inlen bytes) in DATA first; STATUS back, RET in ret. */
static int64_t hc_call(uint64_t op, const uint64_t args[6], uint64_t ret[2],
		       const void *in, size_t inlen)
{
	if (dev.via == VIA_IOCTL) {
		memset(&ioc, 0, offsetof(struct glass_hc_ioc_call, data));
		ioc.op = op;
		memcpy(ioc.args, args, sizeof(ioc.args));
		ioc.data_len = inlen;
		if (inlen)
			memcpy(ioc.data, in, inlen);
		if (ioctl(dev.fd, GLASS_HC_IOC_CALL, &ioc) < 0)
			die(3, "%s: GLASS_HC_IOC_CALL: %s", GLASS_HC_DEVNODE,
			    strerror(errno));
		ret[0] = ioc.ret[0];
		ret[1] = ioc.ret[1];
		return ioc.status;
	}
	glass_hc_data_write(dev.ch, 0, in, inlen);
	return glass_hc_callv(dev.ch, op, args, ret);
}

/* DATA[0..len) after the last call */
static void hc_data(void *buf, size_t len)
{
	if (dev.via == VIA_IOCTL)
		memcpy(buf, ioc.data, len);
	else
		glass_hc_data_read(dev.ch, 0, buf, len);
}

static int64_t hc_simple(uint64_t op, uint64_t a0, uint64_t a1,
			 uint64_t ret[2])
{
	const uint64_t args[6] = { a0, a1 };
	uint64_t r[2];

	return hc_call(op, args, ret ? ret : r, NULL, 0);
}

static const char *status_name(int64_t st)
{
	switch (-st) {
	case GLASS_HC_ENOENT:
		return "ENOENT";
	case GLASS_HC_EIO:
		return "EIO";
	case GLASS_HC_EACCES:
		return "EACCES";
	case GLASS_HC_EFAULT:
		return "EFAULT";
	case GLASS_HC_EBUSY:
		return "EBUSY";
	case GLASS_HC_EINVAL:
		return "EINVAL";
	case GLASS_HC_ENOSYS:
		return "ENOSYS";
	default:
		return "error";
	}
}

/* 0 if st is 0, else print why and return 1 */
static int check(int64_t st, const char *what)
{
	if (st == 0)
		return 0;
	fprintf(stderr, "glassctl: %s: %s (%lld, %s)\n", what,
		status_name(st), (long long)st, strerror((int)-st));
	return 1;
}

/* check() for a DMA op at addr: says what -EFAULT likely means */
static int check_dma(int64_t st, const char *what, uint64_t addr)
{
	if (!check(st, what))
		return 0;
	if (st == -GLASS_HC_EFAULT)
		fprintf(stderr, "glassctl: the device refused DMA at %s "
			"address 0x%llx (%s)\n", dev.is_pci ? "bus" : "physical",
			(unsigned long long)addr, dev.is_pci ?
			"Bus Master off, or outside the host bridge's inbound "
			"window?" : "not guest RAM?");
	return 1;
}

/* ---- commands ---- */

static void print_features(uint64_t f)
{
	static const char *const groups[16] = {
		"ping", "exit/log", "roi/marker", "stats", "checkpoint",
		"host-files", "trace", NULL, "user", "user", "user", "user",
		"user", "user", "user", "user" };
	int user = 0;

	printf("features: 0x%llx (", (unsigned long long)f);
	const char *sep = "";
	for (int i = 0; i < 16; i++) {
		if (!(f & (1ull << i)) || !groups[i])
			continue;
		if (i >= 8) {
			if (user++)
				continue;
		}
		printf("%s%s", sep, groups[i]);
		sep = " ";
	}
	printf(")\n");
}

static int cmd_info(void)
{
	struct glass_hc_ioc_info info;
	uint64_t ret[2];

	if (dev.via == VIA_IOCTL || dev.via == VIA_MMAP) {
		if (ioctl(dev.fd, GLASS_HC_IOC_INFO, &info) < 0)
			die(3, "GLASS_HC_IOC_INFO: %s", strerror(errno));
	} else {
		info.magic = glass_hc_rd64(dev.win, GLASS_HC_MAGIC);
		info.version = glass_hc_rd64(dev.win, GLASS_HC_VERSION);
		info.features = glass_hc_rd64(dev.win, GLASS_HC_FEATURES);
		info.channels = glass_hc_rd64(dev.win, GLASS_HC_CHANNELS);
		info.channel = dev.chno;
		info.hartid = glass_hc_rd64(dev.win, GLASS_HC_HARTID);
		info.time_ns = glass_hc_rd64(dev.win, GLASS_HC_TIME_NS);
		info.instret = glass_hc_rd64(dev.win, GLASS_HC_INSTRET);
	}
	char magic[9];
	for (int i = 0; i < 8; i++) {
		char c = (char)(info.magic >> (8 * i));
		magic[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	magic[8] = 0;
	printf("glass hypercall device v%llu (magic %s)\n",
	       (unsigned long long)info.version, magic);
	printf("transport: %s\n", dev.where);
	printf("channel: %llu of %llu\n", (unsigned long long)info.channel,
	       (unsigned long long)info.channels);
	print_features(info.features);
	printf("hart: %llu\n", (unsigned long long)info.hartid);
	printf("time_ns: %llu\n", (unsigned long long)info.time_ns);
	printf("instret: %llu\n", (unsigned long long)info.instret);
	int64_t st = hc_simple(GLASS_HC_OP_PING, 41, 0, ret);
	if (check(st, "ping"))
		return 1;
	printf("ping: %s\n", ret[0] == 42 ? "ok" : "WRONG ANSWER");
	return ret[0] == 42 ? 0 : 1;
}

static int cmd_log(int argc, char **argv)
{
	size_t len = 0;
	char *text;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = malloc(len + 1);
	if (!text)
		die(1, "out of memory");
	text[0] = 0;
	for (int i = 0, at = 0; i < argc; i++)
		at += sprintf(text + at, "%s%s", i ? " " : "", argv[i]);
	len = strlen(text);
	/* longer texts go out in DATA-sized pieces */
	size_t off = 0;
	do {
		size_t n = len - off;
		if (n > GLASS_HC_DATA_SIZE)
			n = GLASS_HC_DATA_SIZE;
		const uint64_t args[6] = { n };
		uint64_t ret[2];
		if (check(hc_call(GLASS_HC_OP_LOG, args, ret, text + off, n),
			  "log")) {
			free(text);
			return 1;
		}
		off += n;
	} while (off < len);
	free(text);
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

static void write_all(int fd, const unsigned char *buf, size_t len,
		      const char *file)
{
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, buf + done, len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die(1, "%s: %s", file, strerror(errno));
		}
		done += (size_t)w;
	}
}

/* With --dma each op moves one page of the DMA buffer (ARG3 = its DMA
 * address); otherwise DATA-sized pieces. */
static int cmd_get(const char *host, const char *file)
{
	static unsigned char buf[GLASS_HC_DATA_SIZE];
	size_t nlen = strlen(host);
	size_t chunk = dma.on ? dma.pagesz : GLASS_HC_DATA_SIZE;
	uint64_t off = 0, ops = 0;
	int fd = -1, to_stdout = strcmp(file, "-") == 0;

	if (nlen == 0 || nlen > GLASS_HC_DATA_SIZE)
		die(2, "host file name must be 1..%d bytes", GLASS_HC_DATA_SIZE);
	for (;; ops++) {
		unsigned char *p = buf;
		uint64_t addr = 0;
		if (dma.on)
			p = dma_page(ops, &addr);
		const uint64_t args[6] = { nlen, off, chunk, addr };
		uint64_t ret[2];
		int64_t st = hc_call(GLASS_HC_OP_HOST_READ, args, ret, host,
				     nlen);
		if (check_dma(st, host, addr))
			return 1;
		if (ret[0] > chunk)
			die(1, "device returned %llu bytes",
			    (unsigned long long)ret[0]);
		/* the output is only created once the host file is known
		 * to be readable */
		if (fd < 0) {
			fd = to_stdout ? 1 : open(file, O_WRONLY | O_CREAT |
						  O_TRUNC | O_CLOEXEC, 0644);
			if (fd < 0)
				die(1, "%s: %s", file, strerror(errno));
		}
		if (ret[0] == 0)
			break;
		if (!dma.on)
			hc_data(buf, (size_t)ret[0]);
		write_all(fd, p, (size_t)ret[0], file);
		off += ret[0];
	}
	if (!to_stdout && close(fd) < 0)
		die(1, "%s: %s", file, strerror(errno));
	if (verbose || !to_stdout)
		fprintf(to_stdout ? stderr : stdout, "%s -> %s: %llu bytes%s\n",
			host, file, (unsigned long long)off,
			dma.on ? " by DMA" : "");
	return 0;
}

static int cmd_put(const char *file, const char *host)
{
	static unsigned char buf[GLASS_HC_DATA_SIZE];
	size_t nlen = strlen(host), chunk;
	uint64_t off = 0, ops = 0;
	int fd, from_stdin = strcmp(file, "-") == 0, first = 1;

	if (nlen == 0 || nlen >= GLASS_HC_DATA_SIZE)
		die(2, "host file name must be 1..%d bytes",
		    GLASS_HC_DATA_SIZE - 1);
	/* DATA holds the name, then (without DMA) the bytes */
	chunk = dma.on ? dma.pagesz : GLASS_HC_DATA_SIZE - nlen;
	fd = from_stdin ? 0 : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(1, "%s: %s", file, strerror(errno));
	memcpy(buf, host, nlen);
	for (;; ops++) {
		unsigned char *p = buf + nlen;
		uint64_t addr = 0;
		if (dma.on)
			p = dma_page(ops, &addr);
		/* fill a whole chunk (pipes deliver less at a time) */
		size_t n = 0;
		while (n < chunk) {
			ssize_t r = read(fd, p + n, chunk - n);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				die(1, "%s: %s", file, strerror(errno));
			}
			if (r == 0)
				break;
			n += (size_t)r;
		}
		if (n == 0 && !first)
			break;
		/* the first op truncates, so an empty file is put too */
		const uint64_t args[6] = { nlen, off, n, addr, first ? 1 : 0 };
		uint64_t ret[2];
		if (check_dma(hc_call(GLASS_HC_OP_HOST_WRITE, args, ret, buf,
				      dma.on ? nlen : nlen + n), host, addr))
			return 1;
		if (ret[0] != n)
			die(1, "%s: short write (%llu of %zu bytes)", host,
			    (unsigned long long)ret[0], n);
		off += n;
		first = 0;
		if (n < chunk)
			break;
	}
	if (!from_stdin)
		close(fd);
	printf("%s -> %s: %llu bytes%s\n", file, host, (unsigned long long)off,
	       dma.on ? " by DMA" : "");
	return 0;
}

static uint64_t parse_categories(const char *s)
{
	static const struct {
		const char *name;
		uint64_t bit;
	} cats[] = {
		{ "mmio", GLASS_HC_TRACE_MMIO },
		{ "pci-config", GLASS_HC_TRACE_PCI_CONFIG },
		{ "dma", GLASS_HC_TRACE_DMA },
		{ "irq", GLASS_HC_TRACE_IRQ },
		{ "pagewalk", GLASS_HC_TRACE_PAGEWALK },
		{ "hypercall", GLASS_HC_TRACE_HYPERCALL },
		{ "guest-error", GLASS_HC_TRACE_GUEST_ERROR },
		{ "all", GLASS_HC_TRACE_ALL },
	};
	uint64_t mask = 0;
	char *copy = strdup(s), *save = NULL;

	if (!copy)
		die(1, "out of memory");
	if (s[0] >= '0' && s[0] <= '9') {
		free(copy);
		return parse_u64(s, "category mask");
	}
	for (char *w = strtok_r(copy, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
			if (strcmp(w, cats[i].name) == 0)
				break;
		if (i == sizeof(cats) / sizeof(cats[0]))
			die(2, "unknown trace category '%s' (mmio, pci-config, "
			    "dma, irq, pagewalk, hypercall, guest-error, all)",
			    w);
		mask |= cats[i].bit;
	}
	free(copy);
	return mask;
}

static int run(int argc, char **argv)
{
	const char *c = argv[0];
	uint64_t ret[2];

	if (!strcmp(c, "info") && argc == 1)
		return cmd_info();
	if (!strcmp(c, "exit") && argc == 2) {
		uint64_t code = parse_u64(argv[1], "exit code");
		int64_t st = hc_simple(GLASS_HC_OP_EXIT, code, 0, ret);
		if (check(st, "exit"))
			return 1;
		/* glass stops at the doorbell; if we get here it did not */
		fprintf(stderr, "glassctl: exit: the machine is still running\n");
		return 1;
	}
	if (!strcmp(c, "log") && argc >= 2)
		return cmd_log(argc - 1, argv + 1);
	if (!strcmp(c, "marker") && argc == 2) {
		uint64_t id = parse_u64(argv[1], "marker id");
		if (check(hc_simple(GLASS_HC_OP_MARKER, id, 0, ret), "marker"))
			return 1;
		printf("marker %llu: instret %llu time_ns %llu\n",
		       (unsigned long long)id, (unsigned long long)ret[0],
		       (unsigned long long)ret[1]);
		return 0;
	}
	if (!strcmp(c, "roi") && argc == 3 &&
	    (!strcmp(argv[1], "begin") || !strcmp(argv[1], "end"))) {
		int begin = !strcmp(argv[1], "begin");
		uint64_t id = parse_u64(argv[2], "region id");
		if (check(hc_simple(begin ? GLASS_HC_OP_ROI_BEGIN
				    : GLASS_HC_OP_ROI_END, id, 0, ret),
			  begin ? "roi begin" : "roi end"))
			return 1;
		if (!begin)
			printf("roi %llu: %llu instructions\n",
			       (unsigned long long)id,
			       (unsigned long long)ret[0]);
		return 0;
	}
	if (!strcmp(c, "stats") && argc == 2 && !strcmp(argv[1], "reset"))
		return check(hc_simple(GLASS_HC_OP_STATS_RESET, 0, 0, ret),
			     "stats reset");
	if (!strcmp(c, "stats") && (argc == 2 || argc == 3) &&
	    !strcmp(argv[1], "dump")) {
		const char *name = argc == 3 ? argv[2] : "";
		size_t n = strlen(name);
		if (n > GLASS_HC_DATA_SIZE)
			die(2, "name too long");
		const uint64_t args[6] = { n };
		return check(hc_call(GLASS_HC_OP_STATS_DUMP, args, ret, name, n),
			     "stats dump");
	}
	if (!strcmp(c, "get") && (argc == 2 || argc == 3))
		return cmd_get(argv[1], argc == 3 ? argv[2] : base_name(argv[1]));
	if (!strcmp(c, "put") && (argc == 2 || argc == 3)) {
		if (argc == 2 && !strcmp(argv[1], "-"))
			die(2, "put - needs a HOSTFILE");
		return cmd_put(argv[1], argc == 3 ? argv[2] : base_name(argv[1]));
	}
	if (!strcmp(c, "trace") && argc == 3 &&
	    (!strcmp(argv[2], "on") || !strcmp(argv[2], "off"))) {
		uint64_t mask = parse_categories(argv[1]);
		int on = !strcmp(argv[2], "on");
		if (check(hc_simple(GLASS_HC_OP_TRACE, mask, (uint64_t)on, ret),
			  "trace"))
			return 1;
		printf("trace: 0x%llx -> %s 0x%llx (was 0x%llx)\n",
		       (unsigned long long)mask, on ? "on" : "off",
		       (unsigned long long)mask, (unsigned long long)ret[0]);
		return 0;
	}
	if (!strcmp(c, "checkpoint") && (argc == 2 ||
	    (argc == 3 && !strcmp(argv[2], "exit")))) {
		/* the same length and alignment, picked without a branch: the
		 * saving run and a run restored from the file execute the
		 * same instructions from here on (tests/snapshot compares
		 * them), differing only in the letters printed */
		static const char what[2][8] __attribute__((aligned(8))) = {
			"written", "resumed",
		};
		size_t n = strlen(argv[1]);
		if (n == 0 || n > GLASS_HC_DATA_SIZE)
			die(2, "bad checkpoint name");
		const uint64_t args[6] = { n, argc == 3 };
		if (check(hc_call(GLASS_HC_OP_CHECKPOINT, args, ret, argv[1], n),
			  "checkpoint"))
			return 1;
		printf("checkpoint %s: %s\n", argv[1], what[ret[0] == 1]);
		return 0;
	}
	usage();
	return 2;
}

int main(int argc, char **argv)
{
	enum via via = VIA_AUTO;
	int have_addr = 0, prefer_map = 0, i;
	uint64_t addr = 0;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "--")) {
			i++;
			break;
		} else if (!strcmp(o, "-v")) {
			verbose = 1;
		} else if (!strcmp(o, "--mmap")) {
			prefer_map = 1;
		} else if (!strcmp(o, "--dma")) {
			dma.on = 1;
		} else if (!strcmp(o, "--via") && i + 1 < argc) {
			const char *v = argv[++i];
			int k;
			for (k = 1; k <= VIA_DEVMEM; k++)
				if (!strcmp(v, via_names[k]))
					break;
			if (k > VIA_DEVMEM)
				die(2, "--via takes ioctl, mmap, sysfs or devmem");
			via = (enum via)k;
		} else if (!strcmp(o, "--addr") && i + 1 < argc) {
			addr = parse_u64(argv[++i], "address");
			if (addr & (GLASS_HC_PAGE_SIZE - 1))
				die(2, "--addr must be page aligned");
			have_addr = 1;
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage();
		} else {
			die(2, "unknown option %s (try --help)", o);
		}
	}
	if (i >= argc)
		usage();
	if (dma.on) {
		if (strcmp(argv[i], "get") != 0 && strcmp(argv[i], "put") != 0)
			die(2, "--dma goes with get and put");
		/* physical addresses: /proc/self/pagemap shows them to root */
		if (geteuid() != 0)
			die(3, "--dma needs root");
	}
	if (prefer_map && via == VIA_AUTO &&
	    access(GLASS_HC_DEVNODE, F_OK) == 0)
		via = VIA_MMAP;
	open_device(via, have_addr, addr, prefer_map);
	if (dma.on)
		dma_setup();
	int rc = run(argc - i, argv + i);
	fflush(stdout);
	restore_master();
	release_channel();
	return rc;
}
