/* SiFive test finisher, driven through finisher_ops as the bus would. */
#include <string.h>

#include "dev/finisher.h"
#include "harness.h"

struct fin_env {
	struct finisher f;
	int calls;
	enum finish_kind kind;
	int code;
};

static void env_request(void *opaque, enum finish_kind kind, int code)
{
	struct fin_env *e = opaque;

	e->calls++;
	e->kind = kind;
	e->code = code;
}

static void env_init(struct fin_env *e)
{
	memset(e, 0, sizeof(*e));
	e->code = -1;
	finisher_init(&e->f, env_request, e);
}

static void wr(struct fin_env *e, uint64_t off, uint32_t val)
{
	finisher_ops.write(&e->f, off, val, 4);
}

TEST(finisher_ops_shape)
{
	CHECK_EQ(finisher_ops.widths, MMIO_W4);
	CHECK_EQ(finisher_ops.misfit, MISFIT_ADAPT);
	CHECK(finisher_ops.regs != NULL);
	CHECK_EQ(finisher_ops.regs[0].offset, 0);
	CHECK(finisher_ops.regs[0].name != NULL);
	CHECK(finisher_ops.regs[1].name == NULL);
}

TEST(finisher_pass_powers_off)
{
	struct fin_env e;

	env_init(&e);
	wr(&e, 0, 0x5555);
	CHECK_EQ(e.calls, 1);
	CHECK_EQ(e.kind, FINISH_POWEROFF);
	CHECK_EQ(e.code, 0);
}

TEST(finisher_fail_carries_code)
{
	struct fin_env e;

	env_init(&e);
	wr(&e, 0, 0x3333 | 42u << 16);
	CHECK_EQ(e.calls, 1);
	CHECK_EQ(e.kind, FINISH_FAIL);
	CHECK_EQ(e.code, 42);
	wr(&e, 0, 0xffff3333u);
	CHECK_EQ(e.calls, 2);
	CHECK_EQ(e.code, 0xffff);
	wr(&e, 0, 0x3333);
	CHECK_EQ(e.calls, 3);
	CHECK_EQ(e.kind, FINISH_FAIL);
	CHECK_EQ(e.code, 0);
}

TEST(finisher_reset)
{
	struct fin_env e;

	env_init(&e);
	wr(&e, 0, 0x7777);
	CHECK_EQ(e.calls, 1);
	CHECK_EQ(e.kind, FINISH_RESET);
}

TEST(finisher_ignores_other_values)
{
	struct fin_env e;

	env_init(&e);
	wr(&e, 0, 0);
	wr(&e, 0, 0x1234);
	wr(&e, 0, 0x5556);
	wr(&e, 0, 0x55550000);       /* command is in the low half */
	wr(&e, 4, 0x5555);           /* only offset 0 is the register */
	CHECK_EQ(e.calls, 0);
	CHECK_EQ(finisher_ops.read(&e.f, 0, 4), 0);
	CHECK_EQ(finisher_ops.read(&e.f, 4, 4), 0);
}

TEST(finisher_without_callback)
{
	struct finisher f;

	finisher_init(&f, NULL, NULL);
	finisher_ops.write(&f, 0, 0x5555, 4); /* must not crash */
	CHECK_EQ(finisher_ops.read(&f, 0, 4), 0);
}
