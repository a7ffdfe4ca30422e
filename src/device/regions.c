/* Where a device appears to the guest: windows of the physical map for
 * platform devices, a function with BARs and capabilities on the PCIe
 * host bridge for PCI devices. */
#include <stdlib.h>
#include <string.h>

#include "device/device.h"
#include "device/internal.h"
#include "mem/address_space.h"
#include "pci/host.h"

static bool in_realize(struct glass_device *d, const char *what)
{
	if (d->realizing)
		return true;
	device_abi_error(d, "%s outside realize", what);
	return false;
}

static bool ops_ok(struct glass_device *d, const struct glass_region_ops *ops,
		   uint64_t size)
{
	const char *why = ops ? mmio_ops_check(ops, size) : NULL;

	if (why)
		glass_error(d, "bad region description: %s", why);
	return !why;
}

/* The widest width in a mask of GLASS_W* bits. */
static unsigned widest(uint8_t widths)
{
	for (unsigned w = 8; w > 1; w >>= 1)
		if (widths & w)
			return w;
	return 1;
}

int glass_platform_mmio(struct glass_device *d, uint64_t offset,
			uint64_t size, const struct glass_region_ops *ops,
			void *opaque)
{
	if (!in_realize(d, "a region added"))
		return -1;
	if (d->pci || !ops || !size || offset >= d->place.size ||
	    size > d->place.size - offset) {
		glass_error(d, "region +0x%llx size 0x%llx does not fit the "
			    "device's window", (unsigned long long)offset,
			    (unsigned long long)size);
		return -1;
	}
	if (!ops_ok(d, ops, offset + size))
		return -1;
	/* the bus's pieces are aligned to impl's widths in window offsets:
	 * a region starting or ending inside one would get pieces that run
	 * over its edge */
	unsigned unit = widest(mmio_impl(ops));
	if ((offset | size) & (unit - 1)) {
		glass_error(d, "region +0x%llx size 0x%llx is not aligned to "
			    "the %u-byte accesses it implements",
			    (unsigned long long)offset,
			    (unsigned long long)size, unit);
		return -1;
	}
	if (d->nregions == DEVICE_MAX_REGIONS) {
		glass_error(d, "more than %d regions", DEVICE_MAX_REGIONS);
		return -1;
	}
	struct region *r = as_add_mmio(d->env->as, d->place.name,
				       d->place.base + offset, size, 1, ops,
				       opaque);
	if (!r) {
		glass_error(d, "too many regions in the memory map");
		return -1;
	}
	r->dev_offset = offset;
	r->owner = d;
	d->regions[d->nregions++] = r;
	return 0;
}

uint64_t glass_platform_base(const struct glass_device *d)
{
	return d->place.base;
}

/* The framework stands between the PCI layer and the model. */
static void pci_config_written(struct pci_func *f, unsigned offset,
			       unsigned size)
{
	struct glass_device *d = f->dev;

	if (d->cls->config_written)
		d->cls->config_written(d->self, offset, size);
}

int device_pci_init(struct glass_device *d)
{
	const struct glass_pci_id *id = &d->cls->pci;
	const char *addr = prop_text(d, "addr");
	uint64_t slot;

	if (!d->env->pci) {
		glass_error(d, "this machine has no PCI bus");
		return -1;
	}
	if (addr) {
		if (prop_parse_uint(addr, &slot) < 0 || slot == 0 ||
		    slot >= PCI_MAX_SLOTS) {
			glass_error(d, "addr=%s: a PCI slot is 1..31", addr);
			return -1;
		}
		d->slot = (int)slot;
	}
	d->pci = calloc(1, sizeof(*d->pci));
	d->pci_ops = (struct pci_device_ops){
		.name = d->cls->name, .config_written = pci_config_written,
	};
	if (!d->pci)
		return -1;
	pci_func_init(d->pci, &d->pci_ops, d, id->vendor, id->device,
		      id->revision, id->class_code, id->pin);
	d->pci->owner = d;
	if (id->subsystem_vendor || id->subsystem) {
		uint8_t sub[4] = { id->subsystem_vendor,
				   id->subsystem_vendor >> 8, id->subsystem,
				   id->subsystem >> 8 };
		memcpy(d->pci->cfg + PCI_SUBSYSTEM_VENDOR_ID, sub, 4);
	}
	return 0;
}

int device_pci_plug(struct glass_device *d)
{
	struct pci_host *h = d->env->pci;

	for (unsigned s = d->slot > 0 ? (unsigned)d->slot : 1;
	     s < PCI_MAX_SLOTS; s++) {
		if (h->slots[s]) {
			if (d->slot > 0) {
				glass_error(d, "PCI slot %u is taken", s);
				return -1;
			}
			continue;
		}
		if (pci_host_plug(h, d->pci, s) < 0)
			break;
		for (int n = 0; n <= PCI_ROM_SLOT; n++)
			if (d->pci->bars[n].region &&
			    d->nregions < DEVICE_MAX_REGIONS)
				d->regions[d->nregions++] = d->pci->bars[n].region;
		return 0;
	}
	glass_error(d, "no room for another PCI device");
	return -1;
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

int glass_pci_bar(struct glass_device *d, int n, uint64_t size,
		  unsigned flags, const char *name,
		  const struct glass_region_ops *ops, void *opaque)
{
	if (!in_realize(d, "a BAR declared"))
		return -1;
	if (!d->pci) {
		glass_error(d, "BARs are for PCI devices");
		return -1;
	}
	bool io = flags & GLASS_BAR_IO, mem64 = flags & GLASS_BAR_MEM64;
	bool rom = n == GLASS_PCI_ROM;
	uint64_t min = rom ? 2048 : io ? 4 : 16;
	/* prefetchable is a memory BAR's bit: an I/O BAR's bit 3 is an
	 * address bit, which the flag would set */
	bool prefetch = flags & GLASS_BAR_PREFETCH;
	if (n < 0 || n > GLASS_PCI_ROM || (mem64 && (n >= 5 || io)) ||
	    (io && prefetch) ||
	    !pow2(size) || size < min || (io && size > 256) ||
	    (!mem64 && !rom && size > (1ull << 31)) ||
	    (flags & ~(GLASS_BAR_IO | GLASS_BAR_MEM64 | GLASS_BAR_PREFETCH)) ||
	    (rom && flags)) {
		glass_error(d, "BAR %d: bad size 0x%llx or flags 0x%x", n,
			    (unsigned long long)size, flags);
		return -1;
	}
	if (d->pci->bars[n].size || (n > 0 && n < 6 &&
				     (d->pci->bars[n - 1].type & PCI_BAR_MEM64) &&
				     d->pci->bars[n - 1].size) ||
	    (mem64 && d->pci->bars[n + 1].size)) {
		glass_error(d, "BAR %d is already declared", n);
		return -1;
	}
	if (!ops_ok(d, ops, size))
		return -1;
	pci_func_add_bar(d->pci, n, size, (uint8_t)flags,
			 name ? name : rom ? "rom" : "bar", ops, opaque);
	return 0;
}

unsigned glass_pci_cap(struct glass_device *d, uint8_t id, unsigned len)
{
	if (!in_realize(d, "a capability added"))
		return 0;
	if (!d->pci) {
		device_abi_error(d, "a capability added to a device that is "
				 "not on PCI");
		return 0;
	}
	return pci_func_add_cap(d->pci, id, len);
}

void glass_pci_config_set(struct glass_device *d, unsigned offset,
			  const void *bytes, unsigned len)
{
	if (!d->pci || offset > PCI_CONFIG_SIZE ||
	    len > PCI_CONFIG_SIZE - offset || offset < 0x40) {
		device_abi_error(d, "config bytes 0x%x+%u are not the "
				 "device's to set", offset, len);
		return;
	}
	if (!bytes && len) {
		device_abi_error(d, "config bytes from a NULL pointer");
		return;
	}
	if (len)        /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(d->pci->cfg + offset, bytes, len);
}

uint32_t glass_pci_config_get(struct glass_device *d, unsigned offset,
			      unsigned size)
{
	if (!d->pci || (size != 1 && size != 2 && size != 4) ||
	    offset > PCI_CONFIG_SIZE - size) {
		device_abi_error(d, "config read 0x%x size %u refused", offset,
				 size);
		return 0;
	}
	return pci_config_read(d->pci, offset, size);
}
