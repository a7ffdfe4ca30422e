#!/usr/bin/env python3
"""The protocol edges GDB itself never exercises, against glass's gdbstub on
a Unix socket (tests/gdb/run.sh starts glass -S with build/gdb/prog.elf):
bad checksums, unknown packets, huge and wrapping lengths, binary escapes,
malformed arguments, a client that vanishes mid-packet while the machine
runs (which runs on) and a new one that takes over, and finally a
continue to the program's exit (code 3).

usage: rsp_edges.py SOCKET      exit 0 when every check holds
"""
import socket
import subprocess
import sys
import time

failures = []


def csum(data):
    return sum(data) & 0xff


def frame(data):
    if isinstance(data, str):
        data = data.encode()
    return b'$' + data + b'#' + b'%02x' % csum(data)


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.s.settimeout(10)
        self.buf = b''
        self.ack = True

    def raw(self, data):
        self.s.sendall(data)

    def byte(self):
        while not self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError('glass closed the connection')
            self.buf += chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def packet(self):
        """The next packet's data (acks before it are skipped)."""
        while self.byte() != b'$':
            pass
        data = b''
        while True:
            b = self.byte()
            if b == b'#':
                break
            data += b
        cs = self.byte() + self.byte()
        if int(cs, 16) != csum(data):
            failures.append('bad checksum from glass on %r' % data[:40])
        if self.ack:
            try:
                self.raw(b'+')
            except OSError:
                pass  # glass is gone after a W (exit) reply
        return data

    def ask(self, data):
        self.raw(frame(data))
        return self.packet()

    def close(self):
        self.s.close()


def check(what, got, want):
    ok = want(got) if callable(want) else got == want
    shown = got[:60] if isinstance(got, bytes) else got
    if not ok:
        failures.append('%s: got %r' % (what, shown))
    print('%s %s: %r' % ('ok  ' if ok else 'FAIL', what, shown))


def unescape(data):
    out, i = bytearray(), 0
    while i < len(data):
        if data[i] == 0x7d:
            out.append(data[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def symbol(name):
    out = subprocess.run(['riscv64-linux-gnu-nm', 'build/gdb/prog.elf'],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise SystemExit('no symbol ' + name)


def compressed_in(name):
    """A 2-byte instruction inside function `name`, neither its first nor
    its last (so in spin()'s loop, which runs it every round)."""
    out = subprocess.run(['riscv64-linux-gnu-objdump', '-d',
                          'build/gdb/prog.elf'],
                         capture_output=True, text=True).stdout
    body = out.split('<%s>:\n' % name, 1)[1].split('\n\n', 1)[0]
    insns = [line.split('\t') for line in body.splitlines() if '\t' in line]
    short = [int(i[0].strip().rstrip(':'), 16) for i in insns[1:-1]
             if len(i[1].strip()) == 4]
    if not short:
        raise SystemExit('no compressed instruction in ' + name)
    return short[0]


def main():
    path = sys.argv[1]
    c = Client(path)

    # framing
    c.raw(b'+noise')
    c.raw(b'$g#00')                       # bad checksum: a NAK
    check('bad checksum gets -', c.byte(), b'-')
    check('unknown packet', c.ask('qNoSuchThing'), b'')
    check('empty packet', c.ask(''), b'')
    check('too long', c.ask('m' + '0' * 20000), b'E01')
    check('stop reason', c.ask('?'), lambda r: r.startswith(b'T05thread:1;'))

    # memory
    check('m zero length', c.ask('m80000000,0'), lambda r: r.startswith(b'E'))
    check('m wrapping', c.ask('mffffffffffffff00,200'),
          lambda r: r.startswith(b'E'))
    check('m huge length', c.ask('m80000000,ffffffffffffffff'),
          lambda r: 0 < len(r) <= 16382 and len(r) % 2 == 0)
    check('m too many digits', c.ask('m180000000000000000,4'),
          lambda r: r.startswith(b'E'))
    check('m garbage', c.ask('mxyz'), lambda r: r.startswith(b'E'))
    check('M odd hex', c.ask('M80000000,2:123'), lambda r: r.startswith(b'E'))
    check('M wrapping', c.ask('Mffffffffffffffff,2:0000'),
          lambda r: r.startswith(b'E'))
    slot = symbol('per_hart')
    tricky = bytes([0x23, 0x24, 0x7d, 0x2a, 0x00, 0xff, 0x03, 0x2b])
    esc = b''.join(b'}' + bytes([x ^ 0x20]) if x in b'#$}*' else bytes([x])
                   for x in tricky)
    check('X escaped binary', c.ask(b'X%x,8:' % slot + esc), b'OK')
    check('m reads it back', c.ask('m%x,8' % slot), tricky.hex().encode())
    check('X length mismatch', c.ask(b'X%x,9:' % slot + esc),
          lambda r: r.startswith(b'E'))
    check('X zero length', c.ask('X%x,0:' % slot), b'OK')

    # registers, threads, points
    check('p huge number', c.ask('pffffffff'), lambda r: r.startswith(b'E'))
    check('p pc', c.ask('p20'), b'0010000000000000')
    check('P malformed', c.ask('P20'), lambda r: r.startswith(b'E'))
    check('G short', c.ask('G0011'), lambda r: r.startswith(b'E'))
    check('H no such hart', c.ask('Hg9'), lambda r: r.startswith(b'E'))
    check('T no such hart', c.ask('T5'), lambda r: r.startswith(b'E'))
    check('Z unknown type', c.ask('Z9,80000000,4'), b'')
    check('Z0 bad kind', c.ask('Z0,80000000,3'), lambda r: r.startswith(b'E'))
    check('Z2 wrapping', c.ask('Z2,fffffffffffffff0,20'),
          lambda r: r.startswith(b'E'))
    check('z not inserted', c.ask('z0,80000000,4'),
          lambda r: r.startswith(b'E'))
    check('Z2 any length', c.ask('Z2,%x,1000' % slot), b'OK')
    check('z2 it again', c.ask('z2,%x,1000' % slot), b'OK')
    check('vCont garbage', c.ask('vCont;x'), lambda r: r.startswith(b'E'))
    check('vCont no hart', c.ask('vCont;c:9'), lambda r: r.startswith(b'E'))
    check('qXfer other annex', c.ask('qXfer:features:read:other.xml:0,10'),
          b'E00')
    check('qXfer past the end', c.ask('qXfer:features:read:target.xml:fffff,10'),
          b'l')
    check('qRcmd odd hex', c.ask('qRcmd,123'), lambda r: r.startswith(b'E'))
    c.raw(frame('qRcmd,' + 'info pci'.encode().hex()))
    out = b''
    while True:
        p = c.packet()
        if not p.startswith(b'O') or p == b'OK':
            break
        out += bytes.fromhex(p[1:].decode())
    check('qRcmd info pci output', out, lambda r: b'bridge windows' in r)
    check('qRcmd reply', p, b'OK')
    # the monitor's gdbserver would close this very connection: refused,
    # however it is spelled
    c.raw(frame('qRcmd,' + '  gdbserver none'.encode().hex()))
    p = c.packet()
    check('qRcmd gdbserver refused',
          bytes.fromhex(p[1:].decode()) if p.startswith(b'O') else p,
          lambda r: b'not from the debugger itself' in r)
    check('qRcmd gdbserver reply', c.packet(), b'OK')
    c.raw(b'\x03')                        # Ctrl-C while stopped: ignored
    check('no-ack mode', c.ask('QStartNoAckMode'), b'OK')
    c.ack = False
    check('after no-ack', c.ask('qC'), b'QC1')

    # a client that vanishes mid-packet while the machine runs (spin()
    # looping): the machine runs on, as QEMU leaves it, the client's
    # points go with it, and the next client takes over (and stops it)
    spinning, answer = symbol('spinning'), symbol('answer')
    spin = symbol('spin')
    check('break in spin()', c.ask('Z0,%x,4' % spin), b'OK')
    c.raw(frame('c'))                     # past the start-up code
    check('stopped in spin()', c.packet(), lambda r: r.startswith(b'T05'))
    check('no break', c.ask('z0,%x,4' % spin), b'OK')
    check('spin forever', c.ask('M%x,4:01000000' % spinning), b'OK')
    # a breakpoint on a compressed instruction (Z0 kind 2, as GDB sends
    # for one): the hart stops on it, not a halfword off
    cinsn = compressed_in('spin')
    check('Z0 kind 2', c.ask('Z0,%x,2' % cinsn), b'OK')
    c.raw(frame('c'))
    check('stopped at the compressed instruction', c.packet(),
          lambda r: r.startswith(b'T05'))
    check('pc on it', c.ask('p20'),
          cinsn.to_bytes(8, 'little').hex().encode())
    check('z0 kind 2', c.ask('z0,%x,2' % cinsn), b'OK')
    check('a point the old client leaves', c.ask('Z4,%x,4' % answer), b'OK')
    before = int.from_bytes(bytes.fromhex(c.ask('m%x,8' % slot).decode()),
                            'little')
    c.raw(frame('c'))
    time.sleep(0.1)
    c.raw(b'$m8000')
    c.close()
    time.sleep(1)
    d = Client(path)
    check('new client: stop reason', d.ask('?'),
          lambda r: r.startswith(b'T05'))
    check('new client: acks again', d.ask('qC'), b'QC1')
    after = int.from_bytes(bytes.fromhex(d.ask('m%x,8' % slot).decode()),
                           'little')
    # a second of spinning is millions of rounds; a machine stopped when
    # the client went would have run a few slices (2500 rounds each)
    check('the machine ran on without a client', after - before,
          lambda n: n > 100000)
    check('the old client\'s point is gone', d.ask('z4,%x,4' % answer),
          lambda r: r.startswith(b'E'))
    check('stop spinning', d.ask('M%x,4:00000000' % spinning), b'OK')
    d.raw(frame('c'))
    check('continue to the exit', d.packet(), b'W03')
    d.close()

    if failures:
        print('%d failures' % len(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
