/* SiFive test finisher, created by the device framework and driven
 * through the address space as a hart would. */
#include <string.h>

#include "dev/finisher.h"
#include "devhost.h"
#include "harness.h"

#define BASE 0x100000

static struct devhost h;

static void env_init(void)
{
	devhost_init(&h, false);
	CHECK(devhost_platform(&h, &finisher_class, "", BASE, 0x1000, 0));
}

static int calls(void)
{
	return h.requests[0] + h.requests[1] + h.requests[2];
}

TEST(finisher_pass_powers_off)
{
	env_init();
	devhost_wr(&h, 0, 0x5555, 4);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(h.requests[GLASS_REQUEST_POWEROFF], 1);
	devhost_destroy(&h);
}

/* A failure stays a failure: code 0 becomes exit 1. */
TEST(finisher_fail_carries_code)
{
	env_init();
	devhost_wr(&h, 0, 0x3333 | 42u << 16, 4);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(h.requests[GLASS_REQUEST_EXIT], 1);
	CHECK_EQ(h.last_code, 42);
	devhost_wr(&h, 0, 0xffff3333u, 4);    /* exit statuses are 8 bits */
	CHECK_EQ(calls(), 2);
	CHECK_EQ(h.last_code, 255);
	devhost_wr(&h, 0, 0x3333, 4);
	CHECK_EQ(calls(), 3);
	CHECK_EQ(h.requests[GLASS_REQUEST_EXIT], 3);
	CHECK_EQ(h.last_code, 1);
	devhost_destroy(&h);
}

TEST(finisher_reset)
{
	env_init();
	devhost_wr(&h, 0, 0x7777, 4);
	CHECK_EQ(calls(), 1);
	CHECK_EQ(h.requests[GLASS_REQUEST_RESET], 1);
	devhost_destroy(&h);
}

TEST(finisher_ignores_other_values)
{
	env_init();
	devhost_wr(&h, 0, 0, 4);
	devhost_wr(&h, 0, 0x1234, 4);
	devhost_wr(&h, 0, 0x5556, 4);
	devhost_wr(&h, 0, 0x55550000, 4);  /* command is in the low half */
	devhost_wr(&h, 4, 0x5555, 4);      /* only offset 0 is the register */
	CHECK_EQ(calls(), 0);
	CHECK_EQ(devhost_rd(&h, 0, 4), 0);
	CHECK_EQ(devhost_rd(&h, 4, 4), 0);
	/* the write to +4 is a hole: a guest error, never the device */
	CHECK_EQ(devhost_events(&h, EVK_BAD_ACCESS), 2);
	devhost_destroy(&h);
}

/* Narrow and wide accesses are adapted to the 32-bit register. */
TEST(finisher_adapts_widths)
{
	env_init();
	devhost_wr(&h, 0, 0x55, 1);         /* widened: 0x00000055 */
	CHECK_EQ(calls(), 0);
	devhost_wr(&h, 0, 0x5555, 2);       /* widened: 0x00005555 */
	CHECK_EQ(h.requests[GLASS_REQUEST_POWEROFF], 1);
	devhost_wr(&h, 0, 0x7777, 8);       /* split: +0 acts, +4 a hole */
	CHECK_EQ(h.requests[GLASS_REQUEST_RESET], 1);
	devhost_destroy(&h);
}
