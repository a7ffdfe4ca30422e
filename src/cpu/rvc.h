/* C extension decoding. */
#ifndef GLASS_CPU_RVC_H
#define GLASS_CPU_RVC_H

#include <stdint.h>

/* The 32-bit instruction a 16-bit one stands for, or 0 if it is illegal
 * (0x0000 itself is defined to be illegal). */
uint32_t rvc_expand(uint16_t c);

#endif
