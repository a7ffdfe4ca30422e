/* The glass `virt` machine: harts, address space, platform devices, boot.
 *
 * Everything that changes while the guest runs lives in struct machine, in
 * plain structs, so a later snapshot can serialise it; there is no global
 * mutable state anywhere in glass.
 */
#ifndef GLASS_MACHINE_MACHINE_H
#define GLASS_MACHINE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "cpu/hart.h"
#include "device/chardev.h"
#include "device/device.h"
#include "machine/backends.h"
#include "machine/console.h"
#include "machine/virt.h"
#include "mem/address_space.h"
#include "pci/host.h"
#include "trace/stats.h"
#include "trace/trace.h"

#define MAX_HARTS 8
#define MAX_DEVICES 16

/* What the user asked for on the command line. */
struct machine_config {
	uint64_t ram_size;
	unsigned nharts;
	const char *bios;     /* NULL: Debian's OpenSBI fw_dynamic.bin; "none" */
	const char *kernel;
	const char *initrd;
	const char *append;
	const char *dtb;      /* use this DTB instead of the generated one */
	const char *dumpdtb;  /* write the generated DTB here and exit */
	uint64_t pci_bus_offset; /* bus address = CPU address - offset */
	/* see-through */
	uint32_t trace_mask;
	const char *trace_file;   /* NULL: stderr */
	enum trace_format trace_format;
	struct trace_filter trace_filter;
	const char *stats_file;   /* NULL: no statistics file */
	bool monitor_stdio;       /* start with the monitor on the console */
	const char *share_dir;    /* --share: HOST_READ/HOST_WRITE root */
	bool jit;                 /* -accel tcg,jit=on (default; GLASS_JIT) */
	uint64_t tb_size;         /* -accel tcg,tb-size: code cache bytes */
	const char *devices[MAX_DEVICES]; /* -device arguments, in order */
	unsigned ndevices;
	const char *drives[MAX_DRIVES];   /* -drive arguments */
	unsigned ndrives;
	const char *netdevs[MAX_NETDEVS]; /* -netdev arguments */
	unsigned nnetdevs;
	const char *chardevs[MAX_CHARDEVS]; /* -chardev arguments */
	unsigned nchardevs;
	const char *gdb_dev;      /* -gdb / -s: where the gdbstub listens */
	bool start_paused;        /* -S: harts stopped until told to run */
	bool snapshot;            /* -snapshot: every drive's writes go to a
				   * temporary overlay */
	/* deterministic runs and snapshots */
	bool icount;              /* -icount: time from instructions */
	unsigned icount_shift;    /* virtual ns per instruction = 1 << shift */
	const char *loadvm;       /* -loadvm FILE: start from this snapshot */
	const char *checkpoint_dir; /* --checkpoint-dir: CHECKPOINT's files */
	const char *record;       /* --record FILE: external input, stamped */
	const char *replay;       /* --replay FILE: that input, played back */
};

/* Instructions a hart runs before the others get a turn and timers,
 * console and HTIF are looked at. Bounds interrupt latency to ~100 us. */
#define MACHINE_SLICE 10000

/* A CHECKPOINT hypercall waiting for the end of the round (machine.c). */
struct checkpoint_req {
	bool pending;
	bool exit_after;          /* ARG1 = 1: exit once saved */
	void *hc;                 /* the hypercall instance and its channel */
	unsigned channel;
	char name[256];
};

struct replay;

struct machine {
	struct machine_config cfg;
	struct address_space as;
	struct hart *harts;       /* nharts of them (each carries its decoded-code cache) */
	unsigned nharts;

	struct region *ram;
	struct region *rom;
	struct vclock clock;      /* virtual time and every device's timers */
	struct device_env denv;   /* what devices get from the machine */
	/* every device, the board's and -device's, in creation order
	 * (interrupt controllers first) */
	struct glass_device *devices;
	void *plic;               /* the board's PLIC and CLINT instances */
	void *clint;
	const char *source_device[VIRT_PLIC_SOURCES]; /* for the irq trace */
	uint64_t platform_next;   /* the platform bus: next free window */
	unsigned platform_irq_next;
	unsigned virtio_next;     /* the next free virtio-mmio slot */
	struct backends backends; /* -drive, -netdev */
	struct chardev serial;    /* the console as the backend "serial0" */
	struct console console;
	struct io_loop io;        /* host I/O besides the console (ioloop.h) */
	struct pci_host pci;
	int share_dirfd;             /* --share DIR, or -1 */
	struct tracer tracer;
	struct stats stats;

	uint64_t clock_start_ns;   /* host monotonic time at power-on */
	uint64_t polled_ns;        /* host time of the last poll of host I/O */
	/* instructions executed by all harts since power-on; under -icount
	 * virtual time is time_bias_ns + (icount << shift), the bias taking
	 * the idle machine's jumps to its next timer */
	uint64_t icount;
	uint64_t time_bias_ns;
	int checkpoint_dirfd;      /* --checkpoint-dir, or -1 */
	struct checkpoint_req checkpoint;
	struct replay *rr;         /* --record / --replay, or NULL */

	/* HTIF (Spike convention), when the ELF defines `tohost` */
	uint64_t tohost, fromhost;
	bool htif;

	/* set by devices, acted on by the run loop */
	bool ran;                   /* machine_run started (stats at exit) */
	bool exit_requested;
	bool reset_requested;
	int exit_code;

	/* stopped by a debugger, the monitor or -S: no hart runs and the
	 * clock stands still (machine_pause) */
	bool paused;
	uint64_t paused_ns;         /* machine_time_ns() when it stopped */
	struct gdb_server *gdb;     /* the gdbstub, or NULL (gdb/gdb.h) */

	void *fdt;                  /* the device tree the guest gets */
	uint64_t entry;             /* where the boot ROM jumps */
	uint64_t kernel_entry;      /* fw_dynamic next_addr */
	uint64_t fdt_addr;
};

/* Build the machine from cfg: memory map, devices, device tree, images.
 * Returns 0, or -1 after printing one line that names the problem. */
int machine_init(struct machine *m, const struct machine_config *cfg);
void machine_destroy(struct machine *m);

/* Run until the guest powers off or fails, or the user quits. Returns the
 * exit status glass should end with. */
int machine_run(struct machine *m);

/* Ask the run loop to stop with `code` (finisher, HTIF, hypercall, Ctrl-A x). */
void machine_request_exit(struct machine *m, int code);

/* Ask the run loop to reset the machine (finisher, hypercall FINISH). */
void machine_request_reset(struct machine *m);

/* Create a device from a -device argument ("NAME[,k=v...]", or
 * "plugin,path=FILE[,k=v...]") and add it to the machine. Returns 0, or
 * -1 after printing one line. */
int machine_add_device(struct machine *m, const char *arg);

/* The harts' interrupt-pending bits, as a device line drives them: line n
 * is hart n / 64's mip bit n % 64 (an irq_line target). */
void machine_hart_irq(void *machine, int n, int level);

/* Guest virtual time in ns since power-on. */
uint64_t machine_time_ns(const struct machine *m);

/* Stop every hart and the clock (a debugger, the monitor), or let them
 * go on; time does not pass while the machine is stopped. */
void machine_pause(struct machine *m, bool pause);

/* Hart i's turn in a round: it runs up to `slice` instructions (fewer, or
 * none, while a debugger or the monitor holds it), counted in m->icount,
 * and the debugger hears of what it hit. Returns whether it ran. */
bool machine_run_hart(struct machine *m, unsigned i, uint64_t slice);

/* Make virtual time read `ns` from now on (a restored snapshot), in either
 * mode; m->icount is set first. */
void machine_set_time(struct machine *m, uint64_t ns);

#endif
