/* The host side of the serial console: the terminal in raw mode, output
 * buffering, and QEMU's escape keys (Ctrl-A x quits, Ctrl-A c switches
 * between the guest's serial port and the monitor, Ctrl-A Ctrl-A sends
 * Ctrl-A, Ctrl-A h lists them). */
#ifndef GLASS_MACHINE_CONSOLE_H
#define GLASS_MACHINE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#include "machine/ioloop.h"

#define CONSOLE_OUT_BUF 4096

enum console_event {
	CONSOLE_NONE,
	CONSOLE_QUIT,     /* Ctrl-A x */
	CONSOLE_COMMAND,  /* a monitor command line is in c->line */
	CONSOLE_SIGNAL,   /* SIGINT, SIGTERM or SIGHUP: c->signo */
};

#define CONSOLE_LINE 256

struct console {
	int in_fd, out_fd;
	int sig_fd;            /* signalfd for termination signals, or -1 */
	int signo;             /* the last one received */
	bool raw;              /* terminal settings changed, restore at exit */
	bool in_eof;
	bool escape;           /* Ctrl-A seen */
	bool monitor;          /* input goes to the monitor (Ctrl-A c) */
	char line[CONSOLE_LINE];
	size_t line_len;
	struct termios saved;
	uint8_t out[CONSOLE_OUT_BUF];
	size_t out_len;
};

/* Take over in_fd/out_fd; puts a terminal into raw mode. */
void console_open(struct console *c, int in_fd, int out_fd);
/* Restore the terminal and flush. Safe to call more than once. */
void console_close(struct console *c);
void console_putc(struct console *c, uint8_t byte);
void console_flush(struct console *c);
/* Switch input to the monitor (printing its prompt) or back. */
void console_set_monitor(struct console *c, bool on);
/* Print the monitor prompt. */
void console_prompt(struct console *c);

/* Read what is available (waiting at most timeout_ms, -1 forever, 0 not at
 * all), handing guest bytes to deliver() while accept() says there is room.
 * The pollers of `extra` (may be NULL) wait in the same poll() and are
 * dispatched after it. Returns CONSOLE_QUIT when the user pressed Ctrl-A
 * x, CONSOLE_COMMAND when a monitor line is complete. */
enum console_event console_poll(struct console *c, int timeout_ms,
				bool (*accept)(void *opaque),
				void (*deliver)(void *opaque, uint8_t byte),
				void *opaque, struct io_loop *extra);

#endif
