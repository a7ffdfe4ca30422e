/* glass's command line. One table, cli_options[], lists every option once:
 * its spellings, the name of its value, its --help section and text, and
 * the function that puts the value into struct machine_config. Parsing,
 * --help and --list-options (what tests/cli/run.sh compares with the man
 * page and README) are all loops over that table, so adding an option is
 * adding one row and its handler in options.c. */
#ifndef GLASS_CLI_OPTIONS_H
#define GLASS_CLI_OPTIONS_H

#include <stdio.h>

struct machine_config;

/* What an option handler, and cli_parse(), tell the caller to do next. */
enum cli_result {
	CLI_ERROR = -1, /* one "glass: " line is on stderr: exit 1 */
	CLI_RUN = 0,    /* go on (cli_parse: cfg is complete, run it) */
	CLI_DONE = 1,   /* an answer (help, version) is on stdout: exit 0 */
};

/* The sections of --help, in the order it prints them. */
enum cli_group {
	CLI_MACHINE,
	CLI_BOOT,
	CLI_DEVICES,
	CLI_DETERMINISM,
	CLI_CONSOLE,
	CLI_SEE_THROUGH,
	CLI_DEBUG,
	CLI_INFO,
	CLI_HIDDEN,     /* for tests: in neither --help nor --list-options */
	CLI_NGROUPS
};

#define CLI_MAX_NAMES 2

struct cli_option {
	/* Spellings as --help and the man page show them ("-M", "-machine";
	 * unused ones NULL). The command line takes each with one dash or
	 * two, as QEMU does: -m and --m, -trace and --trace. */
	const char *names[CLI_MAX_NAMES];
	/* The value's name in --help ("SIZE", "FILE|none"); NULL: a flag,
	 * which takes no value. */
	const char *arg;
	enum cli_group group;
	/* One paragraph; --help wraps it. */
	const char *help;
	/* Put the value (NULL for a flag) into cfg. Returns CLI_RUN, or
	 * CLI_DONE after printing an answer, or CLI_ERROR after printing one
	 * line that starts "glass: " and names the option and value. */
	enum cli_result (*apply)(struct machine_config *cfg, const char *value);
};

/* Every option, ended by a row whose names[0] is NULL. */
extern const struct cli_option cli_options[];
/* --help section titles, indexed by enum cli_group (NULL: not shown). */
extern const char *const cli_group_titles[CLI_NGROUPS];
/* What --help prints before the options and after them. */
extern const char cli_help_head[], cli_help_tail[];

/* Fill cfg with the defaults a bare `glass` runs with. */
void cli_defaults(struct machine_config *cfg);

/* Parse argv into cfg (defaults first). Options apply left to right; a
 * later one overrides an earlier one, -device adds up. Returns CLI_RUN,
 * CLI_DONE (help, version, -device help printed) or CLI_ERROR (printed). */
enum cli_result cli_parse(int argc, char **argv, struct machine_config *cfg);

/* The row for a command-line word ("-m", "--m", "-trace"); NULL if none. */
const struct cli_option *cli_find(const char *word);

/* --help: the options grouped by section, help text wrapped to 79
 * columns at column 24. */
void cli_print_help(FILE *f);

/* --list-options: every spelling of every shown option, one a line,
 * followed by a tab and the value's name for options that take one. */
void cli_print_list(FILE *f);

/* Print "glass: <fmt...> (see glass --help)" on stderr; returns CLI_ERROR. */
enum cli_result cli_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
