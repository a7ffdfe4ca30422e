/* SiFive test finisher: one write-only command register at offset 0. The
 * low 16 bits select the action, the high 16 bits carry a failure code.
 * What "power off" or "reset" means is up to the machine's callback. */
#include <stddef.h>

#include "dev/finisher.h"

#define FINISHER_REG 0x0
#define FINISHER_FAIL 0x3333
#define FINISHER_PASS 0x5555
#define FINISHER_RESET 0x7777

static uint64_t finisher_read(void *dev, uint64_t off, unsigned size)
{
	return 0;
}

static void finisher_request(struct finisher *f, enum finish_kind kind,
			     int code)
{
	if (f->request)
		f->request(f->opaque, kind, code);
}

static void finisher_write(void *dev, uint64_t off, uint64_t val,
			   unsigned size)
{
	struct finisher *f = dev;
	uint32_t v = (uint32_t)val;

	if (off != FINISHER_REG)
		return;
	switch (v & 0xffff) {
	case FINISHER_PASS:
		finisher_request(f, FINISH_POWEROFF, 0);
		break;
	case FINISHER_FAIL:
		finisher_request(f, FINISH_FAIL, (int)(v >> 16));
		break;
	case FINISHER_RESET:
		finisher_request(f, FINISH_RESET, 0);
		break;
	default:
		break; /* unknown commands do nothing, as on hardware */
	}
}

static const struct reg_desc finisher_regs[] = {
	{ FINISHER_REG, 4, "FINISHER", MMIO_W4 },
	{ 0, 0, NULL, 0 },
};

const struct mmio_ops finisher_ops = {
	.read = finisher_read,
	.write = finisher_write,
	.widths = MMIO_W4,
	.misfit = MISFIT_ADAPT,
	.regs = finisher_regs,
};

/* Route finisher commands to `request` (NULL: commands are ignored). */
void finisher_init(struct finisher *f,
		   void (*request)(void *opaque, enum finish_kind kind, int code),
		   void *opaque)
{
	f->request = request;
	f->opaque = opaque;
}
