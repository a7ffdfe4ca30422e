/* The command-line table (src/cli/): its rows are well formed, every
 * spelling takes one dash or two, values land in machine_config, and
 * --help shows every shown row within 79 columns. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "cpu/jit/jit.h"
#include "harness.h"
#include "machine/machine.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

TEST(cli_table_rows_complete)
{
	for (const struct cli_option *o = cli_options; o->names[0]; o++) {
		CHECK(o->names[0][0] == '-');
		CHECK(o->help && *o->help);
		CHECK(o->apply != NULL);
		CHECK(o->group < CLI_NGROUPS);
		if (o->group != CLI_HIDDEN)
			CHECK(cli_group_titles[o->group] != NULL);
	}
}

/* Two rows answering to the same word (dashes aside) would make the later
 * one unreachable: cli_find() returns the first. */
TEST(cli_spellings_unique_without_dashes)
{
	for (const struct cli_option *o = cli_options; o->names[0]; o++)
		for (int i = 0; i < CLI_MAX_NAMES && o->names[i]; i++)
			CHECK(cli_find(o->names[i]) == o);
}

TEST(cli_one_or_two_dashes)
{
	const struct cli_option *m = cli_find("-m");

	CHECK(m != NULL);
	CHECK(cli_find("--m") == m);
	CHECK(cli_find("-trace") == cli_find("--trace"));
	CHECK(cli_find("-trace") != NULL);
	CHECK(cli_find("--machine") == cli_find("-M"));
	CHECK(cli_find("-help") == cli_find("-h"));
	CHECK(cli_find("---m") == NULL);
	CHECK(cli_find("m") == NULL);
	CHECK(cli_find("-") == NULL);
	CHECK(cli_find("--") == NULL);
	CHECK(cli_find("-mm") == NULL);
}

TEST(cli_parse_values)
{
	char *argv[] = {
		"glass", "--m", "1G", "-trace", "mmio,irq",
		"-machine", "virt,pci-bus-offset=0x100000", "--smp", "4",
		"-nographic", "-device", "edu", "--device", "glass-hypercall",
		"-kernel", "k.elf", "-bios", "none", "--share", "/tmp",
		"-monitor", "stdio", "-trace-format", "json", "-m", "2G",
	};
	struct machine_config cfg;

	CHECK_EQ(cli_parse(ARGC(argv), argv, &cfg), CLI_RUN);
	CHECK_EQ(cfg.ram_size, 2ull << 30); /* the later -m wins */
	CHECK(cfg.trace_mask != 0);
	CHECK_EQ(cfg.pci_bus_offset, 0x100000);
	CHECK_EQ(cfg.nharts, 4);
	CHECK_EQ(cfg.ndevices, 2);
	CHECK(!strcmp(cfg.devices[1], "glass-hypercall"));
	CHECK(!strcmp(cfg.kernel, "k.elf"));
	CHECK(!strcmp(cfg.bios, "none"));
	CHECK(!strcmp(cfg.share_dir, "/tmp"));
	CHECK(cfg.monitor_stdio);
	CHECK_EQ(cfg.trace_format, TRACE_JSON);
}

TEST(cli_parse_defaults)
{
	char *argv[] = { "glass" };
	struct machine_config cfg;

	CHECK_EQ(cli_parse(ARGC(argv), argv, &cfg), CLI_RUN);
	CHECK_EQ(cfg.ram_size, 256ull << 20);
	CHECK_EQ(cfg.nharts, 1);
	CHECK(cfg.bios == NULL);
	CHECK_EQ(cfg.trace_filter.hart, -1);
}

/* cli_parse() with stderr sent to /dev/null: the messages themselves are
 * tests/badinput/run.sh's to check, and would only clutter this output. */
static enum cli_result parse_quietly(int argc, char **argv,
				     struct machine_config *cfg)
{
	int saved = dup(2);
	int null = open("/dev/null", O_WRONLY);

	fflush(stderr);
	if (null >= 0)
		dup2(null, 2);
	enum cli_result r = cli_parse(argc, argv, cfg);
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return r;
}

/* QEMU's debugger options: -s is -gdb on loopback port 1234, -S starts
 * stopped, -gdb takes QEMU's device forms and refuses the others. */
TEST(cli_parse_gdb)
{
	char *s[] = { "glass", "-s", "-S" };
	char *unix_[] = { "glass", "-gdb", "unix:/tmp/g.sock" };
	char *none[] = { "glass", "-s", "-gdb", "none" };
	char *bad[] = { "glass", "-gdb", "stdio" };
	struct machine_config cfg;

	CHECK_EQ(cli_parse(ARGC(s), s, &cfg), CLI_RUN);
	CHECK(!strcmp(cfg.gdb_dev, "tcp:127.0.0.1:1234"));
	CHECK(cfg.start_paused);
	CHECK_EQ(cli_parse(ARGC(unix_), unix_, &cfg), CLI_RUN);
	CHECK(!strcmp(cfg.gdb_dev, "unix:/tmp/g.sock"));
	CHECK(!cfg.start_paused);
	CHECK_EQ(cli_parse(ARGC(none), none, &cfg), CLI_RUN);
	CHECK(cfg.gdb_dev == NULL);
	CHECK_EQ(parse_quietly(ARGC(bad), bad, &cfg), CLI_ERROR);
}

TEST(cli_parse_refuses)
{
	char *stray[] = { "glass", "stray" };
	char *unknown[] = { "glass", "--bogus" };
	char *novalue[] = { "glass", "-m" };
	char *badsize[] = { "glass", "--m", "12Q" };
	struct machine_config cfg;

	CHECK_EQ(parse_quietly(ARGC(stray), stray, &cfg), CLI_ERROR);
	CHECK_EQ(parse_quietly(ARGC(unknown), unknown, &cfg), CLI_ERROR);
	CHECK_EQ(parse_quietly(ARGC(novalue), novalue, &cfg), CLI_ERROR);
	CHECK_EQ(parse_quietly(ARGC(badsize), badsize, &cfg), CLI_ERROR);
}

TEST(cli_accel)
{
	char *off[] = { "glass", "-accel", "tcg,jit=off,tb-size=16" };
	char *plain[] = { "glass", "--accel", "tcg" };
	char *kvm[] = { "glass", "-accel", "kvm" };
	char *bad[] = { "glass", "-accel", "tcg,jit=maybe" };
	char *size0[] = { "glass", "-accel", "tcg,tb-size=0" };
	char *prop[] = { "glass", "-accel", "tcg,thread=multi" };
	struct machine_config cfg;

	CHECK_EQ(cli_parse(ARGC(off), off, &cfg), CLI_RUN);
	CHECK(!cfg.jit);
	CHECK_EQ(cfg.tb_size, 16ull << 20);
	CHECK_EQ(cli_parse(ARGC(plain), plain, &cfg), CLI_RUN);
	CHECK_EQ(cfg.tb_size, 64ull << 20);
	CHECK_EQ(parse_quietly(ARGC(kvm), kvm, &cfg), CLI_ERROR);
	CHECK_EQ(parse_quietly(ARGC(bad), bad, &cfg), CLI_ERROR);
	CHECK_EQ(parse_quietly(ARGC(size0), size0, &cfg), CLI_ERROR);
	CHECK_EQ(parse_quietly(ARGC(prop), prop, &cfg), CLI_ERROR);
	if (jit_available()) {
		char *on[] = { "glass", "-accel", "tcg,tb-size=8,jit=on" };
		CHECK_EQ(cli_parse(ARGC(on), on, &cfg), CLI_RUN);
		CHECK(cfg.jit);
	}
}

TEST(cli_device_limit)
{
	char *argv[1 + 2 * (MAX_DEVICES + 1)] = { "glass" };
	struct machine_config cfg;

	for (int i = 0; i <= MAX_DEVICES; i++) {
		argv[1 + 2 * i] = "-device";
		argv[2 + 2 * i] = "edu";
	}
	CHECK_EQ(cli_parse(ARGC(argv) - 2, argv, &cfg), CLI_RUN);
	CHECK_EQ(cfg.ndevices, MAX_DEVICES);
	CHECK_EQ(parse_quietly(ARGC(argv), argv, &cfg), CLI_ERROR);
}

static char *help_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	cli_print_help(f);
	fclose(f);
	return buf;
}

/* " -m SIZE" or " -h, --help": the spelling as a word of an option line. */
static int help_shows(const char *help, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(help, name); p; p = strstr(p + 1, name))
		if ((p[-1] == ' ') && strchr(" ,\n", p[n]))
			return 1;
	return 0;
}

TEST(cli_help_shows_every_option)
{
	char *help = help_text();

	CHECK(help != NULL);
	if (!help)
		return;
	for (const struct cli_option *o = cli_options; o->names[0]; o++)
		for (int i = 0; i < CLI_MAX_NAMES && o->names[i]; i++)
			CHECK_EQ(help_shows(help, o->names[i]),
				 o->group != CLI_HIDDEN);
	free(help);
}

TEST(cli_help_fits_79_columns)
{
	char *help = help_text();

	CHECK(help != NULL);
	for (char *line = help; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		if (n > 79)
			printf("  too long: %.*s\n", (int)n, line);
		CHECK(n <= 79);
		line = nl ? nl + 1 : NULL;
	}
	free(help);
}
