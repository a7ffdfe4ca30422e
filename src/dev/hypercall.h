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
#include "glass/device.h"

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

/* FEATURES: groups 0x00, 0x10, 0x20, 0x30, 0x50, 0x60; bit 4 (0x40,
 * CHECKPOINT) when a checkpoint hook is registered; bits 8..15 (user
 * groups 0x80..0xf0) when a user_op hook is. */
#define HC_FEATURES_BASE 0x6full
#define HC_FEATURES_CHECKPOINT 0x10ull
#define HC_FEATURES_USER 0xff00ull

#define HC_ROI_SLOTS 16
#define HC_LATCH_HARTS 64

struct hypercall;

/* What the device asks of the machine. Every callback is required unless
 * marked optional. */
struct hc_host {
	void *opaque;
	uint64_t (*time_ns)(void *opaque);        /* guest virtual time */
	uint64_t (*instret)(void *opaque);        /* all harts */
	void (*exit)(void *opaque, int code);     /* stop after this store */
	void (*reset)(void *opaque);
	/* `who` made the doorbell store (its hart, pc) */
	void (*log)(void *opaque, const struct glass_attrs *who,
		    uint64_t instret, const char *text, uint64_t len);
	void (*putc)(void *opaque, uint8_t byte);
	/* statistics and tracing (optional) */
	void (*roi)(void *opaque, const struct glass_attrs *who, bool begin,
		    uint64_t id);
	void (*marker)(void *opaque, const struct glass_attrs *who,
		       uint64_t id);
	void (*stats_reset)(void *opaque);
	int (*stats_dump)(void *opaque, const char *name);
	uint64_t (*trace_set)(void *opaque, uint64_t mask, bool on);
	/* HOST_READ/HOST_WRITE root (--share DIR, hostfs_open_share);
	 * share.dirfd = -1 when not shared */
	struct hostfs share;
	/* ops 0x80..0xff (optional): return 0 or a negative HC_E* code for
	 * STATUS; ret[] starts zeroed. Absent: those ops are -ENOSYS. */
	int (*user_op)(void *opaque, uint64_t op, const uint64_t arg[6],
		       uint64_t ret[2]);
	/* CHECKPOINT (optional; absent: -ENOSYS), arguments checked: name
	 * (len bytes, no NUL) from DATA, exit_after = ARG1. Returns 0 when
	 * the machine will save at the end of the round (and may then change
	 * the channel's STATUS and RET0 with hypercall_set_result), or a
	 * negative HC_E* code for STATUS. */
	int (*checkpoint)(void *opaque, struct hypercall *h, unsigned channel,
			  const char *name, uint64_t len, bool exit_after);
	/* optional: told after every operation (the hypercall trace) */
	void (*op_done)(void *opaque, const struct glass_attrs *who,
			unsigned channel, uint64_t op, const uint64_t arg[6],
			int64_t status, const uint64_t ret[2]);
};

struct hc_channel {
	uint8_t claimed;
	uint64_t op;
	uint64_t arg[6];
	int64_t status;
	uint64_t ret[2];
	uint8_t data[HC_DATA_SIZE];
};

/* Everything the guest can see: saved in snapshots as it is. */
struct hc_state {
	struct hc_channel ch[HC_MAX_CHANNELS];
	uint64_t roi_start[HC_ROI_SLOTS];  /* instret at ROI_BEGIN, per slot */
	uint64_t roi_id[HC_ROI_SLOTS];  /* the region id in each slot */
	uint16_t roi_active;      /* slots between ROI_BEGIN and ROI_END */
	/* TIME_NS/INSTRET read as 32-bit halves: the low-half read latches
	 * the value and the high-half read returns its top, per hart, so the
	 * two halves always belong together */
	uint64_t latch[HC_LATCH_HARTS];
};

struct hypercall {
	struct hc_state s;
	struct glass_device *dev;
	struct hc_host host;
	unsigned nchannels;
	uint64_t ops_run;         /* doorbells rung */
	uint64_t guest_errors;
};

/* Set up an instance with `nchannels` channels (1..HC_MAX_CHANNELS) and
 * its one 64 KiB window: BAR0 of a PCI function, or the platform
 * device's window. For a class's realize. */
int hypercall_realize(struct hypercall *h, struct glass_device *dev,
		      const struct hc_host *host, unsigned nchannels,
		      bool pci);

/* Set channel `channel`'s (0-based) STATUS and RET0 (the machine's answer
 * to a CHECKPOINT, given between instructions). */
void hypercall_set_result(struct hypercall *h, unsigned channel,
			  int64_t status, uint64_t ret0);

/* Back to power-on state (channels released, registers zero, no region
 * open); the host callbacks and share stay. A class's reset. */
void hypercall_reset(void *self);

/* A class's info line. */
void hypercall_info(void *self, char *buf, size_t len);

/* The register covering window offset `offset` (built in *d), or NULL.
 * Page 0's registers and each channel page's are 64-bit and take 8 bytes
 * or a 32-bit half; DATA takes 1, 2, 4 and 8 bytes at any alignment.
 * With `buf`, d->name is the name the trace shows, in buf: "MAGIC",
 * "TIME_NS.hi" (the upper 32-bit half), "ch3.ARG0", "ch3.ARG0.hi",
 * "ch3.DATA+0x10". */
const struct glass_reg *hypercall_reg_at(uint64_t offset, struct glass_reg *d,
					 char *buf, size_t len);

#endif
