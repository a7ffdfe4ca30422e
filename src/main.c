/* glass: parse the command line, build the machine, run it. */
#include "cli/options.h"
#include "machine/boot.h"
#include "machine/default_guest.h"
#include "machine/machine.h"

int main(int argc, char **argv)
{
	struct machine_config cfg;
	static struct machine m; /* large: keep it off the stack */
	static struct default_guest guest; /* what cfg points into */

	enum cli_result r = cli_parse(argc, argv, &cfg);
	if (r != CLI_RUN)
		return r == CLI_DONE ? 0 : 1;
	if (default_guest_wanted(&cfg) &&
	    default_guest_config(&cfg, &guest) < 0)
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
