/* Every device's register file, as the bus reads it (include/glass/bus.h,
 * src/mem/mmio.h): a machine is built with every device glass has, and
 * every region of every device must pass the bus's own check
 * (mmio_ops_check: sorted, disjoint, inside the region, widths inside
 * impl), with every register reachable (each width it takes can fit it,
 * none that `valid` would refuse) and computed register files consistent
 * with and without a name buffer. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/device.h"
#include "harness.h"
#include "machine/classes.h"
#include "machine/machine.h"
#include "machine/virt.h"

/* A small RV64 ELF the machine can load (the loader fuzzer's seed). */
#define TINY_ELF "fuzz/corpus/loader/seed-mini.elf"

/* One register, wherever it came from, of a region ending at window
 * offset `end`. */
static void check_reg(const struct region *r, const struct glass_reg *d)
{
	const struct glass_region_ops *ops = r->ops;
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
	CHECK(d->offset >= r->dev_offset);
	CHECK(d->offset + (uint64_t)d->size <= r->dev_offset + r->size);
	CHECK((w & ~(GLASS_WANY | GLASS_UNALIGNED)) == 0);
	CHECK(w & GLASS_WANY);
	CHECK((w & GLASS_WANY & ~mmio_impl(ops)) == 0); /* impl takes them */
	CHECK((w & GLASS_UNALIGNED) || d->offset % narrowest == 0);
	CHECK(widest <= d->size);                 /* every width can fit */
	CHECK((w & GLASS_WANY & ~mmio_valid(ops)) == 0); /* none faults */
	if (d->name)
		CHECK(*d->name);
}

static void check_table(const struct region *r)
{
	const struct glass_reg *t = r->ops->regs;

	for (; t->name; t++) {
		check_reg(r, t);
		CHECK(reg_find(r->ops->regs, t->offset) == t);
		CHECK(reg_find(r->ops->regs, t->offset + t->size - 1) == t);
	}
}

/* Computed files: sampled (a step that walks every offset of small
 * regions, and a prime stride over large ones). */
static void check_computed(const struct region *r)
{
	uint64_t step = r->size > 0x10000 ? 0x7f : 1;
	struct glass_reg a, b;
	char buf[48];

	for (uint64_t off = r->dev_offset; off < r->dev_offset + r->size;
	     off += step) {
		const struct glass_reg *d = r->ops->reg_at(off, &a, NULL, 0);
		const struct glass_reg *n = r->ops->reg_at(off, &b, buf,
							   sizeof(buf));
		CHECK((d == NULL) == (n == NULL));
		if (!d || !n)
			continue;
		CHECK(off >= d->offset && off - d->offset < d->size);
		CHECK_EQ(d->offset, n->offset);
		CHECK_EQ(d->size, n->size);
		CHECK_EQ(d->widths, n->widths);
		check_reg(r, n);
	}
}

static void check_region(const struct region *r)
{
	CHECK(mmio_ops_check(r->ops, r->dev_offset + r->size) == NULL);
	if (r->ops->regs)
		check_table(r);
	if (r->ops->reg_at)
		check_computed(r);
}

TEST(regs_every_device_file_is_sound)
{
	static struct machine m;
	char img[2][64], drive[2][96];
	struct machine_config cfg = {
		.ram_size = 64ull << 20, .nharts = 2, .bios = "none",
		.kernel = TINY_ELF,
		.devices = { "edu", "glass-hypercall", "virtio-blk-pci,drive=d0",
			     "virtio-blk-device,drive=d1",
			     "virtio-net-pci,netdev=n0",
			     "virtio-net-device,netdev=n1", "virtio-rng-pci",
			     "virtio-rng-device", "virtio-serial-pci,chardev=c0",
			     "virtio-serial-device,chardev=c1" },
		.ndevices = 10, .trace_filter = { .hart = -1 },
		.netdevs = { "user,id=n0", "user,id=n1" }, .nnetdevs = 2,
		.chardevs = { "file,id=c0,path=/dev/null",
			      "file,id=c1,path=/dev/null" }, .nchardevs = 2,
	};
	unsigned devices = 0, regions = 0;

	/* the virtio disks need images */
	for (int i = 0; i < 2; i++) {
		snprintf(img[i], sizeof(img[i]), "/tmp/glass-regs.XXXXXX");
		int fd = mkstemp(img[i]);
		CHECK(fd >= 0 && ftruncate(fd, 1 << 20) == 0);
		close(fd);
		snprintf(drive[i], sizeof(drive[i]), "file=%s,if=none,id=d%d",
			 img[i], i);
		cfg.drives[i] = drive[i];
	}
	cfg.ndrives = 2;
	CHECK_EQ(machine_init(&m, &cfg), 0);
	unlink(img[0]);
	unlink(img[1]);
	for (const struct glass_device *d = m.devices; d; d = d->next) {
		devices++;
		for (unsigned i = 0; i < d->nregions; i++, regions++)
			check_region(d->regions[i]);
	}
	/* every class glass knows is in this machine */
	for (const struct glass_device_class *const *c = machine_classes;
	     *c; c++) {
		bool found = false;
		for (const struct glass_device *d = m.devices; d; d = d->next)
			found |= d->cls == *c;
		CHECK(found);
	}
	CHECK(devices >= 8);
	CHECK(regions >= 9);
	/* and the bridge's own: ECAM */
	for (int i = 0; i < m.as.nregions; i++)
		if (!strcmp(m.as.regions[i].name, "pcie-ecam"))
			check_region(&m.as.regions[i]);
	machine_destroy(&m);
}

/* The board's devices sit in the windows of the memory map. */
TEST(regs_platform_windows)
{
	static struct machine m;
	struct machine_config cfg = {
		.ram_size = 64ull << 20, .nharts = 1, .bios = "none",
		.kernel = TINY_ELF, .trace_filter = { .hart = -1 },
	};

	CHECK_EQ(machine_init(&m, &cfg), 0);
	for (const struct glass_device *d = m.devices; d; d = d->next) {
		bool in_map = false;
		for (int i = 0; i < VIRT_NR_REGIONS; i++)
			in_map |= virt_map[i].cls == d->cls &&
				  virt_map[i].base == d->place.base &&
				  virt_map[i].size == d->place.size;
		CHECK(in_map);
	}
	machine_destroy(&m);
}

/* ECAM names config registers per function, from the table the
 * pci-config trace uses too; every dword is a register. */
TEST(regs_ecam_names)
{
	char buf[16];
	const char *n;

	n = mmio_reg_name(&pci_ecam_ops, 0x8000, buf, sizeof(buf));
	CHECK(n && !strcmp(n, "vendor"));
	n = mmio_reg_name(&pci_ecam_ops, 0x18012, buf, sizeof(buf));
	CHECK(n && !strcmp(n, "BAR0"));
	CHECK(mmio_reg_name(&pci_ecam_ops, 0x8040, buf, sizeof(buf)) == NULL);
	struct glass_reg d;
	CHECK(mmio_reg_at(&pci_ecam_ops, 0x8041, &d, NULL, 0) != NULL);
	CHECK_EQ(d.offset, 0x8040);
	CHECK_EQ(d.size, 4);
}
