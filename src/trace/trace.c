/* The see-through trace: filtering and output formats. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mem/address_space.h"
#include "trace/stats.h"
#include "trace/trace.h"

static const struct {
	const char *name;
	uint32_t bit;
} categories[] = {
	{ "mmio", EV_MMIO },           { "pci-config", EV_PCI_CONFIG },
	{ "dma", EV_DMA },             { "irq", EV_IRQ },
	{ "pagewalk", EV_PAGEWALK },   { "hypercall", EV_HYPERCALL },
	{ "guest-error", EV_GUEST_ERROR }, { "virtio", EV_VIRTIO },
};
#define NCATS (sizeof(categories) / sizeof(categories[0]))

const char *trace_category_name(uint32_t bit)
{
	for (size_t i = 0; i < NCATS; i++)
		if (categories[i].bit == bit)
			return categories[i].name;
	return "?";
}

int trace_parse_categories(const char *s, uint32_t *mask)
{
	char word[32];

	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, s, n);
		word[n] = 0;
		s += strcspn(s, ",");
		s += *s == ',';
		if (!strcmp(word, "all")) {
			*mask |= EV_ALL;
			continue;
		}
		if (!strcmp(word, "none"))
			continue;
		size_t i;
		for (i = 0; i < NCATS; i++)
			if (!strcmp(word, categories[i].name))
				break;
		if (i == NCATS) {
			fprintf(stderr, "glass: unknown trace category '%s' (mmio, "
				"pci-config, dma, irq, pagewalk, hypercall, "
				"guest-error, virtio, all)\n", word);
			return -1;
		}
		*mask |= categories[i].bit;
	}
	return 0;
}

static int parse_u64(const char *s, const char *end, uint64_t *v)
{
	char buf[32], *e;

	if (end - s <= 0 || end - s >= (long)sizeof(buf))
		return -1;
	memcpy(buf, s, end - s);
	buf[end - s] = 0;
	errno = 0;
	*v = strtoull(buf, &e, 0);
	return (*e || errno || buf[0] == '-') ? -1 : 0;
}

static int parse_filter_item(const char *s, size_t n, struct trace_filter *f)
{
	const char *eq = memchr(s, '=', n), *end = s + n;

	if (!eq)
		return -1;
	size_t klen = eq - s;
	const char *v = eq + 1;
	if (klen == 6 && !strncmp(s, "device", 6)) {
		size_t vlen = end - v;
		if (!vlen || vlen >= sizeof(f->device))
			return -1;
		memcpy(f->device, v, vlen);
		f->device[vlen] = 0;
		return 0;
	}
	if (klen == 4 && !strncmp(s, "hart", 4)) {
		uint64_t h;
		if (parse_u64(v, end, &h) < 0 || h > 255)
			return -1;
		f->hart = (int)h;
		return 0;
	}
	if (klen == 4 && !strncmp(s, "addr", 4)) {
		const char *dash = memchr(v, '-', end - v);
		if (!dash || parse_u64(v, dash, &f->addr_lo) < 0 ||
		    parse_u64(dash + 1, end, &f->addr_hi) < 0 ||
		    f->addr_hi < f->addr_lo)
			return -1;
		return 0;
	}
	return -1;
}

int trace_parse_filter(const char *s, struct trace_filter *f)
{
	while (*s) {
		size_t n = strcspn(s, ",");
		if (parse_filter_item(s, n, f) < 0) {
			fprintf(stderr, "glass: bad --trace-filter item '%.*s' (use "
				"device=NAME, addr=LO-HI or hart=N)\n", (int)n, s);
			return -1;
		}
		s += n;
		s += *s == ',';
	}
	return 0;
}

int trace_parse_format(const char *s, enum trace_format *fmt)
{
	if (!strcmp(s, "text"))
		*fmt = TRACE_TEXT;
	else if (!strcmp(s, "json"))
		*fmt = TRACE_JSON;
	else if (!strcmp(s, "chrome") || !strcmp(s, "perfetto"))
		*fmt = TRACE_CHROME;
	else {
		fprintf(stderr, "glass: unknown trace format '%s' (text, json, "
			"chrome)\n", s);
		return -1;
	}
	return 0;
}

/* ---- describing an event ------------------------------------------- */

/* Growing string for formatting. */
struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len >= b->cap)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = b->len + n < b->cap ? b->len + n : b->cap - 1;
}

static char width_char(unsigned size)
{
	return size == 1 ? 'b' : size == 2 ? 'h' : size == 4 ? 'w' : 'd';
}

static const char *pbmt_name(uint64_t pte)
{
	static const char *const names[] = { "PMA", "NC", "IO", "rsvd" };
	return names[(pte >> 61) & 3];
}

static void pte_flags(struct sbuf *b, uint64_t pte)
{
	static const char flags[] = "VRWXUGAD";
	bool first = true;

	sb_printf(b, "pte[");
	for (int i = 1; i < 8; i++) {
		if (pte & (1ull << i)) {
			sb_printf(b, "%s%c", first ? "" : " ", flags[i]);
			first = false;
		}
	}
	sb_printf(b, ", pbmt=%s]", pbmt_name(pte));
}

static bool from_hart(const struct glass_attrs *who)
{
	return who && who->initiator >= 0;
}

static void origin_text(struct sbuf *b, const struct glass_attrs *who)
{
	if (who && who->debug)
		sb_printf(b, "debugger ");  /* on behalf of the hart below */
	if (!from_hart(who))
		return;
	sb_printf(b, "hart%d %c pc=%016" PRIx64 " ", who->initiator,
		  trace_priv_letter(who->priv), who->pc);
}

/* "00:01.0 edu" of a PCI function; just the name of a platform device */
static void device_text(struct sbuf *b, int devfn, const char *device)
{
	if (devfn >= 0)
		sb_printf(b, "%02x:%02x.%x ", 0, (devfn >> 3) & 31, devfn & 7);
	sb_printf(b, "%s", device ? device : "?");
}

static const char *reg_of(const struct region *r, uint64_t offset, char *buf,
			  size_t len)
{
	return r ? mmio_reg_name(r->ops, offset, buf, len) : NULL;
}

static void mmio_text(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_mmio *x = &e->mmio;
	const struct glass_attrs *o = e->who;
	const struct region *r = x->region;
	char nbuf[48];
	const char *reg = reg_of(r, x->offset, nbuf, sizeof(nbuf));

	origin_text(b, o);
	sb_printf(b, "%s.%c ", x->write ? "store" : (o && o->fetch) ? "fetch" :
		  "load", width_char(x->size));
	if (o && o->translated) {
		sb_printf(b, "va=%016" PRIx64 " ", o->va);
		pte_flags(b, o->pte);
		sb_printf(b, " ");
	} else {
		sb_printf(b, "bare ");
	}
	sb_printf(b, "pa=0x%" PRIx64 " -> %s", x->pa, r->name);
	if (r->has_bus)
		sb_printf(b, " bus=0x%" PRIx64, r->bus_base + (x->pa - r->base));
	sb_printf(b, " +0x%03" PRIx64, x->offset);
	if (reg)
		sb_printf(b, " (%s)", reg);
	sb_printf(b, " = 0x%0*" PRIx64, (int)(2 * x->size), x->value);
}

static void config_text(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_config *x = &e->config;

	origin_text(b, e->who);
	sb_printf(b, "pci-config ");
	device_text(b, x->devfn, x->device);
	sb_printf(b, " %s.%c +0x%03x", x->write ? "write" : "read",
		  width_char(x->size), x->offset);
	if (x->reg)
		sb_printf(b, " (%s)", x->reg);
	sb_printf(b, " = 0x%0*x", (int)(2 * x->size), x->value);
	if (x->note)
		sb_printf(b, " [%s]", x->note);
}

static const char *bar_what(const struct ev_bar *x)
{
	if (!x->mapped)
		return "bar unmapped";
	return x->bar == 6 ? "rom mapped" : "bar mapped";
}

static const char *hc_note_names[] = {
	[HC_NOTE_LOG] = "log", [HC_NOTE_ROI_BEGIN] = "roi begin",
	[HC_NOTE_ROI_END] = "roi end", [HC_NOTE_MARKER] = "marker",
};

static void hcall_text(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_hcall *x = &e->hcall;

	origin_text(b, e->who);
	sb_printf(b, "hypercall ch%u op=0x%02" PRIx64 " %s arg0=0x%" PRIx64
		  " arg1=0x%" PRIx64 " -> status=%" PRId64 " ret0=0x%" PRIx64
		  " ret1=0x%" PRIx64, x->channel, x->op, x->name, x->arg[0],
		  x->arg[1], x->status, x->ret[0], x->ret[1]);
}

static void note_text(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_hcall_note *x = &e->note;

	origin_text(b, e->who);
	sb_printf(b, "hypercall %s", hc_note_names[x->what]);
	if (x->what == HC_NOTE_LOG)
		sb_printf(b, " %.*s", x->len > 64 ? 64 : (int)x->len, x->text);
	else
		sb_printf(b, " %" PRIu64, x->id);
}

static void bad_text(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_bad_access *x = &e->bad;
	char nbuf[48];

	origin_text(b, e->who);
	sb_printf(b, "guest-error %s.%c pa=0x%" PRIx64, x->write ? "store" :
		  "load", width_char(x->size ? x->size : 8), x->pa);
	if (x->region) {
		const char *reg = reg_of(x->region, x->offset, nbuf,
					 sizeof(nbuf));
		sb_printf(b, " -> %s +0x%03" PRIx64, x->region->name, x->offset);
		if (reg)
			sb_printf(b, " (%s)", reg);
	}
	sb_printf(b, ": %s", x->why);
}

static void deverr_text(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_device_error *x = &e->deverr;

	origin_text(b, e->who);
	sb_printf(b, "guest-error ");
	device_text(b, x->devfn, x->device);
	if (x->len)         /* a DMA range */
		sb_printf(b, " bus=0x%" PRIx64 " len=%" PRIu64, x->bus, x->len);
	else if (x->config) /* a config register */
		sb_printf(b, " config +0x%03x = 0x%x", x->offset, x->value);
	sb_printf(b, ": %s", x->why ? x->why : "");
}

/* ---- virtio ---- */

static const char *const virtio_what[] = {
	[VEV_NOTIFY] = "notify", [VEV_CHAIN] = "chain",
	[VEV_REQUEST] = "request", [VEV_USED] = "used",
	[VEV_INTERRUPT] = "interrupt", [VEV_STATUS] = "status",
};

#define VIRTIO_TEXT_SEGS 8
#define VIRTIO_JSON_SEGS 8

static void virtio_text(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_virtio *x = &e->virtio;

	origin_text(b, e->who);
	sb_printf(b, "virtio ");
	device_text(b, x->devfn, x->device);
	if (x->queue >= 0)
		sb_printf(b, " q%d", x->queue);
	switch (x->what) {
	case VEV_NOTIFY:
		sb_printf(b, " notify %s+0x%" PRIx64, x->text ? x->text : "",
			  x->offset);
		break;
	case VEV_CHAIN:
		sb_printf(b, " chain head=%u:", x->head);
		for (unsigned i = 0; i < x->nsegs && i < VIRTIO_TEXT_SEGS; i++)
			sb_printf(b, "%s 0x%" PRIx64 "+%u %s", i ? "," : "",
				  x->segs[i].addr, x->segs[i].len,
				  x->segs[i].flags & 4 ? "indirect" :
				  x->segs[i].flags & 2 ? "w" : "r");
		if (x->nsegs > VIRTIO_TEXT_SEGS)
			sb_printf(b, ", ... (%u descriptors)", x->nsegs);
		break;
	case VEV_REQUEST:
		sb_printf(b, " %s", x->text ? x->text : "");
		break;
	case VEV_USED:
		sb_printf(b, " used idx=%u head=%u len=%u", x->idx, x->head,
			  x->len);
		break;
	case VEV_INTERRUPT:
		sb_printf(b, "%s interrupt isr=0x%x", x->queue < 0 ?
			  " config" : "", x->isr);
		break;
	case VEV_STATUS:
		sb_printf(b, " status = 0x%02x", x->status);
		break;
	}
}

static void text_body(struct sbuf *b, const struct bus_event *e)
{
	switch (e->kind) {
	case EVK_MMIO:
		mmio_text(b, e);
		return;
	case EVK_CONFIG:
		config_text(b, e);
		return;
	case EVK_BAR:
		sb_printf(b, "pci ");
		device_text(b, e->bar.devfn, e->bar.device);
		sb_printf(b, " %s cpu=0x%" PRIx64 " bus=0x%" PRIx64 " size=0x%"
			  PRIx64, bar_what(&e->bar), e->bar.cpu, e->bar.bus,
			  e->bar.size);
		return;
	case EVK_DMA:
		sb_printf(b, "dma ");
		device_text(b, e->dma.devfn, e->dma.device);
		sb_printf(b, " %s bus=0x%" PRIx64 " -> pa=0x%" PRIx64 " len=%"
			  PRIu64 " %s", e->dma.write ? "write" : "read",
			  e->dma.bus, e->dma.pa, e->dma.len,
			  e->dma.ok ? "ok" : e->dma.why ? e->dma.why : "refused");
		return;
	case EVK_IRQ_LINE:
		if (e->irq_line.device && e->irq_line.devfn < 0) {
			sb_printf(b, "irq %s line %u (%s) = %d",
				  e->irq_line.what, e->irq_line.source,
				  e->irq_line.device, e->irq_line.level);
			return;
		}
		if (e->irq_line.device) {
			sb_printf(b, "irq ");
			device_text(b, e->irq_line.devfn, e->irq_line.device);
			sb_printf(b, " %s = %d (bridge line %u)",
				  e->irq_line.what, e->irq_line.level,
				  e->irq_line.source);
			return;
		}
		sb_printf(b, "irq %s line %u = %d", e->irq_line.what,
			  e->irq_line.source, e->irq_line.level);
		return;
	case EVK_INTERRUPT:
		origin_text(b, e->who);
		sb_printf(b, "%s cause=%u", e->interrupt.what,
			  e->interrupt.cause);
		return;
	case EVK_WALK:
		origin_text(b, e->who);
		sb_printf(b, "pagewalk va=%016" PRIx64 " -> ", e->walk.va);
		if (e->walk.ok) {
			sb_printf(b, "pa=0x%" PRIx64 " ", e->walk.pa);
			pte_flags(b, e->walk.pte);
		} else {
			sb_printf(b, "%s", e->walk.why);
		}
		return;
	case EVK_HCALL:
		hcall_text(b, e);
		return;
	case EVK_HCALL_NOTE:
		note_text(b, e);
		return;
	case EVK_BAD_ACCESS:
		bad_text(b, e);
		return;
	case EVK_DEVICE_ERROR:
		deverr_text(b, e);
		return;
	case EVK_VIRTIO:
		virtio_text(b, e);
		return;
	case EVK_NR:
		break;
	}
	sb_printf(b, "event %d", (int)e->kind);
}

void trace_format_text(const struct tracer *t, const struct bus_event *e,
		       char *buf, size_t len)
{
	struct sbuf b = { buf, 0, len };

	buf[0] = 0;
	text_body(&b, e);
}

/* A JSON string; our names are plain, guest text (LOG) may be anything. */
static void json_str(struct sbuf *b, const char *key, const char *s,
		     size_t len)
{
	sb_printf(b, ",\"%s\":\"", key);
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
}

static void json_hex(struct sbuf *b, const char *key, uint64_t v)
{
	sb_printf(b, ",\"%s\":\"0x%" PRIx64 "\"", key, v);
}

static void json_device(struct sbuf *b, int devfn, const char *device)
{
	if (devfn >= 0)
		sb_printf(b, ",\"bdf\":\"00:%02x.%x\"", (devfn >> 3) & 31,
			  devfn & 7);
	if (device)
		json_str(b, "device", device, strlen(device));
}

static void json_who(struct sbuf *b, const struct glass_attrs *o)
{
	if (o && o->debug)
		sb_printf(b, ",\"debugger\":true");
	if (!from_hart(o))
		return;
	sb_printf(b, ",\"hart\":%d,\"priv\":\"%c\",\"pc\":\"0x%" PRIx64
		  "\",\"instret\":%" PRIu64, o->initiator, trace_priv_letter(o->priv),
		  o->pc, o->instret);
}

static void json_mmio(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_mmio *x = &e->mmio;
	const struct glass_attrs *o = e->who;
	char nbuf[48];
	const char *reg = reg_of(x->region, x->offset, nbuf, sizeof(nbuf));

	sb_printf(b, ",\"op\":\"%s\",\"size\":%u", x->write ? "store" :
		  (o && o->fetch) ? "fetch" : "load", x->size);
	if (o && o->translated) {
		json_hex(b, "va", o->va);
		json_hex(b, "pte", o->pte);
		sb_printf(b, ",\"pbmt\":\"%s\"", pbmt_name(o->pte));
	}
	json_hex(b, "pa", x->pa);
	json_str(b, "region", x->region->name, strlen(x->region->name));
	json_hex(b, "offset", x->offset);
	if (x->region->has_bus)
		json_hex(b, "bus", x->region->bus_base +
			 (x->pa - x->region->base));
	if (reg)
		json_str(b, "register", reg, strlen(reg));
	json_hex(b, "value", x->value);
}

static void virtio_json(struct sbuf *b, const struct bus_event *e)
{
	const struct ev_virtio *x = &e->virtio;

	json_device(b, x->devfn, x->device);
	sb_printf(b, ",\"what\":\"%s\"", virtio_what[x->what]);
	if (x->queue >= 0)
		sb_printf(b, ",\"queue\":%d", x->queue);
	switch (x->what) {
	case VEV_NOTIFY:
		if (x->text)
			json_str(b, "window", x->text, strlen(x->text));
		json_hex(b, "offset", x->offset);
		break;
	case VEV_CHAIN:
		/* the first VIRTIO_JSON_SEGS (a line stays well inside the
		 * formatting buffer), and how many there were */
		sb_printf(b, ",\"head\":%u,\"ndescriptors\":%u,"
			  "\"descriptors\":[", x->head, x->nsegs);
		for (unsigned i = 0; i < x->nsegs && i < VIRTIO_JSON_SEGS; i++)
			sb_printf(b, "%s{\"addr\":\"0x%" PRIx64 "\",\"len\":%u,"
				  "\"flags\":%u}", i ? "," : "",
				  x->segs[i].addr, x->segs[i].len,
				  x->segs[i].flags);
		sb_printf(b, "]");
		break;
	case VEV_REQUEST:
		json_str(b, "request", x->text ? x->text : "",
			 x->text ? strlen(x->text) : 0);
		break;
	case VEV_USED:
		sb_printf(b, ",\"idx\":%u,\"head\":%u,\"len\":%u", x->idx,
			  x->head, x->len);
		break;
	case VEV_INTERRUPT:
		json_hex(b, "isr", x->isr);
		break;
	case VEV_STATUS:
		json_hex(b, "status", x->status);
		break;
	}
}

static void json_fields(struct sbuf *b, const struct bus_event *e)
{
	switch (e->kind) {
	case EVK_MMIO:
		json_mmio(b, e);
		break;
	case EVK_CONFIG:
		json_hex(b, "pa", e->config.pa);
		json_device(b, e->config.devfn, e->config.device);
		sb_printf(b, ",\"op\":\"%s\",\"size\":%u", e->config.write ?
			  "write" : "read", e->config.size);
		json_hex(b, "config_offset", e->config.offset);
		if (e->config.reg)
			json_str(b, "register", e->config.reg,
				 strlen(e->config.reg));
		if (e->config.note)
			json_str(b, "note", e->config.note,
				 strlen(e->config.note));
		json_hex(b, "value", e->config.value);
		break;
	case EVK_BAR:
		json_device(b, e->bar.devfn, e->bar.device);
		sb_printf(b, ",\"bar\":%d,\"mapped\":%s", e->bar.bar,
			  e->bar.mapped ? "true" : "false");
		json_hex(b, "pa", e->bar.cpu);
		json_hex(b, "bus", e->bar.bus);
		json_hex(b, "size", e->bar.size);
		break;
	case EVK_DMA:
		json_device(b, e->dma.devfn, e->dma.device);
		sb_printf(b, ",\"op\":\"%s\"", e->dma.write ? "write" : "read");
		json_hex(b, "bus", e->dma.bus);
		json_hex(b, "pa", e->dma.pa);
		sb_printf(b, ",\"len\":%" PRIu64 ",\"ok\":%s", e->dma.len,
			  e->dma.ok ? "true" : "false");
		if (e->dma.why)
			json_str(b, "why", e->dma.why, strlen(e->dma.why));
		break;
	case EVK_IRQ_LINE:
		if (e->irq_line.device && e->irq_line.devfn < 0) {
			json_device(b, -1, e->irq_line.device);
		} else if (e->irq_line.device) {
			json_device(b, e->irq_line.devfn, e->irq_line.device);
			json_str(b, "pin", e->irq_line.what,
				 strlen(e->irq_line.what));
			sb_printf(b, ",\"bridge_line\":%u,\"level\":%d",
				  e->irq_line.source, e->irq_line.level);
			break;
		}
		sb_printf(b, ",\"source\":%u,\"level\":%d", e->irq_line.source,
			  e->irq_line.level);
		break;
	case EVK_INTERRUPT:
		sb_printf(b, ",\"cause\":%u", e->interrupt.cause);
		break;
	case EVK_WALK:
		json_hex(b, "va", e->walk.va);
		sb_printf(b, ",\"ok\":%s", e->walk.ok ? "true" : "false");
		if (e->walk.ok) {
			json_hex(b, "pa", e->walk.pa);
			json_hex(b, "pte", e->walk.pte);
		} else {
			json_str(b, "why", e->walk.why, strlen(e->walk.why));
		}
		break;
	case EVK_HCALL:
		sb_printf(b, ",\"channel\":%u", e->hcall.channel);
		json_hex(b, "op", e->hcall.op);
		json_str(b, "name", e->hcall.name, strlen(e->hcall.name));
		for (int i = 0; i < 6; i++) {
			static const char *const keys[6] = {
				"arg0", "arg1", "arg2", "arg3", "arg4", "arg5",
			};
			json_hex(b, keys[i], e->hcall.arg[i]);
		}
		sb_printf(b, ",\"status\":%" PRId64, e->hcall.status);
		json_hex(b, "ret0", e->hcall.ret[0]);
		json_hex(b, "ret1", e->hcall.ret[1]);
		break;
	case EVK_HCALL_NOTE:
		json_str(b, "note", hc_note_names[e->note.what],
			 strlen(hc_note_names[e->note.what]));
		if (e->note.what == HC_NOTE_LOG)
			json_str(b, "log", e->note.text, e->note.len);
		else
			sb_printf(b, ",\"id\":%" PRIu64, e->note.id);
		break;
	case EVK_BAD_ACCESS:
		sb_printf(b, ",\"op\":\"%s\",\"size\":%u", e->bad.write ?
			  "store" : "load", e->bad.size);
		json_hex(b, "pa", e->bad.pa);
		if (e->bad.region) {
			json_str(b, "region", e->bad.region->name,
				 strlen(e->bad.region->name));
			json_hex(b, "offset", e->bad.offset);
		}
		json_str(b, "why", e->bad.why, strlen(e->bad.why));
		break;
	case EVK_DEVICE_ERROR:
		json_device(b, e->deverr.devfn, e->deverr.device);
		if (e->deverr.len) {
			json_hex(b, "bus", e->deverr.bus);
			sb_printf(b, ",\"len\":%" PRIu64, e->deverr.len);
		} else if (e->deverr.config) {
			json_hex(b, "config_offset", e->deverr.offset);
			json_hex(b, "value", e->deverr.value);
		}
		json_str(b, "why", e->deverr.why, strlen(e->deverr.why));
		break;
	case EVK_VIRTIO:
		virtio_json(b, e);
		break;
	case EVK_NR:
		break;
	}
}

/* JSON: one object per line, the same facts as named fields, and the
 * text line as "text". */
static void json_body(const struct tracer *t, struct sbuf *b,
		      const struct bus_event *e)
{
	char text[512];

	sb_printf(b, "{\"cat\":\"%s\"",
		  trace_category_name(ev_category_of(e->kind)));
	json_who(b, e->who);
	json_fields(b, e);
	trace_format_text(t, e, text, sizeof(text));
	json_str(b, "text", text, strlen(text));
	sb_printf(b, "}");
}

/* Chrome trace-event format (chrome://tracing, ui.perfetto.dev): instants
 * on a per-hart track (tid 100 for devices) with the event's fields as
 * args, so Perfetto's filters and queries see them; ROI begin/end as a
 * slice; each PLIC input line as a counter track. */
static void chrome_body(struct tracer *t, struct sbuf *b,
			const struct bus_event *e)
{
	const struct glass_attrs *o = e->who;
	const char *cat = trace_category_name(ev_category_of(e->kind));
	int tid = from_hart(o) ? o->initiator : 100;
	double us = t->now_ns ? t->now_ns(t->now_opaque) / 1000.0 : 0;
	char text[512];

	sb_printf(b, "%s", t->chrome_first ? "" : ",\n");
	t->chrome_first = false;
	if (e->kind == EVK_IRQ_LINE && e->irq_line.devfn < 0) {
		sb_printf(b, "{\"name\":\"irq %u\",\"cat\":\"irq\",\"ph\":\"C\","
			  "\"ts\":%.3f,\"pid\":1,\"args\":{\"level\":%d}}",
			  e->irq_line.source, us, e->irq_line.level);
		return;
	}
	const char *ph = "i";
	if (e->kind == EVK_HCALL_NOTE && e->note.what == HC_NOTE_ROI_BEGIN)
		ph = "B";
	else if (e->kind == EVK_HCALL_NOTE && e->note.what == HC_NOTE_ROI_END)
		ph = "E";
	sb_printf(b, "{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%s\",%s"
		  "\"ts\":%.3f,\"pid\":1,\"tid\":%d,\"args\":{\"cat\":\"%s\"",
		  *ph == 'i' ? cat : "roi", cat, ph,
		  *ph == 'i' ? "\"s\":\"t\"," : "", us, tid, cat);
	json_who(b, o);
	json_fields(b, e);
	trace_format_text(t, e, text, sizeof(text));
	json_str(b, "text", text, strlen(text));
	sb_printf(b, "}}");
}

/* Where the event happened, for --trace-filter addr= */
static bool event_pa(const struct bus_event *e, uint64_t *pa)
{
	switch (e->kind) {
	case EVK_MMIO: *pa = e->mmio.pa; return true;
	case EVK_CONFIG: *pa = e->config.pa; return true;
	case EVK_BAR: *pa = e->bar.cpu; return true;
	case EVK_DMA: *pa = e->dma.pa; return true;
	case EVK_WALK: *pa = e->walk.pa; return e->walk.ok;
	case EVK_BAD_ACCESS: *pa = e->bad.pa; return true;
	default: return false;
	}
}

/* Which device, for --trace-filter device= (region or device name) */
static const char *event_device(const struct bus_event *e)
{
	switch (e->kind) {
	case EVK_MMIO: return e->mmio.region->name;
	case EVK_CONFIG: return e->config.device;
	case EVK_BAR: return e->bar.device;
	case EVK_DMA: return e->dma.device;
	case EVK_BAD_ACCESS: return e->bad.region ? e->bad.region->name : NULL;
	case EVK_DEVICE_ERROR: return e->deverr.device;
	case EVK_VIRTIO: return e->virtio.device;
	case EVK_IRQ_LINE: return e->irq_line.device;
	default: return NULL;
	}
}

static bool filtered_out(const struct tracer *t, const struct bus_event *e)
{
	const struct trace_filter *f = &t->filter;
	uint64_t pa;

	if (f->hart >= 0 && (!e->who || e->who->initiator != f->hart))
		return true;
	if (f->addr_hi && (!event_pa(e, &pa) || pa < f->addr_lo ||
			   pa > f->addr_hi))
		return true;
	if (f->device[0]) {
		const char *name = event_device(e);
		if (!name || !strstr(name, f->device))
			return true;
	}
	return false;
}

static void emit(void *opaque, const struct bus_event *e)
{
	struct tracer *t = opaque;
	char line[1024];
	struct sbuf b = { line, 0, sizeof(line) };

	uint32_t cat = ev_category_of(e->kind);

	if (t->tap && (t->tap_mask & cat))
		t->tap(t->tap_opaque, e);
	if (t->stats && (t->count_mask & cat))
		stats_count(t->stats, e);
	if (!(t->print_mask & cat) || filtered_out(t, e))
		return;
	switch (t->format) {
	case TRACE_TEXT:
		text_body(&b, e);
		break;
	case TRACE_JSON:
		json_body(t, &b, e);
		break;
	case TRACE_CHROME:
		chrome_body(t, &b, e);
		break;
	}
	fputs(line, t->out);
	if (t->format != TRACE_CHROME)
		fputc('\n', t->out);
	t->events++;
}

static void update_mask(struct tracer *t)
{
	t->sink.mask = (t->out ? t->print_mask : 0) |
		       (t->stats ? t->count_mask : 0) |
		       (t->tap ? t->tap_mask : 0);
}

int tracer_init(struct tracer *t, const char *path, enum trace_format fmt,
		uint32_t print_mask, const struct trace_filter *filter)
{
	memset(t, 0, sizeof(*t));
	t->sink.emit = emit;
	t->sink.opaque = t;
	t->format = fmt;
	t->print_mask = print_mask;
	t->filter = *filter;
	t->chrome_first = true;
	t->out = stderr;
	if (path) {
		t->out = fopen(path, "w");
		if (!t->out) {
			fprintf(stderr, "glass: %s: cannot write the trace: %s\n",
				path, strerror(errno));
			return -1;
		}
		t->own_out = true;
	}
	if (fmt == TRACE_CHROME)
		fputs("{\"traceEvents\":[\n", t->out);
	update_mask(t);
	return 0;
}

void tracer_attach_stats(struct tracer *t, struct stats *s, uint32_t count_mask)
{
	t->stats = s;
	t->count_mask = count_mask;
	update_mask(t);
}

uint32_t tracer_set(struct tracer *t, uint32_t mask, bool on)
{
	uint32_t old = t->print_mask;

	t->print_mask = on ? (old | mask) : (old & ~mask);
	update_mask(t);
	return old;
}

void tracer_set_tap(struct tracer *t, uint32_t mask,
		    void (*fn)(void *opaque, const struct bus_event *e),
		    void *opaque)
{
	if (!t->sink.emit)
		return;  /* never initialised: nothing is emitted to watch */
	t->tap = fn;
	t->tap_opaque = opaque;
	t->tap_mask = fn ? mask : 0;
	update_mask(t);
}

void tracer_close(struct tracer *t)
{
	if (!t->out)
		return;
	if (t->format == TRACE_CHROME)
		fputs("\n]}\n", t->out);
	if (t->own_out)
		fclose(t->out);
	else
		fflush(t->out);
	t->out = NULL;
	update_mask(t);
}
