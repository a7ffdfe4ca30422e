/* The main loop's pollers (ioloop.h). */
#include <stdbool.h>

#include "machine/ioloop.h"

int io_set_add(struct io_set *s, int fd, short events)
{
	if (s->n == IO_SET_MAX || fd < 0)
		return -1;
	s->fds[s->n] = (struct pollfd){ .fd = fd, .events = events };
	return (int)s->n++;
}

short io_set_revents(const struct io_set *s, int idx)
{
	return idx >= 0 && (unsigned)idx < s->n ? s->fds[idx].revents : 0;
}

int io_loop_add(struct io_loop *l, const struct io_poller *p)
{
	if (l->n == IO_LOOP_MAX)
		return -1;
	l->p[l->n++] = *p;
	return 0;
}

void io_loop_remove(struct io_loop *l, void *opaque)
{
	for (unsigned i = 0; i < l->n; i++) {
		if (l->p[i].opaque != opaque)
			continue;
		for (unsigned j = i + 1; j < l->n; j++)
			l->p[j - 1] = l->p[j];
		l->n--;
		return;
	}
}
