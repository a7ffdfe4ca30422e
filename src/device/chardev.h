/* Character backends (QEMU's chardevs): where a serial device's bytes go,
 * and where the bytes it receives come from. The machine's console is
 * the backend "serial0"; a device finds its backend by id through
 * device_chardev(). Internal to glass (not part of the plugin ABI). */
#ifndef GLASS_DEVICE_CHARDEV_H
#define GLASS_DEVICE_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct glass_device;

struct chardev {
	const char *id;
	/* device -> host */
	void (*write)(void *opaque, const uint8_t *buf, size_t len);
	void *opaque;
	/* host -> device: set by the device that attaches (its frontend) */
	bool (*can_receive)(void *fe);
	void (*receive)(void *fe, uint8_t byte);
	void *fe;
};

/* The backend a device's `chardev` property names (or `def` when it is
 * not given); NULL after glass_error() when there is none, or when
 * another device has it already. Realize only. */
struct chardev *device_chardev(struct glass_device *d, const char *def);

/* Attach a frontend (the device's receive side). */
static inline void chardev_attach(struct chardev *c,
				  bool (*can_receive)(void *fe),
				  void (*receive)(void *fe, uint8_t byte),
				  void *fe)
{
	c->can_receive = can_receive;
	c->receive = receive;
	c->fe = fe;
}

static inline void chardev_write(struct chardev *c, const uint8_t *buf,
				 size_t len)
{
	if (c && c->write)
		c->write(c->opaque, buf, len);
}

#endif
