/* The glass hypercall device, version 1 (../shared/spec/hypercall.md): a
 * guest-to-emulator channel in one 64 KiB register window. One model, two
 * transports: a PCI function (1234:676c, BAR0) and a platform instance in
 * the device tree (glass,hypercall-v1). The device knows nothing of harts:
 * everything it needs from the machine comes through struct hc_host.
 */
#ifndef GLASS_DEV_HYPERCALL_H
#define GLASS_DEV_HYPERCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/hostfs.h"   /* HC_E* status codes */
#include "mem/mmio.h"
#include "pci/pci.h"

#define HC_WINDOW_SIZE 0x10000
#define HC_PAGE_SIZE 0x1000
#define HC_MAX_CHANNELS 15        /* pages 1..15 */
#define HC_DATA_OFFSET 0x100
#define HC_DATA_SIZE (HC_PAGE_SIZE - HC_DATA_OFFSET)  /* 3840 */
#define HC_MAGIC 0x3143485353414c47ull                /* "GLASSHC1" */
#define HC_VERSION 1
#define HC_VENDOR_ID 0x1234
#define HC_DEVICE_ID 0x676c
#define HC_CLASS 0xff0000        /* base 0xff: "unassigned class" */
#define HC_DMA_MAX (64ull << 20) /* longest HOST_READ/WRITE DMA per op */

/* page 0 */
#define HC_REG_MAGIC 0x000
#define HC_REG_VERSION 0x008
#define HC_REG_FEATURES 0x010
#define HC_REG_CHANNELS 0x018
#define HC_REG_HARTID 0x020
#define HC_REG_TIME_NS 0x028
#define HC_REG_INSTRET 0x030
#define HC_REG_FINISH 0x040
#define HC_REG_PUTC 0x048
/* channel page N at N * HC_PAGE_SIZE */
#define HC_CH_CLAIM 0x000
#define HC_CH_OP 0x008
#define HC_CH_ARG0 0x010         /* ARGn at HC_CH_ARG0 + 8 * n */
#define HC_CH_DOORBELL 0x040
#define HC_CH_STATUS 0x048
#define HC_CH_RET0 0x050
#define HC_CH_RET1 0x058

#define HC_FINISH_PASS 0x5555
#define HC_FINISH_FAIL 0x3333    /* | code << 16; code 0 exits with 1 */
#define HC_FINISH_RESET 0x7777
#define HC_PUTC_READ 0xe9

enum hc_op {
	HC_OP_PING = 0x00,
	HC_OP_EXIT = 0x10,
	HC_OP_LOG = 0x11,
	HC_OP_ROI_BEGIN = 0x20,
	HC_OP_ROI_END = 0x21,
	HC_OP_MARKER = 0x22,
	HC_OP_STATS_RESET = 0x30,
	HC_OP_STATS_DUMP = 0x31,
	HC_OP_CHECKPOINT = 0x40,
	HC_OP_HOST_READ = 0x50,
	HC_OP_HOST_WRITE = 0x51,
	HC_OP_TRACE = 0x60,
	HC_OP_USER_FIRST = 0x80,
	HC_OP_USER_LAST = 0xff,
};

/* FEATURES: groups 0x00, 0x10, 0x20, 0x30, 0x50, 0x60 (not 0x40,
 * CHECKPOINT); bits 8..15 (user groups 0x80..0xf0) when a user_op hook is
 * registered. */
#define HC_FEATURES_BASE 0x6full
#define HC_FEATURES_USER 0xff00ull

#define HC_ROI_SLOTS 16
#define HC_LATCH_HARTS 64

/* What the device asks of the machine. Every callback is required unless
 * marked optional. */
struct hc_host {
	void *opaque;
	uint64_t (*current_hart)(void *opaque);   /* who is accessing */
	uint64_t (*time_ns)(void *opaque);        /* guest virtual time */
	uint64_t (*instret)(void *opaque);        /* all harts */
	void (*exit)(void *opaque, int code);     /* stop after this store */
	void (*reset)(void *opaque);
	void (*log)(void *opaque, uint64_t hart, uint64_t instret,
		    const char *text, uint64_t len);
	void (*putc)(void *opaque, uint8_t byte);
	/* statistics and tracing (optional) */
	void (*roi)(void *opaque, bool begin, uint64_t id);
	void (*marker)(void *opaque, uint64_t id);
	void (*stats_reset)(void *opaque);
	int (*stats_dump)(void *opaque, const char *name);
	uint64_t (*trace_set)(void *opaque, uint64_t mask, bool on);
	/* bulk data: DMA at a bus (PCI) or physical (platform) address;
	 * return 0, or -1 if refused or not entirely guest RAM */
	int (*dma_read)(void *opaque, uint64_t addr, void *buf, uint64_t len);
	/* passed to dma_read/dma_write instead of opaque when set (a
	 * transport's DMA path may differ from the machine it reports to) */
	void *dma_opaque;
	int (*dma_write)(void *opaque, uint64_t addr, const void *buf,
			 uint64_t len);
	/* HOST_READ/HOST_WRITE root (--share DIR, hostfs_open_share);
	 * share.dirfd = -1 when not shared */
	struct hostfs share;
	/* ops 0x80..0xff (optional): return 0 or a negative HC_E* code for
	 * STATUS; ret[] starts zeroed. Absent: those ops are -ENOSYS. */
	int (*user_op)(void *opaque, uint64_t op, const uint64_t arg[6],
		       uint64_t ret[2]);
	/* optional: told after every operation (the hypercall trace) */
	void (*op_done)(void *opaque, unsigned channel, uint64_t op,
			const uint64_t arg[6], int64_t status,
			const uint64_t ret[2]);
};

struct hc_channel {
	bool claimed;
	uint64_t op;
	uint64_t arg[6];
	int64_t status;
	uint64_t ret[2];
	uint8_t data[HC_DATA_SIZE];
};

struct hypercall {
	struct hc_host host;
	unsigned nchannels;
	struct hc_channel ch[HC_MAX_CHANNELS];
	uint64_t roi_start[16];   /* instret at ROI_BEGIN, per region id % 16 */
	uint64_t roi_id[HC_ROI_SLOTS];  /* the region id in each slot */
	uint16_t roi_active;      /* slots between ROI_BEGIN and ROI_END */
	/* TIME_NS/INSTRET read as 32-bit halves: the low-half read latches
	 * the value and the high-half read returns its top, per hart, so the
	 * two halves always belong together */
	uint64_t latch[HC_LATCH_HARTS];
	uint64_t ops_run;         /* doorbells rung */
	uint64_t guest_errors;
	struct pci_func pci;      /* used by the PCI transport only */
};

extern const struct mmio_ops hypercall_ops;

/* Initialise with `nchannels` channels (1..HC_MAX_CHANNELS). For the PCI
 * transport also call hypercall_pci_init and plug h->pci. */
void hypercall_init(struct hypercall *h, const struct hc_host *host,
		    unsigned nchannels);
void hypercall_pci_init(struct hypercall *h);

/* Back to power-on state (channels released, registers zero, no region
 * open); the host callbacks and share stay. The PCI transport's reset
 * calls this too. */
void hypercall_reset(struct hypercall *h);

/* hypercall_ops.reg_at: the register covering window offset `offset`
 * (built in *d), or NULL. Page 0's registers and each channel page's are
 * 64-bit and take 8 bytes or a 32-bit half; DATA takes 1, 2, 4 and 8 bytes
 * at any alignment. With `buf`, d->name is the name the trace shows, in
 * buf: "MAGIC", "TIME_NS.hi" (the upper 32-bit half), "ch3.ARG0",
 * "ch3.ARG0.hi", "ch3.DATA+0x10". */
const struct reg_desc *hypercall_reg_at(uint64_t offset, struct reg_desc *d,
					char *buf, size_t len);

#endif
