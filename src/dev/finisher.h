/* SiFive test finisher (sifive,test0/test1): a 32-bit write of
 * 0x5555 powers off (exit 0), 0x3333 | code << 16 fails with `code`,
 * 0x7777 resets. Reads return 0. */
#ifndef GLASS_DEV_FINISHER_H
#define GLASS_DEV_FINISHER_H

#include <stdint.h>

#include "mem/mmio.h"

enum finish_kind { FINISH_POWEROFF, FINISH_FAIL, FINISH_RESET };

struct finisher {
	void (*request)(void *opaque, enum finish_kind kind, int code);
	void *opaque;
};

extern const struct mmio_ops finisher_ops;

void finisher_init(struct finisher *f,
		   void (*request)(void *opaque, enum finish_kind kind, int code),
		   void *opaque);

#endif
