/* Saving and restoring the machine (snapshot.h): what goes into each
 * section, and the check-everything-then-commit order of a restore. The
 * file layout itself is format.c; RAM is ram.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "machine/machine.h"
#include "snapshot/disk.h"
#include "snapshot/format.h"
#include "snapshot/ram.h"
#include "snapshot/snapshot.h"
#include "virtio/core/virtio.h"

#define CONF_LINE 600
#define MAX_DEVS 64

static int fail(char *err, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the machine configuration, as text lines ----
 * What must be the same for a restore to make sense: the board, RAM, the
 * harts, and every device with its properties and place, in creation
 * order. One line each, so a difference can be named. */

static unsigned list_devices(const struct machine *m,
			     struct glass_device **out)
{
	unsigned n = 0;

	for (struct glass_device *d = m->devices; d && n < MAX_DEVS;
	     d = d->next)
		out[n++] = d;
	return n;
}

static void device_line(const struct glass_device *d, char *buf, size_t len)
{
	int n = snprintf(buf, len, "device %s", d->cls->name);

	for (unsigned i = 0; i < d->nprops && n > 0 && (size_t)n < len; i++)
		if (d->props[i].text)
			n += snprintf(buf + n, len - (size_t)n, "%s%s=%s",
				      i ? "," : " ", d->props[i].name,
				      d->props[i].text);
	if (n <= 0 || (size_t)n >= len)
		return;
	if (d->pci)
		snprintf(buf + n, len - (size_t)n, " @pci 00:%02x.0",
			 d->pci->devfn >> 3);
	else
		snprintf(buf + n, len - (size_t)n, " @0x%" PRIx64,
			 d->place.base);
}

/* Line i of the configuration (0-based), false past the last. */
static bool config_line(const struct machine *m, unsigned i, char *buf,
			size_t len)
{
	struct glass_device *devs[MAX_DEVS];
	unsigned n = list_devices(m, devs);

	switch (i) {
	case 0:
		snprintf(buf, len, "machine virt,pci-bus-offset=0x%" PRIx64,
			 m->cfg.pci_bus_offset);
		return true;
	case 1:
		snprintf(buf, len, "m %" PRIu64, m->cfg.ram_size);
		return true;
	case 2:
		snprintf(buf, len, "smp %u", m->nharts);
		return true;
	}
	if (i - 3 >= n)
		return false;
	device_line(devs[i - 3], buf, len);
	return true;
}

static void put_config(const struct machine *m, struct snap_buf *b)
{
	char line[CONF_LINE];

	for (unsigned i = 0; config_line(m, i, line, sizeof(line)); i++)
		snap_put_str(b, line);
}

/* "-m 256M" from "m 268435456"; other lines as they are. */
static void friendly(const char *line, char *buf, size_t len)
{
	unsigned long long v;

	if (sscanf(line, "m %llu", &v) == 1)
		snprintf(buf, len, "-m %lluM", v >> 20);
	else if (!strncmp(line, "smp ", 4))
		snprintf(buf, len, "-smp %s", line + 4);
	else if (!strncmp(line, "machine ", 8))
		snprintf(buf, len, "-M %s", line + 8);
	else
		snprintf(buf, len, "%s", line);
}

static int check_config(const struct machine *m, const struct snap_file *f,
			char *err, size_t errlen)
{
	const struct snap_section *s = snap_find(f, SNAP_CONF, 0);
	char theirs[CONF_LINE], ours[CONF_LINE], a[CONF_LINE], b[CONF_LINE];

	if (!s || snap_count(f, SNAP_CONF) != 1)
		return fail(err, errlen, "corrupt (no machine configuration)");
	struct snap_cursor c = snap_cursor(s);
	for (unsigned i = 0;; i++) {
		bool have_theirs = c.left > 0;
		bool have_ours = config_line(m, i, ours, sizeof(ours));
		if (have_theirs && !snap_get_str(&c, theirs, sizeof(theirs)))
			return fail(err, errlen, "corrupt (bad machine "
				    "configuration)");
		if (!have_theirs && !have_ours)
			return 0;
		if (have_theirs && have_ours && !strcmp(theirs, ours))
			continue;
		if (!have_ours) {
			friendly(theirs, a, sizeof(a));
			return fail(err, errlen, "the snapshot's machine has "
				    "%s, this one has no such device", a);
		}
		if (!have_theirs) {
			friendly(ours, b, sizeof(b));
			return fail(err, errlen, "this machine has %s, the "
				    "snapshot's has no such device", b);
		}
		friendly(theirs, a, sizeof(a));
		friendly(ours, b, sizeof(b));
		return fail(err, errlen, "taken on another machine: the "
			    "snapshot has %s, this machine %s", a, b);
	}
}

/* ---- saving ---- */

static void put_machine(struct machine *m, struct snap_buf *b)
{
	snap_put_u64(b, machine_time_ns(m));
	snap_put_u64(b, m->icount);
	snap_put_u64(b, m->tohost);
	snap_put_u64(b, m->fromhost);
	snap_put_u8(b, m->htif);
}

static void put_hart(const struct hart *h, unsigned i, struct snap_buf *b)
{
	struct hart_state s;
	uint64_t w[HART_STATE_WORDS];

	hart_get_state(h, &s);
	memcpy(w, &s, sizeof(w));
	snap_put_u32(b, i);
	snap_put_u32(b, HART_STATE_VERSION);
	snap_put_u32(b, (uint32_t)HART_STATE_WORDS);
	for (unsigned k = 0; k < HART_STATE_WORDS; k++)
		snap_put_u64(b, w[k]);
}

static void put_device(const struct glass_device *d, unsigned i,
		       struct snap_buf *b)
{
	struct device_saved s;

	device_get_saved(d, &s);
	snap_put_u32(b, i);
	snap_put_str(b, d->cls->name);
	snap_put_str(b, d->id);
	snap_put_u32(b, s.state_version);
	snap_put_u64(b, s.state_size);
	snap_put(b, s.state, s.state_size);
	snap_put_u32(b, s.ntimers);
	for (unsigned k = 0; k < s.ntimers; k++) {
		snap_put_u8(b, s.timers[k].armed);
		snap_put_u64(b, s.timers[k].deadline);
	}
	snap_put_u32(b, s.nirqs);
	snap_put(b, s.irq_level, s.nirqs);
	snap_put_u8(b, s.pci_cfg != NULL);
	if (s.pci_cfg) {
		snap_put(b, s.pci_cfg, PCI_CONFIG_SIZE);
		snap_put_u8(b, s.intx_level);
	}
}

static void put_counters(struct snap_buf *b, const struct hart_counters *c)
{
	snap_put_u64(b, c->instret);
	snap_put_u64(b, c->cycle);
	snap_put_u64(b, c->interrupts);
	snap_put_u64(b, c->exceptions);
	snap_put_u64(b, c->tlb_hits);
	snap_put_u64(b, c->tlb_misses);
	snap_put_u64(b, c->tlb_walks);
}

/* Statistics since power-on (and the baseline of the last reset), so the
 * final --stats of a restored run are those of the run that went on. */
static void put_stats(const struct machine *m, struct snap_buf *b)
{
	const struct stats *s = &m->stats;
	const struct address_space *as = &m->as;

	snap_put_u32(b, m->nharts);
	for (unsigned i = 0; i < m->nharts; i++)
		put_counters(b, &s->hart_base[i]);
	snap_put_u32(b, (uint32_t)as->nregions);
	for (int i = 0; i < as->nregions; i++) {
		snap_put_str(b, as->regions[i].name);
		snap_put_u64(b, as->regions[i].reads);
		snap_put_u64(b, as->regions[i].writes);
		bool base = i < STATS_MAX_REGIONS;
		snap_put_u64(b, base ? s->region_base[i][0] : 0);
		snap_put_u64(b, base ? s->region_base[i][1] : 0);
	}
	snap_put_u64(b, s->dma_ops);
	snap_put_u64(b, s->dma_bytes);
	snap_put_u64(b, s->dma_refused);
	snap_put_u64(b, s->config_accesses);
	snap_put_u64(b, s->irq_events);
	snap_put_u64(b, s->guest_errors);
	snap_put_u64(b, s->hypercalls);
	snap_put_u8(b, s->regs_full);
	snap_put_u32(b, s->nregs);
	for (unsigned i = 0; i < STATS_MAX_REGS; i++) {
		const struct stats_reg *e = &s->regs[i];
		if (!e->r)
			continue;
		snap_put_u32(b, i);
		snap_put_u32(b, (uint32_t)(e->r - as->regions));
		snap_put_u64(b, e->offset);
		snap_put_u64(b, e->reads);
		snap_put_u64(b, e->writes);
	}
	snap_put_u32(b, s->nvqs);
	for (unsigned i = 0; i < s->nvqs; i++) {
		const struct stats_vq *q = &s->vqs[i];
		snap_put_str(b, q->device);
		snap_put_u32(b, (uint32_t)q->queue);
		snap_put_u64(b, q->notifies);
		snap_put_u64(b, q->chains);
		snap_put_u64(b, q->used);
		snap_put_u64(b, q->bytes_out);
		snap_put_u64(b, q->bytes_in);
		snap_put_u64(b, q->interrupts);
	}
}

typedef void (*put_fn)(struct machine *m, unsigned i, struct snap_buf *b);

static void section(struct snap_writer *w, uint32_t tag, struct machine *m,
		    unsigned i, put_fn put)
{
	struct snap_buf b = { 0 };

	put(m, i, &b);
	snap_write_section(w, tag, &b);
	snap_buf_free(&b);
}

static void sec_conf(struct machine *m, unsigned i, struct snap_buf *b)
{
	put_config(m, b);
}

static void sec_mach(struct machine *m, unsigned i, struct snap_buf *b)
{
	put_machine(m, b);
}

static void sec_hart(struct machine *m, unsigned i, struct snap_buf *b)
{
	put_hart(&m->harts[i], i, b);
}

static void sec_pcih(struct machine *m, unsigned i, struct snap_buf *b)
{
	snap_put(b, m->pci.bridge.cfg, PCI_CONFIG_SIZE);
	snap_put_u64(b, m->pci.master_aborts);
}

static void sec_stat(struct machine *m, unsigned i, struct snap_buf *b)
{
	put_stats(m, b);
}

/* Caches derived from memory, dropped on the machine being saved as a
 * restore drops them, so both go on from the same state. */
static void drop_caches(struct machine *m)
{
	for (int i = 0; i < m->as.nregions; i++) {
		struct region *r = &m->as.regions[i];
		if (r->kind != REGION_MMIO)
			as_code_written(&m->as, r, 0, r->size);
	}
	for (unsigned i = 0; i < m->nharts; i++)
		hart_drop_caches(&m->harts[i]);
}

int snapshot_save_fd(struct machine *m, int fd, struct snapshot_stats *st,
		     char *err, size_t errlen)
{
	struct snap_writer w = { .fd = fd };
	struct glass_device *devs[MAX_DEVS];
	unsigned ndev = list_devices(m, devs);
	uint64_t t0 = host_ns();
	struct snapshot_stats dummy;

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	drop_caches(m);
	snap_write_header(&w, m->cfg.icount ? SNAP_FLAG_ICOUNT : 0);
	section(&w, SNAP_CONF, m, 0, sec_conf);
	section(&w, SNAP_MACH, m, 0, sec_mach);
	for (unsigned i = 0; i < m->nharts; i++)
		section(&w, SNAP_HART, m, i, sec_hart);
	for (unsigned i = 0; i < ndev; i++) {
		struct snap_buf b = { 0 };
		put_device(devs[i], i, &b);
		snap_write_section(&w, SNAP_DEVI, &b);
		snap_buf_free(&b);
	}
	section(&w, SNAP_PCIH, m, 0, sec_pcih);
	for (int i = 0; i < m->as.nregions && !w.err; i++) {
		const struct region *r = &m->as.regions[i];
		if (r->kind != REGION_MMIO && ram_write(&w, r, st) < 0 &&
		    !w.err)
			w.err = ENOMEM;
	}
	int rc = 0;
	for (unsigned i = 0; i < m->backends.ndrives && !w.err && !rc; i++)
		rc = disk_write(&w, &m->backends.drives[i], i, err, errlen);
	section(&w, SNAP_STAT, m, 0, sec_stat);
	snap_write_end(&w);
	st->bytes = w.written;
	st->ns = host_ns() - t0;
	if (w.err)
		return fail(err, errlen, "cannot write the snapshot: %s",
			    strerror(w.err));
	if (rc < 0)
		return -1;
	/* Under -icount the machine that goes on and the one restored from
	 * the file continue alike: host network connections cannot be in
	 * the file, so the running machine loses them too (a restore
	 * starts with the network as after a cable pull, below). */
	if (m->cfg.icount)
		backends_network_reset(m);
	return 0;
}

/* Write to a temporary name in dirfd, then rename it to `name`. */
static int save_rename(struct machine *m, int dirfd, const char *name,
		       struct snapshot_stats *st, char *err, size_t errlen)
{
	char tmp[4200];
	const char *slash = strrchr(name, '/');
	size_t dir = slash ? (size_t)(slash - name) + 1 : 0;

	if (snprintf(tmp, sizeof(tmp), "%.*s.%s.tmp%ld", (int)dir, name,
		     name + dir, (long)getpid()) >= (int)sizeof(tmp))
		return fail(err, errlen, "name too long");
	uint64_t t0 = host_ns();
	struct snapshot_stats dummy;
	if (!st)
		st = &dummy;
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL |
			O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(err, errlen, "cannot create %s: %s", tmp,
			    strerror(errno));
	int rc = snapshot_save_fd(m, fd, st, err, errlen);
	if (rc == 0 && fsync(fd) < 0)
		rc = fail(err, errlen, "cannot write the snapshot: %s",
			  strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = fail(err, errlen, "cannot write the snapshot: %s",
			  strerror(errno));
	if (rc == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		rc = fail(err, errlen, "cannot rename %s to %s: %s", tmp,
			  name, strerror(errno));
	if (rc < 0)
		unlinkat(dirfd, tmp, 0);
	st->ns = host_ns() - t0;  /* written, on disk, in place */
	return rc;
}

int snapshot_save(struct machine *m, const char *path,
		  struct snapshot_stats *st, char *err, size_t errlen)
{
	return save_rename(m, AT_FDCWD, path, st, err, errlen);
}

int snapshot_save_at(struct machine *m, int dirfd, const char *name,
		     struct snapshot_stats *st, char *err, size_t errlen)
{
	if (strchr(name, '/'))
		return fail(err, errlen, "a checkpoint name is one file name");
	return save_rename(m, dirfd, name, st, err, errlen);
}

/* ---- restoring: parse and check everything first ---- */

struct restore {
	uint64_t time_ns, icount, tohost, fromhost;
	uint8_t htif;
	struct hart_state harts[MAX_HARTS];
	struct glass_device *devs[MAX_DEVS];
	struct device_saved saved[MAX_DEVS];
	void *backup[MAX_DEVS];
	unsigned ndev;
	const uint8_t *bridge_cfg;
	uint64_t master_aborts;
	struct ram_image mem[AS_MAX_REGIONS];
	unsigned nmem;
	struct disk_image disk[MAX_DRIVES];
	unsigned ndisk;
	/* statistics */
	struct hart_counters hart_base[MAX_HARTS];
	uint64_t region_rw[AS_MAX_REGIONS][4];
	uint64_t counters[7];
	uint8_t regs_full;
	struct snap_section regs;   /* the register entries, checked */
	unsigned nregs;
	struct stats_vq vqs[STATS_MAX_VQS];
	unsigned nvqs;
};

static int parse_machine(const struct snap_file *f, struct restore *r,
			 char *err, size_t errlen)
{
	const struct snap_section *s = snap_find(f, SNAP_MACH, 0);

	if (!s || snap_count(f, SNAP_MACH) != 1)
		return fail(err, errlen, "corrupt (no machine section)");
	struct snap_cursor c = snap_cursor(s);
	r->time_ns = snap_get_u64(&c);
	r->icount = snap_get_u64(&c);
	r->tohost = snap_get_u64(&c);
	r->fromhost = snap_get_u64(&c);
	r->htif = snap_get_u8(&c);
	if (!snap_done(&c) || r->htif > 1)
		return fail(err, errlen, "corrupt (bad machine section)");
	return 0;
}

static int parse_harts(const struct machine *m, const struct snap_file *f,
		       struct restore *r, char *err, size_t errlen)
{
	if (snap_count(f, SNAP_HART) != m->nharts)
		return fail(err, errlen, "corrupt (%u hart sections for %u "
			    "harts)", snap_count(f, SNAP_HART), m->nharts);
	for (unsigned i = 0; i < m->nharts; i++) {
		struct snap_cursor c = snap_cursor(snap_find(f, SNAP_HART, i));
		uint64_t w[HART_STATE_WORDS];
		if (snap_get_u32(&c) != i ||
		    snap_get_u32(&c) != HART_STATE_VERSION ||
		    snap_get_u32(&c) != HART_STATE_WORDS)
			return fail(err, errlen, "hart %u: a state this glass "
				    "does not read", i);
		for (unsigned k = 0; k < HART_STATE_WORDS; k++)
			w[k] = snap_get_u64(&c);
		if (!snap_done(&c))
			return fail(err, errlen, "corrupt (hart %u)", i);
		memcpy(&r->harts[i], w, sizeof(w));
		const char *why = hart_check_state(&m->harts[i], &r->harts[i]);
		if (why)
			return fail(err, errlen, "hart %u: %s", i, why);
	}
	return 0;
}

static int parse_device(const struct snap_section *s, unsigned i,
			struct glass_device *d, struct device_saved *v,
			char *err, size_t errlen)
{
	struct snap_cursor c = snap_cursor(s);
	char cls[64], id[DEVICE_ID_LEN + 1];

	memset(v, 0, sizeof(*v));
	bool ok = snap_get_u32(&c) == i && snap_get_str(&c, cls, sizeof(cls)) &&
		  snap_get_str(&c, id, sizeof(id));
	if (!ok)
		return fail(err, errlen, "corrupt (device %u)", i);
	if (strcmp(cls, d->cls->name) || strcmp(id, d->id))
		return fail(err, errlen, "device %u is %s \"%s\" in the "
			    "snapshot, %s \"%s\" here", i, cls, id,
			    d->cls->name, d->id);
	v->state_version = snap_get_u32(&c);
	v->state_size = snap_get_u64(&c);
	v->state = snap_get(&c, v->state_size);
	v->ntimers = snap_get_u32(&c);
	if (v->ntimers > DEVICE_MAX_TIMERS)
		return fail(err, errlen, "corrupt (device %s)", d->id);
	for (unsigned k = 0; k < v->ntimers; k++) {
		v->timers[k].armed = snap_get_u8(&c);
		v->timers[k].deadline = snap_get_u64(&c);
	}
	v->nirqs = snap_get_u32(&c);
	const uint8_t *lv = v->nirqs <= DEVICE_MAX_IRQS ?
			    snap_get(&c, v->nirqs) : NULL;
	if (lv)
		memcpy(v->irq_level, lv, v->nirqs);
	if (snap_get_u8(&c)) {
		v->pci_cfg = snap_get(&c, PCI_CONFIG_SIZE);
		v->intx_level = snap_get_u8(&c);
	}
	if (!lv || !snap_done(&c) || (v->state_size && !v->state))
		return fail(err, errlen, "corrupt (device %s)", d->id);
	const char *why = device_check_saved(d, v);
	if (why)
		return fail(err, errlen, "device %s: %s", d->id, why);
	return 0;
}

static int parse_devices(const struct machine *m, const struct snap_file *f,
			 struct restore *r, char *err, size_t errlen)
{
	r->ndev = list_devices(m, r->devs);
	if (snap_count(f, SNAP_DEVI) != r->ndev)
		return fail(err, errlen, "corrupt (%u device sections for %u "
			    "devices)", snap_count(f, SNAP_DEVI), r->ndev);
	for (unsigned i = 0; i < r->ndev; i++)
		if (parse_device(snap_find(f, SNAP_DEVI, i), i, r->devs[i],
				 &r->saved[i], err, errlen) < 0)
			return -1;
	return 0;
}

static int parse_bridge(const struct machine *m, const struct snap_file *f,
			struct restore *r, char *err, size_t errlen)
{
	const struct snap_section *s = snap_find(f, SNAP_PCIH, 0);

	if (!s || snap_count(f, SNAP_PCIH) != 1)
		return fail(err, errlen, "corrupt (no host bridge section)");
	struct snap_cursor c = snap_cursor(s);
	r->bridge_cfg = snap_get(&c, PCI_CONFIG_SIZE);
	r->master_aborts = snap_get_u64(&c);
	if (!snap_done(&c))
		return fail(err, errlen, "corrupt (host bridge)");
	/* the bridge has no BARs: only its identity is fixed */
	if (memcmp(r->bridge_cfg, m->pci.bridge.cfg, 4) ||
	    memcmp(r->bridge_cfg + 8, m->pci.bridge.cfg + 8, 4))
		return fail(err, errlen, "the host bridge differs");
	return 0;
}

static int parse_memory(const struct machine *m, const struct snap_file *f,
			struct restore *r, char *err, size_t errlen)
{
	unsigned want = 0;

	for (int i = 0; i < m->as.nregions; i++)
		want += m->as.regions[i].kind != REGION_MMIO;
	if (snap_count(f, SNAP_MEMR) != want)
		return fail(err, errlen, "corrupt (%u memory sections for %u "
			    "memory regions)", snap_count(f, SNAP_MEMR), want);
	for (int i = 0; i < m->as.nregions; i++) {
		const struct region *reg = &m->as.regions[i];
		if (reg->kind == REGION_MMIO)
			continue;
		const struct snap_section *s = snap_find(f, SNAP_MEMR, r->nmem);
		if (ram_parse(s, reg, &r->mem[r->nmem], err, errlen) < 0)
			return -1;
		r->nmem++;
	}
	return 0;
}

static void get_counters(struct snap_cursor *c, struct hart_counters *h)
{
	h->instret = snap_get_u64(c);
	h->cycle = snap_get_u64(c);
	h->interrupts = snap_get_u64(c);
	h->exceptions = snap_get_u64(c);
	h->tlb_hits = snap_get_u64(c);
	h->tlb_misses = snap_get_u64(c);
	h->tlb_walks = snap_get_u64(c);
}

static int parse_stats(const struct machine *m, const struct snap_file *f,
		       struct restore *r, char *err, size_t errlen)
{
	const struct snap_section *s = snap_find(f, SNAP_STAT, 0);
	char name[128];

	if (!s || snap_count(f, SNAP_STAT) != 1)
		return fail(err, errlen, "corrupt (no statistics section)");
	struct snap_cursor c = snap_cursor(s);
	if (snap_get_u32(&c) != m->nharts)
		return fail(err, errlen, "corrupt (statistics)");
	for (unsigned i = 0; i < m->nharts; i++)
		get_counters(&c, &r->hart_base[i]);
	if (snap_get_u32(&c) != (uint32_t)m->as.nregions)
		return fail(err, errlen, "the snapshot's memory map has "
			    "another number of regions");
	for (int i = 0; i < m->as.nregions; i++) {
		if (!snap_get_str(&c, name, sizeof(name)) ||
		    strcmp(name, m->as.regions[i].name))
			return fail(err, errlen, "the snapshot's memory map "
				    "differs (region %d)", i);
		for (int k = 0; k < 4; k++)
			r->region_rw[i][k] = snap_get_u64(&c);
	}
	for (int k = 0; k < 7; k++)
		r->counters[k] = snap_get_u64(&c);
	r->regs_full = snap_get_u8(&c);
	r->nregs = snap_get_u32(&c);
	if (r->nregs > STATS_MAX_REGS || r->regs_full > 1)
		return fail(err, errlen, "corrupt (statistics)");
	/* the entries: remembered and checked here, placed at commit */
	r->regs = (struct snap_section){ SNAP_STAT, c.p, c.left };
	uint8_t used[STATS_MAX_REGS] = { 0 };
	for (unsigned i = 0; i < r->nregs; i++) {
		uint32_t slot = snap_get_u32(&c), reg = snap_get_u32(&c);
		snap_get(&c, 24);
		if (slot >= STATS_MAX_REGS || used[slot] ||
		    reg >= (uint32_t)m->as.nregions)
			return fail(err, errlen, "corrupt (statistics)");
		used[slot] = 1;
	}
	r->regs.len -= c.left;
	/* virtqueue counters, by device id (pointing at this machine's) */
	r->nvqs = snap_get_u32(&c);
	if (r->nvqs > STATS_MAX_VQS)
		return fail(err, errlen, "corrupt (statistics)");
	for (unsigned i = 0; i < r->nvqs; i++) {
		struct stats_vq *q = &r->vqs[i];
		char id[DEVICE_ID_LEN + 1] = "";
		snap_get_str(&c, id, sizeof(id));
		q->device = NULL;
		for (unsigned k = 0; k < r->ndev && !q->device; k++)
			if (!strcmp(glass_device_id(r->devs[k]), id))
				q->device = glass_device_id(r->devs[k]);
		q->queue = (int)snap_get_u32(&c);
		q->notifies = snap_get_u64(&c);
		q->chains = snap_get_u64(&c);
		q->used = snap_get_u64(&c);
		q->bytes_out = snap_get_u64(&c);
		q->bytes_in = snap_get_u64(&c);
		q->interrupts = snap_get_u64(&c);
		if (!q->device || q->queue < 0 ||
		    q->queue >= VIRTIO_QUEUES_MAX)
			return fail(err, errlen, "corrupt (statistics)");
	}
	if (!snap_done(&c))
		return fail(err, errlen, "corrupt (statistics)");
	return 0;
}

static int parse_disks(struct machine *m, const struct snap_file *f,
		       struct restore *r, char *err, size_t errlen)
{
	struct backends *b = &m->backends;
	unsigned n = snap_count(f, SNAP_DISK);

	if (n != b->ndrives)
		return fail(err, errlen, "the snapshot's machine has %u "
			    "-drive%s, this one %u", n, n == 1 ? "" : "s",
			    b->ndrives);
	for (unsigned i = 0; i < n; i++) {
		if (disk_parse(snap_find(f, SNAP_DISK, i), i, &b->drives[i],
			       &r->disk[i], err, errlen) < 0)
			return -1;
		r->ndisk = i + 1;
	}
	return 0;
}

/* ---- restoring: commit ---- */

static void commit_stats(struct machine *m, const struct restore *r)
{
	struct stats *s = &m->stats;
	struct snap_cursor c = snap_cursor(&r->regs);

	for (unsigned i = 0; i < m->nharts && i < STATS_MAX_HARTS; i++)
		s->hart_base[i] = r->hart_base[i];
	for (int i = 0; i < m->as.nregions; i++) {
		m->as.regions[i].reads = r->region_rw[i][0];
		m->as.regions[i].writes = r->region_rw[i][1];
		if (i < STATS_MAX_REGIONS) {
			s->region_base[i][0] = r->region_rw[i][2];
			s->region_base[i][1] = r->region_rw[i][3];
		}
	}
	s->dma_ops = r->counters[0];
	s->dma_bytes = r->counters[1];
	s->dma_refused = r->counters[2];
	s->config_accesses = r->counters[3];
	s->irq_events = r->counters[4];
	s->guest_errors = r->counters[5];
	s->hypercalls = r->counters[6];
	memset(s->regs, 0, sizeof(s->regs));
	s->regs_full = r->regs_full;
	s->nregs = r->nregs;
	for (unsigned i = 0; i < r->nregs; i++) {
		uint32_t slot = snap_get_u32(&c), reg = snap_get_u32(&c);
		struct stats_reg *e = &s->regs[slot];
		e->r = &m->as.regions[reg];
		e->offset = snap_get_u64(&c);
		e->reads = snap_get_u64(&c);
		e->writes = snap_get_u64(&c);
	}
	memcpy(s->vqs, r->vqs, sizeof(s->vqs));
	s->nvqs = r->nvqs;
}

static void commit(struct machine *m, struct restore *r)
{
	for (unsigned i = 0; i < r->ndev; i++)
		device_commit_saved(r->devs[i], &r->saved[i]);
	memcpy(m->pci.bridge.cfg, r->bridge_cfg, PCI_CONFIG_SIZE);
	m->pci.master_aborts = r->master_aborts;
	pci_host_recount_intx(&m->pci);
	for (unsigned i = 0; i < r->nmem; i++)
		ram_commit(&m->as, &r->mem[i]);
	for (unsigned i = 0; i < r->ndisk; i++)
		disk_commit(&r->disk[i]);
	/* host connections are not in a snapshot: the network starts as
	 * after a cable pull */
	backends_network_reset(m);
	for (unsigned i = 0; i < m->nharts; i++)
		hart_set_state(&m->harts[i], &r->harts[i]);
	m->icount = r->icount;
	machine_set_time(m, r->time_ns);
	m->tohost = r->tohost;
	m->fromhost = r->fromhost;
	m->htif = r->htif;
	commit_stats(m, r);
	drop_caches(m);
}

static void free_restore(struct restore *r)
{
	for (unsigned i = 0; i < r->nmem; i++)
		ram_image_free(&r->mem[i]);
	for (unsigned i = 0; i < r->ndisk; i++)
		disk_image_free(&r->disk[i]);
	free(r);
}

int snapshot_restore(struct machine *m, const struct snap_file *f, char *err,
		     size_t errlen)
{
	struct restore *r = calloc(1, sizeof(*r));

	if (!r)
		return fail(err, errlen, "out of memory");
	if (check_config(m, f, err, errlen) < 0 ||
	    parse_machine(f, r, err, errlen) < 0 ||
	    parse_harts(m, f, r, err, errlen) < 0 ||
	    parse_devices(m, f, r, err, errlen) < 0 ||
	    parse_bridge(m, f, r, err, errlen) < 0 ||
	    parse_stats(m, f, r, err, errlen) < 0 ||
	    parse_memory(m, f, r, err, errlen) < 0 ||
	    parse_disks(m, f, r, err, errlen) < 0) {
		free_restore(r);
		return -1;
	}
	/* the device states, which post_load may still refuse: undone */
	uint32_t mask = m->tracer.sink.mask;
	m->tracer.sink.mask = 0; /* a restore is no guest activity */
	for (unsigned i = 0; i < r->ndev; i++) {
		char why[160];
		r->backup[i] = device_load_state(r->devs[i], &r->saved[i], why,
						 sizeof(why));
		if (r->backup[i])
			continue;
		fail(err, errlen, "device %s: %s", r->devs[i]->id, why);
		while (i--)
			device_unload_state(r->devs[i], r->backup[i]);
		m->tracer.sink.mask = mask;
		free_restore(r);
		return -1;
	}
	for (unsigned i = 0; i < r->ndev; i++)
		free(r->backup[i]);
	commit(m, r);
	m->tracer.sink.mask = mask;
	free_restore(r);
	return 0;
}

int snapshot_load(struct machine *m, const char *path, char *err,
		  size_t errlen)
{
	struct snap_file f;
	const char *why;

	if (snap_open(&f, path, &why) < 0)
		return fail(err, errlen, "%s", why);
	int rc = snapshot_restore(m, &f, err, errlen);
	snap_file_free(&f);
	return rc;
}
