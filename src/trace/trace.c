/* The see-through trace: filtering and output formats. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mem/address_space.h"
#include "pci/host.h"
#include "trace/stats.h"
#include "trace/trace.h"

static const struct {
	const char *name;
	uint32_t bit;
} categories[] = {
	{ "mmio", EV_MMIO },           { "pci-config", EV_PCI_CONFIG },
	{ "dma", EV_DMA },             { "irq", EV_IRQ },
	{ "pagewalk", EV_PAGEWALK },   { "hypercall", EV_HYPERCALL },
	{ "guest-error", EV_GUEST_ERROR },
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
				"guest-error, all)\n", word);
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

static const struct pci_func *event_func(const struct tracer *t,
					 const struct bus_event *e)
{
	const struct region *r = e->region;

	if (r && r->owner_kind == REGION_OWNER_PCI)
		return r->owner;
	if (e->devfn >= 0 && t->pci && (e->devfn >> 3) < PCI_MAX_SLOTS)
		return t->pci->slots[e->devfn >> 3];
	return NULL;
}

static char priv_char(int priv)
{
	return priv == 3 ? 'M' : priv == 1 ? 'S' : 'U';
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

static void origin_text(struct sbuf *b, const struct access_origin *o)
{
	if (!o || o->initiator < 0)
		return;
	sb_printf(b, "hart%d %c pc=%016" PRIx64 " ", o->initiator,
		  priv_char(o->priv), o->pc);
}

static const char *func_name(const struct pci_func *f)
{
	return f && f->ops && f->ops->name ? f->ops->name : "host-bridge";
}

/* Annotation for BAR sizing as it happens: the all-ones write, and the
 * size mask the function answers with. */
static const char *bar_note(const struct pci_func *f, const struct bus_event *e,
			    char *buf, size_t len)
{
	if (!f || e->offset < PCI_BAR0 || e->offset >= PCI_BAR0 + 24 ||
	    e->size != 4)
		return NULL;
	int n = (e->offset - PCI_BAR0) / 4;
	if (e->write)
		return e->value == 0xffffffffu ? "sizing" : "assign";
	const struct pci_bar *bar = &f->bars[n];
	if (bar->size && (e->value & ~0xfull) ==
	    (uint32_t)(~(bar->size - 1) & ~0xfull)) {
		snprintf(buf, len, "size mask: %" PRIu64 " bytes", bar->size);
		return buf;
	}
	return NULL;
}

/* " -> REGION +OFFSET (REGISTER)" of a device access that went wrong */
static void region_text(struct sbuf *b, const struct region *r, uint64_t offset)
{
	char nbuf[48];
	const char *reg = mmio_reg_name(r->ops, offset, nbuf, sizeof(nbuf));

	sb_printf(b, " -> %s +0x%03" PRIx64, r->name, offset);
	if (reg)
		sb_printf(b, " (%s)", reg);
}

static void mmio_text(const struct tracer *t, struct sbuf *b,
		      const struct bus_event *e)
{
	const struct access_origin *o = e->origin;
	const struct region *r = e->region;
	const struct pci_func *f = event_func(t, e);
	char nbuf[48];

	origin_text(b, o);
	sb_printf(b, "%s.%c ", e->write ? "store" : (o && o->fetch) ? "fetch" : "load",
		  width_char(e->size));
	if (o && o->translated) {
		sb_printf(b, "va=%016" PRIx64 " ", o->va);
		pte_flags(b, o->pte);
		sb_printf(b, " ");
	} else {
		sb_printf(b, "bare ");
	}
	sb_printf(b, "pa=0x%" PRIx64 " -> %s", e->pa, r ? r->name : "?");
	if (f && r) {
		const struct pci_bar *bar = &f->bars[r->owner_index];
		sb_printf(b, " bus=0x%" PRIx64, bar->bus_addr + e->offset);
	}
	sb_printf(b, " +0x%03" PRIx64, e->offset);
	const char *reg = r ? mmio_reg_name(r->ops, e->offset, nbuf, sizeof(nbuf))
			    : NULL;
	if (reg)
		sb_printf(b, " (%s)", reg);
	sb_printf(b, " = 0x%0*" PRIx64, (int)(2 * e->size), e->value);
}

static void config_text(const struct tracer *t, struct sbuf *b,
			const struct bus_event *e)
{
	const struct pci_func *f = event_func(t, e);
	const char *reg = reg_name(pci_config_regs, e->offset);
	char nbuf[48];
	const char *note = bar_note(f, e, nbuf, sizeof(nbuf));

	origin_text(b, e->origin);
	sb_printf(b, "pci-config 00:%02x.%x %s %s.%c +0x%03" PRIx64,
		  (e->devfn >> 3) & 31, e->devfn & 7, f ? func_name(f) : "absent",
		  e->write ? "write" : "read", width_char(e->size), e->offset);
	if (reg)
		sb_printf(b, " (%s)", reg);
	sb_printf(b, " = 0x%0*" PRIx64, (int)(2 * e->size), e->value);
	if (note)
		sb_printf(b, " [%s]", note);
}

static void text_body(const struct tracer *t, struct sbuf *b,
		      const struct bus_event *e)
{
	const struct pci_func *f = event_func(t, e);

	switch (e->cat) {
	case EV_MMIO:
		mmio_text(t, b, e);
		return;
	case EV_PCI_CONFIG:
		if (e->what) { /* a BAR (un)mapping */
			sb_printf(b, "pci 00:%02x.%x %s %s cpu=0x%" PRIx64
				  " bus=0x%" PRIx64 " size=0x%" PRIx64,
				  (e->devfn >> 3) & 31, e->devfn & 7,
				  func_name(f), e->what, e->pa, e->bus, e->len);
			return;
		}
		config_text(t, b, e);
		return;
	case EV_DMA:
		sb_printf(b, "dma 00:%02x.%x %s %s bus=0x%" PRIx64 " -> pa=0x%"
			  PRIx64 " len=%" PRIu64 " %s",
			  (e->devfn >> 3) & 31, e->devfn & 7, func_name(f),
			  e->write ? "write" : "read", e->bus, e->pa, e->len,
			  e->ok ? "ok" : e->what ? e->what : "refused");
		return;
	case EV_IRQ:
		origin_text(b, e->origin);
		if (e->region || e->devfn >= 0 || !e->origin)
			sb_printf(b, "irq %s line %" PRIu64 " = %" PRIu64,
				  e->what ? e->what : "", e->offset, e->value);
		else
			sb_printf(b, "%s cause=%" PRIu64, e->what, e->value);
		return;
	case EV_PAGEWALK:
		origin_text(b, e->origin);
		sb_printf(b, "pagewalk va=%016" PRIx64 " -> ", e->origin->va);
		if (e->ok) {
			sb_printf(b, "pa=0x%" PRIx64 " ", e->pa);
			pte_flags(b, e->value);
		} else {
			sb_printf(b, "%s", e->what);
		}
		return;
	case EV_HYPERCALL:
		origin_text(b, e->origin);
		sb_printf(b, "hypercall %s", e->what ? e->what : "");
		return;
	case EV_GUEST_ERROR:
		origin_text(b, e->origin);
		if (f && !e->region) { /* reported by a PCI function */
			sb_printf(b, "guest-error 00:%02x.%x %s ",
				  (f->devfn >> 3) & 31, f->devfn & 7, func_name(f));
			if (e->len)   /* a DMA range */
				sb_printf(b, "bus=0x%" PRIx64 " len=%" PRIu64,
					  e->bus, e->len);
			else          /* a config register */
				sb_printf(b, "config +0x%03" PRIx64 " = 0x%" PRIx64,
					  e->offset, e->value);
			sb_printf(b, ": %s", e->what ? e->what : "");
			return;
		}
		sb_printf(b, "guest-error %s.%c pa=0x%" PRIx64, e->write ? "store" :
			  "load", width_char(e->size ? e->size : 8), e->pa);
		if (e->region)
			region_text(b, e->region, e->offset);
		sb_printf(b, ": %s", e->what ? e->what : "");
		return;
	default:
		sb_printf(b, "event %u", e->cat);
	}
}

void trace_format_text(const struct tracer *t, const struct bus_event *e,
		       char *buf, size_t len)
{
	struct sbuf b = { buf, 0, len };

	buf[0] = 0;
	text_body(t, &b, e);
}

/* JSON: the same facts as named fields. Strings we emit never contain
 * characters that need escaping except region names, which are ours. */
static void json_body(const struct tracer *t, struct sbuf *b,
		      const struct bus_event *e)
{
	const struct access_origin *o = e->origin;
	const struct pci_func *f = event_func(t, e);
	char text[512];

	sb_printf(b, "{\"cat\":\"%s\"", trace_category_name(e->cat));
	if (o && o->initiator >= 0)
		sb_printf(b, ",\"hart\":%d,\"priv\":\"%c\",\"pc\":\"0x%" PRIx64
			  "\",\"instret\":%" PRIu64, o->initiator,
			  priv_char(o->priv), o->pc, o->instret);
	if (e->cat == EV_MMIO) {
		sb_printf(b, ",\"op\":\"%s\",\"size\":%u", e->write ? "store" : "load",
			  e->size);
		if (o && o->translated)
			sb_printf(b, ",\"va\":\"0x%" PRIx64 "\",\"pte\":\"0x%"
				  PRIx64 "\",\"pbmt\":\"%s\"", o->va, o->pte,
				  pbmt_name(o->pte));
	}
	if (e->cat != EV_IRQ && e->cat != EV_HYPERCALL)
		sb_printf(b, ",\"pa\":\"0x%" PRIx64 "\"", e->pa);
	if (e->region)
		sb_printf(b, ",\"region\":\"%s\",\"offset\":\"0x%" PRIx64 "\"",
			  e->region->name, e->offset);
	if (f)
		sb_printf(b, ",\"bdf\":\"00:%02x.%x\",\"device\":\"%s\"",
			  f->devfn >> 3, f->devfn & 7, func_name(f));
	if (f && e->region && e->cat == EV_MMIO)
		sb_printf(b, ",\"bar\":%d,\"bus\":\"0x%" PRIx64 "\"",
			  e->region->owner_index,
			  f->bars[e->region->owner_index].bus_addr + e->offset);
	if (e->cat == EV_DMA || (e->cat == EV_PCI_CONFIG && e->what))
		sb_printf(b, ",\"bus\":\"0x%" PRIx64 "\",\"len\":%" PRIu64
			  ",\"ok\":%s", e->bus, e->len, e->ok ? "true" : "false");
	if (e->cat == EV_PCI_CONFIG && !e->what)
		sb_printf(b, ",\"op\":\"%s\",\"size\":%u,\"config_offset\":\"0x%"
			  PRIx64 "\"", e->write ? "write" : "read", e->size,
			  e->offset);
	if (e->what)
		sb_printf(b, ",\"what\":\"%s\"", e->what);
	sb_printf(b, ",\"value\":\"0x%" PRIx64 "\"", e->value);
	trace_format_text(t, e, text, sizeof(text));
	sb_printf(b, ",\"text\":\"");
	for (const char *p = text; *p; p++)
		sb_printf(b, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	sb_printf(b, "\"}");
}

/* Chrome trace-event format (chrome://tracing, ui.perfetto.dev): instants
 * on a per-hart track, ROI begin/end as duration events. */
static void chrome_body(struct tracer *t, struct sbuf *b,
			const struct bus_event *e)
{
	const struct access_origin *o = e->origin;
	char text[512];
	int tid = o && o->initiator >= 0 ? o->initiator : 100;
	double us = t->now_ns ? t->now_ns(t->now_opaque) / 1000.0 : 0;
	const char *ph = "i";

	trace_format_text(t, e, text, sizeof(text));
	if (e->cat == EV_HYPERCALL && e->what && !strncmp(e->what, "roi begin", 9))
		ph = "B";
	else if (e->cat == EV_HYPERCALL && e->what && !strncmp(e->what, "roi end", 7))
		ph = "E";
	sb_printf(b, "%s{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%s\",%s"
		  "\"ts\":%.3f,\"pid\":1,\"tid\":%d,\"args\":{\"text\":\"",
		  t->chrome_first ? "" : ",\n",
		  *ph == 'i' ? trace_category_name(e->cat) : "roi",
		  trace_category_name(e->cat), ph, *ph == 'i' ? "\"s\":\"t\"," : "",
		  us, tid);
	for (const char *p = text; *p; p++)
		sb_printf(b, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	sb_printf(b, "\"}}");
	t->chrome_first = false;
}

static bool filtered_out(const struct tracer *t, const struct bus_event *e)
{
	const struct trace_filter *f = &t->filter;

	if (f->hart >= 0 && (!e->origin || e->origin->initiator != f->hart))
		return true;
	if (f->addr_hi && (e->pa < f->addr_lo || e->pa > f->addr_hi))
		return true;
	if (f->device[0]) {
		const struct pci_func *pf = event_func(t, e);
		const char *name = e->region ? e->region->name :
				   pf ? func_name(pf) : NULL;
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

	if (t->stats && (t->count_mask & e->cat))
		stats_count(t->stats, e);
	if (!(t->print_mask & e->cat) || filtered_out(t, e))
		return;
	switch (t->format) {
	case TRACE_TEXT:
		text_body(t, &b, e);
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
		       (t->stats ? t->count_mask : 0);
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
