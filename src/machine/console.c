/* Serial console on the host terminal. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "machine/console.h"

#define CTRL_A 0x01

void console_open(struct console *c, int in_fd, int out_fd)
{
	memset(c, 0, sizeof(*c));
	c->in_fd = in_fd;
	c->out_fd = out_fd;
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

static void help(struct console *c)
{
	static const char text[] =
		"\r\nC-a h    print this help\r\n"
		"C-a x    exit glass\r\n"
		"C-a C-a  send C-a to the guest\r\n";
	console_flush(c);
	if (write(c->out_fd, text, sizeof(text) - 1) < 0)
		return;
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

enum console_event console_poll(struct console *c, int timeout_ms,
				bool (*accept)(void *opaque),
				void (*deliver)(void *opaque, uint8_t byte),
				void *opaque)
{
	enum console_event ev = CONSOLE_NONE;

	if (c->in_fd < 0 || c->in_eof) {
		if (timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		return ev;
	}
	while (accept(opaque) && ev == CONSOLE_NONE) {
		struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
		int r = poll(&p, 1, timeout_ms);
		if (r <= 0)
			break;
		timeout_ms = 0;
		uint8_t byte;
		ssize_t n = read(c->in_fd, &byte, 1);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			c->in_eof = true;
			break;
		}
		if (n == 1 && escape_filter(c, &byte, &ev))
			deliver(opaque, byte);
	}
	if (timeout_ms > 0 && !accept(opaque))
		poll(NULL, 0, timeout_ms); /* FIFO full: still honour the wait */
	return ev;
}
