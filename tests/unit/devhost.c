/* The unit tests' one-device machine (devhost.h). */
#include <stdio.h>
#include <string.h>

#include "devhost.h"
#include "harness.h"

static uint64_t now(void *opaque)
{
	return ((struct devhost *)opaque)->now_ns;
}

static void line_set(void *opaque, int n, int level)
{
	struct devhost *h = opaque;

	if (n >= 0 && n < DEVHOST_LINES) {
		h->line[n] = level;
		h->line_changes[n]++;
	}
}

static void serial_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct devhost *h = opaque;

	for (size_t i = 0; i < len && h->nsent < sizeof(h->sent); i++)
		h->sent[h->nsent++] = buf[i];
}

static struct chardev *find_chardev(void *opaque, const char *id)
{
	struct devhost *h = opaque;

	return !strcmp(id, "serial0") ? &h->serial : NULL;
}

static void request(void *opaque, enum glass_request req, int code)
{
	struct devhost *h = opaque;

	if ((unsigned)req < 3)
		h->requests[req]++;
	h->last_code = code;
}

static void record(void *opaque, const struct bus_event *e)
{
	struct devhost *h = opaque;

	if (h->nevents < DEVHOST_EVENTS)
		h->event_kind[h->nevents] = e->kind;
	h->nevents++;
	if ((unsigned)e->kind < EVK_NR)
		h->kind_count[e->kind]++;
	if (h->tap)
		h->tap(h->tap_opaque, e);
}

static void quiet_log(void *opaque, const char *device, const char *text)
{
}

static void add_pci(struct devhost *h)
{
	struct pci_window io = { PCI_WIN_IO, 0x03000000, 0, 0x10000, NULL };
	struct pci_window m32 = { PCI_WIN_MEM32, 0x40000000, 0x40000000,
				  0x40000000, NULL };
	struct pci_window m64 = { PCI_WIN_MEM64, 0x400000000ull,
				  0x400000000ull, 0x400000000ull, NULL };
	struct pci_window in = { PCI_WIN_MEM64, DEVHOST_RAM, 0, 0x10000000,
				 NULL };
	struct irq_line intx[PCI_NUM_INTX];

	for (int i = 0; i < PCI_NUM_INTX; i++)
		intx[i] = (struct irq_line){ line_set, h, i };
	CHECK_EQ(pci_host_init(&h->pci, &h->as, 0x30000000, 0x1000000, &io,
			       &m32, &m64, &in, intx), 0);
	h->pci.sink = &h->sink;
	h->has_pci = true;
}

void devhost_init(struct devhost *h, bool pci)
{
	if (h->live)
		devhost_destroy(h);
	memset(h, 0, sizeof(*h));
	h->live = true;
	as_init(&h->as);
	struct region *r = as_add_ram(&h->as, "ram", DEVHOST_RAM,
				      DEVHOST_RAM_SIZE);
	CHECK(r != NULL);
	h->ram = r ? r->host : NULL;
	h->sink = (struct event_sink){ EV_ALL, record, h };
	h->as.sink = &h->sink;
	h->clock = (struct vclock){ .now_ns = now, .opaque = h };
	h->serial = (struct chardev){ .id = "serial0", .write = serial_write,
				      .opaque = h };
	h->env = (struct device_env){
		.as = &h->as, .sink = &h->sink, .clock = &h->clock,
		.nharts = 1, .request = request, .chardev = find_chardev,
		.log = quiet_log, .opaque = h,
	};
	if (pci) {
		add_pci(h);
		h->env.pci = &h->pci;
	}
}

struct glass_device *devhost_platform(struct devhost *h,
				      const struct glass_device_class *cls,
				      const char *props, uint64_t base,
				      uint64_t size, unsigned nlines)
{
	struct platform_place p = { .name = cls->name, .base = base,
				    .size = size, .nirqs = nlines };

	for (unsigned i = 0; i < nlines && i < DEVICE_MAX_IRQS; i++) {
		p.irqs[i] = (struct irq_line){ line_set, h, (int)i };
		p.sources[i] = i + 1;
	}
	h->base = base;
	h->dev = device_create(&h->env, cls, props, &p, cls->name);
	return h->dev;
}

struct glass_device *devhost_pci(struct devhost *h,
				 const struct glass_device_class *cls,
				 const char *props)
{
	h->dev = device_create(&h->env, cls, props, NULL, cls->name);
	return h->dev;
}

static const struct glass_attrs hart0 = { .initiator = 0, .priv = 3 };

enum mem_status devhost_access_as(struct devhost *h, uint64_t pa,
				  unsigned size, uint64_t *val, bool write,
				  const struct glass_attrs *who)
{
	if (write)
		return as_write(&h->as, pa, size, *val, who);
	return as_read(&h->as, pa, size, val, who);
}

enum mem_status devhost_access(struct devhost *h, uint64_t pa, unsigned size,
			       uint64_t *val, bool write)
{
	return devhost_access_as(h, pa, size, val, write, &hart0);
}

uint64_t devhost_rd(struct devhost *h, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	CHECK_EQ(devhost_access(h, h->base + off, size, &v, false), MEM_OK);
	return v;
}

void devhost_wr(struct devhost *h, uint64_t off, uint64_t val, unsigned size)
{
	CHECK_EQ(devhost_access(h, h->base + off, size, &val, true), MEM_OK);
}

void devhost_set_time(struct devhost *h, uint64_t now_ns)
{
	h->now_ns = now_ns;
	vclock_run(&h->clock);
}

void devhost_reset(struct devhost *h)
{
	if (h->dev)
		device_reset(h->dev);
}

unsigned devhost_events(const struct devhost *h, enum ev_kind kind)
{
	return (unsigned)kind < EVK_NR ? h->kind_count[kind] : 0;
}

void devhost_destroy(struct devhost *h)
{
	if (!h->live)
		return;
	device_destroy(h->dev);
	h->dev = NULL;
	as_destroy(&h->as);
	h->live = false;
}
