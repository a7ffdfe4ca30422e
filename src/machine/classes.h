/* The device classes this machine knows, by name: what -device creates,
 * what -device help lists. Adding a device class is one row in
 * classes.c. */
#ifndef GLASS_MACHINE_CLASSES_H
#define GLASS_MACHINE_CLASSES_H

#include <stdio.h>

#include "glass/device.h"

/* The class -device NAME may create, or NULL after printing why (unknown,
 * or one of the board's own devices). */
const struct glass_device_class *machine_class_find(const char *name);

/* -device help: every class -device can create, plugin included. */
void machine_classes_print(FILE *out);

/* -device NAME,help (or plugin,path=FILE,help): the class's properties.
 * Returns 0, or -1 after printing why. */
int machine_class_help(const char *arg, FILE *out);

/* Every class, the board's too (for tests and the fuzzers): NULL-ended. */
extern const struct glass_device_class *const machine_classes[];

#endif
