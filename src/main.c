/* glass command line: QEMU's option names where QEMU has one. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/boot.h"
#include "machine/devices.h"
#include "machine/machine.h"

#define DEFAULT_RAM (256ull << 20)
#define MIN_RAM (16ull << 20)

static const char usage_text[] =
"usage: glass [options]\n"
"\n"
"  -M virt[,pci-bus-offset=N]\n"
"                        machine type (only `virt`); pci-bus-offset makes the\n"
"                        host bridge translate: PCI bus address = CPU address - N\n"
"                        for both memory windows and DMA (default 0: identity)\n"
"  -m SIZE               guest RAM, e.g. 256M, 1G (default 256M; suffix K M G)\n"
"  -smp N                number of harts, 1..8 (default 1)\n"
"  -bios FILE|none       M-mode firmware (default: Debian's OpenSBI fw_dynamic.bin);\n"
"                        none runs -kernel directly in M mode\n"
"  -kernel FILE          Linux Image or RV64 ELF; with -bios none an ELF\n"
"                        that defines `tohost` talks HTIF and sets the exit code\n"
"  -initrd FILE          initial RAM disk\n"
"  -append CMDLINE       kernel command line\n"
"  -dtb FILE             use this device tree instead of the generated one\n"
"  -dumpdtb FILE         write the generated device tree and exit\n"
"  -device NAME[,PROP=VALUE...]\n"
"                        add a device: edu, glass-hypercall (-device help)\n"
"  -monitor stdio        start with the monitor on the console (Ctrl-A c\n"
"                        switches between monitor and serial console)\n"
"  -nographic            accepted for QEMU compatibility (glass has no display)\n"
"\n"
"See-through:\n"
"  --trace CATEGORIES    trace events: mmio,pci-config,dma,irq,pagewalk,\n"
"                        hypercall,guest-error or all (comma-separated)\n"
"  --trace-file FILE     write the trace to FILE (default: stderr)\n"
"  --trace-format FMT    text (default), json (one object per line), or\n"
"                        chrome (trace-event JSON for ui.perfetto.dev)\n"
"  --trace-filter F      only events matching device=NAME, addr=LO-HI, hart=N\n"
"  --share DIR           directory the guest may read and write through the\n"
"                        hypercall device (HOST_READ/HOST_WRITE)\n"
"  --stats FILE          write statistics at exit and on hypercall STATS_DUMP\n"
"                        (JSON if FILE ends in .json, text otherwise)\n"
"\n"
"  -h, --help            this text\n"
"  --version             print the version\n"
"\n"
"Console: the guest's UART is on stdin/stdout. Ctrl-A x quits, Ctrl-A c\n"
"switches to the monitor (info mtree, info pci, info tlb, ...), Ctrl-A h helps.\n"
"Exit status: 0 on guest poweroff, the guest's code on a failing finisher or\n"
"HTIF exit, 1 on a glass error.\n";

static int fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "glass: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see glass --help)\n");
	return -1;
}

/* "256M", "1G", "1048576": bytes; -1 on bad syntax. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mul = 1ull << 20; /* a bare number means MiB, as in QEMU */

	if (end == s || errno || s[0] == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	case 'b': case 'B': mul = 1; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* Options that take a value (all of glass's, but the flags handled before). */
static bool takes_value(const char *o)
{
	static const char *const opts[] = {
		"-M", "-machine", "-m", "-smp", "-bios", "-kernel", "-initrd",
		"-append", "-dtb", "-dumpdtb", "-device", "-monitor", "--trace",
		"--trace-file", "--trace-format", "--trace-filter", "--share",
		"--stats", NULL,
	};
	for (const char *const *p = opts; *p; p++)
		if (!strcmp(o, *p))
			return true;
	return false;
}

/* "virt" or "virt,pci-bus-offset=N" */
static int parse_machine(const char *v, struct machine_config *cfg)
{
	const char *opts = strchr(v, ',');
	size_t n = opts ? (size_t)(opts - v) : strlen(v);
	uint64_t off;

	if (n != 4 || strncmp(v, "virt", 4))
		return fail("unknown machine '%s' (only 'virt')", v);
	if (!opts)
		return 0;
	static const char *const known[] = { "pci-bus-offset", NULL };
	if (props_check("-M virt", opts + 1, known) < 0)
		return -1;
	int r = prop_u64("-M virt", opts + 1, "pci-bus-offset", &off);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (off & 0xfffff || off > 0x40000000)
			return fail("pci-bus-offset '%s' must be a multiple of 1 MiB, "
				    "at most 0x40000000", opts + 1);
		cfg->pci_bus_offset = off;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct machine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ram_size = DEFAULT_RAM;
	cfg->nharts = 1;
	cfg->trace_filter.hart = -1;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "-h") || !strcmp(o, "--help") || !strcmp(o, "-help")) {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (!strcmp(o, "--version") || !strcmp(o, "-version")) {
			printf("glass %s\n", GLASS_VERSION);
			exit(0);
		}
		if (!strcmp(o, "-nographic"))
			continue;
		if (o[0] != '-')
			return fail("unexpected argument '%s'", o);
		if (!takes_value(o))
			return fail("unknown option '%s'", o);
		if (i + 1 >= argc)
			return fail("option %s needs a value", o);
		const char *v = argv[++i];
		if (!strcmp(o, "-M") || !strcmp(o, "-machine")) {
			if (parse_machine(v, cfg) < 0)
				return -1;
		} else if (!strcmp(o, "-device")) {
			if (!strcmp(v, "help") || !strcmp(v, "?")) {
				printf("Devices:\n");
				device_types_print();
				exit(0);
			}
			if (cfg->ndevices == MAX_DEVICES)
				return fail("too many -device options (at most %s)",
					    "16");
			cfg->devices[cfg->ndevices++] = v;
		} else if (!strcmp(o, "-m")) {
			if (parse_size(v, &cfg->ram_size) < 0)
				return fail("bad memory size '%s' (try 256M or 1G)", v);
			if (cfg->ram_size < MIN_RAM || cfg->ram_size > (14ull << 30) ||
			    (cfg->ram_size & 0xfff))
				return fail("memory size '%s' out of range (16M..14G, "
					    "a multiple of 4K)", v);
		} else if (!strcmp(o, "-smp")) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > MAX_HARTS)
				return fail("bad -smp '%s' (1..8 harts)", v);
			cfg->nharts = n;
		} else if (!strcmp(o, "-bios")) {
			cfg->bios = strcmp(v, "default") ? v : NULL;
		} else if (!strcmp(o, "-kernel")) {
			cfg->kernel = v;
		} else if (!strcmp(o, "-initrd")) {
			cfg->initrd = v;
		} else if (!strcmp(o, "-append")) {
			cfg->append = v;
		} else if (!strcmp(o, "-dtb")) {
			cfg->dtb = v;
		} else if (!strcmp(o, "-dumpdtb")) {
			cfg->dumpdtb = v;
		} else if (!strcmp(o, "--trace")) {
			if (trace_parse_categories(v, &cfg->trace_mask) < 0)
				return -1;
		} else if (!strcmp(o, "--trace-file")) {
			cfg->trace_file = v;
		} else if (!strcmp(o, "--trace-format")) {
			if (trace_parse_format(v, &cfg->trace_format) < 0)
				return -1;
		} else if (!strcmp(o, "--trace-filter")) {
			if (trace_parse_filter(v, &cfg->trace_filter) < 0)
				return -1;
		} else if (!strcmp(o, "-monitor")) {
			if (strcmp(v, "stdio"))
				return fail("-monitor '%s': only 'stdio' is supported", v);
			cfg->monitor_stdio = true;
		} else if (!strcmp(o, "--share")) {
			cfg->share_dir = v;
		} else if (!strcmp(o, "--stats")) {
			cfg->stats_file = v;
		} else {
			/* takes_value() and this chain list the same options */
			return fail("unknown option '%s'", o);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct machine_config cfg;
	static struct machine m; /* large: keep it off the stack */

	if (parse_args(argc, argv, &cfg) < 0)
		return 1;
	if (machine_init(&m, &cfg) < 0) {
		machine_destroy(&m);
		return 1;
	}
	if (cfg.dumpdtb) {
		int rc = boot_dump_dtb(&m, cfg.dumpdtb);
		machine_destroy(&m);
		return rc < 0 ? 1 : 0;
	}
	int code = machine_run(&m);
	machine_destroy(&m);
	return code;
}
