/* Device-tree nodes: the builder helpers and the glass_fdt_* functions a
 * platform device's fdt_node hook calls. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "device/device.h"
#include "device/fdt_node.h"

int fdtb_node(struct fdt_builder *b, int parent, const char *name,
	      uint64_t unit)
{
	char full[64];

	if (unit != UINT64_MAX)
		snprintf(full, sizeof(full), "%s@%llx", name,
			 (unsigned long long)unit);
	else
		snprintf(full, sizeof(full), "%s", name);
	int off = b->err < 0 ? b->err : fdt_add_subnode(b->fdt, parent, full);
	if (off < 0)
		b->err = off;
	return off;
}

static void check(struct fdt_builder *b, int r)
{
	if (r < 0 && b->err >= 0)
		b->err = r;
}

void fdtb_u32(struct fdt_builder *b, int n, const char *p, uint32_t v)
{
	if (b->err >= 0)
		check(b, fdt_setprop_u32(b->fdt, n, p, v));
}

void fdtb_u64(struct fdt_builder *b, int n, const char *p, uint64_t v)
{
	if (b->err >= 0)
		check(b, fdt_setprop_u64(b->fdt, n, p, v));
}

void fdtb_str(struct fdt_builder *b, int n, const char *p, const char *v)
{
	if (b->err >= 0)
		check(b, fdt_setprop_string(b->fdt, n, p, v));
}

void fdtb_strs(struct fdt_builder *b, int n, const char *p, const char *v,
	       size_t len)
{
	if (b->err >= 0)
		check(b, fdt_setprop(b->fdt, n, p, v, (int)len));
}

void fdtb_empty(struct fdt_builder *b, int n, const char *p)
{
	if (b->err >= 0)
		check(b, fdt_setprop_empty(b->fdt, n, p));
}

void fdtb_cells(struct fdt_builder *b, int n, const char *p,
		const uint32_t *cells, unsigned count)
{
	fdt32_t be[128];

	if (count > 128) {
		check(b, -FDT_ERR_NOSPACE);
		return;
	}
	for (unsigned i = 0; i < count; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	if (b->err >= 0)
		check(b, fdt_setprop(b->fdt, n, p, be, count * sizeof(be[0])));
}

void fdtb_reg(struct fdt_builder *b, int n, uint64_t base, uint64_t size)
{
	uint32_t cells[4] = { base >> 32, (uint32_t)base, size >> 32,
			      (uint32_t)size };
	fdtb_cells(b, n, "reg", cells, 4);
}

int device_fdt(const struct glass_device *d, struct fdt_builder *b,
	       int parent, uint32_t *next_phandle)
{
	struct glass_fdt f = {
		.b = b, .parent = parent, .node = -1, .dev = d,
		.next_phandle = next_phandle,
	};

	if (d->pci || !d->cls->fdt_node)
		return 0;
	if (d->cls->fdt_node(d->self, &f) < 0 && b->err >= 0)
		b->err = -FDT_ERR_BADVALUE;
	return b->err < 0 ? -1 : 0;
}

void device_fdt_set_phandle(struct glass_fdt *f, uint32_t phandle)
{
	if (f->node < 0)
		return;
	f->phandle = phandle;
	fdtb_u32(f->b, f->node, "phandle", phandle);
}

/* interrupts of a device node: its lines that reach PLIC sources */
static void node_interrupts(struct glass_fdt *f)
{
	const struct platform_place *p = &f->dev->place;
	uint32_t cells[DEVICE_MAX_IRQS];
	unsigned n = 0;

	for (unsigned i = 0; i < p->nirqs; i++)
		if (p->sources[i])
			cells[n++] = p->sources[i];
	if (!n)
		return;
	fdtb_u32(f->b, f->node, "interrupt-parent", FDT_PHANDLE_PLIC);
	fdtb_cells(f->b, f->node, "interrupts", cells, n);
}

int glass_fdt_begin(struct glass_fdt *f, const char *name)
{
	const struct platform_place *p = &f->dev->place;

	f->phandle = 0;
	f->node = fdtb_node(f->b, f->parent, name, p->base);
	if (f->node < 0)
		return -1;
	fdtb_reg(f->b, f->node, p->base, p->size);
	node_interrupts(f);
	return f->b->err < 0 ? -1 : 0;
}

int glass_fdt_begin_plain(struct glass_fdt *f, const char *name)
{
	f->phandle = 0;
	f->node = fdtb_node(f->b, f->parent, name, UINT64_MAX);
	return f->node < 0 ? -1 : 0;
}

uint32_t glass_fdt_phandle(struct glass_fdt *f)
{
	if (f->node < 0)
		return 0;
	if (!f->phandle)
		device_fdt_set_phandle(f, (*f->next_phandle)++);
	return f->phandle;
}

void glass_fdt_prop_string(struct glass_fdt *f, const char *prop,
			   const char *value)
{
	if (f->node >= 0 && prop && value)
		fdtb_str(f->b, f->node, prop, value);
}

void glass_fdt_prop_strings(struct glass_fdt *f, const char *prop,
			    const char *const *values)
{
	char buf[256];
	size_t len = 0;

	if (f->node < 0 || !prop || !values)
		return;
	for (; *values; values++) {
		size_t n = strlen(*values) + 1;
		if (len + n > sizeof(buf)) {
			check(f->b, -FDT_ERR_NOSPACE);
			return;
		}
		memcpy(buf + len, *values, n);
		len += n;
	}
	fdtb_strs(f->b, f->node, prop, buf, len);
}

void glass_fdt_prop_u32(struct glass_fdt *f, const char *prop, uint32_t value)
{
	if (f->node >= 0 && prop)
		fdtb_u32(f->b, f->node, prop, value);
}

void glass_fdt_prop_cells(struct glass_fdt *f, const char *prop,
			  const uint32_t *cells, unsigned n)
{
	if (f->node >= 0 && prop && (cells || !n))
		fdtb_cells(f->b, f->node, prop, cells, n);
}

void glass_fdt_prop_empty(struct glass_fdt *f, const char *prop)
{
	if (f->node >= 0 && prop)
		fdtb_empty(f->b, f->node, prop);
}
