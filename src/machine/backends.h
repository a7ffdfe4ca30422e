/* The machine's host backends: disk images (-drive) and networks
 * (-netdev), opened before the devices that use them and found by id
 * (device_env.backend). */
#ifndef GLASS_MACHINE_BACKENDS_H
#define GLASS_MACHINE_BACKENDS_H

#include "backend/block.h"
#include "device/chardev.h"

#define MAX_DRIVES 8
#define MAX_NETDEVS 4
#define MAX_CHARDEVS 4

struct netdev;
struct machine;

/* -chardev file,id=ID,path=OUT[,input-path=IN]: output appended to OUT,
 * IN's bytes fed to the device as it takes them. */
struct file_chardev {
	struct chardev chr;
	char id[32];
	int out_fd;
	uint8_t *in;
	size_t in_len, in_pos;
};

struct backends {
	struct blockdev drives[MAX_DRIVES];
	unsigned ndrives;
	bool drive_virtio[MAX_DRIVES];   /* if=virtio: gets a device */
	struct netdev *netdevs[MAX_NETDEVS];
	unsigned nnetdevs;
	int poll_first[MAX_NETDEVS], poll_count[MAX_NETDEVS];
	struct file_chardev chardevs[MAX_CHARDEVS];
	unsigned nchardevs;
};

/* Open every -drive and -netdev of the configuration. 0, or -1 after
 * printing one line. */
int backends_open(struct machine *m);
/* The devices -drive if=virtio asks for (after the -device ones). */
int backends_add_devices(struct machine *m);
/* A -chardev by id, or NULL. */
struct chardev *backends_chardev(struct machine *m, const char *id);
/* device_env.backend */
void *backends_find(void *machine, const char *kind, const char *id);
void backends_close(struct machine *m);

/* -icount: hand the frames slirp made for the guest since the last
 * call to the devices (recorded under --record). The end of a round. */
void backends_net_deliver(struct machine *m);
/* Every -netdev as after a cable pull (netdev_reset): a restore. */
void backends_network_reset(struct machine *m);

/* Register the backends' host I/O (slirp's sockets, -chardev input)
 * with the machine's main loop. 0 or -1 (printed). */
int backends_poller(struct machine *m);

#endif
