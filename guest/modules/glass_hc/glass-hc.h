/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * glass-hc.h: guest-side API of the glass hypercall device, version 1
 * (glass's shared/spec/hypercall.md). Header only, no libc: the same
 * functions work in
 *   - bare metal / firmware:  base = (volatile void *)GLASS_HC_PLATFORM_BASE
 *   - Linux user space:       base = an mmap of PCI resource0, of /dev/mem
 *                             (O_SYNC) or, for one channel page, of
 *                             /dev/glass-hc
 *   - Linux kernel code:      base = pci_iomap(pdev, 0, 0) (void __iomem *)
 *
 * A register window is 64 KiB: page 0 holds global registers, page N
 * (1..CHANNELS) is channel N. Channel functions take a pointer to the
 * channel's page (glass_hc_channel(base, n), or the page mapped from
 * /dev/glass-hc), so code written against a channel works the same whoever
 * mapped it.
 *
 * MMIO accessors: 64-bit loads/stores by default; define GLASS_HC_MMIO32
 * (automatic on 32-bit targets) to use only 32-bit ones, low half first,
 * as the device allows. Kernel builds use readq/writeq (lo_hi on 32-bit
 * kernels) and readl/readb.
 *
 * A call: write ARG0..5 and OP, store to DOORBELL; the op has run when the
 * store retires; then STATUS (0 or -errno) and RET0/RET1 hold the result.
 * Claiming a channel is cooperative (see glass_hc_claim).
 *
 * The ioctl ABI of /dev/glass-hc (glass_hc.ko) is at the end, compiled in
 * for kernel code and for user space that defines GLASS_HC_WANT_IOCTL.
 */
#ifndef GLASS_HC_H
#define GLASS_HC_H

#ifdef __KERNEL__
#include <linux/io.h>
#include <linux/types.h>
#ifndef CONFIG_64BIT
#include <linux/io-64-nonatomic-lo-hi.h>
#endif
typedef void __iomem *glass_hc_base;
#else
#include <stddef.h>
#include <stdint.h>
typedef volatile void *glass_hc_base;
#endif

/* ---- constants ---- */

#define GLASS_HC_PLATFORM_BASE 0x10110000UL /* default platform instance */
#define GLASS_HC_COMPATIBLE "glass,hypercall-v1"
#define GLASS_HC_PCI_VENDOR 0x1234
#define GLASS_HC_PCI_DEVICE 0x676c
#define GLASS_HC_MAGIC_VALUE 0x3143485353414c47ULL /* "GLASSHC1" */
#define GLASS_HC_VERSION_VALUE 1
#define GLASS_HC_WINDOW_SIZE 0x10000
#define GLASS_HC_PAGE_SIZE 0x1000
#define GLASS_HC_MAX_CHANNELS 15
#define GLASS_HC_DATA_OFFSET 0x100
#define GLASS_HC_DATA_SIZE 3840

/* page 0 registers */
enum glass_hc_reg {
	GLASS_HC_MAGIC = 0x000,
	GLASS_HC_VERSION = 0x008,
	GLASS_HC_FEATURES = 0x010,
	GLASS_HC_CHANNELS = 0x018,
	GLASS_HC_HARTID = 0x020,
	GLASS_HC_TIME_NS = 0x028,
	GLASS_HC_INSTRET = 0x030,
	GLASS_HC_FINISH = 0x040,
	GLASS_HC_PUTC = 0x048,
};

/* channel page registers */
enum glass_hc_chreg {
	GLASS_HC_CLAIM = 0x000,
	GLASS_HC_OP = 0x008,
	GLASS_HC_ARG0 = 0x010, /* ARGn = GLASS_HC_ARG0 + 8 * n */
	GLASS_HC_DOORBELL = 0x040,
	GLASS_HC_STATUS = 0x048,
	GLASS_HC_RET0 = 0x050,
	GLASS_HC_RET1 = 0x058,
	GLASS_HC_DATA = GLASS_HC_DATA_OFFSET,
};

enum glass_hc_op {
	GLASS_HC_OP_PING = 0x00,
	GLASS_HC_OP_EXIT = 0x10,
	GLASS_HC_OP_LOG = 0x11,
	GLASS_HC_OP_ROI_BEGIN = 0x20,
	GLASS_HC_OP_ROI_END = 0x21,
	GLASS_HC_OP_MARKER = 0x22,
	GLASS_HC_OP_STATS_RESET = 0x30,
	GLASS_HC_OP_STATS_DUMP = 0x31,
	GLASS_HC_OP_CHECKPOINT = 0x40,
	GLASS_HC_OP_HOST_READ = 0x50,
	GLASS_HC_OP_HOST_WRITE = 0x51,
	GLASS_HC_OP_TRACE = 0x60,
	GLASS_HC_OP_USER_FIRST = 0x80,
	GLASS_HC_OP_USER_LAST = 0xff,
};

/* FINISH commands */
#define GLASS_HC_FINISH_PASS 0x5555
#define GLASS_HC_FINISH_FAIL 0x3333 /* | code << 16 */
#define GLASS_HC_FINISH_RESET 0x7777

/* STATUS values are these, negated (Linux errno numbers) */
#define GLASS_HC_ENOENT 2
#define GLASS_HC_EIO 5
#define GLASS_HC_EACCES 13
#define GLASS_HC_EFAULT 14
#define GLASS_HC_EBUSY 16
#define GLASS_HC_EINVAL 22
#define GLASS_HC_ENOSYS 38

/* TRACE op category mask: glass's trace categories */
#define GLASS_HC_TRACE_MMIO 0x01
#define GLASS_HC_TRACE_PCI_CONFIG 0x02
#define GLASS_HC_TRACE_DMA 0x04
#define GLASS_HC_TRACE_IRQ 0x08
#define GLASS_HC_TRACE_PAGEWALK 0x10
#define GLASS_HC_TRACE_HYPERCALL 0x20
#define GLASS_HC_TRACE_GUEST_ERROR 0x40
#define GLASS_HC_TRACE_ALL 0x7f

/* ---- MMIO accessors ---- */

#if !defined(__KERNEL__) && !defined(GLASS_HC_MMIO32) && \
	defined(__riscv_xlen) && __riscv_xlen == 32
#define GLASS_HC_MMIO32 1
#endif

#ifdef __KERNEL__

static inline uint64_t glass_hc_rd64(glass_hc_base b, unsigned long off)
{
	return readq((char __iomem *)b + off);
}

static inline void glass_hc_wr64(glass_hc_base b, unsigned long off,
				 uint64_t v)
{
	writeq(v, (char __iomem *)b + off);
}

static inline uint32_t glass_hc_rd32(glass_hc_base b, unsigned long off)
{
	return readl((char __iomem *)b + off);
}

static inline void glass_hc_wr32(glass_hc_base b, unsigned long off,
				 uint32_t v)
{
	writel(v, (char __iomem *)b + off);
}

static inline uint8_t glass_hc_rd8(glass_hc_base b, unsigned long off)
{
	return readb((char __iomem *)b + off);
}

static inline void glass_hc_wr8(glass_hc_base b, unsigned long off, uint8_t v)
{
	writeb(v, (char __iomem *)b + off);
}

/* readq/writeq already order against other MMIO and memory */
#define glass_hc_fence() do { } while (0)

#else /* bare metal, user space */

/* Full I/O + memory fence: register writes reach the device before the
 * doorbell, results are read after it. */
static inline void glass_hc_fence(void)
{
#if defined(__riscv)
	__asm__ __volatile__("fence iorw, iorw" ::: "memory");
#else
	__sync_synchronize();
#endif
}

#define GLASS_HC_P(b, off, T) ((volatile T *)((volatile char *)(b) + (off)))

static inline uint32_t glass_hc_rd32(glass_hc_base b, unsigned long off)
{
	return *GLASS_HC_P(b, off, uint32_t);
}

static inline void glass_hc_wr32(glass_hc_base b, unsigned long off,
				 uint32_t v)
{
	*GLASS_HC_P(b, off, uint32_t) = v;
}

static inline uint8_t glass_hc_rd8(glass_hc_base b, unsigned long off)
{
	return *GLASS_HC_P(b, off, uint8_t);
}

static inline void glass_hc_wr8(glass_hc_base b, unsigned long off, uint8_t v)
{
	*GLASS_HC_P(b, off, uint8_t) = v;
}

#ifdef GLASS_HC_MMIO32
static inline uint64_t glass_hc_rd64(glass_hc_base b, unsigned long off)
{
	uint64_t lo = glass_hc_rd32(b, off);
	return lo | (uint64_t)glass_hc_rd32(b, off + 4) << 32;
}

static inline void glass_hc_wr64(glass_hc_base b, unsigned long off,
				 uint64_t v)
{
	glass_hc_wr32(b, off, (uint32_t)v);
	glass_hc_wr32(b, off + 4, (uint32_t)(v >> 32));
}
#else
static inline uint64_t glass_hc_rd64(glass_hc_base b, unsigned long off)
{
	return *GLASS_HC_P(b, off, uint64_t);
}

static inline void glass_hc_wr64(glass_hc_base b, unsigned long off,
				 uint64_t v)
{
	*GLASS_HC_P(b, off, uint64_t) = v;
}
#endif

#endif /* __KERNEL__ */

/* ---- global registers (base = the whole window) ---- */

/* 1 if base is a version 1 glass hypercall window. */
static inline int glass_hc_present(glass_hc_base base)
{
	return glass_hc_rd64(base, GLASS_HC_MAGIC) == GLASS_HC_MAGIC_VALUE &&
	       glass_hc_rd64(base, GLASS_HC_VERSION) == GLASS_HC_VERSION_VALUE;
}

static inline unsigned glass_hc_nchannels(glass_hc_base base)
{
	uint64_t n = glass_hc_rd64(base, GLASS_HC_CHANNELS);
	return n > GLASS_HC_MAX_CHANNELS ? GLASS_HC_MAX_CHANNELS : (unsigned)n;
}

static inline glass_hc_base glass_hc_channel(glass_hc_base base, unsigned n)
{
#ifdef __KERNEL__
	return (char __iomem *)base + (unsigned long)n * GLASS_HC_PAGE_SIZE;
#else
	return (volatile char *)base + (unsigned long)n * GLASS_HC_PAGE_SIZE;
#endif
}

/* Stop the machine from page 0, no channel needed (code 0 = success). */
static inline void glass_hc_finish(glass_hc_base base, unsigned code)
{
	glass_hc_fence();
	if (code == 0)
		glass_hc_wr32(base, GLASS_HC_FINISH, GLASS_HC_FINISH_PASS);
	else
		glass_hc_wr32(base, GLASS_HC_FINISH,
			      GLASS_HC_FINISH_FAIL | (code & 0xffff) << 16);
}

/* One byte to glass's log (like port 0xE9 on PC emulators). */
static inline void glass_hc_putc(glass_hc_base base, char c)
{
	glass_hc_wr32(base, GLASS_HC_PUTC, (uint8_t)c);
}

/* ---- channels ---- */

/* Try to claim one channel page: 1 if it is now yours. */
static inline int glass_hc_claim_page(glass_hc_base ch)
{
	return glass_hc_rd64(ch, GLASS_HC_CLAIM) == 1;
}

static inline void glass_hc_release(glass_hc_base ch)
{
	glass_hc_fence();
	glass_hc_wr64(ch, GLASS_HC_CLAIM, 0);
}

/* Claim the first free channel: its number (1..CHANNELS), 0 if all are
 * taken. Claims are cooperative: they keep well-behaved users apart, the
 * device does not enforce them. Release with glass_hc_release. */
static inline unsigned glass_hc_claim(glass_hc_base base)
{
	unsigned n, count = glass_hc_nchannels(base);

	for (n = 1; n <= count; n++)
		if (glass_hc_claim_page(glass_hc_channel(base, n)))
			return n;
	return 0;
}

/* Copy bytes into / out of DATA at offset `at` (at + len <= DATA size:
 * the caller checks). Aligned 64-bit (or 32-bit) accesses in the middle,
 * bytes at the edges; src/dst need no alignment. */
static inline void glass_hc_data_write(glass_hc_base ch, unsigned long at,
				       const void *src, unsigned long len)
{
	const unsigned char *s = (const unsigned char *)src;
	unsigned long off = GLASS_HC_DATA_OFFSET + at, i;
#ifdef GLASS_HC_MMIO32
	const unsigned w = 4;
#else
	const unsigned w = 8;
#endif

	while (len && (off & (w - 1))) {
		glass_hc_wr8(ch, off++, *s++);
		len--;
	}
	while (len >= w) {
		uint64_t v = 0;
		for (i = 0; i < w; i++)
			v |= (uint64_t)s[i] << (8 * i);
		if (w == 8)
			glass_hc_wr64(ch, off, v);
		else
			glass_hc_wr32(ch, off, (uint32_t)v);
		off += w;
		s += w;
		len -= w;
	}
	while (len--)
		glass_hc_wr8(ch, off++, *s++);
}

static inline void glass_hc_data_read(glass_hc_base ch, unsigned long at,
				      void *dst, unsigned long len)
{
	unsigned char *d = (unsigned char *)dst;
	unsigned long off = GLASS_HC_DATA_OFFSET + at, i;
#ifdef GLASS_HC_MMIO32
	const unsigned w = 4;
#else
	const unsigned w = 8;
#endif

	while (len && (off & (w - 1))) {
		*d++ = glass_hc_rd8(ch, off++);
		len--;
	}
	while (len >= w) {
		uint64_t v = w == 8 ? glass_hc_rd64(ch, off)
				    : glass_hc_rd32(ch, off);
		for (i = 0; i < w; i++)
			d[i] = (unsigned char)(v >> (8 * i));
		off += w;
		d += w;
		len -= w;
	}
	while (len--)
		*d++ = glass_hc_rd8(ch, off++);
}

/* Run op with args[0..5] on a channel page; returns STATUS (0 or -errno)
 * and, if ret is not NULL, RET0/RET1 in ret[0..1]. */
static inline int64_t glass_hc_callv(glass_hc_base ch, uint64_t op,
				     const uint64_t args[6], uint64_t *ret)
{
	int64_t status;
	unsigned i;

	for (i = 0; i < 6; i++)
		glass_hc_wr64(ch, GLASS_HC_ARG0 + 8 * i, args[i]);
	glass_hc_wr64(ch, GLASS_HC_OP, op);
	glass_hc_fence();
	glass_hc_wr32(ch, GLASS_HC_DOORBELL, 1);
	glass_hc_fence();
	status = (int64_t)glass_hc_rd64(ch, GLASS_HC_STATUS);
	if (ret) {
		ret[0] = glass_hc_rd64(ch, GLASS_HC_RET0);
		ret[1] = glass_hc_rd64(ch, GLASS_HC_RET1);
	}
	return status;
}

/* glass_hc_call(ch, op, a0, ...): up to six arguments, the rest are 0;
 * returns STATUS. Results: glass_hc_ret0(ch), glass_hc_ret1(ch). */
#define glass_hc_call(ch, op, ...) \
	glass_hc_callv((ch), (op), (const uint64_t[6]){ __VA_ARGS__ }, 0)

static inline uint64_t glass_hc_ret0(glass_hc_base ch)
{
	return glass_hc_rd64(ch, GLASS_HC_RET0);
}

static inline uint64_t glass_hc_ret1(glass_hc_base ch)
{
	return glass_hc_rd64(ch, GLASS_HC_RET1);
}

static inline unsigned long glass_hc_strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

/* ---- operations ---- */

static inline int64_t glass_hc_ping(glass_hc_base ch, uint64_t x,
				    uint64_t *reply)
{
	uint64_t ret[2];
	const uint64_t args[6] = { x };
	int64_t st = glass_hc_callv(ch, GLASS_HC_OP_PING, args, ret);

	if (reply)
		*reply = ret[0];
	return st;
}

/* Stop glass with exit code `code` (0..255; more is 255). Returns only if
 * glass did not stop. */
static inline int64_t glass_hc_exit(glass_hc_base ch, uint64_t code)
{
	return glass_hc_call(ch, GLASS_HC_OP_EXIT, code);
}

/* Text (len bytes, at most GLASS_HC_DATA_SIZE; longer is cut) to glass's
 * log, tagged with hart and instret. */
static inline int64_t glass_hc_log_n(glass_hc_base ch, const char *text,
				     unsigned long len)
{
	if (len > GLASS_HC_DATA_SIZE)
		len = GLASS_HC_DATA_SIZE;
	glass_hc_data_write(ch, 0, text, len);
	return glass_hc_call(ch, GLASS_HC_OP_LOG, len);
}

static inline int64_t glass_hc_log(glass_hc_base ch, const char *text)
{
	return glass_hc_log_n(ch, text, glass_hc_strlen(text));
}

static inline int64_t glass_hc_roi_begin(glass_hc_base ch, uint64_t id)
{
	return glass_hc_call(ch, GLASS_HC_OP_ROI_BEGIN, id);
}

/* *instret (if not NULL): instructions retired inside the region */
static inline int64_t glass_hc_roi_end(glass_hc_base ch, uint64_t id,
				       uint64_t *instret)
{
	uint64_t ret[2];
	const uint64_t args[6] = { id };
	int64_t st = glass_hc_callv(ch, GLASS_HC_OP_ROI_END, args, ret);

	if (instret)
		*instret = ret[0];
	return st;
}

static inline int64_t glass_hc_marker(glass_hc_base ch, uint64_t id,
				      uint64_t *instret, uint64_t *time_ns)
{
	uint64_t ret[2];
	const uint64_t args[6] = { id };
	int64_t st = glass_hc_callv(ch, GLASS_HC_OP_MARKER, args, ret);

	if (instret)
		*instret = ret[0];
	if (time_ns)
		*time_ns = ret[1];
	return st;
}

static inline int64_t glass_hc_stats_reset(glass_hc_base ch)
{
	return glass_hc_call(ch, GLASS_HC_OP_STATS_RESET, 0);
}

/* name may be NULL or "" (no name) */
static inline int64_t glass_hc_stats_dump(glass_hc_base ch, const char *name)
{
	unsigned long len = name ? glass_hc_strlen(name) : 0;

	if (len > GLASS_HC_DATA_SIZE)
		return -GLASS_HC_EINVAL;
	glass_hc_data_write(ch, 0, name, len);
	return glass_hc_call(ch, GLASS_HC_OP_STATS_DUMP, len);
}

/* Turn trace categories (GLASS_HC_TRACE_*) on or off; *prev (if not NULL)
 * gets the mask before. */
static inline int64_t glass_hc_trace(glass_hc_base ch, uint64_t mask, int on,
				     uint64_t *prev)
{
	uint64_t ret[2];
	const uint64_t args[6] = { mask, on ? 1 : 0 };
	int64_t st = glass_hc_callv(ch, GLASS_HC_OP_TRACE, args, ret);

	if (prev)
		*prev = ret[0];
	return st;
}

/* Save the machine as `name` in glass's --checkpoint-dir. exit_after: 1
 * to stop glass once saved. *restored (if not NULL): 0 in the machine
 * that saved, 1 in a machine restored from the checkpoint. -EACCES
 * without --checkpoint-dir, -EIO if the save failed. */
static inline int64_t glass_hc_checkpoint(glass_hc_base ch, const char *name,
					  int exit_after, uint64_t *restored)
{
	uint64_t ret[2];
	unsigned long len = glass_hc_strlen(name);
	uint64_t args[6] = { 0, exit_after ? 1 : 0 };
	int64_t st;

	if (len > GLASS_HC_DATA_SIZE)
		return -GLASS_HC_EINVAL;
	args[0] = len;
	glass_hc_data_write(ch, 0, name, len);
	st = glass_hc_callv(ch, GLASS_HC_OP_CHECKPOINT, args, ret);
	if (restored)
		*restored = ret[0];
	return st;
}

/* HOST_READ through DATA: up to `len` (<= DATA size) bytes of host file
 * `name` (relative to glass's --share directory) from `offset` into buf.
 * Returns STATUS; *got = bytes read (0 at end of file). */
static inline int64_t glass_hc_host_read(glass_hc_base ch, const char *name,
					 uint64_t offset, void *buf,
					 unsigned long len, uint64_t *got)
{
	unsigned long nlen = glass_hc_strlen(name);
	uint64_t ret[2];
	const uint64_t args[6] = { nlen, offset, len, 0 };
	int64_t st;

	*got = 0;
	if (nlen == 0 || nlen > GLASS_HC_DATA_SIZE || len > GLASS_HC_DATA_SIZE)
		return -GLASS_HC_EINVAL;
	glass_hc_data_write(ch, 0, name, nlen);
	st = glass_hc_callv(ch, GLASS_HC_OP_HOST_READ, args, ret);
	if (st == 0) {
		*got = ret[0] < len ? ret[0] : len;
		glass_hc_data_read(ch, 0, buf, (unsigned long)*got);
	}
	return st;
}

/* HOST_WRITE through DATA: len bytes of buf at `offset` of host file
 * `name`, which is created if missing and truncated first if `trunc`.
 * name + data must fit in DATA: len <= glass_hc_host_write_max(name). */
static inline unsigned long glass_hc_host_write_max(const char *name)
{
	unsigned long nlen = glass_hc_strlen(name);

	return nlen >= GLASS_HC_DATA_SIZE ? 0 : GLASS_HC_DATA_SIZE - nlen;
}

static inline int64_t glass_hc_host_write(glass_hc_base ch, const char *name,
					  uint64_t offset, const void *buf,
					  unsigned long len, int trunc,
					  uint64_t *written)
{
	unsigned long nlen = glass_hc_strlen(name);
	uint64_t ret[2];
	const uint64_t args[6] = { nlen, offset, len, 0, trunc ? 1 : 0 };
	int64_t st;

	*written = 0;
	if (nlen == 0 || nlen > GLASS_HC_DATA_SIZE ||
	    len > GLASS_HC_DATA_SIZE - nlen)
		return -GLASS_HC_EINVAL;
	glass_hc_data_write(ch, 0, name, nlen);
	glass_hc_data_write(ch, nlen, buf, len);
	st = glass_hc_callv(ch, GLASS_HC_OP_HOST_WRITE, args, ret);
	if (st == 0)
		*written = ret[0];
	return st;
}

/* HOST_READ / HOST_WRITE with DMA: `bus_addr` is a physical (platform
 * instance) or PCI bus address (PCI instance: needs Bus Master Enable,
 * which glass_hc.ko leaves off) of len bytes, at most 64 MiB. */
static inline int64_t glass_hc_host_read_dma(glass_hc_base ch,
					     const char *name, uint64_t offset,
					     uint64_t bus_addr, uint64_t len,
					     uint64_t *got)
{
	unsigned long nlen = glass_hc_strlen(name);
	uint64_t ret[2];
	const uint64_t args[6] = { nlen, offset, len, bus_addr };
	int64_t st;

	if (nlen == 0 || nlen > GLASS_HC_DATA_SIZE)
		return -GLASS_HC_EINVAL;
	glass_hc_data_write(ch, 0, name, nlen);
	st = glass_hc_callv(ch, GLASS_HC_OP_HOST_READ, args, ret);
	*got = st == 0 ? ret[0] : 0;
	return st;
}

static inline int64_t glass_hc_host_write_dma(glass_hc_base ch,
					      const char *name, uint64_t offset,
					      uint64_t bus_addr, uint64_t len,
					      int trunc, uint64_t *written)
{
	unsigned long nlen = glass_hc_strlen(name);
	uint64_t ret[2];
	const uint64_t args[6] = { nlen, offset, len, bus_addr,
				   trunc ? 1 : 0 };
	int64_t st;

	if (nlen == 0 || nlen > GLASS_HC_DATA_SIZE)
		return -GLASS_HC_EINVAL;
	glass_hc_data_write(ch, 0, name, nlen);
	st = glass_hc_callv(ch, GLASS_HC_OP_HOST_WRITE, args, ret);
	*written = st == 0 ? ret[0] : 0;
	return st;
}

/* ---- /dev/glass-hc ioctl ABI (glass_hc.ko) ---- */

#if defined(__KERNEL__) || defined(GLASS_HC_WANT_IOCTL)
#ifdef __KERNEL__
#include <linux/ioctl.h>
#else
#include <linux/ioctl.h>
#include <linux/types.h>
#endif

/*
 * GLASS_HC_IOC_CALL runs one op on the file's own channel:
 *   in:  op, args, data_len (0..GLASS_HC_DATA_SIZE), data[0..data_len)
 *        copied to DATA[0..data_len) first
 *   out: status, ret, and data = all of DATA after the op
 *        (data_len = GLASS_HC_DATA_SIZE)
 * The ioctl itself fails (-1, errno) only for a bad data_len (EINVAL) or
 * a bad pointer (EFAULT); the op's own result is in status.
 */
struct glass_hc_ioc_call {
	__u64 op;
	__u64 args[6];
	__s64 status;
	__u64 ret[2];
	__u64 data_len;
	__u8 data[GLASS_HC_DATA_SIZE];
};

/* GLASS_HC_IOC_INFO: page 0 as the driver reads it, and the channel that
 * this open file holds (the page its mmap maps). */
struct glass_hc_ioc_info {
	__u64 magic;
	__u64 version;
	__u64 features;
	__u64 channels;
	__u64 channel;
	__u64 hartid;
	__u64 time_ns;
	__u64 instret;
	__u64 bar_phys;   /* physical address of the window */
};

#define GLASS_HC_IOC_MAGIC 'G'
#define GLASS_HC_IOC_CALL _IOWR(GLASS_HC_IOC_MAGIC, 1, struct glass_hc_ioc_call)
#define GLASS_HC_IOC_INFO _IOR(GLASS_HC_IOC_MAGIC, 2, struct glass_hc_ioc_info)
#define GLASS_HC_DEVNODE "/dev/glass-hc"
#endif

#endif /* GLASS_HC_H */
