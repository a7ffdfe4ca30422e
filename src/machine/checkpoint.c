/* CHECKPOINT: the guest's request, and the save at the end of the round
 * (checkpoint.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev/hostfs.h"
#include "dev/hypercall.h"
#include "machine/checkpoint.h"
#include "machine/machine.h"
#include "snapshot/snapshot.h"

int checkpoint_open_dir(struct machine *m)
{
	m->checkpoint_dirfd = -1;
	if (!m->cfg.checkpoint_dir)
		return 0;
	m->checkpoint_dirfd = hostfs_open_share(m->cfg.checkpoint_dir);
	if (m->checkpoint_dirfd < 0) {
		fprintf(stderr, "glass: --checkpoint-dir %s: %s\n",
			m->cfg.checkpoint_dir, strerror(errno));
		return -1;
	}
	return 0;
}

int checkpoint_request(struct machine *m, struct hypercall *hc,
		       unsigned channel, const char *name, uint64_t len,
		       bool exit_after)
{
	struct checkpoint_req *r = &m->checkpoint;

	if (m->checkpoint_dirfd < 0)
		return -HC_EACCES;
	int rc = hostfs_check_name(name, len);
	if (rc)
		return rc;
	if (len >= sizeof(r->name))
		return -HC_EINVAL;
	if (memchr(name, '/', len) || (len == 1 && name[0] == '.'))
		return -HC_EACCES;
	if (r->pending)
		return -HC_EBUSY;   /* another hart's, in the same round */
	memcpy(r->name, name, len);
	r->name[len] = 0;
	r->hc = hc;
	r->channel = channel;
	r->exit_after = exit_after;
	r->pending = true;
	for (unsigned i = 0; i < m->nharts; i++)
		hart_request_stop(&m->harts[i]);
	return 0;
}

void checkpoint_run(struct machine *m)
{
	struct checkpoint_req *r = &m->checkpoint;
	struct snapshot_stats st;
	char err[SNAPSHOT_ERR_LEN];

	if (!r->pending)
		return;
	r->pending = false;
	/* what a machine restored from the file reads: resumed */
	hypercall_set_result(r->hc, r->channel, 0, 1);
	int rc = snapshot_save_at(m, m->checkpoint_dirfd, r->name, &st, err,
				  sizeof(err));
	hypercall_set_result(r->hc, r->channel, rc < 0 ? -HC_EIO : 0, 0);
	console_flush(&m->console);
	if (rc < 0)
		fprintf(stderr, "glass: checkpoint %s: %s\n", r->name, err);
	else
		fprintf(stderr, "glass: checkpoint %s saved (%llu KiB, "
			"instruction %llu)\n", r->name,
			(unsigned long long)(st.bytes >> 10),
			(unsigned long long)m->icount);
	if (rc == 0 && r->exit_after) {
		machine_request_exit(m, 0);
		return;
	}
	if (m->exit_requested || m->reset_requested)
		return;
	for (unsigned i = 0; i < m->nharts; i++)
		hart_clear_stop(&m->harts[i]);
}
