/* The monitor (Ctrl-A c, or -monitor stdio): QEMU-style commands that
 * show the machine from outside: the address map, the PCI tree, a hart's
 * TLB and registers, memory; and switch trace categories at run time. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/riscv.h"
#include "gdb/gdb.h"
#include "machine/monitor.h"
#include "machine/virt.h"
#include "snapshot/snapshot.h"
#include "trace/trace.h"
#include "virtio/dev/classes.h"

static const char *kind_name(const struct region *r)
{
	return r->kind == REGION_RAM ? "ram" : r->kind == REGION_ROM ? "rom" : "i/o";
}

static int cmp_region(const void *a, const void *b)
{
	const struct region *x = *(const struct region *const *)a;
	const struct region *y = *(const struct region *const *)b;
	return x->base < y->base ? -1 : x->base > y->base;
}

static void info_mtree(struct machine *m, FILE *out)
{
	const struct region *sorted[AS_MAX_REGIONS];
	int n = m->as.nregions;

	for (int i = 0; i < n; i++)
		sorted[i] = &m->as.regions[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_region);
	fprintf(out, "address-space: memory (regions, by base)\n");
	for (int i = 0; i < n; i++) {
		const struct region *r = sorted[i];
		if (!r->enabled && !r->has_bus)
			continue;
		fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " (prio %d, %s): %s%s\n",
			r->base, r->base + r->size - 1, r->priority, kind_name(r),
			r->name, r->enabled ? "" : " [not decoding]");
	}
	fprintf(out, "flat view (what the CPU decodes):\n");
	for (int i = 0; i < m->as.nview; i++) {
		const struct flat_range *f = &m->as.view[i];
		fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " %s\n", f->start,
			f->end, f->r->name);
	}
}

static void info_pci(struct machine *m, FILE *out)
{
	static const char *const bar_kind[] = { "mem32", "io", "mem32", "io",
						"mem64", "io", "mem64", "io" };
	for (unsigned s = 0; s < PCI_MAX_SLOTS; s++) {
		const struct pci_func *f = m->pci.slots[s];
		if (!f)
			continue;
		uint16_t cmd = pci_get_word(f, PCI_COMMAND);
		unsigned pin = f->cfg[PCI_INTERRUPT_PIN];
		fprintf(out, "00:%02x.%x %s %04x:%04x class %06x command 0x%04x"
			"%s%s%s", s, 0, pci_func_name(f),
			pci_get_word(f, PCI_VENDOR_ID),
			pci_get_word(f, PCI_DEVICE_ID),
			pci_get_long(f, PCI_REVISION_ID) >> 8, cmd,
			cmd & PCI_COMMAND_IO ? " IO" : "",
			cmd & PCI_COMMAND_MEMORY ? " MEM" : "",
			cmd & PCI_COMMAND_MASTER ? " MASTER" : "");
		if (pin)
			fprintf(out, " INT%c -> PLIC %u%s", 'A' + pin - 1,
				VIRT_PCIE_IRQ + pci_swizzle(s, pin),
				f->intx_asserted ? " (asserted)" : "");
		fprintf(out, "\n");
		for (int n = 0; n <= PCI_ROM_SLOT; n++) {
			const struct pci_bar *b = &f->bars[n];
			if (!b->size)
				continue;
			fprintf(out, "    %s %s%s bus=0x%" PRIx64 " size=0x%" PRIx64,
				b->name, n == PCI_ROM_SLOT ? "rom" :
				bar_kind[b->type & 7],
				b->type & PCI_BAR_PREFETCH ? " prefetchable" : "",
				b->bus_addr, b->size);
			if (b->mapped)
				fprintf(out, " -> cpu=0x%" PRIx64 "\n", b->region->base);
			else
				fprintf(out, " [not decoding]\n");
		}
	}
	fprintf(out, "bridge windows (cpu -> bus):\n");
	for (int k = 0; k < 3; k++) {
		const struct pci_window *w = &m->pci.windows[k];
		fprintf(out, "    %-5s cpu 0x%" PRIx64 "-0x%" PRIx64 " -> bus 0x%"
			PRIx64 "\n", k == 0 ? "io" : k == 1 ? "mem32" : "mem64",
			w->cpu_base, w->cpu_base + w->size - 1, w->bus_base);
	}
	fprintf(out, "    dma   bus 0x%" PRIx64 "-0x%" PRIx64 " -> cpu 0x%" PRIx64
		"\n", m->pci.inbound.bus_base,
		m->pci.inbound.bus_base + m->pci.inbound.size - 1,
		m->pci.inbound.cpu_base);
}

/* QEMU's `info qtree`: the buses, and each device with its properties,
 * interrupt lines and regions. */
static void info_qtree(struct machine *m, FILE *out)
{
	fprintf(out, "bus: main-system-bus (platform)\n");
	for (const struct glass_device *d = m->devices; d; d = d->next)
		if (!d->pci)
			device_print_qtree(d, out);
	fprintf(out, "bus: pcie.0 (host bridge 00:00.0, ECAM 0x%llx)\n",
		(unsigned long long)m->pci.ecam_base);
	for (const struct glass_device *d = m->devices; d; d = d->next)
		if (d->pci)
			device_print_qtree(d, out);
}

/* Every virtio device: status, features, each queue's addresses,
 * indices, pending work and counters. */
static void info_virtio(struct machine *m, FILE *out)
{
	bool any = false;

	for (struct glass_device *d = m->devices; d; d = d->next) {
		struct virtio_dev *vd = virtio_of_device(d);
		if (!vd)
			continue;
		virtio_print_info(vd, out);
		any = true;
	}
	if (!any)
		fprintf(out, "no virtio devices\n");
}

static struct hart *pick_hart(struct machine *m, const char *arg, FILE *out)
{
	unsigned long n = arg && *arg ? strtoul(arg, NULL, 0) : 0;

	if (n >= m->nharts) {
		fprintf(out, "no hart %lu\n", n);
		return NULL;
	}
	return &m->harts[n];
}

/* What an entry does: RAM (host pointer, fast path), or I/O (every access
 * goes to the address space's choke point): a device, or for stores ROM
 * (writes dropped) and code pages (the first store releases the cached
 * decoded code). */
static const char *tlb_kind(struct machine *m, const struct hart_tlb_view *e)
{
	if (!e->io)
		return "RAM";
	const struct flat_range *f = as_lookup(&m->as, e->pa_page);
	if (f && f->r->kind == REGION_RAM)
		return "I/O(code)";
	if (f && f->r->kind == REGION_ROM)
		return "I/O(ROM)";
	return "I/O";
}

struct tlb_print {
	struct machine *m;
	FILE *out;
	const char *context;  /* the last context header printed */
};

static void tlb_entry(void *opaque, const struct hart_tlb_view *e)
{
	static const char *const pbmt[] = { "PMA", "NC", "IO", "rsvd" };
	struct tlb_print *p = opaque;

	if (p->context != e->context) {
		fprintf(p->out, " context %s%s:\n", e->context,
			e->current ? " (current)" : "");
		p->context = e->context;
	}
	fprintf(p->out, "  %-5s va=%016" PRIx64 " -> pa=%016" PRIx64
		" %s pte=0x%" PRIx64 " pbmt=%s\n", e->kind, e->va, e->pa_page,
		tlb_kind(p->m, e), e->pte, pbmt[(e->pte >> 61) & 3]);
}

static void info_tlb(struct machine *m, const char *arg, FILE *out)
{
	struct hart *h = pick_hart(m, arg, out);
	struct hart_counters c;
	struct tlb_print p = { m, out, NULL };

	if (!h)
		return;
	hart_get_counters(h, &c);
	fprintf(out, "hart %" PRIu64 " TLB (hits %" PRIu64 ", misses %" PRIu64
		", walks %" PRIu64 "):\n", hart_get_id(h), c.tlb_hits,
		c.tlb_misses, c.tlb_walks);
	hart_tlb_foreach(h, tlb_entry, &p);
}

static uint64_t csr(struct hart *h, unsigned n)
{
	uint64_t v = 0;

	hart_csr_peek(h, n, &v);
	return v;
}

static void info_registers(struct machine *m, const char *arg, FILE *out)
{
	static const char *const abi[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
		"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3",
		"s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
		"t5", "t6",
	};
	struct hart *h = pick_hart(m, arg, out);
	struct hart_counters c;

	if (!h)
		return;
	hart_get_counters(h, &c);
	fprintf(out, "hart %" PRIu64 " pc %016" PRIx64 " priv %c%s\n",
		hart_get_id(h), hart_get_pc(h), trace_priv_letter(hart_get_priv(h)),
		hart_is_sleeping(h) ? " (wfi)" : "");
	for (unsigned i = 0; i < 32; i++)
		fprintf(out, "%-4s %016" PRIx64 "%s", abi[i], hart_get_gpr(h, i),
			i % 4 == 3 ? "\n" : "  ");
	fprintf(out, "mstatus %016" PRIx64 " mip %016" PRIx64 " mie %016" PRIx64
		"\nsatp    %016" PRIx64 " mepc %016" PRIx64 " sepc %016" PRIx64
		"\nmcause  %016" PRIx64 " scause %016" PRIx64 " instret %" PRIu64
		"\n", csr(h, CSR_MSTATUS), csr(h, CSR_MIP), csr(h, CSR_MIE),
		csr(h, CSR_SATP), csr(h, CSR_MEPC), csr(h, CSR_SEPC),
		csr(h, CSR_MCAUSE), csr(h, CSR_SCAUSE), c.instret);
}

/* x / xp [/N] ADDR: N 8-byte words of virtual (hart 0's view) or physical
 * memory. Device addresses are not read: reading has side effects. */
static void examine(struct machine *m, char *args, bool virt, FILE *out)
{
	unsigned long count = 4;
	char *tok = strtok(args, " ");

	if (tok && tok[0] == '/') {
		count = strtoul(tok + 1, NULL, 0);
		tok = strtok(NULL, " ");
	}
	if (!tok) {
		fprintf(out, "usage: %s [/N] ADDR\n", virt ? "x" : "xp");
		return;
	}
	if (count == 0 || count > 512)
		count = 4;
	uint64_t addr = strtoull(tok, NULL, 0);
	for (unsigned long i = 0; i < count; i++) {
		uint64_t a = addr + 8 * i, pa = a, pte = 0, v;
		if (virt && !hart_translate_debug(&m->harts[0], a, &pa, &pte)) {
			fprintf(out, "%016" PRIx64 ": no translation\n", a);
			return;
		}
		const uint8_t *p = as_host_ptr(&m->as, pa, 8, false);
		if (!p) {
			fprintf(out, "%016" PRIx64 ": not RAM or ROM (pa 0x%" PRIx64
				"): not read\n", a, pa);
			return;
		}
		memcpy(&v, p, 8);
		fprintf(out, "%016" PRIx64 ": 0x%016" PRIx64 "\n", a, v);
	}
}

static void trace_cmd(struct machine *m, char *args, FILE *out)
{
	char *onoff = strtok(args, " ");
	char *cats = strtok(NULL, " ");
	uint32_t mask;

	if (!onoff || !cats || (strcmp(onoff, "on") && strcmp(onoff, "off"))) {
		fprintf(out, "usage: trace on|off CATEGORIES\n");
		return;
	}
	if (trace_parse_categories(cats, &mask) < 0)
		return;
	tracer_set(&m->tracer, mask, !strcmp(onoff, "on"));
	fprintf(out, "trace %s %s\n", onoff, cats);
}

/* gdbserver [DEV|none]: QEMU's command, on loopback by default. */
static void gdbserver_cmd(struct machine *m, char *args, FILE *out)
{
	char *dev = strtok(args, " ");

	if (dev && !strcmp(dev, "none")) {
		gdb_stop_server(m);
		fprintf(out, "Disabled gdbserver\n");
		return;
	}
	if (!dev)
		dev = "tcp:127.0.0.1:1234";
	if (gdb_start(m, dev, out) == 0)
		fprintf(out, "Waiting for gdb connection on device '%s'\n", dev);
}

/* stop / cont: the whole machine, as a debugger stops it */
static void run_cmd(struct machine *m, bool pause)
{
	if (m->gdb)
		gdb_pause(m->gdb, pause);
	else
		machine_pause(m, pause);
}

/* savevm FILE / loadvm FILE: between rounds, where the run loop calls the
 * monitor, so the machine is never in the middle of an instruction. */
static void snapshot_cmd(struct machine *m, bool save, char *args, FILE *out)
{
	char *file = strtok(args, " ");
	char err[SNAPSHOT_ERR_LEN];
	struct snapshot_stats st;

	if (!file) {
		fprintf(out, "usage: %s FILE\n", save ? "savevm" : "loadvm");
		return;
	}
	if (!save) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (snapshot_load(m, file, err, sizeof(err)) < 0) {
			fprintf(out, "loadvm %s: %s\n", file, err);
			return;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(out, "loaded %s: %.1f ms\n", file,
			(t1.tv_sec - t0.tv_sec) * 1e3 +
			(t1.tv_nsec - t0.tv_nsec) / 1e6);
		return;
	}
	if (snapshot_save(m, file, &st, err, sizeof(err)) < 0) {
		fprintf(out, "savevm %s: %s\n", file, err);
		return;
	}
	fprintf(out, "saved %s: %" PRIu64 " KiB, %" PRIu64 " of %" PRIu64
		" RAM pages stored, %.1f ms\n", file, st.bytes >> 10,
		st.stored_pages, st.ram_pages, st.ns / 1e6);
}

static const char help_text[] =
	"info mtree           the physical address map, with live BAR mappings\n"
	"info pci             PCI functions, BARs, command bits, bus addresses\n"
	"info qtree           every device: bus, properties, lines, regions\n"
	"info tlb [HART]      a hart's cached translations with their I/O tags\n"
	"info virtio          virtio devices: features, status, queues, counters\n"
	"info registers [HART] integer registers and key CSRs\n"
	"info gdb             the gdbserver, its points, the last watched access\n"
	"trace on|off CATS    switch trace categories (mmio,pci-config,...)\n"
	"x [/N] VADDR         N 8-byte words at a virtual address (hart 0)\n"
	"xp [/N] PADDR        N 8-byte words at a physical address\n"
	"stop, cont (c)       stop the harts and the clock, or let them run\n"
	"gdbserver [DEV|none] wait for GDB on DEV (default tcp:127.0.0.1:1234)\n"
	"watch PADDR [LEN] [r|w|rw]  stop the machine at that physical access\n"
	"unwatch PADDR|all    remove watch's watchpoints\n"
	"savevm FILE          save the whole machine to FILE (a snapshot)\n"
	"loadvm FILE          restore the machine from a snapshot FILE\n"
	"quit                 exit glass\n";

bool monitor_command(struct machine *m, const char *line, FILE *out)
{
	char buf[256];
	char *rest;

	snprintf(buf, sizeof(buf), "%s", line);
	char *cmd = strtok_r(buf, " ", &rest);
	if (!cmd)
		return false;
	if (!strcmp(cmd, "quit") || !strcmp(cmd, "q"))
		return true;
	if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
		fputs(help_text, out);
	} else if (!strcmp(cmd, "info")) {
		char *what = strtok_r(NULL, " ", &rest);
		char *arg = strtok_r(NULL, " ", &rest);
		if (what && !strcmp(what, "mtree"))
			info_mtree(m, out);
		else if (what && !strcmp(what, "pci"))
			info_pci(m, out);
		else if (what && !strcmp(what, "qtree"))
			info_qtree(m, out);
		else if (what && !strcmp(what, "tlb"))
			info_tlb(m, arg, out);
		else if (what && !strcmp(what, "registers"))
			info_registers(m, arg, out);
		else if (what && !strcmp(what, "virtio"))
			info_virtio(m, out);
		else if (what && !strcmp(what, "gdb") && m->gdb)
			gdb_info(m->gdb, out);
		else if (what && !strcmp(what, "gdb"))
			fprintf(out, "no gdbserver (gdbserver starts one)\n");
		else
			fprintf(out, "info mtree|pci|qtree|tlb|registers|virtio|"
				"gdb\n");
	} else if (!strcmp(cmd, "trace")) {
		trace_cmd(m, rest, out);
	} else if (!strcmp(cmd, "savevm") || !strcmp(cmd, "loadvm")) {
		snapshot_cmd(m, cmd[0] == 's', rest, out);
	} else if (!strcmp(cmd, "x") || !strcmp(cmd, "xp")) {
		examine(m, rest, cmd[1] == 0, out);
	} else if (!strcmp(cmd, "gdbserver")) {
		gdbserver_cmd(m, rest, out);
	} else if (!strcmp(cmd, "watch")) {
		gdb_watch(m, rest, out);
	} else if (!strcmp(cmd, "unwatch")) {
		gdb_unwatch(m, rest, out);
	} else if (!strcmp(cmd, "stop") || !strcmp(cmd, "cont") ||
		   !strcmp(cmd, "c")) {
		run_cmd(m, !strcmp(cmd, "stop"));
	} else {
		fprintf(out, "unknown command '%s' (try help)\n", cmd);
	}
	return false;
}
