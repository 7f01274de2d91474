#!/usr/bin/env python3
"""Writes probe.scap: hand-built events (2022 ids and layouts) covering parameter types and
values the shared captures never show: modes, PT_DYN alternatives, fd lists, signal sets, uids,
relative paths, unknown errnos and signals, generic events with renamed or unknown syscalls,
IPv4-mapped tuples, long and binary buffers. Used by sysdig_diff.py (the `probe` capture).

  make_probe_capture.py OUT.scap
"""
import socket
import struct
import sys

TS = 1500000000000000000


def shb():
    return struct.pack("<IIIHHqI", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 2, -1, 28)


def event_block(ts, tid, etype, params, cpu=0):
    lens = b"".join(struct.pack("<H", len(p)) for p in params)
    data = b"".join(params)
    length = 26 + len(lens) + len(data)
    record = struct.pack("<QqIHI", ts, tid, length, etype, len(params)) + lens + data
    body = struct.pack("<H", cpu) + record
    total = 8 + len(body) + 4
    pad = (4 - total % 4) % 4
    total += pad
    return struct.pack("<II", 0x216, total) + body + b"\0" * pad + struct.pack("<I", total)


def i64(v): return struct.pack("<q", v)
def u64(v): return struct.pack("<Q", v)
def u32(v): return struct.pack("<I", v)
def u16(v): return struct.pack("<H", v)
def i16(v): return struct.pack("<h", v)
def u8(v): return struct.pack("<B", v)
def cstr(s): return s + b"\0"
def ip4(s): return socket.inet_pton(socket.AF_INET, s)
def ip6(s): return socket.inet_pton(socket.AF_INET6, s)


def events():
    ev = []
    add = lambda etype, params: ev.append((etype, params))
    for res in (-13, -61, -512, -11, -95, -1, -1000, 5):
        add(5, [i64(res)])                                   # close_X res: errno names
    for fd in (-2, -100, 7, -1, 4294967295):
        add(4, [i64(fd)])                                    # close_E fd
    for uid in (0, 1000, 0xFFFFFFFF):
        add(198, [u32(uid)])                                 # setuid_E uid
    add(80, [u16(2) + i64(3) + i16(1) + i64(4) + i16(4), i64(5)])        # poll_E fds, timeout
    add(81, [i64(1), u16(1) + i64(3) + i16(-1)])                          # poll_X
    for mode in (0o755, 0, 0o4755, 0o1777):
        add(317, [i64(0), i64(3), u32(mode)])                # fchmod_X mode (PT_MODE)
    for val in (b"\x02" + u32(65536), b"\x00ab\x01", b"\x04" + u64(1500000000), b"\x01" + i64(-2),
                b"\x03" + u64(2 ** 40), b"\x00"):
        add(45, [i64(0), i64(3), u8(1), u8(2), val, u32(4)])   # setsockopt_X val (PT_DYN)
    add(169, [i64(0), b"\x00" + u64(0x1234), b"\x01" + u8(9)])  # ptrace_X addr, data
    for addr in (b"\x02" + ip4("10.0.0.1") + u16(443), b"\x01" + cstr(b"/tmp/sock"),
                 b"\x01" + cstr(b"/tmp/s\x01ck"), b"\x0a" + ip6("2001:db8::3") + u16(1234), b"\x11\x00", b""):
        add(22, [i64(3), addr])                              # connect_E addr
    for tup in (b"\x0a" + ip6("::ffff:1.2.3.4") + u16(5) + ip6("::ffff:5.6.7.8") + u16(6),
                b"\x0a" + ip6("::1") + u16(38255) + ip6("::1") + u16(2345),
                b"\x02" + ip4("127.0.0.1") + u16(47192) + ip4("127.0.0.1") + u16(80),
                b"\x01" + u64(0) + u64(0xFFFF94DC817B9400) + cstr(b"/var/run/nscd/socket"), b""):
        add(23, [i64(-115), tup])                            # connect_X tuple
    for sig in (9, 15, 31, 64):
        add(186, [i64(0), i64(0), u8(sig), u8(1)])           # procexit sig
        add(128, [i64(1234), u8(sig)])                       # kill_E pid, sig
    add(254, [u16(1) + i64(0) + i16(1), u64(2000000), u32(0x5)])            # ppoll_E
    add(254, [u16(1) + i64(0) + i16(1), u64(0xFFFFFFFFFFFFFFFF), u32(0x80000001)])
    for name in (b"/etc/passwd", b"relative/./x/../file", b"(NULL)", b"", b"a\x01b", b"../up/"):
        add(2, [cstr(name), u32(0x1 | 0x4 | 0x200), u32(0o644)])            # open_E
    for flags in (0, 1, 2, 3, 4097, 0x4000 | 2):
        add(2, [cstr(b"/f"), u32(flags), u32(0)])
    for code in (298, 0, 300, 328, 329, 75, 5000):
        add(0, [u16(code), u16(15)])                         # generic syscall E
        add(1, [u16(code)])
    add(7, [i64(9), b"ab\x00\x01cd\n\te"])                   # read_X data
    add(7, [i64(100), bytes(range(100))])
    add(7, [i64(200), b"x" * 200])
    for op in (129, 128, 0, 1, 0x3F):
        add(64, [u64(0xC000065948), u16(op), u64(1)])        # futex_E op
    for domain in (1, 2, 10, 16, 99):
        add(18, [u32(domain), u32(524290), u32(0)])          # socket_E domain
    add(160, [u64(0), u64(8192), u32(3), u32(0x22), i64(-1), u64(0)])     # mmap_E
    add(161, [u64(0xFFFFFFFFFFFFFFF4), u32(1), u32(2), u32(3)])           # mmap_X failing
    for whence in (0, 1, 2, 5):
        add(86, [i64(3), u64(10), u8(whence)])               # lseek_E whence
    for cmd in (0, 1, 2, 3, 4, 99):
        add(150, [i64(3), u8(cmd)])                          # fcntl_E cmd
    for res in (0, 7, 1):
        add(142, [u8(res)])                                  # setrlimit_E resource
    add(143, [i64(0), i64(-1), i64(4096)])                   # setrlimit_X
    for dirfd, name in ((-100, b"rel/name"), (5, b"x"), (-100, b"/abs")):
        add(303, [i64(0), i64(dirfd), cstr(name), u32(0x200)])               # unlinkat_X
    add(311, [i64(0), i64(-100), cstr(b"old"), i64(7), cstr(b"new"), u32(0x400)])  # linkat_X
    add(36, [i64(3), u8(2)])                                 # shutdown_E how
    add(242, [i64(3), u32(0x2 | 0x4)])                       # flock_E operation
    add(251, [i64(0), u32(2), u16(1), i16(-1), u16(0x1000), u16(2), i16(3), u16(0x800)])  # semop_X
    add(98, [cstr(b"newdir"), u32(0o755)])                   # mkdir_E path, mode
    add(264, [u32(0)])                                       # access_E
    add(264, [u32(0x1 | 0x2 | 0x4)])
    add(166, [i64(3), i64(4), u64(100), u32(0x1 | 0x4)])     # splice_E flags
    return ev


def main():
    out = shb()
    for i, (etype, params) in enumerate(events()):
        # A thread per event: sysdig would otherwise carry fd state from one probe to the next.
        out += event_block(TS + i, 1000 + i, etype, params, cpu=i % 4)
    with open(sys.argv[1], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
