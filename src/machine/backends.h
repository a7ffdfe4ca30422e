/* The machine's host backends: disk images (-drive) and networks
 * (-netdev), opened before the devices that use them and found by id
 * (device_env.backend). */
#ifndef GLASS_MACHINE_BACKENDS_H
#define GLASS_MACHINE_BACKENDS_H

#include "backend/block.h"

#define MAX_DRIVES 8
#define MAX_NETDEVS 4

struct netdev;
struct machine;

struct backends {
	struct blockdev drives[MAX_DRIVES];
	unsigned ndrives;
	bool drive_virtio[MAX_DRIVES];   /* if=virtio: gets a device */
	struct netdev *netdevs[MAX_NETDEVS];
	unsigned nnetdevs;
};

/* Open every -drive and -netdev of the configuration. 0, or -1 after
 * printing one line. */
int backends_open(struct machine *m);
/* The devices -drive if=virtio asks for (after the -device ones). */
int backends_add_devices(struct machine *m);
/* device_env.backend */
void *backends_find(void *machine, const char *kind, const char *id);
void backends_close(struct machine *m);

#endif
