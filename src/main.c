/* glass: parse the command line, build the machine, run it. */
#include "cli/options.h"
#include "machine/boot.h"
#include "machine/machine.h"

int main(int argc, char **argv)
{
	struct machine_config cfg;
	static struct machine m; /* large: keep it off the stack */

	enum cli_result r = cli_parse(argc, argv, &cfg);
	if (r != CLI_RUN)
		return r == CLI_DONE ? 0 : 1;
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
