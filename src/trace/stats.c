/* Statistics counters and their text/JSON dumps. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/jit/jit.h"
#include "mem/address_space.h"
#include "trace/stats.h"
#include "trace/trace.h"

static void take_baseline(struct stats *s)
{
	for (unsigned i = 0; i < s->nharts && i < STATS_MAX_HARTS; i++)
		hart_get_counters(&s->harts[i], &s->hart_base[i]);
	for (int i = 0; s->as && i < s->as->nregions && i < STATS_MAX_REGIONS; i++) {
		s->region_base[i][0] = s->as->regions[i].reads;
		s->region_base[i][1] = s->as->regions[i].writes;
	}
}

int stats_init(struct stats *s, const char *path, const struct hart *harts,
	       unsigned nharts, const struct address_space *as)
{
	memset(s, 0, sizeof(*s));
	s->harts = harts;
	s->nharts = nharts;
	s->as = as;
	if (path) {
		size_t n = strlen(path);
		s->json = n >= 5 && !strcmp(path + n - 5, ".json");
		s->out = fopen(path, "w");
		if (!s->out) {
			fprintf(stderr, "glass: %s: cannot write statistics: %s\n",
				path, strerror(errno));
			return -1;
		}
	}
	take_baseline(s);
	return 0;
}

static struct stats_reg *reg_slot(struct stats *s, const struct region *r,
				  uint64_t offset)
{
	/* by the region's index, not its address: the order of a dump must
	 * not change from run to run (deterministic runs compare them) */
	uint64_t idx = s->as ? (uint64_t)(r - s->as->regions) : (uintptr_t)r >> 4;
	uint64_t h = idx * 0x9e3779b97f4a7c15ull ^ offset;

	for (unsigned probe = 0; probe < STATS_MAX_REGS; probe++) {
		struct stats_reg *e = &s->regs[(h + probe) % STATS_MAX_REGS];
		if (e->r == r && e->offset == offset)
			return e;
		if (!e->r) {
			if (s->nregs >= STATS_MAX_REGS * 3 / 4) {
				s->regs_full = true;
				return NULL;
			}
			e->r = r;
			e->offset = offset;
			s->nregs++;
			return e;
		}
	}
	return NULL;
}

static struct stats_vq *vq_slot(struct stats *s, const char *device,
				 int queue)
{
	for (unsigned i = 0; i < s->nvqs; i++)
		if (s->vqs[i].queue == queue &&
		    !strcmp(s->vqs[i].device, device))
			return &s->vqs[i];
	if (s->nvqs == STATS_MAX_VQS)
		return NULL;
	s->vqs[s->nvqs] = (struct stats_vq){ .device = device,
					     .queue = queue };
	return &s->vqs[s->nvqs++];
}

static void count_virtio(struct stats *s, const struct ev_virtio *v)
{
	struct stats_vq *q = v->queue >= 0 && v->device ?
			     vq_slot(s, v->device, v->queue) : NULL;

	if (!q)
		return;
	switch (v->what) {
	case VEV_NOTIFY:
		q->notifies++;
		break;
	case VEV_CHAIN:
		q->chains++;
		for (unsigned i = 0; i < v->nsegs; i++)
			if (!(v->segs[i].flags & 6)) /* readable buffers */
				q->bytes_out += v->segs[i].len;
		break;
	case VEV_USED:
		q->used++;
		q->bytes_in += v->len;
		break;
	case VEV_INTERRUPT:
		q->interrupts++;
		break;
	default:
		break;
	}
}

void stats_count(struct stats *s, const struct bus_event *e)
{
	switch (e->kind) {
	case EVK_MMIO: {
		struct stats_reg *r = reg_slot(s, e->mmio.region, e->mmio.offset);
		if (r) {
			if (e->mmio.write)
				r->writes++;
			else
				r->reads++;
		}
		break;
	}
	case EVK_DMA:
		s->dma_ops++;
		if (e->dma.ok)
			s->dma_bytes += e->dma.len;
		else
			s->dma_refused++;
		break;
	case EVK_CONFIG:
		s->config_accesses++;
		break;
	case EVK_IRQ_LINE:
	case EVK_INTERRUPT:
		s->irq_events++;
		break;
	case EVK_BAD_ACCESS:
	case EVK_DEVICE_ERROR:
		s->guest_errors++;
		break;
	case EVK_HCALL:
		/* LOG, ROI and MARKER notes describe an operation already
		 * counted */
		s->hypercalls++;
		break;
	case EVK_VIRTIO:
		count_virtio(s, &e->virtio);
		break;
	default:
		break;
	}
}

void stats_reset(struct stats *s)
{
	memset(s->regs, 0, sizeof(s->regs));
	s->nregs = 0;
	s->regs_full = false;
	s->dma_ops = s->dma_bytes = s->dma_refused = 0;
	s->config_accesses = s->irq_events = s->guest_errors = 0;
	s->hypercalls = 0;
	s->nvqs = 0;
	take_baseline(s);
}

/* Hart i's counters since the last reset. */
static void since_baseline(const struct stats *s, unsigned i,
			   struct hart_counters *c)
{
	const struct hart_counters *b = &s->hart_base[i];

	hart_get_counters(&s->harts[i], c);
	c->instret -= b->instret;
	c->cycle -= b->cycle;
	c->interrupts -= b->interrupts;
	c->exceptions -= b->exceptions;
	c->tlb_hits -= b->tlb_hits;
	c->tlb_misses -= b->tlb_misses;
	c->tlb_walks -= b->tlb_walks;
}

/* The JIT's counters (cumulative since start, not reset by STATS_RESET):
 * code cache in use, blocks translated and what that cost, and how often
 * a block lookup (an exit from translated code that was not chained)
 * found the block already translated. */
static void write_jit(const struct hart *h, FILE *f, unsigned i, bool json)
{
	struct jit_stats j;

	if (!h->jit)
		return;
	jit_get_stats(h->jit, &j);
	double us = j.blocks ? j.translate_ns / 1e3 / (double)j.blocks : 0;
	double rate = j.lookups ? 100.0 * (double)j.hits / (double)j.lookups : 0;
	if (json)
		fprintf(f, ",\"jit\":{\"code_bytes\":%" PRIu64 ",\"code_size\":%"
			PRIu64 ",\"blocks\":%" PRIu64 ",\"translate_us_per_block\":"
			"%.3f,\"lookups\":%" PRIu64 ",\"hit_rate_percent\":%.2f,"
			"\"chained\":%" PRIu64 ",\"flushes\":%" PRIu64
			",\"interpreted\":%" PRIu64 "}", j.code_bytes, j.code_size,
			j.blocks, us, j.lookups, rate, j.chained, j.flushes,
			j.interp_insns);
	else
		fprintf(f, "hart%u jit code-cache %" PRIu64 "/%" PRIu64
			" bytes blocks %" PRIu64 " translate %.3f us/block lookups %"
			PRIu64 " hit-rate %.2f%% chained %" PRIu64 " flushes %"
			PRIu64 " interpreted %" PRIu64 "\n", i, j.code_bytes,
			j.code_size, j.blocks, us, j.lookups, rate, j.chained,
			j.flushes, j.interp_insns);
}

/* Where hart i is when the counters are written: for a post-mortem of a
 * guest that hung or lost a hart (pc, privilege, asleep in WFI, pending
 * and enabled interrupts). */
static void write_where(const struct hart *h, FILE *f, unsigned i, bool json)
{
	uint64_t mip, mie;

	hart_get_irqs(h, &mip, &mie);
	/* pc as a string: JSON readers that hold numbers as doubles (jq,
	 * JavaScript) would round a kernel address */
	if (json)
		fprintf(f, ",\"pc\":\"0x%" PRIx64 "\",\"priv\":\"%c\",\"sleeping\":%s,"
			"\"mip\":%" PRIu64 ",\"mie\":%" PRIu64, hart_get_pc(h),
			trace_priv_letter(hart_get_priv(h)),
			hart_is_sleeping(h) ? "true" : "false", mip, mie);
	else
		fprintf(f, "hart%u at pc 0x%" PRIx64 " priv %c%s mip 0x%" PRIx64
			" mie 0x%" PRIx64 "\n", i, hart_get_pc(h),
			trace_priv_letter(hart_get_priv(h)),
			hart_is_sleeping(h) ? " sleeping" : "", mip, mie);
}

static void write_text(const struct stats *s, FILE *f, const char *name)
{
	fprintf(f, "== glass statistics%s%s\n", *name ? ": " : "", name);
	for (unsigned i = 0; i < s->nharts && i < STATS_MAX_HARTS; i++) {
		struct hart_counters c;
		since_baseline(s, i, &c);
		fprintf(f, "hart%u instructions %" PRIu64 " tlb-hits %" PRIu64
			" tlb-misses %" PRIu64 " page-walks %" PRIu64
			" interrupts %" PRIu64 " exceptions %" PRIu64 "\n", i,
			c.instret, c.tlb_hits, c.tlb_misses, c.tlb_walks,
			c.interrupts, c.exceptions);
		write_where(&s->harts[i], f, i, false);
		write_jit(&s->harts[i], f, i, false);
	}
	for (int i = 0; s->as && i < s->as->nregions && i < STATS_MAX_REGIONS; i++) {
		const struct region *r = &s->as->regions[i];
		uint64_t rd = r->reads - s->region_base[i][0];
		uint64_t wr = r->writes - s->region_base[i][1];
		if (r->kind == REGION_MMIO && (rd || wr))
			fprintf(f, "device %s reads %" PRIu64 " writes %" PRIu64 "\n",
				r->name, rd, wr);
	}
	for (unsigned i = 0; i < STATS_MAX_REGS; i++) {
		const struct stats_reg *e = &s->regs[i];
		char buf[48];
		if (!e->r)
			continue;
		const char *n = mmio_reg_name(e->r->ops, e->offset, buf, sizeof(buf));
		fprintf(f, "register %s +0x%03" PRIx64 " %s reads %" PRIu64
			" writes %" PRIu64 "\n", e->r->name, e->offset,
			n ? n : "-", e->reads, e->writes);
	}
	fprintf(f, "dma ops %" PRIu64 " bytes %" PRIu64 " refused %" PRIu64 "\n",
		s->dma_ops, s->dma_bytes, s->dma_refused);
	for (unsigned i = 0; i < s->nvqs; i++) {
		const struct stats_vq *q = &s->vqs[i];
		fprintf(f, "virtio %s q%d notifies %" PRIu64 " chains %" PRIu64
			" used %" PRIu64 " bytes-out %" PRIu64 " bytes-in %"
			PRIu64 " interrupts %" PRIu64 "\n", q->device, q->queue,
			q->notifies, q->chains, q->used, q->bytes_out,
			q->bytes_in, q->interrupts);
	}
	fprintf(f, "pci-config accesses %" PRIu64 "\nirq events %" PRIu64
		"\nguest-errors %" PRIu64 "\nhypercalls %" PRIu64 "\n",
		s->config_accesses, s->irq_events, s->guest_errors, s->hypercalls);
}

static void write_json(const struct stats *s, FILE *f, const char *name)
{
	fprintf(f, "{\"name\":\"");
	for (const char *p = name; *p; p++)
		fprintf(f, (*p == '"' || *p == '\\') ? "\\%c" :
			   (*p < 0x20) ? "?" : "%c", *p);
	fprintf(f, "\",\"harts\":[");
	for (unsigned i = 0; i < s->nharts && i < STATS_MAX_HARTS; i++) {
		struct hart_counters c;
		since_baseline(s, i, &c);
		fprintf(f, "%s{\"hart\":%u,\"instructions\":%" PRIu64
			",\"tlb_hits\":%" PRIu64 ",\"tlb_misses\":%" PRIu64
			",\"page_walks\":%" PRIu64 ",\"interrupts\":%" PRIu64
			",\"exceptions\":%" PRIu64, i ? "," : "", i,
			c.instret, c.tlb_hits, c.tlb_misses, c.tlb_walks,
			c.interrupts, c.exceptions);
		write_where(&s->harts[i], f, i, true);
		write_jit(&s->harts[i], f, i, true);
		fputc('}', f);
	}
	fprintf(f, "],\"devices\":[");
	bool first = true;
	for (int i = 0; s->as && i < s->as->nregions && i < STATS_MAX_REGIONS; i++) {
		const struct region *r = &s->as->regions[i];
		uint64_t rd = r->reads - s->region_base[i][0];
		uint64_t wr = r->writes - s->region_base[i][1];
		if (r->kind != REGION_MMIO || !(rd || wr))
			continue;
		fprintf(f, "%s{\"device\":\"%s\",\"reads\":%" PRIu64
			",\"writes\":%" PRIu64 "}", first ? "" : ",", r->name, rd, wr);
		first = false;
	}
	fprintf(f, "],\"registers\":[");
	first = true;
	for (unsigned i = 0; i < STATS_MAX_REGS; i++) {
		const struct stats_reg *e = &s->regs[i];
		char buf[48];
		if (!e->r)
			continue;
		const char *n = mmio_reg_name(e->r->ops, e->offset, buf, sizeof(buf));
		fprintf(f, "%s{\"device\":\"%s\",\"offset\":%" PRIu64
			",\"name\":\"%s\",\"reads\":%" PRIu64 ",\"writes\":%" PRIu64
			"}", first ? "" : ",", e->r->name, e->offset, n ? n : "",
			e->reads, e->writes);
		first = false;
	}
	fprintf(f, "],\"virtio\":[");
	for (unsigned i = 0; i < s->nvqs; i++) {
		const struct stats_vq *q = &s->vqs[i];
		fprintf(f, "%s{\"device\":\"%s\",\"queue\":%d,\"notifies\":%"
			PRIu64 ",\"chains\":%" PRIu64 ",\"used\":%" PRIu64
			",\"bytes_out\":%" PRIu64 ",\"bytes_in\":%" PRIu64
			",\"interrupts\":%" PRIu64 "}", i ? "," : "", q->device,
			q->queue, q->notifies, q->chains, q->used, q->bytes_out,
			q->bytes_in, q->interrupts);
	}
	fprintf(f, "],\"dma\":{\"ops\":%" PRIu64 ",\"bytes\":%" PRIu64
		",\"refused\":%" PRIu64 "},\"pci_config_accesses\":%" PRIu64
		",\"irq_events\":%" PRIu64 ",\"guest_errors\":%" PRIu64
		",\"hypercalls\":%" PRIu64 "}\n", s->dma_ops, s->dma_bytes,
		s->dma_refused, s->config_accesses, s->irq_events,
		s->guest_errors, s->hypercalls);
}

void stats_write(const struct stats *s, FILE *f, const char *name, bool json)
{
	if (json)
		write_json(s, f, name);
	else
		write_text(s, f, name);
}

int stats_dump(struct stats *s, const char *name)
{
	if (!s->out)
		return -1;
	stats_write(s, s->out, name, s->json);
	return fflush(s->out) == 0 ? 0 : -1;
}

void stats_close(struct stats *s)
{
	if (s->out)
		fclose(s->out);
	s->out = NULL;
}
