/* The machine's side of the hypercall device: what each callback of
 * struct hc_host does on the virt board, for both transports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/hostfs.h"
#include "machine/devices.h"
#include "machine/hypercall_host.h"
#include "machine/virt.h"

static uint64_t hc_current_hart(void *opaque)
{
	struct machine *m = opaque;
	int h = m->as.origin.initiator;
	return h < 0 ? 0 : (uint64_t)h;
}

static uint64_t hc_time_ns(void *opaque)
{
	return machine_time_ns(opaque);
}

static uint64_t hc_instret(void *opaque)
{
	struct machine *m = opaque;
	uint64_t n = 0;

	for (unsigned i = 0; i < m->nharts; i++)
		n += m->harts[i].instret;
	return n;
}

static void hc_exit(void *opaque, int code)
{
	machine_request_exit(opaque, code);
}

static void hc_reset(void *opaque)
{
	machine_request_reset(opaque);
}

static void hc_event(struct machine *m, const char *what)
{
	struct bus_event e = {
		.cat = EV_HYPERCALL, .origin = &m->as.origin, .ok = true,
		.devfn = -1, .what = what,
	};
	ev_emit(&m->tracer.sink, &e);
}

static void hc_log(void *opaque, uint64_t hart, uint64_t instret,
		   const char *text, uint64_t len)
{
	struct machine *m = opaque;
	char what[96];

	console_flush(&m->console);
	fprintf(stderr, "glass: hart%llu @%llu: %.*s\n", (unsigned long long)hart,
		(unsigned long long)instret, (int)len, text);
	snprintf(what, sizeof(what), "log %.*s", len > 64 ? 64 : (int)len, text);
	hc_event(m, what);
}

static const char *op_name(uint64_t op)
{
	static const struct { uint64_t op; const char *name; } names[] = {
		{ HC_OP_PING, "PING" }, { HC_OP_EXIT, "EXIT" },
		{ HC_OP_LOG, "LOG" }, { HC_OP_ROI_BEGIN, "ROI_BEGIN" },
		{ HC_OP_ROI_END, "ROI_END" }, { HC_OP_MARKER, "MARKER" },
		{ HC_OP_STATS_RESET, "STATS_RESET" },
		{ HC_OP_STATS_DUMP, "STATS_DUMP" },
		{ HC_OP_CHECKPOINT, "CHECKPOINT" },
		{ HC_OP_HOST_READ, "HOST_READ" },
		{ HC_OP_HOST_WRITE, "HOST_WRITE" }, { HC_OP_TRACE, "TRACE" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].op == op)
			return names[i].name;
	return op >= HC_OP_USER_FIRST && op <= HC_OP_USER_LAST ? "user" : "unknown";
}

static void hc_op_done(void *opaque, unsigned channel, uint64_t op,
		       const uint64_t arg[6], int64_t status,
		       const uint64_t ret[2])
{
	struct machine *m = opaque;
	char what[160];

	if (!ev_on(&m->tracer.sink, EV_HYPERCALL))
		return;
	snprintf(what, sizeof(what), "ch%u op=0x%02llx %s arg0=0x%llx arg1=0x%llx"
		 " -> status=%lld ret0=0x%llx ret1=0x%llx", channel,
		 (unsigned long long)op, op_name(op),
		 (unsigned long long)arg[0], (unsigned long long)arg[1],
		 (long long)status, (unsigned long long)ret[0],
		 (unsigned long long)ret[1]);
	hc_event(m, what);
}

static void hc_putc(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;

	console_flush(&m->console);
	fputc(byte, stderr);
}

static void hc_roi(void *opaque, bool begin, uint64_t id)
{
	char what[48];

	snprintf(what, sizeof(what), "roi %s %llu", begin ? "begin" : "end",
		 (unsigned long long)id);
	hc_event(opaque, what);
}

static void hc_marker(void *opaque, uint64_t id)
{
	char what[48];

	snprintf(what, sizeof(what), "marker %llu", (unsigned long long)id);
	hc_event(opaque, what);
}

static void hc_stats_reset(void *opaque)
{
	struct machine *m = opaque;
	stats_reset(&m->stats);
}

/* Without --stats the dump goes to glass's log (stderr). */
static int hc_stats_dump(void *opaque, const char *name)
{
	struct machine *m = opaque;

	if (m->stats.out)
		return stats_dump(&m->stats, name);
	console_flush(&m->console);
	stats_write(&m->stats, stderr, name, false);
	return 0;
}

/* The guest's TRACE mask uses glass's category bits (mmio = bit 0 ...). */
static uint64_t hc_trace_set(void *opaque, uint64_t mask, bool on)
{
	struct machine *m = opaque;
	return tracer_set(&m->tracer, (uint32_t)mask & EV_ALL, on);
}

/* Platform instance: DMA addresses are CPU physical. */
static int platform_dma_read(void *opaque, uint64_t addr, void *buf,
			     uint64_t len)
{
	struct machine *m = opaque;
	return as_dma_read(&m->as, addr, buf, len) == MEM_OK ? 0 : -1;
}

static int platform_dma_write(void *opaque, uint64_t addr, const void *buf,
			      uint64_t len)
{
	struct machine *m = opaque;
	return as_dma_write(&m->as, addr, buf, len) == MEM_OK ? 0 : -1;
}

static struct hc_host base_host(struct machine *m)
{
	return (struct hc_host){
		.opaque = m,
		.current_hart = hc_current_hart,
		.time_ns = hc_time_ns,
		.instret = hc_instret,
		.exit = hc_exit,
		.reset = hc_reset,
		.log = hc_log,
		.putc = hc_putc,
		.roi = hc_roi,
		.marker = hc_marker,
		.stats_reset = hc_stats_reset,
		.stats_dump = hc_stats_dump,
		.trace_set = hc_trace_set,
		.op_done = hc_op_done,
		.dma_read = platform_dma_read,
		.dma_write = platform_dma_write,
		.share = { .dirfd = m->share_dirfd },
	};
}

int machine_add_hypercall(struct machine *m)
{
	const struct virt_map_entry *e = &virt_map[VIRT_HYPERCALL];
	struct hc_host host = base_host(m);

	hypercall_init(&m->hypercall, &host, m->nharts + 1);
	return as_add_mmio(&m->as, e->name, e->base, e->size, 1,
			   &hypercall_ops, &m->hypercall) ? 0 : -1;
}

/* PCI instance: DMA addresses are bus addresses, through the bridge. */
static int pci_dma_rd(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	struct hypercall *hc = opaque;
	return pci_dma_read(&hc->pci, addr, buf, len);
}

static int pci_dma_wr(void *opaque, uint64_t addr, const void *buf,
		      uint64_t len)
{
	struct hypercall *hc = opaque;
	return pci_dma_write(&hc->pci, addr, buf, len);
}

static int hc_pci_create(struct machine *m, const char *props, void **state)
{
	static const char *const known[] = { NULL };

	if (props_check("-device glass-hypercall", props, known) < 0)
		return -1;
	struct hypercall *hc = calloc(1, sizeof(*hc));
	if (!hc)
		return -1;
	*state = hc;
	/* everything as for the platform instance, but DMA goes through
	 * the host bridge (bus addresses, Bus Master Enable) */
	struct hc_host host = base_host(m);
	host.dma_read = pci_dma_rd;
	host.dma_write = pci_dma_wr;
	host.dma_opaque = hc;
	hypercall_init(hc, &host, m->nharts + 1);
	hypercall_pci_init(hc);
	return machine_plug_pci(m, &hc->pci);
}

const struct device_type hypercall_pci_type = {
	"glass-hypercall",
	"glass hypercall device on PCI (1234:676c, BAR0 64 KiB)",
	hc_pci_create, free,
};
