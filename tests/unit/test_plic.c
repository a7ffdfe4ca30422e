/* PLIC model, created by the device framework and driven through the
 * address space as a hart would. */
#include <string.h>

#include "dev/plic.h"
#include "devhost.h"
#include "harness.h"

#define NCTX 4
#define NSRC 96

struct plic_env {
	struct devhost h;
};

#define PLIC_BASE 0x0c000000ull

static void env_init_with(struct plic_env *e, const char *props, unsigned nctx)
{
	devhost_init(&e->h, false);
	CHECK(devhost_platform(&e->h, &plic_class, props, PLIC_BASE,
			       PLIC_SIZE, nctx));
}

static void env_init(struct plic_env *e)
{
	env_init_with(e, "harts=2,sources=96", NCTX);
}

static uint32_t rd(struct plic_env *e, uint64_t off)
{
	return (uint32_t)devhost_rd(&e->h, off, 4);
}

static void wr(struct plic_env *e, uint64_t off, uint32_t val)
{
	devhost_wr(&e->h, off, val, 4);
}

/* A device's line into the PLIC (the gateway input). */
static void line(struct plic_env *e, int src, int level)
{
	plic_set_irq(device_self(e->h.dev), src, level);
}

static void set_prio(struct plic_env *e, unsigned src, uint32_t prio)
{
	wr(e, 4 * src, prio);
}

static void enable(struct plic_env *e, unsigned ctx, unsigned src)
{
	uint64_t off = 0x2000 + 0x80 * ctx + 4 * (src / 32);

	wr(e, off, rd(e, off) | 1u << (src % 32));
}

static void disable(struct plic_env *e, unsigned ctx, unsigned src)
{
	uint64_t off = 0x2000 + 0x80 * ctx + 4 * (src / 32);

	wr(e, off, rd(e, off) & ~(1u << (src % 32)));
}

static void set_threshold(struct plic_env *e, unsigned ctx, uint32_t t)
{
	wr(e, 0x200000 + 0x1000 * ctx, t);
}

static uint32_t claim(struct plic_env *e, unsigned ctx)
{
	return rd(e, 0x200004 + 0x1000 * ctx);
}

static void complete(struct plic_env *e, unsigned ctx, uint32_t src)
{
	wr(e, 0x200004 + 0x1000 * ctx, src);
}

static bool pending(struct plic_env *e, unsigned src)
{
	return (rd(e, 0x1000 + 4 * (src / 32)) >> (src % 32)) & 1;
}

/* Registers are computed: arrays of sources and contexts; every one a
 * 32-bit register, named for the trace. */
TEST(plic_register_names)
{
	static struct plic_env e;
	char buf[32];

	env_init(&e);
	const struct glass_region_ops *ops = as_lookup(&e.h.as, PLIC_BASE)->r->ops;
	CHECK(!strcmp(mmio_reg_name(ops, 0x28, buf, sizeof(buf)),
		      "priority[10]"));
	CHECK(!strcmp(mmio_reg_name(ops, 0x1004, buf, sizeof(buf)),
		      "pending[1]"));
	CHECK(!strcmp(mmio_reg_name(ops, 0x2080, buf, sizeof(buf)),
		      "enable[1][0]"));
	CHECK(!strcmp(mmio_reg_name(ops, 0x201000, buf, sizeof(buf)),
		      "threshold[1]"));
	CHECK(!strcmp(mmio_reg_name(ops, 0x201004, buf, sizeof(buf)),
		      "claim[1]"));
	CHECK(!strcmp(mmio_reg_name(ops, 0x201006, buf, sizeof(buf)),
		      "claim[1]"));
	CHECK(mmio_reg_name(ops, 0x201008, buf, sizeof(buf)) == NULL);
	struct glass_reg sc;
	const struct glass_reg *d = mmio_reg_at(ops, 0x2086, &sc, NULL, 0);
	CHECK(d != NULL);
	if (d) {
		CHECK_EQ(d->offset, 0x2084);
		CHECK_EQ(d->size, 4);
		CHECK_EQ(mmio_reg_widths(ops, d), GLASS_W4);
	}
	/* a hole in a context's block reads zero (a guest error) */
	CHECK_EQ(rd(&e, 0x201008), 0);
	CHECK_EQ(devhost_events(&e.h, EVK_BAD_ACCESS), 1);
}

TEST(plic_reset_values)
{
	static struct plic_env e;

	env_init(&e);
	for (int c = 0; c < NCTX; c++) {
		CHECK_EQ(e.h.line[c], 0);
		CHECK_EQ(rd(&e, 0x200000 + 0x1000 * c), 0);
		CHECK_EQ(claim(&e, c), 0);
		for (int w = 0; w < 3; w++)
			CHECK_EQ(rd(&e, 0x2000 + 0x80 * c + 4 * w), 0);
	}
	for (int s = 0; s < NSRC; s++)
		CHECK_EQ(rd(&e, 4 * s), 0);
	for (int w = 0; w < 3; w++)
		CHECK_EQ(rd(&e, 0x1000 + 4 * w), 0);
}

TEST(plic_priority_masked_and_source0)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 1, 0xffffffff);
	CHECK_EQ(rd(&e, 4), 7);
	set_prio(&e, 95, 0x1a);
	CHECK_EQ(rd(&e, 4 * 95), 2);
	set_prio(&e, 0, 5);
	CHECK_EQ(rd(&e, 0), 0);
	set_prio(&e, 96, 5);         /* beyond nsources */
	CHECK_EQ(rd(&e, 4 * 96), 0);
}

TEST(plic_enable_masks_nonexistent_sources)
{
	static struct plic_env e;

	env_init(&e);
	wr(&e, 0x2000, 0xffffffff);
	CHECK_EQ(rd(&e, 0x2000), 0xfffffffe); /* source 0 does not exist */
	wr(&e, 0x2008, 0xffffffff);
	CHECK_EQ(rd(&e, 0x2008), 0xffffffff); /* 64..95 exist */
	wr(&e, 0x200c, 0xffffffff);
	CHECK_EQ(rd(&e, 0x200c), 0);          /* 96.. do not */
	wr(&e, 0x2000 + 0x80 * NCTX, 0xffffffff); /* no such context */
	CHECK_EQ(rd(&e, 0x2000 + 0x80 * NCTX), 0);
	CHECK_EQ(rd(&e, 0x2080), 0);          /* other contexts untouched */
}

TEST(plic_small_source_count)
{
	static struct plic_env e;

	env_init_with(&e, "harts=1,sources=10", 2); /* sources 1..9 */
	wr(&e, 0x2000, 0xffffffff);
	CHECK_EQ(rd(&e, 0x2000), 0x3fe);
	wr(&e, 4 * 10, 3);
	CHECK_EQ(rd(&e, 4 * 10), 0);
	line(&e, 10, 1);
	CHECK_EQ(rd(&e, 0x1000), 0);
}

TEST(plic_pending_read_only)
{
	static struct plic_env e;

	env_init(&e);
	wr(&e, 0x1000, 0xffffffff);
	CHECK_EQ(rd(&e, 0x1000), 0);
	line(&e, 3, 1);
	line(&e, 33, 1);
	line(&e, 95, 1);
	CHECK_EQ(rd(&e, 0x1000), 1u << 3);
	CHECK_EQ(rd(&e, 0x1004), 1u << 1);
	CHECK_EQ(rd(&e, 0x1008), 1u << 31);
	wr(&e, 0x1000, 0);
	CHECK_EQ(rd(&e, 0x1000), 1u << 3);
}

TEST(plic_set_irq_out_of_range_ignored)
{
	static struct plic_env e;

	env_init(&e);
	line(&e, 0, 1);
	line(&e, -1, 1);
	line(&e, NSRC, 1);
	line(&e, 1000, 1);
	for (int w = 0; w < 3; w++)
		CHECK_EQ(rd(&e, 0x1000 + 4 * w), 0);
}

TEST(plic_claim_complete_level)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 5, 1);
	enable(&e, 1, 5);
	CHECK_EQ(e.h.line[1], 0);
	line(&e, 5, 1);
	CHECK_EQ(e.h.line[1], 1);
	CHECK_EQ(e.h.line[0], 0);       /* not enabled there */
	CHECK(pending(&e, 5));
	CHECK_EQ(claim(&e, 1), 5);
	CHECK(!pending(&e, 5));
	CHECK_EQ(e.h.line[1], 0);       /* in service: not pending */
	CHECK_EQ(claim(&e, 1), 0);
	complete(&e, 1, 5);          /* line still high: pending again */
	CHECK(pending(&e, 5));
	CHECK_EQ(e.h.line[1], 1);
	CHECK_EQ(claim(&e, 1), 5);
	line(&e, 5, 0);    /* device serviced */
	complete(&e, 1, 5);
	CHECK(!pending(&e, 5));
	CHECK_EQ(e.h.line[1], 0);
	CHECK_EQ(claim(&e, 1), 0);
}

TEST(plic_reassert_during_service_waits_for_complete)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 7, 2);
	enable(&e, 0, 7);
	line(&e, 7, 1);
	CHECK_EQ(claim(&e, 0), 7);
	line(&e, 7, 0);
	line(&e, 7, 1);
	CHECK(!pending(&e, 7));
	CHECK_EQ(e.h.line[0], 0);
	complete(&e, 0, 7);
	CHECK(pending(&e, 7));
	CHECK_EQ(e.h.line[0], 1);
}

TEST(plic_request_latched_until_claim)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 2, 1);
	enable(&e, 0, 2);
	line(&e, 2, 1);
	line(&e, 2, 0);    /* gateway already forwarded it */
	CHECK(pending(&e, 2));
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(claim(&e, 0), 2);
	complete(&e, 0, 2);
	CHECK(!pending(&e, 2));      /* line low: nothing new */
	CHECK_EQ(e.h.line[0], 0);
}

TEST(plic_priority_zero_never_interrupts)
{
	static struct plic_env e;

	env_init(&e);
	enable(&e, 0, 4);
	line(&e, 4, 1);
	CHECK(pending(&e, 4));
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(claim(&e, 0), 0);
	set_prio(&e, 4, 1);
	CHECK_EQ(e.h.line[0], 1);
	set_prio(&e, 4, 0);
	CHECK_EQ(e.h.line[0], 0);
}

TEST(plic_threshold)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 9, 3);
	enable(&e, 1, 9);
	set_threshold(&e, 1, 3);
	CHECK_EQ(rd(&e, 0x201000), 3);
	line(&e, 9, 1);
	CHECK_EQ(e.h.line[1], 0);       /* priority must exceed threshold */
	CHECK_EQ(claim(&e, 1), 0);
	CHECK(pending(&e, 9));
	set_threshold(&e, 1, 2);
	CHECK_EQ(e.h.line[1], 1);
	set_threshold(&e, 1, 0xff);  /* masked to 7 */
	CHECK_EQ(rd(&e, 0x201000), 7);
	CHECK_EQ(e.h.line[1], 0);
	set_threshold(&e, 1, 0);
	CHECK_EQ(claim(&e, 1), 9);
}

TEST(plic_claim_order_priority_then_lowest_id)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 3, 2);
	set_prio(&e, 40, 5);
	set_prio(&e, 9, 5);
	set_prio(&e, 70, 1);
	enable(&e, 0, 3);
	enable(&e, 0, 40);
	enable(&e, 0, 9);
	enable(&e, 0, 70);
	line(&e, 70, 1);
	line(&e, 40, 1);
	line(&e, 3, 1);
	line(&e, 9, 1);
	CHECK_EQ(claim(&e, 0), 9);
	CHECK_EQ(claim(&e, 0), 40);
	CHECK_EQ(claim(&e, 0), 3);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(claim(&e, 0), 70);
	CHECK_EQ(e.h.line[0], 0);
	CHECK_EQ(claim(&e, 0), 0);
}

TEST(plic_claim_is_global_across_contexts)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 4, 1);
	enable(&e, 0, 4);
	enable(&e, 3, 4);
	line(&e, 4, 1);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(e.h.line[3], 1);
	CHECK_EQ(claim(&e, 3), 4);
	CHECK_EQ(e.h.line[0], 0);       /* nobody else sees it in service */
	CHECK_EQ(e.h.line[3], 0);
	CHECK_EQ(claim(&e, 0), 0);
	complete(&e, 3, 4);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(e.h.line[3], 1);
}

TEST(plic_contexts_are_independent)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 2, 1);
	set_prio(&e, 3, 1);
	enable(&e, 0, 2);
	enable(&e, 2, 3);
	set_threshold(&e, 1, 4);
	CHECK_EQ(rd(&e, 0x200000), 0);
	CHECK_EQ(rd(&e, 0x201000), 4);
	line(&e, 2, 1);
	line(&e, 3, 1);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(e.h.line[1], 0);
	CHECK_EQ(e.h.line[2], 1);
	CHECK_EQ(claim(&e, 2), 3);
	CHECK_EQ(e.h.line[0], 1);
	CHECK_EQ(e.h.line[2], 0);
	CHECK_EQ(claim(&e, 0), 2);
	CHECK_EQ(claim(&e, 1), 0);
}

TEST(plic_complete_requires_enable)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 6, 1);
	enable(&e, 0, 6);
	line(&e, 6, 1);
	CHECK_EQ(claim(&e, 0), 6);
	disable(&e, 0, 6);
	complete(&e, 0, 6);          /* ignored: not enabled for ctx 0 */
	enable(&e, 0, 6);
	CHECK(!pending(&e, 6));
	CHECK_EQ(e.h.line[0], 0);
	/* Linux's eoi for a masked source: enable, complete, disable. */
	disable(&e, 0, 6);
	enable(&e, 0, 6);
	complete(&e, 0, 6);
	disable(&e, 0, 6);
	CHECK(pending(&e, 6));
	CHECK_EQ(e.h.line[0], 0);
	enable(&e, 0, 6);
	CHECK_EQ(e.h.line[0], 1);
}

TEST(plic_complete_bad_ids_ignored)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 1, 1);
	enable(&e, 0, 1);
	line(&e, 1, 1);
	CHECK_EQ(claim(&e, 0), 1);
	complete(&e, 0, 0);
	complete(&e, 0, NSRC);
	complete(&e, 0, 0xffffffff);
	complete(&e, 1, 1);          /* other context does not enable it */
	CHECK(!pending(&e, 1));
	CHECK_EQ(e.h.line[0], 0);
	complete(&e, 0, 1);
	CHECK_EQ(e.h.line[0], 1);
}

TEST(plic_undefined_offsets)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 1, 1);
	enable(&e, 0, 1);
	line(&e, 1, 1);
	CHECK_EQ(rd(&e, 0x100c), 0);           /* past the pending words */
	CHECK_EQ(rd(&e, 0x1ffc), 0);
	CHECK_EQ(rd(&e, 0x200c), 0);           /* past ctx 0 enable words */
	CHECK_EQ(rd(&e, 0x1ffffc), 0);
	CHECK_EQ(rd(&e, 0x200008), 0);         /* reserved in a context */
	CHECK_EQ(rd(&e, 0x200ffc), 0);
	CHECK_EQ(rd(&e, 0x200000 + 0x1000 * NCTX), 0);
	CHECK_EQ(rd(&e, 0x200004 + 0x1000 * NCTX), 0);
	CHECK_EQ(rd(&e, PLIC_SIZE - 4), 0);
	wr(&e, 0x1ffc, 0xffffffff);
	wr(&e, 0x200008, 0xffffffff);
	wr(&e, 0x200000 + 0x1000 * NCTX, 1);
	wr(&e, PLIC_SIZE - 4, 0xffffffff);
	CHECK_EQ(rd(&e, 0x200000), 0);
	CHECK_EQ(rd(&e, 0x2000), 2);
	CHECK_EQ(rd(&e, 4), 1);
	CHECK(pending(&e, 1));
	CHECK_EQ(e.h.line[0], 1);
}

TEST(plic_reset_keeps_asserted_lines)
{
	static struct plic_env e;

	env_init(&e);
	set_prio(&e, 8, 3);
	enable(&e, 0, 8);
	set_threshold(&e, 0, 1);
	line(&e, 8, 1);
	line(&e, 11, 1);
	CHECK_EQ(claim(&e, 0), 8);
	devhost_reset(&e.h);
	CHECK_EQ(rd(&e, 4 * 8), 0);
	CHECK_EQ(rd(&e, 0x2000), 0);
	CHECK_EQ(rd(&e, 0x200000), 0);
	CHECK_EQ(e.h.line[0], 0);
	CHECK(pending(&e, 8));       /* still asserted, no longer in service */
	CHECK(pending(&e, 11));
	set_prio(&e, 8, 1);
	enable(&e, 0, 8);
	CHECK_EQ(claim(&e, 0), 8);
}
