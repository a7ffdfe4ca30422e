/* -drive and -netdev: QEMU's syntax, parsed here, opened by backend/. */
#include <stdio.h>
#include <string.h>

#include "cli/kv.h"
#include "machine/backends.h"
#include "machine/machine.h"

/* "file=disk.img,format=raw,if=virtio,readonly=on,id=d0" */
static int open_drive(struct machine *m, const char *spec, unsigned n)
{
	static const char *const known[] = { "file", "format", "if", "id",
					     "readonly", "media", "index",
					     NULL };
	struct backends *b = &m->backends;
	char file[4096] = "", id[BLOCKDEV_ID_LEN], val[16];
	const char *v;
	size_t len;
	bool ro = false;

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
			fprintf(stderr, "glass: -drive %s: id=%s is used twice\n",
				spec, id);
			return -1;
		}
	}
	struct blockdev *d = &b->drives[b->ndrives];
	if (blockdev_open(d, id, file, ro) < 0) {
		blockdev_close(d);
		return -1;
	}
	b->drive_virtio[b->ndrives++] = virtio;
	return 0;
}

int backends_open(struct machine *m)
{
	const struct machine_config *cfg = &m->cfg;

	for (unsigned i = 0; i < cfg->ndrives; i++)
		if (open_drive(m, cfg->drives[i], i) < 0)
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
	return NULL;
}

void backends_close(struct machine *m)
{
	struct backends *b = &m->backends;

	for (unsigned i = 0; i < b->ndrives; i++)
		blockdev_close(&b->drives[i]);
	b->ndrives = 0;
}
