/* What a device model may ask of glass at run time (include/glass/device.h):
 * interrupt lines, DMA, virtual time and timers, guest-error reports,
 * log lines and machine requests. Every call is checked as far as its
 * arguments can be: a call the ABI does not allow (a line the device does
 * not have, a timer created outside realize, DMA outside RAM, a NULL
 * buffer) is refused and reported, never undefined behaviour in glass.
 * Handles (struct glass_timer *) are trusted to be ones glass gave the
 * device: a plugin that forges one is a plugin that corrupts memory
 * (docs/devices.md, "what a plugin can still break"). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "device/chardev.h"
#include "device/device.h"
#include "device/internal.h"
#include "mem/address_space.h"
#include "pci/host.h"

const struct glass_reg *glass_reg_find(const struct glass_reg *table,
				       uint64_t offset)
{
	return reg_find(table, offset);
}

const char *glass_device_id(const struct glass_device *d)
{
	return d->id;
}

static void emit_device_error(struct glass_device *d, const char *why)
{
	struct event_sink *sink = d->env->sink;

	if (!ev_on(sink, EV_GUEST_ERROR))
		return;
	struct bus_event e = {
		.kind = EVK_DEVICE_ERROR,
		.deverr = { .devfn = d->pci ? d->pci->devfn : -1,
			    .device = d->id, .why = why },
	};
	sink->emit(sink->opaque, &e);
}

static void report(struct glass_device *d, const char *prefix,
		   const char *fmt, va_list ap)
{
	char buf[200];
	size_t n = strlen(prefix);

	memcpy(buf, prefix, n + 1);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	emit_device_error(d, buf);
}

void glass_guest_error(struct glass_device *d, const char *fmt, ...)
{
	va_list ap;

	d->guest_errors++;
	if (!ev_on(d->env->sink, EV_GUEST_ERROR))
		return;
	va_start(ap, fmt);
	report(d, "", fmt, ap);
	va_end(ap);
}

void device_abi_error(struct glass_device *d, const char *fmt, ...)
{
	va_list ap;

	d->abi_errors++;
	if (!ev_on(d->env->sink, EV_GUEST_ERROR))
		return;
	va_start(ap, fmt);
	report(d, "device model bug: ", fmt, ap);
	va_end(ap);
}

void glass_error(struct glass_device *d, const char *fmt, ...)
{
	va_list ap;

	if (d->error_buf) {
		va_start(ap, fmt);
		vsnprintf(d->error_buf, d->error_len, fmt, ap);
		va_end(ap);
		return;
	}
	fprintf(stderr, "glass: %s: ", device_what(d));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void glass_log(struct glass_device *d, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (d->env->log)
		d->env->log(d->env->opaque, d->id, buf);
	else
		fprintf(stderr, "glass: %s: %s\n", d->id, buf);
}

void glass_irq_set(struct glass_device *d, unsigned n, int level)
{
	level = !!level;
	if (d->pci) {
		if (n != 0 || !d->cls->pci.pin) {
			device_abi_error(d, "interrupt line %u does not exist", n);
			return;
		}
		d->irq_level[0] = level;
		pci_set_irq(d->pci, level);
		return;
	}
	if (n >= d->place.nirqs) {
		device_abi_error(d, "interrupt line %u does not exist", n);
		return;
	}
	d->irq_level[n] = level;
	irq_set(&d->place.irqs[n], level);
}

/* A transfer the framework decides on, reported like a PCI function's:
 * a dma event, or when it is refused and dma is off, a guest error. */
static void dma_report(struct glass_device *d, uint64_t addr, size_t len,
		       bool write, const char *why)
{
	struct event_sink *sink = d->env->sink;
	int devfn = d->pci ? d->pci->devfn : -1;

	if (ev_on(sink, EV_DMA)) {
		struct bus_event e = {
			.kind = EVK_DMA,
			.dma = { .devfn = devfn, .device = d->id,
				 .write = write, .ok = !why, .bus = addr,
				 .pa = d->pci ? 0 : addr, .len = len,
				 .why = why },
		};
		sink->emit(sink->opaque, &e);
	} else if (why && ev_on(sink, EV_GUEST_ERROR)) {
		struct bus_event e = {
			.kind = EVK_DEVICE_ERROR,
			.deverr = { .devfn = devfn, .device = d->id,
				    .why = why, .bus = addr, .len = len },
		};
		sink->emit(sink->opaque, &e);
	}
}

/* A platform device's DMA (physical addresses, RAM only): whether the
 * range is RAM. */
static bool platform_dma_ok(struct glass_device *d, uint64_t addr,
			    size_t len, bool write)
{
	const char *why = !len || as_is_ram(d->env->as, addr, len) ?
			  NULL : "refused: not guest RAM";

	dma_report(d, addr, len, write, why);
	return !why;
}

/* A PCI function's DMA before it is on the bus (from realize): there is
 * no bus to master yet. */
static bool on_bus(struct glass_device *d, uint64_t addr, size_t len,
		   bool write)
{
	if (d->pci->host)
		return true;
	dma_report(d, addr, len, write, "refused: not on the bus yet");
	return false;
}

static int platform_dma(struct glass_device *d, uint64_t addr, void *rbuf,
			const void *wbuf, size_t len)
{
	struct address_space *as = d->env->as;

	if (!platform_dma_ok(d, addr, len, !rbuf))
		return -1;
	if (rbuf)
		return as_dma_read(as, addr, rbuf, len) == MEM_OK ? 0 : -1;
	return as_dma_write(as, addr, wbuf, len) == MEM_OK ? 0 : -1;
}

int glass_dma_read(struct glass_device *d, uint64_t addr, void *buf,
		   size_t len)
{
	if (!buf && len) {
		device_abi_error(d, "DMA read into a NULL buffer");
		return -1;
	}
	if (d->pci)
		return on_bus(d, addr, len, false) ?
		       pci_dma_read(d->pci, addr, buf, len) : -1;
	return platform_dma(d, addr, buf, NULL, len);
}

int glass_dma_write(struct glass_device *d, uint64_t addr, const void *buf,
		    size_t len)
{
	if (!buf && len) {
		device_abi_error(d, "DMA write from a NULL buffer");
		return -1;
	}
	if (d->pci)
		return on_bus(d, addr, len, true) ?
		       pci_dma_write(d->pci, addr, buf, len) : -1;
	return platform_dma(d, addr, NULL, buf, len);
}

void *glass_dma_map(struct glass_device *d, uint64_t addr, size_t len,
		    bool write)
{
	uint64_t cpu = addr;

	if (!len)
		return NULL;
	if (d->pci ? !on_bus(d, addr, len, write) ||
		     pci_dma_check(d->pci, addr, len, write, &cpu) < 0 :
		     !platform_dma_ok(d, addr, len, write))
		return NULL;
	return as_host_ptr(d->env->as, cpu, len, write);
}

uint64_t glass_clock_ns(struct glass_device *d)
{
	return vclock_ns(d->env->clock);
}

static void timer_fire(void *opaque)
{
	struct glass_timer *t = opaque;

	t->fire(t->opaque);
}

struct glass_timer *glass_timer_new(struct glass_device *d,
				    void (*fire)(void *opaque), void *opaque)
{
	if (!d->realizing) {
		device_abi_error(d, "timer created outside realize");
		return NULL;
	}
	if (!fire || d->ntimers == DEVICE_MAX_TIMERS) {
		device_abi_error(d, "no room for another timer");
		return NULL;
	}
	struct glass_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (vclock_add(d->env->clock, &t->vt, timer_fire, t) < 0) {
		free(t);
		device_abi_error(d, "the machine has no room for another timer");
		return NULL;
	}
	t->dev = d;
	t->fire = fire;
	t->opaque = opaque;
	d->timers[d->ntimers++] = t;
	return t;
}

void glass_timer_arm(struct glass_timer *t, uint64_t when_ns)
{
	if (t)
		vtimer_arm(&t->vt, when_ns);
}

void glass_timer_cancel(struct glass_timer *t)
{
	if (t)
		vtimer_cancel(&t->vt);
}

bool glass_timer_armed(const struct glass_timer *t)
{
	return t && t->vt.armed;
}

void glass_machine_request(struct glass_device *d, enum glass_request req,
			   int code)
{
	if (req != GLASS_REQUEST_POWEROFF && req != GLASS_REQUEST_RESET &&
	    req != GLASS_REQUEST_EXIT) {
		device_abi_error(d, "unknown machine request %d", (int)req);
		return;
	}
	/* an exit asked for is a failure: code 0 (or one no exit status can
	 * carry) must not read as success */
	if (req == GLASS_REQUEST_EXIT && (code < 1 || code > 255)) {
		device_abi_error(d, "exit code %d is not 1..255", code);
		code = code < 1 ? 1 : 255;
	}
	if (d->env->request)
		d->env->request(d->env->opaque, req, code);
}

struct chardev *device_chardev(struct glass_device *d, const char *def)
{
	const char *id = NULL;

	glass_prop_string(d, "chardev", &id);
	if (!id)
		id = def;
	struct chardev *c = id && d->env->chardev ?
			    d->env->chardev(d->env->opaque, id) : NULL;
	if (!c) {
		glass_error(d, "no character backend '%s'", id ? id : "");
		return NULL;
	}
	if (c->fe) {
		glass_error(d, "character backend '%s' is taken", id);
		return NULL;
	}
	return c;
}
