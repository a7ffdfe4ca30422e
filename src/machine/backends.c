/* -drive and -netdev: QEMU's syntax, parsed here, opened by backend/. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "backend/netdev.h"
#include "cli/kv.h"
#include "machine/backends.h"
#include "machine/machine.h"
#include "machine/replay.h"

/* "file=disk.img,format=raw,if=virtio,readonly=on,id=d0" */
static int open_drive(struct machine *m, const char *spec, unsigned n)
{
	static const char *const known[] = { "file", "format", "if", "id",
					     "readonly", "media", "index",
					     "snapshot", NULL };
	struct backends *b = &m->backends;
	char file[4096] = "", id[BLOCKDEV_ID_LEN], val[16];
	const char *v;
	size_t len;
	bool ro = false, snap = m->cfg.snapshot;

	if (kv_check("-drive", spec, known) < 0)
		return -1;
	v = kv_find(spec, "file", &len);
	if (!v || !len || len >= sizeof(file)) {
		fprintf(stderr, "glass: -drive %s: needs file=IMAGE\n", spec);
		return -1;
	}
	memcpy(file, v, len);
#define VAL(key) ((v = kv_find(spec, key, &len)) && len < sizeof(val) ? \
		  (memcpy(val, v, len), val[len] = 0, val) : NULL)
	if (VAL("format") && strcmp(val, "raw")) {
		fprintf(stderr, "glass: -drive %s: format=%s: only format=raw "
			"is supported\n", spec, val);
		return -1;
	}
	if (VAL("media") && strcmp(val, "disk")) {
		fprintf(stderr, "glass: -drive %s: only media=disk\n", spec);
		return -1;
	}
	bool virtio = true;
	if (VAL("if")) {
		if (!strcmp(val, "none"))
			virtio = false;
		else if (strcmp(val, "virtio")) {
			fprintf(stderr, "glass: -drive %s: if=%s: glass has "
				"if=virtio and if=none\n", spec, val);
			return -1;
		}
	}
	if (VAL("readonly")) {
		if (!strcmp(val, "on") || !strcmp(val, "true") ||
		    !strcmp(val, "yes"))
			ro = true;
		else if (strcmp(val, "off") && strcmp(val, "false") &&
			 strcmp(val, "no")) {
			fprintf(stderr, "glass: -drive %s: readonly=%s: on or "
				"off\n", spec, val);
			return -1;
		}
	}
	/* snapshot=on|off: this drive's writes to a temporary overlay;
	 * -snapshot is the default for every drive, as in QEMU */
	if (VAL("snapshot")) {
		if (!strcmp(val, "on") || !strcmp(val, "true") ||
		    !strcmp(val, "yes"))
			snap = true;
		else if (!strcmp(val, "off") || !strcmp(val, "false") ||
			 !strcmp(val, "no"))
			snap = false;
		else {
			fprintf(stderr, "glass: -drive %s: snapshot=%s: on or "
				"off\n", spec, val);
			return -1;
		}
	}
	v = kv_find(spec, "id", &len);
	if (v && (!len || len >= sizeof(id))) {
		fprintf(stderr, "glass: -drive %s: bad id\n", spec);
		return -1;
	}
	if (v)
		snprintf(id, sizeof(id), "%.*s", (int)len, v);
	else
		snprintf(id, sizeof(id), "drive%u", n);
#undef VAL
	for (unsigned i = 0; i < b->ndrives; i++) {
		if (!strcmp(b->drives[i].id, id)) {
			fprintf(stderr, "glass: -drive %s: id=%s is used "
				"twice\n", spec, id);
			return -1;
		}
	}
	struct blockdev *d = &b->drives[b->ndrives];
	if (blockdev_open(d, id, file, (ro ? BLOCKDEV_READONLY : 0) |
			  (snap ? BLOCKDEV_SNAPSHOT : 0)) < 0) {
		blockdev_close(d);
		return -1;
	}
	b->drive_virtio[b->ndrives++] = virtio;
	return 0;
}

/* "user,id=n0[,hostfwd=tcp:127.0.0.1:8080-:80]..." (hostfwd repeats) */
static int open_netdev(struct machine *m, const char *spec)
{
	struct backends *b = &m->backends;
	const char *fwd[NETDEV_MAX_HOSTFWD];
	char buf[1024], id[NETDEV_ID_LEN] = "";
	unsigned nfwd = 0;

	if (strncmp(spec, "user", 4) || (spec[4] && spec[4] != ',')) {
		fprintf(stderr, "glass: -netdev %s: only 'user' networking "
			"(libslirp)\n", spec);
		return -1;
	}
	if (strlen(spec) >= sizeof(buf)) {
		fprintf(stderr, "glass: -netdev: too long\n");
		return -1;
	}
	strcpy(buf, spec);
	for (char *save, *kv = strtok_r(buf + 4, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		if (!strncmp(kv, "id=", 3) && kv[3] &&
		    strlen(kv + 3) < sizeof(id)) {
			strcpy(id, kv + 3);
		} else if (!strncmp(kv, "hostfwd=", 8) &&
			   nfwd < NETDEV_MAX_HOSTFWD) {
			fwd[nfwd++] = kv + 8;
		} else {
			fprintf(stderr, "glass: -netdev %s: unknown or bad "
				"'%s' (id=ID, hostfwd=tcp:ADDR:PORT-:PORT)\n",
				spec, kv);
			return -1;
		}
	}
	if (!*id) {
		fprintf(stderr, "glass: -netdev %s: needs id=ID\n", spec);
		return -1;
	}
	for (unsigned i = 0; i < b->nnetdevs; i++) {
		if (!strcmp(netdev_id(b->netdevs[i]), id)) {
			fprintf(stderr, "glass: -netdev %s: id=%s is used "
				"twice\n", spec, id);
			return -1;
		}
	}
	/* -icount: slirp's frames reach the guest only at the end of a
	 * round (where --record stamps them); --replay: no slirp at all */
	unsigned flags = (m->cfg.icount ? NETDEV_DEFERRED : 0) |
			 (m->cfg.replay ? NETDEV_OFFLINE : 0);
	struct netdev *nd = netdev_open(id, fwd, nfwd, &m->clock, flags);
	if (!nd)
		return -1;
	b->netdevs[b->nnetdevs++] = nd;
	return 0;
}

static void file_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct file_chardev *f = opaque;

	while (len) {
		ssize_t n = write(f->out_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the file is gone or full: drop it */
		buf += n;
		len -= (size_t)n;
	}
}

#define CHARDEV_INPUT_MAX (1u << 20)

/* "file,id=c0,path=OUT[,input-path=IN]" */
static int open_chardev(struct machine *m, const char *spec)
{
	static const char *const known[] = { "id", "path", "input-path", NULL };
	struct backends *b = &m->backends;
	struct file_chardev *f = &b->chardevs[b->nchardevs];
	char path[4096], in[4096];
	const char *v;
	size_t len;

	if (strncmp(spec, "file,", 5)) {
		fprintf(stderr, "glass: -chardev %s: only 'file' (file,id=ID,"
			"path=OUT[,input-path=IN])\n", spec);
		return -1;
	}
	spec += 5;
	if (kv_check("-chardev file", spec, known) < 0)
		return -1;
	v = kv_find(spec, "id", &len);
	if (!v || !len || len >= sizeof(f->id)) {
		fprintf(stderr, "glass: -chardev file,%s: needs id=ID\n", spec);
		return -1;
	}
	snprintf(f->id, sizeof(f->id), "%.*s", (int)len, v);
	if (!strcmp(f->id, "serial0") || backends_chardev(m, f->id)) {
		fprintf(stderr, "glass: -chardev file,%s: id=%s is taken\n",
			spec, f->id);
		return -1;
	}
	v = kv_find(spec, "path", &len);
	if (!v || !len || len >= sizeof(path)) {
		fprintf(stderr, "glass: -chardev file,%s: needs path=FILE\n",
			spec);
		return -1;
	}
	snprintf(path, sizeof(path), "%.*s", (int)len, v);
	f->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->out_fd < 0) {
		fprintf(stderr, "glass: -chardev file,%s: %s: %s\n", spec, path,
			strerror(errno));
		return -1;
	}
	v = kv_find(spec, "input-path", &len);
	if (v) {
		snprintf(in, sizeof(in), "%.*s", (int)len, v);
		FILE *fp = fopen(in, "rb");
		f->in = fp ? malloc(CHARDEV_INPUT_MAX) : NULL;
		if (!fp || !f->in) {
			fprintf(stderr, "glass: -chardev file,%s: %s: %s\n",
				spec, in, strerror(errno));
			if (fp)
				fclose(fp);
			close(f->out_fd);
			return -1;
		}
		f->in_len = fread(f->in, 1, CHARDEV_INPUT_MAX, fp);
		fclose(fp);
	}
	f->chr = (struct chardev){ .id = f->id, .write = file_write,
				   .opaque = f };
	b->nchardevs++;
	return 0;
}

struct chardev *backends_chardev(struct machine *m, const char *id)
{
	struct backends *b = &m->backends;

	for (unsigned i = 0; i < b->nchardevs; i++)
		if (!strcmp(b->chardevs[i].id, id))
			return &b->chardevs[i].chr;
	return NULL;
}

/* Feed -chardev input to the device as fast as it takes it (a replay
 * feeds what the recording has instead). */
static void pump_chardevs(struct machine *m)
{
	struct backends *b = &m->backends;

	if (replay_active(m))
		return;
	for (unsigned i = 0; i < b->nchardevs; i++) {
		struct file_chardev *f = &b->chardevs[i];
		size_t from = f->in_pos;
		while (f->in_pos < f->in_len && f->chr.can_receive &&
		       f->chr.can_receive(f->chr.fe))
			f->chr.receive(f->chr.fe, f->in[f->in_pos++]);
		if (f->in_pos > from)
			replay_record_chardev(m, i, f->in + from,
					      f->in_pos - from);
	}
}

void backends_net_deliver(struct machine *m)
{
	struct backends *b = &m->backends;
	uint8_t *frame;
	size_t len;

	for (unsigned i = 0; i < b->nnetdevs; i++) {
		while ((frame = netdev_inbox_pop(b->netdevs[i], &len))) {
			replay_record_net(m, i, frame, len);
			netdev_input(b->netdevs[i], frame, len);
			free(frame);
		}
	}
}

void backends_network_reset(struct machine *m)
{
	for (unsigned i = 0; i < m->backends.nnetdevs; i++)
		netdev_reset(m->backends.netdevs[i]);
}

int backends_open(struct machine *m)
{
	const struct machine_config *cfg = &m->cfg;

	for (unsigned i = 0; i < cfg->ndrives; i++)
		if (open_drive(m, cfg->drives[i], i) < 0)
			return -1;
	for (unsigned i = 0; i < cfg->nnetdevs; i++)
		if (open_netdev(m, cfg->netdevs[i]) < 0)
			return -1;
	for (unsigned i = 0; i < cfg->nchardevs; i++)
		if (open_chardev(m, cfg->chardevs[i]) < 0)
			return -1;
	return 0;
}

int backends_add_devices(struct machine *m)
{
	struct backends *b = &m->backends;
	char arg[96];

	for (unsigned i = 0; i < b->ndrives; i++) {
		if (!b->drive_virtio[i])
			continue;
		snprintf(arg, sizeof(arg), "virtio-blk-pci,drive=%s",
			 b->drives[i].id);
		if (machine_add_device(m, arg) < 0)
			return -1;
	}
	return 0;
}

void *backends_find(void *machine, const char *kind, const char *id)
{
	struct machine *m = machine;
	struct backends *b = &m->backends;

	if (!strcmp(kind, "drive")) {
		for (unsigned i = 0; i < b->ndrives; i++)
			if (!strcmp(b->drives[i].id, id))
				return &b->drives[i];
	}
	if (!strcmp(kind, "netdev")) {
		for (unsigned i = 0; i < b->nnetdevs; i++)
			if (!strcmp(netdev_id(b->netdevs[i]), id))
				return b->netdevs[i];
	}
	return NULL;
}

void backends_close(struct machine *m)
{
	struct backends *b = &m->backends;

	for (unsigned i = 0; i < b->ndrives; i++)
		blockdev_close(&b->drives[i]);
	b->ndrives = 0;
	for (unsigned i = 0; i < b->nnetdevs; i++)
		netdev_close(b->netdevs[i]);
	b->nnetdevs = 0;
	for (unsigned i = 0; i < b->nchardevs; i++) {
		close(b->chardevs[i].out_fd);
		free(b->chardevs[i].in);
	}
	b->nchardevs = 0;
}

/* The main loop's poller (machine/ioloop.h): slirp's sockets, and the
 * input of -chardev files. */
static void poll_fill(void *opaque, struct io_set *set, int *timeout_ms)
{
	struct machine *m = opaque;
	struct backends *b = &m->backends;

	for (unsigned i = 0; i < b->nnetdevs; i++) {
		b->poll_first[i] = (int)set->n;
		b->poll_count[i] = netdev_poll_fill(b->netdevs[i],
						    set->fds + set->n,
						    IO_SET_MAX - (int)set->n,
						    timeout_ms);
		set->n += (unsigned)b->poll_count[i];
	}
}

static void poll_dispatch(void *opaque, const struct io_set *set, bool ok)
{
	struct machine *m = opaque;
	struct backends *b = &m->backends;

	for (unsigned i = 0; i < b->nnetdevs; i++)
		netdev_poll_dispatch(b->netdevs[i],
				     (struct pollfd *)set->fds +
				     b->poll_first[i], b->poll_count[i], ok);
	pump_chardevs(m);
}

int backends_poller(struct machine *m)
{
	struct io_poller p = { poll_fill, poll_dispatch, m };

	if (!m->backends.nnetdevs && !m->backends.nchardevs)
		return 0;
	if (io_loop_add(&m->io, &p) < 0) {
		fprintf(stderr, "glass: too many host I/O pollers\n");
		return -1;
	}
	return 0;
}
