/* Events for the see-through trace and the statistics, as plain data. Any
 * layer may emit them through an event_sink without knowing who formats
 * them (trace/ does); a disabled category costs one mask test at the
 * emitting site, and the RAM fast path never emits anything.
 *
 * Each event has a kind, and each kind its own payload (the union member
 * of the same name) and a category (ev_category_of), which is what users
 * switch on and off with --trace. Strings in a payload are valid only
 * while the event is being emitted.
 */
#ifndef GLASS_CORE_EVENTS_H
#define GLASS_CORE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "glass/bus.h"

enum ev_category {
	EV_MMIO = 1u << 0,
	EV_PCI_CONFIG = 1u << 1,
	EV_DMA = 1u << 2,
	EV_IRQ = 1u << 3,
	EV_PAGEWALK = 1u << 4,
	EV_HYPERCALL = 1u << 5,
	EV_GUEST_ERROR = 1u << 6,
	EV_VIRTIO = 1u << 7,
	EV_ALL = (1u << 8) - 1,
};

enum ev_kind {
	EVK_MMIO,         /* a device access: mmio */
	EVK_CONFIG,       /* a PCI config space access: pci-config */
	EVK_BAR,          /* a BAR starts or stops decoding: pci-config */
	EVK_DMA,          /* a device's bus-master transfer: dma */
	EVK_IRQ_LINE,     /* an interrupt line changed level: irq */
	EVK_INTERRUPT,    /* a hart took an interrupt: irq */
	EVK_WALK,         /* a page-table walk and its result: pagewalk */
	EVK_HCALL,        /* a hypercall operation ran: hypercall */
	EVK_HCALL_NOTE,   /* LOG text, ROI begin/end, MARKER: hypercall */
	EVK_BAD_ACCESS,   /* an access the bus did not serve as asked: guest-error */
	EVK_DEVICE_ERROR, /* a device noticed a guest error: guest-error */
	EVK_VIRTIO,       /* a virtqueue or virtio status step: virtio */
	EVK_NR
};

/* A device access (mmio). The region is the device's (mem/). */
struct ev_mmio {
	const struct region *region;
	uint64_t pa;
	uint64_t offset;       /* within the device's window */
	uint64_t value;
	uint8_t size;
	bool write;
};

/* A configuration space access through ECAM. */
struct ev_config {
	uint64_t pa;           /* the ECAM address */
	int devfn;             /* slot << 3 | function */
	const char *device;    /* the function's name; "absent" */
	uint32_t offset;       /* in the function's config space */
	const char *reg;       /* the header register's name, or NULL */
	uint32_t value;
	uint8_t size;
	bool write;
	const char *note;      /* "sizing", "size mask: 4096 bytes"; or NULL */
};

/* A BAR (or the expansion ROM) mapped or unmapped by the host bridge. */
struct ev_bar {
	int devfn;
	const char *device;
	int bar;               /* 0..5, 6 for the ROM */
	bool mapped;
	uint64_t cpu;          /* CPU physical address */
	uint64_t bus;          /* PCI bus address */
	uint64_t size;
};

/* A DMA transfer: by a PCI function through the bridge's inbound window,
 * or by a platform device at a physical address (devfn -1, bus == pa). */
struct ev_dma {
	int devfn;
	const char *device;
	bool write;            /* into guest memory */
	bool ok;
	uint64_t bus;
	uint64_t pa;           /* when the bridge could translate */
	uint64_t len;
	const char *why;       /* refused: why */
};

/* An interrupt line changed level: a PLIC input (source), or a PCI
 * function's INTx pin on its way to the bridge (device set; source is
 * the bridge's line, 0..3, that the pin is swizzled onto). */
struct ev_irq_line {
	unsigned source;
	int level;
	const char *what;      /* "plic source", "INTA".."INTD" */
	const char *device;    /* the PCI function, or NULL */
	int devfn;
};

/* A hart took an interrupt (who is the hart). */
struct ev_interrupt {
	unsigned cause;        /* mcause without the interrupt bit */
	const char *what;      /* "interrupt taken: supervisor timer" */
};

/* A page-table walk (who carries va). */
struct ev_walk {
	uint64_t va;
	bool ok;
	uint64_t pa;           /* ok */
	uint64_t pte;          /* ok: the leaf */
	const char *why;       /* !ok: "load page fault" */
};

/* A hypercall operation, with its arguments and results. */
struct ev_hcall {
	unsigned channel;
	uint64_t op;
	const char *name;      /* "PING"; "user"; "unknown" */
	uint64_t arg[6];
	int64_t status;
	uint64_t ret[2];
};

enum hcall_note { HC_NOTE_LOG, HC_NOTE_ROI_BEGIN, HC_NOTE_ROI_END,
		  HC_NOTE_MARKER };

struct ev_hcall_note {
	enum hcall_note what;
	uint64_t id;           /* ROI or marker id */
	const char *text;      /* LOG: the text (not terminated) */
	uint64_t len;
};

/* An access the bus refused, answered itself, or could not decode. */
struct ev_bad_access {
	const struct region *region;   /* NULL: nothing decodes pa */
	uint64_t pa;
	uint64_t offset;               /* within the region */
	uint8_t size;
	bool write;
	const char *why;               /* "no register here: reads all ones" */
};

/* A device reported a guest programming error. */
struct ev_device_error {
	int devfn;                     /* -1: not a PCI function */
	const char *device;
	const char *why;
	/* optional: a DMA range (len != 0) or a config register */
	uint64_t bus, len;
	bool config;
	uint32_t offset, value;
};

/* virtio (src/virtio/): what happened to a device or one of its queues. */
enum ev_virtio_what {
	VEV_NOTIFY,       /* the driver notified a queue (offset: where) */
	VEV_CHAIN,        /* a descriptor chain was read (segs) */
	VEV_REQUEST,      /* the device decoded a request (text) */
	VEV_USED,         /* a used-ring entry (head, len, idx) */
	VEV_INTERRUPT,    /* the device raised its interrupt (isr) */
	VEV_STATUS,       /* the driver wrote the status byte */
};

struct ev_virtio_seg {
	uint64_t addr;                 /* bus address */
	uint32_t len;
	uint16_t flags;                /* VRING_DESC_F_* (INDIRECT: a table) */
};

struct ev_virtio {
	enum ev_virtio_what what;
	int devfn;                     /* -1: virtio-mmio */
	const char *device;
	int queue;                     /* -1: the device, not a queue */
	uint64_t offset;               /* NOTIFY: offset in the window/BAR */
	uint16_t head, idx;            /* CHAIN, USED: head; USED: new idx */
	uint32_t len;                  /* USED: bytes written */
	unsigned nsegs;                /* CHAIN */
	const struct ev_virtio_seg *segs;
	const char *text;              /* REQUEST; NOTIFY: "bar4", "window" */
	uint8_t isr, status;           /* INTERRUPT, STATUS */
};

struct bus_event {
	enum ev_kind kind;
	const struct glass_attrs *who;   /* the initiating hart; may be NULL */
	union {
		struct ev_mmio mmio;
		struct ev_config config;
		struct ev_bar bar;
		struct ev_dma dma;
		struct ev_irq_line irq_line;
		struct ev_interrupt interrupt;
		struct ev_walk walk;
		struct ev_hcall hcall;
		struct ev_hcall_note note;
		struct ev_bad_access bad;
		struct ev_device_error deverr;
		struct ev_virtio virtio;
	};
};

/* The category of each kind. */
static inline enum ev_category ev_category_of(enum ev_kind k)
{
	static const uint8_t cat_bit[EVK_NR] = {
		[EVK_MMIO] = 0, [EVK_CONFIG] = 1, [EVK_BAR] = 1, [EVK_DMA] = 2,
		[EVK_IRQ_LINE] = 3, [EVK_INTERRUPT] = 3, [EVK_WALK] = 4,
		[EVK_HCALL] = 5, [EVK_HCALL_NOTE] = 5, [EVK_BAD_ACCESS] = 6,
		[EVK_DEVICE_ERROR] = 6, [EVK_VIRTIO] = 7,
	};
	return (enum ev_category)(1u << cat_bit[k]);
}

struct event_sink {
	uint32_t mask;        /* enabled categories */
	void (*emit)(void *opaque, const struct bus_event *e);
	void *opaque;
};

static inline bool ev_on(const struct event_sink *s, enum ev_category c)
{
#ifdef GLASS_NO_TRACE	/* baseline of bench/trace_overhead.py only: no emit sites */
	return false;
#endif
	return s && (s->mask & c);
}

static inline void ev_emit(const struct event_sink *s, const struct bus_event *e)
{
	if (ev_on(s, ev_category_of(e->kind)))
		s->emit(s->opaque, e);
}

#endif
