/* Serial console on the host terminal. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "machine/console.h"

#define CTRL_A 0x01

/* Termination signals arrive as data on a signalfd that the run loop
 * polls with the console, so glass always stops cleanly (terminal
 * restored, files flushed) without a signal handler or global state. */
static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

void console_open(struct console *c, int in_fd, int out_fd)
{
	memset(c, 0, sizeof(*c));
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->sig_fd = in_fd >= 0 ? open_signals() : -1;
	if (in_fd >= 0 && isatty(in_fd) && tcgetattr(in_fd, &c->saved) == 0) {
		struct termios t = c->saved;
		/* raw input so the guest sees every key, Ctrl-C included;
		 * output post-processing stays on so \n still returns */
		t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR |
			       IGNCR | ICRNL | IXON);
		t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
		t.c_cflag |= CS8;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		if (tcsetattr(in_fd, TCSANOW, &t) == 0)
			c->raw = true;
	}
}

void console_close(struct console *c)
{
	console_flush(c);
	if (c->raw) {
		tcsetattr(c->in_fd, TCSANOW, &c->saved);
		c->raw = false;
	}
	if (c->sig_fd >= 0)
		close(c->sig_fd);
	c->sig_fd = -1;
}

void console_flush(struct console *c)
{
	size_t done = 0;

	while (done < c->out_len) {
		ssize_t n = write(c->out_fd, c->out + done, c->out_len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* output gone (closed pipe): drop it */
		done += n;
	}
	c->out_len = 0;
}

void console_putc(struct console *c, uint8_t byte)
{
	if (c->out_len == sizeof(c->out))
		console_flush(c);
	c->out[c->out_len++] = byte;
}

static void put_str(struct console *c, const char *s)
{
	console_flush(c);
	if (write(c->out_fd, s, strlen(s)) < 0)
		return;
}

static void help(struct console *c)
{
	put_str(c, "\r\nC-a h    print this help\r\n"
		   "C-a x    exit glass\r\n"
		   "C-a c    switch between the serial console and the monitor\r\n"
		   "C-a C-a  send C-a to the guest\r\n");
}

void console_prompt(struct console *c)
{
	put_str(c, "(glass) ");
}

void console_set_monitor(struct console *c, bool on)
{
	c->monitor = on;
	c->line_len = 0;
	if (on) {
		put_str(c, "\r\nglass monitor - type 'help' for more information\r\n");
		console_prompt(c);
	} else {
		put_str(c, "\r\n");
	}
}

/* A byte typed at the monitor: line editing with echo. Returns true when
 * a line is complete. */
static bool monitor_input(struct console *c, uint8_t byte)
{
	char echo[4] = { 0 };

	if (byte == '\r' || byte == '\n') {
		c->line[c->line_len] = 0;
		put_str(c, "\r\n");
		return true;
	}
	if ((byte == 0x7f || byte == 0x08) && c->line_len) {
		c->line_len--;
		put_str(c, "\b \b");
	} else if (byte >= 0x20 && byte < 0x7f &&
		   c->line_len + 1 < sizeof(c->line)) {
		c->line[c->line_len++] = (char)byte;
		echo[0] = (char)byte;
		put_str(c, echo);
	}
	return false;
}

/* Interpret one input byte; returns true if it is for the guest. */
static bool escape_filter(struct console *c, uint8_t *byte,
			  enum console_event *ev)
{
	if (!c->escape) {
		if (*byte == CTRL_A) {
			c->escape = true;
			return false;
		}
		return true;
	}
	c->escape = false;
	switch (*byte) {
	case 'x':
	case 'X':
		*ev = CONSOLE_QUIT;
		return false;
	case 'c':
	case 'C':
		console_set_monitor(c, !c->monitor);
		return false;
	case 'h':
	case 'H':
	case '?':
		help(c);
		return false;
	case CTRL_A:
		return true;
	}
	return false;
}

/* A termination signal arrived (SIGINT, SIGTERM, SIGHUP): report it. */
static bool signal_pending(struct console *c)
{
	struct signalfd_siginfo si;

	if (c->sig_fd < 0 || read(c->sig_fd, &si, sizeof(si)) != sizeof(si))
		return false;
	c->signo = (int)si.ssi_signo;
	return true;
}

/* Take the bytes that are waiting, without blocking. */
static enum console_event drain_input(struct console *c,
				      bool (*accept)(void *opaque),
				      void (*deliver)(void *opaque, uint8_t),
				      void *opaque)
{
	enum console_event ev = CONSOLE_NONE;

	while ((c->monitor || accept(opaque)) && ev == CONSOLE_NONE) {
		struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			break;
		uint8_t byte;
		ssize_t n = read(c->in_fd, &byte, 1);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			c->in_eof = true;
			break;
		}
		if (n != 1 || !escape_filter(c, &byte, &ev))
			continue;
		if (!c->monitor)
			deliver(opaque, byte);
		else if (monitor_input(c, byte)) {
			ev = CONSOLE_COMMAND;
			c->line_len = 0;
		}
	}
	return ev;
}

enum console_event console_poll(struct console *c, int timeout_ms,
				bool (*accept)(void *opaque),
				void (*deliver)(void *opaque, uint8_t byte),
				void *opaque, struct io_loop *extra)
{
	struct io_set set = { .n = 0 };
	int sig = -1, in = -1;
	bool input = c->in_fd >= 0 && !c->in_eof &&
		     (c->monitor || accept(opaque));

	if (c->sig_fd >= 0)
		sig = io_set_add(&set, c->sig_fd, POLLIN);
	if (input)
		in = io_set_add(&set, c->in_fd, POLLIN);
	for (unsigned i = 0; extra && i < extra->n; i++)
		extra->p[i].fill(extra->p[i].opaque, &set, &timeout_ms);
	/* one poll() for all: an idle machine sleeps here until a key, a
	 * signal, host I/O or the timeout (its next timer) */
	int r = poll(set.fds, set.n, timeout_ms);
	for (unsigned i = 0; extra && i < extra->n; i++)
		extra->p[i].dispatch(extra->p[i].opaque, &set, r >= 0);
	if (r <= 0)
		return CONSOLE_NONE;
	if (io_set_revents(&set, sig) && signal_pending(c))
		return CONSOLE_SIGNAL;
	if (!io_set_revents(&set, in))
		return CONSOLE_NONE;
	return drain_input(c, accept, deliver, opaque);
}
