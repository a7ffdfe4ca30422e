/* The machine's side of the hypercall device: what each callback of
 * struct hc_host does on the virt board, for both transports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/hostfs.h"
#include "dev/hypercall.h"
#include "machine/checkpoint.h"
#include "machine/hypercall_host.h"
#include "machine/machine.h"

static uint64_t hc_time_ns(void *opaque)
{
	return machine_time_ns(opaque);
}

static uint64_t hc_instret(void *opaque)
{
	struct machine *m = opaque;
	uint64_t n = 0;

	for (unsigned i = 0; i < m->nharts; i++) {
		struct hart_counters c;
		hart_get_counters(&m->harts[i], &c);
		n += c.instret;
	}
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

static void hc_note(struct machine *m, const struct glass_attrs *who,
		    enum hcall_note what, uint64_t id, const char *text,
		    uint64_t len)
{
	struct bus_event e = {
		.kind = EVK_HCALL_NOTE, .who = who,
		.note = { .what = what, .id = id, .text = text, .len = len },
	};
	ev_emit(&m->tracer.sink, &e);
}

static void hc_log(void *opaque, const struct glass_attrs *who,
		   uint64_t instret, const char *text, uint64_t len)
{
	struct machine *m = opaque;
	uint64_t hart = who && who->initiator >= 0 ? (uint64_t)who->initiator : 0;

	console_flush(&m->console);
	fprintf(stderr, "glass: hart%llu @%llu: %.*s\n", (unsigned long long)hart,
		(unsigned long long)instret, (int)len, text);
	hc_note(m, who, HC_NOTE_LOG, 0, text, len);
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

static void hc_op_done(void *opaque, const struct glass_attrs *who,
		       unsigned channel, uint64_t op, const uint64_t arg[6],
		       int64_t status, const uint64_t ret[2])
{
	struct machine *m = opaque;

	if (!ev_on(&m->tracer.sink, EV_HYPERCALL))
		return;
	struct bus_event e = {
		.kind = EVK_HCALL, .who = who,
		.hcall = { .channel = channel, .op = op, .name = op_name(op),
			   .status = status, .ret = { ret[0], ret[1] } },
	};
	memcpy(e.hcall.arg, arg, sizeof(e.hcall.arg));
	m->tracer.sink.emit(&m->tracer, &e);
}

static void hc_putc(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;

	console_flush(&m->console);
	fputc(byte, stderr);
}

static void hc_roi(void *opaque, const struct glass_attrs *who, bool begin,
		   uint64_t id)
{
	hc_note(opaque, who, begin ? HC_NOTE_ROI_BEGIN : HC_NOTE_ROI_END, id,
		NULL, 0);
}

static void hc_marker(void *opaque, const struct glass_attrs *who,
		      uint64_t id)
{
	hc_note(opaque, who, HC_NOTE_MARKER, id, NULL, 0);
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

static int hc_checkpoint(void *opaque, struct hypercall *h, unsigned channel,
			 const char *name, uint64_t len, bool exit_after)
{
	return checkpoint_request(opaque, h, channel, name, len, exit_after);
}

static struct hc_host machine_host(struct machine *m)
{
	return (struct hc_host){
		.opaque = m,
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
		.checkpoint = hc_checkpoint,
		.op_done = hc_op_done,
		.share = { .dirfd = m->share_dirfd },
	};
}

/* Both transports are the same model with the same services; DMA goes
 * through the host bridge on PCI (bus addresses, Bus Master Enable) and
 * to physical addresses on the platform instance, which the device
 * framework does for it. CHANNELS is the number of harts + 1. */
static int hc_realize(void *self, struct glass_device *dev, bool pci)
{
	struct machine *m = device_env(dev)->opaque;
	struct hc_host host = machine_host(m);

	return hypercall_realize(self, dev, &host, m->nharts + 1, pci);
}

static int hc_pci_realize(void *self, struct glass_device *dev)
{
	return hc_realize(self, dev, true);
}

static int hc_mmio_realize(void *self, struct glass_device *dev)
{
	return hc_realize(self, dev, false);
}

static int hc_fdt(void *self, struct glass_fdt *fdt)
{
	if (glass_fdt_begin(fdt, "hypercall") < 0)
		return -1;
	glass_fdt_prop_string(fdt, "compatible", "glass,hypercall-v1");
	return 0;
}

const struct glass_device_class hypercall_pci_class = {
	.name = "glass-hypercall",
	.desc = "glass hypercall device on PCI (1234:676c, BAR0 64 KiB)",
	.bus = GLASS_BUS_PCI,
	.instance_size = sizeof(struct hypercall),
	.state_size = sizeof(struct hc_state),
	.state_version = 1,
	.pci = { .vendor = HC_VENDOR_ID, .device = HC_DEVICE_ID,
		 .class_code = HC_CLASS, .pin = 0 },
	.realize = hc_pci_realize,
	.reset = hypercall_reset,
	.info = hypercall_info,
};

const struct glass_device_class hypercall_mmio_class = {
	.name = "glass-hypercall-mmio",
	.desc = "glass hypercall device, platform instance (glass,hypercall-v1)",
	.bus = GLASS_BUS_PLATFORM,
	.instance_size = sizeof(struct hypercall),
	.state_size = sizeof(struct hc_state),
	.state_version = 1,
	.platform_size = HC_WINDOW_SIZE,
	.realize = hc_mmio_realize,
	.reset = hypercall_reset,
	.info = hypercall_info,
	.fdt_node = hc_fdt,
};
