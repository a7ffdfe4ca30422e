/* Shared between the files of the device framework (src/device);
 * nothing outside src/device includes this. */
#ifndef GLASS_DEVICE_INTERNAL_H
#define GLASS_DEVICE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "device/device.h"

/* The "-device edu" the device's errors start with. */
const char *device_what(const struct glass_device *d);

/* A call across the ABI that glass refused (a model bug): counted, and a
 * guest-error event, never undefined behaviour. */
void device_abi_error(struct glass_device *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Properties (props.c). */
int props_parse(struct glass_device *d, const char *text);
void props_free(struct glass_device *d);
/* The text of a property (given or defaulted), or NULL. */
const char *prop_text(const struct glass_device *d, const char *name);
int prop_parse_uint(const char *s, uint64_t *v);
int prop_parse_bool(const char *s, bool *v);

/* PCI functions of framework devices (pci_glue.c). */
int device_pci_init(struct glass_device *d);
int device_pci_plug(struct glass_device *d);

#endif
