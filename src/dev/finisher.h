/* SiFive test finisher (sifive,test0/test1): a 32-bit write of
 * 0x5555 powers off (exit 0), 0x3333 | code << 16 fails with `code`,
 * 0x7777 resets. Reads return 0. */
#ifndef GLASS_DEV_FINISHER_H
#define GLASS_DEV_FINISHER_H

#include "glass/device.h"

extern const struct glass_device_class finisher_class;

#endif
