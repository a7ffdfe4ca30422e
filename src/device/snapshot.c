/* A device in a machine snapshot: its state struct (the first state_size
 * bytes of the instance), its timers, the levels it drives its interrupt
 * lines to, and its PCI configuration space. Loading is split so that a
 * machine restore can check everything before it changes anything, and
 * undo the one step that can still fail (the class's post_load). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/device.h"
#include "device/internal.h"
#include "pci/host.h"

static unsigned nlines(const struct glass_device *d)
{
	return d->pci ? 1 : d->place.nirqs;
}

void device_get_saved(const struct glass_device *d, struct device_saved *s)
{
	memset(s, 0, sizeof(*s));
	s->state = d->self;
	s->state_size = d->cls->state_size;
	s->state_version = d->cls->state_version;
	s->ntimers = d->ntimers;
	for (unsigned i = 0; i < d->ntimers; i++) {
		s->timers[i].armed = d->timers[i]->vt.armed;
		s->timers[i].deadline = d->timers[i]->vt.deadline;
	}
	s->nirqs = nlines(d);
	for (unsigned i = 0; i < s->nirqs; i++)
		s->irq_level[i] = (uint8_t)d->irq_level[i];
	if (d->pci) {
		s->pci_cfg = d->pci->cfg;
		s->intx_level = d->pci->intx_level;
	}
}

/* Bits of the type 0 header that nobody writes (identity, BAR types,
 * the capability pointer, the pin) must be what this device has: a
 * snapshot that says otherwise is of another device, or forged. The
 * status register's interrupt bit follows the device and is not one. */
static const char *check_pci_header(const struct pci_func *f,
				    const uint8_t *cfg)
{
	for (unsigned i = 0; i < 0x40; i++) {
		uint8_t fixed = (uint8_t)~(f->wmask[i] | f->w1cmask[i]);
		if (i == PCI_STATUS)
			fixed &= (uint8_t)~PCI_STATUS_INTERRUPT;
		if ((cfg[i] ^ f->cfg[i]) & fixed)
			return "its PCI configuration header differs in "
			       "read-only bits (another device?)";
	}
	return NULL;
}

const char *device_check_saved(const struct glass_device *d,
			       const struct device_saved *s)
{
	if (s->state_version != d->cls->state_version)
		return "its state is of another version of the device";
	if (s->state_size != d->cls->state_size)
		return "its state has another size";
	if (s->ntimers != d->ntimers)
		return "it has another number of timers";
	if (s->nirqs != nlines(d))
		return "it has another number of interrupt lines";
	for (unsigned i = 0; i < s->nirqs; i++)
		if (s->irq_level[i] > 1)
			return "an interrupt line level is neither 0 nor 1";
	for (unsigned i = 0; i < s->ntimers; i++)
		if (s->timers[i].armed > 1)
			return "a timer is neither armed nor disarmed";
	if (!d->pci != !s->pci_cfg)
		return "it is on another bus";
	if (d->pci && s->intx_level > 1)
		return "its INTx level is neither 0 nor 1";
	return d->pci ? check_pci_header(d->pci, s->pci_cfg) : NULL;
}

void *device_load_state(struct glass_device *d, const struct device_saved *s,
			char *err, size_t errlen)
{
	size_t n = d->cls->state_size;
	void *backup = malloc(n ? n : 1);

	snprintf(err, errlen, "out of memory");
	if (!backup)
		return NULL;
	memcpy(backup, d->self, n);
	memcpy(d->self, s->state, n);
	snprintf(err, errlen, "its model refused the saved state");
	d->error_buf = err;
	d->error_len = errlen;
	int rc = d->cls->post_load ? d->cls->post_load(d->self) : 0;
	d->error_buf = NULL;
	if (rc < 0) {
		device_unload_state(d, backup);
		return NULL;
	}
	return backup;
}

void device_unload_state(struct glass_device *d, void *backup)
{
	memcpy(d->self, backup, d->cls->state_size);
	if (d->cls->post_load)
		(void)d->cls->post_load(d->self); /* it was valid before */
	free(backup);
}

void device_commit_saved(struct glass_device *d, const struct device_saved *s)
{
	for (unsigned i = 0; i < d->ntimers; i++) {
		struct vtimer *t = &d->timers[i]->vt;
		t->armed = s->timers[i].armed;
		t->deadline = s->timers[i].deadline;
	}
	/* the levels only: whoever the lines reach (PLIC, harts) is restored
	 * from the same snapshot, with these levels already in it */
	for (unsigned i = 0; i < s->nirqs; i++)
		d->irq_level[i] = s->irq_level[i];
	if (d->pci) {
		memcpy(d->pci->cfg, s->pci_cfg, PCI_CONFIG_SIZE);
		d->pci->intx_level = s->intx_level;
		if (d->pci->host)
			pci_host_update_mappings(d->pci->host, d->pci);
	}
}
