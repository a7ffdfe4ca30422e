/* The options themselves: the table and one handler per option. QEMU's
 * option names where QEMU has one. How the table is read is in parse.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "cli/kv.h"
#include "cpu/jit/jit.h"
#include "machine/classes.h"
#include "machine/icount.h"
#include "machine/machine.h"

#define DEFAULT_RAM (256ull << 20)
#define MIN_RAM (16ull << 20)
#define MAX_RAM (14ull << 30) /* RAM ends below the 64-bit PCIe window */
#define DEFAULT_TB_SIZE (64ull << 20)

void cli_defaults(struct machine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ram_size = DEFAULT_RAM;
	cfg->nharts = 1;
	cfg->trace_filter.hart = -1;
	/* the JIT where the host has one, unless GLASS_JIT=0: the test
	 * suite runs everything in both modes this way */
	const char *env = getenv("GLASS_JIT");
	cfg->jit = jit_available() && !(env && !strcmp(env, "0"));
	cfg->tb_size = DEFAULT_TB_SIZE;
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

/* Handlers: CLI_RUN when the value is good; otherwise one line, naming the
 * value, through cli_fail() or the parser of the layer that owns it. */

/* "virt" or "virt,pci-bus-offset=N" */
static enum cli_result opt_machine(struct machine_config *cfg, const char *v)
{
	static const char *const known[] = { "pci-bus-offset", NULL };
	const char *opts = strchr(v, ',');
	size_t n = opts ? (size_t)(opts - v) : strlen(v);
	uint64_t off;

	if (n != 4 || strncmp(v, "virt", 4))
		return cli_fail("unknown machine '%s' (only 'virt')", v);
	if (!opts)
		return CLI_RUN;
	if (kv_check("-M virt", opts + 1, known) < 0)
		return CLI_ERROR;
	int r = kv_u64("-M virt", opts + 1, "pci-bus-offset", &off);
	if (r < 0)
		return CLI_ERROR;
	if (r > 0) {
		if (off & 0xfffff || off > 0x40000000)
			return cli_fail("pci-bus-offset '%s' must be a "
					"multiple of 1 MiB, at most 0x40000000",
					opts + 1);
		cfg->pci_bus_offset = off;
	}
	return CLI_RUN;
}

static enum cli_result opt_ram(struct machine_config *cfg, const char *v)
{
	if (parse_size(v, &cfg->ram_size) < 0)
		return cli_fail("bad memory size '%s' (try 256M or 1G)", v);
	if (cfg->ram_size < MIN_RAM || cfg->ram_size > MAX_RAM ||
	    (cfg->ram_size & 0xfff))
		return cli_fail("memory size '%s' out of range (16M..14G, "
				"a multiple of 4K)", v);
	return CLI_RUN;
}

static enum cli_result opt_smp(struct machine_config *cfg, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || n < 1 || n > MAX_HARTS)
		return cli_fail("bad -smp '%s' (1..%d harts)", v, MAX_HARTS);
	cfg->nharts = n;
	return CLI_RUN;
}

/* "on"/"off", or QEMU's other spellings of a boolean; -1 otherwise */
static int parse_bool(const char *v, size_t n)
{
	static const char *const yes[] = { "on", "yes", "true", NULL };
	static const char *const no[] = { "off", "no", "false", NULL };

	for (unsigned i = 0; yes[i]; i++) {
		if (strlen(yes[i]) == n && !strncmp(v, yes[i], n))
			return 1;
		if (strlen(no[i]) == n && !strncmp(v, no[i], n))
			return 0;
	}
	return -1;
}

/* "tcg[,jit=on|off][,tb-size=MiB]": QEMU's accelerator name and tb-size */
static enum cli_result opt_accel(struct machine_config *cfg, const char *v)
{
	static const char *const known[] = { "jit", "tb-size", NULL };
	const char *p = strchr(v, ',');
	size_t n = p ? (size_t)(p - v) : strlen(v);
	uint64_t mib;

	if (n != 3 || strncmp(v, "tcg", 3))
		return cli_fail("unknown accelerator '%s' (only 'tcg')", v);
	if (!p)
		return CLI_RUN;
	if (kv_check("-accel tcg", p + 1, known) < 0)
		return CLI_ERROR;
	int r = kv_u64("-accel tcg", p + 1, "tb-size", &mib);
	if (r < 0)
		return CLI_ERROR;
	if (r > 0 && (mib < 1 || mib > 4096))
		return cli_fail("-accel '%s': tb-size out of range (1..4096 MiB)",
				v);
	if (r > 0)
		cfg->tb_size = mib << 20;
	for (const char *q = p; q; q = strchr(q + 1, ',')) {
		if (strncmp(q + 1, "jit=", 4))
			continue;
		int on = parse_bool(q + 5, strcspn(q + 5, ","));
		if (on < 0)
			return cli_fail("-accel '%s': jit takes on or off", v);
		if (on && !jit_available())
			return cli_fail("-accel '%s': the JIT needs an x86-64 "
					"host (jit=off interprets)", v);
		cfg->jit = on;
	}
	return CLI_RUN;
}

static enum cli_result opt_bios(struct machine_config *cfg, const char *v)
{
	/* "default" is QEMU's name for what no -bios gives */
	cfg->bios = strcmp(v, "default") ? v : NULL;
	return CLI_RUN;
}

/* Options whose value is a file or text the machine uses as it is (a
 * missing file is found, and named, when the machine is built). */
static enum cli_result opt_kernel(struct machine_config *cfg, const char *v)
{
	cfg->kernel = v;
	return CLI_RUN;
}

static enum cli_result opt_initrd(struct machine_config *cfg, const char *v)
{
	cfg->initrd = v;
	return CLI_RUN;
}

static enum cli_result opt_append(struct machine_config *cfg, const char *v)
{
	cfg->append = v;
	return CLI_RUN;
}

static enum cli_result opt_dtb(struct machine_config *cfg, const char *v)
{
	cfg->dtb = v;
	return CLI_RUN;
}

static enum cli_result opt_dumpdtb(struct machine_config *cfg, const char *v)
{
	cfg->dumpdtb = v;
	return CLI_RUN;
}

/* The class and its properties are checked when the machine creates the
 * device (machine_add_device). */
static enum cli_result opt_device(struct machine_config *cfg, const char *v)
{
	size_t n = strlen(v);

	if (!strcmp(v, "help") || !strcmp(v, "?")) {
		machine_classes_print(stdout);
		return CLI_DONE;
	}
	if (n > 5 && !strcmp(v + n - 5, ",help"))
		return machine_class_help(v, stdout) < 0 ? CLI_ERROR : CLI_DONE;
	if (cfg->ndevices == MAX_DEVICES)
		return cli_fail("too many -device options (at most %d)",
				MAX_DEVICES);
	cfg->devices[cfg->ndevices++] = v;
	return CLI_RUN;
}

/* -drive and -netdev are checked and opened when the machine is built
 * (machine/backends.c): a bad value is one line then. */
static enum cli_result opt_drive(struct machine_config *cfg, const char *v)
{
	if (cfg->ndrives == MAX_DRIVES)
		return cli_fail("too many -drive options (at most %d)",
				MAX_DRIVES);
	cfg->drives[cfg->ndrives++] = v;
	return CLI_RUN;
}

static enum cli_result opt_snapshot(struct machine_config *cfg,
				    const char *v)
{
	cfg->snapshot = true;
	return CLI_RUN;
}

static enum cli_result opt_netdev(struct machine_config *cfg, const char *v)
{
	if (cfg->nnetdevs == MAX_NETDEVS)
		return cli_fail("too many -netdev options (at most %d)",
				MAX_NETDEVS);
	cfg->netdevs[cfg->nnetdevs++] = v;
	return CLI_RUN;
}

static enum cli_result opt_chardev(struct machine_config *cfg, const char *v)
{
	if (cfg->nchardevs == MAX_CHARDEVS)
		return cli_fail("too many -chardev options (at most %d)",
				MAX_CHARDEVS);
	cfg->chardevs[cfg->nchardevs++] = v;
	return CLI_RUN;
}

static enum cli_result opt_share(struct machine_config *cfg, const char *v)
{
	cfg->share_dir = v;
	return CLI_RUN;
}

static enum cli_result opt_monitor(struct machine_config *cfg, const char *v)
{
	if (strcmp(v, "stdio"))
		return cli_fail("-monitor '%s': only 'stdio' is supported", v);
	cfg->monitor_stdio = true;
	return CLI_RUN;
}

/* QEMU users type it out of habit; glass never has a display to turn off. */
static enum cli_result opt_nographic(struct machine_config *cfg,
				     const char *v)
{
	return CLI_RUN;
}

static enum cli_result opt_trace(struct machine_config *cfg, const char *v)
{
	return trace_parse_categories(v, &cfg->trace_mask) < 0 ? CLI_ERROR :
								  CLI_RUN;
}

static enum cli_result opt_trace_file(struct machine_config *cfg,
				      const char *v)
{
	cfg->trace_file = v;
	return CLI_RUN;
}

static enum cli_result opt_trace_format(struct machine_config *cfg,
					const char *v)
{
	return trace_parse_format(v, &cfg->trace_format) < 0 ? CLI_ERROR :
								CLI_RUN;
}

static enum cli_result opt_trace_filter(struct machine_config *cfg,
					const char *v)
{
	return trace_parse_filter(v, &cfg->trace_filter) < 0 ? CLI_ERROR :
								CLI_RUN;
}

static enum cli_result opt_stats(struct machine_config *cfg, const char *v)
{
	cfg->stats_file = v;
	return CLI_RUN;
}

/* -gdb DEV: the form is checked here, the socket made at run time. */
static enum cli_result opt_gdb(struct machine_config *cfg, const char *v)
{
	if (!strcmp(v, "none")) {
		cfg->gdb_dev = NULL;
		return CLI_RUN;
	}
	if (strncmp(v, "tcp:", 4) && strncmp(v, "unix:", 5) && v[0] != ':' &&
	    (v[0] < '0' || v[0] > '9'))
		return cli_fail("bad -gdb '%s' (tcp:[HOST]:PORT, :PORT, "
				"unix:PATH or none)", v);
	cfg->gdb_dev = v;
	return CLI_RUN;
}

/* -s: QEMU's shorthand, on loopback (docs/gdb.md says why). */
static enum cli_result opt_gdb_default(struct machine_config *cfg,
				       const char *v)
{
	cfg->gdb_dev = "tcp:127.0.0.1:1234";
	return CLI_RUN;
}

static enum cli_result opt_start_paused(struct machine_config *cfg,
					const char *v)
{
	cfg->start_paused = true;
	return CLI_RUN;
}

/* "shift=N", "shift=auto", or QEMU's short forms "N" and "auto";
 * sleep=off is what glass does anyway (sleep=on would read the host). */
static enum cli_result opt_icount(struct machine_config *cfg, const char *v)
{
	static const char *const known[] = { "shift", "sleep", NULL };
	const char *shift = v, *sleep = NULL;
	char buf[64];
	char *end;

	if (strchr(v, '=')) {
		size_t n;
		if (kv_check("-icount", v, known) < 0)
			return CLI_ERROR;
		shift = kv_find(v, "shift", &n);
		snprintf(buf, sizeof(buf), "%.*s", shift ? (int)n : 4,
			 shift ? shift : "auto");
		shift = buf;
		sleep = kv_find(v, "sleep", &n);
		if (sleep && (n != 3 || strncmp(sleep, "off", 3)))
			return cli_fail("-icount '%s': only sleep=off (an idle "
					"machine jumps to its next timer)", v);
	}
	if (!strcmp(shift, "auto")) {
		cfg->icount_shift = ICOUNT_AUTO_SHIFT;
	} else {
		long n = strtol(shift, &end, 10);
		if (!*shift || *end || n < 0 || n > ICOUNT_MAX_SHIFT)
			return cli_fail("bad -icount '%s' (shift=N with N "
					"0..%d, or shift=auto)", v,
					ICOUNT_MAX_SHIFT);
		cfg->icount_shift = (unsigned)n;
	}
	cfg->icount = true;
	return CLI_RUN;
}

static enum cli_result opt_loadvm(struct machine_config *cfg, const char *v)
{
	cfg->loadvm = v;
	return CLI_RUN;
}

static enum cli_result opt_checkpoint_dir(struct machine_config *cfg,
					  const char *v)
{
	cfg->checkpoint_dir = v;
	return CLI_RUN;
}

static enum cli_result opt_record(struct machine_config *cfg, const char *v)
{
	cfg->record = v;
	if (cfg->replay)
		return cli_fail("--record and --replay: one or the other");
	return CLI_RUN;
}

static enum cli_result opt_replay(struct machine_config *cfg, const char *v)
{
	cfg->replay = v;
	if (cfg->record)
		return cli_fail("--record and --replay: one or the other");
	return CLI_RUN;
}

static enum cli_result opt_help(struct machine_config *cfg, const char *v)
{
	cli_print_help(stdout);
	return CLI_DONE;
}

static enum cli_result opt_version(struct machine_config *cfg, const char *v)
{
	printf("glass %s\n", GLASS_VERSION);
	return CLI_DONE;
}

static enum cli_result opt_list(struct machine_config *cfg, const char *v)
{
	cli_print_list(stdout);
	return CLI_DONE;
}

/* clang-format off: one row per option reads better than what it makes */
const struct cli_option cli_options[] = {
	{ { "-M", "-machine" }, "virt[,pci-bus-offset=N]", CLI_MACHINE,
	  "machine type (only `virt`); pci-bus-offset makes the host bridge "
	  "translate: PCI bus address = CPU address minus N, for both memory "
	  "windows and DMA (default 0: identity)", opt_machine },
	{ { "-m" }, "SIZE", CLI_MACHINE,
	  "guest RAM, e.g. 256M, 1G (default 256M; suffix K M G)", opt_ram },
	{ { "-smp" }, "N", CLI_MACHINE,
	  "number of harts, 1..8 (default 1)", opt_smp },
	{ { "-accel" }, "tcg[,jit=on|off][,tb-size=MiB]", CLI_MACHINE,
	  "jit=on (the default on x86-64 hosts) translates guest code to "
	  "host code, jit=off interprets it; tb-size bounds the translated "
	  "code, shared by the harts (default 64 MiB). GLASS_JIT=0 or 1 in "
	  "the environment sets the default", opt_accel },

	{ { "-bios" }, "FILE|none", CLI_BOOT,
	  "M-mode firmware (default: Debian's OpenSBI fw_dynamic.bin); none "
	  "runs -kernel directly in M mode", opt_bios },
	{ { "-kernel" }, "FILE", CLI_BOOT,
	  "Linux Image or RV64 ELF; with -bios none an ELF that defines "
	  "`tohost` talks HTIF and sets the exit code", opt_kernel },
	{ { "-initrd" }, "FILE", CLI_BOOT, "initial RAM disk", opt_initrd },
	{ { "-append" }, "CMDLINE", CLI_BOOT, "kernel command line",
	  opt_append },
	{ { "-dtb" }, "FILE", CLI_BOOT,
	  "use this device tree instead of the generated one", opt_dtb },
	{ { "-dumpdtb" }, "FILE", CLI_BOOT,
	  "write the generated device tree and exit", opt_dumpdtb },

	{ { "-device" }, "NAME[,PROP=VALUE...]", CLI_DEVICES,
	  "add a device (-device help lists them)", opt_device },
	{ { "-drive" },
	  "file=IMAGE[,if=virtio|none][,id=ID][,readonly=on][,snapshot=on]",
	  CLI_DEVICES,
	  "a raw disk image (format=raw): if=virtio (the default) adds a "
	  "virtio-blk-pci for it, if=none leaves it to -device "
	  "virtio-blk-pci,drive=ID or virtio-blk-device,drive=ID; the image "
	  "is locked against a second writer; snapshot=on as -snapshot, for "
	  "this drive", opt_drive },
	{ { "-snapshot" }, NULL, CLI_DEVICES,
	  "never write the disk images: every drive's writes go to a "
	  "temporary overlay, deleted when glass ends (the images are opened "
	  "read-only, shared with other readers); a savevm or CHECKPOINT "
	  "carries the overlay's contents", opt_snapshot },
	{ { "-netdev" }, "user,id=ID[,hostfwd=tcp:ADDR:PORT-:PORT]",
	  CLI_DEVICES,
	  "user-mode networking (libslirp) for -device virtio-net-pci,netdev=ID "
	  "or virtio-net-device,netdev=ID: DHCP, the host's loopback at "
	  "10.0.2.2, hostfwd forwards a host port to the guest (repeatable)",
	  opt_netdev },
	{ { "-chardev" }, "file,id=ID,path=OUT[,input-path=IN]", CLI_DEVICES,
	  "a character backend for -device virtio-serial-pci,chardev=ID (or "
	  "virtio-serial-device; the guest's /dev/hvc0): what the guest "
	  "writes goes to OUT, the bytes of IN are its input", opt_chardev },
	{ { "--share" }, "DIR", CLI_DEVICES,
	  "directory the guest may read and write through the hypercall "
	  "device (HOST_READ/HOST_WRITE)", opt_share },

	{ { "-icount" }, "shift=N|auto", CLI_DETERMINISM,
	  "deterministic time: every instruction is 2^N ns of virtual time "
	  "(auto: N = 1), an idle machine jumps to its next timer, and "
	  "nothing the guest sees comes from the host clock; two runs with "
	  "the same input are alike to the instruction", opt_icount },
	{ { "--record" }, "FILE", CLI_DETERMINISM,
	  "with -icount: write the console input (and when it came, in "
	  "instructions) to FILE", opt_record },
	{ { "--replay" }, "FILE", CLI_DETERMINISM,
	  "with -icount: feed the input recorded in FILE at the same points, "
	  "instead of the host's", opt_replay },
	{ { "-loadvm" }, "FILE", CLI_DETERMINISM,
	  "start from the snapshot in FILE (made by the monitor's savevm or "
	  "a CHECKPOINT), on a machine with the same -m, -smp and devices",
	  opt_loadvm },
	{ { "--checkpoint-dir" }, "DIR", CLI_DETERMINISM,
	  "where the guest's CHECKPOINT hypercall saves snapshots (DIR/NAME; "
	  "without it CHECKPOINT fails with -EACCES)", opt_checkpoint_dir },

	{ { "-monitor" }, "stdio", CLI_CONSOLE,
	  "start with the monitor on the console (Ctrl-A c switches between "
	  "monitor and serial console)", opt_monitor },
	{ { "-nographic" }, NULL, CLI_CONSOLE,
	  "accepted for QEMU compatibility (glass has no display)",
	  opt_nographic },

	{ { "--trace" }, "CATEGORIES", CLI_SEE_THROUGH,
	  "trace events: mmio, pci-config, dma, irq, pagewalk, hypercall, "
	  "guest-error, virtio or all (comma-separated)", opt_trace },
	{ { "--trace-file" }, "FILE", CLI_SEE_THROUGH,
	  "write the trace to FILE (default: stderr)", opt_trace_file },
	{ { "--trace-format" }, "FMT", CLI_SEE_THROUGH,
	  "text (default), json (one object per line), or chrome "
	  "(trace-event JSON for ui.perfetto.dev)", opt_trace_format },
	{ { "--trace-filter" }, "F", CLI_SEE_THROUGH,
	  "only events matching device=NAME, addr=LO-HI, hart=N",
	  opt_trace_filter },
	{ { "--stats" }, "FILE", CLI_SEE_THROUGH,
	  "write statistics at exit and on hypercall STATS_DUMP (JSON if "
	  "FILE ends in .json, text otherwise)", opt_stats },

	{ { "-gdb" }, "DEV", CLI_DEBUG,
	  "wait for GDB on DEV: tcp:[HOST]:PORT (HOST defaults to 127.0.0.1, "
	  "unlike QEMU), :PORT or unix:PATH", opt_gdb },
	{ { "-s" }, NULL, CLI_DEBUG,
	  "shorthand for -gdb tcp:127.0.0.1:1234", opt_gdb_default },
	{ { "-S" }, NULL, CLI_DEBUG,
	  "start with the harts stopped: a debugger (or the monitor's cont) "
	  "starts them", opt_start_paused },

	{ { "-h", "--help" }, NULL, CLI_INFO, "this text", opt_help },
	{ { "--version" }, NULL, CLI_INFO, "print the version", opt_version },

	{ { "--list-options" }, NULL, CLI_HIDDEN,
	  "every spelling, one a line (tests/cli/run.sh)", opt_list },
	{ .names = { NULL } } /* the end */
};
/* clang-format on */

const char *const cli_group_titles[CLI_NGROUPS] = {
	[CLI_MACHINE] = "Machine",
	[CLI_BOOT] = "Boot",
	[CLI_DEVICES] = "Devices",
	[CLI_DETERMINISM] = "Deterministic runs and snapshots",
	[CLI_CONSOLE] = "Display and monitor",
	[CLI_SEE_THROUGH] = "See-through",
	[CLI_DEBUG] = "Debugging",
	[CLI_INFO] = "Information",
};

const char cli_help_head[] =
"usage: glass [options]\n";

const char cli_help_tail[] =
"\n"
"Every option takes one dash or two, as in QEMU: -m 1G, --m 1G.\n"
"\n"
"Console: the guest's UART is on stdin/stdout. Ctrl-A x quits, Ctrl-A c\n"
"switches to the monitor (info mtree, info pci, info tlb, ...), Ctrl-A h helps.\n"
"Exit status: 0 on guest poweroff, the guest's code on a failing finisher or\n"
"HTIF exit, 1 on a glass error.\n";
