/* The glass monitor: commands a person types to look at the machine. */
#ifndef GLASS_MACHINE_MONITOR_H
#define GLASS_MACHINE_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

#include "machine/machine.h"

/* Run one command line, writing its answer to out. Returns true if the
 * command asks glass to quit. */
bool monitor_command(struct machine *m, const char *line, FILE *out);

#endif
