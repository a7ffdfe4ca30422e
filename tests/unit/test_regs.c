/* Every device's register file, as the bus reads it (mem/mmio.h): tables
 * sorted and disjoint, every register inside the device and reachable
 * (its widths fit it, where misfits are not adapted), taking at least the
 * device's `widths` (the bus's fast path relies on that) and nothing its
 * `valid` widths would refuse; computed files consistent with and without
 * a name buffer. */
#include <string.h>

#include "dev/clint.h"
#include "dev/edu.h"
#include "dev/finisher.h"
#include "dev/goldfish_rtc.h"
#include "dev/hypercall.h"
#include "dev/plic.h"
#include "dev/uart16550.h"
#include "harness.h"
#include "machine/virt.h"
#include "pci/host.h"

struct dev_file {
	const char *name;
	const struct mmio_ops *ops;
	uint64_t size;   /* the device's window */
	uint64_t step;   /* computed files: sample every step bytes */
};

static const struct dev_file files[] = {
	{ "uart", &uart16550_ops, 0x100, 0 },
	{ "clint", &clint_ops, CLINT_SIZE, 0 },
	{ "rtc", &goldfish_rtc_ops, 0x1000, 0 },
	{ "finisher", &finisher_ops, 0x1000, 0 },
	{ "edu", &edu_mmio_ops, EDU_BAR0_SIZE, 0 },
	{ "plic", &plic_ops, PLIC_SIZE, 0x7f },
	{ "hypercall", &hypercall_ops, HC_WINDOW_SIZE, 1 },
	{ "ecam", &pci_ecam_ops, 0x3000, 1 },
};

/* One register, wherever it came from. */
static void check_reg(const struct dev_file *f, const struct reg_desc *d)
{
	const struct mmio_ops *ops = f->ops;
	uint8_t w = mmio_reg_widths(ops, d);
	unsigned narrowest = 8, widest = 1;

	for (unsigned s = 1; s <= 8; s <<= 1) {
		if (!(w & s))
			continue;
		if (s < narrowest)
			narrowest = s;
		widest = s;
	}

	CHECK(d->size > 0);
	CHECK(d->offset + (uint64_t)d->size <= f->size);
	CHECK((w & ~(MMIO_WANY | MMIO_UNALIGNED)) == 0);
	CHECK(w & MMIO_WANY);
	CHECK((w & ops->widths) == ops->widths);   /* never fewer */
	CHECK((w & MMIO_UNALIGNED) || d->offset % narrowest == 0);
	/* where misfits are not adapted, every width can fit (an adapting
	 * device may declare one that covers its neighbours: PCI config
	 * fields take the dword that holds them) */
	if (ops->misfit != MISFIT_ADAPT)
		CHECK(widest <= d->size);
	if (ops->valid)                            /* none always faults */
		CHECK((w & MMIO_WANY & ~ops->valid) == 0);
}

static void check_table(const struct dev_file *f)
{
	const struct reg_desc *r = f->ops->regs;
	uint64_t end = 0;

	for (; r->name; r++) {
		CHECK(r->offset >= end);               /* sorted, disjoint */
		end = r->offset + (uint64_t)r->size;
		check_reg(f, r);
		CHECK(reg_find(f->ops->regs, r->offset) == r);
		CHECK(reg_find(f->ops->regs, end - 1) == r);
	}
}

static void check_computed(const struct dev_file *f)
{
	struct reg_desc a, b;
	char buf[48];

	for (uint64_t off = 0; off < f->size; off += f->step) {
		const struct reg_desc *d = f->ops->reg_at(off, &a, NULL, 0);
		const struct reg_desc *n = f->ops->reg_at(off, &b, buf,
							  sizeof(buf));
		CHECK((d == NULL) == (n == NULL));
		if (!d || !n)
			continue;
		CHECK(off >= d->offset && off - d->offset < d->size);
		CHECK_EQ(d->offset, n->offset);
		CHECK_EQ(d->size, n->size);
		CHECK_EQ(d->widths, n->widths);
		CHECK(n->name && *n->name);
		check_reg(f, d);
	}
}

TEST(regs_every_device_file_is_sound)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const struct dev_file *f = &files[i];

		CHECK(f->ops->widths != 0);
		CHECK(!(f->ops->regs && f->ops->reg_at)); /* one source */
		if (f->ops->regs)
			check_table(f);
		if (f->ops->reg_at)
			check_computed(f);
	}
}

/* The platform devices' windows are the ones the files were checked
 * against. */
TEST(regs_platform_windows)
{
	CHECK_EQ(virt_map[VIRT_UART0].size, 0x100);
	CHECK_EQ(virt_map[VIRT_CLINT].size, CLINT_SIZE);
	CHECK_EQ(virt_map[VIRT_RTC].size, 0x1000);
	CHECK_EQ(virt_map[VIRT_TEST].size, 0x1000);
	CHECK_EQ(virt_map[VIRT_PLIC].size, PLIC_SIZE);
	CHECK_EQ(virt_map[VIRT_HYPERCALL].size, HC_WINDOW_SIZE);
}

/* ECAM names config registers per function, from the table the
 * pci-config trace uses too. */
TEST(regs_ecam_names)
{
	char buf[16];
	const char *n;

	n = mmio_reg_name(&pci_ecam_ops, 0x8000, buf, sizeof(buf));
	CHECK(n && !strcmp(n, "vendor"));
	n = mmio_reg_name(&pci_ecam_ops, 0x18012, buf, sizeof(buf));
	CHECK(n && !strcmp(n, "BAR0"));
	CHECK(mmio_reg_name(&pci_ecam_ops, 0x8040, buf, sizeof(buf)) == NULL);
}
