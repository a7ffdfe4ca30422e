/* libFuzzer target: the plugin boundary. A device class built into the
 * target exactly as a plugin would be built (part 1 below includes nothing
 * of glass but include/glass/device.h and bus.h) misbehaves in every way
 * the ABI lets it, as the input says: region descriptions with random
 * valid/impl/flags and register tables that may be unsorted, overlapping
 * or out of range (or reg_at functions with garbage in their holes), BARs
 * with bad sizes and flags, properties it did not declare or of the wrong
 * type, reads returning bits above the access, interrupt lines it does not
 * have, DMA and glass_dma_map anywhere with any length (NULL buffers too),
 * timers created outside realize, armed at wild deadlines, re-armed from
 * their own callbacks, cancelled twice, machine requests with bad values,
 * capabilities and config space at bad offsets, guest errors and log lines
 * with long strings, device-tree calls with bad arguments, and all of it
 * from realize, reset, accesses, timers, config writes and unrealize.
 *
 * Part 2 is the machine: an address space with RAM (a ROM right after
 * it), a platform window or a PCIe host bridge, a virtual clock; it makes
 * the device with device_create, drives guest accesses through
 * fuzz_contract.h (so every call the plugin's regions get, and every
 * access's outcome, is checked against the contract), fires the timers
 * with vclock_run, resets the device and destroys it. After every call the
 * plugin makes across the ABI it checks what glass did:
 * - a call the ABI refuses is counted in dev->abi_errors and has a
 *   guest-error event, and a call it allows is neither;
 * - DMA moves exactly the bytes asked, only inside guest RAM, and a
 *   refused transfer moves nothing and has a dma or guest-error event;
 * - interrupt lines, timers (armed state, never firing inside
 *   glass_timer_arm, firing once due, cancelled by reset, silent after
 *   destroy), properties, config space and capabilities are what the
 *   calls made them;
 * - a class, properties or region description glass must refuse makes
 *   device_create or the region call fail, never a crash.
 * And no crash, leak or undefined behaviour under ASan and UBSan.
 *
 * Input:
 *   8 header bytes: 0: bit 0 PCI (else platform), bits 1-2 the class's
 *     platform_irqs, bit 3 realize fails, bits 4-6 a class defect (5 a
 *     bad name, 6 state larger than the instance, 7 a bad property
 *     default or PCI vendor ffff), bit 7 "firmware" maps the BARs;
 *     1: the trace selector (fuzz_common.h); 2: the user's properties
 *     (user_props[]); 3: the platform window's size (bits 0-2) and lines
 *     (bits 4-5); 4: actions run in realize; 5: actions in the pool that
 *     hooks, accesses and timers take from; 6: the fdt_node hook's
 *     choices (bit 7: operation 7 writes the node); 7: PCI pin, revision;
 *   4 region descriptions of 12 bytes (p_desc_make);
 *   the actions, 16 bytes each: kind, a, b, c, x (4), y (8) (p_run);
 *   guest operations, 12 bytes each: width (bits 0-1), write (bit 2),
 *     kind (bits 3-5), initiator (bits 6-7); selector (3); value (8)
 *     (run_op).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "glass/device.h"

/* ======== part 1: the plugin ======================================== */

#define P_DESCS 4
#define P_REGS 8            /* register table entries per description */
#define P_REALIZE 24        /* actions in realize, at most */
#define P_POOL 32           /* actions hooks and accesses take from */
#define P_TIMERS 20         /* more than glass gives a device */
#define P_REGIONS 16
#define P_DEPTH 3           /* actions that run actions */
#define P_BUF (128u << 10)  /* the plugin's DMA buffer */

/* One action: kind, then its arguments. */
struct p_act {
	uint8_t kind, a, b, c;
	uint32_t x;
	uint64_t y;
};

/* A region description and how its model behaves. */
struct p_desc {
	struct glass_region_ops ops;
	struct glass_reg regs[P_REGS + 1];   /* as the table, or for reg_at */
	uint8_t hole;        /* reg_at in a hole: 0 NULL, 1 a register that
				does not cover the offset, 2 one of size 0 */
	uint8_t behave;      /* bit 0: reads return bits above the access;
				bit 1: a write runs an action; bit 2: so does a
				read */
};

/* The plugin's script: what the input made of it. */
struct p_program {
	struct glass_prop props[6];
	struct p_desc desc[P_DESCS];
	struct p_act realize[P_REALIZE];
	unsigned nrealize;
	struct p_act pool[P_POOL];
	unsigned npool;
	bool fail_realize;   /* realize returns -1 at the end */
	uint8_t fdt;         /* what the fdt_node hook does */
};

/* The guest-visible state: a plain struct, first in the instance. */
struct p_state {
	uint8_t mem[256];
	uint64_t writes;
};

struct p_instance;

struct p_region {
	struct p_instance *p;
	unsigned desc;
	uint64_t offset, size;
};

/* What a timer's callback gets: which timer of which instance. */
struct p_timer {
	struct p_instance *p;
	struct glass_timer *t;
};

struct p_instance {
	struct p_state s;
	struct glass_device *dev;
	bool realizing;
	struct p_timer timers[P_TIMERS];
	unsigned ntimers;
	struct p_region regions[P_REGIONS];
	unsigned nregions;
	unsigned depth;
	unsigned next;       /* the next pool action */
	bool arming;         /* inside glass_timer_arm */
	uint8_t buf[P_BUF];
};

static struct p_program prog;

/* What the machine half watches (the test's own channel, not the ABI):
 * each is told about a call just made across the ABI and checks what
 * glass did. */
static void h_enter(struct glass_device *dev);
static void h_hook(struct glass_device *dev, int hook);
static void h_irq(unsigned n, int level);
static void h_dma(bool write, uint64_t addr, const void *buf, size_t len,
		  int rc);
static void h_map(uint64_t addr, size_t len, bool write, void *p);
static void h_timer_new(bool realizing, bool no_fire,
			struct glass_timer *t);
static void h_timer(struct glass_timer *t, bool arm, bool armed,
		    uint64_t when);
static void h_fired(struct glass_timer *t, bool arming);
static void h_request(int req, int code);
static void h_cap(bool realizing, uint8_t id, unsigned len, unsigned at);
static void h_config_set(unsigned off, const void *bytes, unsigned len);
static void h_config_get(unsigned off, unsigned size, uint32_t v);
static void h_prop(int type, const char *name, int rc, uint64_t u,
		   const char *s);
static void h_report(bool log, const char *text);
/* The widest width a region implements: its start and size must be
 * multiples of it (device.h, glass_platform_mmio). */
static unsigned impl_unit(const struct glass_region_ops *o)
{
	uint8_t impl = o->impl ? o->impl : o->valid ? o->valid : GLASS_WANY;

	for (unsigned w = 8; w > 1; w >>= 1)
		if (impl & w)
			return w;
	return 1;
}

static void h_mmio(bool realizing, uint64_t off, uint64_t size,
		   const struct glass_region_ops *ops, int rc);
static void h_bar(bool realizing, int n, uint64_t size, unsigned flags,
		  const struct glass_region_ops *ops, int rc);
static void h_misc(const char *id, uint64_t base, uint64_t now,
		   const struct glass_reg *table, uint64_t off,
		   const struct glass_reg *found);

enum { HOOK_REALIZE, HOOK_RESET, HOOK_UNREALIZE, HOOK_CONFIG, HOOK_INFO,
       HOOK_FDT };

static void p_run(struct p_instance *p, const struct p_act *a);

/* The next action of the pool, if there is one. */
static void p_step(struct p_instance *p)
{
	if (prog.npool && p->depth < P_DEPTH)
		p_run(p, &prog.pool[p->next++ % prog.npool]);
}

/* ---- regions ---- */

static uint64_t p_value(const struct p_region *r, uint64_t off, unsigned size)
{
	uint64_t v = (off * 0x9e3779b97f4a7c15ull) ^ r->p->s.writes ^
		     r->p->s.mem[off & 0xff];

	if (size < 8) {
		v &= (1ull << (8 * size)) - 1;
		/* a model bug glass must drop: bits above the access */
		if (prog.desc[r->desc].behave & 1)
			v |= 0xa5ull << (8 * size);
	}
	return v;
}

static uint64_t p_read(void *opaque, uint64_t off, unsigned size,
		       const struct glass_attrs *who)
{
	struct p_region *r = opaque;

	if (prog.desc[r->desc].behave & 4)
		p_step(r->p);
	return p_value(r, off, size);
}

static void p_write(void *opaque, uint64_t off, uint64_t val, unsigned size,
		    const struct glass_attrs *who)
{
	struct p_region *r = opaque;

	for (unsigned i = 0; i < size; i++)
		r->p->s.mem[(off + i) & 0xff] = (uint8_t)(val >> (8 * i));
	r->p->s.writes++;
	if (prog.desc[r->desc].behave & 2)
		p_step(r->p);
}

/* reg_at takes no opaque pointer: one function per description. What a
 * hole gives back is garbage of the kinds glass must cope with. */
static const struct glass_reg *p_reg_at(unsigned k, uint64_t off,
					struct glass_reg *scratch, char *name,
					size_t len)
{
	const struct p_desc *d = &prog.desc[k];

	for (const struct glass_reg *r = d->regs; r->name; r++) {
		if (off < r->offset || off - r->offset >= r->size)
			continue;
		*scratch = *r;
		if (name && len) {
			snprintf(name, len, "%s+%llx-with-a-long-computed-name",
				 r->name,
				 (unsigned long long)(off - r->offset));
			scratch->name = name;
		}
		return scratch;
	}
	switch (d->hole) {
	case 1:
		*scratch = (struct glass_reg){ (uint32_t)off + 1, 4, NULL,
					       0xff };
		return scratch;
	case 2:
		*scratch = (struct glass_reg){ (uint32_t)off, 0, "empty", 0 };
		return scratch;
	}
	return NULL;
}

#define P_REG_AT(k)                                                      \
	static const struct glass_reg *p_reg_at##k(uint64_t off,         \
						   struct glass_reg *s,  \
						   char *name, size_t len) \
	{                                                                \
		return p_reg_at(k, off, s, name, len);                   \
	}
P_REG_AT(0)
P_REG_AT(1)
P_REG_AT(2)
P_REG_AT(3)

static const struct glass_reg *(*const p_reg_ats[P_DESCS])(
	uint64_t, struct glass_reg *, char *, size_t) = {
	p_reg_at0, p_reg_at1, p_reg_at2, p_reg_at3,
};

/* The record (opaque of its accesses) for a region about to be asked
 * for; it is kept (p->nregions++) only if glass takes the region. glass
 * takes fewer than P_REGIONS, so a kept one is never reused. */
static struct p_region *p_region(struct p_instance *p, unsigned k,
				 uint64_t off, uint64_t size)
{
	struct p_region *r = &p->regions[p->nregions < P_REGIONS ?
					 p->nregions : P_REGIONS - 1];

	*r = (struct p_region){ p, k, off, size };
	return r;
}

/* ---- timers ---- */

static void p_arm(struct p_instance *p, struct glass_timer *t, uint64_t when)
{
	h_enter(p->dev);
	p->arming = true;
	glass_timer_arm(t, when);
	p->arming = false;
	h_timer(t, true, glass_timer_armed(t), when);
}

/* A timer's callback: an action of the pool, and now and then it re-arms
 * itself (for now: it fires again in the same run, up to glass's bound). */
static void p_fire(void *opaque)
{
	struct p_timer *pt = opaque;
	struct p_instance *p = pt->p;

	h_fired(pt->t, p->arming);
	p_step(p);
	switch (p->s.writes++ % 5) {
	case 0:
		p_arm(p, pt->t, glass_clock_ns(p->dev));
		break;
	case 1:
		p_arm(p, pt->t, glass_clock_ns(p->dev) + 1000);
		break;
	}
}

static struct glass_timer *pick_timer(struct p_instance *p, uint8_t a)
{
	if (!p->ntimers || a == 0xff)
		return NULL;
	return p->timers[a % p->ntimers].t;
}

static uint64_t pick_when(struct p_instance *p, uint8_t b, uint64_t y)
{
	uint64_t now = glass_clock_ns(p->dev);

	switch (b & 7) {
	case 0: return now + (y & 0xfffff);
	case 1: return now ? now - 1 : 0;    /* already past */
	case 2: return 0;
	case 3: return UINT64_MAX;
	case 4: return now + (y >> 1);
	default: return y;
	}
}

static void p_timer_new(struct p_instance *p, const struct p_act *a)
{
	bool no_fire = (a->a & 7) == 7;
	struct p_timer *pt = &p->timers[p->ntimers % P_TIMERS];

	h_enter(p->dev);
	struct glass_timer *t = glass_timer_new(p->dev, no_fire ? NULL : p_fire,
						pt);
	h_timer_new(p->realizing, no_fire, t);
	if (t && p->ntimers < P_TIMERS) {
		*pt = (struct p_timer){ p, t };
		p->ntimers++;
	}
}

static void p_timer_cancel(struct p_instance *p, const struct p_act *a)
{
	struct glass_timer *t = pick_timer(p, a->a);

	for (int i = 0; i < 1 + (a->b & 1); i++) {     /* twice, too */
		h_enter(p->dev);
		glass_timer_cancel(t);
		h_timer(t, false, glass_timer_armed(t), 0);
	}
}

/* ---- DMA ---- */

static uint64_t pick_addr(uint32_t x, uint64_t y)
{
	static const uint64_t at[] = {
		0x80000000, 0x8000fff0, 0x80010000, 0x8000ffff, 0x7ffffff8,
		0x10000000, 0, 0x3000, 0x100000, ~0ull, ~0ull - 7,
		0x80000000ull + (1ull << 32), 0xfff0, 0x10000,
	};
	switch (x & 3) {
	case 0: return 0x80000000 + (y & 0xffff);
	case 1: return y & 0xfffff;          /* bus addresses near 0 */
	case 2: return at[(y >> 8) % (sizeof(at) / sizeof(at[0]))];
	default: return y;
	}
}

static size_t pick_len(uint8_t b, uint32_t x)
{
	static const size_t lens[] = { 0, 1, 7, 8, 4096, 0x10000, 0x10001,
				       P_BUF, SIZE_MAX, SIZE_MAX - 3,
				       1ull << 40 };
	if (b & 0x80)
		return lens[(b & 0x7f) % (sizeof(lens) / sizeof(lens[0]))];
	return (x >> 8) % 0x300;
}

static void p_dma(struct p_instance *p, const struct p_act *a, bool write)
{
	uint64_t addr = pick_addr(a->x, a->y);
	size_t len = pick_len(a->b, a->x);
	/* the buffer is the plugin's, P_BUF bytes: glass must never touch
	 * more than it transfers, which is at most guest RAM */
	uint8_t *buf = (a->c & 1) ? NULL : p->buf;
	int rc;

	if (write && buf)
		memset(buf, a->c, P_BUF);
	h_enter(p->dev);
	rc = write ? glass_dma_write(p->dev, addr, buf, len) :
		     glass_dma_read(p->dev, addr, buf, len);
	h_dma(write, addr, buf, len, rc);
}

static void p_map(struct p_instance *p, const struct p_act *a)
{
	uint64_t addr = pick_addr(a->x, a->y);
	size_t len = pick_len(a->b, a->x);
	bool write = a->c & 1;

	h_enter(p->dev);
	uint8_t *m = glass_dma_map(p->dev, addr, len, write);
	h_map(addr, len, write, m);
	if (!m)
		return;
	/* use all of it, as a device would */
	if (write) {
		memset(m, a->c, len);
	} else {
		uint64_t sum = 0;
		for (size_t i = 0; i < len; i++)
			sum += m[i];
		p->s.writes += sum & 1;
	}
	h_map(addr, len, write, NULL);     /* done with it */
}

/* ---- the other calls ---- */

static void p_irq(struct p_instance *p, const struct p_act *a)
{
	static const unsigned lines[] = { 0, 1, 2, 3, 31, 32, 1000,
					  UINT32_MAX };
	unsigned n = (a->a & 0x80) ? a->a & 0x7f : lines[a->a & 7];
	int level = (a->b & 0x80) ? (int)(int8_t)a->b : a->b & 1;

	h_enter(p->dev);
	glass_irq_set(p->dev, n, level);
	h_irq(n, level);
}

static void p_request(struct p_instance *p, const struct p_act *a)
{
	static const int reqs[] = { GLASS_REQUEST_POWEROFF,
				    GLASS_REQUEST_RESET, GLASS_REQUEST_EXIT,
				    3, -1, 1000 };
	static const int codes[] = { 0, 1, 255, 256, -5, 0x7fffffff };
	int req = reqs[a->a % 6];
	int code = (a->b & 0x80) ? (int)a->y : codes[a->b % 6];

	h_enter(p->dev);
	glass_machine_request(p->dev, (enum glass_request)req, code);
	h_request(req, code);
}

static void p_cap(struct p_instance *p, const struct p_act *a)
{
	static const unsigned lens[] = { 0, 1, 4, 8, 0xc0, 256, 0xfffffffc,
					 0xffffffc4 };
	unsigned len = (a->b & 0x80) ? a->x : lens[a->b & 7];

	h_enter(p->dev);
	unsigned at = glass_pci_cap(p->dev, a->a, len);
	h_cap(p->realizing, a->a, len, at);
}

static unsigned pick_cfg_off(uint8_t b, uint32_t x)
{
	static const unsigned offs[] = { 0x3f, 0x40, 0xfff, 0x1000, 0x34,
					 0xffffffff, 0xfffffffe, 0xffc };
	return (b & 0x80) ? x & 0xfff : offs[b & 7];
}

static void p_config_set(struct p_instance *p, const struct p_act *a)
{
	static const unsigned lens[] = { 0, 1, 4, 16, 0x1000, 0xffffffff,
					 0xfc0, 3 };
	unsigned off = pick_cfg_off(a->b, a->x);
	unsigned len = lens[a->c & 7];
	const void *bytes = (a->c & 0x80) ? NULL : p->buf;

	memset(p->buf, a->a, 0x1000);
	h_enter(p->dev);
	glass_pci_config_set(p->dev, off, bytes, len);
	h_config_set(off, bytes, len);
}

static void p_config_get(struct p_instance *p, const struct p_act *a)
{
	static const unsigned sizes[] = { 0, 1, 2, 3, 4, 8, 4, 2 };
	unsigned off = pick_cfg_off(a->b, a->x);
	unsigned size = sizes[a->c & 7];

	h_enter(p->dev);
	uint32_t v = glass_pci_config_get(p->dev, off, size);
	h_config_get(off, size, v);
}

/* Names a plugin might ask for: its own (of each type), glass's, ones it
 * never declared, and worse. */
static const char *const p_prop_names[] = {
	"n", "flag", "s", "u2", "id", "addr", "undeclared", "", NULL,
	"a-property-name-much-longer-than-any-a-class-would-declare-x",
};

static void p_prop(struct p_instance *p, const struct p_act *a)
{
	const char *name = p_prop_names[a->b % 10];
	uint64_t u = 0x1234;
	bool b = true;
	const char *s = "unset";
	int rc, type = a->a % 3;

	h_enter(p->dev);
	switch (type) {
	case GLASS_PROP_UINT:
		rc = glass_prop_uint(p->dev, name, &u);
		break;
	case GLASS_PROP_BOOL:
		rc = glass_prop_bool(p->dev, name, &b);
		u = b;
		break;
	default:
		rc = glass_prop_string(p->dev, name, &s);
		break;
	}
	h_prop(type, name, rc, u, s);
}

static void p_report(struct p_instance *p, const struct p_act *a)
{
	char big[2048];
	char want[600];

	memset(big, 'x' + (a->b & 3), sizeof(big) - 1);
	big[(a->x % sizeof(big))] = 0;
	big[sizeof(big) - 1] = 0;
	h_enter(p->dev);
	if (a->a & 1) {
		glass_log(p->dev, "%s %d %llu %s", big, -1, 42ull, "end");
		snprintf(want, sizeof(want), "%s %d %llu %s", big, -1, 42ull,
			 "end");
		h_report(true, want);
	} else {
		glass_guest_error(p->dev, "%s%%d%s", big, big);
		h_report(false, NULL);
	}
}

static void p_mmio(struct p_instance *p, const struct p_act *a)
{
	static const uint64_t offs[] = { 0, 4, 3, 0x100, 0x1000, 0xfff,
					 1ull << 40, ~0ull };
	static const uint64_t sizes[] = { 0, 1, 8, 0x100, 0x1000, 6,
					  0x10000, ~0ull };
	unsigned k = a->a % P_DESCS;
	uint64_t off = (a->b & 0x80) ? a->x & 0xffff : offs[a->b & 7];
	uint64_t size = (a->c & 0x80) ? a->y & 0x1ffff : sizes[a->c & 7];
	const struct glass_region_ops *ops = (a->a & 0x80) ? NULL :
					     &prog.desc[k].ops;
	struct p_region *r = p_region(p, k, off, size);

	h_enter(p->dev);
	int rc = glass_platform_mmio(p->dev, off, size, ops, r);
	h_mmio(p->realizing, off, size, ops, rc);
	if (rc == 0 && p->nregions < P_REGIONS)
		p->nregions++;
}

static void p_bar(struct p_instance *p, const struct p_act *a)
{
	static const uint64_t sizes[] = { 0, 4, 16, 0x100, 0x800, 0x1000,
					  0x10000, 3 << 12, 1ull << 31,
					  1ull << 32, 1ull << 40, 0x200,
					  8, 0x20, 0x100000, 1ull << 63 };
	static const char *const names[] = { NULL, "bar", "" };
	int n = (int)(a->a % 9) - 1;          /* -1 .. 7 */
	uint64_t size = (a->b & 0x80) ? a->y : sizes[a->b & 15];
	unsigned flags = (a->c & 0x80) ? a->c : a->c & 0xf;
	unsigned k = (a->x >> 4) % P_DESCS;
	const struct glass_region_ops *ops = (a->x & 1) ? NULL :
					     &prog.desc[k].ops;
	struct p_region *r = p_region(p, k, 0, size);

	h_enter(p->dev);
	int rc = glass_pci_bar(p->dev, n, size, flags, names[a->x % 3], ops,
			       ops ? r : NULL);
	h_bar(p->realizing, n, size, flags, ops, rc);
	if (rc == 0 && ops && p->nregions < P_REGIONS)
		p->nregions++;
}

static void p_misc(struct p_instance *p, const struct p_act *a)
{
	const struct glass_reg *table = prog.desc[a->a % P_DESCS].regs;

	h_enter(p->dev);
	const char *id = glass_device_id(p->dev);
	uint64_t base = glass_platform_base(p->dev);
	uint64_t now = glass_clock_ns(p->dev);
	const struct glass_reg *found = glass_reg_find(a->b & 1 ? NULL : table,
						       a->y % 0x2000);
	if (a->c == 0xee)
		glass_error(p->dev, "a realize error the plugin %s", "made up");
	h_misc(id, base, now, a->b & 1 ? NULL : table, a->y % 0x2000, found);
}

static void p_run(struct p_instance *p, const struct p_act *a)
{
	p->depth++;
	switch (a->kind % 17) {
	case 0: p_irq(p, a); break;
	case 1: p_dma(p, a, false); break;
	case 2: p_dma(p, a, true); break;
	case 3: p_map(p, a); break;
	case 4: p_timer_new(p, a); break;
	case 5: {
		struct glass_timer *t = pick_timer(p, a->a);
		p_arm(p, t, pick_when(p, a->b, a->y));
		break;
	}
	case 6: p_timer_cancel(p, a); break;
	case 7: p_request(p, a); break;
	case 8: p_cap(p, a); break;
	case 9: p_config_set(p, a); break;
	case 10: p_config_get(p, a); break;
	case 11: p_prop(p, a); break;
	case 12: p_report(p, a); break;
	case 13: p_mmio(p, a); break;
	case 14: p_bar(p, a); break;
	case 15: p_misc(p, a); break;
	default:                            /* two more */
		p_step(p);
		p_step(p);
		break;
	}
	p->depth--;
}

/* ---- the class ---- */

static int p_realize(void *self, struct glass_device *dev)
{
	struct p_instance *p = self;

	p->dev = dev;
	h_hook(dev, HOOK_REALIZE);
	p->realizing = true;
	for (unsigned i = 0; i < prog.nrealize; i++)
		p_run(p, &prog.realize[i]);
	p->realizing = false;
	if (prog.fail_realize)
		glass_error(dev, "the script says realize fails");
	return prog.fail_realize ? -1 : 0;
}

static void p_reset(void *self)
{
	struct p_instance *p = self;

	h_hook(p->dev, HOOK_RESET);
	memset(&p->s, 0, sizeof(p->s));
	p_step(p);
}

static void p_unrealize(void *self)
{
	struct p_instance *p = self;

	if (!p->dev)
		return;             /* realize never ran */
	h_hook(p->dev, HOOK_UNREALIZE);
	p_step(p);
}

static void p_config_written(void *self, unsigned offset, unsigned size)
{
	struct p_instance *p = self;

	h_hook(p->dev, HOOK_CONFIG);
	(void)offset;
	(void)size;
	p_step(p);
}

static void p_info(void *self, char *buf, size_t len)
{
	struct p_instance *p = self;

	h_hook(p->dev, HOOK_INFO);
	/* longer than glass's buffer: it must pass its length */
	memset(buf, 'i', len);
	buf[len - 1] = 0;
}

/* The device-tree node, with arguments a device-tree node should not
 * have. */
static int p_fdt(void *self, struct glass_fdt *fdt)
{
	struct p_instance *p = self;
	static const char *const many[] = {
		"a-string-of-some-length-0", "a-string-of-some-length-1",
		"a-string-of-some-length-2", "a-string-of-some-length-3",
		"a-string-of-some-length-4", "a-string-of-some-length-5",
		"a-string-of-some-length-6", "a-string-of-some-length-7",
		"a-string-of-some-length-8", "a-string-of-some-length-9",
		"a-string-of-some-length-a", "a-string-of-some-length-b",
		NULL,
	};
	static const uint32_t cells[200] = { 1, 2, 3 };
	uint8_t f = prog.fdt;

	h_hook(p->dev, HOOK_FDT);
	glass_fdt_prop_u32(fdt, "before-begin", 1);   /* no node yet */
	if ((f & 1 ? glass_fdt_begin_plain(fdt, "plain") :
		     glass_fdt_begin(fdt, f & 2 ? "bad/name@0" :
					   "a-node-name-longer-than-sixty-"
					   "four-characters-is-cut-short")) < 0)
		return -1;
	glass_fdt_prop_string(fdt, "compatible", "fuzz,plugin");
	glass_fdt_prop_string(fdt, NULL, "no name");
	glass_fdt_prop_string(fdt, "no-value", NULL);
	glass_fdt_prop_strings(fdt, "many", f & 4 ? many : many + 9);
	glass_fdt_prop_strings(fdt, "none", NULL);
	glass_fdt_prop_cells(fdt, "cells", cells, f & 8 ? 200 : 3);
	glass_fdt_prop_cells(fdt, "null-cells", NULL, f & 16 ? 5 : 0);
	glass_fdt_prop_empty(fdt, "empty");
	glass_fdt_prop_u32(fdt, "phandle-twice", glass_fdt_phandle(fdt));
	glass_fdt_prop_u32(fdt, "again", glass_fdt_phandle(fdt));
	if (f & 32)
		glass_fdt_begin_plain(fdt, "second");
	return (f & 64) ? -1 : 0;
}

/* The class the input describes (built by the machine half from the
 * header, into p_cls). */
static struct glass_device_class p_cls;

static const struct glass_device_class p_class_template = {
	.name = "fuzz-plugin",
	.desc = "a plugin that misbehaves as the input says",
	.instance_size = sizeof(struct p_instance),
	.state_size = sizeof(struct p_state),
	.state_version = 1,
	.platform_size = 0x10000,
	.realize = p_realize,
	.reset = p_reset,
	.info = p_info,
	.fdt_node = p_fdt,
	.config_written = p_config_written,
	.unrealize = p_unrealize,
};

/* The region description k from 12 input bytes: valid, impl, flags, what
 * kind of table, its first offset, stride, size, entries, widths, what
 * is wrong with it, what holes give back, how the model behaves. */
static void p_desc_make(unsigned k, const uint8_t *b)
{
	struct p_desc *d = &prog.desc[k];
	static const uint8_t widths[] = {
		0, GLASS_W1, GLASS_W4, GLASS_W4 | GLASS_W8, GLASS_WANY,
		GLASS_WANY | GLASS_UNALIGNED, GLASS_W2 | GLASS_UNALIGNED,
		GLASS_W8 | GLASS_UNALIGNED,
	};
	unsigned n = b[6] % (P_REGS + 1);
	bool computed = (b[2] >> 5 & 3) == 2;

	memset(d, 0, sizeof(*d));
	d->ops.read = p_read;
	d->ops.write = p_write;
	/* mostly sane widths; now and then any byte at all */
	d->ops.valid = (b[0] & 0x80) ? b[0] & 0x7f : widths[b[0] & 7];
	d->ops.impl = (b[1] & 0x80) ? b[1] & 0x7f : widths[b[1] & 7];
	d->ops.flags = (b[2] & 0x80) ? b[2] : b[2] & 1;
	for (unsigned i = 0; i < n; i++) {
		uint32_t size = (b[5] & 0x80) ? 1u << (b[5] & 3) : b[5] & 0x7f;
		/* reg_at must answer the same for every offset of a
		 * register, so its registers never overlap */
		if (computed && n > 1 && size > b[4])
			size = b[4];
		d->regs[i] = (struct glass_reg){
			.offset = b[3] + i * (uint32_t)b[4], .size = size,
			.name = "r",
			.widths = (b[7] >> (i % 4)) & 1 ?
				  widths[(b[7] + i) & 7] : 0,
		};
	}
	/* what is wrong with the table, if anything */
	switch (b[8] & 7) {
	case 1:                                                   /* unsorted */
		if (n > 1 && !computed)
			d->regs[n - 1].offset = 0;
		break;
	case 2: if (n) d->regs[0].size = 0; break;
	case 3: if (n) d->regs[n - 1].offset = 0xfffffff0; break; /* beyond */
	case 4: if (n) d->regs[0].widths = 0x60; break;
	}
	d->regs[n] = (struct glass_reg){ 0, 0, NULL, 0 };
	switch (b[2] >> 5 & 3) {
	case 1: d->ops.regs = d->regs; break;
	case 2: d->ops.reg_at = p_reg_ats[k]; break;
	case 3: d->ops.regs = d->regs; d->ops.reg_at = p_reg_ats[k]; break;
	}
	if ((b[8] & 0x18) == 0x18)
		d->ops.read = NULL;
	d->hole = (b[9] & 3) % 3;
	d->behave = b[10];
}

/* ======== part 2: the machine ======================================= */
/* Only from here on does the target see glass's insides. */
#include <libfdt.h>

#include "device/device.h"
#include "device/fdt_node.h"
#include "fuzz_common.h"
#include "fuzz_contract.h"
#include "mem/address_space.h"
#include "pci/host.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define ROM_BASE (RAM_BASE + RAM_SIZE)   /* right after RAM */
#define ROM_SIZE 0x1000ull
#define WIN_BASE 0x10000000ull           /* the platform window */
#define ECAM_BASE 0x30000000ull
#define INBOUND_SIZE 0x10000000ull       /* bus 0.. -> RAM (and past it) */
#define NLINES 4
#define MAX_OPS 200
#define TIMER_BOUND (4 * VCLOCK_MAX_TIMERS) /* vclock_run's per call */

/* Properties a user might give (and whether glass must take them). */
static const struct {
	const char *text;
	bool ok_platform, ok_pci;
} user_props[] = {
	{ "", true, true },
	{ "n=5", true, true },
	{ "n=0x10,flag=on,s=hello", true, true },
	{ "id=dev0,u2=18446744073709551615", true, true },
	{ "s=,flag=0", true, true },
	{ "n=1,n=2,,flag=yes", true, true },
	{ "addr=3", false, true },
	{ "s=a=b,id=x", true, true },
	{ "flag=maybe", false, false },
	{ "nope=1", false, false },
	{ "n=abc", false, false },
	{ "n", false, false },
	{ "n=-1", false, false },
	{ "addr=0", false, false },
	{ "u2=18446744073709551616", false, false },
	{ "s=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	  false, false },
};
#define NPROPS (sizeof(user_props) / sizeof(user_props[0]))

static const uint64_t window_sizes[8] = {
	0x1000, 0x10000, 0x100, 0x7, 0x1001, 0x40000, 0x20, 0x10000,
};

struct track_timer {
	struct glass_timer *t;
	bool armed;
	uint64_t when;
};

struct cap {
	unsigned at, len;
	uint8_t id;
};

struct mach {
	struct address_space as;
	struct region *ram, *rom;
	uint8_t shadow[RAM_SIZE];       /* what RAM must hold */
	struct vclock clock;
	uint64_t now_ns;
	struct device_env env;
	struct pci_host pci;
	bool is_pci;
	struct platform_place place;
	struct fuzz_sink fsink;
	struct contract con;
	const char *props;              /* as given */
	bool props_ok;
	/* the device, as realize first saw it (freed when create fails) */
	struct glass_device *dev;
	bool destroyed;
	unsigned hooks[HOOK_FDT + 1];
	int line[NLINES];
	/* what each call must have done to the counts, from before it */
	uint64_t want_abi;
	uint64_t abi0, deverr0, dma0, guest0, log0, req0;
	/* timers */
	struct track_timer timers[P_TIMERS];
	unsigned ntimers;
	bool running;                   /* inside vclock_run */
	unsigned fired;                 /* callbacks in this run */
	/* the machine's side of the calls */
	int requests, req, code;
	unsigned logs;
	char log[600];
	struct cap caps[64];
	unsigned ncaps;
	bool caps_clobbered;            /* config_set wrote over a header */
	unsigned mmio_regions;          /* platform regions glass took */
	struct { bool declared; uint64_t size; unsigned flags; } bars[7];
	bool dma_said_ok;               /* the last dma event's verdict */
	uint64_t map_cpu;               /* a mapping being used */
	size_t map_len;
	bool in_config;                 /* an ECAM access is being made */
};

static struct mach M;

/* ---- counting what each call did ---- */

static bool cat_on(uint32_t c)
{
	return M.fsink.sink.mask & c;
}

static void h_enter(struct glass_device *dev)
{
	M.dev = dev;
	M.abi0 = dev->abi_errors;
	M.guest0 = dev->guest_errors;
	M.deverr0 = M.fsink.count[EVK_DEVICE_ERROR];
	M.dma0 = M.fsink.count[EVK_DMA];
	M.log0 = M.logs;
	M.req0 = (uint64_t)M.requests;
}

/* The call just made was refused (counted, a guest-error event) or not;
 * `other` more guest-error events of the device's came with it. */
static void abi_expect(bool refused, unsigned other)
{
	FUZZ_CHECK(M.dev->abi_errors == M.abi0 + refused);
	M.want_abi += refused;
	FUZZ_CHECK(M.dev->abi_errors == M.want_abi);
	if (cat_on(EV_GUEST_ERROR))
		FUZZ_CHECK(M.fsink.count[EVK_DEVICE_ERROR] - M.deverr0 ==
			   refused + other);
}

static void check_reset(void);

static void h_hook(struct glass_device *dev, int hook)
{
	FUZZ_CHECK(!M.destroyed);
	M.dev = dev;
	M.hooks[hook]++;
	if (hook == HOOK_CONFIG)
		FUZZ_CHECK(M.in_config);
	if (hook == HOOK_REALIZE)
		FUZZ_CHECK(M.hooks[hook] == 1);      /* once */
	if (hook == HOOK_RESET)
		check_reset();
}

/* ---- interrupt lines ---- */

static void line_set(void *opaque, int n, int level)
{
	FUZZ_CHECK(n >= 0 && n < NLINES);
	FUZZ_CHECK(level == 0 || level == 1);
	M.line[n] = level;
}

static void h_irq(unsigned n, int level)
{
	bool refused = M.is_pci ? n != 0 || !p_cls.pci.pin :
				  n >= M.place.nirqs;

	abi_expect(refused, 0);
	if (refused)
		return;
	if (M.is_pci) {
		FUZZ_CHECK(M.dev->pci->intx_level == (level != 0));
	} else {
		FUZZ_CHECK(M.line[n] == (level != 0));
		FUZZ_CHECK(M.dev->irq_level[n] == (level != 0));
	}
}

/* ---- DMA ---- */

/* Where a transfer of len bytes at addr lands in RAM, if the ABI lets it
 * happen at all: PCI needs Bus Master Enable and the inbound window;
 * every byte must be guest RAM (an empty range is anywhere). */
static bool dma_ok(uint64_t addr, uint64_t len, uint64_t *ram_off)
{
	uint64_t cpu = addr;

	*ram_off = 0;
	if (M.is_pci) {
		struct pci_func *f = M.dev->pci;
		const struct pci_window *w = &M.pci.inbound;
		if (!f->host || !(pci_get_word(f, PCI_COMMAND) &
				  PCI_COMMAND_MASTER))
			return false;
		if (addr < w->bus_base || addr - w->bus_base >= w->size ||
		    len > w->size - (addr - w->bus_base))
			return false;
		cpu = addr - w->bus_base + w->cpu_base;
	}
	if (!len)
		return true;
	if (cpu < RAM_BASE || cpu - RAM_BASE >= RAM_SIZE ||
	    len > RAM_SIZE - (cpu - RAM_BASE))
		return false;
	*ram_off = cpu - RAM_BASE;
	return true;
}

/* RAM holds what it must, but for [off, off + len), which now may hold
 * what it holds; and the ROM after it is untouched. */
static void ram_check(uint64_t off, uint64_t len)
{
	static uint8_t rom_pattern[ROM_SIZE];

	FUZZ_CHECK(!memcmp(M.ram->host, M.shadow, off));
	FUZZ_CHECK(!memcmp(M.ram->host + off + len, M.shadow + off + len,
			   RAM_SIZE - off - len));
	memcpy(M.shadow + off, M.ram->host + off, len);
	if (!rom_pattern[0])
		for (unsigned i = 0; i < ROM_SIZE; i++)
			rom_pattern[i] = (uint8_t)(i * 7 + 1);
	FUZZ_CHECK(!memcmp(M.rom->host, rom_pattern, ROM_SIZE));
}

/* The events of a transfer or a mapping of len bytes that did (ok) or
 * did not happen: one dma event saying so, or when dma is off and it was
 * refused, one guest-error event. */
static void dma_events(bool ok)
{
	abi_expect(false, !ok && !cat_on(EV_DMA));
	if (cat_on(EV_DMA)) {
		FUZZ_CHECK(M.fsink.count[EVK_DMA] - M.dma0 == 1);
		FUZZ_CHECK(M.dma_said_ok == ok);
	}
}

/* Every dma event: a transfer it calls ok is inside RAM. */
static void event_check(const struct bus_event *e)
{
	if (e->kind != EVK_DMA)
		return;
	M.dma_said_ok = e->dma.ok;
	if (e->dma.ok && e->dma.len)
		FUZZ_CHECK(e->dma.pa >= RAM_BASE && e->dma.len <= RAM_SIZE &&
			   e->dma.pa - RAM_BASE <= RAM_SIZE - e->dma.len);
}

static void h_dma(bool write, uint64_t addr, const void *buf, size_t len,
		  int rc)
{
	uint64_t off;

	if (!buf && len) {
		FUZZ_CHECK(rc == -1);
		abi_expect(true, 0);
		FUZZ_CHECK(M.fsink.count[EVK_DMA] == M.dma0);
		ram_check(0, 0);
		return;
	}
	bool ok = dma_ok(addr, len, &off);
	FUZZ_CHECK(rc == (ok ? 0 : -1));
	dma_events(ok);
	if (ok && len)
		FUZZ_CHECK(!memcmp(M.ram->host + off, buf, len));
	ram_check(ok && write ? off : 0, ok && write ? len : 0);
}

static void h_map(uint64_t addr, size_t len, bool write, void *p)
{
	uint64_t off;

	if (M.map_len) {                /* the device is done with it */
		ram_check(M.map_cpu, write ? M.map_len : 0);
		M.map_len = 0;
		return;
	}
	bool ok = len && dma_ok(addr, len, &off);
	FUZZ_CHECK(ok == (p != NULL));
	if (!len) {
		abi_expect(false, 0);
		FUZZ_CHECK(M.fsink.count[EVK_DMA] == M.dma0);
		return;
	}
	dma_events(ok);
	if (ok) {
		FUZZ_CHECK((uint8_t *)p == M.ram->host + off);
		M.map_cpu = off;
		M.map_len = len;
	}
}

/* ---- timers ---- */

static struct track_timer *track(struct glass_timer *t)
{
	for (unsigned i = 0; i < M.ntimers; i++)
		if (M.timers[i].t == t)
			return &M.timers[i];
	return NULL;
}

static void h_timer_new(bool realizing, bool no_fire, struct glass_timer *t)
{
	if (!realizing || no_fire)
		FUZZ_CHECK(!t);
	/* NULL otherwise only when there is no room (also counted) */
	abi_expect(!t, 0);
	if (!t)
		return;
	FUZZ_CHECK(!glass_timer_armed(t) && !track(t));
	FUZZ_CHECK(M.ntimers < P_TIMERS);
	M.timers[M.ntimers++] = (struct track_timer){ t, false, 0 };
}

/* After glass_timer_arm (arm) or glass_timer_cancel of t (NULL: the
 * plugin's handle of a timer glass refused, which does nothing). */
static void h_timer(struct glass_timer *t, bool arm, bool armed,
		    uint64_t when)
{
	struct track_timer *k = track(t);

	abi_expect(false, 0);
	FUZZ_CHECK(!t || k);
	FUZZ_CHECK(armed == (arm && t));
	if (k)
		*k = (struct track_timer){ t, armed, when };
}

static void h_fired(struct glass_timer *t, bool arming)
{
	struct track_timer *k = track(t);

	FUZZ_CHECK(!arming);            /* never inside glass_timer_arm */
	FUZZ_CHECK(M.running && !M.destroyed);
	FUZZ_CHECK(k && k->armed && k->when <= M.now_ns);
	FUZZ_CHECK(!glass_timer_armed(t));   /* disarmed as it fires */
	k->armed = false;
	M.fired++;
}

/* Let virtual time reach now: due timers fire, and unless a timer kept
 * re-arming in the past past glass's bound, none is left due. */
static void run_timers(void)
{
	M.running = true;
	M.fired = 0;
	vclock_run(&M.clock);
	M.running = false;
	if (M.destroyed || M.fired >= TIMER_BOUND)
		return;
	for (unsigned i = 0; i < M.ntimers; i++)
		FUZZ_CHECK(!(M.timers[i].armed &&
			     M.timers[i].when <= M.now_ns));
}

static void check_timers(void)
{
	for (unsigned i = 0; i < M.ntimers; i++)
		FUZZ_CHECK(glass_timer_armed(M.timers[i].t) ==
			   M.timers[i].armed);
}

/* ---- requests, config space, properties, reports ---- */

static void request(void *opaque, enum glass_request req, int code)
{
	FUZZ_CHECK(req == GLASS_REQUEST_POWEROFF ||
		   req == GLASS_REQUEST_RESET || req == GLASS_REQUEST_EXIT);
	/* "glass exits with code (1..255)" */
	if (req == GLASS_REQUEST_EXIT)
		FUZZ_CHECK(code >= 1 && code <= 255);
	M.requests++;
	M.req = req;
	M.code = code;
}

static void h_request(int req, int code)
{
	bool known = req == GLASS_REQUEST_POWEROFF ||
		     req == GLASS_REQUEST_RESET || req == GLASS_REQUEST_EXIT;
	bool bad_code = req == GLASS_REQUEST_EXIT && (code < 1 || code > 255);

	/* an unknown request is refused; an exit with a code no exit status
	 * carries is a model bug too, but still an exit, with a failure */
	abi_expect(!known || bad_code, 0);
	FUZZ_CHECK((uint64_t)M.requests == M.req0 + known);
	if (known)
		FUZZ_CHECK(M.req == req);
	if (req == GLASS_REQUEST_EXIT)
		FUZZ_CHECK(M.code == (code < 1 ? 1 : code > 255 ? 255 : code));
}

static bool cap_fits(uint64_t at, uint64_t len)
{
	return at >= 0x40 && !(at & 3) && len && at + len <= 0x100;
}

static void h_cap(bool realizing, uint8_t id, unsigned len, unsigned at)
{
	uint64_t round = ((uint64_t)len + 3) & ~3ull;
	unsigned free_at = 0x40;

	abi_expect(!realizing || !M.is_pci, 0);
	if (!realizing || !M.is_pci) {
		FUZZ_CHECK(at == 0);
		return;
	}
	for (unsigned i = 0; i < M.ncaps; i++)
		if (M.caps[i].at + M.caps[i].len > free_at)
			free_at = M.caps[i].at + M.caps[i].len;
	if (!at) {                        /* no room, really */
		FUZZ_CHECK(!len || !cap_fits(free_at, round));
		return;
	}
	FUZZ_CHECK(cap_fits(at, round));
	for (unsigned i = 0; i < M.ncaps; i++)   /* over no other */
		FUZZ_CHECK(at >= M.caps[i].at + M.caps[i].len ||
			   at + round <= M.caps[i].at);
	const uint8_t *cfg = M.dev->pci->cfg;
	FUZZ_CHECK(cfg[at] == id && cfg[PCI_CAPABILITY_LIST] == at);
	FUZZ_CHECK(cfg[at + 1] == (M.ncaps ? M.caps[M.ncaps - 1].at : 0));
	if (M.ncaps < 64)
		M.caps[M.ncaps++] = (struct cap){ at, (unsigned)round, id };
}

static void h_config_set(unsigned off, const void *bytes, unsigned len)
{
	bool refused = !M.is_pci || off < 0x40 ||
		       (uint64_t)off + len > PCI_CONFIG_SIZE || (!bytes && len);

	abi_expect(refused, 0);
	if (refused || !len)
		return;
	FUZZ_CHECK(!memcmp(M.dev->pci->cfg + off, bytes, len));
	for (unsigned i = 0; i < M.ncaps; i++)
		if (off < M.caps[i].at + 2 && off + len > M.caps[i].at)
			M.caps_clobbered = true;
}

static void h_config_get(unsigned off, unsigned size, uint32_t v)
{
	bool refused = !M.is_pci || (size != 1 && size != 2 && size != 4) ||
		       (uint64_t)off + size > PCI_CONFIG_SIZE;
	uint32_t want = 0;

	abi_expect(refused, 0);
	if (!refused)
		memcpy(&want, M.dev->pci->cfg + off, size);
	FUZZ_CHECK(v == want);
}

/* The value of a property as the user gave it (the last time), or NULL:
 * from the properties text, read here on its own. */
static const char *given(const char *name, char *buf, size_t len)
{
	const char *found = NULL;
	size_t nlen = strlen(name);

	for (const char *p = M.props; *p;) {
		const char *end = strchr(p, ',');
		size_t k = end ? (size_t)(end - p) : strlen(p);
		if (k > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
			snprintf(buf, len, "%.*s", (int)(k - nlen - 1),
				 p + nlen + 1);
			found = buf;
		}
		p += end ? k + 1 : k;
	}
	return found;
}

static void h_prop(int type, const char *name, int rc, uint64_t u,
		   const char *s)
{
	const struct glass_prop *decl = NULL;
	static const struct glass_prop id = { "id", GLASS_PROP_STRING, NULL,
					      NULL };
	static const struct glass_prop addr = { "addr", GLASS_PROP_UINT,
						NULL, NULL };
	char buf[300];

	for (const struct glass_prop *p = p_cls.props; name && p->name; p++)
		if (!strcmp(p->name, name))
			decl = p;
	if (name && !strcmp(name, "id"))
		decl = &id;                  /* every device's */
	if (name && !strcmp(name, "addr") && M.is_pci)
		decl = &addr;                /* every PCI device's */
	bool refused = !decl || (int)decl->type != type;
	abi_expect(refused, 0);
	if (refused) {
		FUZZ_CHECK(rc == -1);
		if (type == GLASS_PROP_STRING)
			FUZZ_CHECK(s == NULL);
		return;
	}
	const char *v = given(name, buf, sizeof(buf));
	if (!v)
		v = decl->default_value;
	if (type == GLASS_PROP_STRING) {
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(v ? s && !strcmp(s, v) : !s);
	} else if (!v) {
		FUZZ_CHECK(rc == -1);    /* no value: the caller's default */
	} else {
		FUZZ_CHECK(rc == 0);
		uint64_t want = type == GLASS_PROP_BOOL ?
				!strcmp(v, "on") || !strcmp(v, "yes") ||
				!strcmp(v, "true") || !strcmp(v, "1") :
				strtoull(v, NULL, 0);
		FUZZ_CHECK(u == want);
	}
}

static void device_log(void *opaque, const char *device, const char *text)
{
	FUZZ_CHECK(strlen(text) < sizeof(M.log));
	snprintf(M.log, sizeof(M.log), "%s", text);
	FUZZ_CHECK(!strcmp(device, glass_device_id(M.dev)));
	M.logs++;
}

static void h_report(bool log, const char *text)
{
	abi_expect(false, !log);
	if (log) {
		/* the line, cut short at glass's length if need be */
		FUZZ_CHECK(M.logs == M.log0 + 1);
		FUZZ_CHECK(!strncmp(M.log, text, strlen(M.log)));
		FUZZ_CHECK(strlen(M.log) >= 200 || !strcmp(M.log, text));
	} else {
		FUZZ_CHECK(M.dev->guest_errors == M.guest0 + 1);
	}
}

/* ---- regions and BARs ---- */

static bool widths_ok(uint8_t w)
{
	return (w & GLASS_WANY) && !(w & ~(GLASS_WANY | GLASS_UNALIGNED));
}

/* Whether glass must take a region description for a region ending at
 * window offset `end`, by include/glass/bus.h: read and write, widths
 * among 1, 2, 4, 8 (| GLASS_UNALIGNED), known flags, a table or reg_at
 * (not both), a table sorted without overlaps, every register non-empty,
 * inside the region, taking widths impl takes. */
static bool desc_ok(const struct glass_region_ops *o, uint64_t end)
{
	uint8_t impl = o->impl ? o->impl : o->valid ? o->valid : GLASS_WANY;
	uint64_t at = 0;

	if (!o->read || !o->write || (o->valid && !widths_ok(o->valid)) ||
	    (o->impl && !widths_ok(o->impl)) ||
	    (o->flags & ~GLASS_UNCLAIMED_ZERO) || (o->regs && o->reg_at))
		return false;
	for (const struct glass_reg *r = o->regs; r && r->name; r++) {
		if (!r->size || r->offset < at ||
		    (uint64_t)r->offset + r->size > end)
			return false;
		if (r->widths && (!widths_ok(r->widths) ||
				  (r->widths & GLASS_WANY & ~impl)))
			return false;
		at = (uint64_t)r->offset + r->size;
	}
	return true;
}

static void h_mmio(bool realizing, uint64_t off, uint64_t size,
		   const struct glass_region_ops *ops, int rc)
{
	uint64_t wsize = M.place.size;

	abi_expect(!realizing, 0);
	if (!realizing) {
		FUZZ_CHECK(rc == -1);
		return;
	}
	bool bad = M.is_pci || !ops || !size || off >= wsize ||
		   size > wsize - off || !desc_ok(ops, off + size) ||
		   ((off | size) & (impl_unit(ops) - 1));
	if (bad) {
		FUZZ_CHECK(rc == -1);
		return;
	}
	/* glass may run out of room for a device's regions */
	FUZZ_CHECK(rc == 0 || M.mmio_regions >= DEVICE_MAX_REGIONS);
	if (rc < 0)
		return;
	M.mmio_regions++;
	const struct region *g = M.dev->regions[M.dev->nregions - 1];
	FUZZ_CHECK(g->base == M.place.base + off && g->size == size &&
		   g->dev_offset == off && g->ops == ops);
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* Whether a BAR declaration is one device.h (or the PCI spec) forbids: n
 * 0..5 or the ROM; the size a power of two, at least 16 for memory, 4 for
 * I/O, 2 KiB for the ROM; known flags; a 64-bit BAR takes n + 1 (so not
 * the last, nor I/O, nor the ROM); prefetchable only for memory; a BAR
 * (or half of one) declared already. */
static bool bar_bad(int n, uint64_t size, unsigned flags,
		    const struct glass_region_ops *ops)
{
	bool io = flags & GLASS_BAR_IO, m64 = flags & GLASS_BAR_MEM64;
	bool rom = n == GLASS_PCI_ROM;
	uint64_t min = rom ? 2048 : io ? 4 : 16;

	if (n < 0 || n > GLASS_PCI_ROM || !pow2(size) || size < min ||
	    (flags & ~(GLASS_BAR_IO | GLASS_BAR_MEM64 | GLASS_BAR_PREFETCH)) ||
	    (m64 && (io || rom || n == 5)) ||
	    (io && (flags & GLASS_BAR_PREFETCH)))
		return true;
	if (M.bars[n].declared || (m64 && M.bars[n + 1].declared) ||
	    (n > 0 && n < 6 && M.bars[n - 1].declared &&
	     (M.bars[n - 1].flags & GLASS_BAR_MEM64)))
		return true;
	return ops && !desc_ok(ops, size);
}

static void h_bar(bool realizing, int n, uint64_t size, unsigned flags,
		  const struct glass_region_ops *ops, int rc)
{
	abi_expect(!realizing, 0);
	if (!realizing || !M.is_pci || bar_bad(n, size, flags, ops)) {
		FUZZ_CHECK(rc == -1);
		return;
	}
	if (rc == 0)
		M.bars[n] = (typeof(M.bars[n])){ true, size, flags };
}

static void h_misc(const char *id, uint64_t base, uint64_t now,
		   const struct glass_reg *table, uint64_t off,
		   const struct glass_reg *found)
{
	char buf[300];
	const char *want = given("id", buf, sizeof(buf));
	bool sorted = true;
	const struct glass_reg *cover = NULL;

	abi_expect(false, 0);
	FUZZ_CHECK(!strcmp(id, want ? want : p_cls.name));
	FUZZ_CHECK(base == (M.is_pci ? 0 : M.place.base));
	FUZZ_CHECK(now == M.now_ns);
	for (const struct glass_reg *r = table; r && r->name; r++) {
		if (r > table &&
		    r->offset < r[-1].offset + (uint64_t)r[-1].size)
			sorted = false;
		if (!cover && off >= r->offset && off - r->offset < r->size)
			cover = r;
	}
	if (sorted)              /* tables are sorted; else anything it finds */
		FUZZ_CHECK(found == cover);
	else
		FUZZ_CHECK(!found || (off >= found->offset &&
				      off - found->offset < found->size));
}

/* ---- the machine ---- */

static uint64_t clock_now(void *opaque)
{
	return M.now_ns;
}

static struct chardev *no_chardev(void *opaque, const char *id)
{
	return NULL;
}

static void add_pci(void)
{
	struct pci_window io = { PCI_WIN_IO, 0x03000000, 0, 0x10000, NULL };
	struct pci_window m32 = { PCI_WIN_MEM32, 0x40000000, 0x40000000,
				  0x40000000, NULL };
	struct pci_window m64 = { PCI_WIN_MEM64, 0x400000000ull,
				  0x400000000ull, 0x400000000ull, NULL };
	struct pci_window in = { PCI_WIN_MEM64, RAM_BASE, 0, INBOUND_SIZE,
				 NULL };
	struct irq_line intx[PCI_NUM_INTX];

	for (int i = 0; i < PCI_NUM_INTX; i++)
		intx[i] = (struct irq_line){ line_set, NULL, i };
	FUZZ_CHECK(pci_host_init(&M.pci, &M.as, ECAM_BASE, 0x1000000, &io,
				 &m32, &m64, &in, intx) == 0);
	M.pci.sink = M.as.sink;
	M.env.pci = &M.pci;
}

/* The address space: RAM and the ROM after it, the platform window or a
 * host bridge, the clock, the trace. */
static void machine_build(const uint8_t *hdr)
{
	static uint8_t pattern[RAM_SIZE];

	memset(&M, 0, sizeof(M));
	M.is_pci = hdr[0] & 1;
	as_init(&M.as);
	M.ram = as_add_ram(&M.as, "ram", RAM_BASE, RAM_SIZE);
	M.rom = as_add_rom(&M.as, "rom", ROM_BASE, ROM_SIZE);
	FUZZ_CHECK(M.ram && M.rom);
	if (!pattern[1])
		for (unsigned i = 0; i < RAM_SIZE; i++)
			pattern[i] = (uint8_t)(i * 13 + 7);
	memcpy(M.ram->host, pattern, RAM_SIZE);
	memcpy(M.shadow, pattern, RAM_SIZE);
	for (unsigned i = 0; i < ROM_SIZE; i++)
		M.rom->host[i] = (uint8_t)(i * 7 + 1);
	struct event_sink *tr = fuzz_trace_setup(hdr[1], &M.as, NULL, 0);
	M.as.sink = fuzz_sink_init(&M.fsink, tr, hdr[1]);
	M.fsink.check = event_check;
	contract_init(&M.con, &M.as, &M.fsink);
	M.clock = (struct vclock){ .now_ns = clock_now };
	M.now_ns = 1000;
	M.env = (struct device_env){
		.as = &M.as, .sink = M.as.sink, .clock = &M.clock,
		.nharts = 1, .request = request, .chardev = no_chardev,
		.log = device_log,
	};
	if (M.is_pci)
		add_pci();
	M.place = (struct platform_place){
		.name = "fuzz", .base = WIN_BASE,
		.size = window_sizes[hdr[3] & 7], .nirqs = (hdr[3] >> 4) & 3,
	};
	for (unsigned i = 0; i < M.place.nirqs; i++) {
		M.place.irqs[i] = (struct irq_line){ line_set, NULL, (int)i };
		M.place.sources[i] = 64 + i;
	}
}

/* The class from the header; whether glass must refuse it. */
static bool class_build(const uint8_t *hdr)
{
	static const uint8_t pins[8] = { 0, 1, 4, 2, 1, 5, 0, 7 };
	unsigned defect = (hdr[0] >> 4) & 7;

	p_cls = p_class_template;
	p_cls.bus = M.is_pci ? GLASS_BUS_PCI : GLASS_BUS_PLATFORM;
	p_cls.props = prog.props;
	p_cls.platform_irqs = (hdr[0] >> 1) & 3;
	p_cls.pci = (struct glass_pci_id){
		.vendor = 0x1af4, .device = 0x10ff, .revision = hdr[7],
		.pin = pins[hdr[7] & 7], .class_code = 0xff0000,
		.subsystem_vendor = hdr[7] & 8 ? 0x1234 : 0,
	};
	prog.props[0] = (struct glass_prop){ "n", GLASS_PROP_UINT, "7", "n" };
	prog.props[1] = (struct glass_prop){ "flag", GLASS_PROP_BOOL, "off",
					     NULL };
	prog.props[2] = (struct glass_prop){ "s", GLASS_PROP_STRING, NULL,
					     "a string" };
	prog.props[3] = (struct glass_prop){ "u2", GLASS_PROP_UINT, NULL, "" };
	prog.props[4] = (struct glass_prop){ NULL, 0, NULL, NULL };
	switch (defect) {
	case 5:
		p_cls.name = (hdr[7] & 0x80) ? "bad name" :
			     "a-class-name-far-too-long-for-glass";
		return false;
	case 6:
		p_cls.state_size = p_cls.instance_size + 1;
		return false;
	case 7:
		if (M.is_pci && (hdr[7] & 0x10))
			p_cls.pci.vendor = 0xffff;
		else
			prog.props[0].default_value = "abc";
		return false;
	}
	return M.is_pci ? p_cls.pci.pin <= 4 : true;
}

/* The input's description of the plugin: region descriptions, actions. */
static void program_read(struct in *in, const uint8_t *hdr)
{
	memset(&prog, 0, sizeof(prog));
	for (unsigned k = 0; k < P_DESCS; k++) {
		uint8_t b[12];
		for (unsigned i = 0; i < 12; i++)
			b[i] = in_u8(in);
		p_desc_make(k, b);
	}
	prog.nrealize = hdr[4] % (P_REALIZE + 1);
	prog.npool = hdr[5] % (P_POOL + 1);
	for (unsigned i = 0; i < prog.nrealize + prog.npool; i++) {
		struct p_act *a = i < prog.nrealize ? &prog.realize[i] :
				  &prog.pool[i - prog.nrealize];
		a->kind = in_u8(in);
		a->a = in_u8(in);
		a->b = in_u8(in);
		a->c = in_u8(in);
		a->x = in_u32(in);
		a->y = in_u64(in);
	}
	prog.fail_realize = hdr[0] & 8;
	prog.fdt = hdr[6];
}

/* ---- what must hold between operations ---- */

static void check_pci(void)
{
	struct pci_func *f = M.dev->pci;
	const uint8_t *cfg = f->cfg;

	/* the identity, whatever the device did to config space */
	FUZZ_CHECK(pci_get_word(f, PCI_VENDOR_ID) == p_cls.pci.vendor);
	FUZZ_CHECK(pci_get_word(f, PCI_DEVICE_ID) == p_cls.pci.device);
	FUZZ_CHECK(cfg[PCI_INTERRUPT_PIN] == p_cls.pci.pin);
	FUZZ_CHECK(f->intx_level == (M.dev->irq_level[0] != 0));
	/* a declared BAR reads back its type in the low bits, and nothing
	 * but an address the guest can write above them */
	for (int n = 0; n <= PCI_ROM_SLOT; n++) {
		if (!f->bars[n].size)
			continue;
		unsigned off = n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS :
			       PCI_BAR0 + 4 * n;
		uint32_t lo = pci_get_long(f, off);
		bool io = f->bars[n].type & PCI_BAR_IO;
		if (n == PCI_ROM_SLOT)
			FUZZ_CHECK(!(lo & 0x7fe));
		else if (io)
			FUZZ_CHECK((lo & 3) == 1);
		else
			FUZZ_CHECK((lo & 0xf) == f->bars[n].type);
		FUZZ_CHECK(!(pci_bar_address(f, n) & (f->bars[n].size - 1)));
	}
	/* the capability list: the capabilities added, newest first */
	if (M.caps_clobbered)
		return;
	unsigned at = cfg[PCI_CAPABILITY_LIST];
	for (unsigned i = M.ncaps; i-- > 0;) {
		FUZZ_CHECK(at == M.caps[i].at && cfg[at] == M.caps[i].id);
		at = cfg[at + 1];
	}
	FUZZ_CHECK(at == 0);
	FUZZ_CHECK(!M.ncaps || (pci_get_word(f, PCI_STATUS) &
				PCI_STATUS_CAP_LIST));
}

static void check_all(void)
{
	FUZZ_CHECK(M.dev->abi_errors == M.want_abi);
	if (M.is_pci)
		check_pci();
	else
		for (unsigned i = 0; i < M.place.nirqs; i++)
			FUZZ_CHECK(M.line[i] == M.dev->irq_level[i]);
	check_timers();
	ram_check(0, 0);
}

/* Right when the device's reset hook starts (after realize, and each
 * device_reset): glass has cancelled its timers, lowered its lines and
 * reset its PCI header. */
static void check_reset(void)
{
	for (unsigned i = 0; i < M.ntimers; i++) {
		FUZZ_CHECK(!glass_timer_armed(M.timers[i].t));
		M.timers[i].armed = false;
	}
	for (unsigned i = 0; i < NLINES; i++)
		FUZZ_CHECK(!M.line[i]);
	if (M.is_pci) {
		FUZZ_CHECK(!M.dev->pci->intx_level);
		FUZZ_CHECK(pci_get_word(M.dev->pci, PCI_COMMAND) == 0);
	}
}

/* ---- guest operations ---- */

static uint64_t cfg_addr(unsigned off)
{
	unsigned slot = M.dev->pci->devfn >> 3;

	return ECAM_BASE + ((uint64_t)slot << 15) + off;
}

static enum mem_status guest(uint64_t pa, unsigned size, bool write,
			     uint64_t val)
{
	enum mem_status st;

	M.in_config = pa >= ECAM_BASE && pa < ECAM_BASE + 0x1000000;
	st = contract_access(&M.con, pa, size, write, val, NULL);
	M.in_config = false;
	/* the guest's own writes to RAM are RAM's */
	memcpy(M.shadow, M.ram->host, RAM_SIZE);
	return st;
}

/* "Firmware": every BAR at an address of its window (unless it does
 * not fit), then decoding and bus mastering on. */
static void firmware(uint16_t command)
{
	struct pci_func *f = M.dev->pci;
	uint64_t next[3] = { 0x1000, 0x40000000, 0x400000000ull };
	uint64_t end[3] = { 0x10000, 0x80000000, 0x800000000ull };

	for (int n = 0; n <= PCI_ROM_SLOT; n++) {
		uint64_t size = f->bars[n].size;
		uint8_t type = f->bars[n].type;
		if (!size)
			continue;
		int w = (type & PCI_BAR_IO) ? 0 :
			(type & PCI_BAR_MEM64) ? 2 : 1;
		uint64_t at = (next[w] + size - 1) & ~(size - 1);
		if (at < next[w] || at + size > end[w] || at + size < at)
			continue;
		next[w] = at + size;
		unsigned off = n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS :
			       PCI_BAR0 + 4 * n;
		guest(cfg_addr(off), 4, true,
		      (uint32_t)at | (n == PCI_ROM_SLOT ? 1 : 0));
		if (type & PCI_BAR_MEM64)
			guest(cfg_addr(off + 4), 4, true, at >> 32);
	}
	guest(cfg_addr(PCI_COMMAND), 2, true, command);
}

static void write_fdt(void)
{
	static uint8_t blob[0x4000];
	uint32_t next = FDT_PHANDLE_FIRST_FREE;

	FUZZ_CHECK(fdt_create_empty_tree(blob, sizeof(blob)) == 0);
	int soc = fdt_add_subnode(blob, 0, "soc");
	FUZZ_CHECK(soc >= 0);
	struct fdt_builder b = { blob, 0 };
	int rc = device_fdt(M.dev, &b, soc, &next);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(rc == 0 || b.err < 0);
	if (prog.fdt & 64)
		FUZZ_CHECK(rc == -1);
	FUZZ_CHECK(fdt_check_full(blob, sizeof(blob)) == 0);
}

static void run_op(uint8_t b0, uint32_t sel, uint64_t val)
{
	unsigned w = 1u << (b0 & 3);
	bool write = b0 & 4;
	struct glass_device *d = M.dev;

	M.con.who.initiator = (b0 & 0xc0) == 0xc0 ? GLASS_INITIATOR_DEVICE :
			      b0 >> 6;
	switch ((b0 >> 3) & 7) {
	case 0: case 1: case 2: {     /* one of its regions, or around it */
		if (!d->nregions) {
			guest(WIN_BASE + sel % 0x40, w, write, val);
			break;
		}
		const struct region *g = d->regions[sel % d->nregions];
		guest(g->base + (val >> 16) % (g->size + 16) - 8, w, write,
		      val);
		break;
	}
	case 3: {                     /* edges: the window, RAM and ROM */
		static const uint64_t at[] = { WIN_BASE - 4, ROM_BASE - 4,
					       ROM_BASE + ROM_SIZE - 4,
					       0x40000000 - 4, ~0ull - 2 };
		guest(at[sel % 5] + ((sel >> 8) & 7), w, write, val);
		break;
	}
	case 4:                       /* config space */
		if (M.is_pci)
			guest(cfg_addr(sel & 0xfff), w, write, val);
		break;
	case 5:                       /* time passes */
		M.now_ns += (sel & 0x800000) ? val >> (sel & 63) :
					       sel & 0xfffff;
		if (M.now_ns > (1ull << 62))
			M.now_ns = 1ull << 62;
		run_timers();
		break;
	case 6:
		if (sel & 1) {
			device_reset(d);
		} else {
			static FILE *null_out;
			if (!null_out)
				null_out = fopen("/dev/null", "w");
			if (null_out)
				device_print_qtree(d, null_out);
		}
		break;
	default:
		if (M.is_pci)
			firmware((sel & 1) ? 0x7 : (uint16_t)(sel >> 8));
		else if (prog.fdt & 0x80)
			write_fdt();
		break;
	}
}

/* After the device is gone: no timer fires, no region answers. */
static void check_gone(const struct region *const *regions, unsigned n)
{
	FUZZ_CHECK(M.clock.ntimers == 0);
	M.now_ns += 1000000000;
	run_timers();
	for (unsigned i = 0; i < n; i++)
		guest(regions[i]->base, 4, false, 0);
	guest(WIN_BASE, 1, true, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	uint8_t hdr[8];
	const struct region *regions[DEVICE_MAX_REGIONS];
	unsigned nregions = 0;

	for (int i = 0; i < 8; i++)
		hdr[i] = in_u8(&in);
	machine_build(hdr);
	program_read(&in, hdr);
	bool class_ok = class_build(hdr);
	unsigned pi = hdr[2] % NPROPS;
	M.props = user_props[pi].text;
	bool props_ok = M.is_pci ? user_props[pi].ok_pci :
				   user_props[pi].ok_platform;

	struct glass_device *d = device_create(&M.env, &p_cls, M.props,
					       M.is_pci ? NULL : &M.place,
					       "-device plugin,path=fuzz.so");
	FUZZ_CHECK(!d == !(class_ok && props_ok && !prog.fail_realize));
	contract_shim_all(&M.con);
	if (d) {
		M.dev = d;
		FUZZ_CHECK(M.hooks[HOOK_REALIZE] == 1 &&
			   M.hooks[HOOK_RESET] == 1);
		if (M.is_pci && (hdr[0] & 0x80))
			firmware(PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
				 PCI_COMMAND_MASTER);
		check_all();
		for (int n = 0; n < MAX_OPS && in.n; n++) {
			uint8_t b0 = in_u8(&in);
			uint32_t sel = (uint32_t)in_bytes(&in, 3);
			uint64_t val = in_u64(&in);
			run_op(b0, sel, val);
			check_all();
		}
		nregions = d->nregions;
		memcpy(regions, d->regions, nregions * sizeof(regions[0]));
		device_destroy(d);
	}
	M.destroyed = true;
	check_gone(regions, nregions);

	fuzz_trace_finish(M.as.sink, hdr[1] & 2);
	as_destroy(&M.as);
	return 0;
}
