/* The virt board: builds the address space from the memory-map table,
 * wires device interrupt lines to the PLIC and the harts, and runs them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/riscv.h"
#include "machine/boot.h"
#include "dev/hostfs.h"
#include "machine/devices.h"
#include "machine/hypercall_host.h"
#include "machine/monitor.h"
#include "machine/machine.h"
#include "machine/virt.h"

/* Instructions a hart runs before the others get a turn and timers,
 * console and HTIF are looked at. Bounds interrupt latency to ~100 us. */
#define SLICE 10000

static uint64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t machine_time_ns(const struct machine *m)
{
	return host_ns() - m->clock_start_ns;
}

static uint64_t clock_now(void *opaque)
{
	return machine_time_ns(opaque);
}

static uint64_t hart_time(void *opaque)
{
	struct machine *m = opaque;
	return clint_mtime(&m->clint);
}

void machine_request_exit(struct machine *m, int code)
{
	m->exit_requested = true;
	m->exit_code = code;
	for (unsigned i = 0; i < m->nharts; i++)
		m->harts[i].stop = true;
}

/* irq_line target for per-hart interrupt bits: n = hart * 64 + mip bit */
static void hart_irq(void *opaque, int n, int level)
{
	struct machine *m = opaque;
	hart_set_mip(&m->harts[n / 64], 1ull << (n % 64), level);
}

static void finisher_request(void *opaque, enum finish_kind kind, int code)
{
	struct machine *m = opaque;

	switch (kind) {
	case FINISH_POWEROFF:
		machine_request_exit(m, 0);
		break;
	case FINISH_FAIL:
		/* exit statuses are 8 bits: keep a failure a failure */
		machine_request_exit(m, code == 0 ? 1 : code > 255 ? 255 : code);
		break;
	case FINISH_RESET:
		machine_request_reset(m);
		break;
	}
}

void machine_request_reset(struct machine *m)
{
	m->reset_requested = true;
	for (unsigned i = 0; i < m->nharts; i++)
		m->harts[i].stop = true;
}

static void uart_tx(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;
	console_putc(&m->console, byte);
}

static void protect_code_page(void *opaque, uint64_t pa_page)
{
	struct machine *m = opaque;
	for (unsigned i = 0; i < m->nharts; i++)
		hart_protect_code_page(&m->harts[i], pa_page);
}

static void flush_all_tlbs(void *opaque)
{
	struct machine *m = opaque;
	for (unsigned i = 0; i < m->nharts; i++)
		hart_flush_tlb(&m->harts[i]);
}

/* Every device interrupt line passes here on its way to the PLIC, so the
 * trace can show line changes without devices knowing about it. */
static void plic_source(void *opaque, int source, int level)
{
	struct machine *m = opaque;

	if (ev_on(&m->tracer.sink, EV_IRQ)) {
		struct bus_event e = {
			.cat = EV_IRQ, .offset = source, .value = level,
			.ok = true, .devfn = -1, .what = "plic source",
		};
		m->tracer.sink.emit(&m->tracer, &e);
	}
	plic_set_irq(&m->plic, source, level);
}

static struct irq_line plic_line(struct machine *m, int source)
{
	return (struct irq_line){ plic_source, m, source };
}

static int add_devices(struct machine *m)
{
	struct irq_line ctx[PLIC_MAX_CONTEXTS] = { 0 };
	struct irq_line msip[CLINT_MAX_HARTS] = { 0 }, mtip[CLINT_MAX_HARTS] = { 0 };
	struct vclock clock = { clock_now, m };

	for (unsigned h = 0; h < m->nharts; h++) {
		ctx[2 * h] = (struct irq_line){ hart_irq, m, h * 64 + IRQ_MEI };
		ctx[2 * h + 1] = (struct irq_line){ hart_irq, m, h * 64 + IRQ_SEI };
		msip[h] = (struct irq_line){ hart_irq, m, h * 64 + IRQ_MSI };
		mtip[h] = (struct irq_line){ hart_irq, m, h * 64 + IRQ_MTI };
	}
	plic_init(&m->plic, VIRT_PLIC_SOURCES, 2 * m->nharts, ctx);
	clint_init(&m->clint, m->nharts, clock, msip, mtip);
	uart16550_init(&m->uart, plic_line(m, VIRT_UART0_IRQ), uart_tx, m);
	goldfish_rtc_init(&m->rtc, clock, (int64_t)wall_ns(),
			  plic_line(m, VIRT_RTC_IRQ));
	finisher_init(&m->finisher, finisher_request, m);

	const struct { enum virt_region id; const struct mmio_ops *ops; void *dev; }
	devs[] = {
		{ VIRT_TEST, &finisher_ops, &m->finisher },
		{ VIRT_RTC, &goldfish_rtc_ops, &m->rtc },
		{ VIRT_CLINT, &clint_ops, &m->clint },
		{ VIRT_PLIC, &plic_ops, &m->plic },
		{ VIRT_UART0, &uart16550_ops, &m->uart },
	};
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		const struct virt_map_entry *e = &virt_map[devs[i].id];
		if (!as_add_mmio(&m->as, e->name, e->base, e->size, 1,
				 devs[i].ops, devs[i].dev))
			return -1;
	}
	return 0;
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

int machine_plug_pci(struct machine *m, struct pci_func *f)
{
	for (unsigned slot = 1; slot < PCI_MAX_SLOTS; slot++) {
		if (m->pci.slots[slot])
			continue;
		if (pci_host_plug(&m->pci, f, slot) < 0)
			break;
		return 0;
	}
	fprintf(stderr, "glass: no room for another PCI device\n");
	return -1;
}

static void reset_harts(struct machine *m)
{
	for (unsigned i = 0; i < m->nharts; i++)
		hart_reset(&m->harts[i], virt_map[VIRT_BOOTROM].base);
}

/* A system reset, as the finisher's 0x7777 or SBI reboot ask for: devices
 * back to power-on state and, as QEMU does, the images loaded afresh (the
 * firmware expects its data segment as it was). RAM is not cleared. */
static int machine_reset(struct machine *m)
{
	uart16550_reset(&m->uart);
	plic_reset(&m->plic);
	clint_reset(&m->clint);
	hypercall_reset(&m->hypercall);
	pci_host_reset(&m->pci);
	m->tohost = m->fromhost = 0;
	m->htif = false;
	if (boot_prepare(m) < 0)
		return -1;
	reset_harts(m);
	return 0;
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

int machine_init(struct machine *m, const struct machine_config *cfg)
{
	const struct virt_map_entry *rom = &virt_map[VIRT_BOOTROM];
	const struct virt_map_entry *ram = &virt_map[VIRT_DRAM];

	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->share_dirfd = -1;
	if (cfg->share_dir) {
		m->share_dirfd = hostfs_open_share(cfg->share_dir);
		if (m->share_dirfd < 0) {
			fprintf(stderr, "glass: --share %s: %s\n", cfg->share_dir,
				strerror(errno));
			return -1;
		}
	}
	m->nharts = cfg->nharts;
	/* harts are big (decoded-code cache): only the ones asked for */
	m->harts = calloc(m->nharts, sizeof(*m->harts));
	if (!m->harts) {
		fprintf(stderr, "glass: cannot allocate %u harts\n", m->nharts);
		return -1;
	}
	m->clock_start_ns = host_ns();
	as_init(&m->as);
	m->as.on_change = flush_all_tlbs;
	m->as.on_change_opaque = m;
	m->as.on_code = protect_code_page;
	m->as.on_code_opaque = m;
	/* the tracer itself starts with the run (open_outputs); until then
	 * its mask is zero and nothing is emitted */
	m->as.sink = &m->tracer.sink;
	console_open(&m->console, -1, STDOUT_FILENO);

	m->rom = as_add_rom(&m->as, rom->name, rom->base, rom->size);
	m->ram = as_add_ram(&m->as, ram->name, ram->base, cfg->ram_size);
	if (!m->rom || !m->ram) {
		fprintf(stderr, "glass: cannot allocate %llu MiB of guest RAM\n",
			(unsigned long long)(cfg->ram_size >> 20));
		return -1;
	}
	if (add_devices(m) < 0 || add_pci(m) < 0 ||
	    machine_add_hypercall(m) < 0) {
		fprintf(stderr, "glass: too many regions in the memory map\n");
		return -1;
	}
	m->pci.sink = &m->tracer.sink;
	if (devices_create(m) < 0)
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
	console_close(&m->console);
	if (m->stats.out && m->ran)
		stats_dump(&m->stats, "exit");
	stats_close(&m->stats);
	tracer_close(&m->tracer);
	devices_destroy(m);
	as_destroy(&m->as);
	if (m->share_dirfd >= 0)
		close(m->share_dirfd);
	m->share_dirfd = -1;
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

static bool uart_accepts(void *opaque)
{
	return uart16550_can_receive(opaque);
}

static void uart_deliver(void *opaque, uint8_t byte)
{
	uart16550_receive(opaque, byte);
}

/* Let device time pass: timers and the RTC alarm raise their lines. */
static void tick_devices(struct machine *m)
{
	clint_update(&m->clint);
	goldfish_rtc_update(&m->rtc);
	if (m->htif)
		htif_poll(m);
}

/* How long an idle machine may sleep before a timer needs it, in ms. */
static int idle_timeout_ms(const struct machine *m)
{
	uint64_t ns = clint_ns_until_next(&m->clint);

	if (ns > 100000000ull)
		return 100; /* wake now and then anyway (RTC alarm, quit) */
	return (int)((ns + 999999) / 1000000);
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
	m->tracer.pci = &m->pci;
	if (stats_init(&m->stats, cfg->stats_file, m->harts, m->nharts,
		       &m->as) < 0)
		return -1;
	if (cfg->stats_file)
		tracer_attach_stats(&m->tracer, &m->stats, EV_ALL);
	return 0;
}

int machine_run(struct machine *m)
{
	if (open_outputs(m) < 0)
		return 1;
	enable_jit(m);
	console_close(&m->console);
	console_open(&m->console, STDIN_FILENO, STDOUT_FILENO);
	m->ran = true;
	if (m->cfg.monitor_stdio)
		console_set_monitor(&m->console, true);
	while (!m->exit_requested) {
		bool busy = false;
		for (unsigned i = 0; i < m->nharts; i++) {
			struct hart *h = &m->harts[i];
			if (h->wfi || h->stop)
				continue;
			hart_run(h, SLICE);
			busy = true;
		}
		for (unsigned i = 0; i < m->nharts; i++)
			m->harts[i].resv_valid = false;
		if (m->reset_requested) {
			m->reset_requested = false;
			if (machine_reset(m) < 0)
				machine_request_exit(m, 1);
			continue;
		}
		tick_devices(m);
		int timeout = 0;
		console_flush(&m->console);
		if (!busy && !m->exit_requested)
			timeout = idle_timeout_ms(m);
		switch (console_poll(&m->console, timeout, uart_accepts,
				     uart_deliver, &m->uart)) {
		case CONSOLE_QUIT:
			machine_request_exit(m, 0);
			break;
		case CONSOLE_COMMAND:
			run_monitor_line(m);
			break;
		case CONSOLE_SIGNAL:
			console_flush(&m->console);
			fprintf(stderr, "\r\nglass: terminating on signal %d\n",
				m->console.signo);
			machine_request_exit(m, 128 + m->console.signo);
			break;
		case CONSOLE_NONE:
			break;
		}
		if (timeout)
			tick_devices(m);
	}
	console_close(&m->console);
	return m->exit_code;
}
