#!/usr/bin/env python3
"""The glass monitor and console escapes, driven through a pseudo-terminal.

    python3 tests/monitor/monitor_pty.py [GLASS] [GUESTDIR]
        (defaults: build/glass, build/guest)

Three runs of glass, each with a pty as its terminal (stdin, stdout and
stderr):

1. Boot the guest with -device edu; at the shell prompt, Ctrl-A c opens the
   monitor: `info pci`, `info mtree`, `info tlb`, `info registers`,
   `xp /2 0x1000` (the boot ROM's first instructions), `trace on mmio`;
   Ctrl-A c back to the console, `lspci` (trace lines interleave with the
   guest's output: they are removed before matching); Ctrl-A c, `quit`.
   glass must exit 0 and leave the terminal settings as it found them.
2. Boot again; Ctrl-A x must end glass with status 0, terminal restored.
3. -monitor stdio starts at the "(glass) " prompt; `quit` exits 0.
4. For each virtio transport: boot with a disk (-snapshot), the network,
   virtio-rng and hvc0; the shell mounts the disk, writes a file and
   brings up the network; `savevm`; the shell overwrites the file;
   `loadvm`: the file reads as before, from the disk too (the page cache
   dropped), and the network, entropy and hvc0 work in the restored
   machine; the base image is unchanged.

Prints PASS/FAIL per check and "N passed, N failed"; exit status 1 if
any failed. The terminal's output of each run is kept in
build/test-logs/monitor-RUN.log (LOGDIR overrides the directory).
Timeouts are generous (BOOT_TIMEOUT, default 300 s, for the guest's shell
prompt): a loaded machine boots slowly.
"""

import os
import pty
import re
import select
import signal
import sys
import termios
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GLASS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/glass")
GUEST = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "build/guest")
LOGDIR = os.environ.get("LOGDIR", os.path.join(ROOT, "build/test-logs"))
BOOT_TIMEOUT = float(os.environ.get("BOOT_TIMEOUT", "300"))
CMD_TIMEOUT = float(os.environ.get("CMD_TIMEOUT", "60"))

CTRL_A = b"\x01"
SHELL_PROMPT = "/ # "
MONITOR_PROMPT = "(glass) "
# A trace line written to stderr between two bytes of console output:
# "hart0 S pc=ffffffff80001234 load.w ... = 0x00000000" up to its newline.
TRACE_LINE = re.compile(r"hart\d+ [MSU] pc=[0-9a-f]{16} [^\n]*\n")

passed = 0
failed = 0


def result(ok, name, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS monitor/%s" % name, flush=True)
    else:
        failed += 1
        print("FAIL monitor/%s%s" % (name, " (%s)" % why if why else ""), flush=True)
    return ok


class Glass:
    """glass running on a fresh pty; output accumulates in self.raw."""

    def __init__(self, name, args):
        self.name = name
        self.raw = b""
        self.pos = 0           # where the next expect() starts looking
        self.status = None     # exit status once reaped
        self.master, self.slave = pty.openpty()
        self.termios_before = termios.tcgetattr(self.slave)
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(self.master)
                os.setsid()
                # opening the slave after setsid makes it our controlling tty
                tty = os.open(os.ttyname(self.slave), os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(tty, fd)
                if tty > 2:
                    os.close(tty)
                os.close(self.slave)
                os.execv(GLASS, [GLASS] + args)
            except BaseException as e:  # noqa: BLE001 - report, never return
                os.write(2, ("exec %s: %s\n" % (GLASS, e)).encode())
            os._exit(127)

    # -- output --

    def _pump(self, timeout):
        """Read what glass wrote within timeout seconds; reap it if it ended."""
        r, _, _ = select.select([self.master], [], [], timeout)
        if r:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            self.raw += data
        self.poll()

    def text(self):
        """All output so far, trace lines removed, as text."""
        s = self.raw.decode("utf-8", "replace").replace("\r\n", "\n")
        return TRACE_LINE.sub("", s)

    def expect(self, what, timeout):
        """Wait until `what` appears after the last match; return the text
        from there up to and including it, or None on timeout or exit."""
        end = time.monotonic() + timeout
        while True:
            t = self.text()
            i = t.find(what, self.pos)
            if i >= 0:
                out = t[self.pos:i + len(what)]
                self.pos = i + len(what)
                return out
            if self.status is not None or time.monotonic() > end:
                return None
            self._pump(0.2)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        for b in data:
            # one byte at a time, as typed: glass reads its input bytewise
            os.write(self.master, bytes([b]))
            time.sleep(0.01)

    # -- process --

    def poll(self):
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(st)
        return self.status

    def wait(self, timeout):
        end = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < end:
            self._pump(0.2)
        # drain what is left
        while select.select([self.master], [], [], 0)[0]:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                break
            if not data:
                break
            self.raw += data
        return self.status

    def terminal_restored(self):
        return termios.tcgetattr(self.slave) == self.termios_before

    def close(self):
        """Always: kill glass if it still runs, save the log, close the pty."""
        if self.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.status = -signal.SIGKILL
        os.makedirs(LOGDIR, exist_ok=True)
        with open(os.path.join(LOGDIR, "monitor-%s.log" % self.name), "wb") as f:
            f.write(self.raw)
        os.close(self.master)
        os.close(self.slave)


def boot_args(extra=()):
    return ["-m", "256M", "-device", "edu", *extra,
            "-kernel", os.path.join(GUEST, "Image"),
            "-initrd", os.path.join(GUEST, "initramfs.cpio.gz"),
            "-append", "console=ttyS0"]


def monitor_command(g, cmd, expected, name):
    """Run cmd at the monitor prompt; every string of expected must be in
    its answer (the text up to the next prompt)."""
    g.send(cmd + "\r")
    out = g.expect(MONITOR_PROMPT, CMD_TIMEOUT)
    if out is None:
        return result(False, name, "no prompt after '%s'" % cmd)
    missing = [e for e in expected if e not in out]
    return result(not missing, name,
                  "'%s' answer lacks %s" % (cmd, ", ".join(repr(m) for m in missing)))


def expect_exit(g, name, why_cmd):
    st = g.wait(CMD_TIMEOUT)
    result(st == 0, name + "-exit-0",
           "glass still running after %s" % why_cmd if st is None else "exit status %s" % st)
    result(st is not None and g.terminal_restored(), name + "-terminal-restored",
           "termios of the pty differ from before glass started")


def run_console_monitor():
    g = Glass("console", boot_args())
    try:
        if not result(g.expect(SHELL_PROMPT, BOOT_TIMEOUT) is not None, "boot-prompt",
                      "no '%s' within %gs (status %s)" % (SHELL_PROMPT, BOOT_TIMEOUT, g.status)):
            return
        g.send(CTRL_A + b"c")
        if not result(g.expect(MONITOR_PROMPT, CMD_TIMEOUT) is not None, "ctrl-a-c-monitor",
                      "no '%s' after Ctrl-A c" % MONITOR_PROMPT):
            return
        monitor_command(g, "info pci", ["00:01.0 edu 1234:11e8", "bar0 mem32"], "info-pci")
        monitor_command(g, "info mtree", ["pci 00:01.0 edu bar0", "flat view"], "info-mtree")
        monitor_command(g, "info tlb", ["TLB (hits"], "info-tlb")
        monitor_command(g, "info registers", ["pc "], "info-registers")
        monitor_command(g, "xp /2 0x1000", ["0x0282861300000297"], "xp")
        # a snapshot of the running guest, restored at once: the shell
        # below must go on working in the restored machine
        with tempfile.TemporaryDirectory(prefix="glass-monitor-") as tmp:
            snap = os.path.join(tmp, "m.snap")
            monitor_command(g, "savevm " + snap, ["saved " + snap, "RAM pages stored"],
                            "savevm")
            monitor_command(g, "loadvm " + snap, ["loaded " + snap], "loadvm")
            monitor_command(g, "loadvm " + os.path.join(tmp, "none"),
                            ["loadvm", "No such file"], "loadvm-missing")
        monitor_command(g, "trace on mmio", ["trace on mmio"], "trace-on")

        # back to the guest: lspci with the mmio trace flowing
        g.send(CTRL_A + b"c")
        time.sleep(0.5)
        g.send("lspci\r")
        out = g.expect("1234:11e8", CMD_TIMEOUT)
        result(out is not None, "console-lspci", "no '1234:11e8' after lspci")
        result(out is not None and g.expect(SHELL_PROMPT, CMD_TIMEOUT) is not None,
               "console-prompt-again", "no shell prompt after lspci")
        result(TRACE_LINE.search(g.raw.decode("utf-8", "replace")) is not None,
               "trace-lines", "no trace lines on the terminal after 'trace on mmio'")

        g.send(CTRL_A + b"c")
        if not result(g.expect(MONITOR_PROMPT, CMD_TIMEOUT) is not None, "ctrl-a-c-again",
                      "no '%s' after the second Ctrl-A c" % MONITOR_PROMPT):
            return
        g.send("quit\r")
        expect_exit(g, "quit", "quit")
    finally:
        g.close()


def run_ctrl_a_x():
    g = Glass("ctrl-a-x", boot_args())
    try:
        if not result(g.expect(SHELL_PROMPT, BOOT_TIMEOUT) is not None, "ctrl-a-x-boot-prompt",
                      "no '%s' within %gs (status %s)" % (SHELL_PROMPT, BOOT_TIMEOUT, g.status)):
            return
        g.send(CTRL_A + b"x")
        expect_exit(g, "ctrl-a-x", "Ctrl-A x")
    finally:
        g.close()


def run_monitor_stdio():
    g = Glass("monitor-stdio", boot_args(["-monitor", "stdio"]))
    try:
        out = g.expect(MONITOR_PROMPT, CMD_TIMEOUT)
        if not result(out is not None, "monitor-stdio-prompt",
                      "no '%s' at start (status %s)" % (MONITOR_PROMPT, g.status)):
            return
        monitor_command(g, "info pci", ["00:01.0 edu 1234:11e8"], "monitor-stdio-info-pci")
        g.send("quit\r")
        expect_exit(g, "monitor-stdio-quit", "quit")
    finally:
        g.close()


def shell(g, cmd, marker, name):
    """Run cmd at the guest's shell; return its output up to marker (which
    the command prints at its end), or None."""
    g.send(cmd + "\r")
    g.expect(cmd[-20:], CMD_TIMEOUT)   # the echo of what was typed
    out = g.expect(marker, CMD_TIMEOUT)
    result(out is not None, name, "no '%s' after '%s'" % (marker, cmd))
    return out


def run_virtio_savevm(transport):
    name = "virtio-" + transport
    with tempfile.TemporaryDirectory(prefix="glass-monitor-") as tmp:
        img = os.path.join(tmp, "disk.img")
        os.system("mke2fs -q -t ext4 %s 16M >/dev/null" % img)
        with open(img, "rb") as f:
            before = f.read()
        snap = os.path.join(tmp, "v.snap")
        t = transport
        g = Glass(name, [
            "-m", "256M", "-snapshot",
            "-drive", "file=%s,if=none,id=d0" % img,
            "-device", "virtio-blk-%s,drive=d0" % t,
            "-netdev", "user,id=n0", "-device", "virtio-net-%s,netdev=n0" % t,
            "-device", "virtio-rng-%s" % t,
            "-chardev", "file,id=c0,path=%s" % os.path.join(tmp, "hvc.out"),
            "-device", "virtio-serial-%s,chardev=c0" % t,
            "-kernel", os.path.join(GUEST, "Image"),
            "-initrd", os.path.join(GUEST, "initramfs.cpio.gz"),
            "-append", "console=ttyS0"])
        try:
            if not result(g.expect(SHELL_PROMPT, BOOT_TIMEOUT) is not None,
                          name + "-boot-prompt", "no shell prompt"):
                return
            if shell(g, "mkdir -p /mnt; mount /dev/vda /mnt && echo before >/mnt/f && "
                     "sync && udhcpc -i eth0 -n -q >/dev/null 2>&1; echo SETUP-$((6*7))",
                     "SETUP-42", name + "-setup") is None:
                return
            g.send(CTRL_A + b"c")
            g.expect(MONITOR_PROMPT, CMD_TIMEOUT)
            monitor_command(g, "savevm " + snap, ["saved " + snap], name + "-savevm")
            g.send(CTRL_A + b"c")
            time.sleep(0.5)
            shell(g, "echo after >/mnt/f; sync; cat /mnt/f; echo F-$((6*7))", "F-42",
                  name + "-overwrite")
            g.send(CTRL_A + b"c")
            g.expect(MONITOR_PROMPT, CMD_TIMEOUT)
            monitor_command(g, "loadvm " + snap, ["loaded " + snap], name + "-loadvm")
            g.send(CTRL_A + b"c")
            time.sleep(0.5)
            out = shell(g, "echo 3 >/proc/sys/vm/drop_caches; cat /mnt/f; echo F-$((7*7))",
                        "F-49", name + "-restored-cat")
            result(out is not None and "before" in out and "after" not in out,
                   name + "-disk-restored", "the file reads %r" % out)
            out = shell(g, "ping -c 1 -W 5 10.0.2.2 >/dev/null && echo NET-$((6*7))",
                        "NET-42", name + "-network")
            out = shell(g, "dd if=/dev/hwrng bs=16 count=1 2>/dev/null | wc -c; echo RNG-$((6*7))",
                        "RNG-42", name + "-rng")
            result(out is not None and "16" in out, name + "-rng-bytes", "got %r" % out)
            shell(g, "echo restored >/dev/hvc0; umount /mnt; echo DONE-$((6*7))",
                  "DONE-42", name + "-hvc0")
            g.send("poweroff\r")
            st = g.wait(CMD_TIMEOUT)
            result(st == 0, name + "-exit-0", "exit status %s" % st)
            with open(os.path.join(tmp, "hvc.out")) as f:
                result("restored" in f.read(), name + "-hvc0-output",
                       "hvc0's file lacks the line")
            with open(img, "rb") as f:
                result(f.read() == before, name + "-base-unchanged",
                       "-snapshot: the image changed")
        finally:
            g.close()


def main():
    for f in (GLASS, os.path.join(GUEST, "Image"), os.path.join(GUEST, "initramfs.cpio.gz")):
        if not os.path.exists(f):
            result(False, "setup", "%s missing (make all guest)" % f)
            print("%d passed, %d failed" % (passed, failed))
            return 1
    run_console_monitor()
    run_ctrl_a_x()
    run_monitor_stdio()
    run_virtio_savevm("pci")
    run_virtio_savevm("device")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
