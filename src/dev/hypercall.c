/* The glass hypercall device, version 1 (spec: shared/spec/hypercall.md).
 *
 * Decisions the spec leaves open, made here:
 *
 * Accesses. Registers are 64-bit; an 8-byte access at the register, or a
 * 4-byte access at +0 (low half) or +4 (high half), is valid. DATA is
 * plain memory: 1, 2, 4 and 8-byte accesses at any alignment work there
 * (inside DATA). The register table (hypercall_reg_at) says so, and the
 * bus enforces it (GLASS_UNCLAIMED_ZERO): any other access (1 or 2 bytes at a
 * register, misaligned, running past DATA into the next page, or where no
 * register is) reads 0, is ignored on write and is a guest-error event,
 * without reaching this file. Writes to read-only registers, unknown
 * FINISH commands, non-zero CLAIM writes and pages past CHANNELS are
 * guest errors the device finds itself: it counts those in guest_errors
 * and reports them to the trace (guest-error category).
 * - Halves of read-only counters (TIME_NS, INSTRET): the low-half read
 *   latches the full value for the reading hart and the high-half read
 *   returns the latched top half, so a 32-bit guest reading low then high
 *   gets one consistent value (a high half with no preceding low half read
 *   returns the top of whatever that hart latched last, 0 initially).
 * - Write-only registers read 0 (PUTC reads 0xE9; its high half reads 0).
 * - Action registers act on a write to their low half (4 bytes at +0, or
 *   all 8): DOORBELL rings, FINISH and PUTC act on the low 32 bits, CLAIM
 *   releases when those bits are 0. Their high half accepts writes and
 *   ignores them, so a 32-bit guest writing "low, then high" acts once.
 *   Writing a non-zero value to CLAIM does nothing and is a guest error.
 *
 * CLAIM is cooperative: it hands out channels, but every register of every
 * channel works whether or not it is claimed, so a careless guest can
 * trample another's channel. Operations never return -EBUSY for that.
 *
 * Each doorbell first clears STATUS, RET0 and RET1, then runs OP to
 * completion before the store retires. STATUS is 0 or a negative errno of
 * the guest ABI (Linux numbers, HC_E*), as 64-bit two's complement:
 * -ENOSYS unknown op, an absent optional host callback (CHECKPOINT
 *         without snapshots), or a user op with no hook;
 * -EINVAL a malformed argument (lengths beyond DATA or HC_DMA_MAX, a name
 *         that is empty or holds a NUL byte, an offset past INT64_MAX, a
 *         flag that is neither 0 nor 1, ROI_END of a region not begun);
 * -EBUSY  ROI_BEGIN whose slot (id % 16) holds another open region;
 * -EACCES HOST_READ/WRITE outside the share, or without one (hostfs.h);
 * -ENOENT no such file; -EIO host I/O error, or stats_dump failing;
 * -EFAULT a DMA range the host refused (not RAM, or bus mastering off).
 *
 * EXIT codes above 255 exit with 255, and so do FINISH codes: a process
 * exit status has 8 bits and a failure must not wrap round to success.
 * FINISH 0x3333 with code 0 exits with 1, as the SiFive test finisher.
 * Unknown FINISH commands are ignored (a guest error).
 *
 * HOST_READ with DMA reads the file first and then writes what it read to
 * guest memory (RET0 bytes; -EFAULT if refused). HOST_WRITE with DMA reads
 * guest memory before opening the file, so a refused range neither creates
 * nor truncates anything. With ARG3 = 0 HOST_READ overwrites DATA from
 * offset 0 (the name is consumed first) and leaves the bytes past RET0 as
 * they were. A zero-length HOST_WRITE still creates (and, with ARG4 = 1,
 * truncates) the file; a zero-length HOST_READ checks that it exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev/hypercall.h"

#define PAGE_OFF(off) ((off) & (HC_PAGE_SIZE - 1))
#define LO32 0xffffffffull

enum acc { ACC_FULL, ACC_LO, ACC_HI };

/* Which part of a register an access the bus let through is. */
static enum acc reg_access(uint64_t off, unsigned size)
{
	if (size == 8)
		return ACC_FULL;
	return (off & 4) ? ACC_HI : ACC_LO;
}

static uint64_t part(uint64_t v, enum acc a)
{
	switch (a) {
	case ACC_FULL:
		return v;
	case ACC_LO:
		return v & LO32;
	default:
		return v >> 32;
	}
}

static uint64_t merge(uint64_t old, uint64_t val, enum acc a)
{
	switch (a) {
	case ACC_FULL:
		return val;
	case ACC_LO:
		return (old & ~LO32) | (val & LO32);
	default:
		return (old & LO32) | (val << 32);
	}
}

/* The hart an access came from (0 for anyone else: DMA, a debugger). */
static uint64_t hart_of(const struct glass_attrs *who)
{
	return who && who->initiator >= 0 ? (uint64_t)who->initiator : 0;
}

/* A guest error only the device can see: counted, and in the trace. */
static void hc_guest_error(struct hypercall *h, const char *what,
			   uint64_t off)
{
	h->guest_errors++;
	glass_guest_error(h->dev, "%s (+0x%llx)", what, (unsigned long long)off);
}

static uint64_t cur_time(struct hypercall *h)
{
	return h->host.time_ns ? h->host.time_ns(h->host.opaque) : 0;
}

static uint64_t cur_instret(struct hypercall *h)
{
	return h->host.instret ? h->host.instret(h->host.opaque) : 0;
}


static void do_exit(struct hypercall *h, uint64_t code)
{
	if (h->host.exit)
		h->host.exit(h->host.opaque, code > 255 ? 255 : (int)code);
}

static void do_log(struct hypercall *h, const struct glass_attrs *who,
		   const char *text, uint64_t len)
{
	if (h->host.log)
		h->host.log(h->host.opaque, who, cur_instret(h), text, len);
}

/* ---- operations ---- */

/* A name or text of ARG0 bytes at the start of DATA, as a C string.
 * 0 or -HC_EINVAL (too long, or a NUL inside). */
static int data_string(struct hc_channel *c, uint64_t len, char *out)
{
	if (len > HC_DATA_SIZE || memchr(c->data, 0, len))
		return -HC_EINVAL;
	memcpy(out, c->data, len);
	out[len] = 0;
	return 0;
}

static bool file_range_ok(uint64_t off, uint64_t len)
{
	return off <= INT64_MAX && len <= (uint64_t)INT64_MAX - off;
}

static int64_t op_host_read(struct hypercall *h, struct hc_channel *c)
{
	uint64_t namelen = c->arg[0], off = c->arg[1], len = c->arg[2];
	uint64_t dma = c->arg[3];
	uint8_t *buf;
	int64_t n;

	if (h->host.share.dirfd <= 0)
		return -HC_EACCES;
	if (namelen == 0 || namelen > HC_DATA_SIZE)
		return -HC_EINVAL;
	if (len > (dma ? HC_DMA_MAX : HC_DATA_SIZE) ||
	    !file_range_ok(off, len))
		return -HC_EINVAL;
	int fd = hostfs_open(&h->host.share, (const char *)c->data,
			     namelen, false, false);
	if (fd < 0)
		return fd;
	if (!dma) {
		n = hostfs_pread(fd, c->data, len, off);
		close(fd);
		if (n >= 0)
			c->ret[0] = (uint64_t)n;
		return n < 0 ? n : 0;
	}
	buf = len ? malloc(len) : NULL;
	if (len && !buf) {
		close(fd);
		return -HC_EIO;
	}
	n = hostfs_pread(fd, buf, len, off);
	close(fd);
	if (n > 0 && glass_dma_write(h->dev, dma, buf, (size_t)n) != 0)
		n = -HC_EFAULT;
	free(buf);
	if (n >= 0)
		c->ret[0] = (uint64_t)n;
	return n < 0 ? n : 0;
}

static int64_t op_host_write(struct hypercall *h, struct hc_channel *c)
{
	uint64_t namelen = c->arg[0], off = c->arg[1], len = c->arg[2];
	uint64_t dma = c->arg[3], trunc = c->arg[4];
	const uint8_t *src;
	uint8_t *buf = NULL;
	int64_t n;

	if (h->host.share.dirfd <= 0)
		return -HC_EACCES;
	if (namelen == 0 || namelen > HC_DATA_SIZE || trunc > 1 ||
	    !file_range_ok(off, len))
		return -HC_EINVAL;
	if (!dma) {
		if (len > HC_DATA_SIZE - namelen)
			return -HC_EINVAL;
		src = c->data + namelen;
	} else {
		if (len > HC_DMA_MAX)
			return -HC_EINVAL;
		buf = len ? malloc(len) : NULL;
		if (len && !buf)
			return -HC_EIO;
		if (len && glass_dma_read(h->dev, dma, buf, len)) {
			free(buf);
			return -HC_EFAULT;
		}
		src = buf;
	}
	int fd = hostfs_open(&h->host.share, (const char *)c->data,
			     namelen, true, trunc == 1);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	n = len ? hostfs_pwrite(fd, src, len, off) : 0;
	if (close(fd) < 0 && n >= 0)
		n = -HC_EIO;
	free(buf);
	if (n >= 0)
		c->ret[0] = (uint64_t)n;
	return n < 0 ? n : 0;
}

static int64_t op_roi(struct hypercall *h, struct hc_channel *c, bool begin,
		      const struct glass_attrs *who)
{
	uint64_t id = c->arg[0];
	unsigned slot = id % HC_ROI_SLOTS;
	bool active = h->s.roi_active & (1u << slot);

	if (begin) {
		if (active && h->s.roi_id[slot] != id)
			return -HC_EBUSY;
		h->s.roi_active |= (uint16_t)(1u << slot);
		h->s.roi_id[slot] = id;
		h->s.roi_start[slot] = cur_instret(h);
	} else {
		if (!active || h->s.roi_id[slot] != id)
			return -HC_EINVAL;
		h->s.roi_active &= (uint16_t)~(1u << slot);
		c->ret[0] = cur_instret(h) - h->s.roi_start[slot];
	}
	if (h->host.roi)
		h->host.roi(h->host.opaque, who, begin, id);
	return 0;
}

static int64_t op_marker(struct hypercall *h, struct hc_channel *c,
			 const struct glass_attrs *who)
{
	c->ret[0] = cur_instret(h);
	c->ret[1] = cur_time(h);
	if (h->host.marker) {
		h->host.marker(h->host.opaque, who, c->arg[0]);
	} else {
		char text[48];
		int n = snprintf(text, sizeof(text), "marker %llu",
				 (unsigned long long)c->arg[0]);
		do_log(h, who, text, (uint64_t)n);
	}
	return 0;
}

static int64_t op_stats_dump(struct hypercall *h, struct hc_channel *c)
{
	char name[HC_DATA_SIZE + 1];

	if (!h->host.stats_dump)
		return -HC_ENOSYS;
	int rc = data_string(c, c->arg[0], name);
	if (rc)
		return rc;
	return h->host.stats_dump(h->host.opaque, name) < 0 ? -HC_EIO : 0;
}

/* CHECKPOINT: the machine saves once the store has retired (the round
 * ends); until then STATUS reads 0 and RET0 0, and the machine changes
 * them if the save fails (hypercall_set_result). */
static int64_t op_checkpoint(struct hypercall *h, struct hc_channel *c)
{
	if (!h->host.checkpoint)
		return -HC_ENOSYS;
	if (c->arg[0] == 0 || c->arg[0] > HC_DATA_SIZE || c->arg[1] > 1 ||
	    memchr(c->data, 0, c->arg[0]))
		return -HC_EINVAL;
	return h->host.checkpoint(h->host.opaque, h, (unsigned)(c - h->s.ch),
				  (const char *)c->data, c->arg[0],
				  c->arg[1] == 1);
}

static int64_t run_op(struct hypercall *h, struct hc_channel *c,
		      const struct glass_attrs *who)
{
	uint64_t op = c->op;

	switch (op) {
	case HC_OP_PING:
		c->ret[0] = c->arg[0] + 1;
		return 0;
	case HC_OP_EXIT:
		do_exit(h, c->arg[0]);
		return 0;
	case HC_OP_LOG:
		if (c->arg[0] > HC_DATA_SIZE)
			return -HC_EINVAL;
		do_log(h, who, (const char *)c->data, c->arg[0]);
		return 0;
	case HC_OP_ROI_BEGIN:
	case HC_OP_ROI_END:
		return op_roi(h, c, op == HC_OP_ROI_BEGIN, who);
	case HC_OP_MARKER:
		return op_marker(h, c, who);
	case HC_OP_STATS_RESET:
		if (!h->host.stats_reset)
			return -HC_ENOSYS;
		h->host.stats_reset(h->host.opaque);
		return 0;
	case HC_OP_STATS_DUMP:
		return op_stats_dump(h, c);
	case HC_OP_HOST_READ:
		return op_host_read(h, c);
	case HC_OP_HOST_WRITE:
		return op_host_write(h, c);
	case HC_OP_TRACE:
		if (!h->host.trace_set)
			return -HC_ENOSYS;
		if (c->arg[1] > 1)
			return -HC_EINVAL;
		c->ret[0] = h->host.trace_set(h->host.opaque, c->arg[0],
					      c->arg[1] == 1);
		return 0;
	case HC_OP_CHECKPOINT:
		return op_checkpoint(h, c);
	default:
		if (op >= HC_OP_USER_FIRST && op <= HC_OP_USER_LAST &&
		    h->host.user_op)
			return h->host.user_op(h->host.opaque, op, c->arg,
					       c->ret);
		return -HC_ENOSYS;
	}
}

static void doorbell(struct hypercall *h, struct hc_channel *c,
		     const struct glass_attrs *who)
{
	c->status = 0;
	c->ret[0] = c->ret[1] = 0;
	h->ops_run++;
	c->status = run_op(h, c, who);
	if (h->host.op_done)
		h->host.op_done(h->host.opaque, who,
				(unsigned)(c - h->s.ch) + 1, c->op, c->arg,
				c->status, c->ret);
}

/* ---- page 0 ---- */

static uint64_t features(struct hypercall *h)
{
	return HC_FEATURES_BASE | (h->host.user_op ? HC_FEATURES_USER : 0) |
	       (h->host.checkpoint ? HC_FEATURES_CHECKPOINT : 0);
}

static uint64_t global_read(struct hypercall *h, uint64_t off, unsigned size,
			    uint64_t hart)
{
	enum acc a = reg_access(off, size);
	uint64_t v;

	switch (off & ~7ull) {
	case HC_REG_MAGIC:
		v = HC_MAGIC;
		break;
	case HC_REG_VERSION:
		v = HC_VERSION;
		break;
	case HC_REG_FEATURES:
		v = features(h);
		break;
	case HC_REG_CHANNELS:
		v = h->nchannels;
		break;
	case HC_REG_HARTID:
		v = hart;
		break;
	case HC_REG_TIME_NS:
	case HC_REG_INSTRET: {
		uint64_t *latch = &h->s.latch[hart % HC_LATCH_HARTS];
		if (a == ACC_HI) {
			v = *latch;
		} else {
			v = (off & ~7ull) == HC_REG_TIME_NS ? cur_time(h)
							    : cur_instret(h);
			*latch = v;
		}
		break;
	}
	case HC_REG_PUTC:
		v = HC_PUTC_READ;
		break;
	default: /* FINISH: write-only */
		v = 0;
		break;
	}
	return part(v, a);
}

static void finish(struct hypercall *h, uint32_t v, uint64_t off)
{
	switch (v & 0xffff) {
	case HC_FINISH_PASS:
		do_exit(h, 0);
		break;
	case HC_FINISH_FAIL:
		do_exit(h, (v >> 16) ? (v >> 16) : 1);
		break;
	case HC_FINISH_RESET:
		if (h->host.reset)
			h->host.reset(h->host.opaque);
		break;
	default:
		hc_guest_error(h, "unknown FINISH command ignored", off);
		break;
	}
}

static void global_write(struct hypercall *h, uint64_t off, uint64_t val,
			 unsigned size)
{
	enum acc a = reg_access(off, size);

	switch (off & ~7ull) {
	case HC_REG_FINISH:
		if (a != ACC_HI)
			finish(h, (uint32_t)val, off);
		return;
	case HC_REG_PUTC:
		if (a != ACC_HI && h->host.putc)
			h->host.putc(h->host.opaque, (uint8_t)val);
		return;
	default:
		hc_guest_error(h, "write to a read-only register ignored", off);
		return;
	}
}

/* ---- channel pages ---- */

static uint64_t channel_read(struct hypercall *h, struct hc_channel *c,
			     uint64_t off, unsigned size)
{
	enum acc a;
	uint64_t v = 0;

	if (off >= HC_DATA_OFFSET) {
		memcpy(&v, c->data + (off - HC_DATA_OFFSET), size);
		return v;
	}
	a = reg_access(off, size);
	switch (off & ~7ull) {
	case HC_CH_CLAIM:
		if (a == ACC_HI)
			return 0;
		v = !c->claimed;
		c->claimed = true;
		return v;
	case HC_CH_OP:
		v = c->op;
		break;
	case HC_CH_ARG0:
	case HC_CH_ARG0 + 8:
	case HC_CH_ARG0 + 16:
	case HC_CH_ARG0 + 24:
	case HC_CH_ARG0 + 32:
	case HC_CH_ARG0 + 40:
		v = c->arg[((off & ~7ull) - HC_CH_ARG0) / 8];
		break;
	case HC_CH_STATUS:
		v = (uint64_t)c->status;
		break;
	case HC_CH_RET0:
		v = c->ret[0];
		break;
	case HC_CH_RET1:
		v = c->ret[1];
		break;
	default: /* DOORBELL: write-only */
		v = 0;
		break;
	}
	return part(v, a);
}

static void channel_write(struct hypercall *h, struct hc_channel *c,
			  uint64_t off, uint64_t val, unsigned size,
			  const struct glass_attrs *who)
{
	enum acc a;

	if (off >= HC_DATA_OFFSET) {
		memcpy(c->data + (off - HC_DATA_OFFSET), &val, size);
		return;
	}
	a = reg_access(off, size);
	switch (off & ~7ull) {
	case HC_CH_CLAIM:
		if (part(val, a == ACC_FULL ? ACC_FULL : ACC_LO) != 0)
			goto bad;
		if (a != ACC_HI)
			c->claimed = false;
		return;
	case HC_CH_OP:
		c->op = merge(c->op, val, a);
		return;
	case HC_CH_ARG0:
	case HC_CH_ARG0 + 8:
	case HC_CH_ARG0 + 16:
	case HC_CH_ARG0 + 24:
	case HC_CH_ARG0 + 32:
	case HC_CH_ARG0 + 40: {
		uint64_t *r = &c->arg[((off & ~7ull) - HC_CH_ARG0) / 8];
		*r = merge(*r, val, a);
		return;
	}
	case HC_CH_DOORBELL:
		if (a != ACC_HI)
			doorbell(h, c, who);
		return;
	default:
		goto bad; /* STATUS, RET0, RET1 are read-only */
	}
bad:
	hc_guest_error(h, "write to a read-only register, or a non-zero "
		       "CLAIM, ignored", off);
}

/* ---- bus interface ---- */

static struct hc_channel *channel_of(struct hypercall *h, uint64_t off)
{
	uint64_t page = off / HC_PAGE_SIZE;

	if (page == 0 || page > h->nchannels)
		return NULL;
	return &h->s.ch[page - 1];
}

static uint64_t hc_read(void *dev, uint64_t off, unsigned size,
			const struct glass_attrs *who)
{
	struct hypercall *h = dev;
	struct hc_channel *c;

	if (off < HC_PAGE_SIZE)
		return global_read(h, off, size, hart_of(who));
	c = channel_of(h, off);
	if (!c) {
		hc_guest_error(h, "no such channel", off);
		return 0;
	}
	return channel_read(h, c, PAGE_OFF(off), size);
}

static void hc_write(void *dev, uint64_t off, uint64_t val, unsigned size,
		     const struct glass_attrs *who)
{
	struct hypercall *h = dev;
	struct hc_channel *c;

	if (off < HC_PAGE_SIZE) {
		global_write(h, off, val, size);
		return;
	}
	c = channel_of(h, off);
	if (!c) {
		hc_guest_error(h, "no such channel", off);
		return;
	}
	channel_write(h, c, PAGE_OFF(off), val, size, who);
}

/* ---- registers ---- */

/* Page 0, and the layout every channel page repeats. */
#define REG64 (GLASS_W4 | GLASS_W8) /* 8 bytes, or a 32-bit half */
static const struct glass_reg global_regs[] = {
	{ HC_REG_MAGIC, 8, "MAGIC", REG64 },
	{ HC_REG_VERSION, 8, "VERSION", REG64 },
	{ HC_REG_FEATURES, 8, "FEATURES", REG64 },
	{ HC_REG_CHANNELS, 8, "CHANNELS", REG64 },
	{ HC_REG_HARTID, 8, "HARTID", REG64 },
	{ HC_REG_TIME_NS, 8, "TIME_NS", REG64 },
	{ HC_REG_INSTRET, 8, "INSTRET", REG64 },
	{ HC_REG_FINISH, 8, "FINISH", REG64 },
	{ HC_REG_PUTC, 8, "PUTC", REG64 },
	{ 0, 0, NULL, 0 },
};

static const struct glass_reg channel_regs[] = {
	{ HC_CH_CLAIM, 8, "CLAIM", REG64 },
	{ HC_CH_OP, 8, "OP", REG64 },
	{ HC_CH_ARG0, 8, "ARG0", REG64 },
	{ HC_CH_ARG0 + 8, 8, "ARG1", REG64 },
	{ HC_CH_ARG0 + 16, 8, "ARG2", REG64 },
	{ HC_CH_ARG0 + 24, 8, "ARG3", REG64 },
	{ HC_CH_ARG0 + 32, 8, "ARG4", REG64 },
	{ HC_CH_ARG0 + 40, 8, "ARG5", REG64 },
	{ HC_CH_DOORBELL, 8, "DOORBELL", REG64 },
	{ HC_CH_STATUS, 8, "STATUS", REG64 },
	{ HC_CH_RET0, 8, "RET0", REG64 },
	{ HC_CH_RET1, 8, "RET1", REG64 },
	{ HC_DATA_OFFSET, HC_DATA_SIZE, "DATA", GLASS_WANY | GLASS_UNALIGNED },
	{ 0, 0, NULL, 0 },
};

/* "MAGIC", "TIME_NS.hi" (the upper 32-bit half), "ch3.ARG0",
 * "ch3.ARG0.hi", "ch3.DATA+0x10" */
static const char *hc_name(const struct glass_reg *r, uint64_t page, uint64_t po,
			   char *buf, size_t len)
{
	const char *hi = (po & 4) ? ".hi" : "";

	if (r->offset == HC_DATA_OFFSET)
		snprintf(buf, len, "ch%u.DATA+0x%x", (unsigned)page,
			 (unsigned)(po - HC_DATA_OFFSET));
	else if (page)
		snprintf(buf, len, "ch%u.%s%s", (unsigned)page, r->name, hi);
	else
		snprintf(buf, len, "%s%s", r->name, hi);
	return buf;
}

const struct glass_reg *hypercall_reg_at(uint64_t offset, struct glass_reg *d,
					 char *buf, size_t len)
{
	uint64_t page = offset / HC_PAGE_SIZE, po = PAGE_OFF(offset);
	const struct glass_reg *r;

	if (offset >= HC_WINDOW_SIZE)
		return NULL;
	r = glass_reg_find(page ? channel_regs : global_regs, po);
	if (!r)
		return NULL;
	*d = *r;
	d->offset += (uint32_t)(page * HC_PAGE_SIZE);
	d->name = buf ? hc_name(r, page, po, buf, len) : NULL;
	return d;
}

/* Any width at any alignment reaches the bus; the register table says
 * what is a register, and the rest reads zero, as the spec says. */
static const struct glass_region_ops hypercall_ops = {
	.read = hc_read,
	.write = hc_write,
	.valid = GLASS_WANY | GLASS_UNALIGNED,
	.impl = GLASS_WANY | GLASS_UNALIGNED,
	.flags = GLASS_UNCLAIMED_ZERO,
	.reg_at = hypercall_reg_at,
};

/* ---- life cycle ---- */

void hypercall_set_result(struct hypercall *h, unsigned channel,
			  int64_t status, uint64_t ret0)
{
	if (channel >= HC_MAX_CHANNELS)
		return;
	h->s.ch[channel].status = status;
	h->s.ch[channel].ret[0] = ret0;
}

void hypercall_reset(void *self)
{
	struct hypercall *h = self;

	memset(&h->s, 0, sizeof(h->s));
}

int hypercall_realize(struct hypercall *h, struct glass_device *dev,
		      const struct hc_host *host, unsigned nchannels, bool pci)
{
	h->dev = dev;
	h->host = *host;
	if (nchannels < 1)
		nchannels = 1;
	if (nchannels > HC_MAX_CHANNELS)
		nchannels = HC_MAX_CHANNELS;
	h->nchannels = nchannels;
	if (pci)
		return glass_pci_bar(dev, 0, HC_WINDOW_SIZE,
				     0 /* 32-bit memory */, "bar0",
				     &hypercall_ops, h);
	return glass_platform_mmio(dev, 0, HC_WINDOW_SIZE, &hypercall_ops, h);
}

void hypercall_info(void *self, char *buf, size_t len)
{
	struct hypercall *h = self;
	unsigned claimed = 0;

	for (unsigned i = 0; i < h->nchannels; i++)
		claimed += h->s.ch[i].claimed;
	snprintf(buf, len, "%u channels (%u claimed), %llu operations run, "
		 "share %s", h->nchannels, claimed,
		 (unsigned long long)h->ops_run,
		 h->host.share.dirfd > 0 ? "on" : "off");
}
