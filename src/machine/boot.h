/* Putting images, device tree and boot ROM in place before reset. */
#ifndef GLASS_MACHINE_BOOT_H
#define GLASS_MACHINE_BOOT_H

#include "machine/machine.h"

/* Load firmware, kernel, initrd and DTB per m->cfg and write the boot ROM.
 * Returns 0, or -1 after printing one line naming the problem. */
int boot_prepare(struct machine *m);

/* Write the machine's device tree blob to path. */
int boot_dump_dtb(const struct machine *m, const char *path);

#endif
