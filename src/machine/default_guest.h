/* Plain `glass`, with no -kernel: boot the default guest (the one `make
 * install` put in PREFIX/share/glass, or build/guest next to a glass in
 * the build tree) the way `make run` does, with a per-user data disk
 * (~/.local/share/glass/data.img, created on first use with mke2fs),
 * user networking with the guest's httpd on 127.0.0.1:10080, and an
 * entropy source. */
#ifndef GLASS_MACHINE_DEFAULT_GUEST_H
#define GLASS_MACHINE_DEFAULT_GUEST_H

#include "machine/machine.h"

/* What the configuration points into (owned by the caller). */
struct default_guest {
	char kernel[4096], initrd[4096], data[4096];
	char drive[4200], netdev[96];
};

/* Whether cfg asks for nothing to boot (no -kernel, -bios, -dtb,
 * -dumpdtb or -loadvm). */
bool default_guest_wanted(const struct machine_config *cfg);

/* Fill cfg with the default guest and print the one line saying what is
 * booted and how to boot something else. 0, or -1 after printing one
 * line (no default guest installed, the data disk cannot be made). */
int default_guest_config(struct machine_config *cfg, struct default_guest *g);

#endif
