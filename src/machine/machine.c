/* The virt board: builds the address space and the board's devices from
 * the memory-map table, wires interrupt lines to the PLIC and the harts,
 * adds the user's devices, and runs the harts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/riscv.h"
#include "dev/clint.h"
#include "dev/hostfs.h"
#include "dev/plic.h"
#include "device/plugin.h"
#include "gdb/gdb.h"
#include "machine/boot.h"
#include "machine/checkpoint.h"
#include "machine/classes.h"
#include "machine/icount.h"
#include "machine/monitor.h"
#include "machine/machine.h"
#include "machine/replay.h"
#include "machine/virt.h"
#include "snapshot/snapshot.h"
#include "virtio/dev/classes.h"

static uint64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t machine_time_ns(const struct machine *m)
{
	if (m->cfg.icount)
		return m->time_bias_ns + (m->icount << m->cfg.icount_shift);
	if (m->paused)
		return m->paused_ns;
	return host_ns() - m->clock_start_ns;
}

/* On the host clock a stopped machine freezes time and takes it up again
 * where it left off; under -icount time is made of instructions and
 * stands still on its own while nothing runs. */
void machine_pause(struct machine *m, bool pause)
{
	if (pause == m->paused)
		return;
	if (!m->cfg.icount && pause)
		m->paused_ns = machine_time_ns(m);
	else if (!m->cfg.icount)
		m->clock_start_ns = host_ns() - m->paused_ns;
	m->paused = pause;
}

void machine_set_time(struct machine *m, uint64_t ns)
{
	if (m->cfg.icount)
		m->time_bias_ns = ns - (m->icount << m->cfg.icount_shift);
	else if (m->paused)
		m->paused_ns = ns;  /* taken up from here by machine_pause */
	else
		m->clock_start_ns = host_ns() - ns;
}

static uint64_t clock_now(void *opaque)
{
	return machine_time_ns(opaque);
}

static uint64_t hart_time(void *opaque)
{
	struct machine *m = opaque;
	return m->clint ? clint_mtime(m->clint) : 0;
}

void machine_request_exit(struct machine *m, int code)
{
	m->exit_requested = true;
	m->exit_code = code;
	for (unsigned i = 0; i < m->nharts; i++)
		hart_request_stop(&m->harts[i]);
}

void machine_request_reset(struct machine *m)
{
	m->reset_requested = true;
	for (unsigned i = 0; i < m->nharts; i++)
		hart_request_stop(&m->harts[i]);
}

/* What devices ask of the machine (glass_machine_request). */
static void device_request(void *opaque, enum glass_request req, int code)
{
	struct machine *m = opaque;

	switch (req) {
	case GLASS_REQUEST_POWEROFF:
		machine_request_exit(m, 0);
		break;
	case GLASS_REQUEST_RESET:
		machine_request_reset(m);
		break;
	case GLASS_REQUEST_EXIT:
		/* exit statuses are 8 bits: keep a failure a failure */
		machine_request_exit(m, code < 0 ? 1 : code > 255 ? 255 : code);
		break;
	}
}

static void device_log(void *opaque, const char *device, const char *text)
{
	struct machine *m = opaque;

	console_flush(&m->console);
	fprintf(stderr, "glass: %s: %s\n", device, text);
}

void machine_hart_irq(void *opaque, int n, int level)
{
	struct machine *m = opaque;
	hart_set_mip(&m->harts[n / 64], 1ull << (n % 64), level);
}

/* Every device interrupt line passes here on its way to the PLIC, so the
 * trace can show line changes without devices knowing about it. */
static void plic_source(void *opaque, int source, int level)
{
	struct machine *m = opaque;

	if (ev_on(&m->tracer.sink, EV_IRQ)) {
		struct bus_event e = {
			.kind = EVK_IRQ_LINE,
			.irq_line = { .source = (unsigned)source,
				      .level = level, .what = "plic source",
				      .device = source < VIRT_PLIC_SOURCES ?
						m->source_device[source] : NULL,
				      .devfn = -1 },
		};
		m->tracer.sink.emit(&m->tracer, &e);
	}
	if (m->plic)
		plic_set_irq(m->plic, source, level);
}

/* Which device drives a PLIC source (for the trace): platform devices
 * have lines of their own; the PCI lines are shared, and their events
 * name the function instead (pci/host.c). */
static void name_source(struct machine *m, unsigned source, const char *name)
{
	if (source < VIRT_PLIC_SOURCES)
		m->source_device[source] = name;
}

static struct irq_line plic_line(struct machine *m, int source)
{
	return (struct irq_line){ plic_source, m, source };
}

static struct irq_line hart_line(struct machine *m, unsigned hart,
				 unsigned bit)
{
	return (struct irq_line){ machine_hart_irq, m, (int)(hart * 64 + bit) };
}

/* ---- the console as the character backend "serial0" ---- */

static void serial_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct machine *m = opaque;

	for (size_t i = 0; i < len; i++)
		console_putc(&m->console, buf[i]);
}

static struct chardev *find_chardev(void *opaque, const char *id)
{
	struct machine *m = opaque;

	return !strcmp(id, m->serial.id) ? &m->serial :
					   backends_chardev(m, id);
}

static bool serial_accepts(void *opaque)
{
	struct machine *m = opaque;
	return m->serial.can_receive && m->serial.can_receive(m->serial.fe);
}

static void serial_deliver(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;

	if (replay_active(m))
		return; /* the recording types, not the host */
	replay_record_console(m, byte);
	m->serial.receive(m->serial.fe, byte);
}

/* While a replay feeds the console, host input is read (for Ctrl-A and
 * the monitor) and dropped. */
static bool serial_accepts_input(void *opaque)
{
	struct machine *m = opaque;

	return replay_active(m) || serial_accepts(opaque);
}

/* ---- devices ---- */

static void append_device(struct machine *m, struct glass_device *d)
{
	struct glass_device **p = &m->devices;

	while (*p)
		p = &(*p)->next;
	*p = d;
}

/* Where a board row's device goes and what its lines reach. */
static void board_place(struct machine *m, const struct virt_map_entry *e,
			struct platform_place *p)
{
	*p = (struct platform_place){ .name = e->name, .base = e->base,
				      .size = e->size };
	switch (e->wiring) {
	case WIRE_HART_EXT:
		for (unsigned h = 0; h < m->nharts; h++) {
			p->irqs[2 * h] = hart_line(m, h, IRQ_MEI);
			p->irqs[2 * h + 1] = hart_line(m, h, IRQ_SEI);
		}
		p->nirqs = 2 * m->nharts;
		break;
	case WIRE_HART_CLINT:
		for (unsigned h = 0; h < m->nharts; h++) {
			p->irqs[h] = hart_line(m, h, IRQ_MSI);
			p->irqs[m->nharts + h] = hart_line(m, h, IRQ_MTI);
		}
		p->nirqs = 2 * m->nharts;
		break;
	case WIRE_PLIC:
		for (unsigned i = 0; i < e->cls->platform_irqs &&
				     i < DEVICE_MAX_IRQS; i++) {
			p->irqs[i] = plic_line(m, e->irq + (int)i);
			p->sources[i] = (unsigned)e->irq + i;
			name_source(m, p->sources[i], e->name);
		}
		p->nirqs = e->cls->platform_irqs;
		break;
	}
}

/* The board's devices, from the table: the interrupt controllers first
 * (they are what other devices' lines are wired to, and a reset, which
 * goes in the reverse order, then finds every line low). */
static int create_board_devices(struct machine *m)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < VIRT_NR_REGIONS; i++) {
			const struct virt_map_entry *e = &virt_map[i];
			bool intc = e->cls && e->wiring != WIRE_PLIC;
			if (!e->cls || intc != (pass == 0))
				continue;
			struct platform_place p;
			char props[64], what[48];
			board_place(m, e, &p);
			snprintf(props, sizeof(props), "id=%s", e->name);
			if (intc)
				snprintf(props, sizeof(props), "id=%s,harts=%u",
					 e->name, m->nharts);
			snprintf(what, sizeof(what), "board device %s", e->name);
			struct glass_device *d =
				device_create(&m->denv, e->cls, props, &p, what);
			if (!d)
				return -1;
			append_device(m, d);
			if (e->wiring == WIRE_HART_EXT)
				m->plic = device_self(d);
			if (e->wiring == WIRE_HART_CLINT)
				m->clint = device_self(d);
		}
	}
	return 0;
}

/* A window on the platform bus for a -device platform device: page
 * aligned, in order; and its interrupt lines from the bus's sources. */
static int platform_bus_place(struct machine *m,
			      const struct glass_device_class *cls,
			      struct platform_place *p)
{
	const struct virt_map_entry *bus = &virt_map[VIRT_PLATFORM_BUS];
	uint64_t size = (cls->platform_size + 0xfff) & ~0xfffull;

	if (!size || size > bus->size - m->platform_next ||
	    cls->platform_irqs > VIRT_PLATFORM_BUS_IRQS - m->platform_irq_next) {
		fprintf(stderr, "glass: -device %s: no room left on the "
			"platform bus\n", cls->name);
		return -1;
	}
	*p = (struct platform_place){ .name = cls->name,
				      .base = bus->base + m->platform_next,
				      .size = size };
	for (unsigned i = 0; i < cls->platform_irqs; i++) {
		unsigned src = VIRT_PLATFORM_BUS_IRQ + m->platform_irq_next + i;
		p->irqs[i] = plic_line(m, (int)src);
		p->sources[i] = src;
		name_source(m, src, cls->name);
	}
	p->nirqs = cls->platform_irqs;
	m->platform_next += size;
	m->platform_irq_next += cls->platform_irqs;
	return 0;
}

/* A virtio-mmio device goes into the next free of the board's eight
 * slots, from the top as on QEMU (the first -device is at 0x1000_8000,
 * PLIC source 8). */
static int virtio_slot_place(struct machine *m,
			     const struct glass_device_class *cls,
			     struct platform_place *p)
{
	static const char *const names[VIRT_VIRTIO_SLOTS] = {
		"virtio-mmio0", "virtio-mmio1", "virtio-mmio2", "virtio-mmio3",
		"virtio-mmio4", "virtio-mmio5", "virtio-mmio6", "virtio-mmio7",
	};
	const struct virt_map_entry *v = &virt_map[VIRT_VIRTIO];
	unsigned n = VIRT_VIRTIO_SLOTS - 1 - m->virtio_next;

	if (m->virtio_next >= VIRT_VIRTIO_SLOTS) {
		fprintf(stderr, "glass: -device %s: all %d virtio-mmio slots "
			"are taken\n", cls->name, VIRT_VIRTIO_SLOTS);
		return -1;
	}
	*p = (struct platform_place){ .name = names[n],
				      .base = v->base +
					      n * VIRT_VIRTIO_SLOT_SIZE,
				      .size = VIRT_VIRTIO_SLOT_SIZE,
				      .nirqs = 1 };
	p->irqs[0] = plic_line(m, VIRT_VIRTIO_IRQ + (int)n);
	p->sources[0] = VIRT_VIRTIO_IRQ + n;
	m->virtio_next++;
	return 0;
}

int machine_add_device(struct machine *m, const char *arg)
{
	char name[48], what[320], rest[512];
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	const char *props = comma ? comma + 1 : "";
	const struct glass_device_class *cls;
	struct platform_place place, *where = NULL;
	void *handle = NULL;

	snprintf(name, sizeof(name), "%.*s", (int)(n < 47 ? n : 47), arg);
	if (!strcmp(name, "plugin")) {
		cls = plugin_load(props, rest, sizeof(rest), &handle);
		if (!cls)
			return -1;
		snprintf(what, sizeof(what), "-device plugin (%s)", cls->name);
		props = rest;
	} else {
		cls = machine_class_find(name);
		if (!cls)
			return -1; /* machine_class_find said why */
		snprintf(what, sizeof(what), "-device %s", name);
	}
	if (cls->bus == GLASS_BUS_PLATFORM) {
		if ((virtio_class_is_mmio(cls) ?
		     virtio_slot_place(m, cls, &place) :
		     platform_bus_place(m, cls, &place)) < 0)
			goto fail;
		where = &place;
	}
	struct glass_device *d = device_create(&m->denv, cls, props, where,
					       what);
	if (!d)
		goto fail;
	d->dl = handle;
	append_device(m, d);
	return 0;
fail:
	plugin_close(handle);
	return -1;
}

/* Devices in creation order, and how many. */
static unsigned device_list(struct machine *m, struct glass_device **out,
			    unsigned max)
{
	unsigned n = 0;

	for (struct glass_device *d = m->devices; d && n < max; d = d->next)
		out[n++] = d;
	return n;
}

#define MAX_MACHINE_DEVICES 64

/* Every device back to power-on state, in the reverse order of creation:
 * the interrupt controllers last, when the lines into them are low. */
static void reset_devices(struct machine *m)
{
	struct glass_device *list[MAX_MACHINE_DEVICES];
	unsigned n = device_list(m, list, MAX_MACHINE_DEVICES);

	while (n--)
		device_reset(list[n]);
}

static void destroy_devices(struct machine *m)
{
	struct glass_device *list[MAX_MACHINE_DEVICES];
	unsigned n = device_list(m, list, MAX_MACHINE_DEVICES);

	while (n--)
		device_destroy(list[n]);
	m->devices = NULL;
	m->plic = m->clint = NULL;
}

/* The bridge's windows, from the memory map; the memory windows and DMA
 * are shifted by the pci-bus-offset machine option. */
static int add_pci(struct machine *m)
{
	const struct virt_map_entry *io = &virt_map[VIRT_PCIE_PIO];
	const struct virt_map_entry *m32 = &virt_map[VIRT_PCIE_MMIO];
	const struct virt_map_entry *m64 = &virt_map[VIRT_PCIE_MMIO_HIGH];
	const struct virt_map_entry *ecam = &virt_map[VIRT_PCIE_ECAM];
	const struct virt_map_entry *ram = &virt_map[VIRT_DRAM];
	uint64_t off = m->cfg.pci_bus_offset;
	struct pci_window w_io = { PCI_WIN_IO, io->base, 0, io->size, NULL };
	struct pci_window w_m32 = { PCI_WIN_MEM32, m32->base, m32->base - off,
				    m32->size, NULL };
	struct pci_window w_m64 = { PCI_WIN_MEM64, m64->base, m64->base - off,
				    m64->size, NULL };
	struct pci_window w_in = { PCI_WIN_MEM64, ram->base, ram->base - off,
				   m->cfg.ram_size, NULL };
	struct irq_line intx[PCI_NUM_INTX];

	for (int i = 0; i < PCI_NUM_INTX; i++)
		intx[i] = plic_line(m, VIRT_PCIE_IRQ + i);
	return pci_host_init(&m->pci, &m->as, ecam->base, ecam->size, &w_io,
			     &w_m32, &w_m64, &w_in, intx);
}

static void reset_harts(struct machine *m)
{
	for (unsigned i = 0; i < m->nharts; i++)
		hart_reset(&m->harts[i], virt_map[VIRT_BOOTROM].base);
}

/* A system reset, as the finisher's 0x7777 or SBI reboot ask for: every
 * device back to power-on state and, as QEMU does, the images loaded
 * afresh (the firmware expects its data segment as it was). RAM is not
 * cleared. */
static int machine_reset(struct machine *m)
{
	reset_devices(m);
	m->tohost = m->fromhost = 0;
	m->htif = false;
	if (boot_prepare(m) < 0)
		return -1;
	reset_harts(m);
	return 0;
}

static void flush_all_tlbs(void *opaque)
{
	struct machine *m = opaque;
	for (unsigned i = 0; i < m->nharts; i++)
		hart_flush_tlb(&m->harts[i]);
}

static void protect_code_page(void *opaque, uint64_t pa_page)
{
	struct machine *m = opaque;
	for (unsigned i = 0; i < m->nharts; i++)
		hart_protect_code_page(&m->harts[i], pa_page);
}

static int open_share(struct machine *m)
{
	m->share_dirfd = -1;
	if (!m->cfg.share_dir)
		return 0;
	m->share_dirfd = hostfs_open_share(m->cfg.share_dir);
	if (m->share_dirfd < 0) {
		fprintf(stderr, "glass: --share %s: %s\n", m->cfg.share_dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int add_memory(struct machine *m)
{
	const struct virt_map_entry *rom = &virt_map[VIRT_BOOTROM];
	const struct virt_map_entry *ram = &virt_map[VIRT_DRAM];

	as_init(&m->as);
	m->as.on_change = flush_all_tlbs;
	m->as.on_change_opaque = m;
	m->as.on_code = protect_code_page;
	m->as.on_code_opaque = m;
	/* the tracer itself starts with the run (open_outputs); until then
	 * its mask is zero and nothing is emitted */
	m->as.sink = &m->tracer.sink;
	m->rom = as_add_rom(&m->as, rom->name, rom->base, rom->size);
	m->ram = as_add_ram(&m->as, ram->name, ram->base, m->cfg.ram_size);
	if (!m->rom || !m->ram) {
		fprintf(stderr, "glass: cannot allocate %llu MiB of guest RAM\n",
			(unsigned long long)(m->cfg.ram_size >> 20));
		return -1;
	}
	return 0;
}

static void init_device_env(struct machine *m)
{
	m->clock = (struct vclock){ .now_ns = clock_now, .opaque = m };
	m->serial = (struct chardev){ .id = "serial0", .write = serial_write,
				      .opaque = m };
	m->denv = (struct device_env){
		.as = &m->as, .pci = &m->pci, .sink = &m->tracer.sink,
		.clock = &m->clock, .nharts = m->nharts,
		.request = device_request, .chardev = find_chardev,
		.backend = backends_find, .log = device_log,
		.deterministic = m->cfg.icount, .opaque = m,
	};
}

int machine_init(struct machine *m, const struct machine_config *cfg)
{
	memset(m, 0, sizeof(*m));
	m->checkpoint_dirfd = -1;
	m->cfg = *cfg;
	if (open_share(m) < 0 || checkpoint_open_dir(m) < 0)
		return -1;
	m->nharts = cfg->nharts;
	/* harts are big (decoded-code cache): only the ones asked for */
	m->harts = calloc(m->nharts, sizeof(*m->harts));
	if (!m->harts) {
		fprintf(stderr, "glass: cannot allocate %u harts\n", m->nharts);
		return -1;
	}
	m->clock_start_ns = host_ns();
	console_open(&m->console, -1, STDOUT_FILENO);
	init_device_env(m);
	if (add_memory(m) < 0)
		return -1;
	if (add_pci(m) < 0) {
		fprintf(stderr, "glass: too many regions in the memory map\n");
		return -1;
	}
	m->pci.sink = &m->tracer.sink;
	if (create_board_devices(m) < 0 || backends_open(m) < 0 ||
	    backends_poller(m) < 0)
		return -1;
	for (unsigned i = 0; i < cfg->ndevices; i++)
		if (machine_add_device(m, cfg->devices[i]) < 0)
			return -1;
	if (backends_add_devices(m) < 0)
		return -1;
	struct hart_env env = { &m->as, hart_time, m };
	for (unsigned i = 0; i < m->nharts; i++)
		hart_init(&m->harts[i], i, &env);
	if (boot_prepare(m) < 0)
		return -1;
	reset_harts(m);
	return 0;
}

void machine_destroy(struct machine *m)
{
	gdb_close(m);
	console_close(&m->console);
	if (m->stats.out && m->ran)
		stats_dump(&m->stats, "exit");
	stats_close(&m->stats);
	tracer_close(&m->tracer);
	destroy_devices(m);
	backends_close(m);
	as_destroy(&m->as);
	if (m->share_dirfd >= 0)
		close(m->share_dirfd);
	m->share_dirfd = -1;
	if (m->checkpoint_dirfd >= 0)
		close(m->checkpoint_dirfd);
	m->checkpoint_dirfd = -1;
	replay_close(m);
	free(m->fdt);
	m->fdt = NULL;
	for (unsigned i = 0; m->harts && i < m->nharts; i++)
		hart_destroy(&m->harts[i]);
	free(m->harts);
	m->harts = NULL;
}

/* Spike's HTIF: the guest writes tohost; (code << 1) | 1 ends the run,
 * device 1 command 1 prints a character. */
static void htif_poll(struct machine *m)
{
	uint64_t v, zero = 0;

	/* read, and write only when there is a request: a write releases
	 * the page's decoded code (address_space.h, "Code pages") */
	if (as_dma_read(&m->as, m->tohost, &v, 8) != MEM_OK || !v)
		return;
	uint64_t dev = v >> 56, cmd = (v >> 48) & 0xff;
	if (dev == 0 && (v & 1)) {
		uint64_t code = (v >> 1) & 0x7fffffff;
		machine_request_exit(m, code > 255 ? 255 : (int)code);
	} else if (dev == 1 && cmd == 1) {
		console_putc(&m->console, (uint8_t)v);
		uint64_t ack = (1ull << 56) | (1ull << 48);
		as_dma_write(&m->as, m->fromhost, &ack, 8); /* none: no ack */
	}
	as_dma_write(&m->as, m->tohost, &zero, 8);
}

/* Let device time pass: timers that are due fire. */
static void tick_devices(struct machine *m)
{
	vclock_run(&m->clock);
	if (m->htif)
		htif_poll(m);
}

/* How long an idle machine may sleep before a timer needs it, in ms. */
static int idle_timeout_ms(const struct machine *m)
{
	uint64_t next = vclock_next_deadline(&m->clock);
	uint64_t now = vclock_ns(&m->clock);

	if (next <= now)
		return 0;
	if (next - now > 100000000ull)
		return 100; /* wake now and then anyway (quit, signals) */
	return (int)((next - now + 999999) / 1000000);
}

/* A monitor answer goes to the terminal, with \r\n line ends because
 * the terminal is in raw mode. */
static void run_monitor_line(struct machine *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	bool quit = monitor_command(m, m->console.line, f);
	fclose(f);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			console_putc(&m->console, '\r');
		console_putc(&m->console, (uint8_t)text[i]);
	}
	free(text);
	console_flush(&m->console);
	if (quit)
		machine_request_exit(m, 0);
	else
		console_prompt(&m->console);
}

/* Trace and statistics files are created only once the machine is built,
 * so a startup error leaves none behind (and never truncates one). */
static int open_outputs(struct machine *m)
{
	const struct machine_config *cfg = &m->cfg;

	if (tracer_init(&m->tracer, cfg->trace_file, cfg->trace_format,
			cfg->trace_mask, &cfg->trace_filter) < 0)
		return -1;
	m->tracer.now_ns = clock_now;
	m->tracer.now_opaque = m;
	if (stats_init(&m->stats, cfg->stats_file, m->harts, m->nharts,
		       &m->as) < 0)
		return -1;
	if (cfg->stats_file)
		tracer_attach_stats(&m->tracer, &m->stats, EV_ALL);
	return 0;
}

/* How far hart i may run this round, given the slice: all of it, unless
 * a debugger or the monitor stopped the machine or runs the harts one by
 * one. */
static uint64_t hart_budget(struct machine *m, unsigned i, uint64_t slice)
{
	if (m->gdb)
		return gdb_hart_budget(m->gdb, i, slice);
	return m->paused ? 0 : slice;
}

bool machine_run_hart(struct machine *m, unsigned i, uint64_t slice)
{
	struct hart *h = &m->harts[i];
	uint64_t budget = hart_budget(m, i, slice);

	if (!hart_runnable(h) || !budget)
		return false;
	m->icount += hart_run_insns(h, budget);
	if (m->gdb)
		gdb_hart_ran(m->gdb, i);
	return true;
}

/* One round of the harts on the host clock: each runs a slice. */
static bool run_round(struct machine *m)
{
	bool busy = false;

	for (unsigned i = 0; i < m->nharts; i++)
		busy |= machine_run_hart(m, i, MACHINE_SLICE);
	return busy;
}

/* How long the end of a round may wait for host input: an idle machine
 * sleeps until its next timer on the host clock; under -icount it jumps
 * to that timer instead, and waits only when nothing is armed. A stopped
 * machine's time stands still: it waits for the debugger or the console
 * (both wake the poll). */
static int idle_wait_ms(struct machine *m, bool busy)
{
	if (busy || m->exit_requested)
		return 0;
	if (m->paused)
		return 100;
	if (!m->cfg.icount)
		return idle_timeout_ms(m);
	if (icount_idle(m) || replay_due(m))
		return 0;
	if (!replay_can_wait(m)) {
		machine_request_exit(m, 1);
		return 0;
	}
	return 100;
}

/* -loadvm, then --record/--replay (which start where the snapshot is). */
static int start_state(struct machine *m)
{
	char err[SNAPSHOT_ERR_LEN];

	if (m->cfg.loadvm && snapshot_load(m, m->cfg.loadvm, err,
					   sizeof(err)) < 0) {
		fprintf(stderr, "glass: -loadvm %s: %s\n", m->cfg.loadvm, err);
		return -1;
	}
	return replay_open(m);
}

/* -accel tcg,jit=on: every hart gets its share of the code cache
 * (tb-size), when the machine starts running (so -dumpdtb makes none). A
 * host that cannot keeps interpreting, which is only slower. */
static void enable_jit(struct machine *m)
{
	uint64_t each = m->cfg.tb_size / m->nharts;

	if (!m->cfg.jit)
		return;
	for (unsigned i = 0; i < m->nharts; i++) {
		if (!hart_jit_enable(&m->harts[i], each)) {
			fprintf(stderr, "glass: cannot set up the JIT's code "
				"cache; interpreting\n");
			return;
		}
	}
}

/* Host input: the console, signals and m->io (sockets, the gdbstub).
 * A machine that waits polls at once; a busy one every HOST_POLL_NS of
 * host time, not every round: poll() is a system call, which costs as
 * much as a round of translated code. Under -icount a busy machine polls
 * when its instruction count passes a multiple of ICOUNT_POLL_INSNS
 * (`before`: the count when the round began), so that input that is
 * always ready (a file on stdin) arrives at the same instruction in every
 * run, a restored one too. */
#define HOST_POLL_NS 200000ull
#define ICOUNT_POLL_INSNS 200000ull

static bool poll_due(struct machine *m, uint64_t before)
{
	if (m->cfg.icount)
		return before / ICOUNT_POLL_INSNS !=
		       m->icount / ICOUNT_POLL_INSNS;
	uint64_t now = host_ns();
	if (now - m->polled_ns < HOST_POLL_NS)
		return false;
	m->polled_ns = now;
	return true;
}

static enum console_event host_poll(struct machine *m, int timeout,
				    bool busy, uint64_t before)
{
	if (busy && !timeout && !poll_due(m, before))
		return CONSOLE_NONE;
	return console_poll(&m->console, timeout, serial_accepts_input,
			    serial_deliver, m, &m->io);
}

int machine_run(struct machine *m)
{
	if (m->cfg.start_paused)
		machine_pause(m, true);
	/* before the outputs: a socket glass cannot make truncates no file */
	if (m->cfg.gdb_dev && gdb_start(m, m->cfg.gdb_dev, stderr) < 0)
		return 1;
	if (open_outputs(m) < 0 || start_state(m) < 0)
		return 1;
	enable_jit(m);
	console_close(&m->console);
	console_open(&m->console, STDIN_FILENO, STDOUT_FILENO);
	m->ran = true;
	if (m->cfg.monitor_stdio)
		console_set_monitor(&m->console, true);
	while (!m->exit_requested) {
		uint64_t before = m->icount;
		bool busy = m->cfg.icount ? icount_run_round(m) : run_round(m);
		for (unsigned i = 0; i < m->nharts; i++)
			hart_end_slice(&m->harts[i]);
		if (m->reset_requested) {
			m->reset_requested = false;
			if (machine_reset(m) < 0)
				machine_request_exit(m, 1);
			continue;
		}
		tick_devices(m);
		console_flush(&m->console);
		int timeout = idle_wait_ms(m, busy);
		switch (host_poll(m, timeout, busy, before)) {
		case CONSOLE_QUIT:
			replay_record_quit(m);
			machine_request_exit(m, 0);
			break;
		case CONSOLE_COMMAND:
			run_monitor_line(m);
			break;
		case CONSOLE_SIGNAL:
			replay_record_quit(m);
			console_flush(&m->console);
			fprintf(stderr, "\r\nglass: terminating on signal %d\n",
				m->console.signo);
			machine_request_exit(m, 128 + m->console.signo);
			break;
		case CONSOLE_NONE:
			break;
		}
		/* host input reaches the guest here, at the end of a round
		 * (under -icount at a fixed instruction count): the frames
		 * slirp made, then what a replay has for this point */
		backends_net_deliver(m);
		if (!replay_deliver(m))
			machine_request_exit(m, 1);
		if (timeout)
			tick_devices(m);
		checkpoint_run(m);
	}
	if (m->gdb)
		gdb_machine_exit(m->gdb, m->exit_code);
	console_close(&m->console);
	replay_close(m);
	return m->exit_code;
}
