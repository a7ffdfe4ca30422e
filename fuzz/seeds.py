#!/usr/bin/env python3
"""Write the hand-made seed inputs of the fuzz targets into fuzz/corpus/.

Each seed is a small, meaningful input in the target's format (see the
comment at the top of each fuzz_*.c), so fuzzing starts from inputs that
already reach deep: real RISC-V code, working page tables, register
sequences a driver would use. Bug reproducers (fuzz/corpus/*/bug-*) are
not written here; they are kept as found.

Needs python3 and, for the exec and loader seeds, the riscv64 cross
toolchain (gcc-riscv64-linux-gnu) and build/glass (for a real DTB).
Usage: fuzz/seeds.py  (from anywhere; it writes next to itself)
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def asm(src):
    """Assemble RV64GC code to raw bytes."""
    with tempfile.TemporaryDirectory() as t:
        s, o, b = (os.path.join(t, n) for n in ("a.S", "a.o", "a.bin"))
        with open(s, "w") as f:
            f.write(".option norelax\n.text\n" + src + "\n")
        subprocess.check_call(["riscv64-linux-gnu-as", "-march=rv64gc",
                               "-o", o, s])
        subprocess.check_call(["riscv64-linux-gnu-objcopy", "-O", "binary",
                               "-j", ".text", o, b])
        return open(b, "rb").read()


# ---- exec ----------------------------------------------------------------

def exec_hdr(priv=2, mode=0, identity=False, pckind=0, st1=0, st2=0,
             root=0, code=1, medeleg=0, mideleg=0, mie=0, lines=0,
             mtvec=1, stvec=0, vectored=0, pcoff=0, ndesc=0, dev=0x0c,
             trace=0, lines2=0, split=8, frot=0, pbmte=0, counteren=0):
    b0 = priv | mode << 2 | (0x10 if identity else 0) | pckind << 5
    b2 = st2 | (0x80 if pbmte else 0)
    b3 = root | code << 4
    b6 = mideleg | (mie & 0x1f) << 3
    b7 = (mie >> 5) & 1 | lines << 1
    b8 = mtvec | vectored << 4 | stvec << 5
    b11 = dev | counteren << 4
    return bytes([b0, st1, b2, b3, medeleg & 0xff, medeleg >> 8, b6, b7,
                  b8, pcoff, ndesc, b11, trace, lines2, split, frot])


EXEC_M = """
    li    t0, 0x80003000
    li    t1, 0x1122334455667788
    sd    t1, 0(t0)
    ld    t2, 0(t0)
    lw    t3, 4(t0)
    lbu   t4, 7(t0)
    sh    t1, 10(t0)
    addi  s1, t0, 2045
    sd    t1, 2045(s1)          # crosses a page (0x80003ffd)
    ld    t2, 2045(s1)
    amoadd.d t3, t1, (t0)
    amoswap.w t4, t1, (t0)
    lr.d  t5, (t0)
    sc.d  t6, t1, (t0)
    mul   a0, t1, t2
    mulh  a1, t1, t2
    div   a2, t1, x0
    rem   a3, t1, x0
    li    a4, -1
    li    a5, 0x8000000000000000
    div   a6, a5, a4
    divw  a7, a5, a4
    sllw  s2, t1, a4
    sraiw s3, t1, 31
    csrr  s4, mstatus
    csrr  s5, misa
    csrw  mscratch, t1
    csrrs s6, mip, zero
    rdcycle s7
    rdtime s8
    fence
    fence.i
    lui   s9, 0x10000           # the fake device
    sw    t1, 0(s9)
    lw    s10, 2(s9)
    lb    s11, 1(s9)
    ecall
"""

EXEC_S = """
    li    t0, 0x80004000
    addi  t0, t0, 8
    li    t1, 42
    sd    t1, 0(t0)
    ld    t2, 0(t0)
    sfence.vma
    csrr  t3, satp
    csrr  t4, sstatus
    csrs  sstatus, t1
    lui   t5, 0x10000
    lw    t6, 0(t5)             # device through the MMU
    li    a0, 0x4000000000      # non-canonical in Sv39
    ld    a1, 0(a0)
    ecall
    wfi
"""

EXEC_FP = """
    li    t0, 0x43e0000000000000
    fmv.d.x ft0, t0
    fcvt.l.d a0, ft0
    fcvt.lu.d a1, ft0
    fcvt.w.d a2, ft0
    fcvt.wu.d a3, ft0
    li    t1, 0x7ff8000000000000
    fmv.d.x ft1, t1
    fcvt.l.d a4, ft1
    fcvt.s.d ft2, ft1
    fcvt.w.s a5, ft2
    fcvt.lu.s a6, ft2
    fdiv.d ft3, ft0, ft1
    fsqrt.d ft4, ft0
    fmadd.d ft5, ft0, ft1, ft2
    fmin.d ft6, ft0, ft1
    fclass.d a7, ft1
    feq.d s2, ft0, ft1
    fcvt.d.l ft7, a0
    fcvt.s.lu fa0, a1
    fsgnjn.s fa1, fa0, ft2
    fmv.x.w s3, fa1
    frcsr s4
    fsrm  t1
    fcvt.w.d s5, ft0, rtz
    fcvt.l.s s6, fa0, rup
    fld   fs0, 0(sp)
    fsd   fs0, 8(sp)
    ecall
"""

EXEC_C = """
    c.li   a0, 5
    c.addi a0, -3
    c.mv   a1, a0
    c.add  a1, a0
    c.slli a1, 3
    li     s0, 0x80005000
    c.sw   a0, 0(s0)
    c.lw   a2, 0(s0)
    c.sd   a1, 8(s0)
    c.ld   a3, 8(s0)
    c.addi16sp sp, -32
    c.sdsp a1, 0(sp)
    c.ldsp a4, 0(sp)
    c.beqz a0, 1f
    c.j    1f
1:  c.nop
    c.ebreak
"""

EXEC_IRQ = """
    li    t0, -1
    csrw  mie, t0
    csrsi mstatus, 8
    wfi
    csrw  mideleg, t0
    csrw  medeleg, t0
    li    t1, 0x100
    csrc  mstatus, t1
    li    t1, 0x1800
    csrc  mstatus, t1
    li    t1, 0x800
    csrs  mstatus, t1
    auipc t2, 0
    addi  t2, t2, 16
    csrw  mepc, t2
    mret
    ecall
    wfi
"""


def exec_seeds():
    put("exec", "m-mode", exec_hdr(priv=2, code=1, mtvec=1) + asm(EXEC_M))
    put("exec", "s-sv39", exec_hdr(priv=1, mode=1, identity=True, code=2,
                                   mtvec=2, stvec=1, medeleg=0,
                                   st1=0x02) + asm(EXEC_S))
    put("exec", "s-sv48-deleg", exec_hdr(priv=1, mode=2, identity=True,
                                         code=4, mtvec=4, stvec=2,
                                         medeleg=0xb1ff) + asm(EXEC_S))
    put("exec", "u-fp", exec_hdr(priv=0, mode=1, identity=True, code=4,
                                 mtvec=4, st1=0x40) + asm(EXEC_FP))
    put("exec", "m-fp", exec_hdr(priv=2, code=5, mtvec=5, st1=0xc0,
                                 frot=3) + asm(EXEC_FP))
    put("exec", "rvc", exec_hdr(priv=2, code=6, mtvec=6) + asm(EXEC_C))
    put("exec", "irq", exec_hdr(priv=2, code=7, mtvec=7, mie=0x3f,
                                st2=0x02, lines=0xf, lines2=0x5,
                                vectored=1) + asm(EXEC_IRQ))
    put("exec", "mprv", exec_hdr(priv=2, mode=1, identity=True, code=8,
                                 mtvec=8, st1=0x03, st2=0x20) + asm(EXEC_M))


# ---- mmu -----------------------------------------------------------------

def mmu_hdr(priv=1, uid=False, identity=False, mode=0, root=0, st=0,
            pbmte=0, ndesc=0, dev=0x0c, trace=0, pattern=0):
    b0 = priv | (0x40 if uid else 0) | (0x80 if identity else 0)
    return bytes([b0, mode | root << 2, st, pbmte, ndesc, dev, trace,
                  pattern])


V, R, W, X, U, G, A, D = 1, 2, 4, 8, 16, 32, 64, 128


def pte(table, slot, kind=0, target=0, flags=V, extra=0, pbmt=False,
        n=False, rsvd=False):
    d2 = (slot >> 8) | kind << 1 | (0x10 if pbmt else 0) | \
         (0x20 if n else 0) | (0x40 if rsvd else 0)
    return bytes([table | target << 4, slot & 0xff, d2, flags, extra])


def acc(op, size, form, raw, rw=False, debug=False):
    b0 = op | size << 2 | form << 4 | (0x40 if rw else 0) | \
        (0x80 if debug else 0)
    return bytes([b0]) + (raw & ((1 << 56) - 1)).to_bytes(7, "little")


def ctl(what, arg):
    return bytes([3, what, arg, 0, 0, 0, 0, 0])


def ram(off, region=0):
    return off | region << 40


def mmu_seeds():
    LOAD, STORE, FETCH = 0, 1, 2
    # S mode, Sv39 identity gigapage: RAM, crossings, the device, the ROM
    ops = b""
    for size in range(4):
        ops += acc(LOAD, size, 1, ram(0x10 + size))
        ops += acc(STORE, size, 1, ram(0xffe))        # crosses a page
        ops += acc(LOAD, size, 1, ram(0x7ffd))         # into RAM2
        ops += acc(STORE, size, 1, ram(0x8ffc))        # RAM2 into the device
        ops += acc(LOAD, size, 1, ram(0x30, 2))        # device
        ops += acc(STORE, size, 1, ram(0x11, 1))       # ROM: dropped
    ops += acc(FETCH, 0, 1, ram(0x100)) + acc(FETCH, 0, 1, ram(0xffe))
    ops += acc(STORE, 3, 1, ram(0x200), rw=True, debug=True)
    put("mmu", "sv39-identity",
        mmu_hdr(priv=1, identity=True, mode=0, root=0) + ops)
    put("mmu", "sv48-identity-u",
        mmu_hdr(priv=0, identity=True, uid=True, mode=1, root=3) + ops)
    put("mmu", "sv39-identity-strict",
        mmu_hdr(priv=1, identity=True, mode=0, root=8, dev=0x1a) + ops)

    # a three-level Sv39 table by hand: VA 0..0x3fff -> RAM pages 4..7
    descs = pte(0, 0, 0, 1) + pte(1, 0, 0, 2)
    descs += pte(2, 0, 0, 4, V | R | W | X | A | D)
    descs += pte(2, 1, 0, 5, V | R | U)                  # user, read-only
    descs += pte(2, 2, 0, 6, V | X)                      # execute-only
    descs += pte(2, 3, 0, 7, V | R | W)                  # A/D clear
    descs += pte(2, 4, 2, 0, V | R | W, extra=2, pbmt=True)  # device, IO
    descs += pte(1, 1, 1, 0, V | R | W | X)              # 2 MiB superpage
    descs += pte(1, 2, 5, 0, V | R)                      # misaligned one
    descs += pte(2, 5, 4, 0, V | R)                      # nothing there
    descs += pte(2, 6, 0, 3, V | W)                      # reserved W-only
    descs += pte(2, 7, 0, 3, V | R, rsvd=True, extra=0x80)
    ops = b""
    for page in range(10):
        va = page << 12
        ops += acc(LOAD, 3, 0, va + 8) + acc(STORE, 2, 0, va + 16)
        ops += acc(FETCH, 0, 0, va + 0x20)
        ops += acc(LOAD, 3, 0, va + 0xffc)               # crossing
    ops += acc(LOAD, 3, 0, 0x200000 + 0x1234)            # superpage
    ops += acc(LOAD, 3, 0, 0x400000)                     # misaligned
    ops += ctl(1, 0x06) + acc(LOAD, 3, 0, 0x1008) + acc(LOAD, 3, 0, 0x2008)
    ops += ctl(0, 0) + acc(LOAD, 3, 0, 0x1008) + acc(STORE, 3, 0, 0x1008)
    ops += ctl(3, 1) + acc(LOAD, 2, 0, 0x4000)
    ops += ctl(4, 0) + ctl(2, 1 | 0 << 2)
    ops += acc(LOAD, 3, 0, 0x10, debug=True)
    put("mmu", "sv39-tables",
        mmu_hdr(priv=1, mode=0, root=0, ndesc=len(descs) // 5) + descs + ops)
    # the same walk in Sv48 (one more level on top)
    descs48 = pte(8, 0, 0, 0) + descs
    put("mmu", "sv48-tables",
        mmu_hdr(priv=1, mode=1, root=8, ndesc=len(descs48) // 5) + descs48 +
        ops)
    # M mode with MPRV: data accesses translate as S (MPP=1)
    put("mmu", "mprv",
        mmu_hdr(priv=2, mode=0, root=0, st=0x01 | 1 << 3,
                ndesc=len(descs) // 5) + descs + ops)
    # U mode, SUM and MXR flips
    uops = b""
    for st in (0x00, 0x02, 0x04, 0x06):
        uops += ctl(1, st) + acc(LOAD, 3, 0, 0x1010) + \
            acc(LOAD, 3, 0, 0x2010) + acc(FETCH, 0, 0, 0x2000)
        uops += ctl(0, 1) + acc(LOAD, 3, 0, 0x1010) + ctl(0, 0)
    put("mmu", "sum-mxr",
        mmu_hdr(priv=0, mode=0, root=0, ndesc=len(descs) // 5) + descs +
        uops)


# ---- mmio ----------------------------------------------------------------

def op(kind, sel, val=0, width=2, write=False, hart=0):
    b0 = width | (4 if write else 0) | kind << 3 | hart << 6
    return bytes([b0]) + (sel & 0xffffff).to_bytes(3, "little") + \
        (val & (2 ** 64 - 1)).to_bytes(8, "little")


def wr(off, val, width=2):
    return op(0, off + 8, val, width, True)


def rd(off, width=2):
    return op(0, off + 8, 0, width, False)


def ev(sel, val=0):
    return op(5, sel, val)


def tick(ns):
    return op(6, ns & 0xfffff)


def reset():
    """A device reset (as a machine reset does): every line must drop."""
    return ev(0xf00000)


def mmio_seeds():
    W1, W2, W4, W8 = 0, 1, 2, 3
    uart = (wr(3, 0x80, W1) + wr(0, 0x01, W1) + wr(1, 0, W1) +
            wr(3, 0x03, W1) + wr(2, 0xc7, W1) + wr(1, 0x0f, W1) +
            rd(2, W1) + wr(0, 0x41, W1) + rd(5, W1) + ev(0, 0x61) +
            ev(0, 0x62) + rd(2, W1) + rd(0, W1) + wr(4, 0x1f, W1) +
            wr(0, 0x42, W1) + rd(0, W1) + rd(6, W1) + rd(6, W1) +
            wr(0, 0x11223344, W4) + rd(0, W8) + wr(2, 0x01, W1) +
            b"".join(ev(1, 0x30 + i) for i in range(18)) + rd(5, W1) +
            rd(7, W2) + wr(7, 0x5a, W1) + rd(7, W1) + reset() + rd(5, W1) +
            rd(2, W1))
    put("mmio", "uart", bytes([0, 0, 0]) + uart)
    put("mmio", "uart-traced", bytes([8, 0, 0x01]) + uart)

    plic = b""
    for s in range(1, 12):
        plic += wr(4 * s, s % 8)
    plic += wr(0x2000, 0xffffffff) + wr(0x2004, 0xffffffff)
    plic += wr(0x2080, 0x0000ff00) + wr(0x200000, 0) + wr(0x201000, 2)
    for s in (3, 5, 10, 33, 40):
        plic += ev(s + 2, 1)
    plic += rd(0x1000) + rd(0x200004) + rd(0x200004) + rd(0x201004)
    plic += ev(5 + 2, 0) + wr(0x200004, 5) + wr(0x200004, 3) + rd(0x200004)
    plic += rd(0x2000, W1) + wr(0x2001, 0xff, W1) + rd(0x200000, W8)
    plic += op(7, 3, 0, W4) + op(7, 7 | 5 << 16, 0, W1, True)
    plic += reset() + rd(0x1000) + rd(0x200004)
    put("mmio", "plic", bytes([1, 0x13, 0]) + plic)

    clint = (rd(0xbff8, W8) + rd(0xbff8) + rd(0xbffc) + wr(0x4000, 100, W8) +
             ev(0) + tick(20000) + ev(0) + wr(0x4004, 0, W4) +
             wr(0x4000, 0xffffffff) + wr(0x0, 1) + wr(0x4, 1) + rd(0x0, W8) +
             wr(0xbff8, 2 ** 64 - 10, W8) + tick(5000) + ev(0) +
             wr(0x4008, 5, W8) + rd(0x4008, W2) + wr(0x4009, 0xff, W1) +
             op(6, 0x800000 | 3, 2 ** 63) + wr(0x0, 1) + reset() +
             rd(0x0) + rd(0x4000, W8))
    put("mmio", "clint", bytes([2, 3, 0]) + clint)

    rtc = (rd(0x00) + rd(0x04) + wr(0x04, 0x17) + wr(0x00, 0x12345678) +
           rd(0x00) + rd(0x04) + wr(0x0c, 0x17) + wr(0x08, 0x12400000) +
           rd(0x18) + wr(0x10, 1) + tick(0xfffff) + ev(0) + rd(0x18) +
           wr(0x1c, 1) + wr(0x08, 0) + rd(0x18) + wr(0x14, 1) +
           rd(0x00, W8) + wr(0x02, 0xffff, W2) + wr(0x10, 1) +
           wr(0x0c, 0) + wr(0x08, 0) + rd(0x18) + reset() + rd(0x18))
    put("mmio", "rtc", bytes([3, 0x10, 0]) + rtc)

    fin = (rd(0) + wr(0, 0x1234) + wr(0, 0x5555) + wr(0, 0x3333 | 7 << 16) +
           wr(0, 0x7777) + wr(0, 0x5555, W1) + wr(1, 0x55, W1) +
           wr(0, 0x00013333, W8) + wr(4, 0x5555))
    put("mmio", "finisher", bytes([4, 1, 0]) + fin)

    edu = (rd(0x00) + wr(0x04, 0x12345678) + rd(0x04) + wr(0x08, 10) +
           rd(0x08) + wr(0x20, 0x80) + wr(0x08, 5) + rd(0x24) +
           wr(0x64, 1) + wr(0x60, 0x100) + rd(0x24) + wr(0x64, 0x100) +
           wr(0x80, 0x80000000, W8) + wr(0x88, 0x40000, W8) +
           wr(0x90, 16, W8) + wr(0x98, 1 | 4, W8) + rd(0x24) +
           rd(0x84) + wr(0x84, 0) + rd(0x80, W8) + rd(0x01, W1) +
           wr(0x00, 0xff, W1) +
           ev(1 | 0x10 << 1, 0x10) + ev(0 | 0x20 << 1 | 1 << 24, 0x20) +
           ev(1 << 12, 0x8000000000001000) +
           op(4, 0x1000 | 0x00, 0, W4) + op(4, 0x1000 | 0x04, 0, W2) +
           op(4, 0x1000 | 0x04, 0, W2, True) + rd(0x00) +
           op(4, 0x1000 | 0x04, 6, W2, True) +
           op(4, 0x1000 | 0x10, 0xffffffff, W4, True) +
           op(4, 0x1000 | 0x10, 0, W4) +
           op(4, 0x1000 | 0x10, 0x40100000, W4, True) + rd(0x00) +
           op(4, 0x1000 | 0x3c, 0, W4) + op(4, 0x0000, 0, W4) +
           op(4, 0x3000 | 0x10 << 14, 0, W4) + ev(0x800000) +
           wr(0x60, 1) + reset() + rd(0x24))
    put("mmio", "edu", bytes([5, 0, 0]) + edu)
    put("mmio", "edu-offset-traced", bytes([5, 0x05, 0x01]) + edu)

    def hc_page(ch, off):
        return ch * 0x1000 + off

    hc = (rd(0x000, W8) + rd(0x008, W8) + rd(0x010, W8) + rd(0x018, W8) +
          rd(0x020, W8) + rd(0x028) + rd(0x02c) + rd(0x030, W8) +
          wr(0x048, 0x41, W8) + wr(0x040, 0x1234, W8) +
          rd(hc_page(1, 0), W8) + rd(hc_page(1, 0), W8) +
          wr(hc_page(1, 0), 0, W8) +
          wr(hc_page(1, 0x008), 0) + wr(hc_page(1, 0x010), 41, W8) +
          wr(hc_page(1, 0x040), 1, W8) + rd(hc_page(1, 0x048), W8) +
          rd(hc_page(1, 0x050), W8) +
          wr(hc_page(1, 0x100), 0x6968, W2) + wr(hc_page(1, 0x103), 1, W1) +
          rd(hc_page(1, 0x101), W4) +
          b"".join(ev(i << 4 | (n << 9) | flags, 0x80000100 * (i + 1))
                   for i, n, flags in ((0, 9, 0), (1, 9, 1 << 15),
                                        (2, 9, 0), (3, 10, 0),
                                        (7, 10, 1 << 15 | 1 << 16),
                                        (0, 10, 0), (7, 9, 0), (5, 9, 0),
                                        (0, 2, 0), (0, 3, 0), (0, 4, 0),
                                        (0, 5, 0), (0, 7, 0), (0, 11, 0),
                                        (0, 12, 0), (0, 1, 0), (0, 0, 0))) +
          wr(0x040, 0x5555, W4) + wr(0x044, 0, W4))
    put("mmio", "hypercall", bytes([6, 3, 0]) + hc)
    put("mmio", "hypercall-walk", bytes([6, 0x23, 0]) + hc)
    put("mmio", "hypercall-pci", bytes([7, 2, 0]) + hc)


# ---- pci_config ----------------------------------------------------------

def pci_seeds():
    W1, W2, W4, W8 = 0, 1, 2, 3

    def rec(kind, sel, val=0, width=2, write=False):
        b0 = width | (4 if write else 0) | kind << 3
        return bytes([b0]) + (sel & 0xffffff).to_bytes(3, "little") + \
            (val & (2 ** 64 - 1)).to_bytes(8, "little")

    ops = b""
    for f in range(5):
        for b in range(5):
            ops += rec(5, f | b << 8)                        # sizing
    for f in range(5):
        for b in range(5):
            ops += rec(3, f | b << 8 | 1 << 15 | 1 << 16,
                       (f * 8 + b + 1) << 20)                # assign, enable
    for f in range(5):
        for b in range(5):
            ops += rec(6, f | b << 8 | 1 << 12, 8, W4)       # into the BAR
            ops += rec(6, f | b << 8 | 1 << 12 | 1 << 13, 0, W8, True)
    ops += rec(0, 0x0000 | 1 << 12 | 1 << 16, 0, W4)         # vendor
    ops += rec(0, 0x1004, 0, W2) + rec(0, 0x3f | 1 << 16, 0, W1)
    ops += rec(0, 0x100 | 1 << 16 | 3 << 18 | 5 << 20, 0, W4)  # function 5
    ops += rec(0, 0x10 | 3 << 22, 0, W4)                     # another bus
    ops += rec(4, 2 | 0 << 8) + rec(4, 2 | 3 << 8)           # command flips
    ops += rec(4, 3 | 0x400 << 8) + rec(6, 1 << 13, 0x100, W4)
    ops += rec(3, 2 | 4 << 8 | 1 << 12 | 1 << 15 | 1 << 16 | 1 << 14, 1)
    ops += rec(3, 3 | 0 << 8 | 2 << 12 | 1 << 16, 0) + rec(7, 1) + rec(7, 4)
    put("pci_config", "lifecycle", bytes([0x10, 0x0c, 0]) + ops)
    put("pci_config", "offset-traced", bytes([0x29, 0x3d, 0x01]) + ops)
    put("pci_config", "byte-firmware", bytes([0x1a, 0x11, 0]) +
        ops.replace(b"\x18", b"\x19"))


# ---- plugin --------------------------------------------------------------

# fuzz_plugin.c: region description widths (an index into its table)
PW = {0: 0, "1": 1, "4": 2, "48": 3, "any": 4, "anyu": 5, "2u": 6, "8u": 7}


def pdesc(valid="any", impl="any", zero=False, table=0, first=0, stride=4,
          rsize=4, n=0, widths=0, wrong=0, hole=0, behave=0):
    """A region description: table 0 none, 1 regs, 2 reg_at."""
    b2 = (1 if zero else 0) | table << 5
    return bytes([PW[valid], PW[impl], b2, first, stride, rsize, n, widths,
                  wrong, hole, behave, 0])


def pact(kind, a=0, b=0, c=0, x=0, y=0):
    """An action of the plugin (fuzz_plugin.c p_run)."""
    return bytes([kind, a, b, c]) + (x & 0xffffffff).to_bytes(4, "little") + \
        (y & (2 ** 64 - 1)).to_bytes(8, "little")


IRQ, DMA_RD, DMA_WR, MAP, TNEW, TARM, TCANCEL, REQ, CAP, CFGSET, CFGGET, \
    PROP, REPORT, MMIO, BAR, MISC, CHAIN = range(17)


def pop(kind, sel, val=0, width=2, write=False, who=0):
    """A guest operation (fuzz_plugin.c run_op)."""
    b0 = width | (4 if write else 0) | kind << 3 | who << 6
    return bytes([b0]) + (sel & 0xffffff).to_bytes(3, "little") + \
        (val & (2 ** 64 - 1)).to_bytes(8, "little")


def phdr(pci=False, irqs=1, fail=False, defect=0, firmware=True, trace=0,
         props=0, window=1, lines=2, nreal=0, npool=0, fdt=0, h7=1):
    b0 = (1 if pci else 0) | irqs << 1 | (8 if fail else 0) | \
        defect << 4 | (0x80 if firmware else 0)
    return bytes([b0, trace, props, window | lines << 4, nreal, npool, fdt,
                  h7])


def plugin_seeds():
    W1, W2, W4, W8 = 0, 1, 2, 3
    descs = (pdesc("anyu", "4", table=1, first=0, stride=4, rsize=4, n=4,
                   behave=2) +
             pdesc("anyu", "48", zero=True, table=2, first=0x10, stride=8,
                   rsize=8, n=6, widths=0x5, hole=1, behave=3) +
             pdesc("anyu", "4", behave=4) +
             pdesc(0, "8u", table=1, first=8, stride=16, rsize=8, n=3,
                   widths=0xff, wrong=0))
    realize = (pact(MMIO, 0, 0, 3) +                 # +0, 0x100, desc 0
               pact(MMIO, 1, 0x80, 0x80, x=0x103, y=0x100) +  # odd offset
               pact(MMIO, 2, 0x80, 0x80, x=0x401, y=0x40) +  # odd too
               pact(MMIO, 3, 0x80, 0x80, x=0x800, y=0x30) +
               pact(MMIO, 0, 1, 5) +                 # overlaps, 6 bytes
               pact(TNEW) + pact(TNEW) + pact(TNEW, a=7) +
               pact(IRQ, a=0, b=1) + pact(IRQ, a=3, b=1) +
               pact(DMA_WR, x=0, y=0x100, b=16) +
               pact(DMA_RD, c=1, b=0x81) +
               pact(CAP, 5, 2) + pact(PROP, 0, 0) + pact(PROP, 2, 2) +
               pact(PROP, 1, 0) + pact(TARM, 0, 0, y=5000) +
               pact(MISC, 0, 0, 0, y=0x10))
    pool = (pact(IRQ, a=1, b=1) + pact(TARM, 1, 1) + pact(REQ, 2, 0) +
            pact(DMA_WR, x=0, y=0x2000, b=0x20, c=7) + pact(TCANCEL, 0, 1) +
            pact(MAP, x=0, y=0x3000, b=0x84, c=1) + pact(TNEW) +
            pact(REPORT, 1, x=1500) + pact(REPORT, 0, x=100) +
            pact(MMIO, 0) + pact(REQ, 3) + pact(IRQ, a=0x85) +
            pact(CHAIN) + pact(TARM, 0, 3) + pact(DMA_RD, x=2, y=0x200))
    ops = b""
    for r in range(4):
        for w in (W1, W2, W4, W8):
            ops += pop(0, r, 0x30000 + (w << 16) * 3, w)
            ops += pop(1, r, 0xa0000 + (w << 16), w, True)
    ops += pop(5, 4000) + pop(5, 0x800000 | 8, 2 ** 40) + pop(3, 1, 0, W8)
    ops += pop(3, 0x101, 5, W4, True) + pop(6, 1) + pop(5, 10000)
    ops += pop(0, 1, 0x10 << 16, W1) + pop(6, 0) + pop(7, 0)
    put("plugin", "platform",
        phdr(nreal=len(realize) // 16, npool=len(pool) // 16, fdt=0x80) +
        descs + realize + pool + ops)
    put("plugin", "platform-traced",
        phdr(trace=0x01, nreal=len(realize) // 16, npool=len(pool) // 16,
             fdt=0x8e) + descs + realize + pool + ops)

    bars = (pact(BAR, 1, 5, 0, x=0x00) +             # bar0 4 KiB, desc 0
            pact(BAR, 2, 13, 1, x=0x21) +            # bar1 I/O 32, no ops
            pact(BAR, 3, 6, 0xc, x=0x10) +           # bar2 64-bit pref.
            pact(BAR, 7, 4, 0, x=0x31) +             # ROM 2 KiB, no ops
            pact(BAR, 5, 5, 0, x=0x20) +             # bar4 (bar3 free)
            pact(BAR, 4, 5, 0) +                     # bar3: taken by bar2
            pact(CAP, 9, 2) + pact(CAP, 5, 3) + pact(CAP, 0x10, 5) +
            pact(CFGSET, 0, 0x80, 1, x=0x48) +
            pact(CFGGET, 0, 0x80, 4, x=0x40) +
            pact(TNEW) + pact(TNEW) + pact(PROP, 0, 5) + pact(IRQ, 0, 1) +
            pact(DMA_RD, x=1, y=0x100, b=8))
    pool = (pact(DMA_WR, x=1, y=0x400, b=0x20) + pact(IRQ, 0, 1) +
            pact(MAP, x=1, y=0x800, b=0x84) + pact(TARM, 0, 0, y=100) +
            pact(IRQ, 0, 0) + pact(CFGGET, 0, 0x80, 2, x=0x42) +
            pact(DMA_RD, x=1, y=0xfff0, b=0x20) + pact(TARM, 1, 1) +
            pact(CAP, 1, 2) + pact(BAR, 1, 5) + pact(REQ, 0))
    ops = b""
    for r in range(3):
        for w in (W1, W2, W4, W8):
            ops += pop(0, r, 0x50000 + (w << 16), w)
            ops += pop(1, r, 0x90000 + (w << 16), w, True)
    ops += (pop(4, 0x04, 0, W2) + pop(4, 0x04, 0x400, W2, True) +
            pop(4, 0x10, 0, W4) + pop(4, 0x48, 0, W4) +
            pop(5, 1000) + pop(7, 0x000700) + pop(7, 1) +
            pop(6, 1) + pop(4, 0x04, 7, W2, True) + pop(5, 100000))
    put("plugin", "pci",
        phdr(pci=True, nreal=len(bars) // 16, npool=len(pool) // 16) +
        descs + bars + pool + ops)
    put("plugin", "pci-props-traced",
        phdr(pci=True, trace=0x01, props=6, nreal=len(bars) // 16,
             npool=len(pool) // 16) + descs + bars + pool + ops)
    put("plugin", "bad-class", phdr(defect=5) + descs)
    put("plugin", "bad-props", phdr(props=9) + descs)
    put("plugin", "realize-fails",
        phdr(fail=True, nreal=len(realize) // 16) + descs + realize)


# ---- loader --------------------------------------------------------------

MINI_ELF = """
    .section .text.init, "ax"
    .globl _start
_start:
    li   t0, 1
    la   t1, tohost
    sd   t0, 0(t1)
1:  j    1b
    .section .tohost, "aw"
    .align 3
    .globl tohost
tohost: .dword 0
    .globl fromhost
fromhost: .dword 0
"""


def loader_seeds():
    with tempfile.TemporaryDirectory() as t:
        s, e = os.path.join(t, "m.S"), os.path.join(t, "m.elf")
        ld = os.path.join(t, "m.ld")
        with open(s, "w") as f:
            f.write(MINI_ELF)
        with open(ld, "w") as f:
            f.write("ENTRY(_start) SECTIONS { . = 0x80000000;"
                    " .text : { *(.text.init) *(.text) }"
                    " .tohost : { *(.tohost) } }\n")
        subprocess.check_call([
            "riscv64-linux-gnu-gcc", "-march=rv64gc", "-mabi=lp64d",
            "-nostdlib", "-nostartfiles", "-static", "-Wl,--build-id=none",
            "-T", ld, "-Wl,-z,max-page-size=16",
            "-Wl,--no-warn-rwx-segments", "-o", e, s])
        put("loader", "mini.elf", open(e, "rb").read())
    # a RISC-V Linux Image header (magic at 0x30/0x38)
    img = bytearray(64)
    img[0:4] = b"\x6f\x00\x00\x0a"                      # j +160
    img[0x30:0x38] = b"RISCV\0\0\0"
    img[0x38:0x3c] = b"RSC\x05"
    put("loader", "image", bytes(img) + b"\x13\x00\x00\x00" * 8)
    put("loader", "gzip", b"\x1f\x8b\x08\x00" + b"\0" * 12)
    put("loader", "cpio", b"070701" + b"0" * 104)
    pe = bytearray(b"MZ" + b"\0" * 126)
    put("loader", "pe", bytes(pe))
    bz = bytearray(0x240)
    bz[0x202:0x206] = b"HdrS"
    put("loader", "bzimage", bytes(bz))
    true = open("/bin/true", "rb").read(1024)
    put("loader", "x86-elf", true)
    glass = os.path.join(TOP, "build", "glass")
    if os.access(glass, os.X_OK):
        with tempfile.TemporaryDirectory() as t:
            d = os.path.join(t, "virt.dtb")
            subprocess.check_call([glass, "-bios", "none", "-kernel",
                                   os.path.join(CORPUS, "loader",
                                                "seed-mini.elf"),
                                   "-dumpdtb", d])
            put("loader", "virt.dtb", open(d, "rb").read())


def jit_hdr(priv=2, mode=0, templates=False, page=0, st1=0xc0, st2=0,
            medeleg=0, mie_deleg=0, lines=0, dev=0x0c, regs=0, fregs=0,
            steps=63, budgets=None):
    """The 42-byte header of fuzz_jit (see fuzz/fuzz_jit.c)."""
    b = [priv | mode << 2 | (0x10 if templates else 0) | page << 5, st1, st2,
         medeleg, mie_deleg, lines, dev, regs, fregs, steps]
    b += budgets or [(7 * i + 3) & 0xff for i in range(32)]
    return bytes(b)


JIT_LOOP = """
    li t0, 0
    li t1, 40
1:  ld t2, 0(x20)
    add t0, t0, t2
    mul t3, t0, t1
    sd t3, 8(x20)
    sw t0, 3(x20)
    lbu t4, 17(x20)
    lw t5, 0(x21)
    sb t4, 1(x21)
    divw t6, t0, t1
    remu a0, t3, t1
    addi x20, x20, 16
    addi t1, t1, -1
    bnez t1, 1b
    jal ra, 2f
    ecall
2:  auipc a1, 0
    jalr x0, 8(ra)
"""

JIT_SMC = """
    auipc t0, 0
    lw t1, 24(t0)
    addi t1, t1, 1
    sw t1, 28(t0)
    fence.i
    addi a0, a0, 1
    addi a0, a0, 1
    csrr a1, instret
    csrw mscratch, a1
    lr.d a2, (x20)
    sc.d a3, a1, (x20)
    amoadd.w a4, a1, (x20)
    fld f1, 0(x20)
    fadd.d f2, f1, f1
    fmul.s f3, f4, f5
    fcvt.w.d a5, f2, rtz
    fsd f2, 8(x20)
    wfi
"""

# The trigger module armed from the code (the JIT's hart then runs in the
# interpreter): a load trigger on x20's address, then an execute trigger
# inside a loop; the handler at +0x100 (mtvec) disarms the selected one.
JIT_TRIGGERS = """
.option norvc
    li t1, 1
    csrw tselect, t1
    csrw tdata2, x20
    li t1, 0x6000000000000041
    csrw tdata1, t1
    ld t2, 0(x20)
    csrw tselect, zero
    li t1, 0x6000000000000044
    auipc t0, 0
    addi t0, t0, 28
    csrw tdata2, t0
    csrw tdata1, t1
    li a0, 0
    li a2, 20
1:  addi a0, a0, 1
    addi a1, a1, 5
    bne a0, a2, 1b
    j .
.org 0x100
    csrw tdata1, zero
    mret
"""


def jit_seeds():
    import random
    put("jit", "m-loop", jit_hdr() + asm(JIT_LOOP))
    put("jit", "s-sv39-loop", jit_hdr(priv=1, mode=1, page=2) + asm(JIT_LOOP))
    put("jit", "u-sv48-loop", jit_hdr(priv=0, mode=2, page=3, st2=0x20,
                                      medeleg=0xff, mie_deleg=0xff,
                                      lines=0x3f) + asm(JIT_LOOP))
    put("jit", "m-smc-system", jit_hdr(page=1, mie_deleg=0xf8, lines=0x05)
        + asm(JIT_SMC))
    put("jit", "m-triggers", jit_hdr(steps=40) + asm(JIT_TRIGGERS))
    for n in range(8):
        r = random.Random(n)
        hdr = jit_hdr(priv=n % 3, mode=(n // 3) % 3, templates=True,
                      page=n % 8, st1=0xc0 | r.randrange(64),
                      st2=r.randrange(256), medeleg=r.randrange(256),
                      mie_deleg=r.randrange(256), lines=r.randrange(256),
                      dev=r.randrange(256), regs=r.randrange(256),
                      fregs=r.randrange(256),
                      budgets=[r.randrange(256) for _ in range(32)])
        put("jit", "templates-%d" % n,
            hdr + bytes(r.randrange(256) for _ in range(1536)))


# ---- gdb -----------------------------------------------------------------

def rsp(*packets):
    """What a GDB client sends: each packet framed ($data#cs) and followed
    by the ack of the reply; bytes objects go as they are (Ctrl-C)."""
    out = b""
    for p in packets:
        if isinstance(p, bytes):
            out += p
            continue
        d = p.encode()
        out += b"$" + d + b"#" + b"%02x" % (sum(d) & 0xff) + b"+"
    return out


def gdb_seeds():
    # the loop of fuzz_gdb.c: 0x80000000 auipc, 0x80000004 addi,
    # 0x80000008 sd to 0x80000100, 0x8000000c ld, ... 0x80000014 sb to
    # the UART's scratch register 0x10000007
    connect = ["qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
               "vContSupported+;no-resumed+", "vMustReplyEmpty",
               "QStartNoAckMode", "Hg0",
               "qXfer:features:read:target.xml:0,ffb",
               "qXfer:features:read:target.xml:ffb,ffb", "qTStatus", "?",
               "qfThreadInfo", "qsThreadInfo", "qAttached", "Hc-1",
               "qOffsets", "g", "m80000000,40", "qSymbol::"]
    put("gdb", "connect", rsp(*connect))
    put("gdb", "break-step", rsp(
        "qSupported:swbreak+;hwbreak+", "?", "Z0,80000008,4", "vCont?",
        "vCont;c", "g", "z0,80000008,4", "Z1,8000000c,4", "c", "s",
        "p20", "P5=1122334455667788", "p5", "z1,8000000c,4",
        "G" + "00" * 8 * 33, "s80000004", "vCont;s:1", "D"))
    put("gdb", "watch", rsp(
        "Z2,80000100,8", "vCont;c", "z2,80000100,8", "Z3,80000100,8",
        "c", "z3,80000100,8", "Z4,10000007,1", "c", "z4,10000007,1",
        "Qqemu.PhysicalMemoryMode:1", "Z2,80000100,8", "c",
        "qqemu.PhysicalMemoryMode", "Qqemu.PhysicalMemoryMode:0",
        "qqemu.sstepbits", "Qqemu.sstep=1", "qqemu.sstep", "k"))
    put("gdb", "smp", rsp(
        "qfThreadInfo", "Hg2", "g", "qThreadExtraInfo,2", "T2",
        "vCont;s:2;c", "vCont;c:1", b"\x03", "Hg1", "m80000100,8",
        "vCont;c", b"\x03", "?"))
    hexcmd = lambda c: c.encode().hex()
    put("gdb", "monitor", rsp(
        "qRcmd," + hexcmd("info registers"),
        "qRcmd," + hexcmd("watch 0x10000007 1 w"), "c",
        "qRcmd," + hexcmd("info gdb"), "qRcmd," + hexcmd("unwatch all"),
        "qRcmd," + hexcmd("trace on mmio"), "c", b"\x03",
        "qRcmd," + hexcmd("stop"), "qRcmd," + hexcmd("cont"),
        "qRcmd," + hexcmd("gdbserver none")))
    esc = b"}" + bytes([ord("#") ^ 0x20]) + b"}" + bytes([ord("$") ^ 0x20])
    xpkt = b"X80000104,4:" + esc + b"ab"
    put("gdb", "memory", rsp(
        "M80000100,4:deadbeef", "m80000100,4",
        b"$" + xpkt + b"#" + b"%02x" % (sum(xpkt) & 0xff), "m0,10",
        "mffffffffffffff00,200", "m80000000,ffffffffffffffff",
        "M10000007,1:5a", "m10000000,8", "X80000000,0:"))
    # the trigger module from the debugger: tdata2 (regnum 65 + 0x7a2)
    # = 0x80000100, tdata1 (65 + 0x7a1) = mcontrol6, m, load and store
    put("gdb", "triggers", rsp(
        "p7e1", "P7e1=0000000000000000", "P7e3=0001008000000000",
        "P7e2=4300000000000060", "p7e2", "c", b"\x03", "p343", "p342"))
    put("gdb", "garbage", b"$g#00-+$m8000" + b"\x03" + b"}}$#" +
        rsp("qNoSuch", "", "Z9,0,4", "vCont;x", "Hg99", "pffffffff"))


def main():
    for tool in ("riscv64-linux-gnu-as", "riscv64-linux-gnu-gcc"):
        if not shutil.which(tool):
            sys.exit("seeds.py: %s is needed (gcc-riscv64-linux-gnu)" % tool)
    exec_seeds()
    mmu_seeds()
    mmio_seeds()
    pci_seeds()
    plugin_seeds()
    loader_seeds()
    jit_seeds()
    gdb_seeds()


if __name__ == "__main__":
    main()
