#!/usr/bin/env python3
"""Differential check of `vigil --raw` printing against sysdig 0.29.3 (`sysdig -D`).

  sysdig_diff.py gen   --capture F --golden-dir DIR               writes DIR/<F>.txt.gz from sysdig
  sysdig_diff.py check --capture F --golden-dir DIR --vigil BIN    compares vigil with the golden
                       [--live]                                    ... and with sysdig run now

F may be `probe`: the hand-built capture make_probe_capture.py writes (types and values the
shared captures lack), built into a temporary directory.

For every output format below, both tools print `%evt.num` followed by the format, and the
lines are compared event by event. Only the differences scap-format.md §17 explains are
tolerated, each by name (see KNOWN_DIFFERENCES); everything else is a failure that names the
capture, the format, the event number and both lines.
"""
import argparse
import csv
import gzip
import os
import re
import subprocess
import sys
import tempfile

# Parameter names whose formatted value (%evt.arg.NAME) needs no process state, and names whose
# raw value sysdig 0.29.3 can print at all (%evt.rawarg works there only for errno/int64/pid
# and string/buffer parameters; other types abort sysdig or print nothing).
ARG_NAMES = [
    "ID", "nativeID", "addr", "args", "argument", "backlog", "cgroups", "comm", "core", "cpu_sys", "cpu_usr", "cwd",
    "data", "dev", "domain", "env", "event_data", "event_type", "exe", "fdlimit", "flags", "id",
    "image", "interval", "json", "length", "loginuid", "maxevents", "mode", "name", "offset", "op",
    "pgft_maj", "pgft_min", "prot", "proto", "queuelen", "queuemax", "queuepct", "request", "res",
    "ret", "sig", "size", "status", "tty", "tuple", "type", "val", "vm_rss", "vm_size", "vm_swap",
]
RAWARG_NAMES = [
    "args", "cgroups", "comm", "cwd", "env", "exe", "image", "json", "maxevents", "name", "next",
    "pgid", "pid", "ptid", "res", "ret", "status", "tid",
]
FORMATS = [
    ("base", "%evt.rawtime %evt.cpu %thread.tid %evt.dir %evt.type"),
    ("args", "%evt.type %evt.args"),
    ("res", "*%evt.type %evt.res"),
    ("arg", "*" + "\t".join("%evt.arg." + n for n in ARG_NAMES)),
    ("rawarg", "*" + "\t".join("%evt.rawarg." + n for n in RAWARG_NAMES)),
]

# The differences scap-format.md §17 documents, tolerated by name and counted.
KNOWN_DIFFERENCES = {
    "leading-container": "§17.2: container events before the first other event are consumed by "
                         "libsinsp when the file is opened; numbered, never printed by sysdig",
    "unknown-id": "§17.3: ids >= 336 are unknown to sysdig 0.29.3, skipped without a number; "
                  "vigil knows and prints them",
    "generic-name": "§12.1/§17.6: generic syscall events print the ppm_sc name; the 2022 table "
                    "calls code 298 sigreturn (newest: rt_sigreturn) and has no name past 328, so "
                    "sysdig has no %evt.type for those (the line is dropped, or <NA>) and shows "
                    "their ID as <unknown syscall>",
    "rawarg-type": "sysdig 0.29.3 types %evt.rawarg.NAME by the first parameter called NAME in its "
                   "whole table (res: an errno), so a 64-bit unsigned result (brk, mmap) above 2^63 "
                   "prints signed there; vigil prints each parameter by its own type",
    "state": "fd, pid, uid and gid parameters carry a resolution that needs process state "
             "(`fd=3(<f>/etc/passwd)`, `tid=20072(cat)`); vigil without an inspector prints the "
             "number only. Compared without the resolution.",
}
SYSDIG_2022_SC_NAMES = {"rt_sigreturn": "sigreturn"}
STATE_TYPES = {"PT_FD", "PT_PID", "PT_UID", "PT_GID"}
CONTAINER_IDS = {228, 272, 324}


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)


def sysdig_output(capture, fmt):
    r = run(["sysdig", "-D", "-r", capture, "-p", ("*" if fmt.startswith("*") else "") + "%evt.num " + fmt.lstrip("*")])
    if r.returncode != 0:
        sys.exit("sysdig failed on %s: %s" % (capture, r.stderr.decode(errors="replace")))
    return r.stdout


def vigil_output(vigil, capture, fmt):
    r = run([vigil, "-e", capture, "--raw", "-p", ("*" if fmt.startswith("*") else "") + "%evt.num " + fmt.lstrip("*")])
    if r.returncode != 0:
        sys.exit("vigil failed on %s: %s" % (capture, r.stderr.decode(errors="replace")))
    return r.stdout


def split_lines(blob):
    """(evt.num, rest) per event; a value holding a newline continues the previous line."""
    out = []
    for line in blob.split(b"\n"):
        num, _, rest = line.partition(b" ")
        if num.isdigit():
            out.append((int(num), rest))
        elif out:
            out[-1] = (out[-1][0], out[-1][1] + b"\n" + line)
    if out and out[-1][1].endswith(b"\n"):
        out[-1] = (out[-1][0], out[-1][1][:-1])
    return out


def golden_path(golden_dir, capture):
    return os.path.join(golden_dir, os.path.basename(capture) + ".txt.gz")


def gen(args):
    parts = []
    for name, fmt in FORMATS:
        parts.append(b"##FORMAT " + name.encode() + b"\n" + sysdig_output(args.capture, fmt))
    os.makedirs(args.golden_dir, exist_ok=True)
    with gzip.GzipFile(golden_path(args.golden_dir, args.capture), "wb", mtime=0) as f:
        f.write(b"".join(parts))


def read_golden(path):
    with gzip.open(path, "rb") as f:
        blob = f.read()
    out = {}
    for chunk in blob.split(b"##FORMAT ")[1:]:
        name, _, body = chunk.partition(b"\n")
        out[name.decode()] = body
    return out


def load_table(docs):
    """{event id: [(param name, PT_ type)]} of the 2022 table, plus each name's first type."""
    params, first = {}, {}
    with open(os.path.join(docs, "event-table-0.29.tsv")) as f:
        for row in list(csv.reader(f, delimiter="\t"))[1:]:
            params[int(row[0])] = [tuple(p.split(":")[:2]) for p in row[7].split(";") if p]
            for name, ptype in params[int(row[0])]:
                first.setdefault(name, ptype)
    params["first"] = first
    return params


class EventMap:
    """vigil's event numbers mapped to sysdig's, from `%evt.num %evt.type.id %evt.rawarg.ID`."""

    def __init__(self, vigil, capture):
        self.ids, self.sc_code, self.to_sysdig, self.hidden = {}, {}, {}, {}
        unknown_before = 0
        leading = True
        for num, rest in split_lines(vigil_output(vigil, capture, "*%evt.type.id %evt.rawarg.ID")):
            tid, _, code = rest.partition(b" ")
            eid = int(tid)
            self.ids[num] = eid
            if code != b"<NA>":
                self.sc_code[num] = int(code)
            if eid >= 336:
                self.hidden[num] = "unknown-id"
                unknown_before += 1
                continue
            if leading and eid in CONTAINER_IDS:
                self.hidden[num] = "leading-container"
            else:
                leading = False
            self.to_sysdig[num] = num - unknown_before


def strip_resolution(value):
    """`3(<f>/etc/passwd)` -> `3`; the value before the first '(' when it is a number."""
    head, sep, _ = value.partition(b"(")
    if sep and head.lstrip(b"-").isdigit():
        return head
    return value


def split_args(args, names):
    """Splits `n1=v1 n2=v2 ` using the known parameter names (values may contain spaces)."""
    values = []
    pos = 0
    for i, name in enumerate(names):
        if pos >= len(args):
            break
        key = name.encode() + b"="
        if not args.startswith(key, pos):
            return None
        start = pos + len(key)
        nxt = args.find(b" " + names[i + 1].encode() + b"=", start) if i + 1 < len(names) else -1
        if nxt < 0:
            values.append(args[start:-1] if args.endswith(b" ") else args[start:])
            pos = len(args)
        else:
            values.append(args[start:nxt])
            pos = nxt + 1
    return values


def as_signed64(text):
    try:
        v = int(text)
    except ValueError:
        return None
    return v - (1 << 64) if v >= (1 << 63) else v


def normalize_rawarg(eid, vline, sline, table, counts):
    vcols, scols = vline.split(b"\t"), sline.split(b"\t")
    if len(vcols) != len(scols) or len(vcols) != len(RAWARG_NAMES):
        return vline, sline
    types = dict(table[eid])
    for i, name in enumerate(RAWARG_NAMES):
        if vcols[i] == scols[i] or types.get(name) == table["first"].get(name):
            continue
        if table["first"].get(name) in ("PT_ERRNO", "PT_INT64", "PT_PID") and \
                as_signed64(vcols[i]) is not None and str(as_signed64(vcols[i])).encode() == scols[i]:
            vcols[i] = scols[i]
            counts["rawarg-type"] = counts.get("rawarg-type", 0) + 1
    return b"\t".join(vcols), sline


def normalize(fmt_name, eid, vline, sline, table, counts):
    """Returns (vigil, sysdig) after removing the named, tolerated differences."""
    if eid not in table or vline == sline:
        return vline, sline
    if fmt_name == "rawarg":
        return normalize_rawarg(eid, vline, sline, table, counts)
    if fmt_name != "args":
        return vline, sline
    ptypes = table[eid]
    names = [n for n, _ in ptypes]
    vt, _, vargs = vline.partition(b" ")
    st, _, sargs = sline.partition(b" ")
    vvals, svals = split_args(vargs, names), split_args(sargs, names)
    if vvals is None or svals is None or len(vvals) != len(svals):
        return vline, sline
    changed = False
    for i, (_, ptype) in enumerate(ptypes[: len(svals)]):
        if ptype in STATE_TYPES and svals[i] != vvals[i]:
            sv = strip_resolution(svals[i])
            if sv != svals[i] and sv == strip_resolution(vvals[i]):
                svals[i] = vvals[i] = sv
                changed = True
    if not changed:
        return vline, sline
    counts["state"] = counts.get("state", 0) + 1
    join = lambda t, vals: t + b" " + b" ".join(n.encode() + b"=" + v for n, v in zip(names, vals))
    return join(vt, vvals), join(st, svals)


def generic_name_ok(events, num, vline, sline):
    if events.ids.get(num) not in (0, 1):
        return False
    sline = sline.replace(b"<unknown syscall>", b"<unknown_syscall>")
    vwords, swords = re.split(rb"[ \t]", vline), re.split(rb"[ \t]", sline)
    if len(vwords) != len(swords):
        return False
    for v, s in zip(vwords, swords):
        if v == s:
            continue
        if SYSDIG_2022_SC_NAMES.get(v.decode(errors="replace")) == s.decode(errors="replace"):
            continue
        if s in (b"<NA>", b"<unknown_syscall>") and events.sc_code.get(num, 0) > 328:
            continue
        return False
    return True


def compare(capture, fmt_name, vigil_blob, sysdig_blob, events, table, source):
    failures, counts = [], {}
    expected = split_lines(sysdig_blob)
    got = []
    for num, rest in split_lines(vigil_blob):
        if num in events.hidden:
            reason = events.hidden[num]
            counts[reason] = counts.get(reason, 0) + 1
            continue
        got.append((events.to_sysdig[num], num, rest))
    expected_by_num = dict(expected)
    matched = 0
    for snum, vnum, vline in got:
        if snum not in expected_by_num:
            if events.ids.get(vnum) in (0, 1) and events.sc_code.get(vnum, 0) > 328:
                counts["generic-name"] = counts.get("generic-name", 0) + 1  # no %evt.type in sysdig
                continue
            failures.append("%s [%s vs %s]: vigil printed event %d (sysdig #%d), sysdig did not:\n  vigil:  %r"
                            % (os.path.basename(capture), fmt_name, source, vnum, snum, vline))
            continue
        matched += 1
        sline = expected_by_num[snum]
        v, s = normalize(fmt_name, events.ids.get(vnum), vline, sline, table, counts)
        if v == s:
            continue
        if generic_name_ok(events, vnum, v, s):
            counts["generic-name"] = counts.get("generic-name", 0) + 1
            continue
        failures.append("%s [%s vs %s] event %d:\n  vigil:  %r\n  sysdig: %r"
                        % (os.path.basename(capture), fmt_name, source, snum, v, s))
        if len(failures) > 20:
            break
    if matched != len(expected):
        shown = {snum for snum, _, _ in got}
        missing = [num for num, _ in expected if num not in shown]
        failures.append("%s [%s vs %s]: sysdig printed %d events vigil did not, first #%s"
                        % (os.path.basename(capture), fmt_name, source, len(missing), missing[:5]))
    return failures, counts


def check(args):
    table = load_table(args.docs)
    events = EventMap(args.vigil, args.capture)
    golden = read_golden(golden_path(args.golden_dir, args.capture))
    failures, total = [], {}
    for name, fmt in FORMATS:
        vblob = vigil_output(args.vigil, args.capture, fmt)
        sources = [("golden", golden.get(name))]
        if args.live:
            sources.append(("live sysdig", sysdig_output(args.capture, fmt)))
        for source, sblob in sources:
            if sblob is None:
                failures.append("golden file has no format %s: regenerate with scripts/golden/gen-capture-golden.sh" % name)
                continue
            f, counts = compare(args.capture, name, vblob, sblob, events, table, source)
            failures += f
            for k, v in counts.items():
                total[k] = total.get(k, 0) + v
            if source == "golden" and not f and len(split_lines(sblob)) == 0 and name == "base":
                failures.append("%s: sysdig printed no events; the golden is useless" % args.capture)
    for k in sorted(total):
        print("tolerated %-18s x%-6d %s" % (k, total[k], KNOWN_DIFFERENCES[k]))
    if failures:
        print("\n".join(failures))
        return 1
    print("%s: %d formats match sysdig 0.29.3" % (os.path.basename(args.capture), len(FORMATS)))
    return 0


def resolve_capture(args, tmp):
    """Builds the probe capture when asked for it; returns the capture path."""
    if args.capture != "probe":
        return args.capture
    path = os.path.join(tmp, "probe.scap")
    here = os.path.dirname(os.path.abspath(__file__))
    r = run([sys.executable, os.path.join(here, "make_probe_capture.py"), path])
    if r.returncode != 0:
        sys.exit("make_probe_capture.py failed: " + r.stderr.decode(errors="replace"))
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["gen", "check"])
    p.add_argument("--capture", required=True)
    p.add_argument("--golden-dir", required=True)
    p.add_argument("--vigil")
    p.add_argument("--docs", help="the shared docs directory (event-table-0.29.tsv)")
    p.add_argument("--live", action="store_true", help="also run sysdig now and compare")
    args = p.parse_args()
    if args.mode == "check" and (not args.vigil or not args.docs):
        p.error("check needs --vigil and --docs")
    with tempfile.TemporaryDirectory() as tmp:
        args.capture = resolve_capture(args, tmp)
        if args.mode == "gen":
            gen(args)
            return 0
        return check(args)


if __name__ == "__main__":
    sys.exit(main())
