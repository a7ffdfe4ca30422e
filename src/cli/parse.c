/* Reading the option table: the command-line parser, --help and
 * --list-options. What the options are is in options.c. */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "cli/options.h"

#define HELP_INDENT 2   /* where an option's spellings start */
#define HELP_COLUMN 24  /* where its help text starts */
#define HELP_WIDTH 79   /* the last column help text may use */

enum cli_result cli_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("glass: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (see glass --help)\n", stderr);
	va_end(ap);
	return CLI_ERROR;
}

/* QEMU takes every option with one dash or two, so spellings are compared
 * without their dashes. A third dash is not a spelling of anything. */
static const char *undash(const char *s)
{
	if (s[0] == '-')
		s++;
	if (s[0] == '-')
		s++;
	return s;
}

const struct cli_option *cli_find(const char *word)
{
	const char *w = undash(word);

	if (*word != '-' || !*w)
		return NULL;
	for (const struct cli_option *o = cli_options; o->names[0]; o++)
		for (int i = 0; i < CLI_MAX_NAMES && o->names[i]; i++)
			if (!strcmp(undash(o->names[i]), w))
				return o;
	return NULL;
}

enum cli_result cli_parse(int argc, char **argv, struct machine_config *cfg)
{
	cli_defaults(cfg);
	for (int i = 1; i < argc; i++) {
		const char *word = argv[i];
		const char *value = NULL;

		if (word[0] != '-')
			return cli_fail("unexpected argument '%s'", word);
		const struct cli_option *o = cli_find(word);
		if (!o)
			return cli_fail("unknown option '%s'", word);
		if (o->arg) {
			/* the next word, even if it starts with '-': "-m -5"
			 * is a bad size, not a missing one */
			if (i + 1 >= argc)
				return cli_fail("option %s needs a value",
						word);
			value = argv[++i];
		}
		enum cli_result r = o->apply(cfg, value);
		if (r != CLI_RUN)
			return r;
	}
	return CLI_RUN;
}

/* "  -h, --help" or "  -m SIZE"; returns the column after it. */
static int print_spellings(FILE *f, const struct cli_option *o)
{
	int col = fprintf(f, "%*s%s", HELP_INDENT, "", o->names[0]);

	for (int i = 1; i < CLI_MAX_NAMES && o->names[i]; i++)
		col += fprintf(f, ", %s", o->names[i]);
	if (o->arg)
		col += fprintf(f, " %s", o->arg);
	return col;
}

/* Words of text from HELP_COLUMN to at most HELP_WIDTH, then further lines
 * indented to HELP_COLUMN; the cursor is at column col. */
static void print_wrapped(FILE *f, int col, const char *text)
{
	bool line_empty = true;

	if (col > HELP_COLUMN - 2) { /* no room for two spaces: next line */
		fputc('\n', f);
		col = 0;
	}
	fprintf(f, "%*s", HELP_COLUMN - col, "");
	col = HELP_COLUMN;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " ");

		if (!line_empty && col + 1 + (int)n > HELP_WIDTH) {
			fprintf(f, "\n%*s", HELP_COLUMN, "");
			col = HELP_COLUMN;
			line_empty = true;
		}
		if (n) {
			col += fprintf(f, "%s%.*s", line_empty ? "" : " ",
				       (int)n, p);
			line_empty = false;
		}
		p += n;
		p += strspn(p, " ");
	}
	fputc('\n', f);
}

static void print_group(FILE *f, enum cli_group g)
{
	fprintf(f, "\n%s:\n", cli_group_titles[g]);
	for (const struct cli_option *o = cli_options; o->names[0]; o++) {
		if (o->group != g)
			continue;
		int col = print_spellings(f, o);
		print_wrapped(f, col, o->help);
	}
}

void cli_print_help(FILE *f)
{
	fputs(cli_help_head, f);
	for (int g = 0; g < CLI_NGROUPS; g++)
		if (cli_group_titles[g])
			print_group(f, g);
	fputs(cli_help_tail, f);
}

void cli_print_list(FILE *f)
{
	for (const struct cli_option *o = cli_options; o->names[0]; o++) {
		if (o->group == CLI_HIDDEN)
			continue;
		for (int i = 0; i < CLI_MAX_NAMES && o->names[i]; i++) {
			fputs(o->names[i], f);
			if (o->arg)
				fprintf(f, "\t%s", o->arg);
			fputc('\n', f);
		}
	}
}
